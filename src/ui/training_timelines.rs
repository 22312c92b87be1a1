//! The scaling sweeps' runs as timelines, one band per run on one time
//! axis: each thread's phases over the whole run, step by step (computing
//! its gradient, waiting at a barrier, summing its share). A replay moves
//! a cursor over the stack and says what each thread was doing at that
//! instant (`engine::record::TrainedReplay`).

use super::replay_clock::{ReplayClock, ReplayLabels};
use crate::charts::phases::{PhaseBand, draw_phase_stack, stack_height};
use crate::charts::{Theme, format_ms};
use crate::engine::record::{Trained, TrainedReplay};
use crate::runtime::canvas::draw_hidpi;
use leptos::ev;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_event_listener::use_event_listener;

/// The runs, each with its title, one band each in this order.
#[component]
pub fn TrainingTimelines(
    #[prop(into)] runs: Signal<Vec<(String, Trained)>>,
    #[prop(into)] dark: Signal<bool>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    // Runs that came in a link hold no phases: nothing to draw or replay.
    let shown = Memo::new(move |_| {
        runs.with(|r| {
            r.iter()
                .filter(|(_, t)| !t.phases.is_empty())
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let x_max = Memo::new(move |_| {
        shown.with(|r| {
            r.iter()
                .flat_map(|(_, t)| t.phases.iter().map(|p| p.end))
                .fold(0.0, f64::max)
        })
    });
    let columns = RwSignal::new(0..0);
    let replays = StoredValue::new(Vec::<(String, TrainedReplay)>::new());
    let clock = ReplayClock::new();
    let cursor = clock.cursor;
    Effect::new(move |_| {
        let built: Vec<(String, TrainedReplay)> = shown.with(|r| {
            r.iter()
                .map(|(title, t)| (title.clone(), TrainedReplay::new(t)))
                .collect()
        });
        replays.set_value(built);
        clock.reset(x_max.get_untracked());
    });
    // As wide as its parent: a resized window redraws it.
    let resized = RwSignal::new(0u32);
    let _ = use_event_listener(window(), ev::resize, move |_| resized.update(|n| *n += 1));
    Effect::new(move |_| {
        let theme = Theme::for_dark(dark.get());
        resized.track();
        let Some(c) = canvas.get() else { return };
        let x_max = x_max.get();
        shown.with(|runs| {
            let bands: Vec<PhaseBand> = runs
                .iter()
                .map(|(title, t)| PhaseBand {
                    title,
                    phases: &t.phases,
                    devices: t.devices,
                })
                .collect();
            if let Ok(drawn) = draw_hidpi(&c, stack_height(&bands), |a| {
                draw_phase_stack(a, &bands, x_max, &|r| format!("thread {}", r + 1), &theme)
            }) {
                columns.set(drawn);
            }
        });
    });
    let cursor_x = move |t: f64| {
        let (c, x_max) = (columns.get(), x_max.get());
        (x_max > 0.0).then(|| f64::from(c.start) + t / x_max * f64::from(c.end - c.start))
    };
    view! {
        <Show
            when=move || shown.with(|r| !r.is_empty())
            fallback=move || {
                runs.with(|r| !r.is_empty()).then(|| view! {
                    <p class="note training-no-timelines">"Each thread's steps stay with the machine that measured these runs: a link carries their figures, not every step."</p>
                })
            }
        >
            // Said only above a chart: runs from a link have none.
            <p class="note">"Every thread's phases over each whole run on one thread and on the most, on one time axis: where the time between steps went. Replay it slowly to read what each thread was doing."</p>
            <div class="canvas-wrap">
                <canvas
                    node_ref=canvas
                    data-name="training-timelines"
                    data-bands=move || shown.with(Vec::len)
                    data-phases=move || shown.with(|r| r.iter().map(|(_, t)| t.phases.len()).sum::<usize>())
                    role="img"
                    aria-label=move || shown.with(|r| {
                        let titles: Vec<&str> = r.iter().map(|(t, _)| t.as_str()).collect();
                        format!("Each thread's phases over each scaling run, on one time axis: {}.", titles.join("; "))
                    })
                ></canvas>
                {clock.cursor_line(cursor_x)}
            </div>
            {clock.controls(
                ReplayLabels {
                    group: "Replay of the scaling runs",
                    speed: "Training replay speed",
                    position: "Training replay position",
                },
                "training-replay",
            )}
            <div class="training-moment" data-at=move || cursor.get()>
                {move || (cursor.get() > 0.0).then(|| {
                    let t = cursor.get();
                    replays.with_value(|all| {
                        all.iter()
                            .map(|(title, r)| {
                                let devices = r
                                    .moment(t)
                                    .into_iter()
                                    .map(|m| view! {
                                        <dt>{format!("thread {}", m.device + 1)}</dt>
                                        <dd data-device=m.device data-steps-done=m.steps_done>{m.words()}</dd>
                                    })
                                    .collect_view();
                                view! {
                                    <p class="replay-counts">{format!("{title} at {}", format_ms(t))}</p>
                                    <dl class="replay-lanes">{devices}</dl>
                                }
                            })
                            .collect_view()
                    })
                })}
            </div>
        </Show>
    }
}
