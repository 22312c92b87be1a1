//! What a server's runs, served different ways, show side by side: the
//! sentence under the server's table, claiming only what its figures say.

use crate::engine::format::{count, format_ms, thousands};
use crate::engine::plan::Way;
use crate::engine::record::{Served, ServedOutcome};
use std::borrow::Borrow;

/// Two ways' requests per second less than this factor apart are not told
/// apart. Measured here (2 cores, 2026-12-03): one loop's requests per
/// second over repeated runs of the same connections spread up to 1.31×
/// (5 runs of 100,000 connections, make bench) and 1.42× (4 runs of
/// compute-heavy handlers); a pair of runs closer than that says nothing
/// about which way is faster. (The goroutines lesson's M:N / one loop read
/// 1.70–2.68 in 7 runs: past it.)
pub const SERVED_NOISE: f64 = 1.5;

/// Two p99 scheduled times less than this factor apart are not told apart:
/// the hot lesson's p99 over 5 runs of the same way spread 2.4× pinned
/// (5.3–12.7 ms) and 2.6× stealing (1.7–4.4 ms) (make bench, 2026-12-03).
/// A tail is noisier than a mean: one pair of runs says which way kept it
/// shorter only past this factor.
pub const TAIL_NOISE: f64 = 2.6;

/// Nor are p99s less than this apart (ms): below it, timer jitter.
pub const TAIL_FLOOR_MS: f64 = 0.5;

/// The comparison of the completed runs in `runs` (the latest of each
/// way), or None when fewer than two ways completed.
pub fn served_sentence<S: Borrow<Served>>(runs: &[S]) -> Option<String> {
    let of = |w: Way| {
        runs.iter()
            .map(Borrow::borrow)
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
        let on = count(best.loops.len() as u32, "thread");
        out.push(if f >= SERVED_NOISE {
            format!(
                "{} on {on} served {}, {f:.1}× one loop's {}: each thread runs an event loop of its own.",
                best.way.label(),
                rate(best),
                rate(one)
            )
        } else if f * SERVED_NOISE <= 1.0 {
            format!(
                "{} on {on} served {}, fewer than one loop's {}.",
                best.way.label(),
                rate(best),
                rate(one)
            )
        } else {
            format!(
                "{} on {on} and one loop served about as many requests per second ({} and {}): within what runs of one way differ by ({SERVED_NOISE}×).",
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
        let steals = match stealing.steals() {
            0 => "with no steal".to_string(),
            n => format!(
                "after {} {}",
                thousands(n),
                if n == 1 { "steal" } else { "steals" }
            ),
        };
        let apart = (p - s).abs() >= TAIL_FLOOR_MS;
        out.push(if apart && p > s * TAIL_NOISE {
            format!(
                "Pinned, 99 % of messages waited at most {} for their loop; stealing, {}, {steals}.",
                format_ms(p),
                format_ms(s)
            )
        } else if apart && s > p * TAIL_NOISE {
            format!(
                "Stealing, 99 % of messages waited at most {} for their loop ({steals}); pinned, {}: stealing did not help here.",
                format_ms(s),
                format_ms(p)
            )
        } else {
            format!(
                "Pinned or stealing, the p99 of the wait for a loop ({} and {}) was within what runs of one way differ by ({TAIL_NOISE}×).",
                format_ms(p),
                format_ms(s)
            )
        });
        // Each loop's idle share, a fact of this run: pinned loops out of
        // balance show here even when the tails are within noise.
        let idle = |r: &Served| {
            r.idle_shares()
                .iter()
                .map(|x| format!("{:.0} %", x * 100.0))
                .collect::<Vec<_>>()
                .join(" and ")
        };
        out.push(format!(
            "Idle share of each loop: pinned {}, stealing {}.",
            idle(pinned),
            idle(stealing)
        ));
    }
    Some(out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::record::LoopReport;

    fn run(way: Way, threads: usize, wall_ms: f64, scheduled: &[f64]) -> Served {
        let per = scheduled.len() / threads;
        Served::new(
            way,
            scheduled.len() as u64,
            None,
            (0.0, wall_ms),
            (0..threads)
                .map(|t| LoopReport {
                    handled: per as u64,
                    scheduled_ms: scheduled[t * per..(t + 1) * per].to_vec(),
                    steals: if way == Way::Stealing { 3 } else { 0 },
                    ..LoopReport::default()
                })
                .collect(),
            ServedOutcome::Completed,
        )
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
        assert_eq!(
            s,
            "M:N with stealing (Go, tokio) on 2 threads served 200 requests/s, 2.0× one loop's 100 requests/s: each thread runs an event loop of its own. \
             Pinned, 99 % of messages waited at most 30.0 ms for their loop; stealing, 0.10 ms, after 6 steals. \
             Idle share of each loop: pinned 100 % and 100 %, stealing 100 % and 100 %."
        );
        // Stealing worse: said so, not "about as long".
        let worse = [
            run(Way::Pinned, 2, 500.0, &lat),
            run(Way::Stealing, 2, 500.0, &hot),
        ];
        let s = served_sentence(&worse).unwrap();
        assert!(s.starts_with("Stealing, 99 % of messages waited at most 30.0 ms for their loop (after 6 steals); pinned, 0.10 ms: stealing did not help here."), "{s}");
        // Within noise: no claim either way, and no cause given.
        let even = [
            run(Way::OneLoop, 1, 1_000.0, &lat),
            run(Way::Stealing, 2, 850.0, &lat),
            run(Way::Pinned, 2, 850.0, &lat),
        ];
        let s = served_sentence(&even).unwrap();
        assert!(s.contains("about as many requests per second (118 requests/s and 100 requests/s): within what runs of one way differ by (1.5×)."), "{s}");
        assert!(s.contains("the p99 of the wait for a loop (0.10 ms and 0.10 ms) was within what runs of one way differ by (2.6×)."), "{s}");
        // Tails apart by a large factor but by less than the floor: jitter.
        let tiny = |x: f64| vec![x; 100];
        let jitter = [
            run(Way::Pinned, 2, 500.0, &tiny(0.02)),
            run(Way::Stealing, 2, 500.0, &tiny(0.2)),
        ];
        assert!(
            served_sentence(&jitter)
                .unwrap()
                .contains("was within what runs of one way differ by")
        );
        // Fewer: said, with no cause.
        let fewer = [
            run(Way::OneLoop, 1, 500.0, &lat),
            run(Way::Pinned, 1, 1_000.0, &lat),
        ];
        let s = served_sentence(&fewer).unwrap();
        assert_eq!(
            s,
            "A loop per thread, pinned (Node cluster) on 1 thread served 100 requests/s, fewer than one loop's 200 requests/s."
        );
        // A stopped run is not compared.
        let mut stopped = run(Way::Stealing, 2, 10.0, &lat);
        stopped.outcome = ServedOutcome::Stopped;
        assert_eq!(
            served_sentence(&[run(Way::OneLoop, 1, 1_000.0, &lat), stopped]),
            None
        );
    }
}
