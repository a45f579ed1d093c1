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
