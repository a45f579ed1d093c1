//! The integer time grid.
//!
//! Time inside the kernel is a whole number of steps ([`Step`]); milliseconds exist only at the
//! edges. The conversions reproduce NEST's `Time` class bit for bit (spec §1.1): a resolution is
//! stored as a whole number of tics (1 tic = 1 µs), times in ms are rounded to the nearest tic,
//! refractory periods round *up* to whole steps and delays round to the nearest step.

/// A point on the time grid, or a duration, in simulation steps.
pub type Step = i64;

/// Tics per millisecond (NEST's default `tics_per_ms`).
pub const TICS_PER_MS: i64 = 1000;

/// The largest time, in ms, that a front end should accept anywhere (simulation times, device
/// times, intervals, delays): 2⁵² tics, about 143 years. Step counts and sums of a few of them
/// then stay exact in an `f64` and far from overflowing an `i64`.
pub const MAX_TIME_MS: f64 = (1u64 << 52) as f64 / TICS_PER_MS as f64;

/// Whether `t` (ms) is a time spindle can represent: finite and within ±[`MAX_TIME_MS`].
pub fn representable_ms(t: f64) -> bool {
    t.is_finite() && t.abs() <= MAX_TIME_MS
}

/// The simulation time grid of one kernel: the resolution `h` in tics per step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeGrid {
    tics_per_step: i64,
}

impl TimeGrid {
    /// The grid for a resolution `h` in ms, or `None` if `h` is not positive or rounds to zero
    /// tics.
    pub fn from_resolution_ms(h: f64) -> Option<TimeGrid> {
        if !(h.is_finite() && h > 0.0) {
            return None;
        }
        let tics_per_step = (1000.0 * h + 0.5).floor() as i64;
        (tics_per_step >= 1).then_some(TimeGrid { tics_per_step })
    }

    pub fn tics_per_step(&self) -> i64 {
        self.tics_per_step
    }

    /// The resolution in ms as models see it (`tps · 0.001`).
    pub fn h(&self) -> f64 {
        self.tics_per_step as f64 * 0.001
    }

    /// ms → tics, rounded to the nearest tic (NEST's `Time::ms`).
    pub fn ms_to_tics(t: f64) -> i64 {
        (t * TICS_PER_MS as f64 + 0.5) as i64
    }

    /// tics → steps, rounded up (NEST's `get_steps()`): multiplication by the reciprocal, then
    /// truncation, exactly as NEST does it. Saturates for times beyond `i64` tics (a
    /// refractory period of 1e300 ms is accepted, as NEST accepts it, and never ends).
    pub fn tics_to_steps_up(&self, tics: i64) -> Step {
        (tics.saturating_add(self.tics_per_step - 1) as f64 * (1.0 / self.tics_per_step as f64))
            as Step
    }

    /// A duration in ms as a whole number of steps, rounded up (e.g. `t_ref`).
    pub fn ms_to_steps_up(&self, t: f64) -> Step {
        self.tics_to_steps_up(Self::ms_to_tics(t))
    }

    /// A time in ms that must lie on the grid (device `start`/`stop`/`origin`, spike times,
    /// `Simulate` durations): the step count, or `None` if it is off the grid.
    pub fn ms_on_grid(&self, t: f64) -> Option<Step> {
        let tics = Self::ms_to_tics(t);
        (tics % self.tics_per_step == 0).then_some(tics / self.tics_per_step)
    }

    /// A time in ms moved *up* to the end of its step, as `spike_generator` does with
    /// `allow_offgrid_times`: a time within half a tic of the grid snaps to it, anything else
    /// goes through NEST's `ms_stamp`.
    pub fn ms_to_steps_stamp(&self, t: f64) -> Step {
        if let Some(s) = self.ms_on_grid(t) {
            return s;
        }
        let tps = self.tics_per_step;
        let mut n = (t * TICS_PER_MS as f64) as i64;
        n -= n % tps;
        if (n as f64) * (1.0 / tps as f64) * self.h() < t {
            n += tps;
        }
        n / tps
    }

    /// A connection delay in ms as steps, rounded to the nearest step (halves up).
    pub fn delay_to_steps(&self, d: f64) -> Step {
        (d * (1.0 / self.h()) + 0.5).floor() as Step
    }

    /// NEST's `Time::delay_steps_to_ms` factor (`MS_PER_STEP = tics_per_step / 1000`): a
    /// delay of `d` steps is `d · ms_per_step()` ms, as synapses read it.
    pub fn ms_per_step(&self) -> f64 {
        self.tics_per_step as f64 / 1000.0
    }

    /// A step as a time in ms, computed as NEST reports it (`tics · 0.001`).
    pub fn step_to_ms(&self, s: Step) -> f64 {
        (s * self.tics_per_step) as f64 * 0.001
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refractory_steps_round_up_as_nest() {
        let g001 = TimeGrid::from_resolution_ms(0.01).unwrap();
        let g01 = TimeGrid::from_resolution_ms(0.1).unwrap();
        assert_eq!(g001.ms_to_steps_up(3.75), 375);
        assert_eq!(g01.ms_to_steps_up(3.75), 38);
    }

    #[test]
    fn delays_round_to_nearest_step_halves_up() {
        let g = TimeGrid::from_resolution_ms(0.1).unwrap();
        let got: Vec<Step> = [1.04, 1.05, 1.15, 0.15, 2.26]
            .iter()
            .map(|&d| g.delay_to_steps(d))
            .collect();
        assert_eq!(got, vec![10, 11, 12, 2, 23]);
    }

    #[test]
    fn on_grid_test_snaps_within_half_a_tic() {
        let g = TimeGrid::from_resolution_ms(0.1).unwrap();
        assert_eq!(g.ms_on_grid(0.1000004), Some(1));
        assert_eq!(g.ms_on_grid(0.16), None);
        assert_eq!(g.ms_on_grid(1.0001), Some(10));
        assert_eq!(g.ms_on_grid(1.05), None);
    }

    #[test]
    fn offgrid_times_move_up_to_the_end_of_their_step() {
        let g = TimeGrid::from_resolution_ms(0.1).unwrap();
        assert_eq!(g.ms_to_steps_stamp(1.05), 11);
        assert_eq!(g.ms_to_steps_stamp(1.0004), 10);
        assert_eq!(g.ms_to_steps_stamp(1.0006), 11);
    }

    #[test]
    fn bad_resolutions_are_rejected() {
        assert!(TimeGrid::from_resolution_ms(0.0).is_none());
        assert!(TimeGrid::from_resolution_ms(-0.1).is_none());
        assert!(TimeGrid::from_resolution_ms(f64::NAN).is_none());
        assert!(TimeGrid::from_resolution_ms(0.0004).is_none());
    }
}
