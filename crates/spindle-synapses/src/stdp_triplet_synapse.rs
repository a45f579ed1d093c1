//! `stdp_triplet_synapse` — spike-timing-dependent plasticity with pair and triplet terms
//! (Pfister & Gerstner 2006, all-to-all interaction), every parameter per connection.
//!
//! The presynaptic traces `r₁ = Kplus` (τ₊) and `r₂ = Kplus_triplet` (τₓ) live in the
//! synapse; the postsynaptic ones `o₁ = K⁻` (`tau_minus`) and `o₂` (`tau_minus_triplet`) are
//! the target's (neuron keys). At a presynaptic spike at `t` (delay `d`), for each
//! postsynaptic spike `t_post` in `(t_last − d, t − d]`, with `o₂` just before it
//! (`Kminus_triplet − 1` of its history entry):
//!
//! ```text
//! |w| ← min(|Wmax|, |w| + Kplus·exp((t_last − t_post − d)/τ₊) · (Aplus + Aplus_triplet·o₂))
//! ```
//!
//! then `Kplus_triplet ← Kplus_triplet·exp((t_last − t)/τₓ)`,
//! `|w| ← max(0, |w| − K⁻(t − d) · (Aminus + Aminus_triplet·Kplus_triplet))`, the weight
//! takes `Wmax`'s sign and is delivered, and `Kplus_triplet += 1`,
//! `Kplus ← Kplus·exp((t_last − t)/τ₊) + 1`.
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `weight` | 1.0 | pA or nS | weight (same sign as `Wmax`) |
//! | `tau_plus` | 16.8 | ms | time constant of `Kplus` |
//! | `tau_plus_triplet` | 101.0 | ms | time constant of `Kplus_triplet` |
//! | `Aplus` | 5e-10 | | pair potentiation |
//! | `Aminus` | 7e-3 | | pair depression |
//! | `Aplus_triplet` | 6.2e-3 | | triplet potentiation |
//! | `Aminus_triplet` | 2.3e-4 | | triplet depression |
//! | `Wmax` | 100.0 | pA or nS | largest weight |
//! | `Kplus` | 0.0 | | presynaptic trace r₁ (state, ≥ 0) |
//! | `Kplus_triplet` | 0.0 | | presynaptic trace r₂ (state, ≥ 0) |
//!
//! NEST: `models/stdp_triplet_synapse.h` (3.10). Reference: Pfister JP, Gerstner W (2006)
//! J Neurosci 26:9673–9682.

use crate::registered::CatalogModel;
use crate::stdp::{capped, floored, non_negative, post_window, same_sign};
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{put_f64, update_f64, PlasticModel, SynapseState};

/// The parameters of one connection.
#[derive(Clone, Debug, PartialEq)]
pub struct TripletParams {
    pub tau_plus: f64,
    pub tau_plus_triplet: f64,
    pub a_plus: f64,
    pub a_minus: f64,
    pub a_plus_triplet: f64,
    pub a_minus_triplet: f64,
    pub w_max: f64,
}

impl Default for TripletParams {
    fn default() -> TripletParams {
        TripletParams {
            tau_plus: 16.8,
            tau_plus_triplet: 101.0,
            a_plus: 5e-10,
            a_minus: 7e-3,
            a_plus_triplet: 6.2e-3,
            a_minus_triplet: 2.3e-4,
            w_max: 100.0,
        }
    }
}

/// The presynaptic traces of one connection.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TripletState {
    pub kplus: f64,
    pub kplus_triplet: f64,
}

impl TripletParams {
    fn facilitate(&self, w: f64, kplus: f64, ky: f64) -> f64 {
        let new_w = w.abs() + kplus * (self.a_plus + self.a_plus_triplet * ky);
        capped(new_w, self.w_max)
    }

    fn depress(&self, w: f64, kminus: f64, kplus_triplet: f64) -> f64 {
        let new_w = w.abs() - kminus * (self.a_minus + self.a_minus_triplet * kplus_triplet);
        floored(new_w, self.w_max)
    }
}

/// `stdp_triplet_synapse`.
#[derive(Debug, Default)]
pub struct StdpTripletSynapse;

impl PlasticModel for StdpTripletSynapse {
    type Params = TripletParams;
    type State = TripletState;

    fn reads_history(&self) -> bool {
        true
    }

    fn check_weight(&self, p: &TripletParams, weight: f64) -> Result<(), ParamError> {
        same_sign(weight, p.w_max)
    }

    #[inline]
    fn send(
        &self,
        p: &TripletParams,
        syn: SynapseState<'_, TripletState>,
        t_spike: f64,
        delay: f64,
        post: &mut Archive,
    ) -> f64 {
        let SynapseState {
            weight,
            t_last,
            state: s,
        } = syn;
        for (minus_dt, entry) in post_window(post, *t_last, t_spike, delay) {
            let ky = entry.kminus_triplet - 1.0;
            *weight = p.facilitate(*weight, s.kplus * (minus_dt / p.tau_plus).exp(), ky);
        }
        s.kplus_triplet *= ((*t_last - t_spike) / p.tau_plus_triplet).exp();
        *weight = p.depress(*weight, post.k_value(t_spike - delay), s.kplus_triplet);
        s.kplus_triplet += 1.0;
        s.kplus = s.kplus * ((*t_last - t_spike) / p.tau_plus).exp() + 1.0;
        *t_last = t_spike;
        *weight
    }

    fn get_status(&self, p: &TripletParams, s: &TripletState, d: &mut Params) {
        put_f64(
            d,
            &[
                ("tau_plus", p.tau_plus),
                ("tau_plus_triplet", p.tau_plus_triplet),
                ("Aplus", p.a_plus),
                ("Aminus", p.a_minus),
                ("Aplus_triplet", p.a_plus_triplet),
                ("Aminus_triplet", p.a_minus_triplet),
                ("Kplus", s.kplus),
                ("Kplus_triplet", s.kplus_triplet),
                ("Wmax", p.w_max),
            ],
        );
    }

    /// NEST's order: every key, then the sign of the weight, `Kplus`, `Kplus_triplet`.
    fn set_status(
        &self,
        params: &mut TripletParams,
        state: &mut TripletState,
        weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        let (mut p, mut s) = (params.clone(), *state);
        read(d, &mut p, &mut s)?;
        same_sign(weight, p.w_max)?;
        non_negative("Kplus", s.kplus, "State Kplus must be positive.")?;
        non_negative(
            "Kplus_triplet",
            s.kplus_triplet,
            "State Kplus_triplet must be positive.",
        )?;
        *params = p;
        *state = s;
        Ok(())
    }
}

fn read(d: &mut Params, p: &mut TripletParams, s: &mut TripletState) -> Result<(), ParamError> {
    update_f64(d, "tau_plus", &mut p.tau_plus)?;
    update_f64(d, "tau_plus_triplet", &mut p.tau_plus_triplet)?;
    update_f64(d, "Aplus", &mut p.a_plus)?;
    update_f64(d, "Aminus", &mut p.a_minus)?;
    update_f64(d, "Aplus_triplet", &mut p.a_plus_triplet)?;
    update_f64(d, "Aminus_triplet", &mut p.a_minus_triplet)?;
    update_f64(d, "Kplus", &mut s.kplus)?;
    update_f64(d, "Kplus_triplet", &mut s.kplus_triplet)?;
    update_f64(d, "Wmax", &mut p.w_max)
}

impl CatalogModel for StdpTripletSynapse {
    const NAME: &'static str = "stdp_triplet_synapse";
    const KEYS: &'static [&'static str] = &[
        "tau_plus",
        "tau_plus_triplet",
        "Aplus",
        "Aminus",
        "Aplus_triplet",
        "Aminus_triplet",
        "Kplus",
        "Kplus_triplet",
        "Wmax",
    ];

    fn defaults(d: &mut Params) {
        StdpTripletSynapse.get_status(&TripletParams::default(), &TripletState::default(), d);
    }

    fn read(d: &mut Params) -> Result<(TripletParams, TripletState), ParamError> {
        let (mut p, mut s) = (TripletParams::default(), TripletState::default());
        read(d, &mut p, &mut s)?;
        Ok((p, s))
    }
}
