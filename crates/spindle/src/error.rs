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
    #[error("{at}: {message}")]
    Invalid { at: Located, message: String },
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
    #[error(transparent)]
    Run(#[from] RunError),
}

impl Error {
    pub fn invalid(at: Located, message: impl Into<String>) -> Error {
        Error::Invalid {
            at,
            message: message.into(),
        }
    }
}
