//! Contract: plastic synapses give NEST 3.10's final weights (to 1e-9 relative), synapse state
//! (`Kplus`, `Kplus_triplet`, `u`, `x`, `y`, `a`, `c`, `n`) and spikes on the same steps, after every chunk of a chunked run, for any thread
//! count. The golden files `tests/data/<stem>.synapses.json` come from
//! `scripts/synapse_golden.py` (NEST 3.10.0) on `tests/scenarios/<stem>.toml`.

mod common;

use serde_json::Value as Json;
use spindle::io::MemorySink;
use spindle::{Network, RunOptions, Scenario};
use spindle_core::params::Value;

/// The synapse state compared beside the weight.
const STATE_KEYS: [&str; 8] = ["Kplus", "Kplus_triplet", "u", "x", "y", "a", "c", "n"];

/// (source, target, synapse model, weight, delay ms, state values by `STATE_KEYS`, NaN where
/// the model has no such key) of every non-static synapse.
type Row = (u32, u32, String, f64, f64, [f64; 8]);

fn sorted(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort_by(|a, b| {
        (a.0, a.1, &a.2)
            .cmp(&(b.0, b.1, &b.2))
            .then(a.4.total_cmp(&b.4))
    });
    rows
}

fn plastic_rows(net: &mut Network) -> Vec<Row> {
    let sim = &net.simulation;
    let mut rows = Vec::new();
    for r in sim.synapses() {
        let (Some(id), Some(info)) = (r.id, r.connection.synapse) else {
            continue;
        };
        let model = sim.synapse_model(id).expect("a synapse");
        if model == "static_synapse" {
            continue;
        }
        let status = sim.synapse_state(id);
        let state = STATE_KEYS.map(|k| match status.get(k) {
            Some(Value::Float(v)) => *v,
            Some(Value::Int(v)) => *v as f64,
            _ => f64::NAN,
        });
        rows.push((
            r.connection.source.0,
            r.connection.target.0,
            model.to_string(),
            info.weight,
            info.delay as f64 * sim.grid().ms_per_step(),
            state,
        ));
    }
    sorted(rows)
}

fn golden_rows(chunk: &Json) -> Vec<Row> {
    let rows = chunk
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r[0].as_u64().unwrap() as u32,
                r[1].as_u64().unwrap() as u32,
                r[2].as_str().unwrap().to_string(),
                r[3].as_f64().unwrap(),
                r[4].as_f64().unwrap(),
                STATE_KEYS.map(|k| r[5].get(k).and_then(Json::as_f64).unwrap_or(f64::NAN)),
            )
        })
        .collect();
    sorted(rows)
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn check(stem: &str, threads: usize) {
    let root = common::root();
    let scenario = Scenario::load(&root.join(format!("tests/scenarios/{stem}.toml")))
        .expect("the scenario parses");
    let text = std::fs::read_to_string(root.join(format!("tests/data/{stem}.synapses.json")))
        .expect("golden data (scripts/synapse_golden.py)");
    let golden: Json = serde_json::from_str(&text).expect("json");
    let opts = RunOptions {
        threads: Some(threads),
        seed: None,
    };
    let mut net = Network::build(&scenario, &opts).expect("the scenario builds");
    let mut sink = MemorySink::with_names(net.recorder_names());
    net.simulation.begin_recording(&mut sink).expect("begin");
    let chunks = net.chunks.clone();
    for (k, &steps) in chunks.iter().enumerate() {
        net.simulation
            .run(steps, &mut sink)
            .expect("the run succeeds");
        let got = plastic_rows(&mut net);
        let want = golden_rows(&golden["chunks"][k]);
        assert_eq!(got.len(), want.len(), "{stem}: chunk {k}: synapse count");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!((g.0, g.1, &g.2), (w.0, w.1, &w.2), "{stem}: chunk {k}");
            assert!(
                close(g.3, w.3)
                    && close(g.4, w.4)
                    && g.5
                        .iter()
                        .zip(&w.5)
                        .all(|(a, b)| close(*a, *b) || a.is_nan() && b.is_nan()),
                "{stem} ({threads} threads): chunk {k}: {g:?} but NEST has {w:?}"
            );
        }
    }
    let rec = sink.recording;
    for sr in &rec.spike_recorders {
        let want = &golden["spikes"][sr.name.as_str()];
        let senders: Vec<u64> = want["senders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        let steps: Vec<i64> = want["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        let h = scenario.kernel.resolution;
        let mut got: Vec<(i64, u64)> = sr
            .times
            .iter()
            .zip(&sr.senders)
            .map(|(&t, &s)| ((t / h).round() as i64, s as u64))
            .collect();
        let mut want: Vec<(i64, u64)> = steps.into_iter().zip(senders).collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(
            got, want,
            "{stem} ({threads} threads): spikes of {}",
            sr.name
        );
    }
}

#[test]
fn stdp_synapses_match_nest() {
    for threads in [1, 2, 3] {
        check("stdp_synapses", threads);
    }
}

#[test]
fn stdp_synapses_at_001_match_nest() {
    for threads in [1, 3] {
        check("stdp_synapses_001", threads);
    }
}

#[test]
fn more_synapse_models_match_nest() {
    for threads in [1, 2, 3] {
        check("synapse_models", threads);
    }
}

#[test]
fn random_synapses_where_deterministic_match_nest() {
    for threads in [1, 2, 3] {
        check("random_synapse_limits", threads);
    }
}

/// `stdp_dopamine_synapse` with two `volume_transmitter`s (delivery every 1 and 3 min-delays,
/// then 2 and 5 at a min delay of 2 ms): the eligibility and dopamine traces and the weights
/// after every chunk, and the spikes, for any thread count.
#[test]
fn stdp_dopamine_synapse_matches_nest() {
    for stem in ["stdp_dopamine", "stdp_dopamine_md2"] {
        for threads in [1, 2, 3] {
            check(stem, threads);
        }
    }
}

/// Ranks as threads of one process: every collective through shared slots and a barrier
/// (what `spindle-mpi` does with MPI), so that `Network::build_distributed` runs here.
#[derive(Debug)]
struct ThreadRanks {
    rank: usize,
    shared: std::sync::Arc<(std::sync::Barrier, std::sync::Mutex<Vec<Vec<u64>>>)>,
}

impl ThreadRanks {
    fn world(size: usize) -> Vec<ThreadRanks> {
        let shared = std::sync::Arc::new((
            std::sync::Barrier::new(size),
            std::sync::Mutex::new(vec![Vec::new(); size]),
        ));
        (0..size)
            .map(|rank| ThreadRanks {
                rank,
                shared: shared.clone(),
            })
            .collect()
    }

    fn exchange(&self, local: &[u64]) -> Vec<Vec<u64>> {
        let (barrier, slots) = &*self.shared;
        slots.lock().unwrap()[self.rank] = local.to_vec();
        barrier.wait();
        let all = slots.lock().unwrap().clone();
        barrier.wait();
        all
    }
}

impl spindle_core::comm::Communicator for ThreadRanks {
    fn rank(&self) -> usize {
        self.rank
    }
    fn size(&self) -> usize {
        self.shared.1.lock().unwrap().len()
    }
    fn all_gather(&self, local: &[u64]) -> Vec<u64> {
        self.exchange(local).concat()
    }
    fn gather_to_root(&self, local: &[u64]) -> Option<Vec<Vec<u64>>> {
        let all = self.exchange(local);
        (self.rank == 0).then_some(all)
    }
    fn sum(&self, x: u64) -> u64 {
        self.exchange(&[x]).iter().map(|w| w[0]).sum()
    }
    fn min(&self, x: i64) -> i64 {
        let all = self.exchange(&[x as u64]);
        all.iter().map(|w| w[0] as i64).min().unwrap()
    }
    fn max(&self, x: i64) -> i64 {
        let all = self.exchange(&[x as u64]);
        all.iter().map(|w| w[0] as i64).max().unwrap()
    }
    fn barrier(&self) {
        self.shared.0.wait();
    }
    fn abort(&self, code: i32) -> ! {
        panic!("rank {} aborted with {code}", self.rank)
    }
}

/// As [`check`] on `ranks` ranks of one thread each (`Simulation::new_distributed`): every
/// rank keeps the volume transmitters' histories from the all-gathered spikes, so the
/// synapses of all ranks together end as NEST's.
fn check_distributed(stem: &str, ranks: usize) {
    let root = common::root();
    let scenario = Scenario::load(&root.join(format!("tests/scenarios/{stem}.toml")))
        .expect("the scenario parses");
    let text = std::fs::read_to_string(root.join(format!("tests/data/{stem}.synapses.json")))
        .expect("golden data (scripts/synapse_golden.py)");
    let golden: Json = serde_json::from_str(&text).expect("json");
    let per_rank: Vec<Vec<Vec<Row>>> = std::thread::scope(|s| {
        let handles: Vec<_> = ThreadRanks::world(ranks)
            .into_iter()
            .map(|comm| {
                let scenario = &scenario;
                s.spawn(move || {
                    let opts = RunOptions {
                        threads: Some(1),
                        seed: None,
                    };
                    let mut net = Network::build_distributed(
                        scenario,
                        &opts,
                        &spindle::MemoryLimit::Available,
                        std::sync::Arc::new(comm),
                    )
                    .expect("the scenario builds");
                    let mut sink = MemorySink::with_names(net.recorder_names());
                    net.simulation.begin_recording(&mut sink).expect("begin");
                    let chunks = net.chunks.clone();
                    chunks
                        .iter()
                        .map(|&steps| {
                            net.simulation.run(steps, &mut sink).expect("the run");
                            plastic_rows(&mut net)
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for k in 0..per_rank[0].len() {
        // Each rank holds the synapses onto its own neurons, none of another's.
        let holding = per_rank.iter().filter(|r| !r[k].is_empty()).count();
        assert!(
            holding >= 2,
            "{stem}: the synapses are not spread over the ranks"
        );
        let got = sorted(per_rank.iter().flat_map(|r| r[k].clone()).collect());
        let want = golden_rows(&golden["chunks"][k]);
        assert_eq!(got.len(), want.len(), "{stem}: chunk {k}: synapse count");
        for (g, w) in got.iter().zip(&want) {
            assert!(
                (g.0, g.1, &g.2) == (w.0, w.1, &w.2)
                    && close(g.3, w.3)
                    && g.5
                        .iter()
                        .zip(&w.5)
                        .all(|(a, b)| close(*a, *b) || a.is_nan() && b.is_nan()),
                "{stem} ({ranks} ranks): chunk {k}: {g:?} but NEST has {w:?}"
            );
        }
    }
}

#[test]
fn stdp_dopamine_synapse_matches_nest_on_two_ranks() {
    check_distributed("stdp_dopamine", 2);
    check_distributed("stdp_dopamine_md2", 3);
}
