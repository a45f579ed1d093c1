//! Neuron-update micro-benchmark: one chunk of each model advanced step by step on one core, with
//! Brunel-like input (every neuron gets excitatory Poisson input each step, some inhibitory
//! spikes), the way the kernel drives a chunk. Prints ns per neuron and step.
//!
//! `cargo bench -p spindle-models --bench population_update [-- N STEPS]` (defaults: the Brunel
//! benchmark's 12 500 neurons, 2 000 steps at h = 0.1 ms).

use spindle_core::model::{Emitted, NeuronChunk, NeuronModel};
use spindle_core::params::{Params, Value};
use spindle_core::time::TimeGrid;
use std::hint::black_box;
use std::time::Instant;

/// A small deterministic generator (xorshift64*), so that runs are comparable.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A Poisson count with mean `lambda` (Knuth's method; small means only).
    fn poisson(&mut self, lambda: f64) -> u32 {
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0, self.next_f64());
        while p > limit {
            k += 1;
            p *= self.next_f64();
        }
        k
    }
}

fn model(name: &str, entries: &[(&str, f64)]) -> Box<dyn NeuronModel> {
    let mut p = Params::new();
    for &(k, v) in entries {
        p.insert(k, Value::Float(v));
    }
    spindle_models::neuron_model(name, &mut p)
        .expect("known model")
        .expect("valid parameters")
}

/// Time `steps` updates of `n` neurons of `m`; `spike_channels` lists (channel, weight, mean
/// events per step) of the spike input; the current channel gets a constant.
fn bench(
    label: &str,
    m: &dyn NeuronModel,
    n: usize,
    steps: usize,
    spike_channels: &[(usize, f64, f64)],
    current_channel: Option<(usize, f64)>,
) {
    const PATTERNS: usize = 64;
    let n_ch = m.n_channels();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Precomputed input slots, cycled, so that input generation is not timed.
    let inputs: Vec<Vec<f64>> = (0..PATTERNS)
        .map(|_| {
            let mut buf = vec![0.0; n_ch * n];
            for &(ch, w, lambda) in spike_channels {
                for i in 0..n {
                    buf[ch * n + i] = w * f64::from(rng.poisson(lambda));
                }
            }
            if let Some((ch, amp)) = current_channel {
                buf[ch * n..(ch + 1) * n].fill(amp);
            }
            buf
        })
        .collect();
    let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
    let mut chunk: Box<dyn NeuronChunk> = m.instantiate(n);
    chunk.prepare(&grid);
    let mut emitted = Emitted::with_capacity(n);
    // Warm up (caches, the integrators' step estimates).
    for k in 0..200 {
        emitted.clear();
        chunk.update(k as i64, &inputs[k % PATTERNS], &mut emitted);
    }
    let mut spikes = 0usize;
    let start = Instant::now();
    for k in 0..steps {
        emitted.clear();
        chunk.update(k as i64, black_box(&inputs[k % PATTERNS]), &mut emitted);
        spikes += emitted.len();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let ns = elapsed * 1e9 / (n * steps) as f64;
    let rate = spikes as f64 / n as f64 / (steps as f64 * 1e-4);
    println!(
        "{label:<28} n = {n:>6}  steps = {steps:>5}  {ns:>7.2} ns/neuron/step  ({rate:.1} spikes/s per neuron)"
    );
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(12_500);
    let steps = args.get(1).copied().unwrap_or(2_000);

    // The Brunel benchmark's neuron and input: external Poisson drive of 17 789 Hz × 0.1 ms =
    // 1.78 events per step of weight J = 20.68 pA; some excitatory and inhibitory recurrent
    // spikes (−5J).
    let brunel = [
        ("C_m", 250.0),
        ("tau_m", 20.0),
        ("tau_syn_ex", 0.5),
        ("tau_syn_in", 0.5),
        ("t_ref", 2.0),
        ("E_L", 0.0),
        ("V_reset", 0.0),
        ("V_m", 0.0),
        ("V_th", 20.0),
    ];
    let j = 20.68015524367846;
    let m = model("iaf_psc_alpha", &brunel);
    bench(
        "iaf_psc_alpha (Brunel)",
        m.as_ref(),
        n,
        steps,
        &[(0, j, 1.78 + 0.3), (1, -5.0 * j, 0.08)],
        None,
    );
    // An exponential PSC of amplitude w carries 1/e of the charge of an alpha PSC of peak w:
    // scale the weights so that iaf_psc_exp sits in the same firing regime.
    let m = model("iaf_psc_exp", &brunel);
    let e = std::f64::consts::E;
    bench(
        "iaf_psc_exp (Brunel, w·e)",
        m.as_ref(),
        n,
        steps,
        &[(0, e * j, 1.78 + 0.3), (1, -5.0 * e * j, 0.08)],
        None,
    );
    let m = model("iaf_cond_exp", &[]);
    bench(
        "iaf_cond_exp",
        m.as_ref(),
        n,
        steps / 4,
        &[(0, 2.0, 1.0), (1, 2.0, 0.3)],
        Some((2, 200.0)),
    );
    let m = model("glif_cond", &[]);
    bench(
        "glif_cond (lif, 2 ports)",
        m.as_ref(),
        n,
        steps / 4,
        &[(0, 1.0, 1.0), (1, 5.0, 0.2)],
        Some((2, 150.0)),
    );
    let m = model("glif_psc", &[]);
    bench(
        "glif_psc (lif, 1 port)",
        m.as_ref(),
        n,
        steps / 4,
        &[(0, 30.0, 1.0)],
        Some((1, 150.0)),
    );
}
