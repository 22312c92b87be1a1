//! Results as files: CSV of spans, a JSON report, and Chrome trace-event JSON
//! (opens in Perfetto and in Chrome DevTools' Performance panel, lanes as threads).
//!
//! Written by hand rather than with serde: the shapes are small and fixed, and
//! the wasm stays smaller. Every string goes through [`json_string`].

use super::environment::Environment;
use super::plan::Settings;
use super::result_link::browser_name;
use super::share::to_query;
use super::trace::{Lane, Outcome, Trace};
use std::fmt::Write;

/// A JSON string literal, escaped per RFC 8259.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number; non-finite values (which JSON cannot hold) become `null`.
pub fn json_number(x: f64) -> String {
    if x.is_finite() {
        // Microsecond precision is all the clock gives.
        let rounded = (x * 1000.0).round() / 1000.0;
        format!("{rounded}")
    } else {
        "null".into()
    }
}

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

/// The settings, the environment, and each trace with its stats and spans.
pub fn report_json(settings: &Settings, env: &Environment, traces: &[&Trace]) -> String {
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"app\": \"conpar\",");
    let _ = writeln!(
        out,
        "  \"link_query\": {},",
        json_string(&to_query(settings))
    );
    let _ = writeln!(out, "  \"environment\": {},", environment_json(env));
    out.push_str("  \"runs\": [");
    for (i, t) in traces.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("\n    ");
        out.push_str(&trace_json(t));
    }
    out.push_str("\n  ]\n}\n");
    out
}

fn environment_json(env: &Environment) -> String {
    format!(
        "{{\"cross_origin_isolated\": {}, \"shared_array_buffer\": {}, \"hardware_concurrency\": {}, \"pool_threads\": {}, \"pool_start_ms\": {}, \"timer_resolution_ms\": {}, \"user_agent\": {}, \"browser\": {}{}}}",
        env.cross_origin_isolated,
        env.shared_array_buffer,
        env.hardware_concurrency,
        env.pool_threads,
        env.pool_start_ms.map_or("null".into(), json_number),
        json_number(env.timer_resolution_ms),
        json_string(&env.user_agent),
        json_string(&browser_name(&env.user_agent)),
        // The day of the report, when the page knows it (result_link reads it back).
        if env.date.is_empty() {
            String::new()
        } else {
            format!(", \"date\": {}", json_string(&env.date))
        }
    )
}

fn trace_json(t: &Trace) -> String {
    let s = t.stats();
    let mut out = format!(
        "{{\"mode\": {}, \"threads\": {}, \"tasks\": {}, \"finished\": {}, \"outcome\": {}, \"slices\": {}, \"checksum\": \"{:016x}\", \"makespan_ms\": {}, \"cpu_ms\": {}, \"wait_ms\": {}, \"peak_overlap\": {}, \"distinct_workers\": {}, \"main_blocked_ms\": {}, \"longest_block_ms\": {}, \"longest_frame_gap_ms\": {}, \"long_frames\": {}, \"dropped_frames\": {}, ",
        json_string(t.mode.name()),
        t.lanes,
        t.tasks,
        t.finished,
        json_string(t.outcome.name()),
        t.slices,
        t.checksum,
        json_number(s.makespan_ms),
        json_number(s.cpu_ms),
        json_number(s.wait_ms),
        s.peak_overlap,
        t.distinct_workers(),
        json_number(s.main_blocked_ms),
        json_number(s.longest_block_ms),
        json_number(t.frames.longest_gap_ms),
        t.frames.long_gaps,
        t.frames.dropped,
    );
    // What the report reader (result_link::from_report_json) needs to give
    // back the run exactly: the clock origin, frames, stop latency, failure.
    let _ = write!(
        out,
        "\"origin_ms\": {}, \"frames\": {}, \"cancel_latency_ms\": {}, ",
        json_number(t.origin_ms),
        t.frames.frames,
        t.cancel_latency_ms.map_or("null".into(), json_number)
    );
    if let Outcome::Failed { task, message } = &t.outcome {
        let _ = write!(
            out,
            "\"failed_task\": {task}, \"failure\": {}, ",
            json_string(message)
        );
    }
    if let Some(c) = &t.counter {
        let _ = write!(
            out,
            "\"counter\": {{\"strategy\": \"{}\", \"expected\": {}, \"actual\": {}, \"lost\": {}}}, ",
            c.strategy.name(),
            c.expected,
            c.actual,
            c.lost()
        );
    }
    out.push_str("\"spans\": [");
    for (i, sp) in t.spans.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(
            out,
            "{{\"task\": {}, \"lane\": {}, \"kind\": \"{}\", \"start_ms\": {}, \"end_ms\": {}}}",
            sp.task + 1,
            json_string(&sp.lane.to_string()),
            sp.kind.name(),
            json_number(sp.start),
            json_number(sp.end)
        );
    }
    out.push_str("]}");
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
    use crate::engine::plan::Mode;
    use crate::engine::trace::{Span, SpanKind};

    fn sample() -> Trace {
        let spans = vec![
            Span {
                task: 0,
                lane: Lane::Main,
                kind: SpanKind::Wait,
                start: 0.0,
                end: 100.0,
            },
            Span {
                task: 0,
                lane: Lane::Worker(1),
                kind: SpanKind::Run,
                start: 100.0,
                end: 112.5,
            },
        ];
        Trace::new(Mode::Both, 2, 1, 0.0, 113.0, spans)
    }

    #[test]
    fn escapes_strings() {
        assert_eq!(json_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
        assert_eq!(json_string("<script>"), "\"<script>\"");
        assert_eq!(json_number(f64::NAN), "null");
        assert_eq!(json_number(1.23456), "1.235");
    }

    #[test]
    fn csv_has_a_row_per_span() {
        let t = sample();
        let csv = spans_csv(&[&t]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1], "1,both,1,main thread,wait,0.000,100.000,100.000");
        assert_eq!(lines[2], "1,both,1,worker 2,run,100.000,112.500,12.500");
    }

    #[test]
    fn chrome_trace_names_lanes_and_times_in_microseconds() {
        let t = sample();
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

    #[test]
    fn report_holds_settings_environment_and_stats() {
        let t = sample();
        let env = Environment {
            user_agent: "UA \"quoted\"".into(),
            ..Environment::default()
        };
        let json = report_json(&Settings::default(), &env, &[&t]);
        assert!(json.contains("\"link_query\": \"mode=parallel&"), "{json}");
        assert!(
            json.contains("\"user_agent\": \"UA \\\"quoted\\\"\""),
            "{json}"
        );
        assert!(json.contains("\"makespan_ms\": 113,"), "{json}");
        assert!(json.contains("\"distinct_workers\": 1,"), "{json}");
    }
}
