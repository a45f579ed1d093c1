//! Contract: `glif_psc` reproduces NEST 3.10's traces and spikes.
//!
//! Each scenario in `tests/data/glif_psc/` was run in NEST 3.10.0 by `scripts/glif_psc_golden.py`:
//! the GLIF test stimulus of spec §8.2 (±20 pA spikes on port 1, a 300 pA step current) for all
//! five levels at h = 0.01 ms; three ports at h = 0.1 ms with GLIF5, every settable initial state,
//! a moved `E_L`, an off-grid `t_ref`, multiplicities, negative weights and every recordable; and a
//! port whose `tau_syn` equals `τ_m = C_m/g` (the propagators' singular limit) with three
//! after-spike currents. Spikes must fall on identical steps and every sample must match within
//! 1e-9; on x86-64 Linux the traces must be bit-identical.

mod common;

use common::{Golden, LEVELS, TOLERANCE};

fn replay(name: &str) {
    Golden::load_model("glif_psc", name).assert_matches(TOLERANCE);
}

#[test]
fn glif_test_stimulus_all_levels() {
    for level in LEVELS {
        replay(&format!("stim82_{level}"));
    }
}

#[test]
fn glif_test_stimulus_spikes_are_the_spec_reference_times() {
    // Spec §8.2 (NEST 3.10, glif_psc, lif): the deterministic spike train in ms.
    let g = Golden::load_model("glif_psc", "stim82_lif");
    let expected_ms = [
        612.99, 628.73, 644.47, 660.21, 675.95, 691.69, 706.30, 722.00, 737.74, 753.48, 769.22,
        784.96, 800.70, 816.72, 832.46, 848.20, 863.94, 879.68, 895.42,
    ];
    let stamps: Vec<i64> = expected_ms
        .iter()
        .map(|t| (t / 0.01f64).round() as i64)
        .collect();
    assert_eq!(g.spike_stamps, stamps);
    assert_eq!(g.replay().spikes, stamps);
}

#[test]
fn three_ports_glif5_with_initial_state_and_every_recordable() {
    replay("three_ports_glif5");
}

#[test]
fn port_at_the_singular_time_constant_and_three_after_spike_currents() {
    replay("singular_port_three_ascs");
}
