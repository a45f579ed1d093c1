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

/// The models of `spindle_synapses::registered`, with NEST 3.10's exceptions and messages
/// (as NEST's `Connect` gives them for the same `syn_spec`).
#[test]
fn registered_models_refuse_bad_input() {
    let cases: &[(&str, &[&str])] = &[
        (
            r#"{ synapse_model = "stdp_triplet_synapse", Kplus = -1.0 }"#,
            &["BadProperty", "State Kplus must be positive.", "-1"],
        ),
        (
            r#"{ synapse_model = "stdp_triplet_synapse_hpc", Kplus_triplet = -0.5 }"#,
            &[
                "BadProperty",
                "State Kplus_triplet must be positive.",
                "-0.5",
            ],
        ),
        (
            r#"{ synapse_model = "stdp_nn_symm_synapse", Wmax = -3.0 }"#,
            &["BadProperty", "Weight and Wmax must have same sign.", "-3"],
        ),
        (
            r#"{ synapse_model = "stdp_nn_symm_synapse", Kplus = 1.0 }"#,
            &["Kplus"],
        ),
        (
            r#"{ synapse_model = "vogels_sprekeler_synapse", weight = 2.0, Wmax = -1.0 }"#,
            &["BadProperty", "Weight and Wmax must have same sign."],
        ),
        (
            r#"{ synapse_model = "tsodyks_synapse", x = 0.8, y = 0.5 }"#,
            &["BadProperty", "x + y must be <= 1.0."],
        ),
        (
            r#"{ synapse_model = "tsodyks_synapse", tau_psc = 0.0 }"#,
            &["BadProperty", "'tau_psc' must be > 0.", "tau_psc"],
        ),
        (
            r#"{ synapse_model = "tsodyks_synapse_hom", U = 0.3 }"#,
            &[
                "NotImplemented",
                "Synapse parameter \"U\" can only be set via SetDefaults() or CopyModel().",
            ],
        ),
        (
            r#"{ synapse_model = "tsodyks_synapse_hom", weight = 3.0 }"#,
            &[
                "NotImplemented",
                "Synapse parameter \"weight\" can only be set via SetDefaults() or CopyModel().",
            ],
        ),
        (
            r#"{ synapse_model = "static_synapse_hom_w", weight = 3.0 }"#,
            &["NotImplemented", "\"weight\""],
        ),
    ];
    for (syn, parts) in cases {
        assert_has(&error(syn, "a", "a"), parts);
    }
}

/// A vogels_sprekeler_synapse with a zero weight is valid whatever `Wmax`'s sign (NEST
/// exempts it), and a registered model's connection works end to end.
#[test]
fn registered_models_accept_good_input() {
    for syn in [
        r#"{ synapse_model = "vogels_sprekeler_synapse", weight = 0.0, Wmax = -1.0 }"#,
        r#"{ synapse_model = "tsodyks_synapse_hom", x = 0.5, y = 0.5, u = 3.0 }"#,
        r#"{ synapse_model = "static_synapse_hom_w_hpc" }"#,
    ] {
        let text = format!(
            "[kernel]\nresolution = 0.1\n[[nodes]]\nname = \"a\"\nmodel = \"iaf_psc_alpha\"\n\
             n = 2\n[[connect]]\npre = \"a\"\npost = \"a\"\nsyn = {syn}\n[simulate]\ntime = 5.0\n"
        );
        let scenario = Scenario::parse(&text, None).expect("parses");
        let opts = RunOptions {
            threads: Some(2),
            seed: None,
        };
        assert!(
            Network::build(&scenario, &opts).is_ok(),
            "{syn} was refused"
        );
    }
}

/// The error of a scenario with a `volume_transmitter` "vt", a spike generator "gen" and two
/// neurons "a", to which `rest` adds `[[synapse_models]]` and `[[connect]]` entries.
fn dopamine_error(rest: &str) -> String {
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
name = "vt"
model = "volume_transmitter"
{rest}
[simulate]
time = 10.0
"#
    );
    let scenario = Scenario::parse(&text, None).expect("parses");
    match Network::build(&scenario, &RunOptions::default()) {
        Ok(_) => panic!("{rest} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn dopamine_synapses_need_a_volume_transmitter() {
    let connect = "[[connect]]\npre = \"a\"\npost = \"a\"\nsyn = { synapse_model = \"stdp_dopamine_synapse\" }";
    let e = dopamine_error(connect);
    assert_has(&e, &["BadProperty", "No volume transmitter"]);
    let e = dopamine_error(&format!(
        "[[synapse_models]]\nname = \"stdp_dopamine_synapse\"\nparams = {{ volume_transmitter = \"a\" }}\n{connect}"
    ));
    assert_has(
        &e,
        &["volume_transmitter = \"a\"", "one volume_transmitter"],
    );
    let e = dopamine_error(&format!(
        "[[synapse_models]]\nname = \"stdp_dopamine_synapse\"\nparams = {{ volume_transmitter = 2 }}\n{connect}"
    ));
    assert_has(
        &e,
        &[
            "BadProperty",
            "node of type volume_transmitter",
            "volume_transmitter = 2",
        ],
    );
    let e = dopamine_error(
        "[[synapse_models]]\nname = \"stdp_dopamine_synapse\"\nparams = { volume_transmitter = \"vt\" }\n[[connect]]\npre = \"a\"\npost = \"a\"\nsyn = { synapse_model = \"stdp_dopamine_synapse\", A_plus = 2.0 }",
    );
    assert_has(&e, &["NotImplemented", "A_plus"]);
    let e = dopamine_error("[[connect]]\npre = \"gen\"\npost = \"vt\"");
    assert_has(&e, &["IllegalConnection", "global receiver"]);
    let e = dopamine_error("[[connect]]\npre = \"vt\"\npost = \"a\"");
    assert_has(&e, &["IllegalConnection", "does not send output"]);
    let e = dopamine_error(
        "[[connect]]\npre = \"a\"\npost = \"vt\"\nconn = { rule = \"fixed_indegree\", indegree = 1 }",
    );
    assert_has(&e, &["IllegalConnection", "without proxies"]);
    let e = dopamine_error("[[nodes]]\nname = \"vt2\"\nmodel = \"volume_transmitter\"\nparams = { deliver_interval = 0 }");
    assert_has(&e, &["BadProperty", "deliver_interval"]);
}
