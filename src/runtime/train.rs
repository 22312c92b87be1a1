//! A training run in the page (the "training on many devices" example):
//! the data set generated on the pool, then a device per pool thread
//! (`engine::exec::DataParallel`), or one device for the single-thread
//! rungs, which still run on a worker so the page stays responsive; or
//! the GPU rung, driven from the main thread (`gpu.rs`). The
//! main thread never blocks: it awaits the devices' reports through
//! oneshot channels, and watches for a pool thread's death.

use super::casualty::{self, LaneClock};
use super::clock::BrowserClock;
use super::gpu::Gpu;
use crate::engine::exec::{CancelFlag, Clock, DataParallel};
use crate::engine::plan::{Reduce, Rung, Training};
use crate::engine::record::{DeviceReport, Phase, PhaseSpan, TrainOutcome, Trained};
use crate::engine::work::{Dataset, Lanes, apply_step, to_fixed};
use futures::channel::oneshot;
use futures::future::{Either, join_all, select};
use std::sync::Arc;

/// The data set of `training`, generated on a pool thread (the largest,
/// 128 MiB, takes about a second; the page keeps painting meanwhile).
/// `None` if the thread died.
pub async fn dataset(training: Training) -> Option<Arc<Dataset>> {
    let (tx, rx) = oneshot::channel();
    rayon::spawn(move || {
        let t = training;
        let _ = tx.send(Arc::new(Dataset::generate(t.seed, t.samples, t.features)));
    });
    rx.await.ok()
}

/// Trains `training` on rung `rung`: `devices` pool threads (1 for a
/// single-thread rung), summing with `reduce`, computing with `lanes`.
#[allow(clippy::too_many_arguments)]
pub async fn train(
    rung: Rung,
    training: Training,
    data: Arc<Dataset>,
    devices: usize,
    reduce: Reduce,
    lanes: Lanes,
    stop: Arc<CancelFlag>,
) -> Trained {
    let threads = casualty::living() as usize;
    let run = Arc::new(DataParallel::new(
        rung,
        training,
        devices.min(threads.max(1)),
        reduce,
        lanes,
        data,
        stop,
    ));
    if threads == 0 {
        return run.finish(vec![], 0.0, Some(casualty::NO_THREAD_LEFT.into()));
    }
    let seen = casualty::count();
    let start = LaneClock.now();
    let mut receivers = Vec::with_capacity(run.devices);
    for device in 0..run.devices {
        let (tx, rx) = oneshot::channel::<DeviceReport>();
        let run = Arc::clone(&run);
        // One job per device, each holding its thread for the whole run:
        // the devices meet at barriers, so all must run at once.
        rayon::spawn(move || {
            let _ = tx.send(run.run_device(device, &LaneClock));
        });
        receivers.push(rx);
    }
    let all = Box::pin(join_all(receivers));
    let watch = Box::pin(casualty::next(seen));
    match select(all, watch).await {
        Either::Left((reports, _)) => {
            let reports = reports.into_iter().flatten().collect();
            run.finish(reports, start, None)
        }
        Either::Right((dead, _)) => {
            // The others wait at the barrier for the lost device: the stop
            // frees them.
            run.stop.cancel();
            run.finish(vec![], start, Some(casualty::describe(&dead, None)))
        }
    }
}

/// Trains `training` on the GPU (`gpu`, already opened), on the main
/// thread: each step awaits the GPU's sums, then steps as the CPU rungs
/// do. The data set's upload is timed apart (`Trained::upload_ms`).
pub async fn train_gpu(
    gpu: &Gpu,
    training: Training,
    data: &Dataset,
    stop: &CancelFlag,
) -> Trained {
    let clock = BrowserClock;
    let start = clock.now();
    let mut report = DeviceReport::default();
    let mut failed = None;
    if let Err(why) = gpu.load(data, training.batch).await {
        failed = Some(why);
    }
    let loaded_ok = failed.is_none();
    let loaded = clock.now();
    let mut w = vec![0.0f32; training.features + 1];
    let mut t0 = loaded;
    for step in 0..training.steps {
        if failed.is_some() || stop.is_cancelled() {
            break;
        }
        let first = training.shard(step, 0, 1).start;
        match gpu.step(&w, first).await {
            Ok(sums) => {
                let t1 = clock.now();
                report.phases.push(PhaseSpan {
                    device: 0,
                    step,
                    phase: Phase::Compute,
                    start: t0,
                    end: t1,
                });
                let fixed: Vec<i64> = sums.iter().map(|&v| to_fixed(v)).collect();
                report
                    .losses
                    .push(apply_step(&mut w, &fixed, training.batch, training.rate));
                t0 = clock.now();
            }
            Err(why) => failed = Some(why),
        }
    }
    gpu.unload();
    report.weights = w;
    let reports = if report.phases.is_empty() {
        vec![]
    } else {
        vec![report]
    };
    let upload = loaded_ok.then_some(loaded - start);
    let outcome = TrainOutcome::of(failed, stop.is_cancelled());
    let mut trained = Trained::new(Rung::Gpu, training, Reduce::ToOne, reports, start, outcome);
    trained.upload_ms = upload;
    trained
}
