//! The scenario file: a TOML mirror of a PyNEST script (see docs/scenario-format.md).
//!
//! Loading is two-step: [`Scenario::parse`] checks the syntax and the shape (unknown keys,
//! wrong types, with line numbers), and [`crate::run::Network::build`] checks everything that
//! needs the models (parameters, receptors, delays) — all before anything is simulated.

use crate::error::{Error, Located};
use serde::Deserialize;
use spindle_core::params::{closest, Params, Value};
use std::collections::BTreeMap;
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
    /// `CopyModel`/`SetDefaults` of synapse models, in order, before any connection.
    pub synapse_models: Vec<SynapseModelSpec>,
    pub connections: Vec<ConnectSpec>,
    /// Successive `Simulate` calls, in ms.
    pub simulate: Vec<f64>,
    /// Line of the `[simulate]` `time` key.
    pub simulate_line: Option<usize>,
    /// What happens after the `[simulate]` calls, in order (`[[actions]]`): more `Simulate`
    /// calls with changes to the network between them.
    pub actions: Vec<ActionSpec>,
    pub output: OutputSection,
}

/// One `[[actions]]` entry: NEST's `Simulate`, `Create`, `Connect` or `SetStatus` after the
/// first `Simulate` calls.
#[derive(Debug, Clone)]
pub enum Action {
    Simulate(f64),
    Create(NodeSpec),
    Connect(ConnectSpec),
    /// `SetStatus` of every node of the named `[[nodes]]` entries.
    Set {
        nodes: Vec<String>,
        params: Params,
    },
}

/// An action and its line.
#[derive(Debug, Clone)]
pub struct ActionSpec {
    pub action: Action,
    pub line: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRepr {
    #[serde(default)]
    kernel: Kernel,
    #[serde(default)]
    nodes: Vec<Spanned<NodeRepr>>,
    #[serde(default)]
    synapse_models: Vec<Spanned<SynapseModelRepr>>,
    #[serde(default)]
    connect: Vec<Spanned<ConnectRepr>>,
    simulate: Spanned<SimulateRepr>,
    #[serde(default)]
    actions: Vec<Spanned<ActionRepr>>,
    #[serde(default)]
    output: OutputSection,
}

/// A `[[synapse_models]]` entry: NEST's `CopyModel(copy_of, name, params)`, or without
/// `copy_of` its `SetDefaults(name, params)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynapseModelRepr {
    name: String,
    copy_of: Option<String>,
    #[serde(default)]
    params: Option<Spanned<SpannedTable>>,
}

/// One `[[synapse_models]]` entry (see `docs/scenario-format.md`).
#[derive(Debug, Clone)]
pub struct SynapseModelSpec {
    pub name: String,
    /// The model copied (`CopyModel`); `None`: `SetDefaults` of `name`.
    pub copy_of: Option<String>,
    pub params: Params,
    pub line: Option<usize>,
}

/// An `[[actions]]` entry: exactly one of its keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionRepr {
    simulate: Option<f64>,
    create: Option<NodeRepr>,
    connect: Option<ConnectRepr>,
    set: Option<SetRepr>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetRepr {
    nodes: Names,
    params: Spanned<SpannedTable>,
}

/// The `[kernel]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kernel {
    /// ms (default 0.1).
    #[serde(default = "default_resolution")]
    pub resolution: f64,
    /// NEST's tic base (`tics_per_ms`, given together with `resolution`); default 1000.
    pub tics_per_ms: Option<i64>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Worker threads; default: all cores.
    pub threads: Option<usize>,
    /// NEST's kernel `min_delay` and `max_delay` (ms, given together): every delay must lie
    /// within them, and the first run slices by `min_delay`. Default: the extrema of the
    /// connections.
    pub min_delay: Option<f64>,
    pub max_delay: Option<f64>,
}

impl Default for Kernel {
    fn default() -> Kernel {
        Kernel {
            resolution: default_resolution(),
            tics_per_ms: None,
            seed: default_seed(),
            threads: None,
            min_delay: None,
            max_delay: None,
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
    /// Also write the SONATA spike groups (`/spikes/<population>`) and the multimeters' SONATA
    /// report files; `--sonata` turns it on too.
    #[serde(default, deserialize_with = "sonata_flag")]
    pub sonata: bool,
    /// Also write the final connections (`/connections`); `--connections` turns it on too.
    #[serde(default, deserialize_with = "connections_flag")]
    pub connections: bool,
}

/// `sonata` must be a boolean; the message names the key (serde's own does not).
fn sonata_flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    flag(d, "sonata")
}

fn connections_flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    flag(d, "connections")
}

fn flag<'de, D: serde::Deserializer<'de>>(d: D, key: &str) -> Result<bool, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::Boolean(b) => Ok(b),
        other => Err(serde::de::Error::custom(format!(
            "{key} = {other}: expected true or false"
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
    params: Option<Spanned<SpannedTable>>,
}

/// A table whose values keep their place in the file, so that messages can name the line of
/// the offending key.
type SpannedTable = BTreeMap<String, Spanned<toml::Value>>;

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
    #[serde(default)]
    pre: Option<Spanned<Names>>,
    #[serde(default)]
    post: Option<Spanned<Names>>,
    /// NEST's `connect_arrays`: explicit node ids, connected pairwise (instead of pre/post).
    #[serde(default)]
    sources: Option<Spanned<Vec<i64>>>,
    #[serde(default)]
    targets: Option<Spanned<Vec<i64>>>,
    #[serde(default)]
    conn: Option<Spanned<SpannedTable>>,
    #[serde(default)]
    syn: Option<Spanned<SpannedTable>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulateRepr {
    time: Spanned<Times>,
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
    /// Line of each key: `name`, `model`, `n` and every key of `params`.
    pub key_lines: BTreeMap<String, usize>,
}

impl NodeSpec {
    /// The line of `key` (a `params` key or `name`/`model`/`n`), else of the entry's params.
    pub fn line_of(&self, key: Option<&str>) -> Option<usize> {
        key.and_then(|k| self.key_lines.get(k).copied())
            .or(self.line)
    }
}

/// One `[[connect]]` entry.
#[derive(Debug, Clone)]
pub struct ConnectSpec {
    pub pre: Vec<String>,
    pub post: Vec<String>,
    /// NEST's `connect_arrays`: node ids connected pairwise (`sources[i] → targets[i]`);
    /// `pre` and `post` are empty then.
    pub sources: Option<Vec<i64>>,
    pub targets: Option<Vec<i64>>,
    pub conn: Params,
    pub syn: Params,
    pub line: Option<usize>,
    /// Line of each key: `pre`, `post`, and `conn.KEY` / `syn.KEY` for the keys of `conn` and
    /// `syn`.
    pub key_lines: BTreeMap<String, usize>,
}

impl ConnectSpec {
    /// The line of `key` (`pre`, `post`, `conn.rule`, `syn.weight`, …), else of the entry.
    pub fn line_of(&self, key: Option<&str>) -> Option<usize> {
        key.and_then(|k| {
            self.key_lines.get(k).copied().or_else(|| {
                // `syn.weight.low` → `syn.weight`.
                let parent = k.rsplit_once('.')?.0;
                self.key_lines.get(parent).copied()
            })
        })
        .or(self.line)
    }
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
        // Syntax first, so that a syntax error is never reported as a wrong key or type.
        if let Err(e) = source.parse::<toml::Table>() {
            return Err(Error::Syntax {
                at: at(e.span().map(|s| line_of(source, s)), None),
                message: one_line(e.message()),
            });
        }
        let repr: FileRepr = toml::from_str(source).map_err(|e| {
            let span = e.span();
            Error::invalid(
                at(
                    span.clone().map(|s| line_of(source, s)),
                    span.as_ref()
                        .filter(|_| !e.message().starts_with("missing field `simulate`"))
                        .and_then(|s| section_of(source, s.start)),
                ),
                schema_message(source, span, e.message()),
            )
        })?;
        let mut nodes = Vec::new();
        for spanned in repr.nodes {
            let line = Some(line_of(source, spanned.span()));
            nodes.push(node_spec(source, &at, spanned.into_inner(), line)?);
        }
        let mut synapse_models = Vec::new();
        for spanned in repr.synapse_models {
            let line = Some(line_of(source, spanned.span()));
            let m = spanned.into_inner();
            let item = || Some(format!("[[synapse_models]] {:?}", m.name));
            let params = match m.params.clone() {
                Some(t) => table_to_params(source, t.into_inner(), "", &mut BTreeMap::new())
                    .map_err(|(msg, l)| Error::invalid(at(l.or(line), item()), msg))?,
                None => Params::new(),
            };
            synapse_models.push(SynapseModelSpec {
                name: m.name,
                copy_of: m.copy_of,
                params,
                line,
            });
        }
        let mut connections = Vec::new();
        for (i, spanned) in repr.connect.into_iter().enumerate() {
            let line = Some(line_of(source, spanned.span()));
            connections.push(connect_spec(source, &at, spanned.into_inner(), line, i)?);
        }
        let mut actions = Vec::new();
        for (i, spanned) in repr.actions.into_iter().enumerate() {
            let line = Some(line_of(source, spanned.span()));
            let a = spanned.into_inner();
            let item = || Some(format!("[[actions]] #{}", i + 1));
            let given = [
                a.simulate.is_some(),
                a.create.is_some(),
                a.connect.is_some(),
                a.set.is_some(),
            ];
            if given.iter().filter(|&&g| g).count() != 1 {
                return Err(Error::invalid(
                    at(line, item()),
                    "an action has exactly one of the keys simulate, create, connect, set",
                ));
            }
            let action = if let Some(t) = a.simulate {
                Action::Simulate(t)
            } else if let Some(n) = a.create {
                Action::Create(node_spec(source, &at, n, line)?)
            } else if let Some(c) = a.connect {
                Action::Connect(connect_spec(source, &at, c, line, connections.len() + i)?)
            } else {
                let set = a.set.expect("one key is given");
                let mut key_lines = BTreeMap::new();
                let params = table_to_params(source, set.params.into_inner(), "", &mut key_lines)
                    .map_err(|(m, l)| Error::invalid(at(l.or(line), item()), m))?;
                Action::Set {
                    nodes: set.nodes.into_vec(),
                    params,
                }
            };
            actions.push(ActionSpec { action, line });
        }
        let time = repr.simulate.into_inner().time;
        let simulate_line = Some(line_of(source, time.span()));
        let simulate = match time.into_inner() {
            Times::One(t) => vec![t],
            Times::Many(v) => v,
        };
        Ok(Scenario {
            file: file.map(Path::to_path_buf),
            source: source.to_string(),
            kernel: repr.kernel,
            nodes,
            synapse_models,
            connections,
            simulate,
            simulate_line,
            actions,
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

    /// The line where `key` is set in the table `[section]` (e.g. `kernel`, `resolution`), or
    /// the line of the table's header if the key is not there.
    pub fn line_of_table_key(&self, section: &str, key: &str) -> Option<usize> {
        let header = format!("[{section}]");
        let mut in_section = false;
        let mut header_line = None;
        for (i, raw) in self.source.lines().enumerate() {
            let line = raw.trim();
            if line.starts_with('[') {
                in_section = line.starts_with(&header);
                if in_section && header_line.is_none() {
                    header_line = Some(i + 1);
                }
                continue;
            }
            let assigned = line
                .split_once('=')
                .map(|(k, _)| k.trim().trim_matches('"'));
            if in_section && assigned == Some(key) {
                return Some(i + 1);
            }
        }
        header_line
    }
}

type At<'a> = dyn Fn(Option<usize>, Option<String>) -> Located + 'a;

/// A `[[nodes]]` entry (or a `create` action) read from its table.
fn node_spec(
    source: &str,
    at: &At<'_>,
    n: NodeRepr,
    line: Option<usize>,
) -> Result<NodeSpec, Error> {
    let mut key_lines = BTreeMap::new();
    key_lines.insert("name".to_string(), line_of(source, n.name.span()));
    key_lines.insert("model".to_string(), line_of(source, n.model.span()));
    if n.n.span() != (0..0) {
        key_lines.insert("n".to_string(), line_of(source, n.n.span()));
    }
    let name = n.name.into_inner();
    let model_line = Some(line_of(source, n.model.span()));
    let model = n.model.into_inner();
    let (params, params_line) = match n.params {
        None => (Params::new(), line),
        Some(p) => {
            let l = Some(line_of(source, p.span()));
            let params = table_to_params(source, p.into_inner(), "", &mut key_lines).map_err(
                |(m, key_line)| {
                    Error::invalid(
                        at(
                            key_line.or(l),
                            Some(format!("[[nodes]] {name:?} ({model})")),
                        ),
                        m,
                    )
                },
            )?;
            (params, l)
        }
    };
    Ok(NodeSpec {
        name,
        model,
        n: *n.n.get_ref(),
        params,
        line: params_line.or(line),
        model_line,
        key_lines,
    })
}

/// A `[[connect]]` entry (or a `connect` action) read from its table; `i` numbers it.
fn connect_spec(
    source: &str,
    at: &At<'_>,
    c: ConnectRepr,
    line: Option<usize>,
    i: usize,
) -> Result<ConnectSpec, Error> {
    let mut key_lines = BTreeMap::new();
    let item_of = |pre: &[String], post: &[String]| {
        Some(if pre.is_empty() && post.is_empty() {
            format!("[[connect]] #{} (sources → targets)", i + 1)
        } else {
            format!(
                "[[connect]] #{} ({} → {})",
                i + 1,
                pre.join(", "),
                post.join(", ")
            )
        })
    };
    let (pre, post, sources, targets) = match (c.pre, c.post, c.sources, c.targets) {
        (Some(pre), Some(post), None, None) => {
            key_lines.insert("pre".to_string(), line_of(source, pre.span()));
            key_lines.insert("post".to_string(), line_of(source, post.span()));
            (pre.into_inner().into_vec(), post.into_inner().into_vec(), None, None)
        }
        (None, None, Some(sources), Some(targets)) => {
            key_lines.insert("sources".to_string(), line_of(source, sources.span()));
            key_lines.insert("targets".to_string(), line_of(source, targets.span()));
            let (sources, targets) = (sources.into_inner(), targets.into_inner());
            if sources.len() != targets.len() {
                return Err(Error::invalid(
                    at(line, item_of(&[], &[])),
                    format!(
                        "sources has {} ids and targets {}: they are connected pairwise and need the same length",
                        sources.len(),
                        targets.len()
                    ),
                ));
            }
            (Vec::new(), Vec::new(), Some(sources), Some(targets))
        }
        _ => {
            return Err(Error::invalid(
                at(line, item_of(&[], &[])),
                "a [[connect]] entry has either pre and post (node names) or sources and targets (node ids)",
            ))
        }
    };
    let item = || item_of(&pre, &post);
    let mut table = |t: Option<Spanned<SpannedTable>>, prefix: &str| match t {
        None => Ok(Params::new()),
        Some(t) => {
            key_lines.insert(prefix.to_string(), line_of(source, t.span()));
            table_to_params(source, t.into_inner(), prefix, &mut key_lines)
                .map_err(|(m, l)| Error::invalid(at(l.or(line), item()), m))
        }
    };
    let conn = table(c.conn, "conn")?;
    let syn = table(c.syn, "syn")?;
    Ok(ConnectSpec {
        pre,
        post,
        sources,
        targets,
        conn,
        syn,
        line,
        key_lines,
    })
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

/// A table's values as parameters; records each key's line under `prefix.key` (or `key` when
/// `prefix` is empty). On error, the message and the line of the offending key.
fn table_to_params(
    source: &str,
    t: SpannedTable,
    prefix: &str,
    key_lines: &mut BTreeMap<String, usize>,
) -> Result<Params, (String, Option<usize>)> {
    let mut p = Params::new();
    for (k, v) in t {
        let line = line_of(source, v.span());
        let name = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        key_lines.insert(name.clone(), line);
        let value = toml_to_value(v.into_inner()).map_err(|m| {
            (
                format!("{name}: {m}; parameters are numbers, booleans, strings, lists or tables"),
                Some(line),
            )
        })?;
        p.insert(k, value);
    }
    Ok(p)
}

/// A multi-line parser message on one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The scenario item that holds byte `pos`: `[kernel]`, `[[nodes]] "lif" (glif_cond)`,
/// `[[connect]] #2`, … (`None` at the top level).
fn section_of(source: &str, pos: usize) -> Option<String> {
    let pos = pos.min(source.len());
    let line_start = source[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = &source[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let indent = line.len() - line.trim_start().len();
    let end = if line.trim_start().starts_with('[') {
        if pos > line_start + indent {
            // The position is inside a table header: the table itself is what is reported
            // (e.g. an unknown table), which lives at the top level.
            return None;
        }
        // At the start of a header: the table that the header opens (e.g. a missing key).
        line_start + line.len()
    } else {
        pos
    };
    let before = &source[..end];
    let mut header: Option<(String, usize)> = None;
    let (mut nodes, mut connects) = (0, 0);
    let mut offset = 0;
    for raw in before.split_inclusive('\n') {
        let line = raw.trim();
        // A header that starts at `pos` itself is the key being reported (the top level).
        if line.starts_with('[') {
            let name = line
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            match name.as_str() {
                "nodes" if line.starts_with("[[") => nodes += 1,
                "connect" if line.starts_with("[[") => connects += 1,
                _ => {}
            }
            header = Some((name, offset));
        }
        offset += raw.len();
    }
    let (name, start) = header?;
    let table = name.split('.').next().unwrap_or("");
    Some(match table {
        "nodes" => {
            // Name the entry by its `name` and `model`, if they are in its block.
            let block = &source[start..];
            let block = block
                .match_indices("[[")
                .nth(1)
                .map_or(block, |(i, _)| &block[..i]);
            let value_of = |key: &str| {
                block.lines().find_map(|l| {
                    let (k, v) = l.split_once('=')?;
                    (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
                })
            };
            match (value_of("name"), value_of("model")) {
                (Some(n), Some(m)) => format!("[[nodes]] {n:?} ({m})"),
                (Some(n), None) => format!("[[nodes]] {n:?}"),
                _ => format!("[[nodes]] #{nodes}"),
            }
        }
        "connect" => format!("[[connect]] #{connects}"),
        other => format!("[{other}]"),
    })
}

/// The key whose value starts at byte `pos` (`time` in `time = "1.0"`).
fn key_before(source: &str, pos: usize) -> Option<String> {
    let before = &source[..pos.min(source.len())];
    let line = before.rsplit('\n').next()?;
    let lhs = line.trim_end().strip_suffix('=')?.trim_end();
    let key: String = lhs
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!key.is_empty()).then(|| key.trim_matches('"').to_string())
}

/// serde's and toml's words for types, in the scenario's terms.
fn expected_in_words(expected: &str) -> String {
    let e = expected.trim();
    match e {
        "f64" | "f32" => "a number".into(),
        "i64" | "i32" => "an integer".into(),
        "u64" | "usize" | "u32" => "a non-negative integer".into(),
        "a boolean" | "bool" => "true or false".into(),
        "a map" => "a table".into(),
        "a sequence" => "a list".into(),
        "path string" => "a file name (a string)".into(),
        _ if e.starts_with("struct ") => "a table".into(),
        _ => e.to_string(),
    }
}

/// A shape error (unknown key, missing key, wrong type) from the deserializer, in words that
/// name the key and the value and say what would be valid.
fn schema_message(source: &str, span: Option<Range<usize>>, message: &str) -> String {
    let text = |r: &Range<usize>| {
        let t = source.get(r.clone()).unwrap_or("").trim();
        if t.chars().count() > 60 {
            format!("{}…", t.chars().take(60).collect::<String>())
        } else {
            t.to_string()
        }
    };
    let key = span.as_ref().and_then(|r| key_before(source, r.start));
    let names = |list: &str| -> Vec<String> {
        list.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, rest) = rest.split_once('`').unwrap_or((rest, ""));
        let valid = names(rest);
        let refs: Vec<&str> = valid.iter().map(String::as_str).collect();
        let hint = closest(field, &refs)
            .map(|s| format!(" (did you mean {s:?}?)"))
            .unwrap_or_default();
        return if valid.is_empty() {
            format!("unknown key {field:?}; this table takes no keys")
        } else {
            format!(
                "unknown key {field:?}{hint}; valid keys are {}",
                valid.join(", ")
            )
        };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return match field {
            "simulate" => {
                "the [simulate] table is missing; add e.g. [simulate] time = 100.0 (ms)".to_string()
            }
            _ => format!("the key {field:?} is missing; it is required"),
        };
    }
    let shown = |what: String| match (&key, &span) {
        (Some(k), Some(r)) => format!("{k} = {}: {what}", text(r)),
        (None, Some(r)) => format!("{}: {what}", text(r)),
        _ => what,
    };
    if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
    {
        if let Some((_, expected)) = rest.rsplit_once(", expected ") {
            if expected == "a spanned value" {
                // toml hands a date-time to a `Spanned` field as a private table.
                return shown("a date or time is not valid here".into());
            }
            return shown(format!("expected {}", expected_in_words(expected)));
        }
    }
    if message.contains("untagged enum Times") {
        return shown(
            "expected a duration in ms or a list of durations, e.g. 100.0 or [50.0, 50.0]".into(),
        );
    }
    if message.contains("untagged enum Names") {
        return shown(
            "expected a node name or a list of node names, e.g. \"exc\" or [\"exc\", \"inh\"]"
                .into(),
        );
    }
    shown(one_line(message))
}
