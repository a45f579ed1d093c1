//! Stimulating devices: `spike_generator`, `step_current_generator`, `dc_generator` and
//! `poisson_generator` (spec §5.2–5.4).
//!
//! Each computes, for a range of update steps, the events it sends; the kernel writes them into
//! its targets' input buffers. Activity windows differ per device exactly as in NEST:
//!
//! | device | active for the update of step k when | event stamp |
//! | --- | --- | --- |
//! | `spike_generator` | `t_min < stamp ≤ t_max` (per spike) | the spike's step |
//! | `poisson_generator` | `t_min < k ≤ t_max` | `k + 1` |
//! | current generators | `t_min < k + 2 ≤ t_max` | `k + 1` |

use crate::window::DeviceWindow;
use spindle_core::device::{Emission, Emissions, EventKind, PoissonEmission, StimulusDevice};
use spindle_core::params::{invalid, ParamError, Params, Value};
use spindle_core::time::{representable_ms, MAX_TIME_MS};
use spindle_core::{Step, TimeGrid};

/// The largest multiplicity a `spike_generator` spike may have, and the largest expected
/// number of spikes per step of a `poisson_generator`: the kernel expands a spike of
/// multiplicity m into m unit events per target and a spike recorder writes m rows (as NEST
/// does), so anything larger makes every step take minutes and gigabytes. NEST has no such
/// limit; nothing realistic comes near it.
pub const MAX_MULTIPLICITY: u32 = 100_000;

/// Sends spikes at given times (`spike_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `spike_times` | [] | ms | non-decreasing; shifted by `origin`; on the grid unless `allow_offgrid_times` |
/// | `spike_weights` | [] | 1 | per spike, multiplies the connection weight (empty = 1) |
/// | `spike_multiplicities` | [] | 1 | per spike (empty = 1) |
/// | `allow_offgrid_times` | false | | off-grid times move up to the end of their step |
/// | `precise_times` | false | | grid neurons see the time rounded up to the grid |
/// | `shift_now_spikes` | false | | a spike at 0 ms is sent at the first step instead of rejected |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | spikes with `origin+start < t ≤ origin+stop` are sent |
#[derive(Clone, Debug)]
pub struct SpikeGenerator {
    /// (stamp, weight factor, multiplicity), sorted by stamp.
    spikes: Vec<(Step, f64, u32)>,
    window: DeviceWindow,
    next: usize,
}

impl SpikeGenerator {
    pub const KEYS: &'static [&'static str] = &[
        "spike_times",
        "spike_weights",
        "spike_multiplicities",
        "allow_offgrid_times",
        "precise_times",
        "shift_now_spikes",
        "origin",
        "start",
        "stop",
    ];

    pub fn from_params(params: &mut Params, grid: &TimeGrid) -> Result<SpikeGenerator, ParamError> {
        let times = params.f64_list("spike_times")?.unwrap_or_default();
        let weights = params.f64_list("spike_weights")?.unwrap_or_default();
        let multiplicities = params.i64_list("spike_multiplicities")?.unwrap_or_default();
        let offgrid = params.bool("allow_offgrid_times")?.unwrap_or(false);
        let precise = params.bool("precise_times")?.unwrap_or(false);
        let shift_now = params.bool("shift_now_spikes")?.unwrap_or(false);
        let window = DeviceWindow::from_params(params, grid)?;
        if precise && (offgrid || shift_now) {
            return Err(ParamError::rule(
                "Option precise_times cannot be set to true when either allow_offgrid_times or shift_now_spikes is set to true.",
            )
            .with("precise_times", precise)
            .with("allow_offgrid_times", offgrid)
            .with("shift_now_spikes", shift_now));
        }
        if !weights.is_empty() && weights.len() != times.len() {
            return Err(invalid(
                "spike_weights",
                format!("{} entries", weights.len()),
                format!(
                    "spike_weights must have the same number of elements as spike_times ({}) or be empty.",
                    times.len()
                ),
            ));
        }
        if !multiplicities.is_empty() && multiplicities.len() != times.len() {
            return Err(invalid(
                "spike_multiplicities",
                format!("{} entries", multiplicities.len()),
                format!(
                    "spike_multiplicities must have the same number of elements as spike_times ({}) or be empty.",
                    times.len()
                ),
            ));
        }
        let mut spikes = Vec::with_capacity(times.len());
        for (i, &t) in times.iter().enumerate() {
            if !representable_ms(t) || t < 0.0 {
                return Err(invalid(
                    "spike_times",
                    t,
                    format!("spike times must be finite, not negative and at most {MAX_TIME_MS:.1e} ms."),
                ));
            }
            if i > 0 && t < times[i - 1] {
                return Err(invalid(
                    "spike_times",
                    t,
                    format!(
                        "spike times must be sorted in non-descending order ({t} follows {}).",
                        times[i - 1]
                    ),
                ));
            }
            let step = if t == 0.0 {
                if !shift_now {
                    return Err(invalid("spike_times", t, "spike time cannot be set to 0."));
                }
                1
            } else if offgrid || precise {
                grid.ms_to_steps_stamp(t)
            } else {
                grid.ms_on_grid(t).ok_or_else(|| {
                    invalid(
                        "spike_times",
                        t,
                        format!(
                            "spike_generator: Time point {t} is not representable in current resolution ({} ms); set allow_offgrid_times = true to round it up.",
                            grid.h()
                        ),
                    )
                })?
            };
            let multiplicity = match multiplicities.get(i) {
                None => 1,
                Some(&m) if (0..=i64::from(MAX_MULTIPLICITY)).contains(&m) => m as u32,
                Some(&m) => {
                    return Err(invalid(
                        "spike_multiplicities",
                        m,
                        format!(
                            "multiplicities must be integers from 0 to {MAX_MULTIPLICITY} (each \
                             spike of multiplicity m is delivered as m events)."
                        ),
                    ))
                }
            };
            spikes.push((
                window.origin + step,
                weights.get(i).copied().unwrap_or(1.0),
                multiplicity,
            ));
        }
        Ok(SpikeGenerator {
            spikes,
            window,
            next: 0,
        })
    }
}

impl StimulusDevice for SpikeGenerator {
    fn model_name(&self) -> &str {
        "spike_generator"
    }

    fn event_kind(&self) -> EventKind {
        EventKind::Spike
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        // Spikes stamped at or before the start of this update are in the past: skipped.
        while self.next < self.spikes.len() && self.spikes[self.next].0 <= from {
            self.next += 1;
        }
        while self.next < self.spikes.len() && self.spikes[self.next].0 <= to {
            let (stamp, factor, multiplicity) = self.spikes[self.next];
            if self.window.contains(stamp) && multiplicity > 0 {
                out.fixed.push(Emission {
                    stamp,
                    factor,
                    multiplicity,
                });
            }
            self.next += 1;
        }
    }
}

fn list(v: &[f64]) -> Value {
    Value::List(v.iter().map(|&x| Value::Float(x)).collect())
}

/// Reads `amplitude_times` / `amplitude_values` (both required together, same length).
fn amplitude_table(
    params: &mut Params,
    grid: &TimeGrid,
) -> Result<(Vec<Step>, Vec<f64>), ParamError> {
    let times = params.f64_list("amplitude_times")?;
    let values = params.f64_list("amplitude_values")?;
    let offgrid = params.bool("allow_offgrid_times")?.unwrap_or(false);
    let (times, values) = match (times, values) {
        (None, None) => (Vec::new(), Vec::new()),
        (Some(t), Some(v)) => (t, v),
        (Some(t), None) => {
            return Err(ParamError::rule(
                "Amplitude times and values must be set together: amplitude_values is missing.",
            )
            .with("amplitude_times", list(&t)))
        }
        (None, Some(v)) => {
            return Err(ParamError::rule(
                "Amplitude times and values must be set together: amplitude_times is missing.",
            )
            .with("amplitude_values", list(&v)))
        }
    };
    if times.len() != values.len() {
        return Err(ParamError::rule(format!(
            "Amplitude times and values have to be the same size (amplitude_times has {}, amplitude_values has {}).",
            times.len(),
            values.len()
        ))
        .with("amplitude_times", list(&times))
        .with("amplitude_values", list(&values)));
    }
    let mut steps = Vec::with_capacity(times.len());
    for &t in &times {
        if !(representable_ms(t) && t > 0.0) {
            return Err(invalid(
                "amplitude_times",
                t,
                format!("amplitude times must be positive and at most {MAX_TIME_MS:.1e} ms."),
            ));
        }
        let s = if offgrid {
            grid.ms_to_steps_stamp(t)
        } else {
            grid.ms_on_grid(t).ok_or_else(|| {
                invalid(
                    "amplitude_times",
                    t,
                    format!(
                        "step_current_generator: Time point {t} is not representable in current resolution ({} ms); set allow_offgrid_times = true to round it up.",
                        grid.h()
                    ),
                )
            })?
        };
        if let Some(&prev) = steps.last() {
            if s <= prev {
                return Err(invalid(
                    "amplitude_times",
                    t,
                    "step_current_generator: times must be strictly increasing.",
                ));
            }
        }
        steps.push(s);
    }
    for &v in &values {
        if !v.is_finite() {
            return Err(invalid(
                "amplitude_values",
                v,
                "amplitudes must be finite (pA).",
            ));
        }
    }
    Ok((steps, values))
}

/// A piecewise constant current (`step_current_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `amplitude_times` | [] | ms | absolute times (not shifted by `origin`), strictly increasing, > 0 |
/// | `amplitude_values` | [] | pA | the level from each time on (0 before the first) |
/// | `allow_offgrid_times` | false | | off-grid times move up to the end of their step |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | events stamped `origin+start ≤ S < origin+stop` are sent |
#[derive(Clone, Debug)]
pub struct StepCurrentGenerator {
    times: Vec<Step>,
    values: Vec<f64>,
    window: DeviceWindow,
    next: usize,
    level: f64,
}

impl StepCurrentGenerator {
    pub const KEYS: &'static [&'static str] = &[
        "amplitude_times",
        "amplitude_values",
        "allow_offgrid_times",
        "origin",
        "start",
        "stop",
    ];

    pub fn from_params(
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<StepCurrentGenerator, ParamError> {
        let (times, values) = amplitude_table(params, grid)?;
        let window = DeviceWindow::from_params(params, grid)?;
        Ok(StepCurrentGenerator {
            times,
            values,
            window,
            next: 0,
            level: 0.0,
        })
    }
}

impl StimulusDevice for StepCurrentGenerator {
    fn model_name(&self) -> &str {
        "step_current_generator"
    }

    fn event_kind(&self) -> EventKind {
        EventKind::Current
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        for k in from..to {
            if self.times.get(self.next) == Some(&(k + 1)) {
                self.level = self.values[self.next];
                self.next += 1;
            }
            if self.window.contains(k + 2) {
                out.fixed.push(Emission {
                    stamp: k + 1,
                    factor: self.level,
                    multiplicity: 1,
                });
            }
        }
    }
}

/// A constant current (`dc_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `amplitude` | 0 | pA | the current |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | events stamped `origin+start ≤ S < origin+stop` are sent |
#[derive(Clone, Debug)]
pub struct DcGenerator {
    amplitude: f64,
    window: DeviceWindow,
}

impl DcGenerator {
    pub const KEYS: &'static [&'static str] = &["amplitude", "origin", "start", "stop"];

    pub fn from_params(params: &mut Params, grid: &TimeGrid) -> Result<DcGenerator, ParamError> {
        let amplitude = params.f64("amplitude")?.unwrap_or(0.0);
        if !amplitude.is_finite() {
            return Err(invalid(
                "amplitude",
                amplitude,
                "the amplitude must be finite (pA).",
            ));
        }
        let window = DeviceWindow::from_params(params, grid)?;
        Ok(DcGenerator { amplitude, window })
    }
}

impl StimulusDevice for DcGenerator {
    fn model_name(&self) -> &str {
        "dc_generator"
    }

    fn event_kind(&self) -> EventKind {
        EventKind::Current
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        for k in from..to {
            if self.window.contains(k + 2) {
                out.fixed.push(Emission {
                    stamp: k + 1,
                    factor: self.amplitude,
                    multiplicity: 1,
                });
            }
        }
    }
}

/// Independent Poisson spike trains, one per target (`poisson_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `rate` | 0 | spikes/s | ≥ 0 |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | spike times in `(origin+start+h, origin+stop+h]` |
///
/// Each target draws its own count per step from a stream keyed by (seed, generator id,
/// target id): a different realisation from NEST's, with the same statistics, and the same for
/// every thread count.
#[derive(Clone, Debug)]
pub struct PoissonGenerator {
    /// Mean count per step, `h · rate · 1e-3`.
    lambda: f64,
    /// As given (spikes/s) and the resolution (ms), for messages.
    rate: f64,
    h: f64,
    window: DeviceWindow,
}

impl PoissonGenerator {
    pub const KEYS: &'static [&'static str] = &["rate", "origin", "start", "stop"];

    /// Above this mean count per step and target a rate is accepted with a warning: a
    /// realistic external drive (e.g. Brunel's 17.8 kHz at 0.1 ms: 1.8 per step) stays far
    /// below it, a rate given in the wrong unit does not.
    pub const MANY_PER_STEP: f64 = 10.0;

    pub fn from_params(
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<PoissonGenerator, ParamError> {
        let rate = params.f64("rate")?.unwrap_or(0.0);
        if !(rate.is_finite() && rate >= 0.0) {
            return Err(invalid("rate", rate, "The rate cannot be negative."));
        }
        let lambda = grid.h() * rate * 1e-3;
        if lambda > f64::from(MAX_MULTIPLICITY) {
            return Err(invalid(
                "rate",
                rate,
                format!(
                    "each target would expect {lambda:.3e} spikes per {} ms step; spindle \
                     accepts at most {MAX_MULTIPLICITY} (a rate of at most {:.3e} spikes/s at \
                     this resolution); the rate is in spikes/s.",
                    grid.h(),
                    f64::from(MAX_MULTIPLICITY) / (grid.h() * 1e-3)
                ),
            ));
        }
        let window = DeviceWindow::from_params(params, grid)?;
        Ok(PoissonGenerator {
            lambda: grid.h() * rate * 1e-3,
            rate,
            h: grid.h(),
            window,
        })
    }

    /// The mean number of spikes per step and target.
    pub fn lambda(&self) -> f64 {
        self.lambda
    }
}

impl StimulusDevice for PoissonGenerator {
    fn model_name(&self) -> &str {
        "poisson_generator"
    }

    fn event_kind(&self) -> EventKind {
        EventKind::Spike
    }

    fn warnings(&self) -> Vec<String> {
        if self.lambda > Self::MANY_PER_STEP {
            vec![format!(
                "rate = {:?}: each target expects {:.3e} spikes per {} ms step (more than {}); NEST \
                 accepts this, but the rate is in spikes/s: was spikes/ms meant?",
                self.rate,
                self.lambda,
                self.h,
                Self::MANY_PER_STEP
            )]
        } else {
            Vec::new()
        }
    }

    fn draws_per_target(&self) -> bool {
        true
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        if self.lambda <= 0.0 {
            return;
        }
        for k in from..to {
            if self.window.contains(k) {
                out.poisson.push(PoissonEmission {
                    stamp: k + 1,
                    lambda: self.lambda,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spindle_core::params::Value;

    fn grid(h: f64) -> TimeGrid {
        TimeGrid::from_resolution_ms(h).unwrap()
    }

    fn floats(v: &[f64]) -> Value {
        Value::List(v.iter().map(|&x| Value::Float(x)).collect())
    }

    fn stamps(dev: &mut dyn StimulusDevice, to: Step) -> Vec<(Step, f64)> {
        let mut out = Emissions::default();
        // Uneven update ranges, as partial slices produce them.
        let mut from = 0;
        for len in [3, 7, 1].iter().cycle() {
            if from >= to {
                break;
            }
            let end = (from + len).min(to);
            dev.emit(from, end, &mut out);
            from = end;
        }
        out.fixed.iter().map(|e| (e.stamp, e.factor)).collect()
    }

    #[test]
    fn spike_generator_window_is_start_exclusive_stop_inclusive_and_origin_shifted() {
        let g = grid(0.1);
        let mut p = Params::new();
        p.insert("spike_times", floats(&[1.0, 2.0, 3.0, 4.0]));
        p.insert("origin", Value::Float(1.0));
        p.insert("start", Value::Float(1.0));
        p.insert("stop", Value::Float(3.0));
        let mut sg = SpikeGenerator::from_params(&mut p, &g).unwrap();
        assert!(p.is_empty());
        // Stamps 20, 30, 40, 50; window (20, 40].
        assert_eq!(stamps(&mut sg, 100), vec![(30, 1.0), (40, 1.0)]);
    }

    #[test]
    fn spike_generator_rejects_off_grid_unsorted_and_zero_times() {
        let g = grid(0.1);
        for (times, word) in [
            (vec![1.05], "not representable"),
            (vec![2.0, 1.0], "non-descending"),
            (vec![0.0], "cannot be set to 0"),
        ] {
            let mut p = Params::new();
            p.insert("spike_times", floats(&times));
            let err = SpikeGenerator::from_params(&mut p, &g)
                .unwrap_err()
                .to_string();
            assert!(err.contains(word), "{times:?}: {err}");
        }
        let mut p = Params::new();
        p.insert("spike_times", floats(&[1.05]));
        p.insert("allow_offgrid_times", Value::Bool(true));
        let mut sg = SpikeGenerator::from_params(&mut p, &g).unwrap();
        assert_eq!(stamps(&mut sg, 20), vec![(11, 1.0)]);
    }

    #[test]
    fn step_current_levels_and_window_follow_nest() {
        // Spec §5.3: times [1,2,3] → [10,20,30], start 1.5, stop 2.5 at h = 0.1:
        // events stamped 15 ..= 24 carry 10 (stamps 15..19) then 20 (20..24).
        let g = grid(0.1);
        let mut p = Params::new();
        p.insert("amplitude_times", floats(&[1.0, 2.0, 3.0]));
        p.insert("amplitude_values", floats(&[10.0, 20.0, 30.0]));
        p.insert("start", Value::Float(1.5));
        p.insert("stop", Value::Float(2.5));
        let mut sc = StepCurrentGenerator::from_params(&mut p, &g).unwrap();
        let got = stamps(&mut sc, 40);
        let want: Vec<(Step, f64)> = (15..25)
            .map(|s| (s, if s < 20 { 10.0 } else { 20.0 }))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn dc_generator_first_event_is_stamped_one_step() {
        let g = grid(0.1);
        let mut p = Params::new();
        p.insert("amplitude", Value::Float(300.0));
        let mut dc = DcGenerator::from_params(&mut p, &g).unwrap();
        let got = stamps(&mut dc, 5);
        assert_eq!(got, (1..=5).map(|s| (s, 300.0)).collect::<Vec<_>>());
    }

    #[test]
    fn poisson_window_is_shifted_by_one_step() {
        // start 2, stop 5, h 0.1 → spike times 2.2 … 5.1 (stamps 22 ..= 51).
        let g = grid(0.1);
        let mut p = Params::new();
        p.insert("rate", Value::Float(1000.0));
        p.insert("start", Value::Float(2.0));
        p.insert("stop", Value::Float(5.0));
        let mut pg = PoissonGenerator::from_params(&mut p, &g).unwrap();
        let mut out = Emissions::default();
        pg.emit(0, 100, &mut out);
        let s: Vec<Step> = out.poisson.iter().map(|e| e.stamp).collect();
        assert_eq!(s.first(), Some(&22));
        assert_eq!(s.last(), Some(&51));
        assert_eq!(s.len(), 30);
        assert!((out.poisson[0].lambda - 0.1).abs() < 1e-15);
    }

    #[test]
    fn bad_device_values_are_rejected_with_their_key() {
        let g = grid(0.1);
        let mut p = Params::new();
        p.insert("rate", Value::Float(-1.0));
        let e = PoissonGenerator::from_params(&mut p, &g)
            .unwrap_err()
            .to_string();
        assert!(e.contains("rate") && e.contains("negative"), "{e}");
        let mut p = Params::new();
        p.insert("start", Value::Float(0.15));
        let e = DcGenerator::from_params(&mut p, &g)
            .unwrap_err()
            .to_string();
        assert!(e.contains("start") && e.contains("multiple"), "{e}");
        let mut p = Params::new();
        p.insert("amplitude_times", floats(&[1.0, 2.0]));
        p.insert("amplitude_values", floats(&[1.0]));
        let e = StepCurrentGenerator::from_params(&mut p, &g)
            .unwrap_err()
            .to_string();
        assert!(e.contains("same size"), "{e}");
    }
}
