//! The thread sweep: measured speedup against the ideal and Amdahl's law.

use super::download;
use super::store::Store;
use crate::charts::speedup::{SpeedupData, draw_speedup};
use crate::charts::{Theme, draw_placeholder, format_ms};
use crate::engine::model::{fit_amdahl, karp_flatt, sweep_points};
use crate::runtime::canvas::draw_hidpi;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_preferences::use_preferred_dark;

#[component]
pub fn SpeedupView() -> impl IntoView {
    let store = expect_context::<Store>();
    let canvas = NodeRef::<Canvas>::new();
    let dark = use_preferred_dark();
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

    Effect::new(move |_| {
        let theme = Theme::for_dark(dark.get());
        let cores = store.env.with(|e| e.hardware_concurrency);
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
            <div class="canvas-wrap">
                <canvas node_ref=canvas role="img" aria-label="Measured speedup by number of threads"></canvas>
            </div>
            <p class="caption">
                {move || match fit.get() {
                    Some(f) => format!(
                        "Fitted serial fraction {:.1} % (Amdahl: at most {} with unlimited threads). The browser reports {} logical cores.",
                        f.serial_fraction * 100.0,
                        if f.serial_fraction > 0.0 { format!("{:.1}× faster", f.limit()) } else { "no limit".into() },
                        store.env.with(|e| e.hardware_concurrency)
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
