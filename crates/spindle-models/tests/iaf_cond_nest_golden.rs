//! Contract: `iaf_cond_alpha`, `iaf_cond_beta` and `iaf_cond_exp_sfa_rr` reproduce NEST 3.10's
//! traces and spikes.
//!
//! Each scenario in `tests/data/<model>/` was run in NEST 3.10.0 by `scripts/cond_golden.py`
//! (dc and step currents, spike generators with positive and negative weights, multiplicities
//! and mixed delays, big conductance kicks that make RKF45 reject trial steps; the defaults at
//! h = 0.1 ms, every parameter and state variable moved at h = 0.01 ms). The same stimulus is
//! delivered to a chunk with the kernel's slot arithmetic and the result must match: spikes on
//! identical steps, every recorded sample (`t_ref_remaining` included) within 1e-9; on x86-64
//! Linux the traces must be bit-identical.

mod common;

use common::{Golden, TOLERANCE};

fn replay(model: &str, name: &str) {
    Golden::load_model(model, name).assert_matches(TOLERANCE);
}

#[test]
fn iaf_cond_alpha_mixed_input_and_rejected_steps_h01() {
    replay("iaf_cond_alpha", "mixed_h0.1");
}

#[test]
fn iaf_cond_alpha_all_parameters_and_initial_state_h001() {
    replay("iaf_cond_alpha", "params_h0.01");
}

#[test]
fn iaf_cond_beta_equal_times_use_the_alpha_normalisation_h01() {
    replay("iaf_cond_beta", "mixed_h0.1");
}

#[test]
fn iaf_cond_beta_all_parameters_and_initial_state_h001() {
    replay("iaf_cond_beta", "params_h0.01");
}

#[test]
fn iaf_cond_beta_rise_slower_than_decay_h01() {
    replay("iaf_cond_beta", "slow_rise_h0.1");
}

#[test]
fn iaf_cond_exp_sfa_rr_mixed_input_and_spike_triggered_kicks_h01() {
    replay("iaf_cond_exp_sfa_rr", "mixed_h0.1");
}

#[test]
fn iaf_cond_exp_sfa_rr_all_parameters_and_initial_state_h001() {
    replay("iaf_cond_exp_sfa_rr", "params_h0.01");
}
