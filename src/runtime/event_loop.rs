//! The browser's main thread as the engine's [`EventLoop`].

use super::clock::BrowserClock;
use super::timers::Sleep;
use super::yielding::YieldMethod;
use crate::engine::exec::{Clock, EventLoop};
use crate::engine::sync::CancelFlag;
use std::future::Future;

/// Sleeps through the shared timer heap; yields with the cheapest method found.
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
        self.yield_method.yield_now()
    }
}
