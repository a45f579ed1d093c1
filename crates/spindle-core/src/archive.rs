//! Postsynaptic spike history for spike-timing-dependent plasticity (NEST's `ArchivingNode`).
//!
//! Every neuron keeps the times of its own spikes together with its depression traces K⁻
//! (time constant `tau_minus`) and K⁻ of the triplet rule (`tau_minus_triplet`), as NEST's
//! `ArchivingNode` does, so that a plastic synapse can read, when its presynaptic spike is
//! delivered, which postsynaptic spikes happened since its last one. The history is kept only
//! while the neuron receives at least one synapse that reads it (`n_incoming`), and an entry is
//! dropped once every such synapse has read it and it lies more than the largest dendritic
//! delay plus the minimal delay before the newest spike. The kernel owns the archives of a
//! partition's neurons beside their state, so plastic updates stay inside the partition.
//!
//! Times are in ms, computed as NEST computes them (`tics · 0.001`); NEST's comparisons use
//! its `stdp_eps` of 1e-6 ms.
//!
//! The archive also holds the target's stream for synapses that draw random numbers when a
//! spike is delivered (`bernoulli_synapse`, `quantal_stp_synapse`; NEST draws them from the
//! random generator of the target's thread). It is keyed by (seed, target node id), made at
//! the first draw and advanced in delivery order, which is the same for every partitioning
//! (sorted spike list, then store order, then connection order), so the draws do not depend
//! on the thread count and a stepped run continues the same stream.

use crate::ignore_and_spike::{IgnoreAndSpike, IGNORE_AND_SPIKE_KEYS};
use crate::params::{ParamError, Params, Value};
use crate::rng::{self, Stream};
use crate::time::TimeGrid;
use std::collections::VecDeque;

/// NEST's `ConnectionManager::stdp_eps`.
pub const STDP_EPS: f64 = 1.0e-6;

/// One archived spike: its time (ms), the traces just after it, and how many of the incoming
/// plastic synapses have read it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistEntry {
    pub t: f64,
    pub kminus: f64,
    pub kminus_triplet: f64,
    access: u32,
}

/// One neuron's spike history and traces (NEST's `ArchivingNode`).
#[derive(Clone, Debug)]
pub struct Archive {
    tau_minus: f64,
    tau_minus_inv: f64,
    tau_minus_triplet: f64,
    tau_minus_triplet_inv: f64,
    n_incoming: u32,
    kminus: f64,
    kminus_triplet: f64,
    /// The largest dendritic delay (ms) of the incoming plastic synapses.
    max_delay: f64,
    /// The last trace read by a synapse (NEST's `post_trace`).
    trace: f64,
    last_spike: f64,
    history: VecDeque<HistEntry>,
    /// The kernel seed and the neuron's node id, which key `draws`.
    seed: u64,
    node: u32,
    /// The stream of the synapses that draw at delivery, made at their first draw.
    draws: Option<Box<Stream>>,
    /// NEST's `ArchivingNode` is an `IgnoreAndSpikeMechanism` too: every neuron has its keys.
    ignore_and_spike: IgnoreAndSpike,
}

impl Default for Archive {
    fn default() -> Archive {
        Archive {
            tau_minus: 20.0,
            tau_minus_inv: 1.0 / 20.0,
            tau_minus_triplet: 110.0,
            tau_minus_triplet_inv: 1.0 / 110.0,
            n_incoming: 0,
            kminus: 0.0,
            kminus_triplet: 0.0,
            max_delay: 0.0,
            trace: 0.0,
            last_spike: -1.0,
            history: VecDeque::new(),
            seed: 0,
            node: 0,
            draws: None,
            ignore_and_spike: IgnoreAndSpike::default(),
        }
    }
}

/// The node keys of the archive that `SetStatus` (and `Create`) take.
pub const ARCHIVE_SETTABLE: &[&str] = &[
    "tau_minus",
    "tau_minus_triplet",
    IGNORE_AND_SPIKE_KEYS[0],
    IGNORE_AND_SPIKE_KEYS[1],
    IGNORE_AND_SPIKE_KEYS[2],
];

/// The node keys that the kernel answers for every neuron.
pub const ARCHIVE_KEYS: &[&str] = &[
    "t_spike",
    "tau_minus",
    "tau_minus_triplet",
    "post_trace",
    IGNORE_AND_SPIKE_KEYS[0],
    IGNORE_AND_SPIKE_KEYS[1],
    IGNORE_AND_SPIKE_KEYS[2],
];

impl Archive {
    /// Name the neuron whose archive this is: the key of its synapses' stream.
    pub fn identify(&mut self, seed: u64, node: u32) {
        self.seed = seed;
        self.node = node;
    }

    /// Restart the synapses' stream from a new kernel seed (NEST's `rng_seed` set between
    /// runs): the next draw starts the stream of (seed, node id) afresh.
    pub fn reseed(&mut self, seed: u64) {
        self.seed = seed;
        self.draws = None;
    }

    /// The stream of the synapses onto this neuron that draw when a spike is delivered
    /// (see the module doc).
    pub fn draws(&mut self) -> &mut Stream {
        let (seed, node) = (self.seed, self.node);
        self.draws
            .get_or_insert_with(|| Box::new(rng::stream(seed, rng::DOMAIN_SYNAPSE, node, 0, 0)))
    }

    /// Whether the ignore-and-spike mechanism is on (see [`crate::ignore_and_spike`]).
    pub fn ignores_and_spikes(&self) -> bool {
        self.ignore_and_spike.enabled()
    }

    /// Before a run: the ignore-and-spike times set since the last run, in steps.
    pub fn prepare(&mut self, grid: &TimeGrid) {
        self.ignore_and_spike.prepare(grid);
    }

    /// NEST's `spike_event_is_due` (a model that honours the ignore-and-spike mechanism asks
    /// it once per update whether the neuron spikes, given whether its dynamics would).
    #[inline]
    pub fn spike_event_is_due(&mut self, dynamic: bool) -> bool {
        self.ignore_and_spike.spike_event_is_due(dynamic)
    }

    /// NEST's `register_stdp_connection`: a new synapse that first reads the history after
    /// `t_first_read` (ms) with dendritic delay `delay` (ms).
    pub fn register(&mut self, t_first_read: f64, delay: f64) {
        for e in self.history.iter_mut() {
            if t_first_read - e.t > -STDP_EPS {
                e.access += 1;
            } else {
                break;
            }
        }
        self.n_incoming += 1;
        self.max_delay = self.max_delay.max(delay);
    }

    /// NEST's `set_spiketime`: the neuron spiked at `t_sp` (ms); `min_delay` is the kernel's
    /// minimal delay in ms.
    pub fn record_spike(&mut self, t_sp: f64, min_delay: f64) {
        if self.n_incoming == 0 {
            self.last_spike = t_sp;
            return;
        }
        while self.history.len() > 1 {
            let next = self.history[1].t;
            if self.history[0].access >= self.n_incoming
                && t_sp - next > self.max_delay + min_delay + STDP_EPS
            {
                self.history.pop_front();
            } else {
                break;
            }
        }
        self.kminus = self.kminus * ((self.last_spike - t_sp) * self.tau_minus_inv).exp() + 1.0;
        self.kminus_triplet = self.kminus_triplet
            * ((self.last_spike - t_sp) * self.tau_minus_triplet_inv).exp()
            + 1.0;
        self.last_spike = t_sp;
        self.history.push_back(HistEntry {
            t: t_sp,
            kminus: self.kminus,
            kminus_triplet: self.kminus_triplet,
            access: 0,
        });
    }

    /// NEST's `get_history`: the entries with `t1 < t ≤ t2` (within `stdp_eps`), counted as
    /// read.
    pub fn history(&mut self, t1: f64, t2: f64) -> &[HistEntry] {
        let (t1_lim, t2_lim) = (t1 + STDP_EPS, t2 + STDP_EPS);
        let mut finish = self.history.len();
        while finish > 0 && self.history[finish - 1].t >= t2_lim {
            finish -= 1;
        }
        let mut start = finish;
        while start > 0 && self.history[start - 1].t >= t1_lim {
            start -= 1;
            self.history[start].access += 1;
        }
        &self.history.make_contiguous()[start..finish]
    }

    /// NEST's `get_K_value`: K⁻ just before `t` (ms).
    pub fn k_value(&mut self, t: f64) -> f64 {
        self.trace = self
            .history
            .iter()
            .rev()
            .find(|e| t - e.t > STDP_EPS)
            .map_or(0.0, |e| e.kminus * ((e.t - t) * self.tau_minus_inv).exp());
        self.trace
    }

    /// NEST's `get_K_values`: (K⁻, nearest-neighbour K⁻, triplet K⁻) just before `t` (ms).
    pub fn k_values(&self, t: f64) -> (f64, f64, f64) {
        if self.history.is_empty() {
            return (self.kminus, self.kminus, self.kminus_triplet);
        }
        self.history
            .iter()
            .rev()
            .find(|e| t - e.t > STDP_EPS)
            .map_or((0.0, 0.0, 0.0), |e| {
                let decay = ((e.t - t) * self.tau_minus_inv).exp();
                (
                    e.kminus * decay,
                    decay,
                    e.kminus_triplet * ((e.t - t) * self.tau_minus_triplet_inv).exp(),
                )
            })
    }

    /// The time of the last spike (ms), -1 before the first.
    pub fn last_spike(&self) -> f64 {
        self.last_spike
    }

    /// Archived entries (memory accounting and tests).
    pub fn len(&self) -> usize {
        self.history.len()
    }

    pub fn is_empty(&self) -> bool {
        self.history.is_empty()
    }

    /// NEST's `ArchivingNode::get_status`.
    pub fn get_status(&self, d: &mut Params) {
        d.insert("t_spike", Value::Float(self.last_spike));
        d.insert("tau_minus", Value::Float(self.tau_minus));
        d.insert("tau_minus_triplet", Value::Float(self.tau_minus_triplet));
        d.insert("post_trace", Value::Float(self.trace));
        self.ignore_and_spike.get_status(d);
    }

    /// NEST's `ArchivingNode::set_status`: takes `tau_minus` and `tau_minus_triplet` from
    /// `d` (both strictly positive, else `BadProperty`) and the ignore-and-spike keys;
    /// nothing changes on error.
    pub fn set_status(&mut self, d: &mut Params) -> Result<(), ParamError> {
        let tau_minus = d.f64("tau_minus")?.unwrap_or(self.tau_minus);
        let tau_minus_triplet = d
            .f64("tau_minus_triplet")?
            .unwrap_or(self.tau_minus_triplet);
        let mut ignore_and_spike = self.ignore_and_spike.clone();
        ignore_and_spike.set_status(d)?;
        if tau_minus <= 0.0 || tau_minus_triplet <= 0.0 {
            return Err(
                ParamError::rule("All time constants must be strictly positive.")
                    .with("tau_minus", tau_minus)
                    .with("tau_minus_triplet", tau_minus_triplet),
            );
        }
        self.tau_minus = tau_minus;
        self.tau_minus_triplet = tau_minus_triplet;
        self.tau_minus_inv = 1.0 / tau_minus;
        self.tau_minus_triplet_inv = 1.0 / tau_minus_triplet;
        self.ignore_and_spike = ignore_and_spike;
        Ok(())
    }
}
