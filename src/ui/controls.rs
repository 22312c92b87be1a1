//! The experiment's settings and the buttons that run it.

use super::actions::Actions;
use super::choice_select::{choice_select, never};
use super::scenario_controls::{CounterControls, PoolSetting, ScenarioControls};
use super::slider::Slider;
use super::state::{Busy, Message, SettingsEditor};
use super::url;
use crate::engine::environment::Environment;
use crate::engine::format::format_ms;
use crate::engine::plan::{Field as Setting, Mode, Workload};
use crate::engine::work::Kernel;
use leptos::prelude::*;
use leptos_use_clipboard::{UseClipboardReturn, use_clipboard};
use reactive_stores::Field;

#[component]
pub fn Controls(
    edit: SettingsEditor,
    #[prop(into)] env: Field<Environment>,
    #[prop(into)] ready: Field<bool>,
    #[prop(into)] busy: Field<Option<Busy>>,
    #[prop(into)] message: Field<Option<Message>>,
    actions: Actions,
    /// Below the buttons: "Predict first" and its question.
    children: Children,
) -> impl IntoView {
    let settings = edit.settings;
    let busy_now = Signal::derive(move || busy.with(Option::is_some));
    let can_run = Signal::derive(move || ready.get() && !busy_now.get());
    let parallel = Signal::derive(move || env.with(|e| e.parallel_available()));
    let workload = Memo::new(move |_| settings.with(|s| s.workload));
    let mode = Memo::new(move |_| settings.with(|s| s.mode));
    let kernel = Memo::new(move |_| settings.with(|s| s.kernel));
    let pool = Signal::derive(move || env.with(|e| e.pool_threads.max(1)));
    let no_compute = Signal::derive(move || !workload.get().computes());
    let no_waits = Signal::derive(move || !workload.get().waits());
    let UseClipboardReturn {
        is_supported,
        copied,
        copy,
        ..
    } = use_clipboard();

    view! {
        <section class="card controls" aria-labelledby="experiment-title">
            <h2 id="experiment-title" tabindex="-1">"Experiment"</h2>
            <div class="choice-row">
                {choice_select(
                    "setting-mode",
                    "Mode",
                    mode.into(),
                    Signal::derive(|| false),
                    move |m: Mode| m.uses_pool() && !parallel.get(),
                    move |m, ev| {
                        edit.choose_checked("mode", |s| s.mode = m);
                        // A mode the check refused leaves the setting as it
                        // was, so nothing redraws the list: put it back.
                        let kept = settings.with_untracked(|s| s.mode);
                        if kept != m {
                            event_target::<web_sys::HtmlSelectElement>(ev).set_value(kept.name());
                        }
                    },
                )}
                {choice_select(
                    "setting-workload",
                    "Workload",
                    workload.into(),
                    Signal::derive(|| false),
                    never,
                    move |w: Workload, _| edit.choose_checked("workload", |s| s.workload = w),
                )}
                {choice_select(
                    "setting-kernel",
                    "Kernel",
                    kernel.into(),
                    no_compute,
                    never,
                    move |k: Kernel, _| edit.choose("kernel", |s| s.kernel = k),
                )}
            </div>
            <Show when=move || workload.get() == Workload::Counter>
                <CounterControls edit />
            </Show>
            <Show when=move || !parallel.get() && ready.get()>
                <p class="note">
                    "Parallel modes are off: "
                    {move || env.with(|e| e.parallel_unavailable_reason().unwrap_or_default())}
                </p>
            </Show>
            <Slider edit field=Setting::Tasks />
            <Slider edit field=Setting::WorkMs disabled=no_compute />
            <Slider edit field=Setting::LatencyMs disabled=no_waits />
            <Slider edit field=Setting::JitterMs disabled=no_waits />
            <Slider edit field=Setting::Lanes max=pool disabled=Signal::derive(move || !parallel.get()) />
            <Slider edit field=Setting::SliceMs disabled=no_compute />
            <ScenarioControls edit />
            <details class="advanced" open=settings.with_untracked(|s| s.pool != 0)>
                <summary>"Advanced"</summary>
                <Slider edit field=Setting::Seed max=Signal::derive(|| 1000) />
                <Slider edit field=Setting::FailTask max=Signal::derive(move || settings.with(|s| s.tasks)) />
                <p class="note">"A failing task stops with an error when it starts computing; the others run on."</p>
                <PoolSetting edit env=env ready=ready />
            </details>
            <div class="buttons">
                <button class="primary" on:click=move |_| actions.run() disabled=move || !can_run.get()>
                    "Run"
                </button>
                <button on:click=move |_| actions.compare() disabled=move || !can_run.get()>
                    "Compare all modes"
                </button>
                <button on:click=move |_| actions.sweep() disabled=move || !can_run.get() || !parallel.get()>
                    "Sweep threads"
                </button>
                <button class="stop" on:click=move |_| actions.stop() disabled=move || !busy_now.get()>
                    "Stop"
                </button>
                <button
                    on:click=move |_| settings.with_untracked(|s| copy(&url::link(s)))
                    disabled=move || !is_supported.get()
                    title="Copies a link that restores every setting"
                >
                    {move || if copied.get() { "Link copied" } else { "Copy link" }}
                </button>
            </div>
            {children()}
            <p class="estimate">
                {move || {
                    settings.with(|s| match s.check_estimate(&[s.mode]) {
                        Ok(ms) => format!("Estimated at least {} for {}.", format_ms(ms), s.mode.label()),
                        Err(why) => why,
                    })
                }}
            </p>
            <div class="status" role="status" aria-live="polite">
                {move || {
                    if !ready.get() {
                        return Some(view! { <span>"Starting the worker pool…"</span> }.into_any());
                    }
                    busy.get()
                        .map(|b| {
                            view! {
                                <span>{b.label.clone()}</span>
                                <progress max=b.steps value=b.step></progress>
                            }
                                .into_any()
                        })
                }}
            </div>
            {move || {
                message
                    .get()
                    .map(|m| match m {
                        Message::Error(text) => view! { <p class="message error" role="alert">{text}</p> }.into_any(),
                        Message::Info(text) => view! { <p class="message info">{text}</p> }.into_any(),
                    })
            }}
        </section>
    }
}
