//! The benchmark's native baselines (bench/run.mjs runs this): the same
//! kernels and the same engine as the page, built natively, on the same
//! machine, in the same benchmark run.
//!
//!   cargo run --release --example native_bench -- [runs] [kernel_ms] [work_ms]
//!
//! Prints one JSON object:
//! - `kernels`: per kernel, the units that take about `kernel_ms` here and
//!   the milliseconds of each of `runs` single-thread runs of exactly those
//!   units (the page runs the same units, from the same first unit);
//! - `parallel`: per kernel and per thread count p = 1..cores, the makespan
//!   of each of `runs` parallel-mode runs of 4 × cores tasks of `work_ms`,
//!   through the engine's own lanes on rayon's native pool.

use conpar::engine::exec::{Clock, Run};
use conpar::engine::exec::{NativeClock, run_native};
use conpar::engine::plan::{Mode, Settings, Workload};
use conpar::engine::work::Kernel;
use conpar::engine::work::{MIN_BATCH_MS, measure_rate};
use std::hint::black_box;
use std::sync::Arc;

fn main() {
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let runs = args.first().map_or(5, |&r| r as usize).max(1);
    let kernel_ms = args.get(1).copied().unwrap_or(200.0);
    let work_ms = args.get(2).map_or(50, |&w| w as u32);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);

    let mut kernels = Vec::new();
    let mut parallel = Vec::new();
    for kernel in Kernel::ALL {
        let rate = measure_rate(
            |n| {
                black_box(kernel.run(0, n));
            },
            || NativeClock.now(),
            MIN_BATCH_MS,
        );
        let units = rate.units_for(kernel_ms);
        let times: Vec<String> = (0..runs)
            .map(|_| {
                let start = NativeClock.now();
                black_box(kernel.run(0, units));
                format!("{:.3}", NativeClock.now() - start)
            })
            .collect();
        kernels.push(format!(
            "\"{}\": {{\"units\": {units}, \"ms\": [{}]}}",
            kernel.name(),
            times.join(", ")
        ));

        let settings = Settings {
            workload: Workload::Cpu,
            kernel,
            tasks: 4 * cores,
            work_ms,
            slice_ms: 5,
            ..Settings::default()
        };
        let mut by_threads = Vec::new();
        for p in 1..=cores {
            let makespans: Vec<String> = (0..runs)
                .map(|_| {
                    let run = Arc::new(Run::new(
                        kernel,
                        settings.task_specs(rate),
                        rate.units_for(f64::from(settings.slice_ms)),
                    ));
                    let trace = run_native(Mode::Parallel, run, p);
                    format!("{:.3}", trace.duration_ms)
                })
                .collect();
            by_threads.push(format!("\"{p}\": [{}]", makespans.join(", ")));
        }
        parallel.push(format!(
            "\"{}\": {{{}}}",
            kernel.name(),
            by_threads.join(", ")
        ));
    }
    println!(
        "{{\"cores\": {cores}, \"tasks\": {}, \"work_ms\": {work_ms}, \"kernels\": {{{}}}, \"parallel\": {{{}}}}}",
        4 * cores,
        kernels.join(", "),
        parallel.join(", ")
    );
}
