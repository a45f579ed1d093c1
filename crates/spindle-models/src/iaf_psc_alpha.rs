//! `iaf_psc_alpha`: the leaky integrate-and-fire neuron with alpha-shaped postsynaptic currents,
//! NEST 3.10's model of that name, reproduced bit for bit (spec §4.1).
//!
//! # Model
//!
//! Voltages are held relative to `E_L` (`y3 = V_m − E_L`). Between spikes
//!
//! ```text
//! dy3/dt = −y3/τm + (I_ex + I_in + I_e + I_stim)/C
//! I_X(t) = Σ_k w_k · (t − t_k)/τ_X · exp(1 − (t − t_k)/τ_X)      X ∈ {ex, in}
//! ```
//!
//! is integrated exactly (Rotter & Diesmann 1999): each step multiplies the state
//! `(dI_ex, I_ex, dI_in, I_in, y3)` by precomputed propagators (`iaf_propagator.rs`, with
//! NEST's own `expm1`). A spike of weight `w` kicks `dI_X` by `w·e/τ_X`, an alpha current of peak
//! `w` pA at `τ_X` after arrival. Spikes of positive weight go to the excitatory synapse, all
//! others (negative or zero) to the inhibitory one, keeping their sign (`I_syn_in ≤ 0`).
//!
//! One step `k → k+1`, in NEST's order: (1) unless refractory, `y3 ← P30·(I_stim + I_e) +
//! P31ex·dI_ex + P32ex·I_ex + P31in·dI_in + P32in·I_in + expm1(−h/τm)·y3 + y3`, then
//! `y3 ← max(y3, V_min − E_L)`; else the refractory counter counts down; (2) the synaptic
//! currents advance and the spikes arriving for this step are added; (3) if `y3 ≥ V_th − E_L`
//! (note `≥`) the neuron spikes at `t_{k+1}`, `y3 ← V_reset − E_L` and the next `⌈t_ref/h⌉`
//! steps hold `y3`; (4) the current input of the next step is latched (not held).
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
//! | `tau_syn_ex` | 2 | ms | rise time of the excitatory alpha current |
//! | `tau_syn_in` | 2 | ms | rise time of the inhibitory alpha current |
//! | `I_e` | 0 | pA | constant external current |
//! | `V_min` | −∞ | mV | lower bound of the membrane potential |
//!
//! Initial state: `V_m` (mV, default −70, i.e. `E_L` of the defaults; it keeps its absolute value
//! when only `E_L` is changed, as do `V_th`, `V_reset` and `V_min`).
//!
//! Receptors: spikes and currents on receptor 0 only. Recordables: `V_m`, `I_syn_ex`, `I_syn_in`.
//!
//! # References
//!
//! * Rotter S, Diesmann M (1999). Exact digital simulation of time-invariant linear systems with
//!   applications to neuronal modeling. Biological Cybernetics 81:381–402.
//! * NEST 3.10, `models/iaf_psc_alpha.{h,cpp}`; spec `nest-semantics.md` §4.0, §4.1.

use crate::iaf_membrane::{self, require, Membrane, RelativeVoltageParams};
use crate::iaf_propagator::{expm1, IafPropagator};
use crate::param_sets::ParamSets;
use crate::receptor_zero;
use crate::voltages::put_floats;
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params as Dict};
use spindle_core::time::{Step, TimeGrid};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_psc_alpha";

/// Every key [`IafPscAlpha::from_params`] reads.
pub const KEYS: &[&str] = &[
    "E_L",
    "C_m",
    "tau_m",
    "t_ref",
    "V_th",
    "V_reset",
    "tau_syn_ex",
    "tau_syn_in",
    "I_e",
    "V_min",
    "V_m",
];

/// Input channel of excitatory spikes (receptor 0, weight > 0).
const SYN_EX: u16 = 0;
/// Input channel of inhibitory spikes (receptor 0, weight ≤ 0).
const SYN_IN: u16 = 1;
/// Input channel of currents (receptor 0).
const I0: u16 = 2;

/// User parameters. Voltages are stored relative to `E_L`, as NEST stores them, so that the
/// arithmetic (and hence every rounding) is NEST's.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// `E_L`, `C_m`, `tau_m`, `t_ref`, `V_th`, `V_reset`, `I_e`.
    pub m: Membrane,
    /// `tau_syn_ex`, ms.
    pub tau_syn_ex: f64,
    /// `tau_syn_in`, ms.
    pub tau_syn_in: f64,
    /// `V_min − E_L` (NEST's `LowerBound_`), mV.
    pub lower_bound: f64,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            m: Membrane::default(),
            tau_syn_ex: 2.0,
            tau_syn_in: 2.0,
            lower_bound: f64::NEG_INFINITY,
        }
    }
}

/// Constants computed from the parameters and the resolution before each run (NEST's
/// `pre_run_hook`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Derived {
    /// `exp(−h/τ_ex)`: decay of `dI_ex` and `I_ex` (NEST's `P11_ex_ = P22_ex_`).
    pub p11_ex: f64,
    /// `h·P11_ex`: `dI_ex → I_ex`.
    pub p21_ex: f64,
    /// `dI_ex → y3`.
    pub p31_ex: f64,
    /// `I_ex → y3`.
    pub p32_ex: f64,
    pub p11_in: f64,
    pub p21_in: f64,
    pub p31_in: f64,
    pub p32_in: f64,
    /// `expm1(−h/τm)` (NEST's expm1): `y3 → y3` minus one.
    pub expm1_tau_m: f64,
    /// `(−τm/C)·expm1(−h/τm)`: current → `y3`.
    pub p30: f64,
    /// `e/τ_ex`: the jump of `dI_ex` per unit weight.
    pub epsc_initial_value: f64,
    /// `e/τ_in`.
    pub ipsc_initial_value: f64,
    /// Refractory steps, `t_ref` rounded up to the grid (saturating at `i32::MAX` steps, i.e.
    /// beyond ~2·10⁹ steps a refractory period is effectively infinite; 32-bit counters keep the
    /// update loop's lanes narrow).
    pub refractory_counts: i32,
    /// The parameters the update reads, copied here so that one `Derived` is all a neuron's
    /// step needs: `I_e`, `V_min − E_L`, `V_th − E_L`, `V_reset − E_L`.
    pub i_e: f64,
    pub lower_bound: f64,
    pub theta: f64,
    pub v_reset: f64,
}

impl Derived {
    /// NEST's `pre_run_hook`, with its exact expressions.
    pub fn new(p: &Params, grid: &TimeGrid) -> Derived {
        let h = grid.h();
        let p11_ex = (-h / p.tau_syn_ex).exp();
        let p11_in = (-h / p.tau_syn_in).exp();
        let m = &p.m;
        let expm1_tau_m = expm1(-h / m.tau_m);
        let (p31_ex, p32_ex) = IafPropagator::new(p.tau_syn_ex, m.tau_m, m.c_m).alpha_psc(h);
        let (p31_in, p32_in) = IafPropagator::new(p.tau_syn_in, m.tau_m, m.c_m).alpha_psc(h);
        Derived {
            p11_ex,
            p21_ex: h * p11_ex,
            p31_ex,
            p32_ex,
            p11_in,
            p21_in: h * p11_in,
            p31_in,
            p32_in,
            expm1_tau_m,
            p30: -m.tau_m / m.c_m * expm1_tau_m,
            epsc_initial_value: 1.0 * std::f64::consts::E / p.tau_syn_ex,
            ipsc_initial_value: 1.0 * std::f64::consts::E / p.tau_syn_in,
            refractory_counts: i32::try_from(grid.ms_to_steps_up(m.t_ref)).unwrap_or(i32::MAX),
            i_e: m.i_e,
            lower_bound: p.lower_bound,
            theta: m.theta,
            v_reset: m.v_reset,
        }
    }
}

/// An `iaf_psc_alpha` population: validated parameters and the initial `V_m − E_L`.
#[derive(Clone, Debug, PartialEq)]
pub struct IafPscAlpha {
    pub params: Params,
    /// Initial `V_m − E_L` (NEST's `y3_`), mV.
    pub initial_y3: f64,
}

impl Default for IafPscAlpha {
    fn default() -> IafPscAlpha {
        IafPscAlpha {
            params: Params::default(),
            initial_y3: 0.0,
        }
    }
}

impl RelativeVoltageParams for Params {
    /// NEST's `Parameters_::set`: read the keys of [`KEYS`] (but `V_m`) present in `dict` on top
    /// of these parameters and validate with NEST's rules and messages, in NEST's order.
    fn set(&mut self, dict: &mut Dict) -> Result<f64, ParamError> {
        let delta_e_l = self.m.read(
            dict,
            &mut [("V_min", &mut self.lower_bound)],
            &mut [
                ("tau_syn_ex", &mut self.tau_syn_ex),
                ("tau_syn_in", &mut self.tau_syn_in),
            ],
            "t_ref",
        )?;
        let m = &self.m;
        require(m.c_m > 0.0, "Capacitance must be > 0.", &[("C_m", m.c_m)])?;
        require(
            m.tau_m > 0.0,
            "Membrane time constant must be > 0.",
            &[("tau_m", m.tau_m)],
        )?;
        require(
            self.tau_syn_ex > 0.0 && self.tau_syn_in > 0.0,
            "All synaptic time constants must be > 0.",
            &[
                ("tau_syn_ex", self.tau_syn_ex),
                ("tau_syn_in", self.tau_syn_in),
            ],
        )?;
        require(
            m.t_ref >= 0.0,
            "The refractory time t_ref can't be negative.",
            &[("t_ref", m.t_ref)],
        )?;
        m.require_reset_below_threshold()?;
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
        put_floats(
            out,
            &[
                ("V_min", self.lower_bound + self.m.e_l),
                ("tau_syn_ex", self.tau_syn_ex),
                ("tau_syn_in", self.tau_syn_in),
            ],
        );
    }
}

impl IafPscAlpha {
    /// NEST's defaults, then [`Params::set`] and the state's `V_m` (NEST's `State_::set`): the
    /// path `SetStatus` takes too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<IafPscAlpha, ParamError> {
        let (params, initial_y3) = iaf_membrane::from_dict(dict)?;
        Ok(IafPscAlpha { params, initial_y3 })
    }
}

impl NeuronModel for IafPscAlpha {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        3
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        // NEST splits per event on `weight · multiplicity > 0`; multiplicities are positive, so
        // the event's weight decides (the connection weight, times a spike generator's
        // `spike_weights` factor, with which the kernel calls this per sign).
        let channel = if weight > 0.0 { SYN_EX } else { SYN_IN };
        receptor_zero(receptor, MODEL_NAME, channel, weight)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, MODEL_NAME, I0, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        vec![
            Recordable::new("V_m", "mV"),
            Recordable::new("I_syn_ex", "pA"),
            Recordable::new("I_syn_in", "pA"),
        ]
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(IafPscAlphaChunk::new(&self.params, self.initial_y3, n))
    }
}

/// The state of `n` `iaf_psc_alpha` neurons, structure-of-arrays.
pub struct IafPscAlphaChunk {
    /// Each neuron's parameters and propagators.
    sets: ParamSets<Params, Derived>,
    s: Columns,
}

/// The state columns of an [`IafPscAlphaChunk`].
struct Columns {
    n: usize,
    /// `V_m − E_L`, mV.
    y3: Vec<f64>,
    /// Current input of the coming step (NEST's `y0_`), pA.
    y0: Vec<f64>,
    di_ex: Vec<f64>,
    i_ex: Vec<f64>,
    di_in: Vec<f64>,
    i_in: Vec<f64>,
    refractory_steps: Vec<i32>,
    /// Scratch: which neurons crossed the threshold in the current step.
    spiked: Vec<bool>,
}

impl Columns {
    /// One step of every neuron, with neuron `i`'s constants `derived(i)`.
    #[inline(always)]
    fn step_all(
        &mut self,
        input: &[f64],
        emitted: &mut Emitted,
        derived: impl Fn(usize) -> Derived,
    ) {
        let n = self.n;
        // Equal-length slices let the compiler drop the bounds checks; the loop body is
        // branch-free (selects), so it vectorises; spikes are collected in a second pass.
        let w_ex = &input[SYN_EX as usize * n..][..n];
        let w_in = &input[SYN_IN as usize * n..][..n];
        let current = &input[I0 as usize * n..][..n];
        let y3 = &mut self.y3[..n];
        let y0 = &mut self.y0[..n];
        let di_ex = &mut self.di_ex[..n];
        let i_ex = &mut self.i_ex[..n];
        let di_in = &mut self.di_in[..n];
        let i_in = &mut self.i_in[..n];
        let r = &mut self.refractory_steps[..n];
        let spiked = &mut self.spiked[..n];
        let mut any = false;
        for i in 0..n {
            let d = derived(i);
            // 1. Membrane, unless refractory (NEST's left-to-right sum, then the lower bound).
            let v = d.p30 * (y0[i] + d.i_e)
                + d.p31_ex * di_ex[i]
                + d.p32_ex * i_ex[i]
                + d.p31_in * di_in[i]
                + d.p32_in * i_in[i]
                + d.expm1_tau_m * y3[i]
                + y3[i];
            let v = if v < d.lower_bound { d.lower_bound } else { v };
            let active = r[i] == 0;
            let mut v = if active { v } else { y3[i] };
            let mut ri = if active { 0 } else { r[i] - 1 };
            // 2. Alpha currents, then the spikes that arrive at the end of this step.
            i_ex[i] = d.p21_ex * di_ex[i] + d.p11_ex * i_ex[i];
            di_ex[i] = di_ex[i] * d.p11_ex + d.epsc_initial_value * w_ex[i];
            i_in[i] = d.p21_in * di_in[i] + d.p11_in * i_in[i];
            di_in[i] = di_in[i] * d.p11_in + d.ipsc_initial_value * w_in[i];
            // 3. Threshold (≥), reset and refractoriness.
            let spike = v >= d.theta;
            v = if spike { d.v_reset } else { v };
            ri = if spike { d.refractory_counts } else { ri };
            y3[i] = v;
            r[i] = ri;
            spiked[i] = spike;
            any |= spike;
            // 4. The current input of the next step.
            y0[i] = current[i];
        }
        if any {
            emitted.extend(
                spiked
                    .iter()
                    .enumerate()
                    .filter(|(_, &s)| s)
                    .map(|(i, _)| (i as u32, 1)),
            );
        }
    }
}

impl IafPscAlphaChunk {
    pub fn new(p: &Params, initial_y3: f64, n: usize) -> IafPscAlphaChunk {
        IafPscAlphaChunk {
            sets: ParamSets::new(p, n, Derived::new),
            s: Columns {
                n,
                y3: vec![initial_y3; n],
                y0: vec![0.0; n],
                di_ex: vec![0.0; n],
                i_ex: vec![0.0; n],
                di_in: vec![0.0; n],
                i_in: vec![0.0; n],
                refractory_steps: vec![0; n],
                spiked: vec![false; n],
            },
        }
    }

    /// The refractory steps left of one neuron.
    pub fn refractory_steps(&self, neuron: usize) -> i64 {
        i64::from(self.s.refractory_steps[neuron])
    }
}

impl NeuronChunk for IafPscAlphaChunk {
    fn len(&self) -> usize {
        self.s.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.sets.prepare(grid);
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "iaf_psc_alpha: update before prepare"
        );
        // One parameter set: its constants are loop invariants (the vectorised fast path).
        if let Some((_, &d)) = self.sets.uniform() {
            self.s.step_all(input, emitted, |_| d);
        } else {
            let (table, index) = (self.sets.derived_table(), self.sets.index());
            self.s
                .step_all(input, emitted, |i| table[index[i] as usize]);
        }
    }
    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        match index {
            0 => self.s.y3[neuron] + self.sets.params(neuron).m.e_l,
            1 => self.s.i_ex[neuron],
            2 => self.s.i_in[neuron],
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
