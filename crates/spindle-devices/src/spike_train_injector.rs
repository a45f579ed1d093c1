//! `spike_train_injector`: NEST 3.10's spike generator that is a neuron. It sends spikes at
//! given times, like a `spike_generator`, but as a node of its own that takes part in the
//! ordinary spike exchange: it can be created `n` at a time (each with its own times),
//! connected with any synapse model (plastic ones too), and recorded by a spike recorder like
//! any neuron. It receives no input.
//!
//! Its keys and their checks are the `spike_generator`'s (NEST's code is the same, with the
//! model's name in the messages), without `spike_weights`: `spike_times` (ms, shifted by
//! `origin`, non-decreasing, on the grid unless `allow_offgrid_times`, rounded up with
//! `precise_times`), `spike_multiplicities`, `precise_times`, `allow_offgrid_times`,
//! `shift_now_spikes`, `origin`, `start`, `stop`. A spike with stamp S is sent if
//! `origin + start < S ≤ origin + stop` in the update of step S − 1, as the neuron's spike
//! stamped S (so with a delay d it arrives at S + d, as a `spike_generator`'s); spikes in the
//! past are skipped. The spikes of a neuron are kept by a [`SpikeGenerator`] each, which is
//! why the model lives with the devices.
//!
//! Departures: with `precise_times` the spikes are sent at their grid stamps (NEST sends the
//! offsets too, which only precise models read); `shift_now_spikes` shifts a spike at the
//! time of the neuron's last update (0 before its first), which is NEST's "now" except for a
//! neuron created or set after a `Simulate` that ended inside a min-delay slice; the kernel
//! reports NEST's `ArchivingNode` keys (`tau_minus`, …) for it as for every neuron.

use crate::generators::SpikeGenerator;
use spindle_core::device::{Emissions, StimulusDevice};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params};
use spindle_core::{Step, TimeGrid};

/// NEST's model name.
pub const MODEL_NAME: &str = "spike_train_injector";

/// The keys a `spike_train_injector` reads.
pub const KEYS: &[&str] = &[
    "spike_times",
    "spike_multiplicities",
    "allow_offgrid_times",
    "precise_times",
    "shift_now_spikes",
    "origin",
    "start",
    "stop",
];

/// The key of a `spike_generator` that the injector does not have.
const WEIGHTS: &str = "spike_weights";

/// A `spike_train_injector` population: the spikes every neuron starts with, and the grid
/// their times are on (NEST fixes the resolution once nodes exist).
#[derive(Clone, Debug)]
pub struct SpikeTrainInjector {
    spikes: SpikeGenerator,
    grid: TimeGrid,
}

impl SpikeTrainInjector {
    /// NEST's `Create("spike_train_injector", n, params)` before the first `Simulate`.
    pub fn from_params(params: &mut Params, grid: &TimeGrid) -> Result<Self, ParamError> {
        let mut spikes = SpikeGenerator::named(MODEL_NAME);
        set_without_weights(&mut spikes, params, grid, 0)?;
        Ok(SpikeTrainInjector {
            spikes,
            grid: *grid,
        })
    }
}

/// `SetStatus` of one injector's spikes: `spike_weights` is not one of its keys, so it stays in
/// `params` for the caller to report.
fn set_without_weights(
    spikes: &mut SpikeGenerator,
    params: &mut Params,
    grid: &TimeGrid,
    now: Step,
) -> Result<(), ParamError> {
    let weights = params.take(WEIGHTS);
    let r = spikes.set_status(params, grid, now);
    if let Some(w) = weights {
        params.insert(WEIGHTS, w);
    }
    r
}

fn no_input(what: &str) -> Rejection {
    Rejection::new(
        "IllegalConnection",
        format!("The target node or synapse model does not support {what} input."),
    )
}

impl NeuronModel for SpikeTrainInjector {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        0
    }

    fn spike_input(&self, _receptor: i64, _weight: f64) -> Result<InputChannel, Rejection> {
        Err(no_input("spike"))
    }

    fn current_input(&self, _receptor: i64, _weight: f64) -> Result<InputChannel, Rejection> {
        Err(no_input("current"))
    }

    fn recordables(&self) -> Vec<Recordable> {
        Vec::new()
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(InjectorChunk {
            spikes: vec![self.spikes.clone(); n],
            grid: self.grid,
            now: 0,
            scratch: Emissions::default(),
        })
    }
}

/// `n` injectors, each with its own spikes.
#[derive(Debug)]
struct InjectorChunk {
    spikes: Vec<SpikeGenerator>,
    grid: TimeGrid,
    /// The step after the last update: NEST's "now" for `shift_now_spikes`.
    now: Step,
    scratch: Emissions,
}

impl NeuronChunk for InjectorChunk {
    fn len(&self) -> usize {
        self.spikes.len()
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.grid = *grid;
    }

    fn update(&mut self, step: Step, _input: &[f64], emitted: &mut Emitted) {
        for (i, s) in self.spikes.iter_mut().enumerate() {
            self.scratch.clear();
            s.emit(step, step + 1, &mut self.scratch);
            let m: u32 = self.scratch.fixed.iter().map(|e| e.multiplicity).sum();
            if m > 0 {
                emitted.push((i as u32, m));
            }
        }
        self.now = step + 1;
    }

    fn recordable(&self, index: usize, _neuron: usize) -> f64 {
        panic!("spike_train_injector has no recordable {index}")
    }

    fn get_status(&self, neuron: usize) -> Params {
        let mut p = self.spikes[neuron].get_status(&self.grid);
        p.take(WEIGHTS);
        p
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Params) -> Result<(), ParamError> {
        set_without_weights(&mut self.spikes[neuron], dict, &self.grid, self.now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spindle_core::params::Value;

    fn floats(v: &[f64]) -> Value {
        Value::List(v.iter().map(|&x| Value::Float(x)).collect())
    }

    #[test]
    fn sends_each_spike_in_the_step_before_its_stamp_with_its_multiplicity() {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        let mut p = Params::new();
        p.insert("spike_times", floats(&[0.3, 0.5]));
        p.insert(
            "spike_multiplicities",
            Value::List(vec![Value::Int(2), Value::Int(1)]),
        );
        let model = SpikeTrainInjector::from_params(&mut p, &grid).unwrap();
        let mut chunk = model.instantiate(2);
        let mut q = Params::new();
        q.insert("spike_times", floats(&[0.4]));
        q.insert("spike_multiplicities", Value::List(Vec::new()));
        chunk.set_status(1, &mut q).unwrap();
        let mut sent = Vec::new();
        for step in 0..10 {
            let mut out = Vec::new();
            chunk.update(step, &[], &mut out);
            sent.extend(out.into_iter().map(|(i, m)| (step + 1, i, m)));
        }
        assert_eq!(sent, vec![(3, 0, 2), (4, 1, 1), (5, 0, 1)]);
    }

    #[test]
    fn refuses_input_and_leaves_spike_weights_to_the_caller() {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        let mut p = Params::new();
        p.insert("spike_weights", floats(&[]));
        let model = SpikeTrainInjector::from_params(&mut p, &grid).unwrap();
        assert!(p.contains("spike_weights"));
        assert_eq!(
            model.spike_input(0, 1.0).unwrap_err().kind,
            "IllegalConnection"
        );
        let mut p = Params::new();
        p.insert("spike_times", floats(&[1.05]));
        let e = SpikeTrainInjector::from_params(&mut p, &grid).unwrap_err();
        assert!(e
            .nest_message()
            .contains("spike_train_injector: Time point 1.05 is not representable"));
    }
}
