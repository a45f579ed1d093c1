//! The pair-based STDP update that NEST's `stdp_synapse`, `stdp_synapse_hom` and
//! `stdp_pl_synapse_hom` share: at a presynaptic spike at `t` through a synapse of delay `d`,
//! every postsynaptic spike in `(t_last − d, t − d]` facilitates the weight with
//! `K⁺ · exp((t_last − (t_post + d)) / τ⁺)`, then the spike depresses it with the target's
//! K⁻ at `t − d`, and `K⁺ ← K⁺ · exp((t_last − t) / τ⁺) + 1` (NEST's `send`, operation for
//! operation; each model gives its own facilitation, depression and decay).

use spindle_core::archive::Archive;
use spindle_core::synapse::SynapseState;

/// NEST's pair-STDP `send`: `decay(dt)` is `exp(dt / τ⁺)` as the model computes it; returns
/// the new weight, which the event carries.
#[inline]
pub(crate) fn pair_send(
    syn: SynapseState<'_, f64>,
    t_spike: f64,
    delay: f64,
    post: &mut Archive,
    decay: impl Fn(f64) -> f64,
    facilitate: impl Fn(f64, f64) -> f64,
    depress: impl Fn(f64, f64) -> f64,
) -> f64 {
    let SynapseState {
        weight,
        t_last,
        state: kplus,
    } = syn;
    for entry in post.history(*t_last - delay, t_spike - delay) {
        let minus_dt = *t_last - (entry.t + delay);
        *weight = facilitate(*weight, *kplus * decay(minus_dt));
    }
    *weight = depress(*weight, post.k_value(t_spike - delay));
    *kplus = *kplus * decay(*t_last - t_spike) + 1.0;
    *t_last = t_spike;
    *weight
}
