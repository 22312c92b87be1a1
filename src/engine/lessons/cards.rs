//! The Learn panel's lessons: the ideas, each with the experiment that
//! shows it.

use super::sizing::*;
use super::{Experiment, Lesson, Machine};
use crate::engine::plan::{Mode, Strategy, Workload};

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
                 blocks the loop and everything waits behind it (worker threads and cluster mode exist, but you opt \
                 in: “Node.js on every core” below measures cluster mode).",
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
            // 16,000,000: each thread's tasks then last some 20 ms or more,
            // so the lanes run at once for a while even when one starts
            // late. With 4,000,000 (a few ms a task) half the runs on a
            // 2-core machine (2026-12-03) had the second lane start as the
            // first ended, and lost nothing.
            counter(p, Strategy::Racy, 16_000_000),
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
