//! The modes side by side on one task set: a chart of wall and CPU time, and
//! a table of what each mode achieved.

use super::download;
use super::empty_card::EmptyCard;
use super::table_wrap::table_wrap;
use crate::charts::compare::{CompareBar, draw_compare};
use crate::charts::{Theme, draw_placeholder, format_ms};
use crate::engine::analysis::Comparison;
use crate::engine::analysis::Row;
use crate::engine::format::count;
use crate::engine::record::{LaneUse, Outcome, PoolUse};
use crate::runtime::canvas::draw_hidpi;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_preferences::use_preferred_dark;
use reactive_stores::Field;

#[component]
pub fn CompareView(#[prop(into)] comparison: Field<Comparison>) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let dark = use_preferred_dark();
    let rows = Memo::new(move |_| comparison.with(|c| c.rows()));

    Effect::new(move |_| {
        let theme = Theme::for_dark(dark.get());
        let rows = rows.get();
        let Some(canvas) = canvas.get() else { return };
        // Before any comparison the card is one line (no canvas); a new one
        // clears the last as it starts, until its first mode ends.
        if rows.is_empty() {
            let _ = draw_hidpi(&canvas, 280, |a| {
                draw_placeholder(a, &theme, "Comparing: each mode appears here as it ends.")
            });
            return;
        }
        let bars: Vec<CompareBar> = rows
            .iter()
            .map(|r| CompareBar {
                label: r.trace.mode.label().into(),
                short_label: r.trace.mode.short_label().into(),
                makespan_ms: r.stats.makespan_ms,
                cpu_ms: r.stats.cpu_ms,
                idle_ms: r
                    .stats
                    .pool
                    .as_ref()
                    .map(|p| p.lanes.iter().map(|l| l.idle_ms).collect()),
            })
            .collect();
        let _ = draw_hidpi(&canvas, 280, |a| draw_compare(a, &bars, &theme));
    });

    // Empty only until the first result: a new comparison or sweep clears
    // the old one as it starts, and the card stays, not the line in its place.
    let filled = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false) || !rows.with(Vec::is_empty)
    });
    view! {
        <Show
            when=move || filled.get()
            fallback=|| view! { <EmptyCard class="compare" title_id="compare-title" title="Modes compared" hint="Compare all modes: times side by side." /> }
        >
        <section class="card compare" aria-labelledby="compare-title">
            <div class="card-head">
                <h2 id="compare-title">"Modes compared"</h2>
                <button
                    class="small"
                    on:click=move |_| {
                        if let Some(c) = canvas.get() {
                            let _ = download::png("conpar-modes.png", &c);
                        }
                    }
                >
                    "PNG"
                </button>
            </div>
            <div class="canvas-wrap">
                <canvas node_ref=canvas role="img" aria-label="Wall time and CPU time of each mode"></canvas>
            </div>
            {table_wrap("The modes compared, figure by figure", view! {
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Mode"</th>
                            <th scope="col">"Threads"</th>
                            <th scope="col">"Wall time"</th>
                            <th scope="col">"CPU time"</th>
                            <th scope="col" title="Sequential wall time / this wall time; for the parallel mode, per thread (efficiency)">
                                "Speedup"
                            </th>
                            <th scope="col" title="Most tasks in flight at once">"Peak overlap"</th>
                            <th scope="col" title="Time the main thread spent computing">"Main thread blocked"</th>
                            <th scope="col" title="Longest time between two painted frames">"Longest frame gap"</th>
                            <th scope="col" title="For the parallel modes: how long each pool thread had nothing to do, and how long it waited for the lock">
                                "Idle per thread"
                            </th>
                        </tr>
                    </thead>
                    <tbody>{move || rows.with(|rows| rows.iter().map(row_view).collect_view())}</tbody>
                </table>
            })}
            <p class="caption">
                "Every figure is measured in this browser. Speedup and efficiency are against the sequential run of the same task set; the checksum shows each mode computed the same result. Idle time per thread shows load balance: a thread that finished its share early waits for the others. A thread waiting for the lock is neither idle nor computing: its wait is shown apart."
            </p>
        </section>
        </Show>
    }
}

fn row_view(r: &Row) -> impl IntoView + use<> {
    let t = &r.trace;
    let (speedup, efficiency) = match r.relative {
        Some(rel) => (
            format!("{:.2}×", rel.speedup),
            rel.efficiency
                .map(|e| format!("efficiency {:.0} %", e * 100.0)),
        ),
        None => ("–".to_string(), None),
    };
    // The figures again as data attributes: what the browser tests read.
    let lanes_used: Vec<String> = t
        .lanes_used()
        .iter()
        .map(|l| format!("{}", l.row()))
        .collect();
    let pool = r.stats.pool.clone();
    let unused = pool.as_ref().map_or(0, |p| p.unused);
    let lanes: Vec<LaneUse> = pool.as_ref().map_or_else(Vec::new, |p| p.lanes.clone());
    let joined = |f: fn(&LaneUse) -> f64| {
        lanes
            .iter()
            .map(|l| f(l).to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    view! {
        <tr
            data-mode=t.mode.name()
            data-threads=t.lanes
            data-makespan=r.stats.makespan_ms
            data-cpu=r.stats.cpu_ms
            data-peak=r.stats.peak_overlap
            data-workers=t.distinct_workers()
            data-rows=lanes_used.join(",")
            data-gap=t.frames.longest_gap_ms
            data-long-gaps=t.frames.long_gaps
            data-finished=t.finished
            data-outcome=t.outcome.name()
            data-cancel-latency=t.cancel_latency_ms.unwrap_or(-1.0)
            data-checksum=format!("{:x}", t.checksum)
            data-slices=t.slices
            data-idle=joined(|l| l.idle_ms)
            data-lock=joined(|l| l.lock_ms)
            data-lock-total=r.stats.lock_ms
            data-unused=unused
        >
            <th scope="row" title=format!("checksum {:016x}, {} slices", t.checksum, t.slices)>
                {t.mode.label()}
                {(t.outcome != Outcome::Completed).then(|| view! { <small class="outcome">{t.outcome.name()}</small> })}
            </th>
            <td class="num">{t.lanes}</td>
            <td class="num">{format_ms(r.stats.makespan_ms)}</td>
            <td class="num">{format_ms(r.stats.cpu_ms)}</td>
            <td class="num">{speedup}{efficiency.map(|e| view! { <small>{e}</small> })}</td>
            <td class="num">{r.stats.peak_overlap}</td>
            <td class="num">
                {format_ms(r.stats.main_blocked_ms)}
                <small>{format!("longest {}", format_ms(r.stats.longest_block_ms))}</small>
            </td>
            <td class="num">{format_ms(t.frames.longest_gap_ms)}</td>
            <td class="idle">{pool.map_or_else(|| "–".into_any(), |p| pool_view(&p).into_any())}</td>
        </tr>
    }
}

/// Each pool thread's idle time (and its wait for the lock, if any), and
/// the threads the run could use that ran nothing.
fn pool_view(pool: &PoolUse) -> impl IntoView + use<> {
    let lanes = pool
        .lanes
        .iter()
        .map(|l| {
            let lock = (l.lock_ms > 0.0)
                .then(|| view! { <small class="lock-wait">{format!("waited for the lock {}", format_ms(l.lock_ms))}</small> });
            view! {
                <span class="idle-lane" title=format!("{}: busy {}", l.lane, format_ms(l.busy_ms))>
                    {format!("{} {}", l.lane, format_ms(l.idle_ms))}
                    {lock}
                </span>
            }
        })
        .collect_view();
    let unused = (pool.unused > 0).then(|| {
        view! {
            <span class="idle-lane">
                {format!("{} ran nothing: {} each", count(pool.unused, "other thread"), format_ms(pool.makespan_ms))}
            </span>
        }
    });
    view! {
        {lanes}
        {unused}
    }
}
