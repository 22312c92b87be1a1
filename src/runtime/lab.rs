//! The page's laboratory: runs experiments through the engine with the
//! browser's clock, event loop and pool; keeps what Stop and the live
//! timeline need; records animation frames during each run.
//!
//! Runs take turns ([`Lab::run`] waits for the one before), and a kernel is
//! made ready for runs the first time one needs it: its rate measured on the
//! main thread, and a short run of it on every pool thread (a wasm
//! function's first calls on each thread run in a slower JIT tier; without
//! that, the first parallel run would measure at half speed). The page is
//! ready for runs as soon as its pool has started; [`Lab::prepare_all`]
//! readies every kernel in the background, in turns a person's run can
//! come between.

use super::casualty::{self, LaneClock};
use super::clock::BrowserClock;
use super::event_loop::BrowserLoop;
use super::timers;
use super::yielding::{YieldMethod, after_ms};
use crate::engine::exec::LogReader;
use crate::engine::exec::{CancelFlag, Clock, Run, execute, into_trace, snapshot_trace};
use crate::engine::plan::{Mode, Settings};
use crate::engine::plan::{Server, Way};
use crate::engine::record::Served;
use crate::engine::record::{FRAME_MS, FrameLog, Outcome, Trace, frame_stats};
use crate::engine::work::Kernel;
use crate::engine::work::Rate;
use futures::future::{Either, select};
use futures::lock::Mutex as AsyncMutex;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

/// The run in progress.
struct Active {
    /// Tells this run from the one before, for the live view's copy.
    id: u64,
    run: Arc<Run>,
    started: f64,
    stopped_at: Cell<Option<f64>>,
}

/// The live view's copy of the run in progress, kept from frame to frame:
/// each read copies only what changed since the last ([`Lab::read_live`]).
#[derive(Debug, Default)]
pub struct LiveCopy {
    /// The run the copy is of (0: none yet).
    pub run: u64,
    /// Its spans; times relative to the run's start.
    pub log: LogReader,
    pub elapsed_ms: f64,
}

/// A kernel's rate as measured here, and when (ms since the page's
/// navigation): what the page says a run used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    pub kernel: Kernel,
    pub rate: Rate,
    pub at_ms: f64,
}

/// What the page does with each calibration.
type OnCalibrated = Box<dyn Fn(Calibration)>;

pub struct Lab {
    ev: Cell<BrowserLoop>,
    rates: RefCell<HashMap<Kernel, Rate>>,
    /// The kernels that have run on every pool thread since the page loaded.
    warmed: RefCell<HashSet<Kernel>>,
    /// One run (or a kernel's preparation) at a time.
    turn: AsyncMutex<()>,
    /// Told of each calibration (the page shows the rates).
    on_calibrated: RefCell<Option<OnCalibrated>>,
    active: RefCell<Option<Active>>,
    /// The animation frames seen while runs went on (and the one before
    /// and after each), on the aligned clock: a run's frame statistics and
    /// the replay's "could the page paint" both read them.
    frames: RefCell<FrameLog>,
    runs: Cell<u64>,
    /// The stop flag of the server's run in progress: Stop sets it.
    serving: RefCell<Option<Arc<CancelFlag>>>,
}

thread_local! {
    static LAB: Rc<Lab> = Rc::new(Lab {
        ev: Cell::new(BrowserLoop { yield_method: YieldMethod::MessageChannel }),
        rates: RefCell::default(),
        warmed: RefCell::default(),
        turn: AsyncMutex::new(()),
        on_calibrated: RefCell::default(),
        active: RefCell::default(),
        frames: RefCell::default(),
        runs: Cell::new(0),
        serving: RefCell::default(),
    });
}

/// The page's one lab (main thread only).
pub fn lab() -> Rc<Lab> {
    LAB.with(Rc::clone)
}

impl Lab {
    pub fn set_yield_method(&self, method: YieldMethod) {
        self.ev.set(BrowserLoop {
            yield_method: method,
        });
    }

    /// Calls `f` with each kernel's rate once it is measured.
    pub fn on_calibrated(&self, f: impl Fn(Calibration) + 'static) {
        *self.on_calibrated.borrow_mut() = Some(Box::new(f));
    }

    /// Units per millisecond of `kernel` on the main thread, measured on
    /// first use (~100 ms); one rate for every mode, so that every mode
    /// computes the same units (see runtime/calibration.rs).
    pub fn rate(&self, kernel: Kernel) -> Rate {
        if let Some(r) = self.rates.borrow().get(&kernel) {
            return *r;
        }
        let rate = super::calibration::measure_here(kernel);
        self.rates.borrow_mut().insert(kernel, rate);
        let at_ms = super::clock::local_now();
        if let Some(tell) = self.on_calibrated.borrow().as_ref() {
            tell(Calibration {
                kernel,
                rate,
                at_ms,
            });
        }
        rate
    }

    /// Makes `kernel` ready for runs on `pool_threads` threads, if it is not
    /// yet: its rate, then (with a pool) a short run of it on every thread.
    /// The caller holds the turn.
    async fn prepare(&self, kernel: Kernel, pool_threads: u32) {
        self.rate(kernel);
        let pool_threads = pool_threads.min(casualty::living());
        if pool_threads == 0 || self.warmed.borrow().contains(&kernel) {
            return;
        }
        let settings = Settings {
            kernel,
            workload: crate::engine::plan::Workload::Cpu,
            tasks: pool_threads * 2,
            work_ms: 15,
            lanes: pool_threads,
            fail_task: None,
            ..Settings::default()
        };
        self.run_now(&settings, Mode::Parallel, pool_threads, true)
            .await;
        self.warmed.borrow_mut().insert(kernel);
    }

    /// Readies every kernel (the one the page shows first) and measures the
    /// yields, in the background: one step a turn, so that a person's run
    /// waits at most one step. `measure_yields` runs in the first turn.
    pub async fn prepare_all(
        &self,
        first: Kernel,
        pool_threads: u32,
        measure_yields: impl std::future::Future<Output = ()>,
    ) {
        {
            let _turn = self.turn.lock().await;
            measure_yields.await;
        }
        let rest = Kernel::ALL.into_iter().filter(|&k| k != first);
        for kernel in std::iter::once(first).chain(rest) {
            let _turn = self.turn.lock().await;
            self.prepare(kernel, pool_threads).await;
        }
    }

    pub fn is_running(&self) -> bool {
        self.active.borrow().is_some()
    }

    /// Runs the task set of `settings` in `mode` with `lanes` pool threads,
    /// once the run before has ended and its kernel is ready.
    pub async fn run(&self, settings: &Settings, mode: Mode, lanes: u32) -> Trace {
        self.run_recording(settings, mode, lanes, true).await
    }

    /// [`Self::run`], or (`record == false`, for the benchmark) the same run
    /// without its span log: its trace then has no spans, only its duration.
    pub async fn run_recording(
        &self,
        settings: &Settings,
        mode: Mode,
        lanes: u32,
        record: bool,
    ) -> Trace {
        let _turn = self.turn.lock().await;
        self.prepare(settings.kernel, casualty::pool_size()).await;
        self.run_now(settings, mode, lanes, record).await
    }

    /// The run itself; the caller holds the turn.
    async fn run_now(&self, settings: &Settings, mode: Mode, lanes: u32, record: bool) -> Trace {
        // After a pool thread died, no more lanes than living threads: a
        // lane job nobody can take would leave its run waiting until another
        // lane ends, and with no thread left, for ever.
        let lanes = if mode.uses_pool() {
            lanes.min(casualty::living())
        } else {
            lanes
        };
        let rate = self.rate(settings.kernel);
        let run = Arc::new(Run::of_settings(settings, rate, record));
        self.runs.set(self.runs.get() + 1);
        *self.active.borrow_mut() = Some(Active {
            id: self.runs.get(),
            run: Arc::clone(&run),
            started: BrowserClock.now(),
            stopped_at: Cell::new(None),
        });
        let ev = self.ev.get();
        let mut trace = if !mode.uses_pool() {
            execute(mode, Arc::clone(&run), &ev, &LaneClock, lanes).await
        } else if lanes == 0 {
            let now = BrowserClock.now();
            let mut trace = into_trace(&run, mode, 0, now, now);
            trace.outcome = Outcome::Failed {
                // No task ran.
                task: run.tasks.len() as u32,
                message: casualty::NO_THREAD_LEFT.into(),
            };
            trace
        } else {
            self.execute_watched(mode, &run, &ev, lanes).await
        };
        let active = self.active.borrow_mut().take();
        trace.frames = frame_stats(
            self.frames
                .borrow()
                .within(trace.origin_ms, trace.duration_ms),
            FRAME_MS,
        );
        if let Some(at) = active.and_then(|a| a.stopped_at.get()) {
            trace.cancel_latency_ms = Some(BrowserClock.now() - at);
        }
        trace.to_whole_micros()
    }

    /// Runs a pool mode while watching for a pool thread's death: a dead
    /// thread's lane never ends, so `execute` would never return. On a death,
    /// stops the run, lets the living lanes exit, and returns the trace so
    /// far as failed, naming the thread and the task.
    async fn execute_watched(
        &self,
        mode: Mode,
        run: &Arc<Run>,
        ev: &BrowserLoop,
        lanes: u32,
    ) -> Trace {
        let seen = casualty::count();
        let started = BrowserClock.now();
        let exec = Box::pin(execute(mode, Arc::clone(run), ev, &LaneClock, lanes));
        let watch = Box::pin(casualty::next(seen));
        let (dead, exec) = match select(exec, watch).await {
            Either::Left((trace, _)) => return trace,
            Either::Right(found) => found,
        };
        run.cancel.cancel();
        wake_sleepers();
        // Its main-thread part (mode Both) awaits the dead lane's task for
        // ever: drop it. The lanes hold their own references to the run.
        drop(exec);
        // Each lane holds the run until it exits; a dead lane never lets go.
        // Besides those: `run_recording`'s and the active run's.
        let deadline = BrowserClock.now() + casualty::SETTLE_MS;
        let settled = loop {
            let held = 2 + (casualty::count() - seen) as usize;
            if Arc::strong_count(run) <= held {
                break true;
            }
            if BrowserClock.now() > deadline {
                break false;
            }
            let _ = wasm_bindgen_futures::JsFuture::from(after_ms(5)).await;
        };
        let ended = BrowserClock.now();
        let mut trace = if settled {
            into_trace(run, mode, lanes, started, ended)
        } else {
            // A lane still writes to the span log: `into_trace` would take
            // the log from under it, so copy it instead.
            snapshot_trace(run, mode, lanes, started, ended)
        };
        // The hook names the task its lane held (none: it died between tasks).
        trace.outcome = Outcome::Failed {
            task: dead.task.unwrap_or(run.tasks.len() as u32),
            message: casualty::describe(&dead, dead.task),
        };
        trace
    }

    /// Serves `server` one `way` (see runtime/serve.rs), once the run
    /// before has ended and its kernel is ready on every thread; `stop`,
    /// the caller's, may be set before the turn comes (then nothing runs).
    pub async fn serve(&self, server: Server, way: Way, stop: Arc<CancelFlag>) -> Served {
        let _turn = self.turn.lock().await;
        self.prepare(server.kernel, casualty::pool_size()).await;
        *self.serving.borrow_mut() = Some(Arc::clone(&stop));
        let served = super::serve::serve(server, way, stop, self.ev.get()).await;
        self.serving.borrow_mut().take();
        served
    }

    /// Runs `work` (a training experiment) once the run before has ended,
    /// with nothing else on the pool meanwhile; the lab's Stop sets `stop`.
    pub async fn run_alone<T>(&self, stop: Arc<CancelFlag>, work: impl Future<Output = T>) -> T {
        let _turn = self.turn.lock().await;
        *self.serving.borrow_mut() = Some(stop);
        let out = work.await;
        self.serving.borrow_mut().take();
        out
    }

    /// Stops a server's run (`stop` is its flag; it may still wait for its
    /// turn): its loops see the flag between handlers, a sleeping one loop
    /// is woken.
    pub fn stop_serving(&self, stop: &CancelFlag) {
        stop.cancel();
        wake_sleepers();
    }

    /// Stops the run in progress: lanes see the flag between slices, sleeping
    /// waits are woken.
    pub fn stop(&self) {
        if let Some(active) = self.active.borrow().as_ref() {
            if active.stopped_at.get().is_none() {
                active.stopped_at.set(Some(BrowserClock.now()));
            }
            active.run.cancel.cancel();
        }
        if let Some(stop) = self.serving.borrow().as_ref() {
            stop.cancel();
        }
        wake_sleepers();
    }

    /// Called on every animation frame with its timestamp, first in the
    /// page's frame loop. The frame is noted at the time its callback runs,
    /// on the aligned clock, not at its timestamp: that is the frame's vsync
    /// time, which Chromium keeps when the main thread is busy, so a frame
    /// delayed by a computation would seem to come in its middle. A
    /// callback can run only when the main thread is free.
    pub fn on_frame(&self, timestamp: f64) {
        super::yielding::note_frame(timestamp);
        let running = self.is_running();
        self.frames.borrow_mut().note(BrowserClock.now(), running);
    }

    /// The frames around the run that began at `origin` (aligned clock) and
    /// lasted `duration` ms, in ms since it began (see [`FrameLog::for_run`]).
    pub fn frames_of(&self, origin: f64, duration: f64) -> Vec<f64> {
        self.frames.borrow().for_run(origin, duration)
    }

    /// Brings `copy` up to date with the run in progress (starting afresh
    /// when it is of another run): only the spans added or grown since its
    /// last read are copied, and the open waits. False when no run goes on.
    pub fn read_live(&self, copy: &mut LiveCopy) -> bool {
        let active = self.active.borrow();
        let Some(active) = active.as_ref() else {
            return false;
        };
        if copy.run != active.id {
            copy.run = active.id;
            copy.log = LogReader::new(active.started);
        }
        let now = BrowserClock.now();
        active.run.log.read_into(&mut copy.log, now);
        copy.elapsed_ms = now - active.started;
        true
    }
}

/// Wakes whatever of a run sleeps on the main thread (its timers, its
/// yields), so that it sees a stop flag at once.
fn wake_sleepers() {
    timers::wake_all();
    super::yielding::release_all();
}
