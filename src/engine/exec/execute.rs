//! Runs a task set in one of the four modes: which side does what, and the
//! serial reduce after the parallel map. What touches the platform (the
//! clock, async sleeps and yields on the main thread) comes in through the
//! [`Clock`] and [`EventLoop`] traits, so the same code runs natively in
//! `cargo test` and the benchmark.

use super::lanes::{LaneWork, publish_all, spawn_lanes, spawn_reduce};
use super::main_thread::{AfterWait, run_event_loop, run_sequential};
use super::{Clock, EventLoop, Run, into_trace};
use crate::engine::plan::Mode;
use crate::engine::record::Trace;
use std::sync::Arc;

/// Runs `run` in `mode` to its end (or Stop) and returns its trace. `ev` is the
/// calling (main) thread's event loop; `lane_clock` is read by the lanes.
pub async fn execute<E: EventLoop, C: Clock + Clone + Send + 'static>(
    mode: Mode,
    run: Arc<Run>,
    ev: &E,
    lane_clock: &C,
    lanes: u32,
) -> Trace {
    let started = ev.now();
    match mode {
        Mode::Sequential => run_sequential(&run, ev).await,
        Mode::Concurrent => run_event_loop(&run, ev, AfterWait::ComputeHere).await,
        Mode::Parallel => {
            let exits = spawn_lanes(&run, lane_clock, lanes, LaneWork::Whole);
            publish_all(&run);
            futures::future::join_all(exits).await;
            reduce_on_a_lane(&run, lane_clock).await;
        }
        Mode::Both => {
            let exits = spawn_lanes(&run, lane_clock, lanes, LaneWork::ComputeOnly);
            run_event_loop(&run, ev, AfterWait::HandToLanes).await;
            futures::future::join_all(exits).await;
            reduce_on_a_lane(&run, lane_clock).await;
        }
    }
    let ended = ev.now();
    let threads = if mode.uses_pool() { lanes } else { 1 };
    into_trace(&run, mode, threads, started, ended)
}

/// The parallel modes' serial stage: once the map's lanes have exited (all
/// map tasks done, not stopped, none failed), the reduce on one lane.
async fn reduce_on_a_lane<C: Clock + Clone + Send + 'static>(run: &Arc<Run>, clock: &C) {
    if run.cancel.is_cancelled() || !run.map_done() {
        return;
    }
    if let Some(done) = spawn_reduce(run, clock) {
        let _ = done.await;
    }
}
