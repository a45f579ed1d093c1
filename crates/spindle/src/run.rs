//! Building a scenario into a network and running it.

use crate::error::{Error, Located};
use crate::registry::{self, NodeModel};
use crate::resources::{format_bytes, MemoryEstimate, MemoryLimit};
use crate::scenario::{Action, ActionSpec, ConnectSpec, NodeSpec, Scenario};
use crate::session::NodeValues;
use spindle_core::comm::{Communicator, Local};
use spindle_core::error::Rejection;
use spindle_core::network::MAX_DELAY_STEPS;
use spindle_core::parameter::Parameter;
use spindle_core::params::{closest, invalid, ParamError, Params, Value};
use spindle_core::recording::RecordSink;
use spindle_core::rules::{ConnSpec, NodeSet, Rule, SynArrays, SynSpec};
use spindle_core::{BuildError, NetworkBuilder, NodeId, Simulation, Step, TimeGrid};
use spindle_io::{ConnectionTable, NodeEntry, RunInfo};
use spindle_synapses::SynapseCatalog;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Command-line overrides of the scenario's `[kernel]` table.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub threads: Option<usize>,
    pub seed: Option<u64>,
}

/// A built scenario, ready to simulate.
#[derive(Debug)]
pub struct Network {
    pub simulation: Simulation,
    /// The `[[nodes]]` entries with their id ranges.
    pub nodes: Vec<NodeEntry>,
    /// The successive `Simulate` durations, in steps.
    pub chunks: Vec<Step>,
    /// Accepted but surprising input (printed by the front end).
    pub warnings: Vec<String>,
    pub seed: u64,
    pub threads: usize,
    pub resolution: f64,
    /// The estimated memory of the network in bytes (see [`crate::resources`]).
    pub memory_estimate: f64,
    pub build_time: Duration,
    /// The scenario, for its `[[actions]]`, which act on the network as it runs.
    scenario: Scenario,
    /// How often each node's keys were drawn from a NEST parameter (the streams' occurrence,
    /// counted as the Python front end counts it).
    draws: crate::session::NodeDraws,
    /// The first `[[actions]]` entry not carried out yet.
    next_action: usize,
}

/// The longest time in tics (see [`spindle_core::time::MAX_TIME_MS`]).
const MAX_TICS: i64 = (spindle_core::time::MAX_TIME_MS * 1000.0) as i64;

/// The largest population of one `[[nodes]]` entry (node ids are 32-bit).
const MAX_POPULATION: i64 = (u32::MAX / 2) as i64;

/// What a node holds, for the memory estimate.
#[derive(Clone, Copy, Debug)]
enum Footprint {
    Neurons {
        bytes_per_neuron: usize,
        channels: usize,
    },
    Multimeter {
        columns: usize,
        interval: Step,
    },
    Device,
}

/// A `[[connect]]` entry read and resolved, not yet made.
#[derive(Debug)]
struct ReadConnection {
    pre: NodeSet,
    post: NodeSet,
    conn: ConnSpec,
    syn: SynSpec,
    arrays: SynArrays,
}

const CONN_KEYS: &[&str] = &[
    "rule",
    "allow_autapses",
    "allow_multapses",
    "indegree",
    "outdegree",
    "N",
    "p",
    "pairwise_avg_num_conns",
    "make_symmetric",
];
/// The parameter of each rule that has one (`p` is also `symmetric_pairwise_bernoulli`'s).
const RULE_PARAMETERS: [(&str, &str); 5] = [
    ("indegree", "fixed_indegree"),
    ("outdegree", "fixed_outdegree"),
    ("N", "fixed_total_number"),
    ("p", "pairwise_bernoulli"),
    ("pairwise_avg_num_conns", "pairwise_poisson"),
];
const SYN_KEYS: &[&str] = &["weight", "delay", "receptor_type", "synapse_model"];
const RULES: &[&str] = &[
    "all_to_all",
    "one_to_one",
    "fixed_indegree",
    "fixed_outdegree",
    "pairwise_bernoulli",
    "fixed_total_number",
    "symmetric_pairwise_bernoulli",
    "pairwise_poisson",
];

impl Network {
    /// Validate and build `scenario`. Nothing is simulated; every check that can be made
    /// without simulating is made here, and a network that would need more memory than is
    /// available ([`MemoryLimit::Available`]) is refused before anything large is allocated.
    pub fn build(scenario: &Scenario, opts: &RunOptions) -> Result<Network, Error> {
        Network::build_within(scenario, opts, &MemoryLimit::Available)
    }

    /// [`Network::build`] with an explicit memory limit.
    pub fn build_within(
        scenario: &Scenario,
        opts: &RunOptions,
        memory: &MemoryLimit,
    ) -> Result<Network, Error> {
        Network::build_distributed(scenario, opts, memory, Arc::new(Local))
    }

    /// [`Network::build_within`] as one rank of a distributed run (`comm`): every rank reads
    /// the whole scenario and builds its own share of the network
    /// (`spindle_core::comm::Decomposition`).
    pub fn build_distributed(
        scenario: &Scenario,
        opts: &RunOptions,
        memory: &MemoryLimit,
        comm: Arc<dyn Communicator>,
    ) -> Result<Network, Error> {
        let started = Instant::now();
        let kernel = &scenario.kernel;
        let kernel_at =
            |key: &str| scenario.at(scenario.line_of_table_key("kernel", key), "[kernel]");
        let grid = match kernel.tics_per_ms {
            None => TimeGrid::from_resolution_ms(kernel.resolution)
                .filter(|g| g.h() <= spindle_core::time::MAX_TIME_MS)
                .ok_or_else(|| {
                    Error::invalid(
                        kernel_at("resolution"),
                        format!(
                            "resolution = {:?}: the resolution must be a positive time of at least 0.001 ms (it is stored as whole microseconds)",
                            kernel.resolution,
                        ),
                    )
                })?,
            Some(tpm) => TimeGrid::with_tics_per_ms(tpm, kernel.resolution)
                .ok()
                .filter(|g| g.h() <= spindle_core::time::MAX_TIME_MS)
                .ok_or_else(|| {
                    let why = TimeGrid::with_tics_per_ms(tpm, kernel.resolution)
                        .err()
                        .map_or("the resolution is too long", |e| e.message());
                    Error::nest(
                        kernel_at("tics_per_ms"),
                        "KernelException",
                        format!(
                            "tics_per_ms = {tpm}, resolution = {:?}: {why}",
                            kernel.resolution
                        ),
                    )
                })?,
        };
        let threads = match opts.threads.or(kernel.threads) {
            Some(0) => {
                let at = match opts.threads {
                    Some(_) => scenario.at(None, "--threads"),
                    None => kernel_at("threads"),
                };
                return Err(Error::invalid(
                    at,
                    "threads = 0: the number of threads must be at least 1",
                ));
            }
            Some(t) => t,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let seed = opts.seed.unwrap_or(kernel.seed);

        let simulate_at = || scenario.at(scenario.simulate_line, "[simulate]");
        let mut chunks: Vec<Step> = Vec::new();
        let max_ms = MAX_TICS as f64 / 1000.0;
        for &t in &scenario.simulate {
            let problem = if !(t.is_finite() && t <= max_ms) {
                Some(format!(
                    "the simulation time must be finite and at most {max_ms:.1e} ms"
                ))
            } else if t < 0.0 {
                Some("the simulation time must not be negative".to_string())
            } else {
                None
            };
            let steps = grid.ms_on_grid(t).filter(|_| problem.is_none());
            let Some(steps) = steps else {
                let why = problem.unwrap_or_else(|| {
                    format!(
                        "The simulation time must be a multiple of the simulation resolution ({} ms)",
                        grid.h()
                    )
                });
                return Err(Error::invalid(
                    simulate_at(),
                    format!("time = {t:?}: {why}"),
                ));
            };
            chunks.push(steps);
        }
        if chunks.iter().sum::<Step>() > grid.ms_to_tics(max_ms) / grid.tics_per_step() {
            return Err(Error::invalid(
                simulate_at(),
                format!(
                    "time = {:?}: the simulation times add up to more than {max_ms:.1e} ms",
                    scenario.simulate
                ),
            ));
        }

        let mut builder = NetworkBuilder::new(grid, seed);
        match (kernel.min_delay, kernel.max_delay) {
            (None, None) => {}
            (Some(min), Some(max)) if min.is_finite() && max.is_finite() => {
                let (lo, hi) = crate::session::Session::round_delay_extrema(&grid, min, max);
                builder
                    .set_delay_extrema(lo, hi)
                    .map_err(|source| Error::Build {
                        at: kernel_at("min_delay"),
                        source,
                    })?;
            }
            (min, max) => {
                let key = if min.is_none() {
                    "max_delay"
                } else {
                    "min_delay"
                };
                return Err(Error::nest(
                    kernel_at(key),
                    "BadDelay",
                    format!(
                        "min_delay = {min:?}, max_delay = {max:?}: give both delay extrema, as \
                         finite times in ms"
                    ),
                ));
            }
        }
        let mut nodes: Vec<NodeEntry> = Vec::new();
        let mut by_name: HashMap<&str, (u32, u32)> = HashMap::new();
        let mut warnings = Vec::new();
        // What each node will hold, for the memory estimate.
        let mut footprints: Vec<Footprint> = Vec::new();
        let mut per_node = Vec::new();
        for spec in &scenario.nodes {
            let item = format!("[[nodes]] {:?} ({})", spec.name, spec.model);
            let at = |key: Option<&str>| scenario.at(spec.line_of(key), item.clone());
            if by_name.contains_key(spec.name.as_str()) {
                return Err(Error::invalid(
                    at(Some("name")),
                    format!(
                        "name = {:?}: another [[nodes]] entry already has this name; names must be unique",
                        spec.name
                    ),
                ));
            }
            // Parameters drawn per node are set once the nodes are built (see `drawn_params`).
            let (drawn, plain) = drawn_params(spec)
                .map_err(|e| node_param_error(scenario, spec, &item, e))?
                .map_or((None, None), |(plain, values)| (Some(values), Some(plain)));
            let model = make_node(scenario, plain.as_ref().unwrap_or(spec), &item, &grid)?;
            let n = spec.n as u32;
            let footprint = match &model {
                NodeModel::Neuron(m, _) => Footprint::Neurons {
                    bytes_per_neuron: 8 * (8 + 2 * m.n_channels() + m.recordables().len()),
                    channels: m.n_channels(),
                },
                NodeModel::Stimulus(d) => {
                    for w in d.warnings() {
                        warnings.push(format!("{}: {w}", at(Some("params"))));
                    }
                    Footprint::Device
                }
                NodeModel::Multimeter(m) => Footprint::Multimeter {
                    columns: m.record_from.len() + 1,
                    interval: m.interval.max(1),
                },
                NodeModel::SpikeRecorder(_)
                | NodeModel::WeightRecorder(_)
                | NodeModel::VolumeTransmitter(_)
                | NodeModel::Detector(_) => Footprint::Device,
            };
            let first = add_node(&mut builder, model, n, at(Some("n")))?;
            if let Some(values) = drawn {
                per_node.push((spec, item.clone(), first, values));
            }
            by_name.insert(&spec.name, (first.0, n));
            footprints.push(footprint);
            nodes.push(NodeEntry {
                name: spec.name.clone(),
                model: spec.model.clone(),
                first_id: first.0,
                count: n,
            });
        }

        // Input cells are numbered in 32 bits.
        let cells: f64 = nodes
            .iter()
            .zip(&footprints)
            .map(|(n, f)| match f {
                Footprint::Neurons { channels, .. } => f64::from(n.count) * *channels as f64,
                _ => 0.0,
            })
            .sum();
        if cells >= f64::from(u32::MAX) {
            return Err(Error::invalid(
                scenario.at(None, "network"),
                format!(
                    "the neurons have {cells:.3e} inputs (neurons × receptor ports) in all; spindle numbers them in 32 bits and supports fewer than {}",
                    u32::MAX
                ),
            ));
        }

        // Read every [[connect]] entry before connecting anything, so that the memory the
        // connections will take is known before any of them is expanded.
        synapse_catalog(scenario, &by_name)?;
        let mut statements = Vec::with_capacity(scenario.connections.len());
        for (i, c) in scenario.connections.iter().enumerate() {
            statements.push(read_connection(scenario, &by_name, i, c)?);
        }
        let estimate = estimate_memory(scenario, &nodes, &footprints, &statements, &grid, threads);
        if let Some((limit, source)) = memory.resolve() {
            let total = estimate.total();
            if total > limit as f64 {
                return Err(Error::invalid(
                    scenario.at(None, "network"),
                    format!(
                        "the network needs about {} but only {} are available ({source}); largest parts: {estimate}. Use fewer or smaller populations or connections",
                        format_bytes(total),
                        format_bytes(limit as f64),
                    ),
                ));
            }
        }
        for (i, (c, statement)) in scenario.connections.iter().zip(statements).enumerate() {
            let at = |key: Option<&str>| scenario.at(c.line_of(key), connect_item(i, c));
            builder
                .connect_rule_arrays(
                    statement.pre,
                    statement.post,
                    statement.conn,
                    statement.syn.clone(),
                    statement.arrays,
                )
                .map_err(|e| connect_error(&at, c, &statement.syn, e))?;
            for w in builder.take_warnings() {
                warnings.push(format!("{}: {w}", at(Some("syn.weight"))));
            }
        }

        let mut simulation =
            builder
                .build_distributed(threads, comm)
                .map_err(|source| match &source {
                    BuildError::Rule {
                        statement: Some(i), ..
                    } if (*i as usize) < scenario.connections.len() => {
                        let c = &scenario.connections[*i as usize];
                        let BuildError::Rule { rule, reason, .. } = &source else {
                            unreachable!("matched above")
                        };
                        let (key, message) = rule_message(c, rule, reason);
                        Error::nest(
                            scenario.at(c.line_of(Some(&key)), connect_item(*i as usize, c)),
                            reason.kind,
                            message,
                        )
                    }
                    _ => Error::Build {
                        at: scenario.at(None, "network"),
                        source,
                    },
                })?;
        let mut draws = crate::session::NodeDraws::default();
        set_drawn_params(
            &mut simulation,
            &mut draws,
            scenario,
            per_node,
            seed,
            threads,
        )?;
        Network {
            simulation,
            nodes,
            chunks,
            warnings,
            seed,
            threads,
            resolution: grid.h(),
            memory_estimate: estimate.total(),
            build_time: started.elapsed(),
            scenario: scenario.clone(),
            draws,
            next_action: 0,
        }
        .with_leading_actions()
    }

    /// Node id → `[[nodes]]` name of every recording device.
    pub fn recorder_names(&self) -> Vec<(NodeId, String)> {
        let layout = self.simulation.recording_layout();
        let ids = layout
            .spike_recorders
            .iter()
            .map(|r| r.id)
            .chain(layout.multimeters.iter().map(|m| m.id))
            .chain(layout.weight_recorders.iter().map(|w| w.id))
            .chain(layout.detectors.iter().map(|d| d.id));
        ids.map(|id| (id, self.node_name(id))).collect()
    }

    /// The `[[nodes]]` name of a node (with `[index]` for populations of several).
    pub fn node_name(&self, id: NodeId) -> String {
        match self
            .nodes
            .iter()
            .find(|e| id.0 >= e.first_id && id.0 < e.first_id + e.count)
        {
            Some(e) if e.count == 1 => e.name.clone(),
            Some(e) => format!("{}[{}]", e.name, id.0 - e.first_id),
            None => id.to_string(),
        }
    }

    /// The network's connections as `/connections` holds them (`[output] connections`):
    /// one row per synapse, recorder connections left out, sorted by (source, target,
    /// synapse_model), ties in creation order. Weights as `GetConnections` lists them (in
    /// synapse space), delays in ms. A copy of `static_synapse` without a weight recorder is
    /// listed as `static_synapse` (the compact store keeps no model name).
    pub fn connection_table(&self) -> ConnectionTable {
        let sim = &self.simulation;
        let grid = sim.grid();
        let mut rows: Vec<(u32, u32, &str, f64, f64)> = sim
            .synapses()
            .into_iter()
            .filter_map(|r| {
                let id = r.id?;
                let syn = r.connection.synapse?;
                let model = sim.synapse_model(id).unwrap_or("static_synapse");
                Some((
                    r.connection.source.0,
                    r.connection.target.0,
                    model,
                    syn.weight,
                    grid.step_to_ms(syn.delay),
                ))
            })
            .collect();
        rows.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
        ConnectionTable {
            source: rows.iter().map(|r| r.0).collect(),
            target: rows.iter().map(|r| r.1).collect(),
            synapse_model: rows.iter().map(|r| r.2.to_string()).collect(),
            weight: rows.iter().map(|r| r.3).collect(),
            delay: rows.iter().map(|r| r.4).collect(),
        }
    }

    /// [`Network::connection_table`] of the whole network of a distributed run, on rank 0
    /// (`None` on the others): every rank's rows, merged in the table's order (a target's
    /// synapses all live on one rank, so ties keep their creation order).
    pub fn gathered_connection_table(&self, comm: &dyn Communicator) -> Option<ConnectionTable> {
        let local = self.connection_table();
        if comm.size() == 1 {
            return Some(local);
        }
        let mut words = Vec::with_capacity(local.source.len() * 4);
        for i in 0..local.source.len() {
            let name = local.synapse_model[i].as_bytes();
            words.push((u64::from(local.source[i]) << 32) | u64::from(local.target[i]));
            words.push(local.weight[i].to_bits());
            words.push(local.delay[i].to_bits());
            words.push(name.len() as u64);
            words.extend(name.chunks(8).map(|c| {
                let mut b = [0u8; 8];
                b[..c.len()].copy_from_slice(c);
                u64::from_le_bytes(b)
            }));
        }
        let blocks = comm.gather_to_root(&words)?;
        let mut rows: Vec<(u32, u32, String, f64, f64)> = Vec::new();
        for w in blocks.iter() {
            let mut at = 0;
            while at < w.len() {
                let len = w[at + 3] as usize;
                let n = len.div_ceil(8);
                let bytes: Vec<u8> = w[at + 4..at + 4 + n]
                    .iter()
                    .flat_map(|x| x.to_le_bytes())
                    .take(len)
                    .collect();
                rows.push((
                    (w[at] >> 32) as u32,
                    w[at] as u32,
                    String::from_utf8_lossy(&bytes).into_owned(),
                    f64::from_bits(w[at + 1]),
                    f64::from_bits(w[at + 2]),
                ));
                at += 4 + n;
            }
        }
        rows.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
        Some(ConnectionTable {
            source: rows.iter().map(|r| r.0).collect(),
            target: rows.iter().map(|r| r.1).collect(),
            weight: rows.iter().map(|r| r.3).collect(),
            delay: rows.iter().map(|r| r.4).collect(),
            synapse_model: rows.into_iter().map(|r| r.2).collect(),
        })
    }

    pub fn run_info(&self) -> RunInfo {
        RunInfo {
            resolution: self.resolution,
            seed: self.seed,
            threads: self.threads,
            spindle_version: crate::VERSION.to_string(),
        }
    }

    /// The total simulated time of all `Simulate` calls, in steps (the `[[actions]]`
    /// included).
    pub fn total_steps(&self) -> Step {
        let grid = self.simulation.grid();
        let later: Step = self
            .scenario
            .actions
            .iter()
            .filter_map(|a| match a.action {
                Action::Simulate(t) => grid.ms_on_grid(t),
                _ => None,
            })
            .sum();
        self.chunks.iter().sum::<Step>() + later
    }

    /// Run every `Simulate` call of the scenario, recording into `sink`. `progress(now)` is
    /// called after every slice; returning `false` stops the run.
    pub fn simulate(
        &mut self,
        sink: &mut dyn RecordSink,
        progress: &mut dyn FnMut(Step) -> bool,
    ) -> Result<(), Error> {
        self.simulation.begin_recording(sink)?;
        for &steps in &self.chunks {
            self.simulation.run_with(steps, sink, progress)?;
        }
        let actions = std::mem::take(&mut self.scenario.actions);
        let result = actions
            .iter()
            .enumerate()
            .skip(self.next_action)
            .try_for_each(|(i, a)| self.act(i, a, sink, progress));
        self.scenario.actions = actions;
        result
    }

    /// With no `[simulate]` call, the actions before the first `simulate` action describe
    /// the network before anything runs (a script that sets parameters between `Create` and
    /// its first `Simulate`): carry them out now, as part of the build, so that the network
    /// and its recorders are complete before the output file is made.
    fn with_leading_actions(mut self) -> Result<Network, Error> {
        if !self.chunks.is_empty() {
            return Ok(self);
        }
        let actions = std::mem::take(&mut self.scenario.actions);
        let mut result = Ok(());
        for (i, a) in actions.iter().enumerate() {
            if matches!(a.action, Action::Simulate(_)) {
                break;
            }
            result = self.act(i, a, &mut spindle_core::recording::NullSink, &mut |_| true);
            if result.is_err() {
                break;
            }
            self.next_action = i + 1;
        }
        self.scenario.actions = actions;
        result?;
        // Build what the actions added, so that the recording layout is complete.
        self.simulation.sync().map_err(|source| Error::Build {
            at: self.scenario.at(None, "network"),
            source,
        })?;
        Ok(self)
    }

    /// Carry out one `[[actions]]` entry on the running network, with the builder that
    /// `[[nodes]]` and `[[connect]]` went through (and the Python front end goes through).
    fn act(
        &mut self,
        index: usize,
        a: &ActionSpec,
        sink: &mut dyn RecordSink,
        progress: &mut dyn FnMut(Step) -> bool,
    ) -> Result<(), Error> {
        let item = format!("[[actions]] #{}", index + 1);
        let at = || self.scenario.at(a.line, item.clone());
        match &a.action {
            Action::Simulate(t) => {
                let steps = self
                    .simulation
                    .grid()
                    .ms_on_grid(*t)
                    .filter(|&s| s >= 0 && t.is_finite())
                    .ok_or_else(|| {
                        Error::invalid(
                            at(),
                            format!("simulate = {t:?}: the simulation time must be a non-negative multiple of the resolution"),
                        )
                    })?;
                self.simulation.run_with(steps, sink, progress)?;
            }
            Action::Create(spec) => {
                if self.nodes.iter().any(|e| e.name == spec.name) {
                    return Err(Error::invalid(
                        at(),
                        format!("name = {:?}: another node entry already has this name; names must be unique", spec.name),
                    ));
                }
                let grid = self.simulation.grid();
                let param = |source: ParamError| Error::Param {
                    at: self.scenario.at(spec.line_of(source.key()), item.clone()),
                    source,
                };
                let drawn = drawn_params(spec).map_err(param)?;
                let plain = drawn.as_ref().map_or(spec, |(plain, _)| plain);
                let made = make_node(&self.scenario, plain, &item, &grid)?;
                let n = spec.n as u32;
                let first = add_node(self.simulation.network_mut(), made, n, at())?;
                self.nodes.push(NodeEntry {
                    name: spec.name.clone(),
                    model: spec.model.clone(),
                    first_id: first.0,
                    count: n,
                });
                if let Some((_, values)) = drawn {
                    let (seed, threads) = (self.seed, self.threads);
                    set_drawn_params(
                        &mut self.simulation,
                        &mut self.draws,
                        &self.scenario,
                        vec![(spec, item.clone(), first, values)],
                        seed,
                        threads,
                    )?;
                }
            }
            Action::Connect(c) => {
                let by_name: HashMap<&str, (u32, u32)> = self
                    .nodes
                    .iter()
                    .map(|e| (e.name.as_str(), (e.first_id, e.count)))
                    .collect();
                let read = read_connection(&self.scenario, &by_name, index, c)?;
                let at_key = |key: Option<&str>| self.scenario.at(c.line_of(key), item.clone());
                self.simulation
                    .network_mut()
                    .connect_rule_arrays(
                        read.pre,
                        read.post,
                        read.conn,
                        read.syn.clone(),
                        read.arrays,
                    )
                    .map_err(|e| connect_error(&at_key, c, &read.syn, e))?;
                for w in self.simulation.network_mut().take_warnings() {
                    self.warnings.push(format!("{}: {w}", at()));
                }
            }
            Action::Set { nodes, params } => {
                let by_name: HashMap<&str, (u32, u32)> = self
                    .nodes
                    .iter()
                    .map(|e| (e.name.as_str(), (e.first_id, e.count)))
                    .collect();
                let set = resolve(nodes, &by_name, "set.nodes", &at)?;
                let values = NodeValues::read_all(params.clone())
                    .map_err(|source| Error::Param { at: at(), source })?;
                let (seed, threads) = (self.seed, self.threads);
                for &(first, count) in set.ranges() {
                    crate::session::set_nodes_status(
                        &mut self.simulation,
                        &mut self.draws,
                        seed,
                        (NodeId(first), count),
                        &values,
                        threads,
                    )
                    .map_err(|(id, e)| match e {
                        Error::Param { source, .. } => Error::Param {
                            at: self.scenario.at(a.line, format!("{item}, node {id}")),
                            source,
                        },
                        other => other,
                    })?;
                }
            }
        }
        Ok(())
    }
}

/// A `[[nodes]]` entry's model with its parameters (NEST's checks at `Create`).
fn make_node(
    scenario: &Scenario,
    spec: &NodeSpec,
    item: &str,
    grid: &TimeGrid,
) -> Result<NodeModel, Error> {
    let at = |key: Option<&str>| scenario.at(spec.line_of(key), item.to_string());
    if spec.n < 1 || spec.n > MAX_POPULATION {
        return Err(Error::invalid(
            at(Some("n")),
            format!("n = {}: n must be between 1 and {MAX_POPULATION}", spec.n),
        ));
    }
    if registry::is_device(&spec.model) && spec.n != 1 {
        return Err(Error::invalid(
            at(Some("n")),
            format!(
"n = {}: devices are created one per [[nodes]] entry (n = 1); give each its own name",
spec.n
    ),
        ));
    }
    let model = registry::create(&spec.model, spec.params.clone(), grid)
        .map_err(|u| {
            Error::nest(
                at(Some("model")),
                "UnknownModelName",
                format!("model = {:?}: {}", spec.model, u.message()),
            )
        })?
        .map_err(|e| node_param_error(scenario, spec, item, e))?;
    Ok(model)
}

/// Every key of a `[[nodes]]` entry, as set node by node.
type NodeKeys = Vec<(String, NodeValues)>;

/// A `[[nodes]]` entry whose `params` draw per node (`V_m = { distribution = "normal", mean
/// = -58.0, std = 10.0 }`, any NEST parameter): the entry without them, to create the nodes
/// with, and all its keys, to set node by node once the nodes are built — what Python's
/// `Create` does, with the same streams ([`crate::session::set_nodes_status`]), so that a
/// script and the scenario it exports draw the same values. `None` for an entry without.
fn drawn_params(spec: &NodeSpec) -> Result<Option<(NodeSpec, NodeKeys)>, ParamError> {
    if !spec
        .params
        .keys()
        .any(|k| matches!(spec.params.get(k), Some(Value::Map(_))))
    {
        return Ok(None);
    }
    let values = NodeValues::read_all(spec.params.clone())?;
    let mut plain = spec.clone();
    plain.params = Params::new();
    for (key, v) in &values {
        if let NodeValues::Same(x) = v {
            plain.params.insert(key.as_str(), x.clone());
        }
    }
    Ok(Some((plain, values)))
}

/// Set the parameters drawn per node of the `[[nodes]]` entries that have them (see
/// [`drawn_params`]), entry by entry in file order; an error names the entry, the key's line
/// and the node.
fn set_drawn_params(
    sim: &mut Simulation,
    draws: &mut crate::session::NodeDraws,
    scenario: &Scenario,
    per_node: Vec<(&NodeSpec, String, NodeId, NodeKeys)>,
    seed: u64,
    threads: usize,
) -> Result<(), Error> {
    for (spec, item, first, values) in per_node {
        let range = (first, spec.n as u32);
        crate::session::set_nodes_status(sim, draws, seed, range, &values, threads).map_err(
            |(id, e)| match e {
                Error::Param { source, .. } => Error::Param {
                    at: scenario.at(spec.line_of(source.key()), format!("{item}, node {id}")),
                    source,
                },
                other => other,
            },
        )?;
    }
    Ok(())
}

/// Add a made node model to the network; its first id.
fn add_node(
    builder: &mut NetworkBuilder,
    model: NodeModel,
    n: u32,
    at: Located,
) -> Result<NodeId, Error> {
    match model {
        NodeModel::Neuron(m, archive) => builder.add_neurons_archived(m, n, archive),
        NodeModel::Stimulus(d) => builder.add_stimulus(d),
        NodeModel::SpikeRecorder(s) => builder.add_spike_recorder(s),
        NodeModel::Multimeter(s) => builder.add_multimeter(s),
        NodeModel::WeightRecorder(s) => builder.add_weight_recorder(s),
        NodeModel::VolumeTransmitter(s) => builder.add_volume_transmitters(s, n),
        NodeModel::Detector(d) => builder.add_detector(d),
    }
    .map_err(|source| Error::Build { at, source })
}

/// A node's parameter error, at the line of the offending key, showing the values as the user
/// wrote them and marking those the user did not give as defaults.
fn node_param_error(scenario: &Scenario, spec: &NodeSpec, item: &str, mut e: ParamError) -> Error {
    match &mut e {
        ParamError::Rule { given, .. } => {
            for (key, value) in given.iter_mut() {
                match spec.params.get(key) {
                    Some(user) => *value = shown(user),
                    None => value.push_str(" (default)"),
                }
            }
        }
        ParamError::Invalid { key, value, .. } => {
            if let Some(user) = spec.params.get(key) {
                *value = shown(user);
            }
        }
        _ => {}
    }
    let line = spec.line_of(e.key());
    Error::Param {
        at: scenario.at(line, item.to_string()),
        source: e,
    }
}

/// A value as the user wrote it, with long lists shortened.
fn shown(v: &Value) -> String {
    match v {
        Value::List(items) if items.len() > 8 => {
            let head: Vec<String> = items[..4].iter().map(Value::to_string).collect();
            format!(
                "[{}, …, {}] ({} entries)",
                head.join(", "),
                items[items.len() - 1],
                items.len()
            )
        }
        other => other.to_string(),
    }
}

/// `[[connect]] #2 (a → b, c)`.
fn connect_item(index: usize, c: &ConnectSpec) -> String {
    if c.sources.is_some() {
        return format!("[[connect]] #{} (sources → targets)", index + 1);
    }
    format!(
        "[[connect]] #{} ({} → {})",
        index + 1,
        c.pre.join(", "),
        c.post.join(", ")
    )
}

/// The synapse models of a scenario: NEST's, with the `[[synapse_models]]` entries applied
/// in order (`CopyModel` with `copy_of`, else `SetDefaults`), each checked as NEST checks it.
/// A `weight_recorder` or `volume_transmitter` names a `[[nodes]]` entry (of one such node).
fn synapse_catalog(
    scenario: &Scenario,
    by_name: &HashMap<&str, (u32, u32)>,
) -> Result<SynapseCatalog, Error> {
    let mut catalog = SynapseCatalog::default();
    for m in &scenario.synapse_models {
        let at = || scenario.at(m.line, format!("[[synapse_models]] {:?}", m.name));
        let mut params = m.params.clone();
        for key in ["weight_recorder", "volume_transmitter"] {
            if let Some(Value::Str(name)) = params.get(key).cloned() {
                let ids = resolve(std::slice::from_ref(&name), by_name, key, &at)?;
                let first = ids.ranges().first().map_or(0, |r| r.0);
                if ids.len() != 1 {
                    return Err(Error::invalid(
                        at(),
                        format!("{key} = {name:?}: the entry must hold one {key}"),
                    ));
                }
                params.insert(key, Value::Int(i64::from(first)));
            }
        }
        let done = match &m.copy_of {
            Some(old) => catalog.copy_model(old, &m.name, &params),
            None => catalog.set_defaults(&m.name, &params),
        };
        done.map_err(|source| Error::Param {
            at: scenario.at(m.line, format!("[[synapse_models]] {:?}", m.name)),
            source,
        })?;
    }
    Ok(catalog)
}

/// Resolve the names and read the `conn` and `syn` tables of one `[[connect]]` entry.
fn read_connection(
    scenario: &Scenario,
    by_name: &HashMap<&str, (u32, u32)>,
    index: usize,
    c: &ConnectSpec,
) -> Result<ReadConnection, Error> {
    let at = |key: Option<&str>| scenario.at(c.line_of(key), connect_item(index, c));
    let (pre, post) = match (&c.sources, &c.targets) {
        (Some(sources), Some(targets)) => {
            // NEST's connect_arrays: explicit (source, target) pairs, one_to_one.
            let n_ids = by_name.values().map(|&(f, n)| f + n - 1).max().unwrap_or(0);
            (
                explicit_ids(sources, n_ids, "sources", &|| at(Some("sources")))?,
                explicit_ids(targets, n_ids, "targets", &|| at(Some("targets")))?,
            )
        }
        _ => (
            resolve(&c.pre, by_name, "pre", &|| at(Some("pre")))?,
            resolve(&c.post, by_name, "post", &|| at(Some("post")))?,
        ),
    };
    let param = |e: ParamError, table: &str| {
        let key = e.key().map(|k| {
            if k.starts_with(&format!("{table}.")) {
                k.to_string()
            } else {
                format!("{table}.{k}")
            }
        });
        Error::Param {
            at: at(key.as_deref()),
            source: e,
        }
    };
    let mut conn = c.conn.clone();
    if c.sources.is_some() && conn.get("rule").is_none() {
        conn.insert("rule", Value::Str("one_to_one".into()));
    }
    let conn = conn_spec(&mut conn).map_err(|e| param(e, "conn"))?;
    if c.sources.is_some() && conn.rule != Rule::OneToOne {
        return Err(Error::invalid(
            at(Some("conn.rule")),
            format!(
                "conn.rule = {:?}: a statement with sources and targets (NEST's connect_arrays) connects them one_to_one",
                conn.rule.to_string()
            ),
        ));
    }
    check_symmetric_syn(&conn, &c.syn).map_err(|e| param(e, "syn"))?;
    let catalog = synapse_catalog(scenario, by_name)?;
    let mut syn_table = c.syn.clone();
    let arrays = syn_arrays(&mut syn_table).map_err(|e| param(e, "syn"))?;
    let syn = syn_spec(&mut syn_table, &catalog).map_err(|e| param(e, "syn"))?;
    Ok(ReadConnection {
        pre,
        post,
        conn,
        syn,
        arrays,
    })
}

/// A connection refused by the network builder, naming the key it concerns.
fn connect_error(
    at: &dyn Fn(Option<&str>) -> Located,
    c: &ConnectSpec,
    syn: &SynSpec,
    e: BuildError,
) -> Error {
    let (key, shown) = match &e {
        BuildError::Connect { reason, .. }
            if matches!(
                reason.kind,
                "IncompatibleReceptorType" | "UnknownReceptorType"
            ) =>
        {
            (
                Some("syn.receptor_type"),
                format!("syn.receptor_type = {}: ", syn.receptor),
            )
        }
        BuildError::BadDelay { .. } | BuildError::DelayTooLong { .. } => (
            Some("syn.delay"),
            match syn.delay_ms.constant() {
                Some(d) => format!("syn.delay = {d:?}: "),
                None => String::new(),
            },
        ),
        BuildError::Rule { rule, reason, .. } => {
            let (key, message) = rule_message(c, rule, reason);
            return Error::nest(at(Some(&key)), reason.kind, message);
        }
        _ => (None, String::new()),
    };
    Error::Connect {
        at: at(key),
        shown,
        source: e,
    }
}

/// A rule's refusal as `key = value: reason`, with the key it concerns (`conn.indegree`,
/// `syn.delay`, …) so that the message points at its line.
fn rule_message(c: &ConnectSpec, rule: &str, reason: &Rejection) -> (String, String) {
    let message = &reason.message;
    let starts =
        |k: &str| message.starts_with(&format!("{k} =")) || message.starts_with(&format!("{k}:"));
    if let Some(k) = ["indegree", "outdegree", "N", "p"]
        .into_iter()
        .find(|k| starts(k))
    {
        return (format!("conn.{k}"), format!("conn.{message}"));
    }
    if let Some(k) = ["delay", "weight"].into_iter().find(|k| starts(k)) {
        return (format!("syn.{k}"), format!("syn.{message}"));
    }
    let raw = |k: &str| {
        c.syn
            .get(k)
            .map_or_else(|| "its default".to_string(), |v| v.to_string())
    };
    if message.contains("drawn delay") {
        return (
            "syn.delay".into(),
            format!("syn.delay = {}: {message}", raw("delay")),
        );
    }
    if reason.kind.ends_with("ReceptorType") {
        return (
            "syn.receptor_type".into(),
            format!("syn.receptor_type = {}: {message}", raw("receptor_type")),
        );
    }
    let name = rule.split(' ').next().unwrap_or(rule);
    (
        "conn.rule".into(),
        format!("conn.rule = {name:?}: {message}"),
    )
}

/// The expected memory of the network: neuron state, input ring buffers, the synapses each
/// statement is expected to make (before any is made), per-thread indices and multimeter
/// buffers.
fn estimate_memory(
    scenario: &Scenario,
    nodes: &[NodeEntry],
    footprints: &[Footprint],
    statements: &[ReadConnection],
    grid: &TimeGrid,
    threads: usize,
) -> MemoryEstimate {
    let mut e = MemoryEstimate::default();
    // Delay extrema in steps, over every statement (at least one step; NEST's default 1 ms).
    let (mut min_delay, mut max_delay) = (f64::INFINITY, 1.0f64);
    for s in statements {
        let (lo, hi) = s.syn.delay_ms.range();
        let steps = |d: f64| (d / grid.h()).round().clamp(1.0, MAX_DELAY_STEPS as f64);
        min_delay = min_delay.min(steps(lo));
        max_delay = max_delay.max(steps(hi));
    }
    let min_delay = if min_delay.is_finite() {
        min_delay
    } else {
        1.0
    };
    let ring_slots = min_delay.min(max_delay) + max_delay;
    let mut cells = 0.0;
    for (node, fp) in nodes.iter().zip(footprints) {
        if let Footprint::Neurons {
            bytes_per_neuron,
            channels,
        } = *fp
        {
            let n = f64::from(node.count);
            e.add(
                format!(
                    "state of the {} {} neurons {:?}",
                    node.count, node.model, node.name
                ),
                n * bytes_per_neuron as f64,
            );
            cells += n * channels as f64;
        }
    }
    e.add(
        format!("input ring buffers ({cells:.0} inputs × {ring_slots:.0} delay slots)"),
        cells * ring_slots * 8.0,
    );
    let is_device = |set: &NodeSet| {
        set.ranges().iter().any(|&(first, _)| {
            let i = nodes.partition_point(|n| n.first_id <= first) - 1;
            !matches!(footprints[i], Footprint::Neurons { .. })
        })
    };
    for (i, (s, c)) in statements.iter().zip(&scenario.connections).enumerate() {
        let (n_pre, n_post) = (s.pre.len() as f64, s.post.len() as f64);
        let count = match s.conn.rule {
            Rule::AllToAll => n_pre * n_post,
            Rule::OneToOne => n_post,
            Rule::FixedIndegree(k) => k as f64 * n_post,
            Rule::FixedOutdegree(k) => k as f64 * n_pre,
            Rule::PairwiseBernoulli(p) => p * n_pre * n_post,
            Rule::FixedTotalNumber(n) => n as f64,
            Rule::SymmetricPairwiseBernoulli(p) => 2.0 * p * n_pre * n_post,
            Rule::PairwisePoisson(mean) => mean * n_pre * n_post,
        } * if s.conn.make_symmetric && s.conn.rule == Rule::OneToOne {
            2.0
        } else {
            1.0
        };
        // Neuron → neuron synapses are stored compactly (cell + kind index: 6 bytes) unless
        // random weights or delays make too many distinct kinds (cell + weight + delay: 14).
        // Connections with a device are expanded one by one and keep a record each, with a
        // random stream for Poisson generators.
        let (bytes, kind) = if is_device(&s.pre) || is_device(&s.post) {
            (256.0, "device connections")
        } else if let Some(model) = &s.syn.model {
            // Synapses with state: their store's structure-of-arrays.
            (model.0.bytes_per_synapse() as f64, "synapses with state")
        } else if s.syn.weight.is_random() || s.syn.delay_ms.is_random() {
            (14.0, "synapses")
        } else {
            (6.0, "synapses")
        };
        e.add(
            format!("{count:.3e} {kind} of {}", connect_item(i, c)),
            count * bytes,
        );
        // Multimeter buffers: one row per target and sample of a slice.
        if let Some(&(first, _)) = s.pre.ranges().first() {
            let k = nodes.partition_point(|n| n.first_id <= first) - 1;
            if let Footprint::Multimeter { columns, interval } = footprints[k] {
                let samples = (min_delay / interval as f64).ceil() + 1.0;
                e.add(
                    format!("recording buffers of {:?}", nodes[k].name),
                    2.0 * n_post * columns as f64 * samples * 8.0,
                );
            }
        }
    }
    let ids = nodes
        .last()
        .map_or(0.0, |n| f64::from(n.first_id) + f64::from(n.count))
        + 2.0;
    e.add(
        format!("per-thread synapse indices ({threads} threads)"),
        threads as f64 * (ids * 12.0 + 256.0 * 1024.0),
    );
    e
}

/// The node set named by a `pre` or `post` list.
fn resolve(
    names: &[String],
    by_name: &HashMap<&str, (u32, u32)>,
    key: &str,
    at: &dyn Fn() -> Located,
) -> Result<NodeSet, Error> {
    let mut set = NodeSet::new();
    for name in names {
        let Some(&(first, n)) = by_name.get(name.as_str()) else {
            let mut known: Vec<&str> = by_name.keys().copied().collect();
            known.sort_unstable();
            let hint = match closest(name, &known) {
                Some(s) => format!(" (did you mean {s:?}?)"),
                None => format!(" (nodes are: {})", known.join(", ")),
            };
            return Err(Error::invalid(
                at(),
                format!("{key} = {name:?}: no [[nodes]] entry has this name{hint}"),
            ));
        };
        set.push_range(first, n);
    }
    Ok(set)
}

/// The node set of a `sources` or `targets` list: ids in the given order (repeats allowed),
/// each an existing node (NEST's `UnknownNode` otherwise).
fn explicit_ids(
    ids: &[i64],
    n_ids: u32,
    key: &str,
    at: &dyn Fn() -> Located,
) -> Result<NodeSet, Error> {
    let mut set = NodeSet::new();
    for &id in ids {
        if id < 1 || id > i64::from(n_ids) {
            return Err(Error::nest(
                at(),
                "UnknownNode",
                format!("{key}: node with id {id} doesn't exist ({n_ids} nodes)"),
            ));
        }
        set.push_id(id as u32);
    }
    Ok(set)
}

/// The per-connection values of a `syn` table (NEST's parameter arrays): `weight`, `delay`
/// and `receptor_type` given as lists are taken out of `syn`, flattened in NEST's order (see
/// `SynArrays`).
pub(crate) fn syn_arrays(syn: &mut Params) -> Result<SynArrays, ParamError> {
    let mut arrays = SynArrays::default();
    if matches!(syn.get("weight"), Some(Value::List(_))) {
        arrays.weight = syn.f64_list("weight")?.map(Into::into);
    }
    if matches!(syn.get("delay"), Some(Value::List(_))) {
        arrays.delay_ms = syn.f64_list("delay")?.map(Into::into);
    }
    if matches!(syn.get("receptor_type"), Some(Value::List(_))) {
        arrays.receptor = syn.i64_list("receptor_type")?.map(Into::into);
    }
    Ok(arrays)
}

/// A non-negative integer rule parameter.
fn count(conn: &mut Params, key: &str, rule: &str) -> Result<u64, ParamError> {
    match conn.i64(key)? {
        None => Err(invalid(
            &format!("conn.{key}"),
            "missing",
            format!("rule {rule} needs {key}"),
        )),
        Some(k) if k < 0 => Err(invalid(&format!("conn.{key}"), k, "must not be negative")),
        Some(k) => Ok(k as u64),
    }
}

pub(crate) fn conn_spec(conn: &mut Params) -> Result<ConnSpec, ParamError> {
    let rule_name = conn
        .string("rule")?
        .unwrap_or_else(|| "all_to_all".to_string());
    let rule = match rule_name.as_str() {
        "all_to_all" => Rule::AllToAll,
        "one_to_one" => Rule::OneToOne,
        "fixed_indegree" => Rule::FixedIndegree(count(conn, "indegree", &rule_name)?),
        "fixed_outdegree" => Rule::FixedOutdegree(count(conn, "outdegree", &rule_name)?),
        "fixed_total_number" => Rule::FixedTotalNumber(count(conn, "N", &rule_name)?),
        "pairwise_bernoulli" => {
            let p = conn
                .f64("p")?
                .ok_or_else(|| invalid("conn.p", "missing", "rule pairwise_bernoulli needs p"))?;
            if !(0.0..=1.0).contains(&p) {
                return Err(invalid(
                    "conn.p",
                    p,
                    "the connection probability must be within [0, 1]",
                ));
            }
            Rule::PairwiseBernoulli(p)
        }
        // NEST's own messages for these two are given by `rules::check_statement`.
        "symmetric_pairwise_bernoulli" => Rule::SymmetricPairwiseBernoulli(
            conn.f64("p")?
                .ok_or_else(|| invalid("conn.p", "missing", format!("rule {rule_name} needs p")))?,
        ),
        "pairwise_poisson" => {
            Rule::PairwisePoisson(conn.f64("pairwise_avg_num_conns")?.ok_or_else(|| {
                invalid(
                    "conn.pairwise_avg_num_conns",
                    "missing",
                    format!("rule {rule_name} needs pairwise_avg_num_conns"),
                )
            })?)
        }
        other => {
            let hint = closest(other, RULES)
                .map(|s| format!(" (did you mean {s:?}?)"))
                .unwrap_or_default();
            return Err(invalid(
                "conn.rule",
                format!("{other:?}"),
                format!(
                    "unknown connection rule{hint}; valid rules are {}",
                    RULES.join(", ")
                ),
            ));
        }
    };
    let spec = ConnSpec {
        rule,
        allow_autapses: conn.bool("allow_autapses")?.unwrap_or(true),
        allow_multapses: conn.bool("allow_multapses")?.unwrap_or(true),
        make_symmetric: conn.bool("make_symmetric")?.unwrap_or(false),
    };
    // A parameter of another rule (the rule's own was read above).
    for (key, owner) in RULE_PARAMETERS {
        if let Some(v) = conn.get(key) {
            return Err(invalid(
                &format!("conn.{key}"),
                v,
                format!("{key} is a parameter of rule {owner}, not of {rule_name}"),
            ));
        }
    }
    conn.clone()
        .finish(&format!("conn_spec of rule {rule_name}"), CONN_KEYS)?;
    Ok(spec)
}

/// NEST replays a symmetric statement's parameters for the way back (`reset`), which a
/// random one (a table: a distribution or an expression) cannot do, whatever its key.
pub(crate) fn check_symmetric_syn(conn: &ConnSpec, syn: &Params) -> Result<(), ParamError> {
    if !conn.make_symmetric {
        return Ok(());
    }
    match syn
        .keys()
        .find(|k| matches!(syn.get(k), Some(Value::Map(_))))
    {
        Some(key) => Err(ParamError::Rule {
            kind: "NotImplemented",
            message: "Symmetric connections require parameters that can be reset.".into(),
            given: vec![(
                format!("syn.{key}"),
                syn.get(key).map(|v| v.to_string()).unwrap_or_default(),
            )],
            valid: None,
        }),
        None => Ok(()),
    }
}

/// A `syn` weight or delay: a number, or a table describing a NEST parameter (a distribution
/// or an expression; the forms are in `spindle_core::parameter`), checked as NEST checks it.
fn distribution(syn: &mut Params, key: &str, default: f64) -> Result<Parameter, ParamError> {
    match syn.take(key) {
        None => Ok(Parameter::Constant(default)),
        Some(v) => Parameter::read(&v, &format!("syn.{key}")),
    }
}

pub(crate) fn syn_spec(syn: &mut Params, catalog: &SynapseCatalog) -> Result<SynSpec, ParamError> {
    // The model's defaults of the generic keys (`SetDefaults`, `CopyModel`) where not given.
    if let Some(Value::Str(name)) = syn.get("synapse_model") {
        catalog.refuse_common_weight(name, syn)?;
        if let Some(entry) = catalog.get(name) {
            for (k, v) in entry.generic.clone().into_map() {
                // The model's weight recorder is the catalog's (`configure`), not a key of
                // the connection (where NEST refuses it).
                if !syn.contains(&k) && k != "weight_recorder" {
                    syn.insert(k, v);
                }
            }
        }
    }
    let weight = distribution(syn, "weight", 1.0)?;
    let delay_ms = distribution(syn, "delay", 1.0)?;
    // A number, or a NEST parameter drawn per connection (`nest.random.uniform_int(…) + 1`).
    let receptor_drawn = match syn.get("receptor_type") {
        Some(v @ Value::Map(_)) => Some(Parameter::read(v, "syn.receptor_type")?),
        _ => None,
    };
    if receptor_drawn.is_some() {
        syn.take("receptor_type");
    }
    let receptor = syn.i64("receptor_type")?.unwrap_or(0);
    let name = syn
        .string("synapse_model")?
        .unwrap_or_else(|| "static_synapse".to_string());
    let model = catalog.configure(&name, syn, weight.constant())?;
    if let Some(w) = weight.constant() {
        if !w.is_finite() {
            return Err(invalid("syn.weight", w, "the weight must be finite"));
        }
    }
    let own = spindle_synapses::model_keys(catalog.get(&name).map_or("static_synapse", |e| e.base))
        .map_or(&[][..], |k| k.0);
    let keys: Vec<&'static str> = SYN_KEYS.iter().chain(own).copied().collect();
    syn.clone().finish(&format!("syn_spec of {name}"), &keys)?;
    Ok(SynSpec {
        weight,
        delay_ms,
        receptor,
        receptor_drawn,
        model,
    })
}
