//! Contract: a network with plastic synapses (pair, triplet, nearest-neighbour and inhibitory
//! STDP, short-term plasticity on recurrent random connections, Poisson drive) gives
//! bit-identical spikes, weights and synapse state for 1, 2 and 3 threads, and for one
//! `Simulate` or the same time in pieces that end inside min-delay slices.

mod common;

use spindle::io::Recording;

fn scenario(times: &str) -> String {
    format!(
        r#"
[kernel]
resolution = 0.1
seed = 7
[[nodes]]
name = "e"
model = "iaf_psc_alpha"
n = 80
params = {{ I_e = 200.0 }}
[[nodes]]
name = "i"
model = "iaf_psc_exp"
n = 20
params = {{ tau_minus = 30.0 }}
[[nodes]]
name = "drive"
model = "poisson_generator"
params = {{ rate = 9000.0 }}
[[nodes]]
name = "sr"
model = "spike_recorder"
[[connect]]
pre = "drive"
post = ["e", "i"]
syn = {{ weight = 20.0, delay = 1.5 }}
[[connect]]
pre = "e"
post = ["e", "i"]
conn = {{ rule = "fixed_indegree", indegree = 20 }}
syn = {{ synapse_model = "stdp_synapse", weight = {{ distribution = "uniform", low = 10.0, high = 40.0 }}, delay = {{ distribution = "uniform", low = 1.0, high = 3.0 }}, Wmax = 60.0, lambda = 0.05 }}
[[connect]]
pre = "e"
post = "e"
conn = {{ rule = "pairwise_bernoulli", p = 0.1 }}
syn = {{ synapse_model = "stdp_pl_synapse_hom", weight = 5.0, delay = 1.0 }}
[[connect]]
pre = "i"
post = ["e", "i"]
conn = {{ rule = "fixed_indegree", indegree = 10 }}
syn = {{ synapse_model = "tsodyks2_synapse", weight = -60.0, delay = 1.2, tau_fac = 50.0 }}
[[connect]]
pre = "e"
post = "e"
conn = {{ rule = "fixed_indegree", indegree = 5 }}
syn = {{ synapse_model = "stdp_triplet_synapse", weight = 15.0, delay = 1.3, Aplus = 0.5, Aminus = 0.3 }}
[[connect]]
pre = "e"
post = "i"
conn = {{ rule = "fixed_indegree", indegree = 5 }}
syn = {{ synapse_model = "stdp_nn_restr_synapse_hpc", weight = 15.0, delay = 2.1, lambda = 0.05 }}
[[connect]]
pre = "i"
post = "e"
conn = {{ rule = "fixed_indegree", indegree = 3 }}
syn = {{ synapse_model = "vogels_sprekeler_synapse", weight = -10.0, Wmax = -40.0, eta = 0.5, delay = 1.1 }}
[[connect]]
pre = "e"
post = "i"
conn = {{ rule = "fixed_indegree", indegree = 4 }}
syn = {{ synapse_model = "tsodyks_synapse", weight = 30.0, delay = 1.6, tau_fac = 20.0 }}
[[connect]]
pre = ["e", "i"]
post = "sr"
[simulate]
time = {times}
"#
    )
}

fn run(times: &str, threads: usize) -> (Recording, Vec<common::SynapseRow>) {
    common::run_with_synapses(&scenario(times), threads, None)
}

#[test]
fn plastic_networks_do_not_depend_on_threads_or_run_splits() {
    let (rec, rows) = run("300.0", 1);
    assert!(
        rec.spike_recorders[0].times.len() > 500,
        "the network is active"
    );
    let learned = rows
        .iter()
        .filter(|r| r.2 == "stdp_synapse")
        .map(|r| f64::from_bits(r.3))
        .collect::<Vec<_>>();
    assert!(
        learned.iter().any(|&w| w != learned[0]),
        "the weights changed"
    );
    for threads in [2, 3] {
        let other = run("300.0", threads);
        assert!(other.0 == rec, "{threads} threads: spikes differ");
        assert!(other.1 == rows, "{threads} threads: synapses differ");
    }
    for split in ["[100.0, 0.3, 199.7]", "[12.3, 287.7]"] {
        let other = run(split, 2);
        assert!(other.0 == rec, "time = {split}: spikes differ");
        assert!(other.1 == rows, "time = {split}: synapses differ");
    }
}
