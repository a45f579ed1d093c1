//! What NEST's generalized integrate-and-fire models `gif_psc_exp` and `gif_cond_exp` share
//! (Mensi et al. 2012, Pozzorini et al. 2015): parameters, the spike-triggered current (stc)
//! and the moving threshold (sfa) as sums of exponentials, the escape noise, refractoriness,
//! `GetStatus`/`SetStatus`, and one chunk for both. Each model contributes its synapses
//! ([`GifSynapses`]): how the membrane and the synaptic state advance over a step.
//!
//! # One step `k → k+1` (NEST's `update`)
//!
//! 1. `I_stc ← Σ_j stc_j`, then `stc_j ← stc_j·e^{−h/τ_stc,j}`; `E_sfa ← V_T_star + Σ_j sfa_j`,
//!    then `sfa_j ← sfa_j·e^{−h/τ_sfa,j}` (the values before the decay act in this step).
//! 2. The model's synapses and membrane advance ([`GifSynapses::advance`]), the membrane held
//!    while refractory.
//! 3. Not refractory: the firing intensity `λ = λ_0·exp((V − E_sfa)/Delta_V)`; if `λ > 0`, one
//!    uniform `U` is drawn and the neuron fires if `U < −expm1(−λ·h)` (NEST's own `expm1`).
//!    A spike adds `q_stc_j` to `stc_j`, `q_sfa_j` to `sfa_j`, and starts `⌈t_ref/h⌉`
//!    refractory steps; `V` is not reset at once. Refractory: count down and set `V ← V_reset`.
//! 4. The current input of the next step is latched.
//!
//! Draws come from the neuron's own stream (`streams.rs`). `λ_0 = 0` never draws (the
//! deterministic traces are NEST's to the bit); a tiny `Delta_V` makes `exp` overflow to `∞`
//! above `E_sfa` and underflow to `0` below, so that the neuron fires exactly when `V > E_sfa`
//! (as in NEST, whatever the draws).

use crate::iaf_propagator::expm1;
use crate::param_sets::ParamSets;
use crate::receptor_zero;
use crate::rkf45::{self, OdeSystem, WorkBuf};
use crate::streams::NeuronStreams;
use crate::voltages::{float_list, put_floats, read_scalars};
use spindle_core::error::Rejection;
use spindle_core::model::{
    Emitted, InputChannel, Instability, NeuronChunk, NeuronModel, Recordable,
};
use spindle_core::params::{ParamError, Params as Dict, Value};
use spindle_core::time::{Step, TimeGrid};
use std::fmt::Debug;
use std::marker::PhantomData;

/// A `gif` model's `KEYS`: the common parameters, then the model's own keys and `V_m`.
macro_rules! gif_keys {
    ($($own:literal),* $(,)?) => {
        &[
            "I_e", "E_L", "g_L", "C_m", "V_reset", "Delta_V", "V_T_star", "lambda_0", "t_ref",
            "tau_sfa", "q_sfa", "tau_stc", "q_stc", $($own,)* "V_m"
        ]
    };
}
pub(crate) use gif_keys;

/// The parameters every `gif` model has.
#[derive(Clone, Debug, PartialEq)]
pub struct GifParams {
    /// `g_L`, nS.
    pub g_l: f64,
    /// `E_L`, mV.
    pub e_l: f64,
    /// `V_reset`, mV.
    pub v_reset: f64,
    /// `Delta_V`, mV.
    pub delta_v: f64,
    /// `V_T_star`, mV.
    pub v_t_star: f64,
    /// `lambda_0` in 1/ms, as NEST stores it (the dictionary's 1/s divided by 1000).
    pub lambda_0: f64,
    /// `t_ref`, ms.
    pub t_ref: f64,
    /// `C_m`, pF.
    pub c_m: f64,
    /// `tau_stc` (ms) and `q_stc` (nA): the spike-triggered current's kernels.
    pub tau_stc: Vec<f64>,
    pub q_stc: Vec<f64>,
    /// `tau_sfa` (ms) and `q_sfa` (mV): the moving threshold's kernels.
    pub tau_sfa: Vec<f64>,
    pub q_sfa: Vec<f64>,
    /// `I_e`, pA.
    pub i_e: f64,
}

impl Default for GifParams {
    /// NEST's defaults.
    fn default() -> GifParams {
        GifParams {
            g_l: 4.0,
            e_l: -70.0,
            v_reset: -55.0,
            delta_v: 0.5,
            v_t_star: -35.0,
            lambda_0: 0.001,
            t_ref: 4.0,
            c_m: 80.0,
            tau_stc: Vec::new(),
            q_stc: Vec::new(),
            tau_sfa: Vec::new(),
            q_sfa: Vec::new(),
            i_e: 0.0,
        }
    }
}

fn bad(message: &str) -> ParamError {
    ParamError::rule(message)
}

impl GifParams {
    /// The scalar keys NEST's `Parameters_::set` reads before the synapses' keys.
    fn read_scalars(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        read_scalars(
            dict,
            &mut [
                ("I_e", &mut self.i_e),
                ("E_L", &mut self.e_l),
                ("g_L", &mut self.g_l),
                ("C_m", &mut self.c_m),
                ("V_reset", &mut self.v_reset),
                ("Delta_V", &mut self.delta_v),
                ("V_T_star", &mut self.v_t_star),
            ],
        )?;
        if let Some(v) = dict.f64("lambda_0")? {
            self.lambda_0 = v / 1000.0;
        }
        read_scalars(dict, &mut [("t_ref", &mut self.t_ref)])
    }

    /// The kernel lists, read after the synapses' keys.
    fn read_kernels(&mut self, dict: &mut Dict) -> Result<(), ParamError> {
        for (key, slot) in [
            ("tau_sfa", &mut self.tau_sfa),
            ("q_sfa", &mut self.q_sfa),
            ("tau_stc", &mut self.tau_stc),
            ("q_stc", &mut self.q_stc),
        ] {
            if let Some(v) = dict.f64_list(key)? {
                *slot = v;
            }
        }
        Ok(())
    }

    /// NEST's checks, in NEST's order and with its messages.
    fn check(&self) -> Result<(), ParamError> {
        for (what, tau, q, tau_v, q_v) in [
            ("sfa", "tau_sfa", "q_sfa", &self.tau_sfa, &self.q_sfa),
            ("stc", "tau_stc", "q_stc", &self.tau_stc, &self.q_stc),
        ] {
            if tau_v.len() != q_v.len() {
                return Err(bad(&format!(
                    "'tau_{what}' and 'q_{what}' need to have the same dimensions.\nSize of \
                     tau_{what}: {}\nSize of q_{what}: {}",
                    tau_v.len(),
                    q_v.len()
                ))
                .with(tau, float_list(tau_v))
                .with(q, float_list(q_v)));
            }
        }
        let scalar = |ok: bool, message: &str, key: &str, v: f64| {
            if ok {
                Ok(())
            } else {
                Err(bad(message).with(key, Value::Float(v)))
            }
        };
        scalar(
            self.g_l > 0.0,
            "Membrane conductance must be strictly positive.",
            "g_L",
            self.g_l,
        )?;
        scalar(
            self.delta_v > 0.0,
            "Delta_V must be strictly positive.",
            "Delta_V",
            self.delta_v,
        )?;
        scalar(
            self.c_m > 0.0,
            "Capacitance must be strictly positive.",
            "C_m",
            self.c_m,
        )?;
        scalar(
            self.t_ref >= 0.0,
            "Refractory time must not be negative.",
            "t_ref",
            self.t_ref,
        )?;
        scalar(
            self.lambda_0 >= 0.0,
            "lambda_0 must not be negative.",
            "lambda_0",
            self.lambda_0 * 1000.0,
        )?;
        for (key, taus) in [("tau_sfa", &self.tau_sfa), ("tau_stc", &self.tau_stc)] {
            if taus.iter().any(|&t| t <= 0.0) {
                return Err(bad("All time constants must be strictly positive.")
                    .with(key, float_list(taus)));
            }
        }
        Ok(())
    }

    /// NEST's `Parameters_::get` (lambda_0 back in 1/s).
    fn put(&self, out: &mut Dict) {
        put_floats(
            out,
            &[
                ("I_e", self.i_e),
                ("E_L", self.e_l),
                ("g_L", self.g_l),
                ("C_m", self.c_m),
                ("V_reset", self.v_reset),
                ("Delta_V", self.delta_v),
                ("V_T_star", self.v_t_star),
                ("lambda_0", self.lambda_0 * 1000.0),
                ("t_ref", self.t_ref),
            ],
        );
        for (key, v) in [
            ("tau_sfa", &self.tau_sfa),
            ("q_sfa", &self.q_sfa),
            ("tau_stc", &self.tau_stc),
            ("q_stc", &self.q_stc),
        ] {
            out.insert(key, float_list(v));
        }
    }
}

/// The synapses and membrane of one `gif` model. A neuron's state is `y = [V_m, s_1 … s_k]`,
/// the `s` being its synaptic currents or conductances, one per spike input channel
/// (`k = n_syn`); the current input is channel `k`.
pub trait GifSynapses: Clone + Copy + Debug + Default + PartialEq + Send + Sync + 'static {
    /// NEST's model name.
    const NAME: &'static str;

    /// The synapses' own parameters.
    type Syn: Clone + Debug + Default + PartialEq + Send + Sync;
    /// Constants of a run.
    type Derived: Clone + Debug + Default + Send + Sync;

    /// Read the synapses' keys (NEST reads them between `t_ref` and the kernel lists).
    /// `ports` is the number of synaptic state variables an existing neuron must keep
    /// (`None` at creation).
    fn read(syn: &mut Self::Syn, dict: &mut Dict, ports: Option<usize>) -> Result<(), ParamError>;
    /// NEST's checks of the synapses' keys that come after the common ones.
    fn check(syn: &Self::Syn) -> Result<(), ParamError>;
    fn put(syn: &Self::Syn, out: &mut Dict);
    fn derive(p: &GifParams, syn: &Self::Syn, grid: &TimeGrid) -> Self::Derived;

    /// The number `k` of synaptic state variables and spike input channels.
    fn n_syn(syn: &Self::Syn) -> usize;
    /// Where a spike on `receptor` with `weight` goes.
    fn spike_input(syn: &Self::Syn, receptor: i64, weight: f64) -> Result<InputChannel, Rejection>;
    /// The receptor port of current input (channel `k`).
    fn current_port(_syn: &Self::Syn, receptor: i64) -> Result<(), Rejection> {
        receptor_zero(receptor, Self::NAME, 0, 0.0).map(|_| ())
    }
    /// Recordables of the synaptic state, `s_1 …` in order (none by default).
    fn syn_recordables(_syn: &Self::Syn) -> Vec<Recordable> {
        Vec::new()
    }
    /// NEST's `State_::get` and `State_::set` of the synaptic state (none by default).
    fn put_state(_s: &[f64], _out: &mut Dict) {}
    fn read_state(_dict: &mut Dict, _s: &mut [f64]) -> Result<(), ParamError> {
        Ok(())
    }

    /// Advance `y` over one step (see [`StepInput`]); `h_est` is an integrator's step
    /// estimate, `work` its scratch. Returns `false` if the integration diverged.
    fn advance(
        p: &GifParams,
        syn: &Self::Syn,
        d: &Self::Derived,
        y: &mut [f64],
        h_est: &mut f64,
        work: &mut WorkBuf,
        input: &StepInput<'_>,
    ) -> bool;
}

/// What one step of the synapses and membrane takes besides the state: the spikes `w` (per
/// channel) that arrive at its end, the spike-triggered current `stc` and the current input
/// `i_stim` of the step, and whether the neuron is refractory (its membrane held).
#[derive(Clone, Copy, Debug)]
pub struct StepInput<'a> {
    pub w: &'a [f64],
    pub stc: f64,
    pub i_stim: f64,
    pub refractory: bool,
}

/// All parameters of a `gif` model.
#[derive(Clone, Debug, PartialEq)]
pub struct Params<S: GifSynapses> {
    pub gif: GifParams,
    pub syn: S::Syn,
}

impl<S: GifSynapses> Default for Params<S> {
    fn default() -> Self {
        Params {
            gif: GifParams::default(),
            syn: S::Syn::default(),
        }
    }
}

impl<S: GifSynapses> Params<S> {
    /// NEST's `Parameters_::set` on top of these parameters. On error `self` may be
    /// half-updated: work on a copy.
    /// `ports`: see [`GifSynapses::read`].
    pub fn set(&mut self, dict: &mut Dict, ports: Option<usize>) -> Result<(), ParamError> {
        self.gif.read_scalars(dict)?;
        S::read(&mut self.syn, dict, ports)?;
        self.gif.read_kernels(dict)?;
        self.gif.check()?;
        S::check(&self.syn)
    }

    fn put(&self, out: &mut Dict) {
        self.gif.put(out);
        S::put(&self.syn, out);
    }
}

/// Constants of a run (NEST's `pre_run_hook`).
#[derive(Clone, Debug)]
pub struct Derived<S: GifSynapses> {
    /// `e^{−h/τ_sfa,j}`, `e^{−h/τ_stc,j}`.
    p_sfa: Vec<f64>,
    p_stc: Vec<f64>,
    refractory_counts: i64,
    h: f64,
    syn: S::Derived,
}

impl<S: GifSynapses> Default for Derived<S> {
    fn default() -> Self {
        Derived {
            p_sfa: Vec::new(),
            p_stc: Vec::new(),
            refractory_counts: 0,
            h: 0.0,
            syn: S::Derived::default(),
        }
    }
}

fn derive<S: GifSynapses>(p: &Params<S>, grid: &TimeGrid) -> Derived<S> {
    let h = grid.h();
    Derived {
        p_sfa: p.gif.tau_sfa.iter().map(|t| (-h / t).exp()).collect(),
        p_stc: p.gif.tau_stc.iter().map(|t| (-h / t).exp()).collect(),
        refractory_counts: grid.ms_to_steps_up(p.gif.t_ref),
        h,
        syn: S::derive(&p.gif, &p.syn, grid),
    }
}

/// A population of one `gif` model: parameters and the initial `y`.
#[derive(Clone, Debug, PartialEq)]
pub struct Gif<S: GifSynapses> {
    pub params: Params<S>,
    pub initial: Vec<f64>,
}

impl<S: GifSynapses> Gif<S> {
    /// NEST's defaults (`V_m = −70` mV, whatever `E_L` is given; synapses at 0), then
    /// `Parameters_::set` and `State_::set`. Unknown keys are left in `dict`.
    pub fn from_params(dict: &mut Dict) -> Result<Self, ParamError> {
        let mut params = Params::<S>::default();
        params.set(dict, None)?;
        let mut initial = vec![0.0; 1 + S::n_syn(&params.syn)];
        initial[0] = -70.0;
        read_state::<S>(dict, &mut initial)?;
        Ok(Gif { params, initial })
    }

    /// The chunk of `n` neurons.
    pub fn chunk(&self, n: usize) -> GifChunk<S> {
        let width = self.initial.len();
        GifChunk {
            sets: ParamSets::new(&self.params, n, derive::<S>),
            n,
            width,
            y: self.initial.repeat(n),
            i_stim: vec![0.0; n],
            refractory_steps: vec![0; n],
            stc: vec![0.0; n],
            sfa: vec![0.0; n],
            stc_elems: vec![Vec::new(); n],
            sfa_elems: vec![Vec::new(); n],
            integration_step: vec![0.0; n],
            buffers_initialised: false,
            streams: NeuronStreams::new(n),
            work: WorkBuf::new(width),
            w: vec![0.0; width - 1],
            instability: None,
            _kind: PhantomData,
        }
    }
}

/// NEST's `State_::set`: `V_m`, and the synaptic state where the model takes it.
fn read_state<S: GifSynapses>(dict: &mut Dict, y: &mut [f64]) -> Result<(), ParamError> {
    let (v, s) = y.split_first_mut().expect("V_m");
    read_scalars(dict, &mut [("V_m", v)])?;
    S::read_state(dict, s)
}

/// The state of `n` neurons of one `gif` model.
pub struct GifChunk<S: GifSynapses> {
    sets: ParamSets<Params<S>, Derived<S>>,
    n: usize,
    /// `1 + k`: the length of a neuron's `y`.
    width: usize,
    /// `[V_m, s_1 … s_k]` per neuron, neuron-major.
    y: Vec<f64>,
    /// Current input of the coming step.
    i_stim: Vec<f64>,
    refractory_steps: Vec<i64>,
    /// `I_stc` and `E_sfa` of the last step.
    stc: Vec<f64>,
    sfa: Vec<f64>,
    /// The kernels' state, per neuron (their numbers are the neuron's parameters').
    stc_elems: Vec<Vec<f64>>,
    sfa_elems: Vec<Vec<f64>>,
    /// An integrator's running step estimate (NEST's `IntegrationStep_`).
    integration_step: Vec<f64>,
    /// NEST's `init_buffers_` runs once per node lifetime, at the first run.
    buffers_initialised: bool,
    streams: NeuronStreams,
    /// The integrator's scratch, and one neuron's spike input per channel.
    work: WorkBuf,
    w: Vec<f64>,
    instability: Option<Instability>,
    _kind: PhantomData<S>,
}

impl<S: GifSynapses> NeuronChunk for GifChunk<S> {
    fn len(&self) -> usize {
        self.n
    }

    fn seed_streams(&mut self, seed: u64, first_id: u32) {
        self.streams.seed(self.n, seed, first_id);
    }

    fn prepare(&mut self, grid: &TimeGrid) {
        self.sets.prepare(grid);
        if !self.buffers_initialised {
            self.integration_step.fill(grid.h());
            self.i_stim.fill(0.0);
            self.buffers_initialised = true;
        }
        // NEST's pre_run_hook resizes the kernels' state to the parameters (new ones start at
        // 0, dropped ones are forgotten).
        for i in 0..self.n {
            let p = &self.sets.params(i).gif;
            self.stc_elems[i].resize(p.tau_stc.len(), 0.0);
            self.sfa_elems[i].resize(p.tau_sfa.len(), 0.0);
        }
    }

    fn update(&mut self, _step: Step, input: &[f64], emitted: &mut Emitted) {
        assert!(
            self.sets.is_prepared(),
            "{}: update before prepare",
            S::NAME
        );
        let (n, width) = (self.n, self.width);
        let current = &input[(width - 1) * n..][..n];
        for i in 0..n {
            let p = self.sets.params(i);
            let d = self.sets.derived(i);
            // 1. The kernels: their sums act in this step, then they decay.
            let mut stc = 0.0;
            for (e, &f) in self.stc_elems[i].iter_mut().zip(&d.p_stc) {
                stc += *e;
                *e *= f;
            }
            let mut sfa = p.gif.v_t_star;
            for (e, &f) in self.sfa_elems[i].iter_mut().zip(&d.p_sfa) {
                sfa += *e;
                *e *= f;
            }
            self.stc[i] = stc;
            self.sfa[i] = sfa;
            // 2. Synapses and membrane.
            let r = self.refractory_steps[i];
            for (c, w) in self.w.iter_mut().enumerate() {
                *w = input[c * n + i];
            }
            let y = &mut self.y[i * width..][..width];
            let step = StepInput {
                w: &self.w,
                stc,
                i_stim: self.i_stim[i],
                refractory: r > 0,
            };
            let h_est = &mut self.integration_step[i];
            if !S::advance(&p.gif, &p.syn, &d.syn, y, h_est, &mut self.work, &step) {
                if self.instability.is_none() {
                    let names: Vec<&'static str> = std::iter::once("V_m")
                        .chain((1..width).map(|_| "g"))
                        .collect();
                    let mut bad = crate::rkf45::diverged(y, &names);
                    bad.neuron = i;
                    self.instability = Some(bad);
                }
                continue;
            }
            // 3. Escape noise, or the refractory period.
            if r == 0 {
                let lambda = p.gif.lambda_0 * ((y[0] - sfa) / p.gif.delta_v).exp();
                if lambda > 0.0 && self.streams.uniform(i) < -expm1(-lambda * d.h) {
                    for (e, q) in self.stc_elems[i].iter_mut().zip(&p.gif.q_stc) {
                        *e += q;
                    }
                    for (e, q) in self.sfa_elems[i].iter_mut().zip(&p.gif.q_sfa) {
                        *e += q;
                    }
                    self.refractory_steps[i] = d.refractory_counts;
                    emitted.push((i as u32, 1));
                }
            } else {
                self.refractory_steps[i] = r - 1;
                y[0] = p.gif.v_reset;
            }
            // 4. The current input of the next step.
            self.i_stim[i] = current[i];
        }
    }

    fn take_instability(&mut self) -> Option<Instability> {
        self.instability.take()
    }

    fn recordable(&self, index: usize, neuron: usize) -> f64 {
        match index {
            0 => self.sfa[neuron],
            1 => self.stc[neuron],
            _ => self.y[neuron * self.width + index - 2],
        }
    }

    fn get_status(&self, neuron: usize) -> Dict {
        let mut out = Dict::new();
        self.sets.params(neuron).put(&mut out);
        let y = &self.y[neuron * self.width..][..self.width];
        put_floats(
            &mut out,
            &[
                ("V_m", y[0]),
                ("E_sfa", self.sfa[neuron]),
                ("I_stc", self.stc[neuron]),
            ],
        );
        S::put_state(&y[1..], &mut out);
        out
    }

    fn set_status(&mut self, neuron: usize, dict: &mut Dict) -> Result<(), ParamError> {
        let mut p = self.sets.params(neuron).clone();
        p.set(dict, Some(self.width - 1))?;
        let mut y = self.y[neuron * self.width..][..self.width].to_vec();
        read_state::<S>(dict, &mut y)?;
        self.sets.assign(neuron, p);
        self.y[neuron * self.width..][..self.width].copy_from_slice(&y);
        Ok(())
    }
}

impl<S: GifSynapses> NeuronModel for Gif<S> {
    fn model_name(&self) -> &str {
        S::NAME
    }

    fn n_channels(&self) -> usize {
        self.initial.len()
    }

    fn spike_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        S::spike_input(&self.params.syn, receptor, weight)
    }

    fn current_input(&self, receptor: i64, weight: f64) -> Result<InputChannel, Rejection> {
        S::current_port(&self.params.syn, receptor)?;
        Ok(InputChannel {
            channel: (self.initial.len() - 1) as u16,
            weight,
        })
    }

    fn recordables(&self) -> Vec<Recordable> {
        let mut out = vec![
            Recordable::new("E_sfa", "mV"),
            Recordable::new("I_stc", "pA"),
            Recordable::new("V_m", "mV"),
        ];
        out.extend(S::syn_recordables(&self.params.syn));
        out
    }

    fn instantiate(&self, n: usize) -> Box<dyn NeuronChunk> {
        Box::new(self.chunk(n))
    }
}

/// The two-channel synapses of `gif_psc_exp` and `gif_cond_exp`: receptor 0, spikes of weight
/// `w ≥ 0` into channel 0, the others into channel 1 (as `|w|` where `abs` is set).
pub(crate) fn ex_in_spike_input(
    model: &str,
    receptor: i64,
    weight: f64,
    abs: bool,
) -> Result<InputChannel, Rejection> {
    if weight >= 0.0 {
        receptor_zero(receptor, model, 0, weight)
    } else {
        receptor_zero(receptor, model, 1, if abs { -weight } else { weight })
    }
}

/// The inhibitory and excitatory synapses' check of `gif_psc_exp` and `gif_cond_exp`.
pub(crate) fn check_ex_in_taus(tau_syn_ex: f64, tau_syn_in: f64) -> Result<(), ParamError> {
    if tau_syn_ex <= 0.0 || tau_syn_in <= 0.0 {
        return Err(
            ParamError::rule("Synapse time constants must be strictly positive.")
                .with("tau_syn_ex", Value::Float(tau_syn_ex))
                .with("tau_syn_in", Value::Float(tau_syn_in)),
        );
    }
    Ok(())
}

/// The exact leak propagators of the current-based models (NEST's `pre_run_hook`), `τ_m =
/// C_m/g_L`: `P33 = e^{−h/τ_m}`, `P30 = −(1/C_m)·expm1(−h/τ_m)·τ_m`, `P31 = −expm1(−h/τ_m)`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Leak {
    p30: f64,
    p31: f64,
    p33: f64,
}

impl Leak {
    pub fn new(p: &GifParams, h: f64) -> Leak {
        let tau_m = p.c_m / p.g_l;
        Leak {
            p33: (-h / tau_m).exp(),
            p30: -1.0 / p.c_m * expm1(-h / tau_m) * tau_m,
            p31: -expm1(-h / tau_m),
        }
    }

    /// `P30·(I_stim + I_e − I_stc) + P33·V + P31·E_L`, to which the models add their synaptic
    /// terms (in NEST's order).
    #[inline]
    pub fn membrane(&self, p: &GifParams, v: f64, i_stim: f64, stc: f64) -> f64 {
        self.p30 * (i_stim + p.i_e - stc) + self.p33 * v + self.p31 * p.e_l
    }
}

/// The conductance-based models' step: integrate `sys` over `h` (NEST's `while t < h:
/// gsl_odeiv_evolve_apply` with absolute tolerance `tol`), then add the step's spikes to the
/// conductances `y[1..]`. `false` if the integration diverged.
pub(crate) fn integrate_conductances<Sys: OdeSystem>(
    sys: &Sys,
    tol: f64,
    h: f64,
    h_est: &mut f64,
    y: &mut [f64],
    work: &mut WorkBuf,
    input: &StepInput<'_>,
) -> bool {
    if !rkf45::integrate(sys, tol, h, h_est, y, &mut work.work()) {
        return false;
    }
    for (g, w) in y[1..].iter_mut().zip(input.w) {
        *g += w;
    }
    true
}
