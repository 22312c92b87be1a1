//! A card's replay (the server's runs, the training's): a cursor in ms of
//! the runs, played at a fraction of real time on the page's frames
//! (`engine::record::Playback`) or moved by hand, and the controls that
//! play, pause, set the speed and scrub it. The modes' replay has its own
//! view (`replay_view.rs`: its cursor walks moments, not only time).

use super::replay_speed::speed_select;
use crate::charts::format_ms;
use crate::engine::record::Playback;
use crate::runtime::clock::local_now;
use crate::runtime::frame_loop;
use leptos::prelude::*;

/// The replay's starting speed: 1/10 of real time.
const START_SLOWDOWN: u32 = 10;

/// The accessible names of a card's replay controls.
#[derive(Clone, Copy)]
pub struct ReplayLabels {
    /// The group: "Replay of the server's runs".
    pub group: &'static str,
    /// "Server replay speed".
    pub speed: &'static str,
    /// "Server replay position".
    pub position: &'static str,
}

/// The cursor and its clock.
#[derive(Clone, Copy)]
pub struct ReplayClock {
    /// The cursor, in ms since the runs began.
    pub cursor: RwSignal<f64>,
    /// Where the cursor stops: the longest run's end.
    pub until: RwSignal<f64>,
    playing: RwSignal<bool>,
    slowdown: RwSignal<u32>,
    playback: StoredValue<Playback>,
}

impl ReplayClock {
    /// A clock paused at 0, its cursor moved on each frame while playing
    /// (for as long as the calling component is mounted).
    pub fn new() -> ReplayClock {
        let clock = ReplayClock {
            cursor: RwSignal::new(0.0),
            until: RwSignal::new(0.0),
            playing: RwSignal::new(false),
            slowdown: RwSignal::new(START_SLOWDOWN),
            playback: StoredValue::new(Playback::new((0.0, 0.0), START_SLOWDOWN)),
        };
        frame_loop::subscribe_while_mounted(move |timestamp| {
            let p = clock.playback.get_value();
            if !p.is_playing() {
                return;
            }
            clock.cursor.set(p.position(timestamp));
            if p.finished(timestamp) {
                clock.playback.update_value(|p| p.pause(timestamp));
                clock.playing.set(false);
            }
        });
        clock
    }

    /// New runs: the cursor back at 0, paused, over `0..end` ms.
    pub fn reset(self, end: f64) {
        self.until.set(end);
        self.cursor.set(0.0);
        self.playing.set(false);
        self.playback
            .set_value(Playback::new((0.0, end), self.slowdown.get_untracked()));
    }

    fn play_or_pause(self) {
        let now = local_now();
        if self.playing.get_untracked() {
            self.playback.update_value(|p| p.pause(now));
            self.playing.set(false);
        } else {
            self.playback.update_value(|p| {
                if p.finished(now) {
                    p.seek(0.0, now);
                }
                p.play(now);
            });
            self.playing.set(true);
        }
    }

    fn seek(self, t: f64) {
        let now = local_now();
        self.playback.update_value(|p| {
            p.pause(now);
            p.seek(t, now);
        });
        self.playing.set(false);
        self.cursor.set(self.playback.get_value().position(now));
    }

    /// The cursor's line over a canvas, at `x_of(cursor)` CSS pixels from
    /// its left (None: not drawn yet); hidden at 0, where the replay rests.
    pub fn cursor_line(
        self,
        x_of: impl Fn(f64) -> Option<f64> + Send + Sync + 'static,
    ) -> impl IntoView {
        let cursor = self.cursor;
        view! {
            <div
                class="server-cursor"
                aria-hidden="true"
                style=move || match x_of(cursor.get()) {
                    Some(x) if cursor.get() > 0.0 => format!("left:{x}px"),
                    _ => "display:none".to_string(),
                }
            ></div>
        }
    }

    /// Replay/Pause, the speed and the scrubber, named by `labels`;
    /// `class` names the group for its card.
    pub fn controls(self, labels: ReplayLabels, class: &'static str) -> impl IntoView {
        view! {
            <div class=format!("replay-controls {class}") role="group" aria-label=labels.group>
                <button
                    class="small"
                    aria-pressed=move || self.playing.get().to_string()
                    on:click=move |_| self.play_or_pause()
                    disabled=move || self.until.get() <= 0.0
                >
                    {move || if self.playing.get() { "Pause" } else { "Replay" }}
                </button>
                {speed_select(
                    labels.speed,
                    self.slowdown,
                    move |s, now| self.playback.update_value(|p| p.set_slowdown(s, now)),
                )}
                <input
                    type="range"
                    class="scrubber"
                    aria-label=labels.position
                    aria-valuetext=move || format_ms(self.cursor.get())
                    min="0"
                    max=move || self.until.get().to_string()
                    step="any"
                    prop:value=move || self.cursor.get().to_string()
                    on:input=move |ev| {
                        if let Ok(t) = event_target_value(&ev).parse::<f64>() {
                            self.seek(t);
                        }
                    }
                />
                <span class="replay-time" aria-hidden="true">{move || format_ms(self.cursor.get())}</span>
            </div>
        }
    }
}
