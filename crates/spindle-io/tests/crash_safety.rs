//! Contract: a file the writer has not closed — still being written, or left by a writer that
//! was killed — opens (in single-writer/multiple-reader mode) and holds every spike and sample
//! up to its last checkpoint, whose time `simulated_time` gives; checkpoints come at slice ends
//! once the checkpoint interval has passed, and at the end of every run. Without that mode the
//! file has HDF5 1.8's format, as format_version 1 files had.
//!
//! A copy of the file taken while the sink is open is what a `kill -9` at that moment would
//! leave on disk (the sink runs on this thread, so nothing is written during the copy);
//! `tests/cli_run.rs` kills a real run.

use spindle_core::recording::{
    MultimeterInfo, RecordSink, RecordingLayout, SampleBlock, SpikeRecorderInfo,
};
use spindle_core::NodeId;
use spindle_io::{read_hdf5, Hdf5Options, Hdf5Sink, NodeEntry, RunInfo};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn temp_path(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("crash_{name}.h5"));
    let _ = std::fs::remove_file(&p);
    p
}

fn nodes() -> Vec<NodeEntry> {
    let entry = |name: &str, model: &str, first_id, count| NodeEntry {
        name: name.into(),
        model: model.into(),
        first_id,
        count,
    };
    vec![
        entry("pop", "iaf_psc_alpha", 1, 3),
        entry("sr", "spike_recorder", 4, 1),
        entry("mm", "multimeter", 5, 1),
    ]
}

fn layout() -> RecordingLayout {
    RecordingLayout {
        detectors: Vec::new(),
        weight_recorders: Vec::new(),
        spike_recorders: vec![SpikeRecorderInfo {
            id: NodeId(4),
            neurons: vec![NodeId(1), NodeId(2), NodeId(3)],
        }],
        multimeters: vec![MultimeterInfo {
            model: "multimeter",
            id: NodeId(5),
            senders: vec![NodeId(1), NodeId(2), NodeId(3)],
            record_from: vec!["V_m".into()],
            units: vec!["mV"],
            interval_ms: 0.1,
        }],
    }
}

fn info() -> RunInfo {
    RunInfo {
        resolution: 0.1,
        seed: 3,
        threads: 1,
        spindle_version: "test".into(),
    }
}

/// Feed slice `k` (times in `(k, k + 1]` ms): 10 sample rows and a spike of every neuron.
fn slice(sink: &mut dyn RecordSink, k: usize) {
    let t0 = k as f64;
    let times: Vec<f64> = (1..=10).map(|i| t0 + 0.1 * i as f64).collect();
    let values = vec![times.iter().flat_map(|&t| [t, -t, 2.0 * t]).collect()];
    sink.samples(
        0,
        &SampleBlock {
            times: &times,
            n_senders: 3,
            values: &values,
        },
    )
    .unwrap();
    sink.spikes(0, &[t0 + 0.5; 3], &[1, 2, 3]).unwrap();
}

/// What a crash now would leave: a copy of the file as it is on disk.
fn crash_copy(path: &Path, name: &str) -> PathBuf {
    let copy = temp_path(name);
    std::fs::copy(path, &copy).unwrap();
    copy
}

#[test]
fn an_unclosed_file_holds_the_data_up_to_its_last_checkpoint() {
    let path = temp_path("checkpoints");
    let options = Hdf5Options {
        checkpoint_interval: Duration::ZERO,
        ..Hdf5Options::default()
    };
    let mut sink = Hdf5Sink::create_with(&path, &info(), &nodes(), &options).unwrap();
    sink.begin(&layout()).unwrap();

    // Before any data: the file opens, empty, at time 0.
    let file = read_hdf5(&crash_copy(&path, "begun")).unwrap();
    assert!(!file.closed);
    assert_eq!(file.simulated_time, 0.0);
    assert!(file.recording.spike_recorders[0].times.is_empty());

    for k in 0..3 {
        slice(&mut sink, k);
        sink.end_of_slice(k as f64 + 1.0).unwrap();
    }
    // More data handed over, but no slice end: not part of a checkpoint.
    slice(&mut sink, 3);
    let file = read_hdf5(&crash_copy(&path, "mid_slice")).unwrap();
    assert!(!file.closed);
    assert_eq!(file.simulated_time, 3.0);
    let sr = &file.recording.spike_recorders[0];
    assert_eq!(sr.times, [0.5, 0.5, 0.5, 1.5, 1.5, 1.5, 2.5, 2.5, 2.5]);
    assert_eq!(sr.senders, [1, 2, 3, 1, 2, 3, 1, 2, 3]);
    let mm = &file.recording.multimeters[0];
    assert_eq!(mm.times.len(), 30);
    assert_eq!(*mm.times.last().unwrap(), 3.0);
    assert_eq!(mm.values[0].1.len(), 30 * 3);
    assert_eq!(mm.values[0].1[3 * 29..], [3.0, -3.0, 6.0]);

    sink.end_of_slice(4.0).unwrap();
    sink.end_of_run(4.0).unwrap();
    let file = read_hdf5(&crash_copy(&path, "run_end")).unwrap();
    assert_eq!(file.simulated_time, 4.0);
    assert_eq!(file.recording.multimeters[0].times.len(), 40);
    sink.finish().unwrap();
    let file = read_hdf5(&path).unwrap();
    assert!(file.closed);
    assert_eq!(file.recording.spike_recorders[0].times.len(), 12);
}

#[test]
fn data_written_after_the_last_checkpoint_is_cut_off_when_read() {
    let path = temp_path("cut");
    let options = Hdf5Options {
        checkpoint_interval: Duration::from_secs(3600),
        ..Hdf5Options::default()
    };
    let mut sink = Hdf5Sink::create_with(&path, &info(), &nodes(), &options).unwrap();
    sink.begin(&layout()).unwrap();
    slice(&mut sink, 0);
    sink.end_of_slice(1.0).unwrap();
    sink.end_of_run(1.0).unwrap();
    // ~25 MB more, in blocks large enough to be written at once, and no checkpoint: the
    // HDF5 caches spill some of it to disk, in whatever order they like.
    for k in 1..40 {
        let times: Vec<f64> = (1..=10_000).map(|i| k as f64 + i as f64 * 1e-4).collect();
        let values = vec![vec![k as f64; 30_000]];
        sink.samples(
            0,
            &SampleBlock {
                times: &times,
                n_senders: 3,
                values: &values,
            },
        )
        .unwrap();
        let spikes: Vec<f64> = (0..30_000).map(|i| k as f64 + i as f64 * 1e-5).collect();
        sink.spikes(0, &spikes, &vec![2; 30_000]).unwrap();
        sink.end_of_slice(k as f64 + 1.0).unwrap();
    }
    let file = read_hdf5(&crash_copy(&path, "spilled")).unwrap();
    assert!(!file.closed);
    assert_eq!(file.simulated_time, 1.0);
    assert_eq!(file.recording.spike_recorders[0].times, [0.5; 3]);
    assert_eq!(file.recording.multimeters[0].times.len(), 10);
    assert_eq!(file.recording.multimeters[0].values[0].1.len(), 30);
    sink.finish().unwrap();
}

#[test]
fn checkpoints_wait_for_the_interval_but_every_run_ends_with_one() {
    let path = temp_path("interval");
    let options = Hdf5Options {
        checkpoint_interval: Duration::from_secs(3600),
        ..Hdf5Options::default()
    };
    let mut sink = Hdf5Sink::create_with(&path, &info(), &nodes(), &options).unwrap();
    sink.begin(&layout()).unwrap();
    for k in 0..2 {
        slice(&mut sink, k);
        sink.end_of_slice(k as f64 + 1.0).unwrap();
    }
    let file = read_hdf5(&crash_copy(&path, "no_checkpoint_yet")).unwrap();
    assert_eq!(file.simulated_time, 0.0);
    assert!(file.recording.multimeters[0].times.is_empty());
    sink.end_of_run(2.0).unwrap();
    let file = read_hdf5(&crash_copy(&path, "after_run")).unwrap();
    assert_eq!(file.simulated_time, 2.0);
    assert_eq!(file.recording.multimeters[0].times.len(), 20);
    sink.finish().unwrap();
}

#[test]
fn without_swmr_the_file_has_the_old_format_and_the_same_content() {
    let (a, b) = (temp_path("swmr"), temp_path("plain"));
    for (path, swmr) in [(&a, true), (&b, false)] {
        let options = Hdf5Options {
            swmr,
            ..Hdf5Options::default()
        };
        let mut sink = Hdf5Sink::create_with(path, &info(), &nodes(), &options).unwrap();
        sink.begin(&layout()).unwrap();
        for k in 0..5 {
            slice(&mut sink, k);
            sink.end_of_slice(k as f64 + 1.0).unwrap();
        }
        sink.end_of_run(5.0).unwrap();
        sink.finish().unwrap();
    }
    let (fa, fb) = (read_hdf5(&a).unwrap(), read_hdf5(&b).unwrap());
    assert_eq!(fa.recording, fb.recording);
    assert!(fa.closed && fb.closed);
    // The superblock version is byte 8 of the file: 3 for HDF5 1.10's format (needed for
    // single-writer/multiple-reader mode), 0 for the default, earliest format.
    let superblock = |p: &Path| std::fs::read(p).unwrap()[8];
    assert_eq!((superblock(&a), superblock(&b)), (3, 0));
}

#[test]
fn an_unclosed_file_with_uneven_datasets_reads_as_its_checkpoint() {
    // What a crash between checkpoints can leave: datasets that grew past the last
    // checkpoint, by different amounts. Made by hand with a writer that stays open.
    let path = temp_path("uneven");
    let f = hdf5::File::with_options()
        .with_fapl(|p| p.libver_v110())
        .create(&path)
        .unwrap();
    for (name, v) in [("resolution", 0.1), ("simulated_time", 2.0)] {
        f.new_attr::<f64>()
            .create(name)
            .unwrap()
            .write_scalar(&v)
            .unwrap();
    }
    for (name, v) in [("seed", 1i64), ("threads", 1), ("format_version", 2)] {
        f.new_attr::<i64>()
            .create(name)
            .unwrap()
            .write_scalar(&v)
            .unwrap();
    }
    let sr = f.create_group("sr").unwrap();
    sr.new_dataset_builder()
        .with_data(&[0.5, 1.5, 2.0, 2.5, 3.5])
        .create("times")
        .unwrap();
    sr.new_dataset_builder()
        .with_data(&[1i64, 2, 3, 1])
        .create("senders")
        .unwrap();
    let mm = f.create_group("mm").unwrap();
    mm.new_dataset_builder()
        .with_data(&[1.0, 2.0, 3.0])
        .create("times")
        .unwrap();
    mm.new_dataset_builder()
        .with_data(&[7i64])
        .create("senders")
        .unwrap();
    mm.new_dataset_builder()
        .with_data(&ndarray::arr2(&[[-1.0], [-2.0], [-3.0], [-4.0]]))
        .create("V_m")
        .unwrap();
    f.start_swmr().unwrap();
    f.flush().unwrap();
    let copy = crash_copy(&path, "uneven_copy");
    drop(f);

    let file = read_hdf5(&copy).unwrap();
    assert!(!file.closed);
    let sr = &file.recording.spike_recorders[0];
    assert_eq!(
        (sr.times.as_slice(), sr.senders.as_slice()),
        (&[0.5, 1.5, 2.0][..], &[1, 2, 3][..])
    );
    let mm = &file.recording.multimeters[0];
    assert_eq!(mm.times, [1.0, 2.0]);
    assert_eq!(mm.values[0].1, [-1.0, -2.0]);
}
