//! The training card's runs in a result link: format version 5's record of
//! kind 3 (`codec.rs` writes and reads its header). After the header:
//!
//! ```text
//! asked                 features, batch, steps, reduce (0 everyone into one, 1 reduce-scatter)
//! gpu                   0, or 1 + str: the sender's WebGPU as its page described it
//! software              0, or 1 + str: the sender's adapter's name, when a software one
//! ladder, strong, weak  each: count, then each run:
//!   rung (0 scalar, 1 SIMD, 2 every thread, 3 GPU), seed, features, samples, batch, steps,
//!   devices, reduce, outcome (0 completed, 1 stopped, 2 failed + str message),
//!   wall ms (f64), upload (0 none, 1 + ms as f64),
//!   steps done, ms per step (0 none, 1 + f64), last loss (0 none, 1 + f64),
//!   ms in each phase (compute, wait, reduce: 3 × f64), all-reduce ms (f64),
//!   weights, their FNV-1a hash (8 bytes little-endian),
//!   losses: count, then each (f64),
//!   phases: count, then each: device, step, phase (0 compute, 1 wait, 2 reduce),
//!     start ms, end ms (f64 each)
//! ```
//!
//! Figures travel as the sending page holds them (an f64 as its 8 bytes),
//! so the receiving page shows the same numbers to the last digit. Each
//! run's summary (`TrainedSummary`) travels whole; its detail only where a
//! chart draws it: the losses of the ladder's largest batch (the loss
//! chart) and the middle steps of the run the phase chart draws. Every
//! step of every run would not fit in a link.

use super::binary::{Reader, Writer};
use super::recorded::{MAX_MESSAGE_CHARS, MAX_RUNS, MAX_TIME_MS, refuse, truncate};
use super::validate::check_machine;
use super::{LinkError, Machine};
use crate::engine::plan::{BATCHES, MAX_LANES, Reduce, Rung, STEPS, TrainAsk, Training};
use crate::engine::record::{
    Phase, PhaseSpan, TrainOutcome, Trained, TrainedSummary, largest_batch, phase_chart_run,
};

/// The training card's runs as a link carries them.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainedRecord {
    pub machine: Machine,
    /// The card's numbers the runs were made with.
    pub asked: TrainAsk,
    /// What the sender's page found of WebGPU, in its words.
    pub gpu: Option<String>,
    /// The sender's adapter's name, when it was a software one (its times
    /// measure a CPU: the sentences say so).
    pub software: Option<String>,
    pub ladder: Vec<Trained>,
    pub strong: Vec<Trained>,
    pub weak: Vec<Trained>,
}

impl TrainedRecord {
    /// The detail its runs hold (a record read from a link: what the link
    /// carried).
    pub fn detail(&self) -> Detail {
        Detail {
            losses: self.ladder.iter().any(|t| !t.losses.is_empty()),
            phases: self
                .ladder
                .iter()
                .chain(&self.strong)
                .chain(&self.weak)
                .any(|t| !t.phases.is_empty()),
        }
    }
}

/// The detail a link carries beside every run's summary: the losses the
/// loss chart draws, the phases the phase chart draws. A link too long
/// with them leaves them out, and says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail {
    pub losses: bool,
    pub phases: bool,
}

impl Detail {
    pub const ALL: Detail = Detail {
        losses: true,
        phases: true,
    };
}

/// Why these runs cannot be written in a link at all (more runs in one
/// experiment than a link holds), in words; None if they can.
pub fn unshareable(rec: &TrainedRecord) -> Option<String> {
    let most = [&rec.ladder, &rec.strong, &rec.weak]
        .into_iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    (most > MAX_RUNS).then(|| {
        format!(
            "These runs are more than a link holds ({most} in one experiment; at most {MAX_RUNS}): save the training report (JSON) instead."
        )
    })
}

/// The largest data set a run may claim: the largest batch, four times.
const MOST_SAMPLES: u64 = (crate::engine::plan::MOST_BATCH * BATCHES) as u64;
/// A loss past this is not a logistic regression's on this data.
const MOST_LOSS: f64 = 1e6;

fn opt_s(w: &mut Writer, s: Option<&str>) {
    match s {
        None => w.u(0),
        Some(s) => {
            w.u(1);
            w.s(&truncate(s, MAX_MESSAGE_CHARS));
        }
    }
}

/// Writes the body of a training record (after the header).
pub(super) fn write_trained(w: &mut Writer, rec: &TrainedRecord, detail: Detail) {
    let a = &rec.asked;
    w.u(a.features as u64);
    w.u(a.batch as u64);
    w.u(u64::from(a.steps));
    w.u(reduce_code(a.reduce));
    opt_s(w, rec.gpu.as_deref());
    opt_s(w, rec.software.as_deref());
    let largest = largest_batch(&rec.ladder);
    let drawn = phase_chart_run(&rec.ladder);
    for (runs, ladder) in [
        (&rec.ladder, true),
        (&rec.strong, false),
        (&rec.weak, false),
    ] {
        // At most MAX_RUNS, as the reader takes them (`unshareable` says
        // why a page should not ask for more).
        let runs = &runs[..runs.len().min(MAX_RUNS)];
        w.u(runs.len() as u64);
        for t in runs {
            let losses: &[f64] = if detail.losses && ladder && Some(t.training.batch) == largest {
                &t.losses
            } else {
                &[]
            };
            let charted = ladder && drawn.is_some_and(|d| std::ptr::eq(d, t));
            let phases = if detail.phases && charted {
                t.phases_of(t.middle_steps())
            } else {
                vec![]
            };
            write_run(w, t, losses, &phases);
        }
    }
}

fn reduce_code(r: Reduce) -> u64 {
    Reduce::ALL.iter().position(|&x| x == r).unwrap_or(0) as u64
}

fn write_run(w: &mut Writer, t: &Trained, losses: &[f64], phases: &[PhaseSpan]) {
    w.u(t.rung.index() as u64);
    let tr = &t.training;
    w.u(tr.seed);
    w.u(tr.features as u64);
    w.u(tr.samples as u64);
    w.u(tr.batch as u64);
    w.u(u64::from(tr.steps));
    w.u(t.devices as u64);
    w.u(reduce_code(t.reduce));
    match &t.outcome {
        TrainOutcome::Completed => w.u(0),
        TrainOutcome::Stopped => w.u(1),
        TrainOutcome::Failed(why) => {
            w.u(2);
            w.s(&truncate(why, MAX_MESSAGE_CHARS));
        }
    }
    w.f(t.wall_ms);
    w.opt_f(t.upload_ms);
    let s = &t.summary;
    w.u(s.steps_done as u64);
    w.opt_f(s.ms_per_step);
    w.opt_f(s.final_loss);
    for ms in s.phase_ms {
        w.f(ms);
    }
    w.f(s.allreduce_ms);
    w.u(s.weights as u64);
    w.u64_le(s.weights_fnv);
    w.u(losses.len() as u64);
    for &l in losses {
        w.f(l);
    }
    w.u(phases.len() as u64);
    for p in phases {
        w.u(u64::from(p.device));
        w.u(u64::from(p.step));
        w.u(Phase::ALL.iter().position(|&x| x == p.phase).unwrap_or(0) as u64);
        w.f(p.start);
        w.f(p.end);
    }
}

fn read_opt_s(r: &mut Reader<'_>, what: &str) -> Result<Option<String>, LinkError> {
    Ok(match r.bounded(1, &format!("whether there is {what}"))? {
        0 => None,
        _ => Some(truncate(
            &r.s(MAX_MESSAGE_CHARS * 4, what)?,
            MAX_MESSAGE_CHARS,
        )),
    })
}

/// Reads the body of a training record; every value is checked.
pub(super) fn read_trained(
    r: &mut Reader<'_>,
    machine: Machine,
) -> Result<TrainedRecord, LinkError> {
    check_machine(&machine)?;
    let features = r.bounded(u64::from(u32::MAX), "the features per sample")? as usize;
    let batch = r.bounded(u64::from(u32::MAX), "the samples per step")? as usize;
    let steps = r.bounded(u64::from(STEPS.1), "the steps per run")? as u32;
    let reduce = Reduce::ALL[r.bounded(1, "the way of summing")? as usize];
    let asked = TrainAsk {
        features,
        batch,
        steps,
        reduce,
    };
    // Numbers the card would have changed were not trained as they say.
    if let Some(why) = asked.clamped().1.first() {
        return refuse(format!(
            "The result in this link gives the training card's numbers as no card offers them: {why}"
        ));
    }
    let gpu = read_opt_s(r, "the sender's WebGPU")?;
    let software = read_opt_s(r, "the sender's adapter")?;
    let mut lists = Vec::with_capacity(3);
    for _ in 0..3 {
        let n = r.bounded(MAX_RUNS as u64, "the number of runs")?;
        let mut runs = Vec::with_capacity(n as usize);
        for _ in 0..n {
            runs.push(read_run(r)?);
        }
        lists.push(runs);
    }
    if r.at != r.bytes.len() {
        return refuse("The result in this link has extra data after its end.");
    }
    if lists.iter().all(Vec::is_empty) {
        return refuse("This result has no runs in it, so there is nothing to show.");
    }
    let weak = lists.pop().unwrap_or_default();
    let strong = lists.pop().unwrap_or_default();
    let ladder = lists.pop().unwrap_or_default();
    // Detail only where a chart draws it: losses on the ladder's largest
    // batch, phases on the one run the phase chart draws, in its steps.
    let largest = largest_batch(&ladder);
    let stray_losses = strong.iter().chain(&weak).any(|t| !t.losses.is_empty())
        || ladder
            .iter()
            .any(|t| !t.losses.is_empty() && Some(t.training.batch) != largest);
    let with_phases: Vec<&Trained> = ladder
        .iter()
        .chain(&strong)
        .chain(&weak)
        .filter(|t| !t.phases.is_empty())
        .collect();
    let stray_phases = match with_phases.as_slice() {
        [] => false,
        [t] => {
            !phase_chart_run(&ladder).is_some_and(|d| std::ptr::eq(d, *t))
                || t.phases.iter().any(|p| !t.middle_steps().contains(&p.step))
        }
        _ => true,
    };
    if stray_losses || stray_phases {
        return refuse("The result in this link has steps where no chart of the card draws them.");
    }
    Ok(TrainedRecord {
        machine,
        asked,
        gpu,
        software,
        ladder,
        strong,
        weak,
    })
}

fn read_run(r: &mut Reader<'_>) -> Result<Trained, LinkError> {
    let rung = Rung::ALL[r.bounded(Rung::ALL.len() as u64 - 1, "a run's rung")? as usize];
    let seed = r.u()?;
    let features = r.bounded(u64::from(u32::MAX), "a run's features")? as usize;
    let samples = r.bounded(MOST_SAMPLES, "a run's data set")? as usize;
    let batch = r.bounded(u64::from(u32::MAX), "a run's batch")? as usize;
    let steps = r.bounded(u64::from(STEPS.1), "a run's steps")? as u32;
    let training = Training::new(seed, features, batch, steps).with_samples(samples);
    // The run's training as the page makes one: not clamped, not rounded.
    if (
        training.features,
        training.batch,
        training.samples,
        training.steps,
    ) != (features, batch, samples, steps)
    {
        return refuse("The result in this link has a run trained in a way no page trains.");
    }
    let devices = r.bounded(u64::from(MAX_LANES), "a run's devices")? as usize;
    // None for a run that ended before its first step (a failed upload).
    if rung != Rung::Threads && devices > 1 {
        return refuse("The result in this link has a run on devices its rung does not use.");
    }
    let reduce = Reduce::ALL[r.bounded(1, "a run's way of summing")? as usize];
    let outcome = match r.bounded(2, "how a run ended")? {
        0 => TrainOutcome::Completed,
        1 => TrainOutcome::Stopped,
        _ => TrainOutcome::Failed(truncate(
            &r.s(MAX_MESSAGE_CHARS * 4, "a failure's message")?,
            MAX_MESSAGE_CHARS,
        )),
    };
    let wall_ms = r.f(MAX_TIME_MS, "a run's time")?;
    let upload_ms = r.opt_f(MAX_TIME_MS, "an upload's time")?;
    let most_steps = if devices == 0 { 0 } else { u64::from(steps) };
    let steps_done = r.bounded(most_steps, "a run's steps done")? as usize;
    let ms_per_step = r.opt_f(MAX_TIME_MS, "a run's time per step")?;
    let final_loss = r.opt_f(MOST_LOSS, "a run's last loss")?;
    let device_ms = MAX_TIME_MS * devices as f64;
    let mut phase_ms = [0.0; 3];
    for ms in &mut phase_ms {
        *ms = r.f(device_ms, "a run's time in a phase")?;
    }
    let allreduce_ms = r.f(MAX_TIME_MS, "a run's all-reduce time")?;
    let weights = r.bounded(u64::from(u32::MAX), "a run's weights")? as usize;
    let weights_fnv = r.u64_le()?;
    let n = r.bounded(steps_done as u64, "a run's losses")?;
    let mut losses = Vec::with_capacity(n as usize);
    for _ in 0..n {
        losses.push(r.f(MOST_LOSS, "a loss")?);
    }
    // Four phases a step at most on each device (compute, wait, reduce,
    // wait), and at least 19 bytes each.
    let most = (devices as u64 * steps_done as u64 * 4).min(r.left() / 19);
    let n = r.bounded(most, "a run's phases")?;
    let mut phases = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let device = r.bounded(devices.saturating_sub(1) as u64, "a phase's device")? as u16;
        let step = r.bounded(steps_done.saturating_sub(1) as u64, "a phase's step")? as u32;
        let phase = Phase::ALL[r.bounded(2, "a phase's kind")? as usize];
        let start = r.f(MAX_TIME_MS, "a phase's start")?;
        let end = r.f(MAX_TIME_MS, "a phase's end")?;
        if end < start {
            return refuse("The result in this link has a phase that ends before it starts.");
        }
        phases.push(PhaseSpan {
            device,
            step,
            phase,
            start,
            end,
        });
    }
    // The last loss is the losses' last, where they came along.
    if losses.last().is_some_and(|&l| Some(l) != final_loss)
        || (!losses.is_empty() && losses.len() != steps_done)
    {
        return refuse("The result in this link has losses that disagree with its last loss.");
    }
    // The figures a run of these steps can have, and no others: a step
    // time within the run, shares within 100 %, the model's weights.
    let stepped = steps_done > 0;
    let room = wall_ms * (1.0 + 1e-9);
    let fits = ms_per_step.is_some_and(|ms| ms > 0.0 && ms <= room) == stepped
        && final_loss.is_some() == stepped
        && phase_ms.iter().sum::<f64>() <= room * devices as f64
        && allreduce_ms <= room
        && (weights == features + 1 || (weights == 0 && devices == 0))
        && (upload_ms.is_none() || rung == Rung::Gpu)
        && (outcome != TrainOutcome::Completed || steps_done == steps as usize);
    if !fits {
        return refuse(
            "The result in this link has a run whose figures no run of its steps can have.",
        );
    }
    Ok(Trained {
        rung,
        training,
        devices,
        reduce,
        phases,
        losses,
        wall_ms,
        upload_ms,
        outcome,
        summary: TrainedSummary {
            steps_done,
            ms_per_step,
            final_loss,
            phase_ms,
            allreduce_ms,
            weights,
            weights_fnv,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::exec::{CancelFlag, DataParallel, NativeClock, cpu_rung, train_native};
    use crate::engine::lessons::{checksum_sentence, ladder_sentences, scaling_sentences};
    use crate::engine::record::DeviceReport;
    use crate::engine::travel::{Decoded, decode, decode_any, encode_trained};
    use crate::engine::work::{CHUNK, Dataset};
    use std::sync::Arc;

    /// Real runs, natively: the ladder's CPU rungs at two batches, and
    /// both sweeps on 1 and 2 threads.
    fn record() -> TrainedRecord {
        let largest = Training::new(7, 16, 4 * CHUNK, 8);
        let data = Arc::new(Dataset::generate(7, largest.samples, 16));
        let run = |rung: Rung, batch: usize, devices: usize, reduce: Reduce| {
            let t = Training::new(7, 16, batch, 8).with_samples(data.samples());
            let (_, lanes) = cpu_rung(rung, devices).expect("a CPU rung");
            let dp = DataParallel::new(
                rung,
                t,
                devices,
                reduce,
                lanes,
                Arc::clone(&data),
                Arc::new(CancelFlag::new()),
            );
            train_native(&dp, &NativeClock)
        };
        let mut ladder = Vec::new();
        for batch in [2 * CHUNK, 4 * CHUNK] {
            ladder.push(run(Rung::Scalar, batch, 1, Reduce::Scatter));
            ladder.push(run(Rung::Simd, batch, 1, Reduce::Scatter));
            ladder.push(run(Rung::Threads, batch, 2, Reduce::Scatter));
        }
        // A GPU run as the page records one that failed at its upload.
        ladder.push(Trained::new(
            Rung::Gpu,
            largest,
            Reduce::ToOne,
            vec![],
            0.0,
            TrainOutcome::Failed("no adapter".into()),
        ));
        let strong = vec![
            run(Rung::Simd, 4 * CHUNK, 1, Reduce::Scatter),
            run(Rung::Threads, 4 * CHUNK, 2, Reduce::ToOne),
            run(Rung::Threads, 4 * CHUNK, 2, Reduce::Scatter),
        ];
        let weak = vec![
            run(Rung::Simd, 2 * CHUNK, 1, Reduce::Scatter),
            run(Rung::Threads, 4 * CHUNK, 2, Reduce::Scatter),
        ];
        TrainedRecord {
            machine: crate::engine::travel::fixtures::machine(),
            asked: TrainAsk {
                features: 16,
                batch: 16_384,
                steps: 60,
                reduce: Reduce::Scatter,
            },
            gpu: Some("WebGPU: SwiftShader (a software fallback).".into()),
            software: Some("SwiftShader".into()),
            ladder,
            strong,
            weak,
        }
    }

    fn decoded(bytes: &[u8]) -> TrainedRecord {
        match decode_any(bytes).expect("a good record") {
            Decoded::Training(rec) => rec,
            other => panic!("not a training record: {other:?}"),
        }
    }

    /// Every figure the card shows comes back to the last bit; the detail
    /// comes back where a chart draws it, and only there.
    #[test]
    fn the_card_reads_the_same_figures_from_a_link() {
        let sent = record();
        let bytes = encode_trained(&sent, Detail::ALL);
        let got = decoded(&bytes);
        assert_eq!(
            (&got.machine, got.asked, &got.gpu, &got.software),
            (&sent.machine, sent.asked, &sent.gpu, &sent.software)
        );
        let pairs = |a: &[Trained], b: &[Trained]| {
            assert_eq!(a.len(), b.len());
            for (a, b) in a.iter().zip(b) {
                assert_eq!(
                    (a.rung, a.training, a.devices, a.reduce, &a.outcome),
                    (b.rung, b.training, b.devices, b.reduce, &b.outcome)
                );
                assert_eq!(
                    (a.wall_ms, a.upload_ms, a.summary),
                    (b.wall_ms, b.upload_ms, b.summary)
                );
                assert_eq!(a.shares(), b.shares());
                assert_eq!(a.allreduce_share(), b.allreduce_share());
            }
        };
        pairs(&sent.ladder, &got.ladder);
        pairs(&sent.strong, &got.strong);
        pairs(&sent.weak, &got.weak);
        // The loss chart's runs (the largest batch) keep their losses.
        for (a, b) in sent.ladder.iter().zip(&got.ladder) {
            if a.training.batch == 4 * CHUNK {
                assert_eq!(a.losses, b.losses);
            } else {
                assert!(b.losses.is_empty());
            }
        }
        // The phase chart's run keeps the steps it draws, the rest none.
        let (a, b) = (
            phase_chart_run(&sent.ladder).unwrap(),
            phase_chart_run(&got.ladder).unwrap(),
        );
        assert_eq!(b.middle_steps(), a.middle_steps());
        assert_eq!(b.phases, a.phases_of(a.middle_steps()));
        assert!(!b.phases.is_empty() && b.phases.len() < a.phases.len());
        assert_eq!(
            got.ladder.iter().filter(|r| !r.phases.is_empty()).count(),
            1
        );
        assert!(
            got.strong
                .iter()
                .chain(&got.weak)
                .all(|r| r.phases.is_empty() && r.losses.is_empty())
        );
        // The sentences say the same.
        assert_eq!(
            ladder_sentences(&got.ladder, got.software.as_deref()),
            ladder_sentences(&sent.ladder, sent.software.as_deref())
        );
        assert_eq!(
            checksum_sentence(&got.ladder),
            checksum_sentence(&sent.ladder)
        );
        assert!(
            checksum_sentence(&got.ladder)
                .unwrap()
                .contains("bit for bit")
        );
        assert_eq!(
            scaling_sentences(&got.strong, &got.weak),
            scaling_sentences(&sent.strong, &sent.weak)
        );
        // And it is small (the card's default ladder is 12 runs, this 7).
        assert!(bytes.len() < 4096, "{} bytes", bytes.len());
    }

    /// A leaner link leaves out the losses, then the phases too; the
    /// summary, and so every figure and sentence, comes whole.
    #[test]
    fn a_lean_link_keeps_every_figure() {
        let sent = record();
        for detail in [
            Detail {
                losses: true,
                phases: false,
            },
            Detail {
                losses: false,
                phases: false,
            },
        ] {
            let got = decoded(&encode_trained(&sent, detail));
            assert_eq!(got.detail(), detail);
            assert_eq!(phase_chart_run(&got.ladder), None);
            assert_eq!(
                got.ladder.iter().any(|t| !t.losses.is_empty()),
                detail.losses
            );
            for (a, b) in sent.ladder.iter().zip(&got.ladder) {
                assert_eq!(a.summary, b.summary);
            }
            assert_eq!(
                ladder_sentences(&got.ladder, None),
                ladder_sentences(&sent.ladder, None)
            );
        }
    }

    /// A run stopped after 3 of 8 steps, its devices a step apart as Stop
    /// leaves them, one phase a little before the run's start (a worker's
    /// clock behind the main thread's): the link the page makes of it
    /// opens, its phase chart's steps all finished ones.
    #[test]
    fn a_stopped_run_with_a_skewed_clock_travels() {
        let span = crate::engine::record::fixtures::phase;
        let mut phases0 = vec![span(0, 0, Phase::Compute, 99.8, 101.0)];
        let mut phases1 = vec![span(1, 0, Phase::Compute, 100.0, 101.0)];
        for s in 0..3u32 {
            let t = 101.0 + f64::from(s) * 2.0;
            phases0.push(span(0, s, Phase::Reduce, t, t + 1.0));
            phases0.push(span(0, s + 1, Phase::Compute, t + 1.0, t + 2.0));
            phases1.push(span(1, s, Phase::Wait, t, t + 1.0));
            phases1.push(span(1, s + 1, Phase::Compute, t + 1.0, t + 2.0));
        }
        // Device 2 computed step 4 before Stop reached it.
        phases1.push(span(1, 4, Phase::Compute, 107.0, 108.0));
        let report = |device, phases| DeviceReport {
            device,
            phases,
            losses: vec![0.7, 0.6, 0.5],
            weights: vec![0.0; 17],
        };
        let stopped = Trained::new(
            Rung::Threads,
            Training::new(7, 16, 4 * CHUNK, 8),
            Reduce::Scatter,
            vec![report(0, phases0), report(1, phases1)],
            100.0,
            TrainOutcome::Stopped,
        );
        assert!(stopped.phases.iter().all(|p| p.start >= 0.0));
        assert_eq!(stopped.middle_steps(), 0..3);
        let sent = TrainedRecord {
            ladder: vec![stopped],
            strong: vec![],
            weak: vec![],
            ..record()
        };
        let got = decoded(&encode_trained(&sent, Detail::ALL));
        let run = &got.ladder[0];
        assert!(run.phases.iter().all(|p| p.step < 3), "{:?}", run.phases);
        assert_eq!(run.summary, sent.ladder[0].summary);
        // Its replay never counts the unfinished steps as done.
        let replay = crate::engine::record::TrainedReplay::new(&sent.ladder[0]);
        assert!(replay.moment(1e9).iter().all(|m| m.steps_done == 3));
    }

    /// Figures no run of its steps can have are refused: a zero step time,
    /// a share past 100 %, a completed run short of its steps, an upload
    /// on a CPU rung, weights other than the model's.
    #[test]
    fn impossible_figures_are_refused() {
        let mut sent = record();
        sent.ladder.truncate(2);
        sent.strong.clear();
        sent.weak.clear();
        type Change = (&'static str, fn(&mut Trained));
        let changes: [Change; 6] = [
            ("a zero step time", |t| t.summary.ms_per_step = Some(0.0)),
            ("all-reduce past the run", |t| {
                t.summary.allreduce_ms = t.wall_ms * 2.0
            }),
            ("phases past every device's time", |t| {
                t.summary.phase_ms[1] = t.wall_ms * 3.0
            }),
            ("completed short of its steps", |t| {
                t.summary.steps_done -= 1;
                t.losses.clear();
            }),
            ("an upload on a CPU rung", |t| t.upload_ms = Some(1.0)),
            ("other weights", |t| t.summary.weights += 1),
        ];
        for (what, change) in changes {
            let mut odd = sent.clone();
            change(&mut odd.ladder[0]);
            let lean = Detail {
                losses: false,
                phases: false,
            };
            let why = decode_any(&encode_trained(&odd, lean)).expect_err(what).0;
            assert!(why.contains("no run of its steps"), "{what}: {why}");
        }
    }

    /// Only the training card's links are version 5: the modes' are still
    /// written as version 4, which pages made before it read.
    #[test]
    fn only_training_links_need_version_five() {
        assert_eq!(encode_trained(&record(), Detail::ALL)[3], 5);
        assert_eq!(
            crate::engine::travel::encode(&crate::engine::travel::fixtures::sample())[3],
            4
        );
    }

    #[test]
    fn a_training_record_is_declined_where_runs_of_the_modes_are_read() {
        let why = decode(&encode_trained(&record(), Detail::ALL))
            .expect_err("declined")
            .0;
        assert!(why.contains("training card"), "{why}");
    }

    /// A cut anywhere, a byte more, a run no page trains, numbers no card
    /// offers, losses that disagree with the last loss: refused in words.
    #[test]
    fn damage_is_refused_never_read() {
        let mut sent = record();
        sent.ladder.truncate(3);
        sent.strong.truncate(1);
        sent.weak.clear();
        let good = encode_trained(&sent, Detail::ALL);
        decoded(&good);
        for cut in 4..good.len() {
            assert!(decode_any(&good[..cut]).is_err(), "cut at {cut} read");
        }
        let mut longer = good.clone();
        longer.push(0);
        assert!(decode_any(&longer).is_err());

        let refused = |rec: &TrainedRecord, words: &str| {
            let why = decode_any(&encode_trained(rec, Detail::ALL))
                .expect_err("refused")
                .0;
            assert!(why.contains(words), "{why}");
        };
        let mut odd = sent.clone();
        odd.asked.batch = 1000;
        refused(&odd, "no card offers");
        let mut odd = sent.clone();
        odd.ladder[0].training.samples += 1;
        refused(&odd, "no page trains");
        let mut odd = sent.clone();
        odd.ladder[1].devices = 2;
        refused(&odd, "devices its rung does not use");
        let mut odd = sent.clone();
        odd.ladder[2].summary.final_loss = Some(9.0);
        let largest = largest_batch(&odd.ladder).unwrap();
        assert_eq!(
            odd.ladder[2].training.batch, largest,
            "a run whose losses travel"
        );
        refused(&odd, "disagree with its last loss");
        let mut odd = sent.clone();
        odd.strong[0].wall_ms = f64::NAN;
        refused(&odd, "a run's time");
        let empty = TrainedRecord {
            ladder: vec![],
            strong: vec![],
            weak: vec![],
            ..sent
        };
        refused(&empty, "no runs");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// A real record with bytes changed anywhere: refused or read,
        /// never a panic, and what is read is what the card can draw.
        #[test]
        fn changed_bytes_are_read_or_refused(
            changes in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 1..6),
        ) {
            let mut b = GOOD.with(Clone::clone);
            for (at, byte) in changes {
                let at = at % b.len();
                b[at] = byte;
            }
            if let Ok(Decoded::Training(r)) = decode_any(&b) {
                for t in r.ladder.iter().chain(&r.strong).chain(&r.weak) {
                    proptest::prop_assert!(t.devices <= MAX_LANES as usize);
                    proptest::prop_assert!(t.losses.len() <= t.summary.steps_done);
                    proptest::prop_assert!(t.phases.iter().all(|p| usize::from(p.device) < t.devices
                        && (p.step as usize) < t.summary.steps_done && p.start <= p.end));
                    // What the card reads of it is finite.
                    proptest::prop_assert!(t.shares().wait.is_finite() && t.allreduce_share().is_finite());
                    let replay = crate::engine::record::TrainedReplay::new(t);
                    let _ = replay.moment(replay.until_ms() / 2.0);
                }
            }
        }
    }

    thread_local! {
        /// One encoded record for every case (training it takes a while).
        static GOOD: Vec<u8> = encode_trained(&record(), Detail::ALL);
    }
}
