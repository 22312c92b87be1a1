//! What the training card's runs measured, in sentences: the ladder (the
//! same job from scalar on one thread to the GPU), the checksum (the same
//! weights whatever the thread count), and scaling up (the same batch on
//! more threads: Amdahl) against scaling out (a batch per thread:
//! Gustafson). Each sentence claims only what its figures show: a factor
//! within [`TRAIN_NOISE`] of 1 is said to be no measured difference.

use super::{Machine, Prediction, Question, Scored};
use crate::engine::analysis::{fit_amdahl, fit_gustafson, sweep_points, weak_points};
use crate::engine::format::{format_ms, thousands};
use crate::engine::plan::{Reduce, Rung};
use crate::engine::record::{TrainOutcome, Trained};

/// Two step times closer than 10 % are not called different: runs of the
/// same step on this 2-core machine spread by up to 8 % (median of 30 steps,
/// 5 runs each, another program running).
pub const TRAIN_NOISE: f64 = 0.10;

/// "2.3× as fast as `than`", "1.4× as slow as …", or "about as fast as …
/// (within 10 %)": a time `t` against `base`.
fn factor_words(base: f64, t: f64, than: &str) -> String {
    let f = base / t;
    if (f - 1.0).abs() <= TRAIN_NOISE {
        format!("about as fast as {than}, within 10 %")
    } else if f > 1.0 {
        format!("{f:.1}× as fast as {than}")
    } else {
        format!("{:.1}× as slow as {than}", 1.0 / f)
    }
}

fn completed(r: &&Trained) -> bool {
    r.outcome == TrainOutcome::Completed && r.ms_per_step().is_some()
}

fn step(runs: &[Trained], rung: Rung, batch: usize) -> Option<&Trained> {
    runs.iter()
        .filter(completed)
        .find(|r| r.rung == rung && r.training.batch == batch)
}

/// The ladder at its largest batch, rung by rung; then where the GPU
/// stood at every batch. `software`: the GPU adapter's name when it is a
/// software fallback (its times measure the CPU).
pub fn ladder_sentences(runs: &[Trained], software: Option<&str>) -> Vec<String> {
    let Some(batch) = runs
        .iter()
        .filter(completed)
        .map(|r| r.training.batch)
        .max()
    else {
        return vec![];
    };
    let mut out = Vec::new();
    let ms = |rung| step(runs, rung, batch).and_then(Trained::ms_per_step);
    let (scalar, simd, threads, gpu) = (
        ms(Rung::Scalar),
        ms(Rung::Simd),
        ms(Rung::Threads),
        ms(Rung::Gpu),
    );
    let mut parts = vec![format!("At {} samples a step", thousands(batch as u64))];
    if let Some(s) = scalar {
        parts.push(format!("scalar on one thread took {}", format_ms(s)));
    }
    if let (Some(s), Some(v)) = (scalar, simd) {
        parts.push(format!(
            "SIMD on one thread {} ({})",
            format_ms(v),
            factor_words(s, v, "scalar")
        ));
    }
    if let (Some(v), Some(t)) = (simd, threads) {
        let p = step(runs, Rung::Threads, batch).map_or(0, |r| r.devices);
        parts.push(format!(
            "SIMD on {p} threads {} ({})",
            format_ms(t),
            factor_words(v, t, "on one")
        ));
    }
    if let Some(g) = gpu {
        parts.push(format!("the GPU {}", format_ms(g)));
    }
    out.push(format!("{}.", parts.join("; ")));
    // Where the GPU stood against the fastest CPU rung, batch by batch.
    let mut batches: Vec<usize> = runs
        .iter()
        .filter(completed)
        .map(|r| r.training.batch)
        .collect();
    batches.sort_unstable();
    batches.dedup();
    let gpu_wins: Vec<usize> = batches
        .iter()
        .copied()
        .filter(|&b| {
            let cpu = [Rung::Scalar, Rung::Simd, Rung::Threads]
                .into_iter()
                .filter_map(|r| step(runs, r, b).and_then(Trained::ms_per_step))
                .fold(f64::INFINITY, f64::min);
            step(runs, Rung::Gpu, b)
                .and_then(Trained::ms_per_step)
                .is_some_and(|g| g * (1.0 + TRAIN_NOISE) < cpu)
        })
        .collect();
    let with_gpu = batches
        .iter()
        .filter(|&&b| step(runs, Rung::Gpu, b).is_some())
        .count();
    if with_gpu > 0 {
        let whose = software.map_or(String::new(), |name| {
            format!(
                " This GPU is a software fallback ({name}): its shaders run on the CPU's cores, so its times say what emulating a GPU costs, not what a GPU does."
            )
        });
        let said = match gpu_wins.first() {
            None => format!(
                "At none of the {with_gpu} batch sizes it ran was the GPU more than 10 % faster than the fastest CPU rung."
            ),
            Some(&b) => format!(
                "The GPU was the fastest rung (by more than 10 %) at {} of the {with_gpu} batch sizes it ran, the smallest of them {} samples.",
                gpu_wins.len(),
                thousands(b as u64)
            ),
        };
        out.push(format!("{said}{whose}"));
    }
    out
}

/// Whether runs on different thread counts ended with the same weights,
/// bit for bit (fixed-point sums make them so); `None` without two runs
/// of the same data to compare.
pub fn checksum_sentence(runs: &[Trained]) -> Option<String> {
    // The largest batch both ran: the one the ladder's table ends on.
    let (one, many) = runs
        .iter()
        .filter(completed)
        .filter(|r| r.rung == Rung::Simd)
        .filter_map(|one| {
            let many = runs
                .iter()
                .filter(completed)
                .find(|r| r.rung == Rung::Threads && r.training == one.training)?;
            Some((one, many))
        })
        .max_by_key(|(one, _)| one.training.batch)?;
    // Their hashes: the page holds (and a link carries) no more of them.
    let same = one.summary.weights == many.summary.weights
        && one.summary.weights_fnv == many.summary.weights_fnv;
    let loss = one.final_loss().unwrap_or(f64::NAN);
    Some(if same {
        format!(
            "Checksum: SIMD on one thread and on {} threads ended with the same {} weights, bit for bit (loss before the last step {loss:.6}): the all-reduce sums integers, so how the batch was split changes nothing.",
            many.devices, one.summary.weights
        )
    } else {
        format!(
            "Checksum failed: SIMD on one thread and on {} threads ended with different weights. This is a bug; please report it.",
            many.devices
        )
    })
}

/// The way of summing a sweep used (its runs on more than one thread all
/// use it; the strong sweep also runs the other, for comparison).
pub fn swept_with(weak: &[Trained]) -> Reduce {
    weak.iter()
        .find(|r| r.devices > 1)
        .map_or(Reduce::Scatter, |r| r.reduce)
}

/// Strong scaling (the same batch on 1..p threads) and weak scaling (a
/// fixed batch per thread), with their fits and where the time went.
pub fn scaling_sentences(strong: &[Trained], weak: &[Trained]) -> Vec<String> {
    let reduce = swept_with(weak);
    let mut out = Vec::new();
    let of = |runs: &[Trained], reduce: Reduce| -> Vec<(u32, f64)> {
        runs.iter()
            .filter(completed)
            .filter(|r| r.reduce == reduce || r.devices == 1)
            .filter_map(|r| Some((r.devices as u32, r.ms_per_step()?)))
            .collect()
    };
    let strong_ms = of(strong, reduce);
    let points = sweep_points(&strong_ms);
    if let Some(top) = points
        .iter()
        .max_by_key(|p| p.threads)
        .filter(|p| p.threads > 1)
    {
        let one = strong_ms.iter().find(|(p, _)| *p == 1).map_or(0.0, |x| x.1);
        let batch = strong.first().map_or(0, |r| r.training.batch);
        let mut s = format!(
            "Scaling up (the same {} samples a step): {} threads took {} a step against {} on one, a speedup of {:.2} (efficiency {:.0} %).",
            thousands(batch as u64),
            top.threads,
            format_ms(top.makespan_ms),
            format_ms(one),
            top.speedup,
            100.0 * top.speedup / f64::from(top.threads)
        );
        if let Some(fit) = fit_amdahl(&points) {
            s.push_str(&format!(
                " Amdahl's law fits a serial share of {:.1} %.",
                100.0 * fit.serial_fraction
            ));
        }
        if let Some(run) = strong
            .iter()
            .filter(completed)
            .find(|r| r.devices as u32 == top.threads && r.reduce == reduce)
        {
            s.push_str(&format!(
                " On {} threads the all-reduce (its sums and the barrier that ends it) took {:.1} % of the run, and the devices spent {:.1} % of their time waiting at barriers.",
                top.threads,
                100.0 * run.allreduce_share(),
                100.0 * run.shares().wait
            ));
        }
        out.push(s);
    }
    let weak_ms = of(weak, reduce);
    let wp = weak_points(&weak_ms);
    if let Some(top) = wp
        .iter()
        .max_by_key(|p| p.threads)
        .filter(|p| p.threads > 1)
    {
        let per = weak.first().map_or(0, |r| r.training.batch);
        let mut s = format!(
            "Scaling out ({} samples per thread): {} threads, {}× the samples, took {} a step against {} for one thread's share: weak-scaling efficiency {:.0} %.",
            thousands(per as u64),
            top.threads,
            top.threads,
            format_ms(top.ms),
            format_ms(wp.iter().find(|p| p.threads == 1).map_or(0.0, |p| p.ms)),
            100.0 * top.efficiency()
        );
        if let Some(fit) = fit_gustafson(&wp) {
            s.push_str(&format!(
                " Gustafson's law fits a serial share of {:.1} %: the work grew with the threads, and the time per step {}.",
                100.0 * fit.serial_share,
                if top.efficiency() >= 1.0 - TRAIN_NOISE {
                    "stayed within 10 % of flat"
                } else {
                    "grew by more than 10 %"
                }
            ));
        }
        out.push(s);
    }
    // The two ways of summing, side by side on the most threads.
    let at_most = |r: Reduce| {
        strong
            .iter()
            .filter(completed)
            .filter(|x| x.reduce == r && x.devices > 1)
            .max_by_key(|x| x.devices)
    };
    if let (Some(a), Some(b)) = (at_most(Reduce::ToOne), at_most(Reduce::Scatter))
        && a.devices == b.devices
    {
        let (sa, sb) = (a.allreduce_share(), b.allreduce_share());
        let small = if sa.max(sb) < 0.05 {
            format!(
                " With {} numbers to sum, the all-reduce was under 5 % of the run either way: the model is small next to its batch.",
                a.training.features + 2
            )
        } else {
            String::new()
        };
        out.push(format!(
            "Summing on {} threads: the all-reduce took {:.2} % of the run with everyone into one, {:.2} % with reduce-scatter; a step took {} and {}.{small}",
            a.devices,
            100.0 * sa,
            100.0 * sb,
            format_ms(a.ms_per_step().unwrap_or(0.0)),
            format_ms(b.ms_per_step().unwrap_or(0.0)),
        ));
    }
    out
}

/// Which of the training card's experiments a lesson runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainExperiment {
    /// Every rung at every batch size up to the lesson's.
    Ladder,
    /// The lesson's batch on 1..p threads, and a batch per thread.
    Scaling,
}

/// A Learn card run on the training card: its question first, then the
/// experiment, then the measured sentence and the prediction scored.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingLesson {
    pub id: &'static str,
    pub title: &'static str,
    pub body: Vec<String>,
    pub experiment: TrainExperiment,
    pub features: usize,
    pub batch: usize,
    pub steps: u32,
    /// The rungs its question offers (the GPU only where there is one).
    pub rungs: Vec<Rung>,
    pub pool: u32,
}

/// A weak-scaling efficiency guessed within this many points of the one
/// measured is right: runs of the sweep here spread by 4–8 points.
pub const EFFICIENCY_NEAR: f64 = 10.0;

/// The training lessons for machine `m`; `gpu`: the browser has WebGPU
/// (then the ladder's question offers the GPU, which runs where the
/// browser also offers an adapter).
pub fn training_lessons(m: Machine, gpu: bool) -> Vec<TrainingLesson> {
    let p = m.pool.max(1);
    let rungs = Rung::ALL
        .into_iter()
        .filter(|&r| gpu || r != Rung::Gpu)
        .collect();
    vec![
        TrainingLesson {
            id: "gpu-training",
            title: "Training on many devices",
            body: vec![
                "Models are trained on GPU clusters by data parallelism: every device keeps a whole copy of the \
                 model, works out the gradient of its own part of each batch, and the parts' gradients are added \
                 together (an all-reduce) before every copy takes the same step."
                    .into(),
                format!(
                    "The same idea works at every scale this browser has: four numbers per instruction (SIMD) inside one \
                     core, {p} threads on its cores{}. Try it trains one model on each rung of that ladder.",
                    if gpu { ", and the GPU if it offers one" } else { " (it has no WebGPU)" }
                ),
            ],
            experiment: TrainExperiment::Ladder,
            features: 64,
            batch: 16_384,
            steps: 60,
            rungs,
            pool: p,
        },
        TrainingLesson {
            id: "up-vs-out",
            title: "Scaling a job up vs out",
            body: vec![
                "More threads for the same job (scaling up) can only cut its time down to its serial part: Amdahl's law. \
                 More threads for a job that grows with them (scaling out: a batch per thread) keep the time per step \
                 flat if the serial part stays small: Gustafson's law. Training clusters grow the batch with the \
                 devices for this reason."
                    .into(),
                format!(
                    "Try it runs both on 1 to {p} threads: the same 16,384 samples a step, then 16,384 / {p} samples per thread."
                ),
            ],
            experiment: TrainExperiment::Scaling,
            features: 64,
            batch: 16_384,
            steps: 60,
            rungs: vec![],
            pool: p,
        },
    ]
}

impl TrainingLesson {
    pub fn question(&self) -> Question {
        match self.experiment {
            TrainExperiment::Ladder => Question::First {
                prompt: format!(
                    "At {} samples a step, which rung trains a step fastest?",
                    thousands(self.batch as u64)
                ),
                options: self.rungs.iter().map(|r| r.label().to_string()).collect(),
            },
            TrainExperiment::Scaling => Question::Number {
                prompt: format!(
                    "{p} threads get {p}× the samples of one (a batch per thread). What weak-scaling efficiency will they reach: one thread's time per step ÷ theirs (100 %: their step takes no longer)?",
                    p = self.pool
                ),
                unit: "%",
                min: 0.0,
                max: 100.0,
            },
        }
    }

    /// The measured sentences, of the runs that completed (None when
    /// none did). `software`: as [`ladder_sentences`].
    pub fn conclude(
        &self,
        ladder: &[Trained],
        strong: &[Trained],
        weak: &[Trained],
        software: Option<&str>,
    ) -> Option<String> {
        let said = match self.experiment {
            TrainExperiment::Ladder => ladder_sentences(ladder, software),
            TrainExperiment::Scaling => scaling_sentences(strong, weak),
        };
        (!said.is_empty()).then(|| said.join(" "))
    }

    /// `said` against the runs.
    pub fn score(&self, said: Prediction, ladder: &[Trained], weak: &[Trained]) -> Option<Scored> {
        match (self.experiment, said) {
            (TrainExperiment::Ladder, Prediction::Choice(chosen)) => {
                let options = self.question().choices();
                let chosen_label = options.get(chosen)?;
                // Each offered rung's step time; the GPU's may be missing
                // (offered where the browser has WebGPU, run only where it
                // also has an adapter). The CPU rungs must all have run.
                let times: Vec<Option<f64>> = self
                    .rungs
                    .iter()
                    .map(|&r| step(ladder, r, self.batch).and_then(Trained::ms_per_step))
                    .collect();
                let cpu_ran = self
                    .rungs
                    .iter()
                    .zip(&times)
                    .all(|(r, t)| *r == Rung::Gpu || t.is_some());
                if !cpu_ran {
                    return None;
                }
                let ran: Vec<usize> = (0..times.len()).filter(|&i| times[i].is_some()).collect();
                let t = |i: usize| times[i].unwrap_or(f64::INFINITY);
                let best = ran.iter().copied().min_by(|&a, &b| t(a).total_cmp(&t(b)))?;
                let near = |i: usize| t(i) <= t(best) * (1.0 + TRAIN_NOISE);
                let all_near = ran.iter().all(|&i| near(i));
                let right = if chosen == times.len() {
                    all_near
                } else {
                    chosen < times.len() && near(chosen)
                };
                let figures = ran
                    .iter()
                    .map(|&i| format!("{} {}", self.rungs[i].label(), format_ms(t(i))))
                    .collect::<Vec<_>>()
                    .join(", ");
                let outcome = if all_near {
                    "every rung came within 10 % of the fastest".to_string()
                } else {
                    format!("{} was fastest", self.rungs[best].label())
                };
                let missing = if chosen < times.len() && times[chosen].is_none() {
                    " (no GPU adapter was offered here, so the GPU did not run)"
                } else {
                    ""
                };
                Some(Scored {
                    right,
                    sentence: format!("You predicted {chosen_label}{missing}; {outcome}."),
                    why: format!("Measured, per step: {figures}."),
                    measured: Prediction::Choice(if all_near { times.len() } else { best }),
                })
            }
            (TrainExperiment::Scaling, Prediction::Number(guess)) => {
                let times: Vec<(u32, f64)> = weak
                    .iter()
                    .filter(completed)
                    .filter_map(|r| Some((r.devices as u32, r.ms_per_step()?)))
                    .collect();
                // The thread count the question named, or nothing to score.
                let top = weak_points(&times)
                    .into_iter()
                    .find(|p| p.threads == self.pool && p.threads > 1)?;
                let measured = 100.0 * top.efficiency();
                Some(Scored {
                    right: (guess - measured).abs() <= EFFICIENCY_NEAR,
                    sentence: format!(
                        "You predicted {guess:.0} %; measured {measured:.0} % ({} points {}).",
                        (guess - measured).abs().round(),
                        if guess > measured {
                            "too high"
                        } else {
                            "too low"
                        }
                    ),
                    why: format!(
                        "One thread took {} a step; {} threads, with {}× the samples, took {}.",
                        format_ms(times.iter().find(|t| t.0 == 1).map_or(0.0, |t| t.1)),
                        top.threads,
                        top.threads,
                        format_ms(top.ms)
                    ),
                    measured: Prediction::Number(measured),
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::exec::{CancelFlag, DataParallel, NativeClock, train_native};
    use crate::engine::plan::Training;
    use crate::engine::record::{DeviceReport, Phase, PhaseSpan};
    use crate::engine::work::{Dataset, Lanes};
    use std::sync::Arc;

    /// A run whose every step took `ms` on each of `devices` devices.
    fn timed(rung: Rung, batch: usize, devices: usize, reduce: Reduce, ms: f64) -> Trained {
        let t = Training::new(1, 8, batch, 3);
        let reports = (0..devices)
            .map(|d| DeviceReport {
                device: d as u16,
                phases: (0..3)
                    .map(|s| PhaseSpan {
                        device: d as u16,
                        step: s,
                        phase: Phase::Compute,
                        start: f64::from(s) * ms,
                        end: f64::from(s + 1) * ms,
                    })
                    .collect(),
                losses: vec![0.5; 3],
                weights: vec![0.0; 9],
            })
            .collect();
        Trained::new(rung, t, reduce, reports, 0.0, TrainOutcome::Completed)
    }

    #[test]
    fn the_ladder_says_each_factor_and_whether_the_gpu_won() {
        let runs = vec![
            timed(Rung::Scalar, 4_096, 1, Reduce::ToOne, 8.0),
            timed(Rung::Simd, 4_096, 1, Reduce::ToOne, 4.0),
            timed(Rung::Threads, 4_096, 2, Reduce::ToOne, 3.8),
            timed(Rung::Gpu, 4_096, 1, Reduce::ToOne, 20.0),
            timed(Rung::Scalar, 1_024, 1, Reduce::ToOne, 2.0),
            timed(Rung::Gpu, 1_024, 1, Reduce::ToOne, 1.0),
        ];
        let s = ladder_sentences(&runs, Some("google, swiftshader")).join(" ");
        assert!(s.contains("At 4,096 samples a step"), "{s}");
        assert!(s.contains("2.0× as fast as scalar"), "{s}");
        assert!(s.contains("about as fast as on one, within 10 %"), "{s}");
        assert!(
            s.contains("at 1 of the 2 batch sizes it ran, the smallest of them 1,024"),
            "{s}"
        );
        assert!(s.contains("software fallback (google, swiftshader)"), "{s}");
        let hw = ladder_sentences(&runs[..4], None).join(" ");
        assert!(
            hw.contains("At none of the 1 batch sizes it ran was the GPU more than 10 % faster"),
            "{hw}"
        );
        assert!(!hw.contains("software"), "{hw}");
    }

    #[test]
    fn the_checksum_compares_real_runs_bit_for_bit() {
        let t = Training::new(3, 16, 4 * 256, 5);
        let data = Arc::new(Dataset::generate(t.seed, t.samples, t.features));
        let run = |devices, lanes| {
            let rung = if devices == 1 {
                Rung::Simd
            } else {
                Rung::Threads
            };
            let dp = DataParallel::new(
                rung,
                t,
                devices,
                Reduce::Scatter,
                lanes,
                Arc::clone(&data),
                Arc::new(CancelFlag::new()),
            );
            train_native(&dp, &NativeClock)
        };
        let runs = vec![run(1, Lanes::Simd), run(3, Lanes::Simd)];
        let s = checksum_sentence(&runs).unwrap();
        assert!(s.contains("bit for bit") && s.contains("3 threads"), "{s}");
        let mut broken = runs.clone();
        broken[1].summary.weights_fnv ^= 1;
        assert!(
            checksum_sentence(&broken)
                .unwrap()
                .starts_with("Checksum failed")
        );
        assert_eq!(checksum_sentence(&runs[..1]), None);
    }

    #[test]
    fn scaling_states_speedup_efficiency_and_fits() {
        let strong = vec![
            timed(Rung::Simd, 8_192, 1, Reduce::ToOne, 10.0),
            timed(Rung::Threads, 8_192, 2, Reduce::ToOne, 6.0),
            timed(Rung::Threads, 8_192, 2, Reduce::Scatter, 5.9),
        ];
        let weak = vec![
            timed(Rung::Simd, 4_096, 1, Reduce::ToOne, 5.0),
            timed(Rung::Threads, 8_192, 2, Reduce::ToOne, 5.2),
        ];
        let s = scaling_sentences(&strong, &weak).join(" ");
        assert!(s.contains("a speedup of 1.67 (efficiency 83 %)"), "{s}");
        assert!(
            s.contains("Amdahl's law fits a serial share of 20.0 %"),
            "{s}"
        );
        assert!(s.contains("weak-scaling efficiency 96 %"), "{s}");
        assert!(s.contains("stayed within 10 % of flat"), "{s}");
        assert!(s.contains("Summing on 2 threads"), "{s}");
        assert!(scaling_sentences(&[], &[]).is_empty());
    }

    #[test]
    fn the_lessons_ask_first_and_score_what_was_measured() {
        let with = training_lessons(Machine::new(2, 2), true);
        let without = training_lessons(Machine::new(2, 2), false);
        assert_eq!(
            with[0].question().choices().len(),
            5,
            "four rungs and About the same"
        );
        assert_eq!(without[0].question().choices().len(), 4);
        assert!(without[0].body[1].contains("it has no WebGPU"));
        // WebGPU but no adapter: the GPU was offered and did not run.
        let no_adapter = &with[0];
        let cpu_only = vec![
            timed(Rung::Scalar, 16_384, 1, Reduce::ToOne, 8.0),
            timed(Rung::Simd, 16_384, 1, Reduce::ToOne, 4.0),
            timed(Rung::Threads, 16_384, 2, Reduce::ToOne, 2.0),
        ];
        let gpu_pick = no_adapter
            .score(Prediction::Choice(3), &cpu_only, &[])
            .unwrap();
        assert!(!gpu_pick.right);
        assert!(
            gpu_pick
                .sentence
                .contains("so the GPU did not run); SIMD, every thread was fastest"),
            "{}",
            gpu_pick.sentence
        );
        assert!(
            no_adapter
                .score(Prediction::Choice(2), &cpu_only, &[])
                .unwrap()
                .right
        );
        let ladder = &without[0];
        let runs = vec![
            timed(Rung::Scalar, 16_384, 1, Reduce::ToOne, 8.0),
            timed(Rung::Simd, 16_384, 1, Reduce::ToOne, 4.0),
            timed(Rung::Threads, 16_384, 2, Reduce::ToOne, 2.0),
        ];
        let pick = |i| ladder.score(Prediction::Choice(i), &runs, &[]).unwrap();
        assert!(pick(2).right && !pick(0).right && !pick(3).right);
        assert_eq!(
            pick(0).sentence,
            "You predicted Scalar, 1 thread; SIMD, every thread was fastest."
        );
        assert_eq!(pick(0).measured, Prediction::Choice(2));
        // A rung missing: nothing to score.
        assert_eq!(ladder.score(Prediction::Choice(0), &runs[..2], &[]), None);

        let out = &without[1];
        let weak = vec![
            timed(Rung::Simd, 8_192, 1, Reduce::ToOne, 5.0),
            timed(Rung::Threads, 16_384, 2, Reduce::Scatter, 6.25),
        ];
        let near = out.score(Prediction::Number(75.0), &[], &weak).unwrap();
        assert!(near.right, "{near:?}");
        assert_eq!(
            near.sentence,
            "You predicted 75 %; measured 80 % (5 points too low)."
        );
        assert!(
            !out.score(Prediction::Number(100.0), &[], &weak)
                .unwrap()
                .right
        );
        assert_eq!(out.score(Prediction::Choice(0), &[], &weak), None);
    }
}
