//! Results that travel: recorded runs as a compact binary record (for a link's
//! fragment, once the browser has compressed it), and the JSON report read
//! back. Both come from strangers, so reading them never panics and never
//! trusts a length: every count, time, lane and string is checked against a
//! bound before anything is allocated or drawn, and any breach is refused
//! with a plain sentence ([`LinkError`]).
//!
//! The record, version 2 (all integers LEB128 varints unless said otherwise):
//!
//! ```text
//! "CPR" 0x02                    magic and version
//! str settings                  the settings' query string (as in a settings link)
//! machine                       logical cores, pool threads, isolated (0/1), str browser, str date
//! kind                          0 runs of modes (a run, a comparison), 1 a thread sweep
//! summarised                    0, or 1 + spans before + spans after (what was merged)
//! runs                          count, then each run:
//!   mode (0..3), lanes, tasks, finished, duration µs, origin µs,
//!   outcome (0 completed, 1 cancelled, 2 failed + task + str message),
//!   frames, longest gap µs, long gaps, dropped, cancel latency (0 none, else µs + 1),
//!   checksum (8 bytes little-endian), slices,
//!   counter (0 none, or 1 + strategy + updates expected + final count),
//!   span count n, then four columns of n values each:
//!   task (zigzag delta), lane row × 4 + kind (0 run, 1 wait, 2 lock),
//!   start (zigzag delta µs), duration µs
//! ```
//!
//! Version 1 is the same without `kind` (its runs are always modes), without
//! `counter`, and with lane row × 2 + kind (run or wait); it is still read,
//! so links made before sweeps could travel keep opening.
//!
//! Times travel in whole microseconds (the browser's clock gives no finer
//! ones). Columns rather than records, because each column's values look
//! alike and the compressor then finds them: a 4-mode comparison of 64 tasks
//! compresses to a few kilobytes.

use super::environment::Environment;
use super::plan::{Field, MAX_LANES, Mode, Settings};
use super::share::{parse_query, to_query};
use super::shared_counter::{Strategy, Tally};
use super::trace::{FrameStats, Lane, Outcome, Span, SpanKind, Trace};
use std::collections::BTreeMap;
use std::fmt;

/// The record's format version, which the page writes.
pub const VERSION: u8 = 2;
/// The oldest version still read: a link of a version outside
/// `OLDEST_VERSION..=VERSION` is refused.
pub const OLDEST_VERSION: u8 = 1;
const MAGIC: &[u8; 3] = b"CPR";

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
const MAX_TIME_US: u64 = 3_600_000_000;
/// The aligned clock's origin is epoch milliseconds: allow until year 2500.
const MAX_ORIGIN_US: u64 = 16_725_225_600_000_000;
/// Logical cores a machine may claim.
pub const MAX_CORES: u32 = 4096;
/// Longest strings: a browser's name, a failure message, the settings.
pub const MAX_BROWSER_CHARS: usize = 64;
pub const MAX_MESSAGE_CHARS: usize = 200;
const MAX_SETTINGS_BYTES: usize = 512;
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

fn refuse<T>(why: impl Into<String>) -> Result<T, LinkError> {
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
        let mut parts = vec![format!(
            "{} logical core{}",
            self.logical_cores,
            if self.logical_cores == 1 { "" } else { "s" }
        )];
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

/// "Chromium 131" from a user-agent string; the engine's family when the
/// browser is not one of the common ones.
pub fn browser_name(user_agent: &str) -> String {
    let version = |marker: &str| {
        user_agent.split(marker).nth(1).map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
    };
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    let known = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Chromium"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chromium"),
        ("Version/", "Safari"),
    ];
    for (marker, name) in known {
        if let Some(v) = version(marker).filter(|v| !v.is_empty()) {
            return format!("{name} {v}");
        }
    }
    String::new()
}

fn valid_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// At most `max` characters of `s`, control characters dropped.
fn truncate(s: &str, max: usize) -> String {
    s.chars().filter(|c| !c.is_control()).take(max).collect()
}

fn kind_code(kind: SpanKind) -> u8 {
    match kind {
        SpanKind::Run => 0,
        SpanKind::Wait => 1,
        SpanKind::Lock => 2,
    }
}

/// The most counter updates a run can make: every task at the most updates.
const MAX_UPDATES: u64 = 100_000 * 10_000_000;

/// Span kinds per lane row in a lane column: 4 (two bits) since version 2.
const KINDS_PER_ROW: u64 = 4;

fn mode_code(mode: Mode) -> u8 {
    match mode {
        Mode::Sequential => 0,
        Mode::Concurrent => 1,
        Mode::Parallel => 2,
        Mode::Both => 3,
    }
}

/// Milliseconds to whole microseconds, within `max` (negative and NaN to 0:
/// the encoder writes what the page measured, which is never either).
fn to_us(ms: f64, max: u64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        ((ms * 1000.0).round() as u64).min(max)
    } else {
        0
    }
}

fn from_us(us: u64) -> f64 {
    us as f64 / 1000.0
}

// ---------------------------------------------------------------- writing

struct Writer(Vec<u8>);

impl Writer {
    fn u(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn i(&mut self, v: i64) {
        self.u(((v << 1) ^ (v >> 63)) as u64);
    }

    fn s(&mut self, s: &str) {
        self.u(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
}

/// The binary record of `rec` (uncompressed).
pub fn encode(rec: &Recorded) -> Vec<u8> {
    encode_version(rec, VERSION)
}

/// The record in format `version` (older formats: for the tests that
/// check they are still read; they cannot say what newer ones can).
fn encode_version(rec: &Recorded, version: u8) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64 + rec.span_count() * 8));
    w.0.extend_from_slice(MAGIC);
    w.0.push(version);
    w.s(&to_query(&rec.settings));
    let m = &rec.machine;
    w.u(u64::from(m.logical_cores));
    w.u(u64::from(m.pool_threads));
    w.u(u64::from(m.cross_origin_isolated));
    w.s(&truncate(&m.browser, MAX_BROWSER_CHARS));
    w.s(if valid_date(&m.date) { &m.date } else { "" });
    if version >= 2 {
        w.u(match rec.kind {
            Kind::Modes => 0,
            Kind::Sweep => 1,
        });
    }
    match rec.summarised {
        None => w.u(0),
        Some(s) => {
            w.u(1);
            w.u(u64::from(s.spans_before));
            w.u(u64::from(s.spans_after));
        }
    }
    w.u(rec.runs.len() as u64);
    for t in &rec.runs {
        w.u(u64::from(mode_code(t.mode)));
        w.u(u64::from(t.lanes));
        w.u(u64::from(t.tasks));
        w.u(u64::from(t.finished));
        w.u(to_us(t.duration_ms, MAX_TIME_US));
        w.u(to_us(t.origin_ms, MAX_ORIGIN_US));
        match &t.outcome {
            Outcome::Completed => w.u(0),
            Outcome::Cancelled => w.u(1),
            Outcome::Failed { task, message } => {
                w.u(2);
                w.u(u64::from(*task));
                w.s(&truncate(message, MAX_MESSAGE_CHARS));
            }
        }
        w.u(u64::from(t.frames.frames));
        w.u(to_us(t.frames.longest_gap_ms, MAX_TIME_US));
        w.u(u64::from(t.frames.long_gaps));
        w.u(u64::from(t.frames.dropped));
        match t.cancel_latency_ms {
            None => w.u(0),
            Some(ms) => w.u(to_us(ms, MAX_TIME_US) + 1),
        }
        w.0.extend_from_slice(&t.checksum.to_le_bytes());
        w.u(u64::from(t.slices));
        match &t.counter {
            _ if version < 2 => {}
            None => w.u(0),
            Some(c) => {
                let code = Strategy::ALL
                    .iter()
                    .position(|&s| s == c.strategy)
                    .unwrap_or(0);
                w.u(1 + code as u64);
                w.u(c.expected);
                w.u(c.actual);
            }
        }
        w.u(t.spans.len() as u64);
        let mut prev = 0i64;
        for s in &t.spans {
            w.i(i64::from(s.task) - prev);
            prev = i64::from(s.task);
        }
        for s in &t.spans {
            let per_row = if version < 2 { 2 } else { KINDS_PER_ROW };
            w.u((s.lane.row() as u64) * per_row + u64::from(kind_code(s.kind)));
        }
        let mut prev = 0i64;
        for s in &t.spans {
            let start = to_us(s.start, MAX_TIME_US) as i64;
            w.i(start - prev);
            prev = start;
        }
        for s in &t.spans {
            let start = to_us(s.start, MAX_TIME_US);
            w.u(to_us(s.end, MAX_TIME_US).saturating_sub(start));
        }
    }
    w.0
}

// ---------------------------------------------------------------- reading

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

const TRUNCATED: &str = "The result in this link is cut short: part of the link is missing. Ask for the whole link again.";

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, LinkError> {
        let b = *self.bytes.get(self.at).ok_or(LinkError(TRUNCATED.into()))?;
        self.at += 1;
        Ok(b)
    }

    fn u(&mut self) -> Result<u64, LinkError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        refuse("The result in this link holds a number too large to be real.")
    }

    /// A varint that must be at most `max`; `what` names it in the refusal.
    fn bounded(&mut self, max: u64, what: &str) -> Result<u64, LinkError> {
        let v = self.u()?;
        if v > max {
            return refuse(format!(
                "The result in this link gives {what} as {v}, more than the {max} allowed."
            ));
        }
        Ok(v)
    }

    fn i(&mut self) -> Result<i64, LinkError> {
        let v = self.u()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    fn s(&mut self, max_bytes: usize, what: &str) -> Result<String, LinkError> {
        let len = self.bounded(max_bytes as u64, &format!("the length of {what}"))? as usize;
        let end = self
            .at
            .checked_add(len)
            .ok_or(LinkError(TRUNCATED.into()))?;
        let raw = self
            .bytes
            .get(self.at..end)
            .ok_or(LinkError(TRUNCATED.into()))?;
        self.at = end;
        String::from_utf8(raw.to_vec()).map_err(|_| {
            LinkError(format!(
                "The result in this link has unreadable text in {what}."
            ))
        })
    }
}

/// Reads a binary record; every value is checked, see [`validate`].
pub fn decode(bytes: &[u8]) -> Result<Recorded, LinkError> {
    if bytes.len() > MAX_DECOMPRESSED_BYTES {
        return refuse("The result in this link is too large to open.");
    }
    if bytes.len() < 4 || &bytes[..3] != MAGIC {
        return refuse("This link does not hold a conpar result.");
    }
    let version = bytes[3];
    if !(OLDEST_VERSION..=VERSION).contains(&version) {
        return refuse(format!(
            "This result link was made by a different version of conpar (format {version}; this page reads formats {OLDEST_VERSION} to {VERSION}). Ask for a JSON report instead, or open the link in that version.",
        ));
    }
    let mut r = Reader { bytes, at: 4 };
    let query = r.s(MAX_SETTINGS_BYTES, "the settings")?;
    let settings = settings_of(&query)?;
    let machine = Machine {
        logical_cores: r.bounded(u64::from(MAX_CORES), "the logical cores")? as u32,
        pool_threads: r.bounded(u64::from(MAX_LANES), "the pool threads")? as u32,
        cross_origin_isolated: r.bounded(1, "the isolation flag")? == 1,
        browser: r.s(MAX_BROWSER_CHARS * 4, "the browser's name")?,
        date: r.s(10, "the date")?,
    };
    let kind = if version == 1 {
        Kind::Modes
    } else {
        match r.bounded(1, "what the runs are")? {
            0 => Kind::Modes,
            _ => Kind::Sweep,
        }
    };
    let summarised = match r.bounded(1, "the summary flag")? {
        0 => None,
        _ => Some(Summarised {
            spans_before: r.bounded(u64::from(u32::MAX), "the spans before merging")? as u32,
            spans_after: r.bounded(MAX_TOTAL_SPANS as u64, "the spans after merging")? as u32,
        }),
    };
    let n_runs = r.bounded(MAX_RUNS as u64, "the number of runs")? as usize;
    let mut runs = Vec::with_capacity(n_runs);
    let mut total = 0usize;
    for _ in 0..n_runs {
        let mut run = read_run(&mut r, &mut total, version)?;
        // The settings say whether the last task is a reduce (and
        // `validate` checks that the runs have its task count).
        run.reduce = settings.has_reduce();
        runs.push(run);
    }
    if r.at != bytes.len() {
        return refuse("The result in this link has extra data after its end.");
    }
    let rec = Recorded {
        settings,
        machine,
        kind,
        runs,
        summarised,
    };
    validate(&rec)?;
    Ok(rec)
}

fn read_run(r: &mut Reader<'_>, total: &mut usize, version: u8) -> Result<Trace, LinkError> {
    let mode = match r.u()? {
        0 => Mode::Sequential,
        1 => Mode::Concurrent,
        2 => Mode::Parallel,
        3 => Mode::Both,
        _ => return refuse("The result in this link names a mode conpar does not have."),
    };
    let lanes = r.bounded(u64::from(MAX_LANES), "a run's threads")? as u32;
    // The tasks, and the serial reduce if there is one.
    let tasks = r.bounded(u64::from(Field::Tasks.bounds().max) + 1, "a run's tasks")? as u32;
    let finished = r.bounded(u64::from(tasks), "the tasks finished")? as u32;
    let duration_ms = from_us(r.bounded(MAX_TIME_US, "a run's length in µs")?);
    let origin_ms = from_us(r.bounded(MAX_ORIGIN_US, "a run's clock origin")?);
    let outcome = match r.u()? {
        0 => Outcome::Completed,
        1 => Outcome::Cancelled,
        2 => Outcome::Failed {
            task: r.bounded(u64::from(tasks), "the failed task")? as u32,
            message: r.s(MAX_MESSAGE_CHARS * 4, "the failure message")?,
        },
        _ => return refuse("The result in this link has a run that ended in no known way."),
    };
    let frames = FrameStats {
        frames: r.bounded(u64::from(u32::MAX), "the frames")? as u32,
        longest_gap_ms: from_us(r.bounded(MAX_TIME_US, "the longest frame gap")?),
        long_gaps: r.bounded(u64::from(u32::MAX), "the long frames")? as u32,
        dropped: r.bounded(u64::from(u32::MAX), "the dropped frames")? as u32,
    };
    let cancel_latency_ms = match r.bounded(MAX_TIME_US + 1, "the stop latency")? {
        0 => None,
        us => Some(from_us(us - 1)),
    };
    let mut checksum = [0u8; 8];
    for b in &mut checksum {
        *b = r.byte()?;
    }
    let slices = r.bounded(u64::from(u32::MAX), "the slices")? as u32;
    let counter = match if version == 1 {
        0
    } else {
        r.bounded(Strategy::ALL.len() as u64, "the counter")?
    } {
        0 => None,
        code => Some(Tally {
            strategy: Strategy::ALL[code as usize - 1],
            expected: r.bounded(MAX_UPDATES, "the counter's updates")?,
            actual: r.bounded(u64::MAX, "the counter's count")?,
        }),
    };
    let n = r.bounded(MAX_SPANS_PER_RUN as u64, "a run's spans")? as usize;
    *total += n;
    if *total > MAX_TOTAL_SPANS {
        return refuse(format!(
            "The result in this link has more than {MAX_TOTAL_SPANS} spans, more than the page draws."
        ));
    }
    // Each span takes at least four bytes: a count beyond what is left is a lie,
    // found before anything that large is allocated.
    if n > (r.bytes.len() - r.at) / 4 {
        return refuse(TRUNCATED);
    }
    let mut tasks_col = Vec::with_capacity(n);
    let mut prev = 0i64;
    for _ in 0..n {
        prev = prev.saturating_add(r.i()?);
        if prev < 0 || prev >= i64::from(tasks) {
            return refuse("The result in this link has a span of a task the run does not have.");
        }
        tasks_col.push(prev as u32);
    }
    let mut lane_col = Vec::with_capacity(n);
    for _ in 0..n {
        let per_row = if version == 1 { 2 } else { KINDS_PER_ROW };
        let code = r.bounded((u64::from(MAX_LANES) + 1) * per_row - 1, "a span's lane")?;
        let kind = match code % per_row {
            0 => SpanKind::Run,
            1 => SpanKind::Wait,
            2 => SpanKind::Lock,
            _ => {
                return refuse(
                    "The result in this link has a span of a kind conpar does not have.",
                );
            }
        };
        lane_col.push((Lane::from_row((code / per_row) as usize), kind));
    }
    let mut starts = Vec::with_capacity(n);
    let mut prev = 0i64;
    for _ in 0..n {
        prev = prev.saturating_add(r.i()?);
        if prev < 0 || prev as u64 > MAX_TIME_US {
            return refuse(
                "The result in this link has a span that starts before the run or after an hour.",
            );
        }
        starts.push(prev as u64);
    }
    let mut spans = Vec::with_capacity(n);
    for i in 0..n {
        let length = r.bounded(MAX_TIME_US - starts[i], "a span's end in µs")?;
        spans.push(Span {
            task: tasks_col[i],
            lane: lane_col[i].0,
            kind: lane_col[i].1,
            start: from_us(starts[i]),
            end: from_us(starts[i] + length),
        });
    }
    Ok(Trace {
        mode,
        lanes,
        tasks,
        finished,
        duration_ms,
        origin_ms,
        spans,
        outcome,
        frames,
        cancel_latency_ms,
        checksum: u64::from_le_bytes(checksum),
        slices,
        counter,
        reduce: false, // from the settings, by the caller
    })
}

fn settings_of(query: &str) -> Result<Settings, LinkError> {
    let (settings, notices) = parse_query(query);
    if let Some(n) = notices.first() {
        return refuse(format!("The settings of this result are not valid: {n}."));
    }
    Ok(settings)
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
    let m = &rec.machine;
    if m.logical_cores > MAX_CORES || m.pool_threads > MAX_LANES {
        return refuse("This result claims a machine with more cores than exist.");
    }
    if m.browser.chars().count() > MAX_BROWSER_CHARS || m.browser.chars().any(char::is_control) {
        return refuse("This result names its browser strangely.");
    }
    if !(m.date.is_empty() || valid_date(&m.date)) {
        return refuse("This result's date is not a date.");
    }
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
fn kind_of_runs(runs: &[Trace]) -> Kind {
    if runs.len() >= 2
        && runs.iter().all(|t| t.mode == Mode::Parallel)
        && runs.windows(2).all(|w| w[0].lanes < w[1].lanes)
    {
        Kind::Sweep
    } else {
        Kind::Modes
    }
}

fn within(x: f64, max: f64) -> bool {
    x.is_finite() && (0.0..=max).contains(&x)
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

// ---------------------------------------------------------------- base64url

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5): safe in a URL fragment as is.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Reads base64url (padding and the standard alphabet's `+/` tolerated).
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, LinkError> {
    if text.len() > MAX_FRAGMENT_CHARS {
        return refuse(format!(
            "This link is {} characters long, more than the {MAX_FRAGMENT_CHARS} a result link may have.",
            text.len()
        ));
    }
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => {
                return refuse(
                    "This link's result is damaged: it has characters a result link never has.",
                );
            }
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return refuse(TRUNCATED);
    }
    Ok(out)
}

/// The encoded result in a location's hash (`#r=…`), if it has one.
pub fn fragment_payload(hash: &str) -> Option<&str> {
    hash.strip_prefix(FRAGMENT_PREFIX)
}

// ---------------------------------------------------------------- JSON report

/// A parsed JSON value: just what reading a report needs.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

const MAX_DEPTH: usize = 16;

struct Parser<'a> {
    b: &'a [u8],
    at: usize,
    /// Values parsed so far: the tree is built before any count is checked,
    /// so its size is bounded here (a file of `[0,0,0,…` would otherwise
    /// hold millions of values).
    values: usize,
}

/// Values a report may hold: about 6 per span, for every span allowed.
const MAX_JSON_VALUES: usize = MAX_TOTAL_SPANS * 8;

const NOT_JSON: &str = "This file is not a conpar report: it is not valid JSON.";

impl Parser<'_> {
    fn ws(&mut self) {
        while self.b.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Result<(), LinkError> {
        self.ws();
        if self.b.get(self.at) == Some(&c) {
            self.at += 1;
            Ok(())
        } else {
            refuse(NOT_JSON)
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, LinkError> {
        if depth > MAX_DEPTH {
            return refuse("This file is not a conpar report: it nests too deeply.");
        }
        self.values += 1;
        if self.values > MAX_JSON_VALUES {
            return refuse("This file holds more values than any conpar report can.");
        }
        self.ws();
        match self.b.get(self.at) {
            Some(b'{') => {
                self.at += 1;
                let mut pairs = Vec::new();
                self.ws();
                if self.b.get(self.at) == Some(&b'}') {
                    self.at += 1;
                    return Ok(Json::Obj(pairs));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.eat(b':')?;
                    pairs.push((key, self.value(depth + 1)?));
                    self.ws();
                    match self.b.get(self.at) {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Obj(pairs));
                        }
                        _ => return refuse(NOT_JSON),
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.at) == Some(&b']') {
                    self.at += 1;
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.b.get(self.at) {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::Arr(items));
                        }
                        _ => return refuse(NOT_JSON),
                    }
                }
            }
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                let start = self.at;
                while self
                    .b
                    .get(self.at)
                    .is_some_and(|c| c.is_ascii_digit() || b"+-.eE".contains(c))
                {
                    self.at += 1;
                }
                std::str::from_utf8(&self.b[start..self.at])
                    .ok()
                    .and_then(|s| s.parse::<f64>().ok())
                    .map(Json::Num)
                    .ok_or(LinkError(NOT_JSON.into()))
            }
            _ => refuse(NOT_JSON),
        }
    }

    fn word(&mut self, w: &str, v: Json) -> Result<Json, LinkError> {
        if self.b[self.at..].starts_with(w.as_bytes()) {
            self.at += w.len();
            Ok(v)
        } else {
            refuse(NOT_JSON)
        }
    }

    fn string(&mut self) -> Result<String, LinkError> {
        if self.b.get(self.at) != Some(&b'"') {
            return refuse(NOT_JSON);
        }
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let c = *self.b.get(self.at).ok_or(LinkError(NOT_JSON.into()))?;
            self.at += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = *self.b.get(self.at).ok_or(LinkError(NOT_JSON.into()))?;
                    self.at += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self
                                .b
                                .get(self.at..self.at + 4)
                                .and_then(|h| std::str::from_utf8(h).ok())
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .ok_or(LinkError(NOT_JSON.into()))?;
                            self.at += 4;
                            // Lone surrogates become U+FFFD: reports never hold them.
                            char::from_u32(hex).unwrap_or('\u{fffd}')
                        }
                        _ => return refuse(NOT_JSON),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|_| LinkError(NOT_JSON.into()))
    }
}

/// Reads a JSON report as `report_json` writes it.
pub fn from_report_json(text: &str) -> Result<Recorded, LinkError> {
    if text.len() > MAX_REPORT_BYTES {
        return refuse(format!(
            "This file is {} MB, more than the {} MB a report may have.",
            text.len() >> 20,
            MAX_REPORT_BYTES >> 20
        ));
    }
    let mut p = Parser {
        b: text.as_bytes(),
        at: 0,
        values: 0,
    };
    let root = p.value(0)?;
    p.ws();
    if p.at != p.b.len() {
        return refuse(NOT_JSON);
    }
    let not_report = || LinkError("This file is JSON, but not a conpar report.".into());
    if root.get("app") != Some(&Json::Str("conpar".into())) {
        return Err(not_report());
    }
    let str_of = |v: Option<&Json>| match v {
        Some(Json::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let settings = settings_of(&str_of(root.get("link_query")).ok_or_else(not_report)?)?;
    let env = root.get("environment").ok_or_else(not_report)?;
    let ua = str_of(env.get("user_agent")).unwrap_or_default();
    let machine = Machine {
        logical_cores: count(env.get("hardware_concurrency"), MAX_CORES, "logical cores")?,
        pool_threads: count(env.get("pool_threads"), MAX_LANES, "pool threads")?,
        cross_origin_isolated: env.get("cross_origin_isolated") == Some(&Json::Bool(true)),
        browser: truncate(
            &str_of(env.get("browser")).unwrap_or_else(|| browser_name(&ua)),
            MAX_BROWSER_CHARS,
        ),
        date: str_of(env.get("date"))
            .filter(|d| valid_date(d))
            .unwrap_or_default(),
    };
    let Some(Json::Arr(runs_json)) = root.get("runs") else {
        return Err(not_report());
    };
    if runs_json.len() > MAX_RUNS {
        return refuse(format!("This report has more than {MAX_RUNS} runs."));
    }
    let mut runs = runs_json
        .iter()
        .map(run_of_json)
        .collect::<Result<Vec<_>, _>>()?;
    for run in &mut runs {
        run.reduce = settings.has_reduce();
    }
    let rec = Recorded {
        settings,
        machine,
        kind: kind_of_runs(&runs),
        runs,
        summarised: None,
    };
    validate(&rec)?;
    Ok(rec)
}

/// A whole number from JSON, at most `max`.
fn count(v: Option<&Json>, max: u32, what: &str) -> Result<u32, LinkError> {
    match v {
        Some(Json::Num(x)) if x.fract() == 0.0 && (0.0..=f64::from(max)).contains(x) => {
            Ok(*x as u32)
        }
        _ => refuse(format!(
            "This report's {what} is missing or not a whole number from 0 to {max}."
        )),
    }
}

/// A shared-counter run's tally from JSON: a known strategy and two whole
/// numbers within what a run can count.
fn tally_of_json(c: &Json) -> Result<Tally, LinkError> {
    let whole = |key: &str, max: u64| match c.get(key) {
        Some(Json::Num(x)) if x.fract() == 0.0 && *x >= 0.0 && *x <= max as f64 => Ok(*x as u64),
        _ => refuse(format!(
            "This report's counter {key} is missing or not a whole number from 0 to {max}."
        )),
    };
    let strategy = match c.get("strategy") {
        Some(Json::Str(name)) => Strategy::from_name(name),
        _ => None,
    }
    .ok_or_else(|| LinkError("This report's counter names no strategy conpar has.".into()))?;
    Ok(Tally {
        strategy,
        expected: whole("expected", MAX_UPDATES)?,
        actual: whole("actual", u64::MAX / 2)?,
    })
}

/// A time in ms from JSON: finite, from 0 to an hour, to the microsecond.
fn time(v: Option<&Json>, what: &str) -> Result<f64, LinkError> {
    match v {
        Some(Json::Num(x)) if within(*x, MAX_TIME_MS) => Ok(from_us(to_us(*x, MAX_TIME_US))),
        _ => refuse(format!(
            "This report has {what} that is missing, negative, not a number, or over an hour."
        )),
    }
}

fn run_of_json(j: &Json) -> Result<Trace, LinkError> {
    let str_of = |k: &str| match j.get(k) {
        Some(Json::Str(s)) => Some(s.as_str()),
        _ => None,
    };
    let mode = str_of("mode")
        .and_then(Mode::from_name)
        .ok_or(LinkError("A run in this report has no known mode.".into()))?;
    let tasks = count(j.get("tasks"), Field::Tasks.bounds().max, "tasks")?;
    let outcome = match str_of("outcome") {
        Some("completed") => Outcome::Completed,
        Some("cancelled") => Outcome::Cancelled,
        Some("failed") => Outcome::Failed {
            task: match j.get("failed_task") {
                Some(v) => count(Some(v), tasks, "failed task")?,
                None => 0,
            },
            message: truncate(
                str_of("failure").unwrap_or("not recorded in the report"),
                MAX_MESSAGE_CHARS,
            ),
        },
        _ => return refuse("A run in this report ended in no known way."),
    };
    let checksum = str_of("checksum")
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .ok_or(LinkError(
            "A run in this report has no readable checksum.".into(),
        ))?;
    let Some(Json::Arr(spans_json)) = j.get("spans") else {
        return refuse("A run in this report has no spans list.");
    };
    if spans_json.len() > MAX_SPANS_PER_RUN {
        return refuse(format!(
            "A run in this report has more than {MAX_SPANS_PER_RUN} spans."
        ));
    }
    let mut spans = Vec::with_capacity(spans_json.len());
    for s in spans_json {
        let task = count(s.get("task"), tasks, "span task")?;
        if task == 0 {
            return refuse("A span in this report has task 0 (tasks count from 1).");
        }
        let lane = match s.get("lane") {
            Some(Json::Str(l)) if l == "main thread" => Lane::Main,
            Some(Json::Str(l)) => l
                .strip_prefix("worker ")
                .and_then(|k| k.parse::<u32>().ok())
                .filter(|k| (1..=MAX_LANES).contains(k))
                .map(|k| Lane::Worker((k - 1) as u16))
                .ok_or(LinkError(format!(
                    "A span in this report runs on an unknown lane (the main thread and workers 1 to {MAX_LANES} exist)."
                )))?,
            _ => return refuse("A span in this report has no lane."),
        };
        let kind = match s.get("kind") {
            Some(Json::Str(k)) if k == "run" => SpanKind::Run,
            Some(Json::Str(k)) if k == "wait" => SpanKind::Wait,
            Some(Json::Str(k)) if k == "lock" => SpanKind::Lock,
            _ => return refuse("A span in this report is neither a run, a wait nor a lock wait."),
        };
        spans.push(Span {
            task: task - 1,
            lane,
            kind,
            start: time(s.get("start_ms"), "a span start")?,
            end: time(s.get("end_ms"), "a span end")?,
        });
    }
    let optional_count = |k: &str| match j.get(k) {
        None | Some(Json::Null) => Ok(0),
        v => count(v, u32::MAX, k),
    };
    Ok(Trace {
        mode,
        lanes: count(j.get("threads"), MAX_LANES, "threads")?,
        tasks,
        finished: count(j.get("finished"), tasks, "tasks finished")?,
        duration_ms: time(j.get("makespan_ms"), "a run length")?,
        origin_ms: match j.get("origin_ms") {
            Some(Json::Num(x))
                if x.is_finite() && *x >= 0.0 && *x <= MAX_ORIGIN_US as f64 / 1000.0 =>
            {
                from_us(to_us(*x, MAX_ORIGIN_US))
            }
            _ => 0.0,
        },
        spans,
        outcome,
        frames: FrameStats {
            frames: optional_count("frames")?,
            longest_gap_ms: match j.get("longest_frame_gap_ms") {
                None | Some(Json::Null) => 0.0,
                v => time(v, "a frame gap")?,
            },
            long_gaps: optional_count("long_frames")?,
            dropped: optional_count("dropped_frames")?,
        },
        cancel_latency_ms: match j.get("cancel_latency_ms") {
            None | Some(Json::Null) => None,
            v => Some(time(v, "a stop latency")?),
        },
        checksum,
        slices: optional_count("slices")?,
        counter: match j.get("counter") {
            None | Some(Json::Null) => None,
            Some(c) => Some(tally_of_json(c)?),
        },
        reduce: false, // from the settings, by the caller
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Recorded {
        let spans = vec![
            Span {
                task: 0,
                lane: Lane::Main,
                kind: SpanKind::Wait,
                start: 0.0,
                end: 100.0,
            },
            Span {
                task: 1,
                lane: Lane::Worker(1),
                kind: SpanKind::Run,
                start: 0.5,
                end: 112.501,
            },
        ];
        let mut t = Trace::new(Mode::Both, 2, 2, 0.0, 113.0, spans);
        t.checksum = 0xdead_beef_0123_4567;
        t.slices = 40;
        Recorded {
            settings: Settings {
                tasks: 2,
                ..Settings::default()
            },
            machine: Machine {
                logical_cores: 16,
                pool_threads: 15,
                cross_origin_isolated: true,
                browser: "Chromium 156".into(),
                date: "2026-11-26".into(),
            },
            kind: Kind::Modes,
            runs: vec![t],
            summarised: None,
        }
    }

    #[test]
    fn round_trip() {
        let rec = sample();
        assert_eq!(decode(&encode(&rec)), Ok(rec));
    }

    /// A sweep on 1, 2 and 3 threads: the parallel runs of `sample`'s task set.
    fn sweep() -> Recorded {
        let mut rec = sample();
        let run = |lanes: u32, end: f64| {
            let spans = (0..2)
                .map(|task| Span {
                    task,
                    lane: Lane::Worker((task % lanes) as u16),
                    kind: SpanKind::Run,
                    start: 0.25 * f64::from(task),
                    end,
                })
                .collect();
            let mut t = Trace::new(Mode::Parallel, lanes, 2, 0.0, end + 0.125, spans);
            t.checksum = 0x1234_5678_9abc_def0;
            t.slices = 2;
            t
        };
        rec.kind = Kind::Sweep;
        rec.runs = vec![run(1, 200.0), run(2, 101.5), run(3, 100.75)];
        rec
    }

    #[test]
    fn a_sweep_round_trips_as_a_sweep() {
        let rec = sweep();
        let back = decode(&encode(&rec)).expect("decodes");
        assert_eq!(back.kind, Kind::Sweep);
        assert_eq!(back, rec);
    }

    /// A version-1 record: this version's, without the kind.
    fn as_version_1(rec: &Recorded) -> Vec<u8> {
        assert_eq!(rec.kind, Kind::Modes, "version 1 has runs of modes only");
        encode_version(rec, 1)
    }

    #[test]
    fn version_1_links_still_open() {
        let rec = sample();
        assert_eq!(decode(&as_version_1(&rec)), Ok(rec));
    }

    #[test]
    fn versions_outside_the_range_are_refused() {
        let mut bytes = encode(&sample());
        for v in [0, VERSION + 1, 255] {
            bytes[3] = v;
            let err = decode(&bytes).unwrap_err();
            assert!(err.0.contains("different version"), "{v}: {err}");
        }
    }

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

    #[test]
    fn base64url_round_trip_and_rejects() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            let text = base64url_encode(&bytes);
            assert!(!text.contains(['+', '/', '=']));
            assert_eq!(base64url_decode(&text), Ok(bytes));
        }
        assert!(base64url_decode("ab<c").is_err());
        assert!(base64url_decode("A").is_err(), "6 bits are no byte");
    }

    #[test]
    fn browser_names() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.85 Safari/537.36";
        assert_eq!(browser_name(chrome), "Chromium 131");
        assert_eq!(
            browser_name("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
            "Firefox 128"
        );
        assert_eq!(
            browser_name("Mozilla/5.0 ... Chrome/120.0 Safari/537.36 Edg/120.0"),
            "Edge 120"
        );
        assert_eq!(browser_name(""), "");
    }

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
