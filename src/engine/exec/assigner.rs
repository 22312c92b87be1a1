//! How a run's lanes get their tasks: from the run's shared queue, from a
//! block fixed before the run, or by stealing half of another lane's block.

use super::Run;
use crate::engine::plan::Assignment;
use std::ops::Range;
use std::sync::{Mutex, PoisonError};

/// How a run's lanes get their tasks: shared by the lanes of one run.
#[derive(Debug)]
pub enum Assigner {
    /// Claim from the run's queue (dynamic; and every Concurrent + parallel run).
    Queue,
    /// Lane i runs the i-th contiguous block of the `map` tasks.
    Blocks { map: u32, lanes: u32 },
    /// Each lane's own block, from whose front it takes and from whose back
    /// idle lanes steal. A lane's range is locked for a few instructions at
    /// a time, by lanes only (workers, where blocking is allowed).
    Stealing(Vec<Mutex<Range<u32>>>),
}

impl Assigner {
    /// The assigner of `assignment` for `lanes` lanes over `map` map tasks.
    pub fn new(assignment: Assignment, map: u32, lanes: u32) -> Assigner {
        let lanes = lanes.max(1);
        match assignment {
            Assignment::Dynamic => Assigner::Queue,
            Assignment::Static => Assigner::Blocks { map, lanes },
            Assignment::Stealing => Assigner::Stealing(
                (0..lanes)
                    .map(|i| Mutex::new(block(map, lanes, i)))
                    .collect(),
            ),
        }
    }

    /// The next task for lane `ordinal` (0-based among the run's lanes);
    /// `position` is how many tasks this lane has taken so far.
    pub(super) fn next(&self, run: &Run, ordinal: u32, position: u32) -> Option<u32> {
        match self {
            Assigner::Queue => run.queue.claim(&run.cancel),
            Assigner::Blocks { map, lanes } => {
                let range = block(*map, *lanes, ordinal);
                let id = range.start + position;
                (id < range.end && !run.cancel.is_cancelled()).then_some(id)
            }
            Assigner::Stealing(ranges) => {
                if run.cancel.is_cancelled() {
                    return None;
                }
                let own = ranges.get(ordinal as usize)?;
                if let Some(id) = lock(own).next() {
                    return Some(id);
                }
                // Out of work: steal the back half of the largest block left.
                loop {
                    let victim = ranges
                        .iter()
                        .enumerate()
                        .filter(|&(i, _)| i != ordinal as usize)
                        .max_by_key(|(_, r)| lock(r).len())?;
                    let stolen = {
                        let mut theirs = lock(victim.1);
                        if theirs.is_empty() {
                            None
                        } else {
                            let mid = theirs.start + theirs.len() as u32 / 2;
                            let stolen = mid..theirs.end;
                            theirs.end = mid;
                            Some(stolen)
                        }
                    };
                    match stolen {
                        Some(mut range) => {
                            let id = range.next();
                            *lock(own) = range;
                            return id;
                        }
                        // Every other block is empty (the largest was): done.
                        None if ranges.iter().all(|r| lock(r).is_empty()) => return None,
                        None => {}
                    }
                }
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Lane `i`'s block of `map` tasks split in `lanes` contiguous blocks, their
/// sizes differing by at most one.
pub fn block(map: u32, lanes: u32, i: u32) -> Range<u32> {
    let (map, lanes, i) = (u64::from(map), u64::from(lanes.max(1)), u64::from(i));
    (i * map / lanes) as u32..((i + 1) * map / lanes) as u32
}
