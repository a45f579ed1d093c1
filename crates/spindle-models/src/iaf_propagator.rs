//! NEST's exact-integration propagators from synaptic current to membrane potential for leaky
//! integrate-and-fire neurons with exponential or alpha-shaped PSCs (`libnestutil/
//! iaf_propagator.{h,cpp}`), and NEST's own `expm1` (`libnestutil/numerics.h`), spec §4.0.
//!
//! For a synaptic time constant `τs`, membrane time constant `τm`, capacitance `C` and step `h`,
//! with `β = τs·τm/(τm − τs)`, `γ = β/C`:
//!
//! ```text
//! P32 = γ·e^{−h/τs}·expm1(h·(τm − τs)/(τs·τm))          current I  → V
//! P31 = γ·e^{−h/τs}·(β·expm1(…) − h)                    alpha dI/dt → V
//! ```
//!
//! Near `τm = τs` both forms lose all precision (and at equality they are 0·∞), so NEST switches
//! to the limits `P32 = (h/C)·e^{−h/τm}` (whenever the regular value is not a positive normal
//! number) and `P31 = ½h²/C·e^{−h/τm}` (whenever `h ≤ 1e-7·τm²/|τm − τs|`). Every expression
//! below keeps NEST's operation order, so the propagators are NEST's doubles.

/// NEST's `NUMERICAL_STABILITY_FACTOR_`.
const NUMERICAL_STABILITY_FACTOR: f64 = 1e-7;

/// NEST's `numerics::expm1` as built into the NEST 3.10 wheel (no system `expm1`): the Taylor
/// series for `|x| ≤ ln 2`, `exp(x) − 1` beyond. It can differ from libm's `expm1` by an ulp,
/// enough to make `iaf_psc_*` traces differ by ~1e-14 mV, so the propagators use this one.
pub(crate) fn expm1(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    if x.abs() > std::f64::consts::LN_2 {
        return x.exp() - 1.0;
    }
    let mut sum = x;
    let mut term = x * x / 2.0;
    // NEST counts with a `long` that is converted for the division; small integers are exact.
    let mut n = 2.0f64;
    while term.abs() > sum.abs() * f64::EPSILON {
        sum += term;
        n += 1.0;
        term *= x / n;
    }
    sum
}

/// The precomputed quantities of one (τs, τm, C) combination (NEST's `IAFPropagator`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct IafPropagator {
    h_min_regular: f64,
    beta: f64,
    gamma: f64,
    inv_tau_syn: f64,
    inv_tau_m: f64,
    inv_c_m: f64,
    inv_beta: f64,
}

impl IafPropagator {
    pub(crate) fn new(tau_syn: f64, tau_m: f64, c_m: f64) -> IafPropagator {
        let beta = tau_syn * tau_m / (tau_m - tau_syn);
        IafPropagator {
            h_min_regular: NUMERICAL_STABILITY_FACTOR * tau_m * tau_m / (tau_m - tau_syn).abs(),
            beta,
            gamma: beta / c_m,
            inv_tau_syn: 1.0 / tau_syn,
            inv_tau_m: 1.0 / tau_m,
            inv_c_m: 1.0 / c_m,
            inv_beta: (tau_m - tau_syn) / (tau_syn * tau_m),
        }
    }

    /// `(P32, e^{−h/τs}, expm1(h/β), e^{−h/τm} if it was needed)` (NEST's `evaluate_P32_`).
    fn p32_parts(&self, h: f64) -> (f64, f64, f64, Option<f64>) {
        let exp_h_tau_syn = (-h * self.inv_tau_syn).exp();
        let expm1_h_tau = expm1(h * self.inv_beta);
        let p32 = self.gamma * exp_h_tau_syn * expm1_h_tau;
        if p32.is_normal() && p32 > 0.0 {
            (p32, exp_h_tau_syn, expm1_h_tau, None)
        } else {
            let exp_h_tau = (-h * self.inv_tau_m).exp();
            let p32_singular = h * self.inv_c_m * exp_h_tau;
            (p32_singular, exp_h_tau_syn, expm1_h_tau, Some(exp_h_tau))
        }
    }

    /// `P32` of an exponential PSC (NEST's `IAFPropagatorExp::evaluate`).
    pub(crate) fn exp_psc(&self, h: f64) -> f64 {
        self.p32_parts(h).0
    }

    /// `(P31, P32)` of an alpha PSC (NEST's `IAFPropagatorAlpha::evaluate`).
    pub(crate) fn alpha_psc(&self, h: f64) -> (f64, f64) {
        let (p32, exp_h_tau_syn, expm1_h_tau, exp_h_tau) = self.p32_parts(h);
        if h > self.h_min_regular {
            let p31 = self.gamma * exp_h_tau_syn * (self.beta * expm1_h_tau - h);
            return (p31, p32);
        }
        let exp_h_tau = exp_h_tau.unwrap_or_else(|| (-h * self.inv_tau_m).exp());
        (0.5 * h * h * self.inv_c_m * exp_h_tau, p32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expm1_is_within_an_ulp_of_libm_and_exact_at_the_edges() {
        assert_eq!(expm1(0.0), 0.0);
        assert_eq!(expm1(1.0), 1.0f64.exp() - 1.0);
        for &x in &[-0.01, -1e-5, 0.3, -0.69, 1e-12, -0.1 / 10.0] {
            let (ours, libm) = (expm1(x), x.exp_m1());
            assert!(
                (ours - libm).abs() <= libm.abs() * f64::EPSILON,
                "{x}: {ours} vs {libm}"
            );
        }
    }

    #[test]
    fn propagators_approach_the_singular_limit_continuously() {
        let (h, tau_m, c) = (0.1, 10.0, 250.0);
        let singular = IafPropagator::new(tau_m, tau_m, c);
        let (p31_s, p32_s) = singular.alpha_psc(h);
        assert_eq!(p32_s, h * (1.0 / c) * (-h * (1.0 / tau_m)).exp());
        assert_eq!(p31_s, 0.5 * h * h * (1.0 / c) * (-h * (1.0 / tau_m)).exp());
        let near = IafPropagator::new(tau_m * (1.0 + 1e-6), tau_m, c);
        let (p31, p32) = near.alpha_psc(h);
        assert!((p31 - p31_s).abs() < 1e-9 * p31_s, "{p31} vs {p31_s}");
        assert!((p32 - p32_s).abs() < 1e-6 * p32_s, "{p32} vs {p32_s}");
        assert_eq!(near.exp_psc(h), p32);
    }
}
