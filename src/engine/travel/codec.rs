//! The binary record of a result link (before the browser compresses it
//! and after it decompresses it).
//!
//! The record, version 5 (all integers LEB128 varints unless said otherwise):
//!
//! ```text
//! "CPR" 0x05                    magic and version
//! str settings                  the settings' query string (as in a settings link)
//! machine                       logical cores, pool threads, isolated (0/1), str browser, str date
//! kind                          0 runs of modes (a run, a comparison), 1 a thread sweep,
//!                               2 the server card's runs (version 4; the rest is theirs),
//!                               3 the training card's runs (version 5; the rest is theirs)
//! summarised                    0, or 1 + spans before + spans after (what was merged)
//! prediction                    0 none, 1 + a choice's index, or 2 + a number (8 bytes,
//!                               an f64 little-endian): the sender's, before the runs
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
//! Version 4 adds kind 2, the server card's runs: after `kind` comes their
//! own record (`served_record.rs`); its runs of modes are version 3's.
//! Version 5 adds kind 3, the training card's runs (`trained_record.rs`);
//! the rest is version 4's, and the page writes the other kinds as version
//! 4, which pages made before version 5 read.
//!
//! Version 2 is the same without `prediction`; version 1 also without
//! `kind` (its runs are always modes), without `counter`, and with lane row
//! × 2 + kind (run or wait). Both are still read, so links made before
//! predictions or sweeps could travel keep opening.
//!
//! Times travel in whole microseconds (the browser's clock gives no finer
//! ones). Columns rather than records, because each column's values look
//! alike and the compressor then finds them: a 4-mode comparison of 64 tasks
//! compresses to a few kilobytes.

use super::binary::{Reader, Writer};
use super::recorded::{
    MAX_BROWSER_CHARS, MAX_CORES, MAX_DECOMPRESSED_BYTES, MAX_MESSAGE_CHARS, MAX_ORIGIN_US,
    MAX_RUNS, MAX_SETTINGS_BYTES, MAX_SPANS_PER_RUN, MAX_TIME_US, MAX_TOTAL_SPANS, MAX_UPDATES,
    TRUNCATED, from_us, kind_code, refuse, settings_of, to_us, truncate, valid_date,
};
use super::served_record::{ServedRecord, read_served, write_served};
use super::trained_record::{Detail, TrainedRecord, read_trained, write_trained};
use super::{Kind, LinkError, Machine, Prediction, Recorded, Summarised, validate};
use crate::engine::plan::{Field, MAX_LANES, Mode, Strategy, to_query};
use crate::engine::record::{FrameStats, Lane, Outcome, Span, SpanKind, Tally, Trace};

/// The newest format version, which the page reads and writes for the
/// training card's runs.
pub const VERSION: u8 = 5;
/// The version written for runs of the modes and the server card's: their
/// bytes are version 4's, so pages made before version 5 still open them.
const VERSION_BEFORE_TRAINING: u8 = 4;
/// The oldest version still read: a link of a version outside
/// `OLDEST_VERSION..=VERSION` is refused.
pub const OLDEST_VERSION: u8 = 1;
const MAGIC: &[u8; 3] = b"CPR";

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

/// The magic, the version, the settings' query and the machine: what
/// every record begins with.
fn write_header(w: &mut Writer, version: u8, settings: &str, m: &Machine) {
    w.0.extend_from_slice(MAGIC);
    w.0.push(version);
    w.s(settings);
    w.u(u64::from(m.logical_cores));
    w.u(u64::from(m.pool_threads));
    w.u(u64::from(m.cross_origin_isolated));
    w.s(&truncate(&m.browser, MAX_BROWSER_CHARS));
    w.s(if valid_date(&m.date) { &m.date } else { "" });
}

/// The binary record of `rec` (uncompressed).
pub fn encode(rec: &Recorded) -> Vec<u8> {
    encode_version(rec, VERSION_BEFORE_TRAINING)
}

/// The record in format `version` (older formats: for the tests that
/// check they are still read; they cannot say what newer ones can).
fn encode_version(rec: &Recorded, version: u8) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64 + rec.span_count() * 8));
    write_header(&mut w, version, &to_query(&rec.settings), &rec.machine);
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
    if version >= 3 {
        match rec.prediction {
            None => w.u(0),
            Some(Prediction::Choice(i)) => {
                w.u(1);
                w.u(i as u64);
            }
            Some(Prediction::Number(x)) => {
                w.u(2);
                w.f(x);
            }
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
        w.u64_le(t.checksum);
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

/// The binary record of the server card's runs (uncompressed).
pub fn encode_served(rec: &ServedRecord) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(256));
    // No settings: the server card's numbers are its own (`asked`).
    write_header(&mut w, VERSION_BEFORE_TRAINING, "", &rec.machine);
    w.u(KIND_SERVER);
    write_served(&mut w, rec);
    w.0
}

/// `kind` of the server card's runs (version 4).
const KIND_SERVER: u64 = 2;

/// The binary record of the training card's runs (uncompressed), with
/// `detail` of each beside its summary.
pub fn encode_trained(rec: &TrainedRecord, detail: Detail) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(1024));
    // No settings: the training card's numbers are its own (`asked`).
    write_header(&mut w, VERSION, "", &rec.machine);
    w.u(KIND_TRAINING);
    write_trained(&mut w, rec, detail);
    w.0
}

/// `kind` of the training card's runs (version 5).
const KIND_TRAINING: u64 = 3;

/// What a link holds: runs of the modes, the server card's, or the
/// training card's.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    Runs(Recorded),
    Server(ServedRecord),
    Training(TrainedRecord),
}

/// Reads a binary record of runs of the modes; every value is checked,
/// see [`validate`]. A record of the server card's runs is declined in
/// words: [`decode_any`] reads every kind.
pub fn decode(bytes: &[u8]) -> Result<Recorded, LinkError> {
    match decode_any(bytes)? {
        Decoded::Runs(rec) => Ok(rec),
        Decoded::Server(_) => refuse(
            "This link holds the server card's runs, not runs of the modes: open it as a page, and the server card shows them.",
        ),
        Decoded::Training(_) => refuse(
            "This link holds the training card's runs, not runs of the modes: open it as a page, and the training card shows them.",
        ),
    }
}

/// Reads a binary record of any kind; every value is checked.
pub fn decode_any(bytes: &[u8]) -> Result<Decoded, LinkError> {
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
        let most = match version {
            5.. => KIND_TRAINING,
            4 => KIND_SERVER,
            _ => 1,
        };
        match r.bounded(most, "what the runs are")? {
            0 => Kind::Modes,
            1 => Kind::Sweep,
            KIND_SERVER => return read_served(&mut r, machine).map(Decoded::Server),
            _ => return read_trained(&mut r, machine).map(Decoded::Training),
        }
    };
    let summarised = match r.bounded(1, "the summary flag")? {
        0 => None,
        _ => Some(Summarised {
            spans_before: r.bounded(u64::from(u32::MAX), "the spans before merging")? as u32,
            spans_after: r.bounded(MAX_TOTAL_SPANS as u64, "the spans after merging")? as u32,
        }),
    };
    let prediction = if version >= 3 {
        read_prediction(&mut r)?
    } else {
        None
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
        prediction,
    };
    validate(&rec)?;
    Ok(Decoded::Runs(rec))
}

/// The sender's prediction: a choice's index, or a number (any f64: one
/// that is not a number, or outside the question's bounds, is the
/// receiving page's to leave out with a notice, keeping the runs; see
/// `ui/recorded_view.rs`). An unknown kind is damage: the rest cannot be read.
fn read_prediction(r: &mut Reader<'_>) -> Result<Option<Prediction>, LinkError> {
    match r.bounded(2, "the prediction's kind")? {
        0 => Ok(None),
        1 => Ok(Some(Prediction::Choice(
            r.bounded(u64::from(u32::MAX), "the predicted choice")? as usize,
        ))),
        _ => {
            // Any f64: the prediction is checked against its question later.
            Ok(Some(Prediction::Number(f64::from_bits(r.u64_le()?))))
        }
    }
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
    let checksum = r.u64_le()?;
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
        checksum,
        slices,
        counter,
        reduce: false, // from the settings, by the caller
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::travel::fixtures::{sample, sweep};

    #[test]
    fn round_trip() {
        let rec = sample();
        assert_eq!(decode(&encode(&rec)), Ok(rec));
    }

    /// A run's times between two microseconds: kept as the page keeps its
    /// runs (whole µs), the link brings back the same figures, to the
    /// digit; kept raw, a 60.3497 ms run said "60.3 ms" to its sender and
    /// "60.4 ms" to whoever opened the link.
    #[test]
    fn a_run_kept_in_whole_microseconds_reads_the_same_after_its_link() {
        let raw = {
            let mut rec = sample();
            let t = &mut rec.runs[0];
            t.duration_ms = 60.3497;
            t.origin_ms = 1_234.567_89;
            t.spans[1].start = 0.300_49;
            t.spans[1].end = 60.3497;
            t.frames.longest_gap_ms = 16.666_66;
            t.cancel_latency_ms = Some(2.718_37);
            rec
        };
        let shown = |r: &Recorded| crate::engine::format::format_ms(r.runs[0].duration_ms);
        let back_raw = decode(&encode(&raw)).expect("decodes");
        assert_ne!(
            shown(&raw),
            shown(&back_raw),
            "the case this guards against"
        );
        let kept = Recorded {
            runs: raw
                .runs
                .iter()
                .cloned()
                .map(Trace::to_whole_micros)
                .collect(),
            ..raw.clone()
        };
        let back = decode(&encode(&kept)).expect("decodes");
        assert_eq!(back, kept);
        assert_eq!(shown(&back), shown(&kept));
        assert_eq!(shown(&kept), "60.4 ms");
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
    fn a_prediction_travels_and_version_2_links_still_open() {
        for said in [
            Prediction::Choice(2),
            Prediction::Number(1.75),
            Prediction::Number(0.0),
        ] {
            let rec = Recorded {
                prediction: Some(said),
                ..sample()
            };
            assert_eq!(decode(&encode(&rec)), Ok(rec.clone()));
            // Format 2 has no prediction: read without one.
            let v2 = encode_version(&rec, 2);
            assert_eq!(decode(&v2).map(|r| r.prediction), Ok(None));
            assert!(v2.len() < encode(&rec).len());
        }
    }

    /// The prediction's bytes of a hostile link: damage is refused with
    /// why; a value that fits no question is read, for the page to leave
    /// out with a notice (the runs are kept).
    #[test]
    fn a_hostile_prediction_is_read_or_refused() {
        // Where the prediction starts: the first byte that differs from the
        // same record with a prediction is its kind.
        let plain = encode(&sample());
        let at = {
            let with = encode(&Recorded {
                prediction: Some(Prediction::Choice(0)),
                ..sample()
            });
            plain
                .iter()
                .zip(&with)
                .position(|(a, b)| a != b)
                .expect("differs")
        };
        let with_bytes = |tail: &[u8]| {
            let mut b = plain[..at].to_vec();
            b.extend_from_slice(tail);
            b.extend_from_slice(&plain[at + 1..]);
            b
        };
        let number = |x: f64| {
            let mut t = vec![2u8];
            t.extend_from_slice(&x.to_le_bytes());
            with_bytes(&t)
        };
        let read = |bytes: &[u8]| decode(bytes).map(|r| r.prediction);
        assert_eq!(read(&number(2.5)), Ok(Some(Prediction::Number(2.5))));
        assert_eq!(read(&number(-1.0)), Ok(Some(Prediction::Number(-1.0))));
        assert!(matches!(read(&number(f64::NAN)), Ok(Some(Prediction::Number(x))) if x.is_nan()));
        assert_eq!(
            read(&with_bytes(&[1, 99])),
            Ok(Some(Prediction::Choice(99)))
        );
        let err = decode(&with_bytes(&[3])).unwrap_err();
        assert!(err.0.contains("the prediction's kind"), "{err}");
        // A number cut short takes the runs' bytes for its own: what is
        // left cannot be read as runs.
        assert!(decode(&with_bytes(&[2, 1, 2, 3])).is_err());
    }
}
