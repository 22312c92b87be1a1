//! Compression with the browser's own `CompressionStream` and
//! `DecompressionStream` (raw DEFLATE): no compressor in the wasm.
//!
//! Decompression reads the output stream chunk by chunk and stops as soon as
//! it passes a cap, cancelling the stream: a link of a few kilobytes that
//! would inflate to gigabytes (a decompression bomb) costs at most the cap.
//!
//! The streams are reached through `js_sys::Reflect` rather than typed
//! web-sys bindings, so the crate's web-sys feature list stays as it is.

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// The format: DEFLATE without a header, the smallest output.
const FORMAT: &str = "deflate-raw";

/// Calls method `name` of `target` with `args`.
fn call(target: &JsValue, name: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &name.into())?.dyn_into()?;
    let list = Array::new();
    for a in args {
        list.push(a);
    }
    f.apply(target, &list)
}

/// A new `CompressionStream` or `DecompressionStream`.
fn transform(class: &str) -> Result<JsValue, String> {
    let ctor = Reflect::get(&js_sys::global(), &class.into())
        .ok()
        .and_then(|c| c.dyn_into::<Function>().ok())
        .ok_or_else(|| {
            format!("this browser has no {class}, so result links cannot be made or opened here")
        })?;
    Reflect::construct(&ctor, &Array::of1(&FORMAT.into()))
        .map_err(|_| format!("this browser's {class} does not support {FORMAT}"))
}

/// Pipes `bytes` through `transform` and reads at most `cap` bytes out.
async fn pipe(bytes: &[u8], transform: JsValue, cap: usize) -> Result<Vec<u8>, PipeError> {
    // A copy in a JS buffer of its own: a Blob cannot be made from a view of
    // the wasm memory, which is shared with the workers.
    let copy = Uint8Array::from(bytes);
    let blob =
        Blob::new_with_u8_array_sequence(&Array::of1(&copy)).map_err(|_| PipeError::Failed)?;
    let stream = call(&blob, "stream", &[]).map_err(|_| PipeError::Failed)?;
    let out = call(&stream, "pipeThrough", &[&transform]).map_err(|_| PipeError::Failed)?;
    let reader = call(&out, "getReader", &[]).map_err(|_| PipeError::Failed)?;
    let mut result = Vec::new();
    loop {
        let read: Promise = call(&reader, "read", &[])
            .and_then(|p| p.dyn_into())
            .map_err(|_| PipeError::Failed)?;
        let chunk = JsFuture::from(read).await.map_err(|_| PipeError::Failed)?;
        if Reflect::get(&chunk, &"done".into()).is_ok_and(|d| d.is_truthy()) {
            return Ok(result);
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .and_then(|v| v.dyn_into())
            .map_err(|_| PipeError::Failed)?;
        if result.len() + value.length() as usize > cap {
            // Stop reading and let the stream go; its promise is ours to drop.
            if let Ok(p) = call(&reader, "cancel", &[]).and_then(|p| p.dyn_into::<Promise>()) {
                let _ = JsFuture::from(p).await;
            }
            return Err(PipeError::TooLarge);
        }
        let start = result.len();
        result.resize(start + value.length() as usize, 0);
        value.copy_to(&mut result[start..]);
    }
}

enum PipeError {
    /// The browser refused: not compressed data, or cut short.
    Failed,
    /// Past the cap.
    TooLarge,
}

/// `bytes`, compressed.
pub async fn compress(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let t = transform("CompressionStream")?;
    // Deflate never grows data by more than a few bytes per 64 KB block.
    pipe(bytes, t, bytes.len() * 2 + 1024)
        .await
        .map_err(|_| "the browser could not compress the result".to_string())
}

/// `bytes` decompressed, refused past `cap` bytes of output.
pub async fn decompress(bytes: &[u8], cap: usize) -> Result<Vec<u8>, String> {
    let t = transform("DecompressionStream")?;
    pipe(bytes, t, cap).await.map_err(|e| match e {
        PipeError::TooLarge => format!(
            "The result in this link unpacks to more than {} MB, more than any result conpar makes; it was not opened.",
            cap >> 20
        ),
        PipeError::Failed => {
            "The result in this link is damaged: it could not be unpacked. Ask for the whole link again.".to_string()
        }
    })
}
