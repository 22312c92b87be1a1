//! The engine: everything about an experiment that can be computed without a
//! browser. It imports no `leptos`, `web_sys`, `js_sys` or `wasm_bindgen`; the
//! clock and the event loop come in as parameters ([`exec::Clock`],
//! [`exec::EventLoop`]), so all of it is tested natively with `cargo test`.

pub mod calibrate;
pub mod environment;
pub mod exec;
pub mod export;
pub mod format;
pub mod kernels;
pub mod lessons;
pub mod model;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub mod plan;
pub mod session;
pub mod share;
pub mod sync;
pub mod trace;
