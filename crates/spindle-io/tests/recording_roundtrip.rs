//! Contract: what an [`Hdf5Sink`] is fed comes back from [`read_hdf5`] exactly as a
//! [`MemorySink`] fed the same calls holds it — including empty blocks, empty recorders,
//! multimeters with several recordables and N > 1 (or N = 0), data spanning several chunks,
//! and several `Simulate` runs, with the file complete on disk after each run.

use spindle_core::recording::{
    MultimeterInfo, RecordSink, RecordingLayout, SampleBlock, SpikeRecorderInfo,
};
use spindle_core::NodeId;
use spindle_io::{read_hdf5, recorder_name, Hdf5Sink, MemorySink, NodeEntry, RunInfo};
use std::path::PathBuf;

fn temp_path(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("roundtrip_{name}.h5"));
    let _ = std::fs::remove_file(&p);
    p
}

fn entry(name: &str, model: &str, first_id: u32, count: u32) -> NodeEntry {
    NodeEntry {
        name: name.into(),
        model: model.into(),
        first_id,
        count,
    }
}

fn nodes() -> Vec<NodeEntry> {
    vec![
        entry("exc", "iaf_psc_alpha", 1, 5),
        entry("spikes", "spike_recorder", 6, 1),
        entry("vm", "multimeter", 7, 1),
        entry("single", "multimeter", 8, 1),
        entry("silent", "spike_recorder", 9, 1),
        entry("idle", "multimeter", 10, 1),
        entry("pair", "spike_recorder", 11, 2),
        entry("nobody", "multimeter", 13, 1),
        // Id 14 (a spike recorder) has no entry: it is named "14".
    ]
}

fn info() -> RunInfo {
    RunInfo {
        resolution: 0.1,
        seed: 12345,
        threads: 4,
        spindle_version: "0.1.0-test".into(),
    }
}

fn layout() -> RecordingLayout {
    let ids = |v: &[u32]| v.iter().map(|&i| NodeId(i)).collect::<Vec<_>>();
    RecordingLayout {
        detectors: Vec::new(),
        weight_recorders: Vec::new(),
        spike_recorders: [6, 9, 11, 12, 14]
            .iter()
            .map(|&i| SpikeRecorderInfo {
                id: NodeId(i),
                neurons: Vec::new(),
            })
            .collect(),
        multimeters: vec![
            MultimeterInfo {
                model: "multimeter",
                id: NodeId(7),
                senders: ids(&[1, 3, 5]),
                record_from: vec!["V_m".into(), "g_ex".into(), "g_in".into()],
                units: vec!["mV", "nS", "nS"],
                interval_ms: 1.0,
            },
            MultimeterInfo {
                model: "multimeter",
                id: NodeId(8),
                senders: ids(&[2]),
                record_from: vec!["V_m".into()],
                units: vec!["mV"],
                interval_ms: 0.5,
            },
            MultimeterInfo {
                model: "multimeter",
                id: NodeId(10),
                senders: ids(&[1, 2, 3, 4]),
                record_from: vec!["V_m".into(), "I_syn".into()],
                units: vec!["mV", "pA"],
                interval_ms: 2.0,
            },
            MultimeterInfo {
                model: "multimeter",
                id: NodeId(13),
                senders: vec![],
                record_from: vec!["V_m".into()],
                units: vec![""],
                interval_ms: 1.0,
            },
        ],
    }
}

/// A deterministic stream of numbers that compress badly (so chunks really fill up).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One run of blocks. Spike recorder 0 gets > 65536 spikes overall and multimeter 0
/// > 21845 rows (its chunk height for N = 3), so both span several chunks.
fn run(sink: &mut dyn RecordSink, rng: &mut Lcg, t0: f64, blocks: usize) {
    let mut t = t0;
    for b in 0..blocks {
        // Spikes: recorder 0 every block, recorder 2 ("pair_0") every third block,
        // recorder 3 ("pair_1") and 4 ("14") once, recorder 1 never; empty blocks too.
        let n = if b % 5 == 4 { 0 } else { 2000 + b };
        let times: Vec<f64> = (0..n).map(|k| t + k as f64 * 1e-3).collect();
        let senders: Vec<u32> = (0..n).map(|k| 1 + (k as u32 % 5)).collect();
        sink.spikes(0, &times, &senders).unwrap();
        sink.spikes(1, &[], &[]).unwrap();
        if b % 3 == 0 {
            sink.spikes(2, &times[..n.min(7)], &senders[..n.min(7)])
                .unwrap();
        }
        if b == 1 {
            sink.spikes(3, &[t], &[4]).unwrap();
            sink.spikes(4, &[t, t], &[2, 2]).unwrap();
        }

        // Samples: multimeter 0 (N = 3, 3 recordables) blocks of 700 rows or empty;
        // multimeter 1 (N = 1) every block; multimeter 2 never; multimeter 3 (N = 0) times only.
        let rows = if b % 4 == 2 { 0 } else { 700 };
        let times: Vec<f64> = (0..rows).map(|k| t + k as f64).collect();
        let values: Vec<Vec<f64>> = (0..3)
            .map(|_| (0..rows * 3).map(|_| rng.next()).collect())
            .collect();
        let block = SampleBlock {
            times: &times,
            n_senders: 3,
            values: &values,
        };
        sink.samples(0, &block).unwrap();
        let one: Vec<Vec<f64>> = vec![(0..rows).map(|_| rng.next() - 70.0).collect()];
        sink.samples(
            1,
            &SampleBlock {
                times: &times,
                n_senders: 1,
                values: &one,
            },
        )
        .unwrap();
        let none: Vec<Vec<f64>> = vec![vec![]];
        sink.samples(
            3,
            &SampleBlock {
                times: &times[..rows.min(3)],
                n_senders: 0,
                values: &none,
            },
        )
        .unwrap();
        t += 1000.0;
    }
}

fn memory_sink() -> MemorySink {
    let names = (1..=14)
        .map(|i| (NodeId(i), recorder_name(&nodes(), NodeId(i))))
        .collect();
    MemorySink::with_names(names)
}

#[test]
fn hdf5_file_reads_back_what_memory_sink_holds() {
    let path = temp_path("full");
    let mut file = Hdf5Sink::create(&path, &info(), &nodes(), false).unwrap();
    let mut mem = memory_sink();
    let layout = layout();
    file.begin(&layout).unwrap();
    mem.begin(&layout).unwrap();

    // First Simulate.
    let (mut r1, mut r2) = (Lcg(7), Lcg(7));
    run(&mut file, &mut r1, 0.0, 20);
    run(&mut mem, &mut r2, 0.0, 20);
    file.end_of_run(20_000.0).unwrap();

    // After end_of_run the data is on disk: a byte copy of the open file reads back whole.
    let copy = temp_path("full_copy_after_run_1");
    std::fs::copy(&path, &copy).unwrap();
    let mid = read_hdf5(&copy).unwrap();
    assert_eq!(mid.simulated_time, 20_000.0);
    assert_eq!(mid.recording, mem.recording);

    // Second Simulate appends.
    run(&mut file, &mut r1, 20_000.0, 25);
    run(&mut mem, &mut r2, 20_000.0, 25);
    file.end_of_run(45_000.0).unwrap();
    file.finish().unwrap();

    let back = read_hdf5(&path).unwrap();
    assert_eq!(back.info, info());
    assert_eq!(back.simulated_time, 45_000.0);
    assert_eq!(back.nodes, nodes());
    assert_eq!(back.recording, mem.recording);

    // The test exercises what it claims to.
    let rec = &back.recording;
    assert!(rec.spike_recorders[0].times.len() > 65536);
    assert!(rec.multimeters[0].times.len() > 65536 / 3);
    let names: Vec<&str> = rec
        .spike_recorders
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["spikes", "silent", "pair_0", "pair_1", "14"]);
    let names: Vec<&str> = rec.multimeters.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["vm", "single", "idle", "nobody"]);
    assert!(rec.spike_recorder("silent").unwrap().times.is_empty());
    let idle = rec.multimeter("idle").unwrap();
    assert!(idle.times.is_empty());
    assert_eq!(idle.senders, [1, 2, 3, 4]);
    assert_eq!(idle.values.len(), 2);
    let nobody = rec.multimeter("nobody").unwrap();
    assert!(!nobody.times.is_empty());
    assert!(nobody.senders.is_empty());
}

#[test]
fn a_sink_with_no_recorders_writes_a_readable_file() {
    let path = temp_path("empty");
    let mut file = Hdf5Sink::create(&path, &info(), &[], false).unwrap();
    file.begin(&RecordingLayout::default()).unwrap();
    file.end_of_run(10.0).unwrap();
    file.finish().unwrap();
    let back = read_hdf5(&path).unwrap();
    assert_eq!(back.recording, MemorySink::default().recording);
    assert!(back.nodes.is_empty());
    assert_eq!(back.simulated_time, 10.0);
}

/// A multimeter wider than one chunk (N > 131 072 columns: two column chunks, the second an
/// edge chunk padded with HDF5's fill value) and one whose chunk spans many rows (N = 1000:
/// 65 rows), with a checkpoint after every block, so that partly filled chunks are written
/// through HDF5 and then again, compressed on several threads, once complete.
#[test]
fn chunks_written_directly_read_back_with_checkpoints_in_between() {
    for level in [1, 6, 0] {
        chunks_read_back(level);
    }
}

fn chunks_read_back(level: u8) {
    let n_wide = 140_000u32;
    let nodes = vec![
        entry("exc", "iaf_psc_alpha", 1, n_wide),
        entry("wide", "multimeter", n_wide + 1, 1),
        entry("tall", "multimeter", n_wide + 2, 1),
    ];
    let layout = RecordingLayout {
        weight_recorders: Vec::new(),
        detectors: Vec::new(),
        spike_recorders: Vec::new(),
        multimeters: vec![
            MultimeterInfo {
                model: "multimeter",
                id: NodeId(n_wide + 1),
                senders: (1..=n_wide).map(NodeId).collect(),
                record_from: vec!["V_m".into()],
                units: vec!["mV"],
                interval_ms: 1.0,
            },
            MultimeterInfo {
                model: "multimeter",
                id: NodeId(n_wide + 2),
                senders: (1..=1000).map(NodeId).collect(),
                record_from: vec!["V_m".into(), "I_syn".into()],
                units: vec!["mV", "pA"],
                interval_ms: 1.0,
            },
        ],
    };
    let path = temp_path(&format!("direct_chunks_{level}"));
    let options = spindle_io::Hdf5Options {
        checkpoint_interval: std::time::Duration::ZERO,
        compression: level,
        ..Default::default()
    };
    let mut file = Hdf5Sink::create_with(&path, &info(), &nodes, &options).unwrap();
    let names = (1..=n_wide + 2)
        .map(|i| (NodeId(i), recorder_name(&nodes, NodeId(i))))
        .collect();
    let mut mem = MemorySink::with_names(names);
    file.begin(&layout).unwrap();
    mem.begin(&layout).unwrap();
    let mut rng = Lcg(11);
    let mut t = 0.0;
    for b in 0..40 {
        let (wide_rows, tall_rows) = (b % 3, 7 + b % 5);
        for (m, rows, n, recordables) in
            [(0, wide_rows, n_wide as usize, 1), (1, tall_rows, 1000, 2)]
        {
            let times: Vec<f64> = (0..rows).map(|k| t + k as f64).collect();
            let values: Vec<Vec<f64>> = (0..recordables)
                .map(|_| (0..rows * n).map(|_| rng.next()).collect())
                .collect();
            let block = SampleBlock {
                times: &times,
                n_senders: n,
                values: &values,
            };
            file.samples(m, &block).unwrap();
            mem.samples(m, &block).unwrap();
        }
        t += 10.0;
        file.end_of_slice(t).unwrap();
        if b == 25 {
            // A run ends mid-chunk; the next one completes that chunk.
            file.end_of_run(t).unwrap();
        }
    }
    file.end_of_run(t).unwrap();
    file.finish().unwrap();
    let back = read_hdf5(&path).unwrap();
    assert_eq!(back.recording, mem.recording);
    let tall = back.recording.multimeter("tall").unwrap();
    assert!(tall.times.len() > 4 * 65, "several complete chunks");
    assert!(back.recording.multimeter("wide").unwrap().times.len() > 10);
    let _ = std::fs::remove_file(&path);
}
