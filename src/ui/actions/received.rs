//! A result received by link or file: showing it, running it here, and
//! what the page has on screen to share or save.

use super::Actions;
use super::predicted::machine_of;
use crate::engine::lessons::{Prediction, modes_of, received};
use crate::engine::plan::{Mode, Settings};
use crate::engine::record::Trace;
use crate::engine::travel::{Kind, Recorded, shareable};
use crate::ui::state::{PageStoreFields, ReceivedResult, ReceivedStoreFields};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// The id a prediction made before "Run it here" is kept under, beside the
/// lessons' results.
pub const RECEIVED: &str = "received";

impl Actions {
    /// Shows a result received by link or file, or why it was refused
    /// (keeping the result shown before).
    pub fn receive(self, result: Result<Recorded, String>, source: String) {
        let received = self.page.received();
        match result {
            Ok(rec) => {
                // A prediction made before running the last result here
                // was of its runs, not of this one's.
                self.page
                    .lessons()
                    .update(|all| all.retain(|r| r.id != RECEIVED));
                received
                    .result()
                    .set(Some(Arc::new(ReceivedResult::new(rec, source))));
                received.notice().set(None);
                received.ran_here().set(false);
            }
            Err(why) => received.notice().set(Some(why)),
        }
        received.seq().update(|n| *n += 1);
    }

    /// "Run it here": the received experiment on this machine — the modes
    /// it recorded (and only those), or its thread sweep — with the
    /// person's `prediction` if they made one, scored against this
    /// machine's runs (under the id "received").
    pub fn run_received_here(self, prediction: Option<Prediction>) {
        if self.is_busy() {
            return;
        }
        let Some(rec) = self.page.received().result().get_untracked() else {
            return;
        };
        let modes = modes_of(&rec.runs);
        let mode = match rec.kind {
            Kind::Sweep => Mode::Parallel,
            Kind::Modes => modes.first().copied().unwrap_or(rec.settings.mode),
        };
        self.editor().set_by_person(Settings {
            mode,
            ..rec.settings.clone()
        });
        self.page.received().ran_here().set(true);
        let env = self.page.env().get_untracked();
        let lesson = received(
            rec.kind,
            &rec.settings,
            &modes,
            machine_of(&env),
            env.parallel_available(),
        );
        self.page.plain().set(None);
        // "Running…" under a prediction; without one, nothing (an empty
        // sentence shows nothing).
        let running = if prediction.is_some() {
            None
        } else {
            Some(String::new())
        };
        self.set_lesson_result(RECEIVED, running, None);
        spawn_local(async move {
            let traces = match rec.kind {
                Kind::Sweep => self.sweep_threads("Running it here").await,
                Kind::Modes => {
                    self.page.comparison().update(|c| c.clear());
                    self.run_modes(modes, "Running it here").await
                }
            };
            let Some(p) = prediction else { return };
            let (scored, sentence) = self.settle(&lesson, p, traces.as_deref());
            self.set_lesson_result(RECEIVED, Some(sentence), scored);
        });
    }

    /// The prediction a result link of `runs` (of `kind`, on `settings`)
    /// carries: the latest one scored, if it was scored against exactly
    /// these runs with the question they ask a receiver.
    pub fn said_for(
        self,
        kind: Kind,
        settings: &Settings,
        runs: &[Arc<Trace>],
    ) -> Option<Prediction> {
        let said = self.page.said().get_untracked()?;
        let same_runs = said.runs.len() == runs.len()
            && said.runs.iter().zip(runs).all(|(a, b)| Arc::ptr_eq(a, b));
        let env = self.page.env().get_untracked();
        let asked = received(kind, settings, &modes_of(runs), machine_of(&env), true).question();
        (same_runs && asked == said.question).then_some(said.prediction)
    }

    /// Whether a prediction was scored on this page (for the share card to
    /// say when a link leaves it out).
    pub fn has_said(self) -> bool {
        self.page.said().with_untracked(Option::is_some)
    }

    /// The runs on screen, whatever their settings: the comparison when
    /// there is one, else the latest run (what CSV and trace files save).
    pub fn shown_runs(self) -> Vec<Arc<Trace>> {
        let compared = self.page.comparison().with_untracked(|c| c.runs().to_vec());
        if compared.is_empty() {
            self.page.latest().get_untracked().into_iter().collect()
        } else {
            compared
        }
    }

    /// What is on screen to share or save: the thread sweep when the latest
    /// run was its last (the speedup chart is what was made last), else the
    /// comparison when there is one, else the latest run; with the
    /// settings of their task set.
    pub fn on_screen(self) -> Result<(Settings, Kind, Vec<Arc<Trace>>), String> {
        let latest = self.page.latest().get_untracked();
        let sweep = self.page.sweep().get_untracked();
        let sweep_is_latest = match (&latest, sweep.traces.last()) {
            (Some(l), Some(last)) => Arc::ptr_eq(l, last),
            _ => false,
        };
        if sweep_is_latest && let Some(settings) = sweep.settings {
            // The sweep's own settings: the page's may have changed since,
            // and the speedup chart still shows the sweep.
            let settings = Settings {
                mode: Mode::Parallel,
                ..settings
            };
            return Ok((settings, Kind::Sweep, sweep.traces));
        }
        let settings = self.page.settings().get_untracked();
        let comparison = self.page.comparison();
        let compared = comparison.with_untracked(|c| c.runs().to_vec());
        let runs: Vec<Arc<Trace>> = if compared.is_empty() {
            latest.into_iter().collect()
        } else {
            compared
        };
        shareable(
            &settings,
            &runs,
            comparison.with_untracked(|c| c.is_of(&settings)),
        )?;
        Ok((settings, Kind::Modes, runs))
    }
}
