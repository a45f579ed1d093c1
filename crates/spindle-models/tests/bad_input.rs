//! Contract: bad model parameters are rejected with NEST 3.10's rules and messages, unknown keys
//! and unknown model names are reported, and good ones are accepted (spec §2.3, §5.5).

mod common;

use common::{floats, level_params};
use spindle_core::params::{ParamError, Params, Value};
use spindle_models::{glif_cond, neuron_model, neuron_model_keys, GlifCond, NEURON_MODELS};

fn glif(entries: &[(&str, Value)]) -> Result<GlifCond, ParamError> {
    let mut p = Params::new();
    for (k, v) in entries {
        p.insert(*k, v.clone());
    }
    GlifCond::from_params(&mut p)
}

fn flags(r: bool, asc: bool, a: bool) -> Vec<(&'static str, Value)> {
    vec![
        ("spike_dependent_threshold", Value::Bool(r)),
        ("after_spike_currents", Value::Bool(asc)),
        ("adapting_threshold", Value::Bool(a)),
    ]
}

/// The NEST message carried by an error (either kind).
fn message(e: ParamError) -> String {
    match e {
        ParamError::Rule { kind, message } => {
            assert_eq!(kind, "BadProperty");
            message
        }
        ParamError::Invalid { message, .. } => message,
        other => panic!("unexpected error {other:?}"),
    }
}

fn rejects(entries: &[(&str, Value)], expected: &str) {
    let err = glif(entries).expect_err(expected);
    assert_eq!(message(err), expected);
}

#[test]
fn the_five_levels_are_accepted_and_the_other_three_flag_combinations_rejected() {
    let msg = "Incorrect model mechanism combination setting.See documents for setting of model \
               mechanism parameters:spike_dependent_threshold, after_spike_currents, \
               adapting_threshold.";
    let mut accepted = Vec::new();
    for r in [false, true] {
        for asc in [false, true] {
            for a in [false, true] {
                match glif(&flags(r, asc, a)) {
                    Ok(m) => accepted.push(m.params.level()),
                    Err(e) => {
                        assert!(a && !(r && asc), "{r} {asc} {a} rejected");
                        assert_eq!(message(e), msg);
                    }
                }
            }
        }
    }
    accepted.sort();
    assert_eq!(
        accepted,
        ["lif", "lif_asc", "lif_r", "lif_r_asc", "lif_r_asc_a"]
    );
}

#[test]
fn parameter_rules_have_nest_messages() {
    rejects(
        &[("V_reset", Value::Float(-51.68))],
        "Reset potential must be smaller than threshold.",
    );
    rejects(
        &[("V_th", Value::Float(-80.0))],
        "Reset potential must be smaller than threshold.",
    );
    rejects(
        &[("C_m", Value::Float(0.0))],
        "Capacitance must be strictly positive.",
    );
    rejects(
        &[("g_m", Value::Float(-1.0))],
        "Membrane conductance must be strictly positive.",
    );
    rejects(
        &[("t_ref", Value::Float(0.0))],
        "Refractory time constant must be strictly positive.",
    );

    let mut r = flags(true, false, false);
    r.push(("th_spike_decay", Value::Float(0.0)));
    rejects(
        &r,
        "Spike induced threshold time constant must be strictly positive.",
    );
    let mut r = flags(true, false, false);
    r.push(("voltage_reset_fraction", Value::Float(1.5)));
    rejects(
        &r,
        "Voltage fraction coefficient following spike must be within [0.0, 1.0].",
    );
    // Without R these parameters are not checked (NEST).
    assert!(glif(&[("th_spike_decay", Value::Float(0.0))]).is_ok());

    let mut asc = flags(false, true, false);
    asc.push(("asc_amps", floats(&[1.0])));
    rejects(&asc, "All after spike current parameters (i.e., asc_init, k, asc_amps, r) must have the same size.");
    let mut asc = flags(false, true, false);
    asc.push(("asc_decay", floats(&[0.1, 0.0])));
    rejects(
        &asc,
        "After-spike current time constant must be strictly positive.",
    );
    let mut asc = flags(false, true, false);
    asc.push(("asc_r", floats(&[1.0, -0.1])));
    rejects(
        &asc,
        "After spike current fraction following spike coefficients r must be within [0.0, 1.0].",
    );
    assert!(
        glif(&[("asc_amps", floats(&[1.0]))]).is_ok(),
        "ASC parameters unchecked without ASC"
    );

    let mut a = flags(true, true, true);
    a.push(("th_voltage_decay", Value::Float(0.0)));
    rejects(
        &a,
        "Voltage-induced threshold time constant must be strictly positive.",
    );

    rejects(
        &[("E_rev", floats(&[0.0]))],
        "The reversal potential and synaptic time constant arrays, i.e., E_rev (1) and tau_syn (2), must have the same size.",
    );
    rejects(
        &[
            ("tau_syn", floats(&[1.0, 0.0])),
            ("E_rev", floats(&[0.0, -85.0])),
        ],
        "All synaptic time constants must be strictly positive.",
    );
}

#[test]
fn state_rules_have_nest_messages() {
    rejects(
        &[("ASCurrents", floats(&[1.0, 2.0]))],
        "After spike currents are not supported or settable in the current model mechanisms.",
    );
    let mut asc = flags(false, true, false);
    asc.push(("ASCurrents", floats(&[1.0])));
    rejects(&asc, "After spike current values must have have the same size (2) of its parameters (i.e., asc_init, k, asc_amps, r).");
    rejects(
        &[("threshold_spike", Value::Float(1.0))],
        "Threshold spike component is not supported or settable in the current model mechanisms.",
    );
    let mut r_asc = flags(true, true, false);
    r_asc.push(("threshold_voltage", Value::Float(1.0)));
    rejects(
        &r_asc,
        "Threshold voltage component is not supported or settable in the current model mechanisms.",
    );

    let mut ok = flags(true, true, true);
    ok.extend([
        ("threshold_spike", Value::Float(1.0)),
        ("threshold_voltage", Value::Float(-0.5)),
        ("ASCurrents", floats(&[3.0, 4.0])),
        ("V_m", Value::Float(-70.0)),
    ]);
    let m = glif(&ok).unwrap();
    assert_eq!(m.initial.threshold_spike, 1.0);
    assert_eq!(m.initial.threshold_voltage, -0.5);
    assert_eq!(m.initial.asc, [3.0, 4.0]);
    assert_eq!(m.initial.u, -70.0 - -78.85);
}

#[test]
fn wrong_types_and_unknown_keys_are_reported() {
    let err = glif(&[("C_m", Value::Str("big".into()))]).unwrap_err();
    assert!(matches!(err, ParamError::WrongType { .. }), "{err}");
    let err = glif(&[("tau_syn", Value::Float(1.0))]).unwrap_err();
    assert!(err.to_string().contains("tau_syn"), "{err}");

    // NEST has no I_e on glif_cond: the key is left unread and `finish` names it.
    let mut p = level_params("lif");
    p.insert("I_e", Value::Float(100.0));
    let model = neuron_model("glif_cond", &mut p).unwrap();
    assert!(model.is_ok());
    let err = p
        .finish("glif_cond", neuron_model_keys("glif_cond").unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("I_e"), "{err}");
}

#[test]
fn registry_knows_both_models_and_only_those() {
    assert_eq!(NEURON_MODELS, ["glif_cond", "parrot_neuron"]);
    for name in NEURON_MODELS {
        let mut p = Params::new();
        let model = neuron_model(name, &mut p).unwrap().unwrap();
        assert_eq!(model.model_name(), *name);
        assert!(neuron_model_keys(name).is_some());
    }
    assert!(neuron_model("iaf_psc_alpha_typo", &mut Params::new()).is_none());
    assert!(neuron_model_keys("nope").is_none());
    assert_eq!(neuron_model_keys("glif_cond").unwrap(), glif_cond::KEYS);

    // The parrot has no keys of its own.
    let mut p = Params::new();
    p.insert("flush_event_send_interval", Value::Float(1.0));
    neuron_model("parrot_neuron", &mut p).unwrap().unwrap();
    assert!(p
        .finish("parrot_neuron", neuron_model_keys("parrot_neuron").unwrap())
        .is_err());
}
