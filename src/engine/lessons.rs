//! The "Learn" panel's lessons: the ideas, each with the experiment that
//! shows it and a sentence that states the *measured* result back.
//!
//! The texts are conpar's own. Each lesson's [`Lesson::conclude`] reads only
//! the traces its experiment produced, so the sentence is as true as the
//! measurement.

use super::format::format_ms;
use super::kernels::Kernel;
use super::model::{fit_amdahl, sweep_points};
use super::plan::{Mode, Settings, Workload};
use super::trace::Trace;

/// What pressing "Try it" does.
#[derive(Debug, Clone, PartialEq)]
pub enum Experiment {
    /// Runs these modes, one after the other, on the lesson's settings.
    Modes(Vec<Mode>),
    /// Runs the parallel mode for 1, 2, … pool-size threads.
    Sweep,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    /// Paragraphs.
    pub body: &'static [&'static str],
    pub settings: Settings,
    pub experiment: Experiment,
}

fn base(workload: Workload, tasks: u32, work_ms: u32, latency_ms: u32) -> Settings {
    Settings {
        workload,
        kernel: Kernel::Primes,
        tasks,
        work_ms,
        latency_ms,
        jitter_ms: 0,
        lanes: 2,
        slice_ms: 5,
        ..Settings::default()
    }
}

/// All lessons, in reading order. `threads` is the pool size (lanes used).
pub fn lessons(threads: u32) -> Vec<Lesson> {
    let t = threads.max(1);
    vec![
        Lesson {
            id: "concurrency",
            title: "Concurrency: one thread juggling many waits",
            body: &[
                "Concurrency is about structure: several tasks are under way during the same stretch of time, \
                 even if only one of them is touched at any instant. A single cook with four pans on the stove \
                 is concurrent — she turns to whichever pan needs her.",
                "When tasks mostly wait (for a network reply, a disk, a timer), one thread can start all of them \
                 and pick each up again when its answer arrives. The waits overlap; no second core is needed.",
            ],
            settings: base(Workload::Io, 8, 50, 200),
            experiment: Experiment::Modes(vec![Mode::Sequential, Mode::Concurrent]),
        },
        Lesson {
            id: "time-slicing",
            title: "Time-slicing is not speed",
            body: &[
                "Cut computations into slices and take turns, and they all make progress together: that is how \
                 one core gives the feeling of doing many things. But the core still does every slice itself.",
                "So interleaving CPU-bound tasks on one thread finishes no sooner than running them one after \
                 the other — it only changes the order (and adds a little switching cost).",
            ],
            settings: base(Workload::Cpu, 4, 100, 200),
            experiment: Experiment::Modes(vec![Mode::Sequential, Mode::Concurrent]),
        },
        Lesson {
            id: "parallelism",
            title: "Parallelism: more cooks, more cores",
            body: &[
                "Parallelism is about execution: several computations literally run at the same instant, each on \
                 its own core. Four cooks in four kitchens finish four dishes in the time of one.",
                "It needs hardware — more cores — and it pays off for work that computes rather than waits.",
            ],
            settings: base(Workload::Cpu, 8, 50, 200),
            experiment: Experiment::Modes(vec![Mode::Sequential, Mode::Parallel]),
        },
        Lesson {
            id: "blocked-threads",
            title: "Threads that wait are threads wasted",
            body: &[
                "Give a thread a blocking wait and it is held for the whole wait, doing nothing. With N threads, \
                 only N waits proceed at once; the rest queue.",
                "That is why servers with many slow clients moved from a thread per connection to an event loop.",
            ],
            settings: Settings {
                lanes: t.min(2),
                ..base(Workload::Io, 8, 50, 200)
            },
            experiment: Experiment::Modes(vec![Mode::Parallel, Mode::Concurrent]),
        },
        Lesson {
            id: "nodejs",
            title: "Is Node.js concurrent or parallel?",
            body: &[
                "Concurrent. Your JavaScript runs on one thread, an event loop, which juggles thousands of \
                 outstanding I/O operations at once. It is not parallel by default: one long computation \
                 blocks the loop and everything waits behind it (worker threads exist, but you opt in).",
                "The browser's main thread is the same kind of event loop. Watch the animation beside the \
                 timeline: it keeps moving while thousands of waits are in flight, and freezes while a long \
                 computation runs on the main thread.",
            ],
            settings: base(Workload::Cpu, 2, 300, 200),
            experiment: Experiment::Modes(vec![Mode::Sequential, Mode::Parallel]),
        },
        Lesson {
            id: "both",
            title: "Can concurrency and parallelism co-exist?",
            body: &[
                "Yes, and real servers do both: many requests are in flight concurrently (most of their time is \
                 spent waiting), and the computing part of each goes to a pool of threads on every core.",
                "Here each task waits, then computes. The event loop overlaps the waits; the pool runs the \
                 computations side by side.",
            ],
            settings: Settings {
                lanes: t,
                ..base(Workload::Mixed, 8, 40, 150)
            },
            experiment: Experiment::Modes(vec![Mode::Concurrent, Mode::Parallel, Mode::Both]),
        },
        Lesson {
            id: "amdahl",
            title: "Amdahl's law: the part that will not split",
            body: &[
                "If a fraction f of a job must run serially, no number of threads can make it more than 1/f \
                 times faster. Doubling cores helps less and less.",
                "The sweep runs the same job on 1, 2, … threads and fits f to what it measured. On a real \
                 machine f also absorbs overheads: starting tasks, waiting for the slowest lane.",
            ],
            settings: Settings {
                lanes: t,
                ..base(Workload::Cpu, 12, 40, 200)
            },
            experiment: Experiment::Sweep,
        },
    ]
}

impl Lesson {
    /// The sentence that states the measured result, from the traces the
    /// experiment produced (in the order it ran them). `None` when the traces
    /// do not fit the experiment (a stopped or failed run).
    pub fn conclude(&self, traces: &[Trace]) -> Option<String> {
        if traces
            .iter()
            .any(|t| t.outcome != super::trace::Outcome::Completed)
        {
            return None;
        }
        let find = |mode: Mode| traces.iter().find(|t| t.mode == mode).map(|t| t.stats());
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
                let threads = traces.iter().find(|t| t.mode == Mode::Parallel)?.lanes;
                format!(
                    "On {threads} threads the same work took {} instead of {}: {:.2}× faster — parallelism.",
                    format_ms(par.makespan_ms),
                    format_ms(seq.makespan_ms),
                    seq.makespan_ms / par.makespan_ms
                )
            }
            "blocked-threads" => {
                let (par, conc) = (find(Mode::Parallel)?, find(Mode::Concurrent)?);
                format!(
                    "{} threads blocked in their waits needed {} for {} waits of {} ms; one thread overlapping them needed {}.",
                    s.lanes,
                    format_ms(par.makespan_ms),
                    s.tasks,
                    s.latency_ms,
                    format_ms(conc.makespan_ms)
                )
            }
            "nodejs" => {
                let seq = traces.iter().find(|t| t.mode == Mode::Sequential)?;
                let par = traces.iter().find(|t| t.mode == Mode::Parallel)?;
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
                    "Waiting concurrently and computing in parallel took {}; concurrency alone {}, parallelism alone {}.",
                    format_ms(both.makespan_ms),
                    format_ms(conc.makespan_ms),
                    format_ms(par.makespan_ms)
                )
            }
            "amdahl" => {
                let makespans: Vec<(u32, f64)> =
                    traces.iter().map(|t| (t.lanes, t.duration_ms)).collect();
                let fit = fit_amdahl(&sweep_points(&makespans))?;
                let best = makespans.iter().map(|m| m.1).fold(f64::INFINITY, f64::min);
                format!(
                    "The fitted serial fraction is {:.1} %: at most {} faster with any number of threads. The best run took {}.",
                    fit.serial_fraction * 100.0,
                    if fit.serial_fraction > 0.0 {
                        format!("{:.0}×", fit.limit())
                    } else {
                        "unboundedly".into()
                    },
                    format_ms(best)
                )
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::{Lane, Span, SpanKind};

    fn trace(mode: Mode, lanes: u32, duration: f64) -> Trace {
        let spans = vec![Span {
            task: 0,
            lane: Lane::Main,
            kind: SpanKind::Run,
            start: 0.0,
            end: duration,
        }];
        Trace::new(mode, lanes, 1, 0.0, duration, spans)
    }

    #[test]
    fn every_lesson_concludes_from_its_own_experiment() {
        for lesson in lessons(2) {
            let traces: Vec<Trace> = match &lesson.experiment {
                Experiment::Modes(modes) => modes
                    .iter()
                    .map(|&m| trace(m, lesson.settings.lanes, 100.0))
                    .collect(),
                Experiment::Sweep => vec![
                    trace(Mode::Parallel, 1, 400.0),
                    trace(Mode::Parallel, 2, 220.0),
                ],
            };
            let sentence = lesson.conclude(&traces);
            assert!(
                sentence.as_ref().is_some_and(|s| s.len() > 20),
                "{}: {sentence:?}",
                lesson.id
            );
            assert!(
                sentence.unwrap().chars().any(|c| c.is_ascii_digit()),
                "{} states a number",
                lesson.id
            );
        }
    }

    #[test]
    fn sentences_carry_the_measured_numbers() {
        let l = &lessons(2)[0];
        let s = l
            .conclude(&[
                trace(Mode::Sequential, 1, 1612.0),
                trace(Mode::Concurrent, 1, 204.0),
            ])
            .unwrap();
        assert_eq!(
            s,
            "8 waits of 200 ms took 1.61 s one after another, and 204 ms when one thread overlapped them: concurrency."
        );
        let amdahl = lessons(2).into_iter().find(|l| l.id == "amdahl").unwrap();
        let s = amdahl
            .conclude(&[
                trace(Mode::Parallel, 1, 400.0),
                trace(Mode::Parallel, 2, 220.0),
            ])
            .unwrap();
        // 400/220 = 1.82× on 2 threads: f = 2/S - 1 = 0.1.
        assert!(
            s.starts_with("The fitted serial fraction is 10.0 %: at most 10× faster"),
            "{s}"
        );
    }

    #[test]
    fn a_stopped_run_concludes_nothing() {
        let l = &lessons(2)[0];
        let mut stopped = trace(Mode::Concurrent, 1, 50.0);
        stopped.outcome = crate::engine::trace::Outcome::Cancelled;
        assert_eq!(
            l.conclude(&[trace(Mode::Sequential, 1, 1600.0), stopped]),
            None
        );
    }

    #[test]
    fn lesson_settings_are_valid_and_quick() {
        for lesson in lessons(4) {
            let (checked, notices) = lesson.settings.clone().clamped();
            assert!(notices.is_empty(), "{}: {notices:?}", lesson.id);
            let estimate = match &lesson.experiment {
                Experiment::Modes(m) => checked.check_estimate(m),
                Experiment::Sweep => checked.check_sweep_estimate(4),
            }
            .unwrap();
            assert!(estimate < 5_000.0, "{} takes {estimate} ms", lesson.id);
        }
    }
}
