//! A server's run at any instant, for its replay: on each lane, the
//! connection being handled, how many messages waited in its run queue,
//! how many waits were in flight on it, how many messages it had handled
//! and how many times it had stolen — all read from the spans and tracks
//! the run kept (`served.rs`), each in O(log n) so that a replay can ask at
//! every frame.
//!
//! A run too large to keep every span is replayed up to where its
//! timeline stops being whole ([`ServedReplay::until_ms`]).

use super::{Lane, Served, SpanKind};
use std::collections::BTreeMap;

/// One lane at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopMoment {
    pub lane: Lane,
    /// The connection whose handler was computing (0-based), if any.
    pub handling: Option<u32>,
    /// The most messages waiting in its run queue during that millisecond
    /// (its track's point: a bound, not a count at the instant); None
    /// before its first handler.
    pub queued_at_most: Option<u32>,
    /// Waits in flight on it (messages waiting for their timer).
    pub waiting: u32,
    /// Handlers it had finished.
    pub handled: u64,
    /// Times it had stolen work.
    pub steals: u64,
}

#[derive(Debug, Clone, Default)]
struct LaneLog {
    /// Handlers by start: (start, end, connection).
    runs: Vec<(f64, f64, u32)>,
    run_ends: Vec<f64>,
    wait_starts: Vec<f64>,
    wait_ends: Vec<f64>,
    steals: Vec<f64>,
    queue: Vec<(f64, u32)>,
}

/// A server's run, ready to be asked what happened at any instant.
#[derive(Debug, Clone)]
pub struct ServedReplay {
    lanes: BTreeMap<Lane, LaneLog>,
    until: f64,
}

/// How many of `sorted` are at most `t`.
fn at_most(sorted: &[f64], t: f64) -> usize {
    sorted.partition_point(|&x| x <= t)
}

impl ServedReplay {
    pub fn new(s: &Served) -> ServedReplay {
        let mut lanes: BTreeMap<Lane, LaneLog> = BTreeMap::new();
        for l in &s.loops {
            let log = lanes.entry(l.lane).or_default();
            log.steals.extend(&l.steal_ms);
            log.queue.extend(&l.queue_track);
            for x in &l.spans {
                let log = lanes.entry(x.lane).or_default();
                match x.kind {
                    SpanKind::Run => {
                        log.runs.push((x.start, x.end, x.task));
                        log.run_ends.push(x.end);
                    }
                    SpanKind::Wait => {
                        log.wait_starts.push(x.start);
                        log.wait_ends.push(x.end);
                    }
                    SpanKind::Lock => {}
                }
            }
        }
        for log in lanes.values_mut() {
            log.runs.sort_by(|a, b| a.0.total_cmp(&b.0));
            for v in [
                &mut log.run_ends,
                &mut log.wait_starts,
                &mut log.wait_ends,
                &mut log.steals,
            ] {
                v.sort_by(f64::total_cmp);
            }
            log.queue.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        ServedReplay {
            lanes,
            until: s.timeline_until_ms(),
        }
    }

    /// The replay's end (ms since the run began): the run's end, or where
    /// its timeline stops being whole.
    pub fn until_ms(&self) -> f64 {
        self.until
    }

    /// Every lane at `t` ms into the run (clamped to the replay's range).
    pub fn moment(&self, t: f64) -> Vec<LoopMoment> {
        let t = if t.is_finite() {
            t.clamp(0.0, self.until)
        } else {
            0.0
        };
        self.lanes
            .iter()
            .map(|(&lane, log)| {
                let started = log.runs.partition_point(|r| r.0 <= t);
                let handling = started
                    .checked_sub(1)
                    .map(|i| log.runs[i])
                    .filter(|r| r.1 > t)
                    .map(|r| r.2);
                let queued = log.queue.partition_point(|q| q.0 <= t);
                LoopMoment {
                    lane,
                    handling,
                    queued_at_most: queued.checked_sub(1).map(|i| log.queue[i].1),
                    waiting: at_most(&log.wait_starts, t).saturating_sub(at_most(&log.wait_ends, t))
                        as u32,
                    handled: at_most(&log.run_ends, t) as u64,
                    steals: at_most(&log.steals, t) as u64,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::Way;
    use crate::engine::record::{LoopReport, ServedOutcome, Span};

    fn served() -> Served {
        let mut a = LoopReport::new(Lane::Worker(0), 100);
        a.keep(Span::new(0, Lane::Worker(0), SpanKind::Wait, 0.0, 2.0));
        a.keep(Span::new(1, Lane::Worker(0), SpanKind::Wait, 0.0, 3.0));
        a.keep(Span::new(0, Lane::Worker(0), SpanKind::Run, 2.0, 4.0));
        a.keep(Span::new(1, Lane::Worker(0), SpanKind::Run, 4.0, 5.0));
        a.note_queue(2.0, 0);
        a.note_queue(4.0, 1);
        let mut b = LoopReport::new(Lane::Worker(1), 100);
        b.keep(Span::new(2, Lane::Worker(1), SpanKind::Wait, 0.0, 1.0));
        b.keep(Span::new(2, Lane::Worker(1), SpanKind::Run, 1.0, 1.5));
        b.note_steal(3.5);
        Served::new(
            Way::Stealing,
            3,
            None,
            (0.0, 5.0),
            vec![a, b],
            ServedOutcome::Completed,
        )
    }

    #[test]
    fn each_lane_at_an_instant() {
        let r = ServedReplay::new(&served());
        assert_eq!(r.until_ms(), 5.0);
        let at = |t| r.moment(t);
        let m = at(0.5);
        assert_eq!(m[0].waiting, 2);
        assert_eq!(m[0].handling, None);
        assert_eq!(m[0].queued_at_most, None, "before its first handler");
        assert_eq!(m[1].waiting, 1);
        let m = at(2.5);
        assert_eq!(m[0].handling, Some(0));
        assert_eq!(m[0].waiting, 1, "connection 0's wait ended at 2");
        assert_eq!(m[0].queued_at_most, Some(0));
        assert_eq!(m[1].handled, 1);
        assert_eq!(m[1].steals, 0);
        let m = at(4.0);
        assert_eq!(
            m[0].handling,
            Some(1),
            "a handler that begins at t is running"
        );
        assert_eq!(m[0].handled, 1);
        assert_eq!(m[0].queued_at_most, Some(1));
        assert_eq!(m[1].steals, 1);
        let end = at(99.0);
        assert_eq!(end, at(5.0), "clamped to the run");
        assert_eq!(end[0].handled + end[1].handled, 3);
        assert!(end.iter().all(|l| l.handling.is_none() && l.waiting == 0));
    }

    #[test]
    fn a_run_not_kept_whole_replays_up_to_where_it_is() {
        let mut s = served();
        s.loops[0].kept_until_ms = Some(3.0);
        let r = ServedReplay::new(&s);
        assert_eq!(r.until_ms(), 3.0);
        assert_eq!(r.moment(4.5), r.moment(3.0));
    }
}
