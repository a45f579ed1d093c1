//! The `origin`, `start` and `stop` keys common to all devices (spec §5).

use spindle_core::params::{invalid, ParamError, Params};
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

impl DeviceWindow {
    /// Read `origin`, `start` and `stop` (ms): each must lie on the grid, and `stop ≥ start`.
    pub fn from_params(params: &mut Params, grid: &TimeGrid) -> Result<DeviceWindow, ParamError> {
        let mut on_grid = |key: &str, default: f64| -> Result<Option<Step>, ParamError> {
            let t = params.f64(key)?.unwrap_or(default);
            if t.is_infinite() && t > 0.0 {
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
        let origin = on_grid("origin", 0.0)?.unwrap_or(0);
        let start = on_grid("start", 0.0)?.unwrap_or(0);
        let stop = on_grid("stop", f64::INFINITY)?;
        if let Some(stop) = stop {
            if stop < start {
                return Err(invalid(
                    "stop",
                    grid.step_to_ms(stop),
                    format!(
                        "stop ({} ms) must be greater than or equal to start ({} ms).",
                        grid.step_to_ms(stop),
                        grid.step_to_ms(start)
                    ),
                ));
            }
        }
        Ok(DeviceWindow {
            origin,
            t_min: origin + start,
            t_max: stop.map(|s| origin + s),
        })
    }

    /// `t_min < s ≤ t_max`.
    #[inline]
    pub fn contains(&self, s: Step) -> bool {
        s > self.t_min && self.t_max.is_none_or(|m| s <= m)
    }
}
