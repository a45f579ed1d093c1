//! `gamma_sup_generator`: every target receives its own superposition of `n_proc` independent
//! gamma processes of integer shape `gamma_shape` and rate `rate`, with NEST 3.10's
//! parameters, validation and update (Deger et al. 2011).
//!
//! Each target keeps the occupation numbers of the `gamma_shape` phases of its component
//! processes (NEST's `Internal_states_`), started near equilibrium: `n_proc / gamma_shape`
//! (integer division) in every phase and the remainder in the last one. In the update of step
//! `k`, if the rate is positive and the device is active (`t_min < k ≤ t_max`, as a
//! `poisson_generator`), each phase passes a binomially drawn number of its processes to the
//! next with probability `rate · gamma_shape · h / 1000` (Poisson-approximated where NEST
//! approximates it); those that leave the last phase are the target's spikes, stamped `k + 1`.
//! A spike recorder connected to the generator is one more target.
//!
//! Departures: the draws come from the connection's stream, keyed by (seed, generator,
//! target), so the realisation differs from NEST's (same statistics); a target's occupation
//! starts with the parameters of its first active step (NEST: of the first `Simulate` after
//! the connection; the two differ only when `n_proc` or `gamma_shape` change in between).

use crate::generators::{created, finite, stimulus_basics};
use crate::window::DeviceWindow;
use spindle_core::device::{Emissions, StimulusDevice, TargetEmission, TargetProcess, TargetState};
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::rng::{self, Stream};
use spindle_core::{Step, TimeGrid};
use std::sync::Arc;

/// Superposition of gamma processes, one per target (`gamma_sup_generator`).
///
/// | key | default | unit | meaning |
/// | --- | --- | --- | --- |
/// | `rate` | 0 | spikes/s | rate of each component process |
/// | `gamma_shape` | 1 | | shape (order) of each component process, integer ≥ 1 |
/// | `n_proc` | 1 | | number of component processes per target, ≥ 1 |
/// | `origin`, `start`, `stop` | 0, 0, ∞ | ms | spike times in `(origin+start+h, origin+stop+h]` |
#[derive(Clone, Debug)]
pub struct GammaSupGenerator {
    rate: f64,
    gamma_shape: i64,
    n_proc: i64,
    window: DeviceWindow,
    process: Arc<GammaSup>,
}

/// The per-target rule: the transition probability per step and the initial occupation.
#[derive(Clone, Copy, Debug, PartialEq)]
struct GammaSup {
    transition_prob: f64,
    gamma_shape: u64,
    n_proc: u64,
}

/// The number of `occupied` components that make a transition of probability `prob`, drawn
/// as NEST's superposition generators draw it: Poisson with mean `prob · occupied` (capped at
/// `occupied`) where that approximates the binomial well, binomial otherwise.
pub(crate) fn transitions(rng: &mut Stream, occupied: u64, prob: f64) -> u64 {
    if occupied == 0 {
        return 0;
    }
    let n = occupied as f64;
    if (occupied >= 100 && prob <= 0.01) || (occupied >= 500 && prob * n <= 0.1) {
        u64::from(rng::poisson(rng, prob * n)).min(occupied)
    } else {
        rng::binomial(rng, occupied, prob)
    }
}

impl TargetProcess for GammaSup {
    fn draw(&self, state: &mut TargetState, _: &TargetEmission, rng: &mut Stream) -> u32 {
        let occ = &mut state.counts;
        if occ.is_empty() {
            let per_phase = self.n_proc / self.gamma_shape;
            occ.resize(self.gamma_shape as usize, per_phase);
            *occ.last_mut().expect("gamma_shape ≥ 1") += self.n_proc - per_phase * self.gamma_shape;
        }
        let moved: Vec<u64> = occ
            .iter()
            .map(|&o| transitions(rng, o, self.transition_prob))
            .collect();
        let last = occ.len() - 1;
        for (i, &m) in moved.iter().enumerate() {
            occ[i] -= m;
            occ[if i == last { 0 } else { i + 1 }] += m;
        }
        u32::try_from(moved[last]).unwrap_or(u32::MAX)
    }
}

impl GammaSupGenerator {
    pub const KEYS: &'static [&'static str] =
        &["rate", "gamma_shape", "n_proc", "origin", "start", "stop"];

    /// NEST's defaults on `grid`.
    pub fn new(grid: &TimeGrid) -> GammaSupGenerator {
        let mut g = GammaSupGenerator {
            rate: 0.0,
            gamma_shape: 1,
            n_proc: 1,
            window: DeviceWindow::DEFAULT,
            process: Arc::new(GammaSup {
                transition_prob: 0.0,
                gamma_shape: 1,
                n_proc: 1,
            }),
        };
        g.derive(grid);
        g
    }

    pub fn from_params(
        params: &mut Params,
        grid: &TimeGrid,
    ) -> Result<GammaSupGenerator, ParamError> {
        created(GammaSupGenerator::new(grid), params, grid)
    }

    fn derive(&mut self, grid: &TimeGrid) {
        self.process = Arc::new(GammaSup {
            transition_prob: self.rate * self.gamma_shape as f64 * grid.h() / 1000.0,
            gamma_shape: self.gamma_shape as u64,
            n_proc: self.n_proc as u64,
        });
    }

    fn update(&mut self, params: &mut Params, grid: &TimeGrid, _: Step) -> Result<(), ParamError> {
        // NEST's order of checks.
        if let Some(shape) = params.i64("gamma_shape")? {
            self.gamma_shape = shape;
        }
        if self.gamma_shape < 1 {
            return Err(ParamError::rule("The shape must be larger or equal 1")
                .with("gamma_shape", self.gamma_shape));
        }
        if let Some(rate) = finite(params, "rate", "spikes/s")? {
            self.rate = rate;
        }
        if self.rate < 0.0 {
            return Err(ParamError::rule("The rate must be larger than 0.").with("rate", self.rate));
        }
        if let Some(n) = params.i64("n_proc")? {
            self.n_proc = n;
        }
        if self.n_proc < 1 {
            return Err(ParamError::rule(
                "The number of component processes cannot be smaller than one",
            )
            .with("n_proc", self.n_proc));
        }
        self.window = self.window.updated(params, grid)?;
        self.derive(grid);
        Ok(())
    }
}

impl StimulusDevice for GammaSupGenerator {
    stimulus_basics!("gamma_sup_generator", Spike);

    fn draws_per_target(&self) -> bool {
        true
    }

    fn prepare(&mut self, _: Step, grid: &TimeGrid) {
        self.derive(grid);
    }

    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions) {
        if self.rate <= 0.0 {
            return;
        }
        out.process = Some(self.process.clone());
        out.targets.extend(self.window.target_emissions(from, to));
    }

    fn get_status(&self, grid: &TimeGrid) -> Params {
        let mut p = Params::new();
        p.insert("rate", Value::Float(self.rate));
        p.insert("gamma_shape", Value::Int(self.gamma_shape));
        p.insert("n_proc", Value::Int(self.n_proc));
        self.window.write(grid, &mut p);
        p
    }
}
