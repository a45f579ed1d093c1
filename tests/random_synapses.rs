//! Contract: the synapses that draw random numbers when a spike is delivered
//! (`bernoulli_synapse`, `quantal_stp_synapse`) give bit-identical spikes, weight recorder
//! events and synapse state for 1, 2 and 3 threads and for one `Simulate` or the same time in
//! pieces (their draws come from the target neuron's stream, keyed by seed and node id, in
//! delivery order); they follow NEST's distributions: a Bernoulli synapse transmits the
//! fraction `p_transmit` of the spikes (NEST's `test_bernoulli_synapse.py`, within three
//! standard deviations for each of ten seeds), independently for different targets, and the
//! mean release of a quantal synapse is the deterministic Tsodyks–Markram recursion (the
//! expectation of NEST's quantal model, which NEST's `test_quantal_stp_synapse.py` checks
//! against `tsodyks2_synapse`); bad parameters fail with NEST's `BadProperty` naming the key
//! and value. The deterministic limits are compared with NEST in `plastic_synapses_nest.rs`.

mod common;

use spindle::io::Recording;
use spindle::{Network, RunOptions, Scenario};

fn run(text: &str, threads: usize, seed: Option<u64>) -> (Recording, Vec<common::SynapseRow>) {
    common::run_with_synapses(text, threads, seed)
}

/// A scenario: a spike generator with `times` (ms) relayed by a parrot neuron `pre` to `n`
/// neurons `post` of `model`, with the nodes, models and connections of `rest`, simulated for
/// `time` ms.
fn relayed(times: &str, model: &str, n: usize, rest: &str, time: f64) -> String {
    format!(
        r#"
[kernel]
resolution = 0.1
[[nodes]]
name = "sg"
model = "spike_generator"
params = {{ spike_times = {times} }}
[[nodes]]
name = "pre"
model = "parrot_neuron"
[[nodes]]
name = "post"
model = "{model}"
n = {n}
{rest}
[[connect]]
pre = "sg"
post = "pre"
[simulate]
time = {time:?}
"#
    )
}

/// Whether two recordings have the same weight recorder events, ports aside: a port is the
/// synapse's place among its source's synapses on the target's thread (NEST's `lcid`), which
/// depends on the thread count in NEST too.
fn same_events(a: &Recording, b: &Recording) -> bool {
    let strip = |r: &Recording| {
        r.weight_recorders
            .iter()
            .map(|w| {
                let mut e = w.events.clone();
                e.ports.clear();
                e
            })
            .collect::<Vec<_>>()
    };
    strip(a) == strip(b)
}

fn network(times: &str) -> String {
    format!(
        r#"
[kernel]
resolution = 0.1
seed = 11
[[nodes]]
name = "e"
model = "iaf_psc_alpha"
n = 60
params = {{ I_e = 250.0 }}
[[nodes]]
name = "i"
model = "iaf_psc_exp"
n = 15
[[nodes]]
name = "drive"
model = "poisson_generator"
params = {{ rate = 9000.0 }}
[[nodes]]
name = "sr"
model = "spike_recorder"
[[nodes]]
name = "wr"
model = "weight_recorder"
[[synapse_models]]
name = "recorded_quantal"
copy_of = "quantal_stp_synapse"
params = {{ weight_recorder = "wr", n = 3, a = 3, U = 0.4, u = 0.4, tau_fac = 30.0 }}
[[connect]]
pre = "drive"
post = ["e", "i"]
syn = {{ weight = 20.0, delay = 1.5 }}
[[connect]]
pre = "e"
post = ["e", "i"]
conn = {{ rule = "fixed_indegree", indegree = 15 }}
syn = {{ synapse_model = "bernoulli_synapse", weight = 40.0, p_transmit = 0.4, delay = {{ distribution = "uniform", low = 1.0, high = 3.0 }} }}
[[connect]]
pre = "i"
post = "e"
conn = {{ rule = "fixed_indegree", indegree = 8 }}
syn = {{ synapse_model = "quantal_stp_synapse_hpc", weight = -30.0, delay = 1.2, n = 5, a = 5, tau_rec = 100.0 }}
[[connect]]
pre = "e"
post = "i"
conn = {{ rule = "fixed_indegree", indegree = 6 }}
syn = {{ synapse_model = "recorded_quantal", weight = 25.0, delay = 1.7 }}
[[connect]]
pre = ["e", "i"]
post = "sr"
[simulate]
time = {times}
"#
    )
}

#[test]
fn random_synapses_do_not_depend_on_threads_or_run_splits() {
    let (rec, rows) = run(&network("300.0"), 1, None);
    assert!(
        rec.spike_recorders[0].times.len() > 300,
        "the network is active"
    );
    let events = &rec.weight_recorders[0].events;
    assert!(events.len() > 100, "the quantal synapses transmit");
    assert!(
        events.weights.iter().any(|&w| w != 25.0) && events.weights.contains(&25.0),
        "releases of one and of several sites"
    );
    for threads in [2, 3] {
        let other = run(&network("300.0"), threads, None);
        assert!(
            other.0.spike_recorders == rec.spike_recorders,
            "{threads} threads: spikes differ"
        );
        assert!(
            same_events(&other.0, &rec),
            "{threads} threads: weight recorder events differ"
        );
        assert!(other.1 == rows, "{threads} threads: synapses differ");
    }
    for split in ["[100.0, 0.3, 199.7]", "[12.3, 287.7]"] {
        let other = run(&network(split), 2, None);
        assert!(
            other.0.spike_recorders == rec.spike_recorders && same_events(&other.0, &rec),
            "time = {split}: recordings differ"
        );
        assert!(other.1 == rows, "time = {split}: synapses differ");
    }
    let reseeded = run(&network("300.0"), 1, Some(12));
    assert!(reseeded.0 != rec, "another seed draws otherwise");
}

/// NEST's `test_bernoulli_synapse.py`: 999 spikes through a parrot neuron and a
/// `bernoulli_synapse` with `p_transmit` onto `targets` parrot neurons; the spikes each
/// target relays, per target.
fn bernoulli_counts(p: f64, targets: usize, seed: u64) -> Vec<Vec<f64>> {
    let times: Vec<f64> = (1..1000).map(f64::from).collect();
    let rest = format!(
        r#"
[[nodes]]
name = "sr"
model = "spike_recorder"
[[connect]]
pre = "pre"
post = "post"
syn = {{ synapse_model = "bernoulli_synapse", p_transmit = {p:?} }}
[[connect]]
pre = "post"
post = "sr"
"#
    );
    let text = relayed(
        &format!("{times:?}"),
        "parrot_neuron",
        targets,
        &rest,
        1002.0,
    );
    let (rec, _) = run(&text, 2, Some(seed));
    let sr = &rec.spike_recorders[0];
    (0..targets)
        .map(|k| {
            sr.times
                .iter()
                .zip(&sr.senders)
                .filter(|&(_, &s)| s == 3 + k as i64)
                .map(|(&t, _)| t)
                .collect()
        })
        .collect()
}

#[test]
fn bernoulli_synapse_transmits_its_fraction() {
    let (n, p): (f64, f64) = (999.0, 0.25);
    let margin = 3.0 * (n * p * (1.0 - p)).sqrt();
    let mut total = 0.0;
    for seed in 123..133 {
        let got = bernoulli_counts(p, 1, seed)[0].len() as f64;
        assert!(
            (got - n * p).abs() <= margin,
            "seed {seed}: {got} of {n} spikes transmitted, p = {p}"
        );
        total += got;
    }
    let sd = (10.0 * n * p * (1.0 - p)).sqrt();
    assert!(
        (total - 10.0 * n * p).abs() <= 3.0 * sd,
        "{total} of {} spikes over ten seeds",
        10.0 * n
    );
    // The deterministic limits.
    assert_eq!(bernoulli_counts(1.0, 1, 5)[0].len(), 999);
    assert!(bernoulli_counts(0.0, 1, 5)[0].is_empty());
}

#[test]
fn bernoulli_draws_are_independent_between_targets() {
    let p = 0.5;
    let counts = bernoulli_counts(p, 4, 9);
    let n = 999.0;
    for a in 0..4 {
        for b in a + 1..4 {
            let both = counts[a].iter().filter(|t| counts[b].contains(t)).count() as f64;
            let (mean, sd) = (n * p * p, (n * p * p * (1.0 - p * p)).sqrt());
            assert!(
                (both - mean).abs() <= 4.0 * sd,
                "targets {a} and {b} both got {both} spikes, expected {mean} ± {sd}"
            );
        }
    }
}

#[test]
fn quantal_release_averages_to_the_tsodyks_markram_recursion() {
    let (n_sites, m, weight) = (5u32, 1500usize, 0.01);
    let (big_u, tau_fac, tau_rec) = (0.3, 50.0, 100.0);
    let spikes: Vec<f64> = [
        10.0, 20.0, 30.0, 40.0, 50.0, 70.0, 100.0, 140.0, 200.0, 210.0, 215.0, 400.0,
    ]
    .to_vec();
    let rest = format!(
        r#"
[[nodes]]
name = "wr"
model = "weight_recorder"
[[synapse_models]]
name = "q"
copy_of = "quantal_stp_synapse"
params = {{ weight_recorder = "wr", U = {big_u:?}, u = {big_u:?}, tau_fac = {tau_fac:?}, tau_rec = {tau_rec:?}, n = {n_sites}, a = {n_sites} }}
[[connect]]
pre = "pre"
post = "post"
syn = {{ synapse_model = "q", weight = {weight:?} }}
"#
    );
    let text = relayed(&format!("{spikes:?}"), "iaf_psc_alpha", m, &rest, 420.0);
    let (rec, _) = run(&text, 3, None);
    let events = &rec.weight_recorders[0].events;
    // The expected fraction of the sites released at each spike (the available fraction x
    // and the release probability u follow tsodyks2_synapse's recursion).
    let (mut x, mut u, mut last) = (1.0_f64, big_u, f64::NAN);
    for &t in &spikes {
        // The parrot relays the spike one step later (delay 1 ms from the generator).
        let stamp = t + 1.0;
        if last.is_finite() {
            let h = stamp - last;
            u = big_u + u * (1.0 - big_u) * (-h / tau_fac).exp();
            x = 1.0 - (1.0 - x) * (-h / tau_rec).exp();
        }
        let expected = x * u;
        x -= x * u;
        last = stamp;
        let released: f64 = events
            .times
            .iter()
            .zip(&events.weights)
            .filter(|&(&te, _)| (te - stamp).abs() < 1e-9)
            .map(|(_, &w)| w / weight)
            .sum();
        let fraction = released / f64::from(n_sites) / m as f64;
        // A site releases or not: the fraction's standard deviation is at most
        // 1/(2·sqrt(n·m)).
        let sd = 0.5 / (f64::from(n_sites) * m as f64).sqrt();
        assert!(
            (fraction - expected).abs() <= 5.0 * sd,
            "spike at {stamp} ms: {fraction} of the sites released, expected {expected}"
        );
    }
}

#[test]
fn bad_random_synapse_parameters_name_key_and_value() {
    for (syn, key, value) in [
        (
            "synapse_model = \"bernoulli_synapse\", p_transmit = 1.1",
            "p_transmit",
            "1.1",
        ),
        (
            "synapse_model = \"bernoulli_synapse\", p_transmit = -0.1",
            "p_transmit",
            "-0.1",
        ),
        (
            "synapse_model = \"quantal_stp_synapse\", U = 1.5",
            "U",
            "1.5",
        ),
        (
            "synapse_model = \"quantal_stp_synapse\", u = -0.5",
            "u",
            "-0.5",
        ),
        (
            "synapse_model = \"quantal_stp_synapse\", tau_rec = 0.0",
            "tau_rec",
            "0",
        ),
        (
            "synapse_model = \"quantal_stp_synapse\", tau_fac = -1.0",
            "tau_fac",
            "-1",
        ),
    ] {
        let text = format!(
            r#"
[[nodes]]
name = "a"
model = "iaf_psc_alpha"
n = 2
[[connect]]
pre = "a"
post = "a"
syn = {{ {syn} }}
[simulate]
time = 10.0
"#
        );
        let scenario = Scenario::parse(&text, None).expect("parses");
        let opts = RunOptions {
            threads: Some(1),
            seed: None,
        };
        let err = Network::build(&scenario, &opts).expect_err(syn).to_string();
        assert!(
            err.contains("BadProperty") && err.contains(key) && err.contains(value),
            "{syn}: {err}"
        );
    }
}
