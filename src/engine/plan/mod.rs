//! What defines an experiment before it runs: the four modes and the
//! workloads, the scenario (task sizes, assignment to lanes, waits), the
//! shared counter's strategies, the settings with their bounds and the
//! clamping of bad values, the settings link, slider scales, the task list
//! a run executes, and the estimates (and refusals) of what a run or a
//! group of runs will take; the training example's run (`training.rs`).
//!
//! Architecture invariant: a plan is data. Nothing here runs, times or
//! records anything; it imports only `work` (the kernels' names and rates).
//! Everything random is seeded, so a link gives the same tasks anywhere.

#[macro_use]
mod named;

mod clamp;
mod estimate;
mod field;
mod grid;
mod mode;
mod query;
mod scenario;
mod server;
mod server_query;
mod settings;
mod slider;
mod strategy;
mod tasks;
mod training;
mod training_query;

pub use estimate::{MAX_ESTIMATE_MS, schedule_ms};
pub use field::{Bounds, Field};
pub use grid::{check_grid_estimate, grid, grid_estimate_ms};
pub use mode::{Mode, Workload};
pub use named::Choice;
pub use query::{MAX_NOTICES, parse_query, percent_decode, pool_from_link, read_number, to_query};
pub use scenario::{Assignment, Sizes, Waits};
pub use server::{
    CONNECTIONS, HANDLER_MS, HOT_FACTOR, MAX_MESSAGES, MESSAGES, Server, ServerAsk, WAIT_MEAN_MS,
    Way,
};
pub use server_query::{SERVER_PREFIX, server_from_query, server_to_query};
pub use settings::{MAX_LANES, MAX_SERIAL_PCT, Notice, POOL_PER_CORE, Settings};
pub use slider::SLIDER_STEPS;
pub use strategy::Strategy;
pub use tasks::{Stage, TaskCost, TaskSpec};
pub use training::{
    BATCHES, BATCHES_OFFERED, FEATURES, MOST_BATCH, RATE, Reduce, Rung, STEPS, Training,
    ladder_batches,
};
pub use training_query::{TRAIN_PREFIX, TrainAsk, train_from_query, train_to_query};
