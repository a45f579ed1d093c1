//! Building every partition's synapse store from the network's connection statements.
//!
//! Each partition builds its own store, in parallel with the others and without staging:
//! pass 1 expands every statement for the partition's targets and counts the synapses per
//! source (and collects the distinct (weight, delay) pairs and the delay extrema); the store
//! is then allocated exactly; pass 2 expands the statements again — the expansion is a pure
//! function of (seed, statement, target) — and writes each synapse at its source's cursor.
//! Synapses of one source keep creation order, so the store is the same whatever the number
//! of partitions.
//!
//! A synapse keeps its weight as given (NEST's synapse weight, which `GetConnections` lists and
//! `SetStatus` changes) beside what delivery adds to the target's input cell: the compact form
//! stores both in its kind table, the wide form derives the delivered value from the given one
//! through the target channel's [`Take`] (see `Partition`). A disconnected synapse is pointed at
//! the ring's trash cell and stays in place, so that positions (and the handles that
//! `Simulation::synapses` gives out) never move and delivery needs no check.

use crate::error::{BuildError, Rejection};
use crate::network::{Population, Statement, MAX_DELAY_STEPS};
use crate::synapse::PlasticStore;
use crate::time::{Step, TimeGrid};
use std::collections::HashMap;
use std::ops::Range;

/// Where a partition's neurons are: one entry per chunk, in ascending id order.
#[derive(Clone, Debug)]
pub(crate) struct ChunkRange {
    pub first_id: u32,
    pub len: usize,
    pub cell_base: usize,
    pub population: usize,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct PartitionShape {
    pub chunks: Vec<ChunkRange>,
}

impl PartitionShape {
    /// (chunk, local index) of neuron `id`, if it lives in this partition.
    #[inline]
    pub fn locate(&self, id: u32) -> Option<(usize, usize)> {
        let c = self
            .chunks
            .partition_point(|c| c.first_id <= id)
            .checked_sub(1)?;
        let chunk = &self.chunks[c];
        let local = (id - chunk.first_id) as usize;
        (local < chunk.len).then_some((c, local))
    }

    #[inline]
    fn cell(&self, chunk: usize, local: usize, channel: u16) -> u32 {
        let c = &self.chunks[chunk];
        (c.cell_base + usize::from(channel) * c.len + local) as u32
    }
}

/// Neuron → neuron synapses targeting one partition, grouped by source node id (compressed
/// sparse rows): the synapses of source `s` are `offsets[s] .. offsets[s + 1]`.
#[derive(Debug, Default)]
pub(crate) struct SynapseStore {
    pub offsets: Vec<u32>,
    /// Input-buffer cell of the target (chunk cell base + channel · len + local index), or
    /// `TRASH_CELL` for a disconnected synapse.
    pub cells: Vec<u32>,
    pub data: SynapseData,
    /// The statements of the network description this store was built from (the listing
    /// re-expands them to learn which statement made each synapse).
    pub statements: Range<usize>,
    /// Kind of each (given weight bits, delivered weight bits, delay), built at the first
    /// change of a compact store's synapse.
    pub kind_index: Option<HashMap<(u64, u64, u16), u16>>,
}

/// One kind of synapse of a compact store: the weight as given, the weight as delivered into
/// the target's input cell (after the target model's transformation) and the delay in steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Kind {
    pub given: f64,
    pub delivered: f64,
    pub delay: u16,
}

impl Kind {
    fn key(&self) -> (u64, u64, u16) {
        (self.given.to_bits(), self.delivered.to_bits(), self.delay)
    }
}

/// Weights and delays: as an index into a table of the distinct kinds when there are at most
/// 65 536 of them (6 bytes per synapse in all), otherwise in full (the weight as given; the
/// delivered value comes from the target channel's `Take`).
#[derive(Debug)]
pub(crate) enum SynapseData {
    Compact { kinds: Vec<u16>, table: Vec<Kind> },
    Wide { weights: Vec<f64>, delays: Vec<u16> },
}

impl Default for SynapseData {
    fn default() -> SynapseData {
        SynapseData::Compact {
            kinds: Vec::new(),
            table: Vec::new(),
        }
    }
}

impl SynapseStore {
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Heap bytes held by the store.
    pub fn bytes(&self) -> usize {
        let data = match &self.data {
            SynapseData::Compact { kinds, table } => {
                kinds.capacity() * 2 + table.capacity() * std::mem::size_of::<Kind>()
            }
            SynapseData::Wide { weights, delays } => weights.capacity() * 8 + delays.capacity() * 2,
        };
        self.offsets.capacity() * 4 + self.cells.capacity() * 4 + data
    }

    /// The source of synapse `i`.
    pub fn source_of(&self, i: usize) -> u32 {
        (self.offsets.partition_point(|&o| o as usize <= i) - 1) as u32
    }

    /// (given weight, delay) of synapse `i`.
    #[inline]
    pub fn given(&self, i: usize) -> (f64, u16) {
        match &self.data {
            SynapseData::Compact { kinds, table } => {
                let k = table[usize::from(kinds[i])];
                (k.given, k.delay)
            }
            SynapseData::Wide { weights, delays } => (weights[i], delays[i]),
        }
    }

    /// Point synapse `i` at `cell` with a new kind. A compact store whose table is full
    /// becomes wide (its delivered values then come from the channels' takes, which the
    /// caller's `delivered` equals).
    pub fn rewrite(&mut self, i: usize, cell: u32, kind: Kind) {
        self.cells[i] = cell;
        if let SynapseData::Compact { kinds, table } = &mut self.data {
            let index = self.kind_index.get_or_insert_with(|| {
                table
                    .iter()
                    .enumerate()
                    .map(|(k, kind)| (kind.key(), k as u16))
                    .collect()
            });
            let k = match index.get(&kind.key()) {
                Some(&k) => Some(k),
                None if table.len() <= usize::from(u16::MAX) => {
                    let k = table.len() as u16;
                    table.push(kind);
                    index.insert(kind.key(), k);
                    Some(k)
                }
                None => None,
            };
            match k {
                Some(k) => {
                    kinds[i] = k;
                    return;
                }
                None => {
                    let weights = kinds.iter().map(|&k| table[usize::from(k)].given).collect();
                    let delays = kinds.iter().map(|&k| table[usize::from(k)].delay).collect();
                    self.data = SynapseData::Wide { weights, delays };
                    self.kind_index = None;
                }
            }
        }
        if let SynapseData::Wide { weights, delays } = &mut self.data {
            weights[i] = kind.given;
            delays[i] = kind.delay;
        }
    }
}

/// Distinct kinds, with the last lookup cached (consecutive synapses of a statement usually
/// share their parameters).
#[derive(Default)]
struct KindTable {
    index: HashMap<(u64, u64, u16), u16>,
    table: Vec<Kind>,
    last: Option<((u64, u64, u16), u16)>,
    overflow: bool,
}

impl KindTable {
    /// The index of `kind`, added if new; `None` once there are too many.
    #[inline]
    fn kind(&mut self, kind: Kind, add: bool) -> Option<u16> {
        let key = kind.key();
        if let Some((k, v)) = self.last {
            if k == key {
                return Some(v);
            }
        }
        let v = match self.index.get(&key) {
            Some(&v) => v,
            None if add && !self.overflow => {
                if self.table.len() > usize::from(u16::MAX) {
                    self.overflow = true;
                    self.index = HashMap::new();
                    return None;
                }
                let v = self.table.len() as u16;
                self.table.push(kind);
                self.index.insert(key, v);
                v
            }
            None => return None,
        };
        self.last = Some((key, v));
        Some(v)
    }
}

/// The statements and what expanding them needs.
pub(crate) struct Connectome<'a> {
    pub statements: &'a [Statement],
    pub populations: &'a [Population],
    pub grid: TimeGrid,
    pub n_ids: usize,
}

/// What pass 1 learned about one partition.
pub(crate) struct Census {
    counts: Vec<u32>,
    /// Synapses per statement (indexing the statements expanded).
    pub per_statement: Vec<usize>,
    kinds: KindTable,
    pub min_delay: Option<Step>,
    pub max_delay: Option<Step>,
}

/// Which statements a pass expands: those of `static_synapse`, or those of one synapse model
/// with state (by name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Which<'a> {
    Static,
    Model(&'a str),
}

impl Which<'_> {
    fn takes(&self, statement: &Statement) -> bool {
        match (self, statement.synapse()) {
            (Which::Static, None) => true,
            (Which::Model(name), Some(spec)) => spec.name() == *name,
            _ => false,
        }
    }
}

impl Connectome<'_> {
    /// The names of the synapse models with state among the statements, in order of first use.
    pub fn plastic_models(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for s in self.statements {
            if let Some(spec) = s.synapse() {
                if !names.contains(&spec.name()) {
                    names.push(spec.name());
                }
            }
        }
        names
    }

    /// Every synapse targeting `shape` of the statements `which` selects, as `f(statement,
    /// source, cell, given weight, delivered weight, delay)`, in creation order (`statement`
    /// indexes `self.statements`).
    fn for_each(
        &self,
        shape: &PartitionShape,
        which: Which<'_>,
        f: &mut dyn FnMut(usize, u32, u32, f64, f64, Step),
    ) -> Result<(), BuildError> {
        for (k, statement) in self.statements.iter().enumerate() {
            if !which.takes(statement) {
                continue;
            }
            match statement {
                Statement::Explicit(list, _) => {
                    for s in list {
                        if let Some((c, l)) = shape.locate(s.target) {
                            f(
                                k,
                                s.source,
                                shape.cell(c, l, s.channel),
                                s.given,
                                s.weight,
                                Step::from(s.delay),
                            );
                        }
                    }
                }
                Statement::Rule(rule) => {
                    let mut failure = None;
                    let owns = |t: u32| shape.locate(t).is_some();
                    rule.expand_with_receptor(
                        rule.seed,
                        &self.grid,
                        &owns,
                        &mut |s, t, w, d, receptor| {
                            let (c, l) = shape.locate(t).expect("expand only emits owned targets");
                            let model = &self.populations[shape.chunks[c].population].model;
                            match model.spike_input(receptor, w) {
                                Ok(input) => {
                                    f(k, s, shape.cell(c, l, input.channel), w, input.weight, d)
                                }
                                Err(r) => {
                                    failure.get_or_insert(BuildError::Rule {
                                        rule: rule.conn.rule.to_string(),
                                        reason: Rejection::new(
                                            r.kind,
                                            format!("target {t}: {}", r.message),
                                        ),
                                        statement: Some(rule.index),
                                    });
                                }
                            }
                        },
                    )
                    .map_err(|e| BuildError::Rule {
                        rule: rule.conn.rule.to_string(),
                        reason: e.reason,
                        statement: Some(e.statement),
                    })?;
                    if let Some(e) = failure {
                        return Err(e);
                    }
                }
            }
        }
        Ok(())
    }

    /// Pass 1: count synapses per source, collect (weight, delay) kinds (of static synapses)
    /// and delay extrema; check the weights of synapses with state against their model.
    pub fn census(&self, shape: &PartitionShape, which: Which<'_>) -> Result<Census, BuildError> {
        let mut census = Census {
            counts: vec![0; self.n_ids + 1],
            per_statement: vec![0; self.statements.len()],
            kinds: KindTable::default(),
            min_delay: None,
            max_delay: None,
        };
        let mut too_many = false;
        let mut bad_weight = None;
        self.for_each(
            shape,
            which,
            &mut |k, source, _cell, given, delivered, delay| {
                census.per_statement[k] += 1;
                let c = &mut census.counts[source as usize + 1];
                match c.checked_add(1) {
                    Some(n) => *c = n,
                    None => too_many = true,
                }
                if which == Which::Static {
                    let kind = Kind {
                        given,
                        delivered,
                        delay: delay as u16,
                    };
                    census.kinds.kind(kind, true);
                } else if bad_weight.is_none() {
                    let spec = self.statements[k].synapse().expect("a model's statement");
                    if let Err(e) = spec.0.check_weight(given) {
                        bad_weight = Some(BuildError::Rule {
                            rule: "Connect".into(),
                            reason: Rejection::new(
                                e.nest_kind(),
                                format!("{} (source {source})", e.nest_message()),
                            ),
                            statement: None,
                        });
                    }
                }
                census.min_delay = Some(census.min_delay.map_or(delay, |d: Step| d.min(delay)));
                census.max_delay = Some(census.max_delay.map_or(delay, |d: Step| d.max(delay)));
            },
        )?;
        if too_many {
            return Err(BuildError::TooManySynapses);
        }
        if let Some(e) = bad_weight {
            return Err(e);
        }
        debug_assert!(census.max_delay.is_none_or(|d| d <= MAX_DELAY_STEPS));
        Ok(census)
    }

    /// Pass 2: allocate the store and fill it.
    pub fn fill(&self, shape: &PartitionShape, census: Census) -> Result<SynapseStore, BuildError> {
        let Census {
            mut counts,
            mut kinds,
            ..
        } = census;
        for i in 1..counts.len() {
            counts[i] = counts[i]
                .checked_add(counts[i - 1])
                .ok_or(BuildError::TooManySynapses)?;
        }
        let total = counts[counts.len() - 1] as usize;
        let mut cursor = counts.clone();
        let mut cells = vec![0u32; total];
        let compact = !kinds.overflow;
        let (mut kind_of, mut weights, mut delays) = if compact {
            (vec![0u16; total], Vec::new(), Vec::new())
        } else {
            (Vec::new(), vec![0.0; total], vec![0u16; total])
        };
        self.for_each(
            shape,
            Which::Static,
            &mut |_, source, cell, given, delivered, delay| {
                let i = cursor[source as usize] as usize;
                cursor[source as usize] += 1;
                cells[i] = cell;
                if compact {
                    let kind = Kind {
                        given,
                        delivered,
                        delay: delay as u16,
                    };
                    kind_of[i] = kinds.kind(kind, false).expect("pass 1 saw every kind");
                } else {
                    weights[i] = given;
                    delays[i] = delay as u16;
                }
            },
        )?;
        let data = if compact {
            SynapseData::Compact {
                kinds: kind_of,
                table: kinds.table,
            }
        } else {
            SynapseData::Wide { weights, delays }
        };
        Ok(SynapseStore {
            offsets: counts,
            cells,
            data,
            statements: 0..0,
            kind_index: None,
        })
    }

    /// Which of `self.statements` made each synapse of `store` (built from exactly these
    /// statements for `shape`): expansion is a pure function, so a second expansion puts every
    /// synapse at the position the fill gave it.
    pub fn statement_of(
        &self,
        shape: &PartitionShape,
        offsets: &[u32],
        which: Which<'_>,
    ) -> Result<Vec<u32>, BuildError> {
        let mut cursor = offsets.to_vec();
        let mut of = vec![0u32; offsets.last().copied().unwrap_or(0) as usize];
        self.for_each(shape, which, &mut |k, source, _, _, _, _| {
            let i = cursor[source as usize] as usize;
            cursor[source as usize] += 1;
            of[i] = k as u32;
        })?;
        Ok(of)
    }

    /// Pass 2 for the synapses of the model `name`: a store of that model, filled.
    pub fn fill_plastic(
        &self,
        shape: &PartitionShape,
        name: &str,
        census: Census,
    ) -> Result<Box<dyn PlasticStore>, BuildError> {
        let mut counts = census.counts;
        for i in 1..counts.len() {
            counts[i] = counts[i]
                .checked_add(counts[i - 1])
                .ok_or(BuildError::TooManySynapses)?;
        }
        let spec = self
            .statements
            .iter()
            .find_map(|s| s.synapse().filter(|m| m.name() == name))
            .expect("a model of these statements");
        let mut store = spec.0.new_store();
        let mut cursor = counts.clone();
        store.allocate(counts);
        self.for_each(
            shape,
            Which::Model(name),
            &mut |k, source, cell, given, _, delay| {
                let i = cursor[source as usize] as usize;
                cursor[source as usize] += 1;
                let spec = self.statements[k].synapse().expect("a model's statement");
                store.put(i, cell, delay as u16, given, spec.0.as_ref());
            },
        )?;
        Ok(store)
    }
}
