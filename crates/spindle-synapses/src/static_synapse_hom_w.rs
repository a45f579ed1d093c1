//! `static_synapse_hom_w` — a static synapse whose weight is common to all connections of
//! the model (NEST's `CommonPropertiesHomW`: set with `SetDefaults` or `CopyModel` only; a
//! `syn_spec` or `SynapseCollection.set` giving a weight fails with `NotImplemented`).
//! Every spike is delivered with that weight after the connection's delay; there is no
//! state.
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `weight` | 1.0 | pA or nS | the weight of every connection (common) |
//!
//! NEST: `models/static_synapse_hom_w.h` (3.10).

use crate::registered::CatalogModel;
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{PlasticModel, SynapseState};

/// `static_synapse_hom_w`.
#[derive(Debug, Default)]
pub struct StaticSynapseHomW;

impl PlasticModel for StaticSynapseHomW {
    type Params = ();
    type State = ();

    fn reads_history(&self) -> bool {
        false
    }

    #[inline]
    fn send(
        &self,
        _: &(),
        syn: SynapseState<'_, ()>,
        _t_spike: f64,
        _delay: f64,
        _post: &mut Archive,
    ) -> f64 {
        *syn.weight
    }

    fn get_status(&self, _: &(), _: &(), _: &mut Params) {}

    fn set_status(&self, _: &mut (), _: &mut (), _: f64, _: &mut Params) -> Result<(), ParamError> {
        Ok(())
    }
}

impl CatalogModel for StaticSynapseHomW {
    const NAME: &'static str = "static_synapse_hom_w";
    const KEYS: &'static [&'static str] = &[];
    const HOMOGENEOUS_WEIGHT: bool = true;

    fn defaults(_: &mut Params) {}

    fn read(_: &mut Params) -> Result<((), ()), ParamError> {
        Ok(((), ()))
    }
}
