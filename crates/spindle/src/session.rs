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
use crate::run::{conn_spec, syn_spec};
use spindle_core::network::NodeKind;
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::recording::RecordSink;
use spindle_core::rules::NodeSet;
use spindle_core::{NodeId, Simulation, Step, TimeGrid};

/// A network that stays live between `Simulate` calls.
#[derive(Debug)]
pub struct Session {
    sim: Simulation,
    pub resolution: f64,
    pub seed: u64,
    pub threads: usize,
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
    /// An empty network with NEST's kernel settings.
    pub fn new(resolution: f64, seed: u64, threads: Option<usize>) -> Result<Session, Error> {
        let grid = TimeGrid::from_resolution_ms(resolution).ok_or_else(|| {
            Error::invalid(
                at("kernel"),
                format!("resolution = {resolution:?}: BadProperty: the resolution must be a positive time of at least 0.001 ms"),
            )
        })?;
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
            .map_err(|u| Error::invalid(at(&item), u.to_string()))?
            .map_err(|source| Error::Param {
                at: at(&item),
                source,
            })?;
        let net = self.sim.network_mut();
        let first = match made {
            NodeModel::Neuron(m) => net.add_neurons(m, n),
            NodeModel::Stimulus(d) => net.add_stimulus(d),
            NodeModel::SpikeRecorder(s) => net.add_spike_recorder(s),
            NodeModel::Multimeter(s) => net.add_multimeter(s),
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

    /// NEST's `Connect(pre, post, conn_spec, syn_spec)`.
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
        let conn = conn_spec(&mut conn).map_err(param)?;
        let syn = syn_spec(&mut syn).map_err(param)?;
        self.sim
            .network_mut()
            .connect_rule(pre, post, conn, syn)
            .map_err(|source| Error::Build {
                at: at(item),
                source,
            })?;
        Ok(())
    }

    /// NEST's `SetStatus` of one node. Keys nobody knows fail with `UnaccessedDictionaryEntry`.
    pub fn set_status(&mut self, id: NodeId, mut dict: Params) -> Result<(), Error> {
        let item = format!("SetStatus of node {id}");
        let param = |source: ParamError| Error::Param {
            at: at(&item),
            source,
        };
        let grid = self.grid();
        let (model, kind) = self.kind_of(id, &item)?;
        match kind {
            NodeKind::Neuron => self.sim.set_neuron_status(id, &mut dict).map_err(param)?,
            NodeKind::Stimulus => self.sim.set_device_status(id, &mut dict).map_err(param)?,
            NodeKind::SpikeRecorder => {
                let spec = self
                    .sim
                    .network_mut()
                    .spike_recorder_mut(id)
                    .expect("a recorder");
                spindle_devices::set_spike_recorder_status(spec, &mut dict, &grid).map_err(param)?
            }
            NodeKind::Multimeter => {
                let (spec, targets) = self
                    .sim
                    .network_mut()
                    .multimeter_mut(id)
                    .expect("a multimeter");
                let connected = !targets.is_empty();
                spindle_devices::set_multimeter_status(spec, &mut dict, &grid, connected)
                    .map_err(param)?
            }
        }
        dict.finish(&model, &[]).map_err(param)
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
        })
    }

    fn kind_of(&self, id: NodeId, item: &str) -> Result<(String, NodeKind), Error> {
        let net = self.sim.network();
        match (net.node_kind(id), net.model_name(id)) {
            (Some(kind), Some(model)) => Ok((model.to_string(), kind)),
            _ => Err(Error::invalid(
                at(item),
                format!("UnknownNode: Node with id {id} does not exist."),
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

/// A parameter value read back as a plain number where it is one.
pub fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Float(x) => Some(*x),
        Value::Int(i) => Some(*i as f64),
        _ => None,
    }
}
