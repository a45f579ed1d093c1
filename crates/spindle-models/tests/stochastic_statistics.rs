//! Contract: the stochastic neurons (`pp_psc_delta`, the four `gif` models, `iaf_psc_exp` with
//! its stochastic threshold) fire like NEST 3.10's in distribution.
//!
//! NEST draws from its own generator, spindle from one stream per neuron, so spike trains can
//! only agree statistically. `scripts/stochastic_golden.py` ran each scenario in NEST 3.10.0
//! with 400 independent neurons over four seeds and wrote the mean over neurons of the firing
//! rate and of the CV of the inter-spike intervals, with their standard errors. Here the same
//! population (four kernel seeds × 100 neurons) runs through the model chunk and its statistics
//! must agree within four combined standard errors, `|a − b| ≤ 4·√(se_a² + se_b²)` (a
//! two-sided chance of 6e-5 for a correct model; the seeds are fixed, so the outcome is too).
//! Also: a neuron's spikes depend on its node id and the seed only, not on its neighbours.

mod common;

use common::{build, Drive, Golden};
use spindle_core::time::Step;

/// The kernel seeds of the spindle population.
const SEEDS: [u64; 4] = [11, 22, 33, 44];

/// Spike times (ms) of every neuron of `g`'s population, `SEEDS.len()` runs of
/// `g.neurons / SEEDS.len()` neurons.
fn trains(g: &Golden) -> Vec<Vec<f64>> {
    let per_seed = g.neurons / SEEDS.len();
    let mut out = Vec::new();
    for &seed in &SEEDS {
        let mut d = Drive::seeded(build(&g.model, g.params.clone()), per_seed, g.h, seed);
        for i in 0..per_seed {
            for &(start, stop, amp, w, delay, rec) in &g.currents {
                d.current(i, start, stop, amp, w, delay, rec);
            }
        }
        let mut spikes: Vec<Vec<f64>> = vec![Vec::new(); per_seed];
        let h = g.h;
        d.run_until(g.t_ms, |stamp: Step, _, emitted| {
            for &(i, m) in emitted {
                for _ in 0..m {
                    spikes[i as usize].push(stamp as f64 * h);
                }
            }
        });
        out.extend(spikes);
    }
    out
}

/// Mean and standard error of the mean.
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// (rate, CV) as `stochastic_golden.py` computes them.
fn statistics(trains: &[Vec<f64>], t_ms: f64) -> ((f64, f64), (f64, f64)) {
    let rates: Vec<f64> = trains
        .iter()
        .map(|t| t.len() as f64 / (t_ms * 1e-3))
        .collect();
    let cvs: Vec<f64> = trains
        .iter()
        .filter(|t| t.len() >= 3)
        .map(|t| {
            let isi: Vec<f64> = t.windows(2).map(|w| w[1] - w[0]).collect();
            let m = isi.iter().sum::<f64>() / isi.len() as f64;
            let sd = (isi.iter().map(|x| (x - m).powi(2)).sum::<f64>() / isi.len() as f64).sqrt();
            sd / m
        })
        .collect();
    (mean_se(&rates), mean_se(&cvs))
}

fn agrees(model: &str, name: &str) {
    let g = Golden::load_model(model, name);
    let (rate, cv) = statistics(&trains(&g), g.t_ms);
    for (what, (ours, se)) in [("rate", rate), ("cv", cv)] {
        let (nest, nest_se) = g.stats[what];
        let bound = 4.0 * (se * se + nest_se * nest_se).sqrt();
        eprintln!(
            "{model}/{name}: {what} {ours:.4} ± {se:.4} vs NEST {nest:.4} ± {nest_se:.4} \
             (bound {bound:.4})"
        );
        assert!(
            (ours - nest).abs() <= bound,
            "{model}/{name}: {what} {ours} ± {se} differs from NEST's {nest} ± {nest_se} by \
             more than four combined standard errors"
        );
    }
}

#[test]
fn iaf_psc_exp_stochastic_threshold_h01() {
    agrees("iaf_psc_exp", "stats_threshold_h0.1");
}

#[test]
fn iaf_psc_exp_stochastic_threshold_fires_while_refractory_h001() {
    agrees("iaf_psc_exp", "stats_threshold_refractory_h0.01");
}

#[test]
fn pp_psc_delta_fixed_dead_time_reset_adaptation_h01() {
    agrees("pp_psc_delta", "stats_dead_time_adaptation_h0.1");
}

#[test]
fn pp_psc_delta_poisson_counts_without_dead_time_h01() {
    agrees("pp_psc_delta", "stats_poisson_counts_h0.1");
}

#[test]
fn pp_psc_delta_gamma_dead_time_h01() {
    agrees("pp_psc_delta", "stats_gamma_dead_time_h0.1");
}

#[test]
fn gif_psc_exp_escape_noise_with_kernels_h01() {
    agrees("gif_psc_exp", "stats_escape_h0.1");
}

#[test]
fn gif_psc_exp_escape_noise_with_kernels_h001() {
    agrees("gif_psc_exp", "stats_escape_h0.01");
}

#[test]
fn gif_cond_exp_escape_noise_with_kernels_h01() {
    agrees("gif_cond_exp", "stats_escape_h0.1");
}

#[test]
fn gif_psc_exp_multisynapse_escape_noise_with_kernels_h01() {
    agrees("gif_psc_exp_multisynapse", "stats_escape_h0.1");
}

#[test]
fn gif_cond_exp_multisynapse_escape_noise_with_kernels_h01() {
    agrees("gif_cond_exp_multisynapse", "stats_escape_h0.1");
}

/// A neuron's draws come from its own stream: the first neurons of a population of 3 fire
/// exactly as the same neurons of a population of 50, and differently under another seed.
#[test]
fn a_neurons_spikes_depend_on_its_node_id_and_the_seed_only() {
    for (model, name) in [
        ("pp_psc_delta", "stats_poisson_counts_h0.1"),
        ("gif_psc_exp", "stats_escape_h0.1"),
        ("gif_cond_exp", "stats_escape_h0.1"),
        ("gif_psc_exp_multisynapse", "stats_escape_h0.1"),
        ("gif_cond_exp_multisynapse", "stats_escape_h0.1"),
        ("iaf_psc_exp", "stats_threshold_h0.1"),
    ] {
        let g = Golden::load_model(model, name);
        let run = |n: usize, seed: u64| {
            let mut d = Drive::seeded(build(model, g.params.clone()), n, g.h, seed);
            for i in 0..n {
                for &(start, stop, amp, w, delay, rec) in &g.currents {
                    d.current(i, start, stop, amp, w, delay, rec);
                }
            }
            let mut spikes = Vec::new();
            d.run_until(500.0, |stamp, _, emitted| {
                spikes.extend(emitted.iter().filter(|e| e.0 < 3).map(|&e| (stamp, e)));
            });
            spikes
        };
        let small = run(3, 5);
        assert!(!small.is_empty(), "{model}: no spikes to compare");
        assert_eq!(
            small,
            run(50, 5),
            "{model}: spikes depend on the population"
        );
        assert_ne!(
            small,
            run(3, 6),
            "{model}: spikes do not depend on the seed"
        );
    }
}
