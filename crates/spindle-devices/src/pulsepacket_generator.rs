//! `pulsepacket_generator`: packets of `activity` spikes, Gaussian around each of the
//! `pulse_times` with standard deviation `sdev`, one train sent to all targets, with NEST
//! 3.10's parameters and update, quirks included.
//!
//! NEST's update of a slice that starts at step `T` (the device's `origin` argument):
//!
//! 1. nothing happens unless pulses or drawn spikes are left and the device is active at `T`
//!    (NEST 3.10 declares this device a current generator: `t_min < T + 2 ≤ t_max`, checked
//!    once per slice, not per step);
//! 2. every pulse centre `p` with `p − T ≤ tolerance` (`10 · sdev`, or 1 ms with `sdev = 0`)
//!    not yet drawn is drawn: `activity` times `x = p + sdev · N(0, 1)`, each kept as the step
//!    `ceil(round(x · 1000) / tics per step)` if that is at or after `T`;
//! 3. the kept steps below the end of the slice are sent, each distinct step `s` as one event
//!    of multiplicity (the number of spikes at it) stamped `s + 1` — one step after the
//!    spike's time, as NEST sends it with lag `s − T`.
//!
//! Before every `Simulate` the pulses already more than `tolerance` in the past are skipped.
//! spindle takes `T` as the first step of each update range: the slice start, except for the
//! continuation of a slice that a `Simulate` ended in the middle (NEST keeps the slice's own
//! start there). The draws come from the generator's own stream keyed by (seed, generator):
//! with `sdev = 0` the spikes are exactly NEST's; with `sdev > 0` they have NEST's statistics.
//!
//! Departures: non-finite values are refused; `activity` above spindle's multiplicity limit is
//! refused; spikes drawn while the device was active but due while it was inactive are dropped
//! (NEST sends them once the device is active again, stamped in the past: a spike recorder
//! records them at their old time, and the neurons receive them at an unrelated step).

use crate::generators::{created, floats, stimulus_basics, MAX_MULTIPLICITY};
use crate::window::DeviceWindow;
use spindle_core::device::{Emission, Emissions, StimulusDevice};
use spindle_core::params::{invalid, ParamError, Params, Value};
use spindle_core::rng::{self, Stream};
use spindle_core::time::representable_ms;
use spindle_core::{Step, TimeGrid};
use std::collections::VecDeque;

/// NEST's `sdev_tolerance`: pulses are drawn this many standard deviations ahead.
const SDEV_TOLERANCE: f64 = 10.0;

/// Gaussian spike packets (`pulsepacket_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `pulse_times` | [] | ms | centres of the packets (absolute times, sorted when set) |
/// | `activity` | 0 | spikes | spikes per packet, ≥ 0 |
/// | `sdev` | 0 | ms | standard deviation of the spike times in a packet, ≥ 0 |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | active for a slice starting at step T when `t_min < T + 2 ≤ t_max` |
#[derive(Clone, Debug)]
pub struct PulsepacketGenerator {
    pulse_times: Vec<f64>,
    activity: i64,
    sdev: f64,
    window: DeviceWindow,
    /// NEST's `start_center_idx_`, `stop_center_idx_`: the pulses before `start` are done,
    /// those in `start .. stop` are due to be drawn.
    start: usize,
    stop: usize,
    /// `sdev · 10`, or 1 ms (ms).
    tolerance: f64,
    /// The drawn spike steps not sent yet, ascending.
    spikes: VecDeque<Step>,
    grid: TimeGrid,
    stream: Option<Stream>,
}

impl PulsepacketGenerator {
    pub const KEYS: &'static [&'static str] =
        &["pulse_times", "activity", "sdev", "origin", "start", "stop"];

    /// NEST's defaults on `grid`.
    pub fn new(grid: &TimeGrid) -> PulsepacketGenerator {
        PulsepacketGenerator {
            pulse_times: Vec::new(),
            activity: 0,
            sdev: 0.0,
            window: DeviceWindow::DEFAULT,
            start: 0,
            stop: 0,
            tolerance: 1.0,
            spikes: VecDeque::new(),
            grid: *grid,
            stream: None,
        }
    }

    /// NEST's `Create("pulsepacket_generator", params)`.
    pub fn from_params(
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<PulsepacketGenerator, ParamError> {
        created(PulsepacketGenerator::new(grid), params, grid)
    }

    fn update(&mut self, params: &mut Params, grid: &TimeGrid, _: Step) -> Result<(), ParamError> {
        let activity = params.i64("activity")?;
        let sdev = params.f64("sdev")?;
        let new_pulse = activity.is_some() || sdev.is_some();
        self.activity = activity.unwrap_or(self.activity);
        self.sdev = sdev.unwrap_or(self.sdev);
        if self.activity < 0 {
            return Err(ParamError::rule("The activity cannot be negative.")
                .with("activity", self.activity));
        }
        if self.activity > i64::from(MAX_MULTIPLICITY) {
            return Err(invalid(
                "activity",
                self.activity,
                format!("spindle accepts at most {MAX_MULTIPLICITY} spikes per packet."),
            ));
        }
        if self.sdev < 0.0 {
            return Err(
                ParamError::rule("The standard deviation cannot be negative.")
                    .with("sdev", self.sdev),
            );
        }
        if !self.sdev.is_finite() {
            return Err(invalid("sdev", self.sdev, "sdev must be finite (ms)."));
        }
        let times = params.f64_list("pulse_times")?;
        if let Some(&bad) = times.iter().flatten().find(|t| !representable_ms(**t)) {
            return Err(invalid(
                "pulse_times",
                bad,
                "pulse times must be finite times in ms.",
            ));
        }
        let new_times = times.is_some();
        if let Some(times) = times {
            self.pulse_times = times;
        }
        if new_times || new_pulse {
            self.pulse_times.sort_by(f64::total_cmp);
            self.spikes.clear();
        }
        self.window = self.window.updated(params, grid)?;
        self.grid = *grid;
        Ok(())
    }

    /// `(Time(Time::ms(p)) − T).get_ms()` for the slice start `t` (steps).
    fn ms_after(&self, p: f64, t: Step) -> f64 {
        self.grid
            .tics_to_ms(self.grid.ms_to_tics(p) - t * self.grid.tics_per_step())
    }
}

impl StimulusDevice for PulsepacketGenerator {
    stimulus_basics!("pulsepacket_generator", Spike);

    fn set_stream(&mut self, stream: Stream) {
        self.stream = Some(stream);
    }

    fn prepare(&mut self, now: Step, grid: &TimeGrid) {
        self.grid = *grid;
        self.tolerance = if self.sdev > 0.0 {
            self.sdev * SDEV_TOLERANCE
        } else {
            1.0
        };
        let now = grid.step_to_ms(now);
        self.start = 0;
        self.stop = 0;
        while self
            .pulse_times
            .get(self.stop)
            .is_some_and(|&p| p - now <= self.tolerance)
        {
            if (self.pulse_times[self.stop] - now).abs() > self.tolerance {
                self.start += 1;
            }
            self.stop += 1;
        }
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        let t = from;
        let n = self.pulse_times.len();
        if (self.start == n && self.spikes.is_empty()) || !self.window.contains(t + 2) {
            return;
        }
        while self
            .pulse_times
            .get(self.stop)
            .is_some_and(|&p| self.ms_after(p, t) <= self.tolerance)
        {
            self.stop += 1;
        }
        if self.start < self.stop {
            let stream = self
                .stream
                .as_mut()
                .expect("the kernel hands every device its stream before it runs");
            while self.start < self.stop {
                let p = self.pulse_times[self.start];
                for _ in 0..self.activity {
                    let x = self.sdev * rng::standard_normal(stream) + p;
                    let tics = self.grid.ms_to_tics(x);
                    if tics >= t * self.grid.tics_per_step() {
                        self.spikes.push_back(self.grid.tics_to_steps_up(tics));
                    }
                }
                self.start += 1;
            }
            self.spikes.make_contiguous().sort_unstable();
        }
        while let Some(&s) = self.spikes.front() {
            if s >= to {
                break;
            }
            let mut multiplicity = 0;
            while self.spikes.front() == Some(&s) {
                self.spikes.pop_front();
                multiplicity += 1;
            }
            if s < t {
                // Drawn while active, due while inactive: NEST sends these when the device
                // is active again, with a negative lag (a stamp in the past, which reaches
                // recorders but no neuron at its time); spindle drops them.
                continue;
            }
            out.fixed.push(Emission {
                stamp: s + 1,
                factor: 1.0,
                multiplicity,
            });
        }
    }

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        p.insert("pulse_times", floats(self.pulse_times.iter().copied()));
        p.insert("activity", Value::Int(self.activity));
        p.insert("sdev", Value::Float(self.sdev));
        self.window.write(grid, &mut p);
        p
    }
}
