//! Recorded results for the unit tests of this folder: one way to build them.

use super::{Kind, Machine, Recorded};
use crate::engine::plan::{Mode, Settings};
use crate::engine::record::{Lane, Span, SpanKind, Trace};

/// A run of two tasks in mode Both, recorded on a 16-core machine.
pub fn sample() -> Recorded {
    let spans = vec![
        Span {
            task: 0,
            lane: Lane::Main,
            kind: SpanKind::Wait,
            start: 0.0,
            end: 100.0,
        },
        Span {
            task: 1,
            lane: Lane::Worker(1),
            kind: SpanKind::Run,
            start: 0.5,
            end: 112.501,
        },
    ];
    let mut t = Trace::new(Mode::Both, 2, 2, 0.0, 113.0, spans);
    t.checksum = 0xdead_beef_0123_4567;
    t.slices = 40;
    Recorded {
        settings: Settings {
            tasks: 2,
            ..Settings::default()
        },
        machine: Machine {
            logical_cores: 16,
            pool_threads: 15,
            cross_origin_isolated: true,
            browser: "Chromium 156".into(),
            date: "2026-11-26".into(),
        },
        kind: Kind::Modes,
        runs: vec![t],
        summarised: None,
        prediction: None,
    }
}

/// A sweep on 1, 2 and 3 threads: the parallel runs of `sample`'s task set.
pub fn sweep() -> Recorded {
    let mut rec = sample();
    let run = |lanes: u32, end: f64| {
        let spans = (0..2)
            .map(|task| Span {
                task,
                lane: Lane::Worker((task % lanes) as u16),
                kind: SpanKind::Run,
                start: 0.25 * f64::from(task),
                end,
            })
            .collect();
        let mut t = Trace::new(Mode::Parallel, lanes, 2, 0.0, end + 0.125, spans);
        t.checksum = 0x1234_5678_9abc_def0;
        t.slices = 2;
        t
    };
    rec.kind = Kind::Sweep;
    rec.runs = vec![run(1, 200.0), run(2, 101.5), run(3, 100.75)];
    rec
}

/// One run of one task: a wait on the main thread, then its computation on worker 2.
pub fn one_run() -> Trace {
    let spans = vec![
        Span {
            task: 0,
            lane: Lane::Main,
            kind: SpanKind::Wait,
            start: 0.0,
            end: 100.0,
        },
        Span {
            task: 0,
            lane: Lane::Worker(1),
            kind: SpanKind::Run,
            start: 100.0,
            end: 112.5,
        },
    ];
    Trace::new(Mode::Both, 2, 1, 0.0, 113.0, spans)
}

/// The 2-core machine the training records of the tests were measured on.
pub fn machine() -> Machine {
    Machine {
        logical_cores: 2,
        pool_threads: 2,
        cross_origin_isolated: true,
        browser: "Chromium 140".into(),
        date: "2026-12-04".into(),
    }
}
