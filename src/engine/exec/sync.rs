//! Synchronisation between the main thread and the pool's lanes that never
//! blocks the main thread.
//!
//! A browser's main thread may not block: `Atomics.wait` (what a contended
//! `std::sync::Mutex` turns into on wasm) throws there. So everything the main
//! thread touches here is lock-free (atomics, a spin on `try_lock`), and only
//! the lanes, which run on workers, ever sleep. Waking a sleeper
//! (`memory.atomic.notify`) is allowed on every thread.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Blocks the calling thread while `*word == expected`, for at most `ms`
/// milliseconds, or until [`wake_all`] on the same word. May return early.
/// Never call on the browser's main thread.
#[cfg(target_arch = "wasm32")]
pub(super) fn wait_while(word: &AtomicU32, expected: u32, ms: f64) {
    let timeout_ns = (ms.max(0.0) * 1e6) as i64;
    // SAFETY: the pointer comes from a live `AtomicU32`, aligned and valid for
    // the duration of the call; the instruction only reads it.
    unsafe {
        core::arch::wasm32::memory_atomic_wait32(
            word.as_ptr().cast::<i32>(),
            expected as i32,
            timeout_ns,
        );
    }
}

#[cfg(target_arch = "wasm32")]
pub(super) fn wake_all(word: &AtomicU32) {
    // SAFETY: as in `wait_while`; notify does not access the memory.
    unsafe {
        core::arch::wasm32::memory_atomic_notify(word.as_ptr().cast::<i32>(), u32::MAX);
    }
}

/// Natively (tests and the benchmark) a short sleep stands in for the futex:
/// only the lanes' idle waits use it, never the measured work.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn wait_while(word: &AtomicU32, expected: u32, ms: f64) {
    if word.load(Ordering::Acquire) == expected {
        let step = ms.clamp(0.0, 0.2);
        std::thread::sleep(std::time::Duration::from_secs_f64(step / 1000.0));
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub(super) fn wake_all(_word: &AtomicU32) {}

/// The Stop button's flag: set once by the main thread, read by everyone.
#[derive(Debug, Default)]
pub struct CancelFlag {
    word: AtomicU32,
}

impl CancelFlag {
    pub fn new() -> CancelFlag {
        CancelFlag::default()
    }

    /// Marks the run stopped and wakes every lane sleeping in [`Self::sleep_until`].
    pub fn cancel(&self) {
        self.word.store(1, Ordering::Release);
        wake_all(&self.word);
    }

    pub fn is_cancelled(&self) -> bool {
        self.word.load(Ordering::Acquire) != 0
    }

    /// Blocks a *worker* until `now() >= deadline` or the run is stopped.
    /// Returns whether the whole wait elapsed. This is the I/O wait of a pool
    /// thread: futures cannot run on a rayon worker (rayon owns its event
    /// loop: RReverser/wasm-bindgen-rayon#23), so the thread itself waits,
    /// held, exactly like a thread blocked on a socket.
    pub fn sleep_until(&self, now: &dyn Fn() -> f64, deadline: f64) -> bool {
        loop {
            if self.is_cancelled() {
                return false;
            }
            let left = deadline - now();
            if left <= 0.0 {
                return true;
            }
            wait_while(&self.word, 0, left);
        }
    }
}

/// Task ids handed from one producer (the main thread) to the lanes.
///
/// Each task is published exactly once, so the queue is a fixed array with a
/// published count and a claimed count, both only ever growing: lock-free for
/// the producer and the consumers alike. Lanes sleep on `signal` when there
/// is nothing to claim yet.
pub struct TaskQueue {
    slots: Vec<AtomicU32>,
    published: AtomicUsize,
    claimed: AtomicUsize,
    closed: AtomicBool,
    /// Bumped on every publish and on close, to wake sleeping lanes.
    signal: AtomicU32,
    /// See [`Self::after_empty_claim`]: runs once, then is gone.
    #[cfg(test)]
    on_empty_claim: Mutex<Option<EmptyClaimHook>>,
}

#[cfg(test)]
type EmptyClaimHook = Box<dyn FnOnce(&TaskQueue) + Send>;

impl std::fmt::Debug for TaskQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskQueue")
            .field("capacity", &self.slots.len())
            .field("published", &self.published)
            .field("claimed", &self.claimed)
            .field("closed", &self.closed)
            .finish()
    }
}

impl TaskQueue {
    /// A queue for up to `capacity` tasks.
    pub fn new(capacity: usize) -> TaskQueue {
        TaskQueue {
            slots: (0..capacity).map(|_| AtomicU32::new(0)).collect(),
            published: AtomicUsize::new(0),
            claimed: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            signal: AtomicU32::new(0),
            #[cfg(test)]
            on_empty_claim: Mutex::default(),
        }
    }

    /// Makes task `id` available to the lanes. Only one thread may publish.
    /// Returns false (and drops the task) when the queue is full or closed.
    pub fn publish(&self, id: u32) -> bool {
        let at = self.published.load(Ordering::Relaxed);
        if at >= self.slots.len() || self.closed.load(Ordering::Acquire) {
            return false;
        }
        self.slots[at].store(id, Ordering::Relaxed);
        self.published.store(at + 1, Ordering::Release);
        self.signal.fetch_add(1, Ordering::Release);
        wake_all(&self.signal);
        true
    }

    /// No more tasks will come: lanes exit once the published ones are claimed.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.signal.fetch_add(1, Ordering::Release);
        wake_all(&self.signal);
    }

    /// Claims a published task without blocking.
    pub fn try_claim(&self) -> Option<u32> {
        loop {
            let c = self.claimed.load(Ordering::Acquire);
            if c >= self.published.load(Ordering::Acquire) {
                return None;
            }
            if self
                .claimed
                .compare_exchange(c, c + 1, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                return Some(self.slots[c].load(Ordering::Relaxed));
            }
        }
    }

    /// Claims the next task, sleeping while none is published yet (workers
    /// only). `None` once the queue is closed and drained, or on Stop.
    pub fn claim(&self, cancel: &CancelFlag) -> Option<u32> {
        loop {
            // Read the signal first: a publish after this read changes it, so
            // the wait below cannot miss it.
            let seen = self.signal.load(Ordering::Acquire);
            if cancel.is_cancelled() {
                return None;
            }
            // Read `closed` *before* trying to claim. Read after a failed
            // claim, it may have been set in between, together with the last
            // tasks published just before it: the lane would then leave with
            // tasks still in the queue. Read before, `closed == true` means
            // every publish happened before it (the producer publishes, then
            // closes, with Release; this load is Acquire), so a failed claim
            // after it means the queue really is drained.
            let closed = self.closed.load(Ordering::Acquire);
            if let Some(id) = self.try_claim() {
                return Some(id);
            }
            #[cfg(test)]
            self.after_empty_claim();
            if closed {
                return None;
            }
            // The timeout bounds how late a lane notices Stop, whose wake goes
            // to the cancel flag's word, not to this one.
            wait_while(&self.signal, seen, 10.0);
        }
    }

    /// Test hook: runs in [`Self::claim`] right after a claim found the queue
    /// empty, so a test can publish and close in exactly that gap (a
    /// preemption there is enough on a loaded machine).
    #[cfg(test)]
    fn after_empty_claim(&self) {
        let hook = self.on_empty_claim.lock().map(|mut h| h.take());
        if let Ok(Some(hook)) = hook {
            hook(self);
        }
    }

    /// Tasks published and not claimed (yet).
    pub fn pending(&self) -> usize {
        let published = self.published.load(Ordering::Acquire);
        published.saturating_sub(self.claimed.load(Ordering::Acquire))
    }
}

/// Locks without ever putting the thread to sleep: spins on `try_lock`. For
/// the tiny critical sections of the span log, which the main thread shares
/// with the lanes (on the main thread a sleeping lock would throw).
///
/// In the wasm build a panic aborts the thread without unwinding: a guard is
/// never dropped and the lock never poisoned. A lane that died *inside* one
/// of these sections would leave the main thread spinning for good. Nothing
/// in them can panic short of running out of memory (a push, an index known
/// to be in bounds); the test-injected panic comes from the lane's clock,
/// outside every lock (runtime/casualty.rs).
pub fn spin_lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    loop {
        match m.try_lock() {
            Ok(guard) => return guard,
            // A panic elsewhere while holding the lock leaves the data intact
            // for our purposes (a list of spans): keep going.
            Err(std::sync::TryLockError::Poisoned(p)) => return p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => std::hint::spin_loop(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    fn now_ms(start: Instant) -> f64 {
        start.elapsed().as_secs_f64() * 1000.0
    }

    #[test]
    fn sleep_runs_to_its_deadline() {
        let flag = CancelFlag::new();
        let t0 = Instant::now();
        assert!(flag.sleep_until(&|| now_ms(t0), 15.0));
        assert!(now_ms(t0) >= 15.0);
    }

    /// Stop after 20 ms of a 5 s sleep: the sleeper returns within the 0.2 ms
    /// step of the native stand-in for the futex, measured 20–21 ms; the bound
    /// (1 s) only fails if Stop is not seen at all.
    #[test]
    fn stop_ends_a_sleep_early() {
        let flag = Arc::new(CancelFlag::new());
        let t0 = Instant::now();
        let f = flag.clone();
        let sleeper = std::thread::spawn(move || f.sleep_until(&|| now_ms(t0), 5_000.0));
        std::thread::sleep(std::time::Duration::from_millis(20));
        flag.cancel();
        assert!(!sleeper.join().unwrap(), "reports an interrupted wait");
        assert!(now_ms(t0) < 1_000.0);
    }

    #[test]
    fn every_task_is_claimed_exactly_once() {
        let q = Arc::new(TaskQueue::new(10_000));
        let cancel = Arc::new(CancelFlag::new());
        let lanes: Vec<_> = (0..4)
            .map(|_| {
                let (q, cancel) = (q.clone(), cancel.clone());
                std::thread::spawn(move || {
                    std::iter::from_fn(|| q.claim(&cancel)).collect::<Vec<u32>>()
                })
            })
            .collect();
        for id in 0..10_000 {
            assert!(q.publish(id));
        }
        q.close();
        assert!(!q.publish(1), "closed");
        let mut all: Vec<u32> = lanes.into_iter().flat_map(|l| l.join().unwrap()).collect();
        all.sort_unstable();
        assert_eq!(all, (0..10_000).collect::<Vec<_>>());
        assert_eq!(q.pending(), 0);
    }

    /// The interleaving that used to drop tasks: a lane finds the queue empty,
    /// and before it looks at `closed` the producer publishes the rest and
    /// closes. The hook runs exactly in that gap. Before the fix the lane
    /// returned `None` here and the run lost every task but the first.
    #[test]
    fn a_close_right_after_an_empty_claim_loses_no_task() {
        let q = TaskQueue::new(8);
        let cancel = CancelFlag::new();
        assert!(q.publish(0));
        assert_eq!(q.claim(&cancel), Some(0));
        *q.on_empty_claim.lock().unwrap() = Some(Box::new(|q: &TaskQueue| {
            for id in 1..8 {
                assert!(q.publish(id));
            }
            q.close();
        }));
        let rest: Vec<u32> = std::iter::from_fn(|| q.claim(&cancel)).collect();
        assert_eq!(
            rest,
            (1..8).collect::<Vec<_>>(),
            "every task after the gap is claimed"
        );
        assert_eq!(q.pending(), 0);
    }

    #[test]
    fn stop_releases_waiting_lanes() {
        let q = Arc::new(TaskQueue::new(4));
        let cancel = Arc::new(CancelFlag::new());
        let (q2, c2) = (q.clone(), cancel.clone());
        let lane = std::thread::spawn(move || q2.claim(&c2));
        std::thread::sleep(std::time::Duration::from_millis(20));
        cancel.cancel();
        assert_eq!(lane.join().unwrap(), None);
        q.publish(3);
        assert_eq!(q.claim(&cancel), None, "nothing is handed out after Stop");
        assert_eq!(q.try_claim(), Some(3));
    }
}
