//! NEST's `volume_transmitter`: the node that collects the spikes of a pool of (dopamine)
//! neurons and hands their history to the neuromodulated synapses that name it
//! (`stdp_dopamine_synapse`'s common property `volume_transmitter`).
//!
//! A volume transmitter is not a neuron of a partition: it is global. Every rank keeps the
//! whole spike list of each slice (the all-gather of the slice loop), so every rank keeps the
//! same history of every volume transmitter without further communication. A spike of a
//! connected neuron at stamp `s` through a connection of delay `d` arrives at step `s + d` with
//! its multiplicity (NEST's `handle`: the weight is ignored); the arrivals of a min-delay slice
//! `(T0, T0 + D]` join the history at the slice's end (NEST's `update`, which files them at
//! `(T0 + lag + 1)·h`, one entry per step with the summed multiplicity), and when
//! `T0 + D` is a multiple of `deliver_interval · D` every synapse of the transmitter is
//! brought to `t_trig = (T0 + D)·h` (NEST's `trigger_update_weight`), after which the history
//! restarts with a pseudo spike `(t_trig, 0)`. The history starts as `[(0, 0)]` (NEST's
//! `init_buffers_`).
//!
//! The partitions read the histories only, during delivery and the trigger phase
//! ([`VolumeHistory`]), so the synapse updates stay partition-local and lock-free.

use crate::params::{ParamError, Params, Value};
use crate::time::{Step, TimeGrid};
use crate::NodeId;
use std::collections::BTreeMap;

/// One entry of a volume transmitter's history (NEST's `spikecounter`): a time (ms) and the
/// number of spikes that arrived then.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DopaSpike {
    pub t: f64,
    pub multiplicity: f64,
}

/// The parameters of a `volume_transmitter` node.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeTransmitterSpec {
    /// The interval between deliveries of the history to the synapses, in min-delays.
    pub deliver_interval: i64,
}

impl Default for VolumeTransmitterSpec {
    fn default() -> VolumeTransmitterSpec {
        VolumeTransmitterSpec {
            deliver_interval: 1,
        }
    }
}

/// The node keys of a `volume_transmitter`.
pub const VOLUME_TRANSMITTER_KEYS: &[&str] = &["deliver_interval"];

impl VolumeTransmitterSpec {
    /// NEST's `get_status`.
    pub fn get_status(&self, d: &mut Params) {
        d.insert("deliver_interval", Value::Int(self.deliver_interval));
    }

    /// NEST's `set_status`: `deliver_interval` is an integer (NEST's `update_value_param`;
    /// NEST checks no range, but spindle refuses a non-positive interval, with which NEST's
    /// `update` divides by zero or never delivers). Nothing changes on error.
    pub fn set_status(&mut self, d: &mut Params) -> Result<(), ParamError> {
        if let Some(v) = d.i64("deliver_interval")? {
            if v < 1 {
                return Err(ParamError::rule(
                    "deliver_interval must be a positive number of min-delays.",
                )
                .with("deliver_interval", v as f64));
            }
            self.deliver_interval = v;
        }
        Ok(())
    }
}

/// The history of one volume transmitter as the partitions read it.
#[derive(Clone, Debug)]
pub struct VolumeHistory {
    pub id: NodeId,
    pub spikes: Vec<DopaSpike>,
}

/// The history of `vt` in `histories` (sorted by id); empty if there is none.
pub fn history_of(histories: &[VolumeHistory], vt: NodeId) -> &[DopaSpike] {
    match histories.binary_search_by_key(&vt, |h| h.id) {
        Ok(i) => &histories[i].spikes,
        Err(_) => &[],
    }
}

/// A volume transmitter of the running network: its pending arrivals by step and its
/// history, kept identically on every rank.
#[derive(Debug)]
pub(crate) struct VolumeRun {
    /// The spikes not yet filed: arrival step → summed multiplicity.
    pending: BTreeMap<Step, f64>,
}

impl VolumeRun {
    pub fn new() -> VolumeRun {
        VolumeRun {
            pending: BTreeMap::new(),
        }
    }

    /// A spike arriving at step `arrival` with `multiplicity`.
    pub fn arrive(&mut self, arrival: Step, multiplicity: u32) {
        *self.pending.entry(arrival).or_insert(0.0) += f64::from(multiplicity);
    }

    /// File the arrivals up to step `until` (inclusive) into `history`, in time order.
    pub fn file(&mut self, until: Step, grid: &TimeGrid, history: &mut Vec<DopaSpike>) {
        let later = self.pending.split_off(&(until + 1));
        for (step, m) in std::mem::replace(&mut self.pending, later) {
            if m > 0.0 {
                history.push(DopaSpike {
                    t: grid.step_to_ms(step),
                    multiplicity: m,
                });
            }
        }
    }
}

/// The initial history of a volume transmitter (NEST's `init_buffers_`).
pub(crate) fn initial_history() -> Vec<DopaSpike> {
    vec![DopaSpike {
        t: 0.0,
        multiplicity: 0.0,
    }]
}
