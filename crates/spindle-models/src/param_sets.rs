//! Per-neuron parameters without per-neuron copies: a chunk's table of distinct parameter sets.
//!
//! NEST keeps `P_` (and the derived `V_`) in every node, so `SetStatus` on one neuron changes
//! that neuron alone. A chunk of spindle neurons almost always shares one parameter set, and
//! its update loop is fastest when the constants are loop invariants. [`ParamSets`] keeps both:
//! a small table of distinct `(Params, Derived)` pairs and one `u32` index per neuron — the
//! same idea as the synapse store's table of distinct (weight, delay) pairs. While the table
//! has one entry ([`ParamSets::uniform`]) a model runs its original loop with hoisted
//! constants; otherwise it looks the constants up per neuron.
//!
//! Changing one neuron's parameters ([`ParamSets::assign`]) reuses an equal set if there is one
//! and drops sets that no neuron uses any more, so that setting every neuron to the same new
//! value brings the chunk back to one set (and to the fast path). Equal sets are found by a
//! hash of their `Debug` text (parameters hold floats, which have no `Hash`), so giving 10⁶
//! neurons their own drawn parameters costs linear time.

use spindle_core::time::TimeGrid;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// The distinct parameter sets of a chunk, their derived constants, and which set each neuron
/// uses.
#[derive(Clone, Debug)]
pub(crate) struct ParamSets<P, D> {
    params: Vec<P>,
    /// `derived[k]` belongs to `params[k]`; valid once a grid is known.
    derived: Vec<D>,
    /// How many neurons use each set.
    users: Vec<usize>,
    /// The set of each neuron.
    index: Vec<u32>,
    /// The grid of the last `prepare`, so that a set added later gets its constants at once.
    grid: Option<TimeGrid>,
    derive: fn(&P, &TimeGrid) -> D,
    /// The live sets by [`fingerprint`].
    lookup: HashMap<u64, Vec<u32>>,
    /// Sets no neuron uses any more, to be reused or compacted away.
    free: Vec<u32>,
}

fn fingerprint<P: std::fmt::Debug>(p: &P) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{p:?}").hash(&mut h);
    h.finish()
}

impl<P: Clone + PartialEq + std::fmt::Debug, D: Default> ParamSets<P, D> {
    /// `n` neurons sharing `p`; `derive` computes a set's constants for a grid (NEST's
    /// `pre_run_hook`).
    pub fn new(p: &P, n: usize, derive: fn(&P, &TimeGrid) -> D) -> ParamSets<P, D> {
        ParamSets {
            params: vec![p.clone()],
            derived: vec![D::default()],
            users: vec![n],
            index: vec![0; n],
            grid: None,
            derive,
            lookup: HashMap::from([(fingerprint(p), vec![0])]),
            free: Vec::new(),
        }
    }

    /// Recompute every set's derived constants for `grid`.
    pub fn prepare(&mut self, grid: &TimeGrid) {
        self.grid = Some(*grid);
        self.derived = self.params.iter().map(|p| (self.derive)(p, grid)).collect();
    }

    /// Whether `prepare` has run.
    pub fn is_prepared(&self) -> bool {
        self.grid.is_some()
    }

    /// The one set every neuron uses, if they all share one.
    pub fn uniform(&self) -> Option<(&P, &D)> {
        (self.params.len() == 1).then(|| (&self.params[0], &self.derived[0]))
    }

    /// The parameters of neuron `i`.
    pub fn params(&self, i: usize) -> &P {
        &self.params[self.index[i] as usize]
    }

    /// The derived constants of neuron `i`.
    pub fn derived(&self, i: usize) -> &D {
        &self.derived[self.index[i] as usize]
    }

    /// The set index of every neuron (into [`ParamSets::sets`]).
    pub fn index(&self) -> &[u32] {
        &self.index
    }

    /// The derived constants of every set, in index order.
    pub fn derived_table(&self) -> &[D] {
        &self.derived
    }

    /// The number of distinct sets.
    #[cfg(test)]
    pub fn n_sets(&self) -> usize {
        self.params.len() - self.free.len()
    }

    /// Give neuron `i` the (already validated) parameters `p`: an equal set is shared, a new one
    /// appended (with its constants if the grid is known), and a set left without neurons is
    /// dropped.
    pub fn assign(&mut self, i: usize, p: P) {
        let old = self.index[i] as usize;
        if self.params[old] == p {
            return;
        }
        let key = fingerprint(&p);
        let found = self.lookup.get(&key).and_then(|ks| {
            ks.iter()
                .map(|&k| k as usize)
                .find(|&k| self.params[k] == p)
        });
        let new = match found {
            Some(k) => k,
            None => {
                let d = match &self.grid {
                    Some(grid) => (self.derive)(&p, grid),
                    None => D::default(),
                };
                let k = match self.free.pop() {
                    Some(k) => {
                        let k = k as usize;
                        self.params[k] = p;
                        self.derived[k] = d;
                        k
                    }
                    None => {
                        self.params.push(p);
                        self.derived.push(d);
                        self.users.push(0);
                        self.params.len() - 1
                    }
                };
                self.lookup.entry(key).or_default().push(k as u32);
                k
            }
        };
        self.index[i] = new as u32;
        self.users[new] += 1;
        self.users[old] -= 1;
        if self.users[old] == 0 {
            self.retire(old);
        }
    }

    /// Set `k` has no neuron left: forget it, and compact the table once the unused sets
    /// outnumber the live ones or one live set is left (the update loops' fast path wants a
    /// table of exactly one set).
    fn retire(&mut self, k: usize) {
        let key = fingerprint(&self.params[k]);
        if let Some(ks) = self.lookup.get_mut(&key) {
            ks.retain(|&x| x as usize != k);
            if ks.is_empty() {
                self.lookup.remove(&key);
            }
        }
        self.free.push(k as u32);
        let live = self.params.len() - self.free.len();
        if live == 1 || self.free.len() > live.max(16) {
            self.compact();
        }
    }

    /// Drop the unused sets, keeping the live ones in order, and renumber the neurons' sets.
    fn compact(&mut self) {
        let mut renumber = vec![u32::MAX; self.params.len()];
        let mut kept = 0usize;
        for (k, slot) in renumber.iter_mut().enumerate() {
            if self.users[k] > 0 {
                *slot = kept as u32;
                if kept != k {
                    self.params.swap(kept, k);
                    self.derived.swap(kept, k);
                    self.users.swap(kept, k);
                }
                kept += 1;
            }
        }
        self.params.truncate(kept);
        self.derived.truncate(kept);
        self.users.truncate(kept);
        for x in &mut self.index {
            *x = renumber[*x as usize];
        }
        self.free.clear();
        self.lookup.clear();
        for (k, p) in self.params.iter().enumerate() {
            self.lookup
                .entry(fingerprint(p))
                .or_default()
                .push(k as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derive(p: &f64, grid: &TimeGrid) -> f64 {
        p * grid.h()
    }

    #[test]
    fn sets_are_shared_added_and_dropped() {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        let mut s = ParamSets::new(&1.0, 4, derive);
        s.prepare(&grid);
        assert!(s.uniform().is_some());
        s.assign(1, 2.0);
        s.assign(3, 2.0);
        assert_eq!((s.n_sets(), s.index()), (2, &[0, 1, 0, 1][..]));
        assert_eq!(
            *s.derived(3),
            2.0 * 0.1,
            "a set added after prepare has its constants"
        );
        s.assign(0, 2.0);
        s.assign(2, 2.0);
        assert_eq!(s.n_sets(), 1, "the unused set is dropped");
        assert_eq!(s.uniform().map(|(p, _)| *p), Some(2.0));
        assert_eq!(s.index(), &[0, 0, 0, 0]);
        s.assign(2, 3.0);
        s.assign(1, 4.0);
        s.assign(2, 2.0);
        assert_eq!(s.n_sets(), 2);
        assert_eq!((*s.params(1), *s.params(2)), (4.0, 2.0));
    }

    #[test]
    fn many_distinct_sets_share_equal_ones_and_compact_back_to_one() {
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        let n = 20_000;
        let mut s = ParamSets::new(&0.0, n, derive);
        s.prepare(&grid);
        for i in 0..n {
            s.assign(i, (i % 5000) as f64 + 1.0);
        }
        assert_eq!(s.n_sets(), 5000);
        for i in 0..n {
            assert_eq!(*s.params(i), (i % 5000) as f64 + 1.0);
            assert_eq!(*s.derived(i), s.params(i) * 0.1);
        }
        for i in 0..n {
            s.assign(i, 7.0);
        }
        assert_eq!(s.n_sets(), 1, "compacted to the fast path");
        assert!(s.uniform().is_some());
    }
}
