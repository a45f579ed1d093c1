//! `iaf_cond_exp`: the leaky integrate-and-fire neuron with exponentially decaying synaptic
//! conductances, NEST 3.10's model of that name, reproduced bit for bit (spec §4.3).
//!
//! # Model
//!
//! Voltages are absolute. With the refractory counter `r` and the current input `I_stim` frozen
//! over a step, and `V' = V_reset` while refractory, else `min(V, V_th)`:
//!
//! ```text
//! dV/dt    = (−g_L·(V' − E_L) + I_stim + I_e − g_ex·(V' − E_ex) − g_in·(V' − E_in)) / C_m
//!                                                                  (0 while refractory)
//! dg_ex/dt = −g_ex/τ_ex
//! dg_in/dt = −g_in/τ_in
//! ```
//!
//! integrated over each step with GSL 1.15's RKF45 and its standard step control (absolute
//! tolerance 1e-3 on every component, step estimate carried across steps; see [`crate::rkf45`]
//! and the step shared with the other conductance-based models in [`crate::iaf_cond`]).
//!
//! One step `k → k+1`: (1) integrate; (2) add the conductance jumps of the spikes arriving for
//! this step: a connection of weight `w > 0` adds `w` to `g_ex`, one with `w ≤ 0` adds `−w` to
//! `g_in` (the sign is converted, unlike `glif_cond`); (3) if refractory, count down and hold
//! `V = V_reset`; else if `V ≥ V_th` spike at `t_{k+1}`, `V ← V_reset`, and start the
//! `⌈t_ref/h⌉`-step refractory period; (4) latch the current input of the next step.
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
//! | `tau_syn_ex` | 0.2 | ms | decay time of the excitatory conductance |
//! | `tau_syn_in` | 2 | ms | decay time of the inhibitory conductance |
//! | `I_e` | 0 | pA | constant external current |
//!
//! Initial state: `V_m` (mV, default −70, independent of `E_L`), `g_ex`, `g_in` (nS, default 0).
//!
//! Receptors: spikes and currents on receptor 0 only. Recordables: `V_m`, `g_ex`, `g_in`.
//!
//! # References
//!
//! * Meffin H, Burkitt AN, Grayden DB (2004). An analytical model for the large, fluctuating
//!   synaptic conductance state typical of neocortical neurons in vivo. J Comput Neurosci
//!   16:159–175.
//! * NEST 3.10, `models/iaf_cond_exp.{h,cpp}`; spec `nest-semantics.md` §4.3, §2.6.

use crate::iaf_cond::{
    check_time_constants, cond_keys, CondModel, IafCond, IafCondChunk, Membrane, Readout,
};
use crate::voltages::{put_floats, read_scalars};
use spindle_core::params::{ParamError, Params as Dict};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_cond_exp";

/// Every key [`IafCondExp::from_params`] reads.
pub const KEYS: &[&str] = cond_keys!("tau_syn_ex", "tau_syn_in", "V_m", "g_ex", "g_in");

/// State vector `y = (V_m, g_ex, g_in)`.
const G_EX: usize = 1;
const G_IN: usize = 2;

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

/// `iaf_cond_exp` in the shared conductance-based step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CondExp;

/// An `iaf_cond_exp` population: validated parameters and initial state `(V_m, g_ex, g_in)`.
pub type IafCondExp = IafCond<CondExp, 3>;

/// The state of `n` `iaf_cond_exp` neurons.
pub type IafCondExpChunk = IafCondChunk<CondExp, 3>;

impl CondModel<3> for CondExp {
    const NAME: &'static str = MODEL_NAME;
    const STATE: &'static [(&'static str, usize)] = &[("V_m", 0), ("g_ex", G_EX), ("g_in", G_IN)];
    const RECORDABLES: &'static [(&'static str, &'static str, Readout)] = &[
        ("V_m", "mV", Readout::State(0)),
        ("g_ex", "nS", Readout::State(G_EX)),
        ("g_in", "nS", Readout::State(G_IN)),
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

    /// NEST's `iaf_cond_exp_dynamics`.
    #[inline(always)]
    fn rhs(p: &Params, refractory: bool, i_stim: f64, y: &[f64; 3], f: &mut [f64; 3]) {
        let m = &p.membrane;
        f[0] = if refractory {
            // NEST evaluates the currents at V = V_reset here; the derivative is 0 regardless.
            0.0
        } else {
            let v = m.bounded(y[0]);
            let i_syn_exc = y[G_EX] * (v - m.e_ex);
            let i_syn_inh = y[G_IN] * (v - m.e_in);
            let i_l = m.g_l * (v - m.e_l);
            (-i_l + i_stim + m.i_e - i_syn_exc - i_syn_inh) / m.c_m
        };
        f[G_EX] = -y[G_EX] / p.tau_syn_ex;
        f[G_IN] = -y[G_IN] / p.tau_syn_in;
    }
}
