//! "Share these runs" on the server card: a result link that carries its
//! runs as they were measured (format 4's kind 2,
//! `engine::travel::encode_served`): every figure the card shows and each
//! loop's run queue. Past the size budget the run queues are left out,
//! and the link says so; past it still, the JSON report is the way to
//! send them.

use super::card_share::{CardShare, Offer};
use super::server_state::ServerState;
use crate::engine::environment::Environment;
use crate::engine::travel::{Machine, ServedRecord, encode_served};
use crate::runtime::probe::today;
use leptos::prelude::*;
use reactive_stores::Field;

fn offers(state: ServerState, env: Field<Environment>) -> Result<Vec<Offer>, String> {
    let rec = ServedRecord {
        // Runs that came in a link keep the machine they were measured on.
        machine: state
            .received
            .get_untracked()
            .unwrap_or_else(|| env.with_untracked(|e| Machine::of(e, &today()))),
        asked: state
            .served_with
            .get_untracked()
            .unwrap_or_else(|| state.ask.get_untracked()),
        runs: state.runs.get_untracked(),
        queues: true,
    };
    let caption = |queues: bool| -> Box<dyn Fn(f64) -> String> {
        Box::new(move |kb| {
            format!(
                "A link of {kb:.1} KB: the numbers served, each way's figures{}, and the cores and browser of the machine that measured them; the timelines stay there.",
                if queues {
                    " and run queues"
                } else {
                    " (the run queues left out: with them the link would pass its size budget)"
                }
            )
        })
    };
    Ok(vec![
        Offer {
            record: encode_served(&rec),
            caption: caption(true),
        },
        Offer {
            record: encode_served(&ServedRecord {
                queues: false,
                ..rec
            }),
            caption: caption(false),
        },
    ])
}

#[component]
pub fn ServerShare(#[prop(into)] env: Field<Environment>) -> impl IntoView {
    let state = expect_context::<ServerState>();
    view! {
        <CardShare
            offers=Callback::new(move |()| offers(state, env))
            runs=Callback::new(move |()| state.runs.track())
            busy=Signal::derive(move || state.serving.with(Option::is_some))
            class="server-share"
            too_large="Save the server report (JSON) instead."
        />
    }
}
