//! The page: its layout, start-up, and the links between the URL and the settings.

use super::compare_view::CompareView;
use super::controls::Controls;
use super::counter_view::{CounterView, LockShare};
use super::environment_panel::EnvironmentPanel;
use super::exports::Exports;
use super::learn::Learn;
use super::modes_timelines::ModesTimelines;
use super::notices::Notices;
use super::recorded_view::{Received, RecordedView};
use super::replay_view::{self, ReplayState, ReplayView};
use super::responsiveness::Responsiveness;
use super::speedup_view::SpeedupView;
use super::store::Store;
use super::timeline_view::TimelineView;
use super::url;
use crate::runtime::frame_loop;
use crate::runtime::lab::lab;
use crate::runtime::probe;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use_event_listener::use_event_listener;

#[component]
pub fn App() -> impl IntoView {
    let (settings, notices) = url::read();
    let store = Store::new(settings, notices, probe::quick());
    provide_context(store);
    let received = Received::new();
    provide_context(received);
    provide_context(ReplayState::new(store, received));

    // The URL follows the settings; history back/forward restores them.
    Effect::new(move |_| store.settings.with(url::write));
    let _ = use_event_listener(window(), ev::popstate, move |_| {
        let (settings, notices) = url::read();
        store.settings.set(settings);
        store.notices.set(notices);
    });

    // Every animation frame, first in the page's one frame loop: record it
    // for the run's frame statistics and for the replay's frame gaps. (The
    // ball, the live timeline and the replay subscribe after.)
    frame_loop::subscribe_while_mounted(move |timestamp| {
        let lab = lab();
        lab.on_frame(timestamp);
        replay_view::note_frame(lab.is_running());
    });

    spawn_local(async move {
        let env = store.env.get_untracked();
        let threads = env.hardware_concurrency.max(1);
        let env = probe::start(env, threads).await;
        // Fit a link's threads to the pool now that its size is known.
        let (settings, notice) = store.settings.get_untracked().fit_to_pool(env.pool_threads);
        if let Some(n) = notice {
            store.settings.set(settings.clone());
            store.notices.update(|all| all.push(n));
        }
        let threads = env.pool_threads;
        store.env.set(env);
        lab().warm_up(threads).await;
        store.ready.set(true);
    });

    view! {
        <header class="top">
            <h1>"conpar"</h1>
            <p class="tagline">"Concurrency and parallelism, measured in your own browser."</p>
        </header>
        <Notices />
        <main class="layout">
            <aside class="panel">
                <Controls />
                <Responsiveness />
                <EnvironmentPanel />
            </aside>
            <div class="results">
                <TimelineView />
                <ReplayView />
                <CompareView />
                <SpeedupView />
                <LockShare />
                <CounterView />
                <Exports />
                <ModesTimelines />
                <RecordedView />
            </div>
        </main>
        <Learn />
        <footer>
            <p>
                "conpar runs real work: async futures on the main thread, a rayon thread pool on Web Workers. Every number is measured here, now."
            </p>
        </footer>
    }
}
