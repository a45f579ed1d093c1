//! The `spindle` command-line program.
//!
//! `spindle run SCENARIO.toml` validates the scenario, builds the network, simulates it with a
//! progress bar on a terminal, writes the recordings to HDF5 (on a writer thread, with
//! checkpoints, and in SONATA's layout too with `--sonata`: spikes in the file, multimeters as
//! SONATA report files beside it) and prints a summary; `--plot DIR`
//! also draws the GLIF figures of every recorded GLIF neuron. Every error is reported as one
//! message naming the file, node, key and value, with a non-zero exit status.
//!
//! Ctrl-C (SIGINT) or SIGTERM stops the run at once (every thread checks before each time
//! step, so even a long slice stops within a step's work): the file is closed at the last
//! slice boundary, whose recordings it holds whole, and the program says how far it got and
//! exits with 130 (143 for SIGTERM). A second signal ends it at once, leaving the file as a crash would (readable up to
//! its last checkpoint).

mod plot;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use signal_hook::consts::signal::{SIGINT, SIGTERM};
use spindle::core::comm::Communicator;
use spindle::core::recording::{NullSink, RecordSink};
use spindle::core::RunError;
use spindle::{Network, RunOptions, Scenario};
use spindle_io::{Hdf5Options, Hdf5Sink, ThreadedSink};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(
    name = "spindle",
    version,
    about = "A multi-threaded spiking neural network simulator with NEST's semantics"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario file and write its recordings to HDF5.
    Run(RunArgs),
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// The HDF5 output file (default: the scenario's file stem with .h5, in the current folder).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Worker threads (overrides [kernel] threads; default: all cores).
    #[arg(short, long)]
    threads: Option<usize>,
    /// Random seed (overrides [kernel] seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Also write the GLIF figures (one PNG per recorded GLIF neuron) into this folder.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    overwrite: bool,
    /// Print nothing but warnings and errors.
    #[arg(short, long)]
    quiet: bool,
    /// Write the run's measurements (times, counts, memory of the synapse store) as JSON to
    /// this file, for benchmark harnesses.
    #[arg(long, value_name = "FILE")]
    stats: Option<PathBuf>,
    /// Also write the spikes in SONATA's layout, /spikes/<population>/{timestamps,node_ids},
    /// and every multimeter recordable as a SONATA report file beside the output,
    /// OUTPUT_STEM.<multimeter>.<recordable>.h5 (as `[output] sonata = true` does).
    #[arg(long)]
    sonata: bool,
    /// Also write the final connections, /connections/{source,target,weight,delay,
    /// synapse_model}, at the end of the run (as `[output] connections = true` does).
    #[arg(long)]
    connections: bool,
    /// Wall-clock seconds between checkpoints of the output file; a crash loses at most the
    /// data since the last one. Every Simulate also ends with one.
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    flush_interval: f64,
    /// Write without HDF5's single-writer/multiple-reader mode: HDF5 1.8 can then read the
    /// file, but nothing can read it while the run goes, and a crash may leave it unreadable.
    #[arg(long)]
    no_swmr: bool,
    /// Deflate level (1–9) of the multimeters' value datasets, 0 to store them uncompressed.
    /// Their chunks are compressed on every core; membrane potentials compress little
    /// (level 1: ~92 % of the bytes), so 0 is the fastest way to record many traces.
    #[arg(long, value_name = "LEVEL", default_value_t = spindle_io::DEFAULT_SAMPLE_COMPRESSION)]
    compression: u8,
}

/// A failure the user must act on: printed as one message, exit status 2 for bad input and 1
/// for failures while running; or a run stopped by a signal (exit status 128 + the signal).
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn input(message: impl ToString) -> Failure {
        Failure {
            message: message.to_string(),
            code: 2,
        }
    }

    fn runtime(message: impl ToString) -> Failure {
        Failure {
            message: message.to_string(),
            code: 1,
        }
    }

    fn is_interruption(&self) -> bool {
        self.code > 128
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // MPI first: under `mpirun` every rank runs this program, and any rank that fails must end
    // them all (a rank left waiting in a collective would hang the job).
    let mpi = match spindle_mpi::init() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let comm: Arc<dyn Communicator> = Arc::from(mpi.comm);
    let result = match cli.command {
        Command::Run(args) => run(&args, &comm),
    };
    if comm.size() > 1 {
        if let Err(f) = &result {
            eprintln!(
                "error (rank {} of {}): {}",
                comm.rank(),
                comm.size(),
                f.message
            );
            comm.abort(i32::from(f.code));
        }
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) if f.is_interruption() => {
            eprintln!("{}", f.message);
            ExitCode::from(f.code)
        }
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Flags raised by SIGINT and SIGTERM: `any` is read by the kernel before every step (a
/// long slice stops at once), the other two tell which signal came.
struct StopRequest {
    interrupt: Arc<AtomicBool>,
    terminate: Arc<AtomicBool>,
    any: Arc<AtomicBool>,
}

impl StopRequest {
    fn install() -> Result<StopRequest, Failure> {
        let stop = StopRequest {
            interrupt: Arc::new(AtomicBool::new(false)),
            terminate: Arc::new(AtomicBool::new(false)),
            any: Arc::new(AtomicBool::new(false)),
        };
        for (signal, flag) in [(SIGINT, &stop.interrupt), (SIGTERM, &stop.terminate)] {
            // The shutdown goes first: it fires only if the flag was already raised, i.e. on a
            // second signal, when waiting for the slice boundary is not what the user wants.
            signal_hook::flag::register_conditional_shutdown(
                signal,
                128 + signal,
                Arc::clone(flag),
            )
            .and_then(|_| signal_hook::flag::register(signal, Arc::clone(flag)))
            .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop.any)))
            .map_err(|e| Failure::runtime(format!("cannot handle signal {signal}: {e}")))?;
        }
        Ok(stop)
    }

    fn requested(&self) -> bool {
        self.interrupt.load(Ordering::Relaxed) || self.terminate.load(Ordering::Relaxed)
    }

    /// The exit status of a run stopped by the signal that was received.
    fn exit_code(&self) -> u8 {
        if self.terminate.load(Ordering::Relaxed) && !self.interrupt.load(Ordering::Relaxed) {
            128 + SIGTERM as u8
        } else {
            128 + SIGINT as u8
        }
    }
}

fn default_output(scenario: &Path) -> PathBuf {
    let stem = scenario.file_stem().unwrap_or_default();
    PathBuf::from(stem).with_extension("h5")
}

/// Refuse an output path we cannot or must not write, before anything is simulated.
fn check_output(path: &Path, overwrite: bool) -> Result<(), Failure> {
    if path.as_os_str().is_empty() {
        return Err(Failure::input("output \"\": give a file name"));
    }
    if path.is_dir() {
        return Err(Failure::input(format!(
            "output {}: is a folder; give a file name",
            path.display()
        )));
    }
    if path.exists() && !overwrite {
        return Err(Failure::input(format!(
            "output {} already exists; choose another --output or pass --overwrite to replace it",
            path.display()
        )));
    }
    let partial = partial_path(path);
    if partial.exists() && !overwrite {
        return Err(Failure::input(format!(
            "output {}: {} exists, the file of an earlier run that did not complete; \
             move it away or pass --overwrite to replace it",
            path.display(),
            partial.display()
        )));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(Failure::input(format!(
            "output {}: the folder {} does not exist",
            path.display(),
            parent.display()
        )));
    }
    check_writable(&parent).map_err(|e| {
        Failure::input(format!(
            "output {}: the folder {} is not writable ({e})",
            path.display(),
            parent.display()
        ))
    })
}

/// Whether we can create files in `folder`: by creating (and removing) one, since permission
/// bits alone do not tell (ACLs, read-only mounts, another owner, root).
fn check_writable(folder: &Path) -> std::io::Result<()> {
    let probe = folder.join(format!(".spindle-write-test-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    std::fs::remove_file(&probe)
}

/// Where the output is written while the run lasts; it is renamed to the output path only
/// when the file is complete, so that a run that fails leaves no partial file under the
/// output's name (and `--overwrite` replaces the old file only with a complete new one).
fn partial_path(output: &Path) -> PathBuf {
    let mut name = output.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    output.with_file_name(name)
}

/// The memory limit of the network: `SPINDLE_MEMORY_LIMIT` (e.g. `100MB`, `2GiB`,
/// `unlimited`) if set, else what the machine has available.
fn memory_limit() -> Result<spindle::MemoryLimit, Failure> {
    const VAR: &str = "SPINDLE_MEMORY_LIMIT";
    match std::env::var(VAR) {
        Err(_) => Ok(spindle::MemoryLimit::Available),
        Ok(text) => match spindle::resources::parse_size(&text) {
            Ok(Some(bytes)) => Ok(spindle::MemoryLimit::Bytes {
                bytes,
                source: format!("{VAR}={text}"),
            }),
            Ok(None) => Ok(spindle::MemoryLimit::Unlimited),
            Err(e) => Err(Failure::input(format!("{VAR}: {e}"))),
        },
    }
}

fn run(args: &RunArgs, comm: &Arc<dyn Communicator>) -> Result<(), Failure> {
    // On several ranks, rank 0 writes the output and reports; every rank simulates its share.
    let root = comm.rank() == 0;
    let scenario = Scenario::load(&args.scenario).map_err(Failure::input)?;
    let output = args
        .output
        .clone()
        .or_else(|| scenario.output.file.clone())
        .unwrap_or_else(|| default_output(&args.scenario));
    if root {
        check_output(&output, args.overwrite)?;
    }
    if let Some(stats) = &args.stats {
        if stats.is_dir() {
            return Err(Failure::input(format!(
                "--stats {}: is a folder; give a file name",
                stats.display()
            )));
        }
        let folder = stats.parent().filter(|p| !p.as_os_str().is_empty());
        if folder.is_some_and(|f| !f.is_dir()) {
            return Err(Failure::input(format!(
                "--stats {}: the folder does not exist",
                stats.display()
            )));
        }
    }
    let opts = RunOptions {
        threads: args.threads,
        seed: args.seed,
    };
    let mut network =
        Network::build_distributed(&scenario, &opts, &memory_limit()?, Arc::clone(comm))
            .map_err(Failure::input)?;
    // Warnings are printed even with --quiet: they describe input that NEST accepts but that
    // is probably not what was meant.
    for w in network.warnings.iter().filter(|_| root) {
        eprintln!("warning: {w}");
    }
    if let Some(dir) = &args.plot {
        if dir.exists() && !dir.is_dir() {
            return Err(Failure::input(format!(
                "--plot {}: exists and is not a folder",
                dir.display()
            )));
        }
    }

    if !(args.flush_interval.is_finite() && (0.0..=1e9).contains(&args.flush_interval)) {
        return Err(Failure::input(format!(
            "--flush-interval {}: give a number of seconds ≥ 0",
            args.flush_interval
        )));
    }
    if args.compression > 9 {
        return Err(Failure::input(format!(
            "--compression {}: give a deflate level from 0 (none) to 9",
            args.compression
        )));
    }
    let options = Hdf5Options {
        compression: args.compression,
        overwrite: args.overwrite,
        sonata: args.sonata || scenario.output.sonata,
        connections: args.connections || scenario.output.connections,
        swmr: !args.no_swmr,
        checkpoint_interval: Duration::from_secs_f64(args.flush_interval),
    };
    // Names the file cannot hold are bad input: refuse them before creating it.
    spindle_io::check_layout(
        &output,
        &network.nodes,
        network.simulation.recording_layout(),
        &options,
    )
    .map_err(Failure::input)?;
    // With SONATA output every multimeter recordable is a report file beside the output,
    // written and renamed like it.
    let reports = match options.sonata {
        true => spindle_io::report_paths(
            &output,
            &network.nodes,
            network.simulation.recording_layout(),
        ),
        false => Vec::new(),
    };
    if root {
        for report in &reports {
            check_output(report, args.overwrite)?;
        }
    }

    let stop = StopRequest::install()?;
    network.simulation.set_stop_flag(Arc::clone(&stop.any));
    // The file is written as OUTPUT.partial and gets its name only when the run completes,
    // so a file under the output name is always a whole run.
    let partial = partial_path(&output);
    let options = Hdf5Options {
        overwrite: true, // check_output refused an existing .partial without --overwrite
        ..options
    };
    let mut file_sink = match root {
        true => Some(ThreadedSink::new(
            Hdf5Sink::create_with(&partial, &network.run_info(), &network.nodes, &options)
                .map_err(Failure::runtime)?,
        )),
        false => None,
    };
    let mut no_output = NullSink;
    let sink: &mut dyn RecordSink = match &mut file_sink {
        Some(s) => s,
        None => &mut no_output,
    };
    let total = network.total_steps();
    let h = network.resolution;
    let bar = (root && !args.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(total.max(1) as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {msg}")
                .expect("the progress template is valid"),
        );
        bar
    });
    let started = Instant::now();
    let mut last_draw = Instant::now();
    let mut progress = |now: i64| {
        if let Some(bar) = &bar {
            if last_draw.elapsed() > Duration::from_millis(100) || now == total {
                last_draw = Instant::now();
                let sim_ms = now as f64 * h;
                let wall = started.elapsed().as_secs_f64().max(1e-9);
                bar.set_position(now as u64);
                bar.set_message(format!(
                    "{sim_ms:.1} / {:.1} ms, real-time factor {:.2}",
                    total as f64 * h,
                    wall * 1000.0 / sim_ms.max(1e-9)
                ));
            }
        }
        !stop.requested()
    };
    let result = network.simulate(sink, &mut progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let sim_time = started.elapsed();
    // Whatever happened, wait for the writer and close the file (an interrupted run's file
    // holds everything up to where it stopped).
    // Collective on several ranks: every rank takes part, rank 0 writes.
    let connections = (options.connections && result.is_ok())
        .then(|| network.gathered_connection_table(&**comm))
        .flatten();
    let closed = match file_sink {
        Some(sink) => sink.finish().and_then(|mut file| {
            if let Some(table) = &connections {
                file.write_connections(table)?;
            }
            file.finish().map_err(Into::into)
        }),
        None => Ok(()),
    };
    let finished = match result {
        Err(spindle::Error::Run(RunError::Interrupted { at_ms })) => {
            closed.map_err(Failure::runtime)?;
            return Err(Failure {
                message: format!(
                    "interrupted at t = {at_ms} ms of {} ms; {} holds the data up to {at_ms} ms \
                     (rename it to keep it){}",
                    total as f64 * h,
                    partial.display(),
                    match reports.len() {
                        0 => String::new(),
                        n => format!(
                            "; so do its {n} SONATA report files ({}, …)",
                            partial_path(&reports[0]).display()
                        ),
                    }
                ),
                code: stop.exit_code(),
            });
        }
        // A run fails on its own (a diverging neuron, the output file); any other error is
        // input found while running, e.g. a bad value in an `[[actions]]` entry.
        Err(e @ spindle::Error::Run(_)) => Err(Failure::runtime(e)),
        Err(e) => Err(Failure::input(e)),
        Ok(()) => closed.map_err(Failure::runtime),
    }
    .and_then(|()| {
        if !root {
            return Ok(());
        }
        if !args.overwrite && output.exists() {
            return Err(Failure::runtime(format!(
                "output {} appeared while the run went on; not replaced (pass --overwrite)",
                output.display()
            )));
        }
        if let Some(report) = reports.iter().find(|r| !args.overwrite && r.exists()) {
            return Err(Failure::runtime(format!(
                "SONATA report {} appeared while the run went on; not replaced (pass --overwrite)",
                report.display()
            )));
        }
        // The reports first: a file under the output's name means a whole run.
        for (from, to) in reports
            .iter()
            .map(|r| (partial_path(r), r))
            .chain([(partial.clone(), &output)])
        {
            std::fs::rename(&from, to).map_err(|e| {
                Failure::runtime(format!(
                    "cannot move {} to {}: {e}",
                    from.display(),
                    to.display()
                ))
            })?;
        }
        Ok(())
    });
    if let Err(mut f) = finished {
        // A failed run leaves no partial file behind under any name.
        let _ = std::fs::remove_file(&partial);
        for report in &reports {
            let _ = std::fs::remove_file(partial_path(report));
        }
        f.message.push_str(" (no output file was written)");
        return Err(f);
    }

    let sim = &network.simulation;
    // Counts of the whole network: each rank knows its own synapses and events.
    let connections = comm.sum(sim.connection_count() as u64);
    let synapses = comm.sum(sim.synapse_count() as u64);
    let synapse_bytes = comm.sum(sim.synapse_bytes() as u64);
    let events = comm.sum(sim.delivered_events());
    if !root {
        return Ok(());
    }
    if !args.quiet {
        let simulated_ms = total as f64 * h;
        println!("spindle {}: {}", spindle::VERSION, args.scenario.display());
        println!(
            "  nodes {}, connections {connections}, {}threads {}, seed {}",
            sim.node_count(),
            match comm.size() {
                1 => String::new(),
                r => format!("ranks {r} × "),
            },
            network.threads,
            network.seed
        );
        println!(
            "  simulated {simulated_ms} ms: {} spikes",
            sim.spike_count()
        );
        println!(
            "  build {:.3} s, simulation {:.3} s (real-time factor {:.3})",
            network.build_time.as_secs_f64(),
            sim_time.as_secs_f64(),
            if simulated_ms > 0.0 {
                sim_time.as_secs_f64() * 1000.0 / simulated_ms
            } else {
                0.0
            }
        );
        println!("  output {}", output.display());
    }

    if let Some(path) = &args.stats {
        let stats = serde_json::json!({
            "scenario": args.scenario.display().to_string(),
            "threads": network.threads,
            "ranks": comm.size(),
            "seed": network.seed,
            "nodes": sim.node_count(),
            "connections": connections,
            "synapses": synapses,
            "synapse_store_bytes": synapse_bytes,
            "estimated_memory_bytes": network.memory_estimate,
            "simulated_ms": total as f64 * h,
            "spikes": sim.spike_count(),
            "events": events,
            "build_s": network.build_time.as_secs_f64(),
            "simulate_s": sim_time.as_secs_f64(),
        });
        std::fs::write(path, format!("{stats:#}\n"))
            .map_err(|e| Failure::runtime(format!("--stats {}: {e}", path.display())))?;
    }

    if let Some(dir) = &args.plot {
        let file = spindle_io::read_hdf5(&output).map_err(Failure::runtime)?;
        let names = |id: i64| network.node_name(spindle::core::NodeId(id as u32));
        let written = plot::glif_figures(&file.recording, &names, dir).map_err(Failure::runtime)?;
        if !args.quiet {
            println!("  figures {} in {}", written.len(), dir.display());
        }
    }
    Ok(())
}
