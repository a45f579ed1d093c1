//! Contract of [`ThreadedSink`]: the wrapped sink receives exactly the calls, in order, that
//! it would have received directly (so the file it writes is the same); an error of the
//! writer comes back to the simulation, at the next send or at `finish`, never lost and never
//! a panic; and the data in flight is bounded: when the writer stalls, the simulation waits.

use spindle_core::recording::{
    MultimeterInfo, RecordSink, RecordingLayout, SampleBlock, SinkError, SpikeRecorderInfo,
};
use spindle_core::NodeId;
use spindle_io::{
    read_hdf5, Hdf5Options, Hdf5Sink, NodeEntry, RunInfo, ThreadedSink, CHANNEL_BATCHES,
};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Every call, as text.
#[derive(Default, Debug)]
struct Log(Vec<String>);

impl RecordSink for Log {
    fn begin(&mut self, layout: &RecordingLayout) -> Result<(), SinkError> {
        self.0.push(format!(
            "begin {} {}",
            layout.spike_recorders.len(),
            layout.multimeters.len()
        ));
        Ok(())
    }
    fn spikes(&mut self, r: usize, times: &[f64], senders: &[u32]) -> Result<(), SinkError> {
        self.0.push(format!("spikes {r} {times:?} {senders:?}"));
        Ok(())
    }
    fn samples(&mut self, m: usize, b: &SampleBlock<'_>) -> Result<(), SinkError> {
        self.0.push(format!(
            "samples {m} {:?} {} {:?}",
            b.times, b.n_senders, b.values
        ));
        Ok(())
    }
    fn end_of_slice(&mut self, t: f64) -> Result<(), SinkError> {
        self.0.push(format!("slice {t}"));
        Ok(())
    }
    fn end_of_run(&mut self, t: f64) -> Result<(), SinkError> {
        self.0.push(format!("run {t}"));
        Ok(())
    }
}

fn layout() -> RecordingLayout {
    RecordingLayout {
        detectors: Vec::new(),
        weight_recorders: Vec::new(),
        spike_recorders: vec![SpikeRecorderInfo {
            id: NodeId(3),
            neurons: vec![NodeId(1), NodeId(2)],
        }],
        multimeters: vec![MultimeterInfo {
            model: "multimeter",
            id: NodeId(4),
            senders: vec![NodeId(1), NodeId(2)],
            record_from: vec!["V_m".into()],
            units: vec!["mV"],
            interval_ms: 0.1,
        }],
    }
}

/// A run's worth of calls: slices with spikes and samples, some empty, two runs.
fn feed(sink: &mut dyn RecordSink) -> Result<(), SinkError> {
    let mut t = 0.0;
    for _run in 0..2 {
        for k in 0..300 {
            if k % 3 == 0 {
                sink.spikes(0, &[t + 0.1, t + 0.1], &[1, 2])?;
            }
            let times = [t + 0.1, t + 0.2];
            let values = vec![vec![t, -t, t + 1.0, -t - 1.0]];
            sink.samples(
                0,
                &SampleBlock {
                    times: &times,
                    n_senders: 2,
                    values: &values,
                },
            )?;
            t += 0.2;
            sink.end_of_slice(t)?;
            // An empty slice end now and then: it may be merged with the next one. It does
            // not advance time, as a multimeter samples every step of every slice on its grid
            // (its SONATA reports refuse a gap in the grid).
            if k % 7 == 0 {
                sink.end_of_slice(t)?;
            }
        }
        sink.end_of_run(t)?;
    }
    Ok(())
}

/// The calls of `feed` with consecutive slice ends merged into the last one.
fn merged(calls: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in calls {
        if c.starts_with("slice") && out.last().is_some_and(|l| l.starts_with("slice")) {
            *out.last_mut().unwrap() = c.clone();
        } else {
            out.push(c.clone());
        }
    }
    out
}

#[test]
fn the_wrapped_sink_gets_the_same_calls_in_order() {
    let mut direct = Log::default();
    direct.begin(&layout()).unwrap();
    feed(&mut direct).unwrap();

    let mut threaded = ThreadedSink::new(Log::default());
    threaded.begin(&layout()).unwrap();
    feed(&mut threaded).unwrap();
    let through = threaded.finish().unwrap();
    assert_eq!(through.0, merged(&direct.0));
    assert!(through.0.iter().filter(|c| c.starts_with("run")).count() == 2);
}

#[test]
fn an_hdf5_file_written_through_the_thread_is_the_same() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let (a, b) = (
        dir.join("threaded_direct.h5"),
        dir.join("threaded_thread.h5"),
    );
    let nodes = vec![
        NodeEntry {
            name: "pop".into(),
            model: "iaf_psc_alpha".into(),
            first_id: 1,
            count: 2,
        },
        NodeEntry {
            name: "sr".into(),
            model: "spike_recorder".into(),
            first_id: 3,
            count: 1,
        },
        NodeEntry {
            name: "mm".into(),
            model: "multimeter".into(),
            first_id: 4,
            count: 1,
        },
    ];
    let info = RunInfo {
        resolution: 0.1,
        seed: 1,
        threads: 1,
        spindle_version: "test".into(),
    };
    let options = Hdf5Options {
        overwrite: true,
        sonata: true,
        ..Hdf5Options::default()
    };
    let mut direct = Hdf5Sink::create_with(&a, &info, &nodes, &options).unwrap();
    direct.begin(&layout()).unwrap();
    feed(&mut direct).unwrap();
    direct.finish().unwrap();
    let mut threaded =
        ThreadedSink::new(Hdf5Sink::create_with(&b, &info, &nodes, &options).unwrap());
    threaded.begin(&layout()).unwrap();
    feed(&mut threaded).unwrap();
    threaded.finish().unwrap().finish().unwrap();
    let (fa, fb) = (read_hdf5(&a).unwrap(), read_hdf5(&b).unwrap());
    assert_eq!(fa.recording, fb.recording);
    assert_eq!(fa.sonata, fb.sonata);
    assert_eq!(fb.sonata[0].timestamps.len(), 400);
    assert_eq!(fa.simulated_time, fb.simulated_time);
}

/// Fails on its `n`-th spikes call.
#[derive(Debug)]
struct FailsAt(usize);

impl RecordSink for FailsAt {
    fn begin(&mut self, _: &RecordingLayout) -> Result<(), SinkError> {
        Ok(())
    }
    fn spikes(&mut self, _: usize, _: &[f64], _: &[u32]) -> Result<(), SinkError> {
        self.0 -= 1;
        if self.0 == 0 {
            return Err("disk full (test)".into());
        }
        Ok(())
    }
    fn samples(&mut self, _: usize, _: &SampleBlock<'_>) -> Result<(), SinkError> {
        Ok(())
    }
}

#[test]
fn a_writer_error_reaches_the_simulation() {
    // At a later call...
    let mut sink = ThreadedSink::new(FailsAt(5));
    sink.begin(&layout()).unwrap();
    let mut error = None;
    for k in 0..10_000 {
        sink.spikes(0, &[k as f64], &[1])
            .unwrap_or_else(|e| error = Some(e));
        if let Err(e) = sink.end_of_run(k as f64) {
            error = Some(e);
            break;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
    let error = error.expect("the error came back");
    assert!(error.to_string().contains("disk full"), "{error}");
    // ... and again at finish.
    let err = sink.finish().unwrap_err();
    assert!(err.to_string().contains("disk full"), "{err}");

    // At finish, when it happens in the last batch.
    let mut sink = ThreadedSink::new(FailsAt(1));
    sink.begin(&layout()).unwrap();
    sink.spikes(0, &[1.0], &[1]).unwrap();
    let err = sink.finish().unwrap_err();
    assert!(err.to_string().contains("disk full"), "{err}");
}

/// Blocks in its first `end_of_run` until told to go on.
struct Stalls(mpsc::Receiver<()>);

impl RecordSink for Stalls {
    fn begin(&mut self, _: &RecordingLayout) -> Result<(), SinkError> {
        Ok(())
    }
    fn spikes(&mut self, _: usize, _: &[f64], _: &[u32]) -> Result<(), SinkError> {
        Ok(())
    }
    fn samples(&mut self, _: usize, _: &SampleBlock<'_>) -> Result<(), SinkError> {
        Ok(())
    }
    fn end_of_run(&mut self, _: f64) -> Result<(), SinkError> {
        let _ = self.0.recv();
        Ok(())
    }
}

#[test]
fn a_stalled_writer_makes_the_simulation_wait() {
    let (go, wait) = mpsc::channel();
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&sent);
    let producer = std::thread::spawn(move || {
        let mut sink = ThreadedSink::new(Stalls(wait));
        sink.begin(&layout()).unwrap();
        for k in 0..50 {
            // Every end_of_run sends a batch of 1 MB.
            let times = vec![k as f64; 1 << 17];
            sink.spikes(0, &times, &vec![1; 1 << 17]).unwrap();
            sink.end_of_run(k as f64).unwrap();
            counter.fetch_add(1, Ordering::SeqCst);
        }
        sink.finish().unwrap();
    });
    // One batch is with the writer (stalled), CHANNEL_BATCHES wait in the channel, and the
    // next send blocks: the simulation is held back instead of piling up data.
    let started = std::time::Instant::now();
    while sent.load(Ordering::SeqCst) < CHANNEL_BATCHES && started.elapsed().as_secs() < 30 {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    let in_flight = sent.load(Ordering::SeqCst);
    assert!(
        (CHANNEL_BATCHES..=CHANNEL_BATCHES + 1).contains(&in_flight),
        "{in_flight} batches sent while the writer stalled"
    );
    for _ in 0..50 {
        let _ = go.send(());
    }
    producer.join().unwrap();
    assert_eq!(sent.load(Ordering::SeqCst), 50);
}
