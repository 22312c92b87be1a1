//! The sentences of the shared-counter lessons: lost updates, contention,
//! and false sharing (whose sentence the shared-counter card shows too).

use super::Lesson;
use super::words::{shown, times};
use crate::engine::analysis::{CounterRow, PER_UPDATE_NOISE, false_sharing, lost_pct, row_of};
use crate::engine::exec::adjacent_lines;
use crate::engine::format::count;
use crate::engine::format::thousands;
use crate::engine::plan::Strategy;
use crate::engine::record::{Lane, SpanKind, Trace};
use std::borrow::Borrow;
use std::collections::BTreeMap;

impl Lesson {
    pub(super) fn race(&self, traces: &[&Trace]) -> Option<String> {
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
                count(p, "thread"),
                thousands(all.tally.lost()),
                made(&all),
                lost_pct(&all.tally),
                thousands(all.tally.actual)
            )
        } else {
            format!(
                "{head} On {} it lost none this time: the threads never read the same value at once. The race is \
                 still there; run it again.",
                count(p, "thread")
            )
        })
    }

    pub(super) fn contention(&self, traces: &[&Trace]) -> Option<String> {
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
            // Compared as shown (to 0.1 ns), so that "5.0 → 6.0 ns" reads as grown.
            let ns = |r: &CounterRow| (r.ns_per_update * 10.0).round() / 10.0;
            let growth = ns(&b) >= ns(&a) * PER_UPDATE_NOISE;
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
                count(p, "thread"),
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
            count(p, "thread"),
            per_update.join(", "),
            count(p, "thread"),
            speed.join(", ")
        ))
    }
}

/// What a false-sharing experiment measured, in the words the lesson and
/// the shared-counter card both show: per-lane counters side by side
/// against padded apart, on the most threads both ran on. A factor within
/// [`PER_UPDATE_NOISE`] is stated as no slowdown, with why none can show,
/// and padded apart slower past it as a run that measured something else;
/// past eight threads, how many cache lines the counters side by side
/// filled. `None` without a side-by-side and a padded run on one thread
/// count.
pub fn false_sharing_sentence<T: Borrow<Trace>>(traces: &[T]) -> Option<String> {
    let traces: Vec<&Trace> = traces.iter().map(Borrow::borrow).collect();
    let rows = CounterRow::all(&traces);
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
        count(p, "thread"),
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
    // Padded apart slower than side by side, past the noise (as shown:
    // "1.2×" is the noise's bound, so the factor shown is at least it).
    // The layout cannot cause that (padding only removes sharing), and the
    // page does not measure what did: the sentence says so (a CI host,
    // 2026-12-04: 0.67-0.83× in three attempts with both cores otherwise
    // idle).
    if shown(1.0 / factor) >= PER_UPDATE_NOISE {
        return Some(format!(
            "{head}: padded apart was the slower, {} the side-by-side time, at least the {PER_UPDATE_NOISE}× \
             that run-to-run noise gives. Padding only keeps the counters off a shared line, so the layout does \
             not explain it, and this page did not measure what did; this run shows no cost of sharing a line.",
            times(1.0 / factor)
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
