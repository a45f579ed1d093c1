//! Neuron models of spindle, each reproducing its NEST 3.10 namesake bit for bit on
//! deterministic scenarios (spec `nest-semantics.md`).
//!
//! * [`glif_cond`] — the conductance-based GLIF neuron, all five levels, any number of ports,
//!   integrated with GSL 1.15's RKF45 ([`rkf45`]).
//! * [`glif_psc`] — the current-based GLIF neuron (alpha currents, exact propagators); it shares
//!   its threshold and after-spike-current machinery with `glif_cond`.
//! * [`iaf_psc_alpha`], [`iaf_psc_exp`] — leaky integrate-and-fire neurons with alpha or
//!   exponential current synapses, exact propagators with NEST's own `expm1`.
//! * [`iaf_cond_exp`], [`iaf_cond_alpha`], [`iaf_cond_beta`], [`iaf_cond_exp_sfa_rr`] — leaky
//!   integrate-and-fire neurons with exponential, alpha or beta conductances (the last with
//!   spike-frequency adaptation and relative refractoriness), integrated with RKF45; their
//!   shared step is [`iaf_cond`].
//! * [`iaf_chxk_2008`] — conductance-based neuron with an after-hyperpolarisation instead of a
//!   reset, spiking on threshold crossings placed inside the step (RKF45).
//! * [`aeif_cond_alpha`], [`aeif_cond_exp`], [`aeif_psc_alpha`], [`aeif_psc_exp`],
//!   [`aeif_psc_delta`] — adaptive exponential integrate-and-fire neurons (RKF45, NEST's
//!   in-loop spike handling and bounds checks; shared machinery in [`aeif`]).
//! * [`aeif_cond_alpha_multisynapse`], [`aeif_cond_beta_multisynapse`] — AdEx neurons with any
//!   number of conductance ports (alpha or beta shaped), on the `aeif` step (shared code in
//!   `aeif_multisynapse.rs`).
//! * [`glif_psc_double_alpha`] — `glif_psc` with a fast and a slow alpha current per port.
//! * [`hh_cond_beta_gap_traub`] — Traub's HH neuron with beta conductances, without gap
//!   junctions.
//! * [`ignore_and_fire`] — fires at a fixed rate whatever its input.
//! * [`iaf_psc_exp_multisynapse`], [`iaf_psc_alpha_multisynapse`] — `iaf_psc_exp`/`_alpha` with any number
//!   of receptor ports, each with its own `tau_syn` (shared code in `multisynapse.rs`).
//! * [`iaf_psc_delta`] — leaky integrate-and-fire neuron whose input spikes make the membrane
//!   potential jump, optionally buffering input that arrives while refractory.
//! * [`iaf_psc_exp_htum`] — `iaf_psc_exp` with separate absolute and total refractory periods.
//! * [`iaf_tum_2000`] — `iaf_psc_exp` with Tsodyks short-term plasticity computed in the sender,
//!   whose spikes carry the released fraction for the target to scale their weight.
//! * [`hh_psc_alpha`], [`hh_cond_exp_traub`] — Hodgkin–Huxley neurons (RKF45), one chunk and
//!   update loop for both in `hh.rs`, each model giving its right-hand side.
//! * [`izhikevich`] — Izhikevich's neuron, both of NEST's integration schemes.
//! * [`mat2_psc_exp`], [`amat2_psc_exp`] — multi-timescale adaptive threshold neurons with exact
//!   propagators; their shared chunk, parameters and threshold state are in `mat.rs`.
//! * [`gif_psc_exp`], [`gif_cond_exp`], [`gif_psc_exp_multisynapse`],
//!   [`gif_cond_exp_multisynapse`] — generalized integrate-and-fire neurons with escape noise,
//!   spike-triggered currents and a moving threshold (shared chunk in `gif.rs`).
//! * [`pp_psc_delta`] — point-process neuron with a dead time and threshold adaptation.
//! * [`parrot_neuron`] — repeats incoming spikes.
//!
//! The stochastic models (the two above, `iaf_psc_exp` with `delta > 0`) draw from one random
//! stream per neuron, keyed by the kernel seed and node id (`streams.rs`).
//!
//! Every chunk answers NEST's `GetStatus` and `SetStatus` per neuron (`NeuronChunk::get_status`,
//! `set_status`): parameters are per neuron, kept as a small table of distinct parameter sets
//! with one index per neuron (`param_sets.rs`), and a model's `from_params` is its defaults
//! followed by the same `set` as `SetStatus`.
//!
//! A front end builds a model by name with [`neuron_model`] from a parameter dictionary and
//! then reports unread keys with `params.finish(name, keys)`, the keys coming from
//! [`neuron_model_keys`].

pub mod aeif;
pub mod aeif_cond_alpha;
pub mod aeif_cond_alpha_multisynapse;
pub mod aeif_cond_beta_multisynapse;
pub mod aeif_cond_exp;
pub mod aeif_multisynapse;
pub mod aeif_psc_alpha;
pub mod aeif_psc_delta;
pub mod aeif_psc_exp;
pub mod amat2_psc_exp;
mod gif;
pub mod gif_cond_exp;
pub mod gif_cond_exp_multisynapse;
pub mod gif_psc_exp;
pub mod gif_psc_exp_multisynapse;
mod glif;
pub mod glif_cond;
pub mod glif_psc;
pub mod glif_psc_double_alpha;
mod hh;
pub mod hh_cond_beta_gap_traub;
pub mod hh_cond_exp_traub;
pub mod hh_psc_alpha;
pub mod iaf_chxk_2008;
pub mod iaf_cond;
pub mod iaf_cond_alpha;
pub mod iaf_cond_beta;
pub mod iaf_cond_exp;
pub mod iaf_cond_exp_sfa_rr;
mod iaf_membrane;
mod iaf_propagator;
pub mod iaf_psc_alpha;
pub mod iaf_psc_alpha_multisynapse;
pub mod iaf_psc_delta;
pub mod iaf_psc_exp;
pub mod iaf_psc_exp_htum;
pub mod iaf_psc_exp_multisynapse;
pub mod iaf_tum_2000;
pub mod ignore_and_fire;
pub mod izhikevich;
mod mat;
pub mod mat2_psc_exp;
mod multisynapse;
mod param_sets;
pub mod parrot_neuron;
pub mod pp_psc_delta;
pub mod rkf45;
mod streams;
mod voltages;

pub use aeif_cond_alpha::AeifCondAlpha;
pub use aeif_cond_alpha_multisynapse::AeifCondAlphaMultisynapse;
pub use aeif_cond_beta_multisynapse::AeifCondBetaMultisynapse;
pub use aeif_cond_exp::AeifCondExp;
pub use aeif_psc_alpha::AeifPscAlpha;
pub use aeif_psc_delta::AeifPscDelta;
pub use aeif_psc_exp::AeifPscExp;
pub use amat2_psc_exp::Amat2PscExp;
pub use gif_cond_exp::GifCondExp;
pub use gif_cond_exp_multisynapse::GifCondExpMultisynapse;
pub use gif_psc_exp::GifPscExp;
pub use gif_psc_exp_multisynapse::GifPscExpMultisynapse;
pub use glif_cond::GlifCond;
pub use glif_psc::GlifPsc;
pub use glif_psc_double_alpha::GlifPscDoubleAlpha;
pub use hh_cond_beta_gap_traub::HhCondBetaGapTraub;
pub use hh_cond_exp_traub::HhCondExpTraub;
pub use hh_psc_alpha::HhPscAlpha;
pub use iaf_chxk_2008::IafChxk2008;
pub use iaf_cond_alpha::IafCondAlpha;
pub use iaf_cond_beta::IafCondBeta;
pub use iaf_cond_exp::IafCondExp;
pub use iaf_cond_exp_sfa_rr::IafCondExpSfaRr;
pub use iaf_psc_alpha::IafPscAlpha;
pub use iaf_psc_alpha_multisynapse::IafPscAlphaMultisynapse;
pub use iaf_psc_delta::IafPscDelta;
pub use iaf_psc_exp::IafPscExp;
pub use iaf_psc_exp_htum::IafPscExpHtum;
pub use iaf_psc_exp_multisynapse::IafPscExpMultisynapse;
pub use iaf_tum_2000::IafTum2000;
pub use ignore_and_fire::IgnoreAndFire;
pub use izhikevich::Izhikevich;
pub use mat2_psc_exp::Mat2PscExp;
pub use parrot_neuron::ParrotNeuron;
pub use pp_psc_delta::PpPscDelta;

use spindle_core::error::Rejection;
use spindle_core::model::NeuronModel;
use spindle_core::params::{ParamError, Params};

/// The names of all neuron models this crate provides.
pub const NEURON_MODELS: &[&str] = &[
    aeif_cond_alpha::MODEL_NAME,
    aeif_cond_alpha_multisynapse::MODEL_NAME,
    aeif_cond_beta_multisynapse::MODEL_NAME,
    aeif_cond_exp::MODEL_NAME,
    aeif_psc_alpha::MODEL_NAME,
    aeif_psc_delta::MODEL_NAME,
    aeif_psc_exp::MODEL_NAME,
    amat2_psc_exp::MODEL_NAME,
    gif_cond_exp::MODEL_NAME,
    gif_cond_exp_multisynapse::MODEL_NAME,
    gif_psc_exp::MODEL_NAME,
    gif_psc_exp_multisynapse::MODEL_NAME,
    glif_cond::MODEL_NAME,
    glif_psc::MODEL_NAME,
    glif_psc_double_alpha::MODEL_NAME,
    hh_cond_beta_gap_traub::MODEL_NAME,
    hh_cond_exp_traub::MODEL_NAME,
    hh_psc_alpha::MODEL_NAME,
    iaf_chxk_2008::MODEL_NAME,
    iaf_cond_alpha::MODEL_NAME,
    iaf_cond_beta::MODEL_NAME,
    iaf_cond_exp::MODEL_NAME,
    iaf_cond_exp_sfa_rr::MODEL_NAME,
    iaf_psc_alpha::MODEL_NAME,
    iaf_psc_alpha_multisynapse::MODEL_NAME,
    iaf_psc_delta::MODEL_NAME,
    iaf_psc_exp::MODEL_NAME,
    iaf_psc_exp_htum::MODEL_NAME,
    iaf_psc_exp_multisynapse::MODEL_NAME,
    iaf_tum_2000::MODEL_NAME,
    ignore_and_fire::MODEL_NAME,
    izhikevich::MODEL_NAME,
    mat2_psc_exp::MODEL_NAME,
    parrot_neuron::MODEL_NAME,
    pp_psc_delta::MODEL_NAME,
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
        aeif_cond_alpha::MODEL_NAME => boxed(AeifCondAlpha::from_params(params)),
        aeif_cond_alpha_multisynapse::MODEL_NAME => {
            boxed(AeifCondAlphaMultisynapse::from_params(params))
        }
        aeif_cond_beta_multisynapse::MODEL_NAME => {
            boxed(AeifCondBetaMultisynapse::from_params(params))
        }
        aeif_cond_exp::MODEL_NAME => boxed(AeifCondExp::from_params(params)),
        aeif_psc_alpha::MODEL_NAME => boxed(AeifPscAlpha::from_params(params)),
        aeif_psc_delta::MODEL_NAME => boxed(AeifPscDelta::from_params(params)),
        aeif_psc_exp::MODEL_NAME => boxed(AeifPscExp::from_params(params)),
        amat2_psc_exp::MODEL_NAME => boxed(Amat2PscExp::from_params(params)),
        gif_cond_exp::MODEL_NAME => boxed(GifCondExp::from_params(params)),
        gif_cond_exp_multisynapse::MODEL_NAME => boxed(GifCondExpMultisynapse::from_params(params)),
        gif_psc_exp::MODEL_NAME => boxed(GifPscExp::from_params(params)),
        gif_psc_exp_multisynapse::MODEL_NAME => boxed(GifPscExpMultisynapse::from_params(params)),
        glif_cond::MODEL_NAME => boxed(GlifCond::from_params(params)),
        glif_psc::MODEL_NAME => boxed(GlifPsc::from_params(params)),
        glif_psc_double_alpha::MODEL_NAME => boxed(GlifPscDoubleAlpha::from_params(params)),
        hh_cond_beta_gap_traub::MODEL_NAME => boxed(HhCondBetaGapTraub::from_params(params)),
        hh_cond_exp_traub::MODEL_NAME => boxed(HhCondExpTraub::from_params(params)),
        hh_psc_alpha::MODEL_NAME => boxed(HhPscAlpha::from_params(params)),
        iaf_chxk_2008::MODEL_NAME => boxed(IafChxk2008::from_params(params)),
        iaf_cond_alpha::MODEL_NAME => boxed(IafCondAlpha::from_params(params)),
        iaf_cond_beta::MODEL_NAME => boxed(IafCondBeta::from_params(params)),
        iaf_cond_exp::MODEL_NAME => boxed(IafCondExp::from_params(params)),
        iaf_cond_exp_sfa_rr::MODEL_NAME => boxed(IafCondExpSfaRr::from_params(params)),
        iaf_psc_alpha::MODEL_NAME => boxed(IafPscAlpha::from_params(params)),
        iaf_psc_alpha_multisynapse::MODEL_NAME => {
            boxed(IafPscAlphaMultisynapse::from_params(params))
        }
        iaf_psc_delta::MODEL_NAME => boxed(IafPscDelta::from_params(params)),
        iaf_psc_exp::MODEL_NAME => boxed(IafPscExp::from_params(params)),
        iaf_psc_exp_htum::MODEL_NAME => boxed(IafPscExpHtum::from_params(params)),
        iaf_psc_exp_multisynapse::MODEL_NAME => boxed(IafPscExpMultisynapse::from_params(params)),
        iaf_tum_2000::MODEL_NAME => boxed(IafTum2000::from_params(params)),
        ignore_and_fire::MODEL_NAME => boxed(IgnoreAndFire::from_params(params)),
        izhikevich::MODEL_NAME => boxed(Izhikevich::from_params(params)),
        mat2_psc_exp::MODEL_NAME => boxed(Mat2PscExp::from_params(params)),
        parrot_neuron::MODEL_NAME => boxed(ParrotNeuron::from_params(params)),
        pp_psc_delta::MODEL_NAME => boxed(PpPscDelta::from_params(params)),
        _ => None,
    }
}

/// The keys model `name` accepts, for `Params::finish`; `None` if no model has that name.
pub fn neuron_model_keys(name: &str) -> Option<&'static [&'static str]> {
    match name {
        aeif_cond_alpha::MODEL_NAME => Some(aeif_cond_alpha::KEYS),
        aeif_cond_alpha_multisynapse::MODEL_NAME => Some(aeif_cond_alpha_multisynapse::KEYS),
        aeif_cond_beta_multisynapse::MODEL_NAME => Some(aeif_cond_beta_multisynapse::KEYS),
        aeif_cond_exp::MODEL_NAME => Some(aeif_cond_exp::KEYS),
        aeif_psc_alpha::MODEL_NAME => Some(aeif_psc_alpha::KEYS),
        aeif_psc_delta::MODEL_NAME => Some(aeif_psc_delta::KEYS),
        aeif_psc_exp::MODEL_NAME => Some(aeif_psc_exp::KEYS),
        amat2_psc_exp::MODEL_NAME => Some(amat2_psc_exp::KEYS),
        gif_cond_exp::MODEL_NAME => Some(gif_cond_exp::KEYS),
        gif_cond_exp_multisynapse::MODEL_NAME => Some(gif_cond_exp_multisynapse::KEYS),
        gif_psc_exp::MODEL_NAME => Some(gif_psc_exp::KEYS),
        gif_psc_exp_multisynapse::MODEL_NAME => Some(gif_psc_exp_multisynapse::KEYS),
        glif_cond::MODEL_NAME => Some(glif_cond::KEYS),
        glif_psc::MODEL_NAME => Some(glif_psc::KEYS),
        glif_psc_double_alpha::MODEL_NAME => Some(glif_psc_double_alpha::KEYS),
        hh_cond_beta_gap_traub::MODEL_NAME => Some(hh_cond_beta_gap_traub::KEYS),
        hh_cond_exp_traub::MODEL_NAME => Some(hh_cond_exp_traub::KEYS),
        hh_psc_alpha::MODEL_NAME => Some(hh_psc_alpha::KEYS),
        iaf_chxk_2008::MODEL_NAME => Some(iaf_chxk_2008::KEYS),
        iaf_cond_alpha::MODEL_NAME => Some(iaf_cond_alpha::KEYS),
        iaf_cond_beta::MODEL_NAME => Some(iaf_cond_beta::KEYS),
        iaf_cond_exp::MODEL_NAME => Some(iaf_cond_exp::KEYS),
        iaf_cond_exp_sfa_rr::MODEL_NAME => Some(iaf_cond_exp_sfa_rr::KEYS),
        iaf_psc_alpha::MODEL_NAME => Some(iaf_psc_alpha::KEYS),
        iaf_psc_alpha_multisynapse::MODEL_NAME => Some(iaf_psc_alpha_multisynapse::KEYS),
        iaf_psc_delta::MODEL_NAME => Some(iaf_psc_delta::KEYS),
        iaf_psc_exp::MODEL_NAME => Some(iaf_psc_exp::KEYS),
        iaf_psc_exp_htum::MODEL_NAME => Some(iaf_psc_exp_htum::KEYS),
        iaf_psc_exp_multisynapse::MODEL_NAME => Some(iaf_psc_exp_multisynapse::KEYS),
        iaf_tum_2000::MODEL_NAME => Some(iaf_tum_2000::KEYS),
        ignore_and_fire::MODEL_NAME => Some(ignore_and_fire::KEYS),
        izhikevich::MODEL_NAME => Some(izhikevich::KEYS),
        mat2_psc_exp::MODEL_NAME => Some(mat2_psc_exp::KEYS),
        parrot_neuron::MODEL_NAME => Some(parrot_neuron::KEYS),
        pp_psc_delta::MODEL_NAME => Some(pp_psc_delta::KEYS),
        _ => None,
    }
}

/// The input channel `channel` of a model that takes this kind of event on receptor 0 only
/// (NEST's `UnknownReceptorType` for any other).
pub(crate) fn receptor_zero(
    receptor: i64,
    model: &str,
    channel: u16,
    weight: f64,
) -> Result<spindle_core::model::InputChannel, Rejection> {
    if receptor != 0 {
        return Err(unknown_receptor(receptor, model));
    }
    Ok(spindle_core::model::InputChannel { channel, weight })
}

/// NEST's rejection of a receptor a model does not have (`UnknownReceptorType`).
pub(crate) fn unknown_receptor(receptor: i64, model: &str) -> Rejection {
    Rejection::new(
        "UnknownReceptorType",
        format!("Receptor type {receptor} is not available in {model}."),
    )
}
