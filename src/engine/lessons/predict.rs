//! Predict, then measure: the question a lesson asks before it runs, and
//! the prediction scored against what its experiment measured.
//!
//! The question comes from the experiment's shape, so that every lesson and
//! preset asks one, and a lesson added later does too: several modes (or
//! ways of handing out tasks, or counter strategies) ask which finishes
//! first; a sweep asks for the speedup on the most threads; the racy
//! counter asks how many updates it loses; a single run asks how long it
//! takes. The answer and the "why" are read from the traces only, as the
//! lesson's own sentence is.

use super::words::times;
use super::{Experiment, Lesson};
use crate::engine::analysis::{CounterRow, lost_pct, points_of, row_of};
use crate::engine::format::{count, format_ms};
use crate::engine::plan::{Mode, Strategy};
use crate::engine::record::{Outcome, SpanKind, Trace};
use std::borrow::Borrow;

/// A prediction's kind and bounds: what the page asks before the run.
#[derive(Debug, Clone, PartialEq)]
pub enum Question {
    /// Which of `options` finishes first, or [`ABOUT_THE_SAME`] (the
    /// choice after the last option): see [`Question::choices`].
    First {
        prompt: String,
        options: Vec<String>,
    },
    /// A number in `min..=max`, in `unit` ("×", "ms", "%").
    Number {
        prompt: String,
        unit: &'static str,
        min: f64,
        max: f64,
    },
}

/// The choice after a [`Question::First`]'s options: that none of them
/// will finish more than [`TIE`] ahead of the others. Often the right
/// answer (two modes that compute the same work on one core), so it is
/// always offered.
pub const ABOUT_THE_SAME: &str = "About the same";

impl Question {
    /// What the page offers to choose from: the options, then
    /// [`ABOUT_THE_SAME`]; a number question has none.
    pub fn choices(&self) -> Vec<String> {
        match self {
            Question::First { options, .. } => options
                .iter()
                .cloned()
                .chain([ABOUT_THE_SAME.to_string()])
                .collect(),
            Question::Number { .. } => Vec::new(),
        }
    }

    pub fn prompt(&self) -> &str {
        match self {
            Question::First { prompt, .. } | Question::Number { prompt, .. } => prompt,
        }
    }
}

pub use crate::engine::travel::Prediction;

/// A prediction beside the measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Whether the prediction was right: the option that finished first
    /// (or one within [`TIE`] of it), [`ABOUT_THE_SAME`] when every option
    /// came within [`TIE`] of the first, a number within [`NEAR`] of the
    /// measured one (a share: within 5 points).
    pub right: bool,
    /// "You predicted …; measured …", with the error in words.
    pub sentence: String,
    /// Why, from the measured figures.
    pub why: String,
    /// The measured answer: the option's index, or the number.
    pub measured: Prediction,
}

/// Runs whose wall times are within this share of the fastest finished
/// "first" too: a difference that small is the machine's noise, not the
/// mode's.
pub const TIE: f64 = 0.05;

/// A predicted number within this share of the measured one is right.
pub const NEAR: f64 = 0.25;

/// The racy counter's question is about the share of updates lost.
fn is_race(lesson: &Lesson) -> bool {
    matches!(&lesson.experiment, Experiment::Grid { strategies, .. } if strategies == &[Strategy::Racy])
}

impl Lesson {
    /// What the lesson asks before it runs.
    pub fn question(&self) -> Question {
        let p = self.machine.pool;
        match &self.experiment {
            Experiment::Modes(modes) if modes.len() >= 2 => Question::First {
                prompt: "Which finishes first?".into(),
                options: modes.iter().map(|m| m.label().to_string()).collect(),
            },
            Experiment::Modes(modes) => Question::Number {
                prompt: format!(
                    "How long will the run take ({}, {})?",
                    modes.first().copied().unwrap_or(Mode::Concurrent).label(),
                    count(self.settings.tasks, "task")
                ),
                unit: "ms",
                min: 0.0,
                max: 600_000.0,
            },
            Experiment::Sweep => Question::Number {
                prompt: format!(
                    "On {}, how many times as fast as on one?",
                    count(p, "thread")
                ),
                unit: "×",
                min: 0.0,
                max: f64::from(p) * 2.0,
            },
            Experiment::Assignments(ways) => Question::First {
                prompt: "Which way of handing out the tasks finishes first?".into(),
                options: ways.iter().map(|a| a.label().to_string()).collect(),
            },
            Experiment::Grid { .. } if is_race(self) => Question::Number {
                prompt: format!(
                    "What share of its updates will the racy counter lose on {}?",
                    count(p, "thread")
                ),
                unit: "%",
                min: 0.0,
                max: 100.0,
            },
            Experiment::Grid {
                strategies,
                threads,
            } => Question::First {
                // Per update: the grid gives each strategy as many updates
                // as take about as long (plan::grid), so wall times would
                // compare nothing.
                prompt: format!(
                    "Which takes the least time per update on {}?",
                    count(threads.iter().copied().max().unwrap_or(p), "thread")
                ),
                options: strategies.iter().map(|s| s.label().to_string()).collect(),
            },
        }
    }

    /// `said` against the traces the experiment produced (in the order it
    /// ran them). `None` when the traces do not fit the experiment (a
    /// stopped or failed run), or `said` does not fit the question.
    pub fn score<T: Borrow<Trace>>(&self, said: Prediction, traces: &[T]) -> Option<Scored> {
        let traces: Vec<&Trace> = traces.iter().map(Borrow::borrow).collect();
        if traces.is_empty() || traces.iter().any(|t| t.outcome != Outcome::Completed) {
            return None;
        }
        match (&self.question(), said) {
            (Question::First { options, .. }, Prediction::Choice(i)) if i <= options.len() => {
                let (measure, values) = self.measures(&traces)?;
                if values.len() != options.len() {
                    return None;
                }
                Some(first(options, measure, &values, i))
            }
            (Question::Number { unit, min, max, .. }, Prediction::Number(x))
                if x.is_finite() && (*min..=*max).contains(&x) =>
            {
                let (measured, why) = self.number(&traces)?;
                Some(number(x, measured, unit, why))
            }
            _ => None,
        }
    }

    /// As [`Lesson::score`], said of the person who sent a result link
    /// rather than to the person reading it.
    pub fn score_sent<T: Borrow<Trace>>(&self, said: Prediction, traces: &[T]) -> Option<Scored> {
        self.score(said, traces).map(|mut s| {
            s.sentence = s
                .sentence
                .replacen("You predicted", "The sender predicted", 1);
            s
        })
    }

    /// What each option of a [`Question::First`] is judged by, in its
    /// order: wall time, or time per update for the counter's strategies.
    fn measures(&self, traces: &[&Trace]) -> Option<(Measure, Vec<f64>)> {
        let wall = |v: Option<Vec<f64>>| v.map(|v| (Measure::Wall, v));
        match &self.experiment {
            Experiment::Modes(modes) => wall(
                modes
                    .iter()
                    .map(|m| traces.iter().find(|t| t.mode == *m).map(|t| t.duration_ms))
                    .collect(),
            ),
            // Run in the order of the ways, one trace each.
            Experiment::Assignments(_) => {
                wall(Some(traces.iter().map(|t| t.duration_ms).collect()))
            }
            Experiment::Grid {
                strategies,
                threads,
            } => {
                let rows = CounterRow::all(traces);
                let p = threads.iter().copied().max()?;
                let per_update: Option<Vec<f64>> = strategies
                    .iter()
                    .map(|s| row_of(&rows, *s, p).map(|r| r.ns_per_update))
                    .collect();
                per_update.map(|v| (Measure::PerUpdate, v))
            }
            Experiment::Sweep => None,
        }
    }

    /// The measured number of a [`Question::Number`], and why it came out so.
    fn number(&self, traces: &[&Trace]) -> Option<(f64, String)> {
        let p = self.machine.pool;
        match &self.experiment {
            Experiment::Sweep => {
                let points = points_of(traces);
                let one = points.iter().find(|pt| pt.threads == 1)?;
                let most = points.iter().max_by_key(|pt| pt.threads)?;
                let cores = self.machine.cores;
                let why = if most.threads == 1 {
                    "With one thread in the pool there is no second thread to share the work."
                        .to_string()
                } else {
                    let beyond = if most.threads > cores {
                        format!(
                            " That is more threads than the browser's {}: past them, threads take turns on the cores.",
                            count(cores, "logical core")
                        )
                    } else {
                        String::new()
                    };
                    format!(
                        "The job took {} on 1 thread and {} on {}: {} as fast.{beyond}",
                        format_ms(one.makespan_ms),
                        format_ms(most.makespan_ms),
                        count(most.threads, "thread"),
                        times(most.speedup),
                    )
                };
                Some((most.speedup, why))
            }
            Experiment::Grid { .. } => {
                let rows = CounterRow::all(traces);
                let all = row_of(&rows, Strategy::Racy, p)?;
                let lost = lost_pct(&all.tally);
                let why = if p == 1 {
                    "One thread cannot race with itself: nothing runs between its read and its write.".to_string()
                } else if all.tally.lost() == 0 {
                    format!(
                        "None of {} updates was lost on {} this time: the threads never read the same value at once. \
                         The race is still there; another run may lose some.",
                        all.tally.expected,
                        count(p, "thread")
                    )
                } else {
                    format!(
                        "{} of {} updates were lost on {}: each is a stale value written back by one thread \
                         while another was adding. How many depends on how often the threads' reads and writes \
                         happened to interleave.",
                        all.tally.lost(),
                        all.tally.expected,
                        count(p, "thread")
                    )
                };
                Some((lost, why))
            }
            Experiment::Modes(_) => {
                let t = traces.first()?;
                let s = t.stats();
                let waited: f64 = t
                    .spans
                    .iter()
                    .filter(|s| s.kind == SpanKind::Wait)
                    .map(|s| s.duration())
                    .sum();
                let overlap = if waited > s.makespan_ms {
                    format!(
                        " The waits add up to {}: they overlapped, so the run took less than their sum.",
                        format_ms(waited)
                    )
                } else {
                    String::new()
                };
                let why = format!(
                    "{} in {}: {} of computation, at most {} in flight at once.{overlap}",
                    count(t.tasks, "task"),
                    format_ms(s.makespan_ms),
                    format_ms(s.cpu_ms),
                    count(s.peak_overlap, "task"),
                );
                Some((s.makespan_ms, why))
            }
            Experiment::Assignments(_) => None,
        }
    }
}

/// A prediction drawn on the chart that shows its measurement: a time on
/// the timeline's axis, a speedup beside the sweep's measured point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Marker {
    Time { ms: f64 },
    Speedup { threads: u32, times: f64 },
}

impl Lesson {
    /// Where `said` can be drawn once the experiment has run: a single
    /// run's time, or a sweep's speedup on its most threads.
    pub fn marker(&self, said: Prediction) -> Option<Marker> {
        let Prediction::Number(x) = said else {
            return None;
        };
        match (&self.experiment, self.question()) {
            (Experiment::Modes(modes), Question::Number { .. }) if modes.len() == 1 => {
                Some(Marker::Time { ms: x })
            }
            (Experiment::Sweep, _) => Some(Marker::Speedup {
                threads: self.machine.pool,
                times: x,
            }),
            _ => None,
        }
    }
}

/// What a [`Question::First`] compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    /// Wall time of each run: the least finished first.
    Wall,
    /// Nanoseconds per update of each counter strategy.
    PerUpdate,
}

impl Measure {
    fn say(self, x: f64) -> String {
        match self {
            Measure::Wall => format_ms(x),
            Measure::PerUpdate => format!("{x:.1} ns per update"),
        }
    }
}

/// Scores the choice of option `said` against each option's `values`
/// (the least wins); `said == options.len()` is [`ABOUT_THE_SAME`].
fn first(options: &[String], measure: Measure, values: &[f64], said: usize) -> Scored {
    let best_at = (0..values.len())
        .min_by(|a, b| values[*a].total_cmp(&values[*b]))
        .unwrap_or(0);
    let worst_at = (0..values.len())
        .max_by(|a, b| values[*a].total_cmp(&values[*b]))
        .unwrap_or(0);
    let best = values[best_at];
    let all_tied = values[worst_at] <= best * (1.0 + TIE);
    let same = said == options.len();
    let tied = !same && values[said] <= best * (1.0 + TIE);
    let right = if same {
        all_tied
    } else {
        said == best_at || tied
    };
    let won = match measure {
        Measure::Wall => "finished first",
        Measure::PerUpdate => "took the least time per update",
    };
    let sentence = if same && all_tied {
        format!(
            "You predicted about the same; they were, within {:.0} % of each other.",
            TIE * 100.0
        )
    } else if same {
        format!(
            "You predicted about the same; {} {won}, {} as fast as {}.",
            options[best_at],
            times(values[worst_at] / best),
            options[worst_at]
        )
    } else if said == best_at {
        format!("You predicted {}; it {won}.", options[said])
    } else if tied {
        format!(
            "You predicted {}; {} {won}, by less than {:.0} %: counted as a tie.",
            options[said],
            options[best_at],
            TIE * 100.0
        )
    } else {
        format!(
            "You predicted {}; {} {won}, {} as fast.",
            options[said],
            options[best_at],
            times(values[said] / best)
        )
    };
    let why = options
        .iter()
        .zip(values)
        .map(|(o, v)| format!("{o}: {}", measure.say(*v)))
        .collect::<Vec<_>>()
        .join("; ");
    let what = match measure {
        Measure::Wall => "Wall time",
        Measure::PerUpdate => "Time per update",
    };
    Scored {
        right,
        sentence,
        why: format!("{what}, as measured: {why}."),
        measured: Prediction::Choice(if all_tied { options.len() } else { best_at }),
    }
}

/// Scores the number `said` against the `measured` one.
fn number(said: f64, measured: f64, unit: &str, why: String) -> Scored {
    let say = |x: f64| match unit {
        "×" => times(x),
        "ms" => format_ms(x),
        _ => format!("{x:.1} {unit}"),
    };
    // A share is judged in points (5 of 100), a time or a ratio relatively.
    let (right, off) = if unit == "%" {
        (
            (said - measured).abs() <= 5.0,
            format!("{:.1} points", (said - measured).abs()),
        )
    } else if measured > 0.0 {
        let e = said / measured - 1.0;
        (e.abs() <= NEAR, format!("{:.0} %", e.abs() * 100.0))
    } else {
        (said == 0.0, say(said))
    };
    let direction = if said > measured { "over" } else { "under" };
    let sentence = if right {
        format!(
            "You predicted {}; measured {}: right, {} off.",
            say(said),
            say(measured),
            off
        )
    } else {
        format!(
            "You predicted {}; measured {}: {off} {direction}.",
            say(said),
            say(measured)
        )
    };
    Scored {
        right,
        sentence,
        why,
        measured: Prediction::Number(measured),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{lessons, presets};
    use super::*;
    use crate::engine::lessons::Machine;
    use crate::engine::record::{Lane, Span, Tally};

    fn all(m: Machine) -> Vec<Lesson> {
        let mut v = lessons(m);
        v.extend(presets(m));
        v
    }

    fn trace(mode: Mode, lanes: u32, duration: f64) -> Trace {
        let spans = vec![Span::new(0, Lane::Main, SpanKind::Run, 0.0, duration)];
        Trace::new(mode, lanes, 1, 0.0, duration, spans)
    }

    fn counter(strategy: Strategy, lanes: u32, expected: u64, lost: u64, ms: f64) -> Trace {
        let mut t = trace(Mode::Parallel, lanes, ms);
        t.counter = Some(Tally {
            strategy,
            expected,
            actual: expected - lost,
        });
        t
    }

    /// Traces as the lesson's experiment produces them, option `fast`
    /// finishing first (wall times 100 ms, the others 200, 300, …), a sweep
    /// 1.6× on its most threads, the racy counter losing 30 %.
    fn traces_for(l: &Lesson, fast: usize) -> Vec<Trace> {
        let wall = |i: usize| {
            if i == fast {
                100.0
            } else {
                200.0 + 100.0 * i as f64
            }
        };
        match &l.experiment {
            Experiment::Modes(modes) if modes.len() == 1 => {
                let mut t = trace(modes[0], 1, 250.0);
                t.spans
                    .extend((1..5).map(|k| Span::new(k, Lane::Main, SpanKind::Wait, 0.0, 200.0)));
                vec![t]
            }
            Experiment::Modes(modes) => modes
                .iter()
                .enumerate()
                .map(|(i, m)| trace(*m, 2, wall(i)))
                .collect(),
            Experiment::Assignments(ways) => (0..ways.len())
                .map(|i| trace(Mode::Parallel, 2, wall(i)))
                .collect(),
            Experiment::Sweep => (1..=l.machine.pool)
                .map(|q| {
                    let ms = if q == l.machine.pool && q > 1 {
                        100.0
                    } else {
                        160.0
                    };
                    trace(Mode::Parallel, q, ms)
                })
                .collect(),
            Experiment::Grid {
                strategies,
                threads,
            } => strategies
                .iter()
                .enumerate()
                .flat_map(|(i, s)| {
                    threads.iter().map(move |&q| {
                        let lost = if *s == Strategy::Racy && q > 1 {
                            300
                        } else {
                            0
                        };
                        counter(*s, q, 1_000, lost, wall(i))
                    })
                })
                .collect(),
        }
    }

    /// Every lesson and preset, on every pool size, asks a question whose
    /// answer its experiment's traces give: a right prediction is scored
    /// right, a wrong one wrong, each with a sentence and a why from the
    /// figures.
    #[test]
    fn every_lesson_asks_and_scores_from_its_traces() {
        for pool in [1u32, 2, 4, 16] {
            let every = all(Machine::new(pool, pool));
            // The article's examples and the lessons: every one of them asks.
            assert!(every.len() >= 17, "{} lessons", every.len());
            for l in every {
                match l.question() {
                    Question::First { options, .. } => {
                        assert!(options.len() >= 2, "{}: {options:?}", l.id);
                        let fast = options.len() - 1;
                        let traces = traces_for(&l, fast);
                        let right = l.score(Prediction::Choice(fast), &traces).expect(l.id);
                        assert!(right.right, "{}: {right:?}", l.id);
                        assert_eq!(right.measured, Prediction::Choice(fast));
                        assert!(
                            right.why.contains(&options[fast]),
                            "{}: {}",
                            l.id,
                            right.why
                        );
                        let wrong = l.score(Prediction::Choice(0), &traces).expect(l.id);
                        assert!(!wrong.right, "{}: {wrong:?}", l.id);
                        assert!(
                            wrong.sentence.contains(&options[fast]),
                            "{}: {}",
                            l.id,
                            wrong.sentence
                        );
                    }
                    Question::Number { unit, min, max, .. } => {
                        assert!(min < max, "{}", l.id);
                        let traces = traces_for(&l, 0);
                        let Prediction::Number(measured) = l
                            .score(Prediction::Number(min), &traces)
                            .expect(l.id)
                            .measured
                        else {
                            panic!("{}: a number question measured a choice", l.id)
                        };
                        let expected = match unit {
                            "×" if pool > 1 => 1.6,
                            "×" => 1.0,
                            "%" if pool > 1 => 30.0,
                            "%" => 0.0,
                            _ => 250.0,
                        };
                        assert!(
                            (measured - expected).abs() < 1e-9,
                            "{}: measured {measured}",
                            l.id
                        );
                        let near = l
                            .score(Prediction::Number(measured * 1.1), &traces)
                            .expect(l.id);
                        assert!(near.right, "{}: {near:?}", l.id);
                        let far = (measured * 3.0 + 20.0).min(max);
                        let off = l.score(Prediction::Number(far), &traces).expect(l.id);
                        assert!(!off.right, "{}: {off:?}", l.id);
                        assert!(off.sentence.contains("over"), "{}: {}", l.id, off.sentence);
                        assert!(!off.why.is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn a_tie_within_the_noise_is_right_and_said_so() {
        let options = vec!["Sequential".to_string(), "Concurrent (async)".to_string()];
        let s = first(&options, Measure::Wall, &[100.0, 103.0], 1);
        assert!(s.right);
        assert!(s.sentence.contains("counted as a tie"), "{}", s.sentence);
        let s = first(&options, Measure::Wall, &[100.0, 190.0], 1);
        assert!(!s.right);
        assert!(s.sentence.contains("1.9×"), "{}", s.sentence);
    }

    /// "About the same" is offered after every question's options, and is
    /// right only when every option came within the tie of the first.
    #[test]
    fn about_the_same_is_right_only_when_all_are_within_the_tie() {
        let options = vec![
            "Sequential".to_string(),
            "Concurrent (async)".to_string(),
            "Parallel".to_string(),
        ];
        let same = options.len();
        let s = first(&options, Measure::Wall, &[100.0, 103.0, 104.0], same);
        assert!(s.right, "{s:?}");
        assert!(s.sentence.contains("within 5 %"), "{}", s.sentence);
        assert_eq!(s.measured, Prediction::Choice(same));
        let s = first(&options, Measure::Wall, &[100.0, 103.0, 160.0], same);
        assert!(!s.right, "{s:?}");
        assert!(
            s.sentence
                .contains("Sequential finished first, 1.6× as fast as Parallel"),
            "{}",
            s.sentence
        );
        assert_eq!(s.measured, Prediction::Choice(0));
        // Every lesson that asks for a choice offers it, last, and scores it.
        for l in all(Machine::new(2, 2)) {
            if let Question::First { options, .. } = l.question() {
                let choices = l.question().choices();
                assert_eq!(choices.len(), options.len() + 1, "{}", l.id);
                assert_eq!(choices.last().map(String::as_str), Some(ABOUT_THE_SAME));
                let traces = traces_for(&l, 0);
                let s = l.score(Prediction::Choice(options.len()), &traces);
                assert_eq!(
                    s.map(|s| s.right),
                    Some(false),
                    "{}: the options differ",
                    l.id
                );
                assert_eq!(
                    l.score(Prediction::Choice(options.len() + 1), &traces),
                    None
                );
            }
        }
    }

    #[test]
    fn shares_are_judged_in_points_and_others_relatively() {
        assert!(number(12.0, 8.0, "%", String::new()).right);
        assert!(!number(14.0, 8.0, "%", String::new()).right);
        assert!(number(1.2, 1.0, "×", String::new()).right);
        assert!(!number(1.3, 1.0, "×", String::new()).right);
        let under = number(50.0, 100.0, "ms", String::new());
        assert!(
            !under.right && under.sentence.contains("50 % under"),
            "{}",
            under.sentence
        );
    }

    /// A prediction that does not fit the question, or traces that do not
    /// fit the experiment, are not scored: no panic, no made-up figure.
    #[test]
    fn what_does_not_fit_is_not_scored() {
        let m = Machine::new(2, 2);
        for l in all(m) {
            let traces = traces_for(&l, 0);
            for bad in [
                Prediction::Choice(99),
                Prediction::Number(f64::NAN),
                Prediction::Number(-1.0),
                Prediction::Number(1e12),
            ] {
                assert_eq!(l.score(bad, &traces), None, "{} {bad:?}", l.id);
            }
            assert_eq!(l.score(Prediction::Choice(0), &Vec::<Trace>::new()), None);
            let mut stopped = traces.clone();
            stopped[0].outcome = Outcome::Cancelled;
            let said = match l.question() {
                Question::First { .. } => Prediction::Choice(0),
                Question::Number { min, .. } => Prediction::Number(min),
            };
            assert_eq!(l.score(said, &stopped), None, "{}", l.id);
        }
    }

    /// The grid gives each counter strategy as many updates as take about
    /// as long, so the counter questions are judged per update: padded
    /// counters doing 3.3× the updates in the same wall time win, not tie.
    #[test]
    fn counter_strategies_are_judged_per_update_not_by_wall_time() {
        let l = all(Machine::new(2, 2))
            .into_iter()
            .find(|l| l.id == "false-sharing")
            .expect("the false-sharing lesson");
        let Question::First { options, .. } = l.question() else {
            panic!("a choice")
        };
        let padded = options
            .iter()
            .position(|o| o == Strategy::Padded.label())
            .expect("padded");
        let adjacent = options
            .iter()
            .position(|o| o == Strategy::Adjacent.label())
            .expect("adjacent");
        let traces = vec![
            counter(Strategy::Adjacent, 2, 4_000_000, 0, 150.0),
            counter(Strategy::Padded, 2, 13_200_000, 0, 150.0),
        ];
        let s = l
            .score(Prediction::Choice(adjacent), &traces)
            .expect("scored");
        assert!(!s.right, "{s:?}");
        assert_eq!(s.measured, Prediction::Choice(padded));
        assert!(s.sentence.contains("3.3× as fast"), "{}", s.sentence);
        assert!(
            s.why.starts_with("Time per update, as measured:"),
            "{}",
            s.why
        );
    }
}
