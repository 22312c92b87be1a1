//! A server's workload, the goroutines example: many connections, each a
//! sequence of messages (a wait, then a handler's computation), served one
//! of three ways. Data only, like every plan: seeded, so a link or a test
//! gets the same waits and the same handlers anywhere.

use crate::engine::work::Kernel;

/// How a server's connections are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Way {
    /// One event loop on the main thread: Node.js.
    OneLoop,
    /// A loop per pool thread, connection `c` on loop `c mod p` for good:
    /// Node's cluster mode, nginx's workers.
    Pinned,
    /// A loop per pool thread that steals ready work from busy ones: Go's
    /// scheduler, tokio.
    Stealing,
}

impl Way {
    pub const ALL: [Way; 3] = [Way::OneLoop, Way::Pinned, Way::Stealing];

    pub fn name(self) -> &'static str {
        match self {
            Way::OneLoop => "one-loop",
            Way::Pinned => "pinned",
            Way::Stealing => "stealing",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Way::OneLoop => "One event loop (Node.js)",
            Way::Pinned => "A loop per thread, pinned (Node cluster)",
            Way::Stealing => "M:N with stealing (Go, tokio)",
        }
    }

    /// Its place in [`Way::ALL`]: its code in a link, its colour in a chart.
    pub fn index(self) -> usize {
        Way::ALL.iter().position(|&w| w == self).unwrap_or(0)
    }

    pub fn from_name(name: &str) -> Option<Way> {
        Way::ALL.into_iter().find(|w| w.name() == name)
    }

    /// Whether it runs on the pool's threads (else on the main thread).
    pub fn uses_pool(self) -> bool {
        self != Way::OneLoop
    }
}

/// The server's workload: `connections` × `messages`, each message a wait
/// of mean `wait_mean_ms` then `units` of the kernel; the first `hot`
/// connections' handlers compute `hot_factor` times as much.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Server {
    pub connections: u32,
    pub messages: u32,
    pub wait_mean_ms: f64,
    pub units: u64,
    pub hot: u32,
    pub hot_factor: u64,
    pub kernel: Kernel,
    pub seed: u64,
}

/// A small, fast mixing of 64 bits (SplitMix64's finaliser).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Server {
    /// The wait before message `m` of connection `c` (ms): exponential,
    /// the same for a seed wherever and whenever it runs.
    pub fn wait_ms(&self, c: u32, m: u32) -> f64 {
        let h = mix(self.seed ^ mix((u64::from(c) << 32) | u64::from(m)));
        // A uniform in (0, 1]: never ln(0).
        let u = ((h >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        -self.mean_ms() * u.ln()
    }

    /// The mean wait, finite and within a minute: an infinite or NaN one
    /// would arm a timer that never fires (the run would never end).
    fn mean_ms(&self) -> f64 {
        if self.wait_mean_ms.is_finite() {
            self.wait_mean_ms.clamp(0.0, 60_000.0)
        } else {
            0.0
        }
    }

    /// Kernel units of each of connection `c`'s handlers.
    pub fn units_of(&self, c: u32) -> u64 {
        if c < self.hot {
            self.units.saturating_mul(self.hot_factor.max(1))
        } else {
            self.units
        }
    }

    /// The first unit of message `m` of connection `c`: every handler
    /// computes its own units, so the checksum says each ran once.
    fn first_unit(&self, c: u32, m: u32) -> u64 {
        (u64::from(c) * u64::from(self.messages) + u64::from(m)).wrapping_mul(1 << 20)
    }

    /// Runs message `m` of connection `c`'s handler: its checksum.
    pub fn handle(&self, c: u32, m: u32) -> u64 {
        self.kernel.run(self.first_unit(c, m), self.units_of(c))
    }

    pub fn total_messages(&self) -> u64 {
        u64::from(self.connections) * u64::from(self.messages)
    }

    /// The checksum of every handler run once, in any order.
    pub fn expected_checksum(&self) -> u64 {
        let mut sum = 0u64;
        for c in 0..self.connections {
            for m in 0..self.messages {
                sum = sum.wrapping_add(self.handle(c, m));
            }
        }
        sum
    }
}

/// What a person asks of the server, before it is sized in kernel units:
/// the page's controls.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerAsk {
    pub connections: u32,
    pub messages: u32,
    /// Each handler's computation (ms on the main thread).
    pub handler_ms: f64,
    pub wait_mean_ms: f64,
    /// One connection's handlers compute [`HOT_FACTOR`] times as much.
    pub hot: bool,
}

/// How many times as much a hot connection's handler computes.
pub const HOT_FACTOR: u64 = 100;

impl Default for ServerAsk {
    fn default() -> ServerAsk {
        ServerAsk {
            connections: 1_000,
            messages: 5,
            handler_ms: 0.2,
            wait_mean_ms: 50.0,
            hot: false,
        }
    }
}

/// The bounds of each control: (least, most).
pub const CONNECTIONS: (u32, u32) = (1, 100_000);
pub const MESSAGES: (u32, u32) = (1, 50);
pub const HANDLER_MS: (f64, f64) = (0.01, 20.0);
pub const WAIT_MEAN_MS: (f64, f64) = (0.0, 1_000.0);
/// The most messages a run may hold: each loop keeps 8 bytes a message
/// (its scheduled time), so three ways of this many take some 12 MB, up
/// to twice that while their vectors grow.
pub const MAX_MESSAGES: u64 = 500_000;
/// The longest a handler may compute (ms): the one loop runs each to its
/// end before it looks at Stop or lets the page paint.
pub const MAX_HANDLER_MS: f64 = 50.0;

impl ServerAsk {
    /// Within the bounds, every change said in words (a NaN is the
    /// default's value).
    pub fn clamped(self) -> (ServerAsk, Vec<String>) {
        let mut said = Vec::new();
        let d = ServerAsk::default();
        let mut whole = |v: u32, (lo, hi): (u32, u32), what: &str| {
            let c = v.clamp(lo, hi);
            if c != v {
                said.push(format!(
                    "{what}: {v} is out of range, {c} used ({lo} to {hi})."
                ));
            }
            c
        };
        let connections = whole(self.connections, CONNECTIONS, "Connections");
        let messages = whole(self.messages, MESSAGES, "Messages per connection");
        let mut real = |v: f64, (lo, hi): (f64, f64), fallback: f64, what: &str| {
            let c = if v.is_nan() {
                fallback
            } else {
                v.clamp(lo, hi)
            };
            if c != v {
                said.push(format!(
                    "{what}: {v} is out of range, {c} used ({lo} to {hi})."
                ));
            }
            c
        };
        let mut handler_ms = real(self.handler_ms, HANDLER_MS, d.handler_ms, "Handler (ms)");
        let wait_mean_ms = real(
            self.wait_mean_ms,
            WAIT_MEAN_MS,
            d.wait_mean_ms,
            "Mean wait (ms)",
        );
        let mut messages = messages;
        let total = u64::from(connections) * u64::from(messages);
        if total > MAX_MESSAGES {
            let fits = (MAX_MESSAGES / u64::from(connections)).max(1) as u32;
            said.push(format!(
                "Messages per connection: {} connections × {messages} is more than the {} messages a run may hold; {fits} used.",
                crate::engine::format::thousands(connections),
                crate::engine::format::thousands(MAX_MESSAGES)
            ));
            messages = fits;
        }
        let most = MAX_HANDLER_MS / HOT_FACTOR as f64;
        if self.hot && handler_ms > most {
            said.push(format!(
                "Handler (ms): with the hot connection ({HOT_FACTOR}× as much), at most {most} ms, so that no handler holds its loop for more than {MAX_HANDLER_MS} ms; {most} used."
            ));
            handler_ms = most;
        }
        (
            ServerAsk {
                connections,
                messages,
                handler_ms,
                wait_mean_ms,
                hot: self.hot,
            },
            said,
        )
    }

    /// The numbers in words: "1,000 connections × 5 messages, handlers of
    /// 0.2 ms, waits of 50 ms on average" (and the hot connection).
    pub fn describe(&self) -> String {
        format!(
            "{} connections × {} messages, handlers of {} ms, waits of {} ms on average{}",
            crate::engine::format::thousands(self.connections),
            self.messages,
            self.handler_ms,
            self.wait_mean_ms,
            if self.hot {
                format!(", one connection's handlers {HOT_FACTOR}× as long")
            } else {
                String::new()
            }
        )
    }

    /// The handlers' computation, summed (ms on one thread): the least one
    /// loop can take.
    pub fn compute_ms(&self) -> f64 {
        let hot = if self.hot { HOT_FACTOR - 1 } else { 0 };
        (f64::from(self.connections) + hot as f64) * f64::from(self.messages) * self.handler_ms
    }

    /// An estimate of one loop's run (ms): its computation, or its longest
    /// chain of waits when that is longer (a connection's messages wait one
    /// after another). An estimate, from the settings alone.
    pub fn estimate_ms(&self) -> f64 {
        self.compute_ms()
            .max(f64::from(self.messages) * (self.wait_mean_ms + self.handler_ms))
    }

    /// The seed of its waits: the same numbers give the same waits.
    pub fn seed(&self) -> u64 {
        u64::from(self.connections) << 32 | u64::from(self.messages)
    }

    /// The server to run, its handlers sized with `units_per_ms` of
    /// `kernel` (the main thread's measured rate).
    pub fn server(&self, kernel: Kernel, units_per_ms: f64, seed: u64) -> Server {
        Server {
            connections: self.connections,
            messages: self.messages,
            wait_mean_ms: self.wait_mean_ms,
            units: ((self.handler_ms * units_per_ms).round() as u64).max(1),
            hot: u32::from(self.hot),
            hot_factor: HOT_FACTOR,
            kernel,
            seed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_asks_are_clamped_and_said() {
        let (a, said) = ServerAsk {
            connections: 1_000_000,
            messages: 0,
            handler_ms: f64::NAN,
            wait_mean_ms: -3.0,
            hot: true,
        }
        .clamped();
        assert_eq!(a.connections, 100_000);
        assert_eq!(a.messages, 1);
        assert_eq!(a.handler_ms, ServerAsk::default().handler_ms);
        assert_eq!(a.wait_mean_ms, 0.0);
        assert_eq!(said.len(), 4, "{said:?}");
        assert!(said[0].contains("1000000 is out of range, 100000 used"));
        let (same, none) = ServerAsk::default().clamped();
        assert_eq!((same, none.len()), (ServerAsk::default(), 0));
    }

    /// A run holds at most half a million messages, and a hot connection's
    /// handlers compute at most 50 ms each: both said.
    #[test]
    fn a_run_too_big_to_hold_or_a_handler_too_long_is_cut_and_said() {
        let (a, said) = ServerAsk {
            connections: 100_000,
            messages: 50,
            handler_ms: 20.0,
            wait_mean_ms: 5.0,
            hot: true,
        }
        .clamped();
        assert_eq!((a.connections, a.messages), (100_000, 5));
        assert_eq!(a.handler_ms, 0.5);
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(
            said[0].contains(
                "100,000 connections × 50 is more than the 500,000 messages a run may hold; 5 used"
            ),
            "{}",
            said[0]
        );
        assert!(said[1].contains("at most 0.5 ms"), "{}", said[1]);
        // Without the hot connection a 20 ms handler is allowed.
        let (c, none) = ServerAsk {
            hot: false,
            connections: 10,
            messages: 5,
            handler_ms: 20.0,
            wait_mean_ms: 5.0,
        }
        .clamped();
        assert_eq!((c.handler_ms, none.len()), (20.0, 0));
    }

    #[test]
    fn the_estimate_is_the_computation_or_the_chain_of_waits() {
        let a = ServerAsk::default();
        // 1,000 connections × 5 messages × 0.2 ms.
        assert!((a.compute_ms() - 1_000.0).abs() < 1e-9);
        assert!((a.estimate_ms() - 1_000.0).abs() < 1e-9);
        let slow = ServerAsk {
            connections: 1,
            wait_mean_ms: 500.0,
            ..a
        };
        assert!((slow.estimate_ms() - 5.0 * 500.2).abs() < 1e-9);
        let hot = ServerAsk { hot: true, ..a };
        assert!((hot.compute_ms() - 1_099.0 * 5.0 * 0.2).abs() < 1e-9);
        let s = hot.server(Kernel::Hash, 1_000.0, 1);
        assert_eq!(
            (s.units, s.hot, s.units_of(0), s.units_of(1)),
            (200, 1, 20_000, 200)
        );
    }
}
