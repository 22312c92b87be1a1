//! Cooperative yields: give the event loop a turn (paint, input, other
//! tasks), then carry on.
//!
//! `setTimeout(0)` would do, but the HTML standard lets browsers clamp nested
//! timers to 4 ms after five levels, and a loop of yields would then idle most
//! of its time. `scheduler.yield()` (Chromium 129+, whose continuation also
//! keeps its place ahead of other tasks) and a message to ourselves through a
//! `MessageChannel` have no clamp. [`YieldMethod::cheapest`] measures all
//! three and the app uses the cheapest (Chromium 156 here does not clamp:
//! all three cost 0.05–0.1 ms, see docs/BENCHMARKS.md).
//!
//! None of them lets the page paint often enough on its own: while the main thread
//! is kept busy with such tasks, Chromium renders only when no frame has been
//! drawn for 100 ms (measured here: 116 ms gaps). So
//! [`yield_to_page`] also waits for an animation frame whenever the last one
//! is more than a frame old — the way UI schedulers slice work — and keeps
//! the yielding futures in a fair queue of its own.

use super::clock::local_now;
use crate::engine::record::FRAME_MS;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YieldMethod {
    SchedulerYield,
    MessageChannel,
    /// Clamped to 4 ms when nested deeply in some browsers; used only where
    /// it measures cheapest.
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
                Some((scheduler, f)) => f
                    .call0(&scheduler)
                    .ok()
                    .and_then(|p| p.dyn_into::<js_sys::Promise>().ok()),
                None => None,
            },
            YieldMethod::MessageChannel => Some(message_channel_promise()),
            YieldMethod::SetTimeout0 => Some(after_ms(0)),
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
    /// `setTimeout(0)` competes too: where a browser clamps nested timers to
    /// 4 ms, the 100 yields in a row measured here show it, and it loses.
    pub async fn cheapest() -> (YieldMethod, f64) {
        let mut best = (YieldMethod::MessageChannel, f64::INFINITY);
        for method in [
            YieldMethod::SchedulerYield,
            YieldMethod::MessageChannel,
            YieldMethod::SetTimeout0,
        ] {
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

thread_local! {
    static LAST_FRAME: Cell<f64> = const { Cell::new(0.0) };
}

/// Called on every animation frame with its timestamp.
pub fn note_frame(timestamp: f64) {
    LAST_FRAME.with(|f| f.set(timestamp));
}

/// One waiting future in the fair queue.
struct Waiting {
    released: Rc<Cell<bool>>,
    waker: Rc<RefCell<Option<Waker>>>,
}

thread_local! {
    /// Futures that yielded, in order: released one per turn of the event loop.
    static QUEUE: RefCell<VecDeque<Waiting>> = RefCell::default();
    static DRIVING: Cell<bool> = const { Cell::new(false) };
}

/// Yields to the page: resolves after at least one turn of the event loop, in
/// strict FIFO order with every other future yielding this way, and never
/// before a frame that is due has been painted.
///
/// Fairness is ours, not the browser's: when a frame interrupted a round,
/// the browser's queues let the futures that had just run go first again,
/// and some tasks waited 250 ms for their first slice. Here one driver
/// releases one future per turn, from the front of one queue.
pub fn yield_to_page(method: YieldMethod) -> impl Future<Output = ()> {
    let released = Rc::new(Cell::new(false));
    let waker = Rc::new(RefCell::new(None));
    QUEUE.with_borrow_mut(|q| {
        q.push_back(Waiting {
            released: released.clone(),
            waker: waker.clone(),
        })
    });
    if !DRIVING.replace(true) {
        wasm_bindgen_futures::spawn_local(drive(method));
    }
    std::future::poll_fn(move |cx| {
        if released.get() {
            Poll::Ready(())
        } else {
            // Polls can be spurious (join_all polls every child when one
            // wakes): only the driver's release counts.
            *waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    })
}

/// Releases the queue's futures one per turn of the event loop, letting the
/// page paint whenever a frame is more than a frame old.
async fn drive(method: YieldMethod) {
    loop {
        method.yield_now().await;
        if local_now() - LAST_FRAME.with(Cell::get) > FRAME_MS {
            // Paint first; then resume in the task after the frame rather
            // than in its callback (which runs before the paint).
            next_frame().await;
            method.yield_now().await;
        }
        let Some(next) = QUEUE.with_borrow_mut(VecDeque::pop_front) else {
            DRIVING.set(false);
            return;
        };
        release(next);
    }
}

fn release(w: Waiting) {
    w.released.set(true);
    if let Some(waker) = w.waker.borrow_mut().take() {
        waker.wake();
    }
}

/// Releases every yielded future at once (Stop: each then sees the flag).
pub fn release_all() {
    let all: Vec<Waiting> = QUEUE.with_borrow_mut(|q| q.drain(..).collect());
    all.into_iter().for_each(release);
}

/// Resolves in the next animation frame's callback.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| match web_sys::window() {
        Some(w) if w.request_animation_frame(&resolve).is_ok() => {}
        _ => {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

fn scheduler_yield_fn() -> Option<(JsValue, js_sys::Function)> {
    let scheduler = js_sys::Reflect::get(&js_sys::global(), &"scheduler".into()).ok()?;
    if scheduler.is_undefined() {
        return None;
    }
    let f = js_sys::Reflect::get(&scheduler, &"yield".into()).ok()?;
    f.dyn_into::<js_sys::Function>()
        .ok()
        .map(|f| (scheduler, f))
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
    channel
        .port1()
        .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Some(Channel {
        port: channel.port2(),
        waiting,
        _on_message: on_message,
    })
}

/// A promise resolved by `setTimeout` after `ms` milliseconds.
pub fn after_ms(ms: i32) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    })
}
