//! Building a scenario into a network and running it.

use crate::error::{Error, Located};
use crate::registry::{self, NodeModel};
use crate::scenario::{ConnectSpec, Scenario};
use spindle_core::params::{closest, invalid, ParamError, Params};
use spindle_core::recording::RecordSink;
use spindle_core::{NetworkBuilder, NodeId, Simulation, Step, Synapse, TimeGrid};
use spindle_io::{NodeEntry, RunInfo};
use std::collections::HashMap;
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
    pub build_time: Duration,
}

const CONN_KEYS: &[&str] = &["rule", "allow_autapses", "allow_multapses"];
const SYN_KEYS: &[&str] = &["weight", "delay", "receptor_type", "synapse_model"];
const RULES: &[&str] = &["all_to_all", "one_to_one"];

impl Network {
    /// Validate and build `scenario`. Nothing is simulated; every check that can be made
    /// without simulating is made here.
    pub fn build(scenario: &Scenario, opts: &RunOptions) -> Result<Network, Error> {
        let started = Instant::now();
        let kernel = &scenario.kernel;
        let kernel_at = |key: &str| scenario.at(scenario.line_of_key(key), "[kernel]");
        let grid = TimeGrid::from_resolution_ms(kernel.resolution).ok_or_else(|| {
            Error::invalid(
                kernel_at("resolution"),
                format!(
                    "resolution = {}: the resolution must be a positive time of at least 0.001 ms",
                    kernel.resolution
                ),
            )
        })?;
        let threads = match opts.threads.or(kernel.threads) {
            Some(0) => {
                return Err(Error::invalid(
                    kernel_at("threads"),
                    "threads = 0: the number of threads must be at least 1",
                ))
            }
            Some(t) => t,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let seed = opts.seed.unwrap_or(kernel.seed);

        let simulate_at = || scenario.at(scenario.line_of_key("[simulate]"), "[simulate]");
        let mut chunks = Vec::new();
        for &t in &scenario.simulate {
            let steps = grid
                .ms_on_grid(t)
                .filter(|&s| s >= 0 && t.is_finite())
                .ok_or_else(|| {
                    Error::invalid(
                        simulate_at(),
                        format!(
                            "time = {t}: the simulation time must be a non-negative multiple of the simulation resolution ({} ms)",
                            grid.h()
                        ),
                    )
                })?;
            chunks.push(steps);
        }

        let mut builder = NetworkBuilder::new(grid, seed);
        let mut nodes: Vec<NodeEntry> = Vec::new();
        let mut by_name: HashMap<&str, (u32, u32)> = HashMap::new();
        for spec in &scenario.nodes {
            let item = format!("[[nodes]] {:?} ({})", spec.name, spec.model);
            let at = || scenario.at(spec.line, item.clone());
            if by_name.contains_key(spec.name.as_str()) {
                return Err(Error::invalid(
                    at(),
                    format!(
                        "name = {:?}: another [[nodes]] entry already has this name",
                        spec.name
                    ),
                ));
            }
            if spec.n < 1 || spec.n > i64::from(u32::MAX) / 2 {
                return Err(Error::invalid(
                    at(),
                    format!("n = {}: n must be at least 1", spec.n),
                ));
            }
            if registry::is_device(&spec.model) && spec.n != 1 {
                return Err(Error::invalid(
                    at(),
                    format!(
                        "n = {}: devices are created one per [[nodes]] entry (n = 1); give each its own name",
                        spec.n
                    ),
                ));
            }
            let model = registry::create(&spec.model, spec.params.clone(), &grid)
                .map_err(|u| {
                    Error::invalid(scenario.at(spec.model_line, item.clone()), u.to_string())
                })?
                .map_err(|source| Error::Param { at: at(), source })?;
            let n = spec.n as u32;
            let first = match model {
                NodeModel::Neuron(m) => builder.add_neurons(m, n),
                NodeModel::Stimulus(d) => builder.add_stimulus(d),
                NodeModel::SpikeRecorder(s) => builder.add_spike_recorder(s),
                NodeModel::Multimeter(s) => builder.add_multimeter(s),
            }
            .map_err(|source| Error::Build { at: at(), source })?;
            by_name.insert(&spec.name, (first.0, n));
            nodes.push(NodeEntry {
                name: spec.name.clone(),
                model: spec.model.clone(),
                first_id: first.0,
                count: n,
            });
        }

        for (i, c) in scenario.connections.iter().enumerate() {
            connect(scenario, &mut builder, &by_name, i, c)?;
        }

        let warnings = builder.warnings().to_vec();
        let simulation = builder.build(threads).map_err(|source| Error::Build {
            at: scenario.at(None, "network"),
            source,
        })?;
        Ok(Network {
            simulation,
            nodes,
            chunks,
            warnings,
            seed,
            threads,
            resolution: grid.h(),
            build_time: started.elapsed(),
        })
    }

    /// Node id → `[[nodes]]` name of every recording device.
    pub fn recorder_names(&self) -> Vec<(NodeId, String)> {
        let layout = self.simulation.recording_layout();
        let ids = layout
            .spike_recorders
            .iter()
            .map(|r| r.id)
            .chain(layout.multimeters.iter().map(|m| m.id));
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

    pub fn run_info(&self) -> RunInfo {
        RunInfo {
            resolution: self.resolution,
            seed: self.seed,
            threads: self.threads,
            spindle_version: crate::VERSION.to_string(),
        }
    }

    /// The total simulated time of all `Simulate` calls, in steps.
    pub fn total_steps(&self) -> Step {
        self.chunks.iter().sum()
    }

    /// Run every `Simulate` call of the scenario, recording into `sink`. `progress(now)` is
    /// called after every slice; returning `false` stops the run.
    pub fn simulate(
        &mut self,
        sink: &mut dyn RecordSink,
        progress: &mut dyn FnMut(Step) -> bool,
    ) -> Result<(), Error> {
        sink.begin(self.simulation.recording_layout())
            .map_err(|e| Error::Run(spindle_core::RunError::Recording(e)))?;
        for &steps in &self.chunks {
            self.simulation.run_with(steps, sink, progress)?;
        }
        Ok(())
    }
}

fn param_error(at: Located, source: ParamError) -> Error {
    Error::Param { at, source }
}

fn resolve(
    names: &[String],
    by_name: &HashMap<&str, (u32, u32)>,
    key: &str,
    at: &dyn Fn() -> Located,
) -> Result<Vec<NodeId>, Error> {
    let mut ids = Vec::new();
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
        ids.extend((first..first + n).map(NodeId));
    }
    Ok(ids)
}

fn connect(
    scenario: &Scenario,
    builder: &mut NetworkBuilder,
    by_name: &HashMap<&str, (u32, u32)>,
    index: usize,
    c: &ConnectSpec,
) -> Result<(), Error> {
    let item = format!(
        "[[connect]] #{} ({} → {})",
        index + 1,
        c.pre.join(", "),
        c.post.join(", ")
    );
    let at = || scenario.at(c.line, item.clone());
    let grid = builder.grid();
    let pre = resolve(&c.pre, by_name, "pre", &at)?;
    let post = resolve(&c.post, by_name, "post", &at)?;

    let mut conn: Params = c.conn.clone();
    let rule = conn
        .string("rule")
        .map_err(|e| param_error(at(), e))?
        .unwrap_or_else(|| "all_to_all".to_string());
    if !RULES.contains(&rule.as_str()) {
        let hint = closest(&rule, RULES)
            .map(|s| format!(" (did you mean {s:?}?)"))
            .unwrap_or_default();
        return Err(param_error(
            at(),
            invalid(
                "conn.rule",
                format!("{rule:?}"),
                format!(
                    "unknown connection rule{hint}; valid rules are {}",
                    RULES.join(", ")
                ),
            ),
        ));
    }
    let autapses = conn
        .bool("allow_autapses")
        .map_err(|e| param_error(at(), e))?
        .unwrap_or(true);
    conn.bool("allow_multapses")
        .map_err(|e| param_error(at(), e))?;
    conn.finish(&format!("conn_spec rule {rule}"), CONN_KEYS)
        .map_err(|e| param_error(at(), e))?;

    let mut syn: Params = c.syn.clone();
    let weight = syn
        .f64("weight")
        .map_err(|e| param_error(at(), e))?
        .unwrap_or(1.0);
    let delay_ms = syn
        .f64("delay")
        .map_err(|e| param_error(at(), e))?
        .unwrap_or(1.0);
    let receptor = syn
        .i64("receptor_type")
        .map_err(|e| param_error(at(), e))?
        .unwrap_or(0);
    if let Some(model) = syn
        .string("synapse_model")
        .map_err(|e| param_error(at(), e))?
    {
        if model != "static_synapse" {
            return Err(param_error(
                at(),
                invalid(
                    "syn.synapse_model",
                    format!("{model:?}"),
                    "only \"static_synapse\" is supported",
                ),
            ));
        }
    }
    syn.finish("syn_spec", SYN_KEYS)
        .map_err(|e| param_error(at(), e))?;
    if !weight.is_finite() {
        return Err(param_error(
            at(),
            invalid("syn.weight", weight, "the weight must be finite"),
        ));
    }
    let delay = if delay_ms.is_finite() {
        grid.delay_to_steps(delay_ms)
    } else {
        0
    };
    if delay < 1 {
        return Err(param_error(
            at(),
            invalid(
                "syn.delay",
                delay_ms,
                format!(
                    "BadDelay: delay must be greater than or equal to the resolution ({} ms)",
                    grid.h()
                ),
            ),
        ));
    }
    let syn = Synapse {
        weight,
        delay,
        receptor,
    };
    let mut link = |s: NodeId, t: NodeId| {
        builder
            .connect(s, t, syn)
            .map_err(|source| Error::Build { at: at(), source })
    };
    match rule.as_str() {
        "one_to_one" => {
            if pre.len() != post.len() {
                return Err(Error::invalid(
                    at(),
                    format!(
                        "one_to_one: DimensionMismatch: source and target populations must be of the same size ({} sources, {} targets)",
                        pre.len(),
                        post.len()
                    ),
                ));
            }
            for (&s, &t) in pre.iter().zip(&post) {
                if autapses || s != t {
                    link(s, t)?;
                }
            }
        }
        _ => {
            for &t in &post {
                for &s in &pre {
                    if autapses || s != t {
                        link(s, t)?;
                    }
                }
            }
        }
    }
    Ok(())
}
