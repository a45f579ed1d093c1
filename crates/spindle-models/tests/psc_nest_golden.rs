//! Contract: `iaf_psc_delta`, `iaf_psc_exp_multisynapse` and `iaf_psc_alpha_multisynapse`
//! reproduce NEST 3.10's traces and spikes.
//!
//! Each scenario in `tests/data/<model>/` was run in NEST 3.10.0 by `scripts/psc_golden.py`
//! (dc and step currents, spike generators with positive and negative weights, multiplicities
//! and mixed delays, at h = 0.1 and 0.01 ms, every parameter moved; `iaf_psc_delta` with and
//! without `refractory_input`; the multisynapse models with one, three and four receptor ports,
//! spikes on every port, every `I_syn_<k>` recorded). The same stimulus is delivered to a chunk
//! with the kernel's slot arithmetic and the result must match: spikes on identical steps,
//! every recorded sample within 1e-9; on x86-64 Linux the traces must be bit-identical.

mod common;

use common::{build, floats, Drive, Golden, TOLERANCE};
use spindle_core::params::{Params, Value};

fn replay(model: &str, name: &str) {
    Golden::load_model(model, name).assert_matches(TOLERANCE);
}

#[test]
fn iaf_psc_delta_mixed_input_h01() {
    replay("iaf_psc_delta", "mixed_h0.1");
}

#[test]
fn iaf_psc_delta_all_parameters_moved_refractory_input_v_min_h001() {
    replay("iaf_psc_delta", "params_refractory_input_h0.01");
}

#[test]
fn iaf_psc_delta_refractory_input_h01() {
    replay("iaf_psc_delta", "refractory_input_h0.1");
}

#[test]
fn iaf_psc_exp_multisynapse_one_port_h01() {
    replay("iaf_psc_exp_multisynapse", "mixed_h0.1");
}

#[test]
fn iaf_psc_exp_multisynapse_four_ports_all_parameters_moved_h001() {
    replay("iaf_psc_exp_multisynapse", "four_ports_h0.01");
}

#[test]
fn iaf_psc_exp_multisynapse_three_ports_h01() {
    replay("iaf_psc_exp_multisynapse", "three_ports_h0.1");
}

#[test]
fn iaf_psc_alpha_multisynapse_one_port_h01() {
    replay("iaf_psc_alpha_multisynapse", "mixed_h0.1");
}

#[test]
fn iaf_psc_alpha_multisynapse_three_ports_singular_v_min_h001() {
    replay("iaf_psc_alpha_multisynapse", "three_ports_h0.01");
}

#[test]
fn iaf_psc_alpha_multisynapse_four_ports_h01() {
    replay("iaf_psc_alpha_multisynapse", "four_ports_h0.1");
}

fn tau_syn(values: &[f64]) -> Params {
    let mut p = Params::new();
    p.insert("tau_syn", floats(values));
    p
}

/// NEST's receptor rules: spikes on ports 1…n only (`IncompatibleReceptorType`, port 0
/// included), currents on port 0 only (`UnknownReceptorType`); `iaf_psc_delta` takes both on 0.
#[test]
fn receptor_ports_are_nests() {
    for model in ["iaf_psc_exp_multisynapse", "iaf_psc_alpha_multisynapse"] {
        let m = build(model, tau_syn(&[1.0, 2.0, 3.0]));
        assert_eq!(m.n_channels(), 4);
        for port in 1..=3 {
            assert_eq!(m.spike_input(port, -2.5).unwrap().channel, port as u16 - 1);
            assert_eq!(m.spike_input(port, -2.5).unwrap().weight, -2.5);
        }
        for port in [0, 4, -1] {
            let e = m.spike_input(port, 1.0).unwrap_err();
            assert_eq!(e.kind, "IncompatibleReceptorType", "{model} port {port}");
        }
        assert_eq!(m.current_input(0, 1.0).unwrap().channel, 3);
        assert_eq!(
            m.current_input(1, 1.0).unwrap_err().kind,
            "UnknownReceptorType"
        );
        let names: Vec<String> = m.recordables().into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["V_m", "I_syn", "I_syn_1", "I_syn_2", "I_syn_3"]);
    }
    let m = build("iaf_psc_delta", Params::new());
    assert_eq!(m.spike_input(0, -1.5).unwrap().weight, -1.5);
    assert_eq!(
        m.spike_input(1, 1.0).unwrap_err().kind,
        "UnknownReceptorType"
    );
    assert_eq!(
        m.current_input(1, 1.0).unwrap_err().kind,
        "UnknownReceptorType"
    );
}

/// `SetStatus` may change the time constants of a neuron's ports (the new propagators act from
/// the next `prepare`) but not their number, which the population's input channels fix; NEST's
/// rules on `tau_syn` hold at creation and later.
#[test]
fn set_status_keeps_the_port_count() {
    for model in ["iaf_psc_exp_multisynapse", "iaf_psc_alpha_multisynapse"] {
        let mut d = Drive::new(build(model, tau_syn(&[1.0, 2.0])), 2, 0.1);
        let mut grow = tau_syn(&[1.0, 2.0, 3.0]);
        let e = d.chunk.set_status(0, &mut grow).unwrap_err();
        assert!(e.to_string().contains("receptor ports"), "{e}");
        let mut same = tau_syn(&[4.0, 5.0]);
        d.chunk.set_status(0, &mut same).unwrap();
        let status = d.chunk.get_status(0);
        assert_eq!(status.get("tau_syn"), Some(&floats(&[4.0, 5.0])));
        assert_eq!(status.get("n_synapses"), Some(&Value::Int(2)));
        assert_eq!(
            d.chunk.get_status(1).get("tau_syn"),
            Some(&floats(&[1.0, 2.0]))
        );
        let mut negative = tau_syn(&[1.0, 0.0]);
        assert!(d.chunk.set_status(1, &mut negative).is_err());
        let mut none = tau_syn(&[]);
        assert!(
            spindle_models::neuron_model(model, &mut none)
                .unwrap()
                .is_ok(),
            "{model}: no ports at all is NEST's choice too"
        );
    }
    let mut equal = tau_syn(&[10.0]);
    let e = spindle_models::neuron_model("iaf_psc_exp_multisynapse", &mut equal)
        .unwrap()
        .unwrap_err();
    assert!(e.to_string().contains("must differ"), "{e}");
}

#[test]
fn iaf_psc_exp_htum_mixed_input_zero_weights_h01() {
    replay("iaf_psc_exp_htum", "mixed_h0.1");
}

#[test]
fn iaf_psc_exp_htum_relative_refractory_all_parameters_moved_h001() {
    replay("iaf_psc_exp_htum", "relative_refractory_h0.01");
}

#[test]
fn iaf_psc_exp_htum_relative_refractory_h01() {
    replay("iaf_psc_exp_htum", "relative_refractory_h0.1");
}

/// `iaf_psc_exp_htum`'s refractory rules: `t_ref_abs ≤ t_ref_tot`, both positive, and (NEST's
/// `pre_run_hook` check, here at `SetStatus`) at least one tic.
#[test]
fn iaf_psc_exp_htum_refractory_rules() {
    let make = |abs: f64, tot: f64| {
        let mut p = Params::new();
        p.insert("t_ref_abs", Value::Float(abs));
        p.insert("t_ref_tot", Value::Float(tot));
        spindle_models::neuron_model("iaf_psc_exp_htum", &mut p).unwrap()
    };
    assert!(make(1.0, 3.0).is_ok());
    let e = make(3.0, 1.0).unwrap_err();
    assert!(e.to_string().contains("larger or equal"), "{e}");
    let e = make(0.0, 1.0).unwrap_err();
    assert!(e.to_string().contains("strictly positive"), "{e}");
    let e = make(1e-5, 1.0).unwrap_err();
    assert!(e.to_string().contains("at least one time step"), "{e}");
    let m = build("iaf_psc_exp_htum", Params::new());
    assert_eq!(
        m.spike_input(0, 0.0).unwrap().channel,
        0,
        "w = 0 is excitatory"
    );
    assert_eq!(m.spike_input(0, -1.0).unwrap().channel, 1);
}
