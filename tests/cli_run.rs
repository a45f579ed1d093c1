//! Contract of the `spindle run` command line: the output file holds what the run recorded
//! (HDF5 round trip against an in-memory run), `--threads 1` and `--threads 2` give
//! bit-identical datasets, an existing file is never overwritten without `--overwrite`, and bad
//! input exits non-zero with a message and no panic, before any output file exists.

use spindle::io::{read_hdf5, MemorySink};
use spindle::{Network, RunOptions, Scenario};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spindle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spindle"))
        .args(args)
        .output()
        .expect("the spindle binary runs")
}

fn example() -> String {
    root().join("examples/glif_cond.toml").display().to_string()
}

#[test]
fn output_of_one_and_two_threads_is_bit_identical_and_matches_a_memory_run() {
    let dir = scratch("threads");
    let (a, b) = (dir.join("t1.h5"), dir.join("t2.h5"));
    for (file, threads) in [(&a, "1"), (&b, "2")] {
        let out = spindle(&[
            "run",
            &example(),
            "-o",
            file.to_str().unwrap(),
            "--threads",
            threads,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("nodes 12") && stdout.contains("spikes"),
            "{stdout}"
        );
    }
    let (fa, fb) = (read_hdf5(&a).unwrap(), read_hdf5(&b).unwrap());
    assert_eq!(
        fa.recording, fb.recording,
        "datasets differ between 1 and 2 threads"
    );
    assert_eq!(fa.nodes, fb.nodes);
    assert_eq!((fa.info.threads, fb.info.threads), (1, 2));
    assert_eq!(fa.simulated_time, 1000.0);
    // Bitwise, not just ==: compare the raw bits of every value.
    for (ma, mb) in fa
        .recording
        .multimeters
        .iter()
        .zip(&fb.recording.multimeters)
    {
        for ((na, va), (_, vb)) in ma.values.iter().zip(&mb.values) {
            let bits = |v: &Vec<f64>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(va), bits(vb), "{na}");
        }
    }

    // Round trip: the file holds exactly what an in-memory run of the scenario records.
    let scenario = Scenario::load(Path::new(&example())).unwrap();
    let mut net = Network::build(
        &scenario,
        &RunOptions {
            threads: Some(2),
            seed: None,
        },
    )
    .unwrap();
    let mut sink = MemorySink::with_names(net.recorder_names());
    net.simulate(&mut sink, &mut |_| true).unwrap();
    assert_eq!(sink.recording, fa.recording);
    assert_eq!(fa.recording.multimeters[0].times.len(), 20_000);
}

#[test]
fn an_existing_output_is_kept_unless_overwrite_is_given() {
    let dir = scratch("overwrite");
    let file = dir.join("keep.h5");
    std::fs::write(&file, b"precious").unwrap();
    let out = spindle(&["run", &example(), "-o", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already exists") && err.contains("--overwrite"),
        "{err}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"precious");

    let out = spindle(&[
        "run",
        &example(),
        "-o",
        file.to_str().unwrap(),
        "--overwrite",
        "-q",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(read_hdf5(&file).is_ok());
}

#[test]
fn bad_input_fails_before_creating_output_and_without_panicking() {
    let dir = scratch("bad");
    let cases: &[(&str, &[&str])] = &[
        (
            "[[nodes]]\nname = \"n\"\nmodel = \"glif_kond\"\n[simulate]\ntime = 10.0\n",
            &["glif_kond", "did you mean \"glif_cond\"", "[[nodes]] \"n\"", ":3"],
        ),
        (
            "[[nodes]]\nname = \"n\"\nmodel = \"glif_cond\"\nparams = { C_m = -1.0 }\n[simulate]\ntime = 10.0\n",
            &["C_m", "Capacitance must be strictly positive", "\"n\""],
        ),
        (
            "[[nodes]]\nname = \"n\"\nmodel = \"glif_cond\"\n[[nodes]]\nname = \"sg\"\nmodel = \"spike_generator\"\n[[connect]]\npre = \"sg\"\npost = \"n\"\n[simulate]\ntime = 10.0\n",
            &["Receptor type 0", "[[connect]] #1", "sg"],
        ),
        (
            "[kernel]\nresolution = 0.1\n[simulate]\ntime = 10.05\n",
            &["time = 10.05", "multiple of the simulation resolution"],
        ),
        ("[simulate]\ntime = \n", &["TOML syntax error", ":2"]),
        // A bad value in an action is found while running, and is still bad input (exit 2).
        (
            "[[nodes]]\nname = \"sg\"\nmodel = \"spike_generator\"\n[[actions]]\nsimulate = 5.0\n[[actions]]\nset = { nodes = \"sg\", params = { spike_times = [1.0, 1e300] } }\n[simulate]\ntime = 10.0\n",
            &["spike_times", "[[actions]]"],
        ),
    ];
    for (i, (text, words)) in cases.iter().enumerate() {
        let scenario = dir.join(format!("case{i}.toml"));
        std::fs::write(&scenario, text).unwrap();
        let output = dir.join(format!("case{i}.h5"));
        let out = spindle(&[
            "run",
            scenario.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "case {i}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "case {i}: {err}"
        );
        for w in *words {
            assert!(err.contains(w), "case {i}: {w:?} not in {err}");
        }
        assert!(!output.exists(), "case {i}: an output file was created");
    }
}
