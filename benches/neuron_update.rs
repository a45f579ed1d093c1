//! Neuron update: one step of a chunk of 1000 neurons, driven by a realistic input.
//!
//! Each benchmark builds one model through `spindle_models::neuron_model` (the path the scenario
//! loader takes), instantiates a 1000-neuron chunk and advances it one step per iteration with
//! `NeuronChunk::update`. The input cycles through 64 precomputed frames of Poisson-like
//! excitatory and inhibitory events whose sizes match the benchmark networks
//! (`benches/scenarios/`), so the neurons sit in the fluctuation-driven regime where they spend
//! their time in production. Throughput is in neuron updates (elements) per second.
//!
//! `cargo bench -p spindle --bench neuron_update`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use spindle_core::model::{Emitted, NeuronChunk, NeuronModel};
use spindle_core::params::{Params, Value};
use spindle_core::TimeGrid;
use std::time::Duration;

const NEURONS: usize = 1000;
const FRAMES: usize = 64;
const RESOLUTION_MS: f64 = 0.1;
/// Steps run before timing (200 ms), so that the timing sees the steady state.
const WARM_UP_STEPS: i64 = 2000;

/// One model configuration: how to build it and what drives it.
struct Case {
    label: &'static str,
    model: &'static str,
    params: Vec<(&'static str, Value)>,
    /// (receptor, weight, mean events per neuron and step).
    inputs: Vec<(i64, f64, f64)>,
}

fn cases() -> Vec<Case> {
    vec![
        // glif_net.toml: lif_r_asc_a, 8000 Hz Poisson drive of 1 nS on port 1, plus recurrent
        // excitation at ~10 Hz from 800 E (1 nS, port 1) and inhibition (5 nS, port 2) at the
        // level that keeps an unconnected chunk firing at ~5-10 Hz (the network's inhibition
        // comes in synchronous bursts; averaged out, it silences the chunk).
        Case {
            label: "glif_cond (lif_r_asc_a)",
            model: "glif_cond",
            params: vec![
                ("spike_dependent_threshold", Value::Bool(true)),
                ("after_spike_currents", Value::Bool(true)),
                ("adapting_threshold", Value::Bool(true)),
            ],
            inputs: vec![(1, 1.0, 0.8 + 0.8), (2, 5.0, 0.04)],
        },
        // brunel_alpha.toml: 17.8 kHz Poisson drive of 20.68 pA, recurrent input at ~30 Hz from
        // 1000 E (20.68 pA) and 250 I (-103.4 pA).
        Case {
            label: "iaf_psc_alpha (Brunel)",
            model: "iaf_psc_alpha",
            params: vec![
                ("C_m", Value::Float(250.0)),
                ("tau_m", Value::Float(20.0)),
                ("tau_syn_ex", Value::Float(0.5)),
                ("tau_syn_in", Value::Float(0.5)),
                ("t_ref", Value::Float(2.0)),
                ("E_L", Value::Float(0.0)),
                ("V_reset", Value::Float(0.0)),
                ("V_m", Value::Float(0.0)),
                ("V_th", Value::Float(20.0)),
            ],
            inputs: vec![(0, 20.68, 1.78 + 3.0), (0, -103.4, 0.75)],
        },
    ]
}

/// A small xorshift generator: the input frames must not depend on anything but this file.
struct XorShift(u64);

impl XorShift {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A Poisson-distributed count with mean `lambda` (Knuth's method; lambda is small).
    fn poisson(&mut self, lambda: f64) -> u32 {
        let limit = (-lambda).exp();
        let mut k = 0;
        let mut p = self.uniform();
        while p > limit {
            k += 1;
            p *= self.uniform();
        }
        k
    }
}

/// `FRAMES` input frames of `n_channels × NEURONS` summed weights (the layout `update` reads).
fn input_frames(model: &dyn NeuronModel, inputs: &[(i64, f64, f64)]) -> Vec<Vec<f64>> {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let channels = model.n_channels();
    (0..FRAMES)
        .map(|_| {
            let mut frame = vec![0.0; channels * NEURONS];
            for &(receptor, weight, rate) in inputs {
                let ch = model
                    .spike_input(receptor, weight)
                    .expect("the benchmark's receptors exist");
                for i in 0..NEURONS {
                    frame[ch.channel as usize * NEURONS + i] +=
                        ch.weight * f64::from(rng.poisson(rate));
                }
            }
            frame
        })
        .collect()
}

fn neuron_update(c: &mut Criterion) {
    let grid = TimeGrid::from_resolution_ms(RESOLUTION_MS).expect("0.1 ms is a valid resolution");
    let mut group = c.benchmark_group("neuron_update");
    group
        .throughput(Throughput::Elements(NEURONS as u64))
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for case in cases() {
        let mut params = Params::new();
        for (k, v) in &case.params {
            params.insert(*k, v.clone());
        }
        let Some(model) = spindle_models::neuron_model(case.model, &mut params) else {
            eprintln!(
                "neuron_update: model {} does not exist yet; skipped",
                case.model
            );
            continue;
        };
        let model = model.expect("the benchmark's parameters are valid");
        let frames = input_frames(model.as_ref(), &case.inputs);
        let mut chunk: Box<dyn NeuronChunk> = model.instantiate(NEURONS);
        chunk.prepare(&grid);
        let mut emitted: Emitted = Vec::with_capacity(NEURONS);
        // Leave the transient from the initial state behind before timing.
        for step in 0..WARM_UP_STEPS {
            emitted.clear();
            chunk.update(step, &frames[step as usize % FRAMES], &mut emitted);
        }
        let mut step = WARM_UP_STEPS;
        let mut spikes = 0usize;
        group.bench_function(
            format!("{}, {NEURONS} neurons × 1 step", case.label),
            |b| {
                b.iter(|| {
                    emitted.clear();
                    chunk.update(step, &frames[step as usize % FRAMES], &mut emitted);
                    spikes += emitted.len();
                    step += 1;
                    black_box(&emitted);
                })
            },
        );
        // The regime the timing was taken in: a silent or saturated chunk would be a
        // different (cheaper or dearer) benchmark.
        let steps = step - WARM_UP_STEPS;
        let rate_hz = spikes as f64 / (NEURONS as f64 * steps as f64 * RESOLUTION_MS * 1e-3);
        eprintln!(
            "neuron_update: {}: {steps} steps timed, mean rate {rate_hz:.1} Hz",
            case.label
        );
    }
    group.finish();
}

criterion_group!(benches, neuron_update);
criterion_main!(benches);
