//! `stdp_nn_pre_centered_synapse` — pair STDP with the presynaptic-centred nearest-neighbour
//! spike pairing (Izhikevich & Desai 2003; Morrison et al. 2008, fig. 7B), multiplicative
//! weight dependence, every parameter per connection.
//!
//! Each presynaptic spike is paired for depression with the nearest preceding postsynaptic
//! spike, and each postsynaptic spike for facilitation with all preceding presynaptic spikes
//! up to the previous postsynaptic one: the presynaptic trace `Kplus` is reset to 0 at a
//! postsynaptic spike. At a presynaptic spike at `t` (delay `d`), if there are postsynaptic
//! spikes in `(t_last − d, t − d]`, the earliest facilitates with
//! `Kplus · exp((t_last − t_post − d)/τ₊)` and `Kplus ← 0`; then the weight is depressed with
//! `exp((t_last_post − (t − d))/τ₋)` of the latest postsynaptic spike strictly before
//! `t − d` (0 if none), and `Kplus ← Kplus · exp((t_last − t)/τ₊) + 1`. The rule is
//! `stdp_synapse`'s (`ŵ = w/Wmax`, capped at 1, floored at 0).
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `weight` | 1.0 | pA or nS | weight (same sign as `Wmax`) |
//! | `tau_plus` | 20.0 | ms | time constant of `Kplus` |
//! | `lambda` | 0.01 | | step size |
//! | `alpha` | 1.0 | | asymmetry of depression |
//! | `mu_plus` | 1.0 | | weight dependence of facilitation |
//! | `mu_minus` | 1.0 | | weight dependence of depression |
//! | `Wmax` | 100.0 | pA or nS | largest weight |
//! | `Kplus` | 0.0 | | presynaptic trace (state, ≥ 0) |
//!
//! NEST: `models/stdp_nn_pre_centered_synapse.h` (3.10). References: Izhikevich EM, Desai NS
//! (2003) Neural Comput 15:1511–1523; Morrison A, Diesmann M, Gerstner W (2008) Biol Cybern
//! 98:459–478.

use crate::registered::CatalogModel;
use crate::stdp::{depress_nearest, post_window, PairRule};
use crate::stdp_synapse::{StdpParams, StdpSynapse, KEYS};
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{update_f64, PlasticModel, SynapseState};

/// `stdp_nn_pre_centered_synapse`: `stdp_synapse`'s parameters and `Kplus`, checked as
/// `stdp_synapse` checks them.
#[derive(Debug, Default)]
pub struct StdpNnPreCenteredSynapse;

impl PlasticModel for StdpNnPreCenteredSynapse {
    type Params = StdpParams;
    type State = f64;

    fn reads_history(&self) -> bool {
        true
    }

    fn check_weight(&self, p: &StdpParams, weight: f64) -> Result<(), ParamError> {
        StdpSynapse.check_weight(p, weight)
    }

    #[inline]
    fn send(
        &self,
        p: &StdpParams,
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
        let first = post_window(post, *t_last, t_spike, delay)
            .next()
            .map(|(minus_dt, _)| minus_dt);
        if let Some(minus_dt) = first {
            *weight = p.facilitate(*weight, *kplus * p.decay(minus_dt));
            *kplus = 0.0;
        }
        *weight = depress_nearest(p, *weight, post, t_spike, delay);
        *kplus = *kplus * p.decay(*t_last - t_spike) + 1.0;
        *t_last = t_spike;
        *weight
    }

    fn get_status(&self, p: &StdpParams, kplus: &f64, d: &mut Params) {
        StdpSynapse.get_status(p, kplus, d);
    }

    fn set_status(
        &self,
        params: &mut StdpParams,
        kplus: &mut f64,
        weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        StdpSynapse.set_status(params, kplus, weight, d)
    }
}

impl CatalogModel for StdpNnPreCenteredSynapse {
    const NAME: &'static str = "stdp_nn_pre_centered_synapse";
    const KEYS: &'static [&'static str] = KEYS;

    fn defaults(d: &mut Params) {
        StdpSynapse.get_status(&StdpParams::default(), &0.0, d);
    }

    fn read(d: &mut Params) -> Result<(StdpParams, f64), ParamError> {
        let (mut p, mut kplus) = (StdpParams::default(), 0.0);
        p.set(d)?;
        update_f64(d, "Kplus", &mut kplus)?;
        Ok((p, kplus))
    }
}
