//! Contract: `glif_cond` driven by a constant current reproduces NEST 3.10's deterministic
//! reference numbers of spec §8.1.
//!
//! Scenario: a `dc_generator` of 300 pA, weight 1, delay 1 ms, active from t = 0. Its first event
//! is stamped h (stamp 0 never exists), so with a delay of d steps it lands in the input of step
//! d and drives the neuron from t = h + 1 ms on: `I_in` is 0 for steps 0 … d and 300 pA from step
//! d + 1. Spike times are compared on the grid, V_m and the threshold at the check points to 1e-9
//! mV (the reference values carry 10 decimals).

mod common;

use common::{build, level_params, Drive, LEVELS};

struct Reference {
    level: &'static str,
    /// The first spikes (ms).
    first: &'static [f64],
    /// Total spikes up to 301 ms and the last one (ms).
    count: usize,
    last: f64,
    /// (t, V_m, threshold) check points; threshold NaN where the spec gives none.
    checks: &'static [(f64, f64, f64)],
}

fn dc_drive(level: &str, h: f64) -> Drive {
    let mut d = Drive::new(build("glif_cond", level_params(level)), 1, h);
    d.current(0, 0.0, 400.0, 300.0, 1.0, 1.0, 0);
    d
}

fn check(h: f64, r: &Reference) {
    let mut d = dc_drive(r.level, h);
    let (v_m, thr) = (d.recordable("V_m"), d.recordable("threshold"));
    let mut spikes = Vec::new();
    let mut checks = r.checks.iter().peekable();
    let grid = d.grid;
    d.run_until(301.0, |stamp, chunk, emitted| {
        if !emitted.is_empty() {
            spikes.push(stamp);
        }
        if let Some(&&(t, v, th)) = checks.peek() {
            if grid.ms_on_grid(t) == Some(stamp) {
                let got_v = chunk.recordable(v_m, 0);
                assert!(
                    (got_v - v).abs() < 1e-9,
                    "{} h={h}: V_m({t}) = {got_v}, NEST {v}",
                    r.level
                );
                if !th.is_nan() {
                    let got = chunk.recordable(thr, 0);
                    assert!(
                        (got - th).abs() < 1e-9,
                        "{} h={h}: threshold({t}) = {got}, NEST {th}",
                        r.level
                    );
                }
                checks.next();
            }
        }
    });
    assert!(checks.next().is_none(), "check points not reached");
    let to_steps =
        |ts: &[f64]| -> Vec<i64> { ts.iter().map(|&t| grid.ms_on_grid(t).unwrap()).collect() };
    assert_eq!(
        spikes[..r.first.len()],
        to_steps(r.first)[..],
        "{} h={h}: first spikes",
        r.level
    );
    assert_eq!(spikes.len(), r.count, "{} h={h}: spike count", r.level);
    assert_eq!(
        *spikes.last().unwrap(),
        grid.ms_on_grid(r.last).unwrap(),
        "{} h={h}: last spike",
        r.level
    );
}

const NO: f64 = f64::NAN;
/// V_m at 5 and 10 ms (h = 0.01), the same for all levels: the first spike comes later.
const V5: f64 = -63.7987609617;
const V10: f64 = -54.5460605249;

#[test]
fn current_first_reaches_the_neuron_one_step_after_the_delay() {
    // The dc event stamped h with delay 1 ms is read at the end of step 100 (h = 0.01) and so
    // drives step 101 onward: the recordable `I` shows it first at t = 1.01 ms.
    let mut d = dc_drive("lif", 0.01);
    let (i_rec, v_rec) = (d.recordable("I"), d.recordable("V_m"));
    let mut seen = Vec::new();
    d.run_until(1.03, |stamp, chunk, _| {
        seen.push((
            stamp,
            chunk.recordable(i_rec, 0),
            chunk.recordable(v_rec, 0),
        ))
    });
    assert_eq!(seen[99], (100, 0.0, -78.85));
    assert_eq!(seen[100].0, 101);
    assert_eq!(
        seen[100].1, 300.0,
        "I at 1.01 ms is the input of the next step"
    );
    assert_eq!(seen[100].2, -78.85, "V has not moved yet at 1.01 ms");
    assert!(
        seen[101].2 > -78.85,
        "V moves in the step after (1.01 → 1.02)"
    );
}

#[test]
fn all_levels_at_h_0_01() {
    let refs = [
        Reference {
            level: "lif",
            first: &[13.00, 28.74, 44.48, 60.22, 75.96, 91.70, 107.44, 123.18],
            count: 19,
            last: 296.32,
            checks: &[
                (5.0, V5, -51.68),
                (10.0, V10, -51.68),
                (20.0, -65.9139411457, -51.68),
                (100.0, -62.3571085326, -51.68),
            ],
        },
        Reference {
            level: "lif_r",
            first: &[13.00, 20.54, 28.52, 36.95, 45.82, 55.13, 64.86, 74.99],
            count: 26,
            last: 295.56,
            checks: &[
                (5.0, V5, NO),
                (10.0, V10, NO),
                (20.0, -51.7064350503, -51.3206657529),
                (100.0, -54.4535540791, -49.1210214608),
            ],
        },
        Reference {
            level: "lif_asc",
            first: &[13.00, 42.88, 75.84, 111.69, 150.91, 194.10, 241.95, 295.04],
            count: 8,
            last: 295.04,
            checks: &[
                (5.0, V5, NO),
                (10.0, V10, NO),
                (20.0, -73.5151395592, -51.68),
                (100.0, -56.0442322069, -51.68),
            ],
        },
        Reference {
            level: "lif_r_asc",
            first: &[13.00, 42.65, 76.81, 115.38, 159.27, 209.52, 266.83],
            count: 7,
            last: 266.83,
            checks: &[
                (5.0, V5, NO),
                (10.0, V10, NO),
                (20.0, -59.3076334639, -51.3206657529),
                (100.0, -55.5472947600, -50.9660806885),
            ],
        },
        Reference {
            level: "lif_r_asc_a",
            first: &[14.19, 49.59, 92.74, 148.16, 227.86],
            count: 5,
            last: 227.86,
            checks: &[
                (5.0, -63.7987609617, -51.5330313950),
                (10.0, -54.5460605249, -51.1709647162),
                (20.0, -58.1665802551, -50.4347838800),
                (100.0, -60.0397852683, -49.4986373959),
            ],
        },
    ];
    assert_eq!(refs.len(), LEVELS.len());
    for r in &refs {
        check(0.01, r);
    }
}

#[test]
fn all_levels_at_h_0_1() {
    let checks: &[(f64, f64, f64)] = &[(5.0, -64.0427888433, NO), (10.0, -54.6553848881, NO)];
    let refs = [
        Reference {
            level: "lif",
            first: &[13.1, 28.9, 44.7, 60.5, 76.3, 92.1, 107.9, 123.7],
            count: 19,
            last: 297.5,
            checks,
        },
        Reference {
            level: "lif_r",
            first: &[13.1, 20.7, 28.8, 37.3, 46.3, 55.7, 65.5, 75.7],
            count: 26,
            last: 297.8,
            checks,
        },
        Reference {
            level: "lif_asc",
            first: &[13.1, 43.1, 76.2, 112.2, 151.6, 194.9, 242.9, 296.1],
            count: 8,
            last: 296.1,
            checks,
        },
        Reference {
            level: "lif_r_asc",
            first: &[13.1, 42.9, 77.2, 115.9, 159.9, 210.3, 267.7],
            count: 7,
            last: 267.7,
            checks,
        },
        Reference {
            level: "lif_r_asc_a",
            first: &[14.3, 49.9, 93.2, 148.8, 228.5],
            count: 5,
            last: 228.5,
            checks,
        },
    ];
    for r in &refs {
        check(0.1, r);
    }
}
