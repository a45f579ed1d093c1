//! `hh_psc_alpha`: the Hodgkin–Huxley neuron with alpha-shaped postsynaptic currents, NEST
//! 3.10's model of that name, reproduced bit for bit (the shared HH machinery is in `hh.rs`).
//!
//! # Model
//!
//! ```text
//! C_m dV/dt = −(I_Na + I_K + I_L) + I_stim + I_e + I_syn_ex + I_syn_in
//! I_Na = g_Na·m³·h·(V − E_Na)     I_K = g_K·n⁴·(V − E_K)     I_L = g_L·(V − E_L)
//! dx/dt = α_x(V)·(1 − x) − β_x(V)·x                                   x ∈ {m, h, n}
//! α_n = 0.01(V+55)/(1 − e^{−(V+55)/10})   β_n = 0.125·e^{−(V+65)/80}
//! α_m = 0.1(V+40)/(1 − e^{−(V+40)/10})    β_m = 4·e^{−(V+65)/18}
//! α_h = 0.07·e^{−(V+65)/20}               β_h = 1/(1 + e^{−(V+35)/10})
//! dI'_X/dt = −I'_X/τ_X,   dI_X/dt = I'_X − I_X/τ_X                    X ∈ {ex, in}
//! ```
//!
//! integrated with GSL's RKF45 (NEST's step control). A spike of weight `w` (× multiplicity)
//! adds `w·e/τ_ex` to `I'_ex` if `w > 0`, else `w·e/τ_in` to `I'_in` (sign kept), so that a
//! PSC of weight `w` peaks at `w` pA after `τ`. A spike is emitted when `V_m ≥ 0 mV` while
//! `V_m` decreases (it has just passed its maximum), unless the neuron is within `t_ref` of its
//! last spike; `V_m` is not reset.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `t_ref` | 2 | ms | time after a spike during which no spike is detected (≥ 0) |
//! | `g_Na` | 12000 | nS | sodium peak conductance (≥ 0) |
//! | `g_K` | 3600 | nS | potassium peak conductance (≥ 0) |
//! | `g_L` | 30 | nS | leak conductance (≥ 0) |
//! | `C_m` | 100 | pF | membrane capacitance (> 0) |
//! | `E_Na` | 50 | mV | sodium reversal potential |
//! | `E_K` | −77 | mV | potassium reversal potential |
//! | `E_L` | −54.402 | mV | leak reversal potential |
//! | `tau_syn_ex` | 0.2 | ms | rise time of the excitatory PSC (> 0) |
//! | `tau_syn_in` | 2 | ms | rise time of the inhibitory PSC (> 0) |
//! | `I_e` | 0 | pA | constant external current |
//!
//! Initial state: `V_m` = −65 mV and the gating variables `Act_m`, `Inact_h`, `Act_n` at their
//! equilibrium for −65 mV (NEST's prototype; not recomputed when `V_m` or `E_L` are given).
//!
//! Receptors: spikes and currents on receptor 0. Recordables: `V_m`, `I_syn_ex`, `I_syn_in`,
//! `Act_m`, `Inact_h`, `Act_n`.
//!
//! # References
//!
//! * Hodgkin AL, Huxley AF (1952). A quantitative description of membrane current and its
//!   application to conduction and excitation in nerve. J Physiol 117:500–544.
//! * Gerstner W, Kistler W (2002). Spiking neuron models. Cambridge University Press.
//! * NEST 3.10, `models/hh_psc_alpha.{h,cpp}`.

use crate::hh::{
    check_capacitance, check_refractory_time, check_time_constants, HhModel, HhNeuron, Rates, HH_H,
    HH_M, HH_N, V_M,
};
use crate::voltages::{put_floats, read_scalars};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::TimeGrid;

/// NEST's model name.
pub const MODEL_NAME: &str = "hh_psc_alpha";

/// Every key [`HhPscAlpha::from_params`] reads.
pub const KEYS: &[&str] = &[
    "t_ref",
    "g_Na",
    "g_K",
    "g_L",
    "C_m",
    "E_Na",
    "E_K",
    "E_L",
    "tau_syn_ex",
    "tau_syn_in",
    "I_e",
    "V_m",
    "Act_m",
    "Inact_h",
    "Act_n",
];

/// NEST's state vector: `V_m`, `m`, `h`, `n`, then `dI_ex`, `I_ex`, `dI_in`, `I_in`.
const DIM: usize = 8;
const DI_EXC: usize = 4;
const I_EXC: usize = 5;
const DI_INH: usize = 6;
const I_INH: usize = 7;

/// An `hh_psc_alpha` population.
pub type HhPscAlpha = HhNeuron<Model, DIM>;

/// The model's parameters, right-hand side and spike handling for [`HhNeuron`].
#[derive(Clone, Debug)]
pub struct Model;

/// User parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// `t_ref`, ms.
    pub t_ref: f64,
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
    /// `tau_syn_ex`, ms.
    pub tau_syn_ex: f64,
    /// `tau_syn_in`, ms.
    pub tau_syn_in: f64,
    /// `I_e`, pA.
    pub i_e: f64,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            t_ref: 2.0,
            g_na: 12000.0,
            g_k: 3600.0,
            g_l: 30.0,
            c_m: 100.0,
            e_na: 50.0,
            e_k: -77.0,
            e_l: -54.402,
            tau_syn_ex: 0.2,
            tau_syn_in: 2.0,
            i_e: 0.0,
        }
    }
}

/// Constants computed before each run (NEST's `pre_run_hook`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Derived {
    /// `e/τ_ex`: the jump of `I'_ex` per pA of weight.
    psc_init_ex: f64,
    /// `e/τ_in`.
    psc_init_in: f64,
    refractory_counts: i64,
}

/// The gating variables' rates at a voltage (NEST's expressions).
#[inline(always)]
fn rates(v: f64) -> Rates {
    Rates {
        alpha_n: (0.01 * (v + 55.)) / (1. - (-(v + 55.) / 10.).exp()),
        beta_n: 0.125 * (-(v + 65.) / 80.).exp(),
        alpha_m: (0.1 * (v + 40.)) / (1. - (-(v + 40.) / 10.).exp()),
        beta_m: 4. * (-(v + 65.) / 18.).exp(),
        alpha_h: 0.07 * (-(v + 65.) / 20.).exp(),
        beta_h: 1. / (1. + (-(v + 35.) / 10.).exp()),
    }
}

impl HhModel<DIM> for Model {
    const NAME: &'static str = MODEL_NAME;
    const RECORDABLES: &'static [(&'static str, &'static str, usize)] = &[
        ("V_m", "mV", V_M),
        ("I_syn_ex", "pA", I_EXC),
        ("I_syn_in", "pA", I_INH),
        ("Act_m", "1", HH_M),
        ("Inact_h", "1", HH_H),
        ("Act_n", "1", HH_N),
    ];
    type Params = Params;
    type Derived = Derived;

    fn initial_state() -> [f64; DIM] {
        let mut y = [0.0; DIM];
        y[V_M] = -65.0;
        rates(y[V_M]).set_equilibrium(&mut y);
        y
    }

    fn set(p: &mut Params, dict: &mut Dict) -> Result<(), ParamError> {
        read_scalars(
            dict,
            &mut [
                ("t_ref", &mut p.t_ref),
                ("C_m", &mut p.c_m),
                ("g_Na", &mut p.g_na),
                ("E_Na", &mut p.e_na),
                ("g_K", &mut p.g_k),
                ("E_K", &mut p.e_k),
                ("g_L", &mut p.g_l),
                ("E_L", &mut p.e_l),
                ("tau_syn_ex", &mut p.tau_syn_ex),
                ("tau_syn_in", &mut p.tau_syn_in),
                ("I_e", &mut p.i_e),
            ],
        )?;
        check_capacitance(p.c_m)?;
        check_refractory_time(p.t_ref)?;
        check_time_constants(p.tau_syn_ex, p.tau_syn_in)?;
        if p.g_k < 0.0 || p.g_na < 0.0 || p.g_l < 0.0 {
            return Err(ParamError::rule("All conductances must be non-negative.")
                .with("g_K", Value::Float(p.g_k))
                .with("g_Na", Value::Float(p.g_na))
                .with("g_L", Value::Float(p.g_l)));
        }
        Ok(())
    }

    fn get(p: &Params, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("t_ref", p.t_ref),
                ("g_Na", p.g_na),
                ("g_K", p.g_k),
                ("g_L", p.g_l),
                ("E_Na", p.e_na),
                ("E_K", p.e_k),
                ("E_L", p.e_l),
                ("C_m", p.c_m),
                ("tau_syn_ex", p.tau_syn_ex),
                ("tau_syn_in", p.tau_syn_in),
                ("I_e", p.i_e),
            ],
        );
    }

    fn derive(p: &Params, grid: &TimeGrid) -> Derived {
        // NEST: 1.0 * numerics::e / tau.
        Derived {
            psc_init_ex: 1.0 * std::f64::consts::E / p.tau_syn_ex,
            psc_init_in: 1.0 * std::f64::consts::E / p.tau_syn_in,
            refractory_counts: grid.ms_to_steps_up(p.t_ref),
        }
    }

    fn refractory_counts(d: &Derived) -> i64 {
        d.refractory_counts
    }

    #[inline(always)]
    fn dynamics(p: &Params, i_stim: f64, y: &[f64], f: &mut [f64]) {
        let v = y[V_M];
        let m = y[HH_M];
        let h = y[HH_H];
        let n = y[HH_N];
        let di_ex = y[DI_EXC];
        let i_ex = y[I_EXC];
        let di_in = y[DI_INH];
        let i_in = y[I_INH];
        let r = rates(v);

        let i_na = p.g_na * m * m * m * h * (v - p.e_na);
        let i_k = p.g_k * n * n * n * n * (v - p.e_k);
        let i_l = p.g_l * (v - p.e_l);

        f[V_M] = (-(i_na + i_k + i_l) + i_stim + p.i_e + i_ex + i_in) / p.c_m;

        f[HH_M] = r.alpha_m * (1.0 - m) - r.beta_m * m;
        f[HH_H] = r.alpha_h * (1.0 - h) - r.beta_h * h;
        f[HH_N] = r.alpha_n * (1.0 - n) - r.beta_n * n;

        f[DI_EXC] = -di_ex / p.tau_syn_ex;
        f[I_EXC] = di_ex - (i_ex / p.tau_syn_ex);
        f[DI_INH] = -di_in / p.tau_syn_in;
        f[I_INH] = di_in - (i_in / p.tau_syn_in);
    }

    fn receive(d: &Derived, y: &mut [f64; DIM], w_ex: f64, w_in: f64) {
        y[DI_EXC] += w_ex * d.psc_init_ex;
        y[DI_INH] += w_in * d.psc_init_in;
    }

    fn threshold(_: &Params) -> f64 {
        0.0
    }

    fn inhibitory_weight(w: f64) -> f64 {
        w
    }
}
