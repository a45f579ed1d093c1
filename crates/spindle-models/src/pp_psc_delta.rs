//! `pp_psc_delta`: the point-process neuron with leaky integration of delta-shaped currents,
//! NEST 3.10's model of that name (Cardanobile and Rotter 2010; Jolivet et al. 2006). Its
//! membrane, adaptation and dead time are NEST's operation for operation; its spikes are drawn
//! from the neuron's own stream (`streams.rs`), so random spike trains match NEST's in
//! distribution, deterministic ones (a rate of 0 or one so high that firing is certain) exactly.
//!
//! # Model
//!
//! ```text
//! dV/dt = −V/τ_m + (I_e + I_stim)/C_m        (V relative to rest; spikes jump V by their weight)
//! E_sfa = Σ_j e_j,  de_j/dt = −e_j/τ_sfa,j    (each spike adds q_sfa,j)
//! rate  = c_1·V' + c_2·exp(c_3·V'),  V' = V − E_sfa
//! ```
//!
//! One step `k → k+1`, in NEST's order: (1) `V ← P30·(I_stim + I_e) + P33·V + w` (`w`: the
//! spikes arriving for this step, any sign), `P33 = e^{−h/τ_m}`, `P30 = (1/C_m)·(1 − P33)·τ_m`;
//! (2) `e_j ← e_j·e^{−h/τ_sfa,j}`, `E_sfa = Σ e_j`; (3) outside the dead time and if
//! `rate > 0`: with a dead time, one uniform `U` and a spike if `U ≤ −expm1(−rate·h·1e-3)`;
//! without (`dead_time = 0`), a Poisson number of spikes of mean `rate·h·1e-3`, sent as one
//! event of that multiplicity. Spikes start the dead time (`⌈dead_time/h⌉` steps, or a gamma
//! draw of shape `dead_time_shape` and mean `dead_time` rounded up to the grid if
//! `dead_time_random`), add `n·q_sfa,j` to `e_j`, and reset `V ← 0` if `with_reset`. In the
//! dead time the counter counts down. (4) The current input of the next step is latched.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `tau_m` | 10 | ms | membrane time constant |
//! | `C_m` | 250 | pF | membrane capacitance |
//! | `dead_time` | 1 | ms | dead time (0: Poisson spike counts; in `(0, h)`: set to `h` at a run, as NEST does) |
//! | `dead_time_random` | false | | draw the dead time from a gamma distribution |
//! | `dead_time_shape` | 1 | | its shape (integer ≥ 1) |
//! | `with_reset` | true | | reset `V` to 0 after a spike |
//! | `tau_sfa`, `q_sfa` | [], [] | ms, mV | adaptation kernels (lists; two numbers append one kernel, as NEST does) |
//! | `c_1` | 0 | Hz/mV | slope of the linear part of the rate |
//! | `c_2` | 1.238 | Hz | prefactor of the exponential part |
//! | `c_3` | 0.25 | 1/mV | coefficient of the exponential part |
//! | `I_e` | 0 | pA | constant external current |
//! | `t_ref_remaining` | 0 | ms | dead time left at the first run |
//!
//! State: `V_m` (mV, relative to rest, default 0), `E_sfa` (mV). Recordables: `E_sfa`, `V_m`.
//! Spikes and currents on receptor 0.
//!
//! # Differences from NEST
//!
//! NEST appends a fresh set of adaptation elements (and their propagators) at the first run
//! after every `SetStatus`, and then reads past the end of `q_sfa` — undefined behaviour.
//! spindle keeps one element per kernel: at each run the elements follow `tau_sfa`'s length
//! (new ones start at 0) and their propagators its current values.
//!
//! # References
//!
//! * Cardanobile S, Rotter S (2010). Multiplicatively interacting point processes and
//!   applications to neural modeling. J Comput Neurosci 28:267–284.
//! * Jolivet R, Rauch A, Lüscher HR, Gerstner W (2006). Predicting spike timing of neocortical
//!   pyramidal neurons by simple threshold models. J Comput Neurosci 21:35–49.
//! * NEST 3.10, `models/pp_psc_delta.{h,cpp}`.

use crate::iaf_propagator::expm1;
use crate::param_sets::ParamSets;
use crate::receptor_zero;
use crate::streams::NeuronStreams;
use crate::voltages::{float_list, put_floats, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::rng;
use spindle_core::time::{Step, TimeGrid};

/// NEST's model name.
pub const MODEL_NAME: &str = "pp_psc_delta";

/// Every key [`PpPscDelta::from_params`] reads.
pub const KEYS: &[&str] = &[
    "I_e",
    "C_m",
    "tau_m",
    "dead_time",
    "dead_time_random",
    "dead_time_shape",
    "with_reset",
    "c_1",
    "c_2",
    "c_3",
    "t_ref_remaining",
    "tau_sfa",
    "q_sfa",
    "V_m",
    "E_sfa",
];

const SPIKES: u16 = 0;
const CURRENT: u16 = 1;

/// User parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub tau_m: f64,
    pub c_m: f64,
    pub dead_time: f64,
    pub dead_time_random: bool,
    pub dead_time_shape: i64,
    pub with_reset: bool,
    pub tau_sfa: Vec<f64>,
    pub q_sfa: Vec<f64>,
    /// NEST's `multi_param_`: whether `GetStatus` shows the kernels as lists (cleared for good
    /// once they are given as numbers).
    pub multi_param: bool,
    pub c_1: f64,
    pub c_2: f64,
    pub c_3: f64,
    pub i_e: f64,
    pub t_ref_remaining: f64,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            tau_m: 10.0,
            c_m: 250.0,
            dead_time: 1.0,
            dead_time_random: false,
            dead_time_shape: 1,
            with_reset: true,
            tau_sfa: Vec::new(),
            q_sfa: Vec::new(),
            multi_param: true,
            c_1: 0.0,
            c_2: 1.238,
            c_3: 0.25,
            i_e: 0.0,
            t_ref_remaining: 0.0,
        }
    }
}

fn bad(message: &str) -> ParamError {
    ParamError::rule(message)
}

impl Params {
    /// NEST's `Parameters_::set` on top of these parameters, with its checks and messages in
    /// its order. On error `self` may be half-updated: work on a copy.
    pub fn set(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        let p = self;
        read_scalars(
            dict,
            &mut [
                ("I_e", &mut p.i_e),
                ("C_m", &mut p.c_m),
                ("tau_m", &mut p.tau_m),
                ("dead_time", &mut p.dead_time),
            ],
        )?;
        if let Some(v) = dict.bool("dead_time_random")? {
            p.dead_time_random = v;
        }
        if let Some(v) = dict.i64("dead_time_shape")? {
            p.dead_time_shape = v;
        }
        if let Some(v) = dict.bool("with_reset")? {
            p.with_reset = v;
        }
        read_scalars(
            dict,
            &mut [
                ("c_1", &mut p.c_1),
                ("c_2", &mut p.c_2),
                ("c_3", &mut p.c_3),
                ("t_ref_remaining", &mut p.t_ref_remaining),
            ],
        )?;
        p.read_kernels(dict)?;
        if p.tau_sfa.len() != p.q_sfa.len() {
            return Err(bad(&format!(
                "'tau_sfa' and 'q_sfa' need to have the same dimension.\nSize of tau_sfa: \
                 {}\nSize of q_sfa: {}",
                p.tau_sfa.len(),
                p.q_sfa.len()
            ))
            .with("tau_sfa", float_list(&p.tau_sfa))
            .with("q_sfa", float_list(&p.q_sfa)));
        }
        if p.c_m <= 0.0 {
            return Err(
                bad("Capacitance must be strictly positive.").with("C_m", Value::Float(p.c_m))
            );
        }
        if p.dead_time < 0.0 {
            return Err(bad("Absolute refractory time must not be negative.")
                .with("dead_time", Value::Float(p.dead_time)));
        }
        if p.dead_time_shape < 1 {
            return Err(bad(
                "Shape of the dead time gamma distribution must not be smaller than 1.",
            )
            .with("dead_time_shape", Value::Int(p.dead_time_shape)));
        }
        if p.tau_m <= 0.0 {
            return Err(bad("All time constants must be strictly positive.")
                .with("tau_m", Value::Float(p.tau_m)));
        }
        if p.tau_sfa.iter().any(|&t| t <= 0.0) {
            return Err(bad("All time constants must be strictly positive.")
                .with("tau_sfa", float_list(&p.tau_sfa)));
        }
        if p.t_ref_remaining < 0.0 {
            return Err(bad("Remaining refractory time can not be negative.")
                .with("t_ref_remaining", Value::Float(p.t_ref_remaining)));
        }
        if p.c_3 < 0.0 {
            return Err(bad("c_3 must be positive.").with("c_3", Value::Float(p.c_3)));
        }
        Ok(())
    }

    /// `tau_sfa` and `q_sfa`: lists replace the kernels; numbers append one kernel and make
    /// `GetStatus` show the first kernel as numbers from then on (NEST's `multi_param_`).
    fn read_kernels(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        let is_number = |v: Option<&Value>| matches!(v, Some(Value::Float(_) | Value::Int(_)));
        if is_number(dict.get("tau_sfa")) || is_number(dict.get("q_sfa")) {
            let (tau, q) = (dict.f64("tau_sfa")?, dict.f64("q_sfa")?);
            let (Some(tau), Some(q)) = (tau, q) else {
                // NEST reads an uninitialised number for the missing one.
                return Err(
                    bad("'tau_sfa' and 'q_sfa' given as numbers must be given together.")
                        .with(
                            "tau_sfa",
                            tau.map_or(Value::Str("missing".into()), Value::Float),
                        )
                        .with(
                            "q_sfa",
                            q.map_or(Value::Str("missing".into()), Value::Float),
                        ),
                );
            };
            self.multi_param = false;
            self.tau_sfa.push(tau);
            self.q_sfa.push(q);
            return Ok(());
        }
        if let Some(v) = dict.f64_list("tau_sfa")? {
            self.tau_sfa = v;
        }
        if let Some(v) = dict.f64_list("q_sfa")? {
            self.q_sfa = v;
        }
        Ok(())
    }

    /// NEST's `Parameters_::get`.
    pub fn get(&self, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("I_e", self.i_e),
                ("C_m", self.c_m),
                ("tau_m", self.tau_m),
                ("dead_time", self.dead_time),
                ("c_1", self.c_1),
                ("c_2", self.c_2),
                ("c_3", self.c_3),
                ("t_ref_remaining", self.t_ref_remaining),
            ],
        );
        out.insert("dead_time_random", Value::Bool(self.dead_time_random));
        out.insert("dead_time_shape", Value::Int(self.dead_time_shape));
        out.insert("with_reset", Value::Bool(self.with_reset));
        let (tau, q) = if self.multi_param {
            (float_list(&self.tau_sfa), float_list(&self.q_sfa))
        } else if self.tau_sfa.is_empty() {
            (Value::Int(0), Value::Int(0))
        } else {
            (Value::Float(self.tau_sfa[0]), Value::Float(self.q_sfa[0]))
        };
        out.insert("tau_sfa", tau);
        out.insert("q_sfa", q);
    }
}

/// Constants of a run (NEST's `pre_run_hook`).
#[derive(Clone, Debug, Default)]
pub struct Derived {
    p33: f64,
    p30: f64,
    /// `e^{−h/τ_sfa,j}`.
    q33: Vec<f64>,
    /// The dead time in steps (fixed dead time) …
    dead_time_counts: i64,
    /// … or the gamma distribution's rate, `shape/dead_time` (random dead time).
    dt_rate: f64,
    h: f64,
    /// The grid, to put a drawn dead time on it.
    grid: Option<TimeGrid>,
}

fn derive(p: &Params, grid: &TimeGrid) -> Derived {
    let h = grid.h();
    let p33 = (-h / p.tau_m).exp();
    Derived {
        p33,
        p30: 1.0 / p.c_m * (1.0 - p33) * p.tau_m,
        q33: p.tau_sfa.iter().map(|t| (-h / t).exp()).collect(),
        dead_time_counts: grid.ms_to_steps_up(p.dead_time),
        dt_rate: p.dead_time_shape as f64 / p.dead_time,
        h,
        grid: Some(*grid),
    }
}

/// A `pp_psc_delta` population: parameters and the initial `(V_m, E_sfa)`.
#[derive(Clone, Debug, PartialEq)]
pub struct PpPscDelta {
    pub params: Params,
    pub initial_v: f64,
    pub initial_e_sfa: f64,
}

impl PpPscDelta {
    /// NEST's defaults, then [`Params::set`] and `State_::set`. Unknown keys stay in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<PpPscDelta, ParamError> {
        let mut params = Params::default();
        params.set(dict)?;
        let (mut initial_v, mut initial_e_sfa) = (0.0, 0.0);
        read_scalars(
            dict,
            &mut [("V_m", &mut initial_v), ("E_sfa", &mut initial_e_sfa)],
        )?;
        Ok(PpPscDelta {
            params,
            initial_v,
            initial_e_sfa,
        })
    }
}

impl NeuronModel for PpPscDelta {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        2
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, MODEL_NAME, SPIKES, weight)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, MODEL_NAME, CURRENT, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        vec![Recordable::new("E_sfa", "mV"), Recordable::new("V_m", "mV")]
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(PpPscDeltaChunk {
            sets: ParamSets::new(&self.params, n, derive),
            n,
            v: vec![self.initial_v; n],
            e_sfa: vec![self.initial_e_sfa; n],
            i_stim: vec![0.0; n],
            dead_steps: vec![0; n],
            sfa_elems: vec![Vec::new(); n],
            initialised: false,
            streams: NeuronStreams::new(n),
        })
    }
}

/// The state of `n` `pp_psc_delta` neurons.
pub struct PpPscDeltaChunk {
    sets: ParamSets<Params, Derived>,
    n: usize,
    /// `V_m` (NEST's `y3_`), mV relative to rest.
    v: Vec<f64>,
    /// `E_sfa` (NEST's `q_`).
    e_sfa: Vec<f64>,
    /// Current input of the coming step (NEST's `y0_`).
    i_stim: Vec<f64>,
    /// Dead-time steps left.
    dead_steps: Vec<i64>,
    /// The adaptation elements (NEST's `q_elems_`).
    sfa_elems: Vec<Vec<f64>>,
    /// NEST's `init_state_` runs once, at the first run.
    initialised: bool,
    streams: NeuronStreams,
}

impl NeuronChunk for PpPscDeltaChunk {
    fn len(&self) -> usize {
        self.n
    }

    fn seed_streams(&mut self, seed: u64, first_id: u32) {
        self.streams.seed(self.n, seed, first_id);
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        // NEST's pre_run_hook raises a dead time in (0, h) to h, in the parameters.
        let h = grid.h();
        for i in 0..self.n {
            let p = self.sets.params(i);
            if p.dead_time != 0.0 && p.dead_time < h {
                let mut p = p.clone();
                p.dead_time = h;
                self.sets.assign(i, p);
            }
        }
        self.sets.prepare(grid);
        if !self.initialised {
            for i in 0..self.n {
                self.dead_steps[i] = grid.ms_to_steps_up(self.sets.params(i).t_ref_remaining);
            }
            self.initialised = true;
        }
        for i in 0..self.n {
            let k = self.sets.params(i).tau_sfa.len();
            self.sfa_elems[i].resize(k, 0.0);
        }
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "{MODEL_NAME}: update before prepare"
        );
        let n = self.n;
        let spikes = &input[SPIKES as usize * n..][..n];
        let current = &input[CURRENT as usize * n..][..n];
        for i in 0..n {
            let p = self.sets.params(i);
            let d = self.sets.derived(i);
            let mut v = d.p30 * (self.i_stim[i] + p.i_e) + d.p33 * self.v[i] + spikes[i];
            let mut q = 0.0;
            for (e, &f) in self.sfa_elems[i].iter_mut().zip(&d.q33) {
                *e *= f;
                q += *e;
            }
            self.e_sfa[i] = q;
            if self.dead_steps[i] == 0 {
                let v_eff = v - q;
                let rate = p.c_1 * v_eff + p.c_2 * (p.c_3 * v_eff).exp();
                if rate > 0.0 {
                    let n_spikes = if p.dead_time > 0.0 {
                        u32::from(self.streams.uniform(i) <= -expm1(-rate * d.h * 1e-3))
                    } else {
                        rng::poisson(self.streams.rng(i), rate * d.h * 1e-3)
                    };
                    if n_spikes > 0 {
                        self.dead_steps[i] = if p.dead_time_random {
                            let draw = rng::gamma(self.streams.rng(i), p.dead_time_shape as f64);
                            d.grid.expect("prepared").ms_to_steps_up(draw / d.dt_rate)
                        } else {
                            d.dead_time_counts
                        };
                        for (e, q) in self.sfa_elems[i].iter_mut().zip(&p.q_sfa) {
                            *e += q * f64::from(n_spikes);
                        }
                        emitted.push((i as u32, n_spikes));
                        if p.with_reset {
                            v = 0.0;
                        }
                    }
                }
            } else {
                self.dead_steps[i] -= 1;
            }
            self.v[i] = v;
            self.i_stim[i] = current[i];
        }
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        match index {
            0 => self.e_sfa[neuron],
            1 => self.v[neuron],
            _ => panic!("{MODEL_NAME} has no recordable {index}"),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let mut out = Dict::new();
        self.sets.params(neuron).get(&mut out);
        put_floats(
            &mut out,
            &[("V_m", self.v[neuron]), ("E_sfa", self.e_sfa[neuron])],
        );
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        p.set(dict)?;
        let (mut v, mut e_sfa) = (self.v[neuron], self.e_sfa[neuron]);
        read_scalars(dict, &mut [("V_m", &mut v), ("E_sfa", &mut e_sfa)])?;
        self.sets.assign(neuron, p);
        self.v[neuron] = v;
        self.e_sfa[neuron] = e_sfa;
        Ok(())
    }
}
