//! The training card (the article's "training on many GPUs"): the same
//! logistic regression trained on every rung of the ladder (scalar, SIMD,
//! SIMD on every thread, the GPU) and swept over thread counts (scaling up
//! and out). Figures come from `engine::record::Trained` and the sentences
//! from `engine::lessons`; this file lays them out and draws the charts.

use super::card_share::{CardShare, Offer};
use super::choice_select::choice_select;
use super::download;
use super::table_wrap::table_wrap;
use super::training_state::TrainingState;
use super::training_timelines::TrainingTimelines;
use crate::charts::lines::{Axes, Line, Scale, Unit, draw_lines};
use crate::charts::phases::{draw_phases, phases_height};
use crate::charts::{Theme, format_ms, task_colour};
use crate::engine::analysis::{fit_amdahl, fit_gustafson, sweep_points, weak_points};
use crate::engine::environment::Environment;
use crate::engine::format::thousands;
use crate::engine::lessons::{checksum_sentence, ladder_sentences, scaling_sentences, swept_with};
use crate::engine::plan::{BATCHES_OFFERED, FEATURES, Reduce, Rung, STEPS};
use crate::engine::record::{PHASE_STEPS, TrainOutcome, Trained, phase_chart_run};
use crate::engine::travel::{
    Detail, Machine, encode_trained, trained_chrome_trace, trained_report_json, unshareable,
};
use crate::runtime::canvas::draw_hidpi;
use crate::runtime::gpu::GpuStatus;
use crate::runtime::probe::today;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_preferences::use_preferred_dark;
use reactive_stores::Field;

#[component]
pub fn TrainingView(
    #[prop(into)] ready: Field<bool>,
    #[prop(into)] env: Field<Environment>,
) -> impl IntoView {
    let state = expect_context::<TrainingState>();
    let TrainingState {
        features,
        batch,
        steps,
        reduce,
        ladder,
        strong,
        weak,
        running,
        said,
        gpu,
        received,
        ..
    } = state;
    let idle = Signal::derive(move || ready.get() && running.with(Option::is_none));
    let dark = use_preferred_dark();
    // The software adapter the runs shown were measured on: the sender's,
    // for runs that came in a link.
    let software = Signal::derive(move || match received.get() {
        Some(r) => r.software,
        None => gpu.with(|g| g.as_ref().and_then(GpuStatus::software_name)),
    });

    let save = move |name: &str, text: &str| {
        if let Err(why) = download::text(name, "application/json", text) {
            said.set(vec![format!("Could not save {name}: {why}")]);
        }
    };
    let ladder_canvas = NodeRef::<Canvas>::new();
    let loss_canvas = NodeRef::<Canvas>::new();
    let phase_canvas = NodeRef::<Canvas>::new();
    let scaling_canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let theme = Theme::for_dark(dark.get());
        ladder.with(|runs| {
            if let Some(c) = ladder_canvas.get() {
                let _ = draw_hidpi(&c, 300, |a| {
                    draw_lines(a, &ladder_lines(runs), &ladder_axes(runs), &theme)
                });
            }
            if let Some(c) = loss_canvas.get() {
                let _ = draw_hidpi(&c, 260, |a| {
                    draw_lines(a, &loss_lines(runs), &loss_axes(), &theme)
                });
            }
            if let (Some(c), Some(run)) = (phase_canvas.get(), phase_chart_run(runs)) {
                let _ = draw_hidpi(&c, phases_height(run.devices), |a| {
                    draw_phases(
                        a,
                        &run.phases,
                        run.devices,
                        run.middle_steps(),
                        &|r| format!("thread {}", r + 1),
                        &theme,
                    )
                });
            }
        });
    });
    Effect::new(move |_| {
        let theme = Theme::for_dark(dark.get());
        strong.with(|s| {
            weak.with(|w| {
                if let Some(c) = scaling_canvas.get() {
                    let (lines, axes) = scaling_lines(s, w, swept_with(w));
                    let _ = draw_hidpi(&c, 300, |a| draw_lines(a, &lines, &axes, &theme));
                }
            })
        });
    });

    view! {
        <section class="card training" aria-labelledby="training-title">
            <div class="card-head">
                <h2 id="training-title" tabindex="-1">"Training on many devices"</h2>
            </div>
            <p class="note">
                "A model learns by repeating one step: compute how each weight should move to fit a batch of samples (the gradient), then move it. "
                "Split the batch, and each device — a core, a GPU — holds a copy of the model and computes the gradient of its slice; "
                "then all the slices' gradients are added up (an all-reduce) so that every copy takes the same step. "
                "Here the model is a logistic regression, and the same job climbs a ladder: one float at a time, four at a time (SIMD), every thread, the GPU."
            </p>
            <div class="server-form training-form">
                <label class="server-field" for="training-features">
                    <span>"Features per sample"</span>
                    <select id="training-features" on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse() { features.set(v) }
                    }>
                        {FEATURES.map(|f| view! { <option value=f.to_string() selected=move || features.get() == f>{f.to_string()}</option> }).into_iter().collect::<Vec<_>>()}
                    </select>
                </label>
                <label class="server-field" for="training-batch">
                    <span>"Samples per step (largest)"</span>
                    <select id="training-batch" on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse() { batch.set(v) }
                    }>
                        {BATCHES_OFFERED.map(|b| view! { <option value=b.to_string() selected=move || batch.get() == b>{thousands(b as u64)}</option> }).into_iter().collect::<Vec<_>>()}
                    </select>
                </label>
                <label class="server-field" for="training-steps">
                    <span>"Steps per run"</span>
                    <input type="number" id="training-steps" min=STEPS.0 max=STEPS.1 step=1
                        prop:value=move || steps.get().to_string()
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).trim().parse::<f64>() {
                                steps.set(v.round().clamp(f64::from(STEPS.0), f64::from(STEPS.1)) as u32);
                            }
                        }
                    />
                </label>
                {choice_select::<Reduce>(
                    "training-reduce",
                    "Summing (all-reduce)",
                    reduce.into(),
                    Signal::derive(move || running.with(Option::is_some)),
                    |_| false,
                    move |r, _| reduce.set(r),
                )}
            </div>
            <div class="buttons">
                <button class="primary" id="training-climb" on:click=move |_| { state.climb(|_| ()); } disabled=move || !idle.get()>
                    "Climb the ladder"
                </button>
                <button id="training-scale" on:click=move |_| { state.scale(|_| ()); } disabled=move || !idle.get()>
                    "Scale up and out"
                </button>
                <button on:click=move |_| state.stop() disabled=move || running.with(Option::is_none)>
                    "Stop training"
                </button>
            </div>
            <p class="training-status" role="status" aria-live="polite">
                {move || running.get()}
                {move || said.get().join(" ")}
            </p>
            {move || match received.get() {
                Some(r) => Some(view! {
                    <p class="message info training-received">
                        {format!(
                            "These runs came in a link: measured on {} (a pool of {} threads). Nothing of them ran here; Climb the ladder and Scale up and out measure this machine. {}",
                            r.machine.describe(),
                            r.machine.pool_threads,
                            r.gpu.map_or_else(String::new, |g| format!("Its page said of WebGPU: {g}"))
                        )}
                    </p>
                }.into_any()),
                None => gpu.get().map(|g| view! { <p class="note training-gpu">{g.describe()}</p> }.into_any()),
            }}
            <Show when=move || ladder.with(|r| !r.is_empty())>
                <h3>"The ladder: time per step"</h3>
                {move || ladder.with(|r| ladder_table(r))}
                <canvas node_ref=ladder_canvas data-name="training-ladder" role="img"
                    aria-label="Milliseconds per training step against samples per step, one line per rung"></canvas>
                <p class="training-sentence">{move || ladder.with(|r| ladder_sentences(r, software.get().as_deref()).join(" "))}</p>
                <p class="training-sentence">{move || ladder.with(|r| checksum_sentence(r))}</p>
                <h3>"The loss, step by step"</h3>
                <Show
                    when=move || ladder.with(|r| r.iter().any(|t| !t.losses.is_empty()))
                    fallback=|| view! { <p class="note">"The loss of each step stays with the machine that measured these runs: the link left it out to stay short (the table has each run's last loss)."</p> }
                >
                    <p class="note">"The mean loss of each step's batch, before the step, at the largest batch: every rung trains the same model on the same samples."</p>
                    <canvas node_ref=loss_canvas data-name="training-loss" role="img"
                        aria-label="Loss per step for each rung"></canvas>
                </Show>
                <Show when=move || ladder.with(|r| phase_chart_run(r).is_some())>
                    <h3>"Each thread's steps"</h3>
                    <p class="note">{format!(
                        "{PHASE_STEPS} steps from the middle of the run of SIMD on every thread, at the largest batch: each thread computes its slice's gradient and waits at the barrier for the slowest; then the sums are added (by thread 1 alone, everyone into one; by every thread, a share each, reduce-scatter), and the threads wait for the last summer."
                    )}</p>
                    <canvas node_ref=phase_canvas data-name="training-phases" role="img"
                        aria-label="Each thread's phases over the first steps"></canvas>
                </Show>
            </Show>
            <Show when=move || strong.with(|r| !r.is_empty())>
                <h3>"Scaling up and out"</h3>
                <p class="note">
                    "Up: the same samples per step on more threads (speedup: one thread's time ÷ theirs). "
                    "Out: the samples grow with the threads (scaled speedup: p × one thread's time ÷ theirs). "
                    "All-reduce: its share of the run, from every gradient written to the total summed. "
                    "Barrier wait: the threads' share of their time held at barriers."
                </p>
                {move || strong.with(|s| weak.with(|w| scaling_table(s, w)))}
                <canvas node_ref=scaling_canvas data-name="training-scaling" role="img"
                    aria-label="Speedup against threads: the same batch (Amdahl) and a batch per thread (Gustafson)"></canvas>
                <p class="training-sentence">{move || strong.with(|s| weak.with(|w| scaling_sentences(s, w).join(" ")))}</p>
                <h3>"Each scaling run, step by step"</h3>
                <TrainingTimelines runs=Memo::new(move |_| strong.with(|s| weak.with(|w| scaling_runs(s, w)))) dark=dark />
            </Show>
            <Show when=move || ladder.with(|r| !r.is_empty()) || strong.with(|r| !r.is_empty())>
                <div class="buttons">
                    // A report and a trace are of runs measured here: this
                    // page's environment, their every step.
                    <Show when=move || received.with(Option::is_none)>
                        <button class="small" disabled=move || running.with(Option::is_some) on:click=move |_| {
                            let rec = state.record(env.with_untracked(|e| Machine::of(e, &today())));
                            save("conpar-training-report.json", &trained_report_json(&rec, &env.get_untracked()));
                        }>
                            "Training report (JSON)"
                        </button>
                        <button class="small" disabled=move || running.with(Option::is_some) on:click=move |_| {
                            let text = ladder.with_untracked(|l| strong.with_untracked(|s| weak.with_untracked(|w| {
                                trained_chrome_trace(&l.iter().chain(s).chain(w).collect::<Vec<_>>())
                            })));
                            save("conpar-training-trace.json", &text);
                        }>
                            "Training trace for Perfetto / DevTools"
                        </button>
                    </Show>
                    <CardShare
                        offers=Callback::new(move |()| offers(state, env))
                        runs=Callback::new(move |()| { ladder.track(); strong.track(); weak.track(); })
                        busy=Signal::derive(move || running.with(Option::is_some))
                        class="training-share"
                        too_large="Save the training report (JSON) instead."
                    />
                </div>
            </Show>
        </section>
    }
}

fn ms_text(r: &Trained) -> String {
    match (&r.outcome, r.ms_per_step()) {
        (TrainOutcome::Failed(_), _) => "failed".into(),
        (_, Some(ms)) => format_ms(ms),
        (_, None) => "–".into(),
    }
}

fn ladder_table(runs: &[Trained]) -> AnyView {
    let mut batches: Vec<usize> = runs.iter().map(|r| r.training.batch).collect();
    batches.sort_unstable();
    batches.dedup();
    let head = batches
        .iter()
        .map(|b| view! { <th scope="col">{thousands(*b as u64)}</th> })
        .collect::<Vec<_>>();
    let rows = Rung::ALL
        .into_iter()
        .filter(|rung| runs.iter().any(|r| r.rung == *rung))
        .map(|rung| {
            let cells = batches
                .iter()
                .map(|b| {
                    let run = runs.iter().find(|r| r.rung == rung && r.training.batch == *b);
                    let text = run.map_or("–".into(), ms_text);
                    let ms = run.and_then(Trained::ms_per_step).map(|v| v.to_string());
                    let loss = run.and_then(Trained::final_loss).map(|v| v.to_string());
                    let upload = run.and_then(|r| r.upload_ms).map(|v| v.to_string());
                    view! {
                        <td data-rung=rung.name() data-batch=b.to_string() data-ms=ms data-loss=loss data-upload-ms=upload>
                            {text}
                        </td>
                    }
                })
                .collect::<Vec<_>>();
            let loss = runs
                .iter()
                .filter(|r| r.rung == rung)
                .max_by_key(|r| r.training.batch)
                .and_then(Trained::final_loss)
                .map_or("–".into(), |l| format!("{l:.6}"));
            // The largest upload: the largest batch's data set.
            let upload = runs
                .iter()
                .filter(|r| r.rung == rung)
                .filter_map(|r| r.upload_ms)
                .reduce(f64::max);
            let label = match upload {
                Some(ms) => format!("{} (data set upload {})", rung.label(), format_ms(ms)),
                None => rung.label().to_string(),
            };
            view! { <tr><th scope="row">{label}</th>{cells}<td>{loss}</td></tr> }
        })
        .collect::<Vec<_>>();
    table_wrap("Time per step by rung and batch", view! {
        <table class="training-ladder">
            <caption>"Median milliseconds per step, by samples per step"</caption>
            <thead><tr><th scope="col">"Rung"</th>{head}<th scope="col">"Last loss"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }).into_any()
}

fn scaling_table(strong: &[Trained], weak: &[Trained]) -> AnyView {
    let one = |runs: &[Trained]| {
        runs.iter()
            .find(|r| r.devices == 1)
            .and_then(Trained::ms_per_step)
    };
    let (s1, w1) = (one(strong), one(weak));
    let row = |kind: &'static str, r: &Trained, base: Option<f64>, weak: bool| {
        let ms = r.ms_per_step();
        let p = r.devices as u32;
        // Against the one-thread run, as the sweeps' fits read them.
        let figures = match (base, ms) {
            (Some(b), Some(t)) if t > 0.0 && weak => weak_points(&[(1, b), (p, t)])
                .last()
                .map(|w| (w.scaled_speedup, w.efficiency())),
            (Some(b), Some(t)) if t > 0.0 => sweep_points(&[(1, b), (p, t)])
                .last()
                .map(|s| (s.speedup, s.speedup / f64::from(p.max(1)))),
            _ => None,
        };
        let (speed, eff) = figures.map_or(("–".into(), "–".into()), |(s, e)| {
            (format!("{s:.2}"), format!("{:.0} %", 100.0 * e))
        });
        let sh = r.shares();
        view! {
            <tr
                data-kind=kind
                data-threads=r.devices.to_string()
                data-batch=r.training.batch.to_string()
                data-reduce=r.reduce.name()
                data-ms=ms.map(|v| v.to_string())
                data-allreduce-share=r.allreduce_share().to_string()
                data-wait-share=sh.wait.to_string()
            >
                <th scope="row">{kind}</th>
                <td>{r.devices}</td>
                <td>{if r.devices == 1 { "–".to_string() } else { r.reduce.label().to_string() }}</td>
                <td>{thousands(r.training.batch as u64)}</td>
                <td>{ms_text(r)}</td>
                <td>{speed}</td>
                <td>{eff}</td>
                <td>{format!("{:.1} %", 100.0 * r.allreduce_share())}</td>
                <td>{format!("{:.1} %", 100.0 * sh.wait)}</td>
            </tr>
        }
    };
    let rows = strong
        .iter()
        .map(|r| row("up", r, s1, false))
        .chain(weak.iter().map(|r| row("out", r, w1, true)))
        .collect::<Vec<_>>();
    table_wrap("Scaling up and out", view! {
        <table class="training-scaling">
            <caption>"Scaling up (the same batch) and out (a batch per thread)"</caption>
            <thead><tr>
                <th scope="col">"Scaling"</th><th scope="col">"Threads"</th><th scope="col">"Summing"</th>
                <th scope="col">"Samples per step"</th><th scope="col">"ms per step"</th>
                <th scope="col">"Speedup"</th><th scope="col">"Efficiency"</th>
                <th scope="col">"All-reduce"</th><th scope="col">"Barrier wait"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }).into_any()
}

fn ladder_lines(runs: &[Trained]) -> Vec<Line> {
    Rung::ALL
        .into_iter()
        .filter_map(|rung| {
            let mut points: Vec<(f64, f64)> = runs
                .iter()
                .filter(|r| r.rung == rung && r.outcome == TrainOutcome::Completed)
                .filter_map(|r| Some((r.training.batch as f64, r.ms_per_step()?)))
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            (!points.is_empty()).then(|| Line {
                label: rung.label().into(),
                colour: task_colour(rung.index() as u32),
                points,
                dashed: false,
            })
        })
        .collect()
}

fn ladder_axes(runs: &[Trained]) -> Axes {
    let mut ticks: Vec<f64> = runs.iter().map(|r| r.training.batch as f64).collect();
    ticks.sort_by(f64::total_cmp);
    ticks.dedup();
    Axes {
        x_label: "samples per step".into(),
        y_label: "ms per step".into(),
        x_scale: Scale::Log,
        y_scale: Scale::Log,
        x_unit: Unit::Number,
        y_unit: Unit::Ms,
        x_ticks: ticks,
    }
}

fn loss_lines(runs: &[Trained]) -> Vec<Line> {
    let Some(largest) = runs.iter().map(|r| r.training.batch).max() else {
        return vec![];
    };
    runs.iter()
        .filter(|r| r.training.batch == largest && !r.losses.is_empty())
        .map(|r| Line {
            label: r.rung.label().into(),
            colour: task_colour(r.rung.index() as u32),
            points: r
                .losses
                .iter()
                .enumerate()
                .map(|(i, &l)| (i as f64 + 1.0, l))
                .collect(),
            dashed: false,
        })
        .collect()
}

fn loss_axes() -> Axes {
    Axes {
        x_label: "step".into(),
        y_label: "mean loss".into(),
        x_scale: Scale::Linear,
        y_scale: Scale::Linear,
        x_unit: Unit::Number,
        y_unit: Unit::Number,
        x_ticks: vec![],
    }
}

/// Strong scaling's speedups with Amdahl's fit, weak scaling's scaled
/// speedups with Gustafson's, and the ideal.
fn scaling_lines(strong: &[Trained], weak: &[Trained], chosen: Reduce) -> (Vec<Line>, Axes) {
    let times = |runs: &[Trained]| -> Vec<(u32, f64)> {
        runs.iter()
            .filter(|r| {
                r.outcome == TrainOutcome::Completed && (r.reduce == chosen || r.devices == 1)
            })
            .filter_map(|r| Some((r.devices as u32, r.ms_per_step()?)))
            .collect()
    };
    let sp = sweep_points(&times(strong));
    let wp = weak_points(&times(weak));
    let p_max = sp
        .iter()
        .map(|p| p.threads)
        .chain(wp.iter().map(|p| p.threads))
        .max()
        .unwrap_or(1);
    let range = |f: &dyn Fn(f64) -> f64| {
        (1..=p_max)
            .map(|p| (f64::from(p), f(f64::from(p))))
            .collect::<Vec<_>>()
    };
    let mut lines = vec![Line {
        label: "ideal".into(),
        colour: crate::charts::speedup::IDEAL,
        points: range(&|p| p),
        dashed: true,
    }];
    lines.push(Line {
        label: "up (same batch)".into(),
        colour: task_colour(0),
        points: sp
            .iter()
            .map(|p| (f64::from(p.threads), p.speedup))
            .collect(),
        dashed: false,
    });
    if let Some(fit) = fit_amdahl(&sp) {
        lines.push(Line {
            label: format!("Amdahl, serial {:.1} %", 100.0 * fit.serial_fraction),
            colour: task_colour(0),
            points: range(&|p| fit.speedup(p)),
            dashed: true,
        });
    }
    lines.push(Line {
        label: "out (batch per thread)".into(),
        colour: task_colour(5),
        points: wp
            .iter()
            .map(|p| (f64::from(p.threads), p.scaled_speedup))
            .collect(),
        dashed: false,
    });
    if let Some(fit) = fit_gustafson(&wp) {
        lines.push(Line {
            label: format!("Gustafson, serial {:.1} %", 100.0 * fit.serial_share),
            colour: task_colour(5),
            points: range(&|p| fit.scaled_speedup(p)),
            dashed: true,
        });
    }
    let axes = Axes {
        x_label: "threads".into(),
        y_label: "speedup".into(),
        x_scale: Scale::Linear,
        y_scale: Scale::Linear,
        x_unit: Unit::Number,
        y_unit: Unit::Number,
        x_ticks: (1..=p_max).map(f64::from).collect(),
    };
    (lines, axes)
}

/// The card's runs as a link: every figure the card shows, each run's
/// losses where the loss chart draws them and the phases the phase chart
/// draws (`engine::travel::TrainedRecord`); leaner, without the phases and
/// then without the losses too, where the first is too long.
fn offers(state: TrainingState, env: Field<Environment>) -> Result<Vec<Offer>, String> {
    let here = env.with_untracked(|e| Machine::of(e, &today()));
    let rec = state.record(here);
    if let Some(why) = unshareable(&rec) {
        return Err(why);
    }
    let offer = |losses: bool, phases: bool| {
        let carries = match (losses, phases) {
            (true, true) => format!(
                "the losses at the largest batch, the {PHASE_STEPS} steps the phase chart draws"
            ),
            (true, false) => "the losses at the largest batch (the phase chart's steps left out: with them the link would pass its size budget)".into(),
            _ => "(the losses and the phase chart's steps left out: with them the link would pass its size budget)".into(),
        };
        Offer {
            record: encode_trained(&rec, Detail { losses, phases }),
            caption: Box::new(move |kb| {
                format!(
                    "A link of {kb:.1} KB: the card's numbers, every run's figures, {carries}, and the cores, browser and GPU of the machine that measured them; each run's other steps stay there."
                )
            }),
        }
    };
    Ok(vec![
        offer(true, true),
        offer(true, false),
        offer(false, false),
    ])
}

/// The sweeps' runs on one thread and on the most, each titled short
/// enough for a phone: "Up, 2 threads
/// (reduce-scatter): 1.06 ms a step" (the table beside it says the rest).
fn scaling_runs(strong: &[Trained], weak: &[Trained]) -> Vec<(String, Trained)> {
    let title = |kind: &str, r: &Trained| {
        let summing = match (r.devices > 1, r.reduce) {
            (false, _) => String::new(),
            (true, Reduce::ToOne) => " (everyone into one)".into(),
            (true, Reduce::Scatter) => " (reduce-scatter)".into(),
        };
        format!(
            "{kind}, {}{summing}: {} a step",
            crate::engine::format::count(r.devices as u64, "thread"),
            r.ms_per_step().map_or("–".into(), format_ms)
        )
    };
    // One thread and the most threads of each sweep: the runs between add
    // little to the picture, and a band each on a many-core machine would
    // make a canvas taller than a browser draws.
    let ends = |runs: &[Trained]| {
        let most = runs.iter().map(|r| r.devices).max().unwrap_or(1);
        runs.iter()
            .filter(move |r| r.devices == 1 || r.devices == most)
            .cloned()
            .collect::<Vec<_>>()
    };
    ends(strong)
        .into_iter()
        .map(|r| (title("Up", &r), r))
        .chain(ends(weak).into_iter().map(|r| (title("Out", &r), r)))
        .collect()
}
