//! SONATA reports of the multimeters: one report file per (multimeter, recordable), written
//! beside the main output file while the run goes (with SONATA output on).
//!
//! A SONATA report is one variable of a set of nodes on a regular time grid, and a report file
//! holds one report: its root group is `/report`, one subgroup per node population, and the
//! readers (bmtk's `CompartmentReport`, libsonata's `SomaReportReader`/`ElementReportReader`)
//! open a file and read that `/report` group, with no way to name another. So a multimeter
//! recording R variables gives R report files, and the main file, which already holds `/spikes`,
//! holds no report. Each file:
//!
//! - `/report/<population>/data`: float32, shape (T, n): row t the values at
//!   `start + t·dt`, column j the population's node `node_ids[j]`; attributes `units` (the
//!   recordable's, e.g. `"mV"`) and `variable` (its name, which bmtk reads);
//! - `/report/<population>/mapping/node_ids`: uint64 (n,), ids counted from 0 within the
//!   `[[nodes]]` entry (the numbering of `/spikes`), ascending, attribute `sorted = 1` (uint8,
//!   which libsonata reads);
//! - `mapping/index_pointer` and `mapping/index_pointers`: uint64 (n + 1,), `0, 1, …, n` (one
//!   element per point neuron; the SONATA specification and bmtk call it `index_pointer`,
//!   libsonata reads `index_pointers`, so both are written);
//! - `mapping/element_ids`: uint32 (n,) zeros; `mapping/element_pos`: float32 (n,) zeros (bmtk
//!   counts a node's elements from it);
//! - `mapping/time`: float64 (3,), `[start, stop, dt]` in ms, attribute `units = "ms"`: the
//!   first sample time, the end of the last sample's interval (`start + T·dt`, raised by a few
//!   ulps where needed so that `int((stop − start) / dt) = T`, as bmtk counts rows), the
//!   multimeter's interval.
//!
//! A population is a `[[nodes]]` entry with at least one node the multimeter records. `data`
//! is chunked along time and not compressed (libsonata's wheels cannot read deflate), and grows
//! block by block with the multimeter's native datasets. The files are written in the main
//! file's mode (SWMR or not): at each checkpoint the rows are written and flushed before
//! `time` is updated to them and flushed again, so a reader, or a file left by a crash, finds
//! at least `(stop − start) / dt` rows of data, and readers read only those.

use crate::hdf5_file::{
    append_rows, fixed_dataset, scalar_attr, string_attr, Context, CHUNK_CACHE_BYTES,
    CHUNK_CACHE_SLOTS, CHUNK_ELEMENTS,
};
use crate::{recorder_name, Hdf5Error, NodeEntry};
use hdf5::{Dataset, File, SimpleExtents};
use spindle_core::recording::{MultimeterInfo, RecordingLayout};
use std::ffi::OsString;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The suffix of a file being written (`spindle run` renames it away when the run completes).
const PARTIAL: &str = ".partial";

/// The report file of `recordable` of the multimeter whose group is `device`, beside the
/// output file `output`: `<stem>.<device>.<recordable>.h5`, where `<stem>` is the output's
/// file name without `.h5`; for an output being written as `NAME.partial`, the report file of
/// `NAME` with `.partial` appended.
pub fn report_path(output: &Path, device: &str, recordable: &str) -> PathBuf {
    let name = output.file_name().unwrap_or_default().to_string_lossy();
    let (base, partial) = match name.strip_suffix(PARTIAL) {
        Some(base) => (base, PARTIAL),
        None => (&*name, ""),
    };
    let stem = base.strip_suffix(".h5").unwrap_or(base);
    let file = OsString::from(format!("{stem}.{device}.{recordable}.h5{partial}"));
    output.with_file_name(file)
}

/// The report files of every multimeter of `layout` beside the output file `output`
/// ([`report_path`]), in layout and `record_from` order: what a run with SONATA output writes
/// besides `output`.
pub fn report_paths(output: &Path, nodes: &[NodeEntry], layout: &RecordingLayout) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for m in &layout.multimeters {
        let device = recorder_name(nodes, m.id);
        for r in &m.record_from {
            paths.push(report_path(output, &device, r));
        }
    }
    paths
}

/// The populations of a multimeter's reports: per `[[nodes]]` entry with a recorded node, the
/// entry and the columns of its nodes among the multimeter's senders (ascending, so an
/// entry's senders are a run of columns). Senders in no entry are not reported.
pub(crate) fn populations<'n>(
    nodes: &'n [NodeEntry],
    m: &MultimeterInfo,
) -> Vec<(&'n NodeEntry, Range<usize>)> {
    nodes
        .iter()
        .filter_map(|e| {
            let a = m.senders.partition_point(|s| s.0 < e.first_id);
            let b = a + m.senders[a..].partition_point(|s| e.contains(s.0));
            (b > a).then_some((e, a..b))
        })
        .collect()
}

/// One population's open datasets and its columns among the multimeter's senders.
struct PopulationSets {
    data: Dataset,
    time: Dataset,
    columns: Range<usize>,
}

/// An open report file.
pub(crate) struct ReportFile {
    path: PathBuf,
    file: File,
    populations: Vec<PopulationSets>,
    /// The sampling interval (ms), and in steps.
    dt: f64,
    interval_steps: i64,
    resolution: f64,
    /// The first sample's time (ms) and step, once there is one.
    start: Option<(f64, i64)>,
    /// Rows written to `data`, and rows that `time` covers.
    rows: usize,
    rows_in_time: usize,
}

impl ReportFile {
    /// Create the report file of recordable `r` of multimeter `m` at `path` (see the module
    /// documentation), in SWMR mode when `swmr` (started by [`ReportFile::start_swmr`]). An
    /// existing file is replaced: the caller checked that it may be.
    pub(crate) fn create(
        path: &Path,
        nodes: &[NodeEntry],
        m: &MultimeterInfo,
        r: usize,
        resolution: f64,
        swmr: bool,
    ) -> Result<ReportFile, Hdf5Error> {
        let p = path;
        let mut builder = File::with_options();
        if swmr {
            builder.with_fapl(|f| f.libver_v110());
        }
        let file = builder
            .create(path)
            .at(p, || "cannot create the SONATA report file".into())?;
        let variable = &m.record_from[r];
        let units = m.units.get(r).copied().unwrap_or("");
        let report = file
            .create_group("report")
            .at(p, || "cannot create group /report".into())?;
        let mut sets = Vec::new();
        for (entry, columns) in populations(nodes, m) {
            let n = columns.len();
            let g = report
                .create_group(&entry.name)
                .at(p, || format!("cannot create group /report/{}", entry.name))?;
            let data = g
                .new_dataset::<f32>()
                .chunk(((CHUNK_ELEMENTS / n).max(1), n))
                .chunk_cache(CHUNK_CACHE_SLOTS, CHUNK_CACHE_BYTES, 0.75)
                .shape(SimpleExtents::new([(0, None), (n, Some(n))]))
                .create("data")
                .at(p, || format!("cannot create {}/data", g.name()))?;
            string_attr(p, &data, "units", units)?;
            string_attr(p, &data, "variable", variable)?;
            let mapping = g
                .create_group("mapping")
                .at(p, || format!("cannot create {}/mapping", g.name()))?;
            let ids: Vec<u64> = m.senders[columns.clone()]
                .iter()
                .map(|s| u64::from(s.0 - entry.first_id))
                .collect();
            let node_ids = fixed_dataset(p, &mapping, "node_ids", &ids)?;
            scalar_attr(p, &node_ids, "sorted", &1u8)?;
            let pointers: Vec<u64> = (0..=n as u64).collect();
            fixed_dataset(p, &mapping, "index_pointer", &pointers)?;
            fixed_dataset(p, &mapping, "index_pointers", &pointers)?;
            fixed_dataset(p, &mapping, "element_ids", &vec![0u32; n])?;
            fixed_dataset(p, &mapping, "element_pos", &vec![0f32; n])?;
            let time = fixed_dataset(p, &mapping, "time", &[0.0, 0.0, m.interval_ms])?;
            string_attr(p, &time, "units", "ms")?;
            sets.push(PopulationSets {
                data,
                time,
                columns,
            });
        }
        Ok(ReportFile {
            path: path.to_path_buf(),
            file,
            populations: sets,
            dt: m.interval_ms,
            interval_steps: steps(m.interval_ms, resolution),
            resolution,
            start: None,
            rows: 0,
            rows_in_time: 0,
        })
    }

    /// Enter single-writer/multiple-reader mode: every object exists now.
    pub(crate) fn start_swmr(&self) -> Result<(), Hdf5Error> {
        let p = &self.path;
        self.file.flush().at(p, || "cannot flush the file".into())?;
        self.file.start_swmr().at(p, || {
            "cannot start single-writer/multiple-reader mode".into()
        })
    }

    /// Append `times.len()` rows: `values` row-major, `n` senders wide (one recordable of the
    /// multimeter's block). The rows must continue the report's regular grid.
    pub(crate) fn append(
        &mut self,
        times: &[f64],
        values: &[f64],
        n: usize,
    ) -> Result<(), Hdf5Error> {
        if times.is_empty() {
            return Ok(());
        }
        let (start, first_step) = *self
            .start
            .get_or_insert_with(|| (times[0], steps(times[0], self.resolution)));
        for (k, &t) in times.iter().enumerate() {
            let row = (self.rows + k) as i64;
            if steps(t, self.resolution) != first_step + row * self.interval_steps {
                return Err(Hdf5Error::BadCall {
                    path: self.path.clone(),
                    message: format!(
                        "the sample at {t} ms is not on the grid {start} + k·{} ms of the SONATA \
                         report (the multimeter's interval, start or stop changed between runs); \
                         a SONATA report needs one regular grid",
                        self.dt
                    ),
                });
            }
        }
        let t = times.len();
        for pop in &self.populations {
            let w = pop.columns.len();
            let mut block = Vec::with_capacity(t * w);
            for row in values.chunks_exact(n.max(1)).take(t) {
                block.extend(row[pop.columns.clone()].iter().map(|&v| v as f32));
            }
            append_rows(&self.path, &pop.data, self.rows, t, w, &block)?;
        }
        self.rows += t;
        Ok(())
    }

    /// Make the file's `time` cover every row written: flush the rows, then write `time` and
    /// flush again, so that `time` never covers rows not yet on disk.
    pub(crate) fn sync(&mut self) -> Result<(), Hdf5Error> {
        if self.rows == self.rows_in_time {
            return Ok(());
        }
        let p = &self.path;
        self.file.flush().at(p, || "cannot flush the file".into())?;
        let start = self.start.map_or(0.0, |(t, _)| t);
        let time = [start, stop_of(start, self.dt, self.rows), self.dt];
        for pop in &self.populations {
            pop.time
                .write_raw(&time)
                .at(p, || format!("cannot write {}", pop.time.name()))?;
        }
        self.file.flush().at(p, || "cannot flush the file".into())?;
        self.rows_in_time = self.rows;
        Ok(())
    }

    /// Write `time`, flush and close the file.
    pub(crate) fn finish(mut self) -> Result<(), Hdf5Error> {
        self.sync()?;
        let ReportFile {
            path,
            file,
            populations,
            ..
        } = self;
        drop(populations);
        file.close().at(&path, || "cannot close the file".into())
    }
}

/// The step count of `ms` on a grid of `resolution` (times the kernel wrote are whole steps).
fn steps(ms: f64, resolution: f64) -> i64 {
    (ms / resolution).round() as i64
}

/// `start + rows·dt`, raised to the next doubles until `(stop − start) / dt` is at least
/// `rows`, so that bmtk (`int((stop − start) / dt)` rows) and libsonata (times
/// `start, start + dt, …` below `stop − 1e-6`) both read `rows` rows.
pub(crate) fn stop_of(start: f64, dt: f64, rows: usize) -> f64 {
    let mut stop = start + rows as f64 * dt;
    while ((stop - start) / dt) < rows as f64 {
        stop = f64::from_bits(stop.to_bits() + 1);
    }
    stop
}

#[cfg(test)]
mod tests {
    use super::*;
    use spindle_core::NodeId;

    #[test]
    fn report_files_sit_beside_the_output_and_follow_its_partial_name() {
        let f = |o: &str| report_path(Path::new(o), "mm", "V_m");
        assert_eq!(f("out/run.h5"), Path::new("out/run.mm.V_m.h5"));
        assert_eq!(f("run.h5.partial"), Path::new("run.mm.V_m.h5.partial"));
        assert_eq!(f("run.hdf5"), Path::new("run.hdf5.mm.V_m.h5"));
    }

    #[test]
    fn a_multimeter_reports_one_population_per_entry_it_records() {
        let e = |name: &str, first_id, count| NodeEntry {
            name: name.into(),
            model: "iaf_psc_alpha".into(),
            first_id,
            count,
        };
        let nodes = [
            e("exc", 1, 4),
            e("inh", 5, 2),
            e("quiet", 7, 3),
            e("mm", 10, 1),
        ];
        let m = MultimeterInfo {
            id: NodeId(10),
            model: "multimeter",
            senders: [2, 3, 6, 11].map(NodeId).to_vec(),
            record_from: vec!["V_m".into()],
            units: vec!["mV"],
            interval_ms: 0.1,
        };
        let pops: Vec<(&str, Range<usize>)> = populations(&nodes, &m)
            .into_iter()
            .map(|(e, c)| (e.name.as_str(), c))
            .collect();
        assert_eq!(pops, [("exc", 0..2), ("inh", 2..3)]);
    }

    #[test]
    fn stop_counts_the_rows_as_bmtk_and_libsonata_do() {
        for (start, dt) in [(0.1, 0.1), (1.0, 0.3), (0.05, 0.05), (7.7, 0.7)] {
            for rows in 0..3000usize {
                let stop = stop_of(start, dt, rows);
                // bmtk
                assert_eq!(((stop - start) / dt) as usize, rows, "{start} {dt} {rows}");
                // libsonata: t = start; while t < stop - 1e-6 { t += dt }
                let (mut t, mut n) = (start, 0usize);
                while t < stop - 1e-6 {
                    t += dt;
                    n += 1;
                }
                assert_eq!(n, rows, "{start} {dt} {rows}");
            }
        }
    }
}
