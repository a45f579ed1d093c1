//! Recording devices: `spike_recorder`, `multimeter` and `voltmeter` (spec §5.6–5.7),
//! configured into the kernel's recording specs, with NEST's `GetStatus` / `SetStatus` on
//! those specs. NEST's `voltmeter` is a multimeter under another name whose `record_from`
//! defaults to `["V_m"]`; it is a [`MultimeterSpec`] with `model = "voltmeter"` everywhere.
//!
//! Creating a recorder is "defaults, then `SetStatus`", as in NEST. Found by running NEST 3.10:
//!
//! - `origin`, `start` and `stop` can be changed at any time, also after the recorder was
//!   connected or simulated; they act from the next step on (NEST recomputes the window before
//!   every `Simulate`). Their checks are those of every device (see `window.rs`).
//! - A multimeter's `interval`, `offset` and `record_from` can only be given while it is not
//!   connected: once it is (before or after a `Simulate`), giving any of them — even with its
//!   present value — is a `BadProperty` ("The recording interval, the interval offset and the
//!   list of properties to record cannot be changed after the multimeter has been connected to
//!   nodes."). So `SetStatus(GetStatus())` fails on a connected multimeter in NEST too.
//! - `record_from` names are checked against the targets when connecting, not here.
//! - The recording backend keys — `record_to`, `label`, `time_in_steps`, and the ascii and
//!   screen backends' `file_extension` and `precision` — are checked for their types and
//!   not stored: the kernel records every event once, to the run's output; the Python front
//!   end keeps them and presents the events as the backend says (`record_to = "ascii"`
//!   files, `screen` lines; `crates/spindle-py/python/spindle/_recording.py`), and a scenario
//!   file carries them so that an export reads back.
//!
//! Departures from NEST (see docs): the multimeter records every sample up to and including
//! the end of each run (NEST holds back the last min-delay slice until the next `Simulate`),
//! spike recorder events are sorted by (time, sender), and an `offset` off the grid is refused
//! (NEST 3.10 rounds it to the grid).

use crate::window::DeviceWindow;
use spindle_core::params::{invalid, ParamError, Params, Value};
use spindle_core::recording::{MultimeterSpec, SpikeRecorderSpec, Window};
use spindle_core::time::{representable_ms, MAX_TIME_MS};
use spindle_core::TimeGrid;

pub const SPIKE_RECORDER_KEYS: &[&str] = &[
    "origin",
    "start",
    "stop",
    "record_to",
    "label",
    "time_in_steps",
    "file_extension",
    "precision",
];

pub const MULTIMETER_KEYS: &[&str] = &[
    "interval",
    "offset",
    "record_from",
    "origin",
    "start",
    "stop",
    "time_in_steps",
    "record_to",
    "label",
    "file_extension",
    "precision",
];

/// The recording backend keys (`record_to`, `label`, `time_in_steps`, `file_extension`,
/// `precision`), checked for their types: the kernel records to the run's output whatever
/// they say; the Python front end presents the events as the backend does (see the top of
/// this file).
pub(crate) fn accept_record_to(params: &mut Params) -> Result<(), ParamError> {
    if let Some(to) = params.string("record_to")? {
        // NEST 3.10's backends (`GetKernelStatus("recording_backends")`), and spindle's own.
        if !["memory", "ascii", "screen", "hdf5"].contains(&to.as_str()) {
            return Err(invalid(
                "record_to",
                format!("{to:?}"),
                "valid values are \"memory\", \"ascii\", \"screen\" and \"hdf5\" (spindle writes every recording to its HDF5 output)",
            ));
        }
    }
    params.string("label")?;
    params.bool("time_in_steps")?;
    params.string("file_extension")?;
    params.i64("precision")?;
    Ok(())
}

pub(crate) fn updated_window(
    w: &Window,
    params: &mut Params,
    grid: &TimeGrid,
) -> Result<Window, ParamError> {
    Ok(DeviceWindow::from_recording(w)
        .updated(params, grid)?
        .to_recording())
}

/// A `spike_recorder` with NEST's defaults: records spikes with `origin+start < t ≤
/// origin+stop`.
pub fn spike_recorder_spec(
    params: &mut Params,
    grid: &TimeGrid,
) -> Result<SpikeRecorderSpec, ParamError> {
    let mut spec = SpikeRecorderSpec {
        window: Window::ALWAYS,
    };
    set_spike_recorder_status(&mut spec, params, grid)?;
    Ok(spec)
}

/// NEST's `GetStatus` of a `spike_recorder`'s own parameters: `origin`, `start`, `stop` (ms).
pub fn spike_recorder_status(spec: &SpikeRecorderSpec, grid: &TimeGrid) -> Params {
    let mut p = Params::new();
    DeviceWindow::from_recording(&spec.window).write(grid, &mut p);
    p
}

/// NEST's `SetStatus` of a `spike_recorder`: the keys of `dict` it knows are read on top of
/// `spec` (any time, connected or not); on error neither `spec` nor `dict` changes.
pub fn set_spike_recorder_status(
    spec: &mut SpikeRecorderSpec,
    dict: &mut Params,
    grid: &TimeGrid,
) -> Result<(), ParamError> {
    let mut rest = dict.clone();
    accept_record_to(&mut rest)?;
    let window = updated_window(&spec.window, &mut rest, grid)?;
    spec.window = window;
    *dict = rest;
    Ok(())
}

/// A `multimeter` with NEST's defaults.
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `interval` | 1.0 | ms | sampling interval, a multiple of the resolution |
/// | `offset` | 0 | ms | first sample time (0 = samples at multiples of `interval`) |
/// | `record_from` | [] | | recordable names of the targets |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | samples with `origin+start < t ≤ origin+stop` |
pub fn multimeter_spec(params: &mut Params, grid: &TimeGrid) -> Result<MultimeterSpec, ParamError> {
    sampler_spec("multimeter", Vec::new(), params, grid)
}

/// A `voltmeter` with NEST's defaults: a multimeter whose `record_from` is `["V_m"]` unless
/// given.
pub fn voltmeter_spec(params: &mut Params, grid: &TimeGrid) -> Result<MultimeterSpec, ParamError> {
    sampler_spec("voltmeter", vec!["V_m".to_string()], params, grid)
}

/// The recorder models that are multimeters under one name or another (NEST's `multimeter`
/// and `voltmeter`): they sample recordables and share keys, status and output layout.
pub const SAMPLER_MODELS: &[&str] = &["multimeter", "voltmeter"];

/// Whether `model` is a multimeter-like recorder (see [`SAMPLER_MODELS`]).
pub fn is_sampler(model: &str) -> bool {
    SAMPLER_MODELS.contains(&model)
}

/// The spec of a multimeter-like recorder `model` with NEST's defaults (`record_from` =
/// `record_from`), then `params` set on it.
pub fn sampler_spec(
    model: &'static str,
    record_from: Vec<String>,
    params: &mut Params,
    grid: &TimeGrid,
) -> Result<MultimeterSpec, ParamError> {
    // The default interval (1 ms) must lie on the grid too.
    if !params.contains("interval") {
        params.insert("interval", Value::Float(1.0));
    }
    let mut spec = MultimeterSpec {
        model,
        interval: 1,
        offset: 0,
        window: Window::ALWAYS,
        record_from,
    };
    set_multimeter_status(&mut spec, params, grid, false)?;
    Ok(spec)
}

/// NEST's `GetStatus` of a `multimeter`'s own parameters: `interval`, `offset`,
/// `record_from`, `origin`, `start`, `stop`.
pub fn multimeter_status(spec: &MultimeterSpec, grid: &TimeGrid) -> Params {
    let mut p = Params::new();
    p.insert("interval", Value::Float(grid.step_to_ms(spec.interval)));
    p.insert("offset", Value::Float(grid.step_to_ms(spec.offset)));
    p.insert(
        "record_from",
        Value::List(spec.record_from.iter().cloned().map(Value::Str).collect()),
    );
    DeviceWindow::from_recording(&spec.window).write(grid, &mut p);
    p
}

/// NEST's `SetStatus` of a `multimeter`: the keys of `dict` it knows are read on top of
/// `spec`; on error neither `spec` nor `dict` changes. `connected` says whether the multimeter
/// has targets: then `interval`, `offset` and `record_from` cannot be given (NEST's rule).
pub fn set_multimeter_status(
    spec: &mut MultimeterSpec,
    dict: &mut Params,
    grid: &TimeGrid,
    connected: bool,
) -> Result<(), ParamError> {
    if connected {
        let given: Vec<&str> = ["interval", "offset", "record_from"]
            .into_iter()
            .filter(|k| dict.contains(k))
            .collect();
        if !given.is_empty() {
            let mut e = ParamError::rule(
                "The recording interval, the interval offset and the list of properties to record cannot be changed after the multimeter has been connected to nodes.",
            );
            for k in given {
                e = e.with(k, dict.get(k).expect("present"));
            }
            return Err(e);
        }
    }
    let mut rest = dict.clone();
    accept_record_to(&mut rest)?;
    let h = grid.h();
    let mut next = spec.clone();
    if let Some(interval_ms) = rest.f64("interval")? {
        let steps = Some(interval_ms)
            .filter(|&t| representable_ms(t))
            .map(|t| grid.ms_to_tics(t) / grid.tics_per_step());
        if steps.is_none_or(|s| s < 1) {
            return Err(invalid(
                "interval",
                interval_ms,
                format!(
                    "The sampling interval must be at least as long as the simulation resolution ({h} ms), and at most {MAX_TIME_MS:.1e} ms."
                ),
            ));
        }
        next.interval = grid.ms_on_grid(interval_ms).ok_or_else(|| {
            invalid(
                "interval",
                interval_ms,
                format!("The sampling interval must be a multiple of the simulation resolution ({h} ms)."),
            )
        })?;
    }
    if let Some(offset_ms) = rest.f64("offset")? {
        let below_h = offset_ms != 0.0
            && (!representable_ms(offset_ms) || grid.ms_to_tics(offset_ms) < grid.tics_per_step());
        if below_h {
            return Err(invalid(
                "offset",
                offset_ms,
                format!(
                    "The offset for the sampling interval must be at least as long as the simulation resolution ({h} ms), or 0."
                ),
            ));
        }
        next.offset = grid.ms_on_grid(offset_ms).ok_or_else(|| {
            invalid(
                "offset",
                offset_ms,
                format!("The offset for the sampling interval must be a multiple of the simulation resolution ({h} ms)."),
            )
        })?;
    }
    if let Some(record_from) = rest.string_list("record_from")? {
        for (i, name) in record_from.iter().enumerate() {
            if record_from[..i].contains(name) {
                return Err(invalid(
                    "record_from",
                    format!("{name:?}"),
                    "is listed twice",
                ));
            }
        }
        next.record_from = record_from;
    }
    next.window = updated_window(&spec.window, &mut rest, grid)?;
    *spec = next;
    *dict = rest;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use spindle_core::params::Value;

    #[test]
    fn multimeter_window_and_interval() {
        // start 2, stop 5, interval 1 → samples at 3, 4, 5 ms (spec §5.6).
        let g = TimeGrid::from_resolution_ms(0.1).unwrap();
        let mut p = Params::new();
        p.insert("start", Value::Float(2.0));
        p.insert("stop", Value::Float(5.0));
        let spec = multimeter_spec(&mut p, &g).unwrap();
        let samples: Vec<i64> = (0..100).filter(|&s| spec.samples_at(s)).collect();
        assert_eq!(samples, vec![30, 40, 50]);
    }

    #[test]
    fn multimeter_offset_h_skips_the_first_sample() {
        let g = TimeGrid::from_resolution_ms(0.1).unwrap();
        let mut p = Params::new();
        p.insert("offset", Value::Float(0.1));
        let spec = multimeter_spec(&mut p, &g).unwrap();
        let samples: Vec<i64> = (0..25).filter(|&s| spec.samples_at(s)).collect();
        assert_eq!(samples, vec![11, 21]);
        let mut p = Params::new();
        p.insert("offset", Value::Float(0.5));
        let spec = multimeter_spec(&mut p, &g).unwrap();
        let samples: Vec<i64> = (0..25).filter(|&s| spec.samples_at(s)).collect();
        assert_eq!(samples, vec![5, 15]);
    }

    #[test]
    fn backend_keys_are_checked_and_not_kept() {
        // A scenario (or an export of a PyNEST script) may carry NEST's backend keys.
        let g = TimeGrid::from_resolution_ms(0.1).unwrap();
        let mut p = Params::new();
        p.insert("record_to", Value::Str("ascii".into()));
        p.insert("file_extension", Value::Str("gdf".into()));
        p.insert("precision", Value::Int(5));
        let spec = spike_recorder_spec(&mut p, &g).unwrap();
        assert_eq!(spec.window, Window::ALWAYS);
        assert!(p.is_empty(), "{p:?}");
        let mut p = Params::new();
        p.insert("precision", Value::Float(2.5));
        let e = multimeter_spec(&mut p, &g).unwrap_err();
        assert_eq!(e.key(), Some("precision"), "{e}");
    }

    #[test]
    fn interval_off_the_grid_is_rejected() {
        let g = TimeGrid::from_resolution_ms(0.1).unwrap();
        let mut p = Params::new();
        p.insert("interval", Value::Float(0.15));
        let e = multimeter_spec(&mut p, &g).unwrap_err().to_string();
        assert!(e.contains("interval") && e.contains("multiple"), "{e}");
    }
}
