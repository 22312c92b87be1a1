//! The computation itself: the CPU kernels every mode runs (primes,
//! Mandelbrot, hashing), in resumable units, and their measured rate on
//! this machine (units per millisecond).
//!
//! Architecture invariant: nothing here knows of modes, threads or traces;
//! this folder imports nothing else of the engine, so that the kernels can
//! be measured alone (natively in `examples/native_bench.rs`, in the page
//! by `runtime/calibration.rs`).

mod calibrate;
mod kernels;

pub use calibrate::{MIN_BATCH_MS, Rate, measure_rate};
pub use kernels::{
    HASH_BLOCK, Kernel, MANDELBROT_MAX_ITER, MANDELBROT_SIDE, MANDELBROT_STRIDE, PRIMES_BASE,
    fnv1a, is_prime, mandelbrot_iterations, primes_below,
};
