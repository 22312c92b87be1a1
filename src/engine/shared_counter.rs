//! Shared state on real threads: tasks that add to one counter, with a
//! chosen way of sharing it. Each way is a few lines of ordinary Rust, and
//! what they cost (or lose) is measured, not simulated:
//!
//! - **racy**: a read, then a write — two separate atomic operations with
//!   relaxed ordering. Safe Rust (no undefined behaviour), and still a
//!   lost-update race: two threads read the same value, both write value + 1.
//! - **atomic**: one `fetch_add`, indivisible; the cache line holding the
//!   counter travels between the cores on every update.
//! - **mutex**: a lock around the increment; contended, a lane sleeps. Only
//!   the pool's lanes ever run it (the main thread may not sleep).
//! - **local**: each lane counts in a register and adds its count to the
//!   total once per slice (every 20,000 updates): almost nothing shared, so
//!   it scales.
//! - **adjacent / padded**: each lane writes every update to a counter of its
//!   own in memory; adjacent counters share one cache line (false sharing:
//!   no data is shared, yet the line bounces between cores), padded ones sit
//!   128 bytes apart (two 64-byte lines: adjacent-line prefetchers fetch
//!   lines in pairs).

use super::model::{SweepPoint, lock_share, sweep_points};
use super::plan::{Field, MAX_ESTIMATE_MS, Mode, Settings, Workload};
use super::trace::{Lane, SpanKind, Trace};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

named_choice! {
    /// How the tasks of the shared-counter workload update the counter.
    Strategy {
        /// A relaxed load, then a relaxed store of the value plus one.
        Racy => ("racy", "Racy (read, then write)"),
        /// `fetch_add` on the shared counter.
        Atomic => ("atomic", "Atomic (fetch_add)"),
        /// A mutex around the increment.
        Mutex => ("mutex", "Mutex (lock each update)"),
        /// Counted per lane in a register, added once per slice.
        Local => ("local", "Local (count per lane, add to the total now and then)"),
        /// A counter per lane, written every update, all in one cache line.
        Adjacent => ("adjacent", "Per-lane counters, side by side"),
        /// A counter per lane, written every update, 128 bytes apart.
        Padded => ("padded", "Per-lane counters, padded apart"),
    }
}

impl Strategy {
    /// About what one update costs, in ns of lane time, a little above the
    /// slowest measured here (Chromium, 2 cores, 2026-11-26, the lessons'
    /// runs on 1 and 2 threads: atomic 9–38, mutex 13–30, local 1.8–3.1,
    /// side by side 36–38, padded 10–12; racy about as atomic on one
    /// thread). For time estimates, and to give each strategy of an
    /// experiment runs of about the same length.
    pub fn nominal_ns(self) -> f64 {
        match self {
            Strategy::Racy => 10.0,
            Strategy::Atomic | Strategy::Mutex | Strategy::Adjacent => 40.0,
            Strategy::Local => 4.0,
            Strategy::Padded => 12.0,
        }
    }
}

/// Per-lane counters side by side: eight to a 64-byte cache line.
#[repr(C, align(64))]
#[derive(Debug)]
struct Adjacent([AtomicU64; SLOTS]);

impl Default for Adjacent {
    fn default() -> Adjacent {
        Adjacent(std::array::from_fn(|_| AtomicU64::new(0)))
    }
}

/// One per-lane counter alone on 128 bytes.
#[repr(C, align(128))]
#[derive(Debug, Default)]
struct Padded(AtomicU64);

/// Lanes with a counter of their own (a pool has at most this many threads).
const SLOTS: usize = 64;

/// The counter the tasks of a run share, in every strategy's form.
#[derive(Debug)]
pub struct SharedCounter {
    pub strategy: Strategy,
    shared: AtomicU64,
    locked: Mutex<u64>,
    /// The mutex strategy's count, copied out under the lock: what the main
    /// thread reads at the end, so that it never takes the lock (a lane that
    /// died holding it would block the page for ever).
    locked_copy: AtomicU64,
    adjacent: Adjacent,
    padded: Vec<Padded>,
}

impl SharedCounter {
    pub fn new(strategy: Strategy) -> SharedCounter {
        SharedCounter {
            strategy,
            shared: AtomicU64::new(0),
            locked: Mutex::new(0),
            locked_copy: AtomicU64::new(0),
            adjacent: Adjacent::default(),
            padded: (0..SLOTS).map(|_| Padded::default()).collect(),
        }
    }

    /// Adds 1, `n` times, from `lane`, in the counter's strategy. Returns
    /// what the lane believes it added (always `n`: only the total shows
    /// what the race lost).
    pub fn add(&self, lane: Lane, n: u64) -> u64 {
        let slot = lane.row() % SLOTS;
        match self.strategy {
            Strategy::Racy => {
                for _ in 0..n {
                    let seen = self.shared.load(Ordering::Relaxed);
                    self.shared.store(seen.wrapping_add(1), Ordering::Relaxed);
                }
            }
            Strategy::Atomic => {
                for _ in 0..n {
                    self.shared.fetch_add(1, Ordering::Relaxed);
                }
            }
            Strategy::Mutex => {
                for _ in 0..n {
                    let mut count = self.locked.lock().unwrap_or_else(PoisonError::into_inner);
                    *count += 1;
                    self.locked_copy.store(*count, Ordering::Relaxed);
                }
            }
            Strategy::Local => {
                let mut count = 0u64;
                for _ in 0..n {
                    count = std::hint::black_box(count + 1);
                }
                self.padded[slot].0.fetch_add(count, Ordering::Relaxed);
            }
            // One writer per counter: a load and a store cannot lose
            // anything, and both go to memory on every update.
            Strategy::Adjacent => bump_each(&self.adjacent.0[slot], n),
            Strategy::Padded => bump_each(&self.padded[slot].0, n),
        }
        n
    }

    /// The counter's value: the shared one, or the sum of the lanes'.
    /// Read after every lane has exited.
    pub fn total(&self) -> u64 {
        match self.strategy {
            Strategy::Racy | Strategy::Atomic => self.shared.load(Ordering::Acquire),
            Strategy::Mutex => self.locked_copy.load(Ordering::Acquire),
            Strategy::Local | Strategy::Padded => self
                .padded
                .iter()
                .map(|p| p.0.load(Ordering::Acquire))
                .sum(),
            Strategy::Adjacent => self
                .adjacent
                .0
                .iter()
                .map(|a| a.load(Ordering::Acquire))
                .sum(),
        }
    }
}

fn bump_each(counter: &AtomicU64, n: u64) {
    for _ in 0..n {
        let v = counter.load(Ordering::Relaxed);
        counter.store(v + 1, Ordering::Relaxed);
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

/// Nanoseconds of lane time per update in a shared-counter run: the time
/// its lanes spent computing (every `Run` span) over the updates made. It
/// stays flat as threads are added when nothing is shared, and grows when
/// each update has to fetch the counter's cache line from another core.
/// `None` for a run that is not the counter's or made no update.
pub fn ns_per_update(trace: &Trace) -> Option<f64> {
    let tally = trace.counter?;
    if tally.expected == 0 {
        return None;
    }
    let lane_ms: f64 = trace
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Run)
        .map(|s| s.duration())
        .sum();
    Some(lane_ms * 1e6 / tally.expected as f64)
}

/// One shared-counter run, as the page's tables and the lessons read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CounterRow {
    pub threads: u32,
    pub tally: Tally,
    /// See [`ns_per_update`].
    pub ns_per_update: f64,
    /// Wall time of the run.
    pub makespan_ms: f64,
}

impl CounterRow {
    /// The row of a shared-counter run; `None` for any other run.
    pub fn of(trace: &Trace) -> Option<CounterRow> {
        Some(CounterRow {
            threads: trace.lanes,
            tally: trace.counter?,
            ns_per_update: ns_per_update(trace)?,
            makespan_ms: trace.duration_ms,
        })
    }

    /// The rows of `traces` that are counter runs, in their order.
    pub fn all(traces: &[Trace]) -> Vec<CounterRow> {
        traces.iter().filter_map(CounterRow::of).collect()
    }
}

/// The row of `strategy` on `threads` threads among `rows` (the last one,
/// if the experiment ran it twice).
pub fn row_of(rows: &[CounterRow], strategy: Strategy, threads: u32) -> Option<CounterRow> {
    rows.iter()
        .rev()
        .find(|r| r.tally.strategy == strategy && r.threads == threads)
        .copied()
}

/// The speedups of `strategy`'s runs among `rows` (each thread count's
/// wall time against its one-thread run): below 1 where more threads were
/// slower.
pub fn speedups(rows: &[CounterRow], strategy: Strategy) -> Vec<SweepPoint> {
    let makespans: Vec<(u32, f64)> = rows
        .iter()
        .filter(|r| r.tally.strategy == strategy)
        .map(|r| (r.threads, r.makespan_ms))
        .collect();
    sweep_points(&makespans)
}

/// Updates lost as a percentage of those made.
pub fn lost_pct(tally: &Tally) -> f64 {
    if tally.expected == 0 {
        0.0
    } else {
        tally.lost() as f64 * 100.0 / tally.expected as f64
    }
}

/// How much slower per update per-lane counters side by side in one cache
/// line were than the same counters padded apart, on the most threads both
/// ran on: the false-sharing factor, with that thread count.
pub fn false_sharing(rows: &[CounterRow]) -> Option<(u32, f64)> {
    let threads = rows
        .iter()
        .filter(|r| r.tally.strategy == Strategy::Adjacent)
        .map(|r| r.threads)
        .filter(|&t| row_of(rows, Strategy::Padded, t).is_some())
        .max()?;
    let adjacent = row_of(rows, Strategy::Adjacent, threads)?.ns_per_update;
    let padded = row_of(rows, Strategy::Padded, threads)?.ns_per_update;
    (padded > 0.0).then(|| (threads, adjacent / padded))
}

/// The runs of a strategy × threads experiment, in the order they run:
/// every thread count of one strategy, then the next strategy. The
/// strategy only matters to the shared-counter workload; other workloads
/// run each thread count once. Each strategy makes as many updates as take
/// about as long as the settings' updates in the settings' strategy (by
/// [`Strategy::nominal_ns`]): local counting at 2 ns an update made runs of
/// a few milliseconds, start-up included, too short to show it scale.
pub fn grid(settings: &Settings, strategies: &[Strategy], threads: &[u32]) -> Vec<(Settings, u32)> {
    let counter = settings.workload == Workload::Counter;
    let strategies: Vec<Strategy> = if counter && !strategies.is_empty() {
        strategies.to_vec()
    } else {
        vec![settings.strategy]
    };
    strategies
        .iter()
        .flat_map(|&strategy| {
            let updates = if counter {
                let scaled = f64::from(settings.updates) * settings.strategy.nominal_ns()
                    / strategy.nominal_ns();
                let most = Field::Updates.bounds().max;
                (scaled.round() as u32).clamp(1, most)
            } else {
                settings.updates
            };
            threads.iter().map(move |&p| {
                (
                    Settings {
                        strategy,
                        updates,
                        lanes: p.max(1),
                        ..settings.clone()
                    },
                    p.max(1),
                )
            })
        })
        .collect()
}

/// What a grid of runs should take, all together: each run by the
/// engine's estimate, and a run with a critical section at least its
/// locked share of the work done one lane at a time (the estimate itself
/// knows nothing of the lock).
pub fn grid_estimate_ms(runs: &[(Settings, u32)]) -> f64 {
    // The engine's estimate counts the critical section too.
    runs.iter()
        .map(|(s, p)| s.estimate_with_lanes_ms(Mode::Parallel, *p))
        .sum()
}

/// Refuses a grid of runs estimated beyond [`MAX_ESTIMATE_MS`], saying so.
pub fn check_grid_estimate(runs: &[(Settings, u32)]) -> Result<f64, String> {
    let total = grid_estimate_ms(runs);
    if total > MAX_ESTIMATE_MS {
        return Err(format!(
            "These {} runs would take about {:.1} s together (the limit is {:.0} s). Use fewer updates or tasks.",
            runs.len(),
            total / 1000.0,
            MAX_ESTIMATE_MS / 1000.0
        ));
    }
    Ok(total)
}

/// What a sweep says about the critical section set in its settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LockReading {
    /// The share read back from the best speedup (see [`lock_share`]).
    Read { configured: f64, read: f64 },
    /// The best speedup was close to its thread count: on `threads`
    /// threads the threads, not the lock, were the limit, so the share is
    /// only known to be below about 1/`threads`.
    Unreadable { configured: f64, threads: u32 },
}

/// The lock share set in `settings` against what the sweep's `points`
/// give back; `None` when no lock was set or the sweep has no point beyond
/// one thread.
pub fn lock_reading(settings: &Settings, points: &[SweepPoint]) -> Option<LockReading> {
    if settings.lock_pct == 0 || !settings.workload.computes() {
        return None;
    }
    let configured = f64::from(settings.lock_pct.min(100)) / 100.0;
    let threads = points.iter().map(|p| p.threads).max().filter(|&t| t > 1)?;
    Some(match lock_share(points, settings.tasks) {
        Some(read) => LockReading::Read { configured, read },
        None => LockReading::Unreadable {
            configured,
            threads,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_counts_exactly_on_one_thread() {
        for &strategy in Strategy::ALL {
            let c = SharedCounter::new(strategy);
            c.add(Lane::Worker(0), 1_000);
            c.add(Lane::Worker(3), 500);
            c.add(Lane::Main, 7);
            assert_eq!(c.total(), 1_507, "{strategy:?}");
        }
    }

    #[test]
    fn padded_counters_are_on_lines_of_their_own() {
        let c = SharedCounter::new(Strategy::Padded);
        let a = std::ptr::from_ref(&c.padded[0].0) as usize;
        let b = std::ptr::from_ref(&c.padded[1].0) as usize;
        assert_eq!(b - a, 128);
        assert_eq!(a % 128, 0);
        let adjacent = std::ptr::from_ref(&c.adjacent.0[0]) as usize;
        assert_eq!(adjacent % 64, 0, "the first eight share one line");
    }

    #[test]
    fn names_round_trip() {
        for &s in Strategy::ALL {
            assert_eq!(Strategy::from_name(s.name()), Some(s));
        }
        let t = Tally {
            strategy: Strategy::Racy,
            expected: 10,
            actual: 7,
        };
        assert_eq!(t.lost(), 3);
    }

    fn counter_trace(strategy: Strategy, lanes: u32, run_ms: &[f64], expected: u64) -> Trace {
        use crate::engine::plan::Mode;
        use crate::engine::trace::Span;
        let spans = run_ms
            .iter()
            .zip(0u16..)
            .map(|(&ms, lane)| Span::new(0, Lane::Worker(lane), SpanKind::Run, 0.0, ms))
            .collect();
        let mut t = Trace::new(Mode::Parallel, lanes, 1, 0.0, 10.0, spans);
        t.counter = Some(Tally {
            strategy,
            expected,
            actual: expected.saturating_sub(5),
        });
        t
    }

    #[test]
    fn time_per_update_is_lane_time_over_updates() {
        // Two lanes computing 3 ms and 1 ms for 1,000,000 updates: 4 ns each.
        let t = counter_trace(Strategy::Atomic, 2, &[3.0, 1.0], 1_000_000);
        let ns = ns_per_update(&t).unwrap();
        assert!((ns - 4.0).abs() < 1e-9, "{ns}");
        let row = CounterRow::of(&t).unwrap();
        assert_eq!((row.threads, row.tally.lost()), (2, 5));
        // Not a counter run, or no update: nothing to divide.
        let mut other = t.clone();
        other.counter = None;
        assert_eq!(ns_per_update(&other), None);
        assert_eq!(
            ns_per_update(&counter_trace(Strategy::Racy, 1, &[1.0], 0)),
            None
        );
    }

    #[test]
    fn the_false_sharing_factor_compares_the_most_threads_both_ran() {
        let rows = CounterRow::all(&[
            counter_trace(Strategy::Adjacent, 1, &[2.0], 1_000_000),
            counter_trace(Strategy::Adjacent, 2, &[6.0, 6.0], 1_000_000),
            counter_trace(Strategy::Padded, 2, &[1.0, 1.0], 1_000_000),
        ]);
        assert_eq!(false_sharing(&rows), Some((2, 6.0)));
        assert_eq!(false_sharing(&rows[..2]), None);
        assert!((lost_pct(&rows[0].tally) - 0.0005).abs() < 1e-12);
    }

    #[test]
    fn speedups_below_one_are_kept() {
        let mut slow = counter_trace(Strategy::Mutex, 2, &[9.0, 9.0], 1_000);
        slow.duration_ms = 25.0;
        let rows = CounterRow::all(&[counter_trace(Strategy::Mutex, 1, &[9.0], 1_000), slow]);
        let points = speedups(&rows, Strategy::Mutex);
        assert_eq!(points.len(), 2);
        assert!((points[1].speedup - 0.4).abs() < 1e-12, "{points:?}");
        assert!(speedups(&rows, Strategy::Local).is_empty());
    }

    #[test]
    fn a_grid_runs_each_strategy_on_each_thread_count() {
        let counter = Settings {
            workload: crate::engine::plan::Workload::Counter,
            ..Settings::default()
        };
        let runs = grid(&counter, &[Strategy::Atomic, Strategy::Local], &[1, 4]);
        let got: Vec<(Strategy, u32, u32)> = runs
            .iter()
            .map(|(s, p)| (s.strategy, s.lanes, *p))
            .collect();
        assert_eq!(
            got,
            [
                (Strategy::Atomic, 1, 1),
                (Strategy::Atomic, 4, 4),
                (Strategy::Local, 1, 1),
                (Strategy::Local, 4, 4)
            ]
        );
        // Each strategy's runs last about as long: local counting, ten times
        // cheaper an update than atomic, makes ten times the updates.
        let atomic = Settings {
            strategy: Strategy::Atomic,
            updates: 100_000,
            ..counter.clone()
        };
        let updates: Vec<u32> = grid(&atomic, &[Strategy::Atomic, Strategy::Local], &[1])
            .iter()
            .map(|(s, _)| s.updates)
            .collect();
        assert_eq!(updates, [100_000, 1_000_000]);
        // Within the bounds of the setting.
        let many = Settings {
            updates: 5_000_000,
            ..atomic
        };
        assert_eq!(
            grid(&many, &[Strategy::Local], &[1])[0].0.updates,
            10_000_000
        );
        // A CPU-bound sweep of a few thread counts: the strategy is moot.
        let cpu = grid(
            &Settings::default(),
            &[Strategy::Atomic, Strategy::Local],
            &[1, 2],
        );
        assert_eq!(cpu.len(), 2);
    }

    #[test]
    fn a_grid_estimate_counts_the_lock_and_refuses_beyond_the_limit() {
        let cpu = Settings {
            tasks: 8,
            work_ms: 100,
            ..Settings::default()
        };
        let one = grid_estimate_ms(&grid(&cpu, &[], &[1]));
        let free = grid_estimate_ms(&grid(&cpu, &[], &[4]));
        assert!((free * 4.0 - one).abs() < 1e-6, "{free} vs {one}");
        // Half of each task under the lock: four threads take at least half.
        let locked = Settings {
            lock_pct: 50,
            ..cpu.clone()
        };
        let l4 = grid_estimate_ms(&grid(&locked, &[], &[4]));
        assert!((l4 - one / 2.0).abs() < 1e-6, "{l4} vs {one}");
        let big = Settings {
            tasks: 1_000,
            work_ms: 1_000,
            ..cpu
        };
        let refusal = check_grid_estimate(&grid(&big, &[], &[1, 2])).unwrap_err();
        assert!(
            refusal.starts_with("These 2 runs would take about"),
            "{refusal}"
        );
    }

    #[test]
    fn a_lock_share_is_read_or_said_to_be_unreadable() {
        use crate::engine::model::sweep_points;
        let s = Settings {
            lock_pct: 60,
            tasks: 16,
            ..Settings::default()
        };
        // T(p)/T(1) = max(1/p, s + (1 − s)/16) with s = 0.6.
        let bound = sweep_points(&[(1, 1000.0), (2, 625.0)]);
        match lock_reading(&s, &bound) {
            Some(LockReading::Read { configured, read }) => {
                assert!((configured - 0.6).abs() < 1e-12);
                assert!((read - 0.6).abs() < 1e-9, "{read}");
            }
            other => panic!("{other:?}"),
        }
        // 30 % on 2 threads: below 1/2, the threads are the limit.
        let free = sweep_points(&[(1, 1000.0), (2, 505.0)]);
        let s30 = Settings {
            lock_pct: 30,
            ..s.clone()
        };
        assert_eq!(
            lock_reading(&s30, &free),
            Some(LockReading::Unreadable {
                configured: 0.3,
                threads: 2
            })
        );
        // No lock set, or one thread only: nothing to say.
        let none = Settings {
            lock_pct: 0,
            ..s.clone()
        };
        assert_eq!(lock_reading(&none, &bound), None);
        assert_eq!(lock_reading(&s, &sweep_points(&[(1, 1000.0)])), None);
    }
}
