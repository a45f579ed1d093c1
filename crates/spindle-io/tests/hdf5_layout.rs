//! Contract: the HDF5 file has the documented layout (attributes, types, chunking and
//! compression), an existing file is never replaced unless asked, files written by other
//! tools in the same layout read back, and bad calls or bad files give typed errors, not panics.

use hdf5::types::{FixedAscii, TypeDescriptor, VarLenUnicode};
use spindle_core::recording::{
    MultimeterInfo, RecordSink, RecordingLayout, SampleBlock, SpikeRecorderInfo,
};
use spindle_core::NodeId;
use spindle_io::{read_hdf5, Hdf5Error, Hdf5Sink, NodeEntry, RunInfo};
use std::path::PathBuf;
use std::str::FromStr;

fn temp_path(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("layout_{name}.h5"));
    let _ = std::fs::remove_file(&p);
    p
}

fn info(seed: u64) -> RunInfo {
    RunInfo {
        resolution: 0.125,
        seed,
        threads: 3,
        spindle_version: "9.8.7".into(),
    }
}

fn nodes() -> Vec<NodeEntry> {
    vec![
        NodeEntry {
            name: "pop".into(),
            model: "glif_cond".into(),
            first_id: 1,
            count: 200,
        },
        NodeEntry {
            name: "sr".into(),
            model: "spike_recorder".into(),
            first_id: 201,
            count: 1,
        },
        NodeEntry {
            name: "mm".into(),
            model: "multimeter".into(),
            first_id: 202,
            count: 1,
        },
    ]
}

fn layout(n: u32) -> RecordingLayout {
    RecordingLayout {
        detectors: Vec::new(),
        weight_recorders: Vec::new(),
        spike_recorders: vec![SpikeRecorderInfo {
            id: NodeId(201),
            neurons: (1..=200).map(NodeId).collect(),
        }],
        multimeters: vec![MultimeterInfo {
            model: "multimeter",
            id: NodeId(202),
            senders: (1..=n).map(NodeId).collect(),
            record_from: vec!["V_m".into(), "g_1".into()],
            units: vec!["mV", "nS"],
            interval_ms: 0.5,
        }],
    }
}

fn str_attr(loc: &hdf5::Location, name: &str) -> String {
    let a = loc.attr(name).unwrap();
    assert_eq!(
        a.dtype().unwrap().to_descriptor().unwrap(),
        TypeDescriptor::VarLenUnicode
    );
    a.read_scalar::<VarLenUnicode>()
        .unwrap()
        .as_str()
        .to_string()
}

fn descriptor(c: &hdf5::Container) -> TypeDescriptor {
    c.dtype().unwrap().to_descriptor().unwrap()
}

#[test]
fn attributes_types_and_storage_are_as_documented() {
    use hdf5::types::{FloatSize, IntSize};
    let path = temp_path("attrs");
    let seed = u64::MAX - 5; // beyond i64: the seed is stored unsigned
    let mut sink = Hdf5Sink::create(&path, &info(seed), &nodes(), false).unwrap();
    sink.begin(&layout(200)).unwrap();
    sink.spikes(0, &[1.5, 2.5], &[3, 200]).unwrap();
    let values = vec![vec![-65.0; 400], vec![0.5; 400]];
    sink.samples(
        0,
        &SampleBlock {
            times: &[0.5, 1.0],
            n_senders: 200,
            values: &values,
        },
    )
    .unwrap();
    sink.end_of_run(12.5).unwrap();

    // Read with the raw HDF5 API while the sink is still open (the data was flushed). The
    // writer has not closed the file, so only single-writer/multiple-reader mode opens it.
    let copy = temp_path("attrs_copy");
    std::fs::copy(&path, &copy).unwrap();
    assert!(hdf5::File::open(&copy).is_err());
    let f = hdf5::File::open_as(&copy, hdf5::OpenMode::ReadSWMR).unwrap();
    let root_attr = |n: &str| f.attr(n).unwrap();
    assert_eq!(
        descriptor(&root_attr("format_version")),
        TypeDescriptor::Integer(IntSize::U8)
    );
    assert_eq!(root_attr("format_version").read_scalar::<i64>().unwrap(), 2);
    assert_eq!(
        descriptor(&root_attr("resolution")),
        TypeDescriptor::Float(FloatSize::U8)
    );
    assert_eq!(root_attr("resolution").read_scalar::<f64>().unwrap(), 0.125);
    assert_eq!(
        descriptor(&root_attr("seed")),
        TypeDescriptor::Unsigned(IntSize::U8)
    );
    assert_eq!(root_attr("seed").read_scalar::<u64>().unwrap(), seed);
    assert_eq!(
        descriptor(&root_attr("threads")),
        TypeDescriptor::Integer(IntSize::U8)
    );
    assert_eq!(root_attr("threads").read_scalar::<i64>().unwrap(), 3);
    assert_eq!(
        root_attr("simulated_time").read_scalar::<f64>().unwrap(),
        12.5
    );
    assert_eq!(str_attr(&f, "spindle_version"), "9.8.7");

    let sr = f.group("sr").unwrap();
    assert_eq!(str_attr(&sr, "model"), "spike_recorder");
    assert_eq!(
        sr.attr("node_id").unwrap().read_scalar::<i64>().unwrap(),
        201
    );
    let times = sr.dataset("times").unwrap();
    let senders = sr.dataset("senders").unwrap();
    assert_eq!(descriptor(&times), TypeDescriptor::Float(FloatSize::U8));
    assert_eq!(descriptor(&senders), TypeDescriptor::Integer(IntSize::U8));
    assert_eq!(senders.read_raw::<i64>().unwrap(), [3, 200]);
    for ds in [&times, &senders] {
        assert_eq!(ds.chunk(), Some(vec![65536]));
        assert!(ds.is_resizable());
        assert!(ds
            .filters()
            .iter()
            .any(|f| matches!(f, hdf5::filters::Filter::Deflate(_))));
    }

    let mm = f.group("mm").unwrap();
    assert_eq!(str_attr(&mm, "model"), "multimeter");
    assert_eq!(
        mm.attr("interval").unwrap().read_scalar::<f64>().unwrap(),
        0.5
    );
    let rf = mm.attr("record_from").unwrap();
    assert_eq!(descriptor(&rf), TypeDescriptor::VarLenUnicode);
    let rf: Vec<String> = rf
        .read_raw::<VarLenUnicode>()
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(rf, ["V_m", "g_1"]);
    assert_eq!(
        mm.dataset("senders").unwrap().read_raw::<i64>().unwrap(),
        (1..=200).collect::<Vec<i64>>()
    );
    assert_eq!(
        mm.dataset("times").unwrap().read_raw::<f64>().unwrap(),
        [0.5, 1.0]
    );
    let vm = mm.dataset("V_m").unwrap();
    assert_eq!(vm.shape(), [2, 200]);
    assert_eq!(vm.chunk(), Some(vec![65536 / 200, 200]));
    assert!(vm
        .filters()
        .iter()
        .any(|f| matches!(f, hdf5::filters::Filter::Deflate(_))));
    assert_eq!(str_attr(&vm, "units"), "mV");
    assert_eq!(str_attr(&mm.dataset("g_1").unwrap(), "units"), "nS");
    assert_eq!(vm.read_raw::<f64>().unwrap(), vec![-65.0; 400]);

    let ng = f.group("nodes").unwrap();
    let names = ng.dataset("name").unwrap();
    assert_eq!(descriptor(&names), TypeDescriptor::VarLenUnicode);
    assert_eq!(
        ng.dataset("first_id").unwrap().read_raw::<i64>().unwrap(),
        [1, 201, 202]
    );
    assert_eq!(
        ng.dataset("count").unwrap().read_raw::<i64>().unwrap(),
        [200, 1, 1]
    );
    sink.finish().unwrap();
}

#[test]
fn a_wide_multimeter_keeps_chunks_under_one_mebibyte() {
    let path = temp_path("wide");
    let n = 300_000u32;
    let mut nodes = nodes();
    nodes[0].count = n;
    nodes[1].first_id = n + 1;
    nodes[2].first_id = n + 2;
    let layout = RecordingLayout {
        detectors: Vec::new(),
        weight_recorders: Vec::new(),
        spike_recorders: vec![],
        multimeters: vec![MultimeterInfo {
            model: "multimeter",
            id: NodeId(n + 2),
            senders: (1..=n).map(NodeId).collect(),
            record_from: vec!["V_m".into()],
            units: vec!["mV"],
            interval_ms: 1.0,
        }],
    };
    let mut sink = Hdf5Sink::create(&path, &info(1), &nodes, false).unwrap();
    sink.begin(&layout).unwrap();
    let values = vec![(0..2 * n).map(f64::from).collect::<Vec<_>>()];
    sink.samples(
        0,
        &SampleBlock {
            times: &[1.0, 2.0],
            n_senders: n as usize,
            values: &values,
        },
    )
    .unwrap();
    sink.finish().unwrap();
    let f = hdf5::File::open(&path).unwrap();
    let vm = f.dataset("mm/V_m").unwrap();
    let chunk = vm.chunk().unwrap();
    assert_eq!(chunk, [1, 131072]);
    assert!(chunk.iter().product::<usize>() * 8 <= 1 << 20);
    drop(vm);
    drop(f);
    let back = read_hdf5(&path).unwrap();
    assert_eq!(back.recording.multimeters[0].values[0].1, values[0]);
}

#[test]
fn an_existing_file_is_not_replaced_unless_asked() {
    let path = temp_path("exists");
    let sink = Hdf5Sink::create(&path, &info(1), &nodes(), false).unwrap();
    sink.finish().unwrap();

    let err = Hdf5Sink::create(&path, &info(2), &[], false).unwrap_err();
    assert!(
        matches!(&err, Hdf5Error::Exists { path: p } if *p == path),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    // The old file is untouched.
    let back = read_hdf5(&path).unwrap();
    assert_eq!(back.info.seed, 1);
    assert_eq!(back.nodes, nodes());

    let sink = Hdf5Sink::create(&path, &info(2), &[], true).unwrap();
    sink.finish().unwrap();
    let back = read_hdf5(&path).unwrap();
    assert_eq!(back.info.seed, 2);
    assert!(back.nodes.is_empty());
}

#[test]
fn bad_calls_are_errors_not_panics() {
    let path = temp_path("bad_calls");
    let mut sink = Hdf5Sink::create(&path, &info(1), &nodes(), false).unwrap();
    assert!(sink.spikes(0, &[1.0], &[1]).is_err(), "spikes before begin");
    let empty = SampleBlock {
        times: &[],
        n_senders: 2,
        values: &[],
    };
    assert!(sink.samples(0, &empty).is_err(), "samples before begin");
    sink.begin(&layout(2)).unwrap();
    assert!(sink.begin(&layout(2)).is_err(), "begin twice");
    assert!(sink.spikes(1, &[1.0], &[1]).is_err(), "no such recorder");
    assert!(
        sink.spikes(0, &[1.0, 2.0], &[1]).is_err(),
        "length mismatch"
    );
    let v = vec![vec![1.0; 4], vec![2.0; 4]];
    assert!(sink
        .samples(
            1,
            &SampleBlock {
                times: &[1.0, 2.0],
                n_senders: 2,
                values: &v
            }
        )
        .is_err());
    assert!(sink
        .samples(
            0,
            &SampleBlock {
                times: &[1.0, 2.0],
                n_senders: 3,
                values: &v
            }
        )
        .is_err());
    assert!(sink
        .samples(
            0,
            &SampleBlock {
                times: &[1.0],
                n_senders: 2,
                values: &v
            }
        )
        .is_err());
    assert!(sink
        .samples(
            0,
            &SampleBlock {
                times: &[1.0, 2.0],
                n_senders: 2,
                values: &v[..1]
            }
        )
        .is_err());
    // The good calls still work after the bad ones and nothing bad was written.
    sink.spikes(0, &[1.0], &[1]).unwrap();
    sink.samples(
        0,
        &SampleBlock {
            times: &[1.0, 2.0],
            n_senders: 2,
            values: &v,
        },
    )
    .unwrap();
    sink.finish().unwrap();
    let back = read_hdf5(&path).unwrap();
    assert_eq!(back.recording.spike_recorders[0].times, [1.0]);
    assert_eq!(back.recording.multimeters[0].times, [1.0, 2.0]);

    // A recorder whose name would clash with the node table.
    let path = temp_path("bad_name");
    let clash = vec![NodeEntry {
        name: "nodes".into(),
        model: "spike_recorder".into(),
        first_id: 1,
        count: 1,
    }];
    let mut sink = Hdf5Sink::create(&path, &info(1), &clash, false).unwrap();
    let lay = RecordingLayout {
        detectors: Vec::new(),
        weight_recorders: Vec::new(),
        spike_recorders: vec![SpikeRecorderInfo {
            id: NodeId(1),
            neurons: Vec::new(),
        }],
        multimeters: vec![],
    };
    let err = sink.begin(&lay).unwrap_err();
    assert!(err.to_string().contains("\"nodes\""), "{err}");
}

#[test]
fn bad_files_are_typed_errors() {
    let missing = temp_path("does_not_exist");
    let err = read_hdf5(&missing).unwrap_err();
    assert!(matches!(err, Hdf5Error::Hdf5 { .. }), "{err:?}");
    assert!(err.to_string().contains("does_not_exist"), "{err}");

    let path = temp_path("no_resolution");
    hdf5::File::create(&path).unwrap();
    let err = read_hdf5(&path).unwrap_err();
    assert!(
        matches!(&err, Hdf5Error::Malformed { message, .. } if message.contains("resolution")),
        "{err:?}"
    );

    let path = temp_path("future");
    let f = hdf5::File::create(&path).unwrap();
    f.new_attr::<i64>()
        .create("format_version")
        .unwrap()
        .write_scalar(&3i64)
        .unwrap();
    drop(f);
    let err = read_hdf5(&path).unwrap_err();
    assert!(
        matches!(err, Hdf5Error::UnsupportedVersion { found: 3, .. }),
        "{err:?}"
    );

    let path = temp_path("bad_shape");
    let sink = Hdf5Sink::create(&path, &info(1), &[], false).unwrap();
    sink.finish().unwrap();
    let f = hdf5::File::open_rw(&path).unwrap();
    let g = f.create_group("mm").unwrap();
    g.new_dataset::<f64>().shape(3).create("times").unwrap();
    g.new_dataset::<i64>().shape(2).create("senders").unwrap();
    g.new_dataset::<f64>().shape((3, 5)).create("V_m").unwrap();
    drop((g, f));
    let err = read_hdf5(&path).unwrap_err();
    assert!(
        matches!(&err, Hdf5Error::Malformed { object, .. } if object == "/mm"),
        "{err:?}"
    );
}

/// What a NEST-side Python script may write: signed seed, 32-bit integers, fixed-length
/// byte strings, no `model`, `node_id` or `record_from` attributes.
#[test]
fn files_from_other_tools_in_the_same_layout_read_back() {
    let path = temp_path("nest_side");
    let f = hdf5::File::create(&path).unwrap();
    f.new_attr::<f64>()
        .create("resolution")
        .unwrap()
        .write_scalar(&0.1)
        .unwrap();
    f.new_attr::<i64>()
        .create("seed")
        .unwrap()
        .write_scalar(&42i64)
        .unwrap();
    f.new_attr::<i32>()
        .create("threads")
        .unwrap()
        .write_scalar(&1i32)
        .unwrap();
    f.new_attr::<f64>()
        .create("simulated_time")
        .unwrap()
        .write_scalar(&100.0)
        .unwrap();

    let fixed = |s: &str| FixedAscii::<12>::from_ascii(s.as_bytes()).unwrap();
    let ng = f.create_group("nodes").unwrap();
    let names = [fixed("neurons"), fixed("rec"), fixed("meter")];
    ng.new_dataset_builder()
        .with_data(&names)
        .create("name")
        .unwrap();
    let models = [
        fixed("iaf_psc_exp"),
        fixed("spike_rec"),
        fixed("multimeter"),
    ];
    ng.new_dataset_builder()
        .with_data(&models)
        .create("model")
        .unwrap();
    ng.new_dataset_builder()
        .with_data(&[1i32, 3, 4])
        .create("first_id")
        .unwrap();
    ng.new_dataset_builder()
        .with_data(&[2i32, 1, 1])
        .create("count")
        .unwrap();

    let rec = f.create_group("rec").unwrap();
    rec.new_dataset_builder()
        .with_data(&[1.0f64, 2.0, 2.0])
        .create("times")
        .unwrap();
    rec.new_dataset_builder()
        .with_data(&[2i32, 1, 2])
        .create("senders")
        .unwrap();

    let mm = f.create_group("meter").unwrap();
    mm.new_dataset_builder()
        .with_data(&[1.0f64, 2.0])
        .create("times")
        .unwrap();
    mm.new_dataset_builder()
        .with_data(&[1u32, 2])
        .create("senders")
        .unwrap();
    let g = ndarray::arr2(&[[1.0f64, 2.0], [3.0, 4.0]]);
    mm.new_dataset_builder()
        .with_data(&g)
        .create("g_ex")
        .unwrap();
    let v = ndarray::arr2(&[[-70.0f64, -71.0], [-69.0, -68.0]]);
    mm.new_dataset_builder()
        .with_data(&v)
        .create("V_m")
        .unwrap();
    let note = VarLenUnicode::from_str("not a recorder").unwrap();
    f.create_group("extra")
        .unwrap()
        .new_attr::<VarLenUnicode>()
        .create("note")
        .unwrap()
        .write_scalar(&note)
        .unwrap();
    drop((ng, rec, mm, f));

    let back = read_hdf5(&path).unwrap();
    assert_eq!(
        back.info,
        RunInfo {
            resolution: 0.1,
            seed: 42,
            threads: 1,
            spindle_version: String::new()
        }
    );
    assert_eq!(back.simulated_time, 100.0);
    assert_eq!(
        back.nodes[0],
        NodeEntry {
            name: "neurons".into(),
            model: "iaf_psc_exp".into(),
            first_id: 1,
            count: 2
        }
    );
    assert_eq!(back.nodes.len(), 3);
    let r = back.recording.spike_recorder("rec").unwrap();
    assert_eq!(
        (r.id, r.times.as_slice(), r.senders.as_slice()),
        (3, &[1.0, 2.0, 2.0][..], &[2, 1, 2][..])
    );
    let m = back.recording.multimeter("meter").unwrap();
    assert_eq!(m.id, 4);
    assert_eq!(m.senders, [1, 2]);
    // Without record_from, the recordables are the 2-D datasets in name order.
    let names: Vec<&str> = m.values.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["V_m", "g_ex"]);
    assert_eq!(m.trace("V_m", 2).unwrap(), [-71.0, -68.0]);
    assert_eq!(m.trace("g_ex", 1).unwrap(), [1.0, 3.0]);
    assert_eq!(back.recording.spike_recorders.len(), 1);
    assert_eq!(back.recording.multimeters.len(), 1);
}
