//! The server card's runs as files: a JSON report of what was asked and
//! every figure the card shows, way by way and loop by loop, and Chrome
//! trace events (Perfetto, Chrome DevTools) with each loop's handlers and
//! waits, its steals as instant events and its run queue as a counter.
//!
//! The page does not open a server's report again (a result of the modes
//! is read by `from_report_json`, which says so for this one): the report
//! is for reading and for other tools.

use super::export::span_events;
use super::json::{json_number, json_string};
use super::report::{SERVER_REPORT_KIND, environment_json};
use crate::engine::environment::Environment;
use crate::engine::plan::ServerAsk;
use crate::engine::record::{Lane, Served, ServedOutcome, latency_edges};
use std::collections::BTreeSet;
use std::fmt::Write;

/// What was asked, the environment, and each run's figures.
pub fn served_report_json(ask: &ServerAsk, env: &Environment, runs: &[Served]) -> String {
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"app\": \"conpar\",");
    let _ = writeln!(out, "  \"kind\": {},", json_string(SERVER_REPORT_KIND));
    let _ = writeln!(
        out,
        "  \"asked\": {{\"connections\": {}, \"messages\": {}, \"handler_ms\": {}, \"wait_mean_ms\": {}, \"hot\": {}}},",
        ask.connections,
        ask.messages,
        json_number(ask.handler_ms),
        json_number(ask.wait_mean_ms),
        ask.hot
    );
    let _ = writeln!(out, "  \"environment\": {},", environment_json(env));
    out.push_str("  \"runs\": [");
    for (i, s) in runs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("\n    ");
        out.push_str(&run_json(s));
    }
    out.push_str("\n  ]\n}\n");
    out
}

fn outcome_json(o: &ServedOutcome) -> String {
    match o {
        ServedOutcome::Completed => "\"completed\"".into(),
        ServedOutcome::Stopped => "\"stopped\"".into(),
        ServedOutcome::Failed(why) => format!("{{\"failed\": {}}}", json_string(why)),
    }
}

fn run_json(s: &Served) -> String {
    let q = |x| s.scheduled_quantile(x).map_or("null".into(), json_number);
    let loops: Vec<String> = s
        .loops
        .iter()
        .map(|l| {
            format!(
                "{{\"lane\": {}, \"handled\": {}, \"busy_ms\": {}, \"steals\": {}, \"from_global_queue\": {}, \"longest_queue\": {}, \"spans_kept\": {}}}",
                json_string(&l.lane.to_string()),
                l.handled,
                json_number(l.busy_ms),
                l.steals,
                l.from_injector,
                l.longest_queue,
                l.spans.len()
            )
        })
        .collect();
    let idle: Vec<String> = s.idle_shares().into_iter().map(json_number).collect();
    let sum = s.scheduled_summary();
    let edges = latency_edges(sum.max);
    format!(
        "{{\"way\": {}, \"outcome\": {}, \"messages\": {}, \"handled\": {}, \"checksum\": {}, \"wall_ms\": {}, \"requests_per_s\": {}, \"scheduled_ms\": {{\"p50\": {}, \"p99\": {}, \"max\": {}, \"histogram_edges\": [{}], \"histogram_counts\": [{}]}}, \"steals\": {}, \"idle_shares\": [{}], \"longest_queue\": {}, \"stop_latency_ms\": {}, \"timeline_whole_until_ms\": {}, \"loops\": [{}]}}",
        json_string(s.way.name()),
        outcome_json(&s.outcome),
        s.expected,
        s.handled(),
        // A string: JSON numbers lose integers past 2^53.
        json_string(&s.checksum().to_string()),
        json_number(s.wall_ms),
        json_number(s.requests_per_s()),
        q(0.5),
        q(0.99),
        q(1.0),
        edges
            .iter()
            .map(|&e| json_number(e))
            .collect::<Vec<_>>()
            .join(", "),
        sum.counts
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        s.steals(),
        idle.join(", "),
        s.longest_queue(),
        s.stop_latency_ms.map_or("null".into(), json_number),
        json_number(s.timeline_until_ms()),
        loops.join(", ")
    )
}

/// Chrome trace events: a process per way, a thread per lane; each kept
/// span as the modes' trace has it (a handler a complete event, a wait an
/// async pair: they overlap), an instant event per steal, and each loop's
/// run queue as a counter.
pub fn served_chrome_trace(runs: &[Served]) -> String {
    let mut events = Vec::new();
    for (i, s) in runs.iter().enumerate() {
        let pid = i + 1;
        events.push(format!(
            "{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": {pid}, \"tid\": 0, \"args\": {{\"name\": {}}}}}",
            json_string(&format!("run {pid}: {}", s.way.label()))
        ));
        let spans = s.spans();
        let lanes: BTreeSet<Lane> = s
            .loops
            .iter()
            .map(|l| l.lane)
            .chain(spans.iter().map(|x| x.lane))
            .collect();
        for lane in lanes {
            events.push(format!(
                "{{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": {pid}, \"tid\": {}, \"args\": {{\"name\": {}}}}}",
                lane.tid(),
                json_string(&lane.to_string())
            ));
        }
        for (id, x) in spans.iter().enumerate() {
            span_events(
                &mut events,
                (pid, id),
                &format!("connection {}", x.task + 1),
                x,
            );
        }
        for (lane, at) in s.steal_marks() {
            events.push(format!(
                "{{\"name\": \"steal\", \"ph\": \"i\", \"s\": \"t\", \"ts\": {}, \"pid\": {pid}, \"tid\": {}}}",
                json_number(at * 1000.0),
                lane.tid()
            ));
        }
        for l in &s.loops {
            for &(at, n) in &l.queue_track {
                events.push(format!(
                    "{{\"name\": {}, \"ph\": \"C\", \"ts\": {}, \"pid\": {pid}, \"args\": {{\"waiting\": {n}}}}}",
                    json_string(&format!("run queue, {}", l.lane)),
                    json_number(at * 1000.0)
                ));
            }
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
    use crate::engine::plan::Way;
    use crate::engine::record::{LoopReport, Span, SpanKind};
    use crate::engine::travel::json::parse;

    fn run() -> Served {
        let mut l = LoopReport::new(Lane::Worker(1), 10);
        l.keep(Span::new(4, Lane::Worker(1), SpanKind::Wait, 0.0, 2.0));
        l.keep(Span::new(4, Lane::Worker(1), SpanKind::Run, 2.5, 3.0));
        l.scheduled_ms = vec![0.5];
        l.handled = 1;
        l.checksum = u64::MAX;
        l.busy_ms = 0.5;
        l.note_steal(2.4);
        l.note_queue(2.5, 3);
        Served::new(
            Way::Stealing,
            1,
            None,
            (1_000.0, 4.0),
            vec![l],
            ServedOutcome::Completed,
        )
    }

    #[test]
    fn the_report_holds_the_asked_numbers_and_every_figure() {
        let text = served_report_json(&ServerAsk::default(), &Environment::default(), &[run()]);
        let root = parse(&text).expect("valid JSON");
        assert_eq!(
            root.get("kind"),
            Some(&crate::engine::travel::json::Json::Str("server".into()))
        );
        for part in [
            "\"way\": \"stealing\"",
            "\"requests_per_s\": 250",
            "\"p99\": 0.5",
            "\"checksum\": \"18446744073709551615\"",
            "\"steals\": 1",
            "\"lane\": \"worker 2\"",
            "\"connections\": 1000",
            "\"idle_shares\": [0.875]",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
    }

    #[test]
    fn opened_again_the_report_is_declined_in_words() {
        let text = served_report_json(&ServerAsk::default(), &Environment::default(), &[run()]);
        let why = crate::engine::travel::from_report_json(&text)
            .expect_err("declined")
            .0;
        assert!(why.contains("server card"), "{why}");
    }

    #[test]
    fn the_trace_has_spans_steals_and_the_queue() {
        let json = served_chrome_trace(&[run()]);
        assert!(parse(&json).is_ok(), "{json}");
        assert_eq!(json.matches("\"ph\": \"X\"").count(), 1, "the handler");
        assert_eq!(
            json.matches("\"cat\": \"wait\"").count(),
            2,
            "the wait's pair"
        );
        assert!(json.contains(
            "{\"name\": \"connection 5\", \"cat\": \"run\", \"ph\": \"X\", \"ts\": 2500, \"dur\": 500, \"pid\": 1, \"tid\": 3}"
        ), "{json}");
        assert!(
            json.contains("\"name\": \"steal\", \"ph\": \"i\", \"s\": \"t\", \"ts\": 2400"),
            "{json}"
        );
        assert!(json.contains("\"name\": \"run queue, worker 2\", \"ph\": \"C\", \"ts\": 2000, \"pid\": 1, \"args\": {\"waiting\": 3}"), "{json}");
        assert!(json.contains("\"args\": {\"name\": \"run 1: "), "{json}");
    }
}
