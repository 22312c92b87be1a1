//! Experiments of several runs: every strategy of the shared counter on
//! every thread count asked for, sized so that each strategy's runs last
//! about as long, and their estimate checked against the limit.

use super::{Field, MAX_ESTIMATE_MS, Mode, Settings, Strategy, Workload};

/// The runs of a strategy × threads experiment, in the order they run:
/// every thread count of one strategy, then the next strategy. The
/// strategy only matters to the shared-counter workload; other workloads
/// run each thread count once. Each strategy makes as many updates as take
/// about as long as the settings' updates in the settings' strategy (by
/// [`Strategy::nominal_ns`]): local counting at 2 ns an update made runs of
/// a few milliseconds, start-up included, too short to show it scale.
pub fn grid(settings: &Settings, strategies: &[Strategy], threads: &[u32]) -> Vec<(Settings, u32)> {
    let counter = settings.workload == Workload::Counter;
    let strategies: Vec<Strategy> = if counter && !strategies.is_empty() {
        strategies.to_vec()
    } else {
        vec![settings.strategy]
    };
    strategies
        .iter()
        .flat_map(|&strategy| {
            let updates = if counter {
                let scaled = f64::from(settings.updates) * settings.strategy.nominal_ns()
                    / strategy.nominal_ns();
                let most = Field::Updates.bounds().max;
                (scaled.round() as u32).clamp(1, most)
            } else {
                settings.updates
            };
            threads.iter().map(move |&p| {
                (
                    Settings {
                        strategy,
                        updates,
                        lanes: p.max(1),
                        ..settings.clone()
                    },
                    p.max(1),
                )
            })
        })
        .collect()
}

/// What a grid of runs should take, all together: each run by the
/// engine's estimate, and a run with a critical section at least its
/// locked share of the work done one lane at a time (the estimate itself
/// knows nothing of the lock).
pub fn grid_estimate_ms(runs: &[(Settings, u32)]) -> f64 {
    // The engine's estimate counts the critical section too.
    runs.iter()
        .map(|(s, p)| s.estimate_with_lanes_ms(Mode::Parallel, *p))
        .sum()
}

/// Refuses a grid of runs estimated beyond [`MAX_ESTIMATE_MS`], saying so.
pub fn check_grid_estimate(runs: &[(Settings, u32)]) -> Result<f64, String> {
    let total = grid_estimate_ms(runs);
    if total > MAX_ESTIMATE_MS {
        return Err(format!(
            "These {} runs would take about {:.1} s together (the limit is {:.0} s). Use fewer updates or tasks.",
            runs.len(),
            total / 1000.0,
            MAX_ESTIMATE_MS / 1000.0
        ));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_runs_each_strategy_on_each_thread_count() {
        let counter = Settings {
            workload: Workload::Counter,
            ..Settings::default()
        };
        let runs = grid(&counter, &[Strategy::Atomic, Strategy::Local], &[1, 4]);
        let got: Vec<(Strategy, u32, u32)> = runs
            .iter()
            .map(|(s, p)| (s.strategy, s.lanes, *p))
            .collect();
        assert_eq!(
            got,
            [
                (Strategy::Atomic, 1, 1),
                (Strategy::Atomic, 4, 4),
                (Strategy::Local, 1, 1),
                (Strategy::Local, 4, 4)
            ]
        );
        // Each strategy's runs last about as long: local counting, ten times
        // cheaper an update than atomic, makes ten times the updates.
        let atomic = Settings {
            strategy: Strategy::Atomic,
            updates: 100_000,
            ..counter.clone()
        };
        let updates: Vec<u32> = grid(&atomic, &[Strategy::Atomic, Strategy::Local], &[1])
            .iter()
            .map(|(s, _)| s.updates)
            .collect();
        assert_eq!(updates, [100_000, 1_000_000]);
        // Within the bounds of the setting.
        let many = Settings {
            updates: 5_000_000,
            ..atomic
        };
        assert_eq!(
            grid(&many, &[Strategy::Local], &[1])[0].0.updates,
            10_000_000
        );
        // A CPU-bound sweep of a few thread counts: the strategy is moot.
        let cpu = grid(
            &Settings::default(),
            &[Strategy::Atomic, Strategy::Local],
            &[1, 2],
        );
        assert_eq!(cpu.len(), 2);
    }

    #[test]
    fn a_grid_estimate_counts_the_lock_and_refuses_beyond_the_limit() {
        let cpu = Settings {
            tasks: 8,
            work_ms: 100,
            ..Settings::default()
        };
        let one = grid_estimate_ms(&grid(&cpu, &[], &[1]));
        let free = grid_estimate_ms(&grid(&cpu, &[], &[4]));
        assert!((free * 4.0 - one).abs() < 1e-6, "{free} vs {one}");
        // Half of each task under the lock: four threads take at least half.
        let locked = Settings {
            lock_pct: 50,
            ..cpu.clone()
        };
        let l4 = grid_estimate_ms(&grid(&locked, &[], &[4]));
        assert!((l4 - one / 2.0).abs() < 1e-6, "{l4} vs {one}");
        let big = Settings {
            tasks: 1_000,
            work_ms: 1_000,
            ..cpu
        };
        let refusal = check_grid_estimate(&grid(&big, &[], &[1, 2])).unwrap_err();
        assert!(
            refusal.starts_with("These 2 runs would take about"),
            "{refusal}"
        );
    }
}
