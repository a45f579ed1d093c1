//! Contract: the random stimulation devices (`sinusoidal_poisson_generator`,
//! `inhomogeneous_poisson_generator`, `noise_generator`, `pulsepacket_generator` with
//! `sdev > 0`) have NEST 3.10's statistics, and their trains are per target where NEST draws
//! per target and shared where NEST draws once.
//!
//! spindle draws from its own keyed streams, so its realisations differ from NEST's; these
//! tests compare counts, means and variances over several seeds with the expectation that
//! follows from NEST's update (computed here step by step), within `Z` standard errors of
//! the sampling distribution. `Z = 4.5` makes a false alarm of one check about 7·10⁻⁶; the
//! seeds are fixed, so the outcome is reproducible.

mod common;

use spindle::io::Recording;
use std::collections::BTreeMap;
use std::f64::consts::PI;

/// Standard errors a statistic may lie from its expectation.
const Z: f64 = 4.5;

const H: f64 = 0.1;

fn run(body: &str, seed: u64, time: f64, threads: usize) -> Recording {
    let text =
        format!("[kernel]\nresolution = {H}\nseed = {seed}\n\n{body}\n[simulate]\ntime = {time}\n");
    common::run_text(&text, threads)
}

/// `n` parrots (ids 1 ..= n) fed by `generator` (id n + 1) with delay 1 ms, recorded by `sr`.
fn parrots(n: usize, generator: &str) -> String {
    format!(
        "[[nodes]]\nname = \"parrots\"\nmodel = \"parrot_neuron\"\nn = {n}\n\n\
         [[nodes]]\nname = \"gen\"\n{generator}\n\n\
         [[nodes]]\nname = \"sr\"\nmodel = \"spike_recorder\"\n\n\
         [[connect]]\npre = \"gen\"\npost = \"parrots\"\nsyn = {{ delay = 1.0 }}\n\n\
         [[connect]]\npre = \"parrots\"\npost = \"sr\"\n"
    )
}

/// Spike times (ms) per sender.
fn trains(rec: &Recording, recorder: &str) -> BTreeMap<i64, Vec<f64>> {
    let sr = rec.spike_recorder(recorder).expect("the recorder");
    let mut out: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for (&t, &s) in sr.times.iter().zip(&sr.senders) {
        out.entry(s).or_default().push(t);
    }
    out
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / (n - 1.0);
    (m, v)
}

/// `got` within `Z` standard errors `se` of `want`.
fn close(what: &str, got: f64, want: f64, se: f64) {
    assert!(
        (got - want).abs() <= Z * se,
        "{what}: {got} vs expected {want} (tolerance {Z} × {se:.4})"
    );
}

/// Per-target counts are Poisson with mean `mu`: their mean and variance agree with it.
fn poisson_counts(what: &str, counts: &[f64], mu: f64) {
    let n = counts.len() as f64;
    let (m, v) = mean_var(counts);
    close(&format!("{what}: mean count"), m, mu, (mu / n).sqrt());
    // Var(s²) of a Poisson sample: (μ + 2μ²)/n to leading order.
    close(
        &format!("{what}: count variance"),
        v,
        mu,
        ((mu + 2.0 * mu * mu) / n).sqrt(),
    );
}

const SINUSOIDAL: &str = "model = \"sinusoidal_poisson_generator\"\nparams = { rate = 300.0, amplitude = 200.0, frequency = 10.0, stop = 900.0 }";

/// The mean count per target of `SINUSOIDAL` for spikes stamped in `stamps` (NEST 3.10 treats
/// the device as a current generator: active for the update of step k when 0 < k + 2 ≤ 9000,
/// stamp k + 1; the rate of that update is `rate + amplitude · sin(ω (k + 1) h)`).
fn sinusoidal_mean(stamps: impl Fn(i64) -> bool) -> f64 {
    let omega = 2.0 * PI * 10.0 / 1000.0;
    (0..8999)
        .filter(|&k| stamps(k + 1))
        .map(|k| (300.0 + 200.0 * (omega * (k + 1) as f64 * H).sin()).max(0.0) * H / 1000.0)
        .sum()
}

#[test]
fn sinusoidal_poisson_trains_are_poisson_with_the_modulated_rate_per_target() {
    let n = 40;
    let mut counts = Vec::new();
    // Spikes per quarter of the 100 ms period, over all targets and seeds.
    let mut quarters = [0.0; 4];
    let seeds = [1, 2, 3];
    for seed in seeds {
        let rec = run(&parrots(n, SINUSOIDAL), seed, 1000.0, 2);
        let trains = trains(&rec, "sr");
        for id in 1..=n as i64 {
            let t = trains.get(&id).cloned().unwrap_or_default();
            counts.push(t.len() as f64);
            for &x in &t {
                // Parrot time = stamp · h + 1 ms.
                let stamp = ((x - 1.0) / H).round() as i64;
                quarters[((stamp % 1000) / 250) as usize] += 1.0;
            }
        }
        assert_ne!(
            trains[&1], trains[&2],
            "individual trains differ between targets"
        );
    }
    poisson_counts("sinusoidal", &counts, sinusoidal_mean(|_| true));
    let runs = (n * seeds.len()) as f64;
    for (q, &got) in quarters.iter().enumerate() {
        let mu = runs * sinusoidal_mean(|s| (s % 1000) / 250 == q as i64);
        close(&format!("sinusoidal: quarter {q}"), got, mu, mu.sqrt());
    }
}

#[test]
fn sinusoidal_poisson_without_individual_trains_sends_one_train_to_all() {
    let shared = SINUSOIDAL.replace(
        "rate = 300.0",
        "rate = 300.0, individual_spike_trains = false",
    );
    let mut counts = Vec::new();
    for seed in 1..=20 {
        let rec = run(&parrots(5, &shared), seed, 1000.0, 2);
        let trains = trains(&rec, "sr");
        for id in 2..=5 {
            assert_eq!(trains.get(&id), trains.get(&1), "seed {seed}: parrot {id}");
        }
        counts.push(trains.get(&1).map_or(0, Vec::len) as f64);
    }
    let mu = sinusoidal_mean(|_| true);
    let total: f64 = counts.iter().sum();
    close(
        "shared train: total count",
        total,
        20.0 * mu,
        (20.0 * mu).sqrt(),
    );
}

#[test]
fn inhomogeneous_poisson_follows_its_rate_steps_per_target() {
    // Rates change one step ahead: spikes stamped 1000 ..= 3999 at 800 spikes/s, none from
    // 4000 on, then 300 spikes/s from stamp 7000 to the last active step (k ≤ 9000, stamp
    // 9001; a poisson-type window).
    let gen = "model = \"inhomogeneous_poisson_generator\"\nparams = { rate_times = [100.0, 400.0, 700.0], rate_values = [800.0, 0.0, 300.0], stop = 900.0 }";
    let n = 40;
    let mut segments = [Vec::new(), Vec::new(), Vec::new()];
    for seed in [4, 5, 6] {
        let trains = trains(&run(&parrots(n, gen), seed, 1000.0, 2), "sr");
        for id in 1..=n as i64 {
            let mut c = [0.0; 3];
            for &x in trains.get(&id).into_iter().flatten() {
                let stamp = ((x - 1.0) / H).round() as i64;
                assert!((1000..=9001).contains(&stamp), "spike stamped {stamp}");
                c[if stamp < 4000 {
                    0
                } else if stamp < 7000 {
                    1
                } else {
                    2
                }] += 1.0;
            }
            for (s, v) in segments.iter_mut().zip(c) {
                s.push(v);
            }
        }
    }
    poisson_counts("800 spikes/s", &segments[0], 3000.0 * 800.0 * H / 1000.0);
    assert!(
        segments[1].iter().all(|&c| c == 0.0),
        "rate 0 sends nothing"
    );
    poisson_counts("300 spikes/s", &segments[2], 2002.0 * 300.0 * H / 1000.0);
}

/// The amplitudes a `noise_generator` with `dt = 1 ms` drew for each of `n` glif_psc cells
/// (ids 1 ..= n), read from the cells' `I`: draw j (update step 10 j) is sent in the events
/// stamped 10 j + 1 ..= 10 j + 10 and, with delay 1 ms, shows at samples 10 j + 11 ..= 10 j
/// + 20; the current must be constant over those.
fn noise_draws(params: &str, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let body = format!(
        "[[nodes]]\nname = \"cells\"\nmodel = \"glif_psc\"\nn = {n}\nparams = {{ V_th = 1e9 }}\n\n\
         [[nodes]]\nname = \"noise\"\nmodel = \"noise_generator\"\nparams = {{ {params}, dt = 1.0 }}\n\n\
         [[nodes]]\nname = \"mm\"\nmodel = \"multimeter\"\nparams = {{ interval = 0.1, record_from = [\"I\"] }}\n\n\
         [[connect]]\npre = \"noise\"\npost = \"cells\"\nsyn = {{ delay = 1.0 }}\n\n\
         [[connect]]\npre = \"mm\"\npost = \"cells\"\n"
    );
    let rec = run(&body, seed, 1000.0, 2);
    let mm = rec.multimeter("mm").expect("the multimeter");
    (1..=n as i64)
        .map(|id| {
            let trace = mm.trace("I", id).unwrap();
            // trace[i] is the sample at (i + 1) h.
            (0..98)
                .map(|j| {
                    let first = trace[10 * j + 10];
                    for (s, &x) in trace.iter().enumerate().skip(10 * j + 11).take(9) {
                        assert_eq!(x, first, "cell {id}: draw {j} held for dt (sample {s})");
                    }
                    first
                })
                .collect()
        })
        .collect()
}

#[test]
fn noise_generator_draws_independent_gaussian_amplitudes_every_dt() {
    let (mean, std) = (50.0, 30.0);
    let mut all = Vec::new();
    for seed in [7, 8] {
        let draws = noise_draws("mean = 50.0, std = 30.0", 20, seed);
        // Two targets' draws are uncorrelated: r within Z / sqrt(n) of 0.
        let (a, b) = (&draws[0], &draws[1]);
        let (ma, va) = mean_var(a);
        let (mb, vb) = mean_var(b);
        let cov = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - ma) * (y - mb))
            .sum::<f64>()
            / (a.len() as f64 - 1.0);
        close(
            "correlation of two targets",
            cov / (va * vb).sqrt(),
            0.0,
            1.0 / (a.len() as f64).sqrt(),
        );
        all.extend(draws.into_iter().flatten());
    }
    let n = all.len() as f64;
    let (m, v) = mean_var(&all);
    close("noise mean", m, mean, std / n.sqrt());
    close(
        "noise variance",
        v,
        std * std,
        (2.0 * std.powi(4) / (n - 1.0)).sqrt(),
    );
}

#[test]
fn noise_generator_modulates_its_variance() {
    // var = std² + sin(ω t) std_mod², the oscillator rotated to the draw's update step
    // k = 10 j: t = (k + 1) h.
    let (mean, std, std_mod) = (0.0, 30.0, 25.0);
    let omega = 2.0 * PI * 10.0 / 1000.0;
    let mut sums = [(0.0, 0.0, 0.0); 2]; // (Σ (x − mean)², Σ expected var, Σ 2 var²)
    for seed in [9, 10] {
        let draws = noise_draws(
            "mean = 0.0, std = 30.0, std_mod = 25.0, frequency = 10.0",
            20,
            seed,
        );
        for cell in &draws {
            for (j, &x) in cell.iter().enumerate() {
                let s = (omega * (10 * j + 1) as f64 * H).sin();
                let var = std * std + s * std_mod * std_mod;
                let half = &mut sums[usize::from(s < 0.0)];
                half.0 += (x - mean) * (x - mean);
                half.1 += var;
                half.2 += 2.0 * var * var;
            }
        }
    }
    for (half, (got, want, var_of_sum)) in ["sin > 0", "sin < 0"].iter().zip(sums) {
        close(
            &format!("noise power, {half}"),
            got,
            want,
            var_of_sum.sqrt(),
        );
    }
    assert!(sums[0].0 > sums[1].0 * 1.5, "the modulation shows");
}

#[test]
fn pulsepacket_packets_are_gaussian_and_shared_by_all_targets() {
    // Each packet: exactly `activity` spikes at ceil-to-step(p + sdev · N), sent one step
    // later: mean p + 1.5 h, variance sdev² + h²/12 (the rounding up to the grid).
    let (activity, sdev) = (300, 3.0);
    let pulses = [50.0, 150.0, 250.0];
    let gen = format!("model = \"pulsepacket_generator\"\nparams = {{ pulse_times = [50.0, 150.0, 250.0], activity = {activity}, sdev = {sdev} }}");
    let mut times: [Vec<f64>; 3] = Default::default();
    for seed in 11..=14 {
        let trains = trains(&run(&parrots(5, &gen), seed, 300.0, 2), "sr");
        for id in 2..=5 {
            assert_eq!(trains.get(&id), trains.get(&1), "seed {seed}: parrot {id}");
        }
        let t = &trains[&1];
        assert_eq!(
            t.len(),
            3 * activity,
            "seed {seed}: every spike of every packet"
        );
        for &x in t {
            let x = x - 1.0; // the parrots' delay
            let p = pulses
                .iter()
                .position(|&p| (x - p).abs() < 10.0 * sdev)
                .unwrap();
            times[p].push(x);
        }
    }
    let var = sdev * sdev + H * H / 12.0;
    for (p, t) in pulses.iter().zip(&times) {
        let n = t.len() as f64;
        let (m, v) = mean_var(t);
        close(
            &format!("packet at {p}: mean time"),
            m,
            p + 1.5 * H,
            (var / n).sqrt(),
        );
        close(
            &format!("packet at {p}: variance"),
            v,
            var,
            (2.0 * var * var / (n - 1.0)).sqrt(),
        );
    }
}

#[test]
fn random_generators_do_not_depend_on_the_thread_count() {
    let body = format!(
        "{}\n[[nodes]]\nname = \"noise\"\nmodel = \"noise_generator\"\nparams = {{ std = 20.0 }}\n\n\
         [[nodes]]\nname = \"cells\"\nmodel = \"iaf_psc_exp\"\nn = 6\nparams = {{ I_e = 370.0 }}\n\n\
         [[nodes]]\nname = \"ip\"\nmodel = \"inhomogeneous_poisson_generator\"\nparams = {{ rate_times = [5.0], rate_values = [3000.0] }}\n\n\
         [[connect]]\npre = \"noise\"\npost = \"cells\"\n\n\
         [[connect]]\npre = \"ip\"\npost = \"cells\"\nsyn = {{ weight = 20.0 }}\n\n\
         [[connect]]\npre = [\"cells\", \"gen\"]\npost = \"sr\"\n",
        parrots(7, SINUSOIDAL)
    );
    let one = run(&body, 5, 200.0, 1);
    assert!(one.spike_recorders[0].times.len() > 100);
    assert_eq!(run(&body, 5, 200.0, 3), one);
}
