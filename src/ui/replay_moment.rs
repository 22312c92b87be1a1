//! What the replay says of its moment: what each lane does, the tasks in
//! flight and done, and whether the page could paint, in words; recomputed
//! when the cursor moves, re-rendered only when the words change.

use crate::charts::format_ms;
use crate::engine::format::plural;
use crate::engine::record::{Lane, Moment, Paint};
use leptos::prelude::*;

/// The moment's words, each a memo of its own.
#[derive(Clone, Copy)]
pub struct MomentWords {
    /// Each lane's name and what it does.
    pub lanes: Memo<Vec<(String, String)>>,
    /// Tasks in flight and done.
    pub counts: Memo<Option<(u32, u32)>>,
    /// Whether the page could paint, in words.
    pub paint: Memo<Option<String>>,
    /// "painting", "frozen", "unknown" (for the tests), or "" with no moment.
    pub paint_kind: Memo<&'static str>,
}

impl MomentWords {
    /// The words of `moment`; `has_frames`: whether frames came with its run.
    pub fn of(moment: Memo<Option<Moment>>, has_frames: Memo<bool>) -> MomentWords {
        let lanes = Memo::new(move |_| {
            moment.with(|m| {
                m.as_ref().map_or_else(Vec::new, |m| {
                    m.lanes
                        .iter()
                        .map(|l| (l.lane.to_string(), l.describe()))
                        .collect::<Vec<_>>()
                })
            })
        });
        let counts = Memo::new(move |_| moment.with(|m| m.as_ref().map(|m| (m.in_flight, m.done))));
        let paint = Memo::new(move |_| {
            moment.with(|m| {
                m.as_ref().map(|m| {
                    let main_computing = m
                        .lanes
                        .iter()
                        .any(|l| l.lane == Lane::Main && !l.computing.is_empty());
                    paint_words(m.paint, main_computing, has_frames.get())
                })
            })
        });
        let paint_kind = Memo::new(move |_| {
            moment.with(|m| match m.as_ref().map(|m| m.paint) {
                Some(Paint::Painting { .. }) => "painting",
                Some(Paint::Frozen { .. }) => "frozen",
                Some(Paint::Unknown) => "unknown",
                None => "",
            })
        });
        MomentWords {
            lanes,
            counts,
            paint,
            paint_kind,
        }
    }

    /// Said to screen readers when the cursor stops at `at` ms.
    pub fn announcement(self, at: f64) -> Option<String> {
        let ((in_flight, done), paint) = (self.counts.get()?, self.paint.get()?);
        let lanes = self
            .lanes
            .get()
            .iter()
            .map(|(lane, doing)| format!("{lane}: {doing}"))
            .collect::<Vec<_>>()
            .join("; ");
        Some(format!(
            "At {}: {lanes}. {in_flight} tasks in flight, {done} done. {paint}.",
            format_ms(at)
        ))
    }

    /// The moment shown under the controls.
    pub fn view(self, tasks: Memo<u32>, frozen: Signal<bool>) -> impl IntoView {
        let MomentWords {
            lanes,
            counts,
            paint,
            ..
        } = self;
        view! {
            <p class="replay-counts">
                {move || {
                    counts
                        .get()
                        .map(|(in_flight, done)| {
                            format!(
                                "{in_flight} task{} in flight · {done} of {} done",
                                plural(in_flight),
                                tasks.get()
                            )
                        })
                }}
            </p>
            <dl class="replay-lanes">
                <For each=move || lanes.get() key=|(lane, doing)| (lane.clone(), doing.clone()) let((lane, doing))>
                    <dt>{lane}</dt>
                    <dd>{doing}</dd>
                </For>
                <dt>"the page"</dt>
                <dd class="replay-paint" class:frozen=move || frozen.get()>
                    {move || paint.get()}
                </dd>
            </dl>
        }
    }
}

/// Whether the page could paint, in words. `main_computing`: the main
/// thread computes at this instant, so even without a dropped frame the next
/// one waits for it.
fn paint_words(paint: Paint, main_computing: bool, has_frames: bool) -> String {
    match paint {
        Paint::Painting {
            last_frame,
            next_frame,
        } if main_computing => format!(
            "busy computing: the next frame waits for it (frames at {} and {}, none dropped)",
            format_ms(last_frame),
            format_ms(next_frame)
        ),
        Paint::Painting { last_frame, .. } => {
            format!("could paint (a frame at {})", format_ms(last_frame))
        }
        Paint::Frozen { from, to } => format!(
            "could not paint: no frame from {} to {} ({})",
            format_ms(from),
            format_ms(to),
            format_ms(to - from)
        ),
        Paint::Unknown if has_frames => "no frame recorded around this moment".into(),
        Paint::Unknown => "frames were not recorded for this run".into(),
    }
}
