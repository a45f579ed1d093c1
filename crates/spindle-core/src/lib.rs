//! The simulation kernel of spindle.
//!
//! This crate knows no concrete neuron model, device, file format or command-line flag. It
//! provides the integer time grid ([`time`]), node ids ([`NodeId`]), the traits that models and
//! stimulating devices implement ([`model`], [`device`]), the recording contract
//! ([`recording`]), the network builder and connection store ([`network`]) and the slice loop
//! that runs a network on a pool of worker threads ([`simulation`]).
//!
//! The semantics follow NEST 3.10 (see `shared/spec/nest-semantics.md`, section 1).

pub mod archive;
pub mod comm;
pub mod detector;
pub mod device;
pub mod error;
pub mod ignore_and_spike;
pub mod model;
pub mod network;
pub mod parameter;
pub mod params;
pub mod recording;
pub mod rng;
pub mod rules;
pub mod simulation;
pub mod synapse;
pub mod time;
pub mod volume;

mod connectome;
mod partition;

pub use error::{BuildError, RunError};
pub use network::{NetworkBuilder, Synapse};
pub use simulation::{ConnectionInfo, Simulation, SynapseInfo};
pub use time::{Step, TimeGrid};

use std::fmt;

/// A node's global id: 1, 2, 3, … in creation order, neurons and devices sharing the counter
/// (NEST's `global_id`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct NodeId(pub u32);

impl NodeId {
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
