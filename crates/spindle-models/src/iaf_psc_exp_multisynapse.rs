//! `iaf_psc_exp_multisynapse`: the leaky integrate-and-fire neuron with any number of
//! exponentially decaying current synapses, NEST 3.10's model of that name, reproduced bit for
//! bit. The model and its state are shared with `iaf_psc_alpha_multisynapse`
//! (`multisynapse.rs`); this file holds the exponential PSC.
//!
//! # Model
//!
//! Voltages are held relative to `E_L` (`V = V_m − E_L`). Between spikes
//!
//! ```text
//! dV/dt   = −V/τm + (Σ_k I_k + I_e + I_stim)/C
//! dI_k/dt = −I_k/τ_k                          (k = 1 … n receptor ports, τ_k = tau_syn[k−1])
//! ```
//!
//! is integrated exactly: `V ← V·P22 + (I_e + I_stim)·P20`, then `V ← V + P21_k·I_k` for each
//! port in order (`P21_k` from `iaf_propagator.rs`); `I_k ← I_k·P11_k` and a spike of weight `w`
//! on port `k` adds `w` (any sign) to `I_k` at the end of its arrival step.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `E_L` | −70 | mV | resting potential |
//! | `C_m` | 250 | pF | membrane capacitance |
//! | `tau_m` | 10 | ms | membrane time constant |
//! | `t_ref` | 2 | ms | refractory period (≥ 0) |
//! | `V_th` | −55 | mV | spike threshold |
//! | `V_reset` | −70 | mV | reset potential |
//! | `I_e` | 0 | pA | constant external current |
//! | `tau_syn` | [2.0] | ms | decay time of each port's current (≠ `tau_m`) |
//!
//! Read-only: `n_synapses` (the length of `tau_syn`). Initial state: `V_m` (mV, default −70).
//!
//! Receptors: spikes on ports `1 … n`, currents on port 0. Recordables: `V_m`, `I_syn` (the sum
//! of the port currents), `I_syn_1 … I_syn_n`.
//!
//! # Departure from NEST
//!
//! The port count is fixed when the population is created (see `multisynapse.rs`): `SetStatus`
//! may change the values of `tau_syn` but not its length.
//!
//! # References
//!
//! * NEST 3.10, `models/iaf_psc_exp_multisynapse.{h,cpp}`; spec `nest-semantics.md` §4.0.

use crate::iaf_propagator::IafPropagator;
pub use crate::multisynapse::PscShape;
use crate::multisynapse::{Derived, Multisynapse, MultisynapseChunk, Params, PortPropagators};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_psc_exp_multisynapse";

/// Every key [`IafPscExpMultisynapse::from_params`] reads.
pub const KEYS: &[&str] = &[
    "E_L", "C_m", "tau_m", "t_ref", "V_th", "V_reset", "I_e", "tau_syn", "V_m",
];

/// The exponential PSC.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ExpPsc;

/// An `iaf_psc_exp_multisynapse` population.
pub type IafPscExpMultisynapse = Multisynapse<ExpPsc>;
/// The state of `n` `iaf_psc_exp_multisynapse` neurons.
pub type IafPscExpMultisynapseChunk = MultisynapseChunk<ExpPsc>;

impl PscShape for ExpPsc {
    const MODEL_NAME: &'static str = MODEL_NAME;
    const PER_PORT: usize = 1;
    const HAS_V_MIN: bool = false;
    const CAPACITANCE_RULE: &'static str = "Capacitance must be > 0.";
    const TAU_SYN_DIFFERS_FROM_TAU_M: bool = true;

    fn membrane_propagators(p: &Params, h: f64) -> (f64, f64) {
        let p22 = (-h / p.tau_m).exp();
        (p22, p.tau_m / p.c_m * (1.0 - p22))
    }

    fn port(p: &Params, tau_syn: f64, h: f64) -> PortPropagators {
        PortPropagators {
            decay: (-h / tau_syn).exp(),
            to_v: IafPropagator::new(tau_syn, p.tau_m, p.c_m).exp_psc(h),
            ..PortPropagators::default()
        }
    }

    #[inline(always)]
    fn membrane(d: &Derived, v: f64, i_const: f64, syn: &[f64]) -> f64 {
        let mut v = v * d.v_decay + (d.i_e + i_const) * d.current_to_v;
        for (port, &i) in d.ports.iter().zip(syn) {
            v += port.to_v * i;
        }
        v
    }

    #[inline(always)]
    fn advance(d: &Derived, syn: &mut [f64], spikes: impl Fn(usize) -> f64) {
        for (k, (port, i)) in d.ports.iter().zip(syn.iter_mut()).enumerate() {
            *i *= port.decay;
            *i += spikes(k);
        }
    }

    fn current(syn: &[f64], k: usize) -> f64 {
        syn[k]
    }
}
