//! The page's state: one plain struct, [`Page`], made reactive field by
//! field with `#[derive(Store)]` (as Leptos's `stores` example does). The
//! app creates it once; each component is given the fields it shows (a
//! [`Field`]: reading one tracks that field alone, writing one wakes only
//! its readers), the [`SettingsEditor`] if it changes settings, and
//! [`Actions`](super::actions::Actions) if it has buttons that run
//! something. No component holds the whole store.
//!
//! Runs are held as `Arc<Trace>`: the latest run, the comparison, a sweep,
//! the replay and a result link share one copy of each run, and a view that
//! did not change is known by pointer.

use super::url;
use crate::engine::analysis::Comparison;
use crate::engine::environment::Environment;
use crate::engine::lessons::{Action, Prediction, Question, Scored};
use crate::engine::plan::{Field as SettingField, Notice, Settings};
use crate::engine::record::Trace;
use crate::engine::travel::{Kind, Machine, Recorded, Summarised};
use leptos::prelude::*;
use reactive_stores::{Field, Store};
use std::sync::Arc;

/// What is running, for the progress line.
#[derive(Debug, Clone, PartialEq)]
pub struct Busy {
    pub label: String,
    pub step: u32,
    pub steps: u32,
}

/// A message beside the controls.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Error(String),
    Info(String),
}

/// The result of a lesson's "Try it".
#[derive(Debug, Clone, PartialEq)]
pub struct LessonResult {
    pub id: &'static str,
    /// `None` while it runs; the measured sentence after.
    pub sentence: Option<String>,
    /// The person's prediction beside the measurement (none when skipped,
    /// or when the experiment did not complete).
    pub scored: Option<Scored>,
}

/// A prediction and what it was made for (see [`Page::said`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    pub question: Question,
    pub prediction: Prediction,
    pub runs: Vec<Arc<Trace>>,
}

/// Who changed the settings last: only a person's change makes a history
/// entry (see `url::write`), so that Back undoes what they did, not what
/// the page adjusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChangedBy {
    /// The page: a link read, threads fitted to the pool, history restored.
    #[default]
    Page,
    /// The person: a control, a lesson's settings.
    Person,
}

/// The runs of one experiment of several runs (a thread sweep, a strategy
/// × threads grid), in the order they ran, with the settings they ran: a
/// chart of them is fitted and labelled with those, whatever the page's
/// settings are now.
#[derive(Debug, Clone, Default, PartialEq, Store)]
pub struct Runs {
    pub settings: Option<Settings>,
    pub traces: Vec<Arc<Trace>>,
}

/// A result measured elsewhere (a result link, a report file), its runs
/// shared as the page's own are.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedResult {
    pub settings: Settings,
    pub machine: Machine,
    pub kind: Kind,
    pub summarised: Option<Summarised>,
    /// The sender's prediction before these runs, as the link carried it.
    pub prediction: Option<Prediction>,
    pub runs: Vec<Arc<Trace>>,
    /// Where it came from: "a link", "the report file x.json".
    pub source: String,
}

impl ReceivedResult {
    pub fn new(rec: Recorded, source: String) -> ReceivedResult {
        ReceivedResult {
            settings: rec.settings,
            machine: rec.machine,
            kind: rec.kind,
            summarised: rec.summarised,
            prediction: rec.prediction,
            runs: rec.runs.into_iter().map(Arc::new).collect(),
            source,
        }
    }
}

/// What was received by link or file, and what became of it.
#[derive(Debug, Clone, Default, PartialEq, Store)]
pub struct Received {
    pub result: Option<Arc<ReceivedResult>>,
    /// Why the last link or file was refused.
    pub notice: Option<String>,
    /// Counts the links and files read: tests wait on it.
    pub seq: u32,
    /// "Run it here" was pressed for the result shown.
    pub ran_here: bool,
}

/// Which of the page's runs the replay shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Source {
    /// The latest run.
    #[default]
    Latest,
    /// The run of this mode in the comparison.
    Compared(crate::engine::plan::Mode),
    /// The sweep's point at this index (1 thread, 2 threads, …).
    Sweep(usize),
    /// Run `i` of a result received by a link or a report file.
    Recorded(usize),
}

/// What the replay shares with the timeline.
#[derive(Debug, Clone, Default, PartialEq, Store)]
pub struct ReplayState {
    /// Whether the replay is on: the timeline then shows its run and cursor.
    pub active: bool,
    pub source: Source,
    /// The cursor, in ms since the replayed run started.
    pub cursor: f64,
    /// The frame gap around the cursor, when the page could not paint then.
    pub frozen: Option<(f64, f64)>,
}

/// Everything the page shows and remembers.
#[derive(Debug, Clone, Store)]
pub struct Page {
    pub settings: Settings,
    pub changed_by: ChangedBy,
    pub env: Environment,
    /// Whether the pool and the yield measurement have finished starting.
    pub ready: bool,
    /// What was changed in the settings as given: by the link the page was
    /// opened with (or that history restored), or by a control the person
    /// set (a number clamped, rounded or ignored). Shown by `Notices`.
    pub notices: Vec<Notice>,
    pub busy: Option<Busy>,
    pub message: Option<Message>,
    /// The latest run: what the timeline shows when nothing runs.
    pub latest: Option<Arc<Trace>>,
    /// Runs of one task set in different modes, for the comparison.
    pub comparison: Comparison,
    /// The latest thread sweep: the parallel mode on 1..n threads.
    pub sweep: Runs,
    /// The shared counter's latest contention experiment (each strategy on
    /// 1..n threads) and false-sharing pair.
    pub contention: Runs,
    pub false_sharing: Runs,
    /// Each lesson's latest result, kept on its card while others run.
    pub lessons: Vec<LessonResult>,
    /// Whether Run, Compare and Sweep ask for a prediction first (kept in
    /// this browser: `actions/predicted.rs`, through `local_store.rs`).
    pub predict_first: bool,
    /// The button whose question is waiting for an answer.
    pub asking: Option<Action>,
    /// The latest predicted Run, Compare or Sweep: the prediction beside
    /// the measurement (its id is the button's).
    pub plain: Option<LessonResult>,
    /// The latest prediction scored, with its question and the runs it was
    /// scored against: a result link of exactly those runs carries it.
    pub said: Option<Said>,
    /// A predicted time, drawn on the timeline of the run it predicted
    /// until the next run starts.
    pub predicted_time: Option<f64>,
    /// A predicted speedup on a number of threads, drawn on the speedup
    /// chart of the sweep it predicted until the next sweep starts.
    pub predicted_speedup: Option<(u32, f64)>,
    pub received: Received,
    pub replay: ReplayState,
}

impl Page {
    pub fn new(settings: Settings, notices: Vec<Notice>, env: Environment) -> Page {
        Page {
            settings,
            changed_by: ChangedBy::Page,
            env,
            ready: false,
            notices,
            busy: None,
            message: None,
            latest: None,
            comparison: Comparison::default(),
            sweep: Runs::default(),
            contention: Runs::default(),
            false_sharing: Runs::default(),
            lessons: Vec::new(),
            predict_first: false,
            asking: None,
            plain: None,
            said: None,
            predicted_time: None,
            predicted_speedup: None,
            received: Received::default(),
            replay: ReplayState::default(),
        }
    }
}

/// What a component that changes settings is given: the settings, who
/// changed them, and the notices about them, changed together.
#[derive(Clone, Copy)]
pub struct SettingsEditor {
    pub settings: Field<Settings>,
    changed_by: Field<ChangedBy>,
    pub notices: Field<Vec<Notice>>,
}

impl SettingsEditor {
    pub fn of(page: Store<Page>) -> SettingsEditor {
        SettingsEditor {
            settings: page.settings().into(),
            changed_by: page.changed_by().into(),
            notices: page.notices().into(),
        }
    }

    /// Sets the settings as the page's own adjustment (no history entry).
    pub fn set_by_page(self, settings: Settings) {
        self.changed_by.set(ChangedBy::Page);
        self.settings.set(settings);
    }

    /// Sets the settings as the person's choice (a history entry).
    pub fn set_by_person(self, settings: Settings) {
        self.changed_by.set(ChangedBy::Person);
        self.settings.set(settings);
    }

    /// A choice the person made in a list: the notices about this setting
    /// (an unknown name in the link) are out of date.
    pub fn choose(self, key: &'static str, change: impl FnOnce(&mut Settings)) {
        self.changed_by.set(ChangedBy::Person);
        self.settings.update(change);
        self.renotice(key, Vec::new());
    }

    /// [`Self::choose`] for a choice other settings depend on (the mode and
    /// the workload: the shared counter runs in the Parallel mode only):
    /// the settings are checked again, and what that changed is said.
    pub fn choose_checked(self, key: &'static str, change: impl FnOnce(&mut Settings)) {
        self.changed_by.set(ChangedBy::Person);
        let mut notices = Vec::new();
        self.settings.update(|s| {
            change(s);
            let (next, said) = s.clone().clamped();
            *s = next;
            notices = said;
        });
        self.renotice(key, notices);
    }

    /// Sets `field` to `value` (at most `max`) as the person did, and says
    /// what became of it, as a link's notices do: `said` is what reading
    /// their input did to it (rounded, clamped, ignored); `Settings::clamped`
    /// adds what the other settings' bounds did (jitter within the latency…).
    pub fn set_number(self, field: SettingField, value: u32, max: u32, said: Option<String>) {
        let mut notices: Vec<Notice> = said
            .into_iter()
            .map(|m| Notice::new(field.key(), m))
            .collect();
        self.changed_by.set(ChangedBy::Person);
        self.settings.update(|s| {
            let mut next = s.clone();
            field.set(&mut next, value.min(max));
            let (next, clamps) = next.clamped();
            notices.extend(clamps);
            *s = next;
        });
        self.renotice(field.key(), notices);
    }

    /// Shows what became of a value the person set in `field`: the notices
    /// about it (out of date now that it was set again), and about any
    /// setting `notices` speak of, give way to `notices`, which may be none.
    /// Notices about other settings stay.
    pub fn renotice(self, field: &str, notices: Vec<Notice>) {
        let stale = |n: &Notice| n.field == field || notices.iter().any(|m| m.field == n.field);
        if notices.is_empty() && !self.notices.with_untracked(|all| all.iter().any(stale)) {
            return; // nothing to change: no redraw on every step of a drag
        }
        self.notices.update(|all| {
            all.retain(|n| !stale(n));
            all.extend(notices.iter().cloned());
        });
    }

    /// Puts the settings in the address bar: a history entry when the
    /// person changed them (see `url::write`).
    pub fn write_url(self) {
        let by_person = self.changed_by.get_untracked() == ChangedBy::Person;
        self.settings.with(|s| url::write(s, by_person));
    }
}
