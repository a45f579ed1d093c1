//! Synapse models with state of spindle, each reproducing its NEST 3.10 namesake on
//! deterministic scenarios (final weights, spikes on the same steps).
//!
//! * [`stdp_synapse`] — pair STDP, multiplicative weight dependence, parameters per
//!   connection.
//! * [`stdp_synapse_hom`] — the same rule with parameters shared by the model.
//! * [`stdp_pl_synapse_hom`] — pair STDP with power-law facilitation, shared parameters
//!   (NEST's `hpc_benchmark` rule).
//! * [`tsodyks2_synapse`] — short-term depression and facilitation.
//! * the models of [`registered::REGISTERED`], one line each there: [`stdp_triplet_synapse`],
//!   [`stdp_nn_symm_synapse`], [`stdp_nn_restr_synapse`], [`stdp_nn_pre_centered_synapse`],
//!   [`vogels_sprekeler_synapse`], [`tsodyks_synapse`], [`tsodyks_synapse_hom`],
//!   [`static_synapse_hom_w`], the random [`bernoulli_synapse`] and [`quantal_stp_synapse`],
//!   [`stdp_dopamine_synapse`] (with its `volume_transmitter`); and NEST's `_hpc` names of
//!   every model
//!   ([`registered::HPC_VARIANTS`]).
//!
//! `static_synapse` is the kernel's compact store; only with a `weight_recorder` is it a
//! model of this crate ([`static_synapse`](mod@static_synapse)). Every model takes
//! `weight_recorder` (NEST's common property, a `weight_recorder` node) with `SetDefaults` or
//! `CopyModel`. A front end keeps a
//! [`SynapseCatalog`]: NEST's models and the copies made with `CopyModel`, each with its
//! defaults (`SetDefaults`), and turns a `syn_spec` into a
//! [`SynapseSpec`](spindle_core::synapse::SynapseSpec) with [`SynapseCatalog::configure`].

pub mod bernoulli_synapse;
pub mod quantal_stp_synapse;
pub mod registered;
mod static_synapse;
pub mod static_synapse_hom_w;
mod stdp;
pub mod stdp_dopamine_synapse;
pub mod stdp_nn_pre_centered_synapse;
pub mod stdp_nn_restr_synapse;
pub mod stdp_nn_symm_synapse;
pub mod stdp_pl_synapse_hom;
pub mod stdp_synapse;
pub mod stdp_synapse_hom;
pub mod stdp_triplet_synapse;
pub mod tsodyks2_synapse;
pub mod tsodyks_synapse;
pub mod tsodyks_synapse_hom;
pub mod vogels_sprekeler_synapse;

use registered::{registered, HPC_VARIANTS, REGISTERED};
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::synapse::{Configured, PlasticModel, SynapseSpec};
use spindle_core::NodeId;
use static_synapse::StaticSynapse;
use std::collections::BTreeMap;
use std::sync::Arc;
use stdp_pl_synapse_hom::{StdpPlParams, StdpPlSynapseHom};
use stdp_synapse::{StdpParams, StdpSynapse};
use stdp_synapse_hom::StdpSynapseHom;
use tsodyks2_synapse::Tsodyks2Synapse;

/// Every synapse model spindle implements, by NEST name.
pub const SYNAPSE_MODELS: &[&str] = &[
    "static_synapse",
    "stdp_pl_synapse_hom",
    "stdp_synapse",
    "stdp_synapse_hom",
    "tsodyks2_synapse",
];

/// The keys every synapse model takes in a `syn_spec`.
pub const GENERIC_KEYS: &[&str] = &["weight", "delay", "receptor_type", "synapse_model"];

/// (per-connection keys, keys only `SetDefaults`/`CopyModel` may set) of a model.
pub fn model_keys(base: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    Some(match base {
        "static_synapse" => (&[], &[]),
        "stdp_synapse" => (stdp_synapse::KEYS, &[]),
        "stdp_synapse_hom" => (stdp_synapse_hom::KEYS, stdp_synapse_hom::COMMON_KEYS),
        "stdp_pl_synapse_hom" => (stdp_pl_synapse_hom::KEYS, stdp_pl_synapse_hom::COMMON_KEYS),
        "tsodyks2_synapse" => (tsodyks2_synapse::KEYS, &[]),
        _ => return registered(base).map(|r| (r.keys, r.common)),
    })
}

/// A synapse model as a front end knows it: its NEST base model and its defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct SynapseEntry {
    pub base: &'static str,
    /// The model's own keys with their default values (generic keys excluded).
    pub defaults: Params,
    /// Defaults of the generic keys changed by `SetDefaults`/`CopyModel` (`weight`,
    /// `delay`, `receptor_type`, and `weight_recorder` as a node id).
    pub generic: Params,
}

/// NEST's synapse models and their copies, by name.
#[derive(Clone, Debug)]
pub struct SynapseCatalog {
    models: BTreeMap<String, SynapseEntry>,
}

impl Default for SynapseCatalog {
    fn default() -> SynapseCatalog {
        let bases = SYNAPSE_MODELS
            .iter()
            .chain(REGISTERED.iter().map(|r| &r.name));
        let hpc = HPC_VARIANTS.iter().map(|&(variant, base)| (variant, base));
        let models = bases
            .map(|&m| (m, m))
            .chain(hpc)
            .map(|(name, m)| {
                let mut generic = Params::new();
                if let Some(r) = registered(m).filter(|r| r.default_weight != 1.0) {
                    generic.insert("weight", Value::Float(r.default_weight));
                }
                let entry = SynapseEntry {
                    base: m,
                    defaults: base_defaults(m),
                    generic,
                };
                (name.to_string(), entry)
            })
            .collect();
        SynapseCatalog { models }
    }
}

/// NEST's defaults of a model's own keys.
fn base_defaults(base: &str) -> Params {
    let mut d = Params::new();
    match base {
        "stdp_synapse" | "stdp_synapse_hom" => StdpParams::default().get(&mut d),
        "stdp_pl_synapse_hom" => StdpPlParams::default().get(&mut d),
        "tsodyks2_synapse" => {
            Tsodyks2Synapse::defaults(&mut d);
            return d;
        }
        _ => {
            if let Some(r) = registered(base) {
                (r.defaults)(&mut d);
            }
            return d;
        }
    }
    d.insert("Kplus", Value::Float(0.0));
    d
}

/// NEST's `UnknownSynapseType`, with NEST's message.
pub fn unknown_synapse(name: &str) -> ParamError {
    ParamError::Rule {
        kind: "UnknownSynapseType",
        message: format!("Synapse with name {name} does not exist."),
        given: vec![("synapse_model".into(), format!("{name:?}"))],
        valid: None,
    }
}

/// NEST's `NotImplemented` for a key of a `syn_spec` that only `SetDefaults`/`CopyModel`
/// may set.
fn common_only(key: &str, syn: &Params) -> ParamError {
    ParamError::Rule {
        kind: "NotImplemented",
        message: format!(
            "Synapse parameter \"{key}\" can only be set via SetDefaults() or CopyModel()."
        ),
        given: vec![(
            key.to_string(),
            syn.get(key).map(|v| v.to_string()).unwrap_or_default(),
        )],
        valid: None,
    }
}

impl SynapseCatalog {
    pub fn names(&self) -> Vec<&str> {
        self.models.keys().map(String::as_str).collect()
    }

    pub fn get(&self, name: &str) -> Option<&SynapseEntry> {
        self.models.get(name)
    }

    /// NEST's refusal of a `weight` in the `syn_spec` of a model whose weight is common
    /// (`static_synapse_hom_w`, `tsodyks_synapse_hom`): call before the model's defaults
    /// are filled in.
    pub fn refuse_common_weight(&self, name: &str, syn: &Params) -> Result<(), ParamError> {
        let common = self
            .models
            .get(name)
            .and_then(|e| registered(e.base))
            .is_some_and(|r| r.homogeneous_weight);
        if common && syn.contains("weight") {
            return Err(common_only("weight", syn));
        }
        Ok(())
    }

    /// NEST's `CopyModel(old, new, params)`.
    pub fn copy_model(&mut self, old: &str, new: &str, params: &Params) -> Result<(), ParamError> {
        if self.models.contains_key(new) {
            return Err(ParamError::Rule {
                kind: "NewModelNameExists",
                message: format!("/{new} is the name of an existing model."),
                given: vec![("new".into(), new.into())],
                valid: None,
            });
        }
        let entry = self
            .models
            .get(old)
            .ok_or_else(|| unknown_synapse(old))?
            .clone();
        self.models.insert(new.to_string(), entry);
        if let Err(e) = self.set_defaults(new, params) {
            self.models.remove(new);
            return Err(e);
        }
        Ok(())
    }

    /// NEST's `SetDefaults(model, params)`: the model's own keys (checked as the model checks
    /// them) and the generic ones; an unknown key is refused.
    pub fn set_defaults(&mut self, name: &str, params: &Params) -> Result<(), ParamError> {
        let entry = self.models.get(name).ok_or_else(|| unknown_synapse(name))?;
        let mut d = params.clone();
        let mut generic = entry.generic.clone();
        for key in ["weight", "delay", "receptor_type"] {
            if let Some(v) = d.take(key) {
                generic.insert(key, v);
            }
        }
        if let Some(v) = d.take("weight_recorder") {
            match weight_recorder_id(&v)? {
                Some(id) => generic.insert("weight_recorder", Value::Int(i64::from(id.0))),
                None => {
                    generic.take("weight_recorder");
                }
            }
        }
        let mut defaults = entry.defaults.clone();
        for key in d.keys().map(str::to_string).collect::<Vec<_>>() {
            if defaults.contains(&key) {
                defaults.insert(key.clone(), d.take(&key).expect("present"));
            }
        }
        let (own, common) = model_keys(entry.base).expect("a known base");
        let keys: Vec<&'static str> = own.iter().chain(common).copied().collect();
        d.finish(name, &keys)?;
        // Check the new defaults as a connection with the default weight would be.
        let weight = match generic.get("weight") {
            Some(Value::Float(w)) => *w,
            Some(Value::Int(w)) => *w as f64,
            _ => 1.0,
        };
        let mut given = Params::new();
        for key in own {
            if let Some(v) = params.get(key) {
                given.insert(*key, v.clone());
            }
        }
        if own.iter().chain(common).any(|k| params.contains(k)) {
            configure(entry.base, name, &defaults, given, weight, true)?;
        }
        let entry = self.models.get_mut(name).expect("checked");
        entry.defaults = defaults;
        entry.generic = generic;
        Ok(())
    }

    /// NEST's `GetDefaults` of a synapse model's own keys and changed generic keys.
    pub fn defaults(&self, name: &str) -> Option<Params> {
        let e = self.models.get(name)?;
        let mut d = e.defaults.clone();
        for (k, v) in e.generic.clone().into_map() {
            d.insert(k, v);
        }
        Some(d)
    }

    /// The model of a `syn_spec` naming `name`: `None` for `static_synapse` and its copies.
    /// Takes the model's own keys from `syn` (the caller reads the generic ones and reports
    /// what is left); a key of the model that only `SetDefaults`/`CopyModel` may set fails
    /// with NEST's `NotImplemented`. `weight` is the connection's weight, if constant, for
    /// NEST's checks.
    pub fn configure(
        &self,
        name: &str,
        syn: &mut Params,
        weight: Option<f64>,
    ) -> Result<Option<SynapseSpec>, ParamError> {
        let entry = self.models.get(name).ok_or_else(|| unknown_synapse(name))?;
        let recorder = match entry.generic.get("weight_recorder") {
            Some(Value::Int(id)) => Some(NodeId(*id as u32)),
            _ => None,
        };
        let (own, common) = model_keys(entry.base).expect("a known base");
        let common_key = common
            .iter()
            .chain(&["weight_recorder"])
            .find(|k| syn.contains(k));
        if entry.base == "static_synapse" && common_key.is_none() {
            return Ok(recorder.map(|r| {
                SynapseSpec::new(Configured {
                    name: name.to_string(),
                    model: std::sync::Arc::new(StaticSynapse),
                    params: (),
                    state: (),
                    check: false,
                    weight_recorder: Some(r),
                })
            }));
        }
        if let Some(key) = common_key {
            return Err(common_only(key, syn));
        }
        let mut given = Params::new();
        for key in own {
            if let Some(v) = syn.take(key) {
                given.insert(*key, v);
            }
        }
        let check = !given.is_empty();
        configure(
            entry.base,
            name,
            &entry.defaults,
            given,
            weight.unwrap_or(1.0),
            check,
        )
        .map(|spec| Some(with_recorder(spec, recorder)))
    }
}

/// The node id a `weight_recorder` value names (an id, or a list of one id, as PyNEST's
/// `NodeCollection` arrives); an empty list clears it. NEST's `TypeMismatch` otherwise. That
/// the node is a `weight_recorder` is checked where nodes are known (NEST's `BadProperty`).
fn weight_recorder_id(v: &Value) -> Result<Option<NodeId>, ParamError> {
    let bad = || ParamError::Rule {
        kind: "TypeMismatch",
        message:
            "Expected datatype: weight_recorder must be a NodeCollection of one weight_recorder."
                .into(),
        given: vec![("weight_recorder".into(), v.to_string())],
        valid: None,
    };
    match v {
        Value::Int(id) if *id > 0 => Ok(Some(NodeId(*id as u32))),
        Value::List(l) if l.is_empty() => Ok(None),
        Value::List(l) if l.len() == 1 => weight_recorder_id(&l[0]),
        _ => Err(bad()),
    }
}

/// `spec` with the model's weight recorder.
fn with_recorder(spec: SynapseSpec, recorder: Option<NodeId>) -> SynapseSpec {
    match recorder {
        None => spec,
        Some(r) => spec.0.with_weight_recorder(r),
    }
}

/// A configured model: `defaults` (every own key of the model, already checked), then
/// `given` through the model's `set_status` with NEST's checks against `weight` when `check`
/// (NEST runs a connection's `set_status` only when its `syn_spec` sets some of the model's
/// keys).
fn configure(
    base: &str,
    name: &str,
    defaults: &Params,
    given: Params,
    weight: f64,
    check: bool,
) -> Result<SynapseSpec, ParamError> {
    let mut d = defaults.clone();
    let kplus = d.f64("Kplus")?.unwrap_or(0.0);
    match base {
        "stdp_synapse" | "stdp_synapse_hom" => {
            let p = StdpParams::read(&mut d)?;
            if base == "stdp_synapse" {
                finish(StdpSynapse, name, p, kplus, given, weight, check)
            } else {
                finish(StdpSynapseHom::new(), name, p, kplus, given, weight, check)
            }
        }
        "stdp_pl_synapse_hom" => {
            let mut p = StdpPlParams::default();
            p.set(&mut d)?;
            finish(
                StdpPlSynapseHom::new(),
                name,
                p,
                kplus,
                given,
                weight,
                check,
            )
        }
        "tsodyks2_synapse" => {
            let (p, s) = Tsodyks2Synapse::read(&mut d)?;
            finish(Tsodyks2Synapse, name, p, s, given, weight, check)
        }
        _ => match registered(base) {
            Some(r) => (r.configure)(name, defaults, given, weight, check),
            None => Err(unknown_synapse(base)),
        },
    }
}

pub(crate) fn finish<M: PlasticModel>(
    model: M,
    name: &str,
    mut params: M::Params,
    mut state: M::State,
    mut given: Params,
    weight: f64,
    check: bool,
) -> Result<SynapseSpec, ParamError> {
    if check {
        model.set_status(&mut params, &mut state, weight, &mut given)?;
    }
    Ok(SynapseSpec::new(Configured {
        name: name.to_string(),
        model: Arc::new(model),
        params,
        state,
        check,
        weight_recorder: None,
    }))
}
