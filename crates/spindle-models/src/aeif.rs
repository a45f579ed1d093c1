//! The machinery NEST 3.10's five adaptive exponential integrate-and-fire (AdEx) models share:
//! `aeif_cond_alpha`, `aeif_cond_exp`, `aeif_psc_alpha`, `aeif_psc_exp` and `aeif_psc_delta`
//! differ only in their synapses, which each model's file describes as a [`Synapses`]
//! implementation; the parameters and their validation chain, the exponential spike current,
//! the adaptation, the update loop with its in-loop spike handling and NEST's bounds checks,
//! and `GetStatus`/`SetStatus` live here once.
//!
//! # Model
//!
//! Voltages are absolute. With `V' = V_reset` while refractory, else `min(V_m, V_peak)`:
//!
//! ```text
//! C_m dV/dt = −g_L (V' − E_L) + g_L Δ_T exp((V' − V_th)/Δ_T) + I_syn − w + I_e + I_stim
//!             (the exponential term is 0 for Δ_T = 0; dV/dt = 0 while refractory)
//! τ_w dw/dt = a (V' − E_L) − w
//! ```
//!
//! and the synaptic components of the model. NEST integrates each step with GSL 1.15's RKF45
//! under a "yp" step controller (`gsl_odeiv_control_yp_new(gsl_error_tol, gsl_error_tol)`,
//! tolerance latched when the neuron is first simulated), and after *every* accepted RKF45 step
//! (`gsl_odeiv_evolve_apply`) inside the simulation step:
//!
//! 1. `V_m < −1e3` or `|w| > 1e6` is NEST's `NumericalInstability`: the neuron is reported
//!    ([`NeuronChunk::take_instability`]) and left as it is;
//! 2. while refractory `V_m ← V_reset`; else if `V_m ≥ V_peak` (`V_th` when `Δ_T = 0`) the
//!    neuron spikes at `t_{k+1}`: `V_m ← V_reset`, `w ← w + b` and the refractory count becomes
//!    `⌈t_ref/h⌉ + 1` (0 for `t_ref = 0`, so that a neuron may spike several times in one step).
//!
//! After the step the refractory count goes down by one, the synaptic jumps of the spikes
//! arriving for this step are added, and the current input of the next step is latched.
//! `aeif_psc_delta` instead adds its voltage jumps inside the loop (after the first RKF45 step)
//! and may hold the input arriving while refractory (`refractory_input`).
//!
//! # References
//!
//! * Brette R, Gerstner W (2005). Adaptive exponential integrate-and-fire model as an effective
//!   description of neuronal activity. J Neurophysiol 94:3637–3642.
//! * NEST 3.10, `models/aeif_*.{h,cpp}`.

use crate::param_sets::ParamSets;
use crate::rkf45::{self, Control, OdeSystem, Work};
use crate::voltages::{put_floats, read_scalars};
use crate::{receptor_zero, unknown_receptor};
use spindle_core::error::Rejection;
use spindle_core::model::{
    Emitted, InputChannel, Instability, NeuronChunk, NeuronModel, Recordable,
};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};
use std::marker::PhantomData;

/// The largest state vector of the family (`aeif_cond_alpha`, `aeif_psc_alpha`).
const MAX_DIM: usize = 6;

/// Every parameter key of the family, in NEST's reading order; `[5, 6]` only for conductance
/// synapses, `[9, 10]` only for models with synapses, `[17]` only for `aeif_psc_delta`.
const PARAM_KEYS: [&str; 18] = [
    "V_th",
    "V_peak",
    "t_ref",
    "E_L",
    "V_reset",
    "E_ex",
    "E_in",
    "C_m",
    "g_L",
    "tau_syn_ex",
    "tau_syn_in",
    "a",
    "b",
    "Delta_T",
    "tau_w",
    "I_e",
    "gsl_error_tol",
    "refractory_input",
];

/// Every key model `S` reads, its parameters and its state; `N` must be their number (a wrong
/// `N` fails to compile).
pub const fn keys<const N: usize, S: Synapses>() -> [&'static str; N] {
    let mut out = [""; N];
    let mut n = 0;
    let mut i = 0;
    while i < PARAM_KEYS.len() {
        let skip = match i {
            5 | 6 => !matches!(S::PARAMS, SynapseParams::TausAndReversals),
            9 | 10 => matches!(S::PARAMS, SynapseParams::None),
            17 => !S::DELTA,
            _ => false,
        };
        if !skip {
            out[n] = PARAM_KEYS[i];
            n += 1;
        }
        i += 1;
    }
    let mut j = 0;
    while j < S::STATE.len() {
        out[n] = S::STATE[j].0;
        n += 1;
        j += 1;
    }
    assert!(n == N, "N is not the number of keys");
    out
}

/// Which synaptic parameters a model has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SynapseParams {
    /// None (`aeif_psc_delta`).
    None,
    /// `tau_syn_ex`, `tau_syn_in` (current synapses).
    Taus,
    /// `E_ex`, `E_in`, `tau_syn_ex`, `tau_syn_in` (conductance synapses).
    TausAndReversals,
    /// Per-port lists, read and checked by the model (`aeif_cond_*_multisynapse`,
    /// `crate::aeif_multisynapse`); NEST checks `tau_w` alone here.
    PerPort,
}

/// The order of NEST's first three checks: `V_peak ≥ V_th` (peak), `V_reset < V_peak` (reset)
/// and the `Delta_T` checks (delta).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckOrder {
    ResetDeltaPeak,
    PeakDeltaReset,
    PeakResetDelta,
}

/// Where the models' validation chains differ: the order of the first three checks and two
/// messages (NEST's five `Parameters_::set` were written separately).
#[derive(Clone, Copy, Debug)]
pub struct Checks {
    /// `aeif_cond_exp` tests `V_peak ≥ V_th` first and `V_reset < V_peak` third; the others
    /// the other way round.
    pub peak_first: bool,
    /// The message of `V_reset ≥ V_peak`.
    pub v_reset: &'static str,
    /// The message of `C_m ≤ 0`.
    pub c_m: &'static str,
}

/// One AdEx model's synapses: its state vector beyond `V_m` (slot 0) and `w` (the last slot),
/// their dynamics and how spikes reach them.
pub trait Synapses: Clone + std::fmt::Debug + Default + PartialEq + Send + Sync + 'static {
    /// NEST's model name.
    const MODEL: &'static str;
    /// NEST's `State_::get`/`set` keys in NEST's order, with their slots in the state vector
    /// (NEST's `StateVecElems`; every slot has a key) and, for the recordables, their units.
    /// The recordable synaptic variables are the ones `State_::set` requires to be
    /// non-negative ("Conductances must not be negative.", also for currents).
    const STATE: &'static [(&'static str, usize, Option<&'static str>)];
    const PARAMS: SynapseParams;
    const CHECKS: Checks;
    /// Spikes jump `V_m` inside the integration loop (`aeif_psc_delta`) instead of feeding
    /// excitatory and inhibitory synapses at the end of the step.
    const DELTA: bool = false;

    /// NEST's `*_dynamics`, expression for expression.
    fn eval(x: &Rhs<'_>, y: &[f64], f: &mut [f64]);

    /// Add the summed excitatory (`ex ≥ 0`) and inhibitory (`inh`, as a positive number) spike
    /// weights arriving at the end of a step.
    fn receive(d: &Derived, y: &mut [f64], ex: f64, inh: f64);
}

/// User parameters of the whole family; a model reads and writes only its own keys, the other
/// fields keep their defaults.
///
/// | name | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `V_th` | −50.4 | mV | threshold of the exponential term (spike threshold if `Delta_T` = 0) |
/// | `V_peak` | 0 | mV | spike detection threshold (for `Delta_T` > 0; ≥ `V_th`) |
/// | `V_reset` | −60 | mV | reset potential (< `V_peak`) |
/// | `t_ref` | 0 | ms | refractory period (≥ 0) |
/// | `g_L` | 30 | nS | leak conductance |
/// | `C_m` | 281 | pF | membrane capacitance (> 0) |
/// | `E_L` | −70.6 | mV | leak reversal potential |
/// | `Delta_T` | 2 | mV | slope factor (≥ 0) |
/// | `tau_w` | 144 | ms | adaptation time constant (> 0) |
/// | `a` | 4 | nS | subthreshold adaptation |
/// | `b` | 80.5 | pA | spike-triggered adaptation |
/// | `I_e` | 0 | pA | constant external current |
/// | `gsl_error_tol` | 1e-6 | | tolerance of the RKF45 step control (> 0) |
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// `V_peak`, mV: spike detection threshold when `Delta_T > 0`.
    pub v_peak: f64,
    /// `V_reset`, mV.
    pub v_reset: f64,
    /// `t_ref`, ms.
    pub t_ref: f64,
    /// `g_L`, nS.
    pub g_l: f64,
    /// `C_m`, pF.
    pub c_m: f64,
    /// `E_ex`, mV (conductance models).
    pub e_ex: f64,
    /// `E_in`, mV (conductance models).
    pub e_in: f64,
    /// `E_L`, mV.
    pub e_l: f64,
    /// `Delta_T`, mV: slope factor.
    pub delta_t: f64,
    /// `tau_w`, ms.
    pub tau_w: f64,
    /// `a`, nS: subthreshold adaptation.
    pub a: f64,
    /// `b`, pA: spike-triggered adaptation.
    pub b: f64,
    /// `V_th`, mV.
    pub v_th: f64,
    /// `tau_syn_ex`, ms.
    pub tau_syn_ex: f64,
    /// `tau_syn_in`, ms.
    pub tau_syn_in: f64,
    /// `I_e`, pA.
    pub i_e: f64,
    /// `gsl_error_tol`: the step controller's tolerance.
    pub gsl_error_tol: f64,
    /// `refractory_input` (`aeif_psc_delta`).
    pub refractory_input: bool,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            v_peak: 0.0,
            v_reset: -60.0,
            t_ref: 0.0,
            g_l: 30.0,
            c_m: 281.0,
            e_ex: 0.0,
            e_in: -85.0,
            e_l: -70.6,
            delta_t: 2.0,
            tau_w: 144.0,
            a: 4.0,
            b: 80.5,
            v_th: -50.4,
            tau_syn_ex: 0.2,
            tau_syn_in: 2.0,
            i_e: 0.0,
            gsl_error_tol: 1e-6,
            refractory_input: false,
        }
    }
}

fn bad(message: &str) -> ParamError {
    ParamError::rule(message)
}

impl Params {
    /// NEST's `Parameters_::set` of model `S`: read its keys present in `dict` on top of these
    /// parameters and validate with NEST's rules and messages, in NEST's order. On error `self`
    /// may be half-updated: work on a copy.
    ///
    /// NEST checks neither `g_L` nor `a` nor `b`, and neither does spindle.
    pub fn set<S: Synapses>(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        let Params {
            v_peak,
            v_reset,
            t_ref,
            g_l,
            c_m,
            e_ex,
            e_in,
            e_l,
            delta_t,
            tau_w,
            a,
            b,
            v_th,
            tau_syn_ex,
            tau_syn_in,
            i_e,
            gsl_error_tol,
            ..
        } = self;
        let mut slots: Vec<(&str, &mut f64)> = vec![
            ("V_th", v_th),
            ("V_peak", v_peak),
            ("t_ref", t_ref),
            ("E_L", e_l),
            ("V_reset", v_reset),
        ];
        if S::PARAMS == SynapseParams::TausAndReversals {
            slots.extend([("E_ex", e_ex), ("E_in", e_in)]);
        }
        slots.extend([("C_m", c_m), ("g_L", g_l)]);
        if S::PARAMS != SynapseParams::None {
            slots.extend([("tau_syn_ex", tau_syn_ex), ("tau_syn_in", tau_syn_in)]);
        }
        slots.extend([
            ("a", a),
            ("b", b),
            ("Delta_T", delta_t),
            ("tau_w", tau_w),
            ("I_e", i_e),
            ("gsl_error_tol", gsl_error_tol),
        ]);
        read_scalars(dict, &mut slots)?;
        let order = if S::CHECKS.peak_first {
            CheckOrder::PeakDeltaReset
        } else {
            CheckOrder::ResetDeltaPeak
        };
        self.validate(order, S::CHECKS, S::PARAMS)?;
        if S::DELTA {
            // aeif_psc_delta reads it after the checks.
            if let Some(on) = dict.bool("refractory_input")? {
                self.refractory_input = on;
            }
        }
        Ok(())
    }

    /// NEST's validation chain; `checks.peak_first` is superseded by `order`.
    pub(crate) fn validate(
        &self,
        order: CheckOrder,
        checks: Checks,
        syn: SynapseParams,
    ) -> Result<(), ParamError> {
        let p = self;
        let reset = || -> Result<(), ParamError> {
            if p.v_reset >= p.v_peak {
                return Err(bad(checks.v_reset)
                    .with("V_reset", Value::Float(p.v_reset))
                    .with("V_peak", Value::Float(p.v_peak)));
            }
            Ok(())
        };
        let peak = || -> Result<(), ParamError> {
            if p.v_peak < p.v_th {
                return Err(bad("V_peak >= V_th required.")
                    .with("V_peak", Value::Float(p.v_peak))
                    .with("V_th", Value::Float(p.v_th)));
            }
            Ok(())
        };
        let delta_t = || -> Result<(), ParamError> {
            if p.delta_t < 0.0 {
                return Err(
                    bad("Delta_T must be positive.").with("Delta_T", Value::Float(p.delta_t))
                );
            }
            if p.delta_t > 0.0 {
                // NEST keeps a margin of 1e20 below DBL_MAX for exp at spike time.
                let max_exp_arg = (f64::MAX / 1e20).ln();
                if (p.v_peak - p.v_th) / p.delta_t >= max_exp_arg {
                    return Err(bad("The current combination of V_peak, V_th and Delta_T\
                                    will lead to numerical overflow at spike time; try\
                                    for instance to increase Delta_T or to reduce V_peak\
                                    to avoid this problem.")
                    .with("V_peak", Value::Float(p.v_peak))
                    .with("V_th", Value::Float(p.v_th))
                    .with("Delta_T", Value::Float(p.delta_t)));
                }
            }
            Ok(())
        };
        match order {
            CheckOrder::ResetDeltaPeak => {
                reset()?;
                delta_t()?;
                peak()?;
            }
            CheckOrder::PeakDeltaReset => {
                peak()?;
                delta_t()?;
                reset()?;
            }
            CheckOrder::PeakResetDelta => {
                peak()?;
                reset()?;
                delta_t()?;
            }
        }
        if p.c_m <= 0.0 {
            return Err(bad(checks.c_m).with("C_m", Value::Float(p.c_m)));
        }
        if p.t_ref < 0.0 {
            return Err(
                bad("Refractory time cannot be negative.").with("t_ref", Value::Float(p.t_ref))
            );
        }
        if syn == SynapseParams::None {
            if p.tau_w <= 0.0 {
                return Err(
                    bad("tau_w must be strictly positive.").with("tau_w", Value::Float(p.tau_w))
                );
            }
        } else if syn == SynapseParams::PerPort {
            if p.tau_w <= 0.0 {
                return Err(bad("All time constants must be strictly positive.")
                    .with("tau_w", Value::Float(p.tau_w)));
            }
        } else if p.tau_syn_ex <= 0.0 || p.tau_syn_in <= 0.0 || p.tau_w <= 0.0 {
            return Err(bad("All time constants must be strictly positive.")
                .with("tau_syn_ex", Value::Float(p.tau_syn_ex))
                .with("tau_syn_in", Value::Float(p.tau_syn_in))
                .with("tau_w", Value::Float(p.tau_w)));
        }
        if p.gsl_error_tol <= 0.0 {
            return Err(bad("The gsl_error_tol must be strictly positive.")
                .with("gsl_error_tol", Value::Float(p.gsl_error_tol)));
        }
        Ok(())
    }

    /// NEST's `Parameters_::get` of model `S`.
    pub fn get<S: Synapses>(&self, out: &mut Dict) {
        self.get_common(out);
        if S::PARAMS == SynapseParams::TausAndReversals {
            put_floats(out, &[("E_ex", self.e_ex), ("E_in", self.e_in)]);
        }
        if S::PARAMS != SynapseParams::None {
            put_floats(
                out,
                &[
                    ("tau_syn_ex", self.tau_syn_ex),
                    ("tau_syn_in", self.tau_syn_in),
                ],
            );
        }
        if S::DELTA {
            out.insert("refractory_input", Value::Bool(self.refractory_input));
        }
    }

    /// The keys of NEST's `Parameters_::get` every AdEx model writes.
    pub(crate) fn get_common(&self, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("C_m", self.c_m),
                ("V_th", self.v_th),
                ("t_ref", self.t_ref),
                ("g_L", self.g_l),
                ("E_L", self.e_l),
                ("V_reset", self.v_reset),
                ("a", self.a),
                ("b", self.b),
                ("Delta_T", self.delta_t),
                ("tau_w", self.tau_w),
                ("I_e", self.i_e),
                ("V_peak", self.v_peak),
                ("gsl_error_tol", self.gsl_error_tol),
            ],
        );
    }

    /// NEST's `pre_run_hook`.
    pub(crate) fn derive(&self, grid: &TimeGrid) -> Derived {
        Derived {
            // With Delta_T = 0 the model is an adaptive IAF neuron spiking at V_th.
            v_spike: if self.delta_t > 0.0 {
                self.v_peak
            } else {
                self.v_th
            },
            refractory_counts: grid.ms_to_steps_up(self.t_ref),
            // NEST's `1.0 * numerics::e / tau`.
            jump_ex: std::f64::consts::E / self.tau_syn_ex,
            jump_in: std::f64::consts::E / self.tau_syn_in,
            delta_t_inv: 1.0 / self.delta_t,
            c_m_inv: 1.0 / self.c_m,
            tau_w_inv: 1.0 / self.tau_w,
        }
    }
}

/// Constants NEST's `pre_run_hook` derives from the parameters (all models compute all of them;
/// each uses its own).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    /// The spike detection threshold: `V_peak`, or `V_th` when `Delta_T = 0`.
    pub v_spike: f64,
    pub refractory_counts: i64,
    /// The alpha models' jump per unit weight, `e/τ_syn` (NEST's `g0_ex_`/`i0_ex_`…).
    pub jump_ex: f64,
    pub jump_in: f64,
    /// `aeif_psc_delta`'s inverses.
    pub delta_t_inv: f64,
    pub c_m_inv: f64,
    pub tau_w_inv: f64,
}

/// What a right-hand side sees during one RKF45 step of one neuron.
pub struct Rhs<'a> {
    pub p: &'a Params,
    pub d: &'a Derived,
    pub refractory: bool,
    /// The current input of this step (NEST's `B_.I_stim_`).
    pub i_stim: f64,
}

impl Rhs<'_> {
    /// The membrane potential the currents see: `V_reset` while refractory, else
    /// `std::min(V_m, V_peak)` (which returns `V_m` unless `V_peak < V_m`; `V_peak`, not the
    /// detection threshold, even when `Delta_T = 0`).
    #[inline(always)]
    pub fn v(&self, v_m: f64) -> f64 {
        if self.refractory {
            self.p.v_reset
        } else if self.p.v_peak < v_m {
            self.p.v_peak
        } else {
            v_m
        }
    }

    /// NEST's `I_spike`, `g_L Δ_T exp((V − V_th)/Δ_T)` (0 for `Δ_T = 0`).
    #[inline(always)]
    pub fn i_spike(&self, v: f64) -> f64 {
        let p = self.p;
        if p.delta_t == 0.0 {
            0.0
        } else {
            p.g_l * p.delta_t * ((v - p.v_th) / p.delta_t).exp()
        }
    }

    /// `dV/dt` of the models with synapses: `(−g_L (V − E_L) + I_spike + syn_1 + syn_2 − w + I_e
    /// + I_stim) / C_m`, left to right. A model whose expression *subtracts* a synaptic current
    /// passes it negated (`x − y` and `x + (−y)` are the same double).
    #[inline(always)]
    pub fn dv(&self, v: f64, syn_1: f64, syn_2: f64, w: f64) -> f64 {
        let p = self.p;
        if self.refractory {
            0.0
        } else {
            (-p.g_l * (v - p.e_l) + self.i_spike(v) + syn_1 + syn_2 - w + p.i_e + self.i_stim)
                / p.c_m
        }
    }

    /// `dw/dt = (a (V − E_L) − w) / τ_w`.
    #[inline(always)]
    pub fn dw(&self, v: f64, w: f64) -> f64 {
        (self.p.a * (v - self.p.e_l) - w) / self.p.tau_w
    }
}

/// The right-hand sides of alpha-shaped synapses in slots 1–4 (`dx_ex`, `x_ex`, `dx_in`,
/// `x_in`: NEST's `dx/dt = dx' − x/τ`, `d(dx')/dt = −dx'/τ`), shared by `aeif_cond_alpha` and
/// `aeif_psc_alpha`.
#[inline(always)]
pub fn alpha_synapses(p: &Params, y: &[f64], f: &mut [f64]) {
    f[1] = -y[1] / p.tau_syn_ex;
    f[2] = y[1] - y[2] / p.tau_syn_ex;
    f[3] = -y[3] / p.tau_syn_in;
    f[4] = y[3] - y[4] / p.tau_syn_in;
}

/// Alpha-shaped synapses receive a step's spikes in their derivatives, scaled by `e/τ` so that
/// a weight of 1 peaks at 1.
#[inline(always)]
pub fn alpha_receive(d: &Derived, y: &mut [f64], ex: f64, inh: f64) {
    y[1] += ex * d.jump_ex;
    y[3] += inh * d.jump_in;
}

/// The right-hand sides of exponentially decaying synapses in slots 1 and 2, shared by
/// `aeif_cond_exp` and `aeif_psc_exp`.
#[inline(always)]
pub fn exp_synapses(p: &Params, y: &[f64], f: &mut [f64]) {
    f[1] = -y[1] / p.tau_syn_ex;
    f[2] = -y[2] / p.tau_syn_in;
}

/// Exponentially decaying synapses jump by the weights.
#[inline(always)]
pub fn exp_receive(_d: &Derived, y: &mut [f64], ex: f64, inh: f64) {
    y[1] += ex;
    y[2] += inh;
}

/// The system integrated over one step, for [`rkf45`].
struct System<'a, S>(Rhs<'a>, PhantomData<S>);

impl<S: Synapses> OdeSystem for System<'_, S> {
    #[inline(always)]
    fn eval(&self, y: &[f64], f: &mut [f64]) {
        S::eval(&self.0, y, f);
    }
}

/// An AdEx population of model `S`: validated parameters and initial state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Adex<S: Synapses> {
    pub params: Params,
    /// The initial state vector (`V_m` first, `w` last, the synapses between).
    pub initial: InitialState,
    _synapses: PhantomData<S>,
}

/// An initial state vector.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InitialState(pub [f64; MAX_DIM]);

impl Default for InitialState {
    /// NEST's prototype state: `V_m` is the *default* `E_L` (−70.6 mV), whatever `E_L` is set
    /// to, the rest 0.
    fn default() -> InitialState {
        let mut y = [0.0; MAX_DIM];
        y[0] = Params::default().e_l;
        InitialState(y)
    }
}

/// The length of model `S`'s state vector (NEST's `STATE_VEC_SIZE`).
const fn dim<S: Synapses>() -> usize {
    S::STATE.len()
}

/// The recordables of model `S`: (key, slot, unit).
fn recordables<S: Synapses>() -> impl Iterator<Item = (&'static str, usize, &'static str)> {
    S::STATE
        .iter()
        .filter_map(|&(key, slot, unit)| unit.map(|u| (key, slot, u)))
}

/// NEST's `State_::set`: the state keys (absolute, unchecked but for non-negative synapses).
fn set_state<S: Synapses>(y: &mut [f64], dict: &mut Dict) -> Result<(), ParamError> {
    for &(key, slot, _) in S::STATE {
        if let Some(v) = dict.f64(key)? {
            y[slot] = v;
        }
    }
    let w = dim::<S>() - 1;
    let synapses = || recordables::<S>().filter(|&(_, k, _)| k != 0 && k != w);
    if synapses().any(|(_, k, _)| y[k] < 0.0) {
        let mut e = bad("Conductances must not be negative.");
        for (key, k, _) in synapses() {
            e = e.with(key, Value::Float(y[k]));
        }
        return Err(e);
    }
    Ok(())
}

impl<S: Synapses> Adex<S> {
    /// NEST's defaults, then [`Params::set`] and `State_::set`: the path `SetStatus` takes too.
    /// Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<Adex<S>, ParamError> {
        let mut params = Params::default();
        params.set::<S>(dict)?;
        let mut initial = InitialState::default();
        set_state::<S>(&mut initial.0[..dim::<S>()], dict)?;
        Ok(Adex {
            params,
            initial,
            _synapses: PhantomData,
        })
    }
}

/// Input channels: spikes of positive weight, spikes of negative weight (as `|w|`), currents;
/// `aeif_psc_delta`: signed spikes, currents.
const SPIKES: u16 = 0;
const SPIKES_INH: u16 = 1;

fn current_channel<S: Synapses>() -> u16 {
    if S::DELTA {
        1
    } else {
        2
    }
}

impl<S: Synapses> NeuronModel for Adex<S> {
    fn model_name(&self) -> &str {
        S::MODEL
    }

    fn n_channels(&self) -> usize {
        usize::from(current_channel::<S>()) + 1
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        if receptor != 0 {
            return Err(unknown_receptor(receptor, S::MODEL));
        }
        // NEST: weight > 0 adds weight·multiplicity to the excitatory buffer, otherwise
        // −weight·multiplicity to the inhibitory one; (−w)·m is exactly −(w·m).
        Ok(if S::DELTA || weight > 0.0 {
            InputChannel {
                channel: SPIKES,
                weight,
            }
        } else {
            InputChannel {
                channel: SPIKES_INH,
                weight: -weight,
            }
        })
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, S::MODEL, current_channel::<S>(), weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        recordables::<S>()
            .map(|(name, _, unit)| Recordable::new(name, unit))
            .collect()
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(AdexChunk::<S>::new(&self.params, &self.initial, n))
    }
}

/// The state of `n` neurons of AdEx model `S`.
pub struct AdexChunk<S: Synapses> {
    sets: ParamSets<Params, Derived>,
    integration: Integration,
    n: usize,
    /// State vectors, `dim::<S>()` values per neuron.
    y: Vec<f64>,
    /// Refractory steps left (NEST's `r_`, an `unsigned int`).
    refractory_steps: Vec<u32>,
    /// `aeif_psc_delta`: input held during refractoriness (NEST's `refr_spikes_buffer_`).
    held_input: Vec<f64>,
    instability: Option<Instability>,
    /// The state slot of each recordable.
    recordable_slots: Vec<usize>,
    _synapses: PhantomData<S>,
}

impl<S: Synapses> AdexChunk<S> {
    pub fn new(p: &Params, init: &InitialState, n: usize) -> AdexChunk<S> {
        let mut y = Vec::with_capacity(n * dim::<S>());
        for _ in 0..n {
            y.extend_from_slice(&init.0[..dim::<S>()]);
        }
        AdexChunk {
            sets: ParamSets::new(p, n, Params::derive),
            integration: Integration::new(n),
            n,
            y,
            refractory_steps: vec![0; n],
            held_input: vec![0.0; n],
            instability: None,
            recordable_slots: recordables::<S>().map(|(_, slot, _)| slot).collect(),
            _synapses: PhantomData,
        }
    }

    /// The state vector of one neuron (NEST's `S_.y_`).
    pub fn y(&self, neuron: usize) -> &[f64] {
        &self.y[neuron * dim::<S>()..][..dim::<S>()]
    }

    /// Advance neuron `i` over one step (NEST's `update` for one lag). Returns the number of
    /// spikes it emitted, or the instability that stopped it.
    fn step_neuron(
        &mut self,
        i: usize,
        spikes_in: [f64; 2],
        work: &mut Work<'_>,
    ) -> Result<u32, Instability> {
        let p = self.sets.params(i);
        let d = self.sets.derived(i);
        let y = &mut self.y[i * dim::<S>()..][..dim::<S>()];
        let w = dim::<S>() - 1;
        let r = &mut self.refractory_steps[i];
        let step = self.integration.step_control(i, w);
        let h = step.h;
        // aeif_psc_delta reads its spike buffer inside the loop; the first read empties it.
        let mut delta_in = spikes_in[0];
        let held_input = &mut self.held_input[i];
        let tau_m = p.c_m / p.g_l;
        let i_stim = self.integration.i_stim[i];
        let system = |refractory: bool| {
            System::<S>(
                Rhs {
                    p,
                    d,
                    refractory,
                    i_stim,
                },
                PhantomData,
            )
        };
        let after = |y: &mut [f64], r: &mut u32| -> u32 {
            if !S::DELTA {
                return clamp_or_spike(y, w, r, p, d);
            }
            if *r == 0 {
                y[0] += delta_in;
                if p.refractory_input && *held_input != 0.0 {
                    y[0] += *held_input;
                    *held_input = 0.0;
                }
            } else {
                y[0] = p.v_reset;
                if p.refractory_input {
                    // NEST writes exp(-r_·h/τ_m) with an unsigned r_: the negation wraps to
                    // 2^32 − r_, so the factor is +inf (and 0·inf = NaN for an empty buffer);
                    // reproduced as NEST computes it.
                    let decay = ((r.wrapping_neg() as f64) * h / tau_m).exp();
                    *held_input += delta_in * decay;
                }
            }
            delta_in = 0.0;
            if *r == 0 && y[0] >= d.v_spike {
                y[0] = p.v_reset;
                *r = refractory_start(d);
                y[w] += p.b;
                return 1;
            }
            0
        };
        let spikes = integrate_step(
            &step,
            &mut self.integration.step[i],
            y,
            r,
            work,
            system,
            after,
        )?;
        if *r > 0 {
            *r -= 1;
        }
        if !S::DELTA {
            S::receive(d, y, spikes_in[0], spikes_in[1]);
        }
        Ok(spikes)
    }
}

/// What NEST keeps per AdEx neuron for its integrator (`B_`): the resolution, the current
/// input, GSL's step estimate and the controller's tolerance.
pub(crate) struct Integration {
    /// The resolution of the last `prepare`, ms.
    pub h: f64,
    /// Current input of the coming step (NEST's `B_.I_stim_`).
    pub i_stim: Vec<f64>,
    /// GSL's step estimate, carried across steps and runs (NEST's `IntegrationStep_`).
    pub step: Vec<f64>,
    /// The controller's tolerance, fixed when NEST's `init_buffers_` allocates the controller at
    /// the first run: a later `gsl_error_tol` is reported but not used.
    tolerance: Vec<f64>,
    /// Whether NEST's `init_buffers_` has run (once per node, at its first run).
    pub initialised: bool,
}

impl Integration {
    pub fn new(n: usize) -> Integration {
        Integration {
            h: 0.0,
            i_stim: vec![0.0; n],
            step: vec![0.0; n],
            tolerance: vec![0.0; n],
            initialised: false,
        }
    }

    /// Before every run: the resolution; at the first run NEST's `init_buffers_` (the step
    /// estimate starts at h, the controller takes neuron `i`'s `tolerance(i)` of the moment,
    /// the current input starts at 0).
    pub fn prepare(&mut self, grid: &TimeGrid, tolerance: impl Fn(usize) -> f64) {
        self.h = grid.h();
        if !self.initialised {
            self.step.fill(self.h);
            for (i, t) in self.tolerance.iter_mut().enumerate() {
                *t = tolerance(i);
            }
            self.i_stim.fill(0.0);
            self.initialised = true;
        }
    }

    /// The step control of neuron `i` (NEST's "yp" controller), `w` in slot `w`.
    pub fn step_control(&self, i: usize, w: usize) -> StepControl {
        StepControl {
            neuron: i,
            h: self.h,
            control: Control::Yp {
                eps_abs: self.tolerance[i],
                eps_rel: self.tolerance[i],
            },
            w,
        }
    }
}

/// What one simulation step of an AdEx neuron integrates with: the neuron (for its
/// instability), the step `h`, the step controller and the slot of `w` (`V_m` is slot 0).
pub(crate) struct StepControl {
    pub neuron: usize,
    pub h: f64,
    pub control: Control,
    pub w: usize,
}

/// NEST's loop over one simulation step of an AdEx neuron: `gsl_odeiv_evolve_apply` until the
/// step is done (giving up after `rkf45::MAX_STEPS` steps), and after every accepted RKF45 step
/// NEST's bounds checks (`V_m < −1e3`, `|w| > 1e6`: `NumericalInstability`, the neuron left as
/// it is) and the model's spike handling `after(y, r)`, which returns the spikes it emitted.
/// `system(refractory)` is the right-hand side for the current refractory state `r > 0`;
/// `integration_step` is GSL's step estimate, carried across steps.
pub(crate) fn integrate_step<Sys: OdeSystem>(
    step: &StepControl,
    integration_step: &mut f64,
    y: &mut [f64],
    r: &mut u32,
    work: &mut Work<'_>,
    system: impl Fn(bool) -> Sys,
    mut after: impl FnMut(&mut [f64], &mut u32) -> u32,
) -> Result<u32, Instability> {
    let (neuron, w) = (step.neuron, step.w);
    let mut spikes = 0;
    let mut t = 0.0;
    let mut steps = 0;
    while t < step.h {
        if steps == rkf45::MAX_STEPS {
            return Err(Instability {
                neuron,
                variable: "V_m",
                value: y[0],
            });
        }
        steps += 1;
        let sys = system(*r > 0);
        rkf45::evolve_apply_with(
            &sys,
            step.control,
            &mut t,
            step.h,
            integration_step,
            y,
            work,
        );
        // NEST's check for unreasonable values ("we allow V_M to explode").
        if y[0] < -1e3 {
            return Err(Instability {
                neuron,
                variable: "V_m",
                value: y[0],
            });
        }
        if y[w] < -1e6 || y[w] > 1e6 {
            return Err(Instability {
                neuron,
                variable: "w",
                value: y[w],
            });
        }
        spikes += after(y, r);
    }
    Ok(spikes)
}

/// The spike handling of the AdEx models with synapses after an accepted RKF45 step: while
/// refractory `V_m ← V_reset`; else at `V_m ≥` the detection threshold a spike (`V_m ←
/// V_reset`, `w ← w + b`, refractory). Returns the spikes emitted (0 or 1).
#[inline(always)]
pub(crate) fn clamp_or_spike(y: &mut [f64], w: usize, r: &mut u32, p: &Params, d: &Derived) -> u32 {
    if *r > 0 {
        y[0] = p.v_reset;
        0
    } else if y[0] >= d.v_spike {
        y[0] = p.v_reset;
        y[w] += p.b;
        *r = refractory_start(d);
        1
    } else {
        0
    }
}

/// The refractory count after a spike: one more than `⌈t_ref/h⌉` because it is counted down at
/// the end of the very step, and 0 without refractoriness (so that the rest of the step is not
/// refractory).
fn refractory_start(d: &Derived) -> u32 {
    if d.refractory_counts > 0 {
        d.refractory_counts as u32 + 1
    } else {
        0
    }
}

impl<S: Synapses> NeuronChunk for AdexChunk<S> {
    fn len(&self) -> usize {
        self.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.sets.prepare(grid);
        let sets = &self.sets;
        self.integration
            .prepare(grid, |i| sets.params(i).gsl_error_tol);
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "{}: update before prepare",
            S::MODEL
        );
        let n = self.n;
        let mut stack = [[0.0f64; MAX_DIM]; 9];
        let mut work = Work::on_stack(&mut stack);
        let current = usize::from(current_channel::<S>());
        for i in 0..n {
            let spikes_in = if S::DELTA {
                [input[i], 0.0]
            } else {
                [input[i], input[n + i]]
            };
            match self.step_neuron(i, spikes_in, &mut work) {
                Ok(0) => {}
                Ok(m) => emitted.push((i as u32, m)),
                Err(e) => {
                    // NEST throws at once; the neuron stays as the failing RKF45 step left it.
                    if self.instability.is_none() {
                        self.instability = Some(e);
                    }
                    continue;
                }
            }
            // The current input of the next step (not latched).
            self.integration.i_stim[i] = input[current * n + i];
        }
    }

    fn take_instability(&mut self) -> Option<Instability> {
        self.instability.take()
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        let slot = self.recordable_slots[index];
        self.y[neuron * dim::<S>() + slot]
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let mut out = Dict::new();
        self.sets.params(neuron).get::<S>(&mut out);
        let y = self.y(neuron);
        for &(key, slot, _) in S::STATE {
            out.insert(key, Value::Float(y[slot]));
        }
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        p.set::<S>(dict)?;
        let mut y = [0.0; MAX_DIM];
        y[..dim::<S>()].copy_from_slice(self.y(neuron));
        set_state::<S>(&mut y[..dim::<S>()], dict)?;
        self.sets.assign(neuron, p);
        self.y[neuron * dim::<S>()..][..dim::<S>()].copy_from_slice(&y[..dim::<S>()]);
        Ok(())
    }
}
