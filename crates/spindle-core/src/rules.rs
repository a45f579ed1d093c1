//! Connection rules (NEST's `conn_spec`, spec §6) and the synapse parameters they draw.
//!
//! A rule statement (`pre`, `post`, rule, synapse spec) is stored as it is given and expanded
//! into connections only when the network is built, by each partition for its own targets —
//! twice, once to count and once to fill (see `connectome.rs`). Expansion must therefore be a
//! pure function of (seed, statement, target): every random draw comes from a stream keyed by
//! the statement index and the target id (rules that draw per target) or the source id
//! (`fixed_outdegree`) or the statement alone (`fixed_total_number`), never by thread. The
//! rules that connect both ways (`symmetric_pairwise_bernoulli`, `make_symmetric`) give a
//! partition the ways back of the pairs drawn for other targets too: the symmetric rule
//! replays every target's draws in every partition and keeps the connections into its own. The
//! connections — and so the results — are the same for any thread count; they are a different
//! realisation from NEST's, with the same statistics. Weights and delays are NEST parameters
//! (`parameter.rs`: constants, distributions, expressions), drawn delay first, then weight, as
//! NEST orders them.

use crate::error::Rejection;
use crate::parameter::{qualify, Parameter};
use crate::params::ParamError;
use crate::rng::{self, below, uniform};
use crate::time::{Step, TimeGrid};
use rand_chacha::ChaCha8Rng;
use std::fmt;
use std::sync::Arc;

/// Domain tag of connection-building streams.
pub const DOMAIN_CONNECT: u32 = 0x434f_4e4e;

/// An ordered set of node ids: the concatenation of id ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSet {
    /// (first id, count), in order.
    ranges: Vec<(u32, u32)>,
    /// Cumulative counts before each range.
    starts: Vec<usize>,
    len: usize,
}

impl NodeSet {
    pub fn new() -> NodeSet {
        NodeSet::default()
    }

    /// Append the ids `first .. first + count`.
    pub fn push_range(&mut self, first: u32, count: u32) {
        if count == 0 {
            return;
        }
        self.starts.push(self.len);
        self.ranges.push((first, count));
        self.len += count as usize;
    }

    /// Append one id: extends the last range when `id` follows it, so an explicit list of
    /// ids (NEST's `connect_arrays`, in any order and with repeats) is stored as its runs.
    pub fn push_id(&mut self, id: u32) {
        match self.ranges.last_mut() {
            Some((first, count)) if *first + *count == id => {
                *count += 1;
                self.len += 1;
            }
            _ => self.push_range(id, 1),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `i`-th id.
    #[inline]
    pub fn get(&self, i: usize) -> u32 {
        let r = self.starts.partition_point(|&s| s <= i) - 1;
        self.ranges[r].0 + (i - self.starts[r]) as u32
    }

    /// The position of `id`, if it is in the set (the first position if it is there twice).
    pub fn position(&self, id: u32) -> Option<usize> {
        self.ranges
            .iter()
            .zip(&self.starts)
            .find(|((first, count), _)| id >= *first && id < first + count)
            .map(|((first, _), start)| start + (id - first) as usize)
    }

    pub fn contains(&self, id: u32) -> bool {
        self.position(id).is_some()
    }

    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.ranges.iter().flat_map(|&(f, c)| f..f + c)
    }
}

/// A connection rule with its parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    AllToAll,
    OneToOne,
    FixedIndegree(u64),
    FixedOutdegree(u64),
    PairwiseBernoulli(f64),
    FixedTotalNumber(u64),
    /// NEST's `symmetric_pairwise_bernoulli`: each target draws a number of distinct sources
    /// from a binomial distribution truncated below the number of sources, and every drawn
    /// pair is connected both ways (so a pair drawn from both ends is a multapse).
    SymmetricPairwiseBernoulli(f64),
    /// NEST's `pairwise_poisson`: each (source, target) pair is connected a Poisson-distributed
    /// number of times with the given mean (`pairwise_avg_num_conns`).
    PairwisePoisson(f64),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::AllToAll => write!(f, "all_to_all"),
            Rule::OneToOne => write!(f, "one_to_one"),
            Rule::FixedIndegree(k) => write!(f, "fixed_indegree (indegree = {k})"),
            Rule::FixedOutdegree(k) => write!(f, "fixed_outdegree (outdegree = {k})"),
            Rule::PairwiseBernoulli(p) => write!(f, "pairwise_bernoulli (p = {p})"),
            Rule::FixedTotalNumber(n) => write!(f, "fixed_total_number (N = {n})"),
            Rule::SymmetricPairwiseBernoulli(p) => {
                write!(f, "symmetric_pairwise_bernoulli (p = {p})")
            }
            Rule::PairwisePoisson(a) => {
                write!(f, "pairwise_poisson (pairwise_avg_num_conns = {a})")
            }
        }
    }
}

/// NEST's `conn_spec`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConnSpec {
    pub rule: Rule,
    pub allow_autapses: bool,
    pub allow_multapses: bool,
    /// NEST's `make_symmetric`: `one_to_one` also connects every target back to its source
    /// (after all forward connections, with the same parameters); required by
    /// `symmetric_pairwise_bernoulli`, refused by the other rules.
    pub make_symmetric: bool,
}

/// NEST's `syn_spec` for `static_synapse`; the delay is in ms.
#[derive(Clone, Debug, PartialEq)]
pub struct SynSpec {
    pub weight: Parameter,
    pub delay_ms: Parameter,
    pub receptor: i64,
    /// `receptor_type` drawn per connection from a NEST parameter (NEST's `value_int`, after
    /// the delay and the weight), replacing `receptor`; each drawn receptor is checked
    /// against its target when the statement is built.
    pub receptor_drawn: Option<Parameter>,
    /// The synapse model with its parameters; `None`: `static_synapse`.
    pub model: Option<crate::synapse::SynapseSpec>,
}

/// Per-connection values of a `syn_spec` (NEST's parameter arrays), flattened in NEST's
/// order: `one_to_one` one value per (pre, post) pair; `all_to_all` row-major
/// (len(post) × len(pre)); `fixed_indegree` (len(post) × indegree); `fixed_outdegree`
/// (len(pre) × outdegree); `fixed_total_number` one per connection. A key given here replaces
/// the [`SynSpec`]'s parameter of that key. Values of connections that are not made (an
/// autapse `all_to_all` skips) are skipped with them, as in NEST, so a value always lands on
/// the connection of its position whatever the partitioning.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SynArrays {
    pub weight: Option<Arc<[f64]>>,
    pub delay_ms: Option<Arc<[f64]>>,
    pub receptor: Option<Arc<[i64]>>,
}

impl SynArrays {
    pub fn is_empty(&self) -> bool {
        self.weight.is_none() && self.delay_ms.is_none() && self.receptor.is_none()
    }

    /// The lengths of the given arrays, with their keys.
    fn lengths(&self) -> Vec<(&'static str, usize)> {
        let mut v = Vec::new();
        if let Some(w) = &self.weight {
            v.push(("weight", w.len()));
        }
        if let Some(d) = &self.delay_ms {
            v.push(("delay", d.len()));
        }
        if let Some(r) = &self.receptor {
            v.push(("receptor_type", r.len()));
        }
        v
    }
}

/// A stored rule statement.
#[derive(Clone, Debug)]
pub struct RuleStatement {
    pub pre: NodeSet,
    pub post: NodeSet,
    pub conn: ConnSpec,
    pub syn: SynSpec,
    /// Per-connection values that replace `syn`'s parameters (empty: none).
    pub arrays: SynArrays,
    /// Index of the statement in the network, keys its random streams.
    pub index: u32,
    /// The kernel's `rng_seed` when the statement was made (NEST draws a connection's
    /// randomness at `Connect`, so a seed set afterwards does not change it): the seed that
    /// the front ends pass to [`RuleStatement::expand`].
    pub seed: u64,
}

impl RuleStatement {
    /// The receptor types the statement uses, each once (none where they are drawn).
    pub fn receptors(&self) -> Vec<i64> {
        let mut v = match (&self.arrays.receptor, &self.syn.receptor_drawn) {
            (Some(r), _) => r.to_vec(),
            (None, Some(_)) => Vec::new(),
            (None, None) => vec![self.syn.receptor],
        };
        v.sort_unstable();
        v.dedup();
        v
    }

    /// A weight of the statement to check the target model against, and whether some weight
    /// may be negative.
    pub fn weight_extent(&self) -> (f64, bool) {
        match &self.arrays.weight {
            Some(w) => (
                w.first().copied().unwrap_or(1.0),
                w.iter().any(|&x| x < 0.0),
            ),
            None => (self.syn.weight.typical(), self.syn.weight.may_be_negative()),
        }
    }
}

/// Why a statement could not be expanded.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpandError {
    pub statement: u32,
    pub reason: Rejection,
}

/// Checks that need no random draws, made when the statement is given.
pub fn check_statement(s: &RuleStatement, grid: &TimeGrid) -> Result<(), Rejection> {
    let refuse = |message: String| Rejection::bad_property(message);
    let (n_pre, n_post) = (s.pre.len() as u64, s.post.len() as u64);
    match s.conn.rule {
        Rule::OneToOne if n_pre != n_post => {
            return Err(Rejection::new("DimensionMismatch", format!(
                "one_to_one needs source and target populations of the same size ({n_pre} sources, {n_post} targets)"
            )))
        }
        Rule::FixedIndegree(k) if !s.conn.allow_multapses && k > n_pre => {
            return Err(refuse(format!(
                "indegree = {k}: Indegree cannot be larger than population size ({n_pre} sources, allow_multapses = false)."
            )))
        }
        Rule::FixedOutdegree(k) if !s.conn.allow_multapses && k > n_post => {
            return Err(refuse(format!(
                "outdegree = {k}: Outdegree cannot be larger than population size ({n_post} targets, allow_multapses = false)."
            )))
        }
        Rule::FixedIndegree(k) if k > 0 && n_pre == 0 => {
            return Err(refuse(format!("indegree = {k}: there are no sources")))
        }
        Rule::FixedOutdegree(k) if k > 0 && n_post == 0 => {
            return Err(refuse(format!("outdegree = {k}: there are no targets")))
        }
        Rule::FixedTotalNumber(n) if n > 0 && (n_pre == 0 || n_post == 0) => {
            return Err(refuse(format!("N = {n}: there are no sources or no targets")))
        }
        Rule::FixedTotalNumber(_) if !s.conn.allow_multapses => {
            return Err(Rejection::new(
                "NotImplemented",
                "fixed_total_number does not support allow_multapses = false (as in NEST)",
            ))
        }
        Rule::PairwiseBernoulli(p) if !(0.0..=1.0).contains(&p) => {
            return Err(refuse(format!("p = {p:?}: the connection probability must be within [0, 1]")))
        }
        Rule::SymmetricPairwiseBernoulli(p) if !(0.0..1.0).contains(&p) => {
            return Err(refuse(format!("p = {p:?}: Connection probability 0 <= p < 1 required.")))
        }
        Rule::SymmetricPairwiseBernoulli(_) if !s.conn.allow_multapses => {
            return Err(refuse("allow_multapses = false: Multapses must be enabled.".into()))
        }
        Rule::SymmetricPairwiseBernoulli(_) if s.conn.allow_autapses => {
            return Err(refuse("allow_autapses = true: Autapses must be disabled.".into()))
        }
        Rule::SymmetricPairwiseBernoulli(_) if !s.conn.make_symmetric => {
            return Err(refuse("make_symmetric = false: Symmetric connections must be enabled.".into()))
        }
        Rule::PairwisePoisson(a) if a.is_nan() || a < 0.0 => {
            return Err(refuse(format!("pairwise_avg_num_conns = {a:?}: Connection parameter 0 ≤ pairwise_avg_num_conns required.")))
        }
        Rule::PairwisePoisson(_) if !s.conn.allow_multapses => {
            return Err(refuse("allow_multapses = false: Multapses must be allowed for this connection rule.".into()))
        }
        _ => {}
    }
    if s.conn.make_symmetric {
        if !matches!(
            s.conn.rule,
            Rule::OneToOne | Rule::SymmetricPairwiseBernoulli(_)
        ) {
            return Err(Rejection::new(
                "NotImplemented",
                format!("make_symmetric = true: This connection rule ({}) does not support symmetric connections.", s.conn.rule),
            ));
        }
        // NEST replays the parameters for the way back (`reset`), which random ones cannot.
        for (key, p) in [("weight", &s.syn.weight), ("delay", &s.syn.delay_ms)] {
            if p.is_random() {
                return Err(Rejection::new(
                    "NotImplemented",
                    format!("{key}: Symmetric connections require parameters that can be reset."),
                ));
            }
        }
    }
    if !s.arrays.is_empty() {
        let expected = match s.conn.rule {
            Rule::OneToOne => Some(n_pre),
            Rule::AllToAll => Some(n_pre * n_post),
            Rule::FixedIndegree(k) => Some(n_post * k),
            Rule::FixedOutdegree(k) => Some(n_pre * k),
            Rule::FixedTotalNumber(n) => Some(n),
            Rule::PairwiseBernoulli(_)
            | Rule::SymmetricPairwiseBernoulli(_)
            | Rule::PairwisePoisson(_) => None,
        };
        for (key, len) in s.arrays.lengths() {
            match expected {
                None => {
                    return Err(Rejection::new("TypeError", format!(
                        "{key}: parameter arrays can only be used with the rules one_to_one, all_to_all, fixed_indegree, fixed_outdegree and fixed_total_number"
                    )))
                }
                Some(n) if n != len as u64 => {
                    return Err(refuse(format!(
                        "{key}: {len} values given, {} needs one per connection ({n})",
                        s.conn.rule
                    )))
                }
                _ => {}
            }
        }
        if let Some(d) = &s.arrays.delay_ms {
            if let Some(&bad) = d
                .iter()
                .find(|&&d| !d.is_finite() || grid.delay_to_steps(d) < 1)
            {
                return Err(Rejection::new("BadDelay", format!(
                    "delay = {bad:?}: delay must be greater than or equal to the resolution ({} ms)",
                    grid.h()
                )));
            }
            if let Some(&bad) = d
                .iter()
                .find(|&&d| grid.delay_to_steps(d) > crate::network::MAX_DELAY_STEPS)
            {
                return Err(refuse(format!(
                    "delay = {bad:?}: exceeds the largest supported delay ({} ms)",
                    grid.step_to_ms(crate::network::MAX_DELAY_STEPS)
                )));
            }
        }
        if let Some(w) = &s.arrays.weight {
            if let Some(&bad) = w.iter().find(|w| !w.is_finite()) {
                return Err(refuse(format!(
                    "weight = {bad:?}: the weight must be finite"
                )));
            }
        }
    }
    // Parameters read from a scenario or from Python are checked already; this catches
    // ones built directly. The message starts with `delay = …` / `weight = …`.
    for (key, p) in [("delay", &s.syn.delay_ms), ("weight", &s.syn.weight)] {
        p.validate().map_err(|e| qualify(e, key).rejection())?;
    }
    // A delay every draw must exceed: a constant, or a lower bound that draws reach (a
    // uniform distribution's min, …). Tails (normal, log-normal) are checked per draw.
    if let Some(d) = s.syn.delay_ms.attained_minimum() {
        if !d.is_finite() || grid.delay_to_steps(d) < 1 {
            return Err(Rejection::new(
                "BadDelay",
                format!(
                    "delay = {d:?}: delay must be greater than or equal to the resolution ({} ms)",
                    grid.h()
                ),
            ));
        }
    }
    if let Some(w) = s.syn.weight.constant() {
        if !w.is_finite() {
            return Err(refuse(format!("weight = {w:?}: the weight must be finite")));
        }
    }
    Ok(())
}

/// A set of flags over `0 .. n` that can be cleared in time proportional to what was set.
struct Marks {
    bits: Vec<bool>,
    set: Vec<usize>,
}

impl Marks {
    fn new(n: usize) -> Marks {
        Marks {
            bits: vec![false; n],
            set: Vec::new(),
        }
    }

    /// Mark `i`; false if it was marked already.
    fn insert(&mut self, i: usize) -> bool {
        if self.bits[i] {
            return false;
        }
        self.bits[i] = true;
        self.set.push(i);
        true
    }

    fn clear(&mut self) {
        for &i in &self.set {
            self.bits[i] = false;
        }
        self.set.clear();
    }
}

impl RuleStatement {
    /// Every connection of this statement whose target satisfies `owns`, as
    /// `emit(source, target, weight, delay_steps)`, in a fixed order that depends only on the
    /// statement (not on `owns`).
    pub fn expand(
        &self,
        seed: u64,
        grid: &TimeGrid,
        owns: &dyn Fn(u32) -> bool,
        emit: &mut dyn FnMut(u32, u32, f64, Step),
    ) -> Result<(), ExpandError> {
        self.expand_with_receptor(seed, grid, owns, &mut |s, t, w, d, _| emit(s, t, w, d))
    }

    /// As [`RuleStatement::expand`], with each connection's receptor type as the last
    /// argument (`receptor_type`, its value in the statement's arrays, see [`SynArrays`], or
    /// its draw).
    pub fn expand_with_receptor(
        &self,
        seed: u64,
        grid: &TimeGrid,
        owns: &dyn Fn(u32) -> bool,
        emit: &mut dyn FnMut(u32, u32, f64, Step, i64),
    ) -> Result<(), ExpandError> {
        let err = |message: String| ExpandError {
            statement: self.index,
            reason: Rejection::bad_property(message),
        };
        let failed = |key: &str, e: ParamError| ExpandError {
            statement: self.index,
            reason: Rejection::new(e.nest_kind(), format!("{key}: {}", e.nest_message())),
        };
        let syn = &self.syn;
        let arrays = &self.arrays;
        let autapses = self.conn.allow_autapses;
        // Draws the delay (first) and weight of the connection at array position `k`, as NEST
        // orders them; a key given as an array is read from it instead and draws nothing.
        let params = |r: &mut ChaCha8Rng, k: usize| -> Result<(f64, Step, i64), ExpandError> {
            let d_ms = match &arrays.delay_ms {
                Some(a) => a[k],
                None => syn.delay_ms.sample(r).map_err(|e| failed("delay", e))?,
            };
            let w = match &arrays.weight {
                Some(a) => a[k],
                None => syn.weight.sample(r).map_err(|e| failed("weight", e))?,
            };
            let d = grid.delay_to_steps(d_ms);
            if !(d_ms.is_finite() && d >= 1) {
                return Err(ExpandError {
                    statement: self.index,
                    reason: Rejection::new(
                        "BadDelay",
                        format!(
                            "a drawn delay of {d_ms:?} ms is shorter than the resolution ({} ms)",
                            grid.h()
                        ),
                    ),
                });
            }
            if d > crate::network::MAX_DELAY_STEPS {
                return Err(err(format!(
                    "a drawn delay of {d_ms:?} ms exceeds the largest supported delay ({} ms)",
                    grid.step_to_ms(crate::network::MAX_DELAY_STEPS)
                )));
            }
            let receptor = match (&arrays.receptor, &syn.receptor_drawn) {
                (Some(a), _) => a[k],
                (None, Some(p)) => {
                    let v = p.sample(r).map_err(|e| failed("receptor_type", e))?;
                    // NEST takes an integer parameter's value as a long.
                    if v.fract() != 0.0 || !v.is_finite() {
                        return Err(ExpandError {
                            statement: self.index,
                            reason: Rejection::new(
                                "TypeMismatch",
                                format!("receptor_type: a drawn receptor type of {v:?} is not an integer"),
                            ),
                        });
                    }
                    v as i64
                }
                (None, None) => syn.receptor,
            };
            Ok((w, d, receptor))
        };
        let stream = |id: u32| rng::stream(seed, DOMAIN_CONNECT, self.index, id, 0);
        let (pre, post) = (&self.pre, &self.post);
        match self.conn.rule {
            Rule::AllToAll => {
                let n_pre = pre.len();
                for (j, t) in post.iter().enumerate().filter(|&(_, t)| owns(t)) {
                    let mut r = stream(t);
                    for (i, s) in pre.iter().enumerate() {
                        if autapses || s != t {
                            let k = j * n_pre + i;
                            let (w, d, rc) = params(&mut r, k)?;
                            emit(s, t, w, d, rc);
                        }
                    }
                }
            }
            Rule::OneToOne => {
                for i in 0..post.len() {
                    let (s, t) = (pre.get(i), post.get(i));
                    if owns(t) && (autapses || s != t) {
                        let (w, d, rc) = params(&mut stream(t), i)?;
                        emit(s, t, w, d, rc);
                    }
                }
                // NEST connects the way back after all forward connections, with the same
                // parameters (they are constants or arrays, see `check_statement`).
                if self.conn.make_symmetric {
                    for i in 0..post.len() {
                        let (s, t) = (post.get(i), pre.get(i));
                        if owns(t) && (autapses || s != t) {
                            let (w, d, rc) = params(&mut stream(t), i)?;
                            emit(s, t, w, d, rc);
                        }
                    }
                }
            }
            Rule::PairwiseBernoulli(p) => {
                for t in post.iter().filter(|&t| owns(t)) {
                    let mut r = stream(t);
                    for s in pre.iter() {
                        if (autapses || s != t) && uniform(&mut r) < p {
                            let (w, d, rc) = params(&mut r, 0)?;
                            emit(s, t, w, d, rc);
                        }
                    }
                }
            }
            Rule::PairwisePoisson(mean) => {
                for t in post.iter().filter(|&t| owns(t)) {
                    let mut r = stream(t);
                    for s in pre.iter().filter(|&s| autapses || s != t) {
                        for _ in 0..rng::poisson(&mut r, mean) {
                            let (w, d, rc) = params(&mut r, 0)?;
                            emit(s, t, w, d, rc);
                        }
                    }
                }
            }
            Rule::SymmetricPairwiseBernoulli(p) => {
                // Every partition replays every target's draws: the connections into `x`
                // are those drawn for `x` and the ways back of pairs where `x` was drawn.
                let n_pre = pre.len() as u64;
                let mut marks = Marks::new(pre.len());
                for t in post.iter() {
                    let mut r = stream(t);
                    // NEST's binomial indegree, truncated below the number of sources.
                    let indegree = loop {
                        let k = (0..n_pre).filter(|_| uniform(&mut r) < p).count() as u64;
                        if k < n_pre {
                            break k;
                        }
                    };
                    let mut chosen = 0;
                    while chosen < indegree {
                        let i = below(&mut r, n_pre) as usize;
                        let s = pre.get(i);
                        if s == t || !marks.insert(i) {
                            continue;
                        }
                        chosen += 1;
                        let (w, d, rc) = params(&mut r, 0)?;
                        if owns(t) {
                            emit(s, t, w, d, rc);
                        }
                        if owns(s) {
                            emit(t, s, w, d, rc);
                        }
                    }
                    marks.clear();
                }
            }
            Rule::FixedIndegree(k) => {
                let n_pre = pre.len() as u64;
                let mut marks = (!self.conn.allow_multapses).then(|| Marks::new(pre.len()));
                for (j, t) in post.iter().enumerate().filter(|&(_, t)| owns(t)) {
                    let self_source = !autapses && pre.contains(t);
                    let available = n_pre - u64::from(self_source);
                    if k > 0 && (available == 0 || (marks.is_some() && k > available)) {
                        return Err(err(format!(
                            "indegree = {k}: target {t} has only {available} allowed sources"
                        )));
                    }
                    let mut r = stream(t);
                    for c in 0..k {
                        let s = loop {
                            let i = below(&mut r, n_pre) as usize;
                            let s = pre.get(i);
                            if !autapses && s == t {
                                continue;
                            }
                            if let Some(m) = marks.as_mut() {
                                if !m.insert(i) {
                                    continue;
                                }
                            }
                            break s;
                        };
                        let at = (j as u64 * k + c) as usize;
                        let (w, d, rc) = params(&mut r, at)?;
                        emit(s, t, w, d, rc);
                    }
                    if let Some(m) = marks.as_mut() {
                        m.clear();
                    }
                }
            }
            Rule::FixedOutdegree(k) => {
                let n_post = post.len() as u64;
                let mut marks = (!self.conn.allow_multapses).then(|| Marks::new(post.len()));
                for (j, s) in pre.iter().enumerate() {
                    let self_target = !autapses && post.contains(s);
                    let available = n_post - u64::from(self_target);
                    if k > 0 && (available == 0 || (marks.is_some() && k > available)) {
                        return Err(err(format!(
                            "outdegree = {k}: source {s} has only {available} allowed targets"
                        )));
                    }
                    let mut r = stream(s);
                    for c in 0..k {
                        let t = loop {
                            let i = below(&mut r, n_post) as usize;
                            let t = post.get(i);
                            if !autapses && s == t {
                                continue;
                            }
                            if let Some(m) = marks.as_mut() {
                                if !m.insert(i) {
                                    continue;
                                }
                            }
                            break t;
                        };
                        // Parameters are drawn whoever owns the target, to keep the stream
                        // the same for every partition.
                        let at = (j as u64 * k + c) as usize;
                        let (w, d, rc) = params(&mut r, at)?;
                        if owns(t) {
                            emit(s, t, w, d, rc);
                        }
                    }
                    if let Some(m) = marks.as_mut() {
                        m.clear();
                    }
                }
            }
            Rule::FixedTotalNumber(n) => {
                let (n_pre, n_post) = (pre.len() as u64, post.len() as u64);
                if n > 0 && !autapses && n_pre == 1 && n_post == 1 && pre.get(0) == post.get(0) {
                    return Err(err(
                        "N > 0 but the only possible connection is an autapse".into()
                    ));
                }
                let mut r = rng::stream(seed, DOMAIN_CONNECT, self.index, u32::MAX, 1);
                for at in 0..n as usize {
                    let (s, t) = loop {
                        let s = pre.get(below(&mut r, n_pre) as usize);
                        let t = post.get(below(&mut r, n_post) as usize);
                        if autapses || s != t {
                            break (s, t);
                        }
                    };
                    let (w, d, rc) = params(&mut r, at)?;
                    if owns(t) {
                        emit(s, t, w, d, rc);
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ranges: &[(u32, u32)]) -> NodeSet {
        let mut s = NodeSet::new();
        for &(f, c) in ranges {
            s.push_range(f, c);
        }
        s
    }

    fn statement(rule: Rule, autapses: bool, multapses: bool) -> RuleStatement {
        RuleStatement {
            pre: set(&[(1, 50), (200, 30)]),
            post: set(&[(1, 50), (100, 20)]),
            conn: ConnSpec {
                rule,
                allow_autapses: autapses,
                allow_multapses: multapses,
                make_symmetric: false,
            },
            syn: SynSpec {
                weight: Parameter::Uniform {
                    min: -1.0,
                    max: 2.0,
                },
                delay_ms: Parameter::Constant(1.5),
                receptor: 0,
                receptor_drawn: None,
                model: None,
            },
            arrays: SynArrays::default(),
            index: 3,
            seed: 9,
        }
    }

    fn all(s: &RuleStatement) -> Vec<(u32, u32, f64, Step)> {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        let mut v = Vec::new();
        s.expand(9, &grid, &|_| true, &mut |a, b, w, d| v.push((a, b, w, d)))
            .unwrap();
        v
    }

    #[test]
    fn node_sets_index_across_ranges() {
        let s = set(&[(5, 3), (20, 2)]);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![5, 6, 7, 20, 21]);
        assert_eq!(
            (0..5).map(|i| s.get(i)).collect::<Vec<_>>(),
            vec![5, 6, 7, 20, 21]
        );
        assert_eq!(s.position(21), Some(4));
        assert_eq!(s.position(8), None);
    }

    #[test]
    fn expansion_restricted_to_some_targets_is_the_restriction_of_the_whole() {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        for rule in [
            Rule::AllToAll,
            Rule::FixedIndegree(7),
            Rule::FixedOutdegree(9),
            Rule::PairwiseBernoulli(0.2),
            Rule::FixedTotalNumber(500),
            Rule::PairwisePoisson(0.4),
            Rule::SymmetricPairwiseBernoulli(0.2),
        ] {
            let mut s = statement(rule, false, !matches!(rule, Rule::FixedIndegree(_)));
            s.conn.make_symmetric = matches!(rule, Rule::SymmetricPairwiseBernoulli(_));
            let whole = all(&s);
            let owns = |t: u32| t % 3 == 1;
            let mut part = Vec::new();
            s.expand(9, &grid, &owns, &mut |a, b, w, d| part.push((a, b, w, d)))
                .unwrap();
            let want: Vec<_> = whole.iter().copied().filter(|c| owns(c.1)).collect();
            assert_eq!(part, want, "{rule}");
            assert!(whole.iter().all(|c| c.0 != c.1), "{rule}: autapse");
        }
    }

    #[test]
    fn fixed_indegree_gives_each_target_k_distinct_sources() {
        let v = all(&statement(Rule::FixedIndegree(40), true, false));
        let post = set(&[(1, 50), (100, 20)]);
        for t in post.iter() {
            let mut sources: Vec<u32> = v.iter().filter(|c| c.1 == t).map(|c| c.0).collect();
            assert_eq!(sources.len(), 40);
            sources.sort_unstable();
            sources.dedup();
            assert_eq!(sources.len(), 40, "multapse at target {t}");
        }
    }

    #[test]
    fn fixed_outdegree_and_total_number_counts() {
        let v = all(&statement(Rule::FixedOutdegree(11), true, true));
        assert_eq!(v.len(), 80 * 11);
        let v = all(&statement(Rule::FixedTotalNumber(1234), true, true));
        assert_eq!(v.len(), 1234);
    }

    #[test]
    fn pairwise_bernoulli_connects_with_probability_p() {
        let v = all(&statement(Rule::PairwiseBernoulli(0.3), true, true));
        let n = 80.0 * 70.0;
        let expected = 0.3 * n;
        let sd = (n * 0.3 * 0.7f64).sqrt();
        assert!(
            (v.len() as f64 - expected).abs() < 4.0 * sd,
            "{} connections",
            v.len()
        );
    }

    /// A statement connecting 60 neurons among themselves with a constant weight.
    fn symmetric(rule: Rule, autapses: bool) -> RuleStatement {
        let mut s = statement(rule, autapses, true);
        s.pre = set(&[(1, 60)]);
        s.post = set(&[(1, 60)]);
        s.conn.make_symmetric = true;
        s.syn.weight = Parameter::Constant(2.5);
        s
    }

    /// How often each (source, target) pair is connected.
    fn multiplicities(v: &[(u32, u32, f64, Step)]) -> std::collections::BTreeMap<(u32, u32), u32> {
        let mut m = std::collections::BTreeMap::new();
        for c in v {
            *m.entry((c.0, c.1)).or_insert(0) += 1;
        }
        m
    }

    #[test]
    fn symmetric_pairwise_bernoulli_connects_both_ways_without_autapses() {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        let s = symmetric(Rule::SymmetricPairwiseBernoulli(0.3), false);
        check_statement(&s, &grid).unwrap();
        let v = all(&s);
        let m = multiplicities(&v);
        for (&(a, b), &n) in &m {
            assert_ne!(a, b, "autapse");
            assert_eq!(m.get(&(b, a)), Some(&n), "{a} -> {b} without its way back");
            assert!(
                n <= 2,
                "{a} -> {b} {n} times: a multapse only comes from both ends"
            );
        }
        // Each target draws Binomial(60, 0.3) sources, each pair connected both ways.
        let (expected, sd) = (
            2.0 * 60.0 * 18.0,
            (2.0 * 2.0 * 60.0 * 60.0 * 0.21f64).sqrt(),
        );
        assert!(
            (v.len() as f64 - expected).abs() < 4.0 * sd,
            "{} connections",
            v.len()
        );
        assert!(v.iter().all(|c| c.2 == 2.5));
    }

    #[test]
    fn pairwise_poisson_connects_each_pair_a_poisson_number_of_times() {
        let v = all(&symmetric_free(Rule::PairwisePoisson(1.5)));
        let pairs: f64 = 60.0 * 59.0;
        let (expected, sd) = (1.5 * pairs, (1.5 * pairs).sqrt());
        assert!(
            (v.len() as f64 - expected).abs() < 4.0 * sd,
            "{} connections",
            v.len()
        );
        assert!(v.iter().all(|c| c.0 != c.1));
        assert!(multiplicities(&v).values().any(|&n| n > 1), "no multapse");
    }

    fn symmetric_free(rule: Rule) -> RuleStatement {
        let mut s = symmetric(rule, false);
        s.conn.make_symmetric = false;
        s
    }

    #[test]
    fn one_to_one_with_make_symmetric_connects_back_after_the_forward_connections() {
        let mut s = statement(Rule::OneToOne, true, true);
        s.pre = set(&[(1, 3)]);
        s.post = set(&[(10, 3)]);
        s.conn.make_symmetric = true;
        s.syn.weight = Parameter::Constant(0.0);
        s.arrays.weight = Some(vec![1.0, 2.0, 3.0].into());
        let got: Vec<(u32, u32, f64)> = all(&s).iter().map(|c| (c.0, c.1, c.2)).collect();
        assert_eq!(
            got,
            [
                (1, 10, 1.0),
                (2, 11, 2.0),
                (3, 12, 3.0),
                (10, 1, 1.0),
                (11, 2, 2.0),
                (12, 3, 3.0)
            ]
        );
    }

    #[test]
    fn symmetric_statements_are_refused_as_nest_refuses_them() {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        let kind = |s: &RuleStatement| check_statement(s, &grid).unwrap_err().kind;
        let p = Rule::SymmetricPairwiseBernoulli(0.3);
        assert_eq!(kind(&symmetric(p, true)), "BadProperty");
        assert_eq!(kind(&symmetric_free(p)), "BadProperty");
        assert_eq!(
            kind(&symmetric(Rule::SymmetricPairwiseBernoulli(1.0), false)),
            "BadProperty"
        );
        let mut s = symmetric(p, false);
        s.conn.allow_multapses = false;
        assert_eq!(kind(&s), "BadProperty");
        assert_eq!(kind(&symmetric(Rule::AllToAll, false)), "NotImplemented");
        assert_eq!(
            kind(&symmetric(Rule::FixedIndegree(3), false)),
            "NotImplemented"
        );
        let mut s = symmetric(Rule::OneToOne, false);
        s.syn.delay_ms = Parameter::Uniform { min: 1.0, max: 2.0 };
        assert_eq!(kind(&s), "NotImplemented");
        assert_eq!(
            kind(&symmetric_free(Rule::PairwisePoisson(-0.5))),
            "BadProperty"
        );
        let mut s = symmetric_free(Rule::PairwisePoisson(0.5));
        s.conn.allow_multapses = false;
        assert_eq!(kind(&s), "BadProperty");
    }

    #[test]
    fn drawn_weights_follow_their_distribution() {
        let v = all(&statement(Rule::AllToAll, true, true));
        assert!(v.iter().all(|c| (-1.0..2.0).contains(&c.2) && c.3 == 15));
        let mean = v.iter().map(|c| c.2).sum::<f64>() / v.len() as f64;
        assert!((mean - 0.5).abs() < 0.05, "mean {mean}");
        let mut s = statement(Rule::AllToAll, true, true);
        s.syn.weight = Parameter::Normal {
            mean: 3.0,
            std: 2.0,
        };
        let v = all(&s);
        let n = v.len() as f64;
        let mean = v.iter().map(|c| c.2).sum::<f64>() / n;
        let var = v.iter().map(|c| (c.2 - mean).powi(2)).sum::<f64>() / (n - 1.0);
        assert!(
            (mean - 3.0).abs() < 0.1 && (var.sqrt() - 2.0).abs() < 0.1,
            "{mean} {var}"
        );
    }

    #[test]
    fn every_parameter_form_draws_weights_and_delays() {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        let mut s = statement(Rule::AllToAll, true, true);
        // Delays of 1 + exponential(0.5), cut at 4 ms; log-normal weights.
        s.syn.delay_ms = Parameter::Redraw {
            param: Box::new(Parameter::Add(
                Box::new(Parameter::Constant(1.0)),
                Box::new(Parameter::Exponential { beta: 0.5 }),
            )),
            min: 0.0,
            max: 4.0,
        };
        s.syn.weight = Parameter::Lognormal {
            mean: 0.0,
            std: 0.5,
        };
        check_statement(&s, &grid).unwrap();
        let v = all(&s);
        assert!(v.iter().all(|c| c.2 > 0.0 && (10..=40).contains(&c.3)));
        let n = v.len() as f64;
        let mean_w = v.iter().map(|c| c.2).sum::<f64>() / n;
        // Five standard errors: sd √((e^0.25 − 1)·e^0.25) ≈ 0.60 over 5600 connections.
        assert!(
            (mean_w - 0.125f64.exp()).abs() < 0.04,
            "mean weight {mean_w}"
        );
        // Mean of 1 + exponential(0.5) cut at 4 ms, in steps (rounded), about 15.
        let mean_d = v.iter().map(|c| c.3 as f64).sum::<f64>() / n;
        assert!((mean_d - 15.0).abs() < 0.5, "mean delay {mean_d}");
    }

    #[test]
    fn bad_parameters_are_refused_naming_delay_or_weight() {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        // A lower bound that draws reach is checked before expansion ...
        let mut s = statement(Rule::AllToAll, true, true);
        s.syn.delay_ms = Parameter::Exponential { beta: 1.0 };
        let e = check_statement(&s, &grid).unwrap_err();
        assert_eq!(e.kind, "BadDelay");
        assert!(e.message.starts_with("delay = 0.0: "), "{e}");
        // ... arguments as NEST checks them ...
        s.syn.delay_ms = Parameter::Constant(1.0);
        s.syn.weight = Parameter::Normal {
            mean: 1.0,
            std: 0.0,
        };
        let e = check_statement(&s, &grid).unwrap_err();
        assert_eq!(e.kind, "BadProperty");
        assert!(
            e.message.starts_with("nest::NormalParameter: std > 0"),
            "{e}"
        );
        // ... and a redraw that gives up fails the expansion with NEST's KernelException.
        s.syn.weight = Parameter::Redraw {
            param: Box::new(Parameter::Uniform { min: 0.0, max: 1.0 }),
            min: 5.0,
            max: 6.0,
        };
        check_statement(&s, &grid).unwrap();
        let e = s
            .expand(9, &grid, &|_| true, &mut |_, _, _, _| {})
            .unwrap_err();
        assert_eq!(e.statement, 3);
        assert_eq!(e.reason.kind, "KernelException");
        assert_eq!(
            e.reason.message,
            "weight: Number of redraws exceeded limit of 1000"
        );
    }

    #[test]
    fn impossible_statements_are_rejected_before_expansion() {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        let s = statement(Rule::FixedIndegree(81), true, false);
        assert!(check_statement(&s, &grid)
            .unwrap_err()
            .message
            .contains("indegree = 81"));
        let s = statement(Rule::PairwiseBernoulli(1.5), true, true);
        assert!(check_statement(&s, &grid)
            .unwrap_err()
            .message
            .contains("p = 1.5"));
        let mut s = statement(Rule::AllToAll, true, true);
        s.syn.delay_ms = Parameter::Uniform {
            min: 0.01,
            max: 2.0,
        };
        assert_eq!(check_statement(&s, &grid).unwrap_err().kind, "BadDelay");
        let s = statement(Rule::OneToOne, true, true);
        assert_eq!(
            check_statement(&s, &grid).unwrap_err().kind,
            "DimensionMismatch"
        );
    }
}
