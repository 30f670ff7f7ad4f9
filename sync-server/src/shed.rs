//! Shedding a burst of syncs early. A phone gives up on a request after 60 s
//! (`docs/sync-protocol.md` §3); a sync that would wait longer than that for a work slot costs
//! the server its body and its work for an answer no one reads, and the phone retries anyway.
//! So before a sync's body is read, the queue estimates how long it would wait — the syncs ahead
//! of it, times the time the queue takes to pass one on — and past `budget`
//! answers `503 busy` with `Retry-After`: the phone keeps its edits and comes back then, while
//! the server works only on requests whose phones still wait for the answer.
//!
//! Each phone turned away is given a time of its own: the first after the admitted queue has
//! drained, each next one a sync's share later — half the time between syncs leaving their
//! slots while the queue is full, or of the mean time on a slot over the slots if that is
//! smaller (a phone told too early is turned away again for the price of a `503`; one told too
//! late leaves the server idle). So a burst comes back at about the rate the server drains it, not in one
//! wave that is shed again while the server stands idle between waves.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest a phone is told to stay away.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

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
    /// Until when the returns of the phones turned away are booked.
    booked_until: Mutex<Option<Instant>>,
    /// Mean time between syncs leaving their slots while syncs wait for one, in microseconds
    /// (weight 1/16; 0 until measured).
    interval_micros: AtomicU64,
    /// When a sync last left its slot, in microseconds since `epoch` (0: never).
    last_done: AtomicU64,
    epoch: Instant,
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
            booked_until: Mutex::new(None),
            interval_micros: AtomicU64::new(0),
            last_done: AtomicU64::new(0),
            epoch: Instant::now(),
        })
    }

    /// Admits a sync, or says after how many seconds to come back: a time of its own, after
    /// the queue and the phones turned away before it (at least 1 s, at most 5 minutes).
    pub fn admit(self: &Arc<Self>) -> Result<Admitted, u64> {
        self.admit_at(Instant::now())
    }

    fn admit_at(self: &Arc<Self>, now: Instant) -> Result<Admitted, u64> {
        let ahead = self.admitted.fetch_add(1, Ordering::AcqRel);
        let admitted = Admitted(self.clone());
        let wait = self.expected_wait(ahead);
        if wait <= self.budget {
            return Ok(admitted);
        }
        drop(admitted);
        let share = self.share();
        let mut booked = self.booked_until.lock().unwrap_or_else(|p| p.into_inner());
        let drained = now + wait.min(MAX_RETRY_AFTER);
        let back = match *booked {
            Some(until) if until > drained => until.min(now + MAX_RETRY_AFTER),
            _ => drained,
        };
        *booked = Some(back + share);
        let after = back.saturating_duration_since(now).as_secs_f64().ceil() as u64;
        Err(after.clamp(1, MAX_RETRY_AFTER.as_secs()))
    }

    /// How long a sync with `ahead` syncs before it waits for a slot: one drain time for each
    /// sync queued ahead of it.
    pub fn expected_wait(&self, ahead: usize) -> Duration {
        let queued = ahead.saturating_sub(self.slots - 1) as u32;
        self.drain_time().saturating_mul(queued)
    }

    /// How long the queue takes to pass one sync on: the time between syncs leaving their
    /// slots while the queue is full, or the mean time on a slot over the slots if that is
    /// smaller or not measured yet (a slot's time runs long while the machine is crowded).
    fn drain_time(&self) -> Duration {
        let per_slot = self.mean_micros.load(Ordering::Relaxed) / self.slots as u64;
        let interval = self.interval_micros.load(Ordering::Relaxed);
        Duration::from_micros(if interval == 0 { per_slot } else { interval.min(per_slot) })
    }

    /// How much later than the phone before it a phone turned away is told to come back: half
    /// the drain time. A burst's first seconds, when it is booked, are its slowest (every
    /// phone is building and sending its request at once, on the same machine as the server
    /// here, over the same network anywhere), so the measure then runs long; a phone told too
    /// early costs the server a `503` and is booked again with a later measure, one told too
    /// late leaves the server idle (`docs/performance.md`: on a full booking the burst took
    /// the five minutes of the cap with the server half idle).
    fn share(&self) -> Duration {
        self.drain_time() / 2
    }

    /// Counts a sync's time on a work slot into the mean, as it leaves the slot.
    pub fn record(&self, on_slot: Duration) {
        self.record_at(on_slot, Instant::now())
    }

    fn record_at(&self, on_slot: Duration, now: Instant) {
        let took = on_slot.as_micros().min(u128::from(u32::MAX)) as u64;
        ewma(&self.mean_micros, took);
        let at = (now.saturating_duration_since(self.epoch).as_micros() as u64).max(1);
        let before = self.last_done.swap(at, Ordering::Relaxed);
        // Only while syncs wait for a slot is the time since the last one the rate of draining
        // (an idle server's gaps are not).
        if before != 0 && self.admitted() > self.slots {
            ewma(&self.interval_micros, at.saturating_sub(before));
        }
    }

    /// Syncs admitted now.
    pub fn admitted(&self) -> usize {
        self.admitted.load(Ordering::Acquire)
    }
}

/// Moves a mean a sixteenth of the way to `sample` (the first sample is the mean). Racing
/// updates lose a sample now and then; the mean stays a mean.
fn ewma(mean: &AtomicU64, sample: u64) {
    let old = mean.load(Ordering::Relaxed);
    let new = if old == 0 { sample } else { old - old / 16 + sample / 16 };
    mean.store(new.max(1), Ordering::Relaxed);
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
        assert_eq!(refused, 31, "come back once the queue has drained (30.5 s)");
        assert_eq!(q.admitted(), 62, "a refused sync is not counted");
        drop(held);
        assert!(q.admit().is_ok(), "room again once the queue has drained");
    }

    #[test]
    fn phones_turned_away_are_given_times_of_their_own_at_the_rate_the_queue_drains() {
        let q = SyncQueue::new(2, Duration::from_secs(30));
        q.record(Duration::from_secs(1));
        let now = Instant::now();
        let _held: Vec<_> = (0..62).map(|_| q.admit_at(now).unwrap()).collect();
        // Half a second a sync (1 s on each of 2 slots), told at half that: four phones to each
        // second, from the moment the 62 admitted have drained (30.5 s).
        let told: Vec<u64> = (0..100).map(|_| q.admit_at(now).unwrap_err()).collect();
        let mut per_second = std::collections::BTreeMap::new();
        for s in &told {
            *per_second.entry(*s).or_insert(0) += 1;
        }
        assert_eq!(told.first(), Some(&31));
        assert_eq!(told.last(), Some(&56), "{told:?}");
        assert!(told.windows(2).all(|w| w[0] <= w[1]), "in the order turned away: {told:?}");
        assert!(
            per_second.values().all(|n| *n <= 4),
            "no more than twice what the queue drains a second: {per_second:?}"
        );
        // Later, when the bookings have passed, the next phone turned away starts afresh.
        let later = now + Duration::from_secs(600);
        assert_eq!(q.admit_at(later).unwrap_err(), 31);
        // Never past five minutes, however long the bookings run.
        let q = SyncQueue::new(1, Duration::from_secs(30));
        q.record(Duration::from_secs(10));
        let _held: Vec<_> = (0..4).map(|_| q.admit_at(now).unwrap()).collect();
        let told: Vec<u64> = (0..100).map(|_| q.admit_at(now).unwrap_err()).collect();
        assert_eq!(told.iter().filter(|s| **s == 300).count(), 48, "{told:?}");
    }

    #[test]
    fn the_share_follows_how_fast_syncs_leave_their_slots_while_the_queue_is_full() {
        let q = SyncQueue::new(2, Duration::from_secs(30));
        let now = Instant::now();
        // Alone, a sync takes 1 s on a slot: half a second a sync on two slots.
        q.record_at(Duration::from_secs(1), now);
        q.record_at(Duration::from_secs(1), now + Duration::from_secs(60));
        assert_eq!(q.share(), Duration::from_millis(250), "an idle server's gaps are not its rate");
        // Under a full queue syncs leave their slots every 100 ms (the slots' time stays 1 s).
        let mut held: Vec<_> = (0..62).map(|_| q.admit_at(now).unwrap()).collect();
        for i in 1..=200 {
            q.record_at(Duration::from_secs(1), now + Duration::from_secs(60) + Duration::from_millis(100 * i));
        }
        let share = q.share().as_millis();
        assert!((49..=51).contains(&share), "{share} ms");
        // So a sync waits about 100 ms for each queued ahead of it (a slot's share would say
        // 500 ms): about 300 are admitted before the wait passes the budget, not 62.
        let wait = q.expected_wait(301).as_millis();
        assert!((29_800..=30_200).contains(&wait), "{wait} ms");
        while let Ok(a) = q.admit_at(now) {
            held.push(a);
        }
        assert!((298..=304).contains(&held.len()), "{} admitted", held.len());
        // The phones turned away then come back twenty to a second (twice the rate measured).
        let told: Vec<u64> = (0..100).map(|_| q.admit_at(now).unwrap_err()).collect();
        assert!((30..=31).contains(&told[0]), "{told:?}");
        assert!((4..=6).contains(&(told[99] - told[0])), "{told:?}");
        // Slower than a slot's share it never tells: the smaller of the two is taken.
        for i in 1..=200 {
            q.record_at(Duration::from_secs(1), now + Duration::from_secs(100) + Duration::from_secs(2 * i));
        }
        assert_eq!(q.share(), Duration::from_millis(250));
        drop(held);
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
