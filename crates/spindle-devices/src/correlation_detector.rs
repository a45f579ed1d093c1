//! `correlation_detector` (NEST 3.10's `models/correlation_detector.h/.cpp`): the
//! cross-correlation histogram of two spike trains, pooled from the connections on receptor
//! port 0 and port 1.
//!
//! For every spike `i` on port `s` stamped within `[Tstart, Tstop]` the detector adds, for each
//! spike `j` of the other port that it still keeps, `m_i·w_i·w_j` (multiplicity times weight of
//! the two events) to bin `⌊(τ_edge + σ·(t_i − t_j)) / Δτ⌋` of `histogram` (NEST's Kahan
//! summation, whose running compensation is `histogram_correction`) and `m_i` to
//! `count_histogram`, with `σ = 2s − 1` and `τ_edge = τ_max + Δτ/2` (all in steps): bin
//! `τ_max/Δτ` is lag 0, positive lags (port 1 after port 0) lie above it. A pair is counted
//! once, by whichever spike arrives second. Spikes of the other port older than the window are
//! dropped first (`t_i − t_j − s̄/2 ≥ τ_edge`, `s̄` the other port: left-closed, right-open).
//! Every spike in the activity window (`origin + start < t ≤ origin + stop`) is kept, but only
//! those in `[Tstart, Tstop]` are counted in `n_events` and the histograms.
//!
//! | key | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `delta_tau` | 5 h | ms | bin width, a multiple of the resolution |
//! | `tau_max` | 10 `delta_tau` | ms | largest lag, a multiple of `delta_tau` |
//! | `Tstart`, `Tstop` | 0, ∞ | ms | counting window (closed) |
//! | `n_events` | [0, 0] | | spikes counted per port; only `[0, 0]` may be set (a reset) |
//! | `histogram`, `histogram_correction`, `count_histogram` | | | `1 + 2 τ_max/Δτ` bins, read only |
//!
//! NEST's reset rules: the result is sized and cleared at the first `Simulate` after creation;
//! `SetStatus` with any of `delta_tau`, `tau_max`, `Tstart`, `Tstop` or with `n_events = [0, 0]`
//! clears it again, sized by the parameters *before* the change (as NEST's
//! `State_::set(d, P_, …)` does; the next `Simulate` does not resize it).
//!
//! Departures: a bin outside the histogram (NEST's failed assertion, reachable only when
//! `tau_max` grew after the first `Simulate` or the window is shorter than a slice) is left
//! out, and `delta_tau ≤ 0` (NEST divides by zero) is a `BadProperty`.

use crate::correlation::{float_list, int_list, CorrelationTimes};
use spindle_core::detector::{DetectorResult, ResultValues, SpikeDetector};
use spindle_core::error::Rejection;
use spindle_core::params::{ParamError, Params};
use spindle_core::{Step, TimeGrid};
use std::collections::VecDeque;

pub const MODEL_NAME: &str = "correlation_detector";

pub const KEYS: &[&str] = &[
    "delta_tau",
    "tau_max",
    "Tstart",
    "Tstop",
    "n_events",
    "origin",
    "start",
    "stop",
];

/// A kept spike: its stamp and `multiplicity · weight`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Spike {
    step: Step,
    weight: f64,
}

#[derive(Clone, Debug)]
pub struct CorrelationDetector {
    times: CorrelationTimes,
    grid: TimeGrid,
    initialized: bool,
    n_events: [i64; 2],
    incoming: [VecDeque<Spike>; 2],
    histogram: Vec<f64>,
    histogram_correction: Vec<f64>,
    count_histogram: Vec<i64>,
}

impl CorrelationDetector {
    /// NEST's defaults on `grid`, then `params` (NEST's `Create` with parameters).
    pub fn from_params(
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<CorrelationDetector, ParamError> {
        let mut d = CorrelationDetector {
            times: CorrelationTimes::new(grid),
            grid: *grid,
            initialized: false,
            n_events: [0, 0],
            incoming: Default::default(),
            histogram: Vec::new(),
            histogram_correction: Vec::new(),
            count_histogram: Vec::new(),
        };
        d.set_status(params, grid)?;
        Ok(d)
    }

    /// NEST's `State_::reset` with the parameters `p`.
    fn reset(&mut self, p: &CorrelationTimes) {
        let bins = (1 + 2 * p.tau_max_steps(&self.grid) / p.delta_tau_steps(&self.grid)) as usize;
        self.n_events = [0, 0];
        self.incoming = Default::default();
        self.histogram = vec![0.0; bins];
        self.histogram_correction = vec![0.0; bins];
        self.count_histogram = vec![0; bins];
    }
}

impl SpikeDetector for CorrelationDetector {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn port(&self, receptor: i64) -> Result<usize, Rejection> {
        match receptor {
            0 | 1 => Ok(receptor as usize),
            r => Err(Rejection::new(
                "UnknownReceptorType",
                format!("Receptor type {r} is not available in {MODEL_NAME}."),
            )),
        }
    }

    fn prepare(&mut self, grid: &TimeGrid, _min_delay: Step) {
        self.grid = *grid;
        if !self.initialized {
            let p = self.times;
            self.reset(&p);
            self.initialized = true;
        }
    }

    fn handle(&mut self, stamp: Step, sender: usize, weight: f64, multiplicity: u32) {
        if !self.times.active(stamp) {
            return;
        }
        let grid = self.grid;
        let other = 1 - sender;
        let delta_tau = self.times.delta_tau_steps(&grid) as f64;
        let tau_edge = self.times.tau_max_steps(&grid) as f64 + 0.5 * delta_tau;
        let others = &mut self.incoming[other];
        while others
            .front()
            .is_some_and(|j| (stamp - j.step) as f64 - 0.5 * other as f64 >= tau_edge)
        {
            others.pop_front();
        }
        let mw = f64::from(multiplicity) * weight;
        if self.times.counts(stamp, &grid) {
            self.n_events[sender] += 1;
            let sign = 2 * sender as i64 - 1;
            for j in self.incoming[other].iter() {
                let bin = ((tau_edge + (sign * (stamp - j.step)) as f64) / delta_tau).floor();
                if bin < 0.0 || bin >= self.histogram.len() as f64 {
                    continue;
                }
                let bin = bin as usize;
                // Kahan summation, as NEST does it.
                let y = mw * j.weight - self.histogram_correction[bin];
                let t = self.histogram[bin] + y;
                self.histogram_correction[bin] = (t - self.histogram[bin]) - y;
                self.histogram[bin] = t;
                self.count_histogram[bin] += i64::from(multiplicity);
            }
        }
        // Insertion sort: after every kept spike with the same or an earlier stamp.
        let own = &mut self.incoming[sender];
        let at = own.partition_point(|j| j.step <= stamp);
        own.insert(
            at,
            Spike {
                step: stamp,
                weight: mw,
            },
        );
    }

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        self.times.write(grid, &mut p);
        p.insert("n_events", int_list(&self.n_events));
        p.insert("histogram", float_list(&self.histogram));
        p.insert(
            "histogram_correction",
            float_list(&self.histogram_correction),
        );
        p.insert("count_histogram", int_list(&self.count_histogram));
        p
    }

    fn set_status(&mut self, dict: &mut Params, grid: &TimeGrid) -> Result<(), ParamError> {
        let mut rest = dict.clone();
        let (mut next, mut reset) = self.times.read(&mut rest, grid, MODEL_NAME)?;
        if let Some(n) = rest.i64_list("n_events")? {
            if n != [0, 0] {
                return Err(ParamError::rule("/n_events can only be set to [0 0].")
                    .with("n_events", format!("{n:?}")));
            }
            reset = true;
        }
        next.read_window(&mut rest, grid)?;
        let old = self.times;
        self.grid = *grid;
        self.times = next;
        if reset {
            self.reset(&old);
        }
        *dict = rest;
        Ok(())
    }

    fn results(&self) -> Vec<DetectorResult> {
        let bins = self.histogram.len();
        vec![
            DetectorResult {
                name: "histogram",
                shape: vec![bins],
                values: ResultValues::Float(self.histogram.clone()),
            },
            DetectorResult {
                name: "histogram_correction",
                shape: vec![bins],
                values: ResultValues::Float(self.histogram_correction.clone()),
            },
            DetectorResult {
                name: "count_histogram",
                shape: vec![bins],
                values: ResultValues::Int(self.count_histogram.clone()),
            },
            DetectorResult {
                name: "n_events",
                shape: vec![2],
                values: ResultValues::Int(self.n_events.to_vec()),
            },
        ]
    }
}
