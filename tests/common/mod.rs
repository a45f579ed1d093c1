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
