//! The page: its state, its layout, start-up, and the links between the URL
//! and the settings.

use super::actions::Actions;
use super::compare_view::CompareView;
use super::controls::Controls;
use super::counter_view::{CounterView, LockShare};
use super::environment_panel::EnvironmentPanel;
use super::exports::Exports;
use super::learn::Learn;
use super::modes_timelines::ModesTimelines;
use super::notices::Notices;
use super::recorded_view::RecordedView;
use super::replay_source::{PageRuns, replayed};
use super::replay_view::ReplayView;
use super::responsiveness::Responsiveness;
use super::speedup_view::SpeedupView;
use super::state::{Page, PageStoreFields, SettingsEditor};
use super::timeline_view::TimelineView;
use super::url;
use crate::engine::environment::KernelRate;
use crate::runtime::frame_loop;
use crate::runtime::lab::lab;
use crate::runtime::probe;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use_event_listener::use_event_listener;
use reactive_stores::Store;

#[component]
pub fn App() -> impl IntoView {
    let (settings, notices) = url::read();
    let page = Store::new(Page::new(settings, notices, probe::quick()));
    let edit = SettingsEditor::of(page);
    let actions = Actions::new(page);
    // The run the timeline shows during a replay.
    let shown = replayed(page);

    // The URL follows the settings; history back/forward restores them.
    Effect::new(move |_| edit.write_url());
    let _ = use_event_listener(window(), ev::popstate, move |_| {
        let (settings, notices) = url::read();
        edit.set_by_page(settings);
        page.notices().set(notices);
    });

    // Every animation frame, first in the page's one frame loop: the lab
    // records it (for the run's frame statistics and the replay's frame
    // gaps). The ball, the live timeline and the replay subscribe after.
    frame_loop::subscribe_while_mounted(move |timestamp| lab().on_frame(timestamp));

    // Each kernel's rate, as it is measured: the page says what a run used.
    lab().on_calibrated(move |c| {
        page.env().update(|e| {
            e.rates.push(KernelRate {
                kernel: c.kernel,
                units_per_ms: c.rate.units_per_ms,
                at_ms: c.at_ms,
            });
        });
    });

    spawn_local(async move {
        let env = page.env().get_untracked();
        let threads = env.hardware_concurrency.max(1);
        let env = probe::start(env, threads).await;
        // Fit a link's threads to the pool now that its size is known.
        let (settings, notice) = page
            .settings()
            .get_untracked()
            .fit_to_pool(env.pool_threads);
        if let Some(n) = notice {
            edit.set_by_page(settings);
            page.notices().update(|all| all.push(n));
        }
        let threads = env.pool_threads;
        page.env().set(env);
        // Ready for runs now: a kernel not yet calibrated and warmed up is
        // so by its first run; the rest is done in the background, the
        // page's kernel first.
        page.ready().set(true);
        probe::mark("ready");
        // Not before the page has painted as ready: the calibrations block
        // the main thread for a tenth of a second each.
        let _ = wasm_bindgen_futures::JsFuture::from(crate::runtime::yielding::after_ms(100)).await;
        let first = page.settings().with_untracked(|s| s.kernel);
        let yields = async move {
            let (method, cost) = probe::measure_yields().await;
            page.env().update(|e| {
                e.yield_method = method;
                e.yield_cost_ms = Some(cost);
            });
        };
        lab().prepare_all(first, threads, yields).await;
        probe::mark("prepared");
    });

    let env = page.env();
    let ready = page.ready();
    let busy = page.busy();
    view! {
        <header class="top">
            <h1>"conpar"</h1>
            <p class="tagline">"Concurrency and parallelism, measured in your own browser."</p>
        </header>
        <Notices notices=page.notices() />
        <main class="layout">
            <aside class="panel">
                <Controls edit env=env ready=ready busy=busy message=page.message() actions />
                <Responsiveness latest=page.latest() />
                <EnvironmentPanel env=env />
            </aside>
            <div class="results">
                <TimelineView latest=page.latest() busy=busy replay=page.replay() shown=shown />
                <ReplayView page_runs=PageRuns::of(page) busy=busy replay=page.replay() shown=shown />
                <CompareView comparison=page.comparison() />
                <SpeedupView sweep=page.sweep() env=env />
                <LockShare sweep=page.sweep() />
                <CounterView
                    settings=page.settings()
                    latest=page.latest()
                    contention=page.contention()
                    false_sharing=page.false_sharing()
                    env=env
                    ready=ready
                    busy=busy
                    actions
                />
                <Exports latest=page.latest() busy=busy message=page.message() env=env actions />
                <ModesTimelines comparison=page.comparison() />
                <RecordedView
                    received=page.received()
                    settings=page.settings()
                    comparison=page.comparison()
                    sweep=page.sweep()
                    latest=page.latest()
                    env=env
                    ready=ready
                    busy=busy
                    actions
                />
            </div>
        </main>
        <Learn env=env ready=ready busy=busy results=page.lessons() actions />
        <footer>
            <p>
                "conpar runs real work: async futures on the main thread, a rayon thread pool on Web Workers. Every number is measured here, now."
            </p>
        </footer>
    }
}
