//! An M:N runtime: many connections multiplexed over a few threads, each
//! thread an event loop — what Go's scheduler and tokio do on a multi-core
//! server, beside Node's one loop (`one_loop.rs`, on the main thread).
//!
//! A connection is a sequence of messages; each is a wait (exponential,
//! seeded), then a handler's computation. Every thread runs [`run_loop`]:
//! it fires its own timers that are due (a wait's end makes its message
//! ready), takes a ready message from its local queue and runs its handler,
//! and with nothing to do naps until its next deadline, at most
//! [`MAX_NAP_MS`]: no loop wakes another when it arms a timer or fills its
//! queue, so an idle thread looks again soon (Stop does wake it: the nap
//! waits on the run's `CancelFlag`). Two ways:
//! - [`Way::Pinned`]: connection `c` lives on thread `c mod p` for
//!   good (Node's cluster mode, nginx's workers): no stealing;
//! - [`Way::Stealing`]: an idle thread steals half of another
//!   thread's queue (crossbeam-deque, as rayon and tokio do), else fires
//!   another thread's due timers when they are free (as Go's scheduler
//!   steals timers: a loop busy computing cannot look at its own); a
//!   connection so taken has moved, and its next wait is timed by its new
//!   thread.
//!
//! Queues are first in, first out, as Go's and tokio's run queues are: a
//! message ready earlier is handled earlier on its thread. Stealing, a
//! thread's own queue holds at most [`LOCAL_QUEUE_CAP`] messages (Go's
//! 256); what it cannot hold goes to the global queue (a crossbeam
//! `Injector`, Go's global run queue), which every thread takes from when
//! its own is empty, and first every [`INJECTOR_EVERY`] messages (Go's 61)
//! so that nothing waits there for ever behind a busy queue.
//!
//! What is measured per message: the scheduled time, from the wait's end
//! (the message ready) to its handler starting, as tokio-console names it.
//!
//! Every connection's first wait is armed when the run is set up
//! ([`Shared::new`]), on the thread it starts on: a loop whose thread
//! starts late finds its timers due, and (stealing) the others can fire
//! them meanwhile.
//!
//! The platform comes in as parameters (the clock, how to sleep), so the
//! native tests run it on std threads; the page runs one loop per pool
//! thread (`runtime/serve.rs`).

use super::CancelFlag;
use super::platform::Clock;
use crate::engine::plan::{Server, Way};
use crate::engine::record::{Lane, LoopReport, SPANS_KEPT, Span, SpanKind};
use crossbeam_deque::{Injector, Steal, Stealer, Worker};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The longest an idle thread sleeps before it looks again (ms).
pub const MAX_NAP_MS: f64 = 1.0;

/// The most messages a stealing thread's own queue holds (Go's 256).
pub const LOCAL_QUEUE_CAP: usize = 256;

/// A stealing thread looks at the global queue first once every this many
/// messages (Go's 61), so that nothing waits there for ever.
pub const INJECTOR_EVERY: u64 = 61;

/// A message whose wait has ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ready {
    pub connection: u32,
    pub message: u32,
    /// When its wait ended (ms on the run's clock).
    pub at: f64,
    /// When its wait began (ms on the run's clock).
    pub armed: f64,
}

/// A timer: a deadline on the clock (as bits: deadlines are finite and
/// not negative, so their bits order as the numbers do), the connection,
/// the message, and when it was armed (bits).
pub(super) type Timer = Reverse<(u64, u32, u32, u64)>;

/// What the threads share: the count of messages still to handle, the
/// stop flag, each thread's queue's stealer and each thread's timers (its
/// own to arm; another's to fire only when stealing, and only if free).
pub struct Shared {
    pub server: Server,
    pub way: Way,
    pub stealers: Vec<Stealer<Ready>>,
    /// The global queue (stealing only).
    injector: Injector<Ready>,
    timers: Vec<Mutex<BinaryHeap<Timer>>>,
    /// The spans each loop keeps for the timeline: the run's budget shared.
    span_budget: usize,
    remaining: AtomicU64,
    pub stop: Arc<CancelFlag>,
    /// When the run began, on the loops' clock.
    pub start: f64,
}

impl Shared {
    /// The shared state of a run on `threads` threads that starts at
    /// `start` on the loops' clock, every connection's first wait armed on
    /// its thread (connection `c` on thread `c mod threads`); and each
    /// thread's local queue (a `Worker` moves to its thread; it cannot be
    /// shared).
    pub fn new(
        server: Server,
        threads: u32,
        way: Way,
        stop: Arc<CancelFlag>,
        start: f64,
    ) -> (Shared, Vec<Worker<Ready>>) {
        let p = threads.max(1);
        let queues: Vec<Worker<Ready>> = (0..p).map(|_| Worker::new_fifo()).collect();
        let timers = (0..p)
            .map(|t| {
                let first = (t..server.connections)
                    .step_by(p as usize)
                    .map(|c| timer(start + server.wait_ms(c, 0), start, c, 0))
                    .collect();
                Mutex::new(first)
            })
            .collect();
        let shared = Shared {
            server,
            way,
            stealers: queues.iter().map(Worker::stealer).collect(),
            injector: Injector::new(),
            timers,
            span_budget: SPANS_KEPT / p as usize,
            remaining: AtomicU64::new(server.total_messages()),
            stop,
            start,
        };
        (shared, queues)
    }
}

impl Shared {
    /// Puts ready message `r` on `local`, or, stealing with `local` full,
    /// on the global queue.
    fn enqueue(&self, local: &Worker<Ready>, r: Ready) {
        if self.way == Way::Stealing && local.len() >= LOCAL_QUEUE_CAP {
            self.injector.push(r);
        } else {
            local.push(r);
        }
    }
}

/// The timer of message `m` of connection `c`, armed at `armed` and due at
/// `at`.
pub(super) fn timer(at: f64, armed: f64, c: u32, m: u32) -> Timer {
    Reverse((at.max(0.0).to_bits(), c, m, armed.max(0.0).to_bits()))
}

/// Notes in `report` the wait of `r`, which ran on `lane` (the loop that
/// armed it), in ms since the run's `start`.
pub(super) fn note_wait(report: &mut LoopReport, lane: Lane, r: Ready, start: f64) {
    report.keep(Span::new(
        r.connection,
        lane,
        SpanKind::Wait,
        r.armed - start,
        r.at - start,
    ));
}

/// Thread `me`'s event loop (see the module docs) on `clock`; `sleep(ms)`
/// naps the thread. Returns when every message is handled or the stop flag
/// is set.
pub fn run_loop<C: Clock + ?Sized>(
    me: u32,
    shared: &Shared,
    local: Worker<Ready>,
    clock: &C,
    sleep: &(dyn Fn(f64) + Sync),
) -> LoopReport {
    // A loop that panics stops the others: the message it held would never
    // be counted, and they would wait for it for ever.
    let _stop_on_panic = StopOnPanic(&shared.stop);
    let server = &shared.server;
    let mine = Lane::Worker(u16::try_from(me).unwrap_or(u16::MAX));
    let arm = |at: f64, armed: f64, c: u32, m: u32| {
        lock(&shared.timers[me as usize]).push(timer(at, armed, c, m))
    };
    let mut report = LoopReport::new(mine, shared.span_budget);
    while !shared.stop.is_cancelled() && shared.remaining.load(Ordering::Acquire) > 0 {
        fire_due(&mut lock(&shared.timers[me as usize]), clock.now(), |r| {
            note_wait(&mut report, mine, r, shared.start);
            shared.enqueue(&local, r);
        });
        let job = match shared.way {
            Way::Stealing => take(me, shared, &local, clock.now(), &mut report),
            Way::OneLoop | Way::Pinned => local.pop(),
        };
        let Some(r) = job else {
            let next = lock(&shared.timers[me as usize])
                .peek()
                .map(|Reverse((b, ..))| f64::from_bits(*b));
            let nap = next.map_or(MAX_NAP_MS, |at| (at - clock.now()).clamp(0.0, MAX_NAP_MS));
            if nap > 0.0 {
                sleep(nap);
            }
            continue;
        };
        let ended = handle(server, r, clock, (local.len(), shared.start), &mut report);
        shared.remaining.fetch_sub(1, Ordering::AcqRel);
        let next = r.message + 1;
        if next < server.messages {
            arm(
                ended + server.wait_ms(r.connection, next),
                ended,
                r.connection,
                next,
            );
        }
    }
    // Waits still in flight when the run ended (it was stopped, or another
    // loop handled the last message): the replay counts them to the end.
    for Reverse((due, c, _, armed)) in lock(&shared.timers[me as usize]).iter() {
        let r = Ready {
            connection: *c,
            message: 0,
            at: f64::from_bits(*due),
            armed: f64::from_bits(*armed),
        };
        note_wait(&mut report, mine, r, shared.start);
    }
    report
}

/// A stealing thread's next message: from the global queue first once
/// every [`INJECTOR_EVERY`], else its own queue, the global queue, and
/// another thread's work.
fn take(
    me: u32,
    shared: &Shared,
    local: &Worker<Ready>,
    now: f64,
    report: &mut LoopReport,
) -> Option<Ready> {
    // Go's fairness check: one message from the global queue first (its
    // `globrunqget(pp, 1)`), so that a full local queue stays at its cap.
    let global_first = report.handled % INJECTOR_EVERY == INJECTOR_EVERY - 1;
    global_first
        .then(|| one_from_injector(shared, report))
        .flatten()
        .or_else(|| local.pop())
        .or_else(|| from_injector(shared, local, report))
        .or_else(|| {
            let stolen = steal(me, shared, local, now, report);
            if stolen.is_some() {
                report.note_steal(now - shared.start);
            }
            stolen
        })
}

/// One message from the global queue.
fn one_from_injector(shared: &Shared, report: &mut LoopReport) -> Option<Ready> {
    loop {
        match shared.injector.steal() {
            Steal::Success(r) => {
                report.from_injector += 1;
                return Some(r);
            }
            Steal::Empty => return None,
            Steal::Retry => {}
        }
    }
}

/// A batch from the global queue into `local` (empty: it is called when
/// `local` has nothing), and one of it to run; every message counted.
fn from_injector(shared: &Shared, local: &Worker<Ready>, report: &mut LoopReport) -> Option<Ready> {
    loop {
        let before = local.len();
        match shared.injector.steal_batch_and_pop(local) {
            Steal::Success(r) => {
                report.from_injector += (local.len() - before) as u64 + 1;
                return Some(r);
            }
            Steal::Empty => return None,
            Steal::Retry => {}
        }
    }
}

/// Runs ready message `r`'s handler on this loop and notes it in
/// `report`: its scheduled time, checksum, span, and the `queued` messages
/// still waiting behind it (their track timed from the run's `start`).
/// When it ended.
pub(super) fn handle<C: Clock + ?Sized>(
    server: &Server,
    r: Ready,
    clock: &C,
    (queued, start): (usize, f64),
    report: &mut LoopReport,
) -> f64 {
    let began = clock.now();
    report.note_queue(began - start, queued as u32);
    report.scheduled_ms.push(began - r.at);
    report.checksum = report
        .checksum
        .wrapping_add(server.handle(r.connection, r.message));
    let ended = clock.now();
    report.handled += 1;
    report.busy_ms += ended - began;
    report.last_end_ms = ended;
    report.keep(Span::new(
        r.connection,
        report.lane,
        SpanKind::Run,
        began - start,
        ended - start,
    ));
    #[cfg(test)]
    report
        .handled_log
        .push((r.connection, r.message, began, ended));
    ended
}

/// Sets the stop flag if its thread unwinds (see [`run_loop`]).
struct StopOnPanic<'a>(&'a CancelFlag);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.cancel();
        }
    }
}

/// A thread's timers; a loop that panicked mid-run left them as they were.
fn lock(m: &Mutex<BinaryHeap<Timer>>) -> std::sync::MutexGuard<'_, BinaryHeap<Timer>> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Takes the timers of `timers` due at `now` and `push`es each as a ready
/// message, earliest first; how many.
pub(super) fn fire_due(
    timers: &mut BinaryHeap<Timer>,
    now: f64,
    mut push: impl FnMut(Ready),
) -> usize {
    let mut fired = 0;
    while let Some(&Reverse((bits, c, m, armed))) = timers.peek() {
        let at = f64::from_bits(bits);
        if at > now {
            break;
        }
        timers.pop();
        push(Ready {
            connection: c,
            message: m,
            at,
            armed: f64::from_bits(armed),
        });
        fired += 1;
    }
    fired
}

/// Work from another thread: half of its queue, else its due timers (when
/// no one holds them, their waits noted on that thread's lane), into
/// `local`, and one of it to run.
fn steal(
    me: u32,
    shared: &Shared,
    local: &Worker<Ready>,
    now: f64,
    report: &mut LoopReport,
) -> Option<Ready> {
    let p = shared.stealers.len();
    let others = (1..p).map(|k| (me as usize + k) % p);
    for victim in others.clone() {
        loop {
            match shared.stealers[victim].steal_batch_and_pop(local) {
                Steal::Success(r) => return Some(r),
                Steal::Empty => break,
                Steal::Retry => {}
            }
        }
    }
    for victim in others {
        let lane = Lane::Worker(u16::try_from(victim).unwrap_or(u16::MAX));
        if let Ok(mut timers) = shared.timers[victim].try_lock()
            && fire_due(&mut timers, now, |r| {
                note_wait(report, lane, r, shared.start);
                shared.enqueue(local, r);
            }) > 0
        {
            return local.pop();
        }
    }
    None
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::exec::NativeClock;
    use crate::engine::work::Kernel;
    use proptest::prelude::*;

    fn nap(ms: f64) {
        std::thread::sleep(std::time::Duration::from_secs_f64(ms / 1e3));
    }

    /// Every loop's report, and the run's start on the clock; `stop_after`
    /// sets the stop flag that many ms into the run.
    fn serve_until(
        server: &Server,
        threads: u32,
        way: Way,
        stop_after: Option<u64>,
    ) -> (Vec<LoopReport>, f64) {
        let stop = Arc::new(CancelFlag::new());
        let start = NativeClock.now();
        let (shared, queues) = Shared::new(*server, threads, way, Arc::clone(&stop), start);
        std::thread::scope(|s| {
            let handles: Vec<_> = queues
                .into_iter()
                .enumerate()
                .map(|(i, q)| {
                    let shared = &shared;
                    s.spawn(move || run_loop(i as u32, shared, q, &NativeClock, &nap))
                })
                .collect();
            if let Some(ms) = stop_after {
                std::thread::sleep(std::time::Duration::from_millis(ms));
                stop.cancel();
            }
            let reports = handles
                .into_iter()
                .map(|h| h.join().expect("a loop"))
                .collect();
            (reports, start)
        })
    }

    fn serve(server: &Server, threads: u32, way: Way) -> (Vec<LoopReport>, f64) {
        serve_until(server, threads, way, None)
    }

    fn server(connections: u32, messages: u32, hot: u32, seed: u64) -> Server {
        Server {
            connections,
            messages,
            wait_mean_ms: 0.3,
            units: 20,
            hot,
            hot_factor: 8,
            kernel: Kernel::Hash,
            seed,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        /// Every message is handled exactly once whatever the threads and
        /// the placement (the checksum says each handler ran once), and
        /// none began before its wait had passed: the run's start plus the
        /// first wait, then its previous handler's end plus the next wait.
        #[test]
        fn every_message_is_handled_once_and_never_early(
            // Some runs with hundreds of connections, where a queue can
            // fill and spill into the global queue (that it does is
            // a_full_queue_spills_into_the_global_queue's to assert).
            connections in prop_oneof![1u32..40, 300u32..700],
            messages in 1u32..5,
            hot in 0u32..4,
            threads in 1u32..5,
            stealing in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let s = server(connections, messages, hot, seed);
            let way = if stealing { Way::Stealing } else { Way::Pinned };
            let (reports, start) = serve(&s, threads, way);
            let handled: u64 = reports.iter().map(|r| r.handled).sum();
            prop_assert_eq!(handled, s.total_messages());
            let sum = reports.iter().fold(0u64, |a, r| a.wrapping_add(r.checksum));
            prop_assert_eq!(sum, s.expected_checksum());
            let mut log: Vec<(u32, u32, f64, f64)> =
                reports.iter().flat_map(|r| r.handled_log.iter().copied()).collect();
            log.sort_by_key(|&(c, m, ..)| (c, m));
            for (i, &(c, m, began, _)) in log.iter().enumerate() {
                let after = if m == 0 { start } else { log[i - 1].3 };
                prop_assert!(m == 0 || (log[i - 1].0, log[i - 1].1) == (c, m - 1));
                let due = after + s.wait_ms(c, m);
                prop_assert!(began >= due, "connection {} message {} began {} ms early", c, m, due - began);
            }
        }
    }

    /// Stealing, a thread's own queue holds at most LOCAL_QUEUE_CAP: with
    /// thousands of connections ready at once the rest go to the global
    /// queue, which the threads drain, every message still handled once.
    #[test]
    fn a_full_queue_spills_into_the_global_queue() {
        let s = Server {
            wait_mean_ms: 0.0,
            ..server(3_000, 2, 0, 9)
        };
        let (reports, _) = serve(&s, 2, Way::Stealing);
        let handled: u64 = reports.iter().map(|r| r.handled).sum();
        assert_eq!(handled, s.total_messages());
        let sum = reports.iter().fold(0u64, |a, r| a.wrapping_add(r.checksum));
        assert_eq!(sum, s.expected_checksum());
        let taken: u64 = reports.iter().map(|r| r.from_injector).sum();
        assert!(taken > 0, "nothing went through the global queue");
        // At most every message beyond what two full queues held at once.
        assert!(taken <= s.total_messages(), "{taken} taken");
        assert!(
            reports
                .iter()
                .all(|r| r.longest_queue as usize <= LOCAL_QUEUE_CAP + 32),
            "a queue grew past its cap (and one batch): {:?}",
            reports.iter().map(|r| r.longest_queue).collect::<Vec<_>>()
        );
        // Pinned has no global queue: its queues hold everything.
        let (pinned, _) = serve(&s, 2, Way::Pinned);
        assert!(pinned.iter().all(|r| r.from_injector == 0));
        assert!(
            pinned
                .iter()
                .any(|r| r.longest_queue as usize > LOCAL_QUEUE_CAP)
        );
    }

    /// A loop keeps its handlers and the waits that ended on it as spans:
    /// every one, for a small run, each handler on its loop's lane and as
    /// long as it ran; the steals marked as counted.
    #[test]
    fn a_small_run_keeps_every_span() {
        let s = server(30, 4, 2, 3);
        let (reports, start) = serve(&s, 2, Way::Stealing);
        for (t, r) in reports.iter().enumerate() {
            assert_eq!(r.kept_until_ms, None);
            let runs: Vec<&Span> = r.spans.iter().filter(|x| x.kind == SpanKind::Run).collect();
            assert_eq!(runs.len() as u64, r.handled);
            assert!(runs.iter().all(|x| x.lane == Lane::Worker(t as u16)));
            for &(c, _, began, ended) in &r.handled_log {
                assert!(
                    runs.iter()
                        .any(|x| x.task == c && x.start == began - start && x.end == ended - start),
                    "connection {c}'s handler at {began} not kept"
                );
            }
            assert_eq!(r.steal_ms.len() as u64, r.steals);
        }
        let waits = reports
            .iter()
            .flat_map(|r| &r.spans)
            .filter(|x| x.kind == SpanKind::Wait)
            .count() as u64;
        assert_eq!(waits, s.total_messages(), "one wait a message");
    }

    /// A run past the budget keeps SPANS_KEPT spans in all, and every span
    /// that began before the time it names is among them: the timeline is
    /// whole up to there.
    #[test]
    fn a_large_run_keeps_its_budget_and_says_until_when() {
        let s = Server {
            wait_mean_ms: 0.05,
            units: 2,
            ..server(20_000, 3, 0, 4)
        };
        let (reports, start) = serve(&s, 2, Way::Pinned);
        let kept: usize = reports.iter().map(|r| r.spans.len()).sum();
        assert!(kept <= SPANS_KEPT, "{kept}");
        for r in &reports {
            let until = r.kept_until_ms.expect("120,000 spans cannot all be kept");
            for &(c, _, began, _) in &r.handled_log {
                if began - start < until {
                    assert!(
                        r.spans.iter().any(|x| x.kind == SpanKind::Run
                            && x.task == c
                            && x.start == began - start),
                        "a handler at {} ms, before {until} ms, not kept",
                        began - start
                    );
                }
            }
        }
    }

    /// Pinned: a connection's messages are all handled by thread `c mod p`,
    /// and no thread steals.
    #[test]
    fn a_pinned_connection_stays_on_its_thread() {
        let s = server(20, 3, 2, 7);
        let (reports, _) = serve(&s, 3, Way::Pinned);
        for (t, r) in reports.iter().enumerate() {
            assert_eq!(r.steals, 0);
            assert!(
                r.handled_log.iter().all(|(c, ..)| c % 3 == t as u32),
                "thread {t}: {:?}",
                r.handled_log
            );
        }
    }

    /// The waits are the seed's: the same for every call, exponential with
    /// the mean asked (10,000 draws within 3 % of it), never negative; an
    /// infinite mean is no wait at all, not a timer that never fires.
    #[test]
    fn waits_are_seeded_and_exponential() {
        let s = server(100, 100, 0, 42);
        assert_eq!(s.wait_ms(3, 4), s.wait_ms(3, 4));
        let draws: Vec<f64> = (0..100)
            .flat_map(|c| (0..100).map(move |m| (c, m)))
            .map(|(c, m)| s.wait_ms(c, m))
            .collect();
        assert!(draws.iter().all(|w| w.is_finite() && *w >= 0.0));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean / s.wait_mean_ms - 1.0).abs() < 0.03, "mean {mean}");
        // An exponential's median is ln 2 × its mean.
        let mut sorted = draws.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        assert!(
            (median / (s.wait_mean_ms * std::f64::consts::LN_2) - 1.0).abs() < 0.05,
            "median {median}"
        );
        for bad in [f64::INFINITY, f64::NAN] {
            let b = Server {
                wait_mean_ms: bad,
                ..s
            };
            assert_eq!(b.wait_ms(1, 1), 0.0);
        }
    }

    /// A stop set while the loops run ends every one of them within a few
    /// milliseconds, with messages left unhandled.
    #[test]
    fn stop_ends_every_loop() {
        let s = Server {
            wait_mean_ms: 20.0,
            ..server(200, 10, 0, 1)
        };
        let began = NativeClock.now();
        let (reports, _) = serve_until(&s, 2, Way::Stealing, Some(30));
        let took = NativeClock.now() - began;
        let handled: u64 = reports.iter().map(|r| r.handled).sum();
        assert!(handled > 0 && handled < s.total_messages(), "{handled}");
        // The run would take about 10 × 20 ms = 200 ms; stopped at 30 ms, a
        // loop naps at most MAX_NAP_MS. Measured (6 runs, 2026-12-03): the
        // loops ended 0.4–1.0 ms after Stop. 50 ms after it leaves room for
        // a busy host's scheduler, and a loop that missed Stop would run on
        // for some 170 ms.
        eprintln!("stopped at 30 ms, the loops ended {took:.1} ms after the start");
        assert!(took < 80.0, "the loops ended {took} ms after the start");
    }

    /// A loop that panics stops the others instead of leaving them waiting
    /// for the message it held.
    #[test]
    fn a_panicking_loop_stops_the_others() {
        struct Broken;
        impl Clock for Broken {
            fn now(&self) -> f64 {
                panic!("a broken clock")
            }
        }
        let s = server(10, 5, 0, 2);
        let stop = Arc::new(CancelFlag::new());
        let start = NativeClock.now();
        let (shared, mut queues) = Shared::new(s, 2, Way::Pinned, Arc::clone(&stop), start);
        let healthy = queues.pop().expect("two queues");
        let broken = queues.pop().expect("two queues");
        std::thread::scope(|sc| {
            let shared = &shared;
            let other = sc.spawn(move || run_loop(1, shared, healthy, &NativeClock, &nap));
            let died = sc.spawn(move || run_loop(0, shared, broken, &Broken, &nap));
            assert!(died.join().is_err());
            let r = other.join().expect("the healthy loop returns");
            assert!(r.handled < s.total_messages());
        });
        assert!(stop.is_cancelled());
    }
}
