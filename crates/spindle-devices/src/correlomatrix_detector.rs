//! `correlomatrix_detector` (NEST 3.10's `models/correlomatrix_detector.h/.cpp`): the
//! auto- and cross-covariances of `N_channels` spike trains, pooled by receptor port
//! `0 … N_channels − 1`.
//!
//! Every spike `i` (port `s`, stamp `t_i`) in the activity window is first inserted into one
//! time-sorted list of all ports; spikes older than `τ_edge + d_min` (`τ_edge = τ_max + Δτ/2`,
//! `d_min` the min delay, all in steps) are dropped. If `t_i` lies in `[Tstart, Tstop]` the
//! spike is counted in `n_events[s]`, and for every kept spike `j` (itself included, port `o`)
//! `m_i·w_i·w_j` goes to `covariance[a][b][bin]` and `m_i` to `count_covariance[a][b][bin]`,
//! where `(a, b) = (s, o)` if `t_i ≥ t_j`, else `(o, s)`, and the bin of the lag `|t_i − t_j|`
//! is `−⌊(Δτ/2 − lag)/Δτ⌋` for `a ≤ b`, `⌊(Δτ/2 + lag)/Δτ⌋` for `a > b`; a bin-0 entry of two
//! different spikes is added to `[b][a][0]` too. Bins beyond `τ_max/Δτ` are left out.
//!
//! | key | default | unit | meaning |
//! | --- | --- | --- | --- |
//! | `N_channels` | 1 | | number of ports, ≥ 1 |
//! | `delta_tau` | 5 h | ms | bin width, an odd multiple of the resolution |
//! | `tau_max` | 10 `delta_tau` | ms | largest lag, a multiple of `delta_tau` |
//! | `Tstart`, `Tstop` | 0, ∞ | ms | counting window (closed) |
//! | `n_events`, `covariance`, `count_covariance` | | | per port; `N × N × (1 + τ_max/Δτ)`, read only |
//!
//! NEST's reset rules: before the first `Simulate` after creation the result is NEST's empty
//! `1 × 1 × 0` array; that `Simulate` sizes and clears it; `SetStatus` with any of
//! `N_channels`, `delta_tau`, `tau_max`, `Tstart`, `Tstop` clears it again, sized by the new
//! parameters.

use crate::correlation::{int_list, CorrelationTimes};
use spindle_core::detector::{DetectorResult, ResultValues, SpikeDetector};
use spindle_core::error::Rejection;
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::{Step, TimeGrid};
use std::collections::VecDeque;

pub const MODEL_NAME: &str = "correlomatrix_detector";

pub const KEYS: &[&str] = &[
    "N_channels",
    "delta_tau",
    "tau_max",
    "Tstart",
    "Tstop",
    "origin",
    "start",
    "stop",
];

/// A kept spike: its stamp, `multiplicity · weight` and port.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Spike {
    step: Step,
    weight: f64,
    channel: usize,
}

#[derive(Clone, Debug)]
pub struct CorrelomatrixDetector {
    times: CorrelationTimes,
    n_channels: usize,
    grid: TimeGrid,
    min_delay: Step,
    initialized: bool,
    n_events: Vec<i64>,
    incoming: VecDeque<Spike>,
    /// The result's shape: channels × channels × bins (NEST's empty result is `1 × 1 × 0`).
    channels: usize,
    bins: usize,
    covariance: Vec<f64>,
    count_covariance: Vec<i64>,
}

impl CorrelomatrixDetector {
    /// NEST's defaults on `grid`, then `params` (NEST's `Create` with parameters).
    pub fn from_params(
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<CorrelomatrixDetector, ParamError> {
        let mut d = CorrelomatrixDetector {
            times: CorrelationTimes::new(grid),
            n_channels: 1,
            grid: *grid,
            min_delay: 1,
            initialized: false,
            n_events: vec![0],
            incoming: VecDeque::new(),
            channels: 1,
            bins: 0,
            covariance: Vec::new(),
            count_covariance: Vec::new(),
        };
        d.set_status(params, grid)?;
        Ok(d)
    }

    /// NEST's `State_::reset` with the current parameters.
    fn reset(&mut self) {
        let n = self.n_channels;
        self.bins = (1 + self.times.tau_max_steps(&self.grid)
            / self.times.delta_tau_steps(&self.grid)) as usize;
        self.channels = n;
        self.n_events = vec![0; n];
        self.incoming.clear();
        self.covariance = vec![0.0; n * n * self.bins];
        self.count_covariance = vec![0; n * n * self.bins];
    }

    fn at(&self, a: usize, b: usize, bin: usize) -> usize {
        (a * self.channels + b) * self.bins + bin
    }

    /// A `channels × channels × bins` array as NEST's status shows it (nested lists).
    fn nested(&self, leaf: impl Fn(usize) -> Value) -> Value {
        let n = self.channels;
        Value::List(
            (0..n)
                .map(|a| {
                    Value::List(
                        (0..n)
                            .map(|b| {
                                Value::List(
                                    (0..self.bins).map(|k| leaf(self.at(a, b, k))).collect(),
                                )
                            })
                            .collect(),
                    )
                })
                .collect(),
        )
    }
}

impl SpikeDetector for CorrelomatrixDetector {
    fn model_name(&self) -> &str {
        MODEL_NAME
    }

    fn port(&self, receptor: i64) -> Result<usize, Rejection> {
        if receptor < 0 || receptor as usize >= self.n_channels {
            return Err(Rejection::new(
                "UnknownReceptorType",
                format!("Receptor type {receptor} is not available in {MODEL_NAME}."),
            ));
        }
        Ok(receptor as usize)
    }

    fn prepare(&mut self, grid: &TimeGrid, min_delay: Step) {
        self.grid = *grid;
        self.min_delay = min_delay;
        if !self.initialized {
            self.reset();
            self.initialized = true;
        }
    }

    fn handle(&mut self, stamp: Step, sender: usize, weight: f64, multiplicity: u32) {
        if !self.times.active(stamp) || sender >= self.channels {
            return;
        }
        let grid = self.grid;
        let mw = f64::from(multiplicity) * weight;
        let at = self.incoming.partition_point(|j| j.step <= stamp);
        self.incoming.insert(
            at,
            Spike {
                step: stamp,
                weight: mw,
                channel: sender,
            },
        );
        let delta_tau = self.times.delta_tau_steps(&grid) as f64;
        let tau_edge = self.times.tau_max_steps(&grid) as f64 + 0.5 * delta_tau;
        let horizon = tau_edge + self.min_delay as f64;
        while self
            .incoming
            .front()
            .is_some_and(|j| (stamp - j.step) as f64 >= horizon)
        {
            self.incoming.pop_front();
        }
        if !self.times.counts(stamp, &grid) {
            return;
        }
        self.n_events[sender] += 1;
        let m = i64::from(multiplicity);
        for j in 0..self.incoming.len() {
            let spike = self.incoming[j];
            let other = spike.channel;
            let (a, b) = if stamp < spike.step {
                (other, sender)
            } else {
                (sender, other)
            };
            let lag = (stamp - spike.step).abs() as f64;
            let bin = if a <= b {
                -((0.5 * delta_tau - lag) / delta_tau).floor()
            } else {
                ((0.5 * delta_tau + lag) / delta_tau).floor()
            } as usize;
            if bin >= self.bins {
                continue;
            }
            let w = mw * spike.weight;
            let (ab, ba) = (self.at(a, b, bin), self.at(b, a, bin));
            let mirror = bin == 0 && (stamp != spike.step || other != sender);
            self.covariance[ab] += w;
            if mirror {
                self.covariance[ba] += w;
            }
            self.count_covariance[ab] += m;
            if mirror {
                self.count_covariance[ba] += m;
            }
        }
    }

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        self.times.write(grid, &mut p);
        p.insert("N_channels", Value::Int(self.n_channels as i64));
        p.insert("n_events", int_list(&self.n_events));
        p.insert(
            "covariance",
            self.nested(|i| Value::Float(self.covariance[i])),
        );
        p.insert(
            "count_covariance",
            self.nested(|i| Value::Int(self.count_covariance[i])),
        );
        p
    }

    fn set_status(&mut self, dict: &mut Params, grid: &TimeGrid) -> Result<(), ParamError> {
        let mut rest = dict.clone();
        let mut n_channels = self.n_channels;
        let mut reset = false;
        if let Some(n) = rest.i64("N_channels")? {
            if n < 1 {
                return Err(
                    ParamError::rule("/N_channels can only be larger than zero.")
                        .with("N_channels", n),
                );
            }
            n_channels = n as usize;
            reset = true;
        }
        let (mut next, changed) = self.times.read(&mut rest, grid, MODEL_NAME)?;
        if next.delta_tau_steps(grid) % 2 != 1 {
            return Err(
                ParamError::rule("/delta_tau must be odd multiple of resolution.")
                    .with("delta_tau", grid.tics_to_ms(next.delta_tau)),
            );
        }
        next.read_window(&mut rest, grid)?;
        self.grid = *grid;
        self.times = next;
        self.n_channels = n_channels;
        if reset || changed {
            self.reset();
        }
        *dict = rest;
        Ok(())
    }

    fn results(&self) -> Vec<DetectorResult> {
        let shape = vec![self.channels, self.channels, self.bins];
        vec![
            DetectorResult {
                name: "covariance",
                shape: shape.clone(),
                values: ResultValues::Float(self.covariance.clone()),
            },
            DetectorResult {
                name: "count_covariance",
                shape,
                values: ResultValues::Int(self.count_covariance.clone()),
            },
            DetectorResult {
                name: "n_events",
                shape: vec![self.n_events.len()],
                values: ResultValues::Int(self.n_events.clone()),
            },
        ]
    }
}
