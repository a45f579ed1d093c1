//! The sine oscillator that NEST's `ac_generator`, `noise_generator` and
//! `sinusoidal_poisson_generator` share: the pair `(y_0, y_1) = A · (cos, sin)(ω t + φ)`,
//! started from the current time before every `Simulate` (NEST's `pre_run_hook`) and rotated
//! by `ω h` each step with the exact rotation matrix, operation for operation as NEST does it.

use spindle_core::params::{Params, Value};
use spindle_core::{Step, TimeGrid};

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Oscillator {
    pub y_0: f64,
    pub y_1: f64,
    cos: f64,
    sin: f64,
}

impl Oscillator {
    /// The oscillator at step `now`: amplitude `amplitude`, angular frequency `omega`
    /// (radian/ms), phase `phi` (radian).
    pub fn started(amplitude: f64, omega: f64, phi: f64, now: Step, grid: &TimeGrid) -> Self {
        let t = grid.step_to_ms(now);
        let h = grid.h();
        Oscillator {
            y_0: amplitude * (omega * t + phi).cos(),
            y_1: amplitude * (omega * t + phi).sin(),
            cos: (omega * h).cos(),
            sin: (omega * h).sin(),
        }
    }

    /// One step: `y ← A y` with `A = [[cos, −sin], [sin, cos]]`.
    #[inline]
    pub fn step(&mut self) {
        let y_0 = self.y_0;
        self.y_0 = self.cos * y_0 + -self.sin * self.y_1;
        self.y_1 = self.sin * y_0 + self.cos * self.y_1;
    }

    /// NEST's state entries `y_0`, `y_1`.
    pub fn write(&self, out: &mut Params) {
        out.insert("y_0", Value::Float(self.y_0));
        out.insert("y_1", Value::Float(self.y_1));
    }
}

/// `2π f / 1000`: a frequency in Hz as radian/ms, in NEST's `ac_generator` and
/// `noise_generator` order of operations.
pub(crate) fn omega(frequency: f64) -> f64 {
    2.0 * std::f64::consts::PI * frequency / 1000.0
}

/// A phase in degrees as radian, in NEST's `ac_generator` and `noise_generator` order of
/// operations.
pub(crate) fn phase_rad(phase: f64) -> f64 {
    phase * 2.0 * std::f64::consts::PI / 360.0
}
