//! Spike delivery and the slice loop: small balanced networks simulated with `Simulation::run`.
//!
//! Each benchmark parses a scenario text (`Scenario::parse`), builds it (`Network::build`,
//! outside the timed region) and times `network.simulation.run(steps, &mut NullSink)` from
//! t = 0, so every iteration does exactly the same work: delivery of the recurrent and Poisson
//! events into the ring buffers, the neuron updates, and the spike gathering at each min-delay
//! slice boundary. Throughput is in synaptic events delivered (elements) per second; the
//! number of events and spikes per run is printed before the timing.
//!
//! `cargo bench -p spindle --bench delivery`

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use spindle::{Network, RunOptions, Scenario};
use spindle_core::recording::NullSink;
use std::time::Duration;

/// Simulated time of one iteration (ms): 30 min-delay slices of 1.5 ms.
const SIM_MS: f64 = 45.0;

/// A Brunel network (as `benches/scenarios/brunel_alpha.toml`) scaled down to 2500 neurons
/// with in-degree 200 E + 50 I: 625 000 synapses. Delivery dominates: the update is cheap.
const BRUNEL_SMALL: &str = r#"
[kernel]
resolution = 0.1
seed = 1

[[nodes]]
name = "exc"
model = "iaf_psc_alpha"
n = 2000
params = { C_m = 250.0, tau_m = 20.0, tau_syn_ex = 0.5, tau_syn_in = 0.5, t_ref = 2.0, E_L = 0.0, V_reset = 0.0, V_m = 0.0, V_th = 20.0 }

[[nodes]]
name = "inh"
model = "iaf_psc_alpha"
n = 500
params = { C_m = 250.0, tau_m = 20.0, tau_syn_ex = 0.5, tau_syn_in = 0.5, t_ref = 2.0, E_L = 0.0, V_reset = 0.0, V_m = 0.0, V_th = 20.0 }

[[nodes]]
name = "noise"
model = "poisson_generator"
params = { rate = 17789.007714721884 }

[[connect]]
pre = "noise"
post = ["exc", "inh"]
syn = { weight = 20.68015524367846, delay = 1.5 }

[[connect]]
pre = "exc"
post = ["exc", "inh"]
conn = { rule = "fixed_indegree", indegree = 200 }
syn = { weight = 20.68015524367846, delay = 1.5 }

[[connect]]
pre = "inh"
post = ["exc", "inh"]
conn = { rule = "fixed_indegree", indegree = 50 }
syn = { weight = -103.4007762183923, delay = 1.5 }

[simulate]
time = 45.0
"#;

/// `benches/scenarios/glif_net.toml` scaled down to 2000 glif_cond neurons with in-degree
/// 160 E + 40 I: 400 000 synapses. The RKF45 update dominates.
const GLIF_SMALL: &str = r#"
[kernel]
resolution = 0.1
seed = 1

[[nodes]]
name = "exc"
model = "glif_cond"
n = 1600
params = { spike_dependent_threshold = true, after_spike_currents = true, adapting_threshold = true }

[[nodes]]
name = "inh"
model = "glif_cond"
n = 400
params = { spike_dependent_threshold = true, after_spike_currents = true, adapting_threshold = true }

[[nodes]]
name = "drive"
model = "poisson_generator"
params = { rate = 8000.0 }

[[connect]]
pre = "drive"
post = ["exc", "inh"]
syn = { weight = 1.0, delay = 1.5, receptor_type = 1 }

[[connect]]
pre = "exc"
post = ["exc", "inh"]
conn = { rule = "fixed_indegree", indegree = 160 }
syn = { weight = 5.0, delay = 1.5, receptor_type = 1 }

[[connect]]
pre = "inh"
post = ["exc", "inh"]
conn = { rule = "fixed_indegree", indegree = 40 }
syn = { weight = 25.0, delay = 1.5, receptor_type = 2 }

[simulate]
time = 45.0
"#;

fn build(scenario: &Scenario, threads: usize) -> Network {
    let opts = RunOptions {
        threads: Some(threads),
        seed: None,
    };
    Network::build(scenario, &opts).expect("the benchmark scenario builds")
}

fn delivery(c: &mut Criterion) {
    let grid_steps = (SIM_MS / 0.1).round() as i64;
    let mut group = c.benchmark_group("slice");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for (label, text) in [("brunel_small", BRUNEL_SMALL), ("glif_small", GLIF_SMALL)] {
        let scenario = Scenario::parse(text, None).expect("the benchmark scenario parses");
        // One untimed run for the work per iteration: the run is deterministic, so every
        // iteration delivers exactly these events.
        let probe = match Network::build(&scenario, &RunOptions::default()) {
            Ok(mut network) => {
                network
                    .simulation
                    .run(grid_steps, &mut NullSink)
                    .expect("the benchmark scenario runs");
                network
            }
            Err(e) => {
                eprintln!("slice: {label}: cannot build ({e}); skipped");
                continue;
            }
        };
        let sim = &probe.simulation;
        let events = sim.delivered_events();
        let neurons = scenario_neurons(&probe);
        eprintln!(
            "slice: {label}: {neurons} neurons, {} synapses, {SIM_MS} ms: {} spikes ({:.1} Hz), {events} synaptic events",
            sim.synapse_count(),
            sim.spike_count(),
            sim.spike_count() as f64 / (neurons as f64 * SIM_MS * 1e-3),
        );
        group.throughput(Throughput::Elements(events));
        for threads in [1, 2] {
            group.bench_function(
                format!("{label}, {SIM_MS} ms, {threads} thread(s), synaptic events"),
                |b| {
                    b.iter_batched(
                        || build(&scenario, threads),
                        |mut network| {
                            network
                                .simulation
                                .run(grid_steps, &mut NullSink)
                                .expect("the benchmark scenario runs");
                            network
                        },
                        BatchSize::PerIteration,
                    )
                },
            );
        }
    }
    group.finish();
}

/// Neurons of the network (nodes that are not devices): every `[[nodes]]` entry with n > 1
/// here, since the devices are single nodes.
fn scenario_neurons(network: &Network) -> usize {
    network
        .nodes
        .iter()
        .filter(|e| e.count > 1)
        .map(|e| e.count as usize)
        .sum()
}

criterion_group!(benches, delivery);
criterion_main!(benches);
