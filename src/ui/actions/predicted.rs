//! "Predict first" for Run, Compare and Sweep: the person's answer to the
//! question the pressed button asks, the button's runs, and the prediction
//! scored against them (as a lesson's is), its marker on the chart.

use super::Actions;
use crate::engine::environment::Environment;
use crate::engine::lessons::{Lesson, Machine, Marker, Prediction, on_page, received};
use crate::engine::plan::{Mode, Settings};
use crate::engine::record::Trace;
use crate::engine::travel::Kind;
use crate::ui::local_store;
use crate::ui::state::{LessonResult, PageStoreFields, Said};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// The localStorage key that remembers "Predict first" is on.
const KEY: &str = "conpar-predict-first";

/// Whether this browser asked to predict first on an earlier visit.
pub fn saved_predict_first() -> bool {
    local_store::get(KEY).is_some()
}

/// The machine the page's questions are sized for: its pool, its cores.
pub fn machine_of(env: &Environment) -> Machine {
    Machine::new(env.pool_threads, env.hardware_concurrency)
}

impl Actions {
    /// Turns "Predict first" on or off (a question waiting is dropped).
    pub fn set_predict_first(self, on: bool) {
        self.page.predict_first().set(on);
        if !on {
            self.page.asking().set(None);
        }
        local_store::set(KEY, on.then_some("1"));
    }

    /// The answer to the waiting question (`None`: skipped): runs what the
    /// button runs, then holds the prediction against what was measured.
    pub fn answer(self, prediction: Option<Prediction>) {
        let Some(action) = self.page.asking().get_untracked() else {
            return;
        };
        if self.is_busy() {
            return;
        }
        self.page.asking().set(None);
        // Asked of the settings and the pool as they are now.
        let env = self.page.env().get_untracked();
        let lesson = on_page(
            action,
            &self.page.settings().get_untracked(),
            machine_of(&env),
            env.parallel_available(),
        );
        let running = LessonResult {
            id: action.id(),
            sentence: None,
            scored: None,
        };
        self.page.plain().set(prediction.map(|_| running));
        spawn_local(async move {
            let traces = self.perform(action).await;
            let Some(p) = prediction else { return };
            let scored = traces.as_ref().and_then(|t| lesson.score(p, t));
            if let (Some(t), true) = (&traces, scored.is_some()) {
                self.remember(&lesson, p, t);
            }
            let sentence = if scored.is_some() {
                String::new()
            } else {
                "The run did not complete, so there is no measurement to hold the prediction against."
                    .into()
            };
            self.page.plain().set(Some(LessonResult {
                id: action.id(),
                sentence: Some(sentence),
                scored,
            }));
        });
    }

    /// Prediction `p` of `lesson`, scored against `runs`: drawn on the
    /// chart of its measurement where one fits, and kept for a result link
    /// of those runs.
    pub(super) fn remember(self, lesson: &Lesson, p: Prediction, runs: &[Arc<Trace>]) {
        self.show_marker(lesson, p);
        self.page.said().set(Some(Said {
            question: lesson.question(),
            prediction: p,
            runs: runs.to_vec(),
        }));
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
        let modes: Vec<Mode> = runs.iter().map(|t| t.mode).collect();
        let machine = machine_of(&self.page.env().get_untracked());
        let asked = received(kind, settings, &modes, machine).question();
        (same_runs && asked == said.question).then_some(said.prediction)
    }

    /// Draws prediction `p` of `lesson` on the chart of its measurement,
    /// where one fits.
    fn show_marker(self, lesson: &Lesson, p: Prediction) {
        match lesson.marker(p) {
            Some(Marker::Time { ms }) => self.page.predicted_time().set(Some(ms)),
            Some(Marker::Speedup { threads, times }) => {
                self.page.predicted_speedup().set(Some((threads, times)));
            }
            None => {}
        }
    }
}
