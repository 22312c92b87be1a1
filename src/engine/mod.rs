//! The engine: everything about an experiment that can be computed without
//! a browser, in rooms by job (ARCHITECTURE.md has the map):
//!
//! - [`work`]: the CPU kernels and their measured rates;
//! - [`plan`]: settings, modes, scenarios, the task list, estimates;
//! - [`exec`]: a run on real threads, in each of the four modes;
//! - [`record`]: what a run did (spans, traces) and the figures of one trace;
//! - [`analysis`]: figures across runs (comparisons, Amdahl, the counter);
//! - [`travel`]: results in links, reports and files;
//! - [`lessons`]: the Learn cards and presets, and their measured sentences.
//!
//! Architecture invariant: the engine imports no `leptos`, `web_sys`,
//! `js_sys` or `wasm_bindgen`; the clock and the event loop come in as
//! parameters ([`exec::Clock`], [`exec::EventLoop`]), so all of it is tested
//! natively with `cargo test`. Each folder re-exports its public items from
//! its `mod.rs`: an item has one path, `engine::<folder>::<Item>`.

pub mod analysis;
pub mod environment;
pub mod exec;
pub mod format;
pub mod lessons;
pub mod plan;
pub mod record;
pub mod travel;
pub mod work;
