//! Attempt limits for the two doors that need no token: sign-in (`/v1/login`) and enrolment
//! (`/v1/enrol`).
//!
//! - **Per client address** (sign-in and enrolment, separately): a token bucket of
//!   [`Bucket::burst`] attempts, one coming back every [`Bucket::refill_every`]. Every attempt
//!   takes a token before its password or code is checked; a success gives it back, so a
//!   training session enrolling thirty phones through one office router is never held up, while
//!   guessing from one address runs at the refill rate however many requests are in flight. An
//!   IPv6 address counts by its /64, which one household or phone usually holds whole.
//! - **Per account** (sign-in): [`Limits::login_free_failures`] failed sign-ins in a row are
//!   free; after them the account takes one attempt per [`Limits::login_lockout`], doubling
//!   with each further failure up to [`Limits::login_lockout_max`] (5 free, then 30 s, 1 min,
//!   2 min, … 15 min by default). While the account waits, even the right password is refused,
//!   so a guesser learns nothing from the answer. A success clears the count; so does a quiet
//!   spell of twice the longest wait. Unknown usernames are counted the same way, so the
//!   answers do not tell which accounts exist. Accounts are keyed by a hash of the username,
//!   which is never kept or logged.
//!
//! A refusal is `429` with `Retry-After`. Each table holds at most [`Limits::max_tracked`]
//! entries: when full, entries at rest (bucket full again, count forgotten) go first, then the
//! one seen longest ago. Behind a reverse proxy every client has the proxy's address and shares
//! one bucket; the server does not trust `X-Forwarded-For`.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// A token bucket's shape: `burst` attempts at once, one more every `refill_every`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket {
    pub burst: u32,
    pub refill_every: Duration,
}

/// The attempt limits (part of [`crate::Config`]).
#[derive(Clone, Debug)]
pub struct Limits {
    /// Sign-ins per client address that have not succeeded.
    pub login_per_address: Bucket,
    /// Enrolments per client address that have not succeeded.
    pub enrol_per_address: Bucket,
    /// Failed sign-ins in a row an account may have before it has to wait.
    pub login_free_failures: u32,
    /// The first wait after the free failures; it doubles with each further failure.
    pub login_lockout: Duration,
    /// The longest wait.
    pub login_lockout_max: Duration,
    /// Entries kept per table (addresses for sign-in, for enrolment, and accounts).
    pub max_tracked: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            login_per_address: Bucket { burst: 20, refill_every: Duration::from_secs(6) },
            enrol_per_address: Bucket { burst: 10, refill_every: Duration::from_secs(6) },
            login_free_failures: 5,
            login_lockout: Duration::from_secs(30),
            login_lockout_max: Duration::from_secs(15 * 60),
            max_tracked: 10_000,
        }
    }
}

/// An attempt was refused: try again after this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused {
    pub retry_after: Duration,
}

impl Refused {
    /// Whole seconds for `Retry-After`, at least 1.
    pub fn retry_after_secs(&self) -> u64 {
        let ms = self.retry_after.as_millis() as u64;
        ms.div_ceil(1000).max(1)
    }
}

/// A client address as the limits count it: IPv6 by its /64; `None` (no address known, as
/// when the router is called without a socket) is one shared bucket.
pub type AddressKey = Option<IpAddr>;

/// The key of a client address.
pub fn address_key(addr: Option<IpAddr>) -> AddressKey {
    addr.map(|a| match a {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    })
}

type AccountKey = [u8; 32];

/// The limiter of one server.
pub struct Throttle {
    limits: Limits,
    login_addresses: Mutex<Table<AddressKey, BucketState>>,
    enrol_addresses: Mutex<Table<AddressKey, BucketState>>,
    accounts: Mutex<Table<AccountKey, AccountState>>,
}

impl Throttle {
    pub fn new(limits: Limits) -> Arc<Throttle> {
        let cap = limits.max_tracked.max(1);
        Arc::new(Throttle {
            limits,
            login_addresses: Mutex::new(Table::new(cap)),
            enrol_addresses: Mutex::new(Table::new(cap)),
            accounts: Mutex::new(Table::new(cap)),
        })
    }

    /// Takes a sign-in attempt for an address. Dropping the ticket counts it as failed.
    pub fn login_address(self: &Arc<Self>, addr: AddressKey) -> Result<AddressTicket, Refused> {
        self.take(Door::Login, addr)
    }

    /// Takes an enrolment attempt for an address. Dropping the ticket counts it as failed.
    pub fn enrol_address(self: &Arc<Self>, addr: AddressKey) -> Result<AddressTicket, Refused> {
        self.take(Door::Enrol, addr)
    }

    /// Takes a sign-in attempt for an account, counted as a failure until the ticket says
    /// otherwise.
    pub fn login_account(self: &Arc<Self>, username: &str) -> Result<AccountTicket, Refused> {
        let key: AccountKey = Sha256::digest(username.as_bytes()).into();
        let now = Instant::now();
        let l = &self.limits;
        let forget_after = l.login_lockout_max.saturating_mul(2);
        let mut table = lock(&self.accounts);
        let state = table.entry(key, now, |s| s.at_rest(now, forget_after), AccountState::new);
        if now.saturating_duration_since(state.last_attempt) > forget_after {
            *state = AccountState::new();
        }
        if state.failures >= l.login_free_failures && now < state.next_allowed {
            return Err(Refused { retry_after: state.next_allowed - now });
        }
        state.failures += 1;
        state.last_attempt = now;
        if state.failures >= l.login_free_failures {
            let doublings = (state.failures - l.login_free_failures).min(30);
            let wait = l.login_lockout.saturating_mul(1u32 << doublings).min(l.login_lockout_max);
            state.next_allowed = now + wait;
        }
        Ok(AccountTicket { throttle: self.clone(), key })
    }

    /// How many entries each table holds (sign-in addresses, enrolment addresses, accounts).
    pub fn tracked(&self) -> (usize, usize, usize) {
        (lock(&self.login_addresses).len(), lock(&self.enrol_addresses).len(), lock(&self.accounts).len())
    }

    fn take(self: &Arc<Self>, door: Door, addr: AddressKey) -> Result<AddressTicket, Refused> {
        let bucket = self.bucket(door);
        let now = Instant::now();
        let mut table = lock(self.addresses(door));
        let state = table.entry(addr, now, |s| s.at_rest(now, bucket), || BucketState::full(bucket, now));
        state.refill(now, bucket);
        if state.tokens < 1.0 {
            let missing = 1.0 - state.tokens;
            return Err(Refused { retry_after: bucket.refill_every.mul_f64(missing) });
        }
        state.tokens -= 1.0;
        Ok(AddressTicket { throttle: self.clone(), door, addr })
    }

    fn give_back(&self, door: Door, addr: AddressKey) {
        let bucket = self.bucket(door);
        let now = Instant::now();
        if let Some(state) = lock(self.addresses(door)).get_mut(&addr) {
            state.refill(now, bucket);
            state.tokens = (state.tokens + 1.0).min(f64::from(bucket.burst));
        }
    }

    fn bucket(&self, door: Door) -> Bucket {
        let b = match door {
            Door::Login => self.limits.login_per_address,
            Door::Enrol => self.limits.enrol_per_address,
        };
        Bucket { burst: b.burst.max(1), refill_every: b.refill_every }
    }

    fn addresses(&self, door: Door) -> &Mutex<Table<AddressKey, BucketState>> {
        match door {
            Door::Login => &self.login_addresses,
            Door::Enrol => &self.enrol_addresses,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Door {
    Login,
    Enrol,
}

/// One attempt taken from an address's bucket. Dropped as it is, the attempt stays counted.
pub struct AddressTicket {
    throttle: Arc<Throttle>,
    door: Door,
    addr: AddressKey,
}

impl AddressTicket {
    /// The attempt succeeded, or never got to check a secret: it costs nothing.
    pub fn give_back(self) {
        self.throttle.give_back(self.door, self.addr);
    }
}

/// One sign-in attempt counted against an account. Dropped as it is, it stays a failure.
pub struct AccountTicket {
    throttle: Arc<Throttle>,
    key: AccountKey,
}

impl AccountTicket {
    /// The password was right: the account's count starts again.
    pub fn succeeded(self) {
        lock(&self.throttle.accounts).remove(&self.key);
    }

    /// No password was checked (the server was busy): the attempt does not count.
    pub fn void(self) {
        if let Some(s) = lock(&self.throttle.accounts).get_mut(&self.key) {
            s.failures = s.failures.saturating_sub(1);
        }
    }
}

struct BucketState {
    tokens: f64,
    at: Instant,
}

impl BucketState {
    fn full(b: Bucket, now: Instant) -> BucketState {
        BucketState { tokens: f64::from(b.burst), at: now }
    }

    fn refill(&mut self, now: Instant, b: Bucket) {
        let elapsed = now.saturating_duration_since(self.at);
        let gained =
            if b.refill_every.is_zero() { f64::INFINITY } else { elapsed.as_secs_f64() / b.refill_every.as_secs_f64() };
        self.tokens = (self.tokens + gained).min(f64::from(b.burst));
        self.at = now;
    }

    fn at_rest(&self, now: Instant, b: Bucket) -> bool {
        let elapsed = now.saturating_duration_since(self.at);
        b.refill_every.is_zero()
            || self.tokens + elapsed.as_secs_f64() / b.refill_every.as_secs_f64() >= f64::from(b.burst)
    }
}

struct AccountState {
    failures: u32,
    next_allowed: Instant,
    last_attempt: Instant,
}

impl AccountState {
    fn new() -> AccountState {
        let now = Instant::now();
        AccountState { failures: 0, next_allowed: now, last_attempt: now }
    }

    fn at_rest(&self, now: Instant, forget_after: Duration) -> bool {
        self.failures == 0 || now.saturating_duration_since(self.last_attempt) > forget_after
    }
}

/// A map with a cap: when full, entries at rest go first, then the one seen longest ago.
struct Table<K, V> {
    cap: usize,
    map: HashMap<K, (V, Instant)>,
}

impl<K: Hash + Eq + Clone, V> Table<K, V> {
    fn new(cap: usize) -> Self {
        Table { cap, map: HashMap::new() }
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    fn get_mut(&mut self, k: &K) -> Option<&mut V> {
        self.map.get_mut(k).map(|(v, _)| v)
    }

    fn remove(&mut self, k: &K) {
        self.map.remove(k);
    }

    fn entry(&mut self, k: K, now: Instant, at_rest: impl Fn(&V) -> bool, new: impl FnOnce() -> V) -> &mut V {
        if !self.map.contains_key(&k) && self.map.len() >= self.cap {
            self.map.retain(|_, (v, _)| !at_rest(v));
            if self.map.len() >= self.cap {
                if let Some(oldest) = self.map.iter().min_by_key(|(_, (_, seen))| *seen).map(|(k, _)| k.clone()) {
                    self.map.remove(&oldest);
                }
            }
        }
        let slot = self.map.entry(k).or_insert_with(|| (new(), now));
        slot.1 = now;
        &mut slot.0
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            login_per_address: Bucket { burst: 3, refill_every: Duration::from_secs(60) },
            enrol_per_address: Bucket { burst: 2, refill_every: Duration::from_secs(60) },
            login_free_failures: 2,
            login_lockout: Duration::from_secs(30),
            login_lockout_max: Duration::from_secs(100),
            max_tracked: 50,
        }
    }

    #[test]
    fn failures_empty_an_address_bucket_and_successes_give_their_token_back() {
        let t = Throttle::new(limits());
        let a = address_key(Some("10.0.0.1".parse().unwrap()));
        for _ in 0..10 {
            t.enrol_address(a).unwrap().give_back();
        }
        drop(t.enrol_address(a).unwrap());
        drop(t.enrol_address(a).unwrap());
        let refused = t.enrol_address(a).err().unwrap();
        assert!(refused.retry_after_secs() >= 1 && refused.retry_after_secs() <= 60);
        assert!(t.login_address(a).is_ok(), "sign-in and enrolment count apart");
        assert!(t.enrol_address(address_key(Some("10.0.0.2".parse().unwrap()))).is_ok());
    }

    #[test]
    fn requests_without_an_address_share_one_bucket_and_ipv6_counts_by_its_64() {
        let t = Throttle::new(limits());
        drop(t.enrol_address(None).unwrap());
        drop(t.enrol_address(address_key(None)).unwrap());
        assert!(t.enrol_address(None).is_err());
        let a = address_key(Some("2001:db8:1:2::1".parse().unwrap()));
        let b = address_key(Some("2001:db8:1:2:ffff::9".parse().unwrap()));
        assert_eq!(a, b);
    }

    #[test]
    fn an_account_waits_after_its_free_failures_doubling_and_a_success_clears_it() {
        let t = Throttle::new(limits());
        drop(t.login_account("zhang").unwrap());
        drop(t.login_account("zhang").unwrap());
        let r = t.login_account("zhang").err().expect("third attempt waits");
        assert_eq!(r.retry_after_secs(), 30);
        assert!(t.login_account("wang").is_ok(), "other accounts are not held");
        let ok = t.login_account("li").unwrap();
        ok.succeeded();
        drop(t.login_account("li").unwrap());
        drop(t.login_account("li").unwrap());
        assert!(t.login_account("li").is_err());
        // A voided attempt does not count.
        t.login_account("zhao").unwrap().void();
        t.login_account("zhao").unwrap().void();
        t.login_account("zhao").unwrap().void();
        assert!(t.login_account("zhao").is_ok());
    }

    #[test]
    fn the_tables_never_hold_more_than_their_cap() {
        let t = Throttle::new(limits());
        for i in 0..2_000u32 {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            drop(t.login_address(address_key(Some(ip))));
            drop(t.login_account(&format!("user{i}")));
        }
        let (logins, _, accounts) = t.tracked();
        assert!(logins <= 50 && accounts <= 50, "{logins} {accounts}");
    }
}
