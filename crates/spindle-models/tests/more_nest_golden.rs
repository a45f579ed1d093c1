//! Contract: `aeif_cond_alpha_multisynapse`, `aeif_cond_beta_multisynapse`,
//! `glif_psc_double_alpha`, `hh_cond_beta_gap_traub` (without gap junctions) and
//! `ignore_and_fire` reproduce NEST 3.10's traces and spikes.
//!
//! Each scenario in `tests/data/<model>/` was run in NEST 3.10.0 by `scripts/more_golden.py`
//! (dc and step currents, spike generators on every receptor port with multiplicities and mixed
//! delays, at h = 0.1 and 0.01 ms, defaults and every parameter moved; `ignore_and_fire` with
//! input it must ignore and periods off the grid). The same stimulus is delivered to a chunk with
//! the kernel's slot arithmetic: spikes on identical steps, every recorded sample within
//! [`TOLERANCE`] (bit-identical on x86-64 Linux).

mod common;

use common::{Golden, TOLERANCE};

fn replay(model: &str, name: &str) {
    Golden::load_model(model, name).assert_matches(TOLERANCE);
}

#[test]
fn aeif_cond_alpha_multisynapse_defaults_h01() {
    replay("aeif_cond_alpha_multisynapse", "defaults_h0.1");
}

#[test]
fn aeif_cond_alpha_multisynapse_three_ports_all_parameters_moved_h001() {
    replay("aeif_cond_alpha_multisynapse", "three_ports_h0.01");
}

#[test]
fn aeif_cond_alpha_multisynapse_three_ports_h01() {
    replay("aeif_cond_alpha_multisynapse", "three_ports_h0.1");
}

#[test]
fn aeif_cond_alpha_multisynapse_delta_t_0_h01() {
    replay("aeif_cond_alpha_multisynapse", "delta_t_0_h0.1");
}

#[test]
fn aeif_cond_beta_multisynapse_defaults_h01() {
    replay("aeif_cond_beta_multisynapse", "defaults_h0.1");
}

#[test]
fn aeif_cond_beta_multisynapse_three_ports_all_parameters_moved_h001() {
    replay("aeif_cond_beta_multisynapse", "three_ports_h0.01");
}

#[test]
fn aeif_cond_beta_multisynapse_three_ports_equal_rise_and_decay_h01() {
    replay("aeif_cond_beta_multisynapse", "three_ports_h0.1");
}

#[test]
fn aeif_cond_beta_multisynapse_delta_t_0_h01() {
    replay("aeif_cond_beta_multisynapse", "delta_t_0_h0.1");
}

#[test]
fn glif_psc_double_alpha_lif_h01() {
    replay("glif_psc_double_alpha", "lif_h0.1");
}

#[test]
fn glif_psc_double_alpha_all_mechanisms_three_ports_all_parameters_moved_h001() {
    replay("glif_psc_double_alpha", "lif_r_asc_a_three_ports_h0.01");
}

#[test]
fn glif_psc_double_alpha_two_ports_h01() {
    replay("glif_psc_double_alpha", "lif_r_asc_two_ports_h0.1");
}

#[test]
fn hh_cond_beta_gap_traub_defaults_h01() {
    replay("hh_cond_beta_gap_traub", "defaults_h0.1");
}

#[test]
fn hh_cond_beta_gap_traub_all_parameters_moved_equal_rise_and_decay_h001() {
    replay("hh_cond_beta_gap_traub", "params_h0.01");
}

#[test]
fn ignore_and_fire_defaults_ignore_input_h01() {
    replay("ignore_and_fire", "defaults_h0.1");
}

#[test]
fn ignore_and_fire_period_and_phase_off_the_grid_h01() {
    replay("ignore_and_fire", "rate_phase_h0.1");
}

#[test]
fn ignore_and_fire_period_and_phase_off_the_grid_h001() {
    replay("ignore_and_fire", "rate_phase_h0.01");
}
