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

use crate::rkf45::{self, OdeSystem, Work, WorkBuf};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{self, ParamError, Params as Dict};
use spindle_core::time::{Step, TimeGrid};

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

/// NEST's `numerics::e`.
const E: f64 = std::f64::consts::E;

/// User parameters. Voltages are stored relative to `E_L`, as NEST stores them, so that the
/// arithmetic (and hence every rounding) is NEST's.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// `C_m`, pF.
    pub c_m: f64,
    /// `g_m` (NEST's `G_`), nS.
    pub g_m: f64,
    /// `E_L`, mV.
    pub e_l: f64,
    /// `V_th − E_L` (NEST's `th_inf_`), mV.
    pub th_inf: f64,
    /// `V_reset − E_L`, mV.
    pub v_reset: f64,
    /// `t_ref`, ms.
    pub t_ref: f64,
    pub th_spike_add: f64,
    pub th_spike_decay: f64,
    pub voltage_reset_fraction: f64,
    pub voltage_reset_add: f64,
    pub th_voltage_index: f64,
    pub th_voltage_decay: f64,
    pub asc_init: Vec<f64>,
    pub asc_decay: Vec<f64>,
    pub asc_amps: Vec<f64>,
    pub asc_r: Vec<f64>,
    pub tau_syn: Vec<f64>,
    pub e_rev: Vec<f64>,
    /// R: `spike_dependent_threshold`.
    pub spike_dependent_threshold: bool,
    /// ASC: `after_spike_currents`.
    pub after_spike_currents: bool,
    /// A: `adapting_threshold`.
    pub adapting_threshold: bool,
}

impl Default for Params {
    /// NEST's defaults (GLIF1 with two ports), computed as NEST's constructor computes them.
    fn default() -> Params {
        let e_l = -78.85;
        Params {
            c_m: 58.72,
            g_m: 9.43,
            e_l,
            th_inf: -51.68 - e_l,
            v_reset: 0.0,
            t_ref: 3.75,
            th_spike_add: 0.37,
            th_spike_decay: 0.009,
            voltage_reset_fraction: 0.20,
            voltage_reset_add: 18.51,
            th_voltage_index: 0.005,
            th_voltage_decay: 0.09,
            asc_init: vec![0.0, 0.0],
            asc_decay: vec![0.003, 0.1],
            asc_amps: vec![-9.18, -198.94],
            asc_r: vec![1.0, 1.0],
            tau_syn: vec![0.2, 2.0],
            e_rev: vec![0.0, -85.0],
            spike_dependent_threshold: false,
            after_spike_currents: false,
            adapting_threshold: false,
        }
    }
}

impl Params {
    /// Number of spike receptor ports.
    pub fn n_ports(&self) -> usize {
        self.tau_syn.len()
    }

    /// Number of after-spike currents that take part in the dynamics (0 without ASC).
    pub fn n_asc(&self) -> usize {
        if self.after_spike_currents {
            self.asc_decay.len()
        } else {
            0
        }
    }

    /// The GLIF level name (`lif`, `lif_r`, `lif_asc`, `lif_r_asc`, `lif_r_asc_a`).
    pub fn level(&self) -> &'static str {
        match (
            self.spike_dependent_threshold,
            self.after_spike_currents,
            self.adapting_threshold,
        ) {
            (false, false, false) => "lif",
            (true, false, false) => "lif_r",
            (false, true, false) => "lif_asc",
            (true, true, false) => "lif_r_asc",
            (true, true, true) => "lif_r_asc_a",
            _ => "invalid",
        }
    }
}

/// The initial state of every neuron of a population.
#[derive(Clone, Debug, PartialEq)]
pub struct InitialState {
    /// `V_m − E_L`, mV.
    pub u: f64,
    /// After-spike currents `I_j`, pA (empty without ASC).
    pub asc: Vec<f64>,
    /// `θs`, mV.
    pub threshold_spike: f64,
    /// `θv`, mV.
    pub threshold_voltage: f64,
}

/// Constants computed from the parameters and the resolution before each run (NEST's
/// `pre_run_hook`, spec §2.5).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    /// The resolution `h`, ms.
    pub h: f64,
    /// `N_ref`: refractory steps, `t_ref` rounded up to the grid.
    pub refractory_counts: i64,
    /// `D_s = exp(−b_s·h)`.
    pub theta_spike_decay_rate: f64,
    /// `D_s,ref = exp(−b_s·t_ref)`.
    pub theta_spike_refractory_decay_rate: f64,
    /// `D_j = exp(−k_j·h)`.
    pub asc_decay_rates: Vec<f64>,
    /// `c_j = ((1/k_j)/h)·(1 − D_j)`: mean of `exp(−k_j t)` over a step.
    pub asc_stable_coeff: Vec<f64>,
    /// `R_j = r_j·exp(−k_j·t_ref)`.
    pub asc_refractory_decay_rates: Vec<f64>,
    /// `P_v = exp(−G·h/C)`.
    pub potential_decay_rate: f64,
    /// `Q_v = 1/exp(b_v·h)`.
    pub theta_voltage_decay_rate_inverse: f64,
    /// `φ = a_v/(b_v − G/C)`.
    pub phi: f64,
    /// `ρ = a_v/b_v`.
    pub abpara_ratio_voltage: f64,
    /// `K_i = e/τ_i`: the jump of `x_i` per unit weight.
    pub cond_initial_values: Vec<f64>,
}

impl Derived {
    /// NEST's `pre_run_hook`, with its exact expressions.
    pub fn new(p: &Params, grid: &TimeGrid) -> Derived {
        let h = grid.h();
        let mut d = Derived {
            h,
            refractory_counts: grid.ms_to_steps_up(p.t_ref),
            ..Derived::default()
        };
        if p.spike_dependent_threshold {
            d.theta_spike_decay_rate = (-p.th_spike_decay * h).exp();
            d.theta_spike_refractory_decay_rate = (-p.th_spike_decay * p.t_ref).exp();
        }
        if p.after_spike_currents {
            for (&k, &r) in p.asc_decay.iter().zip(&p.asc_r) {
                let rate = (-k * h).exp();
                d.asc_decay_rates.push(rate);
                d.asc_stable_coeff.push(((1.0 / k) / h) * (1.0 - rate));
                d.asc_refractory_decay_rates.push(r * (-k * p.t_ref).exp());
            }
        }
        if p.adapting_threshold {
            d.potential_decay_rate = (-p.g_m * h / p.c_m).exp();
            d.theta_voltage_decay_rate_inverse = 1.0 / (p.th_voltage_decay * h).exp();
            d.phi = p.th_voltage_index / (p.th_voltage_decay - p.g_m / p.c_m);
            d.abpara_ratio_voltage = p.th_voltage_index / p.th_voltage_decay;
        }
        d.cond_initial_values = p.tau_syn.iter().map(|&tau| 1.0 * E / tau).collect();
        d
    }
}

/// A `glif_cond` population: validated parameters and initial state.
#[derive(Clone, Debug, PartialEq)]
pub struct GlifCond {
    pub params: Params,
    pub initial: InitialState,
}

impl Default for GlifCond {
    fn default() -> GlifCond {
        let params = Params::default();
        GlifCond {
            initial: InitialState {
                u: 0.0,
                asc: Vec::new(),
                threshold_spike: 0.0,
                threshold_voltage: 0.0,
            },
            params,
        }
    }
}

fn bad(message: &str) -> ParamError {
    ParamError::rule(message)
}

impl GlifCond {
    /// Read every key of [`KEYS`] present in `dict` on top of NEST's defaults and validate with
    /// NEST's rules and messages (`Parameters_::set`, then `State_::set`). Unknown keys are left
    /// in `dict` for the caller's `finish`.
    pub fn from_params(dict: &mut Dict) -> Result<GlifCond, ParamError> {
        let mut p = Params::default();

        // Changing E_L keeps the absolute values of V_reset, V_th and V_m that are not given.
        let e_l_old = p.e_l;
        if let Some(v) = dict.f64("E_L")? {
            p.e_l = v;
        }
        let delta_e_l = p.e_l - e_l_old;
        match dict.f64("V_reset")? {
            Some(v) => p.v_reset = v - p.e_l,
            None => p.v_reset -= delta_e_l,
        }
        match dict.f64("V_th")? {
            Some(v) => p.th_inf = v - p.e_l,
            None => p.th_inf -= delta_e_l,
        }
        let scalars: [(&str, &mut f64); 9] = [
            ("g_m", &mut p.g_m),
            ("C_m", &mut p.c_m),
            ("t_ref", &mut p.t_ref),
            ("th_spike_add", &mut p.th_spike_add),
            ("th_spike_decay", &mut p.th_spike_decay),
            ("voltage_reset_fraction", &mut p.voltage_reset_fraction),
            ("voltage_reset_add", &mut p.voltage_reset_add),
            ("th_voltage_index", &mut p.th_voltage_index),
            ("th_voltage_decay", &mut p.th_voltage_decay),
        ];
        for (key, slot) in scalars {
            if let Some(v) = dict.f64(key)? {
                *slot = v;
            }
        }
        let lists: [(&str, &mut Vec<f64>); 4] = [
            ("asc_init", &mut p.asc_init),
            ("asc_decay", &mut p.asc_decay),
            ("asc_amps", &mut p.asc_amps),
            ("asc_r", &mut p.asc_r),
        ];
        for (key, slot) in lists {
            if let Some(v) = dict.f64_list(key)? {
                *slot = v;
            }
        }
        let flags: [(&str, &mut bool); 3] = [
            (
                "spike_dependent_threshold",
                &mut p.spike_dependent_threshold,
            ),
            ("after_spike_currents", &mut p.after_spike_currents),
            ("adapting_threshold", &mut p.adapting_threshold),
        ];
        for (key, slot) in flags {
            if let Some(v) = dict.bool(key)? {
                *slot = v;
            }
        }

        let (r, asc, a) = (
            p.spike_dependent_threshold,
            p.after_spike_currents,
            p.adapting_threshold,
        );
        if a && !(r && asc) {
            return Err(bad(
                "Incorrect model mechanism combination setting.\
                 See documents for setting of model mechanism parameters:\
                 spike_dependent_threshold, after_spike_currents, adapting_threshold.",
            ));
        }
        if p.v_reset >= p.th_inf {
            return Err(bad("Reset potential must be smaller than threshold."));
        }
        if p.c_m <= 0.0 {
            return Err(params::invalid(
                "C_m",
                p.c_m,
                "Capacitance must be strictly positive.",
            ));
        }
        if p.g_m <= 0.0 {
            return Err(params::invalid(
                "g_m",
                p.g_m,
                "Membrane conductance must be strictly positive.",
            ));
        }
        if p.t_ref <= 0.0 {
            return Err(params::invalid(
                "t_ref",
                p.t_ref,
                "Refractory time constant must be strictly positive.",
            ));
        }
        if r {
            if p.th_spike_decay <= 0.0 {
                return Err(params::invalid(
                    "th_spike_decay",
                    p.th_spike_decay,
                    "Spike induced threshold time constant must be strictly positive.",
                ));
            }
            if !(0.0..=1.0).contains(&p.voltage_reset_fraction) {
                return Err(params::invalid(
                    "voltage_reset_fraction",
                    p.voltage_reset_fraction,
                    "Voltage fraction coefficient following spike must be within [0.0, 1.0].",
                ));
            }
        }
        if asc {
            let n = p.asc_decay.len();
            if p.asc_init.len() != n || p.asc_amps.len() != n || p.asc_r.len() != n {
                return Err(bad(
                    "All after spike current parameters (i.e., asc_init, k, asc_amps, r) \
                     must have the same size.",
                ));
            }
            for (&k, &rj) in p.asc_decay.iter().zip(&p.asc_r) {
                if k <= 0.0 {
                    return Err(params::invalid(
                        "asc_decay",
                        list(&p.asc_decay),
                        "After-spike current time constant must be strictly positive.",
                    ));
                }
                if !(0.0..=1.0).contains(&rj) {
                    return Err(params::invalid(
                        "asc_r",
                        list(&p.asc_r),
                        "After spike current fraction following spike coefficients r must be \
                         within [0.0, 1.0].",
                    ));
                }
            }
        }
        if a && p.th_voltage_decay <= 0.0 {
            return Err(params::invalid(
                "th_voltage_decay",
                p.th_voltage_decay,
                "Voltage-induced threshold time constant must be strictly positive.",
            ));
        }

        let tau = dict.f64_list("tau_syn")?;
        let e_rev = dict.f64_list("E_rev")?;
        if tau.is_some() || e_rev.is_some() {
            if let Some(t) = tau {
                p.tau_syn = t;
            }
            if let Some(e) = e_rev {
                p.e_rev = e;
            }
            if p.e_rev.len() != p.tau_syn.len() {
                return Err(bad(&format!(
                    "The reversal potential and synaptic time constant arrays, i.e., E_rev ({}) \
                     and tau_syn ({}), must have the same size.",
                    p.e_rev.len(),
                    p.tau_syn.len()
                )));
            }
            // (NEST's "number of ports cannot be reduced" rule needs existing connections, so
            // it cannot apply to a population being created.)
            if p.tau_syn.iter().any(|&t| t <= 0.0) {
                return Err(params::invalid(
                    "tau_syn",
                    list(&p.tau_syn),
                    "All synaptic time constants must be strictly positive.",
                ));
            }
        }

        // State_::set.
        let u = match dict.f64("V_m")? {
            Some(v) => v - p.e_l,
            None => 0.0 - delta_e_l,
        };
        let mut asc_state = if asc { p.asc_init.clone() } else { Vec::new() };
        if let Some(v) = dict.f64_list("ASCurrents")? {
            if !asc {
                return Err(bad(
                    "After spike currents are not supported or settable in the current model \
                     mechanisms.",
                ));
            }
            if v.len() != p.asc_decay.len() {
                return Err(bad(&format!(
                    "After spike current values must have have the same size ({}) of its \
                     parameters (i.e., asc_init, k, asc_amps, r).",
                    p.asc_decay.len()
                )));
            }
            asc_state = v;
        }
        let mut threshold_spike = 0.0;
        if let Some(v) = dict.f64("threshold_spike")? {
            if !r {
                return Err(bad(
                    "Threshold spike component is not supported or settable in the current \
                     model mechanisms.",
                ));
            }
            threshold_spike = v;
        }
        let mut threshold_voltage = 0.0;
        if let Some(v) = dict.f64("threshold_voltage")? {
            if !a {
                return Err(bad(
                    "Threshold voltage component is not supported or settable in the current \
                     model mechanisms.",
                ));
            }
            threshold_voltage = v;
        }

        Ok(GlifCond {
            params: p,
            initial: InitialState {
                u,
                asc: asc_state,
                threshold_spike,
                threshold_voltage,
            },
        })
    }
}

fn list(v: &[f64]) -> params::Value {
    params::Value::List(v.iter().map(|&x| params::Value::Float(x)).collect())
}

impl NeuronModel for GlifCond {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        self.params.n_ports() + 1
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        let n = self.params.n_ports() as i64;
        if receptor <= 0 || receptor > n {
            return Err(Rejection::new(
                "IncompatibleReceptorType",
                format!("Receptor type {receptor} in {MODEL_NAME} does not accept SpikeEvent."),
            ));
        }
        Ok(InputChannel {
            channel: (receptor - 1) as u16,
            weight,
        })
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        if receptor != 0 {
            return Err(Rejection::new(
                "UnknownReceptorType",
                format!("Receptor type {receptor} is not available in {MODEL_NAME}."),
            ));
        }
        Ok(InputChannel {
            channel: self.params.n_ports() as u16,
            weight,
        })
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

/// The state of `n` `glif_cond` neurons, structure-of-arrays.
pub struct GlifCondChunk {
    p: Params,
    d: Derived,
    n: usize,
    /// Integrator state, one contiguous vector `(U, x_1, g_1, …)` per neuron (the integrator
    /// works on one neuron at a time, so this is the cache-friendly layout).
    y: Vec<f64>,
    /// `Θ`, relative to E_L.
    threshold: Vec<f64>,
    threshold_spike: Vec<f64>,
    threshold_voltage: Vec<f64>,
    /// After-spike currents, `n_asc` per neuron.
    asc: Vec<f64>,
    asc_sum: Vec<f64>,
    refractory_steps: Vec<i64>,
    /// Current input of the coming step (NEST's `B_.I_`).
    i_in: Vec<f64>,
    /// GSL's step estimate, carried across steps and runs (NEST's `IntegrationStep_`).
    integration_step: Vec<f64>,
    /// NEST's `init_buffers_` runs once per node lifetime, at the first run.
    buffers_initialised: bool,
    prepared: bool,
    work: WorkBuf,
}

impl GlifCondChunk {
    pub fn new(p: &Params, init: &InitialState, n: usize) -> GlifCondChunk {
        let dim = 1 + 2 * p.n_ports();
        let mut y = vec![0.0; n * dim];
        for yi in y.chunks_exact_mut(dim) {
            yi[0] = init.u;
        }
        let n_asc = p.n_asc();
        assert_eq!(
            init.asc.len(),
            n_asc,
            "initial ASCurrents of the wrong length"
        );
        GlifCondChunk {
            p: p.clone(),
            d: Derived::default(),
            n,
            y,
            threshold: vec![init.threshold_spike + init.threshold_voltage + p.th_inf; n],
            threshold_spike: vec![init.threshold_spike; n],
            threshold_voltage: vec![init.threshold_voltage; n],
            asc: init.asc.repeat(n),
            asc_sum: vec![0.0; n],
            refractory_steps: vec![0; n],
            i_in: vec![0.0; n],
            integration_step: vec![0.0; n],
            buffers_initialised: false,
            prepared: false,
            work: WorkBuf::new(dim),
        }
    }

    fn dim(&self) -> usize {
        1 + 2 * self.p.n_ports()
    }

    /// The integrator state `(U, x_1, g_1, …)` of one neuron (relative U, mV; nS/ms; nS).
    pub fn y(&self, neuron: usize) -> &[f64] {
        let dim = self.dim();
        &self.y[neuron * dim..(neuron + 1) * dim]
    }

    /// The after-spike currents of one neuron, pA.
    pub fn asc_currents(&self, neuron: usize) -> &[f64] {
        let k = self.p.n_asc();
        &self.asc[neuron * k..(neuron + 1) * k]
    }

    /// The refractory steps left of one neuron.
    pub fn refractory_steps(&self, neuron: usize) -> i64 {
        self.refractory_steps[neuron]
    }

    /// GSL's running step estimate of one neuron, ms.
    pub fn integration_step(&self, neuron: usize) -> f64 {
        self.integration_step[neuron]
    }

    /// Advance all neurons by one step (spec §2.7). `DIM` is the state dimension `1 + 2n` for
    /// the port counts monomorphised in [`NeuronChunk::update`] — the integrator's scratch then
    /// lives on the stack and its loops unroll — or 0 for any other port count, which uses the
    /// chunk's heap scratch.
    #[inline(always)]
    fn update_all<const DIM: usize>(&mut self, input: &[f64], emitted: &mut Emitted) {
        let n = self.n;
        let ports = self.p.n_ports();
        let dim = 1 + 2 * ports;
        let n_asc = self.p.n_asc();
        let p = &self.p;
        let d = &self.d;
        let h = d.h;
        let (r_on, asc_on, a_on) = (
            p.spike_dependent_threshold,
            p.after_spike_currents,
            p.adapting_threshold,
        );
        let current = &input[ports * n..(ports + 1) * n];
        let mut stack = [[0.0f64; DIM]; 9];
        let [s1, s2, s3, s4, s5, s6, s7, s8, s9] = &mut stack;
        let mut work = if DIM == 0 {
            self.work.work()
        } else {
            debug_assert_eq!(DIM, dim);
            Work {
                k1: s1,
                k2: s2,
                k3: s3,
                k4: s4,
                k5: s5,
                k6: s6,
                ytmp: s7,
                y0: s8,
                yerr: s9,
            }
        };

        for i in 0..n {
            let y = &mut self.y[i * dim..(i + 1) * dim];
            let y: &mut [f64] = if DIM == 0 {
                y
            } else {
                // A slice of compile-time length lets the stage loops unroll.
                let fixed: &mut [f64; DIM] = y.try_into().expect("state vector length");
                fixed
            };
            let v_old = y[0];
            let refractory = self.refractory_steps[i] > 0;

            // 1. Integrate over the step with r, I_in and Σ frozen.
            let sys = Dynamics {
                refractory,
                i_in: self.i_in[i],
                asc_sum: self.asc_sum[i],
                g_m: p.g_m,
                e_l: p.e_l,
                c_m: p.c_m,
                tau_syn: &p.tau_syn,
                e_rev: &p.e_rev,
            };
            let mut t = 0.0;
            let h_est = &mut self.integration_step[i];
            while t < h {
                rkf45::evolve_apply(&sys, EPS_ABS, &mut t, h, h_est, y, &mut work);
            }

            if !refractory {
                // 2. Threshold components, ASCs, spike test.
                if r_on {
                    self.threshold_spike[i] *= d.theta_spike_decay_rate;
                }
                let mut asc_sum = 0.0;
                let asc = &mut self.asc[i * n_asc..(i + 1) * n_asc];
                if asc_on {
                    for (j, a) in asc.iter_mut().enumerate() {
                        asc_sum += d.asc_stable_coeff[j] * *a;
                        *a *= d.asc_decay_rates[j];
                    }
                }
                self.asc_sum[i] = asc_sum;
                if a_on {
                    let beta = (self.i_in[i] + asc_sum) / p.g_m;
                    let tv = self.threshold_voltage[i];
                    self.threshold_voltage[i] = d.phi * (v_old - beta) * d.potential_decay_rate
                        + d.theta_voltage_decay_rate_inverse
                            * (tv - d.phi * (v_old - beta) - d.abpara_ratio_voltage * beta)
                        + d.abpara_ratio_voltage * beta;
                }
                self.threshold[i] = self.threshold_spike[i] + self.threshold_voltage[i] + p.th_inf;

                if y[0] > self.threshold[i] {
                    self.refractory_steps[i] = d.refractory_counts;
                    if asc_on {
                        for (j, a) in asc.iter_mut().enumerate() {
                            *a = p.asc_amps[j] + *a * d.asc_refractory_decay_rates[j];
                        }
                    }
                    if !r_on {
                        y[0] = p.v_reset;
                    } else {
                        y[0] = p.voltage_reset_fraction * v_old + p.voltage_reset_add;
                        self.threshold_spike[i] = self.threshold_spike[i]
                            * d.theta_spike_refractory_decay_rate
                            + p.th_spike_add;
                        self.threshold[i] =
                            self.threshold_spike[i] + self.threshold_voltage[i] + p.th_inf;
                    }
                    emitted.push((i as u32, 1));
                }
            } else {
                // 3. Refractory: hold V; θs, θv, the ASCs and Σ stay frozen.
                self.refractory_steps[i] -= 1;
                y[0] = v_old;
                self.threshold[i] = self.threshold_spike[i] + self.threshold_voltage[i] + p.th_inf;
            }

            // 4. Spikes arriving at the end of this step kick the alpha conductances.
            for (port, &k) in d.cond_initial_values.iter().enumerate() {
                y[1 + 2 * port] += input[port * n + i] * k;
            }
            // 5. The current input of the next step (not latched).
            self.i_in[i] = current[i];
        }
    }
}

impl NeuronChunk for GlifCondChunk {
    fn len(&self) -> usize {
        self.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.d = Derived::new(&self.p, grid);
        if !self.buffers_initialised {
            // NEST's init_buffers_: the step estimate starts at h, the current input at 0.
            self.integration_step.fill(self.d.h);
            self.i_in.fill(0.0);
            self.buffers_initialised = true;
        }
        self.prepared = true;
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(self.prepared, "glif_cond: update before prepare");
        debug_assert_eq!(input.len(), (self.p.n_ports() + 1) * self.n);
        match self.p.n_ports() {
            0 => self.update_all::<1>(input, emitted),
            1 => self.update_all::<3>(input, emitted),
            2 => self.update_all::<5>(input, emitted),
            3 => self.update_all::<7>(input, emitted),
            4 => self.update_all::<9>(input, emitted),
            _ => self.update_all::<0>(input, emitted),
        }
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        let ports = self.p.n_ports();
        let i = neuron;
        match index {
            0 => self.y(i)[0] + self.p.e_l,
            1 => self.i_in[i],
            k if k < 2 + ports => self.y(i)[2 + 2 * (k - 2)],
            k => match k - 2 - ports {
                0 => self.threshold[i] + self.p.e_l,
                1 => self.threshold_spike[i],
                2 => self.threshold_voltage[i],
                3 => self.asc_sum[i],
                _ => panic!("glif_cond has no recordable {index}"),
            },
        }
    }
}
