//! Recording backends of spindle: an in-memory recording and the HDF5 file.
//!
//! Both implement [`spindle_core::recording::RecordSink`]; [`ThreadedSink`] runs either on a
//! writer thread of its own. [`Recording`] is also what
//! [`read_hdf5`] returns (inside an [`Hdf5File`], with the run's root attributes and node
//! table), so tests, plots and tools see one shape whichever backend wrote it. The HDF5
//! layout is documented at the top of `hdf5_file.rs`.

mod chunks;
mod hdf5_file;
mod memory;
mod sonata;
mod sonata_report;
mod threaded;

pub use hdf5_file::{
    check_layout, read_hdf5, recorder_name, ConnectionTable, Hdf5Error, Hdf5File, Hdf5Options,
    Hdf5Sink, NodeEntry, RunInfo, SonataSpikes, Sorting, DEFAULT_CHECKPOINT_INTERVAL,
    DEFAULT_SAMPLE_COMPRESSION, FORMAT_VERSION,
};
pub use memory::MemorySink;
pub use sonata_report::{report_path, report_paths};
pub use threaded::{ThreadedSink, BATCH_AGE, BATCH_BYTES, CHANNEL_BATCHES};

/// Everything a run recorded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recording {
    pub spike_recorders: Vec<SpikeData>,
    pub multimeters: Vec<MultimeterData>,
    pub weight_recorders: Vec<WeightData>,
    /// The spike detectors' results at the end of the last run.
    pub detectors: Vec<DetectorData>,
}

impl Recording {
    pub fn spike_recorder(&self, name: &str) -> Option<&SpikeData> {
        self.spike_recorders.iter().find(|s| s.name == name)
    }

    pub fn multimeter(&self, name: &str) -> Option<&MultimeterData> {
        self.multimeters.iter().find(|m| m.name == name)
    }

    pub fn weight_recorder(&self, name: &str) -> Option<&WeightData> {
        self.weight_recorders.iter().find(|w| w.name == name)
    }

    pub fn detector(&self, name: &str) -> Option<&DetectorData> {
        self.detectors.iter().find(|d| d.name == name)
    }
}

/// The result of one spike detector (`correlation_detector`, `correlomatrix_detector`) as the
/// last run left it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DetectorData {
    pub name: String,
    pub id: u32,
    /// NEST's model name.
    pub model: String,
    pub results: Vec<spindle_core::detector::DetectorResult>,
}

impl DetectorData {
    /// The result array `name` (`histogram`, `covariance`, …).
    pub fn result(&self, name: &str) -> Option<&spindle_core::detector::DetectorResult> {
        self.results.iter().find(|r| r.name == name)
    }
}

/// The events of one weight recorder, in the order of
/// [`WeightBlock`](spindle_core::recording::WeightBlock).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WeightData {
    pub name: String,
    pub id: u32,
    pub events: spindle_core::recording::WeightBlock,
}

/// The spikes of one spike recorder, sorted by (time, sender).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpikeData {
    /// The recorder's node name (its HDF5 group).
    pub name: String,
    pub id: u32,
    pub times: Vec<f64>,
    pub senders: Vec<i64>,
}

/// The samples of one multimeter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MultimeterData {
    pub name: String,
    pub id: u32,
    /// The T sample times (ms).
    pub times: Vec<f64>,
    /// The N recorded node ids, ascending.
    pub senders: Vec<i64>,
    /// One (name, row-major T × N values) per recordable, in `record_from` order.
    pub values: Vec<(String, Vec<f64>)>,
}

impl MultimeterData {
    /// The values of recordable `name` as a row-major T × N array.
    pub fn values_of(&self, name: &str) -> Option<&[f64]> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The time series of recordable `name` for node `sender`.
    pub fn trace(&self, name: &str, sender: i64) -> Option<Vec<f64>> {
        let col = self.senders.iter().position(|&s| s == sender)?;
        let v = self.values_of(name)?;
        let n = self.senders.len();
        Some((0..self.times.len()).map(|t| v[t * n + col]).collect())
    }
}
