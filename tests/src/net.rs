//! A faulty network between a real sync client and a real server: each sync request can be
//! delivered, lost on the way there, lost on the way back, delivered twice, or kept and
//! delivered later (after newer ones), as a proxy, a flaky mobile network or a retrying load
//! balancer would.

use std::collections::VecDeque;
use std::sync::Mutex;

use steward_client::{Answer, BoxFuture, HttpTransport, Transport, Unreachable};
use steward_core::protocol::{decode, SyncRequest, SyncResponse};

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Deliver,
    /// Lost before the server: the client sees a time-out.
    DropRequest,
    /// The server handles it; the answer is lost.
    DropResponse,
    /// The server gets it twice; the client sees the second answer.
    Duplicate,
    /// Held in the network (the client sees a time-out) and delivered by [`FaultyNet::deliver_late`].
    Late,
}

/// Counts of what the network did, so a test can tell its faults really happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetStats {
    pub requests: u32,
    pub delivered: u32,
    pub dropped_requests: u32,
    pub dropped_responses: u32,
    pub duplicated: u32,
    pub held: u32,
    pub delivered_late: u32,
}

/// Requests go over real HTTP; the faults are taken from a plan, one per request, then
/// `Deliver` once the plan runs out.
#[derive(Debug, Default)]
pub struct FaultyNet {
    http: HttpTransport,
    plan: Mutex<VecDeque<Fault>>,
    late: Mutex<Vec<(String, String, Vec<u8>)>>,
    stats: Mutex<NetStats>,
    /// Every request body the client sent, with the answer it was given (`None`: it saw none).
    log: Mutex<Vec<(Vec<u8>, Option<Answer>)>>,
}

impl FaultyNet {
    pub fn new() -> FaultyNet {
        FaultyNet::default()
    }

    /// Faults for the next requests, in order.
    pub fn plan(&self, faults: impl IntoIterator<Item = Fault>) {
        let mut plan = self.plan.lock().unwrap();
        plan.clear();
        plan.extend(faults);
    }

    pub fn stats(&self) -> NetStats {
        *self.stats.lock().unwrap()
    }

    /// Delivers every held request now, oldest first; their answers go nowhere.
    pub async fn deliver_late(&self) -> Vec<u16> {
        let held: Vec<_> = std::mem::take(&mut *self.late.lock().unwrap());
        let mut statuses = Vec::new();
        for (url, token, body) in held {
            if let Ok(a) = self.http.post_sync(&url, &token, body).await {
                statuses.push(a.status);
            }
            self.stats.lock().unwrap().delivered_late += 1;
        }
        statuses
    }

    /// Every request the client sent so far, with the answer it saw, decoded.
    pub fn exchanges(&self) -> Vec<(SyncRequest, Option<(u16, Option<SyncResponse>)>)> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|(req, a)| {
                let r = decode(req).expect("the client sends SyncRequests");
                let a = a.as_ref().map(|a| (a.status, if a.status == 200 { decode(&a.body).ok() } else { None }));
                (r, a)
            })
            .collect()
    }

    fn count(&self, f: impl FnOnce(&mut NetStats)) {
        f(&mut self.stats.lock().unwrap())
    }
}

fn lost() -> Unreachable {
    Unreachable("timed out".into())
}

impl Transport for FaultyNet {
    fn post_sync<'a>(
        &'a self,
        server_url: &'a str,
        token: &'a str,
        body: Vec<u8>,
    ) -> BoxFuture<'a, Result<Answer, Unreachable>> {
        Box::pin(async move {
            let fault = self.plan.lock().unwrap().pop_front().unwrap_or(Fault::Deliver);
            self.count(|s| s.requests += 1);
            let sent = body.clone();
            let answer = match fault {
                Fault::Deliver => {
                    self.count(|s| s.delivered += 1);
                    self.http.post_sync(server_url, token, body).await
                }
                Fault::DropRequest => {
                    self.count(|s| s.dropped_requests += 1);
                    Err(lost())
                }
                Fault::DropResponse => {
                    self.count(|s| s.dropped_responses += 1);
                    let _ = self.http.post_sync(server_url, token, body).await;
                    Err(lost())
                }
                Fault::Duplicate => {
                    self.count(|s| s.duplicated += 1);
                    let _ = self.http.post_sync(server_url, token, body.clone()).await;
                    self.http.post_sync(server_url, token, body).await
                }
                Fault::Late => {
                    self.count(|s| s.held += 1);
                    self.late.lock().unwrap().push((server_url.to_string(), token.to_string(), body));
                    Err(lost())
                }
            };
            self.log.lock().unwrap().push((sent, answer.as_ref().ok().cloned()));
            answer
        })
    }
}

/// Several server nodes behind one address, as a load balancer spreads requests: each sync
/// request goes to a node picked at random, whatever URL the device holds.
#[derive(Debug)]
pub struct RandomNode {
    nodes: Mutex<Vec<String>>,
    http: HttpTransport,
    /// How many requests each node was sent, by URL.
    pub sent: Mutex<std::collections::BTreeMap<String, usize>>,
}

impl RandomNode {
    pub fn new(nodes: Vec<String>) -> RandomNode {
        RandomNode { nodes: Mutex::new(nodes), http: HttpTransport::new(), sent: Mutex::default() }
    }

    /// Replaces the nodes (one restarted on another port).
    pub fn set_nodes(&self, nodes: Vec<String>) {
        *self.nodes.lock().unwrap() = nodes;
    }
}

impl Transport for RandomNode {
    fn post_sync<'a>(
        &'a self,
        _server_url: &'a str,
        token: &'a str,
        body: Vec<u8>,
    ) -> BoxFuture<'a, Result<Answer, Unreachable>> {
        Box::pin(async move {
            let url = {
                let nodes = self.nodes.lock().unwrap();
                nodes[rand::Rng::gen_range(&mut rand::thread_rng(), 0..nodes.len())].clone()
            };
            *self.sent.lock().unwrap().entry(url.clone()).or_default() += 1;
            self.http.post_sync(&url, token, body).await
        })
    }
}
