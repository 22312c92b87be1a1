//! Shared state on real threads: tasks that add to one counter, with a
//! chosen way of sharing it. Each way is a few lines of ordinary Rust, and
//! what they cost (or lose) is measured, not simulated:
//!
//! - **racy**: a read, then a write — two separate atomic operations with
//!   relaxed ordering. Safe Rust (no undefined behaviour), and still a
//!   lost-update race: two threads read the same value, both write value + 1.
//! - **atomic**: one `fetch_add`, indivisible; the cache line holding the
//!   counter travels between the cores on every update.
//! - **mutex**: a lock around the increment; contended, a lane sleeps. Only
//!   the pool's lanes ever run it (the main thread may not sleep).
//! - **local**: each lane counts in a register and adds its count to the
//!   total once per slice (every 20,000 updates): almost nothing shared, so
//!   it scales.
//! - **adjacent / padded**: each lane writes every update to a counter of its
//!   own in memory; adjacent counters share one cache line (false sharing:
//!   no data is shared, yet the line bounces between cores), padded ones sit
//!   128 bytes apart (two 64-byte lines: adjacent-line prefetchers fetch
//!   lines in pairs).

use crate::engine::plan::Strategy;
use crate::engine::record::Lane;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// Per-lane counters side by side: eight to a 64-byte cache line.
#[repr(C, align(64))]
#[derive(Debug)]
struct Adjacent([AtomicU64; SLOTS]);

impl Default for Adjacent {
    fn default() -> Adjacent {
        Adjacent(std::array::from_fn(|_| AtomicU64::new(0)))
    }
}

/// One per-lane counter alone on 128 bytes.
#[repr(C, align(128))]
#[derive(Debug, Default)]
struct Padded(AtomicU64);

/// Lanes with a counter of their own (a pool has at most this many threads).
const SLOTS: usize = 64;

/// The counter the tasks of a run share, in every strategy's form.
#[derive(Debug)]
pub struct SharedCounter {
    pub strategy: Strategy,
    shared: AtomicU64,
    locked: Mutex<u64>,
    /// The mutex strategy's count, copied out under the lock: what the main
    /// thread reads at the end, so that it never takes the lock (a lane that
    /// died holding it would block the page for ever).
    locked_copy: AtomicU64,
    adjacent: Adjacent,
    padded: Vec<Padded>,
}

impl SharedCounter {
    pub fn new(strategy: Strategy) -> SharedCounter {
        SharedCounter {
            strategy,
            shared: AtomicU64::new(0),
            locked: Mutex::new(0),
            locked_copy: AtomicU64::new(0),
            adjacent: Adjacent::default(),
            padded: (0..SLOTS).map(|_| Padded::default()).collect(),
        }
    }

    /// Adds 1, `n` times, from `lane`, in the counter's strategy. Returns
    /// what the lane believes it added (always `n`: only the total shows
    /// what the race lost).
    pub fn add(&self, lane: Lane, n: u64) -> u64 {
        let slot = lane.row() % SLOTS;
        match self.strategy {
            Strategy::Racy => {
                for _ in 0..n {
                    let seen = self.shared.load(Ordering::Relaxed);
                    self.shared.store(seen.wrapping_add(1), Ordering::Relaxed);
                }
            }
            Strategy::Atomic => {
                for _ in 0..n {
                    self.shared.fetch_add(1, Ordering::Relaxed);
                }
            }
            Strategy::Mutex => {
                for _ in 0..n {
                    let mut count = self.locked.lock().unwrap_or_else(PoisonError::into_inner);
                    *count += 1;
                    self.locked_copy.store(*count, Ordering::Relaxed);
                }
            }
            Strategy::Local => {
                let mut count = 0u64;
                for _ in 0..n {
                    count = std::hint::black_box(count + 1);
                }
                self.padded[slot].0.fetch_add(count, Ordering::Relaxed);
            }
            // One writer per counter: a load and a store cannot lose
            // anything, and both go to memory on every update.
            Strategy::Adjacent => bump_each(&self.adjacent.0[slot], n),
            Strategy::Padded => bump_each(&self.padded[slot].0, n),
        }
        n
    }

    /// The counter's value: the shared one, or the sum of the lanes'.
    /// Read after every lane has exited.
    pub fn total(&self) -> u64 {
        match self.strategy {
            Strategy::Racy | Strategy::Atomic => self.shared.load(Ordering::Acquire),
            Strategy::Mutex => self.locked_copy.load(Ordering::Acquire),
            Strategy::Local | Strategy::Padded => self
                .padded
                .iter()
                .map(|p| p.0.load(Ordering::Acquire))
                .sum(),
            Strategy::Adjacent => self
                .adjacent
                .0
                .iter()
                .map(|a| a.load(Ordering::Acquire))
                .sum(),
        }
    }
}

fn bump_each(counter: &AtomicU64, n: u64) {
    for _ in 0..n {
        let v = counter.load(Ordering::Relaxed);
        counter.store(v + 1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_counts_exactly_on_one_thread() {
        for &strategy in Strategy::ALL {
            let c = SharedCounter::new(strategy);
            c.add(Lane::Worker(0), 1_000);
            c.add(Lane::Worker(3), 500);
            c.add(Lane::Main, 7);
            assert_eq!(c.total(), 1_507, "{strategy:?}");
        }
    }

    #[test]
    fn padded_counters_are_on_lines_of_their_own() {
        let c = SharedCounter::new(Strategy::Padded);
        let a = std::ptr::from_ref(&c.padded[0].0) as usize;
        let b = std::ptr::from_ref(&c.padded[1].0) as usize;
        assert_eq!(b - a, 128);
        assert_eq!(a % 128, 0);
        let adjacent = std::ptr::from_ref(&c.adjacent.0[0]) as usize;
        assert_eq!(adjacent % 64, 0, "the first eight share one line");
    }
}
