//! The browser's main thread as the engine's [`EventLoop`].

use super::clock::BrowserClock;
use super::timers::Sleep;
use super::yielding::{YieldMethod, yield_to_page};
use crate::engine::exec::CancelFlag;
use crate::engine::exec::{Clock, EventLoop};
use std::future::Future;

/// Sleeps through the shared timer heap; yields with the cheapest method
/// found, letting the page paint whenever a frame is due.
#[derive(Debug, Clone, Copy)]
pub struct BrowserLoop {
    pub yield_method: YieldMethod,
}

impl Clock for BrowserLoop {
    fn now(&self) -> f64 {
        BrowserClock.now()
    }
}

impl EventLoop for BrowserLoop {
    fn sleep_until(&self, deadline: f64, cancel: &CancelFlag) -> impl Future<Output = ()> {
        Sleep::new(deadline, cancel)
    }

    fn yield_now(&self) -> impl Future<Output = ()> {
        yield_to_page(self.yield_method)
    }
}
