//! The browser side of the engine (wasm only): the aligned clock, the main
//! thread's event loop (one timer for all waits, cheap yields), the worker
//! pool, and the lab that runs experiments with them.

pub mod bench;
pub mod calibration;
pub mod canvas;
pub mod casualty;
pub mod clock;
pub mod compress;
pub mod event_loop;
pub mod frame_loop;
pub mod gpu;
pub mod lab;
pub mod pool;
pub mod probe;
pub mod replay_bench;
pub mod serve;
pub mod test_hooks;
pub mod timers;
pub mod train;
pub mod yielding;
