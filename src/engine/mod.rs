//! The engine: everything about an experiment that can be computed without a
//! browser. It imports no `leptos`, `web_sys`, `js_sys` or `wasm_bindgen`; the
//! clock and the event loop come in as parameters ([`platform::Clock`],
//! [`platform::EventLoop`]), so all of it is tested natively with `cargo test`.

#[macro_use]
mod named;

pub mod calibrate;
pub mod environment;
pub mod estimate;
pub mod exec;
pub mod export;
pub mod format;
pub mod kernels;
pub mod lanes;
pub mod lessons;
pub mod main_thread;
pub mod mode;
pub mod model;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub mod plan;
pub mod platform;
pub mod replay;
pub mod result_link;
pub mod scenario;
pub mod session;
pub mod settings;
pub mod share;
pub mod shared_counter;
pub mod slider;
pub mod span_log;
pub mod sync;
pub mod tasks;
pub mod trace;
