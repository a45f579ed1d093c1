//! Typed errors of network construction and simulation.
//!
//! Rejections carry NEST's exception name (`BadProperty`, `IncompatibleReceptorType`, …) so
//! that front ends can report them the way NEST users know them.

use crate::NodeId;
use thiserror::Error;

/// A model's or device's refusal of a parameter or connection, in NEST's terms.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind}: {message}")]
pub struct Rejection {
    /// NEST's exception name, e.g. `BadProperty`.
    pub kind: &'static str,
    pub message: String,
}

impl Rejection {
    pub fn new(kind: &'static str, message: impl Into<String>) -> Rejection {
        Rejection {
            kind,
            message: message.into(),
        }
    }

    pub fn bad_property(message: impl Into<String>) -> Rejection {
        Rejection::new("BadProperty", message)
    }
}

/// Errors raised while a network is being built.
#[derive(Debug, Error)]
pub enum BuildError {
    #[error("node {0} does not exist")]
    UnknownNode(NodeId),
    #[error("cannot connect node {source_id} ({source_model}) to node {target} ({target_model}): {reason}{}", if hint.is_empty() { String::new() } else { format!(" Valid: {hint}") })]
    Connect {
        source_id: NodeId,
        source_model: String,
        target: NodeId,
        target_model: String,
        reason: Rejection,
        /// What would be valid (e.g. the receptor types the target accepts), or empty.
        hint: String,
    },
    #[error("BadDelay: delay of {delay_steps} steps between node {source_id} and node {target}: delay must be greater than or equal to resolution")]
    BadDelay {
        source_id: NodeId,
        target: NodeId,
        delay_steps: i64,
    },
    #[error("delay of {delay_steps} steps between node {source_id} and node {target} exceeds the largest supported delay of {max} steps (delays are stored in 16 bits)")]
    DelayTooLong {
        source_id: NodeId,
        target: NodeId,
        delay_steps: i64,
        max: i64,
    },
    #[error("BadDelay: Delay value {delay_ms} is invalid: Minimum and maximum delay cannot be changed after Simulate has been called (connection from node {source_id} to node {target}).")]
    FrozenDelay {
        source_id: NodeId,
        target: NodeId,
        delay_ms: f64,
    },
    #[error("NotImplemented: {0}")]
    NotImplemented(String),
    /// A connection rule statement refused (NEST's exception name in `reason`).
    #[error("{rule}: {reason}")]
    Rule {
        rule: String,
        reason: Rejection,
        /// The index of the rule statement (as returned by `connect_rule`), where known.
        statement: Option<u32>,
    },
    #[error("too many nodes: node ids are limited to {max}")]
    TooManyNodes { max: u64 },
    #[error("too many synapses target one partition (at most 4 294 967 295); use more threads")]
    TooManySynapses,
    #[error("threads must be at least 1")]
    NoThreads,
    #[error("could not start the worker thread pool: {0}")]
    ThreadPool(String),
}

/// Errors raised while a simulation runs.
#[derive(Debug, Error)]
pub enum RunError {
    #[error("recording failed: {0}")]
    Recording(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("the simulation was interrupted at {at_ms} ms")]
    Interrupted { at_ms: f64 },
    /// A neuron's integration diverged (NEST's `NumericalInstability`).
    #[error("NumericalInstability: NEST detected a numerical instability while updating {model} (node {node}: {variable} = {value} in the step from t = {t_ms} ms)")]
    NumericalInstability {
        model: String,
        node: NodeId,
        variable: String,
        value: f64,
        t_ms: f64,
    },
    /// A run that stopped inside a slice left the network unrunnable.
    #[error("KernelException: the network cannot run any more: {0}; rebuild it (ResetKernel)")]
    Broken(String),
    /// Building what was added to the network since the last run failed (a rule statement
    /// expanded at the run's start, e.g. a drawn delay outside the frozen delay extrema).
    #[error(transparent)]
    Build(#[from] BuildError),
}

/// `text` without a leading `"{kind}: "` (messages whose `Display` starts with NEST's
/// exception name, which the typed kind already carries).
fn without_kind(text: String, kind: &str) -> String {
    match text.strip_prefix(kind).and_then(|t| t.strip_prefix(": ")) {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

impl BuildError {
    /// NEST's exception name for this error.
    pub fn nest_kind(&self) -> &'static str {
        match self {
            BuildError::UnknownNode(_) => "UnknownNode",
            BuildError::Connect { reason, .. } | BuildError::Rule { reason, .. } => reason.kind,
            BuildError::BadDelay { .. }
            | BuildError::DelayTooLong { .. }
            | BuildError::FrozenDelay { .. } => "BadDelay",
            BuildError::NotImplemented(_) => "NotImplemented",
            _ => "KernelException",
        }
    }

    /// NEST's message for this error (without the exception name).
    pub fn nest_message(&self) -> String {
        match self {
            BuildError::UnknownNode(id) => format!("Node with id {id} does not exist."),
            BuildError::Connect { reason, .. } | BuildError::Rule { reason, .. } => {
                reason.message.clone()
            }
            other => without_kind(other.to_string(), other.nest_kind()),
        }
    }
}

impl RunError {
    /// NEST's exception name for this error.
    pub fn nest_kind(&self) -> &'static str {
        match self {
            RunError::Build(b) => b.nest_kind(),
            RunError::NumericalInstability { .. } => "NumericalInstability",
            RunError::Recording(e) => e
                .downcast_ref::<Rejection>()
                .map_or("KernelException", |r| r.kind),
            _ => "KernelException",
        }
    }

    /// NEST's message for this error (without the exception name).
    pub fn nest_message(&self) -> String {
        match self {
            RunError::Build(b) => b.nest_message(),
            RunError::Recording(e) => match e.downcast_ref::<Rejection>() {
                Some(r) => r.message.clone(),
                None => self.to_string(),
            },
            other => without_kind(other.to_string(), other.nest_kind()),
        }
    }
}
