//! The quiz: the questions the topic is usually asked in interviews, and a
//! few of ours, each answered by a choice and then settled by a lesson's
//! experiment run on this machine. What a person answered is kept in the
//! browser as a short text ([`Progress::to_text`]); a saved text is read
//! back defensively, since anything may have been stored under its key.

use std::collections::BTreeMap;

/// One question of the quiz.
#[derive(Debug, Clone, PartialEq)]
pub struct QuizQuestion {
    /// Stable: it names the answer in the saved progress.
    pub id: &'static str,
    pub question: &'static str,
    pub options: &'static [&'static str],
    /// The index of the right option.
    pub right: usize,
    /// Why, in a sentence: the idea, not a measurement.
    pub why: &'static str,
    /// The lesson whose experiment settles it on this machine.
    pub settled_by: &'static str,
}

/// The quiz, in the order it is asked.
pub const QUIZ: &[QuizQuestion] = &[
    QuizQuestion {
        id: "cores",
        question: "Does concurrency need several cores?",
        options: &[
            "Yes: tasks in progress at once need a core each",
            "No: one thread can keep many tasks in progress, switching while they wait",
        ],
        right: 1,
        why: "Concurrency is about organising work around waits; one thread that starts every wait and picks each up when it ends needs no second core.",
        settled_by: "concurrency",
    },
    QuizQuestion {
        id: "nodejs",
        question: "Is Node.js concurrent or parallel?",
        options: &[
            "Concurrent: one event loop takes turns between requests",
            "Parallel: each request gets a core of its own",
            "Neither: it handles one request at a time, start to finish",
        ],
        right: 0,
        why: "Your JavaScript runs on one thread, whose event loop overlaps the requests' waits; computation on that thread blocks every other request.",
        settled_by: "nodejs",
    },
    QuizQuestion {
        id: "both",
        question: "Can concurrency and parallelism co-exist in one program?",
        options: &[
            "No: a program is either one or the other",
            "Yes: waits can overlap on one thread while other threads compute",
        ],
        right: 1,
        why: "They answer different questions (how work is organised, how it is executed); a server overlaps its waits on event loops and computes on several cores.",
        settled_by: "both",
    },
    QuizQuestion {
        id: "slower",
        question: "Can more threads make a job slower?",
        options: &[
            "No: more threads always finish sooner, or at worst as soon",
            "Yes: when they fight over shared data, a lock or the same cache line",
        ],
        right: 1,
        why: "Every update of shared data needs it on one core at a time: the line travels between cores, or threads wait in turn for the lock.",
        settled_by: "contention",
    },
    QuizQuestion {
        id: "slices",
        question: "Does computing in async slices on one thread finish sooner than computing one task after another?",
        options: &[
            "Yes: the slices overlap",
            "No: the slices take turns on the one thread, the work is the same",
        ],
        right: 1,
        why: "Taking turns makes the tasks progress together, which helps a page stay responsive, but the thread still does all the work.",
        settled_by: "time-slicing",
    },
    QuizQuestion {
        id: "serial",
        question: "A job spends a quarter of its time in a part that cannot be split. Can enough threads make it 10 times faster?",
        options: &[
            "Yes, with enough threads",
            "No: at most 4 times, whatever the number of threads",
        ],
        right: 1,
        why: "Amdahl's law: the serial quarter takes its time however many threads share the rest, so the job is never more than 1 / 0.25 = 4 times faster.",
        settled_by: "amdahl",
    },
];

/// What a person has answered: question id → option index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    answers: BTreeMap<&'static str, usize>,
}

/// The longest saved progress read back; anything longer was not written
/// by this page.
const MAX_TEXT: usize = 1_024;

impl Progress {
    /// The answer given to question `id`, if any.
    pub fn answer(&self, id: &str) -> Option<usize> {
        self.answers.get(id).copied()
    }

    /// Records `option` as the answer to `id`: the first answer counts,
    /// and stays until a reset (the verdict names the right option, so a
    /// changed answer would score what the page told). An unknown question
    /// or an option it does not have is ignored.
    pub fn answer_with(&mut self, id: &str, option: usize) {
        if let Some(q) = QUIZ.iter().find(|q| q.id == id)
            && option < q.options.len()
        {
            self.answers.entry(q.id).or_insert(option);
        }
    }

    /// Questions answered, and answered right.
    pub fn score(&self) -> (usize, usize) {
        let right = QUIZ
            .iter()
            .filter(|q| self.answer(q.id) == Some(q.right))
            .count();
        (self.answers.len(), right)
    }

    /// The progress as saved: `v1:` and `id=option` pairs, comma-separated.
    pub fn to_text(&self) -> String {
        let pairs: Vec<String> = self
            .answers
            .iter()
            .map(|(id, option)| format!("{id}={option}"))
            .collect();
        format!("v1:{}", pairs.join(","))
    }

    /// Reads saved progress back. Whatever does not fit (another version,
    /// an unknown question, an option out of range, a text too long) is
    /// left out, and the second value says so in a sentence for the page.
    pub fn from_text(text: &str) -> (Progress, Option<String>) {
        let mut progress = Progress::default();
        let dropped =
            "Part of the quiz progress saved in this browser could not be read and was left out.";
        if text.is_empty() {
            return (progress, None);
        }
        let Some(body) = text.strip_prefix("v1:").filter(|_| text.len() <= MAX_TEXT) else {
            return (progress, Some(dropped.into()));
        };
        let mut lost = false;
        for pair in body.split(',').filter(|p| !p.is_empty()) {
            let parsed = pair
                .split_once('=')
                .and_then(|(id, option)| Some((id, option.parse::<usize>().ok()?)));
            match parsed {
                Some((id, option))
                    if QUIZ.iter().any(|q| q.id == id && option < q.options.len()) =>
                {
                    progress.answer_with(id, option);
                }
                _ => lost = true,
            }
        }
        (progress, lost.then(|| dropped.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Machine, lessons, presets};
    use super::*;

    #[test]
    fn every_question_is_settled_by_a_lesson_on_every_pool() {
        let mut ids: Vec<&str> = QUIZ.iter().map(|q| q.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), QUIZ.len(), "question ids are unique");
        for pool in [1u32, 2, 4, 16, 64] {
            let m = Machine::new(pool, pool);
            let mut all = lessons(m);
            all.extend(presets(m));
            for q in QUIZ {
                assert!(q.right < q.options.len(), "{}", q.id);
                assert!(
                    all.iter().any(|l| l.id == q.settled_by),
                    "{}: no lesson {}",
                    q.id,
                    q.settled_by
                );
            }
        }
    }

    #[test]
    fn progress_round_trips_and_scores() {
        let mut p = Progress::default();
        assert_eq!(p.score(), (0, 0));
        p.answer_with("cores", 1);
        p.answer_with("nodejs", 0);
        // A second answer does not replace the first.
        p.answer_with("nodejs", 1);
        p.answer_with("nope", 0);
        p.answer_with("both", 9);
        assert_eq!(p.score(), (2, 2));
        p.answer_with("slower", 0);
        p.answer_with("slower", 1);
        assert_eq!(p.score(), (3, 2));
        let text = p.to_text();
        assert_eq!(text, "v1:cores=1,nodejs=0,slower=0");
        assert_eq!(Progress::from_text(&text), (p, None));
        assert_eq!(Progress::from_text(""), (Progress::default(), None));
    }

    /// Anything may be stored under the quiz's key: what fits is kept, the
    /// rest left out and said so; nothing panics.
    #[test]
    fn hostile_saved_progress_is_read_safely() {
        let long = format!("v1:{}", "cores=1,".repeat(500));
        for text in [
            "garbage",
            "v2:cores=1",
            "v1:cores=7",
            "v1:cores=-1",
            "v1:cores=99999999999999999999999",
            "v1:unknown=0",
            "v1:=,==,cores",
            "v1:cores=1,<script>=0",
            long.as_str(),
        ] {
            let (p, notice) = Progress::from_text(text);
            assert!(notice.is_some(), "{text:.40}: no notice");
            let (answered, _) = p.score();
            assert!(answered <= 1, "{text:.40}");
        }
        let (p, notice) = Progress::from_text("v1:cores=1,unknown=3");
        assert_eq!(p.answer("cores"), Some(1));
        assert!(notice.is_some());
    }
}
