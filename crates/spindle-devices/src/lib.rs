//! Stimulating and recording devices of spindle, with NEST's names, parameters and activity
//! windows (spec §5).
//!
//! Stimulating devices implement [`spindle_core::device::StimulusDevice`], one file per device
//! for those after the first four (`generators.rs`), with the sine oscillator they share in
//! `sine.rs`; recording devices (`spike_recorder`, `multimeter`, `voltmeter`) are configured
//! here into the kernel's [`spindle_core::recording`] specs, since the kernel runs them.
//! `docs/devices.md` describes the newer devices.

pub mod ac_generator;
pub mod correlation;
pub mod correlation_detector;
pub mod correlomatrix_detector;
pub mod gamma_sup_generator;
pub mod generators;
pub mod inhomogeneous_poisson_generator;
pub mod mip_generator;
pub mod noise_generator;
pub mod ppd_sup_generator;
pub mod pulsepacket_generator;
pub mod recorders;
mod sine;
pub mod sinusoidal_gamma_generator;
pub mod sinusoidal_poisson_generator;
pub mod spike_train_injector;
pub mod weight_recorder;
mod window;

pub use ac_generator::AcGenerator;
pub use gamma_sup_generator::GammaSupGenerator;
pub use generators::{DcGenerator, PoissonGenerator, SpikeGenerator, StepCurrentGenerator};
pub use inhomogeneous_poisson_generator::InhomogeneousPoissonGenerator;
pub use mip_generator::MipGenerator;
pub use noise_generator::NoiseGenerator;
pub use ppd_sup_generator::PpdSupGenerator;
pub use pulsepacket_generator::PulsepacketGenerator;
pub use recorders::{
    is_sampler, multimeter_spec, multimeter_status, set_multimeter_status,
    set_spike_recorder_status, spike_recorder_spec, spike_recorder_status, voltmeter_spec,
    MULTIMETER_KEYS, SAMPLER_MODELS, SPIKE_RECORDER_KEYS,
};
pub use sinusoidal_gamma_generator::SinusoidalGammaGenerator;
pub use sinusoidal_poisson_generator::SinusoidalPoissonGenerator;
pub use spike_train_injector::SpikeTrainInjector;
pub use weight_recorder::{
    set_weight_recorder_status, weight_recorder_spec, weight_recorder_status, WEIGHT_RECORDER_KEYS,
};
pub use window::DeviceWindow;

use spindle_core::detector::SpikeDetector;
use spindle_core::device::StimulusDevice;
use spindle_core::params::{ParamError, Params};
use spindle_core::{Step, TimeGrid};

/// The stimulating device models by NEST name.
pub const STIMULUS_MODELS: &[&str] = &[
    "spike_generator",
    "step_current_generator",
    "dc_generator",
    "poisson_generator",
    "ac_generator",
    "noise_generator",
    "sinusoidal_poisson_generator",
    "pulsepacket_generator",
    "inhomogeneous_poisson_generator",
    "gamma_sup_generator",
    "ppd_sup_generator",
    "mip_generator",
    "sinusoidal_gamma_generator",
];

/// The node models that NEST implements as neurons and spindle keeps with the devices, whose
/// code they share (`spike_train_injector`: a neuron that sends a `spike_generator`'s spikes).
pub const NODE_MODELS: &[&str] = &[spike_train_injector::MODEL_NAME];

/// The accepted parameter keys of a model of [`NODE_MODELS`].
pub fn node_model_keys(model: &str) -> Option<&'static [&'static str]> {
    (model == spike_train_injector::MODEL_NAME).then_some(spike_train_injector::KEYS)
}

/// Create a neuron model of [`NODE_MODELS`] by NEST name; `None` if the name is not one.
pub fn node_model(
    model: &str,
    params: &mut Params,
    grid: &TimeGrid,
) -> Option<Result<Box<dyn spindle_core::model::NeuronModel>, ParamError>> {
    (model == spike_train_injector::MODEL_NAME).then(|| {
        SpikeTrainInjector::from_params(params, grid)
            .map(|m| Box::new(m) as Box<dyn spindle_core::model::NeuronModel>)
    })
}

/// The recording device models by NEST name.
pub const RECORDER_MODELS: &[&str] = &[
    "spike_recorder",
    "multimeter",
    "voltmeter",
    "weight_recorder",
];

/// The spike detectors (recording devices with a result of their own) by NEST name.
pub const DETECTOR_MODELS: &[&str] = &[
    correlation_detector::MODEL_NAME,
    correlomatrix_detector::MODEL_NAME,
];

/// The accepted parameter keys of a spike detector.
pub fn detector_keys(model: &str) -> Option<&'static [&'static str]> {
    Some(match model {
        correlation_detector::MODEL_NAME => correlation_detector::KEYS,
        correlomatrix_detector::MODEL_NAME => correlomatrix_detector::KEYS,
        _ => return None,
    })
}

/// Create a spike detector by NEST name (NEST's `Create` with parameters); `None` if the name
/// is not one.
pub fn detector(
    model: &str,
    params: &mut Params,
    grid: &TimeGrid,
) -> Option<Result<Box<dyn SpikeDetector>, ParamError>> {
    fn boxed<T: SpikeDetector + 'static>(
        r: Result<T, ParamError>,
    ) -> Result<Box<dyn SpikeDetector>, ParamError> {
        r.map(|d| Box::new(d) as Box<dyn SpikeDetector>)
    }
    Some(match model {
        correlation_detector::MODEL_NAME => boxed(
            correlation_detector::CorrelationDetector::from_params(params, grid),
        ),
        correlomatrix_detector::MODEL_NAME => boxed(
            correlomatrix_detector::CorrelomatrixDetector::from_params(params, grid),
        ),
        _ => return None,
    })
}

/// The accepted parameter keys of a stimulating device model.
pub fn stimulus_keys(model: &str) -> Option<&'static [&'static str]> {
    Some(match model {
        "spike_generator" => SpikeGenerator::KEYS,
        "step_current_generator" => StepCurrentGenerator::KEYS,
        "dc_generator" => DcGenerator::KEYS,
        "poisson_generator" => PoissonGenerator::KEYS,
        "ac_generator" => AcGenerator::KEYS,
        "noise_generator" => NoiseGenerator::KEYS,
        "sinusoidal_poisson_generator" => SinusoidalPoissonGenerator::KEYS,
        "pulsepacket_generator" => PulsepacketGenerator::KEYS,
        "inhomogeneous_poisson_generator" => InhomogeneousPoissonGenerator::KEYS,
        "gamma_sup_generator" => GammaSupGenerator::KEYS,
        "ppd_sup_generator" => PpdSupGenerator::KEYS,
        "mip_generator" => MipGenerator::KEYS,
        "sinusoidal_gamma_generator" => SinusoidalGammaGenerator::KEYS,
        _ => return None,
    })
}

/// Create a stimulating device by NEST name before the first `Simulate`; `None` if the name is
/// not one.
pub fn stimulus_device(
    model: &str,
    params: &mut Params,
    grid: &TimeGrid,
) -> Option<Result<Box<dyn StimulusDevice>, ParamError>> {
    create_stimulus_device(model, params, grid, 0)
}

/// Create a stimulating device by NEST name with the kernel at step `now` (NEST's `Create`
/// with parameters: the defaults, then `SetStatus` at the current time, which matters for a
/// `spike_generator` with `shift_now_spikes`); `None` if the name is not one.
pub fn create_stimulus_device(
    model: &str,
    params: &mut Params,
    grid: &TimeGrid,
    now: Step,
) -> Option<Result<Box<dyn StimulusDevice>, ParamError>> {
    fn boxed<T: StimulusDevice + 'static>(
        r: Result<T, ParamError>,
    ) -> Result<Box<dyn StimulusDevice>, ParamError> {
        r.map(|d| Box::new(d) as Box<dyn StimulusDevice>)
    }
    Some(match model {
        "spike_generator" => boxed(SpikeGenerator::created_at(params, grid, now)),
        "step_current_generator" => boxed(StepCurrentGenerator::from_params(params, grid)),
        "dc_generator" => boxed(DcGenerator::from_params(params, grid)),
        "poisson_generator" => boxed(PoissonGenerator::from_params(params, grid)),
        "ac_generator" => boxed(AcGenerator::from_params(params, grid)),
        "noise_generator" => boxed(NoiseGenerator::from_params(params, grid)),
        "sinusoidal_poisson_generator" => {
            boxed(SinusoidalPoissonGenerator::from_params(params, grid))
        }
        "pulsepacket_generator" => boxed(PulsepacketGenerator::from_params(params, grid)),
        "inhomogeneous_poisson_generator" => {
            boxed(InhomogeneousPoissonGenerator::from_params(params, grid))
        }
        "gamma_sup_generator" => boxed(GammaSupGenerator::from_params(params, grid)),
        "ppd_sup_generator" => boxed(PpdSupGenerator::from_params(params, grid)),
        "mip_generator" => boxed(MipGenerator::from_params(params, grid)),
        "sinusoidal_gamma_generator" => boxed(SinusoidalGammaGenerator::from_params(params, grid)),
        _ => return None,
    })
}
