//! A run in progress: the four modes executed on real threads. The main
//! thread's side (Sequential, and the event loop of Concurrent and of
//! Concurrent + parallel), the pool's lanes and how they get their tasks,
//! the queue and cancel flag they share, the span log the live view reads,
//! the shared counter, the server's runtimes (an event loop per pool thread,
//! pinned or stealing: `mn.rs`; every connection on the main thread's loop:
//! `one_loop.rs`), data-parallel training (`data_parallel.rs`: a device per
//! pool thread, meeting at a `StepBarrier`), and the platform traits (clock, event loop) with their
//! native implementations.
//!
//! Architecture invariants:
//! - the platform comes in as parameters ([`Clock`], [`EventLoop`]): this
//!   folder imports no browser crate, and `cargo test` runs every mode natively;
//! - the main thread never sleeps: what it shares with workers is lock-free,
//!   or a spin lock held for a few instructions ([`spin_lock`]);
//! - a run records spans and leaves a [`Trace`](crate::engine::record::Trace);
//!   nothing here derives figures from them (that is `record` and `analysis`).

mod assigner;
mod barrier;
mod data_parallel;
mod execute;
mod lanes;
mod main_thread;
mod mn;
#[cfg(not(target_arch = "wasm32"))]
mod native;
mod one_loop;
mod platform;
mod run;
mod shared_counter;
mod span_log;
mod sync;

pub use assigner::{Assigner, block};
pub use barrier::StepBarrier;
#[cfg(not(target_arch = "wasm32"))]
pub use data_parallel::train_native;
pub use data_parallel::{DataParallel, cpu_rung};
pub use execute::execute;
pub use lanes::{LaneWork, current_task, publish_all, run_lane, spawn_lanes, spawn_reduce};
pub use main_thread::{AfterWait, run_event_loop, run_sequential};
pub use mn::{Shared, run_loop};
#[cfg(not(target_arch = "wasm32"))]
pub use native::{NativeClock, NativeLoop, run_native};
pub use one_loop::serve_one_loop;
pub use platform::{Clock, EventLoop};
pub use run::{COUNTER_SLICE, Run, Slice, TaskEnd, fault_message, into_trace, snapshot_trace};
pub use shared_counter::{SharedCounter, adjacent_lines};
pub use span_log::{LogReader, SpanLog};
pub use sync::{CancelFlag, TaskQueue, spin_lock};
