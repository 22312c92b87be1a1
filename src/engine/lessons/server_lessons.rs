//! The server's lessons (the goroutines example): each serves connections
//! two ways on the server card, asks first which way will do better, and
//! states what was measured. Sized from the machine like the other
//! lessons: the one loop's handlers add up to about two seconds whatever
//! the pool, so that the loops on the pool have something to split.

use super::{Machine, Prediction, Question, Scored};
use crate::engine::analysis::{SERVED_NOISE, TAIL_FLOOR_MS, TAIL_NOISE, served_sentence};
use crate::engine::format::{format_ms, thousands};
use crate::engine::plan::{ServerAsk, Way};
use crate::engine::record::{Served, ServedOutcome};

/// What a server lesson's question compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// Requests per second: more is better.
    Throughput,
    /// The 99th percentile of the scheduled time: less is better.
    Tail,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerLesson {
    pub id: &'static str,
    pub title: &'static str,
    pub body: &'static [&'static str],
    pub ask: ServerAsk,
    /// Served in this order.
    pub ways: Vec<Way>,
    pub judged: Judged,
}

/// The server lessons for machine `m`.
pub fn server_lessons(m: Machine) -> Vec<ServerLesson> {
    let p = m.pool.max(1);
    // Compute-heavy: 100 connections a thread, 10 messages each, handlers
    // sized so that they add up to about 2 s on one thread.
    let heavy = ServerAsk {
        connections: 100 * p,
        messages: 10,
        handler_ms: (2.0 / f64::from(p)).max(0.02),
        wait_mean_ms: 5.0,
        hot: false,
    };
    vec![
        ServerLesson {
            id: "goroutines",
            title: "Goroutines: concurrency on every core",
            body: &[
                "Go runs goroutines, and tokio runs tasks, on an event loop per core: thousands of connections \
                 are in flight at once (concurrency) and the loops handle them side by side (parallelism). An idle \
                 loop takes ready work from a busy one, so none sits idle while another has a queue.",
                "Here the handlers compute a lot: one loop must run them all itself, the loops on the pool split \
                 them.",
            ],
            ask: heavy,
            ways: vec![Way::OneLoop, Way::Stealing],
            judged: Judged::Throughput,
        },
        ServerLesson {
            id: "cluster",
            title: "Node.js on every core: cluster mode",
            body: &[
                "Node.js runs your code on one event loop: concurrent, not parallel. Its cluster mode (and nginx's \
                 worker processes) starts one loop per core and deals each connection to one of them for good: \
                 the loops run in parallel, each still concurrent inside.",
            ],
            ask: heavy,
            ways: vec![Way::OneLoop, Way::Pinned],
            judged: Judged::Throughput,
        },
        ServerLesson {
            id: "hot",
            title: "Hot connections: pinned loops against stealing",
            body: &[
                "A connection pinned to its loop stays there, however busy that loop gets. One connection here \
                 computes a hundred times as much as the others: the connections that share its loop wait behind \
                 it while the other loop has nothing to do. Loops that steal take those waiting messages over.",
            ],
            ask: ServerAsk {
                connections: 20 * p,
                messages: 20,
                handler_ms: 0.05,
                wait_mean_ms: 2.0,
                hot: true,
            },
            ways: vec![Way::Pinned, Way::Stealing],
            judged: Judged::Tail,
        },
    ]
}

impl ServerLesson {
    pub fn question(&self) -> Question {
        Question::First {
            prompt: match self.judged {
                Judged::Throughput => "Which serves more requests per second?".into(),
                Judged::Tail => {
                    "Which keeps its slowest messages (the 99th percentile) waiting less for their loop?"
                        .into()
                }
            },
            options: self.ways.iter().map(|w| w.label().to_string()).collect(),
        }
    }

    /// This lesson's runs in its ways' order, if every one completed.
    fn runs<'a>(&self, runs: &'a [Served]) -> Option<Vec<&'a Served>> {
        self.ways
            .iter()
            .map(|w| {
                runs.iter()
                    .rev()
                    .find(|s| s.way == *w)
                    .filter(|s| s.outcome == ServedOutcome::Completed)
            })
            .collect()
    }

    /// The measured sentence, or None unless every way completed.
    pub fn conclude(&self, runs: &[Served]) -> Option<String> {
        served_sentence(&self.runs(runs)?)
    }

    /// `said` against the runs: right when the chosen way did best (or
    /// within the noise of the best: [`SERVED_NOISE`] for requests per
    /// second, [`TAIL_NOISE`] for a p99), or when every way came within it
    /// and the person said [`super::ABOUT_THE_SAME`].
    pub fn score(&self, said: Prediction, runs: &[Served]) -> Option<Scored> {
        let mine = self.runs(runs)?;
        let Prediction::Choice(chosen) = said else {
            return None;
        };
        let options = self.question().choices();
        let chosen_label = options.get(chosen)?;
        // Each way's figure, as "better is larger".
        let values: Vec<f64> = mine
            .iter()
            .map(|s| match self.judged {
                Judged::Throughput => s.requests_per_s(),
                Judged::Tail => 1.0 / s.scheduled_quantile(0.99).unwrap_or(0.0).max(1e-3),
            })
            .collect();
        let best = (0..values.len()).max_by(|&a, &b| values[a].total_cmp(&values[b]))?;
        let noise = match self.judged {
            Judged::Throughput => SERVED_NOISE,
            Judged::Tail => TAIL_NOISE,
        };
        // Near the best: within the noise, or (a tail) within its floor.
        let p99 = |i: usize| mine[i].scheduled_quantile(0.99).unwrap_or(0.0);
        let near = |i: usize| {
            values[i] * noise >= values[best]
                || (self.judged == Judged::Tail && p99(i) - p99(best) < TAIL_FLOOR_MS)
        };
        let all_near = (0..values.len()).all(near);
        let right = if chosen == self.ways.len() {
            all_near
        } else {
            near(chosen)
        };
        let figures = mine
            .iter()
            .map(|s| match self.judged {
                Judged::Throughput => format!(
                    "{} {} requests/s",
                    s.way.label(),
                    thousands(s.requests_per_s().round() as u64)
                ),
                Judged::Tail => format!(
                    "{} {}",
                    s.way.label(),
                    s.scheduled_quantile(0.99).map_or("–".into(), format_ms)
                ),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let won = match self.judged {
            Judged::Throughput => "served the most requests per second",
            Judged::Tail => "kept the 99th percentile lowest",
        };
        let outcome = if all_near {
            format!("they came closer than runs of one way differ ({noise}×)")
        } else {
            format!("{} {won}", mine[best].way.label())
        };
        Some(Scored {
            right,
            sentence: format!("You predicted {chosen_label}; {outcome}."),
            why: format!("Measured: {figures}."),
            measured: Prediction::Choice(if all_near { self.ways.len() } else { best }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::MAX_ESTIMATE_MS;
    use crate::engine::record::LoopReport;

    /// Every lesson runs within the 30 s a run may take, on any pool, and
    /// its settings need no clamping.
    #[test]
    fn sized_for_every_pool() {
        for pool in [1, 2, 3, 4, 8, 16, 64, 256] {
            for l in server_lessons(Machine::new(pool, pool)) {
                let (clamped, said) = l.ask.clamped();
                assert_eq!((clamped, said.len()), (l.ask, 0), "{} on {pool}", l.id);
                let ms = l.ask.estimate_ms();
                assert!(ms <= MAX_ESTIMATE_MS, "{} on {pool}: {ms} ms", l.id);
                assert!(
                    ms >= 50.0,
                    "{} on {pool}: {ms} ms is too short to measure",
                    l.id
                );
            }
        }
    }

    fn served(way: Way, wall_ms: f64, p99: f64) -> Served {
        let one = LoopReport {
            handled: 100,
            scheduled_ms: vec![p99; 100],
            ..LoopReport::default()
        };
        Served::new(
            way,
            100,
            None,
            (0.0, wall_ms),
            vec![one],
            ServedOutcome::Completed,
        )
    }

    #[test]
    fn scored_by_what_its_question_compares() {
        let all = server_lessons(Machine::new(2, 2));
        let goroutines = &all[0];
        let runs = [
            served(Way::OneLoop, 1_000.0, 5.0),
            served(Way::Stealing, 500.0, 5.0),
        ];
        let pick = |i| goroutines.score(Prediction::Choice(i), &runs).unwrap();
        assert!(!pick(0).right && pick(1).right && !pick(2).right);
        assert_eq!(pick(0).measured, Prediction::Choice(1));
        assert_eq!(
            pick(0).sentence,
            "You predicted One event loop (Node.js); M:N with stealing (Go, tokio) served the most requests per second."
        );
        assert_eq!(
            pick(1).why,
            "Measured: One event loop (Node.js) 100 requests/s, M:N with stealing (Go, tokio) 200 requests/s."
        );
        // Within noise: "About the same" is right, and so is either way.
        let even = [
            served(Way::OneLoop, 1_000.0, 5.0),
            served(Way::Stealing, 950.0, 5.0),
        ];
        let about = goroutines.score(Prediction::Choice(2), &even).unwrap();
        assert!(about.right);
        assert_eq!(
            about.sentence,
            "You predicted About the same; they came closer than runs of one way differ (1.5×)."
        );
        assert_eq!(about.measured, Prediction::Choice(2));
        // Hot: the lower p99 wins.
        let hot = &all[2];
        let runs = [
            served(Way::Pinned, 500.0, 40.0),
            served(Way::Stealing, 500.0, 4.0),
        ];
        assert!(hot.score(Prediction::Choice(1), &runs).unwrap().right);
        assert!(!hot.score(Prediction::Choice(0), &runs).unwrap().right);
        // A way missing or stopped: nothing scored, nothing concluded.
        let mut stopped = served(Way::Stealing, 10.0, 1.0);
        stopped.outcome = ServedOutcome::Stopped;
        let partial = [served(Way::Pinned, 500.0, 40.0), stopped];
        assert_eq!(hot.score(Prediction::Choice(1), &partial), None);
        assert_eq!(hot.conclude(&partial), None);
        assert_eq!(hot.score(Prediction::Choice(9), &runs), None);
    }
}
