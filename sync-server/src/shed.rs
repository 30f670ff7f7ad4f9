//! Shedding a burst of syncs early. A phone gives up on a request after 60 s
//! (`docs/sync-protocol.md` §3); a sync that would wait longer than that for a work slot costs
//! the server its body and its work for an answer no one reads, and the phone retries anyway.
//! So before a sync's body is read, the queue estimates how long it would wait — the syncs ahead
//! of it, times the mean time a sync holds a work slot, over the slots — and past `budget`
//! answers `503 busy` with `Retry-After`: the phone keeps its edits and comes back then, with
//! jitter, while the server works only on requests whose phones still wait for the answer.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The syncs admitted (reading their body, waiting for a slot or on one), and the mean time a
/// sync holds a work slot.
#[derive(Debug)]
pub struct SyncQueue {
    slots: usize,
    budget: Duration,
    admitted: AtomicUsize,
    /// Mean time on a slot, in microseconds (an exponentially weighted mean, weight 1/16); 0
    /// until the first sync is measured, so nothing is shed before there is something to go by.
    mean_micros: AtomicU64,
}

/// An admitted sync: counted until it is dropped (answered, failed or abandoned).
#[derive(Debug)]
pub struct Admitted(Arc<SyncQueue>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

impl SyncQueue {
    pub fn new(slots: usize, budget: Duration) -> Arc<SyncQueue> {
        Arc::new(SyncQueue {
            slots: slots.max(1),
            budget,
            admitted: AtomicUsize::new(0),
            mean_micros: AtomicU64::new(0),
        })
    }

    /// Admits a sync, or says after how many seconds to come back (the estimated wait, at
    /// least 1 s, at most 5 minutes).
    pub fn admit(self: &Arc<Self>) -> Result<Admitted, u64> {
        let ahead = self.admitted.fetch_add(1, Ordering::AcqRel);
        let admitted = Admitted(self.clone());
        let wait = self.expected_wait(ahead);
        if wait > self.budget {
            drop(admitted);
            return Err(wait.as_secs().clamp(1, 300));
        }
        Ok(admitted)
    }

    /// How long a sync with `ahead` syncs before it waits for a slot.
    pub fn expected_wait(&self, ahead: usize) -> Duration {
        let mean = self.mean_micros.load(Ordering::Relaxed);
        let queued = ahead.saturating_sub(self.slots - 1) as u64;
        Duration::from_micros(mean.saturating_mul(queued) / self.slots as u64)
    }

    /// Counts a sync's time on a work slot into the mean.
    pub fn record(&self, on_slot: Duration) {
        let took = on_slot.as_micros().min(u128::from(u32::MAX)) as u64;
        // Racing updates lose a sample now and then; the mean stays a mean.
        let old = self.mean_micros.load(Ordering::Relaxed);
        let new = if old == 0 { took } else { old - old / 16 + took / 16 };
        self.mean_micros.store(new.max(1), Ordering::Relaxed);
    }

    /// Syncs admitted now.
    pub fn admitted(&self) -> usize {
        self.admitted.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_is_shed_once_the_wait_ahead_of_it_passes_the_budget_and_counted_until_dropped() {
        let q = SyncQueue::new(2, Duration::from_secs(30));
        // Nothing measured yet: nothing shed, however long the queue.
        let early: Vec<_> = (0..100).map(|_| q.admit().unwrap()).collect();
        assert_eq!(q.admitted(), 100);
        drop(early);
        assert_eq!(q.admitted(), 0);
        q.record(Duration::from_secs(1));
        // One second a sync on two slots: with 61 ahead a sync waits 30 s (one slot frees, then
        // 60 go in pairs), with 62 ahead 30.5 s, past the budget.
        let held: Vec<_> = (0..62).map(|_| q.admit().unwrap()).collect();
        assert_eq!(q.expected_wait(61), Duration::from_millis(30_000));
        assert_eq!(q.expected_wait(62), Duration::from_millis(30_500));
        let refused = q.admit().unwrap_err();
        assert_eq!(refused, 30, "come back after about the wait");
        assert_eq!(q.admitted(), 62, "a refused sync is not counted");
        drop(held);
        assert!(q.admit().is_ok(), "room again once the queue has drained");
    }

    #[test]
    fn the_mean_follows_the_time_on_a_slot() {
        let q = SyncQueue::new(1, Duration::from_secs(30));
        q.record(Duration::from_millis(100));
        for _ in 0..200 {
            q.record(Duration::from_millis(500));
        }
        let mean = q.mean_micros.load(Ordering::Relaxed);
        assert!((490_000..=500_000).contains(&mean), "{mean}");
    }
}
