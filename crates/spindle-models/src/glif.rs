//! What NEST's two GLIF models, [`crate::glif_cond`] and [`crate::glif_psc`], have in common:
//! the membrane, threshold and after-spike-current parameters with their validation rules and
//! messages, the settable initial state, the constants of the threshold and after-spike-current
//! mechanisms, and the part of a step that follows the membrane update (threshold components,
//! after-spike currents, spike test, reset, refractory hold). Spec §2.3, §2.5, §2.7, §3.
//!
//! The two models differ only in their synapses (conductances integrated with RKF45 vs. exact
//! alpha currents), in when the membrane sees the after-spike currents, in the name of the
//! membrane conductance key (`g_m` vs. `g`) and in the order in which NEST checks the rules;
//! each model module composes the pieces here in its NEST order.

use crate::voltages::{float_list as list, put_floats, read_e_l, read_relative, read_scalars};
use spindle_core::params::{self, ParamError, Params as Dict, Value};
use spindle_core::time::TimeGrid;

/// NEST's `numerics::e`.
pub(crate) const E: f64 = std::f64::consts::E;

/// The state part of NEST's `get` shared by both models: `V_m` (absolute) and `ASCurrents`
/// (without after-spike currents, zeros as many as `asc_init`, which is what NEST shows for a
/// neuron whose currents never ran).
pub(crate) fn put_state(out: &mut Dict, p: &GlifParams, s: &InitialState) {
    out.insert("V_m", Value::Float(s.u + p.e_l));
    let asc = if p.after_spike_currents {
        s.asc.clone()
    } else {
        vec![0.0; p.asc_init.len()]
    };
    out.insert("ASCurrents", list(&asc));
}

/// The parameters both GLIF models share (all but the synaptic ports). Voltages are stored
/// relative to `E_L`, as NEST stores them, so that the arithmetic (and hence every rounding) is
/// NEST's.
#[derive(Clone, Debug, PartialEq)]
pub struct GlifParams {
    /// `C_m`, pF.
    pub c_m: f64,
    /// Membrane conductance (NEST's `G_`; key `g_m` in `glif_cond`, `g` in `glif_psc`), nS.
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
    /// R: `spike_dependent_threshold`.
    pub spike_dependent_threshold: bool,
    /// ASC: `after_spike_currents`.
    pub after_spike_currents: bool,
    /// A: `adapting_threshold`.
    pub adapting_threshold: bool,
}

impl Default for GlifParams {
    /// NEST's defaults (GLIF1), identical for both models, computed as NEST's constructors do.
    fn default() -> GlifParams {
        let e_l = -78.85;
        GlifParams {
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
            spike_dependent_threshold: false,
            after_spike_currents: false,
            adapting_threshold: false,
        }
    }
}

/// The initial state of every neuron of a GLIF population.
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

impl Default for InitialState {
    fn default() -> InitialState {
        InitialState {
            u: 0.0,
            asc: Vec::new(),
            threshold_spike: 0.0,
            threshold_voltage: 0.0,
        }
    }
}

fn bad(message: &str) -> ParamError {
    ParamError::rule(message)
}

impl GlifParams {
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

    /// Read the shared keys present in `dict` on top of these parameters, in NEST's order, with
    /// the membrane conductance under `g_key`. Returns `ΔE_L` (for the state). Unchecked: the
    /// model runs the `check_*` rules in its own order.
    pub(crate) fn set(&mut self, dict: &mut Dict, g_key: &str) -> Result<f64, ParamError> {
        let p = self;
        // Changing E_L keeps the absolute values of V_reset, V_th (and V_m) that are not given.
        let delta_e_l = read_e_l(dict, &mut p.e_l)?;
        read_relative(dict, "V_reset", &mut p.v_reset, p.e_l, delta_e_l)?;
        read_relative(dict, "V_th", &mut p.th_inf, p.e_l, delta_e_l)?;
        read_scalars(
            dict,
            &mut [
                (g_key, &mut p.g_m),
                ("C_m", &mut p.c_m),
                ("t_ref", &mut p.t_ref),
                ("th_spike_add", &mut p.th_spike_add),
                ("th_spike_decay", &mut p.th_spike_decay),
                ("voltage_reset_fraction", &mut p.voltage_reset_fraction),
                ("voltage_reset_add", &mut p.voltage_reset_add),
                ("th_voltage_index", &mut p.th_voltage_index),
                ("th_voltage_decay", &mut p.th_voltage_decay),
            ],
        )?;
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
        Ok(delta_e_l)
    }

    /// The shared part of NEST's `Parameters_::get` (absolute voltages), with the membrane
    /// conductance under `g_key`.
    pub(crate) fn get(&self, out: &mut Dict, g_key: &str) {
        put_floats(
            out,
            &[
                ("V_th", self.th_inf + self.e_l),
                (g_key, self.g_m),
                ("E_L", self.e_l),
                ("C_m", self.c_m),
                ("t_ref", self.t_ref),
                ("V_reset", self.v_reset + self.e_l),
                ("th_spike_add", self.th_spike_add),
                ("th_spike_decay", self.th_spike_decay),
                ("voltage_reset_fraction", self.voltage_reset_fraction),
                ("voltage_reset_add", self.voltage_reset_add),
                ("th_voltage_index", self.th_voltage_index),
                ("th_voltage_decay", self.th_voltage_decay),
            ],
        );
        out.insert("asc_init", list(&self.asc_init));
        out.insert("asc_decay", list(&self.asc_decay));
        out.insert("asc_amps", list(&self.asc_amps));
        out.insert("asc_r", list(&self.asc_r));
        out.insert(
            "spike_dependent_threshold",
            Value::Bool(self.spike_dependent_threshold),
        );
        out.insert(
            "after_spike_currents",
            Value::Bool(self.after_spike_currents),
        );
        out.insert("adapting_threshold", Value::Bool(self.adapting_threshold));
    }

    /// Only the five GLIF levels are valid flag combinations. `doc` is the word NEST's message
    /// uses: `glif_cond` says "documents", `glif_psc` "documentation".
    pub(crate) fn check_mechanisms(&self, doc: &str) -> Result<(), ParamError> {
        let (r, asc, a) = (
            self.spike_dependent_threshold,
            self.after_spike_currents,
            self.adapting_threshold,
        );
        if a && !(r && asc) {
            return Err(bad(&format!(
                "Incorrect model mechanism combination setting.See {doc} for setting of model \
                 mechanism parameters:spike_dependent_threshold, after_spike_currents, \
                 adapting_threshold."
            ))
            .with("spike_dependent_threshold", r)
            .with("after_spike_currents", asc)
            .with("adapting_threshold", a)
            .valid(
                "the five GLIF levels (spike_dependent_threshold, after_spike_currents, \
                 adapting_threshold) = lif (false, false, false), lif_r (true, false, false), \
                 lif_asc (false, true, false), lif_r_asc (true, true, false), lif_r_asc_a \
                 (true, true, true).",
            ));
        }
        Ok(())
    }

    /// The membrane rules, in NEST's order (the same in both models).
    pub(crate) fn check_membrane(&self, g_key: &str) -> Result<(), ParamError> {
        if self.v_reset >= self.th_inf {
            return Err(bad("Reset potential must be smaller than threshold.")
                .with("V_reset", Value::Float(self.v_reset + self.e_l))
                .with("V_th", Value::Float(self.th_inf + self.e_l)));
        }
        if self.c_m <= 0.0 {
            return Err(params::invalid(
                "C_m",
                self.c_m,
                "Capacitance must be strictly positive.",
            ));
        }
        if self.g_m <= 0.0 {
            return Err(params::invalid(
                g_key,
                self.g_m,
                "Membrane conductance must be strictly positive.",
            ));
        }
        if self.t_ref <= 0.0 {
            return Err(params::invalid(
                "t_ref",
                self.t_ref,
                "Refractory time constant must be strictly positive.",
            ));
        }
        Ok(())
    }

    /// The rules of the spike-dependent threshold (R), checked only if R is on.
    pub(crate) fn check_spike_threshold(&self) -> Result<(), ParamError> {
        if !self.spike_dependent_threshold {
            return Ok(());
        }
        if self.th_spike_decay <= 0.0 {
            return Err(params::invalid(
                "th_spike_decay",
                self.th_spike_decay,
                "Spike induced threshold time constant must be strictly positive.",
            ));
        }
        if !(0.0..=1.0).contains(&self.voltage_reset_fraction) {
            return Err(params::invalid(
                "voltage_reset_fraction",
                self.voltage_reset_fraction,
                "Voltage fraction coefficient following spike must be within [0.0, 1.0].",
            ));
        }
        Ok(())
    }

    /// The rules of the after-spike currents, checked only if ASC is on.
    pub(crate) fn check_after_spike_currents(&self) -> Result<(), ParamError> {
        if !self.after_spike_currents {
            return Ok(());
        }
        let n = self.asc_decay.len();
        if self.asc_init.len() != n || self.asc_amps.len() != n || self.asc_r.len() != n {
            return Err(bad(
                "All after spike current parameters (i.e., asc_init, k, asc_amps, r) \
                 must have the same size.",
            )
            .with("asc_init", list(&self.asc_init))
            .with("asc_decay", list(&self.asc_decay))
            .with("asc_amps", list(&self.asc_amps))
            .with("asc_r", list(&self.asc_r)));
        }
        for (&k, &rj) in self.asc_decay.iter().zip(&self.asc_r) {
            if k <= 0.0 {
                return Err(params::invalid(
                    "asc_decay",
                    list(&self.asc_decay),
                    "After-spike current time constant must be strictly positive.",
                ));
            }
            if !(0.0..=1.0).contains(&rj) {
                return Err(params::invalid(
                    "asc_r",
                    list(&self.asc_r),
                    "After spike current fraction following spike coefficients r must be \
                     within [0.0, 1.0].",
                ));
            }
        }
        Ok(())
    }

    /// The rule of the adapting (voltage-dependent) threshold, checked only if A is on.
    pub(crate) fn check_voltage_threshold(&self) -> Result<(), ParamError> {
        if self.adapting_threshold && self.th_voltage_decay <= 0.0 {
            return Err(params::invalid(
                "th_voltage_decay",
                self.th_voltage_decay,
                "Voltage-induced threshold time constant must be strictly positive.",
            ));
        }
        Ok(())
    }

    /// The initial state of a new neuron with these parameters: NEST's `State_::set` on the
    /// default state, except that after-spike currents not given in `dict` start at
    /// `asc_init` (spindle's documented departure). The models' `from_params` share it.
    pub(crate) fn new_state(
        &self,
        dict: &mut Dict,
        delta_e_l: f64,
    ) -> Result<InitialState, ParamError> {
        let asc_given = dict.contains("ASCurrents");
        let mut initial = InitialState::default();
        self.set_state(&mut initial, dict, delta_e_l)?;
        if self.after_spike_currents && !asc_given {
            initial.asc = self.asc_init.clone();
        }
        Ok(initial)
    }

    /// NEST's `State_::set` on top of the state `s` (of a neuron that now has these parameters):
    /// `V_m`, `ASCurrents`, `threshold_spike`, `threshold_voltage`, with its rules and messages.
    /// Where the number of active after-spike currents changes (`SetStatus` switches ASC on or
    /// changes the length of `asc_decay`) they start at 0 unless `ASCurrents` is given, as the
    /// currents of a NEST neuron that never ran them (a new neuron's start at `asc_init`
    /// instead, spindle's documented departure, applied by the models' `from_params`).
    pub(crate) fn set_state(
        &self,
        s: &mut InitialState,
        dict: &mut Dict,
        delta_e_l: f64,
    ) -> Result<(), ParamError> {
        let (r, asc, a) = (
            self.spike_dependent_threshold,
            self.after_spike_currents,
            self.adapting_threshold,
        );
        read_relative(dict, "V_m", &mut s.u, self.e_l, delta_e_l)?;
        if s.asc.len() != self.n_asc() {
            s.asc = vec![0.0; self.n_asc()];
        }
        if let Some(v) = dict.f64_list("ASCurrents")? {
            if !asc {
                return Err(bad(
                    "After spike currents are not supported or settable in the current model \
                     mechanisms.",
                )
                .with("ASCurrents", list(&v))
                .with("after_spike_currents", asc));
            }
            if v.len() != self.asc_decay.len() {
                return Err(bad(&format!(
                    "After spike current values must have have the same size ({}) of its \
                     parameters (i.e., asc_init, k, asc_amps, r).",
                    self.asc_decay.len()
                ))
                .with("ASCurrents", list(&v)));
            }
            s.asc = v;
        }
        if let Some(v) = dict.f64("threshold_spike")? {
            if !r {
                return Err(bad(
                    "Threshold spike component is not supported or settable in the current \
                     model mechanisms.",
                )
                .with("threshold_spike", Value::Float(v))
                .with("spike_dependent_threshold", r));
            }
            s.threshold_spike = v;
        }
        if let Some(v) = dict.f64("threshold_voltage")? {
            if !a {
                return Err(bad(
                    "Threshold voltage component is not supported or settable in the current \
                     model mechanisms.",
                )
                .with("threshold_voltage", Value::Float(v))
                .with("adapting_threshold", a));
            }
            s.threshold_voltage = v;
        }
        Ok(())
    }
}

/// The constants of the threshold and after-spike-current mechanisms, computed from the
/// parameters and the resolution before each run with NEST's exact expressions (spec §2.5).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GlifConstants {
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
}

impl GlifConstants {
    /// The threshold/ASC part of NEST's `pre_run_hook` (identical in both models).
    pub fn new(p: &GlifParams, grid: &TimeGrid) -> GlifConstants {
        let h = grid.h();
        let mut c = GlifConstants {
            refractory_counts: grid.ms_to_steps_up(p.t_ref),
            ..GlifConstants::default()
        };
        if p.spike_dependent_threshold {
            c.theta_spike_decay_rate = (-p.th_spike_decay * h).exp();
            c.theta_spike_refractory_decay_rate = (-p.th_spike_decay * p.t_ref).exp();
        }
        if p.after_spike_currents {
            for (&k, &r) in p.asc_decay.iter().zip(&p.asc_r) {
                let rate = (-k * h).exp();
                c.asc_decay_rates.push(rate);
                c.asc_stable_coeff.push(((1.0 / k) / h) * (1.0 - rate));
                c.asc_refractory_decay_rates.push(r * (-k * p.t_ref).exp());
            }
        }
        if p.adapting_threshold {
            c.potential_decay_rate = (-p.g_m * h / p.c_m).exp();
            c.theta_voltage_decay_rate_inverse = 1.0 / (p.th_voltage_decay * h).exp();
            c.phi = p.th_voltage_index / (p.th_voltage_decay - p.g_m / p.c_m);
            c.abpara_ratio_voltage = p.th_voltage_index / p.th_voltage_decay;
        }
        c
    }
}

/// The threshold and after-spike-current state of a chunk of GLIF neurons, structure-of-arrays,
/// and the steps of an update that act on it.
#[derive(Clone, Debug)]
pub(crate) struct Adaptation {
    /// Room for after-spike currents per neuron: the most any neuron has (neurons of one chunk
    /// may differ after `SetStatus`); neuron `i` uses the first `n_asc()` of its own.
    stride: usize,
    /// `Θ`, relative to E_L.
    pub threshold: Vec<f64>,
    /// `θs`.
    pub threshold_spike: Vec<f64>,
    /// `θv`.
    pub threshold_voltage: Vec<f64>,
    /// After-spike currents, `stride` per neuron.
    pub asc: Vec<f64>,
    /// `Σ`, the mean after-spike current of the last non-refractory step.
    pub asc_sum: Vec<f64>,
    pub refractory_steps: Vec<i64>,
}

impl Adaptation {
    pub fn new(p: &GlifParams, init: &InitialState, n: usize) -> Adaptation {
        assert_eq!(
            init.asc.len(),
            p.n_asc(),
            "initial ASCurrents of the wrong length"
        );
        Adaptation {
            stride: init.asc.len(),
            threshold: vec![init.threshold_spike + init.threshold_voltage + p.th_inf; n],
            threshold_spike: vec![init.threshold_spike; n],
            threshold_voltage: vec![init.threshold_voltage; n],
            asc: init.asc.repeat(n),
            asc_sum: vec![0.0; n],
            refractory_steps: vec![0; n],
        }
    }

    /// The after-spike currents of neuron `i` (which has parameters `p`).
    pub fn asc_currents(&self, i: usize, p: &GlifParams) -> &[f64] {
        &self.asc[i * self.stride..][..p.n_asc()]
    }

    /// The settable state of neuron `i` (with parameters `p`) and its relative `V_m`, `u`.
    pub fn state(&self, i: usize, p: &GlifParams, u: f64) -> InitialState {
        InitialState {
            u,
            asc: self.asc_currents(i, p).to_vec(),
            threshold_spike: self.threshold_spike[i],
            threshold_voltage: self.threshold_voltage[i],
        }
    }

    /// Write the settable state `s` of neuron `i` (now with parameters `p`), widening every
    /// neuron's room for after-spike currents if `s` needs more.
    pub fn set_state(&mut self, i: usize, p: &GlifParams, s: &InitialState) {
        let n = self.threshold.len();
        if s.asc.len() > self.stride {
            let wide = s.asc.len();
            let mut asc = vec![0.0; n * wide];
            for (k, old) in self.asc.chunks_exact(self.stride.max(1)).enumerate() {
                if self.stride > 0 {
                    asc[k * wide..][..self.stride].copy_from_slice(old);
                }
            }
            self.asc = asc;
            self.stride = wide;
        }
        self.asc[i * self.stride..][..s.asc.len()].copy_from_slice(&s.asc);
        self.threshold_spike[i] = s.threshold_spike;
        self.threshold_voltage[i] = s.threshold_voltage;
        self.threshold[i] = s.threshold_spike + s.threshold_voltage + p.th_inf;
    }

    /// Spec §2.7 2.1–2.2 for neuron `i` (not refractory): `θs` decays; `Σ` becomes the exact
    /// mean of the decaying ASCs over the step, from their start-of-step values, and the ASCs
    /// decay. Returns `Σ`.
    #[inline(always)]
    pub fn decay(&mut self, i: usize, p: &GlifParams, c: &GlifConstants) -> f64 {
        if p.spike_dependent_threshold {
            self.threshold_spike[i] *= c.theta_spike_decay_rate;
        }
        let mut asc_sum = 0.0;
        if p.after_spike_currents {
            let asc = &mut self.asc[i * self.stride..][..c.asc_decay_rates.len()];
            for (j, a) in asc.iter_mut().enumerate() {
                asc_sum += c.asc_stable_coeff[j] * *a;
                *a *= c.asc_decay_rates[j];
            }
        }
        self.asc_sum[i] = asc_sum;
        asc_sum
    }

    /// Spec §2.7 2.3–2.5 for neuron `i` (not refractory), after [`Adaptation::decay`] and the
    /// membrane update to `u`: the voltage threshold component follows the exact solution along
    /// the leak-only trajectory from `u_old` driven by `i_in + Σ`; `Θ = θs + θv + Θ∞`; if
    /// `u > Θ` (strict) the neuron spikes: refractory counter, ASC jumps, reset of `u` (to `U_r`,
    /// or `f_v·u_old + δV` with R, which also resets `θs`). Returns whether it spiked.
    #[inline(always)]
    pub fn threshold_and_spike(
        &mut self,
        i: usize,
        u: &mut f64,
        u_old: f64,
        i_in: f64,
        p: &GlifParams,
        c: &GlifConstants,
    ) -> bool {
        if p.adapting_threshold {
            let beta = (i_in + self.asc_sum[i]) / p.g_m;
            let tv = self.threshold_voltage[i];
            self.threshold_voltage[i] = c.phi * (u_old - beta) * c.potential_decay_rate
                + c.theta_voltage_decay_rate_inverse
                    * (tv - c.phi * (u_old - beta) - c.abpara_ratio_voltage * beta)
                + c.abpara_ratio_voltage * beta;
        }
        self.threshold[i] = self.threshold_spike[i] + self.threshold_voltage[i] + p.th_inf;
        let spiked = *u > self.threshold[i];
        if spiked {
            self.spike(i, u, u_old, p, c);
        }
        spiked
    }

    /// The spike of neuron `i`: refractoriness, ASC jumps (from the already decayed ASCs), reset.
    #[inline(always)]
    fn spike(&mut self, i: usize, u: &mut f64, u_old: f64, p: &GlifParams, c: &GlifConstants) {
        self.refractory_steps[i] = c.refractory_counts;
        if p.after_spike_currents {
            let asc = &mut self.asc[i * self.stride..][..c.asc_decay_rates.len()];
            for (j, a) in asc.iter_mut().enumerate() {
                *a = p.asc_amps[j] + *a * c.asc_refractory_decay_rates[j];
            }
        }
        if !p.spike_dependent_threshold {
            *u = p.v_reset;
        } else {
            *u = p.voltage_reset_fraction * u_old + p.voltage_reset_add;
            self.threshold_spike[i] =
                self.threshold_spike[i] * c.theta_spike_refractory_decay_rate + p.th_spike_add;
            self.threshold[i] = self.threshold_spike[i] + self.threshold_voltage[i] + p.th_inf;
        }
    }

    /// Spec §2.7 3 for neuron `i` (refractory): count down and recompute `Θ`; `θs`, `θv`, the
    /// ASCs and `Σ` stay frozen. The caller holds the membrane potential.
    #[inline(always)]
    pub fn hold(&mut self, i: usize, p: &GlifParams) {
        self.refractory_steps[i] -= 1;
        self.threshold[i] = self.threshold_spike[i] + self.threshold_voltage[i] + p.th_inf;
    }
}
