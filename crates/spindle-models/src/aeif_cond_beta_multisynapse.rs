//! `aeif_cond_beta_multisynapse`: the adaptive exponential integrate-and-fire neuron with any
//! number of receptor ports, each a beta-shaped (difference of exponentials) conductance with
//! its own reversal potential, rise and decay time, NEST 3.10's model of that name. The model
//! is in [`crate::aeif_multisynapse`]; this file gives the beta shape.
//!
//! # Model
//!
//! `dg_k/dt = dg_k' − g_k/τ_decay,k`, `d(dg_k')/dt = −dg_k'/τ_rise,k`; a spike of weight
//! `q ≥ 0` on port `k` adds `q·g0_k` to `dg_k'`, `g0_k` being NEST's
//! `beta_normalization_factor(τ_rise,k, τ_decay,k)`, so that `g_k` peaks at `q` nS (for
//! `τ_rise = τ_decay` the alpha function's `e/τ`).
//!
//! # Parameters
//!
//! The AdEx family's (`V_th`, `V_peak`, `V_reset`, `t_ref`, `g_L`, `C_m`, `E_L`, `Delta_T`,
//! `tau_w`, `a`, `b`, `I_e`, `gsl_error_tol`; [`crate::aeif::Params`]) and:
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `E_rev` | [0.0] | mV | reversal potential of each port |
//! | `tau_rise` | [2.0] | ms | rise time of each port (> 0) |
//! | `tau_decay` | [20.0] | ms | decay time of each port (≥ `tau_rise`) |
//!
//! `n_receptors` (read only) is the port count. State: `V_m` (−70.6 mV), `w` (0 pA); `g`,
//! `dg` (read only). Recordables: `V_m`, `w`, `g_1 … g_n`. Receptors: spikes on `1 … n`,
//! currents on 0.

use crate::aeif_multisynapse::{keys, AdexMultisynapse, PortShape};
use crate::iaf_cond::beta_normalization_factor;

/// NEST's model name.
pub const MODEL_NAME: &str = "aeif_cond_beta_multisynapse";

/// Every key [`AeifCondBetaMultisynapse::from_params`] reads.
pub const KEYS: &[&str] = &keys::<18, BetaPorts>();

/// Beta-shaped port conductances.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BetaPorts;

impl PortShape for BetaPorts {
    const MODEL_NAME: &'static str = MODEL_NAME;
    const TAU_KEYS: &'static [&'static str] = &["tau_rise", "tau_decay"];
    const ALL_LISTS: &'static str =
        "If the number of receptor ports is changed, all three arrays E_rev, tau_rise and \
         tau_decay must be provided.";
    const SAME_SIZE: &'static str = "The reversal potential, synaptic rise time and synaptic \
                                     decay time arrays must have the same size.";
    const DEFAULT_TAUS: (f64, f64) = (2.0, 20.0);

    fn g0(tau_rise: f64, tau_decay: f64) -> f64 {
        beta_normalization_factor(tau_rise, tau_decay)
    }
}

/// An `aeif_cond_beta_multisynapse` population.
pub type AeifCondBetaMultisynapse = AdexMultisynapse<BetaPorts>;
