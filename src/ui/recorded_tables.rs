//! The tables of a received result beside this machine's run of it: a row
//! per mode (or per thread count, for a sweep), a column pair (wall time,
//! speedup) per machine. The figures as data attributes too: what the
//! browser tests read.

use super::state::ReceivedResult;
use super::table_wrap::table_wrap;
use crate::charts::format_ms;
use crate::engine::analysis::{Row, SweepPoint, points_of};
use crate::engine::record::Trace;
use crate::engine::travel::Machine;
use leptos::prelude::*;
use std::sync::Arc;

/// The comparison table: a row per mode, a column pair per machine.
pub fn modes_table(
    rec: &ReceivedResult,
    rec_rows: &[Row],
    here_rows: &[Row],
    mine: &Machine,
) -> impl IntoView {
    view! {
        {table_wrap("The recorded modes beside this machine's", view! {
            <table class="machines">
                {machines_head("Mode", rec, mine)}
                <tbody>
                    {rec_rows.iter().map(|r| {
                        let h = here_rows.iter().find(|h| h.trace.mode == r.trace.mode);
                        let speed = |row: Option<&Row>| row.and_then(|r| r.relative).map_or("–".to_string(), |rel| format!("{:.2}×", rel.speedup));
                        view! {
                            <tr
                                data-mode=r.trace.mode.name()
                                data-recorded-makespan=r.stats.makespan_ms
                                data-recorded-cpu=r.stats.cpu_ms
                                data-recorded-spans=r.trace.spans.len()
                                data-recorded-checksum=format!("{:x}", r.trace.checksum)
                                data-local-makespan=h.map_or(-1.0, |h| h.stats.makespan_ms)
                            >
                                <th scope="row">{r.trace.mode.label()}</th>
                                <td class="num">{format_ms(r.stats.makespan_ms)}</td>
                                <td class="num">{speed(Some(r))}</td>
                                <td class="num">{h.map_or("–".to_string(), |h| format_ms(h.stats.makespan_ms))}</td>
                                <td class="num">{speed(h)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

/// The head of a table with a column pair (wall time, speedup) per machine.
fn machines_head(
    first: &'static str,
    rec: &ReceivedResult,
    mine: &Machine,
) -> impl IntoView + use<> {
    let (theirs, ours) = (rec.machine.logical_cores, mine.logical_cores);
    view! {
        <thead>
            <tr>
                <th scope="col">{first}</th>
                <th scope="col">{format!("Recorded ({theirs} cores): wall time")}</th>
                <th scope="col">"speedup"</th>
                <th scope="col">{format!("This machine ({ours} cores): wall time")}</th>
                <th scope="col">"speedup"</th>
            </tr>
        </thead>
    }
}

/// The sweep table: a row per thread count, a column pair per machine.
pub fn sweep_table(
    rec: &ReceivedResult,
    here_runs: &[Arc<Trace>],
    mine: &Machine,
) -> impl IntoView {
    let rec_points = points_of(&rec.runs);
    let here_points = points_of(here_runs);
    let speed = |p: Option<&SweepPoint>| {
        p.filter(|p| p.speedup.is_finite())
            .map_or("–".to_string(), |p| format!("{:.2}×", p.speedup))
    };
    let mut threads: Vec<u32> = rec_points
        .iter()
        .chain(&here_points)
        .map(|p| p.threads)
        .collect();
    threads.sort_unstable();
    threads.dedup();
    view! {
        {table_wrap("The recorded sweep beside this machine's", view! {
            <table class="machines sweep">
                {machines_head("Threads", rec, mine)}
                <tbody>
                    {threads.into_iter().map(|n| {
                        let at = |runs: &[Arc<Trace>], points: &[SweepPoint]| {
                            runs.iter().zip(points).find(|(_, p)| p.threads == n).map(|(t, p)| (t.spans.len(), t.checksum, *p))
                        };
                        let r = at(&rec.runs, &rec_points);
                        let h = at(here_runs, &here_points);
                        view! {
                            <tr
                                data-threads=n
                                data-recorded-makespan=r.map_or(-1.0, |r| r.2.makespan_ms)
                                data-recorded-speedup=r.map_or(-1.0, |r| r.2.speedup)
                                data-recorded-spans=r.map_or(0, |r| r.0)
                                data-recorded-checksum=r.map_or(String::new(), |r| format!("{:x}", r.1))
                                data-local-makespan=h.map_or(-1.0, |h| h.2.makespan_ms)
                            >
                                <th scope="row">{n}</th>
                                <td class="num">{r.map_or("–".to_string(), |r| format_ms(r.2.makespan_ms))}</td>
                                <td class="num">{speed(r.as_ref().map(|r| &r.2))}</td>
                                <td class="num">{h.map_or("–".to_string(), |h| format_ms(h.2.makespan_ms))}</td>
                                <td class="num">{speed(h.as_ref().map(|h| &h.2))}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}
