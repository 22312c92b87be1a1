//! Async waits on the main thread, with one JS timer for all of them.
//!
//! A run may hold 10,000 waits at once. One `setTimeout` each costs about as
//! much as the wait itself (10,000 timers of 100 ms took 208–272 ms here), so
//! waits are kept in a heap and a single timer is armed for the earliest
//! deadline; when it fires, every due wait is woken and the timer re-armed.

use super::clock::BrowserClock;
use crate::engine::exec::CancelFlag;
use crate::engine::exec::Clock;
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[derive(Default)]
struct Timers {
    /// (deadline in µs, wait id), earliest first.
    heap: BinaryHeap<Reverse<(i64, u64)>>,
    wakers: HashMap<u64, Waker>,
    next_id: u64,
    /// The deadline (µs) the JS timer is armed for, and its handle.
    armed: Option<(i64, i32)>,
    callback: Option<Closure<dyn FnMut()>>,
}

thread_local! {
    static TIMERS: RefCell<Timers> = RefCell::new(Timers::default());
}

fn micros(ms: f64) -> i64 {
    (ms * 1000.0).round() as i64
}

/// Arms the JS timer for the earliest deadline, if it is not already.
fn arm(t: &mut Timers) {
    // Drop entries whose wait has gone (resolved or dropped).
    while let Some(Reverse((_, id))) = t.heap.peek() {
        if t.wakers.contains_key(id) {
            break;
        }
        t.heap.pop();
    }
    let Some(&Reverse((deadline, _))) = t.heap.peek() else {
        return;
    };
    if t.armed.is_some_and(|(armed_for, _)| armed_for <= deadline) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some((_, handle)) = t.armed.take() {
        window.clear_timeout_with_handle(handle);
    }
    let callback = t.callback.get_or_insert_with(|| Closure::new(fire));
    let delay_ms = ((deadline as f64 / 1000.0) - BrowserClock.now())
        .ceil()
        .max(0.0) as i32;
    if let Ok(handle) = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        callback.as_ref().unchecked_ref(),
        delay_ms,
    ) {
        t.armed = Some((deadline, handle));
    }
}

/// The timer fired: wake every wait that is due, then re-arm.
fn fire() {
    let due: Vec<Waker> = TIMERS.with_borrow_mut(|t| {
        t.armed = None;
        let now = micros(BrowserClock.now());
        let mut due = Vec::new();
        while let Some(&Reverse((deadline, id))) = t.heap.peek() {
            if deadline > now {
                break;
            }
            t.heap.pop();
            if let Some(w) = t.wakers.remove(&id) {
                due.push(w);
            }
        }
        arm(t);
        due
    });
    // Wake outside the borrow: a woken future may register again.
    for w in due {
        w.wake();
    }
}

/// Wakes every pending wait at once (Stop): each sees the cancel flag and ends.
pub fn wake_all() {
    let all: Vec<Waker> = TIMERS.with_borrow_mut(|t| {
        t.heap.clear();
        t.wakers.drain().map(|(_, w)| w).collect()
    });
    for w in all {
        w.wake();
    }
}

/// Waits in flight (for tests of the page: none should be left after a run).
pub fn pending() -> usize {
    TIMERS.with_borrow(|t| t.wakers.len())
}

/// Resolves at `deadline` on the [`BrowserClock`], or when `cancel` is set and
/// [`wake_all`] runs.
pub struct Sleep<'a> {
    deadline: f64,
    cancel: &'a CancelFlag,
    id: Option<u64>,
}

impl<'a> Sleep<'a> {
    pub fn new(deadline: f64, cancel: &'a CancelFlag) -> Sleep<'a> {
        Sleep {
            deadline,
            cancel,
            id: None,
        }
    }
}

impl Future for Sleep<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.cancel.is_cancelled() || BrowserClock.now() >= self.deadline {
            if let Some(id) = self.id.take() {
                TIMERS.with_borrow_mut(|t| t.wakers.remove(&id));
            }
            return Poll::Ready(());
        }
        let deadline = micros(self.deadline);
        let id = self.id;
        let id = TIMERS.with_borrow_mut(|t| {
            let id = id.unwrap_or_else(|| {
                t.next_id += 1;
                t.next_id
            });
            if t.wakers.insert(id, cx.waker().clone()).is_none() {
                t.heap.push(Reverse((deadline, id)));
            }
            arm(t);
            id
        });
        self.id = Some(id);
        Poll::Pending
    }
}

impl Drop for Sleep<'_> {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            TIMERS.with_borrow_mut(|t| t.wakers.remove(&id));
        }
    }
}
