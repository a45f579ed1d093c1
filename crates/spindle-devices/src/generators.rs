//! Stimulating devices: `spike_generator`, `step_current_generator`, `dc_generator` and
//! `poisson_generator` (spec §5.2–5.4), with NEST's `GetStatus` / `SetStatus`.
//!
//! Each computes, for a range of update steps, the events it sends; the kernel writes them into
//! its targets' input buffers. Activity windows differ per device exactly as in NEST:
//!
//! | device | active for the update of step k when | event stamp |
//! | --- | --- | --- |
//! | `spike_generator` | `t_min < stamp ≤ t_max` (per spike) | the spike's step |
//! | `poisson_generator` | `t_min < k ≤ t_max` | `k + 1` |
//! | current generators | `t_min < k + 2 ≤ t_max` | `k + 1` |
//!
//! Creating a device and changing it share one path, as in NEST (`Create` with parameters is a
//! `SetStatus` on the defaults): `from_params` is `DEVICE::default()` followed by
//! [`StimulusDevice::set_status`]. A `set_status` works on a copy and replaces the device only
//! when every key was valid, so a refused change leaves the device as it was.
//!
//! # Changes between two `Simulate` calls
//!
//! `set_status` comes when the kernel stands at step `now` (after `Simulate(now · h)`); the next
//! update is that of step `now`, so the first event that can carry a change is stamped
//! `now + 1`. Found by running NEST 3.10 (the scripts and numbers are in
//! `tests/data/`, made by `scripts/golden_set_status.py`):
//!
//! - `dc_generator`, `poisson_generator`: a new `amplitude` / `rate` is in the event stamped
//!   `now + 1` (NEST reads them in `update`, or in `pre_run_hook` before the next `Simulate`).
//!   A neuron connected with delay d receives it in its update of step `now + d`; for
//!   `iaf_psc_alpha` `V_m` first differs at `now + d + 2` (the alpha current rises one step
//!   later).
//! - `origin`, `start`, `stop`: the window is recomputed before the next `Simulate` and read at
//!   every step, so a window that opens or closes in the past has no retroactive effect, and
//!   one that reopens sends again (a `poisson_generator` with `stop` moved from 1 ms to 3 ms
//!   after 2 ms fires again from 2.1 ms).
//! - `spike_generator`: new `spike_times` are accepted whatever `now` is; NEST resets its cursor
//!   and skips every spike stamped at or before the current step without an error (also one
//!   at exactly `now`). With `shift_now_spikes` a spike at `origin + t = now` moves to `now + 1`.
//!   A new `origin` also resets the cursor: spikes already sent are sent again if the new
//!   origin moves them into the future (spikes 1, 2, 3 ms, origin set to 5 ms after 5 ms: sent
//!   again at 6, 7, 8 ms). The flags (`precise_times`, `allow_offgrid_times`,
//!   `shift_now_spikes`) can only be given together with `spike_times` or while there are no
//!   spike times (`BadProperty`), even with their current value.
//! - `step_current_generator`: new `amplitude_times`/`amplitude_values` keep the present level;
//!   entries at or before the current step are skipped without an error and without changing
//!   the level, later ones take effect at their step. `amplitude_times` are absolute (not
//!   shifted by `origin`). Times and values must be given together (`BadProperty: Amplitude
//!   times and values must be reset together.`), and `allow_offgrid_times` only with them or
//!   while there are none.
//!
//! Departures from NEST: non-finite amplitudes, values and rates are refused (NEST accepts a
//! NaN amplitude), negative spike times are refused (NEST refuses most of them as off the
//! grid), and a `spike_weights` or `spike_multiplicities` list left with another length than
//! new `spike_times` is refused (NEST accepts it and indexes past its end).

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

pub(crate) fn floats(v: impl IntoIterator<Item = f64>) -> Value {
    Value::List(v.into_iter().map(Value::Float).collect())
}

/// A table of changes at given steps (`step_current_generator`'s amplitudes,
/// `inhomogeneous_poisson_generator`'s rates) as `GetStatus` reports it: the times in ms, the
/// values, and `allow_offgrid_times`.
pub(crate) fn write_time_table(
    p: &mut Params,
    grid: &TimeGrid,
    (times_key, times): (&str, &[Step]),
    (values_key, values): (&str, &[f64]),
    allow_offgrid_times: bool,
) {
    p.insert(times_key, floats(times.iter().map(|&s| grid.step_to_ms(s))));
    p.insert(values_key, floats(values.iter().copied()));
    p.insert("allow_offgrid_times", Value::Bool(allow_offgrid_times));
}

/// Read `key` as a finite number (NEST accepts NaN and infinities and then computes with
/// them; spindle refuses them, naming the unit).
pub(crate) fn finite(
    params: &mut Params,
    key: &str,
    unit: &str,
) -> Result<Option<f64>, ParamError> {
    match params.f64(key)? {
        Some(v) if !v.is_finite() => {
            Err(invalid(key, v, format!("{key} must be finite ({unit}).")))
        }
        other => Ok(other),
    }
}

/// NEST's `Create(model, params)`: `device` (the model's defaults) with `params` set on it.
pub(crate) fn created<T: StimulusDevice>(
    mut device: T,
    params: &mut Params,
    grid: &TimeGrid,
) -> Result<T, ParamError> {
    device.set_status(params, grid, 0)?;
    Ok(device)
}

/// The `StimulusDevice` methods every generator spells the same way: its NEST name, its event
/// kind, and `set_status` as its own `update(params, grid, now)` run on a copy
/// ([`transactional`]), so that a refused change leaves it as it was.
macro_rules! stimulus_basics {
    ($name:literal, $kind:ident) => {
        fn model_name(&self) -> &str {
            $name
        }

        fn event_kind(&self) -> spindle_core::device::EventKind {
            spindle_core::device::EventKind::$kind
        }

        fn set_status(
            &mut self,
            dict: &mut spindle_core::params::Params,
            grid: &spindle_core::TimeGrid,
            now: spindle_core::Step,
        ) -> Result<(), spindle_core::params::ParamError> {
            $crate::generators::transactional(self, dict, |dev, d| dev.update(d, grid, now))
        }
    };
}
pub(crate) use stimulus_basics;

/// Run `change` on a copy of `device` and of `dict`; keep both only if it succeeds, so that a
/// refused `SetStatus` changes nothing.
pub(crate) fn transactional<T: Clone>(
    device: &mut T,
    dict: &mut Params,
    change: impl FnOnce(&mut T, &mut Params) -> Result<(), ParamError>,
) -> Result<(), ParamError> {
    let mut next = device.clone();
    let mut rest = dict.clone();
    change(&mut next, &mut rest)?;
    *device = next;
    *dict = rest;
    Ok(())
}

/// One spike of a `spike_generator`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Spike {
    /// Its step, relative to `origin` (NEST's `spike_stamps_`).
    stamp: Step,
    /// The time `GetStatus` reports: the stamp in ms, less the offset with `precise_times`.
    ms: f64,
}

/// Sends spikes at given times (`spike_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `spike_times` | [] | ms | non-decreasing; shifted by `origin`; on the grid unless `allow_offgrid_times` |
/// | `spike_weights` | [] | 1 | per spike, multiplies the connection weight (empty = 1) |
/// | `spike_multiplicities` | [] | 1 | per spike (empty = 1) |
/// | `allow_offgrid_times` | false | | off-grid times move up to the end of their step |
/// | `precise_times` | false | | grid neurons see the time rounded up to the grid |
/// | `shift_now_spikes` | false | | a spike at the current time (0 ms at creation) is sent one step later instead of skipped or rejected |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | spikes with `origin+start < t ≤ origin+stop` are sent |
///
/// `GetStatus` reports the spike times as stored: on the grid (off-grid times rounded up,
/// shifted spikes one step later), or as given with `precise_times`.
#[derive(Clone, Debug)]
pub struct SpikeGenerator {
    spikes: Vec<Spike>,
    weights: Vec<f64>,
    multiplicities: Vec<i64>,
    precise_times: bool,
    allow_offgrid_times: bool,
    shift_now_spikes: bool,
    window: DeviceWindow,
    /// The first spike not yet looked at; a `set_status` puts it back to 0 (as NEST does when
    /// the times or the origin change; spikes at or before the current step are skipped anyway).
    next: usize,
    /// The model's name in messages: `spike_generator`, or `spike_train_injector`, whose
    /// neurons keep their spikes in one of these each.
    name: &'static str,
}

impl Default for SpikeGenerator {
    fn default() -> SpikeGenerator {
        SpikeGenerator::named("spike_generator")
    }
}

impl SpikeGenerator {
    /// NEST's defaults, with `name` in the messages.
    pub(crate) fn named(name: &'static str) -> SpikeGenerator {
        SpikeGenerator {
            spikes: Vec::new(),
            weights: Vec::new(),
            multiplicities: Vec::new(),
            precise_times: false,
            allow_offgrid_times: false,
            shift_now_spikes: false,
            window: DeviceWindow::DEFAULT,
            next: 0,
            name,
        }
    }

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

    /// NEST's `Create("spike_generator", params)` before the first `Simulate`.
    pub fn from_params(params: &mut Params, grid: &TimeGrid) -> Result<SpikeGenerator, ParamError> {
        SpikeGenerator::created_at(params, grid, 0)
    }

    /// NEST's `Create("spike_generator", params)` with the kernel at step `now`.
    pub fn created_at(
        params: &mut Params,
        grid: &TimeGrid,
        now: Step,
    ) -> Result<SpikeGenerator, ParamError> {
        let mut sg = SpikeGenerator::default();
        sg.set_status(params, grid, now)?;
        Ok(sg)
    }

    /// NEST's `Parameters_::set` followed by `Device::Parameters_::set`, on `self` (a copy).
    fn update(
        &mut self,
        params: &mut Params,
        grid: &TimeGrid,
        now: Step,
    ) -> Result<(), ParamError> {
        let precise = params.bool("precise_times")?;
        let shift_now = params.bool("shift_now_spikes")?;
        let offgrid = params.bool("allow_offgrid_times")?;
        let flags_given = precise.is_some() || shift_now.is_some() || offgrid.is_some();
        self.precise_times = precise.unwrap_or(self.precise_times);
        self.shift_now_spikes = shift_now.unwrap_or(self.shift_now_spikes);
        self.allow_offgrid_times = offgrid.unwrap_or(self.allow_offgrid_times);
        // NEST needs the new origin for `shift_now_spikes` before it checks the window; the
        // window's own errors come after the generator's, as in NEST.
        let window = self.window.updated(params, grid);
        let origin = window.as_ref().map_or(self.window.origin, |w| w.origin);
        if self.precise_times && (self.allow_offgrid_times || self.shift_now_spikes) {
            return Err(ParamError::rule(
                "Option precise_times cannot be set to true when either allow_offgrid_times or shift_now_spikes is set to true.",
            )
            .with("precise_times", self.precise_times)
            .with("allow_offgrid_times", self.allow_offgrid_times)
            .with("shift_now_spikes", self.shift_now_spikes));
        }
        let times = params.f64_list("spike_times")?;
        if flags_given && times.is_none() && !self.spikes.is_empty() {
            return Err(ParamError::rule(
                "Options can only be set together with spike times or if no spike times have been set.",
            )
            .with("precise_times", self.precise_times)
            .with("allow_offgrid_times", self.allow_offgrid_times)
            .with("shift_now_spikes", self.shift_now_spikes));
        }
        if let Some(times) = times {
            self.spikes.clear();
            for (i, &t) in times.iter().enumerate() {
                if i > 0 && times[i - 1] > t {
                    return Err(invalid(
                        "spike_times",
                        t,
                        format!(
                            "Spike times must be sorted in non-descending order ({t} follows {}).",
                            times[i - 1]
                        ),
                    ));
                }
                let spike = self.spike(t, grid, origin, now)?;
                self.spikes.push(spike);
            }
        }
        if let Some(w) = params.f64_list("spike_weights")? {
            if !w.is_empty() && w.len() != self.spikes.len() {
                return Err(invalid(
                    "spike_weights",
                    format!("{} entries", w.len()),
                    format!(
                        "spike_weights must have the same number of elements as spike_times ({}), or 0 elements to clear the property.",
                        self.spikes.len()
                    ),
                ));
            }
            self.weights = w;
        }
        if let Some(m) = params.i64_list("spike_multiplicities")? {
            if !m.is_empty() && m.len() != self.spikes.len() {
                return Err(invalid(
                    "spike_multiplicities",
                    format!("{} entries", m.len()),
                    format!(
                        "spike_multiplicities must have the same number of elements as spike_times ({}) or 0 elements to clear the property.",
                        self.spikes.len()
                    ),
                ));
            }
            if let Some(&bad) = m
                .iter()
                .find(|&&x| !(0..=i64::from(MAX_MULTIPLICITY)).contains(&x))
            {
                return Err(invalid(
                    "spike_multiplicities",
                    bad,
                    format!(
                        "multiplicities must be integers from 0 to {MAX_MULTIPLICITY} (each \
                         spike of multiplicity m is delivered as m events)."
                    ),
                ));
            }
            self.multiplicities = m;
        }
        // NEST leaves old weights or multiplicities of another length in place and then
        // indexes past their end; spindle refuses.
        for (key, n) in [
            ("spike_weights", self.weights.len()),
            ("spike_multiplicities", self.multiplicities.len()),
        ] {
            if n != 0 && n != self.spikes.len() {
                return Err(invalid(
                    key,
                    format!("{n} entries"),
                    format!(
                        "{key} must have the same number of elements as spike_times ({}) or be empty; give it together with the new spike_times.",
                        self.spikes.len()
                    ),
                ));
            }
        }
        self.window = window?;
        self.next = 0;
        Ok(())
    }

    /// NEST's `assert_valid_spike_time_and_insert_`: one spike time as a stamp.
    fn spike(&self, t: f64, grid: &TimeGrid, origin: Step, now: Step) -> Result<Spike, ParamError> {
        if !representable_ms(t) || t < 0.0 {
            return Err(invalid(
                "spike_times",
                t,
                format!(
                    "spike times must be finite, not negative and at most {MAX_TIME_MS:.1e} ms."
                ),
            ));
        }
        if t == 0.0 && !self.shift_now_spikes {
            return Err(invalid("spike_times", t, "spike time cannot be set to 0."));
        }
        if self.precise_times {
            let stamp = grid.ms_to_steps_stamp(t);
            let stamp_ms = grid.step_to_ms(stamp);
            let mut offset = stamp_ms - t;
            if offset.abs() < f64::EPSILON * (stamp_ms + t).abs() * 2.0
                || offset.abs() < f64::MIN_POSITIVE
            {
                offset = 0.0;
            }
            return Ok(Spike {
                stamp,
                ms: stamp_ms - offset,
            });
        }
        let mut stamp = match grid.ms_on_grid(t) {
            Some(s) => s,
            None if self.allow_offgrid_times => grid.ms_to_steps_stamp(t),
            None => {
                return Err(invalid(
                    "spike_times",
                    t,
                    format!(
                        "{}: Time point {t} is not representable in current resolution ({} ms); set allow_offgrid_times = true to round it up.",
                        self.name,
                        grid.h()
                    ),
                ))
            }
        };
        if origin + stamp == now && self.shift_now_spikes {
            stamp += 1;
        }
        Ok(Spike {
            stamp,
            ms: grid.step_to_ms(stamp),
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
        let origin = self.window.origin;
        while let Some(spike) = self.spikes.get(self.next) {
            let stamp = origin + spike.stamp;
            if stamp > to {
                break;
            }
            // A spike stamped at or before the start of this update is in the past: skipped.
            let multiplicity = self.multiplicities.get(self.next).copied().unwrap_or(1);
            if stamp > from && self.window.contains(stamp) && multiplicity > 0 {
                out.fixed.push(Emission {
                    stamp,
                    factor: self.weights.get(self.next).copied().unwrap_or(1.0),
                    multiplicity: multiplicity as u32,
                });
            }
            self.next += 1;
        }
    }

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        p.insert("spike_times", floats(self.spikes.iter().map(|s| s.ms)));
        p.insert("spike_weights", floats(self.weights.iter().copied()));
        p.insert(
            "spike_multiplicities",
            Value::List(self.multiplicities.iter().map(|&m| Value::Int(m)).collect()),
        );
        p.insert("precise_times", Value::Bool(self.precise_times));
        p.insert("allow_offgrid_times", Value::Bool(self.allow_offgrid_times));
        p.insert("shift_now_spikes", Value::Bool(self.shift_now_spikes));
        self.window.write(grid, &mut p);
        p
    }

    fn set_status(
        &mut self,
        dict: &mut Params,
        grid: &TimeGrid,
        now: Step,
    ) -> Result<(), ParamError> {
        transactional(self, dict, |sg, d| sg.update(d, grid, now))
    }
}

/// A piecewise constant current (`step_current_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `amplitude_times` | [] | ms | absolute times (not shifted by `origin`), strictly increasing, > 0 |
/// | `amplitude_values` | [] | pA | the level from each time on (0 before the first) |
/// | `allow_offgrid_times` | false | | off-grid times move up to the end of their step |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | events stamped `origin+start ≤ S < origin+stop` are sent |
#[derive(Clone, Debug, Default)]
pub struct StepCurrentGenerator {
    times: Vec<Step>,
    values: Vec<f64>,
    allow_offgrid_times: bool,
    window: DeviceWindow,
    /// The first entry not yet applied (NEST's `B_.idx_`); reset by new times or values.
    next: usize,
    /// The present level (NEST's `B_.amp_`): kept across a `set_status`.
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

    /// NEST's `Create("step_current_generator", params)`.
    pub fn from_params(
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<StepCurrentGenerator, ParamError> {
        let mut sc = StepCurrentGenerator::default();
        sc.set_status(params, grid, 0)?;
        Ok(sc)
    }

    /// NEST's `Parameters_::set` followed by `Device::Parameters_::set`, on `self` (a copy).
    fn update(&mut self, params: &mut Params, grid: &TimeGrid) -> Result<(), ParamError> {
        let times = params.f64_list("amplitude_times")?;
        let values = params.f64_list("amplitude_values")?;
        let offgrid = params.bool("allow_offgrid_times")?;
        if times.is_some() != values.is_some() {
            let (key, v) = match (&times, &values) {
                (Some(t), _) => ("amplitude_times", t),
                (_, Some(v)) => ("amplitude_values", v),
                _ => unreachable!(),
            };
            return Err(
                ParamError::rule("Amplitude times and values must be reset together.")
                    .with(key, floats(v.iter().copied())),
            );
        }
        if let Some(o) = offgrid {
            if times.is_none() && !self.times.is_empty() {
                return Err(ParamError::rule(
                    "allow_offgrid_times can only be changed before amplitude_times have been set, or together with amplitude_times and amplitude_values.",
                )
                .with("allow_offgrid_times", o));
            }
            self.allow_offgrid_times = o;
        }
        let (Some(times), Some(values)) = (times, values) else {
            self.window = self.window.updated(params, grid)?;
            return Ok(());
        };
        if times.len() != values.len() {
            return Err(ParamError::rule(format!(
                "Amplitude times and values have to be the same size (amplitude_times has {}, amplitude_values has {}).",
                times.len(),
                values.len()
            ))
            .with("amplitude_times", floats(times.iter().copied()))
            .with("amplitude_values", floats(values.iter().copied())));
        }
        let mut steps: Vec<Step> = Vec::with_capacity(times.len());
        for &t in &times {
            // NaN fails here too.
            if t.is_nan() || t <= 0.0 {
                return Err(invalid(
                    "amplitude_times",
                    t,
                    "Amplitude can only be changed at strictly positive times (t > 0).",
                ));
            }
            if !representable_ms(t) {
                return Err(invalid(
                    "amplitude_times",
                    t,
                    format!("amplitude times must be at most {MAX_TIME_MS:.1e} ms."),
                ));
            }
            let s = match grid.ms_on_grid(t) {
                Some(s) => s,
                None if self.allow_offgrid_times => grid.ms_to_steps_stamp(t),
                None => {
                    return Err(invalid(
                        "amplitude_times",
                        t,
                        format!(
                            "step_current_generator: Time point {t} is not representable in current resolution ({} ms); set allow_offgrid_times = true to round it up.",
                            grid.h()
                        ),
                    ))
                }
            };
            if steps.last().is_some_and(|&prev| s <= prev) {
                return Err(invalid(
                    "amplitude_times",
                    t,
                    "step_current_generator: amplitude times must be at strictly increasing time steps.",
                ));
            }
            steps.push(s);
        }
        if let Some(&v) = values.iter().find(|v| !v.is_finite()) {
            return Err(invalid(
                "amplitude_values",
                v,
                "amplitudes must be finite (pA).",
            ));
        }
        self.window = self.window.updated(params, grid)?;
        self.times = steps;
        self.values = values;
        self.next = 0;
        Ok(())
    }
}

impl StimulusDevice for StepCurrentGenerator {
    /// NEST's recordable `I`: the current sent with each stamp.
    fn recordables(&self) -> &'static [&'static str] {
        &["I"]
    }

    fn model_name(&self) -> &str {
        "step_current_generator"
    }

    fn event_kind(&self) -> EventKind {
        EventKind::Current
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        // Entries at or before the first step of this update are in the past (new times given
        // between two runs, or a device created late): skipped, and the level stays.
        while self.times.get(self.next).is_some_and(|&t| t <= from) {
            self.next += 1;
        }
        for k in from..to {
            // The level changes one step ahead: the event stamped k + 1 carries it.
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

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        write_time_table(
            &mut p,
            grid,
            ("amplitude_times", &self.times),
            ("amplitude_values", &self.values),
            self.allow_offgrid_times,
        );
        self.window.write(grid, &mut p);
        p
    }

    fn set_status(
        &mut self,
        dict: &mut Params,
        grid: &TimeGrid,
        _now: Step,
    ) -> Result<(), ParamError> {
        transactional(self, dict, |sc, d| sc.update(d, grid))
    }
}

/// A constant current (`dc_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `amplitude` | 0 | pA | the current |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | events stamped `origin+start ≤ S < origin+stop` are sent |
#[derive(Clone, Debug, Default)]
pub struct DcGenerator {
    amplitude: f64,
    window: DeviceWindow,
}

impl DcGenerator {
    pub const KEYS: &'static [&'static str] = &["amplitude", "origin", "start", "stop"];

    /// NEST's `Create("dc_generator", params)`.
    pub fn from_params(params: &mut Params, grid: &TimeGrid) -> Result<DcGenerator, ParamError> {
        let mut dc = DcGenerator::default();
        dc.set_status(params, grid, 0)?;
        Ok(dc)
    }

    fn update(&mut self, params: &mut Params, grid: &TimeGrid) -> Result<(), ParamError> {
        if let Some(amplitude) = params.f64("amplitude")? {
            if !amplitude.is_finite() {
                return Err(invalid(
                    "amplitude",
                    amplitude,
                    "the amplitude must be finite (pA).",
                ));
            }
            self.amplitude = amplitude;
        }
        self.window = self.window.updated(params, grid)?;
        Ok(())
    }
}

impl StimulusDevice for DcGenerator {
    /// NEST's recordable `I`: the current sent with each stamp.
    fn recordables(&self) -> &'static [&'static str] {
        &["I"]
    }

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

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        p.insert("amplitude", Value::Float(self.amplitude));
        self.window.write(grid, &mut p);
        p
    }

    fn set_status(
        &mut self,
        dict: &mut Params,
        grid: &TimeGrid,
        _now: Step,
    ) -> Result<(), ParamError> {
        transactional(self, dict, |dc, d| dc.update(d, grid))
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

    /// NEST's defaults on the grid `grid`.
    pub fn new(grid: &TimeGrid) -> PoissonGenerator {
        PoissonGenerator {
            lambda: 0.0,
            rate: 0.0,
            h: grid.h(),
            window: DeviceWindow::DEFAULT,
        }
    }

    /// NEST's `Create("poisson_generator", params)`.
    pub fn from_params(
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<PoissonGenerator, ParamError> {
        let mut pg = PoissonGenerator::new(grid);
        pg.set_status(params, grid, 0)?;
        Ok(pg)
    }

    fn update(&mut self, params: &mut Params, grid: &TimeGrid) -> Result<(), ParamError> {
        if let Some(rate) = params.f64("rate")? {
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
            self.rate = rate;
            self.lambda = lambda;
        }
        self.h = grid.h();
        self.window = self.window.updated(params, grid)?;
        Ok(())
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

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        p.insert("rate", Value::Float(self.rate));
        self.window.write(grid, &mut p);
        p
    }

    fn set_status(
        &mut self,
        dict: &mut Params,
        grid: &TimeGrid,
        _now: Step,
    ) -> Result<(), ParamError> {
        transactional(self, dict, |pg, d| pg.update(d, grid))
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
