//! `ppd_sup_generator`: every target receives its own superposition of `n_proc` independent
//! Poisson processes with dead time (PPD), optionally rate-modulated by a sine, with NEST
//! 3.10's parameters, validation and update (Deger et al. 2011).
//!
//! Each target keeps an age distribution of its component processes (NEST's
//! `Age_distribution_`): `occ_active` processes can fire, the others sit in
//! `floor(dead_time / h)` refractory bins, one per step of dead time. It starts near
//! equilibrium: `floor(rate · n_proc · h / 1000)` in every bin and the rest active. In the
//! update of step `k`, if the rate is positive and the device is active
//! (`t_min < k ≤ t_max`, as a `poisson_generator`), the active processes fire with the hazard
//! `h / (1000 / rate − dead_time) · (1 + relative_amplitude · sin(2π · frequency/1000 · k h))`
//! (the modulation only when both `relative_amplitude` and `frequency` are non-zero), drawn as
//! a binomial (Poisson-approximated where NEST approximates it); the firing processes are the
//! target's spikes, stamped `k + 1`, and enter the refractory bin that releases its processes
//! this step. A spike recorder connected to the generator is one more target.
//!
//! Departures: the draws come from the connection's stream, keyed by (seed, generator,
//! target), so the realisation differs from NEST's (same statistics); a target's age
//! distribution starts with the parameters of its first active step (NEST: of the first
//! `Simulate` after the connection).

use crate::gamma_sup_generator::transitions;
use crate::generators::{created, finite, stimulus_basics};
use crate::window::DeviceWindow;
use spindle_core::device::{Emissions, StimulusDevice, TargetEmission, TargetProcess, TargetState};
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::rng::Stream;
use spindle_core::{Step, TimeGrid};
use std::f64::consts::PI;
use std::sync::Arc;

/// Superposition of Poisson processes with dead time, one per target (`ppd_sup_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `rate` | 0 | spikes/s | rate of each component process; `1000 / rate > dead_time` |
/// | `dead_time` | 0 | ms | dead time of each component process, ≥ 0 |
/// | `n_proc` | 1 | | number of component processes per target, ≥ 1 |
/// | `frequency` | 0 | Hz | rate modulation frequency |
/// | `relative_amplitude` | 0 | | rate modulation amplitude relative to `rate`, in [0, 1] |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | spike times in `(origin+start+h, origin+stop+h]` |
#[derive(Clone, Debug)]
pub struct PpdSupGenerator {
    rate: f64,
    dead_time: f64,
    n_proc: i64,
    frequency: f64,
    relative_amplitude: f64,
    window: DeviceWindow,
    process: Arc<PpdSup>,
}

/// The per-target rule: the hazard per step and the initial age distribution.
#[derive(Clone, Copy, Debug, PartialEq)]
struct PpdSup {
    hazard_step: f64,
    /// radian/ms.
    omega: f64,
    relative_amplitude: f64,
    h: f64,
    age_bins: u64,
    initial_per_bin: u64,
    n_proc: u64,
}

// A target's state: `counts[0]` active processes, `counts[1]` the bin that releases next,
// `counts[2..]` the refractory bins.
const ACTIVE: usize = 0;
const NEXT_BIN: usize = 1;
const BINS: usize = 2;

impl TargetProcess for PpdSup {
    fn draw(&self, state: &mut TargetState, e: &TargetEmission, rng: &mut Stream) -> u32 {
        let s = &mut state.counts;
        if s.is_empty() {
            s.push(self.n_proc - self.initial_per_bin * self.age_bins);
            s.push(0);
            s.resize(BINS + self.age_bins as usize, self.initial_per_bin);
        }
        let hazard = if self.relative_amplitude > 0.0 && self.omega != 0.0 {
            let t_ms = (e.stamp - 1) as f64 * self.h;
            self.hazard_step * (1.0 + self.relative_amplitude * (self.omega * t_ms).sin())
        } else {
            self.hazard_step
        };
        let n = transitions(rng, s[ACTIVE], hazard);
        let bins = s.len() - BINS;
        if bins > 0 {
            let next = BINS + s[NEXT_BIN] as usize;
            s[ACTIVE] = s[ACTIVE] + s[next] - n;
            s[next] = n;
            s[NEXT_BIN] = (s[NEXT_BIN] + 1) % bins as u64;
        }
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

impl PpdSupGenerator {
    pub const KEYS: &'static [&'static str] = &[
        "rate",
        "dead_time",
        "n_proc",
        "frequency",
        "relative_amplitude",
        "origin",
        "start",
        "stop",
    ];

    /// NEST's defaults on `grid`.
    pub fn new(grid: &TimeGrid) -> PpdSupGenerator {
        let mut g = PpdSupGenerator {
            rate: 0.0,
            dead_time: 0.0,
            n_proc: 1,
            frequency: 0.0,
            relative_amplitude: 0.0,
            window: DeviceWindow::DEFAULT,
            process: Arc::new(PpdSup {
                hazard_step: 0.0,
                omega: 0.0,
                relative_amplitude: 0.0,
                h: grid.h(),
                age_bins: 0,
                initial_per_bin: 0,
                n_proc: 1,
            }),
        };
        g.derive(grid);
        g
    }

    pub fn from_params(
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<PpdSupGenerator, ParamError> {
        created(PpdSupGenerator::new(grid), params, grid)
    }

    /// NEST's `pre_run_hook`.
    fn derive(&mut self, grid: &TimeGrid) {
        let h = grid.h();
        let n_proc = self.n_proc as u64;
        self.process = Arc::new(PpdSup {
            hazard_step: 1.0 / (1000.0 / self.rate - self.dead_time) * h,
            omega: 2.0 * PI * self.frequency / 1000.0,
            relative_amplitude: self.relative_amplitude,
            h,
            age_bins: (self.dead_time / h) as u64,
            initial_per_bin: (self.rate / 1000.0 * n_proc as f64 * h) as u64,
            n_proc,
        });
    }

    fn update(&mut self, params: &mut Params, grid: &TimeGrid, _: Step) -> Result<(), ParamError> {
        // NEST's order of checks.
        if let Some(d) = finite(params, "dead_time", "ms")? {
            self.dead_time = d;
        }
        if self.dead_time < 0.0 {
            return Err(ParamError::rule("The dead time cannot be negative.")
                .with("dead_time", self.dead_time));
        }
        if let Some(rate) = finite(params, "rate", "spikes/s")? {
            self.rate = rate;
        }
        if 1000.0 / self.rate <= self.dead_time {
            return Err(
                ParamError::rule("The inverse rate has to be larger than the dead time.")
                    .with("rate", self.rate)
                    .with("dead_time", self.dead_time),
            );
        }
        if let Some(n) = params.i64("n_proc")? {
            if n < 1 {
                return Err(ParamError::rule(
                    "The number of component processes cannot be smaller than one",
                )
                .with("n_proc", n));
            }
            self.n_proc = n;
        }
        if let Some(f) = finite(params, "frequency", "Hz")? {
            self.frequency = f;
        }
        if let Some(a) = finite(params, "relative_amplitude", "")? {
            self.relative_amplitude = a;
        }
        if !(0.0..=1.0).contains(&self.relative_amplitude) {
            return Err(ParamError::rule(
                "The relative amplitude of the rate modulation must be in [0,1].",
            )
            .with("relative_amplitude", self.relative_amplitude));
        }
        self.window = self.window.updated(params, grid)?;
        self.derive(grid);
        Ok(())
    }
}

impl StimulusDevice for PpdSupGenerator {
    stimulus_basics!("ppd_sup_generator", Spike);

    fn draws_per_target(&self) -> bool {
        true
    }

    fn prepare(&mut self, _: Step, grid: &TimeGrid) {
        self.derive(grid);
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        if self.rate <= 0.0 {
            return;
        }
        out.process = Some(self.process.clone());
        out.targets.extend(self.window.target_emissions(from, to));
    }

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        p.insert("rate", Value::Float(self.rate));
        p.insert("dead_time", Value::Float(self.dead_time));
        p.insert("n_proc", Value::Int(self.n_proc));
        p.insert("frequency", Value::Float(self.frequency));
        p.insert("relative_amplitude", Value::Float(self.relative_amplitude));
        self.window.write(grid, &mut p);
        p
    }
}
