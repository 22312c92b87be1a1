//! The engine's platform traits implemented with the standard library, so the
//! very code the browser runs is exercised natively: by `cargo test`, and by
//! the benchmark's native baseline.

use super::{CancelFlag, Clock, EventLoop, Run, execute};
use crate::engine::plan::Mode;
use crate::engine::record::Trace;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Milliseconds since the first reading in this process; one clock for all threads.
#[derive(Debug, Clone, Copy, Default)]
pub struct NativeClock;

impl Clock for NativeClock {
    fn now(&self) -> f64 {
        static EPOCH: OnceLock<Instant> = OnceLock::new();
        EPOCH.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }
}

/// A stand-in for the browser's event loop, driven by `futures::executor::block_on`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NativeLoop;

impl Clock for NativeLoop {
    fn now(&self) -> f64 {
        NativeClock.now()
    }
}

impl EventLoop for NativeLoop {
    fn sleep_until(&self, deadline: f64, cancel: &CancelFlag) -> impl Future<Output = ()> {
        Sleep {
            deadline,
            cancel,
            armed: false,
        }
    }

    fn yield_now(&self) -> impl Future<Output = ()> {
        YieldNow(false)
    }
}

/// Resolves at its deadline or on Stop. A helper thread wakes it in steps of
/// at most 2 ms, so Stop is seen within that.
struct Sleep<'a> {
    deadline: f64,
    cancel: &'a CancelFlag,
    armed: bool,
}

impl Future for Sleep<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let left = self.deadline - NativeClock.now();
        if left <= 0.0 || self.cancel.is_cancelled() {
            return Poll::Ready(());
        }
        if !self.armed {
            self.armed = true;
            let waker = cx.waker().clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs_f64(left.min(2.0) / 1000.0));
                waker.wake();
            });
        } else {
            // Woken by the helper: arm it again for the next step.
            self.armed = false;
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

/// Returns `Pending` once, waking itself: other futures run before it resumes.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Runs `run` in `mode` on this thread (the "main thread") and rayon's global
/// pool, to its end.
pub fn run_native(mode: Mode, run: Arc<Run>, lanes: u32) -> Trace {
    futures::executor::block_on(execute(mode, run, &NativeLoop, &NativeClock, lanes))
}
