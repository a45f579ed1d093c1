//! One worker thread's share of the network.
//!
//! A [`Partition`] owns a contiguous run of every neuron population (one [`Chunk`] each), the
//! input ring buffers of those neurons, every connection that targets them (grouped by source,
//! so delivering one spike walks contiguous memory) and the multimeter probes that read them.
//! During a slice it touches nothing but its own data and the read-only slice context, so the
//! partitions run in parallel without locks.

use crate::connectome::{SynapseData, SynapseStore};
use crate::device::Emissions;
use crate::model::{Emitted, NeuronChunk};
use crate::network::Take;
use crate::rng;
use crate::time::{Step, TimeGrid};
use rand_chacha::ChaCha8Rng;

/// A spike emitted by a neuron: stamp (step), sender id, multiplicity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SpikeEvent {
    pub stamp: Step,
    pub sender: u32,
    pub multiplicity: u32,
}

/// A contiguous run of one population's neurons inside a partition.
pub(crate) struct Chunk {
    pub state: Box<dyn NeuronChunk>,
    pub first_id: u32,
    pub len: usize,
    pub n_channels: usize,
    /// Offset of this chunk's cells within one ring slot.
    pub cell_base: usize,
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
}

pub(crate) struct Partition {
    pub chunks: Vec<Chunk>,
    pub cells_per_slot: usize,
    pub ring_len: usize,
    pub ring: Vec<f64>,
    /// One store per build of the network: the first run's, then one for the connections
    /// added before each later run. A source's synapses are delivered store by store, so
    /// creation order holds across them.
    pub synapses: Vec<SynapseStore>,
    pub device_synapses: Vec<DeviceSynapse>,
    pub multimeters: Vec<MultimeterProbes>,
    /// Spikes emitted during the last advance, in step order.
    pub spikes: Vec<SpikeEvent>,
    /// Synaptic events delivered into the ring buffers so far (a spike of multiplicity m
    /// through one synapse counts m times; device events count once each).
    pub events: u64,
    emitted: Emitted,
}

impl Partition {
    pub fn new(chunks: Vec<Chunk>, ring_len: usize) -> Partition {
        let cells_per_slot = chunks.iter().map(|c| c.len * c.n_channels).sum();
        Partition {
            chunks,
            cells_per_slot,
            ring_len,
            ring: vec![0.0; cells_per_slot * ring_len],
            synapses: Vec::new(),
            device_synapses: Vec::new(),
            multimeters: Vec::new(),
            spikes: Vec::new(),
            events: 0,
            emitted: Vec::new(),
        }
    }

    /// Append a chunk of neurons created after the partition was laid out. Its input cells
    /// come after every existing cell, so existing synapses keep their cells; the ring
    /// buffer is re-laid out with the wider slot and keeps every pending input.
    pub fn add_chunk(&mut self, chunk: Chunk) {
        let old = self.cells_per_slot;
        let new = old + chunk.len * chunk.n_channels;
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
    }

    #[inline]
    fn slot_offset(&self, step: Step) -> usize {
        (step as usize % self.ring_len) * self.cells_per_slot
    }

    /// Deliver, inject device events, and update every neuron over `ctx.from .. ctx.to`.
    pub fn advance(&mut self, ctx: &SliceContext<'_>) {
        self.spikes.clear();
        for m in &mut self.multimeters {
            m.samples.clear();
        }
        if let Some(spikes) = ctx.deliver {
            self.deliver(spikes);
        }
        self.inject_device_events(ctx.device_out);
        let mut cursors = vec![0usize; ctx.sample_steps.len()];
        for step in ctx.from..ctx.to {
            let off = self.slot_offset(step);
            for chunk in &mut self.chunks {
                let size = chunk.len * chunk.n_channels;
                let input = &mut self.ring[off + chunk.cell_base..off + chunk.cell_base + size];
                chunk.state.update(step, input, &mut self.emitted);
                input.fill(0.0);
                for &(local, multiplicity) in &self.emitted {
                    self.spikes.push(SpikeEvent {
                        stamp: step + 1,
                        sender: chunk.first_id + local,
                        multiplicity,
                    });
                }
                self.emitted.clear();
            }
            for (m, steps) in ctx.sample_steps.iter().enumerate() {
                if steps.get(cursors[m]) == Some(&(step + 1)) {
                    cursors[m] += 1;
                    self.sample(m);
                }
            }
        }
    }

    fn deliver(&mut self, spikes: &[SpikeEvent]) {
        let (len, cells_per_slot) = (self.ring_len, self.cells_per_slot);
        let ring = &mut self.ring;
        for ev in spikes {
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
                let mut add = |cell: u32, weight: f64, delay: u16| {
                    let mut slot = base + usize::from(delay);
                    if slot >= len {
                        slot -= len;
                    }
                    let at = slot * cells_per_slot + cell as usize;
                    // The kernel expands a spike of multiplicity m into m unit events (§1.4).
                    for _ in 0..ev.multiplicity {
                        ring[at] += weight;
                    }
                };
                let cells = &syn.cells[lo..hi];
                match &syn.data {
                    SynapseData::Compact { kinds, table } => {
                        for (&cell, &kind) in cells.iter().zip(&kinds[lo..hi]) {
                            let (weight, delay) = table[usize::from(kind)];
                            add(cell, weight, delay);
                        }
                    }
                    SynapseData::Wide { weights, delays } => {
                        for ((&cell, &weight), &delay) in
                            cells.iter().zip(&weights[lo..hi]).zip(&delays[lo..hi])
                        {
                            add(cell, weight, delay);
                        }
                    }
                }
            }
        }
    }

    fn inject_device_events(&mut self, device_out: &[Emissions]) {
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
            }
        }
    }

    /// (node id, channel) of an input-buffer cell.
    fn cell_target(&self, cell: u32) -> (u32, u16) {
        let cell = cell as usize;
        let c = self.chunks.partition_point(|c| c.cell_base <= cell) - 1;
        let chunk = &self.chunks[c];
        let within = cell - chunk.cell_base;
        let local = within % chunk.len;
        let channel = within / chunk.len;
        (chunk.first_id + local as u32, channel as u16)
    }

    /// Every synapse stored here, as `f(source, target, channel, weight, delay)`: neuron
    /// synapses grouped by source in creation order, then device synapses in creation order
    /// (`device_ids` maps a device index to its node id).
    pub fn for_each_synapse(&self, device_ids: &[u32], f: &mut dyn FnMut(u32, u32, u16, f64, u16)) {
        for syn in &self.synapses {
            for s in 0..syn.offsets.len().saturating_sub(1) {
                for i in syn.offsets[s] as usize..syn.offsets[s + 1] as usize {
                    let (weight, delay) = match &syn.data {
                        SynapseData::Compact { kinds, table } => table[usize::from(kinds[i])],
                        SynapseData::Wide { weights, delays } => (weights[i], delays[i]),
                    };
                    let (target, channel) = self.cell_target(syn.cells[i]);
                    f(s as u32, target, channel, weight, delay);
                }
            }
        }
        for ds in &self.device_synapses {
            // As the connection weight routes (a spike generator's events may go either way).
            let k = route(ds.weight);
            let (target, channel) = self.cell_target(ds.cells[k]);
            f(
                device_ids[ds.device as usize],
                target,
                channel,
                ds.takes[k].of(ds.weight),
                ds.delay,
            );
        }
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
