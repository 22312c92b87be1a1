//! Results as files for other tools: CSV of spans, and Chrome trace-event
//! JSON (opens in Perfetto and in Chrome DevTools' Performance panel, lanes
//! as threads).

use super::json::{json_number, json_string};
use crate::engine::record::{Lane, Trace};
use std::fmt::Write;

/// One row per span: `run,mode,task,lane,kind,start_ms,end_ms,duration_ms`.
/// `run` numbers the traces, so one file can hold a whole comparison.
pub fn spans_csv(traces: &[&Trace]) -> String {
    let mut out = String::from("run,mode,task,lane,kind,start_ms,end_ms,duration_ms\n");
    for (i, t) in traces.iter().enumerate() {
        for s in &t.spans {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{:.3},{:.3},{:.3}",
                i + 1,
                t.mode.name(),
                s.task + 1,
                s.lane,
                s.kind.name(),
                s.start,
                s.end,
                s.duration()
            );
        }
    }
    out
}

/// `ms` in microseconds, rounded to the thousandth that JSON keeps.
pub(super) fn micros(ms: f64) -> f64 {
    (ms * 1e6).round() / 1000.0
}

/// A span as trace events on lane thread `tid` of process `pid`:
/// computing (and waiting for a lock), which holds its thread, a complete
/// event (`ph: "X"`); a wait, which overlaps others on its thread (eight
/// requests in flight on one event loop), a pair of async events
/// (`ph: "b"`/`"e"`, `id` unique in the process) — complete events on one
/// thread must nest, and Perfetto drops those that do not.
pub(super) fn span_events(
    events: &mut Vec<String>,
    (pid, id): (usize, usize),
    name: &str,
    s: &crate::engine::record::Span,
) {
    let (name, tid) = (json_string(name), s.lane.tid());
    if s.kind == crate::engine::record::SpanKind::Wait {
        for (ph, at) in [("b", s.start), ("e", s.end)] {
            events.push(format!(
                "{{\"name\": {name}, \"cat\": \"wait\", \"ph\": \"{ph}\", \"id\": {id}, \"ts\": {}, \"pid\": {pid}, \"tid\": {tid}}}",
                json_number(at * 1000.0)
            ));
        }
    } else {
        // The duration as the difference of the two times written, each
        // rounded as JSON keeps it: a span that ends as the next begins
        // must not overlap it by a rounding (Perfetto would drop one).
        let (ts, end) = (micros(s.start), micros(s.end));
        events.push(format!(
            "{{\"name\": {name}, \"cat\": \"{}\", \"ph\": \"X\", \"ts\": {}, \"dur\": {}, \"pid\": {pid}, \"tid\": {tid}}}",
            s.kind.name(),
            json_number(ts),
            json_number((end - ts).max(0.0))
        ));
    }
}

/// Chrome trace-event format ("JSON Object Format"): an event or two per
/// span ([`span_events`]), timestamps in microseconds, one process per run
/// and one thread per lane, named with metadata events (`ph: "M"`).
pub fn chrome_trace(traces: &[&Trace]) -> String {
    let mut events = Vec::new();
    for (i, t) in traces.iter().enumerate() {
        let pid = i + 1;
        events.push(format!(
            "{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": {pid}, \"tid\": 0, \"args\": {{\"name\": {}}}}}",
            json_string(&format!("run {pid}: {}", t.mode.label()))
        ));
        let mut lanes = t.lanes_used();
        if !lanes.contains(&Lane::Main) {
            lanes.insert(0, Lane::Main);
        }
        for lane in lanes {
            events.push(format!(
                "{{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": {pid}, \"tid\": {}, \"args\": {{\"name\": {}}}}}",
                lane.tid(),
                json_string(&lane.to_string())
            ));
        }
        for (id, s) in t.spans.iter().enumerate() {
            span_events(
                &mut events,
                (pid, id),
                &t.task_name(s.task).to_lowercase(),
                s,
            );
        }
    }
    format!(
        "{{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n{}\n]}}\n",
        events.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::travel::fixtures::one_run;

    #[test]
    fn csv_has_a_row_per_span() {
        let t = one_run();
        let csv = spans_csv(&[&t]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1], "1,both,1,main thread,wait,0.000,100.000,100.000");
        assert_eq!(lines[2], "1,both,1,worker 2,run,100.000,112.500,12.500");
    }

    /// Two spans, one ending as the next begins at times that round
    /// apart: their events touch, and do not overlap.
    #[test]
    fn spans_that_touch_do_not_overlap_once_rounded() {
        use crate::engine::record::{Span, SpanKind};
        // In µs, 10.0006 and 10.0014: each rounds to 10.001, and their
        // difference, 0.0008, to 0.001 (it ended 0.001 µs after the next began).
        let (a, b) = (0.010_000_6, 0.010_001_4);
        let mut events = Vec::new();
        span_events(
            &mut events,
            (1, 0),
            "a",
            &Span::new(0, Lane::Main, SpanKind::Run, a, b),
        );
        span_events(
            &mut events,
            (1, 1),
            "b",
            &Span::new(1, Lane::Main, SpanKind::Run, b, 16.2),
        );
        let num = |e: &str, key: &str| -> f64 {
            e.split(&format!("\"{key}\": "))
                .nth(1)
                .unwrap()
                .split(',')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        let end = num(&events[0], "ts") + num(&events[0], "dur");
        assert!(end <= num(&events[1], "ts") + 1e-9, "{events:?}");
    }

    #[test]
    fn chrome_trace_names_lanes_and_times_in_microseconds() {
        let t = one_run();
        let json = chrome_trace(&[&t]);
        assert!(
            json.contains("\"ph\": \"X\", \"ts\": 100000, \"dur\": 12500, \"pid\": 1, \"tid\": 3"),
            "{json}"
        );
        assert!(
            json.contains("\"tid\": 3, \"args\": {\"name\": \"worker 2\"}"),
            "{json}"
        );
        assert!(
            json.contains("\"tid\": 1, \"args\": {\"name\": \"main thread\"}"),
            "{json}"
        );
        assert_eq!(json.matches("\"ph\": \"X\"").count(), 1, "the run");
        // The wait, which may overlap others on its thread: an async pair.
        assert!(
            json.contains("{\"name\": \"task 1\", \"cat\": \"wait\", \"ph\": \"b\", \"id\": 0, \"ts\": 0, \"pid\": 1, \"tid\": 1}")
                && json.contains("\"ph\": \"e\", \"id\": 0, \"ts\": 100000,"),
            "{json}"
        );
    }
}
