//! `tsodyks2_synapse` — short-term depression and facilitation (Tsodyks & Markram 1997,
//! Fuhrmann et al. 2002), every parameter per connection.
//!
//! At a presynaptic spike at `t` after a previous one at `t_last` (none before the first:
//! `t_last = −1`), with `h = t − t_last`:
//!
//! ```text
//! x ← 1 + (x − x·u − 1) · exp(−h/τ_rec)
//! u ← U + u·(1 − U) · exp(−h/τ_fac)        (the second term is 0 when τ_fac = 0)
//! ```
//!
//! and the event carries `x · u · weight`; `weight` itself does not change.
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `weight` | 1.0 | pA or nS | absolute synaptic efficacy |
//! | `U` | 0.5 | | release probability increment, in [0, 1] |
//! | `u` | 0.5 | | release probability (state), in [0, 1] |
//! | `x` | 1.0 | | fraction of available resources (state) |
//! | `tau_rec` | 800.0 | ms | recovery time constant (> 0) |
//! | `tau_fac` | 0.0 | ms | facilitation time constant (≥ 0; 0: none) |
//!
//! NEST: `models/tsodyks2_synapse.h` (3.10). References: Tsodyks MV, Markram H (1997) PNAS
//! 94:719–723; Fuhrmann G et al. (2002) J Neurophysiol 87:140–148; Maass W, Markram H (2002)
//! Biol Cybern 87:459–470.

use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{put_f64, update_f64, PlasticModel, SynapseState};

/// The parameters of one connection.
#[derive(Clone, Debug, PartialEq)]
pub struct Tsodyks2Params {
    pub u_increment: f64,
    pub tau_rec: f64,
    pub tau_fac: f64,
}

impl Default for Tsodyks2Params {
    fn default() -> Tsodyks2Params {
        Tsodyks2Params {
            u_increment: 0.5,
            tau_rec: 800.0,
            tau_fac: 0.0,
        }
    }
}

/// The state of one connection: release probability `u` and available resources `x`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tsodyks2State {
    pub u: f64,
    pub x: f64,
}

impl Default for Tsodyks2State {
    fn default() -> Tsodyks2State {
        Tsodyks2State { u: 0.5, x: 1.0 }
    }
}

/// Every key of `tsodyks2_synapse` besides the generic ones.
pub const KEYS: &[&str] = &["U", "u", "x", "tau_rec", "tau_fac"];

/// `tsodyks2_synapse`.
#[derive(Debug, Default)]
pub struct Tsodyks2Synapse;

impl Tsodyks2Synapse {
    /// NEST's defaults of the model's own keys.
    pub fn defaults(d: &mut Params) {
        let p = Tsodyks2Params::default();
        let s = Tsodyks2State::default();
        Tsodyks2Synapse.get_status(&p, &s, d);
    }

    /// The defaults dictionary read without checks (it was checked when set).
    pub fn read(d: &mut Params) -> Result<(Tsodyks2Params, Tsodyks2State), ParamError> {
        let (mut p, mut s) = (Tsodyks2Params::default(), Tsodyks2State::default());
        update_f64(d, "U", &mut p.u_increment)?;
        update_f64(d, "u", &mut s.u)?;
        update_f64(d, "tau_rec", &mut p.tau_rec)?;
        update_f64(d, "tau_fac", &mut p.tau_fac)?;
        update_f64(d, "x", &mut s.x)?;
        Ok((p, s))
    }
}

impl PlasticModel for Tsodyks2Synapse {
    type Params = Tsodyks2Params;
    type State = Tsodyks2State;

    fn reads_history(&self) -> bool {
        false
    }

    fn initial_t_last(&self) -> f64 {
        -1.0
    }

    #[inline]
    fn send(
        &self,
        p: &Tsodyks2Params,
        syn: SynapseState<'_, Tsodyks2State>,
        t_spike: f64,
        _delay: f64,
        _post: &mut Archive,
    ) -> f64 {
        let SynapseState {
            weight,
            t_last,
            state: s,
        } = syn;
        if *t_last >= 0.0 {
            let h = t_spike - *t_last;
            let x_decay = (-h / p.tau_rec).exp();
            let u_decay = if p.tau_fac == 0.0 {
                0.0
            } else {
                (-h / p.tau_fac).exp()
            };
            s.x = 1. + (s.x - s.x * s.u - 1.) * x_decay;
            s.u = p.u_increment + s.u * (1. - p.u_increment) * u_decay;
        }
        *t_last = t_spike;
        s.x * s.u * *weight
    }

    fn get_status(&self, p: &Tsodyks2Params, s: &Tsodyks2State, d: &mut Params) {
        put_f64(
            d,
            &[
                ("U", p.u_increment),
                ("u", s.u),
                ("tau_rec", p.tau_rec),
                ("tau_fac", p.tau_fac),
                ("x", s.x),
            ],
        );
    }

    /// NEST's checks, in NEST's order: `U`, `u` in [0, 1], `tau_rec > 0`, `tau_fac ≥ 0`.
    fn set_status(
        &self,
        params: &mut Tsodyks2Params,
        state: &mut Tsodyks2State,
        _weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        let (mut p, mut s) = (params.clone(), *state);
        update_f64(d, "U", &mut p.u_increment)?;
        if p.u_increment > 1.0 || p.u_increment < 0.0 {
            return Err(ParamError::rule("'U' must be in [0,1].").with("U", p.u_increment));
        }
        update_f64(d, "u", &mut s.u)?;
        if s.u > 1.0 || s.u < 0.0 {
            return Err(ParamError::rule("'u' must be in [0,1].").with("u", s.u));
        }
        update_f64(d, "tau_rec", &mut p.tau_rec)?;
        if p.tau_rec <= 0.0 {
            return Err(ParamError::rule("'tau_rec' must be > 0.").with("tau_rec", p.tau_rec));
        }
        update_f64(d, "tau_fac", &mut p.tau_fac)?;
        if p.tau_fac < 0.0 {
            return Err(ParamError::rule("'tau_fac' must be >= 0.").with("tau_fac", p.tau_fac));
        }
        update_f64(d, "x", &mut s.x)?;
        *params = p;
        *state = s;
        Ok(())
    }
}
