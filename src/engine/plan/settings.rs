//! An experiment's settings: what a share link carries, the bounds of each
//! number, and the clamping of bad values, each with a notice for the page.

use super::{Assignment, Mode, Sizes, Strategy, Waits, Workload};
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
}
