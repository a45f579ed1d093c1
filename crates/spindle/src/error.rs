//! Errors of loading, building and running a scenario, each naming where it happened.

use spindle_core::params::ParamError;
use spindle_core::{BuildError, RunError};
use std::fmt;
use std::path::PathBuf;
use thiserror::Error;

/// Where in a scenario a problem was found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Located {
    pub file: Option<PathBuf>,
    /// 1-based line, where the parser knows it.
    pub line: Option<usize>,
    /// e.g. `[[nodes]] "lif_r" (glif_cond)` or `[[connect]] #2 (espikes → lif)`.
    pub item: Option<String>,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        match (&self.file, self.line) {
            (Some(file), Some(line)) => parts.push(format!("{}:{line}", file.display())),
            (Some(file), None) => parts.push(file.display().to_string()),
            (None, Some(line)) => parts.push(format!("line {line}")),
            (None, None) => {}
        }
        if let Some(item) = &self.item {
            parts.push(item.clone());
        }
        write!(f, "{}", parts.join(": "))
    }
}

#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{at}: TOML syntax error: {message}")]
    Syntax { at: Located, message: String },
    /// A problem in the input; `kind` is NEST's exception name where NEST has one for it
    /// (a scenario file's own structure has none).
    #[error("{at}: {}{message}", kind.map(|k| format!("{k}: ")).unwrap_or_default())]
    Invalid {
        at: Located,
        kind: Option<&'static str>,
        message: String,
    },
    #[error("{at}: {source}")]
    Param {
        at: Located,
        #[source]
        source: ParamError,
    },
    #[error("{at}: {source}")]
    Build {
        at: Located,
        #[source]
        source: BuildError,
    },
    /// A connection refused, with the `key = value` of the statement it concerns (`shown`,
    /// e.g. `syn.receptor_type = 3: `).
    #[error("{at}: {shown}{source}")]
    Connect {
        at: Located,
        shown: String,
        #[source]
        source: BuildError,
    },
    #[error(transparent)]
    Run(#[from] RunError),
}

impl Error {
    /// A problem in the input that NEST has no exception for (front ends report it as
    /// `BadProperty`).
    pub fn invalid(at: Located, message: impl Into<String>) -> Error {
        Error::Invalid {
            at,
            kind: None,
            message: message.into(),
        }
    }

    /// A problem in the input with NEST's exception name `kind`.
    pub fn nest(at: Located, kind: &'static str, message: impl Into<String>) -> Error {
        Error::Invalid {
            at,
            kind: Some(kind),
            message: message.into(),
        }
    }

    /// NEST's exception name for this error, as a front end raises it.
    pub fn nest_kind(&self) -> &'static str {
        match self {
            Error::Param { source, .. } => source.nest_kind(),
            Error::Build { source, .. } | Error::Connect { source, .. } => source.nest_kind(),
            Error::Invalid { kind, .. } => kind.unwrap_or("BadProperty"),
            Error::Read { .. } => "IOError",
            Error::Syntax { .. } => "KernelException",
            Error::Run(r) => r.nest_kind(),
        }
    }

    /// NEST's message for this error: without the exception name and without the scenario
    /// location (a script's author wrote no scenario).
    pub fn nest_message(&self) -> String {
        match self {
            Error::Param { source, .. } => source.nest_message(),
            Error::Build { source, .. } | Error::Connect { source, .. } => source.nest_message(),
            Error::Invalid { message, .. } => message.clone(),
            Error::Run(r) => r.nest_message(),
            other => other.to_string(),
        }
    }
}
