//! `stdp_synapse_hom` — `stdp_synapse` with its parameters shared by all connections of the
//! model (NEST's `STDPHomCommonProperties`: `tau_plus`, `lambda`, `alpha`, `mu_plus`,
//! `mu_minus`, `Wmax`, set with `SetDefaults` or `CopyModel` only); per connection only the
//! weight and the state `Kplus`. The update is `stdp_synapse`'s (see there), and NEST checks
//! neither the weight's sign against `Wmax` nor `Kplus` for this model.
//!
//! NEST: `models/stdp_synapse_hom.h` (3.10).

use crate::stdp::HomStdp;
use crate::stdp_synapse::StdpParams;

/// `stdp_synapse_hom`: the multiplicative rule with common parameters, `Kplus` as state.
pub type StdpSynapseHom = HomStdp<StdpParams>;

/// The keys that only `SetDefaults`/`CopyModel` may set.
pub const COMMON_KEYS: &[&str] = crate::stdp_synapse::STDP_PARAMETER_KEYS;

/// The per-connection keys besides the generic ones.
pub const KEYS: &[&str] = &["Kplus"];
