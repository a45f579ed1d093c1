//! Contract: a `[[connect]]` entry with `sources` and `targets` (NEST's `connect_arrays`)
//! connects `sources[i]` to `targets[i]` for every `i` — ids repeated, in any order, autapses
//! included — with the `syn` lists' weight, delay and receptor of position `i`; the result
//! does not depend on the thread count; bad entries are refused naming the key and value.

use spindle::core::{NodeId, Step};
use spindle::{Network, RunOptions, Scenario};

const NODES: &str = r#"
[kernel]
resolution = 0.1

[[nodes]]
name = "a"
model = "iaf_psc_alpha"
n = 4

[[nodes]]
name = "b"
model = "iaf_psc_exp_multisynapse"
n = 2
params = { tau_syn = [2.0, 5.0] }
"#;

fn scenario(connect: &str) -> String {
    format!("{NODES}\n[[connect]]\n{connect}\n\n[simulate]\ntime = 10.0\n")
}

fn build(text: &str, threads: usize) -> Result<Network, spindle::Error> {
    let scenario = Scenario::parse(text, None)?;
    let opts = RunOptions {
        threads: Some(threads),
        seed: None,
    };
    Network::build(&scenario, &opts)
}

#[test]
fn pairs_are_connected_in_order_with_their_values() {
    let text = scenario(
        "sources = [3, 1, 1, 4, 2, 2]\ntargets = [1, 2, 2, 4, 5, 6]\n\
         syn = { weight = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], delay = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0], receptor_type = [0, 0, 0, 0, 1, 2] }",
    );
    let one = build(&text, 1).unwrap();
    let three = build(&text, 3).unwrap();
    let all = one.simulation.connections();
    assert_eq!(all, three.simulation.connections());
    let got: Vec<(u32, u32, f64, Step)> = all
        .iter()
        .map(|c| {
            let s = c.synapse.expect("neuron to neuron");
            (c.source.0, c.target.0, s.weight, s.delay)
        })
        .collect();
    // By source, then in the order given (NEST's GetConnections order).
    assert_eq!(
        got,
        vec![
            (1, 2, 2.0, 6),
            (1, 2, 3.0, 7),
            (2, 5, 5.0, 9),
            (2, 6, 6.0, 10),
            (3, 1, 1.0, 5),
            (4, 4, 4.0, 8),
        ]
    );
    assert!(all
        .iter()
        .any(|c| c.source == NodeId(4) && c.target == NodeId(4)));
}

#[test]
fn bad_entries_are_refused_naming_the_key() {
    let cases = [
        ("sources = [1, 2]\ntargets = [3]", "same length"),
        (
            "sources = [1, 9]\ntargets = [3, 4]",
            "sources: node with id 9",
        ),
        ("sources = [1]\ntargets = [0]", "targets: node with id 0"),
        (
            "sources = [1]\ntargets = [2]\nconn = { rule = \"all_to_all\" }",
            "conn.rule",
        ),
        ("sources = [1]\npost = \"a\"", "either pre and post"),
        (
            "sources = [1, 2]\ntargets = [3, 4]\nsyn = { weight = [1.0] }",
            "weight",
        ),
    ];
    for (connect, needle) in cases {
        let e = match build(&scenario(connect), 1) {
            Ok(_) => panic!("{connect}: accepted"),
            Err(e) => e.to_string(),
        };
        assert!(e.contains(needle), "{connect}: {e}");
    }
}
