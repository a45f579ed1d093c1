//! Contract: `hh_psc_alpha`, `hh_cond_exp_traub`, `izhikevich`, `mat2_psc_exp` and
//! `amat2_psc_exp` validate as NEST 3.10 does (its messages, checked against NEST in
//! `scripts/hh_golden.py`'s environment), refuse the receptors NEST refuses, and a Hodgkin–Huxley
//! integration that cannot finish a step is reported as an instability instead of hanging.

mod common;

use common::{build, Drive};
use spindle_core::params::{ParamError, Params, Value};
use spindle_models::{neuron_model, neuron_model_keys};

fn f(x: f64) -> Value {
    Value::Float(x)
}

/// Build `model` from `entries` through the registry, as a front end does.
fn try_build(model: &str, entries: &[(&str, Value)]) -> Result<(), ParamError> {
    let mut p = Params::new();
    for (k, v) in entries {
        p.insert(*k, v.clone());
    }
    neuron_model(model, &mut p).expect("registered model")?;
    p.finish(model, neuron_model_keys(model).unwrap())
}

fn rejects(model: &str, entries: &[(&str, Value)], expected: &str) {
    match try_build(model, entries) {
        Err(ParamError::Rule { kind, message, .. }) => {
            assert_eq!(
                (kind, message.as_str()),
                ("BadProperty", expected),
                "{model} {entries:?}"
            )
        }
        other => panic!("{model} {entries:?}: expected BadProperty, got {other:?}"),
    }
}

#[test]
fn rules_have_nest_messages() {
    let hh = "hh_psc_alpha";
    rejects(
        hh,
        &[("C_m", f(0.0))],
        "Capacitance must be strictly positive.",
    );
    rejects(
        hh,
        &[("t_ref", f(-1.0))],
        "Refractory time cannot be negative.",
    );
    rejects(
        hh,
        &[("tau_syn_in", f(0.0))],
        "All time constants must be strictly positive.",
    );
    rejects(
        hh,
        &[("g_L", f(-1.0))],
        "All conductances must be non-negative.",
    );
    rejects(
        hh,
        &[("Act_m", f(-0.1))],
        "All (in)activation variables must be non-negative.",
    );

    let traub = "hh_cond_exp_traub";
    rejects(
        traub,
        &[("C_m", f(-1.0))],
        "Capacitance must be strictly positive.",
    );
    rejects(
        traub,
        &[("tau_syn_ex", f(0.0))],
        "All time constants must be strictly positive.",
    );
    rejects(
        traub,
        &[("t_ref", f(-0.5))],
        "Refractory time cannot be negative.",
    );
    rejects(
        traub,
        &[("Inact_h", f(-1.0))],
        "All (in)activation variables must be non-negative.",
    );
    // NEST does not check this model's conductances.
    try_build(traub, &[("g_Na", f(-1.0))]).unwrap();

    let mat2 = "mat2_psc_exp";
    rejects(
        mat2,
        &[("C_m", f(0.0))],
        "Capacitance must be strictly positive.",
    );
    rejects(
        mat2,
        &[("tau_2", f(0.0))],
        "All time constants must be strictly positive.",
    );
    rejects(
        mat2,
        &[("t_ref", f(0.0))],
        "All time constants must be strictly positive.",
    );
    rejects(
        mat2,
        &[("tau_m", f(3.0))],
        "Membrane and synapse time constant(s) must differ.See note in documentation.",
    );

    let amat2 = "amat2_psc_exp";
    rejects(
        amat2,
        &[("tau_v", f(0.0))],
        "All time constants must be strictly positive.",
    );
    rejects(
        amat2,
        &[("tau_m", f(5.0))],
        "tau_m must differ from tau_syn_ex, tau_syn_in and tau_v. See note in documentation.",
    );
    rejects(
        amat2,
        &[("tau_v", f(1.0))],
        "tau_v must differ from tau_syn_ex, tau_syn_in and tau_m. See note in documentation.",
    );
    // NEST refuses a refractory time shorter than a step at the next Simulate; spindle refuses
    // one that rounds to no tic at all when it is set (every other positive t_ref is ≥ 1 step).
    rejects(
        amat2,
        &[("t_ref", f(0.0001))],
        "Total refractory time must be at least one time step.",
    );

    // V_th is a read-only state of the MAT models: NEST leaves it unaccessed.
    assert!(matches!(
        try_build(mat2, &[("V_th", f(-50.0))]),
        Err(ParamError::Unknown { .. })
    ));
    // consistent_integration is a bool.
    assert!(try_build("izhikevich", &[("consistent_integration", f(1.0))]).is_err());
}

#[test]
fn receptors_other_than_0_are_unknown() {
    for model in [
        "hh_psc_alpha",
        "hh_cond_exp_traub",
        "izhikevich",
        "mat2_psc_exp",
        "amat2_psc_exp",
    ] {
        let m = build(model, Params::new());
        let unknown = format!("Receptor type 1 is not available in {model}.");
        for e in [
            m.spike_input(1, 1.0).unwrap_err(),
            m.current_input(1, 1.0).unwrap_err(),
            m.accepts_multimeter(1).unwrap_err(),
        ] {
            assert_eq!(
                (e.kind, e.message.as_str()),
                ("UnknownReceptorType", &*unknown)
            );
        }
        assert!(m.spike_input(0, -1.0).is_ok() && m.current_input(0, 1.0).is_ok());
    }
}

#[test]
fn inhibitory_spikes_keep_their_sign_in_current_models_and_flip_it_in_conductance_models() {
    let psc = build("hh_psc_alpha", Params::new());
    let cond = build("hh_cond_exp_traub", Params::new());
    let (a, b) = (
        psc.spike_input(0, -2.0).unwrap(),
        cond.spike_input(0, -2.0).unwrap(),
    );
    assert_eq!((a.channel, a.weight), (1, -2.0));
    assert_eq!((b.channel, b.weight), (1, 2.0));
    // A zero weight is inhibitory for the HH models (w > 0 is excitatory), excitatory for the
    // MAT models (w ≥ 0), as in NEST.
    assert_eq!(psc.spike_input(0, 0.0).unwrap().channel, 1);
    let mat = build("mat2_psc_exp", Params::new());
    assert_eq!(mat.spike_input(0, 0.0).unwrap().channel, 0);
}

#[test]
fn a_diverging_hodgkin_huxley_integration_is_reported_and_the_neuron_left_as_it_was() {
    // An excitatory conductance decaying with τ = 1e-7 ms: as long as it is not exactly 0,
    // explicit RKF45 is stable only for steps below ~3e-7 ms, some 3e5 of them per 0.1 ms step,
    // beyond rkf45::MAX_STEPS. (A huge weight instead overflows the trial states to NaN, which
    // GSL accepts, and NEST with it: that neuron just goes on with NaN.)
    let mut p = Params::new();
    p.insert("tau_syn_ex", f(1e-7));
    let mut drive = Drive::new(build("hh_cond_exp_traub", p), 2, 0.1);
    drive.spike(1, 1.0, 1.0, 0, 1.0, 1);
    drive.run_until(2.0, |_, _, _| {});
    assert_eq!(drive.chunk.take_instability(), None);
    let before = drive.chunk.get_status(1);
    drive.step();
    let bad = drive
        .chunk
        .take_instability()
        .expect("instability reported");
    assert_eq!((bad.neuron, bad.variable), (1, "V_m"));
    assert_eq!(Some(&Value::Float(bad.value)), before.get("V_m"));
    assert_eq!(drive.chunk.get_status(1), before, "state kept");
    assert_eq!(drive.chunk.take_instability(), None, "taken");
    // The other neuron went on.
    assert!(drive.chunk.get_status(0).get("V_m").is_some());
}
