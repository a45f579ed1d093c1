//! What NEST's multi-port ("multisynapse") neuron models have in common: receptor ports
//! `1 … n` for spikes and port 0 for currents, a per-port list `tau_syn` whose length is the
//! port count, and — for `iaf_psc_exp_multisynapse` and `iaf_psc_alpha_multisynapse` — the whole
//! model apart from the shape of the postsynaptic current.
//!
//! # Receptor ports (GLIF and iaf multisynapse models)
//!
//! Spikes on port `k ∈ 1 … n` feed input channel `k − 1`; any other port is NEST's
//! `IncompatibleReceptorType`. Currents are taken on port 0 only (channel `n`), anything else is
//! `UnknownReceptorType` (NEST's `handles_test_event(CurrentEvent&)` of these models).
//!
//! **Port count per population.** NEST resizes a neuron's ports whenever `tau_syn` is set, and
//! refuses the change only once the neuron has connections. spindle lays out the input
//! channels of a population once, when it is created (`NeuronModel::n_channels`, one ring
//! buffer column per channel, sized before any connection), and checks a connection's
//! `receptor_type` against the population's model. So the port count is the length of the
//! `tau_syn` given at `Create` (or the model's defaults), and a later `SetStatus` may change the
//! time constants but not their number ([`check_ports_kept`]): a neuron that could gain ports
//! would need channels its population does not have, and one that lost ports would accept
//! connections NEST refuses. Scripts give `tau_syn` in `Create(model, n, params)` instead.
//!
//! # The `iaf_psc_*_multisynapse` models
//!
//! [`Multisynapse<S>`] is the model and [`MultisynapseChunk<S>`] its state; the PSC shape `S`
//! ([`PscShape`], implemented in `iaf_psc_exp_multisynapse.rs` and
//! `iaf_psc_alpha_multisynapse.rs`) supplies the propagators and the per-port arithmetic, each
//! in NEST's operation order, so the update loop is monomorphised per model. One step, in
//! NEST's order: (1) unless refractory the membrane is propagated ([`PscShape::membrane`]),
//! else the refractory counter counts down; (2) every port's current advances and the spikes
//! arriving for this step are added ([`PscShape::advance`]); (3) `V ≥ V_th` spikes, resets to
//! `V_reset` and holds `⌈t_ref/h⌉` steps; (4) the current input of the next step is latched.

use crate::param_sets::ParamSets;
use crate::voltages::{float_list as list, put_floats, read_e_l, read_relative, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{self, ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};
use std::fmt::Debug;
use std::marker::PhantomData;

/// The most synaptic ports a neuron may have in spindle: input channels are numbered in 16 bits
/// (ports, then the current input). NEST has no such limit.
pub(crate) const MAX_PORTS: usize = u16::MAX as usize - 1;

/// Refuse more ports than spindle can number.
pub(crate) fn check_port_count(tau_syn: &[f64]) -> Result<(), ParamError> {
    if tau_syn.len() > MAX_PORTS {
        return Err(params::invalid(
            "tau_syn",
            format!("{} entries", tau_syn.len()),
            format!("spindle supports at most {MAX_PORTS} synaptic ports (receptor types)."),
        ));
    }
    Ok(())
}

/// Refuse a new port count for an existing neuron (`ports` is `Some` in `SetStatus`): its input
/// channels are laid out per population (see the module comment). NEST refuses the change only
/// once the neuron has connections.
pub(crate) fn check_ports_kept(
    ports: Option<usize>,
    new: usize,
    key: &str,
    value: Value,
) -> Result<(), ParamError> {
    match ports {
        Some(n) if n != new => Err(params::invalid(
            key,
            value,
            format!(
                "spindle cannot change the number of receptor ports of an existing neuron ({n}); \
                 set it when the population is created."
            ),
        )),
        _ => Ok(()),
    }
}

/// The input channel of a spike on `receptor` into a model with `ports` spike ports.
pub(crate) fn port_spike_input(
    model: &str,
    ports: usize,
    receptor: i64,
    weight: f64,
) -> Result<InputChannel, Rejection> {
    if receptor <= 0 || receptor > ports as i64 {
        return Err(Rejection::new(
            "IncompatibleReceptorType",
            format!("Receptor type {receptor} in {model} does not accept SpikeEvent."),
        ));
    }
    Ok(InputChannel {
        channel: (receptor - 1) as u16,
        weight,
    })
}

/// The input channel of a current on `receptor` into a model with `ports` spike ports.
pub(crate) fn port_current_input(
    model: &str,
    ports: usize,
    receptor: i64,
    weight: f64,
) -> Result<InputChannel, Rejection> {
    if receptor != 0 {
        return Err(crate::unknown_receptor(receptor, model));
    }
    Ok(InputChannel {
        channel: ports as u16,
        weight,
    })
}

/// User parameters of both `iaf_psc_*_multisynapse` models. Voltages are stored relative to
/// `E_L`, as NEST stores them.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// `E_L`, mV.
    pub e_l: f64,
    /// `C_m`, pF.
    pub c_m: f64,
    /// `tau_m`, ms.
    pub tau_m: f64,
    /// `t_ref`, ms.
    pub t_ref: f64,
    /// `V_th − E_L` (NEST's `Theta_`), mV.
    pub theta: f64,
    /// `V_reset − E_L`, mV.
    pub v_reset: f64,
    /// `I_e`, pA.
    pub i_e: f64,
    /// `V_min − E_L` (NEST's `LowerBound_`), mV; only the alpha model has it.
    pub lower_bound: f64,
    /// `tau_syn`, ms, one per receptor port.
    pub tau_syn: Vec<f64>,
}

impl Default for Params {
    /// NEST's defaults, computed as NEST's constructor computes them.
    fn default() -> Params {
        let e_l = -70.0;
        Params {
            e_l,
            c_m: 250.0,
            tau_m: 10.0,
            t_ref: 2.0,
            theta: -55.0 - e_l,
            v_reset: -70.0 - e_l,
            i_e: 0.0,
            lower_bound: f64::NEG_INFINITY,
            tau_syn: vec![2.0],
        }
    }
}

fn bad(message: &str) -> ParamError {
    ParamError::rule(message)
}

impl Params {
    /// Number of spike receptor ports.
    pub fn n_ports(&self) -> usize {
        self.tau_syn.len()
    }

    /// NEST's `Parameters_::set` of model `S`: read the keys present in `dict` on top of these
    /// parameters and validate with NEST's rules and messages, in NEST's order. `ports` is the
    /// port count an existing neuron must keep (`None` at creation). Returns `ΔE_L` for the
    /// state. On error `self` may be half-updated: work on a copy.
    pub fn set<S: PscShape>(
        &mut self,
        dict: &mut Dict,
        ports: Option<usize>,
    ) -> Result<f64, ParamError> {
        let p = self;
        let delta_e_l = read_e_l(dict, &mut p.e_l)?;
        read_relative(dict, "V_reset", &mut p.v_reset, p.e_l, delta_e_l)?;
        read_relative(dict, "V_th", &mut p.theta, p.e_l, delta_e_l)?;
        if S::HAS_V_MIN {
            read_relative(dict, "V_min", &mut p.lower_bound, p.e_l, delta_e_l)?;
        }
        read_scalars(
            dict,
            &mut [
                ("I_e", &mut p.i_e),
                ("C_m", &mut p.c_m),
                ("tau_m", &mut p.tau_m),
                ("t_ref", &mut p.t_ref),
            ],
        )?;
        if p.c_m <= 0.0 {
            return Err(bad(S::CAPACITANCE_RULE).with("C_m", Value::Float(p.c_m)));
        }
        if p.tau_m <= 0.0 {
            return Err(bad("Membrane time constant must be strictly positive.")
                .with("tau_m", Value::Float(p.tau_m)));
        }
        if let Some(tau) = dict.f64_list("tau_syn")? {
            check_port_count(&tau)?;
            check_ports_kept(ports, tau.len(), "tau_syn", list(&tau))?;
            for &t in &tau {
                if t <= 0.0 {
                    return Err(params::invalid(
                        "tau_syn",
                        list(&tau),
                        "All synaptic time constants must be strictly positive.",
                    ));
                }
                if S::TAU_SYN_DIFFERS_FROM_TAU_M && t == p.tau_m {
                    return Err(params::invalid(
                        "tau_syn",
                        list(&tau),
                        "Membrane and synapse time constant(s) must differ. See note in \
                         documentation.",
                    ));
                }
            }
            p.tau_syn = tau;
        }
        if p.t_ref < 0.0 {
            return Err(
                bad("Refractory time must not be negative.").with("t_ref", Value::Float(p.t_ref))
            );
        }
        if p.v_reset >= p.theta {
            return Err(bad("Reset potential must be smaller than threshold.")
                .with("V_reset", Value::Float(p.v_reset + p.e_l))
                .with("V_th", Value::Float(p.theta + p.e_l)));
        }
        Ok(delta_e_l)
    }

    /// NEST's `Parameters_::get` of model `S`: absolute voltages. NEST's `has_connections` is
    /// not shown: a chunk does not know its neurons' connections.
    pub fn get<S: PscShape>(&self, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("E_L", self.e_l),
                ("I_e", self.i_e),
                ("V_th", self.theta + self.e_l),
                ("V_reset", self.v_reset + self.e_l),
                ("C_m", self.c_m),
                ("tau_m", self.tau_m),
                ("t_ref", self.t_ref),
            ],
        );
        if S::HAS_V_MIN {
            put_floats(out, &[("V_min", self.lower_bound + self.e_l)]);
        }
        out.insert("n_synapses", Value::Int(self.n_ports() as i64));
        out.insert("tau_syn", list(&self.tau_syn));
    }
}

/// The propagators of one receptor port. The exponential PSC uses `decay` and `to_v`; the
/// alpha PSC all of them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PortPropagators {
    /// `exp(−h/τ_s)` (NEST's `P11_syn_`, for alpha also `P22_syn_`).
    pub decay: f64,
    /// Current → V (exp: NEST's `P21_syn_`; alpha: `P32_syn_`).
    pub to_v: f64,
    /// Alpha: `dI → V` (`P31_syn_`).
    pub dy_to_v: f64,
    /// Alpha: `dI → I`, `h·exp(−h/τ_s)` (`P21_syn_`).
    pub dy_to_y: f64,
    /// Alpha: `e/τ_s`, the jump of `dI` per unit weight (`PSCInitialValues_`).
    pub jump: f64,
}

/// Constants computed before each run (NEST's `pre_run_hook`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    /// `exp(−h/τm)`: V → V (NEST's `P22_` / `P33_`).
    pub v_decay: f64,
    /// Constant current → V (NEST's `P20_` / `P30_`).
    pub current_to_v: f64,
    pub ports: Vec<PortPropagators>,
    /// Refractory steps, `t_ref` rounded up to the grid (saturating at `i32::MAX` steps).
    pub refractory_counts: i32,
    /// The parameters the update reads: `I_e`, `V_th − E_L`, `V_reset − E_L`, `V_min − E_L`.
    pub i_e: f64,
    pub theta: f64,
    pub v_reset: f64,
    pub lower_bound: f64,
}

/// The shape of the postsynaptic current: what distinguishes `iaf_psc_exp_multisynapse` from
/// `iaf_psc_alpha_multisynapse`. Every function keeps NEST's operation order.
pub trait PscShape: Debug + Send + Sync + 'static {
    const MODEL_NAME: &'static str;
    /// State values per port (exp: `I`; alpha: `dI`, `I`).
    const PER_PORT: usize;
    /// Whether the model has `V_min`.
    const HAS_V_MIN: bool;
    /// NEST's message for `C_m ≤ 0`.
    const CAPACITANCE_RULE: &'static str;
    /// Whether NEST refuses a `tau_syn` equal to `tau_m`.
    const TAU_SYN_DIFFERS_FROM_TAU_M: bool;

    /// `(V → V, current → V)` for step `h`.
    fn membrane_propagators(p: &Params, h: f64) -> (f64, f64);
    /// One port's propagators for step `h`.
    fn port(p: &Params, tau_syn: f64, h: f64) -> PortPropagators;
    /// The membrane after one non-refractory step from `v` (lower bound included).
    fn membrane(d: &Derived, v: f64, i_const: f64, syn: &[f64]) -> f64;
    /// Advance every port's state by one step; `spikes(k)` is port `k + 1`'s input.
    fn advance(d: &Derived, syn: &mut [f64], spikes: impl Fn(usize) -> f64);
    /// The current of port `k + 1` (recordable `I_syn_<k+1>`).
    fn current(syn: &[f64], k: usize) -> f64;
}

impl Derived {
    /// NEST's `pre_run_hook`, with its exact expressions.
    pub fn new<S: PscShape>(p: &Params, grid: &TimeGrid) -> Derived {
        let h = grid.h();
        let (v_decay, current_to_v) = S::membrane_propagators(p, h);
        Derived {
            v_decay,
            current_to_v,
            ports: p.tau_syn.iter().map(|&tau| S::port(p, tau, h)).collect(),
            refractory_counts: i32::try_from(grid.ms_to_steps_up(p.t_ref)).unwrap_or(i32::MAX),
            i_e: p.i_e,
            theta: p.theta,
            v_reset: p.v_reset,
            lower_bound: p.lower_bound,
        }
    }
}

/// An `iaf_psc_*_multisynapse` population: validated parameters and the initial `V_m − E_L`.
#[derive(Clone, Debug, PartialEq)]
pub struct Multisynapse<S: PscShape> {
    pub params: Params,
    /// Initial `V_m − E_L`, mV.
    pub initial_v: f64,
    shape: PhantomData<S>,
}

impl<S: PscShape> Default for Multisynapse<S> {
    fn default() -> Self {
        Multisynapse {
            params: Params::default(),
            initial_v: 0.0,
            shape: PhantomData,
        }
    }
}

impl<S: PscShape> Multisynapse<S> {
    /// NEST's defaults, then [`Params::set`] and the state's `V_m` (NEST's `State_::set`): the
    /// path `SetStatus` takes too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<Self, ParamError> {
        let mut params = Params::default();
        let delta_e_l = params.set::<S>(dict, None)?;
        let mut initial_v = 0.0;
        read_relative(dict, "V_m", &mut initial_v, params.e_l, delta_e_l)?;
        Ok(Multisynapse {
            params,
            initial_v,
            shape: PhantomData,
        })
    }
}

impl<S: PscShape> NeuronModel for Multisynapse<S> {
    fn model_name(&self) -> &str {
        S::MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        self.params.n_ports() + 1
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        port_spike_input(S::MODEL_NAME, self.params.n_ports(), receptor, weight)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        port_current_input(S::MODEL_NAME, self.params.n_ports(), receptor, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        let mut r = vec![Recordable::new("V_m", "mV"), Recordable::new("I_syn", "pA")];
        r.extend((1..=self.params.n_ports()).map(|k| Recordable::new(format!("I_syn_{k}"), "pA")));
        r
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(MultisynapseChunk::<S>::new(&self.params, self.initial_v, n))
    }
}

/// The state of `n` neurons of an `iaf_psc_*_multisynapse` population, structure-of-arrays
/// (the port states neuron-major: `PER_PORT` values per port, `ports` ports per neuron).
pub struct MultisynapseChunk<S: PscShape> {
    sets: ParamSets<Params, Derived>,
    n: usize,
    ports: usize,
    /// `V_m − E_L`, mV.
    v: Vec<f64>,
    /// Current input of the coming step (NEST's `I_const_`), pA.
    i_const: Vec<f64>,
    syn: Vec<f64>,
    refractory_steps: Vec<i32>,
    shape: PhantomData<S>,
}

impl<S: PscShape> MultisynapseChunk<S> {
    pub fn new(p: &Params, initial_v: f64, n: usize) -> Self {
        let ports = p.n_ports();
        MultisynapseChunk {
            sets: ParamSets::new(p, n, Derived::new::<S>),
            n,
            ports,
            v: vec![initial_v; n],
            i_const: vec![0.0; n],
            syn: vec![0.0; n * ports * S::PER_PORT],
            refractory_steps: vec![0; n],
            shape: PhantomData,
        }
    }

    fn syn_of(&self, neuron: usize) -> &[f64] {
        let stride = self.ports * S::PER_PORT;
        &self.syn[neuron * stride..][..stride]
    }
}

impl<S: PscShape> NeuronChunk for MultisynapseChunk<S> {
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
            S::MODEL_NAME
        );
        let (n, ports) = (self.n, self.ports);
        let stride = ports * S::PER_PORT;
        let (table, index) = (self.sets.derived_table(), self.sets.index());
        let current = &input[ports * n..][..n];
        for i in 0..n {
            let d = &table[index[i] as usize];
            let syn = &mut self.syn[i * stride..][..stride];
            // 1. Membrane, unless refractory.
            if self.refractory_steps[i] == 0 {
                self.v[i] = S::membrane(d, self.v[i], self.i_const[i], syn);
            } else {
                self.refractory_steps[i] -= 1;
            }
            // 2. Port currents, then the spikes that arrive at the end of this step.
            S::advance(d, syn, |k| input[k * n + i]);
            // 3. Threshold (≥), reset and refractoriness.
            if self.v[i] >= d.theta {
                self.refractory_steps[i] = d.refractory_counts;
                self.v[i] = d.v_reset;
                emitted.push((i as u32, 1));
            }
            // 4. The current input of the next step.
            self.i_const[i] = current[i];
        }
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        let syn = self.syn_of(neuron);
        match index {
            0 => self.v[neuron] + self.sets.params(neuron).e_l,
            // NEST's `std::accumulate` from 0.0, in port order.
            1 => (0..self.ports).fold(0.0, |sum, k| sum + S::current(syn, k)),
            k if k < self.ports + 2 => S::current(syn, k - 2),
            _ => panic!("{} has no recordable {index}", S::MODEL_NAME),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let p = self.sets.params(neuron);
        let mut out = Dict::new();
        p.get::<S>(&mut out);
        put_floats(&mut out, &[("V_m", self.v[neuron] + p.e_l)]);
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        let delta_e_l = p.set::<S>(dict, Some(self.ports))?;
        let mut v = self.v[neuron];
        read_relative(dict, "V_m", &mut v, p.e_l, delta_e_l)?;
        self.sets.assign(neuron, p);
        self.v[neuron] = v;
        Ok(())
    }
}
