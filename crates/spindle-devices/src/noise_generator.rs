//! `noise_generator`: a Gaussian white-noise current, a new amplitude every `dt` for each
//! target, with NEST 3.10's parameters, validation and activity window.
//!
//! In the update of step `k`, when the device is active (`t_min < k + 2 ≤ t_max`, as for every
//! current generator): the modulation oscillator advances (only while active, as in NEST),
//! and if `k` has reached the next draw step, every target draws a new amplitude
//! `mean + sqrt(std² + y_1 · std_mod²) · N(0, 1)` and the next draw step becomes `k + dt`
//! (counted from `k`, also after an inactive period); then every target receives its amplitude
//! in the event stamped `k + 1`. NEST draws all targets' amplitudes from the thread's stream;
//! spindle draws each connection's from its own stream keyed by (seed, generator, target), so
//! a target's noise does not depend on the thread count (same statistics, another
//! realisation). The draw steps, the modulation and, with `std = 0`, the currents are exactly
//! NEST's.
//!
//! Departures: non-finite values are refused (NEST accepts them); a connection made after a
//! `Simulate` starts with amplitude 0 until the next draw step (NEST draws all amplitudes anew
//! when its number of targets changed); the generator's own recordable `I` (the mean over its
//! targets) cannot be recorded.

use crate::generators::{created, finite, stimulus_basics};
use crate::sine::{omega, phase_rad, Oscillator};
use crate::window::DeviceWindow;
use spindle_core::device::{Emissions, NoiseEmission, StimulusDevice};
use spindle_core::params::{invalid, ParamError, Params, Value};
use spindle_core::{Step, TimeGrid};

/// Gaussian noise currents, one per target (`noise_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `mean` | 0 | pA | mean of the current |
/// | `std` | 0 | pA | standard deviation, ≥ 0 |
/// | `std_mod` | 0 | pA | amplitude of the modulation of the standard deviation, `0 ≤ std_mod ≤ std` |
/// | `frequency` | 0 | Hz | frequency of the modulation |
/// | `phase` | 0 | deg | phase of the modulation |
/// | `dt` | 1.0 | ms | interval between two draws, a positive multiple of the resolution (10 h where 1 ms is not one) |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | events stamped `origin+start ≤ S < origin+stop` are sent |
///
/// State: `y_0`, `y_1`: the modulation oscillator, `y_1 = sin(ω t + φ)`.
#[derive(Clone, Debug)]
pub struct NoiseGenerator {
    mean: f64,
    std: f64,
    std_mod: f64,
    frequency: f64,
    phase: f64,
    /// `dt` in steps (≥ 1).
    dt: Step,
    window: DeviceWindow,
    oscillator: Oscillator,
    /// The first step at which new amplitudes are drawn (NEST's `next_step_`).
    next_step: Step,
}

impl NoiseGenerator {
    pub const KEYS: &'static [&'static str] = &[
        "mean",
        "std",
        "std_mod",
        "frequency",
        "phase",
        "dt",
        "origin",
        "start",
        "stop",
    ];

    /// NEST's defaults on `grid`: `dt` is 1 ms (NEST's default at its default resolution,
    /// kept when the resolution changes) unless that is off the grid, then `10 h`.
    pub fn new(grid: &TimeGrid) -> NoiseGenerator {
        NoiseGenerator {
            mean: 0.0,
            std: 0.0,
            std_mod: 0.0,
            frequency: 0.0,
            phase: 0.0,
            dt: grid.ms_on_grid(1.0).unwrap_or(10),
            window: DeviceWindow::DEFAULT,
            oscillator: Oscillator::default(),
            next_step: 0,
        }
    }

    /// NEST's `Create("noise_generator", params)`.
    pub fn from_params(params: &mut Params, grid: &TimeGrid) -> Result<NoiseGenerator, ParamError> {
        created(NoiseGenerator::new(grid), params, grid)
    }

    fn update(&mut self, params: &mut Params, grid: &TimeGrid, _: Step) -> Result<(), ParamError> {
        self.mean = finite(params, "mean", "pA")?.unwrap_or(self.mean);
        self.std = finite(params, "std", "pA")?.unwrap_or(self.std);
        self.std_mod = finite(params, "std_mod", "pA")?.unwrap_or(self.std_mod);
        self.frequency = finite(params, "frequency", "Hz")?.unwrap_or(self.frequency);
        self.phase = finite(params, "phase", "deg")?.unwrap_or(self.phase);
        let dt = params.f64("dt")?;
        for (key, v) in [("std", self.std), ("std_mod", self.std_mod)] {
            if v < 0.0 {
                return Err(
                    ParamError::rule("The standard deviation cannot be negative.").with(key, v),
                );
            }
        }
        if self.std_mod > self.std {
            return Err(ParamError::rule(
                "The modulation apmlitude must be smaller or equal to the baseline amplitude.",
            )
            .with("std", self.std)
            .with("std_mod", self.std_mod));
        }
        if let Some(dt) = dt {
            self.dt = dt_steps(dt, grid)?;
        }
        self.window = self.window.updated(params, grid)?;
        Ok(())
    }
}

/// `dt` in steps: on the grid and at least one step (NEST's `StepMultipleRequired`).
fn dt_steps(dt: f64, grid: &TimeGrid) -> Result<Step, ParamError> {
    if !spindle_core::time::representable_ms(dt) {
        return Err(invalid("dt", dt, "dt must be a finite time in ms."));
    }
    let tics = grid.ms_to_tics(dt);
    let tps = grid.tics_per_step();
    if tics > 0 && tics % tps == 0 {
        return Ok(tics / tps);
    }
    let steps = grid.tics_to_steps_up(tics);
    let plural = |n: i64| if n == 1 { "step" } else { "steps" };
    Err(ParamError::Rule {
        kind: "StepMultipleRequired",
        message: format!(
            "The time property dt = {} ms (= {tics} tics = {steps} {}) of model noise_generator must be a multiple of the resolution {} ms (= {tps} tics = 1 step).",
            grid.tics_to_ms(tics),
            plural(steps),
            grid.h()
        ),
        given: vec![("dt".to_string(), dt.to_string())],
        valid: None,
    })
}

impl StimulusDevice for NoiseGenerator {
    stimulus_basics!("noise_generator", Current);

    /// NEST's recordable `I`: the current sent with each stamp.
    fn recordables(&self) -> &'static [&'static str] {
        &["I"]
    }

    fn draws_per_target(&self) -> bool {
        true
    }

    fn prepare(&mut self, now: Step, grid: &TimeGrid) {
        self.oscillator =
            Oscillator::started(1.0, omega(self.frequency), phase_rad(self.phase), now, grid);
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        for k in from..to {
            if !self.window.contains(k + 2) {
                continue;
            }
            if self.std_mod != 0.0 {
                self.oscillator.step();
            }
            let redraw = (k >= self.next_step).then(|| {
                self.next_step = k + self.dt;
                let var = self.std * self.std + self.oscillator.y_1 * self.std_mod * self.std_mod;
                (self.mean, var.sqrt())
            });
            out.noise.push(NoiseEmission {
                stamp: k + 1,
                redraw,
            });
        }
    }

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        p.insert("mean", Value::Float(self.mean));
        p.insert("std", Value::Float(self.std));
        p.insert("std_mod", Value::Float(self.std_mod));
        p.insert("frequency", Value::Float(self.frequency));
        p.insert("phase", Value::Float(self.phase));
        p.insert("dt", Value::Float(grid.step_to_ms(self.dt)));
        self.oscillator.write(&mut p);
        self.window.write(grid, &mut p);
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dt_off_the_grid_is_nests_step_multiple_required() {
        let g = TimeGrid::from_resolution_ms(0.1).unwrap();
        for (dt, words) in [
            (0.15, "dt = 0.15 ms (= 150 tics = 2 steps)"),
            (0.0, "dt = 0 ms (= 0 tics = 0 steps)"),
            (-1.0, "dt = -0.999 ms (= -999 tics = -9 steps)"),
        ] {
            let mut p = Params::new();
            p.insert("dt", Value::Float(dt));
            let e = NoiseGenerator::from_params(&mut p, &g).unwrap_err();
            let text = e.to_string();
            assert!(text.contains("StepMultipleRequired"), "{text}");
            assert!(text.contains(words), "{text}");
            assert!(
                text.contains("must be a multiple of the resolution 0.1 ms (= 100 tics = 1 step)"),
                "{text}"
            );
        }
        // 1 ms is the default also at h = 0.01 (NEST keeps it when the resolution changes).
        let fine = TimeGrid::from_resolution_ms(0.01).unwrap();
        assert_eq!(NoiseGenerator::new(&fine).dt, 100);
    }
}
