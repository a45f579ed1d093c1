//! Contract: with SONATA output on, every recordable of every multimeter gets a SONATA report
//! file beside the output (`<stem>.<multimeter>.<recordable>.h5`) holding
//! `/report/<population>/data` (float32, the multimeter's native values, one column per
//! recorded node of the `[[nodes]]` entry) and its `mapping` (`node_ids` counted from 0 within
//! the entry, `index_pointer(s)`, `element_ids`, `element_pos`, `time = [start, stop, dt]`);
//! the file is streamed with the run and a crash leaves it readable with `time` covering the
//! rows of the last checkpoint; samples off the report's regular grid are refused, and so are
//! two reports that would share a file.

use hdf5::types::VarLenUnicode;
use hdf5::{File, OpenMode};
use spindle_core::recording::{MultimeterInfo, RecordSink, RecordingLayout, SampleBlock};
use spindle_core::NodeId;
use spindle_io::{
    check_layout, read_hdf5, report_path, report_paths, Hdf5Error, Hdf5Options, Hdf5Sink,
    NodeEntry, RunInfo,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn temp_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("sonata_reports_{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("run.h5")
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
        seed: 1,
        threads: 2,
        spindle_version: "test".into(),
    }
}

/// exc (1–4), inh (5–6), a multimeter (7) recording exc 2 and 4 and inh 5.
fn nodes() -> Vec<NodeEntry> {
    vec![
        entry("exc", "iaf_psc_alpha", 1, 4),
        entry("inh", "iaf_psc_alpha", 5, 2),
        entry("mm", "multimeter", 7, 1),
    ]
}

fn layout() -> RecordingLayout {
    RecordingLayout {
        weight_recorders: Vec::new(),
        detectors: Vec::new(),
        spike_recorders: Vec::new(),
        multimeters: vec![MultimeterInfo {
            id: NodeId(7),
            model: "multimeter",
            senders: [2, 4, 5].map(NodeId).to_vec(),
            record_from: vec!["V_m".into(), "g_ex".into()],
            units: vec!["mV", "nS"],
            interval_ms: 0.3,
        }],
    }
}

fn options(checkpoint_interval: Duration) -> Hdf5Options {
    Hdf5Options {
        sonata: true,
        checkpoint_interval,
        ..Hdf5Options::default()
    }
}

/// Feed rows `first..first + n` (times `0.3·(row + 1)` ms), values that no float32 holds
/// exactly: V_m of column j at row k is `−70 + k / 3 + j / 7`, g_ex its negative.
fn rows(sink: &mut dyn RecordSink, first: usize, n: usize) {
    let times: Vec<f64> = (first..first + n)
        .map(|k| (3 * (k + 1)) as f64 * 0.1)
        .collect();
    let v: Vec<f64> = (first..first + n)
        .flat_map(|k| (0..3).map(move |j| -70.0 + k as f64 / 3.0 + j as f64 / 7.0))
        .collect();
    let g: Vec<f64> = v.iter().map(|x| -x).collect();
    let values = vec![v, g];
    sink.samples(
        0,
        &SampleBlock {
            times: &times,
            n_senders: 3,
            values: &values,
        },
    )
    .unwrap();
}

/// A report population as read back: data (T × n), node ids, the mapping arrays, time.
struct Population {
    data: Vec<f32>,
    shape: Vec<usize>,
    node_ids: Vec<u64>,
    index_pointer: Vec<u64>,
    index_pointers: Vec<u64>,
    element_ids: Vec<u32>,
    element_pos: Vec<f32>,
    time: Vec<f64>,
    units: String,
    variable: String,
    time_units: String,
    sorted: u8,
}

fn read_population(path: &Path, population: &str) -> Population {
    let file = File::open(path)
        .or_else(|_| File::open_as(path, OpenMode::ReadSWMR))
        .unwrap();
    let g = file.group(&format!("report/{population}")).unwrap();
    let data = g.dataset("data").unwrap();
    let m = g.group("mapping").unwrap();
    let string = |ds: &hdf5::Dataset, name: &str| {
        ds.attr(name)
            .unwrap()
            .read_scalar::<VarLenUnicode>()
            .unwrap()
            .to_string()
    };
    let time = m.dataset("time").unwrap();
    Population {
        data: data.read_raw().unwrap(),
        shape: data.shape(),
        node_ids: m.dataset("node_ids").unwrap().read_raw().unwrap(),
        index_pointer: m.dataset("index_pointer").unwrap().read_raw().unwrap(),
        index_pointers: m.dataset("index_pointers").unwrap().read_raw().unwrap(),
        element_ids: m.dataset("element_ids").unwrap().read_raw().unwrap(),
        element_pos: m.dataset("element_pos").unwrap().read_raw().unwrap(),
        time: time.read_raw().unwrap(),
        units: string(&data, "units"),
        variable: string(&data, "variable"),
        time_units: string(&time, "units"),
        sorted: m
            .dataset("node_ids")
            .unwrap()
            .attr("sorted")
            .unwrap()
            .read_scalar()
            .unwrap(),
    }
}

/// Columns `cols` of recordable `r` of the native multimeter group, as float32.
fn native_f32(path: &Path, r: &str, cols: std::ops::Range<usize>) -> Vec<f32> {
    let file = read_hdf5(path).unwrap();
    let mm = file.recording.multimeter("mm").unwrap();
    let v = mm.values_of(r).unwrap();
    let n = mm.senders.len();
    (0..mm.times.len())
        .flat_map(|t| cols.clone().map(move |j| (t, j)))
        .map(|(t, j)| v[t * n + j] as f32)
        .collect()
}

#[test]
fn every_recordable_is_a_report_of_the_native_values_per_population() {
    let path = temp_path("layout");
    let mut sink =
        Hdf5Sink::create_with(&path, &info(), &nodes(), &options(Duration::ZERO)).unwrap();
    sink.begin(&layout()).unwrap();
    rows(&mut sink, 0, 4);
    sink.end_of_slice(1.2).unwrap();
    rows(&mut sink, 4, 3);
    sink.end_of_slice(2.1).unwrap();
    sink.end_of_run(2.1).unwrap();
    sink.finish().unwrap();

    let paths = report_paths(&path, &nodes(), &layout());
    let dir = path.parent().unwrap();
    assert_eq!(
        paths,
        [dir.join("run.mm.V_m.h5"), dir.join("run.mm.g_ex.h5")]
    );
    for (file, (r, units)) in paths.iter().zip([("V_m", "mV"), ("g_ex", "nS")]) {
        for (population, cols, ids) in [("exc", 0..2, vec![1, 3]), ("inh", 2..3, vec![0])] {
            let p = read_population(file, population);
            let n = ids.len();
            assert_eq!(p.shape, [7, n]);
            assert_eq!(p.data, native_f32(&path, r, cols));
            assert_eq!(p.node_ids, ids);
            assert_eq!(p.sorted, 1);
            let pointers: Vec<u64> = (0..=n as u64).collect();
            assert_eq!(p.index_pointer, pointers);
            assert_eq!(p.index_pointers, pointers);
            assert_eq!(p.element_ids, vec![0; n]);
            assert_eq!(p.element_pos, vec![0.0; n]);
            // start = the first sample, dt = the interval, (stop − start) / dt = the rows.
            assert_eq!(p.time[0], 0.30000000000000004);
            assert_eq!(p.time[2], 0.3);
            assert_eq!(((p.time[1] - p.time[0]) / p.time[2]) as usize, 7);
            assert!((p.time[1] - 2.4).abs() < 1e-12);
            assert_eq!((p.units.as_str(), p.variable.as_str()), (units, r));
            assert_eq!(p.time_units, "ms");
        }
    }
}

#[test]
fn a_crash_leaves_reports_that_cover_the_last_checkpoint() {
    let path = temp_path("crash");
    // Checkpoints only at the end of a run.
    let mut sink = Hdf5Sink::create_with(
        &path,
        &info(),
        &nodes(),
        &options(Duration::from_secs(3600)),
    )
    .unwrap();
    sink.begin(&layout()).unwrap();
    rows(&mut sink, 0, 5);
    sink.end_of_slice(1.5).unwrap();
    sink.end_of_run(1.5).unwrap();
    // A second run goes on without a checkpoint.
    rows(&mut sink, 5, 4);
    sink.end_of_slice(2.7).unwrap();

    let report = report_path(&path, "mm", "V_m");
    let copy = path.with_file_name("crashed.h5");
    std::fs::copy(&report, &copy).unwrap();
    let p = read_population(&copy, "exc");
    let covered = ((p.time[1] - p.time[0]) / p.time[2]) as usize;
    assert_eq!(covered, 5);
    assert!(p.shape[0] >= covered);
    let full = {
        sink.end_of_run(2.7).unwrap();
        sink.finish().unwrap();
        native_f32(&path, "V_m", 0..2)
    };
    assert_eq!(p.data[..covered * 2], full[..covered * 2]);
    // After the run closed, the report covers all nine rows.
    let done = read_population(&report, "exc");
    assert_eq!(((done.time[1] - done.time[0]) / done.time[2]) as usize, 9);
    assert_eq!(done.data, full);
}

#[test]
fn samples_off_the_regular_grid_are_refused() {
    let path = temp_path("grid");
    let mut sink =
        Hdf5Sink::create_with(&path, &info(), &nodes(), &options(Duration::ZERO)).unwrap();
    sink.begin(&layout()).unwrap();
    rows(&mut sink, 0, 2);
    sink.end_of_slice(0.6).unwrap();
    // Row 2 would be at 0.9 ms; rows 4.. start at 1.5 ms (a gap: the window changed).
    rows(&mut sink, 4, 1);
    let err = sink.end_of_slice(1.5).unwrap_err().to_string();
    assert!(err.contains("not on the grid"), "{err}");
    assert!(err.contains("1.5"), "{err}");
}

#[test]
fn reports_that_would_share_a_file_are_refused_before_anything_is_written() {
    let mut nodes = nodes();
    nodes.push(entry("mm.V", "multimeter", 8, 1));
    let mut layout = layout();
    let mut second = layout.multimeters[0].clone();
    second.id = NodeId(8);
    second.record_from = vec!["g_ex".into()];
    layout.multimeters[0].record_from = vec!["V.g_ex".into()];
    layout.multimeters[0].units = vec!["mV"];
    layout.multimeters.push(second);
    let path = Path::new("out.h5");
    let err = check_layout(path, &nodes, &layout, &options(Duration::ZERO)).unwrap_err();
    assert!(matches!(err, Hdf5Error::BadCall { .. }), "{err}");
    assert!(err.to_string().contains("out.mm.V.g_ex.h5"), "{err}");
    // Without SONATA output the names do not matter.
    check_layout(path, &nodes, &layout, &Hdf5Options::default()).unwrap();
}
