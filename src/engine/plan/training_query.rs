//! The training card's numbers in a link, beside the settings' keys:
//! `train_features=…&train_batch=…&train_steps=…&train_reduce=…`. Written
//! only when they differ from the card's defaults, so that other links stay
//! as they were; `parse_query` leaves every key with the [`TRAIN_PREFIX`] to
//! this file.
//!
//! As with the settings, reading never fails: an unknown key, a repeated
//! one or a bad value is said in a [`Notice`] and the number keeps its
//! default; a value the card does not offer becomes the nearest one it
//! does, and that is said too.

use super::query::{cap_notices, percent_decode, quote};
use super::{BATCHES_OFFERED, Choice, FEATURES, Notice, Reduce, STEPS};
use crate::engine::format::thousands;
use std::collections::BTreeSet;

/// What starts each of the card's keys.
pub const TRAIN_PREFIX: &str = "train_";

/// The training card's numbers: what its controls show and its runs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainAsk {
    pub features: usize,
    /// The ladder's largest batch; the scaling sweeps' batch.
    pub batch: usize,
    pub steps: u32,
    pub reduce: Reduce,
}

impl Default for TrainAsk {
    fn default() -> TrainAsk {
        TrainAsk {
            features: 64,
            batch: 16_384,
            steps: 60,
            reduce: Reduce::Scatter,
        }
    }
}

/// The value of `offered` nearest `v` (the smaller on a tie).
fn nearest(v: usize, offered: &[usize]) -> usize {
    offered
        .iter()
        .copied()
        .min_by_key(|&o| (o.abs_diff(v), o))
        .unwrap_or(v)
}

impl TrainAsk {
    /// The numbers as the card offers them, and what changed, in words.
    pub fn clamped(self) -> (TrainAsk, Vec<String>) {
        let mut said = Vec::new();
        let features = nearest(self.features, &FEATURES);
        if features != self.features {
            said.push(format!(
                "Features per sample: {} is not offered; {features} used (one of {}).",
                self.features,
                FEATURES.map(|f| f.to_string()).join(", ")
            ));
        }
        let batch = nearest(self.batch, &BATCHES_OFFERED);
        if batch != self.batch {
            said.push(format!(
                "Samples per step: {} is not offered; {} used (one of {}).",
                thousands(self.batch as u64),
                thousands(batch as u64),
                BATCHES_OFFERED.map(|b| thousands(b as u64)).join(", ")
            ));
        }
        let steps = self.steps.clamp(STEPS.0, STEPS.1);
        if steps != self.steps {
            said.push(format!(
                "Steps per run: {} is out of range, {steps} used ({} to {}).",
                self.steps, STEPS.0, STEPS.1
            ));
        }
        let ask = TrainAsk {
            features,
            batch,
            steps,
            reduce: self.reduce,
        };
        (ask, said)
    }
}

/// The card's numbers as query pairs (without `?` or a leading `&`);
/// empty when they are the defaults.
pub fn train_to_query(ask: &TrainAsk) -> String {
    let d = TrainAsk::default();
    let mut parts = Vec::new();
    if ask.features != d.features {
        parts.push(format!("train_features={}", ask.features));
    }
    if ask.batch != d.batch {
        parts.push(format!("train_batch={}", ask.batch));
    }
    if ask.steps != d.steps {
        parts.push(format!("train_steps={}", ask.steps));
    }
    if ask.reduce != d.reduce {
        parts.push(format!("train_reduce={}", ask.reduce.name()));
    }
    parts.join("&")
}

/// The card's numbers a query asks for (`None` when it names none), and
/// what to tell the person about them.
pub fn train_from_query(query: &str) -> (Option<TrainAsk>, Vec<Notice>) {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut ask = TrainAsk::default();
    let mut notices = Vec::new();
    let mut seen = BTreeSet::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(raw_key);
        if !key.starts_with(TRAIN_PREFIX) {
            continue;
        }
        if !seen.insert(key.clone()) {
            notices.push(Notice::new(
                quote(&key),
                "given more than once; the first value is used",
            ));
            continue;
        }
        let value = percent_decode(raw_value);
        let value = value.trim();
        // A whole count: anything else is said, and the default kept; a
        // huge one saturates, and the clamp below says what was used.
        let whole = || {
            value
                .parse::<u64>()
                .ok()
                .map(|n| n.min(u64::from(u32::MAX)))
                .ok_or_else(|| {
                    format!(
                        "{} is not a whole number of at least 0; the card's default is used",
                        quote(value)
                    )
                })
        };
        let applied = match &key[TRAIN_PREFIX.len()..] {
            "features" => whole().map(|n| ask.features = n as usize),
            "batch" => whole().map(|n| ask.batch = n as usize),
            "steps" => whole().map(|n| ask.steps = n as u32),
            "reduce" => Reduce::from_name(value)
                .map(|r| ask.reduce = r)
                .ok_or_else(|| {
                    format!(
                        "{} is not to-one or scatter; the card's default is used",
                        quote(value)
                    )
                }),
            _ => Err("not a setting of the training card; ignored".to_string()),
        };
        if let Err(message) = applied {
            notices.push(Notice::new(quote(&key), message));
        }
    }
    if seen.is_empty() {
        return (None, notices);
    }
    let (ask, said) = ask.clamped();
    notices.extend(said.into_iter().map(|m| Notice::new("training", m)));
    (Some(ask), cap_notices(notices))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_write_nothing_and_other_numbers_come_back() {
        assert_eq!(train_to_query(&TrainAsk::default()), "");
        assert_eq!(train_from_query("?mode=parallel"), (None, vec![]));
        let ask = TrainAsk {
            features: 128,
            batch: 65_536,
            steps: 20,
            reduce: Reduce::ToOne,
        };
        let q = train_to_query(&ask);
        assert_eq!(
            q,
            "train_features=128&train_batch=65536&train_steps=20&train_reduce=to-one"
        );
        assert_eq!(
            train_from_query(&format!("?mode=both&{q}")),
            (Some(ask), vec![])
        );
        // The settings' parser leaves them to the card, repeats included.
        assert_eq!(
            crate::engine::plan::parse_query("train_steps=2&train_steps=3").1,
            vec![]
        );
    }

    #[test]
    fn bad_values_are_said_and_keep_the_default() {
        let (ask, notices) = train_from_query(
            "train_features=-5&train_batch=lots&train_steps=2.5&train_reduce=tree&train_colour=red&train_steps=3",
        );
        assert_eq!(ask, Some(TrainAsk::default()));
        let said: Vec<String> = notices.iter().map(ToString::to_string).collect();
        for part in [
            "train_features: -5 is not a whole number",
            "train_batch: lots is not a whole number",
            "train_steps: 2.5 is not a whole number",
            "train_reduce: tree is not to-one or scatter",
            "train_colour: not a setting of the training card",
            "train_steps: given more than once",
        ] {
            assert!(
                said.iter().any(|s| s.starts_with(part)),
                "{part} missing: {said:?}"
            );
        }
    }

    #[test]
    fn values_not_offered_become_the_nearest_and_are_said() {
        let (ask, notices) =
            train_from_query("train_features=100&train_batch=99999999999&train_steps=0");
        let ask = ask.expect("asked");
        assert_eq!((ask.features, ask.batch, ask.steps), (128, 65_536, STEPS.0));
        let said: Vec<String> = notices.iter().map(ToString::to_string).collect();
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(said[0].contains("100 is not offered; 128 used"), "{said:?}");
        assert!(said[2].contains("0 is out of range, 5 used"), "{said:?}");
    }
}
