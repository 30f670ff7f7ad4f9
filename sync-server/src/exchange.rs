//! The server's side of the standard Automerge sync protocol (`docs/sync-protocol.md`, section
//! 4) between requests: per device and document, the Automerge sync state and the changes that
//! arrived before their dependencies.
//!
//! A stored document is loaded afresh for every request, so Automerge's own queue of changes
//! waiting for their dependencies would be lost between rounds. When a device's bloom filter
//! answers a false positive (about 1 % of changes) the device sends a change without its parent,
//! is asked for the parent, and — its sync state marking the change as sent — never sends the
//! change again; dropping it would loop for ever. So such changes are held here and applied again
//! at the start of the next round, as Automerge's `receive_sync_message` does within one peer.
//!
//! All of it may be lost (a restart, the time-out, the cap): the device notices that the
//! server's heads are not its own and starts the exchange over.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use automerge::sync as am_sync;
use automerge::Change;
use uuid::Uuid;

use crate::gate;

/// Exchanges kept between a device's rounds.
const MAX_EXCHANGES: usize = 20_000;
/// How long an exchange is kept after its last round.
const TTL: Duration = Duration::from_secs(15 * 60);
/// Changes held for one exchange: more than a steward's month of edits to one document.
const MAX_HELD_PER_EXCHANGE: usize = 4_096;
/// Bytes held for one exchange, and for all of them together.
const MAX_HELD_BYTES_PER_EXCHANGE: usize = 2 << 20;
const MAX_HELD_BYTES: usize = 64 << 20;

/// A change that arrived before one of its dependencies.
#[derive(Debug, Clone)]
pub struct Held {
    pub change: Change,
    pub info: gate::ChangeInfo,
}

impl Held {
    fn bytes(&self) -> usize {
        self.change.raw_bytes().len()
    }
}

/// One device's exchange for one document.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    pub state: am_sync::State,
    pub held: Vec<Held>,
}

impl Exchange {
    fn held_bytes(&self) -> usize {
        self.held.iter().map(Held::bytes).sum()
    }
}

/// Keyed by (device, document).
#[derive(Default)]
pub struct Exchanges {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    map: HashMap<(Uuid, Uuid), (Exchange, Instant)>,
    held_bytes: usize,
}

impl Exchanges {
    /// The exchange to continue; a fresh sync state when the device starts a new exchange
    /// (`start`), keeping what is held (it is still waiting for its dependencies).
    pub fn get(&self, key: (Uuid, Uuid), start: bool) -> Exchange {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut ex = match inner.map.get(&key) {
            Some((ex, at)) if at.elapsed() < TTL => ex.clone(),
            _ => Exchange::default(),
        };
        if start {
            ex.state = am_sync::State::new();
        }
        ex
    }

    /// Keeps an exchange after a round that was stored. Held changes beyond the caps are let go:
    /// the device starts over when the server's heads do not become its own.
    pub fn put(&self, key: (Uuid, Uuid), mut ex: Exchange) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((old, _)) = inner.map.remove(&key) {
            inner.held_bytes -= old.held_bytes();
        }
        if inner.map.len() >= MAX_EXCHANGES {
            let Inner { map, held_bytes } = &mut *inner;
            map.retain(|_, (ex, at)| {
                let keep = at.elapsed() < TTL;
                if !keep {
                    *held_bytes -= ex.held_bytes();
                }
                keep
            });
            if map.len() >= MAX_EXCHANGES {
                map.clear();
                *held_bytes = 0;
            }
        }
        let bytes = ex.held_bytes();
        if ex.held.len() > MAX_HELD_PER_EXCHANGE
            || bytes > MAX_HELD_BYTES_PER_EXCHANGE
            || inner.held_bytes + bytes > MAX_HELD_BYTES
        {
            tracing::info!(held = ex.held.len(), bytes, "sync protocol: too much held for one exchange; let go");
            ex.held.clear();
        }
        inner.held_bytes += ex.held_bytes();
        inner.map.insert(key, (ex, Instant::now()));
    }

    /// Changes held in all exchanges.
    #[cfg(test)]
    fn held_count(&self) -> usize {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.map.values().map(|(ex, _)| ex.held.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    fn held(n: usize) -> Vec<Held> {
        let mut doc = AutoCommit::new();
        (0..n)
            .map(|i| {
                doc.put(ROOT, "k", i as u64).unwrap();
                doc.commit();
                let change = doc.get_last_local_change().unwrap().clone();
                let info = gate::ChangeInfo {
                    hash: change.hash(),
                    deps: change.deps().to_vec(),
                    actor: change.actor_id().to_bytes().to_vec(),
                    seq: change.seq(),
                    start_op: change.start_op().get(),
                    ops: change.len() as u64,
                };
                Held { change, info }
            })
            .collect()
    }

    #[test]
    fn start_resets_the_state_but_keeps_what_is_held() {
        let ex = Exchanges::default();
        let key = (Uuid::new_v4(), Uuid::new_v4());
        let mut e = Exchange::default();
        e.state.have_responded = true;
        e.held = held(2);
        ex.put(key, e);
        assert!(ex.get(key, false).state.have_responded);
        let fresh = ex.get(key, true);
        assert!(!fresh.state.have_responded);
        assert_eq!(fresh.held.len(), 2);
        assert_eq!(ex.held_count(), 2);
    }

    #[test]
    fn held_changes_are_capped_per_exchange() {
        let ex = Exchanges::default();
        let key = (Uuid::new_v4(), Uuid::new_v4());
        ex.put(key, Exchange { held: held(MAX_HELD_PER_EXCHANGE + 1), ..Default::default() });
        assert_eq!(ex.held_count(), 0);
        ex.put(key, Exchange { held: held(3), ..Default::default() });
        assert_eq!(ex.held_count(), 3);
        let kept = ex.get(key, false).held_bytes();
        assert_eq!(ex.inner.lock().unwrap().held_bytes, kept);
    }
}
