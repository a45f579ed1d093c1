//! `ignore_and_fire`: a neuron that ignores its input and fires at a fixed rate, NEST 3.10's
//! model of that name (a benchmark tool: network activity that does not depend on the
//! connectivity).
//!
//! # Model
//!
//! With the firing period `P = ⌈1000/rate⌉` steps and the initial phase `Φ = ⌈1000·phase/rate⌉`
//! steps (both through NEST's `Time(Time::ms(…)).get_steps()`: rounded to the tic, then up to
//! the step), each step either counts `Φ` down by one or, when `Φ = 0`, emits a spike stamped at
//! the end of the step and sets `Φ ← P − 1`. The first spike is at `(Φ + 1)·h`, the next ones
//! `P·h` apart. Spikes (receptor 0) and currents (receptor 0) are accepted and ignored.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `phase` | 1 | | time to the first spike in units of the period, `0 < phase ≤ 1` |
//! | `rate` | 10 | 1/s | firing rate (> 0) |
//!
//! NEST recomputes `P` and `Φ` at creation and on *every* `SetStatus` of the neuron (even one
//! that changes nothing), so a `SetStatus` restarts the phase; so does spindle. NEST computes
//! them with the resolution of the moment (which cannot change once nodes exist); spindle
//! computes them at the next `prepare`, when the grid is known, before any step is taken.
//! No recordables.
//!
//! # References
//!
//! * NEST 3.10, `models/ignore_and_fire.{h,cpp}`.

use crate::param_sets::ParamSets;
use crate::receptor_zero;
use crate::voltages::{put_floats, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};

/// NEST's model name.
pub const MODEL_NAME: &str = "ignore_and_fire";

/// Every key [`IgnoreAndFire::from_params`] reads.
pub const KEYS: &[&str] = &["phase", "rate"];

/// User parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// `phase`: time to the first spike relative to the period.
    pub phase: f64,
    /// `rate`, spikes/s.
    pub rate: f64,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            phase: 1.0,
            rate: 10.0,
        }
    }
}

impl Params {
    /// NEST's `Parameters_::set`. On error `self` may be half-updated: work on a copy.
    pub fn set(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        read_scalars(
            dict,
            &mut [("phase", &mut self.phase), ("rate", &mut self.rate)],
        )?;
        if self.phase <= 0.0 || self.phase > 1.0 {
            return Err(ParamError::rule("Phase must be > 0 and <= 1.")
                .with("phase", Value::Float(self.phase)));
        }
        if self.rate <= 0.0 {
            return Err(
                ParamError::rule("Firing rate must be > 0.").with("rate", Value::Float(self.rate))
            );
        }
        Ok(())
    }

    /// NEST's `calc_initial_variables_`: the period and the initial phase in steps (NEST's
    /// `int`s, so a huge period wraps as NEST's conversion from `long` does).
    fn derive(&self, grid: &TimeGrid) -> Derived {
        Derived {
            period_steps: grid.ms_to_steps_up(1. / self.rate * 1000.) as i32,
            phase_steps: grid.ms_to_steps_up(self.phase / self.rate * 1000.) as i32,
        }
    }
}

/// The period and the initial phase in steps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    pub period_steps: i32,
    pub phase_steps: i32,
}

/// An `ignore_and_fire` population.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IgnoreAndFire {
    pub params: Params,
}

impl IgnoreAndFire {
    /// NEST's defaults, then [`Params::set`]: the path `SetStatus` takes too.
    pub fn from_params(dict: &mut Dict) -> Result<IgnoreAndFire, ParamError> {
        let mut params = Params::default();
        params.set(dict)?;
        Ok(IgnoreAndFire { params })
    }
}

/// Input channels: spikes and currents, both ignored.
const SPIKES: u16 = 0;
const CURRENT: u16 = 1;

impl NeuronModel for IgnoreAndFire {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        2
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, MODEL_NAME, SPIKES, weight)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, MODEL_NAME, CURRENT, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        Vec::new()
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(IgnoreAndFireChunk {
            sets: ParamSets::new(&self.params, n, Params::derive),
            n,
            phase_steps: vec![0; n],
            restart: vec![true; n],
        })
    }
}

/// The state of `n` `ignore_and_fire` neurons.
pub struct IgnoreAndFireChunk {
    sets: ParamSets<Params, Derived>,
    n: usize,
    /// Steps to the next spike (NEST's `V_.phase_steps_`).
    phase_steps: Vec<i32>,
    /// Neurons whose phase restarts at the next `prepare` (created or set since the last run).
    restart: Vec<bool>,
}

impl NeuronChunk for IgnoreAndFireChunk {
    fn len(&self) -> usize {
        self.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.sets.prepare(grid);
        for i in 0..self.n {
            if std::mem::take(&mut self.restart[i]) {
                self.phase_steps[i] = self.sets.derived(i).phase_steps;
            }
        }
    }

    fn update(&mut self, _step: Step, _input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "{MODEL_NAME}: update before prepare"
        );
        for i in 0..self.n {
            if self.phase_steps[i] == 0 {
                self.phase_steps[i] = self.sets.derived(i).period_steps - 1;
                emitted.push((i as u32, 1));
            } else {
                self.phase_steps[i] -= 1;
            }
        }
    }

    fn recordable(&self, index: usize, _neuron: usize) -> f64 {
        panic!("{MODEL_NAME} has no recordable {index}")
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let p = self.sets.params(neuron);
        let mut out = Dict::new();
        put_floats(&mut out, &[("phase", p.phase), ("rate", p.rate)]);
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        p.set(dict)?;
        self.sets.assign(neuron, p);
        self.restart[neuron] = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spike_steps(chunk: &mut dyn NeuronChunk, steps: Step) -> Vec<Step> {
        let input = [0.0; 2];
        let mut out = Vec::new();
        let mut stamps = Vec::new();
        for step in 0..steps {
            chunk.update(step, &input, &mut out);
            if !out.is_empty() {
                stamps.push(step + 1);
                out.clear();
            }
        }
        stamps
    }

    #[test]
    fn fires_after_the_phase_then_every_period() {
        // 250 Hz at h = 0.1: P = 40 steps; phase 0.5: Φ = 20 steps, first spike at step 21.
        let mut d = Dict::new();
        d.insert("rate", Value::Float(250.0));
        d.insert("phase", Value::Float(0.5));
        let model = IgnoreAndFire::from_params(&mut d).unwrap();
        let mut chunk = model.instantiate(1);
        chunk.prepare(&TimeGrid::from_resolution_ms(0.1).unwrap());
        assert_eq!(spike_steps(chunk.as_mut(), 120), [21, 61, 101]);
    }

    #[test]
    fn a_failed_set_status_changes_nothing_and_keeps_the_phase() {
        let mut chunk = IgnoreAndFire::default().instantiate(1);
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        chunk.prepare(&grid);
        // 10 Hz, phase 1: the first spike at step 1001.
        assert_eq!(spike_steps(chunk.as_mut(), 600), Vec::<Step>::new());
        let before = chunk.get_status(0);
        let mut d = Dict::new();
        d.insert("rate", Value::Float(20.0));
        d.insert("phase", Value::Float(0.0));
        let e = chunk.set_status(0, &mut d).unwrap_err();
        assert!(e.to_string().contains("Phase must be > 0 and <= 1."), "{e}");
        assert_eq!(chunk.get_status(0), before);
        // The phase was not restarted: the spike comes at step 1001, 401 steps on.
        chunk.prepare(&grid);
        assert_eq!(spike_steps(chunk.as_mut(), 500), [401]);
    }
}
