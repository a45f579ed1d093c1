//! `stdp_dopamine_synapse` — dopamine-modulated STDP (Izhikevich 2007; Potjans et al. 2010):
//! pre/post pairings change an eligibility trace `c`, and the weight follows `c` times the
//! dopamine trace `n` above its baseline `b`. The dopamine spikes come from the model's
//! `volume_transmitter` (a node, see `spindle_core::volume`), whose history the synapse reads
//! at every presynaptic spike and at every delivery interval (the trigger phase).
//!
//! Between events `c` decays with `τ_c` and `n` with `τ_n`, and the weight moves as
//!
//! ```text
//! dw/dt = c · (n − b),   clipped to [Wmin, Wmax] at every step of the piecewise solution
//! w ← w − c₀ · (n₀/τ_s · expm1(τ_s · Δ) − b · τ_c · expm1(Δ/τ_c)),   τ_s = (τ_c + τ_n)/(τ_c·τ_n)
//! ```
//!
//! over each interval `Δ = t_a − t_b ≤ 0` between dopamine spikes (`n ← n·e^{Δ/τ_n} + m/τ_n`
//! at a dopamine spike of multiplicity `m`); a postsynaptic spike `t_post` (seen at
//! `t_post + d`) adds `A₊ · K⁺ e^{(t_last − t_post − d)/τ₊}` to `c`, a presynaptic spike at `t`
//! subtracts `A₋ · K⁻(t − d)` from `c` and delivers the new weight, and
//! `K⁺ ← K⁺ e^{(t_last − t)/τ₊} + 1`. NEST's `send`, `trigger_update_weight`,
//! `process_dopa_spikes_` and `update_weight_`, operation for operation.
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `volume_transmitter` | — | node | the transmitter of the dopamine spikes (common) |
//! | `A_plus` | 1.0 | | amplitude of facilitation of `c` (common) |
//! | `A_minus` | 1.5 | | amplitude of depression of `c` (common) |
//! | `tau_plus` | 20.0 | ms | time constant of K⁺ (common) |
//! | `tau_c` | 1000.0 | ms | time constant of the eligibility trace (common) |
//! | `tau_n` | 200.0 | ms | time constant of the dopamine trace (common) |
//! | `b` | 0.0 | | dopamine baseline (common) |
//! | `Wmin` | 0.0 | pA or nS | smallest weight (common) |
//! | `Wmax` | 200.0 | pA or nS | largest weight (common) |
//! | `c` | 0.0 | | eligibility trace (state) |
//! | `n` | 0.0 | | dopamine trace (state) |
//! | `Kplus` | 0.0 | | presynaptic trace (state, ≥ 0) |
//!
//! The common keys are set with `SetDefaults`/`CopyModel` only. NEST refuses `c` and `n` in a
//! `syn_spec` when it runs on several threads; spindle's results do not depend on the thread
//! count, so it takes them as a one-thread NEST does.
//!
//! NEST: `models/stdp_dopamine_synapse.h`, `.cpp` (3.10). References: Izhikevich EM (2007)
//! Cereb Cortex 17:2443–2452; Potjans W, Morrison A, Diesmann M (2010) Front Comput Neurosci
//! 4:141.

use crate::registered::CatalogModel;
use spindle_core::archive::{Archive, STDP_EPS};
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::synapse::{put_f64, update_f64, PlasticModel, SynapseState};
use spindle_core::volume::DopaSpike;
use spindle_core::NodeId;

/// NEST's `STDPDopaCommonProperties` (the single entry of the store's parameter table).
#[derive(Clone, Debug, PartialEq)]
pub struct DopaParams {
    pub volume_transmitter: Option<NodeId>,
    pub a_plus: f64,
    pub a_minus: f64,
    pub tau_plus: f64,
    pub tau_c: f64,
    pub tau_n: f64,
    pub b: f64,
    pub w_min: f64,
    pub w_max: f64,
}

impl Default for DopaParams {
    fn default() -> DopaParams {
        DopaParams {
            volume_transmitter: None,
            a_plus: 1.0,
            a_minus: 1.5,
            tau_plus: 20.0,
            tau_c: 1000.0,
            tau_n: 200.0,
            b: 0.0,
            w_min: 0.0,
            w_max: 200.0,
        }
    }
}

/// The per-synapse state besides the weight and `t_lastspike`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DopaState {
    pub kplus: f64,
    /// Eligibility trace.
    pub c: f64,
    /// Dopamine trace.
    pub n: f64,
    /// The entry of the transmitter's history the synapse has processed up to.
    pub dopa_idx: u32,
    /// The time (ms) up to which `c`, `n` and the weight are computed.
    pub t_last_update: f64,
}

/// `stdp_dopamine_synapse`.
#[derive(Debug, Default)]
pub struct StdpDopamineSynapse;

/// The dopamine history of a synapse: NEST always holds at least the pseudo spike at the
/// last trigger (or at 0); a model without a transmitter is refused when connecting.
const NO_HISTORY: &[DopaSpike] = &[DopaSpike {
    t: 0.0,
    multiplicity: 0.0,
}];

impl DopaParams {
    /// NEST's `update_weight_`.
    #[inline]
    fn update_weight(&self, w: &mut f64, c0: f64, n0: f64, minus_dt: f64) {
        let taus = (self.tau_c + self.tau_n) / (self.tau_c * self.tau_n);
        *w -= c0
            * (n0 / taus * (taus * minus_dt).exp_m1()
                - self.b * self.tau_c * (minus_dt / self.tau_c).exp_m1());
        if *w < self.w_min {
            *w = self.w_min;
        }
        if *w > self.w_max {
            *w = self.w_max;
        }
    }

    /// NEST's `update_dopamine_`.
    #[inline]
    fn update_dopamine(&self, s: &mut DopaState, dopa: &[DopaSpike]) {
        let i = s.dopa_idx as usize;
        let minus_dt = dopa[i].t - dopa[i + 1].t;
        s.dopa_idx += 1;
        s.n = s.n * (minus_dt / self.tau_n).exp() + dopa[i + 1].multiplicity / self.tau_n;
    }

    /// NEST's `process_dopa_spikes_`: advance the weight, `n` and `c` from `t0` to `t1` (ms)
    /// through the dopamine spikes in between.
    fn process_dopa_spikes(
        &self,
        w: &mut f64,
        s: &mut DopaState,
        dopa: &[DopaSpike],
        t0: f64,
        t1: f64,
    ) {
        let next_within = |s: &DopaState| {
            let i = s.dopa_idx as usize;
            dopa.len() > i + 1 && t1 - dopa[i + 1].t > -STDP_EPS
        };
        if next_within(s) {
            let i = s.dopa_idx as usize;
            // The dopamine trace at t0.
            let n0 = s.n * ((dopa[i].t - t0) / self.tau_n).exp();
            self.update_weight(w, s.c, n0, t0 - dopa[i + 1].t);
            self.update_dopamine(s, dopa);
            while next_within(s) {
                let i = s.dopa_idx as usize;
                // The eligibility at the dopamine spike.
                let cd = s.c * ((t0 - dopa[i].t) / self.tau_c).exp();
                self.update_weight(w, cd, s.n, dopa[i].t - dopa[i + 1].t);
                self.update_dopamine(s, dopa);
            }
            let i = s.dopa_idx as usize;
            let cd = s.c * ((t0 - dopa[i].t) / self.tau_c).exp();
            self.update_weight(w, cd, s.n, dopa[i].t - t1);
        } else {
            let i = s.dopa_idx as usize;
            let n0 = s.n * ((dopa[i].t - t0) / self.tau_n).exp();
            self.update_weight(w, s.c, n0, t0 - t1);
        }
        s.c *= ((t0 - t1) / self.tau_c).exp();
    }

    /// The postsynaptic spikes in `(t_last_update − d, t_end − d]`, each with the dopamine
    /// dynamics up to it and its facilitation of `c` (`strict`: only spikes more than
    /// `stdp_eps` before `t_end`, as NEST's `send` has it), then the dynamics up to `t_end`.
    fn pairings(
        &self,
        syn: &mut SynapseState<'_, DopaState>,
        post: &mut Archive,
        dopa: &[DopaSpike],
        t_end: f64,
        delay: f64,
        strict: bool,
    ) {
        let s = &mut *syn.state;
        let t_last_update = s.t_last_update;
        let mut t0 = t_last_update;
        for e in post.history(t_last_update - delay, t_end - delay) {
            self.process_dopa_spikes(syn.weight, s, dopa, t0, e.t + delay);
            t0 = e.t + delay;
            let minus_dt = t_last_update - t0;
            if !strict || t_end - e.t > STDP_EPS {
                s.c += self.a_plus * (s.kplus * (minus_dt / self.tau_plus).exp());
            }
        }
        self.process_dopa_spikes(syn.weight, s, dopa, t0, t_end);
    }
}

/// The transmitter's history, or NEST's initial one.
fn history(dopa: &[DopaSpike]) -> &[DopaSpike] {
    if dopa.is_empty() {
        NO_HISTORY
    } else {
        dopa
    }
}

impl PlasticModel for StdpDopamineSynapse {
    type Params = DopaParams;
    type State = DopaState;

    fn reads_history(&self) -> bool {
        true
    }

    #[inline]
    fn volume_transmitter(&self, p: &DopaParams) -> Option<Option<NodeId>> {
        Some(p.volume_transmitter)
    }

    fn send(
        &self,
        p: &DopaParams,
        syn: SynapseState<'_, DopaState>,
        t_spike: f64,
        delay: f64,
        post: &mut Archive,
    ) -> f64 {
        self.send_modulated(p, syn, t_spike, delay, post, &[])
    }

    fn send_modulated(
        &self,
        p: &DopaParams,
        mut syn: SynapseState<'_, DopaState>,
        t_spike: f64,
        delay: f64,
        post: &mut Archive,
        dopa: &[DopaSpike],
    ) -> f64 {
        let dopa = history(dopa);
        p.pairings(&mut syn, post, dopa, t_spike, delay, true);
        let s = &mut *syn.state;
        s.c -= p.a_minus * post.k_value(t_spike - delay);
        let weight = *syn.weight;
        s.kplus = s.kplus * ((s.t_last_update - t_spike) / p.tau_plus).exp() + 1.0;
        s.t_last_update = t_spike;
        *syn.t_last = t_spike;
        weight
    }

    fn trigger(
        &self,
        p: &DopaParams,
        mut syn: SynapseState<'_, DopaState>,
        t_trig: f64,
        delay: f64,
        post: &mut Archive,
        dopa: &[DopaSpike],
    ) {
        let dopa = history(dopa);
        p.pairings(&mut syn, post, dopa, t_trig, delay, false);
        let s = &mut *syn.state;
        s.n *= ((dopa[s.dopa_idx as usize].t - t_trig) / p.tau_n).exp();
        s.kplus *= ((s.t_last_update - t_trig) / p.tau_plus).exp();
        s.t_last_update = t_trig;
        s.dopa_idx = 0;
    }

    fn get_status(&self, _: &DopaParams, s: &DopaState, d: &mut Params) {
        put_f64(d, &[("Kplus", s.kplus), ("c", s.c), ("n", s.n)]);
    }

    /// NEST's `set_status`: `c`, `n`, `Kplus` (which must not be negative); the weight is not
    /// checked against `Wmin`/`Wmax`.
    fn set_status(
        &self,
        _: &mut DopaParams,
        state: &mut DopaState,
        _weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        let mut s = *state;
        update_f64(d, "c", &mut s.c)?;
        update_f64(d, "n", &mut s.n)?;
        update_f64(d, "Kplus", &mut s.kplus)?;
        if s.kplus < 0.0 {
            return Err(ParamError::rule("Kplus must be non-negative.").with("Kplus", s.kplus));
        }
        *state = s;
        Ok(())
    }
}

/// The common keys with their NEST names, besides `volume_transmitter`.
fn common_values(p: &DopaParams) -> [(&'static str, f64); 8] {
    [
        ("A_plus", p.a_plus),
        ("A_minus", p.a_minus),
        ("tau_plus", p.tau_plus),
        ("tau_c", p.tau_c),
        ("tau_n", p.tau_n),
        ("b", p.b),
        ("Wmin", p.w_min),
        ("Wmax", p.w_max),
    ]
}

/// The node a `volume_transmitter` value names: an id, or a list of one (PyNEST's
/// `NodeCollection`); an empty list names none. NEST's `BadProperty` for a list of several.
/// That the node is a `volume_transmitter` is checked where nodes are known.
fn volume_transmitter_id(v: &Value) -> Result<Option<NodeId>, ParamError> {
    match v {
        Value::Int(id) if *id > 0 && *id <= i64::from(u32::MAX) => Ok(Some(NodeId(*id as u32))),
        Value::List(l) if l.is_empty() => Ok(None),
        Value::List(l) if l.len() == 1 => volume_transmitter_id(&l[0]),
        Value::List(_) => Err(ParamError::rule(
            "Property volume_transmitter must be a single element NodeCollection",
        )
        .with("volume_transmitter", v.to_string())),
        _ => Err(ParamError::Rule {
            kind: "TypeMismatch",
            message: "Expected datatype: volume_transmitter must be a NodeCollection of one volume_transmitter.".into(),
            given: vec![("volume_transmitter".into(), v.to_string())],
            valid: None,
        }),
    }
}

impl CatalogModel for StdpDopamineSynapse {
    const NAME: &'static str = "stdp_dopamine_synapse";
    const KEYS: &'static [&'static str] = &["c", "n", "Kplus"];
    const COMMON_KEYS: &'static [&'static str] = &[
        "volume_transmitter",
        "A_plus",
        "A_minus",
        "tau_plus",
        "tau_c",
        "tau_n",
        "b",
        "Wmin",
        "Wmax",
    ];

    fn defaults(d: &mut Params) {
        put_f64(d, &common_values(&DopaParams::default()));
        d.insert("volume_transmitter", Value::List(Vec::new()));
        put_f64(d, &[("Kplus", 0.0), ("c", 0.0), ("n", 0.0)]);
    }

    /// The common properties as NEST's `STDPDopaCommonProperties::set_status` reads them (no
    /// range checks) and the initial state.
    fn read(d: &mut Params) -> Result<(DopaParams, DopaState), ParamError> {
        let mut p = DopaParams::default();
        if let Some(v) = d.take("volume_transmitter") {
            p.volume_transmitter = volume_transmitter_id(&v)?;
        }
        update_f64(d, "A_plus", &mut p.a_plus)?;
        update_f64(d, "A_minus", &mut p.a_minus)?;
        update_f64(d, "tau_plus", &mut p.tau_plus)?;
        update_f64(d, "tau_c", &mut p.tau_c)?;
        update_f64(d, "tau_n", &mut p.tau_n)?;
        update_f64(d, "b", &mut p.b)?;
        update_f64(d, "Wmin", &mut p.w_min)?;
        update_f64(d, "Wmax", &mut p.w_max)?;
        let mut s = DopaState::default();
        update_f64(d, "Kplus", &mut s.kplus)?;
        update_f64(d, "c", &mut s.c)?;
        update_f64(d, "n", &mut s.n)?;
        Ok((p, s))
    }
}
