//! `vogels_sprekeler_synapse` — symmetric inhibitory STDP (Vogels et al. 2011), every
//! parameter per connection.
//!
//! Both pre- and postsynaptic spikes potentiate, and each presynaptic spike also depresses
//! by a constant. At a presynaptic spike at `t` (delay `d`), for each postsynaptic spike
//! `t_post` in `(t_last − d, t − d]`: `|w| ← min(|Wmax|, |w| + η · Kplus ·
//! exp((t_last − t_post − d)/τ))`; then `|w| ← min(|Wmax|, |w| + η · K⁻(t − d))` with the
//! target's trace (its `tau_minus` should equal `tau`), `|w| ← max(0, |w| − α η)`, the weight
//! takes `Wmax`'s sign and is delivered, and `Kplus ← Kplus · exp((t_last − t)/τ) + 1`.
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `weight` | 0.5 | pA or nS | weight (same sign as `Wmax`, or 0) |
//! | `tau` | 20.0 | ms | time constant of the traces |
//! | `eta` | 0.001 | | learning rate |
//! | `alpha` | 0.12 | | constant depression (2 · target rate · τ) |
//! | `Wmax` | 1.0 | pA or nS | largest absolute weight |
//! | `Kplus` | 0.0 | | presynaptic trace (state, ≥ 0) |
//!
//! NEST: `models/vogels_sprekeler_synapse.h` (3.10). Reference: Vogels TP, Sprekeler H,
//! Zenke F, Clopath C, Gerstner W (2011) Science 334:1569–1573.

use crate::registered::CatalogModel;
use crate::stdp::{capped, floored, non_negative, post_window, same_signbit};
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{put_f64, update_f64, PlasticModel, SynapseState};

/// The parameters of one connection.
#[derive(Clone, Debug, PartialEq)]
pub struct VogelsSprekelerParams {
    pub tau: f64,
    pub alpha: f64,
    pub eta: f64,
    pub w_max: f64,
}

impl Default for VogelsSprekelerParams {
    fn default() -> VogelsSprekelerParams {
        VogelsSprekelerParams {
            tau: 20.0,
            alpha: 0.12,
            eta: 0.001,
            w_max: 1.0,
        }
    }
}

impl VogelsSprekelerParams {
    fn facilitate(&self, w: f64, kplus: f64) -> f64 {
        let new_w = w.abs() + self.eta * kplus;
        capped(new_w, self.w_max)
    }

    fn depress(&self, w: f64) -> f64 {
        let new_w = w.abs() - self.alpha * self.eta;
        floored(new_w, self.w_max)
    }
}

/// `vogels_sprekeler_synapse`: its parameters, `Kplus` as state.
#[derive(Debug, Default)]
pub struct VogelsSprekelerSynapse;

impl PlasticModel for VogelsSprekelerSynapse {
    type Params = VogelsSprekelerParams;
    type State = f64;

    fn reads_history(&self) -> bool {
        true
    }

    fn check_weight(&self, p: &VogelsSprekelerParams, weight: f64) -> Result<(), ParamError> {
        same_signbit(weight, p.w_max, true)
    }

    #[inline]
    fn send(
        &self,
        p: &VogelsSprekelerParams,
        syn: SynapseState<'_, f64>,
        t_spike: f64,
        delay: f64,
        post: &mut Archive,
    ) -> f64 {
        let SynapseState {
            weight,
            t_last,
            state: kplus,
        } = syn;
        for (minus_dt, _) in post_window(post, *t_last, t_spike, delay) {
            *weight = p.facilitate(*weight, *kplus * (minus_dt / p.tau).exp());
        }
        *weight = p.facilitate(*weight, post.k_value(t_spike - delay));
        *weight = p.depress(*weight);
        *kplus = *kplus * ((*t_last - t_spike) / p.tau).exp() + 1.0;
        *t_last = t_spike;
        *weight
    }

    fn get_status(&self, p: &VogelsSprekelerParams, kplus: &f64, d: &mut Params) {
        put_f64(
            d,
            &[
                ("tau", p.tau),
                ("alpha", p.alpha),
                ("eta", p.eta),
                ("Wmax", p.w_max),
                ("Kplus", *kplus),
            ],
        );
    }

    fn set_status(
        &self,
        params: &mut VogelsSprekelerParams,
        kplus: &mut f64,
        weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        let (mut p, mut k) = (params.clone(), *kplus);
        read(d, &mut p, &mut k)?;
        same_signbit(weight, p.w_max, true)?;
        non_negative("Kplus", k, "State Kplus must be positive.")?;
        *params = p;
        *kplus = k;
        Ok(())
    }
}

fn read(d: &mut Params, p: &mut VogelsSprekelerParams, kplus: &mut f64) -> Result<(), ParamError> {
    update_f64(d, "tau", &mut p.tau)?;
    update_f64(d, "alpha", &mut p.alpha)?;
    update_f64(d, "eta", &mut p.eta)?;
    update_f64(d, "Wmax", &mut p.w_max)?;
    update_f64(d, "Kplus", kplus)
}

impl CatalogModel for VogelsSprekelerSynapse {
    const NAME: &'static str = "vogels_sprekeler_synapse";
    const KEYS: &'static [&'static str] = &["tau", "alpha", "eta", "Wmax", "Kplus"];
    const DEFAULT_WEIGHT: f64 = 0.5;

    fn defaults(d: &mut Params) {
        VogelsSprekelerSynapse.get_status(&VogelsSprekelerParams::default(), &0.0, d);
    }

    fn read(d: &mut Params) -> Result<(VogelsSprekelerParams, f64), ParamError> {
        let (mut p, mut k) = (VogelsSprekelerParams::default(), 0.0);
        read(d, &mut p, &mut k)?;
        Ok((p, k))
    }
}
