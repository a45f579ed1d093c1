//! A sink that keeps every recording in memory (tests, the Python front end).

use crate::{DetectorData, MultimeterData, Recording, SpikeData, WeightData};
use spindle_core::detector::DetectorResult;
use spindle_core::recording::{RecordSink, RecordingLayout, SampleBlock, SinkError, WeightBlock};
use spindle_core::NodeId;

/// Keeps everything in a [`Recording`]. Recorder names come from `names` (node id → name);
/// unnamed recorders are called after their id.
#[derive(Debug, Default)]
pub struct MemorySink {
    pub recording: Recording,
    names: Vec<(NodeId, String)>,
}

impl MemorySink {
    /// A sink that names recorders by node id → name pairs.
    pub fn with_names(names: Vec<(NodeId, String)>) -> MemorySink {
        MemorySink {
            recording: Recording::default(),
            names,
        }
    }

    fn name_of(&self, id: NodeId) -> String {
        self.names
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| id.to_string())
    }
}

impl MemorySink {
    /// Storage for the recorders of `layout` from the `known`-th spike recorder and
    /// multimeter on.
    fn add_recorders(&mut self, layout: &RecordingLayout, known: (usize, usize)) {
        for r in &layout.spike_recorders[known.0..] {
            let data = SpikeData {
                name: self.name_of(r.id),
                id: r.id.0,
                ..SpikeData::default()
            };
            self.recording.spike_recorders.push(data);
        }
        for m in &layout.multimeters[known.1..] {
            let data = MultimeterData {
                name: self.name_of(m.id),
                id: m.id.0,
                times: Vec::new(),
                senders: m.senders.iter().map(|s| i64::from(s.0)).collect(),
                values: m
                    .record_from
                    .iter()
                    .map(|r| (r.clone(), Vec::new()))
                    .collect(),
            };
            self.recording.multimeters.push(data);
        }
        let known_weights = self.recording.weight_recorders.len();
        for w in layout.weight_recorders.iter().skip(known_weights) {
            let data = WeightData {
                name: self.name_of(w.id),
                id: w.id.0,
                events: WeightBlock::default(),
            };
            self.recording.weight_recorders.push(data);
        }
        let known_detectors = self.recording.detectors.len();
        for d in layout.detectors.iter().skip(known_detectors) {
            let data = DetectorData {
                name: self.name_of(d.id),
                id: d.id.0,
                model: d.model.clone(),
                results: Vec::new(),
            };
            self.recording.detectors.push(data);
        }
    }
}

impl RecordSink for MemorySink {
    fn begin(&mut self, layout: &RecordingLayout) -> Result<(), SinkError> {
        self.recording.spike_recorders.clear();
        self.recording.multimeters.clear();
        self.recording.weight_recorders.clear();
        self.recording.detectors.clear();
        self.add_recorders(layout, (0, 0));
        Ok(())
    }

    fn grow(&mut self, layout: &RecordingLayout, known: (usize, usize)) -> Result<(), SinkError> {
        self.add_recorders(layout, known);
        Ok(())
    }

    fn spikes(&mut self, recorder: usize, times: &[f64], senders: &[u32]) -> Result<(), SinkError> {
        let s = &mut self.recording.spike_recorders[recorder];
        s.times.extend_from_slice(times);
        s.senders.extend(senders.iter().map(|&x| i64::from(x)));
        Ok(())
    }

    fn weights(&mut self, recorder: usize, block: &WeightBlock) -> Result<(), SinkError> {
        self.recording.weight_recorders[recorder]
            .events
            .extend(block);
        Ok(())
    }

    fn detector(&mut self, detector: usize, results: &[DetectorResult]) -> Result<(), SinkError> {
        self.recording.detectors[detector].results = results.to_vec();
        Ok(())
    }

    fn samples(&mut self, multimeter: usize, block: &SampleBlock<'_>) -> Result<(), SinkError> {
        let m = &mut self.recording.multimeters[multimeter];
        m.times.extend_from_slice(block.times);
        for ((_, dst), src) in m.values.iter_mut().zip(block.values) {
            dst.extend_from_slice(src);
        }
        Ok(())
    }
}
