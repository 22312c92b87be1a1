//! The spans of the run in progress, written by every thread of the run and
//! read by the live view.

use super::sync::spin_lock;
use super::trace::{Lane, Span, SpanKind, push_merged};
use std::sync::Mutex;

/// Spans recorded so far, with the waits still in progress.
///
/// One lock for all, held for a push at a time: the main thread spins on it
/// (it may not sleep), so nothing slow happens under it.
#[derive(Debug, Default)]
pub struct SpanLog {
    inner: Mutex<LogInner>,
    /// Off only for the benchmark's measure of what recording costs.
    off: bool,
}

#[derive(Debug, Default)]
struct LogInner {
    spans: Vec<Span>,
    last_of_lane: Vec<Option<usize>>,
    /// Waits that have begun and not ended, by task (a task waits once at a
    /// time): a slot per task, allocated with the log, so that starting a
    /// wait allocates nothing.
    open: Vec<Option<Span>>,
    open_count: usize,
}

impl SpanLog {
    /// A log for a run of `tasks` tasks.
    pub fn new(tasks: usize) -> SpanLog {
        SpanLog {
            inner: Mutex::new(LogInner {
                open: vec![None; tasks],
                ..LogInner::default()
            }),
            off: false,
        }
    }

    /// A log that records nothing: the benchmark's measure of what recording costs.
    pub fn off() -> SpanLog {
        SpanLog {
            off: true,
            ..SpanLog::default()
        }
    }

    /// Records a finished span, extending the lane's last one when it
    /// continues it (see [`push_merged`] for `continuing`).
    pub fn record(&self, span: Span, continuing: bool) {
        if self.off {
            return;
        }
        let mut inner = spin_lock(&self.inner);
        let LogInner {
            spans,
            last_of_lane,
            ..
        } = &mut *inner;
        push_merged(spans, last_of_lane, span, continuing);
    }

    /// Starts a wait, so a live view can draw it before it ends.
    pub fn open(&self, task: u32, lane: Lane, start: f64) {
        if self.off {
            return;
        }
        let mut inner = spin_lock(&self.inner);
        let LogInner {
            open, open_count, ..
        } = &mut *inner;
        if let Some(slot) = open.get_mut(task as usize) {
            if slot.is_none() {
                *open_count += 1;
            }
            *slot = Some(Span::new(task, lane, SpanKind::Wait, start, start));
        }
    }

    /// Ends the wait `task` opened.
    pub fn close(&self, task: u32, end: f64) {
        if self.off {
            return;
        }
        let mut inner = spin_lock(&self.inner);
        let LogInner {
            spans,
            last_of_lane,
            open,
            open_count,
        } = &mut *inner;
        if let Some(mut span) = open.get_mut(task as usize).and_then(Option::take) {
            *open_count -= 1;
            span.end = end;
            push_merged(spans, last_of_lane, span, false);
        }
    }

    /// Everything so far, waits in progress drawn up to `now`.
    pub fn snapshot(&self, now: f64) -> Vec<Span> {
        let inner = spin_lock(&self.inner);
        let mut all = Vec::with_capacity(inner.spans.len() + inner.open_count);
        all.extend_from_slice(&inner.spans);
        if inner.open_count > 0 {
            all.extend(inner.open.iter().flatten().map(|s| Span {
                end: now.max(s.start),
                ..*s
            }));
        }
        all
    }

    /// The finished spans; waits still open (a stopped run) end at `now`.
    pub fn finish(&self, now: f64) -> Vec<Span> {
        let mut inner = spin_lock(&self.inner);
        let LogInner {
            spans,
            last_of_lane,
            open,
            open_count,
        } = &mut *inner;
        if *open_count > 0 {
            for mut wait in open.iter_mut().filter_map(Option::take) {
                wait.end = now;
                push_merged(spans, last_of_lane, wait, false);
            }
            *open_count = 0;
        }
        // The spans leave: a late `record` (a lane still finishing) must
        // start afresh, not extend a span by an index that is gone.
        last_of_lane.clear();
        std::mem::take(spans)
    }

    pub fn len(&self) -> usize {
        spin_lock(&self.inner).spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_waits_show_in_snapshots_and_end_in_the_trace() {
        let log = SpanLog::new(3);
        log.open(1, Lane::Main, 10.0);
        log.open(2, Lane::Main, 11.0);
        log.record(
            Span::new(0, Lane::Worker(0), SpanKind::Run, 0.0, 5.0),
            false,
        );
        let live = log.snapshot(20.0);
        assert_eq!(live.len(), 3);
        assert!(live.iter().any(|s| s.task == 1 && s.end == 20.0));
        log.close(1, 15.0);
        log.close(1, 99.0); // closed twice: ignored
        log.open(7, Lane::Main, 1.0); // no such task: ignored
        let spans = log.finish(30.0);
        let wait = |t: u32| spans.iter().find(|s| s.task == t).map(|s| (s.start, s.end));
        assert_eq!(wait(1), Some((10.0, 15.0)));
        assert_eq!(
            wait(2),
            Some((11.0, 30.0)),
            "a wait still open ends with the run"
        );
        assert_eq!(spans.len(), 3);
    }

    #[test]
    fn a_span_recorded_after_finish_starts_afresh() {
        let log = SpanLog::new(1);
        log.record(
            Span::new(0, Lane::Worker(0), SpanKind::Run, 0.0, 1.0),
            false,
        );
        assert_eq!(log.finish(2.0).len(), 1);
        log.record(
            Span::new(0, Lane::Worker(0), SpanKind::Run, 1.0, 3.0),
            false,
        );
        assert_eq!(
            log.finish(4.0),
            vec![Span::new(0, Lane::Worker(0), SpanKind::Run, 1.0, 3.0)]
        );
    }

    #[test]
    fn a_log_that_is_off_records_nothing() {
        let log = SpanLog::off();
        log.open(0, Lane::Main, 1.0);
        log.record(Span::new(0, Lane::Main, SpanKind::Run, 0.0, 1.0), false);
        log.close(0, 2.0);
        assert!(log.finish(3.0).is_empty());
    }
}
