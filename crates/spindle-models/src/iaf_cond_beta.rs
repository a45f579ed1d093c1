//! `iaf_cond_beta`: the leaky integrate-and-fire neuron with beta-shaped (difference of two
//! exponentials) synaptic conductances, NEST 3.10's model of that name, reproduced bit for bit.
//!
//! # Model
//!
//! Voltages are absolute. With the refractory counter `r` and the current input `I_stim` frozen
//! over a step, and `V' = min(V, V_th)`:
//!
//! ```text
//! dV/dt     = (−g_L·(V' − E_L) − g_ex·(V' − E_ex) − g_in·(V' − E_in) + I_stim + I_e) / C_m
//!                                                                  (0 while refractory)
//! ddg_ex/dt = −dg_ex/τ_decay_ex    dg_ex/dt = dg_ex − g_ex/τ_rise_ex
//! ddg_in/dt = −dg_in/τ_decay_in    dg_in/dt = dg_in − g_in/τ_rise_in
//! ```
//!
//! (NEST's equations, in which the derivative `dg` decays with the decay time and `g` with the
//! rise time; the conductance is the same difference of exponentials either way round),
//! integrated over each step with GSL 1.15's RKF45 and NEST's step control (see
//! [`crate::iaf_cond`]). A spike of weight `w > 0` adds `w·c_ex` to `dg_ex`, one of `w ≤ 0`
//! adds `−w·c_in` to `dg_in`, `c` being NEST's `beta_normalization_factor(τ_rise, τ_decay)`
//! (a unit weight gives a conductance peaking at 1 nS; `e/τ_decay` where the two times
//! coincide). As in `iaf_cond_alpha` the jumps of a step are added *after* the refractory hold
//! and the threshold test.
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
//! | `tau_rise_ex` | 0.2 | ms | rise time of the excitatory conductance |
//! | `tau_decay_ex` | 0.2 | ms | decay time of the excitatory conductance |
//! | `tau_rise_in` | 2 | ms | rise time of the inhibitory conductance |
//! | `tau_decay_in` | 2 | ms | decay time of the inhibitory conductance |
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
//! * Rotter S, Diesmann M (1999). Exact digital simulation of time-invariant linear systems
//!   with applications to neuronal modeling. Biol Cybern 81:381–402.
//! * Roth A, van Rossum MCW (2010). Modeling synapses. In: De Schutter E (ed), Computational
//!   Modeling Methods for Neuroscientists, MIT Press.
//! * NEST 3.10, `models/iaf_cond_beta.{h,cpp}`, `libnestutil/beta_normalization_factor.h`.

use crate::iaf_cond::rise_decay::{self, Taus, DG_EX, DG_IN};
use crate::iaf_cond::{
    beta_normalization_factor, check_time_constants, cond_keys, CondModel, IafCond, IafCondChunk,
    Membrane, Readout,
};
use crate::voltages::{put_floats, read_scalars};
use spindle_core::params::{ParamError, Params as Dict};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_cond_beta";

/// Every key [`IafCondBeta::from_params`] reads.
pub const KEYS: &[&str] = cond_keys!(
    "tau_rise_ex",
    "tau_decay_ex",
    "tau_rise_in",
    "tau_decay_in",
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
    /// `tau_rise_ex`, ms.
    pub tau_rise_ex: f64,
    /// `tau_decay_ex`, ms.
    pub tau_decay_ex: f64,
    /// `tau_rise_in`, ms.
    pub tau_rise_in: f64,
    /// `tau_decay_in`, ms.
    pub tau_decay_in: f64,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            membrane: Membrane::default(),
            tau_rise_ex: 0.2,
            tau_decay_ex: 0.2,
            tau_rise_in: 2.0,
            tau_decay_in: 2.0,
        }
    }
}

/// `iaf_cond_beta` in the shared conductance-based step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CondBeta;

/// An `iaf_cond_beta` population: validated parameters and initial state
/// `(V_m, dg_ex, g_ex, dg_in, g_in)`.
pub type IafCondBeta = IafCond<CondBeta, 5>;

/// The state of `n` `iaf_cond_beta` neurons.
pub type IafCondBetaChunk = IafCondChunk<CondBeta, 5>;

impl CondModel<5> for CondBeta {
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
                ("tau_rise_ex", &mut p.tau_rise_ex),
                ("tau_decay_ex", &mut p.tau_decay_ex),
                ("tau_rise_in", &mut p.tau_rise_in),
                ("tau_decay_in", &mut p.tau_decay_in),
            ],
        )?;
        p.membrane.check()?;
        check_time_constants(&[
            ("tau_rise_ex", p.tau_rise_ex),
            ("tau_decay_ex", p.tau_decay_ex),
            ("tau_rise_in", p.tau_rise_in),
            ("tau_decay_in", p.tau_decay_in),
        ])
    }

    fn get(p: &Params, out: &mut Dict) {
        p.membrane.put(out);
        put_floats(
            out,
            &[
                ("tau_rise_ex", p.tau_rise_ex),
                ("tau_decay_ex", p.tau_decay_ex),
                ("tau_rise_in", p.tau_rise_in),
                ("tau_decay_in", p.tau_decay_in),
            ],
        );
    }

    /// NEST's `PSConInit_E`, `PSConInit_I` (`beta_normalization_factor`).
    fn jump_factors(p: &Params) -> (f64, f64) {
        (
            beta_normalization_factor(p.tau_rise_ex, p.tau_decay_ex),
            beta_normalization_factor(p.tau_rise_in, p.tau_decay_in),
        )
    }

    /// NEST's `iaf_cond_beta_dynamics`.
    #[inline(always)]
    fn rhs(p: &Params, refractory: bool, i_stim: f64, y: &[f64; 5], f: &mut [f64; 5]) {
        let ex = Taus {
            dg: p.tau_decay_ex,
            g: p.tau_rise_ex,
        };
        let inh = Taus {
            dg: p.tau_decay_in,
            g: p.tau_rise_in,
        };
        rise_decay::rhs(&p.membrane, ex, inh, refractory, i_stim, y, f);
    }
}
