//! Contract: `gif_psc_exp`, `gif_cond_exp` and their multisynapse variants reproduce NEST
//! 3.10's traces and spikes wherever NEST's own draws do not decide them.
//!
//! Each scenario in `tests/data/<model>/` was run in NEST 3.10.0 by `scripts/gif_golden.py`
//! (dc and step currents, spike generators with positive and negative weights, multiplicities
//! and mixed delays, at h = 0.1 and 0.01 ms, every parameter moved, spike-triggered current and
//! threshold kernels, every receptor port of the multisynapse variants): with `lambda_0 = 0` the neuron never fires and never draws; with a tiny
//! `Delta_V` its escape noise fires exactly when `V_m > E_sfa`, whatever the draws (the script
//! checks that the spikes do not depend on NEST's seed). Spikes must fall on identical steps
//! and on x86-64 Linux every recorded sample (`V_m`, `E_sfa`, `I_stc`, the synaptic state)
//! must be bit-identical (the RKF45 integration of `gif_cond_exp` included).

mod common;

use common::{Golden, TOLERANCE};

fn replay(model: &str, name: &str) {
    Golden::load_model(model, name).assert_matches(TOLERANCE);
}

#[test]
fn gif_psc_exp_silent_membrane_and_currents_h01() {
    replay("gif_psc_exp", "silent_h0.1");
}

#[test]
fn gif_psc_exp_deterministic_firing_all_parameters_moved_h001() {
    replay("gif_psc_exp", "firing_h0.01");
}

#[test]
fn gif_psc_exp_deterministic_firing_kernels_no_refractory_period_h01() {
    replay("gif_psc_exp", "firing_h0.1");
}

#[test]
fn gif_cond_exp_silent_membrane_and_conductances_h01() {
    replay("gif_cond_exp", "silent_h0.1");
}

#[test]
fn gif_cond_exp_deterministic_firing_all_parameters_moved_h001() {
    replay("gif_cond_exp", "firing_h0.01");
}

#[test]
fn gif_cond_exp_deterministic_firing_rejected_steps_h01() {
    replay("gif_cond_exp", "firing_h0.1");
}

#[test]
fn gif_psc_exp_multisynapse_silent_one_port_h001() {
    replay("gif_psc_exp_multisynapse", "silent_one_port_h0.01");
}

#[test]
fn gif_psc_exp_multisynapse_deterministic_firing_three_ports_h01() {
    replay("gif_psc_exp_multisynapse", "three_ports_h0.1");
}

#[test]
fn gif_cond_exp_multisynapse_silent_two_ports_h001() {
    replay("gif_cond_exp_multisynapse", "silent_two_ports_h0.01");
}

#[test]
fn gif_cond_exp_multisynapse_deterministic_firing_three_ports_rejected_steps_h01() {
    replay("gif_cond_exp_multisynapse", "three_ports_h0.1");
}
