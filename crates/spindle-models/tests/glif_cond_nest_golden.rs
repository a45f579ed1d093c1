//! Contract: `glif_cond` reproduces NEST 3.10's traces and spikes.
//!
//! Each scenario in `tests/data/glif_cond/` was run in NEST 3.10.0 by
//! `scripts/glif_cond_golden.py` (spike generators into the ports, dc/step currents into port 0,
//! a multimeter and a spike recorder). Here the same stimulus is delivered to a chunk with the
//! kernel's slot arithmetic and the result must match: spikes on identical steps, every recorded
//! sample within 1e-9 (in practice the traces are bit-identical).

mod common;

use common::Golden;

/// The traces are bit-identical to NEST here (x86-64, glibc). 1e-12 mV is far inside the required
/// 1e-9 yet still catches a step controller that rounds differently: GSL 2.x's form of the
/// controller (multiply, then clamp) drifts by ~1.6e-11 mV in the big-jump scenarios.
const TOLERANCE: f64 = 1e-12;

fn replay(name: &str) {
    let golden = Golden::load(name);
    let mut drive = golden.drive();
    let columns: Vec<usize> = golden.record.iter().map(|r| drive.recordable(r)).collect();
    let mut expected = golden.samples.iter().peekable();
    let mut spikes = Vec::new();
    let mut worst = (0.0f64, 0, String::new());
    drive.run_until(golden.t_ms, |stamp, chunk, emitted| {
        if !emitted.is_empty() {
            spikes.push(stamp);
        }
        if let Some((s, values)) = expected.peek() {
            if *s == stamp {
                for ((&col, &want), name) in columns.iter().zip(values).zip(&golden.record) {
                    let diff = (chunk.recordable(col, 0) - want).abs();
                    if diff > worst.0 || diff.is_nan() {
                        worst = (diff, stamp, name.clone());
                    }
                }
                expected.next();
            }
        }
    });
    assert!(expected.next().is_none(), "{name}: samples left unchecked");
    assert_eq!(
        spikes, golden.spike_stamps,
        "{name}: spike steps differ from NEST"
    );
    assert!(
        worst.0 <= TOLERANCE,
        "{name}: {} differs from NEST by {:e} at step {}",
        worst.2,
        worst.0,
        worst.1
    );
    eprintln!(
        "{name}: {} spikes identical, max |diff| {:e}",
        spikes.len(),
        worst.0
    );
}

#[test]
fn glif_test_stimulus_lif() {
    replay("stim82_lif");
}

#[test]
fn glif_test_stimulus_lif_r() {
    replay("stim82_lif_r");
}

#[test]
fn glif_test_stimulus_lif_asc() {
    replay("stim82_lif_asc");
}

#[test]
fn glif_test_stimulus_lif_r_asc() {
    replay("stim82_lif_r_asc");
}

#[test]
fn glif_test_stimulus_lif_r_asc_a() {
    replay("stim82_lif_r_asc_a");
}

#[test]
fn big_conductance_jumps_force_rejected_steps_lif() {
    replay("big_jumps_lif");
}

#[test]
fn big_conductance_jumps_force_rejected_steps_lif_r_asc_a() {
    replay("big_jumps_lif_r_asc_a");
}

#[test]
fn three_ports_glif5_with_initial_state_and_negative_weights() {
    replay("three_ports_glif5");
}

#[test]
fn five_ports_and_three_after_spike_currents() {
    replay("five_ports_three_ascs");
}
