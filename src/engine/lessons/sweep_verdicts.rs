//! The sentences of the lessons that sweep the thread count: Amdahl's law,
//! MapReduce's serial reduce, more threads than cores, and a lock's share
//! read back.

use super::Lesson;
use super::words::{shown, times};
use crate::engine::analysis::{
    AmdahlFit, LockReading, fit_amdahl_with, lock_reading, sweep_points,
};
use crate::engine::format::count;
use crate::engine::format::format_ms;
use crate::engine::plan::{MAX_LANES, Settings};
use crate::engine::record::Trace;

/// A sweep's measurements: (threads, makespan, speedup) per run, and the
/// Amdahl fit that counts whole rounds of tasks (`None` with fewer than two
/// thread counts).
struct Sweep {
    points: Vec<(u32, f64, f64)>,
    fit: Option<AmdahlFit>,
}

impl Sweep {
    fn of(settings: &Settings, traces: &[&Trace]) -> Option<Sweep> {
        let makespans: Vec<(u32, f64)> = traces.iter().map(|t| (t.lanes, t.duration_ms)).collect();
        let points = sweep_points(&makespans);
        if points.is_empty() || !points.iter().any(|p| p.threads == 1) {
            return None;
        }
        // The parallel part on unboundedly many threads: one round, its
        // heaviest task (1/n of it for n equal tasks).
        let floor = settings.parallel_share(settings.tasks.max(1));
        let fit = fit_amdahl_with(&points, |q| settings.parallel_share(q), floor);
        Some(Sweep {
            points: points
                .iter()
                .map(|p| (p.threads, p.makespan_ms, p.speedup))
                .collect(),
            fit,
        })
    }

    /// The fastest run among those whose thread count satisfies `which`.
    fn best(&self, which: impl Fn(u32) -> bool) -> Option<(u32, f64, f64)> {
        self.points
            .iter()
            .copied()
            .filter(|p| which(p.0))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    fn one_thread_ms(&self) -> f64 {
        self.points
            .iter()
            .find(|p| p.0 == 1)
            .map_or(f64::NAN, |p| p.1)
    }
}

impl Lesson {
    pub(super) fn amdahl(&self, traces: &[&Trace]) -> Option<String> {
        let sweep = Sweep::of(&self.settings, traces)?;
        let Some(fit) = sweep.fit else {
            return Some(format!(
                "The job took {} on 1 thread; with one thread in the pool there is no second point to fit a curve to. A machine with more cores shows the curve.",
                format_ms(sweep.one_thread_ms())
            ));
        };
        let (q, ms, best) = sweep.best(|_| true)?;
        let limit = fit.limit();
        let tasks = self.settings.tasks;
        // Which bound the limit mostly comes from: the serial part, or the
        // task count (at best one task per thread).
        let by_tasks = (1.0 - fit.serial_fraction) * fit.floor >= fit.serial_fraction;
        let why = if by_tasks {
            format!(", as its {tasks} tasks allow one per thread at best")
        } else {
            String::new()
        };
        let measured = format!(
            "The best run took {} on {}, {} as fast as on one.",
            format_ms(ms),
            count(q, "thread"),
            times(best)
        );
        Some(if shown(limit) >= shown(best) {
            format!(
                "The fitted serial fraction is {:.1} %: with any number of threads this job would be at most {} as fast{why}. {measured}",
                fit.serial_fraction * 100.0,
                times(limit)
            )
        } else {
            format!(
                "The fitted serial fraction is {:.1} %, which puts the limit near {}; the best run beat that fitted curve ({} on {}, {} as fast as on one): single runs scatter around it.",
                fit.serial_fraction * 100.0,
                times(limit),
                format_ms(ms),
                count(q, "thread"),
                times(best)
            )
        })
    }

    pub(super) fn mapreduce(&self, traces: &[&Trace]) -> Option<String> {
        let sweep = Sweep::of(&self.settings, traces)?;
        let set = self.settings.serial_pct;
        let Some(fit) = sweep.fit else {
            return Some(format!(
                "The reduce is set to {set} % of the work; the job took {} on 1 thread, and with one thread in the pool there is no sweep to fit it from.",
                format_ms(sweep.one_thread_ms())
            ));
        };
        let (q, ms, best) = sweep.best(|_| true)?;
        let found = fit.serial_fraction * 100.0;
        // What the fit cannot tell apart: a run's overheads look serial.
        let gap = if found >= f64::from(set) + 2.0 {
            " The fit counts every overhead of the parallel runs as serial work too, so it finds more than was set."
        } else {
            ""
        };
        Some(format!(
            "The reduce was set to {set} % of the work; Amdahl's law fitted to the sweep over 1–{} threads finds {found:.1} % serial. The best run took {} on {}, {} as fast as on one.{gap}",
            self.machine.pool,
            format_ms(ms),
            count(q, "thread"),
            times(best)
        ))
    }

    pub(super) fn oversubscription(&self, traces: &[&Trace]) -> Option<String> {
        let sweep = Sweep::of(&self.settings, traces)?;
        let cores = self.machine.cores;
        let (q, ms, best) = sweep.best(|q| q <= cores)?;
        let within = format!(
            "Up to this machine's {} cores, the best run took {} on {} ({} as fast as on one).",
            cores,
            format_ms(ms),
            count(q, "thread"),
            times(best)
        );
        let Some((q2, ms2, best2)) = sweep.best(|q| q > cores) else {
            let suggest = (cores * 4).min(MAX_LANES);
            return Some(if suggest > cores {
                format!(
                    "{within} The pool has no threads beyond the cores, so there is no plateau to see: open the page with ?pool={suggest} to start {suggest} threads on {cores} cores."
                )
            } else {
                format!(
                    "{within} The pool cannot have more threads than {MAX_LANES}, so none go beyond this machine's cores."
                )
            });
        };
        let beyond = sweep.points.iter().map(|p| p.0).filter(|&q| q > cores);
        let (from, to) = (beyond.clone().min()?, beyond.max()?);
        let range = if from == to {
            count(from, "thread")
        } else {
            format!("{from}–{to} threads")
        };
        let head = format!(
            "{within} With {range}, more than the cores, the best took {} on {} ({} as fast)",
            format_ms(ms2),
            count(q2, "thread"),
            times(best2)
        );
        // No thread count can beat the cores' own count, bar noise (15 %):
        // a speedup beyond it means the browser reported fewer cores.
        Some(if best2 <= f64::from(cores) * 1.15 {
            format!(
                "{head}: {} the speed for {} the threads. Beyond the cores, more threads add lanes, not speed.",
                times(best2 / best),
                times(f64::from(q2) / f64::from(q))
            )
        } else {
            format!(
                "{head}, more than {cores} cores can give: the browser may report fewer cores than the machine has."
            )
        })
    }

    pub(super) fn lock_amdahl(&self, traces: &[&Trace]) -> Option<String> {
        let sweep = Sweep::of(&self.settings, traces)?;
        let points = sweep_points(
            &sweep
                .points
                .iter()
                .map(|&(q, ms, _)| (q, ms))
                .collect::<Vec<_>>(),
        );
        let set = self.settings.lock_pct;
        let Some(reading) = lock_reading(&self.settings, &points) else {
            return Some(format!(
                "{set} % of each task ran under the lock; the job took {} on 1 thread. With one thread in the pool \
                 nothing waits for the lock, so its share cannot be read back: that takes two threads or more.",
                format_ms(sweep.one_thread_ms())
            ));
        };
        let (q, ms, best) = sweep.best(|_| true)?;
        Some(match reading {
            LockReading::Read { read, .. } => {
                let n = f64::from(self.settings.tasks.max(1));
                let limit = 1.0 / (read + (1.0 - read) / n);
                format!(
                    "Configured: {set} % of each task under the lock. Read back from the sweep: {:.0} %. The best run \
                     took {} on {}, {} as fast as on one; with that share no number of threads does better than \
                     about {}.",
                    read * 100.0,
                    format_ms(ms),
                    count(q, "thread"),
                    times(best),
                    times(limit)
                )
            }
            LockReading::NotModelled { why, .. } => format!(
                "Configured: {set} % of each task under the lock. The best run took {} on {}, {} as fast as on \
                 one; the share cannot be read back from this sweep: {why}.",
                format_ms(ms),
                count(q, "thread"),
                times(best)
            ),
            LockReading::Unreadable { threads: t, .. } => format!(
                "Configured: {set} % of each task under the lock. On up to {} the best run was {} as fast as on one, \
                 close to the thread count: the threads, not the lock, were the limit, so the share cannot be read \
                 back on this many threads.",
                count(t, "thread"),
                times(best)
            ),
        })
    }
}
