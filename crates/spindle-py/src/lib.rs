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
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PySequence, PyString};
use spindle::core::detector::DetectorResult;
use spindle::core::network::NodeKind;
use spindle::core::params::{Params, Value};
use spindle::core::recording::{RecordSink, RecordingLayout, SampleBlock, SinkError, WeightBlock};
use spindle::core::rules::NodeSet;
use spindle::core::NodeId;
use spindle::registry;
use spindle::{Error, Session};
use spindle_io::{Hdf5Sink, MemorySink, NodeEntry, RunInfo};
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

/// A spindle error as the Python exception of its NEST kind (typed end to end: each error
/// carries its NEST exception name, see `Error::nest_kind`).
fn py_error(py: Python<'_>, e: &Error) -> PyErr {
    nest_error(py, e.nest_kind(), e.nest_message())
}

/// The names of every model spindle implements, in NEST's names.
#[pyfunction]
fn model_names() -> Vec<&'static str> {
    registry::model_names()
}

/// The multimeter-like recorder models (`multimeter`, `voltmeter`).
#[pyfunction]
fn sampler_models() -> Vec<&'static str> {
    registry::sampler_models().to_vec()
}

/// The parameter keys a model accepts (`None` for an unknown model).
#[pyfunction]
fn model_keys(model: &str) -> Option<Vec<&'static str>> {
    registry::model_keys(model).map(<[_]>::to_vec)
}

/// `GetDefaults`-style check of a model with `params` (NEST's checks at `Create`): returns a
/// dict with `element_type` (`neuron`, `stimulator`, `recorder`), `status` (the model's
/// parameters and initial state, from the engine) and, for neurons, `recordables`.
#[pyfunction]
#[pyo3(signature = (model, params, resolution, tics_per_ms=None))]
fn model_status<'py>(
    py: Python<'py>,
    model: &str,
    params: &Bound<'_, PyDict>,
    resolution: f64,
    tics_per_ms: Option<i64>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut session = Session::with_time_base(tics_per_ms, resolution, 1, Some(1))
        .map_err(|e| py_error(py, &e))?;
    let first = session
        .create(model, 1, to_params(params)?)
        .map_err(|e| py_error(py, &e))?;
    let status = session.get_status(first).map_err(|e| py_error(py, &e))?;
    let info = PyDict::new(py);
    let net = session.simulation().network();
    let element = match net.node_kind(first) {
        Some(NodeKind::Neuron) => "neuron",
        Some(NodeKind::Stimulus) => "stimulator",
        Some(NodeKind::VolumeTransmitter) => "other",
        _ => "recorder",
    };
    info.set_item("element_type", element)?;
    if let Some(m) = net.neuron_model(first) {
        let names: Vec<String> = m.recordables().into_iter().map(|r| r.name).collect();
        info.set_item("recordables", names)?;
    }
    info.set_item("status", params_dict(py, &status)?)?;
    Ok(info)
}

fn params_dict<'py>(py: Python<'py>, p: &Params) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for key in p.keys() {
        d.set_item(key, from_value(py, p.get(key).expect("listed key"))?)?;
    }
    Ok(d)
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

    fn grow(&mut self, layout: &RecordingLayout, known: (usize, usize)) -> Result<(), SinkError> {
        self.memory.grow(layout, known)?;
        self.file.as_mut().map_or(Ok(()), |f| f.grow(layout, known))
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

    fn weights(&mut self, recorder: usize, block: &WeightBlock) -> Result<(), SinkError> {
        self.memory.weights(recorder, block)?;
        self.file
            .as_mut()
            .map_or(Ok(()), |f| f.weights(recorder, block))
    }

    fn detector(&mut self, detector: usize, results: &[DetectorResult]) -> Result<(), SinkError> {
        self.memory.detector(detector, results)?;
        self.file
            .as_mut()
            .map_or(Ok(()), |f| f.detector(detector, results))
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

/// A Python value as a parameter value: numbers, booleans, strings, sequences (lists,
/// tuples, numpy arrays) and dicts (random parameters, nested tables).
fn to_value(v: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = v.cast::<PyInt>() {
        return Ok(Value::Int(i.extract()?));
    }
    if let Ok(x) = v.cast::<PyFloat>() {
        return Ok(Value::Float(x.value()));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Value::Str(s.to_string()));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        return Ok(Value::Map(to_params(d)?.into_map()));
    }
    // numpy scalars and arrays, lists and tuples.
    if v.hasattr("tolist")? {
        let plain = v.call_method0("tolist")?;
        if !plain.is(v) {
            return to_value(&plain);
        }
    }
    if let Ok(seq) = v.cast::<PySequence>() {
        let items = (0..seq.len()?)
            .map(|i| to_value(&seq.get_item(i)?))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Value::List(items));
    }
    if let Ok(x) = v.extract::<f64>() {
        return Ok(Value::Float(x));
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "cannot use {} as a parameter value",
        v.get_type().name()?
    )))
}

fn to_params(d: &Bound<'_, PyDict>) -> PyResult<Params> {
    let mut p = Params::new();
    for (k, v) in d.iter() {
        p.insert(k.extract::<String>()?, to_value(&v)?);
    }
    Ok(p)
}

fn from_value<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::Float(x) => x.into_pyobject(py)?.into_any(),
        Value::Str(s) => s.into_pyobject(py)?.into_any(),
        Value::List(items) => {
            let list = PyList::empty(py);
            for x in items {
                list.append(from_value(py, x)?)?;
            }
            list.into_any()
        }
        Value::Map(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(k, from_value(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// `(first, count)` runs as a node set.
fn node_set(runs: Vec<(u32, u32)>) -> NodeSet {
    let mut set = NodeSet::new();
    for (first, count) in runs {
        set.push_range(first, count);
    }
    set
}

/// The live network of a script: NEST's kernel. Python holds one per `ResetKernel` and sends
/// it typed calls (`create`, `connect`, `set_status`, `simulate`, …); the network stays live
/// between `Simulate` calls.
///
/// Arrays come back as native-endian bytes (`numpy.frombuffer`), so that reading a long
/// recording costs one copy and no Python object per value. The state sits behind a mutex:
/// Python may hand the object to any thread, and the neuron state is `Send` but not `Sync`.
#[pyclass(module = "spindle._spindle")]
struct Kernel {
    inner: Mutex<Inner>,
}

struct Inner {
    session: Session,
    sink: Tee,
    /// Whether the sink has been handed the recording layout (at the first `Simulate`).
    begun: bool,
    hdf5: Option<PathBuf>,
}

impl Kernel {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A panic inside a run leaves nothing half-written that a reader could trip over.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[pymethods]
impl Kernel {
    #[new]
    #[pyo3(signature = (resolution, seed, threads=None, tics_per_ms=None))]
    fn new(
        py: Python<'_>,
        resolution: f64,
        seed: u64,
        threads: Option<usize>,
        tics_per_ms: Option<i64>,
    ) -> PyResult<Kernel> {
        let session = Session::with_time_base(tics_per_ms, resolution, seed, threads)
            .map_err(|e| py_error(py, &e))?;
        Ok(Kernel {
            inner: Mutex::new(Inner {
                session,
                sink: Tee {
                    memory: MemorySink::with_names(Vec::new()),
                    file: None,
                },
                begun: false,
                hdf5: None,
            }),
        })
    }

    /// `Create(model, n, params)`: the first id of the new nodes.
    fn create(
        &self,
        py: Python<'_>,
        model: &str,
        n: u32,
        params: &Bound<'_, PyDict>,
    ) -> PyResult<u32> {
        let params = to_params(params)?;
        let first = self
            .inner()
            .session
            .create(model, n, params)
            .map_err(|e| py_error(py, &e))?;
        Ok(first.0)
    }

    /// `Connect(pre, post, conn_spec, syn_spec)` with `pre` and `post` as `(first, count)` runs;
    /// `weight`, `delay` and `receptor_type` may be lists (per-connection values, flattened in
    /// NEST's order).
    fn connect(
        &self,
        py: Python<'_>,
        pre: Vec<(u32, u32)>,
        post: Vec<(u32, u32)>,
        conn: &Bound<'_, PyDict>,
        syn: &Bound<'_, PyDict>,
    ) -> PyResult<Vec<String>> {
        let (conn, syn) = (to_params(conn)?, to_params(syn)?);
        let mut inner = self.inner();
        inner
            .session
            .connect(node_set(pre), node_set(post), conn, syn)
            .map_err(|e| py_error(py, &e))?;
        let net = inner.session.simulation_mut().network_mut();
        // Each call's explicit connections form statements of their own (see `marks`).
        net.seal_statements();
        Ok(net.take_warnings())
    }

    /// NEST's `rng_seed` set after nodes exist (see `Session::set_seed`).
    fn set_seed(&self, seed: u64) {
        self.inner().session.set_seed(seed);
    }

    /// (statements, device connections) described so far: taken before and after a
    /// `Connect`, they delimit what that call made (see `made_between`).
    fn marks(&self) -> (usize, usize) {
        let inner = self.inner();
        let net = inner.session.simulation().network();
        (net.statement_count(), net.device_connection_count())
    }

    /// The connections made between two `marks`: the synapses built from the statements in
    /// between plus the device connections; builds what is not built yet.
    fn made_between(
        &self,
        py: Python<'_>,
        before: (usize, usize),
        after: (usize, usize),
    ) -> PyResult<usize> {
        let mut inner = self.inner();
        let sim = inner.session.simulation_mut();
        sim.sync()
            .map_err(|e| py_error(py, &Error::Run(spindle::core::RunError::Build(e))))?;
        Ok(sim.statement_synapses(before.0..after.0) + (after.1 - before.1))
    }

    /// Hand the kernel the synapse models made by a log of `CopyModel`/`SetDefaults` calls
    /// (see `synapse_catalog`).
    fn set_synapse_catalog(
        &self,
        py: Python<'_>,
        calls: Vec<(String, String, String, Bound<'_, PyDict>)>,
    ) -> PyResult<()> {
        let catalog = catalog_of(py, calls)?;
        self.inner().session.set_synapse_catalog(catalog);
        Ok(())
    }

    /// Per synapse handle: `synapse_model` and the model's own keys (`Kplus`, the parameters
    /// of `stdp_synapse`) as NEST's `GetStatus` of the connection gives them; `{}` for −1.
    fn synapse_states<'py>(
        &self,
        py: Python<'py>,
        handles: Vec<i64>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let inner = self.inner();
        let mut out = Vec::with_capacity(handles.len());
        for h in handles {
            let mut d = Params::new();
            if h >= 0 {
                let id = spindle::core::simulation::SynapseId::from_bits(h as u64);
                if let Some(s) = inner.session.synapse_status(id) {
                    d = s;
                }
            }
            out.push(params_dict(py, &d)?);
        }
        Ok(out)
    }

    /// `SetStatus` of the synapse `handle` with one dictionary (weight, delay, the model's
    /// own keys).
    fn set_synapse_status(
        &self,
        py: Python<'_>,
        handle: i64,
        params: &Bound<'_, PyDict>,
    ) -> PyResult<()> {
        let params = to_params(params)?;
        let id = spindle::core::simulation::SynapseId::from_bits(handle as u64);
        self.inner()
            .session
            .set_synapse_status(id, params)
            .map_err(|e| py_error(py, &e))
    }

    /// `SetStatus` of node `id` with one dictionary.
    fn set_status(&self, py: Python<'_>, id: u32, params: &Bound<'_, PyDict>) -> PyResult<()> {
        let params = to_params(params)?;
        self.inner()
            .session
            .set_status(NodeId(id), params)
            .map_err(|e| py_error(py, &e))
    }

    /// `SetStatus` of the nodes `ids`, one value of `key` each.
    fn set_column(
        &self,
        py: Python<'_>,
        ids: Vec<u32>,
        key: &str,
        values: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let Value::List(values) = to_value(values)? else {
            return Err(nest_error(
                py,
                "BadProperty",
                format!("{key}: expected one value per node"),
            ));
        };
        let mut inner = self.inner();
        for (id, v) in ids.into_iter().zip(values) {
            let mut p = Params::new();
            p.insert(key, v);
            inner
                .session
                .set_status(NodeId(id), p)
                .map_err(|e| py_error(py, &e))?;
        }
        Ok(())
    }

    /// `GetStatus` of node `id`: its model's parameters and state.
    fn get_status<'py>(&self, py: Python<'py>, id: u32) -> PyResult<Bound<'py, PyDict>> {
        let status = self
            .inner()
            .session
            .get_status(NodeId(id))
            .map_err(|e| py_error(py, &e))?;
        params_dict(py, &status)
    }

    /// The recordables of neuron `id` (empty for other nodes).
    fn recordables(&self, id: u32) -> Vec<String> {
        let inner = self.inner();
        inner
            .session
            .simulation()
            .network()
            .neuron_model(NodeId(id))
            .map(|m| m.recordables().into_iter().map(|r| r.name).collect())
            .unwrap_or_default()
    }

    /// Record into the HDF5 file `path` too (`overwrite`: replace an existing one); only
    /// before the first run, so that the file holds the whole run. `nodes` names the
    /// populations: `(name, model, first id, count)`.
    #[pyo3(signature = (path, nodes, overwrite=false))]
    fn open_hdf5(
        &self,
        py: Python<'_>,
        path: PathBuf,
        nodes: Vec<(String, String, u32, u32)>,
        overwrite: bool,
    ) -> PyResult<()> {
        let mut guard = self.inner();
        let inner = &mut *guard;
        if inner.begun || inner.sink.file.is_some() {
            return Err(nest_error(
                py,
                "KernelException",
                "the HDF5 file must be chosen before the first Simulate",
            ));
        }
        let s = &inner.session;
        let info = RunInfo {
            resolution: s.resolution,
            seed: s.seed,
            threads: s.threads,
            spindle_version: spindle::VERSION.to_string(),
        };
        let entries: Vec<NodeEntry> = nodes
            .into_iter()
            .map(|(name, model, first_id, count)| NodeEntry {
                name,
                model,
                first_id,
                count,
            })
            .collect();
        let file = Hdf5Sink::create(&path, &info, &entries, overwrite)
            .map_err(|e| nest_error(py, "IOError", e.to_string()))?;
        inner.sink.file = Some(file);
        inner.hdf5 = Some(path);
        Ok(())
    }

    /// Name recorders in the memory recording: `(id, name)` pairs.
    fn name_recorders(&self, names: Vec<(u32, String)>) {
        let names = names.into_iter().map(|(id, n)| (NodeId(id), n)).collect();
        self.inner().sink.memory = MemorySink::with_names(names);
    }

    /// Simulate `ms` more milliseconds (NEST's `Simulate`), with the GIL released. The lock
    /// is taken and dropped while detached, so another Python thread that reads this kernel
    /// meanwhile waits for the run without blocking its return.
    fn simulate(&self, py: Python<'_>, ms: f64) -> PyResult<()> {
        let result = py.detach(|| {
            let mut guard = self.inner();
            let Inner {
                session,
                sink,
                begun,
                ..
            } = &mut *guard;
            let steps = session
                .grid()
                .ms_on_grid(ms)
                .filter(|&s| s >= 0 && ms.is_finite())
                .ok_or(None)?;
            if !*begun {
                session.begin_recording(sink).map_err(Some)?;
                *begun = true;
            }
            session.simulate(steps, sink).map_err(Some)
        });
        result.map_err(|e| match e {
            None => nest_error(
                py,
                "BadParameter",
                "The simulation time must be a multiple of the simulation resolution.",
            ),
            Some(e) => py_error(py, &e),
        })
    }

    /// Simulated time so far (ms).
    fn biological_time(&self) -> f64 {
        let inner = self.inner();
        let sim = inner.session.simulation();
        sim.grid().step_to_ms(sim.now())
    }

    /// The smallest and largest delay of the network (ms).
    fn delay_extrema(&self) -> (f64, f64) {
        let mut inner = self.inner();
        let _ = inner.session.simulation_mut().sync();
        let sim = inner.session.simulation();
        let grid = sim.grid();
        (
            grid.step_to_ms(sim.min_delay()),
            grid.step_to_ms(sim.max_delay()),
        )
    }

    /// NEST's `SetKernelStatus({"min_delay": …, "max_delay": …})`; returns the extrema as
    /// rounded to the grid (ms). See `Session::set_delay_extrema`.
    fn set_delay_extrema(&self, py: Python<'_>, min_ms: f64, max_ms: f64) -> PyResult<(f64, f64)> {
        self.inner()
            .session
            .set_delay_extrema(min_ms, max_ms)
            .map_err(|e| py_error(py, &e))
    }

    /// The delay extrema `(min_ms, max_ms)` as NEST's SetKernelStatus rounds and checks them
    /// at `resolution`, for a script that sets them before any node (and so before this
    /// kernel) exists.
    #[staticmethod]
    #[pyo3(signature = (resolution, min_ms, max_ms, tics_per_ms=None))]
    fn check_delay_extrema(
        py: Python<'_>,
        resolution: f64,
        min_ms: f64,
        max_ms: f64,
        tics_per_ms: Option<i64>,
    ) -> PyResult<(f64, f64)> {
        let mut session = Session::with_time_base(tics_per_ms, resolution, 1, Some(1))
            .map_err(|e| py_error(py, &e))?;
        session
            .set_delay_extrema(min_ms, max_ms)
            .map_err(|e| py_error(py, &e))
    }

    /// NEST's `thread` (= `vp`: one process) and `thread_local_id` of each of `ids`, as
    /// spindle places them (`Session::node_placement`): two lists; an unknown id raises
    /// `UnknownNode`.
    fn placement(&self, py: Python<'_>, ids: Vec<u32>) -> PyResult<(Vec<i64>, Vec<i64>)> {
        let mut inner = self.inner();
        let mut threads = Vec::with_capacity(ids.len());
        let mut locals = Vec::with_capacity(ids.len());
        for id in ids {
            let placed = inner
                .session
                .node_placement(NodeId(id))
                .map_err(|e| py_error(py, &e))?;
            let Some((thread, local)) = placed else {
                return Err(nest_error(
                    py,
                    "UnknownNode",
                    format!("Node with id {id} does not exist."),
                ));
            };
            threads.push(thread as i64);
            locals.push(local);
        }
        Ok((threads, locals))
    }

    fn threads(&self) -> usize {
        self.inner().session.threads
    }

    /// Build what the description gained since the last run (NEST's `Prepare`, which sets
    /// up the connection infrastructure), with the GIL released: the next `simulate` starts
    /// at once, so a script can time the build apart from the run.
    fn build(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.inner().session.simulation_mut().sync())
            .map_err(|e| py_error(py, &Error::Run(spindle::core::RunError::Build(e))))
    }

    /// Connections of every kind; builds what is not built yet (rules are expanded then).
    fn num_connections(&self, py: Python<'_>) -> PyResult<usize> {
        let mut inner = self.inner();
        let sim = inner.session.simulation_mut();
        sim.sync()
            .map_err(|e| py_error(py, &Error::Run(spindle::core::RunError::Build(e))))?;
        Ok(sim.connection_count())
    }

    fn spike_count(&self) -> u64 {
        self.inner().session.simulation().spike_count()
    }

    /// The HDF5 file this run writes, if any.
    fn hdf5_path(&self) -> Option<PathBuf> {
        self.inner().hdf5.clone()
    }

    /// (times, senders) of spike recorder `id` as float64 and int64 bytes, sorted by
    /// (time, sender); `None` if `id` is not a spike recorder that has recorded.
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

    /// (times, senders, targets, weights, receptors, ports) of weight recorder `id` as float64
    /// and int64 bytes, in the recorder's order; `None` if `id` is not a weight recorder
    /// known to the recording.
    #[allow(clippy::type_complexity)]
    fn weight_events<'py>(&self, py: Python<'py>, id: u32) -> Option<[Bound<'py, PyBytes>; 6]> {
        let inner = self.inner();
        let rec = &inner.sink.memory.recording;
        let w = &rec.weight_recorders.iter().find(|w| w.id == id)?.events;
        let ids = |v: &[u32]| i64_bytes(py, v.iter().map(|&x| i64::from(x)));
        Some([
            f64_bytes(py, w.times.iter().copied()),
            ids(&w.senders),
            ids(&w.targets),
            f64_bytes(py, w.weights.iter().copied()),
            i64_bytes(py, w.receptors.iter().copied()),
            i64_bytes(py, w.ports.iter().copied()),
        ])
    }

    /// (times (T), senders (N), [(recordable, T × N row-major values)]) of multimeter `id`;
    /// `None` if `id` is not a multimeter that has recorded.
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
        let mut inner = self.inner();
        let _ = inner.session.simulation_mut().sync_nodes();
        inner
            .session
            .simulation()
            .recordable_value(NodeId(id), index)
    }

    /// Every connection as (sources, targets: int64; weights, delays in ms: float64) bytes;
    /// recorder connections have NaN weight and delay. Builds what is not built yet.
    #[allow(clippy::type_complexity)]
    fn connections<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
    )> {
        let mut inner = self.inner();
        let sim = inner.session.simulation_mut();
        sim.sync()
            .map_err(|e| py_error(py, &Error::Run(spindle::core::RunError::Build(e))))?;
        let grid = sim.grid();
        let all = sim.connections();
        Ok((
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
        ))
    }

    // ---- synapses: GetConnections, SynapseCollection.get/set, Disconnect -------------------

    /// Every connection in NEST's `GetConnections` order, as bytes: (sources, targets,
    /// handles: int64; weights, delays in ms: float64; receptors, target threads, ports:
    /// int64). Recorder connections have handle −1 and NaN weight and delay. Builds what is
    /// not built yet.
    #[allow(clippy::type_complexity)]
    fn synapses<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let mut inner = self.inner();
        let all = inner.session.synapses().map_err(|e| py_error(py, &e))?;
        let grid = inner.session.grid();
        let syn = |r: &spindle::core::simulation::SynapseRecord| r.connection.synapse;
        Ok(vec![
            i64_bytes(py, all.iter().map(|r| i64::from(r.connection.source.0))),
            i64_bytes(py, all.iter().map(|r| i64::from(r.connection.target.0))),
            i64_bytes(
                py,
                all.iter()
                    .map(|r| r.id.map_or(-1, |id| id.to_bits() as i64)),
            ),
            f64_bytes(
                py,
                all.iter().map(|r| syn(r).map_or(f64::NAN, |s| s.weight)),
            ),
            f64_bytes(
                py,
                all.iter()
                    .map(|r| syn(r).map_or(f64::NAN, |s| grid.step_to_ms(s.delay))),
            ),
            i64_bytes(py, all.iter().map(|r| syn(r).map_or(0, |s| s.receptor))),
            i64_bytes(py, all.iter().map(|r| r.target_thread as i64)),
            i64_bytes(py, all.iter().map(|r| r.port as i64)),
        ])
    }

    /// The current (weights, delays in ms: float64; receptors: int64) bytes of the synapses
    /// `handles` (−1: a recorder connection, NaN); a disconnected synapse fails with
    /// `InexistentConnection`.
    fn synapse_columns<'py>(
        &self,
        py: Python<'py>,
        handles: Vec<i64>,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let inner = self.inner();
        let sim = inner.session.simulation();
        let grid = sim.grid();
        let mut rows = Vec::with_capacity(handles.len());
        for &h in &handles {
            if h < 0 {
                rows.push((f64::NAN, f64::NAN, 0));
                continue;
            }
            let id = spindle::core::simulation::SynapseId::from_bits(h as u64);
            let s = sim.synapse(id).and_then(|c| c.synapse).ok_or_else(|| {
                nest_error(
                    py,
                    "InexistentConnection",
                    "the connection does not exist (it was disconnected)",
                )
            })?;
            rows.push((s.weight, grid.step_to_ms(s.delay), s.receptor));
        }
        Ok(vec![
            f64_bytes(py, rows.iter().map(|r| r.0)),
            f64_bytes(py, rows.iter().map(|r| r.1)),
            i64_bytes(py, rows.iter().map(|r| r.2)),
        ])
    }

    /// `SynapseCollection.set`: weights and/or delays (ms), one value for all or one each.
    #[pyo3(signature = (handles, weights=None, delays=None))]
    fn set_synapses(
        &self,
        py: Python<'_>,
        handles: Vec<i64>,
        weights: Option<Vec<f64>>,
        delays: Option<Vec<f64>>,
    ) -> PyResult<()> {
        let ids = synapse_ids(py, &handles)?;
        self.inner()
            .session
            .set_synapses(&ids, weights.as_deref(), delays.as_deref())
            .map_err(|e| py_error(py, &e))
    }

    /// `Disconnect(SynapseCollection)`.
    fn disconnect_synapses(&self, py: Python<'_>, handles: Vec<i64>) -> PyResult<()> {
        let ids = synapse_ids(py, &handles)?;
        self.inner()
            .session
            .disconnect_synapses(&ids)
            .map_err(|e| py_error(py, &e))
    }

    /// `Disconnect(pre, post, conn_spec)` as (source, target) pairs.
    fn disconnect_pairs(&self, py: Python<'_>, pairs: Vec<(u32, u32)>) -> PyResult<()> {
        let pairs: Vec<(NodeId, NodeId)> = pairs
            .into_iter()
            .map(|(s, t)| (NodeId(s), NodeId(t)))
            .collect();
        self.inner()
            .session
            .disconnect_pairs(&pairs)
            .map_err(|e| py_error(py, &e))
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

    // ---- per-node values: one native call for a run of nodes -----------------------------

    /// `Create`'s and `SetStatus`'s values for the `n` nodes from `first`, each node set with
    /// one dictionary (NEST's semantics) made of `params` — a value for all nodes, or a NEST
    /// parameter's spec (a dict, `Parameter.to_spec()`) drawn per node from the kernel's
    /// streams — and `columns` (key → one value per node). One call sets a million nodes
    /// without a Python object per node; the work runs with the GIL released. A failure
    /// raises NEST's exception with the failing node's id in its `node_id` attribute.
    #[pyo3(signature = (first, n, params, columns=None))]
    fn set_nodes(
        &self,
        py: Python<'_>,
        first: u32,
        n: u32,
        params: &Bound<'_, PyDict>,
        columns: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let fail = |py: Python<'_>, id: u32, e: &Error| {
            let err = py_error(py, e);
            // The Python side names the node as NEST does ("… with node ID 5: …").
            let _ = err.value(py).setattr("node_id", id);
            err
        };
        let mut values =
            spindle::session::NodeValues::read_all(to_params(params)?).map_err(|source| {
                let e = Error::Param {
                    at: spindle::Located::default(),
                    source,
                };
                fail(py, first, &e)
            })?;
        if let Some(columns) = columns {
            for (k, v) in columns.iter() {
                let key: String = k.extract()?;
                let Value::List(list) = to_value(&v)? else {
                    return Err(nest_error(
                        py,
                        "BadProperty",
                        format!("{key}: expected one value per node"),
                    ));
                };
                values.retain(|(other, _)| *other != key);
                values.push((key, spindle::session::NodeValues::Each(list)));
            }
            values.sort_by(|a, b| a.0.cmp(&b.0));
        }
        let result = py.detach(|| self.inner().session.set_nodes(NodeId(first), n, &values));
        result.map_err(|(id, e)| fail(py, id.0, &e))
    }
}

/// Synapse handles from Python; a recorder connection (−1) has no synapse to change.
fn synapse_ids(
    py: Python<'_>,
    handles: &[i64],
) -> PyResult<Vec<spindle::core::simulation::SynapseId>> {
    handles
        .iter()
        .map(|&h| {
            if h < 0 {
                Err(nest_error(
                    py,
                    "NotImplemented",
                    "spindle records without a synapse: connections to recording devices cannot be changed or disconnected",
                ))
            } else {
                Ok(spindle::core::simulation::SynapseId::from_bits(h as u64))
            }
        })
        .collect()
}

/// The synapse catalog made by a log of calls: `("copy", old, new, params)` (NEST's
/// `CopyModel`) and `("set", name, "", params)` (`SetDefaults`), in order.
fn catalog_of(
    py: Python<'_>,
    calls: Vec<(String, String, String, Bound<'_, PyDict>)>,
) -> PyResult<spindle::synapses::SynapseCatalog> {
    let mut catalog = spindle::synapses::SynapseCatalog::default();
    for (kind, a, b, params) in calls {
        let params = to_params(&params)?;
        let done = if kind == "copy" {
            catalog.copy_model(&a, &b, &params)
        } else {
            catalog.set_defaults(&a, &params)
        };
        done.map_err(|e| nest_error(py, e.nest_kind(), e.nest_message()))?;
    }
    Ok(catalog)
}

/// The synapse models made by a log of `CopyModel`/`SetDefaults` calls (see `catalog_of`):
/// `{name: (base model, defaults of its own and changed generic keys)}`; a refused call
/// raises NEST's exception.
#[pyfunction]
fn synapse_catalog<'py>(
    py: Python<'py>,
    calls: Vec<(String, String, String, Bound<'py, PyDict>)>,
) -> PyResult<Bound<'py, PyDict>> {
    let catalog = catalog_of(py, calls)?;
    let out = PyDict::new(py);
    for name in catalog.names() {
        let entry = catalog.get(name).expect("a listed name");
        let defaults = catalog.defaults(name).expect("a listed name");
        out.set_item(name, (entry.base, params_dict(py, &defaults)?))?;
    }
    Ok(out)
}

/// The native module `spindle._spindle`.
#[pymodule]
fn _spindle(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("VERSION", spindle::VERSION)?;
    m.add_function(wrap_pyfunction!(model_names, m)?)?;
    m.add_function(wrap_pyfunction!(model_keys, m)?)?;
    m.add_function(wrap_pyfunction!(sampler_models, m)?)?;
    m.add_function(wrap_pyfunction!(model_status, m)?)?;
    m.add_function(wrap_pyfunction!(synapse_catalog, m)?)?;
    m.add_class::<Kernel>()?;
    Ok(())
}
