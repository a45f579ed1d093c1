//! `static_synapse` with a `weight_recorder`: NEST records every event a static synapse
//! transmits when its model names a weight recorder (`CopyModel("static_synapse", "x",
//! {"weight_recorder": wr})`). Without one, `static_synapse` and its copies live in the
//! kernel's compact store (6 bytes per synapse), which records nothing; with one, its
//! synapses live in a plastic store of this model, whose `send` changes nothing and whose
//! events the store hands to the recorder.
//!
//! NEST: `models/static_synapse.h` (3.10).

use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{PlasticModel, SynapseState};

/// `static_synapse` as a store with per-synapse weights: no parameters, no state.
#[derive(Debug, Default)]
pub struct StaticSynapse;

impl PlasticModel for StaticSynapse {
    type Params = ();
    type State = ();

    fn reads_history(&self) -> bool {
        false
    }

    fn send(
        &self,
        _params: &(),
        syn: SynapseState<'_, ()>,
        _t_spike: f64,
        _delay: f64,
        _post: &mut Archive,
    ) -> f64 {
        *syn.weight
    }

    fn get_status(&self, _params: &(), _state: &(), _d: &mut Params) {}

    fn set_status(
        &self,
        _params: &mut (),
        _state: &mut (),
        _weight: f64,
        _d: &mut Params,
    ) -> Result<(), ParamError> {
        Ok(())
    }
}
