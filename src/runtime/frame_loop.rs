//! The page's one `requestAnimationFrame` loop.
//!
//! Everything that runs per frame (the lab's frame recording, the
//! responsiveness ball, the live timeline's refresh, the replay's cursor)
//! subscribes a callback here, so the page asks the browser for one
//! callback per frame, not one per component: each extra loop was one more
//! task on the main thread the workers share the two cores with.
//!
//! Callbacks run in the order they subscribed, with the frame's timestamp.
//! The loop asks for frames while anything is subscribed and stops when the
//! last subscription is dropped.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

type Callback = Rc<dyn Fn(f64)>;

#[derive(Default)]
struct Loop {
    subscribers: Vec<(u64, Callback)>,
    next_id: u64,
    /// Whether a frame has been asked for and not yet come.
    scheduled: bool,
    on_frame: Option<Closure<dyn FnMut(f64)>>,
    /// Reused every frame: the callbacks to call (a callback may subscribe
    /// or unsubscribe while the frame runs).
    calling: Vec<Callback>,
}

thread_local! {
    static LOOP: RefCell<Loop> = RefCell::default();
}

/// A callback's place in the loop; dropping it unsubscribes. Only an id, so
/// it can go into Leptos's `on_cleanup` (which wants `Send`).
#[derive(Debug)]
#[must_use = "dropping the subscription unsubscribes at once"]
pub struct Subscription(u64);

impl Drop for Subscription {
    fn drop(&mut self) {
        let id = self.0;
        // During the thread's teardown the loop may be gone already.
        let _ = LOOP.try_with(|l| {
            if let Ok(mut l) = l.try_borrow_mut() {
                l.subscribers.retain(|(i, _)| *i != id);
            }
        });
    }
}

/// Calls `f` with each animation frame's timestamp until the returned
/// subscription is dropped (main thread only).
pub fn subscribe(f: impl Fn(f64) + 'static) -> Subscription {
    let id = LOOP.with_borrow_mut(|l| {
        let id = l.next_id;
        l.next_id += 1;
        l.subscribers.push((id, Rc::new(f)));
        id
    });
    schedule();
    Subscription(id)
}

/// Subscribes `f` for as long as the current Leptos owner (component) lives.
pub fn subscribe_while_mounted(f: impl Fn(f64) + 'static) {
    let sub = subscribe(f);
    leptos::prelude::on_cleanup(move || drop(sub));
}

/// Asks for the next frame, once, if anything is subscribed.
fn schedule() {
    LOOP.with_borrow_mut(|l| {
        if l.scheduled || l.subscribers.is_empty() {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let on_frame = l
            .on_frame
            .get_or_insert_with(|| Closure::<dyn FnMut(f64)>::new(run_frame));
        if window
            .request_animation_frame(on_frame.as_ref().unchecked_ref())
            .is_ok()
        {
            l.scheduled = true;
        }
    });
}

fn run_frame(timestamp: f64) {
    let mut calling = LOOP.with_borrow_mut(|l| {
        l.scheduled = false;
        let mut calling = std::mem::take(&mut l.calling);
        calling.extend(l.subscribers.iter().map(|(_, f)| Rc::clone(f)));
        calling
    });
    // Asked first: a callback that panics still leaves the loop running.
    schedule();
    for f in &calling {
        f(timestamp);
    }
    calling.clear();
    LOOP.with_borrow_mut(|l| l.calling = calling);
}
