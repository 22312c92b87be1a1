//! The article's examples as presets: systems the two ideas are usually
//! explained with, made small enough to run in the page.

use super::sizing::*;
use super::{Experiment, Lesson, Machine};
use crate::engine::plan::{Assignment, Mode, Settings, Sizes, Waits, Workload};

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
