//! What this browser offers: isolation, cores, the pool, the clock.

use super::store::Store;
use crate::charts::format_ms;
use leptos::prelude::*;

#[component]
pub fn EnvironmentPanel() -> impl IntoView {
    let store = expect_context::<Store>();
    let env = store.env;
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
                        env.with(|e| match (e.pool_threads, &e.pool_error) {
                            (0, Some(_)) => "none".to_string(),
                            (0, None) => "starting…".to_string(),
                            (n, _) => n.to_string(),
                        })
                    }}
                </dd>
                <dt>"Pool start-up"</dt>
                <dd data-fact="pool-start">{move || env.with(|e| e.pool_start_ms.map_or("–".into(), format_ms))}</dd>
                <dt>"Timer resolution seen"</dt>
                <dd data-fact="timer">{move || env.with(|e| format!("{:.3} ms", e.timer_resolution_ms))}</dd>
                <dt>"One cooperative yield"</dt>
                <dd data-fact="yield">
                    {move || env.with(|e| e.yield_cost_ms.map_or("–".into(), |c| format!("{} ({})", format_ms(c), e.yield_method)))}
                </dd>
            </dl>
            {move || env.with(|e| e.pool_error.clone()).map(|why| view! { <p class="message warning">{why}</p> })}
        </section>
    }
}
