//! The thread sweep: measured speedup against the ideal and Amdahl's law.

use super::download;
use super::store::Store;
use crate::charts::speedup::{SpeedupData, draw_speedup};
use crate::charts::{Theme, draw_placeholder, format_ms};
use crate::engine::model::{AmdahlFit, SweepPoint, fit_amdahl, karp_flatt, sweep_points};
use crate::runtime::canvas::draw_hidpi;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_preferences::use_preferred_dark;

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
) -> impl IntoView {
    let dark = use_preferred_dark();
    let fit = Memo::new(move |_| points.with(|p| fit_amdahl(p)));
    Effect::new(move |_| {
        let theme = Theme::for_dark(dark.get());
        let cores = cores.get();
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
            ></canvas>
        </div>
    }
}

/// "Fitted serial fraction 2.0 % (Amdahl: at most 50.0× faster with
/// unlimited threads)."
pub fn fit_sentence(fit: &AmdahlFit) -> String {
    format!(
        "Fitted serial fraction {:.1} % (Amdahl: at most {} with unlimited threads).",
        fit.serial_fraction * 100.0,
        if fit.serial_fraction > 0.0 {
            format!("{:.1}× faster", fit.limit())
        } else {
            "no limit".into()
        },
    )
}

#[component]
pub fn SpeedupView() -> impl IntoView {
    let store = expect_context::<Store>();
    let canvas = NodeRef::<Canvas>::new();
    let points = Memo::new(move |_| {
        store.sweep.with(|runs| {
            sweep_points(
                &runs
                    .iter()
                    .map(|t| (t.lanes, t.duration_ms))
                    .collect::<Vec<_>>(),
            )
        })
    });
    let fit = Memo::new(move |_| points.with(|p| fit_amdahl(p)));
    let cores = Signal::derive(move || store.env.with(|e| e.hardware_concurrency));

    view! {
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
            <SpeedupChart points=points cores=cores canvas=canvas name="speedup" label="Measured speedup by number of threads" />
            <p class="caption">
                {move || match fit.get() {
                    Some(f) => format!(
                        "{} The browser reports {} logical cores.",
                        fit_sentence(&f),
                        cores.get()
                    ),
                    None => "The sweep runs the parallel mode on 1, 2, … threads of the pool, after a warm-up run.".into(),
                }}
            </p>
            <Show when=move || points.with(|p| !p.is_empty())>
                <div class="table-wrap">
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
                </div>
            </Show>
        </section>
    }
}
