//! Contract: `pp_psc_delta` reproduces NEST 3.10's traces and spikes wherever NEST's own draws
//! do not decide them.
//!
//! Each scenario in `tests/data/pp_psc_delta/` was run in NEST 3.10.0 by `scripts/pp_golden.py`:
//! a rate of 0 (membrane and adaptation, no draw), and rates so steep that the firing
//! probability is exactly 0 or 1 (`c_3 = 1e9`, or `c_1 = 1e15`), with dead times on and off the
//! grid and below `h`, with and without reset, `t_ref_remaining`, adaptation kernels given as
//! lists and as numbers, spikes of both signs with multiplicities and several delays, dc and
//! step currents, h = 0.1 and 0.01 ms (the script checks that the spikes do not depend on
//! NEST's seed). Spikes must fall on identical steps and on x86-64 Linux `V_m` and `E_sfa`
//! must be bit-identical.

mod common;

use common::{Golden, TOLERANCE};

fn replay(name: &str) {
    Golden::load_model("pp_psc_delta", name).assert_matches(TOLERANCE);
}

#[test]
fn pp_psc_delta_silent_membrane_h01() {
    replay("silent_h0.1");
}

#[test]
fn pp_psc_delta_exponential_rate_threshold_dead_time_reset_kernels_h01() {
    replay("threshold_h0.1");
}

#[test]
fn pp_psc_delta_linear_rate_no_reset_dead_time_below_h_scalar_kernel_h001() {
    replay("linear_no_reset_h0.01");
}
