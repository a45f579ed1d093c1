//! Reading parameter dictionaries as NEST's `set` functions do, in particular voltages that a
//! model stores relative to its resting potential `E_L`, and writing status dictionaries as
//! NEST's `get` functions do (`def<double>`, `def<bool>`, `def<std::vector<double>>`).
//!
//! NEST's `iaf_psc_*` and GLIF models keep `V_m`, `V_reset`, `V_th` (and `V_min`) as offsets from
//! `E_L`. Their `Parameters_::set` first reads `E_L`; a voltage given in the same dictionary is
//! stored as `value − E_L`, one that is not given keeps its *absolute* value, i.e. its offset
//! moves by `−ΔE_L` (spec §2.3). These helpers reproduce that arithmetic exactly, so the stored
//! offsets are NEST's doubles.

use spindle_core::params::{ParamError, Params as Dict, Value};

/// Read `E_L` into `e_l`; returns `ΔE_L = E_L_new − E_L_old` (0 if absent).
pub(crate) fn read_e_l(dict: &mut Dict, e_l: &mut f64) -> Result<f64, ParamError> {
    let old = *e_l;
    if let Some(v) = dict.f64("E_L")? {
        *e_l = v;
    }
    Ok(*e_l - old)
}

/// Read the absolute voltage `key` into the E_L-relative `offset` (NEST's
/// `if (updateValue(d, key, x)) x -= E_L; else x -= delta_EL;`).
pub(crate) fn read_relative(
    dict: &mut Dict,
    key: &str,
    offset: &mut f64,
    e_l: f64,
    delta_e_l: f64,
) -> Result<(), ParamError> {
    match dict.f64(key)? {
        Some(v) => *offset = v - e_l,
        None => *offset -= delta_e_l,
    }
    Ok(())
}

/// Read every `(key, slot)` present in `dict`, leaving absent ones at their current value.
pub(crate) fn read_scalars(
    dict: &mut Dict,
    slots: &mut [(&str, &mut f64)],
) -> Result<(), ParamError> {
    for (key, slot) in slots.iter_mut() {
        if let Some(v) = dict.f64(key)? {
            **slot = v;
        }
    }
    Ok(())
}

/// Write the numbers `(key, value)` into a status dictionary.
pub(crate) fn put_floats(out: &mut Dict, entries: &[(&str, f64)]) {
    for &(key, v) in entries {
        out.insert(key, Value::Float(v));
    }
}

/// A list of numbers as a status value.
pub(crate) fn float_list(v: &[f64]) -> Value {
    Value::List(v.iter().map(|&x| Value::Float(x)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_voltages_keep_their_absolute_value_when_e_l_moves() {
        let mut d = Dict::new();
        d.insert("E_L", Value::Float(-60.0));
        d.insert("V_th", Value::Float(-50.0));
        let mut e_l = -70.0;
        let (mut v_reset, mut theta) = (0.0, 15.0);
        let delta = read_e_l(&mut d, &mut e_l).unwrap();
        read_relative(&mut d, "V_reset", &mut v_reset, e_l, delta).unwrap();
        read_relative(&mut d, "V_th", &mut theta, e_l, delta).unwrap();
        assert_eq!((e_l, delta), (-60.0, 10.0));
        assert_eq!(v_reset + e_l, -70.0, "V_reset stays at −70 mV");
        assert_eq!(theta, 10.0, "V_th given: −50 − (−60)");
    }
}
