//! Contract of the output options of `spindle run`: `--sonata` or `[output] sonata = true` add
//! the SONATA spike groups, which hold the same spikes as the native groups (which are written
//! either way, bit-identical for any thread count); and bad output options — an unknown key in
//! `[output]`, a device name the SONATA layout needs, a bad `--flush-interval` — fail with a
//! message naming the problem, exit status 2, no panic and no output file.

use spindle::io::{read_hdf5, Hdf5File};
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

fn run_ok(args: &[&str]) {
    let out = spindle(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every SONATA population holds the native spikes of its `[[nodes]]` entry, ids from 0.
fn assert_sonata_is_native(file: &Hdf5File, recorder: &str) {
    let native = file.recording.spike_recorder(recorder).unwrap();
    assert!(!file.sonata.is_empty());
    let mut total = 0;
    for s in &file.sonata {
        let entry = file.nodes.iter().find(|e| e.name == s.population).unwrap();
        let first = i64::from(entry.first_id);
        let (t, ids): (Vec<f64>, Vec<u64>) = native
            .times
            .iter()
            .zip(&native.senders)
            .filter(|(_, &id)| id >= first && id < first + i64::from(entry.count))
            .map(|(&t, &id)| (t, (id - first) as u64))
            .unzip();
        assert_eq!(s.timestamps, t, "{}", s.population);
        assert_eq!(s.node_ids, ids, "{}", s.population);
        total += t.len();
    }
    assert_eq!(
        total,
        native.times.len(),
        "every native spike is in a population"
    );
}

#[test]
fn sonata_groups_hold_the_native_spikes_and_leave_the_native_groups_alone() {
    let dir = scratch("sonata_cli");
    let example = root().join("examples/glif_cond.toml");
    let example = example.to_str().unwrap();
    let plain = dir.join("plain.h5");
    run_ok(&[
        "run",
        example,
        "-o",
        plain.to_str().unwrap(),
        "-q",
        "--threads",
        "1",
    ]);
    let flagged = dir.join("flag.h5");
    run_ok(&[
        "run",
        example,
        "-o",
        flagged.to_str().unwrap(),
        "-q",
        "--threads",
        "2",
        "--sonata",
    ]);
    // The same through the scenario's [output] table.
    let text = std::fs::read_to_string(root().join("examples/glif_cond.toml")).unwrap();
    assert!(!text.contains("[output]"));
    let scenario = dir.join("with_output.toml");
    std::fs::write(&scenario, format!("{text}\n[output]\nsonata = true\n")).unwrap();
    let tabled = dir.join("table.h5");
    run_ok(&[
        "run",
        scenario.to_str().unwrap(),
        "-o",
        tabled.to_str().unwrap(),
        "-q",
    ]);

    let (p, f, t) = (
        read_hdf5(&plain).unwrap(),
        read_hdf5(&flagged).unwrap(),
        read_hdf5(&tabled).unwrap(),
    );
    assert!(p.sonata.is_empty());
    assert_eq!(
        p.recording, f.recording,
        "SONATA output changes no native dataset"
    );
    assert_eq!(f.recording, t.recording);
    assert_eq!(f.sonata, t.sonata);
    // The five GLIF neurons are recorded; the generators and the parrot are not.
    let names: Vec<&str> = f.sonata.iter().map(|s| s.population.as_str()).collect();
    assert_eq!(
        names,
        ["lif", "lif_asc", "lif_r", "lif_r_asc", "lif_r_asc_a"]
    );
    assert_sonata_is_native(&f, "sr");
}

#[test]
fn bad_output_options_fail_before_creating_the_output() {
    let dir = scratch("bad_output");
    let base = "[[nodes]]\nname = \"n\"\nmodel = \"iaf_psc_alpha\"\n[[nodes]]\nname = \"spikes\"\nmodel = \"spike_recorder\"\n[[connect]]\npre = \"n\"\npost = \"spikes\"\n[simulate]\ntime = 10.0\n";
    let cases: &[(String, &[&str], &[&str])] = &[
        (
            format!("{base}[output]\nsonta = true\n"),
            &[],
            &[
                "unknown key \"sonta\"",
                "did you mean \"sonata\"?",
                "valid keys are file, sonata",
                ":13",
            ],
        ),
        (
            format!("{base}[output]\nsonata = \"yes\"\n"),
            &[],
            &["sonata = \"yes\": expected true or false", ":13"],
        ),
        (
            base.to_string(),
            &["--sonata"],
            &["\"spikes\"", "SONATA", "rename"],
        ),
        (
            format!("{base}[output]\nsonata = true\n"),
            &[],
            &["\"spikes\"", "SONATA"],
        ),
        (
            base.to_string(),
            &["--flush-interval=-1"],
            &["--flush-interval -1", "seconds"],
        ),
        (
            base.to_string(),
            &["--flush-interval", "NaN"],
            &["--flush-interval"],
        ),
    ];
    for (i, (text, extra, words)) in cases.iter().enumerate() {
        let scenario = dir.join(format!("case{i}.toml"));
        std::fs::write(&scenario, text).unwrap();
        let output = dir.join(format!("case{i}.h5"));
        let mut args = vec![
            "run",
            scenario.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = spindle(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "case {i}: {err}");
        assert!(!err.contains("panicked"), "case {i}: {err}");
        for w in *words {
            assert!(err.contains(w), "case {i}: {w:?} not in {err}");
        }
        assert!(!output.exists(), "case {i}: an output file was created");
    }
    // Without SONATA output, a device may be called "spikes".
    let scenario = dir.join("case2.toml");
    let output = dir.join("fine.h5");
    run_ok(&[
        "run",
        scenario.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
        "-q",
    ]);
    assert!(read_hdf5(&output)
        .unwrap()
        .recording
        .spike_recorder("spikes")
        .is_some());
}
