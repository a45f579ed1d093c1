//! Contract: the conductance-based iaf models (`iaf_cond_exp`, `iaf_cond_alpha`,
//! `iaf_cond_beta`, `iaf_cond_exp_sfa_rr`) have NEST 3.10's connection-time interface — receptor
//! 0 only, recordables in NEST's order — count their refractory time as NEST's
//! `t_ref_remaining` does, and report a diverging integration as an `Instability` instead of
//! hanging.

mod common;

use common::{build, Drive};
use spindle_core::params::{Params, Value};

const MODELS: [&str; 4] = [
    "iaf_cond_exp",
    "iaf_cond_alpha",
    "iaf_cond_beta",
    "iaf_cond_exp_sfa_rr",
];

#[test]
fn only_receptor_0_takes_spikes_and_currents_with_nests_message() {
    for model in MODELS {
        let m = build(model, Params::new());
        let ex = m.spike_input(0, 2.5).unwrap();
        let inh = m.spike_input(0, -2.5).unwrap();
        assert_ne!(
            ex.channel, inh.channel,
            "{model}: the sign picks the conductance"
        );
        assert_eq!((ex.weight, inh.weight), (2.5, 2.5), "{model}: |w| is added");
        assert_eq!(m.spike_input(0, 0.0).unwrap().channel, inh.channel);
        assert!(m.current_input(0, 1.0).is_ok());
        for receptor in [1, 2, -1] {
            let err = m.spike_input(receptor, 1.0).unwrap_err().to_string();
            assert!(
                err.contains(&format!(
                    "Receptor type {receptor} is not available in {model}."
                )),
                "{err}"
            );
            assert!(m.current_input(receptor, 1.0).is_err());
        }
    }
}

#[test]
fn recordables_are_nests() {
    let nest: [(&str, &[&str]); 4] = [
        ("iaf_cond_exp", &["V_m", "g_ex", "g_in"]),
        (
            "iaf_cond_alpha",
            &["V_m", "g_ex", "g_in", "t_ref_remaining"],
        ),
        ("iaf_cond_beta", &["V_m", "g_ex", "g_in", "t_ref_remaining"]),
        (
            "iaf_cond_exp_sfa_rr",
            &["V_m", "g_ex", "g_in", "g_sfa", "g_rr"],
        ),
    ];
    for (model, names) in nest {
        let ours: Vec<String> = build(model, Params::new())
            .recordables()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(ours, names, "{model}");
    }
}

#[test]
fn t_ref_remaining_counts_down_from_the_rounded_up_refractory_time() {
    // t_ref = 1.23 ms at h = 0.1 ms: 13 steps of refractoriness, reported as 13·h, 12·h, …
    for model in ["iaf_cond_alpha", "iaf_cond_beta"] {
        let mut p = Params::new();
        p.insert("t_ref", Value::Float(1.23));
        p.insert("V_m", Value::Float(-54.0));
        let mut d = Drive::new(build(model, p), 1, 0.1);
        let r = d.recordable("t_ref_remaining");
        assert!(
            !d.step().is_empty(),
            "{model}: V_m above V_th spikes at once"
        );
        let mut seen = vec![d.chunk.recordable(r, 0)];
        for _ in 0..14 {
            d.step();
            seen.push(d.chunk.recordable(r, 0));
        }
        let want: Vec<f64> = (0..15).map(|k| 0.1 * (13 - k).max(0) as f64).collect();
        assert_eq!(seen, want, "{model}");
    }
}

#[test]
fn a_diverging_integration_is_reported_once_per_update_as_an_instability() {
    // A conductance kicked by 1e300 shrinks the RKF45 step towards zero; NEST never returns.
    for model in MODELS {
        let mut d = Drive::new(build(model, Params::new()), 3, 0.1);
        d.spike(1, 0.1, 0.1, 0, -1e300, 1);
        d.spike(2, 0.1, 0.1, 0, -1e300, 1);
        let mut found = None;
        for _ in 0..5 {
            d.step();
            if let Some(i) = d.chunk.take_instability() {
                found = Some(i);
                break;
            }
        }
        let i = found.unwrap_or_else(|| panic!("{model}: no instability reported"));
        // The first diverging neuron; the variable that left its bounds (an inhibitory
        // conductance of 1e300 drives V_m to a value that is not finite).
        assert_eq!(i.neuron, 1, "{model}");
        assert!(
            !i.value.is_finite() || i.value.abs() > 1e100,
            "{model}: {} = {}",
            i.variable,
            i.value
        );
        assert!(d.chunk.take_instability().is_none(), "{model}: taken");
        assert!(
            d.chunk.recordable(0, 0).is_finite(),
            "{model}: neuron 0 unharmed"
        );
    }
}
