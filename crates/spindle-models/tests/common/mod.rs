//! A miniature kernel for model tests: it delivers spikes and currents into a chunk's input
//! channels exactly as spindle's kernel (and NEST) does (spec §1.4) and steps the chunk.
//!
//! An event stamped `S` (a spike at `t = S·h`, or a current event of a generator active at
//! stamp `S`) travelling with a delay of `d` steps lands in the input of step `S + d − 1`: it is
//! summed into that step's channel value, which the model reads at the end of the step.

#![allow(dead_code)]

use spindle_core::model::{Emitted, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{Params, Value};
use spindle_core::time::{Step, TimeGrid};
use std::collections::BTreeMap;

/// How close a trace must be to NEST's golden data. On the platform the golden data come from (x86-64 Linux, glibc's libm) the traces are
/// bit-identical to NEST, and that is asserted: with libm's `expm1` instead of NEST's Taylor
/// series the `iaf_psc_*` traces would differ by ~1e-14 mV. Elsewhere `exp` may round differently
/// in the last place, so the contract's 1e-9 is checked with a 1e-12 margin.
pub const TOLERANCE: f64 = if cfg!(all(
    target_arch = "x86_64",
    target_os = "linux",
    target_env = "gnu"
)) {
    0.0
} else {
    1e-12
};

/// The kernel seed of [`Drive::new`].
pub const SEED: u64 = 143_202_461;

pub struct Drive {
    pub grid: TimeGrid,
    pub model: Box<dyn NeuronModel>,
    pub chunk: Box<dyn NeuronChunk>,
    n: usize,
    n_channels: usize,
    /// Input per step: `n_channels × n` values, channel-major.
    pending: BTreeMap<Step, Vec<f64>>,
    /// The next step to run.
    pub step: Step,
}

impl Drive {
    pub fn new(model: Box<dyn NeuronModel>, n: usize, h: f64) -> Drive {
        Drive::seeded(model, n, h, SEED)
    }

    /// A drive whose stochastic neurons draw from the streams of kernel seed `seed`, neuron
    /// `i` being node `i + 1` (as the kernel hands them out, `NeuronChunk::seed_streams`).
    pub fn seeded(model: Box<dyn NeuronModel>, n: usize, h: f64, seed: u64) -> Drive {
        let grid = TimeGrid::from_resolution_ms(h).unwrap();
        let mut chunk = model.instantiate(n);
        chunk.seed_streams(seed, 1);
        chunk.prepare(&grid);
        Drive {
            grid,
            n_channels: model.n_channels(),
            model,
            chunk,
            n,
            pending: BTreeMap::new(),
            step: 0,
        }
    }

    fn add(&mut self, slot: Step, channel: u16, neuron: usize, value: f64) {
        assert!(slot >= self.step, "event for a step already run");
        let (nch, n) = (self.n_channels, self.n);
        let buf = self
            .pending
            .entry(slot)
            .or_insert_with(|| vec![0.0; nch * n]);
        buf[channel as usize * n + neuron] += value;
    }

    /// A spike sent at `t_ms` (on the grid) with multiplicity `mult` through a connection.
    pub fn spike(
        &mut self,
        neuron: usize,
        t_ms: f64,
        delay_ms: f64,
        receptor: i64,
        weight: f64,
        mult: u32,
    ) {
        let input = self.model.spike_input(receptor, weight).unwrap();
        let stamp = self.grid.ms_on_grid(t_ms).expect("spike time on the grid");
        let d = self.grid.delay_to_steps(delay_ms);
        // A spike generator's spikes carry offset 0: on a channel that scales by the
        // sender's offset they add nothing (as the kernel routes them).
        let scale = if self.model.scales_by_offset(input.channel) {
            0.0
        } else {
            1.0
        };
        self.add(
            stamp + d - 1,
            input.channel,
            neuron,
            input.weight * f64::from(mult) * scale,
        );
    }

    /// A current generator sending `amplitude` with the events stamped `start ≤ S < stop`
    /// (`S ≥ 1`), as a dc_generator (start 0) or step_current_generator does.
    pub fn current(
        &mut self,
        neuron: usize,
        start_ms: f64,
        stop_ms: f64,
        amplitude: f64,
        weight: f64,
        delay_ms: f64,
        receptor: i64,
    ) {
        let input = self.model.current_input(receptor, weight).unwrap();
        let s0 = self.grid.ms_on_grid(start_ms).unwrap().max(1);
        let s1 = self.grid.ms_on_grid(stop_ms).unwrap();
        let d = self.grid.delay_to_steps(delay_ms);
        for s in s0..s1 {
            self.add(s + d - 1, input.channel, neuron, input.weight * amplitude);
        }
    }

    /// Run one step; returns the spikes emitted (stamped `self.step` afterwards).
    pub fn step(&mut self) -> Emitted {
        let input = self
            .pending
            .remove(&self.step)
            .unwrap_or_else(|| vec![0.0; self.n_channels * self.n]);
        let mut emitted = Emitted::new();
        self.chunk.update(self.step, &input, &mut emitted);
        self.step += 1;
        emitted
    }

    /// Run up to and including the step that ends at `t_ms`, calling `sample(stamp, chunk,
    /// emitted)` after each step (`stamp` = the step's right end, in steps).
    pub fn run_until(
        &mut self,
        t_ms: f64,
        mut sample: impl FnMut(Step, &dyn NeuronChunk, &Emitted),
    ) {
        let end = self.grid.ms_on_grid(t_ms).unwrap();
        while self.step < end {
            let emitted = self.step();
            sample(self.step, self.chunk.as_ref(), &emitted);
        }
    }

    /// Spike stamps of neuron `neuron` up to `t_ms`.
    pub fn spike_stamps(&mut self, neuron: usize, t_ms: f64) -> Vec<Step> {
        let mut out = Vec::new();
        self.run_until(t_ms, |stamp, _, emitted| {
            for &(i, m) in emitted {
                if i as usize == neuron {
                    for _ in 0..m {
                        out.push(stamp);
                    }
                }
            }
        });
        out
    }

    /// Index of a recordable by name.
    pub fn recordable(&self, name: &str) -> usize {
        let table: Vec<Recordable> = self.model.recordables();
        table
            .iter()
            .position(|r| r.name == name)
            .unwrap_or_else(|| panic!("no recordable {name}"))
    }
}

/// The flags of a GLIF level name.
pub fn level_flags(level: &str) -> (bool, bool, bool) {
    match level {
        "lif" => (false, false, false),
        "lif_r" => (true, false, false),
        "lif_asc" => (false, true, false),
        "lif_r_asc" => (true, true, false),
        "lif_r_asc_a" => (true, true, true),
        _ => panic!("unknown level {level}"),
    }
}

pub const LEVELS: [&str; 5] = ["lif", "lif_r", "lif_asc", "lif_r_asc", "lif_r_asc_a"];

/// A parameter dictionary with the level flags set.
pub fn level_params(level: &str) -> Params {
    let (r, asc, a) = level_flags(level);
    let mut p = Params::new();
    p.insert("spike_dependent_threshold", Value::Bool(r));
    p.insert("after_spike_currents", Value::Bool(asc));
    p.insert("adapting_threshold", Value::Bool(a));
    p
}

pub fn floats(v: &[f64]) -> Value {
    Value::List(v.iter().map(|&x| Value::Float(x)).collect())
}

/// Build a model through the crate's registry, as a front end does (including `finish`).
pub fn build(name: &str, mut params: Params) -> Box<dyn NeuronModel> {
    let model = spindle_models::neuron_model(name, &mut params)
        .expect("known model")
        .unwrap_or_else(|e| panic!("{e}"));
    params
        .finish(name, spindle_models::neuron_model_keys(name).unwrap())
        .unwrap();
    model
}

/// A golden scenario written by `scripts/glif_cond_golden.py` (glif_cond) or by a script using
/// `scripts/nest_golden.py` (the other models; their files name the model).
pub struct Golden {
    pub name: String,
    pub model: String,
    pub h: f64,
    pub t_ms: f64,
    pub params: Params,
    /// (t, delay, receptor, weight, multiplicity)
    pub spikes: Vec<(f64, f64, i64, f64, u32)>,
    /// (start, stop, amplitude, weight, delay, receptor)
    pub currents: Vec<(f64, f64, f64, f64, f64, i64)>,
    pub record: Vec<String>,
    pub spike_stamps: Vec<Step>,
    /// The offset of each spike (NEST's off-grid models), if the file has them.
    pub spike_offsets: Option<Vec<f64>>,
    /// (stamp, values in `record` order)
    pub samples: Vec<(Step, Vec<f64>)>,
    /// Statistics over a population of stochastic neurons (`scripts/stochastic_golden.py`):
    /// its size, and (value, standard error) by name.
    pub neurons: usize,
    pub stats: BTreeMap<String, (f64, f64)>,
}

impl Golden {
    /// A `glif_cond` scenario from `tests/data/glif_cond/`.
    pub fn load(name: &str) -> Golden {
        Golden::load_model("glif_cond", name)
    }

    /// A scenario of `model` from `tests/data/<model>/`.
    pub fn load_model(model: &str, name: &str) -> Golden {
        let path = format!(
            "{}/tests/data/{model}/{name}.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut g = Golden {
            name: name.to_string(),
            model: model.to_string(),
            h: 0.0,
            t_ms: 0.0,
            params: Params::new(),
            spikes: vec![],
            currents: vec![],
            record: vec![],
            spike_stamps: vec![],
            spike_offsets: None,
            samples: vec![],
            neurons: 1,
            stats: BTreeMap::new(),
        };
        let f64_of = |s: &str| s.parse::<f64>().unwrap();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let f: Vec<&str> = line.split_whitespace().collect();
            match f[0] {
                "model" => assert_eq!(f[1], g.model, "{path}: data of another model"),
                "h" => g.h = f64_of(f[1]),
                "T" => g.t_ms = f64_of(f[1]),
                "p" => g.params.insert(f[1], Value::Float(f64_of(f[2]))),
                "pb" => g.params.insert(f[1], Value::Bool(f[2] == "true")),
                "pl" => g.params.insert(
                    f[1],
                    floats(&f[2..].iter().map(|x| f64_of(x)).collect::<Vec<_>>()),
                ),
                "spike" => g.spikes.push((
                    f64_of(f[1]),
                    f64_of(f[2]),
                    f[3].parse().unwrap(),
                    f64_of(f[4]),
                    f[5].parse().unwrap(),
                )),
                "current" => g.currents.push((
                    f64_of(f[1]),
                    f64_of(f[2]),
                    f64_of(f[3]),
                    f64_of(f[4]),
                    f64_of(f[5]),
                    f[6].parse().unwrap(),
                )),
                "record" => g.record = f[1..].iter().map(|s| s.to_string()).collect(),
                "spikes" => g.spike_stamps = f[1..].iter().map(|s| s.parse().unwrap()).collect(),
                "offsets" => g.spike_offsets = Some(f[1..].iter().map(|x| f64_of(x)).collect()),
                "sample" => g.samples.push((
                    f[1].parse().unwrap(),
                    f[2..].iter().map(|x| f64_of(x)).collect(),
                )),
                "neurons" => g.neurons = f[1].parse().unwrap(),
                "stat" => {
                    g.stats
                        .insert(f[1].to_string(), (f64_of(f[2]), f64_of(f[3])));
                }
                other => panic!("{path}: unknown line kind {other}"),
            }
        }
        g
    }

    /// A single-neuron drive with this scenario's stimulus.
    pub fn drive(&self) -> Drive {
        let model = build(&self.model, self.params.clone());
        let mut d = Drive::new(model, 1, self.h);
        for &(t, delay, rec, w, m) in &self.spikes {
            d.spike(0, t, delay, rec, w, m);
        }
        for &(a, b, amp, w, delay, rec) in &self.currents {
            d.current(0, a, b, amp, w, delay, rec);
        }
        d
    }
}

/// The outcome of replaying a golden scenario.
pub struct Replay {
    /// Spike stamps spindle produced.
    pub spikes: Vec<Step>,
    /// The offset each of them carried (`NeuronChunk::spike_offset`).
    pub offsets: Vec<f64>,
    /// The largest |spindle − NEST| over all samples and recordables, with its step and name.
    pub worst: (f64, Step, String),
}

impl Golden {
    /// Deliver the scenario's stimulus to a single-neuron chunk with the kernel's slot
    /// arithmetic, run it and compare every recorded sample with NEST's.
    pub fn replay(&self) -> Replay {
        let mut drive = self.drive();
        let columns: Vec<usize> = self.record.iter().map(|r| drive.recordable(r)).collect();
        let mut expected = self.samples.iter().peekable();
        let (mut spikes, mut offsets) = (Vec::new(), Vec::new());
        let mut worst = (0.0f64, 0, String::new());
        drive.run_until(self.t_ms, |stamp, chunk, emitted| {
            if !emitted.is_empty() {
                spikes.push(stamp);
                offsets.push(chunk.spike_offset(0));
            }
            if let Some((s, values)) = expected.peek() {
                if *s == stamp {
                    for ((&col, &want), name) in columns.iter().zip(values).zip(&self.record) {
                        let diff = (chunk.recordable(col, 0) - want).abs();
                        if diff > worst.0 || diff.is_nan() {
                            worst = (diff, stamp, name.clone());
                        }
                    }
                    expected.next();
                }
            }
        });
        assert!(
            expected.next().is_none(),
            "{}: samples left unchecked",
            self.name
        );
        Replay {
            spikes,
            offsets,
            worst,
        }
    }

    /// Replay and assert: spikes on NEST's steps, every sample within `tolerance`.
    pub fn assert_matches(&self, tolerance: f64) {
        let r = self.replay();
        assert_eq!(
            r.spikes, self.spike_stamps,
            "{}/{}: spike steps differ from NEST",
            self.model, self.name
        );
        if let Some(want) = &self.spike_offsets {
            for (k, (got, want)) in r.offsets.iter().zip(want).enumerate() {
                assert!(
                    (got - want).abs() <= tolerance,
                    "{}/{}: offset of spike {k} is {got}, NEST's {want}",
                    self.model,
                    self.name
                );
            }
        }
        assert!(
            r.worst.0 <= tolerance,
            "{}/{}: {} differs from NEST by {:e} at step {}",
            self.model,
            self.name,
            r.worst.2,
            r.worst.0,
            r.worst.1
        );
        eprintln!(
            "{}/{}: {} spikes identical, {} samples, max |diff| {:e}",
            self.model,
            self.name,
            r.spikes.len(),
            self.samples.len(),
            r.worst.0
        );
    }
}
