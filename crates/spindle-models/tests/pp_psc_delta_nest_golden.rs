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

/// NEST 3.10 (checked by hand: `Create("pp_psc_delta", {"dead_time": 0.05})`, `GetStatus`
/// before and after `Simulate(1.0)`, then `SetStatus` with numbers): a dead time in `(0, h)`
/// is raised to `h` at the run and shown so; kernels given as numbers are shown as numbers.
#[test]
fn pp_psc_delta_status_follows_nests_quirks() {
    use common::{build, Drive};
    use spindle_core::params::{Params, Value};
    let mut p = Params::new();
    p.insert("dead_time", Value::Float(0.05));
    let model = build("pp_psc_delta", p);
    assert_eq!(
        model.instantiate(1).get_status(0).get("dead_time"),
        Some(&Value::Float(0.05))
    );
    let mut d = Drive::new(model, 1, 0.1);
    d.run_until(1.0, |_, _, _| {});
    assert_eq!(
        d.chunk.get_status(0).get("dead_time"),
        Some(&Value::Float(0.1))
    );
    assert_eq!(
        d.chunk.get_status(0).get("tau_sfa"),
        Some(&Value::List(vec![]))
    );
    let mut set = Params::new();
    set.insert("tau_sfa", Value::Float(10.0));
    set.insert("q_sfa", Value::Float(2.0));
    d.chunk.set_status(0, &mut set).unwrap();
    let status = d.chunk.get_status(0);
    assert_eq!(status.get("tau_sfa"), Some(&Value::Float(10.0)));
    assert_eq!(status.get("q_sfa"), Some(&Value::Float(2.0)));
}
