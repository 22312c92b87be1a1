//! The computation itself: the CPU kernels every mode runs (primes,
//! Mandelbrot, hashing), in resumable units, and their measured rate on
//! this machine (units per millisecond); and the training example's seeded
//! data set and model (logistic regression, scalar or SIMD).
//!
//! Architecture invariant: nothing here knows of modes, threads or traces;
//! this folder imports nothing else of the engine, so that the kernels can
//! be measured alone (natively in `examples/native_bench.rs`, in the page
//! by `runtime/calibration.rs`).

mod calibrate;
mod dataset;
mod kernels;
mod logistic;

pub use calibrate::{MIN_BATCH_MS, Rate, measure_rate};
pub use dataset::Dataset;
pub use kernels::{
    HASH_BLOCK, Kernel, MANDELBROT_MAX_ITER, MANDELBROT_SIDE, MANDELBROT_STRIDE, PRIMES_BASE,
    fnv1a, is_prime, mandelbrot_iterations, primes_below,
};
pub use logistic::{
    CHUNK, FIXED_ONE, Lanes, accumulate, apply_step, mean_loss, mean_of, sum_len, to_fixed,
};
