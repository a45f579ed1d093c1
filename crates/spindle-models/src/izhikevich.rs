//! `izhikevich`: Izhikevich's simple spiking neuron, NEST 3.10's model of that name, reproduced
//! bit for bit.
//!
//! # Model
//!
//! ```text
//! dv/dt = 0.04·v² + 5·v + 140 − u + I + I_e
//! du/dt = a·(b·v − u)
//! if v ≥ V_th:  v ← c,  u ← u + d
//! ```
//!
//! One step `k → k+1` of length `h`, in NEST's order (the neuron is never refractory):
//!
//! 1. with `consistent_integration = true` (the default), one forward-Euler step from the old
//!    `(v, u)`, the spikes arriving for this step added to `v` directly (a weight is a jump in
//!    mV):
//!    `v ← v + h·(0.04v² + 5v + 140 − u + I + I_e) + Σw`, `u ← u + h·a·(b·v_old − u)`;
//!    with `consistent_integration = false`, the scheme of Izhikevich's published code (two half
//!    steps for `v`, the spike input inside the bracket, then `u` from the *new* `v`), meant
//!    for `h = 1 ms`:
//!    `v ← v + h/2·(0.04v² + 5v + 140 − u + I + I_e + Σw)` twice, `u ← u + h·a·(b·v − u)`;
//! 2. `v ← max(v, V_min)`;
//! 3. if `v ≥ V_th` spike at `t_{k+1}`, `v ← c`, `u ← u + d`;
//! 4. latch the current input `I` of the next step (not held).
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `a` | 0.02 | 1/ms | time scale of `u` |
//! | `b` | 0.2 | 1 | sensitivity of `u` to `v` |
//! | `c` | −65 | mV | reset of `v` |
//! | `d` | 8 | mV | jump of `u` at a spike |
//! | `I_e` | 0 | pA | constant external current |
//! | `V_th` | 30 | mV | spike threshold |
//! | `V_min` | −1.797e308 | mV | lower bound of `v` (none by default) |
//! | `consistent_integration` | true | | forward Euler (true) or the published scheme (false) |
//!
//! Initial state: `V_m` = −65 mV, `U_m` = −13 (NEST's `b·V_m` for the defaults, fixed).
//!
//! Receptors: spikes and currents on receptor 0. Recordables: `V_m`, `U_m`.
//!
//! # References
//!
//! * Izhikevich EM (2003). Simple model of spiking neurons. IEEE Transactions on Neural Networks
//!   14:1569–1572.
//! * NEST 3.10, `models/izhikevich.{h,cpp}`.

use crate::param_sets::ParamSets;
use crate::receptor_zero;
use crate::voltages::{put_floats, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};

/// NEST's model name.
pub const MODEL_NAME: &str = "izhikevich";

/// Every key [`Izhikevich::from_params`] reads.
pub const KEYS: &[&str] = &[
    "V_th",
    "V_min",
    "I_e",
    "a",
    "b",
    "c",
    "d",
    "consistent_integration",
    "U_m",
    "V_m",
];

/// Spikes (both signs in one buffer, as NEST sums them).
const SPIKES: u16 = 0;
const I0: u16 = 1;

/// User parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub a: f64,
    pub b: f64,
    /// `c`, mV.
    pub c: f64,
    /// `d`, mV.
    pub d: f64,
    /// `I_e`, pA.
    pub i_e: f64,
    /// `V_th`, mV.
    pub v_th: f64,
    /// `V_min`, mV.
    pub v_min: f64,
    pub consistent_integration: bool,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            a: 0.02,
            b: 0.2,
            c: -65.0,
            d: 8.0,
            i_e: 0.0,
            v_th: 30.0,
            v_min: -f64::MAX,
            consistent_integration: true,
        }
    }
}

impl Params {
    /// NEST's `Parameters_::set` (no rules).
    pub fn set(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        read_scalars(
            dict,
            &mut [
                ("V_th", &mut self.v_th),
                ("V_min", &mut self.v_min),
                ("I_e", &mut self.i_e),
                ("a", &mut self.a),
                ("b", &mut self.b),
                ("c", &mut self.c),
                ("d", &mut self.d),
            ],
        )?;
        if let Some(v) = dict.bool("consistent_integration")? {
            self.consistent_integration = v;
        }
        Ok(())
    }

    /// NEST's `Parameters_::get`.
    pub fn get(&self, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("I_e", self.i_e),
                ("V_th", self.v_th),
                ("V_min", self.v_min),
                ("a", self.a),
                ("b", self.b),
                ("c", self.c),
                ("d", self.d),
            ],
        );
        out.insert(
            "consistent_integration",
            Value::Bool(self.consistent_integration),
        );
    }
}

/// The state of one neuron that `SetStatus` can change: `(V_m, U_m)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InitialState {
    pub v: f64,
    pub u: f64,
}

impl Default for InitialState {
    /// NEST's prototype state.
    fn default() -> InitialState {
        InitialState {
            v: -65.0,
            u: 0.2 * -65.0,
        }
    }
}

impl InitialState {
    /// NEST's `State_::set`.
    pub fn set(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        read_scalars(dict, &mut [("U_m", &mut self.u), ("V_m", &mut self.v)])
    }
}

/// An `izhikevich` population.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Izhikevich {
    pub params: Params,
    pub initial: InitialState,
}

impl Izhikevich {
    /// NEST's defaults, then [`Params::set`] and [`InitialState::set`]: the path `SetStatus`
    /// takes too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<Izhikevich, ParamError> {
        let mut params = Params::default();
        params.set(dict)?;
        let mut initial = InitialState::default();
        initial.set(dict)?;
        Ok(Izhikevich { params, initial })
    }
}

impl NeuronModel for Izhikevich {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        2
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, MODEL_NAME, SPIKES, weight)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        receptor_zero(receptor, MODEL_NAME, I0, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        vec![Recordable::new("V_m", "mV"), Recordable::new("U_m", "mV")]
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(IzhikevichChunk {
            sets: ParamSets::new(&self.params, n, |_, _| ()),
            h: 0.0,
            n,
            v: vec![self.initial.v; n],
            u: vec![self.initial.u; n],
            i: vec![0.0; n],
        })
    }
}

/// The state of `n` `izhikevich` neurons.
pub struct IzhikevichChunk {
    sets: ParamSets<Params, ()>,
    h: f64,
    n: usize,
    v: Vec<f64>,
    u: Vec<f64>,
    /// Current input of the coming step (NEST's `S_.I_`).
    i: Vec<f64>,
}

impl NeuronChunk for IzhikevichChunk {
    fn len(&self) -> usize {
        self.n
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.h = grid.h();
        self.sets.prepare(grid);
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(self.sets.is_prepared(), "izhikevich: update before prepare");
        let n = self.n;
        let h = self.h;
        let spikes = &input[SPIKES as usize * n..][..n];
        let current = &input[I0 as usize * n..][..n];
        for k in 0..n {
            let p = self.sets.params(k);
            let (mut v, mut u, i) = (self.v[k], self.u[k], self.i[k]);
            // 1. Integrate.
            if p.consistent_integration {
                let (v_old, u_old) = (v, u);
                v += h * (0.04 * v_old * v_old + 5.0 * v_old + 140.0 - u_old + i + p.i_e)
                    + spikes[k];
                u += h * p.a * (p.b * v_old - u_old);
            } else {
                let i_syn = spikes[k];
                v += h * 0.5 * (0.04 * v * v + 5.0 * v + 140.0 - u + i + p.i_e + i_syn);
                v += h * 0.5 * (0.04 * v * v + 5.0 * v + 140.0 - u + i + p.i_e + i_syn);
                u += h * p.a * (p.b * v - u);
            }
            // 2. Lower bound.
            v = if v < p.v_min { p.v_min } else { v };
            // 3. Threshold.
            if v >= p.v_th {
                v = p.c;
                u += p.d;
                emitted.push((k as u32, 1));
            }
            self.v[k] = v;
            self.u[k] = u;
            // 4. The current input of the next step.
            self.i[k] = current[k];
        }
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        match index {
            0 => self.v[neuron],
            1 => self.u[neuron],
            _ => panic!("{MODEL_NAME} has no recordable {index}"),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let mut out = Dict::new();
        self.sets.params(neuron).get(&mut out);
        put_floats(
            &mut out,
            &[("U_m", self.u[neuron]), ("V_m", self.v[neuron])],
        );
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        p.set(dict)?;
        let mut s = InitialState {
            v: self.v[neuron],
            u: self.u[neuron],
        };
        s.set(dict)?;
        self.sets.assign(neuron, p);
        self.v[neuron] = s.v;
        self.u[neuron] = s.u;
        Ok(())
    }
}
