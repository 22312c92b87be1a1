//! The question a plain Run, Compare or Sweep asks when the person has
//! turned "Predict first" on: the experiment the button runs, dressed as a
//! lesson without a text, so that it asks and is scored exactly as the
//! lessons are (predict.rs).

use super::{Experiment, Lesson, Machine};
use crate::engine::plan::{Mode, Settings, Workload};
use crate::engine::record::Trace;
use crate::engine::travel::{Kind, Recorded};
use std::borrow::Borrow;

/// The buttons that can ask first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The selected mode, once.
    Run,
    /// Every mode that will run, on one task set.
    Compare,
    /// The parallel mode on 1 … pool threads.
    Sweep,
}

impl Action {
    /// The id its result is kept under, beside the lessons' ids.
    pub fn id(self) -> &'static str {
        match self {
            Action::Run => "run",
            Action::Compare => "compare",
            Action::Sweep => "sweep",
        }
    }

    /// The button's name.
    pub fn label(self) -> &'static str {
        match self {
            Action::Run => "Run",
            Action::Compare => "Compare all modes",
            Action::Sweep => "Sweep threads",
        }
    }

    /// The name of the question's button that runs it with the answer.
    pub fn go(self) -> &'static str {
        match self {
            Action::Run => "Run with my prediction",
            Action::Compare => "Compare with my prediction",
            Action::Sweep => "Sweep with my prediction",
        }
    }
}

/// What `action` runs on `settings`, as a lesson: `modes` are the ones a
/// comparison will run (the page drops those it cannot: parallel modes
/// without a pool, every mode but Parallel for the shared counter).
pub fn plain(action: Action, settings: &Settings, modes: &[Mode], machine: Machine) -> Lesson {
    let experiment = match action {
        Action::Run => Experiment::Modes(vec![settings.mode]),
        Action::Compare => Experiment::Modes(modes.to_vec()),
        Action::Sweep => Experiment::Sweep,
    };
    Lesson {
        id: action.id(),
        title: action.label(),
        body: &[],
        settings: settings.clone(),
        experiment,
        machine,
    }
}

/// What `action` will run in this page, as [`plain`] asks it: the
/// settings fitted to the pool, the comparison's modes those the page can
/// run (as `Actions::prepare` keeps them: the parallel ones only when
/// `parallel` is available, only Parallel for the shared counter).
pub fn on_page(action: Action, settings: &Settings, machine: Machine, parallel: bool) -> Lesson {
    let (settings, _) = settings.clone().fit_to_pool(machine.pool);
    let modes: Vec<Mode> = Mode::ALL
        .into_iter()
        .filter(|m| settings.workload != Workload::Counter || *m == Mode::Parallel)
        .filter(|m| !m.uses_pool() || parallel)
        .collect();
    plain(action, &settings, &modes, machine)
}

/// The question a received result's runs answer (`kind`, on `settings`,
/// in `modes`, one per run), asked on `machine`: the sender's (to score the
/// prediction their link carries) or this page's (for a prediction made
/// before "Run it here", which runs the same modes or the sweep here, the
/// pool's modes only when `parallel` is available, as `on_page` asks). One
/// run asks its time, several which finishes first, a sweep its speedup.
pub fn received(
    kind: Kind,
    settings: &Settings,
    modes: &[Mode],
    machine: Machine,
    parallel: bool,
) -> Lesson {
    let (settings, _) = settings.clone().fit_to_pool(machine.pool);
    let modes: Vec<Mode> = modes
        .iter()
        .copied()
        .filter(|m| !m.uses_pool() || parallel)
        .collect();
    match (kind, modes.as_slice()) {
        (Kind::Sweep, _) => plain(Action::Sweep, &settings, &[], machine),
        (Kind::Modes, [mode]) => {
            let settings = Settings {
                mode: *mode,
                ..settings
            };
            plain(Action::Run, &settings, &[], machine)
        }
        (Kind::Modes, _) => plain(Action::Compare, &settings, &modes, machine),
    }
}

/// [`received`] for a whole record, asked of its sender (whose runs ran).
pub fn received_record(rec: &Recorded) -> Lesson {
    received(
        rec.kind,
        &rec.settings,
        &modes_of(&rec.runs),
        Machine::from(&rec.machine),
        true,
    )
}

/// The mode of each run, in order.
pub fn modes_of<T: Borrow<Trace>>(runs: &[T]) -> Vec<Mode> {
    runs.iter().map(|t| t.borrow().mode).collect()
}

impl From<&crate::engine::travel::Machine> for Machine {
    /// The machine a result was recorded on, as the lessons size for one.
    fn from(m: &crate::engine::travel::Machine) -> Machine {
        Machine::new(m.pool_threads, m.logical_cores)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::lessons::{Marker, Prediction, Question};

    #[test]
    fn each_button_asks_what_it_will_measure() {
        let m = Machine::new(2, 2);
        let s = Settings {
            mode: Mode::Concurrent,
            tasks: 12,
            ..Settings::default()
        };
        let run = plain(Action::Run, &s, &[], m);
        let Question::Number { unit, prompt, .. } = run.question() else {
            panic!("a run asks for a time");
        };
        assert_eq!(unit, "ms");
        assert!(
            prompt.contains("12 tasks") && prompt.contains(Mode::Concurrent.label()),
            "{prompt}"
        );
        assert_eq!(
            run.marker(Prediction::Number(300.0)),
            Some(Marker::Time { ms: 300.0 })
        );

        let compare = plain(
            Action::Compare,
            &s,
            &[Mode::Sequential, Mode::Concurrent],
            m,
        );
        assert_eq!(
            compare.question().choices(),
            [
                Mode::Sequential.label(),
                Mode::Concurrent.label(),
                super::super::predict::ABOUT_THE_SAME
            ]
        );
        assert_eq!(compare.marker(Prediction::Choice(0)), None);

        let sweep = plain(Action::Sweep, &s, &[], m);
        assert!(matches!(
            sweep.question(),
            Question::Number { unit: "×", .. }
        ));
        assert_eq!(
            sweep.marker(Prediction::Number(1.5)),
            Some(Marker::Speedup {
                threads: 2,
                times: 1.5
            })
        );
    }

    #[test]
    fn a_comparison_of_one_mode_asks_for_its_time() {
        // The shared counter compares the parallel mode only.
        let c = plain(
            Action::Compare,
            &Settings::default(),
            &[Mode::Parallel],
            Machine::new(2, 2),
        );
        assert!(matches!(c.question(), Question::Number { unit: "ms", .. }));
    }

    /// The page asks about the modes it will run: without a pool only the
    /// main thread's, for the shared counter only Parallel; threads past
    /// the pool are fitted to it, as the run will be.
    #[test]
    fn on_the_page_the_question_names_what_will_run() {
        use crate::engine::plan::Workload;
        let m = Machine::new(2, 2);
        let choices = |s: &Settings, parallel| {
            on_page(Action::Compare, s, m, parallel)
                .question()
                .choices()
        };
        let cpu = Settings::default();
        assert_eq!(choices(&cpu, true).len(), Mode::ALL.len() + 1);
        let main_only: Vec<String> = Mode::ALL
            .into_iter()
            .filter(|m| !m.uses_pool())
            .map(|m| m.label().to_string())
            .chain([super::super::predict::ABOUT_THE_SAME.to_string()])
            .collect();
        assert_eq!(choices(&cpu, false), main_only);
        let counter = Settings {
            workload: Workload::Counter,
            ..Settings::default()
        };
        assert_eq!(
            on_page(Action::Compare, &counter, m, true).experiment,
            Experiment::Modes(vec![Mode::Parallel])
        );
        let wide = Settings {
            lanes: 16,
            ..Settings::default()
        };
        assert_eq!(on_page(Action::Run, &wide, m, true).settings.lanes, 2);
    }

    /// A link's prediction is scored with the question its runs ask, and
    /// said of the sender; here, modes this page cannot run are not asked.
    #[test]
    fn a_received_result_asks_what_its_runs_answer() {
        use crate::engine::lessons::{Prediction, Question};
        use crate::engine::travel::fixtures::{sample, sweep};
        let one = sample();
        assert_eq!(one.runs.len(), 1);
        let l = received_record(&one);
        assert_eq!(l.experiment, Experiment::Modes(vec![one.runs[0].mode]));
        assert_eq!(l.settings.mode, one.runs[0].mode);
        let s = l
            .score_sent(Prediction::Number(1.0), &one.runs)
            .expect("scored");
        assert!(
            s.sentence.starts_with("The sender predicted 1.00 ms"),
            "{}",
            s.sentence
        );

        // Two runs: which finished first, said of the sender.
        let mut two = sample();
        let mut other = two.runs[0].clone();
        other.mode = if other.mode == Mode::Sequential {
            Mode::Concurrent
        } else {
            Mode::Sequential
        };
        other.duration_ms *= 2.0;
        two.runs.push(other);
        let l = received_record(&two);
        let Question::First { options, .. } = l.question() else {
            panic!("two runs ask which finished first")
        };
        assert_eq!(options.len(), 2);
        let s = l
            .score_sent(Prediction::Choice(1), &two.runs)
            .expect("scored");
        assert!(!s.right);
        assert!(
            s.sentence.starts_with(&format!(
                "The sender predicted {}; {} finished first",
                options[1], options[0]
            )),
            "{}",
            s.sentence
        );

        // Here, without a pool, a parallel run is not asked about.
        let modes = [Mode::Sequential, Mode::Parallel];
        let here = received(
            Kind::Modes,
            &two.settings,
            &modes,
            Machine::new(1, 1),
            false,
        );
        assert_eq!(here.experiment, Experiment::Modes(vec![Mode::Sequential]));

        let sw = sweep();
        let l = received_record(&sw);
        assert_eq!(l.experiment, Experiment::Sweep);
        assert!(matches!(l.question(), Question::Number { unit: "×", .. }));
        // A choice does not fit a number question: not scored.
        assert_eq!(l.score_sent(Prediction::Choice(0), &sw.runs), None);
    }
}
