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

/// Chrome trace-event format ("JSON Object Format"): one complete event
/// (`ph: "X"`) per span, timestamps in microseconds, one process per run and
/// one thread per lane, named with metadata events (`ph: "M"`).
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
        for s in &t.spans {
            events.push(format!(
                "{{\"name\": {}, \"cat\": \"{}\", \"ph\": \"X\", \"ts\": {}, \"dur\": {}, \"pid\": {pid}, \"tid\": {}}}",
                json_string(&t.task_name(s.task).to_lowercase()),
                s.kind.name(),
                json_number(s.start * 1000.0),
                json_number(s.duration() * 1000.0),
                s.lane.tid()
            ));
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
        assert_eq!(json.matches("\"ph\": \"X\"").count(), 2);
    }
}
