//! Pool threads that died, and how the page finds out.
//!
//! The wasm build aborts on panic (`panic = "abort"`): a panic on a pool
//! thread kills that Web Worker's Rust for good, with no unwinding, so the
//! lane it was running never says it ended and whoever awaits the run would
//! wait for ever. The panic hook still runs first, on the dying thread, and
//! the hook is process-wide: [`install`] adds one that records "pool thread
//! N died: message" in shared memory, and [`next`] lets the main thread see
//! that record (polling, since it must never block) so the lab can end the
//! run as failed.
//!
//! A dead thread cannot be restarted, nor the pool rebuilt
//! (RReverser/wasm-bindgen-rayon#20, #29): the pool has [`living`] threads
//! until the page is reloaded. Rayon hands jobs spawned from the main thread
//! (the lanes) to whichever thread takes them from its global queue, so the
//! living threads still run everything; the lab uses no more lanes than there
//! are living threads, so that no run waits on a lane nobody can take.
//!
//! A worker that dies without running the hook (out of memory in the
//! browser, a crashed worker process) is not detected here: its run would
//! still wait until Stop.

use super::clock::BrowserClock;
use crate::engine::exec::Clock;
use crate::engine::exec::spin_lock;
use crate::engine::record::Lane;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A pool thread that panicked.
#[derive(Debug, Clone, PartialEq)]
pub struct Casualty {
    /// Rayon's index of the thread (the timeline's "worker index + 1").
    pub thread: usize,
    /// The panic's message.
    pub message: String,
    /// The task its lane was running (`None`: between tasks, or not a lane).
    pub task: Option<u32>,
    /// When the hook ran, on [`BrowserClock`]'s scale.
    pub at: f64,
}

/// Every casualty so far. Written by the dying thread's hook; the main thread
/// only ever `try_lock`s it.
static DEAD: Mutex<Vec<Casualty>> = Mutex::new(Vec::new());
/// How many entries `DEAD` has: bumped after the push, so that a reader who
/// sees `n` finds `n` entries.
static COUNT: AtomicU32 = AtomicU32::new(0);
/// Threads the pool started with (0 until it has started).
static POOL_SIZE: AtomicU32 = AtomicU32::new(0);
/// Test only: the next clock read on a pool thread panics.
static INJECTED: AtomicBool = AtomicBool::new(false);

/// After a pool thread died, how long the living ones have to see Stop and
/// end before their run is taken as it is. A lane stops within a slice plus
/// 10 ms (the queue's sleep), a server's loop within a handler or a 1 ms
/// nap; a thread still running after this is stuck or dead too.
pub const SETTLE_MS: f64 = 2_000.0;

/// Why a run that needs the pool cannot start: every thread died.
pub const NO_THREAD_LEFT: &str =
    "no pool thread is left to run it; reload the page to get the pool back";

/// How often the main thread looks for a casualty during a parallel run.
const WATCH_MS: i32 = 50;

/// Adds the recording hook in front of the one already set (the page's, in
/// `ui`), which still runs after it: it logs the panic to the console, and on
/// the main thread writes it into the page. Call before the pool starts, once.
pub fn install() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::AcqRel) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Only pool threads: a panic on the main thread takes the whole page
        // down, and the page's own hook says so.
        if let Some(thread) = rayon::current_thread_index() {
            let message = info
                .payload_as_str()
                .map_or_else(|| "a panic without a message".to_string(), str::to_string);
            let at = BrowserClock.now();
            // A worker may spin: the main thread holds this lock only for a copy.
            spin_lock(&DEAD).push(Casualty {
                thread,
                message,
                task: crate::engine::exec::current_task(),
                at,
            });
            COUNT.fetch_add(1, Ordering::Release);
        }
        previous(info);
    }));
}

/// The pool started with `threads` threads.
pub fn set_pool_size(threads: u32) {
    POOL_SIZE.store(threads, Ordering::Release);
}

/// Threads the pool started with.
pub fn pool_size() -> u32 {
    POOL_SIZE.load(Ordering::Acquire)
}

/// Pool threads that died so far.
pub fn count() -> u32 {
    COUNT.load(Ordering::Acquire)
}

/// Pool threads still alive.
pub fn living() -> u32 {
    pool_size().saturating_sub(count())
}

/// Casualty number `i` (from 0), if it is recorded and the list is free now.
fn get(i: u32) -> Option<Casualty> {
    if i >= count() {
        return None;
    }
    let list = match DEAD.try_lock() {
        Ok(list) => list,
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
        // A hook is writing: look again next time.
        Err(std::sync::TryLockError::WouldBlock) => return None,
    };
    list.get(i as usize).cloned()
}

/// Resolves with the first casualty after the first `seen` ones (main
/// thread; a timer every [`WATCH_MS`], never a blocking wait).
pub async fn next(seen: u32) -> Casualty {
    loop {
        let _ = JsFuture::from(super::yielding::after_ms(WATCH_MS)).await;
        if let Some(c) = get(seen) {
            return c;
        }
    }
}

/// What the failed run says about the casualty.
pub fn describe(c: &Casualty, task: Option<u32>) -> String {
    let worker = Lane::Worker(u16::try_from(c.thread).unwrap_or(u16::MAX));
    let task = task.map_or_else(|| "a task".to_string(), |t| format!("task {}", t + 1));
    format!(
        "{worker} of the pool stopped for good while running {task}: it panicked ({})",
        c.message
    )
}

/// The lane clock: the browser's clock, which (test only, once armed by
/// [`test_panic_on_worker`]) panics for real when a pool thread reads it,
/// that is inside a task, as its lane times a wait or a slice.
#[derive(Debug, Clone, Copy, Default)]
pub struct LaneClock;

impl Clock for LaneClock {
    fn now(&self) -> f64 {
        if INJECTED.load(Ordering::Relaxed)
            && rayon::current_thread_index().is_some()
            && INJECTED.swap(false, Ordering::AcqRel)
        {
            panic!("a panic injected on a pool thread by the worker-panic test");
        }
        BrowserClock.now()
    }
}

/// Test only: the next parallel run's first clock read on a pool thread
/// panics (a real `panic!`, which kills that thread).
#[wasm_bindgen]
pub fn test_panic_on_worker() -> Result<(), JsValue> {
    super::test_hooks::require()?;
    INJECTED.store(true, Ordering::Release);
    Ok(())
}

/// Test only: the casualties so far, as `[{thread, message, at}]`.
#[wasm_bindgen]
pub fn test_casualties() -> Result<js_sys::Array, JsValue> {
    super::test_hooks::require()?;
    let list = match DEAD.try_lock() {
        Ok(list) => list.clone(),
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner().clone(),
        Err(std::sync::TryLockError::WouldBlock) => {
            return Err(JsValue::from_str("a casualty is being recorded: ask again"));
        }
    };
    let out = js_sys::Array::new();
    for c in list {
        let item = js_sys::Object::new();
        js_sys::Reflect::set(&item, &"thread".into(), &JsValue::from(c.thread as u32))?;
        js_sys::Reflect::set(&item, &"message".into(), &JsValue::from(c.message))?;
        js_sys::Reflect::set(&item, &"at".into(), &JsValue::from(c.at))?;
        out.push(&item);
    }
    Ok(out)
}
