//! `glif_psc_double_alpha`: `glif_psc` whose postsynaptic current on every receptor port is the
//! sum of a fast and a slow alpha function (Meffin et al. 2004), NEST 3.10's model of that
//! name. Everything but the synaptic currents is [`crate::glif_psc`]'s (same chunk, same step).
//!
//! # Model
//!
//! As `glif_psc`, with the port currents
//!
//! ```text
//! I_i(t) = Σ_k w_k · [ (t − t_k)/τ_fast,i · exp(1 − (t − t_k)/τ_fast,i)
//!                     + amp_slow,i · (t − t_k)/τ_slow,i · exp(1 − (t − t_k)/τ_slow,i) ]
//! ```
//!
//! each component propagated exactly as `glif_psc`'s alpha current (a spike of weight `w` kicks
//! the fast `dI` by `w·e/τ_fast` and the slow one by `w·e/τ_slow·amp_slow`). NEST's order is
//! kept: the membrane adds every fast component's contribution, then every slow one's;
//! `I_syn` is the sum of the fast currents plus the sum of the slow ones.
//!
//! # Parameters
//!
//! `glif_psc`'s (see [`crate::glif_psc`]) with `tau_syn` replaced by:
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `tau_syn_fast` | [2.0] | ms | fast time constants, one per receptor port (> 0) |
//! | `tau_syn_slow` | [6.0] | ms | slow time constants, one per port (> 0) |
//! | `amp_slow` | [0.3] | 1 | slow amplitude relative to the fast one, one per port (> 0) |
//!
//! Receptors: spikes on ports `1 … n` (`n` = length of `tau_syn_fast`, fixed when the
//! population is created, as for every multi-port model: `multisynapse.rs`), currents on port
//! 0. Recordables: `V_m`, `I`, `I_syn`, `ASCurrents_sum`, `threshold`, `threshold_spike`,
//! `threshold_voltage`.
//!
//! # Departures from NEST
//!
//! `glif_psc`'s (the after-spike currents start at `asc_init`). NEST does not check that
//! `tau_syn_slow` and `amp_slow` have as many entries as `tau_syn_fast` and reads past their
//! end when they have fewer; spindle refuses such parameters (`BadProperty`).
//!
//! # References
//!
//! * Meffin H, Burkitt AN, Grayden DB (2004). An analytical model for the 'large, fluctuating
//!   synaptic conductance state' typical of neocortical neurons in vivo. J Comput Neurosci
//!   16:159–175.
//! * NEST 3.10, `models/glif_psc_double_alpha.{h,cpp}`.

use crate::glif_psc::{keys, GlifPscModel, PscShape};

/// NEST's model name.
pub const MODEL_NAME: &str = "glif_psc_double_alpha";

/// Every key [`GlifPscDoubleAlpha::from_params`] reads.
pub const KEYS: &[&str] = &keys::<26>(&["tau_syn_fast", "tau_syn_slow", "amp_slow"]);

/// A fast and a slow alpha current per port.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DoubleAlpha;

impl PscShape for DoubleAlpha {
    const MODEL_NAME: &'static str = MODEL_NAME;
    const TAU_KEY: &'static str = "tau_syn_fast";
    const DOUBLE: bool = true;
}

/// A `glif_psc_double_alpha` population.
pub type GlifPscDoubleAlpha = GlifPscModel<DoubleAlpha>;
