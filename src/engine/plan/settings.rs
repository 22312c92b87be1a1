//! An experiment's settings: what a share link carries, the bounds of each
//! number, and the clamping of bad values, each with a notice for the page.

use super::{Assignment, Field, Mode, Sizes, Strategy, Waits, Workload};
use crate::engine::work::Kernel;
use std::fmt;

/// Everything that defines an experiment; what a share link carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub mode: Mode,
    pub workload: Workload,
    pub kernel: Kernel,
    pub tasks: u32,
    /// Milliseconds of computation per task (CPU-bound and mixed).
    pub work_ms: u32,
    /// Milliseconds each wait lasts (I/O-bound and mixed).
    pub latency_ms: u32,
    /// Each wait is `latency_ms` plus a uniform offset in `[-jitter_ms, +jitter_ms]`.
    pub jitter_ms: u32,
    /// Pool threads the parallel modes may use.
    pub lanes: u32,
    /// How long a slice of computation runs before the concurrent mode yields
    /// (and before a worker checks for Stop).
    pub slice_ms: u32,
    /// Seeds the jitter, so a shared link reproduces the same waits.
    pub seed: u32,
    /// Fault injection: the task (numbered from 1) that fails, if any (it
    /// reports a failure when it starts computing; it does not panic).
    pub fail_task: Option<u32>,
    /// How much computation each task carries.
    pub sizes: Sizes,
    /// With skewed sizes: every `skew_every`-th task is heavier…
    pub skew_every: u32,
    /// …`skew_factor` times the work setting.
    pub skew_factor: u32,
    /// How the Parallel mode's lanes get their tasks.
    pub assignment: Assignment,
    /// A serial reduce after the parallel map: its share, in percent, of all
    /// the computation (map + reduce); 0 for no reduce stage.
    pub serial_pct: u32,
    /// How long each wait lasts: fixed ± jitter, or random around the latency.
    pub waits: Waits,
    /// I/O-bound tasks: microseconds of computation after each wait (a
    /// server handling the reply); 0 for a pure wait.
    pub handle_us: u32,
    /// Threads the page's pool starts with; 0 for one per logical core. The
    /// pool is fixed once started: a change takes a reload.
    pub pool: u32,
    /// The shared-counter workload: how the lanes update the counter…
    pub strategy: Strategy,
    /// …and how many times each task adds 1.
    pub updates: u32,
    /// CPU-bound and mixed tasks on the pool: the share (percent) of each
    /// task's computation done while holding one lock all lanes share.
    pub lock_pct: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mode: Mode::Parallel,
            workload: Workload::Cpu,
            kernel: Kernel::Primes,
            tasks: 8,
            work_ms: 50,
            latency_ms: 200,
            jitter_ms: 0,
            lanes: 2,
            slice_ms: 5,
            seed: 1,
            fail_task: None,
            sizes: Sizes::Equal,
            skew_every: 8,
            skew_factor: 8,
            assignment: Assignment::Dynamic,
            serial_pct: 0,
            waits: Waits::Fixed,
            handle_us: 0,
            pool: 0,
            strategy: Strategy::Racy,
            updates: 100_000,
            lock_pct: 0,
        }
    }
}

/// The most threads a pool may be asked for (browsers cap workers well below this).
pub const MAX_LANES: u32 = 64;

/// The largest share of a serial reduce: at 90 % the lesson (at most 1.1×
/// faster) is already made, and beyond it nearly nothing would run in parallel.
pub const MAX_SERIAL_PCT: u32 = 90;

/// How many threads per logical core a pool may have: enough to show that
/// threads beyond the cores add no speed, not so many that the page drowns.
pub const POOL_PER_CORE: u32 = 4;

/// Something the page should tell the person about their settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The link key or control the notice is about.
    pub field: String,
    pub message: String,
}

impl Notice {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Notice {
        Notice {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl Settings {
    /// Brings every value within its bounds (jitter within the latency, the
    /// failing task within the task count) and says what it changed.
    pub fn clamped(mut self) -> (Settings, Vec<Notice>) {
        let mut notices = Vec::new();
        if self.workload == Workload::Counter && self.mode != Mode::Parallel {
            // Racing for a counter needs threads; and a contended mutex
            // sleeps, which the main thread may not.
            notices.push(Notice::new(
                "mode",
                format!(
                    "the shared counter runs on the pool's threads only, so {} instead of {}",
                    Mode::Parallel.label(),
                    self.mode.label()
                ),
            ));
            self.mode = Mode::Parallel;
        }
        for field in Field::ALL {
            let value = field.get(&self);
            let mut b = field.bounds();
            if field == Field::JitterMs {
                b.max = b.max.min(self.latency_ms);
            }
            if field == Field::FailTask {
                b.max = b.max.min(self.tasks);
            }
            if field == Field::SerialPct && !self.computes() {
                b.max = 0; // a reduce of no computation would be no stage at all
            }
            let within = value.clamp(b.min, b.max);
            if within != value {
                field.set(&mut self, within);
                notices.push(Notice::new(
                    field.key(),
                    format!(
                        "{} was {value}, set to {within} (allowed {}–{})",
                        field.label(),
                        b.min,
                        b.max
                    ),
                ));
            }
        }
        (self, notices)
    }

    /// Whether a serial reduce follows the map: then a run has one more
    /// task than the tasks setting, the reduce, last.
    pub fn has_reduce(&self) -> bool {
        self.serial_pct > 0 && self.computes()
    }

    /// The tasks a run of these settings has, the reduce included.
    pub fn task_count(&self) -> u32 {
        self.tasks + u32::from(self.has_reduce())
    }

    /// Whether a run of these settings takes the lock: a share of it is set,
    /// and the workload computes on the pool's lanes (CPU-bound, mixed). The
    /// counter and I/O workloads take no lock; the lock slider is disabled
    /// for them but keeps its value, so every reader of `lock_pct` (the run,
    /// the estimates, the sweep's fit, the lock share read back) asks this.
    pub fn lock_applies(&self) -> bool {
        self.lock_pct > 0 && self.workload.computes()
    }

    /// Whether the tasks compute at all (a reduce stage needs something to reduce).
    pub fn computes(&self) -> bool {
        self.workload.computes() || (self.workload == Workload::Io && self.handle_us > 0)
    }

    /// The pool this page should start for a machine of `cores` logical
    /// cores: the `pool` setting (0: one per core) within 1 and
    /// [`POOL_PER_CORE`] × cores (and [`MAX_LANES`]), with a notice when the
    /// setting asked for more.
    pub fn pool_size(&self, cores: u32) -> (u32, Option<Notice>) {
        let cores = cores.clamp(1, MAX_LANES);
        let max = (cores * POOL_PER_CORE).min(MAX_LANES);
        if self.pool == 0 {
            return (cores, None);
        }
        if self.pool > max {
            let notice = Notice::new(
                Field::Pool.key(),
                format!(
                    "{} pool threads asked for; at most {max} on this machine ({POOL_PER_CORE} per logical core), so {max} are used",
                    self.pool
                ),
            );
            return (max, Some(notice));
        }
        (self.pool, None)
    }

    /// Limits `lanes` to the pool actually running.
    pub fn fit_to_pool(mut self, pool_threads: u32) -> (Settings, Option<Notice>) {
        if pool_threads > 0 && self.lanes > pool_threads {
            let notice = Notice::new(
                Field::Lanes.key(),
                format!(
                    "{} threads asked for; this browser's pool has {pool_threads}, so {pool_threads} are used",
                    self.lanes
                ),
            );
            self.lanes = pool_threads;
            return (self, Some(notice));
        }
        (self, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::default()
    }

    #[test]
    fn defaults_need_no_clamping() {
        let (s, notices) = settings().clamped();
        assert_eq!(s, settings());
        assert!(notices.is_empty(), "{notices:?}");
    }

    #[test]
    fn bad_values_are_clamped_with_a_notice_each() {
        // (field, value given, value kept)
        let cases = [
            (Field::Tasks, 0, 1),
            (Field::Tasks, 1_000_000, 100_000),
            (Field::WorkMs, 0, 1),
            (Field::WorkMs, 99_999, 5_000),
            (Field::LatencyMs, 0, 1),
            (Field::JitterMs, 300, 200), // jitter cannot exceed the latency (200)
            (Field::Lanes, 0, 1),
            (Field::Lanes, 1_000, MAX_LANES),
            (Field::SliceMs, 0, 1),
            (Field::SliceMs, 101, 100),
            (Field::FailTask, 9, 8), // only 8 tasks
            (Field::SkewEvery, 1, 2),
            (Field::SkewFactor, 0, 1),
            (Field::SkewFactor, 500, 100),
            (Field::SerialPct, 95, MAX_SERIAL_PCT),
            (Field::HandleUs, 200_000, 100_000),
            (Field::Pool, 65, MAX_LANES),
        ];
        for (field, given, kept) in cases {
            let mut s = settings();
            field.set(&mut s, given);
            let (s, notices) = s.clamped();
            assert_eq!(field.get(&s), kept, "{field:?} {given}");
            assert_eq!(notices.len(), 1, "{field:?} {given}: {notices:?}");
            assert_eq!(notices[0].field, field.key());
            assert!(
                notices[0].message.contains(&given.to_string()),
                "{notices:?}"
            );
        }
    }

    #[test]
    fn lanes_fit_the_running_pool() {
        let s = Settings {
            lanes: 8,
            ..settings()
        };
        let (s, notice) = s.fit_to_pool(2);
        assert_eq!(s.lanes, 2);
        assert!(notice.is_some());
        let (s, notice) = s.fit_to_pool(4);
        assert_eq!((s.lanes, notice), (2, None));
    }

    #[test]
    fn a_reduce_needs_computation() {
        let s = Settings {
            workload: Workload::Io,
            serial_pct: 30,
            ..settings()
        };
        let (kept, notices) = s.clone().clamped();
        assert_eq!(kept.serial_pct, 0);
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0].field, "serial_pct");
        // Handling each reply is computation: then the reduce stays.
        let (kept, notices) = Settings {
            handle_us: 100,
            ..s
        }
        .clamped();
        assert_eq!((kept.serial_pct, notices.len()), (30, 0));
    }

    /// (pool setting, logical cores, pool started, whether a notice says so)
    #[test]
    fn the_pool_is_one_per_core_by_default_and_at_most_four_per_core() {
        let cases = [
            (0, 2, 2, false),
            (0, 16, 16, false),
            (0, 0, 1, false), // a browser that reports no cores
            (0, 128, MAX_LANES, false),
            (8, 2, 8, false),
            (9, 2, 8, true),
            (1, 2, 1, false),
            (64, 16, 64, false),
            (64, 4, 16, true),
        ];
        for (pool, cores, started, noticed) in cases {
            let (size, notice) = Settings { pool, ..settings() }.pool_size(cores);
            assert_eq!(
                (size, notice.is_some()),
                (started, noticed),
                "pool {pool} on {cores} cores"
            );
        }
    }
}
