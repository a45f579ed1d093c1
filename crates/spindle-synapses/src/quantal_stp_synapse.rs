//! `quantal_stp_synapse` — probabilistic transmitter release with short-term depression and
//! facilitation (the quantal release model of Fuhrmann et al. 2002 and Loebel et al. 2009),
//! every parameter per connection.
//!
//! A connection has `n` release sites, of which `a` are available. At a presynaptic spike at
//! `t`, `h = t − t_last` after the previous one (nothing of this before the first spike):
//!
//! ```text
//! u ← U + u·(1 − U)·exp(−h/τ_fac)          (the second term is 0 when τ_fac < 1e-10)
//! each of the n − a depleted sites recovers with probability 1 − exp(−h/τ_rec)
//! ```
//!
//! then each of the `a` available sites releases with probability `u`; if `k > 0` sites
//! released, the event carries `k · weight` and `a ← a − k`; with `k = 0` the spike is
//! dropped (it reaches neither the target nor the weight recorder). `weight` is the weight
//! of all `n` sites together divided by `n` — the weight of one site.
//!
//! NEST draws one `drand()` per site from the random generator of the target's thread;
//! spindle draws one uniform number in [0, 1) per site, in NEST's order (recoveries, then
//! releases), from the target neuron's synapse stream (keyed by the kernel seed and the
//! target's node id, advanced in delivery order: see `spindle_core::archive`), so results do
//! not depend on the thread count or on how the run is stepped, and follow NEST's
//! distribution. Where NEST is deterministic, spindle is exact: `u = U = 1` releases every
//! available site, `u = 0` none, and recovery is certain once `exp(−h/τ_rec)` underflows to 0.
//!
//! | key | default | unit | meaning |
//! |---|---|---|---|
//! | `weight` | 1.0 | pA or nS | weight of one release site |
//! | `U` | 0.5 | | release probability increment, in [0, 1] |
//! | `u` | 0.5 | | release probability per site (state), in [0, 1] |
//! | `n` | 1 | | number of release sites (integer) |
//! | `a` | 1 | | number of available release sites (state, integer) |
//! | `tau_rec` | 800.0 | ms | recovery time constant (> 0) |
//! | `tau_fac` | 0.0 | ms | facilitation time constant (≥ 0; 0: none) |
//!
//! NEST: `models/quantal_stp_synapse.h`, `quantal_stp_synapse_impl.h` (3.10). References:
//! Fuhrmann G et al. (2002) J Neurophysiol 87:140–148; Loebel A et al. (2009) Front Comput
//! Neurosci 3:27; Maass W, Markram H (2002) Biol Cybern 87:459–470.

use crate::registered::CatalogModel;
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::rng;
use spindle_core::synapse::{put_f64, update_f64, PlasticModel, SynapseState};

/// The parameters of one connection.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantalParams {
    pub u_increment: f64,
    pub tau_rec: f64,
    pub tau_fac: f64,
    /// Number of release sites (NEST's `int`).
    pub n: i32,
}

impl Default for QuantalParams {
    fn default() -> QuantalParams {
        QuantalParams {
            u_increment: 0.5,
            tau_rec: 800.0,
            tau_fac: 0.0,
            n: 1,
        }
    }
}

/// The state of one connection: release probability `u` and available sites `a`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuantalState {
    pub u: f64,
    pub a: i32,
}

impl Default for QuantalState {
    fn default() -> QuantalState {
        QuantalState { u: 0.5, a: 1 }
    }
}

/// `quantal_stp_synapse`.
#[derive(Debug, Default)]
pub struct QuantalStpSynapse;

/// Read an integer key the way NEST's `update_integer_value` does into an `int`.
fn update_int(d: &mut Params, key: &str, slot: &mut i32) -> Result<(), ParamError> {
    if let Some(v) = d.i64(key)? {
        *slot = i32::try_from(v).map_err(|_| {
            ParamError::rule(format!("'{key}' must fit a 32-bit integer.")).with(key, v)
        })?;
    }
    Ok(())
}

impl PlasticModel for QuantalStpSynapse {
    type Params = QuantalParams;
    type State = QuantalState;

    fn reads_history(&self) -> bool {
        false
    }

    fn initial_t_last(&self) -> f64 {
        -1.0
    }

    #[inline]
    fn transmit(
        &self,
        p: &QuantalParams,
        syn: SynapseState<'_, QuantalState>,
        t_spike: f64,
        _delay: f64,
        post: &mut Archive,
    ) -> Option<f64> {
        let SynapseState {
            weight,
            t_last,
            state: s,
        } = syn;
        let draws = post.draws();
        if *t_last >= 0.0 {
            let h = t_spike - *t_last;
            let p_decay = (-h / p.tau_rec).exp();
            let u_decay = if p.tau_fac < 1.0e-10 {
                0.0
            } else {
                (-h / p.tau_fac).exp()
            };
            s.u = p.u_increment + s.u * (1. - p.u_increment) * u_decay;
            for _ in 0..(p.n - s.a).max(0) {
                if rng::uniform(draws) < 1.0 - p_decay {
                    s.a += 1;
                }
            }
        }
        let mut released = 0;
        for _ in 0..s.a.max(0) {
            if rng::uniform(draws) < s.u {
                released += 1;
            }
        }
        *t_last = t_spike;
        if released == 0 {
            return None;
        }
        s.a -= released;
        Some(f64::from(released) * *weight)
    }

    fn get_status(&self, p: &QuantalParams, s: &QuantalState, d: &mut Params) {
        put_f64(
            d,
            &[
                ("U", p.u_increment),
                ("u", s.u),
                ("tau_rec", p.tau_rec),
                ("tau_fac", p.tau_fac),
            ],
        );
        d.insert("n", Value::Int(i64::from(p.n)));
        d.insert("a", Value::Int(i64::from(s.a)));
    }

    /// NEST's checks after reading every key, in NEST's order: `U`, `u` in [0, 1],
    /// `tau_rec > 0`, `tau_fac ≥ 0` (`n` and `a` are not checked).
    fn set_status(
        &self,
        params: &mut QuantalParams,
        state: &mut QuantalState,
        _weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        let (mut p, mut s) = (params.clone(), *state);
        read_keys(d, &mut p, &mut s)?;
        if p.u_increment > 1.0 || p.u_increment < 0.0 {
            return Err(ParamError::rule("'U' must be in [0,1].").with("U", p.u_increment));
        }
        if s.u > 1.0 || s.u < 0.0 {
            return Err(ParamError::rule("'u' must be in [0,1].").with("u", s.u));
        }
        if p.tau_rec <= 0.0 {
            return Err(ParamError::rule("'tau_rec' must be > 0.").with("tau_rec", p.tau_rec));
        }
        if p.tau_fac < 0.0 {
            return Err(ParamError::rule("'tau_fac' must be >= 0.").with("tau_fac", p.tau_fac));
        }
        *params = p;
        *state = s;
        Ok(())
    }
}

/// Every own key of the model from `d` into `p` and `s`, unchecked.
fn read_keys(
    d: &mut Params,
    p: &mut QuantalParams,
    s: &mut QuantalState,
) -> Result<(), ParamError> {
    update_f64(d, "U", &mut p.u_increment)?;
    update_f64(d, "u", &mut s.u)?;
    update_f64(d, "tau_rec", &mut p.tau_rec)?;
    update_f64(d, "tau_fac", &mut p.tau_fac)?;
    update_int(d, "n", &mut p.n)?;
    update_int(d, "a", &mut s.a)
}

impl CatalogModel for QuantalStpSynapse {
    const NAME: &'static str = "quantal_stp_synapse";
    const KEYS: &'static [&'static str] = &["U", "u", "n", "a", "tau_rec", "tau_fac"];

    fn defaults(d: &mut Params) {
        QuantalStpSynapse.get_status(&QuantalParams::default(), &QuantalState::default(), d);
    }

    fn read(d: &mut Params) -> Result<(QuantalParams, QuantalState), ParamError> {
        let (mut p, mut s) = (QuantalParams::default(), QuantalState::default());
        read_keys(d, &mut p, &mut s)?;
        Ok((p, s))
    }
}
