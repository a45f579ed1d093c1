//! `inhomogeneous_poisson_generator`: Poisson spikes with a piecewise constant rate, with
//! NEST 3.10's parameters, validation and update.
//!
//! The rate changes one step ahead, as a `step_current_generator`'s level does: in the update
//! of step `k`, if `k + 1` is the next rate time the rate becomes its value. If the rate is
//! positive and the device is active (`t_min < k ≤ t_max`, as a `poisson_generator`), every
//! target (and every spike recorder connected to the generator) draws its own Poisson count
//! with mean `rate · h / 1000` from its connection's stream, keyed by (seed, generator,
//! target), and receives the spikes stamped `k + 1`. Rate times in the past (at or before the
//! first step of an update) are skipped without changing the rate.
//!
//! Rate times are absolute (not shifted by `origin`) and must lie strictly after the current
//! time when they are set, on the grid unless `allow_offgrid_times` (then moved up to the end
//! of their step), and strictly increasing after that.
//!
//! Departures: non-finite rates are refused; the realisation differs from NEST's (same
//! statistics).

use crate::generators::{created, stimulus_basics, write_time_table, MAX_MULTIPLICITY};
use crate::window::DeviceWindow;
use spindle_core::device::{Emissions, PoissonEmission, StimulusDevice};
use spindle_core::params::{invalid, ParamError, Params};
use spindle_core::time::representable_ms;
use spindle_core::{Step, TimeGrid};

/// Poisson spike trains with a piecewise constant rate, one per target
/// (`inhomogeneous_poisson_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `rate_times` | [] | ms | times of the rate changes, strictly increasing, in the future |
/// | `rate_values` | [] | spikes/s | the rates from those times on (≤ 0: silent) |
/// | `allow_offgrid_times` | false | | off-grid times move up to the end of their step |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | spike times in `(origin+start+h, origin+stop+h]` |
#[derive(Clone, Debug)]
pub struct InhomogeneousPoissonGenerator {
    /// Rate times in steps.
    times: Vec<Step>,
    /// spikes/s, as given.
    values: Vec<f64>,
    allow_offgrid_times: bool,
    window: DeviceWindow,
    /// The next rate time not yet reached (NEST's `idx_`).
    next: usize,
    /// The present rate (spikes/ms).
    rate: f64,
    h: f64,
}

impl InhomogeneousPoissonGenerator {
    pub const KEYS: &'static [&'static str] = &[
        "rate_times",
        "rate_values",
        "allow_offgrid_times",
        "origin",
        "start",
        "stop",
    ];

    /// NEST's defaults on `grid`.
    pub fn new(grid: &TimeGrid) -> InhomogeneousPoissonGenerator {
        InhomogeneousPoissonGenerator {
            times: Vec::new(),
            values: Vec::new(),
            allow_offgrid_times: false,
            window: DeviceWindow::DEFAULT,
            next: 0,
            rate: 0.0,
            h: grid.h(),
        }
    }

    /// NEST's `Create("inhomogeneous_poisson_generator", params)`.
    pub fn from_params(
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<InhomogeneousPoissonGenerator, ParamError> {
        created(InhomogeneousPoissonGenerator::new(grid), params, grid)
    }

    /// NEST's `Parameters_::set`, on `self` (a copy), with the kernel at step `now`.
    fn update(
        &mut self,
        params: &mut Params,
        grid: &TimeGrid,
        now: Step,
    ) -> Result<(), ParamError> {
        let times = params.f64_list("rate_times")?;
        let values = params.f64_list("rate_values")?;
        if let Some(offgrid) = params.bool("allow_offgrid_times")? {
            if offgrid != self.allow_offgrid_times && !(times.is_some() || self.times.is_empty()) {
                return Err(ParamError::rule(
                    "Option can only be set together with rate times or if no rate times have been set.",
                )
                .with("allow_offgrid_times", offgrid));
            }
            self.allow_offgrid_times = offgrid;
        }
        if let Some(values) = &values {
            if let Some(&bad) = values.iter().find(|v| !v.is_finite()) {
                return Err(invalid(
                    "rate_values",
                    bad,
                    "rates must be finite (spikes/s).",
                ));
            }
            if let Some(&bad) = values
                .iter()
                .find(|&&v| v * grid.h() * 1e-3 > f64::from(MAX_MULTIPLICITY))
            {
                return Err(invalid(
                    "rate_values",
                    bad,
                    format!("each target would expect more than {MAX_MULTIPLICITY} spikes per step; rates are in spikes/s."),
                ));
            }
        }
        let (times, values) = match (times, values) {
            (None, None) => return self.finish(params, grid),
            (Some(t), Some(v)) => (t, v),
            _ => {
                return Err(ParamError::rule(
                    "Rate times and values must be reset together.",
                ))
            }
        };
        // NEST keeps the new values and the old times when the new times are empty.
        self.values = values;
        if times.is_empty() {
            return self.finish(params, grid);
        }
        if times.len() != self.values.len() {
            return Err(
                ParamError::rule("Rate times and values have to be the same size.")
                    .with("rate_times", format!("{} entries", times.len()))
                    .with("rate_values", format!("{} entries", self.values.len())),
            );
        }
        let mut steps: Vec<Step> = Vec::with_capacity(times.len());
        for &t in &times {
            if !representable_ms(t) {
                return Err(invalid(
                    "rate_times",
                    t,
                    "rate times must be finite times in ms.",
                ));
            }
            if t <= grid.step_to_ms(now) {
                return Err(
                    ParamError::rule("Time points must lie strictly in the future.")
                        .with("rate_times", t),
                );
            }
            let s = match grid.ms_on_grid(t) {
                Some(s) => s,
                None if self.allow_offgrid_times => grid.ms_to_steps_stamp(t),
                None => {
                    return Err(ParamError::rule(format!(
                        "inhomogeneous_poisson_generator: Time point {t} is not representable in current resolution."
                    ))
                    .with("rate_times", t)
                    .valid(format!("multiples of {} ms, or allow_offgrid_times = true", grid.h())))
                }
            };
            if steps.last().is_some_and(|&prev| prev >= s) {
                return Err(ParamError::rule("Rate times must be strictly increasing.")
                    .with("rate_times", t));
            }
            steps.push(s);
        }
        self.times = steps;
        self.next = 0;
        self.finish(params, grid)
    }

    fn finish(&mut self, params: &mut Params, grid: &TimeGrid) -> Result<(), ParamError> {
        self.h = grid.h();
        self.window = self.window.updated(params, grid)?;
        Ok(())
    }
}

impl StimulusDevice for InhomogeneousPoissonGenerator {
    stimulus_basics!("inhomogeneous_poisson_generator", Spike);

    fn draws_per_target(&self) -> bool {
        true
    }

    fn prepare(&mut self, _now: Step, grid: &TimeGrid) {
        self.h = grid.h();
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        while self.times.get(self.next).is_some_and(|&t| t <= from) {
            self.next += 1;
        }
        for k in from..to {
            if self.times.get(self.next) == Some(&(k + 1)) {
                self.rate = self.values[self.next] / 1000.0;
                self.next += 1;
            }
            if self.rate > 0.0 && self.window.contains(k) {
                out.poisson.push(PoissonEmission {
                    stamp: k + 1,
                    lambda: self.rate * self.h,
                });
            }
        }
    }

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        write_time_table(
            &mut p,
            grid,
            ("rate_times", &self.times),
            ("rate_values", &self.values),
            self.allow_offgrid_times,
        );
        self.window.write(grid, &mut p);
        p
    }
}
