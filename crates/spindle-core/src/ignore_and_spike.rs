//! NEST's ignore-and-spike mechanism (`IgnoreAndSpikeMechanism`, part of every neuron's
//! `ArchivingNode` in NEST 3.10).
//!
//! Every neuron has the keys `ignore_and_spike` (default `false`), `ignore_and_spike_offset`
//! (1 ms) and `ignore_and_spike_interval` (100 ms); both times must be > 0 (`BadProperty`).
//! While the mechanism is on, a model that honours it ignores its own threshold crossings and
//! spikes instead at the offset after creation or after the offset was last set, then every
//! interval: a step counter starts at the offset in steps, goes down by one every update
//! while the mechanism is on, and a forced spike is due when it reaches 0 (it restarts at the
//! interval). Setting the offset (or interval) restarts the counter from it. In NEST 3.10
//! only `iaf_psc_delta` (of spindle's models) and the e-prop models honour it; every other
//! model keeps the keys and spikes as before, as in NEST.
//!
//! NEST converts the times to steps when they are set; spindle converts them before the next
//! update (`prepare`), which gives the same counts because the resolution cannot change once
//! nodes exist and no update happens in between.

use crate::params::{ParamError, Params, Value};
use crate::time::TimeGrid;

/// One neuron's ignore-and-spike state.
#[derive(Clone, Debug, PartialEq)]
pub struct IgnoreAndSpike {
    enabled: bool,
    offset: f64,
    interval: f64,
    steps_until_spike: i64,
    interval_steps: i64,
    /// The offset / interval was set (or the neuron made) since the last `prepare`: its
    /// counter is set from it there.
    offset_pending: bool,
    interval_pending: bool,
}

impl Default for IgnoreAndSpike {
    fn default() -> IgnoreAndSpike {
        IgnoreAndSpike {
            enabled: false,
            offset: 1.0,
            interval: 100.0,
            steps_until_spike: 0,
            interval_steps: 0,
            offset_pending: true,
            interval_pending: true,
        }
    }
}

/// The node keys of the mechanism.
pub const IGNORE_AND_SPIKE_KEYS: &[&str] = &[
    "ignore_and_spike",
    "ignore_and_spike_offset",
    "ignore_and_spike_interval",
];

impl IgnoreAndSpike {
    /// Whether forced spikes replace the model's own.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Convert the times set since the last call to steps (NEST's `Time::ms(t).get_steps()`).
    pub fn prepare(&mut self, grid: &TimeGrid) {
        if self.offset_pending {
            self.steps_until_spike = grid.ms_to_steps_up(self.offset);
            self.offset_pending = false;
        }
        if self.interval_pending {
            self.interval_steps = grid.ms_to_steps_up(self.interval);
            self.interval_pending = false;
        }
    }

    /// NEST's `spike_event_is_due`: whether the neuron spikes in this update, given whether
    /// its own dynamics would (`dynamic`). Call once per update step.
    #[inline]
    pub fn spike_event_is_due(&mut self, dynamic: bool) -> bool {
        if !self.enabled {
            return dynamic;
        }
        self.steps_until_spike -= 1;
        let forced = self.steps_until_spike == 0;
        if forced {
            self.steps_until_spike = self.interval_steps;
        }
        forced
    }

    /// NEST's `get_status`.
    pub fn get_status(&self, d: &mut Params) {
        d.insert("ignore_and_spike", Value::Bool(self.enabled));
        d.insert("ignore_and_spike_offset", Value::Float(self.offset));
        d.insert("ignore_and_spike_interval", Value::Float(self.interval));
    }

    /// NEST's `set_status`: both times > 0 (`BadProperty`); nothing changes on error.
    pub fn set_status(&mut self, d: &mut Params) -> Result<(), ParamError> {
        let enabled = d.bool("ignore_and_spike")?;
        let offset = d.f64("ignore_and_spike_offset")?;
        let interval = d.f64("ignore_and_spike_interval")?;
        if offset.is_some_and(|t| t <= 0.0) {
            return Err(ParamError::rule("ignore_and_spike_offset > 0 required.")
                .with("ignore_and_spike_offset", offset.unwrap_or(0.0)));
        }
        if interval.is_some_and(|t| t <= 0.0) {
            return Err(ParamError::rule("ignore_and_spike_interval > 0 required.")
                .with("ignore_and_spike_interval", interval.unwrap_or(0.0)));
        }
        if let Some(e) = enabled {
            self.enabled = e;
        }
        if let Some(t) = offset {
            self.offset = t;
            self.offset_pending = true;
        }
        if let Some(t) = interval {
            self.interval = t;
            self.interval_pending = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forced spikes at the offset, then every interval (NEST's t_k = t_0 + o + k Δt), the
    /// dynamics ignored.
    #[test]
    fn forced_spikes_follow_offset_and_interval() {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        let mut m = IgnoreAndSpike::default();
        let mut d = Params::new();
        d.insert("ignore_and_spike", Value::Bool(true));
        d.insert("ignore_and_spike_offset", Value::Float(0.5));
        d.insert("ignore_and_spike_interval", Value::Float(1.0));
        m.set_status(&mut d).unwrap();
        m.prepare(&grid);
        let due: Vec<usize> = (0..30).filter(|_| m.spike_event_is_due(true)).collect();
        // Update k (0-based) makes the spike stamped k + 1: 5, 15, 25 steps.
        assert_eq!(due, vec![4, 14, 24]);
    }

    #[test]
    fn times_must_be_positive() {
        let mut m = IgnoreAndSpike::default();
        let mut d = Params::new();
        d.insert("ignore_and_spike_interval", Value::Float(0.0));
        assert!(m.set_status(&mut d).is_err());
        assert_eq!(m, IgnoreAndSpike::default());
    }
}
