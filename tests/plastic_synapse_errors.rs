//! Contract: bad input for synapse models with state fails before anything is simulated, with
//! NEST's exception name and the offending key, value and connection: an unknown model
//! (`UnknownSynapseType`), a key the model does not have, a common key of a `_hom` model in a
//! `syn` table (`NotImplemented`), `Wmax` of the other sign than the weight and a negative
//! `Kplus` (`BadProperty`), a plastic synapse onto a device (`IllegalConnection`) or from one.

use spindle::{Network, RunOptions, Scenario};

fn error(syn: &str, post: &str, pre: &str) -> String {
    let text = format!(
        r#"
[kernel]
resolution = 0.1
[[nodes]]
name = "a"
model = "iaf_psc_alpha"
n = 2
[[nodes]]
name = "gen"
model = "spike_generator"
[[nodes]]
name = "sr"
model = "spike_recorder"
[[connect]]
pre = "{pre}"
post = "{post}"
syn = {syn}
[simulate]
time = 10.0
"#
    );
    let scenario = Scenario::parse(&text, None).expect("parses");
    let opts = RunOptions {
        threads: Some(2),
        seed: None,
    };
    match Network::build(&scenario, &opts) {
        Ok(_) => panic!("{syn} ({pre} -> {post}) was accepted"),
        Err(e) => e.to_string(),
    }
}

fn assert_has(message: &str, parts: &[&str]) {
    for p in parts {
        assert!(message.contains(p), "{p:?} missing from: {message}");
    }
}

#[test]
fn unknown_model_and_keys() {
    let e = error(r#"{ synapse_model = "stdp_synapsex" }"#, "a", "a");
    assert_has(&e, &["UnknownSynapseType", "stdp_synapsex"]);
    let e = error(
        r#"{ synapse_model = "stdp_synapse", tau_pluss = 3.0 }"#,
        "a",
        "a",
    );
    assert_has(&e, &["tau_pluss", "tau_plus"]);
    let e = error(
        r#"{ synapse_model = "stdp_pl_synapse_hom", mu = 0.5 }"#,
        "a",
        "a",
    );
    assert_has(&e, &["NotImplemented", "mu", "SetDefaults"]);
}

#[test]
fn out_of_range_parameters() {
    let e = error(
        r#"{ synapse_model = "stdp_synapse", weight = 2.0, Wmax = -1.0 }"#,
        "a",
        "a",
    );
    assert_has(
        &e,
        &[
            "BadProperty",
            "Weight and Wmax must have same sign",
            "Wmax",
            "-1",
        ],
    );
    let e = error(
        r#"{ synapse_model = "stdp_synapse", Kplus = -0.5 }"#,
        "a",
        "a",
    );
    assert_has(&e, &["BadProperty", "Kplus", "-0.5"]);
}

#[test]
fn plastic_synapses_connect_neurons_only() {
    let e = error(r#"{ synapse_model = "stdp_synapse" }"#, "sr", "a");
    assert_has(
        &e,
        &[
            "IllegalConnection",
            "does not support STDP synapses",
            "spike_recorder",
        ],
    );
    let e = error(r#"{ synapse_model = "stdp_synapse" }"#, "a", "gen");
    assert_has(
        &e,
        &["IllegalConnection", "parrot_neuron", "spike_generator"],
    );
}
