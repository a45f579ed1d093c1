//! Contract: the same scenario and seed give bit-identical recordings for any number of
//! threads — also with Poisson input, whose streams are keyed by (seed, generator, target)
//! rather than by thread (a deliberate departure from NEST, shared/spec/README.md).

mod common;

#[test]
fn glif_cond_example_is_bit_identical_for_1_2_and_3_threads() {
    let one = common::run_file("examples/glif_cond.toml", 1);
    assert!(
        one.spike_recorders.iter().any(|s| !s.times.is_empty()),
        "the example produces spikes"
    );
    for threads in [2, 3] {
        let other = common::run_file("examples/glif_cond.toml", threads);
        // Recording derives PartialEq on f64 vectors: this is bitwise equality except for
        // NaN, which a NaN-free trace cannot contain (checked below).
        assert_eq!(one, other, "{threads} threads differ from 1");
    }
    for m in &one.multimeters {
        for (name, v) in &m.values {
            assert!(v.iter().all(|x| !x.is_nan()), "{name} has NaN");
        }
    }
}

#[test]
fn a_network_changed_between_runs_is_bit_identical_for_1_2_and_3_threads() {
    // SetStatus, Create and Connect between Simulate calls ([[actions]]): the grown network
    // and its recordings do not depend on the thread count either.
    let one = common::run_file("tests/scenarios/live_changes.toml", 1);
    assert!(
        one.spike_recorders.iter().any(|s| s.times.len() > 10),
        "the scenario produces spikes"
    );
    for threads in [2, 3] {
        let other = common::run_file("tests/scenarios/live_changes.toml", threads);
        assert_eq!(one, other, "{threads} threads differ from 1");
    }
}

#[test]
fn poisson_driven_population_is_bit_identical_across_threads() {
    let text = r#"
[kernel]
resolution = 0.1
seed = 7
[[nodes]]
name = "pop"
model = "glif_cond"
n = 37
params = { spike_dependent_threshold = true, after_spike_currents = true, adapting_threshold = true }
[[nodes]]
name = "drive"
model = "poisson_generator"
params = { rate = 20000.0 }
[[nodes]]
name = "relay"
model = "parrot_neuron"
n = 5
[[nodes]]
name = "spikes"
model = "spike_recorder"
[[nodes]]
name = "mm"
model = "multimeter"
params = { interval = 0.5, record_from = ["V_m", "g_1", "g_2"] }
[[connect]]
pre = "drive"
post = "pop"
syn = { weight = 2.0, delay = 1.0, receptor_type = 1 }
[[connect]]
pre = "drive"
post = "relay"
[[connect]]
pre = "relay"
post = "pop"
syn = { weight = 3.0, delay = 1.3, receptor_type = 2 }
[[connect]]
pre = "pop"
post = "pop"
syn = { weight = 0.5, delay = 2.1, receptor_type = 1 }
[[connect]]
pre = ["pop", "relay"]
post = "spikes"
[[connect]]
pre = "mm"
post = "pop"
[simulate]
time = 200.0
"#;
    let one = common::run_text(text, 1);
    let n_spikes = one.spike_recorders[0].times.len();
    assert!(n_spikes > 100, "the network is active ({n_spikes} spikes)");
    for threads in [2, 4, 5] {
        assert_eq!(one, common::run_text(text, threads), "{threads} threads");
    }
}

/// The stochastic neuron models draw from one stream per neuron (keyed by seed and node id):
/// a recurrent network of each, driven by Poisson input, spikes identically on 1, 2 and 3
/// threads, and differently under another seed.
#[test]
fn stochastic_neuron_networks_are_bit_identical_for_1_2_and_3_threads() {
    let models = [
        (
            "pp_psc_delta",
            "{ c_2 = 15.0, dead_time = 1.55, tau_sfa = [30.0], q_sfa = [1.0] }",
            0.5,
        ),
        (
            "pp_psc_delta",
            "{ c_1 = 3.0, c_2 = 10.0, dead_time = 0.0, with_reset = false }",
            0.5,
        ),
        (
            "pp_psc_delta",
            "{ c_2 = 40.0, dead_time = 4.0, dead_time_random = true, dead_time_shape = 2 }",
            0.5,
        ),
        (
            "gif_psc_exp",
            "{ I_e = 120.0, tau_sfa = [20.0], q_sfa = [3.0], tau_stc = [10.0], q_stc = [10.0] }",
            40.0,
        ),
        (
            "gif_cond_exp",
            "{ I_e = 120.0, tau_sfa = [20.0], q_sfa = [3.0], tau_stc = [10.0], q_stc = [10.0] }",
            3.0,
        ),
        (
            "iaf_psc_exp",
            "{ delta = 2.0, rho = 40.0, I_e = 250.0 }",
            60.0,
        ),
        (
            "gif_psc_exp_multisynapse",
            "{ I_e = 120.0, tau_syn = [2.0, 5.0], tau_sfa = [20.0], q_sfa = [3.0] }",
            40.0,
        ),
        (
            "gif_cond_exp_multisynapse",
            "{ I_e = 120.0, tau_syn = [2.0, 5.0], E_rev = [0.0, -80.0], tau_stc = [10.0], \
             q_stc = [10.0] }",
            3.0,
        ),
    ];
    for (model, params, w) in models {
        // The multisynapse models take spikes on ports 1 … n (the conductance one only
        // non-negative weights: the recurrent connections go to its inhibitory port 2).
        let multi = model.ends_with("multisynapse");
        let (rec_drive, rec_rec) = if multi { (1, 2) } else { (0, 0) };
        let wr = if model == "gif_cond_exp_multisynapse" {
            0.5 * w
        } else {
            -0.5 * w
        };
        let text = |seed: u64| {
            format!(
                r#"
[kernel]
resolution = 0.1
seed = {seed}
[[nodes]]
name = "pop"
model = "{model}"
n = 29
params = {params}
[[nodes]]
name = "drive"
model = "poisson_generator"
params = {{ rate = 800.0 }}
[[nodes]]
name = "spikes"
model = "spike_recorder"
[[nodes]]
name = "mm"
model = "multimeter"
params = {{ interval = 1.0, record_from = ["V_m"] }}
[[connect]]
pre = "drive"
post = "pop"
syn = {{ weight = {w}, delay = 1.0, receptor_type = {rec_drive} }}
[[connect]]
pre = "pop"
post = "pop"
conn = {{ rule = "fixed_indegree", indegree = 5 }}
syn = {{ weight = {wr}, delay = 1.5, receptor_type = {rec_rec} }}
[[connect]]
pre = "pop"
post = "spikes"
[[connect]]
pre = "mm"
post = "pop"
[simulate]
time = 300.0
"#
            )
        };
        let one = common::run_text(&text(3), 1);
        assert!(
            one.spike_recorders.iter().any(|s| s.times.len() > 20),
            "{model}: the network produces spikes"
        );
        for threads in [2, 3] {
            assert_eq!(
                one,
                common::run_text(&text(3), threads),
                "{model} {params}: {threads} threads differ from 1"
            );
        }
        assert_ne!(
            one,
            common::run_text(&text(4), 1),
            "{model}: the seed matters"
        );
    }
}
