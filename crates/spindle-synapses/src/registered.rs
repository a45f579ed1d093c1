//! The synapse models that register themselves in one table ([`REGISTERED`]), one line per
//! model: each implements [`CatalogModel`] (its NEST name, its keys, its defaults and how a
//! defaults dictionary becomes its parameters and initial state), and the catalog in `lib.rs`
//! asks this table for every model its own `match` arms do not name. NEST's `_hpc` variants
//! ([`HPC_VARIANTS`]) are the same models under another name (NEST stores their target as an
//! index instead of a pointer; the synapses behave identically).

use crate::{
    bernoulli_synapse, quantal_stp_synapse, static_synapse_hom_w, stdp_dopamine_synapse,
    stdp_nn_pre_centered_synapse, stdp_nn_restr_synapse, stdp_nn_symm_synapse,
    stdp_triplet_synapse, tsodyks_synapse, tsodyks_synapse_hom, vogels_sprekeler_synapse,
};
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{PlasticModel, SynapseSpec};

/// A synapse model as the catalog needs it.
pub trait CatalogModel: PlasticModel + Default {
    /// NEST's name.
    const NAME: &'static str;
    /// Keys a `syn_spec` may set (besides the generic ones).
    const KEYS: &'static [&'static str];
    /// Keys only `SetDefaults`/`CopyModel` may set (NEST's common properties).
    const COMMON_KEYS: &'static [&'static str] = &[];
    /// Whether the weight is common to the model (NEST's `CommonPropertiesHomW`): a
    /// `syn_spec` may not set it.
    const HOMOGENEOUS_WEIGHT: bool = false;
    /// NEST's default weight.
    const DEFAULT_WEIGHT: f64 = 1.0;

    /// NEST's defaults of the model's own keys (`GetDefaults` without the generic ones).
    fn defaults(d: &mut Params);

    /// The parameters and initial state of a defaults dictionary (every own key present,
    /// checked when it was set; common parameters are checked here, as NEST's
    /// `CommonSynapseProperties::set_status` does).
    fn read(d: &mut Params) -> Result<(Self::Params, Self::State), ParamError>;
}

/// One model of the table.
pub struct Registration {
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub common: &'static [&'static str],
    pub homogeneous_weight: bool,
    pub default_weight: f64,
    pub defaults: fn(&mut Params),
    /// (name, defaults, given own keys, weight, check): see `lib.rs`' `configure`.
    pub configure: fn(&str, &Params, Params, f64, bool) -> Result<SynapseSpec, ParamError>,
}

const fn register<M: CatalogModel>() -> Registration {
    Registration {
        name: M::NAME,
        keys: M::KEYS,
        common: M::COMMON_KEYS,
        homogeneous_weight: M::HOMOGENEOUS_WEIGHT,
        default_weight: M::DEFAULT_WEIGHT,
        defaults: M::defaults,
        configure: configure::<M>,
    }
}

/// The registered models, one line each.
pub const REGISTERED: &[Registration] = &[
    register::<stdp_triplet_synapse::StdpTripletSynapse>(),
    register::<stdp_nn_symm_synapse::StdpNnSymmSynapse>(),
    register::<stdp_nn_restr_synapse::StdpNnRestrSynapse>(),
    register::<stdp_nn_pre_centered_synapse::StdpNnPreCenteredSynapse>(),
    register::<vogels_sprekeler_synapse::VogelsSprekelerSynapse>(),
    register::<tsodyks_synapse::TsodyksSynapse>(),
    register::<tsodyks_synapse_hom::TsodyksSynapseHom>(),
    register::<static_synapse_hom_w::StaticSynapseHomW>(),
    register::<bernoulli_synapse::BernoulliSynapse>(),
    register::<quantal_stp_synapse::QuantalStpSynapse>(),
    register::<stdp_dopamine_synapse::StdpDopamineSynapse>(),
];

/// NEST's `_hpc` variants of the models spindle implements: (variant, base model).
pub const HPC_VARIANTS: &[(&str, &str)] = &[
    ("static_synapse_hpc", "static_synapse"),
    ("static_synapse_hom_w_hpc", "static_synapse_hom_w"),
    ("stdp_synapse_hpc", "stdp_synapse"),
    ("stdp_synapse_hom_hpc", "stdp_synapse_hom"),
    ("stdp_pl_synapse_hom_hpc", "stdp_pl_synapse_hom"),
    ("stdp_triplet_synapse_hpc", "stdp_triplet_synapse"),
    ("stdp_nn_symm_synapse_hpc", "stdp_nn_symm_synapse"),
    ("stdp_nn_restr_synapse_hpc", "stdp_nn_restr_synapse"),
    (
        "stdp_nn_pre_centered_synapse_hpc",
        "stdp_nn_pre_centered_synapse",
    ),
    ("vogels_sprekeler_synapse_hpc", "vogels_sprekeler_synapse"),
    ("tsodyks_synapse_hpc", "tsodyks_synapse"),
    ("tsodyks_synapse_hom_hpc", "tsodyks_synapse_hom"),
    ("tsodyks2_synapse_hpc", "tsodyks2_synapse"),
    ("bernoulli_synapse_hpc", "bernoulli_synapse"),
    ("quantal_stp_synapse_hpc", "quantal_stp_synapse"),
    ("stdp_dopamine_synapse_hpc", "stdp_dopamine_synapse"),
];

/// The registered model of a NEST name.
pub fn registered(base: &str) -> Option<&'static Registration> {
    REGISTERED.iter().find(|r| r.name == base)
}

fn configure<M: CatalogModel>(
    name: &str,
    defaults: &Params,
    given: Params,
    weight: f64,
    check: bool,
) -> Result<SynapseSpec, ParamError> {
    let mut d = defaults.clone();
    let (params, state) = M::read(&mut d)?;
    crate::finish(M::default(), name, params, state, given, weight, check)
}
