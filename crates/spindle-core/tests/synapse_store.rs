//! The synapse store as NEST users see it: weights listed as given (synapse space) while
//! delivery adds what the target model takes, per-connection parameter arrays, changing a
//! synapse between runs, and disconnecting — each independent of the thread count.
//!
//! The probe model routes as NEST's `iaf_cond_exp` does (weight > 0: channel 0 gets w,
//! otherwise channel 1 gets −w) and sums what each channel received, so the expected input is
//! a closed form of the listed synapses.

use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::parameter::Parameter;
use spindle_core::params::{ParamError, Params};
use spindle_core::recording::NullSink;
use spindle_core::rules::{ConnSpec, NodeSet, Rule, SynArrays, SynSpec};
use spindle_core::simulation::SynapseId;
use spindle_core::{ConnectionInfo, NetworkBuilder, NodeId, Simulation, Step, Synapse, TimeGrid};
use std::sync::Arc;

/// Fires at the steps listed; sums its input per channel.
#[derive(Debug, Clone)]
struct Split {
    fire_at: Vec<Step>,
}

struct SplitChunk {
    fire_at: Vec<Step>,
    /// [channel][neuron]: everything received so far.
    got: [Vec<f64>; 2],
}

impl NeuronModel for Split {
    fn model_name(&self) -> &str {
        "split"
    }
    fn n_channels(&self) -> usize {
        2
    }
    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        if receptor != 0 {
            return Err(Rejection::new("UnknownReceptorType", "port"));
        }
        Ok(if weight > 0.0 {
            InputChannel { channel: 0, weight }
        } else {
            InputChannel {
                channel: 1,
                weight: -weight,
            }
        })
    }
    fn current_input(&self, _r: i64, _w: f64) -> Result<InputChannel, Rejection> {
        Err(Rejection::new("IllegalConnection", "no currents"))
    }
    fn recordables(&self) -> Vec<Recordable> {
        vec![Recordable::new("ex", "nS"), Recordable::new("in", "nS")]
    }
    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(SplitChunk {
            fire_at: self.fire_at.clone(),
            got: [vec![0.0; n], vec![0.0; n]],
        })
    }
}

impl NeuronChunk for SplitChunk {
    fn len(&self) -> usize {
        self.got[0].len()
    }
    fn prepare(&mut self, _grid: &TimeGrid) {}
    fn update(&mut self, step: Step, input: &[f64], emitted: &mut Emitted) {
        let n = self.len();
        for i in 0..n {
            self.got[0][i] += input[i];
            self.got[1][i] += input[n + i];
            if self.fire_at.contains(&step) {
                emitted.push((i as u32, 1));
            }
        }
    }
    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        self.got[index][neuron]
    }
    fn get_status(&self, _neuron: usize) -> Params {
        Params::new()
    }
    fn set_status(&mut self, _neuron: usize, _dict: &mut Params) -> Result<(), ParamError> {
        Ok(())
    }
}

fn grid() -> TimeGrid {
    TimeGrid::from_resolution_ms(0.1).unwrap()
}

fn set(first: NodeId, n: u32) -> NodeSet {
    let mut s = NodeSet::new();
    s.push_range(first.0, n);
    s
}

fn conn(rule: Rule, autapses: bool) -> ConnSpec {
    ConnSpec {
        rule,
        allow_autapses: autapses,
        allow_multapses: true,
        make_symmetric: false,
    }
}

fn syn(weight: Parameter) -> SynSpec {
    SynSpec {
        weight,
        delay_ms: Parameter::Constant(1.0),
        receptor: 0,
        receptor_drawn: None,
        model: None,
    }
}

/// Sources that fire at steps 0, 20 and 45, targets that never fire.
fn builder() -> (NetworkBuilder, NodeId, NodeId) {
    let mut b = NetworkBuilder::new(grid(), 7);
    let pre = b
        .add_neurons(
            Box::new(Split {
                fire_at: vec![0, 20, 45],
            }),
            4,
        )
        .unwrap();
    let post = b
        .add_neurons(Box::new(Split { fire_at: vec![] }), 5)
        .unwrap();
    (b, pre, post)
}

/// Per target: (channel 0, channel 1) received so far.
fn received(sim: &Simulation, post: NodeId) -> Vec<(f64, f64)> {
    (0..5)
        .map(|i| {
            let id = NodeId(post.0 + i);
            (
                sim.recordable_value(id, 0).unwrap(),
                sim.recordable_value(id, 1).unwrap(),
            )
        })
        .collect()
}

/// What the listed synapses into `post` deliver per spike, as the model takes it.
fn expected(all: &[ConnectionInfo], post: NodeId, spikes: f64) -> Vec<(f64, f64)> {
    let mut out = vec![(0.0, 0.0); 5];
    for c in all.iter().filter(|c| c.target.0 >= post.0) {
        let w = c.synapse.unwrap().weight;
        let slot = &mut out[(c.target.0 - post.0) as usize];
        if w > 0.0 {
            slot.0 += w * spikes;
        } else {
            slot.1 += -w * spikes;
        }
    }
    out
}

fn close(a: &[(f64, f64)], b: &[(f64, f64)]) -> bool {
    a.iter().zip(b).all(|(x, y)| {
        (x.0 - y.0).abs() < 1e-9 * (1.0 + y.0) && (x.1 - y.1).abs() < 1e-9 * (1.0 + y.1)
    })
}

#[test]
fn weights_are_listed_as_given_and_delivered_as_the_model_takes_them() {
    for threads in [1, 2, 3] {
        let (mut b, pre, post) = builder();
        b.connect(
            pre,
            post,
            Synapse {
                weight: -2.5,
                delay: 10,
                receptor: 0,
            },
        )
        .unwrap();
        b.connect_rule(
            set(pre, 4),
            set(post, 5),
            conn(Rule::AllToAll, true),
            syn(Parameter::Constant(1.5)),
        )
        .unwrap();
        let mut sim = b.build(threads).unwrap();
        let all = sim.connections();
        let first = all
            .iter()
            .find(|c| c.source == pre && c.target == post)
            .unwrap();
        let s = first.synapse.unwrap();
        assert_eq!((s.weight, s.channel, s.receptor), (-2.5, 1, 0));
        sim.run(20, &mut NullSink).unwrap();
        assert!(
            close(&received(&sim, post), &expected(&all, post, 1.0)),
            "{threads} threads"
        );
    }
}

#[test]
fn wide_stores_keep_given_weights_and_deliver_transformed_ones() {
    // 300 × 300 all-to-all with uniform weights: more distinct kinds than a compact store
    // holds, so the store keeps weights in full.
    let mut listings = Vec::new();
    for threads in [1, 2, 3] {
        let mut b = NetworkBuilder::new(grid(), 3);
        let pre = b
            .add_neurons(Box::new(Split { fire_at: vec![0] }), 300)
            .unwrap();
        b.connect_rule(
            set(pre, 300),
            set(pre, 300),
            conn(Rule::AllToAll, true),
            syn(Parameter::Uniform {
                min: -1.0,
                max: 1.0,
            }),
        )
        .unwrap();
        let mut sim = b.build(threads).unwrap();
        let all = sim.connections();
        assert!(all.iter().any(|c| c.synapse.unwrap().weight < 0.0));
        sim.run(20, &mut NullSink).unwrap();
        for t in (0..300).step_by(37) {
            let (mut ex, mut inh) = (0.0, 0.0);
            for c in all.iter().filter(|c| c.target.0 == pre.0 + t) {
                let w = c.synapse.unwrap().weight;
                if w > 0.0 {
                    ex += w
                } else {
                    inh -= w
                }
            }
            let id = NodeId(pre.0 + t);
            assert!((sim.recordable_value(id, 0).unwrap() - ex).abs() < 1e-9);
            assert!((sim.recordable_value(id, 1).unwrap() - inh).abs() < 1e-9);
        }
        listings.push(all);
    }
    assert_eq!(listings[0], listings[1]);
    assert_eq!(listings[0], listings[2]);
}

#[test]
fn parameter_arrays_land_in_nests_order_for_any_thread_count() {
    let mut listings = Vec::new();
    for threads in [1, 2, 3] {
        let mut b = NetworkBuilder::new(grid(), 5);
        let a = b
            .add_neurons(Box::new(Split { fire_at: vec![] }), 3)
            .unwrap();
        // all_to_all without autapses: values are (target row, source column); the skipped
        // autapses skip their values.
        let w: Vec<f64> = (0..9).map(f64::from).collect();
        let arrays = SynArrays {
            weight: Some(Arc::from(w)),
            delay_ms: Some(Arc::from(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])),
            receptor: None,
        };
        b.connect_rule_arrays(
            set(a, 3),
            set(a, 3),
            conn(Rule::AllToAll, false),
            syn(Parameter::Constant(1.0)),
            arrays,
        )
        .unwrap();
        // fixed_indegree: row t holds the values of target t's connections.
        let arrays = SynArrays {
            weight: Some(Arc::from(vec![10.0, 11.0, 20.0, 21.0, 30.0, 31.0])),
            ..SynArrays::default()
        };
        b.connect_rule_arrays(
            set(a, 3),
            set(a, 3),
            conn(Rule::FixedIndegree(2), true),
            syn(Parameter::Constant(1.0)),
            arrays,
        )
        .unwrap();
        let sim = b.build(threads).unwrap();
        let rows: Vec<_> = sim
            .synapses()
            .iter()
            .map(|r| {
                let c = r.connection;
                let s = c.synapse.unwrap();
                (c.source.0, c.target.0, s.weight, s.delay)
            })
            .collect();
        // NEST 3.10's listing of the all_to_all statement (by source, creation order).
        let first: Vec<_> = rows.iter().filter(|r| r.2 < 10.0).copied().collect();
        let (i1, i2, i3) = (a.0, a.0 + 1, a.0 + 2);
        assert_eq!(
            first,
            vec![
                (i1, i2, 3.0, 40),
                (i1, i3, 6.0, 70),
                (i2, i1, 1.0, 20),
                (i2, i3, 7.0, 80),
                (i3, i1, 2.0, 30),
                (i3, i2, 5.0, 60),
            ]
        );
        for (t, base) in [(i1, 10.0), (i2, 20.0), (i3, 30.0)] {
            let mut got: Vec<f64> = rows
                .iter()
                .filter(|r| r.1 == t && r.2 >= 10.0)
                .map(|r| r.2)
                .collect();
            got.sort_by(f64::total_cmp);
            assert_eq!(got, vec![base, base + 1.0]);
        }
        listings.push(rows);
    }
    assert_eq!(listings[0], listings[1]);
    assert_eq!(listings[0], listings[2]);
}

#[test]
fn array_lengths_and_rules_are_checked() {
    let (mut b, pre, post) = builder();
    let arrays = SynArrays {
        weight: Some(Arc::from(vec![1.0; 19])),
        ..SynArrays::default()
    };
    let e = b
        .connect_rule_arrays(
            set(pre, 4),
            set(post, 5),
            conn(Rule::AllToAll, true),
            syn(Parameter::Constant(1.0)),
            arrays.clone(),
        )
        .unwrap_err();
    assert!(e.to_string().contains("19 values"), "{e}");
    let e = b
        .connect_rule_arrays(
            set(pre, 4),
            set(post, 5),
            conn(Rule::PairwiseBernoulli(0.5), true),
            syn(Parameter::Constant(1.0)),
            arrays,
        )
        .unwrap_err();
    assert_eq!(e.nest_kind(), "TypeError");
    assert!(e.nest_message().starts_with("weight: "), "{e}");
    let bad_delay = SynArrays {
        delay_ms: Some(Arc::from(vec![1.0, 0.01, 1.0, 1.0])),
        ..SynArrays::default()
    };
    let e = b
        .connect_rule_arrays(
            set(pre, 4),
            set(post, 4),
            conn(Rule::OneToOne, true),
            syn(Parameter::Constant(1.0)),
            bad_delay,
        )
        .unwrap_err();
    assert_eq!(e.nest_kind(), "BadDelay");
    assert!(e.nest_message().starts_with("delay = 0.01: "), "{e}");
}

/// One network run in three parts: weights change after the first, a synapse is removed
/// after the second. Returns the listing and the input received, per part.
/// The listing and the input per target after one part of a run.
type Part = (Vec<ConnectionInfo>, Vec<(f64, f64)>);

fn changed_run(threads: usize) -> Vec<Part> {
    let (mut b, pre, post) = builder();
    b.connect_rule(
        set(pre, 4),
        set(post, 5),
        conn(Rule::AllToAll, true),
        syn(Parameter::Constant(1.5)),
    )
    .unwrap();
    let mut sim = b.build(threads).unwrap();
    let mut out = Vec::new();
    sim.run(20, &mut NullSink).unwrap();
    out.push((sim.connections(), received(&sim, post)));
    // Every other synapse of source 1 changes sign (moves to channel 1), all of source 2
    // double; delays stay within the extrema fixed by the first run.
    let ids: Vec<(NodeId, NodeId, SynapseId)> = sim
        .synapses()
        .iter()
        .map(|r| (r.connection.source, r.connection.target, r.id.unwrap()))
        .collect();
    for (k, &(s, _, id)) in ids.iter().enumerate() {
        if s == pre && k % 2 == 0 {
            sim.set_synapse(id, Some(-4.0), None).unwrap();
        } else if s.0 == pre.0 + 1 {
            sim.set_synapse(id, Some(3.0), None).unwrap();
        }
    }
    let e = sim.set_synapse(ids[0].2, None, Some(5.0)).unwrap_err();
    assert_eq!(e.kind, "BadDelay");
    assert!(e.message.starts_with("Delay value 5 is invalid"), "{e}");
    sim.run(20, &mut NullSink).unwrap();
    out.push((sim.connections(), received(&sim, post)));
    let gone = sim.find_synapse(NodeId(pre.0 + 2), post).unwrap();
    sim.disconnect(&[gone]).unwrap();
    assert_eq!(
        sim.disconnect(&[gone]).unwrap_err().kind,
        "InexistentConnection"
    );
    assert!(sim.find_synapse(NodeId(pre.0 + 2), post).is_none());
    sim.run(20, &mut NullSink).unwrap();
    out.push((sim.connections(), received(&sim, post)));
    out
}

#[test]
fn set_and_disconnect_act_from_the_next_delivery_for_any_thread_count() {
    let one = changed_run(1);
    let (_, post) = (builder().1, builder().2);
    // Sources fire at steps 0, 20 and 45 (read at steps 10, 30 and 55): each part sees one
    // spike, through the synapses listed after the changes made before it.
    let after_first = expected(&one[0].0, post, 1.0);
    assert!(close(&one[0].1, &after_first));
    let second = expected(&one[1].0, post, 1.0);
    let total: Vec<(f64, f64)> = after_first
        .iter()
        .zip(&second)
        .map(|(a, b)| (a.0 + b.0, a.1 + b.1))
        .collect();
    assert!(close(&one[1].1, &total));
    assert!(one[1]
        .0
        .iter()
        .any(|c| c.synapse.unwrap().weight == -4.0 && c.synapse.unwrap().channel == 1));
    assert_eq!(one[2].0.len(), one[1].0.len() - 1);
    let third: Vec<(f64, f64)> = total
        .iter()
        .zip(&expected(&one[2].0, post, 1.0))
        .map(|(a, b)| (a.0 + b.0, a.1 + b.1))
        .collect();
    assert!(close(&one[2].1, &third));
    assert!(!close(
        &one[2].1,
        &total
            .iter()
            .zip(&second)
            .map(|(a, b)| (a.0 + b.0, a.1 + b.1))
            .collect::<Vec<_>>()
    ));
    for threads in [2, 3] {
        assert_eq!(changed_run(threads), one, "{threads} threads");
    }
}
