//! The server card (the goroutines example): the same connections served
//! one loop on the main thread (Node.js), a loop per pool thread pinned
//! (Node's cluster mode), and M:N with stealing (Go, tokio); per way the
//! requests per second, the scheduled time's p50 and p99, steals, each
//! loop's idle share and longest queue, a latency histogram, and the
//! sentence they support. Figures come from `engine::record::Served` and
//! `engine::analysis::served_sentence`; this file only formats them.

use super::download;
use super::served_timelines::ServedTimelines;
use super::server_share::ServerShare;
use super::server_state::ServerState;
use super::table_wrap::table_wrap;
use crate::charts::latency::{LatencySeries, draw_latency};
use crate::charts::run_queue::{QueueBand, draw_run_queues, run_queue_height};
use crate::charts::{Theme, format_ms, task_colour};
use crate::engine::analysis::served_sentence;
use crate::engine::environment::Environment;
use crate::engine::format::thousands;
use crate::engine::plan::{CONNECTIONS, HANDLER_MS, MESSAGES, WAIT_MEAN_MS, Way};
use crate::engine::record::{
    QUEUE_STEP_MS, Served, ServedOutcome, checksum_reference, latency_edges,
};
use crate::engine::travel::{served_chrome_trace, served_report_json};
use crate::runtime::canvas::draw_hidpi;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_preferences::use_preferred_dark;
use reactive_stores::Field;

#[component]
pub fn ServerView(
    #[prop(into)] env: Field<Environment>,
    #[prop(into)] ready: Field<bool>,
) -> impl IntoView {
    let state = expect_context::<ServerState>();
    let ServerState {
        ask,
        runs,
        serving,
        said,
        received,
        ..
    } = state;
    // The charts are drawn once every way has been served: drawn after each
    // way, they took the main thread's share of a core from the next way's
    // loops (the timelines sort and draw thousands of spans), and the
    // figures of the ways served second and third fell (M:N against one
    // loop 1.73-1.94 instead of about 2 on 2 cores).
    let settled =
        Signal::derive(move || serving.with(Option::is_none) && runs.with(|r| !r.is_empty()));
    // Runs from a link carry their figures and run queues, not their spans.
    let has_timelines = Memo::new(move |_| runs.with(|r| r.iter().any(|s| !s.is_summary())));
    let has_queues = Memo::new(move |_| {
        runs.with(|r| {
            r.iter()
                .any(|s| s.loops.iter().any(|l| !l.queue_track.is_empty()))
        })
    });
    let can_serve = Signal::derive(move || ready.get() && serving.with(Option::is_none));
    let serve = move || {
        state.serve(&env.get_untracked(), Way::ALL.to_vec(), |_| ());
    };

    // The runs shown, as a file; a failure to save is said where the
    // card says what became of a serve.
    let save = move |name: &'static str, make: &dyn Fn(&[Served]) -> String| {
        let text = runs.with_untracked(|r| make(r));
        if let Err(why) = download::text(name, "application/json", &text) {
            said.set(vec![format!("Could not save {name}: {why}")]);
        }
    };
    let canvas = NodeRef::<Canvas>::new();
    let dark = use_preferred_dark();
    Effect::new(move |_| {
        let theme = Theme::for_dark(dark.get());
        let Some(canvas) = canvas.get() else { return };
        runs.with(|runs| {
            let max = runs
                .iter()
                .filter_map(|s| s.scheduled_quantile(1.0))
                .fold(0.0, f64::max);
            let edges = latency_edges(max);
            let series: Vec<LatencySeries> = runs
                .iter()
                .map(|s| LatencySeries {
                    label: short(s.way).into(),
                    colour: task_colour(way_index(s.way)),
                    counts: s.scheduled_histogram(&edges),
                })
                .collect();
            let _ = draw_hidpi(&canvas, 260, |a| draw_latency(a, &series, &edges, &theme));
        });
    });

    view! {
        <section class="card server" aria-labelledby="server-title">
            <div class="card-head">
                <h2 id="server-title" tabindex="-1">"Serving many connections"</h2>
            </div>
            <p class="note">
                "Each connection sends messages; each message waits (the network), then its handler computes. "
                "The same connections, served three ways: one event loop (Node.js), a loop per thread with each connection pinned to one (Node's cluster mode, nginx), "
                "and a loop per thread that takes ready work from busy ones (Go's goroutines, tokio)."
            </p>
            <div class="server-form">
                {number_input("Connections", "server-connections", 1.0, move || f64::from(ask.get().connections),
                    move |v| ask.update(|a| a.connections = v.round().clamp(0.0, f64::from(u32::MAX)) as u32),
                    (f64::from(CONNECTIONS.0), f64::from(CONNECTIONS.1)))}
                {number_input("Messages per connection", "server-messages", 1.0, move || f64::from(ask.get().messages),
                    move |v| ask.update(|a| a.messages = v.round().clamp(0.0, f64::from(u32::MAX)) as u32),
                    (f64::from(MESSAGES.0), f64::from(MESSAGES.1)))}
                {number_input("Handler (ms of computation)", "server-handler", 0.01, move || ask.get().handler_ms,
                    move |v| ask.update(|a| a.handler_ms = v), HANDLER_MS)}
                {number_input("Mean wait (ms)", "server-wait", 1.0, move || ask.get().wait_mean_ms,
                    move |v| ask.update(|a| a.wait_mean_ms = v), WAIT_MEAN_MS)}
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || ask.get().hot
                        on:change=move |ev| ask.update(|a| a.hot = event_target_checked(&ev))
                    />
                    {format!("One hot connection (its handlers compute {}× as much)", crate::engine::plan::HOT_FACTOR)}
                </label>
            </div>
            <p class="note">
                {move || format!(
                    "About {} of handlers in all (an estimate from the settings).",
                    format_ms(ask.get().compute_ms())
                )}
            </p>
            <div class="buttons">
                <button class="primary" on:click=move |_| serve() disabled=move || !can_serve.get()>
                    "Serve three ways"
                </button>
                <button on:click=move |_| state.stop() disabled=move || serving.with(Option::is_none)>
                    "Stop serving"
                </button>
            </div>
            <p class="server-status" role="status" aria-live="polite">
                {move || serving.get().map(|w| format!("Serving: {}…", w.label()))}
                {move || said.get().join(" ")}
            </p>
            {move || received.get().map(|m| view! {
                <p class="message info server-received">
                    {format!(
                        "These runs came in a link: measured on {} (a pool of {} threads), serving {}. Nothing of them ran here; Serve three ways measures them on this machine.",
                        m.describe(),
                        m.pool_threads,
                        state.served_with.get().map_or_else(String::new, |a| a.describe())
                    )}
                </p>
            })}
            <Show when=move || runs.with(|r| !r.is_empty())>
                <p class="note">
                    "Requests per second of wall time; p50 and p99: the scheduled time (a wait's end to its handler's start) "
                    "that half and 99 % of messages stayed within; idle: each loop's share of the run not in a handler."
                </p>
                {move || runs.with(|r| served_table(r))}
                <p class="server-sentence">{move || runs.with(|r| served_sentence(r))}</p>
            </Show>
            <Show when=move || settled.get()>
                <h3 class="server-timelines">"Scheduled times"</h3>
                <canvas
                    node_ref=canvas
                    data-name="server-latency"
                    role="img"
                    aria-label="Histogram of the messages' scheduled times, per way served"
                ></canvas>
                <Show
                    when=move || has_timelines.get()
                    fallback=|| view! {
                        <p class="note server-no-timelines">
                            "A link carries each run's figures and run queues, not its timelines: serve here to see each loop over time."
                        </p>
                    }
                >
                <h3 class="server-timelines">"Each way's loops over time"</h3>
                <p class="note">
                    "One row per thread. Solid: a handler computing (a colour per connection); pale, below: messages waiting for their timer on that loop "
                    "(past a few hundred at once, a band whose shade says how many); "
                    <span class="steal-mark" aria-hidden="true">"▼"</span>
                    " a loop taking work from another (a steal). The main thread's row stays empty while the loops run on the pool."
                </p>
                <ServedTimelines runs=runs dark=dark />
                </Show>
                <Show when=move || has_queues.get()>
                    <h3 class="server-queues">"Run queues over time"</h3>
                    <p class="note">
                        "Each loop's band: the most messages waiting in its queue as one of its handlers began, millisecond by millisecond."
                    </p>
                </Show>
            </Show>
            {move || {
                settled.get().then(|| runs.with(|r| {
                    // One time axis for every way, so that their lengths compare.
                    let x_max = r.iter().map(|s| s.wall_ms).fold(0.0, f64::max);
                    r.iter()
                        .filter(|s| s.loops.iter().any(|l| !l.queue_track.is_empty()))
                        .map(|s| queue_chart(s, x_max, dark))
                        .collect_view()
                }))
            }}
            <Show when=move || runs.with(|r| !r.is_empty())>
                <div class="buttons">
                    // A report and a trace are of runs measured here: this
                    // page's environment, their spans.
                    <Show when=move || received.with(Option::is_none)>
                        <button
                            class="small"
                            disabled=move || serving.with(Option::is_some)
                            on:click=move |_| {
                                let asked = state.served_with.get_untracked().unwrap_or_else(|| ask.get_untracked());
                                save("conpar-server-report.json", &|r| served_report_json(&asked, &env.get_untracked(), r))
                            }
                        >
                            "Server report (JSON)"
                        </button>
                        <button
                            class="small"
                            disabled=move || serving.with(Option::is_some)
                            on:click=move |_| save("conpar-server-trace.json", &|r| served_chrome_trace(r))
                        >
                            "Server trace for Perfetto / DevTools"
                        </button>
                    </Show>
                    <ServerShare env=env />
                </div>
            </Show>
        </section>
    }
}

/// One way's run queues, a band per loop (see charts/run_queue.rs).
fn queue_chart(s: &Served, x_max: f64, dark: Signal<bool>) -> impl IntoView + use<> {
    let bands: Vec<QueueBand> = s
        .loops
        .iter()
        .map(|l| QueueBand {
            // As the timeline names the lane: the thread that ran the loop.
            label: capitalised(&l.lane.to_string()),
            colour: task_colour(way_index(s.way)),
            points: l.queue_track.clone(),
        })
        .collect();
    let way = s.way;
    let height = run_queue_height(bands.len());
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let theme = Theme::for_dark(dark.get());
        if let Some(canvas) = canvas.get() {
            let _ = draw_hidpi(&canvas, height, |a| {
                draw_run_queues(a, &bands, x_max, QUEUE_STEP_MS, &theme)
            });
        }
    });
    view! {
        <figure class="run-queues">
            <figcaption>{way.label()}</figcaption>
            <canvas
                node_ref=canvas
                data-name="server-queues"
                data-way=way.name()
                role="img"
                aria-label=format!("{}: each loop's run queue over the run", way.label())
            ></canvas>
        </figure>
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn way_index(way: Way) -> u32 {
    way.index() as u32
}

fn short(way: Way) -> &'static str {
    match way {
        Way::OneLoop => "One loop",
        Way::Pinned => "Pinned loops",
        Way::Stealing => "M:N stealing",
    }
}

/// A labelled number field: what is typed goes through `set`, and the
/// server's clamping says what became of it when it runs.
fn number_input(
    label: &'static str,
    id: &'static str,
    step: f64,
    get: impl Fn() -> f64 + Send + Sync + 'static,
    set: impl Fn(f64) + Send + Sync + 'static,
    (min, max): (f64, f64),
) -> impl IntoView {
    // Its own value only: a change to another field must not write this
    // one's value back over what is being typed here.
    let value = Memo::new(move |_| get());
    view! {
        <label class="server-field" for=id>
            <span>{label}</span>
            <input
                type="number"
                id=id
                min=min
                max=max
                step=step
                prop:value=move || value.get().to_string()
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).trim().parse::<f64>() {
                        set(v);
                    }
                }
            />
        </label>
    }
}

fn served_table(runs: &[Served]) -> impl IntoView + use<> {
    // The first way's checksum: every way computes the same handlers, so
    // equal checksums say each ran every one once.
    let reference = checksum_reference(runs);
    let rows = runs
        .iter()
        .map(|s| {
            let p = |q| s.scheduled_quantile(q).map_or("–".into(), format_ms);
            let idle = s
                .idle_shares()
                .iter()
                .map(|x| format!("{:.0} %", x * 100.0))
                .collect::<Vec<_>>()
                .join(", ");
            let agrees = s.agrees_with(reference.map(|(_, c)| c));
            let outcome = match (&s.outcome, reference) {
                (ServedOutcome::Completed, _) if !s.checksum_matches() => {
                    format!(
                        "{} handled of {}",
                        thousands(s.handled()),
                        thousands(s.expected)
                    )
                }
                (ServedOutcome::Completed, Some((w, _))) if w == s.way => {
                    format!("all {}", thousands(s.handled()))
                }
                (ServedOutcome::Completed, Some((w, _))) if agrees => {
                    format!(
                        "all {}, checksum as {}'s",
                        thousands(s.handled()),
                        short(w).to_lowercase()
                    )
                }
                (ServedOutcome::Completed, _) => {
                    "all, but the checksum differs: a handler ran twice or not at all".into()
                }
                (ServedOutcome::Stopped, _) if s.stopped_before_it_began() => {
                    "stopped before it began".to_string()
                }
                (ServedOutcome::Stopped, _) => format!(
                    "stopped: {} of {}{}",
                    thousands(s.handled()),
                    thousands(s.expected),
                    s.stop_latency_ms
                        .map(|ms| format!(", {} after Stop", format_ms(ms)))
                        .unwrap_or_default()
                ),
                (ServedOutcome::Failed(why), _) => format!("failed: {why}"),
            };
            view! {
                <tr
                    data-way=s.way.name()
                    data-handled=s.handled()
                    data-checksum=s.checksum().to_string()
                    data-complete=agrees.to_string()
                    data-requests-per-s=s.requests_per_s()
                    data-p99=s.scheduled_quantile(0.99).unwrap_or(f64::NAN)
                    data-steals=s.steals()
                    data-start=s.start_ms
                    data-wall=s.wall_ms
                    data-stop-latency=s.stop_latency_ms.map(|x| x.to_string())
                >
                    <th scope="row">{s.way.label()}</th>
                    <td class="num">{s.loops.len()}</td>
                    <td class="num">{thousands(s.requests_per_s().round() as u64)}</td>
                    <td class="num">{p(0.5)}</td>
                    <td class="num">{p(0.99)}</td>
                    <td class="num">{thousands(s.steals())}</td>
                    <td>{idle}</td>
                    <td class="num">{thousands(s.longest_queue())}</td>
                    <td>{outcome}</td>
                </tr>
            }
        })
        .collect_view();
    table_wrap(
        "The server's runs, way by way",
        view! {
            <table class="served">
                <caption>"The server's runs, way by way"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Way"</th>
                        <th scope="col">"Loops"</th>
                        <th scope="col">"Requests/s"</th>
                        <th scope="col">"p50"</th>
                        <th scope="col">"p99"</th>
                        <th scope="col">"Steals"</th>
                        <th scope="col">"Idle per loop"</th>
                        <th scope="col">"Longest queue"</th>
                        <th scope="col">"Handled"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        },
    )
}
