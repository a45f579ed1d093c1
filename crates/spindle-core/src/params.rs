//! Format-neutral parameter dictionaries, as NEST's `params` / `SetStatus` dictionaries.
//!
//! A front end (the scenario loader, later the Python API) turns its input into [`Params`];
//! models and devices read their keys from it with typed accessors that name the key and the
//! offending value on error, then [`Params::finish`] reports any key nobody read.

use std::collections::BTreeMap;
use std::fmt;
use thiserror::Error;

/// One parameter value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Value>),
    /// A nested dictionary, e.g. a random distribution `{ distribution = "uniform", … }`.
    Map(BTreeMap<String, Value>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::List(v) => {
                write!(f, "[")?;
                for (i, x) in v.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{x}")?;
                }
                write!(f, "]")
            }
            Value::Map(m) => {
                write!(f, "{{ ")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                write!(f, " }}")
            }
        }
    }
}

impl Value {
    fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::List(_) => "a list",
            Value::Map(_) => "a table",
        }
    }
}

/// A parameter problem: the key, the value as given, and what would be valid.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum ParamError {
    #[error("{key} = {value}: expected {expected}")]
    WrongType {
        key: String,
        value: String,
        expected: &'static str,
    },
    /// A value refused with NEST's exception name `kind` (`BadProperty` unless NEST names
    /// another, e.g. `BadDelay`).
    #[error("{key} = {value}: {kind}: {message}")]
    Invalid {
        key: String,
        value: String,
        kind: &'static str,
        message: String,
    },
    #[error("unknown parameter {key:?} for {model}{}", unknown_hint(suggestion.as_deref(), known))]
    Unknown {
        key: String,
        model: String,
        suggestion: Option<String>,
        known: Vec<&'static str>,
    },
    /// A rule over one or several keys, with NEST's exception name and message, the values
    /// the rule was checked on (`given`, as `(key, value)`) and, where NEST's message does not
    /// say it, what would be valid.
    #[error("{}{kind}: {message}{}", given_prefix(given), valid.as_ref().map(|v| format!(" Valid: {v}")).unwrap_or_default())]
    Rule {
        kind: &'static str,
        message: String,
        given: Vec<(String, String)>,
        valid: Option<String>,
    },
}

fn unknown_hint(suggestion: Option<&str>, known: &[&str]) -> String {
    match suggestion {
        Some(s) => format!(" (did you mean {s:?}?)"),
        None if known.is_empty() => "; it takes no parameters".to_string(),
        None => format!("; valid parameters are {}", known.join(", ")),
    }
}

fn given_prefix(given: &[(String, String)]) -> String {
    if given.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = given.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("{}: ", parts.join(", "))
}

impl ParamError {
    /// A `BadProperty` with NEST's message; name the keys it concerns with [`ParamError::with`].
    pub fn rule(message: impl Into<String>) -> ParamError {
        ParamError::Rule {
            kind: "BadProperty",
            message: message.into(),
            given: Vec::new(),
            valid: None,
        }
    }

    /// Name a key (and its value) that a [`ParamError::Rule`] was checked on.
    pub fn with(mut self, key: &str, value: impl fmt::Display) -> ParamError {
        if let ParamError::Rule { given, .. } = &mut self {
            given.push((key.to_string(), value.to_string()));
        }
        self
    }

    /// Say what would be valid, where NEST's message of a [`ParamError::Rule`] does not.
    pub fn valid(mut self, what: impl Into<String>) -> ParamError {
        if let ParamError::Rule { valid, .. } = &mut self {
            *valid = Some(what.into());
        }
        self
    }

    /// NEST's exception name for this error.
    pub fn nest_kind(&self) -> &'static str {
        match self {
            ParamError::WrongType { .. } => "TypeMismatch",
            ParamError::Invalid { kind, .. } | ParamError::Rule { kind, .. } => kind,
            ParamError::Unknown { .. } => "UnaccessedDictionaryEntry",
        }
    }

    /// NEST's message for this error (what follows the exception name; keys and values
    /// where NEST's message does not give them).
    pub fn nest_message(&self) -> String {
        match self {
            ParamError::Invalid {
                key,
                value,
                message,
                ..
            } => format!("{key} = {value}: {message}"),
            ParamError::Unknown {
                key, suggestion, ..
            } => format!(
                "Unaccessed elements in params: {key}{}",
                suggestion
                    .as_ref()
                    .map(|s| format!(" (did you mean {s:?}?)"))
                    .unwrap_or_default()
            ),
            ParamError::Rule { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// The error as a [`crate::error::Rejection`] (NEST's name and message).
    pub fn rejection(&self) -> crate::error::Rejection {
        crate::error::Rejection::new(self.nest_kind(), self.nest_message())
    }

    /// The (first) key the error is about, if it names one.
    pub fn key(&self) -> Option<&str> {
        match self {
            ParamError::WrongType { key, .. }
            | ParamError::Invalid { key, .. }
            | ParamError::Unknown { key, .. } => Some(key),
            ParamError::Rule { given, .. } => given.first().map(|(k, _)| k.as_str()),
        }
    }

    /// The keys the error is about.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            ParamError::Rule { given, .. } => given.iter().map(|(k, _)| k.as_str()).collect(),
            other => other.key().into_iter().collect(),
        }
    }

    /// Replace the value shown for `key` (e.g. by the value exactly as the user wrote it), or
    /// mark it as a default.
    pub fn show_value(&mut self, key: &str, shown: String) {
        match self {
            ParamError::Rule { given, .. } => {
                for (k, v) in given.iter_mut() {
                    if k == key {
                        *v = shown.clone();
                    }
                }
            }
            ParamError::Invalid { key: k, value, .. } if k == key => *value = shown,
            _ => {}
        }
    }
}

/// A dictionary of parameters being read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    entries: BTreeMap<String, Value>,
}

impl Params {
    pub fn new() -> Params {
        Params::default()
    }

    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        self.entries.insert(key.into(), value);
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries as a nested table (`Value::Map`).
    pub fn into_map(self) -> BTreeMap<String, Value> {
        self.entries
    }

    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// The raw value of `key`, without reading it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key)
    }

    /// The keys present, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Remove and return a raw value.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.entries.remove(key)
    }

    fn wrong(key: &str, v: &Value, expected: &'static str) -> ParamError {
        ParamError::WrongType {
            key: key.to_string(),
            value: format!("{v} ({})", v.type_name()),
            expected,
        }
    }

    /// A number (integers are accepted as numbers).
    pub fn f64(&mut self, key: &str) -> Result<Option<f64>, ParamError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Float(x)) => Ok(Some(x)),
            Some(Value::Int(i)) => Ok(Some(i as f64)),
            Some(v) => Err(Self::wrong(key, &v, "a number")),
        }
    }

    pub fn bool(&mut self, key: &str) -> Result<Option<bool>, ParamError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(v) => Err(Self::wrong(key, &v, "true or false")),
        }
    }

    pub fn i64(&mut self, key: &str) -> Result<Option<i64>, ParamError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Int(i)) => Ok(Some(i)),
            Some(Value::Float(x)) if x.fract() == 0.0 && x.abs() < 9e15 => Ok(Some(x as i64)),
            Some(v) => Err(Self::wrong(key, &v, "an integer")),
        }
    }

    pub fn string(&mut self, key: &str) -> Result<Option<String>, ParamError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(v) => Err(Self::wrong(key, &v, "a string")),
        }
    }

    /// A list of numbers.
    pub fn f64_list(&mut self, key: &str) -> Result<Option<Vec<f64>>, ParamError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::List(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in &items {
                    match item {
                        Value::Float(x) => out.push(*x),
                        Value::Int(i) => out.push(*i as f64),
                        _ => {
                            return Err(Self::wrong(
                                key,
                                &Value::List(items.clone()),
                                "a list of numbers",
                            ))
                        }
                    }
                }
                Ok(Some(out))
            }
            Some(v) => Err(Self::wrong(key, &v, "a list of numbers")),
        }
    }

    /// A list of integers.
    pub fn i64_list(&mut self, key: &str) -> Result<Option<Vec<i64>>, ParamError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::List(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in &items {
                    match item {
                        Value::Int(i) => out.push(*i),
                        _ => {
                            return Err(Self::wrong(
                                key,
                                &Value::List(items.clone()),
                                "a list of integers",
                            ))
                        }
                    }
                }
                Ok(Some(out))
            }
            Some(v) => Err(Self::wrong(key, &v, "a list of integers")),
        }
    }

    /// A list of strings.
    pub fn string_list(&mut self, key: &str) -> Result<Option<Vec<String>>, ParamError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::List(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in &items {
                    match item {
                        Value::Str(s) => out.push(s.clone()),
                        _ => {
                            return Err(Self::wrong(
                                key,
                                &Value::List(items.clone()),
                                "a list of strings",
                            ))
                        }
                    }
                }
                Ok(Some(out))
            }
            Some(v) => Err(Self::wrong(key, &v, "a list of strings")),
        }
    }

    /// Fail on any key that was not read, suggesting the closest of `known`.
    pub fn finish(self, model: &str, known: &[&'static str]) -> Result<(), ParamError> {
        if let Some((key, _)) = self.entries.into_iter().next() {
            let suggestion = closest(&key, known).map(str::to_string);
            return Err(ParamError::Unknown {
                key,
                model: model.to_string(),
                suggestion,
                known: known.to_vec(),
            });
        }
        Ok(())
    }
}

/// An invalid value error for `key` (NEST's `BadProperty`).
pub fn invalid(key: &str, value: impl fmt::Display, message: impl Into<String>) -> ParamError {
    invalid_as("BadProperty", key, value, message)
}

/// An invalid value error for `key` with NEST's exception name `kind`.
pub fn invalid_as(
    kind: &'static str,
    key: &str,
    value: impl fmt::Display,
    message: impl Into<String>,
) -> ParamError {
    ParamError::Invalid {
        key: key.to_string(),
        value: value.to_string(),
        kind,
        message: message.into(),
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (levenshtein(&lower, &c.to_lowercase()), *c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 3))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_reads_and_unknown_keys() {
        let mut p = Params::new();
        p.insert("C_m", Value::Int(250));
        p.insert(
            "tau_syn",
            Value::List(vec![Value::Float(0.2), Value::Int(2)]),
        );
        p.insert("V_thx", Value::Float(-50.0));
        assert_eq!(p.f64("C_m").unwrap(), Some(250.0));
        assert_eq!(p.f64_list("tau_syn").unwrap(), Some(vec![0.2, 2.0]));
        let err = p.finish("glif_cond", &["V_th", "C_m"]).unwrap_err();
        assert!(err.to_string().contains("V_thx"));
        assert!(err.to_string().contains("did you mean \"V_th\""));
    }

    #[test]
    fn wrong_types_name_the_key_and_value() {
        let mut p = Params::new();
        p.insert("C_m", Value::Str("big".into()));
        let err = p.f64("C_m").unwrap_err().to_string();
        assert!(
            err.contains("C_m") && err.contains("big") && err.contains("a number"),
            "{err}"
        );
    }
}
