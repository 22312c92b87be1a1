//! An M:N runtime: many connections multiplexed over a few threads, each
//! thread an event loop — what Go's scheduler and tokio do on a multi-core
//! server, beside Node's one loop (the Concurrent mode).
//!
//! A connection is a sequence of messages; each is a wait (exponential,
//! seeded), then a handler's computation. Every thread runs [`run_loop`]:
//! it fires its own timers that are due (a wait's end makes its message
//! ready), takes a ready message from its local queue and runs its handler,
//! and with nothing to do sleeps until its next deadline (at most
//! [`MAX_NAP_MS`]: a thread cannot be woken by another here, so an idle
//! thread looks again soon). Two placements:
//! - [`Placement::Pinned`]: connection `c` lives on thread `c mod p` for
//!   good (Node's cluster mode, nginx's workers): no stealing;
//! - [`Placement::Stealing`]: an idle thread steals half of another
//!   thread's queue (crossbeam-deque, as rayon and tokio do), else fires
//!   another thread's due timers when they are free (as Go's scheduler
//!   steals timers: a loop busy computing cannot look at its own); a
//!   connection so taken has moved, and its next wait is timed by its new
//!   thread.
//!
//! Queues are first in, first out, as Go's and tokio's run queues are: a
//! message ready earlier is handled earlier on its thread.
//!
//! What is measured per message: the scheduled time, from the wait's end
//! (the message ready) to its handler starting, as tokio-console names it.
//!
//! The platform comes in as parameters (the clock, how to sleep), so the
//! native tests run it on std threads; the page will run one loop per pool
//! thread. Not yet in the page: see the goroutines issue.

use super::platform::Clock;
use crate::engine::work::Kernel;
use crossbeam_deque::{Steal, Stealer, Worker};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The longest an idle thread sleeps before it looks again (ms).
pub const MAX_NAP_MS: f64 = 1.0;

/// Where a connection's messages are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Pinned,
    Stealing,
}

/// The server's workload: `connections` × `messages`, each message a wait
/// of mean `wait_mean_ms` then `units` of the kernel; the first `hot`
/// connections' handlers compute `hot_factor` times as much.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Server {
    pub connections: u32,
    pub messages: u32,
    pub wait_mean_ms: f64,
    pub units: u64,
    pub hot: u32,
    pub hot_factor: u64,
    pub kernel: Kernel,
    pub seed: u64,
}

/// A small, fast mixing of 64 bits (SplitMix64's finaliser).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Server {
    /// The wait before message `m` of connection `c` (ms): exponential,
    /// the same for a seed wherever and whenever it runs.
    pub fn wait_ms(&self, c: u32, m: u32) -> f64 {
        let h = mix(self.seed ^ mix((u64::from(c) << 32) | u64::from(m)));
        // A uniform in (0, 1]: never ln(0).
        let u = ((h >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        -self.mean_ms() * u.ln()
    }

    /// The mean wait, finite and within a minute: an infinite or NaN one
    /// would arm a timer that never fires (the run would never end).
    fn mean_ms(&self) -> f64 {
        if self.wait_mean_ms.is_finite() {
            self.wait_mean_ms.clamp(0.0, 60_000.0)
        } else {
            0.0
        }
    }

    /// Kernel units of each of connection `c`'s handlers.
    pub fn units_of(&self, c: u32) -> u64 {
        if c < self.hot {
            self.units.saturating_mul(self.hot_factor.max(1))
        } else {
            self.units
        }
    }

    /// The first unit of message `m` of connection `c`: every handler
    /// computes its own units, so the checksum says each ran once.
    fn first_unit(&self, c: u32, m: u32) -> u64 {
        (u64::from(c) * u64::from(self.messages) + u64::from(m)).wrapping_mul(1 << 20)
    }

    /// Runs message `m` of connection `c`'s handler: its checksum.
    pub fn handle(&self, c: u32, m: u32) -> u64 {
        self.kernel.run(self.first_unit(c, m), self.units_of(c))
    }

    pub fn total_messages(&self) -> u64 {
        u64::from(self.connections) * u64::from(self.messages)
    }

    /// The checksum of every handler run once, in any order.
    pub fn expected_checksum(&self) -> u64 {
        let mut sum = 0u64;
        for c in 0..self.connections {
            for m in 0..self.messages {
                sum = sum.wrapping_add(self.handle(c, m));
            }
        }
        sum
    }
}

/// A message whose wait has ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ready {
    pub connection: u32,
    pub message: u32,
    /// When its wait ended (ms on the run's clock).
    pub at: f64,
}

/// A timer: a deadline on the clock (as bits: deadlines are finite and
/// not negative, so their bits order as the numbers do).
type Timer = Reverse<(u64, u32, u32)>;

/// What the threads share: the count of messages still to handle, the
/// stop flag, each thread's queue's stealer and each thread's timers (its
/// own to arm; another's to fire only when stealing, and only if free).
pub struct Shared<'a> {
    pub server: &'a Server,
    pub placement: Placement,
    pub stealers: Vec<Stealer<Ready>>,
    timers: Vec<Mutex<BinaryHeap<Timer>>>,
    remaining: AtomicU64,
    pub stop: &'a AtomicBool,
}

impl<'a> Shared<'a> {
    /// The shared state of a run on `threads` threads, and each thread's
    /// local queue (a `Worker` moves to its thread; it cannot be shared).
    pub fn new(
        server: &'a Server,
        threads: u32,
        placement: Placement,
        stop: &'a AtomicBool,
    ) -> (Shared<'a>, Vec<Worker<Ready>>) {
        let queues: Vec<Worker<Ready>> = (0..threads.max(1)).map(|_| Worker::new_fifo()).collect();
        let shared = Shared {
            server,
            placement,
            stealers: queues.iter().map(Worker::stealer).collect(),
            timers: queues.iter().map(|_| Mutex::default()).collect(),
            remaining: AtomicU64::new(server.total_messages()),
            stop,
        };
        (shared, queues)
    }
}

/// What one thread did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThreadReport {
    pub handled: u64,
    pub checksum: u64,
    /// Scheduled time of each message it handled (ms).
    pub scheduled_ms: Vec<f64>,
    /// Times it took work from another thread: half a queue, or that
    /// thread's due timers (each time one message or more).
    pub steals: u64,
    /// Each message it handled: connection, message, and when its handler
    /// began and ended (ms on the run's clock).
    pub handled_log: Vec<(u32, u32, f64, f64)>,
}

/// Thread `me`'s event loop (see the module docs), from `start` on
/// `clock`; `sleep(ms)` naps the thread. Returns when every message is
/// handled or the stop flag is set.
pub fn run_loop<C: Clock + ?Sized>(
    me: u32,
    shared: &Shared<'_>,
    local: Worker<Ready>,
    clock: &C,
    sleep: &(dyn Fn(f64) + Sync),
    start: f64,
) -> ThreadReport {
    // A loop that panics stops the others: the message it held would never
    // be counted, and they would wait for it for ever.
    let _stop_on_panic = StopOnPanic(shared.stop);
    let server = shared.server;
    let p = shared.stealers.len() as u32;
    let arm = |at: f64, c: u32, m: u32| {
        lock(&shared.timers[me as usize]).push(Reverse((at.max(0.0).to_bits(), c, m)));
    };
    // This thread's connections' first waits.
    for c in (me..server.connections).step_by(p as usize) {
        arm(start + server.wait_ms(c, 0), c, 0);
    }
    let mut report = ThreadReport::default();
    while !shared.stop.load(Ordering::Relaxed) && shared.remaining.load(Ordering::Acquire) > 0 {
        fire_due(&mut lock(&shared.timers[me as usize]), clock.now(), &local);
        let job = local.pop().or_else(|| match shared.placement {
            Placement::Pinned => None,
            Placement::Stealing => {
                steal(me, shared, &local, clock.now()).inspect(|_| report.steals += 1)
            }
        });
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
        let began = clock.now();
        report.scheduled_ms.push(began - r.at);
        report.checksum = report
            .checksum
            .wrapping_add(server.handle(r.connection, r.message));
        let ended = clock.now();
        report.handled += 1;
        report
            .handled_log
            .push((r.connection, r.message, began, ended));
        shared.remaining.fetch_sub(1, Ordering::AcqRel);
        let next = r.message + 1;
        if next < server.messages {
            arm(
                ended + server.wait_ms(r.connection, next),
                r.connection,
                next,
            );
        }
    }
    report
}

/// Sets the stop flag if its thread unwinds (see [`run_loop`]).
struct StopOnPanic<'a>(&'a AtomicBool);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

/// A thread's timers; a loop that panicked mid-run left them as they were.
fn lock(m: &Mutex<BinaryHeap<Timer>>) -> std::sync::MutexGuard<'_, BinaryHeap<Timer>> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Moves the timers of `timers` due at `now` into `local` as ready
/// messages; how many.
fn fire_due(timers: &mut BinaryHeap<Timer>, now: f64, local: &Worker<Ready>) -> usize {
    let mut fired = 0;
    while let Some(&Reverse((bits, c, m))) = timers.peek() {
        let at = f64::from_bits(bits);
        if at > now {
            break;
        }
        timers.pop();
        local.push(Ready {
            connection: c,
            message: m,
            at,
        });
        fired += 1;
    }
    fired
}

/// Work from another thread: half of its queue, else its due timers (when
/// no one holds them), into `local`, and one of it to run.
fn steal(me: u32, shared: &Shared<'_>, local: &Worker<Ready>, now: f64) -> Option<Ready> {
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
        if let Ok(mut timers) = shared.timers[victim].try_lock()
            && fire_due(&mut timers, now, local) > 0
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
    use proptest::prelude::*;

    fn nap(ms: f64) {
        std::thread::sleep(std::time::Duration::from_secs_f64(ms / 1e3));
    }

    /// Every loop's report, and the run's start on the clock; `stop_after`
    /// sets the stop flag that many ms into the run.
    fn serve_until(
        server: &Server,
        threads: u32,
        placement: Placement,
        stop_after: Option<u64>,
    ) -> (Vec<ThreadReport>, f64) {
        let stop = AtomicBool::new(false);
        let (shared, queues) = Shared::new(server, threads, placement, &stop);
        let start = NativeClock.now();
        std::thread::scope(|s| {
            let handles: Vec<_> = queues
                .into_iter()
                .enumerate()
                .map(|(i, q)| {
                    let shared = &shared;
                    s.spawn(move || run_loop(i as u32, shared, q, &NativeClock, &nap, start))
                })
                .collect();
            if let Some(ms) = stop_after {
                std::thread::sleep(std::time::Duration::from_millis(ms));
                stop.store(true, Ordering::Relaxed);
            }
            let reports = handles
                .into_iter()
                .map(|h| h.join().expect("a loop"))
                .collect();
            (reports, start)
        })
    }

    fn serve(server: &Server, threads: u32, placement: Placement) -> (Vec<ThreadReport>, f64) {
        serve_until(server, threads, placement, None)
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
            connections in 1u32..40,
            messages in 1u32..5,
            hot in 0u32..4,
            threads in 1u32..5,
            stealing in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let s = server(connections, messages, hot, seed);
            let placement = if stealing { Placement::Stealing } else { Placement::Pinned };
            let (reports, start) = serve(&s, threads, placement);
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

    /// Pinned: a connection's messages are all handled by thread `c mod p`,
    /// and no thread steals.
    #[test]
    fn a_pinned_connection_stays_on_its_thread() {
        let s = server(20, 3, 2, 7);
        let (reports, _) = serve(&s, 3, Placement::Pinned);
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
        let (reports, _) = serve_until(&s, 2, Placement::Stealing, Some(30));
        let took = NativeClock.now() - began;
        let handled: u64 = reports.iter().map(|r| r.handled).sum();
        assert!(handled > 0 && handled < s.total_messages(), "{handled}");
        // The run would take about 10 × 20 ms = 200 ms; stopped at 30 ms,
        // a loop naps at most MAX_NAP_MS: 80 ms leaves room for a busy host.
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
        let stop = AtomicBool::new(false);
        let (shared, mut queues) = Shared::new(&s, 2, Placement::Pinned, &stop);
        let start = NativeClock.now();
        let healthy = queues.pop().expect("two queues");
        let broken = queues.pop().expect("two queues");
        std::thread::scope(|sc| {
            let shared = &shared;
            let other = sc.spawn(move || run_loop(1, shared, healthy, &NativeClock, &nap, start));
            let died = sc.spawn(move || run_loop(0, shared, broken, &Broken, &nap, start));
            assert!(died.join().is_err());
            let r = other.join().expect("the healthy loop returns");
            assert!(r.handled < s.total_messages());
        });
        assert!(stop.load(Ordering::Relaxed));
    }
}
