//! `iaf_cond_exp_sfa_rr`: the leaky integrate-and-fire neuron with exponential synaptic
//! conductances, spike-frequency adaptation and relative refractoriness (two spike-triggered
//! potassium-like conductances), NEST 3.10's model of that name, reproduced bit for bit.
//!
//! # Model
//!
//! Voltages are absolute. With the refractory counter `r` and the current input `I_stim` frozen
//! over a step, and `V' = min(V, V_th)`:
//!
//! ```text
//! dV/dt     = (−g_L·(V' − E_L) + I_stim + I_e − g_ex·(V' − E_ex) − g_in·(V' − E_in)
//!              − g_sfa·(V' − E_sfa) − g_rr·(V' − E_rr)) / C_m      (0 while refractory)
//! dg_ex/dt  = −g_ex/τ_ex        dg_in/dt = −g_in/τ_in
//! dg_sfa/dt = −g_sfa/τ_sfa      dg_rr/dt = −g_rr/τ_rr
//! ```
//!
//! integrated over each step with GSL 1.15's RKF45 and NEST's step control (see
//! [`crate::iaf_cond`]). As in `iaf_cond_exp`, a spike of weight `w > 0` adds `w` to `g_ex`,
//! one of `w ≤ 0` adds `−w` to `g_in`, before the threshold test; a spike of the neuron itself
//! also adds `q_sfa` to `g_sfa` and `q_rr` to `g_rr`.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `V_th` | −57 | mV | spike threshold |
//! | `V_reset` | −70 | mV | reset potential |
//! | `t_ref` | 0.5 | ms | refractory period (≥ 0) |
//! | `g_L` | 28.95 | nS | leak conductance |
//! | `C_m` | 289.5 | pF | membrane capacitance |
//! | `E_ex` | 0 | mV | excitatory reversal potential |
//! | `E_in` | −75 | mV | inhibitory reversal potential |
//! | `E_L` | −70 | mV | leak reversal potential |
//! | `tau_syn_ex` | 1.5 | ms | decay time of the excitatory conductance |
//! | `tau_syn_in` | 10 | ms | decay time of the inhibitory conductance |
//! | `I_e` | 0 | pA | constant external current |
//! | `tau_sfa` | 110 | ms | decay time of the adaptation conductance |
//! | `tau_rr` | 1.97 | ms | decay time of the relative-refractory conductance |
//! | `E_sfa` | −70 | mV | reversal potential of the adaptation conductance |
//! | `E_rr` | −70 | mV | reversal potential of the relative-refractory conductance |
//! | `q_sfa` | 14.48 | nS | adaptation jump per spike |
//! | `q_rr` | 3214 | nS | relative-refractory jump per spike |
//!
//! State: `V_m` (mV, default −70, independent of `E_L`), `g_ex`, `g_in`, `g_sfa`, `g_rr` (nS,
//! default 0).
//!
//! Receptors: spikes and currents on receptor 0 only. Recordables: `V_m`, `g_ex`, `g_in`,
//! `g_sfa`, `g_rr`.
//!
//! # References
//!
//! * Dayan P, Abbott LF (2001). Theoretical Neuroscience, MIT Press, p. 166.
//! * Meffin H, Burkitt AN, Grayden DB (2004). An analytical model for the large, fluctuating
//!   synaptic conductance state typical of neocortical neurons in vivo. J Comput Neurosci
//!   16:159–175.
//! * NEST 3.10, `models/iaf_cond_exp_sfa_rr.{h,cpp}`.

use crate::iaf_cond::{
    check_time_constants, cond_keys, CondModel, IafCond, IafCondChunk, Membrane, Readout,
};
use crate::voltages::{put_floats, read_scalars};
use spindle_core::params::{ParamError, Params as Dict};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_cond_exp_sfa_rr";

/// Every key [`IafCondExpSfaRr::from_params`] reads.
pub const KEYS: &[&str] = cond_keys!(
    "tau_syn_ex",
    "tau_syn_in",
    "tau_sfa",
    "tau_rr",
    "E_sfa",
    "E_rr",
    "q_sfa",
    "q_rr",
    "V_m",
    "g_ex",
    "g_in",
    "g_sfa",
    "g_rr"
);

/// State vector `y = (V_m, g_ex, g_in, g_sfa, g_rr)`.
const G_EX: usize = 1;
const G_IN: usize = 2;
const G_SFA: usize = 3;
const G_RR: usize = 4;

/// User parameters (absolute voltages, as NEST stores them for this model).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub membrane: Membrane,
    /// `tau_syn_ex`, ms.
    pub tau_syn_ex: f64,
    /// `tau_syn_in`, ms.
    pub tau_syn_in: f64,
    /// `tau_sfa`, ms.
    pub tau_sfa: f64,
    /// `tau_rr`, ms.
    pub tau_rr: f64,
    /// `E_sfa`, mV.
    pub e_sfa: f64,
    /// `E_rr`, mV.
    pub e_rr: f64,
    /// `q_sfa`, nS.
    pub q_sfa: f64,
    /// `q_rr`, nS.
    pub q_rr: f64,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            membrane: Membrane {
                v_th: -57.0,
                v_reset: -70.0,
                t_ref: 0.5,
                g_l: 28.95,
                c_m: 289.5,
                e_ex: 0.0,
                e_in: -75.0,
                e_l: -70.0,
                i_e: 0.0,
            },
            tau_syn_ex: 1.5,
            tau_syn_in: 10.0,
            tau_sfa: 110.0,
            tau_rr: 1.97,
            e_sfa: -70.0,
            e_rr: -70.0,
            q_sfa: 14.48,
            q_rr: 3214.0,
        }
    }
}

/// `iaf_cond_exp_sfa_rr` in the shared conductance-based step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CondExpSfaRr;

/// An `iaf_cond_exp_sfa_rr` population: validated parameters and initial state
/// `(V_m, g_ex, g_in, g_sfa, g_rr)`.
pub type IafCondExpSfaRr = IafCond<CondExpSfaRr, 5>;

/// The state of `n` `iaf_cond_exp_sfa_rr` neurons.
pub type IafCondExpSfaRrChunk = IafCondChunk<CondExpSfaRr, 5>;

impl CondModel<5> for CondExpSfaRr {
    const NAME: &'static str = MODEL_NAME;
    const STATE: &'static [(&'static str, usize)] = &[
        ("V_m", 0),
        ("g_ex", G_EX),
        ("g_in", G_IN),
        ("g_sfa", G_SFA),
        ("g_rr", G_RR),
    ];
    const RECORDABLES: &'static [(&'static str, &'static str, Readout)] = &[
        ("V_m", "mV", Readout::State(0)),
        ("g_ex", "nS", Readout::State(G_EX)),
        ("g_in", "nS", Readout::State(G_IN)),
        ("g_sfa", "nS", Readout::State(G_SFA)),
        ("g_rr", "nS", Readout::State(G_RR)),
    ];
    const JUMP_INTO: (usize, usize) = (G_EX, G_IN);
    const JUMPS_BEFORE_THRESHOLD: bool = true;

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
                ("E_sfa", &mut p.e_sfa),
                ("E_rr", &mut p.e_rr),
                ("q_sfa", &mut p.q_sfa),
                ("q_rr", &mut p.q_rr),
                ("tau_sfa", &mut p.tau_sfa),
                ("tau_rr", &mut p.tau_rr),
            ],
        )?;
        p.membrane.check()?;
        check_time_constants(&[
            ("tau_syn_ex", p.tau_syn_ex),
            ("tau_syn_in", p.tau_syn_in),
            ("tau_sfa", p.tau_sfa),
            ("tau_rr", p.tau_rr),
        ])
    }

    fn get(p: &Params, out: &mut Dict) {
        p.membrane.put(out);
        put_floats(
            out,
            &[
                ("tau_syn_ex", p.tau_syn_ex),
                ("tau_syn_in", p.tau_syn_in),
                ("tau_sfa", p.tau_sfa),
                ("tau_rr", p.tau_rr),
                ("E_sfa", p.e_sfa),
                ("E_rr", p.e_rr),
                ("q_sfa", p.q_sfa),
                ("q_rr", p.q_rr),
            ],
        );
    }

    #[inline(always)]
    fn on_spike(p: &Params, y: &mut [f64; 5]) {
        y[G_SFA] += p.q_sfa;
        y[G_RR] += p.q_rr;
    }

    /// NEST's `iaf_cond_exp_sfa_rr_dynamics`.
    #[inline(always)]
    fn rhs(p: &Params, refractory: bool, i_stim: f64, y: &[f64; 5], f: &mut [f64; 5]) {
        let m = &p.membrane;
        f[0] = if refractory {
            // NEST evaluates the currents at V = V_reset here; the derivative is 0 regardless.
            0.0
        } else {
            let v = m.bounded(y[0]);
            let i_syn_exc = y[G_EX] * (v - m.e_ex);
            let i_syn_inh = y[G_IN] * (v - m.e_in);
            let i_l = m.g_l * (v - m.e_l);
            let i_sfa = y[G_SFA] * (v - p.e_sfa);
            let i_rr = y[G_RR] * (v - p.e_rr);
            (-i_l + i_stim + m.i_e - i_syn_exc - i_syn_inh - i_sfa - i_rr) / m.c_m
        };
        f[G_EX] = -y[G_EX] / p.tau_syn_ex;
        f[G_IN] = -y[G_IN] / p.tau_syn_in;
        f[G_SFA] = -y[G_SFA] / p.tau_sfa;
        f[G_RR] = -y[G_RR] / p.tau_rr;
    }
}
