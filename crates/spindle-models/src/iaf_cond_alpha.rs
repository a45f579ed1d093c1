//! `iaf_cond_alpha`: the leaky integrate-and-fire neuron with alpha-shaped synaptic
//! conductances, NEST 3.10's model of that name, reproduced bit for bit.
//!
//! # Model
//!
//! Voltages are absolute. With the refractory counter `r` and the current input `I_stim` frozen
//! over a step, and `V' = min(V, V_th)`:
//!
//! ```text
//! dV/dt     = (−g_L·(V' − E_L) − g_ex·(V' − E_ex) − g_in·(V' − E_in) + I_stim + I_e) / C_m
//!                                                                  (0 while refractory)
//! ddg_ex/dt = −dg_ex/τ_ex          dg_ex/dt = dg_ex − g_ex/τ_ex
//! ddg_in/dt = −dg_in/τ_in          dg_in/dt = dg_in − g_in/τ_in
//! ```
//!
//! integrated over each step with GSL 1.15's RKF45 and NEST's step control (see
//! [`crate::iaf_cond`]). A spike of weight `w > 0` adds `w·e/τ_ex` to `dg_ex`, one of `w ≤ 0`
//! adds `−w·e/τ_in` to `dg_in` (NEST's `PSConInit_E`, `PSConInit_I`), so that a unit weight
//! gives a conductance peaking at 1 nS `τ` ms later. Unlike `iaf_cond_exp`, the jumps of a step
//! are added *after* the refractory hold and the threshold test.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `V_th` | −55 | mV | spike threshold |
//! | `V_reset` | −60 | mV | reset potential |
//! | `t_ref` | 2 | ms | refractory period (≥ 0) |
//! | `g_L` | 16.6667 | nS | leak conductance |
//! | `C_m` | 250 | pF | membrane capacitance |
//! | `E_ex` | 0 | mV | excitatory reversal potential |
//! | `E_in` | −85 | mV | inhibitory reversal potential |
//! | `E_L` | −70 | mV | leak reversal potential |
//! | `tau_syn_ex` | 0.2 | ms | rise time (to the peak) of the excitatory conductance |
//! | `tau_syn_in` | 2 | ms | rise time (to the peak) of the inhibitory conductance |
//! | `I_e` | 0 | pA | constant external current |
//!
//! State: `V_m` (mV, default −70, independent of `E_L`), `g_ex`, `dg_ex`, `g_in`, `dg_in`
//! (nS and nS/ms, default 0).
//!
//! Receptors: spikes and currents on receptor 0 only. Recordables: `V_m`, `g_ex`, `g_in`,
//! `t_ref_remaining`.
//!
//! # References
//!
//! * Meffin H, Burkitt AN, Grayden DB (2004). An analytical model for the large, fluctuating
//!   synaptic conductance state typical of neocortical neurons in vivo. J Comput Neurosci
//!   16:159–175.
//! * Bernander O, Douglas RJ, Martin KAC, Koch C (1991). Synaptic background activity
//!   influences spatiotemporal integration in single pyramidal cells. PNAS 88:11569–11573.
//! * NEST 3.10, `models/iaf_cond_alpha.{h,cpp}`.

use crate::iaf_cond::rise_decay::{self, Taus, DG_EX, DG_IN};
use crate::iaf_cond::{
    check_time_constants, cond_keys, CondModel, IafCond, IafCondChunk, Membrane, Readout,
};
use crate::voltages::{put_floats, read_scalars};
use spindle_core::params::{ParamError, Params as Dict};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_cond_alpha";

/// Every key [`IafCondAlpha::from_params`] reads.
pub const KEYS: &[&str] = cond_keys!(
    "tau_syn_ex",
    "tau_syn_in",
    "V_m",
    "g_ex",
    "dg_ex",
    "g_in",
    "dg_in"
);

/// User parameters (absolute voltages, as NEST stores them for this model).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub membrane: Membrane,
    /// `tau_syn_ex`, ms.
    pub tau_syn_ex: f64,
    /// `tau_syn_in`, ms.
    pub tau_syn_in: f64,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            membrane: Membrane::default(),
            tau_syn_ex: 0.2,
            tau_syn_in: 2.0,
        }
    }
}

/// `iaf_cond_alpha` in the shared conductance-based step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CondAlpha;

/// An `iaf_cond_alpha` population: validated parameters and initial state
/// `(V_m, dg_ex, g_ex, dg_in, g_in)`.
pub type IafCondAlpha = IafCond<CondAlpha, 5>;

/// The state of `n` `iaf_cond_alpha` neurons.
pub type IafCondAlphaChunk = IafCondChunk<CondAlpha, 5>;

impl CondModel<5> for CondAlpha {
    const NAME: &'static str = MODEL_NAME;
    const STATE: &'static [(&'static str, usize)] = rise_decay::STATE;
    const RECORDABLES: &'static [(&'static str, &'static str, Readout)] = rise_decay::RECORDABLES;
    const JUMP_INTO: (usize, usize) = (DG_EX, DG_IN);
    const JUMPS_BEFORE_THRESHOLD: bool = false;

    type Params = Params;

    fn membrane(p: &Params) -> &Membrane {
        &p.membrane
    }

    fn set(p: &mut Params, dict: &mut Dict) -> Result<(), ParamError> {
        p.membrane.read(dict)?;
        read_scalars(
            dict,
            &mut [
                ("tau_syn_ex", &mut p.tau_syn_ex),
                ("tau_syn_in", &mut p.tau_syn_in),
            ],
        )?;
        p.membrane.check()?;
        check_time_constants(&[("tau_syn_ex", p.tau_syn_ex), ("tau_syn_in", p.tau_syn_in)])
    }

    fn get(p: &Params, out: &mut Dict) {
        p.membrane.put(out);
        put_floats(
            out,
            &[("tau_syn_ex", p.tau_syn_ex), ("tau_syn_in", p.tau_syn_in)],
        );
    }

    /// NEST's `PSConInit_E = 1.0 * numerics::e / tau_synE` (and `_I`; `1.0 · e` is `e`).
    fn jump_factors(p: &Params) -> (f64, f64) {
        let e = std::f64::consts::E;
        (e / p.tau_syn_ex, e / p.tau_syn_in)
    }

    /// NEST's `iaf_cond_alpha_dynamics`.
    #[inline(always)]
    fn rhs(p: &Params, refractory: bool, i_stim: f64, y: &[f64; 5], f: &mut [f64; 5]) {
        let ex = Taus {
            dg: p.tau_syn_ex,
            g: p.tau_syn_ex,
        };
        let inh = Taus {
            dg: p.tau_syn_in,
            g: p.tau_syn_in,
        };
        rise_decay::rhs(&p.membrane, ex, inh, refractory, i_stim, y, f);
    }
}
