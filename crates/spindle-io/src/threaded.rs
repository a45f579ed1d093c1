//! [`ThreadedSink`]: hands what the simulation records to a writer thread, so that
//! compressing and writing a file overlaps the simulation instead of adding to it.
//!
//! The simulation thread copies each block into a batch and, at a slice end, sends the batch
//! through a bounded channel once it holds [`BATCH_BYTES`] or is [`BATCH_AGE`] old (and at
//! every run end). One writer thread owns the wrapped sink and replays the calls on it in
//! order, so the file is exactly what the wrapped sink alone would write. The channel holds at
//! most [`CHANNEL_BATCHES`] batches: when the writer falls behind, the simulation waits, and
//! the memory held is bounded by about `(CHANNEL_BATCHES + 2) × max(BATCH_BYTES, one slice)`
//! whatever the run records.
//!
//! A writer error stops the writer; the simulation learns of it at its next send (or at
//! [`ThreadedSink::finish`]) and stops too.

use crossbeam::channel::{bounded, Sender};
use spindle_core::detector::DetectorResult;
use spindle_core::recording::{RecordSink, RecordingLayout, SampleBlock, SinkError, WeightBlock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A batch is sent once it holds this many bytes of data (at a slice end).
pub const BATCH_BYTES: usize = 4 << 20;
/// ... or once its oldest data is this old, so that checkpoints find recent data.
pub const BATCH_AGE: Duration = Duration::from_millis(50);
/// Batches in the channel; a full channel makes the simulation wait for the writer.
pub const CHANNEL_BATCHES: usize = 4;

/// One call of [`RecordSink`], owning its data.
enum Call {
    Spikes {
        recorder: usize,
        times: Vec<f64>,
        senders: Vec<u32>,
    },
    Samples {
        multimeter: usize,
        n_senders: usize,
        times: Vec<f64>,
        values: Vec<Vec<f64>>,
    },
    Weights {
        recorder: usize,
        block: WeightBlock,
    },
    Detector {
        detector: usize,
        results: Vec<DetectorResult>,
    },
    EndOfSlice(f64),
    EndOfRun(f64),
}

impl Call {
    fn replay(self, sink: &mut dyn RecordSink) -> Result<(), SinkError> {
        match self {
            Call::Spikes {
                recorder,
                times,
                senders,
            } => sink.spikes(recorder, &times, &senders),
            Call::Samples {
                multimeter,
                n_senders,
                times,
                values,
            } => sink.samples(
                multimeter,
                &SampleBlock {
                    times: &times,
                    n_senders,
                    values: &values,
                },
            ),
            Call::Weights { recorder, block } => sink.weights(recorder, &block),
            Call::Detector { detector, results } => sink.detector(detector, &results),
            Call::EndOfSlice(t) => sink.end_of_slice(t),
            Call::EndOfRun(t) => sink.end_of_run(t),
        }
    }
}

/// Calls collected on the simulation thread, not yet sent.
#[derive(Default)]
struct Batch {
    calls: Vec<Call>,
    bytes: usize,
    /// When the first call of the batch arrived.
    since: Option<Instant>,
}

impl Batch {
    fn push(&mut self, call: Call, bytes: usize) {
        self.since.get_or_insert_with(Instant::now);
        self.calls.push(call);
        self.bytes += bytes;
    }

    fn is_due(&self) -> bool {
        self.bytes >= BATCH_BYTES || self.since.is_some_and(|s| s.elapsed() >= BATCH_AGE)
    }

    fn take(&mut self) -> Vec<Call> {
        self.bytes = 0;
        self.since = None;
        std::mem::take(&mut self.calls)
    }
}

enum State<S> {
    /// Before `begin`: the sink is still here.
    Idle(S),
    Running {
        sender: Sender<Vec<Call>>,
        writer: JoinHandle<Result<S, SinkError>>,
    },
    /// The writer stopped with this error (already reported once).
    Failed(String),
    /// Finished or being finished.
    Done,
}

/// A [`RecordSink`] that forwards every call to `S` on a writer thread; see the module
/// documentation. `begin` runs on the calling thread (its errors come back at once), then the
/// sink moves to the writer. Call [`ThreadedSink::finish`] to get it back once everything was
/// written; dropping a `ThreadedSink` also waits for the writer, but loses its errors.
pub struct ThreadedSink<S: RecordSink + Send + 'static> {
    state: State<S>,
    batch: Batch,
}

impl<S: RecordSink + Send + 'static> std::fmt::Debug for ThreadedSink<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            State::Idle(_) => "idle",
            State::Running { .. } => "running",
            State::Failed(_) => "failed",
            State::Done => "done",
        };
        f.debug_struct("ThreadedSink")
            .field("state", &state)
            .field("batch_bytes", &self.batch.bytes)
            .finish()
    }
}

impl<S: RecordSink + Send + 'static> ThreadedSink<S> {
    pub fn new(sink: S) -> ThreadedSink<S> {
        ThreadedSink {
            state: State::Idle(sink),
            batch: Batch::default(),
        }
    }

    /// Send what is batched, wait until the writer has handled everything, and return the
    /// sink, or the first error the writer met.
    pub fn finish(mut self) -> Result<S, SinkError> {
        self.send()?;
        match std::mem::replace(&mut self.state, State::Done) {
            State::Idle(sink) => Ok(sink),
            State::Running { sender, writer } => {
                drop(sender);
                join(writer)
            }
            State::Failed(message) => Err(message.into()),
            State::Done => Err("the writer was already finished".into()),
        }
    }

    /// Hand the batch to the writer (waiting while the channel is full).
    fn send(&mut self) -> Result<(), SinkError> {
        if self.batch.calls.is_empty() {
            return Ok(());
        }
        let calls = self.batch.take();
        match &self.state {
            State::Running { sender, .. } => {
                if sender.send(calls).is_ok() {
                    return Ok(());
                }
            }
            State::Failed(message) => return Err(message.clone().into()),
            State::Idle(_) => return Err("data before begin".into()),
            State::Done => return Err("data after finish".into()),
        }
        // The writer hung up: it stopped on an error.
        let State::Running { writer, .. } = std::mem::replace(&mut self.state, State::Done) else {
            unreachable!("matched above")
        };
        let error = match join(writer) {
            Err(e) => e.to_string(),
            Ok(_) => "the writer stopped early".to_string(),
        };
        self.state = State::Failed(error.clone());
        Err(error.into())
    }

    fn check(&self) -> Result<(), SinkError> {
        match &self.state {
            State::Failed(message) => Err(message.clone().into()),
            _ => Ok(()),
        }
    }
}

/// Wait for the writer; a panic becomes an error.
fn join<S>(writer: JoinHandle<Result<S, SinkError>>) -> Result<S, SinkError> {
    writer.join().unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!("the recording writer thread panicked: {what}").into())
    })
}

impl<S: RecordSink + Send + 'static> RecordSink for ThreadedSink<S> {
    fn begin(&mut self, layout: &RecordingLayout) -> Result<(), SinkError> {
        let State::Idle(mut sink) = std::mem::replace(&mut self.state, State::Done) else {
            return Err("begin was called twice".into());
        };
        sink.begin(layout)?;
        let (sender, receiver) = bounded::<Vec<Call>>(CHANNEL_BATCHES);
        let writer = std::thread::Builder::new()
            .name("spindle-writer".into())
            .spawn(move || {
                for calls in receiver {
                    for call in calls {
                        call.replay(&mut sink)?;
                    }
                }
                Ok(sink)
            })
            .map_err(|e| format!("cannot start the recording writer thread: {e}"))?;
        self.state = State::Running { sender, writer };
        Ok(())
    }

    fn spikes(&mut self, recorder: usize, times: &[f64], senders: &[u32]) -> Result<(), SinkError> {
        self.check()?;
        let bytes = std::mem::size_of_val(times) + std::mem::size_of_val(senders);
        self.batch.push(
            Call::Spikes {
                recorder,
                times: times.to_vec(),
                senders: senders.to_vec(),
            },
            bytes,
        );
        Ok(())
    }

    fn weights(&mut self, recorder: usize, block: &WeightBlock) -> Result<(), SinkError> {
        self.check()?;
        // Time, sender, target, weight, receptor, port.
        let bytes = block.len() * (8 + 4 + 4 + 8 + 8 + 8);
        self.batch.push(
            Call::Weights {
                recorder,
                block: block.clone(),
            },
            bytes,
        );
        Ok(())
    }

    fn detector(&mut self, detector: usize, results: &[DetectorResult]) -> Result<(), SinkError> {
        self.check()?;
        let bytes = results
            .iter()
            .map(|r| 8 * r.shape.iter().product::<usize>())
            .sum();
        self.batch.push(
            Call::Detector {
                detector,
                results: results.to_vec(),
            },
            bytes,
        );
        Ok(())
    }

    fn samples(&mut self, multimeter: usize, block: &SampleBlock<'_>) -> Result<(), SinkError> {
        self.check()?;
        let bytes = std::mem::size_of_val(block.times)
            + block
                .values
                .iter()
                .map(|v| std::mem::size_of_val(v.as_slice()))
                .sum::<usize>();
        self.batch.push(
            Call::Samples {
                multimeter,
                n_senders: block.n_senders,
                times: block.times.to_vec(),
                values: block.values.to_vec(),
            },
            bytes,
        );
        Ok(())
    }

    fn end_of_slice(&mut self, simulated_ms: f64) -> Result<(), SinkError> {
        self.check()?;
        // Consecutive slice ends with nothing between them: only the last one matters.
        match self.batch.calls.last_mut() {
            Some(Call::EndOfSlice(t)) => *t = simulated_ms,
            _ => self.batch.push(Call::EndOfSlice(simulated_ms), 0),
        }
        if self.batch.is_due() {
            self.send()?;
        }
        Ok(())
    }

    fn end_of_run(&mut self, simulated_ms: f64) -> Result<(), SinkError> {
        self.check()?;
        self.batch.push(Call::EndOfRun(simulated_ms), 0);
        self.send()
    }
}

impl<S: RecordSink + Send + 'static> Drop for ThreadedSink<S> {
    fn drop(&mut self) {
        if let State::Running { sender, writer } = std::mem::replace(&mut self.state, State::Done) {
            // Let the writer handle what it has and close the sink; its errors are lost here
            // (finish reports them).
            drop(sender);
            let _ = writer.join();
        }
    }
}
