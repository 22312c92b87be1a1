//! How the shared-counter workload's tasks update their one counter: the
//! six strategies (the code of each is in `exec/shared_counter.rs`), and
//! what an update costs in each, for estimates.

named_choice! {
    /// How the tasks of the shared-counter workload update the counter.
    Strategy {
        /// A relaxed load, then a relaxed store of the value plus one.
        Racy => ("racy", "Racy (read, then write)"),
        /// `fetch_add` on the shared counter.
        Atomic => ("atomic", "Atomic (fetch_add)"),
        /// A mutex around the increment.
        Mutex => ("mutex", "Mutex (lock each update)"),
        /// Counted per lane in a register, added once per slice.
        Local => ("local", "Local (count per lane, add to the total now and then)"),
        /// A counter per lane, written every update, all in one cache line.
        Adjacent => ("adjacent", "Per-lane counters, side by side"),
        /// A counter per lane, written every update, 128 bytes apart.
        Padded => ("padded", "Per-lane counters, padded apart"),
    }
}

impl Strategy {
    /// About what one update costs, in ns of lane time, a little above the
    /// slowest measured here (Chromium, 2 cores, 2026-11-26, the lessons'
    /// runs on 1 and 2 threads: atomic 9–38, mutex 13–30, local 1.8–3.1,
    /// side by side 36–38, padded 10–12; racy about as atomic on one
    /// thread). For time estimates, and to give each strategy of an
    /// experiment runs of about the same length.
    pub fn nominal_ns(self) -> f64 {
        match self {
            Strategy::Racy => 10.0,
            Strategy::Atomic | Strategy::Mutex | Strategy::Adjacent => 40.0,
            Strategy::Local => 4.0,
            Strategy::Padded => 12.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &s in Strategy::ALL {
            assert_eq!(Strategy::from_name(s.name()), Some(s));
        }
    }
}
