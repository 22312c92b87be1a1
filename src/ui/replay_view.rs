//! Replay: any run the page holds, played back from its trace at 1/1 to
//! 1/100 of real time, paused, scrubbed, or stepped one event (a span's start
//! or end) at a time; what each thread does at the cursor, in words.
//!
//! The timeline (timeline_view.rs) draws the replayed run and the cursor; this
//! component holds the controls and the playback; which run it shows is
//! `replay_source.rs`, what it says of the moment `replay_moment.rs`.
//! Everything shown comes from `engine::record::Replay`.

use super::empty_card::{EmptyCard, after_paint};
use super::replay_moment::MomentWords;
use super::replay_source::{PageRuns, source_select, sources};
use super::replay_speed::speed_select;
use super::state::{Busy, ReplayState, ReplayStateStoreFields, Source};
use crate::charts::format_ms;
use crate::engine::record::{Paint, Playback, Replay, Trace, bounds_of};
use crate::runtime::clock::local_now;
use crate::runtime::frame_loop;
use crate::runtime::lab::lab;
use leptos::ev;
use leptos::prelude::*;
use reactive_stores::Field;
use std::sync::Arc;
use wasm_bindgen::JsCast;

fn frames_of(trace: &Trace) -> Vec<f64> {
    lab().frames_of(trace.origin_ms, trace.duration_ms)
}

/// The replay's life, as the page shows it (and the tests read it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Off,
    Paused,
    Playing,
    Ended,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Off => "off",
            Phase::Paused => "paused",
            Phase::Playing => "playing",
            Phase::Ended => "ended",
        }
    }
}

#[component]
pub fn ReplayView(
    page_runs: PageRuns,
    #[prop(into)] busy: Field<Option<Busy>>,
    #[prop(into)] replay: Field<ReplayState>,
    /// The run the replay shows (see [`replayed`]).
    #[prop(into)]
    shown: Signal<Option<Arc<Trace>>>,
) -> impl IntoView {
    let busy = Signal::derive(move || busy.with(Option::is_some));
    let (active, source, cursor, frozen) = (
        replay.active(),
        replay.source(),
        replay.cursor(),
        replay.frozen(),
    );
    let phase = RwSignal::new(Phase::Off);
    let slowdown = RwSignal::new(10u32);
    let announcement = RwSignal::new(String::new());
    // Built on first use, after the run's last frames have been recorded.
    let built = StoredValue::new(None::<(Replay, usize)>);
    let playback = StoredValue::new(Playback::new((0.0, 0.0), 10));
    let duration = Memo::new(move |_| shown.with(|t| t.as_ref().map_or(0.0, |t| t.duration_ms)));
    // The cursor's range: the run, and any span stamped outside it.
    let bounds = Memo::new(move |_| shown.with(|t| t.as_deref().map_or((0.0, 0.0), bounds_of)));
    let tasks = Memo::new(move |_| shown.with(|t| t.as_ref().map_or(0, |t| t.tasks)));
    let has_run = Memo::new(move |_| shown.with(Option::is_some));

    let with_replay =
        move |f: &dyn Fn(&Replay) -> Option<f64>| with_replay_of(built, shown, f).flatten();

    // On the page's frame loop: while playing, the cursor follows the clock
    // (the replay ends itself at the end of the run); otherwise nothing.
    frame_loop::subscribe_while_mounted(move |timestamp| {
        let p = playback.get_value();
        if !p.is_playing() {
            return;
        }
        let at = p.position(timestamp);
        cursor.set(at);
        if p.finished(timestamp) {
            playback.update_value(|p| p.pause(timestamp));
            phase.set(Phase::Ended);
        }
    });

    // Another run to replay (a new run, another choice): start over, paused.
    Effect::new(move |_| {
        shown.track();
        built.set_value(None);
        let playback_now = Playback::new(bounds.get_untracked(), slowdown.get_untracked());
        cursor.set(playback_now.position(0.0));
        playback.set_value(playback_now);
        if phase.get_untracked() != Phase::Off {
            phase.set(Phase::Paused);
        }
    });

    let pause = {
        move || {
            playback.update_value(|p| p.pause(local_now()));
            cursor.set(playback.get_value().position(local_now()));
            if phase.get_untracked() == Phase::Playing {
                phase.set(Phase::Paused);
            }
        }
    };
    let play = {
        move || {
            if busy.get_untracked() || !has_run.get_untracked() {
                return;
            }
            with_replay(&|_| None);
            active.set(true);
            playback.update_value(|p| p.play(local_now()));
            phase.set(Phase::Playing);
        }
    };
    // Moves the cursor to `t` and stays paused there.
    let seek = {
        move |t: f64| {
            if !has_run.get_untracked() {
                return;
            }
            pause();
            playback.update_value(|p| p.seek(t, local_now()));
            cursor.set(playback.get_value().position(local_now()));
            active.set(true);
            phase.set(Phase::Paused);
        }
    };
    let step = {
        move |forward: bool| {
            let at = cursor.get_untracked();
            let target = with_replay(&|r| {
                if forward {
                    r.next_event(at)
                } else {
                    r.previous_event(at)
                }
            });
            match target {
                Some(t) => seek(t),
                None => {
                    seek(at);
                    announcement.set(
                        if forward {
                            "No later event: this is the last span's end."
                        } else {
                            "No earlier event: this is the first span's start."
                        }
                        .into(),
                    );
                }
            }
        }
    };
    let toggle = {
        move || {
            if phase.get_untracked() == Phase::Playing {
                pause();
            } else {
                play();
            }
        }
    };

    // A new run stops the replay: the timeline shows the run live instead.
    Effect::new({
        move |_| {
            if busy.get() {
                playback.update_value(|p| p.pause(local_now()));
                if phase.get_untracked() != Phase::Off {
                    announcement.set("The replay stopped: a new run started.".into());
                }
                phase.set(Phase::Off);
                active.set(false);
            }
        }
    });

    // What the moment shows: recomputed when the cursor moves; the texts
    // below change (and the page re-renders them) only when their words do.
    let moment = Memo::new(move |_| {
        let t = cursor.get();
        if !active.get() {
            return None;
        }
        shown.track();
        with_replay_of(built, shown, |r| r.moment(t))
    });
    Effect::new(move |_| {
        let gap = moment.with(|m| match m.as_ref().map(|m| m.paint) {
            Some(Paint::Frozen { from, to }) => Some((from, to)),
            _ => None,
        });
        if frozen.get_untracked() != gap {
            frozen.set(gap);
        }
    });
    let has_frames = Memo::new(move |_| {
        shown.track();
        moment.track();
        built.with_value(|r| r.as_ref().is_some_and(|(r, _)| r.has_frames()))
    });
    let words = MomentWords::of(moment, has_frames);
    // Said to screen readers when the cursor stops somewhere (not while it
    // plays: that would be a flood).
    Effect::new(move |_| {
        let Some(said) = words.announcement(cursor.get_untracked()) else {
            return;
        };
        if phase.get() != Phase::Playing {
            announcement.set(said);
        }
    });

    let on_key = {
        move |ev: ev::KeyboardEvent| {
            let tag = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|e| e.tag_name())
                .unwrap_or_default();
            // A button's own Space and Enter press it.
            let on_button = tag.eq_ignore_ascii_case("button");
            match ev.key().as_str() {
                " " | "Spacebar" if !on_button => {
                    ev.prevent_default();
                    toggle();
                }
                "ArrowRight" | "ArrowUp" => {
                    ev.prevent_default();
                    step(true);
                }
                "ArrowLeft" | "ArrowDown" => {
                    ev.prevent_default();
                    step(false);
                }
                "Home" => {
                    ev.prevent_default();
                    seek(bounds.get_untracked().0);
                }
                "End" => {
                    ev.prevent_default();
                    seek(bounds.get_untracked().1);
                }
                _ => {}
            }
        }
    };

    let sources = sources(page_runs);
    // A choice that no longer exists (the comparison was cleared): back to the latest run.
    Effect::new(move |_| {
        let chosen = source.get();
        if chosen != Source::Latest && sources.with(|s| !s.iter().any(|(src, _)| *src == chosen)) {
            source.set(Source::Latest);
        }
    });

    let position_words = move || {
        format!(
            "{} of {}",
            format_ms(cursor.get()),
            format_ms(duration.get())
        )
    };
    let can_use = move || has_run.get() && !busy.get();
    let filled = after_paint(Signal::derive(move || {
        has_run.get() || sources.with(|s| !s.is_empty())
    }));

    view! {
        <Show
            when=move || filled.get()
            fallback=|| view! { <EmptyCard class="replay" title_id="replay-title" title="Replay" hint="After a run: play it back, slowly." /> }
        >
        <section class="card replay" aria-labelledby="replay-title">
            <div class="card-head">
                <h2 id="replay-title">"Replay"</h2>
                {source_select(sources, source)}
                {speed_select("Replay speed", slowdown, move |s, now| playback.update_value(|p| p.set_slowdown(s, now)))}
            </div>
            <div
                class="replay-controls"
                role="group"
                aria-label="Replay controls"
                aria-describedby="replay-keys"
                data-state=move || phase.get().name()
                data-cursor-ms=move || cursor.get().to_string()
                data-duration-ms=move || duration.get().to_string()
                data-slowdown=move || slowdown.get().to_string()
                data-in-flight=move || words.counts.get().map(|c| c.0.to_string()).unwrap_or_default()
                data-done=move || words.counts.get().map(|c| c.1.to_string()).unwrap_or_default()
                data-paint=move || words.paint_kind.get()
                on:keydown=on_key
            >
                <button
                    class="small"
                    disabled=move || !can_use()
                    on:click={
                        move |_| step(false)
                    }
                >
                    "Step back"
                </button>
                <button
                    class="small primary"
                    disabled=move || !can_use()
                    aria-pressed=move || (phase.get() == Phase::Playing).to_string()
                    on:click={
                        move |_| toggle()
                    }
                >
                    {move || if phase.get() == Phase::Playing { "Pause" } else { "Play" }}
                </button>
                <button
                    class="small"
                    disabled=move || !can_use()
                    on:click={
                        move |_| step(true)
                    }
                >
                    "Step forward"
                </button>
                <input
                    type="range"
                    class="scrubber"
                    aria-label="Replay position"
                    aria-valuetext=position_words
                    min=move || bounds.get().0.to_string()
                    max=move || bounds.get().1.to_string()
                    step="any"
                    disabled=move || !can_use()
                    prop:value=move || cursor.get().to_string()
                    on:input={
                        move |ev| {
                            if let Ok(t) = event_target_value(&ev).parse::<f64>() {
                                seek(t);
                            }
                        }
                    }
                />
                <span class="replay-time" aria-hidden="true">{position_words}</span>
                <button
                    class="small"
                    disabled=move || phase.get() == Phase::Off
                    on:click={
                        move |_| {
                            pause();
                            phase.set(Phase::Off);
                            active.set(false);
                        }
                    }
                >
                    "Close"
                </button>
            </div>
            <p id="replay-keys" class="note">
                {move || {
                    if busy.get() {
                        "The replay waits until the run in progress ends."
                    } else if has_run.get() {
                        "Space plays or pauses; the arrow keys step one event (a span starting or ending); Home and End go to the start and the end."
                    } else {
                        "Run an experiment: any run can then be replayed, slowly or one event at a time."
                    }
                }}
            </p>
            <Show when=move || phase.get() != Phase::Off>
                {words.view(tasks, Signal::derive(move || frozen.with(Option::is_some)))}
            </Show>
            <p class="visually-hidden" role="status" aria-live="polite">
                {move || announcement.get()}
            </p>
        </section>
        </Show>
    }
}

/// Calls `f` with the replay of `shown`, built first if needed: lazily, so
/// that the frames recorded just after the run are in, and again while the
/// run's frames still grow. The first frame after the run closes them
/// (`FrameLog::for_run`), and it can come after the first use: a page that
/// builds several views at a run's end paints a little later, and a replay
/// built before it said the page never painted again.
fn with_replay_of<R>(
    built: StoredValue<Option<(Replay, usize)>>,
    shown: Signal<Option<Arc<Trace>>>,
    f: impl FnOnce(&Replay) -> R,
) -> Option<R> {
    shown.with_untracked(|t| {
        let t = t.as_deref()?;
        let frames = frames_of(t);
        let stale = built.with_value(|b| b.as_ref().is_none_or(|(_, n)| *n != frames.len()));
        if stale {
            let n = frames.len();
            built.set_value(Some((Replay::new(t, frames), n)));
        }
        Some(())
    });
    built.with_value(|r| r.as_ref().map(|(r, _)| f(r)))
}
