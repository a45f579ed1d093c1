//! Contract: the recorders' `GetStatus` / `SetStatus` behave as NEST 3.10's: defaults as NEST
//! reports them, the window (`origin`, `start`, `stop`) changeable at any time, a connected
//! multimeter's `interval`, `offset` and `record_from` not changeable at all (even to their
//! present values), a refused change changing nothing, and `set(get())` changing nothing on a
//! recorder that NEST lets change.
//!
//! Expected values were read from NEST 3.10 (`nest.Create("multimeter").get()`, and
//! `SetStatus` on created, connected and simulated recorders).

use spindle_core::params::{ParamError, Params, Value};
use spindle_core::TimeGrid;
use spindle_devices::{
    multimeter_spec, multimeter_status, set_multimeter_status, set_spike_recorder_status,
    spike_recorder_spec, spike_recorder_status, voltmeter_spec,
};

fn grid() -> TimeGrid {
    TimeGrid::from_resolution_ms(0.1).unwrap()
}

fn dict(pairs: &[(&str, Value)]) -> Params {
    let mut p = Params::new();
    for (k, v) in pairs {
        p.insert(*k, v.clone());
    }
    p
}

fn kind(e: &ParamError) -> &'static str {
    match e {
        ParamError::Rule { kind, .. } => kind,
        _ => "BadProperty",
    }
}

const DBL_MAX: f64 = 1.7976931348623157e308;

#[test]
fn defaults_are_nests() {
    let g = grid();
    let sr = spike_recorder_spec(&mut Params::new(), &g).unwrap();
    assert_eq!(
        spike_recorder_status(&sr, &g),
        dict(&[
            ("origin", Value::Float(0.0)),
            ("start", Value::Float(0.0)),
            ("stop", Value::Float(DBL_MAX)),
        ])
    );
    let mm = multimeter_spec(&mut Params::new(), &g).unwrap();
    assert_eq!(
        multimeter_status(&mm, &g),
        dict(&[
            ("interval", Value::Float(1.0)),
            ("offset", Value::Float(0.0)),
            ("record_from", Value::List(vec![])),
            ("origin", Value::Float(0.0)),
            ("start", Value::Float(0.0)),
            ("stop", Value::Float(DBL_MAX)),
        ])
    );
    // NEST's voltmeter: a multimeter named voltmeter, record_from ["V_m"] unless given.
    let vm = voltmeter_spec(&mut Params::new(), &g).unwrap();
    assert_eq!(vm.model, "voltmeter");
    let mut want = multimeter_status(&mm, &g);
    want.insert("record_from", Value::List(vec![Value::Str("V_m".into())]));
    assert_eq!(multimeter_status(&vm, &g), want);
    let vm = voltmeter_spec(
        &mut dict(&[(
            "record_from",
            Value::List(vec![
                Value::Str("V_m".into()),
                Value::Str("I_syn_ex".into()),
            ]),
        )]),
        &g,
    )
    .unwrap();
    assert_eq!(vm.record_from, ["V_m", "I_syn_ex"]);
}

#[test]
fn the_window_keeps_origin_apart_and_changes_at_any_time() {
    let g = grid();
    let mut sr = spike_recorder_spec(
        &mut dict(&[("origin", Value::Float(2.0)), ("start", Value::Float(1.0))]),
        &g,
    )
    .unwrap();
    // origin + start = 3 ms: spikes stamped after step 30 are recorded.
    assert!(!sr.window.contains(30) && sr.window.contains(31));
    // Changing only origin moves start and stop with it, as in NEST.
    let mut d = dict(&[("origin", Value::Float(5.0)), ("stop", Value::Float(4.0))]);
    set_spike_recorder_status(&mut sr, &mut d, &g).unwrap();
    assert!(d.is_empty());
    assert_eq!(
        spike_recorder_status(&sr, &g),
        dict(&[
            ("origin", Value::Float(5.0)),
            ("start", Value::Float(1.0)),
            ("stop", Value::Float(4.0)),
        ])
    );
    assert!(!sr.window.contains(60) && sr.window.contains(61) && sr.window.contains(90));
    assert!(!sr.window.contains(91));
    // A connected multimeter's window can change too.
    let mut mm = multimeter_spec(&mut Params::new(), &g).unwrap();
    let mut d = dict(&[("start", Value::Float(2.0)), ("stop", Value::Float(5.0))]);
    set_multimeter_status(&mut mm, &mut d, &g, true).unwrap();
    let samples: Vec<i64> = (0..100).filter(|&s| mm.samples_at(s)).collect();
    assert_eq!(samples, vec![30, 40, 50]);
}

#[test]
fn refused_changes_change_nothing() {
    let g = grid();
    let mut sr = spike_recorder_spec(&mut Params::new(), &g).unwrap();
    let before = sr.clone();
    for bad in [
        dict(&[("start", Value::Float(1.0)), ("stop", Value::Float(0.5))]),
        dict(&[("origin", Value::Float(-1.0))]),
        dict(&[("start", Value::Float(0.05))]),
        dict(&[
            ("start", Value::Float(1.0)),
            ("record_to", Value::Str("nowhere".into())),
        ]),
    ] {
        let mut d = bad.clone();
        let e = set_spike_recorder_status(&mut sr, &mut d, &g).unwrap_err();
        assert_eq!(kind(&e), "BadProperty", "{e}");
        assert_eq!(sr, before);
        assert_eq!(d, bad);
    }
    let mut mm = multimeter_spec(&mut Params::new(), &g).unwrap();
    let before = mm.clone();
    for bad in [
        dict(&[
            ("start", Value::Float(1.0)),
            ("interval", Value::Float(0.15)),
        ]),
        dict(&[
            ("start", Value::Float(1.0)),
            ("interval", Value::Float(0.0)),
        ]),
        dict(&[("start", Value::Float(1.0)), ("offset", Value::Float(-1.0))]),
        dict(&[(
            "record_from",
            Value::List(vec![Value::Str("V_m".into()), Value::Str("V_m".into())]),
        )]),
    ] {
        let mut d = bad.clone();
        let e = set_multimeter_status(&mut mm, &mut d, &g, false).unwrap_err();
        assert_eq!(kind(&e), "BadProperty", "{e}");
        assert_eq!(mm, before);
        assert_eq!(d, bad);
    }
}

#[test]
fn a_connected_multimeter_refuses_interval_offset_and_record_from() {
    let g = grid();
    let mut mm = multimeter_spec(
        &mut dict(&[("record_from", Value::List(vec![Value::Str("V_m".into())]))]),
        &g,
    )
    .unwrap();
    let before = mm.clone();
    // Unconnected, each may change; connected, none may be given, even unchanged.
    for (key, v) in [
        ("interval", Value::Float(1.0)),
        ("offset", Value::Float(0.0)),
        ("record_from", Value::List(vec![Value::Str("V_m".into())])),
        ("interval", Value::Float(2.0)),
    ] {
        let mut d = dict(&[(key, v.clone()), ("start", Value::Float(1.0))]);
        let e = set_multimeter_status(&mut mm, &mut d, &g, true).unwrap_err();
        assert_eq!(kind(&e), "BadProperty");
        assert!(e
            .to_string()
            .contains("cannot be changed after the multimeter has been connected"));
        assert_eq!(e.key(), Some(key));
        assert_eq!(mm, before);
        let mut unconnected = mm.clone();
        let mut d = dict(&[(key, v)]);
        set_multimeter_status(&mut unconnected, &mut d, &g, false).unwrap();
    }
    let mut d = dict(&[
        ("interval", Value::Float(0.5)),
        ("offset", Value::Float(0.3)),
    ]);
    set_multimeter_status(&mut mm, &mut d, &g, false).unwrap();
    let samples: Vec<i64> = (0..20).filter(|&s| mm.samples_at(s)).collect();
    assert_eq!(samples, vec![3, 8, 13, 18]);
}

#[test]
fn get_status_round_trips() {
    let g = grid();
    let mut sr = spike_recorder_spec(
        &mut dict(&[
            ("origin", Value::Float(2.0)),
            ("start", Value::Float(1.0)),
            ("stop", Value::Float(7.5)),
        ]),
        &g,
    )
    .unwrap();
    let before = sr.clone();
    let mut d = spike_recorder_status(&sr, &g);
    set_spike_recorder_status(&mut sr, &mut d, &g).unwrap();
    assert!(d.is_empty());
    assert_eq!(sr, before);
    let mut mm = multimeter_spec(
        &mut dict(&[
            ("interval", Value::Float(0.5)),
            ("offset", Value::Float(0.3)),
            (
                "record_from",
                Value::List(vec![Value::Str("V_m".into()), Value::Str("I_syn".into())]),
            ),
            ("origin", Value::Float(1.0)),
            ("start", Value::Float(2.0)),
        ]),
        &g,
    )
    .unwrap();
    let before = mm.clone();
    let mut d = multimeter_status(&mm, &g);
    set_multimeter_status(&mut mm, &mut d, &g, false).unwrap();
    assert!(d.is_empty());
    assert_eq!(mm, before);
}
