//! `iaf_psc_delta`: the leaky integrate-and-fire neuron with delta-shaped postsynaptic currents
//! (a spike makes the membrane potential jump), NEST 3.10's model of that name, reproduced bit
//! for bit.
//!
//! # Model
//!
//! Voltages are held relative to `E_L` (`y3 = V_m − E_L`). Between spikes
//!
//! ```text
//! dy3/dt = −y3/τm + (I_e + I_stim)/C  +  Σ_k w_k·δ(t − t_k)
//! ```
//!
//! is integrated exactly: a spike of weight `w` (mV, any sign) moves `y3` by `w` at the end of
//! its arrival step.
//!
//! One step `k → k+1`, in NEST's order: (1) unless refractory, `y3 ← P30·(I_stim + I_e) +
//! P33·y3 + W` (`W`: the summed weights arriving in this step, `P33 = exp(−h/τm)`, `P30 =
//! (1/C)·(1 − P33)·τm`), then, with `refractory_input`, the input buffered during the last
//! refractory period is added, then `y3 ← max(y3, V_min − E_L)`; else, with
//! `refractory_input`, `W·exp(−r·h/τm)` is buffered (`r`: the refractory steps left, so the
//! input decays as if it had arrived at the period's end), without it `W` is dropped, and the
//! refractory counter counts down; (2) if `y3 ≥ V_th − E_L` the neuron spikes at `t_{k+1}`,
//! `y3 ← V_reset − E_L` and the next `⌈t_ref/h⌉` steps hold `y3`; (3) the current input of the
//! next step is latched.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `E_L` | −70 | mV | resting potential |
//! | `C_m` | 250 | pF | membrane capacitance |
//! | `tau_m` | 10 | ms | membrane time constant |
//! | `t_ref` | 2 | ms | refractory period (≥ 0) |
//! | `V_th` | −55 | mV | spike threshold |
//! | `V_reset` | −70 | mV | reset potential |
//! | `V_min` | −1.797…e308 (−DBL_MAX) | mV | lower bound of the membrane potential |
//! | `I_e` | 0 | pA | constant external current |
//! | `refractory_input` | false | | buffer spikes arriving while refractory |
//!
//! Initial state: `V_m` (mV, default −70; it keeps its absolute value when only `E_L` changes,
//! as do `V_th`, `V_reset` and `V_min`).
//!
//! Receptors: spikes and currents on receptor 0 only. Recordables: `V_m`.
//!
//! # References
//!
//! * Rotter S, Diesmann M (1999). Exact digital simulation of time-invariant linear systems with
//!   applications to neuronal modeling. Biological Cybernetics 81:381–402.
//! * NEST 3.10, `models/iaf_psc_delta.{h,cpp}`; spec `nest-semantics.md` §4.0.

use crate::iaf_membrane::{self, require, Membrane, RelativeVoltageParams};
use crate::param_sets::ParamSets;
use crate::receptor_zero;
use crate::voltages::put_floats;
use spindle_core::archive::Archive;
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_psc_delta";

/// Every key [`IafPscDelta::from_params`] reads.
pub const KEYS: &[&str] = &[
    "E_L",
    "C_m",
    "tau_m",
    "t_ref",
    "V_th",
    "V_reset",
    "V_min",
    "I_e",
    "refractory_input",
    "V_m",
];

/// Input channel of spikes (receptor 0, any sign).
const SPIKES: u16 = 0;
/// Input channel of currents (receptor 0).
const I0: u16 = 1;

/// User parameters. Voltages are stored relative to `E_L`, as NEST stores them.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// `E_L`, `C_m`, `tau_m`, `t_ref`, `V_th`, `V_reset`, `I_e`.
    pub m: Membrane,
    /// `V_min − E_L`, mV.
    pub v_min: f64,
    /// `refractory_input` (NEST's `with_refr_input_`).
    pub refractory_input: bool,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            m: Membrane::default(),
            v_min: -f64::MAX,
            refractory_input: false,
        }
    }
}

/// Constants computed before each run (NEST's `pre_run_hook`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Derived {
    /// `exp(−h/τm)`.
    pub p33: f64,
    /// `(1/C)·(1 − P33)·τm`: current → V.
    pub p30: f64,
    /// `h` and `τm`, for the decay of input buffered while refractory.
    pub h: f64,
    pub tau_m: f64,
    /// Refractory steps, `t_ref` rounded up to the grid (saturating at `i32::MAX` steps).
    pub refractory_counts: i32,
    /// The parameters the update reads.
    pub i_e: f64,
    pub theta: f64,
    pub v_reset: f64,
    pub v_min: f64,
    pub refractory_input: bool,
}

impl Derived {
    /// NEST's `pre_run_hook`, with its exact expressions.
    pub fn new(p: &Params, grid: &TimeGrid) -> Derived {
        let h = grid.h();
        let m = &p.m;
        let p33 = (-h / m.tau_m).exp();
        Derived {
            p33,
            p30: 1.0 / m.c_m * (1.0 - p33) * m.tau_m,
            h,
            tau_m: m.tau_m,
            refractory_counts: i32::try_from(grid.ms_to_steps_up(m.t_ref)).unwrap_or(i32::MAX),
            i_e: m.i_e,
            theta: m.theta,
            v_reset: m.v_reset,
            v_min: p.v_min,
            refractory_input: p.refractory_input,
        }
    }
}

/// An `iaf_psc_delta` population: validated parameters and the initial `V_m − E_L`.
#[derive(Clone, Debug, PartialEq)]
pub struct IafPscDelta {
    pub params: Params,
    /// Initial `V_m − E_L` (NEST's `y3_`), mV.
    pub initial_y3: f64,
}

impl Default for IafPscDelta {
    fn default() -> IafPscDelta {
        IafPscDelta {
            params: Params::default(),
            initial_y3: 0.0,
        }
    }
}

impl RelativeVoltageParams for Params {
    /// NEST's `Parameters_::set`: read the keys of [`KEYS`] (but `V_m`) present in `dict` on top
    /// of these parameters and validate with NEST's rules and messages, in NEST's order.
    fn set(&mut self, dict: &mut Dict) -> Result<f64, ParamError> {
        let delta_e_l = self
            .m
            .read(dict, &mut [("V_min", &mut self.v_min)], &mut [], "t_ref")?;
        let m = &self.m;
        m.require_reset_below_threshold()?;
        require(m.c_m > 0.0, "Capacitance must be > 0.", &[("C_m", m.c_m)])?;
        require(
            m.t_ref >= 0.0,
            "Refractory time must not be negative.",
            &[("t_ref", m.t_ref)],
        )?;
        require(
            m.tau_m > 0.0,
            "Membrane time constant must be > 0.",
            &[("tau_m", m.tau_m)],
        )?;
        if let Some(b) = dict.bool("refractory_input")? {
            self.refractory_input = b;
        }
        Ok(delta_e_l)
    }

    fn e_l(&self) -> f64 {
        self.m.e_l
    }
}

impl Params {
    /// NEST's `Parameters_::get`: absolute voltages.
    pub fn get(&self, out: &mut Dict) {
        self.m.put(out, "t_ref");
        put_floats(out, &[("V_min", self.v_min + self.m.e_l)]);
        out.insert("refractory_input", Value::Bool(self.refractory_input));
    }
}

impl IafPscDelta {
    /// NEST's defaults, then [`Params::set`] and the state's `V_m` (NEST's `State_::set`): the
    /// path `SetStatus` takes too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<IafPscDelta, ParamError> {
        let (params, initial_y3) = iaf_membrane::from_dict(dict)?;
        Ok(IafPscDelta { params, initial_y3 })
    }
}

impl NeuronModel for IafPscDelta {
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
        receptor_zero(receptor, MODEL_NAME, I0, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        vec![Recordable::new("V_m", "mV")]
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(IafPscDeltaChunk::new(&self.params, self.initial_y3, n))
    }
}

/// The state of `n` `iaf_psc_delta` neurons, structure-of-arrays.
pub struct IafPscDeltaChunk {
    /// Each neuron's parameters and propagators.
    sets: ParamSets<Params, Derived>,
    s: Columns,
}

/// The state columns of an [`IafPscDeltaChunk`].
struct Columns {
    n: usize,
    /// `V_m − E_L`, mV.
    y3: Vec<f64>,
    /// Current input of the coming step (NEST's `y0_`), pA.
    y0: Vec<f64>,
    /// Input that arrived while refractory, decayed to the end of the period (NEST's
    /// `refr_spikes_buffer_`), mV.
    refractory_buffer: Vec<f64>,
    refractory_steps: Vec<i32>,
}

impl Columns {
    /// One step of every neuron, with neuron `i`'s constants `derived(i)`.
    #[inline(always)]
    /// One step of every neuron; `archives` (the neurons' spike archives) when some neuron
    /// has NEST's ignore-and-spike mechanism on: the threshold decision then goes through
    /// `spike_event_is_due`, as in NEST's `iaf_psc_delta::update`.
    fn step_all(
        &mut self,
        input: &[f64],
        emitted: &mut Emitted,
        derived: impl Fn(usize) -> Derived,
        mut archives: Option<&mut [Archive]>,
    ) {
        let n = self.n;
        let w = &input[SPIKES as usize * n..][..n];
        let current = &input[I0 as usize * n..][..n];
        let y3 = &mut self.y3[..n];
        let y0 = &mut self.y0[..n];
        let buffer = &mut self.refractory_buffer[..n];
        let r = &mut self.refractory_steps[..n];
        for i in 0..n {
            let d = derived(i);
            if r[i] == 0 {
                // 1. Membrane, the spikes of this step and the buffered refractory input.
                let mut v = d.p30 * (y0[i] + d.i_e) + d.p33 * y3[i] + w[i];
                if d.refractory_input && buffer[i] != 0.0 {
                    v += buffer[i];
                    buffer[i] = 0.0;
                }
                y3[i] = if v < d.v_min { d.v_min } else { v };
            } else {
                // Refractory: keep the input, decayed to the end of the period, or drop it.
                if d.refractory_input {
                    buffer[i] += w[i] * (-f64::from(r[i]) * d.h / d.tau_m).exp();
                }
                r[i] -= 1;
            }
            // 2. Threshold (≥), reset and refractoriness.
            let crossed = y3[i] >= d.theta;
            let spikes = match archives.as_deref_mut() {
                Some(a) => a[i].spike_event_is_due(crossed),
                None => crossed,
            };
            if spikes {
                r[i] = d.refractory_counts;
                y3[i] = d.v_reset;
                emitted.push((i as u32, 1));
            }
            // 3. The current input of the next step.
            y0[i] = current[i];
        }
    }
}

impl IafPscDeltaChunk {
    pub fn new(p: &Params, initial_y3: f64, n: usize) -> IafPscDeltaChunk {
        IafPscDeltaChunk {
            sets: ParamSets::new(p, n, Derived::new),
            s: Columns {
                n,
                y3: vec![initial_y3; n],
                y0: vec![0.0; n],
                refractory_buffer: vec![0.0; n],
                refractory_steps: vec![0; n],
            },
        }
    }
}

impl IafPscDeltaChunk {
    fn step(&mut self, input: &[f64], emitted: &mut Emitted, archives: Option<&mut [Archive]>) {
        assert!(
            self.sets.is_prepared(),
            "iaf_psc_delta: update before prepare"
        );
        // One parameter set: its constants are loop invariants.
        if let Some((_, &d)) = self.sets.uniform() {
            self.s.step_all(input, emitted, |_| d, archives);
        } else {
            let (table, index) = (self.sets.derived_table(), self.sets.index());
            self.s
                .step_all(input, emitted, |i| table[index[i] as usize], archives);
        }
    }
}

impl NeuronChunk for IafPscDeltaChunk {
    fn len(&self) -> usize {
        self.s.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.sets.prepare(grid);
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        self.step(input, emitted, None);
    }

    fn update_archived(
        &mut self,
        _step: Step,
        input: &[f64],
        emitted: &mut Emitted,
        archives: &mut [Archive],
    ) {
        self.step(input, emitted, Some(archives));
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        match index {
            0 => self.s.y3[neuron] + self.sets.params(neuron).m.e_l,
            _ => panic!("{MODEL_NAME} has no recordable {index}"),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let p = self.sets.params(neuron);
        let mut out = Dict::new();
        p.get(&mut out);
        put_floats(&mut out, &[("V_m", self.s.y3[neuron] + p.m.e_l)]);
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        iaf_membrane::set_status(&mut self.sets, neuron, &mut self.s.y3[neuron], dict)
    }
}
