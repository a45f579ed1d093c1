//! The `origin`, `start` and `stop` keys common to all devices (spec §5), read and written as
//! NEST's `Device::Parameters_` does.
//!
//! NEST computes a device's `t_min = origin + start` and `t_max = origin + stop` again before
//! every `Simulate` (`Device::pre_run_hook`), so a window changed between two `Simulate` calls
//! acts from the next step on; spindle's devices read the window at every step, which is the
//! same thing. Found by running NEST 3.10:
//!
//! - each value must lie on the grid (`BadProperty: start must be a multiple of the simulation
//!   resolution.`), and `stop >= start` (`BadProperty: stop >= start required.`);
//! - a negative value is "off the grid" in NEST, because `Time::ms` rounds `t·1000 + 0.5`
//!   towards zero (−2.0 ms is −1999 tics); spindle converts times the same way, so it refuses
//!   the same values;
//! - an unbounded `stop` reads back as `1.7976931348623157e+308` (`DBL_MAX`), and any `stop`
//!   beyond the representable range (`1e300`, `inf`, `DBL_MAX`) means "never stops".

use spindle_core::device::TargetEmission;
use spindle_core::params::{invalid, ParamError, Params, Value};
use spindle_core::recording::Window;
use spindle_core::time::{representable_ms, MAX_TIME_MS};
use spindle_core::{Step, TimeGrid};

/// A device's activity window in steps: `t_min = origin + start`, `t_max = origin + stop`
/// (`None` = +∞). What "active" means differs per device; see each device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceWindow {
    pub origin: Step,
    pub t_min: Step,
    pub t_max: Option<Step>,
}

impl Default for DeviceWindow {
    fn default() -> DeviceWindow {
        DeviceWindow::DEFAULT
    }
}

impl DeviceWindow {
    /// NEST's defaults: `origin = start = 0`, `stop = ∞`.
    pub const DEFAULT: DeviceWindow = DeviceWindow {
        origin: 0,
        t_min: 0,
        t_max: None,
    };

    /// Read `origin`, `start` and `stop` (ms) with NEST's defaults.
    pub fn from_params(params: &mut Params, grid: &TimeGrid) -> Result<DeviceWindow, ParamError> {
        DeviceWindow::DEFAULT.updated(params, grid)
    }

    /// The window with the keys of `params` read on top of this one (NEST's
    /// `Device::Parameters_::set`): each given value must lie on the grid, and `stop ≥ start`
    /// afterwards. A key that is not given keeps its value (`start` keeps its value relative to
    /// `origin`, as in NEST).
    pub fn updated(
        &self,
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<DeviceWindow, ParamError> {
        let mut on_grid = |key: &str, old: Option<Step>| -> Result<Option<Step>, ParamError> {
            let Some(t) = params.f64(key)? else {
                return Ok(old);
            };
            if key == "stop" && t > MAX_TIME_MS {
                return Ok(None);
            }
            if !representable_ms(t) {
                return Err(invalid(
                    key,
                    t,
                    format!("must be a finite time in ms within ±{MAX_TIME_MS:.1e} ms"),
                ));
            }
            grid.ms_on_grid(t).map(Some).ok_or_else(|| {
                invalid(
                    key,
                    t,
                    format!(
                        "{key} must be a multiple of the simulation resolution ({} ms).",
                        grid.h()
                    ),
                )
            })
        };
        let origin = on_grid("origin", Some(self.origin))?.unwrap_or(0);
        let start = on_grid("start", Some(self.start()))?.unwrap_or(0);
        let stop = on_grid("stop", self.stop())?;
        if let Some(stop) = stop {
            if stop < start {
                return Err(ParamError::rule("stop >= start required.")
                    .with("start", grid.step_to_ms(start))
                    .with("stop", grid.step_to_ms(stop)));
            }
        }
        Ok(DeviceWindow {
            origin,
            t_min: origin + start,
            t_max: stop.map(|s| origin + s),
        })
    }

    /// `start` in steps, relative to `origin`.
    pub fn start(&self) -> Step {
        self.t_min - self.origin
    }

    /// `stop` in steps, relative to `origin` (`None` = ∞).
    pub fn stop(&self) -> Option<Step> {
        self.t_max.map(|m| m - self.origin)
    }

    /// Write `origin`, `start` and `stop` in ms as NEST's `GetStatus` reports them.
    pub fn write(&self, grid: &TimeGrid, out: &mut Params) {
        out.insert("origin", Value::Float(grid.step_to_ms(self.origin)));
        out.insert("start", Value::Float(grid.step_to_ms(self.start())));
        out.insert(
            "stop",
            Value::Float(self.stop().map_or(f64::MAX, |s| grid.step_to_ms(s))),
        );
    }

    /// `t_min < s ≤ t_max`.
    #[inline]
    pub fn contains(&self, s: Step) -> bool {
        s > self.t_min && self.t_max.is_none_or(|m| s <= m)
    }

    /// One emission per step of `from..to` in which the device is active, stamped at the
    /// step's end: the events of a generator whose targets draw their own spikes (NEST's
    /// `event_hook`), e.g. `gamma_sup_generator`, `ppd_sup_generator`.
    pub fn target_emissions(
        &self,
        from: Step,
        to: Step,
    ) -> impl Iterator<Item = TargetEmission> + '_ {
        (from..to)
            .filter(|&k| self.contains(k))
            .map(|k| TargetEmission {
                stamp: k + 1,
                parents: 0,
            })
    }

    /// The kernel's form of the window (recorders).
    pub fn to_recording(self) -> Window {
        Window {
            after: self.t_min,
            until: self.t_max,
            origin: self.origin,
        }
    }

    /// The window of a recorder's spec.
    pub fn from_recording(w: &Window) -> DeviceWindow {
        DeviceWindow {
            origin: w.origin,
            t_min: w.after,
            t_max: w.until,
        }
    }
}
