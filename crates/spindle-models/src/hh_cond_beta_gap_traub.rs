//! `hh_cond_beta_gap_traub`: Traub and Miles' Hodgkin–Huxley neuron with beta-shaped synaptic
//! conductances, NEST 3.10's model of that name **without its gap junctions** (spindle has no
//! gap-junction connections), reproduced bit for bit. The shared HH machinery is in `hh.rs`,
//! the gating rates are `hh_cond_exp_traub`'s.
//!
//! # Model
//!
//! With `u = V − V_T`:
//!
//! ```text
//! C_m dV/dt = −I_Na − I_K − I_L − g_ex·(V − E_ex) − g_in·(V − E_in) + I_stim + I_gap + I_e
//! I_Na = g_Na·m³·h·(V − E_Na)     I_K = g_K·n⁴·(V − E_K)     I_L = g_L·(V − E_L)
//! dx/dt = α_x(u) − (α_x(u) + β_x(u))·x                                x ∈ {m, h, n}
//! dg_ex/dt = dg_ex' − g_ex/τ_rise,ex,   d(dg_ex')/dt = −dg_ex'/τ_decay,ex   (likewise g_in)
//! ```
//!
//! (the rise and decay constants where NEST's right-hand side puts them), integrated with GSL's
//! RKF45 under NEST's step control. `I_gap` is NEST's gap-junction current; without gap
//! junctions NEST computes it as `+0.0`, and so does spindle. A spike of weight `w`
//! (× multiplicity) adds `w·g0_ex` to `dg_ex'` if `w > 0`, else `−w·g0_in` to `dg_in'`, `g0`
//! being NEST's `beta_normalization_factor(τ_rise, τ_decay)`. A spike is emitted when
//! `V_m ≥ V_T + 30 mV` while `V_m` decreases, unless the neuron is within `t_ref` of its last
//! spike; `V_m` is not reset.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `g_Na` | 20000 | nS | sodium peak conductance (≥ 0) |
//! | `g_K` | 6000 | nS | potassium peak conductance (≥ 0) |
//! | `g_L` | 10 | nS | leak conductance (≥ 0) |
//! | `C_m` | 200 | pF | membrane capacitance (> 0) |
//! | `E_Na` | 50 | mV | sodium reversal potential |
//! | `E_K` | −90 | mV | potassium reversal potential |
//! | `E_L` | −60 | mV | leak reversal potential |
//! | `V_T` | −50 | mV | voltage offset of the gating rates (spike threshold `V_T + 30`) |
//! | `E_ex` | 0 | mV | excitatory reversal potential |
//! | `E_in` | −80 | mV | inhibitory reversal potential |
//! | `tau_rise_ex` | 0.5 | ms | excitatory rise time (> 0) |
//! | `tau_decay_ex` | 5 | ms | excitatory decay time (> 0) |
//! | `tau_rise_in` | 0.5 | ms | inhibitory rise time (> 0) |
//! | `tau_decay_in` | 10 | ms | inhibitory decay time (> 0) |
//! | `t_ref` | 2 | ms | time after a spike during which no spike is detected (≥ 0) |
//! | `I_e` | 0 | pA | constant external current |
//!
//! Initial state: `V_m` = −60 mV (the default `E_L`) and the gating variables at the
//! equilibrium of the rates evaluated at `u = −60` (as NEST's prototype computes them), not
//! recomputed when `V_m`, `E_L` or `V_T` are given.
//!
//! Receptors: spikes and currents on receptor 0. Recordables: `V_m`, `g_ex`, `g_in`, `Act_m`,
//! `Inact_h`, `Act_n`.
//!
//! # Not supported
//!
//! Gap junctions (`gap_junction` connections, NEST's waveform relaxation): spindle has no
//! secondary events. Without them NEST runs no waveform-relaxation iterations and this model is
//! NEST's exactly.
//!
//! # References
//!
//! * Traub RD, Miles R (1991). Neuronal networks of the hippocampus. Cambridge University Press.
//! * Brette R et al. (2007). Simulation of networks of spiking neurons: a review of tools and
//!   strategies. J Comput Neurosci 23:349–398.
//! * NEST 3.10, `models/hh_cond_beta_gap_traub.{h,cpp}`.

use crate::hh::{
    check_capacitance, check_refractory_time, HhModel, HhNeuron, HH_H, HH_M, HH_N, V_M,
};
use crate::hh_cond_exp_traub::rates;
use crate::iaf_cond::beta_normalization_factor;
use crate::voltages::{put_floats, read_scalars};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::TimeGrid;

/// NEST's model name.
pub const MODEL_NAME: &str = "hh_cond_beta_gap_traub";

/// The parameter keys in NEST's order (`Parameters_::set` and `get`).
const PARAM_KEYS: [&str; 16] = [
    "g_Na",
    "g_K",
    "g_L",
    "C_m",
    "E_Na",
    "E_K",
    "E_L",
    "V_T",
    "E_ex",
    "E_in",
    "tau_rise_ex",
    "tau_decay_ex",
    "tau_rise_in",
    "tau_decay_in",
    "t_ref",
    "I_e",
];

/// Every key [`HhCondBetaGapTraub::from_params`] reads: the parameters, then the state.
pub const KEYS: &[&str] = &{
    const STATE: [&str; 4] = ["V_m", "Act_m", "Inact_h", "Act_n"];
    let mut out = [""; 20];
    let mut i = 0;
    while i < out.len() {
        out[i] = if i < PARAM_KEYS.len() {
            PARAM_KEYS[i]
        } else {
            STATE[i - PARAM_KEYS.len()]
        };
        i += 1;
    }
    out
};

/// NEST's state vector: `V_m`, `m`, `h`, `n`, `dg_ex`, `g_ex`, `dg_in`, `g_in`.
const DIM: usize = 8;
const DG_EXC: usize = 4;
const G_EXC: usize = 5;
const DG_INH: usize = 6;
const G_INH: usize = 7;

/// An `hh_cond_beta_gap_traub` population.
pub type HhCondBetaGapTraub = HhNeuron<Model, DIM>;

/// The model's parameters, right-hand side and spike handling for [`HhNeuron`].
#[derive(Clone, Debug)]
pub struct Model;

/// User parameters, in NEST's order (`PARAM_KEYS`): `g_Na`, `g_K`, `g_L` (nS), `C_m` (pF),
/// `E_Na`, `E_K`, `E_L`, `V_T`, `E_ex`, `E_in` (mV), `tau_rise_ex`, `tau_decay_ex`,
/// `tau_rise_in`, `tau_decay_in`, `t_ref` (ms), `I_e` (pA).
#[derive(Clone, Debug, PartialEq)]
pub struct Params(pub [f64; 16]);

const G_NA: usize = 0;
const G_K: usize = 1;
const G_L: usize = 2;
const C_M: usize = 3;
const E_NA: usize = 4;
const E_K: usize = 5;
const E_L: usize = 6;
const V_T: usize = 7;
const E_EX: usize = 8;
const E_IN: usize = 9;
const TAU_RISE_EX: usize = 10;
const TAU_DECAY_EX: usize = 11;
const TAU_RISE_IN: usize = 12;
const TAU_DECAY_IN: usize = 13;
const T_REF: usize = 14;
const I_E: usize = 15;

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params([
            20000.0, 6000.0, 10.0, 200.0, 50.0, -90.0, -60.0, -50.0, 0.0, -80.0, 0.5, 5.0, 0.5,
            10.0, 2.0, 0.0,
        ])
    }
}

/// Constants NEST's `pre_run_hook` derives.
#[derive(Clone, Copy, Debug, Default)]
pub struct Derived {
    refractory_counts: i64,
    /// NEST's `PSConInit_E`, `PSConInit_I`.
    g0_ex: f64,
    g0_in: f64,
}

impl HhModel<DIM> for Model {
    const NAME: &'static str = MODEL_NAME;
    const RECORDABLES: &'static [(&'static str, &'static str, usize)] = &[
        ("V_m", "mV", V_M),
        ("g_ex", "nS", G_EXC),
        ("g_in", "nS", G_INH),
        ("Act_m", "1", HH_M),
        ("Inact_h", "1", HH_H),
        ("Act_n", "1", HH_N),
    ];
    type Params = Params;
    type Derived = Derived;

    fn initial_state() -> [f64; DIM] {
        let mut y = [0.0; DIM];
        y[V_M] = Params::default().0[E_L];
        rates(y[V_M]).set_equilibrium(&mut y);
        y
    }

    fn set(p: &mut Params, dict: &mut Dict) -> Result<(), ParamError> {
        let mut slots: Vec<(&str, &mut f64)> = PARAM_KEYS.iter().copied().zip(&mut p.0).collect();
        read_scalars(dict, &mut slots)?;
        let p = &p.0;
        check_capacitance(p[C_M])?;
        check_refractory_time(p[T_REF])?;
        let taus = [TAU_RISE_EX, TAU_DECAY_EX, TAU_RISE_IN, TAU_DECAY_IN];
        if taus.iter().any(|&k| p[k] <= 0.0) {
            let mut e = ParamError::rule("All time constants must be strictly positive.");
            for k in taus {
                e = e.with(PARAM_KEYS[k], Value::Float(p[k]));
            }
            return Err(e);
        }
        if p[G_K] < 0.0 || p[G_NA] < 0.0 || p[G_L] < 0.0 {
            let mut e = ParamError::rule("All conductances must be non-negative.");
            for k in [G_NA, G_K, G_L] {
                e = e.with(PARAM_KEYS[k], Value::Float(p[k]));
            }
            return Err(e);
        }
        Ok(())
    }

    fn get(p: &Params, out: &mut Dict) {
        let entries: Vec<(&str, f64)> = PARAM_KEYS.iter().copied().zip(p.0).collect();
        put_floats(out, &entries);
    }

    fn derive(p: &Params, grid: &TimeGrid) -> Derived {
        let p = &p.0;
        Derived {
            refractory_counts: grid.ms_to_steps_up(p[T_REF]),
            g0_ex: beta_normalization_factor(p[TAU_RISE_EX], p[TAU_DECAY_EX]),
            g0_in: beta_normalization_factor(p[TAU_RISE_IN], p[TAU_DECAY_IN]),
        }
    }

    fn refractory_counts(d: &Derived) -> i64 {
        d.refractory_counts
    }

    #[inline(always)]
    fn dynamics(p: &Params, i_stim: f64, y: &[f64], f: &mut [f64]) {
        let p = &p.0;
        let i_na = p[G_NA] * y[HH_M] * y[HH_M] * y[HH_M] * y[HH_H] * (y[V_M] - p[E_NA]);
        let i_k = p[G_K] * y[HH_N] * y[HH_N] * y[HH_N] * y[HH_N] * (y[V_M] - p[E_K]);
        let i_l = p[G_L] * (y[V_M] - p[E_L]);

        let i_syn_exc = y[G_EXC] * (y[V_M] - p[E_EX]);
        let i_syn_inh = y[G_INH] * (y[V_M] - p[E_IN]);

        // NEST's gap-junction current without gap junctions: −0·V + 0 (+ 0·t …) = +0.0.
        let i_gap = 0.0;
        f[V_M] = (-i_na - i_k - i_l - i_syn_exc - i_syn_inh + i_stim + i_gap + p[I_E]) / p[C_M];

        let r = rates(y[V_M] - p[V_T]);
        f[HH_M] = r.alpha_m - (r.alpha_m + r.beta_m) * y[HH_M];
        f[HH_H] = r.alpha_h - (r.alpha_h + r.beta_h) * y[HH_H];
        f[HH_N] = r.alpha_n - (r.alpha_n + r.beta_n) * y[HH_N];

        f[DG_EXC] = -y[DG_EXC] / p[TAU_DECAY_EX];
        f[G_EXC] = y[DG_EXC] - (y[G_EXC] / p[TAU_RISE_EX]);
        f[DG_INH] = -y[DG_INH] / p[TAU_DECAY_IN];
        f[G_INH] = y[DG_INH] - (y[G_INH] / p[TAU_RISE_IN]);
    }

    fn receive(d: &Derived, y: &mut [f64; DIM], w_ex: f64, w_in: f64) {
        y[DG_EXC] += w_ex * d.g0_ex;
        y[DG_INH] += w_in * d.g0_in;
    }

    fn threshold(p: &Params) -> f64 {
        p.0[V_T] + 30.
    }

    fn inhibitory_weight(w: f64) -> f64 {
        -w
    }
}
