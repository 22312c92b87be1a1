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
