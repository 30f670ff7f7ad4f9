//! `demo`: seeds a realistic compound so the whole path can be tried at once: a district,
//! town, community and compound (蜀汉美郡), a supervisor and a property-company account, two
//! stewards with 15 households each, this month's plans, visits, must-visits, timely responses
//! and issues at every stage.

use steward_core::doc::{self, NewIssue, NewMustVisit, NewTimely, NewVisit};
use steward_core::model::*;
use steward_core::time::now_millis;
use uuid::Uuid;

use crate::admin;
use crate::service::{Service, ServiceError};
use crate::storage::{PlaceKind, Role};

/// The demo supervisor's sign-in.
pub const SUPERVISOR: (&str, &str) = ("demo-supervisor", "hongse-guanjia");
/// The demo property company's sign-in.
pub const PROPERTY: (&str, &str) = ("demo-property", "jiayuan-wuye");

/// What the demo created.
#[derive(Debug, Clone)]
pub struct Demo {
    pub compound_id: Uuid,
    pub stewards: Vec<(Uuid, String, String)>,
    pub households: Vec<Uuid>,
    pub issues: Vec<Uuid>,
}

const HEADS: [&str; 30] = [
    "张桂兰",
    "王德明",
    "李秀珍",
    "刘建华",
    "陈玉梅",
    "杨志强",
    "赵淑芬",
    "黄国庆",
    "周丽华",
    "吴春生",
    "徐凤英",
    "孙立新",
    "胡秀兰",
    "朱永明",
    "高玉珍",
    "林海涛",
    "何淑珍",
    "郭建军",
    "马桂芝",
    "罗文华",
    "梁素英",
    "宋志刚",
    "郑秀云",
    "谢国强",
    "韩玉兰",
    "唐建平",
    "冯桂英",
    "于海波",
    "董秀华",
    "萧德福",
];

const SUMMARIES: [&str; 6] = [
    "老人独居，身体尚可，反映楼道灯不亮，夜间上下楼不便，希望物业尽快维修。已记录并转物业。",
    "家中老人住院刚出院，子女在外地，需要邻里帮忙照看。已联系楼栋长结对帮扶，每周上门两次。",
    "住户反映电梯故障频繁，担心安全；另提出小区绿化带有人私自种菜。已向支部和物业反映。",
    "家庭生活困难，丈夫失业在家，孩子上学费用有压力。已登记困难情况，协助对接社区就业岗位。",
    "与楼上邻居因漏水产生矛盾，情绪较大。已上门调解，约定物业明日查看管道，双方表示理解。",
    "节日走访，送去慰问品，了解近况。老人精神不错，希望社区多组织文化活动。",
];

fn seed_err(e: steward_core::Error) -> ServiceError {
    ServiceError::Internal(format!("demo data is invalid: {e}"))
}

/// Seeds the demo data. Refuses if the database already has places.
pub fn seed(s: &Service) -> Result<Demo, ServiceError> {
    if !s.storage().places()?.is_empty() {
        return Err(ServiceError::Conflict(
            "this data directory already has data; the demo seeds only an empty one".into(),
        ));
    }
    let district = admin::create_place(s, PlaceKind::District, "南郑区", None)?;
    let town = admin::create_place(s, PlaceKind::Town, "大河坎镇", Some(district.id))?;
    let community = admin::create_place(s, PlaceKind::Community, "艺苑社区", Some(town.id))?;
    let compound = admin::create_place(s, PlaceKind::Compound, "蜀汉美郡", Some(community.id))?;
    admin::create_user(s, SUPERVISOR.0, SUPERVISOR.1, Role::Supervisor, Some(compound.id))?;
    admin::create_user(s, PROPERTY.0, PROPERTY.1, Role::Property, Some(compound.id))?;

    let mut stewards = Vec::new();
    for name in ["李秀英", "王建国"] {
        let st = admin::create_steward(s, compound.id, name)?;
        let code = admin::issue_enrolment_code(s, st.id, 30)?;
        stewards.push((st.id, st.name, code));
    }

    let now = now_millis();
    let day = 86_400_000i64;
    let month = s.zone().month_of(now);
    let mut households = Vec::new();
    for (i, head) in HEADS.iter().enumerate() {
        let steward = stewards[i % 2].0;
        let reasons = match i % 5 {
            0 => Some(vec![KeyServiceReason::ElderlyAlone]),
            1 => Some(vec![]),
            2 => Some(vec![KeyServiceReason::Illness, KeyServiceReason::Hardship]),
            3 => None,
            _ => Some(vec![]),
        };
        let profile = HouseholdProfile {
            address: Address {
                building: format!("{}", 1 + i / 6),
                unit: format!("{}", 1 + (i / 3) % 2),
                room: format!("{}0{}", 1 + i % 6, 1 + i % 2),
            },
            head_name: head.to_string(),
            member_count: 1 + (i as u32 % 5),
            phone: (i % 3 != 0).then(|| format!("139{:08}", 29_160_000 + i * 7_919)),
            party_member: if i % 4 == 3 { None } else { Some(i % 3 == 0) },
            key_service: reasons,
            notes: if i % 2 == 0 {
                "子女在外地工作，平时老人自己在家。".into()
            } else {
                String::new()
            },
        };
        households.push(admin::create_household(s, compound.id, Some(steward), profile)?);
    }

    // This month's plans: 12 households each.
    for (k, (steward, _, _)) in stewards.iter().enumerate() {
        let plan = doc::create_plan(s.actor().clone(), *steward, compound.id, month, now).map_err(seed_err)?;
        s.create_doc(&plan)?;
        let mine: Vec<Uuid> =
            households.iter().enumerate().filter(|(i, _)| i % 2 == k).map(|(_, h)| *h).take(12).collect();
        s.edit(doc::plan_doc_id(*steward, month), |_| Ok(()), |d| doc::plan_households(d, &mine, &[], *steward, now))?;
    }

    // Must-visits, visits answering some of them, and timely responses.
    let month_start = s.zone().month_start(month);
    let span = (now - month_start).max(day);
    for (i, h) in households.iter().enumerate() {
        let steward = stewards[i % 2].0;
        let mut must = Vec::new();
        if i % 6 == 1 {
            let m = NewMustVisit {
                id: Uuid::new_v4(),
                trigger: MustVisitTrigger::IllnessOrDeath,
                date: now - (3 + i as i64) * day,
                note: "住院".into(),
                raised_by: steward,
            };
            s.edit(*h, |_| Ok(()), |d| doc::raise_must_visit(d, &m))?;
            must.push(m.id);
        }
        if i % 7 == 4 {
            let m = NewMustVisit {
                id: Uuid::new_v4(),
                trigger: MustVisitTrigger::Hardship,
                date: now - 9 * day,
                note: String::new(),
                raised_by: steward,
            };
            s.edit(*h, |_| Ok(()), |d| doc::raise_must_visit(d, &m))?;
        }
        if i < 20 {
            let at = month_start + span * (i as i64 + 1) / 22;
            let v = NewVisit {
                id: Uuid::new_v4(),
                at,
                method: [VisitMethod::DoorVisit, VisitMethod::DoorVisit, VisitMethod::IndividualTalk][i % 3],
                summary: SUMMARIES[i % SUMMARIES.len()].into(),
                opinions: vec![Opinion {
                    category: [
                        OpinionCategory::Facilities,
                        OpinionCategory::PropertyService,
                        OpinionCategory::Neighbourhood,
                    ][i % 3],
                    text: "希望物业加强楼道照明和电梯维护".into(),
                }],
                hardships: if i % 4 == 3 { "家庭收入低，孩子上学有困难".into() } else { String::new() },
                answers: if i % 12 == 1 { must.clone() } else { vec![] },
                follow_up: i % 3 == 0,
                by: steward,
            };
            s.edit(*h, |_| Ok(()), |d| doc::record_visit(d, &v))?;
        }
        if i % 8 == 2 {
            let kind =
                [TimelyKind::FollowUpVisit, TimelyKind::UrgentHelp, TimelyKind::Dispute, TimelyKind::MajorIncident]
                    [(i / 8) % 4];
            let t = NewTimely {
                id: Uuid::new_v4(),
                kind,
                raised_at: now - (i as i64 % 5 + 1) * day,
                note: "住户反映问题，需要及时处理".into(),
                raised_by: steward,
            };
            s.edit(*h, |_| Ok(()), |d| doc::raise_timely(d, &t))?;
            if i % 16 == 2 {
                let resolved = t.raised_at + day / 2;
                s.edit(*h, |_| Ok(()), |d| doc::resolve_timely(d, t.id, resolved, steward))?;
            }
        }
    }

    // Issues at every stage.
    let cases = [
        (
            IssueCategory::FlyingWireCharging,
            "3栋1单元门口",
            "有住户从二楼窗户拉电线给电瓶车充电，存在火灾隐患。",
            IssueRoute::PropertyDuty,
            IssueStatus::Reported,
        ),
        (
            IssueCategory::EbikeParking,
            "5栋楼道",
            "电瓶车堵塞楼道，影响老人通行和消防通道。",
            IssueRoute::PropertyDuty,
            IssueStatus::InProgress,
        ),
        (
            IssueCategory::SanitationDeadCorner,
            "小区东南角绿化带",
            "垃圾堆积多日无人清理，夏天有异味。",
            IssueRoute::PropertyDuty,
            IssueStatus::Resolved,
        ),
        (
            IssueCategory::IllegalConstruction,
            "2栋顶楼",
            "顶楼住户私自搭建彩钢棚，邻居有意见。",
            IssueRoute::CommunityCoordination,
            IssueStatus::Accepted,
        ),
        (
            IssueCategory::SafetyHazard,
            "4栋电梯",
            "电梯近期多次故障停运，需要检修。",
            IssueRoute::PropertyDuty,
            IssueStatus::Verified,
        ),
    ];
    let mut issues = Vec::new();
    for (k, (category, place, description, route, target)) in cases.into_iter().enumerate() {
        let reporter = stewards[k % 2].0;
        let i = NewIssue {
            id: Uuid::new_v4(),
            compound_id: compound.id,
            reporter_id: reporter,
            reported_at: now - (10 - k as i64) * day,
            category,
            place: place.into(),
            description: description.into(),
            route,
        };
        let d = doc::create_issue(s.actor().clone(), &i).map_err(seed_err)?;
        s.create_doc(&d)?;
        let path: &[(IssueStatus, PartyRole, &str)] = match target {
            IssueStatus::Reported => &[],
            IssueStatus::Accepted => {
                &[(IssueStatus::Accepted, PartyRole::Supervisor, "已受理，社区将协调住户和业委会。")]
            }
            IssueStatus::InProgress => &[
                (IssueStatus::Accepted, PartyRole::PropertyCompany, "已受理"),
                (IssueStatus::InProgress, PartyRole::PropertyCompany, "已安排保安劝导，正在增设车棚。"),
            ],
            IssueStatus::Resolved => &[
                (IssueStatus::InProgress, PartyRole::PropertyCompany, "已安排保洁"),
                (IssueStatus::Resolved, PartyRole::PropertyCompany, "垃圾已清运，加强日常巡查。"),
            ],
            _ => &[
                (IssueStatus::InProgress, PartyRole::PropertyCompany, "已联系维保公司"),
                (IssueStatus::Resolved, PartyRole::PropertyCompany, "电梯已检修完毕"),
                (IssueStatus::Verified, PartyRole::Steward, "已现场查看，运行正常。"),
            ],
        };
        for (n, (status, role, comment)) in path.iter().enumerate() {
            let at = i.reported_at + (n as i64 + 1) * day / 3;
            let by = if *role == PartyRole::Steward { reporter } else { Uuid::nil() };
            s.edit(i.id, |_| Ok(()), |d| doc::set_issue_status(d, Uuid::new_v4(), *status, comment, by, *role, at))?;
        }
        issues.push(i.id);
    }
    Ok(Demo { compound_id: compound.id, stewards, households, issues })
}

/// The words printed after seeding.
pub fn instructions(demo: &Demo, listen: &str) -> String {
    let mut out = String::new();
    out.push_str("红色管家 demo data is ready: 蜀汉美郡 (Shuhan Meijun), 2 stewards, 30 households.\n\n");
    out.push_str("Enrolment codes for the stewards' phones (one-time, valid 30 days):\n");
    for (id, name, code) in &demo.stewards {
        out.push_str(&format!("  {name}  code {code}  (steward {id})\n"));
    }
    out.push_str("As a QR code for the phone's enrolment screen, encode:\n");
    for (_, name, code) in &demo.stewards {
        out.push_str(&format!(
            "  {name}  redsteward://enrol?server=http%3A%2F%2F{}&code={code}\n",
            listen.replace(':', "%3A")
        ));
    }
    out.push_str(&format!(
        "\nSupervisor sign-in: {} / {}    Property company: {} / {}\n",
        SUPERVISOR.0, SUPERVISOR.1, PROPERTY.0, PROPERTY.1
    ));
    out.push_str(&format!(
        "\nTry it:\n  TOKEN=$(curl -s -X POST http://{listen}/v1/login -H 'content-type: application/json' \\\n     -d '{{\"username\":\"{}\",\"password\":\"{}\"}}' | sed 's/.*\"token\":\"\\([^\"]*\\)\".*/\\1/')\n",
        SUPERVISOR.0, SUPERVISOR.1
    ));
    out.push_str(&format!("  curl -s -H \"Authorization: Bearer $TOKEN\" http://{listen}/v1/reports/visits\n"));
    out.push_str(&format!("  curl -s -H \"Authorization: Bearer $TOKEN\" 'http://{listen}/v1/reports/visit-ledger?format=csv' > ledger.csv\n"));
    out.push_str(&format!("  curl -s -H \"Authorization: Bearer $TOKEN\" http://{listen}/v1/reports/must-visits\n"));
    out.push_str(&format!("  curl -s -H \"Authorization: Bearer $TOKEN\" http://{listen}/v1/reports/issues\n"));
    out
}
