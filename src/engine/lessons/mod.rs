//! The "Learn" panel's lessons and presets: the ideas, each with the
//! experiment that shows it. The sentence that states the measured result
//! back ([`Lesson::conclude`]) is in `verdicts.rs` (by lesson; the modes'
//! lessons), `sweep_verdicts.rs` (thread sweeps) and `counter_verdicts.rs`
//! (the shared counter; [`false_sharing_sentence`] is the card's too), in
//! the words of `words.rs`.
//!
//! The texts are conpar's own. Every task and thread count derives from the
//! machine (the pool's size and the cores), so that each lesson's point
//! shows on 1, 2, 4, 16 or 64 threads alike: tasks come in multiples of the
//! pool, the parallel lessons use every thread, and runs stay short on a
//! big pool (the work per task shrinks as the task count grows; the native
//! tests check every pool size against the engine's own estimates).

mod counter_verdicts;
mod sweep_verdicts;
mod verdicts;
mod words;

pub use counter_verdicts::false_sharing_sentence;

use crate::engine::plan::{
    Assignment, MAX_LANES, Mode, Settings, Sizes, Strategy, Waits, Workload,
};
use crate::engine::work::Kernel;

/// What pressing "Try it" does.
#[derive(Debug, Clone, PartialEq)]
pub enum Experiment {
    /// Runs these modes, one after the other, on the lesson's settings.
    Modes(Vec<Mode>),
    /// Runs the parallel mode for 1, 2, … pool-size threads.
    Sweep,
    /// Runs the parallel mode once per way of handing tasks to the lanes,
    /// every other setting the same.
    Assignments(Vec<Assignment>),
    /// Runs the parallel mode on each of `threads`, for each strategy in
    /// turn (the shared counter; see [`super::shared_counter::grid`]).
    Grid {
        strategies: Vec<Strategy>,
        threads: Vec<u32>,
    },
}

/// Where the lessons run: what their task and thread counts derive from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Machine {
    /// Threads in the page's pool (at least 1).
    pub pool: u32,
    /// Logical cores the browser reports (at least 1).
    pub cores: u32,
}

impl Machine {
    pub fn new(pool: u32, cores: u32) -> Machine {
        // A browser reports its cores (any number a page may claim):
        // bounded, so that sentences' arithmetic on them cannot overflow.
        Machine {
            pool: pool.clamp(1, MAX_LANES),
            cores: cores.clamp(1, 4_096),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    /// Paragraphs.
    pub body: &'static [&'static str],
    pub settings: Settings,
    pub experiment: Experiment,
    /// The machine the settings were made for (the verdicts need its cores).
    pub machine: Machine,
}

/// How long one sweep may take, estimated: a sweep on a big pool is many
/// runs, so its tasks shrink to stay within it.
const SWEEP_BUDGET_MS: f64 = 2_500.0;

fn base(workload: Workload, tasks: u32, work_ms: u32, latency_ms: u32, lanes: u32) -> Settings {
    Settings {
        workload,
        kernel: Kernel::Primes,
        tasks,
        work_ms,
        latency_ms,
        jitter_ms: 0,
        lanes,
        slice_ms: 5,
        ..Settings::default()
    }
}

/// `per` tasks per thread of a pool of `pool`, at least `per` × 2 tasks: on
/// one thread, the lesson still has something to run one after another.
fn per_thread(pool: u32, per: u32) -> u32 {
    per * pool.max(2)
}

/// At least `least` tasks, in whole rounds of `pool`: 8 tasks on 3 threads
/// would leave a thread idle in the last round; 9 do not.
fn whole_rounds(pool: u32, least: u32) -> u32 {
    let pool = pool.max(1);
    least.div_ceil(pool) * pool
}

/// The settings with the largest work per task (at most `max_work_ms`) whose
/// sweep over 1..=`pool` threads stays within [`SWEEP_BUDGET_MS`]; 1 ms per
/// task when even that does not fit (the tests bound what that leaves).
fn sized_for_sweep(s: Settings, pool: u32, max_work_ms: u32) -> Settings {
    let with = |work_ms: u32| Settings {
        work_ms,
        ..s.clone()
    };
    let (mut lo, mut hi) = (1, max_work_ms.max(1));
    // The largest work that fits: the sweep's estimate grows with the work.
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if with(mid).sweep_estimate_ms(pool) <= SWEEP_BUDGET_MS {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    with(lo)
}

/// The shared-counter settings: `total` updates in all, spread over two
/// tasks per thread, on every thread of the pool.
fn counter(pool: u32, strategy: Strategy, total: u32) -> Settings {
    let tasks = per_thread(pool, 2);
    Settings {
        workload: Workload::Counter,
        mode: Mode::Parallel,
        strategy,
        tasks,
        updates: (total / tasks).max(1),
        lanes: pool,
        ..Settings::default()
    }
}

/// One thread, then every thread of the pool (once, on a pool of one).
fn one_and_all(pool: u32) -> Vec<u32> {
    if pool > 1 { vec![1, pool] } else { vec![1] }
}

/// Work under one lock (percent) in the lesson that reads it back: above
/// 1/2, so that two threads already find the lock the limit.
pub const LOCK_LESSON_PCT: u32 = 60;

/// The critical-section lesson's settings: the largest work per task (at
/// most `max_work_ms`) whose sweep, its locked parts taking turns (the
/// estimate counts them), stays within [`SWEEP_BUDGET_MS`]. One task per
/// thread, at least 8: each point of the sweep runs the locked parts one
/// after another, so a big pool's sweep stays short only with few tasks.
fn sized_for_lock_sweep(pool: u32, max_work_ms: u32) -> Settings {
    let s = Settings {
        lock_pct: LOCK_LESSON_PCT,
        ..base(Workload::Cpu, whole_rounds(pool, 8), 0, 200, pool)
    };
    sized_for_sweep(s, pool, max_work_ms)
}

/// Makes the lessons (and presets) of machine `m`.
fn lesson_on(
    m: Machine,
) -> impl Fn(&'static str, &'static str, &'static [&'static str], Settings, Experiment) -> Lesson {
    move |id, title, body, settings, experiment| Lesson {
        id,
        title,
        body,
        settings,
        experiment,
        machine: m,
    }
}

/// The ideas, in reading order, sized for `m`.
pub fn lessons(m: Machine) -> Vec<Lesson> {
    let p = m.pool;
    let lesson = lesson_on(m);
    // The mixed lesson: four waits per thread, so that parallelism alone,
    // which holds a thread for each wait, needs four rounds of waits; the
    // computation in all stays under a second on one thread.
    let both_tasks = per_thread(p, 4);
    vec![
        lesson(
            "concurrency",
            "Concurrency: one thread juggling many waits",
            &[
                "Concurrency is about structure: several tasks are under way during the same stretch of time, \
                 even if only one of them is touched at any instant. A single cook with four pans on the stove \
                 is concurrent — she turns to whichever pan needs her.",
                "When tasks mostly wait (for a network reply, a disk, a timer), one thread can start all of them \
                 and pick each up again when its answer arrives. The waits overlap; no second core is needed.",
            ],
            base(Workload::Io, 8, 50, 200, p),
            Experiment::Modes(vec![Mode::Sequential, Mode::Concurrent]),
        ),
        lesson(
            "time-slicing",
            "Time-slicing is not speed",
            &[
                "Cut computations into slices and take turns, and they all make progress together: that is how \
                 one core gives the feeling of doing many things. But the core still does every slice itself.",
                "So interleaving CPU-bound tasks on one thread finishes no sooner than running them one after \
                 the other — it only changes the order (and adds a little switching cost).",
            ],
            base(Workload::Cpu, 4, 100, 200, p),
            Experiment::Modes(vec![Mode::Sequential, Mode::Concurrent]),
        ),
        lesson(
            "parallelism",
            "Parallelism: more cooks, more cores",
            &[
                "Parallelism is about execution: several computations literally run at the same instant, each on \
                 its own core. Four cooks in four kitchens finish four dishes in the time of one.",
                "It needs hardware — more cores — and it pays off for work that computes rather than waits. \
                 The experiment uses every thread of the pool, with the same number of tasks on each.",
            ],
            {
                let tasks = per_thread(p, 4);
                base(Workload::Cpu, tasks, (1_600 / tasks).clamp(5, 50), 200, p)
            },
            Experiment::Modes(vec![Mode::Sequential, Mode::Parallel]),
        ),
        lesson(
            "blocked-threads",
            "Threads that wait are threads wasted",
            &[
                "Give a thread a blocking wait and it is held for the whole wait, doing nothing. With N threads, \
                 only N waits proceed at once; the rest queue.",
                "That is why servers with many slow clients moved from a thread per connection to an event loop. \
                 Here there are four waits for every thread of the pool.",
            ],
            base(Workload::Io, per_thread(p, 4), 50, 200, p),
            Experiment::Modes(vec![Mode::Parallel, Mode::Concurrent]),
        ),
        lesson(
            "nodejs",
            "Is Node.js concurrent or parallel?",
            &[
                "Concurrent. Your JavaScript runs on one thread, an event loop, which juggles thousands of \
                 outstanding I/O operations at once. It is not parallel by default: one long computation \
                 blocks the loop and everything waits behind it (worker threads exist, but you opt in).",
                "The browser's main thread is the same kind of event loop. Watch the animation beside the \
                 timeline: it keeps moving while thousands of waits are in flight, and freezes while a long \
                 computation runs on the main thread.",
            ],
            base(Workload::Cpu, 2, 300, 200, p.min(2)),
            Experiment::Modes(vec![Mode::Sequential, Mode::Parallel]),
        ),
        lesson(
            "both",
            "Can concurrency and parallelism co-exist?",
            &[
                "Yes, and real servers do both: many requests are in flight concurrently (most of their time is \
                 spent waiting), and the computing part of each goes to a pool of threads on every core.",
                "Here each task waits, then computes, and there are four tasks for every thread. The event loop \
                 overlaps all the waits; the pool runs the computations side by side. Threads alone hold one \
                 wait each, so they wait in rounds; one thread alone computes everything itself.",
            ],
            base(
                Workload::Mixed,
                both_tasks,
                (800 / both_tasks).clamp(2, 40),
                150,
                p,
            ),
            Experiment::Modes(vec![Mode::Concurrent, Mode::Parallel, Mode::Both]),
        ),
        lesson(
            "amdahl",
            "Amdahl's law: the part that will not split",
            &[
                "If a fraction f of a job must run serially, no number of threads can make it more than 1/f \
                 times faster. Doubling cores helps less and less.",
                "The sweep runs the same job on 1, 2, … threads and fits f to what it measured, counting whole \
                 rounds of tasks (a task is never split between threads). On a real machine f also absorbs \
                 overheads: starting tasks, waiting for the slowest lane.",
            ],
            sized_for_sweep(base(Workload::Cpu, per_thread(p, 4), 0, 200, p), p, 100),
            Experiment::Sweep,
        ),
        lesson(
            "race",
            "A race condition, caught in the act",
            &[
                "Adding 1 to a shared counter looks like one step, but it is two: read the value, then write \
                 the value plus one. If two threads both read 41 before either writes, both write 42, and one \
                 of the two additions is gone. Nothing crashes; the total is simply wrong.",
                "Here every task adds 1 many times with exactly that read-then-write, on one thread and then \
                 on every thread of the pool. The page counts what should have arrived and what did.",
            ],
            counter(p, Strategy::Racy, 4_000_000),
            Experiment::Grid {
                strategies: vec![Strategy::Racy],
                threads: one_and_all(p),
            },
        ),
        lesson(
            "contention",
            "Why more threads can be slower",
            &[
                "A correct shared counter (an atomic add, or a lock around the add) loses nothing, but every \
                 update needs the one cache line that holds the counter. With several cores updating it, that \
                 line travels from core to core on every update, and a lock adds threads waiting in turn.",
                "So the same updates can take longer on more threads. Counting locally on each thread and \
                 adding that count to the total only now and then shares almost nothing, and scales. The \
                 experiment measures each on one thread and on every thread of the pool.",
            ],
            // 10,000,000 atomic updates; the grid gives each other strategy
            // as many as take about as long (local counting: ten times as
            // many, up to the setting's bound). With 4,000,000 for all,
            // local runs lasted a few ms and read 0.9x on 2 threads.
            counter(p, Strategy::Atomic, 10_000_000),
            Experiment::Grid {
                strategies: vec![Strategy::Atomic, Strategy::Mutex, Strategy::Local],
                threads: one_and_all(p),
            },
        ),
        lesson(
            "false-sharing",
            "False sharing",
            &[
                "Cores move memory in cache lines of 64 bytes. Give each thread its own counter but put the \
                 counters next to each other, and they share one line: each write by one core takes the line \
                 away from the others, although no thread ever reads another's counter.",
                "The experiment runs the same per-thread counting twice on every thread of the pool: counters \
                 side by side, then padded 128 bytes apart. Only where they sit in memory differs.",
            ],
            counter(p, Strategy::Adjacent, 4_000_000),
            Experiment::Grid {
                strategies: vec![Strategy::Adjacent, Strategy::Padded],
                threads: vec![p],
            },
        ),
        lesson(
            "lock-amdahl",
            "Locks are Amdahl's serial fraction",
            &[
                "Code that holds a lock shared by all threads runs on one thread at a time: it is serial, \
                 however many threads wait for it. If a share s of each task holds the lock, the locked parts \
                 of all tasks run one after another, so, as with Amdahl's serial fraction, no number of threads \
                 can make the job more than about 1/s times faster.",
                "Below that cap it goes faster than Amdahl's law would say: while one thread holds the lock, \
                 the others do their unlocked work. So the sweep does not fit Amdahl's curve here; it reads s \
                 back from the best speedup, once the lock is the limit.",
                "Here 60 % of each task's computation holds one lock. The sweep runs the job on 1, 2, … threads \
                 and reads the share back from the best speedup; in the timeline, threads waiting for the lock \
                 are dark red.",
            ],
            sized_for_lock_sweep(p, 100),
            Experiment::Sweep,
        ),
    ]
}

/// The examples of the ideas in real systems, each a scenario sized for `m`.
pub fn presets(m: Machine) -> Vec<Lesson> {
    let p = m.pool;
    let preset = lesson_on(m);
    // Many requests, and more computing in all (about a second) than the
    // longest of their random waits (50 ms on average; about 350 ms for the
    // longest of 1,024), so that spreading it over the pool shows.
    let server_tasks = per_thread(p, 16);
    vec![
        preset(
            "event-loop",
            "The Node.js event loop",
            &[
                "2,000 requests arrive at once; each waits about 100 ms for its database or network reply, \
                 then a handler runs for a tenth of a millisecond. One thread, one event loop, no pool.",
            ],
            Settings {
                jitter_ms: 50,
                handle_us: 100,
                ..base(Workload::Io, 2_000, 1, 100, p)
            },
            Experiment::Modes(vec![Mode::Concurrent]),
        ),
        preset(
            "chat-server",
            "A chat server's 10,000 connections",
            &[
                "10,000 connections, each idle for a random time (300 ms on average, a few much longer) before \
                 its message comes in and is handled in a few microseconds. An event loop holds them all on one \
                 thread. A thread per connection would need 10,000 threads: the page refuses that run and shows \
                 its estimate instead.",
            ],
            Settings {
                waits: Waits::Exponential,
                handle_us: 10,
                ..base(Workload::Io, 10_000, 1, 300, p)
            },
            Experiment::Modes(vec![Mode::Concurrent]),
        ),
        preset(
            "video",
            "Video encoding on every core",
            &[
                "Frames are encoded in parallel, four per thread, but they are not equal: the first, a key \
                 frame, costs eight times the others. Handing each thread a fixed block of frames leaves the \
                 others idle while one encodes the key frame's block; claiming frames one at a time from a \
                 queue, or stealing them from a busier thread, keeps every thread busy.",
            ],
            {
                let tasks = per_thread(p, 4);
                Settings {
                    sizes: Sizes::Skewed,
                    skew_every: tasks,
                    skew_factor: 8,
                    ..base(Workload::Cpu, tasks, 40, 200, p)
                }
            },
            Experiment::Assignments(vec![
                Assignment::Static,
                Assignment::Dynamic,
                Assignment::Stealing,
            ]),
        ),
        preset(
            "mapreduce",
            "MapReduce: a parallel map, a serial reduce",
            &[
                "The map splits a big job into chunks that run side by side; the reduce combines their results \
                 on one thread, after all of them. Here the reduce is a set share of the work (the sentence says \
                 which). The sweep runs the job on 1, 2, … threads, and Amdahl's law fitted to the times should \
                 find that share again.",
            ],
            sized_for_sweep(
                Settings {
                    // The fit also counts the parallel runs' overheads as
                    // serial, by (1 − f)·c for a slowdown c of busy cores
                    // (c ≈ 0.15 in the page on 2 cores: 25 % set read
                    // 33–42 %): the larger f, the smaller that error, so
                    // half on small pools. On big ones a half would make
                    // the sweep too long (each point pays the whole reduce:
                    // 8.8 s on 64 threads), and their cores slow each other
                    // less (efficiency 0.93–1.01 measured on 16 cores).
                    serial_pct: if p <= 8 { 50 } else { 25 },
                    // Two chunks per thread (at least 8): each point of the
                    // sweep pays the whole reduce, so a big pool's sweep
                    // stays short only with few chunks.
                    ..base(
                        Workload::Cpu,
                        whole_rounds(p, per_thread(p, 2).max(8)),
                        0,
                        200,
                        p,
                    )
                },
                p,
                100,
            ),
            Experiment::Sweep,
        ),
        preset(
            "server",
            "A multi-core server answering async requests",
            &[
                "Requests wait for their replies (50 ms on average, at random), then each computes a response. \
                 The event loop keeps every request in flight at once, and the computing is spread over every \
                 thread of the pool: concurrency and parallelism together, against one thread doing both jobs.",
            ],
            Settings {
                waits: Waits::Exponential,
                ..base(
                    Workload::Mixed,
                    server_tasks,
                    (1_200 / server_tasks).clamp(1, 40),
                    50,
                    p,
                )
            },
            Experiment::Modes(vec![Mode::Concurrent, Mode::Both]),
        ),
        preset(
            "oversubscription",
            "More threads than cores",
            &[
                "A pool may have more threads than the machine has cores, but the extra threads only take turns \
                 on the same cores. The sweep runs the same job on 1, 2, … threads up to the pool's size: beyond \
                 the core count the time should stop falling. The pool is fixed when the page loads; the pool \
                 setting (in the link, e.g. ?pool=8) starts it with more threads than cores.",
            ],
            sized_for_sweep(base(Workload::Cpu, per_thread(p, 4), 0, 200, p), p, 100),
            Experiment::Sweep,
        ),
    ]
}

/// What running on GPU clusters would take, in one line: it cannot run in
/// a page, and a fake run would teach nothing.
pub const GPU_TRAINING: &str = "Training a model on a cluster of GPUs is parallelism at a larger scale: \
    each device holds a copy of the model and computes on its own slice of every batch (data \
    parallelism), then the devices add up their gradients over a fast network before the next step. \
    A page has neither the devices nor the network, so there is nothing honest to run here.";

#[cfg(test)]
mod tests;
