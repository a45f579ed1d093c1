//! `stdp_pl_synapse_hom` — pair-based STDP with power-law weight dependence of facilitation
//! (Morrison et al. 2007), parameters shared by all connections of the model.
//!
//! For each postsynaptic spike `t_post` in `(t_last − d, t − d]`:
//! `w ← w + λ w^μ K⁺ exp((t_last − t_post − d) / τ₊)`; then `w ← max(0, w − λ α w K⁻(t − d))`,
//! and `K⁺ ← K⁺ exp((t_last − t) / τ₊) + 1` (NEST multiplies by `1/τ₊`, kept as it does).
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `tau_plus` | 20.0 | ms | time constant of K⁺ (common, > 0) |
//! | `lambda` | 0.1 | | step size (common) |
//! | `alpha` | 1.0 | | asymmetry of depression (common) |
//! | `mu` | 0.4 | | exponent of the weight dependence (common) |
//! | `Kplus` | 0.0 | | presynaptic trace (per connection) |
//!
//! NEST: `models/stdp_pl_synapse_hom.h` (3.10). Reference: Morrison A, Aertsen A, Diesmann M
//! (2007) Neural Comput 19:1437–1467.

use crate::stdp::{HomStdp, PairRule};
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{put_f64, update_f64};

/// NEST's `STDPPLHomCommonProperties`.
#[derive(Clone, Debug, PartialEq)]
pub struct StdpPlParams {
    pub tau_plus: f64,
    pub tau_plus_inv: f64,
    pub lambda: f64,
    pub alpha: f64,
    pub mu: f64,
}

impl Default for StdpPlParams {
    fn default() -> StdpPlParams {
        StdpPlParams {
            tau_plus: 20.0,
            tau_plus_inv: 1.0 / 20.0,
            lambda: 0.1,
            alpha: 1.0,
            mu: 0.4,
        }
    }
}

/// The keys that only `SetDefaults`/`CopyModel` may set.
pub const COMMON_KEYS: &[&str] = &["tau_plus", "lambda", "alpha", "mu"];

/// The per-connection keys besides the generic ones.
pub const KEYS: &[&str] = &["Kplus"];

impl StdpPlParams {
    pub fn get(&self, d: &mut Params) {
        put_f64(
            d,
            &[
                ("tau_plus", self.tau_plus),
                ("lambda", self.lambda),
                ("alpha", self.alpha),
                ("mu", self.mu),
            ],
        );
    }

    /// NEST's `STDPPLHomCommonProperties::set_status`.
    pub fn set(&mut self, d: &mut Params) -> Result<(), ParamError> {
        let mut p = self.clone();
        update_f64(d, "tau_plus", &mut p.tau_plus)?;
        if p.tau_plus > 0.0 {
            p.tau_plus_inv = 1.0 / p.tau_plus;
        } else {
            return Err(ParamError::rule("tau_plus > 0. required.").with("tau_plus", p.tau_plus));
        }
        update_f64(d, "lambda", &mut p.lambda)?;
        update_f64(d, "alpha", &mut p.alpha)?;
        update_f64(d, "mu", &mut p.mu)?;
        *self = p;
        Ok(())
    }
}

impl PairRule for StdpPlParams {
    /// NEST multiplies by `1/tau_plus`, computed when `tau_plus` is set.
    #[inline]
    fn decay(&self, dt: f64) -> f64 {
        (dt * self.tau_plus_inv).exp()
    }

    #[inline]
    fn facilitate(&self, w: f64, kplus: f64) -> f64 {
        w + (self.lambda * w.powf(self.mu) * kplus)
    }

    #[inline]
    fn depress(&self, w: f64, kminus: f64) -> f64 {
        let new_w = w - (self.lambda * self.alpha * w * kminus);
        if new_w > 0.0 {
            new_w
        } else {
            0.0
        }
    }
}

/// `stdp_pl_synapse_hom`: the power-law rule with common parameters, `Kplus` as state.
pub type StdpPlSynapseHom = HomStdp<StdpPlParams>;
