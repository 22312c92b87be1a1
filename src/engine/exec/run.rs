//! A run in progress: the task set and everything its threads share (the
//! queue, the cancel flag, the span log, the checksum, the shared counter,
//! the critical section's lock), the computing of one slice, and the trace
//! a run leaves when it has ended.
//!
//! How each mode drives a run is in [`super::execute`], the main thread's
//! side in `main_thread.rs`, the pool's in `lanes.rs`.

use super::{CancelFlag, Clock, SharedCounter, SpanLog, TaskQueue, spin_lock};
use crate::engine::plan::{Assignment, Mode, Settings, Stage, TaskSpec, Workload};
use crate::engine::record::{Lane, Outcome, Span, SpanKind, Tally, Trace};
use crate::engine::work::{Kernel, Rate};
use std::hint::black_box;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// How one task ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskEnd {
    Completed,
    Cancelled,
    Failed(String),
}

/// Everything the threads of one run share.
#[derive(Debug)]
pub struct Run {
    pub kernel: Kernel,
    /// The map tasks, then the serial reduce if there is one.
    pub tasks: Vec<TaskSpec>,
    /// How the Parallel mode's lanes get their tasks.
    pub assignment: Assignment,
    /// The shared-counter workload's counter: its tasks' units are updates
    /// of it instead of kernel calls.
    pub counter: Option<SharedCounter>,
    /// Per mille of each task's computation done, on the pool's lanes,
    /// holding `critical` (0: none).
    pub lock_permille: u32,
    /// The one lock every lane's critical section takes. Only lanes (on
    /// workers, where sleeping is allowed) ever take it.
    pub critical: Mutex<()>,
    /// Units computed so far (for the counter: updates made).
    units_done: AtomicU64,
    /// Units per slice: how much a lane computes between two looks at Stop,
    /// and the concurrent mode between two yields.
    pub slice_units: u64,
    pub queue: TaskQueue,
    pub cancel: CancelFlag,
    pub log: SpanLog,
    finished: AtomicU32,
    /// Per task, whether it ran to its end: a run is only complete when all did.
    completed: Vec<AtomicBool>,
    /// Kernel calls made: every mode computes the same slices, so this is
    /// equal across modes for the same task set (and says so in the report).
    slices: AtomicU32,
    failure: Mutex<Option<(u32, String)>>,
    /// Wrapping sum of the kernels' results: the same for every mode, which
    /// shows each did the same work (and keeps the optimiser from skipping it).
    checksum: AtomicU64,
}

impl Run {
    /// A run that records nothing: the same work without the span log, so
    /// the benchmark can measure what recording costs.
    pub fn unrecorded(kernel: Kernel, tasks: Vec<TaskSpec>, slice_units: u64) -> Run {
        Run {
            log: SpanLog::off(),
            ..Run::new(kernel, tasks, slice_units)
        }
    }

    pub fn new(kernel: Kernel, tasks: Vec<TaskSpec>, slice_units: u64) -> Run {
        let n = tasks.len();
        Run {
            kernel,
            tasks,
            assignment: Assignment::Dynamic,
            counter: None,
            lock_permille: 0,
            critical: Mutex::new(()),
            units_done: AtomicU64::new(0),
            slice_units: slice_units.max(1),
            queue: TaskQueue::new(n),
            cancel: CancelFlag::new(),
            log: SpanLog::new(n),
            finished: AtomicU32::new(0),
            completed: (0..n).map(|_| AtomicBool::new(false)).collect(),
            slices: AtomicU32::new(0),
            failure: Mutex::new(None),
            checksum: AtomicU64::new(0),
        }
    }

    /// The run of `settings`' task set, `rate` being the kernel's on this
    /// machine; `record == false` (the benchmark) records no spans.
    pub fn of_settings(settings: &Settings, rate: Rate, record: bool) -> Run {
        let tasks = settings.task_specs(rate);
        let slice_units = if settings.workload == Workload::Counter {
            COUNTER_SLICE
        } else {
            rate.units_for(f64::from(settings.slice_ms))
        };
        let run = if record {
            Run::new(settings.kernel, tasks, slice_units)
        } else {
            Run::unrecorded(settings.kernel, tasks, slice_units)
        };
        Run {
            counter: (settings.workload == Workload::Counter)
                .then(|| SharedCounter::new(settings.strategy)),
            lock_permille: if settings.lock_applies() {
                settings.lock_pct.min(100) * 10
            } else {
                0
            },
            ..run.with_assignment(settings.assignment)
        }
    }

    /// The same run, its Parallel lanes getting their tasks by `assignment`.
    pub fn with_assignment(self, assignment: Assignment) -> Run {
        Run { assignment, ..self }
    }

    /// The tasks that may run side by side (all but the reduce).
    pub fn map_tasks(&self) -> &[TaskSpec] {
        let map = self.map_count() as usize;
        &self.tasks[..map]
    }

    pub fn map_count(&self) -> u32 {
        let reduce = usize::from(self.reduce().is_some());
        (self.tasks.len() - reduce) as u32
    }

    /// The serial reduce, run alone once every map task has ended.
    pub fn reduce(&self) -> Option<&TaskSpec> {
        self.tasks.last().filter(|t| t.stage == Stage::Reduce)
    }

    /// Whether every map task ran to its end: the reduce may start.
    pub fn map_done(&self) -> bool {
        self.map_tasks()
            .iter()
            .all(|t| self.completed[t.id as usize].load(Ordering::Acquire))
    }

    /// Tasks that ran to their end.
    pub fn finished(&self) -> u32 {
        self.finished.load(Ordering::Acquire)
    }

    /// Kernel calls (slices) made so far.
    pub fn slices(&self) -> u32 {
        self.slices.load(Ordering::Acquire)
    }

    /// The first task that did not run to its end, if any.
    pub fn first_unfinished(&self) -> Option<u32> {
        self.completed
            .iter()
            .position(|c| !c.load(Ordering::Acquire))
            .map(|i| i as u32)
    }

    pub fn checksum(&self) -> u64 {
        self.checksum.load(Ordering::Acquire)
    }

    /// The first task that failed, and why.
    pub fn failure(&self) -> Option<(u32, String)> {
        spin_lock(&self.failure).clone()
    }

    fn add_checksum(&self, value: u64) {
        // Read only after the run (its lanes have exited, which orders every
        // add before the read): no ordering needed on each slice.
        self.checksum.fetch_add(value, Ordering::Relaxed);
    }

    /// Records how task `task` ended.
    pub(super) fn end_task(&self, task: u32, end: &TaskEnd) {
        match end {
            // Counted once per task, however often it is reported.
            TaskEnd::Completed => {
                if let Some(c) = self.completed.get(task as usize)
                    && !c.swap(true, Ordering::AcqRel)
                {
                    self.finished.fetch_add(1, Ordering::AcqRel);
                }
            }
            TaskEnd::Failed(why) => {
                spin_lock(&self.failure).get_or_insert_with(|| (task, why.clone()));
            }
            TaskEnd::Cancelled => {}
        }
    }

    /// Computes `task` on the calling thread in one go (Sequential mode: the
    /// main thread is blocked meanwhile, and cannot even see Stop). It runs
    /// the same slices as every other mode, back to back without yielding, so
    /// that speedups compare equal work: the same kernel calls, the same
    /// clock reads, the same spans recorded (merged into one bar).
    pub(super) fn compute_whole(&self, clock: &impl Clock, lane: Lane, task: &TaskSpec) -> TaskEnd {
        if task.fails {
            return TaskEnd::Failed(fault_message(task));
        }
        let mut done = 0;
        while done < task.units {
            done += self.compute_slice(clock, lane, task, done, Slice::BackToBack);
        }
        TaskEnd::Completed
    }

    /// Computes slice `done .. done + slice_units` of `task`; returns the units done.
    pub(super) fn compute_slice(
        &self,
        clock: &impl Clock,
        lane: Lane,
        task: &TaskSpec,
        done: u64,
        slice: Slice,
    ) -> u64 {
        self.compute_slice_until(clock, lane, task, done, task.units, slice)
    }

    /// [`Self::compute_slice`], ending at unit `until` at the latest.
    pub(super) fn compute_slice_until(
        &self,
        clock: &impl Clock,
        lane: Lane,
        task: &TaskSpec,
        done: u64,
        until: u64,
        slice: Slice,
    ) -> u64 {
        let n = self
            .slice_units
            .min(until.min(task.units).saturating_sub(done));
        if n == 0 {
            return 0;
        }
        self.slices.fetch_add(1, Ordering::Relaxed);
        let start = clock.now();
        match &self.counter {
            Some(counter) => {
                counter.add(lane, n);
            }
            None => self.add_checksum(black_box(self.kernel.run(task.first_unit + done, n))),
        }
        self.units_done.fetch_add(n, Ordering::Relaxed);
        self.log.record(
            Span::new(task.id, lane, SpanKind::Run, start, clock.now()),
            slice == Slice::BackToBack && done > 0,
        );
        n
    }
}

/// Counter updates per slice, between two looks at Stop: 40 µs of local
/// counting to about 1 ms of a contended atomic (2–50 ns an update).
pub const COUNTER_SLICE: u64 = 20_000;

/// How a slice follows the one before it on its thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slice {
    /// Right after the task's previous slice, nothing in between (a lane,
    /// Sequential): one bar in the timeline, whatever a preemption did.
    BackToBack,
    /// After a yield to the page (Concurrent): a bar of its own.
    AfterYield,
}

/// The message of an injected fault.
pub fn fault_message(task: &TaskSpec) -> String {
    format!(
        "task {} failed: injected fault (the failing-task setting)",
        task.id + 1
    )
}

/// The trace of a run that has ended.
pub fn into_trace(run: &Run, mode: Mode, threads: u32, started: f64, ended: f64) -> Trace {
    trace_of(run, mode, threads, started, ended, run.log.finish(ended))
}

/// The trace of a run whose lanes may still be writing (a pool thread died
/// and another did not exit in time): [`into_trace`], from a copy of the
/// span log instead of the log itself, which a late lane would then write
/// into after it was taken. Everything else — the tally of a counter run
/// included — is read as for any run.
pub fn snapshot_trace(run: &Run, mode: Mode, threads: u32, started: f64, ended: f64) -> Trace {
    trace_of(run, mode, threads, started, ended, run.log.snapshot(ended))
}

fn trace_of(
    run: &Run,
    mode: Mode,
    threads: u32,
    started: f64,
    ended: f64,
    spans: Vec<Span>,
) -> Trace {
    let mut trace = Trace::new(mode, threads, run.tasks.len() as u32, started, ended, spans);
    trace.finished = run.finished();
    trace.checksum = run.checksum();
    trace.slices = run.slices();
    trace.reduce = run.reduce().is_some();
    trace.counter = run.counter.as_ref().map(|c| Tally {
        strategy: c.strategy,
        expected: run.units_done.load(Ordering::Acquire),
        actual: c.total(),
    });
    trace.outcome = match run.failure() {
        Some((task, message)) => Outcome::Failed { task, message },
        None if run.cancel.is_cancelled() => Outcome::Cancelled,
        // Never "completed" with a task missing: that would be a figure
        // measured on less work than the settings say.
        None => match run.first_unfinished() {
            Some(task) => Outcome::Failed {
                task,
                message: format!(
                    "task {} never ran to its end ({} of {} finished)",
                    task + 1,
                    run.finished(),
                    run.tasks.len()
                ),
            },
            None => Outcome::Completed,
        },
    };
    trace
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(not(target_arch = "wasm32"))]
    use crate::engine::exec::{NativeClock, run_native};
    use crate::engine::plan::Strategy;
    use std::sync::Arc;

    #[cfg(not(target_arch = "wasm32"))]
    /// A counter run cut short keeps its tally, taken or copied: the page
    /// builds the trace of a run that lost a pool thread from a copy of the
    /// log (the tally card disappeared when that copy left it out).
    #[test]
    fn a_trace_copied_from_a_live_log_keeps_the_counter_tally() {
        let settings = Settings {
            workload: Workload::Counter,
            strategy: Strategy::Atomic,
            tasks: 4,
            updates: 10_000,
            lanes: 2,
            ..Settings::default()
        };
        let run = Arc::new(Run::of_settings(
            &settings,
            Rate { units_per_ms: 1.0 },
            true,
        ));
        let ran = run_native(Mode::Parallel, Arc::clone(&run), 2);
        let ended = NativeClock.now();
        let copied = snapshot_trace(&run, Mode::Parallel, 2, ended - 1.0, ended);
        assert_eq!(ran.counter.map(|c| c.expected), Some(40_000));
        assert_eq!(copied.counter, ran.counter);
        assert_eq!(copied.checksum, ran.checksum);
    }

    #[test]
    fn a_run_takes_the_lock_only_where_the_settings_say_it_applies() {
        let rate = Rate {
            units_per_ms: 1_000.0,
        };
        for workload in Workload::ALL {
            for lock_pct in [0, 30, 100] {
                let s = Settings {
                    workload,
                    lock_pct,
                    tasks: 2,
                    work_ms: 1,
                    updates: 10,
                    ..Settings::default()
                };
                let run = Run::of_settings(&s, rate, false);
                let want = if s.lock_applies() { lock_pct * 10 } else { 0 };
                assert_eq!(run.lock_permille, want, "{workload:?} {lock_pct} %");
            }
        }
    }
}
