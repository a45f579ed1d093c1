//! `stdp_nn_restr_synapse` — pair STDP with the restricted symmetric nearest-neighbour
//! spike pairing (Morrison et al. 2008, fig. 7C), multiplicative weight dependence, every
//! parameter per connection.
//!
//! Only pairs of neighbouring pre- and postsynaptic spikes count: at a presynaptic spike at
//! `t` (delay `d`), if there are postsynaptic spikes in `(t_last − d, t − d]`, the earliest
//! of them facilitates, `ŵ ← ŵ + λ(1 − ŵ)^μ₊ · exp((t_last − t_post − d)/τ₊)` (capped at 1,
//! `ŵ = w/Wmax`), and the weight is depressed with the latest postsynaptic spike strictly
//! before `t − d`, `ŵ ← ŵ − αλ ŵ^μ₋ · exp((t_last_post − (t − d))/τ₋)` (floored at 0);
//! without postsynaptic spikes in the window the weight does not change. The parameters and
//! their defaults are `stdp_nn_symm_synapse`'s; no state.
//!
//! NEST: `models/stdp_nn_restr_synapse.h` (3.10). Reference: Morrison A, Diesmann M,
//! Gerstner W (2008) Biol Cybern 98:459–478.

use crate::registered::CatalogModel;
use crate::stdp::{depress_nearest, post_window, same_sign, PairRule};
use crate::stdp_synapse::{StdpParams, STDP_PARAMETER_KEYS};
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{PlasticModel, SynapseState};

/// `stdp_nn_restr_synapse`: `stdp_synapse`'s parameters, no state.
#[derive(Debug, Default)]
pub struct StdpNnRestrSynapse;

impl PlasticModel for StdpNnRestrSynapse {
    type Params = StdpParams;
    type State = ();

    fn reads_history(&self) -> bool {
        true
    }

    fn check_weight(&self, p: &StdpParams, weight: f64) -> Result<(), ParamError> {
        same_sign(weight, p.w_max)
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
        let first = post_window(post, *t_last, t_spike, delay)
            .next()
            .map(|(minus_dt, _)| minus_dt);
        if let Some(minus_dt) = first {
            *weight = p.facilitate(*weight, p.decay(minus_dt));
            *weight = depress_nearest(p, *weight, post, t_spike, delay);
        }
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
        params.set_checked(d, weight, same_sign)
    }
}

impl CatalogModel for StdpNnRestrSynapse {
    const NAME: &'static str = "stdp_nn_restr_synapse";
    const KEYS: &'static [&'static str] = STDP_PARAMETER_KEYS;

    fn defaults(d: &mut Params) {
        StdpParams::default().get(d);
    }

    fn read(d: &mut Params) -> Result<(StdpParams, ()), ParamError> {
        Ok((StdpParams::read(d)?, ()))
    }
}
