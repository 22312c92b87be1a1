//! Cooperative yields: give the event loop a turn (paint, input, other
//! tasks), then carry on.
//!
//! `setTimeout(0)` would do, but nested timers are clamped to 4 ms after five
//! levels (HTML spec), so a loop of yields would idle most of its time. The
//! candidates without the clamp are `scheduler.yield()` (Chromium 129+, whose
//! continuation also keeps its place ahead of other tasks) and a message to
//! ourselves through a `MessageChannel`. [`YieldMethod::cheapest`] measures
//! both and the app uses the cheaper.

use super::clock::local_now;
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YieldMethod {
    SchedulerYield,
    MessageChannel,
    /// Only measured, for comparison: never used to yield.
    SetTimeout0,
}

impl YieldMethod {
    pub fn name(self) -> &'static str {
        match self {
            YieldMethod::SchedulerYield => "scheduler.yield()",
            YieldMethod::MessageChannel => "MessageChannel",
            YieldMethod::SetTimeout0 => "setTimeout(0)",
        }
    }

    /// Whether this browser has it.
    pub fn available(self) -> bool {
        match self {
            YieldMethod::SchedulerYield => scheduler_yield_fn().is_some(),
            YieldMethod::MessageChannel | YieldMethod::SetTimeout0 => true,
        }
    }

    /// One yield.
    pub async fn yield_now(self) {
        let promise = match self {
            YieldMethod::SchedulerYield => match scheduler_yield_fn() {
                Some((scheduler, f)) => f.call0(&scheduler).ok().and_then(|p| p.dyn_into::<js_sys::Promise>().ok()),
                None => None,
            },
            YieldMethod::MessageChannel => Some(message_channel_promise()),
            YieldMethod::SetTimeout0 => Some(set_timeout_promise()),
        };
        if let Some(p) = promise {
            let _ = JsFuture::from(p).await;
        }
    }

    /// Average milliseconds of `rounds` yields in a row.
    pub async fn measure(self, rounds: u32) -> f64 {
        let start = local_now();
        for _ in 0..rounds {
            self.yield_now().await;
        }
        (local_now() - start) / f64::from(rounds.max(1))
    }

    /// Measures the methods this browser has and returns the cheapest with its cost.
    pub async fn cheapest() -> (YieldMethod, f64) {
        let mut best = (YieldMethod::MessageChannel, f64::INFINITY);
        for method in [YieldMethod::SchedulerYield, YieldMethod::MessageChannel] {
            if !method.available() {
                continue;
            }
            method.measure(10).await; // warm-up
            let cost = method.measure(100).await;
            if cost < best.1 {
                best = (method, cost);
            }
        }
        best
    }
}

fn scheduler_yield_fn() -> Option<(JsValue, js_sys::Function)> {
    let scheduler = js_sys::Reflect::get(&js_sys::global(), &"scheduler".into()).ok()?;
    if scheduler.is_undefined() {
        return None;
    }
    let f = js_sys::Reflect::get(&scheduler, &"yield".into()).ok()?;
    f.dyn_into::<js_sys::Function>().ok().map(|f| (scheduler, f))
}

struct Channel {
    port: web_sys::MessagePort,
    waiting: std::rc::Rc<RefCell<VecDeque<js_sys::Function>>>,
    _on_message: Closure<dyn FnMut()>,
}

thread_local! {
    static CHANNEL: RefCell<Option<Channel>> = const { RefCell::new(None) };
}

/// A promise resolved by our own message: the next turn of the event loop.
fn message_channel_promise() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _reject| {
        CHANNEL.with_borrow_mut(|slot| {
            if slot.is_none() {
                *slot = new_channel();
            }
            if let Some(ch) = slot {
                ch.waiting.borrow_mut().push_back(resolve);
                let _ = ch.port.post_message(&JsValue::NULL);
            } else {
                let _ = resolve.call0(&JsValue::NULL);
            }
        });
    })
}

fn new_channel() -> Option<Channel> {
    let channel = web_sys::MessageChannel::new().ok()?;
    let waiting = std::rc::Rc::new(RefCell::new(VecDeque::<js_sys::Function>::new()));
    let queue = waiting.clone();
    let on_message = Closure::<dyn FnMut()>::new(move || {
        let next = queue.borrow_mut().pop_front();
        if let Some(resolve) = next {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    channel.port1().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Some(Channel {
        port: channel.port2(),
        waiting,
        _on_message: on_message,
    })
}

fn set_timeout_promise() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    })
}
