//! What NEST's two multi-timescale adaptive threshold models (`mat2_psc_exp`, `amat2_psc_exp`)
//! share: the parameters they have in common (with NEST's `E_L`-relative `omega`), the
//! `V_m` / `V_th_alpha_1` / `V_th_alpha_2` state and its status keys, the routing of spikes to
//! the two exponential current synapses, and the threshold test.
//!
//! Both models keep `V_m` and the resting threshold `omega` relative to `E_L` (spec §2.3: a
//! voltage not given keeps its absolute value when `E_L` moves). Both are totally refractory for
//! `⌈t_ref/h⌉ ≥ 1` steps after a spike, during which the threshold is not tested; `V_m` is
//! never reset, the threshold jumps instead.

use crate::param_sets::ParamSets;
use crate::receptor_zero;
use crate::voltages::{put_floats, read_e_l, read_relative, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};
use std::fmt::Debug;

/// The input channels: spikes of weight ≥ 0, spikes of weight < 0, currents.
const SYN_EX: u16 = 0;
const SYN_IN: u16 = 1;
const I0: u16 = 2;

/// The status keys both models read.
pub(crate) const COMMON_KEYS: [&str; 15] = [
    "E_L",
    "I_e",
    "C_m",
    "tau_m",
    "tau_syn_ex",
    "tau_syn_in",
    "t_ref",
    "tau_1",
    "tau_2",
    "alpha_1",
    "alpha_2",
    "omega",
    "V_m",
    "V_th_alpha_1",
    "V_th_alpha_2",
];

/// The parameters both MAT models have.
#[derive(Clone, Debug, PartialEq)]
pub struct MatParams {
    /// `E_L`, mV.
    pub e_l: f64,
    /// `I_e`, pA.
    pub i_e: f64,
    /// `C_m`, pF.
    pub c_m: f64,
    /// `tau_m`, ms.
    pub tau_m: f64,
    /// `tau_syn_ex`, ms.
    pub tau_syn_ex: f64,
    /// `tau_syn_in`, ms.
    pub tau_syn_in: f64,
    /// `t_ref`, ms.
    pub t_ref: f64,
    /// `tau_1`, ms.
    pub tau_1: f64,
    /// `tau_2`, ms.
    pub tau_2: f64,
    /// `alpha_1`, mV.
    pub alpha_1: f64,
    /// `alpha_2`, mV.
    pub alpha_2: f64,
    /// `omega − E_L` (NEST's `omega_`), mV.
    pub omega: f64,
}

fn bad(message: &str) -> ParamError {
    ParamError::rule(message)
}

impl MatParams {
    /// NEST's first part of `Parameters_::set`: `E_L`, the common keys, the model's `extra`
    /// keys, then `omega` (relative to `E_L`). Returns `ΔE_L` for the state.
    pub(crate) fn read(
        &mut self,
        dict: &mut Dict,
        extra: &mut [(&str, &mut f64)],
    ) -> Result<f64, ParamError> {
        let delta_e_l = read_e_l(dict, &mut self.e_l)?;
        read_scalars(
            dict,
            &mut [
                ("I_e", &mut self.i_e),
                ("C_m", &mut self.c_m),
                ("tau_m", &mut self.tau_m),
                ("tau_syn_ex", &mut self.tau_syn_ex),
                ("tau_syn_in", &mut self.tau_syn_in),
                ("t_ref", &mut self.t_ref),
                ("tau_1", &mut self.tau_1),
                ("tau_2", &mut self.tau_2),
                ("alpha_1", &mut self.alpha_1),
                ("alpha_2", &mut self.alpha_2),
            ],
        )?;
        read_scalars(dict, extra)?;
        read_relative(dict, "omega", &mut self.omega, self.e_l, delta_e_l)?;
        Ok(delta_e_l)
    }

    /// NEST's first rules: a positive capacitance, positive time constants (the common ones and
    /// the model's `extra`), and a refractory period of at least one step (NEST checks the
    /// last in `pre_run_hook`, at the next `Simulate`; a `t_ref > 0` gives at least one step on
    /// every grid unless it rounds to 0 tics, which spindle rejects here already).
    pub(crate) fn check(&self, extra_taus: &[(&str, f64)]) -> Result<(), ParamError> {
        if self.c_m <= 0.0 {
            return Err(
                bad("Capacitance must be strictly positive.").with("C_m", Value::Float(self.c_m))
            );
        }
        let taus = [
            ("tau_m", self.tau_m),
            ("tau_syn_ex", self.tau_syn_ex),
            ("tau_syn_in", self.tau_syn_in),
            ("t_ref", self.t_ref),
            ("tau_1", self.tau_1),
            ("tau_2", self.tau_2),
        ];
        if taus.iter().chain(extra_taus).any(|&(_, t)| t <= 0.0) {
            let mut e = bad("All time constants must be strictly positive.");
            for &(key, t) in taus.iter().chain(extra_taus) {
                if t <= 0.0 {
                    e = e.with(key, Value::Float(t));
                }
            }
            return Err(e);
        }
        if TimeGrid::ms_to_default_tics(self.t_ref) < 1 {
            return Err(bad("Total refractory time must be at least one time step.")
                .with("t_ref", Value::Float(self.t_ref)));
        }
        Ok(())
    }

    /// NEST's `Parameters_::get` of the common keys: absolute `omega`.
    pub(crate) fn get(&self, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("E_L", self.e_l),
                ("I_e", self.i_e),
                ("C_m", self.c_m),
                ("tau_m", self.tau_m),
                ("tau_syn_ex", self.tau_syn_ex),
                ("tau_syn_in", self.tau_syn_in),
                ("t_ref", self.t_ref),
                ("tau_1", self.tau_1),
                ("tau_2", self.tau_2),
                ("alpha_1", self.alpha_1),
                ("alpha_2", self.alpha_2),
                ("omega", self.omega + self.e_l),
            ],
        );
    }

    /// Total refractory steps, `t_ref` rounded up to the grid (NEST's `RefractoryCountsTot_`).
    pub(crate) fn refractory_counts(&self, grid: &TimeGrid) -> i64 {
        grid.ms_to_steps_up(self.t_ref)
    }
}

/// The state both models share: `V_m − E_L` and the two threshold kernels (mV).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MatState {
    pub v_m: f64,
    pub v_th_1: f64,
    pub v_th_2: f64,
}

impl MatState {
    /// NEST's `State_::set` of the common keys: `V_m` relative to `E_L` (moved by `ΔE_L` if not
    /// given), `V_th_alpha_1`, `V_th_alpha_2`.
    pub(crate) fn set(
        &mut self,
        dict: &mut Dict,
        e_l: f64,
        delta_e_l: f64,
    ) -> Result<(), ParamError> {
        read_relative(dict, "V_m", &mut self.v_m, e_l, delta_e_l)?;
        read_scalars(
            dict,
            &mut [
                ("V_th_alpha_1", &mut self.v_th_1),
                ("V_th_alpha_2", &mut self.v_th_2),
            ],
        )
    }

    /// NEST's `State_::get`: `V_m`, the threshold `V_th` (NEST's sum, `extra` being `V_th_v` for
    /// amat2 and 0 for mat2, added last), `V_th_alpha_1`, `V_th_alpha_2`.
    pub(crate) fn get(&self, p: &MatParams, extra: Option<f64>, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("V_m", self.v_m + p.e_l),
                ("V_th", self.threshold(p, extra)),
                ("V_th_alpha_1", self.v_th_1),
                ("V_th_alpha_2", self.v_th_2),
            ],
        );
    }

    /// The absolute threshold `E_L + omega + V_th_1 + V_th_2 (+ V_th_v)`, summed in NEST's
    /// order.
    pub(crate) fn threshold(&self, p: &MatParams, extra: Option<f64>) -> f64 {
        let t = p.e_l + p.omega + self.v_th_1 + self.v_th_2;
        match extra {
            Some(x) => t + x,
            None => t,
        }
    }
}

/// One MAT model of NEST: its parameters, state, propagators and threshold.
pub trait MatModel: Clone + Debug + Send + Sync + 'static {
    /// NEST's model name.
    const NAME: &'static str;
    /// The recordables in NEST's order (name, unit), read by [`MatModel::recordable`].
    const RECORDABLES: &'static [(&'static str, &'static str)];
    /// User parameters, containing the common [`MatParams`].
    type Params: Clone + PartialEq + Debug + Default + Send + Sync;
    /// Constants computed before each run (NEST's `pre_run_hook`).
    type Derived: Copy + Default + Debug + Send + Sync;
    /// One neuron's state, containing the common [`MatState`].
    type State: Copy + Default + Debug + Send + Sync;

    /// The common parameters.
    fn base(p: &Self::Params) -> &MatParams;
    /// The common state.
    fn base_state(s: &mut Self::State) -> &mut MatState;
    /// NEST's `Parameters_::set`; returns `ΔE_L`. On error the parameters may be half-updated.
    fn set(p: &mut Self::Params, dict: &mut Dict) -> Result<f64, ParamError>;
    /// NEST's `Parameters_::get`.
    fn get(p: &Self::Params, out: &mut Dict);
    /// NEST's `State_::set`.
    fn set_state(
        s: &mut Self::State,
        dict: &mut Dict,
        p: &Self::Params,
        delta_e_l: f64,
    ) -> Result<(), ParamError>;
    /// NEST's `State_::get`.
    fn get_state(s: &Self::State, p: &Self::Params, out: &mut Dict);
    /// NEST's `pre_run_hook`.
    fn derive(p: &Self::Params, grid: &TimeGrid) -> Self::Derived;
    fn refractory_counts(d: &Self::Derived) -> i64;
    /// The first part of NEST's update: propagate the state over the step with the current
    /// input `i_0`, then add this step's summed spike weights to the synaptic currents.
    fn evolve(
        p: &Self::Params,
        d: &Self::Derived,
        s: &mut Self::State,
        i_0: f64,
        w_ex: f64,
        w_in: f64,
    );
    /// NEST's threshold test, its sum in NEST's order.
    fn crossed(p: &Self::Params, s: &Self::State) -> bool;
    /// Recordable `index` of [`MatModel::RECORDABLES`].
    fn recordable(p: &Self::Params, s: &Self::State, index: usize) -> f64;
}

/// A population of one MAT model: validated parameters and initial state.
#[derive(Clone, Debug)]
pub struct MatNeuron<M: MatModel> {
    pub params: M::Params,
    pub initial: M::State,
}

impl<M: MatModel> MatNeuron<M> {
    /// NEST's defaults, then the parameters' and the state's `set`: the path `SetStatus` takes
    /// too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<Self, ParamError> {
        let mut params = M::Params::default();
        let delta_e_l = M::set(&mut params, dict)?;
        let mut initial = M::State::default();
        M::set_state(&mut initial, dict, &params, delta_e_l)?;
        Ok(MatNeuron { params, initial })
    }
}

impl<M: MatModel> NeuronModel for MatNeuron<M> {
    fn model_name(&self) -> &str {
        M::NAME
    }

    fn n_channels(&self) -> usize {
        3
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        // NEST: weight ≥ 0 to the excitatory synapse, else to the inhibitory one, sign kept.
        let channel = if weight >= 0.0 { SYN_EX } else { SYN_IN };
        receptor_zero(receptor, M::NAME, channel, weight)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, M::NAME, I0, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        M::RECORDABLES
            .iter()
            .map(|&(name, unit)| Recordable::new(name, unit))
            .collect()
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(MatChunk::<M> {
            sets: ParamSets::new(&self.params, n, M::derive),
            n,
            s: vec![self.initial; n],
            i_0: vec![0.0; n],
            refractory_steps: vec![0; n],
        })
    }
}

/// The state of `n` neurons of one MAT model.
pub struct MatChunk<M: MatModel> {
    sets: ParamSets<M::Params, M::Derived>,
    n: usize,
    s: Vec<M::State>,
    /// Current input of the coming step (NEST's `S_.i_0_`).
    i_0: Vec<f64>,
    refractory_steps: Vec<i64>,
}

impl<M: MatModel> NeuronChunk for MatChunk<M> {
    fn len(&self) -> usize {
        self.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.sets.prepare(grid);
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "{}: update before prepare",
            M::NAME
        );
        let n = self.n;
        let w_ex = &input[SYN_EX as usize * n..][..n];
        let w_in = &input[SYN_IN as usize * n..][..n];
        let current = &input[I0 as usize * n..][..n];
        for i in 0..n {
            let (p, d) = (self.sets.params(i), self.sets.derived(i));
            let s = &mut self.s[i];
            // 1. Propagate membrane, threshold kernels and currents; add the arriving spikes.
            M::evolve(p, d, s, self.i_0[i], w_ex[i], w_in[i]);
            // 2. Threshold test unless totally refractory; the threshold jumps at a spike.
            if self.refractory_steps[i] == 0 {
                if M::crossed(p, s) {
                    self.refractory_steps[i] = M::refractory_counts(d);
                    let base = M::base(p);
                    let th = M::base_state(s);
                    th.v_th_1 += base.alpha_1;
                    th.v_th_2 += base.alpha_2;
                    emitted.push((i as u32, 1));
                }
            } else {
                self.refractory_steps[i] -= 1;
            }
            // 3. The current input of the next step (not latched).
            self.i_0[i] = current[i];
        }
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        assert!(
            index < M::RECORDABLES.len(),
            "{} has no recordable {index}",
            M::NAME
        );
        M::recordable(self.sets.params(neuron), &self.s[neuron], index)
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let p = self.sets.params(neuron);
        let mut out = Dict::new();
        M::get(p, &mut out);
        M::get_state(&self.s[neuron], p, &mut out);
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        let delta_e_l = M::set(&mut p, dict)?;
        let mut s = self.s[neuron];
        M::set_state(&mut s, dict, &p, delta_e_l)?;
        self.sets.assign(neuron, p);
        self.s[neuron] = s;
        Ok(())
    }
}
