//! The scenario knobs beyond the four modes: how big the tasks are, how the
//! pool's lanes get them, and how long the waits last. Each of the article's
//! examples is a combination of these (see `lessons.rs`): video encoding is
//! skewed sizes, MapReduce a serial reduce after the map, the chat server
//! thousands of exponential waits.

named_choice! {
    /// How much computation each task carries.
    Sizes {
        /// Every task computes the work setting.
        Equal => ("equal", "Equal"),
        /// Every k-th task (the first of each group, like a video's key
        /// frame) is m times heavier; the others compute the work setting.
        Skewed => ("skewed", "Skewed (every k-th task m× heavier)"),
        /// Random sizes with a heavy tail (Pareto, α = 1.5), seeded, scaled
        /// so that their mean is the work setting: a few stragglers.
        HeavyTailed => ("heavy", "Heavy-tailed (random stragglers)"),
    }
}

named_choice! {
    /// How the parallel lanes get their tasks (the Parallel mode; in
    /// Concurrent + parallel tasks reach the pool as their waits end, so
    /// there they are always claimed from the shared queue).
    Assignment {
        /// Each lane claims the next unclaimed task from one shared queue.
        Dynamic => ("dynamic", "Dynamic (shared queue)"),
        /// Lane i gets the i-th contiguous block of tasks, fixed before the
        /// run (OpenMP's `schedule(static)`).
        Static => ("static", "Static (fixed blocks)"),
        /// Each lane starts with its own block; a lane that runs out steals
        /// the back half of the largest block left (as rayon's `par_iter`
        /// splits a range).
        Stealing => ("stealing", "Work stealing"),
    }
}

named_choice! {
    /// How long each wait lasts.
    Waits {
        /// The latency setting ± the jitter setting (uniform).
        Fixed => ("fixed", "Fixed ± jitter"),
        /// Random, exponentially distributed with the latency setting as the
        /// mean: many short replies, a few slow ones (a chat server's
        /// connections).
        Exponential => ("exponential", "Random (exponential)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_first_is_the_default() {
        for &s in Sizes::ALL {
            assert_eq!(Sizes::from_name(s.name()), Some(s));
        }
        for &a in Assignment::ALL {
            assert_eq!(Assignment::from_name(a.name()), Some(a));
        }
        for &w in Waits::ALL {
            assert_eq!(Waits::from_name(w.name()), Some(w));
        }
        assert_eq!(
            (Sizes::default(), Assignment::default(), Waits::default()),
            (Sizes::Equal, Assignment::Dynamic, Waits::Fixed)
        );
        assert_eq!(Assignment::from_name("guided"), None);
    }
}
