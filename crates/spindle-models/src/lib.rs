//! Neuron models of spindle, each reproducing its NEST 3.10 namesake bit for bit on
//! deterministic scenarios (spec `nest-semantics.md`).
//!
//! * [`glif_cond`] — the conductance-based GLIF neuron, all five levels, any number of ports,
//!   integrated with GSL 1.15's RKF45 ([`rkf45`]).
//! * [`parrot_neuron`] — repeats incoming spikes.
//!
//! A front end builds a model by name with [`neuron_model`] from a parameter dictionary and
//! then reports unread keys with `params.finish(name, keys)`, the keys coming from
//! [`neuron_model_keys`].

pub mod glif_cond;
pub mod parrot_neuron;
pub mod rkf45;

pub use glif_cond::GlifCond;
pub use parrot_neuron::ParrotNeuron;

use spindle_core::model::NeuronModel;
use spindle_core::params::{ParamError, Params};

/// The names of all neuron models this crate provides.
pub const NEURON_MODELS: &[&str] = &[glif_cond::MODEL_NAME, parrot_neuron::MODEL_NAME];

/// Build the model `name` from `params` (NEST defaults for absent keys, NEST's validation).
/// `None` if no model has that name. Keys the model does not know are left in `params`.
pub fn neuron_model(
    name: &str,
    params: &mut Params,
) -> Option<Result<Box<dyn NeuronModel>, ParamError>> {
    match name {
        glif_cond::MODEL_NAME => {
            Some(GlifCond::from_params(params).map(|m| Box::new(m) as Box<dyn NeuronModel>))
        }
        parrot_neuron::MODEL_NAME => {
            Some(ParrotNeuron::from_params(params).map(|m| Box::new(m) as Box<dyn NeuronModel>))
        }
        _ => None,
    }
}

/// The keys model `name` accepts, for `Params::finish`; `None` if no model has that name.
pub fn neuron_model_keys(name: &str) -> Option<&'static [&'static str]> {
    match name {
        glif_cond::MODEL_NAME => Some(glif_cond::KEYS),
        parrot_neuron::MODEL_NAME => Some(parrot_neuron::KEYS),
        _ => None,
    }
}
