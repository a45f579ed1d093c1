//! The model registry: NEST model names → spindle's neuron models, stimulating devices and
//! recorders.

use spindle_core::archive::{Archive, ARCHIVE_SETTABLE};
use spindle_core::detector::SpikeDetector;
use spindle_core::device::StimulusDevice;
use spindle_core::model::NeuronModel;
use spindle_core::params::{closest, ParamError, Params};
use spindle_core::recording::{MultimeterSpec, SpikeRecorderSpec, WeightRecorderSpec};
use spindle_core::volume::{VolumeTransmitterSpec, VOLUME_TRANSMITTER_KEYS};
use spindle_core::TimeGrid;

/// A node model, created from its parameters.
#[derive(Debug)]
pub enum NodeModel {
    /// A neuron model and the spike archive its neurons start with.
    Neuron(Box<dyn NeuronModel>, Archive),
    Stimulus(Box<dyn StimulusDevice>),
    SpikeRecorder(SpikeRecorderSpec),
    Multimeter(MultimeterSpec),
    WeightRecorder(WeightRecorderSpec),
    /// NEST's `volume_transmitter` (the kernel keeps its history, see `spindle_core::volume`).
    VolumeTransmitter(VolumeTransmitterSpec),
    /// A spike detector (`correlation_detector`, `correlomatrix_detector`).
    Detector(Box<dyn SpikeDetector>),
}

/// Every model name spindle knows.
pub fn model_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = spindle_models::NEURON_MODELS.to_vec();
    v.extend_from_slice(spindle_devices::NODE_MODELS);
    v.extend_from_slice(spindle_devices::STIMULUS_MODELS);
    v.extend_from_slice(spindle_devices::RECORDER_MODELS);
    v.push("volume_transmitter");
    v.extend_from_slice(spindle_devices::DETECTOR_MODELS);
    v
}

/// The multimeter-like recorders (NEST's `multimeter` and `voltmeter`): they sample
/// recordables, share keys and status, and write the same output.
pub fn sampler_models() -> &'static [&'static str] {
    spindle_devices::SAMPLER_MODELS
}

/// Whether `model` is a device (it must be created with n = 1).
pub fn is_device(model: &str) -> bool {
    spindle_devices::STIMULUS_MODELS.contains(&model)
        || spindle_devices::RECORDER_MODELS.contains(&model)
        || spindle_devices::DETECTOR_MODELS.contains(&model)
}

/// The accepted parameter keys of a model.
pub fn model_keys(model: &str) -> Option<&'static [&'static str]> {
    spindle_models::neuron_model_keys(model)
        .or_else(|| spindle_devices::node_model_keys(model))
        .or_else(|| spindle_devices::stimulus_keys(model))
        .or_else(|| spindle_devices::detector_keys(model))
        .or(match model {
            "spike_recorder" => Some(spindle_devices::SPIKE_RECORDER_KEYS),
            "weight_recorder" => Some(spindle_devices::WEIGHT_RECORDER_KEYS),
            "volume_transmitter" => Some(VOLUME_TRANSMITTER_KEYS),
            m if spindle_devices::is_sampler(m) => Some(spindle_devices::MULTIMETER_KEYS),
            _ => None,
        })
}

/// An unknown model name, with the closest known one.
#[derive(Debug)]
pub struct UnknownModel {
    pub name: String,
    pub suggestion: Option<&'static str>,
}

impl UnknownModel {
    /// The message without NEST's exception name (`UnknownModelName`).
    pub fn message(&self) -> String {
        let hint = match self.suggestion {
            Some(s) => format!(" (did you mean {s:?}?)"),
            None => format!(" (known models: {})", model_names().join(", ")),
        };
        format!("model {:?} does not exist{hint}", self.name)
    }
}

impl std::fmt::Display for UnknownModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UnknownModelName: {}", self.message())
    }
}

/// Create a model from its NEST name and parameters; every key must be used.
pub fn create(
    model: &str,
    mut params: Params,
    grid: &TimeGrid,
) -> Result<Result<NodeModel, ParamError>, UnknownModel> {
    let keys = model_keys(model).ok_or_else(|| UnknownModel {
        name: model.to_string(),
        suggestion: closest(model, &model_names()),
    })?;
    let neuron = spindle_models::neuron_model(model, &mut params)
        .or_else(|| spindle_devices::node_model(model, &mut params, grid));
    let made = if let Some(r) = neuron {
        // Every NEST neuron is an `ArchivingNode`: its keys are the kernel's.
        let mut archive = Archive::default();
        r.and_then(|m| {
            archive
                .set_status(&mut params)
                .map(|()| NodeModel::Neuron(m, archive))
        })
    } else if let Some(r) = spindle_devices::stimulus_device(model, &mut params, grid) {
        r.map(NodeModel::Stimulus)
    } else if let Some(r) = spindle_devices::detector(model, &mut params, grid) {
        r.map(NodeModel::Detector)
    } else if model == "spike_recorder" {
        spindle_devices::spike_recorder_spec(&mut params, grid).map(NodeModel::SpikeRecorder)
    } else if model == "weight_recorder" {
        spindle_devices::weight_recorder_spec(&mut params, grid).map(NodeModel::WeightRecorder)
    } else if model == "volume_transmitter" {
        let mut spec = VolumeTransmitterSpec::default();
        spec.set_status(&mut params)
            .map(|()| NodeModel::VolumeTransmitter(spec))
    } else if model == "voltmeter" {
        spindle_devices::voltmeter_spec(&mut params, grid).map(NodeModel::Multimeter)
    } else {
        spindle_devices::multimeter_spec(&mut params, grid).map(NodeModel::Multimeter)
    };
    let all: Vec<&'static str> = match made {
        Ok(NodeModel::Neuron(..)) => keys.iter().chain(ARCHIVE_SETTABLE).copied().collect(),
        _ => keys.to_vec(),
    };
    Ok(made.and_then(|m| params.finish(model, &all).map(|()| m)))
}
