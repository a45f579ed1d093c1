//! Contract: `iaf_tum_2000` and `iaf_chxk_2008`, NEST's two models that send their spikes with
//! an offset, reproduce NEST 3.10's traces and spikes, and every spike carries NEST's offset
//! (`NeuronChunk::spike_offset`: `iaf_tum_2000`'s released fraction `u·x`, `iaf_chxk_2008`'s
//! time from the threshold crossing to the end of the step).
//!
//! Each scenario in `tests/data/<model>/` was run in NEST 3.10.0 by
//! `scripts/offgrid_golden.py` (dc and step currents, spike generators with multiplicities and
//! mixed delays — for `iaf_tum_2000` also on receptor 1, where a generator's spikes carry
//! offset 0 and add nothing —, defaults and every parameter moved, at h = 0.1 and 0.01 ms).
//! The same stimulus is delivered to a chunk with the kernel's slot arithmetic: spikes on
//! identical steps, offsets and every recorded sample within [`TOLERANCE`] (bit-identical on
//! x86-64 Linux).

mod common;

use common::{Golden, TOLERANCE};

fn replay(model: &str, name: &str) {
    let g = Golden::load_model(model, name);
    assert!(g.spike_offsets.is_some(), "{model}/{name}: no offsets");
    g.assert_matches(TOLERANCE);
}

#[test]
fn iaf_tum_2000_defaults_h01() {
    replay("iaf_tum_2000", "defaults_h0.1");
}

#[test]
fn iaf_tum_2000_facilitation_all_parameters_moved_h001() {
    replay("iaf_tum_2000", "facilitation_h0.01");
}

#[test]
fn iaf_tum_2000_depression_without_facilitation_h01() {
    replay("iaf_tum_2000", "depression_h0.1");
}

#[test]
fn iaf_chxk_2008_defaults_h01() {
    replay("iaf_chxk_2008", "defaults_h0.1");
}

#[test]
fn iaf_chxk_2008_all_parameters_moved_h001() {
    replay("iaf_chxk_2008", "params_ahp_bug_off_h0.01");
}

#[test]
fn iaf_chxk_2008_ahp_bug_h001() {
    replay("iaf_chxk_2008", "params_ahp_bug_on_h0.01");
}

#[test]
fn iaf_chxk_2008_driven_by_spikes_alone_h01() {
    replay("iaf_chxk_2008", "spikes_only_h0.1");
}
