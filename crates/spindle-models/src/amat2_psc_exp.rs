//! `amat2_psc_exp`: the leaky integrate-and-fire neuron with a multi-timescale adaptive
//! threshold that also follows the membrane potential, and exponential postsynaptic currents,
//! NEST 3.10's model of that name, reproduced bit for bit (what it shares with `mat2_psc_exp` is
//! in `mat.rs`).
//!
//! # Model
//!
//! Voltages relative to `E_L` (`V = V_m − E_L`):
//!
//! ```text
//! dV/dt      = −V/τ_m + (I_syn_ex + I_syn_in + I_e + I_stim)/C_m
//! dI_X/dt    = −I_X/τ_X                                   X ∈ {ex, in}
//! θ(t)       = ω + H_1(t) + H_2(t) + V_th_v(t),   dH_j/dt = −H_j/τ_j
//! d²V_th_v/dt² + (2/τ_v)·dV_th_v/dt + V_th_v/τ_v² = β·(dV/dt)/τ_v   (an alpha kernel of V̇)
//! ```
//!
//! integrated exactly with the propagators NEST's `pre_run_hook` writes out in closed form
//! (`P30 … P76`, plain `exp` differences; NEST requires `τ_m`, `τ_v`, `τ_ex`, `τ_in` pairwise
//! different where they meet). One step `k → k+1`, in NEST's order: (1) `V_th_v` from the old
//! state, then its derivative `V_th_dv`, then `V`, then `H_j ← H_j·e^{−h/τ_j}`, the currents
//! decay and this step's spikes are added (`w ≥ 0` to `I_ex`, `w < 0` to `I_in`, sign kept);
//! (2) unless refractory, if `V ≥ ω + H_2 + H_1 + V_th_v` spike at `t_{k+1}`: `H_1 += α_1`,
//! `H_2 += α_2`, and no threshold test for `⌈t_ref/h⌉` steps; `V` is not reset; (3) latch the
//! next step's current.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `E_L` | −70 | mV | resting potential |
//! | `C_m` | 200 | pF | membrane capacitance (> 0) |
//! | `tau_m` | 10 | ms | membrane time constant (> 0, ≠ `tau_syn_ex`, `tau_syn_in`, `tau_v`) |
//! | `tau_syn_ex` | 1 | ms | decay time of the excitatory current (> 0, ≠ `tau_v`) |
//! | `tau_syn_in` | 3 | ms | decay time of the inhibitory current (> 0, ≠ `tau_v`) |
//! | `t_ref` | 2 | ms | total refractory period (> 0, at least one step) |
//! | `tau_1` | 10 | ms | short threshold time constant (> 0) |
//! | `tau_2` | 200 | ms | long threshold time constant (> 0) |
//! | `alpha_1` | 10 | mV | short threshold jump |
//! | `alpha_2` | 0 | mV | long threshold jump |
//! | `beta` | 0 | 1 | coupling of the threshold to the membrane potential's rate |
//! | `tau_v` | 5 | ms | time constant of the voltage-dependent threshold (> 0) |
//! | `omega` | −65 | mV | resting threshold (absolute) |
//! | `I_e` | 0 | pA | constant external current |
//!
//! State: `V_m` (mV, default −70), `V_th_alpha_1`, `V_th_alpha_2`, `V_th_v` (mV, default 0);
//! `V_th` (read-only) is `E_L + omega + V_th_alpha_1 + V_th_alpha_2 + V_th_v`. The derivative
//! of `V_th_v` is internal state (0 at creation, not settable, as in NEST).
//!
//! Receptors: spikes and currents on receptor 0. Recordables: `V_m`, `V_th`, `V_th_v`,
//! `I_syn_ex`, `I_syn_in`.
//!
//! # References
//!
//! * Kobayashi R, Tsubo Y, Shinomoto S (2009). Made-to-order spiking neuron model equipped with
//!   a multi-timescale adaptive threshold. Front Comput Neurosci 3:9.
//! * Yamauchi S, Kim H, Shinomoto S (2011). Elemental spiking neuron model for reproducing
//!   diverse firing patterns and predicting precise firing times. Front Comput Neurosci 5:42.
//! * NEST 3.10, `models/amat2_psc_exp.{h,cpp}`.

use crate::mat::{MatModel, MatNeuron, MatParams, MatState, COMMON_KEYS};
use crate::voltages::{put_floats, read_scalars};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::TimeGrid;

/// NEST's model name.
pub const MODEL_NAME: &str = "amat2_psc_exp";

/// Every key [`Amat2PscExp::from_params`] reads.
pub const KEYS: &[&str] = &{
    let mut keys = [""; COMMON_KEYS.len() + 3];
    let mut i = 0;
    while i < COMMON_KEYS.len() {
        keys[i] = COMMON_KEYS[i];
        i += 1;
    }
    keys[i] = "beta";
    keys[i + 1] = "tau_v";
    keys[i + 2] = "V_th_v";
    keys
};

/// An `amat2_psc_exp` population.
pub type Amat2PscExp = MatNeuron<Model>;

/// The model's parameters, propagators and threshold for [`MatNeuron`].
#[derive(Clone, Debug)]
pub struct Model;

/// User parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub base: MatParams,
    /// `beta`.
    pub beta: f64,
    /// `tau_v`, ms.
    pub tau_v: f64,
}

impl Default for Params {
    /// NEST's defaults, `omega` stored relative to `E_L` as NEST's constructor stores it.
    fn default() -> Params {
        Params {
            base: MatParams {
                e_l: -70.0,
                i_e: 0.0,
                c_m: 200.0,
                tau_m: 10.0,
                tau_syn_ex: 1.0,
                tau_syn_in: 3.0,
                t_ref: 2.0,
                tau_1: 10.0,
                tau_2: 200.0,
                alpha_1: 10.0,
                alpha_2: 0.0,
                omega: 5.0,
            },
            beta: 0.0,
            tau_v: 5.0,
        }
    }
}

/// One neuron's state.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct State {
    pub base: MatState,
    pub i_syn_ex: f64,
    pub i_syn_in: f64,
    /// The derivative of `V_th_v` (NEST's `V_th_dv_`).
    pub v_th_dv: f64,
    pub v_th_v: f64,
}

/// Propagators (NEST's `pre_run_hook`), in NEST's names.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Derived {
    p11: f64,
    p22: f64,
    p33: f64,
    p44: f64,
    p55: f64,
    p66: f64,
    p77: f64,
    p30: f64,
    p31: f64,
    p32: f64,
    p60: f64,
    p61: f64,
    p62: f64,
    p63: f64,
    p70: f64,
    p71: f64,
    p72: f64,
    p73: f64,
    p76: f64,
    refractory_counts: i64,
}

/// `std::pow(x, 2)`, which GCC compiles to `x*x` (and which glibc's pow rounds identically).
fn sq(x: f64) -> f64 {
    x * x
}

/// The propagators from a synaptic current of time constant `tau_s` (decay `e_s`) to the
/// threshold's derivative and the threshold (NEST's `P61`/`P71`, `P62`/`P72`).
#[allow(clippy::too_many_arguments)]
fn syn_to_threshold(
    beta: f64,
    c: f64,
    h: f64,
    tau_s: f64,
    taum: f64,
    tau_v: f64,
    e_s: f64,
    em: f64,
    ev: f64,
) -> (f64, f64) {
    let (taus, tauv) = (tau_s, tau_v);
    let p6 = (beta
        * taus
        * taum
        * tauv
        * (ev * (-taus + taum) + em * (taus - tauv) + e_s * (-taum + tauv)))
        / (c * (taus - taum) * (taus - tauv) * (taum - tauv));
    let p7 = (beta
        * taus
        * taum
        * tauv
        * ((em * taum * sq(taus - tauv) - e_s * taus * sq(taum - tauv)) * tauv
            - ev * (taus - taum)
                * (h * (taus - tauv) * (taum - tauv) + taus * taum * tauv - tauv.powf(3.0))))
        / (c * (taus - taum) * sq(taus - tauv) * sq(taum - tauv));
    (p6, p7)
}

impl MatModel for Model {
    const NAME: &'static str = MODEL_NAME;
    const RECORDABLES: &'static [(&'static str, &'static str)] = &[
        ("V_m", "mV"),
        ("V_th", "mV"),
        ("V_th_v", "mV"),
        ("I_syn_ex", "pA"),
        ("I_syn_in", "pA"),
    ];
    type Params = Params;
    type Derived = Derived;
    type State = State;

    fn base(p: &Params) -> &MatParams {
        &p.base
    }

    fn base_state(s: &mut State) -> &mut MatState {
        &mut s.base
    }

    fn set(p: &mut Params, dict: &mut Dict) -> Result<f64, ParamError> {
        let delta_e_l = p
            .base
            .read(dict, &mut [("beta", &mut p.beta), ("tau_v", &mut p.tau_v)])?;
        p.base.check(&[("tau_v", p.tau_v)])?;
        let b = &p.base;
        if b.tau_m == b.tau_syn_ex || b.tau_m == b.tau_syn_in || b.tau_m == p.tau_v {
            return Err(ParamError::rule(
                "tau_m must differ from tau_syn_ex, tau_syn_in and tau_v. See note in \
                 documentation.",
            )
            .with("tau_m", Value::Float(b.tau_m)));
        }
        if p.tau_v == b.tau_syn_ex || p.tau_v == b.tau_syn_in {
            return Err(ParamError::rule(
                "tau_v must differ from tau_syn_ex, tau_syn_in and tau_m. See note in \
                 documentation.",
            )
            .with("tau_v", Value::Float(p.tau_v)));
        }
        Ok(delta_e_l)
    }

    fn get(p: &Params, out: &mut Dict) {
        p.base.get(out);
        put_floats(out, &[("beta", p.beta), ("tau_v", p.tau_v)]);
    }

    fn set_state(
        s: &mut State,
        dict: &mut Dict,
        p: &Params,
        delta_e_l: f64,
    ) -> Result<(), ParamError> {
        s.base.set(dict, p.base.e_l, delta_e_l)?;
        read_scalars(dict, &mut [("V_th_v", &mut s.v_th_v)])
    }

    fn get_state(s: &State, p: &Params, out: &mut Dict) {
        s.base.get(&p.base, Some(s.v_th_v), out);
        put_floats(out, &[("V_th_v", s.v_th_v)]);
    }

    fn derive(p: &Params, grid: &TimeGrid) -> Derived {
        let h = grid.h();
        let b = &p.base;
        let (c, beta) = (b.c_m, p.beta);
        let (taum, tau_e, tau_i, tau_v) = (b.tau_m, b.tau_syn_ex, b.tau_syn_in, p.tau_v);
        let e_e = (-h / b.tau_syn_ex).exp();
        let e_i = (-h / b.tau_syn_in).exp();
        let em = (-h / b.tau_m).exp();
        let e1 = (-h / b.tau_1).exp();
        let e2 = (-h / b.tau_2).exp();
        let ev = (-h / p.tau_v).exp();
        let (p61, p71) = syn_to_threshold(beta, c, h, tau_e, taum, tau_v, e_e, em, ev);
        let (p62, p72) = syn_to_threshold(beta, c, h, tau_i, taum, tau_v, e_i, em, ev);
        Derived {
            p11: e_e,
            p22: e_i,
            p33: em,
            p44: e1,
            p55: e2,
            p66: ev,
            p77: ev,
            p30: (taum - em * taum) / c,
            p31: ((e_e - em) * tau_e * taum) / (c * (tau_e - taum)),
            p32: ((e_i - em) * tau_i * taum) / (c * (tau_i - taum)),
            p60: (beta * (em - ev) * taum * tau_v) / (c * (taum - tau_v)),
            p61,
            p62,
            p63: (beta * (-em + ev) * tau_v) / (taum - tau_v),
            p70: (beta
                * taum
                * tau_v
                * (em * taum * tau_v - ev * (h * (taum - tau_v) + taum * tau_v)))
                / (c * sq(taum - tau_v)),
            p71,
            p72,
            p73: (beta * tau_v * (-(em * taum * tau_v) + ev * (h * (taum - tau_v) + taum * tau_v)))
                / sq(taum - tau_v),
            p76: ev * h,
            refractory_counts: b.refractory_counts(grid),
        }
    }

    fn refractory_counts(d: &Derived) -> i64 {
        d.refractory_counts
    }

    #[inline(always)]
    fn evolve(p: &Params, d: &Derived, s: &mut State, i_0: f64, w_ex: f64, w_in: f64) {
        let i = p.base.i_e + i_0;
        let v = s.base.v_m;
        s.v_th_v = i * d.p70
            + s.i_syn_ex * d.p71
            + s.i_syn_in * d.p72
            + v * d.p73
            + s.v_th_dv * d.p76
            + s.v_th_v * d.p77;
        s.v_th_dv =
            i * d.p60 + s.i_syn_ex * d.p61 + s.i_syn_in * d.p62 + v * d.p63 + s.v_th_dv * d.p66;
        s.base.v_m = i * d.p30 + s.i_syn_ex * d.p31 + s.i_syn_in * d.p32 + v * d.p33;
        s.base.v_th_1 *= d.p44;
        s.base.v_th_2 *= d.p55;
        s.i_syn_ex *= d.p11;
        s.i_syn_in *= d.p22;
        s.i_syn_ex += w_ex;
        s.i_syn_in += w_in;
    }

    fn crossed(p: &Params, s: &State) -> bool {
        s.base.v_m >= p.base.omega + s.base.v_th_2 + s.base.v_th_1 + s.v_th_v
    }

    fn recordable(p: &Params, s: &State, index: usize) -> f64 {
        match index {
            0 => s.base.v_m + p.base.e_l,
            1 => s.base.threshold(&p.base, Some(s.v_th_v)),
            2 => s.v_th_v,
            3 => s.i_syn_ex,
            _ => s.i_syn_in,
        }
    }
}
