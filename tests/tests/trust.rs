//! The trust boundaries, as an attacker with an enrolled phone or a property company's account
//! would try them: what each may write into a document, what each may read, and what crafted
//! bytes may cost. Each test is named after the finding it guards; every refusal is followed by a
//! look at the data (nothing stored, documents unchanged).

use automerge::transaction::Transactable;
use automerge::{ObjType, ReadDoc, ScalarValue, Value, ROOT};
use serde_bytes::ByteBuf;
use steward_core::doc::{self, NewIssue, Projection};
use steward_core::model::*;
use steward_core::protocol::{self, SyncMessage, SyncRequest};
use steward_core::time::now_millis;
use steward_sync_server::storage::{Role, Scope};
use steward_tests::{visit, Device, World};
use uuid::Uuid;

/// Automerge's binary framing, for crafting inputs by hand.
mod wire {
    use sha2::{Digest, Sha256};

    pub fn put_uleb(out: &mut Vec<u8>, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    pub fn read_uleb(b: &[u8], pos: &mut usize) -> u64 {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let byte = b[*pos];
            *pos += 1;
            v |= u64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                return v;
            }
        }
    }

    /// A chunk of `kind` around `body`: magic bytes, checksum, type, length.
    pub fn seal(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut hashed = vec![kind];
        put_uleb(&mut hashed, body.len() as u64);
        hashed.extend(body);
        let h = Sha256::digest(&hashed);
        let mut out = vec![0x85, 0x6f, 0x4a, 0x83];
        out.extend(&h[..4]);
        out.extend(hashed);
        out
    }

    /// A chunk's body, and where in it a change's `seq` and `start_op` are.
    pub fn change_body(chunk: &[u8]) -> (Vec<u8>, usize, usize) {
        let mut pos = 9;
        read_uleb(chunk, &mut pos);
        let body = chunk[pos..].to_vec();
        let mut p = 0;
        let deps = read_uleb(&body, &mut p) as usize;
        p += deps * 32;
        let actor = read_uleb(&body, &mut p) as usize;
        p += actor;
        let seq_at = p;
        read_uleb(&body, &mut p);
        (body, seq_at, p)
    }
}

fn issue(compound: Uuid, reporter: Uuid, route: IssueRoute) -> NewIssue {
    NewIssue {
        id: Uuid::new_v4(),
        compound_id: compound,
        reporter_id: reporter,
        reported_at: now_millis(),
        category: IssueCategory::FlyingWireCharging,
        place: "3栋1单元门口".into(),
        description: "有住户从二楼窗户拉电线给电瓶车充电。".into(),
        route,
    }
}

fn token(d: &Device) -> String {
    d.with(|st| st.identity()).unwrap().unwrap().device_token
}

/// Posts a sync request as raw bytes; the status and the body as text.
async fn post_sync(w: &World, token: &str, body: Vec<u8>) -> (u16, String) {
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/sync", w.url))
        .bearer_auth(token)
        .header("content-type", protocol::CONTENT_TYPE)
        .body(body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

fn server_issue(w: &World, id: Uuid) -> steward_core::doc::IssueRecord {
    match doc::project(&w.admin.storage().load_doc(id).unwrap().unwrap().doc).unwrap() {
        Projection::Issue(i) => i,
        _ => panic!("issue"),
    }
}

/// Writes a forged change on the phone (as a tampered app could), pushes it raw, and checks it
/// is refused as `422 invalid_document` naming `rule`, with nothing stored.
async fn forged_push_is_refused(
    w: &World,
    d: &Device,
    id: Uuid,
    rule: &str,
    forge: impl FnOnce(&mut automerge::Automerge) -> Result<(), steward_core::Error>,
) {
    d.with(|st| st.edit(id, "forged", forge)).unwrap();
    let before = w.stored();
    let (req, _) = d.with(|st| st.prepare_sync()).unwrap();
    let (status, text) = post_sync(w, &token(d), protocol::encode(&req)).await;
    assert_eq!(status, 422, "{rule}: {text}");
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["code"], "invalid_document", "{text}");
    assert!(body["message"].as_str().unwrap().contains(rule), "want {rule:?} in {text}");
    assert_eq!(body["docs"], serde_json::json!([id.to_string()]));
    assert_eq!(w.stored(), before, "{rule}: nothing stored");
}

/// As [`forged_push_is_refused`], for a forgery the phone's own store would not even write (it
/// reads every document it writes): the change is made on the server's copy by a tampered app's
/// actor and pushed raw over the server's heads.
async fn forged_raw_push_is_refused(
    w: &World,
    d: &Device,
    id: Uuid,
    rule: &str,
    forge: impl FnOnce(&mut automerge::Automerge) -> Result<(), steward_core::Error>,
) {
    let mut doc = w.admin.storage().load_doc(id).unwrap().unwrap().doc.with_actor(automerge::ActorId::random());
    let heads = doc.get_heads();
    forge(&mut doc).unwrap();
    let data = doc.get_changes(&heads).iter().map(|c| ByteBuf::from(c.raw_bytes().to_vec())).collect();
    let req = SyncRequest {
        v: 1,
        push: vec![protocol::DocPush { id, base: heads.iter().map(|h| ByteBuf::from(h.0.to_vec())).collect(), data }],
        ..Default::default()
    };
    let before = w.stored();
    let (status, text) = post_sync(w, &token(d), protocol::encode(&req)).await;
    assert_eq!(status, 422, "{rule}: {text}");
    assert!(text.contains(rule), "want {rule:?} in {text}");
    assert_eq!(w.stored(), before, "{rule}: nothing stored");
}

fn timeline_entry(
    d: &mut automerge::Automerge,
    by: Uuid,
    role: &str,
    status: Option<&str>,
) -> Result<(), steward_core::Error> {
    let mut tx = d.transaction();
    let Some((Value::Object(ObjType::Map), tl)) = tx.get(ROOT, "timeline")? else { panic!("timeline") };
    let e = tx.put_object(&tl, Uuid::new_v4().to_string(), ObjType::Map)?;
    tx.put(&e, "at", ScalarValue::Timestamp(now_millis()))?;
    tx.put(&e, "by", by.to_string())?;
    tx.put(&e, "role", role)?;
    tx.put(&e, "text", "物业已处理完毕")?;
    if let Some(s) = status {
        tx.put(&e, "status", s)?;
        tx.put(ROOT, "status", s)?;
    }
    tx.commit();
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stewards_phone_cannot_forge_authors_skip_the_state_machine_or_flip_an_issues_route() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let d = w.device(s.id).await;
    d.sync().await;
    let i = d.with(|st| st.report_issue(&issue(c, s.id, IssueRoute::PropertyDuty))).unwrap();
    d.sync().await;
    let property = Uuid::new_v4();

    // A timeline entry claiming to be the property company.
    let fresh = || async {
        let d = w.device(s.id).await;
        d.sync().await;
        d
    };
    let d1 = fresh().await;
    forged_push_is_refused(&w, &d1, i, "steward's role", |doc| timeline_entry(doc, property, "property_company", None))
        .await;
    // Reported straight to verified, with an entry that looks right.
    let d2 = fresh().await;
    forged_push_is_refused(&w, &d2, i, "may not move", |doc| timeline_entry(doc, s.id, "steward", Some("verified")))
        .await;
    // A status changed with no entry at all.
    let d3 = fresh().await;
    forged_push_is_refused(&w, &d3, i, "timeline entry that moves it", |doc| {
        let mut tx = doc.transaction();
        tx.put(ROOT, "status", "resolved")?;
        tx.commit();
        Ok(())
    })
    .await;
    // The route flipped, which decides who must act on it.
    let d4 = fresh().await;
    forged_push_is_refused(&w, &d4, i, "route", |doc| {
        let mut tx = doc.transaction();
        tx.put(ROOT, "route", "community_coordination")?;
        tx.commit();
        Ok(())
    })
    .await;
    // An entry signed with another steward's id.
    let d5 = fresh().await;
    forged_push_is_refused(&w, &d5, i, "signed", |doc| timeline_entry(doc, Uuid::new_v4(), "steward", None)).await;

    // The honest path still works: the property company resolves, the steward verifies.
    let p = w.user(c, "jiayuan", Role::Property).await;
    for st in ["accepted", "in_progress", "resolved"] {
        let (code, body) = p.post(&format!("/v1/issues/{i}/status"), serde_json::json!({"status": st})).await;
        assert_eq!(code, 200, "{body}");
    }
    d.sync().await;
    d.with(|st| st.set_issue_status(i, IssueStatus::Verified, "已现场查看")).unwrap();
    d.sync().await;
    let stored = server_issue(&w, i);
    assert_eq!(stored.status, IssueStatus::Verified);
    assert_eq!(stored.timeline.iter().filter(|e| e.role == PartyRole::Steward).count(), 1);
    assert_eq!(stored.timeline.iter().filter(|e| e.role == PartyRole::PropertyCompany).count(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visits_in_another_stewards_name_and_entries_that_change_stored_records_are_refused() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let other_c = w.compound("汉江花园");
    let s = w.steward(c, "李秀英");
    let other = w.steward(other_c, "王建国");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    d.with(|st| st.record_visit(h, &visit(s.id, now_millis()))).unwrap();
    d.sync().await;
    let visits_before = match doc::project(&w.admin.storage().load_doc(h).unwrap().unwrap().doc).unwrap() {
        Projection::Household(r) => r.visits,
        _ => panic!(),
    };
    assert_eq!(visits_before.len(), 1);

    let d1 = w.device(s.id).await;
    d1.sync().await;
    forged_push_is_refused(&w, &d1, h, "signed", |doc| doc::record_visit(doc, &visit(other.id, now_millis()))).await;

    let d2 = w.device(s.id).await;
    d2.sync().await;
    let stored_visit = visits_before[0].id;
    forged_push_is_refused(&w, &d2, h, "may not be changed", |doc| {
        let mut tx = doc.transaction();
        let Some((_, visits)) = tx.get(ROOT, "visits")? else { panic!() };
        let Some((_, v)) = tx.get(&visits, stored_visit.to_string())? else { panic!() };
        tx.put(&v, "summary", "改写的记录")?;
        tx.commit();
        Ok(())
    })
    .await;

    let d3 = w.device(s.id).await;
    d3.sync().await;
    forged_push_is_refused(&w, &d3, h, "may not be removed", |doc| {
        let mut tx = doc.transaction();
        let Some((_, visits)) = tx.get(ROOT, "visits")? else { panic!() };
        tx.delete(&visits, stored_visit.to_string())?;
        tx.commit();
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_cannot_squat_another_stewards_future_plan_id_and_a_plan_edit_never_edits_another_kind() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let victim = w.steward(c, "张桂兰");
    let d = w.device(s.id).await;
    d.sync().await;
    let month: steward_core::time::Month = "2027-03".parse().unwrap();
    let squat = doc::plan_doc_id(victim.id, month);
    let before = w.stored();
    d.with(|st| {
        let h = doc::create_household(
            st.actor().clone(),
            &doc::NewHousehold {
                id: squat,
                compound_id: c,
                steward_id: Some(s.id),
                profile: steward_tests::profile(1),
            },
            now_millis(),
        )
        .unwrap();
        st.insert_new_doc(h, "squat")
    })
    .unwrap();
    let (req, _) = d.with(|st| st.prepare_sync()).unwrap();
    let (status, text) = post_sync(&w, &token(&d), protocol::encode(&req)).await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("version 4"), "{text}");
    assert_eq!(w.stored(), before);

    // Were such a document there (made by the server itself, bypassing the phone's checks), the
    // supervisor's plan edit refuses rather than editing it.
    let h = doc::create_household(
        w.admin.actor().clone(),
        &doc::NewHousehold { id: squat, compound_id: c, steward_id: Some(s.id), profile: steward_tests::profile(2) },
        now_millis(),
    )
    .unwrap();
    w.admin.create_doc(&h).unwrap();
    let sup = w.supervisor(c, "shuhan-zhibu").await;
    let stored = w.stored();
    let (code, body) = sup
        .send(reqwest::Method::PUT, &format!("/v1/plans/{}/{month}", victim.id), serde_json::json!({"households": []}))
        .await;
    assert!(matches!(code, 404 | 409), "{code} {body}");
    assert_eq!(w.stored(), stored, "the household under the plan's id was not touched");
}

/// Rewrites one change chunk's seq (a one-byte LEB128 number) and fixes its checksum.
fn with_seq(chunk: &[u8], seq: u8) -> Vec<u8> {
    let (mut body, seq_at, _) = wire::change_body(chunk);
    assert!(body[seq_at] < 0x80, "a one-byte seq");
    body[seq_at] = seq;
    wire::seal(1, &body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_change_under_a_stale_checksum_and_a_change_whose_seq_skips_ahead_get_400_not_stored_not_a_panic() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    let mut v = visit(s.id, now_millis());
    v.summary = "MARKER 老人腿脚不便".into();
    d.with(|st| st.record_visit(h, &v)).unwrap();
    let (req, _) = d.with(|st| st.prepare_sync()).unwrap();
    let before = w.stored();

    // One damaged byte inside the text, the checksum left as it was.
    let mut damaged = req.clone();
    let data = damaged.push[0].data[0].to_vec();
    let at = data.windows(6).position(|x| x == b"MARKER").expect("the text is in the change");
    let mut bad = data.clone();
    bad[at + 5] = b'X';
    damaged.push[0].data[0] = ByteBuf::from(bad);
    let (status, text) = post_sync(&w, &token(&d), protocol::encode(&damaged)).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("checksum"), "{text}");
    assert_eq!(w.stored(), before);

    // A valid change re-encoded with seq 127 and a correct checksum: Automerge would assert.
    let mut skipped = req.clone();
    skipped.push[0].data[0] = ByteBuf::from(with_seq(&data, 127));
    let (status, text) = post_sync(&w, &token(&d), protocol::encode(&skipped)).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("seq"), "{text}");
    assert_eq!(w.stored(), before);

    // The phone's undamaged original still goes through, with its own text.
    d.sync().await;
    let Projection::Household(r) = doc::project(&w.admin.storage().load_doc(h).unwrap().unwrap().doc).unwrap() else {
        panic!()
    };
    assert_eq!(r.visits.iter().filter(|x| x.summary == v.summary).count(), 1);
}

fn sync_msg_with_bloom(entries: u64, bits: u64, probes: u64, bloom_bytes: usize) -> Vec<u8> {
    let mut bloom = Vec::new();
    for v in [entries, bits, probes] {
        wire::put_uleb(&mut bloom, v);
    }
    bloom.extend(vec![0xffu8; bloom_bytes]);
    let mut msg = vec![0x42, 0, 0, 1, 0];
    wire::put_uleb(&mut msg, bloom.len() as u64);
    msg.extend(bloom);
    msg.push(0);
    msg
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bloom_filter_declaring_2_29_probes_or_0_bits_per_entry_gets_400_before_automerge_sees_it() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    let before = w.stored();
    for (what, msg) in [
        ("2^29 probes", sync_msg_with_bloom(1, 10, 1 << 29, 2)),
        ("0 bits per entry", sync_msg_with_bloom(1, 0, 7, 0)),
        ("2^31 entries", sync_msg_with_bloom(1 << 31, 10, 7, 16)),
    ] {
        let req = SyncRequest {
            v: 1,
            sync: vec![SyncMessage { id: h, msg: Some(ByteBuf::from(msg)), start: false, heads: None }],
            ..Default::default()
        };
        let started = std::time::Instant::now();
        let (status, text) = post_sync(&w, &token(&d), protocol::encode(&req)).await;
        assert_eq!(status, 400, "{what}: {text}");
        assert!(text.contains("bloom"), "{what}: {text}");
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{what}: refused at once");
    }
    assert_eq!(w.stored(), before);
    assert_eq!(reqwest::get(format!("{}/healthz", w.url)).await.unwrap().status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compressed_chunk_that_inflates_to_gigabytes_is_refused_without_being_inflated() {
    use std::io::Write;
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let d = w.device(s.id).await;
    d.sync().await;
    // 64 MiB of zeros deflate to about 64 KB.
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&zeros).unwrap();
    }
    let deflated = enc.finish().unwrap();
    let chunk = wire::seal;
    // A compressed change chunk (type 2).
    let compressed_change = chunk(2, &deflated);
    // A document chunk (type 0) whose one change column is marked DEFLATE and inflates to 64 MiB.
    let mut doc_body = vec![1, 16];
    doc_body.extend([7u8; 16]); // one actor
    doc_body.push(0); // no heads
    doc_body.push(1); // one change column
    doc_body.push(0b1000 | 1); // spec with the deflate bit
    wire::put_uleb(&mut doc_body, deflated.len() as u64);
    doc_body.push(0); // no op columns
    doc_body.extend(&deflated);
    let document = chunk(0, &doc_body);
    let before = w.stored();
    for (what, item, words) in
        [("compressed change", compressed_change, "compressed"), ("document", document, "inflates")]
    {
        let req = SyncRequest {
            v: 1,
            push: vec![protocol::DocPush { id: Uuid::new_v4(), base: vec![], data: vec![ByteBuf::from(item)] }],
            ..Default::default()
        };
        let started = std::time::Instant::now();
        let (status, text) = post_sync(&w, &token(&d), protocol::encode(&req)).await;
        assert_eq!(status, 400, "{what}: {text}");
        assert!(text.contains(words), "{what}: {text}");
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{what}: refused at once");
    }
    assert_eq!(w.stored(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_mutated_sync_messages_and_pushes_get_4xx_never_a_500() {
    use rand::{Rng, SeedableRng};
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    d.with(|st| st.record_visit(h, &visit(s.id, now_millis()))).unwrap();
    let (push_req, _) = d.with(|st| st.prepare_sync()).unwrap();
    let mut state = automerge::sync::State::new();
    let msg = d.with(|st| st.generate_sync_message(h, &mut state)).unwrap().expect("a first message");
    let token = token(&d);
    let before = w.stored();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed_8);
    let mut counts = std::collections::BTreeMap::new();
    for round in 0..1_500 {
        let mut req = if round % 2 == 0 {
            SyncRequest {
                v: 1,
                sync: vec![SyncMessage { id: h, msg: Some(ByteBuf::from(msg.clone())), start: false, heads: None }],
                ..Default::default()
            }
        } else {
            push_req.clone()
        };
        let target = if round % 2 == 0 { req.sync[0].msg.as_mut().unwrap() } else { &mut req.push[0].data[0] };
        for _ in 0..rng.gen_range(1..4) {
            let i = rng.gen_range(0..target.len());
            match rng.gen_range(0..3) {
                0 => target[i] = rng.gen(),
                1 => target[i] = target[i].wrapping_add(1),
                _ => {
                    target.truncate(i.max(1));
                }
            }
        }
        let (status, text) = post_sync(&w, &token, protocol::encode(&req)).await;
        assert!(status < 500, "round {round}: {status} {text}");
        *counts.entry(status).or_insert(0u32) += 1;
    }
    eprintln!("statuses of mutated requests: {counts:?}");
    // Mutated pushes that still parse could only be the phone's own visit (a no-op otherwise).
    let seq = w.stored().max_seq;
    assert!(seq <= before.max_seq + 1);
    assert_eq!(reqwest::get(format!("{}/healthz", w.url)).await.unwrap().status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn texts_over_their_limit_and_dates_out_of_range_are_refused_on_the_phone_at_the_server_and_in_supervisor_edits()
{
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    // The phone refuses before making a change.
    let mut long = visit(s.id, now_millis());
    long.summary = "很".repeat(steward_core::limits::LONG_TEXT + 1);
    assert!(d.with(|st| st.record_visit(h, &long)).is_err());
    assert_eq!(d.with(|st| st.pending_count()).unwrap(), 0);
    // A tampered phone that writes it anyway is refused by the server.
    forged_push_is_refused(&w, &d, h, "longer than", |doc| {
        let mut tx = doc.transaction();
        tx.put(ROOT, "head_name", "长".repeat(steward_core::limits::SHORT_TEXT + 1))?;
        tx.commit();
        Ok(())
    })
    .await;

    let sup = w.supervisor(c, "shuhan-zhibu").await;
    let before = w.stored();
    for (path, body) in [
        (format!("/v1/households/{h}/must-visits"), serde_json::json!({"trigger": "hardship", "date": i64::MIN})),
        (
            format!("/v1/households/{h}/must-visits"),
            serde_json::json!({"trigger": "hardship", "note": "长".repeat(3000)}),
        ),
        (format!("/v1/compounds/{c}/holiday-must-visits"), serde_json::json!({"date": i64::MIN})),
    ] {
        let (code, resp) = sup.post(&path, body).await;
        assert!((400..500).contains(&code), "{path}: {code} {resp}");
    }
    assert_eq!(w.stored(), before, "nothing stored");
    let (code, _) = sup.get("/v1/reports/must-visits").await;
    assert_eq!(code, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_property_company_reads_only_the_issues_in_its_duty_and_nothing_of_households_visits_or_plans() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    d.with(|st| st.record_visit(h, &visit(s.id, now_millis()))).unwrap();
    let month = d.with(|st| st.month_of(now_millis()));
    d.with(|st| st.plan_households(month, &[h], &[])).unwrap();
    let duty = d.with(|st| st.report_issue(&issue(c, s.id, IssueRoute::PropertyDuty))).unwrap();
    let other = d.with(|st| st.report_issue(&issue(c, s.id, IssueRoute::CommunityCoordination))).unwrap();
    d.sync().await;

    let p = w.user(c, "jiayuan", Role::Property).await;
    let (code, pulled) = p.get("/v1/pull?since=0").await;
    assert_eq!(code, 200, "{pulled}");
    let docs = pulled["docs"].as_array().unwrap();
    let ids: Vec<&str> = docs.iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![duty.to_string().as_str()], "only the issue in its duty");
    let text = pulled.to_string();
    assert!(!text.contains(&steward_tests::profile(1).head_name), "no household name");

    for report in ["visits", "visit-ledger", "must-visits", "timely", "three-clears"] {
        for fmt in ["json", "csv"] {
            let (code, body) = p.get_text(&format!("/v1/reports/{report}?format={fmt}")).await;
            assert_eq!(code, 403, "{report} {fmt}: {body}");
            assert!(!body.contains(&steward_tests::profile(1).head_name));
        }
    }
    let (code, csv) = p.get_text("/v1/reports/issues?format=csv").await;
    assert_eq!(code, 200);
    assert_eq!(csv.lines().count(), 2, "the header and the one issue in its duty: {csv}");
    // The stewards' names of its compound (to pass a resident's matter on to one), nothing more.
    let (code, list) = p.get("/v1/stewards").await;
    assert_eq!(code, 200);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0].as_object().unwrap().len(), 3, "id, compound and name only: {list}");

    // A supervisor of the same compound reads everything.
    let sup = w.supervisor(c, "shuhan-zhibu").await;
    let (_, all) = sup.get("/v1/pull?since=0").await;
    let all_ids: Vec<String> =
        all["docs"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_string()).collect();
    for id in [h, duty, other] {
        assert_eq!(all_ids.iter().filter(|x| **x == id.to_string()).count(), 1);
    }

    // A supervisor of another compound reads nothing of this one, on any read endpoint, in any
    // format: no id, no name, no row.
    let c2 = w.compound("汉韵华府");
    let elsewhere = w.supervisor(c2, "hanyun-zhibu").await;
    let secrets = [
        h.to_string(),
        duty.to_string(),
        other.to_string(),
        s.id.to_string(),
        steward_tests::profile(1).head_name,
        "李秀英".into(),
    ];
    let mut reads: Vec<String> = vec!["/v1/pull?since=0".into(), "/v1/stewards".into(), "/v1/me".into()];
    for report in ["visits", "visit-ledger", "must-visits", "timely", "issues", "three-clears"] {
        for fmt in ["json", "csv"] {
            reads.push(format!("/v1/reports/{report}?format={fmt}&month={month}"));
        }
    }
    for path in &reads {
        let (code, body) = elsewhere.get_text(path).await;
        assert!(code == 200 || code == 403 || code == 404, "{path}: {code} {body}");
        for secret in &secrets {
            assert!(!body.contains(secret.as_str()), "{path} shows {secret} to another compound's supervisor: {body}");
        }
    }
    let (_, theirs) = elsewhere.get("/v1/pull?since=0").await;
    assert!(
        theirs["docs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["compound_id"] == c2.to_string() || (d["kind"] == "compound" && d["id"] == c2.to_string())),
        "only its own compound's documents: {theirs}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_exports_write_cells_beginning_with_formula_characters_as_text() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    let mut v = visit(s.id, now_millis());
    v.summary = "=HYPERLINK(\"http://example.invalid\",\"点我\")".into();
    v.hardships = "@SUM(A1)".into();
    d.with(|st| st.record_visit(h, &v)).unwrap();
    d.sync().await;
    let sup = w.supervisor(c, "shuhan-zhibu").await;
    let (code, csv) = sup.get_text("/v1/reports/visit-ledger?format=csv").await;
    assert_eq!(code, 200);
    assert!(csv.contains("'=HYPERLINK("), "{csv}");
    assert!(csv.contains("'@SUM(A1)"), "{csv}");
    for line in csv.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '@']), "a live formula in {line}");
        }
    }
}

/// A change chunk built from its parts (the Automerge binary change format), with its checksum.
fn change_chunk(actor: &[u8], seq: u64, start_op: u64, columns: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let mut body = vec![0]; // no deps
    wire::put_uleb(&mut body, actor.len() as u64);
    body.extend(actor);
    wire::put_uleb(&mut body, seq);
    wire::put_uleb(&mut body, start_op);
    body.extend([0, 0, 0]); // time, message, other actors
    wire::put_uleb(&mut body, columns.len() as u64);
    for (spec, data) in columns {
        wire::put_uleb(&mut body, *spec);
        wire::put_uleb(&mut body, data.len() as u64);
    }
    for (_, data) in columns {
        body.extend(data);
    }
    wire::seal(1, &body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_97_byte_change_declaring_ten_million_operations_is_refused_before_automerge_expands_it() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let d = w.device(s.id).await;
    d.sync().await;
    let before = w.stored();
    // The action column (id 4, run-length integers) as one run of ten million.
    let mut run = vec![];
    let mut v: i64 = 10_000_000;
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 && b & 0x40 == 0 {
            run.push(b);
            break;
        }
        run.push(b | 0x80);
    }
    run.push(1); // the value repeated
    let bomb = change_chunk(&[9u8; 16], 1, 1, &[((4 << 4) | 2, run)]);
    assert!(bomb.len() < 100, "{} bytes", bomb.len());
    let req = SyncRequest {
        v: 1,
        push: vec![protocol::DocPush { id: Uuid::new_v4(), base: vec![], data: vec![ByteBuf::from(bomb)] }],
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let (status, text) = post_sync(&w, &token(&d), protocol::encode(&req)).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("operations"), "{text}");
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "refused at once: {:?}", started.elapsed());
    assert_eq!(w.stored(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_key_spelt_in_capitals_or_braces_cannot_shadow_a_stored_record() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    let i = d.with(|st| st.report_issue(&issue(c, s.id, IssueRoute::PropertyDuty))).unwrap();
    d.with(|st| st.comment_issue(i, "已电话联系物业")).unwrap();
    d.with(|st| st.record_visit(h, &visit(s.id, now_millis()))).unwrap();
    d.sync().await;
    let entry = server_issue(&w, i).timeline[0].id;
    let Projection::Household(hh) = doc::project(&w.admin.storage().load_doc(h).unwrap().unwrap().doc).unwrap() else {
        panic!()
    };
    let stored_visit = hh.visits[0].id;
    for (n, alias) in
        [entry.to_string().to_uppercase(), format!("{{{entry}}}"), format!("urn:uuid:{entry}")].into_iter().enumerate()
    {
        let d = w.device(s.id).await;
        d.sync().await;
        forged_raw_push_is_refused(&w, &d, i, "lower-case hyphenated", |doc| {
            let mut tx = doc.transaction();
            let Some((_, tl)) = tx.get(ROOT, "timeline")? else { panic!() };
            let e = tx.put_object(&tl, alias.as_str(), ObjType::Map)?;
            tx.put(&e, "at", ScalarValue::Timestamp(now_millis()))?;
            tx.put(&e, "by", Uuid::new_v4().to_string())?;
            tx.put(&e, "role", "property_company")?;
            tx.put(&e, "text", format!("物业已处理完毕 {n}"))?;
            tx.put(&e, "status", "resolved")?;
            tx.put(ROOT, "status", "resolved")?;
            tx.commit();
            Ok(())
        })
        .await;
    }
    let d = w.device(s.id).await;
    d.sync().await;
    forged_raw_push_is_refused(&w, &d, h, "lower-case hyphenated", |doc| {
        let mut tx = doc.transaction();
        let Some((_, visits)) = tx.get(ROOT, "visits")? else { panic!() };
        let v = tx.put_object(&visits, stored_visit.to_string().to_uppercase(), ObjType::Map)?;
        tx.put(&v, "at", ScalarValue::Timestamp(now_millis()))?;
        tx.put(&v, "recorded_at", ScalarValue::Timestamp(now_millis()))?;
        tx.put(&v, "method", "door_visit")?;
        tx.put(&v, "summary", "冒名的走访")?;
        tx.put(&v, "by", Uuid::new_v4().to_string())?;
        tx.commit();
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_twice_in_one_request_or_in_both_push_and_sync_is_refused_whole() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    d.with(|st| st.record_visit(h, &visit(s.id, now_millis()))).unwrap();
    let (req, _) = d.with(|st| st.prepare_sync()).unwrap();
    let mut state = automerge::sync::State::new();
    let msg = d.with(|st| st.generate_sync_message(h, &mut state)).unwrap().unwrap();
    let sync = SyncMessage { id: h, msg: Some(ByteBuf::from(msg)), start: false, heads: None };
    let before = w.stored();
    let cases = [
        SyncRequest { v: 1, push: req.push.clone(), sync: vec![sync.clone()], ..Default::default() },
        SyncRequest { v: 1, sync: vec![sync.clone(), sync.clone()], ..Default::default() },
        SyncRequest { v: 1, sync: vec![sync.clone(); 2_001], ..Default::default() },
    ];
    for (n, case) in cases.iter().enumerate() {
        let (status, text) = post_sync(&w, &token(&d), protocol::encode(case)).await;
        assert_eq!(status, 400, "case {n}: {text}");
        assert_eq!(w.stored(), before, "case {n}: nothing stored");
    }
    d.sync().await;
    assert_eq!(d.with(|st| st.pending_count()).unwrap(), 0, "the honest sync goes through");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_account_stays_locked_under_another_spelling_of_its_name() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    steward_sync_server::admin::create_user(&w.admin, "supA", "password-123", Role::Supervisor, Some(c)).unwrap();
    let http = reqwest::Client::new();
    let login = |name: &'static str, password: &'static str| {
        let http = http.clone();
        let url = format!("{}/v1/login", w.url);
        async move {
            http.post(url)
                .json(&serde_json::json!({"username": name, "password": password}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for _ in 0..5 {
        assert_eq!(login("supA", "wrong-password").await, 401);
    }
    for name in ["supA", " supA", "supA ", "\tsupA"] {
        assert_eq!(login(name, "password-123").await, 429, "{name:?} is the same locked account");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_in_a_valid_but_non_canonical_encoding_is_refused_rather_than_stored_under_another_hash() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    let mut p = steward_tests::profile(1);
    p.phone = Some("13700000077".into());
    d.with(|st| st.update_profile(h, &p)).unwrap();
    let (mut req, _) = d.with(|st| st.prepare_sync()).unwrap();
    // Add an all-null key-actor column (spec 0x11) written as an explicit null run: Automerge
    // reads it, and writes the change again without it, under another hash.
    let change = automerge::Change::from_bytes(req.push[0].data[0].to_vec()).unwrap();
    let rows = change.len() as u64;
    let bytes = req.push[0].data[0].to_vec();
    let reencoded = with_extra_null_column(&bytes, 0x11, rows);
    assert!(automerge::Change::from_bytes(reencoded.clone()).is_ok(), "still a valid change");
    req.push[0].data[0] = ByteBuf::from(reencoded);
    let before = w.stored();
    let (status, text) = post_sync(&w, &token(&d), protocol::encode(&req)).await;
    assert_eq!(status, 400, "{text}");
    // Refused either by the check that each change is stored under its pushed hash, or when
    // Automerge cannot write the document's changes again (its panic caught as a 400).
    assert!(text.contains("canonical") || text.contains("could not read"), "{text}");
    assert_eq!(w.stored(), before);
}

/// Rebuilds a change chunk with one more column holding only a run of `rows` nulls.
fn with_extra_null_column(chunk: &[u8], spec: u64, rows: u64) -> Vec<u8> {
    let (body, _, mut pos) = wire::change_body(chunk);
    wire::read_uleb(&body, &mut pos); // start op
    while body[pos] & 0x80 != 0 {
        pos += 1; // time (sleb)
    }
    pos += 1;
    pos += wire::read_uleb(&body, &mut pos) as usize; // message
    for _ in 0..wire::read_uleb(&body, &mut pos) {
        pos += wire::read_uleb(&body, &mut pos) as usize; // other actors
    }
    let prefix = body[..pos].to_vec();
    let n = wire::read_uleb(&body, &mut pos);
    let cols: Vec<(u64, usize)> =
        (0..n).map(|_| (wire::read_uleb(&body, &mut pos), wire::read_uleb(&body, &mut pos) as usize)).collect();
    let mut data = Vec::new();
    for (sp, len) in &cols {
        data.push((*sp, body[pos..pos + len].to_vec()));
        pos += len;
    }
    assert!(data.iter().all(|(sp, _)| *sp != spec), "the column is not there yet");
    let mut null_run = vec![0];
    wire::put_uleb(&mut null_run, rows);
    data.push((spec, null_run));
    data.sort_by_key(|(sp, _)| *sp);
    let mut out = prefix;
    wire::put_uleb(&mut out, data.len() as u64);
    for (sp, d) in &data {
        wire::put_uleb(&mut out, *sp);
        wire::put_uleb(&mut out, d.len() as u64);
    }
    for (_, d) in &data {
        out.extend(d);
    }
    wire::seal(1, &out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_no_document_has_and_values_of_the_wrong_type_are_refused_so_nothing_unread_is_stored() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    let i = d.with(|st| st.report_issue(&issue(c, s.id, IssueRoute::PropertyDuty))).unwrap();
    d.with(|st| st.record_visit(h, &visit(s.id, now_millis()))).unwrap();
    d.sync().await;
    let fresh = || async {
        let d = w.device(s.id).await;
        d.sync().await;
        d
    };
    // A large value under a key the readers never look at (larger ones are refused as chunks
    // over 256 KiB before this check).
    let d1 = fresh().await;
    forged_push_is_refused(&w, &d1, h, "no field", |doc| {
        let mut tx = doc.transaction();
        tx.put(ROOT, "junk", "垃圾".repeat(20_000))?;
        tx.commit();
        Ok(())
    })
    .await;
    // A Table where the timeline map is (a later writer would replace it, wiping the history).
    let d2 = fresh().await;
    forged_raw_push_is_refused(&w, &d2, i, "wrong type", |doc| {
        let mut tx = doc.transaction();
        tx.put_object(ROOT, "timeline", ObjType::Table)?;
        tx.commit();
        Ok(())
    })
    .await;
    // A string where a time is.
    let d3 = fresh().await;
    let Projection::Household(r) = doc::project(&w.admin.storage().load_doc(h).unwrap().unwrap().doc).unwrap() else {
        panic!()
    };
    let v = r.visits[0].id;
    forged_push_is_refused(&w, &d3, h, "wrong type", |doc| {
        let mut tx = doc.transaction();
        let Some((_, visits)) = tx.get(ROOT, "visits")? else { panic!() };
        let Some((_, rec)) = tx.get(&visits, v.to_string())? else { panic!() };
        tx.put(&rec, "recorded_at", "很久以前".repeat(10_000))?;
        tx.commit();
        Ok(())
    })
    .await;
    // A known field given a huge value by a concurrent change that loses the conflict: the
    // loser is stored too, so every value at the key is checked.
    let d4 = fresh().await;
    forged_raw_push_is_refused(&w, &d4, h, "wrong type or size", |doc| {
        let mut a = doc.fork().with_actor(automerge::ActorId::from(vec![0u8; 16]));
        let mut b = doc.fork().with_actor(automerge::ActorId::from(vec![0xffu8; 16]));
        let mut tx = a.transaction();
        tx.put(ROOT, "phone", "1".repeat(50_000))?;
        tx.commit();
        let mut tx = b.transaction();
        tx.put(ROOT, "phone", "13900001111")?;
        tx.commit();
        doc.merge(&mut a)?;
        doc.merge(&mut b)?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_cannot_be_grown_without_end_by_overwriting_one_field_again_and_again() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    // Five changes of 45,000 overwrites each: every change and the request are within their own
    // bounds, but the document would hold 225,000 operations.
    forged_raw_push_is_refused(&w, &d, h, "would hold", |doc| {
        for round in 0..5u64 {
            let mut tx = doc.transaction();
            for n in 0..45_000u64 {
                tx.put(ROOT, "member_count", (round * 45_000 + n) % 99)?;
            }
            tx.commit();
        }
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_losing_concurrent_object_holds_is_checked_as_if_it_had_won() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    let visit_key = Uuid::new_v4().to_string();
    forged_raw_push_is_refused(&w, &d, h, "no field", |doc| {
        let visits = match doc.get(ROOT, "visits")? {
            Some((_, v)) => v,
            None => panic!(),
        };
        let mut a = doc.fork().with_actor(automerge::ActorId::from(vec![0xffu8; 16]));
        let mut b = doc.fork().with_actor(automerge::ActorId::from(vec![0u8; 16]));
        // The winner: a proper visit.
        let mut tx = a.transaction();
        let v = tx.put_object(&visits, visit_key.as_str(), ObjType::Map)?;
        tx.put(&v, "at", ScalarValue::Timestamp(now_millis()))?;
        tx.put(&v, "recorded_at", ScalarValue::Timestamp(now_millis()))?;
        tx.put(&v, "method", "door_visit")?;
        tx.put(&v, "summary", "走访")?;
        tx.put(&v, "by", s.id.to_string())?;
        tx.commit();
        // The loser, at the same key: junk no reader would ever see.
        let mut tx = b.transaction();
        let v = tx.put_object(&visits, visit_key.as_str(), ObjType::Map)?;
        tx.put(&v, "hidden", "藏".repeat(10_000))?;
        tx.commit();
        doc.merge(&mut a)?;
        doc.merge(&mut b)?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_cannot_be_grown_past_its_byte_bound_by_overwriting_long_texts() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    // 40 changes of 20 overwrites of a 4,000-character note: each change and the request within
    // their bounds, the operations few, but the document would take over 8 MiB.
    forged_raw_push_is_refused(&w, &d, h, "would take", |doc| {
        for round in 0..40 {
            let mut tx = doc.transaction();
            for n in 0..20 {
                tx.put(ROOT, "notes", format!("{round}-{n}-{}", "记".repeat(3_990)))?;
            }
            tx.commit();
        }
        Ok(())
    })
    .await;
}

/// Rewrites a change chunk's start op and fixes its length and checksum.
fn with_start_op(chunk: &[u8], start_op: u64) -> Vec<u8> {
    let (body, _, start_op_at) = wire::change_body(chunk);
    let mut pos = start_op_at;
    wire::read_uleb(&body, &mut pos);
    let mut out = body[..start_op_at].to_vec();
    wire::put_uleb(&mut out, start_op);
    out.extend(&body[pos..]);
    wire::seal(1, &out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_starting_below_the_operations_it_depends_on_is_refused_so_the_document_still_saves() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    d.with(|st| st.record_visit(h, &visit(s.id, now_millis()))).unwrap();
    let (mut req, _) = d.with(|st| st.prepare_sync()).unwrap();
    let bytes = req.push[0].data[0].to_vec();
    req.push[0].data[0] = ByteBuf::from(with_start_op(&bytes, 1));
    let before = w.stored();
    let (status, text) = post_sync(&w, &token(&d), protocol::encode(&req)).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("starts at operation"), "{text}");
    assert_eq!(w.stored(), before);
    d.sync().await;
    assert_eq!(d.with(|st| st.pending_count()).unwrap(), 0, "the honest change goes through");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operation_order_is_checked_also_against_a_whole_document_pushed_with_the_change() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    // B: a visit, carried inside a whole document; C: the next change, depending on B but
    // re-encoded to start at operation 1.
    let stored = w.admin.storage().load_doc(h).unwrap().unwrap().doc;
    let base: Vec<ByteBuf> = stored.get_heads().iter().map(|x| ByteBuf::from(x.0.to_vec())).collect();
    let mut doc = stored.with_actor(automerge::ActorId::random());
    doc::record_visit(&mut doc, &visit(s.id, now_millis())).unwrap();
    let whole = doc.save();
    let after_b = doc.get_heads();
    doc::record_visit(&mut doc, &visit(s.id, now_millis())).unwrap();
    let c_change = doc.get_changes(&after_b)[0].raw_bytes().to_vec();
    let req = SyncRequest {
        v: 1,
        push: vec![protocol::DocPush {
            id: h,
            base,
            data: vec![ByteBuf::from(whole), ByteBuf::from(with_start_op(&c_change, 1))],
        }],
        ..Default::default()
    };
    let before = w.stored();
    let (status, text) = post_sync(&w, &token(&d), protocol::encode(&req)).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("starts at operation"), "{text}");
    assert_eq!(w.stored(), before);
}

/// Pushes `doc` (a forged copy of document `id`) by the sync protocol, round by round as a
/// device would, and returns the first refusal: (status, body).
async fn by_sync_protocol(w: &World, d: &Device, id: Uuid, doc: &automerge::Automerge) -> Option<(u16, String)> {
    use automerge::sync::{State, SyncDoc};
    let mut state = State::new();
    let http = reqwest::Client::new();
    let mut doc = doc.clone();
    for round in 0..8 {
        let msg = doc.generate_sync_message(&mut state).map(|m| ByteBuf::from(m.encode()));
        let req = SyncRequest {
            v: 1,
            sync: vec![SyncMessage { id, msg, start: round == 0, heads: None }],
            ..Default::default()
        };
        let resp = http
            .post(format!("{}/v1/sync", w.url))
            .bearer_auth(token(d))
            .body(protocol::encode(&req))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let body = resp.bytes().await.unwrap();
        if status != 200 {
            return Some((status, String::from_utf8_lossy(&body).into_owned()));
        }
        let answer: protocol::SyncResponse = protocol::decode(&body).unwrap();
        match answer.sync.first().and_then(|m| m.msg.as_ref()) {
            Some(m) => doc.receive_sync_message(&mut state, automerge::sync::Message::decode(m).unwrap()).unwrap(),
            None if round > 0 => return None,
            None => {}
        }
    }
    None
}

/// Pushes `doc` by the fast path: its changes over `base`, or the whole document when `base` is
/// empty.
async fn by_fast_path(
    w: &World,
    d: &Device,
    id: Uuid,
    doc: &automerge::Automerge,
    base: &[automerge::ChangeHash],
) -> (u16, String) {
    let data = if base.is_empty() {
        vec![ByteBuf::from(doc.save())]
    } else {
        doc.get_changes(base).iter().map(|c| ByteBuf::from(c.raw_bytes().to_vec())).collect()
    };
    let req = SyncRequest {
        v: 1,
        push: vec![protocol::DocPush { id, base: base.iter().map(|h| ByteBuf::from(h.0.to_vec())).collect(), data }],
        ..Default::default()
    };
    post_sync(w, &token(d), protocol::encode(&req)).await
}

/// What a document is and where it belongs is the server's: a phone may not re-own, move or
/// re-kind a document, write the compound's settings, or create a document for another steward
/// or compound — by the fast path or by the sync protocol. Each refusal names its rule and
/// leaves the change log, the documents and the read model as they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_cannot_re_own_move_or_re_kind_a_document_nor_create_one_elsewhere_by_either_path() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let c2 = w.compound("汉韵华府");
    let s = w.steward(c, "李秀英");
    let other = w.steward(c, "王建国");
    let h = w.household(c, Some(s.id), 1);
    let compound_doc = w.admin.storage().doc_ids(&Scope::All, Some(doc::DocKind::Compound)).unwrap();
    let compound_doc = *compound_doc.iter().find(|id| **id == c).unwrap_or(&c);
    let d = w.device(s.id).await;
    d.sync().await;

    let put = |key: &'static str, value: String| {
        move |doc: &mut automerge::Automerge| {
            let mut tx = doc.transaction();
            tx.put(ROOT, key, value.clone()).unwrap();
            tx.commit();
        }
    };
    // Forgeries of stored documents: (what, document, forge, rule).
    type Forge = Box<dyn Fn(&mut automerge::Automerge)>;
    let stored: Vec<(&str, Uuid, Forge, &str)> = vec![
        ("re-own", h, Box::new(put("steward_id", other.id.to_string())), "only a supervisor can reassign"),
        ("move", h, Box::new(put("compound_id", c2.to_string())), "where it belongs"),
        ("re-kind", h, Box::new(put("kind", "plan".into())), ""),
        ("write the compound's settings", compound_doc, Box::new(put("name", "改名".into())), ""),
    ];
    for (what, id, forge, rule) in &stored {
        let mut doc = w.admin.storage().load_doc(*id).unwrap().unwrap().doc.with_actor(automerge::ActorId::random());
        let base = doc.get_heads();
        forge(&mut doc);
        for path in ["fast path", "sync protocol"] {
            let before = w.stored();
            let (status, text) = if path == "fast path" {
                by_fast_path(&w, &d, *id, &doc, &base).await
            } else {
                by_sync_protocol(&w, &d, *id, &doc).await.expect("refused")
            };
            assert!(status == 422 || status == 403, "{what} by the {path}: {status} {text}");
            assert!(text.contains(rule), "{what} by the {path}: want {rule:?} in {text}");
            assert_eq!(w.stored(), before, "{what} by the {path}: nothing stored");
        }
    }
    // New documents outside the steward's place: (what, id, document, rule).
    let household = |compound: Uuid, steward: Uuid| {
        let id = Uuid::new_v4();
        let nh = doc::NewHousehold {
            id,
            compound_id: compound,
            steward_id: Some(steward),
            profile: steward_tests::profile(7),
        };
        (id, doc::create_household(automerge::ActorId::random(), &nh, now_millis()).unwrap())
    };
    let new_compound = Uuid::new_v4();
    let created: Vec<(&str, (Uuid, automerge::Automerge), &str)> = vec![
        ("a household of another steward", household(c, other.id), "must belong to the steward's own compound"),
        ("a household in another compound", household(c2, s.id), "must belong to the steward's own compound"),
        (
            "compound settings",
            (
                new_compound,
                doc::create_compound(automerge::ActorId::random(), new_compound, "新小区", now_millis()).unwrap(),
            ),
            "cannot create compound settings",
        ),
    ];
    for (what, (id, doc), rule) in &created {
        for path in ["fast path", "sync protocol"] {
            let before = w.stored();
            let (status, text) = if path == "fast path" {
                by_fast_path(&w, &d, *id, doc, &[]).await
            } else {
                by_sync_protocol(&w, &d, *id, doc).await.expect("refused")
            };
            assert_eq!(status, 422, "{what} by the {path}: {text}");
            assert!(text.contains(rule), "{what} by the {path}: want {rule:?} in {text}");
            assert_eq!(w.stored(), before, "{what} by the {path}: nothing stored");
        }
    }
}
