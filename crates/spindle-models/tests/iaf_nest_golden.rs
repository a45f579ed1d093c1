//! Contract: `iaf_psc_alpha`, `iaf_psc_exp` and `iaf_cond_exp` reproduce NEST 3.10's traces and
//! spikes.
//!
//! Each scenario in `tests/data/<model>/` was run in NEST 3.10.0 by `scripts/iaf_golden.py`
//! (dc and step currents, spike generators with positive and negative weights, multiplicities
//! and mixed delays, at h = 0.1 and 0.01 ms; for `iaf_psc_exp` also receptor-1 currents). The
//! same stimulus is delivered to a chunk with the kernel's slot arithmetic and the result must
//! match: spikes on identical steps, every recorded sample within 1e-9; on x86-64 Linux the traces
//! must be bit-identical.

mod common;

use common::{Golden, TOLERANCE};

fn replay(model: &str, name: &str) {
    Golden::load_model(model, name).assert_matches(TOLERANCE);
}

#[test]
fn iaf_psc_alpha_mixed_input_h01() {
    replay("iaf_psc_alpha", "mixed_h0.1");
}

#[test]
fn iaf_psc_alpha_all_parameters_moved_v_min_h001() {
    replay("iaf_psc_alpha", "params_h0.01");
}

#[test]
fn iaf_psc_alpha_brunel_neuron_h01() {
    replay("iaf_psc_alpha", "brunel_h0.1");
}

#[test]
fn iaf_psc_alpha_singular_and_near_singular_time_constants() {
    replay("iaf_psc_alpha", "singular_taus_h0.1");
}

#[test]
fn iaf_psc_exp_mixed_input_and_receptor_1_currents_h01() {
    replay("iaf_psc_exp", "mixed_h0.1");
}

#[test]
fn iaf_psc_exp_zero_refractory_time_and_singular_tau_h001() {
    replay("iaf_psc_exp", "params_h0.01");
}

#[test]
fn iaf_cond_exp_mixed_input_and_rejected_steps_h01() {
    replay("iaf_cond_exp", "mixed_h0.1");
}

#[test]
fn iaf_cond_exp_all_parameters_and_initial_conductances_h001() {
    replay("iaf_cond_exp", "params_h0.01");
}
