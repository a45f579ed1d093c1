//! The kernel's event-timing contract (spec §1.3–1.4), checked with a probe model:
//! a spike stamped S through delay d is read at the end of step S + d − 1; the result does not
//! depend on the thread count or on how the run is split into several runs.

use spindle_core::device::{Emission, Emissions, EventKind, StimulusDevice};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::recording::{
    MultimeterSpec, RecordSink, RecordingLayout, SampleBlock, SinkError, SpikeRecorderSpec, Window,
};
use spindle_core::{NetworkBuilder, NodeId, Step, Synapse, TimeGrid};

/// Spikes on the steps listed (as step k → stamp k+1), and records the input it got.
#[derive(Debug, Clone)]
struct Probe {
    fire_at: Vec<Step>,
    multiplicity: u32,
}

struct ProbeChunk {
    fire_at: Vec<Step>,
    multiplicity: u32,
    last_spike_input: Vec<f64>,
    last_current_input: Vec<f64>,
    total: Vec<f64>,
}

impl NeuronModel for Probe {
    fn model_name(&self) -> &str {
        "probe"
    }
    fn n_channels(&self) -> usize {
        2
    }
    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        match receptor {
            0 => Ok(InputChannel { channel: 0, weight }),
            _ => Err(Rejection::new("IncompatibleReceptorType", "port")),
        }
    }
    fn current_input(&self, _receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        Ok(InputChannel { channel: 1, weight })
    }
    fn recordables(&self) -> Vec<Recordable> {
        vec![
            Recordable::new("spike_in", "pA"),
            Recordable::new("current_in", "pA"),
            Recordable::new("total", "pA"),
        ]
    }
    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(ProbeChunk {
            fire_at: self.fire_at.clone(),
            multiplicity: self.multiplicity,
            last_spike_input: vec![0.0; n],
            last_current_input: vec![0.0; n],
            total: vec![0.0; n],
        })
    }
}

impl NeuronChunk for ProbeChunk {
    fn len(&self) -> usize {
        self.total.len()
    }
    fn prepare(&mut self, _grid: &TimeGrid) {}
    fn update(&mut self, step: Step, input: &[f64], emitted: &mut Emitted) {
        let n = self.len();
        for i in 0..n {
            self.last_spike_input[i] = input[i];
            self.last_current_input[i] = input[n + i];
            self.total[i] += input[i] + input[n + i];
            if self.fire_at.contains(&step) {
                emitted.push((i as u32, self.multiplicity));
            }
        }
    }
    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        match index {
            0 => self.last_spike_input[neuron],
            1 => self.last_current_input[neuron],
            _ => self.total[neuron],
        }
    }
    fn get_status(&self, neuron: usize) -> Params {
        let mut p = Params::new();
        p.insert("total", Value::Float(self.total[neuron]));
        p
    }
    fn set_status(&mut self, neuron: usize, dict: &mut Params) -> Result<(), ParamError> {
        if let Some(t) = dict.f64("total")? {
            self.total[neuron] = t;
        }
        Ok(())
    }
}

/// Sends one event at a fixed stamp.
#[derive(Debug)]
struct Pulse {
    stamp: Step,
    kind: EventKind,
}

impl StimulusDevice for Pulse {
    fn model_name(&self) -> &str {
        "pulse"
    }
    fn event_kind(&self) -> EventKind {
        self.kind
    }
    fn get_status(&self, _grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        p.insert("stamp", Value::Int(self.stamp));
        p
    }
    fn set_status(
        &mut self,
        dict: &mut Params,
        _grid: &TimeGrid,
        _now: Step,
    ) -> Result<(), ParamError> {
        if let Some(s) = dict.i64("stamp")? {
            self.stamp = s;
        }
        Ok(())
    }
    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        if self.stamp > from && self.stamp <= to {
            out.fixed.push(Emission {
                stamp: self.stamp,
                factor: 2.0,
                multiplicity: 1,
            });
        }
    }
}

#[derive(Default, Debug, PartialEq, Clone)]
struct Collect {
    spikes: Vec<Vec<(f64, u32)>>,
    samples: Vec<Vec<f64>>,
    values: Vec<Vec<Vec<f64>>>,
    senders: Vec<Vec<NodeId>>,
}

impl RecordSink for Collect {
    fn grow(&mut self, layout: &RecordingLayout, _known: (usize, usize)) -> Result<(), SinkError> {
        self.spikes.resize(layout.spike_recorders.len(), Vec::new());
        Ok(())
    }

    fn begin(&mut self, layout: &RecordingLayout) -> Result<(), SinkError> {
        self.spikes = vec![Vec::new(); layout.spike_recorders.len()];
        self.samples = vec![Vec::new(); layout.multimeters.len()];
        self.values = layout
            .multimeters
            .iter()
            .map(|m| vec![Vec::new(); m.record_from.len()])
            .collect();
        self.senders = layout
            .multimeters
            .iter()
            .map(|m| m.senders.clone())
            .collect();
        Ok(())
    }
    fn spikes(&mut self, r: usize, times: &[f64], senders: &[u32]) -> Result<(), SinkError> {
        self.spikes[r].extend(times.iter().copied().zip(senders.iter().copied()));
        Ok(())
    }
    fn samples(&mut self, m: usize, block: &SampleBlock<'_>) -> Result<(), SinkError> {
        self.samples[m].extend_from_slice(block.times);
        for (dst, src) in self.values[m].iter_mut().zip(block.values) {
            dst.extend_from_slice(src);
        }
        Ok(())
    }
}

fn syn(weight: f64, delay: Step) -> Synapse {
    Synapse {
        weight,
        delay,
        receptor: 0,
    }
}

/// Probes A (3, firing in steps 4 and 9), M (1, firing then with multiplicity 2) and C (5,
/// silent); a spike and a current pulse generator; a spike recorder and a multimeter.
fn network(threads: usize, runs: &[Step]) -> Collect {
    let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
    let mut b = NetworkBuilder::new(grid, 5);
    let probe = |fire_at: Vec<Step>, multiplicity| {
        Box::new(Probe {
            fire_at,
            multiplicity,
        })
    };
    let a = b.add_neurons(probe(vec![4, 9], 1), 3).unwrap();
    let m = b.add_neurons(probe(vec![4, 9], 2), 1).unwrap();
    let c = b.add_neurons(probe(vec![], 1), 5).unwrap();
    let pulse = b
        .add_stimulus(Box::new(Pulse {
            stamp: 10,
            kind: EventKind::Spike,
        }))
        .unwrap();
    let current = b
        .add_stimulus(Box::new(Pulse {
            stamp: 3,
            kind: EventKind::Current,
        }))
        .unwrap();
    let rec = b
        .add_spike_recorder(SpikeRecorderSpec {
            window: Window::ALWAYS,
        })
        .unwrap();
    let mm = b
        .add_multimeter(MultimeterSpec {
            model: "multimeter",
            interval: 1,
            offset: 0,
            window: Window::ALWAYS,
            record_from: vec!["spike_in".into(), "current_in".into(), "total".into()],
        })
        .unwrap();
    // Delays 3 (from A) and 4 (from M): min_delay 2 comes from the device connections.
    for (source, delay) in [(a.0, 3), (a.0 + 1, 3), (a.0 + 2, 3), (m.0, 4)] {
        for j in 0..5 {
            b.connect(NodeId(source), NodeId(c.0 + j), syn(1.5 + j as f64, delay))
                .unwrap();
        }
        b.connect(NodeId(source), rec, syn(1.0, 2)).unwrap();
    }
    for j in 0..5 {
        b.connect(pulse, NodeId(c.0 + j), syn(0.5, 2)).unwrap();
        b.connect(current, NodeId(c.0 + j), syn(10.0, 5)).unwrap();
        b.connect(mm, NodeId(c.0 + j), syn(1.0, 2)).unwrap();
    }
    let mut sim = b.build(threads).unwrap();
    assert_eq!(sim.min_delay(), 2);
    assert_eq!(sim.max_delay(), 5);
    let mut sink = Collect::default();
    sink.begin(sim.recording_layout()).unwrap();
    for &r in runs {
        sim.run(r, &mut sink).unwrap();
    }
    sink
}

#[test]
fn events_arrive_at_stamp_plus_delay_minus_one() {
    let out = network(1, &[20]);
    let n = 5;
    let spike_in = &out.values[0][0];
    let current_in = &out.values[0][1];
    // Sample s holds the input read at the end of step s − 1 (sample time t_s).
    let at = |v: &Vec<f64>, sample_step: usize, j: usize| v[(sample_step - 1) * n + j];
    // Pulse: stamp 10, delay 2 → read in step 11 → sample 12; weight 0.5 × factor 2.
    // A fires in step 4 (stamp 5) with delay 3 → step 7 → sample 8; M fires with
    // multiplicity 2 and delay 4 → step 8 → sample 9.
    for j in 0..n {
        let w = 1.5 + j as f64;
        assert_eq!(at(spike_in, 8, j), 3.0 * w, "target {j}");
        assert_eq!(at(spike_in, 9, j), 2.0 * w, "target {j}");
        assert_eq!(at(spike_in, 12, j), 1.0, "target {j}");
        // Second volley (step 9, stamp 10): steps 12 and 13 → samples 13 and 14.
        assert_eq!(at(spike_in, 13, j), 3.0 * w, "target {j}");
        assert_eq!(at(spike_in, 14, j), 2.0 * w, "target {j}");
        // Current: stamp 3, delay 5 → step 7 → sample 8; weight 10 × amplitude 2.
        assert_eq!(at(current_in, 8, j), 20.0, "target {j}");
        assert_eq!(at(current_in, 7, j), 0.0, "currents are not latched");
        assert_eq!(at(current_in, 9, j), 0.0, "currents are not latched");
    }
    // Recorder: stamps 5 and 10, M (id 4) twice each (multiplicity 2).
    let want: Vec<(f64, u32)> = [0.5, 1.0]
        .iter()
        .flat_map(|&t| [(t, 1), (t, 2), (t, 3), (t, 4), (t, 4)])
        .collect();
    assert_eq!(out.spikes[0], want);
    assert_eq!(out.samples[0].len(), 20);
    assert_eq!(out.senders[0], (5..10).map(NodeId).collect::<Vec<_>>());
}

#[test]
fn results_do_not_depend_on_threads_or_run_splits() {
    let reference = network(1, &[40]);
    for threads in [2, 3, 4] {
        assert_eq!(network(threads, &[40]), reference, "{threads} threads");
    }
    assert_eq!(network(2, &[1, 6, 33]), reference, "split runs");
    assert_eq!(network(3, &[17, 0, 23]), reference, "split runs");
}

#[test]
fn wrongly_oriented_recorder_connections_are_rejected() {
    let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
    let mut b = NetworkBuilder::new(grid, 1);
    let n = b
        .add_neurons(
            Box::new(Probe {
                fire_at: vec![],
                multiplicity: 1,
            }),
            1,
        )
        .unwrap();
    let rec = b
        .add_spike_recorder(SpikeRecorderSpec {
            window: Window::ALWAYS,
        })
        .unwrap();
    let err = b.connect(rec, n, syn(1.0, 1)).unwrap_err().to_string();
    assert!(err.contains("spike_recorder"), "{err}");
    let err = b.connect(n, n, syn(1.0, 0)).unwrap_err().to_string();
    assert!(err.contains("BadDelay"), "{err}");
}

/// Records when the sink is told that the recording is complete, and checks that no data
/// handed over later is older than that.
#[derive(Default, Debug)]
struct Checkpoints {
    inner: Collect,
    recorded_neurons: Vec<Vec<NodeId>>,
    ends: Vec<f64>,
    late: Vec<f64>,
}

impl Checkpoints {
    fn check(&mut self, t: f64) {
        if self.ends.last().is_some_and(|&e| t <= e) {
            self.late.push(t);
        }
    }
}

impl RecordSink for Checkpoints {
    fn begin(&mut self, layout: &RecordingLayout) -> Result<(), SinkError> {
        self.recorded_neurons = layout
            .spike_recorders
            .iter()
            .map(|r| r.neurons.clone())
            .collect();
        self.inner.begin(layout)
    }
    fn spikes(&mut self, r: usize, times: &[f64], senders: &[u32]) -> Result<(), SinkError> {
        times.iter().for_each(|&t| self.check(t));
        self.inner.spikes(r, times, senders)
    }
    fn samples(&mut self, m: usize, block: &SampleBlock<'_>) -> Result<(), SinkError> {
        block.times.iter().for_each(|&t| self.check(t));
        self.inner.samples(m, block)
    }
    fn end_of_slice(&mut self, simulated_ms: f64) -> Result<(), SinkError> {
        self.ends.push(simulated_ms);
        Ok(())
    }
}

#[test]
fn the_sink_learns_when_the_recording_is_complete() {
    let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
    let mut b = NetworkBuilder::new(grid, 5);
    let a = b
        .add_neurons(
            Box::new(Probe {
                fire_at: (1..40).collect(),
                multiplicity: 1,
            }),
            4,
        )
        .unwrap();
    let pulse = b
        .add_stimulus(Box::new(Pulse {
            stamp: 10,
            kind: EventKind::Spike,
        }))
        .unwrap();
    let rec = b
        .add_spike_recorder(SpikeRecorderSpec {
            window: Window::ALWAYS,
        })
        .unwrap();
    let mm = b
        .add_multimeter(MultimeterSpec {
            model: "multimeter",
            interval: 1,
            offset: 0,
            window: Window::ALWAYS,
            record_from: vec!["total".into()],
        })
        .unwrap();
    // Neurons 4, 2 and 4 again (a repeat), and the pulse generator: the layout lists the
    // neurons once each, ascending, without the device.
    for id in [a.0 + 3, a.0 + 1, a.0 + 3] {
        b.connect(NodeId(id), rec, syn(1.0, 3)).unwrap();
    }
    b.connect(pulse, rec, syn(1.0, 3)).unwrap();
    for j in 0..4 {
        b.connect(mm, NodeId(a.0 + j), syn(1.0, 3)).unwrap();
    }
    let mut sim = b.build(2).unwrap();
    assert_eq!(sim.min_delay(), 3);
    let mut sink = Checkpoints::default();
    sink.begin(sim.recording_layout()).unwrap();
    sim.run(7, &mut sink).unwrap();
    sim.run(5, &mut sink).unwrap();
    assert_eq!(sink.recorded_neurons, vec![vec![NodeId(2), NodeId(4)]]);
    // Slices of 3 steps (0.3 ms); the first run ends inside a slice at 0.7 ms.
    let want: Vec<f64> = [3, 6, 7, 9, 12]
        .iter()
        .map(|&s| grid.step_to_ms(s))
        .collect();
    assert_eq!(sink.ends, want);
    assert!(
        sink.late.is_empty(),
        "data after its checkpoint: {:?}",
        sink.late
    );
    assert!(!sink.inner.spikes[0].is_empty() && !sink.inner.samples[0].is_empty());
}

/// A network grown between runs (NEST's `Create` and `Connect` after `Simulate`): the new
/// connection carries the spikes delivered after it was made — including those of the slice
/// just before it, which are delivered at the start of the next run, as in NEST — and nothing
/// from before; changed state and device parameters act from the next step; the result does
/// not depend on the thread count.
fn grown(threads: usize) -> (Vec<f64>, Vec<f64>, Collect) {
    let mut b = NetworkBuilder::new(TimeGrid::from_resolution_ms(0.1).unwrap(), 1);
    let a = b
        .add_neurons(
            Box::new(Probe {
                fire_at: vec![3, 12],
                multiplicity: 1,
            }),
            3,
        )
        .unwrap();
    let c = b
        .add_neurons(
            Box::new(Probe {
                fire_at: vec![],
                multiplicity: 1,
            }),
            4,
        )
        .unwrap();
    for i in 0..3 {
        for j in 0..4 {
            b.connect(NodeId(a.0 + i), NodeId(c.0 + j), syn(1.0, 2))
                .unwrap();
        }
    }
    let mut sim = b.build(threads).unwrap();
    let mut sink = Collect::default();
    sink.begin(sim.recording_layout()).unwrap();
    sim.run(10, &mut sink).unwrap();

    let net = sim.network_mut();
    let d = net
        .add_neurons(
            Box::new(Probe {
                fire_at: vec![],
                multiplicity: 1,
            }),
            2,
        )
        .unwrap();
    let pulse = net
        .add_stimulus(Box::new(Pulse {
            stamp: 11,
            kind: EventKind::Spike,
        }))
        .unwrap();
    let rec = net
        .add_spike_recorder(SpikeRecorderSpec {
            window: Window::ALWAYS,
        })
        .unwrap();
    for i in 0..3 {
        net.connect(NodeId(a.0 + i), NodeId(d.0), syn(7.0, 2))
            .unwrap();
        net.connect(NodeId(a.0 + i), rec, syn(1.0, 2)).unwrap();
    }
    net.connect(pulse, NodeId(d.0 + 1), syn(0.25, 2)).unwrap();
    // NEST: "Minimum and maximum delay cannot be changed after Simulate has been called."
    let err = net
        .connect(NodeId(a.0), NodeId(d.0), syn(1.0, 3))
        .unwrap_err();
    assert!(err.to_string().starts_with("BadDelay"), "{err}");
    let mut stamp = Params::new();
    stamp.insert("stamp", Value::Int(14));
    sim.set_device_status(pulse, &mut stamp).unwrap();
    let mut total = Params::new();
    total.insert("total", Value::Float(100.0));
    sim.set_neuron_status(NodeId(c.0), &mut total).unwrap();
    assert_eq!(
        sim.neuron_status(NodeId(c.0)).unwrap().get("total"),
        Some(&Value::Float(100.0))
    );
    sim.run(10, &mut sink).unwrap();
    let totals = |first: u32, n: u32| -> Vec<f64> {
        (0..n)
            .map(|k| sim.recordable_value(NodeId(first + k), 2).unwrap())
            .collect()
    };
    (totals(c.0, 4), totals(d.0, 2), sink)
}

#[test]
fn a_network_grows_and_changes_between_runs() {
    let (c, d, sink) = grown(1);
    // C got both volleys of the three A neurons (3 × 1.0 each); C[0]'s total was set to 100
    // between them.
    assert_eq!(c, vec![103.0, 6.0, 6.0, 6.0]);
    // D[0]: only the volley stamped 13 (3 × 7.0); D[1]: the pulse, moved to stamp 14, with
    // weight 0.25 × factor 2.
    assert_eq!(d, vec![21.0, 0.5]);
    // The recorder created after the first run sees the second volley only.
    assert_eq!(sink.spikes.len(), 1);
    let times: Vec<f64> = sink.spikes[0].iter().map(|s| s.0).collect();
    assert_eq!(times, vec![1.3, 1.3, 1.3]);
    for threads in [2, 3] {
        let (c2, d2, sink2) = grown(threads);
        assert_eq!((c2, d2), (c.clone(), d.clone()), "threads = {threads}");
        assert_eq!(sink2, sink, "threads = {threads}");
    }
}
