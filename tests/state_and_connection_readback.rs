//! Contract: what a front end reads back from a built network — every connection
//! (`Simulation::connections`, NEST's `GetConnections`) and a neuron's state
//! (`Simulation::recordable_value`, NEST's `GetStatus`) — is complete and does not depend on
//! the number of threads.

use spindle::core::{ConnectionInfo, NodeId};
use spindle::{Network, RunOptions, Scenario};

const SCENARIO: &str = r#"
[kernel]
resolution = 0.1
seed = 5

[[nodes]]
name = "a"
model = "iaf_psc_alpha"
n = 7
params = { I_e = 400.0 }

[[nodes]]
name = "b"
model = "iaf_psc_exp"
n = 5

[[nodes]]
name = "dc"
model = "dc_generator"
params = { amplitude = 100.0 }

[[nodes]]
name = "mm"
model = "multimeter"
params = { record_from = ["V_m"] }

[[nodes]]
name = "sr"
model = "spike_recorder"

[[connect]]
pre = "a"
post = "b"
conn = { rule = "fixed_indegree", indegree = 3 }
syn = { weight = { distribution = "uniform", low = 1.0, high = 2.0 }, delay = 1.5 }

[[connect]]
pre = "b"
post = "a"
syn = { weight = 2.0 }

[[connect]]
pre = "dc"
post = "b"

[[connect]]
pre = "mm"
post = "b"

[[connect]]
pre = ["a", "b"]
post = "sr"

[simulate]
time = 50.0
"#;

fn build(threads: usize) -> Network {
    let scenario = Scenario::parse(SCENARIO, None).unwrap();
    let opts = RunOptions {
        threads: Some(threads),
        seed: None,
    };
    Network::build(&scenario, &opts).unwrap()
}

#[test]
fn every_connection_is_listed_with_its_synapse() {
    let net = build(2);
    let all: Vec<ConnectionInfo> = net.simulation.connections();
    // 5·3 fixed indegree + 5·7 all to all + 5 dc + 5 multimeter + 12 recorder inputs.
    assert_eq!(all.len(), 15 + 35 + 5 + 5 + 12);
    assert_eq!(all.len(), net.simulation.connection_count());
    let sorted = all
        .windows(2)
        .all(|w| (w[0].source, w[0].target) <= (w[1].source, w[1].target));
    assert!(sorted);
    let into = |s: u32, t: u32| {
        all.iter()
            .filter(|c| c.source == NodeId(s) && c.target == NodeId(t))
            .count()
    };
    assert_eq!(into(8, 1), 1); // b → a, all to all
    assert_eq!(into(13, 8), 1); // dc → b
    assert_eq!(into(14, 12), 1); // multimeter → b
    assert_eq!(into(1, 15), 1); // a → spike recorder
    for c in all
        .iter()
        .filter(|c| c.source.0 <= 7 && (8..=12).contains(&c.target.0))
    {
        let s = c
            .synapse
            .expect("neuron → neuron synapses carry weight and delay");
        assert!((1.0..2.0).contains(&s.weight) && s.delay == 15, "{c:?}");
    }
    assert!(all
        .iter()
        .filter(|c| c.target.0 == 15 || c.source.0 == 14)
        .all(|c| c.synapse.is_none()));
}

#[test]
fn readback_does_not_depend_on_threads() {
    let mut one = build(1);
    let mut three = build(3);
    assert_eq!(one.simulation.connections(), three.simulation.connections());
    for net in [&mut one, &mut three] {
        net.simulation
            .run(500, &mut spindle::core::recording::NullSink)
            .unwrap();
    }
    for id in 1..=12 {
        let (a, b) = (
            one.simulation.recordable_value(NodeId(id), 0),
            three.simulation.recordable_value(NodeId(id), 0),
        );
        assert!(
            a.is_some() && a.map(f64::to_bits) == b.map(f64::to_bits),
            "node {id}"
        );
    }
    assert_eq!(one.simulation.recordable_value(NodeId(13), 0), None); // a device
}
