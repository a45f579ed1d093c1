//! Contract: a generator changed by `set_status` between two runs, or created after a run,
//! emits from the next step on exactly what NEST 3.10 sends for the same script, `get_status`
//! afterwards reports NEST's values, and a `set_status` NEST refuses is refused with NEST's
//! exception name and leaves the generator as it was.
//!
//! The scripts and NEST's results are in `tests/data/set_status.txt`, written by
//! `scripts/golden_set_status.py` (which says how each kind of event was observed in NEST).

use spindle_core::device::{Emissions, StimulusDevice};
use spindle_core::params::{ParamError, Params, Value};
use spindle_core::rng;
use spindle_core::{Step, TimeGrid};
use spindle_devices::{create_stimulus_device, stimulus_device};
use std::collections::BTreeMap;

struct Case {
    name: String,
    model: String,
    late: bool,
    t1: Step,
    t2: Step,
    h: f64,
    first: Params,
    second: Params,
    error: Option<String>,
    status: Params,
    events: Vec<String>,
}

fn value(s: &str) -> Value {
    match s {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ if s.starts_with('[') => {
            let inner = &s[1..s.len() - 1];
            Value::List(if inner.is_empty() {
                Vec::new()
            } else {
                inner.split(',').map(value).collect()
            })
        }
        _ if s.contains(['.', 'e', 'n']) => Value::Float(s.parse().unwrap()),
        _ => Value::Int(s.parse().unwrap()),
    }
}

fn dict(words: &str) -> Params {
    let mut p = Params::new();
    for kv in words.split_whitespace() {
        let (k, v) = kv.split_once('=').unwrap();
        p.insert(k, value(v));
    }
    p
}

fn cases() -> Vec<Case> {
    let text = include_str!("data/set_status.txt");
    let mut out = Vec::new();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    while let Some(head) = lines.next() {
        let head = head.strip_prefix("case ").expect("a case line");
        let (name, rest) = head.split_once(' ').unwrap();
        let attrs: BTreeMap<&str, &str> = rest
            .split_whitespace()
            .map(|kv| kv.split_once('=').unwrap())
            .collect();
        let mut field = |key: &str| -> String {
            let line = lines.next().unwrap();
            line.strip_prefix(key)
                .unwrap_or_else(|| panic!("{name}: expected {key}, got {line}"))
                .trim()
                .to_string()
        };
        let first = dict(&field("first"));
        let second = dict(&field("second"));
        let error = Some(field("error")).filter(|e| e != "-");
        let status = dict(&field("status"));
        let events = field("events")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        out.push(Case {
            name: name.to_string(),
            model: attrs["model"].to_string(),
            late: attrs["late"] == "true",
            t1: attrs["t1"].parse().unwrap(),
            t2: attrs["t2"].parse().unwrap(),
            h: attrs["h"].parse().unwrap(),
            first,
            second,
            error,
            status,
            events,
        });
    }
    out
}

/// NEST's exception name for a refusal.
fn nest_kind(e: &ParamError) -> &'static str {
    match e {
        ParamError::Rule { kind, .. } => kind,
        ParamError::Unknown { .. } => "UnaccessedDictionaryEntry",
        _ => "BadProperty",
    }
}

/// One `Simulate` of the updates of steps `from .. to`: NEST's pre-run hook, then the updates
/// in uneven ranges, as partial slices produce them — except for a `pulsepacket_generator`,
/// whose update depends on the slice start, in the one-step slices of NEST's runs (every
/// delay is h).
fn emit(dev: &mut dyn StimulusDevice, from: Step, to: Step, out: &mut Emissions) {
    dev.prepare(from, &TimeGrid::from_resolution_ms(0.1).unwrap());
    let lens: &[Step] = if dev.model_name() == "pulsepacket_generator" {
        &[1]
    } else {
        &[3, 7, 1]
    };
    let mut k = from;
    for len in lens.iter().cycle() {
        if k >= to {
            break;
        }
        let end = (k + len).min(to);
        dev.emit(k, end, out);
        k = end;
    }
}

fn make(model: &str, p: &Params, grid: &TimeGrid, now: Step) -> Box<dyn StimulusDevice> {
    let mut p = p.clone();
    let mut dev = create_stimulus_device(model, &mut p, grid, now)
        .expect("a stimulus model")
        .expect("valid parameters");
    dev.set_stream(rng::stream(1, rng::DOMAIN_DEVICE, 1, 0, 0));
    assert!(
        p.is_empty(),
        "unread keys {:?}",
        p.keys().collect::<Vec<_>>()
    );
    dev
}

fn check_events(case: &Case, out: &Emissions) {
    let name = &case.name;
    match case.model.as_str() {
        "spike_generator" | "pulsepacket_generator" => {
            // stamp → (multiplicity, summed weight factors)
            let mut got: BTreeMap<Step, (u32, f64)> = BTreeMap::new();
            for e in &out.fixed {
                let g = got.entry(e.stamp).or_default();
                g.0 += e.multiplicity;
                g.1 += e.factor * f64::from(e.multiplicity);
            }
            let want: Vec<(Step, u32, f64)> = case
                .events
                .iter()
                .map(|e| {
                    let v: Vec<&str> = e.split(':').collect();
                    (
                        v[0].parse().unwrap(),
                        v[1].parse().unwrap(),
                        v[2].parse().unwrap(),
                    )
                })
                .collect();
            assert_eq!(got.len(), want.len(), "{name}: {got:?} vs NEST {want:?}");
            for ((s, (n, w)), (ws, wn, ww)) in got.iter().zip(&want) {
                assert_eq!((s, n), (ws, wn), "{name}: {got:?} vs NEST {want:?}");
                // NEST's weights were read off a membrane potential, rounded to 1e-6.
                assert!((w - ww).abs() < 1e-5, "{name}: stamp {s}: {w} vs NEST {ww}");
            }
        }
        "sinusoidal_poisson_generator" | "inhomogeneous_poisson_generator" => {
            let got: Vec<Step> = out.poisson.iter().map(|e| e.stamp).collect();
            let want: Vec<Step> = case.events.iter().map(|e| e.parse().unwrap()).collect();
            assert_eq!(got, want, "{name}");
        }
        "poisson_generator" => {
            let got: Vec<Step> = out.poisson.iter().map(|e| e.stamp).collect();
            let want: Vec<Step> = case.events.iter().map(|e| e.parse().unwrap()).collect();
            assert_eq!(got, want, "{name}");
            let Some(Value::Float(rate)) = case.status.get("rate") else {
                panic!("{name}: no rate")
            };
            // Every emission of the final phase has the final rate.
            let last = case.t1;
            for e in out.poisson.iter().filter(|e| e.stamp > last) {
                assert_eq!(e.lambda, case.h * rate * 1e-3, "{name}");
            }
        }
        _ => {
            // A multimeter on NEST's generator shows at step s the current stamped s, or 0.
            // A noise generator's current is the amplitude drawn last (with std = 0: mean).
            let mut held = 0.0;
            let noise = out.noise.iter().map(|e| {
                if let Some((mean, std)) = e.redraw {
                    assert_eq!(std, 0.0, "{name}: deterministic cases only");
                    held = mean;
                }
                (e.stamp, held)
            });
            let got: Vec<(Step, f64)> = out
                .fixed
                .iter()
                .map(|e| (e.stamp, e.factor))
                .chain(noise)
                .filter(|e| e.1 != 0.0)
                .collect();
            let want: Vec<(Step, f64)> = case
                .events
                .iter()
                .map(|e| {
                    let (s, i) = e.split_once(':').unwrap();
                    (s.parse().unwrap(), i.parse().unwrap())
                })
                .collect();
            assert_eq!(got, want, "{name}");
        }
    }
}

/// `GetStatus` without the oscillator state (`y_0`, `y_1`), which changes during a run.
fn parameters(dev: &dyn StimulusDevice, grid: &TimeGrid) -> Params {
    let mut p = dev.get_status(grid);
    p.take("y_0");
    p.take("y_1");
    p
}

#[test]
fn generators_changed_between_runs_match_nest() {
    let cases = cases();
    assert!(cases.len() >= 30);
    for case in &cases {
        let name = &case.name;
        let grid = TimeGrid::from_resolution_ms(case.h).unwrap();
        let end = case.t1 + case.t2;
        let mut out = Emissions::default();
        let dev = if case.late {
            let mut dev = make(&case.model, &case.second, &grid, case.t1);
            emit(dev.as_mut(), case.t1, end, &mut out);
            dev
        } else {
            let mut dev = make(&case.model, &case.first, &grid, 0);
            emit(dev.as_mut(), 0, case.t1, &mut out);
            let before = dev.get_status(&grid);
            let mut second = case.second.clone();
            match (dev.set_status(&mut second, &grid, case.t1), &case.error) {
                (Ok(()), None) => assert!(second.is_empty(), "{name}: unread keys"),
                (Err(e), Some(kind)) => {
                    assert_eq!(nest_kind(&e), kind, "{name}: {e}");
                    assert_eq!(dev.get_status(&grid), before, "{name}: changed on error");
                    assert_eq!(second, case.second, "{name}: dict changed on error");
                }
                (r, want) => panic!("{name}: got {r:?}, NEST: {want:?}"),
            }
            emit(dev.as_mut(), case.t1, end, &mut out);
            dev
        };
        assert_eq!(parameters(&*dev, &grid), case.status, "{name}: GetStatus");
        check_events(case, &out);
    }
}

/// `set_status(get_status())` changes nothing: neither the status nor what the device sends
/// from then on, for every generator in every state the NEST cases leave it in.
#[test]
fn get_status_round_trips() {
    for case in cases() {
        let name = &case.name;
        let grid = TimeGrid::from_resolution_ms(case.h).unwrap();
        let (mut dev, now) = if case.late {
            (make(&case.model, &case.second, &grid, case.t1), case.t1)
        } else {
            let mut dev = make(&case.model, &case.first, &grid, 0);
            let mut out = Emissions::default();
            emit(dev.as_mut(), 0, case.t1, &mut out);
            let _ = dev.set_status(&mut case.second.clone(), &grid, case.t1);
            (dev, case.t1)
        };
        let status = parameters(&*dev, &grid);
        if let Some(Value::List(times)) = status.get("rate_times") {
            // Rate times at or before now are refused by SetStatus, in NEST too.
            if times
                .iter()
                .any(|t| matches!(t, Value::Float(t) if *t <= grid.step_to_ms(now)))
            {
                continue;
            }
        }
        let mut untouched = make(&case.model, &Params::new(), &grid, 0);
        // `individual_spike_trains` can only be set at creation (as in NEST).
        let mut settable = status.clone();
        settable.take("individual_spike_trains");
        untouched
            .set_status(&mut settable.clone(), &grid, now)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut again = settable.clone();
        dev.set_status(&mut again, &grid, now)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(again.is_empty(), "{name}");
        assert_eq!(parameters(&*dev, &grid), status, "{name}");
        assert_eq!(
            parameters(&*untouched, &grid),
            status,
            "{name}: from defaults"
        );
        let end = now + case.t2;
        let (mut a, mut b) = (Emissions::default(), Emissions::default());
        emit(dev.as_mut(), now, end, &mut a);
        // A fresh device given the same status sends the same, except where state reached
        // before is kept across set_status, as in NEST: the level of a
        // step_current_generator and the rate of an inhomogeneous_poisson_generator, and a
        // noise_generator's next draw step.
        let keeps_state = [
            "step_current_generator",
            "inhomogeneous_poisson_generator",
            "noise_generator",
        ];
        if !keeps_state.contains(&case.model.as_str()) {
            emit(untouched.as_mut(), now, end, &mut b);
            assert_eq!(a.fixed, b.fixed, "{name}");
            assert_eq!(a.poisson, b.poisson, "{name}");
        }
    }
}

#[test]
fn a_refused_change_leaves_the_generator_as_it_was() {
    let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
    // Each dictionary has a valid key first and a bad one later: nothing of it may stick.
    let bad: [(&str, &str, &str, &str); 5] = [
        (
            "dc_generator",
            "amplitude=300.0",
            "amplitude=7.0 start=2.0 stop=1.0",
            "BadProperty",
        ),
        (
            "poisson_generator",
            "rate=100.0",
            "rate=5.0 origin=0.05",
            "BadProperty",
        ),
        (
            "spike_generator",
            "spike_times=[1.0,7.0]",
            "spike_times=[6.0,9.0] spike_weights=[1.0]",
            "BadProperty",
        ),
        (
            "spike_generator",
            "spike_times=[1.0,7.0]",
            "precise_times=true allow_offgrid_times=true spike_times=[8.0]",
            "BadProperty",
        ),
        (
            "step_current_generator",
            "amplitude_times=[1.0] amplitude_values=[1.0]",
            "amplitude_times=[6.0,7.0] amplitude_values=[1.0,2.0] stop=-1.0",
            "BadProperty",
        ),
    ];
    for (model, first, second, kind) in bad {
        let mut dev = make(model, &dict(first), &grid, 0);
        let mut reference = make(model, &dict(first), &grid, 0);
        let (mut a, mut b) = (Emissions::default(), Emissions::default());
        emit(dev.as_mut(), 0, 50, &mut a);
        emit(reference.as_mut(), 0, 50, &mut b);
        let status = dev.get_status(&grid);
        let mut d = dict(second);
        let e = dev.set_status(&mut d, &grid, 50).unwrap_err();
        assert_eq!(nest_kind(&e), kind, "{model} {second}: {e}");
        assert_eq!(d, dict(second), "{model} {second}: dict consumed");
        assert_eq!(dev.get_status(&grid), status, "{model} {second}");
        emit(dev.as_mut(), 50, 100, &mut a);
        emit(reference.as_mut(), 50, 100, &mut b);
        assert_eq!(a.fixed, b.fixed, "{model} {second}");
        assert_eq!(a.poisson, b.poisson, "{model} {second}");
    }
}

/// NEST's `GetStatus` of fresh generators (`nest.GetStatus(nest.Create(MODEL))[0]` in NEST
/// 3.10, less the kernel's generic keys).
#[test]
fn defaults_are_nests() {
    let grid = TimeGrid::from_resolution_ms(0.1).unwrap();
    let window = "origin=0.0 start=0.0 stop=1.7976931348623157e+308";
    for (model, own) in [
        (
            "spike_generator",
            "allow_offgrid_times=false precise_times=false shift_now_spikes=false \
             spike_multiplicities=[] spike_times=[] spike_weights=[]",
        ),
        (
            "step_current_generator",
            "allow_offgrid_times=false amplitude_times=[] amplitude_values=[]",
        ),
        ("dc_generator", "amplitude=0.0"),
        ("poisson_generator", "rate=0.0"),
        // NEST 3.10's GetDefaults.
        (
            "ac_generator",
            "amplitude=0.0 offset=0.0 frequency=0.0 phase=0.0 y_0=0.0 y_1=0.0",
        ),
        (
            "noise_generator",
            "mean=0.0 std=0.0 std_mod=0.0 frequency=0.0 phase=0.0 dt=1.0 y_0=0.0 y_1=0.0",
        ),
        (
            "sinusoidal_poisson_generator",
            "rate=0.0 amplitude=0.0 frequency=0.0 phase=0.0 individual_spike_trains=true \
             y_0=0.0 y_1=0.0",
        ),
        (
            "inhomogeneous_poisson_generator",
            "allow_offgrid_times=false rate_times=[] rate_values=[]",
        ),
        (
            "pulsepacket_generator",
            "activity=0 pulse_times=[] sdev=0.0",
        ),
    ] {
        let dev = stimulus_device(model, &mut Params::new(), &grid)
            .unwrap()
            .unwrap();
        assert_eq!(
            dev.get_status(&grid),
            dict(&format!("{own} {window}")),
            "{model}"
        );
    }
}
