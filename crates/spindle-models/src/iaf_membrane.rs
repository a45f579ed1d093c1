//! The leaky membrane that NEST's current-based integrate-and-fire models share
//! (`iaf_psc_alpha`, `iaf_psc_exp`, `iaf_psc_delta`, `iaf_psc_exp_htum`, the
//! `iaf_psc_*_multisynapse` models): its parameters, how NEST reads and writes them, and the
//! path from a status dictionary to a neuron's parameters and `V_m`.
//!
//! Each model keeps a [`Membrane`] in its parameters and adds its own (synaptic time
//! constants, `V_min`, …). NEST words the same rule differently from model to model
//! ("Capacitance must be > 0." in one, "… strictly positive." in another) and checks in a
//! different order, so the validation stays in each model's `Parameters_::set`, written as one
//! [`require`] per rule with that model's message.

use crate::param_sets::ParamSets;
use crate::voltages::{put_floats, read_e_l, read_relative, read_scalars};
use spindle_core::params::{ParamError, Params as Dict, Value};

/// `E_L`, `C_m`, `tau_m`, `t_ref`, `V_th`, `V_reset`, `I_e`; voltages relative to `E_L`, as
/// NEST stores them, so that every rounding is NEST's.
#[derive(Clone, Debug, PartialEq)]
pub struct Membrane {
    /// `E_L`, mV.
    pub e_l: f64,
    /// `C_m`, pF.
    pub c_m: f64,
    /// `tau_m`, ms.
    pub tau_m: f64,
    /// `t_ref` (`t_ref_abs` in `iaf_psc_exp_htum`), ms.
    pub t_ref: f64,
    /// `V_th − E_L` (NEST's `Theta_`), mV.
    pub theta: f64,
    /// `V_reset − E_L`, mV.
    pub v_reset: f64,
    /// `I_e`, pA.
    pub i_e: f64,
}

impl Default for Membrane {
    /// NEST's defaults for all of these models, computed as NEST's constructors compute them.
    fn default() -> Membrane {
        let e_l = -70.0;
        Membrane {
            e_l,
            c_m: 250.0,
            tau_m: 10.0,
            t_ref: 2.0,
            theta: -55.0 - e_l,
            v_reset: -70.0 - e_l,
            i_e: 0.0,
        }
    }
}

impl Membrane {
    /// The reading half of NEST's `Parameters_::set`: `E_L`; `V_reset`, `V_th` and the model's
    /// further E_L-relative voltages `relative` (e.g. `V_min`); `I_e`, `C_m`, `tau_m`, the
    /// model's further numbers `scalars`; `t_ref` under the key `t_ref_key`. Keys absent from
    /// `dict` keep their value (voltages their absolute value). Returns `ΔE_L` for the state.
    pub fn read(
        &mut self,
        dict: &mut Dict,
        relative: &mut [(&str, &mut f64)],
        scalars: &mut [(&str, &mut f64)],
        t_ref_key: &str,
    ) -> Result<f64, ParamError> {
        let delta_e_l = read_e_l(dict, &mut self.e_l)?;
        read_relative(dict, "V_reset", &mut self.v_reset, self.e_l, delta_e_l)?;
        read_relative(dict, "V_th", &mut self.theta, self.e_l, delta_e_l)?;
        for (key, slot) in relative.iter_mut() {
            read_relative(dict, key, slot, self.e_l, delta_e_l)?;
        }
        read_scalars(
            dict,
            &mut [
                ("I_e", &mut self.i_e),
                ("C_m", &mut self.c_m),
                ("tau_m", &mut self.tau_m),
            ],
        )?;
        read_scalars(dict, scalars)?;
        read_scalars(dict, &mut [(t_ref_key, &mut self.t_ref)])?;
        Ok(delta_e_l)
    }

    /// NEST's `Parameters_::get` for the membrane: absolute voltages.
    pub fn put(&self, out: &mut Dict, t_ref_key: &str) {
        put_floats(
            out,
            &[
                ("E_L", self.e_l),
                ("I_e", self.i_e),
                ("V_th", self.theta + self.e_l),
                ("V_reset", self.v_reset + self.e_l),
                ("C_m", self.c_m),
                ("tau_m", self.tau_m),
                (t_ref_key, self.t_ref),
            ],
        );
    }

    /// NEST's rule, worded alike in every one of these models: `V_reset < V_th`.
    pub fn require_reset_below_threshold(&self) -> Result<(), ParamError> {
        require(
            self.v_reset < self.theta,
            "Reset potential must be smaller than threshold.",
            &[
                ("V_reset", self.v_reset + self.e_l),
                ("V_th", self.theta + self.e_l),
            ],
        )
    }
}

/// One rule of a NEST `Parameters_::set`: `BadProperty` with NEST's `message` and the values
/// of the `keys` involved unless `holds`.
pub fn require(holds: bool, message: &str, keys: &[(&str, f64)]) -> Result<(), ParamError> {
    if holds {
        return Ok(());
    }
    Err(keys.iter().fold(ParamError::rule(message), |e, &(k, v)| {
        e.with(k, Value::Float(v))
    }))
}

/// The parameters of a model whose state voltage `V_m` is stored relative to `E_L`.
pub trait RelativeVoltageParams: Clone + Default + PartialEq + std::fmt::Debug {
    /// NEST's `Parameters_::set` on top of these parameters; returns `ΔE_L`. On error `self` may
    /// be half-updated: callers work on a copy.
    fn set(&mut self, dict: &mut Dict) -> Result<f64, ParamError>;

    /// `E_L`, mV.
    fn e_l(&self) -> f64;
}

/// NEST's defaults, then the parameters in `dict` and the state's `V_m` (NEST's `State_::set`):
/// the parameters and the initial `V_m − E_L`. Unknown keys are left in `dict`.
pub fn from_dict<P: RelativeVoltageParams>(dict: &mut Dict) -> Result<(P, f64), ParamError> {
    let mut params = P::default();
    let delta_e_l = params.set(dict)?;
    let mut v = 0.0;
    read_relative(dict, "V_m", &mut v, params.e_l(), delta_e_l)?;
    Ok((params, v))
}

/// NEST's `SetStatus` of neuron `i`: the parameters on a copy, then `V_m` (`v`, relative to
/// `E_L`, moving with `E_L` unless given); nothing changes if anything is refused.
pub fn set_status<P: RelativeVoltageParams, D: Default>(
    sets: &mut ParamSets<P, D>,
    i: usize,
    v: &mut f64,
    dict: &mut Dict,
) -> Result<(), ParamError> {
    let mut p = sets.params(i).clone();
    let delta_e_l = p.set(dict)?;
    let mut new_v = *v;
    read_relative(dict, "V_m", &mut new_v, p.e_l(), delta_e_l)?;
    sets.assign(i, p);
    *v = new_v;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn require_names_the_values_it_refuses() {
        let err = require(false, "Capacitance must be > 0.", &[("C_m", -1.0)]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("Capacitance must be > 0."), "{text}");
        assert!(text.contains("C_m"), "{text}");
        assert!(require(true, "never shown", &[]).is_ok());
    }

    #[test]
    fn reading_moves_absent_voltages_with_e_l() {
        let mut m = Membrane::default();
        let mut d = Dict::new();
        d.insert("E_L", Value::Float(-60.0));
        d.insert("t_ref_abs", Value::Float(3.0));
        let delta = m.read(&mut d, &mut [], &mut [], "t_ref_abs").unwrap();
        assert_eq!(delta, 10.0);
        assert_eq!((m.theta + m.e_l, m.v_reset + m.e_l), (-55.0, -70.0));
        assert_eq!(m.t_ref, 3.0);
    }
}
