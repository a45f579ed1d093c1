//! The pair-based STDP update that NEST's `stdp_synapse`, `stdp_synapse_hom` and
//! `stdp_pl_synapse_hom` share: at a presynaptic spike at `t` through a synapse of delay `d`,
//! every postsynaptic spike in `(t_last − d, t − d]` facilitates the weight with
//! `K⁺ · exp((t_last − (t_post + d)) / τ⁺)`, then the spike depresses it with the target's
//! K⁻ at `t − d`, and `K⁺ ← K⁺ · exp((t_last − t) / τ⁺) + 1` (NEST's `send`, operation for
//! operation). A [`PairRule`] gives its own facilitation, depression and decay; [`HomStdp`]
//! is a `_hom` model of a rule (parameters common to the model, `Kplus` per synapse).

use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{put_f64, update_f64, PlasticModel, SynapseState};
use std::fmt;

/// A pair-STDP rule: its parameters and NEST's arithmetic.
pub trait PairRule: Clone + PartialEq + Send + Sync + fmt::Debug + 'static {
    /// `exp(dt / τ⁺)` as the model computes it.
    fn decay(&self, dt: f64) -> f64;
    fn facilitate(&self, w: f64, kplus: f64) -> f64;
    fn depress(&self, w: f64, kminus: f64) -> f64;
}

/// NEST's pair-STDP `send`; returns the new weight, which the event carries.
#[inline]
pub(crate) fn pair_send<R: PairRule>(
    rule: &R,
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
    for entry in post.history(*t_last - delay, t_spike - delay) {
        let minus_dt = *t_last - (entry.t + delay);
        *weight = rule.facilitate(*weight, *kplus * rule.decay(minus_dt));
    }
    *weight = rule.depress(*weight, post.k_value(t_spike - delay));
    *kplus = *kplus * rule.decay(*t_last - t_spike) + 1.0;
    *t_last = t_spike;
    *weight
}

/// A `_hom` STDP model: the rule's parameters are common to the model (NEST's
/// `CommonSynapseProperties`, set with `SetDefaults`/`CopyModel`; here the single entry of the
/// store's parameter table), per synapse only `Kplus`, which NEST's `set_status` takes
/// without checks.
#[derive(Debug, Default)]
pub struct HomStdp<R>(std::marker::PhantomData<R>);

impl<R: PairRule> HomStdp<R> {
    pub fn new() -> HomStdp<R> {
        HomStdp(std::marker::PhantomData)
    }
}

impl<R: PairRule> PlasticModel for HomStdp<R> {
    type Params = R;
    type State = f64;

    fn reads_history(&self) -> bool {
        true
    }

    #[inline]
    fn send(
        &self,
        rule: &R,
        syn: SynapseState<'_, f64>,
        t_spike: f64,
        delay: f64,
        post: &mut Archive,
    ) -> f64 {
        pair_send(rule, syn, t_spike, delay, post)
    }

    fn get_status(&self, _rule: &R, kplus: &f64, d: &mut Params) {
        put_f64(d, &[("Kplus", *kplus)]);
    }

    fn set_status(
        &self,
        _rule: &mut R,
        kplus: &mut f64,
        _weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        update_f64(d, "Kplus", kplus)
    }
}
