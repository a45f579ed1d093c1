//! `aeif_cond_alpha_multisynapse`: the adaptive exponential integrate-and-fire neuron with any
//! number of receptor ports, each an alpha-shaped conductance with its own reversal potential
//! and time constant, NEST 3.10's model of that name. The model is in
//! [`crate::aeif_multisynapse`]; this file gives the alpha shape.
//!
//! # Model
//!
//! `dg_k/dt = dg_k' − g_k/τ_syn,k`, `d(dg_k')/dt = −dg_k'/τ_syn,k`; a spike of weight `q ≥ 0` on
//! port `k` adds `q·e/τ_syn,k` to `dg_k'`, so that `g_k` peaks at `q` nS `τ_syn,k` after.
//!
//! # Parameters
//!
//! The AdEx family's (`V_th`, `V_peak`, `V_reset`, `t_ref`, `g_L`, `C_m`, `E_L`, `Delta_T`,
//! `tau_w`, `a`, `b`, `I_e`, `gsl_error_tol`; [`crate::aeif::Params`]) and:
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `E_rev` | [0.0] | mV | reversal potential of each port |
//! | `tau_syn` | [2.0] | ms | time constant of each port (> 0) |
//!
//! `n_receptors` (read only) is the port count. State: `V_m` (−70.6 mV), `w` (0 pA); `g`,
//! `dg` (read only). Recordables: `V_m`, `w`, `g_1 … g_n`. Receptors: spikes on `1 … n`,
//! currents on 0.

use crate::aeif_multisynapse::{keys, AdexMultisynapse, PortShape};

/// NEST's model name.
pub const MODEL_NAME: &str = "aeif_cond_alpha_multisynapse";

/// Every key [`AeifCondAlphaMultisynapse::from_params`] reads.
pub const KEYS: &[&str] = &keys::<17, AlphaPorts>();

/// Alpha-shaped port conductances.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlphaPorts;

impl PortShape for AlphaPorts {
    const MODEL_NAME: &'static str = MODEL_NAME;
    const TAU_KEYS: &'static [&'static str] = &["tau_syn"];
    const ALL_LISTS: &'static str =
        "If the number of receptor ports is changed, both arrays E_rev and tau_syn must be \
         provided.";
    const SAME_SIZE: &'static str =
        "The reversal potential, and synaptic time constant arrays must have the same size.";
    const DEFAULT_TAUS: (f64, f64) = (2.0, 2.0);

    /// NEST's `1.0 * numerics::e / tau_syn`.
    fn g0(tau_rise: f64, _tau_decay: f64) -> f64 {
        1.0 * std::f64::consts::E / tau_rise
    }
}

/// An `aeif_cond_alpha_multisynapse` population.
pub type AeifCondAlphaMultisynapse = AdexMultisynapse<AlphaPorts>;
