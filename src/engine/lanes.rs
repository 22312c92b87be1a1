//! The pool's side of a run: lanes that claim tasks from the run's queue and
//! compute them on worker threads, where blocking is allowed.

use super::exec::{Run, Slice, TaskEnd, fault_message};
use super::plan::TaskSpec;
use super::platform::Clock;
use super::trace::Lane;
use futures::channel::oneshot;
use std::cell::Cell;
use std::sync::Arc;

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

/// One lane of the pool: claims tasks until the queue is closed and drained,
/// or Stop. Runs on a worker thread, where blocking is allowed.
pub fn run_lane(run: &Run, clock: &impl Clock, lane: Lane, work: LaneWork) {
    while let Some(id) = run.queue.claim(&run.cancel) {
        let task = &run.tasks[id as usize];
        CURRENT_TASK.with(|c| c.set(Some(id)));
        let end = execute_on_lane(run, clock, lane, task, work);
        CURRENT_TASK.with(|c| c.set(None));
        run.end_task(id, &end);
    }
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
    while done < task.units {
        if run.cancel.is_cancelled() {
            return TaskEnd::Cancelled;
        }
        done += run.compute_slice(clock, lane, task, done, Slice::BackToBack);
    }
    TaskEnd::Completed
}

/// Parallel mode, the main thread's part: publishes every task, then closes
/// the queue. The lanes do the rest.
pub fn publish_all(run: &Run) {
    for task in &run.tasks {
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
    (0..lanes)
        .map(|_| {
            let (tx, rx) = oneshot::channel();
            let (run, clock) = (Arc::clone(run), clock.clone());
            rayon::spawn(move || {
                let index = rayon::current_thread_index().unwrap_or(0);
                run_lane(
                    &run,
                    &clock,
                    Lane::Worker(u16::try_from(index).unwrap_or(u16::MAX)),
                    work,
                );
                let _ = tx.send(());
            });
            rx
        })
        .collect()
}
