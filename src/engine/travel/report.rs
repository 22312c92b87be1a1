//! The JSON report: written with every run's spans and figures, and read
//! back (a report opened from a file shows as a received result).

use super::json::{Json, json_number, json_string, parse};
use super::recorded::{
    MAX_BROWSER_CHARS, MAX_CORES, MAX_MESSAGE_CHARS, MAX_ORIGIN_US, MAX_REPORT_BYTES, MAX_RUNS,
    MAX_SPANS_PER_RUN, MAX_TIME_MS, MAX_TIME_US, MAX_UPDATES, from_us, refuse, settings_of, to_us,
    truncate, valid_date, within,
};
use super::validate::kind_of_runs;
use super::{LinkError, Machine, Recorded, browser_name, validate};
use crate::engine::environment::Environment;
use crate::engine::plan::{Field, MAX_LANES, Mode, Settings, Strategy, to_query};
use crate::engine::record::{
    FrameStats, Lane, MAX_CLOCK_SKEW_MS, Outcome, Span, SpanKind, Tally, Trace,
};
use std::fmt::Write;

/// The `kind` of the server card's report (`served_export.rs`), which
/// [`from_report_json`] recognises and declines in words.
pub const SERVER_REPORT_KIND: &str = "server";
/// `kind` of a report of the training card's runs.
pub const TRAINING_REPORT_KIND: &str = "training";

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

pub(super) fn environment_json(env: &Environment) -> String {
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
        "{{\"mode\": {}, \"threads\": {}, \"tasks\": {}, \"finished\": {}, \"outcome\": {}, \"slices\": {}, \"checksum\": \"{:016x}\", \"makespan_ms\": {}, \"cpu_ms\": {}, \"wait_ms\": {}, \"lock_ms\": {}, \"peak_overlap\": {}, \"distinct_workers\": {}, \"main_blocked_ms\": {}, \"longest_block_ms\": {}, \"longest_frame_gap_ms\": {}, \"long_frames\": {}, \"dropped_frames\": {}, ",
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
        json_number(s.lock_ms),
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

/// Reads a JSON report as `report_json` writes it.
pub fn from_report_json(text: &str) -> Result<Recorded, LinkError> {
    if text.len() > MAX_REPORT_BYTES {
        return refuse(format!(
            "This file is {} MB, more than the {} MB a report may have.",
            text.len() >> 20,
            MAX_REPORT_BYTES >> 20
        ));
    }
    let root = parse(text)?;
    let not_report = || LinkError("This file is JSON, but not a conpar report.".into());
    if root.get("app") != Some(&Json::Str("conpar".into())) {
        return Err(not_report());
    }
    if root.get("kind") == Some(&Json::Str(SERVER_REPORT_KIND.into())) {
        return refuse(
            "This is a report of the server card's runs: the page shows reports of the modes' runs only. Its figures are in the file (a text editor shows them), and the card's numbers in its \"asked\".",
        );
    }
    if root.get("kind") == Some(&Json::Str(TRAINING_REPORT_KIND.into())) {
        return refuse(
            "This is a report of the training card's runs: the page shows reports of the modes' runs only. Its figures are in the file (a text editor shows them); a result link carries the card's runs to another page.",
        );
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
        prediction: None,
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

/// A span's time in ms from JSON, relative to its run's start: as [`time`],
/// but as early as [`MAX_CLOCK_SKEW_MS`] before the run. Reports written
/// before traces clamped their spans hold such times; the caller passes the
/// span through [`Span::within_run`], the rule traces are made with.
fn span_time(v: Option<&Json>, what: &str) -> Result<f64, LinkError> {
    match v {
        Some(Json::Num(x)) if x.is_finite() && (-MAX_CLOCK_SKEW_MS..=MAX_TIME_MS).contains(x) => {
            Ok((x * 1000.0).round() / 1000.0)
        }
        _ => refuse(format!(
            "This report has {what} that is missing, before its run, not a number, or over an hour."
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
        let span = Span::new(
            task - 1,
            lane,
            kind,
            span_time(s.get("start_ms"), "a span start")?,
            span_time(s.get("end_ms"), "a span end")?,
        );
        spans.push(span.within_run());
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
    use crate::engine::travel::fixtures::{one_run, sample};
    use crate::engine::travel::{decode, encode};

    /// A worker's clock 0.3 ms behind the main thread's: its first span
    /// starts 0.3 ms before the run did. Such a run travels like any other.
    #[test]
    fn a_span_stamped_before_its_run_can_be_shared_and_reopened() {
        let mut rec = sample();
        let started = 5_000.0;
        let spans = vec![
            Span::new(
                0,
                Lane::Worker(0),
                SpanKind::Run,
                started - 0.3,
                started + 50.0,
            ),
            Span::new(1, Lane::Main, SpanKind::Wait, started, started + 100.0),
        ];
        rec.runs = vec![Trace::new(
            Mode::Both,
            2,
            2,
            started,
            started + 113.0,
            spans,
        )];
        assert_eq!(validate(&rec), Ok(()), "it can be shared");
        assert_eq!(decode(&encode(&rec)), Ok(rec.clone()), "its link opens");
        let json = report_json(&rec.settings, &Environment::default(), &[&rec.runs[0]]);
        let back = from_report_json(&json).expect("its report opens");
        assert_eq!(back.runs, rec.runs);
    }

    /// Reports written before traces clamped their spans may hold a start a
    /// little before the run: read through the same rule. More than a clock's
    /// skew before it is not a time of this run.
    #[test]
    fn an_old_report_with_a_little_clock_skew_opens_and_a_large_one_is_refused() {
        let t = one_run();
        let settings = Settings {
            tasks: 1,
            ..Settings::default()
        };
        let json = report_json(&settings, &Environment::default(), &[&t]);
        assert!(json.contains("\"start_ms\": 0,"), "{json}");
        let skewed =
            |start: &str| json.replacen("\"start_ms\": 0,", &format!("\"start_ms\": {start},"), 1);
        let back = from_report_json(&skewed("-0.3")).expect("a 0.3 ms skew opens");
        assert_eq!(back.runs[0].spans, t.spans, "and starts with its run");
        for far in ["-5", "-1000"] {
            assert!(
                from_report_json(&skewed(far)).is_err(),
                "{far} ms before the run"
            );
        }
    }

    #[test]
    fn report_holds_settings_environment_and_stats() {
        let t = one_run();
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
        assert!(json.contains("\"lock_ms\": 0,"), "{json}");
    }
}
