//! The replay's per-frame drawing, shared by the page and its benchmark, and
//! the benchmark's entry point (`bench_replay`, called by bench/run.mjs
//! through `window.wasmBindings` like the calls of `bench.rs`).
//!
//! A replay frame redraws only the cursor layer: a transparent canvas over
//! the timeline, cleared and given one line. The timeline under it is drawn
//! once per replayed run.

use super::canvas::{draw_cursor_layer, draw_hidpi};
use super::clock::local_now;
use crate::charts::Theme;
use crate::charts::cursor::CursorData;
use crate::charts::timeline::{TimelineData, draw_timeline};
use crate::engine::plan::Mode;
use crate::engine::record::{FRAME_MS, LaneState, Playback, Replay};
use crate::engine::record::{Lane, Span, SpanKind, Trace};
use crate::engine::travel::json_number;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// A made-up trace of `spans` spans over `rows` lanes (this benchmark's and
/// `bench_timeline`'s): every third span a wait; 0.8 ms each, one a millisecond per lane.
pub(super) fn synthetic_trace(spans: u32, rows: u32) -> Trace {
    let rows = rows.max(1);
    let list: Vec<Span> = (0..spans)
        .map(|i| {
            let (row, k) = (i % rows, f64::from(i / rows));
            Span {
                task: i,
                lane: Lane::from_row(row as usize),
                kind: if i % 3 == 0 {
                    SpanKind::Wait
                } else {
                    SpanKind::Run
                },
                start: k,
                end: k + 0.8,
            }
        })
        .collect();
    let duration = f64::from(spans.div_ceil(rows));
    Trace::new(Mode::Both, rows - 1, spans, 0.0, duration, list)
}

/// The next animation frame's timestamp.
async fn next_frame() -> Result<f64, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window.request_animation_frame(&resolve);
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await?
        .as_f64()
        .ok_or_else(|| "no frame timestamp".into())
}

/// Replays a made-up trace of `spans` spans over `rows` lanes at
/// 1/`slowdown` of real time, for `seconds` of wall time, doing on each
/// animation frame what the page does (the moment at the cursor, each lane
/// in words, the cursor layer redrawn) on canvases in the page. Returns JSON:
/// frames seen, frames per second, the longest gap between two frames, the
/// work per frame (median, 95th percentile, max, ms) and the time to draw
/// the timeline under the cursor once.
#[wasm_bindgen]
pub async fn bench_replay(
    spans: u32,
    rows: u32,
    slowdown: u32,
    seconds: f64,
) -> Result<String, JsValue> {
    super::test_hooks::require()?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let body = document.body().ok_or("no body")?;
    let holder = document.create_element("div")?;
    holder.set_attribute("style", "position:relative;width:900px")?;
    let base: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    let layer: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    layer.set_attribute("class", "cursor-layer")?;
    holder.append_child(&base)?;
    holder.append_child(&layer)?;
    body.append_child(&holder)?;

    let rows = rows.max(1);
    let trace = synthetic_trace(spans, rows);
    let height = rows * 54 + 40;
    let theme = Theme::for_dark(false);
    let replay = Replay::new(&trace, Vec::new());
    let start = local_now();
    let geometry = draw_hidpi(&base, height, |area| {
        draw_timeline(
            area,
            &TimelineData {
                spans: &trace.spans,
                rows: rows as usize,
                x_max_ms: trace.duration_ms,
            },
            &theme,
        )
    })
    .map_err(|e| JsValue::from_str(&e))?;
    let base_ms = local_now() - start;

    // From the middle of the run, where the most spans are around.
    let mut playback = Playback::new(replay.bounds(), slowdown);
    let mut wall = next_frame().await?;
    playback.seek(trace.duration_ms / 2.0, wall);
    playback.play(wall);
    let until = wall + seconds * 1000.0;
    let (mut stamps, mut work) = (vec![wall], Vec::new());
    let mut said = 0usize;
    while wall < until {
        wall = next_frame().await?;
        let begin = local_now();
        let moment = replay.moment(playback.position(wall));
        said += moment
            .lanes
            .iter()
            .map(|l: &LaneState| l.describe().len())
            .sum::<usize>();
        let data = CursorData {
            t_ms: moment.t,
            frozen: None,
        };
        draw_cursor_layer(&layer, height, &geometry, &data, &theme)
            .map_err(|e| JsValue::from_str(&e))?;
        work.push(local_now() - begin);
        stamps.push(wall);
    }
    holder.remove();
    std::hint::black_box(said);

    let elapsed = stamps.last().copied().unwrap_or(0.0) - stamps[0];
    let frames = stamps.len().saturating_sub(1);
    let longest_gap = stamps
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(0.0f64, f64::max);
    work.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        work.get(((work.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    Ok(format!(
        "{{\"spans\": {spans}, \"rows\": {rows}, \"slowdown\": {slowdown}, \"frames\": {frames}, \"seconds\": {}, \"fps\": {}, \"longest_frame_gap_ms\": {}, \"missed_frames\": {}, \"work_ms\": {{\"median\": {}, \"p95\": {}, \"max\": {}}}, \"base_draw_ms\": {}}}",
        json_number(elapsed / 1000.0),
        json_number(if elapsed > 0.0 {
            frames as f64 * 1000.0 / elapsed
        } else {
            0.0
        }),
        json_number(longest_gap),
        stamps
            .windows(2)
            .map(|w| ((w[1] - w[0]) / FRAME_MS - 0.5).floor().max(0.0) as u64)
            .sum::<u64>(),
        json_number(pick(0.5)),
        json_number(pick(0.95)),
        json_number(pick(1.0)),
        json_number(base_ms),
    ))
}
