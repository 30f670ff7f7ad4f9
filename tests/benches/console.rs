//! The console benchmark: "the district at rest" of `../shared/WORKLOAD.md`.
//!
//! Builds a district directly through the server's storage (untimed): one town, 3 communities,
//! 6 compounds, N stewards (default 600) with 20 households each, and 12 complete months of the
//! reference month for every steward (30 visits, 5 must-visits of which 4 answered, 3 issues
//! moved through 2 status changes, a plan of the 20 households). Then, against the real server
//! binary over HTTP as the town's supervisor, times:
//!
//! - the month's overview: the six reports the console's overview asks for at once;
//! - household search (a name, a tag, a sort);
//! - a household's page;
//! - the month's visit ledger as XLSX (read back and its rows counted);
//! - an incremental pull of the last hour's changes (one visit for every steward);
//! - the last quarter's joint meetings, decisions, pairing cases, the year in figures, the
//!   stewards' scores of the property companies (a scoring period: every steward submitted) and
//!   the half-year evaluation of every steward (indicators computed from the read model);
//! - a campaign (专项任务) over the town: started over HTTP (a document per steward), half of
//!   its tasks answered (untimed), its progress and its answers as XLSX;
//!
//! with medians, the server's CPU-seconds per phase and its peak memory, and the data
//! directory's size. Run: `cargo bench -p steward-tests --bench console -- [--stewards N]`.

use std::path::Path;
use std::time::{Duration, Instant};

use steward_core::doc::{self, NewHousehold, NewIssue, NewMustVisit};
use steward_core::model::*;
use steward_core::time::{now_millis, Month};
use steward_sync_server::storage::{PlaceKind, Role};
use steward_sync_server::{admin, Config};
use steward_tests::process::{cpu_seconds, peak_rss_kib, reset_peak_rss};
use steward_tests::{visit, ServerProcess, Supervisor};
use uuid::Uuid;

const USER: (&str, &str) = ("town-office", "bench-password-1");

struct Built {
    town: Uuid,
    /// The last complete month, which the timings read.
    month: Month,
    /// Each steward's households, for the last hour's changes.
    households: Vec<(Uuid, Uuid)>,
    visits: usize,
}

fn reference_profile(n: usize) -> HouseholdProfile {
    const NAMES: [&str; 8] = ["张桂兰", "王德明", "李秀珍", "刘建华", "陈玉梅", "杨志强", "赵淑芬", "黄国庆"];
    HouseholdProfile {
        address: Address {
            building: format!("{}", 1 + n % 12),
            unit: format!("{}", 1 + n % 3),
            room: format!("{}0{}", 1 + n % 6, 1 + n % 2),
        },
        head_name: NAMES[n % NAMES.len()].into(),
        member_count: 3,
        phone: Some("13912345678".into()),
        party_member: Some(n % 3 == 0),
        key_service: Some(if n % 4 == 0 {
            vec![KeyServiceReason::ElderlyAlone, KeyServiceReason::Illness]
        } else {
            vec![]
        }),
        notes: "老人独居，子女在外地工作，腿脚不便，需要邻里帮忙照看。社区已登记为重点服务对象，每月上门走访。".into(),
    }
}

/// Builds the district in `config`'s data directory.
fn build(config: &Config, stewards: usize) -> Built {
    let s = steward_sync_server::open_service(config).unwrap();
    let district = admin::create_place(&s, PlaceKind::District, "南郑区", None).unwrap();
    let town = admin::create_place(&s, PlaceKind::Town, "大河坎镇", Some(district.id)).unwrap();
    let mut compounds = Vec::new();
    for c in 0..3 {
        let community = admin::create_place(&s, PlaceKind::Community, &format!("社区{c}"), Some(town.id)).unwrap();
        for k in 0..2 {
            compounds.push(
                admin::create_place(&s, PlaceKind::Compound, &format!("小区{c}-{k}"), Some(community.id)).unwrap().id,
            );
        }
    }
    admin::create_user(&s, USER.0, USER.1, Role::Supervisor, Some(town.id)).unwrap();
    let zone = s.zone();
    let mut month = zone.month_of(now_millis()).prev();
    let last = month;
    let mut months = vec![month];
    for _ in 1..12 {
        month = month.prev();
        months.push(month);
    }
    months.reverse();
    let actor = s.actor().clone();
    let day = 86_400_000i64;
    let mut households = Vec::new();
    let mut visits = 0;
    let started = Instant::now();
    // The last quarter's scoring rules, as the housing bureau publishes them.
    let quarter = steward_core::time::Quarter::of(last);
    let rules = doc::ScoringRules {
        period: quarter,
        criteria: ["环境卫生", "绿化养护", "安全秩序", "车辆管理", "报事处理"]
            .iter()
            .map(|name| doc::Criterion { id: Uuid::new_v4(), name: (*name).into(), weight: 20, categories: vec![] })
            .collect(),
    };
    admin::publish_scoring_rules(&s, &rules).unwrap();
    for n in 0..stewards {
        let compound = compounds[n % compounds.len()];
        let st = admin::create_steward(&s, compound, &format!("管家{n}")).unwrap().id;
        let mut docs = Vec::new();
        let ids: Vec<Uuid> = (0..20).map(|_| Uuid::new_v4()).collect();
        let mut household_docs: Vec<automerge::Automerge> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let h = NewHousehold {
                    id: *id,
                    compound_id: compound,
                    steward_id: Some(st),
                    profile: reference_profile(n * 20 + i),
                };
                doc::create_household(actor.clone(), &h, zone.month_start(months[0]) - day).unwrap()
            })
            .collect();
        for m in &months {
            let start = zone.month_start(*m);
            // 5 must-visits, 4 answered by the month's visits.
            let mut answers = Vec::new();
            for k in 0..5 {
                let mv = NewMustVisit {
                    id: Uuid::new_v4(),
                    trigger: MustVisitTrigger::ALL[k % MustVisitTrigger::ALL.len()],
                    date: start + (k as i64 + 1) * day,
                    note: String::new(),
                    raised_by: st,
                };
                doc::raise_must_visit(&mut household_docs[k], &mv).unwrap();
                if k < 4 {
                    answers.push((k, mv.id));
                }
            }
            for v in 0..30 {
                let h = v % 20;
                let mut rec = visit(st, start + (2 + v as i64 % 26) * day + 3_600_000 * (v as i64 % 9));
                rec.answers = answers.iter().filter(|(k, _)| *k == h && v < 20).map(|(_, id)| *id).collect();
                doc::record_visit(&mut household_docs[h], &rec).unwrap();
                visits += 1;
            }
            let mut plan = doc::create_plan(actor.clone(), st, compound, *m, start).unwrap();
            doc::plan_households(&mut plan, &ids, &[], st, start).unwrap();
            docs.push(plan);
            for k in 0..3 {
                let i = NewIssue {
                    id: Uuid::new_v4(),
                    compound_id: compound,
                    reporter_id: st,
                    reported_at: start + (3 + k as i64 * 7) * day,
                    category: IssueCategory::ALL[k % IssueCategory::ALL.len()],
                    place: format!("{}栋单元门口", 1 + k),
                    description:
                        "楼道堆放杂物，影响通行和消防安全，希望物业尽快清理，并在楼栋张贴提示，提醒住户不要乱放。"
                            .into(),
                    route: if k == 2 { IssueRoute::CommunityCoordination } else { IssueRoute::PropertyDuty },
                };
                let mut d = doc::create_issue(actor.clone(), &i).unwrap();
                let at = i.reported_at + day;
                doc::set_issue_status(
                    &mut d,
                    Uuid::new_v4(),
                    IssueStatus::Accepted,
                    "已受理",
                    Uuid::nil(),
                    PartyRole::Supervisor,
                    at,
                )
                .unwrap();
                doc::set_issue_status(
                    &mut d,
                    Uuid::new_v4(),
                    IssueStatus::InProgress,
                    "",
                    Uuid::nil(),
                    PartyRole::PropertyCompany,
                    at + day,
                )
                .unwrap();
                docs.push(d);
            }
        }
        // The last quarter's joint meeting, called by every steward (an upper bound: the
        // program asks one per compound): five attendees, four decisions, one done.
        let held = zone.month_start(last) + 5 * day;
        let decision = |party, deadline| doc::NewDecision {
            id: Uuid::new_v4(),
            text: "在5栋旁建电瓶车充电棚，两周内完成选址".into(),
            party,
            deadline: Some(deadline),
        };
        let m = doc::NewMeeting {
            id: Uuid::new_v4(),
            compound_id: compound,
            convener_id: st,
            held_at: held,
            place: "小区党群服务站".into(),
            topics: "电瓶车充电难；楼道堆物；物业费公示".into(),
            attendees: MeetingParty::ALL
                .iter()
                .map(|p| doc::Attendee { id: Uuid::new_v4(), party: *p, name: format!("{}代表", p.label_zh()) })
                .collect(),
            decisions: vec![
                decision(MeetingParty::PropertyCompany, held + 14 * day),
                decision(MeetingParty::OwnersCommittee, held + 30 * day),
                decision(MeetingParty::Community, held + 7 * day),
                decision(MeetingParty::Steward, held + 3 * day),
            ],
        };
        let mut md = doc::create_meeting(actor.clone(), &m, held).unwrap();
        doc::follow_up_decision(
            &mut md,
            Uuid::new_v4(),
            m.decisions[3].id,
            "已落实",
            Some(DecisionStatus::Done),
            st,
            PartyRole::Steward,
            held + day,
        )
        .unwrap();
        doc::follow_up_decision(
            &mut md,
            Uuid::new_v4(),
            m.decisions[0].id,
            "已督促物业",
            None,
            st,
            PartyRole::Steward,
            held + 2 * day,
        )
        .unwrap();
        docs.push(md);
        // The quarter's scores of the compound's property company, submitted.
        let at = zone.month_start(last) + 20 * day;
        let mut sd = doc::create_score(actor.clone(), st, compound, quarter, at).unwrap();
        for (k, c) in rules.criteria.iter().enumerate() {
            let points = if k == n % 5 { 7 } else { 10 };
            let comment = if points < 10 { "电瓶车乱停，夜间巡逻不够".to_string() } else { String::new() };
            doc::set_score(&mut sd, &doc::CriterionScore { criterion_id: c.id, points, comment }, at).unwrap();
        }
        doc::submit_score(&mut sd, &rules, at + day).unwrap();
        docs.push(sd);
        // A pairing case on one household, closed with a subsidy.
        let case = doc::NewPairingCase {
            id: Uuid::new_v4(),
            helper: format!("管家{n}"),
            need: PairingNeed::ALL[n % PairingNeed::ALL.len()],
            description: "孩子上学学费有困难".into(),
            opened_at: zone.month_start(months[6]),
            opened_by: st,
        };
        doc::open_pairing_case(&mut household_docs[19], &case).unwrap();
        let close =
            doc::PairingClose { outcome: PairingOutcome::Subsidy, amount_yuan: Some(3000), note: String::new() };
        doc::close_pairing_case(&mut household_docs[19], case.id, &close, zone.month_start(months[7])).unwrap();
        docs.extend(household_docs);
        s.create_docs(&docs).unwrap();
        households.extend(ids.iter().map(|h| (st, *h)));
        if (n + 1) % 100 == 0 {
            eprintln!("  built {} stewards in {:.0} s", n + 1, started.elapsed().as_secs_f64());
        }
    }
    Built { town: town.id, month: last, households, visits }
}

/// The month `n` months before `m`.
fn months_back(mut m: Month, n: usize) -> Month {
    for _ in 0..n {
        m = m.prev();
    }
    m
}

fn dir_bytes(p: &Path) -> u64 {
    std::fs::read_dir(p)
        .map(|d| {
            d.flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_bytes(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// One timed phase: its median, and the server's CPU-seconds over all its repeats.
struct Phase {
    name: &'static str,
    median: Duration,
    cpu: Option<f64>,
    repeats: usize,
    target: Duration,
}

async fn get_ok(sup: &Supervisor, path: &str) -> Vec<u8> {
    let r = reqwest::Client::new().get(format!("{}{path}", sup.url)).bearer_auth(&sup.token).send().await.unwrap();
    let status = r.status();
    let body = r.bytes().await.unwrap().to_vec();
    assert!(status.is_success(), "{path}: {status} {}", String::from_utf8_lossy(&body));
    body
}

#[tokio::main]
async fn main() {
    let mut stewards = 600;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        if a == "--stewards" {
            stewards = it.next().and_then(|n| n.parse().ok()).expect("--stewards N");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let config = Config { data_dir: data.clone(), ..Default::default() };
    println!("console benchmark: {stewards} stewards, {} households, 12 months", stewards * 20);
    let built_at = Instant::now();
    let b = build(&config, stewards);
    println!(
        "  built in {:.0} s (untimed): {} visits; data directory {:.0} MiB",
        built_at.elapsed().as_secs_f64(),
        b.visits,
        dir_bytes(&data) as f64 / (1 << 20) as f64
    );

    let mut server = ServerProcess::spawn(&data, 0).await;
    let pid = server.pid().expect("server pid");
    let sup = std::sync::Arc::new(Supervisor::login(&server.url(), USER.0, USER.1).await);
    let month = b.month;
    let place = b.town;
    let mut phases = Vec::new();
    let mut errors = 0;
    let rss_start = peak_rss_kib(pid);
    let _ = reset_peak_rss(pid);

    // The month's overview: the six reports at once, as the console asks for them.
    let overview = [
        format!("/v1/reports/visits?month={month}&place={place}"),
        format!("/v1/reports/must-visits?place={place}"),
        format!("/v1/reports/timely?month={month}&place={place}"),
        format!("/v1/reports/issues?place={place}&counts_only=true"),
        format!("/v1/reports/three-clears?place={place}"),
        format!("/v1/reports/visit-trend?month={month}&place={place}"),
    ];
    let cpu0 = cpu_seconds(pid);
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let all = futures_join(
            overview
                .iter()
                .map(|p| {
                    let (sup, p) = (sup.clone(), p.clone());
                    async move { get_ok(&sup, &p).await }
                })
                .collect(),
        )
        .await;
        times.push(t.elapsed());
        let visits: serde_json::Value = serde_json::from_slice(&all[0]).unwrap();
        let done: u64 = visits.as_array().unwrap().iter().map(|r| r["visits"].as_u64().unwrap()).sum();
        if done != stewards as u64 * 30 {
            eprintln!("error: the overview counts {done} visits in {month}, not {}", stewards * 30);
            errors += 1;
        }
    }
    phases.push(Phase {
        name: "month's overview (6 reports at once)",
        median: median(times),
        cpu: cpu_seconds(pid).zip(cpu0).map(|(a, b)| a - b),
        repeats: 7,
        target: Duration::from_millis(300),
    });
    for path in &overview {
        let cpu0 = cpu_seconds(pid);
        let mut times = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            get_ok(&sup, path).await;
            times.push(t.elapsed());
        }
        let name: &'static str = Box::leak(format!("  {}", path.split('?').next().unwrap()).into_boxed_str());
        phases.push(Phase {
            name,
            median: median(times),
            cpu: cpu_seconds(pid).zip(cpu0).map(|(a, b)| a - b),
            repeats: 3,
            target: Duration::ZERO,
        });
    }

    // The program's second half: the last quarter's meetings and decisions, the year's pairing
    // cases, and the year in figures, for the town.
    let quarter = steward_core::time::Quarter::of(month);
    let first = Month { year: month.year, month: 1 }.max(months_back(month, 11));
    let program = [
        format!("/v1/reports/meetings?quarter={quarter}&place={place}"),
        format!("/v1/reports/decisions?quarter={quarter}&place={place}&per_page=50"),
        format!("/v1/reports/pairing?place={place}&per_page=50"),
        format!("/v1/reports/figures?from={first}&to={month}&place={place}"),
        format!("/v1/reports/scores?quarter={quarter}&place={place}"),
        format!("/v1/reports/evaluation?half={}&place={place}", steward_core::time::HalfYear::of(month)),
    ];
    for path in &program {
        let cpu0 = cpu_seconds(pid);
        let mut times = Vec::new();
        let mut body = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            body = get_ok(&sup, path).await;
            times.push(t.elapsed());
        }
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let counted = if path.contains("/meetings?") {
            v["meetings"].as_array().map(|a| a.len() as u64)
        } else if path.contains("/scores?") {
            // Every compound scored by all its stewards.
            v["compounds"].as_array().map(|c| c.iter().filter_map(|c| c["scorers"].as_u64()).sum())
        } else if path.contains("/evaluation?") {
            // Every steward, with the half's visits of the last month counted.
            v["stewards"]
                .as_array()
                .map(|a| a.iter().filter(|s| s["visits"].as_u64().unwrap_or(0) >= 30).count() as u64)
        } else if path.contains("/figures?") {
            v["figures"]
                .as_array()
                .and_then(|f| f.iter().find(|x| x["key"] == "meetings"))
                .and_then(|x| x["value"].as_u64())
        } else {
            v["total"].as_u64()
        };
        let want = if path.contains("/decisions?") { stewards as u64 * 4 } else { stewards as u64 };
        if counted != Some(want) {
            eprintln!("error: {path} counts {counted:?}, not {want}");
            errors += 1;
        }
        let name: &'static str = Box::leak(path.split('?').next().unwrap().to_string().into_boxed_str());
        phases.push(Phase {
            name,
            median: median(times),
            cpu: cpu_seconds(pid).zip(cpu0).map(|(a, b)| a - b),
            repeats: 5,
            target: Duration::from_millis(300),
        });
    }

    // A campaign (专项任务) over the town: started as the console does (a document per steward,
    // in one transaction), half of every steward's tasks answered (untimed, through the
    // server's storage as phones' syncs would leave them), then its progress and its answers.
    let today = steward_core::time::ProgramZone::default().local(now_millis()).unwrap().date();
    let body = serde_json::json!({
        "title": "冬季人员摸排",
        "kind": "screening",
        "starts_on": today.format("%Y-%m-%d").to_string(),
        "ends_on": (today + chrono::Days::new(13)).format("%Y-%m-%d").to_string(),
        "place_id": place,
        "fields": [
            {"label": "家中有无发热人员", "kind": "yes_no", "required": true},
            {"label": "常住人数", "kind": "number", "required": true},
            {"label": "近期外出", "kind": "choice", "options": ["未外出", "省内", "省外"]},
            {"label": "备注", "kind": "text"},
        ],
    });
    let cpu0 = cpu_seconds(pid);
    let t = Instant::now();
    let (status, started) = sup.post("/v1/campaigns", body).await;
    let start_time = t.elapsed();
    if status != 201 || started["documents"].as_u64() != Some(stewards as u64) {
        eprintln!("error: the campaign started with {status}: {started}");
        errors += 1;
    }
    phases.push(Phase {
        name: "start a campaign over the town",
        median: start_time,
        cpu: cpu_seconds(pid).zip(cpu0).map(|(a, b)| a - b),
        repeats: 1,
        target: Duration::ZERO,
    });
    let campaign: Uuid = started["campaign"]["id"].as_str().unwrap_or_default().parse().unwrap_or_default();
    let fields: Vec<Uuid> = started["campaign"]["fields"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["id"].as_str()?.parse().ok()).collect())
        .unwrap_or_default();
    {
        let answering = Instant::now();
        let s = steward_sync_server::open_service(&config).unwrap();
        let tasks = s.storage().campaign_tasks(campaign, &Default::default()).unwrap();
        let mut by_doc: std::collections::BTreeMap<Uuid, Vec<(Uuid, Uuid)>> = Default::default();
        for t in &tasks {
            by_doc.entry(t.doc_id).or_default().push((t.household_id, t.steward_id));
        }
        let answers: std::collections::BTreeMap<Uuid, doc::Answer> = [
            (fields[0], doc::Answer::Bool(false)),
            (fields[1], doc::Answer::Number(3.0)),
            (fields[2], doc::Answer::Text("未外出".into())),
        ]
        .into_iter()
        .collect();
        for (d, list) in &by_doc {
            s.edit(
                *d,
                |_| Ok(()),
                |doc| {
                    for (h, by) in list.iter().take(list.len() / 2) {
                        doc::answer_task(doc, *h, &answers, *by, now_millis())?;
                    }
                    Ok(())
                },
            )
            .unwrap();
        }
        eprintln!("  answered half of {} tasks in {:.0} s (untimed)", tasks.len(), answering.elapsed().as_secs_f64());
    }
    for (path, name, target, check) in [
        (
            format!("/v1/reports/campaign?campaign_id={campaign}&place={place}&per_page=50"),
            "/v1/reports/campaign (progress)",
            Duration::from_millis(300),
            true,
        ),
        (
            format!("/v1/reports/campaign?campaign_id={campaign}&place={place}&format=xlsx"),
            "/v1/reports/campaign (answers, XLSX)",
            Duration::from_millis(2000),
            false,
        ),
    ] {
        let cpu0 = cpu_seconds(pid);
        let mut times = Vec::new();
        let mut body = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            body = get_ok(&sup, &path).await;
            times.push(t.elapsed());
        }
        if check {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let want = (Some(stewards as u64 * 20), Some(stewards as u64 * 10));
            if (v["households"].as_u64(), v["answered"].as_u64()) != want {
                eprintln!("error: the campaign's progress is {} of {}, not {want:?}", v["answered"], v["households"]);
                errors += 1;
            }
        } else if body.len() < 1000 {
            eprintln!("error: the campaign's XLSX has {} bytes", body.len());
            errors += 1;
        }
        phases.push(Phase {
            name,
            median: median(times),
            cpu: cpu_seconds(pid).zip(cpu0).map(|(a, b)| a - b),
            repeats: 5,
            target,
        });
    }

    // Household search.
    let searches = [
        format!("/v1/households?q=张&place={place}&per_page=50"),
        format!("/v1/households?tag=elderly_alone&sort=last_visit_at&order=desc&per_page=50"),
        format!("/v1/households?q=3栋&open_must_visit=true&page=3&per_page=50"),
    ];
    let cpu0 = cpu_seconds(pid);
    let mut times = Vec::new();
    for _ in 0..7 {
        for s in &searches {
            let t = Instant::now();
            let body = get_ok(&sup, s).await;
            times.push(t.elapsed());
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            if v["total"].as_u64().is_none() {
                errors += 1;
            }
        }
    }
    phases.push(Phase {
        name: "household search",
        median: median(times),
        cpu: cpu_seconds(pid).zip(cpu0).map(|(a, b)| a - b),
        repeats: 21,
        target: Duration::from_millis(100),
    });

    // A household's page.
    let cpu0 = cpu_seconds(pid);
    let mut times = Vec::new();
    for k in 0..20 {
        let (_, h) = b.households[(k * 7919) % b.households.len()];
        let t = Instant::now();
        get_ok(&sup, &format!("/v1/households/{h}")).await;
        times.push(t.elapsed());
    }
    phases.push(Phase {
        name: "a household's page",
        median: median(times),
        cpu: cpu_seconds(pid).zip(cpu0).map(|(a, b)| a - b),
        repeats: 20,
        target: Duration::ZERO,
    });
    let rss_reads = peak_rss_kib(pid);

    // The month's visit ledger as XLSX.
    let _ = reset_peak_rss(pid);
    let cpu0 = cpu_seconds(pid);
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let body = get_ok(&sup, &format!("/v1/reports/visit-ledger?format=xlsx&month={month}&place={place}")).await;
        times.push(t.elapsed());
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(body)).unwrap();
        let name = book.sheet_names()[0].clone();
        rows = book.worksheet_range(&name).unwrap().height() - 3;
    }
    if rows != stewards * 30 {
        eprintln!("error: the ledger has {rows} rows, not {}", stewards * 30);
        errors += 1;
    }
    phases.push(Phase {
        name: "visit ledger as XLSX",
        median: median(times),
        cpu: cpu_seconds(pid).zip(cpu0).map(|(a, b)| a - b),
        repeats: 3,
        target: Duration::from_secs(3),
    });
    let rss_ledger = peak_rss_kib(pid);

    // The last hour's changes: one visit for every steward, then an incremental pull of them.
    let cursor;
    {
        let s = steward_sync_server::open_service(&config).unwrap();
        cursor = s.storage().max_seq().unwrap().to_string();
        let mut seen = std::collections::HashSet::new();
        for (st, h) in &b.households {
            if seen.insert(*st) {
                let v = visit(*st, now_millis() - 600_000);
                s.edit(*h, |_| Ok(()), |d| doc::record_visit(d, &v)).unwrap();
            }
        }
    }
    let cpu0 = cpu_seconds(pid);
    let mut times = Vec::new();
    let mut docs = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let body = get_ok(&sup, &format!("/v1/pull?since={cursor}")).await;
        times.push(t.elapsed());
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        docs = v["docs"].as_array().unwrap().len();
    }
    if docs != stewards {
        eprintln!("error: the pull of the last hour holds {docs} documents, not {stewards}");
        errors += 1;
    }
    phases.push(Phase {
        name: "incremental pull, last hour",
        median: median(times),
        cpu: cpu_seconds(pid).zip(cpu0).map(|(a, b)| a - b),
        repeats: 5,
        target: Duration::from_millis(100),
    });

    println!("\n{:<44} {:>12} {:>10} {:>14} {:>8}", "phase", "median", "target", "CPU s (total)", "repeats");
    for p in &phases {
        let target = if p.target.is_zero() { "-".to_string() } else { ms(p.target) };
        let ratio = if p.target.is_zero() {
            String::new()
        } else {
            format!("  ({:.2}× target)", p.median.as_secs_f64() / p.target.as_secs_f64())
        };
        println!(
            "{:<44} {:>12} {:>10} {:>14} {:>8}{ratio}",
            p.name,
            ms(p.median),
            target,
            p.cpu.map(|c| format!("{c:.2}")).unwrap_or_default(),
            p.repeats
        );
    }
    let mib = |k: Option<u64>| k.map(|k| format!("{:.0} MiB", k as f64 / 1024.0)).unwrap_or_else(|| "?".into());
    println!(
        "\nserver peak memory: at start {}, overview/search/pages {}, ledger XLSX {}",
        mib(rss_start),
        mib(rss_reads),
        mib(rss_ledger)
    );
    println!("data directory: {:.0} MiB", dir_bytes(&data) as f64 / (1 << 20) as f64);
    println!("ledger rows: {rows}; errors: {errors}");
    server.kill9();
    if errors > 0 {
        std::process::exit(1);
    }
}

/// Awaits every future, concurrently.
async fn futures_join<F: std::future::Future<Output = Vec<u8>> + Send + 'static>(fs: Vec<F>) -> Vec<Vec<u8>> {
    let handles: Vec<_> = fs.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
