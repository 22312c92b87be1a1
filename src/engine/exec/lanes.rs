//! The pool's side of a run: lanes that get their tasks (from the run's
//! queue, their fixed block, or by stealing) and compute them on worker
//! threads, where blocking is allowed; the serial reduce after them.

use super::assigner::Assigner;
use super::{Clock, Run, Slice, TaskEnd, fault_message};
use crate::engine::plan::{Assignment, TaskSpec};
use crate::engine::record::{Lane, Span, SpanKind};
use futures::channel::oneshot;
use std::cell::Cell;
use std::sync::{Arc, TryLockError};

/// What a lane does with a task it claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneWork {
    /// The whole task: its wait (holding the thread), then its computation.
    Whole,
    /// Only the computation: the main thread has done the wait (mode Both).
    ComputeOnly,
}

thread_local! {
    /// The task this thread's lane is running, if any.
    static CURRENT_TASK: Cell<Option<u32>> = const { Cell::new(None) };
}

/// The task the calling thread's lane is running: what a panic hook on a
/// pool thread names as the task that died with it (runtime/casualty.rs).
pub fn current_task() -> Option<u32> {
    CURRENT_TASK.with(Cell::get)
}

/// One lane of the pool: takes tasks (from the queue, its block, or by
/// stealing) until none are left, or Stop. Runs on a worker thread, where
/// blocking is allowed.
pub fn run_lane(
    run: &Run,
    clock: &impl Clock,
    lane: Lane,
    work: LaneWork,
    assigner: &Assigner,
    ordinal: u32,
) {
    let mut position = 0;
    while let Some(id) = assigner.next(run, ordinal, position) {
        position += 1;
        run_task_on_lane(run, clock, lane, id, work);
    }
}

/// Runs task `id` on the calling lane and records how it ended.
fn run_task_on_lane(run: &Run, clock: &impl Clock, lane: Lane, id: u32, work: LaneWork) {
    let Some(task) = run.tasks.get(id as usize) else {
        return;
    };
    CURRENT_TASK.with(|c| c.set(Some(id)));
    let end = execute_on_lane(run, clock, lane, task, work);
    CURRENT_TASK.with(|c| c.set(None));
    run.end_task(id, &end);
}

fn execute_on_lane(
    run: &Run,
    clock: &impl Clock,
    lane: Lane,
    task: &TaskSpec,
    work: LaneWork,
) -> TaskEnd {
    if work == LaneWork::Whole && task.wait_ms > 0.0 {
        let start = clock.now();
        run.log.open(task.id, lane, start);
        let complete = run
            .cancel
            .sleep_until(&|| clock.now(), start + task.wait_ms);
        run.log.close(task.id, clock.now());
        if !complete {
            return TaskEnd::Cancelled;
        }
    }
    if task.units > 0 && task.fails {
        // The failing-task setting reports a failure; it does not panic. A
        // real panic aborts the worker (the wasm build aborts on panic); the
        // page notices through its panic hook (runtime/casualty.rs).
        return TaskEnd::Failed(fault_message(task));
    }
    let mut done = 0;
    // The critical section: the task's first share of computation, done
    // holding the one lock every lane shares. Waiting for it is a span of
    // its own kind; a lane that waits is not computing.
    let locked = task.units * u64::from(run.lock_permille.min(1000)) / 1000;
    if locked > 0 {
        let Some(guard) = take_critical(run, clock, lane, task) else {
            return TaskEnd::Cancelled;
        };
        while done < locked {
            if run.cancel.is_cancelled() {
                return TaskEnd::Cancelled;
            }
            done += run.compute_slice_until(clock, lane, task, done, locked, Slice::BackToBack);
        }
        drop(guard);
    }
    while done < task.units {
        if run.cancel.is_cancelled() {
            return TaskEnd::Cancelled;
        }
        done += run.compute_slice(clock, lane, task, done, Slice::BackToBack);
    }
    TaskEnd::Completed
}

/// How long a lane waiting for the run's lock sleeps between two tries:
/// short against the critical sections (milliseconds), long enough not to
/// spin. A lane whose holder died (a pool thread lost while holding it)
/// then sees Stop, which the page sets for such a run, instead of sleeping
/// in the lock for ever.
const LOCK_RETRY_MS: f64 = 0.05;

/// Takes the run's lock for `task`'s critical section, recording the wait
/// as a span of its own kind when there was one; `None` on Stop, the wait
/// recorded up to the moment Stop was seen (a stopped run shows the lanes
/// that were waiting as waiting, not idle).
fn take_critical<'a>(
    run: &'a Run,
    clock: &impl Clock,
    lane: Lane,
    task: &TaskSpec,
) -> Option<std::sync::MutexGuard<'a, ()>> {
    let mut asked = None;
    let record_wait = |asked: Option<f64>| {
        if let Some(asked) = asked {
            run.log.record(
                Span::new(task.id, lane, SpanKind::Lock, asked, clock.now()),
                false,
            );
        }
    };
    loop {
        match run.critical.try_lock() {
            Ok(guard) => {
                record_wait(asked);
                return Some(guard);
            }
            Err(TryLockError::Poisoned(p)) => {
                record_wait(asked);
                return Some(p.into_inner());
            }
            Err(TryLockError::WouldBlock) => {
                let now = clock.now();
                asked.get_or_insert(now);
                if !run.cancel.sleep_until(&|| clock.now(), now + LOCK_RETRY_MS) {
                    record_wait(asked);
                    return None;
                }
            }
        }
    }
}

/// Parallel mode, the main thread's part: publishes every map task, then
/// closes the queue. The lanes do the rest.
pub fn publish_all(run: &Run) {
    for task in run.map_tasks() {
        run.queue.publish(task.id);
    }
    run.queue.close();
}

/// Starts `lanes` lanes on rayon's global pool (in the browser, its Web
/// Workers). Each records its spans as `Lane::Worker(rayon thread index)`, so
/// the trace shows which threads really took part. The receivers resolve as
/// the lanes exit.
pub fn spawn_lanes<C: Clock + Clone + Send + 'static>(
    run: &Arc<Run>,
    clock: &C,
    lanes: u32,
    work: LaneWork,
) -> Vec<oneshot::Receiver<()>> {
    // Tasks handed over as their waits end can only be claimed as they come.
    let assignment = match work {
        LaneWork::Whole => run.assignment,
        LaneWork::ComputeOnly => Assignment::Dynamic,
    };
    let assigner = Arc::new(Assigner::new(assignment, run.map_count(), lanes));
    (0..lanes)
        .map(|ordinal| {
            let assigner = Arc::clone(&assigner);
            on_a_worker(run, clock, move |run, clock, lane| {
                run_lane(run, clock, lane, work, &assigner, ordinal);
            })
        })
        .collect()
}

/// Runs the serial reduce (if the run has one) on one lane of the pool; the
/// receiver resolves when it has ended.
pub fn spawn_reduce<C: Clock + Clone + Send + 'static>(
    run: &Arc<Run>,
    clock: &C,
) -> Option<oneshot::Receiver<()>> {
    let id = run.reduce()?.id;
    Some(on_a_worker(run, clock, move |run, clock, lane| {
        run_task_on_lane(run, clock, lane, id, LaneWork::Whole);
    }))
}

/// Runs `job` as a rayon job (in the browser, on a Web Worker), as the lane
/// of the rayon thread it lands on.
fn on_a_worker<C: Clock + Clone + Send + 'static>(
    run: &Arc<Run>,
    clock: &C,
    job: impl FnOnce(&Run, &C, Lane) + Send + 'static,
) -> oneshot::Receiver<()> {
    let (tx, rx) = oneshot::channel();
    let (run, clock) = (Arc::clone(run), clock.clone());
    rayon::spawn(move || {
        let index = rayon::current_thread_index().unwrap_or(0);
        job(
            &run,
            &clock,
            Lane::Worker(u16::try_from(index).unwrap_or(u16::MAX)),
        );
        let _ = tx.send(());
    });
    rx
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::exec::{NativeClock, run_native};
    use crate::engine::plan::{Mode, Settings, Workload};
    use crate::engine::record::{Outcome, Trace};
    use crate::engine::work::{Kernel, MIN_BATCH_MS, measure_rate};
    use std::time::Duration;

    /// Two lanes, each task all under the lock and long (3 s): one lane
    /// holds the lock, the other waits for it, and Stop comes after
    /// `stop_after_ms`. Returns the trace and when Stop came, relative to
    /// the run's start.
    fn stopped_in_the_lock(stop_after_ms: u64) -> (Trace, f64) {
        let rate = measure_rate(
            |n| {
                std::hint::black_box(Kernel::Primes.run(0, n));
            },
            || NativeClock.now(),
            MIN_BATCH_MS,
        );
        let s = Settings {
            workload: Workload::Cpu,
            mode: Mode::Parallel,
            tasks: 2,
            work_ms: 3_000,
            lanes: 2,
            lock_pct: 100,
            ..Settings::default()
        };
        let run = Arc::new(Run::of_settings(&s, rate, true));
        let stopper = {
            let run = Arc::clone(&run);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(stop_after_ms));
                let at = NativeClock.now();
                run.cancel.cancel();
                at
            })
        };
        // A pool of its own, so that other tests' jobs cannot take its
        // threads: one for the run's "main thread", two for its lanes.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .expect("a pool of three threads");
        let trace = pool.install(|| run_native(Mode::Parallel, Arc::clone(&run), 2));
        let stopped_at = stopper.join().expect("the stopper returns") - trace.origin_ms;
        (trace, stopped_at)
    }

    #[test]
    fn a_lane_stopped_while_waiting_for_the_lock_keeps_its_wait() {
        let (trace, stopped_at) = stopped_in_the_lock(150);
        assert_eq!(trace.outcome, Outcome::Cancelled);
        let waits: Vec<&Span> = trace
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Lock)
            .collect();
        assert_eq!(waits.len(), 1, "one lane waited: {:?}", trace.spans);
        let wait = waits[0];
        // It waited from before Stop until it saw Stop: within a retry
        // (0.05 ms) on a quiet machine; the bound leaves room for a busy
        // one's scheduling delays.
        assert!(wait.start < stopped_at, "{wait:?}, stopped at {stopped_at}");
        assert!(
            (wait.end - stopped_at).abs() < 100.0,
            "{wait:?}, stopped at {stopped_at}"
        );
        // The lane that held the lock computed meanwhile, on another lane.
        assert!(
            trace
                .spans
                .iter()
                .any(|s| s.kind == SpanKind::Run && s.lane != wait.lane),
            "{:?}",
            trace.spans
        );
    }
}
