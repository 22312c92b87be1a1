//! A server's connections on one event loop, the main thread's: Node.js's
//! way, beside the M:N runtime's loops on the pool (`mn.rs`). The same
//! timers and first-in-first-out queue as a pool loop, but the loop never
//! blocks: it awaits the event loop's timer when nothing is ready, and
//! yields to the page after [`TURN_BUDGET_MS`] of handlers so that it can
//! paint (a browser's main thread must; Node's need not, which is the
//! only difference in what it does).

use super::main_thread::TURN_BUDGET_MS;
use super::mn::{Ready, Timer, fire_due, handle, note_wait, timer};
use super::{CancelFlag, EventLoop};
use crate::engine::plan::Server;
use crate::engine::record::{Lane, LoopReport, SPANS_KEPT};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Serves every message of `server` on this thread's event loop `ev`,
/// from `start` on its clock, until all are handled or `cancel` is set.
pub async fn serve_one_loop(
    server: &Server,
    ev: &impl EventLoop,
    cancel: &CancelFlag,
    start: f64,
) -> LoopReport {
    let mut timers: BinaryHeap<Timer> = (0..server.connections)
        .map(|c| timer(start + server.wait_ms(c, 0), start, c, 0))
        .collect();
    // A plain queue: nothing else takes from it.
    let mut local: VecDeque<Ready> = VecDeque::new();
    let total = server.total_messages();
    let mut report = LoopReport::new(Lane::Main, SPANS_KEPT);
    let mut turn = ev.now();
    while !cancel.is_cancelled() && report.handled < total {
        fire_due(&mut timers, ev.now(), |r| {
            note_wait(&mut report, Lane::Main, r, start);
            local.push_back(r);
        });
        let Some(r) = local.pop_front() else {
            let Some(Reverse((bits, ..))) = timers.peek() else {
                break; // nothing ready, nothing armed: cannot happen
            };
            ev.sleep_until(f64::from_bits(*bits), cancel).await;
            turn = ev.now();
            continue;
        };
        let ended = handle(server, r, ev, (local.len(), start), &mut report);
        let next = r.message + 1;
        if next < server.messages {
            let at = ended + server.wait_ms(r.connection, next);
            timers.push(timer(at, ended, r.connection, next));
        }
        if ended - turn >= TURN_BUDGET_MS {
            ev.yield_now().await;
            turn = ev.now();
        }
    }
    // Waits still in flight when it was stopped: the replay counts them.
    for Reverse((due, c, _, armed)) in timers {
        let r = Ready {
            connection: c,
            message: 0,
            at: f64::from_bits(due),
            armed: f64::from_bits(armed),
        };
        note_wait(&mut report, Lane::Main, r, start);
    }
    report
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::exec::{Clock, NativeLoop};
    use crate::engine::work::Kernel;
    use futures::executor::block_on;

    fn server(connections: u32, messages: u32, seed: u64) -> Server {
        Server {
            connections,
            messages,
            wait_mean_ms: 0.5,
            units: 30,
            hot: 1,
            hot_factor: 5,
            kernel: Kernel::Hash,
            seed,
        }
    }

    /// Every message once (the checksum of the sequential run), none before
    /// its wait ended, on one loop.
    #[test]
    fn one_loop_handles_every_message_once_and_never_early() {
        for seed in 0..6 {
            let s = server(30 + seed as u32 * 7, 4, seed);
            let ev = NativeLoop;
            let start = ev.now();
            let r = block_on(serve_one_loop(&s, &ev, &CancelFlag::new(), start));
            assert_eq!(r.handled, s.total_messages());
            assert_eq!(r.checksum, s.expected_checksum());
            assert_eq!(r.steals, 0);
            let mut log = r.handled_log.clone();
            log.sort_by_key(|&(c, m, ..)| (c, m));
            for (i, &(c, m, began, _)) in log.iter().enumerate() {
                let after = if m == 0 { start } else { log[i - 1].3 };
                assert!(began >= after + s.wait_ms(c, m), "{c}/{m} early");
            }
            // Handlers one after another: a loop computes one at a time.
            let mut spans: Vec<(f64, f64)> =
                r.handled_log.iter().map(|&(.., b, e)| (b, e)).collect();
            spans.sort_by(|a, b| a.0.total_cmp(&b.0));
            assert!(spans.windows(2).all(|w| w[1].0 >= w[0].1));
        }
    }

    /// Stop, set from another thread while the loop awaits its next timer
    /// (second-long waits), ends the loop at once with messages left.
    #[test]
    fn cancel_ends_the_loop() {
        let s = Server {
            wait_mean_ms: 1_000.0,
            ..server(10, 3, 1)
        };
        let ev = NativeLoop;
        let cancel = CancelFlag::new();
        let began = ev.now();
        let r = std::thread::scope(|sc| {
            sc.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                cancel.cancel();
            });
            block_on(serve_one_loop(&s, &ev, &cancel, began))
        });
        let took = ev.now() - began;
        assert!(r.handled < s.total_messages());
        // The waits would take seconds; the native loop's sleep looks at the
        // flag every 2 ms. Measured (6 runs, 2026-12-03): the loop ended
        // 0.6–2.6 ms after the cancel. 80 ms after it leaves room for a busy
        // host's scheduler; a loop that missed it would wait for seconds.
        eprintln!("cancelled at 20 ms, the loop ended {took:.1} ms after the start");
        assert!(took < 100.0, "ended {took} ms after the start");
    }
}
