//! `tsodyks_synapse` — short-term depression and facilitation with a synaptic current trace
//! (Tsodyks, Uziel & Markram 2000), every parameter per connection.
//!
//! The resources are split into recovered `x`, active `y` and inactive `z = 1 − x − y`. At a
//! presynaptic spike at `t`, `h = t − t_last` after the previous one (`t_last` starts at 0):
//!
//! ```text
//! u ← u·exp(−h/τ_fac)  (0 when τ_fac = 0)     y ← y·exp(−h/τ_psc)
//! x ← x + P_xy·y − expm1(−h/τ_rec)·z,  P_xy = (expm1(−h/τ_rec)·τ_rec − (e^{−h/τ_psc} − 1)·τ_psc)/(τ_psc − τ_rec)
//! u ← u + U·(1 − u);   Δy = u·x;   x ← x − Δy;   y ← y + Δy
//! ```
//!
//! (x and the decays from the old y) and the event carries `Δy · weight`; `weight` itself
//! does not change. `tau_psc` should equal the target's synaptic time constant.
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `weight` | 1.0 | pA or nS | absolute synaptic efficacy |
//! | `U` | 0.5 | | utilisation increment, in [0, 1] |
//! | `tau_psc` | 3.0 | ms | time constant of the active resources (> 0) |
//! | `tau_rec` | 800.0 | ms | recovery time constant (> 0) |
//! | `tau_fac` | 0.0 | ms | facilitation time constant (≥ 0; 0: none) |
//! | `x` | 1.0 | | recovered resources (state; `x + y ≤ 1`) |
//! | `y` | 0.0 | | active resources (state) |
//! | `u` | 0.0 | | utilisation (state, in [0, 1]) |
//!
//! NEST: `models/tsodyks_synapse.h` (3.10). References: Tsodyks M, Uziel A, Markram H (2000)
//! J Neurosci 20:RC50; Tsodyks M, Pawelzik K, Markram H (1998) Neural Comput 10:821–835.

use crate::registered::CatalogModel;
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{put_f64, update_f64, PlasticModel, SynapseState};

/// The parameters of the Tsodyks rule (per connection in `tsodyks_synapse`, common to the
/// model in `tsodyks_synapse_hom`).
#[derive(Clone, Debug, PartialEq)]
pub struct TsodyksParams {
    pub u_increment: f64,
    pub tau_psc: f64,
    pub tau_rec: f64,
    pub tau_fac: f64,
}

impl Default for TsodyksParams {
    fn default() -> TsodyksParams {
        TsodyksParams {
            u_increment: 0.5,
            tau_psc: 3.0,
            tau_rec: 800.0,
            tau_fac: 0.0,
        }
    }
}

/// The state of one connection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TsodyksState {
    pub x: f64,
    pub y: f64,
    pub u: f64,
}

impl Default for TsodyksState {
    fn default() -> TsodyksState {
        TsodyksState {
            x: 1.0,
            y: 0.0,
            u: 0.0,
        }
    }
}

impl TsodyksState {
    /// NEST's update at a spike `h` ms after the previous one: propagate `u`, `x`, `y` exactly
    /// over `h` (don't change the order), facilitate `u`, then release `Δy = u·x` from `x` into
    /// `y`. Returns `Δy`. `iaf_tum_2000` runs the same update in the sending neuron.
    #[inline]
    pub fn release(&mut self, p: &TsodyksParams, h: f64) -> f64 {
        self.release_with(p, h, f64::exp_m1)
    }

    /// [`TsodyksState::release`] with `P_zz − 1` computed from `−h/τ_rec` by `pzz_minus_one`
    /// (`expm1` in `tsodyks_synapse` and `iaf_tum_2000`, `exp(·) − 1` in
    /// `tsodyks_synapse_hom`, as NEST 3.10 computes them; `x ← x + P_xy·y + (1 − P_zz)·z` there
    /// is the same floating-point value as `x − (P_zz − 1)·z`, IEEE rounding being symmetric
    /// under negation).
    #[inline]
    pub(crate) fn release_with(
        &mut self,
        p: &TsodyksParams,
        h: f64,
        pzz_minus_one: fn(f64) -> f64,
    ) -> f64 {
        let puu = if p.tau_fac == 0.0 {
            0.0
        } else {
            (-h / p.tau_fac).exp()
        };
        let pyy = (-h / p.tau_psc).exp();
        let pzz_m1 = pzz_minus_one(-h / p.tau_rec);
        let pxy = (pzz_m1 * p.tau_rec - (pyy - 1.0) * p.tau_psc) / (p.tau_psc - p.tau_rec);
        let z = 1.0 - self.x - self.y;
        self.u *= puu;
        self.x += pxy * self.y - pzz_m1 * z;
        self.y *= pyy;
        self.u += p.u_increment * (1.0 - self.u);
        let delta_y = self.u * self.x;
        self.x -= delta_y;
        self.y += delta_y;
        delta_y
    }
}

impl TsodyksParams {
    pub(crate) fn get(&self, d: &mut Params) {
        put_f64(
            d,
            &[
                ("U", self.u_increment),
                ("tau_psc", self.tau_psc),
                ("tau_rec", self.tau_rec),
                ("tau_fac", self.tau_fac),
            ],
        );
    }

    /// NEST's reads and checks in its order (`U`, `tau_psc`, `tau_rec`, `tau_fac`); the
    /// per-connection model quotes the key in its messages (`'U' must be in [0,1].`), the
    /// common properties of `tsodyks_synapse_hom` do not.
    pub(crate) fn set(&mut self, d: &mut Params, quoted: bool) -> Result<(), ParamError> {
        let q = if quoted { "'" } else { "" };
        let bad = |key: &str, rule: &str, v: f64| {
            ParamError::rule(format!("{q}{key}{q} must be {rule}.")).with(key, v)
        };
        update_f64(d, "U", &mut self.u_increment)?;
        if self.u_increment > 1.0 || self.u_increment < 0.0 {
            return Err(bad("U", "in [0,1]", self.u_increment));
        }
        update_f64(d, "tau_psc", &mut self.tau_psc)?;
        if self.tau_psc <= 0.0 {
            return Err(bad("tau_psc", "> 0", self.tau_psc));
        }
        update_f64(d, "tau_rec", &mut self.tau_rec)?;
        if self.tau_rec <= 0.0 {
            return Err(bad("tau_rec", "> 0", self.tau_rec));
        }
        update_f64(d, "tau_fac", &mut self.tau_fac)?;
        if self.tau_fac < 0.0 {
            return Err(bad("tau_fac", ">= 0", self.tau_fac));
        }
        Ok(())
    }
}

impl TsodyksState {
    pub(crate) fn get(&self, d: &mut Params) {
        put_f64(d, &[("x", self.x), ("y", self.y), ("u", self.u)]);
    }

    /// NEST's `x`, `y` (with `x + y ≤ 1`); `u` is read by the caller.
    pub(crate) fn set_xy(&mut self, d: &mut Params) -> Result<(), ParamError> {
        update_f64(d, "x", &mut self.x)?;
        update_f64(d, "y", &mut self.y)?;
        if self.x + self.y > 1.0 {
            return Err(ParamError::rule("x + y must be <= 1.0.")
                .with("x", self.x)
                .with("y", self.y));
        }
        Ok(())
    }

    /// The state of a defaults dictionary, read without checks (checked when set).
    pub(crate) fn read(d: &mut Params) -> Result<TsodyksState, ParamError> {
        let mut s = TsodyksState::default();
        update_f64(d, "x", &mut s.x)?;
        update_f64(d, "y", &mut s.y)?;
        update_f64(d, "u", &mut s.u)?;
        Ok(s)
    }
}

/// One presynaptic spike of the Tsodyks rule (module doc), shared by `tsodyks_synapse` and
/// `tsodyks_synapse_hom`. The two differ only in how NEST 3.10 computes `P_zz − 1` from
/// `−h/τ_rec`: `expm1` in `tsodyks_synapse`, `exp(·) − 1` in `tsodyks_synapse_hom` (there
/// `x ← x + P_xy·y + (1 − P_zz)·z`, which is the same floating-point value as
/// `x − (P_zz − 1)·z` because IEEE rounding is symmetric under negation).
#[inline]
pub(crate) fn tsodyks_step(
    p: &TsodyksParams,
    syn: SynapseState<'_, TsodyksState>,
    t_spike: f64,
    pzz_minus_one: fn(f64) -> f64,
) -> f64 {
    let SynapseState {
        weight,
        t_last,
        state: s,
    } = syn;
    let delta_y = s.release_with(p, t_spike - *t_last, pzz_minus_one);
    *t_last = t_spike;
    delta_y * *weight
}

/// `tsodyks_synapse`.
#[derive(Debug, Default)]
pub struct TsodyksSynapse;

impl PlasticModel for TsodyksSynapse {
    type Params = TsodyksParams;
    type State = TsodyksState;

    fn reads_history(&self) -> bool {
        false
    }

    #[inline]
    fn send(
        &self,
        p: &TsodyksParams,
        syn: SynapseState<'_, TsodyksState>,
        t_spike: f64,
        _delay: f64,
        _post: &mut Archive,
    ) -> f64 {
        tsodyks_step(p, syn, t_spike, f64::exp_m1)
    }

    fn get_status(&self, p: &TsodyksParams, s: &TsodyksState, d: &mut Params) {
        p.get(d);
        s.get(d);
    }

    /// NEST's order: `x`, `y`, then `U`, `tau_psc`, `tau_rec`, `tau_fac`, then `u`.
    fn set_status(
        &self,
        params: &mut TsodyksParams,
        state: &mut TsodyksState,
        _weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        let (mut p, mut s) = (params.clone(), *state);
        s.set_xy(d)?;
        p.set(d, true)?;
        update_f64(d, "u", &mut s.u)?;
        if s.u > 1.0 || s.u < 0.0 {
            return Err(ParamError::rule("'u' must be in [0,1].").with("u", s.u));
        }
        *params = p;
        *state = s;
        Ok(())
    }
}

impl CatalogModel for TsodyksSynapse {
    const NAME: &'static str = "tsodyks_synapse";
    const KEYS: &'static [&'static str] = &["U", "tau_psc", "tau_rec", "tau_fac", "x", "y", "u"];

    fn defaults(d: &mut Params) {
        TsodyksSynapse.get_status(&TsodyksParams::default(), &TsodyksState::default(), d);
    }

    fn read(d: &mut Params) -> Result<(TsodyksParams, TsodyksState), ParamError> {
        let mut p = TsodyksParams::default();
        update_f64(d, "U", &mut p.u_increment)?;
        update_f64(d, "tau_psc", &mut p.tau_psc)?;
        update_f64(d, "tau_rec", &mut p.tau_rec)?;
        update_f64(d, "tau_fac", &mut p.tau_fac)?;
        Ok((p, TsodyksState::read(d)?))
    }
}
