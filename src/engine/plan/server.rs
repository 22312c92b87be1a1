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
