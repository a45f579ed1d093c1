//! spindle: a multi-threaded spiking neural network simulator that gives NEST 3.10's answers.
//!
//! This crate is the facade: it maps NEST model names to spindle's models and devices
//! ([`registry`]), reads scenario files ([`scenario`]) and builds and runs them ([`run`]).
//! The kernel lives in `spindle-core`, the models in `spindle-models`, the devices in
//! `spindle-devices` and the recording backends in `spindle-io`.

pub mod error;
pub mod registry;
pub mod resources;
pub mod run;
pub mod scenario;
pub mod session;

pub use error::{Error, Located};
pub use resources::MemoryLimit;
pub use run::{Network, RunOptions};
pub use scenario::Scenario;
pub use session::Session;

pub use spindle_core as core;
pub use spindle_io as io;
pub use spindle_synapses as synapses;

/// The version written into output files.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
