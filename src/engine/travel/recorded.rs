//! A recorded result as it travels: the runs, the settings of their task
//! set and the machine they were measured on ([`Recorded`]), the limits
//! every reader holds them to, and why a link or a file was refused
//! ([`LinkError`]). Results come from strangers, so every count, time, lane
//! and string is checked against a bound before anything is allocated or
//! drawn (see `validate.rs`).

use super::browser_name;
use crate::engine::environment::Environment;
use crate::engine::format::count;
use crate::engine::plan::{MAX_LANES, Settings, parse_query};
use crate::engine::record::{Lane, Span, SpanKind, Trace};
use std::collections::BTreeMap;
use std::fmt;

/// A fragment (after `#r=`) longer than this is refused before decoding:
/// 8× the links the page makes (LINK_BUDGET_BYTES), so that what the browser
/// inflates before the cap is checked (a chunk at a time) stays small.
pub const MAX_FRAGMENT_CHARS: usize = 65_536;
/// Decompression stops past this many bytes: a small link cannot expand into
/// gigabytes (a decompression bomb).
pub const MAX_DECOMPRESSED_BYTES: usize = 4 << 20;
/// A report file larger than this is refused before it is read.
pub const MAX_REPORT_BYTES: usize = 32 << 20;
/// Runs in one record (a comparison has 4; a sweep at most 64).
pub const MAX_RUNS: usize = 64;
/// Spans in one run, and in all runs together.
pub const MAX_SPANS_PER_RUN: usize = 100_000;
pub const MAX_TOTAL_SPANS: usize = 250_000;
/// No time in a record may be later than an hour (runs over 30 s are refused).
pub const MAX_TIME_MS: f64 = 3_600_000.0;
pub(super) const MAX_TIME_US: u64 = 3_600_000_000;
/// The aligned clock's origin is epoch milliseconds: allow until year 2500.
pub(super) const MAX_ORIGIN_US: u64 = 16_725_225_600_000_000;
/// Logical cores a machine may claim.
pub const MAX_CORES: u32 = 4096;
/// Longest strings: a browser's name, a failure message, the settings.
pub const MAX_BROWSER_CHARS: usize = 64;
pub const MAX_MESSAGE_CHARS: usize = 200;
pub(super) const MAX_SETTINGS_BYTES: usize = 512;
/// The size of link the page aims for: a typical comparison fits in it.
pub const LINK_BUDGET_BYTES: usize = 8 * 1024;
/// The prefix of a result link's fragment.
pub const FRAGMENT_PREFIX: &str = "#r=";

/// Why a link or a file was refused, in words for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError(pub String);

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(super) fn refuse<T>(why: impl Into<String>) -> Result<T, LinkError> {
    Err(LinkError(why.into()))
}

/// The facts of the machine a result was measured on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Machine {
    /// `navigator.hardwareConcurrency`.
    pub logical_cores: u32,
    /// Threads in its worker pool.
    pub pool_threads: u32,
    pub cross_origin_isolated: bool,
    /// "Chromium 131", "Firefox 128": name and major version.
    pub browser: String,
    /// The day it was recorded, `YYYY-MM-DD`, or empty when unknown.
    pub date: String,
}

impl Machine {
    /// The machine facts of `env`, recorded on `date`.
    pub fn of(env: &Environment, date: &str) -> Machine {
        Machine {
            logical_cores: env.hardware_concurrency.min(MAX_CORES),
            pool_threads: env.pool_threads.min(MAX_LANES),
            cross_origin_isolated: env.cross_origin_isolated,
            browser: truncate(&browser_name(&env.user_agent), MAX_BROWSER_CHARS),
            date: if valid_date(date) {
                date.to_string()
            } else {
                String::new()
            },
        }
    }

    /// "16 logical cores, Chromium 156, 2026-11-26".
    pub fn describe(&self) -> String {
        let mut parts = vec![count(self.logical_cores, "logical core")];
        if !self.browser.is_empty() {
            parts.push(self.browser.clone());
        }
        if !self.date.is_empty() {
            parts.push(self.date.clone());
        }
        parts.join(", ")
    }
}

/// Spans merged to fit a link: how many there were, and how many are left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summarised {
    pub spans_before: u32,
    pub spans_after: u32,
}

/// What the runs of a record are, so the page shows them as they were shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// Runs of one task set in different modes: one run, or a comparison.
    #[default]
    Modes,
    /// A thread sweep: the parallel mode on 1, 2, … threads (the speedup chart).
    Sweep,
}

/// Runs as they were measured, with what is needed to read them elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The settings of the runs' task set (the mode is the first run's).
    pub settings: Settings,
    pub machine: Machine,
    pub kind: Kind,
    pub runs: Vec<Trace>,
    /// Set when slices were merged to make the link small enough.
    pub summarised: Option<Summarised>,
    /// What the sender predicted before these runs, if they did (a link's
    /// only: format 3 and later); the receiver's page scores it against
    /// the runs with the question the runs ask (`lessons::received`).
    pub prediction: Option<Prediction>,
}

/// An answer given before an experiment ran: an index into the question's
/// choices, or a number. (The questions are the lessons'; the answer is
/// here, below them, because a result link carries it.)
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Prediction {
    /// An index into the question's choices.
    Choice(usize),
    Number(f64),
}

impl Recorded {
    pub fn span_count(&self) -> usize {
        self.runs.iter().map(|t| t.spans.len()).sum()
    }

    /// The same runs with each task's spans on one lane and of one kind
    /// merged into one, from its first start to its last end: the slices of
    /// an interleaved run become one bar per task and lane. Figures from the
    /// spans (CPU time, blocking) are then upper bounds, so the page says so.
    pub fn summarise(&self) -> Recorded {
        let mut out = self.clone();
        for t in &mut out.runs {
            let mut merged: BTreeMap<(u32, Lane, u8), Span> = BTreeMap::new();
            for s in &t.spans {
                let key = (s.task, s.lane, kind_code(s.kind));
                merged
                    .entry(key)
                    .and_modify(|m| {
                        m.start = m.start.min(s.start);
                        m.end = m.end.max(s.end);
                    })
                    .or_insert(*s);
            }
            let mut spans: Vec<Span> = merged.into_values().collect();
            spans.sort_by(|a, b| a.start.total_cmp(&b.start));
            t.spans = spans;
        }
        out.summarised = Some(Summarised {
            spans_before: self.span_count() as u32,
            spans_after: out.span_count() as u32,
        });
        out
    }
}

pub(super) fn valid_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// At most `max` characters of `s`, control characters dropped.
pub(super) fn truncate(s: &str, max: usize) -> String {
    s.chars().filter(|c| !c.is_control()).take(max).collect()
}

pub(super) fn kind_code(kind: SpanKind) -> u8 {
    match kind {
        SpanKind::Run => 0,
        SpanKind::Wait => 1,
        SpanKind::Lock => 2,
    }
}

/// The most counter updates a run can make: every task at the most updates.
pub(super) const MAX_UPDATES: u64 = 100_000 * 10_000_000;

/// Milliseconds to whole microseconds, within `max` (negative and NaN to 0:
/// the encoder writes what the page measured, which is never either).
pub(super) fn to_us(ms: f64, max: u64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        ((ms * 1000.0).round() as u64).min(max)
    } else {
        0
    }
}

pub(super) fn from_us(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// The message of a record cut short.
pub(super) const TRUNCATED: &str = "The result in this link is cut short: part of the link is missing. Ask for the whole link again.";

/// A finite time from 0 to `max` ms.
pub(super) fn within(x: f64, max: f64) -> bool {
    x.is_finite() && (0.0..=max).contains(&x)
}

/// The settings of a record, as its query string gives them: any notice
/// (a value out of bounds, an unknown key) refuses the record.
pub(super) fn settings_of(query: &str) -> Result<Settings, LinkError> {
    let (settings, notices) = parse_query(query);
    if let Some(n) = notices.first() {
        return refuse(format!("The settings of this result are not valid: {n}."));
    }
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::travel::fixtures::sample;
    use crate::engine::travel::{decode, encode};

    #[test]
    fn machine_describes_itself() {
        assert_eq!(
            sample().machine.describe(),
            "16 logical cores, Chromium 156, 2026-11-26"
        );
    }

    #[test]
    fn summary_merges_slices_per_task_lane_and_kind() {
        let mut rec = sample();
        let m = Lane::Main;
        let run = |task, start, end| Span {
            task,
            lane: m,
            kind: SpanKind::Run,
            start,
            end,
        };
        rec.runs[0].spans = vec![
            run(0, 0.0, 1.0),
            run(1, 1.0, 2.0),
            run(0, 2.0, 3.0),
            run(1, 3.0, 4.0),
        ];
        let s = rec.summarise();
        assert_eq!(s.runs[0].spans, vec![run(0, 0.0, 3.0), run(1, 1.0, 4.0)]);
        assert_eq!(
            s.summarised,
            Some(Summarised {
                spans_before: 4,
                spans_after: 2
            })
        );
        assert_eq!(decode(&encode(&s)), Ok(s));
    }
}
