//! Contract: the AdEx models (`aeif_cond_alpha`, `aeif_cond_exp`, `aeif_psc_alpha`,
//! `aeif_psc_exp`, `aeif_psc_delta`) reproduce NEST 3.10's traces and spikes, and report NEST's
//! `NumericalInstability` at the step where NEST throws it, with NEST's state.
//!
//! Each scenario in `tests/data/<model>/` was run in NEST 3.10.0 by `scripts/aeif_golden.py`:
//! defaults with dc and step currents and spikes of both signs, multiplicities and mixed delays
//! at h = 0.1 ms; every parameter (and the initial state) moved at h = 0.01 ms; `Delta_T = 0`
//! with a refractory period. The stimulus is delivered to a chunk with the kernel's slot
//! arithmetic: spikes on identical steps, every sample within [`TOLERANCE`] (bit-identical on
//! x86-64 Linux). The instability scenarios drive `w` past 1e6 (a huge `b` without
//! refractoriness) or `V_m` below −1e3 (a huge hyperpolarising input). Parameter sets NEST
//! rejects are rejected with NEST's exception and message (the first of several broken rules
//! that NEST reports: each model has its own order), the ones it accepts are accepted
//! (`tests/data/aeif_validation.txt`).

mod common;

use common::{Golden, TOLERANCE};
use spindle_core::model::Instability;
use spindle_core::params::{ParamError, Params, Value};

const MODELS: [&str; 5] = [
    "aeif_cond_alpha",
    "aeif_cond_exp",
    "aeif_psc_alpha",
    "aeif_psc_exp",
    "aeif_psc_delta",
];

fn replay_all(name: &str) {
    for model in MODELS {
        Golden::load_model(model, name).assert_matches(TOLERANCE);
    }
}

#[test]
fn defaults_with_mixed_input_h01() {
    replay_all("mixed_h0.1");
}

#[test]
fn every_parameter_and_the_initial_state_moved_h001() {
    replay_all("params_h0.01");
}

#[test]
fn delta_t_zero_detects_spikes_at_v_th_h01() {
    replay_all("delta_t0_h0.1");
}

/// Replay a scenario counting every spike of a step (NEST records a spike per emission, and
/// without refractoriness an AdEx neuron can spike several times within one step) and taking
/// NaN for NaN (`aeif_psc_delta`'s `refractory_input` overflow).
fn replay_counting_spikes_and_nan(model: &str, name: &str) {
    let g = Golden::load_model(model, name);
    let mut drive = g.drive();
    let columns: Vec<usize> = g.record.iter().map(|r| drive.recordable(r)).collect();
    let mut expected = g.samples.iter().peekable();
    let mut spikes = Vec::new();
    drive.run_until(g.t_ms, |stamp, chunk, emitted| {
        for &(_, m) in emitted {
            spikes.extend(std::iter::repeat_n(stamp, m as usize));
        }
        if let Some((s, values)) = expected.peek() {
            if *s == stamp {
                for ((&col, &want), rec) in columns.iter().zip(values).zip(&g.record) {
                    let got = chunk.recordable(col, 0);
                    assert!(
                        (got - want).abs() <= TOLERANCE || (got.is_nan() && want.is_nan()),
                        "{model}/{name}: {rec} is {got}, NEST {want} at step {stamp}"
                    );
                }
                expected.next();
            }
        }
    });
    assert!(expected.next().is_none(), "{model}/{name}: samples left");
    assert_eq!(
        spikes, g.spike_stamps,
        "{model}/{name}: spikes differ from NEST"
    );
}

#[test]
fn several_spikes_within_one_step_without_refractoriness() {
    for model in MODELS {
        replay_counting_spikes_and_nan(model, "burst_h0.1");
    }
}

#[test]
fn aeif_psc_delta_refractory_input_as_nest_computes_it() {
    replay_counting_spikes_and_nan("aeif_psc_delta", "refractory_input_t_ref0_h0.1");
    // NEST's overflowing decay factor: V_m is NaN after the first refractory period.
    replay_counting_spikes_and_nan("aeif_psc_delta", "refractory_input_h0.1");
}

/// Run an instability scenario; the chunk must report nothing before NEST's failing step and
/// the instability of `variable` in it, with NEST's state.
fn fails_where_nest_does(model: &str, name: &str, variable: &str) {
    let g = Golden::load_model(model, name);
    let path = format!(
        "{}/tests/data/{model}/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let fails: Vec<&str> = text
        .lines()
        .find_map(|l| l.strip_prefix("# fails "))
        .expect("a `# fails` line")
        .split_whitespace()
        .collect();
    let (step, v_m, w): (i64, f64, f64) = (
        fails[0].parse().unwrap(),
        fails[1].parse().unwrap(),
        fails[2].parse().unwrap(),
    );
    let mut drive = g.drive();
    loop {
        let at = drive.step;
        drive.step();
        match drive.chunk.take_instability() {
            None => assert!(at < step, "{model}/{name}: no instability at step {step}"),
            Some(found) => {
                assert_eq!(at, step, "{model}/{name}: instability at another step");
                let value = if variable == "V_m" { v_m } else { w };
                assert_eq!(
                    found,
                    Instability {
                        neuron: 0,
                        variable: if variable == "V_m" { "V_m" } else { "w" },
                        value,
                    }
                );
                let status = drive.chunk.get_status(0);
                let get = |k: &str| match status.get(k) {
                    Some(spindle_core::params::Value::Float(x)) => *x,
                    other => panic!("{k}: {other:?}"),
                };
                assert!(
                    (get("V_m") - v_m).abs() <= TOLERANCE && (get("w") - w).abs() <= TOLERANCE,
                    "{model}/{name}: state ({}, {}) is not NEST's ({v_m}, {w})",
                    get("V_m"),
                    get("w")
                );
                assert_eq!(drive.chunk.take_instability(), None, "taken once");
                return;
            }
        }
    }
}

#[test]
fn w_past_1e6_is_nests_numerical_instability_at_nests_step() {
    for model in MODELS {
        fails_where_nest_does(model, "instability_w_h0.1", "w");
    }
}

#[test]
fn v_m_below_minus_1e3_is_nests_numerical_instability_at_nests_step() {
    for model in MODELS {
        fails_where_nest_does(model, "instability_v_h0.1", "V_m");
    }
}

#[test]
fn parameters_are_validated_as_nest_validates_them() {
    let path = format!(
        "{}/tests/data/aeif_validation.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut cases = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.splitn(4, " | ").collect();
        let (model, given, verdict, message) = (f[0], f[1], f[2], f[3]);
        let mut params = Params::new();
        for kv in given.split(',') {
            let (k, v) = kv.split_once('=').unwrap();
            let value = match v {
                "true" | "false" => Value::Bool(v == "true"),
                _ => Value::Float(v.parse().unwrap()),
            };
            params.insert(k, value);
        }
        let built = spindle_models::neuron_model(model, &mut params).unwrap();
        match (verdict, built) {
            ("ok", Ok(_)) => {
                let keys = spindle_models::neuron_model_keys(model).unwrap();
                params.finish(model, keys).unwrap();
            }
            ("ok", Err(e)) => panic!("{model} {given}: NEST accepts, spindle says {e}"),
            (kind, Ok(_)) => panic!("{model} {given}: NEST raises {kind}, spindle accepts"),
            (
                kind,
                Err(ParamError::Rule {
                    kind: k,
                    message: m,
                    ..
                }),
            ) => {
                assert_eq!((k, m.as_str()), (kind, message), "{model} {given}");
            }
            (_, Err(e)) => panic!("{model} {given}: unexpected error {e}"),
        }
        cases += 1;
    }
    assert!(cases > 100, "{cases} cases");
}

#[test]
fn only_receptor_0_exists_as_in_nest() {
    for model in MODELS {
        let m = common::build(model, Params::new());
        assert!(m.spike_input(0, -1.0).is_ok() && m.current_input(0, 1.0).is_ok());
        for e in [
            m.spike_input(1, 1.0).unwrap_err(),
            m.current_input(1, 1.0).unwrap_err(),
            m.accepts_multimeter(1).unwrap_err(),
        ] {
            assert_eq!(e.kind, "UnknownReceptorType");
            assert_eq!(
                e.message,
                format!("Receptor type 1 is not available in {model}.")
            );
        }
    }
}
