//! Contract: `glif_psc` follows NEST 3.10 where it differs from `glif_cond` — alpha *currents*
//! (sign kept, peak `w` pA at `τ_syn`), no one-step lag of the after-spike currents, `I_syn` as the
//! start-of-step PSC sum that freezes while refractory — and reproduces the deterministic
//! reference spike times of spec §8.1 (300 pA dc) for all five levels.

mod common;

use common::{build, floats, level_params, Drive, LEVELS};
use spindle_core::params::{Params, Value};
use spindle_models::GlifPsc;

fn with(mut p: Params, entries: &[(&str, Value)]) -> Params {
    for (k, v) in entries {
        p.insert(*k, v.clone());
    }
    p
}

fn trace(drive: &mut Drive, name: &str, until_ms: f64) -> Vec<f64> {
    let col = drive.recordable(name);
    let mut out = Vec::new();
    drive.run_until(until_ms, |_, chunk, _| out.push(chunk.recordable(col, 0)));
    out
}

#[test]
fn dc_reference_spike_times_of_all_levels() {
    // Spec §8.1, glif_psc at h = 0.01: dc_generator 300 pA, weight 1, delay 1 ms, from t = 0.
    let expected: [(&str, &[f64]); 5] = [
        (
            "lif",
            &[13.00, 28.74, 44.48, 60.22, 75.96, 91.70, 107.44, 123.18],
        ),
        (
            "lif_r",
            &[13.00, 20.54, 28.52, 36.95, 45.82, 55.13, 64.86, 74.99],
        ),
        (
            "lif_asc",
            &[13.00, 42.87, 75.82, 111.66, 150.87, 194.05, 241.89, 294.98],
        ),
        (
            "lif_r_asc",
            &[13.00, 42.64, 76.79, 115.35, 159.23, 209.48, 266.79],
        ),
        ("lif_r_asc_a", &[14.19, 49.58, 92.72, 148.14, 227.84]),
    ];
    assert_eq!(expected.map(|e| e.0), LEVELS);
    for (level, times) in expected {
        let mut d = Drive::new(build("glif_psc", level_params(level)), 1, 0.01);
        d.current(0, 0.0, 400.0, 300.0, 1.0, 1.0, 0);
        let until = times.last().unwrap() + 0.005;
        let stamps = d.spike_stamps(0, (until * 100.0).floor() / 100.0);
        let want: Vec<i64> = times
            .iter()
            .map(|t| (t * 100.0f64).round() as i64)
            .collect();
        assert_eq!(stamps, want, "{level}");
    }
}

#[test]
fn negative_weights_give_negative_alpha_currents_peaking_at_tau_syn() {
    // Port 1 with τ = 2 ms; −20 pA spike at 10 ms, delay 1 ms: arrives at 11 ms, I_syn (the
    // start-of-step sum) peaks at −20 pA one step after 13 ms.
    let mut d = Drive::new(build("glif_psc", level_params("lif")), 1, 0.01);
    d.spike(0, 10.0, 1.0, 1, -20.0, 1);
    let i_syn = trace(&mut d, "I_syn", 20.0);
    let (k, peak) = i_syn
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .unwrap();
    assert_eq!(k + 1, 1301, "peak sampled at 13.01 ms");
    assert!((peak - -20.0).abs() < 1e-12, "{peak}");
    let v = trace(&mut d, "V_m", 30.0);
    assert!(
        v.iter().all(|&x| x <= -78.85),
        "a negative current hyperpolarises"
    );
}

#[test]
fn after_spike_currents_drive_v_from_the_first_step() {
    // glif_cond lags one step (V_m(0.01) = E_L); glif_psc uses Σ of the current step at once.
    let p = with(
        level_params("lif_asc"),
        &[("ASCurrents", floats(&[10.0, 20.0]))],
    );
    let mut d = Drive::new(build("glif_psc", p.clone()), 1, 0.01);
    let v = trace(&mut d, "V_m", 0.02);
    assert!(v[0] > -78.85, "{}", v[0]);
    let mut d = Drive::new(build("glif_cond", p), 1, 0.01);
    assert_eq!(trace(&mut d, "V_m", 0.01)[0], -78.85);
}

#[test]
fn asc_init_is_honoured_exactly_like_the_ascurrents_state() {
    let stimulus = |p: Params| {
        let mut d = Drive::new(build("glif_psc", p), 1, 0.01);
        d.current(0, 0.0, 200.0, 250.0, 1.0, 1.0, 0);
        trace(&mut d, "V_m", 200.0)
    };
    let by_state = stimulus(with(
        level_params("lif_r_asc"),
        &[("ASCurrents", floats(&[30.0, -20.0]))],
    ));
    let by_init = stimulus(with(
        level_params("lif_r_asc"),
        &[("asc_init", floats(&[30.0, -20.0]))],
    ));
    assert_eq!(by_state, by_init);
    let m = GlifPsc::from_params(&mut with(
        level_params("lif_asc"),
        &[("asc_init", floats(&[1.0, 2.0]))],
    ))
    .unwrap();
    assert_eq!(m.initial.asc, [1.0, 2.0]);
}

#[test]
fn i_syn_and_the_threshold_components_freeze_while_refractory() {
    // V_m above threshold at the start: spike in the first step; during the 375 refractory steps
    // a PSC arrives, I_syn (and Σ) keep their spike-step values and V_m stays at V_reset.
    let p = with(level_params("lif_asc"), &[("V_m", Value::Float(-40.0))]);
    let mut d = Drive::new(build("glif_psc", p), 1, 0.01);
    d.spike(0, 0.5, 1.0, 1, 50.0, 1);
    let (v_col, i_col, s_col) = (
        d.recordable("V_m"),
        d.recordable("I_syn"),
        d.recordable("ASCurrents_sum"),
    );
    let mut rows = Vec::new();
    d.run_until(4.0, |s, c, e| {
        rows.push((
            s,
            c.recordable(v_col, 0),
            c.recordable(i_col, 0),
            c.recordable(s_col, 0),
            e.len(),
        ))
    });
    assert_eq!(rows[0].4, 1, "spike in the first step");
    for r in &rows[..376] {
        assert_eq!((r.1, r.2, r.3), (-78.85, 0.0, rows[0].3), "{r:?}");
    }
    assert!(
        rows[376].2 > 0.0 && rows[376].1 != -78.85,
        "{:?}",
        rows[376]
    );
}

#[test]
fn multiplicity_counts_like_repeated_spikes() {
    let p = with(Params::new(), &[("tau_syn", floats(&[1.0]))]);
    let run = |spikes: &[(u32, f64)]| {
        let mut d = Drive::new(build("glif_psc", p.clone()), 1, 0.1);
        for &(m, w) in spikes {
            d.spike(0, 5.0, 1.0, 1, w, m);
        }
        trace(&mut d, "V_m", 8.0)
    };
    let two = run(&[(1, 1.0), (1, 1.0)]);
    assert_eq!(two, run(&[(2, 1.0)]));
    assert_eq!(two, run(&[(1, 2.0)]));
    assert_ne!(*two.last().unwrap(), -78.85);
}
