//! Replay of a recorded run: what every lane was doing at any instant, the
//! events (span starts and ends) to step between, and whether the page could
//! paint (the playback clock is in `playback.rs`).
//!
//! Everything comes from the [`Trace`] (and the animation frames the page saw
//! during the run): nothing is re-run or simulated. The page asks
//! [`Replay::moment`] once per animation frame, so it answers with binary
//! searches on arrays sorted once in [`Replay::new`], not by walking the trace.
//!
//! Conventions, shared by every query here:
//! - a span covers `[start, end)`: at the instant two spans touch, the second
//!   one is the one in progress;
//! - a zero-length span (`start == end`) is in progress at its one instant, so
//!   stepping onto it shows it;
//! - a task is in flight from the start of its first span to the end of its
//!   last, by the same two rules; it is done once its last span has ended.

use super::{FRAME_MS, Lane, Span, SpanKind, Trace};

/// Whether the page could paint at an instant of the run, from the gaps
/// between the animation frames recorded during it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Paint {
    /// Frames came at the display's pace: `last_frame` is the latest at or
    /// before the instant, `next_frame` the first after it.
    Painting { last_frame: f64, next_frame: f64 },
    /// No frame between `from` and `to` although at least one was due: the
    /// page could not paint (the same threshold as
    /// [`frame_stats`](super::frame_stats) uses for a dropped frame).
    Frozen { from: f64, to: f64 },
    /// No frame was recorded around this instant (before the recording, or a
    /// trace that came without frames).
    Unknown,
}

/// What one lane was doing at an instant. Task numbers are 0-based, as in
/// [`Span`]; [`LaneState::describe`] shows them from 1, as the page does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneState {
    pub lane: Lane,
    /// Tasks computing on the lane (one, in any real trace).
    pub computing: Vec<u32>,
    /// Tasks waiting on the lane, sorted. On a worker the wait holds the
    /// thread; on the main thread it is an asynchronous timer.
    pub waiting: Vec<u32>,
    /// Tasks waiting for the lock another lane holds (the thread is held).
    pub locked: Vec<u32>,
}

/// How many task numbers a sentence lists before it counts the rest.
const LISTED: usize = 3;

impl LaneState {
    pub fn is_idle(&self) -> bool {
        self.computing.is_empty() && self.waiting.is_empty()
    }

    /// The state in words: "computing task 7", "waiting for tasks 3 and 4",
    /// "computing task 2, waiting for 12 tasks (3, 4, 5, …)", "idle".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.computing.is_empty() {
            parts.push(format!("computing {}", tasks_phrase(&self.computing)));
        }
        if !self.waiting.is_empty() {
            parts.push(format!("waiting for {}", tasks_phrase(&self.waiting)));
        }
        if !self.locked.is_empty() {
            parts.push(format!(
                "waiting for the lock ({})",
                tasks_phrase(&self.locked)
            ));
        }
        if parts.is_empty() {
            "idle".into()
        } else {
            parts.join(", ")
        }
    }
}

/// "task 7", "tasks 3 and 4", "tasks 3, 4 and 5", "12 tasks (3, 4, 5, …)";
/// numbers from 1.
fn tasks_phrase(tasks: &[u32]) -> String {
    let names: Vec<String> = tasks.iter().map(|t| (t + 1).to_string()).collect();
    match names.len() {
        0 => "no task".into(),
        1 => format!("task {}", names[0]),
        n if n <= LISTED => format!("tasks {} and {}", names[..n - 1].join(", "), names[n - 1]),
        n => format!("{n} tasks ({}, …)", names[..LISTED].join(", ")),
    }
}

/// Everything shown at one instant of the replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    /// Milliseconds since the run started.
    pub t: f64,
    /// The main thread first, then each worker that ran something.
    pub lanes: Vec<LaneState>,
    pub in_flight: u32,
    pub done: u32,
    /// Whether the page could paint (the main thread's frames).
    pub paint: Paint,
}

/// One lane's spans, sorted by start, for the "what is active at t" query.
#[derive(Debug, Clone)]
struct LaneIndex {
    lane: Lane,
    spans: Vec<Span>,
    /// The longest span: no span starting before `t - longest` can still be
    /// in progress at `t`, which bounds the scan.
    longest: f64,
}

/// A trace prepared for replay.
#[derive(Debug, Clone)]
pub struct Replay {
    duration_ms: f64,
    lanes: Vec<LaneIndex>,
    /// Every distinct span start and end, sorted.
    events: Vec<f64>,
    /// Per task: the start of its first span, and the end of its last; each
    /// sorted on its own (only counts are asked of them).
    task_starts: Vec<f64>,
    task_ends: Vec<f64>,
    /// The instants of tasks whose whole life is one instant, sorted.
    instant_tasks: Vec<f64>,
    /// Animation frames, ms since the run started, sorted.
    frames: Vec<f64>,
}

impl Replay {
    /// Prepares `trace`; `frames` are the animation frames recorded around
    /// the run, in ms since it started (see [`FrameLog::for_run`]).
    pub fn new(trace: &Trace, mut frames: Vec<f64>) -> Replay {
        let mut lane_list = trace.lanes_used();
        if !lane_list.contains(&Lane::Main) {
            lane_list.insert(0, Lane::Main);
        }
        let mut lanes: Vec<LaneIndex> = lane_list
            .into_iter()
            .map(|lane| LaneIndex {
                lane,
                spans: Vec::new(),
                longest: 0.0,
            })
            .collect();
        let mut events = Vec::with_capacity(trace.spans.len() * 2);
        let mut life: std::collections::HashMap<u32, (f64, f64)> = Default::default();
        for s in trace
            .spans
            .iter()
            .filter(|s| s.start.is_finite() && s.end.is_finite())
        {
            if let Some(index) = lanes.iter_mut().find(|l| l.lane == s.lane) {
                index.spans.push(*s);
                index.longest = index.longest.max(s.duration());
            }
            events.push(s.start);
            events.push(s.end);
            let e = life.entry(s.task).or_insert((s.start, s.end));
            e.0 = e.0.min(s.start);
            e.1 = e.1.max(s.end);
        }
        for l in &mut lanes {
            l.spans.sort_by(|a, b| a.start.total_cmp(&b.start));
        }
        events.sort_by(f64::total_cmp);
        events.dedup();
        let mut task_starts: Vec<f64> = life.values().map(|l| l.0).collect();
        let mut task_ends: Vec<f64> = life.values().map(|l| l.1).collect();
        let mut instant_tasks: Vec<f64> =
            life.values().filter(|l| l.0 == l.1).map(|l| l.0).collect();
        task_starts.sort_by(f64::total_cmp);
        task_ends.sort_by(f64::total_cmp);
        instant_tasks.sort_by(f64::total_cmp);
        frames.retain(|f| f.is_finite());
        frames.sort_by(f64::total_cmp);
        Replay {
            duration_ms: trace.duration_ms.max(0.0),
            lanes,
            events,
            task_starts,
            task_ends,
            instant_tasks,
            frames,
        }
    }

    /// The run's length.
    pub fn duration_ms(&self) -> f64 {
        self.duration_ms
    }

    /// Where the replay begins and ends: the run, from 0 to its duration,
    /// stretched to any span outside it (a worker's clock may stamp a span a
    /// little before the main thread's start), so that every event is reachable.
    pub fn bounds(&self) -> (f64, f64) {
        let first = self.events.first().copied().unwrap_or(0.0);
        let last = self.events.last().copied().unwrap_or(0.0);
        (first.min(0.0), last.max(self.duration_ms))
    }

    /// Every distinct span start and end, sorted: the stops of stepping.
    pub fn events(&self) -> &[f64] {
        &self.events
    }

    /// The first event after `t`, if any.
    pub fn next_event(&self, t: f64) -> Option<f64> {
        let i = self.events.partition_point(|&e| e <= t);
        self.events.get(i).copied()
    }

    /// The last event before `t`, if any.
    pub fn previous_event(&self, t: f64) -> Option<f64> {
        let i = self.events.partition_point(|&e| e < t);
        i.checked_sub(1).map(|i| self.events[i])
    }

    /// What every lane does at `t`, the tasks in flight and done, and
    /// whether the page could paint. Any `t` is accepted: before the run
    /// nothing has started, after it everything recorded has ended.
    pub fn moment(&self, t: f64) -> Moment {
        let lanes = self.lanes.iter().map(|l| l.state_at(t)).collect();
        let started = count_le(&self.task_starts, t);
        let ended = count_le(&self.task_ends, t);
        let instant_now = count_le(&self.instant_tasks, t) - count_lt(&self.instant_tasks, t);
        Moment {
            t,
            lanes,
            in_flight: (started - ended + instant_now) as u32,
            done: (ended - instant_now) as u32,
            paint: self.paint_at(t),
        }
    }

    /// Whether the page could paint at `t` (see [`Paint`]).
    pub fn paint_at(&self, t: f64) -> Paint {
        let i = self.frames.partition_point(|&f| f <= t);
        match (i.checked_sub(1).map(|i| self.frames[i]), self.frames.get(i)) {
            (Some(before), Some(&after)) => {
                if after - before >= DROPPED_GAP_FRAMES * FRAME_MS {
                    Paint::Frozen {
                        from: before,
                        to: after,
                    }
                } else {
                    Paint::Painting {
                        last_frame: before,
                        next_frame: after,
                    }
                }
            }
            _ => Paint::Unknown,
        }
    }

    /// Whether any animation frame came with the trace.
    pub fn has_frames(&self) -> bool {
        !self.frames.is_empty()
    }
}

/// [`Replay::bounds`] of `trace`, without preparing a replay.
pub fn bounds_of(trace: &Trace) -> (f64, f64) {
    trace
        .spans
        .iter()
        .filter(|s| s.start.is_finite() && s.end.is_finite())
        .fold((0.0f64, trace.duration_ms.max(0.0)), |(a, b), s| {
            (a.min(s.start).min(s.end), b.max(s.end).max(s.start))
        })
}

/// A gap of this many frame intervals has missed at least one frame: the
/// rule of [`frame_stats`](super::frame_stats), where a gap of `g`
/// intervals misses `floor(g - 0.5)` frames.
const DROPPED_GAP_FRAMES: f64 = 1.5;

fn count_le(sorted: &[f64], t: f64) -> usize {
    sorted.partition_point(|&x| x <= t)
}

fn count_lt(sorted: &[f64], t: f64) -> usize {
    sorted.partition_point(|&x| x < t)
}

/// Whether `s` is in progress at `t` (see the module's conventions).
fn active_at(s: &Span, t: f64) -> bool {
    (s.start <= t && t < s.end) || (s.start == t && s.end == t)
}

impl LaneIndex {
    fn state_at(&self, t: f64) -> LaneState {
        let upper = self.spans.partition_point(|s| s.start <= t);
        let lower = self.spans.partition_point(|s| s.start < t - self.longest);
        let mut state = LaneState {
            lane: self.lane,
            computing: Vec::new(),
            waiting: Vec::new(),
            locked: Vec::new(),
        };
        for s in self.spans[lower.min(upper)..upper]
            .iter()
            .filter(|s| active_at(s, t))
        {
            match s.kind {
                SpanKind::Run => state.computing.push(s.task),
                SpanKind::Wait => state.waiting.push(s.task),
                SpanKind::Lock => state.locked.push(s.task),
            }
        }
        state.computing.sort_unstable();
        state.computing.dedup();
        state.waiting.sort_unstable();
        state.waiting.dedup();
        state.locked.sort_unstable();
        state.locked.dedup();
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::Mode;
    use crate::engine::record::fixtures::{run, wait};

    fn replay(duration: f64, spans: &[Span]) -> Replay {
        let trace = Trace::new(Mode::Both, 2, 4, 0.0, duration, spans.to_vec());
        Replay::new(&trace, Vec::new())
    }

    const M: Lane = Lane::Main;
    const W0: Lane = Lane::Worker(0);
    const W1: Lane = Lane::Worker(1);

    /// A run of 40 ms on the main thread and two workers:
    /// - main: task 0 computes 0–10; task 1 waits 0–20 (async), then task 1 computes 20–25;
    /// - worker 1: task 2 computes 5–15, task 3 computes 15–30 (they touch at 15);
    /// - worker 2: task 3 has a zero-length wait at 30, then task 3 computes 30–35
    ///   (task 3 moved to worker 2: made up, to test a task on two lanes).
    fn sample() -> Replay {
        replay(
            40.0,
            &[
                run(0, M, 0.0, 10.0),
                wait(1, M, 0.0, 20.0),
                run(1, M, 20.0, 25.0),
                run(2, W0, 5.0, 15.0),
                run(3, W0, 15.0, 30.0),
                wait(3, W1, 30.0, 30.0),
                run(3, W1, 30.0, 35.0),
            ],
        )
    }

    /// (t, main, worker 1, worker 2, in flight, done)
    #[test]
    fn the_state_at_each_instant() {
        let r = sample();
        let cases: &[(f64, &str, &str, &str, u32, u32)] = &[
            (-5.0, "idle", "idle", "idle", 0, 0),
            (
                0.0,
                "computing task 1, waiting for task 2",
                "idle",
                "idle",
                2,
                0,
            ),
            (
                5.0,
                "computing task 1, waiting for task 2",
                "computing task 3",
                "idle",
                3,
                0,
            ),
            (10.0, "waiting for task 2", "computing task 3", "idle", 2, 1),
            // Touching spans: at 15 task 3 has ended and task 4 computes.
            (
                14.999,
                "waiting for task 2",
                "computing task 3",
                "idle",
                2,
                1,
            ),
            (15.0, "waiting for task 2", "computing task 4", "idle", 2, 2),
            (20.0, "computing task 2", "computing task 4", "idle", 2, 2),
            (25.0, "idle", "computing task 4", "idle", 1, 3),
            // The zero-length wait shows at its instant, beside the run that starts then.
            (
                30.0,
                "idle",
                "idle",
                "computing task 4, waiting for task 4",
                1,
                3,
            ),
            (30.5, "idle", "idle", "computing task 4", 1, 3),
            (35.0, "idle", "idle", "idle", 0, 4),
            (40.0, "idle", "idle", "idle", 0, 4),
            (1e9, "idle", "idle", "idle", 0, 4),
        ];
        for &(t, main, w1, w2, in_flight, done) in cases {
            let m = r.moment(t);
            let said: Vec<String> = m.lanes.iter().map(LaneState::describe).collect();
            assert_eq!(
                (said, m.in_flight, m.done),
                (
                    vec![main.to_string(), w1.to_string(), w2.to_string()],
                    in_flight,
                    done
                ),
                "at t = {t}"
            );
        }
        assert_eq!(r.moment(0.0).lanes[0].lane, Lane::Main);
        assert_eq!(r.moment(0.0).lanes[2].lane, W1);
    }

    #[test]
    fn a_task_of_one_instant_is_in_flight_at_that_instant_only() {
        let r = replay(10.0, &[run(0, M, 2.0, 2.0), run(1, W0, 2.0, 6.0)]);
        let at = |t: f64| {
            let m = r.moment(t);
            (m.in_flight, m.done, m.lanes[0].describe())
        };
        assert_eq!(at(1.9), (0, 0, "idle".to_string()));
        assert_eq!(at(2.0), (2, 0, "computing task 1".to_string()));
        assert_eq!(at(2.1), (1, 1, "idle".to_string()));
        assert_eq!(at(6.0), (0, 2, "idle".to_string()));
    }

    #[test]
    fn an_empty_trace_is_idle_everywhere() {
        let r = replay(0.0, &[]);
        let m = r.moment(0.0);
        assert_eq!(m.lanes.len(), 1, "the main thread is always listed");
        assert!(m.lanes[0].is_idle());
        assert_eq!((m.in_flight, m.done), (0, 0));
        assert_eq!(r.next_event(0.0), None);
        assert_eq!(r.previous_event(0.0), None);
        assert_eq!(m.paint, Paint::Unknown);
    }

    #[test]
    fn the_replay_spans_the_run_and_any_event_outside_it() {
        assert_eq!(sample().bounds(), (0.0, 40.0));
        // A span ending after the run widens the bounds. One stamped before
        // the start (a worker's clock a little behind) does not: the trace
        // starts it with its run (`Span::within_run`).
        let r = replay(10.0, &[run(0, W0, -0.3, 4.0), run(1, W0, 4.0, 12.0)]);
        assert_eq!(r.bounds(), (0.0, 12.0));
        let trace = Trace::new(
            Mode::Both,
            2,
            2,
            0.0,
            10.0,
            vec![run(0, W0, -0.3, 4.0), run(1, W0, 4.0, 12.0)],
        );
        assert_eq!(bounds_of(&trace), (0.0, 12.0));
        assert_eq!(r.previous_event(0.0), None);
        assert_eq!(replay(0.0, &[]).bounds(), (0.0, 0.0));
    }

    #[test]
    fn stepping_goes_from_boundary_to_boundary() {
        let r = sample();
        assert_eq!(r.events(), [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0]);
        // (from, next, previous)
        let cases: &[(f64, Option<f64>, Option<f64>)] = &[
            (-1.0, Some(0.0), None),
            (0.0, Some(5.0), None),
            (2.5, Some(5.0), Some(0.0)),
            (5.0, Some(10.0), Some(0.0)),
            (15.0, Some(20.0), Some(10.0)),
            // The zero-length span's instant is one event, not two.
            (30.0, Some(35.0), Some(25.0)),
            (35.0, None, Some(30.0)),
            (40.0, None, Some(35.0)),
        ];
        for &(t, next, previous) in cases {
            assert_eq!(
                (r.next_event(t), r.previous_event(t)),
                (next, previous),
                "from {t}"
            );
        }
        // Forward then back again visits the same boundaries.
        let mut forward = vec![];
        let mut t = -1.0;
        while let Some(n) = r.next_event(t) {
            forward.push(n);
            t = n;
        }
        let mut back = vec![t];
        while let Some(p) = r.previous_event(t) {
            back.push(p);
            t = p;
        }
        back.reverse();
        assert_eq!(forward, back);
    }

    #[test]
    fn many_waits_are_counted_not_listed() {
        let spans: Vec<Span> = (0..12).map(|i| wait(i, M, 0.0, 100.0)).collect();
        let r = replay(100.0, &spans);
        let m = r.moment(50.0);
        assert_eq!(m.lanes[0].describe(), "waiting for 12 tasks (1, 2, 3, …)");
        assert_eq!(m.in_flight, 12);
        let three = LaneState {
            lane: M,
            computing: vec![],
            waiting: vec![2, 3, 4],
            locked: vec![],
        };
        assert_eq!(three.describe(), "waiting for tasks 3, 4 and 5");
    }

    #[test]
    fn a_long_span_is_found_past_many_short_ones() {
        // The scan window must reach back to the long wait's start.
        let mut spans = vec![wait(0, W0, 0.0, 1000.0)];
        spans.extend((1..500).map(|i| run(i, W0, f64::from(i), f64::from(i) + 0.5)));
        let r = replay(1000.0, &spans);
        assert_eq!(r.moment(900.0).lanes[1].describe(), "waiting for task 1");
        assert_eq!(
            r.moment(10.2).lanes[1].describe(),
            "computing task 11, waiting for task 1"
        );
    }

    #[test]
    fn paint_follows_the_frame_gaps() {
        let trace = Trace::new(
            Mode::Sequential,
            1,
            1,
            0.0,
            100.0,
            vec![run(0, M, 20.0, 80.0)],
        );
        // 60 Hz frames, none while task 1 computes (20–80), and one after the run.
        let frames = vec![-5.0, 11.7, 18.4, 83.0, 99.7, 116.4];
        let r = Replay::new(&trace, frames);
        assert!(r.has_frames());
        let painting = |last_frame, next_frame| Paint::Painting {
            last_frame,
            next_frame,
        };
        let cases: &[(f64, Paint)] = &[
            (-10.0, Paint::Unknown),
            (0.0, painting(-5.0, 11.7)),
            (12.0, painting(11.7, 18.4)),
            (
                50.0,
                Paint::Frozen {
                    from: 18.4,
                    to: 83.0,
                },
            ),
            (83.0, painting(83.0, 99.7)),
            (100.0, painting(99.7, 116.4)),
            (200.0, Paint::Unknown),
        ];
        for &(t, paint) in cases {
            assert_eq!(r.paint_at(t), paint, "at {t}");
        }
        // A gap just under 1.5 frames has dropped none; just over, one.
        let r = Replay::new(&trace, vec![0.0, 1.4 * FRAME_MS, 3.0 * FRAME_MS]);
        assert!(matches!(r.paint_at(1.0), Paint::Painting { .. }));
        assert!(matches!(r.paint_at(2.0 * FRAME_MS), Paint::Frozen { .. }));
    }
}
