//! `glif_psc`: the current-based generalized leaky integrate-and-fire neuron of the Allen
//! Institute (Teeter et al. 2018), NEST 3.10's model of that name, reproduced bit for bit
//! (spec §3).
//!
//! # Model
//!
//! Voltages are held relative to `E_L` (`U = V_m − E_L`). Between spikes
//!
//! ```text
//! dU/dt = (−G·U + I_in + Σ + Σ_i I_i) / C
//! I_i(t) = Σ_k w_k · (t − t_k)/τ_i · exp(1 − (t − t_k)/τ_i)          (i = 1 … n receptor ports)
//! ```
//!
//! is integrated exactly: with `τ_m = C/G`, each step applies `U ← U·e^{−h/τ_m} + (I_in + Σ)·
//! P30 + Σ_i (P31_i·dI_i + P32_i·I_i)` (`iaf_propagator.rs`), then the alpha currents
//! advance and a spike of weight `w` on port `i` kicks `dI_i` by `w·e/τ_i` (an alpha current of
//! peak `w` pA at `τ_i` after arrival; the sign of `w` is kept).
//!
//! The threshold and after-spike-current mechanisms, the five levels and the reset rules are
//! those of [`crate::glif_cond`] (shared code). The differences: the membrane sees the
//! after-spike-current mean `Σ` of the *current* step (`glif_cond` lags one step), `Σ` and the
//! membrane update come first and the threshold test uses the new `U`; `I_syn` (recordable) is
//! the start-of-step sum of the port currents and is not updated while refractory.
//!
//! One step `k → k+1` (`U_old` = U at its start), unless refractory: `θs` decays; `Σ` = mean of
//! the decaying ASCs over the step, the ASCs decay; `U` is propagated; `θv` follows its exact
//! solution along the leak-only trajectory; `Θ = θs + θv + Θ∞`; if `U > Θ` the neuron spikes (ASC
//! jumps, reset to `U_r` or `f_v·U_old + δV` with R, `⌈t_ref/h⌉` refractory steps). While
//! refractory U is held. Then the port currents advance, incoming spikes kick them and the
//! current input of the next step is latched.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `C_m` | 58.72 | pF | membrane capacitance `C` |
//! | `g` | 9.43 | nS | membrane conductance `G` (`g_m` in `glif_cond`) |
//! | `E_L` | −78.85 | mV | resting potential |
//! | `V_th` | −51.68 | mV | instantaneous threshold, `Θ∞ = V_th − E_L` |
//! | `V_reset` | −78.85 | mV | reset potential of levels 1 and 3, `U_r = V_reset − E_L` |
//! | `t_ref` | 3.75 | ms | refractory period (> 0) |
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
//! | `tau_syn` | [2.0] | ms | `τ_i`, one per receptor port |
//! | `spike_dependent_threshold` | false | | R |
//! | `after_spike_currents` | false | | ASC |
//! | `adapting_threshold` | false | | A |
//!
//! Initial state keys: `V_m` (mV, default `E_L`), `ASCurrents` (pA, only with ASC; overrides
//! `asc_init`), `threshold_spike` (mV, only with R), `threshold_voltage` (mV, only with A).
//!
//! Receptors: spikes on ports `1 … n` (input channel `i − 1`), currents on port 0 (channel `n`).
//! Recordables: `V_m`, `I`, `I_syn`, `ASCurrents_sum`, `threshold`, `threshold_spike`,
//! `threshold_voltage`.
//!
//! # Departure from NEST
//!
//! As for `glif_cond`: the after-spike currents start at `asc_init` (NEST ignores it), exactly
//! as if `ASCurrents = asc_init` had been set in NEST.
//!
//! # References
//!
//! * Teeter C, Iyer R, Menon V, et al. (2018). Generalized leaky integrate-and-fire models
//!   classify multiple neuron types. Nature Communications 9:709.
//! * NEST 3.10, `models/glif_psc.{h,cpp}`; spec `nest-semantics.md` §3.

pub use crate::glif::{GlifConstants, GlifParams, InitialState};

use crate::glif::{put_state, Adaptation, E};
use crate::iaf_propagator::IafPropagator;
use crate::multisynapse::{port_current_input, port_spike_input};
use crate::param_sets::ParamSets;
use crate::voltages::{float_list as list, put_floats};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{self, ParamError, Params as Dict};
use spindle_core::time::{Step, TimeGrid};
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

/// NEST's model name.
pub const MODEL_NAME: &str = "glif_psc";

/// The shape of the postsynaptic currents: one alpha function per port (`glif_psc`) or the sum
/// of a fast and a slow one (`glif_psc_double_alpha`, `crate::glif_psc_double_alpha`).
pub trait PscShape: std::fmt::Debug + Default + Clone + PartialEq + Send + Sync + 'static {
    const MODEL_NAME: &'static str;
    /// The key of the (fast) time constants: `tau_syn` or `tau_syn_fast`.
    const TAU_KEY: &'static str;
    /// Whether every port has a second, slow alpha current (`tau_syn_slow`, `amp_slow`).
    const DOUBLE: bool;
}

/// `glif_psc`'s single alpha current per port.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SingleAlpha;

impl PscShape for SingleAlpha {
    const MODEL_NAME: &'static str = MODEL_NAME;
    const TAU_KEY: &'static str = "tau_syn";
    const DOUBLE: bool = false;
}

/// Every key [`GlifPsc::from_params`] reads.
pub const KEYS: &[&str] = &keys::<24>(&["tau_syn"]);

/// Every key of a `glif_psc`-like model whose port time constants are `tau_keys`, in NEST's
/// order; `N` must be their number (a wrong `N` fails to compile).
pub(crate) const fn keys<const N: usize>(tau_keys: &[&'static str]) -> [&'static str; N] {
    const BEFORE: [&str; 16] = [
        "C_m",
        "g",
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
    ];
    const AFTER: [&str; 7] = [
        "spike_dependent_threshold",
        "after_spike_currents",
        "adapting_threshold",
        "V_m",
        "ASCurrents",
        "threshold_spike",
        "threshold_voltage",
    ];
    let mut out = [""; N];
    let mut n = 0;
    while n < N {
        out[n] = if n < BEFORE.len() {
            BEFORE[n]
        } else if n < BEFORE.len() + tau_keys.len() {
            tau_keys[n - BEFORE.len()]
        } else {
            AFTER[n - BEFORE.len() - tau_keys.len()]
        };
        n += 1;
    }
    assert!(
        N == BEFORE.len() + tau_keys.len() + AFTER.len(),
        "N is not the number of keys"
    );
    out
}

/// User parameters: the membrane, threshold and after-spike-current parameters shared with
/// `glif_cond` (reachable directly, e.g. `params.e_l`, through `Deref`) and the current ports.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Everything but the synaptic ports (voltages relative to `E_L`, as NEST stores them).
    pub glif: GlifParams,
    /// `τ_i`, ms, one per receptor port (`glif_psc_double_alpha`: `tau_syn_fast`).
    pub tau_syn: Vec<f64>,
    /// `glif_psc_double_alpha`: the slow components' `tau_syn_slow`, ms, and `amp_slow`, their
    /// amplitudes relative to the fast ones, one per port; empty for `glif_psc`.
    pub tau_syn_slow: Vec<f64>,
    pub amp_slow: Vec<f64>,
}

impl Default for Params {
    /// NEST's defaults of `glif_psc` (GLIF1 with one port).
    fn default() -> Params {
        Params {
            glif: GlifParams::default(),
            tau_syn: vec![2.0],
            tau_syn_slow: vec![],
            amp_slow: vec![],
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

/// The propagators of one receptor port.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PortPropagators {
    /// `exp(−h/τ_i)`: decay of `dI_i` and `I_i` (NEST's `P11 = P22`).
    pub p11: f64,
    /// `h·P11`: `dI_i → I_i`.
    pub p21: f64,
    /// `dI_i → U`.
    pub p31: f64,
    /// `I_i → U`.
    pub p32: f64,
    /// `e/τ_i`: the jump of `dI_i` per unit weight (NEST's `PSCInitialValues_`; for a slow
    /// component `e/τ_i·amp_slow_i`).
    pub psc_initial_value: f64,
}

impl PortPropagators {
    /// NEST's propagators of an alpha current with time constant `tau` whose jump per unit
    /// weight is `psc_initial_value`.
    fn new(tau: f64, tau_m: f64, c_m: f64, h: f64, psc_initial_value: f64) -> PortPropagators {
        let p11 = (-h / tau).exp();
        let (p31, p32) = IafPropagator::new(tau, tau_m, c_m).alpha_psc(h);
        PortPropagators {
            p11,
            p21: h * p11,
            p31,
            p32,
            psc_initial_value,
        }
    }
}

/// Constants computed from the parameters and the resolution before each run (NEST's
/// `pre_run_hook`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    /// `exp(−h/τ_m)` with `τ_m = C/G`.
    pub p33: f64,
    /// `((1/C)·(1 − P33))·τ_m`: current → U.
    pub p30: f64,
    pub ports: Vec<PortPropagators>,
    /// The slow components of `glif_psc_double_alpha` (empty for `glif_psc`).
    pub slow: Vec<PortPropagators>,
    /// The threshold and after-spike-current constants (shared with `glif_cond`).
    pub glif: GlifConstants,
}

impl Derived {
    /// NEST's `pre_run_hook`, with its exact expressions.
    pub fn new(p: &Params, grid: &TimeGrid) -> Derived {
        let h = grid.h();
        let tau_m = p.c_m / p.g_m;
        let p33 = (-h / tau_m).exp();
        let ports = p
            .tau_syn
            .iter()
            .map(|&tau| PortPropagators::new(tau, tau_m, p.c_m, h, 1.0 * E / tau))
            .collect();
        let slow = p
            .tau_syn_slow
            .iter()
            .zip(&p.amp_slow)
            .map(|(&tau, &amp)| PortPropagators::new(tau, tau_m, p.c_m, h, 1.0 * E / tau * amp))
            .collect();
        Derived {
            p33,
            p30: 1.0 / p.c_m * (1.0 - p33) * tau_m,
            ports,
            slow,
            glif: GlifConstants::new(p, grid),
        }
    }
}

/// A population of `glif_psc` (`S` = [`SingleAlpha`]) or `glif_psc_double_alpha`: validated
/// parameters and initial state.
#[derive(Clone, Debug, PartialEq)]
pub struct GlifPscModel<S: PscShape> {
    pub params: Params,
    pub initial: InitialState,
    shape: PhantomData<S>,
}

impl<S: PscShape> Default for GlifPscModel<S> {
    fn default() -> Self {
        GlifPscModel {
            params: Params::defaults::<S>(),
            initial: InitialState::default(),
            shape: PhantomData,
        }
    }
}

/// A `glif_psc` population.
pub type GlifPsc = GlifPscModel<SingleAlpha>;

/// Read the list `key` into `slot` if present, every entry strictly positive (NEST's `rule`).
fn read_positive_list(
    dict: &mut Dict,
    key: &str,
    slot: &mut Vec<f64>,
    rule: &str,
) -> Result<bool, ParamError> {
    let Some(v) = dict.f64_list(key)? else {
        return Ok(false);
    };
    if v.iter().any(|&t| t <= 0.0) {
        return Err(params::invalid(key, list(&v), rule));
    }
    *slot = v;
    Ok(true)
}

impl Params {
    /// NEST's `Parameters_::set`: read the parameter keys of [`KEYS`] present in `dict` on top
    /// of these parameters and validate with NEST's rules and messages, in `glif_psc`'s order
    /// (which differs from `glif_cond`'s: after-spike currents before the membrane, adapting
    /// before spike threshold). Returns `ΔE_L` for the state. `ports` is the port count an
    /// existing neuron must keep (`None` at creation). On error `self` may be half-updated:
    /// work on a copy.
    pub fn set<S: PscShape>(
        &mut self,
        dict: &mut Dict,
        ports: Option<usize>,
    ) -> Result<f64, ParamError> {
        let delta_e_l = self.glif.set(dict, "g")?;
        let glif = &self.glif;
        glif.check_mechanisms("documentation")?;
        glif.check_after_spike_currents()?;
        glif.check_membrane("g")?;
        glif.check_voltage_threshold()?;
        glif.check_spike_threshold()?;
        if let Some(tau) = dict.f64_list(S::TAU_KEY)? {
            crate::multisynapse::check_port_count(&tau)?;
            crate::multisynapse::check_ports_kept(ports, tau.len(), S::TAU_KEY, list(&tau))?;
            if tau.iter().any(|&t| t <= 0.0) {
                return Err(params::invalid(
                    S::TAU_KEY,
                    list(&tau),
                    "All synaptic time constants must be strictly positive.",
                ));
            }
            self.tau_syn = tau;
        }
        if S::DOUBLE {
            let slow = read_positive_list(
                dict,
                "tau_syn_slow",
                &mut self.tau_syn_slow,
                "All slow synaptic time constants must be strictly positive.",
            )?;
            let amp = read_positive_list(
                dict,
                "amp_slow",
                &mut self.amp_slow,
                "All slow synaptic amplitudes must be strictly positive.",
            )?;
            // NEST reads the slow lists at the fast list's indices without checking their
            // length (beyond their end it reads memory that is not theirs); spindle refuses.
            let n = self.n_ports();
            if self.tau_syn_slow.len() != n || self.amp_slow.len() != n {
                let (key, value) = if amp && self.amp_slow.len() != n {
                    ("amp_slow", list(&self.amp_slow))
                } else if slow || self.tau_syn_slow.len() != n {
                    ("tau_syn_slow", list(&self.tau_syn_slow))
                } else {
                    ("amp_slow", list(&self.amp_slow))
                };
                return Err(params::invalid(
                    key,
                    value,
                    format!(
                        "tau_syn_slow and amp_slow must have one entry per receptor port \
                         (tau_syn_fast has {n})."
                    ),
                ));
            }
        }
        Ok(delta_e_l)
    }

    /// NEST's `Parameters_::get` (absolute voltages). NEST's `has_connections` is not shown:
    /// a chunk does not know its neurons' connections.
    pub fn get<S: PscShape>(&self, out: &mut Dict) {
        self.glif.get(out, "g");
        out.insert(S::TAU_KEY, list(&self.tau_syn));
        if S::DOUBLE {
            out.insert("tau_syn_slow", list(&self.tau_syn_slow));
            out.insert("amp_slow", list(&self.amp_slow));
        }
    }

    /// NEST's defaults of model `S`.
    pub fn defaults<S: PscShape>() -> Params {
        let mut p = Params::default();
        if S::DOUBLE {
            p.tau_syn_slow = vec![6.0];
            p.amp_slow = vec![0.3];
        }
        p
    }
}

impl<S: PscShape> GlifPscModel<S> {
    /// NEST's defaults, then [`Params::set`] and NEST's `State_::set`: the path `SetStatus`
    /// takes too. Unknown keys are left in `dict` for the caller's `finish`.
    pub fn from_params(dict: &mut Dict) -> Result<Self, ParamError> {
        let mut params = Params::defaults::<S>();
        let delta_e_l = params.set::<S>(dict, None)?;
        let initial = params.new_state(dict, delta_e_l)?;
        Ok(GlifPscModel {
            params,
            initial,
            shape: PhantomData,
        })
    }
}

impl<S: PscShape> NeuronModel for GlifPscModel<S> {
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
        vec![
            Recordable::new("V_m", "mV"),
            Recordable::new("I", "pA"),
            Recordable::new("I_syn", "pA"),
            Recordable::new("ASCurrents_sum", "pA"),
            Recordable::new("threshold", "mV"),
            Recordable::new("threshold_spike", "mV"),
            Recordable::new("threshold_voltage", "mV"),
        ]
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(GlifPscChunk::<S>::new(&self.params, &self.initial, n))
    }
}

/// The state of `n` `glif_psc` or `glif_psc_double_alpha` neurons, structure-of-arrays.
pub struct GlifPscChunk<S: PscShape> {
    /// Each neuron's parameters and propagators.
    sets: ParamSets<Params, Derived>,
    s: Columns,
    shape: PhantomData<S>,
}

/// The state columns of a [`GlifPscChunk`].
struct Columns {
    n: usize,
    /// `U = V_m − E_L`, mV.
    u: Vec<f64>,
    /// Threshold components, after-spike currents, refractory counters.
    adapt: Adaptation,
    /// Current input of the coming step (NEST's `I_`), pA.
    i_in: Vec<f64>,
    /// Start-of-step sum of the port currents of the last non-refractory step, pA.
    i_syn: Vec<f64>,
    /// `dI_i` (NEST's `y1_`), port-major: `dI[port·n + neuron]`, pA/ms.
    di: Vec<f64>,
    /// `I_i` (NEST's `y2_`), port-major, pA.
    i: Vec<f64>,
    /// The slow components' `dI_i` and `I_i` (NEST's `y1_slow_`, `y2_slow_`), port-major;
    /// empty for `glif_psc`.
    di_slow: Vec<f64>,
    i_slow: Vec<f64>,
}

/// Advance the alpha currents `(dI, I)` of every port of neuron `i` by one step and add the
/// spikes arriving at its end (`input[port·n + i]`).
#[inline(always)]
fn advance_ports(
    ports: &[PortPropagators],
    (di, ii): (&mut [f64], &mut [f64]),
    input: &[f64],
    (i, n): (usize, usize),
) {
    for (port, pp) in ports.iter().enumerate() {
        let k = port * n + i;
        ii[k] = pp.p21 * di[k] + pp.p11 * ii[k];
        di[k] *= pp.p11;
        di[k] += pp.psc_initial_value * input[k];
    }
}

impl Columns {
    fn ports(&self) -> usize {
        self.di.len() / self.n.max(1)
    }

    /// One step of neuron `i`, which has parameters `p` and constants `d`.
    #[inline(always)]
    fn step_one<S: PscShape>(
        &mut self,
        i: usize,
        p: &Params,
        d: &Derived,
        input: &[f64],
        emitted: &mut Emitted,
    ) {
        let n = self.n;
        let p = &p.glif;
        let u_old = self.u[i];
        let mut u = u_old;
        if self.adapt.refractory_steps[i] == 0 {
            // θs and the ASCs decay; Σ of this step drives the membrane right away.
            let asc_sum = self.adapt.decay(i, p, &d.glif);
            u = u_old * d.p33 + (self.i_in[i] + asc_sum) * d.p30;
            let mut i_syn = 0.0;
            for (port, pp) in d.ports.iter().enumerate() {
                let (di, ii) = (self.di[port * n + i], self.i[port * n + i]);
                u += pp.p31 * di + pp.p32 * ii;
                i_syn += ii;
            }
            if S::DOUBLE {
                // Every fast component first, then every slow one, as NEST sums them.
                let mut i_syn_slow = 0.0;
                for (port, pp) in d.slow.iter().enumerate() {
                    let (di, ii) = (self.di_slow[port * n + i], self.i_slow[port * n + i]);
                    u += pp.p31 * di + pp.p32 * ii;
                    i_syn_slow += ii;
                }
                i_syn += i_syn_slow;
            }
            self.i_syn[i] = i_syn;
            if self
                .adapt
                .threshold_and_spike(i, &mut u, u_old, self.i_in[i], p, &d.glif)
            {
                emitted.push((i as u32, 1));
            }
        } else {
            // Refractory: U held; θs, θv, the ASCs, Σ and I_syn stay frozen.
            self.adapt.hold(i, p);
        }
        self.u[i] = u;
        // Alpha currents, then the spikes that arrive at the end of this step.
        advance_ports(&d.ports, (&mut self.di, &mut self.i), input, (i, n));
        if S::DOUBLE {
            advance_ports(
                &d.slow,
                (&mut self.di_slow, &mut self.i_slow),
                input,
                (i, n),
            );
        }
        // The current input of the next step (not latched).
        self.i_in[i] = input[d.ports.len() * n + i];
    }
}

impl<S: PscShape> GlifPscChunk<S> {
    pub fn new(p: &Params, init: &InitialState, n: usize) -> Self {
        let ports = p.n_ports();
        let slow = if S::DOUBLE { ports * n } else { 0 };
        GlifPscChunk {
            sets: ParamSets::new(p, n, Derived::new),
            s: Columns {
                n,
                u: vec![init.u; n],
                adapt: Adaptation::new(p, init, n),
                i_in: vec![0.0; n],
                i_syn: vec![0.0; n],
                di: vec![0.0; ports * n],
                i: vec![0.0; ports * n],
                di_slow: vec![0.0; slow],
                i_slow: vec![0.0; slow],
            },
            shape: PhantomData,
        }
    }

    /// The after-spike currents of one neuron, pA.
    pub fn asc_currents(&self, neuron: usize) -> &[f64] {
        self.s.adapt.asc_currents(neuron, self.sets.params(neuron))
    }

    /// The refractory steps left of one neuron.
    pub fn refractory_steps(&self, neuron: usize) -> i64 {
        self.s.adapt.refractory_steps[neuron]
    }
}

impl<S: PscShape> NeuronChunk for GlifPscChunk<S> {
    fn len(&self) -> usize {
        self.s.n
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
        let n = self.s.n;
        debug_assert_eq!(input.len(), (self.s.ports() + 1) * n);
        // One parameter set: its constants are hoisted out of the loop (the fast path).
        if let Some((p, d)) = self.sets.uniform() {
            for i in 0..n {
                self.s.step_one::<S>(i, p, d, input, emitted);
            }
        } else {
            for i in 0..n {
                let (p, d) = (self.sets.params(i), self.sets.derived(i));
                self.s.step_one::<S>(i, p, d, input, emitted);
            }
        }
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        let (i, s, e_l) = (neuron, &self.s, self.sets.params(neuron).e_l);
        match index {
            0 => s.u[i] + e_l,
            1 => s.i_in[i],
            2 => s.i_syn[i],
            3 => s.adapt.asc_sum[i],
            4 => s.adapt.threshold[i] + e_l,
            5 => s.adapt.threshold_spike[i],
            6 => s.adapt.threshold_voltage[i],
            _ => panic!("{} has no recordable {index}", S::MODEL_NAME),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let p = self.sets.params(neuron);
        let mut out = Dict::new();
        p.get::<S>(&mut out);
        let s = self.s.adapt.state(neuron, p, self.s.u[neuron]);
        put_state(&mut out, p, &s);
        put_floats(
            &mut out,
            &[
                ("threshold_spike", s.threshold_spike),
                ("threshold_voltage", s.threshold_voltage),
            ],
        );
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let old = self.sets.params(neuron);
        let mut p = old.clone();
        let mut s = self.s.adapt.state(neuron, old, self.s.u[neuron]);
        let delta_e_l = p.set::<S>(dict, Some(old.n_ports()))?;
        p.set_state(&mut s, dict, delta_e_l)?;
        self.s.adapt.set_state(neuron, &p, &s);
        self.s.u[neuron] = s.u;
        self.sets.assign(neuron, p);
        Ok(())
    }
}
