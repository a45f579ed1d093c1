//! Building a network: nodes, connections and their validation.
//!
//! [`NetworkBuilder`] collects nodes (neuron populations, stimulating devices, spike recorders
//! and multimeters, numbered 1, 2, … in creation order as NEST numbers them) and connections.
//! Each connection is checked against the target when it is made, as NEST's `Connect` does, and
//! counts towards the delay extrema. [`NetworkBuilder::build`] then splits the neurons into one
//! partition per worker thread and hands each partition the connections that target it.

use crate::archive::Archive;
use crate::detector::SpikeDetector;
use crate::device::{EventKind, StimulusDevice};
use crate::error::{BuildError, Rejection};
use crate::model::NeuronModel;
use crate::params::ParamError;
use crate::recording::{MultimeterSpec, SpikeRecorderSpec, WeightRecorderSpec};
use crate::rules::{check_statement, ConnSpec, NodeSet, Rule, RuleStatement, SynArrays, SynSpec};
use crate::simulation::Simulation;
use crate::synapse::SynapseSpec;
use crate::time::{Step, TimeGrid};
use crate::volume::VolumeTransmitterSpec;
use crate::NodeId;
use std::collections::HashMap;

/// The synapse parameters of one connection (`static_synapse`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Synapse {
    pub weight: f64,
    /// Delay in whole steps (≥ 1).
    pub delay: Step,
    pub receptor: i64,
}

/// A list of receptor types in words: `none`, `0`, `1, 2` or `1 … 8`.
fn receptor_list(list: &[i64]) -> String {
    match list {
        [] => "none".to_string(),
        [first, .., last] if list.len() > 3 && last - first + 1 == list.len() as i64 => {
            format!("{first} … {last}")
        }
        _ => list
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The largest delay in steps: delays are stored as `u16`.
pub const MAX_DELAY_STEPS: Step = u16::MAX as Step;

/// The kinds of node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Neuron,
    Stimulus,
    SpikeRecorder,
    Multimeter,
    WeightRecorder,
    VolumeTransmitter,
    Detector,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Neurons(usize),
    Stimulus(usize),
    SpikeRecorder(usize),
    Multimeter(usize),
    WeightRecorder(usize),
    VolumeTransmitter(usize),
    Detector(usize),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct NodeRange {
    pub first: u32,
    pub count: u32,
    pub role: Role,
}

#[derive(Debug)]
pub(crate) struct Population {
    pub model: Box<dyn NeuronModel>,
    pub first: u32,
    pub count: u32,
    /// The spike archive every neuron starts with (`tau_minus`, `tau_minus_triplet` given at
    /// `Create`).
    pub archive: Archive,
}

/// A neuron → neuron connection as made, before it is distributed to partitions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawSynapse {
    pub source: u32,
    pub target: u32,
    pub channel: u16,
    pub delay: u16,
    /// The weight as the target model receives it (see [`NeuronModel::spike_input`]).
    pub weight: f64,
    /// The weight as given (NEST's synapse weight, which `GetConnections` lists).
    pub given: f64,
}

/// Neuron → neuron connections in creation order: made one by one, or by a rule that is
/// expanded when the network is built.
#[derive(Debug)]
pub(crate) enum Statement {
    /// Single connections of one synapse model (`None`: `static_synapse`).
    Explicit(Vec<RawSynapse>, Option<SynapseSpec>),
    Rule(Box<RuleStatement>),
}

impl Statement {
    /// The synapse model of the statement's connections; `None`: `static_synapse`.
    pub fn synapse(&self) -> Option<&SynapseSpec> {
        match self {
            Statement::Explicit(_, model) => model.as_ref(),
            Statement::Rule(rule) => rule.syn.model.as_ref(),
        }
    }
}

/// A stimulating device → neuron connection.
///
/// A spike generator's events carry their own weight factor (`spike_weights`), so the sign of
/// an event's weight `weight · factor` — which picks the excitatory or inhibitory synapse of
/// models that split on it, as NEST does per event — is known only per event. The connection
/// therefore keeps both routes: `routes[0]` for events of positive weight, `routes[1]` for the
/// others, each an input channel and how the model takes the event's weight.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawDeviceSynapse {
    pub device: u32,
    pub target: u32,
    pub routes: [(u16, Take); 2],
    pub delay: u16,
    /// The connection weight, as given.
    pub weight: f64,
    /// How many earlier connections join the same device and target (keys the random stream).
    pub occurrence: u32,
}

/// How a model takes the weight `w` of an event on one route: `w` times a factor (±1 in NEST's
/// models: `iaf_cond_exp` adds `−w` to its inhibitory conductance), or a fixed value whatever
/// the weight (`parrot_neuron` counts events).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Take {
    Scaled(f64),
    Fixed(f64),
}

impl Take {
    #[inline]
    pub fn of(self, w: f64) -> f64 {
        match self {
            Take::Scaled(s) => s * w,
            Take::Fixed(v) => v,
        }
    }
}

/// How each input channel of `model` takes spike weights: per channel, the spike receptor type
/// that feeds it (`None`: no spike receptor does, e.g. a current input) and how the model takes
/// a weight there. A synapse stores its weight as given; delivery and `SetStatus` of a synapse
/// derive the channel and the delivered value from these (probed as for device connections:
/// weights σ and 2σ of both signs on every receptor).
pub(crate) fn channel_routes(model: &dyn NeuronModel) -> Vec<(Option<i64>, Take)> {
    let mut routes = vec![(None, Take::Scaled(1.0)); model.n_channels()];
    for receptor in 0..=model.n_channels() as i64 + 1 {
        for sign in [1.0, -1.0] {
            let (Ok(one), Ok(two)) = (
                model.spike_input(receptor, sign),
                model.spike_input(receptor, 2.0 * sign),
            ) else {
                continue;
            };
            let take = if two.weight == 2.0 * one.weight {
                Take::Scaled(one.weight / sign)
            } else {
                Take::Fixed(one.weight)
            };
            if let Some(r) = routes.get_mut(usize::from(one.channel)) {
                if r.0.is_none() {
                    *r = (Some(receptor), take);
                }
            }
        }
    }
    routes
}

/// A node → spike recorder connection.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RecorderInput {
    pub recorder: usize,
    pub source: u32,
    pub occurrence: u32,
}

/// A neuron → `volume_transmitter` connection: the transmitter (an index into
/// `volume_transmitters`), the source and the delay in steps.
#[derive(Clone, Copy, Debug)]
pub(crate) struct VolumeInput {
    pub transmitter: usize,
    pub source: u32,
    pub delay: Step,
}

/// A connection into a spike detector: the detector's port and the connection's weight
/// (NEST's `e.get_rport()`, `e.get_weight()`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DetectorInput {
    pub detector: usize,
    pub source: u32,
    pub port: usize,
    pub weight: f64,
    pub occurrence: u32,
}

/// Collects nodes and connections; [`NetworkBuilder::build`] makes a [`Simulation`].
#[derive(Debug)]
pub struct NetworkBuilder {
    pub(crate) grid: TimeGrid,
    pub(crate) seed: u64,
    pub(crate) ranges: Vec<NodeRange>,
    pub(crate) next_id: u32,
    pub(crate) populations: Vec<Population>,
    pub(crate) stimuli: Vec<(NodeId, Box<dyn StimulusDevice>)>,
    pub(crate) spike_recorders: Vec<(NodeId, SpikeRecorderSpec)>,
    pub(crate) multimeters: Vec<(NodeId, MultimeterSpec, Vec<NodeId>)>,
    pub(crate) weight_recorders: Vec<(NodeId, WeightRecorderSpec)>,
    pub(crate) volume_transmitters: Vec<(NodeId, VolumeTransmitterSpec)>,
    pub(crate) volume_inputs: Vec<VolumeInput>,
    pub(crate) detectors: Vec<(NodeId, Box<dyn SpikeDetector>)>,
    pub(crate) detector_inputs: Vec<DetectorInput>,
    pub(crate) statements: Vec<Statement>,
    /// Neuron → neuron connections made one by one so far.
    pub(crate) explicit_count: usize,
    pub(crate) device_synapses: Vec<RawDeviceSynapse>,
    pub(crate) recorder_inputs: Vec<RecorderInput>,
    pub(crate) min_delay: Option<Step>,
    pub(crate) max_delay: Option<Step>,
    /// Statements already expanded into a running simulation's stores: explicit connections
    /// made afterwards start a new statement, so that every statement is built exactly once.
    pub(crate) sealed_statements: usize,
    /// The delay extrema of a network that has been simulated: NEST refuses connections that
    /// would change them (`BadDelay`), because the ring buffers and the slice length are sized
    /// by them.
    pub(crate) frozen_delays: Option<(Step, Step)>,
    /// Delay extrema set by the user (NEST's `SetKernelStatus({"min_delay", "max_delay"})`):
    /// every delay must then lie within them (`BadDelay`), and they size the slice and the
    /// rings instead of the extrema of the connections, as NEST's `user_set_delay_extrema`.
    pub(crate) user_delays: Option<(Step, Step)>,
    warnings: Vec<String>,
    statement_counter: u32,
    /// Connections made so far per (device, target) and (recorder, source) pair; only looked
    /// up, never iterated.
    pair_counts: HashMap<(u8, u64, u32), u32>,
}

impl NetworkBuilder {
    pub fn new(grid: TimeGrid, seed: u64) -> NetworkBuilder {
        NetworkBuilder {
            grid,
            seed,
            ranges: Vec::new(),
            next_id: 1,
            populations: Vec::new(),
            stimuli: Vec::new(),
            spike_recorders: Vec::new(),
            multimeters: Vec::new(),
            weight_recorders: Vec::new(),
            volume_transmitters: Vec::new(),
            volume_inputs: Vec::new(),
            detectors: Vec::new(),
            detector_inputs: Vec::new(),
            statements: Vec::new(),
            explicit_count: 0,
            device_synapses: Vec::new(),
            recorder_inputs: Vec::new(),
            min_delay: None,
            max_delay: None,
            sealed_statements: 0,
            frozen_delays: None,
            user_delays: None,
            warnings: Vec::new(),
            statement_counter: 0,
            pair_counts: HashMap::new(),
        }
    }

    pub fn grid(&self) -> TimeGrid {
        self.grid
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    fn add_range(&mut self, count: u32, role: Role) -> Result<NodeId, BuildError> {
        let first = self.next_id;
        let next = u64::from(first) + u64::from(count);
        if next > u64::from(u32::MAX) {
            return Err(BuildError::TooManyNodes {
                max: u64::from(u32::MAX) - 1,
            });
        }
        self.next_id = next as u32;
        if count > 0 {
            self.ranges.push(NodeRange { first, count, role });
        }
        Ok(NodeId(first))
    }

    /// Create `n` neurons of one model; returns the first id (the ids are consecutive).
    pub fn add_neurons(
        &mut self,
        model: Box<dyn NeuronModel>,
        n: u32,
    ) -> Result<NodeId, BuildError> {
        self.add_neurons_archived(model, n, Archive::default())
    }

    /// Create `n` neurons of one model whose spike archives start as `archive` (NEST's
    /// `tau_minus` and `tau_minus_triplet` given at `Create`).
    pub fn add_neurons_archived(
        &mut self,
        model: Box<dyn NeuronModel>,
        n: u32,
        archive: Archive,
    ) -> Result<NodeId, BuildError> {
        let index = self.populations.len();
        let first = self.add_range(n, Role::Neurons(index))?;
        self.populations.push(Population {
            model,
            first: first.0,
            count: n,
            archive,
        });
        Ok(first)
    }

    pub fn add_stimulus(&mut self, device: Box<dyn StimulusDevice>) -> Result<NodeId, BuildError> {
        let id = self.add_range(1, Role::Stimulus(self.stimuli.len()))?;
        self.stimuli.push((id, device));
        Ok(id)
    }

    pub fn add_spike_recorder(&mut self, spec: SpikeRecorderSpec) -> Result<NodeId, BuildError> {
        let id = self.add_range(1, Role::SpikeRecorder(self.spike_recorders.len()))?;
        self.spike_recorders.push((id, spec));
        Ok(id)
    }

    pub fn add_multimeter(&mut self, spec: MultimeterSpec) -> Result<NodeId, BuildError> {
        let id = self.add_range(1, Role::Multimeter(self.multimeters.len()))?;
        self.multimeters.push((id, spec, Vec::new()));
        Ok(id)
    }

    pub fn add_weight_recorder(&mut self, spec: WeightRecorderSpec) -> Result<NodeId, BuildError> {
        let id = self.add_range(1, Role::WeightRecorder(self.weight_recorders.len()))?;
        self.weight_recorders.push((id, spec));
        Ok(id)
    }

    /// Create `n` `volume_transmitter`s with the same parameters (see `volume.rs`); returns
    /// the first id (the ids are consecutive).
    pub fn add_volume_transmitters(
        &mut self,
        spec: VolumeTransmitterSpec,
        n: u32,
    ) -> Result<NodeId, BuildError> {
        let first = NodeId(self.next_id);
        for _ in 0..n {
            let id = self.add_range(1, Role::VolumeTransmitter(self.volume_transmitters.len()))?;
            self.volume_transmitters.push((id, spec.clone()));
        }
        Ok(first)
    }

    /// Create a spike detector (`correlation_detector`, `correlomatrix_detector`).
    pub fn add_detector(&mut self, detector: Box<dyn SpikeDetector>) -> Result<NodeId, BuildError> {
        let id = self.add_range(1, Role::Detector(self.detectors.len()))?;
        self.detectors.push((id, detector));
        Ok(id)
    }

    /// The number of nodes created so far.
    pub fn node_count(&self) -> u32 {
        self.next_id - 1
    }

    /// The number of connections made so far, not counting rule statements that are only
    /// expanded at build time.
    pub fn connection_count(&self) -> usize {
        self.explicit_count
            + self.device_synapses.len()
            + self.recorder_inputs.len()
            + self.detector_inputs.len()
            + self.multimeters.iter().map(|m| m.2.len()).sum::<usize>()
    }

    /// The statements described so far (rule statements and lists of explicit connections).
    pub fn statement_count(&self) -> usize {
        self.statements.len()
    }

    /// Close the open list of explicit connections: connections made afterwards start a new
    /// statement, so that a front end can tell the synapses of one call from the next.
    pub fn seal_statements(&mut self) {
        self.sealed_statements = self.statements.len();
    }

    /// Connections made so far that involve a device (stimulus → neuron, → spike recorder,
    /// multimeter → node); they are made at connect time, not built from statements.
    pub fn device_connection_count(&self) -> usize {
        self.device_synapses.len()
            + self.recorder_inputs.len()
            + self.multimeters.iter().map(|m| m.2.len()).sum::<usize>()
    }

    /// Warnings collected while connecting (accepted but surprising input).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub(crate) fn role(&self, id: NodeId) -> Option<Role> {
        let i = self.ranges.partition_point(|r| r.first <= id.0);
        let r = self.ranges.get(i.checked_sub(1)?)?;
        (id.0 < r.first + r.count).then_some(r.role)
    }

    /// NEST's model name of a node.
    pub fn model_name(&self, id: NodeId) -> Option<&str> {
        Some(match self.role(id)? {
            Role::Neurons(p) => self.populations[p].model.model_name(),
            Role::Stimulus(d) => self.stimuli[d].1.model_name(),
            Role::SpikeRecorder(_) => "spike_recorder",
            Role::Multimeter(m) => self.multimeters[m].1.model,
            Role::WeightRecorder(_) => "weight_recorder",
            Role::VolumeTransmitter(_) => "volume_transmitter",
            Role::Detector(d) => self.detectors[d].1.model_name(),
        })
    }

    /// The neuron model of a node, if it is a neuron.
    pub fn neuron_model(&self, id: NodeId) -> Option<&dyn NeuronModel> {
        match self.role(id)? {
            Role::Neurons(p) => Some(self.populations[p].model.as_ref()),
            _ => None,
        }
    }

    /// Multimeter `m` records `target` (a neuron or a device of model `model_name` whose
    /// recordables are `available`): NEST's `IllegalConnection` for an unknown recordable or a
    /// node the multimeter already records.
    fn attach_to_multimeter(
        &mut self,
        m: usize,
        source: NodeId,
        target: NodeId,
        delay: Step,
        model_name: &str,
        available: &[&str],
    ) -> Result<(), BuildError> {
        for name in &self.multimeters[m].1.record_from {
            if !available.contains(&name.as_str()) {
                return Err(self.reject(
                    source,
                    target,
                    // NEST: IllegalConnection "Cannot connect with unknown recordable".
                    Rejection::new(
                        "IllegalConnection",
                        format!(
                            "Cannot record {name} from {model_name}: its recordables are {}.",
                            available.join(", ")
                        ),
                    ),
                ));
            }
        }
        if self.multimeters[m].2.contains(&target) {
            return Err(self.reject(
                source,
                target,
                Rejection::new(
                    "IllegalConnection",
                    "the multimeter already records this node; a node can be recorded once per multimeter.",
                ),
            ));
        }
        self.note_delay(source, target, delay)?;
        self.multimeters[m].2.push(target);
        Ok(())
    }

    fn note_delay(
        &mut self,
        source: NodeId,
        target: NodeId,
        delay: Step,
    ) -> Result<u16, BuildError> {
        if delay < 1 {
            return Err(BuildError::BadDelay {
                source_id: source,
                target,
                delay_steps: delay,
            });
        }
        if delay > MAX_DELAY_STEPS {
            return Err(BuildError::DelayTooLong {
                source_id: source,
                target,
                delay_steps: delay,
                max: MAX_DELAY_STEPS,
            });
        }
        if let Some((min, max)) = self.frozen_delays {
            if delay < min || delay > max {
                return Err(BuildError::FrozenDelay {
                    source_id: source,
                    target,
                    delay_ms: self.grid.step_to_ms(delay),
                });
            }
        }
        self.check_user_delay(delay, Some((source, target)))?;
        self.min_delay = Some(self.min_delay.map_or(delay, |d| d.min(delay)));
        self.max_delay = Some(self.max_delay.map_or(delay, |d| d.max(delay)));
        Ok(delay as u16)
    }

    /// NEST's `SetKernelStatus({"min_delay": …, "max_delay": …})` in steps: from now on every
    /// delay must lie in `[min, max]`, and the first run uses `min` as its slice length and
    /// `min + max` as its ring length. The caller (the session) refuses this once connections
    /// exist, as NEST does; here only the bounds themselves are checked.
    pub fn set_delay_extrema(&mut self, min: Step, max: Step) -> Result<(), BuildError> {
        let bad = |value: Step, why: &str| BuildError::Rule {
            rule: "SetKernelStatus".into(),
            reason: Rejection::new(
                "BadDelay",
                format!(
                    "Delay value {} is invalid: {why}",
                    self.grid.step_to_ms(value)
                ),
            ),
            statement: None,
        };
        if min < 1 {
            return Err(bad(
                min,
                "min_delay must be greater than or equal to resolution.",
            ));
        }
        if max < min {
            return Err(bad(
                min,
                "min_delay must be smaller than or equal to max_delay.",
            ));
        }
        if max > MAX_DELAY_STEPS {
            return Err(bad(
                max,
                &format!(
                    "max_delay exceeds spindle's largest delay ({} ms: delays are stored in 16 bits).",
                    self.grid.step_to_ms(MAX_DELAY_STEPS)
                ),
            ));
        }
        self.user_delays = Some((min, max));
        self.min_delay = Some(min);
        self.max_delay = Some(max);
        Ok(())
    }

    /// The delay extrema set by the user, if any (steps).
    pub fn user_delay_extrema(&self) -> Option<(Step, Step)> {
        self.user_delays
    }

    /// A delay (steps) against the user's delay extrema, with NEST's `BadDelay` messages; the
    /// connection, where known, is named.
    pub(crate) fn check_user_delay(
        &self,
        delay: Step,
        pair: Option<(NodeId, NodeId)>,
    ) -> Result<(), BuildError> {
        let Some((min, max)) = self.user_delays else {
            return Ok(());
        };
        let why = if delay < min {
            "Delay must be greater than or equal to min_delay."
        } else if delay > max {
            "Delay must be smaller than or equal to max_delay."
        } else {
            return Ok(());
        };
        let at = pair.map_or(String::new(), |(s, t)| {
            format!(" (connection from node {s} to node {t})")
        });
        Err(BuildError::Rule {
            rule: "Connect".into(),
            reason: Rejection::new(
                "BadDelay",
                format!(
                    "Delay value {} is invalid: {why} You may set min_delay before creating connections{at}.",
                    self.grid.step_to_ms(delay)
                ),
            ),
            statement: None,
        })
    }

    fn reject(&self, source: NodeId, target: NodeId, reason: Rejection) -> BuildError {
        let hint = match reason.kind {
            "IncompatibleReceptorType" | "UnknownReceptorType" => {
                self.receptor_hint(source, target).unwrap_or_default()
            }
            _ => String::new(),
        };
        BuildError::Connect {
            source_id: source,
            source_model: self.model_name(source).unwrap_or("?").to_string(),
            target,
            target_model: self.model_name(target).unwrap_or("?").to_string(),
            reason,
            hint,
        }
    }

    /// The receptor types a connection from `source` into `target` could use, in words.
    fn receptor_hint(&self, source: NodeId, target: NodeId) -> Option<String> {
        let model = self.neuron_model(target)?;
        // Every model's ports are numbered from 0 up to its channel count.
        let ports = 0..=model.n_channels() as i64 + 1;
        let spikes: Vec<i64> = ports
            .clone()
            .filter(|&r| model.spike_input(r, 1.0).is_ok())
            .collect();
        let currents: Vec<i64> = ports
            .filter(|&r| model.current_input(r, 1.0).is_ok())
            .collect();
        let name = model.model_name();
        let (what, list) = match self.role(source)? {
            Role::Multimeter(_) => {
                return Some(format!(
                    "a multimeter connects to {name} with receptor_type 0."
                ))
            }
            Role::Stimulus(d) if self.stimuli[d].1.event_kind() == EventKind::Current => {
                ("currents", &currents)
            }
            _ => ("spikes", &spikes),
        };
        let other = if what == "spikes" {
            ("currents", &currents)
        } else {
            ("spikes", &spikes)
        };
        Some(format!(
            "receptor_type for {what} into {name}: {}{}.",
            receptor_list(list),
            if other.1.is_empty() {
                String::new()
            } else {
                format!(" (for {}: {})", other.0, receptor_list(other.1))
            }
        ))
    }

    /// The warnings collected since the last call (accepted but surprising input), so that
    /// the caller can say which of its statements caused them.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Connect `source` to `target` with a `static_synapse`, with NEST's checks for the pair
    /// of node kinds.
    pub fn connect(
        &mut self,
        source: NodeId,
        target: NodeId,
        syn: Synapse,
    ) -> Result<(), BuildError> {
        self.connect_with(source, target, syn, None)
    }

    /// Connect `source` to `target` with the synapse model `synapse` (`None`:
    /// `static_synapse`). A synapse model with state connects neurons only.
    pub fn connect_with(
        &mut self,
        source: NodeId,
        target: NodeId,
        syn: Synapse,
        synapse: Option<&SynapseSpec>,
    ) -> Result<(), BuildError> {
        let src = self.role(source).ok_or(BuildError::UnknownNode(source))?;
        let tgt = self.role(target).ok_or(BuildError::UnknownNode(target))?;
        if let Some(spec) = synapse {
            self.check_plastic(source, target, src, tgt, spec)?;
            spec.0
                .check_weight(syn.weight)
                .map_err(|e| self.reject_param(source, target, e))?;
        }
        match (src, tgt) {
            (Role::Neurons(sp), Role::Neurons(p)) => {
                let model = &self.populations[p].model;
                // NEST's sender checks its target before the target checks the receptor.
                model
                    .check_source(self.populations[sp].model.model_name(), syn.receptor)
                    .map_err(|r| self.reject(source, target, r))?;
                let input = model
                    .spike_input(syn.receptor, syn.weight)
                    .map_err(|r| self.reject(source, target, r))?;
                if let Some(w) = model.connection_warning(syn.receptor, syn.weight) {
                    self.warn_once(w);
                }
                let delay = self.note_delay(source, target, syn.delay)?;
                let raw = RawSynapse {
                    source: source.0,
                    target: target.0,
                    channel: input.channel,
                    delay,
                    weight: input.weight,
                    given: syn.weight,
                };
                let open = self.statements.len() > self.sealed_statements;
                match self.statements.last_mut() {
                    Some(Statement::Explicit(list, m)) if open && m.as_ref() == synapse => {
                        list.push(raw)
                    }
                    _ => self
                        .statements
                        .push(Statement::Explicit(vec![raw], synapse.cloned())),
                }
                self.explicit_count += 1;
            }
            (Role::Stimulus(d), Role::Neurons(p)) => {
                let model = &self.populations[p].model;
                let kind = self.stimuli[d].1.event_kind();
                let input = |w: f64| match kind {
                    EventKind::Spike => model.spike_input(syn.receptor, w),
                    EventKind::Current => model.current_input(syn.receptor, w),
                };
                // The connection is checked with its own weight; the route of each sign is
                // probed with weights σ and 2σ, which tell a scaled weight from a fixed value.
                input(syn.weight).map_err(|r| self.reject(source, target, r))?;
                let route = |sign: f64| -> Option<(u16, Take)> {
                    let (one, two) = (input(sign).ok()?, input(2.0 * sign).ok()?);
                    let take = if two.weight == 2.0 * one.weight {
                        Take::Scaled(one.weight / sign)
                    } else {
                        Take::Fixed(one.weight)
                    };
                    Some((one.channel, take))
                };
                let positive = route(1.0)
                    .or_else(|| route(-1.0))
                    .unwrap_or((0, Take::Scaled(1.0)));
                let routes = [positive, route(-1.0).unwrap_or(positive)];
                if self.stimuli[d].1.event_kind() == EventKind::Spike {
                    if let Some(w) = model.connection_warning(syn.receptor, syn.weight) {
                        self.warn_once(w);
                    }
                }
                let delay = self.note_delay(source, target, syn.delay)?;
                let occurrence = self.next_occurrence(0, d as u64, target.0);
                self.device_synapses.push(RawDeviceSynapse {
                    device: d as u32,
                    target: target.0,
                    routes,
                    delay,
                    weight: syn.weight,
                    occurrence,
                });
            }
            (Role::Neurons(_), Role::SpikeRecorder(r)) | (Role::Stimulus(_), Role::SpikeRecorder(r)) => {
                if let Role::Stimulus(d) = src {
                    if self.stimuli[d].1.event_kind() != EventKind::Spike {
                        return Err(self.reject(
                            source,
                            target,
                            Rejection::new(
                                "IllegalConnection",
                                "spike_recorder accepts only spike events; a current generator cannot be recorded by it.",
                            ),
                        ));
                    }
                }
                self.note_delay(source, target, syn.delay)?;
                let occurrence = self.next_occurrence(1, r as u64, source.0);
                self.recorder_inputs.push(RecorderInput {
                    recorder: r,
                    source: source.0,
                    occurrence,
                });
            }
            (Role::Multimeter(m), Role::Neurons(p)) => {
                let model = &self.populations[p].model;
                model
                    .accepts_multimeter(syn.receptor)
                    .map_err(|r| self.reject(source, target, r))?;
                let recordables = model.recordables();
                let model_name = model.model_name().to_string();
                let available: Vec<&str> = recordables.iter().map(|r| r.name.as_str()).collect();
                self.attach_to_multimeter(m, source, target, syn.delay, &model_name, &available)?;
            }
            (Role::Neurons(_), Role::VolumeTransmitter(v)) => {
                // NEST's `handle` counts the spike's multiplicity; the weight is ignored.
                let delay = self.note_delay(source, target, syn.delay)?;
                self.volume_inputs.push(VolumeInput {
                    transmitter: v,
                    source: source.0,
                    delay: Step::from(delay),
                });
            }
            (Role::Stimulus(_), Role::VolumeTransmitter(_)) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::new(
                        "IllegalConnection",
                        "We do not allow connection of a device to a global receiver at the moment.",
                    ),
                ))
            }
            (Role::VolumeTransmitter(_), _) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::new(
                        "IllegalConnection",
                        "Source node does not send output. A volume_transmitter hands its spikes to the synapses whose model names it: SetDefaults(\"stdp_dopamine_synapse\", {\"volume_transmitter\": vt}).",
                    ),
                ))
            }
            (_, Role::VolumeTransmitter(_)) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::new(
                        "IllegalConnection",
                        "Source node does not send output. Note that recorders must be connected as Connect(neuron, recorder).",
                    ),
                ))
            }
            (Role::Neurons(_), Role::Detector(d)) | (Role::Stimulus(_), Role::Detector(d)) => {
                if let Role::Stimulus(s) = src {
                    if self.stimuli[s].1.event_kind() != EventKind::Spike {
                        return Err(self.reject(
                            source,
                            target,
                            Rejection::new(
                                "IllegalConnection",
                                "The target node or synapse model does not support current input.",
                            ),
                        ));
                    }
                }
                let port = self.detectors[d]
                    .1
                    .port(syn.receptor)
                    .map_err(|r| self.reject(source, target, r))?;
                self.note_delay(source, target, syn.delay)?;
                let occurrence = self.next_occurrence(2, d as u64, source.0);
                self.detector_inputs.push(DetectorInput {
                    detector: d,
                    source: source.0,
                    port,
                    weight: syn.weight,
                    occurrence,
                });
            }
            (Role::Detector(_), _) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::new(
                        "IllegalConnection",
                        "Source node does not send output.\n  Note that recorders must be connected as Connect(neuron, recorder).",
                    ),
                ))
            }
            (_, Role::WeightRecorder(_)) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::new(
                        "IllegalConnection",
                        "The target node or synapse model does not support spike input. A weight_recorder records the events of synapses whose model names it: CopyModel(\"stdp_synapse\", \"x\", {\"weight_recorder\": wr}).",
                    ),
                ))
            }
            (Role::WeightRecorder(_), _) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::new(
                        "IllegalConnection",
                        "Source node does not send output. A weight_recorder records the events of synapses whose model names it.",
                    ),
                ))
            }
            (Role::SpikeRecorder(_), _) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::new(
                        "IllegalConnection",
                        "a spike_recorder receives spikes and sends none: connect the neurons to the recorder (pre = neurons, post = recorder).",
                    ),
                ))
            }
            (_, Role::Multimeter(_)) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::new(
                        "IllegalConnection",
                        "a multimeter sends requests and receives none: connect the multimeter to the neurons (pre = multimeter, post = neurons).",
                    ),
                ))
            }
            (Role::Multimeter(m), Role::Stimulus(d))
                if !self.stimuli[d].1.recordables().is_empty() =>
            {
                let dev = &self.stimuli[d].1;
                let (available, model_name) = (dev.recordables(), dev.model_name().to_string());
                self.attach_to_multimeter(m, source, target, syn.delay, &model_name, available)?;
            }
            (Role::Multimeter(_), _) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::new(
                        "IllegalConnection",
                        "a multimeter can only record from neurons and current generators.",
                    ),
                ))
            }
            (_, Role::Stimulus(_)) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::new(
                        "IllegalConnection",
                        "stimulating devices do not accept incoming connections.",
                    ),
                ))
            }
        }
        Ok(())
    }

    /// NEST's checks of a synapse model with state between two nodes: its target must keep a
    /// spike history if the model reads one (`IllegalConnection`, NEST's message); spindle
    /// stores such synapses between neurons only.
    fn check_plastic(
        &self,
        source: NodeId,
        target: NodeId,
        src: Role,
        tgt: Role,
        spec: &SynapseSpec,
    ) -> Result<(), BuildError> {
        let refuse = |message: String| {
            self.reject(source, target, Rejection::new("IllegalConnection", message))
        };
        if !matches!(tgt, Role::Neurons(_)) {
            return Err(refuse(if spec.0.reads_history() {
                "The target node does not support STDP synapses.".to_string()
            } else {
                format!(
                    "spindle connects devices with static_synapse only, not {}.",
                    spec.name()
                )
            }));
        }
        self.check_weight_recorder(source, target, spec)?;
        if !matches!(src, Role::Neurons(_)) {
            return Err(refuse(format!(
                "spindle stores {} synapses between neurons only: connect the device to a parrot_neuron with static_synapse and the parrot to the target.",
                spec.name()
            )));
        }
        Ok(())
    }

    /// NEST's checks of the nodes a synapse model names: its `weight_recorder` (made at
    /// `CopyModel`/`SetDefaults` in NEST; here also when connecting, for scenarios whose
    /// models name a node id) and its `volume_transmitter` (which NEST's
    /// `stdp_dopamine_synapse` checks when connecting).
    fn check_weight_recorder(
        &self,
        source: NodeId,
        target: NodeId,
        spec: &SynapseSpec,
    ) -> Result<(), BuildError> {
        match spec.0.volume_transmitter() {
            Some(None) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::bad_property(
                        "No volume transmitter has been assigned to the dopamine synapse.",
                    ),
                ))
            }
            Some(Some(vt)) if !matches!(self.role(vt), Some(Role::VolumeTransmitter(_))) => {
                return Err(self.reject(
                    source,
                    target,
                    Rejection::bad_property(format!(
                        "Property volume_transmitter must be set to a node of type volume_transmitter (synapse model {}: volume_transmitter = {}).",
                        spec.name(),
                        vt.0
                    )),
                ))
            }
            _ => {}
        }
        match spec.0.weight_recorder() {
            Some(wr) if !matches!(self.role(wr), Some(Role::WeightRecorder(_))) => {
                Err(self.reject(
                    source,
                    target,
                    Rejection::bad_property(format!(
                        "Property weight_recorder must be set to a node of type weight_recorder (synapse model {}: weight_recorder = {}).",
                        spec.name(),
                        wr.0
                    )),
                ))
            }
            _ => Ok(()),
        }
    }

    /// A synapse parameter refused for the connection `source → target`.
    fn reject_param(&self, source: NodeId, target: NodeId, e: ParamError) -> BuildError {
        let reason = match e {
            ParamError::Rule {
                kind,
                message,
                given,
                ..
            } => {
                let given: Vec<String> = given.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                Rejection::new(kind, format!("{message} ({})", given.join(", ")))
            }
            other => Rejection::bad_property(other.to_string()),
        };
        self.reject(source, target, reason)
    }

    /// Connect `pre` to `post` with a rule (NEST's `Connect` with a `conn_spec`). Returns the
    /// statement's index, which keys its random streams.
    ///
    /// Between neurons the statement is checked now and expanded when the network is built,
    /// in parallel, by each partition for its own targets. With a device on either side it is
    /// expanded now into single connections.
    pub fn connect_rule(
        &mut self,
        pre: NodeSet,
        post: NodeSet,
        conn: ConnSpec,
        syn: SynSpec,
    ) -> Result<u32, BuildError> {
        self.connect_rule_arrays(pre, post, conn, syn, SynArrays::default())
    }

    /// As [`NetworkBuilder::connect_rule`], with per-connection values (NEST's parameter
    /// arrays in a `syn_spec`, see [`SynArrays`]) that replace `syn`'s parameters.
    pub fn connect_rule_arrays(
        &mut self,
        pre: NodeSet,
        post: NodeSet,
        conn: ConnSpec,
        syn: SynSpec,
        arrays: SynArrays,
    ) -> Result<u32, BuildError> {
        let index = self.statement_counter;
        self.statement_counter += 1;
        let statement = RuleStatement {
            pre,
            post,
            conn,
            syn: syn.clone(),
            arrays,
            index,
            seed: self.seed,
        };
        let rejection = |reason: Rejection| BuildError::Rule {
            rule: conn.rule.to_string(),
            reason,
            statement: Some(index),
        };
        check_statement(&statement, &self.grid).map_err(rejection)?;
        let pre_pops = self.populations_of(&statement.pre);
        let post_pops = self.populations_of(&statement.post);
        if pre_pops.is_none() || post_pops.is_none() {
            // Devices take part: expand into single connections, checked one by one.
            let mut pairs = Vec::new();
            statement
                .expand_with_receptor(
                    statement.seed,
                    &self.grid,
                    &|_| true,
                    &mut |s, t, w, d, r| pairs.push((s, t, w, d, r)),
                )
                .map_err(|e| rejection(e.reason))?;
            // NEST's rules other than all_to_all and one_to_one reach a target through its
            // proxies, which devices (recorders) do not have.
            let needs_proxies = !matches!(statement.conn.rule, Rule::AllToAll | Rule::OneToOne);
            if let Some(&(s, t, ..)) = pairs.iter().find(|&&(_, t, ..)| {
                needs_proxies && !matches!(self.role(NodeId(t)), Some(Role::Neurons(_)))
            }) {
                return Err(self.reject(
                    NodeId(s),
                    NodeId(t),
                    Rejection::new(
                        "IllegalConnection",
                        "Cannot use this rule to connect to nodes without proxies (usually devices).",
                    ),
                ));
            }
            for (s, t, weight, delay, receptor) in pairs {
                self.connect_with(
                    NodeId(s),
                    NodeId(t),
                    Synapse {
                        weight,
                        delay,
                        receptor,
                    },
                    statement.syn.model.as_ref(),
                )?;
            }
            return Ok(index);
        }
        if let Some(spec) = &statement.syn.model {
            let (s, t) = (
                NodeId(statement.pre.ranges().first().map_or(0, |r| r.0)),
                NodeId(statement.post.ranges().first().map_or(0, |r| r.0)),
            );
            self.check_weight_recorder(s, t, spec)?;
        }
        if let (Some(spec), Some(w)) = (&statement.syn.model, statement.syn.weight.constant()) {
            if statement.arrays.weight.is_none() {
                let (s, t) = (
                    NodeId(statement.pre.ranges().first().map_or(0, |r| r.0)),
                    NodeId(statement.post.ranges().first().map_or(0, |r| r.0)),
                );
                spec.0
                    .check_weight(w)
                    .map_err(|e| self.reject_param(s, t, e))?;
            }
        }
        // Check the receptors against every target population once (the sources are
        // targets too where the statement connects both ways); a one_to_one statement with
        // one receptor per pair (NEST's connect_arrays) checks each pair's own.
        let (typical, may_be_negative) = statement.weight_extent();
        let mut checks: Vec<(usize, i64)> = Vec::new();
        match (&statement.arrays.receptor, statement.conn.rule) {
            (Some(r), crate::rules::Rule::OneToOne) => {
                for (i, &receptor) in r.iter().enumerate() {
                    let mut ends = vec![statement.post.get(i)];
                    if statement.conn.make_symmetric {
                        ends.push(statement.pre.get(i));
                    }
                    for id in ends {
                        if let Some(Role::Neurons(p)) = self.role(NodeId(id)) {
                            checks.push((p, receptor));
                        }
                    }
                }
                checks.sort_unstable();
                checks.dedup();
            }
            _ => {
                let mut target_pops = post_pops.clone().unwrap_or_default();
                if statement.conn.make_symmetric {
                    for p in pre_pops.clone().unwrap_or_default() {
                        if !target_pops.contains(&p) {
                            target_pops.push(p);
                        }
                    }
                }
                for p in target_pops {
                    checks.extend(statement.receptors().into_iter().map(|r| (p, r)));
                }
            }
        }
        for (p, receptor) in checks {
            let model = &self.populations[p].model;
            let source = NodeId(statement.pre.ranges().first().map_or(0, |r| r.0));
            let target = NodeId(self.populations[p].first);
            // NEST's sender checks its target before the target checks the receptor.
            let mut sources = pre_pops.clone().unwrap_or_default();
            if statement.conn.make_symmetric {
                sources.extend(post_pops.clone().unwrap_or_default());
            }
            for sp in sources {
                let sender = NodeId(self.populations[sp].first);
                model
                    .check_source(self.populations[sp].model.model_name(), receptor)
                    .map_err(|r| self.reject(sender, target, r))?;
            }
            model
                .spike_input(receptor, typical)
                .map_err(|r| self.reject(source, target, r))?;
            let warnings: Vec<String> = [typical, -1.0]
                .into_iter()
                .filter(|&w| w >= 0.0 || may_be_negative)
                .filter_map(|w| model.connection_warning(receptor, w))
                .collect();
            for w in warnings {
                self.warn_once(w);
            }
        }
        let constant_delay = match &statement.arrays.delay_ms {
            Some(_) => None,
            None => statement.syn.delay_ms.constant(),
        };
        if let Some(d) = constant_delay {
            let steps = self.grid.delay_to_steps(d);
            let (s, t) = (
                NodeId(statement.pre.ranges().first().map_or(0, |r| r.0)),
                NodeId(statement.post.ranges().first().map_or(0, |r| r.0)),
            );
            if !statement.pre.is_empty() && !statement.post.is_empty() {
                self.note_delay(s, t, steps)?;
            }
        }
        self.statements.push(Statement::Rule(Box::new(statement)));
        Ok(index)
    }

    /// The populations the ids of `set` belong to (each once, in order of appearance), or
    /// `None` if any id is not a neuron.
    fn populations_of(&self, set: &NodeSet) -> Option<Vec<usize>> {
        let mut pops = Vec::new();
        for &(first, count) in set.ranges() {
            let end = u64::from(first) + u64::from(count);
            let mut id = u64::from(first);
            while id < end {
                let Some(Role::Neurons(p)) = self.role(NodeId(id as u32)) else {
                    return None;
                };
                if !pops.contains(&p) {
                    pops.push(p);
                }
                let pop = &self.populations[p];
                id = u64::from(pop.first) + u64::from(pop.count);
            }
        }
        Some(pops)
    }

    fn next_occurrence(&mut self, kind: u8, a: u64, b: u32) -> u32 {
        let n = self.pair_counts.entry((kind, a, b)).or_insert(0);
        *n += 1;
        *n - 1
    }

    fn warn_once(&mut self, w: String) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }

    /// Split the network into `threads` partitions and prepare it to run. The simulation
    /// keeps this builder as its description: nodes and connections added to it later
    /// ([`Simulation::network_mut`]) are built into the running network at the next run.
    pub fn build(self, threads: usize) -> Result<Simulation, BuildError> {
        self.build_distributed(threads, std::sync::Arc::new(crate::comm::Local))
    }

    /// [`NetworkBuilder::build`] as one rank of a distributed run with `threads` threads per
    /// rank (see `Simulation::new_distributed`).
    pub fn build_distributed(
        self,
        threads: usize,
        comm: std::sync::Arc<dyn crate::comm::Communicator>,
    ) -> Result<Simulation, BuildError> {
        let mut sim = Simulation::new_distributed(self, threads, comm)?;
        sim.sync()?;
        // Callers hand the layout to their sink themselves (`recording_layout`, `begin`).
        sim.mark_announced();
        Ok(sim)
    }

    /// What kind of node `id` is, if it exists.
    pub fn node_kind(&self, id: NodeId) -> Option<NodeKind> {
        Some(match self.role(id)? {
            Role::Neurons(_) => NodeKind::Neuron,
            Role::Stimulus(_) => NodeKind::Stimulus,
            Role::SpikeRecorder(_) => NodeKind::SpikeRecorder,
            Role::Multimeter(_) => NodeKind::Multimeter,
            Role::WeightRecorder(_) => NodeKind::WeightRecorder,
            Role::VolumeTransmitter(_) => NodeKind::VolumeTransmitter,
            Role::Detector(_) => NodeKind::Detector,
        })
    }

    /// The first id and size of the population or device that `id` belongs to.
    pub fn node_range(&self, id: NodeId) -> Option<(NodeId, u32)> {
        let i = self.ranges.partition_point(|r| r.first <= id.0);
        let r = self.ranges.get(i.checked_sub(1)?)?;
        (id.0 < r.first + r.count).then_some((NodeId(r.first), r.count))
    }

    /// The spec of spike recorder `id`, to read or change between runs.
    pub fn spike_recorder_mut(&mut self, id: NodeId) -> Option<&mut SpikeRecorderSpec> {
        match self.role(id)? {
            Role::SpikeRecorder(r) => Some(&mut self.spike_recorders[r].1),
            _ => None,
        }
    }

    /// The spec of multimeter `id` and the neurons it records so far.
    pub fn multimeter_mut(&mut self, id: NodeId) -> Option<(&mut MultimeterSpec, &[NodeId])> {
        match self.role(id)? {
            Role::Multimeter(m) => {
                let (_, spec, targets) = &mut self.multimeters[m];
                Some((spec, targets.as_slice()))
            }
            _ => None,
        }
    }

    /// The spec of weight recorder `id`, to read or change between runs.
    pub fn weight_recorder_mut(&mut self, id: NodeId) -> Option<&mut WeightRecorderSpec> {
        match self.role(id)? {
            Role::WeightRecorder(r) => Some(&mut self.weight_recorders[r].1),
            _ => None,
        }
    }

    /// The spec of volume transmitter `id`, to read or change between runs.
    pub fn volume_transmitter_mut(&mut self, id: NodeId) -> Option<&mut VolumeTransmitterSpec> {
        match self.role(id)? {
            Role::VolumeTransmitter(v) => Some(&mut self.volume_transmitters[v].1),
            _ => None,
        }
    }

    /// The spike detector `id`.
    pub fn detector(&self, id: NodeId) -> Option<&dyn SpikeDetector> {
        match self.role(id)? {
            Role::Detector(d) => Some(self.detectors[d].1.as_ref()),
            _ => None,
        }
    }

    /// The spike detector `id`, to change between runs.
    pub fn detector_mut(&mut self, id: NodeId) -> Option<&mut Box<dyn SpikeDetector>> {
        match self.role(id)? {
            Role::Detector(d) => Some(&mut self.detectors[d].1),
            _ => None,
        }
    }

    /// The stimulating device `id`.
    pub fn stimulus(&self, id: NodeId) -> Option<&dyn StimulusDevice> {
        match self.role(id)? {
            Role::Stimulus(d) => Some(self.stimuli[d].1.as_ref()),
            _ => None,
        }
    }

    /// The stimulating device `id`, to change between runs.
    pub fn stimulus_mut(&mut self, id: NodeId) -> Option<&mut Box<dyn StimulusDevice>> {
        match self.role(id)? {
            Role::Stimulus(d) => Some(&mut self.stimuli[d].1),
            _ => None,
        }
    }
}
