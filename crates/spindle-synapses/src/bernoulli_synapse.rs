//! `bernoulli_synapse` — a static synapse that transmits each presynaptic spike with
//! probability `p_transmit` (independently per spike), with its weight and delay, and drops
//! it otherwise: a dropped spike reaches neither the target nor the model's weight recorder.
//!
//! NEST draws `drand() < p_transmit` from the random generator of the target's thread;
//! spindle draws a uniform number in [0, 1) from the target neuron's synapse stream (keyed by
//! the kernel seed and the target's node id, advanced in delivery order: see
//! `spindle_core::archive`), so the transmitted spikes do not depend on the thread count or
//! on how the run is stepped, and follow NEST's distribution (not NEST's draws). A spike of
//! multiplicity m is m independent trials, as NEST's unit events are. `p_transmit = 1`
//! transmits every spike and `p_transmit = 0` none: those limits are exactly NEST's.
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `weight` | 1.0 | pA or nS | synaptic weight of a transmitted spike |
//! | `p_transmit` | 1.0 | | transmission probability, in [0, 1] |
//!
//! NEST: `models/bernoulli_synapse.h` (3.10). Reference: Lisman JE (1997) Trends Neurosci
//! 20:38–43.

use crate::registered::CatalogModel;
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::rng;
use spindle_core::synapse::{put_f64, update_f64, PlasticModel, SynapseState};

/// The parameters of one connection.
#[derive(Clone, Debug, PartialEq)]
pub struct BernoulliParams {
    pub p_transmit: f64,
}

impl Default for BernoulliParams {
    fn default() -> BernoulliParams {
        BernoulliParams { p_transmit: 1.0 }
    }
}

/// `bernoulli_synapse`.
#[derive(Debug, Default)]
pub struct BernoulliSynapse;

impl PlasticModel for BernoulliSynapse {
    type Params = BernoulliParams;
    type State = ();

    fn reads_history(&self) -> bool {
        false
    }

    #[inline]
    fn transmit(
        &self,
        params: &BernoulliParams,
        syn: SynapseState<'_, ()>,
        _t_spike: f64,
        _delay: f64,
        post: &mut Archive,
    ) -> Option<f64> {
        (rng::uniform(post.draws()) < params.p_transmit).then_some(*syn.weight)
    }

    fn get_status(&self, params: &BernoulliParams, _: &(), d: &mut Params) {
        put_f64(d, &[("p_transmit", params.p_transmit)]);
    }

    /// NEST's check: `p_transmit` in [0, 1].
    fn set_status(
        &self,
        params: &mut BernoulliParams,
        _: &mut (),
        _weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        let mut p = params.p_transmit;
        update_f64(d, "p_transmit", &mut p)?;
        // NEST's comparison, which lets NaN through (a NaN never transmits), unlike
        // `(0.0..=1.0).contains(&p)`.
        #[allow(clippy::manual_range_contains)]
        if p < 0.0 || p > 1.0 {
            return Err(
                ParamError::rule("Spike transmission probability must be in [0, 1].")
                    .with("p_transmit", p),
            );
        }
        params.p_transmit = p;
        Ok(())
    }
}

impl CatalogModel for BernoulliSynapse {
    const NAME: &'static str = "bernoulli_synapse";
    const KEYS: &'static [&'static str] = &["p_transmit"];

    fn defaults(d: &mut Params) {
        BernoulliSynapse.get_status(&BernoulliParams::default(), &(), d);
    }

    fn read(d: &mut Params) -> Result<(BernoulliParams, ()), ParamError> {
        let mut p = BernoulliParams::default();
        update_f64(d, "p_transmit", &mut p.p_transmit)?;
        Ok((p, ()))
    }
}
