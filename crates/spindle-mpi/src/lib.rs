//! MPI for spindle: the kernel's [`Communicator`] over MPI, through the `mpi` crate (rsmpi).
//!
//! Built with the `mpi` feature, [`init`] initialises MPI when the process was started by
//! `mpirun`/`mpiexec` and returns the world communicator; without the feature (the default, so
//! that spindle builds where no MPI is installed) it returns the single-process
//! [`Local`](spindle_core::comm::Local) and refuses to run under a launcher with more than one
//! rank: N copies of one run writing the same file would each think they are alone.

use spindle_core::comm::{Communicator, Local};
use std::fmt;

#[cfg(feature = "mpi")]
mod world;

/// Why a distributed run cannot start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MpiError(pub String);

impl fmt::Display for MpiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MpiError {}

/// What keeps MPI initialised: dropping it finalises MPI (after the last collective).
pub struct Session {
    pub comm: Box<dyn Communicator>,
    #[cfg(feature = "mpi")]
    _universe: Option<mpi::environment::Universe>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("rank", &self.comm.rank())
            .field("size", &self.comm.size())
            .finish()
    }
}

/// The number of ranks a launcher announced in the environment (Open MPI, MPICH/Hydra,
/// Slurm), if any.
pub fn launcher_ranks() -> Option<usize> {
    [
        "OMPI_COMM_WORLD_SIZE",
        "PMI_SIZE",
        "PMIX_SIZE",
        "SLURM_NTASKS",
    ]
    .iter()
    .find_map(|k| std::env::var(k).ok()?.trim().parse().ok())
}

/// Whether this build can run on several ranks.
pub const fn enabled() -> bool {
    cfg!(feature = "mpi")
}

/// Start the distributed part of a run: MPI's world when the process was launched on several
/// ranks (and this build has MPI), else one local process.
pub fn init() -> Result<Session, MpiError> {
    let ranks = launcher_ranks().unwrap_or(1);
    #[cfg(feature = "mpi")]
    {
        if ranks > 1 || std::env::var_os("OMPI_COMM_WORLD_SIZE").is_some() {
            return world::init();
        }
    }
    if ranks > 1 {
        return Err(MpiError(format!(
            "started on {ranks} ranks, but this spindle was built without MPI: rebuild with \
             `--features mpi` (see the README), or run it without mpirun"
        )));
    }
    Ok(Session {
        comm: Box::new(Local),
        #[cfg(feature = "mpi")]
        _universe: None,
    })
}
