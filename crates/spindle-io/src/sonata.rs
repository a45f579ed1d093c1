//! SONATA spike output: which populations get one, and how each slice's spikes become theirs.
//!
//! A population is a `[[nodes]]` entry with at least one neuron connected to a spike recorder.
//! Its spikes are those its recorders recorded, with node ids counted from 0 within the entry,
//! sorted by time (then node id). When several recorders record the same neuron, each spike
//! appears as often as in the recorder that holds it most often (recorders with different
//! activity windows overlap; a spike of multiplicity m appears m times), so a neuron recorded
//! twice does not spike twice. The HDF5 side lives in `hdf5_file.rs`.

use crate::NodeEntry;
use spindle_core::recording::RecordingLayout;

/// A SONATA population: a `[[nodes]]` entry and the spike recorders that record it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Population {
    pub name: String,
    pub first_id: u32,
    pub count: u32,
    /// Indices (into the layout) of the recorders with a neuron of this entry, ascending.
    pub recorders: Vec<usize>,
}

impl Population {
    fn contains(&self, id: u32) -> bool {
        id >= self.first_id && u64::from(id) < u64::from(self.first_id) + u64::from(self.count)
    }
}

/// The populations of a run, in `[[nodes]]` order.
pub(crate) fn populations(nodes: &[NodeEntry], layout: &RecordingLayout) -> Vec<Population> {
    nodes
        .iter()
        .filter_map(|e| {
            let recorders: Vec<usize> = layout
                .spike_recorders
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    // The neurons are ascending: the first at or after the entry's first id.
                    let i = r.neurons.partition_point(|n| n.0 < e.first_id);
                    r.neurons.get(i).is_some_and(|n| e.contains(n.0))
                })
                .map(|(i, _)| i)
                .collect();
            (!recorders.is_empty()).then(|| Population {
                name: e.name.clone(),
                first_id: e.first_id,
                count: e.count,
                recorders,
            })
        })
        .collect()
}

/// Append the spikes of `pop` from one slice to `times` / `node_ids`. `slice[r]` holds the
/// (time, sender) pairs recorder `r` received in the slice, sorted by (time, sender).
pub(crate) fn merge_slice(
    pop: &Population,
    slice: &[Vec<(f64, u32)>],
    times: &mut Vec<f64>,
    node_ids: &mut Vec<u64>,
) {
    if let [only] = pop.recorders.as_slice() {
        for &(t, s) in slice[*only].iter().filter(|(_, s)| pop.contains(*s)) {
            times.push(t);
            node_ids.push(u64::from(s - pop.first_id));
        }
        return;
    }
    // (time, sender, count) runs of every recorder, then the largest count of each pair.
    let mut runs: Vec<(f64, u32, usize)> = Vec::new();
    for &r in &pop.recorders {
        let first_run = runs.len();
        for &(t, s) in slice[r].iter().filter(|(_, s)| pop.contains(*s)) {
            match runs[first_run..].last_mut() {
                Some(last) if last.0 == t && last.1 == s => last.2 += 1,
                _ => runs.push((t, s, 1)),
            }
        }
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
    runs.dedup_by(|later, first| later.0 == first.0 && later.1 == first.1);
    for (t, s, n) in runs {
        for _ in 0..n {
            times.push(t);
            node_ids.push(u64::from(s - pop.first_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spindle_core::recording::SpikeRecorderInfo;
    use spindle_core::NodeId;

    fn entry(name: &str, first_id: u32, count: u32) -> NodeEntry {
        NodeEntry {
            name: name.into(),
            model: "iaf_psc_alpha".into(),
            first_id,
            count,
        }
    }

    fn recorder(id: u32, neurons: &[u32]) -> SpikeRecorderInfo {
        SpikeRecorderInfo {
            id: NodeId(id),
            neurons: neurons.iter().map(|&n| NodeId(n)).collect(),
        }
    }

    #[test]
    fn entries_with_a_recorded_neuron_are_populations() {
        let nodes = [
            entry("exc", 1, 4),
            entry("inh", 5, 2),
            entry("silent", 7, 3),
            entry("sr", 10, 1),
            entry("sr2", 11, 1),
        ];
        let layout = RecordingLayout {
            detectors: Vec::new(),
            weight_recorders: Vec::new(),
            spike_recorders: vec![recorder(10, &[2, 6]), recorder(11, &[3])],
            multimeters: Vec::new(),
        };
        let pops = populations(&nodes, &layout);
        let names: Vec<(&str, Vec<usize>)> = pops
            .iter()
            .map(|p| (p.name.as_str(), p.recorders.clone()))
            .collect();
        assert_eq!(names, [("exc", vec![0, 1]), ("inh", vec![0])]);
    }

    #[test]
    fn a_slice_becomes_zero_based_ids_sorted_by_time_each_spike_once() {
        let pop = Population {
            name: "exc".into(),
            first_id: 3,
            count: 3,
            recorders: vec![0, 2],
        };
        // Recorder 0 sees neurons 3 and 4 (4 with multiplicity 2 at 1.0) and neuron 9 of
        // another entry; recorder 2 sees 4 and 5, but only from 1.0 on (its window).
        let slice = vec![
            vec![(0.5, 3), (0.5, 9), (1.0, 4), (1.0, 4)],
            vec![(0.5, 3)],
            vec![(1.0, 4), (1.0, 4), (1.0, 5)],
        ];
        let (mut t, mut ids) = (Vec::new(), Vec::new());
        merge_slice(&pop, &slice, &mut t, &mut ids);
        assert_eq!(t, [0.5, 1.0, 1.0, 1.0]);
        assert_eq!(ids, [0, 1, 1, 2]);

        // One recorder: passed through, filtered.
        let one = Population {
            recorders: vec![0],
            ..pop
        };
        merge_slice(&one, &slice, &mut t, &mut ids);
        assert_eq!(&t[4..], [0.5, 1.0, 1.0]);
        assert_eq!(&ids[4..], [0, 1, 1]);
    }
}
