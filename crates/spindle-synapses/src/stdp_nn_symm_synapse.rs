//! `stdp_nn_symm_synapse` — pair STDP with the symmetric nearest-neighbour spike pairing
//! (Morrison et al. 2007, 2008), multiplicative weight dependence, every parameter per
//! connection.
//!
//! A presynaptic spike is paired for depression with the nearest preceding postsynaptic
//! spike, and each postsynaptic spike for facilitation with the nearest preceding
//! presynaptic one: at a presynaptic spike at `t` (delay `d`), for each postsynaptic spike
//! `t_post` in `(t_last − d, t − d]`, `ŵ ← ŵ + λ(1 − ŵ)^μ₊ · exp((t_last − t_post − d)/τ₊)`
//! (capped at 1, `ŵ = w/Wmax`), then `ŵ ← ŵ − αλ ŵ^μ₋ · exp((t_last_post − (t − d))/τ₋)`
//! with the last postsynaptic spike strictly before `t − d` (0 if there is none; floored at
//! 0). Exactly coinciding pairs count for neither. No presynaptic trace is stored.
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `weight` | 1.0 | pA or nS | weight (same sign as `Wmax`) |
//! | `tau_plus` | 20.0 | ms | time constant of the presynaptic trace |
//! | `lambda` | 0.01 | | step size |
//! | `alpha` | 1.0 | | asymmetry of depression |
//! | `mu_plus` | 1.0 | | weight dependence of facilitation |
//! | `mu_minus` | 1.0 | | weight dependence of depression |
//! | `Wmax` | 100.0 | pA or nS | largest weight |
//!
//! NEST: `models/stdp_nn_symm_synapse.h` (3.10). References: Morrison A, Aertsen A,
//! Diesmann M (2007) Neural Comput 19:1437–1467; Morrison A, Diesmann M, Gerstner W (2008)
//! Biol Cybern 98:459–478.

use crate::registered::CatalogModel;
use crate::stdp::{depress_nearest, post_window, same_signbit, PairRule};
use crate::stdp_synapse::{StdpParams, STDP_PARAMETER_KEYS};
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{PlasticModel, SynapseState};

/// `stdp_nn_symm_synapse`: `stdp_synapse`'s parameters, no state.
#[derive(Debug, Default)]
pub struct StdpNnSymmSynapse;

impl PlasticModel for StdpNnSymmSynapse {
    type Params = StdpParams;
    type State = ();

    fn reads_history(&self) -> bool {
        true
    }

    fn check_weight(&self, p: &StdpParams, weight: f64) -> Result<(), ParamError> {
        same_signbit(weight, p.w_max, false)
    }

    #[inline]
    fn send(
        &self,
        p: &StdpParams,
        syn: SynapseState<'_, ()>,
        t_spike: f64,
        delay: f64,
        post: &mut Archive,
    ) -> f64 {
        let SynapseState { weight, t_last, .. } = syn;
        for (minus_dt, _) in post_window(post, *t_last, t_spike, delay) {
            *weight = p.facilitate(*weight, p.decay(minus_dt));
        }
        *weight = depress_nearest(p, *weight, post, t_spike, delay);
        *t_last = t_spike;
        *weight
    }

    fn get_status(&self, p: &StdpParams, _: &(), d: &mut Params) {
        p.get(d);
    }

    fn set_status(
        &self,
        params: &mut StdpParams,
        _: &mut (),
        weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        params.set_checked(d, weight, |w, w_max| same_signbit(w, w_max, false))
    }
}

impl CatalogModel for StdpNnSymmSynapse {
    const NAME: &'static str = "stdp_nn_symm_synapse";
    const KEYS: &'static [&'static str] = STDP_PARAMETER_KEYS;

    fn defaults(d: &mut Params) {
        StdpParams::default().get(d);
    }

    fn read(d: &mut Params) -> Result<(StdpParams, ()), ParamError> {
        Ok((StdpParams::read(d)?, ()))
    }
}
