//! `aeif_psc_exp`: the adaptive exponential integrate-and-fire neuron with exponentially decaying
//! synaptic currents, NEST 3.10's model of that name. The AdEx machinery it shares with the other
//! `aeif_*` models is in [`crate::aeif`].
//!
//! # Model
//!
//! ```text
//! C_m dV/dt  = −g_L (V' − E_L) + g_L Δ_T exp((V' − V_th)/Δ_T)
//!              + I_syn_ex − I_syn_in − w + I_e + I_stim
//! dI_syn_ex/dt = −I_syn_ex/τ_syn_ex,   dI_syn_in/dt = −I_syn_in/τ_syn_in
//! τ_w dw/dt  = a (V' − E_L) − w
//! ```
//!
//! with `V'` as in [`crate::aeif`]; a spike of weight `q > 0` adds `q` to `I_syn_ex`, one of `q ≤
//! 0` adds `−q` to `I_syn_in` at the end of the step.
//!
//! # Parameters
//!
//! The family's parameters (`V_th`, `V_peak`, `V_reset`, `t_ref`, `g_L`, `C_m`, `E_L`,
//! `Delta_T`, `tau_w`, `a`, `b`, `I_e`, `gsl_error_tol`) are listed at [`crate::aeif::Params`]; the
//! synapses add:
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `tau_syn_ex` | 0.2 | ms | decay time of the excitatory current |
//! | `tau_syn_in` | 2 | ms | decay time of the inhibitory current |
//!
//! Initial state: `V_m` = −70.6 mV (the default `E_L`, whatever `E_L` is set to), `I_syn_ex`,
//! `I_syn_in` and `w` (pA) 0. Recordables: `V_m`, `I_syn_ex`, `I_syn_in`, `w`. Receptors: spikes
//! and currents on receptor 0 only.

use crate::aeif::{self, Adex, Checks, Derived, Rhs, SynapseParams, Synapses};

/// NEST's model name.
pub const MODEL_NAME: &str = "aeif_psc_exp";

/// Every key [`AeifPscExp::from_params`] reads.
pub const KEYS: &[&str] = &aeif::keys::<19, PscExp>();

/// The synapses of `aeif_psc_exp`; state vector as NEST's `State_::StateVecElems`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PscExp;

impl Synapses for PscExp {
    const MODEL: &'static str = MODEL_NAME;
    const STATE: &'static [(&'static str, usize, Option<&'static str>)] = &[
        ("V_m", 0, Some("mV")),
        ("I_syn_ex", 1, Some("pA")),
        ("I_syn_in", 2, Some("pA")),
        ("w", 3, Some("pA")),
    ];
    const PARAMS: SynapseParams = SynapseParams::Taus;
    const CHECKS: Checks = Checks {
        peak_first: false,
        v_reset: "Ensure that V_reset < V_peak .",
        c_m: "Ensure that C_m > 0",
    };

    /// NEST's `aeif_psc_exp_dynamics`.
    #[inline(always)]
    fn eval(x: &Rhs<'_>, y: &[f64], f: &mut [f64]) {
        let p = x.p;
        let v = x.v(y[0]);
        f[0] = x.dv(v, y[1], -y[2], y[3]);
        aeif::exp_synapses(p, y, f);
        f[3] = x.dw(v, y[3]);
    }

    #[inline(always)]
    fn receive(d: &Derived, y: &mut [f64], ex: f64, inh: f64) {
        aeif::exp_receive(d, y, ex, inh);
    }
}

/// A `aeif_psc_exp` population.
pub type AeifPscExp = Adex<PscExp>;
