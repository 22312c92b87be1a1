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
//!   own in memory; adjacent counters share one cache line, eight to a line
//!   (false sharing: no data is shared, yet the line bounces between cores;
//!   more than eight lanes span [`adjacent_lines`]), padded ones sit 128
//!   bytes apart (two 64-byte lines: adjacent-line prefetchers fetch lines
//!   in pairs).

use crate::engine::plan::{MAX_LANES, Strategy};
use crate::engine::record::Lane;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// Per-lane counters side by side, from the start of a 64-byte cache line:
/// eight to a line.
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

/// A counter per pool thread (a pool has at most [`MAX_LANES`]), then one
/// for the main thread.
const SLOTS: usize = MAX_LANES as usize + 1;

/// Bytes in a cache line, and side-by-side counters in one.
const LINE_BYTES: usize = 64;
const PER_LINE: usize = LINE_BYTES / std::mem::size_of::<AtomicU64>();

/// The counter of `lane`: worker k's is the k-th, so that the first eight
/// workers' side-by-side counters share one cache line. (By timeline row,
/// the main thread's row 0 came first and worker 8 sat alone on a second
/// line.) The main thread never counts (the counter runs on the pool's
/// lanes only), but has a slot of its own, after the workers', so that it
/// could not share one if it did.
fn slot(lane: Lane) -> usize {
    match lane {
        Lane::Worker(k) => usize::from(k) % (SLOTS - 1),
        Lane::Main => SLOTS - 1,
    }
}

/// How many cache lines the side-by-side counters of `lanes` span (the
/// workers among them; the main thread never counts). One for at most
/// eight workers numbered within one line, more beyond: 16 workers of a
/// pool span two lines, so "side by side" is then side by side in pairs of
/// lines. A run on fewer threads than the pool's lands on whichever pool
/// threads were free, so the lanes a trace used (`Trace::lanes_used`), not
/// a thread count, say which lines they wrote.
pub fn adjacent_lines(lanes: &[Lane]) -> u32 {
    lanes
        .iter()
        .filter(|l| matches!(l, Lane::Worker(_)))
        .map(|&l| slot(l) / PER_LINE)
        .collect::<BTreeSet<_>>()
        .len() as u32
}

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
        let slot = slot(lane);
        match self.strategy {
            Strategy::Racy => {
                for _ in 0..n {
                    let seen = self.shared.load(Ordering::Relaxed);
                    // Kept opaque: the optimiser may not fold the read
                    // and the write of many iterations into one (which
                    // relaxed atomics permit), or the race would happen
                    // once a task instead of once an update.
                    let seen = std::hint::black_box(seen);
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

    fn address<T>(x: &T) -> usize {
        std::ptr::from_ref(x) as usize
    }

    /// The cache line (counted from the first counter's) of the side-by-side
    /// counter `lane` writes.
    fn adjacent_line_of(c: &SharedCounter, lane: Lane) -> usize {
        c.add(lane, 1);
        let written = c
            .adjacent
            .0
            .iter()
            .find(|a| a.swap(0, Ordering::Relaxed) > 0)
            .expect("a counter was written");
        (address(written) - address(&c.adjacent.0[0])) / 64
    }

    /// Side by side means one line: workers 1–8 (indices 0–7) share the
    /// first line, the next eight the second; the main thread (which never
    /// counts: the counter runs on the pool) has a slot of its own.
    #[test]
    fn the_first_eight_workers_counters_share_one_line() {
        let c = SharedCounter::new(Strategy::Adjacent);
        // (worker index, line)
        for (k, line) in [(0, 0), (1, 0), (7, 0), (8, 1), (15, 1), (16, 2), (63, 7)] {
            assert_eq!(
                adjacent_line_of(&c, Lane::Worker(k)),
                line,
                "worker index {k}"
            );
        }
        // Each worker its own counter, and the main thread none of theirs.
        for k in 0..64 {
            c.add(Lane::Worker(k), 1);
        }
        c.add(Lane::Main, 1);
        assert!(c.adjacent.0.iter().all(|a| a.load(Ordering::Relaxed) == 1));
    }

    /// (the lanes of a run, the cache lines their side-by-side counters span)
    #[test]
    fn the_lines_side_by_side_counters_span_are_counted() {
        let workers = |ks: std::ops::Range<u16>| ks.map(Lane::Worker).collect::<Vec<_>>();
        let cases = [
            (workers(0..2), 1),
            (workers(0..8), 1),
            (workers(0..9), 2),
            (workers(0..16), 2),
            (workers(0..17), 3),
            (workers(0..64), 8),
            // Two threads of a bigger pool can land on either side of a line.
            (vec![Lane::Worker(7), Lane::Worker(8)], 2),
            (vec![Lane::Main, Lane::Worker(0)], 1),
            (vec![Lane::Main], 0),
            (vec![], 0),
        ];
        for (lanes, lines) in cases {
            assert_eq!(adjacent_lines(&lanes), lines, "{lanes:?}");
        }
        // As the counters lie in memory: each line the lanes wrote, counted.
        let c = SharedCounter::new(Strategy::Adjacent);
        for lanes in [workers(0..9), workers(5..21)] {
            let lines: BTreeSet<usize> = lanes.iter().map(|&l| adjacent_line_of(&c, l)).collect();
            assert_eq!(lines.len() as u32, adjacent_lines(&lanes), "{lanes:?}");
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
