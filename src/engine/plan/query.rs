//! Settings in a link: `?mode=parallel&workload=cpu&tasks=8&work_ms=50…`.
//!
//! Links are opened by strangers, so parsing never fails: anything unknown,
//! repeated, malformed, fractional or out of bounds is reported as a
//! [`Notice`] and the setting keeps its default (or the nearest allowed
//! value). Values are echoed
//! in notices only shortened and stripped of control characters; the page
//! renders notices as text, never as HTML.

use super::{
    Assignment, Field, Mode, Notice, POOL_PER_CORE, Settings, Sizes, Strategy, Waits, Workload,
};
use crate::engine::work::Kernel;
use std::collections::BTreeSet;

/// At most this many notices are listed; the rest are counted in one more.
pub const MAX_NOTICES: usize = 8;

/// The longest piece of a bad value quoted back in a notice.
const MAX_QUOTE: usize = 24;

/// Reads settings from a query string (with or without its leading `?`).
pub fn parse_query(query: &str) -> (Settings, Vec<Notice>) {
    let mut settings = Settings::default();
    let mut notices = Vec::new();
    let mut seen = BTreeSet::new();
    let query = query.strip_prefix('?').unwrap_or(query);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(raw_key);
        let value = percent_decode(raw_value);
        // The server card's and the training card's numbers: read (and
        // their repeats said) by `server_from_query`, `train_from_query`.
        if key.starts_with(super::SERVER_PREFIX) || key.starts_with(super::TRAIN_PREFIX) {
            continue;
        }
        if !seen.insert(key.clone()) {
            notices.push(Notice::new(
                quote(&key),
                "given more than once; the first value is used",
            ));
            continue;
        }
        let value = value.trim();
        if let Err(message) = apply(&mut settings, &key, value) {
            notices.push(Notice::new(quote(&key), message));
        }
    }
    let (settings, clamps) = settings.clamped();
    notices.extend(clamps);
    (settings, cap_notices(notices))
}

/// The pool a page opened with `query` starts on a machine of `cores`
/// logical cores, and what to tell the person about the link's `pool`
/// value: one notice, also when the link's value was beyond every
/// machine's bound before it was beyond this one's (`?pool=999` on 2
/// cores: "was 999: at most 8 on this machine…", not a notice for each
/// bound). `None` when the pool is what the link asked for, or when only
/// the link's bound cut it (then [`parse_query`]'s notice says it).
pub fn pool_from_link(query: &str, cores: u32) -> (u32, Option<Notice>) {
    let (settings, _) = parse_query(query);
    let (size, notice) = settings.pool_size(cores);
    let Some(notice) = notice else {
        return (size, None);
    };
    let key = Field::Pool.key();
    let written = query
        .strip_prefix('?')
        .unwrap_or(query)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| percent_decode(k) == key)
        .map(|(_, v)| percent_decode(v).trim().to_string());
    let Some(written) = written.filter(|w| *w != settings.pool.to_string()) else {
        return (size, Some(notice));
    };
    (
        size,
        Some(Notice::new(
            key,
            format!(
                "{} was {}: at most {size} on this machine ({POOL_PER_CORE} per logical core), so {size} are used",
                Field::Pool.label(),
                quote(&written)
            ),
        )),
    )
}

/// Sets one key; `Err` says why the value was not taken as given.
fn apply(s: &mut Settings, key: &str, value: &str) -> Result<(), String> {
    // Names are matched case-insensitively: `mode=Parallel` is clear enough.
    let name = value.to_ascii_lowercase();
    match key {
        "mode" => {
            s.mode = Mode::from_name(&name)
                .ok_or_else(|| unknown("mode", value, Mode::ALL.map(Mode::name), s.mode.name()))?;
        }
        "workload" => {
            s.workload = Workload::from_name(&name).ok_or_else(|| {
                unknown(
                    "workload",
                    value,
                    Workload::ALL.map(Workload::name),
                    s.workload.name(),
                )
            })?;
        }
        "kernel" => {
            s.kernel = Kernel::from_name(&name).ok_or_else(|| {
                unknown(
                    "kernel",
                    value,
                    Kernel::ALL.map(Kernel::name),
                    s.kernel.name(),
                )
            })?;
        }
        "sizes" => {
            s.sizes = Sizes::from_name(&name).ok_or_else(|| {
                unknown_of(
                    "sizes",
                    value,
                    Sizes::ALL.iter().map(|v| v.name()),
                    s.sizes.name(),
                )
            })?;
        }
        "assign" => {
            s.assignment = Assignment::from_name(&name).ok_or_else(|| {
                unknown_of(
                    "assignment",
                    value,
                    Assignment::ALL.iter().map(|v| v.name()),
                    s.assignment.name(),
                )
            })?;
        }
        "strategy" => {
            s.strategy = Strategy::from_name(&name).ok_or_else(|| {
                unknown_of(
                    "strategy",
                    value,
                    Strategy::ALL.iter().map(|v| v.name()),
                    s.strategy.name(),
                )
            })?;
        }
        "waits" => {
            s.waits = Waits::from_name(&name).ok_or_else(|| {
                unknown_of(
                    "waits",
                    value,
                    Waits::ALL.iter().map(|v| v.name()),
                    s.waits.name(),
                )
            })?;
        }
        _ => {
            let Some(field) = Field::ALL.into_iter().find(|f| f.key() == key) else {
                return Err("not a setting conpar knows; ignored".into());
            };
            // Cross-field bounds (jitter within latency...) are left to
            // `Settings::clamped`; the static bounds are checked here, where
            // the number may still be negative, fractional or beyond u32.
            let (used, message) = read_number(field, value, field.bounds().max, field.get(s));
            field.set(s, used);
            if let Some(message) = message {
                return Err(message);
            }
        }
    }
    Ok(())
}

fn unknown<const N: usize>(what: &str, value: &str, allowed: [&str; N], kept: &str) -> String {
    unknown_of(what, value, allowed.into_iter(), kept)
}

fn unknown_of<'a>(
    what: &str,
    value: &str,
    allowed: impl Iterator<Item = &'a str>,
    kept: &str,
) -> String {
    format!(
        "unknown {what} “{}” (one of {}); kept {kept}",
        quote(value),
        allowed.collect::<Vec<_>>().join(", ")
    )
}

/// The value `field` takes from `value` (typed in its number field or given
/// in a link): rounded to an integer and brought within the field's minimum
/// and `max`. The message, if any, says what was done to the value as given;
/// anything that is not a number keeps `kept`.
pub fn read_number(field: Field, value: &str, max: u32, kept: u32) -> (u32, Option<String>) {
    let value = value.trim();
    let Some((number, exact)) = parse_number(value) else {
        let message = if value.is_empty() {
            format!("no number given; kept {kept}")
        } else {
            format!("“{}” is not a number; kept {kept}", quote(value))
        };
        return (kept, Some(message));
    };
    let min = field.bounds().min;
    let max = max.clamp(min, field.bounds().max);
    let used = number.clamp(i64::from(min), i64::from(max)) as u32;
    let message = if i64::from(used) != number {
        Some(format!(
            "{} was {}, set to {used} (allowed {min}–{max})",
            field.label(),
            quote(value)
        ))
    } else if !exact {
        Some(format!(
            "{} was {}, rounded to {used}",
            field.label(),
            quote(value)
        ))
    } else {
        None
    };
    (used, message)
}

/// An integer, or a finite decimal rounded to the nearest integer, with
/// whether it was one already; `None` for anything else (empty, NaN,
/// infinity, words).
fn parse_number(value: &str) -> Option<(i64, bool)> {
    if let Ok(n) = value.parse::<i64>() {
        return Some((n, true));
    }
    let x: f64 = value.parse().ok()?;
    if !x.is_finite() {
        return None;
    }
    let rounded = x.round();
    // `as` saturates at the i64 bounds, which the clamp then reports.
    Some((rounded as i64, rounded == x))
}

/// Percent-decoding, with `+` as a space (the form encoding browsers use).
/// Malformed escapes are kept as they are; invalid UTF-8 becomes U+FFFD.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len()
                && hex(bytes[i + 1]).is_some()
                && hex(bytes[i + 2]).is_some() =>
            {
                out.push(hex(bytes[i + 1]).unwrap_or(0) * 16 + hex(bytes[i + 2]).unwrap_or(0));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// A value shortened and stripped of control and text-direction characters
/// (which could make a notice read backwards), fit to quote back.
pub(super) fn quote(value: &str) -> String {
    let printable = |c: &char| {
        !c.is_control()
            && !('\u{202a}'..='\u{202e}').contains(c)
            && !('\u{2066}'..='\u{2069}').contains(c)
    };
    let mut out: String = value.chars().filter(printable).take(MAX_QUOTE).collect();
    if value.chars().filter(printable).count() > MAX_QUOTE {
        out.push('…');
    }
    out
}

pub(super) fn cap_notices(mut notices: Vec<Notice>) -> Vec<Notice> {
    if notices.len() > MAX_NOTICES {
        let more = notices.len() - (MAX_NOTICES - 1);
        notices.truncate(MAX_NOTICES - 1);
        notices.push(Notice::new(
            "link",
            format!("{more} more problems in the link were ignored"),
        ));
    }
    notices
}

/// The query string (without `?`) that restores `s`.
pub fn to_query(s: &Settings) -> String {
    let mut parts = vec![
        format!("mode={}", s.mode.name()),
        format!("workload={}", s.workload.name()),
        format!("kernel={}", s.kernel.name()),
    ];
    // The scenario knobs only when they differ from the defaults: the links
    // of plain experiments stay as short as they were.
    let plain = Settings::default();
    if s.sizes != plain.sizes {
        parts.push(format!("sizes={}", s.sizes.name()));
    }
    if s.assignment != plain.assignment {
        parts.push(format!("assign={}", s.assignment.name()));
    }
    if s.waits != plain.waits {
        parts.push(format!("waits={}", s.waits.name()));
    }
    if s.workload == Workload::Counter || s.strategy != plain.strategy {
        parts.push(format!("strategy={}", s.strategy.name()));
    }
    for field in Field::ALL {
        let value = field.get(s);
        let skew = matches!(field, Field::SkewEvery | Field::SkewFactor);
        let shown = field.always_in_links()
            || (skew && s.sizes == Sizes::Skewed)
            || (!skew && value != field.get(&plain));
        if shown {
            parts.push(format!("{}={value}", field.key()));
        }
    }
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `query` and checks the notices' fields (in order) and `check` on the settings.
    fn check(query: &str, expected_notices: &[&str], check: impl Fn(&Settings) -> bool) {
        let (s, notices) = parse_query(query);
        let fields: Vec<&str> = notices.iter().map(|n| n.field.as_str()).collect();
        assert_eq!(fields, expected_notices, "{query}: {notices:?}");
        assert!(check(&s), "{query}: {s:?}");
    }

    #[test]
    fn round_trips_every_setting() {
        let s = Settings {
            mode: Mode::Both,
            workload: Workload::Mixed,
            kernel: Kernel::Mandelbrot,
            tasks: 123,
            work_ms: 45,
            latency_ms: 300,
            jitter_ms: 30,
            lanes: 3,
            slice_ms: 7,
            seed: 99,
            fail_task: Some(5),
            sizes: Sizes::Skewed,
            skew_every: 4,
            skew_factor: 6,
            assignment: Assignment::Static,
            serial_pct: 20,
            waits: Waits::Exponential,
            handle_us: 0,
            pool: 8,
            strategy: Strategy::Mutex,
            updates: 5_000,
            lock_pct: 30,
        };
        let q = to_query(&s);
        assert_eq!(
            q,
            "mode=both&workload=mixed&kernel=mandelbrot&sizes=skewed&assign=static&waits=exponential&strategy=mutex&tasks=123&work_ms=45&latency_ms=300&jitter_ms=30&threads=3&slice_ms=7&seed=99&fail_task=5&skew_every=4&skew_factor=6&serial_pct=20&pool=8&updates=5000&lock_pct=30"
        );
        assert_eq!(parse_query(&format!("?{q}")), (s, vec![]));
        assert_eq!(parse_query(""), (Settings::default(), vec![]));
        assert!(!to_query(&Settings::default()).contains("fail_task"));
        // Every scenario value round-trips, each on its own.
        for &sizes in Sizes::ALL {
            for &assignment in Assignment::ALL {
                for &waits in Waits::ALL {
                    let s = Settings {
                        workload: Workload::Io,
                        sizes,
                        assignment,
                        waits,
                        handle_us: 250,
                        ..Settings::default()
                    };
                    assert_eq!(parse_query(&to_query(&s)), (s, vec![]));
                }
            }
        }
        // Plain links are what they were before the scenario knobs.
        assert_eq!(
            to_query(&Settings::default()),
            "mode=parallel&workload=cpu&kernel=primes&tasks=8&work_ms=50&latency_ms=200&jitter_ms=0&threads=2&slice_ms=5&seed=1"
        );
    }

    #[test]
    fn bad_links_give_notices_and_safe_settings() {
        let d = Settings::default();
        check("tasks=0", &["tasks"], |s| s.tasks == 1);
        check("tasks=-5", &["tasks"], |s| s.tasks == 1);
        check("tasks=99999999999999999999999", &["tasks"], |s| {
            s.tasks == Field::Tasks.bounds().max
        });
        check("tasks=NaN", &["tasks"], |s| s.tasks == d.tasks);
        check("tasks=inf", &["tasks"], |s| s.tasks == d.tasks);
        check("tasks=", &["tasks"], |s| s.tasks == d.tasks);
        check("tasks", &["tasks"], |s| s.tasks == d.tasks);
        check("tasks=12.6", &["tasks"], |s| s.tasks == 13);
        check("tasks=12.0", &[], |s| s.tasks == 12);
        check("tasks=0.4", &["tasks"], |s| s.tasks == 1);
        check("fail_task=-0.4", &["fail_task"], |s| s.fail_task.is_none());
        check("tasks=1e3", &[], |s| s.tasks == 1000);
        check("tasks=4&tasks=9", &["tasks"], |s| s.tasks == 4);
        check("mode=turbo", &["mode"], |s| s.mode == d.mode);
        check("mode=Concurrent", &[], |s| s.mode == Mode::Concurrent);
        check("workload=%3Cscript%3E", &["workload"], |s| {
            s.workload == d.workload
        });
        check("colour=red", &["colour"], |s| *s == d);
        check("threads=1000", &["threads"], |s| s.lanes == 64);
        check("latency_ms=100&jitter_ms=500", &["jitter_ms"], |s| {
            s.jitter_ms == 100
        });
        check("&&&=&==&", &["", ""], |s| *s == d);
        check("%zz=1", &["%zz"], |s| *s == d);
        check("tasks=%E2%80%AE8", &["tasks"], |s| s.tasks == d.tasks);
        // The scenario knobs, hostile values included.
        check(
            "sizes=Skewed&skew_every=0&skew_factor=1e9",
            &["skew_every", "skew_factor"],
            |s| s.sizes == Sizes::Skewed && s.skew_every == 2 && s.skew_factor == 100,
        );
        check("assign=guided", &["assign"], |s| {
            s.assignment == d.assignment
        });
        check("waits=%3Cimg%3E", &["waits"], |s| s.waits == d.waits);
        check("serial_pct=100", &["serial_pct"], |s| s.serial_pct == 90);
        check("workload=io&serial_pct=30", &["serial_pct"], |s| {
            s.serial_pct == 0
        });
        check("pool=-3", &["pool"], |s| s.pool == 0);
        check("pool=1000", &["pool"], |s| s.pool == 64);
        check("handle_us=NaN", &["handle_us"], |s| s.handle_us == 0);
    }

    #[test]
    fn a_typed_number_says_what_was_done_to_it() {
        let said = |m: &str| Some(m.to_string());
        assert_eq!(
            read_number(Field::Tasks, "99999", 10_000, 8),
            (
                10_000,
                said("Tasks was 99999, set to 10000 (allowed 1–10000)")
            )
        );
        assert_eq!(
            read_number(Field::Tasks, "8.7", 10_000, 8),
            (9, said("Tasks was 8.7, rounded to 9"))
        );
        assert_eq!(read_number(Field::Tasks, " 12 ", 10_000, 8), (12, None));
        assert_eq!(read_number(Field::Tasks, "1e3", 10_000, 8), (1000, None));
        // The number field's maximum may be below the static one (the pool's size).
        assert_eq!(
            read_number(Field::Lanes, "64", 2, 2),
            (2, said("Threads (lanes) was 64, set to 2 (allowed 1–2)"))
        );
        assert_eq!(
            read_number(Field::Tasks, "", 10_000, 8),
            (8, said("no number given; kept 8"))
        );
        assert_eq!(
            read_number(Field::Tasks, "ten", 10_000, 8),
            (8, said("“ten” is not a number; kept 8"))
        );
    }

    #[test]
    fn notices_never_quote_much_or_control_characters() {
        let long = "x".repeat(100_000);
        let (_, notices) = parse_query(&format!("mode={long}&tasks=%0A%1B[31m"));
        for n in &notices {
            assert!(n.message.len() < 200, "{n:?}");
            assert!(!n.message.chars().any(char::is_control), "{n:?}");
        }
    }

    #[test]
    fn many_problems_are_summed_up() {
        let q: Vec<String> = (0..50).map(|i| format!("junk{i}=1")).collect();
        let (_, notices) = parse_query(&q.join("&"));
        assert_eq!(notices.len(), MAX_NOTICES);
        assert!(
            notices[MAX_NOTICES - 1].message.starts_with("43 more"),
            "{notices:?}"
        );
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a+b%20c"), "a b c");
        assert_eq!(percent_decode("%41%4a%4A"), "AJJ");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%e2%9c%93"), "✓");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
    }
    #[test]
    fn a_pool_beyond_both_bounds_is_said_once_with_the_value_asked() {
        // Beyond every machine's bound (64) and this one's (8 on 2 cores).
        let (size, notice) = pool_from_link("?pool=999", 2);
        let notice = notice.expect("a notice");
        assert_eq!(size, 8);
        assert_eq!(notice.field, "pool");
        assert!(
            notice.message.contains("999") && notice.message.contains("so 8 are used"),
            "{notice}"
        );
        // Within the link's bound, beyond this machine's: the machine's notice.
        let (size, notice) = pool_from_link("?pool=12", 2);
        assert_eq!(size, 8);
        assert!(
            notice
                .expect("a notice")
                .message
                .starts_with("12 pool threads asked for")
        );
        // Beyond the link's bound only: parse_query's notice says it, no second one.
        assert_eq!(pool_from_link("?pool=999", 16), (64, None));
        assert_eq!(pool_from_link("?pool=4", 2), (4, None));
        assert_eq!(pool_from_link("", 2), (2, None));
    }
}
