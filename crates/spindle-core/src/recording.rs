//! The recording contract: what recording devices are, and the sink that stores what they
//! record.
//!
//! The kernel runs the recorders (it owns the spikes and the neuron state); a [`RecordSink`]
//! (memory, HDF5, …) receives their data as the run goes, in blocks, already ordered:
//! spikes by (time, sender), multimeter samples as rows of sample times × recorded nodes in
//! ascending id order.

use crate::detector::DetectorResult;
use crate::time::Step;
use crate::NodeId;

/// The activity window of a device in steps: events or samples with
/// `after < stamp ≤ until` are recorded (NEST's `origin + start`, `origin + stop`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub after: Step,
    pub until: Option<Step>,
    /// NEST's `origin`, already included in `after` and `until`; kept so that `GetStatus` can
    /// report `origin`, `start` and `stop` apart and `SetStatus` can change one of them.
    pub origin: Step,
}

impl Window {
    pub const ALWAYS: Window = Window {
        after: 0,
        until: None,
        origin: 0,
    };

    #[inline]
    pub fn contains(&self, stamp: Step) -> bool {
        stamp > self.after && self.until.is_none_or(|u| stamp <= u)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SpikeRecorderSpec {
    pub window: Window,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MultimeterSpec {
    /// NEST's model name: `"multimeter"`, or `"voltmeter"` (a multimeter recording `V_m` by
    /// default).
    pub model: &'static str,
    /// Sampling interval in steps (≥ 1).
    pub interval: Step,
    /// Offset of the sampling grid in steps (0 = multiples of the interval).
    pub offset: Step,
    pub window: Window,
    pub record_from: Vec<String>,
}

impl MultimeterSpec {
    /// Whether a sample is taken at time step `s` (the state after the update of step `s − 1`).
    pub fn samples_at(&self, s: Step) -> bool {
        if s < 1 || !self.window.contains(s) {
            return false;
        }
        if self.offset == 0 {
            s % self.interval == 0
        } else {
            // NEST's first sample is at offset + j·interval ≥ 2 steps (spec §5.6).
            s >= self.offset && (s - self.offset) % self.interval == 0 && s >= 2
        }
    }
}

/// A `weight_recorder` (NEST's `models/weight_recorder.h`): records every event a synapse of
/// a model that names it transmits (set with `CopyModel`/`SetDefaults` on the synapse model),
/// when the spike's stamp is in the window and its sender and target pass the filters.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightRecorderSpec {
    pub window: Window,
    /// Only events of these senders (ascending), if given (NEST's `senders`).
    pub senders: Option<Vec<NodeId>>,
    /// Only events into these targets (ascending), if given (NEST's `targets`).
    pub targets: Option<Vec<NodeId>>,
}

impl WeightRecorderSpec {
    /// Whether the recorder records an event of `sender` into `target` stamped `stamp`.
    pub fn accepts(&self, stamp: Step, sender: NodeId, target: NodeId) -> bool {
        let within = |set: &Option<Vec<NodeId>>, id: NodeId| {
            set.as_ref().is_none_or(|s| s.binary_search(&id).is_ok())
        };
        self.window.contains(stamp)
            && within(&self.senders, sender)
            && within(&self.targets, target)
    }
}

/// What recorders exist, handed to the sink before the first data.
#[derive(Clone, Debug, Default)]
pub struct RecordingLayout {
    pub spike_recorders: Vec<SpikeRecorderInfo>,
    pub multimeters: Vec<MultimeterInfo>,
    /// Every weight recorder, in creation order. A sink that is told about a layout with more
    /// of them than it knows (`begin`, `grow`) adds the new ones.
    pub weight_recorders: Vec<WeightRecorderInfo>,
    /// Every spike detector (`correlation_detector`, `correlomatrix_detector`), in creation
    /// order; like weight recorders, a sink adds those it does not know yet at `grow`.
    pub detectors: Vec<DetectorInfo>,
}

#[derive(Clone, Debug)]
pub struct DetectorInfo {
    pub id: NodeId,
    /// NEST's model name.
    pub model: String,
    /// The arrays of its result: (name, rank, whether integer), as
    /// [`crate::detector::SpikeDetector::results`] gives them.
    pub arrays: Vec<(&'static str, usize, bool)>,
}

#[derive(Clone, Debug)]
pub struct WeightRecorderInfo {
    pub id: NodeId,
}

/// A block of weight recorder events: row `i` is one event a synapse transmitted, NEST's
/// `senders`, `targets`, `times` (ms), `weights`, `receptors` and `ports`, sorted by
/// (time, sender, the synapse's place in `GetConnections`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct WeightBlock {
    pub times: Vec<f64>,
    pub senders: Vec<u32>,
    pub targets: Vec<u32>,
    pub weights: Vec<f64>,
    pub receptors: Vec<i64>,
    pub ports: Vec<i64>,
}

impl WeightBlock {
    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Append the rows of `other`.
    pub fn extend(&mut self, other: &WeightBlock) {
        self.times.extend_from_slice(&other.times);
        self.senders.extend_from_slice(&other.senders);
        self.targets.extend_from_slice(&other.targets);
        self.weights.extend_from_slice(&other.weights);
        self.receptors.extend_from_slice(&other.receptors);
        self.ports.extend_from_slice(&other.ports);
    }
}

#[derive(Clone, Debug)]
pub struct SpikeRecorderInfo {
    pub id: NodeId,
    /// The neurons connected to the recorder, ascending and without repeats (stimulating
    /// devices it records are not listed). Sinks that group spikes by population use it.
    pub neurons: Vec<NodeId>,
}

#[derive(Clone, Debug)]
pub struct MultimeterInfo {
    pub id: NodeId,
    /// NEST's model name (`"multimeter"` or `"voltmeter"`).
    pub model: &'static str,
    /// The recorded nodes in ascending order; column `j` of every sample row is `senders[j]`.
    pub senders: Vec<NodeId>,
    pub record_from: Vec<String>,
    pub units: Vec<&'static str>,
    pub interval_ms: f64,
}

/// A block of multimeter samples: `values[r][t * senders + j]` is recordable `r` of sender `j`
/// at `times[t]`.
#[derive(Debug)]
pub struct SampleBlock<'a> {
    pub times: &'a [f64],
    pub n_senders: usize,
    pub values: &'a [Vec<f64>],
}

pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Where recorded data goes.
pub trait RecordSink {
    /// Called once before any data, with every recorder of the network.
    fn begin(&mut self, layout: &RecordingLayout) -> Result<(), SinkError>;

    /// Called before a run when recorders were added to the network after `begin` (NEST's
    /// `Create` of a recorder between two `Simulate` calls): `layout` is the whole layout,
    /// whose first `known.0` spike recorders and `known.1` multimeters the sink already has.
    fn grow(&mut self, _layout: &RecordingLayout, _known: (usize, usize)) -> Result<(), SinkError> {
        Err(Box::new(crate::error::Rejection::new(
            "NotImplemented",
            "this output cannot add recorders after the first Simulate",
        )))
    }

    /// Spikes of spike recorder `recorder` (index into the layout), sorted by (time, sender);
    /// a spike of multiplicity m appears m times.
    fn spikes(&mut self, recorder: usize, times: &[f64], senders: &[u32]) -> Result<(), SinkError>;

    /// Samples of multimeter `multimeter` (index into the layout).
    fn samples(&mut self, multimeter: usize, block: &SampleBlock<'_>) -> Result<(), SinkError>;

    /// Events of weight recorder `recorder` (index into the layout's `weight_recorders`), in
    /// the order of [`WeightBlock`]. The default refuses them, so that a sink that forgets
    /// them cannot lose them silently.
    fn weights(&mut self, _recorder: usize, _block: &WeightBlock) -> Result<(), SinkError> {
        Err(Box::new(crate::error::Rejection::new(
            "NotImplemented",
            "this output cannot record the events of a weight_recorder",
        )))
    }

    /// The whole result of detector `detector` (index into the layout's `detectors`) at the end
    /// of a run: it replaces what an earlier run handed over. The default refuses it, so that
    /// a sink that forgets detectors cannot lose them silently.
    fn detector(&mut self, _detector: usize, _results: &[DetectorResult]) -> Result<(), SinkError> {
        Err(Box::new(crate::error::Rejection::new(
            "NotImplemented",
            "this output cannot record the result of a correlation detector",
        )))
    }

    /// Called after every slice (or the part of a slice that ends a run) once all of its
    /// spikes and samples were handed over: the recording is complete up to and including
    /// `simulated_ms`. Sinks that write files use it to checkpoint; the default does nothing.
    fn end_of_slice(&mut self, _simulated_ms: f64) -> Result<(), SinkError> {
        Ok(())
    }

    /// Called after each run (each `Simulate`), with the total simulated time in ms.
    fn end_of_run(&mut self, _simulated_ms: f64) -> Result<(), SinkError> {
        Ok(())
    }
}

/// A sink that stores nothing.
#[derive(Debug, Default)]
pub struct NullSink;

impl RecordSink for NullSink {
    fn grow(&mut self, _: &RecordingLayout, _: (usize, usize)) -> Result<(), SinkError> {
        Ok(())
    }

    fn begin(&mut self, _: &RecordingLayout) -> Result<(), SinkError> {
        Ok(())
    }
    fn spikes(&mut self, _: usize, _: &[f64], _: &[u32]) -> Result<(), SinkError> {
        Ok(())
    }
    fn samples(&mut self, _: usize, _: &SampleBlock<'_>) -> Result<(), SinkError> {
        Ok(())
    }
    fn weights(&mut self, _: usize, _: &WeightBlock) -> Result<(), SinkError> {
        Ok(())
    }
    fn detector(&mut self, _: usize, _: &[DetectorResult]) -> Result<(), SinkError> {
        Ok(())
    }
}
