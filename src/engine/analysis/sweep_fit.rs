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
/// is read back by [`lock_reading`](super::lock_reading); a lock slider
/// left set for a workload that takes no lock is no lock) or of the shared
/// counter (speedups below 1).
pub fn fit_for(points: &[SweepPoint], settings: Option<&Settings>) -> Option<AmdahlFit> {
    if settings.is_some_and(|s| s.lock_applies() || s.workload == Workload::Counter) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::Mode;
    use crate::engine::record::Lane;
    use crate::engine::record::fixtures::{run, trace};

    /// A sweep of 12 equal tasks with no serial part, on 1..=8 threads:
    /// whole rounds of tasks (8 threads take two rounds, as 6 do).
    fn rounds() -> Vec<SweepPoint> {
        let makespans: Vec<(u32, f64)> = (1..=8u32)
            .map(|p| (p, 40.0 * f64::from(12u32.div_ceil(p))))
            .collect();
        sweep_points(&makespans)
    }

    fn settings(workload: Workload, lock_pct: u32) -> Settings {
        Settings {
            workload,
            tasks: 12,
            work_ms: 40,
            lock_pct,
            ..Settings::default()
        }
    }

    /// (settings the sweep ran, whether Amdahl's curve is fitted)
    #[test]
    fn the_curve_is_fitted_where_amdahl_is_the_story() {
        let cases = [
            (settings(Workload::Cpu, 0), true),
            (settings(Workload::Mixed, 0), true),
            (settings(Workload::Io, 0), true),
            // Under a lock the share is read back instead (lock_reading).
            (settings(Workload::Cpu, 30), false),
            (settings(Workload::Mixed, 30), false),
            // The lock slider keeps its value for I/O, which takes no lock.
            (settings(Workload::Io, 30), true),
            // The counter's speedups fall below 1: no curve, lock or not.
            (settings(Workload::Counter, 0), false),
            (settings(Workload::Counter, 30), false),
        ];
        for (s, fitted) in cases {
            assert_eq!(
                fit_for(&rounds(), Some(&s)).is_some(),
                fitted,
                "{:?} with lock {} %",
                s.workload,
                s.lock_pct
            );
        }
    }

    #[test]
    fn with_its_settings_a_sweep_counts_whole_rounds_and_without_them_cannot() {
        let with = fit_for(&rounds(), Some(&settings(Workload::Cpu, 0))).expect("fitted");
        assert!(with.serial_fraction < 1e-12, "{with:?}");
        assert!(
            (with.limit() - 12.0).abs() < 1e-9,
            "one task per thread at best"
        );
        // An old record without its settings: divisible work, so the rounds
        // read as serial work.
        let without = fit_for(&rounds(), None).expect("fitted");
        assert!(without.serial_fraction > 0.02, "{without:?}");
        assert!(fit_for(&rounds()[..1], None).is_none(), "one thread count");
    }

    #[test]
    fn the_fit_is_stated_with_its_limit() {
        let fit = |serial_fraction, floor| AmdahlFit {
            serial_fraction,
            rms_error: 0.0,
            floor,
        };
        assert_eq!(
            fit_sentence(&fit(0.02, 0.0)),
            "Fitted serial fraction 2.0 % (Amdahl: at most 50.0× faster with unlimited threads)."
        );
        assert_eq!(
            fit_sentence(&fit(0.0, 0.0)),
            "Fitted serial fraction 0.0 % (Amdahl: at most no limit with unlimited threads)."
        );
        assert_eq!(
            fit_sentence(&fit(0.0, 1.0 / 12.0)),
            "Fitted serial fraction 0.0 % (Amdahl: at most 12.0× faster with unlimited threads)."
        );
    }

    #[test]
    fn a_sweeps_points_are_against_its_one_thread_run() {
        let t = |lanes, ms| {
            trace(
                Mode::Parallel,
                lanes,
                ms,
                &[run(0, Lane::Worker(0), 0.0, ms)],
            )
        };
        let points = points_of(&[t(1, 100.0), t(2, 50.0), t(4, 40.0)]);
        let read: Vec<(u32, f64)> = points.iter().map(|p| (p.threads, p.speedup)).collect();
        assert_eq!(read, [(1, 1.0), (2, 2.0), (4, 2.5)]);
    }
}
