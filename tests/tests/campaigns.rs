//! Campaigns (专项任务), the document and its rules at the server: a steward's campaign document
//! as the server writes it reaches both of the steward's phones, each answers households
//! offline, and the server keeps every answer once; a phone may only answer — signed by its
//! steward and fitting the form — and may not start a campaign, change its form or households,
//! or hand a task over. (Starting a campaign from the console, its progress and exports are
//! still to come; see docs/architecture.md.)

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use steward_core::doc::{self, Answer, CampaignField, CampaignSpec, NewTask, Projection};
use steward_core::model::{CampaignKind, FieldKind};
use steward_core::time::now_millis;
use steward_tests::World;
use uuid::Uuid;

fn spec() -> CampaignSpec {
    let field = |label: &str, kind, options: &[&str], required| CampaignField {
        id: Uuid::new_v4(),
        label: label.into(),
        kind,
        options: options.iter().map(|o| o.to_string()).collect(),
        required,
    };
    CampaignSpec {
        id: Uuid::new_v4(),
        title: "冬季防火入户排查".into(),
        kind: CampaignKind::Other,
        starts_on: "2026-12-01".into(),
        ends_on: "2026-12-20".into(),
        fields: vec![
            field("是否有电动车入户充电", FieldKind::YesNo, &[], true),
            field("灭火器", FieldKind::Choice, &["有", "没有"], false),
            field("常住人数", FieldKind::Number, &[], false),
        ],
    }
}

fn stored_campaign(w: &World, id: Uuid) -> doc::CampaignRecord {
    let d = w.admin.storage().load_doc(id).unwrap().expect("stored").doc;
    let Projection::Campaign(c) = doc::project(&d).unwrap() else { panic!("a campaign document") };
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_phones_answer_a_campaign_offline_and_a_phone_may_only_answer() {
    let w = World::start().await;
    let x = w.compound("蜀汉美郡");
    let steward = w.steward(x, "李秀英");
    let (h1, h2) = (w.household(x, Some(steward.id), 1), w.household(x, Some(steward.id), 2));
    let s = spec();
    let tasks = [
        NewTask { household_id: h1, name: "住户一".into(), address: "1栋1单元101".into() },
        NewTask { household_id: h2, name: "住户二".into(), address: "1栋1单元102".into() },
    ];
    let d = doc::create_campaign_doc(w.admin.actor().clone(), &s, x, steward.id, false, &tasks, now_millis()).unwrap();
    w.admin.create_doc(&d).unwrap();
    let id = doc::campaign_doc_id(s.id, steward.id);

    let (a, b) = (w.device(steward.id).await, w.device(steward.id).await);
    a.sync().await;
    b.sync().await;
    let yes_no = s.fields[0].id;
    let answer = |pairs: Vec<(Uuid, Answer)>| pairs.into_iter().collect::<BTreeMap<_, _>>();
    let me = steward.id;
    a.with(|st| {
        st.edit(id, "answer", |d| {
            doc::answer_task(d, h1, &answer(vec![(yes_no, Answer::Bool(true))]), me, now_millis())
        })
    })
    .unwrap();
    let both = answer(vec![(yes_no, Answer::Bool(false)), (s.fields[2].id, Answer::Number(3.0))]);
    b.with(|st| st.edit(id, "answer", |d| doc::answer_task(d, h2, &both, me, now_millis()))).unwrap();
    a.sync().await;
    b.sync().await;
    b.sync().await; // a round with nothing new stores nothing twice
    a.sync().await;

    let c = stored_campaign(&w, id);
    let answered: Vec<usize> = c.tasks.iter().map(|t| t.answers.len()).collect();
    assert_eq!(answered, vec![1, 2], "each phone's answers kept once: {c:?}");
    assert_eq!(c.tasks[1].answers[&s.fields[2].id], Answer::Number(3.0));

    // Forged pushes: refused with the rule named, nothing stored.
    let forge = |rule: &'static str,
                 f: Box<dyn FnOnce(&mut automerge::Automerge) -> Result<(), steward_core::Error>>| {
        w.assert_forged_refused(steward.id, id, rule, f)
    };
    forge(
        "set by its supervisor",
        Box::new(|d| {
            let mut tx = d.transaction();
            tx.put(automerge::ROOT, "title", "改过的标题")?;
            tx.commit();
            Ok(())
        }),
    )
    .await;
    forge(
        "only a supervisor hands a task over",
        Box::new(move |d| doc::hand_over_tasks(d, &[h1], Some(Uuid::new_v4()), now_millis())),
    )
    .await;
    forge(
        "signed by the steward",
        Box::new(move |d| {
            doc::answer_task(d, h2, &answer(vec![(yes_no, Answer::Bool(true))]), Uuid::new_v4(), now_millis())
        }),
    )
    .await;
    let choice = s.fields[1].id;
    forge(
        "not a choice",
        Box::new(move |d| {
            let (_, t) = automerge::ReadDoc::get(d, automerge::ROOT, format!("task:{h1}"))?.unwrap();
            let (_, answers) = automerge::ReadDoc::get(d, &t, "answers")?.unwrap();
            let mut tx = d.transaction();
            tx.put(&answers, choice.to_string(), "也许")?;
            tx.put(&t, "answered_at", automerge::ScalarValue::Timestamp(now_millis()))?;
            tx.commit();
            Ok(())
        }),
    )
    .await;

    // A phone cannot start a campaign of its own.
    let mine = CampaignSpec { id: Uuid::new_v4(), ..spec() };
    let own = a
        .with(|st| {
            let d = doc::create_campaign_doc(st.actor().clone(), &mine, x, me, false, &tasks, now_millis())?;
            st.insert_new_doc(d, "forged campaign")
        })
        .unwrap();
    let before = w.stored();
    let (status, text) = a.push_raw(&w.url).await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("started by a supervisor"), "{text}");
    assert_eq!(w.stored(), before);
    assert!(w.admin.storage().doc_meta(own).unwrap().is_none());
}
