//! Contract: bad model parameters are rejected with NEST 3.10's rules and messages (and, where
//! several rules are broken, with the message NEST gives first), unknown keys and unknown model
//! names are reported, bad receptors are refused as NEST refuses them, and good parameters are
//! accepted (spec §2.3, §3, §4, §5.5). The messages were read off NEST 3.10.0.

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
        ParamError::Rule { kind, message, .. } => {
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
fn registry_knows_its_models_and_only_those() {
    assert_eq!(
        NEURON_MODELS,
        [
            "aeif_cond_alpha",
            "aeif_cond_alpha_multisynapse",
            "aeif_cond_beta_multisynapse",
            "aeif_cond_exp",
            "aeif_psc_alpha",
            "aeif_psc_delta",
            "aeif_psc_exp",
            "amat2_psc_exp",
            "gif_cond_exp",
            "gif_cond_exp_multisynapse",
            "gif_psc_exp",
            "gif_psc_exp_multisynapse",
            "glif_cond",
            "glif_psc",
            "glif_psc_double_alpha",
            "hh_cond_beta_gap_traub",
            "hh_cond_exp_traub",
            "hh_psc_alpha",
            "iaf_chxk_2008",
            "iaf_cond_alpha",
            "iaf_cond_beta",
            "iaf_cond_exp",
            "iaf_cond_exp_sfa_rr",
            "iaf_psc_alpha",
            "iaf_psc_alpha_multisynapse",
            "iaf_psc_delta",
            "iaf_psc_exp",
            "iaf_psc_exp_htum",
            "iaf_psc_exp_multisynapse",
            "iaf_tum_2000",
            "ignore_and_fire",
            "izhikevich",
            "mat2_psc_exp",
            "parrot_neuron",
            "pp_psc_delta"
        ]
    );
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

/// Build `model` through the registry from `entries`.
fn build_model(
    model: &str,
    entries: &[(&str, Value)],
) -> Result<Box<dyn spindle_core::model::NeuronModel>, ParamError> {
    let mut p = Params::new();
    for (k, v) in entries {
        p.insert(*k, v.clone());
    }
    let m = neuron_model(model, &mut p).expect("registered model")?;
    p.finish(model, neuron_model_keys(model).unwrap())?;
    Ok(m)
}

fn rejects_model(model: &str, entries: &[(&str, Value)], expected: &str) {
    let err = build_model(model, entries).map(|_| ()).expect_err(expected);
    assert_eq!(message(err), expected, "{model} {entries:?}");
}

fn f(x: f64) -> Value {
    Value::Float(x)
}

#[test]
fn iaf_psc_alpha_rules_have_nest_messages_in_nest_order() {
    let m = "iaf_psc_alpha";
    rejects_model(m, &[("C_m", f(0.0))], "Capacitance must be > 0.");
    rejects_model(
        m,
        &[("tau_m", f(0.0))],
        "Membrane time constant must be > 0.",
    );
    rejects_model(
        m,
        &[("tau_syn_ex", f(0.0))],
        "All synaptic time constants must be > 0.",
    );
    rejects_model(
        m,
        &[("tau_syn_in", f(-1.0))],
        "All synaptic time constants must be > 0.",
    );
    rejects_model(
        m,
        &[("t_ref", f(-0.1))],
        "The refractory time t_ref can't be negative.",
    );
    rejects_model(
        m,
        &[("V_reset", f(-55.0))],
        "Reset potential must be smaller than threshold.",
    );
    rejects_model(
        m,
        &[("V_th", f(-80.0))],
        "Reset potential must be smaller than threshold.",
    );
    // Several broken rules: NEST reports the capacitance first.
    rejects_model(
        m,
        &[("C_m", f(0.0)), ("tau_m", f(0.0))],
        "Capacitance must be > 0.",
    );
    rejects_model(
        m,
        &[("C_m", f(0.0)), ("V_reset", f(-50.0))],
        "Capacitance must be > 0.",
    );
    // t_ref = 0 and a V_min are fine.
    assert!(build_model(m, &[("t_ref", f(0.0)), ("V_min", f(-60.0))]).is_ok());
}

#[test]
fn iaf_psc_exp_rules_have_nest_messages_in_nest_order() {
    let m = "iaf_psc_exp";
    let tau_msg = "Membrane and synapse time constants must be strictly positive.";
    rejects_model(
        m,
        &[("C_m", f(0.0))],
        "Capacitance must be strictly positive.",
    );
    rejects_model(m, &[("tau_m", f(0.0))], tau_msg);
    rejects_model(m, &[("tau_syn_ex", f(0.0))], tau_msg);
    rejects_model(m, &[("tau_syn_in", f(-1.0))], tau_msg);
    rejects_model(
        m,
        &[("t_ref", f(-0.1))],
        "Refractory time must not be negative.",
    );
    rejects_model(
        m,
        &[("V_reset", f(-55.0))],
        "Reset potential must be smaller than threshold.",
    );
    rejects_model(
        m,
        &[("rho", f(-1.0))],
        "Stochastic firing intensity must not be negative.",
    );
    rejects_model(
        m,
        &[("delta", f(-1.0))],
        "Width of threshold region must not be negative.",
    );
    // NEST's order: reset/threshold first, then capacitance, time constants, t_ref, rho, delta.
    rejects_model(
        m,
        &[("C_m", f(0.0)), ("V_reset", f(-50.0))],
        "Reset potential must be smaller than threshold.",
    );
    rejects_model(
        m,
        &[("C_m", f(0.0)), ("tau_m", f(0.0))],
        "Capacitance must be strictly positive.",
    );
    rejects_model(m, &[("tau_m", f(0.0)), ("t_ref", f(-1.0))], tau_msg);
    rejects_model(
        m,
        &[("t_ref", f(-1.0)), ("rho", f(-1.0))],
        "Refractory time must not be negative.",
    );
    rejects_model(
        m,
        &[("rho", f(-1.0)), ("delta", f(-1.0))],
        "Stochastic firing intensity must not be negative.",
    );
}

#[test]
fn iaf_psc_exp_accepts_both_thresholds() {
    // NEST's deterministic branch is `delta < 1e-10`, its stochastic one `delta > 1e-10`; at
    // exactly 1e-10 the neuron never fires. All are valid parameters.
    for delta in [0.0, 1e-11, 1e-10, 0.5, 2.0] {
        assert!(build_model("iaf_psc_exp", &[("delta", f(delta)), ("rho", f(0.5))]).is_ok());
    }
}

#[test]
fn iaf_cond_exp_rules_have_nest_messages_in_nest_order() {
    let m = "iaf_cond_exp";
    rejects_model(
        m,
        &[("C_m", f(0.0))],
        "Capacitance must be strictly positive.",
    );
    rejects_model(
        m,
        &[("tau_syn_ex", f(0.0))],
        "All time constants must be strictly positive.",
    );
    rejects_model(
        m,
        &[("tau_syn_in", f(-1.0))],
        "All time constants must be strictly positive.",
    );
    rejects_model(
        m,
        &[("t_ref", f(-0.1))],
        "Refractory time cannot be negative.",
    );
    rejects_model(
        m,
        &[("V_reset", f(-55.0))],
        "Reset potential must be smaller than threshold.",
    );
    rejects_model(
        m,
        &[("C_m", f(0.0)), ("V_reset", f(-50.0))],
        "Reset potential must be smaller than threshold.",
    );
    rejects_model(
        m,
        &[("C_m", f(0.0)), ("t_ref", f(-1.0))],
        "Capacitance must be strictly positive.",
    );
    // NEST does not check g_L, and the conductances are settable state, negative included.
    assert!(build_model(m, &[("g_L", f(0.0)), ("g_ex", f(-1.0))]).is_ok());
}

#[test]
fn glif_psc_rules_have_nest_messages_in_nest_order() {
    let m = "glif_psc";
    let b = Value::Bool;
    rejects_model(
        m,
        &[("adapting_threshold", b(true))],
        "Incorrect model mechanism combination setting.See documentation for setting of model \
         mechanism parameters:spike_dependent_threshold, after_spike_currents, \
         adapting_threshold.",
    );
    rejects_model(
        m,
        &[("g", f(0.0))],
        "Membrane conductance must be strictly positive.",
    );
    rejects_model(
        m,
        &[("C_m", f(0.0))],
        "Capacitance must be strictly positive.",
    );
    rejects_model(
        m,
        &[("t_ref", f(0.0))],
        "Refractory time constant must be strictly positive.",
    );
    rejects_model(
        m,
        &[("V_reset", f(-51.68))],
        "Reset potential must be smaller than threshold.",
    );
    rejects_model(
        m,
        &[("tau_syn", floats(&[0.0]))],
        "All synaptic time constants must be strictly positive.",
    );
    rejects_model(
        m,
        &[
            ("spike_dependent_threshold", b(true)),
            ("th_spike_decay", f(0.0)),
        ],
        "Spike induced threshold time constant must be strictly positive.",
    );
    rejects_model(
        m,
        &[
            ("spike_dependent_threshold", b(true)),
            ("voltage_reset_fraction", f(1.5)),
        ],
        "Voltage fraction coefficient following spike must be within [0.0, 1.0].",
    );
    rejects_model(
        m,
        &[
            ("after_spike_currents", b(true)),
            ("asc_amps", floats(&[1.0])),
        ],
        "All after spike current parameters (i.e., asc_init, k, asc_amps, r) must have the same \
         size.",
    );
    rejects_model(
        m,
        &[
            ("after_spike_currents", b(true)),
            ("asc_decay", floats(&[0.1, 0.0])),
        ],
        "After-spike current time constant must be strictly positive.",
    );
    let glif5 = [
        ("spike_dependent_threshold", b(true)),
        ("after_spike_currents", b(true)),
        ("adapting_threshold", b(true)),
    ];
    let with = |extra: &[(&'static str, Value)]| {
        let mut v = glif5.to_vec();
        v.extend_from_slice(extra);
        v
    };
    rejects_model(
        m,
        &with(&[("th_voltage_decay", f(0.0))]),
        "Voltage-induced threshold time constant must be strictly positive.",
    );

    // glif_psc checks in another order than glif_cond: after-spike currents before the
    // membrane, the adapting threshold before the spike threshold, tau_syn last.
    rejects_model(
        m,
        &[
            ("after_spike_currents", b(true)),
            ("asc_r", floats(&[1.0, -0.1])),
            ("V_reset", f(-40.0)),
        ],
        "After spike current fraction following spike coefficients r must be within [0.0, 1.0].",
    );
    rejects_model(
        m,
        &[("C_m", f(0.0)), ("V_reset", f(-40.0))],
        "Reset potential must be smaller than threshold.",
    );
    rejects_model(
        m,
        &[("g", f(0.0)), ("t_ref", f(0.0))],
        "Membrane conductance must be strictly positive.",
    );
    rejects_model(
        m,
        &with(&[("th_voltage_decay", f(0.0)), ("th_spike_decay", f(0.0))]),
        "Voltage-induced threshold time constant must be strictly positive.",
    );
    rejects_model(
        m,
        &[
            ("spike_dependent_threshold", b(true)),
            ("t_ref", f(0.0)),
            ("th_spike_decay", f(0.0)),
        ],
        "Refractory time constant must be strictly positive.",
    );
    rejects_model(
        m,
        &[("tau_syn", floats(&[0.0])), ("C_m", f(0.0))],
        "Capacitance must be strictly positive.",
    );
    rejects_model(
        m,
        &[
            ("after_spike_currents", b(true)),
            ("asc_decay", floats(&[0.1, 0.1])),
            ("asc_r", floats(&[2.0, 1.0])),
            ("asc_amps", floats(&[0.0])),
        ],
        "All after spike current parameters (i.e., asc_init, k, asc_amps, r) must have the same \
         size.",
    );

    // State rules, as glif_cond.
    rejects_model(
        m,
        &[("ASCurrents", floats(&[1.0, 2.0]))],
        "After spike currents are not supported or settable in the current model mechanisms.",
    );
    rejects_model(
        m,
        &[
            ("after_spike_currents", b(true)),
            ("ASCurrents", floats(&[1.0])),
        ],
        "After spike current values must have have the same size (2) of its parameters (i.e., \
         asc_init, k, asc_amps, r).",
    );
    rejects_model(
        m,
        &[("V_m", f(-40.0)), ("threshold_spike", f(1.0))],
        "Threshold spike component is not supported or settable in the current model mechanisms.",
    );
    rejects_model(
        m,
        &[("threshold_voltage", f(1.0))],
        "Threshold voltage component is not supported or settable in the current model \
         mechanisms.",
    );
    assert!(build_model(m, &[("tau_syn", floats(&[1.0, 2.0, 3.0]))]).is_ok());
}

#[test]
fn glif_psc_names_its_conductance_g_and_has_no_reversal_potentials() {
    for key in ["g_m", "E_rev", "I_e"] {
        let err = build_model("glif_psc", &[(key, f(1.0))])
            .map(|_| ())
            .unwrap_err();
        assert!(
            matches!(&err, ParamError::Unknown { key: k, .. } if k == key),
            "{err}"
        );
    }
    let err = build_model("glif_cond", &[("g", f(1.0))])
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(err, ParamError::Unknown { .. }), "{err}");
}

#[test]
fn receptors_are_refused_as_nest_refuses_them() {
    let unknown = |model: &str, r: i64| format!("Receptor type {r} is not available in {model}.");
    for model in ["iaf_psc_alpha", "iaf_psc_exp", "iaf_cond_exp", "glif_psc"] {
        let m = build_model(model, &[]).unwrap();
        let e = m.current_input(2, 1.0).unwrap_err();
        assert_eq!(
            (e.kind, e.message),
            ("UnknownReceptorType", unknown(model, 2))
        );
        let e = m.accepts_multimeter(1).unwrap_err();
        assert_eq!(
            (e.kind, e.message),
            ("UnknownReceptorType", unknown(model, 1))
        );
        assert!(m.current_input(0, 1.0).is_ok());
        assert!(m.accepts_multimeter(0).is_ok());
    }
    for model in ["iaf_psc_alpha", "iaf_psc_exp", "iaf_cond_exp"] {
        let m = build_model(model, &[]).unwrap();
        assert!(m.spike_input(0, 1.0).is_ok());
        let e = m.spike_input(1, 1.0).unwrap_err();
        assert_eq!(
            (e.kind, e.message),
            ("UnknownReceptorType", unknown(model, 1))
        );
    }
    // Only iaf_psc_exp takes currents on receptor 1; iaf_psc_alpha and iaf_cond_exp refuse them.
    assert!(build_model("iaf_psc_exp", &[])
        .unwrap()
        .current_input(1, 1.0)
        .is_ok());
    for model in ["iaf_psc_alpha", "iaf_cond_exp"] {
        let e = build_model(model, &[])
            .unwrap()
            .current_input(1, 1.0)
            .unwrap_err();
        assert_eq!(e.message, unknown(model, 1));
    }
    // glif_psc: spikes on ports 1 … n only.
    let m = build_model("glif_psc", &[]).unwrap();
    assert!(m.spike_input(1, -20.0).is_ok());
    for r in [0, 2] {
        let e = m.spike_input(r, 1.0).unwrap_err();
        assert_eq!(
            (e.kind, e.message),
            (
                "IncompatibleReceptorType",
                format!("Receptor type {r} in glif_psc does not accept SpikeEvent.")
            )
        );
    }
    let e = m.current_input(1, 1.0).unwrap_err();
    assert_eq!(e.message, unknown("glif_psc", 1));
}

#[test]
fn iaf_cond_alpha_beta_sfa_rr_rules_have_nest_messages_in_nest_order() {
    let taus: &[(&str, &[&str])] = &[
        ("iaf_cond_alpha", &["tau_syn_ex", "tau_syn_in"]),
        (
            "iaf_cond_beta",
            &["tau_rise_ex", "tau_decay_ex", "tau_rise_in", "tau_decay_in"],
        ),
        (
            "iaf_cond_exp_sfa_rr",
            &["tau_syn_ex", "tau_syn_in", "tau_sfa", "tau_rr"],
        ),
    ];
    for &(m, keys) in taus {
        for key in keys {
            rejects_model(
                m,
                &[(key, f(0.0))],
                "All time constants must be strictly positive.",
            );
        }
        rejects_model(
            m,
            &[("t_ref", f(-0.1))],
            "Refractory time cannot be negative.",
        );
        rejects_model(
            m,
            &[("V_reset", f(-40.0))],
            "Reset potential must be smaller than threshold.",
        );
        rejects_model(
            m,
            &[("C_m", f(0.0)), (keys[0], f(-1.0))],
            "Capacitance must be strictly positive.",
        );
        rejects_model(
            m,
            &[("t_ref", f(-1.0)), (keys[keys.len() - 1], f(-1.0))],
            "Refractory time cannot be negative.",
        );
        rejects_model(
            m,
            &[("C_m", f(0.0)), ("V_th", f(-80.0))],
            "Reset potential must be smaller than threshold.",
        );
        // NEST does not check g_L, and the conductances are settable state, negative included.
        assert!(build_model(m, &[("g_L", f(0.0)), ("g_ex", f(-1.0))]).is_ok());
    }
}

fn list(v: &[f64]) -> Value {
    Value::List(v.iter().map(|&x| Value::Float(x)).collect())
}

#[test]
fn gif_rules_have_nest_messages_in_nest_order() {
    for m in [
        "gif_psc_exp",
        "gif_cond_exp",
        "gif_psc_exp_multisynapse",
        "gif_cond_exp_multisynapse",
    ] {
        rejects_model(
            m,
            &[("tau_sfa", list(&[1.0])), ("q_sfa", list(&[]))],
            "'tau_sfa' and 'q_sfa' need to have the same dimensions.\nSize of tau_sfa: 1\nSize \
             of q_sfa: 0",
        );
        rejects_model(
            m,
            &[("tau_stc", list(&[1.0, 2.0])), ("g_L", f(0.0))],
            "'tau_stc' and 'q_stc' need to have the same dimensions.\nSize of tau_stc: 2\nSize \
             of q_stc: 0",
        );
        rejects_model(
            m,
            &[("g_L", f(0.0)), ("C_m", f(0.0))],
            "Membrane conductance must be strictly positive.",
        );
        rejects_model(
            m,
            &[("Delta_V", f(0.0)), ("C_m", f(0.0))],
            "Delta_V must be strictly positive.",
        );
        rejects_model(
            m,
            &[("C_m", f(0.0)), ("t_ref", f(-1.0))],
            "Capacitance must be strictly positive.",
        );
        rejects_model(
            m,
            &[("t_ref", f(-1.0)), ("lambda_0", f(-1.0))],
            "Refractory time must not be negative.",
        );
        rejects_model(
            m,
            &[("lambda_0", f(-1.0))],
            "lambda_0 must not be negative.",
        );
        rejects_model(
            m,
            &[("tau_stc", list(&[0.0])), ("q_stc", list(&[1.0]))],
            "All time constants must be strictly positive.",
        );
        let model = build_model(m, &[]).unwrap();
        assert!(model.spike_input(2, 1.0).is_err());
        assert!(model.current_input(1, 1.0).is_err());
    }
    for m in ["gif_psc_exp", "gif_cond_exp"] {
        rejects_model(
            m,
            &[("tau_syn_in", f(0.0))],
            "Synapse time constants must be strictly positive.",
        );
        assert!(build_model(m, &[]).unwrap().spike_input(1, 1.0).is_err());
    }
}

#[test]
fn gif_multisynapse_rules_have_nest_messages() {
    rejects_model(
        "gif_psc_exp_multisynapse",
        &[("tau_syn", list(&[-1.0, 2.0]))],
        "All synaptic time constants must be > 0.",
    );
    let m = "gif_cond_exp_multisynapse";
    rejects_model(
        m,
        &[("E_rev", list(&[0.0, -80.0]))],
        "If the number of receptor ports is changed, both arrays E_rev and tau_syn must be \
         provided.",
    );
    rejects_model(
        m,
        &[("E_rev", list(&[0.0, -80.0])), ("tau_syn", list(&[1.0]))],
        "The reversal potential, and synaptic time constant arrays must have the same size.",
    );
    rejects_model(
        m,
        &[("E_rev", list(&[0.0])), ("tau_syn", list(&[-1.0]))],
        "All synaptic time constants must be strictly positive",
    );
    // Ports 1 … n take spikes (non-negative weights into the conductances), port 0 currents.
    let model = build_model(
        m,
        &[
            ("E_rev", list(&[0.0, -80.0])),
            ("tau_syn", list(&[1.0, 2.0])),
        ],
    )
    .unwrap();
    assert_eq!(model.spike_input(2, 3.0).unwrap().channel, 1);
    let refused = model.spike_input(1, -1.0).unwrap_err();
    assert_eq!(refused.kind, "BadProperty");
    for receptor in [0, 3] {
        assert_eq!(
            model.spike_input(receptor, 1.0).unwrap_err().kind,
            "IncompatibleReceptorType"
        );
    }
    assert_eq!(model.current_input(0, 1.0).unwrap().channel, 2);
}

#[test]
fn pp_psc_delta_rules_have_nest_messages_in_nest_order() {
    let m = "pp_psc_delta";
    rejects_model(
        m,
        &[("tau_sfa", list(&[1.0, 2.0])), ("q_sfa", list(&[1.0]))],
        "'tau_sfa' and 'q_sfa' need to have the same dimension.\nSize of tau_sfa: 2\nSize of \
         q_sfa: 1",
    );
    rejects_model(
        m,
        &[("C_m", f(-1.0)), ("c_3", f(-1.0))],
        "Capacitance must be strictly positive.",
    );
    rejects_model(
        m,
        &[("dead_time", f(-1.0))],
        "Absolute refractory time must not be negative.",
    );
    rejects_model(
        m,
        &[("dead_time_shape", Value::Int(0))],
        "Shape of the dead time gamma distribution must not be smaller than 1.",
    );
    rejects_model(
        m,
        &[("tau_m", f(0.0))],
        "All time constants must be strictly positive.",
    );
    rejects_model(
        m,
        &[("tau_sfa", list(&[0.0])), ("q_sfa", list(&[1.0]))],
        "All time constants must be strictly positive.",
    );
    rejects_model(
        m,
        &[("t_ref_remaining", f(-1.0))],
        "Remaining refractory time can not be negative.",
    );
    rejects_model(m, &[("c_3", f(-1.0))], "c_3 must be positive.");
    // Kernels given as numbers are appended, as NEST does; one number alone is refused (NEST
    // reads an uninitialised value for the other).
    assert!(build_model(m, &[("tau_sfa", f(30.0)), ("q_sfa", f(2.0))]).is_ok());
    assert!(build_model(m, &[("tau_sfa", f(30.0))]).is_err());
    let model = build_model(m, &[]).unwrap();
    assert!(model.spike_input(1, 1.0).is_err());
}

#[test]
fn multisynapse_adex_rules_have_nest_messages_in_nest_order() {
    let m = "aeif_cond_alpha_multisynapse";
    rejects_model(
        m,
        &[("tau_syn", list(&[1.0, 2.0]))],
        "If the number of receptor ports is changed, both arrays E_rev and tau_syn must be \
         provided.",
    );
    rejects_model(
        m,
        &[("tau_syn", list(&[1.0, 2.0])), ("E_rev", list(&[0.0]))],
        "The reversal potential, and synaptic time constant arrays must have the same size.",
    );
    rejects_model(
        m,
        &[("tau_syn", list(&[-1.0])), ("E_rev", list(&[0.0]))],
        "All synaptic time constants must be strictly positive",
    );
    // The list checks come before the scalar ones, V_peak before V_reset.
    rejects_model(
        m,
        &[("tau_syn", list(&[-1.0])), ("V_peak", f(-60.0))],
        "All synaptic time constants must be strictly positive",
    );
    rejects_model(
        m,
        &[("V_peak", f(-60.0)), ("V_reset", f(0.0))],
        "V_peak >= V_th required.",
    );
    rejects_model(
        m,
        &[("V_reset", f(0.0)), ("Delta_T", f(-1.0))],
        "Ensure that: V_reset < V_peak .",
    );
    rejects_model(
        m,
        &[("tau_w", f(0.0))],
        "All time constants must be strictly positive.",
    );
    let m = "aeif_cond_beta_multisynapse";
    rejects_model(
        m,
        &[("tau_rise", list(&[3.0])), ("tau_decay", list(&[2.0]))],
        "Synaptic rise time must be smaller than or equal to decay time.",
    );
    rejects_model(
        m,
        &[
            ("tau_rise", list(&[3.0, 1.0])),
            ("tau_decay", list(&[4.0, 2.0])),
        ],
        "If the number of receptor ports is changed, all three arrays E_rev, tau_rise and \
         tau_decay must be provided.",
    );
    rejects_model(
        m,
        &[
            ("tau_rise", list(&[3.0, 1.0])),
            ("tau_decay", list(&[4.0])),
            ("E_rev", list(&[0.0, -80.0])),
        ],
        "The reversal potential, synaptic rise time and synaptic decay time arrays must have \
         the same size.",
    );
    // Three ports at creation: spikes on 1..3, currents on 0; negative weights refused.
    let model = build_model(
        m,
        &[
            ("tau_rise", list(&[1.0, 1.0, 2.0])),
            ("tau_decay", list(&[2.0, 3.0, 2.0])),
            ("E_rev", list(&[0.0, -80.0, -70.0])),
        ],
    )
    .unwrap();
    assert_eq!(model.n_channels(), 4);
    assert_eq!(model.spike_input(3, 2.0).unwrap().channel, 2);
    for receptor in [0, 4] {
        let e = model.spike_input(receptor, 1.0).unwrap_err();
        assert_eq!(e.kind, "IncompatibleReceptorType");
        assert_eq!(
            e.message,
            format!("Receptor type {receptor} in {m} does not accept SpikeEvent.")
        );
    }
    let e = model.spike_input(1, -1.0).unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            "BadProperty",
            "Synaptic weights for conductance-based multisynapse models must be positive."
        )
    );
    assert_eq!(model.current_input(0, 1.0).unwrap().channel, 3);
    assert_eq!(
        model.current_input(1, 1.0).unwrap_err().kind,
        "UnknownReceptorType"
    );
    let names: Vec<String> = model.recordables().into_iter().map(|r| r.name).collect();
    assert_eq!(names, ["V_m", "w", "g_1", "g_2", "g_3"]);
}

#[test]
fn glif_psc_double_alpha_and_ignore_and_fire_rules_have_nest_messages() {
    let m = "glif_psc_double_alpha";
    rejects_model(
        m,
        &[("amp_slow", list(&[0.0]))],
        "All slow synaptic amplitudes must be strictly positive.",
    );
    rejects_model(
        m,
        &[("tau_syn_slow", list(&[-1.0]))],
        "All slow synaptic time constants must be strictly positive.",
    );
    rejects_model(
        m,
        &[("tau_syn_fast", list(&[0.0]))],
        "All synaptic time constants must be strictly positive.",
    );
    // NEST reads past the end of shorter slow lists; spindle refuses them.
    let err = build_model(m, &[("tau_syn_fast", list(&[1.0, 2.0]))]).unwrap_err();
    assert!(
        err.to_string().contains("one entry per receptor port"),
        "{err}"
    );
    assert!(build_model(
        m,
        &[
            ("tau_syn_fast", list(&[1.0, 2.0])),
            ("tau_syn_slow", list(&[3.0, 4.0])),
            ("amp_slow", list(&[0.5, 0.5])),
        ],
    )
    .is_ok());
    let m = "ignore_and_fire";
    rejects_model(m, &[("phase", f(0.0))], "Phase must be > 0 and <= 1.");
    rejects_model(m, &[("phase", f(1.5))], "Phase must be > 0 and <= 1.");
    rejects_model(m, &[("rate", f(0.0))], "Firing rate must be > 0.");
    let model = build_model(m, &[]).unwrap();
    let e = model.spike_input(1, 1.0).unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            "UnknownReceptorType",
            "Receptor type 1 is not available in ignore_and_fire."
        )
    );
}

#[test]
fn hh_cond_beta_gap_traub_rules_have_nest_messages_in_nest_order() {
    let m = "hh_cond_beta_gap_traub";
    rejects_model(
        m,
        &[("C_m", f(0.0)), ("t_ref", f(-1.0))],
        "Capacitance must be strictly positive.",
    );
    rejects_model(
        m,
        &[("t_ref", f(-1.0)), ("tau_rise_in", f(0.0))],
        "Refractory time cannot be negative.",
    );
    rejects_model(
        m,
        &[("tau_decay_ex", f(0.0)), ("g_K", f(-1.0))],
        "All time constants must be strictly positive.",
    );
    rejects_model(
        m,
        &[("g_Na", f(-1.0))],
        "All conductances must be non-negative.",
    );
    rejects_model(
        m,
        &[("Act_n", f(-0.1))],
        "All (in)activation variables must be non-negative.",
    );
}
