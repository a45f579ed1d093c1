//! Contract of the output options of `spindle run`: `--sonata` or `[output] sonata = true` add
//! the SONATA spike groups, which hold the same spikes as the native groups (which are written
//! either way, bit-identical for any thread count); and bad output options — an unknown key in
//! `[output]`, a device name the SONATA layout needs, a bad `--flush-interval` — fail with a
//! message naming the problem, exit status 2, no panic and no output file. The SONATA report
//! files of the multimeters hold the native traces (as float32), bit-identical for 1 and 2
//! threads, and are named, renamed and refused like the output.

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

/// A small network with a Poisson drive (so that threads split real work) and a multimeter
/// recording two variables of neurons in two `[[nodes]]` entries.
const REPORT_SCENARIO: &str = r#"
[kernel]
seed = 5

[[nodes]]
name = "exc"
model = "iaf_psc_alpha"
n = 40

[[nodes]]
name = "inh"
model = "iaf_psc_alpha"
n = 10

[[nodes]]
name = "noise"
model = "poisson_generator"
params = { rate = 20000.0 }

[[nodes]]
name = "mm"
model = "multimeter"
params = { interval = 0.3, record_from = ["V_m", "I_syn_ex"] }

[[connect]]
pre = "noise"
post = ["exc", "inh"]
syn = { weight = 20.0, delay = 1.5 }

[[connect]]
pre = "exc"
post = ["exc", "inh"]
conn = { rule = "fixed_indegree", indegree = 8 }
syn = { weight = 30.0, delay = 1.5 }

[[connect]]
pre = "mm"
post = ["exc", "inh"]

[simulate]
time = 60.0
"#;

/// `/report/<population>/data` of a report file, as raw float32 bits, and its shape.
fn report_data(path: &Path, population: &str) -> (Vec<u32>, Vec<usize>) {
    let file = hdf5::File::open(path).unwrap();
    let ds = file.dataset(&format!("report/{population}/data")).unwrap();
    let v: Vec<f32> = ds.read_raw().unwrap();
    (v.iter().map(|x| x.to_bits()).collect(), ds.shape())
}

#[test]
fn sonata_reports_hold_the_native_traces_for_any_thread_count_and_move_with_the_output() {
    let dir = scratch("sonata_reports_cli");
    let scenario = dir.join("net.toml");
    std::fs::write(&scenario, REPORT_SCENARIO).unwrap();
    let out = |threads: &str| dir.join(format!("t{threads}.h5"));
    for threads in ["1", "2"] {
        run_ok(&[
            "run",
            scenario.to_str().unwrap(),
            "-o",
            out(threads).to_str().unwrap(),
            "-q",
            "--threads",
            threads,
            "--sonata",
        ]);
    }
    // The reports got their names with the output; nothing is left as `.partial`.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "net.toml",
            "t1.h5",
            "t1.mm.I_syn_ex.h5",
            "t1.mm.V_m.h5",
            "t2.h5",
            "t2.mm.I_syn_ex.h5",
            "t2.mm.V_m.h5"
        ]
    );
    let native = read_hdf5(&out("1")).unwrap();
    let mm = native.recording.multimeter("mm").unwrap();
    assert_eq!(mm.times.len(), 200);
    for r in ["V_m", "I_syn_ex"] {
        let values = mm.values_of(r).unwrap();
        for (population, cols) in [("exc", 0..40), ("inh", 40..50)] {
            let one = report_data(&dir.join(format!("t1.mm.{r}.h5")), population);
            let two = report_data(&dir.join(format!("t2.mm.{r}.h5")), population);
            assert_eq!(one, two, "{r} of {population}: 1 vs 2 threads");
            let want: Vec<u32> = (0..200)
                .flat_map(|t| cols.clone().map(move |j| (t, j)))
                .map(|(t, j)| (values[t * 50 + j] as f32).to_bits())
                .collect();
            assert_eq!(one.1, [200, cols.len()]);
            assert_eq!(one.0, want, "{r} of {population}: the native values");
        }
    }
    // A report file left from before makes a run refuse to start, as the output does.
    std::fs::remove_file(out("1")).unwrap();
    let o = spindle(&[
        "run",
        scenario.to_str().unwrap(),
        "-o",
        out("1").to_str().unwrap(),
        "-q",
        "--sonata",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("t1.mm.V_m.h5 already exists"), "{err}");
    assert!(!out("1").exists());
}

/// The correlation detectors' results reach the file `spindle run` writes (a group per
/// detector, `docs/output-format.md`) and read back as NEST 3.10 computed them on the same
/// scenario (`tests/data/correlation_detectors.h5`, from `scripts/generate_golden.py`).
#[test]
fn detector_results_in_the_file_are_nests() {
    let dir = scratch("detectors");
    let out = dir.join("detectors.h5");
    let scenario = root().join("tests/scenarios/correlation_detectors.toml");
    run_ok(&[
        "run",
        scenario.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    let got = read_hdf5(&out).unwrap().recording;
    let want = read_hdf5(&root().join("tests/data/correlation_detectors.h5"))
        .unwrap()
        .recording;
    assert_eq!(
        want.detectors.len(),
        3,
        "the golden file has its three detectors"
    );
    assert_eq!(got.detectors, want.detectors);
}
