//! Synapse models with state: the contract between the kernel and a plastic synapse model,
//! and the store that keeps one model's synapses of one partition (NEST's target-side
//! `Connector<ConnectionT>`).
//!
//! `static_synapse` keeps its compact store (`connectome.rs`): 6 bytes per synapse, weights
//! folded into a table of kinds. Every other synapse model implements [`PlasticModel`]: its
//! per-connection parameters (`Params`, shared through a table of distinct values, so a
//! homogeneous model pays nothing per synapse), its per-synapse state (`State`, e.g. `Kplus`)
//! and NEST's `send`, which updates the weight when a presynaptic spike is delivered and
//! may read the target's spike history ([`Archive`]). A [`PlasticStore`] keeps one model's
//! synapses as structure-of-arrays grouped by source, as the static store is: target cell,
//! delay, parameter index, weight (in synapse space, as NEST lists it), `t_lastspike` and the
//! state. Delivery dispatches once per (spike, store) into the monomorphised loop of the
//! model.
//!
//! A connection carries a [`SynapseSpec`]: the model (a NEST name or a copy's name) with the
//! parameters and initial state given in its `syn_spec`. The stores are keyed by that name.

use crate::archive::Archive;
use crate::network::Take;
use crate::params::{ParamError, Params, Value};
use crate::time::Step;
use crate::volume::{history_of, DopaSpike, VolumeHistory};
use crate::NodeId;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// A synapse model with per-synapse state (everything but `static_synapse`).
pub trait PlasticModel: Send + Sync + fmt::Debug + 'static {
    /// Per-connection parameters (`()` for a homogeneous model, whose parameters live in the
    /// model itself, NEST's `CommonSynapseProperties`).
    type Params: Clone + PartialEq + Send + Sync + fmt::Debug;
    /// Per-synapse state besides the weight and `t_lastspike`.
    type State: Copy + Send + Sync + fmt::Debug;

    /// Whether the model reads the target's spike history (NEST's models that call
    /// `register_stdp_connection`): the target must then be a neuron, and its archive
    /// records spikes from the first such synapse on.
    fn reads_history(&self) -> bool;

    /// NEST's check of a connection's weight against its parameters (e.g. the STDP models'
    /// "Weight and Wmax must have same sign."), at connect time and for every drawn weight.
    fn check_weight(&self, _params: &Self::Params, _weight: f64) -> Result<(), ParamError> {
        Ok(())
    }

    /// NEST's `t_lastspike_` of a new synapse (ms): 0 for the STDP models, −1 for the
    /// Tsodyks models.
    fn initial_t_last(&self) -> f64 {
        0.0
    }

    /// NEST's `send` for a presynaptic spike at `t_spike` (ms) through a synapse with delay
    /// `delay` (ms): update the weight, `t_last` (NEST's `t_lastspike_`) and the state, and
    /// return the weight the event carries (the new weight for STDP, `x·u·w` for
    /// `tsodyks2_synapse`). `post` is the target's spike history. A model implements this or
    /// [`transmit`](PlasticModel::transmit) (each defaults to the other); a model that may
    /// drop a spike implements `transmit`, and its `send` gives 0 for a dropped spike.
    #[inline]
    fn send(
        &self,
        params: &Self::Params,
        syn: SynapseState<'_, Self::State>,
        t_spike: f64,
        delay: f64,
        post: &mut Archive,
    ) -> f64 {
        self.transmit(params, syn, t_spike, delay, post)
            .unwrap_or(0.0)
    }

    /// NEST's `send` with its answer whether a spike was sent: the weight the event carries,
    /// or `None` when the synapse dropped the spike (`bernoulli_synapse`,
    /// `quantal_stp_synapse`), which then reaches neither the target nor the weight recorder.
    /// A model that draws random numbers takes them from `post.draws()`, the target's stream
    /// (keyed by seed and target node id, advanced in delivery order).
    #[inline]
    fn transmit(
        &self,
        params: &Self::Params,
        syn: SynapseState<'_, Self::State>,
        t_spike: f64,
        delay: f64,
        post: &mut Archive,
    ) -> Option<f64> {
        Some(self.send(params, syn, t_spike, delay, post))
    }

    /// The `volume_transmitter` whose spike history the model reads (NEST's neuromodulated
    /// synapses): `None` for a model that reads none, `Some(None)` for one whose transmitter
    /// has not been set (NEST refuses to connect it).
    #[inline]
    fn volume_transmitter(&self, _params: &Self::Params) -> Option<Option<NodeId>> {
        None
    }

    /// [`PlasticModel::send`] of a neuromodulated model, which reads the history `dopa` of
    /// its volume transmitter (what NEST's `volume_transmitter::deliver_spikes` hands out).
    #[inline]
    fn send_modulated(
        &self,
        params: &Self::Params,
        syn: SynapseState<'_, Self::State>,
        t_spike: f64,
        delay: f64,
        post: &mut Archive,
        _dopa: &[DopaSpike],
    ) -> f64 {
        self.send(params, syn, t_spike, delay, post)
    }

    /// NEST's `trigger_update_weight`: bring the synapse to `t_trig` (ms) with the history
    /// `dopa` of its volume transmitter, without a presynaptic spike.
    fn trigger(
        &self,
        _params: &Self::Params,
        _syn: SynapseState<'_, Self::State>,
        _t_trig: f64,
        _delay: f64,
        _post: &mut Archive,
        _dopa: &[DopaSpike],
    ) {
    }

    /// NEST's `get_status` of one synapse: its parameters and state besides `weight` and
    /// `delay` (which the kernel adds).
    fn get_status(&self, params: &Self::Params, state: &Self::State, d: &mut Params);

    /// NEST's `set_status` of one synapse: the keys of `d` the model knows, read on top of the
    /// current values with NEST's checks; nothing changes on error. `weight` is the new weight
    /// (already taken from `d` by the kernel) for the model's checks.
    fn set_status(
        &self,
        params: &mut Self::Params,
        state: &mut Self::State,
        weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError>;
}

/// The mutable part of one synapse, handed to [`PlasticModel::send`].
pub struct SynapseState<'a, S> {
    pub weight: &'a mut f64,
    /// NEST's `t_lastspike_` (ms), 0 before the first spike.
    pub t_last: &'a mut f64,
    pub state: &'a mut S,
}

/// A model with the parameters and initial state of one `syn_spec` (see [`SynapseSpec`]).
#[derive(Debug)]
pub struct Configured<M: PlasticModel> {
    pub name: String,
    pub model: Arc<M>,
    pub params: M::Params,
    pub state: M::State,
    /// Whether the connection's weight is checked against the parameters: NEST checks it
    /// only when the `syn_spec` sets some of the model's own keys (its `set_status` runs only
    /// then).
    pub check: bool,
    /// The `weight_recorder` of the model (NEST's common property): every event a synapse of
    /// the model transmits is recorded there.
    pub weight_recorder: Option<NodeId>,
}

/// What the network builder needs of a configured model, whatever its type.
pub trait SynapseKind: Send + Sync + fmt::Debug {
    /// The model's name (NEST's, or a copy's made with `CopyModel`).
    fn name(&self) -> &str;
    fn reads_history(&self) -> bool;
    fn check_weight(&self, weight: f64) -> Result<(), ParamError>;
    /// The weight recorder of the model, if it names one.
    fn weight_recorder(&self) -> Option<NodeId>;
    /// The volume transmitter of a neuromodulated model (see
    /// [`PlasticModel::volume_transmitter`]).
    fn volume_transmitter(&self) -> Option<Option<NodeId>>;
    /// The same configured model recording into `recorder`.
    fn with_weight_recorder(&self, recorder: NodeId) -> SynapseSpec;
    /// Bytes a synapse of this model takes in its store (for memory estimates).
    fn bytes_per_synapse(&self) -> usize;
    #[doc(hidden)]
    fn new_store(&self) -> Box<dyn PlasticStore>;
    #[doc(hidden)]
    fn as_any(&self) -> &dyn Any;
}

impl<M: PlasticModel> SynapseKind for Configured<M> {
    fn name(&self) -> &str {
        &self.name
    }

    fn reads_history(&self) -> bool {
        self.model.reads_history()
    }

    fn check_weight(&self, weight: f64) -> Result<(), ParamError> {
        if !self.check {
            return Ok(());
        }
        self.model.check_weight(&self.params, weight)
    }

    fn weight_recorder(&self) -> Option<NodeId> {
        self.weight_recorder
    }

    fn volume_transmitter(&self) -> Option<Option<NodeId>> {
        self.model.volume_transmitter(&self.params)
    }

    fn with_weight_recorder(&self, recorder: NodeId) -> SynapseSpec {
        SynapseSpec::new(Configured {
            name: self.name.clone(),
            model: Arc::clone(&self.model),
            params: self.params.clone(),
            state: self.state,
            check: self.check,
            weight_recorder: Some(recorder),
        })
    }

    fn bytes_per_synapse(&self) -> usize {
        // Cell, delay, parameter index, weight, t_lastspike, state.
        4 + 2 + 2 + 8 + 8 + std::mem::size_of::<M::State>()
    }

    fn new_store(&self) -> Box<dyn PlasticStore> {
        Box::new(Store::<M> {
            name: self.name.clone(),
            model: Arc::clone(&self.model),
            recorder: self.weight_recorder,
            offsets: Vec::new(),
            cells: Vec::new(),
            delays: Vec::new(),
            param_of: Vec::new(),
            table: Vec::new(),
            weights: Vec::new(),
            t_last: Vec::new(),
            state: Vec::new(),
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The synapse model of a connection, with its parameters: `None` in a connection means
/// `static_synapse`. Two specs are equal when they are the same object.
#[derive(Clone, Debug)]
pub struct SynapseSpec(pub Arc<dyn SynapseKind>);

impl SynapseSpec {
    pub fn new<M: PlasticModel>(configured: Configured<M>) -> SynapseSpec {
        SynapseSpec(Arc::new(configured))
    }

    pub fn name(&self) -> &str {
        self.0.name()
    }
}

impl PartialEq for SynapseSpec {
    fn eq(&self, other: &SynapseSpec) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&self.0), Arc::as_ptr(&other.0))
    }
}

/// One event a synapse with a weight recorder transmitted, as delivery notes it (the kernel
/// turns the cell into the target and receptor, and filters and orders the events).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawWeightEvent {
    pub recorder: NodeId,
    pub stamp: Step,
    pub sender: u32,
    pub cell: u32,
    pub weight: f64,
    /// The synapse's handle in its partition (`store`, `index` of a `SynapseId`).
    pub store: u32,
    pub index: u32,
}

/// What delivering into a partition needs (its ring and archives), see [`PlasticStore`].
pub struct Delivery<'a> {
    pub(crate) ring: &'a mut [f64],
    /// The ring slot of step `stamp − 1`.
    pub(crate) base: usize,
    pub(crate) ring_len: usize,
    pub(crate) cells_per_slot: usize,
    pub(crate) takes: &'a [Take],
    pub(crate) cell_take: &'a [u8],
    /// Per input cell, whether a spike there is scaled by its sender's offset (`None`: no
    /// cell of the partition is), and the offset of the spike being delivered.
    pub(crate) cell_offset: Option<&'a [bool]>,
    pub(crate) offset: f64,
    /// Per input cell, the partition-local index of its neuron (its archive).
    pub(crate) cell_neuron: &'a [u32],
    pub(crate) archives: &'a mut [Archive],
    /// NEST's `Time::delay_steps_to_ms` factor.
    pub(crate) ms_per_step: f64,
    /// The spike being delivered: its stamp and sender, and the handle `store` of the store
    /// delivering it (for weight recorder events).
    pub(crate) stamp: Step,
    pub(crate) sender: u32,
    pub(crate) store: u32,
    pub(crate) weight_events: &'a mut Vec<RawWeightEvent>,
    /// The histories of the volume transmitters, sorted by id (read only).
    pub(crate) volume: &'a [VolumeHistory],
}

/// What the trigger phase needs of a partition (see [`PlasticStore::trigger`]).
pub struct Trigger<'a> {
    pub(crate) cell_neuron: &'a [u32],
    pub(crate) archives: &'a mut [Archive],
    pub(crate) ms_per_step: f64,
}

/// One model's synapses of one partition, type-erased for the partition (see the module doc).
#[doc(hidden)]
pub trait PlasticStore: Send + Sync {
    fn name(&self) -> &str;
    fn reads_history(&self) -> bool;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Allocate for the synapses of `offsets` (CSR by source, as the static store).
    fn allocate(&mut self, offsets: Vec<u32>);
    fn offsets(&self) -> &[u32];
    /// Write synapse `i` of `spec`'s model.
    fn put(&mut self, i: usize, cell: u32, delay: u16, weight: f64, spec: &dyn SynapseKind);
    fn cell(&self, i: usize) -> u32;
    fn set_cell(&mut self, i: usize, cell: u32);
    /// (weight, delay in steps) of synapse `i`.
    fn given(&self, i: usize) -> (f64, u16);
    fn set_weight_delay(&mut self, i: usize, weight: f64, delay: u16);
    /// One unit spike event at `t_spike` (ms) through synapses `lo .. hi` (one source's).
    fn deliver(&mut self, lo: usize, hi: usize, t_spike: f64, d: &mut Delivery<'_>);
    /// NEST's `trigger_update_weight` of volume transmitter `vt` at `t_trig` (ms) with its
    /// history `dopa`: every synapse of the store whose model reads `vt`, in store order.
    fn trigger(&mut self, vt: NodeId, t_trig: f64, dopa: &[DopaSpike], t: &mut Trigger<'_>);
    /// The model's keys of synapse `i` (`weight` and `delay` excluded).
    fn status(&self, i: usize, d: &mut Params);
    /// Set the model's keys of synapse `i`; `weight` is the weight it will have.
    fn set_status(&mut self, i: usize, weight: f64, d: &mut Params) -> Result<(), ParamError>;
    /// Heap bytes.
    fn bytes(&self) -> usize;
}

struct Store<M: PlasticModel> {
    name: String,
    model: Arc<M>,
    recorder: Option<NodeId>,
    offsets: Vec<u32>,
    cells: Vec<u32>,
    delays: Vec<u16>,
    param_of: Vec<u16>,
    table: Vec<M::Params>,
    weights: Vec<f64>,
    t_last: Vec<f64>,
    state: Vec<M::State>,
}

impl<M: PlasticModel> PlasticStore for Store<M> {
    fn name(&self) -> &str {
        &self.name
    }

    fn reads_history(&self) -> bool {
        self.model.reads_history()
    }

    fn len(&self) -> usize {
        self.cells.len()
    }

    fn allocate(&mut self, offsets: Vec<u32>) {
        let n = offsets.last().copied().unwrap_or(0) as usize;
        self.offsets = offsets;
        self.cells = vec![0; n];
        self.delays = vec![0; n];
        self.param_of = vec![0; n];
        self.weights = vec![0.0; n];
        self.t_last = vec![self.model.initial_t_last(); n];
        self.state = Vec::with_capacity(n);
    }

    fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    fn put(&mut self, i: usize, cell: u32, delay: u16, weight: f64, spec: &dyn SynapseKind) {
        let spec = spec
            .as_any()
            .downcast_ref::<Configured<M>>()
            .expect("a store holds one model");
        let p = match self.table.iter().rposition(|p| *p == spec.params) {
            Some(p) => p,
            None => {
                assert!(
                    self.table.len() <= usize::from(u16::MAX),
                    "at most 65 536 distinct parameter sets per synapse model and partition"
                );
                self.table.push(spec.params.clone());
                self.table.len() - 1
            }
        };
        self.cells[i] = cell;
        self.delays[i] = delay;
        self.param_of[i] = p as u16;
        self.weights[i] = weight;
        if self.state.len() < self.cells.len() {
            self.state.resize(self.cells.len(), spec.state);
        }
        self.state[i] = spec.state;
    }

    fn cell(&self, i: usize) -> u32 {
        self.cells[i]
    }

    fn set_cell(&mut self, i: usize, cell: u32) {
        self.cells[i] = cell;
    }

    fn given(&self, i: usize) -> (f64, u16) {
        (self.weights[i], self.delays[i])
    }

    fn set_weight_delay(&mut self, i: usize, weight: f64, delay: u16) {
        self.weights[i] = weight;
        self.delays[i] = delay;
    }

    fn deliver(&mut self, lo: usize, hi: usize, t_spike: f64, d: &mut Delivery<'_>) {
        let model = &*self.model;
        for i in lo..hi {
            let cell = self.cells[i];
            if cell == crate::partition::TRASH_CELL {
                continue;
            }
            let delay = self.delays[i];
            let post = &mut d.archives[d.cell_neuron[cell as usize] as usize];
            let params = &self.table[usize::from(self.param_of[i])];
            let syn = SynapseState {
                weight: &mut self.weights[i],
                t_last: &mut self.t_last[i],
                state: &mut self.state[i],
            };
            let delay_ms = f64::from(delay) * d.ms_per_step;
            // A neuromodulated model reads its volume transmitter's history and always sends;
            // the others may drop the spike (`transmit`).
            let sent = match model.volume_transmitter(params) {
                Some(vt) => {
                    let dopa = vt.map_or(&[][..], |vt| history_of(d.volume, vt));
                    Some(model.send_modulated(params, syn, t_spike, delay_ms, post, dopa))
                }
                None => model.transmit(params, syn, t_spike, delay_ms, post),
            };
            let Some(weight) = sent else {
                continue;
            };
            let mut slot = d.base + usize::from(delay);
            if slot >= d.ring_len {
                slot -= d.ring_len;
            }
            let take = d.takes[usize::from(d.cell_take[cell as usize])];
            let mut delivered = take.of(weight);
            if d.cell_offset.is_some_and(|c| c[cell as usize]) {
                delivered *= d.offset;
            }
            d.ring[slot * d.cells_per_slot + cell as usize] += delivered;
            if let Some(recorder) = self.recorder {
                d.weight_events.push(RawWeightEvent {
                    recorder,
                    stamp: d.stamp,
                    sender: d.sender,
                    cell,
                    weight,
                    store: d.store,
                    index: i as u32,
                });
            }
        }
    }

    fn trigger(&mut self, vt: NodeId, t_trig: f64, dopa: &[DopaSpike], t: &mut Trigger<'_>) {
        let model = &*self.model;
        for i in 0..self.cells.len() {
            let cell = self.cells[i];
            let params = &self.table[usize::from(self.param_of[i])];
            if cell == crate::partition::TRASH_CELL
                || model.volume_transmitter(params) != Some(Some(vt))
            {
                continue;
            }
            model.trigger(
                params,
                SynapseState {
                    weight: &mut self.weights[i],
                    t_last: &mut self.t_last[i],
                    state: &mut self.state[i],
                },
                t_trig,
                f64::from(self.delays[i]) * t.ms_per_step,
                &mut t.archives[t.cell_neuron[cell as usize] as usize],
                dopa,
            );
        }
    }

    fn status(&self, i: usize, d: &mut Params) {
        self.model.get_status(
            &self.table[usize::from(self.param_of[i])],
            &self.state[i],
            d,
        );
    }

    fn set_status(&mut self, i: usize, weight: f64, d: &mut Params) -> Result<(), ParamError> {
        let mut params = self.table[usize::from(self.param_of[i])].clone();
        let mut state = self.state[i];
        self.model.set_status(&mut params, &mut state, weight, d)?;
        if params != self.table[usize::from(self.param_of[i])] {
            let p = match self.table.iter().position(|p| *p == params) {
                Some(p) => p,
                None => {
                    self.table.push(params);
                    self.table.len() - 1
                }
            };
            self.param_of[i] = p as u16;
        }
        self.state[i] = state;
        Ok(())
    }

    fn bytes(&self) -> usize {
        self.offsets.capacity() * 4
            + self.cells.capacity() * 4
            + self.delays.capacity() * 2
            + self.param_of.capacity() * 2
            + self.weights.capacity() * 8
            + self.t_last.capacity() * 8
            + self.state.capacity() * std::mem::size_of::<M::State>()
            + self.table.capacity() * std::mem::size_of::<M::Params>()
    }
}

/// Read an `f64` key of a synapse dictionary into `slot` (NEST's `update_value`).
pub fn update_f64(d: &mut Params, key: &str, slot: &mut f64) -> Result<(), ParamError> {
    if let Some(v) = d.f64(key)? {
        *slot = v;
    }
    Ok(())
}

/// Write `(key, value)` pairs into a synapse dictionary.
pub fn put_f64(d: &mut Params, pairs: &[(&str, f64)]) {
    for &(k, v) in pairs {
        d.insert(k, Value::Float(v));
    }
}
