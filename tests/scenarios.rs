//! The scenario model run natively on rayon's pool, through the engine code
//! the browser runs: how lanes get their tasks (static blocks leave a lane
//! idle behind a heavy task; claiming and stealing do not), and MapReduce's
//! serial reduce, whose share the Amdahl fit finds again.
//!
//! Figures are taken on each lane's own CPU clock (`CLOCK_THREAD_CPUTIME_ID`):
//! what a lane computed, not how long the machine let it. Wall time on this
//! 2-core machine also measures every other program running (the test would
//! pass quiet and fail beside a compiler); the CPU clock does not move when
//! another program takes a core. Wall-clock makespans are the benchmark's
//! and the browser tests' business.

use crate::common::{cpu_rate, new_run, passes_within, thread_cpu_ms, two_cores_free};
use crate::harness::{Checked, Skip, skip, tests};
use conpar::engine::analysis::{fit_amdahl_with, sweep_points};
use conpar::engine::exec::{Clock, execute};
use conpar::engine::exec::{NativeLoop, run_native};
use conpar::engine::plan::{Assignment, Mode, Settings, Sizes, Stage, Workload};
use conpar::engine::record::{Lane, Outcome, SpanKind, Trace};
use conpar::engine::work::Kernel;
use conpar::engine::work::Rate;
use std::collections::BTreeMap;

tests![
    static_blocks_leave_a_lane_idle_behind_a_heavy_task,
    stealing_runs_every_task_once_and_shares_the_load,
    the_reduce_runs_after_the_map_on_one_lane_in_every_mode,
    a_failed_map_task_skips_the_reduce,
    the_fit_finds_the_configured_serial_fraction_of_map_reduce,
    only_the_last_task_is_the_reduce,
];

/// The lanes' clock in these tests: each lane's own CPU time.
#[derive(Debug, Clone, Copy)]
struct LaneCpuClock;

impl Clock for LaneCpuClock {
    fn now(&self) -> f64 {
        thread_cpu_ms()
    }
}

/// Runs `s` in the Parallel mode with `lanes` lanes stamping their spans on
/// their own CPU clocks.
fn run_on_cpu_clocks(s: &Settings, lanes: u32) -> Trace {
    futures::executor::block_on(execute(
        Mode::Parallel,
        new_run(s, cpu_rate()),
        &NativeLoop,
        &LaneCpuClock,
        lanes,
    ))
}

/// Each lane's computation in the run, in ms of its CPU time, and which
/// tasks it ran.
fn per_lane(t: &Trace) -> BTreeMap<Lane, (f64, Vec<u32>)> {
    let mut lanes: BTreeMap<Lane, (f64, Vec<u32>)> = BTreeMap::new();
    for s in t.spans.iter().filter(|s| s.kind == SpanKind::Run) {
        let entry = lanes.entry(s.lane).or_default();
        entry.0 += s.duration();
        if entry.1.last() != Some(&s.task) {
            entry.1.push(s.task);
        }
    }
    lanes
}

/// The busiest lane's computation: the makespan on a machine with a core
/// free for every lane.
fn busiest(t: &Trace) -> f64 {
    per_lane(t).values().map(|l| l.0).fold(0.0, f64::max)
}

/// 8 tasks, the first 8× heavier (a key frame), on 2 threads. Static
/// blocks give one lane the heavy task and three more (11 tasks' worth of
/// work against 4); claiming from the queue and stealing give the heavy task
/// a lane to itself (8 against 7). The issue asks static ≥ 1.3× dynamic.
///
/// What an assignment decides is the work each lane is given, so the
/// makespan is asserted in work: the busiest lane's kernel units (ideal
/// 11/8 = 1.375, whatever the machine). In CPU time the ratio is lower on
/// this machine, because two busy cores slow each other: dynamic keeps both
/// busy throughout while static's long lane finishes alone, faster. Measured
/// (2 cores, 2026-11-26, 5 runs): CPU-time ratio 1.30–1.38, i.e. a
/// co-running slowdown of up to 10 %; asserted ≥ 1.15, which fails only if
/// static stopped leaving a lane idle. Up to 3 attempts: in the CI run of
/// 2026-12-03 the CPU-time ratio read 0.78 once, both dynamic lanes running
/// at half speed ([`passes_within`]).
fn static_blocks_leave_a_lane_idle_behind_a_heavy_task() -> Checked {
    let s = Settings {
        workload: Workload::Cpu,
        kernel: Kernel::Primes,
        tasks: 8,
        work_ms: 15,
        lanes: 2,
        slice_ms: 5,
        sizes: Sizes::Skewed,
        skew_every: 8,
        skew_factor: 8,
        ..Settings::default()
    };
    let specs = s.task_specs(cpu_rate());
    let units_of = |t: &Trace| {
        per_lane(t)
            .values()
            .map(|l| l.1.iter().map(|&id| specs[id as usize].units).sum::<u64>())
            .max()
            .unwrap_or(0) as f64
    };
    let with = |assignment| {
        let t = run_on_cpu_clocks(
            &Settings {
                assignment,
                ..s.clone()
            },
            2,
        );
        assert_eq!(t.outcome, Outcome::Completed, "{assignment:?}");
        assert_eq!(t.finished, 8);
        t
    };
    // Dynamic and stealing give the heavy task a lane of its own only when
    // the two lanes really run side by side. Beside another program the
    // lanes take turns on about one core, and a claiming lane may well take
    // a light task after the heavy one (measured beside `yes`: the heavy
    // lane ran tasks 1 and 8, 3 runs of 4).
    let both_lanes = two_cores_free();
    let mut skipped = None;
    passes_within(3, "static against dynamic and stealing", || {
        let (stat, dynamic, stealing) = (
            with(Assignment::Static),
            with(Assignment::Dynamic),
            with(Assignment::Stealing),
        );
        let lanes = format!(
            "lanes: static {:?}, dynamic {:?}, stealing {:?}",
            per_lane(&stat),
            per_lane(&dynamic),
            per_lane(&stealing)
        );
        // Static: each lane ran exactly its block, in order.
        let mut blocks: Vec<Vec<u32>> = per_lane(&stat).into_values().map(|l| l.1).collect();
        blocks.sort();
        assert_eq!(blocks, [vec![0, 1, 2, 3], vec![4, 5, 6, 7]], "{lanes}");
        if let Err(Skip(why)) = &both_lanes {
            skipped = Some(why.clone());
            return Ok(lanes);
        }
        // A slow spell of one lane (the host) lets the other claim a light
        // task beside the heavy one too: retried like the times.
        for (name, t) in [("dynamic", &dynamic), ("stealing", &stealing)] {
            let heavy = per_lane(t).into_values().find(|l| l.1.contains(&0));
            if heavy.as_ref().map(|l| l.1.as_slice()) != Some(&[0]) {
                return Err(format!(
                    "{name}: the heavy task's lane ran {heavy:?} ({lanes})"
                ));
            }
        }
        let in_work = [
            units_of(&stat) / units_of(&dynamic),
            units_of(&stat) / units_of(&stealing),
        ];
        let in_cpu = [
            busiest(&stat) / busiest(&dynamic),
            busiest(&stat) / busiest(&stealing),
        ];
        let account = format!("in work {in_work:.3?}, in CPU time {in_cpu:.3?} ({lanes})");
        // The work is the assignment's, whatever the machine: never retried.
        assert!(in_work.iter().all(|&r| r >= 1.3), "{account}");
        if in_cpu.iter().all(|&r| r >= 1.15) {
            Ok(account)
        } else {
            Err(account)
        }
    })?;
    if let Some(why) = skipped {
        skip!("static's blocks checked, dynamic and stealing against them not: {why}");
    }
    Ok(())
}

/// Work stealing over many tasks: every task runs exactly once, and a lane
/// that finishes its block early takes work from the other.
fn stealing_runs_every_task_once_and_shares_the_load() {
    let s = Settings {
        workload: Workload::Cpu,
        tasks: 64,
        work_ms: 1,
        lanes: 2,
        slice_ms: 1,
        sizes: Sizes::Skewed, // task 1 alone is heavy: block 0 holds 71 ms, block 1 32 ms
        skew_every: 64,
        skew_factor: 40,
        assignment: Assignment::Stealing,
        ..Settings::default()
    };
    let t = run_native(Mode::Parallel, new_run(&s, cpu_rate()), 2);
    assert_eq!(t.outcome, Outcome::Completed);
    let mut ran: Vec<u32> = per_lane(&t).into_values().flat_map(|l| l.1).collect();
    ran.sort();
    assert_eq!(ran, (0..64).collect::<Vec<_>>(), "each task exactly once");
    let lanes = per_lane(&t);
    assert_eq!(lanes.len(), 2, "{lanes:?}");
    // Lane 1's own block (32..64) is light; it must have stolen from block 0.
    assert!(
        lanes
            .values()
            .any(|l| l.1.iter().any(|&id| id < 32) && l.1.iter().any(|&id| id >= 32)),
        "a lane ran tasks of both blocks: {lanes:?}"
    );
}

/// MapReduce: the reduce runs alone, on one lane, after every map task.
fn the_reduce_runs_after_the_map_on_one_lane_in_every_mode() {
    let s = Settings {
        workload: Workload::Mixed,
        tasks: 6,
        work_ms: 3,
        latency_ms: 5,
        lanes: 2,
        slice_ms: 1,
        serial_pct: 40,
        ..Settings::default()
    };
    for mode in Mode::ALL {
        let t = run_native(mode, new_run(&s, cpu_rate()), 2);
        assert_eq!(t.outcome, Outcome::Completed, "{mode:?}");
        assert_eq!(t.finished, 7, "{mode:?}: six map tasks and the reduce");
        let reduce: Vec<_> = t.spans.iter().filter(|sp| sp.task == 6).collect();
        assert!(!reduce.is_empty(), "{mode:?}");
        assert!(reduce.iter().all(|sp| sp.kind == SpanKind::Run), "{mode:?}");
        let lanes: std::collections::BTreeSet<Lane> = reduce.iter().map(|sp| sp.lane).collect();
        assert_eq!(lanes.len(), 1, "{mode:?}: one lane, {lanes:?}");
        assert_eq!(
            lanes.contains(&Lane::Main),
            !mode.uses_pool(),
            "{mode:?}: the parallel modes reduce on a worker"
        );
        let reduce_start = reduce
            .iter()
            .map(|sp| sp.start)
            .fold(f64::INFINITY, f64::min);
        let map_end = t
            .spans
            .iter()
            .filter(|sp| sp.task < 6)
            .map(|sp| sp.end)
            .fold(0.0, f64::max);
        assert!(
            reduce_start >= map_end,
            "{mode:?}: {reduce_start} < {map_end}"
        );
    }
}

/// A failed map task leaves nothing complete to reduce: the reduce does not run.
fn a_failed_map_task_skips_the_reduce() {
    let s = Settings {
        workload: Workload::Cpu,
        tasks: 4,
        work_ms: 2,
        lanes: 2,
        serial_pct: 50,
        fail_task: Some(2),
        ..Settings::default()
    };
    for mode in Mode::ALL {
        let t = run_native(mode, new_run(&s, cpu_rate()), 2);
        assert!(
            matches!(t.outcome, Outcome::Failed { task: 1, .. }),
            "{mode:?}: {:?}",
            t.outcome
        );
        assert!(
            t.spans.iter().all(|sp| sp.task != 4),
            "{mode:?}: the reduce ran"
        );
    }
}

/// The sweep's Amdahl fit finds the serial share MapReduce was given: 8 map
/// tasks and a reduce of 50 % or 70 % of the work, on 1 and 2 threads,
/// within ±0.07 (the bound). Makespans on the lanes' CPU clocks:
/// the busiest lane's map work plus the reduce.
///
/// The fit takes every cost of going parallel for serial work, and on this
/// machine two busy cores slow each other by c ≈ 0.05–0.15 (see the test
/// above): the fit then reads f + (1 − f)·c. At f = 0.5 that is at most
/// 0.575; at f = 0.3 it would be up to 0.405, beyond the bound — a property
/// of the machine, which the page states beside the configured share.
/// Measured (2 cores, 2026-11-26, 10 runs, best of 3 per point): fitted
/// 0.497–0.528 for 0.5 and 0.679–0.740 for 0.7. Up to 3 attempts: the CI
/// run of 2026-12-03 at 12:53 read 0.589 for 0.5 once, the host taking the
/// cores ([`passes_within`]).
fn the_fit_finds_the_configured_serial_fraction_of_map_reduce() -> Checked {
    for configured in [50u32, 70] {
        let s = Settings {
            workload: Workload::Cpu,
            tasks: 8,
            work_ms: 10,
            slice_ms: 5,
            serial_pct: configured,
            // Fixed chunks, as a MapReduce job splits its input: the figure
            // is then the reduce's share, not which lane woke up first (a
            // lane that starts late leaves the other to claim extra tasks
            // from a shared queue: measured 0.714 for 0.6 once in 3 runs).
            assignment: Assignment::Static,
            ..Settings::default()
        };
        // A run's makespan on the lanes' CPU clocks: the busiest lane's
        // map, then the reduce.
        let makespan = |p: u32| {
            let t = run_on_cpu_clocks(&s, p);
            assert_eq!(t.outcome, Outcome::Completed);
            let reduce: f64 = t
                .spans
                .iter()
                .filter(|sp| sp.task == 8 && sp.kind == SpanKind::Run)
                .map(|sp| sp.duration())
                .sum();
            let map = Trace {
                spans: t.spans.iter().filter(|sp| sp.task < 8).copied().collect(),
                ..t.clone()
            };
            busiest(&map) + reduce
        };
        let want = f64::from(configured) / 100.0;
        passes_within(3, &format!("the map-reduce fit, configured {want}"), || {
            // Best of 3 runs per thread count, taken in turns: a run's CPU
            // time also grows when the core's other hardware thread is busy
            // (with anything), which moves single runs by up to 12 % here
            // (measured 0.86 for 0.7 once in 12 single runs); the fastest
            // run is the machine's own speed.
            let mut makespans = [(1u32, f64::INFINITY), (2, f64::INFINITY)];
            for _ in 0..3 {
                for (p, best) in &mut makespans {
                    *best = best.min(makespan(*p));
                }
            }
            let fit = fit_amdahl_with(
                &sweep_points(&makespans),
                |p| s.parallel_share(p),
                1.0 / 8.0,
            )
            .expect("two points");
            let account = format!("fitted {:.3} from {makespans:?}", fit.serial_fraction);
            if (fit.serial_fraction - want).abs() <= 0.07 {
                Ok(account)
            } else {
                Err(account)
            }
        })?;
    }
    Ok(())
}

/// The stage of the last task is what marks it as the reduce.
fn only_the_last_task_is_the_reduce() {
    let s = Settings {
        workload: Workload::Cpu,
        tasks: 5,
        serial_pct: 10,
        ..Settings::default()
    };
    let specs = s.task_specs(Rate { units_per_ms: 2.0 });
    let stages: Vec<Stage> = specs.iter().map(|t| t.stage).collect();
    assert_eq!(
        stages,
        [
            Stage::Map,
            Stage::Map,
            Stage::Map,
            Stage::Map,
            Stage::Map,
            Stage::Reduce
        ]
    );
}
