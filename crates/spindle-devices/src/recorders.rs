//! Recording devices: `spike_recorder` and `multimeter` (spec §5.6–5.7), configured into the
//! kernel's recording specs.
//!
//! Departures from NEST (see docs): the multimeter records every sample up to and including
//! the end of each run (NEST holds back the last min-delay slice until the next `Simulate`),
//! and spike recorder events are sorted by (time, sender).

use crate::window::DeviceWindow;
use spindle_core::params::{invalid, ParamError, Params};
use spindle_core::recording::{MultimeterSpec, SpikeRecorderSpec, Window};
use spindle_core::time::representable_ms;
use spindle_core::TimeGrid;

pub const SPIKE_RECORDER_KEYS: &[&str] = &["origin", "start", "stop", "record_to", "label"];

pub const MULTIMETER_KEYS: &[&str] = &[
    "interval",
    "offset",
    "record_from",
    "origin",
    "start",
    "stop",
    "record_to",
    "label",
];

fn window(w: DeviceWindow) -> Window {
    Window {
        after: w.t_min,
        until: w.t_max,
    }
}

/// `record_to` and `label` are accepted for compatibility with PyNEST scripts; spindle always
/// records to its output file.
fn accept_record_to(params: &mut Params) -> Result<(), ParamError> {
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
    Ok(())
}

/// A `spike_recorder`: records spikes with `origin+start < t ≤ origin+stop`.
pub fn spike_recorder_spec(
    params: &mut Params,
    grid: &TimeGrid,
) -> Result<SpikeRecorderSpec, ParamError> {
    accept_record_to(params)?;
    Ok(SpikeRecorderSpec {
        window: window(DeviceWindow::from_params(params, grid)?),
    })
}

/// A `multimeter`.
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `interval` | 1.0 | ms | sampling interval, a multiple of the resolution |
/// | `offset` | 0 | ms | first sample time (0 = samples at multiples of `interval`) |
/// | `record_from` | [] | | recordable names of the targets |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | samples with `origin+start < t ≤ origin+stop` |
pub fn multimeter_spec(params: &mut Params, grid: &TimeGrid) -> Result<MultimeterSpec, ParamError> {
    accept_record_to(params)?;
    let interval_ms = params.f64("interval")?.unwrap_or(1.0);
    let interval = Some(interval_ms)
        .filter(|&t| representable_ms(t))
        .and_then(|t| grid.ms_on_grid(t))
        .filter(|&s| s >= 1)
        .ok_or_else(|| {
            invalid(
                "interval",
                interval_ms,
                format!(
                    "The sampling interval must be a positive multiple of the simulation resolution ({} ms), at most {:.1e} ms.",
                    grid.h(),
                    spindle_core::time::MAX_TIME_MS
                ),
            )
        })?;
    let offset_ms = params.f64("offset")?.unwrap_or(0.0);
    let offset = Some(offset_ms)
        .filter(|&t| representable_ms(t))
        .and_then(|t| grid.ms_on_grid(t))
        .filter(|&s| s >= 0)
        .ok_or_else(|| {
            invalid(
                "offset",
                offset_ms,
                format!(
                    "The offset must be 0 or a positive multiple of the simulation resolution ({} ms).",
                    grid.h()
                ),
            )
        })?;
    let record_from = params.string_list("record_from")?.unwrap_or_default();
    for (i, name) in record_from.iter().enumerate() {
        if record_from[..i].contains(name) {
            return Err(invalid(
                "record_from",
                format!("{name:?}"),
                "is listed twice",
            ));
        }
    }
    Ok(MultimeterSpec {
        interval,
        offset,
        window: window(DeviceWindow::from_params(params, grid)?),
        record_from,
    })
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
    fn interval_off_the_grid_is_rejected() {
        let g = TimeGrid::from_resolution_ms(0.1).unwrap();
        let mut p = Params::new();
        p.insert("interval", Value::Float(0.15));
        let e = multimeter_spec(&mut p, &g).unwrap_err().to_string();
        assert!(e.contains("interval") && e.contains("multiple"), "{e}");
    }
}
