//! How the processes (ranks) of one simulation talk to each other: the one small interface the
//! kernel uses for everything that crosses a process boundary, modelled on Arbor's
//! `distributed_context`. [`Local`] is the single-process implementation and the default; the
//! crate `spindle-mpi` implements it with MPI (behind its `mpi` feature), so that the kernel
//! knows nothing of MPI and builds everywhere.
//!
//! Every call is collective: all ranks make the same calls in the same order. Data crosses as
//! 64-bit words, so that no implementation needs to know the kernel's types (a spike is three
//! words, see `partition::SpikeEvent`).

use std::fmt::Debug;

/// The collective operations of a distributed run.
pub trait Communicator: Send + Sync + Debug {
    /// This process's rank, `0..size()`.
    fn rank(&self) -> usize;

    /// The number of ranks.
    fn size(&self) -> usize;

    /// Every rank's `local` words, concatenated in rank order (`MPI_Allgatherv`).
    fn all_gather(&self, local: &[u64]) -> Vec<u64>;

    /// Every rank's `local` words, one vector per rank, on rank 0; `None` on the others
    /// (`MPI_Gatherv`).
    fn gather_to_root(&self, local: &[u64]) -> Option<Vec<Vec<u64>>>;

    /// The sum over ranks (`MPI_Allreduce` with `MPI_SUM`).
    fn sum(&self, x: u64) -> u64;

    /// The minimum over ranks.
    fn min(&self, x: i64) -> i64;

    /// The maximum over ranks.
    fn max(&self, x: i64) -> i64;

    /// Whether any rank passes `true` (a halt or a stop request on one rank ends the run on
    /// all of them at the same slice).
    fn any(&self, flag: bool) -> bool {
        self.sum(u64::from(flag)) > 0
    }

    /// Wait for every rank.
    fn barrier(&self);

    /// End every rank at once with exit status `code` (`MPI_Abort`): a rank that fails must not
    /// leave the others waiting in a collective.
    fn abort(&self, code: i32) -> !;
}

/// One process: every collective is the identity.
#[derive(Clone, Copy, Debug, Default)]
pub struct Local;

impl Communicator for Local {
    fn rank(&self) -> usize {
        0
    }

    fn size(&self) -> usize {
        1
    }

    fn all_gather(&self, local: &[u64]) -> Vec<u64> {
        local.to_vec()
    }

    fn gather_to_root(&self, local: &[u64]) -> Option<Vec<Vec<u64>>> {
        Some(vec![local.to_vec()])
    }

    fn sum(&self, x: u64) -> u64 {
        x
    }

    fn min(&self, x: i64) -> i64 {
        x
    }

    fn max(&self, x: i64) -> i64 {
        x
    }

    fn barrier(&self) {}

    fn abort(&self, code: i32) -> ! {
        std::process::exit(code)
    }
}

/// The ranks × threads decomposition: which of the `ranks · threads` partitions (the
/// kernel's virtual processes, NEST's VPs) a rank owns. Partition `p` belongs to rank
/// `p / threads`, so that a run on R ranks of T threads splits the network exactly as one
/// process with R·T threads does, and gives the same results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decomposition {
    pub rank: usize,
    pub ranks: usize,
    pub threads: usize,
}

impl Decomposition {
    /// One process with `threads` threads.
    pub fn local(threads: usize) -> Decomposition {
        Decomposition {
            rank: 0,
            ranks: 1,
            threads,
        }
    }

    /// Every partition of the run, on all ranks.
    pub fn partitions(&self) -> usize {
        self.ranks * self.threads
    }

    /// The partitions this rank owns.
    pub fn local_partitions(&self) -> std::ops::Range<usize> {
        self.rank * self.threads..(self.rank + 1) * self.threads
    }

    /// The rank that owns partition `p`.
    pub fn rank_of(&self, p: usize) -> usize {
        p / self.threads
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_collectives_are_the_identity() {
        let c = Local;
        assert_eq!((c.rank(), c.size()), (0, 1));
        assert_eq!(c.all_gather(&[3, 1, 2]), vec![3, 1, 2]);
        assert_eq!(c.gather_to_root(&[7]), Some(vec![vec![7]]));
        assert_eq!((c.sum(5), c.min(-2), c.max(9)), (5, -2, 9));
        assert!(c.any(true) && !c.any(false));
    }

    #[test]
    fn ranks_own_consecutive_partitions() {
        let d = Decomposition {
            rank: 1,
            ranks: 3,
            threads: 2,
        };
        assert_eq!(d.partitions(), 6);
        assert_eq!(d.local_partitions(), 2..4);
        assert_eq!(
            (0..6).map(|p| d.rank_of(p)).collect::<Vec<_>>(),
            [0, 0, 1, 1, 2, 2]
        );
    }
}
