//! A steward's phone without its window, for the console's end-to-end test: the real client
//! crate (store and sync client) driven from the command line.
//!
//! ```text
//! device-sim enrol STORE SERVER CODE    enrols; prints `ok <steward id>`
//! device-sim visit STORE SUMMARY        records a visit on the first household of this month's list;
//!                                       prints `ok <household id> <visit id>`
//! device-sim answer STORE               answers the first open task of the first open campaign, every
//!                                       field (是/否: 否, a number: 1, a choice: its first option, a
//!                                       text: "device-sim"); prints `ok <campaign doc id> <household id>`
//! device-sim sync STORE                 syncs; prints `ok <pushed> <pulled>`, or `error <code>` (exit 3)
//! ```

use std::sync::{Arc, Mutex};

use steward_client::{Store, SyncClient};
use steward_core::time::now_millis;

fn usage() -> ! {
    eprintln!("usage: device-sim enrol STORE SERVER CODE | visit STORE SUMMARY | answer STORE | sync STORE");
    std::process::exit(2);
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(command), Some(path)) = (args.first(), args.get(1)) else { usage() };
    let store = Arc::new(Mutex::new(Store::open(path).expect("open the store")));
    let client = SyncClient::new();
    match (command.as_str(), &args[2..]) {
        ("enrol", [server, code]) => {
            let id = client.enrol(&store, server, code, "device-sim").await.expect("enrol");
            println!("ok {}", id.steward_id);
        }
        ("visit", [summary]) => {
            let mut s = store.lock().unwrap();
            let identity = s.identity().unwrap().expect("enrolled");
            let month = s.month_of(now_millis());
            let first = s.households_for_month(month).unwrap().into_iter().next().expect("a household on the list");
            let mut v = steward_tests::visit(identity.steward_id, now_millis());
            v.summary = summary.clone();
            s.record_visit(first.id, &v).expect("record the visit");
            println!("ok {} {}", first.id, v.id);
        }
        ("answer", []) => {
            use steward_core::doc::Answer;
            use steward_core::model::FieldKind;
            let mut s = store.lock().unwrap();
            let line = s.campaigns().unwrap().into_iter().find(|c| c.closed_at.is_none()).expect("an open campaign");
            let c = s.campaign(line.id).unwrap();
            let task = c.tasks.iter().find(|t| t.answered_at.is_none()).expect("an open task");
            let answers = c
                .campaign
                .fields
                .iter()
                .map(|f| {
                    let a = match f.kind {
                        FieldKind::YesNo => Answer::Bool(false),
                        FieldKind::Number => Answer::Number(1.0),
                        FieldKind::Choice => Answer::Text(f.options[0].clone()),
                        FieldKind::Text => Answer::Text("device-sim".into()),
                    };
                    (f.id, a)
                })
                .collect();
            s.answer_campaign_task(line.id, task.household_id, &answers).expect("answer the task");
            println!("ok {} {}", line.id, task.household_id);
        }
        ("sync", []) => match client.sync(&store).await {
            Ok(r) => println!("ok {} {}", r.docs_pushed, r.docs_pulled),
            Err(e) => {
                println!("error {}", e.code());
                std::process::exit(3);
            }
        },
        _ => usage(),
    }
}
