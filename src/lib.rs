//! conpar: see and measure concurrency versus parallelism in the browser.
//!
//! - [`engine`]: pure Rust, no browser: settings, kernels, the four modes,
//!   traces and their statistics, the Amdahl fit, links and exports.
//! - [`charts`]: plotters drawings from data, on any backend.
//! - `runtime` (wasm only): the browser's clock, event loop and thread pool.
//! - `ui` (wasm only): the Leptos components.
//!
//! See ARCHITECTURE.md for the map and the rules that keep it this way.

// The wasm build is nightly anyway (build-std for threads); the futex
// intrinsics behind the lanes' waits are still unstable (rust-lang/rust#77839).
#![cfg_attr(target_arch = "wasm32", feature(stdarch_wasm_atomic_wait))]
// The crate is optimised for size; the kernels, for speed (rust-lang/rust#54882).
#![feature(optimize_attribute)]

pub mod charts;
pub mod engine;
#[cfg(target_arch = "wasm32")]
pub mod runtime;
#[cfg(target_arch = "wasm32")]
pub mod ui;
