//! Result links and reports are opened by strangers. Native tests of the
//! record: every field survives encode → decode (and report → reader)
//! exactly; versions and bounds are checked; and property tests feed the
//! decoders 10,000 generated inputs each — mutated real records, random
//! bytes, hostile JSON — which must never panic, and whatever they accept
//! must be within the bounds the page draws with.

use crate::common::proptest_config;
use crate::harness::tests;
use conpar::engine::environment::Environment;
use conpar::engine::plan::Strategy as CounterStrategy;
use conpar::engine::plan::to_query;
use conpar::engine::plan::{Assignment, Field, MAX_LANES, Mode, Settings, Sizes, Waits, Workload};
use conpar::engine::record::Tally;
use conpar::engine::record::{FrameStats, Lane, Outcome, Span, SpanKind, Trace};
use conpar::engine::travel::report_json;
use conpar::engine::travel::{
    Kind, LINK_BUDGET_BYTES, MAX_DECOMPRESSED_BYTES, MAX_RUNS, MAX_SPANS_PER_RUN, MAX_TIME_MS,
    MAX_TOTAL_SPANS, Machine, Recorded, VERSION, decode, encode, from_report_json, validate,
};
use conpar::engine::travel::{base64url_decode, base64url_encode};
use proptest::prelude::*;

tests![
    a_sweep_round_trips_every_field_exactly,
    lock_waits_and_counter_tallies_travel,
    a_sweep_saved_as_a_report_reads_back_as_a_sweep,
    every_field_round_trips_exactly,
    every_setting_travels_with_the_runs,
    the_report_reads_back_what_report_json_writes,
    control_characters_in_messages_are_dropped_by_both_readers,
    other_versions_and_damage_are_refused,
    bounds_are_checked,
    typical_comparison_record_is_compact,
    damaged_records_never_panic,
    random_bytes_never_panic,
    random_fragments_never_panic,
    hostile_reports_never_panic,
    generated_runs_round_trip,
    a_report_of_millions_of_values_is_refused,
];

/// A time in whole microseconds, as the record carries them.
fn us(x: u64) -> f64 {
    x as f64 / 1000.0
}

fn machine() -> Machine {
    Machine {
        logical_cores: 16,
        pool_threads: 15,
        cross_origin_isolated: true,
        browser: "Chromium 156".into(),
        date: "2026-11-26".into(),
    }
}

/// A run shaped like the page's: `tasks` tasks, each sliced `slices` times,
/// round-robin on `lanes` lanes (Main for the main-thread modes).
fn synthetic_run(mode: Mode, tasks: u32, lanes: u32, slices: u32, seed: u64) -> Trace {
    let mut spans = Vec::new();
    let mut clock = vec![0u64; lanes as usize];
    let mut rng = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    let mut next = || {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        rng >> 33
    };
    for round in 0..slices {
        for task in 0..tasks {
            let l = if mode.uses_pool() {
                (task + round) % lanes
            } else {
                0
            };
            let lane = if mode.uses_pool() {
                Lane::Worker(l as u16)
            } else {
                Lane::Main
            };
            let start = clock[l as usize] + next() % 40;
            let end = start + 4_000 + next() % 2_000;
            clock[l as usize] = end;
            spans.push(Span {
                task,
                lane,
                kind: if mode == Mode::Both && round == 0 {
                    SpanKind::Wait
                } else {
                    SpanKind::Run
                },
                start: us(start),
                end: us(end),
            });
        }
    }
    spans.sort_by(|a, b| a.start.total_cmp(&b.start));
    let end = clock.iter().copied().max().unwrap_or(0) + 321;
    let mut t = Trace::new(mode, lanes, tasks, 0.0, us(end), spans);
    t.origin_ms = us(1_764_130_000_123_456);
    t.frames = FrameStats {
        frames: 120,
        longest_gap_ms: us(33_417),
        long_gaps: 1,
        dropped: 3,
    };
    t.checksum = 0x0123_4567_89ab_cdef ^ seed;
    t.slices = tasks * slices;
    t
}

fn comparison(tasks: u32, slices: u32) -> Recorded {
    let settings = Settings {
        tasks,
        workload: Workload::Cpu,
        ..Settings::default()
    };
    let runs = Mode::ALL
        .iter()
        .enumerate()
        .map(|(i, &m)| {
            let lanes = if m.uses_pool() { 4 } else { 1 };
            // The concurrent mode interleaves slices; the others run each task in one span.
            let s = if m == Mode::Concurrent { slices } else { 1 };
            synthetic_run(m, tasks, lanes, s, i as u64)
        })
        .collect();
    Recorded {
        settings,
        machine: machine(),
        kind: Kind::Modes,
        runs,
        summarised: None,
        prediction: None,
    }
}

/// A thread sweep as the page records it: the parallel mode on 1, 2, …
/// `threads` threads, each run its own task set's spans.
fn sweep(tasks: u32, threads: u32) -> Recorded {
    let settings = Settings {
        tasks,
        workload: Workload::Cpu,
        ..Settings::default()
    };
    let runs = (1..=threads)
        .map(|p| synthetic_run(Mode::Parallel, tasks, p, 1, u64::from(p)))
        .collect();
    Recorded {
        settings,
        machine: machine(),
        kind: Kind::Sweep,
        runs,
        summarised: None,
        prediction: None,
    }
}

fn a_sweep_round_trips_every_field_exactly() {
    let mut rec = sweep(64, 15);
    rec.runs[14].outcome = Outcome::Cancelled;
    rec.runs[14].finished = 40;
    rec.runs[14].cancel_latency_ms = Some(us(2_125));
    let back = decode(&encode(&rec)).expect("decodes");
    assert_eq!(back.kind, Kind::Sweep);
    assert_eq!(back, rec);
    let summary = rec.summarise();
    assert_eq!(decode(&encode(&summary)), Ok(summary));
}

/// A shared-counter sweep with a lock: lock-wait spans and each run's
/// tally travel in a link and in a report, exactly.
fn lock_waits_and_counter_tallies_travel() {
    let mut rec = sweep(16, 4);
    rec.settings = Settings {
        workload: Workload::Counter,
        strategy: CounterStrategy::Mutex,
        updates: 1_000,
        ..rec.settings.clone()
    };
    for (i, run) in rec.runs.iter_mut().enumerate() {
        let lane = run.spans[0].lane;
        run.spans
            .push(Span::new(3, lane, SpanKind::Lock, us(1_000), us(2_500)));
        run.spans.sort_by(|a, b| a.start.total_cmp(&b.start));
        run.counter = Some(Tally {
            strategy: CounterStrategy::Mutex,
            expected: 16_000,
            actual: 16_000 - i as u64,
        });
    }
    assert_eq!(decode(&encode(&rec)), Ok(rec.clone()));
    let env = Environment {
        date: "2026-11-26".into(),
        ..Environment::default()
    };
    let refs: Vec<&Trace> = rec.runs.iter().collect();
    let back = from_report_json(&report_json(&rec.settings, &env, &refs)).expect("reads");
    assert_eq!(back.runs, rec.runs);
}

fn a_sweep_saved_as_a_report_reads_back_as_a_sweep() {
    let rec = sweep(16, 4);
    let env = Environment {
        hardware_concurrency: 16,
        pool_threads: 15,
        cross_origin_isolated: true,
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.1.2 Safari/537.36".into(),
        date: "2026-11-26".into(),
        ..Environment::default()
    };
    let refs: Vec<&Trace> = rec.runs.iter().collect();
    let back = from_report_json(&report_json(&rec.settings, &env, &refs)).expect("reads");
    assert_eq!(back, rec);
}

fn every_field_round_trips_exactly() {
    let mut rec = comparison(64, 10);
    rec.runs[1].outcome = Outcome::Failed {
        task: 7,
        message: "task 8 failed on purpose <b>\"quoted\"</b>".into(),
    };
    rec.runs[1].finished = 63;
    rec.runs[2].outcome = Outcome::Cancelled;
    rec.runs[2].cancel_latency_ms = Some(us(4_250));
    rec.settings.fail_task = Some(8);
    let back = decode(&encode(&rec)).expect("decodes");
    assert_eq!(back, rec);
}

/// Every setting travels with the runs, the scenario's included: each number
/// at its largest (the longest query a record carries), each choice of task
/// sizes, assignment and waits. A setting travels as a settings link writes
/// it (the skew only with skewed sizes, where it means something), so the
/// settings read back describe the same experiment: the same link query.
fn every_setting_travels_with_the_runs() {
    for &sizes in Sizes::ALL {
        for &assignment in Assignment::ALL {
            for &waits in Waits::ALL {
                let mut settings = Settings {
                    sizes,
                    assignment,
                    waits,
                    fail_task: Some(3),
                    ..Settings::default()
                };
                for field in Field::ALL {
                    field.set(&mut settings, field.bounds().max);
                }
                // 8 tasks, and the serial reduce (at its largest share) after them.
                Field::Tasks.set(&mut settings, 8);
                let (settings, _) = settings.clamped();
                assert_eq!(settings.task_count(), 9);
                let mut rec = comparison(settings.task_count(), 2);
                for run in &mut rec.runs {
                    run.reduce = true; // its last task is the reduce, as its settings say
                }
                rec.settings = settings;
                let query = to_query(&rec.settings);
                let back = decode(&encode(&rec)).expect("decodes");
                assert_eq!(to_query(&back.settings), query);
                assert_eq!(back.settings.sizes, sizes);
                assert_eq!(back.settings.assignment, assignment);
                assert_eq!(back.settings.waits, waits);
                assert_eq!(
                    Recorded {
                        settings: rec.settings.clone(),
                        ..back
                    },
                    rec
                );
                let refs: Vec<&Trace> = rec.runs.iter().collect();
                let json = report_json(&rec.settings, &Environment::default(), &refs);
                let from_json = from_report_json(&json).expect("reads");
                assert_eq!(to_query(&from_json.settings), query);
            }
        }
    }
}

fn the_report_reads_back_what_report_json_writes() {
    let mut rec = comparison(64, 10);
    rec.runs[3].outcome = Outcome::Failed {
        task: 2,
        message: "boom \"x\" <b>é</b>".into(),
    };
    rec.runs[0].cancel_latency_ms = Some(us(1_500));
    let env = Environment {
        cross_origin_isolated: true,
        hardware_concurrency: 16,
        pool_threads: 15,
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.1.2 Safari/537.36".into(),
        date: "2026-11-26".into(),
        ..Environment::default()
    };
    let refs: Vec<&Trace> = rec.runs.iter().collect();
    let json = report_json(&rec.settings, &env, &refs);
    let back = from_report_json(&json).expect("reads the report");
    for (b, r) in back.runs.iter().zip(&rec.runs) {
        assert_eq!(b.spans, r.spans);
        assert_eq!(
            Trace {
                spans: Vec::new(),
                ..b.clone()
            },
            Trace {
                spans: Vec::new(),
                ..r.clone()
            }
        );
    }
    assert_eq!(back, rec);
}

fn control_characters_in_messages_are_dropped_by_both_readers() {
    let mut rec = comparison(4, 1);
    rec.runs[0].outcome = Outcome::Failed {
        task: 1,
        message: "a\u{1}b\nc\u{202e}".into(),
    };
    let refs: Vec<&Trace> = rec.runs.iter().collect();
    let from_json = from_report_json(&report_json(&rec.settings, &Environment::default(), &refs));
    let from_link = decode(&encode(&rec));
    for back in [from_json, from_link] {
        let back = back.expect("reads");
        assert_eq!(
            back.runs[0].outcome,
            Outcome::Failed {
                task: 1,
                message: "abc\u{202e}".into()
            }
        );
    }
}

fn other_versions_and_damage_are_refused() {
    let bytes = encode(&comparison(8, 2));
    let mut other = bytes.clone();
    other[3] = VERSION + 1;
    let err = decode(&other).unwrap_err();
    assert!(err.0.contains("different version"), "{err}");
    for cut in [0, 3, 10, bytes.len() / 2, bytes.len() - 1] {
        assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(decode(&longer).is_err(), "trailing bytes");
    assert!(decode(b"not a link").is_err());
    assert!(base64url_decode(&"A".repeat(300_000)).is_err(), "too long");
}

/// A way to break a good record.
type Breaker = Box<dyn Fn(&mut Recorded)>;

fn bounds_are_checked() {
    let good = comparison(8, 2);
    let cases: Vec<(&str, Breaker)> = vec![
        (
            "NaN start",
            Box::new(|r| r.runs[0].spans[0].start = f64::NAN),
        ),
        (
            "negative start",
            Box::new(|r| r.runs[0].spans[0].start = -1.0),
        ),
        (
            "backwards span",
            Box::new(|r| r.runs[0].spans[0].end = -0.5),
        ),
        (
            "absurd time",
            Box::new(|r| r.runs[0].spans[0].end = MAX_TIME_MS * 2.0),
        ),
        (
            "lane past the pool",
            Box::new(|r| r.runs[0].spans[0].lane = Lane::Worker(MAX_LANES as u16 + 5)),
        ),
        (
            "task past the run",
            Box::new(|r| r.runs[0].spans[0].task = 8),
        ),
        ("no runs", Box::new(|r| r.runs.clear())),
        (
            "infinite length",
            Box::new(|r| r.runs[0].duration_ms = f64::INFINITY),
        ),
        ("tasks disagree", Box::new(|r| r.runs[0].tasks = 9)),
        (
            "too many runs",
            Box::new(|r| {
                let run = r.runs[0].clone();
                r.runs = vec![run; MAX_RUNS + 1];
            }),
        ),
        ("bad date", Box::new(|r| r.machine.date = "<script>".into())),
    ];
    assert!(validate(&good).is_ok());
    for (name, break_it) in cases {
        let mut r = good.clone();
        break_it(&mut r);
        assert!(validate(&r).is_err(), "{name} was accepted");
    }
}

/// Sizes of links, printed for the report: the binary record and how it
/// compresses is measured in the browser (CompressionStream); here, the raw
/// record must stay small enough that the budget is plausible.
fn typical_comparison_record_is_compact() {
    let rec = comparison(64, 10);
    let raw = encode(&rec);
    let spans = rec.span_count();
    println!(
        "4 modes x 64 tasks: {spans} spans, {} bytes raw, {} chars base64url uncompressed",
        raw.len(),
        base64url_encode(&raw).len()
    );
    // Even uncompressed (deflate only makes it smaller, or adds a few bytes
    // to incompressible data), a typical comparison fits the link budget.
    assert!(
        base64url_encode(&raw).len() < LINK_BUDGET_BYTES,
        "{} bytes",
        raw.len()
    );
    let summary = rec.summarise();
    assert!(summary.span_count() == 64 * 4);
    assert!(encode(&summary).len() < LINK_BUDGET_BYTES);
}

// ---------------------------------------------------------------- properties

/// Whatever a decoder accepts is within the bounds the page relies on.
fn assert_bounded(r: &Recorded) {
    assert!(!r.runs.is_empty() && r.runs.len() <= MAX_RUNS);
    assert!(r.span_count() <= MAX_TOTAL_SPANS);
    for t in &r.runs {
        assert!(t.lanes >= 1 && t.lanes <= MAX_LANES);
        assert!(t.finished <= t.tasks);
        assert!(t.duration_ms.is_finite() && (0.0..=MAX_TIME_MS).contains(&t.duration_ms));
        assert!(t.spans.len() <= MAX_SPANS_PER_RUN);
        for s in &t.spans {
            assert!(s.task < t.tasks);
            assert!(s.lane.row() <= MAX_LANES as usize);
            assert!(s.start.is_finite() && s.end.is_finite());
            assert!(0.0 <= s.start && s.start <= s.end && s.end <= MAX_TIME_MS);
        }
    }
    assert!(validate(r).is_ok());
}

/// Real records, then damaged: bytes flipped, cut, inserted, or varints
/// blown up to absurd counts.
fn mutated_record() -> impl Strategy<Value = Vec<u8>> {
    (
        1u32..40,
        1u32..6,
        proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..4), 0..6),
        any::<bool>(),
    )
        .prop_map(|(tasks, slices, edits, is_sweep)| {
            let mut bytes = encode(&if is_sweep {
                sweep(tasks, slices)
            } else {
                comparison(tasks, slices)
            });
            for (at, value, how) in edits {
                if bytes.is_empty() {
                    break;
                }
                let i = at % bytes.len();
                match how {
                    0 => bytes[i] = value,
                    1 => bytes.truncate(i),
                    2 => bytes.insert(i, value),
                    _ => {
                        // A huge varint where a count was: 0xff… then a stop.
                        for _ in 0..9 {
                            bytes.insert(i, 0xff);
                        }
                    }
                }
            }
            bytes
        })
}

fn json_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1e309".to_string()),
        Just("-1".to_string()),
        Just("NaN".to_string()),
        Just("null".to_string()),
        Just("\"<img src=x onerror=alert(1)>\"".to_string()),
        Just("\"worker 99999\"".to_string()),
        Just("[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|x| x.to_string()),
        "[ -~]{0,12}".prop_map(|s| format!("{s:?}")),
    ]
}

/// A real report with one value replaced, or a cut, or garbage.
fn hostile_report() -> impl Strategy<Value = String> {
    let base = {
        let rec = comparison(6, 2);
        let refs: Vec<&Trace> = rec.runs.iter().collect();
        report_json(&rec.settings, &Environment::default(), &refs)
    };
    let keys = vec![
        "\"tasks\": ",
        "\"threads\": ",
        "\"start_ms\": ",
        "\"end_ms\": ",
        "\"task\": ",
        "\"lane\": ",
        "\"makespan_ms\": ",
        "\"finished\": ",
        "\"hardware_concurrency\": ",
        "\"link_query\": ",
        "\"checksum\": ",
    ];
    prop_oneof![
        (proptest::sample::select(keys), json_value(), any::<usize>()).prop_map({
            let base = base.clone();
            move |(key, value, nth)| {
                let hits: Vec<usize> = base.match_indices(key).map(|(i, _)| i).collect();
                let at = hits[nth % hits.len()] + key.len();
                let end = base[at..].find([',', '}']).map_or(base.len(), |e| at + e);
                format!("{}{}{}", &base[..at], value, &base[end..])
            }
        }),
        any::<usize>().prop_map({
            let base = base.clone();
            move |cut| base[..cut % base.len()].to_string()
        }),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(proptest_config(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/result_links.proptest-regressions")))]

    fn damaged_records_never_panic(bytes in mutated_record()) {
        if let Ok(r) = decode(&bytes) {
            assert_bounded(&r);
        }
    }

    fn random_bytes_never_panic(
        tail in proptest::collection::vec(any::<u8>(), 0..200),
        header in 0u8..=VERSION,
    ) {
        // No header, or one of each version read.
        let mut bytes = if header == 0 { Vec::new() } else { vec![b'C', b'P', b'R', header] };
        bytes.extend(tail);
        if let Ok(r) = decode(&bytes) {
            assert_bounded(&r);
        }
    }

    fn random_fragments_never_panic(text in "[A-Za-z0-9_=+/<>%-]{0,300}") {
        if let Ok(bytes) = base64url_decode(&text) {
            prop_assert!(bytes.len() <= MAX_DECOMPRESSED_BYTES);
            if let Ok(r) = decode(&bytes) {
                assert_bounded(&r);
            }
        }
    }

    fn hostile_reports_never_panic(text in hostile_report()) {
        if let Ok(r) = from_report_json(&text) {
            assert_bounded(&r);
        }
    }

    fn generated_runs_round_trip(
        tasks in 1u32..200,
        slices in 1u32..8,
        seed in any::<u64>(),
        mode in proptest::sample::select(Mode::ALL.to_vec()),
        lanes in 1u32..=MAX_LANES,
    ) {
        let run = synthetic_run(mode, tasks, lanes, slices, seed);
        let rec = Recorded {
            settings: Settings { tasks, ..Settings::default() },
            machine: machine(),
            kind: Kind::Modes,
            runs: vec![run],
            summarised: None,
            prediction: None,
        };
        prop_assert_eq!(decode(&encode(&rec)), Ok(rec.clone()));
        let text = base64url_encode(&encode(&rec));
        prop_assert_eq!(base64url_decode(&text), Ok(encode(&rec)));
    }
}

/// A report file's JSON tree is bounded while it is built: a file of nothing
/// but millions of zeros is refused, not parsed into hundreds of megabytes.
fn a_report_of_millions_of_values_is_refused() {
    let mut text = String::from("[");
    text.push_str(&"0,".repeat(2_100_000));
    text.push('0');
    text.push(']');
    let err = conpar::engine::travel::from_report_json(&text).unwrap_err();
    assert!(err.to_string().contains("more values"), "{err}");
}
