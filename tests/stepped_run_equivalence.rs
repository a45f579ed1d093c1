//! Contract: splitting a run into several `Simulate` calls (`time = [a, b, …]`) gives exactly
//! what one call of the summed length gives — spikes, samples and random streams alike — even
//! when a call ends inside a min-delay slice.

mod common;

fn scenario(times: &str) -> String {
    format!(
        r#"
[kernel]
resolution = 0.1
seed = 3
[[nodes]]
name = "n"
model = "glif_cond"
n = 4
params = {{ spike_dependent_threshold = true, after_spike_currents = true, adapting_threshold = false }}
[[nodes]]
name = "drive"
model = "poisson_generator"
params = {{ rate = 15000.0, start = 5.0 }}
[[nodes]]
name = "step"
model = "step_current_generator"
params = {{ amplitude_times = [20.0, 60.0], amplitude_values = [150.0, 0.0] }}
[[nodes]]
name = "mm"
model = "multimeter"
params = {{ interval = 0.1, record_from = ["V_m", "I", "ASCurrents_sum", "threshold"] }}
[[nodes]]
name = "sr"
model = "spike_recorder"
[[connect]]
pre = "drive"
post = "n"
syn = {{ weight = 1.5, delay = 2.0, receptor_type = 1 }}
[[connect]]
pre = "step"
post = "n"
syn = {{ delay = 2.0 }}
[[connect]]
pre = "n"
post = "n"
conn = {{ rule = "all_to_all", allow_autapses = false }}
syn = {{ weight = 2.0, delay = 2.0, receptor_type = 2 }}
[[connect]]
pre = "mm"
post = "n"
syn = {{ delay = 2.0 }}
[[connect]]
pre = "n"
post = "sr"
syn = {{ delay = 2.0 }}
[simulate]
time = {times}
"#
    )
}

#[test]
fn split_runs_equal_one_run() {
    // min_delay is 2 ms here, so 12.3 and 0.1 end inside slices.
    let whole = common::run_text(&scenario("100.0"), 2);
    assert!(
        !whole.spike_recorders[0].times.is_empty(),
        "the neurons spike"
    );
    assert_eq!(whole.multimeters[0].times.len(), 1000);
    for split in [
        "[50.0, 50.0]",
        "[12.3, 0.1, 37.6, 50.0]",
        "[0.0, 99.9, 0.1]",
    ] {
        let parts = common::run_text(&scenario(split), 2);
        assert_eq!(whole, parts, "time = {split}");
    }
}
