//! `iaf_tum_2000`: `iaf_psc_exp` with Tsodyks–Uziel–Markram short-term plasticity computed in
//! the *sending* neuron, NEST 3.10's model of that name, reproduced bit for bit for its
//! deterministic threshold.
//!
//! # Model
//!
//! The membrane and the synaptic currents are `iaf_psc_exp`'s (`iaf_psc_exp.rs`: exact
//! propagators, the same step, the same deterministic or stochastic threshold). Besides, each
//! neuron carries the state of its outgoing synapses, the fractions `x` (recovered), `y`
//! (active), `z = 1 − x − y` (inactive) and the utilisation `u`, which between two of its
//! spikes evolve as
//!
//! ```text
//! dx/dt = z/τ_rec      dy/dt = −y/τ_psc      dz/dt = y/τ_psc − z/τ_rec      du/dt = −u/τ_fac
//! ```
//!
//! and are propagated exactly at each spike, from the previous spike (the first from t = 0),
//! in NEST's order: `u ← u·e^{−Δ/τ_fac}` (0 for `τ_fac = 0`), `x ← x + P_xy·y − P_zz·z`,
//! `y ← y·e^{−Δ/τ_psc}` with `P_zz = expm1(−Δ/τ_rec)` and
//! `P_xy = (P_zz·τ_rec − (P_yy − 1)·τ_psc)/(τ_psc − τ_rec)`; then `u ← u + U(1 − u)` and the
//! released fraction `Δy = u·x` moves from `x` to `y`. The spike carries `Δy` in NEST's offset
//! field (`NeuronChunk::spike_offset`), and a target `iaf_tum_2000` multiplies the weight of a
//! spike on receptor 1 by it: `w·Δy` is the current jump. On receptor 0 the weight is taken
//! as it is; a spike of any other sender carries offset 0 and adds nothing on receptor 1.
//! Since NEST records `stamp − offset` for an off-grid sender, a spike recorder lists this
//! model's spikes at `t − Δy` (NEST's issue #2912); their steps are the membrane's.
//!
//! Receptor 1's spikes have input channels of their own (4 and 5, excitatory and inhibitory),
//! added to receptor 0's at the update: a step that receives on both receptors sums them in
//! another order than NEST's single buffer (a difference in the last bit), any other is
//! bit-identical.
//!
//! # Parameters
//!
//! `iaf_psc_exp`'s (`E_L` −70 mV, `C_m` 250 pF, `tau_m` 10 ms, `t_ref` 2 ms, `V_th` −55 mV,
//! `V_reset` −70 mV, `tau_syn_ex` 2 ms, `tau_syn_in` 2 ms, `I_e` 0 pA, `rho` 0.01 1/s, `delta`
//! 0 mV) and:
//!
//! | name | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `U` | 0.5 | 1 | increment of `u` at each spike, in [0, 1] |
//! | `tau_fac` | 1000 | ms | facilitation time constant (≥ 0; 0: none) |
//! | `tau_psc` | 2 | ms | decay time of the active fraction `y` |
//! | `tau_rec` | 400 | ms | recovery time constant |
//!
//! State: `V_m` (mV, default −70), `x`, `y` (default 0, `x + y ≤ 1`), `u` (default 0, in
//! [0, 1]).
//!
//! Receptors: spikes on 0 and 1 (an `iaf_tum_2000` sender must use 1: `IllegalConnection`);
//! currents on 0 and 1 (as `iaf_psc_exp`). Recordables: `V_m`, `I_syn_ex`, `I_syn_in`.
//!
//! # References
//!
//! * Tsodyks M, Uziel A, Markram H (2000). Synchrony generation in recurrent networks with
//!   frequency-dependent synapses. Journal of Neuroscience 20:RC50.
//! * NEST 3.10, `models/iaf_tum_2000.{h,cpp}`.

use crate::iaf_membrane::{require, RelativeVoltageParams};
use crate::iaf_psc_exp::{self, IafPscExpChunk, I0, I1, SYN_EX, SYN_IN};
use crate::param_sets::ParamSets;
use crate::unknown_receptor;
use crate::voltages::{put_floats, read_relative, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{Emitted, InputChannel, NeuronChunk, NeuronModel, Recordable};
use spindle_core::params::{ParamError, Params as Dict};
use spindle_core::time::{Step, TimeGrid};
use spindle_synapses::tsodyks_synapse::{TsodyksParams, TsodyksState};

/// NEST's model name.
pub const MODEL_NAME: &str = "iaf_tum_2000";

/// Every key [`IafTum2000::from_params`] reads.
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
    "tau_fac",
    "tau_psc",
    "tau_rec",
    "U",
    "V_m",
    "x",
    "y",
    "u",
];

/// Spikes on receptor 1, scaled by the sender's offset: excitatory and inhibitory.
const STP_EX: u16 = 4;
const STP_IN: u16 = 5;
const N_CHANNELS: usize = 6;

/// User parameters: `iaf_psc_exp`'s and the short-term plasticity's (`tsodyks_synapse`'s,
/// with this model's defaults).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub membrane: iaf_psc_exp::Params,
    /// `U`, `tau_psc`, `tau_rec`, `tau_fac`.
    pub stp: TsodyksParams,
}

impl Default for Params {
    /// NEST's defaults.
    fn default() -> Params {
        Params {
            membrane: iaf_psc_exp::Params::default(),
            stp: TsodyksParams {
                u_increment: 0.5,
                tau_psc: 2.0,
                tau_rec: 400.0,
                tau_fac: 1000.0,
            },
        }
    }
}

impl RelativeVoltageParams for Params {
    /// NEST's `Parameters_::set`, its rules and messages in its order.
    fn set(&mut self, dict: &mut Dict) -> Result<f64, ParamError> {
        let mp = &mut self.membrane;
        let delta_e_l = mp.m.read(
            dict,
            &mut [],
            &mut [
                ("tau_syn_ex", &mut mp.tau_syn_ex),
                ("tau_syn_in", &mut mp.tau_syn_in),
            ],
            "t_ref",
        )?;
        let stp = &mut self.stp;
        read_scalars(
            dict,
            &mut [
                ("tau_fac", &mut stp.tau_fac),
                ("tau_psc", &mut stp.tau_psc),
                ("tau_rec", &mut stp.tau_rec),
                ("U", &mut stp.u_increment),
            ],
        )?;
        let m = &mp.m;
        m.require_reset_below_threshold()?;
        require(
            m.c_m > 0.0,
            "Capacitance must be strictly positive.",
            &[("C_m", m.c_m)],
        )?;
        require(
            m.tau_m > 0.0
                && mp.tau_syn_ex > 0.0
                && mp.tau_syn_in > 0.0
                && stp.tau_psc > 0.0
                && stp.tau_rec > 0.0,
            "Membrane and synapse time constants must be strictly positive.",
            &[
                ("tau_m", m.tau_m),
                ("tau_syn_ex", mp.tau_syn_ex),
                ("tau_syn_in", mp.tau_syn_in),
                ("tau_psc", stp.tau_psc),
                ("tau_rec", stp.tau_rec),
            ],
        )?;
        require(
            stp.tau_fac >= 0.0,
            "'tau_fac' must be >= 0.",
            &[("tau_fac", stp.tau_fac)],
        )?;
        require(
            m.t_ref >= 0.0,
            "Refractory time must not be negative.",
            &[("t_ref", m.t_ref)],
        )?;
        require(
            (0.0..=1.0).contains(&stp.u_increment),
            "'U' must be in [0,1].",
            &[("U", stp.u_increment)],
        )?;
        iaf_psc_exp::read_threshold_noise(dict, &mut mp.rho, &mut mp.delta)?;
        Ok(delta_e_l)
    }

    fn e_l(&self) -> f64 {
        self.membrane.m.e_l
    }
}

/// NEST's `State_::set` for `x`, `y`, `u`: `x + y ≤ 1`, `u` in [0, 1].
fn set_stp(s: &mut TsodyksState, dict: &mut Dict) -> Result<(), ParamError> {
    let (mut x, mut y) = (s.x, s.y);
    read_scalars(dict, &mut [("x", &mut x), ("y", &mut y)])?;
    require(x + y <= 1.0, "x + y must be <= 1.0.", &[("x", x), ("y", y)])?;
    let mut u = s.u;
    read_scalars(dict, &mut [("u", &mut u)])?;
    require(
        (0.0..=1.0).contains(&u),
        "'u' must be in [0,1].",
        &[("u", u)],
    )?;
    *s = TsodyksState { x, y, u };
    Ok(())
}

/// This model's initial synaptic state: all zero (`tsodyks_synapse` starts with `x = 1`).
const STP_ZERO: TsodyksState = TsodyksState {
    x: 0.0,
    y: 0.0,
    u: 0.0,
};

/// An `iaf_tum_2000` population: validated parameters and the initial state.
#[derive(Clone, Debug, PartialEq)]
pub struct IafTum2000 {
    pub params: Params,
    /// Initial `V_m − E_L`, mV.
    pub initial_v: f64,
    pub initial_stp: TsodyksState,
}

impl Default for IafTum2000 {
    fn default() -> IafTum2000 {
        IafTum2000 {
            params: Params::default(),
            initial_v: 0.0,
            initial_stp: STP_ZERO,
        }
    }
}

impl IafTum2000 {
    /// NEST's defaults, then [`Params::set`] and the state (NEST's `State_::set`): the path
    /// `SetStatus` takes too. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<IafTum2000, ParamError> {
        let mut params = Params::default();
        let delta_e_l = params.set(dict)?;
        let mut initial_stp = STP_ZERO;
        set_stp(&mut initial_stp, dict)?;
        let mut initial_v = 0.0;
        read_relative(dict, "V_m", &mut initial_v, params.e_l(), delta_e_l)?;
        Ok(IafTum2000 {
            params,
            initial_v,
            initial_stp,
        })
    }
}

impl NeuronModel for IafTum2000 {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn n_channels(&self) -> usize {
        N_CHANNELS
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        let excitatory = weight > 0.0;
        let channel = match (receptor, excitatory) {
            (0, true) => SYN_EX,
            (0, false) => SYN_IN,
            (1, true) => STP_EX,
            (1, false) => STP_IN,
            _ => return Err(unknown_receptor(receptor, MODEL_NAME)),
        };
        Ok(InputChannel { channel, weight })
    }

    fn scales_by_offset(&self, channel: u16) -> bool {
        channel == STP_EX || channel == STP_IN
    }

    /// NEST's `handles_test_event`: an `iaf_tum_2000` sender must use receptor 1.
    fn check_source(&self, source_model: &str, receptor: i64) -> Result<(), Rejection> {
        if source_model == MODEL_NAME && receptor == 0 {
            return Err(Rejection::new(
                "IllegalConnection",
                "iaf_tum_2000 neurons must be connected via receptor_type 1.",
            ));
        }
        Ok(())
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        iaf_psc_exp::current_input(MODEL_NAME, receptor, weight)
    }

    fn recordables(&self) -> Vec<Recordable> {
        iaf_psc_exp::recordables()
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(IafTum2000Chunk::new(self, n))
    }
}

/// The state of `n` `iaf_tum_2000` neurons: the `iaf_psc_exp` membrane and, per neuron, the
/// short-term plasticity of its outgoing synapses.
pub struct IafTum2000Chunk {
    membrane: IafPscExpChunk,
    /// Each neuron's full parameters (the membrane keeps its own part).
    sets: ParamSets<Params, ()>,
    stp: Vec<TsodyksState>,
    /// NEST's `ArchivingNode` last spike time, ms (−1 before the first spike).
    t_last: Vec<f64>,
    /// The offset of each neuron's last spike (`u·x` released then).
    offset: Vec<f64>,
    /// The membrane's four input channels: receptor 1's spikes added to receptor 0's.
    input: Vec<f64>,
    grid: Option<TimeGrid>,
}

impl IafTum2000Chunk {
    pub fn new(m: &IafTum2000, n: usize) -> IafTum2000Chunk {
        IafTum2000Chunk {
            membrane: IafPscExpChunk::new(&m.params.membrane, m.initial_v, n),
            sets: ParamSets::new(&m.params, n, |_, _| ()),
            stp: vec![m.initial_stp; n],
            t_last: vec![-1.0; n],
            offset: vec![0.0; n],
            input: vec![0.0; 4 * n],
            grid: None,
        }
    }
}

impl NeuronChunk for IafTum2000Chunk {
    fn len(&self) -> usize {
        self.stp.len()
    }

    fn seed_streams(&mut self, seed: u64, first_id: u32) {
        self.membrane.seed_streams(seed, first_id);
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.membrane.prepare(grid);
        self.sets.prepare(grid);
        self.grid = Some(*grid);
    }

    fn update(&mut self, step: Step, input: &[f64], emitted: &mut Emitted) {
        let grid = self.grid.expect("iaf_tum_2000: update before prepare");
        let n = self.len();
        let channel = |c: u16| &input[usize::from(c) * n..][..n];
        for (c, stp) in [
            (SYN_EX, Some(STP_EX)),
            (SYN_IN, Some(STP_IN)),
            (I0, None),
            (I1, None),
        ] {
            let out = &mut self.input[usize::from(c) * n..][..n];
            out.copy_from_slice(channel(c));
            if let Some(s) = stp {
                for (o, &w) in out.iter_mut().zip(channel(s)) {
                    *o += w;
                }
            }
        }
        let first = emitted.len();
        self.membrane.update(step, &self.input, emitted);
        let t_spike = grid.step_to_ms(step + 1);
        for &(i, _) in &emitted[first..] {
            let i = i as usize;
            // NEST starts the first interval at 0 (its last spike time is −1 before).
            let t_last = self.t_last[i].max(0.0);
            self.t_last[i] = t_spike;
            self.offset[i] = self.stp[i].release(&self.sets.params(i).stp, t_spike - t_last);
        }
    }

    fn spike_offset(&self, neuron: usize) -> f64 {
        self.offset[neuron]
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        self.membrane.recordable(index, neuron)
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let p = self.sets.params(neuron);
        let mut out = self.membrane.get_status(neuron);
        let s = &self.stp[neuron];
        put_floats(
            &mut out,
            &[
                ("tau_fac", p.stp.tau_fac),
                ("tau_psc", p.stp.tau_psc),
                ("tau_rec", p.stp.tau_rec),
                ("U", p.stp.u_increment),
                ("x", s.x),
                ("y", s.y),
                ("u", s.u),
            ],
        );
        out
    }

    /// NEST's `SetStatus`: parameters, then `x`, `y`, `u` and `V_m`; nothing changes if
    /// anything is refused.
    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        let delta_e_l = p.set(dict)?;
        let mut stp = self.stp[neuron];
        set_stp(&mut stp, dict)?;
        let mut v = self.membrane.v(neuron);
        read_relative(dict, "V_m", &mut v, p.e_l(), delta_e_l)?;
        self.membrane.assign(neuron, p.membrane.clone(), v);
        self.sets.assign(neuron, p);
        self.stp[neuron] = stp;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spindle_core::params::Value;

    #[test]
    fn defaults_are_nests() {
        let m = IafTum2000::from_params(&mut Dict::new()).unwrap();
        let s = m.instantiate(1).get_status(0);
        for (k, v) in [
            ("U", 0.5),
            ("tau_fac", 1000.0),
            ("tau_psc", 2.0),
            ("tau_rec", 400.0),
            ("x", 0.0),
            ("y", 0.0),
            ("u", 0.0),
            ("V_m", -70.0),
            ("V_th", -55.0),
        ] {
            assert_eq!(s.get(k), Some(&Value::Float(v)), "{k}");
        }
    }

    #[test]
    fn the_first_spike_releases_u_times_x_of_a_full_pool() {
        // With x = 1 and u = 0, the first spike sets u = U and releases U·x = U.
        let p = Params::default();
        let mut s = TsodyksState {
            x: 1.0,
            y: 0.0,
            u: 0.0,
        };
        assert_eq!(s.release(&p.stp, 13.9), 0.5);
        assert_eq!((s.x, s.y, s.u), (0.5, 0.5, 0.5));
    }
}
