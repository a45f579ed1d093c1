//! What NEST's conductance-based leaky integrate-and-fire models share — `iaf_cond_exp`,
//! `iaf_cond_alpha`, `iaf_cond_beta`, `iaf_cond_exp_sfa_rr` — written once: the membrane
//! parameters and their checks, the routing of spikes by the sign of their weight, and the
//! chunk that integrates every neuron over a step with GSL 1.15's RKF45 and NEST's step control
//! (absolute tolerance 1e-3 on every component, the step estimate carried across steps) and
//! then applies refractoriness, the threshold and the conductance jumps.
//!
//! A model file supplies a [`CondModel`]: its parameters beyond the [`Membrane`], its
//! right-hand side (NEST's `*_dynamics`, expression for expression, so that the trajectory is
//! NEST's to the last bit), where a spike's conductance jump lands and with which factor
//! (NEST's `PSConInit_*`), and whether the jumps come before the threshold test (as in
//! `iaf_cond_exp`) or after it (as in `iaf_cond_alpha`).
//!
//! One step `k → k+1` of every model, as NEST's `update`: (1) integrate over the step with the
//! refractory counter `r` and the current input `I_stim` frozen; (2) the conductance jumps of
//! the spikes arriving for this step, here or after (3); (3) if refractory, count down and hold
//! `V = V_reset`; else if `V ≥ V_th` spike at `t_{k+1}`, `V ← V_reset`, start the
//! `⌈t_ref/h⌉`-step refractory period and apply the model's spike-triggered jumps; (4) latch
//! the current input of the next step.

use crate::param_sets::ParamSets;
use crate::receptor_zero;
use crate::rkf45::{self, OdeSystem, StepInputs, Work};
use crate::voltages::{put_floats, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{
    Emitted, InputChannel, Instability, NeuronChunk, NeuronModel, Recordable,
};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};
use std::fmt::Debug;

/// Absolute tolerance of NEST's GSL step controller (`gsl_odeiv_control_y_new(1e-3, 0.0)`).
const EPS_ABS: f64 = 1e-3;

/// Input channels: excitatory spikes (|w|), inhibitory spikes (|w|), current.
pub(crate) const SYN_EX: u16 = 0;
pub(crate) const SYN_IN: u16 = 1;
pub(crate) const I0: u16 = 2;

/// Index of `V_m` in every model's state vector.
pub const V_M: usize = 0;

/// The membrane parameters of every model here (absolute voltages, as NEST stores them).
#[derive(Clone, Debug, PartialEq)]
pub struct Membrane {
    /// `V_th`, mV.
    pub v_th: f64,
    /// `V_reset`, mV.
    pub v_reset: f64,
    /// `t_ref`, ms.
    pub t_ref: f64,
    /// `g_L`, nS.
    pub g_l: f64,
    /// `C_m`, pF.
    pub c_m: f64,
    /// `E_ex`, mV.
    pub e_ex: f64,
    /// `E_in`, mV.
    pub e_in: f64,
    /// `E_L`, mV.
    pub e_l: f64,
    /// `I_e`, pA.
    pub i_e: f64,
}

impl Default for Membrane {
    /// NEST's defaults of `iaf_cond_exp`, `iaf_cond_alpha` and `iaf_cond_beta`.
    fn default() -> Membrane {
        Membrane {
            v_th: -55.0,
            v_reset: -60.0,
            t_ref: 2.0,
            g_l: 16.6667,
            c_m: 250.0,
            e_ex: 0.0,
            e_in: -85.0,
            e_l: -70.0,
            i_e: 0.0,
        }
    }
}

/// A model's `KEYS`: the keys [`Membrane::read`] reads followed by the model's own.
macro_rules! cond_keys {
    ($($own:literal),* $(,)?) => {
        &[
            "V_th", "V_reset", "t_ref", "g_L", "C_m", "E_ex", "E_in", "E_L", "I_e", $($own),*
        ]
    };
}
pub(crate) use cond_keys;

fn bad(message: &str) -> ParamError {
    ParamError::rule(message)
}

impl Membrane {
    /// Read the membrane keys present in `dict` (NEST does not check `g_L`: zero or negative
    /// leak conductances are accepted, and here too).
    pub(crate) fn read(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        read_scalars(
            dict,
            &mut [
                ("V_th", &mut self.v_th),
                ("V_reset", &mut self.v_reset),
                ("t_ref", &mut self.t_ref),
                ("E_L", &mut self.e_l),
                ("E_ex", &mut self.e_ex),
                ("E_in", &mut self.e_in),
                ("C_m", &mut self.c_m),
                ("g_L", &mut self.g_l),
                ("I_e", &mut self.i_e),
            ],
        )
    }

    /// NEST's checks of these parameters, in NEST's order and with its messages; the model's
    /// time constants come next ([`check_time_constants`]).
    pub(crate) fn check(&self) -> Result<(), ParamError> {
        if self.v_reset >= self.v_th {
            return Err(bad("Reset potential must be smaller than threshold.")
                .with("V_reset", Value::Float(self.v_reset))
                .with("V_th", Value::Float(self.v_th)));
        }
        if self.c_m <= 0.0 {
            return Err(
                bad("Capacitance must be strictly positive.").with("C_m", Value::Float(self.c_m))
            );
        }
        if self.t_ref < 0.0 {
            return Err(
                bad("Refractory time cannot be negative.").with("t_ref", Value::Float(self.t_ref))
            );
        }
        Ok(())
    }

    /// NEST's `Parameters_::get` of these parameters.
    pub(crate) fn put(&self, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("V_th", self.v_th),
                ("V_reset", self.v_reset),
                ("t_ref", self.t_ref),
                ("g_L", self.g_l),
                ("E_L", self.e_l),
                ("E_ex", self.e_ex),
                ("E_in", self.e_in),
                ("C_m", self.c_m),
                ("I_e", self.i_e),
            ],
        );
    }

    /// The potential the currents see outside refractoriness: `std::min(V, V_th)`, which
    /// returns `V` unless `V_th < V`.
    #[inline(always)]
    pub(crate) fn bounded(&self, v: f64) -> f64 {
        if self.v_th < v {
            self.v_th
        } else {
            v
        }
    }
}

/// NEST's last check: every time constant strictly positive (the message names them all).
pub(crate) fn check_time_constants(taus: &[(&str, f64)]) -> Result<(), ParamError> {
    if taus.iter().any(|&(_, tau)| tau <= 0.0) {
        let mut err = bad("All time constants must be strictly positive.");
        for &(key, tau) in taus {
            err = err.with(key, Value::Float(tau));
        }
        return Err(err);
    }
    Ok(())
}

/// NEST's `beta_normalization_factor` (libnestutil): the factor that gives a beta-shaped
/// conductance a peak of 1 nS per unit weight, or the alpha function's `e/τ_decay` where the
/// two time constants coincide to machine precision.
pub fn beta_normalization_factor(tau_rise: f64, tau_decay: f64) -> f64 {
    let tau_difference = tau_decay - tau_rise;
    let mut peak_value = 0.0;
    if tau_difference.abs() > f64::EPSILON {
        let t_peak = tau_decay * tau_rise * (tau_decay / tau_rise).ln() / tau_difference;
        peak_value = (-t_peak / tau_decay).exp() - (-t_peak / tau_rise).exp();
    }
    if peak_value.abs() < f64::EPSILON {
        std::f64::consts::E / tau_decay
    } else {
        (1. / tau_rise - 1. / tau_decay) / peak_value
    }
}

/// What a recordable reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readout {
    /// A component of the state vector.
    State(usize),
    /// NEST's `t_ref_remaining`: `h · r` ms.
    RefractoryTime,
}

/// One conductance-based iaf model of NEST: what is its own in the shared step of this file.
/// `D` is the dimension of its state vector, `V_m` first.
pub trait CondModel<const D: usize>:
    Clone + Copy + Debug + Default + PartialEq + Send + Sync + 'static
{
    /// NEST's model name.
    const NAME: &'static str;
    /// The state keys of `GetStatus`/`SetStatus` and their index in the state vector, in
    /// NEST's order.
    const STATE: &'static [(&'static str, usize)];
    /// Recordables in NEST's order: name, unit, readout.
    const RECORDABLES: &'static [(&'static str, &'static str, Readout)];
    /// The state components that a spike of weight `w > 0` (excitatory) or `w ≤ 0`
    /// (inhibitory) increments.
    const JUMP_INTO: (usize, usize);
    /// Whether a step's conductance jumps come before the threshold test (`iaf_cond_exp`) or
    /// after it (`iaf_cond_alpha`).
    const JUMPS_BEFORE_THRESHOLD: bool;

    type Params: Clone + Debug + Default + PartialEq + Send + Sync;

    fn membrane(p: &Self::Params) -> &Membrane;

    /// NEST's `Parameters_::set`: read the parameter keys present in `dict` and validate with
    /// NEST's rules and messages. On error `p` may be half-updated: work on a copy.
    fn set(p: &mut Self::Params, dict: &mut Dict) -> Result<(), ParamError>;

    /// NEST's `Parameters_::get`.
    fn get(p: &Self::Params, out: &mut Dict);

    /// The factors of the excitatory and inhibitory jumps (NEST's `PSConInit_E`, `_I`,
    /// computed in `pre_run_hook`); 1 where NEST adds the weight itself.
    fn jump_factors(_p: &Self::Params) -> (f64, f64) {
        (1.0, 1.0)
    }

    /// What a spike of the neuron itself does to its state besides the reset.
    #[inline(always)]
    fn on_spike(_p: &Self::Params, _y: &mut [f64; D]) {}

    /// The right-hand side `f = dy/dt` (NEST's `*_dynamics`), with `r` and `I_stim` frozen.
    fn rhs(p: &Self::Params, refractory: bool, i_stim: f64, y: &[f64; D], f: &mut [f64; D]);
}

/// A population of one conductance-based iaf model: validated parameters and initial state.
#[derive(Clone, Debug, PartialEq)]
pub struct IafCond<M: CondModel<D>, const D: usize> {
    pub params: M::Params,
    /// The state vector of a new neuron.
    pub initial: [f64; D],
}

impl<M: CondModel<D>, const D: usize> Default for IafCond<M, D> {
    /// NEST's defaults. A new neuron's `V_m` is the *default* `E_L`, whatever `E_L` is set to
    /// (NEST's prototype state), every conductance 0.
    fn default() -> Self {
        let params = M::Params::default();
        let mut initial = [0.0; D];
        initial[V_M] = M::membrane(&params).e_l;
        IafCond { params, initial }
    }
}

/// NEST's `State_::set`: the state keys present in `dict` (absolute, unchecked).
fn read_state<M: CondModel<D>, const D: usize>(
    y: &mut [f64; D],
    dict: &mut Dict,
) -> Result<(), ParamError> {
    for &(key, index) in M::STATE {
        if let Some(v) = dict.f64(key)? {
            y[index] = v;
        }
    }
    Ok(())
}

impl<M: CondModel<D>, const D: usize> IafCond<M, D> {
    /// NEST's defaults, then the parameters and the state of `dict`: the path `SetStatus`
    /// takes too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<Self, ParamError> {
        let mut m = Self::default();
        M::set(&mut m.params, dict)?;
        read_state::<M, D>(&mut m.initial, dict)?;
        Ok(m)
    }
}

impl<M: CondModel<D>, const D: usize> NeuronModel for IafCond<M, D> {
    fn model_name(&self) -> &str {
        M::NAME
    }

    fn n_channels(&self) -> usize {
        3
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        spike_input(M::NAME, receptor, weight)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, M::NAME, I0, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        M::RECORDABLES
            .iter()
            .map(|&(name, unit, _)| Recordable::new(name, unit))
            .collect()
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(IafCondChunk::<M, D>::new(&self.params, &self.initial, n))
    }
}

/// The spike input of these models and of `iaf_chxk_2008` (`model`), receptor 0 only. NEST:
/// weight > 0 adds weight·multiplicity to the excitatory buffer, otherwise −weight·multiplicity
/// to the inhibitory one. Negation is exact, so (−w)·m is NEST's −(w·m).
pub(crate) fn spike_input(
    model: &str,
    receptor: i64,
    weight: f64,
) -> Result<InputChannel, Rejection> {
    let (channel, weight) = if weight > 0.0 {
        (SYN_EX, weight)
    } else {
        (SYN_IN, -weight)
    };
    receptor_zero(receptor, model, channel, weight)
}

/// The constants of one parameter set for a grid (NEST's `pre_run_hook`).
#[derive(Clone, Debug, Default)]
pub struct Derived {
    /// Refractory steps, `t_ref` rounded up to the grid.
    refractory_counts: i64,
    /// The excitatory and inhibitory jump factors ([`CondModel::jump_factors`]).
    jump_ex: f64,
    jump_in: f64,
}

fn derive<M: CondModel<D>, const D: usize>(p: &M::Params, grid: &TimeGrid) -> Derived {
    let (jump_ex, jump_in) = M::jump_factors(p);
    Derived {
        refractory_counts: grid.ms_to_steps_up(M::membrane(p).t_ref),
        jump_ex,
        jump_in,
    }
}

/// The right-hand side of one neuron during one step.
struct Rhs<'a, M: CondModel<D>, const D: usize> {
    p: &'a M::Params,
    refractory: bool,
    i_stim: f64,
}

impl<M: CondModel<D>, const D: usize> OdeSystem for Rhs<'_, M, D> {
    #[inline(always)]
    fn eval(&self, y: &[f64], f: &mut [f64]) {
        let y: &[f64; D] = y[..D].try_into().expect("state of dimension D");
        let f: &mut [f64; D] = (&mut f[..D]).try_into().expect("state of dimension D");
        M::rhs(self.p, self.refractory, self.i_stim, y, f);
    }
}

/// The state of `n` neurons of one conductance-based iaf model.
pub struct IafCondChunk<M: CondModel<D>, const D: usize> {
    /// Each neuron's parameters and their constants.
    sets: ParamSets<M::Params, Derived>,
    n: usize,
    /// Integrator state, one contiguous vector per neuron (the integrator works one neuron at
    /// a time).
    y: Vec<[f64; D]>,
    refractory_steps: Vec<i64>,
    /// The run's resolution, GSL's step estimates and the current input of the coming step.
    drive: StepInputs,
    /// The first neuron whose integration diverged since the last `take_instability`.
    instability: Option<Instability>,
}

impl<M: CondModel<D>, const D: usize> IafCondChunk<M, D> {
    pub fn new(p: &M::Params, init: &[f64; D], n: usize) -> Self {
        IafCondChunk {
            sets: ParamSets::new(p, n, derive::<M, D>),
            n,
            y: vec![*init; n],
            refractory_steps: vec![0; n],
            drive: StepInputs::new(n),
            instability: None,
        }
    }

    /// The integrator state of one neuron (NEST's `S_.y`).
    pub fn y(&self, neuron: usize) -> [f64; D] {
        self.y[neuron]
    }

    /// GSL's running step estimate of one neuron, ms.
    pub fn integration_step(&self, neuron: usize) -> f64 {
        self.drive.integration_step[neuron]
    }
}

impl<M: CondModel<D>, const D: usize> NeuronChunk for IafCondChunk<M, D> {
    fn len(&self) -> usize {
        self.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.drive.prepare(grid);
        self.sets.prepare(grid);
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "{}: update before prepare",
            M::NAME
        );
        let n = self.n;
        let h = self.drive.h;
        let w_ex = &input[SYN_EX as usize * n..][..n];
        let w_in = &input[SYN_IN as usize * n..][..n];
        let current = &input[I0 as usize * n..][..n];
        let mut stack = [[0.0f64; D]; 9];
        let [k1, k2, k3, k4, k5, k6, ytmp, y0, yerr] = &mut stack;
        let mut work = Work {
            k1,
            k2,
            k3,
            k4,
            k5,
            k6,
            ytmp,
            y0,
            yerr,
        };
        let (ex, inh) = M::JUMP_INTO;
        for i in 0..n {
            // A lookup per neuron costs nothing next to the integration.
            let p = self.sets.params(i);
            let d = self.sets.derived(i);
            let m = M::membrane(p);
            let y = &mut self.y[i];
            let r = &mut self.refractory_steps[i];
            let refractory = *r > 0;
            // 1. Integrate over the step with r and I_stim frozen.
            let sys = Rhs::<M, D> {
                p,
                refractory,
                i_stim: self.drive.i_stim[i],
            };
            if !rkf45::integrate(
                &sys,
                EPS_ABS,
                h,
                &mut self.drive.integration_step[i],
                y,
                &mut work,
            ) {
                // The run stops (see `NeuronChunk::take_instability`): blame the variable
                // that left, and skip the rest of the update.
                let mut names = ["V_m"; D];
                for &(name, c) in M::STATE {
                    names[c] = name;
                }
                let mut instability = rkf45::diverged(y, &names);
                instability.neuron = i;
                self.instability = Some(instability);
                return;
            }
            // 2. Conductance jumps of the spikes arriving at the end of this step, here or
            // after the threshold, as the model has them.
            if M::JUMPS_BEFORE_THRESHOLD {
                y[ex] += w_ex[i] * d.jump_ex;
                y[inh] += w_in[i] * d.jump_in;
            }
            // 3. Refractory hold or threshold test (≥).
            if refractory {
                *r -= 1;
                y[V_M] = m.v_reset;
            } else if y[V_M] >= m.v_th {
                *r = d.refractory_counts;
                y[V_M] = m.v_reset;
                M::on_spike(p, y);
                emitted.push((i as u32, 1));
            }
            if !M::JUMPS_BEFORE_THRESHOLD {
                y[ex] += w_ex[i] * d.jump_ex;
                y[inh] += w_in[i] * d.jump_in;
            }
            // 4. The current input of the next step (not latched).
            self.drive.i_stim[i] = current[i];
        }
    }

    fn take_instability(&mut self) -> Option<Instability> {
        self.instability.take()
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        match M::RECORDABLES.get(index) {
            Some((_, _, Readout::State(c))) => self.y[neuron][*c],
            Some((_, _, Readout::RefractoryTime)) => {
                self.drive.h * self.refractory_steps[neuron] as f64
            }
            None => panic!("{} has no recordable {index}", M::NAME),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let mut out = Dict::new();
        M::get(self.sets.params(neuron), &mut out);
        for &(key, index) in M::STATE {
            out.insert(key, Value::Float(self.y[neuron][index]));
        }
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        M::set(&mut p, dict)?;
        let mut y = self.y[neuron];
        read_state::<M, D>(&mut y, dict)?;
        self.sets.assign(neuron, p);
        self.y[neuron] = y;
        Ok(())
    }
}

/// The state layout of the models whose conductances are alpha or beta functions
/// (`iaf_cond_alpha`, `iaf_cond_beta`): `y = (V_m, dg_ex, g_ex, dg_in, g_in)`; a spike jumps
/// `dg_*`.
pub mod rise_decay {
    use super::Readout;

    pub const DG_EX: usize = 1;
    pub const G_EX: usize = 2;
    pub const DG_IN: usize = 3;
    pub const G_IN: usize = 4;

    /// NEST's `State_::get` order.
    pub const STATE: &[(&str, usize)] = &[
        ("V_m", 0),
        ("g_ex", G_EX),
        ("dg_ex", DG_EX),
        ("g_in", G_IN),
        ("dg_in", DG_IN),
    ];

    pub const RECORDABLES: &[(&str, &str, Readout)] = &[
        ("V_m", "mV", Readout::State(0)),
        ("g_ex", "nS", Readout::State(G_EX)),
        ("g_in", "nS", Readout::State(G_IN)),
        ("t_ref_remaining", "ms", Readout::RefractoryTime),
    ];

    /// The time constants of one conductance: `dg' = −dg/τ_dg`, `g' = dg − g/τ_g`.
    #[derive(Clone, Copy, Debug)]
    pub struct Taus {
        pub dg: f64,
        pub g: f64,
    }

    /// NEST's `iaf_cond_alpha_dynamics` (`τ_dg = τ_g = τ_syn`) and `iaf_cond_beta_dynamics`
    /// (`τ_dg = τ_decay`, `τ_g = τ_rise`), expression for expression.
    #[inline(always)]
    pub fn rhs(
        m: &super::Membrane,
        ex: Taus,
        inh: Taus,
        refractory: bool,
        i_stim: f64,
        y: &[f64; 5],
        f: &mut [f64; 5],
    ) {
        f[0] = if refractory {
            // NEST evaluates the currents at V = V_reset here; the derivative is 0 regardless.
            0.0
        } else {
            let v = m.bounded(y[0]);
            let i_syn_exc = y[G_EX] * (v - m.e_ex);
            let i_syn_inh = y[G_IN] * (v - m.e_in);
            let i_leak = m.g_l * (v - m.e_l);
            (-i_leak - i_syn_exc - i_syn_inh + i_stim + m.i_e) / m.c_m
        };
        f[DG_EX] = -y[DG_EX] / ex.dg;
        f[G_EX] = y[DG_EX] - (y[G_EX] / ex.g);
        f[DG_IN] = -y[DG_IN] / inh.dg;
        f[G_IN] = y[DG_IN] - (y[G_IN] / inh.g);
    }
}
