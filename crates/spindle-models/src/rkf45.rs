//! GSL 1.15's Runge–Kutta–Fehlberg 4(5) stepper with its standard step-size controller, as
//! NEST's GSL-based models drive it (`gsl_odeiv_evolve_apply` with `gsl_odeiv_step_rkf45` and
//! `gsl_odeiv_control_y_new(eps_abs, 0.0)`, or, in the AdEx models,
//! `gsl_odeiv_control_yp_new(tol, tol)`: see [`Control`]).
//!
//! The point of this module is bit-exactness, not elegance: every expression reproduces the
//! order of floating-point operations of GSL's `ode-initval/rkf45.c`, `cstd.c` and (GSL 1.15)
//! `evolve.c` — coefficients as double quotients of the same integers, sums left to right, the
//! step multiplied onto the bracket — so that a trajectory matches NEST's to the last bit
//! (spec §2.6). The integrator never allocates: the caller lends the scratch arrays.

/// The right-hand side `f = dy/dt` of an autonomous system (the GLIF systems do not depend on
/// `t`, so the stage times GSL passes are not needed).
pub trait OdeSystem {
    fn eval(&self, y: &[f64], f: &mut [f64]);
}

// Runge–Kutta–Fehlberg coefficients, exactly as GSL writes them (zero elements left out).
const AH0: f64 = 1.0 / 4.0;
const B3: [f64; 2] = [3.0 / 32.0, 9.0 / 32.0];
const B4: [f64; 3] = [1932.0 / 2197.0, -7200.0 / 2197.0, 7296.0 / 2197.0];
const B5: [f64; 4] = [
    8341.0 / 4104.0,
    -32832.0 / 4104.0,
    29440.0 / 4104.0,
    -845.0 / 4104.0,
];
const B6: [f64; 5] = [
    -6080.0 / 20520.0,
    41040.0 / 20520.0,
    -28352.0 / 20520.0,
    9295.0 / 20520.0,
    -5643.0 / 20520.0,
];
const C1: f64 = 902880.0 / 7618050.0;
const C3: f64 = 3953664.0 / 7618050.0;
const C4: f64 = 3855735.0 / 7618050.0;
const C5: f64 = -1371249.0 / 7618050.0;
const C6: f64 = 277020.0 / 7618050.0;
// Differences of the fifth- and fourth-order weights, for the error estimate.
const EC1: f64 = 1.0 / 360.0;
const EC3: f64 = -128.0 / 4275.0;
const EC4: f64 = -2197.0 / 75240.0;
const EC5: f64 = 1.0 / 50.0;
const EC6: f64 = 2.0 / 55.0;

/// The order GSL's rkf45 reports to the controller.
const ORDER: f64 = 5.0;
/// The controller's safety factor `S`.
const SAFETY: f64 = 0.9;
/// Below this error ratio the step grows by the maximal factor 5: `0.9/q^(1/6) > 5` holds for
/// `q < 0.18^6 = 3.4012224e-5`; at 3.4e-5 `q^(1/6)` is ~6e-5 (relative) below 0.18, some 1e11
/// ulps of margin.
const MAX_GROWTH_BELOW: f64 = 3.4e-5;

/// Scratch arrays of one integration, each of the system's dimension. Borrowed, so that a chunk
/// can lend heap arrays allocated once, or a monomorphised caller stack arrays.
pub struct Work<'a> {
    pub k1: &'a mut [f64],
    pub k2: &'a mut [f64],
    pub k3: &'a mut [f64],
    pub k4: &'a mut [f64],
    pub k5: &'a mut [f64],
    pub k6: &'a mut [f64],
    pub ytmp: &'a mut [f64],
    pub y0: &'a mut [f64],
    pub yerr: &'a mut [f64],
}

/// Heap-backed [`Work`] for systems whose dimension is only known at run time.
#[derive(Clone, Debug, Default)]
pub struct WorkBuf {
    buf: Vec<f64>,
    dim: usize,
}

impl WorkBuf {
    pub fn new(dim: usize) -> WorkBuf {
        WorkBuf {
            buf: vec![0.0; 9 * dim],
            dim,
        }
    }

    pub fn work(&mut self) -> Work<'_> {
        let mut parts = self.buf.chunks_exact_mut(self.dim);
        Work::from_parts(std::array::from_fn(|_| parts.next().unwrap()))
    }
}

impl<'a> Work<'a> {
    /// Scratch arrays on the stack of a caller whose dimension is at most `D` (the integrator
    /// uses the first `y.len()` elements of each).
    pub fn on_stack<const D: usize>(stack: &'a mut [[f64; D]; 9]) -> Work<'a> {
        Work::from_parts(stack.each_mut().map(|a| &mut a[..]))
    }

    fn from_parts(parts: [&'a mut [f64]; 9]) -> Work<'a> {
        let [k1, k2, k3, k4, k5, k6, ytmp, y0, yerr] = parts;
        Work {
            k1,
            k2,
            k3,
            k4,
            k5,
            k6,
            ytmp,
            y0,
            yerr,
        }
    }
}

/// One RKF45 step of length `h` from `y` (in place), with `k1 = f(y)` given; writes the error
/// estimate to `w.yerr`. GSL's `rkf45_apply`.
#[inline(always)]
fn rkf45_step<S: OdeSystem>(sys: &S, h: f64, y: &mut [f64], w: &mut Work<'_>) {
    let n = y.len();
    let Work {
        k1,
        k2,
        k3,
        k4,
        k5,
        k6,
        ytmp,
        yerr,
        ..
    } = w;
    let (k1, k2, k3, k4, k5, k6) = (
        &k1[..n],
        &mut k2[..n],
        &mut k3[..n],
        &mut k4[..n],
        &mut k5[..n],
        &mut k6[..n],
    );
    let (ytmp, yerr) = (&mut ytmp[..n], &mut yerr[..n]);

    for i in 0..n {
        ytmp[i] = y[i] + AH0 * h * k1[i];
    }
    sys.eval(ytmp, k2);

    for i in 0..n {
        ytmp[i] = y[i] + h * (B3[0] * k1[i] + B3[1] * k2[i]);
    }
    sys.eval(ytmp, k3);

    for i in 0..n {
        ytmp[i] = y[i] + h * (B4[0] * k1[i] + B4[1] * k2[i] + B4[2] * k3[i]);
    }
    sys.eval(ytmp, k4);

    for i in 0..n {
        ytmp[i] = y[i] + h * (B5[0] * k1[i] + B5[1] * k2[i] + B5[2] * k3[i] + B5[3] * k4[i]);
    }
    sys.eval(ytmp, k5);

    for i in 0..n {
        ytmp[i] = y[i]
            + h * (B6[0] * k1[i] + B6[1] * k2[i] + B6[2] * k3[i] + B6[3] * k4[i] + B6[4] * k5[i]);
    }
    sys.eval(ytmp, k6);

    for i in 0..n {
        let d_i = C1 * k1[i] + C3 * k3[i] + C4 * k4[i] + C5 * k5[i] + C6 * k6[i];
        y[i] += h * d_i;
    }

    for i in 0..n {
        yerr[i] = h * (EC1 * k1[i] + EC3 * k3[i] + EC4 * k4[i] + EC5 * k5[i] + EC6 * k6[i]);
    }
}

/// What the standard controller decided (GSL's `GSL_ODEIV_HADJ_*`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Adjust {
    Decrease,
    Increase,
    Unchanged,
}

/// GSL's `std_control_hadjust` for a "y" controller with `eps_rel = 0`, `a_y = 1`,
/// `a_dydt = 0`: every component is held to the same absolute tolerance `eps_abs`.
#[inline(always)]
fn hadjust(eps_abs: f64, yerr: &[f64], h: &mut f64) -> Adjust {
    // GSL: D0 = eps_rel·(a_y·|y| + a_dydt·h_old·|y'|) + eps_abs, which is eps_abs for finite y.
    let d0 = eps_abs;
    // GSL takes rmax = max(DBL_MIN, max_i |yerr_i|/D0), skipping NaN ratios (GSL_MAX_DBL(r, rmax)
    // keeps rmax unless r > rmax). Division by a positive constant is monotonic under rounding,
    // so the largest quotient is the quotient of the largest |yerr_i|: one division, same bits.
    let mut emax = 0.0f64;
    for &e in yerr {
        let a = e.abs();
        emax = if a > emax { a } else { emax };
    }
    let r = emax / d0;
    let rmax = if r > f64::MIN_POSITIVE {
        r
    } else {
        f64::MIN_POSITIVE // DBL_MIN
    };
    rescale(rmax, h)
}

/// GSL's `std_control_hadjust` for a "yp" controller (`gsl_odeiv_control_yp_new(eps_abs,
/// eps_rel)`: `a_y = 0`, `a_dydt = 1`), NEST's AdEx models' choice: component `i` is held to
/// `eps_rel·|h_old·y'_i| + eps_abs`, `y'` the derivative at the end of the trial step. Written
/// as GSL writes it (the `0·|y_i|` term included, which is NaN for an infinite `y_i`).
#[inline(always)]
fn hadjust_yp(
    eps_abs: f64,
    eps_rel: f64,
    y: &[f64],
    yerr: &[f64],
    yp: &[f64],
    h: &mut f64,
) -> Adjust {
    let h_old = h.abs();
    let mut rmax = f64::MIN_POSITIVE; // DBL_MIN
    for i in 0..yerr.len() {
        let d0 = eps_rel * (0.0 * y[i].abs() + 1.0 * (h_old * yp[i]).abs()) + eps_abs;
        let r = yerr[i].abs() / d0.abs();
        rmax = if r > rmax { r } else { rmax };
    }
    rescale(rmax, h)
}

/// The step-size decision of GSL's standard controller from the largest error ratio `rmax`.
#[inline(always)]
fn rescale(rmax: f64, h: &mut f64) -> Adjust {
    let h_old = h.abs();
    // GSL 1.x form: the scale factor r is clamped, then multiplied onto the old step (GSL 2.x
    // multiplies first and clamps the step, which rounds differently).
    if rmax > 1.1 {
        // Decrease, by no more than a factor of 5, a fraction S more than scaling suggests.
        let mut r = SAFETY / rmax.powf(1.0 / ORDER);
        if r < 0.2 {
            r = 0.2;
        }
        *h = r * h_old;
        Adjust::Decrease
    } else if rmax < 0.5 {
        // Increase, by no more than a factor of 5; never decrease because S < 1.
        // GSL: `if (r > 5) r = 5; if (r < 1) r = 1;`, which is exactly `clamp` (NaN included).
        let r = if rmax < MAX_GROWTH_BELOW {
            // 0.9 / rmax^(1/6) > 5 with a margin far beyond pow's rounding: the clamp gives
            // exactly 5 whatever pow returns, so skip the (expensive) call. This is the common
            // case: a quiet neuron's error is tiny.
            5.0
        } else {
            (SAFETY / rmax.powf(1.0 / (ORDER + 1.0))).clamp(1.0, 5.0)
        };
        *h = r * h_old;
        Adjust::Increase
    } else {
        Adjust::Unchanged
    }
}

/// The tolerances of GSL's standard step-size controller, as NEST's models configure it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Control {
    /// `gsl_odeiv_control_y_new(eps_abs, 0.0)`: one absolute tolerance for every component.
    Y { eps_abs: f64 },
    /// `gsl_odeiv_control_yp_new(eps_abs, eps_rel)`: tolerance `eps_rel·|h·y'_i| + eps_abs`.
    Yp { eps_abs: f64, eps_rel: f64 },
}

/// One `gsl_odeiv_evolve_apply` (GSL 1.15) towards `t1`: advances `t` by one accepted step
/// (possibly after rejected trials) and leaves the proposed next step in `h`.
///
/// GSL 1.15 clips a step to the remaining interval only if it is *strictly* longer (`h0 > dt`)
/// and has no `nextafter` back-off (that arrived in later GSL versions).
#[inline(always)]
pub fn evolve_apply<S: OdeSystem>(
    sys: &S,
    eps_abs: f64,
    t: &mut f64,
    t1: f64,
    h: &mut f64,
    y: &mut [f64],
    w: &mut Work<'_>,
) {
    evolve_apply_with(sys, Control::Y { eps_abs }, t, t1, h, y, w);
}

/// [`evolve_apply`] with any of GSL's standard controllers. The "yp" controller needs the
/// derivative at the end of a trial step, which GSL's rkf45 evaluates after the step
/// (`dydt_out`); it goes into `w.ytmp`, free at that point.
#[inline(always)]
pub fn evolve_apply_with<S: OdeSystem>(
    sys: &S,
    control: Control,
    t: &mut f64,
    t1: f64,
    h: &mut f64,
    y: &mut [f64],
    w: &mut Work<'_>,
) {
    let n = y.len();
    let t0 = *t;
    let mut h0 = *h;
    let dt = t1 - t0;

    w.y0[..n].copy_from_slice(y);
    // The method can use dydt_in: f(t0, y) is evaluated once and reused by every trial.
    sys.eval(y, &mut w.k1[..n]);

    loop {
        let final_step = if (dt >= 0.0 && h0 > dt) || (dt < 0.0 && h0 < dt) {
            h0 = dt;
            true
        } else {
            false
        };

        rkf45_step(sys, h0, y, w);

        *t = if final_step { t1 } else { t0 + h0 };

        let h_old = h0;
        let adjust = match control {
            Control::Y { eps_abs } => hadjust(eps_abs, &w.yerr[..n], &mut h0),
            Control::Yp { eps_abs, eps_rel } => {
                sys.eval(y, &mut w.ytmp[..n]);
                hadjust_yp(eps_abs, eps_rel, y, &w.yerr[..n], &w.ytmp[..n], &mut h0)
            }
        };
        if adjust == Adjust::Decrease {
            // Retry only if the step really shrank and still moves time by at least an ulp.
            let t_curr = *t;
            let t_next = *t + h0;
            if h0.abs() < h_old.abs() && t_next != t_curr {
                y.copy_from_slice(&w.y0[..n]);
                continue;
            }
            h0 = h_old;
        }
        break;
    }
    *h = h0;
}

/// The right-hand side of `L` independent systems of dimension `D` at once, component-major:
/// `y[c][l]` is component `c` of system (lane) `l`. Each lane must compute exactly what the
/// scalar [`OdeSystem`] computes for it, operation for operation.
pub trait BatchSystem<const L: usize, const D: usize> {
    fn eval(&self, y: &[[f64; L]; D], f: &mut [[f64; L]; D]);
}

/// The state variable to blame for a diverged integration of `y` (components named by
/// `names`): the first that is not finite, else the largest in magnitude.
pub fn diverged(y: &[f64], names: &[&'static str]) -> spindle_core::model::Instability {
    let c = y.iter().position(|v| !v.is_finite()).unwrap_or_else(|| {
        (0..y.len())
            .max_by(|&a, &b| y[a].abs().total_cmp(&y[b].abs()))
            .unwrap_or(0)
    });
    spindle_core::model::Instability {
        neuron: 0,
        variable: names[c],
        value: y[c],
    }
}

/// The most accepted steps one integration over a simulation step may take. NEST-exact
/// scenarios take a handful; a diverging system (a conductance kicked by an absurd weight)
/// shrinks its step towards zero and would never reach the end of the step — NEST hangs there.
/// spindle gives up instead and the model reports NEST's `NumericalInstability`
/// (`NeuronChunk::take_instability`; [`diverged`] names the variable), so that no input makes a
/// run hang.
pub const MAX_STEPS: u32 = 100_000;

/// NEST's `while t < t1 { gsl_odeiv_evolve_apply(…) }` from `t = 0`: integrate `y` over one
/// simulation step of length `t1`, `h` being the step estimate in and out. Returns `false`
/// for a system that diverged (see [`MAX_STEPS`]) or reached a value that is not finite, `y`
/// holding where it got to.
#[inline(always)]
pub fn integrate<S: OdeSystem>(
    sys: &S,
    eps_abs: f64,
    t1: f64,
    h: &mut f64,
    y: &mut [f64],
    w: &mut Work<'_>,
) -> bool {
    let mut t = 0.0;
    let mut steps = 0;
    while t < t1 {
        if steps == MAX_STEPS {
            return false;
        }
        evolve_apply(sys, eps_abs, &mut t, t1, h, y, w);
        steps += 1;
    }
    y.iter().all(|v| v.is_finite())
}

/// `L` lanes, each running the scalar loop `while t < t1 { evolve_apply(…) }` from `t = 0`,
/// in lockstep: every trial step is computed for all lanes at once (the loops over lanes
/// vectorise, and independent lanes hide each other's latencies), and each lane keeps or
/// discards it exactly as [`evolve_apply`] would. A lane is bit for bit the scalar loop; the
/// lanes of `active = false` are left alone. `h` is each lane's step estimate, in and out.
/// Returns per lane whether it converged (`false` for a lane that diverged, as
/// [`integrate`] returns it).
#[inline(always)]
pub fn integrate_batch<S: BatchSystem<L, D>, const L: usize, const D: usize>(
    sys: &S,
    eps_abs: f64,
    t1: f64,
    h: &mut [f64; L],
    y: &mut [[f64; L]; D],
    active: [bool; L],
) -> [bool; L] {
    let mut converged = [true; L];
    let mut t = [0.0f64; L];
    for l in 0..L {
        if !active[l] {
            t[l] = t1;
        }
    }
    let mut k1 = [[0.0f64; L]; D];
    let mut k2 = [[0.0f64; L]; D];
    let mut k3 = [[0.0f64; L]; D];
    let mut k4 = [[0.0f64; L]; D];
    let mut k5 = [[0.0f64; L]; D];
    let mut k6 = [[0.0f64; L]; D];
    let mut ytmp = [[0.0f64; L]; D];
    let mut ynew = [[0.0f64; L]; D];
    let mut yerr = [[0.0f64; L]; D];
    let mut lane_err = [0.0f64; D];
    // One pass of the outer loop is one `evolve_apply` of every lane still short of t1.
    let mut passes = 0;
    while t.iter().any(|&tl| tl < t1) {
        if passes == MAX_STEPS {
            // The lanes still short of t1 diverged (see `integrate`).
            for l in 0..L {
                converged[l] = t[l] >= t1;
            }
            break;
        }
        passes += 1;
        let mut pending = [false; L];
        let (mut t0, mut h0, mut dt) = ([0.0f64; L], [0.0f64; L], [0.0f64; L]);
        for l in 0..L {
            pending[l] = t[l] < t1;
            t0[l] = t[l];
            h0[l] = h[l];
            dt[l] = t1 - t0[l];
        }
        // y is the base of every trial (the scalar code restores it from y0 on a retry).
        sys.eval(y, &mut k1);
        loop {
            let mut fin = [false; L];
            for l in 0..L {
                if pending[l] && h0[l] > dt[l] {
                    h0[l] = dt[l];
                    fin[l] = true;
                }
            }
            let hv = h0;
            for c in 0..D {
                for l in 0..L {
                    ytmp[c][l] = y[c][l] + AH0 * hv[l] * k1[c][l];
                }
            }
            sys.eval(&ytmp, &mut k2);
            for c in 0..D {
                for l in 0..L {
                    ytmp[c][l] = y[c][l] + hv[l] * (B3[0] * k1[c][l] + B3[1] * k2[c][l]);
                }
            }
            sys.eval(&ytmp, &mut k3);
            for c in 0..D {
                for l in 0..L {
                    ytmp[c][l] =
                        y[c][l] + hv[l] * (B4[0] * k1[c][l] + B4[1] * k2[c][l] + B4[2] * k3[c][l]);
                }
            }
            sys.eval(&ytmp, &mut k4);
            for c in 0..D {
                for l in 0..L {
                    ytmp[c][l] = y[c][l]
                        + hv[l]
                            * (B5[0] * k1[c][l]
                                + B5[1] * k2[c][l]
                                + B5[2] * k3[c][l]
                                + B5[3] * k4[c][l]);
                }
            }
            sys.eval(&ytmp, &mut k5);
            for c in 0..D {
                for l in 0..L {
                    ytmp[c][l] = y[c][l]
                        + hv[l]
                            * (B6[0] * k1[c][l]
                                + B6[1] * k2[c][l]
                                + B6[2] * k3[c][l]
                                + B6[3] * k4[c][l]
                                + B6[4] * k5[c][l]);
                }
            }
            sys.eval(&ytmp, &mut k6);
            for c in 0..D {
                for l in 0..L {
                    let d = C1 * k1[c][l]
                        + C3 * k3[c][l]
                        + C4 * k4[c][l]
                        + C5 * k5[c][l]
                        + C6 * k6[c][l];
                    ynew[c][l] = y[c][l] + hv[l] * d;
                }
            }
            for c in 0..D {
                for l in 0..L {
                    yerr[c][l] = hv[l]
                        * (EC1 * k1[c][l]
                            + EC3 * k3[c][l]
                            + EC4 * k4[c][l]
                            + EC5 * k5[c][l]
                            + EC6 * k6[c][l]);
                }
            }

            // Each pending lane: GSL's controller decides between retrying and accepting.
            for l in 0..L {
                if !pending[l] {
                    continue;
                }
                let t_new = if fin[l] { t1 } else { t0[l] + h0[l] };
                let h_old = h0[l];
                for c in 0..D {
                    lane_err[c] = yerr[c][l];
                }
                if hadjust(eps_abs, &lane_err, &mut h0[l]) == Adjust::Decrease {
                    if h0[l].abs() < h_old.abs() && t_new + h0[l] != t_new {
                        continue; // retry this lane with the smaller step
                    }
                    h0[l] = h_old;
                }
                for c in 0..D {
                    y[c][l] = ynew[c][l];
                }
                t[l] = t_new;
                h[l] = h0[l];
                pending[l] = false;
            }
            if !pending.iter().any(|&p| p) {
                break;
            }
        }
    }
    for l in 0..L {
        converged[l] &= y.iter().all(|c| c[l].is_finite());
    }
    converged
}

#[cfg(test)]
mod tests {
    use super::*;

    /// dy/dt = -y.
    struct Decay;
    impl OdeSystem for Decay {
        fn eval(&self, y: &[f64], f: &mut [f64]) {
            f[0] = -y[0];
        }
    }

    /// dy/dt = -k·y with a large k: forces rejected trial steps.
    struct Stiff(f64);
    impl OdeSystem for Stiff {
        fn eval(&self, y: &[f64], f: &mut [f64]) {
            f[0] = -self.0 * y[0];
        }
    }

    #[test]
    fn one_step_matches_the_rkf45_weights_on_a_linear_decay() {
        // For y' = -y the fifth-order RKF45 solution of one step is the Taylor polynomial of
        // exp(-h) to order 5 plus a sixth-order term; it must agree with exp(-h) to ~h^6.
        let mut buf = WorkBuf::new(1);
        let mut y = [1.0];
        let (mut t, mut h) = (0.0, 0.1);
        evolve_apply(&Decay, 1e-3, &mut t, 0.1, &mut h, &mut y, &mut buf.work());
        assert_eq!(t, 0.1);
        assert!((y[0] - (-0.1f64).exp()).abs() < 1e-9, "{}", y[0]);
        // A tiny error grows the proposal by the maximal factor 5.
        assert_eq!(h, 0.5);
    }

    #[test]
    fn rejected_steps_shrink_and_cover_the_interval() {
        let mut buf = WorkBuf::new(1);
        let mut y = [1000.0];
        let (mut t, mut h) = (0.0, 0.1);
        let mut calls = 0;
        while t < 0.1 {
            evolve_apply(
                &Stiff(200.0),
                1e-3,
                &mut t,
                0.1,
                &mut h,
                &mut y,
                &mut buf.work(),
            );
            calls += 1;
        }
        assert!(calls > 1, "needed several accepted steps");
        assert_eq!(t, 0.1);
        let exact = 1000.0 * (-20.0f64).exp();
        assert!((y[0] - exact).abs() < 1e-2, "{} vs {exact}", y[0]);
    }
}

/// What NEST's GSL-integrated models keep per neuron besides their state vector: the step
/// estimate GSL carries across steps and runs (`IntegrationStep_`) and the current input of the
/// coming step (`B_.I_stim_`), both set by NEST's `init_buffers_` once per node lifetime, at the
/// first run; and the resolution `h` of the current run.
#[derive(Clone, Debug)]
pub struct StepInputs {
    pub h: f64,
    pub integration_step: Vec<f64>,
    pub i_stim: Vec<f64>,
    initialised: bool,
}

impl StepInputs {
    pub fn new(n: usize) -> StepInputs {
        StepInputs {
            h: 0.0,
            integration_step: vec![0.0; n],
            i_stim: vec![0.0; n],
            initialised: false,
        }
    }

    /// The model's per-run hook: take the run's resolution; at the first run, NEST's
    /// `init_buffers_` (the step estimate starts at `h`, the current input at 0).
    pub fn prepare(&mut self, grid: &spindle_core::time::TimeGrid) {
        self.h = grid.h();
        if !self.initialised {
            self.integration_step.fill(self.h);
            self.i_stim.fill(0.0);
            self.initialised = true;
        }
    }
}
