//! Contract: network construction is deterministic — every connection rule builds the same
//! synapses (source, target, port, weight bits, delay, and the order of multapses) for any
//! thread count, and the networks then produce the same spikes.

mod common;

use spindle::{Network, RunOptions, Scenario};

fn build(scenario: &Scenario, threads: usize) -> Network {
    let opts = RunOptions {
        threads: Some(threads),
        seed: None,
    };
    Network::build(scenario, &opts).expect("the scenario builds")
}

/// (source, target, synapse: (channel, weight bits, delay)) of one connection.
type Fingerprint = (u32, u32, Option<(u16, u64, i64)>);

/// Every connection, with synapse weights compared bit for bit.
fn fingerprint(net: &Network) -> Vec<Fingerprint> {
    net.simulation
        .connections()
        .iter()
        .map(|c| {
            let synapse = c.synapse.map(|s| (s.channel, s.weight.to_bits(), s.delay));
            (c.source.0, c.target.0, synapse)
        })
        .collect()
}

const RULE_SCENARIOS: [&str; 4] = [
    "tests/scenarios/rules_fixed_indegree.toml",
    "tests/scenarios/rules_fixed_outdegree.toml",
    "tests/scenarios/rules_pairwise_bernoulli.toml",
    "tests/scenarios/rules_fixed_total_number.toml",
];

#[test]
fn every_rule_builds_the_same_synapses_for_any_thread_count() {
    for path in RULE_SCENARIOS {
        let scenario = Scenario::load(&common::root().join(path)).expect("the scenario parses");
        let one = fingerprint(&build(&scenario, 1));
        assert!(one.len() > 100_000, "{path}: the network has its synapses");
        for threads in [2, 3, 4, 7] {
            let other = fingerprint(&build(&scenario, threads));
            assert!(
                one == other,
                "{path}: {threads} threads build other synapses than 1"
            );
        }
    }
}

#[test]
fn overlapping_populations_ports_and_random_delays_build_identically() {
    // Sources and targets overlap and are listed out of id order; glif_cond ports, random
    // weights and delays, a multapse-free fixed_total_number and one_to_one from a list.
    let text = r#"
[kernel]
resolution = 0.1
seed = 5
[[nodes]]
name = "a"
model = "glif_cond"
n = 23
params = { tau_syn = [1.0, 3.0, 5.0], E_rev = [0.0, -80.0, 10.0] }
[[nodes]]
name = "b"
model = "glif_cond"
n = 17
params = { tau_syn = [1.0, 3.0, 5.0], E_rev = [0.0, -80.0, 10.0] }
[[nodes]]
name = "drive"
model = "poisson_generator"
params = { rate = 8000.0 }
[[nodes]]
name = "spikes"
model = "spike_recorder"
[[connect]]
pre = "drive"
post = ["b", "a"]
syn = { weight = 3.0, receptor_type = 1 }
[[connect]]
pre = ["b", "a"]
post = ["a", "b"]
conn = { rule = "fixed_indegree", indegree = 9, allow_multapses = false }
syn = { weight = { distribution = "uniform", low = 0.5, high = 2.0 }, delay = { distribution = "uniform", low = 0.3, high = 2.5 }, receptor_type = 1 }
[[connect]]
pre = "b"
post = ["a", "b"]
conn = { rule = "fixed_outdegree", outdegree = 12, allow_autapses = false }
syn = { weight = { distribution = "normal", mean = 4.0, std = 1.0 }, delay = 0.7, receptor_type = 2 }
[[connect]]
pre = ["a", "b"]
post = ["b", "a"]
conn = { rule = "pairwise_bernoulli", p = 0.2 }
syn = { weight = 1.5, delay = 1.2, receptor_type = 3 }
[[connect]]
pre = "a"
post = "a"
conn = { rule = "fixed_total_number", N = 300 }
syn = { weight = 0.8, delay = { distribution = "normal", mean = 1.5, std = 0.4 }, receptor_type = 3 }
[[connect]]
pre = ["a", "b"]
post = ["a", "b"]
conn = { rule = "one_to_one" }
syn = { weight = 0.1, receptor_type = 1 }
[[connect]]
pre = ["a", "b"]
post = "spikes"
[simulate]
time = 300.0
"#;
    let scenario = Scenario::parse(text, None).expect("the scenario parses");
    let one = fingerprint(&build(&scenario, 1));
    let one_run = common::run_scenario(&scenario, 1);
    assert!(
        one_run.spike_recorders[0].times.len() > 100,
        "the network is active"
    );
    for threads in [2, 3, 5] {
        assert!(
            one == fingerprint(&build(&scenario, threads)),
            "{threads} threads build other synapses than 1"
        );
        assert_eq!(
            one_run,
            common::run_scenario(&scenario, threads),
            "{threads} threads record other spikes than 1"
        );
    }
}

#[test]
fn symmetric_and_poisson_rules_build_identically_for_any_thread_count() {
    // symmetric_pairwise_bernoulli adds the way back of every drawn pair to the partition of
    // the source, pairwise_poisson draws multapses, one_to_one with make_symmetric connects
    // back after the forward connections.
    let text = r#"
[kernel]
resolution = 0.1
seed = 5
[[nodes]]
name = "a"
model = "iaf_psc_alpha"
n = 300
params = { I_e = 380.0 }
[[nodes]]
name = "b"
model = "iaf_psc_exp"
n = 120
[[nodes]]
name = "c"
model = "iaf_psc_alpha"
n = 120
[[nodes]]
name = "spikes"
model = "spike_recorder"
[[connect]]
pre = "a"
post = "a"
conn = { rule = "symmetric_pairwise_bernoulli", p = 0.05, allow_autapses = false, make_symmetric = true }
syn = { weight = 20.0, delay = 1.5 }
[[connect]]
pre = "a"
post = ["b", "c"]
conn = { rule = "pairwise_poisson", pairwise_avg_num_conns = 0.2 }
syn = { weight = { distribution = "uniform", min = 10.0, max = 30.0 } }
[[connect]]
pre = "b"
post = "c"
conn = { rule = "one_to_one", make_symmetric = true }
syn = { weight = 5.0, delay = 2.0 }
[[connect]]
pre = ["a", "b", "c"]
post = "spikes"
[simulate]
time = 200.0
"#;
    let scenario = Scenario::parse(text, None).expect("the scenario parses");
    let one = fingerprint(&build(&scenario, 1));
    // 300² · 0.05 pairs both ways, 300 · 240 · 0.2 Poisson, 2 · 120 one_to_one.
    let (sym, poisson) = (2.0 * 300.0 * 300.0 * 0.05, 300.0 * 240.0 * 0.2);
    let synapses = one.iter().filter(|c| c.2.is_some()).count() as f64;
    assert!(
        (synapses - sym - poisson - 240.0).abs() < 4.0 * (2.0 * sym + poisson).sqrt(),
        "{synapses} synapses"
    );
    let one_run = common::run_scenario(&scenario, 1);
    assert!(
        !one_run.spike_recorders[0].times.is_empty(),
        "the network is active"
    );
    for threads in [2, 3, 5] {
        assert!(
            one == fingerprint(&build(&scenario, threads)),
            "{threads} threads build other synapses than 1"
        );
        assert_eq!(
            one_run,
            common::run_scenario(&scenario, threads),
            "{threads} threads record other spikes than 1"
        );
    }
}
