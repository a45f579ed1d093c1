//! `mat2_psc_exp`: the leaky integrate-and-fire neuron with a multi-timescale adaptive
//! threshold and exponential postsynaptic currents, NEST 3.10's model of that name, reproduced
//! bit for bit (what it shares with `amat2_psc_exp` is in `mat.rs`).
//!
//! # Model
//!
//! Voltages relative to `E_L` (`V = V_m − E_L`):
//!
//! ```text
//! dV/dt     = −V/τ_m + (I_syn_ex + I_syn_in + I_e + I_stim)/C_m
//! dI_X/dt   = −I_X/τ_X                                    X ∈ {ex, in}
//! θ(t)      = ω + H_1(t) + H_2(t),   dH_j/dt = −H_j/τ_j
//! ```
//!
//! integrated exactly with propagators computed as NEST's `pre_run_hook` computes them
//! (`P22 − 1 = expm1(−h/τ_m)`, `P21_X = −τ_m/(C(1 − τ_m/τ_X))·e^{−h/τ_X}·expm1(h(1/τ_X −
//! 1/τ_m))`, `P20 = −τ_m/C·expm1(−h/τ_m)`, with the C library's `expm1`). One step
//! `k → k+1`: (1) `V ← V·(P22 − 1) + V + I_ex·P21_ex + I_in·P21_in + (I_e + I_stim)·P20`,
//! `H_j ← H_j·e^{−h/τ_j}`, the currents decay and this step's spikes are added (`w ≥ 0` to
//! `I_ex`, `w < 0` to `I_in`, sign kept); (2) unless refractory, if `V ≥ ω + H_2 + H_1` spike at
//! `t_{k+1}`: `H_1 += α_1`, `H_2 += α_2`, and no threshold test for `⌈t_ref/h⌉` steps
//! (including this one's count-down); `V` is not reset; (3) latch the next step's current.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `E_L` | −70 | mV | resting potential |
//! | `C_m` | 100 | pF | membrane capacitance (> 0) |
//! | `tau_m` | 5 | ms | membrane time constant (> 0, ≠ `tau_syn_ex`, `tau_syn_in`) |
//! | `tau_syn_ex` | 1 | ms | decay time of the excitatory current (> 0) |
//! | `tau_syn_in` | 3 | ms | decay time of the inhibitory current (> 0) |
//! | `t_ref` | 2 | ms | total refractory period (> 0, at least one step) |
//! | `tau_1` | 10 | ms | short threshold time constant (> 0) |
//! | `tau_2` | 200 | ms | long threshold time constant (> 0) |
//! | `alpha_1` | 37 | mV | short threshold jump |
//! | `alpha_2` | 2 | mV | long threshold jump |
//! | `omega` | −51 | mV | resting threshold (absolute) |
//! | `I_e` | 0 | pA | constant external current |
//!
//! State: `V_m` (mV, default −70), `V_th_alpha_1`, `V_th_alpha_2` (mV, default 0); `V_th`
//! (read-only) is the threshold `E_L + omega + V_th_alpha_1 + V_th_alpha_2`.
//!
//! Receptors: spikes and currents on receptor 0. Recordables: `V_m`, `V_th`.
//!
//! # References
//!
//! * Kobayashi R, Tsubo Y, Shinomoto S (2009). Made-to-order spiking neuron model equipped with
//!   a multi-timescale adaptive threshold. Front Comput Neurosci 3:9.
//! * NEST 3.10, `models/mat2_psc_exp.{h,cpp}`.

use crate::mat::{MatModel, MatNeuron, MatParams, MatState, COMMON_KEYS};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::TimeGrid;

/// NEST's model name.
pub const MODEL_NAME: &str = "mat2_psc_exp";

/// Every key [`Mat2PscExp::from_params`] reads.
pub const KEYS: &[&str] = &COMMON_KEYS;

/// A `mat2_psc_exp` population.
pub type Mat2PscExp = MatNeuron<Model>;

/// The model's parameters, propagators and threshold for [`MatNeuron`].
#[derive(Clone, Debug)]
pub struct Model;

/// User parameters: exactly the common ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Params(pub MatParams);

impl Default for Params {
    /// NEST's defaults, `omega` stored relative to `E_L` as NEST's constructor stores it.
    fn default() -> Params {
        Params(MatParams {
            e_l: -70.0,
            i_e: 0.0,
            c_m: 100.0,
            tau_m: 5.0,
            tau_syn_ex: 1.0,
            tau_syn_in: 3.0,
            t_ref: 2.0,
            tau_1: 10.0,
            tau_2: 200.0,
            alpha_1: 37.0,
            alpha_2: 2.0,
            omega: 19.0,
        })
    }
}

/// One neuron's state.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct State {
    pub base: MatState,
    pub i_syn_ex: f64,
    pub i_syn_in: f64,
}

/// Propagators (NEST's `pre_run_hook`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Derived {
    p11_ex: f64,
    p11_in: f64,
    p22_expm1: f64,
    p21_ex: f64,
    p21_in: f64,
    p20: f64,
    p11_th: f64,
    p22_th: f64,
    refractory_counts: i64,
}

impl MatModel for Model {
    const NAME: &'static str = MODEL_NAME;
    const RECORDABLES: &'static [(&'static str, &'static str)] = &[("V_m", "mV"), ("V_th", "mV")];
    type Params = Params;
    type Derived = Derived;
    type State = State;

    fn base(p: &Params) -> &MatParams {
        &p.0
    }

    fn base_state(s: &mut State) -> &mut MatState {
        &mut s.base
    }

    fn set(p: &mut Params, dict: &mut Dict) -> Result<f64, ParamError> {
        let p = &mut p.0;
        let delta_e_l = p.read(dict, &mut [])?;
        p.check(&[])?;
        if p.tau_m == p.tau_syn_ex || p.tau_m == p.tau_syn_in {
            return Err(ParamError::rule(
                "Membrane and synapse time constant(s) must differ.See note in documentation.",
            )
            .with("tau_m", Value::Float(p.tau_m))
            .with("tau_syn_ex", Value::Float(p.tau_syn_ex))
            .with("tau_syn_in", Value::Float(p.tau_syn_in)));
        }
        Ok(delta_e_l)
    }

    fn get(p: &Params, out: &mut Dict) {
        p.0.get(out);
    }

    fn set_state(
        s: &mut State,
        dict: &mut Dict,
        p: &Params,
        delta_e_l: f64,
    ) -> Result<(), ParamError> {
        s.base.set(dict, p.0.e_l, delta_e_l)
    }

    fn get_state(s: &State, p: &Params, out: &mut Dict) {
        s.base.get(&p.0, None, out);
    }

    fn derive(p: &Params, grid: &TimeGrid) -> Derived {
        let h = grid.h();
        let p = &p.0;
        let (tau, c) = (p.tau_m, p.c_m);
        let p11_ex = (-h / p.tau_syn_ex).exp();
        let p11_in = (-h / p.tau_syn_in).exp();
        let p22_expm1 = (-h / tau).exp_m1();
        Derived {
            p11_ex,
            p11_in,
            p22_expm1,
            p21_ex: -tau / (c * (1.0 - tau / p.tau_syn_ex))
                * p11_ex
                * (h * (1.0 / p.tau_syn_ex - 1.0 / tau)).exp_m1(),
            p21_in: -tau / (c * (1.0 - tau / p.tau_syn_in))
                * p11_in
                * (h * (1.0 / p.tau_syn_in - 1.0 / tau)).exp_m1(),
            p20: -tau / c * p22_expm1,
            p11_th: (-h / p.tau_1).exp(),
            p22_th: (-h / p.tau_2).exp(),
            refractory_counts: p.refractory_counts(grid),
        }
    }

    fn refractory_counts(d: &Derived) -> i64 {
        d.refractory_counts
    }

    #[inline(always)]
    fn evolve(p: &Params, d: &Derived, s: &mut State, i_0: f64, w_ex: f64, w_in: f64) {
        let v = s.base.v_m;
        s.base.v_m = v * d.p22_expm1
            + v
            + s.i_syn_ex * d.p21_ex
            + s.i_syn_in * d.p21_in
            + (p.0.i_e + i_0) * d.p20;
        s.base.v_th_1 *= d.p11_th;
        s.base.v_th_2 *= d.p22_th;
        s.i_syn_ex *= d.p11_ex;
        s.i_syn_in *= d.p11_in;
        s.i_syn_ex += w_ex;
        s.i_syn_in += w_in;
    }

    fn crossed(p: &Params, s: &State) -> bool {
        s.base.v_m >= p.0.omega + s.base.v_th_2 + s.base.v_th_1
    }

    fn recordable(p: &Params, s: &State, index: usize) -> f64 {
        match index {
            0 => s.base.v_m + p.0.e_l,
            _ => s.base.threshold(&p.0, None),
        }
    }
}
