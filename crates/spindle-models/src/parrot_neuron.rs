//! `parrot_neuron`: repeats every spike it receives (NEST 3.10's model of that name, spec §5.5).
//!
//! All spikes arriving on receptor 0 for step `k` are summed (their multiplicities added) and
//! re-emitted as one spike of that multiplicity with stamp `k + 1`: the output time is the input
//! time plus the incoming delay, and the outgoing connections add their own delays. Incoming
//! weights are ignored (each connection is stored with weight 1, so the input channel holds the
//! multiplicity count); outgoing weights apply normally. Receptor 1 is accepted and ignored: its
//! events land in a second channel that is never read. A parrot is typically used to share one
//! Poisson train among several targets.
//!
//! The model has no parameters, no recordables and no current input. NEST's only own key,
//! `flush_event_send_interval` (flush events, disabled by default, i.e. `inf`), is not
//! supported: `GetStatus` shows it disabled, `SetStatus` accepts `inf` (no change) and leaves
//! any other value in the dictionary, where the caller reports it as an unknown key.

use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};

/// NEST's model name.
pub const MODEL_NAME: &str = "parrot_neuron";

/// The keys [`ParrotNeuron::from_params`] reads: none.
pub const KEYS: &[&str] = &[];

/// Channel of receptor 0: spikes to repeat.
const REPEAT: u16 = 0;
/// Channel of receptor 1: spikes to ignore (never read).
const IGNORE: u16 = 1;

/// A `parrot_neuron` population.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParrotNeuron;

/// NEST's key of the flush events spindle does not have.
const FLUSH_INTERVAL: &str = "flush_event_send_interval";

impl ParrotNeuron {
    /// The parrot has no parameters: every key but a disabled `flush_event_send_interval` is
    /// left for the caller's `finish` to report (the same reading as `SetStatus`).
    pub fn from_params(dict: &mut Dict) -> Result<ParrotNeuron, ParamError> {
        take_disabled_flush_interval(dict);
        Ok(ParrotNeuron)
    }
}

/// Consume `flush_event_send_interval = inf` (flush events off, the only state spindle has).
fn take_disabled_flush_interval(dict: &mut Dict) {
    if dict.get(FLUSH_INTERVAL) == Some(&Value::Float(f64::INFINITY)) {
        dict.take(FLUSH_INTERVAL);
    }
}

impl NeuronModel for ParrotNeuron {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        2
    }

    fn spike_input(&self, receptor: i64, _weight: f64) -> Result<InputChannel, Rejection> {
        let channel = match receptor {
            0 => REPEAT,
            1 => IGNORE,
            _ => {
                return Err(Rejection::new(
                    "UnknownReceptorType",
                    format!("Receptor type {receptor} is not available in {MODEL_NAME}."),
                ))
            }
        };
        Ok(InputChannel {
            channel,
            weight: 1.0,
        })
    }

    fn current_input(&self, _receptor: i64, _weight: f64) -> Result<InputChannel, Rejection> {
        Err(Rejection::new(
            "IllegalConnection",
            "The target node or synapse model does not support current input.",
        ))
    }

    fn recordables(&self) -> Vec<Recordable> {
        Vec::new()
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(ParrotChunk { n })
    }
}

/// `n` parrots; they have no state beyond their input buffers.
#[derive(Clone, Copy, Debug)]
pub struct ParrotChunk {
    n: usize,
}

impl NeuronChunk for ParrotChunk {
    fn len(&self) -> usize {
        self.n
    }

    fn prepare(&mut self, _grid: &TimeGrid) {}

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        for (i, &count) in input[..self.n].iter().enumerate() {
            // NEST casts the summed multiplicity to an unsigned integer.
            let m = count as u32;
            if m > 0 {
                emitted.push((i as u32, m));
            }
        }
    }

    fn recordable(&self, index: usize, _neuron: usize) -> f64 {
        panic!("parrot_neuron has no recordable {index}")
    }

    fn get_status(&self, _neuron: usize) -> Dict {
        let mut out = Dict::new();
        out.insert(FLUSH_INTERVAL, Value::Float(f64::INFINITY));
        out
    }

    fn set_status(&mut self, _neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        take_disabled_flush_interval(dict);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_the_summed_multiplicity_and_ignores_receptor_1() {
        let model = ParrotNeuron;
        assert_eq!(
            model.spike_input(0, -5.0).unwrap(),
            InputChannel {
                channel: 0,
                weight: 1.0
            }
        );
        assert_eq!(
            model.spike_input(1, 3.0).unwrap(),
            InputChannel {
                channel: 1,
                weight: 1.0
            }
        );
        let mut chunk = model.instantiate(3);
        chunk.prepare(&TimeGrid::from_resolution_ms(0.1).unwrap());
        // Channel 0: neuron 0 gets 1 + 2, neuron 1 nothing, neuron 2 one; channel 1: lots.
        let input = [3.0, 0.0, 1.0, 7.0, 7.0, 7.0];
        let mut out = Vec::new();
        chunk.update(0, &input, &mut out);
        assert_eq!(out, vec![(0, 3), (2, 1)]);
    }

    #[test]
    fn rejects_other_receptors_and_currents_with_nest_messages() {
        let model = ParrotNeuron;
        let e = model.spike_input(2, 1.0).unwrap_err();
        assert_eq!(e.kind, "UnknownReceptorType");
        assert_eq!(
            e.message,
            "Receptor type 2 is not available in parrot_neuron."
        );
        let e = model.current_input(0, 1.0).unwrap_err();
        assert_eq!(e.kind, "IllegalConnection");
        assert!(model.recordables().is_empty());
    }
}
