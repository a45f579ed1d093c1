//! `mip_generator`: correlated spike trains by multiple interaction process (Kuhn et al.
//! 2003), with NEST 3.10's parameters, validation and update.
//!
//! In the update of step `k`, if the rate is positive and the device is active, the generator
//! draws the number of mother spikes, Poisson with mean `rate · h / 1000`, from its own
//! stream, keyed by (seed, generator), so that every target sees the same mother train.
//! Every target (and every spike recorder connected to the generator) then copies each mother
//! spike independently with probability `p_copy`, drawn from its connection's stream, and
//! receives the copies as one event of that multiplicity stamped `k + 1`.
//!
//! NEST asks whether the generator is active once per min-delay slice, for the slice's
//! origin `T` (`t_min < T ≤ t_max`), and then fires in every step of the slice or in none
//! (`mip_generator::update` tests `is_active(T)`); spindle copies that: with `start = 2`,
//! `stop = 5` and slices of 1 ms the spikes lie in `[3.1, 6.0]` at `h = 0.1` (NEST 3.10).
//!
//! Departures: the realisation differs from NEST's (same statistics).

use crate::generators::{created, finite, stimulus_basics};
use crate::window::DeviceWindow;
use spindle_core::device::{Emissions, StimulusDevice, TargetEmission, TargetProcess, TargetState};
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::rng::{self, Stream};
use spindle_core::{Step, TimeGrid};
use std::sync::Arc;

/// Correlated spike trains from a shared mother train (`mip_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `rate` | 0 | spikes/s | rate of the mother train, ≥ 0 |
/// | `p_copy` | 1 | | probability that a target receives a mother spike, in [0, 1] |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | fires in the slices whose origin `T` has `origin+start < T ≤ origin+stop` |
#[derive(Clone, Debug)]
pub struct MipGenerator {
    rate: f64,
    p_copy: f64,
    window: DeviceWindow,
    h: f64,
    process: Arc<Copies>,
    /// The generator's own stream (the mother train).
    stream: Option<Stream>,
    /// The origin of the current min-delay slice.
    slice_origin: Step,
}

/// The per-target rule: each mother spike is copied with probability `p_copy`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Copies {
    p_copy: f64,
}

impl TargetProcess for Copies {
    fn draw(&self, _: &mut TargetState, e: &TargetEmission, rng: &mut Stream) -> u32 {
        rng::binomial(rng, u64::from(e.parents), self.p_copy) as u32
    }
}

impl MipGenerator {
    pub const KEYS: &'static [&'static str] = &["rate", "p_copy", "origin", "start", "stop"];

    /// NEST's defaults on `grid`.
    pub fn new(grid: &TimeGrid) -> MipGenerator {
        MipGenerator {
            rate: 0.0,
            p_copy: 1.0,
            window: DeviceWindow::DEFAULT,
            h: grid.h(),
            process: Arc::new(Copies { p_copy: 1.0 }),
            stream: None,
            slice_origin: 0,
        }
    }

    pub fn from_params(params: &mut Params, grid: &TimeGrid) -> Result<MipGenerator, ParamError> {
        created(MipGenerator::new(grid), params, grid)
    }

    fn update(&mut self, params: &mut Params, grid: &TimeGrid, _: Step) -> Result<(), ParamError> {
        if let Some(rate) = finite(params, "rate", "spikes/s")? {
            self.rate = rate;
        }
        if let Some(p) = finite(params, "p_copy", "")? {
            self.p_copy = p;
        }
        if self.rate < 0.0 {
            return Err(ParamError::rule("Rate must be non-negative.").with("rate", self.rate));
        }
        if !(0.0..=1.0).contains(&self.p_copy) {
            return Err(
                ParamError::rule("Copy probability must be in [0, 1].").with("p_copy", self.p_copy)
            );
        }
        self.window = self.window.updated(params, grid)?;
        self.h = grid.h();
        self.process = Arc::new(Copies {
            p_copy: self.p_copy,
        });
        Ok(())
    }
}

impl StimulusDevice for MipGenerator {
    stimulus_basics!("mip_generator", Spike);

    fn draws_per_target(&self) -> bool {
        true
    }

    fn set_stream(&mut self, stream: Stream) {
        self.stream = Some(stream);
    }

    fn prepare(&mut self, _: Step, grid: &TimeGrid) {
        self.h = grid.h();
    }

    fn slice_origin(&mut self, origin: Step) {
        self.slice_origin = origin;
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        if self.rate <= 0.0 || !self.window.contains(self.slice_origin) {
            return;
        }
        let stream = self
            .stream
            .as_mut()
            .expect("the kernel hands every device its stream before it runs");
        let lambda = self.h * self.rate * 1e-3;
        out.process = Some(self.process.clone());
        for k in from..to {
            let parents = rng::poisson(stream, lambda);
            if parents > 0 {
                out.targets.push(TargetEmission {
                    stamp: k + 1,
                    parents,
                });
            }
        }
    }

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        p.insert("rate", Value::Float(self.rate));
        p.insert("p_copy", Value::Float(self.p_copy));
        self.window.write(grid, &mut p);
        p
    }
}
