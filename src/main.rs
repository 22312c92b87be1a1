//! The page's entry point: mounts the app, on the main thread only.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        // Start-up steps for the benchmark (docs/BENCHMARKS.md): the module
        // fetched, compiled and instantiated; the app built. wasm-bindgen
        // runs this on the page only, never in the pool's workers.
        conpar::runtime::probe::mark("wasm-started");
        // The pool first, then the page: see `probe::start_pool_then`.
        wasm_bindgen_futures::spawn_local(conpar::runtime::probe::start_pool_then(|| {
            conpar::ui::start();
            conpar::runtime::probe::mark("mounted");
        }));
    }
}
