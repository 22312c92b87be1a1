//! An experiment, as the rest of the program sees it: one import for the
//! pieces that define a run, each in a file of its own —
//! [`super::mode`] (the four modes, the workloads), [`super::scenario`]
//! (task sizes, assignment to lanes, waits), [`super::settings`] (what a
//! link carries, bounds and clamping), [`super::slider`] (slider scales),
//! [`super::estimate`] (ideal run times and refusals) and [`super::tasks`]
//! (the task list a run executes).

pub use super::estimate::{MAX_ESTIMATE_MS, schedule_ms};
pub use super::mode::{Mode, Workload};
pub use super::scenario::{Assignment, Sizes, Waits};
pub use super::settings::{
    Bounds, Field, MAX_LANES, MAX_SERIAL_PCT, Notice, POOL_PER_CORE, Settings,
};
pub use super::slider::SLIDER_STEPS;
pub use super::tasks::{Stage, TaskCost, TaskSpec};
