//! Contract: `parrot_neuron` re-emits the summed multiplicity of the spikes arriving for step k
//! with stamp k + 1, ignores incoming weights and everything on receptor 1 (spec §5.5).

mod common;

use common::{build, Drive};
use spindle_core::params::Params;

#[test]
fn repeats_spikes_after_the_incoming_delay_with_their_multiplicity() {
    // NEST: multiplicities [1, 3] at 1.0 and 2.0 ms with delay 0.7 ms are recorded at
    // [1.7, 2.7, 2.7, 2.7].
    let mut d = Drive::new(build("parrot_neuron", Params::new()), 2, 0.1);
    d.spike(0, 1.0, 0.7, 0, -5.0, 1);
    d.spike(0, 2.0, 0.7, 0, 1.0, 3);
    // Two sources hitting the same step add up; receptor 1 is ignored.
    d.spike(1, 3.0, 1.0, 0, 0.25, 2);
    d.spike(1, 3.0, 1.0, 0, 7.0, 1);
    d.spike(1, 5.0, 1.0, 1, 1.0, 4);
    let mut out = Vec::new();
    d.run_until(10.0, |stamp, _, emitted| {
        for &(i, m) in emitted {
            out.push((stamp, i, m));
        }
    });
    assert_eq!(out, vec![(17, 0, 1), (27, 0, 3), (40, 1, 3)]);
}
