//! An experiment's settings: their bounds, the clamping of bad values (each
//! with a notice for the page), the time estimate that refuses runs too long to
//! wait for, and the task list a run executes.

use super::calibrate::Rate;
use super::kernels::Kernel;
use std::fmt;

/// How a task set is run: where its waits and its computation happen (the
/// table of the four modes is in ARCHITECTURE.md and in the page's Learn section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Main thread, one task after another, each to its end.
    Sequential,
    /// Main thread, every task an async future; CPU work cut into slices with yields.
    Concurrent,
    /// Worker threads of the rayon pool, N lanes pulling tasks from one queue.
    Parallel,
    /// Waits overlap as futures on the main thread; each task's computation goes to the pool.
    Both,
}

impl Mode {
    pub const ALL: [Mode; 4] = [
        Mode::Sequential,
        Mode::Concurrent,
        Mode::Parallel,
        Mode::Both,
    ];

    /// The name used in links and exports.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Concurrent => "concurrent",
            Mode::Parallel => "parallel",
            Mode::Both => "both",
        }
    }

    /// The name shown in the page.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Sequential => "Sequential",
            Mode::Concurrent => "Concurrent (async)",
            Mode::Parallel => "Parallel (threads)",
            Mode::Both => "Concurrent + parallel",
        }
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }

    /// A short name, for narrow charts.
    pub fn short_label(self) -> &'static str {
        match self {
            Mode::Sequential => "Seq.",
            Mode::Concurrent => "Async",
            Mode::Parallel => "Threads",
            Mode::Both => "Both",
        }
    }

    /// Whether the mode needs the worker pool (and so cross-origin isolation).
    pub fn uses_pool(self) -> bool {
        matches!(self, Mode::Parallel | Mode::Both)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What each task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Workload {
    /// Computes for `work_ms`.
    Cpu,
    /// Waits `latency_ms` ± `jitter_ms` (a timer standing in for a network reply).
    Io,
    /// Waits, then computes.
    Mixed,
}

impl Workload {
    pub const ALL: [Workload; 3] = [Workload::Cpu, Workload::Io, Workload::Mixed];

    pub fn name(self) -> &'static str {
        match self {
            Workload::Cpu => "cpu",
            Workload::Io => "io",
            Workload::Mixed => "mixed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Workload::Cpu => "CPU-bound",
            Workload::Io => "I/O-bound",
            Workload::Mixed => "Mixed (wait, then compute)",
        }
    }

    pub fn from_name(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    pub fn computes(self) -> bool {
        matches!(self, Workload::Cpu | Workload::Mixed)
    }

    pub fn waits(self) -> bool {
        matches!(self, Workload::Io | Workload::Mixed)
    }
}

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
    /// Fault injection: the task (numbered from 1) that panics, if any.
    pub fail_task: Option<u32>,
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
        }
    }
}

/// Inclusive bounds of a numeric setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub min: u32,
    pub max: u32,
}

/// The numeric settings, for the sliders, the links and the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Tasks,
    WorkMs,
    LatencyMs,
    JitterMs,
    Lanes,
    SliceMs,
    Seed,
    FailTask,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Tasks,
        Field::WorkMs,
        Field::LatencyMs,
        Field::JitterMs,
        Field::Lanes,
        Field::SliceMs,
        Field::Seed,
        Field::FailTask,
    ];

    /// The key in a share link.
    pub fn key(self) -> &'static str {
        match self {
            Field::Tasks => "tasks",
            Field::WorkMs => "work_ms",
            Field::LatencyMs => "latency_ms",
            Field::JitterMs => "jitter_ms",
            Field::Lanes => "threads",
            Field::SliceMs => "slice_ms",
            Field::Seed => "seed",
            Field::FailTask => "fail_task",
        }
    }

    /// The slider's accessible name and the notices' wording.
    pub fn label(self) -> &'static str {
        match self {
            Field::Tasks => "Tasks",
            Field::WorkMs => "Work per task (ms)",
            Field::LatencyMs => "I/O latency (ms)",
            Field::JitterMs => "Jitter (± ms)",
            Field::Lanes => "Threads (lanes)",
            Field::SliceMs => "Slice length (ms)",
            Field::Seed => "Jitter seed",
            Field::FailTask => "Failing task (0 = none)",
        }
    }

    /// Static bounds. `Lanes` is further limited to the pool's size at run time,
    /// because the pool is only known once it has started.
    pub fn bounds(self) -> Bounds {
        let (min, max) = match self {
            Field::Tasks => (1, 100_000),
            Field::WorkMs => (1, 5_000),
            Field::LatencyMs => (1, 5_000),
            Field::JitterMs => (0, 5_000),
            Field::Lanes => (1, MAX_LANES),
            Field::SliceMs => (1, 100),
            Field::Seed => (0, u32::MAX),
            Field::FailTask => (0, 10_000),
        };
        Bounds { min, max }
    }

    pub fn get(self, s: &Settings) -> u32 {
        match self {
            Field::Tasks => s.tasks,
            Field::WorkMs => s.work_ms,
            Field::LatencyMs => s.latency_ms,
            Field::JitterMs => s.jitter_ms,
            Field::Lanes => s.lanes,
            Field::SliceMs => s.slice_ms,
            Field::Seed => s.seed,
            Field::FailTask => s.fail_task.unwrap_or(0),
        }
    }

    /// Sets the value as given; [`Settings::clamped`] brings it within bounds.
    pub fn set(self, s: &mut Settings, value: u32) {
        match self {
            Field::Tasks => s.tasks = value,
            Field::WorkMs => s.work_ms = value,
            Field::LatencyMs => s.latency_ms = value,
            Field::JitterMs => s.jitter_ms = value,
            Field::Lanes => s.lanes = value,
            Field::SliceMs => s.slice_ms = value,
            Field::Seed => s.seed = value,
            Field::FailTask => s.fail_task = (value > 0).then_some(value),
        }
    }

    /// `value` (as parsed from a link, possibly negative or huge) clamped into the static bounds.
    pub fn clamp(self, value: i64) -> u32 {
        let b = self.bounds();
        value.clamp(i64::from(b.min), i64::from(b.max)) as u32
    }
}

/// Slider positions run from 0 to this.
pub const SLIDER_STEPS: u32 = 1000;

impl Field {
    /// Whether the slider is logarithmic: for ranges over orders of magnitude
    /// (1 to 10,000 tasks), where a linear slider would leave the small values
    /// in its first pixel.
    pub fn logarithmic(self) -> bool {
        matches!(self, Field::Tasks | Field::WorkMs | Field::LatencyMs)
    }

    /// The slider's range: positions for logarithmic sliders, values otherwise.
    pub fn slider_range(self, max: u32) -> (u32, u32) {
        if self.logarithmic() {
            (0, SLIDER_STEPS)
        } else {
            (self.bounds().min, max)
        }
    }

    /// Slider position of `value`, within a maximum of `max`.
    pub fn to_position(self, value: u32, max: u32) -> u32 {
        if !self.logarithmic() {
            return value;
        }
        let min = f64::from(self.bounds().min.max(1));
        let span = (f64::from(max.max(2)) / min).ln();
        let at = (f64::from(value.max(1)) / min).ln() / span;
        (at * f64::from(SLIDER_STEPS))
            .round()
            .clamp(0.0, f64::from(SLIDER_STEPS)) as u32
    }

    /// The value a slider moved to `position` should take, `current` being
    /// the value before: at least one step away from `current` in the
    /// direction moved, so that an arrow key always changes a logarithmic
    /// slider's value (one position is less than one unit near its low end).
    pub fn value_at(self, position: u32, max: u32, current: u32) -> u32 {
        let value = self.from_position(position, max);
        let before = self.to_position(current, max);
        if value == current && position > before {
            (current + 1).min(max)
        } else if value == current && position < before {
            current.saturating_sub(1).max(self.bounds().min)
        } else {
            value
        }
    }

    /// The value at slider position `position`.
    pub fn from_position(self, position: u32, max: u32) -> u32 {
        if !self.logarithmic() {
            return position;
        }
        let min = f64::from(self.bounds().min.max(1));
        let t = f64::from(position.min(SLIDER_STEPS)) / f64::from(SLIDER_STEPS);
        (min * (f64::from(max.max(2)) / min).powf(t)).round() as u32
    }
}

/// The most threads a pool may be asked for (browsers cap workers well below this).
pub const MAX_LANES: u32 = 64;

/// A run whose estimated length exceeds this is refused rather than started.
pub const MAX_ESTIMATE_MS: f64 = 30_000.0;

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
        for field in Field::ALL {
            let value = field.get(&self);
            let mut b = field.bounds();
            if field == Field::JitterMs {
                b.max = b.max.min(self.latency_ms);
            }
            if field == Field::FailTask {
                b.max = b.max.min(self.tasks);
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

    /// Average milliseconds one task waits and computes, for its workload.
    fn per_task_ms(&self) -> (f64, f64) {
        let wait = if self.workload.waits() {
            f64::from(self.latency_ms)
        } else {
            0.0
        };
        let work = if self.workload.computes() {
            f64::from(self.work_ms)
        } else {
            0.0
        };
        (wait, work)
    }

    /// What the run should take in `mode` on an ideal machine (no overheads),
    /// with the settings' threads for the parallel modes.
    pub fn estimate_ms(&self, mode: Mode) -> f64 {
        self.estimate_with_lanes_ms(mode, self.lanes)
    }

    /// [`Self::estimate_ms`] with `lanes` threads for the parallel modes.
    pub fn estimate_with_lanes_ms(&self, mode: Mode, lanes: u32) -> f64 {
        let n = f64::from(self.tasks);
        let lanes = f64::from(lanes.max(1));
        let rounds = (n / lanes).ceil();
        let (wait, work) = self.per_task_ms();
        let longest_wait = if self.workload.waits() {
            wait + f64::from(self.jitter_ms)
        } else {
            0.0
        };
        match mode {
            Mode::Sequential => n * (wait + work),
            // Waits overlap; the computations still queue on the one thread.
            Mode::Concurrent => longest_wait + n * work,
            Mode::Parallel => rounds * (wait + work),
            Mode::Both => longest_wait + rounds * work,
        }
    }

    /// Refuses runs in `modes` whose estimate, all together, exceeds
    /// [`MAX_ESTIMATE_MS`], with the estimate.
    pub fn check_estimate(&self, modes: &[Mode]) -> Result<f64, String> {
        within_limit(modes.iter().map(|&m| self.estimate_ms(m)).sum())
    }

    /// What a sweep takes: the parallel mode once on each of 1, 2, …
    /// `threads` threads — the sum over p of that run, not one run.
    pub fn sweep_estimate_ms(&self, threads: u32) -> f64 {
        (1..=threads.max(1))
            .map(|p| self.estimate_with_lanes_ms(Mode::Parallel, p))
            .sum()
    }

    /// Refuses a sweep over 1..=`threads` threads whose estimate exceeds
    /// [`MAX_ESTIMATE_MS`], with the estimate.
    pub fn check_sweep_estimate(&self, threads: u32) -> Result<f64, String> {
        within_limit(self.sweep_estimate_ms(threads))
    }

    /// The tasks a run executes. `rate` converts milliseconds of work into
    /// kernel units on this machine (see [`super::calibrate`]).
    pub fn task_specs(&self, rate: Rate) -> Vec<TaskSpec> {
        let units = if self.workload.computes() {
            rate.units_for(f64::from(self.work_ms))
        } else {
            0
        };
        (0..self.tasks)
            .map(|id| {
                let wait_ms = if self.workload.waits() {
                    let offset = jitter_offset(self.seed, id) * f64::from(self.jitter_ms);
                    (f64::from(self.latency_ms) + offset).max(0.0)
                } else {
                    0.0
                };
                TaskSpec {
                    id,
                    wait_ms,
                    first_unit: u64::from(id) * units,
                    units,
                    fails: self.fail_task == Some(id + 1),
                }
            })
            .collect()
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

/// A uniform number in `[-1, 1)` from the seed and the task (splitmix64), so
/// the same link gives the same waits on every machine.
fn jitter_offset(seed: u32, task: u32) -> f64 {
    let mut z = (u64::from(seed) << 32 | u64::from(task)).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// One task of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskSpec {
    /// 0-based; the page numbers tasks from 1.
    pub id: u32,
    /// How long the task waits before computing (0: no wait).
    pub wait_ms: f64,
    /// The kernel units the task computes (0: no computation).
    pub first_unit: u64,
    pub units: u64,
    /// Fault injection: this task panics when it starts computing.
    pub fails: bool,
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

    #[test]
    fn task_specs_carry_waits_work_and_faults() {
        let s = Settings {
            workload: Workload::Mixed,
            tasks: 200,
            latency_ms: 100,
            jitter_ms: 20,
            work_ms: 10,
            fail_task: Some(3),
            ..settings()
        };
        let tasks = s.task_specs(Rate { units_per_ms: 50.0 });
        assert_eq!(tasks.len(), 200);
        assert!(tasks.iter().all(|t| t.units == 500));
        assert!(tasks.iter().all(|t| (80.0..=120.0).contains(&t.wait_ms)));
        let mean = tasks.iter().map(|t| t.wait_ms).sum::<f64>() / 200.0;
        assert!((mean - 100.0).abs() < 3.0, "jitter is centred: {mean}");
        assert_eq!(
            tasks
                .iter()
                .filter(|t| t.fails)
                .map(|t| t.id)
                .collect::<Vec<_>>(),
            [2]
        );
        // Same seed, same waits; another seed, other waits.
        assert_eq!(tasks, s.task_specs(Rate { units_per_ms: 50.0 }));
        let other = Settings { seed: 2, ..s }.task_specs(Rate { units_per_ms: 50.0 });
        assert_ne!(tasks[0].wait_ms, other[0].wait_ms);
    }

    #[test]
    fn cpu_tasks_do_not_wait_and_io_tasks_do_not_compute() {
        let rate = Rate { units_per_ms: 10.0 };
        let cpu = Settings {
            workload: Workload::Cpu,
            ..settings()
        };
        assert!(
            cpu.task_specs(rate)
                .iter()
                .all(|t| t.wait_ms == 0.0 && t.units > 0)
        );
        let io = Settings {
            workload: Workload::Io,
            ..settings()
        };
        assert!(
            io.task_specs(rate)
                .iter()
                .all(|t| t.wait_ms > 0.0 && t.units == 0)
        );
    }

    #[test]
    fn logarithmic_sliders_reach_both_ends_and_round_trip() {
        for field in [Field::Tasks, Field::WorkMs, Field::LatencyMs] {
            let max = field.bounds().max;
            assert_eq!(field.from_position(0, max), 1);
            assert_eq!(field.from_position(SLIDER_STEPS, max), max);
            for value in [1, 2, 8, 50, 200, 999, max] {
                let back = field.from_position(field.to_position(value, max), max);
                let error = (f64::from(back) - f64::from(value)).abs() / f64::from(value);
                assert!(
                    error < 0.01 || back.abs_diff(value) <= 1,
                    "{field:?} {value} -> {back}"
                );
            }
        }
        assert_eq!(Field::Lanes.to_position(3, 8), 3);
        // One arrow-key step always moves the value.
        let p = Field::Tasks.to_position(8, 10_000);
        assert_eq!(Field::Tasks.value_at(p + 1, 10_000, 8), 9);
        assert_eq!(Field::Tasks.value_at(p - 1, 10_000, 8), 7);
        assert_eq!(Field::Tasks.value_at(0, 10_000, 1), 1);
        assert_eq!(Field::Tasks.value_at(SLIDER_STEPS, 10_000, 8), 10_000);
        assert_eq!(Field::Lanes.slider_range(8), (1, 8));
    }

    #[test]
    fn names_round_trip() {
        for m in Mode::ALL {
            assert_eq!(Mode::from_name(m.name()), Some(m));
        }
        for w in Workload::ALL {
            assert_eq!(Workload::from_name(w.name()), Some(w));
        }
    }
}
