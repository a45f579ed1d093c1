//! The slice loop.

use crate::connectome::{Census, ChunkRange, Connectome, PartitionShape, SynapseStore};
use crate::device::{Emissions, StimulusDevice};
use crate::error::{BuildError, RunError};
use crate::network::{NetworkBuilder, Role};
use crate::partition::{
    Chunk, DeviceSynapse, MultimeterProbes, Partition, Probe, SliceContext, SpikeEvent,
};
use crate::recording::{
    MultimeterInfo, MultimeterSpec, RecordSink, RecordingLayout, SampleBlock, SpikeRecorderInfo,
    SpikeRecorderSpec,
};
use crate::rng;
use crate::time::{Step, TimeGrid};
use crate::NodeId;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

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

/// A spike recorder while running.
struct SpikeRecorderRun {
    spec: SpikeRecorderSpec,
    /// (stamp, sender) of the current advance, sorted before they are handed on.
    buffer: Vec<(Step, u32)>,
}

/// A stimulating device → spike recorder connection.
struct DeviceRecording {
    recorder: usize,
    device: usize,
    sender: u32,
    rng: Option<ChaCha8Rng>,
}

/// A multimeter while running.
struct MultimeterRun {
    spec: MultimeterSpec,
    /// Column of each (partition, probe) in the output row.
    columns: Vec<Vec<usize>>,
    n_senders: usize,
    times: Vec<f64>,
    values: Vec<Vec<f64>>,
}

/// The synapse of a connection into a neuron, as [`Simulation::connections`] lists it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SynapseInfo {
    /// The target model's input channel.
    pub channel: u16,
    /// The weight as the model receives it (`iaf_cond_exp` stores a negative weight's
    /// magnitude).
    pub weight: f64,
    /// Delay in steps.
    pub delay: Step,
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

/// A built network and its clock.
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
///    slice's end (a file sink may checkpoint there).
///
/// Every delay is at least `D` steps, so nothing written during a slice is read in the same
/// slice, and the per-target order of additions (spike list order, then connection creation
/// order, then device connections in creation order) does not depend on the partitioning:
/// results are bit-identical for any thread count. A run may end inside a slice; the next run
/// continues it, so several runs give exactly what one run of the summed length gives.
pub struct Simulation {
    grid: TimeGrid,
    min_delay: Step,
    max_delay: Step,
    now: Step,
    slice_start: Step,
    partitions: Vec<Partition>,
    pool: rayon::ThreadPool,
    stimuli: Vec<(NodeId, Box<dyn StimulusDevice>)>,
    device_out: Vec<Emissions>,
    /// Spikes emitted in the current slice so far.
    pending: Vec<SpikeEvent>,
    /// Spikes of the previous slice, to deliver at the start of the current one.
    to_deliver: Option<Vec<SpikeEvent>>,
    spike_recorders: Vec<SpikeRecorderRun>,
    /// For each node id `s`, the recorders it feeds are `recorder_of[recorder_offsets[s]..]`.
    recorder_offsets: Vec<u32>,
    recorder_of: Vec<u32>,
    device_recordings: Vec<DeviceRecording>,
    multimeters: Vec<MultimeterRun>,
    layout: RecordingLayout,
    node_count: u32,
    connection_count: usize,
    synapse_count: usize,
    synapse_bytes: usize,
    threads: usize,
    spike_count: u64,
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
    pub(crate) fn from_builder(
        b: NetworkBuilder,
        threads: usize,
    ) -> Result<Simulation, BuildError> {
        let connection_count = b.connection_count();
        let node_count = b.node_count();
        let parts = threads;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("spindle-worker-{i}"))
            .build()
            .map_err(|e| BuildError::ThreadPool(e.to_string()))?;

        // Partitions and their chunks.
        let mut layout = Layout {
            partitions: parts,
            populations: Vec::new(),
        };
        let mut chunk_lists: Vec<Vec<Chunk>> = (0..parts).map(|_| Vec::new()).collect();
        let mut shapes: Vec<PartitionShape> = vec![PartitionShape::default(); parts];
        for (population, pop) in b.populations.iter().enumerate() {
            let mut per_part = vec![None; parts];
            for (p, list) in chunk_lists.iter_mut().enumerate() {
                let lo = Layout::split(pop.count, parts, p);
                let hi = Layout::split(pop.count, parts, p + 1);
                if hi > lo {
                    let len = (hi - lo) as usize;
                    let cell_base = list.iter().map(|c| c.len * c.n_channels).sum();
                    per_part[p] = Some(list.len());
                    shapes[p].chunks.push(ChunkRange {
                        first_id: pop.first + lo,
                        len,
                        cell_base,
                        population,
                    });
                    list.push(Chunk {
                        state: pop.model.instantiate(len),
                        first_id: pop.first + lo,
                        len,
                        n_channels: pop.model.n_channels(),
                        cell_base,
                    });
                }
            }
            layout.populations.push((pop.first, pop.count, per_part));
        }

        // Neuron → neuron synapses: every partition builds its own store, in parallel.
        let connectome = Connectome {
            statements: &b.statements,
            populations: &b.populations,
            seed: b.seed,
            grid: b.grid,
            n_ids: node_count as usize + 1,
        };
        let censuses: Vec<Census> = pool.install(|| {
            shapes
                .par_iter()
                .map(|shape| connectome.census(shape))
                .collect::<Result<_, _>>()
        })?;
        let (mut min_delay, mut max_delay) = (b.min_delay, b.max_delay);
        for c in &censuses {
            min_delay = [min_delay, c.min_delay].into_iter().flatten().min();
            max_delay = [max_delay, c.max_delay].into_iter().flatten().max();
        }
        let min_delay = min_delay.unwrap_or(1);
        let max_delay = max_delay.unwrap_or(1);
        let ring_len = (min_delay + max_delay) as usize;
        let stores: Vec<SynapseStore> = pool.install(|| {
            shapes
                .par_iter()
                .zip(censuses)
                .map(|(shape, census)| connectome.fill(shape, census))
                .collect::<Result<_, _>>()
        })?;
        let neuron_synapses = stores.iter().map(SynapseStore::len).sum::<usize>();
        let synapse_count = neuron_synapses + b.device_synapses.len();
        // The builder counted only the neuron synapses made one by one; rules are expanded now.
        let connection_count = connection_count - b.explicit_count + neuron_synapses;
        let synapse_bytes = stores.iter().map(SynapseStore::bytes).sum::<usize>();
        let mut partitions: Vec<Partition> = chunk_lists
            .into_iter()
            .zip(stores)
            .map(|(chunks, store)| {
                let mut p = Partition::new(chunks, ring_len);
                p.synapses = store;
                p
            })
            .collect();

        let locate = |id: u32| -> Location {
            match b.role(NodeId(id)) {
                Some(Role::Neurons(p)) => layout.locate(p, id),
                _ => unreachable!("connections were checked to target neurons"),
            }
        };
        let cell_of = |parts: &[Partition], loc: Location, channel: u16| -> u32 {
            let c = &parts[loc.partition].chunks[loc.chunk];
            (c.cell_base + usize::from(channel) * c.len + loc.local) as u32
        };
        let n_ids = node_count as usize + 2;

        // Stimulating device → neuron connections.
        for s in &b.device_synapses {
            let loc = locate(s.target);
            let (dev_id, dev) = &b.stimuli[s.device as usize];
            let rng = dev.draws_per_target().then(|| {
                rng::stream(
                    b.seed,
                    rng::DOMAIN_POISSON,
                    dev_id.0,
                    s.target,
                    s.occurrence,
                )
            });
            let cells = s
                .routes
                .map(|(channel, _)| cell_of(&partitions, loc, channel));
            partitions[loc.partition]
                .device_synapses
                .push(DeviceSynapse {
                    device: s.device,
                    cells,
                    takes: s.routes.map(|(_, take)| take),
                    delay: s.delay,
                    weight: s.weight,
                    rng,
                });
        }

        // Spike recorders.
        let mut recorder_counts = vec![0u32; n_ids];
        let mut device_recordings = Vec::new();
        for input in &b.recorder_inputs {
            match b.role(NodeId(input.source)) {
                Some(Role::Stimulus(d)) => {
                    let dev = &b.stimuli[d].1;
                    device_recordings.push(DeviceRecording {
                        recorder: input.recorder,
                        device: d,
                        sender: input.source,
                        rng: dev.draws_per_target().then(|| {
                            let rec_id = b.spike_recorders[input.recorder].0;
                            rng::stream(
                                b.seed,
                                rng::DOMAIN_POISSON,
                                input.source,
                                rec_id.0,
                                input.occurrence,
                            )
                        }),
                    })
                }
                _ => recorder_counts[input.source as usize + 1] += 1,
            }
        }
        for i in 1..n_ids {
            recorder_counts[i] += recorder_counts[i - 1];
        }
        let mut recorder_of = vec![0u32; recorder_counts[n_ids - 1] as usize];
        let mut cursor = recorder_counts.clone();
        for input in &b.recorder_inputs {
            if matches!(b.role(NodeId(input.source)), Some(Role::Neurons(_))) {
                recorder_of[cursor[input.source as usize] as usize] = input.recorder as u32;
                cursor[input.source as usize] += 1;
            }
        }

        // Multimeters: probes per partition in ascending id order.
        let mut multimeters = Vec::new();
        let mut mm_infos = Vec::new();
        for (m, (id, spec, targets)) in b.multimeters.iter().enumerate() {
            let mut senders = targets.clone();
            senders.sort_unstable();
            let mut columns = vec![Vec::new(); parts];
            for part in &mut partitions {
                part.multimeters.push(MultimeterProbes {
                    probes: Vec::new(),
                    recordables: vec![Vec::new(); part.chunks.len()],
                    samples: Vec::new(),
                });
            }
            let mut units = vec![""; spec.record_from.len()];
            for (col, &t) in senders.iter().enumerate() {
                let loc = locate(t.0);
                let Some(Role::Neurons(pop)) = b.role(t) else {
                    unreachable!("multimeters record neurons only")
                };
                let table = b.populations[pop].model.recordables();
                let probes = &mut partitions[loc.partition].multimeters[m];
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
                for (u, name) in units.iter_mut().zip(&spec.record_from) {
                    if let Some(r) = table.iter().find(|r| &r.name == name) {
                        *u = r.unit;
                    }
                }
                probes.probes.push(Probe {
                    chunk: loc.chunk,
                    local: loc.local,
                });
                columns[loc.partition].push(col);
            }
            mm_infos.push(MultimeterInfo {
                id: *id,
                senders: senders.clone(),
                record_from: spec.record_from.clone(),
                units,
                interval_ms: b.grid.step_to_ms(spec.interval),
            });
            multimeters.push(MultimeterRun {
                spec: spec.clone(),
                columns,
                n_senders: senders.len(),
                times: Vec::new(),
                values: vec![Vec::new(); spec.record_from.len()],
            });
            let _ = m;
        }

        let mut recorded_neurons = vec![Vec::new(); b.spike_recorders.len()];
        for input in &b.recorder_inputs {
            if matches!(b.role(NodeId(input.source)), Some(Role::Neurons(_))) {
                recorded_neurons[input.recorder].push(NodeId(input.source));
            }
        }
        let layout_info = RecordingLayout {
            spike_recorders: b
                .spike_recorders
                .iter()
                .zip(recorded_neurons)
                .map(|((id, _), mut neurons)| {
                    neurons.sort_unstable();
                    neurons.dedup();
                    SpikeRecorderInfo { id: *id, neurons }
                })
                .collect(),
            multimeters: mm_infos,
        };

        let n_stimuli = b.stimuli.len();
        Ok(Simulation {
            grid: b.grid,
            min_delay,
            max_delay,
            now: 0,
            slice_start: 0,
            partitions,
            pool,
            stimuli: b.stimuli,
            device_out: vec![Emissions::default(); n_stimuli],
            pending: Vec::new(),
            to_deliver: None,
            spike_recorders: b
                .spike_recorders
                .into_iter()
                .map(|(_, spec)| SpikeRecorderRun {
                    spec,
                    buffer: Vec::new(),
                })
                .collect(),
            recorder_offsets: recorder_counts,
            recorder_of,
            device_recordings,
            multimeters,
            layout: layout_info,
            node_count,
            connection_count,
            synapse_count,
            synapse_bytes,
            threads,
            spike_count: 0,
        })
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
        self.node_count
    }

    /// Connections of every kind (device and recorder connections included).
    pub fn connection_count(&self) -> usize {
        self.connection_count
    }

    /// Synapses stored for delivery (neuron and stimulus → neuron connections).
    pub fn synapse_count(&self) -> usize {
        self.synapse_count
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

    /// Every connection of the network (NEST's `GetConnections`), sorted by (source, target)
    /// with multapses in creation order. Synapses into neurons carry their weight as
    /// delivered (after the target model's transformation) and their delay; connections to
    /// spike recorders and from multimeters carry neither.
    pub fn connections(&self) -> Vec<ConnectionInfo> {
        let device_ids: Vec<u32> = self.stimuli.iter().map(|(id, _)| id.0).collect();
        let mut out = Vec::with_capacity(self.synapse_count);
        for part in &self.partitions {
            part.for_each_synapse(
                &device_ids,
                &mut |source, target, channel, weight, delay| {
                    out.push(ConnectionInfo {
                        source: NodeId(source),
                        target: NodeId(target),
                        synapse: Some(SynapseInfo {
                            channel,
                            weight,
                            delay: Step::from(delay),
                        }),
                    })
                },
            );
        }
        let recorder_id = |r: u32| self.layout.spike_recorders[r as usize].id;
        for s in 0..self.recorder_offsets.len().saturating_sub(1) {
            let (lo, hi) = (
                self.recorder_offsets[s] as usize,
                self.recorder_offsets[s + 1] as usize,
            );
            for &r in &self.recorder_of[lo..hi] {
                out.push(ConnectionInfo {
                    source: NodeId(s as u32),
                    target: recorder_id(r),
                    synapse: None,
                });
            }
        }
        for dr in &self.device_recordings {
            out.push(ConnectionInfo {
                source: NodeId(dr.sender),
                target: recorder_id(dr.recorder as u32),
                synapse: None,
            });
        }
        for m in &self.layout.multimeters {
            for &t in &m.senders {
                out.push(ConnectionInfo {
                    source: m.id,
                    target: t,
                    synapse: None,
                });
            }
        }
        // Stable: multapses keep their creation order.
        out.sort_by_key(|c| (c.source, c.target));
        out
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
        self.pool.install(|| {
            self.partitions
                .par_iter_mut()
                .for_each(|p| p.prepare(&grid));
        });
        let end = self.now + steps.max(0);
        while self.now < end {
            let slice_end = self.slice_start + self.min_delay;
            let to = slice_end.min(end);
            self.advance(self.now, to, sink)?;
            self.now = to;
            sink.end_of_slice(grid.step_to_ms(to))
                .map_err(RunError::Recording)?;
            if to == slice_end {
                self.slice_start = slice_end;
                self.to_deliver = Some(std::mem::take(&mut self.pending));
            }
            if !progress(self.now) {
                sink.end_of_run(grid.step_to_ms(self.now))
                    .map_err(RunError::Recording)?;
                return Err(RunError::Interrupted {
                    at_ms: grid.step_to_ms(self.now),
                });
            }
        }
        sink.end_of_run(grid.step_to_ms(self.now))
            .map_err(RunError::Recording)
    }

    fn advance(&mut self, from: Step, to: Step, sink: &mut dyn RecordSink) -> Result<(), RunError> {
        for ((_, dev), out) in self.stimuli.iter_mut().zip(&mut self.device_out) {
            out.clear();
            dev.emit(from, to, out);
        }
        let sample_steps: Vec<Vec<Step>> = self
            .multimeters
            .iter()
            .map(|m| (from + 1..=to).filter(|&s| m.spec.samples_at(s)).collect())
            .collect();
        let deliver = if from == self.slice_start {
            self.to_deliver.take()
        } else {
            None
        };
        let ctx = SliceContext {
            from,
            to,
            deliver: deliver.as_deref(),
            device_out: &self.device_out,
            sample_steps: &sample_steps,
        };
        match self.partitions.as_mut_slice() {
            [only] => only.advance(&ctx),
            partitions => self.pool.install(|| {
                partitions.par_iter_mut().for_each(|p| p.advance(&ctx));
            }),
        }
        self.gather_spikes(sink)?;
        self.gather_samples(&sample_steps, sink)
    }

    fn gather_spikes(&mut self, sink: &mut dyn RecordSink) -> Result<(), RunError> {
        let first_new = self.pending.len();
        for p in &self.partitions {
            self.pending.extend_from_slice(&p.spikes);
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
                let rec = &mut self.spike_recorders[r as usize];
                if rec.spec.window.contains(ev.stamp) {
                    for _ in 0..ev.multiplicity {
                        rec.buffer.push((ev.stamp, ev.sender));
                    }
                }
            }
        }
        for dr in &mut self.device_recordings {
            let rec = &mut self.spike_recorders[dr.recorder];
            let out = &self.device_out[dr.device];
            for e in &out.fixed {
                if rec.spec.window.contains(e.stamp) {
                    for _ in 0..e.multiplicity {
                        rec.buffer.push((e.stamp, dr.sender));
                    }
                }
            }
            if let Some(r) = dr.rng.as_mut() {
                for e in &out.poisson {
                    let n = rng::poisson(r, e.lambda);
                    if rec.spec.window.contains(e.stamp) {
                        for _ in 0..n {
                            rec.buffer.push((e.stamp, dr.sender));
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
            rec.buffer.sort(); // stable: equal (stamp, sender) pairs are identical anyway
            times.clear();
            senders.clear();
            times.extend(rec.buffer.iter().map(|&(s, _)| self.grid.step_to_ms(s)));
            senders.extend(rec.buffer.iter().map(|&(_, n)| n));
            rec.buffer.clear();
            sink.spikes(r, &times, &senders)
                .map_err(RunError::Recording)?;
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
            let n_rec = mm.spec.record_from.len();
            let n = mm.n_senders;
            mm.times.clear();
            mm.times
                .extend(steps.iter().map(|&s| self.grid.step_to_ms(s)));
            for v in &mut mm.values {
                v.clear();
                v.resize(steps.len() * n, 0.0);
            }
            for (p, part) in self.partitions.iter().enumerate() {
                let probes = &part.multimeters[m];
                let cols = &mm.columns[p];
                let per_sample = cols.len() * n_rec;
                for t in 0..steps.len() {
                    let row = &probes.samples[t * per_sample..(t + 1) * per_sample];
                    for (j, &col) in cols.iter().enumerate() {
                        for r in 0..n_rec {
                            mm.values[r][t * n + col] = row[j * n_rec + r];
                        }
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
