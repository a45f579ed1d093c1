//! Contract: `hh_psc_alpha`, `hh_cond_exp_traub`, `izhikevich`, `mat2_psc_exp` and
//! `amat2_psc_exp` reproduce NEST 3.10's traces and spikes.
//!
//! Each scenario in `tests/data/<model>/` was run in NEST 3.10.0 by `scripts/hh_golden.py` (dc
//! and step currents, spike generators with positive and negative weights, multiplicities and
//! mixed delays; defaults at h = 0.1 ms, every parameter and the initial state moved at
//! h = 0.01 ms; izhikevich's published integration at h = 1 and 0.1 ms). The same stimulus is
//! delivered to a chunk with the kernel's slot arithmetic and the result must match: spikes on
//! identical steps, every recorded sample within `TOLERANCE` (bit-identical on x86-64 Linux).

mod common;

use common::{Golden, TOLERANCE};

fn replay(model: &str, name: &str) {
    Golden::load_model(model, name).assert_matches(TOLERANCE);
}

#[test]
fn hh_psc_alpha_mixed_input_h01() {
    replay("hh_psc_alpha", "mixed_h0.1");
}

#[test]
fn hh_psc_alpha_all_parameters_and_initial_state_moved_h001() {
    replay("hh_psc_alpha", "params_h0.01");
}

#[test]
fn hh_cond_exp_traub_mixed_input_h01() {
    replay("hh_cond_exp_traub", "mixed_h0.1");
}

#[test]
fn hh_cond_exp_traub_all_parameters_and_initial_state_moved_h001() {
    replay("hh_cond_exp_traub", "params_h0.01");
}

#[test]
fn izhikevich_mixed_input_h01() {
    replay("izhikevich", "mixed_h0.1");
}

#[test]
fn izhikevich_all_parameters_and_v_min_h001() {
    replay("izhikevich", "params_v_min_h0.01");
}

#[test]
fn izhikevich_published_integration_h1() {
    replay("izhikevich", "published_h1.0");
}

#[test]
fn izhikevich_published_integration_h01() {
    replay("izhikevich", "published_h0.1");
}

#[test]
fn mat2_psc_exp_mixed_input_h01() {
    replay("mat2_psc_exp", "mixed_h0.1");
}

#[test]
fn mat2_psc_exp_all_parameters_and_state_moved_h001() {
    replay("mat2_psc_exp", "params_h0.01");
}

#[test]
fn amat2_psc_exp_mixed_input_h01() {
    replay("amat2_psc_exp", "mixed_h0.1");
}

#[test]
fn amat2_psc_exp_voltage_dependent_threshold_all_parameters_moved_h001() {
    replay("amat2_psc_exp", "params_beta_h0.01");
}
