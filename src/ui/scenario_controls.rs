//! The scenario's settings beyond the four modes (task sizes, assignment to
//! lanes, a serial reduce, the waits' distribution, handling after each
//! wait) and the pool's size, which only a reload can change.

use super::controls::choose;
use super::slider::Slider;
use super::store::Store;
use super::url;
use crate::engine::plan::Strategy;
use crate::engine::plan::{
    Assignment, Field, MAX_LANES, POOL_PER_CORE, Settings, Sizes, Waits, Workload,
};
use crate::runtime::{casualty, probe};
use leptos::prelude::*;

/// One `<select>` of a named choice: its options, the value shown, and what
/// choosing one does.
macro_rules! choice_select {
    ($store:expr, $id:literal, $label:literal, $key:literal, $ty:ty, $field:ident, $disabled:expr) => {{
        let store: Store = $store;
        let settings = store.settings;
        let current = Memo::new(move |_| settings.with(|s| s.$field));
        let disabled: Signal<bool> = $disabled;
        view! {
            <label>
                <span>{$label}</span>
                <select
                    id=$id
                    aria-label=$label
                    prop:value=move || current.get().name()
                    disabled=move || disabled.get()
                    on:change=move |ev| {
                        if let Some(v) = <$ty>::from_name(&event_target_value(&ev)) {
                            choose(store, $key, |s| s.$field = v);
                        }
                    }
                >
                    {<$ty>::ALL
                        .iter()
                        .copied()
                        .map(|v| view! { <option value=v.name() selected=move || current.get() == v>{v.label()}</option> })
                        .collect_view()}
                </select>
            </label>
        }
    }};
}

/// Whether any scenario setting differs from its default: the area then
/// opens by itself, so that a link's scenario is in view.
fn scenario_set(s: &Settings) -> bool {
    let plain = Settings::default();
    s.sizes != plain.sizes
        || s.assignment != plain.assignment
        || s.serial_pct != plain.serial_pct
        || s.waits != plain.waits
        || s.handle_us != plain.handle_us
        || s.lock_pct != plain.lock_pct
}

#[component]
pub fn ScenarioControls() -> impl IntoView {
    let store = expect_context::<Store>();
    let settings = store.settings;
    let workload = Memo::new(move |_| settings.with(|s| s.workload));
    let skewed = Memo::new(move |_| settings.with(|s| s.sizes == Sizes::Skewed));
    let no_compute = Signal::derive(move || !settings.with(Settings::computes));
    let no_waits = Signal::derive(move || !workload.get().waits());
    let not_io = Signal::derive(move || workload.get() != Workload::Io);
    let always = Signal::derive(|| false);
    let open = settings.with_untracked(scenario_set);

    view! {
        <details class="advanced scenario" open=open>
            <summary>"Scenario"</summary>
            <div class="choice-row">
                {choice_select!(store, "setting-sizes", "Task sizes", "sizes", Sizes, sizes, Signal::derive(move || !workload.get().computes()))}
                {choice_select!(store, "setting-assign", "Assignment to lanes", "assign", Assignment, assignment, always)}
            </div>
            <Show when=move || skewed.get()>
                <Slider field=Field::SkewEvery />
                <Slider field=Field::SkewFactor />
            </Show>
            <p class="note">
                "Assignment applies to the Parallel mode. In Concurrent + parallel, tasks reach the lanes as their waits end, always from the shared queue."
            </p>
            <Slider field=Field::SerialPct disabled=no_compute />
            <p class="note">"0 = no reduce. Otherwise one last task, after every other has ended, runs on one lane: the serial part of Amdahl's law."</p>
            <div class="choice-row">
                {choice_select!(store, "setting-waits", "Waits", "waits", Waits, waits, no_waits)}
            </div>
            <Slider field=Field::HandleUs disabled=not_io />
            <p class="note">"I/O-bound tasks: computation after each wait, like a server handling a reply."</p>
            <Slider field=Field::LockPct disabled=Signal::derive(move || !workload.get().computes()) />
            <p class="note">
                "CPU-bound and mixed tasks: this share of each task is computed holding one lock that every thread of the pool shares (the main thread never takes it). A thread waiting for it is drawn in dark red. Sweep threads to read the share back."
            </p>
        </details>
    }
}

/// The pool's size: a setting like the others, but the pool is fixed once
/// started, so a new size is offered as a reload, never done by surprise.
#[component]
pub fn PoolSetting() -> impl IntoView {
    let store = expect_context::<Store>();
    let settings = store.settings;
    let cores = Signal::derive(move || store.env.with(|e| e.hardware_concurrency.max(1)));
    let max = Signal::derive(move || (cores.get().min(MAX_LANES) * POOL_PER_CORE).min(MAX_LANES));

    // The link asked for more threads than this machine allows: say so
    // once the pool has started, and show the size used in the setting.
    Effect::new(move |_| {
        if !store.ready.get() {
            return;
        }
        if let Some(notice) = probe::take_pool_notice() {
            let used = casualty::pool_size();
            if used > 0 {
                settings.update(|s| s.pool = used);
            }
            store.notices.update(|all| all.push(notice));
        }
    });

    // The size the setting asks for, when it is not the pool's: a reload is
    // needed. Nothing to offer before the pool has started, or when it could
    // not start at all (not isolated: no size would do).
    let reload_to = Memo::new(move |_| {
        if !store.ready.get() || store.env.with(|e| e.pool_error.is_some()) {
            return None;
        }
        let wanted = settings.with(|s| s.pool_size(cores.get()).0);
        (wanted != casualty::pool_size()).then_some(wanted)
    });

    view! {
        <Slider field=Field::Pool max=max />
        <p class="note">
            {move || format!(
                "Threads beyond the {} logical cores add lanes, not speed: the sweep shows it. At most {} ({} per core).",
                cores.get(),
                max.get(),
                POOL_PER_CORE
            )}
        </p>
        {move || {
            reload_to
                .get()
                .map(|n| {
                    view! {
                        <div class="pool-reload" role="status" data-pool-to=n>
                            <p>
                                {format!(
                                    "The pool is fixed once started: to run {n} threads, the page reloads and starts a new pool. Your settings stay in the address."
                                )}
                            </p>
                            <button class="small" on:click=move |_| url::reload_with(&settings.get_untracked())>
                                {format!("Reload with {n} threads")}
                            </button>
                        </div>
                    }
                })
        }}
    }
}

/// The shared counter's settings, shown while it is the workload: how the
/// threads update the counter, and how many updates each task makes.
#[component]
pub fn CounterControls() -> impl IntoView {
    let store = expect_context::<Store>();
    let never = Signal::derive(|| false);
    view! {
        <div class="counter-controls">
            <div class="choice-row">
                {choice_select!(store, "setting-strategy", "Strategy", "strategy", Strategy, strategy, never)}
            </div>
            <Slider field=Field::Updates />
            <p class="note">
                "Every task adds 1 to the counter this many times, on the pool's threads only: racing for a counter needs threads, and a busy lock makes a thread sleep, which the page's own thread may not."
            </p>
        </div>
    }
}
