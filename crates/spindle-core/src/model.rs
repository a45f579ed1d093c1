//! The contract between the kernel and a neuron model.
//!
//! A model is split in two: a [`NeuronModel`] holds one population's validated parameters and
//! answers connection-time questions (which input channel does receptor 3 map to? what can be
//! recorded?), and a [`NeuronChunk`] holds the state of a contiguous run of that population's
//! neurons as structure-of-arrays and advances all of them by one step. The kernel dispatches
//! once per chunk and step, never once per neuron.

use crate::archive::Archive;
use crate::error::Rejection;
use crate::params::{ParamError, Params};
use crate::time::{Step, TimeGrid};
use std::fmt;

/// Where an incoming connection's events land in the target's input buffers, and the weight
/// that is added per unit event (models may transform the connection weight, e.g. a parrot
/// ignores it and `iaf_cond_exp` routes negative weights as |w| to its inhibitory channel).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InputChannel {
    pub channel: u16,
    pub weight: f64,
}

/// One recordable quantity: NEST name and unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recordable {
    pub name: String,
    pub unit: &'static str,
}

impl Recordable {
    pub fn new(name: impl Into<String>, unit: &'static str) -> Recordable {
        Recordable {
            name: name.into(),
            unit,
        }
    }
}

/// A population's model: validated parameters plus the connection-time contract.
pub trait NeuronModel: Send + Sync + fmt::Debug {
    /// NEST's model name, e.g. `glif_cond`.
    fn model_name(&self) -> &str;

    /// Number of input channels per neuron (spike ports and current inputs).
    fn n_channels(&self) -> usize;

    /// The channel that a spike event with this `receptor_type` and weight feeds, and the value
    /// it adds there per unit of multiplicity, or NEST's rejection. The value must be the weight
    /// times a constant, or a constant: a spike generator's events carry their own weights
    /// (`spike_weights`), and the kernel routes them by probing this function with weights of
    /// both signs (see `RawDeviceSynapse`).
    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection>;

    /// The channel that a current connection (dc/step current generator) feeds.
    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection>;

    /// Whether a multimeter may connect with this `receptor_type` (NEST accepts port 0 only).
    fn accepts_multimeter(&self, receptor: i64) -> Result<(), Rejection> {
        if receptor == 0 {
            Ok(())
        } else {
            Err(Rejection::new(
                "UnknownReceptorType",
                format!(
                    "Receptor type {receptor} is not available in {}.",
                    self.model_name()
                ),
            ))
        }
    }

    /// The table of recordables; [`NeuronChunk::recordable`] takes an index into it.
    fn recordables(&self) -> Vec<Recordable>;

    /// Whether a spike arriving on input channel `channel` is scaled by the offset its sender
    /// attached to it (NEST's `SpikeEvent::get_offset`, see [`NeuronChunk::spike_offset`]):
    /// `iaf_tum_2000` multiplies the weight of a spike on receptor 1 by the offset, in which
    /// a presynaptic `iaf_tum_2000` sends its short-term plasticity factor. Senders that
    /// attach none send 0, so that their spikes there add nothing, as in NEST.
    fn scales_by_offset(&self, _channel: u16) -> bool {
        false
    }

    /// NEST's connection check that depends on the sending neuron's model (its
    /// `handles_test_event` reads the sender): `Err` with NEST's rejection if a neuron of
    /// `source_model` may not connect on `receptor`. The receptor itself is checked by
    /// [`NeuronModel::spike_input`].
    fn check_source(&self, _source_model: &str, _receptor: i64) -> Result<(), Rejection> {
        Ok(())
    }

    /// Warnings about accepted but surprising connections (e.g. a negative conductance weight).
    fn connection_warning(&self, _receptor: i64, _weight: f64) -> Option<String> {
        None
    }

    /// The state of `n` neurons with this model's parameters and initial state.
    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk>;
}

/// A neuron whose integration diverged during a step, NEST's `NumericalInstability`: which
/// neuron of the chunk, the state variable that left its bounds (NEST's name) and its value.
/// The kernel stops the run with the neuron's node id and the time.
#[derive(Clone, Debug, PartialEq)]
pub struct Instability {
    /// The neuron's index in its chunk.
    pub neuron: usize,
    /// The state variable, in NEST's name (`V_m`, `w`, `g_ex`…).
    pub variable: &'static str,
    pub value: f64,
}

/// Spikes emitted during one step by a chunk: (local neuron index, multiplicity).
pub type Emitted = Vec<(u32, u32)>;

/// The state of a contiguous run of neurons of one model, stored as arrays.
pub trait NeuronChunk: Send {
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Give the chunk its random streams, once, when the kernel creates it (before any
    /// `prepare`): its neuron `i` is node `first_id + i`, whose stream is
    /// [`crate::rng::node_stream`]`(seed, first_id + i)`. A stochastic model (`pp_psc_delta`,
    /// the `gif` family, a stochastic threshold) keeps one stream per neuron, so that its draws
    /// do not depend on how neurons are spread over partitions; deterministic models ignore it.
    fn seed_streams(&mut self, _seed: u64, _first_id: u32) {}

    /// NEST's per-run hook: recompute derived constants (propagators, refractory step counts)
    /// for this grid. Called before every run; must not change the state.
    fn prepare(&mut self, grid: &TimeGrid);

    /// Advance every neuron from `t_step` to `t_{step+1}`.
    ///
    /// `input[c * n + i]` is the summed input of channel `c` for neuron `i` that arrives at the
    /// end of this step (spec §1.4). Spikes detected in this step are pushed as
    /// `(local index, multiplicity)`; the kernel stamps them `step + 1`.
    fn update(&mut self, step: Step, input: &[f64], emitted: &mut Emitted);

    /// [`NeuronChunk::update`] while some of the chunk's neurons have NEST's ignore-and-spike
    /// mechanism on (`archives`: the chunk's neurons' archives, in order). A model that
    /// honours the mechanism (NEST 3.10: `iaf_psc_delta`) asks
    /// [`Archive::spike_event_is_due`] once per neuron and step whether it spikes; the
    /// others ignore it, as in NEST.
    fn update_archived(
        &mut self,
        step: Step,
        input: &[f64],
        emitted: &mut Emitted,
        _archives: &mut [Archive],
    ) {
        self.update(step, input, emitted);
    }

    /// The first neuron whose integration diverged in the last [`update`](Self::update), if
    /// any, taken (the next call returns `None` until a new one diverges). A model that can
    /// diverge (an ODE model whose step control gives up, NEST's bounds checks of `V_m` and
    /// `w` in the AdEx models) records it during `update` and keeps the neuron's state as
    /// it was; the kernel asks after every update and stops the run with NEST's
    /// `NumericalInstability`.
    fn take_instability(&mut self) -> Option<Instability> {
        None
    }

    /// The offset that neuron `neuron` attached to the spike it emitted in the last
    /// [`update`](Self::update) (NEST's `SpikeEvent::set_offset`; 0 for the grid-based models,
    /// which attach none). NEST's off-grid models send the time from the threshold crossing to
    /// the end of the step (`iaf_chxk_2008`), and `iaf_tum_2000` its short-term plasticity
    /// factor `u·x` in that field. Spike recorders record `stamp − offset` (ms), and targets
    /// whose channel [`NeuronModel::scales_by_offset`] multiply the weight by it.
    fn spike_offset(&self, _neuron: usize) -> f64 {
        0.0
    }

    /// The current value of recordable `index` (into [`NeuronModel::recordables`]) of neuron
    /// `neuron`.
    fn recordable(&self, index: usize, neuron: usize) -> f64;

    /// NEST's `GetStatus` of neuron `neuron`: every parameter and state variable, in NEST's
    /// names and units (absolute voltages), as NEST's `Parameters_::get` and `State_::get`
    /// write them. A model's defaults are `instantiate(1).get_status(0)`.
    fn get_status(&self, neuron: usize) -> Params;

    /// NEST's `SetStatus` of neuron `neuron`: take the keys of `dict` that the model knows and
    /// read them on top of the neuron's *current* parameters and state, with NEST's rules (a
    /// new `E_L` moves the voltages that are not given, as NEST's `delta_EL` does) and NEST's
    /// validation. On error nothing changes. Keys the model does not know stay in `dict` (the
    /// caller reports them). Derived constants are recomputed at the next `prepare`.
    fn set_status(&mut self, neuron: usize, dict: &mut Params) -> Result<(), ParamError>;
}
