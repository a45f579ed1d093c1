//! `glif_cond`: the conductance-based generalized leaky integrate-and-fire neuron of the Allen
//! Institute (Teeter et al. 2018), NEST 3.10's model of that name, reproduced bit for bit.
//!
//! # Model
//!
//! Voltages are held relative to `E_L` (`U = V_m − E_L`). Between spikes, with the refractory
//! counter `r`, the current input `I_in` and the after-spike-current mean `Σ` frozen over a step,
//!
//! ```text
//! dU/dt   = (−G·U − Σ_i g_i·(U + E_L − E_i) + I_in + Σ) / C     (0 while refractory)
//! dx_i/dt = −x_i/τ_i
//! dg_i/dt = x_i − g_i/τ_i                                       (i = 1 … n receptor ports)
//! ```
//!
//! integrated over each step with GSL 1.15's RKF45 and its standard step control (absolute
//! tolerance 1e-3 on every component, step estimate carried across steps; see [`crate::rkf45`]).
//! A spike of weight `w` on port `i` adds `w·e/τ_i` to `x_i`: an alpha conductance of peak `w`
//! nS at `τ_i` after arrival. The sign of `w` is kept, so a negative weight gives a negative
//! conductance (which depolarises on an inhibitory port).
//!
//! Three switches select the five GLIF levels (spec §2.3):
//!
//! | level | `spike_dependent_threshold` (R) | `after_spike_currents` (ASC) | `adapting_threshold` (A) |
//! | --- | --- | --- | --- |
//! | GLIF1 `lif` | false | false | false |
//! | GLIF2 `lif_r` | true | false | false |
//! | GLIF3 `lif_asc` | false | true | false |
//! | GLIF4 `lif_r_asc` | true | true | false |
//! | GLIF5 `lif_r_asc_a` | true | true | true |
//!
//! After the integration of step `k` (`U_old` = U at its start), unless refractory: the spike
//! threshold component decays (`θs ·= e^{−b_s h}`), `Σ` becomes the exact mean of the decaying
//! ASCs over the step and the ASCs decay, the voltage threshold component follows the exact
//! solution of `dθv/dt = a_v·U − b_v·θv` along the leak-only trajectory from `U_old`, and
//! `Θ = θs + θv + Θ∞`. If `U > Θ` the neuron spikes: the ASCs jump (`I_j = ΔI_j + I_j·r_j
//! e^{−k_j t_ref}`), U resets to `U_r` (levels 1, 3) or to `f_v·U_old + δV` (R levels, whose
//! `θs` also decays over `t_ref` and grows by `δθs`), and the next `⌈t_ref/h⌉` steps hold U.
//! Then incoming spikes kick the `x_i` and the current input of the next step is latched.
//! Quirks copied from NEST: the membrane sees the `Σ` of the *previous* step; `Σ`, `θs`, `θv`
//! freeze while refractory; the R reset uses `U_old`, not the threshold.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `C_m` | 58.72 | pF | membrane capacitance `C` |
//! | `g_m` | 9.43 | nS | membrane conductance `G` |
//! | `E_L` | −78.85 | mV | resting potential |
//! | `V_th` | −51.68 | mV | instantaneous threshold, `Θ∞ = V_th − E_L` |
//! | `V_reset` | −78.85 | mV | reset potential of levels 1 and 3, `U_r = V_reset − E_L` |
//! | `t_ref` | 3.75 | ms | refractory period |
//! | `th_spike_add` | 0.37 | mV | `δθs`, added to the spike threshold component per spike |
//! | `th_spike_decay` | 0.009 | 1/ms | `b_s`, decay rate of the spike component |
//! | `voltage_reset_fraction` | 0.20 | 1 | `f_v` |
//! | `voltage_reset_add` | 18.51 | mV | `δV` |
//! | `th_voltage_index` | 0.005 | 1/ms | `a_v` |
//! | `th_voltage_decay` | 0.09 | 1/ms | `b_v` |
//! | `asc_init` | [0, 0] | pA | initial after-spike currents (honoured, unlike NEST) |
//! | `asc_decay` | [0.003, 0.1] | 1/ms | `k_j` |
//! | `asc_amps` | [−9.18, −198.94] | pA | `ΔI_j` |
//! | `asc_r` | [1, 1] | 1 | `r_j` |
//! | `tau_syn` | [0.2, 2.0] | ms | `τ_i`, one per receptor port |
//! | `E_rev` | [0, −85] | mV | `E_i`, reversal potential per port |
//! | `spike_dependent_threshold` | false | | R |
//! | `after_spike_currents` | false | | ASC |
//! | `adapting_threshold` | false | | A |
//!
//! Initial state keys: `V_m` (mV, default `E_L`), `ASCurrents` (pA, only with ASC; overrides
//! `asc_init`), `threshold_spike` (mV, only with R), `threshold_voltage` (mV, only with A).
//!
//! Receptors: spikes on ports `1 … n` (input channel `i − 1`), currents on port 0 (channel `n`).
//! Recordables: `V_m`, `I`, `g_1 … g_n`, `threshold`, `threshold_spike`, `threshold_voltage`,
//! `ASCurrents_sum`.
//!
//! # Departure from NEST
//!
//! NEST ignores `asc_init` (its after-spike currents always start at [0, 0], and with more than
//! two ASC terms only the first two are ever active unless `ASCurrents` is set). Here the ASCs
//! start at `asc_init`, exactly as if `ASCurrents = asc_init` had been set in NEST: `Σ` is 0 for
//! the first step either way.
//!
//! # References
//!
//! * Teeter C, Iyer R, Menon V, et al. (2018). Generalized leaky integrate-and-fire models
//!   classify multiple neuron types. Nature Communications 9:709.
//! * NEST 3.10, `models/glif_cond.{h,cpp}`; spec `nest-semantics.md` §2.

pub use crate::glif::{GlifConstants, GlifParams, InitialState};

use crate::glif::{put_state, Adaptation, E};
use crate::multisynapse::{port_current_input, port_spike_input};
use crate::param_sets::ParamSets;
use crate::rkf45::{self, OdeSystem, Work, WorkBuf};
use crate::voltages::float_list as list;
use spindle_core::error::Rejection;
use spindle_core::model::{
    Emitted, InputChannel, Instability, NeuronChunk, NeuronModel, Recordable,
};
use spindle_core::params::{self, ParamError, Params as Dict};
use spindle_core::time::{Step, TimeGrid};
use std::ops::{Deref, DerefMut};

/// NEST's model name.
pub const MODEL_NAME: &str = "glif_cond";

/// Every key [`GlifCond::from_params`] reads.
pub const KEYS: &[&str] = &[
    "C_m",
    "g_m",
    "E_L",
    "V_th",
    "V_reset",
    "t_ref",
    "th_spike_add",
    "th_spike_decay",
    "voltage_reset_fraction",
    "voltage_reset_add",
    "th_voltage_index",
    "th_voltage_decay",
    "asc_init",
    "asc_decay",
    "asc_amps",
    "asc_r",
    "tau_syn",
    "E_rev",
    "spike_dependent_threshold",
    "after_spike_currents",
    "adapting_threshold",
    "V_m",
    "ASCurrents",
    "threshold_spike",
    "threshold_voltage",
];

/// Absolute tolerance of NEST's GSL step controller (`gsl_odeiv_control_y_new(1e-3, 0.0)`).
const EPS_ABS: f64 = 1e-3;

/// User parameters: the membrane, threshold and after-spike-current parameters shared with
/// `glif_psc` (reachable directly, e.g. `params.e_l`, through `Deref`) and the conductance ports.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Everything but the synaptic ports (voltages relative to `E_L`, as NEST stores them).
    pub glif: GlifParams,
    /// `τ_i`, ms, one per receptor port.
    pub tau_syn: Vec<f64>,
    /// `E_i`, mV, one per receptor port.
    pub e_rev: Vec<f64>,
}

impl Default for Params {
    /// NEST's defaults (GLIF1 with two ports).
    fn default() -> Params {
        Params {
            glif: GlifParams::default(),
            tau_syn: vec![0.2, 2.0],
            e_rev: vec![0.0, -85.0],
        }
    }
}

impl Deref for Params {
    type Target = GlifParams;
    fn deref(&self) -> &GlifParams {
        &self.glif
    }
}

impl DerefMut for Params {
    fn deref_mut(&mut self) -> &mut GlifParams {
        &mut self.glif
    }
}

impl Params {
    /// Number of spike receptor ports.
    pub fn n_ports(&self) -> usize {
        self.tau_syn.len()
    }
}

/// Constants computed from the parameters and the resolution before each run (NEST's
/// `pre_run_hook`, spec §2.5).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    /// The resolution `h`, ms.
    pub h: f64,
    /// The threshold and after-spike-current constants (shared with `glif_psc`).
    pub glif: GlifConstants,
    /// `K_i = e/τ_i`: the jump of `x_i` per unit weight.
    pub cond_initial_values: Vec<f64>,
}

impl Derived {
    /// NEST's `pre_run_hook`, with its exact expressions.
    pub fn new(p: &Params, grid: &TimeGrid) -> Derived {
        Derived {
            h: grid.h(),
            glif: GlifConstants::new(p, grid),
            cond_initial_values: p.tau_syn.iter().map(|&tau| 1.0 * E / tau).collect(),
        }
    }
}

/// A `glif_cond` population: validated parameters and initial state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GlifCond {
    pub params: Params,
    pub initial: InitialState,
}

fn bad(message: &str) -> ParamError {
    ParamError::rule(message)
}

impl Params {
    /// NEST's `Parameters_::set`: read the parameter keys of [`KEYS`] present in `dict` on top
    /// of these parameters and validate with NEST's rules and messages, in `glif_cond`'s order.
    /// Returns `ΔE_L` for the state. `ports` is the port count an existing neuron must keep
    /// (`None` at creation). On error `self` may be half-updated: work on a copy.
    pub fn set(&mut self, dict: &mut Dict, ports: Option<usize>) -> Result<f64, ParamError> {
        let delta_e_l = self.glif.set(dict, "g_m")?;
        let glif = &self.glif;
        glif.check_mechanisms("documents")?;
        glif.check_membrane("g_m")?;
        glif.check_spike_threshold()?;
        glif.check_after_spike_currents()?;
        glif.check_voltage_threshold()?;
        let tau = dict.f64_list("tau_syn")?;
        let e_rev = dict.f64_list("E_rev")?;
        if tau.is_some() || e_rev.is_some() {
            if let Some(t) = tau {
                self.tau_syn = t;
            }
            if let Some(e) = e_rev {
                self.e_rev = e;
            }
            if self.e_rev.len() != self.tau_syn.len() {
                return Err(bad(&format!(
                    "The reversal potential and synaptic time constant arrays, i.e., E_rev ({}) \
                     and tau_syn ({}), must have the same size.",
                    self.e_rev.len(),
                    self.tau_syn.len()
                ))
                .with("tau_syn", list(&self.tau_syn))
                .with("E_rev", list(&self.e_rev)));
            }
            crate::multisynapse::check_port_count(&self.tau_syn)?;
            crate::multisynapse::check_ports_kept(
                ports,
                self.n_ports(),
                "tau_syn",
                list(&self.tau_syn),
            )?;
            if self.tau_syn.iter().any(|&t| t <= 0.0) {
                return Err(params::invalid(
                    "tau_syn",
                    list(&self.tau_syn),
                    "All synaptic time constants must be strictly positive.",
                ));
            }
        }
        Ok(delta_e_l)
    }

    /// NEST's `Parameters_::get` (absolute voltages). NEST's `has_connections` is not shown:
    /// a chunk does not know its neurons' connections.
    pub fn get(&self, out: &mut Dict) {
        self.glif.get(out, "g_m");
        out.insert("tau_syn", list(&self.tau_syn));
        out.insert("E_rev", list(&self.e_rev));
    }
}

impl GlifCond {
    /// NEST's defaults, then [`Params::set`] and NEST's `State_::set`: the path `SetStatus`
    /// takes too. Unknown keys are left in `dict` for the caller's `finish`.
    pub fn from_params(dict: &mut Dict) -> Result<GlifCond, ParamError> {
        let mut params = Params::default();
        let delta_e_l = params.set(dict, None)?;
        let initial = params.new_state(dict, delta_e_l)?;
        Ok(GlifCond { params, initial })
    }
}

impl NeuronModel for GlifCond {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        self.params.n_ports() + 1
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        port_spike_input(MODEL_NAME, self.params.n_ports(), receptor, weight)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        port_current_input(MODEL_NAME, self.params.n_ports(), receptor, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        let mut r = vec![Recordable::new("V_m", "mV"), Recordable::new("I", "pA")];
        r.extend((1..=self.params.n_ports()).map(|i| Recordable::new(format!("g_{i}"), "nS")));
        r.extend([
            Recordable::new("threshold", "mV"),
            Recordable::new("threshold_spike", "mV"),
            Recordable::new("threshold_voltage", "mV"),
            Recordable::new("ASCurrents_sum", "pA"),
        ]);
        r
    }

    fn connection_warning(&self, receptor: i64, weight: f64) -> Option<String> {
        let n = self.params.n_ports() as i64;
        if weight < 0.0 && (1..=n).contains(&receptor) {
            let e_rev = self.params.e_rev[(receptor - 1) as usize];
            Some(format!(
                "{MODEL_NAME}: negative weight {weight} into conductance port {receptor} \
                 (E_rev = {e_rev} mV) is kept with its sign, as NEST does: the conductance goes \
                 negative and drives the membrane away from E_rev (it can depolarise the cell)."
            ))
        } else {
            None
        }
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(GlifCondChunk::new(&self.params, &self.initial, n))
    }
}

/// The right-hand side of one neuron during one step (spec §2.6, NEST's `glif_cond_dynamics`).
/// State vector `y = (U, x_1, g_1, …, x_n, g_n)`.
struct Dynamics<'a> {
    refractory: bool,
    i_in: f64,
    asc_sum: f64,
    g_m: f64,
    e_l: f64,
    c_m: f64,
    tau_syn: &'a [f64],
    e_rev: &'a [f64],
}

impl OdeSystem for Dynamics<'_> {
    #[inline(always)]
    fn eval(&self, y: &[f64], f: &mut [f64]) {
        // The port count from the slice length: a compile-time constant in the monomorphised
        // update loops, so these loops unroll.
        let ports = (y.len() - 1) / 2;
        let (tau, e_rev) = (&self.tau_syn[..ports], &self.e_rev[..ports]);
        let (y, f) = (&y[..1 + 2 * ports], &mut f[..1 + 2 * ports]);
        f[0] = if self.refractory {
            // NEST clamps V to V_reset inside I_syn here, which cannot matter: dU/dt is 0.
            0.0
        } else {
            let v = y[0];
            let mut i_syn = 0.0;
            for i in 0..ports {
                i_syn += y[2 + 2 * i] * (v + self.e_l - e_rev[i]);
            }
            let i_leak = self.g_m * v;
            (-i_leak - i_syn + self.i_in + self.asc_sum) / self.c_m
        };
        for i in 0..ports {
            let x = y[1 + 2 * i];
            f[1 + 2 * i] = -x / tau[i];
            f[2 + 2 * i] = x - (y[2 + 2 * i] / tau[i]);
        }
    }
}

/// [`Dynamics`] of `L` neurons at once (for [`rkf45::integrate_batch`]): per lane the same
/// operations in the same order.
struct BatchDynamics<'a, const L: usize> {
    refractory: [bool; L],
    i_in: [f64; L],
    asc_sum: [f64; L],
    g_m: f64,
    e_l: f64,
    c_m: f64,
    tau_syn: &'a [f64],
    e_rev: &'a [f64],
}

impl<const L: usize, const D: usize> rkf45::BatchSystem<L, D> for BatchDynamics<'_, L> {
    #[inline(always)]
    fn eval(&self, y: &[[f64; L]; D], f: &mut [[f64; L]; D]) {
        let ports = (D - 1) / 2;
        let (tau, e_rev) = (&self.tau_syn[..ports], &self.e_rev[..ports]);
        let mut i_syn = [0.0f64; L];
        for i in 0..ports {
            let e = e_rev[i];
            for l in 0..L {
                i_syn[l] += y[2 + 2 * i][l] * (y[0][l] + self.e_l - e);
            }
        }
        for l in 0..L {
            let i_leak = self.g_m * y[0][l];
            let du = (-i_leak - i_syn[l] + self.i_in[l] + self.asc_sum[l]) / self.c_m;
            f[0][l] = if self.refractory[l] { 0.0 } else { du };
        }
        for i in 0..ports {
            let tau = tau[i];
            for l in 0..L {
                let x = y[1 + 2 * i][l];
                f[1 + 2 * i][l] = -x / tau;
                f[2 + 2 * i][l] = x - (y[2 + 2 * i][l] / tau);
            }
        }
    }
}

/// Neurons integrated in lockstep by [`GlifCondChunk::update_batched`].
const LANES: usize = 4;

/// The state of `n` `glif_cond` neurons, structure-of-arrays.
pub struct GlifCondChunk {
    /// Each neuron's parameters and constants.
    sets: ParamSets<Params, Derived>,
    s: Columns,
    work: WorkBuf,
    /// NEST's `init_buffers_` runs once per node lifetime, at the first run.
    buffers_initialised: bool,
}

/// The state columns of a [`GlifCondChunk`].
struct Columns {
    n: usize,
    /// `1 + 2·ports`, the same for every neuron of a chunk.
    dim: usize,
    /// Integrator state, one contiguous vector `(U, x_1, g_1, …)` per neuron (the integrator
    /// works on one neuron at a time, so this is the cache-friendly layout).
    y: Vec<f64>,
    /// Threshold components, after-spike currents, refractory counters.
    adapt: Adaptation,
    /// Current input of the coming step (NEST's `B_.I_`).
    i_in: Vec<f64>,
    /// GSL's step estimate, carried across steps and runs (NEST's `IntegrationStep_`).
    integration_step: Vec<f64>,
    /// The first neuron whose integration diverged in this update (the rest of the update is
    /// skipped: the run stops).
    instability: Option<Instability>,
}

impl GlifCondChunk {
    pub fn new(p: &Params, init: &InitialState, n: usize) -> GlifCondChunk {
        let dim = 1 + 2 * p.n_ports();
        let mut y = vec![0.0; n * dim];
        for yi in y.chunks_exact_mut(dim) {
            yi[0] = init.u;
        }
        GlifCondChunk {
            sets: ParamSets::new(p, n, Derived::new),
            s: Columns {
                n,
                dim,
                y,
                adapt: Adaptation::new(p, init, n),
                i_in: vec![0.0; n],
                integration_step: vec![0.0; n],
                instability: None,
            },
            work: WorkBuf::new(dim),
            buffers_initialised: false,
        }
    }

    /// The integrator state `(U, x_1, g_1, …)` of one neuron (relative U, mV; nS/ms; nS).
    pub fn y(&self, neuron: usize) -> &[f64] {
        self.s.y(neuron)
    }

    /// The after-spike currents of one neuron, pA.
    pub fn asc_currents(&self, neuron: usize) -> &[f64] {
        self.s.adapt.asc_currents(neuron, self.sets.params(neuron))
    }

    /// The refractory steps left of one neuron.
    pub fn refractory_steps(&self, neuron: usize) -> i64 {
        self.s.adapt.refractory_steps[neuron]
    }

    /// GSL's running step estimate of one neuron, ms.
    pub fn integration_step(&self, neuron: usize) -> f64 {
        self.s.integration_step[neuron]
    }

    /// Advance all neurons by one step (spec §2.7), one neuron at a time: the reference path,
    /// used for port counts without a compile-time dimension (more than four ports).
    fn update_scalar(&mut self, input: &[f64], emitted: &mut Emitted) {
        let mut work = self.work.work();
        for i in 0..self.s.n {
            let (p, d) = (self.sets.params(i), self.sets.derived(i));
            self.s.step_one(i, p, d, input, emitted, &mut work);
            if self.s.instability.is_some() {
                return;
            }
        }
    }

    /// As [`GlifCondChunk::update_scalar`] for a port count with a compile-time dimension `D`:
    /// the membrane and synapse ODEs of [`LANES`] neurons that share a parameter set are
    /// integrated together by [`rkf45::integrate_batch`] — bit for bit the scalar integration
    /// of each — and the rest of the step runs per neuron. A group of neurons with different
    /// parameters takes the scalar path, with the same result.
    #[inline(always)]
    fn update_batched<const D: usize>(&mut self, input: &[f64], emitted: &mut Emitted) {
        let n = self.s.n;
        let index = self.sets.index();
        let mut work = self.work.work();
        for first in (0..n).step_by(LANES) {
            let lanes = (n - first).min(LANES);
            let group = &index[first..first + lanes];
            if group.iter().all(|&k| k == group[0]) {
                let (p, d) = (self.sets.params(first), self.sets.derived(first));
                self.s.step_lanes::<D>(first, lanes, p, d, input, emitted);
            } else {
                for i in first..first + lanes {
                    let (p, d) = (self.sets.params(i), self.sets.derived(i));
                    self.s.step_one(i, p, d, input, emitted, &mut work);
                }
            }
            if self.s.instability.is_some() {
                return;
            }
        }
    }
}

/// Neuron `i`'s diverged integration, blamed on `V_m` or a port's conductance (`y` is
/// `(U, x_1, g_1, …)`, `U = V_m − E_L`).
fn diverged(i: usize, y: &[f64], e_l: f64) -> Instability {
    let names: Vec<&'static str> = (0..y.len())
        .map(|c| match c {
            0 => "V_m",
            c if c % 2 == 1 => "dg",
            _ => "g",
        })
        .collect();
    let mut instability = rkf45::diverged(y, &names);
    instability.neuron = i;
    if instability.variable == "V_m" {
        instability.value += e_l;
    }
    instability
}

impl Columns {
    fn y(&self, neuron: usize) -> &[f64] {
        &self.y[neuron * self.dim..(neuron + 1) * self.dim]
    }

    /// One step of neuron `i` (parameters `p`, constants `d`), spec §2.7.
    #[inline(always)]
    fn step_one(
        &mut self,
        i: usize,
        p: &Params,
        d: &Derived,
        input: &[f64],
        emitted: &mut Emitted,
        work: &mut Work<'_>,
    ) {
        let n = self.n;
        let ports = p.n_ports();
        let dim = self.dim;
        let y = &mut self.y[i * dim..(i + 1) * dim];
        let v_old = y[0];
        let refractory = self.adapt.refractory_steps[i] > 0;

        // 1. Integrate over the step with r, I_in and Σ frozen.
        let sys = Dynamics {
            refractory,
            i_in: self.i_in[i],
            asc_sum: self.adapt.asc_sum[i],
            g_m: p.g_m,
            e_l: p.e_l,
            c_m: p.c_m,
            tau_syn: &p.tau_syn,
            e_rev: &p.e_rev,
        };
        if !rkf45::integrate(&sys, EPS_ABS, d.h, &mut self.integration_step[i], y, work) {
            self.instability = Some(diverged(i, y, p.e_l));
            return;
        }

        if !refractory {
            // 2. Threshold components, ASCs, spike test (spec §2.7 2).
            self.adapt.decay(i, p, &d.glif);
            if self
                .adapt
                .threshold_and_spike(i, &mut y[0], v_old, self.i_in[i], p, &d.glif)
            {
                emitted.push((i as u32, 1));
            }
        } else {
            // 3. Refractory: hold V; θs, θv, the ASCs and Σ stay frozen.
            self.adapt.hold(i, p);
            y[0] = v_old;
        }

        // 4. Spikes arriving at the end of this step kick the alpha conductances.
        for (port, &k) in d.cond_initial_values.iter().enumerate() {
            y[1 + 2 * port] += input[port * n + i] * k;
        }
        // 5. The current input of the next step (not latched).
        self.i_in[i] = input[ports * n + i];
    }

    /// One step of the `lanes` neurons from `first` on, which share parameters `p` and
    /// constants `d`, their ODEs integrated in lockstep.
    #[inline(always)]
    fn step_lanes<const D: usize>(
        &mut self,
        first: usize,
        lanes: usize,
        p: &Params,
        d: &Derived,
        input: &[f64],
        emitted: &mut Emitted,
    ) {
        let n = self.n;
        let ports = p.n_ports();
        debug_assert_eq!(D, 1 + 2 * ports);
        let h = d.h;
        let mut y = [[0.0f64; LANES]; D];
        let mut h_est = [h; LANES];
        let mut active = [false; LANES];
        let mut sys = BatchDynamics {
            refractory: [false; LANES],
            i_in: [0.0; LANES],
            asc_sum: [0.0; LANES],
            g_m: p.g_m,
            e_l: p.e_l,
            c_m: p.c_m,
            tau_syn: &p.tau_syn,
            e_rev: &p.e_rev,
        };
        for l in 0..lanes {
            let i = first + l;
            for (c, yc) in y.iter_mut().enumerate() {
                yc[l] = self.y[i * D + c];
            }
            h_est[l] = self.integration_step[i];
            active[l] = true;
            sys.refractory[l] = self.adapt.refractory_steps[i] > 0;
            sys.i_in[l] = self.i_in[i];
            sys.asc_sum[l] = self.adapt.asc_sum[i];
        }

        // 1. Integrate over the step with r, I_in and Σ frozen.
        let converged = rkf45::integrate_batch(&sys, EPS_ABS, h, &mut h_est, &mut y, active);
        if let Some(l) = (0..lanes).find(|&l| !converged[l]) {
            let yl: Vec<f64> = y.iter().map(|c| c[l]).collect();
            self.instability = Some(diverged(first + l, &yl, p.e_l));
            return;
        }

        for l in 0..lanes {
            let i = first + l;
            let yi = &mut self.y[i * D..(i + 1) * D];
            let v_old = yi[0];
            for (c, yc) in y.iter().enumerate() {
                yi[c] = yc[l];
            }
            self.integration_step[i] = h_est[l];
            if !sys.refractory[l] {
                // 2. Threshold components, ASCs, spike test (spec §2.7 2).
                self.adapt.decay(i, p, &d.glif);
                if self
                    .adapt
                    .threshold_and_spike(i, &mut yi[0], v_old, self.i_in[i], p, &d.glif)
                {
                    emitted.push((i as u32, 1));
                }
            } else {
                // 3. Refractory: hold V; θs, θv, the ASCs and Σ stay frozen.
                self.adapt.hold(i, p);
                yi[0] = v_old;
            }
            // 4. Spikes arriving at the end of this step kick the alpha conductances.
            for (port, &k) in d.cond_initial_values.iter().enumerate() {
                yi[1 + 2 * port] += input[port * n + i] * k;
            }
            // 5. The current input of the next step (not latched).
            self.i_in[i] = input[ports * n + i];
        }
    }
}

impl NeuronChunk for GlifCondChunk {
    fn len(&self) -> usize {
        self.s.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.sets.prepare(grid);
        if !self.buffers_initialised {
            // NEST's init_buffers_: the step estimate starts at h, the current input at 0.
            self.s.integration_step.fill(grid.h());
            self.s.i_in.fill(0.0);
            self.buffers_initialised = true;
        }
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(self.sets.is_prepared(), "glif_cond: update before prepare");
        let ports = (self.s.dim - 1) / 2;
        debug_assert_eq!(input.len(), (ports + 1) * self.s.n);
        match ports {
            0 => self.update_batched::<1>(input, emitted),
            1 => self.update_batched::<3>(input, emitted),
            2 => self.update_batched::<5>(input, emitted),
            3 => self.update_batched::<7>(input, emitted),
            4 => self.update_batched::<9>(input, emitted),
            _ => self.update_scalar(input, emitted),
        }
    }

    fn take_instability(&mut self) -> Option<Instability> {
        self.s.instability.take()
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        let ports = (self.s.dim - 1) / 2;
        let (i, s, e_l) = (neuron, &self.s, self.sets.params(neuron).e_l);
        match index {
            0 => s.y(i)[0] + e_l,
            1 => s.i_in[i],
            k if k < 2 + ports => s.y(i)[2 + 2 * (k - 2)],
            k => match k - 2 - ports {
                0 => s.adapt.threshold[i] + e_l,
                1 => s.adapt.threshold_spike[i],
                2 => s.adapt.threshold_voltage[i],
                3 => s.adapt.asc_sum[i],
                _ => panic!("glif_cond has no recordable {index}"),
            },
        }
    }

    /// NEST's `get`: the parameters, `V_m`, `ASCurrents` and the conductance state per port
    /// (`dg` = `x_i`, `g` = `g_i`). NEST's `State_::get` shows neither `threshold_spike` nor
    /// `threshold_voltage` (its `State_::set` reads them), and before its first `Simulate` its
    /// `dg` and `g` have one entry whatever the port count (its state vector is sized in
    /// `pre_run_hook`); spindle's always have one per port.
    fn get_status(&self, neuron: usize) -> Dict {
        let p = self.sets.params(neuron);
        let mut out = Dict::new();
        p.get(&mut out);
        let y = self.s.y(neuron);
        let state = self.s.adapt.state(neuron, p, y[0]);
        put_state(&mut out, p, &state);
        let dg: Vec<f64> = y[1..].iter().step_by(2).copied().collect();
        let g: Vec<f64> = y[2..].iter().step_by(2).copied().collect();
        out.insert("dg", list(&dg));
        out.insert("g", list(&g));
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let old = self.sets.params(neuron);
        let mut p = old.clone();
        let mut s = self.s.adapt.state(neuron, old, self.s.y(neuron)[0]);
        let delta_e_l = p.set(dict, Some(old.n_ports()))?;
        p.set_state(&mut s, dict, delta_e_l)?;
        self.s.adapt.set_state(neuron, &p, &s);
        let dim = self.s.dim;
        self.s.y[neuron * dim] = s.u;
        self.sets.assign(neuron, p);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spindle_core::params::Value;

    /// A population whose neurons diverge — different input, big conductance jumps that make
    /// the controller reject steps, refractory periods, spikes — integrated by the lockstep
    /// path and by the one-neuron-at-a-time reference: every state bit and every spike agree.
    #[test]
    fn lockstep_integration_is_bit_identical_to_the_scalar_reference() {
        let mut dict = Dict::new();
        for (k, v) in [
            ("spike_dependent_threshold", true),
            ("after_spike_currents", true),
            ("adapting_threshold", true),
        ] {
            dict.insert(k, Value::Bool(v));
        }
        let model = GlifCond::from_params(&mut dict).expect("valid parameters");
        let n = 11; // not a multiple of the lane count
        let grid = TimeGrid::from_resolution_ms(0.1).expect("valid resolution");
        let mut batched = GlifCondChunk::new(&model.params, &model.initial, n);
        let mut scalar = GlifCondChunk::new(&model.params, &model.initial, n);
        batched.prepare(&grid);
        scalar.prepare(&grid);
        let ports = model.params.n_ports();
        assert_eq!(ports, 2);
        let (mut spikes_b, mut spikes_s) = (Emitted::new(), Emitted::new());
        let mut input = vec![0.0; (ports + 1) * n];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut rejections_possible = false;
        for step in 0..3000 {
            for (k, x) in input.iter_mut().enumerate() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                let neuron = k % n;
                *x = match k / n {
                    // Excitatory kicks, some of them huge; inhibitory ones; a current per neuron.
                    0 if u < 0.02 => 400.0 * u * 50.0,
                    0 if u < 0.3 => 2.0 * (neuron as f64 + 1.0),
                    1 if u < 0.1 => 8.0,
                    2 => 50.0 * neuron as f64 * u,
                    _ => 0.0,
                };
            }
            batched.update_batched::<5>(&input, &mut spikes_b);
            scalar.update_scalar(&input, &mut spikes_s);
            for i in 0..n {
                let (yb, ys) = (batched.y(i), scalar.y(i));
                assert!(
                    yb.iter().zip(ys).all(|(a, b)| a.to_bits() == b.to_bits()),
                    "step {step}, neuron {i}: {yb:?} vs {ys:?}"
                );
                assert_eq!(
                    batched.integration_step(i).to_bits(),
                    scalar.integration_step(i).to_bits()
                );
                rejections_possible |= scalar.integration_step(i) < 0.05;
            }
        }
        assert_eq!(spikes_b, spikes_s);
        assert!(
            spikes_s.len() > 3 * n,
            "the neurons spike: {}",
            spikes_s.len()
        );
        assert!(
            rejections_possible,
            "the input makes the controller shrink steps"
        );
    }
}
