//! What a training run did: each device's phases step by step (computing
//! its shard's gradient, waiting at the barrier for the slowest, summing
//! its share of the all-reduce), the loss before each step, and the
//! figures read once from them and from the final weights (its summary).

use super::span::within_run;
use crate::engine::plan::{Reduce, Rung, Training};

/// What a device was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Computing its shard's gradient (and applying the last step's).
    Compute,
    /// Held at a barrier: the others were not done yet.
    Wait,
    /// Summing its share of everyone's gradients (the all-reduce).
    Reduce,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Compute, Phase::Wait, Phase::Reduce];

    /// Its name in the charts' legends and in the files.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Compute => "gradient",
            Phase::Wait => "barrier wait",
            Phase::Reduce => "all-reduce",
        }
    }
}

/// One phase of one step on one device, in ms since the run began.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhaseSpan {
    pub device: u16,
    pub step: u32,
    pub phase: Phase,
    pub start: f64,
    pub end: f64,
}

impl PhaseSpan {
    pub fn duration(&self) -> f64 {
        self.end - self.start
    }
}

/// What one device reports at the end of a run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeviceReport {
    pub device: u16,
    /// Its phases, times on the run's clock (not yet made relative).
    pub phases: Vec<PhaseSpan>,
    /// The mean loss of each step's batch, before the step (every device
    /// computes the same numbers; device 1's are kept).
    pub losses: Vec<f64>,
    /// Its copy of the weights after the last step.
    pub weights: Vec<f32>,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainOutcome {
    Completed,
    Stopped,
    Failed(String),
}

impl TrainOutcome {
    /// Failed for `why`, else stopped if `stopped`, else completed.
    pub fn of(why: Option<String>, stopped: bool) -> TrainOutcome {
        match why {
            Some(why) => TrainOutcome::Failed(why),
            None if stopped => TrainOutcome::Stopped,
            None => TrainOutcome::Completed,
        }
    }
}

/// A training run as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    pub rung: Rung,
    pub training: Training,
    pub devices: usize,
    pub reduce: Reduce,
    /// Every device's phases, in ms since the run began (a run received in
    /// a link keeps only those its phase chart draws).
    pub phases: Vec<PhaseSpan>,
    /// The mean loss of each step's batch, before the step (a run received
    /// in a link has them only where the loss chart draws them).
    pub losses: Vec<f64>,
    /// From the first step's start to the last step's end.
    pub wall_ms: f64,
    /// The GPU rung's upload of the data set, before the first step and
    /// not in it (None for the CPU rungs, and for a failed upload). Its
    /// steps are one `Compute` phase each: the weights written, the passes
    /// run, the sums read back (apart only with WebGPU's timestamp
    /// queries, an optional feature not every adapter offers).
    pub upload_ms: Option<f64>,
    pub outcome: TrainOutcome,
    /// The figures read once from every phase, loss and weight, so that a
    /// run that travels without all of them still shows them.
    pub summary: TrainedSummary,
}

/// What the page reads from a whole run: the tables', the sentences' and
/// the checksum's figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainedSummary {
    /// How many steps every device finished.
    pub steps_done: usize,
    /// The median step time (see [`Trained::ms_per_step`]).
    pub ms_per_step: Option<f64>,
    /// The loss before the last step.
    pub final_loss: Option<f64>,
    /// Device time in each phase, summed over devices (ms), in the order
    /// of [`Phase::ALL`].
    pub phase_ms: [f64; 3],
    /// The all-reduce's time on device 1's critical path (ms), see
    /// [`Trained::allreduce_share`].
    pub allreduce_ms: f64,
    /// How many weights the model has, and an FNV-1a hash of their bits
    /// after the last step: equal only if every bit is.
    pub weights: usize,
    pub weights_fnv: u64,
}

/// FNV-1a over the weights' bits.
pub fn weights_fnv(weights: &[f32]) -> u64 {
    weights.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, w| {
        (h ^ u64::from(w.to_bits())).wrapping_mul(0x0100_0000_01b3)
    })
}

/// How a run's device time was spent, as shares of devices × wall time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shares {
    pub compute: f64,
    pub wait: f64,
    pub reduce: f64,
}

impl Trained {
    /// The run from its devices' reports, its clock's times made relative
    /// to `start` (the run's start on the same clock).
    pub fn new(
        rung: Rung,
        training: Training,
        reduce: Reduce,
        mut reports: Vec<DeviceReport>,
        start: f64,
        outcome: TrainOutcome,
    ) -> Trained {
        reports.sort_by_key(|r| r.device);
        let devices = reports.len();
        let mut phases: Vec<PhaseSpan> = reports
            .iter()
            .flat_map(|r| r.phases.iter())
            // A worker's clock may run a fraction of a millisecond behind
            // the main thread's, which took `start`: the spans' rule.
            .map(|p| PhaseSpan {
                start: within_run(p.start - start),
                end: within_run(p.end - start),
                ..*p
            })
            .collect();
        phases.sort_by(|a, b| a.start.total_cmp(&b.start));
        let first = phases.iter().map(|p| p.start).fold(f64::INFINITY, f64::min);
        let last = phases
            .iter()
            .map(|p| p.end)
            .fold(f64::NEG_INFINITY, f64::max);
        let (losses, weights) = reports
            .into_iter()
            .next()
            .map(|r| (r.losses, r.weights))
            .unwrap_or_default();
        let mut run = Trained {
            rung,
            training,
            devices,
            reduce,
            phases,
            losses,
            wall_ms: if last > first { last - first } else { 0.0 },
            upload_ms: None,
            outcome,
            summary: TrainedSummary {
                steps_done: 0,
                ms_per_step: None,
                final_loss: None,
                phase_ms: [0.0; 3],
                allreduce_ms: 0.0,
                weights: weights.len(),
                weights_fnv: weights_fnv(&weights),
            },
        };
        run.summary.steps_done = run.losses.len();
        run.summary.final_loss = run.losses.last().copied();
        run.summary.ms_per_step = median(run.step_ms());
        run.summary.phase_ms = Phase::ALL.map(|phase| {
            run.phases
                .iter()
                .filter(|p| p.phase == phase)
                .map(PhaseSpan::duration)
                .sum()
        });
        run.summary.allreduce_ms = allreduce_ms(&run.phases);
        run
    }

    /// The phases of `steps` on every device: what a run keeps when it
    /// travels (the steps the phase chart draws).
    pub fn phases_of(&self, steps: std::ops::Range<u32>) -> Vec<PhaseSpan> {
        self.phases
            .iter()
            .filter(|p| steps.contains(&p.step))
            .copied()
            .collect()
    }

    /// Steps every device finished.
    pub fn steps_done(&self) -> usize {
        self.summary.steps_done
    }

    /// Each finished step's time, from the phases held: from its first
    /// phase's start to its last phase's end, across devices.
    pub fn step_ms(&self) -> Vec<f64> {
        let n = self.steps_done();
        let mut bounds = vec![(f64::INFINITY, f64::NEG_INFINITY); n];
        for p in &self.phases {
            if let Some(b) = bounds.get_mut(p.step as usize) {
                b.0 = b.0.min(p.start);
                b.1 = b.1.max(p.end);
            }
        }
        bounds
            .into_iter()
            .filter(|(a, b)| b >= a)
            .map(|(a, b)| b - a)
            .collect()
    }

    /// The median step time: the first steps (cold caches, threads waking)
    /// weigh no more than any other.
    pub fn ms_per_step(&self) -> Option<f64> {
        self.summary.ms_per_step
    }

    /// The loss before the last step (the run's checksum: every CPU rung
    /// and thread count gives the same bits).
    pub fn final_loss(&self) -> Option<f64> {
        self.summary.final_loss
    }

    /// Where the devices' time went.
    pub fn shares(&self) -> Shares {
        let total = self.wall_ms * self.devices.max(1) as f64;
        let [compute, wait, reduce] = self
            .summary
            .phase_ms
            .map(|ms| if total > 0.0 { ms / total } else { 0.0 });
        Shares {
            compute,
            wait,
            reduce,
        }
    }

    /// The all-reduce's share of the run, as the step waits for it: on
    /// device 1, from leaving the first barrier (everyone's gradient
    /// written) to leaving the second (the total summed), each step. With
    /// everyone into one, the other devices' part of it is waiting; split,
    /// each sums; either way this is what the step pays.
    pub fn allreduce_share(&self) -> f64 {
        if self.wall_ms <= 0.0 {
            return 0.0;
        }
        self.summary.allreduce_ms / self.wall_ms
    }
}

/// How many steps the phase chart shows: enough to see the pattern repeat,
/// few enough that each phase is wider than a pixel.
pub const PHASE_STEPS: u32 = 6;

impl Trained {
    /// The steps the phase chart shows: from the middle of the run, where
    /// the threads have long started (the first steps show a thread's late
    /// start, and whatever else the machine was finishing).
    /// Only steps every device finished: a stopped run's unfinished step
    /// is not one.
    pub fn middle_steps(&self) -> std::ops::Range<u32> {
        let done = self.steps_done() as u32;
        let mid = (done / 2).saturating_sub(PHASE_STEPS / 2);
        mid..(mid + PHASE_STEPS).min(done)
    }
}

/// The ladder's run whose phases the card draws: SIMD on every thread, at
/// the largest batch it ran.
pub fn phase_chart_run(ladder: &[Trained]) -> Option<&Trained> {
    ladder
        .iter()
        .filter(|r| r.rung == Rung::Threads && !r.phases.is_empty())
        .max_by_key(|r| r.training.batch)
}

/// The ladder's largest batch: the loss chart draws the runs at it.
pub fn largest_batch(ladder: &[Trained]) -> Option<usize> {
    ladder.iter().map(|r| r.training.batch).max()
}

fn median(mut t: Vec<f64>) -> Option<f64> {
    if t.is_empty() {
        return None;
    }
    t.sort_by(f64::total_cmp);
    Some(t[t.len() / 2])
}

/// Device 1's all-reduce time: each step, from its `Reduce` phase's start
/// to the end of the wait after it.
fn allreduce_ms(phases: &[PhaseSpan]) -> f64 {
    let mut total = 0.0;
    let mut began: Option<(u32, f64)> = None;
    for p in phases.iter().filter(|p| p.device == 0) {
        match p.phase {
            Phase::Reduce => began = Some((p.step, p.start)),
            // The wait after the sum ends the all-reduce.
            Phase::Wait => {
                if let Some((_, start)) = began.filter(|(s, _)| *s == p.step) {
                    total += p.end - start;
                    began = None;
                }
            }
            Phase::Compute => began = None,
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::engine::record::fixtures::phase as span;
    fn report(device: u16, phases: Vec<PhaseSpan>, steps: usize) -> DeviceReport {
        DeviceReport {
            device,
            phases,
            losses: vec![0.5; steps],
            weights: vec![0.0; 3],
        }
    }

    #[test]
    fn steps_and_shares_come_from_the_phases() {
        let t = Training::new(1, 2, 256, 2);
        let a = report(
            0,
            vec![
                span(0, 0, Phase::Compute, 100.0, 104.0),
                span(0, 0, Phase::Reduce, 104.0, 105.0),
                span(0, 1, Phase::Compute, 105.0, 109.0),
            ],
            2,
        );
        let b = report(
            1,
            vec![
                span(1, 0, Phase::Compute, 100.0, 102.0),
                span(1, 0, Phase::Wait, 102.0, 105.0),
                span(1, 1, Phase::Compute, 105.0, 108.0),
                span(1, 1, Phase::Wait, 108.0, 109.0),
            ],
            2,
        );
        let r = Trained::new(
            Rung::Threads,
            t,
            Reduce::ToOne,
            vec![b, a],
            100.0,
            TrainOutcome::Completed,
        );
        assert_eq!(r.devices, 2);
        assert_eq!(r.wall_ms, 9.0);
        assert_eq!(r.step_ms(), vec![5.0, 4.0]);
        assert_eq!(r.ms_per_step(), Some(5.0));
        let s = r.shares();
        assert_eq!(s.compute, 13.0 / 18.0);
        assert_eq!(s.wait, 4.0 / 18.0);
        assert_eq!(s.reduce, 1.0 / 18.0);
        assert_eq!(r.phases[0].start, 0.0);
    }

    #[test]
    fn the_allreduce_runs_from_the_first_barrier_to_the_second_on_device_one() {
        let t = Training::new(1, 2, 256, 2);
        let a = report(
            0,
            vec![
                span(0, 0, Phase::Compute, 0.0, 4.0),
                span(0, 0, Phase::Wait, 4.0, 5.0),
                span(0, 0, Phase::Reduce, 5.0, 6.0),
                span(0, 0, Phase::Wait, 6.0, 7.0),
                span(0, 1, Phase::Compute, 7.0, 10.0),
            ],
            1,
        );
        let r = Trained::new(
            Rung::Threads,
            t,
            Reduce::ToOne,
            vec![a],
            0.0,
            TrainOutcome::Completed,
        );
        assert_eq!(r.allreduce_share(), 2.0 / 10.0);
        assert_eq!(TrainOutcome::of(None, true), TrainOutcome::Stopped);
        assert_eq!(
            TrainOutcome::of(Some("x".into()), true),
            TrainOutcome::Failed("x".into())
        );
    }

    #[test]
    fn a_run_without_phases_has_no_step_time() {
        let t = Training::new(1, 2, 256, 2);
        let r = Trained::new(
            Rung::Simd,
            t,
            Reduce::ToOne,
            vec![],
            0.0,
            TrainOutcome::Stopped,
        );
        assert_eq!(r.ms_per_step(), None);
        assert_eq!(r.wall_ms, 0.0);
        assert_eq!(r.shares().compute, 0.0);
    }
}
