//! The experiment's settings and the buttons that run it.

use super::actions;
use super::scenario_controls::{CounterControls, PoolSetting, ScenarioControls};
use super::slider::Slider;
use super::store::{Message, Store};
use super::url;
use crate::engine::plan::{Field, Mode, Settings, Workload};
use crate::engine::work::Kernel;
use leptos::prelude::*;
use leptos_use_clipboard::{UseClipboardReturn, use_clipboard};

/// A choice the person made in a list: a new history entry, and the notices
/// about this setting (an unknown name in the link) are out of date.
pub(super) fn choose(store: Store, key: &'static str, change: impl FnOnce(&mut Settings)) {
    url::user_change();
    store.settings.update(change);
    store.renotice(key, Vec::new());
}

/// [`choose`] for a choice other settings depend on (the mode and the
/// workload: the shared counter runs in the Parallel mode only): the
/// settings are checked again, and what that changed is said.
fn choose_checked(store: Store, key: &'static str, change: impl FnOnce(&mut Settings)) {
    url::user_change();
    let mut notices = Vec::new();
    store.settings.update(|s| {
        change(s);
        let (next, said) = s.clone().clamped();
        *s = next;
        notices = said;
    });
    store.renotice(key, notices);
}

#[component]
pub fn Controls() -> impl IntoView {
    let store = expect_context::<Store>();
    let settings = store.settings;
    let busy = Signal::derive(move || store.busy.with(Option::is_some));
    let can_run = Signal::derive(move || store.ready.get() && !busy.get());
    let parallel = Signal::derive(move || store.env.with(|e| e.parallel_available()));
    let workload = Memo::new(move |_| settings.with(|s| s.workload));
    let mode = Memo::new(move |_| settings.with(|s| s.mode));
    let pool = Signal::derive(move || store.env.with(|e| e.pool_threads.max(1)));
    let UseClipboardReturn {
        is_supported,
        copied,
        copy,
        ..
    } = use_clipboard();

    view! {
        <div class="controls" role="group" aria-label="Experiment settings">
            <div class="choice-row">
                <label>
                    <span>"Mode"</span>
                    <select
                        id="setting-mode"
                        aria-label="Mode"
                        prop:value=move || mode.get().name()
                        on:change=move |ev| {
                            if let Some(m) = Mode::from_name(&event_target_value(&ev)) {
                                choose_checked(store, "mode", |s| s.mode = m);
                                // A mode the check refused leaves the setting as it
                                // was, so nothing redraws the list: put it back.
                                let kept = settings.with_untracked(|s| s.mode);
                                if kept != m {
                                    event_target::<web_sys::HtmlSelectElement>(&ev).set_value(kept.name());
                                }
                            }
                        }
                    >
                        {Mode::ALL
                            .into_iter()
                            .map(|m| {
                                view! {
                                    <option
                                        value=m.name()
                                        selected=move || mode.get() == m
                                        disabled=move || m.uses_pool() && !parallel.get()
                                    >
                                        {m.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    <span>"Workload"</span>
                    <select
                        id="setting-workload"
                        aria-label="Workload"
                        prop:value=move || workload.get().name()
                        on:change=move |ev| {
                            if let Some(w) = Workload::from_name(&event_target_value(&ev)) {
                                choose_checked(store, "workload", |s| s.workload = w);
                            }
                        }
                    >
                        {Workload::ALL
                            .into_iter()
                            .map(|w| view! { <option value=w.name() selected=move || workload.get() == w>{w.label()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    <span>"Kernel"</span>
                    <select
                        id="setting-kernel"
                        aria-label="Kernel"
                        prop:value=move || settings.with(|s| s.kernel.name())
                        disabled=move || !workload.get().computes()
                        on:change=move |ev| {
                            if let Some(k) = Kernel::from_name(&event_target_value(&ev)) {
                                choose(store, "kernel", |s| s.kernel = k);
                            }
                        }
                    >
                        {Kernel::ALL
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <option value=k.name() selected=move || settings.with(|s| s.kernel == k)>
                                        {k.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <Show when=move || workload.get() == Workload::Counter>
                <CounterControls />
            </Show>
            <Show when=move || !parallel.get() && store.ready.get()>
                <p class="note">
                    "Parallel modes are off: "
                    {move || store.env.with(|e| e.parallel_unavailable_reason().unwrap_or_default())}
                </p>
            </Show>
            <Slider field=Field::Tasks />
            <Slider field=Field::WorkMs disabled=Signal::derive(move || !workload.get().computes()) />
            <Slider field=Field::LatencyMs disabled=Signal::derive(move || !workload.get().waits()) />
            <Slider field=Field::JitterMs disabled=Signal::derive(move || !workload.get().waits()) />
            <Slider field=Field::Lanes max=pool disabled=Signal::derive(move || !parallel.get()) />
            <Slider field=Field::SliceMs disabled=Signal::derive(move || !workload.get().computes()) />
            <ScenarioControls />
            <details class="advanced" open=settings.with_untracked(|s| s.pool != 0)>
                <summary>"Advanced"</summary>
                <Slider field=Field::Seed max=Signal::derive(|| 1000) />
                <Slider field=Field::FailTask max=Signal::derive(move || settings.with(|s| s.tasks)) />
                <p class="note">"A failing task stops with an error when it starts computing; the others run on."</p>
                <PoolSetting />
            </details>
            <div class="buttons">
                <button class="primary" on:click=move |_| actions::run(store) disabled=move || !can_run.get()>
                    "Run"
                </button>
                <button on:click=move |_| actions::compare(store) disabled=move || !can_run.get()>
                    "Compare all modes"
                </button>
                <button on:click=move |_| actions::sweep(store) disabled=move || !can_run.get() || !parallel.get()>
                    "Sweep threads"
                </button>
                <button class="stop" on:click=move |_| actions::stop() disabled=move || !busy.get()>
                    "Stop"
                </button>
                <button
                    on:click=move |_| copy(&url::link(&settings.get_untracked()))
                    disabled=move || !is_supported.get()
                    title="Copies a link that restores every setting"
                >
                    {move || if copied.get() { "Link copied" } else { "Copy link" }}
                </button>
            </div>
            <p class="estimate">
                {move || {
                    let s = settings.get();
                    match s.check_estimate(&[s.mode]) {
                        Ok(ms) => format!("Estimated at least {} for {}.", crate::engine::format::format_ms(ms), s.mode.label()),
                        Err(why) => why,
                    }
                }}
            </p>
            <div class="status" role="status" aria-live="polite">
                {move || {
                    if !store.ready.get() {
                        return Some(view! { <span>"Starting the worker pool…"</span> }.into_any());
                    }
                    store
                        .busy
                        .get()
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
                store
                    .message
                    .get()
                    .map(|m| match m {
                        Message::Error(text) => view! { <p class="message error" role="alert">{text}</p> }.into_any(),
                        Message::Info(text) => view! { <p class="message info">{text}</p> }.into_any(),
                    })
            }}
        </div>
    }
}
