//! A server's run in the page (the goroutines example): its connections
//! served one of three ways — on the main thread's event loop, or on a loop
//! per pool thread, pinned or stealing (`engine::exec::{serve_one_loop,
//! run_loop}`). The main thread never blocks: it awaits the loops' reports
//! through oneshot channels, and watches for a pool thread's death, which
//! ends the run as failed instead of leaving it waiting.

use super::casualty::{self, LaneClock};
use super::clock::BrowserClock;
use super::event_loop::BrowserLoop;
use super::yielding::after_ms;
use crate::engine::exec::{CancelFlag, Clock, Shared, run_loop, serve_one_loop};
use crate::engine::plan::{Server, Way};
use crate::engine::record::{Lane, LoopReport, Served, ServedOutcome, place_loops};
use futures::channel::oneshot;
use futures::future::{Either, join_all, select};
use std::sync::Arc;
use wasm_bindgen_futures::JsFuture;

/// Serves `server` one `way`, until every message is handled or `stop` is
/// set. `ev` is the main thread's event loop (for [`Way::OneLoop`]).
pub async fn serve(server: Server, way: Way, stop: Arc<CancelFlag>, ev: BrowserLoop) -> Served {
    let start = BrowserClock.now();
    let (loops, failed) = if stop.is_cancelled() {
        (vec![], None) // stopped before its turn came
    } else if way.uses_pool() {
        on_pool(server, way, &stop, start).await
    } else {
        (vec![serve_one_loop(&server, &ev, &stop, start).await], None)
    };
    let ended = BrowserClock.now();
    // The run ends with its last handler: not when the main thread got
    // round to reading the reports.
    let last = loops
        .iter()
        .filter(|l| l.handled > 0)
        .map(|l| l.last_end_ms)
        .fold(start, f64::max);
    let outcome = match failed {
        Some(message) => ServedOutcome::Failed(message),
        None if stop.is_cancelled() => ServedOutcome::Stopped,
        None => ServedOutcome::Completed,
    };
    // No expected checksum: it would compute every handler again, here on
    // the main thread; the page holds the ways' checksums against each other.
    let mut served = Served::new(
        way,
        server.total_messages(),
        None,
        (start, last - start),
        loops,
        outcome,
    );
    served.ended_ms = ended;
    served
}

/// A loop on each living pool thread; their reports, and why the run
/// failed if a thread died.
async fn on_pool(
    server: Server,
    way: Way,
    stop: &Arc<CancelFlag>,
    start: f64,
) -> (Vec<LoopReport>, Option<String>) {
    let threads = casualty::living();
    if threads == 0 {
        return (vec![], Some(casualty::NO_THREAD_LEFT.into()));
    }
    let seen = casualty::count();
    let (shared, queues) = Shared::new(server, threads, way, Arc::clone(stop), start);
    let shared = Arc::new(shared);
    let mut receivers = Vec::with_capacity(queues.len());
    for (i, queue) in queues.into_iter().enumerate() {
        let (tx, rx) = oneshot::channel();
        let shared = Arc::clone(&shared);
        // One job per thread: each runs its loop until the run ends, so no
        // thread takes a second job meanwhile.
        rayon::spawn(move || {
            let nap = |ms: f64| {
                let now = || LaneClock.now();
                shared.stop.sleep_until(&now, now() + ms);
            };
            let report = run_loop(i as u32, &shared, queue, &LaneClock, &nap);
            // Which pool thread ran it: the timeline names its lane so.
            let thread = rayon::current_thread_index().unwrap_or(i);
            let _ = tx.send((report, u16::try_from(thread).unwrap_or(u16::MAX)));
        });
        receivers.push(rx);
    }
    let dead = {
        let all = Box::pin(join_all(receivers.iter_mut()));
        let watch = Box::pin(casualty::next(seen));
        match select(all, watch).await {
            Either::Left((reports, _)) => return (placed(reports.into_iter().flatten()), None),
            Either::Right((dead, _)) => dead,
        }
    };
    stop.cancel();
    // The dead thread's loop never reports: take the others' as
    // they come, for a while.
    let deadline = BrowserClock.now() + casualty::SETTLE_MS;
    let mut got = vec![None; receivers.len()];
    // Every loop but the dead ones reports.
    while BrowserClock.now() < deadline
        && got.iter().filter(|r| r.is_some()).count() + ((casualty::count() - seen) as usize)
            < receivers.len()
    {
        for (slot, rx) in got.iter_mut().zip(receivers.iter_mut()) {
            if slot.is_none()
                && let Ok(Some(r)) = rx.try_recv()
            {
                *slot = Some(r);
            }
        }
        let _ = JsFuture::from(after_ms(10)).await;
    }
    (
        placed(got.into_iter().flatten()),
        Some(casualty::describe(&dead, None)),
    )
}

/// The loops' reports, each lane named after the pool thread that ran it.
/// A loop's report says `Worker(k)` for loop `k` until then; a dead
/// thread's loop is missing, so the threads are indexed by loop.
fn placed(got: impl Iterator<Item = (LoopReport, u16)>) -> Vec<LoopReport> {
    let (mut loops, mut threads) = (Vec::new(), Vec::new());
    for (report, thread) in got {
        if let Lane::Worker(k) = report.lane {
            let k = usize::from(k);
            if threads.len() <= k {
                threads.resize(k + 1, None);
            }
            threads[k] = Some(thread);
        }
        loops.push(report);
    }
    place_loops(&mut loops, &threads);
    loops
}
