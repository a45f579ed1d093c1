//! Building a scenario into a network and running it.

use crate::error::{Error, Located};
use crate::registry::{self, NodeModel};
use crate::scenario::{ConnectSpec, Scenario};
use spindle_core::params::{closest, invalid, ParamError, Params, Value};
use spindle_core::recording::RecordSink;
use spindle_core::rules::{ConnSpec, Distribution, NodeSet, Rule, SynSpec};
use spindle_core::{NetworkBuilder, NodeId, Simulation, Step, TimeGrid};
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

const CONN_KEYS: &[&str] = &[
    "rule",
    "allow_autapses",
    "allow_multapses",
    "indegree",
    "outdegree",
    "N",
    "p",
];
const SYN_KEYS: &[&str] = &["weight", "delay", "receptor_type", "synapse_model"];
const RULES: &[&str] = &[
    "all_to_all",
    "one_to_one",
    "fixed_indegree",
    "fixed_outdegree",
    "pairwise_bernoulli",
    "fixed_total_number",
];

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

fn conn_spec(conn: &mut Params) -> Result<ConnSpec, ParamError> {
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
    };
    conn.clone()
        .finish(&format!("conn_spec of rule {rule_name}"), CONN_KEYS)?;
    if let Some(key) = ["indegree", "outdegree", "N", "p"]
        .into_iter()
        .find(|k| conn.contains(k))
    {
        return Err(invalid(
            &format!("conn.{key}"),
            "given",
            format!("{key} is not a parameter of rule {rule_name}"),
        ));
    }
    Ok(spec)
}

/// A `syn` weight or delay: a number, or a table describing a distribution.
fn distribution(syn: &mut Params, key: &str, default: f64) -> Result<Distribution, ParamError> {
    let name = format!("syn.{key}");
    let value = match syn.take(key) {
        None => return Ok(Distribution::Constant(default)),
        Some(Value::Float(x)) => return Ok(Distribution::Constant(x)),
        Some(Value::Int(i)) => return Ok(Distribution::Constant(i as f64)),
        Some(Value::Map(m)) => m,
        Some(v) => {
            return Err(invalid(
                &name,
                &v,
                "expected a number or a distribution such as { distribution = \"uniform\", low = 0.5, high = 1.5 }",
            ))
        }
    };
    let mut p = Params::new();
    for (k, v) in value {
        p.insert(k, v);
    }
    let kind = p.string("distribution")?.ok_or_else(|| {
        invalid(
            &name,
            "a table",
            "a distribution table needs distribution = \"uniform\" or \"normal\"",
        )
    })?;
    let mut need = |a: &str, b: &str| -> Result<f64, ParamError> {
        let v = match p.f64(a)? {
            Some(v) => Some(v),
            None => p.f64(b)?,
        };
        v.ok_or_else(|| {
            invalid(
                &format!("{name}.{a}"),
                "missing",
                format!("{kind} needs {a}"),
            )
        })
    };
    let d = match kind.as_str() {
        "uniform" => {
            let (low, high) = (need("low", "min")?, need("high", "max")?);
            if !(low.is_finite() && high.is_finite() && low <= high) {
                return Err(invalid(
                    &name,
                    format!("uniform({low}, {high})"),
                    "needs finite low ≤ high",
                ));
            }
            Distribution::Uniform { low, high }
        }
        "normal" => {
            let (mean, std) = (need("mean", "mu")?, need("std", "sigma")?);
            if !(mean.is_finite() && std.is_finite() && std > 0.0) {
                return Err(invalid(
                    &name,
                    format!("normal({mean}, {std})"),
                    "needs a finite mean and std > 0",
                ));
            }
            Distribution::Normal { mean, std }
        }
        other => {
            return Err(invalid(
                &format!("{name}.distribution"),
                format!("{other:?}"),
                "valid distributions are \"uniform\" (low, high) and \"normal\" (mean, std)",
            ))
        }
    };
    p.finish(
        &format!("{name} distribution"),
        &[
            "distribution",
            "low",
            "high",
            "min",
            "max",
            "mean",
            "std",
            "mu",
            "sigma",
        ],
    )?;
    Ok(d)
}

fn syn_spec(syn: &mut Params) -> Result<SynSpec, ParamError> {
    let weight = distribution(syn, "weight", 1.0)?;
    let delay_ms = distribution(syn, "delay", 1.0)?;
    let receptor = syn.i64("receptor_type")?.unwrap_or(0);
    if let Some(model) = syn.string("synapse_model")? {
        if model != "static_synapse" {
            return Err(invalid(
                "syn.synapse_model",
                format!("{model:?}"),
                "only \"static_synapse\" is supported",
            ));
        }
    }
    if let Distribution::Constant(w) = weight {
        if !w.is_finite() {
            return Err(invalid("syn.weight", w, "the weight must be finite"));
        }
    }
    syn.clone().finish("syn_spec", SYN_KEYS)?;
    Ok(SynSpec {
        weight,
        delay_ms,
        receptor,
    })
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
    let pre = resolve(&c.pre, by_name, "pre", &at)?;
    let post = resolve(&c.post, by_name, "post", &at)?;
    let conn = conn_spec(&mut c.conn.clone()).map_err(|e| param_error(at(), e))?;
    let syn = syn_spec(&mut c.syn.clone()).map_err(|e| param_error(at(), e))?;
    builder
        .connect_rule(pre, post, conn, syn)
        .map_err(|source| Error::Build { at: at(), source })?;
    Ok(())
}
