//! `iaf_chxk_2008`: the conductance-based integrate-and-fire neuron of Casti et al. (2008)
//! with an alpha-shaped after-hyperpolarisation (AHP) conductance in place of a reset, NEST
//! 3.10's model of that name, reproduced bit for bit.
//!
//! # Model
//!
//! Voltages are absolute. With the current input `I_stim` frozen over a step:
//!
//! ```text
//! C_m dV/dt  = −g_L(V − E_L) − g_ex(V − E_ex) − g_in(V − E_in) − g_ahp(V − E_ahp) + I_stim + I_e
//! ddg_X/dt   = −dg_X/τ_X          dg_X/dt = dg_X − g_X/τ_X          (X = ex, in, ahp)
//! ```
//!
//! integrated over each step with GSL 1.15's RKF45 and NEST's step control (`eps_abs = 1e-3`,
//! see `rkf45.rs`). The neuron spikes when `V` *crosses* `V_th` within a step (`V < V_th` at
//! its start, `V ≥ V_th` at its end); there is no reset and no refractory period. The crossing
//! is placed by linear interpolation, `dt = h·(V − V_th)/(V − V_prev)` before the end of the
//! step, and the AHP alpha function started then is evolved to the end of the step: `dg_ahp`
//! gains `g_ahp·e/τ_ahp · exp(−dt/τ_ahp)` and `g_ahp` that times `dt` (with `ahp_bug`, Casti's
//! Fortran bug, they are *replaced*, forgetting earlier AHPs). The spike carries `dt` as its
//! offset (NEST's `SpikeEvent::set_offset`), so a spike recorder lists it at `t − dt`, NEST's
//! precise time. A spike of weight `w > 0` then adds `w·e/τ_ex` to `dg_ex`, one of `w ≤ 0`
//! adds `−w·e/τ_in` to `dg_in`.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `V_th` | −45 | mV | spike threshold |
//! | `g_L` | 100 | nS | leak conductance |
//! | `C_m` | 1000 | pF | membrane capacitance |
//! | `E_ex` | 20 | mV | excitatory reversal potential |
//! | `E_in` | −90 | mV | inhibitory reversal potential |
//! | `E_L` | −60 | mV | leak reversal potential |
//! | `tau_syn_ex` | 1 | ms | rise time of the excitatory conductance |
//! | `tau_syn_in` | 1 | ms | rise time of the inhibitory conductance |
//! | `I_e` | 0 | pA | constant external current |
//! | `tau_ahp` | 0.5 | ms | rise time of the AHP conductance |
//! | `g_ahp` | 443.8 | nS | AHP conductance (peak of one AHP) |
//! | `E_ahp` | −95 | mV | AHP reversal potential |
//! | `ahp_bug` | false | | keep only the latest AHP (Casti et al.'s original code) |
//!
//! State: `V_m` (mV, default −60, independent of `E_L`); the conductances start at 0 and are
//! not part of the status (as in NEST).
//!
//! Receptors: spikes and currents on receptor 0 only. Recordables: `V_m`, `g_ex`, `g_in`,
//! `g_ahp`, `I_syn_ex`, `I_syn_in`, `I_ahp`.
//!
//! # References
//!
//! * Casti A, Hayot F, Xiao Y, Kaplan E (2008). A simple model of retina-LGN transmission.
//!   J Comput Neurosci 24:235–252.
//! * NEST 3.10, `models/iaf_chxk_2008.{h,cpp}`.

use crate::iaf_cond::{self, I0, SYN_EX, SYN_IN};
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

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_chxk_2008";

/// Every key [`IafChxk2008::from_params`] reads.
pub const KEYS: &[&str] = &[
    "V_th",
    "g_L",
    "C_m",
    "E_ex",
    "E_in",
    "E_L",
    "tau_syn_ex",
    "tau_syn_in",
    "I_e",
    "tau_ahp",
    "E_ahp",
    "g_ahp",
    "ahp_bug",
    "V_m",
];

/// NEST's `gsl_odeiv_control_y_new(1e-3, 0.0)`.
const EPS_ABS: f64 = 1e-3;

// The state vector, in NEST's order.
const V_M: usize = 0;
const DG_EXC: usize = 1;
const G_EXC: usize = 2;
const DG_INH: usize = 3;
const G_INH: usize = 4;
const DG_AHP: usize = 5;
const G_AHP: usize = 6;
const D: usize = 7;

/// The names of the state vector's components, for `NumericalInstability`.
const STATE_NAMES: [&str; D] = ["V_m", "dg_ex", "g_ex", "dg_in", "g_in", "dg_ahp", "g_ahp"];

/// User parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub v_th: f64,
    pub g_l: f64,
    pub c_m: f64,
    pub e_ex: f64,
    pub e_in: f64,
    pub e_l: f64,
    pub tau_syn_ex: f64,
    pub tau_syn_in: f64,
    pub i_e: f64,
    pub tau_ahp: f64,
    pub g_ahp: f64,
    pub e_ahp: f64,
    pub ahp_bug: bool,
}

impl Default for Params {
    /// NEST's defaults (from Casti's simulator).
    fn default() -> Params {
        Params {
            v_th: -45.0,
            g_l: 100.0,
            c_m: 1000.0,
            e_ex: 20.0,
            e_in: -90.0,
            e_l: -60.0,
            tau_syn_ex: 1.0,
            tau_syn_in: 1.0,
            i_e: 0.0,
            tau_ahp: 0.5,
            g_ahp: 443.8,
            e_ahp: -95.0,
            ahp_bug: false,
        }
    }
}

impl Params {
    /// NEST's `Parameters_::set`: read the keys present, then its two rules.
    fn set(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        read_scalars(
            dict,
            &mut [
                ("V_th", &mut self.v_th),
                ("g_L", &mut self.g_l),
                ("C_m", &mut self.c_m),
                ("E_ex", &mut self.e_ex),
                ("E_in", &mut self.e_in),
                ("E_L", &mut self.e_l),
                ("tau_syn_ex", &mut self.tau_syn_ex),
                ("tau_syn_in", &mut self.tau_syn_in),
                ("I_e", &mut self.i_e),
                ("tau_ahp", &mut self.tau_ahp),
                ("E_ahp", &mut self.e_ahp),
                ("g_ahp", &mut self.g_ahp),
            ],
        )?;
        if let Some(b) = dict.bool("ahp_bug")? {
            self.ahp_bug = b;
        }
        if self.c_m <= 0.0 {
            return Err(ParamError::rule("Capacitance must be strictly positive.")
                .with("C_m", Value::Float(self.c_m)));
        }
        if self.tau_syn_ex <= 0.0 || self.tau_syn_in <= 0.0 || self.tau_ahp <= 0.0 {
            return Err(
                ParamError::rule("All time constants must be strictly positive.")
                    .with("tau_syn_ex", Value::Float(self.tau_syn_ex))
                    .with("tau_syn_in", Value::Float(self.tau_syn_in))
                    .with("tau_ahp", Value::Float(self.tau_ahp)),
            );
        }
        Ok(())
    }

    /// NEST's `Parameters_::get`.
    fn get(&self, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("V_th", self.v_th),
                ("g_L", self.g_l),
                ("C_m", self.c_m),
                ("E_ex", self.e_ex),
                ("E_in", self.e_in),
                ("E_L", self.e_l),
                ("tau_syn_ex", self.tau_syn_ex),
                ("tau_syn_in", self.tau_syn_in),
                ("I_e", self.i_e),
                ("tau_ahp", self.tau_ahp),
                ("E_ahp", self.e_ahp),
                ("g_ahp", self.g_ahp),
            ],
        );
        out.insert("ahp_bug", Value::Bool(self.ahp_bug));
    }
}

/// The constants of one parameter set (NEST's `pre_run_hook`): the jumps of `dg_ex`, `dg_in`
/// per unit weight and of `dg_ahp` per spike.
#[derive(Clone, Copy, Debug, Default)]
pub struct Derived {
    ps_con_init_e: f64,
    ps_con_init_i: f64,
    ps_con_init_ahp: f64,
}

fn derive(p: &Params, _grid: &TimeGrid) -> Derived {
    let e = std::f64::consts::E;
    Derived {
        ps_con_init_e: 1.0 * e / p.tau_syn_ex,
        ps_con_init_i: 1.0 * e / p.tau_syn_in,
        ps_con_init_ahp: p.g_ahp * e / p.tau_ahp,
    }
}

/// An `iaf_chxk_2008` population: validated parameters and the initial `V_m`.
#[derive(Clone, Debug, PartialEq)]
pub struct IafChxk2008 {
    pub params: Params,
    pub initial_v: f64,
}

impl Default for IafChxk2008 {
    /// A new neuron's `V_m` is the *default* `E_L` (NEST's prototype state).
    fn default() -> IafChxk2008 {
        let params = Params::default();
        let initial_v = params.e_l;
        IafChxk2008 { params, initial_v }
    }
}

impl IafChxk2008 {
    /// NEST's defaults, then the parameters and `V_m` of `dict`: the path `SetStatus` takes
    /// too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<IafChxk2008, ParamError> {
        let mut m = IafChxk2008::default();
        m.params.set(dict)?;
        read_scalars(dict, &mut [("V_m", &mut m.initial_v)])?;
        Ok(m)
    }
}

impl NeuronModel for IafChxk2008 {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        3
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        iaf_cond::spike_input(MODEL_NAME, receptor, weight)
    }

    /// NEST's `iaf_tum_2000::send_test_event`: an `iaf_tum_2000` may not send to a neuron of
    /// another model that spikes off the grid, as this one does.
    fn check_source(&self, source_model: &str, _receptor: i64) -> Result<(), Rejection> {
        if source_model == crate::iaf_tum_2000::MODEL_NAME {
            return Err(Rejection::new(
                "IllegalConnection",
                "iaf_tum_2000 neurons cannot be connected to precise spiking neurons.",
            ));
        }
        Ok(())
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, MODEL_NAME, I0, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        vec![
            Recordable::new("V_m", "mV"),
            Recordable::new("g_ex", "nS"),
            Recordable::new("g_in", "nS"),
            Recordable::new("g_ahp", "nS"),
            Recordable::new("I_syn_ex", "pA"),
            Recordable::new("I_syn_in", "pA"),
            Recordable::new("I_ahp", "pA"),
        ]
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(IafChxk2008Chunk::new(self, n))
    }
}

/// The right-hand side of one neuron during one step (NEST's `iaf_chxk_2008_dynamics`).
struct Rhs<'a> {
    p: &'a Params,
    i_stim: f64,
}

impl OdeSystem for Rhs<'_> {
    #[inline(always)]
    fn eval(&self, y: &[f64], f: &mut [f64]) {
        let p = self.p;
        let i_syn_exc = y[G_EXC] * (y[V_M] - p.e_ex);
        let i_syn_inh = y[G_INH] * (y[V_M] - p.e_in);
        let i_ahp = y[G_AHP] * (y[V_M] - p.e_ahp);
        let i_leak = p.g_l * (y[V_M] - p.e_l);
        f[V_M] = (-i_leak - i_syn_exc - i_syn_inh - i_ahp + self.i_stim + p.i_e) / p.c_m;
        f[DG_EXC] = -y[DG_EXC] / p.tau_syn_ex;
        f[G_EXC] = y[DG_EXC] - (y[G_EXC] / p.tau_syn_ex);
        f[DG_INH] = -y[DG_INH] / p.tau_syn_in;
        f[G_INH] = y[DG_INH] - (y[G_INH] / p.tau_syn_in);
        f[DG_AHP] = -y[DG_AHP] / p.tau_ahp;
        f[G_AHP] = y[DG_AHP] - (y[G_AHP] / p.tau_ahp);
    }
}

/// The state of `n` `iaf_chxk_2008` neurons.
pub struct IafChxk2008Chunk {
    sets: ParamSets<Params, Derived>,
    /// Integrator state, one vector per neuron (NEST's `S_.y`).
    y: Vec<[f64; D]>,
    /// The run's resolution, GSL's step estimates and the current input of the coming step.
    drive: StepInputs,
    /// The offset of each neuron's last spike: time from the crossing to the end of the step.
    offset: Vec<f64>,
    instability: Option<Instability>,
}

impl IafChxk2008Chunk {
    pub fn new(m: &IafChxk2008, n: usize) -> IafChxk2008Chunk {
        let mut y = [0.0; D];
        y[V_M] = m.initial_v;
        IafChxk2008Chunk {
            sets: ParamSets::new(&m.params, n, derive),
            y: vec![y; n],
            drive: StepInputs::new(n),
            offset: vec![0.0; n],
            instability: None,
        }
    }
}

impl NeuronChunk for IafChxk2008Chunk {
    fn len(&self) -> usize {
        self.y.len()
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.drive.prepare(grid);
        self.sets.prepare(grid);
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "{MODEL_NAME}: update before prepare"
        );
        let n = self.len();
        let h = self.drive.h;
        let w_ex = &input[SYN_EX as usize * n..][..n];
        let w_in = &input[SYN_IN as usize * n..][..n];
        let current = &input[I0 as usize * n..][..n];
        let mut stack = [[0.0f64; D]; 9];
        let mut work = Work::on_stack(&mut stack);
        for i in 0..n {
            let p = self.sets.params(i);
            let d = self.sets.derived(i);
            let y = &mut self.y[i];
            let vm_prev = y[V_M];
            let sys = Rhs {
                p,
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
                let mut instability = rkf45::diverged(y, &STATE_NAMES);
                instability.neuron = i;
                self.instability = Some(instability);
                return;
            }
            // A spike on a crossing only, placed by linear interpolation; the AHP started
            // then is evolved to the end of the step.
            if vm_prev < p.v_th && y[V_M] >= p.v_th {
                let dt = h * (y[V_M] - p.v_th) / (y[V_M] - vm_prev);
                let delta_dg = d.ps_con_init_ahp * (-dt / p.tau_ahp).exp();
                let delta_g = delta_dg * dt;
                if p.ahp_bug {
                    y[G_AHP] = delta_g;
                    y[DG_AHP] = delta_dg;
                } else {
                    y[G_AHP] += delta_g;
                    y[DG_AHP] += delta_dg;
                }
                self.offset[i] = dt;
                emitted.push((i as u32, 1));
            }
            y[DG_EXC] += w_ex[i] * d.ps_con_init_e;
            y[DG_INH] += w_in[i] * d.ps_con_init_i;
            self.drive.i_stim[i] = current[i];
        }
    }

    fn take_instability(&mut self) -> Option<Instability> {
        self.instability.take()
    }

    fn spike_offset(&self, neuron: usize) -> f64 {
        self.offset[neuron]
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        let y = &self.y[neuron];
        let p = self.sets.params(neuron);
        match index {
            0 => y[V_M],
            1 => y[G_EXC],
            2 => y[G_INH],
            3 => y[G_AHP],
            4 => y[G_EXC] * (y[V_M] - p.e_ex),
            5 => y[G_INH] * (y[V_M] - p.e_in),
            6 => y[G_AHP] * (y[V_M] - p.e_ahp),
            _ => panic!("{MODEL_NAME} has no recordable {index}"),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let mut out = Dict::new();
        self.sets.params(neuron).get(&mut out);
        put_floats(&mut out, &[("V_m", self.y[neuron][V_M])]);
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        p.set(dict)?;
        let mut v = self.y[neuron][V_M];
        read_scalars(dict, &mut [("V_m", &mut v)])?;
        self.sets.assign(neuron, p);
        self.y[neuron][V_M] = v;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_nests() {
        let m = IafChxk2008::from_params(&mut Dict::new()).unwrap();
        let s = m.instantiate(1).get_status(0);
        assert_eq!(s.get("V_m"), Some(&Value::Float(-60.0)));
        assert_eq!(s.get("g_ahp"), Some(&Value::Float(443.8)));
        assert_eq!(s.get("ahp_bug"), Some(&Value::Bool(false)));
    }

    #[test]
    fn nonpositive_time_constants_are_refused_with_nests_message() {
        let mut d = Dict::new();
        d.insert("tau_ahp", Value::Float(0.0));
        let e = IafChxk2008::from_params(&mut d).unwrap_err().to_string();
        assert!(
            e.contains("All time constants must be strictly positive."),
            "{e}"
        );
        assert!(e.contains("tau_ahp"), "{e}");
    }
}
