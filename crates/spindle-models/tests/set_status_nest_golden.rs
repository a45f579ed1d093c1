//! Contract: `NeuronChunk::get_status` / `set_status` are NEST 3.10's `GetStatus` / `SetStatus`
//! (data from `scripts/set_status_golden.py`, in `tests/data/set_status/`).
//!
//! * Two neurons of one chunk, given different parameters after creation (as NEST's `Create`
//!   with `params` does: defaults, then `SetStatus`), run 30 ms, each gets its own `SetStatus`
//!   of parameters and state (`E_L` moved with and without `V_m`, GLIF mechanisms switched),
//!   run 30 ms more: both spike on NEST's steps and every step's recordables equal NEST's
//!   (bit for bit where the data were made), and their `get_status` at the end equals NEST's.
//! * `get_status` of a fresh neuron equals NEST's status of a fresh neuron, key for key.
//! * A failed `set_status` leaves the neuron as it was.

mod common;

use common::{build, Drive, TOLERANCE};
use spindle_core::params::{Params, Value};
use spindle_core::time::Step;
use spindle_models::NEURON_MODELS;

fn data(name: &str) -> String {
    let path = format!(
        "{}/tests/data/set_status/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A `kind key values…` entry of the data files as a status value.
fn value(kind: &str, values: &[&str]) -> Value {
    let num = |s: &str| Value::Float(s.parse().unwrap());
    match kind {
        "f" => num(values[0]),
        "i" => Value::Int(values[0].parse().unwrap()),
        "b" => Value::Bool(values[0] == "true"),
        "l" => Value::List(values.iter().map(|s| num(s)).collect()),
        _ => panic!("unknown kind {kind}"),
    }
}

struct Scenario {
    h: f64,
    t1: f64,
    t2: f64,
    create: [Params; 2],
    set: [Params; 2],
    /// (t, delay, receptor, weight)
    spikes: Vec<(f64, f64, i64, f64)>,
    /// (amplitude, receptor)
    currents: Vec<(f64, i64)>,
    record: Vec<String>,
    spike_stamps: [Vec<Step>; 2],
    /// per neuron: (step, values)
    samples: [Vec<(Step, Vec<f64>)>; 2],
    status: [Params; 2],
}

fn load(model: &str) -> Scenario {
    let text = data(model);
    let mut s = Scenario {
        h: 0.0,
        t1: 0.0,
        t2: 0.0,
        create: Default::default(),
        set: Default::default(),
        spikes: vec![],
        currents: vec![],
        record: vec![],
        spike_stamps: Default::default(),
        samples: Default::default(),
        status: Default::default(),
    };
    let f64_of = |x: &str| x.parse::<f64>().unwrap();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        let neuron = || f[1].parse::<usize>().unwrap();
        match f[0] {
            "model" => assert_eq!(f[1], model),
            "h" => s.h = f64_of(f[1]),
            "T1" => s.t1 = f64_of(f[1]),
            "T2" => s.t2 = f64_of(f[1]),
            "neurons" => assert_eq!(f[1], "2"),
            "create" => s.create[neuron()].insert(f[3], value(f[2], &f[4..])),
            "set" => s.set[neuron()].insert(f[3], value(f[2], &f[4..])),
            "status" => s.status[neuron()].insert(f[3], value(f[2], &f[4..])),
            "spike" => s.spikes.push((
                f64_of(f[1]),
                f64_of(f[2]),
                f[3].parse().unwrap(),
                f64_of(f[4]),
            )),
            "current" => s.currents.push((f64_of(f[1]), f[2].parse().unwrap())),
            "record" => s.record = f[1..].iter().map(|x| x.to_string()).collect(),
            "spikes" => {
                s.spike_stamps[neuron()] = f[2..].iter().map(|x| x.parse().unwrap()).collect()
            }
            "sample" => s.samples[neuron()].push((
                f[2].parse().unwrap(),
                f[3..].iter().map(|x| f64_of(x)).collect(),
            )),
            other => panic!("{model}: unknown line kind {other}"),
        }
    }
    s
}

/// `set_status` with `dict`, which must read every key.
fn set(drive: &mut Drive, neuron: usize, dict: &Params) {
    let mut d = dict.clone();
    drive
        .chunk
        .set_status(neuron, &mut d)
        .unwrap_or_else(|e| panic!("neuron {neuron}: {e}"));
    assert!(d.is_empty(), "keys left unread: {d:?}");
}

/// Keys NEST shows that a chunk cannot know: `has_connections` is the kernel's knowledge.
const NOT_SHOWN: &[&str] = &["has_connections"];

fn assert_status_equal(model: &str, ours: &Params, nest: &Params, what: &str) {
    for key in nest.keys().filter(|k| !NOT_SHOWN.contains(k)) {
        let (a, b) = (ours.get(key), nest.get(key));
        assert_eq!(a, b, "{model} {what}: {key} differs from NEST");
    }
    for key in ours.keys() {
        assert!(
            nest.contains(key),
            "{model} {what}: {key} is not in NEST's status"
        );
    }
}

fn replay(model: &str) {
    let s = load(model);
    // spindle fixes a population's receptor ports when it is created: create it with neuron
    // 0's port arrays where it has them (NEST creates with defaults, then sets them).
    let mut ports = Params::new();
    for key in ["tau_syn", "E_rev"] {
        if let Some(v) = s.create[0].get(key) {
            ports.insert(key, v.clone());
        }
    }
    let mut drive = Drive::new(build(model, ports), 2, s.h);
    for neuron in 0..2 {
        set(&mut drive, neuron, &s.create[neuron]);
    }
    drive.chunk.prepare(&drive.grid.clone());
    let end = s.t1 + s.t2;
    for neuron in 0..2 {
        for &(t, delay, receptor, weight) in &s.spikes {
            drive.spike(neuron, t, delay, receptor, weight, 1);
        }
        for &(amplitude, receptor) in &s.currents {
            drive.current(neuron, 0.0, end + 2.0, amplitude, 1.0, 1.0, receptor);
        }
    }
    let columns: Vec<usize> = s.record.iter().map(|r| drive.recordable(r)).collect();
    let mut spikes: [Vec<Step>; 2] = Default::default();
    let mut expected = [
        s.samples[0].iter().peekable(),
        s.samples[1].iter().peekable(),
    ];
    let mut worst = (0.0f64, 0, String::new());
    let mut check = |drive: &mut Drive, t_ms: f64| {
        drive.run_until(t_ms, |stamp, chunk, emitted| {
            for &(i, _) in emitted {
                spikes[i as usize].push(stamp);
            }
            for (neuron, exp) in expected.iter_mut().enumerate() {
                if let Some((step, values)) = exp.peek() {
                    if *step == stamp {
                        for ((&col, &want), name) in columns.iter().zip(values).zip(&s.record) {
                            let diff = (chunk.recordable(col, neuron) - want).abs();
                            if diff > worst.0 || diff.is_nan() {
                                worst = (diff, stamp, format!("{name} of neuron {neuron}"));
                            }
                        }
                        exp.next();
                    }
                }
            }
        });
    };
    check(&mut drive, s.t1);
    for neuron in 0..2 {
        set(&mut drive, neuron, &s.set[neuron]);
    }
    // The kernel prepares every chunk before each `Simulate`.
    drive.chunk.prepare(&drive.grid.clone());
    check(&mut drive, end);
    assert!(
        expected.iter_mut().all(|e| e.next().is_none()),
        "{model}: samples left unchecked"
    );
    assert_eq!(
        spikes, s.spike_stamps,
        "{model}: spike steps differ from NEST"
    );
    assert!(
        worst.0 <= TOLERANCE,
        "{model}: {} differs from NEST by {:e} at step {}",
        worst.2,
        worst.0,
        worst.1
    );
    for neuron in 0..2 {
        let ours = drive.chunk.get_status(neuron);
        assert_status_equal(
            model,
            &ours,
            &s.status[neuron],
            &format!("neuron {neuron} at the end"),
        );
    }
    eprintln!(
        "{model}: spikes {:?} identical, max |diff| {:e}",
        spikes.map(|v| v.len()),
        worst.0
    );
}

#[test]
fn iaf_psc_alpha_matches_nest_across_set_status() {
    replay("iaf_psc_alpha");
}

#[test]
fn iaf_psc_exp_matches_nest_across_set_status() {
    replay("iaf_psc_exp");
}

#[test]
fn iaf_cond_exp_matches_nest_across_set_status() {
    replay("iaf_cond_exp");
}

#[test]
fn iaf_cond_alpha_matches_nest_across_set_status() {
    replay("iaf_cond_alpha");
}

#[test]
fn iaf_cond_beta_matches_nest_across_set_status() {
    replay("iaf_cond_beta");
}

#[test]
fn iaf_cond_exp_sfa_rr_matches_nest_across_set_status() {
    replay("iaf_cond_exp_sfa_rr");
}

#[test]
fn glif_psc_matches_nest_across_set_status() {
    replay("glif_psc");
}

#[test]
fn glif_cond_matches_nest_across_set_status() {
    replay("glif_cond");
}

#[test]
fn aeif_models_match_nest_across_set_status() {
    for model in [
        "aeif_cond_alpha",
        "aeif_cond_exp",
        "aeif_psc_alpha",
        "aeif_psc_exp",
        "aeif_psc_delta",
    ] {
        replay(model);
    }
}

#[test]
fn iaf_psc_delta_matches_nest_across_set_status() {
    replay("iaf_psc_delta");
}

#[test]
fn iaf_psc_exp_multisynapse_matches_nest_across_set_status() {
    replay("iaf_psc_exp_multisynapse");
}

#[test]
fn iaf_psc_alpha_multisynapse_matches_nest_across_set_status() {
    replay("iaf_psc_alpha_multisynapse");
}

#[test]
fn iaf_psc_exp_htum_matches_nest_across_set_status() {
    replay("iaf_psc_exp_htum");
}

#[test]
fn hh_psc_alpha_matches_nest_across_set_status() {
    replay("hh_psc_alpha");
}

#[test]
fn hh_cond_exp_traub_matches_nest_across_set_status() {
    replay("hh_cond_exp_traub");
}

#[test]
fn izhikevich_matches_nest_across_set_status() {
    replay("izhikevich");
}

#[test]
fn mat2_psc_exp_matches_nest_across_set_status() {
    replay("mat2_psc_exp");
}

#[test]
fn amat2_psc_exp_matches_nest_across_set_status() {
    replay("amat2_psc_exp");
}

#[test]
fn gif_psc_exp_matches_nest_across_set_status() {
    replay("gif_psc_exp");
}

#[test]
fn gif_cond_exp_matches_nest_across_set_status() {
    replay("gif_cond_exp");
}

#[test]
fn pp_psc_delta_matches_nest_across_set_status() {
    replay("pp_psc_delta");
}

#[test]
fn gif_psc_exp_multisynapse_matches_nest_across_set_status() {
    replay("gif_psc_exp_multisynapse");
}

#[test]
fn gif_cond_exp_multisynapse_matches_nest_across_set_status() {
    replay("gif_cond_exp_multisynapse");
}

#[test]
fn aeif_cond_alpha_multisynapse_matches_nest_across_set_status() {
    replay("aeif_cond_alpha_multisynapse");
}

#[test]
fn aeif_cond_beta_multisynapse_matches_nest_across_set_status() {
    replay("aeif_cond_beta_multisynapse");
}

#[test]
fn glif_psc_double_alpha_matches_nest_across_set_status() {
    replay("glif_psc_double_alpha");
}

#[test]
fn hh_cond_beta_gap_traub_matches_nest_across_set_status() {
    replay("hh_cond_beta_gap_traub");
}

#[test]
fn ignore_and_fire_restarts_its_phase_on_set_status_as_nest_does() {
    replay("ignore_and_fire");
}

#[test]
fn iaf_tum_2000_matches_nest_across_set_status_of_its_synaptic_state() {
    replay("iaf_tum_2000");
}

#[test]
fn iaf_chxk_2008_matches_nest_across_set_status() {
    replay("iaf_chxk_2008");
}

#[test]
fn get_status_of_a_fresh_neuron_is_nests() {
    let text = data("defaults");
    let mut nest: std::collections::BTreeMap<String, Params> = Default::default();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f[0], "status");
        nest.entry(f[1].to_string())
            .or_default()
            .insert(f[3], value(f[2], &f[4..]));
    }
    assert_eq!(nest.len(), NEURON_MODELS.len());
    for model in NEURON_MODELS {
        let mut want = nest[*model].clone();
        let ours = build(model, Params::new()).instantiate(1).get_status(0);
        if *model == "glif_cond" {
            // Before its first Simulate NEST's conductance state has one entry whatever the
            // port count (it is sized in pre_run_hook); spindle's has one per port.
            for key in ["dg", "g"] {
                assert_eq!(want.get(key), Some(&Value::List(vec![Value::Float(0.0)])));
                want.insert(key, Value::List(vec![Value::Float(0.0); 2]));
            }
        }
        if *model == "gif_cond_exp_multisynapse" {
            // A fresh NEST neuron's state vector has one conductance more than it has ports,
            // a leftover of its layout (docs/models/gif_cond_exp_multisynapse.md).
            assert_eq!(
                want.get("g"),
                Some(&Value::List(vec![Value::Float(0.0); 2]))
            );
            want.insert("g", Value::List(vec![Value::Float(0.0)]));
        }
        assert_status_equal(model, &ours, &want, "fresh neuron");
    }
}

/// Every model: a dictionary whose last rule fails leaves parameters and state as they were,
/// and the same neuron then still accepts a valid change.
#[test]
fn a_failed_set_status_changes_nothing() {
    let bad: &[(&str, &[(&str, Value)])] = &[
        (
            "iaf_psc_alpha",
            &[
                ("E_L", Value::Float(-60.0)),
                ("V_m", Value::Float(-50.0)),
                ("C_m", Value::Float(-1.0)),
            ],
        ),
        (
            "iaf_psc_exp",
            &[
                ("I_e", Value::Float(10.0)),
                ("V_reset", Value::Float(-40.0)),
            ],
        ),
        (
            "iaf_cond_exp",
            &[
                ("E_L", Value::Float(-60.0)),
                ("tau_syn_in", Value::Float(0.0)),
            ],
        ),
        (
            "iaf_cond_alpha",
            &[("dg_ex", Value::Float(5.0)), ("V_th", Value::Float(-61.0))],
        ),
        (
            "iaf_cond_beta",
            &[
                ("g_in", Value::Float(5.0)),
                ("tau_decay_in", Value::Float(-1.0)),
            ],
        ),
        (
            "iaf_cond_exp_sfa_rr",
            &[("q_sfa", Value::Float(5.0)), ("tau_rr", Value::Float(0.0))],
        ),
        (
            "glif_psc",
            &[
                ("E_L", Value::Float(-60.0)),
                ("threshold_spike", Value::Float(1.0)),
            ],
        ),
        (
            "glif_cond",
            &[
                ("V_m", Value::Float(-60.0)),
                ("E_rev", Value::List(vec![Value::Float(0.0)])),
            ],
        ),
        (
            "iaf_psc_delta",
            &[
                ("refractory_input", Value::Bool(true)),
                ("E_L", Value::Float(-60.0)),
                ("tau_m", Value::Float(0.0)),
            ],
        ),
        (
            "iaf_psc_exp_multisynapse",
            &[
                ("V_m", Value::Float(-60.0)),
                ("tau_syn", Value::List(vec![Value::Float(10.0)])),
            ],
        ),
        (
            "iaf_psc_alpha_multisynapse",
            &[
                ("tau_syn", Value::List(vec![Value::Float(3.0)])),
                ("V_min", Value::Float(-60.0)),
                ("V_reset", Value::Float(-50.0)),
            ],
        ),
        (
            "iaf_psc_exp_htum",
            &[
                ("E_L", Value::Float(-60.0)),
                ("t_ref_abs", Value::Float(5.0)),
            ],
        ),
        (
            "hh_psc_alpha",
            &[("E_L", Value::Float(-60.0)), ("Act_m", Value::Float(-0.1))],
        ),
        (
            "hh_cond_exp_traub",
            &[("V_T", Value::Float(-50.0)), ("C_m", Value::Float(0.0))],
        ),
        (
            "izhikevich",
            &[("a", Value::Float(0.1)), ("U_m", Value::Bool(true))],
        ),
        (
            "mat2_psc_exp",
            &[("E_L", Value::Float(-60.0)), ("tau_m", Value::Float(1.0))],
        ),
        (
            "amat2_psc_exp",
            &[("omega", Value::Float(-50.0)), ("tau_v", Value::Float(3.0))],
        ),
        (
            "gif_psc_exp",
            &[
                ("E_L", Value::Float(-60.0)),
                ("tau_sfa", Value::List(vec![Value::Float(5.0)])),
            ],
        ),
        (
            "gif_cond_exp",
            &[("g_ex", Value::Float(5.0)), ("Delta_V", Value::Float(0.0))],
        ),
        (
            "pp_psc_delta",
            &[("E_sfa", Value::Float(5.0)), ("c_3", Value::Float(-1.0))],
        ),
        (
            "gif_psc_exp_multisynapse",
            &[
                ("E_L", Value::Float(-60.0)),
                ("tau_syn", Value::List(vec![Value::Float(-1.0)])),
            ],
        ),
        (
            "gif_cond_exp_multisynapse",
            &[
                ("lambda_0", Value::Float(5.0)),
                (
                    "E_rev",
                    Value::List(vec![Value::Float(0.0), Value::Float(-80.0)]),
                ),
            ],
        ),
        (
            "aeif_cond_alpha_multisynapse",
            &[
                ("w", Value::Float(5.0)),
                ("tau_syn", Value::List(vec![Value::Float(3.0)])),
                ("V_peak", Value::Float(-60.0)),
            ],
        ),
        (
            "aeif_cond_beta_multisynapse",
            &[
                ("E_rev", Value::List(vec![Value::Float(-10.0)])),
                ("tau_rise", Value::List(vec![Value::Float(3.0)])),
                ("tau_decay", Value::List(vec![Value::Float(2.0)])),
            ],
        ),
        (
            "glif_psc_double_alpha",
            &[
                ("E_L", Value::Float(-60.0)),
                ("amp_slow", Value::List(vec![Value::Float(0.0)])),
            ],
        ),
        (
            "hh_cond_beta_gap_traub",
            &[("V_T", Value::Float(-50.0)), ("g_L", Value::Float(-1.0))],
        ),
    ];
    for (model, entries) in bad {
        let mut drive = Drive::new(build(model, Params::new()), 2, 0.1);
        drive.current(0, 0.0, 20.0, 500.0, 1.0, 1.0, 0);
        drive.run_until(15.0, |_, _, _| {});
        let before = drive.chunk.get_status(0);
        let mut dict = Params::new();
        for (k, v) in entries.iter() {
            dict.insert(*k, v.clone());
        }
        let err = drive.chunk.set_status(0, &mut dict).unwrap_err();
        assert!(
            err.to_string().contains("BadProperty") || err.key().is_some(),
            "{err}"
        );
        assert_eq!(drive.chunk.get_status(0), before, "{model}: {err}");
        let mut ok = Params::new();
        ok.insert("V_m", Value::Float(-65.0));
        drive.chunk.set_status(0, &mut ok).unwrap();
        assert_eq!(
            drive.chunk.get_status(0).get("V_m"),
            Some(&Value::Float(-65.0))
        );
    }
}
