//! The sentence each lesson and preset states after its experiment: what
//! was measured, read only from the traces the experiment produced (and,
//! labelled as such, the engine's estimate of a run that is refused).
//!
//! Numbers are rounded before they are compared in words, so that no
//! sentence says "at most 1×" beside a measured 1.3×.

use super::{Experiment, Lesson};
use crate::engine::analysis::{
    AmdahlFit, CounterRow, LockReading, PER_UPDATE_NOISE, false_sharing, fit_amdahl_with,
    lock_reading, lost_pct, row_of, sweep_points,
};
use crate::engine::exec::adjacent_lines;
use crate::engine::format::{format_ms, thousands};
use crate::engine::plan::{Assignment, MAX_LANES, Mode, Settings, Strategy};
use crate::engine::record::{Lane, Outcome, PoolUse, SpanKind, Trace};
use std::collections::BTreeMap;

/// A speedup as sentences show it: one decimal below 10, whole above.
pub(super) fn times(x: f64) -> String {
    if x < 9.95 {
        format!("{x:.1}×")
    } else {
        format!("{x:.0}×")
    }
}

/// A long estimate in the unit a reader thinks in.
fn about(ms: f64) -> String {
    if ms >= 120_000.0 {
        format!("{:.0} minutes", ms / 60_000.0)
    } else {
        format_ms(ms)
    }
}

/// The value [`times`] shows, as a number, so that comparisons in words
/// compare what the reader sees.
fn shown(x: f64) -> f64 {
    if x < 9.95 {
        (x * 10.0).round() / 10.0
    } else {
        x.round()
    }
}

/// The longest and the mean of the waits a trace recorded.
fn waits(trace: &Trace) -> Option<(f64, f64)> {
    let durations: Vec<f64> = trace
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Wait)
        .map(|s| s.duration())
        .collect();
    if durations.is_empty() {
        return None;
    }
    let longest = durations.iter().copied().fold(0.0, f64::max);
    Some((
        longest,
        durations.iter().sum::<f64>() / durations.len() as f64,
    ))
}

fn threads(n: u32) -> String {
    if n == 1 {
        "1 thread".into()
    } else {
        format!("{n} threads")
    }
}

/// A sweep's measurements: (threads, makespan, speedup) per run, and the
/// Amdahl fit that counts whole rounds of tasks (`None` with fewer than two
/// thread counts).
struct Sweep {
    points: Vec<(u32, f64, f64)>,
    fit: Option<AmdahlFit>,
}

impl Sweep {
    fn of(settings: &Settings, traces: &[Trace]) -> Option<Sweep> {
        let makespans: Vec<(u32, f64)> = traces.iter().map(|t| (t.lanes, t.duration_ms)).collect();
        let points = sweep_points(&makespans);
        if points.is_empty() || !points.iter().any(|p| p.threads == 1) {
            return None;
        }
        // The parallel part on unboundedly many threads: one round, its
        // heaviest task (1/n of it for n equal tasks).
        let floor = settings.parallel_share(settings.tasks.max(1));
        let fit = fit_amdahl_with(&points, |q| settings.parallel_share(q), floor);
        Some(Sweep {
            points: points
                .iter()
                .map(|p| (p.threads, p.makespan_ms, p.speedup))
                .collect(),
            fit,
        })
    }

    /// The fastest run among those whose thread count satisfies `which`.
    fn best(&self, which: impl Fn(u32) -> bool) -> Option<(u32, f64, f64)> {
        self.points
            .iter()
            .copied()
            .filter(|p| which(p.0))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    fn one_thread_ms(&self) -> f64 {
        self.points
            .iter()
            .find(|p| p.0 == 1)
            .map_or(f64::NAN, |p| p.1)
    }
}

impl Lesson {
    /// The sentence that states the measured result, from the traces the
    /// experiment produced (in the order it ran them). `None` when the traces
    /// do not fit the experiment (a stopped or failed run).
    pub fn conclude(&self, traces: &[Trace]) -> Option<String> {
        if traces.is_empty() || traces.iter().any(|t| t.outcome != Outcome::Completed) {
            return None;
        }
        let trace_of = |mode: Mode| traces.iter().find(|t| t.mode == mode);
        let find = |mode: Mode| trace_of(mode).map(Trace::stats);
        let s = &self.settings;
        Some(match self.id {
            "concurrency" => {
                let (seq, conc) = (find(Mode::Sequential)?, find(Mode::Concurrent)?);
                format!(
                    "{} waits of {} ms took {} one after another, and {} when one thread overlapped them: concurrency.",
                    s.tasks,
                    s.latency_ms,
                    format_ms(seq.makespan_ms),
                    format_ms(conc.makespan_ms)
                )
            }
            "time-slicing" => {
                let (seq, conc) = (find(Mode::Sequential)?, find(Mode::Concurrent)?);
                format!(
                    "Interleaved in slices on one thread, {} computations of {} ms took {}; one after another, {} ({:.2}×). Taking turns is not speed.",
                    s.tasks,
                    s.work_ms,
                    format_ms(conc.makespan_ms),
                    format_ms(seq.makespan_ms),
                    seq.makespan_ms / conc.makespan_ms
                )
            }
            "parallelism" => {
                let (seq, par) = (find(Mode::Sequential)?, find(Mode::Parallel)?);
                let lanes = trace_of(Mode::Parallel)?.lanes;
                let speedup = seq.makespan_ms / par.makespan_ms;
                let mut sentence = format!(
                    "On {} the same {} computations took {} instead of {}: {} as fast.",
                    threads(lanes),
                    s.tasks,
                    format_ms(par.makespan_ms),
                    format_ms(seq.makespan_ms),
                    times(speedup)
                );
                if lanes == 1 {
                    sentence.push_str(
                        " With a single thread nothing runs side by side, so no gain is expected: parallelism needs a second core.",
                    );
                } else {
                    sentence.push_str(" That is parallelism.");
                }
                sentence
            }
            "blocked-threads" => {
                let (par, conc) = (find(Mode::Parallel)?, find(Mode::Concurrent)?);
                format!(
                    "{} blocked in their waits needed {} for {} waits of {} ms; one thread overlapping them needed {}.",
                    threads(trace_of(Mode::Parallel)?.lanes),
                    format_ms(par.makespan_ms),
                    s.tasks,
                    s.latency_ms,
                    format_ms(conc.makespan_ms)
                )
            }
            "nodejs" => {
                let seq = trace_of(Mode::Sequential)?;
                let par = trace_of(Mode::Parallel)?;
                format!(
                    "Computing on the main thread froze the page for up to {} (longest gap between frames); on worker threads the longest gap was {}.",
                    format_ms(seq.frames.longest_gap_ms),
                    format_ms(par.frames.longest_gap_ms)
                )
            }
            "both" => {
                let (conc, par, both) = (
                    find(Mode::Concurrent)?,
                    find(Mode::Parallel)?,
                    find(Mode::Both)?,
                );
                format!(
                    "Waiting concurrently and computing in parallel took {}; concurrency alone {}; parallelism alone {} ({} for {} waits, one wait per thread at a time).",
                    format_ms(both.makespan_ms),
                    format_ms(conc.makespan_ms),
                    format_ms(par.makespan_ms),
                    threads(trace_of(Mode::Parallel)?.lanes),
                    s.tasks
                )
            }
            "amdahl" => self.amdahl(traces)?,
            "event-loop" => {
                let t = trace_of(Mode::Concurrent)?;
                let st = t.stats();
                format!(
                    "One thread had up to {} of the {} requests in flight at once and answered them all in {}; their handlers computed {} in all on that same thread, and the longest gap between the page's frames was {}.",
                    thousands(st.peak_overlap),
                    thousands(s.tasks),
                    format_ms(st.makespan_ms),
                    format_ms(st.cpu_ms),
                    format_ms(t.frames.longest_gap_ms)
                )
            }
            "chat-server" => self.chat_server(trace_of(Mode::Concurrent)?)?,
            "video" => self.video(traces)?,
            "mapreduce" => self.mapreduce(traces)?,
            "server" => {
                let (conc, both) = (find(Mode::Concurrent)?, find(Mode::Both)?);
                let lanes = trace_of(Mode::Both)?.lanes;
                let mut sentence = format!(
                    "{} requests took {} on one thread, and {} with the waits on the event loop and the computing on {}: {} as fast.",
                    thousands(s.tasks),
                    format_ms(conc.makespan_ms),
                    format_ms(both.makespan_ms),
                    threads(lanes),
                    times(conc.makespan_ms / both.makespan_ms)
                );
                if lanes == 1 {
                    sentence.push_str(" With one thread in the pool, both compute on a single thread: no gain is expected.");
                }
                sentence
            }
            "oversubscription" => self.oversubscription(traces)?,
            "race" => self.race(traces)?,
            "contention" => self.contention(traces)?,
            "false-sharing" => false_sharing_sentence(traces)?,
            "lock-amdahl" => self.lock_amdahl(traces)?,
            _ => return None,
        })
    }

    fn amdahl(&self, traces: &[Trace]) -> Option<String> {
        let sweep = Sweep::of(&self.settings, traces)?;
        let Some(fit) = sweep.fit else {
            return Some(format!(
                "The job took {} on 1 thread; with one thread in the pool there is no second point to fit a curve to. A machine with more cores shows the curve.",
                format_ms(sweep.one_thread_ms())
            ));
        };
        let (q, ms, best) = sweep.best(|_| true)?;
        let limit = fit.limit();
        let tasks = self.settings.tasks;
        // Which bound the limit mostly comes from: the serial part, or the
        // task count (at best one task per thread).
        let by_tasks = (1.0 - fit.serial_fraction) * fit.floor >= fit.serial_fraction;
        let why = if by_tasks {
            format!(", as its {tasks} tasks allow one per thread at best")
        } else {
            String::new()
        };
        let measured = format!(
            "The best run took {} on {}, {} as fast as on one.",
            format_ms(ms),
            threads(q),
            times(best)
        );
        Some(if shown(limit) >= shown(best) {
            format!(
                "The fitted serial fraction is {:.1} %: with any number of threads this job would be at most {} as fast{why}. {measured}",
                fit.serial_fraction * 100.0,
                times(limit)
            )
        } else {
            format!(
                "The fitted serial fraction is {:.1} %, which puts the limit near {}; the best run beat that fitted curve ({} on {}, {} as fast as on one): single runs scatter around it.",
                fit.serial_fraction * 100.0,
                times(limit),
                format_ms(ms),
                threads(q),
                times(best)
            )
        })
    }

    fn mapreduce(&self, traces: &[Trace]) -> Option<String> {
        let sweep = Sweep::of(&self.settings, traces)?;
        let set = self.settings.serial_pct;
        let Some(fit) = sweep.fit else {
            return Some(format!(
                "The reduce is set to {set} % of the work; the job took {} on 1 thread, and with one thread in the pool there is no sweep to fit it from.",
                format_ms(sweep.one_thread_ms())
            ));
        };
        let (q, ms, best) = sweep.best(|_| true)?;
        let found = fit.serial_fraction * 100.0;
        // What the fit cannot tell apart: a run's overheads look serial.
        let gap = if found >= f64::from(set) + 2.0 {
            " The fit counts every overhead of the parallel runs as serial work too, so it finds more than was set."
        } else {
            ""
        };
        Some(format!(
            "The reduce was set to {set} % of the work; Amdahl's law fitted to the sweep over 1–{} threads finds {found:.1} % serial. The best run took {} on {}, {} as fast as on one.{gap}",
            self.machine.pool,
            format_ms(ms),
            threads(q),
            times(best)
        ))
    }

    fn chat_server(&self, trace: &Trace) -> Option<String> {
        let stats = trace.stats();
        let (longest, mean) = waits(trace)?;
        let s = &self.settings;
        let mut sentence = format!(
            "{} connections waited {} on average and {} at the longest; one thread answered them all in {}, {} the longest wait. The longest gap between the page's frames was {}.",
            thousands(s.tasks),
            format_ms(mean),
            format_ms(longest),
            format_ms(stats.makespan_ms),
            times(stats.makespan_ms / longest),
            format_ms(trace.frames.longest_gap_ms)
        );
        let per_thread = Settings {
            lanes: self.machine.pool,
            ..s.clone()
        };
        let estimate = about(per_thread.estimate_ms(Mode::Parallel));
        sentence.push_str(&match per_thread.check_estimate(&[Mode::Parallel]) {
            Err(_) => format!(
                " A thread per connection would need {} threads; on this pool's {} the waits would take turns, about {} by the estimate, so that run is refused.",
                thousands(s.tasks),
                self.machine.pool,
                estimate
            ),
            Ok(_) => format!(
                " A thread per connection would need {} threads; on this pool's {} the estimate is {}.",
                thousands(s.tasks),
                self.machine.pool,
                estimate
            ),
        });
        Some(sentence)
    }

    fn video(&self, traces: &[Trace]) -> Option<String> {
        let Experiment::Assignments(ways) = &self.experiment else {
            return None;
        };
        if traces.len() != ways.len() {
            return None;
        }
        let parts: Vec<(Assignment, f64, f64)> = ways
            .iter()
            .zip(traces)
            .map(|(&a, t)| {
                let st = t.stats();
                let idle = st.pool.as_ref().map_or(0.0, PoolUse::idle_share);
                (a, st.makespan_ms, idle)
            })
            .collect();
        let listed: Vec<String> = parts
            .iter()
            .map(|(a, ms, idle)| {
                format!(
                    "{} {} (threads idle {:.0} % of the time)",
                    a.label(),
                    format_ms(*ms),
                    idle * 100.0
                )
            })
            .collect();
        let lanes = traces.first()?.lanes;
        let mut sentence = format!("On {}: {}.", threads(lanes), listed.join("; "));
        let of = |a: Assignment| parts.iter().find(|p| p.0 == a).map(|p| p.1);
        if let (Some(fixed), Some(queue)) = (of(Assignment::Static), of(Assignment::Dynamic)) {
            let ratio = fixed / queue;
            sentence.push_str(&if lanes == 1 {
                " With one thread there is one block and one queue: no difference is expected.".to_string()
            } else if ratio >= 1.05 {
                format!(
                    " Fixed blocks took {ratio:.2}× as long as the queue: the thread with the key frame's block finished last while the others sat idle."
                )
            } else {
                format!(" Here fixed blocks were not slower ({ratio:.2}× the queue's time).")
            });
        }
        Some(sentence)
    }

    fn oversubscription(&self, traces: &[Trace]) -> Option<String> {
        let sweep = Sweep::of(&self.settings, traces)?;
        let cores = self.machine.cores;
        let (q, ms, best) = sweep.best(|q| q <= cores)?;
        let within = format!(
            "Up to this machine's {} cores, the best run took {} on {} ({} as fast as on one).",
            cores,
            format_ms(ms),
            threads(q),
            times(best)
        );
        let Some((q2, ms2, best2)) = sweep.best(|q| q > cores) else {
            let suggest = (cores * 4).min(MAX_LANES);
            return Some(if suggest > cores {
                format!(
                    "{within} The pool has no threads beyond the cores, so there is no plateau to see: open the page with ?pool={suggest} to start {suggest} threads on {cores} cores."
                )
            } else {
                format!(
                    "{within} The pool cannot have more threads than {MAX_LANES}, so none go beyond this machine's cores."
                )
            });
        };
        let beyond = sweep.points.iter().map(|p| p.0).filter(|&q| q > cores);
        let (from, to) = (beyond.clone().min()?, beyond.max()?);
        let range = if from == to {
            threads(from)
        } else {
            format!("{from}–{to} threads")
        };
        let head = format!(
            "{within} With {range}, more than the cores, the best took {} on {} ({} as fast)",
            format_ms(ms2),
            threads(q2),
            times(best2)
        );
        // No thread count can beat the cores' own count, bar noise (15 %):
        // a speedup beyond it means the browser reported fewer cores.
        Some(if best2 <= f64::from(cores) * 1.15 {
            format!(
                "{head}: {} the speed for {} the threads. Beyond the cores, more threads add lanes, not speed.",
                times(best2 / best),
                times(f64::from(q2) / f64::from(q))
            )
        } else {
            format!(
                "{head}, more than {cores} cores can give: the browser may report fewer cores than the machine has."
            )
        })
    }

    fn race(&self, traces: &[Trace]) -> Option<String> {
        let rows = CounterRow::all(traces);
        let one = row_of(&rows, Strategy::Racy, 1)?;
        let p = self.machine.pool;
        let made = |r: &CounterRow| thousands(r.tally.expected);
        if p == 1 {
            return Some(format!(
                "On 1 thread the racy counter made {} updates and lost {}: one thread cannot race with itself, \
                 because nothing runs between its read and its write. With a pool of one thread there is no second \
                 thread to race; a machine with two or more cores shows it.",
                made(&one),
                thousands(one.tally.lost())
            ));
        }
        let all = row_of(&rows, Strategy::Racy, p)?;
        let head = format!(
            "On 1 thread the racy counter lost {} of {} updates.",
            thousands(one.tally.lost()),
            made(&one)
        );
        Some(if all.tally.lost() > 0 {
            format!(
                "{head} On {} it lost {} of {} ({:.1} %): the counter ended at {}. Each lost update is a write \
                 of a stale value, read by one thread while another was adding.",
                threads(p),
                thousands(all.tally.lost()),
                made(&all),
                lost_pct(&all.tally),
                thousands(all.tally.actual)
            )
        } else {
            format!(
                "{head} On {} it lost none this time: the threads never read the same value at once. The race is \
                 still there; run it again.",
                threads(p)
            )
        })
    }

    fn contention(&self, traces: &[Trace]) -> Option<String> {
        let rows = CounterRow::all(traces);
        let p = self.machine.pool;
        let strategies = [Strategy::Atomic, Strategy::Mutex, Strategy::Local];
        let name = |s: Strategy| match s {
            Strategy::Atomic => "atomic",
            Strategy::Mutex => "mutex",
            _ => "local",
        };
        if p == 1 {
            let listed: Vec<String> = strategies
                .iter()
                .map(|&s| {
                    Some(format!(
                        "{} {:.1} ns",
                        name(s),
                        row_of(&rows, s, 1)?.ns_per_update
                    ))
                })
                .collect::<Option<_>>()?;
            return Some(format!(
                "Time per update on 1 thread: {}. With one thread nothing contends for the counter, so there is \
                 nothing to slow it down; a machine with two or more cores shows the cost.",
                listed.join(", ")
            ));
        }
        let mut per_update = Vec::new();
        let mut speed = Vec::new();
        // The shared counters (local counting shares almost nothing): which
        // were slower on more threads, and whose time per update grew
        // beyond what noise gives, with its figures.
        let mut slower = Vec::new();
        let mut grew = Vec::new();
        for s in strategies {
            let (a, b) = (row_of(&rows, s, 1)?, row_of(&rows, s, p)?);
            per_update.push(format!(
                "{} {:.1} → {:.1} ns",
                name(s),
                a.ns_per_update,
                b.ns_per_update
            ));
            let x = a.makespan_ms / b.makespan_ms;
            speed.push(format!("{} {}", name(s), times(x)));
            if s == Strategy::Local {
                continue;
            }
            let growth = b.ns_per_update >= a.ns_per_update * PER_UPDATE_NOISE;
            if shown(x) < 1.0 {
                slower.push((name(s), growth));
            } else if growth {
                grew.push(format!(
                    "the {} counter ({:.1} → {:.1} ns)",
                    name(s),
                    a.ns_per_update,
                    b.ns_per_update
                ));
            }
        }
        let cores = self.machine.cores;
        let end = if p > cores {
            // More threads than logical cores: they take turns on the cores
            // (time-slicing), which costs whatever is shared or not.
            format!(
                " With {} on {cores} logical core{} the threads were time-sliced, taking turns on the cores: the \
                 times show that, and cannot be put down to the counter's cache line.",
                threads(p),
                if cores == 1 { "" } else { "s" }
            )
        } else if !slower.is_empty() {
            let (travelled, not): (Vec<_>, Vec<_>) = slower.iter().partition(|(_, grew)| *grew);
            let names = |v: &[&(&str, bool)]| {
                let names: Vec<&str> = v.iter().map(|(n, _)| *n).collect();
                let plural = if names.len() == 1 { "" } else { "s" };
                format!("The {} counter{plural}", names.join(" and "))
            };
            let mut end = String::new();
            if !travelled.is_empty() {
                end.push_str(&format!(
                    " {} {} slower on more threads: every update had to fetch the counter's cache line from another core.",
                    names(&travelled),
                    if travelled.len() == 1 { "was" } else { "were" }
                ));
            }
            if !not.is_empty() {
                end.push_str(&format!(
                    " {} {} slower on more threads, though {} time per update did not grow beyond noise.",
                    names(&not),
                    if not.len() == 1 { "was" } else { "were" },
                    if not.len() == 1 { "its" } else { "their" }
                ));
            }
            end
        } else if !grew.is_empty() {
            format!(
                " The shared counter did not slow down this time; the cost per update still grew for {}, where the \
                 line had to travel.",
                grew.join(" and ")
            )
        } else {
            " The shared counter did not slow down this time, and the cost per update did not grow beyond noise \
             either: here the counter's line cost little to share, or the threads did not run on two cores at \
             once (they shared one physical core, or took turns)."
                .to_string()
        };
        Some(format!(
            "Time per update, 1 → {}: {}. Wall time on {} against 1: {} as fast.{end}",
            threads(p),
            per_update.join(", "),
            threads(p),
            speed.join(", ")
        ))
    }

    fn lock_amdahl(&self, traces: &[Trace]) -> Option<String> {
        let sweep = Sweep::of(&self.settings, traces)?;
        let points = sweep_points(
            &sweep
                .points
                .iter()
                .map(|&(q, ms, _)| (q, ms))
                .collect::<Vec<_>>(),
        );
        let set = self.settings.lock_pct;
        let Some(reading) = lock_reading(&self.settings, &points) else {
            return Some(format!(
                "{set} % of each task ran under the lock; the job took {} on 1 thread. With one thread in the pool \
                 nothing waits for the lock, so its share cannot be read back: that takes two threads or more.",
                format_ms(sweep.one_thread_ms())
            ));
        };
        let (q, ms, best) = sweep.best(|_| true)?;
        Some(match reading {
            LockReading::Read { read, .. } => {
                let n = f64::from(self.settings.tasks.max(1));
                let limit = 1.0 / (read + (1.0 - read) / n);
                format!(
                    "Configured: {set} % of each task under the lock. Read back from the sweep: {:.0} %. The best run \
                     took {} on {}, {} as fast as on one; with that share no number of threads does better than \
                     about {}.",
                    read * 100.0,
                    format_ms(ms),
                    threads(q),
                    times(best),
                    times(limit)
                )
            }
            LockReading::NotModelled { why, .. } => format!(
                "Configured: {set} % of each task under the lock. The best run took {} on {}, {} as fast as on \
                 one; the share cannot be read back from this sweep: {why}.",
                format_ms(ms),
                threads(q),
                times(best)
            ),
            LockReading::Unreadable { threads: t, .. } => format!(
                "Configured: {set} % of each task under the lock. On up to {} the best run was {} as fast as on one, \
                 close to the thread count: the threads, not the lock, were the limit, so the share cannot be read \
                 back on this many threads.",
                threads(t),
                times(best)
            ),
        })
    }
}

/// What a false-sharing experiment measured, in the words the lesson and
/// the shared-counter card both show: per-lane counters side by side
/// against padded apart, on the most threads both ran on. A factor within
/// [`PER_UPDATE_NOISE`] is stated as no slowdown, with why none can show;
/// past eight threads, how many cache lines the counters side by side
/// filled. `None` without a side-by-side and a padded run on one thread
/// count.
pub fn false_sharing_sentence(traces: &[Trace]) -> Option<String> {
    let rows = CounterRow::all(traces);
    let (p, factor) = false_sharing(&rows)?;
    let adjacent = row_of(&rows, Strategy::Adjacent, p)?;
    let padded = row_of(&rows, Strategy::Padded, p)?;
    // The run `row_of` read: the last side-by-side one on `p` threads.
    let adjacent_run = traces
        .iter()
        .rev()
        .find(|t| t.lanes == p && t.counter.is_some_and(|c| c.strategy == Strategy::Adjacent))?;
    let head = format!(
        "On {}, counters side by side took {:.1} ns per update and counters padded apart {:.1} ns",
        threads(p),
        adjacent.ns_per_update,
        padded.ns_per_update
    );
    if p == 1 {
        return Some(format!(
            "{head} ({}): with one thread no other core wants the line, so no difference is expected. A machine \
             with two or more cores shows false sharing.",
            times(factor)
        ));
    }
    if shown(factor) < PER_UPDATE_NOISE {
        let why = if lanes_overlapped(adjacent_run) {
            "The threads side by side did run at the same time; two threads on one physical core \
             (hyper-threading) share that core's cache, so no line travels between them: the system may have \
             put them there"
        } else {
            "The threads side by side never ran at the same time (each computed while the others did not), so \
             no two cores wanted the line at once"
        };
        return Some(format!(
            "{head}: no slowdown was measured ({} the padded time, within the {PER_UPDATE_NOISE}× that \
             run-to-run noise gives). Side by side costs only while threads on different cores write the line at \
             once. {why}.",
            times(factor)
        ));
    }
    let lines = adjacent_lines(&adjacent_run.lanes_used());
    let filled = if lines > 1 {
        format!(
            " The {p} counters side by side fill {lines} cache lines (eight to a line): each line is shared by \
             the threads whose counters are on it."
        )
    } else {
        String::new()
    };
    Some(format!(
        "{head}: side by side was {} as slow, although each thread only ever wrote its own counter.{filled}",
        times(factor)
    ))
}

/// Whether two lanes of `trace` computed at the same time: each lane's
/// computing, as one set of intervals, swept together.
fn lanes_overlapped(trace: &Trace) -> bool {
    let mut by_lane: BTreeMap<Lane, Vec<(f64, f64)>> = BTreeMap::new();
    for s in trace.spans.iter().filter(|s| s.kind == SpanKind::Run) {
        by_lane.entry(s.lane).or_default().push((s.start, s.end));
    }
    let mut events: Vec<(f64, i32)> = Vec::new();
    for intervals in by_lane.values_mut() {
        intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
        // A lane's own slices overlap none of its others: joined first, so
        // that only two lanes can make the count reach 2.
        let mut joined: Vec<(f64, f64)> = Vec::new();
        for &(a, b) in intervals.iter() {
            match joined.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => joined.push((a, b)),
            }
        }
        events.extend(joined.iter().flat_map(|&(a, b)| [(a, 1), (b, -1)]));
    }
    // Ends before starts at one instant: lanes that hand over touch, not overlap.
    events.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let mut running = 0;
    events.into_iter().any(|(_, delta)| {
        running += delta;
        running >= 2
    })
}
