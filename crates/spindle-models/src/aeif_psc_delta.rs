//! `aeif_psc_delta`: the adaptive exponential integrate-and-fire neuron with delta synapses
//! (a spike makes the membrane potential jump), NEST 3.10's model of that name. The AdEx
//! machinery it shares with the other `aeif_*` models is in [`crate::aeif`].
//!
//! # Model
//!
//! ```text
//! C_m dV/dt = −g_L (V' − E_L) + g_L Δ_T exp((V' − V_th)/Δ_T) − w + I_e + I_stim
//! τ_w dw/dt = a (V' − E_L) − w
//! ```
//!
//! with `V'` as in [`crate::aeif`]; NEST writes this model with the inverses `1/Δ_T`, `1/C_m`,
//! `1/τ_w` (multiplications, not divisions), and so does spindle. The spikes arriving for a
//! step (weights in mV, summed) are added to `V_m` after the *first* RKF45 step of the step,
//! before the threshold test, unless the neuron is refractory; then they are dropped, or with
//! `refractory_input` held and added when the refractory period ends.
//!
//! NEST 3.10 computes the decay of held input as `exp(−r·h/τ_m)` with an unsigned `r`, whose
//! negation wraps: the factor is `+inf`, and the held input `inf`, `−inf` or NaN (an empty
//! buffer times `inf`), so with `refractory_input` and `t_ref > 0` the first refractory period
//! makes `V_m` NaN for good. spindle reproduces that.
//!
//! # Parameters
//!
//! The family's parameters (`V_th`, `V_peak`, `V_reset`, `t_ref`, `g_L`, `C_m`, `E_L`,
//! `Delta_T`, `tau_w`, `a`, `b`, `I_e`, `gsl_error_tol`) are listed at [`crate::aeif::Params`]; this
//! model adds:
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `refractory_input` | false | | hold the input arriving during the refractory period |
//!
//! Initial state: `V_m` = −70.6 mV (the default `E_L`, whatever `E_L` is set to), `w` = 0 pA.
//! Recordables: `V_m`, `w`. Receptors: spikes and currents on receptor 0 only.

use crate::aeif::{self, Adex, Checks, Derived, Rhs, SynapseParams, Synapses};

/// NEST's model name.
pub const MODEL_NAME: &str = "aeif_psc_delta";

/// Every key [`AeifPscDelta::from_params`] reads.
pub const KEYS: &[&str] = &aeif::keys::<16, Delta>();

/// The (absent) synapses of `aeif_psc_delta`: the state is `(V_m, w)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Delta;

impl Synapses for Delta {
    const MODEL: &'static str = MODEL_NAME;
    const STATE: &'static [(&'static str, usize, Option<&'static str>)] =
        &[("V_m", 0, Some("mV")), ("w", 1, Some("pA"))];
    const PARAMS: SynapseParams = SynapseParams::None;
    const CHECKS: Checks = Checks {
        peak_first: false,
        v_reset: "Ensure that V_reset < V_peak .",
        c_m: "Ensure that C_m > 0",
    };
    const DELTA: bool = true;

    /// NEST's `aeif_psc_delta_dynamics`.
    #[inline(always)]
    fn eval(x: &Rhs<'_>, y: &[f64], f: &mut [f64]) {
        let (p, d) = (x.p, x.d);
        let v = x.v(y[0]);
        let w = y[1];
        let i_spike = if p.delta_t == 0.0 {
            0.0
        } else {
            p.g_l * p.delta_t * ((v - p.v_th) * d.delta_t_inv).exp()
        };
        f[0] = if x.refractory {
            0.0
        } else {
            (-p.g_l * (v - p.e_l) + i_spike - w + p.i_e + x.i_stim) * d.c_m_inv
        };
        f[1] = (p.a * (v - p.e_l) - w) * d.tau_w_inv;
    }

    /// Never called: the voltage jumps happen inside the integration loop.
    fn receive(_d: &Derived, _y: &mut [f64], _ex: f64, _inh: f64) {}
}

/// An `aeif_psc_delta` population.
pub type AeifPscDelta = Adex<Delta>;
