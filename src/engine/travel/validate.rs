//! The bounds every recorded result is held to, however it was read (a
//! link or a report): what the page may draw and compute with.

use super::recorded::{
    MAX_BROWSER_CHARS, MAX_CORES, MAX_MESSAGE_CHARS, MAX_RUNS, MAX_SPANS_PER_RUN, MAX_TIME_MS,
    MAX_TOTAL_SPANS, refuse, valid_date, within,
};
use super::{Kind, LinkError, Machine, Recorded};
use crate::engine::plan::{MAX_LANES, Mode, Settings};
use crate::engine::record::{Outcome, Trace};

/// The facts of the machine a result names: within the bounds, and text
/// fit to show (no control characters).
pub(super) fn check_machine(m: &Machine) -> Result<(), LinkError> {
    if m.logical_cores > MAX_CORES || m.pool_threads > MAX_LANES {
        return refuse("This result claims a machine with more cores than exist.");
    }
    if m.browser.chars().count() > MAX_BROWSER_CHARS || m.browser.chars().any(char::is_control) {
        return refuse("This result names its browser strangely.");
    }
    if !(m.date.is_empty() || valid_date(&m.date)) {
        return refuse("This result's date is not a date.");
    }
    Ok(())
}

/// Checks every bound of a record, however it was read: what the page may
/// draw and compute with. Both readers call it; the property tests call it
/// on what they accept.
pub fn validate(rec: &Recorded) -> Result<(), LinkError> {
    if rec.runs.is_empty() {
        return refuse("This result has no runs in it, so there is nothing to show.");
    }
    if rec.runs.len() > MAX_RUNS {
        return refuse(format!("This result has more than {MAX_RUNS} runs."));
    }
    check_machine(&rec.machine)?;
    if rec.span_count() > MAX_TOTAL_SPANS {
        return refuse(format!(
            "This result has more than {MAX_TOTAL_SPANS} spans."
        ));
    }
    for t in &rec.runs {
        check_run(t, &rec.settings)?;
    }
    if rec.kind == Kind::Sweep {
        // The speedup chart needs one parallel run per thread count, in order.
        if rec.runs.iter().any(|t| t.mode != Mode::Parallel) {
            return refuse(
                "This result says it is a thread sweep, but not all its runs are parallel.",
            );
        }
        if rec.runs.windows(2).any(|w| w[0].lanes >= w[1].lanes) {
            return refuse(
                "This result says it is a thread sweep, but its thread counts do not go up one run after another.",
            );
        }
    }
    Ok(())
}

/// What the runs of a report are. A report does not say, so it is read
/// from the runs: a comparison has at most one parallel run, so two or more
/// parallel runs on thread counts that go up are a sweep.
pub(super) fn kind_of_runs(runs: &[Trace]) -> Kind {
    if runs.len() >= 2
        && runs.iter().all(|t| t.mode == Mode::Parallel)
        && runs.windows(2).all(|w| w[0].lanes < w[1].lanes)
    {
        Kind::Sweep
    } else {
        Kind::Modes
    }
}

fn check_run(t: &Trace, settings: &Settings) -> Result<(), LinkError> {
    let bad = |what: &str| refuse(format!("A run in this result has {what}."));
    if t.lanes == 0 || t.lanes > MAX_LANES {
        return bad(&format!("{} threads (1 to {MAX_LANES} allowed)", t.lanes));
    }
    if t.tasks != settings.task_count() {
        return bad("a different number of tasks from its settings");
    }
    if t.finished > t.tasks {
        return bad("more tasks finished than it had");
    }
    if !within(t.duration_ms, MAX_TIME_MS) {
        return bad("a length that is negative, not a number, or over an hour");
    }
    if !within(t.frames.longest_gap_ms, MAX_TIME_MS) {
        return bad("a frame gap that is not a time");
    }
    if t.cancel_latency_ms.is_some_and(|c| !within(c, MAX_TIME_MS)) {
        return bad("a stop latency that is not a time");
    }
    if let Outcome::Failed { task, message } = &t.outcome
        && (*task > t.tasks || message.chars().count() > MAX_MESSAGE_CHARS)
    {
        return bad("a failure that does not fit the run");
    }
    if t.spans.len() > MAX_SPANS_PER_RUN {
        return bad(&format!("more than {MAX_SPANS_PER_RUN} spans"));
    }
    for s in &t.spans {
        if s.task >= t.tasks {
            return bad("a span of a task it does not have");
        }
        if s.lane.row() > MAX_LANES as usize {
            return bad(&format!("a span on a lane past the {MAX_LANES} allowed"));
        }
        if !within(s.start, MAX_TIME_MS) || !within(s.end, MAX_TIME_MS) || s.end < s.start {
            return bad(
                "a span with a time that is negative, not a number, backwards or over an hour",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::travel::fixtures::{sample, sweep};
    use crate::engine::travel::{decode, encode};

    #[test]
    fn a_sweep_must_be_parallel_runs_on_rising_thread_counts() {
        assert!(validate(&sweep()).is_ok());
        let mut mixed = sweep();
        mixed.runs[1].mode = Mode::Both;
        assert!(validate(&mixed).is_err());
        let mut unordered = sweep();
        unordered.runs.swap(0, 2);
        assert!(validate(&unordered).is_err());
        let mut repeated = sweep();
        repeated.runs[1].lanes = 1;
        assert!(validate(&repeated).is_err());
        // And none of these travel: the decoder validates what it read.
        assert!(decode(&encode(&mixed)).is_err());
    }

    #[test]
    fn a_report_of_parallel_runs_on_rising_threads_is_a_sweep() {
        let rec = sweep();
        assert_eq!(kind_of_runs(&rec.runs), Kind::Sweep);
        assert_eq!(
            kind_of_runs(&rec.runs[..1]),
            Kind::Modes,
            "one run is a run"
        );
        assert_eq!(kind_of_runs(&sample().runs), Kind::Modes);
        let mut down = rec.runs.clone();
        down.reverse();
        assert_eq!(kind_of_runs(&down), Kind::Modes);
    }
}
