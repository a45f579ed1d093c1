//! The scenario file: a TOML mirror of a PyNEST script (see docs/scenario-format.md).
//!
//! Loading is two-step: [`Scenario::parse`] checks the syntax and the shape (unknown keys,
//! wrong types, with line numbers), and [`crate::run::Network::build`] checks everything that
//! needs the models (parameters, receptors, delays) — all before anything is simulated.

use crate::error::{Error, Located};
use serde::Deserialize;
use spindle_core::params::{Params, Value};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A parsed scenario file.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub file: Option<PathBuf>,
    source: String,
    pub kernel: Kernel,
    pub nodes: Vec<NodeSpec>,
    pub connections: Vec<ConnectSpec>,
    /// Successive `Simulate` calls, in ms.
    pub simulate: Vec<f64>,
    pub output: OutputSection,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRepr {
    #[serde(default)]
    kernel: Kernel,
    #[serde(default)]
    nodes: Vec<Spanned<NodeRepr>>,
    #[serde(default)]
    connect: Vec<Spanned<ConnectRepr>>,
    simulate: Spanned<SimulateRepr>,
    #[serde(default)]
    output: OutputSection,
}

/// The `[kernel]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kernel {
    /// ms (default 0.1).
    #[serde(default = "default_resolution")]
    pub resolution: f64,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Worker threads; default: all cores.
    pub threads: Option<usize>,
}

impl Default for Kernel {
    fn default() -> Kernel {
        Kernel {
            resolution: default_resolution(),
            seed: default_seed(),
            threads: None,
        }
    }
}

fn default_resolution() -> f64 {
    0.1
}

fn default_seed() -> u64 {
    1
}

/// The `[output]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSection {
    /// Output file (default: the scenario's stem with `.h5`); the command line overrides it.
    pub file: Option<PathBuf>,
    /// Also write the SONATA spike groups (`/spikes/<population>`); `--sonata` turns it on too.
    #[serde(default, deserialize_with = "sonata_flag")]
    pub sonata: bool,
}

/// `sonata` must be a boolean; the message names the key (serde's own does not).
fn sonata_flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::Boolean(b) => Ok(b),
        other => Err(serde::de::Error::custom(format!(
            "sonata = {other}: expected true or false"
        ))),
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeRepr {
    name: Spanned<String>,
    model: Spanned<String>,
    #[serde(default = "one")]
    n: Spanned<i64>,
    #[serde(default)]
    params: Option<Spanned<toml::Table>>,
}

fn one() -> Spanned<i64> {
    Spanned::new(0..0, 1)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Names {
    One(String),
    Many(Vec<String>),
}

impl Names {
    fn into_vec(self) -> Vec<String> {
        match self {
            Names::One(s) => vec![s],
            Names::Many(v) => v,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectRepr {
    pre: Spanned<Names>,
    post: Spanned<Names>,
    #[serde(default)]
    conn: Option<Spanned<toml::Table>>,
    #[serde(default)]
    syn: Option<Spanned<toml::Table>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulateRepr {
    time: Times,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Times {
    One(f64),
    Many(Vec<f64>),
}

/// One `[[nodes]]` entry.
#[derive(Debug, Clone)]
pub struct NodeSpec {
    pub name: String,
    pub model: String,
    pub n: i64,
    pub params: Params,
    /// Line of the entry's `params` (or of the entry if it has none), for messages.
    pub line: Option<usize>,
    /// Line of the entry's `model` key.
    pub model_line: Option<usize>,
}

/// One `[[connect]]` entry.
#[derive(Debug, Clone)]
pub struct ConnectSpec {
    pub pre: Vec<String>,
    pub post: Vec<String>,
    pub conn: Params,
    pub syn: Params,
    pub line: Option<usize>,
}

impl Scenario {
    /// Read and parse a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, Error> {
        let source = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Scenario::parse(&source, Some(path))
    }

    /// Parse scenario text; `file` is used in messages.
    pub fn parse(source: &str, file: Option<&Path>) -> Result<Scenario, Error> {
        let at = |line: Option<usize>, item: Option<String>| Located {
            file: file.map(Path::to_path_buf),
            line,
            item,
        };
        let repr: FileRepr = toml::from_str(source).map_err(|e| Error::Syntax {
            at: at(e.span().map(|s| line_of(source, s)), None),
            message: e.message().to_string(),
        })?;
        let mut nodes = Vec::new();
        for spanned in repr.nodes {
            let line = Some(line_of(source, spanned.span()));
            let n = spanned.into_inner();
            let name = n.name.into_inner();
            let model_line = Some(line_of(source, n.model.span()));
            let model = n.model.into_inner();
            let (params, params_line) = match n.params {
                None => (Params::new(), line),
                Some(p) => {
                    let l = Some(line_of(source, p.span()));
                    let params = table_to_params(p.into_inner()).map_err(|m| {
                        Error::invalid(at(l, Some(format!("[[nodes]] {name:?} ({model})"))), m)
                    })?;
                    (params, l)
                }
            };
            nodes.push(NodeSpec {
                name,
                model,
                n: *n.n.get_ref(),
                params,
                line: params_line.or(line),
                model_line,
            });
        }
        let mut connections = Vec::new();
        for (i, spanned) in repr.connect.into_iter().enumerate() {
            let line = Some(line_of(source, spanned.span()));
            let c = spanned.into_inner();
            let item = || Some(format!("[[connect]] #{}", i + 1));
            let conn = match c.conn {
                None => Params::new(),
                Some(t) => table_to_params(t.into_inner())
                    .map_err(|m| Error::invalid(at(line, item()), format!("conn: {m}")))?,
            };
            let syn = match c.syn {
                None => Params::new(),
                Some(t) => table_to_params(t.into_inner())
                    .map_err(|m| Error::invalid(at(line, item()), format!("syn: {m}")))?,
            };
            connections.push(ConnectSpec {
                pre: c.pre.into_inner().into_vec(),
                post: c.post.into_inner().into_vec(),
                conn,
                syn,
                line,
            });
        }
        let simulate = match repr.simulate.into_inner().time {
            Times::One(t) => vec![t],
            Times::Many(v) => v,
        };
        Ok(Scenario {
            file: file.map(Path::to_path_buf),
            source: source.to_string(),
            kernel: repr.kernel,
            nodes,
            connections,
            simulate,
            output: repr.output,
        })
    }

    /// A location in this scenario for messages.
    pub fn at(&self, line: Option<usize>, item: impl Into<String>) -> Located {
        Located {
            file: self.file.clone(),
            line,
            item: Some(item.into()),
        }
    }

    /// The line of the first occurrence of `needle` (for messages about kernel keys).
    pub fn line_of_key(&self, needle: &str) -> Option<usize> {
        let pos = self.source.find(needle)?;
        Some(line_of(&self.source, pos..pos))
    }
}

fn line_of(source: &str, span: Range<usize>) -> usize {
    source[..span.start.min(source.len())].matches('\n').count() + 1
}

fn toml_to_value(v: toml::Value) -> Result<Value, String> {
    Ok(match v {
        toml::Value::String(s) => Value::Str(s),
        toml::Value::Integer(i) => Value::Int(i),
        toml::Value::Float(f) => Value::Float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Array(a) => {
            Value::List(a.into_iter().map(toml_to_value).collect::<Result<_, _>>()?)
        }
        toml::Value::Table(t) => Value::Map(
            t.into_iter()
                .map(|(k, v)| Ok((k, toml_to_value(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        toml::Value::Datetime(d) => return Err(format!("unexpected date-time {d}")),
    })
}

fn table_to_params(t: toml::Table) -> Result<Params, String> {
    let mut p = Params::new();
    for (k, v) in t {
        let value = toml_to_value(v).map_err(|m| format!("{k}: {m}"))?;
        p.insert(k, value);
    }
    Ok(p)
}
