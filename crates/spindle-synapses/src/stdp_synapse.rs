//! `stdp_synapse` — pair-based spike-timing-dependent plasticity with multiplicative weight
//! dependence (Gütig et al. 2003), every parameter per connection.
//!
//! At a presynaptic spike at `t` (synapse delay `d`, used as the dendritic delay), for each
//! postsynaptic spike `t_post` in `(t_last − d, t − d]`:
//!
//! ```text
//! ŵ ← ŵ + λ (1 − ŵ)^μ₊ K⁺ exp((t_last − t_post − d) / τ₊),   ŵ = w / Wmax, capped at 1
//! ```
//!
//! then `ŵ ← ŵ − α λ ŵ^μ₋ K⁻(t − d)` (floored at 0), the new weight is delivered, and
//! `K⁺ ← K⁺ exp((t_last − t) / τ₊) + 1`. K⁻ is the target's trace (`tau_minus`, a neuron key).
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `weight` | 1.0 | pA or nS | weight (same sign as `Wmax`) |
//! | `tau_plus` | 20.0 | ms | time constant of K⁺ |
//! | `lambda` | 0.01 | | step size |
//! | `alpha` | 1.0 | | asymmetry of depression |
//! | `mu_plus` | 1.0 | | weight dependence of facilitation |
//! | `mu_minus` | 1.0 | | weight dependence of depression |
//! | `Wmax` | 100.0 | pA or nS | largest weight |
//! | `Kplus` | 0.0 | | presynaptic trace (state) |
//!
//! NEST: `models/stdp_synapse.h` (3.10). References: Guetig R, Aharonov R, Rotter S,
//! Sompolinsky H (2003) J Neurosci 23:3697–3714; Rubin J, Lee D, Sompolinsky H (2001) PRL 86.

use crate::stdp::{non_negative, pair_send, same_sign, PairRule};
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{put_f64, update_f64, PlasticModel, SynapseState};

/// The parameters of the multiplicative STDP rule (per connection in `stdp_synapse`, per
/// model in `stdp_synapse_hom`).
#[derive(Clone, Debug, PartialEq)]
pub struct StdpParams {
    pub tau_plus: f64,
    pub lambda: f64,
    pub alpha: f64,
    pub mu_plus: f64,
    pub mu_minus: f64,
    pub w_max: f64,
}

impl Default for StdpParams {
    fn default() -> StdpParams {
        StdpParams {
            tau_plus: 20.0,
            lambda: 0.01,
            alpha: 1.0,
            mu_plus: 1.0,
            mu_minus: 1.0,
            w_max: 100.0,
        }
    }
}

/// The parameter keys, in NEST's names.
pub const STDP_PARAMETER_KEYS: &[&str] =
    &["tau_plus", "lambda", "alpha", "mu_plus", "mu_minus", "Wmax"];

impl StdpParams {
    pub(crate) fn get(&self, d: &mut Params) {
        put_f64(
            d,
            &[
                ("tau_plus", self.tau_plus),
                ("lambda", self.lambda),
                ("alpha", self.alpha),
                ("mu_plus", self.mu_plus),
                ("mu_minus", self.mu_minus),
                ("Wmax", self.w_max),
            ],
        );
    }

    pub(crate) fn set(&mut self, d: &mut Params) -> Result<(), ParamError> {
        update_f64(d, "tau_plus", &mut self.tau_plus)?;
        update_f64(d, "lambda", &mut self.lambda)?;
        update_f64(d, "alpha", &mut self.alpha)?;
        update_f64(d, "mu_plus", &mut self.mu_plus)?;
        update_f64(d, "mu_minus", &mut self.mu_minus)?;
        update_f64(d, "Wmax", &mut self.w_max)
    }

    /// The parameters of a new connection or defaults dictionary: the defaults updated by `d`.
    pub(crate) fn read(d: &mut Params) -> Result<StdpParams, ParamError> {
        let mut p = StdpParams::default();
        p.set(d)?;
        Ok(p)
    }

    /// `set_status` of a model whose only per-connection state is the weight: the parameters
    /// updated by `d`, kept only if the weight passes the model's sign rule against the new
    /// `Wmax` (on an error nothing changes, as in NEST).
    pub(crate) fn set_checked(
        &mut self,
        d: &mut Params,
        weight: f64,
        sign_rule: impl Fn(f64, f64) -> Result<(), ParamError>,
    ) -> Result<(), ParamError> {
        let mut p = self.clone();
        p.set(d)?;
        sign_rule(weight, p.w_max)?;
        *self = p;
        Ok(())
    }
}

impl PairRule for StdpParams {
    #[inline]
    fn decay(&self, dt: f64) -> f64 {
        (dt / self.tau_plus).exp()
    }

    #[inline]
    fn facilitate(&self, w: f64, kplus: f64) -> f64 {
        let norm_w =
            (w / self.w_max) + (self.lambda * (1.0 - (w / self.w_max)).powf(self.mu_plus) * kplus);
        if norm_w < 1.0 {
            norm_w * self.w_max
        } else {
            self.w_max
        }
    }

    #[inline]
    fn depress(&self, w: f64, kminus: f64) -> f64 {
        let norm_w = (w / self.w_max)
            - (self.alpha * self.lambda * (w / self.w_max).powf(self.mu_minus) * kminus);
        if norm_w > 0.0 {
            norm_w * self.w_max
        } else {
            0.0
        }
    }
}

/// NEST's `Kplus` check.
pub(crate) fn check_kplus(kplus: f64) -> Result<(), ParamError> {
    non_negative("Kplus", kplus, "Kplus must be non-negative.")
}

/// `stdp_synapse`: the rule's parameters per connection, `Kplus` as state.
#[derive(Debug, Default)]
pub struct StdpSynapse;

/// Every key of `stdp_synapse` besides the generic ones.
pub const KEYS: &[&str] = &[
    "tau_plus", "lambda", "alpha", "mu_plus", "mu_minus", "Wmax", "Kplus",
];

impl PlasticModel for StdpSynapse {
    type Params = StdpParams;
    type State = f64;

    fn reads_history(&self) -> bool {
        true
    }

    fn check_weight(&self, params: &StdpParams, weight: f64) -> Result<(), ParamError> {
        same_sign(weight, params.w_max)
    }

    #[inline]
    fn send(
        &self,
        params: &StdpParams,
        syn: SynapseState<'_, f64>,
        t_spike: f64,
        delay: f64,
        post: &mut Archive,
    ) -> f64 {
        pair_send(params, syn, t_spike, delay, post)
    }

    fn get_status(&self, params: &StdpParams, kplus: &f64, d: &mut Params) {
        params.get(d);
        put_f64(d, &[("Kplus", *kplus)]);
    }

    fn set_status(
        &self,
        params: &mut StdpParams,
        kplus: &mut f64,
        weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        let mut p = params.clone();
        let mut k = *kplus;
        p.set(d)?;
        update_f64(d, "Kplus", &mut k)?;
        same_sign(weight, p.w_max)?;
        check_kplus(k)?;
        *params = p;
        *kplus = k;
        Ok(())
    }
}
