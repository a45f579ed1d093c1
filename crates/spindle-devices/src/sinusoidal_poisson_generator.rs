//! `sinusoidal_poisson_generator`: Poisson spikes with the rate
//! `max(0, rate + amplitude · sin(ω t + φ))`, with NEST 3.10's parameters and quirks.
//!
//! The oscillator restarts from the current time before every `Simulate` and advances every
//! step, active or not (as in NEST). For the update of step `k` the instantaneous rate is
//! `rate + y_1` clipped at 0; if it is positive and the device is active the step sends
//! Poisson spikes stamped `k + 1` with mean `rate · h`:
//!
//! - `individual_spike_trains = true` (default): every target (and every spike recorder
//!   connected to the generator) draws its own count from its connection's stream, keyed by
//!   (seed, generator, target);
//! - `false`: the generator draws one count from its own stream, keyed by (seed, generator),
//!   and every target receives the same spikes.
//!
//! NEST 3.10 declares this device a current generator, so it is active for the update of
//! step `k` when `t_min < k + 2 ≤ t_max` (spike times `origin+start+h ≤ t < origin+stop+h`,
//! one step earlier than a `poisson_generator`'s); spindle copies that.
//! `individual_spike_trains` can only be set as a model default in NEST (`SetDefaults`,
//! `CopyModel`), which spindle's front ends pass as creation parameters: spindle accepts it
//! when the generator is created and refuses it afterwards with NEST's message.
//!
//! Departures: non-finite values are refused; the realisation differs from NEST's (same
//! statistics).

use crate::generators::{created, finite, stimulus_basics, MAX_MULTIPLICITY};
use crate::sine::Oscillator;
use crate::window::DeviceWindow;
use spindle_core::device::{Emission, Emissions, PoissonEmission, StimulusDevice};
use spindle_core::params::{invalid, ParamError, Params, Value};
use spindle_core::rng::{self, Stream};
use spindle_core::{Step, TimeGrid};
use std::f64::consts::PI;

/// Sinusoidally modulated Poisson spike trains (`sinusoidal_poisson_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `rate` | 0 | spikes/s | mean rate |
/// | `amplitude` | 0 | spikes/s | modulation amplitude |
/// | `frequency` | 0 | Hz | modulation frequency |
/// | `phase` | 0 | deg | modulation phase |
/// | `individual_spike_trains` | true | | one train per target, or one train for all |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | active for the update of step k when `t_min < k + 2 ≤ t_max` |
///
/// State: `y_0`, `y_1` (spikes/ms): the oscillator, `y_1 = amplitude · sin(ω t + φ)`.
/// The parameters are kept in NEST's internal units (spikes/ms, radian/ms, radian) and
/// converted back for `GetStatus` with NEST's operations.
#[derive(Clone, Debug)]
pub struct SinusoidalPoissonGenerator {
    /// spikes/ms.
    rate: f64,
    /// spikes/ms.
    amplitude: f64,
    /// radian/ms.
    om: f64,
    /// radian.
    phi: f64,
    individual_spike_trains: bool,
    window: DeviceWindow,
    oscillator: Oscillator,
    h: f64,
    /// The generator's own stream (shared trains).
    stream: Option<Stream>,
}

impl SinusoidalPoissonGenerator {
    pub const KEYS: &'static [&'static str] = &[
        "rate",
        "amplitude",
        "frequency",
        "phase",
        "individual_spike_trains",
        "origin",
        "start",
        "stop",
    ];

    /// NEST's defaults on `grid`.
    pub fn new(grid: &TimeGrid) -> SinusoidalPoissonGenerator {
        SinusoidalPoissonGenerator {
            rate: 0.0,
            amplitude: 0.0,
            om: 0.0,
            phi: 0.0,
            individual_spike_trains: true,
            window: DeviceWindow::DEFAULT,
            oscillator: Oscillator::default(),
            h: grid.h(),
            stream: None,
        }
    }

    /// NEST's `Create("sinusoidal_poisson_generator", params)`, with the model's defaults in
    /// `params` (so `individual_spike_trains` is accepted here).
    pub fn from_params(
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<SinusoidalPoissonGenerator, ParamError> {
        let mut sp = SinusoidalPoissonGenerator::new(grid);
        // A model default (NEST's SetDefaults or CopyModel), so taken only here.
        if let Some(individual) = params.bool("individual_spike_trains")? {
            sp.individual_spike_trains = individual;
        }
        created(sp, params, grid)
    }

    fn update(&mut self, params: &mut Params, grid: &TimeGrid, _: Step) -> Result<(), ParamError> {
        if let Some(individual) = params.bool("individual_spike_trains")? {
            return Err(ParamError::rule(
                    "The individual_spike_trains property can only be set as a model default using SetDefaults or upon CopyModel.",
                )
                .with("individual_spike_trains", individual));
        }
        if let Some(rate) = finite(params, "rate", "spikes/s")? {
            self.rate = rate / 1000.0;
        }
        if let Some(f) = finite(params, "frequency", "Hz")? {
            self.om = f * (2.0 * PI / 1000.0);
        }
        if let Some(phase) = finite(params, "phase", "deg")? {
            self.phi = phase * (PI / 180.0);
        }
        if let Some(a) = finite(params, "amplitude", "spikes/s")? {
            self.amplitude = a / 1000.0;
        }
        // The largest rate the modulation reaches must keep a step's mean count within
        // spindle's limit (see `MAX_MULTIPLICITY`).
        let peak = (self.rate + self.amplitude.abs()) * grid.h();
        if peak > f64::from(MAX_MULTIPLICITY) {
            return Err(invalid(
                "rate",
                self.rate * 1000.0,
                format!(
                    "rate + |amplitude| would expect {peak:.3e} spikes per {} ms step; spindle accepts at most {MAX_MULTIPLICITY}; rates are in spikes/s.",
                    grid.h()
                ),
            ));
        }
        self.h = grid.h();
        self.window = self.window.updated(params, grid)?;
        Ok(())
    }
}

impl StimulusDevice for SinusoidalPoissonGenerator {
    stimulus_basics!("sinusoidal_poisson_generator", Spike);

    fn draws_per_target(&self) -> bool {
        self.individual_spike_trains
    }

    /// NEST's recordable `rate`: the rate of each update (spikes/s, clipped at 0).
    fn recordables(&self) -> &'static [&'static str] {
        &["rate"]
    }

    fn set_stream(&mut self, stream: Stream) {
        self.stream = Some(stream);
    }

    fn prepare(&mut self, now: Step, grid: &TimeGrid) {
        self.h = grid.h();
        self.oscillator = Oscillator::started(self.amplitude, self.om, self.phi, now, grid);
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        for k in from..to {
            self.oscillator.step();
            let rate = (self.rate + self.oscillator.y_1).max(0.0);
            // NEST's `rate` recordable: the clipped rate of this update, in spikes/s.
            out.samples.push((k + 1, rate * 1000.0));
            if !(rate > 0.0 && self.window.contains(k + 2)) {
                continue;
            }
            let lambda = rate * self.h;
            if self.individual_spike_trains {
                out.poisson.push(PoissonEmission {
                    stamp: k + 1,
                    lambda,
                });
            } else {
                let stream = self
                    .stream
                    .as_mut()
                    .expect("the kernel hands every device its stream before it runs");
                let n = rng::poisson(stream, lambda);
                if n > 0 {
                    out.fixed.push(Emission {
                        stamp: k + 1,
                        factor: 1.0,
                        multiplicity: n,
                    });
                }
            }
        }
    }

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        p.insert("rate", Value::Float(self.rate * 1000.0));
        p.insert("frequency", Value::Float(self.om / (2.0 * PI / 1000.0)));
        p.insert("phase", Value::Float(180.0 / PI * self.phi));
        p.insert("amplitude", Value::Float(self.amplitude * 1000.0));
        p.insert(
            "individual_spike_trains",
            Value::Bool(self.individual_spike_trains),
        );
        self.oscillator.write(&mut p);
        self.window.write(grid, &mut p);
        p
    }
}
