//! The slice loop.

use crate::comm::{Communicator, Decomposition};
use crate::connectome::Kind;
use crate::connectome::{Census, ChunkRange, Connectome, PartitionShape, SynapseStore, Which};
use crate::device::{Emissions, TargetState};
use crate::error::{BuildError, Rejection, RunError};
use crate::network::{channel_routes, NetworkBuilder, Role, Take};
use crate::partition::{plastic_group, PlasticGroup};
use crate::partition::{
    Chunk, DeviceSynapse, Halt, MultimeterProbes, Partition, Probe, SliceContext, SpikeEvent,
    StoredSynapse, DEVICE_STORE, SPIKE_WORDS, TRASH_CELL,
};
use crate::recording::{
    DetectorInfo, MultimeterInfo, RecordSink, RecordingLayout, SampleBlock, SpikeRecorderInfo,
    WeightBlock, WeightRecorderInfo,
};
use crate::rng;
use crate::synapse::PlasticStore;
use crate::time::{Step, TimeGrid};
use crate::volume::{DopaSpike, VolumeHistory, VolumeRun};
use crate::NodeId;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Where a neuron lives: partition, chunk within it, index within the chunk.
#[derive(Clone, Copy, Debug)]
struct Location {
    partition: usize,
    chunk: usize,
    local: usize,
}

/// The split of each population over the partitions: partition `p` holds the neurons with
/// offsets `n·p/P .. n·(p+1)/P`.
#[derive(Debug)]
struct Layout {
    partitions: usize,
    /// Per population: first id, count, and per partition the chunk index (if any).
    populations: Vec<(u32, u32, Vec<Option<usize>>)>,
}

impl Layout {
    fn split(n: u32, parts: usize, p: usize) -> u32 {
        (u64::from(n) * p as u64 / parts as u64) as u32
    }

    fn locate(&self, population: usize, id: u32) -> Location {
        let (first, n, ref chunks) = self.populations[population];
        let offset = id - first;
        let mut p = (u64::from(offset) * self.partitions as u64 / u64::from(n)) as usize;
        while p + 1 < self.partitions && Self::split(n, self.partitions, p + 1) <= offset {
            p += 1;
        }
        while Self::split(n, self.partitions, p) > offset {
            p -= 1;
        }
        Location {
            partition: p,
            chunk: chunks[p].expect("a neuron's partition holds a chunk of its population"),
            local: (offset - Self::split(n, self.partitions, p)) as usize,
        }
    }
}

/// A spike recorder while running: the (stamp, sender) pairs of the current advance, sorted
/// before they are handed on. Its spec (window) is read from the network description, so that
/// a change between runs takes effect.
#[derive(Default)]
struct SpikeRecorderRun {
    buffer: Vec<(Step, u32, u64)>,
}

/// A stimulating device → spike recorder connection.
struct DeviceRecording {
    recorder: usize,
    device: usize,
    sender: u32,
    /// Keys its stream with (seed, device, recorder) (see [`Simulation::reseed`]).
    occurrence: u32,
    rng: Option<ChaCha8Rng>,
    state: TargetState,
}

/// A stimulating device → spike detector connection: `input` indexes the description's
/// detector inputs.
struct DeviceDetection {
    input: usize,
    device: usize,
    rng: Option<ChaCha8Rng>,
    state: TargetState,
}

/// A multimeter while running (its spec is read from the network description).
struct MultimeterRun {
    /// Column of each (partition, probe) in the output row.
    columns: Vec<Vec<usize>>,
    /// (column, stimulating device) of each recorded device.
    devices: Vec<(usize, usize)>,
    n_senders: usize,
    times: Vec<f64>,
    values: Vec<Vec<f64>>,
}

/// The synapse of a connection into a neuron, as [`Simulation::connections`] lists it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SynapseInfo {
    /// The target model's input channel.
    pub channel: u16,
    /// The weight as given (NEST's synapse weight: −2.5 into `iaf_cond_exp` stays −2.5,
    /// although the model adds 2.5 to its inhibitory conductance).
    pub weight: f64,
    /// Delay in steps.
    pub delay: Step,
    /// The receptor type (NEST's `receptor`).
    pub receptor: i64,
}

/// Where one synapse is stored: a handle that [`Simulation::synapses`] gives out and
/// [`Simulation::set_synapse`] and [`Simulation::disconnect`] take. Handles stay valid while
/// the simulation lives (a disconnected synapse stays in place as a tombstone); they depend on
/// the thread count, the synapses they address do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SynapseId {
    /// The partition among all ranks' (a rank addresses only its own).
    pub partition: u32,
    /// The store within the partition, or `u32::MAX` for a stimulating device's synapse.
    pub store: u32,
    pub index: u32,
}

impl SynapseId {
    /// The handle as one number (partition: 16 bits, store: 16 bits, index: 32 bits).
    pub fn to_bits(self) -> u64 {
        (u64::from(self.partition) << 48)
            | (u64::from(self.store & 0xffff) << 32)
            | u64::from(self.index)
    }

    pub fn from_bits(bits: u64) -> SynapseId {
        let store = ((bits >> 32) & 0xffff) as u32;
        SynapseId {
            partition: (bits >> 48) as u32,
            store: if store == 0xffff { DEVICE_STORE } else { store },
            index: bits as u32,
        }
    }
}

/// One connection in NEST's `GetConnections` order, with where it is stored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SynapseRecord {
    pub connection: ConnectionInfo,
    /// The handle of a synapse into a neuron; `None` for recorder connections.
    pub id: Option<SynapseId>,
    /// The partition (worker thread) that holds it, NEST's `target_thread`.
    pub target_thread: usize,
    /// Its position among the connections of its partition with its synapse model (recorder
    /// connections count as `static_synapse`), in this order: NEST's `port` (a connector's
    /// lcid).
    pub port: usize,
}

/// One connection as [`Simulation::connections`] reports it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConnectionInfo {
    pub source: NodeId,
    pub target: NodeId,
    /// The synapse of a connection into a neuron; `None` for the connections of recording
    /// devices, which spindle records without a synapse.
    pub synapse: Option<SynapseInfo>,
}

/// How much of the network description has been built into the running network.
#[derive(Debug, Default)]
struct Built {
    populations: usize,
    stimuli: usize,
    spike_recorders: usize,
    multimeters: usize,
    statements: usize,
    device_synapses: usize,
    recorder_inputs: usize,
    detector_inputs: usize,
    /// Per multimeter, how many of its targets have probes.
    multimeter_targets: Vec<usize>,
    /// The delay extrema of the synapses built so far.
    extrema: (Option<Step>, Option<Step>),
}

/// A network and its clock: the description ([`NetworkBuilder`]) and the running network
/// built from it.
///
/// The description may grow between runs (NEST's `Create` and `Connect` after `Simulate`):
/// [`Simulation::sync`] builds what is new — chunks for new neurons appended to every
/// partition, a new synapse store per partition for the new connections only, new device
/// connections and recorders — without touching what exists, so growing a network costs in
/// proportion to the growth. Parameters and state of neurons and devices can be read and
/// changed between runs ([`Simulation::set_neuron_status`], [`Simulation::network_mut`]);
/// a change acts from the next step on, as in NEST.
///
/// The clock advances in min-delay slices. Each slice `[T0, T0 + D)` runs these phases:
///
/// 1. **deliver** (every partition, in parallel; not in the very first slice): the spikes that
///    neurons emitted during the previous slice are added to the input ring buffers of their
///    targets. Each partition reads the shared, sorted spike list and writes only its own ring.
/// 2. **emit** (serial): every stimulating device computes its events for the slice; then each
///    partition writes those aimed at its neurons into its ring (drawing Poisson counts from the
///    connection's own stream).
/// 3. **update** (every partition, in parallel): each neuron advances step by step through the
///    slice, reading the ring slot of each step; multimeters sample the partition's neurons.
/// 4. **gather** (serial): the spikes of all partitions are merged and sorted by
///    (stamp, sender), handed to the spike recorders, and kept for delivery at the start of the
///    next slice; multimeter samples are merged into rows. The sink receives the slice's
///    spikes and sample rows, then `end_of_slice`: its recording is complete up to the
///    slice's end (a file sink may checkpoint there). The spikes of neurons connected to a
///    `volume_transmitter` are filed as its pending arrivals (stamp + delay).
/// 5. **trigger** (every partition, in parallel; only at the end of a whole slice, and only
///    for the volume transmitters, see `volume.rs`): each transmitter files the arrivals up to
///    the slice's end into its history; one whose `deliver_interval` ends there has every
///    partition bring the synapses that read it to that time (NEST's
///    `trigger_update_weight`), reading the history and writing only the partition's own
///    synapses and archives, and then restarts its history. Delivery in the next slice reads
///    the histories as this phase left them.
///
/// Every delay is at least `D` steps, so nothing written during a slice is read in the same
/// slice, and the per-target order of additions (spike list order, then connection creation
/// order, then device connections in creation order) does not depend on the partitioning:
/// results are bit-identical for any thread count. A run may end inside a slice; the next run
/// continues it, so several runs give exactly what one run of the summed length gives.
pub struct Simulation {
    net: NetworkBuilder,
    built: Built,
    grid: TimeGrid,
    min_delay: Step,
    max_delay: Step,
    now: Step,
    slice_start: Step,
    /// This rank's partitions: `decomposition.local_partitions()` of the run's
    /// `ranks · threads`, indexed from 0 (see [`Simulation::local`]).
    partitions: Vec<Partition>,
    /// The shape of every partition of the run, on every rank (the split is global; only a
    /// rank's own partitions hold neurons and synapses).
    shapes: Vec<PartitionShape>,
    /// Which partitions this rank owns, and the collectives between ranks.
    decomposition: Decomposition,
    comm: Arc<dyn Communicator>,
    split: Layout,
    pool: rayon::ThreadPool,
    device_out: Vec<Emissions>,
    /// Spikes emitted in the current slice so far.
    pending: Vec<SpikeEvent>,
    /// Spikes of the previous slice, to deliver at the start of the current one.
    to_deliver: Option<Vec<SpikeEvent>>,
    spike_recorders: Vec<SpikeRecorderRun>,
    /// For each node id `s`, the recorders it feeds are `recorder_of[recorder_offsets[s]..]`.
    recorder_offsets: Vec<u32>,
    recorder_of: Vec<u32>,
    /// Per volume transmitter (in creation order, hence by id), its pending arrivals.
    volumes: Vec<VolumeRun>,
    /// Per volume transmitter, its history, which the partitions read (see `volume.rs`).
    volume_histories: Vec<VolumeHistory>,
    /// Per source neuron, the volume transmitters it feeds with their delays (looked up
    /// only, never iterated).
    volume_of: HashMap<u32, Vec<(usize, Step)>>,
    device_recordings: Vec<DeviceRecording>,
    /// For each node id `s`, the detector inputs (indices into the description's
    /// `detector_inputs`) it feeds are `detector_of[detector_offsets[s]..]`, in connection
    /// order.
    detector_offsets: Vec<u32>,
    detector_of: Vec<u32>,
    device_detections: Vec<DeviceDetection>,
    multimeters: Vec<MultimeterRun>,
    layout: RecordingLayout,
    /// The recorders of `layout` that a sink has been told about (see [`RecordSink::grow`]).
    announced: (usize, usize),
    /// The weight recorders of `layout` that a sink has been told about.
    announced_weights: usize,
    /// The detectors of `layout` that a sink has been told about.
    announced_detectors: usize,
    /// Per synapse with a weight recorder, (its row in [`Simulation::synapses`], its port):
    /// made at the first weight event of a run (the connections may change between runs).
    weight_rows: Option<std::collections::HashMap<SynapseId, (usize, usize)>>,
    neuron_synapses: usize,
    /// Synapses built per statement of the description (NEST's `num_connections` of a
    /// synapse model sums those of its `Connect` calls); not lowered by `disconnect`.
    statement_synapses: Vec<usize>,
    /// Device synapses removed by `disconnect`.
    removed_device_synapses: usize,
    synapse_bytes: usize,
    threads: usize,
    spike_count: u64,
    /// Raised by a front end to stop a run inside a slice (see [`Simulation::set_stop_flag`]).
    stop: Option<Arc<AtomicBool>>,
    /// Why the network can no longer run: a run that stopped inside a slice (a diverging
    /// neuron, a stop request) leaves the partitions at different steps.
    broken: Option<String>,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("now", &self.now)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

impl Simulation {
    /// An empty running network for the description `net`, with `threads` partitions per
    /// rank; [`Simulation::sync`] builds the description into it. As one of `comm.size()`
    /// ranks of a distributed run the network is split into `ranks · threads` partitions
    /// exactly as one process with that many threads splits it (so the results are the same),
    /// and this rank builds and updates only its own `threads` of them
    /// (`comm::Decomposition`). Spikes cross ranks once per min-delay slice
    /// (`Communicator::all_gather`); rank 0 gathers what is recorded.
    pub(crate) fn new_distributed(
        net: NetworkBuilder,
        threads: usize,
        comm: Arc<dyn Communicator>,
    ) -> Result<Simulation, BuildError> {
        if threads == 0 {
            return Err(BuildError::NoThreads);
        }
        let decomposition = Decomposition {
            rank: comm.rank(),
            ranks: comm.size(),
            threads,
        };
        let parts = decomposition.partitions();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("spindle-worker-{i}"))
            .build()
            .map_err(|e| BuildError::ThreadPool(e.to_string()))?;
        Ok(Simulation {
            grid: net.grid,
            net,
            built: Built::default(),
            min_delay: 1,
            max_delay: 1,
            now: 0,
            slice_start: 0,
            partitions: (0..threads).map(|_| Partition::new(0)).collect(),
            shapes: vec![PartitionShape::default(); parts],
            decomposition,
            comm,
            split: Layout {
                partitions: parts,
                populations: Vec::new(),
            },
            pool,
            device_out: Vec::new(),
            pending: Vec::new(),
            to_deliver: None,
            spike_recorders: Vec::new(),
            recorder_offsets: vec![0; 2],
            recorder_of: Vec::new(),
            volumes: Vec::new(),
            volume_histories: Vec::new(),
            volume_of: HashMap::new(),
            device_recordings: Vec::new(),
            detector_offsets: vec![0; 2],
            detector_of: Vec::new(),
            device_detections: Vec::new(),
            multimeters: Vec::new(),
            layout: RecordingLayout::default(),
            announced: (0, 0),
            announced_weights: 0,
            announced_detectors: 0,
            weight_rows: None,
            neuron_synapses: 0,
            statement_synapses: Vec::new(),
            removed_device_synapses: 0,
            synapse_bytes: 0,
            threads,
            spike_count: 0,
            stop: None,
            broken: None,
        })
    }

    /// A flag that stops a run as soon as it is raised (checked before every step of every
    /// partition), for front ends that stop on a signal: the run ends with
    /// [`RunError::Interrupted`] at the last slice boundary, whose recordings the sink has
    /// whole. A run stopped this way leaves the network mid-slice: it cannot run again.
    /// (The `progress` callback of [`Simulation::run_with`] stops at a slice boundary instead
    /// and keeps the network runnable.)
    pub fn set_stop_flag(&mut self, flag: Arc<AtomicBool>) {
        self.stop = Some(flag);
    }

    /// Build what is new and hand `sink` the whole recording layout (NEST's first `Prepare`);
    /// recorders added later reach the sink through [`RecordSink::grow`] at the next run.
    pub fn begin_recording(&mut self, sink: &mut dyn RecordSink) -> Result<(), RunError> {
        self.sync()?;
        sink.begin(&self.layout).map_err(RunError::Recording)?;
        self.mark_announced();
        Ok(())
    }

    /// Note that a sink has been given the current layout (with `begin`).
    pub(crate) fn mark_announced(&mut self) {
        self.announced = (
            self.layout.spike_recorders.len(),
            self.layout.multimeters.len(),
        );
        self.announced_weights = self.layout.weight_recorders.len();
        self.announced_detectors = self.layout.detectors.len();
    }

    /// The network description: nodes, connections, device and recorder specs.
    pub fn network(&self) -> &NetworkBuilder {
        &self.net
    }

    /// The network description, to add nodes and connections or change devices between
    /// runs; what is added is built at the next [`Simulation::sync`] (every run starts with
    /// one).
    pub fn network_mut(&mut self) -> &mut NetworkBuilder {
        &mut self.net
    }

    /// Where neuron `id` lives.
    fn locate(&self, id: u32) -> Option<Location> {
        match self.net.role(NodeId(id))? {
            Role::Neurons(p) if p < self.built.populations => Some(self.split.locate(p, id)),
            _ => None,
        }
    }

    /// Build the nodes added to the description since the last sync: chunks for new
    /// neurons (with their initial state, so that their status can be read and set before the
    /// first run), new devices and recorders. Cheap; connections wait for [`Simulation::sync`].
    pub fn sync_nodes(&mut self) -> Result<(), BuildError> {
        let parts = self.decomposition.partitions();
        let first_local = self.decomposition.local_partitions().start;
        for population in self.built.populations..self.net.populations.len() {
            let pop = &self.net.populations[population];
            let mut per_part = vec![None; parts];
            for (p, slot) in per_part.iter_mut().enumerate() {
                let lo = Layout::split(pop.count, parts, p);
                let hi = Layout::split(pop.count, parts, p + 1);
                if hi > lo {
                    let len = (hi - lo) as usize;
                    let local = p
                        .checked_sub(first_local)
                        .and_then(|l| self.partitions.get_mut(l));
                    // Other ranks' partitions are only shapes here (their cells are theirs).
                    let cell_base = local.as_ref().map_or(0, |part| part.cells_per_slot);
                    let shape = &mut self.shapes[p];
                    *slot = Some(shape.chunks.len());
                    shape.chunks.push(ChunkRange {
                        first_id: pop.first + lo,
                        len,
                        cell_base,
                        population,
                    });
                    let Some(part) = local else {
                        continue;
                    };
                    let mut state = pop.model.instantiate(len);
                    state.seed_streams(self.net.seed, pop.first + lo);
                    part.add_chunk(
                        Chunk {
                            state,
                            first_id: pop.first + lo,
                            len,
                            n_channels: pop.model.n_channels(),
                            cell_base,
                            routes: channel_routes(pop.model.as_ref()),
                            offset_scaled: (0..pop.model.n_channels())
                                .map(|c| pop.model.scales_by_offset(c as u16))
                                .collect(),
                        },
                        &pop.archive,
                        self.net.seed,
                    );
                }
            }
            self.split
                .populations
                .push((pop.first, pop.count, per_part));
        }
        self.built.populations = self.net.populations.len();
        let cells: usize = self.partitions.iter().map(|p| p.cells_per_slot).sum();
        if cells >= u32::MAX as usize {
            return Err(BuildError::TooManyNodes {
                max: u64::from(u32::MAX),
            });
        }
        self.device_out
            .resize_with(self.net.stimuli.len(), Emissions::default);
        for (id, dev) in &mut self.net.stimuli[self.built.stimuli..] {
            dev.set_stream(rng::stream(self.net.seed, rng::DOMAIN_DEVICE, id.0, 0, 0));
        }
        self.built.stimuli = self.net.stimuli.len();
        self.spike_recorders
            .resize_with(self.net.spike_recorders.len(), SpikeRecorderRun::default);
        self.built.spike_recorders = self.net.spike_recorders.len();
        Ok(())
    }

    /// Build everything added to the description since the last sync (see the type's doc).
    /// Until the first run the delay extrema follow the connections and the ring buffers are
    /// sized anew; the first run fixes them, and later connections must keep within them (the
    /// builder refuses fixed delays outside; drawn delays are checked here), as NEST requires
    /// after `Simulate`.
    pub fn sync(&mut self) -> Result<(), BuildError> {
        self.sync_nodes()?;
        let frozen = self.net.frozen_delays.is_some();

        // Neuron → neuron synapses of the new statements: every partition builds one new
        // store, in parallel.
        let new_statements = &self.net.statements[self.built.statements..];
        let n_ids = self.net.node_count() as usize + 1;
        if !new_statements.is_empty() {
            let connectome = Connectome {
                statements: new_statements,
                populations: &self.net.populations,
                grid: self.net.grid,
                n_ids,
            };
            let shapes = &self.shapes[self.decomposition.local_partitions()];
            let census_of = |which: Which<'_>| -> Result<Vec<Census>, BuildError> {
                self.pool.install(|| {
                    shapes
                        .par_iter()
                        .map(|shape| connectome.census(shape, which))
                        .collect::<Result<_, _>>()
                })
            };
            let censuses = census_of(Which::Static)?;
            let plastic_names = connectome.plastic_models();
            let plastic_censuses = plastic_names
                .iter()
                .map(|&name| census_of(Which::Model(name)))
                .collect::<Result<Vec<_>, _>>()?;
            let first = self.built.statements;
            self.statement_synapses.resize(self.net.statements.len(), 0);
            for c in censuses.iter().chain(plastic_censuses.iter().flatten()) {
                for (k, n) in c.per_statement.iter().enumerate() {
                    self.statement_synapses[first + k] += n;
                }
            }
            let mut extrema = (None, None);
            for c in censuses.iter().chain(plastic_censuses.iter().flatten()) {
                extrema.0 = [extrema.0, c.min_delay].into_iter().flatten().min();
                extrema.1 = [extrema.1, c.max_delay].into_iter().flatten().max();
            }
            // The delay extrema of the whole network, on every rank.
            let extrema = (
                Some(self.comm.min(extrema.0.unwrap_or(Step::MAX))).filter(|&d| d != Step::MAX),
                Some(self.comm.max(extrema.1.unwrap_or(Step::MIN))).filter(|&d| d != Step::MIN),
            );
            if !frozen {
                // Drawn and per-connection delays are first seen here: NEST checks each
                // against the user's extrema at Connect, spindle at the next build.
                for d in [extrema.0, extrema.1].into_iter().flatten() {
                    self.net.check_user_delay(d, None)?;
                }
                let seen = &mut self.built.extrema;
                seen.0 = [seen.0, extrema.0].into_iter().flatten().min();
                seen.1 = [seen.1, extrema.1].into_iter().flatten().max();
            } else if extrema.0.is_some_and(|d| d < self.min_delay)
                || extrema.1.is_some_and(|d| d > self.max_delay)
            {
                let bad = extrema
                    .0
                    .filter(|&d| d < self.min_delay)
                    .or(extrema.1)
                    .unwrap_or(0);
                return Err(BuildError::Rule {
                    rule: "Connect".into(),
                    reason: Rejection::new(
                        "BadDelay",
                        format!(
                            "Delay value {} is invalid: Minimum and maximum delay cannot be changed after Simulate has been called.",
                            self.grid.step_to_ms(bad)
                        ),
                    ),
                    statement: None,
                });
            }
            let stores: Vec<SynapseStore> = self.pool.install(|| {
                shapes
                    .par_iter()
                    .zip(censuses)
                    .map(|(shape, census)| connectome.fill(shape, census))
                    .collect::<Result<_, _>>()
            })?;
            let range = self.built.statements..self.net.statements.len();
            for (part, mut store) in self.partitions.iter_mut().zip(stores) {
                store.statements = range.clone();
                self.neuron_synapses += store.len();
                self.synapse_bytes += store.bytes();
                if store.len() > 0 {
                    part.synapses.push(store);
                }
            }
            for (&name, censuses) in plastic_names.iter().zip(plastic_censuses) {
                let stores: Vec<Box<dyn PlasticStore>> = self.pool.install(|| {
                    shapes
                        .par_iter()
                        .zip(censuses)
                        .map(|(shape, census)| connectome.fill_plastic(shape, name, census))
                        .collect::<Result<_, _>>()
                })?;
                let ms_per_step = self.grid.ms_per_step();
                for (part, store) in self.partitions.iter_mut().zip(stores) {
                    self.neuron_synapses += store.len();
                    self.synapse_bytes += store.bytes();
                    if store.is_empty() {
                        continue;
                    }
                    part.add_plastic(store, range.clone(), ms_per_step);
                }
            }
            self.built.statements = self.net.statements.len();
            self.net.sealed_statements = self.net.statements.len();
        }
        if !frozen {
            // Before the first run the extrema may still change: nothing is pending in the
            // rings yet, so they are simply sized anew.
            let seen = self.built.extrema;
            let min = [self.net.min_delay, seen.0].into_iter().flatten().min();
            let max = [self.net.max_delay, seen.1].into_iter().flatten().max();
            self.min_delay = min.unwrap_or(1);
            self.max_delay = max.unwrap_or(1);
            let ring_len = (self.min_delay + self.max_delay) as usize;
            for part in &mut self.partitions {
                if part.ring_len != ring_len {
                    part.set_ring_len(ring_len);
                }
            }
        }

        // Stimulating device → neuron connections.
        for i in self.built.device_synapses..self.net.device_synapses.len() {
            let s = self.net.device_synapses[i];
            let loc = self
                .locate(s.target)
                .expect("connections were checked to target neurons");
            let Some(p) = self.local(loc.partition) else {
                continue; // another rank's neuron
            };
            let (dev_id, dev) = &self.net.stimuli[s.device as usize];
            let rng = dev.draws_per_target().then(|| {
                rng::stream(
                    self.net.seed,
                    rng::DOMAIN_POISSON,
                    dev_id.0,
                    s.target,
                    s.occurrence,
                )
            });
            let part = &mut self.partitions[p];
            let c = &part.chunks[loc.chunk];
            let cells = s.routes.map(|(channel, _)| {
                (c.cell_base + usize::from(channel) * c.len + loc.local) as u32
            });
            // A device's events carry no offset (NEST's default 0): on a channel that scales
            // by it they add nothing.
            let takes = std::array::from_fn(|k| {
                if part.cell_offset[cells[k] as usize] {
                    Take::Fixed(0.0)
                } else {
                    s.routes[k].1
                }
            });
            part.device_synapses.push(DeviceSynapse {
                device: s.device,
                cells,
                takes,
                delay: s.delay,
                weight: s.weight,
                rng,
                noise: 0.0,
                state: TargetState::default(),
                order: i as u32,
            });
        }
        self.built.device_synapses = self.net.device_synapses.len();

        // Spike recorders: the table of recorders per neuron is rebuilt (cheap); device →
        // recorder connections are appended.
        let b = &self.net;
        let n_slots = n_ids + 1;
        let mut recorder_counts = vec![0u32; n_slots];
        for input in &b.recorder_inputs {
            if matches!(b.role(NodeId(input.source)), Some(Role::Neurons(_))) {
                recorder_counts[input.source as usize + 1] += 1;
            }
        }
        for i in 1..n_slots {
            recorder_counts[i] += recorder_counts[i - 1];
        }
        let mut recorder_of = vec![0u32; recorder_counts[n_slots - 1] as usize];
        let mut cursor = recorder_counts.clone();
        let mut recorded_neurons = vec![Vec::new(); b.spike_recorders.len()];
        for input in &b.recorder_inputs {
            if matches!(b.role(NodeId(input.source)), Some(Role::Neurons(_))) {
                recorder_of[cursor[input.source as usize] as usize] = input.recorder as u32;
                cursor[input.source as usize] += 1;
                recorded_neurons[input.recorder].push(NodeId(input.source));
            }
        }
        self.recorder_offsets = recorder_counts;
        self.recorder_of = recorder_of;
        for input in &b.recorder_inputs[self.built.recorder_inputs..] {
            if let Some(Role::Stimulus(d)) = b.role(NodeId(input.source)) {
                let dev = &b.stimuli[d].1;
                let rec_id = b.spike_recorders[input.recorder].0;
                self.device_recordings.push(DeviceRecording {
                    recorder: input.recorder,
                    device: d,
                    sender: input.source,
                    occurrence: input.occurrence,
                    rng: dev.draws_per_target().then(|| {
                        rng::stream(
                            b.seed,
                            rng::DOMAIN_POISSON,
                            input.source,
                            rec_id.0,
                            input.occurrence,
                        )
                    }),
                    state: TargetState::default(),
                });
            }
        }
        self.built.recorder_inputs = b.recorder_inputs.len();

        // Volume transmitters: a new one starts with NEST's initial history; the table of
        // transmitters per source is rebuilt (cheap).
        for &(id, _) in &b.volume_transmitters[self.volumes.len()..] {
            self.volumes.push(VolumeRun::new());
            self.volume_histories.push(VolumeHistory {
                id,
                spikes: crate::volume::initial_history(),
            });
        }
        self.volume_of.clear();
        for input in &b.volume_inputs {
            self.volume_of
                .entry(input.source)
                .or_default()
                .push((input.transmitter, input.delay));
        }
        self.layout.spike_recorders = b
            .spike_recorders
            .iter()
            .zip(recorded_neurons)
            .map(|((id, _), mut neurons)| {
                neurons.sort_unstable();
                neurons.dedup();
                SpikeRecorderInfo { id: *id, neurons }
            })
            .collect();
        self.layout.weight_recorders = b
            .weight_recorders
            .iter()
            .map(|(id, _)| WeightRecorderInfo { id: *id })
            .collect();
        self.sync_detectors(n_slots);

        // Multimeters: probes per partition in ascending id order. A multimeter's columns
        // are fixed once it has recorded: targets added later are refused.
        for m in 0..self.built.multimeters {
            let (id, _, targets) = &self.net.multimeters[m];
            if targets.len() != self.built.multimeter_targets[m] {
                return Err(BuildError::NotImplemented(format!(
                    "multimeter {id} already recorded in an earlier Simulate; spindle cannot add neurons to it (create another multimeter)"
                )));
            }
        }
        for m in self.built.multimeters..self.net.multimeters.len() {
            self.add_multimeter(m);
        }
        self.built.multimeters = self.net.multimeters.len();
        self.built.multimeter_targets = self.net.multimeters.iter().map(|m| m.2.len()).collect();
        self.check_distributable()
    }

    /// Spike detectors: the table of detector inputs per neuron is rebuilt (cheap); device →
    /// detector connections are appended, each with its own stream where the device draws
    /// per target.
    fn sync_detectors(&mut self, n_slots: usize) {
        let b = &self.net;
        let from_neuron = |source: u32| matches!(b.role(NodeId(source)), Some(Role::Neurons(_)));
        let mut offsets = vec![0u32; n_slots];
        for input in &b.detector_inputs {
            if from_neuron(input.source) {
                offsets[input.source as usize + 1] += 1;
            }
        }
        for i in 1..n_slots {
            offsets[i] += offsets[i - 1];
        }
        let mut of = vec![0u32; offsets[n_slots - 1] as usize];
        let mut cursor = offsets.clone();
        for (i, input) in b.detector_inputs.iter().enumerate() {
            if from_neuron(input.source) {
                of[cursor[input.source as usize] as usize] = i as u32;
                cursor[input.source as usize] += 1;
            }
        }
        for (i, input) in b
            .detector_inputs
            .iter()
            .enumerate()
            .skip(self.built.detector_inputs)
        {
            if let Some(Role::Stimulus(d)) = b.role(NodeId(input.source)) {
                let det_id = b.detectors[input.detector].0;
                self.device_detections.push(DeviceDetection {
                    input: i,
                    device: d,
                    rng: b.stimuli[d].1.draws_per_target().then(|| {
                        rng::stream(
                            b.seed,
                            rng::DOMAIN_POISSON,
                            input.source,
                            det_id.0,
                            input.occurrence,
                        )
                    }),
                    state: TargetState::default(),
                });
            }
        }
        self.detector_offsets = offsets;
        self.detector_of = of;
        self.built.detector_inputs = b.detector_inputs.len();
        self.layout.detectors = b
            .detectors
            .iter()
            .map(|(id, d)| DetectorInfo {
                id: *id,
                model: d.model_name().to_string(),
                arrays: d
                    .results()
                    .iter()
                    .map(|r| {
                        let int = matches!(r.values, crate::detector::ResultValues::Int(_));
                        (r.name, r.shape.len(), int)
                    })
                    .collect(),
            })
            .collect();
    }

    /// Hand the detectors the spikes of an advance as NEST 3.10 does. A detector is a node
    /// with proxies: neurons' spikes reach it through the spike exchange, at the start of the
    /// slice after the one they were emitted in (`spikes`, sorted by (stamp, sender); a spike
    /// of multiplicity m travels as m spikes), each through the sender's detector connections
    /// in creation order. Generators send to it at once (`send_from_device`), in the slice
    /// they emit in, after the delivered spikes, sorted by (stamp, sender, connection), with
    /// their multiplicity; per-target draws come from each connection's own stream.
    fn detect(&mut self, spikes: &[SpikeEvent]) {
        if self.detector_of.is_empty() && self.device_detections.is_empty() {
            return;
        }
        for ev in spikes {
            let s = ev.sender as usize;
            let (lo, hi) = (
                self.detector_offsets[s] as usize,
                self.detector_offsets[s + 1] as usize,
            );
            for _ in 0..ev.multiplicity {
                for &i in &self.detector_of[lo..hi] {
                    let input = self.net.detector_inputs[i as usize];
                    let d = &mut self.net.detectors[input.detector].1;
                    d.handle(ev.stamp, input.port, input.weight, 1);
                }
            }
        }
        // (stamp, sender, detector input, multiplicity)
        let mut events: Vec<(Step, u32, usize, u32)> = Vec::new();
        for dd in &mut self.device_detections {
            let sender = self.net.detector_inputs[dd.input].source;
            let out = &self.device_out[dd.device];
            for e in &out.fixed {
                events.push((e.stamp, sender, dd.input, e.multiplicity));
            }
            if let Some(r) = dd.rng.as_mut() {
                for e in &out.poisson {
                    let n = rng::poisson(r, e.lambda);
                    if n > 0 {
                        events.push((e.stamp, sender, dd.input, n));
                    }
                }
                for (stamp, n) in out.draw_targets(&mut dd.state, r) {
                    events.push((stamp, sender, dd.input, n));
                }
            }
        }
        events.sort_by_key(|e| (e.0, e.1, e.2));
        for (stamp, _, i, multiplicity) in events {
            let input = self.net.detector_inputs[i];
            self.net.detectors[input.detector].1.handle(
                stamp,
                input.port,
                input.weight,
                multiplicity,
            );
        }
    }

    /// Hand the sink every detector's result (at the end of each run).
    fn write_detectors(&self, sink: &mut dyn RecordSink) -> Result<(), RunError> {
        for (i, (_, d)) in self.net.detectors.iter().enumerate() {
            sink.detector(i, &d.results())
                .map_err(RunError::Recording)?;
        }
        Ok(())
    }

    /// What a run on several ranks cannot gather yet: a weight recorder's events (made by the
    /// rank of each synapse) and a `noise_generator`'s recorded current (the mean over
    /// targets on every rank). Refused, never recorded partly.
    fn check_distributable(&self) -> Result<(), BuildError> {
        if self.decomposition.ranks == 1 {
            return Ok(());
        }
        let refuse = |what: &str| {
            Err(BuildError::NotImplemented(format!(
                "{what} in a run on {} MPI ranks: spindle does not gather it across ranks yet (run it on one rank, with threads)",
                self.decomposition.ranks
            )))
        };
        if let Some((id, _)) = self.net.weight_recorders.first() {
            return refuse(&format!("weight_recorder {id}"));
        }
        for mm in &self.multimeters {
            for &(_, d) in &mm.devices {
                let (id, dev) = &self.net.stimuli[d];
                if dev.model_name() == "noise_generator" {
                    return refuse(&format!("a multimeter recording noise_generator {id}"));
                }
            }
        }
        Ok(())
    }

    fn add_multimeter(&mut self, m: usize) {
        let parts = self.decomposition.partitions();
        let (id, spec, targets) = &self.net.multimeters[m];
        let mut senders = targets.clone();
        senders.sort_unstable();
        let mut columns = vec![Vec::new(); parts];
        for part in &mut self.partitions {
            part.multimeters.push(MultimeterProbes {
                probes: Vec::new(),
                recordables: vec![Vec::new(); part.chunks.len()],
                samples: Vec::new(),
            });
        }
        let mut units = vec![""; spec.record_from.len()];
        let mut devices = Vec::new();
        for (col, &t) in senders.iter().enumerate() {
            let pop = match self.net.role(t) {
                Some(Role::Neurons(pop)) => pop,
                Some(Role::Stimulus(d)) => {
                    // A device's own recordables (see `StimulusDevice::recordables`).
                    for (u, name) in units.iter_mut().zip(&spec.record_from) {
                        *u = if name == "I" { "pA" } else { "spikes/s" };
                    }
                    devices.push((col, d));
                    continue;
                }
                _ => unreachable!("multimeters record neurons and current generators only"),
            };
            let loc = self.split_locate(t.0);
            let table = self.net.populations[pop].model.recordables();
            for (u, name) in units.iter_mut().zip(&spec.record_from) {
                if let Some(r) = table.iter().find(|r| &r.name == name) {
                    *u = r.unit;
                }
            }
            columns[loc.partition].push(col);
            let Some(p) = self.local(loc.partition) else {
                continue; // sampled by the rank that owns it
            };
            let probes = &mut self.partitions[p].multimeters[m];
            if probes.recordables[loc.chunk].is_empty() {
                probes.recordables[loc.chunk] = spec
                    .record_from
                    .iter()
                    .map(|name| {
                        table
                            .iter()
                            .position(|r| &r.name == name)
                            .expect("record_from was checked at connect time")
                    })
                    .collect();
            }
            probes.probes.push(Probe {
                chunk: loc.chunk,
                local: loc.local,
            });
        }
        self.layout.multimeters.push(MultimeterInfo {
            id: *id,
            model: spec.model,
            senders: senders.clone(),
            record_from: spec.record_from.clone(),
            units,
            interval_ms: self.grid.step_to_ms(spec.interval),
        });
        self.multimeters.push(MultimeterRun {
            columns,
            devices,
            n_senders: senders.len(),
            times: Vec::new(),
            values: vec![Vec::new(); spec.record_from.len()],
        });
    }

    fn split_locate(&self, id: u32) -> Location {
        self.locate(id).expect("a built neuron")
    }

    /// The index in `partitions` of the run's partition `p`, if this rank owns it.
    fn local(&self, p: usize) -> Option<usize> {
        let range = self.decomposition.local_partitions();
        range.contains(&p).then(|| p - range.start)
    }

    /// Which partitions this rank owns, of how many.
    pub fn decomposition(&self) -> Decomposition {
        self.decomposition
    }

    /// The collectives between the ranks of this run.
    pub fn communicator(&self) -> &dyn Communicator {
        &*self.comm
    }

    /// Where neuron `id` lives: the partition (worker thread) that owns and updates it, and
    /// its index among that partition's neurons in id order (NEST's `thread` and
    /// `thread_local_id`). `None` for devices and for ids not built yet. This is spindle's
    /// block split, not NEST's round-robin over virtual processes, and it does not depend on
    /// anything but the population sizes and the thread count. In a distributed run, `None`
    /// for another rank's neurons too (NEST's non-local nodes).
    pub fn node_placement(&self, id: NodeId) -> Option<(usize, usize)> {
        let loc = self.locate(id.0)?;
        let part = &self.partitions[self.local(loc.partition)?];
        let before: usize = part.chunks[..loc.chunk].iter().map(|c| c.len).sum();
        Some((loc.partition, before + loc.local))
    }

    /// NEST's `SetKernelStatus({"rng_seed": seed})` on a network that exists: every random
    /// stream restarts from a key made of the new seed and what the stream serves, as NEST
    /// reseeds its generators. What was drawn before stays (node parameters drawn at
    /// `Create`, the connections of statements made before: each statement keeps the seed
    /// it was made with); what is drawn afterwards (during the following runs, by later
    /// `Create`/`Connect` calls) comes from the new streams. Results stay a function of the
    /// network, the seeds and the calls they were set between, never of the thread count.
    /// Parts of the description not built yet are seeded from the new seed when they are.
    pub fn reseed(&mut self, seed: u64) {
        self.net.seed = seed;
        for (id, dev) in &mut self.net.stimuli[..self.built.stimuli] {
            dev.set_stream(rng::stream(seed, rng::DOMAIN_DEVICE, id.0, 0, 0));
        }
        let b = &self.net;
        for part in &mut self.partitions {
            for c in &mut part.chunks {
                c.state.seed_streams(seed, c.first_id);
            }
            for a in &mut part.archives {
                a.reseed(seed);
            }
            for ds in &mut part.device_synapses {
                if ds.rng.is_some() {
                    let s = b.device_synapses[ds.order as usize];
                    let dev_id = b.stimuli[s.device as usize].0;
                    ds.rng = Some(rng::stream(
                        seed,
                        rng::DOMAIN_POISSON,
                        dev_id.0,
                        s.target,
                        s.occurrence,
                    ));
                }
            }
        }
        for r in &mut self.device_recordings {
            if r.rng.is_some() {
                let rec_id = b.spike_recorders[r.recorder].0;
                r.rng = Some(rng::stream(
                    seed,
                    rng::DOMAIN_POISSON,
                    r.sender,
                    rec_id.0,
                    r.occurrence,
                ));
            }
        }
    }

    /// NEST's `GetStatus` of neuron `id` (its model's parameters and state, and the keys of
    /// its spike archive: `t_spike`, `tau_minus`, `tau_minus_triplet`, `post_trace`), `None`
    /// if `id` is not a neuron.
    pub fn neuron_status(&mut self, id: NodeId) -> Option<crate::params::Params> {
        self.sync_nodes().ok()?;
        let loc = self.locate(id.0)?;
        let (_, neuron) = self.node_placement(id)?;
        let part = &self.partitions[self.local(loc.partition)?];
        let mut d = part.chunks[loc.chunk].state.get_status(loc.local);
        part.archives[neuron].get_status(&mut d);
        Some(d)
    }

    /// NEST's `SetStatus` of neuron `id`: the keys of `dict` its model knows and the archive's
    /// `tau_minus` and `tau_minus_triplet` are taken and applied (see
    /// [`crate::model::NeuronChunk::set_status`]); the rest stay in `dict`. On error nothing
    /// changes.
    pub fn set_neuron_status(
        &mut self,
        id: NodeId,
        dict: &mut crate::params::Params,
    ) -> Result<(), crate::params::ParamError> {
        self.sync_nodes()
            .map_err(|e| crate::params::ParamError::rule(e.to_string()))?;
        let loc = self
            .locate(id.0)
            .ok_or_else(|| crate::params::ParamError::rule(format!("node {id} is not a neuron")))?;
        let Some((p, neuron)) = self
            .node_placement(id)
            .and_then(|(p, n)| Some((self.local(p)?, n)))
        else {
            // Another rank's neuron: that rank sets and checks it (NEST ignores SetStatus of
            // non-local nodes); here the keys its model knows are only taken, so that unknown
            // keys are still refused alike on every rank.
            let Some(Role::Neurons(pop)) = self.net.role(id) else {
                unreachable!("a located node is a neuron")
            };
            let mut known = self.net.populations[pop].model.instantiate(1).get_status(0);
            crate::archive::Archive::default().get_status(&mut known);
            for key in known.keys().map(str::to_string).collect::<Vec<_>>() {
                dict.take(&key);
            }
            return Ok(());
        };
        let part = &mut self.partitions[p];
        let mut archive = part.archives[neuron].clone();
        archive.set_status(dict)?;
        part.chunks[loc.chunk].state.set_status(loc.local, dict)?;
        part.archives[neuron] = archive;
        Ok(())
    }

    /// The synapse model of neuron synapse `id` (`static_synapse` for the compact stores).
    pub fn synapse_model(&self, id: SynapseId) -> Option<&str> {
        let part = self.partitions.get(self.local(id.partition as usize)?)?;
        match plastic_group(id.store) {
            Some(g) => Some(part.plastic.get(g)?.store.name()),
            None => Some("static_synapse"),
        }
    }

    /// The model's own keys of a synapse with state (its parameters and state besides
    /// `weight` and `delay`, as NEST's `get_status` writes them); empty for `static_synapse`.
    pub fn synapse_state(&self, id: SynapseId) -> crate::params::Params {
        let mut d = crate::params::Params::new();
        if let (Some(part), Some(g)) = (
            self.local(id.partition as usize)
                .and_then(|p| self.partitions.get(p)),
            plastic_group(id.store),
        ) {
            if let Some(group) = part.plastic.get(g) {
                group.store.status(id.index as usize, &mut d);
            }
        }
        d
    }

    /// NEST's `SetStatus` of the model's own keys of a synapse with state, checked with the
    /// weight it will have (`weight`, or its current one); the keys it knows are taken from
    /// `dict`. Nothing changes on error.
    pub fn set_synapse_state(
        &mut self,
        id: SynapseId,
        weight: Option<f64>,
        dict: &mut crate::params::Params,
    ) -> Result<(), crate::params::ParamError> {
        let Some(current) = self.synapse(id).and_then(|c| c.synapse) else {
            return Err(crate::params::ParamError::rule(
                "InexistentConnection: the connection does not exist (it was disconnected)",
            ));
        };
        let Some(g) = plastic_group(id.store) else {
            return Ok(());
        };
        let p = self.local(id.partition as usize).expect("found above");
        let store = &mut self.partitions[p].plastic[g].store;
        store.set_status(id.index as usize, weight.unwrap_or(current.weight), dict)
    }

    /// NEST's `SetStatus` of stimulating device `id`; the change acts from the next step on.
    pub fn set_device_status(
        &mut self,
        id: NodeId,
        dict: &mut crate::params::Params,
    ) -> Result<(), crate::params::ParamError> {
        let (grid, now) = (self.grid, self.now);
        let dev = self.net.stimulus_mut(id).ok_or_else(|| {
            crate::params::ParamError::rule(format!("node {id} is not a stimulating device"))
        })?;
        dev.set_status(dict, &grid, now)
    }

    pub fn grid(&self) -> TimeGrid {
        self.grid
    }

    /// The slice length `D` in steps (the smallest delay of any connection).
    pub fn min_delay(&self) -> Step {
        self.min_delay
    }

    pub fn max_delay(&self) -> Step {
        self.max_delay
    }

    /// Steps simulated so far.
    pub fn now(&self) -> Step {
        self.now
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    pub fn node_count(&self) -> u32 {
        self.net.node_count()
    }

    /// Connections of every kind (device and recorder connections included).
    pub fn connection_count(&self) -> usize {
        let b = &self.net;
        let unbuilt_explicit: usize = b.statements[self.built.statements..]
            .iter()
            .map(|s| match s {
                crate::network::Statement::Explicit(list, _) => list.len(),
                crate::network::Statement::Rule(_) => 0,
            })
            .sum();
        self.neuron_synapses + unbuilt_explicit + b.device_synapses.len()
            - self.removed_device_synapses
            + b.recorder_inputs.len()
            + b.multimeters.iter().map(|m| m.2.len()).sum::<usize>()
    }

    /// The synapses the statements `range` of the description made, as built (call
    /// [`Simulation::sync`] first; later `disconnect`s are not subtracted). Counted on this
    /// rank's partitions.
    pub fn statement_synapses(&self, range: std::ops::Range<usize>) -> usize {
        let end = range.end.min(self.statement_synapses.len());
        self.statement_synapses[range.start.min(end)..end]
            .iter()
            .sum()
    }

    /// Synapses stored for delivery (neuron and stimulus → neuron connections).
    pub fn synapse_count(&self) -> usize {
        self.neuron_synapses + self.net.device_synapses.len() - self.removed_device_synapses
    }

    /// Heap bytes of the neuron → neuron synapse stores.
    pub fn synapse_bytes(&self) -> usize {
        self.synapse_bytes
    }

    /// Synaptic events delivered so far (see `Partition::events`).
    pub fn delivered_events(&self) -> u64 {
        self.partitions.iter().map(|p| p.events).sum()
    }

    /// Spikes emitted by neurons so far (a spike of multiplicity m counts m times).
    pub fn spike_count(&self) -> u64 {
        self.spike_count
    }

    /// The recorders, for [`RecordSink::begin`].
    pub fn recording_layout(&self) -> &RecordingLayout {
        &self.layout
    }

    /// The current value of recordable `index` (into the model's
    /// [`crate::model::NeuronModel::recordables`] table) of neuron `id`; `None` if `id` is not
    /// a neuron. A front end reads the state between runs with it (NEST's `GetStatus`).
    pub fn recordable_value(&self, id: NodeId, index: usize) -> Option<f64> {
        self.partitions.iter().find_map(|p| {
            p.chunks
                .iter()
                .find(|c| id.0 >= c.first_id && ((id.0 - c.first_id) as usize) < c.len)
                .map(|c| c.state.recordable(index, (id.0 - c.first_id) as usize))
        })
    }

    /// Every connection of the network, sorted by (source, target) with multapses in creation
    /// order (a stable sort of [`Simulation::synapses`]). Synapses into neurons carry their
    /// weight as given and their delay; connections to spike recorders and from multimeters
    /// carry neither.
    pub fn connections(&self) -> Vec<ConnectionInfo> {
        let mut out: Vec<ConnectionInfo> =
            self.synapses().into_iter().map(|r| r.connection).collect();
        out.sort_by_key(|c| (c.source, c.target));
        out
    }

    /// Every connection of the network in NEST's `GetConnections` order (of a one-thread
    /// NEST): by source, then in creation order — statement by statement, and within a
    /// statement by target (the creation order of every rule but `fixed_outdegree` and
    /// `fixed_total_number`, whose draws spindle orders by target too) — then the connections
    /// of recording devices. Built statements are expanded once more to learn which made each
    /// synapse (the stores keep no such column); the order does not depend on the thread
    /// count. Unbuilt statements are not listed (call [`Simulation::sync`] first).
    pub fn synapses(&self) -> Vec<SynapseRecord> {
        // Sort key: (source, group, creation rank, target, position), group 0: synapses into
        // neurons, 1: recorder connections.
        type Key = (u32, u8, u64, u32, u64);
        let device_ids: Vec<u32> = self.net.stimuli.iter().map(|(id, _)| id.0).collect();
        // (Partitions are not `Sync`: neuron state is only `Send`; their stores are.)
        let stores: Vec<(&Vec<SynapseStore>, &Vec<PlasticGroup>)> = self
            .partitions
            .iter()
            .map(|p| (&p.synapses, &p.plastic))
            .collect();
        let (statements, populations) = (&self.net.statements, &self.net.populations);
        let shapes = &self.shapes[self.decomposition.local_partitions()];
        let grid = self.net.grid;
        let of = |range: &std::ops::Range<usize>, shape, offsets: &[u32], which| {
            let connectome = Connectome {
                statements: &statements[range.clone()],
                populations,
                grid,
                n_ids: offsets.len() - 1,
            };
            connectome
                .statement_of(shape, offsets, which)
                .expect("a built statement expands again")
        };
        // Per partition: the statement of each synapse of each static store, then of each
        // plastic store.
        type Of = (Vec<Vec<u32>>, Vec<Vec<u32>>);
        let statement_of: Vec<Of> = self.pool.install(|| {
            stores
                .par_iter()
                .zip(shapes)
                .map(|((stores, plastic), shape)| {
                    let fixed = stores
                        .iter()
                        .map(|store| of(&store.statements, shape, &store.offsets, Which::Static))
                        .collect();
                    let plastic = plastic
                        .iter()
                        .map(|g| {
                            let which = Which::Model(g.store.name());
                            of(&g.statements, shape, g.store.offsets(), which)
                        })
                        .collect();
                    (fixed, plastic)
                })
                .collect()
        });
        // NEST numbers ports per thread and synapse model (a connector's lcid): the model of
        // each row, as an index into `models` (0: `static_synapse`, which recorder
        // connections also use).
        let mut models: Vec<String> = vec!["static_synapse".to_string()];
        let mut model_of = |name: &str| match models.iter().position(|m| m == name) {
            Some(i) => i,
            None => {
                models.push(name.to_string());
                models.len() - 1
            }
        };
        let mut rows: Vec<(Key, SynapseRecord)> = Vec::with_capacity(self.synapse_count());
        let mut row_model: Vec<usize> = Vec::with_capacity(self.synapse_count());
        let first_local = self.decomposition.local_partitions().start;
        for (p, part) in self.partitions.iter().enumerate() {
            let global = first_local + p;
            part.for_each_synapse(&mut |s: StoredSynapse| {
                row_model.push(match plastic_group(s.store) {
                    Some(g) => model_of(part.plastic[g].store.name()),
                    None => 0,
                });
                let (source, rank) = if s.store == DEVICE_STORE {
                    (device_ids[s.source as usize], u64::from(s.order))
                } else if let Some(g) = plastic_group(s.store) {
                    let start = part.plastic[g].statements.start;
                    let k = statement_of[p].1[g][s.index as usize];
                    (s.source, (start + k as usize) as u64)
                } else {
                    let store = &part.synapses[s.store as usize];
                    let k = statement_of[p].0[s.store as usize][s.index as usize];
                    (s.source, (store.statements.start + k as usize) as u64)
                };
                let record = SynapseRecord {
                    connection: ConnectionInfo {
                        source: NodeId(source),
                        target: NodeId(s.target),
                        synapse: Some(SynapseInfo {
                            channel: s.channel,
                            weight: s.weight,
                            delay: Step::from(s.delay),
                            receptor: s.receptor,
                        }),
                    },
                    id: Some(SynapseId {
                        partition: global as u32,
                        store: s.store,
                        index: s.index,
                    }),
                    target_thread: global,
                    port: 0,
                };
                rows.push(((source, 0, rank, s.target, u64::from(s.index)), record));
            });
        }
        let mut extra = |source: NodeId, target: NodeId, thread: usize| {
            let n = rows.len() as u64;
            row_model.push(0);
            rows.push((
                (source.0, 1, n, 0, 0),
                SynapseRecord {
                    connection: ConnectionInfo {
                        source,
                        target,
                        synapse: None,
                    },
                    id: None,
                    target_thread: thread,
                    port: 0,
                },
            ));
        };
        let recorder_id = |r: u32| self.layout.spike_recorders[r as usize].id;
        for s in 0..self.recorder_offsets.len().saturating_sub(1) {
            let (lo, hi) = (
                self.recorder_offsets[s] as usize,
                self.recorder_offsets[s + 1] as usize,
            );
            for &r in &self.recorder_of[lo..hi] {
                extra(NodeId(s as u32), recorder_id(r), 0);
            }
        }
        for dr in &self.device_recordings {
            extra(NodeId(dr.sender), recorder_id(dr.recorder as u32), 0);
        }
        for input in &self.net.detector_inputs {
            extra(
                NodeId(input.source),
                self.net.detectors[input.detector].0,
                0,
            );
        }
        for m in &self.layout.multimeters {
            for &t in &m.senders {
                let thread = self.locate(t.0).map_or(0, |l| l.partition);
                extra(m.id, t, thread);
            }
        }
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|&i| rows[i].0);
        let mut ports = vec![vec![0usize; models.len()]; self.decomposition.partitions()];
        order
            .into_iter()
            .map(|i| {
                let mut r = rows[i].1;
                let port = &mut ports[r.target_thread][row_model[i]];
                r.port = *port;
                *port += 1;
                r
            })
            .collect()
    }

    /// The synapse `id` addresses, as listed, `None` if there is none or it was disconnected.
    pub fn synapse(&self, id: SynapseId) -> Option<ConnectionInfo> {
        let part = self.partitions.get(self.local(id.partition as usize)?)?;
        let s = if id.store == DEVICE_STORE {
            let mut s = part.device_synapse(id.index as usize)?;
            s.source = self.net.stimuli[s.source as usize].0 .0;
            s
        } else {
            part.neuron_synapse(id.store as usize, id.index as usize)?
        };
        Some(ConnectionInfo {
            source: NodeId(s.source),
            target: NodeId(s.target),
            synapse: Some(SynapseInfo {
                channel: s.channel,
                weight: s.weight,
                delay: Step::from(s.delay),
                receptor: s.receptor,
            }),
        })
    }

    /// The first live synapse from `source` to `target` in creation order (the one NEST's
    /// `Disconnect` removes), `None` if there is none. Only built synapses are searched.
    pub fn find_synapse(&self, source: NodeId, target: NodeId) -> Option<SynapseId> {
        let loc = self.locate(target.0)?;
        let p = self.local(loc.partition)?;
        let part = &self.partitions[p];
        let id = |store: u32, index: usize| SynapseId {
            partition: loc.partition as u32,
            store,
            index: index as u32,
        };
        if let Some(Role::Stimulus(d)) = self.net.role(source) {
            return (0..part.device_synapses.len())
                .filter(|&i| part.device_synapses[i].device == d as u32)
                .find(|&i| part.device_synapse(i).is_some_and(|s| s.target == target.0))
                .map(|i| id(DEVICE_STORE, i));
        }
        let s = source.0 as usize;
        let rows = part.neuron_stores();
        for (g, offsets) in rows {
            let Some(&hi) = offsets.get(s + 1) else {
                continue;
            };
            for i in offsets[s] as usize..hi as usize {
                let cell = part.synapse_cell(g as usize, i);
                if cell != TRASH_CELL {
                    let (c, local, _) = part.cell_place(cell);
                    if part.chunks[c].first_id + local as u32 == target.0 {
                        return Some(id(g, i));
                    }
                }
            }
        }
        None
    }

    /// NEST's `Disconnect` of the synapses `ids` (all or none: an id that addresses no live
    /// synapse fails with `InexistentConnection` before anything changes). A removed synapse
    /// delivers nothing from the next delivery on.
    pub fn disconnect(&mut self, ids: &[SynapseId]) -> Result<(), Rejection> {
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1])
            || ids.iter().any(|&id| self.synapse(id).is_none())
        {
            return Err(Rejection::new(
                "InexistentConnection",
                "Deletion of connection is not possible because it does not exist.",
            ));
        }
        for id in sorted {
            let p = self.local(id.partition as usize).expect("checked above");
            let part = &mut self.partitions[p];
            if id.store == DEVICE_STORE {
                part.device_synapses[id.index as usize].cells = [TRASH_CELL; 2];
                self.removed_device_synapses += 1;
            } else {
                part.remove_synapse(id.store as usize, id.index as usize);
                self.neuron_synapses -= 1;
            }
        }
        Ok(())
    }

    /// NEST's `SetStatus` of synapse `id`: a new weight (as given; a model that routes by the
    /// weight's sign, as `iaf_cond_exp` does, gets the synapse on the other channel when the
    /// sign changes) and/or delay (ms). The change acts from the next delivery on. After the
    /// first run a delay must keep within the delay extrema (`BadDelay`, as NEST).
    pub fn set_synapse(
        &mut self,
        id: SynapseId,
        weight: Option<f64>,
        delay_ms: Option<f64>,
    ) -> Result<(), Rejection> {
        let Some(current) = self.synapse(id).and_then(|c| c.synapse) else {
            return Err(Rejection::new(
                "InexistentConnection",
                "the connection does not exist (it was disconnected)",
            ));
        };
        let bad_delay = |message: String| Rejection::new("BadDelay", message);
        let delay = match delay_ms {
            None => current.delay,
            Some(d) => {
                let steps = self.grid.delay_to_steps(d);
                if !d.is_finite() || steps < 1 {
                    return Err(bad_delay(format!(
                        "Delay value {} is invalid: delay must be greater than or equal to the resolution ({} ms).",
                        nest_number(d),
                        self.grid.h()
                    )));
                }
                if steps > crate::network::MAX_DELAY_STEPS {
                    return Err(bad_delay(format!(
                        "Delay value {} exceeds the largest supported delay ({} ms).",
                        nest_number(d),
                        self.grid.step_to_ms(crate::network::MAX_DELAY_STEPS)
                    )));
                }
                if self.net.frozen_delays.is_some()
                    && (steps < self.min_delay || steps > self.max_delay)
                {
                    return Err(bad_delay(format!(
                        "Delay value {} is invalid: Minimum and maximum delay cannot be changed after Simulate has been called.",
                        nest_number(d)
                    )));
                }
                if let Err(BuildError::Rule { reason, .. }) = self.net.check_user_delay(steps, None)
                {
                    return Err(reason);
                }
                steps
            }
        };
        if self.net.frozen_delays.is_none() {
            // Before the first run the extrema follow every delay set (the next sync sizes
            // the rings), as NEST's delay checker does.
            let seen = &mut self.built.extrema;
            seen.0 = Some(seen.0.map_or(delay, |d| d.min(delay)));
            seen.1 = Some(seen.1.map_or(delay, |d| d.max(delay)));
        }
        let weight = weight.unwrap_or(current.weight);
        let p = self.local(id.partition as usize).expect("found above");
        let part = &mut self.partitions[p];
        if id.store == DEVICE_STORE {
            let ds = &mut part.device_synapses[id.index as usize];
            ds.weight = weight;
            ds.delay = delay as u16;
            return Ok(());
        }
        let cell = part.synapse_cell(id.store as usize, id.index as usize);
        let (c, local, channel) = part.cell_place(cell);
        let chunk = &part.chunks[c];
        let receptor = chunk.routes[usize::from(channel)]
            .0
            .expect("a synapse's channel has a spike receptor");
        let population = self.shapes[id.partition as usize].chunks[c].population;
        let input = self.net.populations[population]
            .model
            .spike_input(receptor, weight)?;
        let new_cell = (chunk.cell_base + usize::from(input.channel) * chunk.len + local) as u32;
        part.rewrite_synapse(
            id.store as usize,
            id.index as usize,
            new_cell,
            Kind {
                given: weight,
                delivered: input.weight,
                delay: delay as u16,
            },
        );
        Ok(())
    }

    /// Simulate `steps` more steps (NEST's `Simulate`), writing recordings into `sink`.
    pub fn run(&mut self, steps: Step, sink: &mut dyn RecordSink) -> Result<(), RunError> {
        self.run_with(steps, sink, &mut |_| true)
    }

    /// As [`Simulation::run`], calling `progress(now)` after every slice (and after the part of
    /// a slice that ends the run); returning `false` from it stops the run at that slice
    /// boundary with [`RunError::Interrupted`], after `sink.end_of_run` (the network stays
    /// consistent and could be run on). Front ends stop a run on a signal this way: the kernel
    /// knows nothing of signals, and the check costs one call per slice.
    pub fn run_with(
        &mut self,
        steps: Step,
        sink: &mut dyn RecordSink,
        progress: &mut dyn FnMut(Step) -> bool,
    ) -> Result<(), RunError> {
        let grid = self.grid;
        if let Some(why) = &self.broken {
            return Err(RunError::Broken(why.clone()));
        }
        self.sync()?;
        // From the first run on the delay extrema are fixed, as in NEST.
        self.net.frozen_delays = Some((self.min_delay, self.max_delay));
        let counts = (
            self.layout.spike_recorders.len(),
            self.layout.multimeters.len(),
        );
        if counts != self.announced
            || self.layout.weight_recorders.len() != self.announced_weights
            || self.layout.detectors.len() != self.announced_detectors
        {
            sink.grow(&self.layout, self.announced)
                .map_err(RunError::Recording)?;
            self.announced = counts;
            self.announced_weights = self.layout.weight_recorders.len();
            self.announced_detectors = self.layout.detectors.len();
        }
        for (_, d) in &mut self.net.detectors {
            d.prepare(&grid, self.min_delay);
        }
        self.weight_rows = None;
        self.pool.install(|| {
            self.partitions
                .par_iter_mut()
                .for_each(|p| p.prepare(&grid));
        });
        for (_, dev) in &mut self.net.stimuli {
            dev.prepare(self.now, &grid);
        }
        let end = self.now + steps.max(0);
        while self.now < end {
            let slice_end = self.slice_start + self.min_delay;
            let to = slice_end.min(end);
            self.advance(self.now, to, sink)?;
            self.now = to;
            sink.end_of_slice(grid.step_to_ms(to))
                .map_err(RunError::Recording)?;
            if to == slice_end {
                self.volume_phase(slice_end);
                self.slice_start = slice_end;
                self.to_deliver = Some(std::mem::take(&mut self.pending));
            }
            // A stop on one rank stops all of them at the same slice.
            let go_on = progress(self.now);
            let go_on = if self.decomposition.ranks > 1 {
                !self.comm.any(!go_on)
            } else {
                go_on
            };
            if !go_on {
                self.write_detectors(sink)?;
                sink.end_of_run(grid.step_to_ms(self.now))
                    .map_err(RunError::Recording)?;
                return Err(RunError::Interrupted {
                    at_ms: grid.step_to_ms(self.now),
                });
            }
        }
        self.write_detectors(sink)?;
        sink.end_of_run(grid.step_to_ms(self.now))
            .map_err(RunError::Recording)
    }

    fn advance(&mut self, from: Step, to: Step, sink: &mut dyn RecordSink) -> Result<(), RunError> {
        for ((_, dev), out) in self.net.stimuli.iter_mut().zip(&mut self.device_out) {
            out.clear();
            dev.slice_origin(self.slice_start);
            dev.emit(from, to, out);
        }
        let sample_steps: Vec<Vec<Step>> = self
            .net
            .multimeters
            .iter()
            .map(|(_, spec, _)| (from + 1..=to).filter(|&s| spec.samples_at(s)).collect())
            .collect();
        let deliver = if from == self.slice_start {
            self.to_deliver.take()
        } else {
            None
        };
        self.detect(deliver.as_deref().unwrap_or_default());
        let ctx = SliceContext {
            from,
            to,
            deliver: deliver.as_deref(),
            device_out: &self.device_out,
            sample_steps: &sample_steps,
            stop: self.stop.as_deref(),
            grid: self.grid,
            min_delay_ms: self.min_delay as f64 * self.grid.ms_per_step(),
            volume: &self.volume_histories,
        };
        match self.partitions.as_mut_slice() {
            [only] => only.advance(&ctx),
            partitions => self.pool.install(|| {
                partitions.par_iter_mut().for_each(|p| p.advance(&ctx));
            }),
        }
        let exchanged = self.exchange();
        self.check_halts(from, sink, exchanged.halt)?;
        let first_new = self.pending.len();
        self.gather_spikes(sink, exchanged.spikes)?;
        if !self.volume_of.is_empty() {
            for ev in &self.pending[first_new..] {
                for &(v, delay) in self.volume_of.get(&ev.sender).into_iter().flatten() {
                    self.volumes[v].arrive(ev.stamp + delay, ev.multiplicity);
                }
            }
        }
        self.gather_weights(sink)?;
        self.gather_samples(&sample_steps, sink)
    }

    /// The volume transmitters' phase at the end of the slice that ends at `slice_end` (after
    /// gather, before the next delivery; see `volume.rs`): each files the arrivals up to
    /// `slice_end`, and one whose delivery interval ends there triggers every synapse that
    /// reads it, in every partition in parallel (each writes only its own synapses and reads
    /// the history), then restarts its history at `t_trig`.
    fn volume_phase(&mut self, slice_end: Step) {
        let grid = self.grid;
        for (v, run) in self.volumes.iter_mut().enumerate() {
            let interval = self.net.volume_transmitters[v].1.deliver_interval * self.min_delay;
            let history = &mut self.volume_histories[v];
            run.file(slice_end, &grid, &mut history.spikes);
            if slice_end % interval != 0 {
                continue;
            }
            let t_trig = grid.step_to_ms(slice_end);
            let (vt, dopa) = (history.id, history.spikes.as_slice());
            match self.partitions.as_mut_slice() {
                [only] => only.trigger(vt, t_trig, dopa, &grid),
                partitions => self.pool.install(|| {
                    partitions
                        .par_iter_mut()
                        .for_each(|p| p.trigger(vt, t_trig, dopa, &grid));
                }),
            }
            history.spikes = vec![DopaSpike {
                t: t_trig,
                multiplicity: 0.0,
            }];
        }
    }

    /// What the partitions of every rank produced in an advance: the earliest halt and, on
    /// several ranks, every rank's spikes. One collective (NEST exchanges spikes once per
    /// slice too): each rank's block is `[length, halt length, halt…, spikes…]`.
    fn exchange(&mut self) -> Exchanged {
        let local = self
            .partitions
            .iter_mut()
            .filter_map(|p| p.halt.take())
            .reduce(earlier_halt);
        if self.decomposition.ranks == 1 {
            return Exchanged {
                halt: local,
                spikes: None,
            };
        }
        let halt = local.map(encode_halt).unwrap_or_default();
        let mut words = vec![0, halt.len() as u64];
        words.extend(halt);
        for p in &self.partitions {
            words.extend(p.spikes.iter().flat_map(|ev| ev.to_words()));
        }
        words[0] = words.len() as u64;
        let all = self.comm.all_gather(&words);
        let (mut halt, mut spikes) = (None, Vec::new());
        let mut at = 0;
        while at < all.len() {
            let block = &all[at..at + all[at] as usize];
            let n_halt = block[1] as usize;
            if let Some(h) = decode_halt(&block[2..2 + n_halt]) {
                halt = Some(match halt {
                    Some(g) => earlier_halt(g, h),
                    None => h,
                });
            }
            spikes.extend(
                block[2 + n_halt..]
                    .chunks_exact(SPIKE_WORDS)
                    .map(SpikeEvent::from_words),
            );
            at += block.len();
        }
        Exchanged {
            halt,
            spikes: Some(spikes),
        }
    }

    /// Whether a partition stopped inside the slice that began at `from`: a diverging neuron
    /// (the earliest step, then the lowest node id, so that the error does not depend on the
    /// partitioning) or a stop request. Either ends the run; the sink is closed at the last
    /// slice boundary it has whole.
    fn check_halts(
        &mut self,
        from: Step,
        sink: &mut dyn RecordSink,
        halt: Option<Halt>,
    ) -> Result<(), RunError> {
        let Some(halt) = halt else {
            return Ok(());
        };
        let grid = self.grid;
        sink.end_of_run(grid.step_to_ms(from))
            .map_err(RunError::Recording)?;
        Err(match halt {
            Halt::Instability {
                step,
                node,
                variable,
                value,
            } => {
                let model = self.net.model_name(NodeId(node)).unwrap_or("?").to_string();
                let error = RunError::NumericalInstability {
                    model,
                    node: NodeId(node),
                    variable,
                    value,
                    t_ms: grid.step_to_ms(step),
                };
                self.broken = Some(error.to_string());
                error
            }
            Halt::Stopped { .. } => {
                self.broken = Some(format!(
                    "the run was stopped inside the slice that began at {} ms",
                    grid.step_to_ms(from)
                ));
                RunError::Interrupted {
                    at_ms: grid.step_to_ms(from),
                }
            }
        })
    }

    /// Record the spikes of the advance and keep them for delivery: `all`, every rank's
    /// spikes of a distributed run, or (`None`) this process's partitions' own.
    fn gather_spikes(
        &mut self,
        sink: &mut dyn RecordSink,
        all: Option<Vec<SpikeEvent>>,
    ) -> Result<(), RunError> {
        let first_new = self.pending.len();
        match all {
            Some(spikes) => self.pending.extend(spikes),
            None => {
                for p in &self.partitions {
                    self.pending.extend_from_slice(&p.spikes);
                }
            }
        }
        let new = &mut self.pending[first_new..];
        new.sort_unstable();

        for ev in new.iter() {
            self.spike_count += u64::from(ev.multiplicity);
            let s = ev.sender as usize;
            let (lo, hi) = (
                self.recorder_offsets[s] as usize,
                self.recorder_offsets[s + 1] as usize,
            );
            for &r in &self.recorder_of[lo..hi] {
                let window = self.net.spike_recorders[r as usize].1.window;
                let rec = &mut self.spike_recorders[r as usize];
                if window.contains(ev.stamp) {
                    for _ in 0..ev.multiplicity {
                        rec.buffer.push((ev.stamp, ev.sender, ev.offset_bits));
                    }
                }
            }
        }
        for dr in &mut self.device_recordings {
            let window = self.net.spike_recorders[dr.recorder].1.window;
            let rec = &mut self.spike_recorders[dr.recorder];
            let out = &self.device_out[dr.device];
            for e in &out.fixed {
                if window.contains(e.stamp) {
                    for _ in 0..e.multiplicity {
                        rec.buffer.push((e.stamp, dr.sender, 0));
                    }
                }
            }
            if let Some(r) = dr.rng.as_mut() {
                for e in &out.poisson {
                    let n = rng::poisson(r, e.lambda);
                    if window.contains(e.stamp) {
                        for _ in 0..n {
                            rec.buffer.push((e.stamp, dr.sender, 0));
                        }
                    }
                }
                for (stamp, n) in out.draw_targets(&mut dr.state, r) {
                    if window.contains(stamp) {
                        for _ in 0..n {
                            rec.buffer.push((stamp, dr.sender, 0));
                        }
                    }
                }
            }
        }
        let mut times = Vec::new();
        let mut senders = Vec::new();
        for (r, rec) in self.spike_recorders.iter_mut().enumerate() {
            if rec.buffer.is_empty() {
                continue;
            }
            let grid = self.grid;
            // NEST records `stamp − offset` (its memory backend's `times`); the rows are
            // sorted by (time, sender), which is (stamp, sender) unless offsets differ.
            let time = |&(s, _, o): &(Step, u32, u64)| grid.step_to_ms(s) - f64::from_bits(o);
            if rec.buffer.iter().any(|&(_, _, o)| o != 0) {
                rec.buffer
                    .sort_by(|a, b| time(a).total_cmp(&time(b)).then(a.1.cmp(&b.1)));
            } else {
                rec.buffer.sort(); // equal (stamp, sender) pairs are identical anyway
            }
            times.clear();
            senders.clear();
            times.extend(rec.buffer.iter().map(time));
            senders.extend(rec.buffer.iter().map(|&(_, n, _)| n));
            rec.buffer.clear();
            sink.spikes(r, &times, &senders)
                .map_err(RunError::Recording)?;
        }
        Ok(())
    }

    /// Hand the weight recorders the events of the slice's delivery: per recorder, the events
    /// it accepts (window, `senders`, `targets`), sorted by (stamp, sender, unit event, the
    /// synapse's row in [`Simulation::synapses`]) — a spike of multiplicity m is m unit events,
    /// each through all of the sender's synapses in turn, as NEST delivers it — which does not
    /// depend on the thread count. (A one-thread NEST lists the events of a unit event by
    /// synapse model, then port: with one model, the same order.)
    fn gather_weights(&mut self, sink: &mut dyn RecordSink) -> Result<(), RunError> {
        if self.partitions.iter().all(|p| p.weight_events.is_empty()) {
            return Ok(());
        }
        if self.weight_rows.is_none() {
            let rows = self
                .synapses()
                .into_iter()
                .enumerate()
                .filter_map(|(row, r)| Some((r.id?, (row, r.port))))
                .collect();
            self.weight_rows = Some(rows);
        }
        let rows = self.weight_rows.as_ref().expect("made above");
        let recorder_of = |id: NodeId| self.net.weight_recorders.iter().position(|(r, _)| *r == id);
        // (recorder, stamp, sender, unit event, row) → event.
        let mut events = Vec::new();
        let first_local = self.decomposition.local_partitions().start;
        for (p, part) in self.partitions.iter().enumerate() {
            // How often each synapse delivered at each stamp so far: the unit event.
            let mut units: std::collections::HashMap<(Step, u32, u32), u32> =
                std::collections::HashMap::new();
            for ev in &part.weight_events {
                let unit = units.entry((ev.stamp, ev.store, ev.index)).or_insert(0);
                let k = *unit;
                *unit += 1;
                let Some(r) = recorder_of(ev.recorder) else {
                    continue;
                };
                let (target, _, receptor) = part.cell_target(ev.cell);
                let spec = &self.net.weight_recorders[r].1;
                if !spec.accepts(ev.stamp, NodeId(ev.sender), NodeId(target)) {
                    continue;
                }
                let id = SynapseId {
                    partition: (first_local + p) as u32,
                    store: ev.store,
                    index: ev.index,
                };
                let (row, port) = rows.get(&id).copied().unwrap_or((usize::MAX, 0));
                events.push((
                    (r, ev.stamp, ev.sender, k, row),
                    (target, receptor, port, ev.weight),
                ));
            }
        }
        events.sort_by_key(|e| e.0);
        let mut i = 0;
        while i < events.len() {
            let r = events[i].0 .0;
            let mut block = WeightBlock::default();
            while i < events.len() && events[i].0 .0 == r {
                let ((_, stamp, sender, _, _), (target, receptor, port, weight)) = events[i];
                block.times.push(self.grid.step_to_ms(stamp));
                block.senders.push(sender);
                block.targets.push(target);
                block.weights.push(weight);
                block.receptors.push(receptor);
                block.ports.push(port as i64);
                i += 1;
            }
            sink.weights(r, &block).map_err(RunError::Recording)?;
        }
        Ok(())
    }

    fn gather_samples(
        &mut self,
        sample_steps: &[Vec<Step>],
        sink: &mut dyn RecordSink,
    ) -> Result<(), RunError> {
        for (m, mm) in self.multimeters.iter_mut().enumerate() {
            let steps = &sample_steps[m];
            if steps.is_empty() {
                continue;
            }
            let record_from = &self.net.multimeters[m].1.record_from;
            let n_rec = mm.values.len();
            let n = mm.n_senders;
            mm.times.clear();
            mm.times
                .extend(steps.iter().map(|&s| self.grid.step_to_ms(s)));
            for v in &mut mm.values {
                v.clear();
                v.resize(steps.len() * n, 0.0);
            }
            let local = self.decomposition.local_partitions();
            if self.decomposition.ranks == 1 {
                for (part, cols) in self.partitions.iter().zip(&mm.columns[local]) {
                    place_samples(
                        &mut mm.values,
                        n,
                        steps.len(),
                        cols,
                        &part.multimeters[m].samples,
                    );
                }
            } else {
                // Rank 0 assembles the rows from every rank's samples, partition by partition;
                // the others record nothing.
                let words: Vec<u64> = self
                    .partitions
                    .iter()
                    .flat_map(|part| part.multimeters[m].samples.iter().map(|v| v.to_bits()))
                    .collect();
                let Some(blocks) = self.comm.gather_to_root(&words) else {
                    continue;
                };
                let threads = self.decomposition.threads;
                for (r, block) in blocks.iter().enumerate() {
                    let mut at = 0;
                    for cols in &mm.columns[r * threads..(r + 1) * threads] {
                        let len = cols.len() * n_rec * steps.len();
                        let samples: Vec<f64> = block[at..at + len]
                            .iter()
                            .map(|&b| f64::from_bits(b))
                            .collect();
                        place_samples(&mut mm.values, n, steps.len(), cols, &samples);
                        at += len;
                    }
                }
            }
            for &(col, d) in &mm.devices {
                let out = &self.device_out[d];
                let mean_noise = noise_means(&self.partitions, d, out.noise.len());
                for (t, &s) in steps.iter().enumerate() {
                    let fixed: f64 = out
                        .fixed
                        .iter()
                        .filter(|e| e.stamp == s)
                        .fold(0.0, |a, e| a + e.factor);
                    let noise: f64 = out
                        .noise
                        .iter()
                        .zip(&mean_noise)
                        .filter(|(e, _)| e.stamp == s)
                        .fold(0.0, |a, (_, m)| a + m);
                    // A sum starting at 0.0, not at Sum's −0.0: NEST records +0 while inactive.
                    let sample = out.samples.iter().find(|e| e.0 == s).map_or(0.0, |e| e.1);
                    for (v, name) in mm.values.iter_mut().zip(record_from.iter()) {
                        v[t * n + col] = if name == "I" { fixed + noise } else { sample };
                    }
                }
            }
            let block = SampleBlock {
                times: &mm.times,
                n_senders: n,
                values: &mm.values,
            };
            sink.samples(m, &block).map_err(RunError::Recording)?;
        }
        Ok(())
    }
}

/// Per noise emission of device `d` (of `n` in the last advance), the mean amplitude over
/// its connections (NEST's `I_avg_`, 0 without connections), summed in the connections'
/// creation order whatever the partitioning.
fn noise_means(partitions: &[Partition], d: usize, n: usize) -> Vec<f64> {
    if n == 0 {
        return Vec::new();
    }
    let mut conns: Vec<(u32, usize, usize)> = partitions
        .iter()
        .enumerate()
        .flat_map(|(p, part)| {
            part.device_synapses
                .iter()
                .filter(|ds| ds.device as usize == d)
                .enumerate()
                .map(move |(k, ds)| (ds.order, p, k))
        })
        .collect();
    conns.sort_unstable();
    let targets = conns.len().max(1) as f64;
    (0..n)
        .map(|j| {
            conns
                .iter()
                .map(|&(_, p, k)| partitions[p].noise_amps[d][k * n + j])
                .sum::<f64>()
                / targets
        })
        .collect()
}

/// Put one partition's samples (per step, per probe, per recordable) into the multimeter's
/// rows (per recordable, per step, per column): `cols` are its probes' columns.
fn place_samples(values: &mut [Vec<f64>], n: usize, steps: usize, cols: &[usize], samples: &[f64]) {
    let n_rec = values.len();
    let per_sample = cols.len() * n_rec;
    for t in 0..steps {
        let row = &samples[t * per_sample..(t + 1) * per_sample];
        for (j, &col) in cols.iter().enumerate() {
            for (r, v) in values.iter_mut().enumerate() {
                v[t * n + col] = row[j * n_rec + r];
            }
        }
    }
}

/// A halt as words for the other ranks: kind, step, node, value, then the variable's name.
fn encode_halt(h: Halt) -> Vec<u64> {
    match h {
        Halt::Stopped { step } => vec![1, step as u64, 0, 0, 0],
        Halt::Instability {
            step,
            node,
            variable,
            value,
        } => {
            let name = variable.as_bytes();
            let mut w = vec![0, step as u64, u64::from(node), value.to_bits()];
            w.push(name.len() as u64);
            w.extend(name.chunks(8).map(|c| {
                let mut b = [0u8; 8];
                b[..c.len()].copy_from_slice(c);
                u64::from_le_bytes(b)
            }));
            w
        }
    }
}

/// The halt of [`encode_halt`]'s words, if there are any.
fn decode_halt(w: &[u64]) -> Option<Halt> {
    let head = w.get(..5)?;
    Some(if head[0] == 1 {
        Halt::Stopped {
            step: head[1] as Step,
        }
    } else {
        let len = head[4] as usize;
        let bytes: Vec<u8> = w[5..]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .take(len)
            .collect();
        Halt::Instability {
            step: head[1] as Step,
            node: head[2] as u32,
            variable: String::from_utf8_lossy(&bytes).into_owned(),
            value: f64::from_bits(head[3]),
        }
    })
}

/// The halt that decides the error when partitions stop: a diverging neuron before a stop
/// request, the earliest step, then the lowest node id, so that the error does not depend on
/// the partitioning.
fn earlier_halt(a: Halt, b: Halt) -> Halt {
    let key = |h: &Halt| match h {
        Halt::Instability { step, node, .. } => (0, *step, *node),
        Halt::Stopped { .. } => (1, 0, 0),
    };
    if key(&b) < key(&a) {
        b
    } else {
        a
    }
}

/// What [`Simulation::exchange`] gathered.
struct Exchanged {
    halt: Option<Halt>,
    spikes: Option<Vec<SpikeEvent>>,
}

/// A number as NEST's messages print it (`5`, `1.5`).
fn nest_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}
