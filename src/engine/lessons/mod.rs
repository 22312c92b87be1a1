//! The "Learn" panel's lessons and presets: the ideas, each with the
//! experiment that shows it. The sentence that states the measured result
//! back ([`Lesson::conclude`]) is in `verdicts.rs` (by lesson; the modes'
//! lessons), `sweep_verdicts.rs` (thread sweeps) and `counter_verdicts.rs`
//! (the shared counter; [`false_sharing_sentence`] is the card's too), in
//! the words of `words.rs`.
//!
//! The texts are conpar's own. Every task and thread count derives from the
//! machine (the pool's size and the cores), so that each lesson's point
//! shows on 1, 2, 4, 16 or 64 threads alike: tasks come in multiples of the
//! pool, the parallel lessons use every thread, and runs stay short on a
//! big pool (the work per task shrinks as the task count grows; the native
//! tests check every pool size against the engine's own estimates).

mod cards;
mod counter_verdicts;
mod plain;
mod predict;
mod presets;
mod quiz;
mod server_lessons;
mod sizing;
mod sweep_verdicts;
mod training_lessons;
mod verdicts;
mod words;

pub use cards::lessons;
pub use counter_verdicts::false_sharing_sentence;
pub use plain::{Action, modes_of, on_page, plain, received, received_record};
pub use predict::{ABOUT_THE_SAME, Marker, NEAR, Prediction, Question, Scored, TIE};
pub use presets::presets;
pub use quiz::{Progress, QUIZ, QuizQuestion};
pub use server_lessons::{Judged, ServerLesson, server_lessons};
pub use sizing::LOCK_LESSON_PCT;
pub use training_lessons::{
    EFFICIENCY_NEAR, TRAIN_NOISE, TrainExperiment, TrainingLesson, checksum_sentence,
    ladder_sentences, scaling_sentences, swept_with, training_lessons,
};

use crate::engine::plan::{Assignment, MAX_LANES, Mode, Settings, Strategy};

/// What pressing "Try it" does.
#[derive(Debug, Clone, PartialEq)]
pub enum Experiment {
    /// Runs these modes, one after the other, on the lesson's settings.
    Modes(Vec<Mode>),
    /// Runs the parallel mode for 1, 2, … pool-size threads.
    Sweep,
    /// Runs the parallel mode once per way of handing tasks to the lanes,
    /// every other setting the same.
    Assignments(Vec<Assignment>),
    /// Runs the parallel mode on each of `threads`, for each strategy in
    /// turn (the shared counter; see [`super::shared_counter::grid`]).
    Grid {
        strategies: Vec<Strategy>,
        threads: Vec<u32>,
    },
}

/// Where the lessons run: what their task and thread counts derive from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Machine {
    /// Threads in the page's pool (at least 1).
    pub pool: u32,
    /// Logical cores the browser reports (at least 1).
    pub cores: u32,
}

impl Machine {
    pub fn new(pool: u32, cores: u32) -> Machine {
        // A browser reports its cores (any number a page may claim):
        // bounded, so that sentences' arithmetic on them cannot overflow.
        Machine {
            pool: pool.clamp(1, MAX_LANES),
            cores: cores.clamp(1, 4_096),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    /// Paragraphs.
    pub body: &'static [&'static str],
    pub settings: Settings,
    pub experiment: Experiment,
    /// The machine the settings were made for (the verdicts need its cores).
    pub machine: Machine,
}

#[cfg(test)]
mod tests;
