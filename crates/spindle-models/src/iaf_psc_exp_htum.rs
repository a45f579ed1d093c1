//! `iaf_psc_exp_htum`: the leaky integrate-and-fire neuron with exponential current synapses and
//! separate absolute and total refractory periods (Hill & Tononi 2005), NEST 3.10's model of that
//! name, reproduced bit for bit. Its propagators are `iaf_psc_exp`'s ([`iaf_psc_exp::Derived`]).
//!
//! # Model
//!
//! Voltages are held relative to `E_L` (`V = V_m − E_L`). Between spikes
//!
//! ```text
//! dV/dt    = −V/τm + (i_ex + i_in + I_e + I_stim)/C
//! di_X/dt  = −i_X/τ_X                                  X ∈ {ex, in}
//! ```
//!
//! is integrated exactly. A spike of weight `w ≥ 0` adds `w` to `i_ex`, a negative one to `i_in`
//! (sign kept).
//!
//! After a spike the membrane is clamped to `V_reset` for `t_ref_abs` (the absolute refractory
//! period) and then integrates again, but the neuron cannot spike before `t_ref_tot` (the total
//! refractory period, ≥ `t_ref_abs`) has passed: during the relative part `V` may exceed the
//! threshold without a spike.
//!
//! One step `k → k+1`, in NEST's order: (1) unless absolutely refractory, `V ← V·P22 +
//! i_ex·P21ex + i_in·P21in + (I_e + I_stim)·P20`, else the absolute counter counts down; (2) the
//! currents decay and the spikes arriving for this step are added; (3) if not totally
//! refractory and `V ≥ V_th − E_L`, the neuron spikes at `t_{k+1}`, `V ← V_reset − E_L` and both
//! counters are set (`⌈t_ref_abs/h⌉`, `⌈t_ref_tot/h⌉` steps), else the total counter counts
//! down; (4) the current input of the next step is latched.
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `E_L` | −70 | mV | resting potential |
//! | `C_m` | 250 | pF | membrane capacitance |
//! | `tau_m` | 10 | ms | membrane time constant |
//! | `t_ref_abs` | 2 | ms | absolute refractory period (> 0) |
//! | `t_ref_tot` | 2 | ms | total refractory period (≥ `t_ref_abs`) |
//! | `V_th` | −55 | mV | spike threshold |
//! | `V_reset` | −70 | mV | reset potential |
//! | `tau_syn_ex` | 2 | ms | decay time of the excitatory current |
//! | `tau_syn_in` | 2 | ms | decay time of the inhibitory current |
//! | `I_e` | 0 | pA | constant external current |
//!
//! Initial state: `V_m` (mV, default −70). Receptors: spikes and currents on receptor 0.
//! Recordables: `V_m`, `I_syn_ex`, `I_syn_in`. As in NEST, the *recorded* `V_m` is relative to
//! `E_L` (NEST's `get_V_m_` returns the internal `V_m_`; `GetStatus` adds `E_L`), so a
//! multimeter shows 0 mV at rest with the default `E_L = −70`.
//!
//! # Departure from NEST
//!
//! NEST refuses a refractory period shorter than one step when a simulation starts
//! (`pre_run_hook`); here `prepare` cannot fail, and since a positive period is at least one
//! step once it is at least one tic, the check moves to `SetStatus`/`Create`: a `t_ref_abs` or
//! `t_ref_tot` below one tic (0.0005 ms with NEST's default tics) is refused there with NEST's
//! message.
//!
//! # References
//!
//! * Hill S, Tononi G (2005). Modeling sleep and wakefulness in the thalamocortical system.
//!   Journal of Neurophysiology 93:1671–1698.
//! * NEST 3.10, `models/iaf_psc_exp_htum.{h,cpp}`.

use crate::iaf_membrane::{self, require, RelativeVoltageParams};
use crate::iaf_psc_exp;
use crate::param_sets::ParamSets;
use crate::receptor_zero;
use crate::voltages::{put_floats, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params as Dict};
use spindle_core::time::{Step, TimeGrid};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_psc_exp_htum";

/// Every key [`IafPscExpHtum::from_params`] reads.
pub const KEYS: &[&str] = &[
    "E_L",
    "C_m",
    "tau_m",
    "t_ref_abs",
    "t_ref_tot",
    "V_th",
    "V_reset",
    "tau_syn_ex",
    "tau_syn_in",
    "I_e",
    "V_m",
];

const SYN_EX: u16 = 0;
const SYN_IN: u16 = 1;
const I0: u16 = 2;

/// User parameters: `iaf_psc_exp`'s (its `t_ref` is `t_ref_abs`, its stochastic threshold
/// unused) and the total refractory period.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub psc_exp: iaf_psc_exp::Params,
    /// `t_ref_tot`, ms.
    pub t_ref_tot: f64,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            psc_exp: iaf_psc_exp::Params::default(),
            t_ref_tot: 2.0,
        }
    }
}

/// Constants computed before each run (NEST's `pre_run_hook`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Derived {
    /// `iaf_psc_exp`'s propagators; its `refractory_counts` are the absolute ones.
    pub psc_exp: iaf_psc_exp::Derived,
    /// Total refractory steps.
    pub refractory_counts_tot: i32,
}

impl Derived {
    pub fn new(p: &Params, grid: &TimeGrid) -> Derived {
        Derived {
            psc_exp: iaf_psc_exp::Derived::new(&p.psc_exp, grid),
            refractory_counts_tot: i32::try_from(grid.ms_to_steps_up(p.t_ref_tot))
                .unwrap_or(i32::MAX),
        }
    }
}

/// An `iaf_psc_exp_htum` population: validated parameters and the initial `V_m − E_L`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IafPscExpHtum {
    pub params: Params,
    /// Initial `V_m − E_L`, mV.
    pub initial_v: f64,
}

impl RelativeVoltageParams for Params {
    /// NEST's `Parameters_::set`, in NEST's order and with its messages; then the at-least-one-
    /// step rule of NEST's `pre_run_hook` (see the module comment). Returns `ΔE_L`.
    fn set(&mut self, dict: &mut Dict) -> Result<f64, ParamError> {
        let p = &mut self.psc_exp;
        let delta_e_l = p.m.read(
            dict,
            &mut [],
            &mut [
                ("tau_syn_ex", &mut p.tau_syn_ex),
                ("tau_syn_in", &mut p.tau_syn_in),
            ],
            "t_ref_abs",
        )?;
        read_scalars(dict, &mut [("t_ref_tot", &mut self.t_ref_tot)])?;
        let (m, abs, tot) = (&p.m, p.m.t_ref, self.t_ref_tot);
        m.require_reset_below_threshold()?;
        require(
            abs <= tot,
            "Total refractory period must be larger or equal than absolute refractory time.",
            &[("t_ref_abs", abs), ("t_ref_tot", tot)],
        )?;
        require(
            m.c_m > 0.0,
            "Capacitance must be strictly positive.",
            &[("C_m", m.c_m)],
        )?;
        require(
            m.tau_m > 0.0 && p.tau_syn_ex > 0.0 && p.tau_syn_in > 0.0 && tot > 0.0 && abs > 0.0,
            "All time constants must be strictly positive.",
            &[
                ("tau_m", m.tau_m),
                ("tau_syn_ex", p.tau_syn_ex),
                ("tau_syn_in", p.tau_syn_in),
                ("t_ref_abs", abs),
                ("t_ref_tot", tot),
            ],
        )?;
        for (key, t, what) in [("t_ref_abs", abs, "Absolute"), ("t_ref_tot", tot, "Total")] {
            require(
                TimeGrid::ms_to_default_tics(t) >= 1,
                &format!("{what} refractory time must be at least one time step."),
                &[(key, t)],
            )?;
        }
        Ok(delta_e_l)
    }

    fn e_l(&self) -> f64 {
        self.psc_exp.m.e_l
    }
}

impl Params {
    /// NEST's `Parameters_::get`: absolute voltages.
    pub fn get(&self, out: &mut Dict) {
        let p = &self.psc_exp;
        p.m.put(out, "t_ref_abs");
        put_floats(
            out,
            &[
                ("tau_syn_ex", p.tau_syn_ex),
                ("tau_syn_in", p.tau_syn_in),
                ("t_ref_tot", self.t_ref_tot),
            ],
        );
    }
}

impl IafPscExpHtum {
    /// NEST's defaults, then [`Params::set`] and the state's `V_m`: the path `SetStatus` takes
    /// too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<IafPscExpHtum, ParamError> {
        let (params, initial_v) = iaf_membrane::from_dict(dict)?;
        Ok(IafPscExpHtum { params, initial_v })
    }
}

impl NeuronModel for IafPscExpHtum {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        3
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        // NEST's `handle(SpikeEvent&)` tests `weight >= 0`.
        let channel = if weight >= 0.0 { SYN_EX } else { SYN_IN };
        receptor_zero(receptor, MODEL_NAME, channel, weight)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, MODEL_NAME, I0, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        vec![
            Recordable::new("V_m", "mV"),
            Recordable::new("I_syn_ex", "pA"),
            Recordable::new("I_syn_in", "pA"),
        ]
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(IafPscExpHtumChunk::new(&self.params, self.initial_v, n))
    }
}

/// The state of `n` `iaf_psc_exp_htum` neurons, structure-of-arrays.
pub struct IafPscExpHtumChunk {
    sets: ParamSets<Params, Derived>,
    n: usize,
    /// `V_m − E_L`, mV.
    v: Vec<f64>,
    i_syn_ex: Vec<f64>,
    i_syn_in: Vec<f64>,
    /// Current input of the coming step, pA.
    i_0: Vec<f64>,
    refractory_abs: Vec<i32>,
    refractory_tot: Vec<i32>,
}

impl IafPscExpHtumChunk {
    pub fn new(p: &Params, initial_v: f64, n: usize) -> IafPscExpHtumChunk {
        IafPscExpHtumChunk {
            sets: ParamSets::new(p, n, Derived::new),
            n,
            v: vec![initial_v; n],
            i_syn_ex: vec![0.0; n],
            i_syn_in: vec![0.0; n],
            i_0: vec![0.0; n],
            refractory_abs: vec![0; n],
            refractory_tot: vec![0; n],
        }
    }
}

impl NeuronChunk for IafPscExpHtumChunk {
    fn len(&self) -> usize {
        self.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.sets.prepare(grid);
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "{MODEL_NAME}: update before prepare"
        );
        let n = self.n;
        let w_ex = &input[SYN_EX as usize * n..][..n];
        let w_in = &input[SYN_IN as usize * n..][..n];
        let current = &input[I0 as usize * n..][..n];
        let (table, index) = (self.sets.derived_table(), self.sets.index());
        for i in 0..n {
            let dd = &table[index[i] as usize];
            let d = &dd.psc_exp;
            // 1. Membrane, unless absolutely refractory.
            if self.refractory_abs[i] == 0 {
                self.v[i] = self.v[i] * d.p22
                    + self.i_syn_ex[i] * d.p21_ex
                    + self.i_syn_in[i] * d.p21_in
                    + (d.i_e + self.i_0[i]) * d.p20;
            } else {
                self.refractory_abs[i] -= 1;
            }
            // 2. Synaptic currents: decay, then the spikes arriving for this step.
            self.i_syn_ex[i] = self.i_syn_ex[i] * d.p11_ex + w_ex[i];
            self.i_syn_in[i] = self.i_syn_in[i] * d.p11_in + w_in[i];
            // 3. Threshold (≥), only once the total refractory period is over.
            if self.refractory_tot[i] == 0 {
                if self.v[i] >= d.theta {
                    self.refractory_abs[i] = d.refractory_counts;
                    self.refractory_tot[i] = dd.refractory_counts_tot;
                    self.v[i] = d.v_reset;
                    emitted.push((i as u32, 1));
                }
            } else {
                self.refractory_tot[i] -= 1;
            }
            // 4. The current input of the next step.
            self.i_0[i] = current[i];
        }
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        match index {
            // NEST records `V_m_` itself, relative to `E_L` (GetStatus shows it absolute).
            0 => self.v[neuron],
            1 => self.i_syn_ex[neuron],
            2 => self.i_syn_in[neuron],
            _ => panic!("{MODEL_NAME} has no recordable {index}"),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let p = self.sets.params(neuron);
        let mut out = Dict::new();
        p.get(&mut out);
        put_floats(&mut out, &[("V_m", self.v[neuron] + p.e_l())]);
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        iaf_membrane::set_status(&mut self.sets, neuron, &mut self.v[neuron], dict)
    }
}
