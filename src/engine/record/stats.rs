//! Figures derived from one trace: makespan, computation, waits, lock
//! waits, the most tasks in flight at once, the main thread's blocking, and
//! each lane's busy, lock-waiting and idle time (with the pool threads that
//! ran nothing); a run against a baseline.

use super::{Lane, SpanKind, Trace};
use std::collections::BTreeMap;

impl Trace {
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
        let lanes = self.lane_uses();
        let pool = self.mode.uses_pool().then(|| {
            let workers: Vec<LaneUse> = lanes
                .iter()
                .copied()
                .filter(|l| matches!(l.lane, Lane::Worker(_)))
                .collect();
            PoolUse {
                unused: self.lanes.saturating_sub(workers.len() as u32),
                lanes: workers,
                makespan_ms: self.duration_ms,
            }
        });
        Stats {
            makespan_ms: self.duration_ms,
            cpu_ms,
            wait_ms,
            lock_ms,
            peak_overlap: self.peak_overlap(),
            tasks_finished: self.finished,
            lanes,
            pool,
            main_blocked_ms,
            longest_block_ms,
        }
    }

    /// Each lane that ran something, in timeline order: its busy time
    /// (computing; on a worker, also holding the thread in a blocking
    /// wait), its lock waits, and the rest, idle.
    fn lane_uses(&self) -> Vec<LaneUse> {
        // (busy, lock) per lane.
        let mut by_lane: BTreeMap<Lane, (f64, f64)> = BTreeMap::new();
        for s in &self.spans {
            let (busy, lock) = by_lane.entry(s.lane).or_default();
            match s.kind {
                SpanKind::Run => *busy += s.duration(),
                // The main thread's waits are asynchronous: it is free meanwhile.
                SpanKind::Wait if s.lane != Lane::Main => *busy += s.duration(),
                SpanKind::Wait => {}
                SpanKind::Lock => *lock += s.duration(),
            }
        }
        by_lane
            .into_iter()
            .map(|(lane, (busy_ms, lock_ms))| LaneUse {
                lane,
                busy_ms,
                lock_ms,
                idle_ms: (self.duration_ms - busy_ms - lock_ms).max(0.0),
                utilisation: if self.duration_ms > 0.0 {
                    busy_ms / self.duration_ms
                } else {
                    0.0
                },
            })
            .collect()
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

/// Use of one lane during a run: each moment of the run is busy, waiting
/// for the lock, or idle, so the three add up to the makespan (less any
/// time a lane's spans overran the run's end).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LaneUse {
    pub lane: Lane,
    /// Time the lane's thread was busy: computing, or (on a worker) holding
    /// the thread in a blocking wait, as a thread per connection does.
    pub busy_ms: f64,
    /// Time the lane waited for the run's lock while another lane held it:
    /// its thread held, computing nothing (on workers only: the main thread
    /// never takes the lock).
    pub lock_ms: f64,
    /// The rest of the run: time the lane had nothing to do (while another
    /// lane finished its share, or the serial reduce ran elsewhere).
    pub idle_ms: f64,
    /// `busy_ms` over the run's makespan.
    pub utilisation: f64,
}

/// How the pool threads a run could use spent it: the one source of "idle
/// per thread" (the comparison's column, the lessons' idle share).
#[derive(Debug, Clone, PartialEq)]
pub struct PoolUse {
    /// Each pool thread that ran something, in lane order.
    pub lanes: Vec<LaneUse>,
    /// Threads the run could use that ran nothing: idle all the run. (They
    /// are not named: a run's lanes are whichever pool threads took them.)
    pub unused: u32,
    /// The run's makespan, which the unused threads spent idle.
    pub makespan_ms: f64,
}

impl PoolUse {
    /// The threads' idle time, all together: each lane's, and the whole run
    /// for each thread that ran nothing.
    pub fn idle_ms(&self) -> f64 {
        self.lanes.iter().map(|l| l.idle_ms).sum::<f64>()
            + f64::from(self.unused) * self.makespan_ms
    }

    /// The threads' waits for the lock, all together.
    pub fn lock_ms(&self) -> f64 {
        self.lanes.iter().map(|l| l.lock_ms).sum()
    }

    /// The share of the threads' time spent idle, from 0 to 1.
    pub fn idle_share(&self) -> f64 {
        let threads = self.lanes.len() as f64 + f64::from(self.unused);
        let span = self.makespan_ms * threads;
        if span <= 0.0 {
            return 0.0;
        }
        (self.idle_ms() / span).clamp(0.0, 1.0)
    }
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
    /// The pool threads' use, in the modes that use the pool.
    pub pool: Option<PoolUse>,
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
    use crate::engine::plan::Mode;
    use crate::engine::record::Span;
    use crate::engine::record::fixtures::{lock, run, trace, wait};

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

    /// Worker 2 waits 90 ms for the lock worker 1 holds, then computes
    /// 10 ms: it was neither busy nor idle while it waited.
    #[test]
    fn waiting_for_the_lock_is_neither_busy_nor_idle() {
        let (w0, w1) = (Lane::Worker(0), Lane::Worker(1));
        let t = trace(
            Mode::Parallel,
            2,
            100.0,
            &[
                run(0, w0, 0.0, 100.0),
                lock(1, w1, 0.0, 90.0),
                run(1, w1, 90.0, 100.0),
            ],
        );
        let s = t.stats();
        let read: Vec<(Lane, f64, f64, f64)> = s
            .lanes
            .iter()
            .map(|l| (l.lane, l.busy_ms, l.lock_ms, l.idle_ms))
            .collect();
        assert_eq!(read, [(w0, 100.0, 0.0, 0.0), (w1, 10.0, 90.0, 0.0)]);
        assert_eq!(s.lock_ms, 90.0);
        assert!((s.lanes[1].utilisation - 0.1).abs() < 1e-12);
        let pool = s.pool.expect("a parallel run uses the pool");
        assert_eq!(
            (pool.lock_ms(), pool.idle_ms(), pool.idle_share()),
            (90.0, 0.0, 0.0)
        );
    }

    /// Idle per thread, as the comparison and the lessons read it: each
    /// thread's time with nothing to do, and the whole run for a thread of
    /// the run that ran nothing.
    #[test]
    fn idle_per_thread_counts_the_pool_threads_that_ran_nothing() {
        let (w0, w1) = (Lane::Worker(0), Lane::Worker(1));
        // 3 threads; worker 2 done at 40 ms after a 10 ms lock wait; one
        // thread never got a task.
        let t = trace(
            Mode::Parallel,
            3,
            100.0,
            &[
                run(0, w0, 0.0, 100.0),
                lock(1, w1, 0.0, 10.0),
                run(1, w1, 10.0, 40.0),
            ],
        );
        let pool = t.stats().pool.expect("a parallel run uses the pool");
        assert_eq!(
            pool.lanes.iter().map(|l| l.idle_ms).collect::<Vec<_>>(),
            [0.0, 60.0]
        );
        assert_eq!(pool.unused, 1);
        assert_eq!(pool.idle_ms(), 160.0);
        assert!((pool.idle_share() - 160.0 / 300.0).abs() < 1e-12);
        // The main thread's modes use no pool: no pool figures.
        let seq = trace(Mode::Sequential, 1, 10.0, &[run(0, Lane::Main, 0.0, 10.0)]);
        assert_eq!(seq.stats().pool, None);
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
}
