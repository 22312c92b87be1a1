//! The main thread's side of a run: Sequential, and the event loop that
//! Concurrent and Concurrent + parallel share.
//!
//! The event loop is what Node.js and the browser do, written out: every
//! task's wait begins at once; one timer (the earliest deadline) is armed at
//! a time; when waits end, their tasks become ready; ready tasks compute one
//! slice per turn, round robin, yielding to the page between slices (or, in
//! Concurrent + parallel, are handed to the pool's lanes). Nothing is
//! allocated per task beyond its span; a wait costs O(1) to start and to
//! end (one sort of all deadlines, O(n log n), when the run starts), so a run
//! can hold 100,000 waits at once and the page stays responsive.

use super::{EventLoop, Run, Slice, TaskEnd, fault_message};
use crate::engine::plan::Stage;
use crate::engine::record::Lane;
use std::collections::VecDeque;

/// Sequential mode: one task after another, each wait then its computation
/// to its end (the main thread is blocked while it computes).
pub async fn run_sequential(run: &Run, ev: &impl EventLoop) {
    for task in &run.tasks {
        if run.cancel.is_cancelled() {
            break;
        }
        if task.stage == Stage::Reduce && !run.map_done() {
            break; // a map task failed: nothing complete to reduce
        }
        let mut end = TaskEnd::Completed;
        if task.wait_ms > 0.0 {
            let start = ev.now();
            run.log.open(task.id, Lane::Main, start);
            ev.sleep_until(start + task.wait_ms, &run.cancel).await;
            run.log.close(task.id, ev.now());
            if run.cancel.is_cancelled() {
                end = TaskEnd::Cancelled;
            }
        }
        if end == TaskEnd::Completed && task.units > 0 {
            end = run.compute_whole(ev, Lane::Main, task);
        }
        run.end_task(task.id, &end);
        // Between tasks, let the page paint and see Stop: the one
        // concession to a frozen page; each task itself runs to its end.
        ev.yield_now().await;
    }
}

/// Where a task goes when its wait is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterWait {
    /// Concurrent: computed on the main thread, a slice per turn.
    ComputeHere,
    /// Concurrent + parallel: published to the pool's lanes (already started).
    HandToLanes,
}

/// How long ending waits may hold the main thread before it yields: 100,000
/// waits can end on the same millisecond, and closing them all in one turn
/// would freeze the page for a frame or more.
pub(super) const TURN_BUDGET_MS: f64 = 4.0;

/// Concurrent (`ComputeHere`) or the main thread's part of Concurrent +
/// parallel (`HandToLanes`; this closes the queue when every task has been
/// handed over, or on Stop).
pub async fn run_event_loop(run: &Run, ev: &impl EventLoop, after: AfterWait) {
    // Every wait begins now: (deadline, task), earliest first.
    let mut waits: Vec<(f64, u32)> = Vec::with_capacity(run.tasks.len());
    // Tasks computing on this thread, with the units done so far.
    let mut ready: VecDeque<(u32, u64)> = VecDeque::new();
    for task in run.map_tasks() {
        if task.wait_ms > 0.0 {
            let start = ev.now();
            run.log.open(task.id, Lane::Main, start);
            waits.push((start + task.wait_ms, task.id));
        } else {
            wait_over(run, task.id, after, &mut ready);
        }
    }
    waits.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut next_wait = 0;
    let mut reduce_here = after == AfterWait::ComputeHere;
    loop {
        if run.cancel.is_cancelled() {
            break;
        }
        // End the waits that are due, yielding to the page now and then.
        let mut turn_start = ev.now();
        while let Some(&(deadline, id)) = waits.get(next_wait) {
            let now = ev.now();
            if deadline > now {
                break;
            }
            run.log.close(id, now);
            next_wait += 1;
            wait_over(run, id, after, &mut ready);
            if now - turn_start > TURN_BUDGET_MS {
                ev.yield_now().await;
                if run.cancel.is_cancelled() {
                    break;
                }
                turn_start = ev.now();
            }
        }
        if let Some((id, done)) = ready.pop_front() {
            // Yield *before* each slice: every ready task then runs one slice
            // per turn of the event loop, and the page paints in between.
            ev.yield_now().await;
            if run.cancel.is_cancelled() {
                break;
            }
            let task = &run.tasks[id as usize];
            let done = done + run.compute_slice(ev, Lane::Main, task, done, Slice::AfterYield);
            if done < task.units {
                ready.push_back((id, done));
            } else {
                run.end_task(id, &TaskEnd::Completed);
            }
        } else if let Some(&(deadline, _)) = waits.get(next_wait) {
            ev.sleep_until(deadline, &run.cancel).await;
        } else if let Some(reduce) = run.reduce().filter(|_| reduce_here && run.map_done()) {
            // Concurrent: every map task has ended; the reduce is the
            // last task this thread computes. (The parallel modes run it
            // on a lane once their lanes have exited.)
            reduce_here = false;
            ready.push_back((reduce.id, 0));
        } else {
            break;
        }
    }
    if after == AfterWait::HandToLanes {
        run.queue.close();
    }
}

/// Task `id`'s wait is over (or it had none): it ends, fails, computes here,
/// or goes to the lanes.
fn wait_over(run: &Run, id: u32, after: AfterWait, ready: &mut VecDeque<(u32, u64)>) {
    let task = &run.tasks[id as usize];
    if task.units == 0 {
        run.end_task(id, &TaskEnd::Completed);
        return;
    }
    match after {
        AfterWait::ComputeHere if task.fails => {
            run.end_task(id, &TaskEnd::Failed(fault_message(task)));
        }
        AfterWait::ComputeHere => ready.push_back((id, 0)),
        // The lane reports the end (and the injected fault).
        AfterWait::HandToLanes => {
            if !run.queue.publish(id) {
                run.end_task(id, &TaskEnd::Cancelled);
            }
        }
    }
}
