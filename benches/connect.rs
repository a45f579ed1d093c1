//! Connection building: `Network::build` of a fixed_indegree network of 5000 neurons × 500.
//!
//! Times the whole build of a scenario whose cost is almost all connection building: 2.5
//! million synapses drawn with the fixed_indegree rule (per-target random streams), sorted into
//! each partition's synapse store and its (weight, delay) table. Built with 1 and 2 threads to
//! show the per-partition parallel construction. Throughput is in synapses (elements) per
//! second; the synapse store's bytes per synapse are printed before the timing.
//!
//! `cargo bench -p spindle --bench connect`

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use spindle::{Network, RunOptions, Scenario};
use std::time::Duration;

const NEURONS: u64 = 5000;
const INDEGREE: u64 = 500;

const FIXED_INDEGREE: &str = r#"
[kernel]
resolution = 0.1
seed = 1

[[nodes]]
name = "pop"
model = "glif_cond"
n = 5000

[[connect]]
pre = "pop"
post = "pop"
conn = { rule = "fixed_indegree", indegree = 500 }
syn = { weight = 1.0, delay = 1.5, receptor_type = 1 }

[simulate]
time = 1.0
"#;

fn connect(c: &mut Criterion) {
    let scenario = Scenario::parse(FIXED_INDEGREE, None).expect("the benchmark scenario parses");
    let mut group = c.benchmark_group("connect");
    group
        .throughput(Throughput::Elements(NEURONS * INDEGREE))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for threads in [1, 2] {
        let opts = RunOptions {
            threads: Some(threads),
            seed: None,
        };
        let probe = Network::build(&scenario, &opts).expect("the benchmark scenario builds");
        let sim = &probe.simulation;
        eprintln!(
            "connect: {threads} thread(s): {} synapses, synapse store {:.1} MB = {:.2} bytes/synapse",
            sim.synapse_count(),
            sim.synapse_bytes() as f64 / 1e6,
            sim.synapse_bytes() as f64 / sim.synapse_count() as f64
        );
        drop(probe);
        group.bench_function(
            format!("fixed_indegree {NEURONS}×{INDEGREE}, {threads} thread(s), synapses"),
            |b| b.iter(|| Network::build(&scenario, &opts).expect("the benchmark scenario builds")),
        );
    }
    group.finish();
}

criterion_group!(benches, connect);
criterion_main!(benches);
