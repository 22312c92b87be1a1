//! Two machines' runs of one experiment, side by side: the comparison rows
//! of each, and the sentence on how they differ.

use super::{Comparison, Row, SweepPoint, fit_for};
use crate::engine::format::count;
use crate::engine::plan::{Mode, Settings};
use crate::engine::record::Trace;
use std::sync::Arc;

/// Rows of a comparison of `runs` (speedups against their sequential run).
pub fn rows_of(settings: &Settings, runs: &[Arc<Trace>]) -> Vec<Row> {
    let mut c = Comparison::default();
    for t in runs {
        let s = Settings {
            mode: t.mode,
            ..settings.clone()
        };
        c.add(&s, Arc::clone(t));
    }
    c.rows()
}

/// How the same modes did on two machines (of `mine_cores` and
/// `theirs_cores` logical cores), by the first of the parallel, mixed and
/// concurrent modes both ran: "Parallel (threads) against Sequential: your
/// 4 logical cores: 1.9× on 2 threads; the recorded 16 logical cores:
/// 12.1× on 15 threads."
pub fn difference(
    recorded: &[Row],
    here: &[Row],
    theirs_cores: u32,
    mine_cores: u32,
) -> Option<String> {
    let speedup = |rows: &[Row], m: Mode| {
        rows.iter()
            .find(|r| r.trace.mode == m)
            .and_then(|r| r.relative.map(|rel| (rel.speedup, r.trace.lanes)))
    };
    let mode = [Mode::Parallel, Mode::Both, Mode::Concurrent]
        .into_iter()
        .find(|&m| speedup(recorded, m).is_some() && speedup(here, m).is_some())?;
    let (a, ta) = speedup(here, mode)?;
    let (b, tb) = speedup(recorded, mode)?;
    let threads = |n: u32| {
        if mode.uses_pool() {
            format!(" on {}", count(n, "thread"))
        } else {
            String::new()
        }
    };
    let cores = |n: u32| count(n, "logical core");
    Some(format!(
        "{} against Sequential: your {}: {a:.1}×{}; the recorded {}: {b:.1}×{}.",
        mode.label(),
        cores(mine_cores),
        threads(ta),
        cores(theirs_cores),
        threads(tb),
    ))
}

/// "Speedup against 1 thread: your 2 logical cores: 1.9× on 2 threads; the
/// recorded 16 logical cores: 12.1× on 15 threads. Fitted serial fraction:
/// yours 4.0 %, the recorded 2.0 %." From each sweep's most threads.
pub fn sweep_difference(
    recorded: &[SweepPoint],
    here: &[SweepPoint],
    settings: &Settings,
    theirs_cores: u32,
    mine_cores: u32,
) -> Option<String> {
    let last = |p: &[SweepPoint]| p.iter().rev().find(|p| p.speedup.is_finite()).copied();
    let (a, b) = (last(here)?, last(recorded)?);
    let cores = |n: u32| count(n, "logical core");
    let threads = |n: u32| count(n, "thread");
    let fits = match (
        fit_for(here, Some(settings)),
        fit_for(recorded, Some(settings)),
    ) {
        (Some(x), Some(y)) => format!(
            " Fitted serial fraction: yours {:.1} %, the recorded {:.1} %.",
            x.serial_fraction * 100.0,
            y.serial_fraction * 100.0
        ),
        _ => String::new(),
    };
    Some(format!(
        "Speedup against 1 thread: your {}: {:.1}× on {}; the recorded {}: {:.1}× on {}.{fits}",
        cores(mine_cores),
        a.speedup,
        threads(a.threads),
        cores(theirs_cores),
        b.speedup,
        threads(b.threads),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analysis::sweep_points;
    use crate::engine::plan::Workload;
    use crate::engine::record::Lane;
    use crate::engine::record::fixtures::{run, trace};

    /// A run in `mode` on `lanes` threads taking `ms`.
    fn ran(mode: Mode, lanes: u32, ms: f64) -> Arc<Trace> {
        let lane = if mode.uses_pool() {
            Lane::Worker(0)
        } else {
            Lane::Main
        };
        Arc::new(trace(mode, lanes, ms, &[run(0, lane, 0.0, ms)]))
    }

    #[test]
    fn rows_are_each_runs_against_its_sequential_run() {
        let settings = Settings::default(); // mode parallel: each run keeps its own
        let rows = rows_of(
            &settings,
            &[
                ran(Mode::Parallel, 2, 200.0),
                ran(Mode::Sequential, 1, 400.0),
                ran(Mode::Concurrent, 1, 400.0),
            ],
        );
        let read: Vec<(Mode, Option<f64>)> = rows
            .iter()
            .map(|r| (r.trace.mode, r.relative.map(|rel| rel.speedup)))
            .collect();
        assert_eq!(
            read,
            [
                (Mode::Sequential, Some(1.0)),
                (Mode::Concurrent, Some(1.0)),
                (Mode::Parallel, Some(2.0)),
            ]
        );
        assert!(rows_of(&settings, &[]).is_empty());
    }

    /// (recorded runs, runs here, the sentence)
    #[test]
    fn two_machines_are_compared_on_the_first_mode_both_ran() {
        let s = Settings::default();
        let seq = ran(Mode::Sequential, 1, 1210.0);
        let recorded = rows_of(
            &s,
            &[
                seq.clone(),
                ran(Mode::Concurrent, 1, 1210.0),
                ran(Mode::Parallel, 15, 100.0),
            ],
        );
        let here = rows_of(
            &s,
            &[
                ran(Mode::Sequential, 1, 190.0),
                ran(Mode::Concurrent, 1, 190.0),
                ran(Mode::Parallel, 2, 100.0),
            ],
        );
        assert_eq!(
            difference(&recorded, &here, 16, 4).as_deref(),
            Some(
                "Parallel (threads) against Sequential: your 4 logical cores: 1.9× on 2 threads; \
                 the recorded 16 logical cores: 12.1× on 15 threads."
            )
        );
        // Only concurrency in common: no threads to name.
        assert_eq!(
            difference(&recorded, &here[..2], 1, 16).as_deref(),
            Some(
                "Concurrent (async) against Sequential: your 16 logical cores: 1.0×; \
                 the recorded 1 logical core: 1.0×."
            )
        );
        // Nothing in common, or no sequential run to compare against.
        assert_eq!(difference(&recorded, &here[..1], 16, 4), None);
        let without_baseline = rows_of(&s, &[ran(Mode::Parallel, 2, 100.0)]);
        assert_eq!(difference(&recorded, &without_baseline, 16, 4), None);
        assert_eq!(difference(&[], &here, 16, 4), None);
    }

    /// A sweep on 1 and `threads` threads of 60 equal tasks, with serial
    /// fraction `f`: `1/S = f + (1 − f)·⌈60/p⌉/60`.
    fn sweep(threads: u32, f: f64) -> Vec<SweepPoint> {
        let share = f64::from(60u32.div_ceil(threads)) / 60.0;
        sweep_points(&[(1, 1000.0), (threads, 1000.0 * (f + (1.0 - f) * share))])
    }

    #[test]
    fn two_sweeps_are_compared_at_their_most_threads_with_their_fits() {
        let cpu = Settings {
            workload: Workload::Cpu,
            tasks: 60,
            ..Settings::default()
        };
        let (recorded, here) = (sweep(15, 0.02), sweep(2, 0.05));
        assert_eq!(
            sweep_difference(&recorded, &here, &cpu, 16, 2).as_deref(),
            Some(
                "Speedup against 1 thread: your 2 logical cores: 1.9× on 2 threads; the recorded \
                 16 logical cores: 11.7× on 15 threads. Fitted serial fraction: yours 5.0 %, the \
                 recorded 2.0 %."
            )
        );
        // Under a lock no curve is fitted, so no fraction is stated.
        let locked = Settings {
            lock_pct: 30,
            ..cpu.clone()
        };
        let s = sweep_difference(&recorded, &here, &locked, 16, 2).unwrap_or_default();
        assert!(s.ends_with("on 15 threads."), "{s}");
        // A lock slider left set for I/O is no lock: the fits are stated.
        let io = Settings {
            workload: Workload::Io,
            ..locked
        };
        let s = sweep_difference(&recorded, &here, &io, 16, 2).unwrap_or_default();
        assert!(s.contains("Fitted serial fraction"), "{s}");
        assert_eq!(sweep_difference(&[], &here, &cpu, 16, 2), None);
    }
}
