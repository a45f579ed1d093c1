//! What NEST's two correlation detectors share (`models/correlation_detector.h`,
//! `models/correlomatrix_detector.h`, 3.10): the bin width `delta_tau`, the largest lag
//! `tau_max`, the counting window `Tstart`/`Tstop`, NEST's checks of them, and the activity
//! window `origin`/`start`/`stop` of every recording device.
//!
//! NEST keeps these times as `Time` objects in tics: `Tstart = −1.0` is stored as −999 tics
//! and read back as −0.999 ms (`Time::ms` rounds `t·1000 + 0.5` towards zero), and `Tstart`,
//! `Tstop` need not lie on the grid. `delta_tau` defaults to five steps and `tau_max` to ten
//! bins.

use crate::window::DeviceWindow;
use spindle_core::params::{invalid, ParamError, Params, Value};
use spindle_core::time::{representable_ms, MAX_TIME_MS};
use spindle_core::{Step, TimeGrid};

/// The parameters of a correlation detector, times in tics of the grid they were set on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CorrelationTimes {
    pub delta_tau: i64,
    pub tau_max: i64,
    pub tstart: i64,
    /// `None`: +∞ (NEST's default `Tstop`).
    pub tstop: Option<i64>,
    pub window: DeviceWindow,
}

impl CorrelationTimes {
    /// NEST's defaults on `grid`. NEST makes its prototype at the kernel's first resolution,
    /// 0.1 ms (`delta_tau` = 5 steps = 0.5 ms, `tau_max` = 10 bins = 5 ms), and recalibrates
    /// it when the resolution changes: `tau_max` stays 5 ms, `delta_tau` stays 0.5 ms where that
    /// lies on the grid and becomes 5 steps otherwise (NEST 3.10: 1.0 ms at 0.2 ms, 5.0 ms at
    /// 1.0 ms).
    pub fn new(grid: &TimeGrid) -> CorrelationTimes {
        let tps = grid.tics_per_step();
        let half = grid.ms_to_tics(0.5);
        let delta_tau = if half % tps == 0 { half } else { 5 * tps };
        CorrelationTimes {
            delta_tau,
            tau_max: grid.ms_to_tics(5.0),
            tstart: 0,
            tstop: None,
            window: DeviceWindow::DEFAULT,
        }
    }

    /// Read `delta_tau`, `tau_max`, `Tstart`, `Tstop` of `params` on top of these values with
    /// NEST's checks (`StepMultipleRequired`, `TimeMultipleRequired`; a non-positive
    /// `delta_tau`, on which NEST divides by zero, is a `BadProperty`), and whether one of them
    /// was given (NEST resets the result then). The activity window is read by
    /// [`CorrelationTimes::read_window`], after the model's own checks.
    pub fn read(
        &self,
        params: &mut Params,
        grid: &TimeGrid,
        model: &str,
    ) -> Result<(CorrelationTimes, bool), ParamError> {
        let mut next = *self;
        let mut given = false;
        let mut time = |key: &str| -> Result<Option<Option<i64>>, ParamError> {
            let Some(t) = params.f64(key)? else {
                return Ok(None);
            };
            given = true;
            if t > MAX_TIME_MS {
                return Ok(Some(None));
            }
            if !representable_ms(t) {
                return Err(invalid(
                    key,
                    t,
                    format!("must be a finite time in ms within ±{MAX_TIME_MS:.1e} ms"),
                ));
            }
            Ok(Some(Some(grid.ms_to_tics(t))))
        };
        let finite = |key: &str, t: Option<i64>| {
            t.ok_or_else(|| invalid(key, "inf", "must be a finite time in ms"))
        };
        if let Some(t) = time("delta_tau")? {
            next.delta_tau = finite("delta_tau", t)?;
        }
        if let Some(t) = time("tau_max")? {
            next.tau_max = finite("tau_max", t)?;
        }
        if let Some(t) = time("Tstart")? {
            next.tstart = finite("Tstart", t)?;
        }
        if let Some(t) = time("Tstop")? {
            next.tstop = t;
        }
        let tps = grid.tics_per_step();
        if next.delta_tau % tps != 0 {
            return Err(ParamError::Rule {
                kind: "StepMultipleRequired",
                message: format!(
                    "The time property delta_tau = {} of model {model} must be a multiple of the resolution {}.",
                    time_text(grid, next.delta_tau),
                    time_text(grid, tps)
                ),
                given: vec![("delta_tau".into(), grid.tics_to_ms(next.delta_tau).to_string())],
                valid: None,
            });
        }
        if next.delta_tau <= 0 {
            return Err(invalid(
                "delta_tau",
                grid.tics_to_ms(next.delta_tau),
                "delta_tau must be positive.",
            ));
        }
        if next.tau_max % next.delta_tau != 0 {
            return Err(ParamError::Rule {
                kind: "TimeMultipleRequired",
                message: format!(
                    "In model {model}, the time property tau_max = {} must be multiple of time property delta_tau = {}.",
                    time_text(grid, next.tau_max),
                    time_text(grid, next.delta_tau)
                ),
                given: vec![
                    ("tau_max".into(), grid.tics_to_ms(next.tau_max).to_string()),
                    ("delta_tau".into(), grid.tics_to_ms(next.delta_tau).to_string()),
                ],
                valid: None,
            });
        }
        Ok((next, given))
    }

    /// The activity window of `params` on top of this one (NEST's `device_.set_status`).
    pub fn read_window(&mut self, params: &mut Params, grid: &TimeGrid) -> Result<(), ParamError> {
        self.window = self.window.updated(params, grid)?;
        Ok(())
    }

    pub fn delta_tau_steps(&self, grid: &TimeGrid) -> Step {
        grid.tics_to_steps_up(self.delta_tau)
    }

    pub fn tau_max_steps(&self, grid: &TimeGrid) -> Step {
        grid.tics_to_steps_up(self.tau_max)
    }

    /// Whether a spike stamped `stamp` is recorded at all (NEST's `device_.is_active`:
    /// `origin + start < stamp ≤ origin + stop`).
    pub fn active(&self, stamp: Step) -> bool {
        stamp > self.window.t_min && self.window.t_max.is_none_or(|m| stamp <= m)
    }

    /// Whether a spike stamped `stamp` is counted (`Tstart ≤ stamp ≤ Tstop`, in tics).
    pub fn counts(&self, stamp: Step, grid: &TimeGrid) -> bool {
        let tics = stamp * grid.tics_per_step();
        self.tstart <= tics && self.tstop.is_none_or(|t| tics <= t)
    }

    /// `delta_tau`, `tau_max`, `Tstart`, `Tstop` and the window as NEST's `GetStatus` shows
    /// them.
    pub fn write(&self, grid: &TimeGrid, out: &mut Params) {
        out.insert("delta_tau", Value::Float(grid.tics_to_ms(self.delta_tau)));
        out.insert("tau_max", Value::Float(grid.tics_to_ms(self.tau_max)));
        out.insert("Tstart", Value::Float(grid.tics_to_ms(self.tstart)));
        out.insert(
            "Tstop",
            Value::Float(self.tstop.map_or(f64::MAX, |t| grid.tics_to_ms(t))),
        );
        self.window.write(grid, out);
    }
}

/// A time as NEST's exception messages print it: `0.25 ms (= 250 tics = 3 steps)`.
pub fn time_text(grid: &TimeGrid, tics: i64) -> String {
    let steps = grid.tics_to_steps_up(tics);
    format!(
        "{} ms (= {tics} tics = {steps} {})",
        grid.tics_to_ms(tics),
        if steps == 1 { "step" } else { "steps" }
    )
}

/// A list of integers as NEST's status shows it.
pub fn int_list(values: &[i64]) -> Value {
    Value::List(values.iter().map(|&v| Value::Int(v)).collect())
}

/// A list of floats as NEST's status shows it.
pub fn float_list(values: &[f64]) -> Value {
    Value::List(values.iter().map(|&v| Value::Float(v)).collect())
}
