//! The thread sweep: measured speedup against the ideal and Amdahl's law.

use super::counter_view::LockShare;
use super::download;
use super::empty_card::EmptyCard;
use super::state::Runs;
use super::table_wrap::table_wrap;
use crate::charts::speedup::{SpeedupData, cores_label, draw_speedup, marks_cores};
use crate::charts::{Theme, draw_placeholder, format_ms};
use crate::engine::analysis::{SweepPoint, fit_for, fit_sentence, karp_flatt, points_of};
use crate::engine::environment::Environment;
use crate::engine::format::count;
use crate::engine::plan::Settings;
use crate::runtime::canvas::draw_hidpi;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_preferences::use_preferred_dark;
use reactive_stores::Field;

/// The speedup curve of `points` on `canvas`, with Amdahl's law fitted to
/// them; also used for a sweep received by a link or a file. The canvas
/// tells tests what it shows: the points' thread counts and speedups, and
/// the fitted serial fraction.
#[component]
pub fn SpeedupChart(
    #[prop(into)] points: Signal<Vec<SweepPoint>>,
    /// Logical cores of the machine the points were measured on.
    #[prop(into)]
    cores: Signal<u32>,
    canvas: NodeRef<Canvas>,
    /// Names the canvas for tests.
    name: &'static str,
    /// What the chart shows, for screen readers.
    label: &'static str,
    /// The settings the sweep ran, when known: its Amdahl fit then counts
    /// whole rounds of its tasks (see [`fit_for`]).
    #[prop(into, optional)]
    settings: Option<Signal<Option<Settings>>>,
    /// The person's predicted speedup on a number of threads, if any.
    #[prop(into, optional)]
    predicted: Option<Signal<Option<(u32, f64)>>>,
) -> impl IntoView {
    let dark = use_preferred_dark();
    let settings = settings.unwrap_or_else(|| Signal::derive(|| None));
    let predicted = predicted.unwrap_or_else(|| Signal::derive(|| None));
    let fit = Memo::new(move |_| settings.with(|s| points.with(|p| fit_for(p, s.as_ref()))));
    Effect::new(move |_| {
        let theme = Theme::for_dark(dark.get());
        let cores = cores.get();
        let predicted = predicted.get();
        let Some(canvas) = canvas.get() else { return };
        let _ = points.with(|points| {
            if points.is_empty() {
                draw_hidpi(&canvas, 320, |a| {
                    draw_placeholder(a, &theme, "Sweep threads to draw the speedup curve.")
                })
            } else {
                draw_hidpi(&canvas, 320, |a| {
                    draw_speedup(
                        a,
                        &SpeedupData {
                            points,
                            fit: fit.get(),
                            cores,
                            predicted,
                        },
                        &theme,
                    )
                })
            }
        });
    });
    view! {
        <div class="canvas-wrap">
            <canvas
                node_ref=canvas
                role="img"
                aria-label=label
                data-name=name
                data-points=move || points.with(|p| p.iter().map(|p| format!("{}:{}", p.threads, p.speedup)).collect::<Vec<_>>().join(";"))
                data-serial-fraction=move || fit.get().map_or(String::new(), |f| f.serial_fraction.to_string())
                data-cores=move || cores.get()
                data-predicted=move || predicted.get().map(|(p, x)| format!("{p}:{x}"))
                data-cores-marked=move || {
                    points.with(|p| {
                        let data = SpeedupData { points: p, fit: None, cores: cores.get(), predicted: None };
                        if marks_cores(&data) { cores_label(data.cores) } else { String::new() }
                    })
                }
            ></canvas>
        </div>
    }
}

#[component]
pub fn SpeedupView(
    /// The latest thread sweep, with the settings it ran.
    #[prop(into)]
    sweep: Field<Runs>,
    #[prop(into)] env: Field<Environment>,
    /// The person's prediction for this sweep, drawn beside its points.
    #[prop(into)]
    predicted: Field<Option<(u32, f64)>>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let points = Memo::new(move |_| sweep.with(|s| points_of(&s.traces)));
    let settings = Memo::new(move |_| sweep.with(|s| s.settings.clone()));
    let fit = Memo::new(move |_| settings.with(|s| points.with(|p| fit_for(p, s.as_ref()))));
    let cores = Signal::derive(move || env.with(|e| e.hardware_concurrency));
    // The serial reduce the sweep was set up with, in percent (none: 0).
    let configured = Memo::new(move |_| settings.with(|s| s.as_ref().map_or(0, |s| s.serial_pct)));

    // Empty only until the first result: a new comparison or sweep clears
    // the old one as it starts, and the card stays, not the line in its place.
    let filled = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false) || points.with(|p| !p.is_empty())
    });
    view! {
        <Show
            when=move || filled.get()
            fallback=|| view! { <EmptyCard class="speedup" title_id="speedup-title" title="Speedup by threads" hint="Sweep threads: speedup per thread count." /> }
        >
        <section class="card speedup" aria-labelledby="speedup-title">
            <div class="card-head">
                <h2 id="speedup-title">"Speedup by threads"</h2>
                <button
                    class="small"
                    on:click=move |_| {
                        if let Some(c) = canvas.get() {
                            let _ = download::png("conpar-speedup.png", &c);
                        }
                    }
                >
                    "PNG"
                </button>
            </div>
            <SpeedupChart
                points=points
                cores=cores
                canvas=canvas
                name="speedup"
                label="Measured speedup by number of threads"
                settings=settings
                predicted=Signal::derive(move || predicted.get())
            />
            {move || {
                let pct = configured.get();
                let fitted = fit.get()?;
                (pct > 0)
                    .then(|| {
                        view! {
                            <p class="serial-share" data-configured=pct data-fitted=fitted.serial_fraction>
                                {format!(
                                    "Serial share: configured {pct} %, fitted {:.0} %.",
                                    fitted.serial_fraction * 100.0
                                )}
                            </p>
                        }
                    })
            }}
            <LockShare sweep=sweep />
            <p class="caption">
                {move || match fit.get() {
                    Some(f) => format!(
                        "{} The browser reports {}; the pool has {} threads.",
                        fit_sentence(&f),
                        count(cores.get(), "logical core"),
                        env.with(|e| e.pool_threads)
                    ),
                    None => "The sweep runs the parallel mode on 1, 2, … threads of the pool, after a warm-up run.".into(),
                }}
            </p>
            <Show when=move || points.with(|p| !p.is_empty())>
                {table_wrap("Speedup by threads, point by point", view! {
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">"Threads"</th>
                                <th scope="col">"Wall time"</th>
                                <th scope="col">"Speedup"</th>
                                <th scope="col" title="The serial fraction this point alone implies">"Karp–Flatt"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                points
                                    .get()
                                    .into_iter()
                                    .map(|p| {
                                        view! {
                                            <tr>
                                                <th scope="row">{p.threads}</th>
                                                <td class="num">{format_ms(p.makespan_ms)}</td>
                                                <td class="num">{format!("{:.2}×", p.speedup)}</td>
                                                <td class="num">
                                                    {karp_flatt(p.speedup, p.threads).map_or("–".into(), |e| format!("{:.3}", e))}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </tbody>
                    </table>
                })}
            </Show>
        </section>
        </Show>
    }
}
