//! Contract: spindle gives NEST 3.10's answers.
//!
//! Every scenario in `tests/scenarios/` is run by spindle and compared with NEST 3.10's output
//! for it in `tests/data/` (written by `scripts/generate_golden.py`, pinned to
//! `nest-simulator==3.10.0`). Where the input is deterministic, spikes must fall on the same
//! steps and every recorded trace must agree to within `TRACE_TOLERANCE`; where Poisson input
//! drives the network, spindle's random streams differ from NEST's by design (one stream per
//! generator → target pair), so only the spike counts are compared, within the Poisson spread.

mod common;

use spindle::io::{read_hdf5, Recording};

/// Largest accepted difference of any trace value (mV, pA, nS) from NEST's.
const TRACE_TOLERANCE: f64 = 1e-6;

enum Compare {
    /// Deterministic input: identical spike steps, traces within tolerance.
    Exact,
    /// Deterministic up to `until` ms (spikes and samples before it compared exactly), Poisson
    /// input after it: each recorded neuron's spike count within the Poisson spread.
    ExactUntil(f64),
    /// Poisson-driven throughout: per recorder, spike counts within the Poisson spread.
    Counts,
}

const CASES: &[(&str, Compare)] = &[
    ("glif_levels_dc", Compare::Exact),
    ("glif_multiport", Compare::Exact),
    ("glif_chunked", Compare::Exact),
    ("glif_resolution_001", Compare::Exact),
    ("parrot_relay", Compare::Exact),
    ("step_current_windows", Compare::Exact),
    ("mixed_models_spike_weights", Compare::Exact),
    ("spike_weights_routing", Compare::Exact),
    ("glif_cond_example_golden", Compare::ExactUntil(600.0)),
    ("poisson_parrot_stats", Compare::Counts),
    ("live_changes", Compare::Exact),
    ("psc_zoo_network", Compare::Exact),
    ("hh_izhikevich_mat_network", Compare::Exact),
    ("devices_deterministic", Compare::Exact),
    ("devices_resolution_001", Compare::Exact),
    ("tics_per_ms_1024", Compare::Exact),
    ("tics_per_ms_16384", Compare::Exact),
    ("correlation_detectors", Compare::Exact),
];

/// Largest accepted difference of a detector's weighted result from NEST's: the sums are
/// NEST's, term for term; only the order of spikes within a slice may differ.
const DETECTOR_TOLERANCE: f64 = 1e-12;

fn nest(stem: &str) -> Recording {
    let path = common::root().join(format!("tests/data/{stem}.h5"));
    read_hdf5(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
        .recording
}

fn spindle(stem: &str) -> Recording {
    common::run_file(&format!("tests/scenarios/{stem}.toml"), 2)
}

/// Spike times as steps of `h`, with senders.
fn spike_steps(times: &[f64], senders: &[i64], h: f64, until: f64) -> Vec<(i64, i64)> {
    times
        .iter()
        .zip(senders)
        .filter(|(&t, _)| t < until)
        .map(|(&t, &s)| ((t / h).round() as i64, s))
        .collect()
}

fn resolution(stem: &str) -> f64 {
    let path = common::root().join(format!("tests/data/{stem}.h5"));
    read_hdf5(&path).unwrap().info.resolution
}

/// Are two counts compatible as draws of Poisson-like variables with similar means?
/// (difference within four standard deviations of the difference, plus 3 for small counts).
fn counts_agree(a: usize, b: usize) -> bool {
    let (a, b) = (a as f64, b as f64);
    (a - b).abs() <= 4.0 * (a + b).sqrt() + 3.0
}

fn compare(stem: &str, how: &Compare) {
    let (want, got) = (nest(stem), spindle(stem));
    let h = resolution(stem);
    let until = match how {
        Compare::Exact => f64::INFINITY,
        Compare::ExactUntil(t) => *t,
        Compare::Counts => f64::NEG_INFINITY,
    };
    assert_eq!(
        want.spike_recorders.len(),
        got.spike_recorders.len(),
        "{stem}: spike recorders"
    );
    for w in &want.spike_recorders {
        let g = got
            .spike_recorder(&w.name)
            .unwrap_or_else(|| panic!("{stem}: no spike recorder {}", w.name));
        let ws = spike_steps(&w.times, &w.senders, h, until);
        let gs = spike_steps(&g.times, &g.senders, h, until);
        assert_eq!(
            gs, ws,
            "{stem}/{}: spikes before {until} ms (steps, senders)",
            w.name
        );
        if until.is_finite() {
            // After `until`, compare each sender's number of spikes.
            let mut senders: Vec<i64> = w.senders.iter().chain(&g.senders).copied().collect();
            senders.sort_unstable();
            senders.dedup();
            let mut total = (0, 0);
            for s in senders {
                let count = |d: &spindle::io::SpikeData| {
                    d.times
                        .iter()
                        .zip(&d.senders)
                        .filter(|(&t, &x)| t >= until && x == s)
                        .count()
                };
                let (a, b) = (count(w), count(g));
                total = (total.0 + a, total.1 + b);
                assert!(
                    counts_agree(a, b),
                    "{stem}/{}: sender {s} fires {b} times after {until} ms, NEST {a}",
                    w.name
                );
            }
            assert!(
                total.0 > 0 || total.1 == 0,
                "{stem}: comparison is not vacuous"
            );
        }
    }
    compare_detectors(stem, &want, &got);
    for w in &want.multimeters {
        let g = got
            .multimeter(&w.name)
            .unwrap_or_else(|| panic!("{stem}: no multimeter {}", w.name));
        assert_eq!(g.senders, w.senders, "{stem}/{}: senders", w.name);
        let rows = w.times.iter().take_while(|&&t| t < until).count();
        assert!(
            g.times.len() >= rows,
            "{stem}/{}: {} samples, NEST has {rows} before {until} ms",
            w.name,
            g.times.len()
        );
        if until.is_infinite() {
            assert_eq!(
                g.times.len(),
                w.times.len(),
                "{stem}/{}: sample count",
                w.name
            );
        }
        for t in 0..rows {
            assert!(
                (g.times[t] - w.times[t]).abs() < h * 1e-6,
                "{stem}/{}: sample {t} at {} ms, NEST {} ms",
                w.name,
                g.times[t],
                w.times[t]
            );
        }
        let n = w.senders.len();
        for (name, wv) in &w.values {
            let gv = g
                .values_of(name)
                .unwrap_or_else(|| panic!("{stem}/{}: {name} not recorded", w.name));
            let mut worst = (0.0f64, 0usize);
            for i in 0..rows * n {
                // A NaN on either side counts as the worst possible difference.
                let d = (gv[i] - wv[i]).abs();
                let d = if d.is_nan() { f64::INFINITY } else { d };
                if d > worst.0 {
                    worst = (d, i);
                }
            }
            assert!(
                worst.0 <= TRACE_TOLERANCE,
                "{stem}/{}: {name} of sender {} at {} ms differs by {:e} (spindle {}, NEST {})",
                w.name,
                w.senders[worst.1 % n.max(1)],
                w.times[worst.1 / n.max(1)],
                worst.0,
                gv[worst.1],
                wv[worst.1]
            );
        }
    }
}

/// Every detector's result: counts equal, weighted sums within [`DETECTOR_TOLERANCE`].
fn compare_detectors(stem: &str, want: &Recording, got: &Recording) {
    use spindle::core::detector::ResultValues;
    assert_eq!(
        want.detectors.len(),
        got.detectors.len(),
        "{stem}: detectors"
    );
    for w in &want.detectors {
        let g = got
            .detector(&w.name)
            .unwrap_or_else(|| panic!("{stem}: no detector {}", w.name));
        for wr in &w.results {
            let gr = g
                .result(wr.name)
                .unwrap_or_else(|| panic!("{stem}/{}: no {}", w.name, wr.name));
            assert_eq!(gr.shape, wr.shape, "{stem}/{}/{}: shape", w.name, wr.name);
            match (&wr.values, &gr.values) {
                (ResultValues::Int(a), ResultValues::Int(b)) => {
                    assert_eq!(b, a, "{stem}/{}/{}", w.name, wr.name)
                }
                (ResultValues::Float(a), ResultValues::Float(b)) => {
                    for (i, (x, y)) in a.iter().zip(b).enumerate() {
                        assert!(
                            (x - y).abs() <= DETECTOR_TOLERANCE,
                            "{stem}/{}/{}[{i}]: spindle {y}, NEST {x}",
                            w.name,
                            wr.name
                        );
                    }
                }
                _ => panic!("{stem}/{}/{}: element type differs", w.name, wr.name),
            }
        }
    }
}

/// The detectors gather spikes from every partition in one order: their results are the same
/// bits for any thread count.
#[test]
fn detectors_do_not_depend_on_the_thread_count() {
    let one = common::run_file("tests/scenarios/correlation_detectors.toml", 1);
    assert!(!one.detectors.is_empty());
    for threads in [2, 3, 5] {
        let other = common::run_file("tests/scenarios/correlation_detectors.toml", threads);
        assert_eq!(other.detectors, one.detectors, "{threads} threads");
    }
}

#[test]
fn every_golden_scenario_is_checked() {
    let dir = common::root().join("tests/scenarios");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let has_data = common::root()
            .join(format!("tests/data/{stem}.h5"))
            .exists();
        if has_data {
            assert!(
                CASES.iter().any(|(s, _)| *s == stem),
                "{stem} has golden data but no entry in CASES"
            );
        }
    }
}

macro_rules! golden {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let stem = stringify!($name);
                let (_, how) = CASES.iter().find(|(s, _)| *s == stem).unwrap();
                compare(stem, how);
            }
        )*
    };
}

golden!(
    glif_levels_dc,
    glif_multiport,
    glif_chunked,
    glif_resolution_001,
    parrot_relay,
    step_current_windows,
    mixed_models_spike_weights,
    spike_weights_routing,
    glif_cond_example_golden,
    poisson_parrot_stats,
    correlation_detectors,
    live_changes,
    psc_zoo_network,
    hh_izhikevich_mat_network,
    devices_deterministic,
    devices_resolution_001,
    tics_per_ms_1024,
    tics_per_ms_16384,
);
