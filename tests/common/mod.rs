//! Helpers shared by the integration tests: run a scenario into memory.

#![allow(dead_code)]

use spindle::io::{MemorySink, Recording};
use spindle::{Network, RunOptions, Scenario};
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Run a scenario file (path relative to the repository root) with `threads` threads.
pub fn run_file(path: &str, threads: usize) -> Recording {
    let scenario = Scenario::load(&root().join(path)).expect("the scenario parses");
    run_scenario(&scenario, threads)
}

/// Run a parsed scenario with `threads` threads.
pub fn run_scenario(scenario: &Scenario, threads: usize) -> Recording {
    let opts = RunOptions {
        threads: Some(threads),
        seed: None,
    };
    let mut net = Network::build(scenario, &opts).expect("the scenario builds");
    let mut sink = MemorySink::with_names(net.recorder_names());
    net.simulate(&mut sink, &mut |_| true)
        .expect("the run succeeds");
    sink.recording
}

/// Run scenario text.
pub fn run_text(text: &str, threads: usize) -> Recording {
    let scenario = Scenario::parse(text, None).expect("the scenario parses");
    run_scenario(&scenario, threads)
}

/// A synapse as (source, target, model, weight bits, state as `Debug` text).
pub type SynapseRow = (u32, u32, String, u64, String);

/// Run scenario text with `threads` threads (and `seed` over the scenario's), and list every
/// neuron synapse afterwards.
pub fn run_with_synapses(
    text: &str,
    threads: usize,
    seed: Option<u64>,
) -> (Recording, Vec<SynapseRow>) {
    let scenario = Scenario::parse(text, None).expect("the scenario parses");
    let opts = RunOptions {
        threads: Some(threads),
        seed,
    };
    let mut net = Network::build(&scenario, &opts).expect("the scenario builds");
    let mut sink = MemorySink::with_names(net.recorder_names());
    net.simulate(&mut sink, &mut |_| true)
        .expect("the run succeeds");
    let sim = &net.simulation;
    let mut rows = Vec::new();
    for r in sim.synapses() {
        let (Some(id), Some(info)) = (r.id, r.connection.synapse) else {
            continue;
        };
        rows.push((
            r.connection.source.0,
            r.connection.target.0,
            sim.synapse_model(id).expect("a synapse").to_string(),
            info.weight.to_bits(),
            format!("{:?}", sim.synapse_state(id)),
        ));
    }
    (sink.recording, rows)
}
