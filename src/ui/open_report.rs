//! "Open a report": a JSON report this page exported, chosen with the file
//! picker or dropped on the box, shown as a recorded result. The file's size
//! is checked before it is read; its contents are checked by
//! `engine::travel::from_report_json` before anything is drawn.

use super::actions::Actions;
use crate::engine::travel::{MAX_REPORT_BYTES, from_report_json};
use js_sys::{Function, Promise, Reflect};
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The first file of a `FileList`-holding object (an input, a drop's
/// `dataTransfer`), read through Reflect: the typed bindings are not
/// among the crate's web-sys features.
fn first_file(holder: &JsValue) -> Option<JsValue> {
    let files = Reflect::get(holder, &"files".into()).ok()?;
    let file = Reflect::get(&files, &0.into()).ok()?;
    (!file.is_undefined() && !file.is_null()).then_some(file)
}

/// Reads `file` as text, refusing files over the report limit unread.
async fn read_text(file: &JsValue) -> Result<String, String> {
    let size = Reflect::get(file, &"size".into())
        .ok()
        .and_then(|s| s.as_f64())
        .unwrap_or(f64::INFINITY);
    if size > MAX_REPORT_BYTES as f64 {
        return Err(format!(
            "This file is larger than {} MB, more than any conpar report; it was not read.",
            MAX_REPORT_BYTES >> 20
        ));
    }
    let text: Function = Reflect::get(file, &"text".into())
        .and_then(|f| f.dyn_into())
        .map_err(|_| "This browser cannot read files here.".to_string())?;
    let promise: Promise = text
        .call0(file)
        .and_then(|p| p.dyn_into())
        .map_err(|_| "The file could not be read.".to_string())?;
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| "The file could not be read as text.".to_string())
}

fn name_of(file: &JsValue) -> String {
    let name = Reflect::get(file, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    // Shown as text, but kept short: a file name is chosen by a stranger.
    name.chars().filter(|c| !c.is_control()).take(60).collect()
}

fn open(actions: Actions, file: JsValue) {
    spawn_local(async move {
        let name = name_of(&file);
        let result = match read_text(&file).await {
            Ok(text) => from_report_json(&text).map_err(|e| e.0),
            Err(why) => Err(why),
        };
        actions.receive(result, format!("the report file {name}"));
    });
}

#[component]
pub fn OpenReport(actions: Actions) -> impl IntoView {
    let over = RwSignal::new(false);
    view! {
        <div
            class="open-report"
            class:drag-over=move || over.get()
            style="border: 2px dashed var(--line); border-radius: 8px; padding: 0.6rem 0.8rem; margin-top: 0.7rem;"
            on:dragover=move |ev: ev::DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev: ev::DragEvent| {
                ev.prevent_default();
                over.set(false);
                let transfer = Reflect::get(&ev, &"dataTransfer".into()).unwrap_or(JsValue::UNDEFINED);
                match first_file(&transfer) {
                    Some(file) => open(actions, file),
                    None => actions.receive(Err("Nothing readable was dropped: drop a report file (.json).".into()), String::new()),
                }
            }
        >
            <label>
                "Open a report (JSON): "
                <input
                    type="file"
                    class="open-report-input"
                    accept=".json,application/json"
                    on:change=move |ev| {
                        let target = ev.target().map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
                        if let Some(file) = first_file(&target) {
                            open(actions, file);
                        }
                        // Choosing the same file again fires `change` again.
                        let _ = Reflect::set(&target, &"value".into(), &"".into());
                    }
                />
            </label>
            <span class="caption">" or drop one here."</span>
        </div>
    }
}
