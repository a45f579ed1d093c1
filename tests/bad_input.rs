//! Contract (issue 5): bad input gets a clear error, never a panic, and nothing is lost.
//!
//! One small bad scenario per rule, run through the `spindle` binary: the process exits with
//! status 2, prints exactly one `error:` line and no panic message or backtrace, the message
//! names the file (and the line of the offending key where the parser knows it), the node or
//! connection, the key and the value, and says what would be valid; and no output file (nor a
//! partial one) is created. Accepted-but-surprising input prints a `warning:` naming its node or
//! connection and runs. The output-path and memory rules are tested at the end.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spindle(args: &[&str], env: &[(&str, &str)], dir: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_spindle"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("SPINDLE_MEMORY_LIMIT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the spindle binary runs")
}

/// One bad scenario: its text, extra arguments and environment, the text of the line the
/// error must point at (if the parser knows it), and words the message must contain.
struct Case {
    name: &'static str,
    text: String,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    at: Option<&'static str>,
    words: &'static [&'static str],
}

fn case(
    name: &'static str,
    text: String,
    at: Option<&'static str>,
    words: &'static [&'static str],
) -> Case {
    Case {
        name,
        text,
        args: &[],
        env: &[],
        at,
        words,
    }
}

const SIMULATE: &str = "\n[simulate]\ntime = 10.0\n";

/// A scenario of one node `x` of `model` with `params`.
fn node(model: &str, params: &str) -> String {
    format!("[[nodes]]\nname = \"x\"\nmodel = \"{model}\"\nparams = {{ {params} }}\n{SIMULATE}")
}

/// Nodes of every kind, then `rest` (connections), then a 10 ms simulation.
fn net(rest: &str) -> String {
    format!(
        r#"[[nodes]]
name = "g"
model = "glif_cond"
n = 2

[[nodes]]
name = "i"
model = "iaf_psc_alpha"
n = 3

[[nodes]]
name = "sg"
model = "spike_generator"
params = {{ spike_times = [1.0] }}

[[nodes]]
name = "dc"
model = "dc_generator"
params = {{ amplitude = 100.0 }}

[[nodes]]
name = "sr"
model = "spike_recorder"

[[nodes]]
name = "mm"
model = "multimeter"
params = {{ record_from = ["V_m"] }}

[[nodes]]
name = "p"
model = "parrot_neuron"

[[nodes]]
name = "pg"
model = "poisson_generator"
params = {{ rate = 100.0 }}

{rest}
{SIMULATE}"#
    )
}

/// A `[[connect]]` entry.
fn connect(pre: &str, post: &str, extra: &str) -> String {
    format!("[[connect]]\npre = {pre}\npost = {post}\n{extra}\n")
}

fn cases() -> Vec<Case> {
    let mut v = vec![
        // --- TOML syntax, tables, keys, names and types ---
        case(
            "toml_syntax",
            "[simulate]\ntime = \n".into(),
            Some("time = "),
            &["TOML syntax error", "expected"],
        ),
        case(
            "unknown_table",
            "[simulat]\ntime = 1.0\n".into(),
            Some("[simulat]"),
            &["unknown key \"simulat\"", "did you mean \"simulate\"", "valid keys are kernel, nodes, synapse_models, connect, simulate, actions, output"],
        ),
        case(
            "unknown_kernel_key",
            format!("[kernel]\nresolutoin = 0.1\n{SIMULATE}"),
            Some("resolutoin"),
            &["[kernel]", "unknown key \"resolutoin\"", "did you mean \"resolution\""],
        ),
        case(
            "unknown_node_key",
            format!("[[nodes]]\nname = \"a\"\nmodel = \"iaf_psc_alpha\"\nnum = 3\n{SIMULATE}"),
            Some("num = 3"),
            &["[[nodes]] \"a\" (iaf_psc_alpha)", "unknown key \"num\"", "valid keys are name, model, n, params"],
        ),
        case(
            "unknown_connect_key",
            net(&connect("\"i\"", "\"i\"", "weight = 2.0")),
            Some("weight = 2.0"),
            &["[[connect]] #1", "unknown key \"weight\"", "valid keys are pre, post, sources, targets, conn, syn"],
        ),
        case(
            "missing_simulate",
            "[kernel]\nresolution = 0.1\n".into(),
            None,
            &["[simulate] table is missing", "time = 100.0"],
        ),
        case(
            "missing_model",
            format!("[[nodes]]\nname = \"a\"\n{SIMULATE}"),
            None,
            &["[[nodes]] \"a\"", "\"model\" is missing"],
        ),
        case(
            "unknown_model",
            format!("[[nodes]]\nname = \"a\"\nmodel = \"glif_kond\"\n{SIMULATE}"),
            Some("glif_kond"),
            &["[[nodes]] \"a\" (glif_kond)", "model = \"glif_kond\"", "UnknownModelName", "did you mean \"glif_cond\""],
        ),
        case(
            "unknown_model_far_off",
            format!("[[nodes]]\nname = \"a\"\nmodel = \"hodgkin_huxley\"\n{SIMULATE}"),
            Some("hodgkin_huxley"),
            &["UnknownModelName", "known models: ", "glif_cond", "iaf_psc_alpha"],
        ),
        case(
            "unknown_parameter",
            node("glif_cond", "V_thh = -50.0"),
            Some("V_thh"),
            &["[[nodes]] \"x\" (glif_cond)", "unknown parameter \"V_thh\" for glif_cond", "did you mean \"V_th\""],
        ),
        case(
            "unknown_parameter_far_off",
            node("dc_generator", "frequency = 10.0"),
            Some("frequency"),
            &["unknown parameter \"frequency\" for dc_generator", "valid parameters are amplitude, origin, start, stop"],
        ),
        case(
            "wrong_type_parameter",
            node("iaf_psc_alpha", "C_m = \"big\""),
            Some("C_m"),
            &["C_m = \"big\" (a string)", "expected a number"],
        ),
        case(
            "wrong_type_flag",
            node("glif_cond", "adapting_threshold = 1"),
            Some("adapting_threshold"),
            &["adapting_threshold = 1 (an integer)", "expected true or false"],
        ),
        case(
            "wrong_type_list",
            node("spike_generator", "spike_times = 1.0"),
            Some("spike_times"),
            &["spike_times = 1.0 (a number)", "expected a list of numbers"],
        ),
        case(
            "wrong_type_n",
            format!("[[nodes]]\nname = \"a\"\nmodel = \"iaf_psc_alpha\"\nn = \"3\"\n{SIMULATE}"),
            Some("n = \"3\""),
            &["[[nodes]] \"a\" (iaf_psc_alpha)", "n = \"3\"", "expected an integer"],
        ),
        case(
            "wrong_type_resolution",
            format!("[kernel]\nresolution = \"0.1\"\n{SIMULATE}"),
            Some("resolution"),
            &["[kernel]", "resolution = \"0.1\"", "expected a number"],
        ),
        case(
            "wrong_type_time",
            "[simulate]\ntime = \"10\"\n".into(),
            Some("time"),
            &["[simulate]", "time = \"10\"", "expected a duration in ms or a list of durations"],
        ),
        case(
            "wrong_type_pre",
            net(&connect("3", "\"i\"", "")),
            Some("pre = 3"),
            &["[[connect]] #1", "pre = 3", "expected a node name or a list of node names"],
        ),
        case(
            "wrong_type_syn",
            net(&connect("\"i\"", "\"i\"", "syn = 2.0")),
            Some("syn = 2.0"),
            &["syn = 2.0", "expected a table"],
        ),
        case(
            "date_time_parameter",
            node("iaf_psc_alpha", "C_m = 1979-05-27"),
            Some("C_m"),
            &["C_m: unexpected date-time"],
        ),
        case(
            "duplicate_name",
            format!("[[nodes]]\nname = \"a\"\nmodel = \"iaf_psc_alpha\"\n[[nodes]]\nname = \"a\"\nmodel = \"parrot_neuron\"\n{SIMULATE}"),
            None,
            &["[[nodes]] \"a\" (parrot_neuron)", "name = \"a\"", "names must be unique"],
        ),
        case(
            "population_size",
            format!("[[nodes]]\nname = \"a\"\nmodel = \"iaf_psc_alpha\"\nn = 0\n{SIMULATE}"),
            Some("n = 0"),
            &["n = 0", "n must be between 1 and"],
        ),
        case(
            "device_population",
            format!("[[nodes]]\nname = \"d\"\nmodel = \"dc_generator\"\nn = 2\n{SIMULATE}"),
            Some("n = 2"),
            &["[[nodes]] \"d\" (dc_generator)", "n = 2", "n = 1"],
        ),
        // --- NEST's parameter rules, every model ---
        case(
            "glif_cond_capacitance",
            node("glif_cond", "C_m = 0.0"),
            Some("C_m"),
            &["[[nodes]] \"x\" (glif_cond)", "C_m = 0.0", "Capacitance must be strictly positive"],
        ),
        case(
            "glif_cond_refractory",
            node("glif_cond", "t_ref = 0.0"),
            Some("t_ref"),
            &["t_ref = 0.0", "Refractory time constant must be strictly positive"],
        ),
        case(
            "glif_cond_tau_syn",
            node("glif_cond", "tau_syn = [0.2, 0.0], E_rev = [0.0, -85.0]"),
            Some("tau_syn"),
            &["tau_syn = [0.2, 0.0]", "All synaptic time constants must be strictly positive"],
        ),
        case(
            "glif_cond_port_lengths",
            node("glif_cond", "tau_syn = [0.2, 2.0, 1.0], E_rev = [0.0, -85.0]"),
            Some("tau_syn"),
            &["tau_syn = [0.2, 2.0, 1.0], E_rev = [0.0, -85.0]", "BadProperty", "E_rev (2) and tau_syn (3), must have the same size"],
        ),
        case(
            "glif_cond_reset_above_threshold",
            node("glif_cond", "V_reset = -40.0"),
            Some("V_reset"),
            &["V_reset = -40.0, V_th = -51.68 (default)", "Reset potential must be smaller than threshold"],
        ),
        case(
            "glif_cond_flags",
            node("glif_cond", "adapting_threshold = true"),
            Some("adapting_threshold"),
            &[
                "spike_dependent_threshold = false (default), after_spike_currents = false (default), adapting_threshold = true",
                "Incorrect model mechanism combination",
                "Valid: the five GLIF levels",
                "lif_r_asc_a (true, true, true)",
            ],
        ),
        case(
            "glif_cond_after_spike_current_lengths",
            node("glif_cond", "after_spike_currents = true, asc_amps = [1.0]"),
            Some("asc_amps"),
            &["asc_amps = [1.0]", "must have the same size"],
        ),
        case(
            "glif_cond_voltage_fraction",
            node("glif_cond", "spike_dependent_threshold = true, voltage_reset_fraction = 1.5"),
            Some("voltage_reset_fraction"),
            &["voltage_reset_fraction = 1.5", "within [0.0, 1.0]"],
        ),
        case(
            "glif_cond_too_many_ports",
            node(
                "glif_cond",
                &format!(
                    "tau_syn = [{0}], E_rev = [{0}]",
                    vec!["1.0"; 70_000].join(", ")
                ),
            ),
            Some("tau_syn"),
            &["(70000 entries)", "at most 65534 synaptic ports"],
        ),
        case(
            "glif_psc_flags",
            node("glif_psc", "spike_dependent_threshold = true, adapting_threshold = true"),
            Some("spike_dependent_threshold"),
            &["[[nodes]] \"x\" (glif_psc)", "after_spike_currents = false (default)", "Incorrect model mechanism combination setting.See documentation"],
        ),
        case(
            "glif_psc_tau_syn",
            node("glif_psc", "tau_syn = [-1.0]"),
            Some("tau_syn"),
            &["tau_syn = [-1.0]", "strictly positive"],
        ),
        case(
            "glif_psc_conductance",
            node("glif_psc", "g = 0.0"),
            Some("g = 0.0"),
            &["g = 0.0", "Membrane conductance must be strictly positive"],
        ),
        case(
            "iaf_psc_alpha_reset_above_threshold",
            node("iaf_psc_alpha", "V_reset = -50.0"),
            Some("V_reset"),
            &["[[nodes]] \"x\" (iaf_psc_alpha)", "V_reset = -50.0, V_th = -55.0 (default)", "Reset potential must be smaller than threshold"],
        ),
        case(
            "iaf_psc_alpha_refractory",
            node("iaf_psc_alpha", "t_ref = -1.0"),
            Some("t_ref"),
            &["t_ref = -1.0", "The refractory time t_ref can't be negative"],
        ),
        case(
            "iaf_psc_alpha_tau_m",
            node("iaf_psc_alpha", "tau_m = 0.0"),
            Some("tau_m"),
            &["tau_m = 0.0", "Membrane time constant must be > 0"],
        ),
        case(
            "iaf_psc_exp_tau_syn",
            node("iaf_psc_exp", "tau_syn_ex = -2.0"),
            Some("tau_syn_ex"),
            &["[[nodes]] \"x\" (iaf_psc_exp)", "tau_syn_ex = -2.0", "time constants must be strictly positive"],
        ),
        case(
            "iaf_psc_exp_refractory",
            node("iaf_psc_exp", "t_ref = -0.1"),
            Some("t_ref"),
            &["t_ref = -0.1", "Refractory time must not be negative"],
        ),
        case(
            "iaf_cond_exp_capacitance",
            node("iaf_cond_exp", "C_m = -250.0"),
            Some("C_m"),
            &["[[nodes]] \"x\" (iaf_cond_exp)", "C_m = -250.0", "Capacitance must be strictly positive"],
        ),
        case(
            "iaf_cond_exp_reset_above_threshold",
            node("iaf_cond_exp", "V_reset = -55.0"),
            Some("V_reset"),
            &["V_reset = -55.0, V_th = -55.0 (default)", "Reset potential must be smaller than threshold"],
        ),
        case(
            "poisson_negative_rate",
            node("poisson_generator", "rate = -5.0"),
            Some("rate"),
            &["[[nodes]] \"x\" (poisson_generator)", "rate = -5.0", "The rate cannot be negative"],
        ),
        case(
            "poisson_absurd_rate",
            node("poisson_generator", "rate = 1e16"),
            Some("rate"),
            &["rate = 1e16", "spindle accepts at most 100000"],
        ),
        case(
            "spike_times_unsorted",
            node("spike_generator", "spike_times = [2.0, 1.0]"),
            Some("spike_times"),
            &["[[nodes]] \"x\" (spike_generator)", "spike_times = [2.0, 1.0]", "sorted in non-descending order"],
        ),
        case(
            "spike_times_off_grid",
            node("spike_generator", "spike_times = [1.05]"),
            Some("spike_times"),
            &["spike_times = [1.05]", "Time point 1.05 is not representable", "allow_offgrid_times = true"],
        ),
        case(
            "spike_times_zero",
            node("spike_generator", "spike_times = [0.0]"),
            Some("spike_times"),
            &["spike time cannot be set to 0"],
        ),
        case(
            "spike_weights_length",
            node("spike_generator", "spike_times = [1.0, 2.0], spike_weights = [1.0]"),
            Some("spike_weights"),
            &["spike_weights = [1.0]", "same number of elements as spike_times (2), or 0 elements"],
        ),
        case(
            "spike_multiplicities_huge",
            node("spike_generator", "spike_times = [1.0], spike_multiplicities = [4294967295]"),
            Some("spike_multiplicities"),
            &["spike_multiplicities = [4294967295]", "from 0 to 100000"],
        ),
        case(
            "amplitude_lengths",
            node("step_current_generator", "amplitude_times = [1.0, 2.0], amplitude_values = [5.0]"),
            Some("amplitude_times"),
            &["[[nodes]] \"x\" (step_current_generator)", "amplitude_times = [1.0, 2.0], amplitude_values = [5.0]", "have to be the same size"],
        ),
        case(
            "amplitude_times_not_increasing",
            node("step_current_generator", "amplitude_times = [2.0, 2.0], amplitude_values = [5.0, 6.0]"),
            Some("amplitude_times"),
            &["amplitude_times", "strictly increasing"],
        ),
        case(
            "dc_amplitude_not_finite",
            node("dc_generator", "amplitude = inf"),
            Some("amplitude"),
            &["[[nodes]] \"x\" (dc_generator)", "amplitude = inf", "must be finite"],
        ),
        case(
            "device_start_off_grid",
            node("dc_generator", "start = 0.05"),
            Some("start"),
            &["start = 0.05", "start must be a multiple of the simulation resolution (0.1 ms)"],
        ),
        case(
            "device_stop_before_start",
            node("poisson_generator", "start = 5.0, stop = 2.0"),
            Some("stop"),
            &["stop = 2.0", "BadProperty: stop >= start required."],
        ),
        case(
            "device_time_too_large",
            node("spike_recorder", "origin = 1e300"),
            Some("origin"),
            &["origin = 1e300", "within ±4.5e12 ms"],
        ),
        case(
            "multimeter_interval",
            node("multimeter", "interval = 0.15"),
            Some("interval"),
            &["[[nodes]] \"x\" (multimeter)", "interval = 0.15", "must be a multiple of the simulation resolution (0.1 ms)"],
        ),
        case(
            "multimeter_record_from_twice",
            node("multimeter", "record_from = [\"V_m\", \"V_m\"]"),
            Some("record_from"),
            &["record_from = [\"V_m\", \"V_m\"]", "listed twice"],
        ),
        case(
            "recorder_record_to",
            node("spike_recorder", "record_to = \"database\""),
            Some("record_to"),
            &["record_to = \"database\"", "valid values are \"memory\", \"ascii\", \"screen\" and \"hdf5\""],
        ),
        // --- The kernel ---
        case(
            "resolution_zero",
            format!("[kernel]\nresolution = 0.0\n{SIMULATE}"),
            Some("resolution"),
            &["[kernel]", "resolution = 0.0", "positive time of at least 0.001 ms"],
        ),
        case(
            "tics_per_ms_resolution_off_the_tics",
            format!("[kernel]\nresolution = 0.1002\ntics_per_ms = 1000\n{SIMULATE}"),
            Some("tics_per_ms"),
            &["KernelException", "tics_per_ms = 1000, resolution = 0.1002", "Resolution must be a multiple of the tic length"],
        ),
        case(
            "tics_per_ms_resolution_below_a_tic",
            format!("[kernel]\nresolution = 0.0001\ntics_per_ms = 1024\n{SIMULATE}"),
            Some("tics_per_ms"),
            &["tics_per_ms = 1024", "Resolution must be greater than or equal to one tic"],
        ),
        case(
            "resolution_negative",
            format!("[kernel]\nresolution = -0.1\n{SIMULATE}"),
            Some("resolution"),
            &["resolution = -0.1", "positive"],
        ),
        case(
            "time_off_grid",
            "[kernel]\nresolution = 0.1\n[simulate]\ntime = 10.05\n".into(),
            Some("time = 10.05"),
            &["[simulate]", "time = 10.05", "must be a multiple of the simulation resolution (0.1 ms)"],
        ),
        case(
            "time_in_a_list_off_grid",
            "[simulate]\ntime = [10.0, 0.16]\n".into(),
            Some("time = "),
            &["time = 0.16", "multiple of the simulation resolution"],
        ),
        case(
            "time_negative",
            "[simulate]\ntime = -10.0\n".into(),
            Some("time"),
            &["time = -10.0", "must not be negative"],
        ),
        case(
            "time_infinite",
            "[simulate]\ntime = inf\n".into(),
            Some("time"),
            &["time = inf", "finite"],
        ),
        case(
            "threads_zero",
            format!("[kernel]\nthreads = 0\n{SIMULATE}"),
            Some("threads"),
            &["[kernel]", "threads = 0", "at least 1"],
        ),
        Case {
            args: &["--threads", "0"],
            ..case(
                "threads_zero_on_the_command_line",
                SIMULATE.trim_start().to_string(),
                None,
                &["--threads", "threads = 0", "at least 1"],
            )
        },
        case(
            "seed_negative",
            format!("[kernel]\nseed = -3\n{SIMULATE}"),
            Some("seed"),
            &["seed = -3", "expected a non-negative integer"],
        ),
        case(
            "delay_below_resolution",
            net(&connect("\"i\"", "\"i\"", "syn = { delay = 0.04 }")),
            Some("delay = 0.04"),
            &["[[connect]] #1 (i → i)", "syn.delay = 0.04", "BadDelay", "greater than or equal to the resolution (0.1 ms)"],
        ),
        case(
            "device_delay_below_resolution",
            net(&connect("\"sg\"", "\"i\"", "syn = { delay = 0.0 }")),
            Some("delay = 0.0"),
            &["[[connect]] #1 (sg → i)", "delay = 0.0", "BadDelay"],
        ),
        case(
            "delay_too_long",
            net(&connect("\"i\"", "\"i\"", "syn = { delay = 1e6 }")),
            Some("delay = 1e6"),
            &["syn.delay = 1000000.0", "exceeds the largest supported delay"],
        ),
        // --- Connections ---
        case(
            "unknown_pre",
            net(&connect("\"ii\"", "\"i\"", "")),
            Some("pre = \"ii\""),
            &["[[connect]] #1 (ii → i)", "pre = \"ii\"", "no [[nodes]] entry has this name", "did you mean \"i\""],
        ),
        case(
            "unknown_post",
            net(&connect("\"i\"", "[\"g\", \"excitatory\"]", "")),
            Some("post = "),
            &["post = \"excitatory\"", "nodes are: dc, g, i, mm, p, pg, sg, sr"],
        ),
        case(
            "receptor_outside_ports",
            net(&connect("\"i\"", "\"g\"", "syn = { receptor_type = 3 }")),
            Some("receptor_type = 3"),
            &["[[connect]] #1 (i → g)", "syn.receptor_type = 3", "IncompatibleReceptorType", "Valid: receptor_type for spikes into glif_cond: 1, 2"],
        ),
        case(
            "spike_into_port_0_of_a_conductance_model",
            net(&connect("\"sg\"", "\"g\"", "")),
            None,
            &["[[connect]] #1 (sg → g)", "syn.receptor_type = 0", "Receptor type 0 in glif_cond does not accept SpikeEvent", "1, 2"],
        ),
        case(
            "current_into_a_spike_port",
            net(&connect("\"dc\"", "\"g\"", "syn = { receptor_type = 1 }")),
            Some("receptor_type = 1"),
            &["[[connect]] #1 (dc → g)", "syn.receptor_type = 1", "UnknownReceptorType", "receptor_type for currents into glif_cond: 0"],
        ),
        case(
            "receptor_of_a_single_port_model",
            net(&connect("\"pg\"", "\"i\"", "syn = { receptor_type = 1 }")),
            Some("receptor_type = 1"),
            &["[[connect]] #1 (pg → i)", "Receptor type 1 is not available in iaf_psc_alpha", "for spikes into iaf_psc_alpha: 0"],
        ),
        case(
            "receptor_of_a_parrot",
            net(&connect("\"sg\"", "\"p\"", "syn = { receptor_type = 2 }")),
            Some("receptor_type = 2"),
            &["parrot_neuron", "syn.receptor_type = 2", "0, 1"],
        ),
        case(
            "multimeter_receptor",
            net(&connect("\"mm\"", "\"i\"", "syn = { receptor_type = 1 }")),
            Some("receptor_type = 1"),
            &["[[connect]] #1 (mm → i)", "receptor_type 0"],
        ),
        case(
            "record_from_unknown",
            net(&format!(
                "[[nodes]]\nname = \"mm2\"\nmodel = \"multimeter\"\nparams = {{ record_from = [\"g_ex\"] }}\n{}",
                connect("\"mm2\"", "\"i\"", "")
            )),
            None,
            &["[[connect]] #1 (mm2 → i)", "Cannot record g_ex from iaf_psc_alpha", "its recordables are V_m, I_syn_ex, I_syn_in"],
        ),
        case(
            "indegree_larger_than_the_sources",
            net(&connect("\"i\"", "\"g\"", "conn = { rule = \"fixed_indegree\", indegree = 4, allow_multapses = false }\nsyn = { receptor_type = 1 }")),
            Some("indegree = 4"),
            &["[[connect]] #1 (i → g)", "conn.indegree = 4", "Indegree cannot be larger than population size (3 sources, allow_multapses = false)"],
        ),
        case(
            "outdegree_larger_than_the_targets",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"fixed_outdegree\", outdegree = 5, allow_multapses = false }")),
            Some("outdegree = 5"),
            &["conn.outdegree = 5", "Outdegree cannot be larger than population size (3 targets"],
        ),
        case(
            "negative_indegree",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"fixed_indegree\", indegree = -1 }")),
            Some("indegree = -1"),
            &["conn.indegree = -1", "must not be negative"],
        ),
        case(
            "missing_indegree",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"fixed_indegree\" }")),
            Some("rule = \"fixed_indegree\""),
            &["conn.indegree = missing", "rule fixed_indegree needs indegree"],
        ),
        case(
            "parameter_of_another_rule",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"all_to_all\", p = 0.5 }")),
            Some("p = 0.5"),
            &["conn.p = 0.5", "p is a parameter of rule pairwise_bernoulli, not of all_to_all"],
        ),
        case(
            "probability_above_one",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"pairwise_bernoulli\", p = 1.5 }")),
            Some("p = 1.5"),
            &["[[connect]] #1 (i → i)", "conn.p = 1.5", "within [0, 1]"],
        ),
        case(
            "probability_negative",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"pairwise_bernoulli\", p = -0.1 }")),
            Some("p = -0.1"),
            &["conn.p = -0.1", "within [0, 1]"],
        ),
        case(
            "total_number_negative",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"fixed_total_number\", N = -5 }")),
            Some("N = -5"),
            &["conn.N = -5", "must not be negative"],
        ),
        case(
            "probability_missing",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"pairwise_bernoulli\" }")),
            Some("pairwise_bernoulli"),
            &["conn.p = missing", "rule pairwise_bernoulli needs p"],
        ),
        case(
            "delay_normal_std",
            net(&connect("\"i\"", "\"i\"", "syn = { delay = { distribution = \"normal\", mean = 1.0, std = -1.0 } }")),
            Some("distribution"),
            &["syn.delay = normal(1, -1)", "std > 0"],
        ),
        case(
            "total_number_without_multapses",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"fixed_total_number\", N = 4, allow_multapses = false }")),
            None,
            &["conn.rule = \"fixed_total_number\"", "NotImplemented", "allow_multapses = false"],
        ),
        case(
            "one_to_one_sizes",
            net(&connect("\"i\"", "\"g\"", "conn = { rule = \"one_to_one\" }\nsyn = { receptor_type = 1 }")),
            None,
            &["[[connect]] #1 (i → g)", "conn.rule = \"one_to_one\"", "DimensionMismatch", "3 sources, 2 targets"],
        ),
        case(
            "unknown_rule",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"fixed_in_degree\", indegree = 1 }")),
            Some("fixed_in_degree"),
            &["conn.rule = \"fixed_in_degree\"", "did you mean \"fixed_indegree\"", "valid rules are all_to_all, one_to_one"],
        ),
        case(
            "unknown_conn_key",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"all_to_all\", allow_autapse = false }")),
            Some("allow_autapse"),
            &["unknown parameter \"allow_autapse\"", "did you mean \"allow_autapses\""],
        ),
        case(
            "unknown_syn_key",
            net(&connect("\"i\"", "\"i\"", "syn = { wieght = 2.0 }")),
            Some("wieght"),
            &["unknown parameter \"wieght\" for syn_spec", "did you mean \"weight\""],
        ),
        case(
            "weight_not_finite",
            net(&connect("\"i\"", "\"i\"", "syn = { weight = nan }")),
            Some("weight = nan"),
            &["syn.weight = NaN", "must be finite"],
        ),
        case(
            "weight_uniform_reversed",
            net(&connect("\"i\"", "\"i\"", "syn = { weight = { distribution = \"uniform\", low = 2.0, high = 1.0 } }")),
            Some("distribution"),
            &["syn.weight = uniform(2, 1)", "BadProperty: nest::UniformParameter: min < max required."],
        ),
        case(
            "weight_normal_std",
            net(&connect("\"i\"", "\"i\"", "syn = { weight = { distribution = \"normal\", mean = 1.0, std = 0.0 } }")),
            Some("distribution"),
            &["syn.weight = normal(1, 0)", "std > 0"],
        ),
        case(
            "weight_unknown_distribution",
            net(&connect("\"i\"", "\"i\"", "syn = { weight = { distribution = \"gamma\", mu = 1.0 } }")),
            Some("gamma"),
            &["syn.weight.distribution = \"gamma\"", "valid distributions are constant (value), uniform (min, max), normal (mean, std), lognormal (mean, std), exponential (beta), uniform_int (max)"],
        ),
        case(
            "weight_distribution_missing_key",
            net(&connect("\"i\"", "\"i\"", "syn = { weight = { op = \"add\", left = 1.0 } }")),
            Some("op"),
            &["syn.weight.right = missing", "add operation needs right"],
        ),
        case(
            "delay_uniform_below_resolution",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"pairwise_bernoulli\", p = 0.5 }\nsyn = { delay = { distribution = \"uniform\", low = 0.01, high = 2.0 } }")),
            Some("delay = "),
            &["[[connect]] #1 (i → i)", "delay = 0.01", "BadDelay"],
        ),
        case(
            "delay_normal_draws_below_resolution",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"fixed_outdegree\", outdegree = 3 }\nsyn = { delay = { distribution = \"normal\", mean = 1.0, std = 5.0 } }")),
            None,
            &["[[connect]] #1 (i → i)", "syn.delay = { distribution = \"normal\", mean = 1.0, std = 5.0 }", "BadDelay", "a drawn delay of"],
        ),
        case(
            "synapse_model",
            net(&connect("\"i\"", "\"i\"", "syn = { synapse_model = \"stdp_synapsx\" }")),
            Some("stdp_synapsx"),
            &["synapse_model = \"stdp_synapsx\"", "UnknownSynapseType", "Synapse with name stdp_synapsx does not exist"],
        ),
        case(
            "spike_recorder_as_a_source",
            net(&connect("\"sr\"", "\"i\"", "")),
            None,
            &["[[connect]] #1 (sr → i)", "IllegalConnection", "pre = neurons, post = recorder"],
        ),
        case(
            "multimeter_as_a_target",
            net(&connect("\"i\"", "\"mm\"", "")),
            None,
            &["[[connect]] #1 (i → mm)", "IllegalConnection", "pre = multimeter, post = neurons"],
        ),
        case(
            "multimeter_into_a_recorder",
            net(&connect("\"mm\"", "\"sr\"", "")),
            None,
            &["[[connect]] #1 (mm → sr)", "a multimeter can only record from neurons"],
        ),
        case(
            "current_generator_into_a_spike_recorder",
            net(&connect("\"dc\"", "\"sr\"", "")),
            None,
            &["[[connect]] #1 (dc → sr)", "spike_recorder accepts only spike events"],
        ),
        case(
            "into_a_generator",
            net(&connect("\"i\"", "\"sg\"", "")),
            None,
            &["[[connect]] #1 (i → sg)", "stimulating devices do not accept incoming connections"],
        ),
        // --- Resources ---
        case(
            "memory_10_to_the_12_synapses",
            net(&connect("\"i\"", "\"i\"", "conn = { rule = \"fixed_indegree\", indegree = 1000000000000 }")),
            None,
            &["network", "the network needs about 18.00 TB but only", "are available", "3.000e12 synapses of [[connect]] #1 (i → i)"],
        ),
        case(
            "memory_device_connections",
            net(&connect("\"pg\"", "\"i\"", "conn = { rule = \"fixed_indegree\", indegree = 1000000000000 }")),
            None,
            &["the network needs about", "device connections of [[connect]] #1 (pg → i)"],
        ),
        Case {
            env: &[("SPINDLE_MEMORY_LIMIT", "1MB")],
            ..case(
                "memory_limit_from_the_environment",
                net(&connect("\"i\"", "\"i\"", "conn = { rule = \"fixed_total_number\", N = 1000000 }")),
                None,
                &["the network needs about", "only 1.00 MB are available (SPINDLE_MEMORY_LIMIT=1MB)", "1.000e6 synapses of [[connect]] #1"],
            )
        },
        Case {
            env: &[("SPINDLE_MEMORY_LIMIT", "a lot")],
            ..case(
                "memory_limit_unreadable",
                SIMULATE.trim_start().to_string(),
                None,
                &["SPINDLE_MEMORY_LIMIT", "\"a lot\"", "unknown unit"],
            )
        },
        Case {
            args: &["-o", "no/such/folder/out.h5"],
            ..case(
                "output_folder_missing",
                SIMULATE.trim_start().to_string(),
                None,
                &["output no/such/folder/out.h5", "the folder no/such/folder does not exist"],
            )
        },
        Case {
            args: &["-o", "."],
            ..case(
                "output_is_a_folder",
                SIMULATE.trim_start().to_string(),
                None,
                &["output .", "is a folder; give a file name"],
            )
        },
        Case {
            args: &["--stats", "no/such/folder/stats.json"],
            ..case(
                "stats_folder_missing",
                SIMULATE.trim_start().to_string(),
                None,
                &["--stats no/such/folder/stats.json", "the folder does not exist"],
            )
        },
    ];
    // Every case names its scenario file; the scenario's own output file must not appear.
    v.sort_by_key(|c| c.name);
    v
}

/// The 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not in the scenario"))
        + 1
}

#[test]
fn every_bad_input_fails_with_one_clear_line_before_any_output_exists() {
    let dir = scratch("bad_input");
    let mut failures = Vec::new();
    let all = cases();
    for c in &all {
        let file = format!("{}.toml", c.name);
        std::fs::write(dir.join(&file), &c.text).unwrap();
        let output = format!("{}.h5", c.name);
        let mut args = vec!["run", file.as_str()];
        if !c.args.contains(&"-o") {
            args.extend(["-o", output.as_str()]);
        }
        args.extend(c.args);
        let out = spindle(&args, c.env, &dir);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        let mut problems = Vec::new();
        if out.status.code() != Some(2) {
            problems.push(format!("exit status {:?}, not 2", out.status.code()));
        }
        if err.contains("panicked")
            || err.contains("RUST_BACKTRACE")
            || err.contains("stack backtrace")
        {
            problems.push("a panic".to_string());
        }
        let errors = err.lines().filter(|l| l.starts_with("error: ")).count();
        let others = err
            .lines()
            .filter(|l| !l.starts_with("error: ") && !l.starts_with("warning: "))
            .count();
        if errors != 1 || others != 0 {
            problems.push(format!("{errors} error lines and {others} other lines"));
        }
        // File name, and the line of the offending key where the parser knows it.
        let uses_scenario = !c.name.starts_with("memory_limit_unreadable")
            && !c.name.starts_with("output_")
            && !c.name.starts_with("stats_");
        if uses_scenario && !err.contains(&file) {
            problems.push(format!("the file name {file} is missing"));
        }
        if let Some(needle) = c.at {
            let at = format!("{file}:{}:", line_of(&c.text, needle));
            if !err.contains(&at) {
                problems.push(format!("the location {at} is missing"));
            }
        }
        for w in c.words {
            if !err.contains(w) {
                problems.push(format!("{w:?} is missing"));
            }
        }
        for leftover in [output.clone(), format!("{output}.partial")] {
            if dir.join(&leftover).exists() {
                problems.push(format!("{leftover} was created"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n    stderr: {err}",
                c.name,
                problems.join("; ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// Input NEST accepts but that is probably not what was meant: a warning naming the node or
/// connection, and the run goes on (also with --quiet).
#[test]
fn surprising_input_warns_and_runs() {
    let dir = scratch("warnings");
    let cases: &[(&str, String, &str, &[&str])] = &[
        (
            "negative_conductance_weight",
            net(&connect("\"sg\"", "\"g\"", "syn = { weight = -5.0, receptor_type = 2 }")),
            "weight = -5.0",
            &["[[connect]] #1 (sg → g)", "negative weight -5 into conductance port 2 (E_rev = -85 mV)", "depolarise"],
        ),
        (
            "negative_drawn_conductance_weight",
            net(&connect("\"i\"", "\"g\"", "conn = { rule = \"fixed_indegree\", indegree = 2 }\nsyn = { weight = { distribution = \"normal\", mean = 1.0, std = 1.0 }, receptor_type = 1 }")),
            "weight = ",
            &["[[connect]] #1 (i → g)", "negative weight", "conductance port 1"],
        ),
        (
            "poisson_rate_many_spikes_per_step",
            node("poisson_generator", "rate = 500000.0"),
            "rate",
            &["[[nodes]] \"x\" (poisson_generator)", "rate = 500000.0", "expects 5.000e1 spikes per 0.1 ms step (more than 10)", "spikes/s"],
        ),
    ];
    for (name, text, at, words) in cases {
        let file = format!("{name}.toml");
        std::fs::write(dir.join(&file), text).unwrap();
        let output = format!("{name}.h5");
        let out = spindle(&["run", &file, "-o", &output, "--quiet"], &[], &dir);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {err}");
        assert!(
            err.lines().all(|l| l.starts_with("warning: ")) && !err.is_empty(),
            "{name}: {err}"
        );
        assert!(
            err.contains(&format!("{file}:{}:", line_of(text, at))),
            "{name}: no location in {err}"
        );
        for w in *words {
            assert!(err.contains(w), "{name}: {w:?} not in {err}");
        }
        assert!(dir.join(&output).exists(), "{name}: no output");
        assert!(
            out.stdout.is_empty(),
            "{name}: --quiet printed {:?}",
            out.stdout
        );
    }
}

#[test]
fn an_existing_output_is_kept_unless_overwrite_and_replaced_only_by_a_complete_file() {
    let dir = scratch("keep_output");
    std::fs::write(dir.join("s.toml"), net("")).unwrap();
    std::fs::write(dir.join("s.h5"), b"precious").unwrap();
    let out = spindle(&["run", "s.toml", "-o", "s.h5"], &[], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("output s.h5 already exists") && err.contains("--overwrite"),
        "{err}"
    );
    assert_eq!(std::fs::read(dir.join("s.h5")).unwrap(), b"precious");

    // A bad scenario with --overwrite: the old file is kept too (validation comes first).
    std::fs::write(dir.join("bad.toml"), node("iaf_psc_alpha", "C_m = -1.0")).unwrap();
    let out = spindle(&["run", "bad.toml", "-o", "s.h5", "--overwrite"], &[], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(dir.join("s.h5")).unwrap(), b"precious");

    let out = spindle(
        &["run", "s.toml", "-o", "s.h5", "--overwrite", "-q"],
        &[],
        &dir,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(std::fs::read(dir.join("s.h5")).unwrap(), b"precious");
    assert!(!dir.join("s.h5.partial").exists());
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_is_not_writable_fails_before_simulating() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("read_only");
    std::fs::write(dir.join("s.toml"), net("")).unwrap();
    let locked = dir.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root may write anywhere: then there is nothing to refuse.
    let probe = locked.join("probe");
    if std::fs::write(&probe, b"").is_ok() {
        let _ = std::fs::remove_file(&probe);
        eprintln!("note: running with permission to write into a 0555 folder (root?); skipping the read-only case");
        return;
    }
    let out = spindle(&["run", "s.toml", "-o", "locked/out.h5"], &[], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("output locked/out.h5: the folder locked is not writable"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(std::fs::read_dir(&locked).unwrap().count(), 0);
}

/// The memory check must not refuse the benchmark networks (15.65 M synapses).
#[test]
fn the_benchmark_networks_fit_the_memory_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for name in ["brunel_alpha", "glif_net"] {
        let path = root.join(format!("benches/scenarios/{name}.toml"));
        let scenario = spindle::Scenario::load(&path).unwrap();
        let limit = spindle::MemoryLimit::Bytes {
            bytes: 1_000_000_000,
            source: "a 1 GB test limit".into(),
        };
        // Build without running: the estimate is checked before anything is connected.
        let net = spindle::Network::build_within(
            &scenario,
            &spindle::RunOptions {
                threads: Some(2),
                seed: None,
            },
            &limit,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            net.memory_estimate > 5e7 && net.memory_estimate < 3e8,
            "{name}: estimate {} bytes",
            net.memory_estimate
        );
    }
}
