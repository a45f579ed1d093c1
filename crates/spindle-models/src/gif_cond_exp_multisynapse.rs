//! `gif_cond_exp_multisynapse`: `gif_cond_exp` with any number of receptor ports, each with its
//! own exponential conductance, `tau_syn` and reversal potential `E_rev`, NEST 3.10's model of
//! that name. Membrane and conductances are integrated with GSL 1.15's RKF45 and NEST's step
//! control (`rkf45.rs`), reproduced bit for bit; spikes are escape noise drawn from the neuron's
//! own stream (`gif.rs` has the shared step, kernels and escape noise).
//!
//! # Model
//!
//! With `V' = V_reset` while refractory, else `V`, and `I_stim`, `I_stc` frozen over a step:
//!
//! ```text
//! C_m dV/dt = −g_L (V − E_L) + I_stim + I_e + Σ_k −g_k (V' − E_rev,k) − I_stc   (0 while refractory)
//! dg_k/dt   = −g_k / τ_syn,k
//! ```
//!
//! (the leak takes `V`, not `V'`, as NEST's `gif_cond_exp_multisynapse_dynamics` does, unlike
//! `gif_cond_exp`). After the integration, a spike of weight `w ≥ 0` on port `k` adds `w` to
//! `g_k`; then the escape noise or the refractory reset, as in `gif_cond_exp`.
//!
//! # Parameters
//!
//! `gif_cond_exp`'s without `tau_syn_ex`, `tau_syn_in`, `E_ex`, `E_in`, and per port:
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `tau_syn` | [2.0] | ms | conductance time constants |
//! | `E_rev` | [0.0] | mV | reversal potentials |
//! | `gsl_error_tol` | 1e-3 | | the integrator's absolute tolerance |
//!
//! `n_receptors` (read only) is the port count. State: `V_m` (−70 mV; settable), `E_sfa`,
//! `I_stc`, `g` (the conductances; read only). Recordables: `E_sfa`, `I_stc`, `V_m`. Spikes on
//! ports `1 … n`, currents on port 0.
//!
//! # Differences from NEST
//!
//! * NEST refuses a negative weight when the spike is delivered, during `Simulate`
//!   (BadProperty); spindle refuses the connection, with NEST's message.
//! * The port count is fixed when the population is created (`multisynapse.rs`).
//! * A fresh neuron's `g` has one entry per port (NEST's has one more before its first
//!   `Simulate` when it was created without parameters, a leftover of its state layout).
//! * NEST reads `gsl_error_tol` into its controller once, at a neuron's first `Simulate`;
//!   spindle uses the current value at every run.
//!
//! # References
//!
//! * Mensi S et al. (2012), J Neurophysiol 107:1756–1775; Pozzorini C et al. (2015), PLoS
//!   Comput Biol 11:e1004275.
//! * NEST 3.10, `models/gif_cond_exp_multisynapse.{h,cpp}`.

use crate::gif::{gif_keys, integrate_conductances, GifParams, GifSynapses, StepInput};
use crate::multisynapse::{check_port_count, check_ports_kept, port_spike_input};
use crate::rkf45::{OdeSystem, WorkBuf};
use crate::voltages::{float_list, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::InputChannel;
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::TimeGrid;

/// NEST's model name.
pub const MODEL_NAME: &str = "gif_cond_exp_multisynapse";

/// Every key [`GifCondExpMultisynapse::from_params`] reads.
pub const KEYS: &[&str] = gif_keys!("gsl_error_tol", "E_rev", "tau_syn");

/// `gif_cond_exp_multisynapse`'s synapses: one exponential conductance per port.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CondExpPorts;

/// The ports' parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Ports {
    /// `tau_syn` (ms) and `E_rev` (mV), one each per port.
    pub tau_syn: Vec<f64>,
    pub e_rev: Vec<f64>,
    pub gsl_error_tol: f64,
}

impl Default for Ports {
    fn default() -> Ports {
        Ports {
            tau_syn: vec![2.0],
            e_rev: vec![0.0],
            gsl_error_tol: 1e-3,
        }
    }
}

fn bad(message: &str, syn: &Ports) -> ParamError {
    ParamError::rule(message)
        .with("E_rev", float_list(&syn.e_rev))
        .with("tau_syn", float_list(&syn.tau_syn))
}

/// NEST's `gif_cond_exp_multisynapse_dynamics` with the refractory flag, `I_stc` and `I_stim`
/// of the step.
struct Dynamics<'a> {
    p: &'a GifParams,
    syn: &'a Ports,
    input: &'a StepInput<'a>,
}

impl OdeSystem for Dynamics<'_> {
    #[inline(always)]
    fn eval(&self, y: &[f64], f: &mut [f64]) {
        let (p, syn, input) = (self.p, self.syn, self.input);
        let i_l = -p.g_l * (y[0] - p.e_l);
        let v = if input.refractory { p.v_reset } else { y[0] };
        let mut i_syn = 0.0;
        for (g, e_rev) in y[1..].iter().zip(&syn.e_rev) {
            i_syn += -g * (v - e_rev);
        }
        f[0] = if input.refractory {
            0.0
        } else {
            (i_l + input.i_stim + p.i_e + i_syn - input.stc) / p.c_m
        };
        for ((f, g), tau) in f[1..].iter_mut().zip(&y[1..]).zip(&syn.tau_syn) {
            *f = -g / tau;
        }
    }
}

impl GifSynapses for CondExpPorts {
    const NAME: &'static str = MODEL_NAME;

    type Syn = Ports;
    /// The step `h`, ms.
    type Derived = f64;

    /// `gsl_error_tol`, then NEST's rules for `E_rev` and `tau_syn` (checked before the common
    /// ones, as NEST does).
    fn read(syn: &mut Ports, dict: &mut Dict, ports: Option<usize>) -> Result<(), ParamError> {
        read_scalars(dict, &mut [("gsl_error_tol", &mut syn.gsl_error_tol)])?;
        let old = syn.tau_syn.len();
        let e_rev = dict.f64_list("E_rev")?;
        let tau = dict.f64_list("tau_syn")?;
        let both = e_rev.is_some() && tau.is_some();
        if e_rev.is_none() && tau.is_none() {
            return Ok(());
        }
        if let Some(v) = e_rev {
            syn.e_rev = v;
        }
        if let Some(v) = tau {
            syn.tau_syn = v;
        }
        if (syn.e_rev.len() != old || syn.tau_syn.len() != old) && !both {
            return Err(bad(
                "If the number of receptor ports is changed, both arrays E_rev and tau_syn \
                 must be provided.",
                syn,
            ));
        }
        if syn.e_rev.len() != syn.tau_syn.len() {
            return Err(bad(
                "The reversal potential, and synaptic time constant arrays must have the same \
                 size.",
                syn,
            ));
        }
        check_port_count(&syn.tau_syn)?;
        check_ports_kept(
            ports,
            syn.tau_syn.len(),
            "tau_syn",
            float_list(&syn.tau_syn),
        )?;
        if syn.tau_syn.iter().any(|&t| t <= 0.0) {
            return Err(bad(
                "All synaptic time constants must be strictly positive",
                syn,
            ));
        }
        Ok(())
    }

    fn check(_syn: &Ports) -> Result<(), ParamError> {
        Ok(())
    }

    fn put(syn: &Ports, out: &mut Dict) {
        out.insert("E_rev", float_list(&syn.e_rev));
        out.insert("tau_syn", float_list(&syn.tau_syn));
        out.insert("gsl_error_tol", Value::Float(syn.gsl_error_tol));
        out.insert("n_receptors", Value::Int(syn.tau_syn.len() as i64));
    }

    fn derive(_p: &GifParams, _syn: &Ports, grid: &TimeGrid) -> f64 {
        grid.h()
    }

    fn n_syn(syn: &Ports) -> usize {
        syn.tau_syn.len()
    }

    fn spike_input(syn: &Ports, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        if weight < 0.0 {
            return Err(Rejection::new(
                "BadProperty",
                "Synaptic weights for conductance-based multisynapse models must be \
                 non-negative.",
            ));
        }
        port_spike_input(MODEL_NAME, syn.tau_syn.len(), receptor, weight)
    }

    fn put_state(s: &[f64], out: &mut Dict) {
        out.insert("g", float_list(s));
    }

    #[inline]
    fn advance(
        p: &GifParams,
        syn: &Ports,
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

/// A `gif_cond_exp_multisynapse` population.
pub type GifCondExpMultisynapse = crate::gif::Gif<CondExpPorts>;
