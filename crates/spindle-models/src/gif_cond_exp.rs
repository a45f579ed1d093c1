//! `gif_cond_exp`: the generalized integrate-and-fire neuron with exponentially decaying
//! synaptic conductances, NEST 3.10's model of that name (Mensi et al. 2012; Pozzorini et al.
//! 2015). The membrane and conductances are integrated with GSL 1.15's RKF45 and NEST's step
//! control (`rkf45.rs`), reproduced bit for bit; its spikes are escape noise drawn from the
//! neuron's own stream (`gif.rs` has the shared step, the adaptation kernels and the escape
//! noise).
//!
//! # Model
//!
//! With `V' = V_reset` while refractory, else `V`, and `I_stim`, `I_stc` frozen over a step:
//!
//! ```text
//! C_m dV/dt = −g_L (V' − E_L) + I_stim + I_e − g_ex (V' − E_ex) − g_in (V' − E_in) − I_stc
//!                                                                  (0 while refractory)
//! dg_x/dt   = −g_x / τ_syn_x
//! λ(t)      = λ_0 exp((V − E_sfa)/Delta_V),  E_sfa = V_T_star + γ(t)
//! ```
//!
//! One step: the kernels (see `gif.rs`); integrate over `h` (absolute tolerance
//! `gsl_error_tol`, the step estimate carried across steps); add the conductance jumps (a spike
//! of weight `w ≥ 0` adds `w` to `g_ex`, one of `w < 0` adds `−w` to `g_in`); then the escape
//! noise or the refractory reset. An integration that diverges stops the run with NEST's
//! `NumericalInstability` (`rkf45::MAX_STEPS`).
//!
//! # Parameters
//!
//! `gif_psc_exp`'s (`C_m` 80 pF, `g_L` 4 nS, `E_L` −70 mV, `V_reset` −55 mV, `t_ref` 4 ms,
//! `V_T_star` −35 mV, `Delta_V` 0.5 mV, `lambda_0` 1/s, the kernel lists, `I_e`), and:
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `tau_syn_ex`, `tau_syn_in` | 2, 2 | ms | conductance time constants |
//! | `E_ex`, `E_in` | 0, −85 | mV | reversal potentials |
//! | `gsl_error_tol` | 1e-3 | | the integrator's absolute tolerance |
//!
//! State: `V_m` (−70 mV), `g_ex`, `g_in` (nS; settable), `E_sfa`, `I_stc` (read only).
//! Recordables: `E_sfa`, `I_stc`, `V_m`, `g_ex`, `g_in`. Spikes and currents on receptor 0.
//!
//! NEST reads `gsl_error_tol` into its controller once, at a neuron's first `Simulate`;
//! spindle uses the current value at every run.
//!
//! # References
//!
//! * Mensi S et al. (2012), J Neurophysiol 107:1756–1775; Pozzorini C et al. (2015), PLoS
//!   Comput Biol 11:e1004275.
//! * NEST 3.10, `models/gif_cond_exp.{h,cpp}`.

use crate::gif::{
    check_ex_in_taus, ex_in_spike_input, gif_keys, integrate_conductances, GifParams, GifSynapses,
    StepInput,
};
use crate::rkf45::{OdeSystem, WorkBuf};
use crate::voltages::{put_floats, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{InputChannel, Recordable};
use spindle_core::params::{ParamError, Params as Dict};
use spindle_core::time::TimeGrid;

/// NEST's model name.
pub const MODEL_NAME: &str = "gif_cond_exp";

/// Every key [`GifCondExp::from_params`] reads.
pub const KEYS: &[&str] = gif_keys!(
    "tau_syn_ex",
    "tau_syn_in",
    "E_ex",
    "E_in",
    "gsl_error_tol",
    "g_ex",
    "g_in"
);

/// `gif_cond_exp`'s synapses: exponential conductances, RKF45.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CondExp;

/// The conductances' parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Conductances {
    /// `tau_syn_ex`, `tau_syn_in` (ms).
    pub tau_syn_ex: f64,
    pub tau_syn_in: f64,
    /// `E_ex`, `E_in` (mV).
    pub e_ex: f64,
    pub e_in: f64,
    /// `gsl_error_tol`.
    pub gsl_error_tol: f64,
}

impl Default for Conductances {
    fn default() -> Conductances {
        Conductances {
            tau_syn_ex: 2.0,
            tau_syn_in: 2.0,
            e_ex: 0.0,
            e_in: -85.0,
            gsl_error_tol: 1e-3,
        }
    }
}

/// NEST's `gif_cond_exp_dynamics` with the refractory flag, `I_stc` and `I_stim` of the step.
struct Dynamics<'a> {
    p: &'a GifParams,
    syn: &'a Conductances,
    input: &'a StepInput<'a>,
}

impl OdeSystem for Dynamics<'_> {
    #[inline(always)]
    fn eval(&self, y: &[f64], f: &mut [f64]) {
        let (p, syn, input) = (self.p, self.syn, self.input);
        let v = if input.refractory { p.v_reset } else { y[0] };
        let i_syn_exc = y[1] * (v - syn.e_ex);
        let i_syn_inh = y[2] * (v - syn.e_in);
        let i_l = p.g_l * (v - p.e_l);
        f[0] = if input.refractory {
            0.0
        } else {
            (-i_l + input.i_stim + p.i_e - i_syn_exc - i_syn_inh - input.stc) / p.c_m
        };
        f[1] = -y[1] / syn.tau_syn_ex;
        f[2] = -y[2] / syn.tau_syn_in;
    }
}

impl GifSynapses for CondExp {
    const NAME: &'static str = MODEL_NAME;

    type Syn = Conductances;
    /// The step `h`, ms.
    type Derived = f64;

    fn read(
        syn: &mut Conductances,
        dict: &mut Dict,
        _ports: Option<usize>,
    ) -> Result<(), ParamError> {
        read_scalars(
            dict,
            &mut [
                ("tau_syn_ex", &mut syn.tau_syn_ex),
                ("tau_syn_in", &mut syn.tau_syn_in),
                ("E_ex", &mut syn.e_ex),
                ("E_in", &mut syn.e_in),
                ("gsl_error_tol", &mut syn.gsl_error_tol),
            ],
        )
    }

    fn check(syn: &Conductances) -> Result<(), ParamError> {
        check_ex_in_taus(syn.tau_syn_ex, syn.tau_syn_in)
    }

    fn put(syn: &Conductances, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("tau_syn_ex", syn.tau_syn_ex),
                ("tau_syn_in", syn.tau_syn_in),
                ("E_ex", syn.e_ex),
                ("E_in", syn.e_in),
                ("gsl_error_tol", syn.gsl_error_tol),
            ],
        );
    }

    fn derive(_p: &GifParams, _syn: &Conductances, grid: &TimeGrid) -> f64 {
        grid.h()
    }

    fn n_syn(_syn: &Conductances) -> usize {
        2
    }

    fn spike_input(
        _syn: &Conductances,
        receptor: i64,
        weight: f64,
    ) -> Result<InputChannel, Rejection> {
        ex_in_spike_input(MODEL_NAME, receptor, weight, true)
    }

    fn syn_recordables(_syn: &Conductances) -> Vec<Recordable> {
        vec![Recordable::new("g_ex", "nS"), Recordable::new("g_in", "nS")]
    }

    fn put_state(s: &[f64], out: &mut Dict) {
        put_floats(out, &[("g_ex", s[0]), ("g_in", s[1])]);
    }

    fn read_state(dict: &mut Dict, s: &mut [f64]) -> Result<(), ParamError> {
        let [g_ex, g_in] = s else {
            unreachable!("two conductances")
        };
        read_scalars(dict, &mut [("g_ex", g_ex), ("g_in", g_in)])
    }

    #[inline]
    fn advance(
        p: &GifParams,
        syn: &Conductances,
        &h: &f64,
        y: &mut [f64],
        h_est: &mut f64,
        work: &mut WorkBuf,
        input: &StepInput<'_>,
    ) -> bool {
        let sys = Dynamics { p, syn, input };
        integrate_conductances(&sys, syn.gsl_error_tol, h, h_est, y, work, input)
    }
}

/// A `gif_cond_exp` population.
pub type GifCondExp = crate::gif::Gif<CondExp>;
