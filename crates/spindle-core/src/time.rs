//! The integer time grid.
//!
//! Time inside the kernel is a whole number of steps ([`Step`]); milliseconds exist only at the
//! edges. The conversions reproduce NEST's `Time` class bit for bit (spec §1.1,
//! `nestkernel/nest_time.{h,cpp}`): a kernel has a tic base (`tics_per_ms`, NEST's default
//! 1000: 1 tic = 1 µs) and a resolution stored as a whole number of tics; times in ms are
//! rounded to the nearest tic, refractory periods round *up* to whole steps and delays round
//! to the nearest step.

/// A point on the time grid, or a duration, in simulation steps.
pub type Step = i64;

/// NEST's default tic base (`tics_per_ms`).
pub const TICS_PER_MS: i64 = 1000;

/// The largest time, in ms, that a front end should accept anywhere (simulation times, device
/// times, intervals, delays): 2⁵² tics of the default base, about 143 years. Step counts and
/// sums of a few of them then stay exact in an `f64` and far from overflowing an `i64`, also
/// for the finer tic bases NEST's tests use (2¹⁴ tics per ms still leaves a factor 100).
pub const MAX_TIME_MS: f64 = (1u64 << 52) as f64 / TICS_PER_MS as f64;

/// Whether `t` (ms) is a time spindle can represent: finite and within ±[`MAX_TIME_MS`].
pub fn representable_ms(t: f64) -> bool {
    t.is_finite() && t.abs() <= MAX_TIME_MS
}

/// The simulation time grid of one kernel: the tic base and the resolution `h` in tics per
/// step, with NEST's derived factors (`Time::Range`), computed as NEST computes them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeGrid {
    tics_per_ms: f64,
    ms_per_tic: f64,
    tics_per_step: i64,
    ms_per_step: f64,
    steps_per_ms: f64,
}

impl Eq for TimeGrid {}

/// Why a (`tics_per_ms`, resolution) pair is refused: NEST's `SimulationManager::set_status`
/// messages (`KernelException`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeBaseError {
    /// The resolution is below one tic.
    BelowOneTic,
    /// The resolution is not a whole number of tics (nor a finite number, as in NEST).
    NotTicMultiple,
}

impl TimeBaseError {
    /// NEST's message.
    pub fn message(&self) -> &'static str {
        match self {
            TimeBaseError::BelowOneTic => {
                "Resolution must be greater than or equal to one tic. Value unchanged."
            }
            TimeBaseError::NotTicMultiple => {
                "Resolution must be a multiple of the tic length. Value unchanged."
            }
        }
    }
}

/// NEST's `is_integer` (libnestutil/numerics.cpp): within two bits of rounding error of a
/// whole number.
fn is_integer(n: f64) -> bool {
    if !n.is_finite() {
        return false;
    }
    let mut frac = n.fract();
    if frac > 0.5 {
        frac = 1.0 - frac;
    }
    frac < 4.0 * n * f64::EPSILON
}

impl TimeGrid {
    /// The grid for a resolution `h` in ms at the default tic base, or `None` if `h` is not
    /// positive or rounds to zero tics.
    pub fn from_resolution_ms(h: f64) -> Option<TimeGrid> {
        if !(h.is_finite() && h > 0.0) {
            return None;
        }
        let grid = TimeGrid::at(TICS_PER_MS as f64, h);
        (grid.tics_per_step >= 1).then_some(grid)
    }

    /// NEST's `SetKernelStatus({tics_per_ms, resolution})`: the resolution must be at least
    /// one tic and a whole number of tics (NEST's checks, in its order).
    pub fn with_tics_per_ms(tics_per_ms: i64, h: f64) -> Result<TimeGrid, TimeBaseError> {
        let tpm = tics_per_ms as f64;
        if h < 1.0 / tpm {
            return Err(TimeBaseError::BelowOneTic);
        }
        if !is_integer(h * tpm) {
            return Err(TimeBaseError::NotTicMultiple);
        }
        Ok(TimeGrid::at(tpm, h))
    }

    /// NEST's `SetKernelStatus({resolution})` on an existing tic base: the checks of
    /// [`TimeGrid::with_tics_per_ms`] against `ms_per_tic`.
    pub fn with_resolution(&self, h: f64) -> Result<TimeGrid, TimeBaseError> {
        if h < self.ms_per_tic {
            return Err(TimeBaseError::BelowOneTic);
        }
        if !is_integer(h / self.ms_per_tic) {
            return Err(TimeBaseError::NotTicMultiple);
        }
        Ok(TimeGrid::at(self.tics_per_ms, h))
    }

    /// NEST's `Time::set_resolution(tics_per_ms, ms_per_step)`, without checks.
    fn at(tics_per_ms: f64, h: f64) -> TimeGrid {
        let tics_per_step = (tics_per_ms * h + 0.5).floor() as i64;
        let ms_per_step = tics_per_step as f64 / tics_per_ms;
        TimeGrid {
            tics_per_ms,
            ms_per_tic: 1.0 / tics_per_ms,
            tics_per_step,
            ms_per_step,
            steps_per_ms: 1.0 / ms_per_step,
        }
    }

    /// The tic base (NEST's `tics_per_ms`; a whole number, kept as NEST keeps it).
    pub fn tics_per_ms(&self) -> f64 {
        self.tics_per_ms
    }

    /// NEST's `ms_per_tic` (`1 / tics_per_ms`).
    pub fn ms_per_tic(&self) -> f64 {
        self.ms_per_tic
    }

    pub fn tics_per_step(&self) -> i64 {
        self.tics_per_step
    }

    /// The resolution in ms as models see it (NEST's `get_ms()`: `ms_per_tic · tps`).
    pub fn h(&self) -> f64 {
        self.ms_per_tic * self.tics_per_step as f64
    }

    /// ms → tics, rounded to the nearest tic (NEST's `Time::ms`).
    pub fn ms_to_tics(&self, t: f64) -> i64 {
        (t * self.tics_per_ms + 0.5) as i64
    }

    /// ms → tics at the default tic base, for the parameter checks of models that validate
    /// without a grid (`t_ref` of at least one tic in `mat2_psc_exp`, `iaf_psc_exp_htum`).
    pub fn ms_to_default_tics(t: f64) -> i64 {
        (t * TICS_PER_MS as f64 + 0.5) as i64
    }

    /// tics → ms (NEST's `get_ms()`: `ms_per_tic · tics`).
    pub fn tics_to_ms(&self, tics: i64) -> f64 {
        self.ms_per_tic * tics as f64
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
        self.tics_to_steps_up(self.ms_to_tics(t))
    }

    /// A time in ms that must lie on the grid (device `start`/`stop`/`origin`, spike times,
    /// `Simulate` durations): the step count, or `None` if it is off the grid.
    pub fn ms_on_grid(&self, t: f64) -> Option<Step> {
        let tics = self.ms_to_tics(t);
        (tics % self.tics_per_step == 0).then_some(tics / self.tics_per_step)
    }

    /// A time in ms moved *up* to the end of its step (NEST's `Time::ms_stamp`), as
    /// `spike_generator` does with `allow_offgrid_times`: a time within half a tic of the grid
    /// snaps to it, anything else goes through NEST's `fromstamp`.
    pub fn ms_to_steps_stamp(&self, t: f64) -> Step {
        if let Some(s) = self.ms_on_grid(t) {
            return s;
        }
        self.ms_stamp_to_steps(t)
    }

    /// NEST's `Time(Time::ms_stamp(t)).get_steps()`: the end of the step that contains `t`
    /// (a time on the grid stays in its own step).
    pub fn ms_stamp_to_steps(&self, t: f64) -> Step {
        let tps = self.tics_per_step;
        let mut n = (t * self.tics_per_ms) as i64;
        n -= n % tps;
        if (n as f64) * (1.0 / tps as f64) * self.ms_per_step < t {
            n += tps;
        }
        n / tps
    }

    /// A connection delay in ms as steps, rounded to the nearest step (halves up; NEST's
    /// `delay_ms_to_steps`).
    pub fn delay_to_steps(&self, d: f64) -> Step {
        (d * self.steps_per_ms + 0.5).floor() as Step
    }

    /// NEST's `Time::delay_steps_to_ms` factor (`MS_PER_STEP = tics_per_step / tics_per_ms`):
    /// a delay of `d` steps is `d · ms_per_step()` ms, as synapses read it.
    pub fn ms_per_step(&self) -> f64 {
        self.ms_per_step
    }

    /// A step as a time in ms, computed as NEST reports it (`tics · ms_per_tic`).
    pub fn step_to_ms(&self, s: Step) -> f64 {
        (s * self.tics_per_step) as f64 * self.ms_per_tic
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

    #[test]
    fn the_default_base_is_the_grid_of_from_resolution_ms() {
        for h in [0.1, 0.01, 0.25, 1.0, 0.2, 0.003] {
            assert_eq!(
                TimeGrid::with_tics_per_ms(1000, h).unwrap(),
                TimeGrid::from_resolution_ms(h).unwrap()
            );
        }
    }

    /// NEST 3.10 (`nest.set(tics_per_ms=…, resolution=…)`, then `nest.ms_per_tic`,
    /// `nest.tics_per_step`, `nest.resolution`), read live.
    #[test]
    fn other_tic_bases_convert_as_nest() {
        let g = TimeGrid::with_tics_per_ms(1500, 0.5).unwrap();
        assert_eq!(g.tics_per_step(), 750);
        assert_eq!(g.ms_per_tic(), 0.0006666666666666666);
        assert_eq!(g.with_resolution(0.2).unwrap().h(), 0.19999999999999998);
        let g = TimeGrid::with_tics_per_ms(16384, 0.0625).unwrap();
        assert_eq!(
            (g.tics_per_step(), g.ms_per_tic(), g.h()),
            (1024, 6.103515625e-05, 0.0625)
        );
        let g = TimeGrid::with_tics_per_ms(1024, 0.25).unwrap();
        assert_eq!((g.tics_per_step(), g.ms_per_tic()), (256, 0.0009765625));
    }

    #[test]
    fn tic_base_errors_are_nests() {
        use TimeBaseError::*;
        let e = |tpm, h| TimeGrid::with_tics_per_ms(tpm, h).unwrap_err();
        assert_eq!(e(1000, 0.0001), BelowOneTic);
        assert_eq!(e(1000, 0.1002 + 0.00005), NotTicMultiple);
        assert_eq!(e(1000, 0.03125), NotTicMultiple);
        assert_eq!(e(0, 0.5), BelowOneTic);
        assert_eq!(e(-10, 0.5), NotTicMultiple);
        assert_eq!(e(1000, f64::NAN), NotTicMultiple);
        assert_eq!(e(1000, f64::INFINITY), NotTicMultiple);
        let g = TimeGrid::from_resolution_ms(0.1).unwrap();
        assert_eq!(g.with_resolution(0.0001).unwrap_err(), BelowOneTic);
    }
}
