//! Share links are opened by strangers: property tests of query → settings
//! on 10,000 generated links each. No input may panic, every setting must end
//! within its bounds, and every value that was changed (clamped or rounded)
//! must be reported.

use crate::common::proptest_config;
use crate::harness::tests;
use conpar::engine::plan::Strategy as CounterStrategy;
use conpar::engine::plan::{
    Assignment, Field, MAX_LANES, MAX_SERIAL_PCT, Mode, Settings, Sizes, Waits, Workload,
};
use conpar::engine::plan::{MAX_NOTICES, parse_query, to_query};
use conpar::engine::work::Kernel;
use proptest::prelude::*;

tests![
    a_decimal_task_count_is_rounded_and_reported,
    any_link_gives_settings_within_bounds,
    every_clamp_is_reported,
    a_decimal_is_reported_with_the_value_given_and_the_value_used,
    a_link_made_by_the_page_restores_exactly,
];

/// The link keys conpar knows, and a few it does not.
fn key() -> impl Strategy<Value = String> {
    let known: Vec<String> = Field::ALL
        .iter()
        .map(|f| f.key().to_string())
        .chain(["mode", "workload", "kernel"].map(String::from))
        .collect();
    prop_oneof![
        4 => proptest::sample::select(known),
        1 => "[a-z_]{0,12}",
        1 => any::<String>(),
    ]
}

/// Values of every kind: numbers of any size and form, names, garbage,
/// markup, control and direction characters, percent escapes.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (-20_000i64..20_000).prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|x| x.to_string()),
        proptest::sample::select(vec![
            "",
            "NaN",
            "-0",
            "1e308",
            "-inf",
            "0x10",
            "1_000",
            " 7 ",
            "+5",
            "8.5",
            "parallel",
            "CONCURRENT",
            "mandelbrot",
            "io",
            "<script>alert(1)</script>",
            "%3Cb%3E",
            "%",
            "%%",
            "%zz",
            "%E2%80%AE",
            "\u{202e}8",
            "\0",
            "１２",
        ])
        .prop_map(String::from),
        any::<String>(),
        "(%[0-9A-Fa-f]{2}){0,6}",
    ]
}

fn query() -> impl Strategy<Value = (String, usize)> {
    proptest::collection::vec((key(), value(), any::<bool>()), 0..12).prop_map(|pairs| {
        let n = pairs.len();
        let q = pairs
            .into_iter()
            .map(|(k, v, with_eq)| if with_eq { format!("{k}={v}") } else { k })
            .collect::<Vec<_>>()
            .join("&");
        (q, n)
    })
}

fn within_bounds(s: &Settings) -> Result<(), String> {
    for field in Field::ALL {
        let v = field.get(s);
        let b = field.bounds();
        if v < b.min || v > b.max {
            return Err(format!("{field:?} = {v} outside {b:?}"));
        }
    }
    if s.jitter_ms > s.latency_ms {
        return Err(format!("jitter {} > latency {}", s.jitter_ms, s.latency_ms));
    }
    if s.fail_task.is_some_and(|t| t > s.tasks) {
        return Err(format!("failing task {:?} of {}", s.fail_task, s.tasks));
    }
    if s.lanes > MAX_LANES {
        return Err(format!("{} lanes", s.lanes));
    }
    Ok(())
}

/// The value a link gave `key` first, as the parser reads numbers, if it is one.
fn first_number(query: &str, key: &str) -> Option<i64> {
    let value = query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (conpar::engine::plan::percent_decode(k) == key)
            .then(|| conpar::engine::plan::percent_decode(v))
    })?;
    let value = value.trim();
    value.parse::<i64>().ok().or_else(|| {
        let x: f64 = value.parse().ok()?;
        x.is_finite().then(|| x.round() as i64)
    })
}

/// The README's short link with a decimal: rounded, and said so.
fn a_decimal_task_count_is_rounded_and_reported() {
    let (s, notices) =
        parse_query("?mode=parallel&workload=cpu&kernel=primes&tasks=8.7&work_ms=50&threads=2");
    assert_eq!(s.tasks, 9);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].field, "tasks");
    assert_eq!(notices[0].message, "Tasks was 8.7, rounded to 9");
    // A whole number written with a decimal point is not changed, so not reported.
    assert_eq!(parse_query("tasks=8.0").1, vec![]);
}

proptest! {
    #![proptest_config(proptest_config(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/links.proptest-regressions")))]

    fn any_link_gives_settings_within_bounds((q, _) in query()) {
        let (s, notices) = parse_query(&q);
        prop_assert!(within_bounds(&s).is_ok(), "{q:?}: {:?}", within_bounds(&s));
        prop_assert!(notices.len() <= MAX_NOTICES);
        for n in &notices {
            prop_assert!(n.message.chars().count() < 240, "long notice {n:?}");
            prop_assert!(!n.message.chars().any(char::is_control), "control character in {n:?}");
            prop_assert!(!n.field.chars().any(char::is_control), "control character in {n:?}");
        }
    }

    fn every_clamp_is_reported((q, _) in query()) {
        let (s, notices) = parse_query(&q);
        let capped = notices.last().is_some_and(|n| n.field == "link");
        for field in Field::ALL {
            let Some(given) = first_number(&q, field.key()) else { continue };
            let kept = i64::from(field.get(&s));
            if given != kept && !capped {
                prop_assert!(
                    notices.iter().any(|n| n.field == field.key()),
                    "{q:?}: {} was {given}, became {kept}, and no notice says so: {notices:?}",
                    field.key()
                );
            }
        }
    }

    fn a_decimal_is_reported_with_the_value_given_and_the_value_used(
        field in proptest::sample::select(Field::ALL.to_vec()),
        whole in -100i64..20_000,
        tenths in 1u32..=9,
    ) {
        let given = format!("{whole}.{tenths}");
        let q = format!("{}={given}", field.key());
        let (s, notices) = parse_query(&q);
        let said: Vec<&str> = notices
            .iter()
            .filter(|n| n.field == field.key())
            .map(|n| n.message.as_str())
            .collect();
        let used = field.get(&s);
        prop_assert!(
            said.iter().any(|m| m.contains(&given)),
            "{q}: no notice quotes {given}: {notices:?}"
        );
        prop_assert!(
            said.iter().any(|m| m.contains(&format!("to {used}"))),
            "{q}: no notice gives the value used, {used}: {notices:?}"
        );
    }

    fn a_link_made_by_the_page_restores_exactly(
        mode in proptest::sample::select(Mode::ALL.to_vec()),
        workload in proptest::sample::select(Workload::ALL.to_vec()),
        kernel in proptest::sample::select(Kernel::ALL.to_vec()),
        tasks in 1u32..=10_000,
        work_ms in 1u32..=5_000,
        latency_ms in 1u32..=5_000,
        jitter in 0.0f64..=1.0,
        lanes in 1u32..=MAX_LANES,
        slice_ms in 1u32..=100,
        seed in any::<u32>(),
        fail in proptest::option::of(0.0f64..=1.0),
        sizes in proptest::sample::select(Sizes::ALL.to_vec()),
        skew_every in 2u32..=1_000,
        skew_factor in 1u32..=100,
        assignment in proptest::sample::select(Assignment::ALL.to_vec()),
        serial_pct in 0u32..=MAX_SERIAL_PCT,
        waits in proptest::sample::select(Waits::ALL.to_vec()),
        handle_us in 0u32..=100_000,
        pool in 0u32..=MAX_LANES,
        strategy in proptest::sample::select(CounterStrategy::ALL.to_vec()),
        updates in 1u32..=10_000_000,
        lock_pct in 0u32..=100,
    ) {
        let plain = Settings::default();
        let skewed = sizes == Sizes::Skewed;
        let s = Settings {
            // The shared counter runs on the pool only (other modes are
            // changed, with a notice).
            mode: if workload == Workload::Counter { Mode::Parallel } else { mode },
            workload, kernel, tasks, work_ms, latency_ms,
            jitter_ms: (jitter * f64::from(latency_ms)) as u32,
            lanes, slice_ms, seed,
            fail_task: fail.map(|f| 1 + (f * f64::from(tasks - 1)) as u32),
            sizes,
            // Links carry the skew only for skewed sizes, where it matters.
            skew_every: if skewed { skew_every } else { plain.skew_every },
            skew_factor: if skewed { skew_factor } else { plain.skew_factor },
            assignment,
            // A reduce needs computation (an I/O task with no handling has
            // none; counter updates are not computation to reduce).
            serial_pct: match workload {
                Workload::Io if handle_us == 0 => 0,
                Workload::Counter => 0,
                _ => serial_pct,
            },
            waits,
            handle_us,
            pool,
            strategy,
            updates,
            lock_pct,
        };
        let q = to_query(&s);
        prop_assert_eq!(parse_query(&q), (s, vec![]));
    }
}
