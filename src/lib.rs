//! conpar: see and measure concurrency versus parallelism in the browser.
//!
//! - [`engine`]: pure Rust, no browser: settings, kernels, the four modes,
//!   traces and their statistics, the Amdahl fit, links and exports.
//! - [`charts`]: plotters drawings from data, on any backend.
//! - `runtime` (wasm only): the browser's clock, event loop and thread pool.
//! - `ui` (wasm only): the Leptos components.
//!
//! See ARCHITECTURE.md for the map and the rules that keep it this way.

pub mod charts;
pub mod engine;
