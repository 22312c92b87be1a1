//! The spans of the run in progress, written by every thread of the run and
//! read by the live view.
//!
//! The live view reads only what changed since its last read
//! ([`SpanLog::read_since`]): the spans are appended in order, and of those
//! already read only each lane's latest can still change (a slice that
//! continues it extends it, see [`push_merged`]). So a read copies the new
//! spans, one span per lane and the waits in progress, never the whole run,
//! and the lanes wait on the lock for no longer than that.

use super::spin_lock;
use crate::engine::record::{Lane, Span, SpanKind, push_merged};
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
    /// How many times [`SpanLog::finish`] took the spans: a reader's copy
    /// of an earlier generation starts afresh.
    generation: u64,
}

/// A reader's copy of a [`SpanLog`] (the live view's), brought up to date
/// by [`SpanLog::read_into`], which copies only what changed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LogReader {
    /// Subtracted from every time copied: times relative to the run's start.
    origin: f64,
    /// The log's finished spans as of the last read.
    pub spans: Vec<Span>,
    /// The waits in progress at the last read, drawn up to its `now`.
    pub open: Vec<Span>,
    /// `spans[added_from..]` came with the last read.
    pub added_from: usize,
    /// Spans before `added_from` that the last read changed (a lane's latest
    /// span, extended by the slices that continue it).
    pub grown: Vec<usize>,
    /// Whether the last read started the copy afresh (the log's spans were
    /// taken by [`SpanLog::finish`]): everything is new.
    pub reset: bool,
    /// Each lane's latest span at the last read: the only spans already
    /// copied that the log may still change.
    tails: Vec<usize>,
    generation: u64,
}

impl LogReader {
    /// An empty copy; times are copied as `time - origin`.
    pub fn new(origin: f64) -> LogReader {
        LogReader {
            origin,
            ..LogReader::default()
        }
    }

    fn relative(&self, s: Span) -> Span {
        Span {
            start: s.start - self.origin,
            end: s.end - self.origin,
            ..s
        }
    }
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
            ..
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

    /// Brings `reader` up to date: copies the spans added since its last
    /// read, the spans that were the lanes' latest then (only those can have
    /// grown) and the waits in progress drawn up to `now` (as
    /// [`Self::snapshot`] draws them). The lock is held for that copy only,
    /// never for the whole run's spans.
    pub fn read_into(&self, reader: &mut LogReader, now: f64) {
        reader.grown.clear();
        reader.open.clear();
        let inner = spin_lock(&self.inner);
        reader.reset =
            reader.generation != inner.generation || reader.spans.len() > inner.spans.len();
        if reader.reset {
            reader.generation = inner.generation;
            reader.spans.clear();
            reader.tails.clear();
        }
        for k in 0..reader.tails.len() {
            let i = reader.tails[k];
            let now_there = reader.relative(inner.spans[i]);
            if reader.spans[i] != now_there {
                reader.spans[i] = now_there;
                reader.grown.push(i);
            }
        }
        reader.added_from = reader.spans.len();
        for k in reader.added_from..inner.spans.len() {
            let s = reader.relative(inner.spans[k]);
            reader.spans.push(s);
        }
        reader.tails.clear();
        reader
            .tails
            .extend(inner.last_of_lane.iter().flatten().copied());
        if inner.open_count > 0 {
            for s in inner.open.iter().flatten() {
                let s = reader.relative(Span {
                    end: now.max(s.start),
                    ..*s
                });
                reader.open.push(s);
            }
        }
    }

    /// The finished spans; waits still open (a stopped run) end at `now`.
    pub fn finish(&self, now: f64) -> Vec<Span> {
        let mut inner = spin_lock(&self.inner);
        let LogInner {
            spans,
            last_of_lane,
            open,
            open_count,
            generation,
        } = &mut *inner;
        *generation += 1;
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

    /// The reader's copy after each read, against a full snapshot: equal.
    fn assert_reader_matches(log: &SpanLog, reader: &mut LogReader, now: f64, origin: f64) {
        log.read_into(reader, now);
        let relative = |s: &Span| Span {
            start: s.start - origin,
            end: s.end - origin,
            ..*s
        };
        let full = log.snapshot(now);
        let (mut finished, mut open): (Vec<Span>, Vec<Span>) = (Vec::new(), Vec::new());
        for s in &full[..full.len() - reader.open.len()] {
            finished.push(relative(s));
        }
        for s in &full[full.len() - reader.open.len()..] {
            open.push(relative(s));
        }
        assert_eq!(reader.spans, finished, "finished spans at {now}");
        assert_eq!(reader.open, open, "open waits at {now}");
    }

    #[test]
    fn a_lane_span_extended_then_followed_is_still_read_grown() {
        let log = SpanLog::new(2);
        let mut reader = LogReader::new(0.0);
        log.record(Span::new(0, Lane::Worker(0), SpanKind::Run, 0.0, 1.0), true);
        log.record(Span::new(1, Lane::Worker(1), SpanKind::Run, 0.0, 1.0), true);
        assert_reader_matches(&log, &mut reader, 1.0, 0.0);
        assert_eq!((reader.added_from, reader.grown.len()), (0, 0));
        // Lane 0's span grows, then the lane starts another task: the grown
        // span is no longer the lane's latest, and must still be read.
        log.record(Span::new(0, Lane::Worker(0), SpanKind::Run, 1.0, 2.0), true);
        log.record(Span::new(1, Lane::Worker(0), SpanKind::Run, 2.0, 3.0), true);
        assert_reader_matches(&log, &mut reader, 3.0, 0.0);
        assert_eq!(reader.grown, vec![0]);
        assert_eq!(reader.added_from, 2);
        assert_eq!(reader.spans[0].end, 2.0);
    }

    #[test]
    fn reads_copy_only_what_changed() {
        let log = SpanLog::new(1);
        let mut reader = LogReader::new(100.0);
        for k in 0..1_000 {
            let t = 100.0 + f64::from(k);
            log.record(
                Span::new(k, Lane::Worker((k % 2) as u16), SpanKind::Run, t, t + 0.5),
                false,
            );
        }
        log.read_into(&mut reader, 2_000.0);
        assert_eq!((reader.added_from, reader.spans.len()), (0, 1_000));
        assert_eq!(reader.spans[0].start, 0.0, "times relative to the origin");
        // One more span: one added, nothing else copied again.
        log.record(
            Span::new(5, Lane::Worker(0), SpanKind::Run, 1_200.0, 1_201.0),
            false,
        );
        log.read_into(&mut reader, 2_000.0);
        assert_eq!(reader.added_from, 1_000);
        assert_eq!(reader.spans.len(), 1_001);
        assert!(reader.grown.is_empty(), "{:?}", reader.grown);
        // Nothing new: nothing read.
        log.read_into(&mut reader, 2_000.0);
        assert_eq!((reader.added_from, reader.spans.len()), (1_001, 1_001));
    }

    #[test]
    fn a_reader_of_a_finished_log_starts_afresh() {
        let log = SpanLog::new(1);
        let mut reader = LogReader::new(0.0);
        log.record(Span::new(0, Lane::Main, SpanKind::Run, 0.0, 1.0), false);
        log.record(
            Span::new(0, Lane::Worker(0), SpanKind::Run, 0.0, 1.0),
            false,
        );
        log.read_into(&mut reader, 1.0);
        assert_eq!(log.finish(1.0).len(), 2);
        // As many spans again after `finish`: the copy must not be taken
        // for an older version of them.
        log.record(
            Span::new(0, Lane::Worker(1), SpanKind::Run, 5.0, 6.0),
            false,
        );
        log.record(
            Span::new(0, Lane::Worker(2), SpanKind::Run, 5.0, 6.0),
            false,
        );
        log.read_into(&mut reader, 6.0);
        assert!(reader.reset);
        assert_eq!(reader.spans, log.snapshot(6.0));
    }

    /// Records, opens, closes and reads in a pseudo-random order over four
    /// lanes (merged slices included): after every read, the reader's copy
    /// is exactly what a full snapshot gives.
    #[test]
    fn incremental_reads_always_equal_the_snapshot() {
        for seed in 1..=20u64 {
            let mut x = seed;
            let mut next = move |n: u64| {
                // xorshift64: deterministic, no dependency.
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % n
            };
            let log = SpanLog::new(16);
            let mut reader = LogReader::new(3.0);
            let mut t = 3.0;
            for _ in 0..400 {
                t += 0.1 * next(10) as f64;
                let task = next(16) as u32;
                match next(6) {
                    0 => log.open(task, Lane::Main, t),
                    1 => log.close(task, t),
                    2 => assert_reader_matches(&log, &mut reader, t, 3.0),
                    _ => {
                        let lane = Lane::from_row(next(4) as usize);
                        let len = 0.05 * (1 + next(20)) as f64;
                        log.record(
                            Span::new(task, lane, SpanKind::Run, t, t + len),
                            next(2) == 0,
                        );
                    }
                }
            }
            assert_reader_matches(&log, &mut reader, t + 1.0, 3.0);
        }
    }
}
