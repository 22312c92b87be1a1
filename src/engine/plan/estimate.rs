//! What a run should take on an ideal machine (no overheads), and the
//! refusal of runs too long to wait for. The estimate schedules the very
//! tasks the run will execute ([`Settings::task_costs`]) the way each mode
//! runs them, so skewed sizes, static blocks, random waits and the serial
//! reduce all count.

use super::{Assignment, Mode, Settings, Stage, TaskCost, Workload};
use crate::engine::format::thousands;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// A run whose estimated length exceeds this is refused rather than started.
pub const MAX_ESTIMATE_MS: f64 = 30_000.0;

impl Settings {
    /// What the run should take in `mode`, with the settings' threads for
    /// the parallel modes.
    pub fn estimate_ms(&self, mode: Mode) -> f64 {
        self.estimate_with_lanes_ms(mode, self.lanes)
    }

    /// [`Self::estimate_ms`] with `lanes` threads for the parallel modes.
    pub fn estimate_with_lanes_ms(&self, mode: Mode, lanes: u32) -> f64 {
        self.scheduled_ms(&self.task_costs(), mode, lanes)
    }

    /// `costs` as `mode` runs them, the critical section included: on the
    /// pool's lanes the locked share of every task's work runs one task at
    /// a time, so the run takes at least all of it (with `lock_pct` = 100,
    /// the one-thread time, whatever the threads). The main-thread modes
    /// take no lock, nor do the workloads that do not compute
    /// ([`Settings::lock_applies`]).
    fn scheduled_ms(&self, costs: &[TaskCost], mode: Mode, lanes: u32) -> f64 {
        let ms = schedule_ms(costs, mode, lanes, self.assignment);
        if !mode.uses_pool() || !self.lock_applies() {
            return ms;
        }
        let locked: f64 = costs
            .iter()
            .filter(|c| c.stage == Stage::Map)
            .map(|c| c.work_ms)
            .sum::<f64>()
            * f64::from(self.lock_pct.min(100))
            / 100.0;
        let reduce: f64 = costs
            .iter()
            .filter(|c| c.stage == Stage::Reduce)
            .map(|c| c.work_ms)
            .sum();
        ms.max(locked + reduce)
    }

    /// Refuses runs in `modes` whose estimate, all together, exceeds
    /// [`MAX_ESTIMATE_MS`], with the estimate (and, when threads that hold
    /// their waits are the reason, how many threads it would take).
    pub fn check_estimate(&self, modes: &[Mode]) -> Result<f64, String> {
        let costs = self.task_costs();
        let total = modes
            .iter()
            .map(|&m| self.scheduled_ms(&costs, m, self.lanes))
            .sum();
        within_limit(total).map_err(|refusal| {
            let blocking = modes.contains(&Mode::Parallel)
                && self.workload.waits()
                && self.tasks > self.lanes;
            if blocking {
                format!(
                    "{refusal} A thread per {}: {} waits at once need {} threads; this run has {}, so the waits take turns.",
                    if self.workload == Workload::Io {
                        "connection"
                    } else {
                        "task"
                    },
                    thousands(self.tasks),
                    thousands(self.tasks),
                    self.lanes
                )
            } else {
                refusal
            }
        })
    }

    /// What a sweep takes: the parallel mode once on each of 1, 2, …
    /// `threads` threads — the sum over p of that run, not one run.
    pub fn sweep_estimate_ms(&self, threads: u32) -> f64 {
        let costs = self.task_costs();
        (1..=threads.max(1))
            .map(|p| self.scheduled_ms(&costs, Mode::Parallel, p))
            .sum()
    }

    /// Refuses a sweep over 1..=`threads` threads whose estimate exceeds
    /// [`MAX_ESTIMATE_MS`], with the estimate.
    pub fn check_sweep_estimate(&self, threads: u32) -> Result<f64, String> {
        within_limit(self.sweep_estimate_ms(threads))
    }

    /// For a sweep's Amdahl fit: the share of the one-thread time the
    /// *parallel part alone* needs on `p` threads, on an ideal machine.
    /// With 12 equal tasks that is ⌈12/p⌉/12, not 1/p: 8 threads do no
    /// better than 6, because tasks are whole. The fit uses this in place of
    /// 1/p, so that whole rounds of tasks are not mistaken for serial work.
    pub fn parallel_share(&self, p: u32) -> f64 {
        let map: Vec<TaskCost> = self
            .task_costs()
            .into_iter()
            .filter(|c| c.stage == Stage::Map)
            .collect();
        let one = schedule_ms(&map, Mode::Parallel, 1, self.assignment);
        if one <= 0.0 {
            return 1.0 / f64::from(p.max(1));
        }
        schedule_ms(&map, Mode::Parallel, p, self.assignment) / one
    }
}

/// `Ok(total_ms)`, or the refusal of a run estimated past [`MAX_ESTIMATE_MS`].
fn within_limit(total: f64) -> Result<f64, String> {
    if total > MAX_ESTIMATE_MS {
        return Err(format!(
            "This would take about {:.1} s (the limit is {:.0} s). Use fewer tasks or shorter ones.",
            total / 1000.0,
            MAX_ESTIMATE_MS / 1000.0
        ));
    }
    Ok(total)
}

/// A time that orders totally, for the schedulers' heaps.
#[derive(Debug, Clone, Copy, PartialEq)]
struct At(f64);

impl Eq for At {}

impl PartialOrd for At {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for At {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The makespan of `costs` run in `mode` with `lanes` threads (the parallel
/// modes), on an ideal machine: the map tasks as the mode runs them, then the
/// reduce, if any, alone.
pub fn schedule_ms(costs: &[TaskCost], mode: Mode, lanes: u32, assignment: Assignment) -> f64 {
    let lanes = lanes.max(1) as usize;
    let (map, reduce): (Vec<&TaskCost>, Vec<&TaskCost>) =
        costs.iter().partition(|c| c.stage == Stage::Map);
    let reduce_ms: f64 = reduce.iter().map(|c| c.work_ms).sum();
    let map_ms = match mode {
        Mode::Sequential => map.iter().map(|c| c.wait_ms + c.work_ms).sum(),
        // Waits overlap; the computations queue on the one thread, each
        // as soon as its wait is over.
        Mode::Concurrent => released_onto(&map, 1),
        Mode::Parallel => match assignment {
            Assignment::Static => static_blocks(&map, lanes),
            // Claiming from a queue and stealing both keep every lane busy
            // while tasks are left: on an ideal machine, greedy scheduling.
            Assignment::Dynamic | Assignment::Stealing => greedy(&map, lanes),
        },
        Mode::Both => released_onto(&map, lanes),
    };
    map_ms + reduce_ms
}

/// Tasks in order, each (wait and work) on the lane free soonest.
fn greedy(map: &[&TaskCost], lanes: usize) -> f64 {
    let mut free: BinaryHeap<Reverse<At>> = (0..lanes.min(map.len().max(1)))
        .map(|_| Reverse(At(0.0)))
        .collect();
    let mut makespan: f64 = 0.0;
    for c in map {
        let Some(Reverse(At(t))) = free.pop() else {
            break;
        };
        let end = t + c.wait_ms + c.work_ms;
        makespan = makespan.max(end);
        free.push(Reverse(At(end)));
    }
    makespan
}

/// Lane i runs the i-th contiguous block of tasks.
fn static_blocks(map: &[&TaskCost], lanes: usize) -> f64 {
    let n = map.len();
    (0..lanes)
        .map(|i| {
            map[i * n / lanes..(i + 1) * n / lanes]
                .iter()
                .map(|c| c.wait_ms + c.work_ms)
                .sum::<f64>()
        })
        .fold(0.0, f64::max)
}

/// Every wait starts at once; each task computes, once its wait is over, on
/// the first of `lanes` computing threads free.
fn released_onto(map: &[&TaskCost], lanes: usize) -> f64 {
    let mut order: Vec<&&TaskCost> = map.iter().collect();
    order.sort_by(|a, b| a.wait_ms.total_cmp(&b.wait_ms));
    let mut free: BinaryHeap<Reverse<At>> = (0..lanes).map(|_| Reverse(At(0.0))).collect();
    let mut makespan: f64 = 0.0;
    for c in order {
        if c.work_ms <= 0.0 {
            makespan = makespan.max(c.wait_ms);
            continue;
        }
        let Some(Reverse(At(t))) = free.pop() else {
            break;
        };
        let end = t.max(c.wait_ms) + c.work_ms;
        makespan = makespan.max(end);
        free.push(Reverse(At(end)));
    }
    makespan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::{Sizes, Waits};

    fn settings() -> Settings {
        Settings::default()
    }

    #[test]
    fn estimates_follow_the_physics_of_each_mode() {
        let cpu = Settings {
            workload: Workload::Cpu,
            tasks: 8,
            work_ms: 100,
            lanes: 2,
            ..settings()
        };
        assert_eq!(cpu.estimate_ms(Mode::Sequential), 800.0);
        assert_eq!(cpu.estimate_ms(Mode::Concurrent), 800.0);
        assert_eq!(cpu.estimate_ms(Mode::Parallel), 400.0);
        assert_eq!(cpu.estimate_ms(Mode::Both), 400.0);

        let io = Settings {
            workload: Workload::Io,
            latency_ms: 200,
            ..cpu.clone()
        };
        assert_eq!(io.estimate_ms(Mode::Sequential), 1_600.0);
        assert_eq!(io.estimate_ms(Mode::Concurrent), 200.0);
        assert_eq!(io.estimate_ms(Mode::Parallel), 800.0);
        assert_eq!(io.estimate_ms(Mode::Both), 200.0);

        let mixed = Settings {
            workload: Workload::Mixed,
            ..io
        };
        assert_eq!(mixed.estimate_ms(Mode::Sequential), 2_400.0);
        assert_eq!(mixed.estimate_ms(Mode::Concurrent), 1_000.0);
        assert_eq!(mixed.estimate_ms(Mode::Both), 600.0);
    }

    /// Load balancing on paper: 8 tasks, the first 8× heavier, 2 lanes.
    /// Static blocks give lane 0 the heavy task and three more (8 + 3 = 11
    /// units); greedy gives it the heavy task alone (8 units).
    #[test]
    fn static_blocks_pay_for_skew_and_greedy_does_not() {
        let s = Settings {
            workload: Workload::Cpu,
            tasks: 8,
            work_ms: 10,
            lanes: 2,
            sizes: Sizes::Skewed,
            skew_every: 8,
            skew_factor: 8,
            ..settings()
        };
        let with = |assignment| {
            Settings {
                assignment,
                ..s.clone()
            }
            .estimate_ms(Mode::Parallel)
        };
        assert_eq!(with(Assignment::Static), 110.0);
        assert_eq!(with(Assignment::Dynamic), 80.0);
        assert_eq!(with(Assignment::Stealing), 80.0);
        assert_eq!(s.estimate_ms(Mode::Sequential), 150.0);
    }

    #[test]
    fn the_reduce_runs_alone_after_the_map() {
        let s = Settings {
            workload: Workload::Cpu,
            tasks: 8,
            work_ms: 30,
            lanes: 4,
            serial_pct: 25, // 240 ms of map, an 80 ms reduce
            ..settings()
        };
        assert_eq!(s.estimate_ms(Mode::Sequential), 320.0);
        assert_eq!(s.estimate_ms(Mode::Parallel), 60.0 + 80.0);
        assert_eq!(s.estimate_ms(Mode::Both), 60.0 + 80.0);
        // The fit's parallel share leaves the reduce out: the map alone.
        assert_eq!(s.parallel_share(4), 0.25);
    }

    #[test]
    fn the_parallel_share_counts_whole_rounds() {
        let s = Settings {
            workload: Workload::Cpu,
            tasks: 12,
            work_ms: 40,
            ..settings()
        };
        for (p, rounds) in [
            (1, 12.0),
            (2, 6.0),
            (5, 3.0),
            (6, 2.0),
            (8, 2.0),
            (12, 1.0),
            (64, 1.0),
        ] {
            assert_eq!(s.parallel_share(p), rounds / 12.0, "p = {p}");
        }
    }

    /// A lock held for all of each task's work: the parallel run takes the
    /// one-thread time, whatever the threads; half of it: at least half.
    #[test]
    fn a_critical_section_runs_one_task_at_a_time() {
        let s = Settings {
            workload: Workload::Cpu,
            tasks: 8,
            work_ms: 100,
            lanes: 4,
            lock_pct: 100,
            ..settings()
        };
        assert_eq!(s.estimate_ms(Mode::Parallel), 800.0);
        assert_eq!(s.estimate_ms(Mode::Both), 800.0);
        assert_eq!(s.estimate_ms(Mode::Concurrent), 800.0);
        assert_eq!(s.sweep_estimate_ms(4), 3_200.0);
        let half = Settings { lock_pct: 50, ..s };
        assert_eq!(half.estimate_ms(Mode::Parallel), 400.0);
        assert_eq!(
            Settings { lanes: 1, ..half }.estimate_ms(Mode::Parallel),
            800.0
        );
    }

    /// The lock slider keeps its value when a workload that takes no lock
    /// is chosen (the counter, I/O): the run takes no lock
    /// (`Run::of_settings`), so the estimate and the refusal charge none.
    #[test]
    fn the_lock_is_charged_only_where_the_workload_takes_it() {
        let counter = Settings {
            workload: Workload::Counter,
            strategy: crate::engine::plan::Strategy::Atomic,
            tasks: 100,
            updates: 10_000_000, // 400 ms a task at the nominal 40 ns
            lanes: 16,
            ..settings()
        };
        let io = Settings {
            workload: Workload::Io,
            tasks: 64,
            latency_ms: 10,
            handle_us: 100_000, // 100 ms of handling after each wait
            lanes: 16,
            ..settings()
        };
        let cpu = Settings {
            workload: Workload::Cpu,
            tasks: 8,
            work_ms: 100,
            lanes: 4,
            ..settings()
        };
        // (settings, estimate without a lock, with the lock slider at 100 %)
        let cases = [
            (counter.clone(), 2_800.0, 2_800.0),
            (io, 4.0 * 110.0, 4.0 * 110.0),
            (cpu, 200.0, 800.0),
        ];
        for (s, free, locked) in cases {
            let with = |lock_pct| Settings {
                lock_pct,
                ..s.clone()
            };
            let w = s.workload;
            let ms = |lock_pct| with(lock_pct).estimate_ms(Mode::Parallel);
            assert!((ms(0) - free).abs() < 1e-6, "{w:?}: {}", ms(0));
            assert!((ms(100) - locked).abs() < 1e-6, "{w:?}: {}", ms(100));
            assert_eq!(
                with(100).sweep_estimate_ms(4) > with(0).sweep_estimate_ms(4),
                w.computes(),
                "{w:?}"
            );
        }
        // 100 tasks of 400 ms on 16 threads: 2.8 s, not the 40 s of a lock
        // the counter never takes, so the run is not refused.
        let slider_left_at_100 = Settings {
            lock_pct: 100,
            ..counter
        };
        assert_eq!(
            slider_left_at_100
                .check_estimate(&[Mode::Parallel])
                .map(|ms| ms.round()),
            Ok(2_800.0)
        );
    }

    #[test]
    fn random_waits_are_estimated_from_the_waits_themselves() {
        let s = Settings {
            workload: Workload::Io,
            tasks: 10_000,
            latency_ms: 300,
            waits: Waits::Exponential,
            handle_us: 50,
            lanes: 2,
            ..settings()
        };
        let longest = s.task_costs().iter().map(|c| c.wait_ms).fold(0.0, f64::max);
        let concurrent = s.estimate_ms(Mode::Concurrent);
        // The handling (10,000 × 0.05 ms) fits in the waits: about the longest wait.
        assert!(
            concurrent >= longest && concurrent < longest + 500.0,
            "{concurrent} vs {longest}"
        );
        let refusal = s.check_estimate(&[Mode::Parallel]).unwrap_err();
        assert!(
            refusal.contains("10,000 waits at once need 10,000 threads; this run has 2"),
            "{refusal}"
        );
        assert!(s.check_estimate(&[Mode::Concurrent]).is_ok());
    }

    #[test]
    fn long_runs_are_refused_with_their_estimate() {
        let s = Settings {
            workload: Workload::Cpu,
            tasks: 10_000,
            work_ms: 100,
            ..settings()
        };
        let err = s.check_estimate(&[Mode::Sequential]).unwrap_err();
        assert!(err.contains("1000.0 s"), "{err}");
        assert!(
            !err.contains("thread per"),
            "no waits, no blocked threads: {err}"
        );
        assert!(settings().check_estimate(&Mode::ALL).is_ok());
    }

    /// A sweep is one parallel run per thread count, each with its own
    /// rounds of tasks: 8 tasks of 100 ms on 1..=4 threads take
    /// 800 + 400 + 300 + 200 ms, not one run's 200 ms.
    #[test]
    fn a_sweep_is_estimated_and_refused_as_the_sum_of_its_runs() {
        let s = Settings {
            workload: Workload::Cpu,
            tasks: 8,
            work_ms: 100,
            lanes: 4,
            ..settings()
        };
        assert_eq!(s.sweep_estimate_ms(4), 1_700.0);
        assert_eq!(s.check_sweep_estimate(4), Ok(1_700.0));
        let long = Settings {
            tasks: 64,
            work_ms: 1_000,
            ..s
        };
        // One run on 16 threads is 4 s; the sweep over 1..=16 is 4 × 64 + …
        assert!(long.check_estimate(&[Mode::Parallel]).is_ok());
        let err = long.check_sweep_estimate(16).unwrap_err();
        assert!(err.contains("about"), "{err}");
    }
}
