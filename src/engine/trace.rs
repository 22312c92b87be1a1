//! What a run did, span by span, and the figures derived from it.
//!
//! Every span is measured on a clock aligned across threads (in the browser,
//! `performance.timeOrigin + performance.now()`: each worker has its own time
//! origin, so `now()` alone is not comparable between threads). A [`Trace`]
//! stores times in milliseconds since the run started.

use super::plan::Mode;
use super::shared_counter::Tally;
use std::collections::BTreeSet;
use std::fmt;

/// Where a span ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lane {
    /// The browser's main thread (the one that also paints the page).
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
}

/// Two spans closer than this (same task, lane and kind) are one span: the
/// gap is only the bookkeeping between two slices of the same computation.
pub const MERGE_GAP_MS: f64 = 0.05;

/// Appends `span`, or extends the lane's last span when `span` continues it:
/// the same task and kind, and either `continuing` (the caller computed it
/// right after the last one, with nothing in between: a lane's or
/// Sequential's next slice, however long a preemption made the gap) or less
/// than [`MERGE_GAP_MS`] apart. Keeps traces small: a worker computing a
/// task in 100 slices records one span. Concurrent's slices are never
/// `continuing` (the page ran between them), so they show apart.
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
        if last.task == span.task
            && last.kind == span.kind
            && (continuing || span.start - last.end < MERGE_GAP_MS)
        {
            last.end = last.end.max(span.end);
            return;
        }
    }
    last_of_lane[row] = Some(spans.len());
    spans.push(span);
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Completed,
    /// Stopped by the person; the spans recorded until then are kept.
    Cancelled,
    /// A task failed (panicked); the others may have finished.
    Failed {
        /// 0-based; the task count itself when no particular task failed
        /// (a pool thread died between tasks, or no thread was left).
        task: u32,
        message: String,
    },
}

impl Outcome {
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Cancelled => "cancelled",
            Outcome::Failed { .. } => "failed",
        }
    }
}

/// Frame timing on the main thread during a run (see [`frame_stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FrameStats {
    pub frames: u32,
    /// The longest time between two painted frames: how long the page was frozen.
    pub longest_gap_ms: f64,
    /// Gaps over 50 ms: what browsers call long tasks, felt as a stuck page.
    pub long_gaps: u32,
    /// Frames that should have been painted at the display's rate but were not.
    pub dropped: u32,
}

/// A gap longer than this is a "long task" (the browsers' own threshold).
pub const LONG_GAP_MS: f64 = 50.0;

/// Frame statistics from the timestamps of successive animation frames.
/// `frame_ms` is the display's frame interval (16.7 ms at 60 Hz).
pub fn frame_stats(timestamps: &[f64], frame_ms: f64) -> FrameStats {
    let mut stats = FrameStats {
        frames: timestamps.len() as u32,
        ..FrameStats::default()
    };
    for pair in timestamps.windows(2) {
        let gap = pair[1] - pair[0];
        stats.longest_gap_ms = stats.longest_gap_ms.max(gap);
        if gap > LONG_GAP_MS {
            stats.long_gaps += 1;
        }
        // A gap of k frame intervals means k - 1 frames were missed; a little
        // slack absorbs the jitter of the display's timestamps.
        let missed = (gap / frame_ms - 0.5).floor().max(0.0) as u32;
        stats.dropped += missed;
    }
    stats
}

/// A finished (or stopped) run.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub mode: Mode,
    /// Pool threads the run could use (1 for the main-thread modes).
    pub lanes: u32,
    pub tasks: u32,
    /// Tasks that ran to their end (fewer than `tasks` when stopped or failed).
    pub finished: u32,
    /// From pressing Run to the last task's end, in milliseconds.
    pub duration_ms: f64,
    /// The aligned clock's time when the run began: the zero of the span
    /// times. Lets the page match what it recorded on its own clock (e.g. the
    /// animation frames the replay shows) to the run.
    pub origin_ms: f64,
    /// Sorted by start time.
    pub spans: Vec<Span>,
    pub outcome: Outcome,
    pub frames: FrameStats,
    /// Milliseconds from Stop to the run's end, when stopped.
    pub cancel_latency_ms: Option<f64>,
    /// Wrapping sum of the kernels' results: equal across modes for the same
    /// task set, which shows they all did the same work.
    pub checksum: u64,
    /// Kernel calls the run made: every mode computes the same slices of the
    /// same units, so this too is equal across modes for one task set.
    pub slices: u32,
    /// The shared-counter workload: updates made and the count they left.
    pub counter: Option<Tally>,
    /// Whether the last task is a serial reduce after the others (MapReduce).
    pub reduce: bool,
}

impl Trace {
    /// Builds a trace from spans on the aligned clock, `started` being the
    /// aligned time the run began: times become relative to it.
    pub fn new(
        mode: Mode,
        lanes: u32,
        tasks: u32,
        started: f64,
        ended: f64,
        mut spans: Vec<Span>,
    ) -> Trace {
        for s in &mut spans {
            s.start -= started;
            s.end -= started;
        }
        spans.sort_by(|a, b| a.start.total_cmp(&b.start));
        Trace {
            mode,
            lanes,
            tasks,
            finished: tasks,
            duration_ms: ended - started,
            origin_ms: started,
            spans,
            outcome: Outcome::Completed,
            frames: FrameStats::default(),
            cancel_latency_ms: None,
            checksum: 0,
            slices: 0,
            counter: None,
            reduce: false,
        }
    }

    /// How the page names task `task` (0-based): "Task 7", or "Reduce" for
    /// the serial stage after the others.
    pub fn task_name(&self, task: u32) -> String {
        if self.reduce && task + 1 == self.tasks {
            "Reduce (serial)".into()
        } else {
            format!("Task {}", task + 1)
        }
    }

    /// The lanes that ran something, in timeline order.
    pub fn lanes_used(&self) -> Vec<Lane> {
        self.spans
            .iter()
            .map(|s| s.lane)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// How many distinct pool threads ran a span. One, in a parallel run, means
    /// the run was not parallel at all (e.g. rayon running sequentially in a
    /// build without atomics: rayon-rs/rayon#1047).
    pub fn distinct_workers(&self) -> u32 {
        self.lanes_used()
            .iter()
            .filter(|l| matches!(l, Lane::Worker(_)))
            .count() as u32
    }

    pub fn stats(&self) -> Stats {
        let mut cpu_ms = 0.0;
        let mut wait_ms = 0.0;
        let mut lock_ms = 0.0;
        let mut main_blocked_ms = 0.0;
        let mut longest_block_ms: f64 = 0.0;
        for s in &self.spans {
            match s.kind {
                SpanKind::Run => {
                    cpu_ms += s.duration();
                    if s.lane == Lane::Main {
                        main_blocked_ms += s.duration();
                        longest_block_ms = longest_block_ms.max(s.duration());
                    }
                }
                SpanKind::Wait => {
                    wait_ms += s.duration();
                    // A worker holds its thread while it waits; the main thread does not.
                }
                SpanKind::Lock => lock_ms += s.duration(),
            }
        }
        let lanes = self
            .lanes_used()
            .into_iter()
            .map(|lane| {
                let busy_ms: f64 = self
                    .spans
                    .iter()
                    .filter(|s| s.lane == lane && (s.kind == SpanKind::Run || lane != Lane::Main))
                    .map(Span::duration)
                    .sum();
                LaneUse {
                    lane,
                    busy_ms,
                    idle_ms: (self.duration_ms - busy_ms).max(0.0),
                    utilisation: if self.duration_ms > 0.0 {
                        busy_ms / self.duration_ms
                    } else {
                        0.0
                    },
                }
            })
            .collect();
        Stats {
            makespan_ms: self.duration_ms,
            cpu_ms,
            wait_ms,
            lock_ms,
            peak_overlap: self.peak_overlap(),
            tasks_finished: self.finished,
            lanes,
            main_blocked_ms,
            longest_block_ms,
        }
    }

    /// The most tasks in flight at once. A task is in flight from the start of
    /// its first span to the end of its last one.
    fn peak_overlap(&self) -> u32 {
        let mut first_last: std::collections::BTreeMap<u32, (f64, f64)> = Default::default();
        for s in &self.spans {
            let e = first_last.entry(s.task).or_insert((s.start, s.end));
            e.0 = e.0.min(s.start);
            e.1 = e.1.max(s.end);
        }
        // Sweep: +1 at each start, -1 at each end; ends sort before starts at
        // the same instant, so back-to-back tasks do not count as overlapping.
        let mut events: Vec<(f64, i32)> = first_last
            .values()
            .flat_map(|&(a, b)| [(a, 1), (b, -1)])
            .collect();
        events.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        let (mut now, mut peak) = (0i32, 0i32);
        for (_, delta) in events {
            now += delta;
            peak = peak.max(now);
        }
        peak as u32
    }
}

/// Use of one lane during a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LaneUse {
    pub lane: Lane,
    /// Time the lane's thread was busy: computing, or (on a worker) holding
    /// the thread in a blocking wait.
    pub busy_ms: f64,
    /// The rest of the run: time the lane had nothing to do (while another
    /// lane finished its share, or the serial reduce ran elsewhere).
    pub idle_ms: f64,
    /// `busy_ms` over the run's makespan.
    pub utilisation: f64,
}

/// Figures derived from one trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Wall time of the run.
    pub makespan_ms: f64,
    /// Sum of all computation, on every lane.
    pub cpu_ms: f64,
    /// Sum of all waits.
    pub wait_ms: f64,
    /// Sum of the lanes' waits for a lock another lane held.
    pub lock_ms: f64,
    /// Most tasks in flight at once.
    pub peak_overlap: u32,
    /// Tasks that ran to their end.
    pub tasks_finished: u32,
    pub lanes: Vec<LaneUse>,
    /// Time the main thread spent computing, unable to paint or react.
    pub main_blocked_ms: f64,
    /// The longest single stretch of that.
    pub longest_block_ms: f64,
}

/// A run against a baseline (the sequential run of the same task set).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Relative {
    /// Baseline makespan / this makespan.
    pub speedup: f64,
    /// Speedup per thread used: defined for the parallel mode only. (On one
    /// thread, concurrency "speeds up" waits without any extra thread; and
    /// the mixed mode's gain is part concurrency.)
    pub efficiency: Option<f64>,
}

impl Stats {
    /// Speedup of this run against `baseline`, and its efficiency on
    /// `threads` threads when `parallel` (see [`Relative::efficiency`]).
    pub fn relative_to(&self, baseline: &Stats, threads: u32, parallel: bool) -> Relative {
        let speedup = if self.makespan_ms > 0.0 {
            baseline.makespan_ms / self.makespan_ms
        } else {
            0.0
        };
        Relative {
            speedup,
            efficiency: parallel.then(|| speedup / f64::from(threads.max(1))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_is_named_where_a_span_ran() {
        assert_eq!(Lane::Main.on(), "on the main thread");
        assert_eq!(Lane::Worker(1).on(), "on worker 2");
        assert_eq!(
            format!("{} {}", SpanKind::Lock.doing(), Lane::Worker(0).on()),
            "waiting for the lock on worker 1"
        );
    }

    fn span(task: u32, lane: Lane, kind: SpanKind, start: f64, end: f64) -> Span {
        Span {
            task,
            lane,
            kind,
            start,
            end,
        }
    }

    fn run(task: u32, lane: Lane, start: f64, end: f64) -> Span {
        span(task, lane, SpanKind::Run, start, end)
    }

    fn wait(task: u32, lane: Lane, start: f64, end: f64) -> Span {
        span(task, lane, SpanKind::Wait, start, end)
    }

    /// A trace whose run started at aligned time 1000.
    fn trace(mode: Mode, lanes: u32, duration: f64, spans: &[Span]) -> Trace {
        let shifted = spans
            .iter()
            .map(|s| Span {
                start: s.start + 1000.0,
                end: s.end + 1000.0,
                ..*s
            })
            .collect();
        Trace::new(
            mode,
            lanes,
            spans.len() as u32,
            1000.0,
            1000.0 + duration,
            shifted,
        )
    }

    #[test]
    fn sequential_cpu() {
        let t = trace(
            Mode::Sequential,
            1,
            31.0,
            &[
                run(0, Lane::Main, 0.0, 10.0),
                run(1, Lane::Main, 10.0, 20.0),
                run(2, Lane::Main, 20.0, 30.0),
            ],
        );
        let s = t.stats();
        assert_eq!(s.makespan_ms, 31.0);
        assert_eq!(s.cpu_ms, 30.0);
        assert_eq!(s.peak_overlap, 1, "back-to-back tasks do not overlap");
        assert_eq!(s.main_blocked_ms, 30.0);
        assert_eq!(s.longest_block_ms, 10.0);
        assert_eq!(t.distinct_workers(), 0);
    }

    #[test]
    fn concurrent_io_overlaps_all_waits_on_one_thread() {
        let spans: Vec<Span> = (0..8)
            .map(|i| {
                wait(
                    i,
                    Lane::Main,
                    f64::from(i) * 0.1,
                    100.0 + f64::from(i) * 0.1,
                )
            })
            .collect();
        let t = trace(Mode::Concurrent, 1, 101.0, &spans);
        let s = t.stats();
        assert_eq!(s.peak_overlap, 8);
        assert_eq!(s.cpu_ms, 0.0);
        assert_eq!(
            s.main_blocked_ms, 0.0,
            "async waits do not block the main thread"
        );
        assert!((s.wait_ms - 800.0).abs() < 1e-9);
        assert_eq!(s.lanes.len(), 1);
        assert_eq!(s.lanes[0].busy_ms, 0.0);
    }

    #[test]
    fn parallel_cpu_on_two_workers() {
        let (w0, w1) = (Lane::Worker(0), Lane::Worker(1));
        let t = trace(
            Mode::Parallel,
            2,
            20.0,
            &[
                run(0, w0, 0.0, 10.0),
                run(1, w1, 0.0, 10.0),
                run(2, w0, 10.0, 20.0),
                run(3, w1, 10.0, 20.0),
            ],
        );
        let s = t.stats();
        assert_eq!(s.peak_overlap, 2);
        assert_eq!(s.cpu_ms, 40.0);
        assert_eq!(s.main_blocked_ms, 0.0);
        assert_eq!(t.distinct_workers(), 2);
        assert!(s.lanes.iter().all(|l| (l.utilisation - 1.0).abs() < 1e-9));
        let baseline = trace(Mode::Sequential, 1, 40.0, &[run(0, Lane::Main, 0.0, 40.0)]).stats();
        let rel = s.relative_to(&baseline, 2, true);
        assert_eq!(rel.speedup, 2.0);
        assert_eq!(rel.efficiency, Some(1.0));
        assert_eq!(s.relative_to(&baseline, 2, false).efficiency, None);
    }

    #[test]
    fn blocking_waits_keep_a_worker_busy() {
        let t = trace(
            Mode::Parallel,
            1,
            100.0,
            &[
                wait(0, Lane::Worker(0), 0.0, 50.0),
                run(0, Lane::Worker(0), 50.0, 60.0),
            ],
        );
        let s = t.stats();
        assert_eq!(s.lanes[0].busy_ms, 60.0);
        assert!((s.lanes[0].utilisation - 0.6).abs() < 1e-9);
        assert_eq!(s.peak_overlap, 1);
    }

    #[test]
    fn interleaved_slices_count_every_task_in_flight() {
        // Concurrent CPU: two tasks sliced on one thread, A B A B.
        let m = Lane::Main;
        let t = trace(
            Mode::Concurrent,
            1,
            40.0,
            &[
                run(0, m, 0.0, 10.0),
                run(1, m, 10.0, 20.0),
                run(0, m, 20.0, 30.0),
                run(1, m, 30.0, 40.0),
            ],
        );
        let s = t.stats();
        assert_eq!(s.peak_overlap, 2);
        assert_eq!(s.main_blocked_ms, 40.0);
        assert_eq!(s.longest_block_ms, 10.0);
    }

    #[test]
    fn trace_times_are_relative_to_the_run_start_and_sorted() {
        let t = trace(
            Mode::Parallel,
            2,
            5.0,
            &[
                run(1, Lane::Worker(1), 2.0, 3.0),
                run(0, Lane::Worker(0), 1.0, 2.0),
            ],
        );
        assert_eq!(t.spans[0].start, 1.0);
        assert_eq!(t.spans[1].task, 1);
        assert_eq!(t.lanes_used(), [Lane::Worker(0), Lane::Worker(1)]);
    }

    #[test]
    fn merging_joins_continuing_slices_only() {
        let (mut spans, mut last) = (Vec::new(), Vec::new());
        let w = Lane::Worker(3);
        push_merged(&mut spans, &mut last, run(0, w, 0.0, 1.0), false);
        push_merged(&mut spans, &mut last, run(0, w, 1.01, 2.0), false); // continues
        push_merged(&mut spans, &mut last, run(0, Lane::Main, 2.0, 3.0), false); // other lane
        push_merged(&mut spans, &mut last, run(1, w, 2.0, 3.0), false); // other task
        push_merged(&mut spans, &mut last, run(1, w, 4.0, 5.0), false); // a real gap
        push_merged(&mut spans, &mut last, wait(1, w, 5.0, 6.0), false); // other kind
        assert_eq!(spans.len(), 5);
        assert_eq!((spans[0].start, spans[0].end), (0.0, 2.0));
        // A slice computed right after the last, however late (a preemption).
        push_merged(&mut spans, &mut last, wait(1, w, 9.0, 10.0), true);
        assert_eq!(spans.len(), 5);
        assert_eq!((spans[4].start, spans[4].end), (5.0, 10.0));
        push_merged(&mut spans, &mut last, run(1, w, 11.0, 12.0), true); // other kind
        assert_eq!(spans.len(), 6);
    }

    #[test]
    fn frame_stats_from_timestamps() {
        // 60 Hz frames, then a 250 ms freeze, then a 60 ms stall.
        let mut ts: Vec<f64> = (0..10).map(|i| f64::from(i) * 16.7).collect();
        let last = *ts.last().unwrap();
        ts.push(last + 250.0);
        ts.push(last + 310.0);
        let f = frame_stats(&ts, 16.7);
        assert_eq!(f.frames, 12);
        assert!((f.longest_gap_ms - 250.0).abs() < 1e-9);
        assert_eq!(f.long_gaps, 2);
        // 250 ms ≈ 15 intervals (14 missed), 60 ms ≈ 3.6 intervals (3 missed).
        assert_eq!(f.dropped, 14 + 3);
        assert_eq!(frame_stats(&[], 16.7), FrameStats::default());
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
