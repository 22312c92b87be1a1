//! Results that travel: recorded runs in a result link (a versioned,
//! bounded binary record, base64url in the URL's fragment), in a JSON report
//! (written, and read back), and as files for other tools (CSV, Chrome
//! trace events).
//!
//! Architecture invariants:
//! - reading never panics and never trusts a length: a link or a file from
//!   a stranger is checked against the bounds in `recorded.rs` before
//!   anything is allocated or drawn, and a breach is refused in words
//!   ([`LinkError`]); both readers end in [`validate`];
//! - the page's compression (the browser's `CompressionStream`) is not
//!   here: this folder sees bytes. Imports `plan`, `record` and
//!   `environment`.

mod base64url;
mod binary;
mod codec;
mod export;
#[cfg(test)]
pub(crate) mod fixtures;
mod json;
mod recorded;
mod report;
mod served_export;
mod served_record;
mod shareable;
mod trained_export;
mod trained_record;
mod user_agent;
mod validate;

pub use base64url::{base64url_decode, base64url_encode, fragment_payload};
pub use codec::{
    Decoded, OLDEST_VERSION, VERSION, decode, decode_any, encode, encode_served, encode_trained,
};
pub use export::{chrome_trace, spans_csv};
pub use json::{json_number, json_string};
pub use recorded::{
    FRAGMENT_PREFIX, Kind, LINK_BUDGET_BYTES, LinkError, MAX_BROWSER_CHARS, MAX_CORES,
    MAX_DECOMPRESSED_BYTES, MAX_FRAGMENT_CHARS, MAX_MESSAGE_CHARS, MAX_REPORT_BYTES, MAX_RUNS,
    MAX_SPANS_PER_RUN, MAX_TIME_MS, MAX_TOTAL_SPANS, Machine, Prediction, Recorded, Summarised,
};
pub use report::{SERVER_REPORT_KIND, TRAINING_REPORT_KIND, from_report_json, report_json};
pub use served_export::{served_chrome_trace, served_report_json};
pub use served_record::ServedRecord;
pub use shareable::shareable;
pub use trained_export::{trained_chrome_trace, trained_report_json};
pub use trained_record::{Detail, TrainedRecord, unshareable};
pub use user_agent::browser_name;
pub use validate::validate;
