//! The shared counter's results: what the latest run counted (expected,
//! actual, lost, time per update), the contention experiment (each strategy
//! on 1..n threads: a table and its speedups), the false-sharing factor,
//! and the lock share a sweep reads back. Figures come from
//! `engine::shared_counter`; this file only formats them.

use super::actions;
use super::speedup_view::SpeedupChart;
use super::store::Store;
use crate::charts::format_ms;
use crate::engine::analysis::sweep_points;
use crate::engine::analysis::{
    CounterRow, LockReading, false_sharing, lock_reading, lost_pct, row_of, speedups,
};
use crate::engine::format::thousands;
use crate::engine::plan::Strategy;
use crate::engine::plan::Workload;
use leptos::html::Canvas;
use leptos::prelude::*;

/// The strategies the contention experiment runs, in its table's order.
const CONTENDED: [Strategy; 4] = [
    Strategy::Racy,
    Strategy::Atomic,
    Strategy::Mutex,
    Strategy::Local,
];

#[component]
pub fn CounterView() -> impl IntoView {
    let store = expect_context::<Store>();
    let counter = Memo::new(move |_| store.settings.with(|s| s.workload == Workload::Counter));
    let latest = Memo::new(move |_| store.trace.with(|t| t.as_ref().and_then(CounterRow::of)));
    let contention = Memo::new(move |_| store.contention.with(|t| CounterRow::all(t)));
    let pair = Memo::new(move |_| store.false_sharing.with(|t| CounterRow::all(t)));
    let shown = move || {
        counter.get()
            || latest.with(Option::is_some)
            || contention.with(|r| !r.is_empty())
            || pair.with(|r| !r.is_empty())
    };
    let busy = Signal::derive(move || store.busy.with(Option::is_some));
    let can_run = Signal::derive(move || {
        store.ready.get()
            && !busy.get()
            && counter.get()
            && store.env.with(|e| e.parallel_available())
    });
    let charted = RwSignal::new(Strategy::Mutex);
    let canvas = NodeRef::<Canvas>::new();
    let points = Signal::derive(move || contention.with(|rows| speedups(rows, charted.get())));
    let cores = Signal::derive(move || store.env.with(|e| e.hardware_concurrency));

    view! {
        <Show when=shown>
            <section class="card counter" aria-labelledby="counter-title">
                <div class="card-head">
                    <h2 id="counter-title">"Shared counter"</h2>
                </div>
                {move || latest.get().map(tally_view)}
                <div class="buttons">
                    <button
                        on:click=move |_| actions::contention(store)
                        disabled=move || !can_run.get()
                        title="Racy, atomic, mutex and local, each on 1, 2, … threads of the pool"
                    >
                        "Contention sweep"
                    </button>
                    <button
                        on:click=move |_| actions::false_sharing(store)
                        disabled=move || !can_run.get()
                        title="Per-lane counters side by side, then padded apart, on every thread of the pool"
                    >
                        "False sharing"
                    </button>
                </div>
                <Show when=move || !counter.get()>
                    <p class="note">"Choose the Shared counter workload to run these."</p>
                </Show>
                <Show when=move || contention.with(|r| !r.is_empty())>
                    {move || contention.with(|rows| contention_table(rows))}
                    <label class="counter-chart-choice">
                        <span>"Speedup of"</span>
                        <select
                            id="counter-chart-strategy"
                            aria-label="Strategy charted"
                            prop:value=move || charted.get().name()
                            on:change=move |ev| {
                                if let Some(s) = Strategy::from_name(&event_target_value(&ev)) {
                                    charted.set(s);
                                }
                            }
                        >
                            {CONTENDED
                                .into_iter()
                                .map(|s| view! { <option value=s.name() selected=move || charted.get() == s>{s.label()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <SpeedupChart
                        points=points
                        cores=cores
                        canvas=canvas
                        settings=Signal::derive(move || Some(store.settings.get()))
                        name="counter-speedup"
                        label="Speedup of the charted strategy by number of threads; below 1, more threads were slower"
                    />
                    <p class="caption">
                        "Speedup is the one-thread wall time over this one, for the same updates in all. Below 1×, more threads took longer than one: each update had to fetch the counter from another core, or wait for the lock."
                    </p>
                </Show>
                {move || pair.with(|rows| false_sharing_line(rows))}
            </section>
        </Show>
    }
}

/// The latest counter run: what it should have counted, what it did, and
/// what an update cost.
fn tally_view(row: CounterRow) -> impl IntoView {
    let t = row.tally;
    let any_lost = t.lost() > 0;
    view! {
        <dl
            class="tally"
            data-strategy=t.strategy.name()
            data-threads=row.threads
            data-expected=t.expected
            data-actual=t.actual
            data-lost=t.lost()
            data-ns=row.ns_per_update
        >
            <div>
                <dt>"Strategy"</dt>
                <dd>{format!("{} on {} thread{}", t.strategy.label(), row.threads, plural(row.threads))}</dd>
            </div>
            <div>
                <dt>"Expected total"</dt>
                <dd class="num">{thousands(t.expected)}</dd>
            </div>
            <div>
                <dt>"Actual total"</dt>
                <dd class="num">{thousands(t.actual)}</dd>
            </div>
            <div class:lost=any_lost>
                <dt>"Updates lost"</dt>
                <dd class="num">{format!("{} ({:.1} %)", thousands(t.lost()), lost_pct(&t))}</dd>
            </div>
            <div>
                <dt title="The threads' computing time over the updates made">"Time per update"</dt>
                <dd class="num">{format!("{:.1} ns", row.ns_per_update)}</dd>
            </div>
            <div>
                <dt>"Wall time"</dt>
                <dd class="num">{format_ms(row.makespan_ms)}</dd>
            </div>
        </dl>
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Strategy × threads: the time per update and the updates lost.
fn contention_table(rows: &[CounterRow]) -> impl IntoView + use<> {
    let mut threads: Vec<u32> = rows.iter().map(|r| r.threads).collect();
    threads.sort_unstable();
    threads.dedup();
    let head = threads
        .iter()
        .map(|&p| view! { <th scope="col">{format!("{p} thread{}", plural(p))}</th> })
        .collect_view();
    let body = CONTENDED
        .into_iter()
        .filter(|&s| rows.iter().any(|r| r.tally.strategy == s))
        .map(|s| {
            let cells = threads
                .iter()
                .map(|&p| match row_of(rows, s, p) {
                    Some(r) => view! {
                        <td
                            class="num"
                            data-strategy=s.name()
                            data-threads=p
                            data-ns=r.ns_per_update
                            data-lost=r.tally.lost()
                            data-expected=r.tally.expected
                        >
                            {format!("{:.1} ns", r.ns_per_update)}
                            <br />
                            <small>{format!("{} lost", thousands(r.tally.lost()))}</small>
                        </td>
                    }
                    .into_any(),
                    None => view! { <td class="num">"–"</td> }.into_any(),
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{s.label()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="contention">
                <caption>"Time per update (the threads' computing time over the updates made) and updates lost"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Strategy"</th>
                        {head}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// Adjacent against padded counters, the factor stated.
fn false_sharing_line(rows: &[CounterRow]) -> Option<impl IntoView + use<>> {
    let (threads, factor) = false_sharing(rows)?;
    let adjacent = row_of(rows, Strategy::Adjacent, threads)?;
    let padded = row_of(rows, Strategy::Padded, threads)?;
    Some(view! {
        <p class="false-sharing" data-threads=threads data-factor=factor>
            {format!(
                "On {threads} thread{}: counters side by side in one cache line took {:.1} ns per update, padded 128 bytes apart {:.1} ns. Side by side was {factor:.1}× as slow, though no thread ever touched another's counter.",
                plural(threads),
                adjacent.ns_per_update,
                padded.ns_per_update
            )}
        </p>
    })
}

/// Under the speedup chart: the lock share the sweep ran with, against the
/// share its speedups give back.
#[component]
pub fn LockShare() -> impl IntoView {
    let store = expect_context::<Store>();
    let reading = Memo::new(move |_| {
        store.sweep_settings.with(|s| {
            let s = s.as_ref()?;
            store.sweep.with(|runs| {
                let makespans: Vec<(u32, f64)> =
                    runs.iter().map(|t| (t.lanes, t.duration_ms)).collect();
                lock_reading(s, &sweep_points(&makespans))
            })
        })
    });
    move || {
        reading.get().map(|r| match r {
            LockReading::Read { configured, read } => view! {
                <p class="lock-share" data-configured=configured data-read=read>
                    {format!(
                        "Work under the lock: configured {:.0} %, read back from the sweep {:.0} %. Once the lock is the limit, more threads cannot help: the locked parts run one after another.",
                        configured * 100.0,
                        read * 100.0
                    )}
                </p>
            }
            .into_any(),
            LockReading::Unreadable { configured, threads } => view! {
                <p class="lock-share" data-configured=configured data-read="">
                    {format!(
                        "Work under the lock: configured {:.0} %, about 1/{threads} of each task or less: on {threads} threads the threads, not the lock, were the limit, so the share cannot be read back on this many threads.",
                        configured * 100.0
                    )}
                </p>
            }
            .into_any(),
        })
    }
}
