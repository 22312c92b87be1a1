//! The sentence each lesson and preset states after its experiment: what
//! was measured, read only from the traces the experiment produced (and,
//! labelled as such, the engine's estimate of a run that is refused). This
//! file picks the sentence by lesson and holds those of the modes' lessons
//! and presets; the sweeps' are in `sweep_verdicts.rs`, the shared
//! counter's in `counter_verdicts.rs`.
//!
//! Numbers are rounded before they are compared in words (`words.rs`), so
//! that no sentence says "at most 1×" beside a measured 1.3×.

use super::counter_verdicts::false_sharing_sentence;
use super::words::{about, times};
use super::{Experiment, Lesson};
use crate::engine::format::count;
use crate::engine::format::{format_ms, thousands};
use crate::engine::plan::{Assignment, Mode, Settings};
use crate::engine::record::{Outcome, PoolUse, SpanKind, Trace};
use std::borrow::Borrow;

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

impl Lesson {
    /// The sentence that states the measured result, from the traces the
    /// experiment produced (in the order it ran them). `None` when the traces
    /// do not fit the experiment (a stopped or failed run).
    pub fn conclude<T: Borrow<Trace>>(&self, traces: &[T]) -> Option<String> {
        let traces: Vec<&Trace> = traces.iter().map(Borrow::borrow).collect();
        let traces = traces.as_slice();
        if traces.is_empty() || traces.iter().any(|t| t.outcome != Outcome::Completed) {
            return None;
        }
        let trace_of = |mode: Mode| traces.iter().find(|t| t.mode == mode);
        let find = |mode: Mode| trace_of(mode).map(|t| t.stats());
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
                    count(lanes, "thread"),
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
                    count(trace_of(Mode::Parallel)?.lanes, "thread"),
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
                    count(trace_of(Mode::Parallel)?.lanes, "thread"),
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
                    count(lanes, "thread"),
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

    fn video(&self, traces: &[&Trace]) -> Option<String> {
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
        let mut sentence = format!("On {}: {}.", count(lanes, "thread"), listed.join("; "));
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
}
