//! A training run at any instant, for its replay: on each device, the step
//! and the phase it was in (computing its gradient, waiting at a barrier,
//! summing its share), and how many steps it had finished — read from the
//! phases the run holds, in O(log n) each so that a replay can ask at
//! every frame.

use super::{Phase, PhaseSpan, Trained};

/// One device at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeviceMoment {
    pub device: u16,
    /// The phase it was in, and of which step (0-based); None between
    /// phases, before its first and after its last.
    pub doing: Option<(u32, Phase)>,
    /// Steps whose last phase on this device had ended.
    pub steps_done: u32,
}

impl DeviceMoment {
    /// "step 13: summing its share (all-reduce); 12 steps done".
    pub fn words(&self) -> String {
        let doing = match self.doing {
            Some((step, Phase::Compute)) => format!("step {}: computing its gradient", step + 1),
            Some((step, Phase::Wait)) => {
                format!("step {}: waiting at the barrier", step + 1)
            }
            Some((step, Phase::Reduce)) => {
                format!("step {}: summing its share (all-reduce)", step + 1)
            }
            None => "idle".into(),
        };
        let done = match self.steps_done {
            1 => "1 step done".to_string(),
            n => format!("{n} steps done"),
        };
        format!("{doing}; {done}")
    }
}

/// A run's phases by device, each sorted by start.
#[derive(Debug, Clone)]
pub struct TrainedReplay {
    devices: Vec<Vec<PhaseSpan>>,
    /// Each device's step ends: a step ends with its last phase there.
    step_ends: Vec<Vec<f64>>,
    until: f64,
}

impl TrainedReplay {
    pub fn new(run: &Trained) -> TrainedReplay {
        let mut devices = vec![Vec::new(); run.devices];
        for p in &run.phases {
            if let Some(d) = devices.get_mut(usize::from(p.device)) {
                d.push(*p);
            }
        }
        let mut step_ends = Vec::with_capacity(devices.len());
        for d in &mut devices {
            d.sort_by(|a, b| a.start.total_cmp(&b.start));
            // The last phase of each step on this device ends it; a stopped
            // run's unfinished step (a phase past `steps_done`) never ends.
            let mut ends: Vec<f64> = Vec::new();
            for (i, p) in d.iter().enumerate() {
                let last = d.get(i + 1).is_none_or(|next| next.step != p.step);
                if last && (p.step as usize) < run.steps_done() {
                    ends.push(p.end);
                }
            }
            ends.sort_by(f64::total_cmp);
            step_ends.push(ends);
        }
        let until = run.phases.iter().map(|p| p.end).fold(0.0, f64::max);
        TrainedReplay {
            devices,
            step_ends,
            until,
        }
    }

    /// The last phase's end: the replay's length.
    pub fn until_ms(&self) -> f64 {
        self.until
    }

    /// Each device at `t` ms since the run began.
    pub fn moment(&self, t: f64) -> Vec<DeviceMoment> {
        self.devices
            .iter()
            .zip(&self.step_ends)
            .enumerate()
            .map(|(d, (phases, ends))| {
                // The last phase that started at or before t, if it had
                // not ended yet.
                let i = phases.partition_point(|p| p.start <= t);
                let doing = i
                    .checked_sub(1)
                    .map(|i| phases[i])
                    .filter(|p| t < p.end)
                    .map(|p| (p.step, p.phase));
                DeviceMoment {
                    device: d as u16,
                    doing,
                    steps_done: ends.partition_point(|&e| e <= t) as u32,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::{Reduce, Rung, Training};
    use crate::engine::record::{DeviceReport, TrainOutcome};

    use crate::engine::record::fixtures::phase as span;
    fn run() -> Trained {
        let report = |device, phases| DeviceReport {
            device,
            phases,
            losses: vec![0.5, 0.4],
            weights: vec![0.0],
        };
        Trained::new(
            Rung::Threads,
            Training::new(1, 1, 512, 2),
            Reduce::ToOne,
            vec![
                report(
                    0,
                    vec![
                        span(0, 0, Phase::Compute, 0.0, 4.0),
                        span(0, 0, Phase::Reduce, 4.0, 5.0),
                        span(0, 0, Phase::Wait, 5.0, 5.5),
                        span(0, 1, Phase::Compute, 5.5, 9.0),
                    ],
                ),
                report(
                    1,
                    vec![
                        span(1, 0, Phase::Compute, 0.0, 3.0),
                        span(1, 0, Phase::Wait, 3.0, 5.5),
                        span(1, 1, Phase::Compute, 5.5, 8.0),
                    ],
                ),
            ],
            0.0,
            TrainOutcome::Completed,
        )
    }

    #[test]
    fn each_device_is_in_its_phase_of_its_step() {
        let r = TrainedReplay::new(&run());
        assert_eq!(r.until_ms(), 9.0);
        let at = |t| {
            r.moment(t)
                .into_iter()
                .map(|m| (m.doing, m.steps_done))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            at(3.5),
            vec![(Some((0, Phase::Compute)), 0), (Some((0, Phase::Wait)), 0)]
        );
        assert_eq!(
            at(4.5),
            vec![(Some((0, Phase::Reduce)), 0), (Some((0, Phase::Wait)), 0)]
        );
        // A phase's end belongs to the next: at 5.5 step 1 is done on both.
        assert_eq!(
            at(5.5),
            vec![
                (Some((1, Phase::Compute)), 1),
                (Some((1, Phase::Compute)), 1)
            ]
        );
        // Device 2 finished first and idles; then both are done.
        assert_eq!(at(8.5), vec![(Some((1, Phase::Compute)), 1), (None, 2)]);
        assert_eq!(at(20.0), vec![(None, 2), (None, 2)]);
        assert_eq!(
            r.moment(4.5)[0].words(),
            "step 1: summing its share (all-reduce); 0 steps done"
        );
        assert_eq!(r.moment(20.0)[1].words(), "idle; 2 steps done");
    }

    #[test]
    fn a_run_without_phases_replays_nothing() {
        let t = Trained::new(
            Rung::Simd,
            Training::new(1, 1, 256, 2),
            Reduce::ToOne,
            vec![],
            0.0,
            TrainOutcome::Stopped,
        );
        let r = TrainedReplay::new(&t);
        assert_eq!(r.until_ms(), 0.0);
        assert!(r.moment(1.0).is_empty());
    }
}
