//! What the engine needs from the platform it runs on: a clock every thread
//! reads alike, and (on the main thread) an event loop to sleep and yield on.
//! The browser's implementations are in `runtime/`; native ones in
//! [`super::native`] run the same engine in `cargo test` and the benchmark.

use super::CancelFlag;
use std::future::Future;

/// Milliseconds on a clock that every thread of the run reads alike.
pub trait Clock: Sync {
    fn now(&self) -> f64;
}

/// What the main thread's async modes need from the event loop.
pub trait EventLoop: Clock {
    /// Resolves at `deadline` (on [`Clock::now`]'s scale), or soon after
    /// `cancel` is set, without blocking the thread.
    fn sleep_until(&self, deadline: f64, cancel: &CancelFlag) -> impl Future<Output = ()>;
    /// Lets the event loop run (paint, input, other tasks) and resumes after.
    fn yield_now(&self) -> impl Future<Output = ()>;
}
