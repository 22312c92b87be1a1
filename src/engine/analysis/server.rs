//! What a server's runs, served different ways, show side by side: the
//! sentence under the server's table, claiming only what its figures say.

use crate::engine::format::{format_ms, thousands};
use crate::engine::plan::Way;
use crate::engine::record::{Served, ServedOutcome};

/// Below this factor two throughputs or latencies are not told apart: a
/// run's own spread on a busy 2-core machine is about this wide.
pub const SERVED_NOISE: f64 = 1.1;

/// The comparison of the completed runs in `runs` (the latest of each
/// way), or None when fewer than two ways completed.
pub fn served_sentence(runs: &[Served]) -> Option<String> {
    let of = |w: Way| {
        runs.iter()
            .rev()
            .find(|s| s.way == w && s.outcome == ServedOutcome::Completed)
    };
    let done: Vec<&Served> = Way::ALL.into_iter().filter_map(of).collect();
    if done.len() < 2 {
        return None;
    }
    let mut out = Vec::new();
    let rate = |s: &Served| {
        format!(
            "{} requests/s",
            thousands(s.requests_per_s().round() as u64)
        )
    };
    if let (Some(one), Some(best)) = (
        of(Way::OneLoop),
        [Way::Stealing, Way::Pinned].into_iter().find_map(of),
    ) {
        let f = best.requests_per_s() / one.requests_per_s().max(f64::MIN_POSITIVE);
        let threads = best.loops.len();
        out.push(if f >= SERVED_NOISE {
            format!(
                "{} on {threads} threads served {}, {f:.1}× one loop's {}: each thread is an event loop of its own.",
                best.way.label(),
                rate(best),
                rate(one)
            )
        } else if f * SERVED_NOISE <= 1.0 {
            format!(
                "{} on {threads} threads served {}, fewer than one loop's {}: the handlers were too short for threads to pay off here.",
                best.way.label(),
                rate(best),
                rate(one)
            )
        } else {
            format!(
                "{} on {threads} threads and one loop served about as many requests per second ({} and {}): the waits, not the handlers, set the pace.",
                best.way.label(),
                rate(best),
                rate(one)
            )
        });
    }
    if let (Some(pinned), Some(stealing)) = (of(Way::Pinned), of(Way::Stealing)) {
        let (p, s) = (
            pinned.scheduled_quantile(0.99).unwrap_or(0.0),
            stealing.scheduled_quantile(0.99).unwrap_or(0.0),
        );
        out.push(if p > s * SERVED_NOISE && p - s >= 0.5 {
            format!(
                "Pinned, 99 % of messages waited at most {} for their loop; stealing, {} ({} steals): an idle loop took the ready messages a busy one could not get to.",
                format_ms(p),
                format_ms(s),
                thousands(stealing.steals())
            )
        } else {
            format!(
                "Pinned or stealing, 99 % of messages waited about as long for their loop ({} and {}): no loop fell behind the others enough for stealing to help.",
                format_ms(p),
                format_ms(s)
            )
        });
    }
    Some(out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::record::LoopReport;

    fn run(way: Way, threads: usize, wall_ms: f64, scheduled: &[f64]) -> Served {
        let per = scheduled.len() / threads;
        Served {
            way,
            connections: 10,
            expected: scheduled.len() as u64,
            expected_checksum: None,
            start_ms: 0.0,
            wall_ms,
            stop_latency_ms: None,
            loops: (0..threads)
                .map(|t| LoopReport {
                    handled: per as u64,
                    scheduled_ms: scheduled[t * per..(t + 1) * per].to_vec(),
                    steals: 3,
                    ..LoopReport::default()
                })
                .collect(),
            outcome: ServedOutcome::Completed,
        }
    }

    #[test]
    fn says_what_the_figures_show_and_no_more() {
        let lat = vec![0.1; 100];
        let mut hot = vec![0.1; 100];
        hot[99] = 30.0;
        hot[98] = 30.0;
        let runs = [
            run(Way::OneLoop, 1, 1_000.0, &lat),
            run(Way::Pinned, 2, 520.0, &hot),
            run(Way::Stealing, 2, 500.0, &lat),
        ];
        let s = served_sentence(&runs).unwrap();
        assert!(s.starts_with("M:N with stealing (Go, tokio) on 2 threads served 200 requests/s, 2.0× one loop's 100 requests/s"), "{s}");
        assert!(
            s.contains("Pinned, 99 % of messages waited at most 30.0 ms"),
            "{s}"
        );
        // Within noise: no claim either way.
        let even = [
            run(Way::OneLoop, 1, 1_000.0, &lat),
            run(Way::Stealing, 2, 950.0, &lat),
            run(Way::Pinned, 2, 950.0, &lat),
        ];
        let s = served_sentence(&even).unwrap();
        assert!(s.contains("about as many requests per second"), "{s}");
        assert!(s.contains("about as long"), "{s}");
        // A stopped run is not compared.
        let mut stopped = run(Way::Stealing, 2, 10.0, &lat);
        stopped.outcome = ServedOutcome::Stopped;
        assert_eq!(
            served_sentence(&[run(Way::OneLoop, 1, 1_000.0, &lat), stopped]),
            None
        );
    }
}
