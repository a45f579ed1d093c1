//! One worker thread's share of the network.
//!
//! A [`Partition`] owns a contiguous run of every neuron population (one [`Chunk`] each), the
//! input ring buffers of those neurons, every connection that targets them (grouped by source,
//! so delivering one spike walks contiguous memory) and the multimeter probes that read them.
//! During a slice it touches nothing but its own data and the read-only slice context, so the
//! partitions run in parallel without locks.
//!
//! Cell 0 of every ring slot belongs to no neuron (the trash cell): a disconnected synapse is
//! pointed there, so that removing a synapse moves nothing and delivery needs no check.

use crate::archive::Archive;
use crate::connectome::{Kind, SynapseData, SynapseStore};
use crate::device::{Emissions, TargetState};
use crate::model::{Emitted, NeuronChunk};
use crate::network::Take;
use crate::rng;
use crate::synapse::{Delivery, PlasticStore, RawWeightEvent, Trigger};
use crate::time::{Step, TimeGrid};
use crate::volume::{DopaSpike, VolumeHistory};
use crate::NodeId;
use rand_chacha::ChaCha8Rng;
use std::sync::atomic::{AtomicBool, Ordering};

/// A spike emitted by a neuron: stamp (step), sender id, multiplicity, and the bits of the
/// offset its sender attached (`NeuronChunk::spike_offset`; bits, so that events stay `Ord`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SpikeEvent {
    pub stamp: Step,
    pub sender: u32,
    pub multiplicity: u32,
    pub offset_bits: u64,
}

impl SpikeEvent {
    /// The offset the sender attached (NEST's `SpikeEvent::get_offset`).
    #[inline]
    pub fn offset(self) -> f64 {
        f64::from_bits(self.offset_bits)
    }

    /// The event as three words for the other ranks (`comm::Communicator::all_gather`).
    pub fn to_words(self) -> [u64; SPIKE_WORDS] {
        [
            self.stamp as u64,
            (u64::from(self.sender) << 32) | u64::from(self.multiplicity),
            self.offset_bits,
        ]
    }

    /// The event of [`SpikeEvent::to_words`].
    pub fn from_words(w: &[u64]) -> SpikeEvent {
        SpikeEvent {
            stamp: w[0] as Step,
            sender: (w[1] >> 32) as u32,
            multiplicity: w[1] as u32,
            offset_bits: w[2],
        }
    }
}

/// The words of one [`SpikeEvent`] in a rank's all-gather block.
pub(crate) const SPIKE_WORDS: usize = 3;

/// A contiguous run of one population's neurons inside a partition.
pub(crate) struct Chunk {
    pub state: Box<dyn NeuronChunk>,
    pub first_id: u32,
    pub len: usize,
    pub n_channels: usize,
    /// Offset of this chunk's cells within one ring slot.
    pub cell_base: usize,
    /// Per input channel: the spike receptor type that feeds it and how the model takes a
    /// weight there (see `network::channel_routes`).
    pub routes: Vec<(Option<i64>, Take)>,
    /// Per input channel, whether a spike there is scaled by its sender's offset
    /// (`NeuronModel::scales_by_offset`).
    pub offset_scaled: Vec<bool>,
}

/// The input cell that no neuron reads (see the module doc).
pub(crate) const TRASH_CELL: u32 = 0;

/// One stored synapse as the listing reports it (see [`Partition::for_each_synapse`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct StoredSynapse {
    /// Index into `Partition::synapses`, or `DEVICE_STORE` for a device synapse.
    pub store: u32,
    /// Position in the store (in `Partition::device_synapses` for a device synapse).
    pub index: u32,
    pub source: u32,
    pub target: u32,
    pub channel: u16,
    pub receptor: i64,
    /// The weight as given.
    pub weight: f64,
    pub delay: u16,
    /// Creation order of a device synapse among all device synapses.
    pub order: u32,
}

/// The `store` of a device synapse in a [`StoredSynapse`] or a handle.
pub(crate) const DEVICE_STORE: u32 = u32::MAX;

/// The `store` of plastic store `k` (`Partition::plastic[k]`) in a [`StoredSynapse`] or a
/// handle: `PLASTIC_STORE + k`.
pub(crate) const PLASTIC_STORE: u32 = 0x8000;

/// The plastic store a handle's `store` addresses, if it addresses one.
pub(crate) fn plastic_group(store: u32) -> Option<usize> {
    (PLASTIC_STORE..DEVICE_STORE)
        .contains(&store)
        .then(|| (store - PLASTIC_STORE) as usize)
}

/// The route of an event of weight `w`: 0 if `w > 0`, else 1 (zero and NaN included, as NEST's
/// `if (w > 0) … else …`).
#[inline]
fn route(w: f64) -> usize {
    if w > 0.0 {
        0
    } else {
        1
    }
}

/// A stimulating device → neuron connection: input cells and weight factors for events of
/// positive weight (`[0]`) and the others (`[1]`), see `RawDeviceSynapse`.
pub(crate) struct DeviceSynapse {
    pub device: u32,
    pub cells: [u32; 2],
    pub takes: [Take; 2],
    pub delay: u16,
    /// The connection weight, as given.
    pub weight: f64,
    pub rng: Option<ChaCha8Rng>,
    /// The amplitude a noise generator last drew for this connection (pA).
    pub noise: f64,
    /// The connection's state for its device's per-target process.
    pub state: TargetState,
    /// Its index among all device synapses (creation order).
    pub order: u32,
}

/// A recorded neuron of one multimeter: where it lives and its column in the output.
#[derive(Clone, Copy)]
pub(crate) struct Probe {
    pub chunk: usize,
    pub local: usize,
}

pub(crate) struct MultimeterProbes {
    /// Probes in column order (ascending node id).
    pub probes: Vec<Probe>,
    /// Recordable indices into each chunk's table, per chunk (empty where not probed).
    pub recordables: Vec<Vec<usize>>,
    /// Samples of the last advance: `[sample][probe][recordable]`.
    pub samples: Vec<f64>,
}

/// What every partition reads during one advance.
pub(crate) struct SliceContext<'a> {
    pub from: Step,
    pub to: Step,
    /// Spikes of the previous slice, delivered before the update (only at a slice start).
    pub deliver: Option<&'a [SpikeEvent]>,
    /// What each stimulating device emits during `from .. to`.
    pub device_out: &'a [Emissions],
    /// Per multimeter, its sample steps in `from + 1 ..= to`.
    pub sample_steps: &'a [Vec<Step>],
    /// Raised by a front end to stop the run (a signal): read before every step, so that a
    /// long slice stops at once.
    pub stop: Option<&'a AtomicBool>,
    /// The time grid and the minimal delay (ms), for the spike archives.
    pub grid: TimeGrid,
    pub min_delay_ms: f64,
    /// The histories of the volume transmitters, sorted by id, for the neuromodulated
    /// synapses (read only).
    pub volume: &'a [VolumeHistory],
}

/// Why a partition stopped inside a slice (see [`Partition::advance`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Halt {
    /// A neuron's integration diverged in the update of `step → step + 1`.
    Instability {
        step: Step,
        node: u32,
        /// The diverging state variable (NEST's name) and its value.
        variable: String,
        value: f64,
    },
    /// The stop flag was raised before the update of `step`.
    Stopped { step: Step },
}

/// The synapses of one plastic synapse model that one build added to a partition.
pub(crate) struct PlasticGroup {
    pub store: Box<dyn PlasticStore>,
    /// The statements it was built from (see `SynapseStore::statements`).
    pub statements: std::ops::Range<usize>,
}

pub(crate) struct Partition {
    pub chunks: Vec<Chunk>,
    pub cells_per_slot: usize,
    pub ring_len: usize,
    pub ring: Vec<f64>,
    /// Per input cell, its channel's take (an index into `takes`), for the wide stores, which
    /// keep weights as given.
    pub cell_take: Vec<u8>,
    pub takes: Vec<Take>,
    /// Whether every channel takes a weight as it is (then wide delivery skips the lookup).
    pub identity: bool,
    /// Per input cell, whether a spike there is scaled by its sender's offset
    /// (`Chunk::offset_scaled`), and whether any cell is (else delivery skips the lookup).
    pub cell_offset: Vec<bool>,
    pub any_offset: bool,
    /// One store per build of the network: the first run's, then one for the connections
    /// added before each later run. A source's synapses are delivered store by store, so
    /// creation order holds across them.
    pub synapses: Vec<SynapseStore>,
    /// One store per plastic synapse model and build, delivered after the static stores.
    pub plastic: Vec<PlasticGroup>,
    /// Per input cell, the partition-local index of its neuron (`u32::MAX` for the trash
    /// cell), which indexes `archives`.
    pub cell_neuron: Vec<u32>,
    /// The spike history of every neuron of the partition, in chunk order (NEST's
    /// `ArchivingNode`).
    pub archives: Vec<Archive>,
    pub device_synapses: Vec<DeviceSynapse>,
    /// Per stimulating device, the amplitudes its connections here sent at its noise
    /// emissions of the last advance, `[k · n + j]` for its k-th connection here and emission
    /// j of n (NEST's `noise_generator` records their mean, which the kernel sums in the
    /// connections' global order, so that it does not depend on the partitioning).
    pub noise_amps: Vec<Vec<f64>>,
    pub multimeters: Vec<MultimeterProbes>,
    /// Spikes emitted during the last advance, in step order.
    pub spikes: Vec<SpikeEvent>,
    /// Synaptic events delivered into the ring buffers so far (a spike of multiplicity m
    /// through one synapse counts m times; device events count once each).
    pub events: u64,
    /// Set when the last advance stopped early; the partition is then mid-slice.
    pub halt: Option<Halt>,
    /// The events of synapses with a weight recorder delivered in the last advance, in
    /// delivery order.
    pub weight_events: Vec<RawWeightEvent>,
    emitted: Emitted,
    /// Whether some neuron has NEST's ignore-and-spike mechanism on in this run (set by
    /// [`Partition::prepare`]): its chunk is then updated with its archives.
    ignore_and_spike: bool,
}

impl Partition {
    /// An empty partition: only the trash cell; chunks come with [`Partition::add_chunk`].
    pub fn new(ring_len: usize) -> Partition {
        let cells_per_slot = 1;
        Partition {
            chunks: Vec::new(),
            cells_per_slot,
            ring_len,
            ring: vec![0.0; cells_per_slot * ring_len],
            cell_take: vec![0],
            takes: vec![Take::Scaled(1.0)],
            identity: true,
            cell_offset: vec![false],
            any_offset: false,
            synapses: Vec::new(),
            plastic: Vec::new(),
            cell_neuron: vec![u32::MAX],
            archives: Vec::new(),
            ignore_and_spike: false,
            device_synapses: Vec::new(),
            noise_amps: Vec::new(),
            multimeters: Vec::new(),
            spikes: Vec::new(),
            events: 0,
            halt: None,
            weight_events: Vec::new(),
            emitted: Vec::new(),
        }
    }

    /// Append a chunk of neurons created after the partition was laid out. Its input cells
    /// come after every existing cell, so existing synapses keep their cells; the ring
    /// buffer is re-laid out with the wider slot and keeps every pending input. Every neuron's
    /// archive starts as `archive`, keyed by `seed` and its node id.
    pub fn add_chunk(&mut self, chunk: Chunk, archive: &Archive, seed: u64) {
        let old = self.cells_per_slot;
        let new = old + chunk.len * chunk.n_channels;
        debug_assert_eq!(chunk.cell_base, old);
        for channel in 0..chunk.n_channels {
            let take = chunk.routes.get(channel).map_or(Take::Scaled(1.0), |r| r.1);
            let t = match self.takes.iter().position(|&t| t == take) {
                Some(t) => t,
                None => {
                    self.takes.push(take);
                    self.takes.len() - 1
                }
            };
            assert!(
                t <= usize::from(u8::MAX),
                "at most 256 distinct takes per partition"
            );
            self.cell_take
                .extend(std::iter::repeat_n(t as u8, chunk.len));
            let scaled = chunk.offset_scaled.get(channel).copied().unwrap_or(false);
            self.cell_offset
                .extend(std::iter::repeat_n(scaled, chunk.len));
            self.any_offset |= scaled;
            let base = self.archives.len() as u32;
            self.cell_neuron.extend(base..base + chunk.len as u32);
        }
        self.archives.extend((0..chunk.len as u32).map(|k| {
            let mut a = archive.clone();
            a.identify(seed, chunk.first_id + k);
            a
        }));
        self.identity = self.takes.iter().all(|&t| t == Take::Scaled(1.0));
        self.chunks.push(chunk);
        self.cells_per_slot = new;
        if self.ring_len > 0 {
            let mut ring = vec![0.0; new * self.ring_len];
            for slot in 0..self.ring_len {
                ring[slot * new..slot * new + old]
                    .copy_from_slice(&self.ring[slot * old..(slot + 1) * old]);
            }
            self.ring = ring;
        }
    }

    /// Add a store of plastic synapses built from `statements`; a model that reads spike
    /// histories registers each synapse with its target's archive (NEST's
    /// `register_stdp_connection` at `Connect`, with `t_lastspike = 0`).
    pub fn add_plastic(
        &mut self,
        store: Box<dyn PlasticStore>,
        statements: std::ops::Range<usize>,
        ms_per_step: f64,
    ) {
        if store.reads_history() {
            for i in 0..store.len() {
                let delay = f64::from(store.given(i).1) * ms_per_step;
                let neuron = self.cell_neuron[store.cell(i) as usize];
                self.archives[neuron as usize].register(0.0 - delay, delay);
            }
        }
        self.plastic.push(PlasticGroup { store, statements });
    }

    /// Size the ring buffer for delays up to `ring_len − min_delay` steps (done once, at the
    /// first run, when the delay extrema are known).
    pub fn set_ring_len(&mut self, ring_len: usize) {
        self.ring_len = ring_len;
        self.ring = vec![0.0; self.cells_per_slot * ring_len];
    }

    pub fn prepare(&mut self, grid: &TimeGrid) {
        for c in &mut self.chunks {
            c.state.prepare(grid);
        }
        // Status changes happen between runs only: whether any neuron ignores and spikes
        // is known for the whole run here.
        for a in &mut self.archives {
            a.prepare(grid);
        }
        self.ignore_and_spike = self.archives.iter().any(Archive::ignores_and_spikes);
    }

    #[inline]
    fn slot_offset(&self, step: Step) -> usize {
        (step as usize % self.ring_len) * self.cells_per_slot
    }

    /// Deliver, inject device events, and update every neuron over `ctx.from .. ctx.to`.
    /// Stops early, leaving [`Partition::halt`] set, when a neuron's integration diverges (the
    /// rest of that step's chunks are not updated) or the stop flag is raised.
    pub fn advance(&mut self, ctx: &SliceContext<'_>) {
        self.spikes.clear();
        self.weight_events.clear();
        for m in &mut self.multimeters {
            m.samples.clear();
        }
        if let Some(spikes) = ctx.deliver {
            self.deliver(spikes, &ctx.grid, ctx.volume);
        }
        self.inject_device_events(ctx.device_out);
        let mut cursors = vec![0usize; ctx.sample_steps.len()];
        for step in ctx.from..ctx.to {
            if ctx.stop.is_some_and(|f| f.load(Ordering::Relaxed)) {
                self.halt = Some(Halt::Stopped { step });
                return;
            }
            let off = self.slot_offset(step);
            self.ring[off + TRASH_CELL as usize] = 0.0;
            let mut neuron_base = 0;
            for chunk in &mut self.chunks {
                let size = chunk.len * chunk.n_channels;
                let input = &mut self.ring[off + chunk.cell_base..off + chunk.cell_base + size];
                if self.ignore_and_spike {
                    let archives = &mut self.archives[neuron_base..neuron_base + chunk.len];
                    chunk
                        .state
                        .update_archived(step, input, &mut self.emitted, archives);
                } else {
                    chunk.state.update(step, input, &mut self.emitted);
                }
                if let Some(instability) = chunk.state.take_instability() {
                    self.halt = Some(Halt::Instability {
                        step,
                        node: chunk.first_id + instability.neuron as u32,
                        variable: instability.variable.to_string(),
                        value: instability.value,
                    });
                    return;
                }
                input.fill(0.0);
                for &(local, multiplicity) in &self.emitted {
                    self.spikes.push(SpikeEvent {
                        stamp: step + 1,
                        sender: chunk.first_id + local,
                        multiplicity,
                        offset_bits: chunk.state.spike_offset(local as usize).to_bits(),
                    });
                    // NEST archives a spike of multiplicity m m times (`parrot_neuron`).
                    let archive = &mut self.archives[neuron_base + local as usize];
                    let t = ctx.grid.step_to_ms(step + 1);
                    for _ in 0..multiplicity {
                        archive.record_spike(t, ctx.min_delay_ms);
                    }
                }
                self.emitted.clear();
                neuron_base += chunk.len;
            }
            for (m, steps) in ctx.sample_steps.iter().enumerate() {
                if steps.get(cursors[m]) == Some(&(step + 1)) {
                    cursors[m] += 1;
                    self.sample(m);
                }
            }
        }
    }

    fn deliver(&mut self, spikes: &[SpikeEvent], grid: &TimeGrid, volume: &[VolumeHistory]) {
        self.deliver_static(spikes);
        if !self.plastic.is_empty() {
            self.deliver_plastic(spikes, grid, volume);
        }
    }

    /// The trigger phase of volume transmitter `vt` (see `volume.rs`): every synapse of the
    /// partition that reads it is brought to `t_trig` (ms) with its history `dopa`, store by
    /// store in build order. Writes only the partition's own synapses and archives.
    pub fn trigger(&mut self, vt: NodeId, t_trig: f64, dopa: &[DopaSpike], grid: &TimeGrid) {
        let mut t = Trigger {
            cell_neuron: &self.cell_neuron,
            archives: &mut self.archives,
            ms_per_step: grid.ms_per_step(),
        };
        for group in &mut self.plastic {
            group.store.trigger(vt, t_trig, dopa, &mut t);
        }
    }

    fn deliver_static(&mut self, spikes: &[SpikeEvent]) {
        let (len, cells_per_slot) = (self.ring_len, self.cells_per_slot);
        let ring = &mut self.ring;
        let (identity, cell_take, takes) = (self.identity, &self.cell_take, &self.takes);
        let (any_offset, cell_offset) = (self.any_offset, &self.cell_offset);
        for ev in spikes {
            let offset = ev.offset();
            let s = ev.sender as usize;
            for syn in &self.synapses {
                // A store built before the sender existed has no row for it.
                let Some(&hi) = syn.offsets.get(s + 1) else {
                    continue;
                };
                let (lo, hi) = (syn.offsets[s] as usize, hi as usize);
                if lo == hi {
                    continue;
                }
                self.events += (hi - lo) as u64 * u64::from(ev.multiplicity);
                // The slot of step `stamp + d − 1` is `base + d` modulo the ring length; every
                // delay is shorter than the ring, so one conditional subtraction wraps it.
                let base = (ev.stamp as usize - 1) % len;
                let mut add = |cell: u32, mut weight: f64, delay: u16| {
                    let mut slot = base + usize::from(delay);
                    if slot >= len {
                        slot -= len;
                    }
                    let at = slot * cells_per_slot + cell as usize;
                    if any_offset && cell_offset[cell as usize] {
                        weight *= offset;
                    }
                    // The kernel expands a spike of multiplicity m into m unit events (§1.4).
                    for _ in 0..ev.multiplicity {
                        ring[at] += weight;
                    }
                };
                let cells = &syn.cells[lo..hi];
                match &syn.data {
                    SynapseData::Compact { kinds, table } => {
                        for (&cell, &kind) in cells.iter().zip(&kinds[lo..hi]) {
                            let k = &table[usize::from(kind)];
                            add(cell, k.delivered, k.delay);
                        }
                    }
                    SynapseData::Wide { weights, delays } if identity => {
                        for ((&cell, &weight), &delay) in
                            cells.iter().zip(&weights[lo..hi]).zip(&delays[lo..hi])
                        {
                            add(cell, weight, delay);
                        }
                    }
                    SynapseData::Wide { weights, delays } => {
                        for ((&cell, &weight), &delay) in
                            cells.iter().zip(&weights[lo..hi]).zip(&delays[lo..hi])
                        {
                            let take = takes[usize::from(cell_take[cell as usize])];
                            add(cell, take.of(weight), delay);
                        }
                    }
                }
            }
        }
    }

    /// Deliver the spikes through the plastic stores: for every unit event (NEST expands a
    /// spike of multiplicity m into m), each synapse updates its weight from the target's
    /// history and delivers it.
    fn deliver_plastic(
        &mut self,
        spikes: &[SpikeEvent],
        grid: &TimeGrid,
        volume: &[VolumeHistory],
    ) {
        let mut d = Delivery {
            ring: &mut self.ring,
            base: 0,
            ring_len: self.ring_len,
            cells_per_slot: self.cells_per_slot,
            takes: &self.takes,
            cell_take: &self.cell_take,
            cell_offset: self.any_offset.then_some(self.cell_offset.as_slice()),
            offset: 0.0,
            cell_neuron: &self.cell_neuron,
            archives: &mut self.archives,
            ms_per_step: grid.ms_per_step(),
            stamp: 0,
            sender: 0,
            store: 0,
            weight_events: &mut self.weight_events,
            volume,
        };
        for ev in spikes {
            let s = ev.sender as usize;
            d.base = (ev.stamp as usize - 1) % d.ring_len;
            d.stamp = ev.stamp;
            d.sender = ev.sender;
            d.offset = ev.offset();
            let t_spike = grid.step_to_ms(ev.stamp);
            for (g, group) in self.plastic.iter_mut().enumerate() {
                d.store = PLASTIC_STORE + g as u32;
                let offsets = group.store.offsets();
                let Some(&hi) = offsets.get(s + 1) else {
                    continue;
                };
                let (lo, hi) = (offsets[s] as usize, hi as usize);
                if lo == hi {
                    continue;
                }
                self.events += (hi - lo) as u64 * u64::from(ev.multiplicity);
                for _ in 0..ev.multiplicity {
                    group.store.deliver(lo, hi, t_spike, &mut d);
                }
            }
        }
    }

    fn inject_device_events(&mut self, device_out: &[Emissions]) {
        self.noise_amps.resize_with(device_out.len(), Vec::new);
        self.noise_amps.iter_mut().for_each(Vec::clear);
        for ds in &mut self.device_synapses {
            let out = &device_out[ds.device as usize];
            for e in &out.fixed {
                // NEST routes each event by the sign of its own weight.
                let w = ds.weight * e.factor;
                let k = route(w);
                let step = e.stamp + Step::from(ds.delay) - 1;
                let at =
                    (step as usize % self.ring_len) * self.cells_per_slot + ds.cells[k] as usize;
                self.ring[at] += ds.takes[k].of(w) * f64::from(e.multiplicity);
                self.events += 1;
            }
            if let Some(r) = ds.rng.as_mut() {
                let k = route(ds.weight);
                let w = ds.takes[k].of(ds.weight);
                for e in &out.poisson {
                    let n = rng::poisson(r, e.lambda);
                    if n > 0 {
                        let step = e.stamp + Step::from(ds.delay) - 1;
                        let at = (step as usize % self.ring_len) * self.cells_per_slot
                            + ds.cells[k] as usize;
                        self.ring[at] += w * f64::from(n);
                        self.events += 1;
                    }
                }
                for e in &out.noise {
                    if let Some((mean, std)) = e.redraw {
                        ds.noise = mean + std * rng::standard_normal(r);
                    }
                    self.noise_amps[ds.device as usize].push(ds.noise);
                    let w = ds.weight * ds.noise;
                    let k = route(w);
                    let step = e.stamp + Step::from(ds.delay) - 1;
                    let at = (step as usize % self.ring_len) * self.cells_per_slot
                        + ds.cells[k] as usize;
                    self.ring[at] += ds.takes[k].of(w);
                    self.events += 1;
                }
                for (stamp, n) in out.draw_targets(&mut ds.state, r) {
                    let step = stamp + Step::from(ds.delay) - 1;
                    let at = (step as usize % self.ring_len) * self.cells_per_slot
                        + ds.cells[k] as usize;
                    self.ring[at] += w * f64::from(n);
                    self.events += 1;
                }
            }
        }
    }

    /// (chunk, local index, channel) of a neuron's input-buffer cell (not the trash cell).
    pub fn cell_place(&self, cell: u32) -> (usize, usize, u16) {
        let cell = cell as usize;
        let c = self.chunks.partition_point(|c| c.cell_base <= cell) - 1;
        let chunk = &self.chunks[c];
        let within = cell - chunk.cell_base;
        (c, within % chunk.len, (within / chunk.len) as u16)
    }

    /// (node id, channel, receptor type) of a neuron's input-buffer cell.
    pub(crate) fn cell_target(&self, cell: u32) -> (u32, u16, i64) {
        let (c, local, channel) = self.cell_place(cell);
        let chunk = &self.chunks[c];
        let receptor = chunk
            .routes
            .get(usize::from(channel))
            .and_then(|r| r.0)
            .unwrap_or(0);
        (chunk.first_id + local as u32, channel, receptor)
    }

    /// Every neuron synapse store as (its `store` in handles, its CSR offsets by source): the
    /// static stores, then the plastic ones.
    pub fn neuron_stores(&self) -> impl Iterator<Item = (u32, &[u32])> {
        let fixed = self
            .synapses
            .iter()
            .enumerate()
            .map(|(g, store)| (g as u32, store.offsets.as_slice()));
        let plastic = self
            .plastic
            .iter()
            .enumerate()
            .map(|(g, p)| (PLASTIC_STORE + g as u32, p.store.offsets()));
        fixed.chain(plastic)
    }

    /// Every live synapse stored here: neuron synapses store by store, grouped by source in
    /// creation order, then device synapses in creation order.
    pub fn for_each_synapse(&self, f: &mut dyn FnMut(StoredSynapse)) {
        for (g, offsets) in self.neuron_stores() {
            for s in 0..offsets.len().saturating_sub(1) {
                for i in offsets[s] as usize..offsets[s + 1] as usize {
                    if let Some(found) = self.neuron_synapse(g as usize, i) {
                        f(StoredSynapse {
                            source: s as u32,
                            ..found
                        });
                    }
                }
            }
        }
        for (i, ds) in self.device_synapses.iter().enumerate() {
            if let Some(s) = self.device_synapse(i) {
                f(StoredSynapse {
                    store: DEVICE_STORE,
                    index: i as u32,
                    order: ds.order,
                    ..s
                });
            }
        }
    }

    /// Device synapse `i` as listed (source left 0: the caller knows the device's id), `None`
    /// once disconnected.
    pub fn device_synapse(&self, i: usize) -> Option<StoredSynapse> {
        let ds = self.device_synapses.get(i)?;
        if ds.cells == [TRASH_CELL; 2] {
            return None;
        }
        // As the connection weight routes (a spike generator's events may go either way).
        let (target, channel, receptor) = self.cell_target(ds.cells[route(ds.weight)]);
        Some(StoredSynapse {
            store: DEVICE_STORE,
            index: i as u32,
            source: ds.device,
            target,
            channel,
            receptor,
            weight: ds.weight,
            delay: ds.delay,
            order: ds.order,
        })
    }

    /// Neuron synapse `index` of store `store` as listed, `None` if there is none or it is
    /// disconnected.
    pub fn neuron_synapse(&self, store: usize, index: usize) -> Option<StoredSynapse> {
        let (cell, (weight, delay), source) = match plastic_group(store as u32) {
            Some(g) => {
                let plastic = &self.plastic.get(g)?.store;
                if index >= plastic.len() {
                    return None;
                }
                let offsets = plastic.offsets();
                let source = offsets.partition_point(|&o| o as usize <= index) - 1;
                (plastic.cell(index), plastic.given(index), source as u32)
            }
            None => {
                let syn = self.synapses.get(store)?;
                (
                    *syn.cells.get(index)?,
                    syn.given(index),
                    syn.source_of(index),
                )
            }
        };
        if cell == TRASH_CELL {
            return None;
        }
        let (target, channel, receptor) = self.cell_target(cell);
        Some(StoredSynapse {
            store: store as u32,
            index: index as u32,
            source,
            target,
            channel,
            receptor,
            weight,
            delay,
            order: 0,
        })
    }

    /// The input cell of neuron synapse (`store`, `index`).
    pub fn synapse_cell(&self, store: usize, index: usize) -> u32 {
        match plastic_group(store as u32) {
            Some(g) => self.plastic[g].store.cell(index),
            None => self.synapses[store].cells[index],
        }
    }

    /// Disconnect neuron synapse (`store`, `index`): point it at the trash cell.
    pub fn remove_synapse(&mut self, store: usize, index: usize) {
        match plastic_group(store as u32) {
            Some(g) => self.plastic[g].store.set_cell(index, TRASH_CELL),
            None => self.synapses[store].cells[index] = TRASH_CELL,
        }
    }

    /// Point neuron synapse (`store`, `index`) at `cell` with weight and delay `kind`.
    pub fn rewrite_synapse(&mut self, store: usize, index: usize, cell: u32, kind: Kind) {
        if let Some(g) = plastic_group(store as u32) {
            let plastic = &mut self.plastic[g].store;
            plastic.set_cell(index, cell);
            plastic.set_weight_delay(index, kind.given, kind.delay);
            return;
        }
        self.synapses[store].rewrite(index, cell, kind);
    }

    fn sample(&mut self, m: usize) {
        let mm = &mut self.multimeters[m];
        for p in &mm.probes {
            let chunk = &self.chunks[p.chunk];
            for &r in &mm.recordables[p.chunk] {
                mm.samples.push(chunk.state.recordable(r, p.local));
            }
        }
    }
}
