//! The barrier a training step's devices meet at: none goes on until all
//! have arrived. Stop-aware, because a device that never arrives (stopped,
//! or its thread gone) must not hold the others for ever.
//!
//! Only pool threads wait here (never the main thread, which may not
//! block). A waiter spins a little first — the last device is often only
//! microseconds away — then sleeps on the generation word until the last
//! one wakes it.

use super::CancelFlag;
use super::sync::{wait_while, wake_all};
use std::sync::atomic::{AtomicU32, Ordering};

pub struct StepBarrier {
    parties: u32,
    arrived: AtomicU32,
    generation: AtomicU32,
}

/// Spins before sleeping: about 10–50 µs, shorter than a futex round trip.
const SPINS: u32 = 2_000;

impl StepBarrier {
    pub fn new(parties: usize) -> StepBarrier {
        StepBarrier {
            parties: u32::try_from(parties.max(1)).unwrap_or(u32::MAX),
            arrived: AtomicU32::new(0),
            generation: AtomicU32::new(0),
        }
    }

    /// Waits until every party has arrived (true), or the run is stopped
    /// (false). What each party wrote before arriving is visible to every
    /// party after a `true`.
    pub fn wait(&self, stop: &CancelFlag) -> bool {
        let generation = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.parties {
            self.arrived.store(0, Ordering::Relaxed);
            self.generation.fetch_add(1, Ordering::Release);
            wake_all(&self.generation);
            return true;
        }
        let mut spins = 0;
        while self.generation.load(Ordering::Acquire) == generation {
            if stop.is_cancelled() {
                return false;
            }
            if spins < SPINS {
                spins += 1;
                std::hint::spin_loop();
            } else {
                // Woken by the last party; the timeout only bounds how late
                // a stop is seen.
                wait_while(&self.generation, generation, 5.0);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    #[test]
    fn no_party_passes_before_all_arrive_step_after_step() {
        let barrier = StepBarrier::new(3);
        let stop = CancelFlag::new();
        let arrived = AtomicU64::new(0);
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    for step in 1..=50u64 {
                        arrived.fetch_add(1, Ordering::SeqCst);
                        assert!(barrier.wait(&stop));
                        assert!(arrived.load(Ordering::SeqCst) >= 3 * step);
                        // Nobody starts the next step's arrival before all
                        // have read the count: a second barrier.
                        assert!(barrier.wait(&stop));
                    }
                });
            }
        });
        assert_eq!(arrived.into_inner(), 150);
    }

    #[test]
    fn a_stop_frees_the_waiters_of_a_party_that_never_comes() {
        use std::sync::Arc;
        use std::sync::mpsc::channel;
        let barrier = Arc::new(StepBarrier::new(2));
        let stop = Arc::new(CancelFlag::new());
        let (tx, rx) = channel();
        let (b, st) = (Arc::clone(&barrier), Arc::clone(&stop));
        // Not scoped: a waiter that never wakes must fail the test, not hang it.
        std::thread::spawn(move || tx.send(b.wait(&st)));
        std::thread::sleep(std::time::Duration::from_millis(20));
        stop.cancel();
        let freed = rx.recv_timeout(std::time::Duration::from_secs(5));
        assert_eq!(freed, Ok(false), "the waiter was not freed by the stop");
    }
}
