//! What a server's run did (see `plan::Server`): each event loop's report,
//! and the figures read from them — requests per second, the scheduled
//! time's quantiles and histogram, steals, each loop's busy time. A run can
//! hold half a million messages: each loop keeps per message only what
//! these figures need, and its spans (handlers, waits) for the timeline
//! only up to a budget ([`SPANS_KEPT`] a run), saying from when on it kept
//! none ([`LoopReport::kept_until_ms`]).

use super::{Lane, Span};
use crate::engine::plan::Way;

/// What one event loop did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoopReport {
    pub handled: u64,
    /// Wrapping sum of its handlers' results.
    pub checksum: u64,
    /// Scheduled time of each message it handled, from its wait's end to
    /// its handler starting (ms).
    pub scheduled_ms: Vec<f64>,
    /// Times it took work from another loop: half a queue, or that loop's
    /// due timers (each time one message or more).
    pub steals: u64,
    /// Time its handlers computed (ms).
    pub busy_ms: f64,
    /// When its last handler ended (ms on the run's clock; 0 before any).
    pub last_end_ms: f64,
    /// Tests only: each message it handled, connection, message, and when
    /// its handler began and ended (ms on the run's clock). The page keeps
    /// only the sums above: a run may hold half a million messages.
    #[cfg(test)]
    pub handled_log: Vec<(u32, u32, f64, f64)>,
    /// The most messages ready and waiting in its run queue as one of its
    /// handlers began.
    pub longest_queue: u32,
    /// Where its spans ran: `Worker(k)` is loop `k` while the run goes
    /// on; the page names the pool thread after ([`Served::new`] is given
    /// them placed).
    pub lane: Lane,
    /// Its handlers (`Run`, the task being the connection) and the waits
    /// that ended on it (`Wait`, on the lane of the loop that armed them),
    /// in ms since the run began, up to `span_budget`.
    pub spans: Vec<Span>,
    /// The most spans it keeps (0 keeps none).
    pub span_budget: usize,
    /// None when it kept every span; else the earliest start of a span it
    /// did not keep: every span that began before is in `spans`.
    pub kept_until_ms: Option<f64>,
    /// When it stole (ms since the run began), up to `span_budget`.
    pub steal_ms: Vec<f64>,
    /// Times it took messages from the global queue (the injector), where
    /// a loop whose own queue is full puts what it cannot hold.
    pub from_injector: u64,
    /// Its run queue over time: for each [`QUEUE_STEP_MS`] in which a
    /// handler began, when (ms since the run began, the step's start) and
    /// the most messages waiting as one began. At most one point a step
    /// (30,000 for a 30 s run), however many messages it held. Between two
    /// points the queue held the first's length or less: every handler's
    /// start is noted, the last of a busy spell with its queue empty.
    pub queue_track: Vec<(f64, u32)>,
}

/// The run queue track's resolution (ms).
pub const QUEUE_STEP_MS: f64 = 1.0;

/// The spans a run keeps for its timeline, shared equally by its loops
/// (each keeps `SPANS_KEPT / loops`, the waits it fired for another loop
/// among them): some 3 MB a run, and the timeline draws them a pixel
/// column at a time.
pub const SPANS_KEPT: usize = 100_000;

impl LoopReport {
    /// An empty report of a loop on `lane` that keeps up to `span_budget`
    /// spans.
    pub fn new(lane: Lane, span_budget: usize) -> LoopReport {
        LoopReport {
            lane,
            span_budget,
            ..LoopReport::default()
        }
    }

    /// Keeps `span` if the budget allows; else notes that the timeline is
    /// whole only before its start.
    pub fn keep(&mut self, span: Span) {
        if self.spans.len() < self.span_budget {
            self.spans.push(span);
        } else {
            let t = self.kept_until_ms.map_or(span.start, |k| k.min(span.start));
            self.kept_until_ms = Some(t);
        }
    }

    /// Notes a steal `at` ms into the run.
    pub fn note_steal(&mut self, at: f64) {
        self.steals += 1;
        if self.steal_ms.len() < self.span_budget {
            self.steal_ms.push(at);
        }
    }

    /// Notes `queued` messages waiting as a handler begins `at` ms into the
    /// run.
    pub fn note_queue(&mut self, at: f64, queued: u32) {
        self.longest_queue = self.longest_queue.max(queued);
        let step = (at / QUEUE_STEP_MS).floor() * QUEUE_STEP_MS;
        match self.queue_track.last_mut() {
            Some((t, n)) if *t == step => *n = (*n).max(queued),
            _ => self.queue_track.push((step, queued)),
        }
    }
}

/// Names each loop's lane after the pool thread that ran it:
/// `threads[k]` ran loop `k` (a loop's spans say `Worker(k)` while the run
/// goes on, and a stealer keeps the waits it fired for another loop on
/// that loop's lane). A loop whose thread is not known (it died) keeps
/// `Worker(k)`.
pub fn place_loops(loops: &mut [LoopReport], threads: &[Option<u16>]) {
    let placed = |lane: Lane| match lane {
        Lane::Worker(k) => match threads.get(usize::from(k)) {
            Some(Some(t)) => Lane::Worker(*t),
            _ => lane,
        },
        Lane::Main => Lane::Main,
    };
    for l in loops {
        l.lane = placed(l.lane);
        for s in &mut l.spans {
            s.lane = placed(s.lane);
        }
    }
}

/// How a server's run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ServedOutcome {
    Completed,
    Stopped,
    /// A loop's thread died (a panic on the pool): the message says which.
    Failed(String),
}

/// A server's run, one way: every loop's report (built by [`Served::new`],
/// which sorts the scheduled times once for every quantile read after).
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    pub way: Way,
    /// Messages the run was to handle.
    pub expected: u64,
    /// The checksum of every handler run once (`Server::expected_checksum`),
    /// when it was computed: the page does not (it would compute every
    /// handler again on the main thread) and compares the ways' checksums
    /// with each other instead, as it does the modes'.
    pub expected_checksum: Option<u64>,
    /// When it began, on the aligned clock (ms): lets the page match the
    /// frames it saw to the run.
    pub start_ms: f64,
    /// From the start to the last handler's end (ms).
    pub wall_ms: f64,
    /// When its loops had all returned, on the aligned clock (ms): after
    /// its last handler, before its figures were computed.
    pub ended_ms: f64,
    /// From Stop to the run's end (ms), when stopped while it ran.
    pub stop_latency_ms: Option<f64>,
    pub loops: Vec<LoopReport>,
    pub outcome: ServedOutcome,
    scheduled: Scheduled,
}

/// Every message's scheduled time, smallest first (the page that measured
/// the run), or the figures read from them (a run received in a link).
#[derive(Debug, Clone, PartialEq)]
enum Scheduled {
    All(Vec<f64>),
    Summary(ScheduledSummary),
}

/// What the page shows of a run's scheduled times: enough for its table,
/// its sentence, its lessons and its histogram, and what a result link
/// carries of them (every time would not fit in one).
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledSummary {
    pub count: u64,
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    /// The histogram on `latency_edges(max)`.
    pub counts: Vec<u64>,
}

/// The quantiles a summary holds: what the page reads of a run.
pub const SUMMARY_QUANTILES: [f64; 3] = [0.5, 0.99, 1.0];

impl Served {
    pub fn new(
        way: Way,
        expected: u64,
        expected_checksum: Option<u64>,
        (start_ms, wall_ms): (f64, f64),
        loops: Vec<LoopReport>,
        outcome: ServedOutcome,
    ) -> Served {
        // Moved out of the loops' reports, not copied: nothing reads them
        // after this, and a run may hold half a million.
        let mut loops = loops;
        let mut scheduled: Vec<f64> = loops
            .iter_mut()
            .flat_map(|l| std::mem::take(&mut l.scheduled_ms))
            .filter(|x| x.is_finite())
            .collect();
        scheduled.sort_by(f64::total_cmp);
        Served {
            way,
            expected,
            expected_checksum,
            start_ms,
            wall_ms,
            ended_ms: start_ms + wall_ms,
            stop_latency_ms: None,
            loops,
            outcome,
            scheduled: Scheduled::All(scheduled),
        }
    }

    /// A run as a link carries it: its loops' figures (no spans, no
    /// scheduled times) and the summary of its scheduled times.
    pub fn received(
        way: Way,
        expected: u64,
        wall_ms: f64,
        loops: Vec<LoopReport>,
        outcome: ServedOutcome,
        summary: ScheduledSummary,
    ) -> Served {
        Served {
            scheduled: Scheduled::Summary(summary),
            ..Served::new(way, expected, None, (0.0, wall_ms), loops, outcome)
        }
    }

    /// The summary of its scheduled times (see [`ScheduledSummary`]).
    pub fn scheduled_summary(&self) -> ScheduledSummary {
        match &self.scheduled {
            Scheduled::Summary(s) => s.clone(),
            Scheduled::All(all) => {
                let max = quantile(all, 1.0).unwrap_or(0.0);
                ScheduledSummary {
                    count: all.len() as u64,
                    p50: quantile(all, 0.5).unwrap_or(0.0),
                    p99: quantile(all, 0.99).unwrap_or(0.0),
                    max,
                    counts: histogram(all, &latency_edges(max)),
                }
            }
        }
    }

    /// Whether its scheduled times came as a summary (from a link).
    pub fn is_summary(&self) -> bool {
        matches!(self.scheduled, Scheduled::Summary(_))
    }

    pub fn handled(&self) -> u64 {
        self.loops.iter().map(|l| l.handled).sum()
    }

    pub fn checksum(&self) -> u64 {
        self.loops
            .iter()
            .fold(0u64, |a, l| a.wrapping_add(l.checksum))
    }

    /// Every message handled, with the expected checksum when it is known:
    /// each handler ran once.
    pub fn checksum_matches(&self) -> bool {
        self.handled() == self.expected
            && self.expected_checksum.is_none_or(|c| c == self.checksum())
    }

    pub fn steals(&self) -> u64 {
        self.loops.iter().map(|l| l.steals).sum()
    }

    /// Messages handled per second of the run's wall time (0 for a run of
    /// no length).
    pub fn requests_per_s(&self) -> f64 {
        if self.wall_ms > 0.0 {
            self.handled() as f64 * 1000.0 / self.wall_ms
        } else {
            0.0
        }
    }

    /// How many of its messages' scheduled times fall in each bin of
    /// `edges` (a `latency_edges`, of this run's longest or of a longer
    /// one's: a summary's bins are the first of those).
    pub fn scheduled_histogram(&self, edges: &[f64]) -> Vec<u64> {
        match &self.scheduled {
            Scheduled::All(all) => histogram(all, edges),
            Scheduled::Summary(s) => {
                let bins = edges.len().saturating_sub(1);
                let mut out = vec![0u64; bins];
                for (i, &n) in s.counts.iter().enumerate() {
                    if bins > 0 {
                        out[i.min(bins - 1)] += n;
                    }
                }
                out
            }
        }
    }

    /// The `q` quantile (0 to 1) of the scheduled time, nearest rank; None
    /// when nothing was handled. A run from a link holds
    /// [`SUMMARY_QUANTILES`] only.
    pub fn scheduled_quantile(&self, q: f64) -> Option<f64> {
        match &self.scheduled {
            Scheduled::All(all) => quantile(all, q),
            Scheduled::Summary(s) if s.count == 0 => None,
            Scheduled::Summary(s) => [s.p50, s.p99, s.max]
                .into_iter()
                .zip(SUMMARY_QUANTILES)
                .find(|&(_, at)| at == q)
                .map(|(x, _)| x),
        }
    }

    /// Each loop's share of the wall time spent idle (0 to 1): not in a
    /// handler.
    pub fn idle_shares(&self) -> Vec<f64> {
        self.loops
            .iter()
            .map(|l| {
                if self.wall_ms > 0.0 {
                    (1.0 - l.busy_ms / self.wall_ms).clamp(0.0, 1.0)
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// Every kept span of every loop, by start.
    pub fn spans(&self) -> Vec<Span> {
        let mut all: Vec<Span> = self
            .loops
            .iter()
            .flat_map(|l| l.spans.iter().copied())
            .collect();
        all.sort_by(|a, b| a.start.total_cmp(&b.start));
        all
    }

    /// Every steal: when (ms since the start) and on which lane.
    pub fn steal_marks(&self) -> Vec<(Lane, f64)> {
        self.loops
            .iter()
            .flat_map(|l| l.steal_ms.iter().map(move |&t| (l.lane, t)))
            .collect()
    }

    /// How far the timeline is whole (ms since the start): the run's end,
    /// or the earliest start of a span some loop did not keep (the run
    /// held more than [`SPANS_KEPT`]).
    pub fn timeline_until_ms(&self) -> f64 {
        self.loops
            .iter()
            .filter_map(|l| l.kept_until_ms)
            .fold(self.wall_ms, f64::min)
            .max(0.0)
    }

    /// Whether the timeline shows the whole run.
    pub fn timeline_is_whole(&self) -> bool {
        self.loops.iter().all(|l| l.kept_until_ms.is_none())
    }

    /// The longest any loop's run queue grew.
    pub fn longest_queue(&self) -> u32 {
        self.loops
            .iter()
            .map(|l| l.longest_queue)
            .max()
            .unwrap_or(0)
    }

    /// Stopped before its turn came: nothing ran.
    pub fn stopped_before_it_began(&self) -> bool {
        self.outcome == ServedOutcome::Stopped && self.loops.is_empty()
    }

    /// Whether every message was handled and each handler ran once: the
    /// expected checksum when it is known, and `reference`, another
    /// completed way's checksum (every way computes the same handlers).
    pub fn agrees_with(&self, reference: Option<u64>) -> bool {
        self.outcome == ServedOutcome::Completed
            && self.checksum_matches()
            && reference.is_none_or(|c| c == self.checksum())
    }
}

/// The first completed run's way and checksum: what the other ways'
/// checksums are held against.
pub fn checksum_reference(runs: &[Served]) -> Option<(Way, u64)> {
    runs.iter()
        .find(|s| s.outcome == ServedOutcome::Completed)
        .map(|s| (s.way, s.checksum()))
}

/// The `q` quantile of `sorted` (ascending), nearest rank.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let q = if q.is_finite() {
        q.clamp(0.0, 1.0)
    } else {
        0.5
    };
    Some(sorted[((sorted.len() - 1) as f64 * q).round() as usize])
}

/// Bin edges for scheduled times from 0.01 ms to past `max`, each bin
/// twice the one before (latencies spread over decades).
pub fn latency_edges(max: f64) -> Vec<f64> {
    let mut edges = vec![0.0, 0.01];
    while *edges.last().expect("two edges") < max.max(0.01) {
        let next = edges.last().expect("two edges") * 2.0;
        edges.push(next);
    }
    edges
}

/// How many of `values` fall in each bin `[edges[i], edges[i + 1])`; the
/// last bin also takes values at its upper edge.
pub fn histogram(values: &[f64], edges: &[f64]) -> Vec<u64> {
    let bins = edges.len().saturating_sub(1);
    let mut counts = vec![0u64; bins];
    for &v in values {
        if !v.is_finite() || bins == 0 {
            continue;
        }
        let i = edges.partition_point(|&e| e <= v.max(0.0));
        counts[i.saturating_sub(1).min(bins - 1)] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(scheduled: &[f64], handlers: &[(f64, f64)]) -> LoopReport {
        LoopReport {
            handled: handlers.len() as u64,
            checksum: handlers.len() as u64,
            scheduled_ms: scheduled.to_vec(),
            steals: 1,
            busy_ms: handlers.iter().map(|&(b, e)| e - b).sum(),
            last_end_ms: handlers.iter().map(|&(_, e)| e).fold(0.0, f64::max),
            handled_log: vec![],
            longest_queue: 7,
            ..LoopReport::default()
        }
    }

    fn served_with(expected: u64, wall_ms: f64, loops: Vec<LoopReport>) -> Served {
        Served::new(
            Way::Stealing,
            expected,
            Some(4),
            (0.0, wall_ms),
            loops,
            ServedOutcome::Completed,
        )
    }

    fn served() -> Served {
        served_with(
            4,
            10.0,
            vec![
                report(&[0.5, 4.0], &[(0.0, 2.0), (3.0, 5.0)]),
                report(&[0.1, 1.0], &[(0.0, 1.0), (2.0, 3.0)]),
            ],
        )
    }

    #[test]
    fn figures_read_from_the_loops() {
        let s = served();
        assert!(s.checksum_matches());
        assert_eq!(s.requests_per_s(), 400.0);
        assert_eq!(s.steals(), 2);
        assert_eq!(s.scheduled_quantile(0.0), Some(0.1));
        assert_eq!(s.scheduled_quantile(0.5), Some(1.0));
        assert_eq!(s.scheduled_quantile(1.0), Some(4.0));
        assert_eq!(s.idle_shares(), vec![0.6, 0.8]);
        assert_eq!(s.longest_queue(), 7);
        // The track: one point a step, the most waiting in it.
        let mut l = LoopReport::default();
        for (at, n) in [(0.1, 2), (0.7, 5), (0.9, 1), (1.2, 0), (3.5, 4)] {
            l.note_queue(at, n);
        }
        assert_eq!(l.queue_track, vec![(0.0, 5), (1.0, 0), (3.0, 4)]);
        assert_eq!(l.longest_queue, 5);
        let short = Served {
            expected: 5,
            ..served()
        };
        assert!(!short.checksum_matches(), "a message missing");
        let wrong = Served {
            expected_checksum: Some(5),
            ..served()
        };
        assert!(
            !wrong.checksum_matches(),
            "a handler run twice, another never"
        );
        // Against another way's checksum when none is expected.
        let unknown = Served {
            expected_checksum: None,
            ..served()
        };
        assert!(unknown.agrees_with(Some(4)) && !unknown.agrees_with(Some(5)));
        let stopped = Served {
            way: Way::Pinned,
            outcome: ServedOutcome::Stopped,
            ..unknown.clone()
        };
        assert!(!stopped.agrees_with(None));
        assert_eq!(
            checksum_reference(&[stopped, unknown]),
            Some((Way::Stealing, 4))
        );
    }

    /// Spans kept to a budget say from when on they are not whole; the
    /// run's timeline is whole up to its earliest such time; placing the
    /// loops names each lane after the thread that ran it.
    #[test]
    fn the_timeline_is_whole_up_to_the_first_span_not_kept() {
        use super::super::SpanKind;
        let mut a = LoopReport::new(Lane::Worker(0), 2);
        let mut b = LoopReport::new(Lane::Worker(1), 2);
        for (i, t) in [1.0, 2.0, 5.0, 3.0].into_iter().enumerate() {
            a.keep(Span::new(
                i as u32,
                Lane::Worker(0),
                SpanKind::Run,
                t,
                t + 0.5,
            ));
        }
        assert_eq!(a.spans.len(), 2);
        assert_eq!(a.kept_until_ms, Some(3.0), "the earliest not kept");
        b.keep(Span::new(9, Lane::Worker(0), SpanKind::Wait, 0.0, 4.0));
        b.note_steal(2.5);
        let mut s = served_with(4, 10.0, vec![a, b]);
        assert_eq!(s.timeline_until_ms(), 3.0);
        assert!(!s.timeline_is_whole());
        assert_eq!(s.steals(), 1);
        place_loops(&mut s.loops, &[Some(1), Some(0)]);
        assert_eq!(s.loops[0].lane, Lane::Worker(1));
        assert_eq!(
            s.loops[1].spans[0].lane,
            Lane::Worker(1),
            "the stolen wait stays with loop 0"
        );
        assert_eq!(s.steal_marks(), vec![(Lane::Worker(0), 2.5)]);
        let whole = served();
        assert!(whole.timeline_is_whole());
        assert_eq!(whole.timeline_until_ms(), 10.0);
    }

    /// A run rebuilt from its summary reads the same figures: quantiles,
    /// histogram on a longer run's edges, requests per second, idle.
    #[test]
    fn a_summary_reads_as_the_run_it_came_from() {
        let s = served();
        let sum = s.scheduled_summary();
        assert_eq!((sum.count, sum.p50, sum.p99, sum.max), (4, 1.0, 4.0, 4.0));
        let back = Served::received(
            s.way,
            s.expected,
            s.wall_ms,
            s.loops.clone(),
            s.outcome.clone(),
            sum,
        );
        assert!(back.is_summary() && !s.is_summary());
        for q in SUMMARY_QUANTILES {
            assert_eq!(back.scheduled_quantile(q), s.scheduled_quantile(q));
        }
        assert_eq!(back.scheduled_quantile(0.25), None, "not carried");
        let wider = latency_edges(100.0);
        assert_eq!(
            back.scheduled_histogram(&wider),
            s.scheduled_histogram(&wider)
        );
        let narrow = latency_edges(0.5);
        assert_eq!(
            back.scheduled_histogram(&narrow),
            s.scheduled_histogram(&narrow)
        );
        assert_eq!(back.requests_per_s(), s.requests_per_s());
        assert_eq!(back.idle_shares(), s.idle_shares());
    }

    #[test]
    fn nothing_handled_has_no_quantile_and_no_rate() {
        let s = served_with(4, 0.0, vec![]);
        assert_eq!(s.scheduled_quantile(0.99), None);
        assert_eq!(s.requests_per_s(), 0.0);
    }

    #[test]
    fn histogram_counts_every_value_once() {
        let edges = latency_edges(5.0);
        assert_eq!(edges[..4], [0.0, 0.01, 0.02, 0.04]);
        assert!(*edges.last().unwrap() >= 5.0);
        let values = [0.0, 0.005, 0.01, 0.03, 5.0, 2.0, f64::NAN];
        let counts = histogram(&values, &edges);
        assert_eq!(counts.iter().sum::<u64>(), 6, "NaN left out");
        assert_eq!(counts[0], 2);
        assert_eq!(counts[1], 1);
        assert_eq!(counts[2], 1);
        assert_eq!(*counts.last().unwrap(), 1, "the top edge's value");
    }
}
