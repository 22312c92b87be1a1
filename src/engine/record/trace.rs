//! A finished (or stopped) run: its spans, times relative to its start, how
//! it ended, and what it computed (checksum, slices, the counter's tally).

use super::{FrameStats, Lane, Span};
use crate::engine::plan::{Mode, Strategy};
use std::collections::BTreeSet;

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

/// What a shared-counter run counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub strategy: Strategy,
    /// Updates the tasks made (each believes it added one).
    pub expected: u64,
    /// The counter's final value.
    pub actual: u64,
}

impl Tally {
    /// Updates that vanished: overwritten by another lane's stale write.
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.actual)
    }
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
            // A span cannot start before its run. One that seems to, by
            // less than a millisecond, was stamped by a worker whose clock
            // is a little behind the main thread's (clock skew, see
            // `MAX_CLOCK_SKEW_MS`): it began with the run. Clamped here,
            // once, so every reader of a trace (the stats, the link's
            // encoder, its validation) sees the same times.
            *s = s.within_run();
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

    /// The trace with every time rounded to a whole microsecond: the
    /// resolution a result link keeps, and finer than any browser's clock
    /// (5 µs cross-origin isolated, 100 µs otherwise). The page keeps its
    /// runs so, once finished, so that a run it shows and the same run
    /// brought back by a link read alike to the last digit: a 60.3497 ms run
    /// would say "60.3 ms" here and, stored as 60 350 µs, "60.4 ms" there.
    pub fn to_whole_micros(mut self) -> Trace {
        let us = |ms: f64| {
            if ms.is_finite() {
                (ms * 1000.0).round() / 1000.0
            } else {
                ms
            }
        };
        self.duration_ms = us(self.duration_ms);
        self.origin_ms = us(self.origin_ms);
        for s in &mut self.spans {
            s.start = us(s.start);
            s.end = us(s.end);
        }
        self.frames.longest_gap_ms = us(self.frames.longest_gap_ms);
        self.cancel_latency_ms = self.cancel_latency_ms.map(us);
        self
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

    /// The rows a timeline of this trace has: the main thread, then every
    /// pool thread up to the highest that ran a span, and at least as many
    /// worker rows as the run's threads (a thread that took no task shows
    /// as an empty row). Read from the trace, never from the page's pool: a
    /// run received from a 16-thread machine shows its 16 workers on any
    /// page, and a surviving thread of a pool that lost one keeps its row.
    pub fn rows(&self) -> usize {
        let highest = self.spans.iter().map(|s| s.lane.row()).max().unwrap_or(0);
        let threads = if self.mode.uses_pool() {
            self.lanes as usize
        } else {
            0
        };
        1 + threads.max(highest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::record::fixtures::{run, trace};

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

    /// Rows come from the trace: a 16-thread run shows 16 workers wherever
    /// it is drawn, and worker 2 of a pool that lost worker 1 keeps its row.
    #[test]
    fn a_trace_has_a_row_for_every_lane_it_ran_on() {
        let sixteen: Vec<Span> = (0..16u16)
            .map(|k| run(u32::from(k), Lane::Worker(k), 0.0, 10.0))
            .collect();
        let received = trace(Mode::Parallel, 16, 10.0, &sixteen);
        assert_eq!(received.rows(), 17);
        // A pool of 2 lost worker 1: the run on 1 thread ran on worker 2.
        let survivor = trace(
            Mode::Parallel,
            1,
            10.0,
            &[run(0, Lane::Worker(1), 0.0, 10.0)],
        );
        assert_eq!(survivor.rows(), 3);
        // Threads that took no task still show; the main thread always does.
        let idle = trace(
            Mode::Parallel,
            4,
            10.0,
            &[run(0, Lane::Worker(0), 0.0, 10.0)],
        );
        assert_eq!(idle.rows(), 5);
        let main = trace(Mode::Sequential, 1, 10.0, &[run(0, Lane::Main, 0.0, 10.0)]);
        assert_eq!(main.rows(), 1);
    }

    #[test]
    fn a_tally_counts_lost_updates() {
        let t = Tally {
            strategy: Strategy::Racy,
            expected: 10,
            actual: 7,
        };
        assert_eq!(t.lost(), 3);
    }
}
