//! The scenario's settings beyond the four modes (task sizes, assignment to
//! lanes, a serial reduce, the waits' distribution, handling after each
//! wait) and the pool's size, which only a reload can change.

use super::choice_select::{choice_select, never};
use super::slider::Slider;
use super::state::SettingsEditor;
use super::url;
use crate::engine::environment::Environment;
use crate::engine::plan::{
    Assignment, Field as Setting, MAX_LANES, POOL_PER_CORE, Settings, Sizes, Strategy, Waits,
    Workload,
};
use crate::runtime::{casualty, probe};
use leptos::prelude::*;
use reactive_stores::Field;

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
pub fn ScenarioControls(edit: SettingsEditor) -> impl IntoView {
    let settings = edit.settings;
    let workload = Memo::new(move |_| settings.with(|s| s.workload));
    let skewed = Memo::new(move |_| settings.with(|s| s.sizes == Sizes::Skewed));
    let no_compute = Signal::derive(move || !settings.with(Settings::computes));
    let no_waits = Signal::derive(move || !workload.get().waits());
    let not_io = Signal::derive(move || workload.get() != Workload::Io);
    let never_off = Signal::derive(|| false);
    let sizes = Memo::new(move |_| settings.with(|s| s.sizes));
    let assignment = Memo::new(move |_| settings.with(|s| s.assignment));
    let waits = Memo::new(move |_| settings.with(|s| s.waits));
    let open = settings.with_untracked(scenario_set);

    view! {
        <details class="advanced scenario" open=open>
            <summary>"Scenario"</summary>
            <div class="choice-row">
                {choice_select(
                    "setting-sizes",
                    "Task sizes",
                    sizes.into(),
                    Signal::derive(move || !workload.get().computes()),
                    never,
                    move |v: Sizes, _| edit.choose("sizes", |s| s.sizes = v),
                )}
                {choice_select(
                    "setting-assign",
                    "Assignment to lanes",
                    assignment.into(),
                    never_off,
                    never,
                    move |v: Assignment, _| edit.choose("assign", |s| s.assignment = v),
                )}
            </div>
            <Show when=move || skewed.get()>
                <Slider edit field=Setting::SkewEvery />
                <Slider edit field=Setting::SkewFactor />
            </Show>
            <p class="note">
                "Assignment applies to the Parallel mode. In Concurrent + parallel, tasks reach the lanes as their waits end, always from the shared queue."
            </p>
            <Slider edit field=Setting::SerialPct disabled=no_compute />
            <p class="note">"0 = no reduce. Otherwise one last task, after every other has ended, runs on one lane: the serial part of Amdahl's law."</p>
            <div class="choice-row">
                {choice_select(
                    "setting-waits",
                    "Waits",
                    waits.into(),
                    no_waits,
                    never,
                    move |v: Waits, _| edit.choose("waits", |s| s.waits = v),
                )}
            </div>
            <Slider edit field=Setting::HandleUs disabled=not_io />
            <p class="note">"I/O-bound tasks: computation after each wait, like a server handling a reply."</p>
            <Slider edit field=Setting::LockPct disabled=Signal::derive(move || !workload.get().computes()) />
            <p class="note">
                "CPU-bound and mixed tasks: this share of each task is computed holding one lock that every thread of the pool shares (the main thread never takes it). A thread waiting for it is drawn in dark red. Sweep threads to read the share back."
            </p>
        </details>
    }
}

/// The pool's size: a setting like the others, but the pool is fixed once
/// started, so a new size is offered as a reload, never done by surprise.
#[component]
pub fn PoolSetting(
    edit: SettingsEditor,
    #[prop(into)] env: Field<Environment>,
    #[prop(into)] ready: Field<bool>,
) -> impl IntoView {
    let settings = edit.settings;
    let cores = Signal::derive(move || env.with(|e| e.hardware_concurrency.max(1)));
    let max = Signal::derive(move || (cores.get().min(MAX_LANES) * POOL_PER_CORE).min(MAX_LANES));

    // The link asked for more threads than this machine allows: say so
    // once the pool has started, and show the size used in the setting.
    Effect::new(move |_| {
        if !ready.get() {
            return;
        }
        if let Some(notice) = probe::take_pool_notice() {
            let used = casualty::pool_size();
            if used > 0 {
                let mut next = settings.get_untracked();
                next.pool = used;
                edit.set_by_page(next);
            }
            // One notice for the pool setting: the link's value clamped to
            // the most any machine allows, then to what this one allows,
            // is said once, by the second.
            edit.renotice(Setting::Pool.key(), vec![notice]);
        }
    });

    // The size the setting asks for, when it is not the pool's: a reload is
    // needed. Nothing to offer before the pool has started, or when it could
    // not start at all (not isolated: no size would do).
    let reload_to = Memo::new(move |_| {
        if !ready.get() || env.with(|e| e.pool_error.is_some()) {
            return None;
        }
        let wanted = settings.with(|s| s.pool_size(cores.get()).0);
        (wanted != casualty::pool_size()).then_some(wanted)
    });

    view! {
        <Slider edit field=Setting::Pool max=max />
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
                            <button class="small" on:click=move |_| settings.with_untracked(url::reload_with)>
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
pub fn CounterControls(edit: SettingsEditor) -> impl IntoView {
    let strategy = Memo::new(move |_| edit.settings.with(|s| s.strategy));
    view! {
        <div class="counter-controls">
            <div class="choice-row">
                {choice_select(
                    "setting-strategy",
                    "Strategy",
                    strategy.into(),
                    Signal::derive(|| false),
                    never,
                    move |v: Strategy, _| edit.choose("strategy", |s| s.strategy = v),
                )}
            </div>
            <Slider edit field=Setting::Updates />
            <p class="note">
                "Every task adds 1 to the counter this many times, on the pool's threads only: racing for a counter needs threads, and a busy lock makes a thread sleep, which the page's own thread may not."
            </p>
        </div>
    }
}
