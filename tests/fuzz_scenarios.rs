//! Contract: no scenario, however mangled, makes spindle panic, hang or leave a partial output
//! file. Valid scenarios (the example, the golden scenarios, and small ones covering every
//! model, device, rule and distribution) are mutated at random — lines deleted, duplicated or
//! truncated, values replaced by values of other types (strings, integers, floats, booleans,
//! lists, tables, huge, negative, NaN, ±inf), keys renamed, keys inserted, tokens inside inline
//! tables and lists replaced — and then
//!
//! * parsed and built through the library ([`Scenario::parse`], [`Network::build_within`]):
//!   no panic, no hang, and every error is one non-empty line; and
//! * for a smaller number of cases, run with the `spindle` binary: exit status 0 or 2, no
//!   panic message, and an output file exists exactly when the run succeeded (never a
//!   `.partial` one).
//!
//! Simulated time and population sizes are capped after mutation (time ≤ 5 ms, n ≤ 200), so
//! that a case that is valid runs quickly. Case counts are bounded so that the whole file runs
//! in CI in well under a minute; `PROPTEST_CASES` raises them for a longer search and
//! `FUZZ_VERBOSE=1` (with `--nocapture`) prints every outcome, to see how deep the cases go.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use spindle::{MemoryLimit, Network, RunOptions, Scenario};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Small valid scenarios that together use every model, device, rule and synapse key.
const INLINE_SEEDS: &[&str] = &[
    r#"[kernel]
resolution = 0.1
seed = 7
threads = 2

[[nodes]]
name = "exc"
model = "iaf_psc_alpha"
n = 40
params = { C_m = 250.0, tau_m = 20.0, t_ref = 2.0, V_th = -55.0, V_reset = -70.0, I_e = 300.0 }

[[nodes]]
name = "inh"
model = "iaf_psc_exp"
n = 10
params = { tau_syn_ex = 0.5, tau_syn_in = 1.0, V_m = -60.0 }

[[nodes]]
name = "noise"
model = "poisson_generator"
params = { rate = 8000.0, start = 1.0, stop = 4.0 }

[[nodes]]
name = "sr"
model = "spike_recorder"

[[nodes]]
name = "mm"
model = "multimeter"
params = { interval = 0.5, record_from = ["V_m", "I_syn_ex"] }

[[connect]]
pre = "noise"
post = ["exc", "inh"]
syn = { weight = 20.0, delay = 1.5 }

[[connect]]
pre = "exc"
post = ["exc", "inh"]
conn = { rule = "fixed_indegree", indegree = 8, allow_autapses = false }
syn = { weight = { distribution = "uniform", low = 10.0, high = 30.0 }, delay = 1.0 }

[[connect]]
pre = "inh"
post = "exc"
conn = { rule = "fixed_outdegree", outdegree = 5, allow_multapses = false }
syn = { weight = { distribution = "normal", mean = -50.0, std = 5.0 }, delay = { distribution = "uniform", low = 0.5, high = 2.0 } }

[[connect]]
pre = "exc"
post = "inh"
conn = { rule = "pairwise_bernoulli", p = 0.2 }

[[connect]]
pre = "inh"
post = "inh"
conn = { rule = "fixed_total_number", N = 30 }
syn = { weight = -10.0 }

[[connect]]
pre = "mm"
post = "exc"

[[connect]]
pre = ["exc", "inh"]
post = "sr"

[simulate]
time = [2.0, 3.0]
"#,
    r#"[kernel]
resolution = 0.05

[[nodes]]
name = "cond"
model = "iaf_cond_exp"
n = 3
params = { g_L = 16.7, E_ex = 0.0, E_in = -80.0, tau_syn_ex = 0.2 }

[[nodes]]
name = "psc"
model = "glif_psc"
n = 3
params = { spike_dependent_threshold = true, after_spike_currents = true, adapting_threshold = true, tau_syn = [1.0, 2.0], g = 9.0 }

[[nodes]]
name = "dc"
model = "dc_generator"
params = { amplitude = 250.0, start = 0.5, stop = 4.0 }

[[nodes]]
name = "step"
model = "step_current_generator"
params = { amplitude_times = [1.0, 2.0], amplitude_values = [100.0, -50.0], allow_offgrid_times = false }

[[nodes]]
name = "sg"
model = "spike_generator"
params = { spike_times = [0.5, 1.0, 1.0, 2.5], spike_weights = [1.0, 2.0, 3.0, -1.0], spike_multiplicities = [1, 1, 2, 1] }

[[nodes]]
name = "parrot"
model = "parrot_neuron"
n = 3

[[nodes]]
name = "mm"
model = "multimeter"
params = { interval = 0.1, offset = 0.2, record_from = ["V_m"] }

[[nodes]]
name = "sr"
model = "spike_recorder"
params = { start = 0.5, stop = 4.5 }

[[connect]]
pre = "dc"
post = ["cond", "psc"]

[[connect]]
pre = "step"
post = "psc"
syn = { weight = 2.0, delay = 0.5 }

[[connect]]
pre = "sg"
post = "parrot"
conn = { rule = "all_to_all" }

[[connect]]
pre = "parrot"
post = "psc"
conn = { rule = "one_to_one", allow_autapses = true }
syn = { receptor_type = 2, weight = 30.0, delay = 0.1 }

[[connect]]
pre = "sg"
post = "cond"
syn = { weight = -3.0, synapse_model = "static_synapse" }

[[connect]]
pre = "mm"
post = ["cond", "psc"]

[[connect]]
pre = ["cond", "psc", "parrot", "sg"]
post = "sr"

[simulate]
time = 5.0

[output]
file = "ignored.h5"
"#,
];

/// The valid scenarios the mutations start from.
fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = INLINE_SEEDS.iter().map(|s| s.to_string()).collect();
    let mut files = vec![root().join("examples/glif_cond.toml")];
    let mut golden: Vec<PathBuf> = std::fs::read_dir(root().join("tests/scenarios"))
        .expect("tests/scenarios exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    golden.sort();
    files.extend(golden);
    for f in files {
        seeds.push(std::fs::read_to_string(&f).unwrap());
    }
    for s in &seeds {
        let capped = cap(s);
        let scenario = Scenario::parse(&capped, None).expect("every seed parses");
        Network::build(&scenario, &RunOptions::default()).expect("every seed builds");
    }
    seeds
}

/// Values of every type, including the awkward ones.
const VALUES: &[&str] = &[
    "\"\"",
    "\"glif_cond\"",
    "\"iaf_psc_alpha\"",
    "\"poisson_generator\"",
    "\"spike_recorder\"",
    "\"multimeter\"",
    "\"all_to_all\"",
    "\"fixed_indegree\"",
    "\"uniform\"",
    "\"V_m\"",
    "\"exc\"",
    "\"x\\u00e9\"",
    "0",
    "1",
    "-1",
    "3",
    "1000000",
    "9223372036854775807",
    "-9223372036854775808",
    "0.0",
    "-0.0",
    "0.05",
    "0.1",
    "1.5",
    "-70.0",
    "1e-300",
    "1e300",
    "1.7976931348623157e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "true",
    "false",
    "[]",
    "[0.0]",
    "[1.0, 2.0]",
    "[2.0, 1.0]",
    "[\"V_m\", \"V_m\"]",
    "[1, \"a\", true]",
    "[[1.0]]",
    "[1e300, -1e300, nan]",
    "{}",
    "{ distribution = \"uniform\", low = 1.0, high = 0.5 }",
    "{ distribution = \"normal\", mean = 1.0, std = 0.0 }",
    "{ distribution = \"normal\", mean = 1e300, std = 1e300 }",
    "{ rule = \"fixed_indegree\", indegree = 1000000000000 }",
    "{ rule = \"pairwise_bernoulli\", p = 1.0 }",
    "{ a = { b = [1] } }",
    "1979-05-27",
];

/// Numbers, for numbers: zero, negative, tiny, huge, not finite, off the grid.
const NUMBERS: &[&str] = &[
    "0",
    "0.0",
    "-1",
    "-0.5",
    "1",
    "2",
    "0.01",
    "0.05",
    "0.15",
    "0.3333",
    "1e-9",
    "1e-300",
    "1e9",
    "1e15",
    "1e300",
    "-1e300",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "nan",
    "inf",
    "-inf",
    "65535",
    "6553.6",
    "100000",
];

/// Keys: those spindle knows (in every table), and others.
const KEYS: &[&str] = &[
    "resolution",
    "seed",
    "threads",
    "name",
    "model",
    "n",
    "params",
    "pre",
    "post",
    "conn",
    "syn",
    "time",
    "file",
    "rule",
    "indegree",
    "outdegree",
    "N",
    "p",
    "allow_autapses",
    "allow_multapses",
    "weight",
    "delay",
    "receptor_type",
    "synapse_model",
    "C_m",
    "V_th",
    "V_reset",
    "t_ref",
    "tau_syn",
    "E_rev",
    "g_m",
    "rate",
    "spike_times",
    "spike_weights",
    "amplitude_times",
    "amplitude_values",
    "amplitude",
    "record_from",
    "interval",
    "offset",
    "origin",
    "start",
    "stop",
    "after_spike_currents",
    "adapting_threshold",
    "ASCurrents",
    "V_min",
    "delta",
    "xyzzy",
    "\"quoted key\"",
    "a.b",
];

/// One random edit of the text; `a` and `b` choose where and what.
fn mutate(text: &str, kind: u8, a: u64, b: u64) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let pick = |n: usize, r: u64| (r % n.max(1) as u64) as usize;
    let value = VALUES[pick(VALUES.len(), b)];
    let key = KEYS[pick(KEYS.len(), b >> 32)];
    // Lines that assign something, for the edits that need one.
    let assignments: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains('=') && !lines[i].trim_start().starts_with('#'))
        .collect();
    // Most edits change one value or key, so that most cases get past the parser and into
    // the checks of the models, devices, rules and the kernel.
    match kind % 16 {
        0 => {
            lines.remove(pick(lines.len(), a));
        }
        1 => {
            let i = pick(lines.len(), a);
            let l = lines[i].clone();
            lines.insert(i, l);
        }
        2 => {
            // Truncate the whole text at a random character.
            let cut = pick(text.len() + 1, a);
            let cut = (0..=cut)
                .rev()
                .find(|&c| text.is_char_boundary(c))
                .unwrap_or(0);
            return text[..cut].to_string();
        }
        3..=5 if !assignments.is_empty() => {
            let i = assignments[pick(assignments.len(), a)];
            let lhs = lines[i].split('=').next().unwrap().to_string();
            lines[i] = format!("{lhs}= {value}");
        }
        6 if !assignments.is_empty() => {
            let i = assignments[pick(assignments.len(), a)];
            let rhs = lines[i].split_once('=').unwrap().1.to_string();
            lines[i] = format!("{key} ={rhs}");
        }
        7 if !assignments.is_empty() => {
            // A new key in the table of an existing one.
            let i = assignments[pick(assignments.len(), a)];
            lines.insert(i + 1, format!("{key} = {value}"));
        }
        8..=12 if !assignments.is_empty() => {
            // Replace one token (number, string, boolean) in the value of a table or list
            // (parameters, conn, syn), where there is one; a number mostly by another number.
            let nested: Vec<usize> = assignments
                .iter()
                .copied()
                .filter(|&i| lines[i].contains(['{', '[']))
                .collect();
            let pool = if nested.is_empty() {
                &assignments
            } else {
                &nested
            };
            let i = pool[pick(pool.len(), a)];
            let line = lines[i].clone();
            let start = line.find('=').unwrap() + 1;
            let tokens = tokens(&line[start..]);
            if !tokens.is_empty() {
                let (s, e) = tokens[pick(tokens.len(), a >> 32)];
                let old = &line[start + s..start + e];
                let numeric = old.parse::<f64>().is_ok();
                let new = if numeric && kind % 16 != 12 {
                    NUMBERS[pick(NUMBERS.len(), b)]
                } else {
                    value
                };
                lines[i] = format!("{}{}{}", &line[..start + s], new, &line[start + e..]);
            }
        }
        13 if !assignments.is_empty() => {
            // Add a key to an inline table.
            let i = assignments[pick(assignments.len(), a)];
            if let Some(open) = lines[i].find('{') {
                lines[i].insert_str(open + 1, &format!(" {key} = {value},"));
            }
        }
        14 | 15 if !assignments.is_empty() => {
            // Rename a key inside an inline table.
            let i = assignments[pick(assignments.len(), a)];
            let line = lines[i].clone();
            if let Some(open) = line.find('{') {
                let inner = &line[open + 1..];
                if let Some(eq) = inner.find('=') {
                    let k_start = inner[..eq].rfind([',', '{']).map_or(0, |p| p + 1);
                    lines[i] = format!("{}{} {}", &line[..open + 1 + k_start], key, &inner[eq..]);
                }
            }
        }
        _ => {
            lines.remove(pick(lines.len(), a));
        }
    }
    lines.join("\n") + "\n"
}

/// Byte ranges of the number, string and boolean tokens in `s`.
fn tokens(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'"' {
            let end = s[i + 1..].find('"').map_or(b.len(), |e| i + 2 + e);
            out.push((i, end));
            i = end;
        } else if c.is_ascii_digit() || c == b'-' || c.is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b"-+._".contains(&b[i])) {
                i += 1;
            }
            // Keys (followed by '=') are not values.
            if !s[i..].trim_start().starts_with('=') {
                out.push((start, i));
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Keep a run of a mutated scenario short: every `time` at most 5 ms, every `n` at most 200.
fn cap(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let key = trimmed.split('=').next().unwrap_or("").trim();
        let capped = match key {
            "time" if trimmed.contains('=') => "time = 5.0".to_string(),
            "n" if trimmed.contains('=') => {
                let rhs = trimmed.split_once('=').unwrap().1.trim();
                match rhs.parse::<i64>() {
                    Ok(n) if n > 200 => "n = 200".to_string(),
                    _ => line.to_string(),
                }
            }
            _ => line.to_string(),
        };
        out.push_str(&capped);
        out.push('\n');
    }
    out
}

fn mutations() -> impl Strategy<Value = (usize, Vec<(u8, u64, u64)>)> {
    (
        any::<usize>(),
        prop::collection::vec((any::<u8>(), any::<u64>(), any::<u64>()), 1..3),
    )
}

fn mutated(seeds: &[String], (seed, edits): &(usize, Vec<(u8, u64, u64)>)) -> String {
    let mut text = seeds[seed % seeds.len()].clone();
    for &(kind, a, b) in edits {
        text = mutate(&text, kind, a, b);
    }
    cap(&text)
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Parse and build `text` on another thread: `Err` with the panic message if it panicked,
/// and a failure if it took longer than `limit`.
fn build_guarded(text: String, limit: Duration) -> Result<Result<(), String>, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| {
            let scenario = Scenario::parse(&text, Some(Path::new("fuzz.toml")))?;
            let opts = RunOptions {
                threads: Some(2),
                seed: None,
            };
            let memory = MemoryLimit::Bytes {
                bytes: 64 << 20,
                source: "the fuzz test".into(),
            };
            Network::build_within(&scenario, &opts, &memory).map(|_| ())
        });
        let _ = tx.send(outcome.map(|r| r.map_err(|e| e.to_string())));
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(panic)) => Err(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
        Err(_) => Err(format!("took longer than {limit:?}")),
    }
}

#[test]
fn mutated_scenarios_never_panic_or_hang_in_the_library() {
    let seeds = seeds();
    let mut runner = TestRunner::new(Config {
        cases: cases(256),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&mutations(), |m| {
            let text = mutated(&seeds, &m);
            match build_guarded(text.clone(), Duration::from_secs(20)) {
                Err(failure) => {
                    prop_assert!(false, "{failure} on:\n{text}");
                }
                Ok(Err(message)) => {
                    if std::env::var("FUZZ_VERBOSE").is_ok() {
                        eprintln!("ERR {message}");
                    }
                    prop_assert!(
                        !message.trim().is_empty() && !message.contains('\n'),
                        "an error must be one non-empty line: {message:?} on:\n{text}"
                    );
                }
                Ok(Ok(())) => {
                    if std::env::var("FUZZ_VERBOSE").is_ok() {
                        eprintln!("OK");
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn mutated_scenarios_never_panic_hang_or_leave_partial_output_in_the_cli() {
    let seeds = seeds();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz_cli");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut runner = TestRunner::new(Config {
        cases: cases(24),
        failure_persistence: None,
        ..Config::default()
    });
    let counter = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&mutations(), |m| {
            let case = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let text = mutated(&seeds, &m);
            let scenario = dir.join(format!("case{case}.toml"));
            let output = dir.join(format!("case{case}.h5"));
            let partial = dir.join(format!("case{case}.h5.partial"));
            std::fs::write(&scenario, &text).unwrap();
            let mut child = Command::new(env!("CARGO_BIN_EXE_spindle"))
                .args(["run", "--threads", "2", "-q", "-o"])
                .arg(&output)
                .arg(&scenario)
                .env("SPINDLE_MEMORY_LIMIT", "256MB")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let started = Instant::now();
            let status = loop {
                if let Some(status) = child.try_wait().unwrap() {
                    break status;
                }
                if started.elapsed() > Duration::from_secs(60) {
                    let _ = child.kill();
                    let _ = child.wait();
                    prop_assert!(false, "spindle ran longer than 60 s on:\n{text}");
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            prop_assert!(
                !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
                "panic: {stderr} on:\n{text}"
            );
            prop_assert!(
                matches!(status.code(), Some(0) | Some(2)),
                "exit status {status} ({stderr}) on:\n{text}"
            );
            if std::env::var("FUZZ_VERBOSE").is_ok() {
                eprintln!(
                    "EXIT {:?} {}",
                    status.code(),
                    stderr.lines().last().unwrap_or("")
                );
            }
            prop_assert!(!partial.exists(), "a .partial file was left on:\n{text}");
            if status.success() {
                prop_assert!(output.exists(), "no output after success on:\n{text}");
                std::fs::remove_file(&output).unwrap();
            } else {
                prop_assert!(
                    !output.exists(),
                    "an output file exists after failure ({stderr}) on:\n{text}"
                );
                prop_assert!(
                    stderr.lines().any(|l| l.starts_with("error: ")),
                    "no error message: {stderr}"
                );
            }
            Ok(())
        })
        .unwrap();
}
