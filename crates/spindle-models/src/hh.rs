//! What NEST's two Hodgkin–Huxley models (`hh_psc_alpha`, `hh_cond_exp_traub`) share: one
//! population type, one chunk and one update loop, parameterised by the model's right-hand
//! side ([`HhModel`]).
//!
//! Both models integrate their state vector over each step with GSL 1.15's RKF45 and NEST's
//! step control (absolute tolerance 1e-3 on every component, the step estimate carried across
//! steps; [`crate::rkf45`]), then, in NEST's order:
//!
//! 1. remember `U_old = V_m` before integrating, integrate;
//! 2. add the synaptic jumps of the spikes arriving for this step ([`HhModel::receive`]);
//! 3. if the refractory counter is positive, count it down; else spike if
//!    `V_m ≥ threshold` **and** `U_old > V_m` (the membrane potential just passed its maximum),
//!    and restart the counter at `⌈t_ref/h⌉` steps. `V_m` is never reset: refractoriness only
//!    suppresses the detection of the next spike;
//! 4. latch the current input of the next step.
//!
//! The state keys are NEST's `V_m`, `Act_m`, `Inact_h`, `Act_n` (unchecked voltage, gating
//! variables that must be non-negative); a neuron starts from NEST's prototype state, whose
//! gating variables are at equilibrium for the prototype's `V_m` and are not recomputed when
//! `V_m` is given to `Create` or `SetStatus` (as in NEST).
//!
//! A neuron whose integration does not reach the end of a step within [`rkf45::MAX_STEPS`]
//! accepted steps is reported through [`NeuronChunk::take_instability`] and keeps the state it
//! had before the step (NEST would loop for ever).

use crate::param_sets::ParamSets;
use crate::receptor_zero;
use crate::rkf45::{self, OdeSystem, StepInputs, WorkBuf};
use crate::voltages::put_floats;
use spindle_core::error::Rejection;
use spindle_core::model::{
    Emitted, InputChannel, Instability, NeuronChunk, NeuronModel, Recordable,
};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};
use std::fmt::Debug;

/// Absolute tolerance of NEST's GSL step controller (`gsl_odeiv_control_y_new(1e-3, 0.0)`).
const EPS_ABS: f64 = 1e-3;

/// The input channels: spikes routed to the excitatory and the inhibitory synapse, currents.
const SYN_EX: u16 = 0;
const SYN_IN: u16 = 1;
const I0: u16 = 2;

/// Indices of the state vector that both models share (NEST's `State_::V_M`, `HH_M`, `HH_H`,
/// `HH_N`).
pub const V_M: usize = 0;
pub const HH_M: usize = 1;
pub const HH_H: usize = 2;
pub const HH_N: usize = 3;

/// The state keys of `GetStatus`/`SetStatus`, with their index in the state vector.
const STATE_KEYS: [(&str, usize); 4] = [
    ("V_m", V_M),
    ("Act_m", HH_M),
    ("Inact_h", HH_H),
    ("Act_n", HH_N),
];

/// One Hodgkin–Huxley model of NEST: its parameters, right-hand side and spike handling. `D` is
/// the dimension of its state vector.
pub trait HhModel<const D: usize>: Clone + Debug + Send + Sync + 'static {
    /// NEST's model name.
    const NAME: &'static str;
    /// The recordables in NEST's order: name, unit, index into the state vector.
    const RECORDABLES: &'static [(&'static str, &'static str, usize)];
    /// User parameters.
    type Params: Clone + PartialEq + Debug + Default + Send + Sync;
    /// Constants computed before each run (NEST's `pre_run_hook`).
    type Derived: Copy + Default + Debug + Send + Sync;

    /// NEST's prototype state (`State_(const Parameters_&)` of the default parameters).
    fn initial_state() -> [f64; D];
    /// NEST's `Parameters_::set`, in NEST's order with its rules and messages. On error the
    /// parameters may be half-updated: work on a copy.
    fn set(p: &mut Self::Params, dict: &mut Dict) -> Result<(), ParamError>;
    /// NEST's `Parameters_::get`.
    fn get(p: &Self::Params, out: &mut Dict);
    /// NEST's `pre_run_hook`.
    fn derive(p: &Self::Params, grid: &TimeGrid) -> Self::Derived;
    /// Refractory steps of a parameter set.
    fn refractory_counts(d: &Self::Derived) -> i64;
    /// The right-hand side (NEST's `*_dynamics`), expression for expression.
    fn dynamics(p: &Self::Params, i_stim: f64, y: &[f64], f: &mut [f64]);
    /// Add the summed weights of this step's excitatory (`w_ex`) and inhibitory (`w_in`) spikes
    /// to the state.
    fn receive(d: &Self::Derived, y: &mut [f64; D], w_ex: f64, w_in: f64);
    /// The spike detection threshold (mV).
    fn threshold(p: &Self::Params) -> f64;
    /// The summed weight (× multiplicity) of an inhibitory spike as NEST buffers it: a current
    /// model keeps the sign, a conductance model flips it.
    fn inhibitory_weight(w: f64) -> f64;
}

/// A population of one Hodgkin–Huxley model: validated parameters and initial state.
#[derive(Clone, Debug)]
pub struct HhNeuron<M: HhModel<D>, const D: usize> {
    pub params: M::Params,
    /// The initial state vector, in NEST's order.
    pub initial: [f64; D],
}

/// The opening and closing rates of the gating variables at one voltage, each model's
/// expressions.
pub struct Rates {
    pub alpha_n: f64,
    pub beta_n: f64,
    pub alpha_m: f64,
    pub beta_m: f64,
    pub alpha_h: f64,
    pub beta_h: f64,
}

impl Rates {
    /// The gating variables at equilibrium, `x = α_x/(α_x + β_x)`, written into `y` in the
    /// order of NEST's prototype constructors.
    pub(crate) fn set_equilibrium<const D: usize>(&self, y: &mut [f64; D]) {
        y[HH_H] = self.alpha_h / (self.alpha_h + self.beta_h);
        y[HH_N] = self.alpha_n / (self.alpha_n + self.beta_n);
        y[HH_M] = self.alpha_m / (self.alpha_m + self.beta_m);
    }
}

/// NEST's "Capacitance must be strictly positive." of both models.
pub(crate) fn check_capacitance(c_m: f64) -> Result<(), ParamError> {
    if c_m <= 0.0 {
        return Err(ParamError::rule("Capacitance must be strictly positive.")
            .with("C_m", Value::Float(c_m)));
    }
    Ok(())
}

/// NEST's "Refractory time cannot be negative." of both models.
pub(crate) fn check_refractory_time(t_ref: f64) -> Result<(), ParamError> {
    if t_ref < 0.0 {
        return Err(ParamError::rule("Refractory time cannot be negative.")
            .with("t_ref", Value::Float(t_ref)));
    }
    Ok(())
}

/// NEST's "All time constants must be strictly positive." of both models (their only time
/// constants are the synaptic ones).
pub(crate) fn check_time_constants(tau_syn_ex: f64, tau_syn_in: f64) -> Result<(), ParamError> {
    if tau_syn_ex <= 0.0 || tau_syn_in <= 0.0 {
        return Err(
            ParamError::rule("All time constants must be strictly positive.")
                .with("tau_syn_ex", Value::Float(tau_syn_ex))
                .with("tau_syn_in", Value::Float(tau_syn_in)),
        );
    }
    Ok(())
}

/// NEST's `State_::set`: `V_m` and the gating variables, which must be non-negative.
fn set_state<const D: usize>(y: &mut [f64; D], dict: &mut Dict) -> Result<(), ParamError> {
    for (key, index) in STATE_KEYS {
        if let Some(v) = dict.f64(key)? {
            y[index] = v;
        }
    }
    if y[HH_M] < 0.0 || y[HH_H] < 0.0 || y[HH_N] < 0.0 {
        return Err(
            ParamError::rule("All (in)activation variables must be non-negative.")
                .with("Act_m", Value::Float(y[HH_M]))
                .with("Inact_h", Value::Float(y[HH_H]))
                .with("Act_n", Value::Float(y[HH_N])),
        );
    }
    Ok(())
}

impl<M: HhModel<D>, const D: usize> HhNeuron<M, D> {
    /// NEST's prototype, then [`HhModel::set`] and the state's `set`: the path `SetStatus`
    /// takes too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<Self, ParamError> {
        let mut params = M::Params::default();
        M::set(&mut params, dict)?;
        let mut initial = M::initial_state();
        set_state(&mut initial, dict)?;
        Ok(HhNeuron { params, initial })
    }
}

impl<M: HhModel<D>, const D: usize> NeuronModel for HhNeuron<M, D> {
    fn model_name(&self) -> &str {
        M::NAME
    }

    fn n_channels(&self) -> usize {
        3
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        // NEST: weight > 0 goes to the excitatory buffer as weight·multiplicity; otherwise to the
        // inhibitory one, sign kept or flipped by the model. Negation is exact, so (−w)·m is
        // NEST's −(w·m).
        let (channel, weight) = if weight > 0.0 {
            (SYN_EX, weight)
        } else {
            (SYN_IN, M::inhibitory_weight(weight))
        };
        receptor_zero(receptor, M::NAME, channel, weight)
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
        Box::new(HhChunk::<M, D>::new(&self.params, self.initial, n))
    }
}

/// The right-hand side of one neuron during one step, the current input frozen.
struct Dynamics<'a, M: HhModel<D>, const D: usize> {
    p: &'a M::Params,
    i_stim: f64,
}

impl<M: HhModel<D>, const D: usize> OdeSystem for Dynamics<'_, M, D> {
    #[inline(always)]
    fn eval(&self, y: &[f64], f: &mut [f64]) {
        M::dynamics(self.p, self.i_stim, &y[..D], &mut f[..D]);
    }
}

/// The state of `n` neurons of one Hodgkin–Huxley model.
pub struct HhChunk<M: HhModel<D>, const D: usize> {
    /// Each neuron's parameters and derived constants.
    sets: ParamSets<M::Params, M::Derived>,
    n: usize,
    /// Integrator state, one contiguous vector per neuron.
    y: Vec<[f64; D]>,
    refractory_steps: Vec<i64>,
    /// The run's resolution, GSL's step estimates and the current input of the coming step.
    drive: StepInputs,
    /// The first neuron whose integration diverged since the last `take_instability`.
    instability: Option<Instability>,
    /// The integrator's scratch arrays, lent to one neuron at a time.
    work: WorkBuf,
}

impl<M: HhModel<D>, const D: usize> HhChunk<M, D> {
    fn new(p: &M::Params, initial: [f64; D], n: usize) -> Self {
        HhChunk {
            sets: ParamSets::new(p, n, M::derive),
            n,
            y: vec![initial; n],
            refractory_steps: vec![0; n],
            drive: StepInputs::new(n),
            instability: None,
            work: WorkBuf::new(D),
        }
    }
}

impl<M: HhModel<D>, const D: usize> NeuronChunk for HhChunk<M, D> {
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
        let mut work = self.work.work();
        for i in 0..n {
            let p = self.sets.params(i);
            let y = &mut self.y[i];
            // 1. Integrate over the step with the current input frozen.
            let before = *y;
            let sys = Dynamics::<M, D> {
                p,
                i_stim: self.drive.i_stim[i],
            };
            let converged = rkf45::integrate(
                &sys,
                EPS_ABS,
                h,
                &mut self.drive.integration_step[i],
                y,
                &mut work,
            );
            if !converged {
                *y = before;
                self.instability.get_or_insert(Instability {
                    neuron: i,
                    variable: "V_m",
                    value: before[V_M],
                });
                self.drive.i_stim[i] = current[i];
                continue;
            }
            // 2. Synaptic jumps of the spikes arriving at the end of this step.
            let d = self.sets.derived(i);
            M::receive(d, y, w_ex[i], w_in[i]);
            // 3. Refractory count-down, or a spike at a maximum above the threshold.
            if self.refractory_steps[i] > 0 {
                self.refractory_steps[i] -= 1;
            } else if y[V_M] >= M::threshold(p) && before[V_M] > y[V_M] {
                self.refractory_steps[i] = M::refractory_counts(d);
                emitted.push((i as u32, 1));
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
            Some(&(_, _, k)) => self.y[neuron][k],
            None => panic!("{} has no recordable {index}", M::NAME),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let mut out = Dict::new();
        M::get(self.sets.params(neuron), &mut out);
        let y = &self.y[neuron];
        for (key, index) in STATE_KEYS {
            put_floats(&mut out, &[(key, y[index])]);
        }
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        M::set(&mut p, dict)?;
        let mut y = self.y[neuron];
        set_state(&mut y, dict)?;
        self.sets.assign(neuron, p);
        self.y[neuron] = y;
        Ok(())
    }
}
