//! `gif_psc_exp`: the generalized integrate-and-fire neuron with exponentially decaying
//! synaptic currents, NEST 3.10's model of that name (Mensi et al. 2012; Pozzorini et al.
//! 2015). Its membrane and currents are integrated exactly, as NEST does, and reproduced bit
//! for bit; its spikes are escape noise drawn from the neuron's own stream (`gif.rs` has the
//! shared step, the adaptation kernels and the escape noise).
//!
//! # Model
//!
//! ```text
//! C_m dV/dt   = −g_L (V − E_L) − η(t) + I_syn_ex + I_syn_in + I_e + I_stim
//! dI_syn_x/dt = −I_syn_x / τ_syn_x            (spikes jump I_syn_x by their weight)
//! λ(t)        = λ_0 exp((V − E_sfa)/Delta_V),  E_sfa = V_T_star + γ(t)
//! ```
//!
//! `η` (`I_stc`) and `γ` are sums of exponential kernels (`tau_stc`/`q_stc`,
//! `tau_sfa`/`q_sfa`) jumping at each spike. One step: the kernels (see `gif.rs`), then
//! `I_syn_x ← I_syn_x·e^{−h/τ_syn_x} + w_x` (spikes of weight `w ≥ 0` excitatory, `w < 0`
//! inhibitory, signed), then, unless refractory, `V ← P30·(I_stim + I_e − I_stc) + P33·V +
//! P31·E_L + I_syn_ex·P21ex + I_syn_in·P21in` with `τ_m = C_m/g_L`, `P33 = e^{−h/τ_m}`,
//! `P30 = −(1/C_m)·expm1(−h/τ_m)·τ_m`, `P31 = −expm1(−h/τ_m)` and NEST's exact-integration
//! `P21` (`iaf_propagator.rs`); then the escape noise or the refractory reset.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `C_m` | 80 | pF | membrane capacitance |
//! | `g_L` | 4 | nS | leak conductance |
//! | `E_L` | −70 | mV | leak reversal potential |
//! | `V_reset` | −55 | mV | reset potential |
//! | `t_ref` | 4 | ms | refractory period |
//! | `V_T_star` | −35 | mV | base threshold |
//! | `Delta_V` | 0.5 | mV | stochasticity level |
//! | `lambda_0` | 1 | 1/s | firing intensity at threshold |
//! | `tau_stc`, `q_stc` | [] | ms, nA | spike-triggered current kernels |
//! | `tau_sfa`, `q_sfa` | [] | ms, mV | threshold adaptation kernels |
//! | `tau_syn_ex`, `tau_syn_in` | 2, 2 | ms | synaptic time constants |
//! | `I_e` | 0 | pA | constant external current |
//!
//! State: `V_m` (−70 mV; settable), `E_sfa`, `I_stc` (read only). Recordables: `E_sfa`,
//! `I_stc`, `V_m`, `I_syn_ex`, `I_syn_in`. Spikes and currents on receptor 0.
//!
//! # References
//!
//! * Mensi S, Naud R, Pozzorini C, Avermann M, Petersen CC, Gerstner W (2012). Parameter
//!   extraction and classification of three cortical neuron types reveals two distinct
//!   adaptation mechanisms. J Neurophysiol 107:1756–1775.
//! * Pozzorini C, Mensi S, Hagens O, Naud R, Koch C, Gerstner W (2015). Automated
//!   high-throughput characterization of single neurons by means of simplified spiking models.
//!   PLoS Comput Biol 11:e1004275.
//! * NEST 3.10, `models/gif_psc_exp.{h,cpp}`.

use crate::gif::{
    check_ex_in_taus, ex_in_spike_input, gif_keys, GifParams, GifSynapses, Leak, StepInput,
};
use crate::iaf_propagator::IafPropagator;
use crate::rkf45::WorkBuf;
use crate::voltages::{put_floats, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{InputChannel, Recordable};
use spindle_core::params::{ParamError, Params as Dict};
use spindle_core::time::TimeGrid;

/// NEST's model name.
pub const MODEL_NAME: &str = "gif_psc_exp";

/// Every key [`GifPscExp::from_params`] reads.
pub const KEYS: &[&str] = gif_keys!("tau_syn_ex", "tau_syn_in");

/// `gif_psc_exp`'s synapses: exponential currents, exact propagators.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PscExp;

/// `tau_syn_ex`, `tau_syn_in` (ms).
#[derive(Clone, Debug, PartialEq)]
pub struct Taus {
    pub tau_syn_ex: f64,
    pub tau_syn_in: f64,
}

impl Default for Taus {
    fn default() -> Taus {
        Taus {
            tau_syn_ex: 2.0,
            tau_syn_in: 2.0,
        }
    }
}

/// NEST's propagators (`pre_run_hook`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Propagators {
    p11_ex: f64,
    p11_in: f64,
    p21_ex: f64,
    p21_in: f64,
    leak: Leak,
}

impl GifSynapses for PscExp {
    const NAME: &'static str = MODEL_NAME;

    type Syn = Taus;
    type Derived = Propagators;

    fn read(syn: &mut Taus, dict: &mut Dict, _ports: Option<usize>) -> Result<(), ParamError> {
        read_scalars(
            dict,
            &mut [
                ("tau_syn_ex", &mut syn.tau_syn_ex),
                ("tau_syn_in", &mut syn.tau_syn_in),
            ],
        )
    }

    fn check(syn: &Taus) -> Result<(), ParamError> {
        check_ex_in_taus(syn.tau_syn_ex, syn.tau_syn_in)
    }

    fn put(syn: &Taus, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("tau_syn_ex", syn.tau_syn_ex),
                ("tau_syn_in", syn.tau_syn_in),
            ],
        );
    }

    fn derive(p: &GifParams, syn: &Taus, grid: &TimeGrid) -> Propagators {
        let h = grid.h();
        let tau_m = p.c_m / p.g_l;
        Propagators {
            p11_ex: (-h / syn.tau_syn_ex).exp(),
            p11_in: (-h / syn.tau_syn_in).exp(),
            p21_ex: IafPropagator::new(syn.tau_syn_ex, tau_m, p.c_m).exp_psc(h),
            p21_in: IafPropagator::new(syn.tau_syn_in, tau_m, p.c_m).exp_psc(h),
            leak: Leak::new(p, h),
        }
    }

    fn n_syn(_syn: &Taus) -> usize {
        2
    }

    fn spike_input(_syn: &Taus, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        ex_in_spike_input(MODEL_NAME, receptor, weight, false)
    }

    fn syn_recordables(_syn: &Taus) -> Vec<Recordable> {
        vec![
            Recordable::new("I_syn_ex", "pA"),
            Recordable::new("I_syn_in", "pA"),
        ]
    }

    #[inline]
    fn advance(
        p: &GifParams,
        _syn: &Taus,
        d: &Propagators,
        y: &mut [f64],
        _h_est: &mut f64,
        _work: &mut WorkBuf,
        input: &StepInput<'_>,
    ) -> bool {
        y[1] = y[1] * d.p11_ex + input.w[0];
        y[2] = y[2] * d.p11_in + input.w[1];
        if !input.refractory {
            y[0] = d.leak.membrane(p, y[0], input.i_stim, input.stc)
                + y[1] * d.p21_ex
                + y[2] * d.p21_in;
        }
        true
    }
}

/// A `gif_psc_exp` population.
pub type GifPscExp = crate::gif::Gif<PscExp>;
