//! Running a task set in each mode, recording every span.
//!
//! The logic of the four modes lives here, free of the browser: what touches
//! the platform (the clock, async sleeps and yields on the main thread, how
//! lanes are spawned) comes in through the [`Clock`] and [`EventLoop`] traits.
//! The browser's implementations are in `runtime/`; native ones in
//! [`super::native`] run the same code in `cargo test` and in the benchmark.
//!
//! - On the main thread ([`run_on_main`]): Sequential awaits one task after
//!   another; Concurrent starts every task as a future and cuts computation
//!   into slices with a yield after each, so tasks interleave on one thread.
//! - On the pool ([`run_lane`]): each lane claims task ids from a
//!   [`TaskQueue`] until it is closed; waits block the lane's thread.
//! - Both ([`run_both_on_main`]): futures on the main thread wait, then
//!   publish their computation to the lanes and await its end.

use super::kernels::Kernel;
use super::plan::{Mode, TaskSpec};
use super::sync::{CancelFlag, TaskQueue, spin_lock};
use super::trace::{Lane, Outcome, Span, SpanKind, Trace, push_merged};
use futures::channel::oneshot;
use std::collections::HashMap;
use std::future::Future;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

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

/// How one task ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskEnd {
    Completed,
    Cancelled,
    Failed(String),
}

/// Spans recorded so far, with the waits still in progress.
#[derive(Debug, Default)]
pub struct SpanLog {
    inner: Mutex<LogInner>,
    /// Off only for the benchmark's measure of what recording costs.
    off: bool,
}

#[derive(Debug, Default)]
struct LogInner {
    spans: Vec<Span>,
    last_of_lane: Vec<Option<usize>>,
    /// Waits that have begun and not ended, by task (a task waits once at a time).
    open: HashMap<u32, Span>,
}

impl SpanLog {
    /// Records a finished span, extending the lane's last one when it continues it.
    pub fn record(&self, span: Span) {
        if self.off {
            return;
        }
        let mut inner = spin_lock(&self.inner);
        let LogInner {
            spans,
            last_of_lane,
            ..
        } = &mut *inner;
        push_merged(spans, last_of_lane, span);
    }

    /// Starts a wait, so a live view can draw it before it ends.
    pub fn open(&self, task: u32, lane: Lane, start: f64) {
        if self.off {
            return;
        }
        let span = Span {
            task,
            lane,
            kind: SpanKind::Wait,
            start,
            end: start,
        };
        spin_lock(&self.inner).open.insert(task, span);
    }

    /// Ends the wait `task` opened.
    pub fn close(&self, task: u32, end: f64) {
        let mut inner = spin_lock(&self.inner);
        if let Some(mut span) = inner.open.remove(&task) {
            span.end = end;
            let LogInner {
                spans,
                last_of_lane,
                ..
            } = &mut *inner;
            push_merged(spans, last_of_lane, span);
        }
    }

    /// Everything so far, waits in progress drawn up to `now`.
    pub fn snapshot(&self, now: f64) -> Vec<Span> {
        let inner = spin_lock(&self.inner);
        let mut all = inner.spans.clone();
        all.extend(inner.open.values().map(|s| Span {
            end: now.max(s.start),
            ..*s
        }));
        all
    }

    /// The finished spans; waits still open (a stopped run) end at `now`.
    pub fn finish(&self, now: f64) -> Vec<Span> {
        let mut inner = spin_lock(&self.inner);
        let LogInner {
            spans,
            last_of_lane,
            open,
        } = &mut *inner;
        for (_, mut wait) in open.drain() {
            wait.end = now;
            push_merged(spans, last_of_lane, wait);
        }
        std::mem::take(spans)
    }

    pub fn len(&self) -> usize {
        spin_lock(&self.inner).spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Everything the threads of one run share.
#[derive(Debug)]
pub struct Run {
    pub kernel: Kernel,
    pub tasks: Vec<TaskSpec>,
    /// Units per slice: how much a lane computes between two looks at Stop,
    /// and the concurrent mode between two yields.
    pub slice_units: u64,
    pub queue: TaskQueue,
    pub cancel: CancelFlag,
    pub log: SpanLog,
    /// Per task, where to say it ended (used when the main thread awaits it).
    done: Vec<Mutex<Option<oneshot::Sender<TaskEnd>>>>,
    finished: AtomicU32,
    /// Per task, whether it ran to its end: a run is only complete when all did.
    completed: Vec<AtomicBool>,
    /// Kernel calls made: every mode computes the same slices, so this is
    /// equal across modes for the same task set (and says so in the report).
    slices: AtomicU32,
    failure: Mutex<Option<(u32, String)>>,
    /// Wrapping sum of the kernels' results: the same for every mode, which
    /// shows each did the same work (and keeps the optimiser from skipping it).
    checksum: AtomicU64,
}

impl Run {
    /// A run that records nothing: the same work without the span log, so
    /// the benchmark can measure what recording costs.
    pub fn unrecorded(kernel: Kernel, tasks: Vec<TaskSpec>, slice_units: u64) -> Run {
        let mut run = Run::new(kernel, tasks, slice_units);
        run.log.off = true;
        run
    }

    pub fn new(kernel: Kernel, tasks: Vec<TaskSpec>, slice_units: u64) -> Run {
        let n = tasks.len();
        Run {
            kernel,
            tasks,
            slice_units: slice_units.max(1),
            queue: TaskQueue::new(n),
            cancel: CancelFlag::new(),
            log: SpanLog::default(),
            done: (0..n).map(|_| Mutex::new(None)).collect(),
            finished: AtomicU32::new(0),
            completed: (0..n).map(|_| AtomicBool::new(false)).collect(),
            slices: AtomicU32::new(0),
            failure: Mutex::new(None),
            checksum: AtomicU64::new(0),
        }
    }

    /// Tasks that ran to their end.
    pub fn finished(&self) -> u32 {
        self.finished.load(Ordering::Acquire)
    }

    /// Kernel calls (slices) made so far.
    pub fn slices(&self) -> u32 {
        self.slices.load(Ordering::Acquire)
    }

    /// The first task that did not run to its end, if any.
    pub fn first_unfinished(&self) -> Option<u32> {
        self.completed
            .iter()
            .position(|c| !c.load(Ordering::Acquire))
            .map(|i| i as u32)
    }

    pub fn checksum(&self) -> u64 {
        self.checksum.load(Ordering::Acquire)
    }

    /// The first task that failed, and why.
    pub fn failure(&self) -> Option<(u32, String)> {
        spin_lock(&self.failure).clone()
    }

    fn add_checksum(&self, value: u64) {
        self.checksum.fetch_add(value, Ordering::AcqRel);
    }

    fn end_task(&self, task: u32, end: &TaskEnd) {
        match end {
            TaskEnd::Completed => {
                if let Some(c) = self.completed.get(task as usize) {
                    c.store(true, Ordering::Release);
                }
                self.finished.fetch_add(1, Ordering::AcqRel);
            }
            TaskEnd::Failed(why) => {
                spin_lock(&self.failure).get_or_insert_with(|| (task, why.clone()));
            }
            TaskEnd::Cancelled => {}
        }
    }

    /// Computes `task` on the calling thread in one go (Sequential mode: the
    /// main thread is blocked meanwhile, and cannot even see Stop). It runs
    /// the same slices as every other mode, back to back without yielding, so
    /// that speedups compare equal work: the same kernel calls, the same
    /// clock reads, the same spans recorded (merged into one bar).
    fn compute_whole(&self, clock: &impl Clock, lane: Lane, task: &TaskSpec) -> TaskEnd {
        if task.fails {
            return TaskEnd::Failed(fault_message(task));
        }
        let mut done = 0;
        while done < task.units {
            done += self.compute_slice(clock, lane, task, done);
        }
        TaskEnd::Completed
    }

    /// Computes slice `done .. done + slice_units` of `task`; returns the units done.
    fn compute_slice(&self, clock: &impl Clock, lane: Lane, task: &TaskSpec, done: u64) -> u64 {
        let n = self.slice_units.min(task.units - done);
        self.slices.fetch_add(1, Ordering::Relaxed);
        let start = clock.now();
        self.add_checksum(black_box(self.kernel.run(task.first_unit + done, n)));
        self.log
            .record(span(task.id, lane, SpanKind::Run, start, clock.now()));
        n
    }
}

fn span(task: u32, lane: Lane, kind: SpanKind, start: f64, end: f64) -> Span {
    Span {
        task,
        lane,
        kind,
        start,
        end,
    }
}

/// The message of an injected fault.
pub fn fault_message(task: &TaskSpec) -> String {
    format!(
        "task {} failed: injected fault (the failing-task setting)",
        task.id + 1
    )
}

/// What a lane does with a task it claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneWork {
    /// The whole task: its wait (holding the thread), then its computation.
    Whole,
    /// Only the computation: the main thread has done the wait (mode Both).
    ComputeOnly,
}

/// One lane of the pool: claims tasks until the queue is closed and drained,
/// or Stop. Runs on a worker thread, where blocking is allowed.
pub fn run_lane(run: &Run, clock: &impl Clock, lane: Lane, work: LaneWork) {
    while let Some(id) = run.queue.claim(&run.cancel) {
        let task = &run.tasks[id as usize];
        let end = execute_on_lane(run, clock, lane, task, work);
        run.end_task(id, &end);
        if let Some(tx) = spin_lock(&run.done[id as usize]).take() {
            // The receiver may be gone (the run was abandoned): nothing to do then.
            let _ = tx.send(end);
        }
    }
    // Stopped: tasks published but never claimed end as cancelled, so that
    // nobody awaits them forever. Only after Stop: a lane that left because
    // the queue was closed and drained has nothing to drain, and draining
    // then would discard tasks another lane should compute.
    if !run.cancel.is_cancelled() {
        return;
    }
    while let Some(id) = run.queue.try_claim() {
        if let Some(tx) = spin_lock(&run.done[id as usize]).take() {
            let _ = tx.send(TaskEnd::Cancelled);
        }
    }
}

fn execute_on_lane(
    run: &Run,
    clock: &impl Clock,
    lane: Lane,
    task: &TaskSpec,
    work: LaneWork,
) -> TaskEnd {
    if work == LaneWork::Whole && task.wait_ms > 0.0 {
        let start = clock.now();
        run.log.open(task.id, lane, start);
        let complete = run
            .cancel
            .sleep_until(&|| clock.now(), start + task.wait_ms);
        run.log.close(task.id, clock.now());
        if !complete {
            return TaskEnd::Cancelled;
        }
    }
    if task.units > 0 && task.fails {
        // A real panic would take the worker down with it (the wasm build
        // aborts on panic): the fault is reported as the task's failure instead.
        return TaskEnd::Failed(fault_message(task));
    }
    let mut done = 0;
    while done < task.units {
        if run.cancel.is_cancelled() {
            return TaskEnd::Cancelled;
        }
        done += run.compute_slice(clock, lane, task, done);
    }
    TaskEnd::Completed
}

/// Sequential (`concurrent == false`) or Concurrent mode, on the main thread.
pub async fn run_on_main(run: &Run, ev: &impl EventLoop, concurrent: bool) {
    if concurrent {
        futures::future::join_all(run.tasks.iter().map(|task| concurrent_task(run, ev, task)))
            .await;
    } else {
        for task in &run.tasks {
            if run.cancel.is_cancelled() {
                break;
            }
            let mut end = wait_on_main(run, ev, task).await;
            if end == TaskEnd::Completed && task.units > 0 {
                end = run.compute_whole(ev, Lane::Main, task);
            }
            run.end_task(task.id, &end);
            // Between tasks, let the page paint and see Stop: the one
            // concession to a frozen page; each task itself runs to its end.
            ev.yield_now().await;
        }
    }
}

/// Waits out `task`'s latency on the main thread without blocking it.
async fn wait_on_main(run: &Run, ev: &impl EventLoop, task: &TaskSpec) -> TaskEnd {
    if task.wait_ms > 0.0 {
        let start = ev.now();
        run.log.open(task.id, Lane::Main, start);
        ev.sleep_until(start + task.wait_ms, &run.cancel).await;
        run.log.close(task.id, ev.now());
    }
    if run.cancel.is_cancelled() {
        TaskEnd::Cancelled
    } else {
        TaskEnd::Completed
    }
}

async fn concurrent_task(run: &Run, ev: &impl EventLoop, task: &TaskSpec) {
    let mut end = wait_on_main(run, ev, task).await;
    if end == TaskEnd::Completed && task.fails && task.units > 0 {
        end = TaskEnd::Failed(fault_message(task));
    }
    let mut done = 0;
    while end == TaskEnd::Completed && done < task.units {
        // Yield *before* each slice: when many futures become ready in the same
        // turn (at the start, or when a timer ends many waits at once), each
        // then runs one slice per turn of the event loop, never all back to back.
        ev.yield_now().await;
        if run.cancel.is_cancelled() {
            end = TaskEnd::Cancelled;
        } else {
            done += run.compute_slice(ev, Lane::Main, task, done);
        }
    }
    run.end_task(task.id, &end);
}

/// Concurrent + parallel, the main thread's part: every task is a future that
/// waits (overlapping with the others), then hands its computation to the
/// lanes and awaits it. The lanes must have been started; this closes the
/// queue when every task has been handed over or stopped.
pub async fn run_both_on_main(run: &Run, ev: &impl EventLoop) {
    let receivers: Vec<oneshot::Receiver<TaskEnd>> = run
        .done
        .iter()
        .map(|slot| {
            let (tx, rx) = oneshot::channel();
            *spin_lock(slot) = Some(tx);
            rx
        })
        .collect();
    let tasks = run
        .tasks
        .iter()
        .zip(receivers)
        .map(|(task, rx)| async move {
            let end = wait_on_main(run, ev, task).await;
            if end != TaskEnd::Completed {
                run.end_task(task.id, &end);
                return;
            }
            if task.units == 0 {
                run.end_task(task.id, &TaskEnd::Completed);
                return;
            }
            if !run.queue.publish(task.id) {
                run.end_task(task.id, &TaskEnd::Cancelled);
                return;
            }
            // The lane records the end; a dropped sender means the run was torn down.
            let _ = rx.await;
        });
    futures::future::join_all(tasks).await;
    run.queue.close();
}

/// Parallel mode, the main thread's part: publishes every task, then closes
/// the queue. The lanes do the rest.
pub fn publish_all(run: &Run) {
    for task in &run.tasks {
        run.queue.publish(task.id);
    }
    run.queue.close();
}

/// Starts `lanes` lanes on rayon's global pool (in the browser, its Web
/// Workers). Each records its spans as `Lane::Worker(rayon thread index)`, so
/// the trace shows which threads really took part. The receivers resolve as
/// the lanes exit.
pub fn spawn_lanes<C: Clock + Clone + Send + 'static>(
    run: &Arc<Run>,
    clock: &C,
    lanes: u32,
    work: LaneWork,
) -> Vec<oneshot::Receiver<()>> {
    (0..lanes)
        .map(|_| {
            let (tx, rx) = oneshot::channel();
            let (run, clock) = (Arc::clone(run), clock.clone());
            rayon::spawn(move || {
                let index = rayon::current_thread_index().unwrap_or(0);
                run_lane(
                    &run,
                    &clock,
                    Lane::Worker(u16::try_from(index).unwrap_or(u16::MAX)),
                    work,
                );
                let _ = tx.send(());
            });
            rx
        })
        .collect()
}

/// Runs `run` in `mode` to its end (or Stop) and returns its trace. `ev` is the
/// calling (main) thread's event loop; `lane_clock` is read by the lanes.
pub async fn execute<E: EventLoop, C: Clock + Clone + Send + 'static>(
    mode: Mode,
    run: Arc<Run>,
    ev: &E,
    lane_clock: &C,
    lanes: u32,
) -> Trace {
    let started = ev.now();
    match mode {
        Mode::Sequential => run_on_main(&run, ev, false).await,
        Mode::Concurrent => run_on_main(&run, ev, true).await,
        Mode::Parallel => {
            let exits = spawn_lanes(&run, lane_clock, lanes, LaneWork::Whole);
            publish_all(&run);
            futures::future::join_all(exits).await;
        }
        Mode::Both => {
            let exits = spawn_lanes(&run, lane_clock, lanes, LaneWork::ComputeOnly);
            run_both_on_main(&run, ev).await;
            futures::future::join_all(exits).await;
        }
    }
    let ended = ev.now();
    let threads = if mode.uses_pool() { lanes } else { 1 };
    into_trace(&run, mode, threads, started, ended)
}

/// The trace of a run that has ended.
pub fn into_trace(run: &Run, mode: Mode, threads: u32, started: f64, ended: f64) -> Trace {
    let spans = run.log.finish(ended);
    let mut trace = Trace::new(mode, threads, run.tasks.len() as u32, started, ended, spans);
    trace.finished = run.finished();
    trace.checksum = run.checksum();
    trace.slices = run.slices();
    trace.outcome = match run.failure() {
        Some((task, message)) => Outcome::Failed { task, message },
        None if run.cancel.is_cancelled() => Outcome::Cancelled,
        // Never "completed" with a task missing: that would be a figure
        // measured on less work than the settings say.
        None => match run.first_unfinished() {
            Some(task) => Outcome::Failed {
                task,
                message: format!(
                    "task {} never ran to its end ({} of {} finished)",
                    task + 1,
                    run.finished(),
                    run.tasks.len()
                ),
            },
            None => Outcome::Completed,
        },
    };
    trace
}
