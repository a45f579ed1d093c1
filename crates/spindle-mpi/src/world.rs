//! [`Communicator`] over MPI's world communicator.

use crate::{MpiError, Session};
use mpi::collective::SystemOperation;
use mpi::datatype::PartitionMut;
use mpi::topology::{Communicator as _, SimpleCommunicator};
use mpi::traits::*;
use mpi::Count;
use spindle_core::comm::Communicator;

/// MPI's `MPI_COMM_WORLD`. Only the rank and size are kept: the handle is taken anew for each
/// collective (a cheap lookup), so that this type is `Send + Sync` without unsafe code; the
/// kernel makes its collectives from one thread.
#[derive(Debug, Clone, Copy)]
pub struct World {
    rank: usize,
    size: usize,
}

fn world() -> SimpleCommunicator {
    SimpleCommunicator::world()
}

pub(crate) fn init() -> Result<Session, MpiError> {
    let universe = mpi::initialize().ok_or_else(|| {
        MpiError("MPI could not be initialised (was it initialised already?)".into())
    })?;
    let w = universe.world();
    let comm = World {
        rank: w.rank() as usize,
        size: w.size() as usize,
    };
    Ok(Session {
        comm: Box::new(comm),
        _universe: Some(universe),
    })
}

/// Every rank's count, then the displacements of their blocks.
fn counts_and_displs(counts: &[Count]) -> Vec<Count> {
    counts
        .iter()
        .scan(0, |acc, &c| {
            let d = *acc;
            *acc += c;
            Some(d)
        })
        .collect()
}

impl Communicator for World {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.size
    }

    fn all_gather(&self, local: &[u64]) -> Vec<u64> {
        let w = world();
        let mut counts = vec![0 as Count; self.size];
        w.all_gather_into(&(local.len() as Count), &mut counts[..]);
        let displs = counts_and_displs(&counts);
        let total: usize = counts.iter().map(|&c| c as usize).sum();
        let mut out = vec![0u64; total];
        {
            let mut part = PartitionMut::new(&mut out[..], counts, &displs[..]);
            w.all_gather_varcount_into(local, &mut part);
        }
        out
    }

    fn gather_to_root(&self, local: &[u64]) -> Option<Vec<Vec<u64>>> {
        let w = world();
        let root = w.process_at_rank(0);
        if self.rank != 0 {
            root.gather_into(&(local.len() as Count));
            root.gather_varcount_into(local);
            return None;
        }
        let mut counts = vec![0 as Count; self.size];
        root.gather_into_root(&(local.len() as Count), &mut counts[..]);
        let displs = counts_and_displs(&counts);
        let total: usize = counts.iter().map(|&c| c as usize).sum();
        let mut out = vec![0u64; total];
        {
            let mut part = PartitionMut::new(&mut out[..], &counts[..], &displs[..]);
            root.gather_varcount_into_root(local, &mut part);
        }
        Some(
            counts
                .iter()
                .zip(&displs)
                .map(|(&c, &d)| out[d as usize..(d + c) as usize].to_vec())
                .collect(),
        )
    }

    fn sum(&self, x: u64) -> u64 {
        let mut out = 0u64;
        world().all_reduce_into(&x, &mut out, SystemOperation::sum());
        out
    }

    fn min(&self, x: i64) -> i64 {
        let mut out = 0i64;
        world().all_reduce_into(&x, &mut out, SystemOperation::min());
        out
    }

    fn max(&self, x: i64) -> i64 {
        let mut out = 0i64;
        world().all_reduce_into(&x, &mut out, SystemOperation::max());
        out
    }

    fn barrier(&self) {
        world().barrier();
    }

    fn abort(&self, code: i32) -> ! {
        world().abort(code)
    }
}
