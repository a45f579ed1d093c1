//! Contract: the NEST semantics of `iaf_psc_alpha`, `iaf_psc_exp` and `iaf_cond_exp` that are easy
//! to get subtly wrong — the excitatory/inhibitory split by the sign of the weight (kept for the
//! current models, converted for `iaf_cond_exp`), multiplicities, the `≥` threshold and the
//! refractory hold, `t_ref = 0`, `V_min`, receptor-1 currents, `E_L` changes, analytic responses,
//! chunk layout and repeated `prepare` (spec §1.4, §4).

mod common;

use common::{build, Drive};
use spindle_core::model::InputChannel;
use spindle_core::params::{Params, Value};
use spindle_core::time::TimeGrid;
use spindle_models::{IafCondExp, IafPscAlpha, IafPscExp};

fn params(entries: &[(&str, f64)]) -> Params {
    let mut p = Params::new();
    for &(k, v) in entries {
        p.insert(k, Value::Float(v));
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
fn the_sign_of_the_weight_picks_the_synapse_at_connect_time() {
    for model in ["iaf_psc_alpha", "iaf_psc_exp"] {
        let m = build(model, Params::new());
        let ch = |w: f64| m.spike_input(0, w).unwrap();
        assert_eq!(
            ch(5.0),
            InputChannel {
                channel: 0,
                weight: 5.0
            },
            "{model}"
        );
        // Negative and zero weights go to the inhibitory synapse with their sign kept.
        assert_eq!(
            ch(-5.0),
            InputChannel {
                channel: 1,
                weight: -5.0
            },
            "{model}"
        );
        assert_eq!(ch(0.0).channel, 1, "{model}");
    }
    // iaf_cond_exp converts the sign: −w is added to g_in.
    let m = build("iaf_cond_exp", Params::new());
    assert_eq!(
        m.spike_input(0, 5.0).unwrap(),
        InputChannel {
            channel: 0,
            weight: 5.0
        }
    );
    assert_eq!(
        m.spike_input(0, -5.0).unwrap(),
        InputChannel {
            channel: 1,
            weight: 5.0
        }
    );
}

#[test]
fn inhibitory_currents_are_negative_and_conductances_positive() {
    // A −50 weight into iaf_psc_alpha: I_syn_in = −50 pA at its peak, τ_syn = 2 ms after arrival
    // (spike at 10 ms, delay 1 ms: arrival 11 ms, peak 13 ms).
    let mut d = Drive::new(build("iaf_psc_alpha", Params::new()), 1, 0.1);
    d.spike(0, 10.0, 1.0, 0, -50.0, 1);
    let i_in = trace(&mut d, "I_syn_in", 20.0);
    let (peak_at, peak) = i_in
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .unwrap();
    assert_eq!(peak_at + 1, 130, "peak at 13.0 ms");
    assert!((peak - -50.0).abs() < 1e-12, "{peak}");
    // iaf_psc_exp: the current jumps to w on arrival (visible in the sample at 11.0 ms).
    let mut d = Drive::new(build("iaf_psc_exp", Params::new()), 1, 0.1);
    d.spike(0, 10.0, 1.0, 0, -50.0, 1);
    let i_in = trace(&mut d, "I_syn_in", 11.1);
    assert_eq!((i_in[108], i_in[109]), (0.0, -50.0));
    // iaf_cond_exp: g_in jumps by +50 nS and the membrane hyperpolarises.
    let mut d = Drive::new(build("iaf_cond_exp", Params::new()), 1, 0.1);
    d.spike(0, 10.0, 1.0, 0, -50.0, 1);
    let g_in = trace(&mut d, "g_in", 11.1);
    assert_eq!((g_in[108], g_in[109]), (0.0, 50.0));
    let v = trace(&mut d, "V_m", 15.0);
    assert!(v.last().unwrap() < &-70.5, "{}", v.last().unwrap());
}

#[test]
fn multiplicity_counts_like_repeated_spikes() {
    // NEST's test_neurons_handle_multiplicity: two spikes at 5 ms equal one of multiplicity 2,
    // and both differ from rest; for negative weights too.
    for model in ["iaf_psc_alpha", "iaf_psc_exp", "iaf_cond_exp"] {
        for w in [30.0, -30.0] {
            let run = |spikes: &[(u32, f64)]| {
                let mut d = Drive::new(build(model, Params::new()), 1, 0.1);
                for &(m, w) in spikes {
                    d.spike(0, 5.0, 1.0, 0, w, m);
                }
                trace(&mut d, "V_m", 12.0)
            };
            let two = run(&[(1, w), (1, w)]);
            assert_eq!(two, run(&[(2, w)]), "{model} {w}");
            assert_eq!(two, run(&[(1, 2.0 * w)]), "{model} {w}");
            assert_ne!(*two.last().unwrap(), -70.0, "{model} {w}");
        }
    }
}

#[test]
fn membrane_follows_the_analytic_step_response() {
    // Constant I_e, no threshold in reach: V(t) = E_L + I·τ/C·(1 − e^{−t/τ}).
    let (i_e, tau, c, e_l) = (200.0, 10.0, 250.0, -70.0);
    for model in ["iaf_psc_alpha", "iaf_psc_exp"] {
        let p = params(&[("I_e", i_e), ("V_th", 100.0)]);
        let mut d = Drive::new(build(model, p), 1, 0.1);
        let v = trace(&mut d, "V_m", 50.0);
        for (k, &vk) in v.iter().enumerate() {
            let t = (k + 1) as f64 * 0.1;
            let exact = e_l + i_e * tau / c * (1.0 - (-t / tau).exp());
            assert!((vk - exact).abs() < 1e-12, "{model} t={t}: {vk} vs {exact}");
        }
    }
}

#[test]
fn threshold_is_inclusive_and_the_hold_lasts_t_ref_rounded_up() {
    // V_m above V_th at the start: the neuron spikes in the first step (stamp 1) and is reset.
    for model in ["iaf_psc_alpha", "iaf_psc_exp"] {
        let p = params(&[("V_m", -50.0), ("t_ref", 0.25)]);
        let mut d = Drive::new(build(model, p), 1, 0.1);
        d.current(0, 0.0, 100.0, 1000.0, 1.0, 0.1, 0);
        let v_col = d.recordable("V_m");
        let mut rows = Vec::new();
        d.run_until(1.0, |stamp, c, e| {
            rows.push((stamp, c.recordable(v_col, 0), !e.is_empty()))
        });
        assert!(rows[0].2, "{model}: spike in the first step");
        // t_ref = 0.25 ms at h = 0.1 → 3 refractory steps: V_m = V_reset at stamps 1 … 4.
        for row in &rows[..4] {
            assert_eq!(row.1, -70.0, "{model}: {row:?}");
        }
        assert!(
            rows[4].1 > -70.0,
            "{model}: integrates again at stamp 5: {:?}",
            rows[4]
        );
    }
    // `≥`: a neuron whose V lands exactly on V_th spikes. With E_L = V_reset = 0 and V_m = V_th
    // and no input, y3 decays a little in the first step, so drive the threshold test directly:
    // V_th = V_m, tau_m huge, t_ref 0 → y3·(1 + expm1(−h/τ)) rounds back to y3.
    let p = params(&[
        ("E_L", 0.0),
        ("V_reset", -1.0),
        ("V_th", 1.0),
        ("V_m", 1.0),
        ("tau_m", 1e300),
    ]);
    let mut d = Drive::new(build("iaf_psc_alpha", p), 1, 0.1);
    assert_eq!(d.step(), vec![(0, 1)]);
}

#[test]
fn zero_refractory_time_integrates_right_after_the_spike() {
    let p = params(&[("t_ref", 0.0), ("I_e", 1000.0)]);
    let mut d = Drive::new(build("iaf_psc_exp", p), 1, 0.1);
    let stamps = d.spike_stamps(0, 100.0);
    assert!(stamps.len() > 10, "{stamps:?}");
    let isi: Vec<i64> = stamps.windows(2).map(|w| w[1] - w[0]).collect();
    // With t_ref = 2 ms the inter-spike interval is 20 steps longer.
    let p = params(&[("t_ref", 2.0), ("I_e", 1000.0)]);
    let mut d = Drive::new(build("iaf_psc_exp", p), 1, 0.1);
    let stamps2 = d.spike_stamps(0, 100.0);
    let isi2: Vec<i64> = stamps2.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(isi[1] + 20, isi2[1], "{isi:?} {isi2:?}");
}

#[test]
fn v_min_bounds_the_membrane_from_below() {
    let p = params(&[("V_min", -72.0)]);
    let mut d = Drive::new(build("iaf_psc_alpha", p), 1, 0.1);
    d.spike(0, 5.0, 1.0, 0, -5000.0, 1);
    let v = trace(&mut d, "V_m", 30.0);
    let lowest = v.iter().cloned().fold(f64::INFINITY, f64::min);
    assert_eq!(lowest, -72.0);
}

#[test]
fn receptor_1_currents_of_iaf_psc_exp_are_filtered_by_the_excitatory_synapse() {
    // A constant 100 pA on receptor 1: I_syn_ex → 100 pA with τ_syn_ex = 2 ms; on receptor 0 the
    // same current bypasses the synapse.
    let mut d = Drive::new(build("iaf_psc_exp", Params::new()), 1, 0.1);
    d.current(0, 0.0, 100.0, 100.0, 1.0, 1.0, 1);
    let i_ex = trace(&mut d, "I_syn_ex", 40.0);
    // First event stamped 0.1 ms, delay 1 ms: latched at the end of the step ending at 1.1 ms,
    // fed in from the step ending at 1.2 ms on.
    assert_eq!(i_ex[10], 0.0);
    let t = |k: usize| (k + 1) as f64 * 0.1 - 1.1;
    for k in [11, 20, 50, 300] {
        let exact = 100.0 * (1.0 - (-t(k) / 2.0).exp());
        assert!(
            (i_ex[k] - exact).abs() < 1e-9,
            "k={k}: {} vs {exact}",
            i_ex[k]
        );
    }
    let mut d = Drive::new(build("iaf_psc_exp", Params::new()), 1, 0.1);
    d.current(0, 0.0, 100.0, 100.0, 1.0, 1.0, 0);
    assert!(trace(&mut d, "I_syn_ex", 40.0).iter().all(|&i| i == 0.0));
}

#[test]
fn changing_e_l_keeps_the_absolute_voltages_not_given() {
    // NEST: Create(model, {E_L: −60}) leaves V_m = V_reset = −70 and V_th = −55.
    let m = IafPscAlpha::from_params(&mut params(&[("E_L", -60.0)])).unwrap();
    assert_eq!(m.initial_y3 + m.params.m.e_l, -70.0);
    assert_eq!(m.params.m.v_reset + m.params.m.e_l, -70.0);
    assert_eq!(m.params.m.theta + m.params.m.e_l, -55.0);
    assert_eq!(m.params.lower_bound, f64::NEG_INFINITY);
    let m = IafPscAlpha::from_params(&mut params(&[("E_L", -60.0), ("V_min", -80.0)])).unwrap();
    assert_eq!(m.params.lower_bound, -20.0);
    let m = IafPscExp::from_params(&mut params(&[("E_L", -60.0), ("V_m", -65.0)])).unwrap();
    assert_eq!(
        (m.initial_v, m.params.m.theta, m.params.m.v_reset),
        (-5.0, 5.0, -10.0)
    );
    // iaf_cond_exp stores absolute voltages: V_m stays at the default −70 whatever E_L is.
    let m = IafCondExp::from_params(&mut params(&[("E_L", -60.0)])).unwrap();
    assert_eq!(m.initial[0], -70.0);
}

#[test]
fn iaf_cond_exp_clamps_v_to_v_th_inside_the_dynamics_and_holds_v_reset() {
    // V_m starts above threshold: the right-hand side uses min(V, V_th), the step ends ≥ V_th
    // and the neuron spikes in the first step, then holds V_reset for ⌈t_ref/h⌉ steps.
    let p = params(&[("V_m", -40.0)]);
    let mut d = Drive::new(build("iaf_cond_exp", p), 1, 0.1);
    let v_col = d.recordable("V_m");
    let mut rows = Vec::new();
    d.run_until(3.0, |s, c, e| {
        rows.push((s, c.recordable(v_col, 0), e.len()))
    });
    assert_eq!(rows[0].2, 1);
    for row in &rows[..21] {
        assert_eq!(row.1, -60.0, "{row:?}");
    }
    assert_ne!(rows[21].1, -60.0);
}

#[test]
fn neurons_of_a_chunk_are_independent_and_prepare_changes_nothing() {
    // Five neurons with different inputs in one chunk give the same traces as five separate
    // single-neuron chunks; a second prepare in the middle of the run changes nothing.
    for model in ["iaf_psc_alpha", "iaf_psc_exp", "iaf_cond_exp"] {
        let p = params(&[("I_e", 150.0)]);
        let stimulus = |d: &mut Drive, j: usize, i: usize| {
            let w = 80.0 * (j as f64 + 1.0) - 200.0;
            d.spike(i, 3.0 + j as f64, 1.0, 0, w, 1 + j as u32 % 2);
            d.current(i, 0.0, 60.0, 100.0 * j as f64, 1.0, 0.5, 0);
        };
        let mut all = Drive::new(build(model, p.clone()), 5, 0.1);
        for j in 0..5 {
            stimulus(&mut all, j, j);
        }
        let v = all.recordable("V_m");
        let mut together = vec![Vec::new(); 5];
        let mut spikes_together = Vec::new();
        let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
        for k in 0..600 {
            if k == 300 {
                all.chunk.prepare(&grid);
            }
            for (i, _) in all.step() {
                spikes_together.push((k, i as usize));
            }
            for (j, t) in together.iter_mut().enumerate() {
                t.push(all.chunk.recordable(v, j));
            }
        }
        let mut spikes_apart = Vec::new();
        for (j, t) in together.iter().enumerate() {
            let mut one = Drive::new(build(model, p.clone()), 1, 0.1);
            stimulus(&mut one, j, 0);
            let mut alone = Vec::new();
            for k in 0..600 {
                if !one.step().is_empty() {
                    spikes_apart.push((k, j));
                }
                alone.push(one.chunk.recordable(v, 0));
            }
            assert_eq!(&alone, t, "{model} neuron {j}");
        }
        spikes_apart.sort();
        assert_eq!(spikes_together, spikes_apart, "{model}");
        assert!(!spikes_together.is_empty(), "{model}: no spikes to compare");
    }
}

#[test]
fn iaf_cond_exp_big_conductance_jumps_force_rejected_rkf45_steps() {
    // The step estimate starts at h and grows to 5h on a quiet neuron; a 300 nS jump into the
    // 0.2 ms excitatory conductance (as in the golden scenario mixed_h0.1) makes GSL reject trial
    // steps and shrink it below h.
    use spindle_core::model::NeuronChunk;
    use spindle_models::iaf_cond_exp::IafCondExpChunk;
    let m = IafCondExp::default();
    let mut chunk = IafCondExpChunk::new(&m.params, &m.initial, 1);
    chunk.prepare(&TimeGrid::from_resolution_ms(0.1).unwrap());
    assert_eq!(chunk.integration_step(0), 0.1);
    let mut input = [0.0; 3];
    let mut emitted = Vec::new();
    chunk.update(0, &input, &mut emitted);
    assert_eq!(chunk.integration_step(0), 0.5);
    input[0] = 300.0;
    chunk.update(1, &input, &mut emitted);
    input[0] = 0.0;
    assert_eq!(chunk.y(0)[1], 300.0);
    let mut smallest = f64::INFINITY;
    for k in 2..10 {
        chunk.update(k, &input, &mut emitted);
        smallest = smallest.min(chunk.integration_step(0));
    }
    assert!(smallest < 0.1, "no sub-steps: {smallest}");
}
