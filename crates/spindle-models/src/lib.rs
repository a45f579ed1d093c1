//! Neuron models of spindle, each reproducing its NEST 3.10 namesake bit for bit on
//! deterministic scenarios (spec `nest-semantics.md`).
//!
//! * [`glif_cond`] — the conductance-based GLIF neuron, all five levels, any number of ports,
//!   integrated with GSL 1.15's RKF45 ([`rkf45`]).
//! * [`glif_psc`] — the current-based GLIF neuron (alpha currents, exact propagators); it shares
//!   its threshold and after-spike-current machinery with `glif_cond`.
//! * [`iaf_psc_alpha`], [`iaf_psc_exp`] — leaky integrate-and-fire neurons with alpha or
//!   exponential current synapses, exact propagators with NEST's own `expm1`.
//! * [`iaf_cond_exp`] — leaky integrate-and-fire neuron with exponential conductances (RKF45).
//! * [`hh_psc_alpha`], [`hh_cond_exp_traub`] — Hodgkin–Huxley neurons (RKF45), one chunk and
//!   update loop for both in `hh.rs`, each model giving its right-hand side.
//! * [`izhikevich`] — Izhikevich's neuron, both of NEST's integration schemes.
//! * [`mat2_psc_exp`], [`amat2_psc_exp`] — multi-timescale adaptive threshold neurons with exact
//!   propagators; their shared chunk, parameters and threshold state are in `mat.rs`.
//! * [`parrot_neuron`] — repeats incoming spikes.
//!
//! Every chunk answers NEST's `GetStatus` and `SetStatus` per neuron (`NeuronChunk::get_status`,
//! `set_status`): parameters are per neuron, kept as a small table of distinct parameter sets
//! with one index per neuron (`param_sets.rs`), and a model's `from_params` is its defaults
//! followed by the same `set` as `SetStatus`.
//!
//! A front end builds a model by name with [`neuron_model`] from a parameter dictionary and
//! then reports unread keys with `params.finish(name, keys)`, the keys coming from
//! [`neuron_model_keys`].

pub mod amat2_psc_exp;
mod glif;
pub mod glif_cond;
pub mod glif_psc;
mod hh;
pub mod hh_cond_exp_traub;
pub mod hh_psc_alpha;
pub mod iaf_cond_exp;
mod iaf_propagator;
pub mod iaf_psc_alpha;
pub mod iaf_psc_exp;
pub mod izhikevich;
mod mat;
pub mod mat2_psc_exp;
mod param_sets;
pub mod parrot_neuron;
pub mod rkf45;
mod voltages;

pub use amat2_psc_exp::Amat2PscExp;
pub use glif_cond::GlifCond;
pub use glif_psc::GlifPsc;
pub use hh_cond_exp_traub::HhCondExpTraub;
pub use hh_psc_alpha::HhPscAlpha;
pub use iaf_cond_exp::IafCondExp;
pub use iaf_psc_alpha::IafPscAlpha;
pub use iaf_psc_exp::IafPscExp;
pub use izhikevich::Izhikevich;
pub use mat2_psc_exp::Mat2PscExp;
pub use parrot_neuron::ParrotNeuron;

use spindle_core::error::Rejection;
use spindle_core::model::NeuronModel;
use spindle_core::params::{ParamError, Params};

/// The names of all neuron models this crate provides.
pub const NEURON_MODELS: &[&str] = &[
    amat2_psc_exp::MODEL_NAME,
    glif_cond::MODEL_NAME,
    glif_psc::MODEL_NAME,
    hh_cond_exp_traub::MODEL_NAME,
    hh_psc_alpha::MODEL_NAME,
    iaf_cond_exp::MODEL_NAME,
    iaf_psc_alpha::MODEL_NAME,
    iaf_psc_exp::MODEL_NAME,
    izhikevich::MODEL_NAME,
    mat2_psc_exp::MODEL_NAME,
    parrot_neuron::MODEL_NAME,
];

fn boxed<M: NeuronModel + 'static>(
    model: Result<M, ParamError>,
) -> Option<Result<Box<dyn NeuronModel>, ParamError>> {
    Some(model.map(|m| Box::new(m) as Box<dyn NeuronModel>))
}

/// Build the model `name` from `params` (NEST defaults for absent keys, NEST's validation).
/// `None` if no model has that name. Keys the model does not know are left in `params`.
pub fn neuron_model(
    name: &str,
    params: &mut Params,
) -> Option<Result<Box<dyn NeuronModel>, ParamError>> {
    match name {
        amat2_psc_exp::MODEL_NAME => boxed(Amat2PscExp::from_params(params)),
        glif_cond::MODEL_NAME => boxed(GlifCond::from_params(params)),
        glif_psc::MODEL_NAME => boxed(GlifPsc::from_params(params)),
        hh_cond_exp_traub::MODEL_NAME => boxed(HhCondExpTraub::from_params(params)),
        hh_psc_alpha::MODEL_NAME => boxed(HhPscAlpha::from_params(params)),
        iaf_cond_exp::MODEL_NAME => boxed(IafCondExp::from_params(params)),
        iaf_psc_alpha::MODEL_NAME => boxed(IafPscAlpha::from_params(params)),
        iaf_psc_exp::MODEL_NAME => boxed(IafPscExp::from_params(params)),
        izhikevich::MODEL_NAME => boxed(Izhikevich::from_params(params)),
        mat2_psc_exp::MODEL_NAME => boxed(Mat2PscExp::from_params(params)),
        parrot_neuron::MODEL_NAME => boxed(ParrotNeuron::from_params(params)),
        _ => None,
    }
}

/// The keys model `name` accepts, for `Params::finish`; `None` if no model has that name.
pub fn neuron_model_keys(name: &str) -> Option<&'static [&'static str]> {
    match name {
        amat2_psc_exp::MODEL_NAME => Some(amat2_psc_exp::KEYS),
        glif_cond::MODEL_NAME => Some(glif_cond::KEYS),
        glif_psc::MODEL_NAME => Some(glif_psc::KEYS),
        hh_cond_exp_traub::MODEL_NAME => Some(hh_cond_exp_traub::KEYS),
        hh_psc_alpha::MODEL_NAME => Some(hh_psc_alpha::KEYS),
        iaf_cond_exp::MODEL_NAME => Some(iaf_cond_exp::KEYS),
        iaf_psc_alpha::MODEL_NAME => Some(iaf_psc_alpha::KEYS),
        iaf_psc_exp::MODEL_NAME => Some(iaf_psc_exp::KEYS),
        izhikevich::MODEL_NAME => Some(izhikevich::KEYS),
        mat2_psc_exp::MODEL_NAME => Some(mat2_psc_exp::KEYS),
        parrot_neuron::MODEL_NAME => Some(parrot_neuron::KEYS),
        _ => None,
    }
}

/// NEST's rejection of a receptor a model does not have (`UnknownReceptorType`).
pub(crate) fn unknown_receptor(receptor: i64, model: &str) -> Rejection {
    Rejection::new(
        "UnknownReceptorType",
        format!("Receptor type {receptor} is not available in {model}."),
    )
}
