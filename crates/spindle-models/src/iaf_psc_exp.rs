//! `iaf_psc_exp`: the leaky integrate-and-fire neuron with exponentially decaying postsynaptic
//! currents, NEST 3.10's model of that name, reproduced bit for bit for its deterministic
//! threshold (spec §4.2); its stochastic threshold draws from a per-neuron stream.
//!
//! # Model
//!
//! Voltages are held relative to `E_L` (`V = V_m − E_L`). Between spikes
//!
//! ```text
//! dV/dt     = −V/τm + (i_ex + i_in + I_e + i_0)/C
//! di_ex/dt  = −i_ex/τ_ex + i_1/τ_ex        (i_1: current input filtered by the ex synapse)
//! di_in/dt  = −i_in/τ_in
//! ```
//!
//! is integrated exactly with precomputed propagators (`iaf_propagator.rs`). A spike of
//! weight `w` adds `w` to `i_ex` if `w > 0`, else to `i_in` (keeping its sign).
//!
//! One step `k → k+1`, in NEST's order: (1) unless refractory, `V ← V·P22 + i_ex·P21ex +
//! i_in·P21in + (I_e + i_0)·P20`, else the refractory counter counts down; (2) `i_ex ← i_ex·P11ex`,
//! `i_in ← i_in·P11in`, `i_ex ← i_ex + (1 − P11ex)·i_1`, then the spikes arriving for this step
//! are added; (3) the threshold: with `delta < 1e-10` (the default 0) the neuron spikes if
//! `V ≥ V_th − E_L`; with `delta > 1e-10` it spikes with probability
//! `ρ·exp((V − V_th)/δ)·h` per step (`U < rho·exp((1/delta)·(V − Θ))·h·1e-3` for a uniform
//! `U` drawn every step, during the refractory period too, as NEST does); with `delta` exactly
//! `1e-10` it never spikes. A spike at `t_{k+1}` sets `V ← V_reset − E_L` and the next
//! `⌈t_ref/h⌉` steps hold V; (4) the current inputs `i_0`, `i_1` of the next step are
//! latched (not held).
//!
//! # Parameters
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `E_L` | −70 | mV | resting potential |
//! | `C_m` | 250 | pF | membrane capacitance |
//! | `tau_m` | 10 | ms | membrane time constant |
//! | `t_ref` | 2 | ms | refractory period (≥ 0) |
//! | `V_th` | −55 | mV | spike threshold |
//! | `V_reset` | −70 | mV | reset potential |
//! | `tau_syn_ex` | 2 | ms | decay time of the excitatory current |
//! | `tau_syn_in` | 2 | ms | decay time of the inhibitory current |
//! | `I_e` | 0 | pA | constant external current |
//! | `rho` | 0.01 | 1/s | stochastic threshold: firing intensity at threshold |
//! | `delta` | 0 | mV | stochastic threshold: width of the threshold region |
//!
//! Initial state: `V_m` (mV, default −70; it keeps its absolute value when only `E_L` changes,
//! as do `V_th` and `V_reset`).
//!
//! Receptors: spikes on receptor 0; currents on receptor 0 (straight into the membrane) and 1
//! (filtered through the excitatory synapse). Recordables: `V_m`, `I_syn_ex`, `I_syn_in`.
//!
//! # Randomness
//!
//! The stochastic threshold draws from the neuron's own stream (`streams.rs`), not from NEST's
//! per-thread generator: its spike trains match NEST's in distribution, not spike for spike.
//!
//! # References
//!
//! * Tsodyks M, Uziel A, Markram H (2000). Synchrony generation in recurrent networks with
//!   frequency-dependent synapses. Journal of Neuroscience 20:RC50.
//! * NEST 3.10, `models/iaf_psc_exp.{h,cpp}`; spec `nest-semantics.md` §4.0, §4.2.

use crate::iaf_membrane::{self, require, Membrane, RelativeVoltageParams};
use crate::iaf_propagator::IafPropagator;
use crate::param_sets::ParamSets;
use crate::streams::NeuronStreams;
use crate::voltages::{put_floats, read_scalars};
use crate::{receptor_zero, unknown_receptor};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params as Dict};
use spindle_core::time::{Step, TimeGrid};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_psc_exp";

/// Every key [`IafPscExp::from_params`] reads.
pub const KEYS: &[&str] = &[
    "E_L",
    "C_m",
    "tau_m",
    "t_ref",
    "V_th",
    "V_reset",
    "tau_syn_ex",
    "tau_syn_in",
    "I_e",
    "rho",
    "delta",
    "V_m",
];

/// NEST's switch between the deterministic and the stochastic threshold.
pub const DELTA_DETERMINISTIC_BELOW: f64 = 1e-10;

pub(crate) const SYN_EX: u16 = 0;
pub(crate) const SYN_IN: u16 = 1;
/// Currents on receptor 0.
pub(crate) const I0: u16 = 2;
/// Currents on receptor 1 (filtered through the excitatory synapse).
pub(crate) const I1: u16 = 3;

/// User parameters. Voltages are stored relative to `E_L`, as NEST stores them.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// `E_L`, `C_m`, `tau_m`, `t_ref`, `V_th`, `V_reset`, `I_e`.
    pub m: Membrane,
    pub tau_syn_ex: f64,
    pub tau_syn_in: f64,
    /// `rho`, 1/s.
    pub rho: f64,
    /// `delta`, mV.
    pub delta: f64,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            m: Membrane::default(),
            tau_syn_ex: 2.0,
            tau_syn_in: 2.0,
            rho: 0.01,
            delta: 0.0,
        }
    }
}

/// Constants computed before each run (NEST's `pre_run_hook`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Derived {
    /// `exp(−h/τ_ex)`.
    pub p11_ex: f64,
    /// `exp(−h/τ_in)`.
    pub p11_in: f64,
    /// `exp(−h/τm)`.
    pub p22: f64,
    /// `i_ex → V`.
    pub p21_ex: f64,
    /// `i_in → V`.
    pub p21_in: f64,
    /// `(τm/C)·(1 − P22)`: current → V.
    pub p20: f64,
    /// `1 − P11ex`: receptor-1 current → `i_ex`.
    pub p11_ex_complement: f64,
    /// Refractory steps, `t_ref` rounded up to the grid (saturating at `i32::MAX` steps, i.e.
    /// beyond ~2·10⁹ steps a refractory period is effectively infinite; 32-bit counters keep the
    /// update loop's lanes narrow).
    pub refractory_counts: i32,
    /// The parameters the update reads, copied here so that one `Derived` is all a neuron's
    /// step needs: `I_e`, `V_th − E_L`, `V_reset − E_L`.
    pub i_e: f64,
    pub theta: f64,
    pub v_reset: f64,
    /// The threshold's `rho` (1/s) and `delta` (mV), and `h` (ms) for its probability.
    pub rho: f64,
    pub delta: f64,
    pub h: f64,
}

impl Derived {
    /// NEST's `pre_run_hook`, with its exact expressions.
    pub fn new(p: &Params, grid: &TimeGrid) -> Derived {
        let h = grid.h();
        let p11_ex = (-h / p.tau_syn_ex).exp();
        let m = &p.m;
        let p22 = (-h / m.tau_m).exp();
        Derived {
            p11_ex,
            p11_in: (-h / p.tau_syn_in).exp(),
            p22,
            p21_ex: IafPropagator::new(p.tau_syn_ex, m.tau_m, m.c_m).exp_psc(h),
            p21_in: IafPropagator::new(p.tau_syn_in, m.tau_m, m.c_m).exp_psc(h),
            p20: m.tau_m / m.c_m * (1.0 - p22),
            p11_ex_complement: 1.0 - p11_ex,
            refractory_counts: i32::try_from(grid.ms_to_steps_up(m.t_ref)).unwrap_or(i32::MAX),
            i_e: m.i_e,
            theta: m.theta,
            v_reset: m.v_reset,
            rho: p.rho,
            delta: p.delta,
            h,
        }
    }
}

/// An `iaf_psc_exp` population: validated parameters and the initial `V_m − E_L`.
#[derive(Clone, Debug, PartialEq)]
pub struct IafPscExp {
    pub params: Params,
    /// Initial `V_m − E_L`, mV.
    pub initial_v: f64,
}

impl Default for IafPscExp {
    fn default() -> IafPscExp {
        IafPscExp {
            params: Params::default(),
            initial_v: 0.0,
        }
    }
}

impl RelativeVoltageParams for Params {
    /// NEST's `Parameters_::set`: read the keys of [`KEYS`] (but `V_m`) present in `dict` on top
    /// of these parameters and validate with NEST's rules and messages, in NEST's order.
    fn set(&mut self, dict: &mut Dict) -> Result<f64, ParamError> {
        let delta_e_l = self.m.read(
            dict,
            &mut [],
            &mut [
                ("tau_syn_ex", &mut self.tau_syn_ex),
                ("tau_syn_in", &mut self.tau_syn_in),
            ],
            "t_ref",
        )?;
        let (m, rho, delta) = (&self.m, &mut self.rho, &mut self.delta);
        m.require_reset_below_threshold()?;
        require(
            m.c_m > 0.0,
            "Capacitance must be strictly positive.",
            &[("C_m", m.c_m)],
        )?;
        require(
            m.tau_m > 0.0 && self.tau_syn_ex > 0.0 && self.tau_syn_in > 0.0,
            "Membrane and synapse time constants must be strictly positive.",
            &[
                ("tau_m", m.tau_m),
                ("tau_syn_ex", self.tau_syn_ex),
                ("tau_syn_in", self.tau_syn_in),
            ],
        )?;
        require(
            m.t_ref >= 0.0,
            "Refractory time must not be negative.",
            &[("t_ref", m.t_ref)],
        )?;
        read_threshold_noise(dict, rho, delta)?;
        Ok(delta_e_l)
    }

    fn e_l(&self) -> f64 {
        self.m.e_l
    }
}

/// The last part of NEST's `Parameters_::set` here and in `iaf_tum_2000`: the stochastic
/// threshold's `rho` and `delta`, each read and checked in turn.
pub(crate) fn read_threshold_noise(
    dict: &mut Dict,
    rho: &mut f64,
    delta: &mut f64,
) -> Result<(), ParamError> {
    read_scalars(dict, &mut [("rho", rho)])?;
    require(
        *rho >= 0.0,
        "Stochastic firing intensity must not be negative.",
        &[("rho", *rho)],
    )?;
    read_scalars(dict, &mut [("delta", delta)])?;
    require(
        *delta >= 0.0,
        "Width of threshold region must not be negative.",
        &[("delta", *delta)],
    )
}

impl Params {
    /// NEST's `Parameters_::get`: absolute voltages.
    pub fn get(&self, out: &mut Dict) {
        self.m.put(out, "t_ref");
        put_floats(
            out,
            &[
                ("tau_syn_ex", self.tau_syn_ex),
                ("tau_syn_in", self.tau_syn_in),
                ("rho", self.rho),
                ("delta", self.delta),
            ],
        );
    }
}

impl IafPscExp {
    /// NEST's defaults, then [`Params::set`] and the state's `V_m` (NEST's `State_::set`): the
    /// path `SetStatus` takes too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<IafPscExp, ParamError> {
        let (params, initial_v) = iaf_membrane::from_dict(dict)?;
        Ok(IafPscExp { params, initial_v })
    }
}

impl NeuronModel for IafPscExp {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        4
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        let channel = if weight > 0.0 { SYN_EX } else { SYN_IN };
        receptor_zero(receptor, MODEL_NAME, channel, weight)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        current_input(MODEL_NAME, receptor, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        recordables()
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(IafPscExpChunk::new(&self.params, self.initial_v, n))
    }
}

/// The current inputs of this model and of `iaf_tum_2000` (`model`): receptor 0 into the
/// membrane, receptor 1 through the excitatory synapse.
pub(crate) fn current_input(
    model: &str,
    receptor: i64,
    weight: f64,
) -> Result<InputChannel, Rejection> {
    let channel = match receptor {
        0 => I0,
        1 => I1,
        _ => return Err(unknown_receptor(receptor, model)),
    };
    Ok(InputChannel { channel, weight })
}

/// The recordables of this model and of `iaf_tum_2000`.
pub(crate) fn recordables() -> Vec<Recordable> {
    vec![
        Recordable::new("V_m", "mV"),
        Recordable::new("I_syn_ex", "pA"),
        Recordable::new("I_syn_in", "pA"),
    ]
}

/// The state of `n` `iaf_psc_exp` neurons, structure-of-arrays.
pub struct IafPscExpChunk {
    /// Each neuron's parameters and propagators.
    sets: ParamSets<Params, Derived>,
    s: Columns,
    /// The stochastic threshold's draws.
    streams: NeuronStreams,
}

/// The state columns of an [`IafPscExpChunk`].
struct Columns {
    n: usize,
    /// `V_m − E_L`, mV.
    v: Vec<f64>,
    i_syn_ex: Vec<f64>,
    i_syn_in: Vec<f64>,
    /// Current inputs of the coming step: receptor 0 and receptor 1, pA.
    i_0: Vec<f64>,
    i_1: Vec<f64>,
    refractory_steps: Vec<i32>,
    spiked: Vec<bool>,
}

impl Columns {
    /// One step of every neuron, with neuron `i`'s constants `derived(i)`; `fires(i, V, d)` is
    /// the threshold test.
    #[inline(always)]
    fn step_all(
        &mut self,
        input: &[f64],
        emitted: &mut Emitted,
        derived: impl Fn(usize) -> Derived,
        mut fires: impl FnMut(usize, f64, &Derived) -> bool,
    ) {
        let n = self.n;
        let w_ex = &input[SYN_EX as usize * n..][..n];
        let w_in = &input[SYN_IN as usize * n..][..n];
        let c0 = &input[I0 as usize * n..][..n];
        let c1 = &input[I1 as usize * n..][..n];
        let v = &mut self.v[..n];
        let i_ex = &mut self.i_syn_ex[..n];
        let i_in = &mut self.i_syn_in[..n];
        let i_0 = &mut self.i_0[..n];
        let i_1 = &mut self.i_1[..n];
        let r = &mut self.refractory_steps[..n];
        let spiked = &mut self.spiked[..n];
        let mut any = false;
        for i in 0..n {
            let d = derived(i);
            // 1. Membrane, unless refractory.
            let active = r[i] == 0;
            let integrated =
                v[i] * d.p22 + i_ex[i] * d.p21_ex + i_in[i] * d.p21_in + (d.i_e + i_0[i]) * d.p20;
            let mut vi = if active { integrated } else { v[i] };
            let mut ri = if active { 0 } else { r[i] - 1 };
            // 2. Synaptic currents: decay, receptor-1 current, arriving spikes.
            let mut ex = i_ex[i] * d.p11_ex;
            i_in[i] = i_in[i] * d.p11_in + w_in[i];
            ex += d.p11_ex_complement * i_1[i];
            i_ex[i] = ex + w_ex[i];
            // 3. Threshold.
            let spike = fires(i, vi, &d);
            vi = if spike { d.v_reset } else { vi };
            ri = if spike { d.refractory_counts } else { ri };
            v[i] = vi;
            r[i] = ri;
            spiked[i] = spike;
            any |= spike;
            // 4. The current inputs of the next step.
            i_0[i] = c0[i];
            i_1[i] = c1[i];
        }
        if any {
            emitted.extend(
                spiked
                    .iter()
                    .enumerate()
                    .filter(|(_, &s)| s)
                    .map(|(i, _)| (i as u32, 1)),
            );
        }
    }
}

/// NEST's threshold test: deterministic below `delta = 1e-10`, stochastic above (one draw per
/// step, whatever the refractory state), never at exactly `1e-10`.
#[inline]
fn threshold_crossed(streams: &mut NeuronStreams, i: usize, v: f64, d: &Derived) -> bool {
    if d.delta < DELTA_DETERMINISTIC_BELOW {
        v >= d.theta
    } else if d.delta > DELTA_DETERMINISTIC_BELOW {
        let phi = d.rho * (1.0 / d.delta * (v - d.theta)).exp();
        streams.uniform(i) < phi * d.h * 1e-3
    } else {
        false
    }
}

impl IafPscExpChunk {
    pub fn new(p: &Params, initial_v: f64, n: usize) -> IafPscExpChunk {
        IafPscExpChunk {
            sets: ParamSets::new(p, n, Derived::new),
            s: Columns {
                n,
                v: vec![initial_v; n],
                i_syn_ex: vec![0.0; n],
                i_syn_in: vec![0.0; n],
                i_0: vec![0.0; n],
                i_1: vec![0.0; n],
                refractory_steps: vec![0; n],
                spiked: vec![false; n],
            },
            streams: NeuronStreams::new(n),
        }
    }
}

/// What `iaf_tum_2000`, which is this model's membrane with short-term plasticity on the
/// sending side, reads and writes of a neuron.
impl IafPscExpChunk {
    /// `V_m − E_L` of neuron `i`, mV.
    pub(crate) fn v(&self, i: usize) -> f64 {
        self.s.v[i]
    }

    /// Give neuron `i` parameters and `V_m − E_L` that the caller has validated (its own
    /// `SetStatus`).
    pub(crate) fn assign(&mut self, i: usize, p: Params, v: f64) {
        self.sets.assign(i, p);
        self.s.v[i] = v;
    }
}

impl NeuronChunk for IafPscExpChunk {
    fn len(&self) -> usize {
        self.s.n
    }

    fn seed_streams(&mut self, seed: u64, first_id: u32) {
        self.streams.seed(self.s.n, seed, first_id);
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.sets.prepare(grid);
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "iaf_psc_exp: update before prepare"
        );
        // One deterministic parameter set: its constants are loop invariants (the vectorised
        // fast path).
        if let Some((_, &d)) = self.sets.uniform() {
            if d.delta < DELTA_DETERMINISTIC_BELOW {
                self.s
                    .step_all(input, emitted, |_| d, |_, v, d| v >= d.theta);
                return;
            }
        }
        let (table, index) = (self.sets.derived_table(), self.sets.index());
        let streams = &mut self.streams;
        self.s.step_all(
            input,
            emitted,
            |i| table[index[i] as usize],
            |i, v, d| threshold_crossed(streams, i, v, d),
        );
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        match index {
            0 => self.s.v[neuron] + self.sets.params(neuron).m.e_l,
            1 => self.s.i_syn_ex[neuron],
            2 => self.s.i_syn_in[neuron],
            _ => panic!("{MODEL_NAME} has no recordable {index}"),
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let p = self.sets.params(neuron);
        let mut out = Dict::new();
        p.get(&mut out);
        put_floats(&mut out, &[("V_m", self.s.v[neuron] + p.m.e_l)]);
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        iaf_membrane::set_status(&mut self.sets, neuron, &mut self.s.v[neuron], dict)
    }
}
