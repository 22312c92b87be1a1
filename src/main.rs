//! The page's entry point: mounts the app, on the main thread only.

fn main() {
    #[cfg(target_arch = "wasm32")]
    conpar::ui::start();
}
