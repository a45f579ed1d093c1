//! The HDF5 recording file: [`Hdf5Sink`] writes it as a run goes, [`read_hdf5`] reads it back.
//!
//! # Layout (format_version 2)
//!
//! This layout is a contract: external tools (h5py, pandas, bmtk, the NEST-side comparison
//! scripts) read and write it. All times are in ms. Strings are variable-length UTF-8.
//!
//! Changes from format_version 1: the file is written in HDF5's single-writer/multiple-reader
//! (SWMR) mode, in HDF5 1.10's file format, unless that mode is turned off
//! ([`Hdf5Options::swmr`]); `simulated_time` is updated at every checkpoint, not only after
//! every `Simulate`; the optional SONATA group `/spikes`. The native groups are unchanged.
//!
//! ## Root attributes
//!
//! | name              | type          | meaning                                                  |
//! |-------------------|---------------|----------------------------------------------------------|
//! | `format_version`  | int64         | `2`                                                      |
//! | `resolution`      | float64       | simulation step (ms)                                     |
//! | `seed`            | uint64        | master seed of the run                                   |
//! | `threads`         | int64         | worker threads of the run                                |
//! | `simulated_time`  | float64       | simulated time (ms) up to which the file holds every recorded event: `0` at creation, updated at every checkpoint |
//! | `spindle_version` | string        | version of the spindle that wrote the file               |
//!
//! ## `/nodes` — the `[[nodes]]` entries, in file order
//!
//! Four 1-D datasets of equal length, one element per entry (uncompressed; contiguous, or
//! chunked (1,) when there are no entries):
//! `name` (string), `model` (string), `first_id` (int64), `count` (int64). The entry
//! covers the node ids `first_id .. first_id + count`.
//!
//! ## One group per recording device
//!
//! The group is named after the device's node: the `name` of the `/nodes` entry that contains
//! its id, or `<name>_<k>` when that entry has `count > 1` (`k = id − first_id`, from 0), or
//! the decimal id when no entry contains it. The name `nodes` is reserved, and so is `spikes`
//! when SONATA output is on (such a device is refused before anything is written). Every device
//! group has the attributes `model` (string, see below) and `node_id` (int64, the device's id).
//!
//! **Spike recorder** (`model = "spike_recorder"`):
//! - `times`: float64, shape (S,): spike times (ms);
//! - `senders`: int64, shape (S,): the id of the spiking node;
//!
//! one element per spike (a spike of multiplicity m appears m times), sorted by
//! (time, sender) as received.
//!
//! **Multimeter** (`model = "multimeter"`, or `"voltmeter"` for NEST's voltmeter), recording N nodes at T sample times:
//! - attributes `interval` (float64, ms) and `record_from` (1-D array of strings: the
//!   recordables, in order);
//! - `times`: float64, shape (T,): sample times (ms);
//! - `senders`: int64, shape (N,): the recorded node ids, ascending (uncompressed; contiguous,
//!   or chunked (1,) when N = 0); column j of every value dataset belongs to `senders[j]`;
//! - one dataset per recordable, named after it (`V_m`, `g_1`, …): float64, shape (T, N),
//!   row t = the values at `times[t]`, with a string attribute `units` (e.g. `"mV"`).
//!
//! **Weight recorder** (`model = "weight_recorder"`), E events of the synapses whose model
//! names it:
//! - `times`: float64, shape (E,): the presynaptic spike's time (ms);
//! - `senders`, `targets`: int64, shape (E,): the synapse's source and target;
//! - `weights`: float64, shape (E,): the weight the event carried (after the synapse's update);
//! - `receptors`: int64, shape (E,): the receptor type of the synapse;
//! - `ports`: int64, shape (E,): the synapse's `port` as `GetConnections` lists it;
//!
//! one element per event (a spike of multiplicity m gives m), sorted by (time, sender, the
//! synapse's place in `GetConnections`), which does not depend on the thread count.
//!
//! **Storage of the growing datasets** (`times` and spike `senders`, and the (T, N) value
//! datasets): maximum shape unlimited along the first axis (both axes when N = 0), chunked,
//! filters shuffle + deflate (gzip level 4 for the 1-D datasets, [`Hdf5Options::compression`]
//! for the (T, N) ones, which level 0 leaves unfiltered). 1-D chunks hold 65536 elements; a
//! (T, N) chunk is `(max(1, 65536 / N), min(N, 131072))` (at most 1 MiB; `(65536, 1)` when
//! N = 0). They are extended and written block by block as the run goes; nothing is buffered to
//! the end. Full chunks are compressed and written once — the (T, N) ones on several threads,
//! outside HDF5 (`crate::chunks`) — and only a dataset's last, partly filled chunk is written
//! again when a checkpoint caught it part full.
//! A device that recorded nothing still has all its datasets, with length 0. The writer
//! refuses recordables that could not name a dataset (empty, containing `/`, `.`, `times`,
//! `senders`, or repeated).
//!
//! ## `/connections` — the final connections (only with [`Hdf5Options::connections`])
//!
//! Five 1-D datasets of equal length, one row per synapse of the network at the end of the
//! run (connections of recording devices left out), sorted by (source, target,
//! synapse_model), ties in creation order: `source`, `target` (int64), `weight` (float64, the
//! synapse's weight as `GetConnections` lists it), `delay` (float64, ms) and `synapse_model`
//! (variable-length strings). Chunked as the growing datasets (`synapse_model` uncompressed);
//! created empty at the start and written once when the run ends, so a file cut short by a
//! crash or Ctrl-C holds the group empty.
//!
//! ## `/spikes` — SONATA spike output (only with [`Hdf5Options::sonata`])
//!
//! As the SONATA specification's spike file: one group `/spikes/<population>` per `[[nodes]]`
//! entry with at least one neuron connected to a spike recorder, named after the entry, with
//! - attribute `sorting`: HDF5 enum over uint8 `{none = 0, by_id = 1, by_time = 2}`, value
//!   `by_time`;
//! - `timestamps`: float64, shape (S,), attribute `units = "ms"`: spike times;
//! - `node_ids`: uint64, shape (S,): the spiking node's id counted from 0 within the entry
//!   (`id − first_id`);
//!
//! sorted by (time, node id); chunked as the other growing 1-D datasets but not compressed
//! (libsonata's Python wheels cannot read deflate-compressed datasets). A spike appears once
//! (m times for multiplicity m) even when several recorders record its neuron (as often as
//! in the recorder that holds it most often), so the population's spikes are the union of
//! what its recorders recorded; spikes of stimulating devices are not SONATA output.
//!
//! With SONATA output on, every multimeter recordable is also a SONATA report, written to a
//! file of its own beside this one (`sonata_report.rs` documents its layout); this file's
//! layout does not change with it.
//!
//! ## Checkpoints, crashes and reading while running
//!
//! The sink checkpoints at the first slice end [`Hdf5Options::checkpoint_interval`] (default
//! 1 s of wall-clock time) after the previous checkpoint, and at the end of every `Simulate`:
//! it writes everything it received, flushes (`H5Fflush`), sets `simulated_time` to the slice
//! end and flushes again. In SWMR mode HDF5 orders its metadata writes so that the file on
//! disk is consistent at every moment: a reader (`h5py.File(path, "r", swmr=True)`) sees the
//! data up to the last checkpoint while the run goes, and a writer killed at any moment
//! (`kill -9`, a crash, a full disk) leaves a file that opens the same way and holds every
//! event up to `simulated_time`. Such a file is still marked as open for writing: HDF5
//! refuses to open it without `swmr=True` until `h5clear -s FILE` clears the mark (never run
//! that while the writer is alive). Its datasets may hold data past `simulated_time`,
//! different amounts in different datasets; readers keep the entries with time ≤
//! `simulated_time` (a prefix, as everything is sorted by time). A file closed normally
//! (end of run, Ctrl-C) opens like any other.
//!
//! Space: a checkpoint writes the partly filled last chunk of every dataset that grew; when
//! the chunk is later completed and compressed again to another size, SWMR mode never frees
//! the old copy (a reader may be reading it). A file thus carries up to one compressed chunk
//! per growing dataset per checkpoint beyond its data (`docs/output-format.md` has numbers).
//!
//! # Reading
//!
//! [`read_hdf5`] also reads files written by other tools in this layout. It needs the root
//! attributes `resolution`, `seed`, `threads` and `simulated_time`; `spindle_version`,
//! `format_version` (must be ≤ 2 when present) and `/nodes` are optional. A file that does not
//! open plainly is opened in SWMR mode; it is then unclosed ([`Hdf5File::closed`] is false)
//! and every device is cut to its entries with time ≤ `simulated_time`. A `/spikes` group
//! without a `model` attribute that holds only groups is read as SONATA output (otherwise as a
//! device group, as files of other tools may name a recorder `spikes`). Integer data may be
//! any integer type, strings fixed- or variable-length. Device groups are recognised by
//! `model` when it says `spike_recorder` or `multimeter`, otherwise by their contents: a
//! group with a 2-D dataset is a multimeter, one with `times` and `senders` and no 2-D dataset
//! a spike recorder; other groups are ignored. A multimeter's recordables are its
//! `record_from` attribute when present, else its 2-D datasets in name order. A device's id
//! is its `node_id` attribute, else found from its name through `/nodes` (the naming rule
//! above, reversed), else 0. Devices come back in ascending id order (ties by name).

use crate::chunks;
use crate::sonata::{self, Population};
use crate::sonata_report::{report_path, report_paths, ReportFile};
use crate::{DetectorData, MultimeterData, Recording, SpikeData, WeightData};
use hdf5::types::{FixedAscii, FixedUnicode, TypeDescriptor, VarLenAscii, VarLenUnicode};
use hdf5::{Container, Dataset, File, Group, LocationType, OpenMode, SimpleExtents};
use ndarray::ArrayView2;
use spindle_core::detector::{DetectorResult, ResultValues};
use spindle_core::recording::{RecordSink, RecordingLayout, SampleBlock, SinkError, WeightBlock};
use spindle_core::NodeId;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The `format_version` this module writes and the newest it reads.
pub const FORMAT_VERSION: i64 = 2;

/// Elements per chunk of a growing 1-D dataset (512 KiB of float64).
pub(crate) const CHUNK_ELEMENTS: usize = 65536;
/// The most float64 values in one chunk of a (T, N) dataset (1 MiB).
const CHUNK_MAX_VALUES: usize = 131072;
/// Deflate level of the growing 1-D datasets (times, senders, events), which HDF5 compresses
/// on the writer thread; a middle level because level 1 measured only ~10% faster than 4 there.
const DEFLATE_LEVEL: u8 = 4;
/// Chunk cache per dataset: room for the partly filled chunk being appended to plus the one
/// after it, so an append never re-reads and re-inflates a chunk it just wrote.
pub(crate) const CHUNK_CACHE_BYTES: usize = 4 << 20;
pub(crate) const CHUNK_CACHE_SLOTS: usize = 521;

/// The group that holds the `[[nodes]]` table; no device may be called this.
const NODES_GROUP: &str = "nodes";
/// The group of the SONATA spike output; no device may be called this when it is written.
const SONATA_GROUP: &str = "spikes";
/// The group of the final connections (with [`Hdf5Options::connections`]).
const CONNECTIONS_GROUP: &str = "connections";

/// The SONATA `sorting` attribute of a population: an HDF5 enum over `uint8`, as the SONATA
/// specification says and libsonata reads (bmtk also accepts it).
mod sorting {
    // The derive implements hdf5's `unsafe trait H5Type` (a type descriptor for a `repr(u8)`
    // enum); no unsafe code is written by hand here.
    #![allow(unsafe_code)]

    #[derive(hdf5::H5Type, Clone, Copy, Debug, PartialEq, Eq)]
    #[repr(u8)]
    pub enum Sorting {
        #[hdf5(rename = "none")]
        None = 0,
        #[hdf5(rename = "by_id")]
        ById = 1,
        #[hdf5(rename = "by_time")]
        ByTime = 2,
    }
}
pub use sorting::Sorting;

/// How [`Hdf5Sink`] writes a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Hdf5Options {
    /// Replace an existing file (otherwise creating over one is an error).
    pub overwrite: bool,
    /// Also write the SONATA spike groups under `/spikes`.
    pub sonata: bool,
    /// Write in HDF5's single-writer/multiple-reader mode (file format of HDF5 1.10): the file
    /// can be read while it is written and survives a crash of the writer. Without it the
    /// file has HDF5 1.8's format and is only guaranteed readable once closed.
    pub swmr: bool,
    /// The least wall-clock time between two checkpoints (flushes at a slice end); a
    /// checkpoint also ends every `Simulate`.
    pub checkpoint_interval: Duration,
    /// Create the group `/connections`, which [`Hdf5Sink::write_connections`] fills at the
    /// end of the run.
    pub connections: bool,
    /// The deflate level (1–9) of the multimeters' (T, N) value datasets, or 0 to store them
    /// without filters. Their chunks are compressed on several threads (`crate::chunks`).
    pub compression: u8,
}

impl Default for Hdf5Options {
    fn default() -> Hdf5Options {
        Hdf5Options {
            overwrite: false,
            sonata: false,
            swmr: true,
            checkpoint_interval: DEFAULT_CHECKPOINT_INTERVAL,
            connections: false,
            compression: DEFAULT_SAMPLE_COMPRESSION,
        }
    }
}

/// Wall-clock time between checkpoints unless asked otherwise.
pub const DEFAULT_CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);

/// Run-wide facts stored as root attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    /// Simulation step (ms).
    pub resolution: f64,
    pub seed: u64,
    pub threads: usize,
    pub spindle_version: String,
}

/// One `[[nodes]]` entry: `count` nodes of `model` with ids `first_id .. first_id + count`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeEntry {
    pub name: String,
    pub model: String,
    pub first_id: u32,
    pub count: u32,
}

impl NodeEntry {
    pub(crate) fn contains(&self, id: u32) -> bool {
        id >= self.first_id && u64::from(id) < u64::from(self.first_id) + u64::from(self.count)
    }
}

/// Everything [`read_hdf5`] finds in a recording file.
#[derive(Clone, Debug, PartialEq)]
pub struct Hdf5File {
    pub info: RunInfo,
    /// Total simulated time at the last checkpoint (ms): the data is complete up to here.
    pub simulated_time: f64,
    /// Whether the writer closed the file. A file still being written, or left by a writer
    /// that stopped without closing it (a crash, `kill -9`), is read in single-writer/
    /// multiple-reader mode and cut at `simulated_time` (see the module documentation).
    pub closed: bool,
    /// The `/nodes` table (empty when the file has none).
    pub nodes: Vec<NodeEntry>,
    pub recording: Recording,
    /// The SONATA spike groups, in name order (empty when the file has none).
    pub sonata: Vec<SonataSpikes>,
}

/// The spikes of one SONATA population (`/spikes/<population>`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SonataSpikes {
    pub population: String,
    /// Spike times (ms).
    pub timestamps: Vec<f64>,
    /// Node ids counted from 0 within the population.
    pub node_ids: Vec<u64>,
}

/// Why a recording file could not be written or read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum Hdf5Error {
    #[error("{}: the file already exists (allow overwriting to replace it)", path.display())]
    Exists { path: PathBuf },

    #[error("{}: {context}: {source}", path.display())]
    Hdf5 {
        path: PathBuf,
        context: String,
        #[source]
        source: hdf5::Error,
    },

    #[error("{}: recording device {id} cannot be named {name:?}: {reason}", path.display())]
    InvalidName {
        path: PathBuf,
        id: u32,
        name: String,
        reason: &'static str,
    },

    /// The sink was called in a way the recording contract does not allow.
    #[error("{}: {message}", path.display())]
    BadCall { path: PathBuf, message: String },

    /// The file is not in the documented layout.
    #[error("{}: {object}: {message}", path.display())]
    Malformed {
        path: PathBuf,
        object: String,
        message: String,
    },

    #[error(
        "{}: format_version {found} is newer than this spindle reads ({FORMAT_VERSION})",
        path.display()
    )]
    UnsupportedVersion { path: PathBuf, found: i64 },
}

/// Attaches the file and what was being done to an HDF5 error.
pub(crate) trait Context<T> {
    fn at(self, path: &Path, context: impl FnOnce() -> String) -> Result<T, Hdf5Error>;
}

impl<T> Context<T> for hdf5::Result<T> {
    fn at(self, path: &Path, context: impl FnOnce() -> String) -> Result<T, Hdf5Error> {
        self.map_err(|source| Hdf5Error::Hdf5 {
            path: path.to_path_buf(),
            context: context(),
            source,
        })
    }
}

/// The group name of recording device `id`: see the module documentation.
pub fn recorder_name(nodes: &[NodeEntry], id: NodeId) -> String {
    match nodes.iter().find(|e| e.contains(id.0)) {
        Some(e) if e.count == 1 => e.name.clone(),
        Some(e) => format!("{}_{}", e.name, id.0 - e.first_id),
        None => id.0.to_string(),
    }
}

/// The id whose [`recorder_name`] is `name`, if any.
fn id_of_name(nodes: &[NodeEntry], name: &str) -> Option<u32> {
    for e in nodes {
        if e.count == 1 && e.name == name {
            return Some(e.first_id);
        }
        if e.count > 1 {
            let k = name
                .strip_prefix(e.name.as_str())
                .and_then(|rest| rest.strip_prefix('_'))
                .and_then(|k| k.parse::<u32>().ok());
            if let Some(k) = k.filter(|&k| k < e.count) {
                return Some(e.first_id + k);
            }
        }
    }
    name.parse::<u32>()
        .ok()
        .filter(|&id| !nodes.iter().any(|e| e.contains(id)))
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// A spike recorder's open datasets.
struct SpikeSets {
    times: Dataset,
    senders: Dataset,
    /// Entries written to the datasets.
    len: usize,
    /// Entries received but not yet written.
    pending_times: Vec<f64>,
    pending_senders: Vec<i64>,
}

/// The connections of a network, one row per synapse (see `/connections` in the layout).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConnectionTable {
    pub source: Vec<u32>,
    pub target: Vec<u32>,
    pub weight: Vec<f64>,
    /// Delays in ms.
    pub delay: Vec<f64>,
    pub synapse_model: Vec<String>,
}

/// A weight recorder's open datasets: times, senders, targets, weights, receptors, ports.
struct WeightSets {
    datasets: [Dataset; 6],
    /// Events written to the datasets.
    len: usize,
    /// Events received but not yet written.
    pending: WeightBlock,
}

/// The datasets of a weight recorder group, in [`WeightSets`] order.
const WEIGHT_DATASETS: [&str; 6] = [
    "times",
    "senders",
    "targets",
    "weights",
    "receptors",
    "ports",
];

/// A multimeter's open datasets.
struct MultimeterSets {
    times: Dataset,
    /// One (T, N) dataset per recordable, in `record_from` order.
    values: Vec<Dataset>,
    n_senders: usize,
    /// The chunk shape of the value datasets ([`chunk_2d`]).
    chunk: (usize, usize),
    /// Their deflate level ([`Hdf5Options::compression`]; 0: not compressed).
    level: u8,
    /// Rows in complete chunks, written for good (a multiple of `chunk.0`).
    complete: usize,
    /// Rows in the datasets (`complete` plus those of a partly filled chunk that a checkpoint
    /// wrote).
    rows: usize,
    /// The rows from `complete` on (some of them may be written already, up to `rows`):
    /// times, and per recordable the row-major values. They are kept until their chunk is
    /// complete, which is then compressed and written once (`crate::chunks`).
    pending_times: Vec<f64>,
    pending_values: Vec<Vec<f64>>,
    /// The SONATA report files, one per recordable in `record_from` order (none unless
    /// [`Hdf5Options::sonata`]).
    reports: Vec<ReportFile>,
}

/// Blocks are collected up to this many values per device before they are written: one
/// HDF5 write per chunk-sized block instead of one per min-delay slice, with bounded memory.
const PENDING_VALUES: usize = 1 << 16;

/// The default [`Hdf5Options::compression`]. On membrane potentials (Brunel, 12 500 neurons,
/// docs/performance.md) level 1 keeps 92 % of the bytes at ~84 MB/s per core, level 4 keeps
/// 83 % at ~43 MB/s: their mantissas do not compress, and speed matters more.
pub const DEFAULT_SAMPLE_COMPRESSION: u8 = 1;

/// Writes a recording file as the run goes. Create it with [`Hdf5Sink::create`] (or
/// [`Hdf5Sink::create_with`]), hand it to the simulation as a [`RecordSink`], and close it with
/// [`Hdf5Sink::finish`].
///
/// Dataset handles stay open for the life of the sink, so each block is one extend and one
/// write of the new rows. At a slice end at least [`Hdf5Options::checkpoint_interval`] after
/// the previous checkpoint, and at the end of every run, it checkpoints: everything received
/// is written, the file flushed, `simulated_time` set to the slice end and flushed again.
pub struct Hdf5Sink {
    path: PathBuf,
    file: File,
    nodes: Vec<NodeEntry>,
    options: Hdf5Options,
    /// The simulation step (ms): the SONATA reports check their time grid in steps.
    resolution: f64,
    /// `None` until [`RecordSink::begin`].
    spike_recorders: Option<Vec<SpikeSets>>,
    multimeters: Vec<MultimeterSets>,
    weight_recorders: Vec<WeightSets>,
    /// Per spike detector, its result datasets in the order of its layout's `arrays`.
    detectors: Vec<Vec<Dataset>>,
    /// `/connections`: source, target, weight, delay, synapse_model (with
    /// [`Hdf5Options::connections`]), and the rows written so far.
    connections: Option<([Dataset; 5], usize)>,
    /// The SONATA populations (empty unless [`Hdf5Options::sonata`]).
    sonata: Vec<SonataSets>,
    /// Per spike recorder, the (time, sender) pairs of the current slice, kept for the SONATA
    /// populations (empty unless some population needs them).
    slice_spikes: Vec<Vec<(f64, u32)>>,
    last_checkpoint: Instant,
}

/// A SONATA population's open datasets.
struct SonataSets {
    population: Population,
    timestamps: Dataset,
    node_ids: Dataset,
    len: usize,
    pending_times: Vec<f64>,
    pending_ids: Vec<u64>,
}

impl std::fmt::Debug for Hdf5Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hdf5Sink")
            .field("path", &self.path)
            .field("options", &self.options)
            .field("begun", &self.spike_recorders.is_some())
            .finish_non_exhaustive()
    }
}

impl Hdf5Sink {
    /// Create the file at `path` with its root attributes and `/nodes` table and the default
    /// [`Hdf5Options`] (single-writer/multiple-reader mode, no SONATA output). An existing file
    /// is an error unless `overwrite` is true, in which case it is truncated.
    pub fn create(
        path: &Path,
        info: &RunInfo,
        nodes: &[NodeEntry],
        overwrite: bool,
    ) -> Result<Hdf5Sink, Hdf5Error> {
        let options = Hdf5Options {
            overwrite,
            ..Hdf5Options::default()
        };
        Hdf5Sink::create_with(path, info, nodes, &options)
    }

    /// As [`Hdf5Sink::create`], with every option.
    pub fn create_with(
        path: &Path,
        info: &RunInfo,
        nodes: &[NodeEntry],
        options: &Hdf5Options,
    ) -> Result<Hdf5Sink, Hdf5Error> {
        if options.compression > 9 {
            return Err(Hdf5Error::BadCall {
                path: path.to_path_buf(),
                message: format!(
                    "compression {}: a deflate level is 0 (none) to 9",
                    options.compression
                ),
            });
        }
        let overwrite = options.overwrite;
        if !overwrite && path.exists() {
            return Err(Hdf5Error::Exists {
                path: path.to_path_buf(),
            });
        }
        let mut builder = File::with_options();
        if options.swmr {
            // Single-writer/multiple-reader mode needs the file format of HDF5 1.10.
            builder.with_fapl(|p| p.libver_v110());
        }
        let file = if overwrite {
            builder.create(path)
        } else {
            // Exclusive creation also catches a file that appeared since the check above.
            builder.create_excl(path)
        }
        .map_err(|source| {
            if !overwrite && path.exists() {
                Hdf5Error::Exists {
                    path: path.to_path_buf(),
                }
            } else {
                Hdf5Error::Hdf5 {
                    path: path.to_path_buf(),
                    context: "cannot create the file".into(),
                    source,
                }
            }
        })?;

        let sink = Hdf5Sink {
            path: path.to_path_buf(),
            file,
            nodes: nodes.to_vec(),
            options: options.clone(),
            resolution: info.resolution,
            spike_recorders: None,
            multimeters: Vec::new(),
            weight_recorders: Vec::new(),
            detectors: Vec::new(),
            connections: None,
            sonata: Vec::new(),
            slice_spikes: Vec::new(),
            last_checkpoint: Instant::now(),
        };
        sink.write_header(info)?;
        Ok(sink)
    }

    fn write_header(&self, info: &RunInfo) -> Result<(), Hdf5Error> {
        let p = &self.path;
        let root: &Group = &self.file;
        scalar_attr(p, root, "format_version", &FORMAT_VERSION)?;
        scalar_attr(p, root, "resolution", &info.resolution)?;
        scalar_attr(p, root, "seed", &info.seed)?;
        scalar_attr(p, root, "threads", &to_i64(info.threads))?;
        scalar_attr(p, root, "simulated_time", &0.0f64)?;
        string_attr(p, root, "spindle_version", &info.spindle_version)?;

        let g = root
            .create_group(NODES_GROUP)
            .at(p, || "cannot create group /nodes".into())?;
        let names = self.nodes.iter().map(|e| e.name.as_str());
        string_dataset(p, &g, "name", names)?;
        let models = self.nodes.iter().map(|e| e.model.as_str());
        string_dataset(p, &g, "model", models)?;
        let first: Vec<i64> = self.nodes.iter().map(|e| i64::from(e.first_id)).collect();
        fixed_dataset(p, &g, "first_id", &first)?;
        let count: Vec<i64> = self.nodes.iter().map(|e| i64::from(e.count)).collect();
        fixed_dataset(p, &g, "count", &count)?;
        Ok(())
    }

    /// Append the network's connections to `/connections` (made at `begin` when
    /// [`Hdf5Options::connections`] is set): NEST's final connections, written once at the
    /// end of a run, after every recording (then checkpointed by [`Hdf5Sink::finish`]).
    pub fn write_connections(&mut self, table: &ConnectionTable) -> Result<(), Hdf5Error> {
        let p = self.path.clone();
        let Some(([source, target, weight, delay, model], rows)) = self.connections.as_mut() else {
            return Err(self.bad_call(
                "write_connections without Hdf5Options::connections (or before begin)".into(),
            ));
        };
        let n = table.source.len();
        if [
            table.target.len(),
            table.weight.len(),
            table.delay.len(),
            table.synapse_model.len(),
        ]
        .iter()
        .any(|&l| l != n)
        {
            return Err(Hdf5Error::BadCall {
                path: p,
                message: "write_connections: columns of different lengths".into(),
            });
        }
        let ids = |v: &[u32]| v.iter().map(|&x| i64::from(x)).collect::<Vec<i64>>();
        append_1d(&p, source, *rows, &ids(&table.source))?;
        append_1d(&p, target, *rows, &ids(&table.target))?;
        append_1d(&p, weight, *rows, &table.weight)?;
        append_1d(&p, delay, *rows, &table.delay)?;
        let names = table
            .synapse_model
            .iter()
            .map(|s| vlen(&p, s))
            .collect::<Result<Vec<_>, _>>()?;
        append_1d(&p, model, *rows, &names)?;
        *rows += n;
        Ok(())
    }

    /// The file this sink writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write what is pending, flush and close the file, reporting any error (dropping the sink
    /// closes it silently and loses what was not yet written).
    pub fn finish(mut self) -> Result<(), Hdf5Error> {
        self.end_sonata_slice();
        self.write_pending()?;
        let Hdf5Sink {
            path,
            file,
            spike_recorders,
            multimeters,
            weight_recorders,
            detectors,
            connections,
            sonata,
            ..
        } = self;
        drop(connections);
        drop(detectors);
        // Close the datasets first so that closing the file really closes it.
        drop(spike_recorders);
        let mut reports = Vec::new();
        for m in multimeters {
            reports.extend(m.reports);
        }
        for report in reports {
            report.finish()?;
        }
        drop(weight_recorders);
        drop(sonata);
        file.flush().at(&path, || "cannot flush the file".into())?;
        file.close().at(&path, || "cannot close the file".into())
    }

    fn bad_call(&self, message: String) -> Hdf5Error {
        Hdf5Error::BadCall {
            path: self.path.clone(),
            message,
        }
    }

    fn device_group(&self, id: NodeId, model: &str) -> Result<Group, Hdf5Error> {
        let name = recorder_name(&self.nodes, id);
        let g = self
            .file
            .create_group(&name)
            .at(&self.path, || format!("cannot create group /{name}"))?;
        string_attr(&self.path, &g, "model", model)?;
        scalar_attr(&self.path, &g, "node_id", &i64::from(id.0))?;
        Ok(g)
    }

    fn try_begin(&mut self, layout: &RecordingLayout) -> Result<(), Hdf5Error> {
        if self.spike_recorders.is_some() {
            return Err(self.bad_call("begin was called twice".into()));
        }
        check_layout(&self.path, &self.nodes, layout, &self.options)?;
        let p = self.path.clone();
        let mut spikes = Vec::with_capacity(layout.spike_recorders.len());
        for r in &layout.spike_recorders {
            let g = self.device_group(r.id, "spike_recorder")?;
            spikes.push(SpikeSets {
                times: growing_1d::<f64>(&p, &g, "times")?,
                senders: growing_1d::<i64>(&p, &g, "senders")?,
                len: 0,
                pending_times: Vec::new(),
                pending_senders: Vec::new(),
            });
        }
        let mut multimeters = Vec::with_capacity(layout.multimeters.len());
        for m in &layout.multimeters {
            let g = self.device_group(m.id, m.model)?;
            scalar_attr(&p, &g, "interval", &m.interval_ms)?;
            string_array_attr(&p, &g, "record_from", &m.record_from)?;
            let senders: Vec<i64> = m.senders.iter().map(|s| i64::from(s.0)).collect();
            fixed_dataset(&p, &g, "senders", &senders)?;
            let times = growing_1d::<f64>(&p, &g, "times")?;
            let mut values = Vec::with_capacity(m.record_from.len());
            for (r, name) in m.record_from.iter().enumerate() {
                let ds = growing_2d(&p, &g, name, senders.len(), self.options.compression)?;
                string_attr(&p, &ds, "units", m.units.get(r).copied().unwrap_or(""))?;
                values.push(ds);
            }
            let mut reports = Vec::new();
            if self.options.sonata {
                let device = recorder_name(&self.nodes, m.id);
                for (r, name) in m.record_from.iter().enumerate() {
                    let path = report_path(&p, &device, name);
                    reports.push(ReportFile::create(
                        &path,
                        &self.nodes,
                        m,
                        r,
                        self.resolution,
                        self.options.swmr,
                    )?);
                }
            }
            multimeters.push(MultimeterSets {
                level: self.options.compression,
                times,
                pending_values: vec![Vec::new(); values.len()],
                values,
                n_senders: senders.len(),
                chunk: chunk_2d(senders.len()),
                complete: 0,
                rows: 0,
                pending_times: Vec::new(),
                reports,
            });
        }
        for w in &layout.weight_recorders {
            let g = self.device_group(w.id, "weight_recorder")?;
            let [t, s, tg, wt, r, po] = WEIGHT_DATASETS;
            self.weight_recorders.push(WeightSets {
                datasets: [
                    growing_1d::<f64>(&p, &g, t)?,
                    growing_1d::<i64>(&p, &g, s)?,
                    growing_1d::<i64>(&p, &g, tg)?,
                    growing_1d::<f64>(&p, &g, wt)?,
                    growing_1d::<i64>(&p, &g, r)?,
                    growing_1d::<i64>(&p, &g, po)?,
                ],
                len: 0,
                pending: WeightBlock::default(),
            });
        }
        for d in &layout.detectors {
            let g = self.device_group(d.id, &d.model)?;
            let names: Vec<String> = d.arrays.iter().map(|a| a.0.to_string()).collect();
            string_array_attr(&p, &g, "results", &names)?;
            let mut sets = Vec::with_capacity(d.arrays.len());
            for &(name, rank, int) in &d.arrays {
                sets.push(if int {
                    result_dataset::<i64>(&p, &g, name, rank)?
                } else {
                    result_dataset::<f64>(&p, &g, name, rank)?
                });
            }
            self.detectors.push(sets);
        }
        if self.options.connections {
            let g = self
                .file
                .create_group(CONNECTIONS_GROUP)
                .at(&p, || format!("cannot create group /{CONNECTIONS_GROUP}"))?;
            self.connections = Some((
                [
                    growing_1d::<i64>(&p, &g, "source")?,
                    growing_1d::<i64>(&p, &g, "target")?,
                    growing_1d::<f64>(&p, &g, "weight")?,
                    growing_1d::<f64>(&p, &g, "delay")?,
                    // Variable-length strings: chunked, not compressed (a filter would only
                    // see the heap references).
                    growing_1d_plain::<VarLenUnicode>(&p, &g, "synapse_model")?,
                ],
                0,
            ));
        }
        if self.options.sonata {
            let root = self
                .file
                .create_group(SONATA_GROUP)
                .at(&p, || format!("cannot create group /{SONATA_GROUP}"))?;
            for population in sonata::populations(&self.nodes, layout) {
                let g = root.create_group(&population.name).at(&p, || {
                    format!("cannot create group /{SONATA_GROUP}/{}", population.name)
                })?;
                scalar_attr(&p, &g, "sorting", &Sorting::ByTime)?;
                let timestamps = growing_1d_plain::<f64>(&p, &g, "timestamps")?;
                string_attr(&p, &timestamps, "units", "ms")?;
                let node_ids = growing_1d_plain::<u64>(&p, &g, "node_ids")?;
                self.sonata.push(SonataSets {
                    population,
                    timestamps,
                    node_ids,
                    len: 0,
                    pending_times: Vec::new(),
                    pending_ids: Vec::new(),
                });
            }
            if !self.sonata.is_empty() {
                self.slice_spikes = vec![Vec::new(); layout.spike_recorders.len()];
            }
        }
        self.spike_recorders = Some(spikes);
        self.multimeters = multimeters;
        if self.options.swmr {
            // Every object and attribute exists now: from here on datasets only grow and
            // attributes only change value, which is what the mode allows.
            self.file
                .flush()
                .at(&p, || "cannot flush the file".into())?;
            self.file.start_swmr().at(&p, || {
                "cannot start single-writer/multiple-reader mode".into()
            })?;
            for report in self.multimeters.iter().flat_map(|m| &m.reports) {
                report.start_swmr()?;
            }
        }
        self.last_checkpoint = Instant::now();
        Ok(())
    }

    fn try_spikes(
        &mut self,
        recorder: usize,
        times: &[f64],
        senders: &[u32],
    ) -> Result<(), Hdf5Error> {
        if times.len() != senders.len() {
            return Err(self.bad_call(format!(
                "spike recorder {recorder}: {} times but {} senders",
                times.len(),
                senders.len()
            )));
        }
        let n_recorders = self.spike_recorders.as_ref().map(Vec::len);
        let Some(sets) = self
            .spike_recorders
            .as_mut()
            .and_then(|s| s.get_mut(recorder))
        else {
            return Err(match n_recorders {
                None => self.bad_call("spikes before begin".into()),
                Some(n) => self.bad_call(format!(
                    "spike recorder {recorder} does not exist (the layout has {n})"
                )),
            });
        };
        sets.pending_times.extend_from_slice(times);
        sets.pending_senders
            .extend(senders.iter().map(|&s| i64::from(s)));
        if sets.pending_times.len() >= PENDING_VALUES {
            write_spikes(&self.path, sets)?;
        }
        if let Some(slice) = self.slice_spikes.get_mut(recorder) {
            slice.extend(times.iter().copied().zip(senders.iter().copied()));
        }
        Ok(())
    }

    /// Hand the spikes of the current slice to the SONATA populations.
    fn end_sonata_slice(&mut self) {
        if self.slice_spikes.iter().all(Vec::is_empty) {
            return;
        }
        for sets in &mut self.sonata {
            sonata::merge_slice(
                &sets.population,
                &self.slice_spikes,
                &mut sets.pending_times,
                &mut sets.pending_ids,
            );
        }
        for slice in &mut self.slice_spikes {
            slice.clear();
        }
    }

    /// Write every pending block to its datasets.
    fn write_pending(&mut self) -> Result<(), Hdf5Error> {
        for sets in self.spike_recorders.iter_mut().flatten() {
            write_spikes(&self.path, sets)?;
        }
        for sets in &mut self.multimeters {
            write_samples(&self.path, sets, true)?;
        }
        for sets in &mut self.weight_recorders {
            write_weights(&self.path, sets)?;
        }
        for sets in &mut self.sonata {
            write_sonata(&self.path, sets)?;
        }
        Ok(())
    }

    fn try_samples(&mut self, multimeter: usize, block: &SampleBlock<'_>) -> Result<(), Hdf5Error> {
        if self.spike_recorders.is_none() {
            return Err(self.bad_call("samples before begin".into()));
        }
        let n_multimeters = self.multimeters.len();
        let Some(sets) = self.multimeters.get(multimeter) else {
            return Err(self.bad_call(format!(
                "multimeter {multimeter} does not exist (the layout has {n_multimeters})"
            )));
        };
        let (t, n) = (block.times.len(), sets.n_senders);
        if block.n_senders != n {
            return Err(self.bad_call(format!(
                "multimeter {multimeter}: a block of {} senders, the layout has {n}",
                block.n_senders
            )));
        }
        if block.values.len() != sets.values.len() {
            return Err(self.bad_call(format!(
                "multimeter {multimeter}: a block of {} recordables, the layout has {}",
                block.values.len(),
                sets.values.len()
            )));
        }
        if let Some((r, v)) = block
            .values
            .iter()
            .enumerate()
            .find(|(_, v)| v.len() != t * n)
        {
            return Err(self.bad_call(format!(
                "multimeter {multimeter}: recordable {r} has {} values, expected {t} times × {n} senders",
                v.len()
            )));
        }
        let sets = &mut self.multimeters[multimeter];
        sets.pending_times.extend_from_slice(block.times);
        for (dst, v) in sets.pending_values.iter_mut().zip(block.values) {
            dst.extend_from_slice(v);
        }
        // Wait for enough complete chunks to keep every compressing thread busy.
        let (chunk_rows, chunk_cols) = sets.chunk;
        let chunks_per_row_block = n.div_ceil(chunk_cols).max(1) * sets.values.len();
        let complete_chunks = sets.pending_times.len() / chunk_rows * chunks_per_row_block;
        if complete_chunks >= 2 * chunks::workers()
            || (sets.pending_times.len() >= PENDING_VALUES && complete_chunks > 0)
        {
            write_samples(&self.path, sets, false)?;
        }
        Ok(())
    }

    fn try_weights(&mut self, recorder: usize, block: &WeightBlock) -> Result<(), Hdf5Error> {
        let n = self.weight_recorders.len();
        let Some(sets) = self.weight_recorders.get_mut(recorder) else {
            return Err(self.bad_call(format!(
                "weight recorder {recorder} does not exist (the layout has {n})"
            )));
        };
        sets.pending.extend(block);
        if sets.pending.len() >= PENDING_VALUES {
            write_weights(&self.path, sets)?;
        }
        Ok(())
    }

    fn try_end_of_slice(&mut self, simulated_ms: f64) -> Result<(), Hdf5Error> {
        self.end_sonata_slice();
        for sets in &mut self.sonata {
            if sets.pending_times.len() >= PENDING_VALUES {
                write_sonata(&self.path, sets)?;
            }
        }
        if self.last_checkpoint.elapsed() >= self.options.checkpoint_interval {
            self.checkpoint(simulated_ms)?;
        }
        Ok(())
    }

    /// Make the file hold everything received, up to `simulated_ms`, on disk: write it, flush,
    /// then record `simulated_time` and flush again, so that a reader (or a file left by a
    /// crash) never finds a `simulated_time` whose data is not yet on disk.
    fn checkpoint(&mut self, simulated_ms: f64) -> Result<(), Hdf5Error> {
        self.write_pending()?;
        // The reports cover their rows before `simulated_time` says the data is there.
        for report in self.multimeters.iter_mut().flat_map(|m| &mut m.reports) {
            report.sync()?;
        }
        self.file
            .flush()
            .at(&self.path, || "cannot flush the file".into())?;
        self.file
            .attr("simulated_time")
            .and_then(|a| a.write_scalar(&simulated_ms))
            .at(&self.path, || {
                "cannot update the attribute simulated_time".into()
            })?;
        self.file
            .flush()
            .at(&self.path, || "cannot flush the file".into())?;
        self.last_checkpoint = Instant::now();
        Ok(())
    }

    fn try_detector(
        &mut self,
        detector: usize,
        results: &[DetectorResult],
    ) -> Result<(), Hdf5Error> {
        let n = self.detectors.len();
        let Some(sets) = self.detectors.get(detector) else {
            return Err(self.bad_call(format!(
                "detector {detector} does not exist (the layout has {n})"
            )));
        };
        for (ds, r) in sets.iter().zip(results) {
            let object = || format!("cannot write {}", ds.name());
            ds.resize(r.shape.clone()).at(&self.path, object)?;
            if r.shape.iter().product::<usize>() == 0 {
                continue;
            }
            match &r.values {
                ResultValues::Float(v) => ds.write_raw(v),
                ResultValues::Int(v) => ds.write_raw(v),
            }
            .at(&self.path, object)?;
        }
        Ok(())
    }

    fn try_end_of_run(&mut self, simulated_ms: f64) -> Result<(), Hdf5Error> {
        self.end_sonata_slice();
        self.checkpoint(simulated_ms)
    }
}

impl RecordSink for Hdf5Sink {
    fn begin(&mut self, layout: &RecordingLayout) -> Result<(), SinkError> {
        Ok(self.try_begin(layout)?)
    }

    fn spikes(&mut self, recorder: usize, times: &[f64], senders: &[u32]) -> Result<(), SinkError> {
        Ok(self.try_spikes(recorder, times, senders)?)
    }

    fn samples(&mut self, multimeter: usize, block: &SampleBlock<'_>) -> Result<(), SinkError> {
        Ok(self.try_samples(multimeter, block)?)
    }

    fn weights(&mut self, recorder: usize, block: &WeightBlock) -> Result<(), SinkError> {
        Ok(self.try_weights(recorder, block)?)
    }

    fn detector(&mut self, detector: usize, results: &[DetectorResult]) -> Result<(), SinkError> {
        Ok(self.try_detector(detector, results)?)
    }

    fn end_of_slice(&mut self, simulated_ms: f64) -> Result<(), SinkError> {
        Ok(self.try_end_of_slice(simulated_ms)?)
    }

    fn end_of_run(&mut self, simulated_ms: f64) -> Result<(), SinkError> {
        Ok(self.try_end_of_run(simulated_ms)?)
    }
}

/// Check that every recording device, recordable and SONATA population of `layout` can be
/// written under the names the layout gives them, before anything is written: the error
/// names the device and the clash.
pub fn check_layout(
    path: &Path,
    nodes: &[NodeEntry],
    layout: &RecordingLayout,
    options: &Hdf5Options,
) -> Result<(), Hdf5Error> {
    let mut taken: Vec<String> = Vec::new();
    let ids = layout
        .spike_recorders
        .iter()
        .map(|r| r.id)
        .chain(layout.multimeters.iter().map(|m| m.id))
        .chain(layout.weight_recorders.iter().map(|w| w.id))
        .chain(layout.detectors.iter().map(|d| d.id));
    for id in ids {
        let name = recorder_name(nodes, id);
        let invalid = |reason| Hdf5Error::InvalidName {
            path: path.to_path_buf(),
            id: id.0,
            name: name.clone(),
            reason,
        };
        if let Some(reason) = bad_hdf5_name(&name) {
            return Err(invalid(reason));
        }
        if name == NODES_GROUP {
            return Err(invalid("the group /nodes holds the node table"));
        }
        if options.connections && name == CONNECTIONS_GROUP {
            return Err(invalid(
                "the group /connections holds the final connections; rename the device or leave connections off",
            ));
        }
        if options.sonata && name == SONATA_GROUP {
            return Err(invalid(
                "the group /spikes holds the SONATA output; rename the device or leave SONATA output off",
            ));
        }
        if taken.contains(&name) {
            return Err(invalid("another recording device has the same name"));
        }
        taken.push(name);
    }
    let bad_call = |message: String| Hdf5Error::BadCall {
        path: path.to_path_buf(),
        message,
    };
    for m in &layout.multimeters {
        for (r, name) in m.record_from.iter().enumerate() {
            if name.is_empty()
                || name.contains('/')
                || matches!(name.as_str(), "." | "times" | "senders")
            {
                return Err(bad_call(format!(
                    "multimeter {} records {name:?}, which cannot name a dataset",
                    m.id
                )));
            }
            if m.record_from[..r].contains(name) {
                return Err(bad_call(format!(
                    "multimeter {} records {name:?} twice",
                    m.id
                )));
            }
        }
    }
    if options.sonata {
        let report_populations = layout
            .multimeters
            .iter()
            .flat_map(|m| crate::sonata_report::populations(nodes, m))
            .map(|(e, _)| e.name.clone());
        let spike_populations = sonata::populations(nodes, layout)
            .into_iter()
            .map(|pop| pop.name);
        for name in spike_populations.chain(report_populations) {
            if let Some(reason) = bad_hdf5_name(&name) {
                return Err(bad_call(format!(
                    "[[nodes]] {name:?} cannot name a SONATA population: {reason}"
                )));
            }
        }
        // Two reports in one file, or a report over the output file itself.
        let reports = report_paths(path, nodes, layout);
        for (k, report) in reports.iter().enumerate() {
            if reports[..k].contains(report) || report == path {
                return Err(bad_call(format!(
                    "two SONATA reports (or a report and the output) would both be written to {}; \
                     rename a multimeter or recordable, or leave SONATA output off",
                    report.display()
                )));
            }
        }
    }
    Ok(())
}

/// Why `name` cannot name an HDF5 group, if it cannot.
fn bad_hdf5_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("the name is empty")
    } else if name == "." || name.contains('/') || name.contains('\0') {
        Some("HDF5 names cannot be \".\" or contain '/' or NUL")
    } else {
        None
    }
}

/// Append a spike recorder's pending entries to its datasets.
fn write_spikes(path: &Path, sets: &mut SpikeSets) -> Result<(), Hdf5Error> {
    if sets.pending_times.is_empty() {
        return Ok(());
    }
    let from = sets.len;
    append_1d(path, &sets.times, from, &sets.pending_times)?;
    append_1d(path, &sets.senders, from, &sets.pending_senders)?;
    sets.len += sets.pending_times.len();
    sets.pending_times.clear();
    sets.pending_senders.clear();
    Ok(())
}

/// Append a weight recorder's pending events to its datasets.
fn write_weights(path: &Path, sets: &mut WeightSets) -> Result<(), Hdf5Error> {
    if sets.pending.is_empty() {
        return Ok(());
    }
    let (from, b) = (sets.len, &sets.pending);
    let [times, senders, targets, weights, receptors, ports] = &sets.datasets;
    let ids = |v: &[u32]| v.iter().map(|&x| i64::from(x)).collect::<Vec<i64>>();
    append_1d(path, times, from, &b.times)?;
    append_1d(path, senders, from, &ids(&b.senders))?;
    append_1d(path, targets, from, &ids(&b.targets))?;
    append_1d(path, weights, from, &b.weights)?;
    append_1d(path, receptors, from, &b.receptors)?;
    append_1d(path, ports, from, &b.ports)?;
    sets.len += b.len();
    sets.pending = WeightBlock::default();
    Ok(())
}

/// Append a SONATA population's pending spikes to its datasets.
fn write_sonata(path: &Path, sets: &mut SonataSets) -> Result<(), Hdf5Error> {
    if sets.pending_times.is_empty() {
        return Ok(());
    }
    let from = sets.len;
    append_1d(path, &sets.timestamps, from, &sets.pending_times)?;
    append_1d(path, &sets.node_ids, from, &sets.pending_ids)?;
    sets.len += sets.pending_times.len();
    sets.pending_times.clear();
    sets.pending_ids.clear();
    Ok(())
}

/// Append a multimeter's pending rows to its datasets.
/// Write a multimeter's pending rows: its complete chunks compressed on several threads and
/// written directly, then — at a `checkpoint` — the rows of a partly filled last chunk through
/// HDF5's own filters (that chunk is written again, directly, once it is complete). Between
/// checkpoints the times and value datasets end at the last complete chunk, so that they
/// always have the same length in the file.
fn write_samples(
    path: &Path,
    sets: &mut MultimeterSets,
    checkpoint: bool,
) -> Result<(), Hdf5Error> {
    let n = sets.n_senders;
    let (chunk_rows, chunk_cols) = sets.chunk;
    let pending = sets.pending_times.len();
    let full = sets.complete + pending / chunk_rows * chunk_rows;
    let total = sets.complete + pending;
    let upto = if checkpoint { total } else { full };
    if upto > sets.rows {
        let new_times = &sets.pending_times[sets.rows - sets.complete..upto - sets.complete];
        append_1d(path, &sets.times, sets.rows, new_times)?;
        for ds in &sets.values {
            ds.resize((upto, n))
                .at(path, || format!("cannot extend {}", ds.name()))?;
        }
        // The SONATA reports (uncompressed) take the same new rows.
        let new_values = (sets.rows - sets.complete) * n..(upto - sets.complete) * n;
        for (report, v) in sets.reports.iter_mut().zip(&sets.pending_values) {
            report.append(new_times, &v[new_values.clone()], n)?;
        }
    }
    if n > 0 && full > sets.complete && sets.level == 0 {
        // Unfiltered chunks: HDF5 writes them as they are, nothing to spread over threads.
        for (ds, v) in sets.values.iter().zip(&sets.pending_values) {
            let from = sets.rows.max(sets.complete);
            if full > from {
                let part = &v[(from - sets.complete) * n..(full - sets.complete) * n];
                write_rows(path, ds, from, n, part)?;
            }
        }
    } else if n > 0 && full > sets.complete {
        let mut jobs = Vec::new();
        for (r, v) in sets.pending_values.iter().enumerate() {
            for row in (0..full - sets.complete).step_by(chunk_rows) {
                for col in (0..n).step_by(chunk_cols) {
                    let mut values = Vec::with_capacity(chunk_rows * chunk_cols);
                    for k in row..row + chunk_rows {
                        let line = &v[k * n..(k + 1) * n];
                        let end = (col + chunk_cols).min(n);
                        values.extend_from_slice(&line[col..end]);
                        values.resize(values.len() + col + chunk_cols - end, 0.0);
                    }
                    let offset = [(sets.complete + row) as u64, col as u64];
                    jobs.push(chunks::Chunk {
                        dataset: r,
                        offset,
                        values,
                    });
                }
            }
        }
        let compressed = chunks::compress_all(&jobs, u32::from(sets.level));
        for (job, bytes) in jobs.iter().zip(&compressed) {
            let ds = &sets.values[job.dataset];
            chunks::write_filtered(ds, job.offset, bytes)
                .at(path, || format!("cannot write a chunk of {}", ds.name()))?;
        }
    }
    if checkpoint && n > 0 && total > full.max(sets.rows) {
        // The partly filled last chunk: only its rows not yet in the file.
        let from = full.max(sets.rows);
        for (ds, v) in sets.values.iter().zip(&sets.pending_values) {
            let part = &v[(from - sets.complete) * n..(total - sets.complete) * n];
            write_rows(path, ds, from, n, part)?;
        }
    }
    sets.rows = sets.rows.max(upto);
    let done = full - sets.complete;
    sets.pending_times.drain(..done);
    for v in &mut sets.pending_values {
        v.drain(..done * n);
    }
    sets.complete = full;
    Ok(())
}

/// Write the row-major rows `values` (N = `n` each) of a (T, N) dataset from row `from` on,
/// through HDF5 (and its filters); the dataset already holds those rows.
fn write_rows<T: hdf5::H5Type>(
    p: &Path,
    ds: &Dataset,
    from: usize,
    n: usize,
    values: &[T],
) -> Result<(), Hdf5Error> {
    let t = values.len() / n.max(1);
    if n > 0 && t > 0 {
        let block = ArrayView2::from_shape((t, n), values).map_err(|e| Hdf5Error::BadCall {
            path: p.to_path_buf(),
            message: format!("{}: {e}", ds.name()),
        })?;
        ds.write_slice(block, (from..from + t, ..))
            .at(p, || format!("cannot write {}", ds.name()))?;
    }
    Ok(())
}

/// Extend a (rows, n) dataset by the `t` rows of `values` (row-major) and write only them.
pub(crate) fn append_rows<T: hdf5::H5Type>(
    p: &Path,
    ds: &Dataset,
    rows: usize,
    t: usize,
    n: usize,
    values: &[T],
) -> Result<(), Hdf5Error> {
    ds.resize((rows + t, n))
        .at(p, || format!("cannot extend {}", ds.name()))?;
    write_rows(p, ds, rows, n, &values[..t * n])
}

fn to_i64(x: usize) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

pub(crate) fn scalar_attr<T: hdf5::H5Type>(
    p: &Path,
    loc: &hdf5::Location,
    name: &str,
    v: &T,
) -> Result<(), Hdf5Error> {
    loc.new_attr::<T>()
        .create(name)
        .and_then(|a| a.write_scalar(v))
        .at(p, || {
            format!("cannot write attribute {name} of {}", loc.name())
        })
}

fn vlen(p: &Path, s: &str) -> Result<VarLenUnicode, Hdf5Error> {
    VarLenUnicode::from_str(s).map_err(|_| Hdf5Error::BadCall {
        path: p.to_path_buf(),
        message: format!("the string {s:?} contains a NUL character"),
    })
}

pub(crate) fn string_attr(
    p: &Path,
    loc: &hdf5::Location,
    name: &str,
    s: &str,
) -> Result<(), Hdf5Error> {
    scalar_attr(p, loc, name, &vlen(p, s)?)
}

fn string_array_attr(
    p: &Path,
    loc: &hdf5::Location,
    name: &str,
    items: &[String],
) -> Result<(), Hdf5Error> {
    let v = items
        .iter()
        .map(|s| vlen(p, s))
        .collect::<Result<Vec<_>, _>>()?;
    loc.new_attr::<VarLenUnicode>()
        .shape(v.len())
        .create(name)
        .and_then(|a| {
            if v.is_empty() {
                Ok(())
            } else {
                a.write_raw(&v)
            }
        })
        .at(p, || {
            format!("cannot write attribute {name} of {}", loc.name())
        })
}

/// A 1-D dataset of fixed length `data.len()`, contiguous and uncompressed.
pub(crate) fn fixed_dataset<T: hdf5::H5Type>(
    p: &Path,
    g: &Group,
    name: &str,
    data: &[T],
) -> Result<Dataset, Hdf5Error> {
    g.new_dataset::<T>()
        .shape(data.len())
        .create(name)
        .and_then(|ds| {
            if !data.is_empty() {
                ds.write_raw(data)?;
            }
            Ok(ds)
        })
        .at(p, || format!("cannot write {}/{name}", g.name()))
}

fn string_dataset<'s>(
    p: &Path,
    g: &Group,
    name: &str,
    items: impl Iterator<Item = &'s str>,
) -> Result<(), Hdf5Error> {
    let v = items.map(|s| vlen(p, s)).collect::<Result<Vec<_>, _>>()?;
    fixed_dataset(p, g, name, &v).map(drop)
}

/// A detector's result array of `rank` dimensions, empty until the end of the first run and
/// resized to the result's shape at the end of every run (chunked along the last axis,
/// compressed).
fn result_dataset<T: hdf5::H5Type>(
    p: &Path,
    g: &Group,
    name: &str,
    rank: usize,
) -> Result<Dataset, Hdf5Error> {
    let mut chunk = vec![1; rank];
    if let Some(last) = chunk.last_mut() {
        *last = 4096;
    }
    g.new_dataset::<T>()
        .chunk(chunk)
        .shuffle()
        .deflate(DEFLATE_LEVEL)
        .shape(SimpleExtents::new(vec![(0, None); rank]))
        .create(name)
        .at(p, || format!("cannot create {}/{name}", g.name()))
}

/// An empty 1-D dataset that grows without limit, chunked and compressed.
fn growing_1d<T: hdf5::H5Type>(p: &Path, g: &Group, name: &str) -> Result<Dataset, Hdf5Error> {
    g.new_dataset::<T>()
        .chunk(CHUNK_ELEMENTS)
        .shuffle()
        .deflate(DEFLATE_LEVEL)
        .chunk_cache(CHUNK_CACHE_SLOTS, CHUNK_CACHE_BYTES, 0.75)
        .shape(SimpleExtents::new([(0, None)]))
        .create(name)
        .at(p, || format!("cannot create {}/{name}", g.name()))
}

/// As [`growing_1d`], without filters: the SONATA datasets, because libsonata's Python wheels
/// (0.2.2 on PyPI) carry an HDF5 built without the deflate filter and cannot read compressed
/// datasets at all.
fn growing_1d_plain<T: hdf5::H5Type>(
    p: &Path,
    g: &Group,
    name: &str,
) -> Result<Dataset, Hdf5Error> {
    g.new_dataset::<T>()
        .chunk(CHUNK_ELEMENTS)
        .chunk_cache(CHUNK_CACHE_SLOTS, CHUNK_CACHE_BYTES, 0.75)
        .shape(SimpleExtents::new([(0, None)]))
        .create(name)
        .at(p, || format!("cannot create {}/{name}", g.name()))
}

/// The chunk shape of a (T, N) value dataset (see the module documentation).
fn chunk_2d(n: usize) -> (usize, usize) {
    if n == 0 {
        return (CHUNK_ELEMENTS, 1);
    }
    let rows = (CHUNK_ELEMENTS / n).max(1);
    (rows, n.min(CHUNK_MAX_VALUES))
}

/// An empty float64 (0, n) dataset that grows along time, chunked, compressed at deflate
/// `level` after shuffling (not filtered at level 0).
fn growing_2d(p: &Path, g: &Group, name: &str, n: usize, level: u8) -> Result<Dataset, Hdf5Error> {
    // A zero-width fixed axis cannot hold a chunk of width 1, so N = 0 leaves it unlimited too.
    let width = if n == 0 { (0, None) } else { (n, Some(n)) };
    let mut builder = g.new_dataset::<f64>();
    builder = builder.chunk(chunk_2d(n));
    if level > 0 {
        builder = builder.shuffle().deflate(level);
    }
    builder
        .chunk_cache(CHUNK_CACHE_SLOTS, CHUNK_CACHE_BYTES, 0.75)
        .shape(SimpleExtents::new([(0, None), width]))
        .create(name)
        .at(p, || format!("cannot create {}/{name}", g.name()))
}

/// Extend a 1-D dataset of length `from` by `data` and write only the new elements.
fn append_1d<T: hdf5::H5Type>(
    p: &Path,
    ds: &Dataset,
    from: usize,
    data: &[T],
) -> Result<(), Hdf5Error> {
    let to = from + data.len();
    ds.resize(to)
        .and_then(|()| ds.write_slice(data, from..to))
        .at(p, || format!("cannot append to {}", ds.name()))
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// Read a recording file written by [`Hdf5Sink`] or by another tool in the same layout.
pub fn read_hdf5(path: &Path) -> Result<Hdf5File, Hdf5Error> {
    let p = path;
    // A file whose writer has not closed it refuses a plain open; single-writer/multiple-
    // reader mode opens it (if it was written in that mode) and sees what was flushed.
    let (file, closed) = match File::open(path) {
        Ok(file) => (file, true),
        Err(source) => match File::open_as(path, OpenMode::ReadSWMR) {
            Ok(file) => (file, false),
            Err(_) => {
                return Err(Hdf5Error::Hdf5 {
                    path: p.to_path_buf(),
                    context: "cannot open the file".into(),
                    source,
                })
            }
        },
    };
    let malformed = |object: &str, message: String| Hdf5Error::Malformed {
        path: p.to_path_buf(),
        object: object.to_string(),
        message,
    };
    let root: &Group = &file;
    let has_attr = |name: &str| -> Result<bool, Hdf5Error> {
        Ok(root
            .attr_names()
            .at(p, || "cannot list the root attributes".into())?
            .iter()
            .any(|n| n == name))
    };
    let required = |name: &str| -> Result<hdf5::Attribute, Hdf5Error> {
        if !has_attr(name)? {
            return Err(malformed(
                "/",
                format!("the root attribute {name} is missing"),
            ));
        }
        root.attr(name)
            .at(p, || format!("cannot open the root attribute {name}"))
    };

    if has_attr("format_version")? {
        let attr = root
            .attr("format_version")
            .at(p, || "cannot open format_version".into())?;
        let found = read_int(p, &attr, "/format_version")?;
        if found > i128::from(FORMAT_VERSION) {
            return Err(Hdf5Error::UnsupportedVersion {
                path: p.to_path_buf(),
                found: i64::try_from(found).unwrap_or(i64::MAX),
            });
        }
    }
    let resolution = read_f64(p, &*required("resolution")?, "/resolution")?;
    let simulated_time = read_f64(p, &*required("simulated_time")?, "/simulated_time")?;
    let seed = read_int(p, &*required("seed")?, "/seed")?;
    let seed =
        u64::try_from(seed).map_err(|_| malformed("/seed", format!("{seed} is not a seed")))?;
    let threads = read_int(p, &*required("threads")?, "/threads")?;
    let threads = usize::try_from(threads)
        .map_err(|_| malformed("/threads", format!("{threads} is not a thread count")))?;
    let spindle_version = if has_attr("spindle_version")? {
        let a = root
            .attr("spindle_version")
            .at(p, || "cannot open spindle_version".into())?;
        read_string(p, &a, "/spindle_version")?
    } else {
        String::new()
    };

    let members = root
        .member_names()
        .at(p, || "cannot list the root group".into())?;
    let is_group = |name: &str| matches!(root.loc_type_by_name(name), Ok(LocationType::Group));
    let nodes = if members.iter().any(|m| m == NODES_GROUP) && is_group(NODES_GROUP) {
        read_nodes(
            p,
            &root
                .group(NODES_GROUP)
                .at(p, || "cannot open /nodes".into())?,
        )?
    } else {
        Vec::new()
    };

    // An unclosed file may hold data past its last checkpoint, in datasets of unequal length.
    let limit = (!closed).then_some(simulated_time);
    let mut recording = Recording::default();
    let mut sonata = Vec::new();
    for name in members.iter().filter(|m| *m != NODES_GROUP && is_group(m)) {
        let g = root.group(name).at(p, || format!("cannot open /{name}"))?;
        if name == SONATA_GROUP && is_sonata_group(p, &g)? {
            sonata = read_sonata(p, &g, limit)?;
            continue;
        }
        read_device(p, &g, name, &nodes, limit, &mut recording)?;
    }
    recording
        .spike_recorders
        .sort_by(|a, b| (a.id, &a.name).cmp(&(b.id, &b.name)));
    recording
        .multimeters
        .sort_by(|a, b| (a.id, &a.name).cmp(&(b.id, &b.name)));
    recording
        .weight_recorders
        .sort_by(|a, b| (a.id, &a.name).cmp(&(b.id, &b.name)));

    Ok(Hdf5File {
        info: RunInfo {
            resolution,
            seed,
            threads,
            spindle_version,
        },
        simulated_time,
        closed,
        nodes,
        recording,
        sonata,
    })
}

/// Whether `/spikes` holds SONATA populations rather than being a spike recorder's group (a
/// recorder called `spikes`, as in files other tools write without the `model` attribute):
/// no `model` attribute, and groups only.
fn is_sonata_group(p: &Path, g: &Group) -> Result<bool, Hdf5Error> {
    if has_attr_in(p, g, "model")? {
        return Ok(false);
    }
    let members = g
        .member_names()
        .at(p, || format!("cannot list /{SONATA_GROUP}"))?;
    Ok(members
        .iter()
        .all(|m| matches!(g.loc_type_by_name(m), Ok(LocationType::Group))))
}

fn has_attr_in(p: &Path, loc: &hdf5::Location, name: &str) -> Result<bool, Hdf5Error> {
    Ok(loc
        .attr_names()
        .at(p, || {
            format!("cannot list the attributes of {}", loc.name())
        })?
        .iter()
        .any(|n| n == name))
}

/// How many leading entries of a time-sorted dataset to keep: all of them in a closed file
/// (where `other_len`, the length of its companion dataset, must match), else those up to the
/// last checkpoint.
fn kept(
    times: &[f64],
    other_len: usize,
    limit: Option<f64>,
    mismatch: impl FnOnce() -> Hdf5Error,
) -> Result<usize, Hdf5Error> {
    match limit {
        None if times.len() != other_len => Err(mismatch()),
        None => Ok(times.len()),
        Some(t_end) => {
            let n = times.len().min(other_len);
            Ok(times[..n].partition_point(|&t| t <= t_end))
        }
    }
}

/// The SONATA populations under `/spikes`, in name order.
fn read_sonata(p: &Path, g: &Group, limit: Option<f64>) -> Result<Vec<SonataSpikes>, Hdf5Error> {
    let mut out = Vec::new();
    let mut names = g
        .member_names()
        .at(p, || format!("cannot list /{SONATA_GROUP}"))?;
    names.sort();
    for name in names {
        if !matches!(g.loc_type_by_name(&name), Ok(LocationType::Group)) {
            continue;
        }
        let object = format!("/{SONATA_GROUP}/{name}");
        let pg = g.group(&name).at(p, || format!("cannot open {object}"))?;
        let open = |d: &str| pg.dataset(d).at(p, || format!("cannot open {object}/{d}"));
        let mut timestamps =
            read_f64s(p, &open("timestamps")?, 1, &format!("{object}/timestamps"))?;
        let node_ds = open("node_ids")?;
        expect_rank(p, &node_ds, 1, &format!("{object}/node_ids"))?;
        let mut node_ids = read_ints(p, &node_ds, &format!("{object}/node_ids"))?
            .into_iter()
            .map(|v| {
                u64::try_from(v).map_err(|_| Hdf5Error::Malformed {
                    path: p.to_path_buf(),
                    object: format!("{object}/node_ids"),
                    message: format!("{v} is not a node id"),
                })
            })
            .collect::<Result<Vec<u64>, _>>()?;
        let n = kept(&timestamps, node_ids.len(), limit, || {
            Hdf5Error::Malformed {
                path: p.to_path_buf(),
                object: object.clone(),
                message: format!(
                    "{} timestamps but {} node_ids",
                    timestamps.len(),
                    node_ids.len()
                ),
            }
        })?;
        timestamps.truncate(n);
        node_ids.truncate(n);
        out.push(SonataSpikes {
            population: name,
            timestamps,
            node_ids,
        });
    }
    Ok(out)
}

fn read_nodes(p: &Path, g: &Group) -> Result<Vec<NodeEntry>, Hdf5Error> {
    let open = |name: &str| {
        g.dataset(name)
            .at(p, || format!("cannot open /nodes/{name}"))
    };
    let names = read_strings(p, &*open("name")?, "/nodes/name")?;
    let models = read_strings(p, &*open("model")?, "/nodes/model")?;
    let first = read_ints(p, &*open("first_id")?, "/nodes/first_id")?;
    let count = read_ints(p, &*open("count")?, "/nodes/count")?;
    let n = names.len();
    if models.len() != n || first.len() != n || count.len() != n {
        return Err(Hdf5Error::Malformed {
            path: p.to_path_buf(),
            object: "/nodes".into(),
            message: format!(
                "name, model, first_id and count have different lengths ({n}, {}, {}, {})",
                models.len(),
                first.len(),
                count.len()
            ),
        });
    }
    let to_u32 = |v: i128, what: &str| {
        u32::try_from(v).map_err(|_| Hdf5Error::Malformed {
            path: p.to_path_buf(),
            object: format!("/nodes/{what}"),
            message: format!("{v} is out of range"),
        })
    };
    let mut out = Vec::with_capacity(n);
    for (((name, model), f), c) in names.into_iter().zip(models).zip(first).zip(count) {
        out.push(NodeEntry {
            name,
            model,
            first_id: to_u32(f, "first_id")?,
            count: to_u32(c, "count")?,
        });
    }
    Ok(out)
}

/// What kind of recording device a group holds.
enum DeviceKind {
    Spikes,
    Samples,
    Weights,
}

fn read_device(
    p: &Path,
    g: &Group,
    name: &str,
    nodes: &[NodeEntry],
    limit: Option<f64>,
    recording: &mut Recording,
) -> Result<(), Hdf5Error> {
    let object = format!("/{name}");
    let malformed = |message: String| Hdf5Error::Malformed {
        path: p.to_path_buf(),
        object: object.clone(),
        message,
    };
    let attrs = g
        .attr_names()
        .at(p, || format!("cannot list the attributes of {object}"))?;
    let has_attr = |a: &str| attrs.iter().any(|n| n == a);

    // The datasets of the group, in name order, with their rank.
    let mut datasets: Vec<(String, Dataset)> = Vec::new();
    for member in g.member_names().at(p, || format!("cannot list {object}"))? {
        if matches!(g.loc_type_by_name(&member), Ok(LocationType::Dataset)) {
            let ds = g
                .dataset(&member)
                .at(p, || format!("cannot open {object}/{member}"))?;
            datasets.push((member, ds));
        }
    }
    let find = |n: &str| datasets.iter().find(|(m, _)| m == n).map(|(_, d)| d);
    let has_2d = datasets.iter().any(|(_, d)| d.ndim() == 2);

    let model = if has_attr("model") {
        let a = g
            .attr("model")
            .at(p, || format!("cannot open {object}/model"))?;
        read_string(p, &a, &format!("{object}@model")).ok()
    } else {
        None
    };
    if has_attr("results") {
        let a = g
            .attr("results")
            .at(p, || format!("cannot open {object}@results"))?;
        let mut results = Vec::new();
        for n in read_strings(p, &a, &format!("{object}@results"))? {
            let Some(ds) = find(&n) else {
                return Err(malformed(format!("the dataset {n} is missing")));
            };
            let what = format!("{object}/{n}");
            let values = match descriptor(p, ds, &what)? {
                TypeDescriptor::Integer(_) => ResultValues::Int(
                    ds.read_raw::<i64>()
                        .at(p, || format!("cannot read {what}"))?,
                ),
                _ => ResultValues::Float(read_f64s_any(p, ds, &what)?),
            };
            let known = detector_name(&n)
                .ok_or_else(|| malformed(format!("{n} is not a detector result")))?;
            results.push(DetectorResult {
                name: known,
                shape: ds.shape(),
                values,
            });
        }
        let id = if has_attr("node_id") {
            let a = g
                .attr("node_id")
                .at(p, || format!("cannot open {object}/node_id"))?;
            read_int(p, &a, &format!("{object}@node_id"))? as u32
        } else {
            id_of_name(nodes, name).unwrap_or(0)
        };
        recording.detectors.push(DetectorData {
            name: name.to_string(),
            id,
            model: model.clone().unwrap_or_default(),
            results,
        });
        return Ok(());
    }
    let kind = match model.as_deref() {
        Some("spike_recorder") => DeviceKind::Spikes,
        Some("multimeter" | "voltmeter") => DeviceKind::Samples,
        Some("weight_recorder") => DeviceKind::Weights,
        _ if has_2d => DeviceKind::Samples,
        _ if WEIGHT_DATASETS.iter().all(|n| find(n).is_some()) => DeviceKind::Weights,
        _ if find("times").is_some() && find("senders").is_some() => DeviceKind::Spikes,
        _ => return Ok(()),
    };

    let id = if has_attr("node_id") {
        let a = g
            .attr("node_id")
            .at(p, || format!("cannot open {object}/node_id"))?;
        let v = read_int(p, &a, &format!("{object}@node_id"))?;
        u32::try_from(v).map_err(|_| malformed(format!("node_id {v} is out of range")))?
    } else {
        id_of_name(nodes, name).unwrap_or(0)
    };

    let need = |n: &str| find(n).ok_or_else(|| malformed(format!("the dataset {n} is missing")));
    let mut times = read_f64s(p, need("times")?, 1, &format!("{object}/times"))?;
    let senders_ds = need("senders")?;
    expect_rank(p, senders_ds, 1, &format!("{object}/senders"))?;
    let mut senders = read_ints(p, senders_ds, &format!("{object}/senders"))?
        .into_iter()
        .map(|s| i64::try_from(s).map_err(|_| malformed(format!("sender {s} is out of range"))))
        .collect::<Result<Vec<i64>, _>>()?;

    match kind {
        DeviceKind::Weights => {
            let ints = |n: &str| -> Result<Vec<i64>, Hdf5Error> {
                let ds = need(n)?;
                expect_rank(p, ds, 1, &format!("{object}/{n}"))?;
                read_ints(p, ds, &format!("{object}/{n}"))?
                    .into_iter()
                    .map(|v| {
                        i64::try_from(v).map_err(|_| malformed(format!("{n}: {v} is out of range")))
                    })
                    .collect()
            };
            let (targets, receptors, ports) =
                (ints("targets")?, ints("receptors")?, ints("ports")?);
            let weights = read_f64s(p, need("weights")?, 1, &format!("{object}/weights"))?;
            let lengths = [
                senders.len(),
                targets.len(),
                weights.len(),
                receptors.len(),
                ports.len(),
            ];
            let shortest = lengths.iter().copied().min().unwrap_or(0);
            let n = kept(&times, shortest, limit, || {
                malformed(format!(
                    "{} times but datasets of lengths {lengths:?}",
                    times.len()
                ))
            })?;
            if limit.is_none() && lengths.iter().any(|&l| l != n) {
                return Err(malformed(format!(
                    "{} times but datasets of lengths {lengths:?}",
                    times.len()
                )));
            }
            times.truncate(n);
            let id32 = |v: &[i64]| v[..n].iter().map(|&x| x as u32).collect::<Vec<u32>>();
            recording.weight_recorders.push(WeightData {
                name: name.to_string(),
                id,
                events: WeightBlock {
                    times,
                    senders: id32(&senders),
                    targets: id32(&targets),
                    weights: weights[..n].to_vec(),
                    receptors: receptors[..n].to_vec(),
                    ports: ports[..n].to_vec(),
                },
            });
        }
        DeviceKind::Spikes => {
            let n = kept(&times, senders.len(), limit, || {
                malformed(format!(
                    "{} times but {} senders",
                    times.len(),
                    senders.len()
                ))
            })?;
            times.truncate(n);
            senders.truncate(n);
            recording.spike_recorders.push(SpikeData {
                name: name.to_string(),
                id,
                times,
                senders,
            });
        }
        DeviceKind::Samples => {
            let record_from = if has_attr("record_from") {
                let a = g
                    .attr("record_from")
                    .at(p, || format!("cannot open {object}@record_from"))?;
                read_strings(p, &a, &format!("{object}@record_from"))?
            } else {
                datasets
                    .iter()
                    .filter(|(_, d)| d.ndim() == 2)
                    .map(|(n, _)| n.clone())
                    .collect()
            };
            // In an unclosed file, the rows up to the last checkpoint.
            if let Some(t_end) = limit {
                times.truncate(times.partition_point(|&t| t <= t_end));
            }
            let (t, n) = (times.len(), senders.len());
            let mut values = Vec::with_capacity(record_from.len());
            for r in record_from {
                let ds = need(&r)?;
                let shape = ds.shape();
                let fits = match limit {
                    None => shape == [t, n],
                    Some(_) => shape.len() == 2 && shape[0] >= t && shape[1] == n,
                };
                if !fits {
                    return Err(malformed(format!(
                        "{r} has shape {shape:?}, expected ({t}, {n}) from times and senders"
                    )));
                }
                let mut v = read_f64s(p, ds, 2, &format!("{object}/{r}"))?;
                v.truncate(t * n);
                values.push((r, v));
            }
            recording.multimeters.push(MultimeterData {
                name: name.to_string(),
                id,
                times,
                senders,
                values,
            });
        }
    }
    Ok(())
}

/// The values of a 1-element attribute (scalar or shape (1,)), or an error naming `object`.
fn one<T>(p: &Path, mut v: Vec<T>, object: &str) -> Result<T, Hdf5Error> {
    if v.len() != 1 {
        return Err(Hdf5Error::Malformed {
            path: p.to_path_buf(),
            object: object.to_string(),
            message: format!("expected one value, found {}", v.len()),
        });
    }
    Ok(v.swap_remove(0))
}

fn read_f64(p: &Path, c: &Container, object: &str) -> Result<f64, Hdf5Error> {
    one(p, read_f64s_any(p, c, object)?, object)
}

fn read_int(p: &Path, c: &Container, object: &str) -> Result<i128, Hdf5Error> {
    one(p, read_ints(p, c, object)?, object)
}

fn read_string(p: &Path, c: &Container, object: &str) -> Result<String, Hdf5Error> {
    one(p, read_strings(p, c, object)?, object)
}

fn descriptor(p: &Path, c: &Container, object: &str) -> Result<TypeDescriptor, Hdf5Error> {
    c.dtype()
        .and_then(|t| t.to_descriptor())
        .at(p, || format!("cannot read the type of {object}"))
}

/// A dataset of rank `ndim`, in row-major order, as f64.
fn read_f64s(p: &Path, ds: &Dataset, ndim: usize, object: &str) -> Result<Vec<f64>, Hdf5Error> {
    expect_rank(p, ds, ndim, object)?;
    read_f64s_any(p, ds, object)
}

fn expect_rank(p: &Path, ds: &Dataset, ndim: usize, object: &str) -> Result<(), Hdf5Error> {
    if ds.ndim() != ndim {
        return Err(Hdf5Error::Malformed {
            path: p.to_path_buf(),
            object: object.to_string(),
            message: format!("expected {ndim} dimension(s), found {}", ds.ndim()),
        });
    }
    Ok(())
}

fn read_f64s_any(p: &Path, c: &Container, object: &str) -> Result<Vec<f64>, Hdf5Error> {
    match descriptor(p, c, object)? {
        TypeDescriptor::Float(_) | TypeDescriptor::Integer(_) | TypeDescriptor::Unsigned(_) => c
            .read_raw::<f64>()
            .at(p, || format!("cannot read {object}")),
        other => Err(Hdf5Error::Malformed {
            path: p.to_path_buf(),
            object: object.to_string(),
            message: format!("expected numbers, found {other}"),
        }),
    }
}

/// Integers of any width and signedness, widened without loss.
fn read_ints(p: &Path, c: &Container, object: &str) -> Result<Vec<i128>, Hdf5Error> {
    let read = || format!("cannot read {object}");
    match descriptor(p, c, object)? {
        TypeDescriptor::Integer(_) => Ok(c
            .read_raw::<i64>()
            .at(p, read)?
            .into_iter()
            .map(i128::from)
            .collect()),
        TypeDescriptor::Unsigned(_) => Ok(c
            .read_raw::<u64>()
            .at(p, read)?
            .into_iter()
            .map(i128::from)
            .collect()),
        other => Err(Hdf5Error::Malformed {
            path: p.to_path_buf(),
            object: object.to_string(),
            message: format!("expected integers, found {other}"),
        }),
    }
}

/// The longest fixed-length string this reader accepts.
const MAX_FIXED_STRING: usize = 1024;

/// Strings stored variable- or fixed-length, ASCII or UTF-8.
fn read_strings(p: &Path, c: &Container, object: &str) -> Result<Vec<String>, Hdf5Error> {
    let read = || format!("cannot read {object}");
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    match descriptor(p, c, object)? {
        TypeDescriptor::VarLenUnicode => Ok(c
            .read_raw::<VarLenUnicode>()
            .at(p, read)?
            .iter()
            .map(|s| lossy(s.as_bytes()))
            .collect()),
        TypeDescriptor::VarLenAscii => Ok(c
            .read_raw::<VarLenAscii>()
            .at(p, read)?
            .iter()
            .map(|s| lossy(s.as_bytes()))
            .collect()),
        TypeDescriptor::FixedAscii(n) if n <= MAX_FIXED_STRING => Ok(c
            .read_raw::<FixedAscii<MAX_FIXED_STRING>>()
            .at(p, read)?
            .iter()
            .map(|s| lossy(s.as_bytes()))
            .collect()),
        TypeDescriptor::FixedUnicode(n) if n <= MAX_FIXED_STRING => Ok(c
            .read_raw::<FixedUnicode<MAX_FIXED_STRING>>()
            .at(p, read)?
            .iter()
            .map(|s| lossy(s.as_bytes()))
            .collect()),
        other => Err(Hdf5Error::Malformed {
            path: p.to_path_buf(),
            object: object.to_string(),
            message: format!("expected strings, found {other}"),
        }),
    }
}

/// A result name read back from a file, as the name the detectors use; `None` for a name no
/// detector writes.
fn detector_name(name: &str) -> Option<&'static str> {
    const KNOWN: &[&str] = &[
        "histogram",
        "histogram_correction",
        "count_histogram",
        "n_events",
        "covariance",
        "count_covariance",
    ];
    KNOWN.iter().find(|k| **k == name).copied()
}
