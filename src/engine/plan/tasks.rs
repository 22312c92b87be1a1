//! The tasks a run executes, made from the settings: each task's wait and
//! computation (the sizes and waits of the scenario), and the serial reduce
//! stage after them. Everything random is seeded, so a link gives the same
//! tasks on every machine.

use super::{Settings, Sizes, Waits, Workload};
use crate::engine::work::Rate;

/// Which stage of the run a task belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stage {
    /// The tasks that may run side by side.
    #[default]
    Map,
    /// The serial reduce: one task, after every map task has ended, on one lane.
    Reduce,
}

/// One task's cost on an ideal machine, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskCost {
    pub wait_ms: f64,
    pub work_ms: f64,
    pub stage: Stage,
}

/// One task of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskSpec {
    /// 0-based; the page numbers tasks from 1. The reduce, if any, is last.
    pub id: u32,
    /// How long the task waits before computing (0: no wait).
    pub wait_ms: f64,
    /// The kernel units the task computes (0: no computation).
    pub first_unit: u64,
    pub units: u64,
    /// Fault injection: this task fails when it starts computing.
    pub fails: bool,
    pub stage: Stage,
}

/// Heavy-tailed sizes follow a Pareto law of this shape: a finite mean, an
/// infinite variance — a few tasks many times the mean.
const PARETO_ALPHA: f64 = 1.5;

/// The heaviest heavy-tailed task, in multiples of the Pareto minimum (the
/// mean is 3 of them): one straggler may be big, not unbounded.
const PARETO_CAP: f64 = 60.0;

/// The shortest random wait, so that every wait is a span of its own.
const MIN_WAIT_MS: f64 = 0.001;

/// Independent random streams drawn from the same seed.
const JITTER_STREAM: u64 = 0;
const SIZE_STREAM: u64 = 1;
const EXPONENTIAL_STREAM: u64 = 2;

impl Settings {
    /// Every task's wait and computation, in milliseconds; the reduce (if
    /// any) last.
    pub fn task_costs(&self) -> Vec<TaskCost> {
        let weights = self.size_weights();
        let mut costs: Vec<TaskCost> = (0..self.tasks)
            .map(|id| TaskCost {
                wait_ms: self.wait_of(id),
                work_ms: self.work_of(weights.get(id as usize).copied().unwrap_or(1.0)),
                stage: Stage::Map,
            })
            .collect();
        let reduce = self.reduce_ms(costs.iter().map(|c| c.work_ms).sum());
        if reduce > 0.0 {
            costs.push(TaskCost {
                wait_ms: 0.0,
                work_ms: reduce,
                stage: Stage::Reduce,
            });
        }
        costs
    }

    /// The tasks a run executes. `rate` converts milliseconds of work into
    /// kernel units on this machine (see [`super::calibrate`]).
    pub fn task_specs(&self, rate: Rate) -> Vec<TaskSpec> {
        let mut next_unit = 0u64;
        self.task_costs()
            .into_iter()
            .zip(0u32..)
            .map(|(cost, id)| {
                let units = if self.workload == Workload::Counter {
                    u64::from(self.updates) // one unit is one update
                } else if cost.work_ms > 0.0 {
                    rate.units_for(cost.work_ms)
                } else {
                    0
                };
                let first_unit = next_unit;
                next_unit = next_unit.saturating_add(units);
                TaskSpec {
                    id,
                    wait_ms: cost.wait_ms,
                    first_unit,
                    units,
                    fails: cost.stage == Stage::Map && self.fail_task == Some(id + 1),
                    stage: cost.stage,
                }
            })
            .collect()
    }

    /// The serial reduce's milliseconds for `map_ms` of map computation:
    /// `serial_pct` % of the whole (map + reduce).
    pub fn reduce_ms(&self, map_ms: f64) -> f64 {
        let pct = f64::from(self.serial_pct.min(99));
        if pct == 0.0 || map_ms <= 0.0 {
            return 0.0;
        }
        map_ms * pct / (100.0 - pct)
    }

    fn wait_of(&self, id: u32) -> f64 {
        if !self.workload.waits() {
            return 0.0;
        }
        let latency = f64::from(self.latency_ms);
        match self.waits {
            Waits::Fixed => {
                let offset = jitter_offset(self.seed, id) * f64::from(self.jitter_ms);
                (latency + offset).max(0.0)
            }
            Waits::Exponential => {
                let u = unit_random(self.seed, id, EXPONENTIAL_STREAM);
                (-latency * (1.0 - u).ln()).max(MIN_WAIT_MS)
            }
        }
    }

    /// The computation of a task of relative size `weight`.
    fn work_of(&self, weight: f64) -> f64 {
        match self.workload {
            Workload::Cpu | Workload::Mixed => f64::from(self.work_ms) * weight,
            // Handling a reply is the same short job for every connection.
            Workload::Io => f64::from(self.handle_us) / 1000.0,
            // For the estimate only: the run takes what the strategy costs.
            Workload::Counter => f64::from(self.updates) * self.strategy.nominal_ns() / 1e6,
        }
    }

    /// Each task's size relative to the work setting.
    fn size_weights(&self) -> Vec<f64> {
        let n = self.tasks;
        match self.sizes {
            Sizes::Equal => vec![1.0; n as usize],
            Sizes::Skewed => {
                let (every, heavy) = (self.skew_every.max(1), f64::from(self.skew_factor));
                (0..n)
                    .map(|id| if id % every == 0 { heavy } else { 1.0 })
                    .collect()
            }
            Sizes::HeavyTailed => {
                let raw: Vec<f64> = (0..n)
                    .map(|id| {
                        let u = unit_random(self.seed, id, SIZE_STREAM);
                        (1.0 - u).powf(-1.0 / PARETO_ALPHA).min(PARETO_CAP)
                    })
                    .collect();
                // Scaled so that the mean is exactly the work setting: the
                // same total work as equal sizes, spread unevenly.
                let mean = raw.iter().sum::<f64>() / f64::from(n.max(1));
                raw.into_iter().map(|r| r / mean).collect()
            }
        }
    }
}

/// A uniform number in `[0, 1)` from the seed, the task and a stream
/// (splitmix64), so the same link gives the same tasks on every machine.
fn unit_random(seed: u32, task: u32, stream: u64) -> f64 {
    let base = u64::from(seed) << 32 | u64::from(task);
    let mut z =
        (base ^ stream.wrapping_mul(0xd1b5_4a32_d192_ed03)).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// A uniform number in `[-1, 1)`: the jitter of a fixed wait.
fn jitter_offset(seed: u32, task: u32) -> f64 {
    unit_random(seed, task, JITTER_STREAM) * 2.0 - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::default()
    }

    #[test]
    fn task_specs_carry_waits_work_and_faults() {
        let s = Settings {
            workload: Workload::Mixed,
            tasks: 200,
            latency_ms: 100,
            jitter_ms: 20,
            work_ms: 10,
            fail_task: Some(3),
            ..settings()
        };
        let tasks = s.task_specs(Rate { units_per_ms: 50.0 });
        assert_eq!(tasks.len(), 200);
        assert!(tasks.iter().all(|t| t.units == 500));
        assert!(tasks.iter().all(|t| (80.0..=120.0).contains(&t.wait_ms)));
        let mean = tasks.iter().map(|t| t.wait_ms).sum::<f64>() / 200.0;
        assert!((mean - 100.0).abs() < 3.0, "jitter is centred: {mean}");
        assert_eq!(
            tasks
                .iter()
                .filter(|t| t.fails)
                .map(|t| t.id)
                .collect::<Vec<_>>(),
            [2]
        );
        // Each task computes its own units: no two overlap.
        assert!(
            tasks
                .windows(2)
                .all(|w| w[1].first_unit == w[0].first_unit + w[0].units)
        );
        // Same seed, same waits; another seed, other waits.
        assert_eq!(tasks, s.task_specs(Rate { units_per_ms: 50.0 }));
        let other = Settings { seed: 2, ..s }.task_specs(Rate { units_per_ms: 50.0 });
        assert_ne!(tasks[0].wait_ms, other[0].wait_ms);
    }

    #[test]
    fn cpu_tasks_do_not_wait_and_io_tasks_compute_only_their_handling() {
        let rate = Rate { units_per_ms: 10.0 };
        let cpu = Settings {
            workload: Workload::Cpu,
            ..settings()
        };
        assert!(
            cpu.task_specs(rate)
                .iter()
                .all(|t| t.wait_ms == 0.0 && t.units > 0)
        );
        let io = Settings {
            workload: Workload::Io,
            ..settings()
        };
        assert!(
            io.task_specs(rate)
                .iter()
                .all(|t| t.wait_ms > 0.0 && t.units == 0)
        );
        let handled = Settings {
            handle_us: 500,
            ..io
        };
        assert!(handled.task_specs(rate).iter().all(|t| t.units == 5));
    }

    /// Sizes, table style: (sizes, k, m, expected weights of the first tasks).
    #[test]
    fn sizes_follow_their_rule() {
        let cases: [(Sizes, u32, u32, &[f64]); 3] = [
            (Sizes::Equal, 4, 8, &[10.0, 10.0, 10.0, 10.0, 10.0]),
            (Sizes::Skewed, 4, 8, &[80.0, 10.0, 10.0, 10.0, 80.0]),
            (Sizes::Skewed, 2, 3, &[30.0, 10.0, 30.0, 10.0, 30.0]),
        ];
        for (sizes, every, factor, expected) in cases {
            let s = Settings {
                workload: Workload::Cpu,
                tasks: 5,
                work_ms: 10,
                sizes,
                skew_every: every,
                skew_factor: factor,
                ..settings()
            };
            let work: Vec<f64> = s.task_costs().iter().map(|c| c.work_ms).collect();
            assert_eq!(work, expected, "{sizes:?} every {every} ×{factor}");
        }
    }

    #[test]
    fn heavy_tailed_sizes_keep_the_mean_and_have_stragglers() {
        let s = Settings {
            workload: Workload::Cpu,
            tasks: 1_000,
            work_ms: 10,
            sizes: Sizes::HeavyTailed,
            ..settings()
        };
        let work: Vec<f64> = s.task_costs().iter().map(|c| c.work_ms).collect();
        let mean = work.iter().sum::<f64>() / 1_000.0;
        assert!((mean - 10.0).abs() < 1e-9, "{mean}");
        let max = work.iter().copied().fold(0.0, f64::max);
        let mut sorted = work.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[500];
        assert!(
            max > 8.0 * median,
            "a straggler: max {max}, median {median}"
        );
        assert!(median < 10.0, "most tasks are below the mean: {median}");
        assert!(work.iter().all(|&w| w > 0.0));
        // Seeded: the same link, the same sizes; another seed, others.
        assert_eq!(
            work,
            s.task_costs().iter().map(|c| c.work_ms).collect::<Vec<_>>()
        );
        let other = Settings { seed: 9, ..s }.task_costs();
        assert_ne!(other[0].work_ms, work[0]);
    }

    #[test]
    fn exponential_waits_have_the_latency_as_mean_and_a_long_tail() {
        let s = Settings {
            workload: Workload::Io,
            tasks: 10_000,
            latency_ms: 300,
            waits: Waits::Exponential,
            ..settings()
        };
        let waits: Vec<f64> = s.task_costs().iter().map(|c| c.wait_ms).collect();
        let mean = waits.iter().sum::<f64>() / 10_000.0;
        // The standard error of the mean of 10,000 exponential draws is 1 %.
        assert!((mean - 300.0).abs() < 15.0, "{mean}");
        let longest = waits.iter().copied().fold(0.0, f64::max);
        // The longest of n draws is about mean × ln n = 2.8 s.
        assert!((1_800.0..5_000.0).contains(&longest), "{longest}");
        assert!(waits.iter().all(|&w| w >= MIN_WAIT_MS));
    }

    #[test]
    fn a_reduce_stage_is_one_last_task_of_its_share() {
        let s = Settings {
            workload: Workload::Cpu,
            tasks: 8,
            work_ms: 30,
            serial_pct: 25,
            fail_task: Some(8),
            ..settings()
        };
        let costs = s.task_costs();
        assert_eq!(costs.len(), 9);
        let reduce = costs[8];
        assert_eq!(reduce.stage, Stage::Reduce);
        // 240 ms of map; the reduce is 25 % of the whole: 80 ms.
        assert!((reduce.work_ms - 80.0).abs() < 1e-9, "{reduce:?}");
        assert!(costs[..8].iter().all(|c| c.stage == Stage::Map));
        let specs = s.task_specs(Rate { units_per_ms: 1.0 });
        assert_eq!(
            (specs[8].id, specs[8].units, specs[8].fails),
            (8, 80, false)
        );
        assert!(specs[7].fails, "the failing task counts map tasks");
        assert_eq!(Settings { serial_pct: 0, ..s }.task_costs().len(), 8);
    }
}
