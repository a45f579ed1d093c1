//! Contract: the NEST semantics of `glif_cond` that are easy to get subtly wrong — event timing,
//! the refractory hold, the one-step lag of the after-spike currents, the sign of conductance
//! weights, RKF45 step rejection, multiplicities, chunk layout and repeated `prepare` — each
//! checked against values read off NEST 3.10 (spec §2, §8).

mod common;

use common::{build, floats, level_params, Drive};
use spindle_core::model::{InputChannel, NeuronChunk};
use spindle_core::params::{Params, Value};
use spindle_core::time::TimeGrid;
use spindle_models::glif_cond::{GlifCond, GlifCondChunk};

fn trace(drive: &mut Drive, name: &str, until_ms: f64) -> Vec<f64> {
    let col = drive.recordable(name);
    let mut out = Vec::new();
    drive.run_until(until_ms, |_, chunk, _| out.push(chunk.recordable(col, 0)));
    out
}

fn with(mut p: Params, entries: &[(&str, Value)]) -> Params {
    for (k, v) in entries {
        p.insert(*k, v.clone());
    }
    p
}

#[test]
fn after_spike_currents_state_drives_v_only_from_the_second_step() {
    // Spec §2.9: with ASCurrents = [10, 20] Σ is 0 in the first step (V_m(0.01) = E_L) and the
    // membrane only starts to move in the second step; NEST: V_m(0.02) = −78.84489683489944,
    // ASCurrents_sum(0.01) = 29.989853333995953.
    let p = with(
        level_params("lif_asc"),
        &[("ASCurrents", floats(&[10.0, 20.0]))],
    );
    let mut d = Drive::new(build("glif_cond", p), 1, 0.01);
    let sum_col = d.recordable("ASCurrents_sum");
    let v_col = d.recordable("V_m");
    let mut rows = Vec::new();
    d.run_until(0.03, |_, c, _| {
        rows.push((c.recordable(v_col, 0), c.recordable(sum_col, 0)))
    });
    assert_eq!(rows[0].0, -78.85);
    assert!(
        (rows[1].0 - -78.84489683489944).abs() < 1e-12,
        "{}",
        rows[1].0
    );
    assert!(
        (rows[2].0 - -78.83980530943684).abs() < 1e-12,
        "{}",
        rows[2].0
    );
    assert!(
        (rows[0].1 - 29.989853333995953).abs() < 1e-12,
        "{}",
        rows[0].1
    );
    assert!(
        (rows[1].1 - 29.96957333133413).abs() < 1e-12,
        "{}",
        rows[1].1
    );
}

#[test]
fn asc_init_is_honoured_exactly_like_the_ascurrents_state() {
    // Spindle's documented departure: the ASCs start at asc_init (NEST ignores it). The result is
    // the trajectory NEST gives when ASCurrents is set to the same values.
    let stimulus = |p: Params| {
        let mut d = Drive::new(build("glif_cond", p), 1, 0.01);
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
    let overridden = stimulus(with(
        level_params("lif_r_asc"),
        &[
            ("asc_init", floats(&[1.0, 1.0])),
            ("ASCurrents", floats(&[30.0, -20.0])),
        ],
    ));
    let zero = stimulus(level_params("lif_r_asc"));
    assert_eq!(by_init, by_state);
    assert_eq!(overridden, by_state, "ASCurrents overrides asc_init");
    assert_ne!(zero, by_state, "the initial ASCs must matter");
    // As in NEST, V_m(0.01) is still at rest and V_m(0.02) is the first moved sample.
    assert_eq!(by_init[0], -78.85);
    assert_ne!(by_init[1], -78.85);
}

#[test]
fn refractory_hold_keeps_v_at_reset_for_n_ref_plus_one_samples() {
    // dc 300 pA, lif, h = 0.01: first spike at 13.00 ms (stamp 1300); N_ref = ⌈3.75/0.01⌉ = 375.
    // Samples at stamps 1300 … 1675 equal V_reset, the first new value is at 1676.
    let mut d = Drive::new(build("glif_cond", level_params("lif")), 1, 0.01);
    d.current(0, 0.0, 100.0, 300.0, 1.0, 1.0, 0);
    let v = trace(&mut d, "V_m", 20.0);
    let at = |stamp: usize| v[stamp - 1];
    assert!(
        at(1299) > -51.68 - 1.0 && at(1299) < -51.68,
        "just below threshold before the spike"
    );
    for stamp in 1300..=1675 {
        assert_eq!(at(stamp), -78.85, "held at stamp {stamp}");
    }
    assert!(at(1676) > -78.85, "moves again at 1676");
}

#[test]
fn refractory_hold_rounds_t_ref_up_to_whole_steps() {
    // t_ref = 2.55 at h = 0.1 holds for ⌈25.5⌉ = 26 steps: the spike sample and the 26 after it
    // show V_reset.
    let p = with(level_params("lif"), &[("t_ref", Value::Float(2.55))]);
    let mut d = Drive::new(build("glif_cond", p), 1, 0.1);
    d.current(0, 0.0, 100.0, 400.0, 1.0, 0.1, 0);
    let col = d.recordable("V_m");
    let mut samples = Vec::new();
    let mut first_spike = None;
    d.run_until(60.0, |stamp, c, e| {
        samples.push(c.recordable(col, 0));
        if first_spike.is_none() && !e.is_empty() {
            first_spike = Some(stamp as usize);
        }
    });
    let s = first_spike.expect("a spike");
    let held = samples[s - 1..]
        .iter()
        .take_while(|&&v| v == -78.85)
        .count();
    assert_eq!(held, 26 + 1);
}

#[test]
fn negative_conductance_weight_keeps_its_sign_and_depolarises() {
    // Spec §2.4, NEST 3.10 at h = 0.01: spike at 10 ms, delay 1 ms, weight ∓20 into port 2
    // (E_rev = −85 mV): g_2(13.00) = ∓20.000000000000277 nS; V_m peaks at −66.8219878416765 mV
    // (17.77 ms) for −20, and dips to −82.19900096893721 mV (15.96 ms) for +20.
    for (w, t_ext, v_ext) in [
        (-20.0, 17.77, -66.8219878416765),
        (20.0, 15.96, -82.19900096893721),
    ] {
        let mut d = Drive::new(build("glif_cond", Params::new()), 1, 0.01);
        d.spike(0, 10.0, 1.0, 2, w, 1);
        let (gc, vc) = (d.recordable("g_2"), d.recordable("V_m"));
        let mut g = Vec::new();
        let mut v = Vec::new();
        d.run_until(30.0, |_, c, _| {
            g.push(c.recordable(gc, 0));
            v.push(c.recordable(vc, 0));
        });
        assert_eq!(g[1099], 0.0, "g_2 still 0 at 11.00");
        assert_eq!(g[1299], w.signum() * 20.000000000000277, "g_2 at 13.00");
        let (i_ext, &v_found) = if w < 0.0 {
            v.iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .unwrap()
        } else {
            v.iter()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(b.1))
                .unwrap()
        };
        assert_eq!(i_ext + 1, (t_ext * 100.0f64).round() as usize);
        assert!((v_found - v_ext).abs() < 1e-10, "{w}: {v_found} vs {v_ext}");
    }
    let model = build("glif_cond", Params::new());
    let warning = model
        .connection_warning(2, -20.0)
        .expect("a warning for a negative weight");
    assert!(
        warning.contains("negative") && warning.contains("depolarise"),
        "{warning}"
    );
    assert_eq!(
        model.spike_input(2, -20.0).unwrap(),
        InputChannel {
            channel: 1,
            weight: -20.0
        }
    );
    assert!(model.connection_warning(2, 20.0).is_none());
    assert!(
        model.connection_warning(0, -20.0).is_none(),
        "an invalid receptor is not warned about"
    );
}

#[test]
fn big_conductance_jump_forces_rejected_rkf45_steps() {
    // With the default parameters one RKF45 step per NEST step is the norm and the estimate
    // settles at 5h; a 2000 nS jump into the 0.2 ms port at h = 0.1 makes GSL reject trial steps
    // and shrink the estimate below h.
    let mut p = level_params("lif");
    let model = GlifCond::from_params(&mut p).unwrap();
    let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
    let mut chunk = GlifCondChunk::new(&model.params, &model.initial, 1);
    chunk.prepare(&grid);
    assert_eq!(chunk.integration_step(0), 0.1, "the estimate starts at h");
    let n_ch = 3;
    let mut input = vec![0.0; n_ch];
    let mut emitted = Vec::new();
    chunk.update(0, &input, &mut emitted);
    assert_eq!(
        chunk.integration_step(0),
        0.5,
        "grows by the maximal factor 5"
    );
    input[0] = 2000.0;
    chunk.update(1, &input, &mut emitted);
    input[0] = 0.0;
    // The jump itself: x_1 += w·e/τ_1 at the end of step 1.
    assert_eq!(chunk.y(0)[1], 2000.0 * (std::f64::consts::E / 0.2));
    let mut smallest = f64::INFINITY;
    let mut g_peak = 0.0f64;
    for k in 2..20 {
        chunk.update(k, &input, &mut emitted);
        smallest = smallest.min(chunk.integration_step(0));
        g_peak = g_peak.max(chunk.y(0)[2]);
    }
    assert!(smallest < 0.1, "no sub-steps: {smallest}");
    assert!(
        g_peak > 1000.0,
        "alpha conductance of peak ~2000 nS: {g_peak}"
    );
}

#[test]
fn multiplicity_counts_like_repeated_spikes() {
    // NEST's test_neurons_handle_multiplicity: tau_syn [1.0], E_rev [−85]; two spikes at 5 ms
    // equal one spike of multiplicity 2, and both differ from the resting V.
    let p = with(
        Params::new(),
        &[("tau_syn", floats(&[1.0])), ("E_rev", floats(&[-85.0]))],
    );
    let run = |spikes: &[(u32, f64)]| {
        let mut d = Drive::new(build("glif_cond", p.clone()), 1, 0.1);
        for &(m, w) in spikes {
            d.spike(0, 5.0, 1.0, 1, w, m);
        }
        trace(&mut d, "V_m", 8.0)
    };
    let two = run(&[(1, 1.0), (1, 1.0)]);
    let double = run(&[(2, 1.0)]);
    let weight2 = run(&[(1, 2.0)]);
    assert_eq!(two, double);
    assert_eq!(two, weight2);
    assert_ne!(*two.last().unwrap(), -78.85);
}

#[test]
fn neurons_of_a_chunk_are_independent() {
    // Several neurons in one chunk (channel-major input) give bit-identical results to separate
    // single-neuron runs, for a fixed-dimension (2 ports) and a run-time-dimension (6 ports)
    // integrator path.
    for ports in [2usize, 6] {
        let tau: Vec<f64> = (0..ports).map(|i| 0.3 + i as f64).collect();
        let e_rev: Vec<f64> = (0..ports)
            .map(|i| if i % 2 == 0 { 0.0 } else { -80.0 })
            .collect();
        let p = with(
            level_params("lif_r_asc_a"),
            &[("tau_syn", floats(&tau)), ("E_rev", floats(&e_rev))],
        );
        let stim = |d: &mut Drive, i: usize, j: usize| {
            d.current(i, 0.0, 100.0, 150.0 + 40.0 * j as f64, 1.0, 1.0, 0);
            for s in 0..20 {
                d.spike(
                    i,
                    2.0 + 4.0 * s as f64 + j as f64,
                    1.0,
                    1 + ((s + j) % ports) as i64,
                    5.0 + j as f64,
                    1,
                );
            }
        };
        let mut together = Drive::new(build("glif_cond", p.clone()), 3, 0.1);
        for j in 0..3 {
            stim(&mut together, j, j);
        }
        let v_col = together.recordable("V_m");
        let mut all = vec![Vec::new(); 3];
        let mut spikes_all = vec![Vec::new(); 3];
        together.run_until(100.0, |stamp, c, e| {
            for (i, row) in all.iter_mut().enumerate() {
                row.push(c.recordable(v_col, i));
            }
            for &(i, _) in e {
                spikes_all[i as usize].push(stamp);
            }
        });
        for j in 0..3 {
            let mut alone = Drive::new(build("glif_cond", p.clone()), 1, 0.1);
            stim(&mut alone, 0, j);
            let mut spikes = Vec::new();
            let mut v = Vec::new();
            alone.run_until(100.0, |stamp, c, e| {
                v.push(c.recordable(v_col, 0));
                if !e.is_empty() {
                    spikes.push(stamp);
                }
            });
            assert_eq!(v, all[j], "{ports} ports, neuron {j}");
            assert_eq!(spikes, spikes_all[j]);
        }
        assert_ne!(all[0], all[1]);
    }
}

#[test]
fn prepare_between_runs_changes_nothing() {
    // NEST: splitting a Simulate into several calls gives identical results; the per-run hook
    // recomputes constants but keeps state, including GSL's step estimate and I_in.
    let run = |split: bool| {
        let mut d = Drive::new(build("glif_cond", level_params("lif_r_asc_a")), 1, 0.1);
        d.current(0, 0.0, 200.0, 280.0, 1.0, 1.0, 0);
        d.spike(0, 30.0, 1.0, 1, 300.0, 1);
        let mut v = trace(&mut d, "V_m", 47.3);
        if split {
            d.chunk.prepare(&d.grid.clone());
        }
        v.extend(trace(&mut d, "V_m", 200.0));
        v
    };
    assert_eq!(run(false), run(true));
}

#[test]
fn v_m_above_threshold_spikes_in_the_first_step() {
    let p = with(Params::new(), &[("V_m", Value::Float(-40.0))]);
    let mut d = Drive::new(build("glif_cond", p), 1, 0.1);
    assert_eq!(d.spike_stamps(0, 1.0), vec![1]);
}

#[test]
fn receptors_follow_nest() {
    let p = with(
        Params::new(),
        &[
            ("tau_syn", floats(&[0.5, 1.0, 2.0])),
            ("E_rev", floats(&[0.0, -85.0, -70.0])),
        ],
    );
    let model = build("glif_cond", p);
    assert_eq!(model.n_channels(), 4);
    for r in 1..=3 {
        assert_eq!(
            model.spike_input(r, 2.5).unwrap(),
            InputChannel {
                channel: (r - 1) as u16,
                weight: 2.5
            }
        );
    }
    for r in [0, 4, -1] {
        let e = model.spike_input(r, 1.0).unwrap_err();
        assert_eq!(e.kind, "IncompatibleReceptorType");
        assert_eq!(
            e.message,
            format!("Receptor type {r} in glif_cond does not accept SpikeEvent.")
        );
    }
    assert_eq!(
        model.current_input(0, 3.0).unwrap(),
        InputChannel {
            channel: 3,
            weight: 3.0
        }
    );
    let e = model.current_input(1, 1.0).unwrap_err();
    assert_eq!(e.kind, "UnknownReceptorType");
    assert_eq!(e.message, "Receptor type 1 is not available in glif_cond.");
    assert!(model.accepts_multimeter(0).is_ok());
    assert!(model.accepts_multimeter(1).is_err());
    let names: Vec<String> = model.recordables().into_iter().map(|r| r.name).collect();
    assert_eq!(
        names,
        [
            "V_m",
            "I",
            "g_1",
            "g_2",
            "g_3",
            "threshold",
            "threshold_spike",
            "threshold_voltage",
            "ASCurrents_sum"
        ]
    );
}

#[test]
fn changing_e_l_keeps_the_absolute_voltages_not_given() {
    // NEST: setting E_L = −70 leaves V_m = V_reset = −78.85 and V_th = −51.68.
    let mut p = with(Params::new(), &[("E_L", Value::Float(-70.0))]);
    let m = GlifCond::from_params(&mut p).unwrap();
    assert!((m.initial.u + m.params.e_l - -78.85).abs() < 1e-12);
    assert!((m.params.v_reset + m.params.e_l - -78.85).abs() < 1e-12);
    assert!((m.params.th_inf + m.params.e_l - -51.68).abs() < 1e-12);
    let mut p = with(
        Params::new(),
        &[
            ("E_L", Value::Float(-70.0)),
            ("V_m", Value::Float(-65.0)),
            ("V_th", Value::Float(-50.0)),
        ],
    );
    let m = GlifCond::from_params(&mut p).unwrap();
    assert_eq!(m.initial.u, 5.0);
    assert_eq!(m.params.th_inf, 20.0);
}
