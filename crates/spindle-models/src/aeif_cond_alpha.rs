//! `aeif_cond_alpha`: the adaptive exponential integrate-and-fire neuron with alpha-shaped synaptic
//! conductances, NEST 3.10's model of that name. The AdEx machinery it shares with the other
//! `aeif_*` models is in [`crate::aeif`].
//!
//! # Model
//!
//! ```text
//! C_m dV/dt  = −g_L (V' − E_L) + g_L Δ_T exp((V' − V_th)/Δ_T)
//!              − g_ex (V' − E_ex) − g_in (V' − E_in) − w + I_e + I_stim
//! dg_ex/dt   = dg_ex' − g_ex/τ_syn_ex,   d(dg_ex)/dt = −dg_ex/τ_syn_ex   (likewise g_in)
//! τ_w dw/dt  = a (V' − E_L) − w
//! ```
//!
//! with `V'` as in [`crate::aeif`]; a spike of weight `q > 0` adds `q·e/τ_syn_ex` to `dg_ex`, one
//! of `q ≤ 0` adds `−q·e/τ_syn_in` to `dg_in` at the end of the step, so that the conductance peaks
//! at `|q|` nS `τ_syn` after.
//!
//! # Parameters
//!
//! The family's parameters (`V_th`, `V_peak`, `V_reset`, `t_ref`, `g_L`, `C_m`, `E_L`,
//! `Delta_T`, `tau_w`, `a`, `b`, `I_e`, `gsl_error_tol`) are listed at [`crate::aeif::Params`]; the
//! synapses add:
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `E_ex` | 0 | mV | excitatory reversal potential |
//! | `E_in` | −85 | mV | inhibitory reversal potential |
//! | `tau_syn_ex` | 0.2 | ms | rise time of the excitatory conductance |
//! | `tau_syn_in` | 2 | ms | rise time of the inhibitory conductance |
//!
//! Initial state: `V_m` = −70.6 mV (the default `E_L`, whatever `E_L` is set to), `g_ex`, `dg_ex`,
//! `g_in`, `dg_in` (nS, nS/ms) and `w` (pA) 0. Recordables: `V_m`, `g_ex`, `g_in`, `w`. Receptors:
//! spikes and currents on receptor 0 only.

use crate::aeif::{self, Adex, Checks, Derived, Rhs, SynapseParams, Synapses};

/// NEST's model name.
pub const MODEL_NAME: &str = "aeif_cond_alpha";

/// Every key [`AeifCondAlpha::from_params`] reads.
pub const KEYS: &[&str] = &aeif::keys::<23, CondAlpha>();

/// The synapses of `aeif_cond_alpha`; state vector as NEST's `State_::StateVecElems`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CondAlpha;

impl Synapses for CondAlpha {
    const MODEL: &'static str = MODEL_NAME;
    const STATE: &'static [(&'static str, usize, Option<&'static str>)] = &[
        ("V_m", 0, Some("mV")),
        ("g_ex", 2, Some("nS")),
        ("dg_ex", 1, None),
        ("g_in", 4, Some("nS")),
        ("dg_in", 3, None),
        ("w", 5, Some("pA")),
    ];
    const PARAMS: SynapseParams = SynapseParams::TausAndReversals;
    const CHECKS: Checks = Checks {
        peak_first: false,
        v_reset: "Ensure that: V_reset < V_peak .",
        c_m: "Capacitance must be strictly positive.",
    };

    /// NEST's `aeif_cond_alpha_dynamics`.
    #[inline(always)]
    fn eval(x: &Rhs<'_>, y: &[f64], f: &mut [f64]) {
        let p = x.p;
        let v = x.v(y[0]);
        let i_syn_exc = y[2] * (v - p.e_ex);
        let i_syn_inh = y[4] * (v - p.e_in);
        f[0] = x.dv(v, -i_syn_exc, -i_syn_inh, y[5]);
        aeif::alpha_synapses(p, y, f);
        f[5] = x.dw(v, y[5]);
    }

    #[inline(always)]
    fn receive(d: &Derived, y: &mut [f64], ex: f64, inh: f64) {
        aeif::alpha_receive(d, y, ex, inh);
    }
}

/// A `aeif_cond_alpha` population.
pub type AeifCondAlpha = Adex<CondAlpha>;
