//! The contract between the kernel and a stimulating device (spike, current and Poisson
//! generators).
//!
//! A device computes what it emits for a range of steps once per update; the partitions that
//! own its targets then write those events into their own input buffers, so delivery needs no
//! locks. Events with a random count (Poisson) or a random current (noise) are drawn per
//! connection from a stream keyed by (seed, device id, target id), which makes every target's
//! input independent of the thread count. A device that draws one train for all its targets
//! draws it itself, from a stream of its own keyed by (seed, device id)
//! ([`StimulusDevice::set_stream`]).

use crate::params::{ParamError, Params};
use crate::rng::Stream;
use crate::time::{Step, TimeGrid};
use std::fmt;
use std::sync::Arc;

/// What kind of event a device sends, which decides the target's input channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Spike,
    Current,
}

/// One event with a fixed value. The target adds `(weight · factor) · multiplicity` to the
/// channel slot of step `stamp + delay − 1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Emission {
    pub stamp: Step,
    pub factor: f64,
    pub multiplicity: u32,
}

/// A step in which every target independently receives a Poisson-distributed number of spikes
/// with mean `lambda` (as one event of that multiplicity).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PoissonEmission {
    pub stamp: Step,
    pub lambda: f64,
}

/// A step in which every target receives a current of its own (NEST's `noise_generator`):
/// each connection holds an amplitude, drawn anew as `mean + std · N(0, 1)` from the
/// connection's stream when `redraw` is `Some((mean, std))`, and sends it at `stamp`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoiseEmission {
    pub stamp: Step,
    pub redraw: Option<(f64, f64)>,
}

/// A step in which every target draws its own spike count from its connection's
/// [`TargetState`] by the device's [`TargetProcess`] (NEST's `DSSpikeEvent`, whose
/// `event_hook` decides per target): `parents` is what the device drew once for all targets
/// (the `mip_generator`'s mother spikes), 0 where the process does not use it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TargetEmission {
    pub stamp: Step,
    pub parents: u32,
}

/// What a connection keeps for its device's [`TargetProcess`]: NEST's per-port buffers of
/// `gamma_sup_generator`, `ppd_sup_generator` and `sinusoidal_gamma_generator`. It starts
/// empty; the process fills it at the connection's first draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TargetState {
    pub counts: Vec<u64>,
    pub values: Vec<f64>,
    /// How many of the device's parameter changes the state has taken in (the process's own
    /// bookkeeping).
    pub seen: usize,
}

/// The rule by which each target of a device draws its spikes from a state of its own, with
/// the device's parameters at the time of the emission (shared, read-only, by all targets).
pub trait TargetProcess: Send + Sync + fmt::Debug {
    /// The number of spikes the target with `state` receives at `e`, drawn from its `rng`.
    fn draw(&self, state: &mut TargetState, e: &TargetEmission, rng: &mut Stream) -> u32;
}

/// The output of one device for one update range.
#[derive(Clone, Debug, Default)]
pub struct Emissions {
    pub fixed: Vec<Emission>,
    pub poisson: Vec<PoissonEmission>,
    pub noise: Vec<NoiseEmission>,
    pub targets: Vec<TargetEmission>,
    /// The rule of `targets` (set by the device whenever it pushes some).
    pub process: Option<Arc<dyn TargetProcess>>,
    /// (stamp, value) of the device's own recordable other than `I` (the sinusoidal
    /// generators' `rate`), one per updated step: what a multimeter samples at that stamp.
    pub samples: Vec<(Step, f64)>,
}

impl Emissions {
    pub fn clear(&mut self) {
        self.fixed.clear();
        self.poisson.clear();
        self.noise.clear();
        self.targets.clear();
        self.samples.clear();
    }

    /// The spikes one target receives from `targets`, as (stamp, count > 0), drawn from its
    /// `state` and `rng`.
    pub fn draw_targets<'a>(
        &'a self,
        state: &'a mut TargetState,
        rng: &'a mut Stream,
    ) -> impl Iterator<Item = (Step, u32)> + 'a {
        let process = self.process.as_deref();
        self.targets.iter().filter_map(move |e| {
            let n = process.map_or(0, |p| p.draw(state, e, rng));
            (n > 0).then_some((e.stamp, n))
        })
    }
}

/// A stimulating device.
pub trait StimulusDevice: Send + Sync + fmt::Debug {
    /// NEST's model name.
    fn model_name(&self) -> &str;

    fn event_kind(&self) -> EventKind;

    /// The device's own recordables that a multimeter may record: NEST's current generators
    /// have `I`, the current sent with stamp `s`, sampled at `s` (0 where nothing was sent:
    /// NEST's `S_.I_` after the update of step `s − 1`; for per-target noise the mean over
    /// the connections, as NEST's `I_avg_`). The kernel reads it from the emissions. Any
    /// other recordable (the sinusoidal generators' `rate`) is read from
    /// [`Emissions::samples`].
    fn recordables(&self) -> &'static [&'static str] {
        &[]
    }

    /// Whether the device emits [`PoissonEmission`]s, [`NoiseEmission`]s or
    /// [`TargetEmission`]s, so that each of its connections needs a random stream of its own.
    fn draws_per_target(&self) -> bool {
        false
    }

    /// Hands the device its own random stream, keyed by (seed, device id), once, before its
    /// first update; devices that draw one train for all their targets keep it (the
    /// `sinusoidal_poisson_generator` without `individual_spike_trains`, the
    /// `pulsepacket_generator`), the others ignore it.
    fn set_stream(&mut self, _stream: Stream) {}

    /// NEST's `pre_run_hook`: called at the start of every `Simulate` with the kernel at step
    /// `now` (oscillators restart from the phase at that time, as in NEST).
    fn prepare(&mut self, _now: Step, _grid: &TimeGrid) {}

    /// Warnings about accepted but surprising parameters (e.g. a Poisson rate so high that a
    /// step expects many spikes); the front end reports them before the run.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }

    /// NEST passes a device's `update` the origin of the min-delay slice that the updated
    /// steps lie in; the kernel calls this with that origin before every
    /// [`emit`](Self::emit) (the `mip_generator` decides once per slice whether it is active).
    fn slice_origin(&mut self, _origin: Step) {}

    /// Append the events of the updates of steps `from .. to` (stamps `from + 1 ..= to`).
    /// Called with consecutive ranges; a device may keep a cursor, but the first call may
    /// start at any step (a device created or changed between two `Simulate` calls starts at
    /// the kernel's current step) and [`StimulusDevice::set_status`] may come between calls.
    fn emit(&mut self, from: Step, to: Step, out: &mut Emissions);

    /// NEST's `GetStatus`: every parameter in NEST's names and units (times in ms).
    fn get_status(&self, grid: &TimeGrid) -> Params;

    /// NEST's `SetStatus`: take the keys of `dict` that the device knows and read them on top
    /// of its current parameters, with NEST's validation (on error nothing changes). Keys the
    /// device does not know stay in `dict`. `now` is the kernel's current step: a change acts
    /// from the next update on, as in NEST.
    fn set_status(
        &mut self,
        dict: &mut Params,
        grid: &TimeGrid,
        now: Step,
    ) -> Result<(), ParamError>;
}
