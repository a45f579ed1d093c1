//! `gif_psc_exp_multisynapse`: `gif_psc_exp` with any number of receptor ports, each with its
//! own exponential current and `tau_syn`, NEST 3.10's model of that name. Membrane and currents
//! are integrated exactly, as NEST does, and reproduced bit for bit; spikes are escape noise
//! drawn from the neuron's own stream (`gif.rs` has the shared step, kernels and escape noise).
//!
//! # Model
//!
//! `gif_psc_exp`'s, with the currents `I_k` of ports `k = 1 … n` in place of `I_syn_ex` and
//! `I_syn_in`. One step differs from `gif_psc_exp` in its order, as in NEST: the membrane takes
//! the currents *before* their decay, `V ← P30·(I_stim + I_e − I_stc) + P33·V + P31·E_L +
//! Σ_k P21_k·I_k`, accumulated while each `I_k ← I_k·e^{−h/τ_syn,k} + w_k` (spikes of any sign
//! on port `k`); the sum is taken even while refractory but used only outside.
//!
//! # Parameters
//!
//! `gif_psc_exp`'s (`C_m` 80 pF, `g_L` 4 nS, `E_L` −70 mV, `V_reset` −55 mV, `t_ref` 4 ms,
//! `V_T_star` −35 mV, `Delta_V` 0.5 mV, `lambda_0` 1/s, the kernel lists, `I_e`) without
//! `tau_syn_ex`/`tau_syn_in`, and `tau_syn` (ms, default `[2.0]`): one time constant per
//! receptor port; `n_receptors` (read only) is its length.
//!
//! State: `V_m` (−70 mV; settable), `E_sfa`, `I_stc` (read only). Recordables: `E_sfa`,
//! `I_stc`, `V_m`. Spikes on ports `1 … n`, currents on port 0.
//!
//! The port count is fixed when the population is created (`multisynapse.rs`): `SetStatus`
//! may change the time constants but not their number. NEST's `has_connections` is not shown.
//!
//! # References
//!
//! * Mensi S et al. (2012), J Neurophysiol 107:1756–1775; Pozzorini C et al. (2015), PLoS
//!   Comput Biol 11:e1004275.
//! * NEST 3.10, `models/gif_psc_exp_multisynapse.{h,cpp}`.

use crate::gif::{gif_keys, GifParams, GifSynapses, Leak, StepInput};
use crate::iaf_propagator::IafPropagator;
use crate::multisynapse::{check_port_count, check_ports_kept, port_spike_input};
use crate::rkf45::WorkBuf;
use crate::voltages::float_list;
use spindle_core::error::Rejection;
use spindle_core::model::InputChannel;
use spindle_core::params::{self, ParamError, Params as Dict, Value};
use spindle_core::time::TimeGrid;

/// NEST's model name.
pub const MODEL_NAME: &str = "gif_psc_exp_multisynapse";

/// Every key [`GifPscExpMultisynapse::from_params`] reads.
pub const KEYS: &[&str] = gif_keys!("tau_syn");

/// `gif_psc_exp_multisynapse`'s synapses: one exponential current per port.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PscExpPorts;

/// `tau_syn` (ms), one per port.
#[derive(Clone, Debug, PartialEq)]
pub struct Ports {
    pub tau_syn: Vec<f64>,
}

impl Default for Ports {
    fn default() -> Ports {
        Ports { tau_syn: vec![2.0] }
    }
}

/// NEST's propagators (`pre_run_hook`).
#[derive(Clone, Debug, Default)]
pub struct Propagators {
    p11: Vec<f64>,
    p21: Vec<f64>,
    leak: Leak,
}

impl GifSynapses for PscExpPorts {
    const NAME: &'static str = MODEL_NAME;

    type Syn = Ports;
    type Derived = Propagators;

    fn read(syn: &mut Ports, dict: &mut Dict, ports: Option<usize>) -> Result<(), ParamError> {
        if let Some(tau) = dict.f64_list("tau_syn")? {
            check_port_count(&tau)?;
            check_ports_kept(ports, tau.len(), "tau_syn", float_list(&tau))?;
            syn.tau_syn = tau;
        }
        Ok(())
    }

    fn check(syn: &Ports) -> Result<(), ParamError> {
        if syn.tau_syn.iter().any(|&t| t <= 0.0) {
            return Err(params::invalid(
                "tau_syn",
                float_list(&syn.tau_syn),
                "All synaptic time constants must be > 0.",
            ));
        }
        Ok(())
    }

    fn put(syn: &Ports, out: &mut Dict) {
        out.insert("tau_syn", float_list(&syn.tau_syn));
        out.insert("n_receptors", Value::Int(syn.tau_syn.len() as i64));
    }

    fn derive(p: &GifParams, syn: &Ports, grid: &TimeGrid) -> Propagators {
        let h = grid.h();
        let tau_m = p.c_m / p.g_l;
        Propagators {
            p11: syn.tau_syn.iter().map(|t| (-h / t).exp()).collect(),
            p21: syn
                .tau_syn
                .iter()
                .map(|&t| IafPropagator::new(t, tau_m, p.c_m).exp_psc(h))
                .collect(),
            leak: Leak::new(p, h),
        }
    }

    fn n_syn(syn: &Ports) -> usize {
        syn.tau_syn.len()
    }

    fn spike_input(syn: &Ports, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        port_spike_input(MODEL_NAME, syn.tau_syn.len(), receptor, weight)
    }

    #[inline]
    fn advance(
        p: &GifParams,
        _syn: &Ports,
        d: &Propagators,
        y: &mut [f64],
        _h_est: &mut f64,
        _work: &mut WorkBuf,
        input: &StepInput<'_>,
    ) -> bool {
        let mut sum_syn_pot = 0.0;
        for (k, i_syn) in y[1..].iter_mut().enumerate() {
            sum_syn_pot += d.p21[k] * *i_syn;
            *i_syn *= d.p11[k];
            *i_syn += input.w[k];
        }
        if !input.refractory {
            y[0] = d.leak.membrane(p, y[0], input.i_stim, input.stc) + sum_syn_pot;
        }
        true
    }
}

/// A `gif_psc_exp_multisynapse` population.
pub type GifPscExpMultisynapse = crate::gif::Gif<PscExpPorts>;
