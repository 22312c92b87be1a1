//! Entry points for the benchmark (bench/run.mjs), which calls them in the
//! built page through `window.wasmBindings` (Trunk's handle on the module's
//! exports). They run the same engine, lab and charts as the page; nothing
//! here is used by the page itself.
//!
//! wasm-bindgen exports them to anyone holding `window.wasmBindings`, the
//! production page included, so each one first asks
//! [`test_hooks::require`](super::test_hooks::require) and refuses (throws,
//! or rejects its promise) unless the page was opened with the test hooks on.

use super::canvas::draw_hidpi;
use super::clock::local_now;
use super::lab::lab;
use super::yielding::YieldMethod;
use crate::charts::Theme;
use crate::charts::timeline::{TimelineData, draw_timeline};
use crate::engine::plan::parse_query;
use crate::engine::travel::{json_number, report_json};
use crate::engine::work::Kernel;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Milliseconds that `units` units of `kernel` take on the main thread,
/// from unit 0: the inputs the native baseline uses.
#[wasm_bindgen]
pub fn bench_kernel(kernel: &str, units: f64) -> Result<f64, JsValue> {
    super::test_hooks::require()?;
    let kernel = Kernel::from_name(kernel).ok_or_else(|| JsValue::from_str("unknown kernel"))?;
    let start = local_now();
    std::hint::black_box(kernel.run(0, units as u64));
    Ok(local_now() - start)
}

/// Runs the experiment of a share-link `query` (its mode, its threads), with
/// or without recording spans; returns the JSON report of the run.
#[wasm_bindgen]
pub async fn bench_run(query: String, record: bool) -> Result<String, JsValue> {
    super::test_hooks::require()?;
    let lab = lab();
    if lab.is_running() {
        return Err("a run is in progress".into());
    }
    let (settings, notices) = parse_query(&query);
    if let Some(n) = notices.first() {
        return Err(JsValue::from_str(&n.to_string()));
    }
    let lanes = if settings.mode.uses_pool() {
        settings.lanes
    } else {
        1
    };
    let trace = lab
        .run_recording(&settings, settings.mode, lanes, record)
        .await;
    Ok(report_json(&settings, &super::probe::quick(), &[&trace]))
}

/// Average cost in milliseconds of one yield with each method over `rounds`
/// yields in a row, as JSON (`null` where the browser lacks the method).
#[wasm_bindgen]
pub async fn bench_yields(rounds: u32) -> Result<String, JsValue> {
    super::test_hooks::require()?;
    let mut fields = Vec::new();
    for method in [
        YieldMethod::SchedulerYield,
        YieldMethod::MessageChannel,
        YieldMethod::SetTimeout0,
    ] {
        let cost = if method.available() {
            method.measure(10).await;
            json_number(method.measure(rounds).await)
        } else {
            "null".into()
        };
        fields.push(format!("\"{}\": {cost}", method.name()));
    }
    Ok(format!("{{{}}}", fields.join(", ")))
}

/// Milliseconds to draw a timeline of `spans` spans over `rows` lanes on a
/// canvas of the page's width, as the live view redraws it.
#[wasm_bindgen]
pub fn bench_timeline(spans: u32, rows: u32) -> Result<f64, JsValue> {
    super::test_hooks::require()?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    let rows = rows.max(1);
    let per_row = spans.div_ceil(rows);
    // The same made-up spans as the replay benchmark's.
    let trace = super::replay_bench::synthetic_trace(spans, rows);
    let data = TimelineData {
        spans: &trace.spans,
        rows: rows as usize,
        x_max_ms: f64::from(per_row),
    };
    let theme = Theme::for_dark(false);
    let start = local_now();
    draw_hidpi(&canvas, rows * 54 + 40, |area| {
        draw_timeline(area, &data, &theme)
    })
    .map_err(|e| JsValue::from_str(&e))?;
    Ok(local_now() - start)
}

/// Bytes of the module's (shared) memory: the soak test watches it grow.
#[wasm_bindgen]
pub fn bench_memory_bytes() -> Result<f64, JsValue> {
    super::test_hooks::require()?;
    Ok((core::arch::wasm32::memory_size(0) * 65_536) as f64)
}

/// Panics on purpose, on the main thread: the reliability test checks that
/// the panic hook then says so in the page instead of leaving it blank.
#[wasm_bindgen]
pub fn bench_panic() -> Result<(), JsValue> {
    // Refused before the panic: on the production page a call would
    // otherwise abort the module for whoever made it.
    super::test_hooks::require()?;
    panic!("a panic injected by the reliability test");
}

/// Serves a server's connections one way (`one-loop`, `pinned` or
/// `stealing`; see runtime/serve.rs), each handler `handler_ms` of the hash
/// kernel at the main thread's rate (0: one unit, for the cost of a task
/// switch), one connection hot when `hot`. Returns JSON: handled,
/// loops, wall_ms, requests_per_s, p50_ms, p99_ms, steals,
/// ns_per_message (each loop's wall time over the messages it handled, on
/// average: with one-unit handlers and no waits, what a loop spends per
/// message besides the handler's work — taking it from the queue, two clock
/// reads, its figures, arming its next timer — the cost of a task switch
/// here), complete.
#[wasm_bindgen]
pub async fn bench_serve(
    way: String,
    connections: u32,
    messages: u32,
    handler_ms: f64,
    wait_mean_ms: f64,
    hot: bool,
) -> Result<String, JsValue> {
    use crate::engine::plan::{ServerAsk, Way};
    use crate::engine::record::ServedOutcome;
    super::test_hooks::require()?;
    let way = Way::from_name(&way).ok_or_else(|| JsValue::from_str("unknown way"))?;
    let ask = ServerAsk {
        connections,
        messages,
        handler_ms,
        wait_mean_ms,
        hot,
    };
    let lab = lab();
    let rate = lab.rate(Kernel::Hash).units_per_ms;
    // A handler of 0 ms is one unit (the least `ServerAsk::server` makes).
    let server = ask.server(Kernel::Hash, rate, ask.seed());
    let stop = std::sync::Arc::new(crate::engine::exec::CancelFlag::new());
    let served = lab.serve(server, way, stop).await;
    let q = |x| json_number(served.scheduled_quantile(x).unwrap_or(f64::NAN));
    let handled = served.handled();
    Ok(format!(
        "{{\"handled\": {handled}, \"wall_ms\": {}, \"requests_per_s\": {}, \"p50_ms\": {}, \"p99_ms\": {}, \"steals\": {}, \"ns_per_message\": {}, \"loops\": {}, \"complete\": {}}}",
        json_number(served.wall_ms),
        json_number(served.requests_per_s()),
        q(0.5),
        q(0.99),
        served.steals(),
        json_number(served.wall_ms * 1e6 * served.loops.len() as f64 / handled.max(1) as f64),
        served.loops.len(),
        served.outcome == ServedOutcome::Completed && served.checksum_matches()
    ))
}

thread_local! {
    /// The last data set trained on, kept between calls (generating 16 M
    /// numbers for every run would make the benchmark crawl).
    static TRAIN_DATA: std::cell::RefCell<Option<std::sync::Arc<crate::engine::work::Dataset>>> =
        const { std::cell::RefCell::new(None) };
}

/// One training run of the training card's (`runtime/train.rs`): `rung`
/// (scalar, simd, threads, gpu; threads on `devices` threads), summing
/// `reduce` (to-one, scatter); `steps` steps of `batch` samples of
/// `features` numbers, from a data set of `samples` rows (whole batches,
/// at least one). Returns JSON: the median step, the all-reduce's share
/// and the barriers', the last loss and a checksum of the weights' bits
/// (both exact, for comparing rungs), the GPU's upload and adapter.
#[wasm_bindgen]
pub async fn bench_train(
    rung: String,
    features: u32,
    batch: u32,
    samples: u32,
    steps: u32,
    devices: u32,
    reduce: String,
) -> Result<String, JsValue> {
    use crate::engine::exec::cpu_rung;
    use crate::engine::plan::{Choice, Reduce, Rung, Training};
    use crate::engine::record::TrainOutcome;
    use std::sync::Arc;
    super::test_hooks::require()?;
    let rung = Rung::from_name(&rung).ok_or_else(|| JsValue::from_str("unknown rung"))?;
    let reduce = Reduce::from_name(&reduce).ok_or_else(|| JsValue::from_str("unknown reduce"))?;
    let t = Training::new(2026, features as usize, batch as usize, steps)
        .with_samples(samples as usize);
    let kept = TRAIN_DATA.with(|d| d.borrow().clone());
    let data = match kept {
        Some(d) if d.features == t.features && d.samples() >= t.samples => d,
        _ => {
            let d = super::train::dataset(t)
                .await
                .ok_or_else(|| JsValue::from_str("no pool thread"))?;
            TRAIN_DATA.with(|slot| *slot.borrow_mut() = Some(Arc::clone(&d)));
            d
        }
    };
    let stop = Arc::new(crate::engine::exec::CancelFlag::new());
    let mut adapter = String::new();
    let mut software = false;
    let run = lab()
        .run_alone(Arc::clone(&stop), async {
            match cpu_rung(rung, devices as usize) {
                Some((devices, lanes)) => Ok(super::train::train(
                    rung,
                    t,
                    data,
                    devices,
                    reduce,
                    lanes,
                    Arc::clone(&stop),
                )
                .await),
                None => {
                    let (status, gpu) = super::gpu::opened().await;
                    if let super::gpu::GpuStatus::Ready(info) = &status {
                        adapter = info.name();
                        software = info.is_software();
                    }
                    let gpu = gpu.ok_or_else(|| JsValue::from_str(&status.describe()))?;
                    Ok::<_, JsValue>(super::train::train_gpu(&gpu, t, &data, &stop).await)
                }
            }
        })
        .await?;
    // FNV-1a over the weights' bits: equal only if every bit is.
    let weights = run.summary.weights_fnv;
    let full = |x: f64| {
        if x.is_finite() {
            format!("{x:e}")
        } else {
            "null".into()
        }
    };
    Ok(format!(
        "{{\"ms_per_step\": {}, \"allreduce_share\": {}, \"wait_share\": {}, \"last_loss\": {}, \"weights\": \"{weights:016x}\", \"upload_ms\": {}, \"devices\": {}, \"adapter\": \"{}\", \"software\": {software}, \"complete\": {}}}",
        json_number(run.ms_per_step().unwrap_or(f64::NAN)),
        full(run.allreduce_share()),
        full(run.shares().wait),
        full(run.final_loss().unwrap_or(f64::NAN)),
        full(run.upload_ms.unwrap_or(f64::NAN)),
        run.devices,
        adapter.replace(['"', '\\'], ""),
        run.outcome == TrainOutcome::Completed
    ))
}
