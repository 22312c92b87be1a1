//! Spans: one stretch of one task on one lane (computing, waiting, or
//! waiting for a lock), and the merging of slices that continue each other.
//!
//! Every span is measured on a clock aligned across threads (in the browser,
//! `performance.timeOrigin + performance.now()`: each worker has its own time
//! origin, so `now()` alone is not comparable between threads).

use std::fmt;

/// Where a span ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Lane {
    /// The browser's main thread (the one that also paints the page).
    #[default]
    Main,
    /// Pool thread `k` (rayon's thread index, from 0).
    Worker(u16),
}

impl Lane {
    /// Row of the lane in the timeline: the main thread first.
    pub fn row(self) -> usize {
        match self {
            Lane::Main => 0,
            Lane::Worker(k) => usize::from(k) + 1,
        }
    }

    pub fn from_row(row: usize) -> Lane {
        match row {
            0 => Lane::Main,
            r => Lane::Worker(u16::try_from(r - 1).unwrap_or(u16::MAX)),
        }
    }

    /// Chrome trace-event thread id: main is 1, worker k is k + 2.
    pub fn tid(self) -> u32 {
        self.row() as u32 + 1
    }
}

impl Lane {
    /// Where a span ran, after a verb: "on the main thread", "on worker 2".
    pub fn on(self) -> String {
        match self {
            Lane::Main => "on the main thread".into(),
            Lane::Worker(_) => format!("on {self}"),
        }
    }
}

impl fmt::Display for Lane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lane::Main => f.write_str("main thread"),
            Lane::Worker(k) => write!(f, "worker {}", k + 1),
        }
    }
}

/// What a span was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// Computing: the lane's thread was busy.
    Run,
    /// Waiting for a timer standing in for I/O. On the main thread the wait is
    /// asynchronous (others run meanwhile); on a worker it holds the thread.
    Wait,
    /// Waiting for a lock another lane holds: the thread is held, and
    /// computes nothing.
    Lock,
}

impl SpanKind {
    pub fn name(self) -> &'static str {
        match self {
            SpanKind::Run => "run",
            SpanKind::Wait => "wait",
            SpanKind::Lock => "lock",
        }
    }

    /// What the span's thread was doing, as the page's legends and
    /// pointers name it.
    pub fn doing(self) -> &'static str {
        match self {
            SpanKind::Run => "computing",
            SpanKind::Wait => "waiting",
            SpanKind::Lock => "waiting for the lock",
        }
    }
}

/// One stretch of one task on one lane, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub task: u32,
    pub lane: Lane,
    pub kind: SpanKind,
    pub start: f64,
    pub end: f64,
}

impl Span {
    pub fn new(task: u32, lane: Lane, kind: SpanKind, start: f64, end: f64) -> Span {
        Span {
            task,
            lane,
            kind,
            start,
            end,
        }
    }

    pub fn duration(&self) -> f64 {
        self.end - self.start
    }

    /// The span as its run holds it (times relative to the run's start): a
    /// time up to [`MAX_CLOCK_SKEW_MS`] before the start is clock skew, and
    /// becomes the start (0). The one rule for spans stamped a little early,
    /// applied where a trace is made ([`Trace::new`](super::Trace::new)) and
    /// where a report is read. An earlier time is no skew: it is kept as
    /// stamped (its span keeps its length), and a result holding it is
    /// refused (`travel::validate`).
    pub fn within_run(self) -> Span {
        Span {
            start: within_run(self.start),
            end: within_run(self.end),
            ..self
        }
    }
}

/// A time relative to its run's start, as [`Span::within_run`] holds it:
/// up to [`MAX_CLOCK_SKEW_MS`] early is skew and becomes 0, anything else
/// is kept. Non-decreasing in `t`, so an end stays at or after its start.
pub fn within_run(t: f64) -> f64 {
    if (-MAX_CLOCK_SKEW_MS..0.0).contains(&t) {
        0.0
    } else {
        t
    }
}

/// How long before its run a span may seem to start and still be the run's:
/// the aligned clocks of the threads differ by up to 0.1–0.5 ms (measured,
/// see `runtime/clock.rs`), so a worker's first span can be stamped before
/// the main thread's start. Twice the most measured.
pub const MAX_CLOCK_SKEW_MS: f64 = 1.0;

/// Appends `span`, or extends the lane's last span when `span` continues
/// it: the same task and kind, and `continuing` (the caller computed it
/// right after the last one, with nothing in between: a lane's or
/// Sequential's next slice, however long a preemption made the gap). Keeps
/// traces small: a worker computing a task in 100 slices records one span.
/// Nothing else is merged, however close: Concurrent's slices are never
/// `continuing` (the page ran between them, and a yield takes only
/// 0.05–0.1 ms), so a lone ready task's slices show apart, and the main
/// thread's longest block is one slice, not the run of them.
pub fn push_merged(
    spans: &mut Vec<Span>,
    last_of_lane: &mut Vec<Option<usize>>,
    span: Span,
    continuing: bool,
) {
    let row = span.lane.row();
    if last_of_lane.len() <= row {
        last_of_lane.resize(row + 1, None);
    }
    if let Some(i) = last_of_lane[row] {
        let last = &mut spans[i];
        if continuing && last.task == span.task && last.kind == span.kind {
            last.end = last.end.max(span.end);
            return;
        }
    }
    last_of_lane[row] = Some(spans.len());
    spans.push(span);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::Mode;
    use crate::engine::record::fixtures::{run, trace, wait};

    #[test]
    fn a_lane_is_named_where_a_span_ran() {
        assert_eq!(Lane::Main.on(), "on the main thread");
        assert_eq!(Lane::Worker(1).on(), "on worker 2");
        assert_eq!(
            format!("{} {}", SpanKind::Lock.doing(), Lane::Worker(0).on()),
            "waiting for the lock on worker 1"
        );
    }

    #[test]
    fn merging_joins_continuing_slices_only() {
        let (mut spans, mut last) = (Vec::new(), Vec::new());
        let w = Lane::Worker(3);
        push_merged(&mut spans, &mut last, run(0, w, 0.0, 1.0), false);
        // 0.01 ms later, not marked continuing (a slice after a yield): apart.
        push_merged(&mut spans, &mut last, run(0, w, 1.01, 2.0), false);
        push_merged(&mut spans, &mut last, run(0, w, 2.0, 3.0), true); // continues
        push_merged(&mut spans, &mut last, run(0, Lane::Main, 3.0, 4.0), true); // other lane
        push_merged(&mut spans, &mut last, run(1, w, 3.0, 4.0), true); // other task
        push_merged(&mut spans, &mut last, run(1, w, 5.0, 6.0), false); // not continuing
        push_merged(&mut spans, &mut last, wait(1, w, 6.0, 7.0), true); // other kind
        assert_eq!(spans.len(), 6);
        assert_eq!((spans[0].start, spans[0].end), (0.0, 1.0));
        assert_eq!((spans[1].start, spans[1].end), (1.01, 3.0));
        // A slice computed right after the last, however late (a preemption).
        push_merged(&mut spans, &mut last, wait(1, w, 9.0, 10.0), true);
        assert_eq!(spans.len(), 6);
        assert_eq!((spans[5].start, spans[5].end), (6.0, 10.0));
        push_merged(&mut spans, &mut last, run(1, w, 11.0, 12.0), true); // other kind
        assert_eq!(spans.len(), 7);
    }

    /// A lone ready task on the main thread (Concurrent): a slice, a yield
    /// to the page of 0.03 ms, a slice. The page ran between them, so they
    /// are two spans, and the longest block is one slice, not both.
    #[test]
    fn slices_not_marked_continuing_stay_apart_however_close() {
        let (mut spans, mut last) = (Vec::new(), Vec::new());
        push_merged(&mut spans, &mut last, run(0, Lane::Main, 0.0, 5.0), false);
        push_merged(
            &mut spans,
            &mut last,
            run(0, Lane::Main, 5.03, 10.03),
            false,
        );
        assert_eq!(spans.len(), 2, "{spans:?}");
        let t = trace(Mode::Concurrent, 1, 10.03, &spans);
        assert_eq!(t.stats().longest_block_ms, 5.0);
    }

    /// (time stamped, relative to the run's start; time the run holds)
    #[test]
    fn clock_skew_starts_with_the_run_and_nothing_else_moves() {
        let cases = [
            (-0.3, 0.0),
            (-MAX_CLOCK_SKEW_MS, 0.0),
            (-0.0, -0.0),
            (0.0, 0.0),
            (12.5, 12.5),
            // Beyond any skew: kept as stamped (validation refuses it).
            (-5.0, -5.0),
        ];
        for (stamped, held) in cases {
            let s = run(0, Lane::Worker(0), stamped, 20.0).within_run();
            assert_eq!((s.start, s.end), (held, 20.0), "{stamped}");
        }
        let early = run(0, Lane::Worker(0), -0.4, -0.2).within_run();
        assert_eq!((early.start, early.end), (0.0, 0.0));
    }

    #[test]
    fn lane_rows_round_trip() {
        for lane in [Lane::Main, Lane::Worker(0), Lane::Worker(7)] {
            assert_eq!(Lane::from_row(lane.row()), lane);
        }
        assert_eq!(Lane::Worker(0).to_string(), "worker 1");
        assert_eq!(Lane::Main.tid(), 1);
    }
}
