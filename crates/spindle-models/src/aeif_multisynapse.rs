//! What NEST 3.10's two multi-port AdEx models share, `aeif_cond_alpha_multisynapse` and
//! `aeif_cond_beta_multisynapse`: the whole model but the shape of a port's conductance, which
//! each model's file gives as a [`PortShape`].
//!
//! # Model
//!
//! The membrane and adaptation are the AdEx family's ([`crate::aeif`], same parameters, same
//! `V'`), with one conductance per receptor port `k = 1 … n`:
//!
//! ```text
//! C_m dV/dt = −g_L (V' − E_L) + g_L Δ_T exp((V' − V_th)/Δ_T) + Σ_k g_k (E_rev,k − V') − w
//!             + I_e + I_stim
//! dg_k/dt   = dg_k' − g_k/τ_decay,k,    d(dg_k')/dt = −dg_k'/τ_rise,k
//! ```
//!
//! The alpha model has `τ_rise = τ_decay = tau_syn`; a spike of weight `q` on port `k` adds
//! `q·g0_k` to `dg_k'` at the end of its step, `g0_k = e/τ_syn,k` (alpha) or NEST's
//! `beta_normalization_factor(τ_rise, τ_decay)` (beta), so that `g_k` peaks at `q` nS. Weights
//! must be non-negative: NEST throws `BadProperty` when such a spike is delivered, spindle
//! refuses the connection.
//!
//! The step is NEST's: RKF45 under the "yp" controller, after every accepted RKF45 step the
//! bounds checks and the spike handling of the AdEx models with synapses
//! ([`aeif::integrate_step`], [`aeif::clamp_or_spike`]), then the refractory count-down, the
//! spikes of the step and the current input of the next step.
//!
//! State vector (NEST's): `V_m`, `w`, then `dg_k`, `g_k` per port. NEST sizes it to the port
//! count only at the first run; before, `GetStatus` shows one port's `dg` and `g` (0), and so
//! does spindle. The port count is fixed when the population is created (`multisynapse.rs`).

use crate::aeif::{self, CheckOrder, Checks, Integration, Rhs, SynapseParams};
use crate::multisynapse::{
    check_port_count, check_ports_kept, port_current_input, port_spike_input,
};
use crate::param_sets::ParamSets;
use crate::rkf45::{OdeSystem, WorkBuf};
use crate::voltages::{float_list as list, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{
    Emitted, InputChannel, Instability, NeuronChunk, NeuronModel, Recordable,
};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};
use std::marker::PhantomData;

/// The slots of `V_m` and `w`; port `k` (from 0) has `dg` in `2 + 2k` and `g` in `3 + 2k`.
const V_M: usize = 0;
const W: usize = 1;
const FIXED: usize = 2;

/// One multi-port AdEx model's conductance shape.
pub trait PortShape: Clone + std::fmt::Debug + Default + PartialEq + Send + Sync + 'static {
    const MODEL_NAME: &'static str;
    /// Its time-constant lists: `["tau_syn"]` (alpha: rise = decay) or `["tau_rise",
    /// "tau_decay"]`.
    const TAU_KEYS: &'static [&'static str];
    /// NEST's messages when the port count changes without every list, and when the lists
    /// differ in length.
    const ALL_LISTS: &'static str;
    const SAME_SIZE: &'static str;
    /// NEST's defaults of `(τ_rise, τ_decay)` of the one default port.
    const DEFAULT_TAUS: (f64, f64);
    /// `g0`, the jump of `dg'` per unit weight.
    fn g0(tau_rise: f64, tau_decay: f64) -> f64;
}

/// Every key of model `K` (its parameters, then its state), `N` their number.
pub const fn keys<const N: usize, K: PortShape>() -> [&'static str; N] {
    const BEFORE: [&str; 8] = [
        "V_th", "V_peak", "t_ref", "E_L", "V_reset", "C_m", "g_L", "E_rev",
    ];
    const AFTER: [&str; 8] = [
        "a",
        "b",
        "Delta_T",
        "tau_w",
        "I_e",
        "gsl_error_tol",
        "V_m",
        "w",
    ];
    let mut out = [""; N];
    let mut n = 0;
    let mut i = 0;
    while i < BEFORE.len() {
        out[n] = BEFORE[i];
        n += 1;
        i += 1;
    }
    i = 0;
    while i < K::TAU_KEYS.len() {
        out[n] = K::TAU_KEYS[i];
        n += 1;
        i += 1;
    }
    i = 0;
    while i < AFTER.len() {
        out[n] = AFTER[i];
        n += 1;
        i += 1;
    }
    assert!(n == N, "N is not the number of keys");
    out
}

/// User parameters: the AdEx family's scalars (their `E_ex`, `E_in`, `tau_syn_*` and
/// `refractory_input` unused) and the per-port lists.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub adex: aeif::Params,
    /// `E_rev`, mV, one per port.
    pub e_rev: Vec<f64>,
    /// `τ_rise` and `τ_decay`, ms, one per port (both `tau_syn` in the alpha model).
    pub tau_rise: Vec<f64>,
    pub tau_decay: Vec<f64>,
}

impl Params {
    /// NEST's defaults of model `K` (one port, `E_rev` 0 mV).
    pub fn defaults<K: PortShape>() -> Params {
        let (rise, decay) = K::DEFAULT_TAUS;
        Params {
            adex: aeif::Params::default(),
            e_rev: vec![0.0],
            tau_rise: vec![rise],
            tau_decay: vec![decay],
        }
    }

    pub fn n_ports(&self) -> usize {
        self.e_rev.len()
    }

    /// NEST's `Parameters_::set` of model `K`, in NEST's reading and checking order. `ports`
    /// is the port count an existing neuron must keep (`None` at creation). On error `self`
    /// may be half-updated: work on a copy.
    pub fn set<K: PortShape>(
        &mut self,
        dict: &mut Dict,
        ports: Option<usize>,
    ) -> Result<(), ParamError> {
        let a = &mut self.adex;
        read_scalars(
            dict,
            &mut [
                ("V_th", &mut a.v_th),
                ("V_peak", &mut a.v_peak),
                ("t_ref", &mut a.t_ref),
                ("E_L", &mut a.e_l),
                ("V_reset", &mut a.v_reset),
                ("C_m", &mut a.c_m),
                ("g_L", &mut a.g_l),
            ],
        )?;
        self.set_ports::<K>(dict, ports)?;
        let a = &mut self.adex;
        read_scalars(
            dict,
            &mut [
                ("a", &mut a.a),
                ("b", &mut a.b),
                ("Delta_T", &mut a.delta_t),
                ("tau_w", &mut a.tau_w),
                ("I_e", &mut a.i_e),
                ("gsl_error_tol", &mut a.gsl_error_tol),
            ],
        )?;
        let checks = Checks {
            peak_first: true,
            v_reset: "Ensure that: V_reset < V_peak .",
            c_m: "Capacitance must be strictly positive.",
        };
        a.validate(CheckOrder::PeakResetDelta, checks, SynapseParams::PerPort)
    }

    /// The lists `E_rev` and the time constants, with NEST's checks.
    fn set_ports<K: PortShape>(
        &mut self,
        dict: &mut Dict,
        ports: Option<usize>,
    ) -> Result<(), ParamError> {
        let old = self.n_ports();
        let e_rev = dict.f64_list("E_rev")?;
        let mut taus = Vec::new();
        for key in K::TAU_KEYS {
            taus.push(dict.f64_list(key)?);
        }
        if e_rev.is_none() && taus.iter().all(Option::is_none) {
            return Ok(());
        }
        let e_rev_given = e_rev.clone();
        let given = |e: ParamError| {
            let mut e = e;
            if let Some(v) = &e_rev_given {
                e = e.with("E_rev", list(v));
            }
            for (key, t) in K::TAU_KEYS.iter().zip(&taus) {
                if let Some(t) = t {
                    e = e.with(key, list(t));
                }
            }
            e
        };
        let all_given = e_rev.is_some() && taus.iter().all(Option::is_some);
        let e_rev = e_rev.unwrap_or_else(|| self.e_rev.clone());
        let rise = taus[0].clone().unwrap_or_else(|| self.tau_rise.clone());
        let decay = match taus.get(1) {
            Some(t) => t.clone().unwrap_or_else(|| self.tau_decay.clone()),
            None => rise.clone(),
        };
        let lengths = [e_rev.len(), rise.len(), decay.len()];
        if lengths.iter().any(|&l| l != old) && !all_given {
            return Err(given(ParamError::rule(K::ALL_LISTS)));
        }
        if lengths.iter().any(|&l| l != e_rev.len()) {
            return Err(given(ParamError::rule(K::SAME_SIZE)));
        }
        check_port_count(&rise)?;
        check_ports_kept(ports, e_rev.len(), "E_rev", list(&e_rev))?;
        for (&r, &d) in rise.iter().zip(&decay) {
            if r <= 0.0 || d <= 0.0 {
                return Err(given(ParamError::rule(
                    "All synaptic time constants must be strictly positive",
                )));
            }
            if d < r {
                return Err(given(ParamError::rule(
                    "Synaptic rise time must be smaller than or equal to decay time.",
                )));
            }
        }
        self.e_rev = e_rev;
        self.tau_rise = rise;
        self.tau_decay = decay;
        Ok(())
    }

    /// NEST's `Parameters_::get` of model `K`. NEST's `has_connections` is not shown: a chunk
    /// does not know its neurons' connections.
    pub fn get<K: PortShape>(&self, out: &mut Dict) {
        self.adex.get_common(out);
        out.insert("n_receptors", Value::Int(self.n_ports() as i64));
        out.insert("E_rev", list(&self.e_rev));
        out.insert(K::TAU_KEYS[0], list(&self.tau_rise));
        if K::TAU_KEYS.len() > 1 {
            out.insert(K::TAU_KEYS[1], list(&self.tau_decay));
        }
    }

    /// NEST's `pre_run_hook`.
    fn derive<K: PortShape>(&self, grid: &TimeGrid) -> Derived {
        Derived {
            adex: self.adex.derive(grid),
            g0: self
                .tau_rise
                .iter()
                .zip(&self.tau_decay)
                .map(|(&r, &d)| K::g0(r, d))
                .collect(),
        }
    }
}

/// Constants derived before each run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    pub adex: aeif::Derived,
    /// NEST's `g0_`, one per port.
    pub g0: Vec<f64>,
}

/// A multi-port AdEx population of model `K`: validated parameters and initial `V_m`, `w`.
#[derive(Clone, Debug, PartialEq)]
pub struct AdexMultisynapse<K: PortShape> {
    pub params: Params,
    /// Initial `V_m` (the default `E_L`, −70.6 mV, whatever `E_L` is set to, as NEST's
    /// prototype state) and `w`.
    pub initial: [f64; 2],
    shape: PhantomData<K>,
}

impl<K: PortShape> AdexMultisynapse<K> {
    /// NEST's defaults, then [`Params::set`] and `State_::set` (`V_m`, `w`): the path
    /// `SetStatus` takes too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<Self, ParamError> {
        let mut params = Params::defaults::<K>();
        params.set::<K>(dict, None)?;
        let mut initial = [aeif::Params::default().e_l, 0.0];
        set_state(&mut initial, dict)?;
        Ok(AdexMultisynapse {
            params,
            initial,
            shape: PhantomData,
        })
    }
}

/// NEST's `State_::set`: `V_m` and `w`, unchecked.
fn set_state(y: &mut [f64], dict: &mut Dict) -> Result<(), ParamError> {
    read_scalars(dict, &mut [("V_m", &mut y[0])])?;
    read_scalars(dict, &mut [("w", &mut y[1])])?;
    Ok(())
}

impl<K: PortShape> NeuronModel for AdexMultisynapse<K> {
    fn model_name(&self) -> &str {
        K::MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        self.params.n_ports() + 1
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        let input = port_spike_input(K::MODEL_NAME, self.params.n_ports(), receptor, weight)?;
        if weight < 0.0 {
            return Err(Rejection::new(
                "BadProperty",
                "Synaptic weights for conductance-based multisynapse models must be positive.",
            ));
        }
        Ok(input)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        port_current_input(K::MODEL_NAME, self.params.n_ports(), receptor, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        let mut r = vec![Recordable::new("V_m", "mV"), Recordable::new("w", "pA")];
        r.extend((1..=self.params.n_ports()).map(|k| Recordable::new(format!("g_{k}"), "nS")));
        r
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        let ports = self.params.n_ports();
        let dim = FIXED + 2 * ports;
        let mut y = vec![0.0; n * dim];
        for v in y.chunks_exact_mut(dim) {
            v[..2].copy_from_slice(&self.initial);
        }
        Box::new(AdexMultisynapseChunk::<K> {
            sets: ParamSets::new(&self.params, n, Params::derive::<K>),
            integration: Integration::new(n),
            n,
            ports,
            y,
            refractory_steps: vec![0; n],
            instability: None,
            work: WorkBuf::new(dim),
            shape: PhantomData,
        })
    }
}

/// The right-hand side of one neuron (NEST's `aeif_cond_*_multisynapse_dynamics`).
struct System<'a> {
    x: Rhs<'a>,
    ports: &'a Params,
}

impl OdeSystem for System<'_> {
    #[inline(always)]
    fn eval(&self, y: &[f64], f: &mut [f64]) {
        let (x, p) = (&self.x, &self.x.p);
        let v = x.v(y[V_M]);
        let w = y[W];
        let mut i_syn = 0.0;
        for (k, &e_rev) in self.ports.e_rev.iter().enumerate() {
            i_syn += y[FIXED + 1 + 2 * k] * (e_rev - v);
        }
        let i_spike = x.i_spike(v);
        f[V_M] = if x.refractory {
            0.0
        } else {
            (-p.g_l * (v - p.e_l) + i_spike + i_syn - w + p.i_e + x.i_stim) / p.c_m
        };
        f[W] = x.dw(v, w);
        let taus = self.ports.tau_rise.iter().zip(&self.ports.tau_decay);
        for (k, (&rise, &decay)) in taus.enumerate() {
            let j = FIXED + 2 * k;
            f[j] = -y[j] / rise;
            f[j + 1] = y[j] - y[j + 1] / decay;
        }
    }
}

/// The state of `n` neurons of a multi-port AdEx model.
pub struct AdexMultisynapseChunk<K: PortShape> {
    sets: ParamSets<Params, Derived>,
    integration: Integration,
    n: usize,
    ports: usize,
    /// State vectors, `2 + 2·ports` values per neuron.
    y: Vec<f64>,
    /// Refractory steps left (NEST's `r_`).
    refractory_steps: Vec<u32>,
    instability: Option<Instability>,
    work: WorkBuf,
    shape: PhantomData<K>,
}

impl<K: PortShape> AdexMultisynapseChunk<K> {
    fn dim(&self) -> usize {
        FIXED + 2 * self.ports
    }
}

impl<K: PortShape> NeuronChunk for AdexMultisynapseChunk<K> {
    fn len(&self) -> usize {
        self.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.sets.prepare(grid);
        let sets = &self.sets;
        self.integration
            .prepare(grid, |i| sets.params(i).adex.gsl_error_tol);
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "{}: update before prepare",
            K::MODEL_NAME
        );
        let (n, dim) = (self.n, self.dim());
        let mut work = self.work.work();
        for i in 0..n {
            let p = self.sets.params(i);
            let d = self.sets.derived(i);
            let y = &mut self.y[i * dim..][..dim];
            let r = &mut self.refractory_steps[i];
            let i_stim = self.integration.i_stim[i];
            let step = self.integration.step_control(i, W);
            let system = |refractory: bool| System {
                x: Rhs {
                    p: &p.adex,
                    d: &d.adex,
                    refractory,
                    i_stim,
                },
                ports: p,
            };
            let after =
                |y: &mut [f64], r: &mut u32| aeif::clamp_or_spike(y, W, r, &p.adex, &d.adex);
            let result = aeif::integrate_step(
                &step,
                &mut self.integration.step[i],
                y,
                r,
                &mut work,
                system,
                after,
            );
            match result {
                Ok(0) => {}
                Ok(m) => emitted.push((i as u32, m)),
                Err(e) => {
                    // NEST throws at once; the neuron stays as the failing RKF45 step left it.
                    self.instability.get_or_insert(e);
                    continue;
                }
            }
            if *r > 0 {
                *r -= 1;
            }
            for (k, &g0) in d.g0.iter().enumerate() {
                y[FIXED + 2 * k] += input[k * n + i] * g0;
            }
            // The current input of the next step (not latched).
            self.integration.i_stim[i] = input[self.ports * n + i];
        }
    }

    fn take_instability(&mut self) -> Option<Instability> {
        self.instability.take()
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        let y = &self.y[neuron * self.dim()..];
        match index {
            0 => y[V_M],
            1 => y[W],
            k if k < self.ports + 2 => y[FIXED + 1 + 2 * (k - 2)],
            _ => panic!("{} has no recordable {index}", K::MODEL_NAME),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let mut out = Dict::new();
        self.sets.params(neuron).get::<K>(&mut out);
        let y = &self.y[neuron * self.dim()..][..self.dim()];
        // NEST's state vector has one port until the first run sizes it.
        let shown = if self.integration.initialised {
            self.ports
        } else {
            1
        };
        let slot = |j: usize| y.get(j).copied().unwrap_or(0.0);
        let dg: Vec<f64> = (0..shown).map(|k| slot(FIXED + 2 * k)).collect();
        let g: Vec<f64> = (0..shown).map(|k| slot(FIXED + 1 + 2 * k)).collect();
        out.insert("V_m", Value::Float(y[V_M]));
        out.insert("dg", list(&dg));
        out.insert("g", list(&g));
        out.insert("w", Value::Float(y[W]));
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        p.set::<K>(dict, Some(self.ports))?;
        let dim = self.dim();
        let mut vw = [self.y[neuron * dim + V_M], self.y[neuron * dim + W]];
        set_state(&mut vw, dict)?;
        self.sets.assign(neuron, p);
        self.y[neuron * dim + V_M] = vw[0];
        self.y[neuron * dim + W] = vw[1];
        Ok(())
    }
}
