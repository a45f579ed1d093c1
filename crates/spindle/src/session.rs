//! A live network driven call by call: NEST's `Create`, `Connect`, `SetStatus`, `GetStatus`
//! and `Simulate`, in any order, as the Python front end issues them.
//!
//! A [`Session`] wraps one [`Simulation`]; every call goes through the same registry
//! ([`crate::registry::create`]), the same `conn_spec`/`syn_spec` readers and the same
//! [`spindle_core::NetworkBuilder`] that [`crate::Network::build`] uses for a scenario file, so a
//! script and the scenario it exports build the same network. Nodes and connections made after
//! a `Simulate` are built into the running network at the next one (`Simulation::sync`);
//! status changes act from the next step on.

use crate::error::{Error, Located};
use crate::registry::{self, NodeModel};
use crate::run::{check_symmetric_syn, conn_spec, syn_arrays, syn_spec};
use spindle_core::network::NodeKind;
use spindle_core::parameter::Parameter;
use spindle_core::params::{self, ParamError, Params, Value};
use spindle_core::recording::RecordSink;
use spindle_core::rng;
use spindle_core::rules::NodeSet;
use spindle_core::simulation::{SynapseId, SynapseRecord};
use spindle_core::{NodeId, Simulation, Step, TimeGrid};
use spindle_synapses::SynapseCatalog;

/// A network that stays live between `Simulate` calls.
#[derive(Debug)]
pub struct Session {
    sim: Simulation,
    pub resolution: f64,
    pub seed: u64,
    pub threads: usize,
    /// How often each node's keys have been drawn from NEST parameters (the streams' keys).
    draws: NodeDraws,
    /// The synapse models and their copies (`CopyModel`, `SetDefaults`).
    synapses: SynapseCatalog,
}

/// An error of a call, located at the call (the Python side says which one).
fn at(item: &str) -> Located {
    Located {
        file: None,
        line: None,
        item: Some(item.to_string()),
    }
}

impl Session {
    /// An empty network with NEST's kernel settings (the default tic base).
    pub fn new(resolution: f64, seed: u64, threads: Option<usize>) -> Result<Session, Error> {
        Session::with_time_base(None, resolution, seed, threads)
    }

    /// An empty network on the tic base `tics_per_ms` (NEST's kernel key; `None`: the default,
    /// 1000): NEST's checks and messages (`KernelException`) for a resolution off the tics.
    pub fn with_time_base(
        tics_per_ms: Option<i64>,
        resolution: f64,
        seed: u64,
        threads: Option<usize>,
    ) -> Result<Session, Error> {
        let grid = match tics_per_ms {
            None => TimeGrid::from_resolution_ms(resolution).ok_or_else(|| {
                Error::nest(
                    at("kernel"),
                    "BadProperty",
                    format!("resolution = {resolution:?}: the resolution must be a positive time of at least 0.001 ms"),
                )
            })?,
            Some(tpm) => TimeGrid::with_tics_per_ms(tpm, resolution)
                .map_err(|e| Error::nest(at("kernel"), "KernelException", e.message()))?,
        };
        let threads =
            threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let sim = spindle_core::NetworkBuilder::new(grid, seed)
            .build(threads)
            .map_err(|source| Error::Build {
                at: at("kernel"),
                source,
            })?;
        Ok(Session {
            sim,
            resolution,
            seed,
            threads,
            draws: NodeDraws::default(),
            synapses: SynapseCatalog::default(),
        })
    }

    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    pub fn simulation_mut(&mut self) -> &mut Simulation {
        &mut self.sim
    }

    pub fn grid(&self) -> TimeGrid {
        self.sim.grid()
    }

    /// NEST's `Create(model, n, params)` with one parameter dictionary for all `n` nodes;
    /// returns the first id (ids are consecutive).
    pub fn create(&mut self, model: &str, n: u32, params: Params) -> Result<NodeId, Error> {
        let item = format!("Create({model:?})");
        let grid = self.grid();
        let made = registry::create(model, params, &grid)
            .map_err(|u| Error::nest(at(&item), "UnknownModelName", u.message()))?
            .map_err(|source| Error::Param {
                at: at(&item),
                source,
            })?;
        let net = self.sim.network_mut();
        let first = match made {
            NodeModel::Neuron(m, archive) => net.add_neurons_archived(m, n, archive),
            NodeModel::Stimulus(d) => net.add_stimulus(d),
            NodeModel::SpikeRecorder(s) => net.add_spike_recorder(s),
            NodeModel::Multimeter(s) => net.add_multimeter(s),
            NodeModel::WeightRecorder(s) => net.add_weight_recorder(s),
            NodeModel::VolumeTransmitter(s) => net.add_volume_transmitters(s, n),
            NodeModel::Detector(d) => net.add_detector(d),
        }
        .map_err(|source| Error::Build {
            at: at(&item),
            source,
        })?;
        self.sim.sync_nodes().map_err(|source| Error::Build {
            at: at(&item),
            source,
        })?;
        Ok(first)
    }

    /// NEST's `SetKernelStatus({"rng_seed": seed})` after nodes exist: node parameters
    /// drawn from now on, the statements made from now on and every stream of the running
    /// network use the new seed (see [`spindle_core::simulation::Simulation::reseed`]).
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
        self.sim.reseed(seed);
    }

    /// NEST's `Connect(pre, post, conn_spec, syn_spec)`; `syn_spec` may give `weight`,
    /// `delay` and `receptor_type` as per-connection arrays (a list value, flattened in NEST's
    /// order, see [`SynArrays`]).
    pub fn connect(
        &mut self,
        pre: NodeSet,
        post: NodeSet,
        mut conn: Params,
        mut syn: Params,
    ) -> Result<(), Error> {
        let item = "Connect";
        let param = |source: ParamError| Error::Param {
            at: at(item),
            source,
        };
        let arrays = syn_arrays(&mut syn).map_err(param)?;
        let conn = conn_spec(&mut conn).map_err(param)?;
        check_symmetric_syn(&conn, &syn).map_err(param)?;
        let syn = syn_spec(&mut syn, &self.synapses).map_err(param)?;
        self.sim
            .network_mut()
            .connect_rule_arrays(pre, post, conn, syn, arrays)
            .map_err(|source| Error::Build {
                at: at(item),
                source,
            })?;
        Ok(())
    }

    /// Every connection in NEST's `GetConnections` order, with the handles that
    /// [`Session::set_synapses`] and [`Session::disconnect_synapses`] take; builds what is new
    /// first.
    pub fn synapses(&mut self) -> Result<Vec<SynapseRecord>, Error> {
        self.sim.sync().map_err(|source| Error::Build {
            at: at("GetConnections"),
            source,
        })?;
        Ok(self.sim.synapses())
    }

    /// `SynapseCollection.set`: new weights and/or delays (ms) for the synapses `ids`, one
    /// value for all or one each.
    pub fn set_synapses(
        &mut self,
        ids: &[SynapseId],
        weights: Option<&[f64]>,
        delays: Option<&[f64]>,
    ) -> Result<(), Error> {
        let item = "SynapseCollection.set";
        for (key, v) in [("weight", weights), ("delay", delays)] {
            if let Some(v) = v {
                if v.len() != 1 && v.len() != ids.len() {
                    return Err(Error::nest(
                        at(item),
                        "BadProperty",
                        format!(
                            "{key}: {} values for {} connections; give one value or one per connection",
                            v.len(),
                            ids.len()
                        ),
                    ));
                }
            }
        }
        let pick = |v: Option<&[f64]>, i: usize| v.map(|v| v[if v.len() == 1 { 0 } else { i }]);
        for (i, &id) in ids.iter().enumerate() {
            self.sim
                .set_synapse(id, pick(weights, i), pick(delays, i))
                .map_err(|r| Error::nest(at(item), r.kind, r.message))?;
        }
        Ok(())
    }

    /// The synapse models and their copies.
    pub fn synapse_catalog(&self) -> &SynapseCatalog {
        &self.synapses
    }

    /// Replace the synapse models and their copies (a front end that keeps the log of
    /// `CopyModel`/`SetDefaults` calls hands over the catalog they make).
    pub fn set_synapse_catalog(&mut self, catalog: SynapseCatalog) {
        self.synapses = catalog;
    }

    /// NEST's `CopyModel` of a synapse model.
    pub fn copy_synapse_model(
        &mut self,
        old: &str,
        new: &str,
        params: &Params,
    ) -> Result<(), Error> {
        self.synapses
            .copy_model(old, new, params)
            .map_err(|source| Error::Param {
                at: at("CopyModel"),
                source,
            })
    }

    /// NEST's `SetDefaults` of a synapse model (its own keys and `weight`, `delay`,
    /// `receptor_type`).
    pub fn set_synapse_defaults(&mut self, name: &str, params: &Params) -> Result<(), Error> {
        self.synapses
            .set_defaults(name, params)
            .map_err(|source| Error::Param {
                at: at("SetDefaults"),
                source,
            })
    }

    /// NEST's `GetStatus` of a synapse: `synapse_model`, `weight`, `delay` (ms), `receptor`
    /// and the model's own keys (`Kplus`, and the per-connection parameters of
    /// `stdp_synapse`).
    pub fn synapse_status(&self, id: SynapseId) -> Option<Params> {
        let info = self.sim.synapse(id)?;
        let mut d = self.sim.synapse_state(id);
        d.insert(
            "synapse_model",
            Value::Str(self.sim.synapse_model(id)?.to_string()),
        );
        if let Some(s) = info.synapse {
            d.insert("weight", Value::Float(s.weight));
            d.insert(
                "delay",
                Value::Float(s.delay as f64 * self.grid().ms_per_step()),
            );
        }
        Some(d)
    }

    /// NEST's `SetStatus` of one synapse with a dictionary: `weight`, `delay` and the model's
    /// own keys; a key the model does not know fails with `UnaccessedDictionaryEntry`.
    pub fn set_synapse_status(&mut self, id: SynapseId, mut dict: Params) -> Result<(), Error> {
        let item = "SynapseCollection.set";
        let param = |source: ParamError| Error::Param {
            at: at(item),
            source,
        };
        let weight = dict.f64("weight").map_err(param)?;
        let delay = dict.f64("delay").map_err(param)?;
        self.sim
            .set_synapse_state(id, weight, &mut dict)
            .map_err(param)?;
        let model = self
            .sim
            .synapse_model(id)
            .unwrap_or("static_synapse")
            .to_string();
        dict.finish(&model, &[]).map_err(param)?;
        self.sim
            .set_synapse(id, weight, delay)
            .map_err(|r| Error::nest(at(item), r.kind, r.message))
    }

    /// NEST's `Disconnect(SynapseCollection)`.
    pub fn disconnect_synapses(&mut self, ids: &[SynapseId]) -> Result<(), Error> {
        self.sim
            .disconnect(ids)
            .map_err(|r| Error::nest(at("Disconnect"), r.kind, r.message))
    }

    /// NEST's `Disconnect(pre, post, conn_spec)` as (source, target) pairs (`one_to_one`: the
    /// i-th of each; `all_to_all`: every pair; NodeCollections make each pair once): each
    /// removes the first connection of its pair in creation order; a pair without one fails
    /// with `InexistentConnection` and nothing is removed.
    pub fn disconnect_pairs(&mut self, pairs: &[(NodeId, NodeId)]) -> Result<(), Error> {
        let item = "Disconnect";
        self.sim.sync().map_err(|source| Error::Build {
            at: at(item),
            source,
        })?;
        let mut ids = Vec::with_capacity(pairs.len());
        for &(s, t) in pairs {
            ids.push(self.sim.find_synapse(s, t).ok_or_else(inexistent)?);
        }
        self.disconnect_synapses(&ids)
    }

    /// NEST's delay extrema `(min_delay, max_delay)` in ms as `SetKernelStatus` rounds them on
    /// `grid`: `min_delay` down to a step (NEST rounds up with `ms_stamp` and takes a step off
    /// when the step's time, computed as tics · 0.001, exceeds the value: 0.7 ms becomes
    /// 0.6 ms at 0.1 ms), `max_delay` up to a step (`ms_stamp`).
    pub fn round_delay_extrema(grid: &TimeGrid, min_ms: f64, max_ms: f64) -> (Step, Step) {
        let mut min = grid.ms_to_steps_stamp(min_ms);
        if grid.step_to_ms(min) > min_ms {
            min -= 1;
        }
        (min, grid.ms_to_steps_stamp(max_ms))
    }

    /// NEST's `SetKernelStatus({"min_delay": min_ms, "max_delay": max_ms})`: refused once
    /// any connection exists (`BadProperty`, as NEST); otherwise every delay made from now on
    /// must lie within the (rounded) extrema (`BadDelay`), and the first run uses them for its
    /// slice and ring lengths. After a run without connections NEST accepts the call but keeps
    /// the extrema of that run; so does spindle (the run fixed them). Returns the extrema in ms
    /// as NEST reports them.
    pub fn set_delay_extrema(&mut self, min_ms: f64, max_ms: f64) -> Result<(f64, f64), Error> {
        let item = "SetKernelStatus";
        for (key, v) in [("min_delay", min_ms), ("max_delay", max_ms)] {
            if !v.is_finite() {
                return Err(Error::nest(
                    at(item),
                    "BadDelay",
                    format!("{key} = {v:?}: the delay extrema must be finite"),
                ));
            }
        }
        self.sim.sync().map_err(|source| Error::Build {
            at: at(item),
            source,
        })?;
        if self.sim.connection_count() > 0 {
            return Err(Error::nest(
                at(item),
                "BadProperty",
                "Connections already exist. Please call ResetKernel first",
            ));
        }
        let grid = self.grid();
        let (min, max) = Self::round_delay_extrema(&grid, min_ms, max_ms);
        self.sim
            .network_mut()
            .set_delay_extrema(min, max)
            .map_err(|source| Error::Build {
                at: at(item),
                source,
            })?;
        Ok((grid.step_to_ms(min), grid.step_to_ms(max)))
    }

    /// NEST's `thread`, `vp` and `thread_local_id` of node `id` as spindle has them: a neuron
    /// is owned and updated by one partition (its thread; one process, so its virtual process
    /// too) and has an index among that partition's neurons. Devices are not placed on a
    /// partition; NEST reports its thread-0 replica for them, so spindle says thread 0 and
    /// thread-local id -1 (none). `None` for an unknown id.
    pub fn node_placement(&mut self, id: NodeId) -> Result<Option<(usize, i64)>, Error> {
        self.sim.sync_nodes().map_err(|source| Error::Build {
            at: at(&format!("GetStatus of node {id}")),
            source,
        })?;
        if self.sim.network().node_kind(id).is_none() {
            return Ok(None);
        }
        Ok(Some(
            self.sim
                .node_placement(id)
                .map_or((0, -1), |(p, local)| (p, local as i64)),
        ))
    }

    /// NEST's `SetStatus` of one node. Keys nobody knows fail with `UnaccessedDictionaryEntry`.
    pub fn set_status(&mut self, id: NodeId, dict: Params) -> Result<(), Error> {
        set_node_status(
            &mut self.sim,
            id,
            dict,
            at(&format!("SetStatus of node {id}")),
        )
    }

    /// NEST's `GetStatus` of one node: its model's parameters and state.
    pub fn get_status(&mut self, id: NodeId) -> Result<Params, Error> {
        let item = format!("GetStatus of node {id}");
        let grid = self.grid();
        let (_, kind) = self.kind_of(id, &item)?;
        Ok(match kind {
            NodeKind::Neuron => self.sim.neuron_status(id).expect("a neuron"),
            NodeKind::Stimulus => self
                .sim
                .network()
                .stimulus(id)
                .expect("a device")
                .get_status(&grid),
            NodeKind::SpikeRecorder => {
                let spec = self
                    .sim
                    .network_mut()
                    .spike_recorder_mut(id)
                    .expect("a recorder");
                spindle_devices::spike_recorder_status(spec, &grid)
            }
            NodeKind::Multimeter => {
                let (spec, _) = self
                    .sim
                    .network_mut()
                    .multimeter_mut(id)
                    .expect("a multimeter");
                spindle_devices::multimeter_status(spec, &grid)
            }
            NodeKind::WeightRecorder => {
                let spec = self
                    .sim
                    .network_mut()
                    .weight_recorder_mut(id)
                    .expect("a weight recorder");
                spindle_devices::weight_recorder_status(spec, &grid)
            }
            NodeKind::VolumeTransmitter => {
                let mut d = Params::new();
                self.sim
                    .network_mut()
                    .volume_transmitter_mut(id)
                    .expect("a volume transmitter")
                    .get_status(&mut d);
                d
            }
            NodeKind::Detector => self
                .sim
                .network()
                .detector(id)
                .expect("a detector")
                .get_status(&grid),
        })
    }

    fn kind_of(&self, id: NodeId, item: &str) -> Result<(String, NodeKind), Error> {
        let net = self.sim.network();
        match (net.node_kind(id), net.model_name(id)) {
            (Some(kind), Some(model)) => Ok((model.to_string(), kind)),
            _ => Err(Error::nest(
                at(item),
                "UnknownNode",
                format!("Node with id {id} does not exist."),
            )),
        }
    }

    /// Hand `sink` the recording layout (before the first run).
    pub fn begin_recording(&mut self, sink: &mut dyn RecordSink) -> Result<(), Error> {
        self.sim.begin_recording(sink).map_err(Error::Run)
    }

    /// NEST's `Simulate` for `steps` steps.
    pub fn simulate(&mut self, steps: Step, sink: &mut dyn RecordSink) -> Result<(), Error> {
        self.sim.run(steps, sink).map_err(Error::Run)
    }
}

fn inexistent() -> Error {
    Error::nest(
        at("Disconnect"),
        "InexistentConnection",
        "Deletion of connection is not possible because it does not exist.",
    )
}

/// A parameter value read back as a plain number where it is one.
pub fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Float(x) => Some(*x),
        Value::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// NEST's `SetStatus` of node `id` of a running network: neurons, stimulating devices and
/// recorders, each with its own rules. Keys nobody knows fail with
/// `UnaccessedDictionaryEntry`. The Python kernel and the scenario's `set` action both come
/// here.
pub fn set_node_status(
    sim: &mut Simulation,
    id: NodeId,
    mut dict: Params,
    at: Located,
) -> Result<(), Error> {
    let param = |source: ParamError| Error::Param {
        at: at.clone(),
        source,
    };
    let grid = sim.grid();
    let net = sim.network();
    let (Some(kind), Some(model)) = (net.node_kind(id), net.model_name(id)) else {
        return Err(Error::nest(
            at.clone(),
            "UnknownNode",
            format!("Node with id {id} does not exist."),
        ));
    };
    let model = model.to_string();
    match kind {
        NodeKind::Neuron => sim.set_neuron_status(id, &mut dict).map_err(param)?,
        NodeKind::Stimulus => sim.set_device_status(id, &mut dict).map_err(param)?,
        NodeKind::SpikeRecorder => {
            let spec = sim
                .network_mut()
                .spike_recorder_mut(id)
                .expect("a recorder");
            spindle_devices::set_spike_recorder_status(spec, &mut dict, &grid).map_err(param)?
        }
        NodeKind::WeightRecorder => {
            let spec = sim
                .network_mut()
                .weight_recorder_mut(id)
                .expect("a weight recorder");
            spindle_devices::set_weight_recorder_status(spec, &mut dict, &grid).map_err(param)?
        }
        NodeKind::VolumeTransmitter => {
            let spec = sim
                .network_mut()
                .volume_transmitter_mut(id)
                .expect("a volume transmitter");
            let mut new = spec.clone();
            new.set_status(&mut dict).map_err(param)?;
            *spec = new;
        }
        NodeKind::Multimeter => {
            let (spec, targets) = sim.network_mut().multimeter_mut(id).expect("a multimeter");
            let connected = !targets.is_empty();
            spindle_devices::set_multimeter_status(spec, &mut dict, &grid, connected)
                .map_err(param)?
        }
        NodeKind::Detector => sim
            .network_mut()
            .detector_mut(id)
            .expect("a detector")
            .set_status(&mut dict, &grid)
            .map_err(param)?,
    }
    dict.finish(&model, &[]).map_err(param)
}

// ---- per-node values: one value per node, and NEST parameters drawn per node -------------
//
// `Create(model, n, {"V_m": nest.random.normal(-58, 10)})` and `nodes.set(V_m=[…])` give each
// node its own value. NEST sets each node with one dictionary (so `E_L` and `V_m` given
// together are read together, as one `SetStatus`), drawing a parameter per node from the
// node's thread's generator. spindle sets each node with one dictionary too, in one native
// call for the whole run of nodes, and draws node `id`'s value of `key` from its own stream
//
//     rng::stream(seed, DOMAIN_NODE_PARAM, id, key_tag(key), occurrence)
//
// where `occurrence` counts the earlier draws of `key` for that node (0 at `Create`). Keying by
// node rather than by a counter of calls makes a node's values a function of (seed, node, key,
// how often it was drawn) alone: the thread count, the order of unrelated calls and how a
// scenario file splits its `[[nodes]]` entries change nothing, so a script's `SetStatus` folded
// into the `[[nodes]]` entry of an exported scenario draws the same values in `spindle run`.

/// How a `Create`/`SetStatus` call gives one key's value to a run of nodes.
#[derive(Clone, Debug)]
pub enum NodeValues {
    /// One value for every node.
    Same(Value),
    /// One value per node, in id order.
    Each(Vec<Value>),
    /// A NEST parameter, drawn per node ([`draw_node_values`]).
    Drawn(Parameter),
}

impl NodeValues {
    /// A dictionary value as a script or a scenario gives it for all nodes: a table is a NEST
    /// parameter (written as `Parameter::from_value` reads it; no node parameter is itself a
    /// table), anything else one value for every node. A parameter that draws no random
    /// number (`CreateParameter("constant", …)`, `exp` of a constant) is its value.
    pub fn read(key: &str, value: Value) -> Result<NodeValues, ParamError> {
        if !matches!(value, Value::Map(_)) {
            return Ok(NodeValues::Same(value));
        }
        let p = Parameter::read(&value, key)?;
        Ok(match p.constant() {
            Some(c) => NodeValues::Same(Value::Float(c)),
            None => NodeValues::Drawn(p),
        })
    }

    /// [`NodeValues::read`] of every key of `params`, in key order.
    pub fn read_all(params: Params) -> Result<Vec<(String, NodeValues)>, ParamError> {
        let keys: Vec<String> = params.keys().map(str::to_string).collect();
        let mut params = params;
        keys.into_iter()
            .map(|k| {
                let v = params.take(&k).expect("a listed key");
                Ok((k.clone(), NodeValues::read(&k, v)?))
            })
            .collect()
    }
}

/// How often each node's keys have been drawn from a NEST parameter: the `occurrence` of the
/// node's next stream for a key. Dense per key (4 bytes a node), grown as ids appear.
#[derive(Clone, Debug, Default)]
pub struct NodeDraws {
    counts: std::collections::BTreeMap<String, Vec<u32>>,
}

impl NodeDraws {
    /// The occurrences of the next draws of `key` for nodes `first .. first + n`, counted as
    /// drawn from now on.
    pub fn next(&mut self, key: &str, first: NodeId, n: u32) -> Vec<u32> {
        let counts = self.counts.entry(key.to_string()).or_default();
        let (lo, hi) = (first.0 as usize, first.0 as usize + n as usize);
        if counts.len() < hi {
            counts.resize(hi, 0);
        }
        let out = counts[lo..hi].to_vec();
        for c in &mut counts[lo..hi] {
            *c += 1;
        }
        out
    }
}

/// The `b` key of a node parameter's stream: FNV-1a (32 bit) of the parameter's name, so that
/// `V_m` and `E_L` drawn in one call are independent and the key does not depend on any table
/// of names that could change between versions.
pub fn key_tag(key: &str) -> u32 {
    key.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Nodes a worker thread draws at least, so that small calls stay on the calling thread.
const DRAWS_PER_WORKER: usize = 1 << 15;

/// The values of `param` for the nodes `first, first + 1, …`: node `first + i` draws from
/// `rng::stream(seed, DOMAIN_NODE_PARAM, first + i, key_tag(key), occurrences[i])`. Drawn
/// on up to `threads` threads; each node's stream is its own, so the values never depend on
/// the thread count. A failing draw (`redraw` out of tries) names the first node, in id order,
/// whose draw failed.
pub fn draw_node_values(
    seed: u64,
    key: &str,
    param: &Parameter,
    first: NodeId,
    occurrences: &[u32],
    threads: usize,
) -> Result<Vec<f64>, (NodeId, ParamError)> {
    let tag = key_tag(key);
    let n = occurrences.len();
    let draw = |offset: usize, out: &mut [f64]| -> Result<(), (NodeId, ParamError)> {
        for (i, v) in out.iter_mut().enumerate() {
            let id = first.0 + (offset + i) as u32;
            let occurrence = occurrences[offset + i];
            let mut r = rng::stream(seed, rng::DOMAIN_NODE_PARAM, id, tag, occurrence);
            *v = param.sample(&mut r).map_err(|e| (NodeId(id), e))?;
        }
        Ok(())
    };
    let mut out = vec![0.0; n];
    let workers = threads.min(n.div_ceil(DRAWS_PER_WORKER)).max(1);
    if workers == 1 {
        draw(0, &mut out)?;
        return Ok(out);
    }
    let chunk = n.div_ceil(workers);
    let draw = &draw;
    let results: Vec<Result<(), (NodeId, ParamError)>> = std::thread::scope(|s| {
        let handles: Vec<_> = out
            .chunks_mut(chunk)
            .enumerate()
            .map(|(k, part)| s.spawn(move || draw(k * chunk, part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("drawing node parameters does not panic"))
            .collect()
    });
    results.into_iter().collect::<Result<(), _>>()?;
    Ok(out)
}

/// NEST's `Create`/`SetStatus` of the `n` nodes from `first` with one dictionary each, made
/// from `values` (every key, one value per node or a parameter drawn per node) and set with
/// [`set_node_status`], node by node in id order as NEST does (the nodes before a failing
/// one keep their new values). A parameter may only stand for a number: NEST's
/// `TypeMismatch` for a list, string or recorder key. Errors come with the node they concern.
pub fn set_nodes_status(
    sim: &mut Simulation,
    draws: &mut NodeDraws,
    seed: u64,
    (first, n): (NodeId, u32),
    values: &[(String, NodeValues)],
    threads: usize,
) -> Result<(), (NodeId, Error)> {
    let node_at = |id: NodeId| at(&format!("SetStatus of node {id}"));
    let param_at = |id: NodeId, source: ParamError| {
        (
            id,
            Error::Param {
                at: node_at(id),
                source,
            },
        )
    };
    let mut drawn: Vec<Option<Vec<f64>>> = Vec::with_capacity(values.len());
    for (key, v) in values {
        drawn.push(match v {
            NodeValues::Drawn(p) => {
                drawable(sim, first, key).map_err(|e| param_at(first, e))?;
                let occurrences = draws.next(key, first, n);
                let got = draw_node_values(seed, key, p, first, &occurrences, threads)
                    .map_err(|(id, e)| param_at(id, e))?;
                Some(got)
            }
            NodeValues::Each(list) if list.len() != n as usize => {
                return Err(param_at(
                    first,
                    params::invalid(
                        key,
                        format!("({} values)", list.len()),
                        format!("expected one value for each of the {n} nodes"),
                    ),
                ))
            }
            _ => None,
        });
    }
    // A run within one population of neurons skips the per-node lookups of
    // `set_node_status` (the same calls, less bookkeeping: this loop is the cost of a
    // million-node `Create` with a random `V_m`).
    let last = NodeId(first.0 + n.saturating_sub(1));
    let net = sim.network();
    let population = match (
        net.node_kind(first),
        net.node_range(first),
        net.model_name(first),
    ) {
        (Some(NodeKind::Neuron), Some((start, count)), Some(model)) if last.0 < start.0 + count => {
            Some(model.to_string())
        }
        _ => None,
    };
    for i in 0..n as usize {
        let id = NodeId(first.0 + i as u32);
        let mut dict = Params::new();
        for ((key, v), drawn) in values.iter().zip(&drawn) {
            let value = match (v, drawn) {
                (_, Some(column)) => Value::Float(column[i]),
                (NodeValues::Each(list), _) => list[i].clone(),
                (NodeValues::Same(x), _) => x.clone(),
                (NodeValues::Drawn(_), None) => unreachable!("drawn above"),
            };
            dict.insert(key.as_str(), value);
        }
        match &population {
            Some(model) => sim
                .set_neuron_status(id, &mut dict)
                .and_then(|()| dict.finish(model, &[]))
                .map_err(|e| param_at(id, e))?,
            None => set_node_status(sim, id, dict, node_at(id)).map_err(|e| (id, e))?,
        }
    }
    Ok(())
}

/// Whether `key` of node `id` takes a number drawn from a parameter: NEST's models read such
/// keys with `updateValueParam`, recorders and list-valued keys with a plain cast, which
/// fails with `TypeMismatch`. A key the node does not have is left to `SetStatus` to report.
fn drawable(sim: &mut Simulation, id: NodeId, key: &str) -> Result<(), ParamError> {
    let grid = sim.grid();
    let (status, recorder) = match sim.network().node_kind(id) {
        Some(NodeKind::Neuron) => (sim.neuron_status(id), false),
        Some(NodeKind::Stimulus) => (
            sim.network().stimulus(id).map(|d| d.get_status(&grid)),
            false,
        ),
        Some(NodeKind::SpikeRecorder) => (
            sim.network_mut()
                .spike_recorder_mut(id)
                .map(|s| spindle_devices::spike_recorder_status(s, &grid)),
            true,
        ),
        Some(NodeKind::Multimeter) => (
            sim.network_mut()
                .multimeter_mut(id)
                .map(|(s, _)| spindle_devices::multimeter_status(s, &grid)),
            true,
        ),
        Some(NodeKind::WeightRecorder) => (
            sim.network_mut()
                .weight_recorder_mut(id)
                .map(|s| spindle_devices::weight_recorder_status(s, &grid)),
            true,
        ),
        Some(NodeKind::VolumeTransmitter) => (
            sim.network_mut().volume_transmitter_mut(id).map(|s| {
                let mut d = Params::new();
                s.get_status(&mut d);
                d
            }),
            true,
        ),
        Some(NodeKind::Detector) => (
            sim.network().detector(id).map(|d| d.get_status(&grid)),
            true,
        ),
        None => (None, false),
    };
    let expected = match status.as_ref().and_then(|s| s.get(key)) {
        None => return Ok(()),
        Some(Value::Float(_) | Value::Int(_)) if !recorder => return Ok(()),
        Some(Value::Float(_)) => "double",
        Some(Value::Int(_)) => "long",
        Some(Value::Bool(_)) => "bool",
        Some(Value::Str(_)) => "std::string",
        Some(Value::List(items)) => match items.first() {
            Some(Value::Str(_)) => "std::vector<string>",
            Some(Value::Int(_)) => "std::vector<long>",
            _ => "std::vector<double>",
        },
        Some(Value::Map(_)) => "Dictionary",
    };
    Err(ParamError::Rule {
        kind: "TypeMismatch",
        message: format!(
            "Expected datatype: Failed to cast '{key}' from std::shared_ptr<nest::Parameter> to type {expected}."
        ),
        given: Vec::new(),
        valid: None,
    })
}

impl Session {
    /// `Create`'s and `SetStatus`'s per-node values for the `n` nodes from `first`
    /// ([`set_nodes_status`]), drawing parameters from this kernel's streams. Errors come with
    /// the node they concern (NEST's messages name it).
    pub fn set_nodes(
        &mut self,
        first: NodeId,
        n: u32,
        values: &[(String, NodeValues)],
    ) -> Result<(), (NodeId, Error)> {
        set_nodes_status(
            &mut self.sim,
            &mut self.draws,
            self.seed,
            (first, n),
            values,
            self.threads,
        )
    }
}

#[cfg(test)]
mod node_draw_tests {
    use super::*;

    /// A node's drawn value is a function of (seed, node, key, occurrence) alone: the same for
    /// any number of worker threads and however the nodes are split into calls (a scenario's
    /// `[[nodes]]` pieces), different for another key, occurrence or seed.
    #[test]
    fn draws_depend_on_the_node_not_on_threads_or_calls() {
        let p = Parameter::Normal {
            mean: -58.0,
            std: 10.0,
        };
        let n = 3 * DRAWS_PER_WORKER + 17;
        let zeros = vec![0; n];
        let one = draw_node_values(7, "V_m", &p, NodeId(5), &zeros, 1).unwrap();
        let four = draw_node_values(7, "V_m", &p, NodeId(5), &zeros, 4).unwrap();
        assert_eq!(one, four);
        let cut = 1000;
        let head = draw_node_values(7, "V_m", &p, NodeId(5), &zeros[..cut], 2).unwrap();
        let tail =
            draw_node_values(7, "V_m", &p, NodeId(5 + cut as u32), &zeros[cut..], 2).unwrap();
        assert_eq!(one, [head, tail].concat());
        let others = [
            draw_node_values(7, "V_th", &p, NodeId(5), &zeros[..cut], 1).unwrap(),
            draw_node_values(7, "V_m", &p, NodeId(5), &vec![1; cut], 1).unwrap(),
            draw_node_values(8, "V_m", &p, NodeId(5), &zeros[..cut], 1).unwrap(),
        ];
        for other in others {
            assert!(other.iter().zip(&one).all(|(a, b)| a != b));
        }
    }

    /// A failing draw names the first failing node in id order, whichever thread drew it.
    #[test]
    fn a_failing_draw_names_the_first_node() {
        let p = Parameter::Redraw {
            param: Box::new(Parameter::Normal {
                mean: 0.0,
                std: 1.0,
            }),
            min: 100.0,
            max: 200.0,
        };
        let zeros = vec![0; 2 * DRAWS_PER_WORKER];
        let (id, e) = draw_node_values(1, "V_m", &p, NodeId(3), &zeros, 2).unwrap_err();
        assert_eq!(id, NodeId(3));
        assert!(e.to_string().contains("KernelException"), "{e}");
    }

    #[test]
    fn occurrences_count_per_node_and_key() {
        let mut d = NodeDraws::default();
        assert_eq!(d.next("V_m", NodeId(1), 3), [0, 0, 0]);
        assert_eq!(d.next("V_m", NodeId(2), 3), [1, 1, 0]);
        assert_eq!(d.next("E_L", NodeId(2), 1), [0]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spindle_core::network::Synapse;

    fn session() -> Session {
        Session::new(0.1, 1, Some(2)).unwrap()
    }

    fn connect(s: &mut Session, delay: Step) -> Result<(), spindle_core::BuildError> {
        let syn = Synapse {
            weight: 1.0,
            delay,
            receptor: 0,
        };
        s.simulation_mut()
            .network_mut()
            .connect(NodeId(1), NodeId(2), syn)
    }

    #[test]
    fn delay_extrema_round_as_nest_reports_them() {
        // NEST 3.10 at 0.1 ms: (0.25, 0.25) → (0.2, 0.3); (0.7, 1.3) → (0.6, 1.3), because
        // 7 steps are 0.7000000000000001 ms > 0.7; (0.17, 0.12) → (0.1, 0.2).
        let mut s = session();
        assert_eq!(s.set_delay_extrema(0.25, 0.25).unwrap(), (0.2, 0.3));
        assert_eq!(s.set_delay_extrema(0.7, 1.3).unwrap(), (0.6, 1.3));
        assert_eq!(s.set_delay_extrema(0.17, 0.12).unwrap(), (0.1, 0.2));
        assert!(s
            .set_delay_extrema(0.5, 0.2)
            .unwrap_err()
            .to_string()
            .contains("BadDelay"));
        assert!(s
            .set_delay_extrema(0.05, 3.0)
            .unwrap_err()
            .to_string()
            .contains("BadDelay"));
    }

    #[test]
    fn delays_outside_the_user_extrema_are_refused_and_the_first_run_uses_them() {
        let mut s = session();
        s.set_delay_extrema(0.5, 2.0).unwrap();
        s.create("iaf_psc_alpha", 2, Params::default()).unwrap();
        assert!(connect(&mut s, 3)
            .unwrap_err()
            .to_string()
            .contains("min_delay"));
        assert!(connect(&mut s, 21)
            .unwrap_err()
            .to_string()
            .contains("max_delay"));
        connect(&mut s, 10).unwrap();
        // Connections exist: the extrema cannot change any more (NEST's BadProperty).
        let e = s.set_delay_extrema(0.1, 5.0).unwrap_err().to_string();
        assert!(e.contains("Connections already exist"), "{e}");
        s.simulation_mut().sync().unwrap();
        assert_eq!(
            (s.simulation().min_delay(), s.simulation().max_delay()),
            (5, 20)
        );
    }

    #[test]
    fn placement_is_the_block_split() {
        let mut s = session();
        s.create("iaf_psc_alpha", 5, Params::default()).unwrap();
        s.create("spike_recorder", 1, Params::default()).unwrap();
        s.create("iaf_psc_alpha", 3, Params::default()).unwrap();
        let placed: Vec<_> = (1..=9)
            .map(|i| s.node_placement(NodeId(i)).unwrap().unwrap())
            .collect();
        // 5 over 2 partitions: offsets 0-1 | 2-4; 3: 0 | 1-2; the recorder on no partition.
        assert_eq!(
            placed,
            [
                (0, 0),
                (0, 1),
                (1, 0),
                (1, 1),
                (1, 2),
                (0, -1),
                (0, 2),
                (1, 3),
                (1, 4)
            ]
        );
        assert_eq!(s.node_placement(NodeId(10)).unwrap(), None);
    }
}
