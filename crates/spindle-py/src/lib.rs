//! `spindle._spindle`: the native half of spindle's Python package.
//!
//! The Python half (`python/spindle/`) keeps the network a script describes as a scenario
//! (`docs/scenario-format.md`) and hands it here as TOML text, the same text that
//! `spindle.export_scenario` writes. So a Python run and `spindle run` on the exported file
//! go through one parser and one builder ([`spindle::Network::build`]), and give the same
//! results bit for bit.
//!
//! This module offers three things:
//!
//! * checks that raise NEST's exceptions while the script runs: [`node_info`] (one `Create`)
//!   and [`check_network`] (one `Connect`, built against the nodes made so far);
//! * [`Engine`]: the built network, simulated call by call with the GIL released, recording
//!   into memory and, when asked, into an HDF5 file (`docs/output-format.md`);
//! * the data a script reads back: recorder events, neuron state, connections.
//!
//! Errors become instances of the exception classes of `spindle.kernel`, named as NEST names
//! them (`BadProperty`, `UnknownModelName`, `IncompatibleReceptorType`, …).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use spindle::core::params::ParamError;
use spindle::core::recording::{RecordSink, RecordingLayout, SampleBlock, SinkError};
use spindle::core::{BuildError, NodeId, TimeGrid};
use spindle::registry::{self, NodeModel};
use spindle::{Error, Network, RunOptions, Scenario};
use spindle_io::{Hdf5Sink, MemorySink};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A Python exception of class `spindle.kernel.<kind>` (NEST's name) with `message`.
fn nest_error(py: Python<'_>, kind: &str, message: impl Into<String>) -> PyErr {
    let message = message.into();
    let made = py.import("spindle.kernel").and_then(|m| {
        let class = m.getattr(kind).or_else(|_| m.getattr("KernelException"))?;
        class.call1((message.clone(),))
    });
    match made {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// Find a NEST exception name in a spindle message: spindle's rejections read
/// `"… Kind: message"` (e.g. `"delay = 0.01: BadDelay: delay must be …"`). Returns the
/// name and the message without it.
fn split_kind(text: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = text.split(": ").collect();
    let at = parts
        .iter()
        .take(parts.len().saturating_sub(1))
        .position(|p| {
            p.len() > 3
                && p.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && p.chars().all(|c| c.is_ascii_alphanumeric())
                && p.chars().skip(1).any(|c| c.is_ascii_uppercase())
        })?;
    let mut rest = parts.clone();
    let kind = rest.remove(at).to_string();
    Some((kind, rest.join(": ")))
}

/// NEST's exception name and message for a parameter problem.
fn param_kind(e: &ParamError) -> (String, String) {
    match e {
        ParamError::Rule { kind, message, .. } => ((*kind).to_string(), message.clone()),
        ParamError::Unknown {
            key, suggestion, ..
        } => (
            "UnaccessedDictionaryEntry".into(),
            format!(
                "Unaccessed elements in params: {key}{}",
                suggestion
                    .as_ref()
                    .map(|s| format!(" (did you mean {s:?}?)"))
                    .unwrap_or_default()
            ),
        ),
        // Some value checks name NEST's exception in their message ("BadDelay: …").
        ParamError::Invalid {
            key,
            value,
            message,
        } => match split_kind(message) {
            Some((kind, rest)) => (kind, format!("{key} = {value}: {rest}")),
            None => ("BadProperty".into(), e.to_string()),
        },
        other => ("BadProperty".into(), other.to_string()),
    }
}

/// NEST's exception name and message for a spindle error. The scenario location is left out:
/// a script's author wrote no scenario, and the Python side says which call failed.
fn error_kind(e: &Error) -> (String, String) {
    match e {
        Error::Param { source, .. } => param_kind(source),
        Error::Build { source, .. } => match source {
            BuildError::Connect { reason, .. } => (reason.kind.to_string(), reason.message.clone()),
            BuildError::BadDelay { .. } | BuildError::DelayTooLong { .. } => {
                let text = source.to_string();
                let message = split_kind(&text).map_or(text, |(_, m)| m);
                ("BadDelay".into(), message)
            }
            BuildError::UnknownNode(id) => (
                "UnknownNode".into(),
                format!("Node with id {id} does not exist."),
            ),
            BuildError::Rule { message, .. } => {
                split_kind(message).unwrap_or_else(|| ("BadProperty".into(), message.clone()))
            }
            other => ("KernelException".into(), other.to_string()),
        },
        Error::Invalid { message, .. } => {
            split_kind(message).unwrap_or_else(|| ("BadProperty".into(), message.clone()))
        }
        Error::Read { .. } => ("IOError".into(), e.to_string()),
        other => ("KernelException".into(), other.to_string()),
    }
}

fn py_error(py: Python<'_>, e: &Error) -> PyErr {
    let (kind, message) = error_kind(e);
    nest_error(py, &kind, message)
}

/// The names of every model spindle implements, in NEST's names.
#[pyfunction]
fn model_names() -> Vec<&'static str> {
    registry::model_names()
}

/// The parameter keys a model accepts (`None` for an unknown model).
#[pyfunction]
fn model_keys(model: &str) -> Option<Vec<&'static str>> {
    registry::model_keys(model).map(<[_]>::to_vec)
}

/// Validate every `[[nodes]]` entry of `scenario` (TOML text) as `Create` would, and return
/// per entry a dict: `element_type` (`neuron`, `stimulator`, `recorder`), and for neurons
/// `recordables` (names, in the model's table order) with their `initial` values.
#[pyfunction]
fn node_info<'py>(py: Python<'py>, scenario: &str) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let parsed = Scenario::parse(scenario, None).map_err(|e| py_error(py, &e))?;
    let grid = TimeGrid::from_resolution_ms(parsed.kernel.resolution).ok_or_else(|| {
        nest_error(
            py,
            "BadProperty",
            format!(
                "resolution = {}: the resolution must be a positive time of at least 0.001 ms",
                parsed.kernel.resolution
            ),
        )
    })?;
    let mut out = Vec::new();
    for spec in &parsed.nodes {
        let made = registry::create(&spec.model, spec.params.clone(), &grid)
            .map_err(|u| {
                nest_error(
                    py,
                    "UnknownModelName",
                    format!("{} is not a known model name.", u.name),
                )
            })?
            .map_err(|e| {
                let (kind, message) = param_kind(&e);
                nest_error(py, &kind, message)
            })?;
        let info = PyDict::new(py);
        match made {
            NodeModel::Neuron(model) => {
                info.set_item("element_type", "neuron")?;
                let table = model.recordables();
                let state = model.instantiate(1);
                let names: Vec<&str> = table.iter().map(|r| r.name.as_str()).collect();
                let values: Vec<f64> = (0..table.len()).map(|i| state.recordable(i, 0)).collect();
                info.set_item("recordables", names)?;
                info.set_item("initial", values)?;
            }
            NodeModel::Stimulus(_) => info.set_item("element_type", "stimulator")?,
            NodeModel::SpikeRecorder(_) | NodeModel::Multimeter(_) => {
                info.set_item("element_type", "recorder")?
            }
        }
        out.push(info);
    }
    Ok(out)
}

/// Build `scenario` (TOML text) on one thread without simulating it: every check that
/// `spindle run` makes before simulating, raised as NEST's exception. Returns the warnings
/// about accepted but surprising input (e.g. a negative conductance weight).
#[pyfunction]
fn check_network(py: Python<'_>, scenario: &str) -> PyResult<Vec<String>> {
    let built = py.detach(|| {
        let parsed = Scenario::parse(scenario, None)?;
        let opts = RunOptions {
            threads: Some(1),
            seed: None,
        };
        Network::build(&parsed, &opts).map(|n| n.warnings)
    });
    built.map_err(|e| py_error(py, &e))
}

/// Records into memory (always) and into an HDF5 file (when the script asked for one).
struct Tee {
    memory: MemorySink,
    file: Option<Hdf5Sink>,
}

impl RecordSink for Tee {
    fn begin(&mut self, layout: &RecordingLayout) -> Result<(), SinkError> {
        self.memory.begin(layout)?;
        self.file.as_mut().map_or(Ok(()), |f| f.begin(layout))
    }

    fn spikes(&mut self, recorder: usize, times: &[f64], senders: &[u32]) -> Result<(), SinkError> {
        self.memory.spikes(recorder, times, senders)?;
        self.file
            .as_mut()
            .map_or(Ok(()), |f| f.spikes(recorder, times, senders))
    }

    fn samples(&mut self, multimeter: usize, block: &SampleBlock<'_>) -> Result<(), SinkError> {
        self.memory.samples(multimeter, block)?;
        self.file
            .as_mut()
            .map_or(Ok(()), |f| f.samples(multimeter, block))
    }

    fn end_of_run(&mut self, simulated_ms: f64) -> Result<(), SinkError> {
        self.memory.end_of_run(simulated_ms)?;
        self.file
            .as_mut()
            .map_or(Ok(()), |f| f.end_of_run(simulated_ms))
    }
}

fn f64_bytes<'py>(py: Python<'py>, values: impl Iterator<Item = f64>) -> Bound<'py, PyBytes> {
    let bytes: Vec<u8> = values.flat_map(f64::to_ne_bytes).collect();
    PyBytes::new(py, &bytes)
}

fn i64_bytes<'py>(py: Python<'py>, values: impl Iterator<Item = i64>) -> Bound<'py, PyBytes> {
    let bytes: Vec<u8> = values.flat_map(i64::to_ne_bytes).collect();
    PyBytes::new(py, &bytes)
}

/// A built network with its recordings: what the first `Simulate` of a script makes.
///
/// Arrays come back as native-endian bytes (`numpy.frombuffer`), so that reading a long
/// recording costs one copy and no Python object per value.
///
/// The state sits behind a mutex: Python may hand the object to any thread, and the neuron
/// state is `Send` but not `Sync`.
#[pyclass(module = "spindle._spindle")]
struct Engine {
    inner: Mutex<Inner>,
}

struct Inner {
    network: Network,
    sink: Tee,
    hdf5: Option<PathBuf>,
}

impl Engine {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A panic inside a run leaves nothing half-written that a reader could trip over.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[pymethods]
impl Engine {
    /// Parse and build `scenario` (TOML text) with `threads` workers; record into memory and,
    /// if `hdf5` is given, into that file (`overwrite`: replace an existing one).
    #[new]
    #[pyo3(signature = (scenario, threads=None, hdf5=None, overwrite=false))]
    fn new(
        py: Python<'_>,
        scenario: &str,
        threads: Option<usize>,
        hdf5: Option<PathBuf>,
        overwrite: bool,
    ) -> PyResult<Engine> {
        let network = py
            .detach(|| {
                let parsed = Scenario::parse(scenario, None)?;
                let opts = RunOptions {
                    threads,
                    seed: None,
                };
                Network::build(&parsed, &opts)
            })
            .map_err(|e| py_error(py, &e))?;
        let file = match &hdf5 {
            None => None,
            Some(path) => Some(
                Hdf5Sink::create(path, &network.run_info(), &network.nodes, overwrite)
                    .map_err(|e| nest_error(py, "IOError", e.to_string()))?,
            ),
        };
        let mut sink = Tee {
            memory: MemorySink::with_names(network.recorder_names()),
            file,
        };
        sink.begin(network.simulation.recording_layout())
            .map_err(|e| nest_error(py, "IOError", e.to_string()))?;
        Ok(Engine {
            inner: Mutex::new(Inner {
                network,
                sink,
                hdf5,
            }),
        })
    }

    /// Record into the HDF5 file `path` too (`overwrite`: replace an existing one); only
    /// before the first run, so that the file holds the whole run.
    #[pyo3(signature = (path, overwrite=false))]
    fn open_hdf5(&self, py: Python<'_>, path: PathBuf, overwrite: bool) -> PyResult<()> {
        let mut guard = self.inner();
        let inner = &mut *guard;
        if inner.network.simulation.now() > 0 || inner.sink.file.is_some() {
            return Err(nest_error(
                py,
                "KernelException",
                "the HDF5 file must be chosen before the first Simulate",
            ));
        }
        let network = &inner.network;
        let mut file = Hdf5Sink::create(&path, &network.run_info(), &network.nodes, overwrite)
            .map_err(|e| nest_error(py, "IOError", e.to_string()))?;
        file.begin(network.simulation.recording_layout())
            .map_err(|e| nest_error(py, "IOError", e.to_string()))?;
        inner.sink.file = Some(file);
        inner.hdf5 = Some(path);
        Ok(())
    }

    /// Simulate `ms` more milliseconds (NEST's `Simulate`), with the GIL released. The lock
    /// is taken and dropped while detached, so another Python thread that reads this engine
    /// meanwhile waits for the run without blocking its return.
    fn simulate(&self, py: Python<'_>, ms: f64) -> PyResult<()> {
        let result = py.detach(|| {
            let mut guard = self.inner();
            let Inner { network, sink, .. } = &mut *guard;
            let steps = network
                .simulation
                .grid()
                .ms_on_grid(ms)
                .filter(|&s| s >= 0 && ms.is_finite())
                .ok_or(None)?;
            network.simulation.run(steps, sink).map_err(Some)
        });
        result.map_err(|e| match e {
            None => nest_error(
                py,
                "BadParameter",
                "The simulation time must be a multiple of the simulation resolution.",
            ),
            Some(e) => nest_error(py, "KernelException", e.to_string()),
        })
    }

    /// Simulated time so far (ms).
    fn biological_time(&self) -> f64 {
        let inner = self.inner();
        let sim = &inner.network.simulation;
        sim.grid().step_to_ms(sim.now())
    }

    /// The smallest and largest delay of the network (ms).
    fn delay_extrema(&self) -> (f64, f64) {
        let inner = self.inner();
        let sim = &inner.network.simulation;
        let grid = sim.grid();
        (
            grid.step_to_ms(sim.min_delay()),
            grid.step_to_ms(sim.max_delay()),
        )
    }

    fn threads(&self) -> usize {
        self.inner().network.threads
    }

    fn num_connections(&self) -> usize {
        self.inner().network.simulation.connection_count()
    }

    fn spike_count(&self) -> u64 {
        self.inner().network.simulation.spike_count()
    }

    /// The HDF5 file this run writes, if any.
    fn hdf5_path(&self) -> Option<PathBuf> {
        self.inner().hdf5.clone()
    }

    /// (times, senders) of spike recorder `id` as float64 and int64 bytes, sorted by
    /// (time, sender); `None` if `id` is not a spike recorder.
    fn spikes<'py>(
        &self,
        py: Python<'py>,
        id: u32,
    ) -> Option<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let inner = self.inner();
        let rec = &inner.sink.memory.recording;
        let s = rec.spike_recorders.iter().find(|s| s.id == id)?;
        Some((
            f64_bytes(py, s.times.iter().copied()),
            i64_bytes(py, s.senders.iter().copied()),
        ))
    }

    /// (times (T), senders (N), [(recordable, T × N row-major values)]) of multimeter `id`;
    /// `None` if `id` is not a multimeter.
    #[allow(clippy::type_complexity)]
    fn samples<'py>(
        &self,
        py: Python<'py>,
        id: u32,
    ) -> Option<(
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
        Vec<(String, Bound<'py, PyBytes>)>,
    )> {
        let inner = self.inner();
        let rec = &inner.sink.memory.recording;
        let m = rec.multimeters.iter().find(|m| m.id == id)?;
        let values = m
            .values
            .iter()
            .map(|(name, v)| (name.clone(), f64_bytes(py, v.iter().copied())))
            .collect();
        Some((
            f64_bytes(py, m.times.iter().copied()),
            i64_bytes(py, m.senders.iter().copied()),
            values,
        ))
    }

    /// The current value of recordable `index` of neuron `id` (`None` if `id` is no neuron).
    fn recordable_value(&self, id: u32, index: usize) -> Option<f64> {
        self.inner()
            .network
            .simulation
            .recordable_value(NodeId(id), index)
    }

    /// Every connection as (sources, targets: int64; weights, delays in ms: float64) bytes;
    /// recorder connections have NaN weight and delay.
    #[allow(clippy::type_complexity)]
    fn connections<'py>(
        &self,
        py: Python<'py>,
    ) -> (
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
    ) {
        let inner = self.inner();
        let sim = &inner.network.simulation;
        let grid = sim.grid();
        let all = sim.connections();
        (
            i64_bytes(py, all.iter().map(|c| i64::from(c.source.0))),
            i64_bytes(py, all.iter().map(|c| i64::from(c.target.0))),
            f64_bytes(
                py,
                all.iter().map(|c| c.synapse.map_or(f64::NAN, |s| s.weight)),
            ),
            f64_bytes(
                py,
                all.iter()
                    .map(|c| c.synapse.map_or(f64::NAN, |s| grid.step_to_ms(s.delay))),
            ),
        )
    }

    /// Write what is pending and close the HDF5 file (the memory recording stays readable).
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let file = self.inner().sink.file.take();
        match file {
            Some(file) => file
                .finish()
                .map_err(|e| nest_error(py, "IOError", e.to_string())),
            None => Ok(()),
        }
    }
}

/// The native module `spindle._spindle`.
#[pymodule]
fn _spindle(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("VERSION", spindle::VERSION)?;
    m.add_function(wrap_pyfunction!(model_names, m)?)?;
    m.add_function(wrap_pyfunction!(model_keys, m)?)?;
    m.add_function(wrap_pyfunction!(node_info, m)?)?;
    m.add_function(wrap_pyfunction!(check_network, m)?)?;
    m.add_class::<Engine>()?;
    Ok(())
}
