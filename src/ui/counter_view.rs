//! The shared counter's results: what the latest run counted (expected,
//! actual, lost, time per update), the contention experiment (each strategy
//! on 1..n threads: a table and its speedups), the false-sharing factor,
//! and the lock share a sweep reads back. Figures come from
//! `engine::analysis`; this file only formats them.

use super::actions::Actions;
use super::choice_select::choice_select;
use super::speedup_view::SpeedupChart;
use super::state::{Busy, Runs};
use super::table_wrap::table_wrap;
use crate::charts::format_ms;
use crate::engine::analysis::{
    CounterRow, LockReading, false_sharing, lock_reading, lost_pct, points_of, row_of, speedups,
};
use crate::engine::environment::Environment;
use crate::engine::format::{count, thousands};
use crate::engine::lessons::false_sharing_sentence;
use crate::engine::plan::{Settings, Strategy, Workload};
use crate::engine::record::Trace;
use leptos::html::Canvas;
use leptos::prelude::*;
use reactive_stores::Field;
use std::sync::Arc;

/// The strategies the contention experiment runs, in its table's order.
const CONTENDED: [Strategy; 4] = [
    Strategy::Racy,
    Strategy::Atomic,
    Strategy::Mutex,
    Strategy::Local,
];

#[component]
pub fn CounterView(
    #[prop(into)] settings: Field<Settings>,
    #[prop(into)] latest: Field<Option<Arc<Trace>>>,
    /// The contention experiment's runs, with the settings they ran.
    #[prop(into)]
    contention: Field<Runs>,
    #[prop(into)] false_sharing: Field<Runs>,
    #[prop(into)] env: Field<Environment>,
    #[prop(into)] ready: Field<bool>,
    #[prop(into)] busy: Field<Option<Busy>>,
    actions: Actions,
) -> impl IntoView {
    let counter = Memo::new(move |_| settings.with(|s| s.workload == Workload::Counter));
    let latest = Memo::new(move |_| latest.with(|t| t.as_deref().and_then(CounterRow::of)));
    // The contention runs' settings: their chart is fitted with those,
    // whatever the page's settings are now.
    let ran_with = Memo::new(move |_| contention.with(|r| r.settings.clone()));
    let contention = Memo::new(move |_| contention.with(|r| CounterRow::all(&r.traces)));
    let pair = Memo::new(move |_| false_sharing.with(|r| CounterRow::all(&r.traces)));
    let shown = move || {
        counter.get()
            || latest.with(Option::is_some)
            || contention.with(|r| !r.is_empty())
            || pair.with(|r| !r.is_empty())
    };
    let busy = Signal::derive(move || busy.with(Option::is_some));
    let can_run = Signal::derive(move || {
        ready.get() && !busy.get() && counter.get() && env.with(|e| e.parallel_available())
    });
    let charted = RwSignal::new(Strategy::Mutex);
    let canvas = NodeRef::<Canvas>::new();
    let points = Signal::derive(move || contention.with(|rows| speedups(rows, charted.get())));
    let cores = Signal::derive(move || env.with(|e| e.hardware_concurrency));

    view! {
        <Show when=shown>
            <section class="card counter" aria-labelledby="counter-title">
                <div class="card-head">
                    <h2 id="counter-title">"Shared counter"</h2>
                </div>
                {move || latest.get().map(tally_view)}
                <div class="buttons">
                    <button
                        on:click=move |_| actions.contention()
                        disabled=move || !can_run.get()
                        title="Racy, atomic, mutex and local, each on 1, 2, … threads of the pool"
                    >
                        "Contention sweep"
                    </button>
                    <button
                        on:click=move |_| actions.false_sharing()
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
                    <div class="counter-chart-choice">
                        {choice_select(
                            "counter-chart-strategy",
                            "Strategy charted",
                            charted.into(),
                            Signal::derive(|| false),
                            // Side by side and padded are the false-sharing pair's.
                            |s: Strategy| !CONTENDED.contains(&s),
                            move |s, _| charted.set(s),
                        )}
                    </div>
                    <SpeedupChart
                        points=points
                        cores=cores
                        canvas=canvas
                        settings=ran_with
                        name="counter-speedup"
                        label="Speedup of the charted strategy by number of threads; below 1, more threads were slower"
                    />
                    <p class="caption">
                        "Speedup is the one-thread wall time over this one, for the same updates in all. Below 1×, more threads took longer than one: each update had to fetch the counter from another core, or wait for the lock."
                    </p>
                </Show>
                {move || false_sharing.with(|r| false_sharing_line(&r.traces))}
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
                <dd>{format!("{} on {}", t.strategy.label(), count(row.threads, "thread"))}</dd>
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

/// Strategy × threads: the time per update and the updates lost.
fn contention_table(rows: &[CounterRow]) -> impl IntoView + use<> {
    let mut threads: Vec<u32> = rows.iter().map(|r| r.threads).collect();
    threads.sort_unstable();
    threads.dedup();
    let head = threads
        .iter()
        .map(|&p| view! { <th scope="col">{count(p, "thread")}</th> })
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
        {table_wrap("Time per update and updates lost, by strategy and threads", view! {
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
        })}
    }
}

/// Adjacent against padded counters: the factor, and the sentence the
/// false-sharing lesson states (the engine's: a factor within noise says
/// no slowdown was measured, and past eight threads how many lines the
/// counters fill).
fn false_sharing_line(traces: &[Arc<Trace>]) -> Option<impl IntoView + use<>> {
    let (threads, factor) = false_sharing(&CounterRow::all(traces))?;
    let sentence = false_sharing_sentence(traces)?;
    Some(view! {
        <p class="false-sharing" data-threads=threads data-factor=factor>
            {sentence}
        </p>
    })
}

/// Under the speedup chart: the lock share the sweep ran with, against the
/// share its speedups give back.
#[component]
pub fn LockShare(
    /// The latest thread sweep, with the settings it ran.
    #[prop(into)]
    sweep: Field<Runs>,
) -> impl IntoView {
    let reading = Memo::new(move |_| {
        sweep.with(|r| lock_reading(r.settings.as_ref()?, &points_of(&r.traces)))
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
            LockReading::NotModelled { configured, why } => view! {
                <p class="lock-share" data-configured=configured data-read="">
                    {format!(
                        "Work under the lock: configured {:.0} %. Its share cannot be read back from this sweep: {why}",
                        configured * 100.0
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
