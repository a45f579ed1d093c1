//! `weight_recorder` (NEST's `models/weight_recorder.h`, 3.10): a recording device that a
//! synapse model names (`CopyModel("stdp_synapse", "x", {"weight_recorder": wr})` or
//! `SetDefaults`); every event a synapse of that model transmits is recorded with `senders`,
//! `targets`, `times` (the presynaptic spike's time), `weights` (the weight the event
//! carries, after the synapse's update), `receptors` and `ports`. The kernel records; this
//! file reads its parameters:
//!
//! | key | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `origin`, `start`, `stop` | 0, 0, ∞ | ms | events with `origin+start < t ≤ origin+stop` |
//! | `senders` | [] | | record only events of these presynaptic nodes (empty: all) |
//! | `targets` | [] | | record only events into these postsynaptic nodes (empty: all) |
//! | `record_to`, `label`, `time_in_steps`, `file_extension`, `precision` | | | as for every recorder (see `recorders.rs`) |

use crate::recorders::{accept_record_to, updated_window};
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::recording::{WeightRecorderSpec, Window};
use spindle_core::{NodeId, TimeGrid};

pub const WEIGHT_RECORDER_KEYS: &[&str] = &[
    "origin",
    "start",
    "stop",
    "senders",
    "targets",
    "record_to",
    "label",
    "time_in_steps",
    "file_extension",
    "precision",
];

/// A `weight_recorder` with NEST's defaults, then `params`.
pub fn weight_recorder_spec(
    params: &mut Params,
    grid: &TimeGrid,
) -> Result<WeightRecorderSpec, ParamError> {
    let mut spec = WeightRecorderSpec {
        window: Window::ALWAYS,
        senders: None,
        targets: None,
    };
    set_weight_recorder_status(&mut spec, params, grid)?;
    Ok(spec)
}

/// NEST's `GetStatus` of a `weight_recorder`'s own parameters: `origin`, `start`, `stop` (ms),
/// `senders` and `targets` (node ids, empty when not set).
pub fn weight_recorder_status(spec: &WeightRecorderSpec, grid: &TimeGrid) -> Params {
    let mut p = Params::new();
    crate::window::DeviceWindow::from_recording(&spec.window).write(grid, &mut p);
    let ids = |set: &Option<Vec<NodeId>>| {
        Value::List(
            set.iter()
                .flatten()
                .map(|id| Value::Int(i64::from(id.0)))
                .collect(),
        )
    };
    p.insert("senders", ids(&spec.senders));
    p.insert("targets", ids(&spec.targets));
    p
}

/// NEST's `SetStatus` of a `weight_recorder`: any time; on error nothing changes.
pub fn set_weight_recorder_status(
    spec: &mut WeightRecorderSpec,
    dict: &mut Params,
    grid: &TimeGrid,
) -> Result<(), ParamError> {
    let mut rest = dict.clone();
    accept_record_to(&mut rest)?;
    let window = updated_window(&spec.window, &mut rest, grid)?;
    let senders = node_set(&mut rest, "senders")?;
    let targets = node_set(&mut rest, "targets")?;
    spec.window = window;
    if let Some(s) = senders {
        spec.senders = s;
    }
    if let Some(t) = targets {
        spec.targets = t;
    }
    *dict = rest;
    Ok(())
}

/// A `senders`/`targets` value: node ids (a NodeCollection), ascending without repeats;
/// empty means "all" (`None`).
fn node_set(d: &mut Params, key: &str) -> Result<Option<Option<Vec<NodeId>>>, ParamError> {
    let Some(ids) = d.i64_list(key)? else {
        return Ok(None);
    };
    if let Some(&bad) = ids.iter().find(|&&i| i <= 0 || i > i64::from(u32::MAX)) {
        return Err(spindle_core::params::invalid(
            key,
            bad.to_string(),
            "node ids are positive",
        ));
    }
    let mut ids: Vec<NodeId> = ids.into_iter().map(|i| NodeId(i as u32)).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(Some((!ids.is_empty()).then_some(ids)))
}
