//! Contract of `spindle run` when a run does not end normally, and while it runs:
//!
//! - killed with SIGKILL mid-simulation, it leaves a file that opens and holds exactly what
//!   the same run records up to the file's last checkpoint (`simulated_time`, > 0), with
//!   checkpoints coming as the run goes;
//! - Ctrl-C (SIGINT) stops it with exit status 130 and a message saying how far it got, and
//!   the file is closed and holds exactly the run up to the last slice boundary; a slice that
//!   would take long is cut short (the kernel checks before every step);
//! - a second process can read the file while it is written, and every snapshot it reads is
//!   the finished file's data up to the snapshot's `simulated_time`.
//!
//! Until the run completes the file is `OUTPUT.partial`; only a complete run's file gets the
//! output name.
//!
//! "Exactly what the run records" is checked against an in-memory run of the same scenario
//! up to the same time.

use spindle::io::{read_hdf5, Hdf5File, MemorySink, Recording};
use spindle::{Network, RunOptions, Scenario};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A 1000-neuron balanced network with every spike and 200 V_m traces recorded; about 0.6 s
/// of wall time per simulated second on an idle 2-core machine, test profile.
const NETWORK: &str = r#"
[kernel]
resolution = 0.1
seed = 7

[[nodes]]
name = "exc"
model = "iaf_psc_alpha"
n = 800
params = { C_m = 250.0, tau_m = 20.0, tau_syn_ex = 0.5, tau_syn_in = 0.5, t_ref = 2.0, E_L = 0.0, V_reset = 0.0, V_m = 0.0, V_th = 20.0 }

[[nodes]]
name = "inh"
model = "iaf_psc_alpha"
n = 200
params = { C_m = 250.0, tau_m = 20.0, tau_syn_ex = 0.5, tau_syn_in = 0.5, t_ref = 2.0, E_L = 0.0, V_reset = 0.0, V_m = 0.0, V_th = 20.0 }

[[nodes]]
name = "noise"
model = "poisson_generator"
params = { rate = 17789.0 }

[[nodes]]
name = "sr"
model = "spike_recorder"

[[nodes]]
name = "vm"
model = "multimeter"
params = { interval = 0.1, record_from = ["V_m"] }

[[connect]]
pre = "noise"
post = ["exc", "inh"]
syn = { weight = 20.68, delay = 1.5 }

[[connect]]
pre = "exc"
post = ["exc", "inh"]
conn = { rule = "fixed_indegree", indegree = 80 }
syn = { weight = 20.68, delay = 1.5 }

[[connect]]
pre = "inh"
post = ["exc", "inh"]
conn = { rule = "fixed_indegree", indegree = 20 }
syn = { weight = -103.4, delay = 1.5 }

[[connect]]
pre = ["exc", "inh"]
post = "sr"

[[connect]]
pre = "vm"
post = "inh"
"#;

/// Generous: the machine may be shared and slow.
const PATIENCE: Duration = Duration::from_secs(180);

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The network simulated for `ms`, as a scenario file in `dir`.
fn scenario(dir: &Path, ms: f64) -> PathBuf {
    let path = dir.join("network.toml");
    std::fs::write(&path, format!("{NETWORK}\n[simulate]\ntime = {ms:.1}\n")).unwrap();
    path
}

fn start(scenario: &Path, output: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_spindle"))
        .arg("run")
        .arg(scenario)
        .arg("-o")
        .arg(output)
        .args(["--threads", "2", "--flush-interval", "0.1", "-q"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the spindle binary starts")
}

/// Where a run writes `output` until it completes.
fn partial(output: &Path) -> PathBuf {
    let mut name = output.file_name().unwrap().to_os_string();
    name.push(".partial");
    output.with_file_name(name)
}

/// Read the file while `child` runs until `done` accepts a snapshot; panics if the run ends
/// first or takes too long.
fn watch(child: &mut Child, output: &Path, mut done: impl FnMut(&Hdf5File) -> bool) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before the file showed what was expected");
        }
        assert!(started.elapsed() < PATIENCE, "no such snapshot in time");
        // The file may not exist yet, or not be in single-writer/multiple-reader mode yet.
        if let Ok(file) = read_hdf5(output) {
            if done(&file) {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What the scenario records in memory up to `ms`.
fn recorded_up_to(scenario: &Path, ms: f64) -> Recording {
    let scenario = Scenario::load(scenario).unwrap();
    let opts = RunOptions {
        threads: Some(2),
        seed: None,
    };
    let mut net = Network::build(&scenario, &opts).unwrap();
    net.chunks = vec![(ms / net.resolution).round() as i64];
    let mut sink = MemorySink::with_names(net.recorder_names());
    net.simulate(&mut sink, &mut |_| true).unwrap();
    sink.recording
}

/// The spikes of the file's SONATA populations must be its native spikes, split by entry.
fn assert_sonata_matches_native(file: &Hdf5File) {
    let native = file.recording.spike_recorder("sr").unwrap();
    for (pop, first, count) in [("exc", 1, 800), ("inh", 801, 200)] {
        let s = file.sonata.iter().find(|s| s.population == pop).unwrap();
        let (t, ids): (Vec<f64>, Vec<u64>) = native
            .times
            .iter()
            .zip(&native.senders)
            .filter(|(_, &id)| (first..first + count).contains(&id))
            .map(|(&t, &id)| (t, (id - first) as u64))
            .unzip();
        assert_eq!(s.timestamps, t, "{pop}");
        assert_eq!(s.node_ids, ids, "{pop}");
    }
}

#[test]
fn a_run_killed_with_sigkill_leaves_a_readable_file_up_to_its_last_checkpoint() {
    let dir = scratch("sigkill");
    let scenario = scenario(&dir, 60_000.0);
    let output = dir.join("killed.h5");
    let mut child = start(&scenario, &output, &["--sonata"]);
    // Two checkpoints while it runs: the first, and a later one.
    let mut first = None;
    watch(&mut child, &partial(&output), |f| {
        if f.simulated_time > 0.0 {
            first.get_or_insert(f.simulated_time);
        }
        first.is_some_and(|t| f.simulated_time > t)
    });
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());

    assert!(
        !output.exists(),
        "an incomplete run never has the output name"
    );
    let file = read_hdf5(&partial(&output)).expect("the killed run's file opens");
    assert!(
        !file.closed,
        "the writer was killed, it cannot have closed the file"
    );
    let t = file.simulated_time;
    assert!(
        t > first.unwrap() && t < 60_000.0,
        "simulated_time {t}, first checkpoint {first:?}"
    );
    let sr = file.recording.spike_recorder("sr").unwrap();
    assert!(!sr.times.is_empty());
    assert!(sr.times.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(file.recording.multimeters[0].times.last(), Some(&t));
    assert_eq!(file.recording, recorded_up_to(&scenario, t));
    assert_sonata_matches_native(&file);
}

#[test]
fn ctrl_c_stops_at_a_slice_boundary_and_closes_the_file() {
    let dir = scratch("sigint");
    let scenario = scenario(&dir, 60_000.0);
    let output = dir.join("interrupted.h5");
    let mut child = start(&scenario, &output, &[]);
    watch(&mut child, &partial(&output), |f| f.simulated_time > 0.0);
    let kill = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -INT {}", child.id()))
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // "interrupted at t = X ms of 60000 ms; F.partial holds the data up to X ms (…)"
    let x: f64 = stderr
        .split("interrupted at t = ")
        .nth(1)
        .and_then(|rest| rest.split(" ms").next())
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("no interruption message in {stderr:?}"));
    let want = format!(
        "interrupted at t = {x} ms of 60000 ms; {} holds the data up to {x} ms",
        partial(&output).display()
    );
    assert!(stderr.contains(&want), "{stderr:?} lacks {want:?}");
    assert!(x > 0.0 && x < 60_000.0);
    let net = Network::build(&Scenario::load(&scenario).unwrap(), &RunOptions::default()).unwrap();
    let slice = net.simulation.min_delay();
    let steps = (x / net.resolution).round() as i64;
    assert_eq!(steps % slice, 0, "{x} ms is not at a slice boundary");

    assert!(
        !output.exists(),
        "an interrupted run never has the output name"
    );
    let file = read_hdf5(&partial(&output)).unwrap();
    assert!(file.closed, "the file was closed");
    assert_eq!(file.simulated_time, x);
    assert_eq!(file.recording, recorded_up_to(&scenario, x));
    // A file closed normally opens in plain HDF5 mode, as any other.
    assert!(hdf5::File::open(partial(&output)).is_ok());
}

#[test]
fn ctrl_c_stops_inside_a_long_slice() {
    // 20 000 neurons with a 1 s delay: the first slice is 10 000 steps of every neuron, many
    // seconds of work in the test profile. SIGINT must end the run long before that slice
    // would, closing the file at the last boundary (0 ms).
    let dir = scratch("sigint-long-slice");
    let path = dir.join("long.toml");
    std::fs::write(
        &path,
        r#"
[kernel]
resolution = 0.1
[[nodes]]
name = "n"
model = "iaf_psc_alpha"
n = 20000
params = { I_e = 400.0 }
[[nodes]]
name = "sr"
model = "spike_recorder"
[[connect]]
pre = "n"
post = "n"
conn = { rule = "one_to_one" }
syn = { weight = 1.0, delay = 1000.0 }
[[connect]]
pre = "n"
post = "sr"
syn = { delay = 1000.0 }
[simulate]
time = 100000.0
"#,
    )
    .unwrap();
    let output = dir.join("long.h5");
    let mut child = start(&path, &output, &[]);
    watch(&mut child, &partial(&output), |_| true);
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    let kill = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -INT {}", child.id()))
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let waited = signalled.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted at t = 0 ms of 100000 ms"),
        "{stderr}"
    );
    // A generous bound (a loaded machine): the slice itself takes far longer.
    assert!(waited < Duration::from_secs(5), "stopped after {waited:?}");
    let file = read_hdf5(&partial(&output)).unwrap();
    assert!(file.closed, "the file was closed");
    assert_eq!(file.simulated_time, 0.0);
}

#[test]
fn a_second_process_reads_the_file_while_it_is_written() {
    let dir = scratch("live");
    let scenario = scenario(&dir, 3_000.0);
    let output = dir.join("live.h5");
    let mut child = start(&scenario, &output, &["--sonata"]);
    let mut snapshots: Vec<Hdf5File> = Vec::new();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < PATIENCE, "the run takes too long");
        if let Ok(file) = read_hdf5(&partial(&output)) {
            let newer = snapshots
                .last()
                .is_none_or(|s| file.simulated_time > s.simulated_time);
            if !file.closed && file.simulated_time > 0.0 && newer {
                snapshots.push(file);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        snapshots.len() >= 2,
        "only {} snapshots while running",
        snapshots.len()
    );

    assert!(!partial(&output).exists(), "the complete run got its name");
    let last = read_hdf5(&output).unwrap();
    assert!(last.closed);
    assert_eq!(last.simulated_time, 3000.0);
    assert_sonata_matches_native(&last);
    let sr = last.recording.spike_recorder("sr").unwrap();
    let mm = &last.recording.multimeters[0];
    for snap in &snapshots {
        let t = snap.simulated_time;
        let s = snap.recording.spike_recorder("sr").unwrap();
        let n = sr.times.partition_point(|&x| x <= t);
        assert_eq!(s.times, sr.times[..n], "spikes up to {t}");
        assert_eq!(s.senders, sr.senders[..n], "spikes up to {t}");
        let m = &snap.recording.multimeters[0];
        let rows = mm.times.partition_point(|&x| x <= t);
        assert_eq!(m.times, mm.times[..rows], "samples up to {t}");
        assert_eq!(m.values[0].1, mm.values[0].1[..rows * 200], "V_m up to {t}");
        assert_sonata_matches_native(snap);
    }
}
