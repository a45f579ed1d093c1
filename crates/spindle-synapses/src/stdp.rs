//! The pair-based STDP update that NEST's `stdp_synapse`, `stdp_synapse_hom` and
//! `stdp_pl_synapse_hom` share: at a presynaptic spike at `t` through a synapse of delay `d`,
//! every postsynaptic spike in `(t_last − d, t − d]` facilitates the weight with
//! `K⁺ · exp((t_last − (t_post + d)) / τ⁺)`, then the spike depresses it with the target's
//! K⁻ at `t − d`, and `K⁺ ← K⁺ · exp((t_last − t) / τ⁺) + 1` (NEST's `send`, operation for
//! operation). A [`PairRule`] gives its own facilitation, depression and decay; [`HomStdp`]
//! is a `_hom` model of a rule (parameters common to the model, `Kplus` per synapse).
//!
//! Every STDP model reads the same window of postsynaptic spikes ([`post_window`]) and checks
//! the weight's sign against `Wmax` in one of NEST's two ways ([`same_sign`],
//! [`same_signbit`]); the triplet, nearest-neighbour and Vogels–Sprekeler models build their
//! `send` from these.

use spindle_core::archive::{Archive, HistEntry};
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

/// NEST's `get_history(t_last − d, t − d]` of a presynaptic spike at `t_spike` through a
/// synapse of dendritic delay `delay`: the postsynaptic spikes it pairs with, each with
/// `minus_dt = t_last − (t_post + d)`, oldest first (counted as read by the archive).
#[inline]
pub(crate) fn post_window(
    post: &mut Archive,
    t_last: f64,
    t_spike: f64,
    delay: f64,
) -> impl Iterator<Item = (f64, &HistEntry)> {
    post.history(t_last - delay, t_spike - delay)
        .iter()
        .map(move |e| (t_last - (e.t + delay), e))
}

/// The depression of the nearest-neighbour models at a presynaptic spike at `t_spike`
/// through a synapse of dendritic delay `delay`: with the K⁻ of the latest postsynaptic spike
/// strictly before `t_spike − delay` alone (NEST's `get_K_values`' nearest-neighbour value).
#[inline]
pub(crate) fn depress_nearest<R: PairRule>(
    rule: &R,
    weight: f64,
    post: &mut Archive,
    t_spike: f64,
    delay: f64,
) -> f64 {
    let (_, nearest, _) = post.k_values(t_spike - delay);
    rule.depress(weight, nearest)
}

/// NEST's sign rule of most STDP models' `set_status`: `(w ≥ 0) − (w < 0)` of the weight and
/// of `Wmax` must agree.
pub(crate) fn same_sign(weight: f64, w_max: f64) -> Result<(), ParamError> {
    let sign = |x: f64| i32::from(x >= 0.0) - i32::from(x < 0.0);
    if sign(weight) != sign(w_max) {
        return Err(wrong_sign(weight, w_max));
    }
    Ok(())
}

/// The sign rule of `stdp_nn_symm_synapse` and `vogels_sprekeler_synapse` (`std::signbit`,
/// so −0.0 counts as negative); `vogels_sprekeler_synapse` exempts a zero weight.
pub(crate) fn same_signbit(weight: f64, w_max: f64, zero_exempt: bool) -> Result<(), ParamError> {
    if !(zero_exempt && weight == 0.0) && weight.is_sign_negative() != w_max.is_sign_negative() {
        return Err(wrong_sign(weight, w_max));
    }
    Ok(())
}

fn wrong_sign(weight: f64, w_max: f64) -> ParamError {
    ParamError::rule("Weight and Wmax must have same sign.")
        .with("weight", weight)
        .with("Wmax", w_max)
}

/// `|w|` after facilitation, capped at `|Wmax|`, with `Wmax`'s sign (NEST's additive rules
/// of `stdp_triplet_synapse` and `vogels_sprekeler_synapse`).
#[inline]
pub(crate) fn capped(new_w: f64, w_max: f64) -> f64 {
    (if new_w < w_max.abs() { new_w } else { w_max }).copysign(w_max)
}

/// `|w|` after depression, floored at 0, with `Wmax`'s sign.
#[inline]
pub(crate) fn floored(new_w: f64, w_max: f64) -> f64 {
    (if new_w > 0.0 { new_w } else { 0.0 }).copysign(w_max)
}

/// A non-negative state check with NEST's message (e.g. "State Kplus must be positive.").
pub(crate) fn non_negative(key: &str, value: f64, message: &str) -> Result<(), ParamError> {
    // NEST's `not ( x >= 0 )`: NaN fails too.
    if value < 0.0 || value.is_nan() {
        return Err(ParamError::rule(message).with(key, value));
    }
    Ok(())
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
    for (minus_dt, _) in post_window(post, *t_last, t_spike, delay) {
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
