//! Whether the runs on screen can travel as runs of the page's settings: a
//! result link and a report carry one settings string for all their runs,
//! and a reader rebuilds each run's task set from it.

use crate::engine::plan::Settings;
use crate::engine::record::{Outcome, Trace};
use std::borrow::Borrow;

/// `Ok` when every run of `runs` is a run of `settings`' task set (as a
/// result link or a report says they are); else why not, in words.
/// `compared_here`: whether the page's comparison, if any, is of these
/// settings. A stopped or failed counter run travels as the partial run it
/// is: it made fewer updates than its settings ask, and says so.
pub fn shareable<T: Borrow<Trace>>(
    settings: &Settings,
    runs: &[T],
    compared_here: bool,
) -> Result<(), String> {
    if runs.is_empty() {
        return Err("Run an experiment first: there is no result to share yet.".into());
    }
    let changed = || {
        Err(
            "The settings changed since these runs: run the experiment again, then share it."
                .into(),
        )
    };
    if !compared_here {
        return changed();
    }
    for t in runs.iter().map(Borrow::borrow) {
        if t.tasks != settings.task_count() {
            return changed();
        }
        let Some(tally) = t.counter else { continue };
        let asked = u64::from(settings.tasks) * u64::from(settings.updates);
        // A strategy × threads experiment runs each strategy with as many
        // updates as take as long (plan::grid): its runs are not of the
        // page's settings, whatever the page shows now.
        let other_strategy = tally.strategy != settings.strategy;
        let complete = t.outcome == Outcome::Completed;
        if other_strategy || (complete && tally.expected != asked) || tally.expected > asked {
            return Err(format!(
                "These runs are a shared-counter experiment's ({}, {} updates in all), not runs of the settings shown ({}, {} updates): share them from the experiment's own settings, or run the experiment again.",
                tally.strategy.label(),
                crate::engine::format::thousands(tally.expected),
                settings.strategy.label(),
                crate::engine::format::thousands(asked),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::{Mode, Strategy, Workload};
    use crate::engine::record::Tally;

    fn counter_run(settings: &Settings, expected: u64, outcome: Outcome) -> Trace {
        let mut t = Trace::new(
            Mode::Parallel,
            2,
            settings.task_count(),
            0.0,
            10.0,
            Vec::new(),
        );
        t.counter = Some(Tally {
            strategy: settings.strategy,
            expected,
            actual: expected,
        });
        t.outcome = outcome;
        t
    }

    fn counter() -> Settings {
        Settings {
            workload: Workload::Counter,
            tasks: 8,
            updates: 1_000,
            strategy: Strategy::Atomic,
            ..Settings::default()
        }
    }

    /// A stopped counter run made fewer updates than its settings ask: it
    /// is still a run of those settings (the old check refused it as "the
    /// settings changed").
    #[test]
    fn a_stopped_or_failed_counter_run_travels_as_the_partial_run_it_is() {
        let s = counter();
        for outcome in [
            Outcome::Cancelled,
            Outcome::Failed {
                task: 3,
                message: "a pool thread stopped".into(),
            },
        ] {
            let partial = counter_run(&s, 3_000, outcome);
            assert_eq!(shareable(&s, &[partial], true), Ok(()));
        }
        let whole = counter_run(&s, 8_000, Outcome::Completed);
        assert_eq!(shareable(&s, &[whole], true), Ok(()));
    }

    #[test]
    fn runs_of_other_settings_say_why_they_cannot_travel() {
        let s = counter();
        assert!(
            shareable::<Trace>(&s, &[], true)
                .unwrap_err()
                .starts_with("Run an experiment first")
        );
        let whole = counter_run(&s, 8_000, Outcome::Completed);
        assert!(
            shareable(&s, std::slice::from_ref(&whole), false)
                .unwrap_err()
                .contains("settings changed")
        );
        let nine = Settings {
            tasks: 9,
            ..s.clone()
        };
        assert!(
            shareable(&nine, &[whole], true)
                .unwrap_err()
                .contains("settings changed")
        );
        // A grid's run of another strategy, with more updates.
        let local = Settings {
            strategy: Strategy::Local,
            ..s.clone()
        };
        let grid_run = counter_run(&local, 80_000, Outcome::Completed);
        let why = shareable(&s, &[grid_run], true).unwrap_err();
        assert!(why.contains("shared-counter experiment"), "{why}");
    }
}
