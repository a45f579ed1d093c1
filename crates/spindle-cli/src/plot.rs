//! PNG figures of recorded GLIF traces, drawn in Rust with `plotters` (`spindle run --plot DIR`).
//!
//! One figure per neuron recorded by a multimeter that records `V_m`, laid out like NEST's
//! `glif_cond_neuron.py` example: four stacked panels sharing the time axis,
//!
//! 1. `V_m` and `threshold` (mV), the neuron's spikes marked as red dots;
//! 2. `threshold_spike` and `threshold_voltage` (mV);
//! 3. the injected current `I` and `ASCurrents_sum` (pA);
//! 4. the receptor conductances `g_1`, `g_2`, … (nS).
//!
//! A panel is drawn with the recordables the multimeter has; a panel with none is left out, so
//! a multimeter of an `iaf_*` model that records only `V_m` gives a one-panel figure.
//!
//! Text is rendered with DejaVu Sans, compiled into the binary (`assets/DejaVuSans.ttf`, licence
//! beside it), so figures look the same on every machine and need no system font.
//!
//! `scripts/plot_glif_cond.py` draws the same figures from the HDF5 file with matplotlib.

use std::collections::HashSet;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use spindle_io::{MultimeterData, Recording};

/// The pixel size (width, height) of every figure.
pub const FIGURE_SIZE: (u32, u32) = (1200, 1000);

/// Why the figures could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("cannot create the figure directory {}: {source}", path.display())]
    CreateDir { path: PathBuf, source: io::Error },
    #[error(
        "multimeter '{multimeter}': recordable '{recordable}' has {found} values, \
         expected {expected} ({times} times x {senders} senders)"
    )]
    Shape {
        multimeter: String,
        recordable: String,
        times: usize,
        senders: usize,
        expected: usize,
        found: usize,
    },
    #[error("the embedded font could not be loaded")]
    Font,
    #[error("cannot draw {}: {message}", path.display())]
    Draw { path: PathBuf, message: String },
}

/// Draws one figure per (multimeter recording `V_m`, sender) into `out_dir`, which is created if
/// missing, and returns the paths written, in multimeter then sender order.
///
/// A figure is named `<node name>.png`, with `node_name(sender)` made safe for a file name; a
/// name that is already taken gets the sender id appended. Spikes of the sender from every spike
/// recorder are marked on the first panel. Multimeters without `V_m` and multimeters that
/// recorded no sample give no figure.
pub fn glif_figures(
    recording: &Recording,
    node_name: &dyn Fn(i64) -> String,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, PlotError> {
    register_embedded_font()?;
    std::fs::create_dir_all(out_dir).map_err(|source| PlotError::CreateDir {
        path: out_dir.to_path_buf(),
        source,
    })?;

    let mut written: Vec<PathBuf> = Vec::new();
    let mut taken: HashSet<PathBuf> = HashSet::new();
    for meter in &recording.multimeters {
        if meter.values_of("V_m").is_none() || meter.times.is_empty() {
            continue;
        }
        check_shape(meter)?;
        for &sender in &meter.senders {
            let name = node_name(sender);
            let figure = Figure::of(meter, sender, &name, spikes_of(recording, sender));
            let path = unique_path(out_dir, &file_stem(&name, sender), sender, &taken);
            let drawn = {
                let root = BitMapBackend::new(&path, FIGURE_SIZE).into_drawing_area();
                draw_figure(&root, &figure).and_then(|()| root.present())
            };
            if let Err(e) = drawn {
                let message = e.to_string();
                return Err(PlotError::Draw { path, message });
            }
            taken.insert(path.clone());
            written.push(path);
        }
    }
    Ok(written)
}

/// The family name plotters' default text styles ask for; registering the embedded font under it
/// makes it the font of every label, tick and title.
const FONT_FAMILY: &str = "sans-serif";

static DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

fn register_embedded_font() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(PlotError::Font)
    }
}

/// `MultimeterData::trace` indexes without checking; a malformed recording is reported here
/// instead of panicking there.
fn check_shape(meter: &MultimeterData) -> Result<(), PlotError> {
    let (times, senders) = (meter.times.len(), meter.senders.len());
    let expected = times * senders;
    match meter.values.iter().find(|(_, v)| v.len() != expected) {
        None => Ok(()),
        Some((recordable, v)) => Err(PlotError::Shape {
            multimeter: meter.name.clone(),
            recordable: recordable.clone(),
            times,
            senders,
            expected,
            found: v.len(),
        }),
    }
}

fn spikes_of(recording: &Recording, sender: i64) -> Vec<f64> {
    let mut times: Vec<f64> = recording
        .spike_recorders
        .iter()
        .flat_map(|r| r.times.iter().zip(&r.senders))
        .filter(|&(_, &s)| s == sender)
        .map(|(&t, _)| t)
        .collect();
    times.sort_by(f64::total_cmp);
    // Two spike recorders connected to the same neuron report its spikes twice.
    times.dedup();
    times
}

/// Keeps ASCII letters, digits, `-`, `_` and `.`; the member of a population, `exc[3]`, becomes
/// `exc_3` (its HDF5 group name), and anything else (path separators included) becomes `_`.
/// A name that is empty or only dots falls back to `node_<id>`.
fn file_stem(name: &str, sender: i64) -> String {
    let stem: String = name
        .chars()
        .filter(|&c| c != ']')
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_start_matches('.');
    if stem.is_empty() {
        format!("node_{sender}")
    } else {
        stem.to_string()
    }
}

fn unique_path(dir: &Path, stem: &str, sender: i64, taken: &HashSet<PathBuf>) -> PathBuf {
    let first = dir.join(format!("{stem}.png"));
    if !taken.contains(&first) {
        return first;
    }
    (1..)
        .map(|k| match k {
            1 => dir.join(format!("{stem}_{sender}.png")),
            _ => dir.join(format!("{stem}_{sender}_{k}.png")),
        })
        .find(|p| !taken.contains(p))
        .expect("an unbounded sequence of names has a free one")
}

// ---------------------------------------------------------------------------------------------
// What a figure shows

/// Colours of matplotlib's defaults, so the Rust and the Python figures read alike.
const MPL_BLUE: RGBColor = RGBColor(0, 0, 255); // "b"
const MPL_GREEN: RGBColor = RGBColor(0, 128, 0); // "g"
const MPL_OLIVE: RGBColor = RGBColor(191, 191, 0); // "y"
const MPL_CYAN: RGBColor = RGBColor(0, 191, 191); // "c"
const MPL_RED: RGBColor = RGBColor(255, 0, 0); // "r"
const TAB10: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Stroke {
    Solid,
    /// Long dashes (matplotlib "--").
    Dashed,
    /// Dash and dot (matplotlib "-.").
    DashDot,
}

impl Stroke {
    /// Alternating on and off lengths in pixels; empty for a solid line.
    fn pattern(self) -> &'static [f64] {
        match self {
            Stroke::Solid => &[],
            Stroke::Dashed => &[10.0, 6.0],
            Stroke::DashDot => &[10.0, 4.0, 2.0, 4.0],
        }
    }
}

/// The panels, top to bottom, with the recordables each shows (NEST's example's styles).
/// The conductance panel's recordables are found by name pattern, see [`conductances`].
struct PanelSpec {
    y_desc: &'static str,
    /// Relative height (NEST's example uses 2:1:1:1).
    weight: u32,
    series: &'static [(&'static str, RGBColor, Stroke)],
}

const PANELS: [PanelSpec; 4] = [
    PanelSpec {
        y_desc: "V (mV)",
        weight: 2,
        series: &[
            ("V_m", MPL_BLUE, Stroke::Solid),
            ("threshold", MPL_GREEN, Stroke::Dashed),
        ],
    },
    PanelSpec {
        y_desc: "V (mV)",
        weight: 1,
        series: &[
            ("threshold_spike", MPL_OLIVE, Stroke::Solid),
            ("threshold_voltage", BLACK, Stroke::Dashed),
        ],
    },
    PanelSpec {
        y_desc: "I (pA)",
        weight: 1,
        series: &[
            ("I", TAB10[0], Stroke::Dashed),
            ("ASCurrents_sum", MPL_CYAN, Stroke::DashDot),
        ],
    },
    PanelSpec {
        y_desc: "g (nS)",
        weight: 1,
        series: &[],
    },
];

const CONDUCTANCE_PANEL: usize = 3;

/// The recorded receptor conductances `g_<n>` (n ≥ 1), in receptor order.
fn conductances(meter: &MultimeterData) -> Vec<&str> {
    let mut found: Vec<(u32, &str)> = meter
        .values
        .iter()
        .filter_map(|(name, _)| {
            let port = name.strip_prefix("g_")?.parse::<u32>().ok()?;
            Some((port, name.as_str()))
        })
        .collect();
    found.sort_unstable();
    found.into_iter().map(|(_, name)| name).collect()
}

struct Series {
    label: String,
    color: RGBColor,
    stroke: Stroke,
    values: Vec<f64>,
}

struct Panel {
    y_desc: &'static str,
    weight: u32,
    series: Vec<Series>,
    /// Spike times to mark (first panel only).
    spikes: Vec<f64>,
}

struct Figure<'a> {
    title: String,
    times: &'a [f64],
    panels: Vec<Panel>,
}

impl<'a> Figure<'a> {
    fn of(meter: &'a MultimeterData, sender: i64, title: &str, spikes: Vec<f64>) -> Self {
        let trace = |name: &str| meter.trace(name, sender);
        let mut panels = Vec::new();
        for (k, spec) in PANELS.iter().enumerate() {
            let series: Vec<Series> = if k == CONDUCTANCE_PANEL {
                conductances(meter)
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, name)| {
                        Some(Series {
                            label: name.to_string(),
                            color: TAB10[i % TAB10.len()],
                            stroke: if i % 2 == 0 {
                                Stroke::Solid
                            } else {
                                Stroke::Dashed
                            },
                            values: trace(name)?,
                        })
                    })
                    .collect()
            } else {
                spec.series
                    .iter()
                    .filter_map(|&(name, color, stroke)| {
                        Some(Series {
                            label: name.to_string(),
                            color,
                            stroke,
                            values: trace(name)?,
                        })
                    })
                    .collect()
            };
            if series.is_empty() {
                continue;
            }
            panels.push(Panel {
                y_desc: spec.y_desc,
                weight: spec.weight,
                series,
                spikes: if k == 0 { spikes.clone() } else { Vec::new() },
            });
        }
        Figure {
            title: title.to_string(),
            times: &meter.times,
            panels,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing

/// Pixel layout shared by all panels, so that their plotting areas line up.
const TITLE_FONT: u32 = 28;
const LABEL_FONT: u32 = 17;
const DESC_FONT: u32 = 19;
const LEGEND_FONT: u32 = 17;
const Y_LABEL_AREA: u32 = 80;
const X_LABEL_AREA: u32 = 55;
const LEGEND_WIDTH: u32 = 190;
const PANEL_GAP: u32 = 16;
const LINE_WIDTH: u32 = 2;
const SPIKE_RADIUS: u32 = 4;

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let body = root.titled(&figure.title, (FONT_FAMILY, TITLE_FONT))?;
    let body = body.margin(4, 8, 8, 12);
    let (_, height) = body.dim_in_pixel();

    // Every panel gets its share of the height left after the bottom axis labels, so the
    // plotting heights keep NEST's 2:1:1:1 ratio; the bottom panel adds the label band.
    let total_weight: u32 = figure.panels.iter().map(|p| p.weight).sum();
    let gaps = PANEL_GAP * figure.panels.len().saturating_sub(1) as u32;
    let share = height.saturating_sub(X_LABEL_AREA + gaps) as f64 / total_weight.max(1) as f64;
    let x_range = padded(figure.times[0], figure.times[figure.times.len() - 1], 0.0);

    let mut rest = body;
    let last = figure.panels.len().saturating_sub(1);
    for (k, panel) in figure.panels.iter().enumerate() {
        let is_bottom = k == last;
        let area = if is_bottom {
            rest.clone()
        } else {
            let h = (share * panel.weight as f64).round() as i32 + PANEL_GAP as i32;
            let (top, below) = rest.split_vertically(h);
            rest = below;
            top
        };
        draw_panel(&area, panel, figure.times, x_range.clone(), is_bottom)?;
    }
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    times: &[f64],
    x_range: Range<f64>,
    is_bottom: bool,
) -> DrawResult<DB> {
    let (plot_area, legend_area) = area.split_horizontally(area.dim_in_pixel().0 - LEGEND_WIDTH);

    // The y range covers every trace; spike dots sit in a band above the traces.
    let (lo, hi) = panel
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
    let span = flat_span(lo, hi);
    let spike_y = hi + 0.08 * span;
    let spikes: Vec<f64> = panel
        .spikes
        .iter()
        .copied()
        .filter(|t| x_range.contains(t) || *t == x_range.end)
        .collect();
    let top = if spikes.is_empty() { hi } else { spike_y };
    let y_range = padded(lo, top, 0.05);

    let mut chart = ChartBuilder::on(&plot_area)
        .margin_top(PANEL_GAP / 2)
        .margin_right(6)
        .x_label_area_size(if is_bottom { X_LABEL_AREA } else { 0 })
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x_range.clone(), y_range.clone())?;

    let x_fmt = tick_formatter(x_range.end - x_range.start, 10);
    let y_fmt = tick_formatter(y_range.end - y_range.start, 5);
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(10)
        .y_labels(5)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .y_desc(panel.y_desc)
        .label_style((FONT_FAMILY, LABEL_FONT))
        .axis_desc_style((FONT_FAMILY, DESC_FONT))
        .bold_line_style(RGBColor(215, 215, 215))
        .max_light_lines(0)
        .axis_style(BLACK);
    if is_bottom {
        mesh.x_desc("t (ms)");
    }
    mesh.draw()?;

    // Close the box on the top and right, as matplotlib does.
    chart.draw_series(std::iter::once(PathElement::new(
        vec![
            (x_range.start, y_range.end),
            (x_range.end, y_range.end),
            (x_range.end, y_range.start),
        ],
        BLACK,
    )))?;

    let (columns, rows) = chart.plotting_area().dim_in_pixel();
    let pixels_per_unit = (
        columns as f64 / (x_range.end - x_range.start),
        rows as f64 / (y_range.end - y_range.start),
    );
    for s in &panel.series {
        let points = decimate(times, &s.values, x_range.clone(), columns as usize);
        let style = s.color.stroke_width(LINE_WIDTH);
        let pieces = stroke_pieces(&points, s.stroke.pattern(), pixels_per_unit);
        chart.draw_series(
            pieces
                .into_iter()
                .map(|[a, b]| PathElement::new(vec![a, b], style)),
        )?;
    }
    chart.draw_series(
        spikes
            .iter()
            .map(|&t| Circle::new((t, spike_y), SPIKE_RADIUS, MPL_RED.filled())),
    )?;

    let mut entries: Vec<(&str, RGBColor, Option<Stroke>)> = panel
        .series
        .iter()
        .map(|s| (s.label.as_str(), s.color, Some(s.stroke)))
        .collect();
    if !spikes.is_empty() {
        entries.push(("spike", MPL_RED, None));
    }
    draw_legend(&legend_area, &entries)
}

/// The legend sits in its own column right of the plot, so it never hides a trace.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(&str, RGBColor, Option<Stroke>)],
) -> DrawResult<DB> {
    let row = LEGEND_FONT as i32 + 9;
    let (x0, y0) = (12, PANEL_GAP as i32 / 2 + 8);
    let height = row * entries.len() as i32 + 8;
    area.draw(&Rectangle::new(
        [(x0 - 6, y0 - 6), (LEGEND_WIDTH as i32 - 8, y0 + height - 6)],
        RGBColor(190, 190, 190),
    ))?;
    let text = TextStyle::from((FONT_FAMILY, LEGEND_FONT).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (i, &(label, color, stroke)) in entries.iter().enumerate() {
        let y = y0 + row * i as i32 + row / 2 - 2;
        let (a, b) = ((x0, y), (x0 + 34, y));
        let style = color.stroke_width(LINE_WIDTH);
        match stroke {
            None => area.draw(&Circle::new((x0 + 17, y), SPIKE_RADIUS, color.filled()))?,
            Some(stroke) => {
                let sample = [(a.0 as f64, a.1 as f64), (b.0 as f64, b.1 as f64)];
                for [p, q] in stroke_pieces(&sample, stroke.pattern(), (1.0, 1.0)) {
                    let px = |(x, y): (f64, f64)| (x.round() as i32, y.round() as i32);
                    area.draw(&PathElement::new(vec![px(p), px(q)], style))?;
                }
            }
        }
        area.draw_text(label, &text, (x0 + 44, y))?;
    }
    Ok(())
}

/// The straight pieces to stroke for a polyline through `points`, solid or following the dash
/// `pattern` (pixel lengths, see [`Stroke::pattern`]); `pixels_per_unit` converts data to pixels.
///
/// plotters turns a whole path wider than 1 px into one polygon and fills it, and the min/max
/// envelope of a dense trace folds back on itself so often that the fill is full of holes.
/// Stroking every piece on its own keeps each pixel; at 2 px the joins need no mitre.
fn stroke_pieces(
    points: &[(f64, f64)],
    pattern: &[f64],
    pixels_per_unit: (f64, f64),
) -> Vec<[(f64, f64); 2]> {
    if pattern.is_empty() {
        return points.windows(2).map(|w| [w[0], w[1]]).collect();
    }
    let at = |a: (f64, f64), b: (f64, f64), f: f64| (a.0 + f * (b.0 - a.0), a.1 + f * (b.1 - a.1));
    let mut pieces = Vec::with_capacity(points.len());
    let mut k = 0; // position in the pattern: even is a dash, odd a gap
    let mut left = pattern[0]; // pixels left of the current dash or gap
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b.0 - a.0) * pixels_per_unit.0).hypot((b.1 - a.1) * pixels_per_unit.1);
        let mut done = 0.0;
        while len - done > left {
            if k % 2 == 0 && left > 0.0 {
                pieces.push([at(a, b, done / len), at(a, b, (done + left) / len)]);
            }
            done += left;
            k = (k + 1) % pattern.len();
            left = pattern[k];
        }
        if k % 2 == 0 && len > done {
            pieces.push([at(a, b, done / len), b]);
        }
        left -= len - done;
    }
    pieces
}

/// A range from `lo` to `hi` widened by `fraction` of its span on each side; a flat or single
/// sample range is widened so that it has some extent.
fn padded(lo: f64, hi: f64, fraction: f64) -> Range<f64> {
    let span = flat_span(lo, hi);
    if hi > lo {
        (lo - fraction * span)..(hi + fraction * span)
    } else {
        let half = (0.5 + fraction) * span;
        (lo - half)..(hi + half)
    }
}

fn flat_span(lo: f64, hi: f64) -> f64 {
    if hi > lo {
        hi - lo
    } else {
        // A constant trace (ASCurrents_sum of a model without after-spike currents) gets a
        // span of 2 or 10 % of its magnitude, whichever is larger.
        (0.1 * lo.abs()).max(2.0)
    }
}

/// Tick labels with the fewest decimals (at most 6) that show the tick value, about `n` ticks
/// over `span` being drawn, and no "-0".
fn tick_formatter(span: f64, n: usize) -> impl Fn(&f64) -> String {
    let tolerance = (span / n.max(1) as f64).abs() * 1e-3;
    move |v: &f64| {
        let decimals = (0..6)
            .find(|&d| {
                let scale = 10f64.powi(d as i32);
                ((v * scale).round() / scale - v).abs() <= tolerance
            })
            .unwrap_or(6);
        let s = format!("{v:.decimals$}");
        if s.trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
        {
            s.trim_start_matches('-').to_string()
        } else {
            s
        }
    }
}

/// The points of a trace to draw on a plot `columns` pixels wide: every sample when there are
/// few, else per pixel column the first, lowest, highest and last sample in time order. A line
/// through them has the same pixels as a line through all samples, so a one-sample spike
/// survives, while 20 000 samples shrink to at most 4 per column. Non-finite values are left out.
fn decimate(times: &[f64], values: &[f64], x_range: Range<f64>, columns: usize) -> Vec<(f64, f64)> {
    let samples = times
        .iter()
        .zip(values)
        .filter(|(_, v)| v.is_finite())
        .map(|(&t, &v)| (t, v));
    let columns = columns.max(1);
    if times.len() <= 4 * columns {
        return samples.collect();
    }
    let width = x_range.end - x_range.start;
    let column_of =
        |t: f64| (((t - x_range.start) / width * columns as f64) as usize).min(columns - 1);

    let mut out = Vec::with_capacity(4 * columns);
    // The current column and its [first, lowest, highest, last] (sample index, point).
    type Picks = [(usize, (f64, f64)); 4];
    let mut bucket: Option<(usize, Picks)> = None;
    let flush = |out: &mut Vec<(f64, f64)>, picks: Picks| {
        let mut picks = picks;
        picks.sort_by_key(|&(i, _)| i);
        let mut last_index = None;
        for (i, p) in picks {
            if last_index != Some(i) {
                out.push(p);
                last_index = Some(i);
            }
        }
    };
    for (i, p) in samples.enumerate() {
        let col = column_of(p.0);
        match &mut bucket {
            Some((c, picks)) if *c == col => {
                if p.1 < picks[1].1 .1 {
                    picks[1] = (i, p);
                }
                if p.1 > picks[2].1 .1 {
                    picks[2] = (i, p);
                }
                picks[3] = (i, p);
            }
            _ => {
                if let Some((_, picks)) = bucket.take() {
                    flush(&mut out, picks);
                }
                bucket = Some((col, [(i, p); 4]));
            }
        }
    }
    if let Some((_, picks)) = bucket {
        flush(&mut out, picks);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use spindle_io::SpikeData;

    const T: usize = 400;

    /// Two neurons sampled every 0.5 ms: a sawtooth V_m resetting at the spikes, a flat
    /// threshold, a current step and two decaying conductances.
    fn glif_recording() -> Recording {
        let senders = vec![1_i64, 2];
        let times: Vec<f64> = (1..=T).map(|k| k as f64 * 0.5).collect();
        let names = [
            "V_m",
            "I",
            "g_1",
            "g_2",
            "threshold",
            "threshold_spike",
            "threshold_voltage",
            "ASCurrents_sum",
        ];
        let value = |name: &str, t: f64, n: i64| -> f64 {
            let period = 20.0 * n as f64;
            match name {
                "V_m" => -70.0 + 20.0 * (t % period) / period,
                "threshold" => -50.0,
                "threshold_spike" => 2.0 * (-(t % period) / 5.0).exp(),
                "threshold_voltage" => 0.1 * t.sin(),
                "I" => {
                    if (50.0..150.0).contains(&t) {
                        300.0
                    } else {
                        0.0
                    }
                }
                "ASCurrents_sum" => -10.0 * (-(t % period) / 10.0).exp(),
                "g_1" => 5.0 * (-(t % 30.0) / 2.0).exp(),
                _ => 3.0 * (-(t % 45.0) / 8.0).exp(),
            }
        };
        let values = names
            .iter()
            .map(|&name| {
                let v = times
                    .iter()
                    .flat_map(|&t| senders.iter().map(move |&n| value(name, t, n)))
                    .collect();
                (name.to_string(), v)
            })
            .collect();
        let spike_times: Vec<f64> = vec![20.0, 40.0, 40.0, 60.0, 80.0, 120.0, 160.0];
        let spike_senders = vec![1, 1, 2, 1, 2, 2, 2];
        Recording {
            weight_recorders: Vec::new(),
            detectors: Vec::new(),
            spike_recorders: vec![SpikeData {
                name: "sr".into(),
                id: 4,
                times: spike_times,
                senders: spike_senders,
            }],
            multimeters: vec![MultimeterData {
                name: "mm".into(),
                id: 3,
                times,
                senders,
                values,
            }],
        }
    }

    fn scratch_dir(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("spindle-plot-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// The width and height from a PNG's IHDR chunk, or None if `bytes` is not a PNG.
    fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
        const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
        if bytes.len() < 24 || &bytes[..8] != SIGNATURE || &bytes[12..16] != b"IHDR" {
            return None;
        }
        let be = |r: Range<usize>| u32::from_be_bytes(bytes[r].try_into().unwrap());
        Some((be(16..20), be(20..24)))
    }

    #[test]
    fn one_png_per_recorded_neuron_named_after_the_node() {
        let dir = scratch_dir("two").join("nested");
        let names = |id: i64| {
            if id == 1 {
                "lif".to_string()
            } else {
                "lif r/asc".to_string()
            }
        };
        let written = glif_figures(&glif_recording(), &names, &dir).unwrap();
        assert_eq!(
            written,
            vec![dir.join("lif.png"), dir.join("lif_r_asc.png")]
        );
        for path in &written {
            let bytes = std::fs::read(path).unwrap();
            assert!(
                bytes.len() > 10_000,
                "{} is only {} bytes",
                path.display(),
                bytes.len()
            );
            assert_eq!(png_size(&bytes), Some(FIGURE_SIZE), "{}", path.display());
        }
        std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_recording_without_membrane_potential_gives_no_figure() {
        let dir = scratch_dir("none");
        let mut recording = glif_recording();
        recording.multimeters[0]
            .values
            .retain(|(name, _)| name != "V_m");
        let written = glif_figures(&recording, &|id| format!("n{id}"), &dir).unwrap();
        assert!(written.is_empty());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn names_that_collide_get_the_sender_id() {
        let dir = scratch_dir("collide");
        let written = glif_figures(&glif_recording(), &|_| "pop".to_string(), &dir).unwrap();
        assert_eq!(written, vec![dir.join("pop.png"), dir.join("pop_2.png")]);
        assert_eq!(file_stem("../..", 7), "_..");
        assert_eq!(file_stem("...", 7), "node_7");
        assert_eq!(file_stem("exc[12]", 7), "exc_12");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_malformed_multimeter_is_an_error_not_a_panic() {
        let dir = scratch_dir("shape");
        let mut recording = glif_recording();
        recording.multimeters[0].values[2].1.pop();
        let err = glif_figures(&recording, &|id| id.to_string(), &dir).unwrap_err();
        assert!(matches!(err, PlotError::Shape { ref recordable, .. } if recordable == "g_1"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Renders into memory and counts the pixels of a colour.
    fn render(figure: &Figure) -> Vec<u8> {
        register_embedded_font().unwrap();
        let (w, h) = FIGURE_SIZE;
        let mut buf = vec![0u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut buf, FIGURE_SIZE).into_drawing_area();
            draw_figure(&root, figure).unwrap();
            root.present().unwrap();
        }
        buf
    }

    fn count(buf: &[u8], color: RGBColor) -> usize {
        buf.chunks_exact(3)
            .filter(|p| p == &[color.0, color.1, color.2])
            .count()
    }

    #[test]
    fn spikes_and_all_four_panels_are_drawn() {
        let recording = glif_recording();
        let meter = &recording.multimeters[0];
        let figure = Figure::of(meter, 1, "lif", spikes_of(&recording, 1));
        assert_eq!(figure.panels.len(), 4);
        assert_eq!(figure.panels[0].spikes, vec![20.0, 40.0, 60.0]);
        let buf = render(&figure);
        // Three spike dots plus the legend's, each about π·4² pixels.
        assert!(count(&buf, MPL_RED) > 3 * 30, "spike dots missing");
        for color in [MPL_BLUE, MPL_GREEN, MPL_OLIVE, MPL_CYAN, TAB10[0], TAB10[1]] {
            assert!(count(&buf, color) > 100, "no trace drawn in {color:?}");
        }

        let quiet = Figure::of(meter, 1, "lif", Vec::new());
        assert_eq!(count(&render(&quiet), MPL_RED), 0);
    }

    #[test]
    fn panels_without_recordables_are_left_out() {
        let mut recording = glif_recording();
        recording.multimeters[0]
            .values
            .retain(|(name, _)| name == "V_m" || name.starts_with("g_"));
        let figure = Figure::of(&recording.multimeters[0], 2, "iaf", Vec::new());
        let shown: Vec<&str> = figure.panels.iter().map(|p| p.y_desc).collect();
        assert_eq!(shown, vec!["V (mV)", "g (nS)"]);
        let labels: Vec<&str> = figure.panels[1]
            .series
            .iter()
            .map(|s| s.label.as_str())
            .collect();
        assert_eq!(labels, vec!["g_1", "g_2"]);
        render(&figure);
    }

    /// A trace that flips between two values every sample must paint, at its 2 px stroke, the
    /// whole band between them: plotters fills one polygon per thick path, and the envelope of
    /// such a trace folds back on itself so often that the fill leaves holes.
    #[test]
    fn a_dense_trace_is_drawn_without_holes() {
        let n = 20_000;
        let times: Vec<f64> = (1..=n).map(|k| k as f64 * 0.05).collect();
        let values = (0..n)
            .map(|k| if k % 2 == 0 { -70.0 } else { -50.0 })
            .collect();
        let meter = MultimeterData {
            name: "mm".into(),
            id: 2,
            times,
            senders: vec![1],
            values: vec![("V_m".into(), values)],
        };
        let figure = Figure::of(&meter, 1, "flip", Vec::new());
        let buf = render(&figure);
        let (w, h) = FIGURE_SIZE;
        let blue_in_column = |x: u32| {
            (0..h)
                .filter(|&y| {
                    let i = 3 * (y * w + x) as usize;
                    buf[i..i + 3] == [MPL_BLUE.0, MPL_BLUE.1, MPL_BLUE.2]
                })
                .count()
        };
        // The band spans 1/1.1 of the plot height, which is most of the figure's.
        for x in [300, 500, 700, 900] {
            assert!(
                blue_in_column(x) > h as usize * 3 / 5,
                "column {x}: {}",
                blue_in_column(x)
            );
        }
    }

    #[test]
    fn dashes_follow_the_pattern_across_vertices() {
        // A 100 px line in two pieces: six 10 + 6 periods, then 4 px of a seventh dash.
        let line = [(0.0, 0.0), (35.0, 0.0), (50.0, 0.0)];
        let pieces = stroke_pieces(&line, &[10.0, 6.0], (2.0, 1.0));
        let inked: f64 = pieces.iter().map(|[a, b]| 2.0 * (b.0 - a.0)).sum();
        assert!((inked - 64.0).abs() < 1e-9, "{inked}");
        assert_eq!(pieces.len(), 8, "the dash across the vertex is two pieces");
        assert_eq!(stroke_pieces(&line, &[], (1.0, 1.0)).len(), 2);
    }

    #[test]
    fn decimation_keeps_one_sample_spikes_and_bounds_the_points() {
        let n = 20_000;
        let times: Vec<f64> = (0..n).map(|k| k as f64 * 0.05).collect();
        let mut values = vec![-70.0; n];
        values[12_345] = 30.0;
        values[777] = -90.0;
        let points = decimate(&times, &values, 0.0..times[n - 1], 1000);
        assert!(points.len() <= 4 * 1000);
        assert!(points.contains(&(times[12_345], 30.0)));
        assert!(points.contains(&(times[777], -90.0)));
        assert!(
            points.windows(2).all(|w| w[0].0 <= w[1].0),
            "points out of time order"
        );
        assert_eq!(points.first(), Some(&(0.0, -70.0)));
        assert_eq!(points.last(), Some(&(times[n - 1], -70.0)));
    }

    #[test]
    fn tick_labels_have_the_decimals_the_value_needs() {
        let f = tick_formatter(1000.0, 10);
        assert_eq!(f(&200.0), "200");
        assert_eq!(f(&-0.0), "0");
        let f = tick_formatter(0.5, 5);
        assert_eq!(f(&0.25), "0.25");
        assert_eq!(f(&0.30000000000000004), "0.3");
        assert_eq!(f(&-0.00001), "0");
    }
}
