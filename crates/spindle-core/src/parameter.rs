//! NEST's parameter objects: random distributions (`nest.random`), arithmetic on them
//! (`+ - * / **`, comparisons), `nest.math` (`exp`, `sin`, `cos`, `min`, `max`, `redraw`) and
//! `nest.logic.conditional` — one expression tree, [`Parameter`], drawn per use.
//!
//! A parameter is what a PyNEST script passes where a number is expected: a synapse's weight or
//! delay (drawn per connection) or a node parameter (drawn per node). NEST keeps it as a tree of
//! C++ objects (`nestkernel/parameter.h`); spindle keeps the same tree as an enum, with NEST's
//! defaults, argument checks, exception names and messages, and evaluation order (an operation
//! draws its left operand, then its right; a conditional draws its condition, then only the
//! branch it takes; `redraw` draws at most [`MAX_REDRAWS`] times). The draws come from
//! spindle's keyed ChaCha8 streams (`rng.rs`), so the values are a different realisation from
//! NEST's with the same distribution, and never depend on the thread count.
//!
//! # Written form
//!
//! Scenario files and the Python layer describe a parameter as a nested table
//! ([`Parameter::from_value`], [`Parameter::to_value`]): a number is a constant; a distribution
//! is `{ distribution = NAME, … }` with NEST's argument names and defaults:
//!
//! | table | draws | defaults |
//! |---|---|---|
//! | `{ distribution = "constant", value = x }` | `x` (the same as the number `x`) | — |
//! | `{ distribution = "uniform", min, max }` | `min + U·(max − min)`, `U ∈ [0, 1)` | 0, 1 |
//! | `{ distribution = "normal", mean, std }` | normal | 0, 1 |
//! | `{ distribution = "lognormal", mean, std }` | `exp(normal(mean, std))`: mean and std of the logarithm | 0, 1 |
//! | `{ distribution = "exponential", beta }` | `−beta · ln(1 − U)` (mean `beta`) | 1 |
//! | `{ distribution = "uniform_int", max }` | an integer in `0 .. max` | 1 |
//!
//! (`low`/`high` are accepted for `min`/`max` and `mu`/`sigma` for `mean`/`std`, the spellings
//! of older scenario files.) An operation is `{ op = NAME, … }` whose operands are themselves
//! numbers or tables:
//!
//! | table | value |
//! |---|---|
//! | `{ op = "add" \| "sub" \| "mul" \| "div", left, right }` | `left ∘ right` |
//! | `{ op = "pow", param, exponent }` | `param ** exponent` (a number, as in NEST) |
//! | `{ op = "exp" \| "sin" \| "cos", param }` | the function of `param` |
//! | `{ op = "min" \| "max", param, value }` | C++'s `std::min`/`std::max` of `param` and a number |
//! | `{ op = "redraw", param, min, max }` | `param`, drawn again while outside `[min, max]` |
//! | `{ op = "compare", comparator, left, right }` | 1 or 0; comparator `"<" "<=" "==" "!=" ">=" ">"` |
//! | `{ op = "conditional", condition, if_true, if_false }` | `if_true` where `condition ≠ 0`, else `if_false` |

use crate::params::{ParamError, Params, Value};
use crate::rng::{self, standard_normal, uniform};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::fmt;

/// How often `redraw` draws its parameter before giving up (NEST's `max_redraws_`).
pub const MAX_REDRAWS: usize = 1000;

/// How far the plausible range of a normal tail reaches, in standard deviations: a draw beyond
/// it has a chance of about 3·10⁻⁷ (used for estimates only, never to bound a draw).
const TAIL_SIGMAS: f64 = 5.0;
/// The exponential tail of the same probability: `−ln P(Z > 5)`.
const TAIL_EXPONENTIAL: f64 = 15.0;

/// The comparison of a comparing parameter (`p < q`, …), numbered as NEST numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparator {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

impl Comparator {
    pub const ALL: [Comparator; 6] = [
        Comparator::Lt,
        Comparator::Le,
        Comparator::Eq,
        Comparator::Ne,
        Comparator::Ge,
        Comparator::Gt,
    ];

    /// The operator as written in Python and in scenario tables.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Eq => "==",
            Comparator::Ne => "!=",
            Comparator::Ge => ">=",
            Comparator::Gt => ">",
        }
    }

    pub fn from_symbol(s: &str) -> Option<Comparator> {
        Comparator::ALL.into_iter().find(|c| c.symbol() == s)
    }

    /// NEST's `comparator` number (0 `<` … 5 `>`, the order of PyNEST's operators).
    pub fn nest_code(self) -> i64 {
        Comparator::ALL.iter().position(|&c| c == self).unwrap() as i64
    }

    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Comparator::Lt => a < b,
            Comparator::Le => a <= b,
            Comparator::Eq => a == b,
            Comparator::Ne => a != b,
            Comparator::Ge => a >= b,
            Comparator::Gt => a > b,
        }
    }
}

/// A NEST parameter: a constant, a distribution, or an operation on parameters.
///
/// Construct it with [`Parameter::from_value`] (which checks arguments as NEST does); a tree
/// built directly should be checked with [`Parameter::validate`] before it is sampled.
#[derive(Clone, Debug, PartialEq)]
pub enum Parameter {
    Constant(f64),
    /// `min + U·(max − min)`, `U ∈ [0, 1)`; `min < max`.
    Uniform {
        min: f64,
        max: f64,
    },
    /// An integer in `0 .. max`, `max > 0`.
    UniformInt {
        max: i64,
    },
    /// `std > 0`.
    Normal {
        mean: f64,
        std: f64,
    },
    /// `exp(N)` for `N` normal with `mean` and `std > 0` (the parameters of the logarithm).
    Lognormal {
        mean: f64,
        std: f64,
    },
    /// Exponential with scale (mean) `beta`; NEST accepts any `beta`.
    Exponential {
        beta: f64,
    },
    Add(Box<Parameter>, Box<Parameter>),
    Sub(Box<Parameter>, Box<Parameter>),
    Mul(Box<Parameter>, Box<Parameter>),
    Div(Box<Parameter>, Box<Parameter>),
    /// `param ** exponent`; NEST's exponent is a number, not a parameter.
    Pow {
        param: Box<Parameter>,
        exponent: f64,
    },
    Exp(Box<Parameter>),
    Sin(Box<Parameter>),
    Cos(Box<Parameter>),
    /// `std::min(param, value)`.
    Min {
        param: Box<Parameter>,
        value: f64,
    },
    /// `std::max(param, value)`.
    Max {
        param: Box<Parameter>,
        value: f64,
    },
    /// `param`, drawn again while it falls outside `[min, max]` (both included), at most
    /// [`MAX_REDRAWS`] times; `min ≤ max`.
    Redraw {
        param: Box<Parameter>,
        min: f64,
        max: f64,
    },
    /// 1 where `left comparator right` holds, else 0.
    Compare {
        left: Box<Parameter>,
        right: Box<Parameter>,
        comparator: Comparator,
    },
    /// `if_true` where `condition` is not 0, else `if_false`; only the branch taken is drawn.
    Conditional {
        condition: Box<Parameter>,
        if_true: Box<Parameter>,
        if_false: Box<Parameter>,
    },
}

/// The distributions a `distribution = …` table may name, with their arguments.
const DISTRIBUTIONS: &str = "constant (value), uniform (min, max), normal (mean, std), \
     lognormal (mean, std), exponential (beta), uniform_int (max)";
/// The operations an `op = …` table may name.
const OPERATIONS: &str = "add, sub, mul, div (left, right), pow (param, exponent), exp, sin, \
     cos (param), min, max (param, value), redraw (param, min, max), compare (comparator, left, \
     right), conditional (condition, if_true, if_false)";

fn boxed(p: Parameter) -> Box<Parameter> {
    Box::new(p)
}

/// `path.key`, or `key` at the root.
fn join(path: &str, key: &str) -> String {
    match (path.is_empty(), key.is_empty()) {
        (true, _) => key.to_string(),
        (_, true) => path.to_string(),
        _ => format!("{path}.{key}"),
    }
}

/// The error with every key it names placed under `path` (`std` → `syn.weight.left.std`; the
/// empty key, the parameter itself, → `syn.weight`).
pub(crate) fn qualify(e: ParamError, path: &str) -> ParamError {
    if path.is_empty() {
        return e;
    }
    match e {
        ParamError::WrongType {
            key,
            value,
            expected,
        } => ParamError::WrongType {
            key: join(path, &key),
            value,
            expected,
        },
        ParamError::Invalid {
            key,
            value,
            kind,
            message,
        } => ParamError::Invalid {
            key: join(path, &key),
            value,
            kind,
            message,
        },
        ParamError::Unknown {
            key,
            model,
            suggestion,
            known,
        } => ParamError::Unknown {
            key: join(path, &key),
            model,
            suggestion,
            known,
        },
        ParamError::Rule {
            kind,
            message,
            given,
            valid,
        } => ParamError::Rule {
            kind,
            message,
            given: given
                .into_iter()
                .map(|(k, v)| (join(path, &k), v))
                .collect(),
            valid,
        },
    }
}

/// A NEST exception about the parameter itself, shown as `shown` (e.g. `normal(1, -1)`).
fn nest_error(kind: &'static str, message: &str, shown: String) -> ParamError {
    ParamError::Rule {
        kind,
        message: message.to_string(),
        given: vec![(String::new(), shown)],
        valid: None,
    }
}

/// C++'s `std::min(a, b)`: `a` unless `b < a` (so a NaN `a` is kept, unlike `f64::min`).
fn cpp_min(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// C++'s `std::max(a, b)`: `a` unless `a < b`.
fn cpp_max(a: f64, b: f64) -> f64 {
    if a < b {
        b
    } else {
        a
    }
}

/// A table being read: its entries, and the path of the table for messages.
struct Table {
    params: Params,
    what: String,
}

impl Table {
    fn number(&mut self, key: &str, default: Option<f64>) -> Result<f64, ParamError> {
        match self.params.f64(key)? {
            Some(x) => Ok(x),
            None => default.ok_or_else(|| self.missing(key)),
        }
    }

    /// A number given as `key` or as its older spelling `alias`, or `default`.
    fn aliased(&mut self, key: &str, alias: &str, default: f64) -> Result<f64, ParamError> {
        match (self.params.f64(key)?, self.params.f64(alias)?) {
            (Some(_), Some(b)) => Err(crate::params::invalid(
                alias,
                b,
                format!("{alias} is another name of {key}; give one of them"),
            )),
            (Some(x), None) | (None, Some(x)) => Ok(x),
            (None, None) => Ok(default),
        }
    }

    fn operand(&mut self, key: &str) -> Result<Box<Parameter>, ParamError> {
        match self.params.take(key) {
            Some(v) => Parameter::read_relative(&v)
                .map(boxed)
                .map_err(|e| qualify(e, key)),
            None => Err(self.missing(key)),
        }
    }

    fn missing(&self, key: &str) -> ParamError {
        crate::params::invalid(key, "missing", format!("{} needs {key}", self.what))
    }

    /// Fail on any key not read (NEST's `UnaccessedDictionaryEntry`).
    fn finish(&mut self, known: &[&'static str]) -> Result<(), ParamError> {
        std::mem::take(&mut self.params).finish(&self.what, known)
    }
}

impl Parameter {
    /// Read a parameter from its written form (see the module documentation), checking its
    /// arguments as NEST does. Errors name keys under `parameter` (`parameter.left.std`).
    pub fn from_value(v: &Value) -> Result<Parameter, ParamError> {
        Parameter::read(v, "parameter")
    }

    /// [`Parameter::from_value`] for the value of `key` (e.g. `syn.weight`): errors name
    /// `key` and the keys inside it (`syn.weight.std`).
    pub fn read(v: &Value, key: &str) -> Result<Parameter, ParamError> {
        Parameter::read_relative(v).map_err(|e| qualify(e, key))
    }

    /// Read `v`; errors name keys relative to `v` (the empty key is `v` itself).
    fn read_relative(v: &Value) -> Result<Parameter, ParamError> {
        let table = match v {
            Value::Float(x) => return Ok(Parameter::Constant(*x)),
            Value::Int(i) => return Ok(Parameter::Constant(*i as f64)),
            Value::Map(m) => m,
            other => {
                return Err(ParamError::WrongType {
                    key: String::new(),
                    value: other.to_string(),
                    expected: "a number or a parameter table such as { distribution = \"uniform\", min = 0.5, max = 1.5 }",
                })
            }
        };
        let mut params = Params::new();
        for (k, v) in table {
            params.insert(k.clone(), v.clone());
        }
        let distribution = params.string("distribution")?;
        let op = if distribution.is_none() {
            params.string("op")?
        } else {
            None
        };
        let p = match (distribution, op) {
            (Some(name), _) => {
                let mut t = Table {
                    params,
                    what: format!("{name} distribution"),
                };
                Parameter::read_distribution(&name, &mut t)?
            }
            (None, Some(name)) => {
                let mut t = Table {
                    params,
                    what: format!("{name} operation"),
                };
                Parameter::read_operation(&name, &mut t)?
            }
            (None, None) => {
                return Err(crate::params::invalid(
                    "",
                    v,
                    format!("a parameter table needs distribution = … ({DISTRIBUTIONS}) or op = … ({OPERATIONS})"),
                ))
            }
        };
        p.check()?;
        Ok(p)
    }

    fn read_distribution(name: &str, t: &mut Table) -> Result<Parameter, ParamError> {
        let p = match name {
            "constant" => {
                let value = t.number("value", None)?;
                t.finish(&["distribution", "value"])?;
                return Ok(Parameter::Constant(value));
            }
            "uniform" => Parameter::Uniform {
                min: t.aliased("min", "low", 0.0)?,
                max: t.aliased("max", "high", 1.0)?,
            },
            "normal" => Parameter::Normal {
                mean: t.aliased("mean", "mu", 0.0)?,
                std: t.aliased("std", "sigma", 1.0)?,
            },
            "lognormal" => Parameter::Lognormal {
                mean: t.aliased("mean", "mu", 0.0)?,
                std: t.aliased("std", "sigma", 1.0)?,
            },
            "exponential" => Parameter::Exponential {
                beta: t.number("beta", Some(1.0))?,
            },
            "uniform_int" => Parameter::UniformInt {
                max: t.params.i64("max")?.unwrap_or(1),
            },
            other => {
                return Err(crate::params::invalid(
                    "distribution",
                    format!("{other:?}"),
                    format!("valid distributions are {DISTRIBUTIONS}"),
                ))
            }
        };
        let known: &[&'static str] = match name {
            "uniform" => &["distribution", "min", "max", "low", "high"],
            "normal" | "lognormal" => &["distribution", "mean", "std", "mu", "sigma"],
            "exponential" => &["distribution", "beta"],
            _ => &["distribution", "max"],
        };
        t.finish(known)?;
        Ok(p)
    }

    fn read_operation(name: &str, t: &mut Table) -> Result<Parameter, ParamError> {
        let binary = |t: &mut Table| -> Result<(Box<Parameter>, Box<Parameter>), ParamError> {
            Ok((t.operand("left")?, t.operand("right")?))
        };
        let (p, known): (Parameter, &[&'static str]) = match name {
            "add" | "sub" | "mul" | "div" => {
                let (l, r) = binary(t)?;
                let p = match name {
                    "add" => Parameter::Add(l, r),
                    "sub" => Parameter::Sub(l, r),
                    "mul" => Parameter::Mul(l, r),
                    _ => Parameter::Div(l, r),
                };
                (p, &["op", "left", "right"])
            }
            "pow" => (
                Parameter::Pow {
                    param: t.operand("param")?,
                    exponent: t.number("exponent", None)?,
                },
                &["op", "param", "exponent"],
            ),
            "exp" | "sin" | "cos" => {
                let param = t.operand("param")?;
                let p = match name {
                    "exp" => Parameter::Exp(param),
                    "sin" => Parameter::Sin(param),
                    _ => Parameter::Cos(param),
                };
                (p, &["op", "param"])
            }
            "min" | "max" => {
                let (param, value) = (t.operand("param")?, t.number("value", None)?);
                let p = if name == "min" {
                    Parameter::Min { param, value }
                } else {
                    Parameter::Max { param, value }
                };
                (p, &["op", "param", "value"])
            }
            "redraw" => (
                Parameter::Redraw {
                    param: t.operand("param")?,
                    min: t.number("min", None)?,
                    max: t.number("max", None)?,
                },
                &["op", "param", "min", "max"],
            ),
            "compare" => {
                let symbol = t
                    .params
                    .string("comparator")?
                    .ok_or_else(|| t.missing("comparator"))?;
                let comparator = Comparator::from_symbol(&symbol).ok_or_else(|| {
                    crate::params::invalid(
                        "comparator",
                        format!("{symbol:?}"),
                        "valid comparators are \"<\", \"<=\", \"==\", \"!=\", \">=\", \">\"",
                    )
                })?;
                let (left, right) = binary(t)?;
                (
                    Parameter::Compare {
                        left,
                        right,
                        comparator,
                    },
                    &["op", "comparator", "left", "right"],
                )
            }
            "conditional" => (
                Parameter::Conditional {
                    condition: t.operand("condition")?,
                    if_true: t.operand("if_true")?,
                    if_false: t.operand("if_false")?,
                },
                &["op", "condition", "if_true", "if_false"],
            ),
            other => {
                return Err(crate::params::invalid(
                    "op",
                    format!("{other:?}"),
                    format!("valid operations are {OPERATIONS}"),
                ))
            }
        };
        t.finish(known)?;
        Ok(p)
    }

    /// The written form, which [`Parameter::from_value`] reads back as the same parameter.
    pub fn to_value(&self) -> Value {
        let table = |entries: Vec<(&str, Value)>| {
            Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect::<BTreeMap<_, _>>(),
            )
        };
        let dist = |name: &str| ("distribution", Value::Str(name.into()));
        let op = |name: &str| ("op", Value::Str(name.into()));
        let num = Value::Float;
        let sub = |p: &Parameter| p.to_value();
        match self {
            Parameter::Constant(c) => num(*c),
            Parameter::Uniform { min, max } => table(vec![
                dist("uniform"),
                ("min", num(*min)),
                ("max", num(*max)),
            ]),
            Parameter::UniformInt { max } => {
                table(vec![dist("uniform_int"), ("max", Value::Int(*max))])
            }
            Parameter::Normal { mean, std } => table(vec![
                dist("normal"),
                ("mean", num(*mean)),
                ("std", num(*std)),
            ]),
            Parameter::Lognormal { mean, std } => table(vec![
                dist("lognormal"),
                ("mean", num(*mean)),
                ("std", num(*std)),
            ]),
            Parameter::Exponential { beta } => {
                table(vec![dist("exponential"), ("beta", num(*beta))])
            }
            Parameter::Add(l, r)
            | Parameter::Sub(l, r)
            | Parameter::Mul(l, r)
            | Parameter::Div(l, r) => {
                let name = match self {
                    Parameter::Add(..) => "add",
                    Parameter::Sub(..) => "sub",
                    Parameter::Mul(..) => "mul",
                    _ => "div",
                };
                table(vec![op(name), ("left", sub(l)), ("right", sub(r))])
            }
            Parameter::Pow { param, exponent } => table(vec![
                op("pow"),
                ("param", sub(param)),
                ("exponent", num(*exponent)),
            ]),
            Parameter::Exp(p) => table(vec![op("exp"), ("param", sub(p))]),
            Parameter::Sin(p) => table(vec![op("sin"), ("param", sub(p))]),
            Parameter::Cos(p) => table(vec![op("cos"), ("param", sub(p))]),
            Parameter::Min { param, value } => table(vec![
                op("min"),
                ("param", sub(param)),
                ("value", num(*value)),
            ]),
            Parameter::Max { param, value } => table(vec![
                op("max"),
                ("param", sub(param)),
                ("value", num(*value)),
            ]),
            Parameter::Redraw { param, min, max } => table(vec![
                op("redraw"),
                ("param", sub(param)),
                ("min", num(*min)),
                ("max", num(*max)),
            ]),
            Parameter::Compare {
                left,
                right,
                comparator,
            } => table(vec![
                op("compare"),
                ("comparator", Value::Str(comparator.symbol().into())),
                ("left", sub(left)),
                ("right", sub(right)),
            ]),
            Parameter::Conditional {
                condition,
                if_true,
                if_false,
            } => table(vec![
                op("conditional"),
                ("condition", sub(condition)),
                ("if_true", sub(if_true)),
                ("if_false", sub(if_false)),
            ]),
        }
    }

    /// The operands, with the keys they are written under.
    fn children(&self) -> Vec<(&'static str, &Parameter)> {
        match self {
            Parameter::Constant(_)
            | Parameter::Uniform { .. }
            | Parameter::UniformInt { .. }
            | Parameter::Normal { .. }
            | Parameter::Lognormal { .. }
            | Parameter::Exponential { .. } => Vec::new(),
            Parameter::Add(l, r)
            | Parameter::Sub(l, r)
            | Parameter::Mul(l, r)
            | Parameter::Div(l, r)
            | Parameter::Compare {
                left: l, right: r, ..
            } => vec![("left", l), ("right", r)],
            Parameter::Pow { param, .. }
            | Parameter::Min { param, .. }
            | Parameter::Max { param, .. }
            | Parameter::Redraw { param, .. }
            | Parameter::Exp(param)
            | Parameter::Sin(param)
            | Parameter::Cos(param) => vec![("param", param)],
            Parameter::Conditional {
                condition,
                if_true,
                if_false,
            } => vec![
                ("condition", condition),
                ("if_true", if_true),
                ("if_false", if_false),
            ],
        }
    }

    /// NEST's constructor checks of this node of the tree (not of its operands). NaN fails
    /// them, as the messages require (`min < max`, `std > 0`), where NEST lets it through.
    fn check(&self) -> Result<(), ParamError> {
        match *self {
            Parameter::Uniform { min, max } if min.is_nan() || max.is_nan() || min >= max => {
                Err(nest_error(
                    "BadProperty",
                    "nest::UniformParameter: min < max required.",
                    format!("uniform({min}, {max})"),
                ))
            }
            Parameter::UniformInt { max } if max <= 0 => Err(nest_error(
                "BadProperty",
                "nest::UniformIntParameter: max > 0 required.",
                format!("uniform_int({max})"),
            )),
            Parameter::Normal { mean, std } if std.is_nan() || std <= 0.0 => Err(nest_error(
                "BadProperty",
                "nest::NormalParameter: std > 0 required.",
                format!("normal({mean}, {std})"),
            )),
            Parameter::Lognormal { mean, std } if std.is_nan() || std <= 0.0 => Err(nest_error(
                "BadProperty",
                "nest::LognormalParameter: std > 0 required.",
                format!("lognormal({mean}, {std})"),
            )),
            Parameter::Redraw { min, max, .. } if min.is_nan() || max.is_nan() || min > max => {
                Err(nest_error(
                    "BadParameterValue",
                    "min <= max required.",
                    format!("redraw(…, {min}, {max})"),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Check the arguments of the whole tree as NEST's constructors do (`from_value` already
    /// has); errors name the operand (`left.std`).
    pub fn validate(&self) -> Result<(), ParamError> {
        self.check()?;
        for (key, child) in self.children() {
            child.validate().map_err(|e| qualify(e, key))?;
        }
        Ok(())
    }

    /// Does a draw use random numbers?
    pub fn is_random(&self) -> bool {
        match self {
            Parameter::Uniform { .. }
            | Parameter::UniformInt { .. }
            | Parameter::Normal { .. }
            | Parameter::Lognormal { .. }
            | Parameter::Exponential { .. } => true,
            other => other.children().iter().any(|(_, c)| c.is_random()),
        }
    }

    /// The value, if every draw gives the same one (a constant, or operations on constants
    /// that can be evaluated).
    pub fn constant(&self) -> Option<f64> {
        if self.is_random() {
            return None;
        }
        // No random leaf: the stream is never read.
        let mut unused = rng::stream(0, 0, 0, 0, 0);
        self.sample(&mut unused).ok()
    }

    /// One draw, from `r`. Fails only where NEST fails while drawing: a `redraw` that found no
    /// value within its bounds in [`MAX_REDRAWS`] draws (`KernelException`), or a tree that
    /// [`Parameter::validate`] would refuse.
    #[inline]
    pub fn sample(&self, r: &mut ChaCha8Rng) -> Result<f64, ParamError> {
        Ok(match self {
            Parameter::Constant(c) => *c,
            Parameter::Uniform { min, max } => min + uniform(r) * (max - min),
            Parameter::UniformInt { max } => {
                if *max <= 0 {
                    self.check()?;
                }
                rng::below(r, *max as u64) as f64
            }
            Parameter::Normal { mean, std } => mean + std * standard_normal(r),
            Parameter::Lognormal { mean, std } => (mean + std * standard_normal(r)).exp(),
            Parameter::Exponential { beta } => beta * -(1.0 - uniform(r)).ln(),
            Parameter::Add(l, rhs) => l.sample(r)? + rhs.sample(r)?,
            Parameter::Sub(l, rhs) => l.sample(r)? - rhs.sample(r)?,
            Parameter::Mul(l, rhs) => l.sample(r)? * rhs.sample(r)?,
            Parameter::Div(l, rhs) => l.sample(r)? / rhs.sample(r)?,
            Parameter::Pow { param, exponent } => param.sample(r)?.powf(*exponent),
            Parameter::Exp(p) => p.sample(r)?.exp(),
            Parameter::Sin(p) => p.sample(r)?.sin(),
            Parameter::Cos(p) => p.sample(r)?.cos(),
            Parameter::Min { param, value } => cpp_min(param.sample(r)?, *value),
            Parameter::Max { param, value } => cpp_max(param.sample(r)?, *value),
            Parameter::Redraw { param, min, max } => {
                for _ in 0..MAX_REDRAWS {
                    let v = param.sample(r)?;
                    // NaN is accepted, as in NEST (it is neither below nor above).
                    if !(v < *min || v > *max) {
                        return Ok(v);
                    }
                }
                return Err(ParamError::Rule {
                    kind: "KernelException",
                    message: format!("Number of redraws exceeded limit of {MAX_REDRAWS}"),
                    given: Vec::new(),
                    valid: None,
                });
            }
            Parameter::Compare {
                left,
                right,
                comparator,
            } => {
                let (a, b) = (left.sample(r)?, right.sample(r)?);
                if comparator.holds(a, b) {
                    1.0
                } else {
                    0.0
                }
            }
            Parameter::Conditional {
                condition,
                if_true,
                if_false,
            } => {
                // C++'s truth of a double: NaN is true.
                if condition.sample(r)? != 0.0 {
                    if_true.sample(r)?
                } else {
                    if_false.sample(r)?
                }
            }
        })
    }

    /// An interval holding every draw: the closed hull of the values the parameter can take
    /// (a normal distribution's is unbounded). Sound but not always tight.
    pub fn support(&self) -> (f64, f64) {
        self.interval(false)
    }

    /// An interval holding all but a negligible share of the draws: a normal distribution's
    /// ±5 standard deviations, the same tail for the others. For estimates (memory, delay
    /// extrema), never to bound a draw.
    pub fn range(&self) -> (f64, f64) {
        self.interval(true)
    }

    fn interval(&self, plausible: bool) -> (f64, f64) {
        const ALL: (f64, f64) = (f64::NEG_INFINITY, f64::INFINITY);
        let tails = |lo: f64, hi: f64| if plausible { (lo, hi) } else { ALL };
        let (lo, hi) = match self {
            Parameter::Constant(c) => (*c, *c),
            Parameter::Uniform { min, max } => (*min, *max),
            Parameter::UniformInt { max } => (0.0, (*max - 1) as f64),
            Parameter::Normal { mean, std } => {
                tails(mean - TAIL_SIGMAS * std, mean + TAIL_SIGMAS * std)
            }
            Parameter::Lognormal { mean, std } => {
                if plausible {
                    (
                        (mean - TAIL_SIGMAS * std).exp(),
                        (mean + TAIL_SIGMAS * std).exp(),
                    )
                } else {
                    (0.0, f64::INFINITY)
                }
            }
            Parameter::Exponential { beta } => {
                let far = if plausible {
                    TAIL_EXPONENTIAL * beta
                } else {
                    beta.signum() * f64::INFINITY
                };
                (far.min(0.0), far.max(0.0))
            }
            Parameter::Add(l, r) => {
                let (a, b) = (l.interval(plausible), r.interval(plausible));
                (a.0 + b.0, a.1 + b.1)
            }
            Parameter::Sub(l, r) => {
                let (a, b) = (l.interval(plausible), r.interval(plausible));
                (a.0 - b.1, a.1 - b.0)
            }
            Parameter::Mul(l, r) => product(l.interval(plausible), r.interval(plausible)),
            Parameter::Div(l, r) => {
                let (a, b) = (l.interval(plausible), r.interval(plausible));
                if b.0 <= 0.0 && b.1 >= 0.0 {
                    ALL
                } else {
                    product(a, (1.0 / b.1, 1.0 / b.0))
                }
            }
            Parameter::Pow { param, exponent } => power(param.interval(plausible), *exponent),
            Parameter::Exp(p) => {
                let (a, b) = p.interval(plausible);
                (a.exp(), b.exp())
            }
            Parameter::Sin(_) | Parameter::Cos(_) => (-1.0, 1.0),
            Parameter::Min { param, value } => {
                let (a, b) = param.interval(plausible);
                (a.min(*value), b.min(*value))
            }
            Parameter::Max { param, value } => {
                let (a, b) = param.interval(plausible);
                (a.max(*value), b.max(*value))
            }
            Parameter::Redraw { param, min, max } => {
                let (a, b) = param.interval(plausible);
                let (lo, hi) = (a.max(*min), b.min(*max));
                if lo <= hi {
                    (lo, hi)
                } else {
                    (*min, *max)
                }
            }
            Parameter::Compare { .. } => (0.0, 1.0),
            Parameter::Conditional {
                if_true, if_false, ..
            } => {
                let (a, b) = (if_true.interval(plausible), if_false.interval(plausible));
                (a.0.min(b.0), a.1.max(b.1))
            }
        };
        // ∞ − ∞ and 0 · ∞ leave NaN: no bound is known there.
        (
            if lo.is_nan() { f64::NEG_INFINITY } else { lo },
            if hi.is_nan() { f64::INFINITY } else { hi },
        )
    }

    /// The smallest value, where draws reach it (or come arbitrarily close) with a probability
    /// that is not negligible: a constant, a uniform distribution's `min`, 0 for
    /// `uniform_int` and `exponential`, a `redraw` bound inside its parameter's range. `None`
    /// where the lower end is a tail (normal, log-normal) or not known. Connect-time checks
    /// test it (a delay below the resolution), leaving tails to the checks of each draw.
    pub fn attained_minimum(&self) -> Option<f64> {
        match self {
            Parameter::Constant(c) => Some(*c),
            Parameter::Uniform { min, .. } => Some(*min),
            Parameter::UniformInt { .. } => Some(0.0),
            Parameter::Exponential { beta } if *beta >= 0.0 => Some(0.0),
            Parameter::Redraw { param, min, .. } => {
                if param.support().0 < *min {
                    Some(*min)
                } else {
                    param.attained_minimum()
                }
            }
            Parameter::Max { param, value } => {
                if param.support().0 < *value {
                    Some(*value)
                } else {
                    param.attained_minimum()
                }
            }
            Parameter::Min { param, value } => param.attained_minimum().map(|m| m.min(*value)),
            Parameter::Add(l, r) => Some(l.attained_minimum()? + r.attained_minimum()?),
            Parameter::Sub(l, r) => Some(l.attained_minimum()? - r.constant()?),
            Parameter::Mul(l, r) => match (l.constant(), r.constant()) {
                (Some(c), _) if c > 0.0 => Some(c * r.attained_minimum()?),
                (_, Some(c)) if c > 0.0 => Some(l.attained_minimum()? * c),
                _ => None,
            },
            Parameter::Div(l, r) => match r.constant() {
                Some(c) if c > 0.0 => Some(l.attained_minimum()? / c),
                _ => None,
            },
            _ => None,
        }
    }

    /// Can a draw be negative?
    pub fn may_be_negative(&self) -> bool {
        self.support().0 < 0.0
    }

    /// A representative value, for connect-time checks that need one number: the mean where
    /// it has a closed form, the operation applied to its operands' representative values
    /// otherwise.
    pub fn typical(&self) -> f64 {
        match self {
            Parameter::Constant(c) => *c,
            Parameter::Uniform { min, max } => 0.5 * (min + max),
            Parameter::UniformInt { max } => 0.5 * (*max - 1) as f64,
            Parameter::Normal { mean, .. } => *mean,
            Parameter::Lognormal { mean, std } => (mean + 0.5 * std * std).exp(),
            Parameter::Exponential { beta } => *beta,
            Parameter::Add(l, r) => l.typical() + r.typical(),
            Parameter::Sub(l, r) => l.typical() - r.typical(),
            Parameter::Mul(l, r) => l.typical() * r.typical(),
            Parameter::Div(l, r) => l.typical() / r.typical(),
            Parameter::Pow { param, exponent } => param.typical().powf(*exponent),
            Parameter::Exp(p) => p.typical().exp(),
            Parameter::Sin(p) => p.typical().sin(),
            Parameter::Cos(p) => p.typical().cos(),
            Parameter::Min { param, value } => cpp_min(param.typical(), *value),
            Parameter::Max { param, value } => cpp_max(param.typical(), *value),
            Parameter::Redraw { param, min, max } => param.typical().clamp(*min, *max),
            Parameter::Compare {
                left,
                right,
                comparator,
            } => f64::from(u8::from(comparator.holds(left.typical(), right.typical()))),
            Parameter::Conditional {
                condition,
                if_true,
                if_false,
            } => {
                if condition.typical() != 0.0 {
                    if_true.typical()
                } else {
                    if_false.typical()
                }
            }
        }
    }
}

/// The hull of `{x·y : x ∈ a, y ∈ b}` (products `0·∞` are skipped: NaN is ignored by `min`).
fn product(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let p = [a.0 * b.0, a.0 * b.1, a.1 * b.0, a.1 * b.1];
    let lo = p.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

/// The hull of `{x^e : x ∈ a}`, unbounded where it is not simple to bound.
fn power((lo, hi): (f64, f64), e: f64) -> (f64, f64) {
    let all = (f64::NEG_INFINITY, f64::INFINITY);
    if e == 0.0 {
        return (1.0, 1.0);
    }
    if lo >= 0.0 {
        let (a, b) = (lo.powf(e), hi.powf(e));
        return (a.min(b), a.max(b));
    }
    if e > 0.0 && e.fract() == 0.0 {
        let (a, b) = (lo.powf(e), hi.powf(e));
        let odd = (e % 2.0) == 1.0;
        return if odd {
            (a, b)
        } else if hi >= 0.0 {
            (0.0, a.max(b))
        } else {
            (b, a)
        };
    }
    all
}

impl fmt::Display for Parameter {
    /// PyNEST-like notation: `uniform(0.5, 1.5)`, `(normal(0, 1) * 2)`, `redraw(…, 0, 1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Parameter::Constant(c) => write!(f, "{c}"),
            Parameter::Uniform { min, max } => write!(f, "uniform({min}, {max})"),
            Parameter::UniformInt { max } => write!(f, "uniform_int({max})"),
            Parameter::Normal { mean, std } => write!(f, "normal({mean}, {std})"),
            Parameter::Lognormal { mean, std } => write!(f, "lognormal({mean}, {std})"),
            Parameter::Exponential { beta } => write!(f, "exponential({beta})"),
            Parameter::Add(l, r) => write!(f, "({l} + {r})"),
            Parameter::Sub(l, r) => write!(f, "({l} - {r})"),
            Parameter::Mul(l, r) => write!(f, "({l} * {r})"),
            Parameter::Div(l, r) => write!(f, "({l} / {r})"),
            Parameter::Pow { param, exponent } => write!(f, "({param} ** {exponent})"),
            Parameter::Exp(p) => write!(f, "exp({p})"),
            Parameter::Sin(p) => write!(f, "sin({p})"),
            Parameter::Cos(p) => write!(f, "cos({p})"),
            Parameter::Min { param, value } => write!(f, "min({param}, {value})"),
            Parameter::Max { param, value } => write!(f, "max({param}, {value})"),
            Parameter::Redraw { param, min, max } => write!(f, "redraw({param}, {min}, {max})"),
            Parameter::Compare {
                left,
                right,
                comparator,
            } => write!(f, "({left} {} {right})", comparator.symbol()),
            Parameter::Conditional {
                condition,
                if_true,
                if_false,
            } => write!(f, "conditional({condition}, {if_true}, {if_false})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(x: f64) -> Box<Parameter> {
        boxed(Parameter::Constant(x))
    }

    fn table(entries: &[(&str, Value)]) -> Value {
        Value::Map(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn s(x: &str) -> Value {
        Value::Str(x.into())
    }

    fn stream() -> ChaCha8Rng {
        rng::stream(11, rng::DOMAIN_NODE_PARAM, 1, 2, 0)
    }

    /// One of every kind of node, nested.
    fn every_kind() -> Vec<Parameter> {
        let normal = || {
            boxed(Parameter::Normal {
                mean: 1.0,
                std: 0.5,
            })
        };
        vec![
            Parameter::Constant(-2.5),
            Parameter::Uniform {
                min: -1.0,
                max: 3.0,
            },
            Parameter::UniformInt { max: 7 },
            Parameter::Lognormal {
                mean: 0.5,
                std: 0.25,
            },
            Parameter::Exponential { beta: 2.0 },
            Parameter::Add(normal(), num(1.0)),
            Parameter::Sub(num(1.0), normal()),
            Parameter::Mul(normal(), normal()),
            Parameter::Div(num(3.0), normal()),
            Parameter::Pow {
                param: normal(),
                exponent: -1.0,
            },
            Parameter::Exp(normal()),
            Parameter::Sin(normal()),
            Parameter::Cos(normal()),
            Parameter::Min {
                param: normal(),
                value: 1.5,
            },
            Parameter::Max {
                param: normal(),
                value: 0.5,
            },
            Parameter::Redraw {
                param: normal(),
                min: 0.2,
                max: f64::INFINITY,
            },
            Parameter::Conditional {
                condition: boxed(Parameter::Compare {
                    left: normal(),
                    right: num(1.0),
                    comparator: Comparator::Ge,
                }),
                if_true: boxed(Parameter::Exponential { beta: 1.0 }),
                if_false: num(0.0),
            },
        ]
    }

    #[test]
    fn written_form_reads_back_as_the_same_parameter() {
        for p in every_kind() {
            let v = p.to_value();
            assert_eq!(Parameter::from_value(&v).unwrap(), p, "{v}");
        }
        for c in Comparator::ALL {
            let p = Parameter::Compare {
                left: num(1.0),
                right: num(2.0),
                comparator: c,
            };
            assert_eq!(Parameter::from_value(&p.to_value()).unwrap(), p);
            assert_eq!(Comparator::ALL[c.nest_code() as usize], c);
        }
    }

    #[test]
    fn older_scenario_spellings_and_nest_defaults() {
        let v = table(&[
            ("distribution", s("uniform")),
            ("low", Value::Float(0.5)),
            ("high", Value::Int(2)),
        ]);
        assert_eq!(
            Parameter::from_value(&v).unwrap(),
            Parameter::Uniform { min: 0.5, max: 2.0 }
        );
        let v = table(&[
            ("distribution", s("normal")),
            ("mu", Value::Float(1.0)),
            ("sigma", Value::Float(2.0)),
        ]);
        assert_eq!(
            Parameter::from_value(&v).unwrap(),
            Parameter::Normal {
                mean: 1.0,
                std: 2.0
            }
        );
        // NEST's defaults (CreateParameter with an empty dictionary).
        let defaults = [
            ("uniform", Parameter::Uniform { min: 0.0, max: 1.0 }),
            (
                "normal",
                Parameter::Normal {
                    mean: 0.0,
                    std: 1.0,
                },
            ),
            (
                "lognormal",
                Parameter::Lognormal {
                    mean: 0.0,
                    std: 1.0,
                },
            ),
            ("exponential", Parameter::Exponential { beta: 1.0 }),
            ("uniform_int", Parameter::UniformInt { max: 1 }),
        ];
        for (name, want) in defaults {
            let v = table(&[("distribution", s(name))]);
            assert_eq!(Parameter::from_value(&v).unwrap(), want, "{name}");
        }
        let v = table(&[("distribution", s("constant")), ("value", Value::Int(3))]);
        assert_eq!(Parameter::from_value(&v).unwrap(), Parameter::Constant(3.0));
        assert_eq!(
            Parameter::from_value(&Value::Int(-4)).unwrap(),
            Parameter::Constant(-4.0)
        );
    }

    fn read_err(v: &Value) -> String {
        Parameter::read(v, "syn.weight").unwrap_err().to_string()
    }

    #[test]
    fn arguments_are_checked_with_nest_exceptions() {
        let dist = |name: &str, args: &[(&str, f64)]| {
            let mut e = vec![("distribution", s(name))];
            e.extend(args.iter().map(|&(k, x)| (k, Value::Float(x))));
            table(&e)
        };
        let cases = [
            (
                dist("uniform", &[("min", 2.0), ("max", 1.0)]),
                "syn.weight = uniform(2, 1): BadProperty: nest::UniformParameter: min < max required.",
            ),
            (
                dist("uniform", &[("min", 1.0), ("max", 1.0)]),
                "min < max required.",
            ),
            (
                dist("uniform", &[("min", f64::NAN)]),
                "min < max required.",
            ),
            (
                dist("normal", &[("mean", 1.0), ("std", -1.0)]),
                "syn.weight = normal(1, -1): BadProperty: nest::NormalParameter: std > 0 required.",
            ),
            (
                dist("normal", &[("std", 0.0)]),
                "nest::NormalParameter: std > 0 required.",
            ),
            (
                dist("lognormal", &[("std", 0.0)]),
                "BadProperty: nest::LognormalParameter: std > 0 required.",
            ),
            (
                table(&[("distribution", s("uniform_int")), ("max", Value::Int(0))]),
                "syn.weight = uniform_int(0): BadProperty: nest::UniformIntParameter: max > 0 required.",
            ),
            (
                table(&[("distribution", s("uniform_int")), ("max", Value::Float(2.5))]),
                "syn.weight.max = 2.5",
            ),
            (
                table(&[
                    ("op", s("redraw")),
                    ("param", dist("normal", &[])),
                    ("min", Value::Float(6.0)),
                    ("max", Value::Float(5.0)),
                ]),
                "BadParameterValue: min <= max required.",
            ),
            (
                dist("gamma", &[]),
                "syn.weight.distribution = \"gamma\": BadProperty: valid distributions are constant (value), uniform (min, max)",
            ),
            (
                table(&[("op", s("avg"))]),
                "syn.weight.op = \"avg\": BadProperty: valid operations are add",
            ),
            (
                dist("normal", &[("mean", 1.0), ("sd", 1.0)]),
                "unknown parameter \"syn.weight.sd\" for normal distribution",
            ),
            (
                dist("uniform", &[("min", 1.0), ("low", 1.0)]),
                "syn.weight.low = 1: BadProperty: low is another name of min",
            ),
            (
                table(&[("op", s("add")), ("left", Value::Float(1.0))]),
                "syn.weight.right = missing: BadProperty: add operation needs right",
            ),
            (
                table(&[("op", s("compare")), ("comparator", s("=<")), ("left", Value::Float(1.0)), ("right", Value::Float(1.0))]),
                "syn.weight.comparator = \"=<\": BadProperty: valid comparators are",
            ),
            (s("uniform"), "syn.weight = \"uniform\": expected a number or a parameter table"),
            (table(&[("min", Value::Float(1.0))]), "a parameter table needs distribution"),
        ];
        for (v, want) in cases {
            let got = read_err(&v);
            assert!(got.contains(want), "{v}: {got}");
        }
        // An operand's error names the operand's key, for the line of the key and the user.
        let v = table(&[
            ("op", s("mul")),
            ("left", Value::Float(2.0)),
            ("right", dist("normal", &[("std", -1.0)])),
        ]);
        let e = Parameter::read(&v, "syn.weight").unwrap_err();
        assert_eq!(e.key(), Some("syn.weight.right"));
        // `validate` checks a tree built directly, naming the operand.
        let p = Parameter::Add(num(1.0), boxed(Parameter::Uniform { min: 1.0, max: 0.0 }));
        let e = p.validate().unwrap_err();
        assert_eq!(e.key(), Some("right"));
        assert!(every_kind().iter().all(|p| p.validate().is_ok()));
    }

    /// Mean and variance of `n` draws, against closed forms: the mean within five standard
    /// errors, the variance within five standard errors of the sample variance
    /// (`σ²·√((κ + 2)/n)` for excess kurtosis `κ`).
    fn check_moments(p: &Parameter, mean: f64, var: f64, excess_kurtosis: f64) {
        let n = 400_000;
        let mut r = stream();
        let draws: Vec<f64> = (0..n).map(|_| p.sample(&mut r).unwrap()).collect();
        let m = draws.iter().sum::<f64>() / n as f64;
        let v = draws.iter().map(|d| (d - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        let se_mean = (var / n as f64).sqrt();
        let se_var = var * ((excess_kurtosis + 2.0) / n as f64).sqrt();
        assert!(
            (m - mean).abs() < 5.0 * se_mean,
            "{p}: mean {m}, want {mean}"
        );
        assert!(
            (v - var).abs() < 5.0 * se_var,
            "{p}: variance {v}, want {var}"
        );
    }

    #[test]
    fn draws_follow_their_distributions() {
        check_moments(
            &Parameter::Uniform {
                min: -1.0,
                max: 3.0,
            },
            1.0,
            16.0 / 12.0,
            -1.2,
        );
        check_moments(
            &Parameter::Normal {
                mean: 3.0,
                std: 2.0,
            },
            3.0,
            4.0,
            0.0,
        );
        let (mu, sigma) = (0.5f64, 0.5f64);
        let s2 = sigma * sigma;
        check_moments(
            &Parameter::Lognormal {
                mean: mu,
                std: sigma,
            },
            (mu + s2 / 2.0).exp(),
            (s2.exp() - 1.0) * (2.0 * mu + s2).exp(),
            (4.0 * s2).exp() + 2.0 * (3.0 * s2).exp() + 3.0 * (2.0 * s2).exp() - 6.0,
        );
        check_moments(&Parameter::Exponential { beta: 2.0 }, 2.0, 4.0, 6.0);
        // Discrete uniform on 0 .. k: mean (k − 1)/2, variance (k² − 1)/12.
        let k = 5.0f64;
        check_moments(
            &Parameter::UniformInt { max: 5 },
            (k - 1.0) / 2.0,
            (k * k - 1.0) / 12.0,
            -6.0 * (k * k + 1.0) / (5.0 * (k * k - 1.0)),
        );
        // Operations on draws: a linear map of a normal, and a Bernoulli(0.3) conditional.
        let p = Parameter::Sub(
            num(1.0),
            boxed(Parameter::Mul(
                boxed(Parameter::Normal {
                    mean: 0.0,
                    std: 1.0,
                }),
                num(3.0),
            )),
        );
        check_moments(&p, 1.0, 9.0, 0.0);
        let p = Parameter::Conditional {
            condition: boxed(Parameter::Compare {
                left: boxed(Parameter::Uniform { min: 0.0, max: 1.0 }),
                right: num(0.3),
                comparator: Comparator::Lt,
            }),
            if_true: num(1.0),
            if_false: num(0.0),
        };
        let q = 0.3f64;
        check_moments(
            &p,
            q,
            q * (1.0 - q),
            (1.0 - 6.0 * q * (1.0 - q)) / (q * (1.0 - q)),
        );
    }

    #[test]
    fn uniform_int_takes_every_value_below_max_and_no_other() {
        let p = Parameter::UniformInt { max: 4 };
        let mut r = stream();
        let mut seen = [0usize; 4];
        for _ in 0..10_000 {
            let x = p.sample(&mut r).unwrap();
            assert!(x.fract() == 0.0 && (0.0..4.0).contains(&x), "{x}");
            seen[x as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c > 0), "{seen:?}");
    }

    #[test]
    fn redraw_keeps_draws_within_its_bounds_and_gives_up_after_1000_draws() {
        let p = Parameter::Redraw {
            param: boxed(Parameter::Normal {
                mean: 0.0,
                std: 1.0,
            }),
            min: -0.5,
            max: 1.0,
        };
        let mut r = stream();
        let draws: Vec<f64> = (0..20_000).map(|_| p.sample(&mut r).unwrap()).collect();
        assert!(draws.iter().all(|d| (-0.5..=1.0).contains(d)));
        // Both bounds are included (a constant on the bound is kept).
        for bound in [-0.5, 1.0] {
            let p = Parameter::Redraw {
                param: num(bound),
                min: -0.5,
                max: 1.0,
            };
            assert_eq!(p.sample(&mut r).unwrap(), bound);
        }
        // Out of reach: NEST's KernelException after exactly MAX_REDRAWS draws (one 64-bit
        // word pair per uniform draw).
        let p = Parameter::Redraw {
            param: boxed(Parameter::Uniform { min: 0.0, max: 1.0 }),
            min: 2.0,
            max: 3.0,
        };
        let mut r = stream();
        let e = p.sample(&mut r).unwrap_err().to_string();
        assert_eq!(
            e,
            "KernelException: Number of redraws exceeded limit of 1000"
        );
        assert_eq!(r.get_word_pos(), 2 * MAX_REDRAWS as u128);
    }

    #[test]
    fn draws_are_a_function_of_the_stream_and_keep_the_connection_draws() {
        for p in every_kind() {
            let (mut a, mut b) = (stream(), stream());
            let x: Vec<f64> = (0..50).map(|_| p.sample(&mut a).unwrap()).collect();
            let y: Vec<f64> = (0..50).map(|_| p.sample(&mut b).unwrap()).collect();
            assert_eq!(x, y, "{p}");
        }
        // Uniform and normal draws are the ones rule statements made before parameters
        // existed: `low + U·(high − low)` from one draw, and the polar method's first value.
        let (mut a, mut b) = (stream(), stream());
        let p = Parameter::Uniform { min: 0.5, max: 2.0 };
        for _ in 0..100 {
            assert_eq!(p.sample(&mut a).unwrap(), 0.5 + uniform(&mut b) * 1.5);
        }
        let p = Parameter::Normal {
            mean: 3.0,
            std: 2.0,
        };
        for _ in 0..100 {
            assert_eq!(
                p.sample(&mut a).unwrap(),
                3.0 + 2.0 * standard_normal(&mut b)
            );
        }
        // A constant reads no random numbers.
        let mut a = stream();
        Parameter::Constant(1.0).sample(&mut a).unwrap();
        assert_eq!(a.get_word_pos(), 0);
    }

    #[test]
    fn operations_compute_what_nest_computes() {
        let mut r = stream();
        let eval = |p: Parameter, r: &mut ChaCha8Rng| p.sample(r).unwrap();
        assert_eq!(eval(Parameter::Add(num(2.0), num(3.0)), &mut r), 5.0);
        assert_eq!(eval(Parameter::Sub(num(2.0), num(3.0)), &mut r), -1.0);
        assert_eq!(eval(Parameter::Mul(num(2.0), num(3.0)), &mut r), 6.0);
        assert_eq!(eval(Parameter::Div(num(3.0), num(2.0)), &mut r), 1.5);
        assert_eq!(
            eval(
                Parameter::Pow {
                    param: num(2.0),
                    exponent: 3.0
                },
                &mut r
            ),
            8.0
        );
        assert_eq!(eval(Parameter::Exp(num(1.0)), &mut r), 1f64.exp());
        assert_eq!(eval(Parameter::Sin(num(0.5)), &mut r), 0.5f64.sin());
        assert_eq!(eval(Parameter::Cos(num(0.5)), &mut r), 0.5f64.cos());
        assert_eq!(
            eval(
                Parameter::Min {
                    param: num(2.0),
                    value: 1.0
                },
                &mut r
            ),
            1.0
        );
        assert_eq!(
            eval(
                Parameter::Max {
                    param: num(2.0),
                    value: 1.0
                },
                &mut r
            ),
            2.0
        );
        // std::min / std::max keep a NaN parameter (NEST returns nan), unlike f64::min.
        assert!(eval(
            Parameter::Min {
                param: num(f64::NAN),
                value: 1.0
            },
            &mut r
        )
        .is_nan());
        assert!(eval(
            Parameter::Max {
                param: num(f64::NAN),
                value: 1.0
            },
            &mut r
        )
        .is_nan());
        let truth = [
            (Comparator::Lt, [0.0, 0.0, 1.0]),
            (Comparator::Le, [0.0, 1.0, 1.0]),
            (Comparator::Eq, [0.0, 1.0, 0.0]),
            (Comparator::Ne, [1.0, 0.0, 1.0]),
            (Comparator::Ge, [1.0, 1.0, 0.0]),
            (Comparator::Gt, [1.0, 0.0, 0.0]),
        ];
        for (c, want) in truth {
            for (left, w) in [2.0, 1.0, 0.0].into_iter().zip(want) {
                let p = Parameter::Compare {
                    left: num(left),
                    right: num(1.0),
                    comparator: c,
                };
                assert_eq!(eval(p, &mut r), w, "{left} {} 1", c.symbol());
            }
        }
        // A NaN condition is true in C++; only the branch taken is drawn.
        let cond = |c: f64| Parameter::Conditional {
            condition: num(c),
            if_true: boxed(Parameter::Uniform { min: 5.0, max: 6.0 }),
            if_false: num(-1.0),
        };
        assert!((5.0..6.0).contains(&eval(cond(f64::NAN), &mut r)));
        let mut fresh = stream();
        assert_eq!(eval(cond(0.0), &mut fresh), -1.0);
        assert_eq!(fresh.get_word_pos(), 0);
    }

    #[test]
    fn constants_bounds_and_representative_values() {
        let normal = || {
            boxed(Parameter::Normal {
                mean: 1.0,
                std: 0.5,
            })
        };
        assert_eq!(Parameter::Constant(2.0).constant(), Some(2.0));
        assert_eq!(Parameter::Mul(num(2.0), num(3.0)).constant(), Some(6.0));
        assert_eq!(Parameter::Add(normal(), num(1.0)).constant(), None);
        assert!(!Parameter::Mul(num(2.0), num(3.0)).is_random());
        assert!(Parameter::Exp(normal()).is_random());

        let u = Parameter::Uniform { min: 0.5, max: 2.0 };
        assert_eq!(u.support(), (0.5, 2.0));
        assert_eq!(u.range(), (0.5, 2.0));
        let n = Parameter::Normal {
            mean: 1.0,
            std: 0.5,
        };
        assert_eq!(n.support(), (f64::NEG_INFINITY, f64::INFINITY));
        assert_eq!(n.range(), (-1.5, 3.5));
        assert_eq!(
            Parameter::Lognormal {
                mean: 0.0,
                std: 1.0
            }
            .support(),
            (0.0, f64::INFINITY)
        );
        assert!(!Parameter::Lognormal {
            mean: 0.0,
            std: 1.0
        }
        .may_be_negative());
        assert!(Parameter::Sub(num(1.0), boxed(u.clone())).may_be_negative());
        assert!(!Parameter::Exponential { beta: 2.0 }.may_be_negative());
        assert!(Parameter::Exponential { beta: -2.0 }.may_be_negative());
        let r = Parameter::Redraw {
            param: normal(),
            min: 0.2,
            max: 3.0,
        };
        assert_eq!(r.support(), (0.2, 3.0));
        assert_eq!(r.range(), (0.2, 3.0));
        // Every draw of every kind lies within its support.
        let mut rng = stream();
        for p in every_kind() {
            let (lo, hi) = p.support();
            for _ in 0..2000 {
                let x = p.sample(&mut rng).unwrap();
                assert!(lo <= x && x <= hi, "{p}: {x} outside [{lo}, {hi}]");
            }
        }

        // Only bounds that draws reach are used for connect-time checks: not tails.
        assert_eq!(u.attained_minimum(), Some(0.5));
        assert_eq!(r.attained_minimum(), Some(0.2));
        assert_eq!(n.attained_minimum(), None);
        assert_eq!(
            Parameter::Lognormal {
                mean: 0.0,
                std: 0.1
            }
            .attained_minimum(),
            None
        );
        assert_eq!(
            Parameter::Add(num(1.0), boxed(Parameter::Exponential { beta: 1.0 }))
                .attained_minimum(),
            Some(1.0)
        );
        assert_eq!(
            Parameter::Mul(boxed(u.clone()), num(2.0)).attained_minimum(),
            Some(1.0)
        );

        assert_eq!(u.typical(), 1.25);
        assert_eq!(Parameter::Exponential { beta: 2.0 }.typical(), 2.0);
        assert_eq!(Parameter::Add(normal(), num(1.0)).typical(), 2.0);
    }

    #[test]
    fn display_is_pynest_like() {
        let p = Parameter::Redraw {
            param: boxed(Parameter::Mul(
                boxed(Parameter::Normal {
                    mean: 1.0,
                    std: 0.5,
                }),
                num(2.0),
            )),
            min: 0.0,
            max: 3.0,
        };
        assert_eq!(p.to_string(), "redraw((normal(1, 0.5) * 2), 0, 3)");
    }
}
