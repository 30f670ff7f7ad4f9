//! A burst of syncs larger than the server drains in a phone's time-out is shed early: a sync
//! that would wait past the queue's budget gets `503 busy` with `Retry-After` before a byte of
//! its body is read, and phones that come back after it, as the background loop does, land
//! every edit, each once.

use std::time::Duration;

use steward_client::SyncError;
use steward_core::doc::{self, Projection};
use steward_core::time::now_millis;
use steward_tests::{visit, World};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

async fn head_of_answer(s: &mut TcpStream, within: Duration) -> String {
    let mut buf = Vec::new();
    let read = async {
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = s.read(&mut chunk).await.unwrap_or(0);
            assert!(n > 0, "closed before an answer");
            buf.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(within, read).await.expect("an answer in time, without the body");
    String::from_utf8_lossy(&buf).to_string()
}

fn visits_on_server(w: &World, household: Uuid) -> usize {
    let d = w.admin.storage().load_doc(household).unwrap().unwrap().doc;
    match doc::project(&d).unwrap() {
        Projection::Household(h) => h.visits.len(),
        other => panic!("not a household: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_past_the_queues_budget_is_told_when_to_return_before_its_body_is_read() {
    let w = World::start_with(|c| {
        c.max_concurrent_work = 1;
        c.sync_queue_budget = Duration::from_micros(1);
    })
    .await;
    let c = w.compound("蜀汉美郡");
    let st = w.steward(c, "李秀英");
    let h = w.household(c, Some(st.id), 1);
    let phone = w.device(st.id).await;
    // One sync measured: the queue knows what a sync costs.
    phone.sync().await;
    let token = phone.with(|s| s.identity()).unwrap().unwrap().device_token;
    let addr = w.running.as_ref().unwrap().addr;
    let before = w.stored();

    // A phone whose upload stalls holds its place in the queue ...
    let mut slow = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v1/sync HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/cbor\r\nContent-Length: 4000\r\n\r\n"
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    slow.write_all(&[0u8; 10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // ... so the next is turned away at once, its body never sent, and told when to come back.
    let mut next = TcpStream::connect(addr).await.unwrap();
    next.write_all(head.as_bytes()).await.unwrap();
    let answer = head_of_answer(&mut next, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    let retry = answer
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("retry-after:").map(|v| v.trim().parse::<u64>().unwrap()));
    assert!(retry.is_some_and(|s| s >= 1), "a Retry-After in seconds: {answer}");
    // The phone's own client reads it as "busy, come back in N s", keeping its edits.
    phone.with(|s| s.record_visit(h, &visit(st.id, now_millis()))).unwrap();
    let err = phone.client.sync(&phone.store).await.expect_err("busy while the slow phone holds the queue");
    assert!(matches!(err, SyncError::Busy { retry_after, .. } if retry_after >= 1), "{err:?}");
    assert_eq!(err.code(), "server_busy");
    assert_eq!(phone.with(|s| s.sync_status()).unwrap().pending_changes, 1, "the edit waits on the phone");
    assert_eq!(w.stored(), before, "nothing stored while the phone was turned away");

    // The stalled upload gives up (its connection closes): the queue has room again.
    drop(slow);
    tokio::time::sleep(Duration::from_millis(200)).await;
    phone.sync().await;
    assert_eq!(visits_on_server(&w, h), 1);
    assert_eq!(phone.with(|s| s.sync_status()).unwrap().pending_changes, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phones_turned_away_by_a_burst_come_back_as_told_and_every_visit_lands_once() {
    let w = World::start_with(|c| {
        c.max_concurrent_work = 1;
        c.sync_queue_budget = Duration::from_micros(1);
    })
    .await;
    let c = w.compound("蜀汉美郡");
    let mut phones = Vec::new();
    for n in 0..24 {
        let st = w.steward(c, &format!("管家{n}"));
        let h = w.household(c, Some(st.id), n);
        let phone = w.device(st.id).await;
        phone.sync().await;
        phone.with(|s| s.record_visit(h, &visit(st.id, now_millis()))).unwrap();
        phones.push((phone, h));
    }
    let mut waiting: Vec<usize> = (0..phones.len()).collect();
    let (mut busy, mut rounds) = (0, 0);
    while !waiting.is_empty() {
        rounds += 1;
        assert!(rounds <= 40, "{} phones never got through", waiting.len());
        let mut burst = tokio::task::JoinSet::new();
        for &i in &waiting {
            let (client, store) = (phones[i].0.client.clone(), phones[i].0.store.clone());
            burst.spawn(async move { (i, client.sync(&store).await) });
        }
        let results = burst.join_all().await;
        let mut again = Vec::new();
        let mut wait = 0;
        for (i, r) in results {
            match r {
                Ok(_) => {}
                Err(SyncError::Busy { retry_after, .. }) => {
                    busy += 1;
                    wait = wait.max(retry_after);
                    again.push(i);
                }
                Err(e) => panic!("a phone's sync failed otherwise than busy: {e:?}"),
            }
        }
        waiting = again;
        if !waiting.is_empty() {
            tokio::time::sleep(Duration::from_secs(wait)).await;
        }
    }
    assert!(busy > 0, "the burst was shed");
    for (phone, h) in &phones {
        assert_eq!(visits_on_server(&w, *h), 1, "each visit on the server, once");
        assert_eq!(phone.with(|s| s.sync_status()).unwrap().pending_changes, 0);
    }
}
