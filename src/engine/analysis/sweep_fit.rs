//! Which law a thread sweep is read against, and its words: Amdahl's law
//! fitted with the settings the sweep ran (whole rounds of tasks counted),
//! or no curve where Amdahl's is not the story.

use super::{AmdahlFit, SweepPoint, fit_amdahl, fit_amdahl_with, sweep_points};
use crate::engine::plan::{Settings, Workload};
use crate::engine::record::Trace;
use std::borrow::Borrow;

/// The speedup points of a sweep's runs (against its 1-thread run).
pub fn points_of<T: Borrow<Trace>>(runs: &[T]) -> Vec<SweepPoint> {
    sweep_points(
        &runs
            .iter()
            .map(|t| (t.borrow().lanes, t.borrow().duration_ms))
            .collect::<Vec<_>>(),
    )
}

/// Amdahl's law fitted to a sweep's points. With the settings it ran, the
/// parallel part's share on p threads is that of its whole tasks (⌈n/p⌉
/// rounds, skewed blocks...), not 1/p, and the limit is one its task count
/// allows; without them (an old record), perfectly divisible work. None
/// where Amdahl's curve is not the story: a sweep under a lock (its share
/// is read back by `LockShare`) or of the shared counter (speedups below 1).
pub fn fit_for(points: &[SweepPoint], settings: Option<&Settings>) -> Option<AmdahlFit> {
    if settings.is_some_and(|s| s.lock_pct > 0 || s.workload == Workload::Counter) {
        return None;
    }
    match settings {
        Some(s) => fit_amdahl_with(
            points,
            |p| s.parallel_share(p),
            // As many threads as tasks: one round, the most any count gives.
            s.parallel_share(s.tasks.max(1)),
        ),
        None => fit_amdahl(points),
    }
}

/// "Fitted serial fraction 2.0 % (Amdahl: at most 50.0× faster with
/// unlimited threads)."
pub fn fit_sentence(fit: &AmdahlFit) -> String {
    format!(
        "Fitted serial fraction {:.1} % (Amdahl: at most {} with unlimited threads).",
        fit.serial_fraction * 100.0,
        // With whole tasks the limit is finite even at f = 0 (one task per
        // thread); only divisible work with no serial part has none.
        if fit.limit().is_finite() {
            format!("{:.1}× faster", fit.limit())
        } else {
            "no limit".into()
        },
    )
}
