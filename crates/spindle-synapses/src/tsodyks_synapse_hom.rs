//! `tsodyks_synapse_hom` — `tsodyks_synapse` with its parameters and weight common to all
//! connections of the model (NEST's `TsodyksHomCommonProperties`: `U`, `tau_psc`,
//! `tau_rec`, `tau_fac`, `weight`, set with `SetDefaults` or `CopyModel` only); per
//! connection only the state `x`, `y`, `u` (`x + y ≤ 1`; `u` unchecked, as in NEST).
//!
//! The update is `tsodyks_synapse`'s (see there) with NEST's arithmetic of this model:
//! `P_zz = exp(−h/τ_rec)`, `P_xy = ((P_zz − 1)·τ_rec − (e^{−h/τ_psc} − 1)·τ_psc)/(τ_psc −
//! τ_rec)`, `x ← x + P_xy·y + (1 − P_zz)·z`. Defaults as `tsodyks_synapse`.
//!
//! NEST: `models/tsodyks_synapse_hom.h` (3.10).

use crate::registered::CatalogModel;
use crate::tsodyks_synapse::{tsodyks_step, TsodyksParams, TsodyksState};
use spindle_core::archive::Archive;
use spindle_core::params::{ParamError, Params};
use spindle_core::synapse::{update_f64, PlasticModel, SynapseState};

/// `tsodyks_synapse_hom`: common parameters (the single entry of the store's table) and
/// weight, per-connection state.
#[derive(Debug, Default)]
pub struct TsodyksSynapseHom;

impl PlasticModel for TsodyksSynapseHom {
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
        tsodyks_step(p, syn, t_spike, |r| r.exp() - 1.0)
    }

    fn get_status(&self, _: &TsodyksParams, s: &TsodyksState, d: &mut Params) {
        s.get(d);
    }

    fn set_status(
        &self,
        _: &mut TsodyksParams,
        state: &mut TsodyksState,
        _weight: f64,
        d: &mut Params,
    ) -> Result<(), ParamError> {
        let mut s = *state;
        s.set_xy(d)?;
        update_f64(d, "u", &mut s.u)?;
        *state = s;
        Ok(())
    }
}

impl CatalogModel for TsodyksSynapseHom {
    const NAME: &'static str = "tsodyks_synapse_hom";
    const KEYS: &'static [&'static str] = &["x", "y", "u"];
    const COMMON_KEYS: &'static [&'static str] = &["U", "tau_psc", "tau_rec", "tau_fac"];
    const HOMOGENEOUS_WEIGHT: bool = true;

    fn defaults(d: &mut Params) {
        TsodyksParams::default().get(d);
        TsodyksState::default().get(d);
    }

    /// The common parameters with NEST's checks of `TsodyksHomCommonProperties`.
    fn read(d: &mut Params) -> Result<(TsodyksParams, TsodyksState), ParamError> {
        let mut p = TsodyksParams::default();
        p.set(d, false)?;
        Ok((p, TsodyksState::read(d)?))
    }
}
