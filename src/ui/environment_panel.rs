//! What this browser offers: isolation, cores, the pool, the clock.

use crate::charts::format_ms;
use crate::engine::environment::Environment;
use crate::engine::format::thousands;
use crate::runtime::casualty;
use leptos::prelude::*;
use reactive_stores::Field;

/// Reloads the page: the only way to get a pool thread back.
fn reload() {
    if let Some(w) = web_sys::window() {
        // Nothing useful to do if the browser refuses.
        let _ = w.location().reload();
    }
}

#[component]
pub fn EnvironmentPanel(#[prop(into)] env: Field<Environment>) -> impl IntoView {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    view! {
        <section class="card environment" aria-labelledby="env-title">
            <h2 id="env-title">"This browser"</h2>
            <dl>
                <dt>"Cross-origin isolated"</dt>
                <dd data-fact="isolated">{move || yes_no(env.with(|e| e.cross_origin_isolated))}</dd>
                <dt>"SharedArrayBuffer"</dt>
                <dd data-fact="sab">{move || if env.with(|e| e.shared_array_buffer) { "available" } else { "missing" }}</dd>
                <dt>"Logical cores (hardwareConcurrency)"</dt>
                <dd data-fact="cores">{move || env.with(|e| e.hardware_concurrency)}</dd>
                <dt>"Threads in the pool"</dt>
                <dd data-fact="pool">
                    {move || {
                        // `pool_threads` drops when a thread dies (ui::actions);
                        // the casualty count is read whenever it changes.
                        let lost = casualty::count();
                        env.with(|e| match (e.pool_threads, &e.pool_error) {
                            (n, _) if lost > 0 => format!("{n} of {} ({lost} stopped)", casualty::pool_size()),
                            (0, Some(_)) => "none".to_string(),
                            (0, None) => "starting…".to_string(),
                            (n, _) => n.to_string(),
                        })
                    }}
                </dd>
                <dt>"Pool threads per core"</dt>
                <dd data-fact="oversubscription">
                    {move || {
                        env.with(|e| {
                            let (pool, cores) = (casualty::pool_size(), e.hardware_concurrency.max(1));
                            if e.pool_threads == 0 {
                                "–".to_string()
                            } else if pool > cores {
                                format!("{pool} threads on {cores} logical cores: more threads than cores (oversubscribed)")
                            } else if pool == cores {
                                format!("{pool} threads on {cores} logical cores: one per core")
                            } else {
                                format!("{pool} threads on {cores} logical cores: fewer threads than cores")
                            }
                        })
                    }}
                </dd>
                <dt>"Pool start-up"</dt>
                <dd data-fact="pool-start">{move || env.with(|e| e.pool_start_ms.map_or("–".into(), format_ms))}</dd>
                <dt>"Timer resolution seen"</dt>
                <dd data-fact="timer">{move || env.with(|e| format!("{:.3} ms", e.timer_resolution_ms))}</dd>
                <dt title="Each kernel's speed on this page's main thread, measured when a run first needed it (or in the background after start-up): every run of that kernel turns its milliseconds of work into units at this rate">
                    "Kernel rates"
                </dt>
                <dd data-fact="rates" class="wide">
                    {move || {
                        env.with(|e| {
                            if e.rates.is_empty() {
                                return vec!["measured at the first run".to_string()];
                            }
                            e.rates
                                .iter()
                                .map(|r| {
                                    format!(
                                        "{}: {} units/ms, measured {} after load",
                                        r.kernel.name(),
                                        thousands(r.units_per_ms.round() as u64),
                                        format_ms(r.at_ms)
                                    )
                                })
                                .collect::<Vec<_>>()
                        })
                        .into_iter()
                        .map(|line| view! { <span class="rate">{line}</span> })
                        .collect_view()
                    }}
                </dd>
                <dt>"One cooperative yield"</dt>
                <dd data-fact="yield">
                    {move || env.with(|e| e.yield_cost_ms.map_or("–".into(), |c| format!("{} ({})", format_ms(c), e.yield_method)))}
                </dd>
            </dl>
            {move || env.with(|e| e.pool_error.clone()).map(|why| view! { <p class="message warning">{why}</p> })}
            {move || {
                let living = env.with(|e| e.pool_threads);
                let lost = casualty::count();
                (lost > 0)
                    .then(|| {
                        let threads = if lost == 1 { "A pool thread" } else { "Pool threads" };
                        view! {
                            <div class="message warning pool-lost" role="alert">
                                <p>
                                    {format!(
                                        "{threads} stopped for good (a panic), and the run that used it failed. \
                                         The browser cannot restart a thread: until you reload the page, \
                                         parallel runs use the {living} thread(s) left. Your settings are in the address bar."
                                    )}
                                </p>
                                <button class="small" on:click=move |_| reload()>"Reload"</button>
                            </div>
                        }
                    })
            }}
        </section>
    }
}
