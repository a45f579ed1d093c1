//! `ac_generator`: a sine current `I(t) = offset + amplitude · sin(ω t + φ)`, with NEST 3.10's
//! parameters, oscillator and activity window.
//!
//! NEST restarts the oscillator from the current time before every `Simulate`
//! (`pre_run_hook`) and rotates it every step, active or not; spindle does the same
//! ([`StimulusDevice::prepare`]), so the currents are bit-identical to NEST's, also across
//! several `Simulate` calls. Like every current generator it sends the event stamped `k + 1`
//! in the update of step `k` when `t_min < k + 2 ≤ t_max`.
//!
//! Departures: non-finite values are refused (NEST accepts them); the recordable `I` of the
//! generator itself cannot be recorded (spindle's multimeters record neurons only).

use crate::generators::{created, finite, stimulus_basics};
use crate::sine::{omega, phase_rad, Oscillator};
use crate::window::DeviceWindow;
use spindle_core::device::{Emission, Emissions, StimulusDevice};
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::{Step, TimeGrid};

/// A sine current (`ac_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `amplitude` | 0 | pA | amplitude of the sine |
/// | `offset` | 0 | pA | constant part |
/// | `frequency` | 0 | Hz | |
/// | `phase` | 0 | deg | |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | events stamped `origin+start ≤ S < origin+stop` are sent |
///
/// State: `y_0`, `y_1` (pA): the oscillator, `y_1 = amplitude · sin(ω t + φ)`.
#[derive(Clone, Debug, Default)]
pub struct AcGenerator {
    amplitude: f64,
    offset: f64,
    frequency: f64,
    phase: f64,
    window: DeviceWindow,
    oscillator: Oscillator,
}

impl AcGenerator {
    pub const KEYS: &'static [&'static str] = &[
        "amplitude",
        "offset",
        "frequency",
        "phase",
        "origin",
        "start",
        "stop",
    ];

    /// NEST's `Create("ac_generator", params)`.
    pub fn from_params(params: &mut Params, grid: &TimeGrid) -> Result<AcGenerator, ParamError> {
        created(AcGenerator::default(), params, grid)
    }

    fn update(&mut self, params: &mut Params, grid: &TimeGrid, _: Step) -> Result<(), ParamError> {
        self.amplitude = finite(params, "amplitude", "pA")?.unwrap_or(self.amplitude);
        self.offset = finite(params, "offset", "pA")?.unwrap_or(self.offset);
        self.frequency = finite(params, "frequency", "Hz")?.unwrap_or(self.frequency);
        self.phase = finite(params, "phase", "deg")?.unwrap_or(self.phase);
        self.window = self.window.updated(params, grid)?;
        Ok(())
    }
}

impl StimulusDevice for AcGenerator {
    stimulus_basics!("ac_generator", Current);

    /// NEST's recordable `I`: the current sent with each stamp.
    fn recordables(&self) -> &'static [&'static str] {
        &["I"]
    }

    fn prepare(&mut self, now: Step, grid: &TimeGrid) {
        self.oscillator = Oscillator::started(
            self.amplitude,
            omega(self.frequency),
            phase_rad(self.phase),
            now,
            grid,
        );
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        for k in from..to {
            // The oscillator runs whether the device is active or not.
            self.oscillator.step();
            if self.window.contains(k + 2) {
                out.fixed.push(Emission {
                    stamp: k + 1,
                    factor: self.oscillator.y_1 + self.offset,
                    multiplicity: 1,
                });
            }
        }
    }

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        p.insert("amplitude", Value::Float(self.amplitude));
        p.insert("offset", Value::Float(self.offset));
        p.insert("frequency", Value::Float(self.frequency));
        p.insert("phase", Value::Float(self.phase));
        self.oscillator.write(&mut p);
        self.window.write(grid, &mut p);
        p
    }
}
