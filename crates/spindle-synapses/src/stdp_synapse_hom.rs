//! `stdp_synapse_hom` — `stdp_synapse` with its parameters shared by all connections of the
//! model (NEST's `STDPHomCommonProperties`: `tau_plus`, `lambda`, `alpha`, `mu_plus`,
//! `mu_minus`, `Wmax`, set with `SetDefaults` or `CopyModel` only); per connection only the
//! weight and the state `Kplus`. The update is `stdp_synapse`'s (see there), and NEST checks
//! neither the weight's sign against `Wmax` nor `Kplus` for this model.
//!
//! NEST: `models/stdp_synapse_hom.h` (3.10).

use crate::stdp_synapse::StdpParams;
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{put_f64, update_f64, PlasticModel, SynapseState};

/// `stdp_synapse_hom`: one parameter set per model (held in the store's table of parameter
/// sets, which then has one entry), `Kplus` as state.
#[derive(Debug, Default)]
pub struct StdpSynapseHom;

/// The keys that only `SetDefaults`/`CopyModel` may set.
pub const COMMON_KEYS: &[&str] = crate::stdp_synapse::STDP_PARAMETER_KEYS;

/// The per-connection keys besides the generic ones.
pub const KEYS: &[&str] = &["Kplus"];

impl PlasticModel for StdpSynapseHom {
    type Params = StdpParams;
    type State = f64;

    fn reads_history(&self) -> bool {
        true
    }

    #[inline]
    fn send(
        &self,
        params: &StdpParams,
        syn: SynapseState<'_, f64>,
        t_spike: f64,
        delay: f64,
        post: &mut Archive,
    ) -> f64 {
        params.send(syn, t_spike, delay, post)
    }

    fn get_status(&self, _params: &StdpParams, kplus: &f64, d: &mut Params) {
        put_f64(d, &[("Kplus", *kplus)]);
    }

    fn set_status(
        &self,
        _params: &mut StdpParams,
        kplus: &mut f64,
        _weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        update_f64(d, "Kplus", kplus)
    }
}
