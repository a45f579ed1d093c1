//! The contract between the kernel and a spike detector: a recording device that receives
//! spikes on receptor ports and keeps a result of its own (NEST's `correlation_detector` and
//! `correlomatrix_detector`), read with `GetStatus` and written to the output at the end of
//! every run.
//!
//! The kernel hands a detector every spike it receives as NEST 3.10 does, in an order that
//! does not depend on the partitioning: spikes of neurons when they are delivered (at the
//! start of the slice after the one they were emitted in: a detector is a node with proxies),
//! sorted by (stamp, sender), a spike of multiplicity m as m spikes (as NEST's spike exchange
//! carries it), each through the sender's detector connections in creation order; then spikes
//! of generators in the slice they are emitted in (NEST hands a device's events over at
//! once), sorted by (stamp, sender, connection), with their multiplicity. Every rank of a
//! distributed run sees all spikes, so every rank keeps the same result.

use crate::error::Rejection;
use crate::params::{ParamError, Params};
use crate::time::{Step, TimeGrid};
use std::fmt;

/// One array of a detector's result, for the output file: `values` in row-major order of
/// `shape`.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectorResult {
    /// NEST's status key (`histogram`, `n_events`, `covariance`, …).
    pub name: &'static str,
    pub shape: Vec<usize>,
    pub values: ResultValues,
}

/// The element type of a [`DetectorResult`].
#[derive(Clone, Debug, PartialEq)]
pub enum ResultValues {
    Float(Vec<f64>),
    Int(Vec<i64>),
}

/// A spike detector.
pub trait SpikeDetector: Send + Sync + fmt::Debug {
    /// NEST's model name.
    fn model_name(&self) -> &str;

    /// NEST's `handles_test_event`: the port a connection with `receptor` feeds, or NEST's
    /// refusal (`UnknownReceptorType`).
    fn port(&self, receptor: i64) -> Result<usize, Rejection>;

    /// Called at the start of every `Simulate` with the kernel's min delay in steps: the first
    /// call after creation sizes and clears the result (NEST's `init_buffers_`), later calls
    /// keep it.
    fn prepare(&mut self, grid: &TimeGrid, min_delay: Step);

    /// NEST's `handle(SpikeEvent&)`: a spike stamped `stamp` on `port`, of the connection's
    /// `weight` and the event's `multiplicity`.
    fn handle(&mut self, stamp: Step, port: usize, weight: f64, multiplicity: u32);

    /// NEST's `GetStatus`: parameters (times in ms) and the result.
    fn get_status(&self, grid: &TimeGrid) -> Params;

    /// NEST's `SetStatus`: take the keys of `dict` the detector knows, with NEST's validation
    /// (on error nothing changes) and its reset rules.
    fn set_status(&mut self, dict: &mut Params, grid: &TimeGrid) -> Result<(), ParamError>;

    /// The result as arrays, for the output file.
    fn results(&self) -> Vec<DetectorResult>;
}
