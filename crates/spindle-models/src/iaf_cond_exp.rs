//! `iaf_cond_exp`: the leaky integrate-and-fire neuron with exponentially decaying synaptic
//! conductances, NEST 3.10's model of that name, reproduced bit for bit (spec §4.3).
//!
//! # Model
//!
//! Voltages are absolute. With the refractory counter `r` and the current input `I_stim` frozen
//! over a step, and `V' = V_reset` while refractory, else `min(V, V_th)`:
//!
//! ```text
//! dV/dt    = (−g_L·(V' − E_L) + I_stim + I_e − g_ex·(V' − E_ex) − g_in·(V' − E_in)) / C_m
//!                                                                  (0 while refractory)
//! dg_ex/dt = −g_ex/τ_ex
//! dg_in/dt = −g_in/τ_in
//! ```
//!
//! integrated over each step with GSL 1.15's RKF45 and its standard step control (absolute
//! tolerance 1e-3 on every component, step estimate carried across steps; see [`crate::rkf45`]).
//!
//! One step `k → k+1`: (1) integrate; (2) add the conductance jumps of the spikes arriving for
//! this step: a connection of weight `w > 0` adds `w` to `g_ex`, one with `w ≤ 0` adds `−w` to
//! `g_in` (the sign is converted, unlike `glif_cond`); (3) if refractory, count down and hold
//! `V = V_reset`; else if `V ≥ V_th` spike at `t_{k+1}`, `V ← V_reset`, and start the
//! `⌈t_ref/h⌉`-step refractory period; (4) latch the current input of the next step.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `V_th` | −55 | mV | spike threshold |
//! | `V_reset` | −60 | mV | reset potential |
//! | `t_ref` | 2 | ms | refractory period (≥ 0) |
//! | `g_L` | 16.6667 | nS | leak conductance |
//! | `C_m` | 250 | pF | membrane capacitance |
//! | `E_ex` | 0 | mV | excitatory reversal potential |
//! | `E_in` | −85 | mV | inhibitory reversal potential |
//! | `E_L` | −70 | mV | leak reversal potential |
//! | `tau_syn_ex` | 0.2 | ms | decay time of the excitatory conductance |
//! | `tau_syn_in` | 2 | ms | decay time of the inhibitory conductance |
//! | `I_e` | 0 | pA | constant external current |
//!
//! Initial state: `V_m` (mV, default −70, independent of `E_L`), `g_ex`, `g_in` (nS, default 0).
//!
//! Receptors: spikes and currents on receptor 0 only. Recordables: `V_m`, `g_ex`, `g_in`.
//!
//! # References
//!
//! * Meffin H, Burkitt AN, Grayden DB (2004). An analytical model for the large, fluctuating
//!   synaptic conductance state typical of neocortical neurons in vivo. J Comput Neurosci
//!   16:159–175.
//! * NEST 3.10, `models/iaf_cond_exp.{h,cpp}`; spec `nest-semantics.md` §4.3, §2.6.

use crate::param_sets::ParamSets;
use crate::rkf45::{self, OdeSystem, Work};
use crate::unknown_receptor;
use crate::voltages::{put_floats, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{
    Emitted, InputChannel, Instability, NeuronChunk, NeuronModel, Recordable,
};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_cond_exp";

/// Every key [`IafCondExp::from_params`] reads.
pub const KEYS: &[&str] = &[
    "V_th",
    "V_reset",
    "t_ref",
    "g_L",
    "C_m",
    "E_ex",
    "E_in",
    "E_L",
    "tau_syn_ex",
    "tau_syn_in",
    "I_e",
    "V_m",
    "g_ex",
    "g_in",
];

/// Absolute tolerance of NEST's GSL step controller (`gsl_odeiv_control_y_new(1e-3, 0.0)`).
const EPS_ABS: f64 = 1e-3;

const SYN_EX: u16 = 0;
const SYN_IN: u16 = 1;
const I0: u16 = 2;

/// User parameters (absolute voltages, as NEST stores them for this model).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
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
    /// `tau_syn_ex`, ms.
    pub tau_syn_ex: f64,
    /// `tau_syn_in`, ms.
    pub tau_syn_in: f64,
    /// `I_e`, pA.
    pub i_e: f64,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            v_th: -55.0,
            v_reset: -60.0,
            t_ref: 2.0,
            g_l: 16.6667,
            c_m: 250.0,
            e_ex: 0.0,
            e_in: -85.0,
            e_l: -70.0,
            tau_syn_ex: 0.2,
            tau_syn_in: 2.0,
            i_e: 0.0,
        }
    }
}

/// The initial state of every neuron of a population.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InitialState {
    /// `V_m`, mV.
    pub v_m: f64,
    /// `g_ex`, nS.
    pub g_ex: f64,
    /// `g_in`, nS.
    pub g_in: f64,
}

impl Default for InitialState {
    /// NEST's prototype state: `V_m` is the *default* `E_L` (−70 mV), whatever `E_L` is set to.
    fn default() -> InitialState {
        InitialState {
            v_m: -70.0,
            g_ex: 0.0,
            g_in: 0.0,
        }
    }
}

/// An `iaf_cond_exp` population: validated parameters and initial state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IafCondExp {
    pub params: Params,
    pub initial: InitialState,
}

fn bad(message: &str) -> ParamError {
    ParamError::rule(message)
}

impl Params {
    /// NEST's `Parameters_::set`: read the parameter keys of [`KEYS`] present in `dict` on top
    /// of these parameters and validate with NEST's rules and messages, in NEST's order. On
    /// error `self` may be half-updated: work on a copy.
    ///
    /// NEST does not check `g_L` (zero or negative leak conductances are accepted) and neither
    /// does spindle.
    pub fn set(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        let p = self;
        read_scalars(
            dict,
            &mut [
                ("V_th", &mut p.v_th),
                ("V_reset", &mut p.v_reset),
                ("t_ref", &mut p.t_ref),
                ("E_L", &mut p.e_l),
                ("E_ex", &mut p.e_ex),
                ("E_in", &mut p.e_in),
                ("C_m", &mut p.c_m),
                ("g_L", &mut p.g_l),
                ("tau_syn_ex", &mut p.tau_syn_ex),
                ("tau_syn_in", &mut p.tau_syn_in),
                ("I_e", &mut p.i_e),
            ],
        )?;
        if p.v_reset >= p.v_th {
            return Err(bad("Reset potential must be smaller than threshold.")
                .with("V_reset", Value::Float(p.v_reset))
                .with("V_th", Value::Float(p.v_th)));
        }
        if p.c_m <= 0.0 {
            return Err(
                bad("Capacitance must be strictly positive.").with("C_m", Value::Float(p.c_m))
            );
        }
        if p.t_ref < 0.0 {
            return Err(
                bad("Refractory time cannot be negative.").with("t_ref", Value::Float(p.t_ref))
            );
        }
        if p.tau_syn_ex <= 0.0 || p.tau_syn_in <= 0.0 {
            return Err(bad("All time constants must be strictly positive.")
                .with("tau_syn_ex", Value::Float(p.tau_syn_ex))
                .with("tau_syn_in", Value::Float(p.tau_syn_in)));
        }
        Ok(())
    }

    /// NEST's `Parameters_::get`.
    pub fn get(&self, out: &mut Dict) {
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
                ("tau_syn_ex", self.tau_syn_ex),
                ("tau_syn_in", self.tau_syn_in),
                ("I_e", self.i_e),
            ],
        );
    }

    /// Refractory steps, `t_ref` rounded up to the grid (NEST's `pre_run_hook`).
    fn refractory_counts(&self, grid: &TimeGrid) -> i64 {
        grid.ms_to_steps_up(self.t_ref)
    }
}

impl InitialState {
    /// NEST's `State_::set`: `V_m`, `g_ex`, `g_in` (absolute, unchecked).
    pub fn set(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        read_scalars(
            dict,
            &mut [
                ("V_m", &mut self.v_m),
                ("g_ex", &mut self.g_ex),
                ("g_in", &mut self.g_in),
            ],
        )
    }
}

impl IafCondExp {
    /// NEST's defaults, then [`Params::set`] and [`InitialState::set`]: the path `SetStatus`
    /// takes too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<IafCondExp, ParamError> {
        let mut params = Params::default();
        params.set(dict)?;
        let mut initial = InitialState::default();
        initial.set(dict)?;
        Ok(IafCondExp { params, initial })
    }
}

impl NeuronModel for IafCondExp {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        3
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        if receptor != 0 {
            return Err(unknown_receptor(receptor, MODEL_NAME));
        }
        // NEST: weight > 0 adds weight·multiplicity to g_ex, otherwise −weight·multiplicity to
        // g_in. Negation is exact, so (−w)·m is NEST's −(w·m).
        Ok(if weight > 0.0 {
            InputChannel {
                channel: SYN_EX,
                weight,
            }
        } else {
            InputChannel {
                channel: SYN_IN,
                weight: -weight,
            }
        })
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        if receptor != 0 {
            return Err(unknown_receptor(receptor, MODEL_NAME));
        }
        Ok(InputChannel {
            channel: I0,
            weight,
        })
    }

    fn recordables(&self) -> Vec<Recordable> {
        vec![
            Recordable::new("V_m", "mV"),
            Recordable::new("g_ex", "nS"),
            Recordable::new("g_in", "nS"),
        ]
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(IafCondExpChunk::new(&self.params, &self.initial, n))
    }
}

/// The right-hand side of one neuron during one step (NEST's `iaf_cond_exp_dynamics`).
/// State vector `y = (V_m, g_ex, g_in)`.
struct Dynamics<'a> {
    refractory: bool,
    i_stim: f64,
    p: &'a Params,
}

impl OdeSystem for Dynamics<'_> {
    #[inline(always)]
    fn eval(&self, y: &[f64], f: &mut [f64]) {
        let p = self.p;
        let (y, f) = (&y[..3], &mut f[..3]);
        f[0] = if self.refractory {
            // NEST evaluates the currents at V = V_reset here; the derivative is 0 regardless.
            0.0
        } else {
            // std::min(V, V_th) returns V unless V_th < V.
            let v = if p.v_th < y[0] { p.v_th } else { y[0] };
            let i_syn_exc = y[1] * (v - p.e_ex);
            let i_syn_inh = y[2] * (v - p.e_in);
            let i_l = p.g_l * (v - p.e_l);
            (-i_l + self.i_stim + p.i_e - i_syn_exc - i_syn_inh) / p.c_m
        };
        f[1] = -y[1] / p.tau_syn_ex;
        f[2] = -y[2] / p.tau_syn_in;
    }
}

/// The state of `n` `iaf_cond_exp` neurons.
pub struct IafCondExpChunk {
    /// Each neuron's parameters and refractory step count.
    sets: ParamSets<Params, i64>,
    h: f64,
    n: usize,
    /// Integrator state, one contiguous `(V_m, g_ex, g_in)` per neuron (the integrator works one
    /// neuron at a time).
    y: Vec<[f64; 3]>,
    refractory_steps: Vec<i64>,
    /// Current input of the coming step (NEST's `B_.I_stim_`).
    i_stim: Vec<f64>,
    /// GSL's step estimate, carried across steps and runs (NEST's `IntegrationStep_`).
    integration_step: Vec<f64>,
    /// NEST's `init_buffers_` runs once per node lifetime, at the first run.
    buffers_initialised: bool,
    /// The first neuron whose integration diverged in this update (the rest is skipped).
    instability: Option<Instability>,
}

impl IafCondExpChunk {
    pub fn new(p: &Params, init: &InitialState, n: usize) -> IafCondExpChunk {
        IafCondExpChunk {
            sets: ParamSets::new(p, n, Params::refractory_counts),
            h: 0.0,
            n,
            y: vec![[init.v_m, init.g_ex, init.g_in]; n],
            refractory_steps: vec![0; n],
            i_stim: vec![0.0; n],
            integration_step: vec![0.0; n],
            instability: None,
            buffers_initialised: false,
        }
    }

    /// The integrator state `(V_m, g_ex, g_in)` of one neuron (mV, nS, nS).
    pub fn y(&self, neuron: usize) -> [f64; 3] {
        self.y[neuron]
    }

    /// GSL's running step estimate of one neuron, ms.
    pub fn integration_step(&self, neuron: usize) -> f64 {
        self.integration_step[neuron]
    }
}

impl NeuronChunk for IafCondExpChunk {
    fn len(&self) -> usize {
        self.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.h = grid.h();
        self.sets.prepare(grid);
        if !self.buffers_initialised {
            // NEST's init_buffers_: the step estimate starts at h, the current input at 0.
            self.integration_step.fill(self.h);
            self.i_stim.fill(0.0);
            self.buffers_initialised = true;
        }
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "iaf_cond_exp: update before prepare"
        );
        let n = self.n;
        let h = self.h;
        let w_ex = &input[SYN_EX as usize * n..][..n];
        let w_in = &input[SYN_IN as usize * n..][..n];
        let current = &input[I0 as usize * n..][..n];
        let mut stack = [[0.0f64; 3]; 9];
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
        for i in 0..n {
            // A lookup per neuron costs nothing next to the integration.
            let p = self.sets.params(i);
            let y = &mut self.y[i];
            let refractory = self.refractory_steps[i] > 0;
            // 1. Integrate over the step with r and I_stim frozen.
            let sys = Dynamics {
                refractory,
                i_stim: self.i_stim[i],
                p,
            };
            if !rkf45::integrate(
                &sys,
                EPS_ABS,
                h,
                &mut self.integration_step[i],
                y,
                &mut work,
            ) {
                let mut instability = rkf45::diverged(y, &["V_m", "g_ex", "g_in"]);
                instability.neuron = i;
                self.instability = Some(instability);
                return;
            }
            // 2. Conductance jumps of the spikes arriving at the end of this step.
            y[1] += w_ex[i];
            y[2] += w_in[i];
            // 3. Refractory hold or threshold test (≥).
            if refractory {
                self.refractory_steps[i] -= 1;
                y[0] = p.v_reset;
            } else if y[0] >= p.v_th {
                self.refractory_steps[i] = *self.sets.derived(i);
                y[0] = p.v_reset;
                emitted.push((i as u32, 1));
            }
            // 4. The current input of the next step (not latched).
            self.i_stim[i] = current[i];
        }
    }

    fn take_instability(&mut self) -> Option<Instability> {
        self.instability.take()
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        match index {
            0..=2 => self.y[neuron][index],
            _ => panic!("{MODEL_NAME} has no recordable {index}"),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let mut out = Dict::new();
        self.sets.params(neuron).get(&mut out);
        let [v_m, g_ex, g_in] = self.y[neuron];
        put_floats(&mut out, &[("V_m", v_m), ("g_ex", g_ex), ("g_in", g_in)]);
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        p.set(dict)?;
        let [v_m, g_ex, g_in] = self.y[neuron];
        let mut s = InitialState { v_m, g_ex, g_in };
        s.set(dict)?;
        self.sets.assign(neuron, p);
        self.y[neuron] = [s.v_m, s.g_ex, s.g_in];
        Ok(())
    }
}
