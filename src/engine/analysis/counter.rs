//! What the shared-counter experiments measured, read from their traces:
//! updates lost, nanoseconds per update, the false-sharing factor, the
//! speedups of a strategy over thread counts, and the share of work under a
//! lock read back from a sweep.

use super::{SweepPoint, lock_share, sweep_points};
use crate::engine::plan::{Settings, Sizes, Strategy, Workload};
use crate::engine::record::{SpanKind, Tally, Trace};
use std::borrow::Borrow;

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

/// The ratio of two ns-per-update figures that noise alone can give, run to
/// run: padded counters share nothing, yet measured 10–12 ns per update
/// over the lessons' runs (`Strategy::nominal_ns`: Chromium, 2 cores), so
/// two runs of the same work can read 12/10 = 1.2× apart. Below it a
/// sentence claims no growth or slowdown; false sharing, when it shows,
/// measured 36–38 against 10–12 ns, 3–3.8×, far beyond it.
pub const PER_UPDATE_NOISE: f64 = 1.2;

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
    pub fn all<T: Borrow<Trace>>(traces: &[T]) -> Vec<CounterRow> {
        traces
            .iter()
            .filter_map(|t| CounterRow::of(t.borrow()))
            .collect()
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

/// What a sweep says about the critical section set in its settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LockReading {
    /// The share read back from the best speedup (see [`lock_share`]).
    Read { configured: f64, read: f64 },
    /// The best speedup was close to its thread count: on `threads`
    /// threads the threads, not the lock, were the limit, so the share is
    /// only known to be below about 1/`threads`.
    Unreadable { configured: f64, threads: u32 },
    /// The sweep's settings are outside the model the share is read back
    /// with (equal tasks, nothing but computing under and around the lock,
    /// no serial stage after them): `why`, in words for the page, follows
    /// "the share cannot be read back from this sweep: ".
    NotModelled { configured: f64, why: &'static str },
}

/// The lock share set in `settings` against what the sweep's `points`
/// give back, where [`lock_share`]'s model holds (equal CPU-bound tasks,
/// no serial reduce); elsewhere why it cannot be read. `None` when the
/// run took no lock ([`Settings::lock_applies`]) or the sweep has no point
/// beyond one thread.
pub fn lock_reading(settings: &Settings, points: &[SweepPoint]) -> Option<LockReading> {
    if !settings.lock_applies() {
        return None;
    }
    let configured = f64::from(settings.lock_pct.min(100)) / 100.0;
    let threads = points.iter().map(|p| p.threads).max().filter(|&t| t > 1)?;
    if let Some(why) = outside_the_lock_model(settings) {
        return Some(LockReading::NotModelled { configured, why });
    }
    Some(match lock_share(points, settings.tasks) {
        Some(read) => LockReading::Read { configured, read },
        None => LockReading::Unreadable {
            configured,
            threads,
        },
    })
}

/// Why [`lock_share`]'s model (`T(p)/T(1) = s + (1 − s)/n` once the lock
/// is the limit) does not fit a sweep of `settings`, if it does not: the
/// one-thread time must be all computing, in `n` equal parts, with nothing
/// after them.
fn outside_the_lock_model(settings: &Settings) -> Option<&'static str> {
    if settings.has_reduce() {
        // The reduce runs alone after the map: its time looks like the
        // locked parts queueing, and is read as a larger share.
        return Some(
            "a serial reduce runs after the tasks, and its time would be read as time under the lock",
        );
    }
    if settings.sizes != Sizes::Equal {
        // A heavy task's locked part holds the lock longer than a light
        // one's; the model's last task left over is not 1/n of the work.
        return Some("the tasks are not of equal size, and the share is read back as if they were");
    }
    if settings.workload != Workload::Cpu {
        // Mixed tasks wait on their lanes first: the one-thread time is not
        // all computing, and the waits overlap as the lock cannot.
        return Some(
            "the tasks also wait, holding their threads, and those waits would be read as computing",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::Mode;
    use crate::engine::record::{Lane, Span};

    fn counter_trace(strategy: Strategy, lanes: u32, run_ms: &[f64], expected: u64) -> Trace {
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

    /// (how the settings differ from equal CPU-bound tasks and no reduce,
    /// a word the reason must hold; `None`: the share is read)
    #[test]
    fn a_lock_share_is_read_back_only_where_its_model_holds() {
        let base = Settings {
            lock_pct: 30,
            tasks: 16,
            ..Settings::default()
        };
        // A best speedup of 1.6 on 2 threads: read as a share of 60 % on
        // equal tasks with nothing after them.
        let points = sweep_points(&[(1, 1000.0), (2, 625.0)]);
        let cases: [(Settings, Option<&str>); 5] = [
            (base.clone(), None),
            (
                Settings {
                    serial_pct: 50,
                    ..base.clone()
                },
                Some("reduce"),
            ),
            (
                Settings {
                    sizes: crate::engine::plan::Sizes::Skewed,
                    ..base.clone()
                },
                Some("equal size"),
            ),
            (
                Settings {
                    sizes: crate::engine::plan::Sizes::HeavyTailed,
                    ..base.clone()
                },
                Some("equal size"),
            ),
            (
                Settings {
                    workload: crate::engine::plan::Workload::Mixed,
                    ..base.clone()
                },
                Some("wait"),
            ),
        ];
        for (s, reason) in cases {
            let reading = lock_reading(&s, &points);
            match (reason, reading) {
                (None, Some(LockReading::Read { .. })) => {}
                (Some(word), Some(LockReading::NotModelled { configured, why })) => {
                    assert!((configured - 0.3).abs() < 1e-12);
                    assert!(why.contains(word), "{why}");
                }
                (reason, reading) => panic!("{s:?}: wanted {reason:?}, read {reading:?}"),
            }
        }
    }

    #[test]
    fn a_lock_share_is_read_or_said_to_be_unreadable() {
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
