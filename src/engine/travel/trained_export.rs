//! The training card's runs as files: a JSON report of what was asked,
//! the machine, and every figure the card shows run by run (with each
//! step's time and loss), and Chrome trace events (Perfetto, Chrome
//! DevTools) with each device's phases, step by step. Times are written to
//! the microsecond (the clock's), losses and shares to their last digit.
//!
//! The page does not open a training report again (`from_report_json`
//! says so in words): the report is for reading and for other tools.

use super::TrainedRecord;
use super::export::micros;
use super::json::{json_number, json_string};
use super::report::{TRAINING_REPORT_KIND, environment_json};
use crate::engine::environment::Environment;
use crate::engine::record::{TrainOutcome, Trained};
use std::fmt::Write;

fn opt(x: Option<f64>) -> String {
    x.map_or("null".into(), json_number)
}

/// A number to its last digit (the shortest text that reads back as the
/// same f64): a loss or a share is not a time, which `json_number` rounds
/// to the microseconds the clock gives.
fn full(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        "null".into()
    }
}

fn list(xs: &[f64], each: fn(f64) -> String) -> String {
    xs.iter().map(|&x| each(x)).collect::<Vec<_>>().join(", ")
}

fn run_json(t: &Trained) -> String {
    let sh = t.shares();
    let tr = &t.training;
    let outcome = match &t.outcome {
        TrainOutcome::Completed => "\"completed\"".into(),
        TrainOutcome::Stopped => "\"stopped\"".into(),
        TrainOutcome::Failed(why) => format!("{{\"failed\": {}}}", json_string(why)),
    };
    format!(
        "{{\"rung\": {}, \"devices\": {}, \"reduce\": {}, \"features\": {}, \"batch\": {}, \"samples\": {}, \"steps\": {}, \"seed\": {}, \"rate\": {}, \"outcome\": {outcome}, \"wall_ms\": {}, \"upload_ms\": {}, \"steps_done\": {}, \"ms_per_step\": {}, \"step_ms\": [{}], \"last_loss\": {}, \"losses\": [{}], \"shares\": {{\"gradient\": {}, \"barrier_wait\": {}, \"all_reduce\": {}}}, \"allreduce_share\": {}, \"weights\": {}, \"weights_fnv1a\": {}}}",
        json_string(t.rung.name()),
        t.devices,
        json_string(t.reduce.name()),
        tr.features,
        tr.batch,
        tr.samples,
        tr.steps,
        tr.seed,
        full(tr.rate),
        json_number(t.wall_ms),
        opt(t.upload_ms),
        t.steps_done(),
        opt(t.ms_per_step()),
        list(&t.step_ms(), json_number),
        t.final_loss().map_or("null".into(), full),
        list(&t.losses, full),
        full(sh.compute),
        full(sh.wait),
        full(sh.reduce),
        full(t.allreduce_share()),
        t.summary.weights,
        // A string: JSON numbers lose integers past 2^53.
        json_string(&format!("{:016x}", t.summary.weights_fnv)),
    )
}

fn runs_json(runs: &[Trained]) -> String {
    if runs.is_empty() {
        return "[]".into();
    }
    let rows: Vec<String> = runs
        .iter()
        .map(|t| format!("\n    {}", run_json(t)))
        .collect();
    format!("[{}\n  ]", rows.join(","))
}

/// What was asked, this page's environment, what it found of WebGPU, and
/// each experiment's runs.
pub fn trained_report_json(rec: &TrainedRecord, env: &Environment) -> String {
    let a = &rec.asked;
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"app\": \"conpar\",");
    let _ = writeln!(out, "  \"kind\": {},", json_string(TRAINING_REPORT_KIND));
    let _ = writeln!(
        out,
        "  \"asked\": {{\"features\": {}, \"batch\": {}, \"steps\": {}, \"reduce\": {}}},",
        a.features,
        a.batch,
        a.steps,
        json_string(a.reduce.name())
    );
    let _ = writeln!(out, "  \"environment\": {},", environment_json(env));
    let text = |s: &Option<String>| s.as_deref().map_or("null".into(), json_string);
    let _ = writeln!(out, "  \"webgpu\": {},", text(&rec.gpu));
    let _ = writeln!(out, "  \"software_adapter\": {},", text(&rec.software));
    let _ = writeln!(out, "  \"ladder\": {},", runs_json(&rec.ladder));
    let _ = writeln!(out, "  \"scaling_up\": {},", runs_json(&rec.strong));
    let _ = writeln!(out, "  \"scaling_out\": {}", runs_json(&rec.weak));
    out.push_str("}\n");
    out
}

/// Chrome trace events: a process per run, a thread per device, each phase
/// a complete event named by its step (a device's phases never overlap).
pub fn trained_chrome_trace(runs: &[&Trained]) -> String {
    let mut events = Vec::new();
    for (i, t) in runs.iter().enumerate() {
        let pid = i + 1;
        events.push(format!(
            "{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": {pid}, \"tid\": 0, \"args\": {{\"name\": {}}}}}",
            json_string(&format!(
                "run {pid}: {}, {} samples a step, {} device{}",
                t.rung.label(),
                t.training.batch,
                t.devices,
                if t.devices == 1 { "" } else { "s" }
            ))
        ));
        for d in 0..t.devices {
            events.push(format!(
                "{{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": {pid}, \"tid\": {}, \"args\": {{\"name\": \"device {}\"}}}}",
                d + 1,
                d + 1
            ));
        }
        for p in &t.phases {
            // Microseconds, the end's rounding minus the start's: a phase
            // that ends as the next begins must not overlap it.
            let (ts, end) = (micros(p.start), micros(p.end));
            events.push(format!(
                "{{\"name\": \"step {}\", \"cat\": {}, \"ph\": \"X\", \"ts\": {}, \"dur\": {}, \"pid\": {pid}, \"tid\": {}}}",
                p.step + 1,
                json_string(p.phase.label()),
                json_number(ts),
                json_number((end - ts).max(0.0)),
                u32::from(p.device) + 1
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
    use crate::engine::plan::{Reduce, Rung, TrainAsk, Training};
    use crate::engine::record::{DeviceReport, Phase};
    use crate::engine::travel::from_report_json;
    use crate::engine::travel::json::{Json, parse};

    fn run() -> Trained {
        let span = crate::engine::record::fixtures::phase;
        let reports = vec![
            DeviceReport {
                device: 0,
                phases: vec![
                    span(0, 0, Phase::Compute, 10.0, 12.0),
                    span(0, 0, Phase::Reduce, 12.0, 12.5),
                    span(0, 0, Phase::Wait, 12.5, 13.0),
                    span(0, 1, Phase::Compute, 13.0, 14.0),
                ],
                losses: vec![0.69, 0.5],
                weights: vec![1.0, 2.0],
            },
            DeviceReport {
                device: 1,
                phases: vec![
                    span(1, 0, Phase::Compute, 10.0, 11.0),
                    span(1, 0, Phase::Wait, 11.0, 12.0),
                    span(1, 0, Phase::Wait, 12.0, 13.0),
                    span(1, 1, Phase::Compute, 13.0, 13.5),
                ],
                losses: vec![0.69, 0.5],
                weights: vec![1.0, 2.0],
            },
        ];
        Trained::new(
            Rung::Threads,
            Training::new(3, 1, 256, 2),
            Reduce::ToOne,
            reports,
            10.0,
            TrainOutcome::Completed,
        )
    }

    fn record() -> TrainedRecord {
        TrainedRecord {
            machine: crate::engine::travel::fixtures::machine(),
            asked: TrainAsk::default(),
            gpu: Some("No WebGPU.".into()),
            software: None,
            ladder: vec![run()],
            strong: vec![],
            weak: vec![run()],
        }
    }

    #[test]
    fn the_report_holds_the_asked_numbers_and_every_figure() {
        let text = trained_report_json(&record(), &Environment::default());
        let root = parse(&text).expect("valid JSON");
        assert_eq!(root.get("kind"), Some(&Json::Str("training".into())));
        for part in [
            "\"rung\": \"threads\"",
            "\"devices\": 2",
            "\"reduce\": \"to-one\"",
            "\"wall_ms\": 4",
            "\"ms_per_step\": 3",
            "\"step_ms\": [3, 1]",
            "\"losses\": [0.69, 0.5]",
            "\"last_loss\": 0.5",
            "\"allreduce_share\": 0.25",
            "\"weights\": 2",
            "\"webgpu\": \"No WebGPU.\"",
            "\"software_adapter\": null",
            "\"scaling_up\": []",
            "\"batch\": 16384",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
    }

    #[test]
    fn opened_again_the_report_is_declined_in_words() {
        let text = trained_report_json(&record(), &Environment::default());
        let why = from_report_json(&text).expect_err("declined").0;
        assert!(why.contains("training card"), "{why}");
    }

    #[test]
    fn the_trace_has_every_phase_on_its_device() {
        let r = run();
        let json = trained_chrome_trace(&[&r]);
        assert!(parse(&json).is_ok(), "{json}");
        assert_eq!(json.matches("\"ph\": \"X\"").count(), 8);
        assert!(
            json.contains("{\"name\": \"step 1\", \"cat\": \"all-reduce\", \"ph\": \"X\", \"ts\": 2000, \"dur\": 500, \"pid\": 1, \"tid\": 1}"),
            "{json}"
        );
        assert!(
            json.contains("\"args\": {\"name\": \"device 2\"}"),
            "{json}"
        );
        assert!(
            json.contains("run 1: SIMD, every thread, 256 samples a step, 2 devices"),
            "{json}"
        );
    }
}
