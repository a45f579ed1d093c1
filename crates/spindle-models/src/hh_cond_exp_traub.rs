//! `hh_cond_exp_traub`: Traub and Miles' Hodgkin–Huxley neuron with exponentially decaying
//! synaptic conductances, NEST 3.10's model of that name, reproduced bit for bit (the shared HH
//! machinery is in `hh.rs`).
//!
//! # Model
//!
//! With `u = V − V_T`:
//!
//! ```text
//! C_m dV/dt = −I_Na − I_K − I_L − g_ex·(V − E_ex) − g_in·(V − E_in) + I_stim + I_e
//! I_Na = g_Na·m³·h·(V − E_Na)     I_K = g_K·n⁴·(V − E_K)     I_L = g_L·(V − E_L)
//! dx/dt = α_x(u) − (α_x(u) + β_x(u))·x                                x ∈ {m, h, n}
//! α_n = 0.032(15 − u)/(e^{(15−u)/5} − 1)    β_n = 0.5·e^{(10−u)/40}
//! α_m = 0.32(13 − u)/(e^{(13−u)/4} − 1)     β_m = 0.28(u − 40)/(e^{(u−40)/5} − 1)
//! α_h = 0.128·e^{(17−u)/18}                 β_h = 4/(1 + e^{(40−u)/5})
//! dg_ex/dt = −g_ex/τ_ex,   dg_in/dt = −g_in/τ_in
//! ```
//!
//! integrated with GSL's RKF45 (NEST's step control). A spike of weight `w` (× multiplicity)
//! adds `w` to `g_ex` if `w > 0`, else `−w` to `g_in`. A spike is emitted when
//! `V_m ≥ V_T + 30 mV` while `V_m` decreases (it has just passed its maximum), unless the
//! neuron is within `t_ref` of its last spike; `V_m` is not reset.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `g_Na` | 20000 | nS | sodium peak conductance |
//! | `g_K` | 6000 | nS | potassium peak conductance |
//! | `g_L` | 10 | nS | leak conductance |
//! | `C_m` | 200 | pF | membrane capacitance (> 0) |
//! | `E_Na` | 50 | mV | sodium reversal potential |
//! | `E_K` | −90 | mV | potassium reversal potential |
//! | `E_L` | −60 | mV | leak reversal potential |
//! | `V_T` | −63 | mV | voltage offset of the gating rates (spike threshold `V_T + 30`) |
//! | `E_ex` | 0 | mV | excitatory reversal potential |
//! | `E_in` | −80 | mV | inhibitory reversal potential |
//! | `tau_syn_ex` | 5 | ms | decay time of the excitatory conductance (> 0) |
//! | `tau_syn_in` | 10 | ms | decay time of the inhibitory conductance (> 0) |
//! | `t_ref` | 2 | ms | time after a spike during which no spike is detected (≥ 0) |
//! | `I_e` | 0 | pA | constant external current |
//!
//! Initial state: `V_m` = −60 mV (the default `E_L`) and the gating variables `Act_m`,
//! `Inact_h`, `Act_n` as NEST's prototype computes them: the equilibrium of the rates evaluated
//! at `u = −60` (NEST passes `V_m` itself, not `V_m − V_T`, to the rates there), not recomputed
//! when `V_m`, `E_L` or `V_T` are given.
//!
//! Receptors: spikes and currents on receptor 0. Recordables: `V_m`, `g_ex`, `g_in`, `Act_m`,
//! `Inact_h`, `Act_n`.
//!
//! # References
//!
//! * Traub RD, Miles R (1991). Neuronal networks of the hippocampus. Cambridge University Press.
//! * Brette R et al. (2007). Simulation of networks of spiking neurons: a review of tools and
//!   strategies. J Comput Neurosci 23:349–398.
//! * NEST 3.10, `models/hh_cond_exp_traub.{h,cpp}`.

use crate::hh::{
    check_capacitance, check_refractory_time, check_time_constants, HhModel, HhNeuron, Rates, HH_H,
    HH_M, HH_N, V_M,
};
use crate::voltages::{put_floats, read_scalars};
use spindle_core::params::{ParamError, Params as Dict};
use spindle_core::time::TimeGrid;

/// NEST's model name.
pub const MODEL_NAME: &str = "hh_cond_exp_traub";

/// Every key [`HhCondExpTraub::from_params`] reads.
pub const KEYS: &[&str] = &[
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
    "tau_syn_ex",
    "tau_syn_in",
    "t_ref",
    "I_e",
    "V_m",
    "Act_m",
    "Inact_h",
    "Act_n",
];

/// NEST's state vector: `V_m`, `m`, `h`, `n`, `g_ex`, `g_in`.
const DIM: usize = 6;
const G_EXC: usize = 4;
const G_INH: usize = 5;

/// An `hh_cond_exp_traub` population.
pub type HhCondExpTraub = HhNeuron<Model, DIM>;

/// The model's parameters, right-hand side and spike handling for [`HhNeuron`].
#[derive(Clone, Debug)]
pub struct Model;

/// User parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// `g_Na`, nS.
    pub g_na: f64,
    /// `g_K`, nS.
    pub g_k: f64,
    /// `g_L`, nS.
    pub g_l: f64,
    /// `C_m`, pF.
    pub c_m: f64,
    /// `E_Na`, mV.
    pub e_na: f64,
    /// `E_K`, mV.
    pub e_k: f64,
    /// `E_L`, mV.
    pub e_l: f64,
    /// `V_T`, mV.
    pub v_t: f64,
    /// `E_ex`, mV.
    pub e_ex: f64,
    /// `E_in`, mV.
    pub e_in: f64,
    /// `tau_syn_ex`, ms.
    pub tau_syn_ex: f64,
    /// `tau_syn_in`, ms.
    pub tau_syn_in: f64,
    /// `t_ref`, ms.
    pub t_ref: f64,
    /// `I_e`, pA.
    pub i_e: f64,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            g_na: 20000.0,
            g_k: 6000.0,
            g_l: 10.0,
            c_m: 200.0,
            e_na: 50.0,
            e_k: -90.0,
            e_l: -60.0,
            v_t: -63.0,
            e_ex: 0.0,
            e_in: -80.0,
            tau_syn_ex: 5.0,
            tau_syn_in: 10.0,
            t_ref: 2.0,
            i_e: 0.0,
        }
    }
}

/// The gating variables' rates at a voltage (NEST's expressions; `hh_cond_beta_gap_traub`'s
/// are the same).
#[inline(always)]
pub(crate) fn rates(u: f64) -> Rates {
    Rates {
        alpha_n: 0.032 * (15. - u) / (((15. - u) / 5.).exp() - 1.),
        beta_n: 0.5 * ((10. - u) / 40.).exp(),
        alpha_m: 0.32 * (13. - u) / (((13. - u) / 4.).exp() - 1.),
        beta_m: 0.28 * (u - 40.) / (((u - 40.) / 5.).exp() - 1.),
        alpha_h: 0.128 * ((17. - u) / 18.).exp(),
        beta_h: 4. / (1. + ((40. - u) / 5.).exp()),
    }
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
    /// The refractory step count.
    type Derived = i64;

    fn initial_state() -> [f64; DIM] {
        let mut y = [0.0; DIM];
        y[V_M] = Params::default().e_l;
        rates(y[V_M]).set_equilibrium(&mut y);
        y
    }

    fn set(p: &mut Params, dict: &mut Dict) -> Result<(), ParamError> {
        read_scalars(
            dict,
            &mut [
                ("g_Na", &mut p.g_na),
                ("g_K", &mut p.g_k),
                ("g_L", &mut p.g_l),
                ("C_m", &mut p.c_m),
                ("E_Na", &mut p.e_na),
                ("E_K", &mut p.e_k),
                ("E_L", &mut p.e_l),
                ("V_T", &mut p.v_t),
                ("E_ex", &mut p.e_ex),
                ("E_in", &mut p.e_in),
                ("tau_syn_ex", &mut p.tau_syn_ex),
                ("tau_syn_in", &mut p.tau_syn_in),
                ("t_ref", &mut p.t_ref),
                ("I_e", &mut p.i_e),
            ],
        )?;
        check_capacitance(p.c_m)?;
        check_time_constants(p.tau_syn_ex, p.tau_syn_in)?;
        check_refractory_time(p.t_ref)?;
        Ok(())
    }

    fn get(p: &Params, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("g_Na", p.g_na),
                ("g_K", p.g_k),
                ("g_L", p.g_l),
                ("C_m", p.c_m),
                ("E_Na", p.e_na),
                ("E_K", p.e_k),
                ("E_L", p.e_l),
                ("V_T", p.v_t),
                ("E_ex", p.e_ex),
                ("E_in", p.e_in),
                ("tau_syn_ex", p.tau_syn_ex),
                ("tau_syn_in", p.tau_syn_in),
                ("t_ref", p.t_ref),
                ("I_e", p.i_e),
            ],
        );
    }

    fn derive(p: &Params, grid: &TimeGrid) -> i64 {
        grid.ms_to_steps_up(p.t_ref)
    }

    fn refractory_counts(d: &i64) -> i64 {
        *d
    }

    #[inline(always)]
    fn dynamics(p: &Params, i_stim: f64, y: &[f64], f: &mut [f64]) {
        let i_na = p.g_na * y[HH_M] * y[HH_M] * y[HH_M] * y[HH_H] * (y[V_M] - p.e_na);
        let i_k = p.g_k * y[HH_N] * y[HH_N] * y[HH_N] * y[HH_N] * (y[V_M] - p.e_k);
        let i_l = p.g_l * (y[V_M] - p.e_l);

        let i_syn_exc = y[G_EXC] * (y[V_M] - p.e_ex);
        let i_syn_inh = y[G_INH] * (y[V_M] - p.e_in);

        f[V_M] = (-i_na - i_k - i_l - i_syn_exc - i_syn_inh + i_stim + p.i_e) / p.c_m;

        let r = rates(y[V_M] - p.v_t);
        f[HH_M] = r.alpha_m - (r.alpha_m + r.beta_m) * y[HH_M];
        f[HH_H] = r.alpha_h - (r.alpha_h + r.beta_h) * y[HH_H];
        f[HH_N] = r.alpha_n - (r.alpha_n + r.beta_n) * y[HH_N];

        f[G_EXC] = -y[G_EXC] / p.tau_syn_ex;
        f[G_INH] = -y[G_INH] / p.tau_syn_in;
    }

    fn receive(_: &i64, y: &mut [f64; DIM], w_ex: f64, w_in: f64) {
        y[G_EXC] += w_ex;
        y[G_INH] += w_in;
    }

    fn threshold(p: &Params) -> f64 {
        p.v_t + 30.
    }

    fn inhibitory_weight(w: f64) -> f64 {
        -w
    }
}
