//! `iaf_psc_alpha_multisynapse`: the leaky integrate-and-fire neuron with any number of
//! alpha-shaped current synapses, NEST 3.10's model of that name, reproduced bit for bit. The
//! model and its state are shared with `iaf_psc_exp_multisynapse` (`multisynapse.rs`); this file
//! holds the alpha PSC.
//!
//! # Model
//!
//! Voltages are held relative to `E_L` (`V = V_m − E_L`). Between spikes
//!
//! ```text
//! dV/dt  = −V/τm + (Σ_k I_k + I_e + I_stim)/C
//! I_k(t) = Σ_j w_j · (t − t_j)/τ_k · exp(1 − (t − t_j)/τ_k)     (k = 1 … n, τ_k = tau_syn[k−1])
//! ```
//!
//! is integrated exactly (Rotter & Diesmann 1999): `V ← P30·(I_stim + I_e) + P33·V`, then
//! `V ← V + (P31_k·dI_k + P32_k·I_k)` for each port in order, then `V ← max(V, V_min − E_L)`;
//! `I_k ← P21_k·dI_k + P22_k·I_k`, `dI_k ← dI_k·P11_k`, and a spike of weight `w` on port `k`
//! kicks `dI_k` by `w·e/τ_k` (an alpha current of peak `w` pA at `τ_k` after arrival, any sign).
//! Note `P33 = exp(−h/τm)` and `P30 = (1/C)·(1 − P33)·τm`, not `iaf_psc_alpha`'s `expm1` forms.
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
//! | `V_min` | −∞ | mV | lower bound of the membrane potential |
//! | `I_e` | 0 | pA | constant external current |
//! | `tau_syn` | [2.0] | ms | rise time of each port's alpha current |
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
//! * Rotter S, Diesmann M (1999). Exact digital simulation of time-invariant linear systems with
//!   applications to neuronal modeling. Biological Cybernetics 81:381–402.
//! * NEST 3.10, `models/iaf_psc_alpha_multisynapse.{h,cpp}`; spec `nest-semantics.md` §4.0.

use crate::iaf_propagator::IafPropagator;
pub use crate::multisynapse::PscShape;
use crate::multisynapse::{Derived, Multisynapse, MultisynapseChunk, Params, PortPropagators};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_psc_alpha_multisynapse";

/// Every key [`IafPscAlphaMultisynapse::from_params`] reads.
pub const KEYS: &[&str] = &[
    "E_L", "C_m", "tau_m", "t_ref", "V_th", "V_reset", "V_min", "I_e", "tau_syn", "V_m",
];

/// The alpha PSC.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AlphaPsc;

/// An `iaf_psc_alpha_multisynapse` population.
pub type IafPscAlphaMultisynapse = Multisynapse<AlphaPsc>;
/// The state of `n` `iaf_psc_alpha_multisynapse` neurons.
pub type IafPscAlphaMultisynapseChunk = MultisynapseChunk<AlphaPsc>;

impl PscShape for AlphaPsc {
    const MODEL_NAME: &'static str = MODEL_NAME;
    /// `dI` (NEST's `y1_syn_`), then `I` (`y2_syn_`).
    const PER_PORT: usize = 2;
    const HAS_V_MIN: bool = true;
    const CAPACITANCE_RULE: &'static str = "Capacitance must be strictly positive.";
    const TAU_SYN_DIFFERS_FROM_TAU_M: bool = false;

    fn membrane_propagators(p: &Params, h: f64) -> (f64, f64) {
        let p33 = (-h / p.tau_m).exp();
        (p33, 1.0 / p.c_m * (1.0 - p33) * p.tau_m)
    }

    fn port(p: &Params, tau_syn: f64, h: f64) -> PortPropagators {
        let decay = (-h / tau_syn).exp();
        let (dy_to_v, to_v) = IafPropagator::new(tau_syn, p.tau_m, p.c_m).alpha_psc(h);
        PortPropagators {
            decay,
            to_v,
            dy_to_v,
            dy_to_y: h * decay,
            jump: 1.0 * std::f64::consts::E / tau_syn,
        }
    }

    #[inline(always)]
    fn membrane(d: &Derived, v: f64, i_const: f64, syn: &[f64]) -> f64 {
        let mut v = d.current_to_v * (i_const + d.i_e) + d.v_decay * v;
        for (port, y) in d.ports.iter().zip(syn.chunks_exact(2)) {
            v += port.dy_to_v * y[0] + port.to_v * y[1];
        }
        if v < d.lower_bound {
            d.lower_bound
        } else {
            v
        }
    }

    #[inline(always)]
    fn advance(d: &Derived, syn: &mut [f64], spikes: impl Fn(usize) -> f64) {
        for (k, (port, y)) in d.ports.iter().zip(syn.chunks_exact_mut(2)).enumerate() {
            y[1] = port.dy_to_y * y[0] + port.decay * y[1];
            y[0] *= port.decay;
            y[0] += port.jump * spikes(k);
        }
    }

    fn current(syn: &[f64], k: usize) -> f64 {
        syn[2 * k + 1]
    }
}
