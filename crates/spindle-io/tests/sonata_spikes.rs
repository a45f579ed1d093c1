//! Contract: with SONATA output on, `/spikes/<population>` holds, for every `[[nodes]]` entry
//! with a recorded neuron, the spikes its recorders recorded — `timestamps` float64 (ms,
//! attribute `units`), `node_ids` uint64 counted from 0 within the entry, sorted by time, each
//! spike once however many recorders hold it — with the `sorting` attribute the SONATA
//! specification gives (an enum, `by_time`); the native groups are written as without it; and a
//! device that would be called `spikes` is refused before anything is written.

use hdf5::types::{EnumMember, EnumType, FloatSize, IntSize, TypeDescriptor, VarLenUnicode};
use spindle_core::recording::{RecordSink, RecordingLayout, SpikeRecorderInfo};
use spindle_core::NodeId;
use spindle_io::{
    check_layout, read_hdf5, Hdf5Error, Hdf5Options, Hdf5Sink, NodeEntry, RunInfo, SonataSpikes,
    Sorting,
};
use std::path::PathBuf;

fn temp_path(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("sonata_{name}.h5"));
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

fn info() -> RunInfo {
    RunInfo {
        resolution: 0.1,
        seed: 7,
        threads: 2,
        spindle_version: "test".into(),
    }
}

/// exc (1–4), inh (5–6), a silent entry (7), and recorders "all" (exc and inh) and "late"
/// (exc 2 and 3 again, from a later window).
fn nodes() -> Vec<NodeEntry> {
    vec![
        entry("exc", "iaf_psc_alpha", 1, 4),
        entry("inh", "iaf_psc_alpha", 5, 2),
        entry("quiet", "iaf_psc_alpha", 7, 1),
        entry("all", "spike_recorder", 8, 1),
        entry("late", "spike_recorder", 9, 1),
    ]
}

fn layout() -> RecordingLayout {
    let ids = |v: &[u32]| v.iter().map(|&i| NodeId(i)).collect::<Vec<_>>();
    RecordingLayout {
        detectors: Vec::new(),
        weight_recorders: Vec::new(),
        spike_recorders: vec![
            SpikeRecorderInfo {
                id: NodeId(8),
                neurons: ids(&[1, 2, 3, 4, 5, 6]),
            },
            SpikeRecorderInfo {
                id: NodeId(9),
                neurons: ids(&[2, 3]),
            },
        ],
        multimeters: Vec::new(),
    }
}

fn sonata_options() -> Hdf5Options {
    Hdf5Options {
        sonata: true,
        ..Hdf5Options::default()
    }
}

#[test]
fn populations_hold_each_recorded_spike_once_with_zero_based_ids() {
    let path = temp_path("populations");
    let mut sink = Hdf5Sink::create_with(&path, &info(), &nodes(), &sonata_options()).unwrap();
    sink.begin(&layout()).unwrap();
    // Slice 1: only "all" records (2 spikes of exc, one of inh).
    sink.spikes(0, &[0.5, 0.5, 0.7], &[2, 5, 1]).unwrap();
    sink.end_of_slice(1.0).unwrap();
    // Slice 2: neuron 3 spikes twice at 1.2 (multiplicity 2), seen by both recorders.
    sink.spikes(0, &[1.2, 1.2, 1.5], &[3, 3, 6]).unwrap();
    sink.spikes(1, &[1.2, 1.2], &[3, 3]).unwrap();
    sink.end_of_slice(2.0).unwrap();
    // Slice 3 ends the run: "late" sees neuron 2 alone (outside the window of "all").
    sink.spikes(1, &[2.1], &[2]).unwrap();
    sink.end_of_slice(2.5).unwrap();
    sink.end_of_run(2.5).unwrap();
    sink.finish().unwrap();

    let file = read_hdf5(&path).unwrap();
    assert!(file.closed);
    assert_eq!(
        file.sonata,
        vec![
            SonataSpikes {
                population: "exc".into(),
                timestamps: vec![0.5, 0.7, 1.2, 1.2, 2.1],
                node_ids: vec![1, 0, 2, 2, 1],
            },
            SonataSpikes {
                population: "inh".into(),
                timestamps: vec![0.5, 1.5],
                node_ids: vec![0, 1],
            },
        ]
    );
    // The native groups are unchanged by SONATA output.
    let all = file.recording.spike_recorder("all").unwrap();
    assert_eq!(all.times, [0.5, 0.5, 0.7, 1.2, 1.2, 1.5]);
    assert_eq!(all.senders, [2, 5, 1, 3, 3, 6]);
    assert_eq!(
        file.recording.spike_recorder("late").unwrap().times.len(),
        3
    );
}

#[test]
fn datasets_and_attributes_are_those_of_the_specification() {
    let path = temp_path("types");
    let mut sink = Hdf5Sink::create_with(&path, &info(), &nodes(), &sonata_options()).unwrap();
    sink.begin(&layout()).unwrap();
    sink.spikes(0, &[0.5], &[4]).unwrap();
    sink.end_of_run(1.0).unwrap();
    sink.finish().unwrap();

    let f = hdf5::File::open(&path).unwrap();
    let spikes = f.group("spikes").unwrap();
    let mut names = spikes.member_names().unwrap();
    names.sort();
    assert_eq!(
        names,
        ["exc", "inh"],
        "one group per recorded entry, no others"
    );
    let exc = spikes.group("exc").unwrap();
    let sorting = exc.attr("sorting").unwrap();
    assert_eq!(
        sorting.dtype().unwrap().to_descriptor().unwrap(),
        TypeDescriptor::Enum(EnumType {
            size: IntSize::U1,
            signed: false,
            members: vec![
                EnumMember {
                    name: "none".into(),
                    value: 0
                },
                EnumMember {
                    name: "by_id".into(),
                    value: 1
                },
                EnumMember {
                    name: "by_time".into(),
                    value: 2
                },
            ],
        })
    );
    assert_eq!(sorting.read_scalar::<Sorting>().unwrap(), Sorting::ByTime);
    let ts = exc.dataset("timestamps").unwrap();
    assert_eq!(
        ts.dtype().unwrap().to_descriptor().unwrap(),
        TypeDescriptor::Float(FloatSize::U8)
    );
    assert_eq!(
        ts.attr("units")
            .unwrap()
            .read_scalar::<VarLenUnicode>()
            .unwrap()
            .as_str(),
        "ms"
    );
    assert_eq!(ts.read_raw::<f64>().unwrap(), [0.5]);
    // Chunked but not compressed: libsonata's wheels cannot read deflate-compressed data.
    assert!(ts.is_chunked() && ts.filters().is_empty());
    let ids = exc.dataset("node_ids").unwrap();
    assert_eq!(
        ids.dtype().unwrap().to_descriptor().unwrap(),
        TypeDescriptor::Unsigned(IntSize::U8)
    );
    assert_eq!(ids.read_raw::<u64>().unwrap(), [3]);
    assert!(ids.filters().is_empty());
    let inh = spikes.group("inh").unwrap();
    assert_eq!(inh.dataset("timestamps").unwrap().shape(), [0]);
}

#[test]
fn without_the_option_there_is_no_sonata_group() {
    let path = temp_path("off");
    let mut sink = Hdf5Sink::create(&path, &info(), &nodes(), false).unwrap();
    sink.begin(&layout()).unwrap();
    sink.spikes(0, &[0.5], &[4]).unwrap();
    sink.end_of_run(1.0).unwrap();
    sink.finish().unwrap();
    let file = read_hdf5(&path).unwrap();
    assert!(file.sonata.is_empty());
    assert!(!hdf5::File::open(&path).unwrap().link_exists("spikes"));
}

#[test]
fn a_device_called_spikes_clashes_only_with_sonata_output() {
    let mut nodes = nodes();
    nodes[3].name = "spikes".into();
    let path = temp_path("clash");
    let err = check_layout(&path, &nodes, &layout(), &sonata_options()).unwrap_err();
    assert!(
        matches!(&err, Hdf5Error::InvalidName { id: 8, name, .. } if name == "spikes"),
        "{err:?}"
    );
    assert!(err.to_string().contains("SONATA"), "{err}");
    assert!(!path.exists(), "checking writes nothing");

    let mut sink = Hdf5Sink::create_with(&path, &info(), &nodes, &sonata_options()).unwrap();
    assert!(sink.begin(&layout()).is_err(), "begin checks too");

    let path = temp_path("no_clash");
    check_layout(&path, &nodes, &layout(), &Hdf5Options::default()).unwrap();
    let mut sink = Hdf5Sink::create(&path, &info(), &nodes, false).unwrap();
    sink.begin(&layout()).unwrap();
    sink.spikes(0, &[0.5], &[4]).unwrap();
    sink.finish().unwrap();
    let file = read_hdf5(&path).unwrap();
    assert_eq!(
        file.recording.spike_recorder("spikes").unwrap().senders,
        [4]
    );
}

#[test]
fn a_population_name_hdf5_cannot_hold_is_refused() {
    let mut nodes = nodes();
    nodes[0].name = "e/x".into();
    let err =
        check_layout(&temp_path("bad_pop"), &nodes, &layout(), &sonata_options()).unwrap_err();
    assert!(err.to_string().contains("\"e/x\""), "{err}");
}

#[test]
fn a_recorder_group_called_spikes_from_another_tool_is_not_taken_for_sonata() {
    // NEST-side files (scripts/nest_run_scenario.py) name a recorder "spikes" and may leave
    // out the model attribute: a /spikes group with datasets is a device group.
    let path = temp_path("other_tool");
    let f = hdf5::File::create(&path).unwrap();
    for (name, v) in [("resolution", 0.1), ("simulated_time", 5.0)] {
        f.new_attr::<f64>()
            .create(name)
            .unwrap()
            .write_scalar(&v)
            .unwrap();
    }
    for name in ["seed", "threads"] {
        f.new_attr::<i64>()
            .create(name)
            .unwrap()
            .write_scalar(&1)
            .unwrap();
    }
    let g = f.create_group("spikes").unwrap();
    g.new_dataset_builder()
        .with_data(&[1.0, 2.0])
        .create("times")
        .unwrap();
    g.new_dataset_builder()
        .with_data(&[3i64, 4])
        .create("senders")
        .unwrap();
    drop(f);
    let file = read_hdf5(&path).unwrap();
    assert!(file.sonata.is_empty());
    assert_eq!(
        file.recording.spike_recorder("spikes").unwrap().senders,
        [3, 4]
    );
}
