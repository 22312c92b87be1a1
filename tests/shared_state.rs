//! Shared state on rayon's native pool, through the engine code the browser
//! runs: the shared counter's strategies (what they count, what they lose,
//! what they cost) and a critical section as the limit of a sweep.

use crate::common::{new_run, passes_within, two_cores_free, wall_rate};
use crate::harness::{Checked, Skip, skip, tests};
use conpar::engine::analysis::{lock_share, sweep_points};
use conpar::engine::exec::run_native;
use conpar::engine::plan::Strategy;
use conpar::engine::plan::{Assignment, Mode, Settings, Workload};
use conpar::engine::record::Tally;
use conpar::engine::record::{Outcome, SpanKind, Trace};

tests![
    atomic_mutex_and_per_lane_counts_are_always_exact,
    racy_on_one_thread_loses_nothing,
    racy_on_two_threads_loses_updates,
    padded_counters_are_not_slower_than_adjacent_ones,
    a_lock_held_for_part_of_each_task_caps_the_speedup_at_its_share,
];

fn counter(strategy: Strategy, tasks: u32, updates: u32) -> Settings {
    Settings {
        workload: Workload::Counter,
        mode: Mode::Parallel,
        strategy,
        tasks,
        updates,
        lanes: 2,
        ..Settings::default()
    }
}

fn run(s: &Settings, lanes: u32) -> Trace {
    let t = run_native(Mode::Parallel, new_run(s, wall_rate()), lanes);
    assert_eq!(t.outcome, Outcome::Completed, "{s:?}");
    t
}

fn tally(t: &Trace) -> Tally {
    t.counter.expect("a counter run has a tally")
}

/// Nanoseconds of lane time per update: every lane's counting time over
/// the updates made.
fn ns_per_update(t: &Trace) -> f64 {
    let busy: f64 = t
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Run)
        .map(|s| s.duration())
        .sum();
    busy * 1e6 / tally(t).expected as f64
}

/// Exact on 2 threads: only a run in which both lanes counted at once
/// says so. Each lane gets a fixed block of tasks (static assignment), and
/// each run lasts tens of milliseconds, so that the second lane has started
/// long before the first is done (rayon wakes its second thread in tens of
/// µs; with 1,000,000 padded updates, a run of under a millisecond, one
/// lane had claimed every task before the other woke, 3 runs of 3, once in
/// 4 `make test` runs). Up to 3 runs each. A strategy that counted exactly
/// but on one lane only (a busy machine) makes the test a skip: its counts
/// were checked, not what they are checked for.
fn atomic_mutex_and_per_lane_counts_are_always_exact() -> Checked {
    let (mut one_lane_only, mut why) = (Vec::new(), String::new());
    // (strategy, updates per task): 3–100 ms a run in a debug build
    // (measured 2026-11-26: padded 3 ms, local 3.5–5.6, adjacent 8–14,
    // atomic 12–39, mutex 92–96), 2 workers in the first run each time.
    for (strategy, updates) in [
        (Strategy::Atomic, 250_000),
        (Strategy::Mutex, 100_000),
        (Strategy::Local, 2_500_000),
        (Strategy::Adjacent, 1_000_000),
        (Strategy::Padded, 2_500_000),
    ] {
        let s = Settings {
            assignment: Assignment::Static,
            ..counter(strategy, 8, updates)
        };
        let mut seen = Vec::new();
        for _ in 0..3 {
            let t = run(&s, 2);
            let c = tally(&t);
            let expected = 8 * u64::from(updates);
            assert_eq!((c.expected, c.actual), (expected, expected), "{strategy:?}");
            seen.push((t.distinct_workers(), t.duration_ms));
            if t.distinct_workers() == 2 {
                break;
            }
        }
        eprintln!("{strategy:?}: (workers, ms) per run {seen:?}");
        if seen.last().map(|r| r.0) != Some(2) {
            // Exact, but not shown on two threads at once: only a busy
            // machine excuses that (one lane then took every task).
            if let Err(Skip(busy)) = two_cores_free() {
                one_lane_only.push(strategy);
                why = busy;
                continue;
            }
            panic!("{strategy:?}: (workers, ms) per run {seen:?}");
        }
    }
    if !one_lane_only.is_empty() {
        skip!(
            "{one_lane_only:?} counted exactly, but on one lane at a time, never two at once: {why}"
        );
    }
    Ok(())
}

fn racy_on_one_thread_loses_nothing() {
    let t = run(&counter(Strategy::Racy, 8, 125_000), 1);
    assert_eq!(tally(&t).lost(), 0, "{:?}", tally(&t));
}

/// Racy on 2 threads loses updates in at least one of 3 tries in which both
/// lanes counted at the same time.
///
/// Why this is reliable: an update is lost whenever the other lane writes
/// between this lane's read and write; with both lanes counting at once on
/// two cores that happens thousands of times per millisecond. The tries are
/// of 10,000,000 increments, not the 1,000,000 the issue names: natively
/// 1,000,000 take about a millisecond, and rayon, asked for two lane jobs at
/// once, wakes one sleeping thread and counts it, still idle, for the second
/// job as well; the other thread often wakes only after the first lane is
/// done (measured: 20 of 20 tries of 1,000,000 without overlap, even with
/// every thread woken just before). A try whose lanes did not overlap has
/// no race to lose anything in and is not counted (at most 20 tries).
/// Measured (2 cores, 2026-11-26, 8 runs of this test): 396,000–4,851,000
/// lost of 10,000,000 in the try that lost; before it, 0–3 tries with one
/// lane only or no overlap, and once two overlapping tries (by a hair) that
/// lost nothing.
fn racy_on_two_threads_loses_updates() -> Checked {
    two_cores_free()?;
    let s = Settings {
        assignment: Assignment::Static,
        ..counter(Strategy::Racy, 20, 500_000)
    };
    let mut tries = Vec::new();
    let mut overlapping = 0;
    while overlapping < 3 && tries.len() < 20 {
        let t = run(&s, 2);
        let c = tally(&t);
        assert_eq!(c.expected, 10_000_000);
        let overlap = counted_together(&t);
        tries.push((c.lost(), t.distinct_workers(), overlap));
        if !overlap {
            continue;
        }
        overlapping += 1;
        if c.lost() > 0 {
            eprintln!(
                "racy, 2 threads: lost {} of 10,000,000 (tries: lost, workers, overlap: {tries:?})",
                c.lost()
            );
            return Ok(());
        }
    }
    panic!(
        "no update lost in {overlapping} tries with both lanes counting (lost, workers, overlap): {tries:?}"
    );
}

/// Whether two lanes of the run were counting at the same time: the span of
/// each lane's work (first start to last end) overlaps the other's.
fn counted_together(t: &Trace) -> bool {
    let mut lanes: std::collections::BTreeMap<_, (f64, f64)> = std::collections::BTreeMap::new();
    for s in t.spans.iter().filter(|s| s.kind == SpanKind::Run) {
        let e = lanes.entry(s.lane).or_insert((s.start, s.end));
        e.0 = e.0.min(s.start);
        e.1 = e.1.max(s.end);
    }
    let ranges: Vec<(f64, f64)> = lanes.into_values().collect();
    ranges.len() >= 2 && ranges[0].0.max(ranges[1].0) < ranges[0].1.min(ranges[1].1)
}

/// False sharing: each lane writes its own counter on every update, the
/// counters side by side in one cache line or 128 bytes apart. Padded must
/// not be slower than adjacent (ns of lane time per update, best of 3).
/// Measured (2 cores, 2026-11-26, 7 runs, debug build as `cargo test`
/// makes it): adjacent 1.94–2.27 ns, padded 0.31–0.40 ns per update: a
/// factor 5.6–6.4. The margin (padded ≤ 1.25 ×
/// adjacent) covers a machine where the two lanes never run at once (no
/// line to bounce: then both cost the same, ± noise).
fn padded_counters_are_not_slower_than_adjacent_ones() {
    let best = |strategy| {
        (0..3)
            .map(|_| ns_per_update(&run(&counter(strategy, 16, 250_000), 2)))
            .fold(f64::INFINITY, f64::min)
    };
    let (adjacent, padded) = (best(Strategy::Adjacent), best(Strategy::Padded));
    eprintln!(
        "false sharing: adjacent {adjacent:.2} ns, padded {padded:.2} ns per update ({:.1}×)",
        adjacent / padded
    );
    assert!(
        padded <= 1.25 * adjacent,
        "adjacent {adjacent:.2} ns, padded {padded:.2} ns per update"
    );
}

/// A critical section: 16 tasks, a set share of each computed holding one
/// lock, swept over 1 and 2 threads. The lock caps the sweep, and the
/// share is read back from it within ±0.1 (the bound). Shares of 60
/// and 80 %: on 2 threads a share below 50 % is not the limit (the two
/// threads are), and cannot be read from 2 threads at all. Best of 3 wall-
/// clock runs per point: with the lock the limit, about one lane computes
/// at a time, so another program on the machine slows both points alike.
/// Measured (2 cores, 2026-11-26, 6 runs of 10 ms tasks): read 0.598–0.618
/// for 0.6 and 0.800–0.838 for 0.8. The points are taken in turns and up
/// to 3 attempts made: in the CI run of 2026-12-03 the 2-thread runs of one
/// attempt all fell in a slow spell (0.6 read 0.77: 127 ms where 103–105
/// ms is usual; [`passes_within`]).
fn a_lock_held_for_part_of_each_task_caps_the_speedup_at_its_share() -> Checked {
    two_cores_free()?;
    for pct in [60u32, 80] {
        let s = Settings {
            workload: Workload::Cpu,
            mode: Mode::Parallel,
            tasks: 16,
            // 10 ms tasks: a lane woken when the lock is released takes
            // up to a millisecond to run on a busy VM, and 16 such handoffs
            // must stay small against the locked work (with 4 ms tasks the
            // 80 % share read 0.93 once in 6 runs).
            work_ms: 10,
            slice_ms: 2,
            lock_pct: pct,
            ..Settings::default()
        };
        let want = f64::from(pct) / 100.0;
        passes_within(3, &format!("lock share {want}"), || {
            // Lock waits per run: none on one thread (nobody else holds
            // it), a good share of the run on two.
            let mut waited = Vec::new();
            // The fastest of 3 runs on each thread count, taken in turns,
            // so that a slow spell of the machine spoils both or neither.
            let mut fastest = [(1u32, f64::INFINITY), (2, f64::INFINITY)];
            for _ in 0..3 {
                for (p, best) in &mut fastest {
                    let t = run(&s, *p);
                    waited.push((*p, t.stats().lock_ms / t.duration_ms));
                    *best = best.min(t.duration_ms);
                }
            }
            // Waiting spans only when the lock was taken: on 1 thread,
            // none; on 2, a share of the run. Never retried.
            assert!(
                waited
                    .iter()
                    .all(|&(p, w)| if p == 1 { w == 0.0 } else { w > 0.1 }),
                "lock waits (threads, share of the run): {waited:?}"
            );
            let found = lock_share(&sweep_points(&fastest), 16);
            let account = format!("read {found:?} from {fastest:?}");
            if found.is_some_and(|f| (f - want).abs() <= 0.1) {
                Ok(account)
            } else {
                Err(account)
            }
        })?;
    }
    Ok(())
}
