//! The page: its state, its layout, start-up, and the links between the URL
//! and the settings.

use super::actions::{Actions, saved_predict_first};
use super::compare_view::CompareView;
use super::controls::Controls;
use super::counter_view::CounterView;
use super::empty_card::after_paint;
use super::environment_panel::EnvironmentPanel;
use super::exports::Exports;
use super::learn::Learn;
use super::modes_timelines::ModesTimelines;
use super::notices::Notices;
use super::predict_first::PredictFirst;
use super::recorded_view::RecordedView;
use super::replay_source::{PageRuns, replayed};
use super::replay_view::ReplayView;
use super::responsiveness::Responsiveness;
use super::server_state::ServerState;
use super::server_view::ServerView;
use super::speedup_view::SpeedupView;
use super::state::{Page, PageStoreFields, SettingsEditor};
use super::timeline_view::TimelineView;
use super::training_state::TrainingState;
use super::training_view::TrainingView;
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
    // The server card's state, which Learn's server lessons share: its
    // numbers from the link, and in the URL as they change.
    let server = ServerState::new();
    let (asked, said) = url::read_server();
    if let Some(ask) = asked {
        server.ask.set(ask);
    }
    server.said.set(
        said.iter()
            .map(|n| format!("From the link: {n}."))
            .collect(),
    );
    provide_context(server);
    // The training card's numbers, from the link and in the URL, as the
    // server card's.
    let training = TrainingState::new();
    let (asked, said) = url::read_training();
    if let Some(ask) = asked {
        training.set_ask(ask);
    }
    training.said.set(
        said.iter()
            .map(|n| format!("From the link: {n}."))
            .collect(),
    );
    provide_context(training);
    Effect::new(move |_| url::write_training(&training.ask()));
    Effect::new(move |_| url::write_server(&server.ask.get()));
    let edit = SettingsEditor::of(page);
    let actions = Actions::new(page);
    page.predict_first().set(saved_predict_first());
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
    // A newcomer is offered two ways in; a page opened on an experiment (a
    // link with settings or a result) goes straight to it.
    let newcomer = !url::opened_on_experiment();
    // Learn and the deeper views wait for the page to be ready for runs, or
    // a second at most (a slow pool can take up to 15 s to start, and they
    // need none), and for its first paint as ready.
    let learn_due = RwSignal::new(false);
    set_timeout(
        move || learn_due.set(true),
        std::time::Duration::from_secs(1),
    );
    let later_built = after_paint(Signal::derive(move || ready.get() || learn_due.get()));
    view! {
        <header class="top">
            <h1>"conpar"</h1>
            <p class="tagline">
                "Run the same tasks one after another, taking turns on one thread, and on several threads at once: "
                "see and measure, in this browser, what concurrency and parallelism each buy."
            </p>
            <nav class="ways-in" aria-label="Where to start">
                <button class="primary" on:click=move |_| go_to("learn-title")>"Learn it step by step"</button>
                {newcomer.then(|| view! { <button on:click=move |_| go_to("experiment-title")>"Just run it"</button> })}
            </nav>
        </header>
        <Notices notices=page.notices() />
        // Reading order, the same at every width and for screen readers (it
        // is the DOM's; no CSS reorders it): the controls, then what the
        // last run shows, then the deeper views, then Learn. A new card goes
        // where it belongs in this list; e2e/layout.test.mjs checks the order.
        <main class="layout">
            <div class="panel">
                <Controls edit env=env ready=ready busy=busy message=page.message() actions>
                    <PredictFirst
                        on=page.predict_first()
                        asking=page.asking()
                        plain=page.plain()
                        settings=page.settings()
                        env=env
                        ready=ready
                        busy=busy
                        actions
                    />
                </Controls>
            </div>
            <div class="results">
                // What the last run shows.
                <TimelineView
                    latest=page.latest()
                    busy=busy
                    replay=page.replay()
                    shown=shown
                    predicted=page.predicted_time()
                />
                <Responsiveness latest=page.latest() />
                <CompareView comparison=page.comparison() />
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
                // Everything below the first results (the deeper views, the two
                // experiments of their own, the environment panel) is built
                // with Learn (below), a frame after the page has painted as
                // ready: built at mount, it held the ready page up by 20-40 ms
                // (docs/BENCHMARKS.md, start-up). On a wide screen several of
                // these cards are on the first screen; they arrive together,
                // below what is there, so nothing already drawn moves. A
                // result link is read once RecordedView is built.
                <Show when=move || later_built.get()>
                    <ModesTimelines comparison=page.comparison() />
                    <SpeedupView sweep=page.sweep() env=env predicted=page.predicted_speedup() />
                    <ReplayView page_runs=PageRuns::of(page) busy=busy replay=page.replay() shown=shown />
                    <RecordedView
                        received=page.received()
                        settings=page.settings()
                        comparison=page.comparison()
                        sweep=page.sweep()
                        latest=page.latest()
                        env=env
                        ready=ready
                        busy=busy
                        results=page.lessons()
                        actions
                    />
                    <Exports latest=page.latest() busy=busy message=page.message() env=env actions />
                    // A server's connections served three ways: an experiment of its own.
                    <ServerView env=env ready=ready />
                    // A model trained on every rung of the ladder, and on 1..p threads.
                    <TrainingView ready=ready env=env />
                    <EnvironmentPanel env=env />
                </Show>
            </div>
        </main>
        // Built once the page is ready for runs (or after a second) and has painted: Learn's
        // cards and quiz are the largest part of the page to build, and
        // before they held up the ready page (docs/BENCHMARKS.md, start-up).
        <Show when=move || later_built.get()>
            <Learn env=env ready=ready busy=busy results=page.lessons() actions />
        </Show>
        <footer>
            <p>
                "conpar runs real work: async futures on the main thread, a rayon thread pool on Web Workers. Every number is measured here, now."
            </p>
        </footer>
    }
}

/// Scrolls the heading `id` into view and moves the keyboard's focus there
/// (the heading has `tabindex="-1"`). Not a `#fragment` link: under the
/// site's `<base href>` one would reload the page without its settings, and
/// a fragment is where a result link travels.
fn go_to(id: &'static str) {
    go_to_within(id, 30);
}

/// [`go_to`], trying again every 100 ms up to `tries` times while the
/// heading is not built yet (Learn is built once the page is ready).
fn go_to_within(id: &'static str, tries: u32) {
    use wasm_bindgen::JsCast;
    let Some(heading) = document().get_element_by_id(id) else {
        if tries > 0 {
            set_timeout(
                move || go_to_within(id, tries - 1),
                std::time::Duration::from_millis(100),
            );
        }
        return;
    };
    heading.scroll_into_view();
    if let Ok(h) = heading.dyn_into::<web_sys::HtmlElement>() {
        let _ = h.focus();
    }
}
