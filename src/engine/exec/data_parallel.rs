//! Data-parallel training: every device holds a copy of the model and
//! computes the gradient of its shard of each batch; the gradients are
//! summed (all-reduce) and every device takes the same step. Here a
//! device is a pool thread; the all-reduce goes through shared memory, and
//! the devices meet at a barrier before and after it.
//!
//! A step on device `i` of `p`:
//! 1. compute: its shard's gradient, in fixed point (`work::accumulate`),
//!    written to its slot of `partials`;
//! 2. wait at the barrier for the slowest device;
//! 3. reduce: sum the weights `Reduce::share` gives it across all slots
//!    into `total` (everything on device 1, or a `1/p` share on each);
//! 4. wait at the barrier for the other summers;
//! 5. apply the total to its own copy of the weights (in the next step's
//!    compute phase).
//!
//! Sums are integers, so the total is exact in any grouping: the weights
//! are bitwise the same for any `p` and either reduce.

use super::{CancelFlag, Clock, StepBarrier};
use crate::engine::plan::{Reduce, Rung, Training};
use crate::engine::record::{DeviceReport, Phase, PhaseSpan, TrainOutcome, Trained};
use crate::engine::work::{Dataset, Lanes, accumulate, apply_step, sum_len};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// What a run's devices share.
pub struct DataParallel {
    /// The rung the run is on, as asked (a one-thread pool still runs the
    /// "every thread" rung, on its one thread).
    pub rung: Rung,
    pub training: Training,
    pub devices: usize,
    pub reduce: Reduce,
    pub lanes: Lanes,
    pub data: Arc<Dataset>,
    pub stop: Arc<CancelFlag>,
    /// Device `i`'s gradient at `[i * len..(i + 1) * len]`.
    partials: Vec<AtomicI64>,
    total: Vec<AtomicI64>,
    barrier: StepBarrier,
}

impl DataParallel {
    /// A run on `devices` devices (at most one per chunk of the batch, so
    /// that each has work).
    pub fn new(
        rung: Rung,
        training: Training,
        devices: usize,
        reduce: Reduce,
        lanes: Lanes,
        data: Arc<Dataset>,
        stop: Arc<CancelFlag>,
    ) -> DataParallel {
        let devices = devices.clamp(1, training.chunks().max(1));
        let len = sum_len(training.features);
        let zeros = |n: usize| (0..n).map(|_| AtomicI64::new(0)).collect();
        DataParallel {
            rung,
            training,
            devices,
            reduce,
            lanes,
            data,
            stop,
            partials: zeros(devices * len),
            total: zeros(len),
            barrier: StepBarrier::new(devices),
        }
    }

    /// Why the data set cannot hold this run, if it cannot: too few rows
    /// for its batches, or rows of another length.
    pub fn unfit(&self) -> Option<String> {
        let (t, d) = (&self.training, &self.data);
        if d.features != t.features
            || d.samples() < t.samples
            || d.x.len() != d.samples() * d.features
        {
            Some(format!(
                "the data set ({} samples of {} features) does not hold this run's ({} of {})",
                d.samples(),
                d.features,
                t.samples,
                t.features
            ))
        } else {
            None
        }
    }

    /// Runs device `device`'s side of every step; returns its report.
    /// Each device must run on its own thread, all at once.
    pub fn run_device(&self, device: usize, clock: &dyn Clock) -> DeviceReport {
        if self.unfit().is_some() {
            return DeviceReport::default(); // `finish` says why
        }
        let t = &self.training;
        let (p, len) = (self.devices, sum_len(t.features));
        let mine = &self.partials[device * len..(device + 1) * len];
        let share = self.reduce.share(device, p, len);
        let mut w = vec![0.0f32; t.features + 1];
        let mut acc = vec![0i64; len];
        let mut report = DeviceReport {
            device: u16::try_from(device).unwrap_or(u16::MAX),
            ..DeviceReport::default()
        };
        let mut mark = |step: u32, phase: Phase, start: f64, end: f64| {
            report.phases.push(PhaseSpan {
                device: u16::try_from(device).unwrap_or(u16::MAX),
                step,
                phase,
                start,
                end,
            })
        };
        let mut losses = Vec::with_capacity(t.steps as usize);
        let mut t0 = clock.now();
        for step in 0..t.steps {
            acc.fill(0);
            accumulate(
                &self.data,
                &w,
                t.shard(step, device, p),
                self.lanes,
                &mut acc,
            );
            for (slot, &v) in mine.iter().zip(&acc) {
                slot.store(v, Ordering::Relaxed);
            }
            let t1 = clock.now();
            mark(step, Phase::Compute, t0, t1);
            if !self.barrier.wait(&self.stop) {
                break;
            }
            let t2 = clock.now();
            mark(step, Phase::Wait, t1, t2);
            for j in share.clone() {
                let sum = (0..p)
                    .map(|k| self.partials[k * len + j].load(Ordering::Relaxed))
                    .sum();
                self.total[j].store(sum, Ordering::Relaxed);
            }
            let t3 = clock.now();
            if !share.is_empty() {
                mark(step, Phase::Reduce, t2, t3);
            }
            if !self.barrier.wait(&self.stop) {
                break;
            }
            t0 = clock.now();
            mark(step, Phase::Wait, t3, t0);
            for (a, slot) in acc.iter_mut().zip(&self.total) {
                *a = slot.load(Ordering::Relaxed);
            }
            losses.push(apply_step(&mut w, &acc, t.batch, t.rate));
        }
        report.losses = losses;
        report.weights = w;
        report
    }

    /// The run from its devices' reports (`start` on their clock); `failed`
    /// says why it ended early, if a device was lost.
    pub fn finish(
        &self,
        reports: Vec<DeviceReport>,
        start: f64,
        failed: Option<String>,
    ) -> Trained {
        let outcome = TrainOutcome::of(failed.or_else(|| self.unfit()), self.stop.is_cancelled());
        Trained::new(
            self.rung,
            self.training,
            self.reduce,
            reports,
            start,
            outcome,
        )
    }
}

/// How each CPU rung runs: on how many of `pool` threads, with which
/// inner loop (the GPU rung is not a CPU run).
pub fn cpu_rung(rung: Rung, pool: usize) -> Option<(usize, Lanes)> {
    match rung {
        Rung::Scalar => Some((1, Lanes::Scalar)),
        Rung::Simd => Some((1, Lanes::Simd)),
        Rung::Threads => Some((pool.max(1), Lanes::Simd)),
        Rung::Gpu => None,
    }
}

/// A whole run natively: a scoped thread per device (tests and the
/// benchmark's native figures).
#[cfg(not(target_arch = "wasm32"))]
pub fn train_native(run: &DataParallel, clock: &dyn Clock) -> Trained {
    let start = clock.now();
    run.finish(reports_native(run, clock), start, None)
}

/// Every device's report of a run natively, a scoped thread per device.
#[cfg(not(target_arch = "wasm32"))]
fn reports_native(run: &DataParallel, clock: &dyn Clock) -> Vec<DeviceReport> {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..run.devices)
            .map(|d| s.spawn(move || run.run_device(d, clock)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a device thread"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::exec::NativeClock;
    use crate::engine::record::weights_fnv;
    use crate::engine::work::CHUNK;

    fn run(t: Training, devices: usize, reduce: Reduce, lanes: Lanes) -> DataParallel {
        let data = Arc::new(Dataset::generate(t.seed, t.samples, t.features));
        let rung = if devices == 1 {
            Rung::Simd
        } else {
            Rung::Threads
        };
        DataParallel::new(
            rung,
            t,
            devices,
            reduce,
            lanes,
            data,
            Arc::new(CancelFlag::new()),
        )
    }

    fn train(t: Training, devices: usize, reduce: Reduce, lanes: Lanes) -> Trained {
        train_native(&run(t, devices, reduce, lanes), &NativeClock)
    }

    #[test]
    fn the_weights_are_bitwise_equal_on_any_number_of_devices() {
        let t = Training::new(11, 20, 6 * CHUNK, 12);
        let one = train(t, 1, Reduce::ToOne, Lanes::Simd);
        assert_eq!(one.steps_done(), 12);
        let one_weights = reports_native(&run(t, 1, Reduce::ToOne, Lanes::Simd), &NativeClock)
            .remove(0)
            .weights;
        assert_eq!(weights_fnv(&one_weights), one.summary.weights_fnv);
        for devices in 2..=4 {
            for reduce in Reduce::ALL {
                let r = train(t, devices, reduce, Lanes::Simd);
                assert_eq!(r.devices, devices);
                assert_eq!(r.summary.weights, 21, "20 features and the bias");
                assert_eq!(
                    r.summary.weights_fnv, one.summary.weights_fnv,
                    "{devices} devices, {reduce:?}"
                );
                assert_eq!(r.losses, one.losses, "{devices} devices, {reduce:?}");
                // And the weights themselves, on every device, bit for bit.
                let bits = |w: &[f32]| w.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                for report in reports_native(&run(t, devices, reduce, Lanes::Simd), &NativeClock) {
                    assert_eq!(
                        bits(&report.weights),
                        bits(&one_weights),
                        "{devices} devices, {reduce:?}, device {}",
                        report.device
                    );
                }
            }
        }
    }

    #[test]
    fn the_loss_falls_and_the_phases_account_for_every_step() {
        let t = Training::new(4, 32, 8 * CHUNK, 20);
        let r = train(t, 3, Reduce::Scatter, Lanes::Scalar);
        assert_eq!(r.outcome, TrainOutcome::Completed);
        assert!(r.losses[19] < 0.7 * r.losses[0], "{:?}", r.losses);
        // Each device computes and waits twice a step; with Scatter each sums too.
        for phase in [Phase::Compute, Phase::Reduce] {
            assert_eq!(
                r.phases.iter().filter(|p| p.phase == phase).count(),
                60,
                "{phase:?}"
            );
        }
        assert_eq!(
            r.phases.iter().filter(|p| p.phase == Phase::Wait).count(),
            120
        );
        assert!(r.phases.iter().all(|p| p.end >= p.start && p.start >= 0.0));
        assert_eq!(r.step_ms().len(), 20);
        // Each device's phases follow each other without a gap (every
        // device sums a share with Scatter): their times add up to its span.
        for d in 0..3 {
            let mine: Vec<_> = r.phases.iter().filter(|p| p.device == d).collect();
            let sum: f64 = mine.iter().map(|p| p.duration()).sum();
            let span = mine.last().unwrap().end - mine[0].start;
            assert!((sum - span).abs() < 1e-9, "device {d}: {sum} of {span}");
        }
        // Threads start and end a little apart: the shares of the run's
        // wall time add up to at most 1.
        let s = r.shares();
        assert!(s.compute + s.wait + s.reduce <= 1.0 + 1e-9, "{s:?}");
    }

    #[test]
    fn everyone_into_one_sums_on_the_first_device_only() {
        let t = Training::new(4, 8, 4 * CHUNK, 3);
        let r = train(t, 2, Reduce::ToOne, Lanes::Scalar);
        assert!(
            r.phases
                .iter()
                .filter(|p| p.phase == Phase::Reduce)
                .all(|p| p.device == 0)
        );
        assert_eq!(
            r.phases.iter().filter(|p| p.phase == Phase::Reduce).count(),
            3
        );
    }

    #[test]
    fn a_stopped_run_ends_every_device() {
        let t = Training::new(4, 64, 64 * CHUNK, 1_000_000);
        let data = Arc::new(Dataset::generate(t.seed, t.samples, t.features));
        let stop = Arc::new(CancelFlag::new());
        let run = DataParallel::new(
            Rung::Threads,
            t,
            3,
            Reduce::ToOne,
            Lanes::Scalar,
            data,
            Arc::clone(&stop),
        );
        let (tx, rx) = std::sync::mpsc::channel();
        // Not scoped: a device that never ends must fail the test, not hang it.
        std::thread::spawn(move || {
            let _ = tx.send(train_native(&run, &NativeClock));
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        stop.cancel();
        let r = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("every device ends within 10 s of the stop");
        assert_eq!(r.outcome, TrainOutcome::Stopped);
        assert!(r.steps_done() < 1_000_000);
    }

    #[test]
    fn a_data_set_too_small_fails_the_run_instead_of_a_thread() {
        let t = Training::new(4, 8, 4 * CHUNK, 3);
        let small = Arc::new(Dataset::generate(t.seed, CHUNK, t.features));
        let run = DataParallel::new(
            Rung::Threads,
            t,
            2,
            Reduce::Scatter,
            Lanes::Simd,
            small,
            Arc::new(CancelFlag::new()),
        );
        let r = train_native(&run, &NativeClock);
        assert!(
            matches!(&r.outcome, TrainOutcome::Failed(why) if why.contains("does not hold")),
            "{:?}",
            r.outcome
        );
        assert_eq!(r.steps_done(), 0);
    }

    #[test]
    fn a_device_per_chunk_at_most() {
        let t = Training::new(4, 8, 2 * CHUNK, 2);
        let r = train(t, 4, Reduce::Scatter, Lanes::Simd);
        assert_eq!(r.devices, 2);
    }
}
