//! The server card's runs in a result link: format version 4's record of
//! kind 2 (`codec.rs` writes and reads its header). After the header:
//!
//! ```text
//! asked                 connections, messages, handler ms (f64), mean wait ms (f64), hot (0/1)
//! queues                0 not carried, 1 carried (each loop's run-queue track)
//! runs                  count, then each run:
//!   way (0 one loop, 1 pinned, 2 stealing),
//!   outcome (0 completed, 1 stopped, 2 failed + str message),
//!   messages expected, wall ms (f64), stop latency (0 none, 1 + ms as f64),
//!   scheduled times: count, p50, p99, max (f64 each), bins k, k counts
//!   loops count, then each loop:
//!     lane row, handled, checksum (8 bytes little-endian), steals,
//!     taken from the global queue, busy ms (f64), longest queue,
//!     when queues are carried: points k, then k × (step delta, most waiting)
//! ```
//!
//! The figures travel as the sending page holds them (an f64 as its 8
//! bytes, little-endian), so the receiving page shows the same numbers to
//! the last digit; the scheduled times as the summary the page reads
//! (`ScheduledSummary`), since every one of half a million would not fit in
//! a link. Spans do not travel: the receiving page says the timelines stay
//! with the machine that measured them.

use super::binary::{Reader, Writer};
use super::recorded::{MAX_MESSAGE_CHARS, MAX_RUNS, MAX_TIME_MS, refuse, truncate};
use super::validate::check_machine;
use super::{LinkError, Machine};
use crate::engine::plan::{
    CONNECTIONS, HANDLER_MS, MAX_LANES, MESSAGES, ServerAsk, WAIT_MEAN_MS, Way,
};
use crate::engine::record::{
    Lane, LoopReport, QUEUE_STEP_MS, ScheduledSummary, Served, ServedOutcome, latency_edges,
};

/// The server card's runs as a link carries them.
#[derive(Debug, Clone, PartialEq)]
pub struct ServedRecord {
    pub machine: Machine,
    pub asked: ServerAsk,
    pub runs: Vec<Served>,
    /// Whether each loop's run-queue track came along (a link too long
    /// with them leaves them out, and says so).
    pub queues: bool,
}

/// The most messages a run may hold, as a link is checked against.
const MAX_MESSAGES: u64 = crate::engine::plan::MAX_MESSAGES;

/// Writes the body of a server record (after the header).
pub(super) fn write_served(w: &mut Writer, rec: &ServedRecord) {
    let a = &rec.asked;
    w.u(u64::from(a.connections));
    w.u(u64::from(a.messages));
    w.f(a.handler_ms);
    w.f(a.wait_mean_ms);
    w.u(u64::from(a.hot));
    w.u(u64::from(rec.queues));
    w.u(rec.runs.len() as u64);
    for s in &rec.runs {
        w.u(s.way.index() as u64);
        match &s.outcome {
            ServedOutcome::Completed => w.u(0),
            ServedOutcome::Stopped => w.u(1),
            ServedOutcome::Failed(why) => {
                w.u(2);
                w.s(&truncate(why, MAX_MESSAGE_CHARS));
            }
        }
        w.u(s.expected);
        w.f(s.wall_ms);
        w.opt_f(s.stop_latency_ms);
        let sum = s.scheduled_summary();
        w.u(sum.count);
        for x in [sum.p50, sum.p99, sum.max] {
            w.f(x);
        }
        w.u(sum.counts.len() as u64);
        for &n in &sum.counts {
            w.u(n);
        }
        w.u(s.loops.len() as u64);
        for l in &s.loops {
            w.u(l.lane.row() as u64);
            w.u(l.handled);
            w.u64_le(l.checksum);
            w.u(l.steals);
            w.u(l.from_injector);
            w.f(l.busy_ms);
            w.u(u64::from(l.longest_queue));
            if rec.queues {
                w.u(l.queue_track.len() as u64);
                let mut prev = 0u64;
                for &(at, n) in &l.queue_track {
                    let step = (at / QUEUE_STEP_MS).round().max(0.0) as u64;
                    w.u(step.saturating_sub(prev));
                    prev = step;
                    w.u(u64::from(n));
                }
            }
        }
    }
}

/// Reads the body of a server record; every value is checked.
pub(super) fn read_served(r: &mut Reader<'_>, machine: Machine) -> Result<ServedRecord, LinkError> {
    let connections = r.bounded(u64::from(CONNECTIONS.1), "the connections")? as u32;
    let messages = r.bounded(u64::from(MESSAGES.1), "the messages per connection")? as u32;
    let handler_ms = r.f(HANDLER_MS.1, "the handler's time")?;
    let wait_mean_ms = r.f(WAIT_MEAN_MS.1, "the mean wait")?;
    let hot = r.bounded(1, "the hot connection flag")? == 1;
    let asked = ServerAsk {
        connections,
        messages,
        handler_ms,
        wait_mean_ms,
        hot,
    };
    check_machine(&machine)?;
    // Numbers the card would have changed were not served as they say.
    if let Some(why) = asked.clamped().1.first() {
        return refuse(format!(
            "The result in this link gives the server card's numbers as no card serves them: {why}"
        ));
    }
    let queues = r.bounded(1, "the run queues flag")? == 1;
    let n = r.bounded(MAX_RUNS as u64, "the number of runs")?;
    let mut runs = Vec::with_capacity(n as usize);
    for _ in 0..n {
        runs.push(read_run(r, queues)?);
    }
    if r.at != r.bytes.len() {
        return refuse("The result in this link has extra data after its end.");
    }
    if runs.is_empty() {
        return refuse("This result has no runs in it, so there is nothing to show.");
    }
    Ok(ServedRecord {
        machine,
        asked,
        runs,
        queues,
    })
}

fn read_run(r: &mut Reader<'_>, queues: bool) -> Result<Served, LinkError> {
    let way = Way::ALL[r.bounded(Way::ALL.len() as u64 - 1, "the way served")? as usize];
    let outcome = match r.bounded(2, "how a run ended")? {
        0 => ServedOutcome::Completed,
        1 => ServedOutcome::Stopped,
        _ => ServedOutcome::Failed(truncate(
            &r.s(MAX_MESSAGE_CHARS * 4, "a failure's message")?,
            MAX_MESSAGE_CHARS,
        )),
    };
    let expected = r.bounded(MAX_MESSAGES, "the messages of a run")?;
    let wall_ms = r.f(MAX_TIME_MS, "a run's time")?;
    let stop_latency_ms = r.opt_f(MAX_TIME_MS, "the stop latency")?;
    let count = r.bounded(expected, "the scheduled times")?;
    let p50 = r.f(MAX_TIME_MS, "the p50")?;
    let p99 = r.f(MAX_TIME_MS, "the p99")?;
    let max = r.f(MAX_TIME_MS, "the longest scheduled time")?;
    if p50 > p99 || p99 > max {
        return refuse("The result in this link has quantiles out of order.");
    }
    let bins = r.bounded(
        latency_edges(MAX_TIME_MS).len() as u64,
        "the histogram's bins",
    )?;
    if bins as usize != latency_edges(max).len() - 1 {
        return refuse(
            "The result in this link has a histogram of other bins than its longest time gives.",
        );
    }
    let mut counts = Vec::with_capacity(bins as usize);
    for _ in 0..bins {
        counts.push(r.bounded(count, "a histogram bin")?);
    }
    if counts.iter().sum::<u64>() != count {
        return refuse("The result in this link has a histogram that does not add up.");
    }
    let n_loops = r.bounded(u64::from(MAX_LANES) + 1, "the loops of a run")?;
    let mut loops = Vec::with_capacity(n_loops as usize);
    let mut handled = 0u64;
    let mut rows = std::collections::BTreeSet::new();
    for _ in 0..n_loops {
        let row = r.bounded(u64::from(MAX_LANES), "a loop's lane")? as usize;
        // One loop runs on the main thread, the others one per pool thread.
        let pool = way.uses_pool();
        if (row == 0) == pool || !rows.insert(row) || (!pool && n_loops > 1) {
            return refuse(
                "The result in this link puts its loops on threads its way does not use.",
            );
        }
        let mut l = LoopReport::new(Lane::from_row(row), 0);
        l.handled = r.bounded(expected, "a loop's messages")?;
        handled += l.handled;
        l.checksum = r.u64_le()?;
        l.steals = r.bounded(expected, "a loop's steals")?;
        l.from_injector = r.bounded(expected, "a loop's takes from the global queue")?;
        l.busy_ms = r.f(MAX_TIME_MS, "a loop's busy time")?;
        l.longest_queue = r.bounded(expected, "a loop's longest queue")? as u32;
        if queues {
            // A point a step at most (two bytes at least), over the run.
            let most = (r.left() / 2).min((wall_ms / QUEUE_STEP_MS) as u64 + 2);
            let k = r.bounded(most, "a run queue's points")?;
            let mut step = 0u64;
            for i in 0..k {
                let delta = r.bounded(MAX_TIME_MS as u64, "a run queue's step")?;
                if i > 0 && delta == 0 {
                    return refuse("The result in this link has two run queue points in one step.");
                }
                step += delta;
                if step as f64 * QUEUE_STEP_MS > MAX_TIME_MS {
                    return refuse("The result in this link has a run queue past an hour.");
                }
                let n = r.bounded(expected, "a run queue's length")? as u32;
                l.queue_track.push((step as f64 * QUEUE_STEP_MS, n));
            }
        }
        // No spans travel: the timeline is whole nowhere.
        l.kept_until_ms = (l.handled > 0).then_some(0.0);
        loops.push(l);
    }
    if handled > expected || handled != count {
        return refuse(
            "The result in this link says its loops handled more messages than it had, or other than it timed.",
        );
    }
    let summary = ScheduledSummary {
        count,
        p50,
        p99,
        max,
        counts,
    };
    let mut s = Served::received(way, expected, wall_ms, loops, outcome, summary);
    s.stop_latency_ms = stop_latency_ms;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::record::{SUMMARY_QUANTILES, Span, SpanKind};
    use crate::engine::travel::{Decoded, decode, decode_any, encode_served};
    use proptest::prelude::*;

    fn run(way: Way, scheduled: &[f64], outcome: ServedOutcome) -> Served {
        let first = if way.uses_pool() {
            Lane::Worker(0)
        } else {
            Lane::Main
        };
        let mut a = LoopReport::new(first, 10);
        a.handled = scheduled.len() as u64;
        a.checksum = 0xdead_beef_0000_0001;
        a.scheduled_ms = scheduled.to_vec();
        a.steals = 2;
        a.from_injector = 1;
        a.busy_ms = 1.234_567_891;
        a.keep(Span::new(0, Lane::Worker(0), SpanKind::Run, 0.0, 1.0));
        a.note_queue(0.2, 3);
        a.note_queue(7.9, 1);
        let mut s = Served::new(
            way,
            scheduled.len() as u64 + 1,
            None,
            (0.0, 9.876_543_21),
            if way.uses_pool() {
                vec![a, LoopReport::new(Lane::Worker(1), 10)]
            } else {
                vec![a]
            },
            outcome,
        );
        s.stop_latency_ms = Some(0.7);
        s
    }

    fn record(queues: bool) -> ServedRecord {
        ServedRecord {
            machine: Machine {
                logical_cores: 2,
                pool_threads: 2,
                cross_origin_isolated: true,
                browser: "Chromium 140".into(),
                date: "2026-12-03".into(),
            },
            asked: ServerAsk {
                connections: 40,
                messages: 20,
                handler_ms: 0.05,
                wait_mean_ms: 2.0,
                hot: true,
            },
            runs: vec![
                run(Way::OneLoop, &[0.5, 0.25, 3.0], ServedOutcome::Completed),
                run(
                    Way::Stealing,
                    &[0.001, 12.5],
                    ServedOutcome::Failed("worker 2 died".into()),
                ),
            ],
            queues,
        }
    }

    fn decoded(bytes: &[u8]) -> ServedRecord {
        match decode_any(bytes).expect("reads") {
            Decoded::Server(r) => r,
            other => panic!("not a server record: {other:?}"),
        }
    }

    /// What the card shows of each run reads the same after the link: the
    /// figures to the last digit, the histogram on any longer edges, the
    /// run queues when carried; no spans.
    #[test]
    fn every_figure_the_card_shows_survives_the_link() {
        for queues in [true, false] {
            let sent = record(queues);
            let got = decoded(&encode_served(&sent));
            assert_eq!(got.machine, sent.machine);
            assert_eq!(got.asked, sent.asked);
            assert_eq!(got.queues, queues);
            let edges = latency_edges(50.0);
            for (a, b) in sent.runs.iter().zip(&got.runs) {
                assert_eq!(a.way, b.way);
                assert_eq!(a.outcome, b.outcome);
                assert_eq!(a.handled(), b.handled());
                assert_eq!(a.checksum(), b.checksum());
                assert_eq!(a.steals(), b.steals());
                assert_eq!(a.requests_per_s(), b.requests_per_s());
                assert_eq!(a.idle_shares(), b.idle_shares());
                assert_eq!(a.longest_queue(), b.longest_queue());
                assert_eq!(a.stop_latency_ms, b.stop_latency_ms);
                for q in SUMMARY_QUANTILES {
                    assert_eq!(a.scheduled_quantile(q), b.scheduled_quantile(q));
                }
                assert_eq!(a.scheduled_histogram(&edges), b.scheduled_histogram(&edges));
                assert_eq!(
                    a.loops
                        .iter()
                        .map(|l| (l.lane, l.from_injector))
                        .collect::<Vec<_>>(),
                    b.loops
                        .iter()
                        .map(|l| (l.lane, l.from_injector))
                        .collect::<Vec<_>>()
                );
                let tracks = |s: &Served| {
                    s.loops
                        .iter()
                        .map(|l| l.queue_track.clone())
                        .collect::<Vec<_>>()
                };
                if queues {
                    assert_eq!(tracks(a), tracks(b));
                } else {
                    assert!(tracks(b).iter().all(Vec::is_empty));
                }
                assert!(b.spans().is_empty() && !b.timeline_is_whole());
            }
        }
    }

    #[test]
    fn a_server_record_is_declined_where_runs_of_the_modes_are_read() {
        let why = decode(&encode_served(&record(true)))
            .expect_err("declined")
            .0;
        assert!(why.contains("server card"), "{why}");
    }

    /// Damage is refused in words: a histogram that does not add up,
    /// quantiles out of order, a count past the run's messages, a cut.
    #[test]
    fn damage_is_refused_never_read() {
        let good = encode_served(&record(false));
        for cut in 4..good.len() {
            assert!(decode_any(&good[..cut]).is_err(), "cut at {cut} read");
        }
        let mut longer = good.clone();
        longer.push(0);
        assert!(decode_any(&longer).is_err());
        let mut sent = record(false);
        sent.runs.truncate(1);
        let bytes = encode_served(&sent);
        // The first run's p50 (f64) sits after its header; swap p50 and max.
        let sum = sent.runs[0].scheduled_summary();
        let find = |x: f64| {
            bytes
                .windows(8)
                .position(|w| w == x.to_le_bytes())
                .expect("the value is in the record")
        };
        let (p50_at, max_at) = (find(sum.p50), find(sum.max));
        let mut swapped = bytes.clone();
        swapped[p50_at..p50_at + 8].copy_from_slice(&sum.max.to_le_bytes());
        swapped[max_at..max_at + 8].copy_from_slice(&sum.p50.to_le_bytes());
        let why = decode_any(&swapped).expect_err("out of order").0;
        assert!(why.contains("quantiles"), "{why}");
        let mut nan = bytes.clone();
        nan[p50_at..p50_at + 8].copy_from_slice(&f64::NAN.to_le_bytes());
        assert!(decode_any(&nan).is_err());
    }

    /// What a card could not have served, loops on threads their way does
    /// not use, and a run queue with two points in one step are refused.
    #[test]
    fn numbers_lanes_and_tracks_that_cannot_be_are_refused() {
        let mut bad = record(true);
        bad.asked.connections = 0;
        let why = decode_any(&encode_served(&bad))
            .expect_err("0 connections")
            .0;
        assert!(why.contains("no card serves them"), "{why}");
        let mut bad = record(true);
        bad.runs[0].loops[0].lane = Lane::Worker(3);
        assert!(
            decode_any(&encode_served(&bad)).is_err(),
            "one loop on a worker"
        );
        let mut bad = record(true);
        bad.runs[1].loops[1].lane = Lane::Worker(0);
        assert!(
            decode_any(&encode_served(&bad)).is_err(),
            "two loops on one thread"
        );
        let mut bad = record(true);
        bad.runs[0].loops[0].queue_track = vec![(1.0, 2), (1.0, 3)];
        let why = decode_any(&encode_served(&bad))
            .expect_err("one step twice")
            .0;
        assert!(why.contains("one step"), "{why}");
        // A date that is not one (the writer never makes it: patched in).
        let mut bytes = encode_served(&record(true));
        let at = bytes
            .windows(10)
            .position(|w| w == b"2026-12-03")
            .expect("the date");
        bytes[at + 5..at + 7].copy_from_slice(b"AB");
        let why = decode_any(&bytes).expect_err("not a date").0;
        assert!(why.contains("date"), "{why}");
    }

    proptest! {
        /// Any bytes after a server record's header: refused or read,
        /// never a panic, and never more runs than the limit.
        #[test]
        fn any_bytes_are_read_or_refused(tail in proptest::collection::vec(any::<u8>(), 0..300)) {
            // The header, `asked` and `queues` of a real record (its run
            // count is its last byte), then anything.
            let header = encode_served(&ServedRecord { runs: vec![], ..record(true) });
            let mut b = header[..header.len() - 1].to_vec();
            b.extend(&tail);
            if let Ok(Decoded::Server(r)) = decode_any(&b) {
                prop_assert!(!r.runs.is_empty() && r.runs.len() <= MAX_RUNS);
            }
        }
    }
}
