//! How the lessons and presets size themselves from the machine: task and
//! thread counts in whole rounds of the pool, runs kept short on a big pool,
//! the shared counter's and the lock's experiments.

use super::{Experiment, Lesson, Machine};
use crate::engine::plan::{Mode, Settings, Strategy, Workload};
use crate::engine::work::Kernel;

/// How long one sweep may take, estimated: a sweep on a big pool is many
/// runs, so its tasks shrink to stay within it.
pub(super) const SWEEP_BUDGET_MS: f64 = 2_500.0;

pub(super) fn base(
    workload: Workload,
    tasks: u32,
    work_ms: u32,
    latency_ms: u32,
    lanes: u32,
) -> Settings {
    Settings {
        workload,
        kernel: Kernel::Primes,
        tasks,
        work_ms,
        latency_ms,
        jitter_ms: 0,
        lanes,
        slice_ms: 5,
        ..Settings::default()
    }
}

/// `per` tasks per thread of a pool of `pool`, at least `per` × 2 tasks: on
/// one thread, the lesson still has something to run one after another.
pub(super) fn per_thread(pool: u32, per: u32) -> u32 {
    per * pool.max(2)
}

/// At least `least` tasks, in whole rounds of `pool`: 8 tasks on 3 threads
/// would leave a thread idle in the last round; 9 do not.
pub(super) fn whole_rounds(pool: u32, least: u32) -> u32 {
    let pool = pool.max(1);
    least.div_ceil(pool) * pool
}

/// The settings with the largest work per task (at most `max_work_ms`) whose
/// sweep over 1..=`pool` threads stays within [`SWEEP_BUDGET_MS`]; 1 ms per
/// task when even that does not fit (the tests bound what that leaves).
pub(super) fn sized_for_sweep(s: Settings, pool: u32, max_work_ms: u32) -> Settings {
    let with = |work_ms: u32| Settings {
        work_ms,
        ..s.clone()
    };
    let (mut lo, mut hi) = (1, max_work_ms.max(1));
    // The largest work that fits: the sweep's estimate grows with the work.
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if with(mid).sweep_estimate_ms(pool) <= SWEEP_BUDGET_MS {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    with(lo)
}

/// The shared-counter settings: `total` updates in all, spread over two
/// tasks per thread, on every thread of the pool.
pub(super) fn counter(pool: u32, strategy: Strategy, total: u32) -> Settings {
    let tasks = per_thread(pool, 2);
    Settings {
        workload: Workload::Counter,
        mode: Mode::Parallel,
        strategy,
        tasks,
        updates: (total / tasks).max(1),
        lanes: pool,
        ..Settings::default()
    }
}

/// One thread, then every thread of the pool (once, on a pool of one).
pub(super) fn one_and_all(pool: u32) -> Vec<u32> {
    if pool > 1 { vec![1, pool] } else { vec![1] }
}

/// Work under one lock (percent) in the lesson that reads it back: above
/// 1/2, so that two threads already find the lock the limit.
pub const LOCK_LESSON_PCT: u32 = 60;

/// The critical-section lesson's settings: the largest work per task (at
/// most `max_work_ms`) whose sweep, its locked parts taking turns (the
/// estimate counts them), stays within [`SWEEP_BUDGET_MS`]. One task per
/// thread, at least 8: each point of the sweep runs the locked parts one
/// after another, so a big pool's sweep stays short only with few tasks.
pub(super) fn sized_for_lock_sweep(pool: u32, max_work_ms: u32) -> Settings {
    let s = Settings {
        lock_pct: LOCK_LESSON_PCT,
        ..base(Workload::Cpu, whole_rounds(pool, 8), 0, 200, pool)
    };
    sized_for_sweep(s, pool, max_work_ms)
}

/// Makes the lessons (and presets) of machine `m`.
pub(super) fn lesson_on(
    m: Machine,
) -> impl Fn(&'static str, &'static str, &'static [&'static str], Settings, Experiment) -> Lesson {
    move |id, title, body, settings, experiment| Lesson {
        id,
        title,
        body,
        settings,
        experiment,
        machine: m,
    }
}
