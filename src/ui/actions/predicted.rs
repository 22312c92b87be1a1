//! "Predict first" for Run, Compare and Sweep: the person's answer to the
//! question the pressed button asks, the button's runs, and the prediction
//! scored against them (as a lesson's is), its marker on the chart.

use super::Actions;
use crate::engine::environment::Environment;
use crate::engine::lessons::{Lesson, Machine, Marker, Prediction, Scored, on_page};
use crate::engine::record::Trace;
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
            let (scored, sentence) = self.settle(&lesson, p, traces.as_deref());
            self.page.plain().set(Some(LessonResult {
                id: action.id(),
                sentence: Some(sentence),
                scored,
            }));
        });
    }

    /// Prediction `p` of `lesson` against the `traces` its runs left
    /// (`None`: nothing ran): scored, drawn and kept when it could be,
    /// else the sentence that says why not ("" when scored).
    pub(super) fn settle(
        self,
        lesson: &Lesson,
        p: Prediction,
        traces: Option<&[Arc<Trace>]>,
    ) -> (Option<Scored>, String) {
        let Some(t) = traces else {
            return (
                None,
                "Nothing ran (the message beside the buttons says why), so there is no measurement to hold the prediction against."
                    .into(),
            );
        };
        match lesson.score(p, t) {
            Some(s) => {
                self.remember(lesson, p, t);
                (Some(s), String::new())
            }
            None => (
                None,
                "The runs did not complete, so there is no measurement to hold the prediction against."
                    .into(),
            ),
        }
    }

    /// Prediction `p` of `lesson`, scored against `runs`: drawn on the
    /// chart of its measurement where one fits, and kept for a result link
    /// of those runs.
    fn remember(self, lesson: &Lesson, p: Prediction, runs: &[Arc<Trace>]) {
        self.show_marker(lesson, p);
        self.page.said().set(Some(Said {
            question: lesson.question(),
            prediction: p,
            runs: runs.to_vec(),
        }));
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
