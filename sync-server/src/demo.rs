//! `demo`: seeds a realistic place so the whole path can be tried at once: a district, a town, a
//! community and two compounds. 蜀汉美郡 has two stewards with 15 households each, this month's
//! plans, visits, must-visits, timely responses, issues at every stage and a year of earlier
//! visits; 汉韵花园 has one steward with 12 households. Sign-ins for every role of the console:
//! admin, town and community staff, each compound's branch secretary and a property company.

use steward_core::doc::{self, NewIssue, NewMustVisit, NewTimely, NewVisit};
use steward_core::model::*;
use steward_core::time::now_millis;
use uuid::Uuid;

mod selection;

use crate::admin;
use crate::service::{Service, ServiceError};
use crate::storage::{PlaceKind, Role};

/// The demo supervisor's sign-in.
pub const SUPERVISOR: (&str, &str) = ("demo-supervisor", "hongse-guanjia");
/// The demo property company's sign-in (蜀汉美郡's).
pub const PROPERTY: (&str, &str) = ("demo-property", "jiayuan-wuye");
/// The demo admin's sign-in.
pub const ADMIN: (&str, &str) = ("demo-admin", "hongse-admin-2026");
/// The community's staff (艺苑社区: both compounds).
pub const COMMUNITY: (&str, &str) = ("demo-community", "yiyuan-shequ");
/// The town's staff (大河坎镇).
pub const TOWN: (&str, &str) = ("demo-town", "dahekan-zhen");
/// The second compound's branch secretary (汉韵花园).
pub const SECOND_SUPERVISOR: (&str, &str) = ("demo-supervisor-2", "hanyun-huayuan");

/// Every sign-in, with who it is, as the demo prints them.
pub const SIGN_INS: [(&str, (&str, &str)); 6] = [
    ("蜀汉美郡 branch secretary (compound supervisor)", SUPERVISOR),
    ("汉韵花园 branch secretary (compound supervisor)", SECOND_SUPERVISOR),
    ("艺苑社区 community staff (both compounds)", COMMUNITY),
    ("大河坎镇 town staff (everything below the town)", TOWN),
    ("蜀汉美郡 property company (its issues only)", PROPERTY),
    ("admin (places, accounts, devices everywhere)", ADMIN),
];

/// What the demo created.
#[derive(Debug, Clone)]
pub struct Demo {
    pub compound_id: Uuid,
    /// 汉韵花园, beside it in the same community.
    pub second_compound_id: Uuid,
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
    let second = admin::create_place(s, PlaceKind::Compound, "汉韵花园", Some(community.id))?;
    let branch = admin::create_user(s, SUPERVISOR.0, SUPERVISOR.1, Role::Supervisor, Some(compound.id))?;
    let property = admin::create_user(s, PROPERTY.0, PROPERTY.1, Role::Property, Some(compound.id))?;
    let branch2 = admin::create_user(s, SECOND_SUPERVISOR.0, SECOND_SUPERVISOR.1, Role::Supervisor, Some(second.id))?;
    let staff = admin::create_user(s, COMMUNITY.0, COMMUNITY.1, Role::Supervisor, Some(community.id))?;
    admin::create_user(s, TOWN.0, TOWN.1, Role::Supervisor, Some(town.id))?;
    admin::create_user(s, ADMIN.0, ADMIN.1, Role::Admin, None)?;

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

    // A year of earlier visits, for the trend: most households once a month.
    let mut earlier = month;
    for back in 1..12i64 {
        earlier = earlier.prev();
        let start = s.zone().month_start(earlier);
        for (i, h) in households.iter().enumerate().filter(|(i, _)| (*i as i64 + back) % 4 != 0) {
            let v = NewVisit {
                id: Uuid::new_v4(),
                at: start + (1 + (i as i64 % 25)) * day + 10 * 3_600_000,
                method: VisitMethod::DoorVisit,
                summary: SUMMARIES[(i + back as usize) % SUMMARIES.len()].into(),
                opinions: vec![],
                hardships: String::new(),
                answers: vec![],
                follow_up: false,
                by: stewards[i % 2].0,
            };
            s.edit(*h, |_| Ok(()), |d| doc::record_visit(d, &v))?;
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
    seed_meetings(s, compound.id, stewards[0].0)?;
    seed_pairing(s, &households, &stewards)?;
    seed_referrals(s, compound.id, stewards[1].0, property.id)?;
    seed_scoring(s, &stewards, compound.id)?;
    seed_second_compound(s, second.id)?;
    seed_campaign(s, community.id, by_community(s)?)?;
    seed_evaluation(s, compound.id, stewards[1].0, by_community(s)?)?;
    seed_teams(s, compound.id, stewards[0].0, by_community(s)?)?;
    selection::seed(s, community.id, compound.id, second.id, &branch, &branch2, &staff)?;
    Ok(Demo { compound_id: compound.id, second_compound_id: second.id, stewards, households, issues })
}

/// The community's evaluation of 王建国 for the half under way (李秀英 is not evaluated yet).
fn seed_evaluation(s: &Service, compound: Uuid, steward: Uuid, by: Uuid) -> Result<(), ServiceError> {
    let half = steward_core::time::HalfYear::of(s.zone().month_of(now_millis()));
    let st = s.storage().steward(steward)?.ok_or_else(|| ServiceError::Internal("demo steward".into()))?;
    let slice = crate::read_model::Slice { compounds: Some(vec![compound]), steward_id: Some(steward) };
    let mut all = crate::evaluation::indicators(s, &slice, std::slice::from_ref(&st), half, &Default::default())?;
    let indicators = all.remove(&steward).unwrap_or_default();
    crate::evaluation::evaluate(
        s,
        &st,
        half,
        indicators,
        88,
        "走访扎实，联席会议议定事项跟进及时；重点人员台账还需补全。",
        by,
    )?;
    Ok(())
}

/// 蜀汉美郡's volunteer team, led by 李秀英: four members, three activities this year (one
/// recorded by the community).
fn seed_teams(s: &Service, compound: Uuid, leader: Uuid, by: Uuid) -> Result<(), ServiceError> {
    use steward_core::model::{ActivityKind, MemberRole, TeamKind};
    let now = now_millis();
    let day = 86_400_000i64;
    let t = doc::NewTeam {
        id: Uuid::new_v4(),
        compound_id: compound,
        steward_id: leader,
        name: "蜀汉美郡红色志愿服务队".into(),
        kind: TeamKind::Volunteer,
    };
    let mut d = doc::create_team(s.actor().clone(), &t, now - 60 * day).map_err(seed_err)?;
    for (name, role) in [
        ("李秀英", MemberRole::Steward),
        ("王建国", MemberRole::Steward),
        ("张桂兰", MemberRole::Resident),
        ("刘建华", MemberRole::Resident),
    ] {
        let m = doc::Member { id: Uuid::new_v4(), name: name.into(), role, joined_at: now - 60 * day };
        doc::add_member(&mut d, &m, now - 60 * day).map_err(seed_err)?;
    }
    for (kind, title, place, participants, ago, role, who) in [
        (ActivityKind::PolicyTalk, "防范电信诈骗宣讲", "小区党群服务站", 36, 40, PartyRole::Steward, leader),
        (ActivityKind::CleanUp, "楼道堆物清理", "3栋、5栋楼道", 12, 20, PartyRole::Steward, leader),
        (ActivityKind::SafetyCheck, "冬季消防安全巡查", "小区各楼栋", 8, 5, PartyRole::Supervisor, by),
    ] {
        let a = doc::NewActivity {
            id: Uuid::new_v4(),
            kind,
            title: title.into(),
            held_at: now - ago * day,
            place: place.into(),
            participants,
            names: vec![],
        };
        doc::record_activity(&mut d, &a, who, role, now - ago * day).map_err(seed_err)?;
    }
    s.create_doc(&d)?;
    Ok(())
}

fn by_community(s: &Service) -> Result<Uuid, ServiceError> {
    let (u, _) = s.storage().user_by_name(COMMUNITY.0)?.ok_or_else(|| ServiceError::Internal("demo user".into()))?;
    Ok(u.id)
}

/// A winter screening (人员摸排) over 艺苑社区, started today for two weeks: every household of
/// both compounds has a task, three of them answered.
fn seed_campaign(s: &Service, community: Uuid, by: Uuid) -> Result<(), ServiceError> {
    use steward_core::doc::{Answer, CampaignField, CampaignSpec};
    use steward_core::model::{CampaignKind, FieldKind};
    let today = s.zone().local(now_millis()).map(|t| t.date()).unwrap_or_default();
    let field = |label: &str, kind: FieldKind, options: &[&str], required: bool| CampaignField {
        id: Uuid::new_v4(),
        label: label.into(),
        kind,
        options: options.iter().map(|o| o.to_string()).collect(),
        required,
    };
    let spec = CampaignSpec {
        id: Uuid::new_v4(),
        title: "冬季人员摸排".into(),
        kind: CampaignKind::Screening,
        starts_on: today.format("%Y-%m-%d").to_string(),
        ends_on: (today + chrono::Days::new(13)).format("%Y-%m-%d").to_string(),
        fields: vec![
            field("家中有无发热人员", FieldKind::YesNo, &[], true),
            field("常住人数", FieldKind::Number, &[], true),
            field("近期外出", FieldKind::Choice, &["未外出", "省内", "省外"], false),
            field("备注", FieldKind::Text, &[], false),
        ],
    };
    let compounds = s.compounds_under(community)?;
    crate::campaigns::start(s, &spec, community, compounds, by).map_err(|e| match e {
        crate::campaigns::Refused::Field(f, m) => ServiceError::BadRequest(format!("{f}: {m}")),
        crate::campaigns::Refused::Other(e) => e,
    })?;
    let tasks = s.storage().campaign_tasks(spec.id, &crate::read_model::Slice::default())?;
    // The first household of each of three stewards.
    let mut firsts: Vec<&crate::read_model::IndexedTask> = Vec::new();
    for t in &tasks {
        if !firsts.iter().any(|f| f.doc_id == t.doc_id) {
            firsts.push(t);
        }
    }
    for (n, t) in firsts.into_iter().take(3).enumerate() {
        let answers = [
            (spec.fields[0].id, Answer::Bool(false)),
            (spec.fields[1].id, Answer::Number(2.0 + n as f64)),
            (spec.fields[2].id, Answer::Text("未外出".into())),
        ]
        .into_iter()
        .collect();
        let at = now_millis() - (3 - n as i64) * 3_600_000;
        s.edit(t.doc_id, |_| Ok(()), |d| doc::answer_task(d, t.household_id, &answers, t.steward_id, at))?;
    }
    Ok(())
}

/// 蜀汉美郡's joint meetings: one last quarter, all done, and one this quarter with decisions
/// open, done and late (汉韵花园 has held none: the console flags it).
fn seed_meetings(s: &Service, compound: Uuid, convener: Uuid) -> Result<(), ServiceError> {
    use steward_core::doc::{Attendee, NewDecision, NewMeeting};
    use steward_core::model::{DecisionStatus, MeetingParty::*};
    let now = now_millis();
    let day = 86_400_000i64;
    let quarter = steward_core::time::Quarter::of(s.zone().month_of(now));
    let this_quarter = (now - 10 * day).max(quarter.range(&s.zone()).0 + 3_600_000).min(now);
    let attendees = || {
        [
            (Community, "王书记"),
            (Branch, "赵支书"),
            (PropertyCompany, "佳苑物业 张经理"),
            (OwnersCommittee, "刘主任"),
            (Steward, "李秀英"),
        ]
        .map(|(party, name)| Attendee { id: Uuid::new_v4(), party, name: name.into() })
        .to_vec()
    };
    let decision = |party, text: &str, deadline: Option<i64>| NewDecision {
        id: Uuid::new_v4(),
        text: text.into(),
        party,
        deadline,
    };
    let meetings = [
        (
            now - 100 * day,
            "小区议事长廊",
            "健身器材维修；垃圾分类投放点",
            vec![
                (decision(PropertyCompany, "更换3号健身区损坏的器材", Some(now - 80 * day)), true),
                (decision(Community, "协调环卫增设两处分类投放点", Some(now - 70 * day)), true),
            ],
        ),
        (
            this_quarter,
            "蜀汉美郡党群服务站",
            "电瓶车充电难；5栋楼道堆物；物业费公示",
            vec![
                (decision(PropertyCompany, "在5栋旁建电瓶车充电棚", Some(now + 7 * day)), false),
                (decision(OwnersCommittee, "公示上半年物业费收支", Some(this_quarter + 5 * day)), true),
                (decision(Steward, "入户劝导清理5栋楼道堆物", Some(now - day)), false),
                (decision(Branch, "组织党员志愿者每周巡查一次", None), false),
            ],
        ),
    ];
    for (held_at, place, topics, decisions) in meetings {
        let m = NewMeeting {
            id: Uuid::new_v4(),
            compound_id: compound,
            convener_id: convener,
            held_at,
            place: place.into(),
            topics: topics.into(),
            attendees: attendees(),
            decisions: decisions.iter().map(|(d, _)| d.clone()).collect(),
        };
        let d = doc::create_meeting(s.actor().clone(), &m, held_at + 3_600_000).map_err(seed_err)?;
        s.create_doc(&d)?;
        for (d, _) in decisions.iter().filter(|(_, done)| *done) {
            let at = (held_at + 3 * day).min(now);
            let (by, role) = match d.party {
                PropertyCompany => (Uuid::nil(), PartyRole::PropertyCompany),
                _ => (convener, PartyRole::Steward),
            };
            s.edit(
                m.id,
                |_| Ok(()),
                |doc_| {
                    doc::follow_up_decision(
                        doc_,
                        Uuid::new_v4(),
                        d.id,
                        "已落实",
                        Some(DecisionStatus::Done),
                        by,
                        role,
                        at,
                    )
                },
            )?;
        }
    }
    Ok(())
}

/// Pairing assistance cases: tuition secured (with its amount), a job found, one still open.
fn seed_pairing(s: &Service, households: &[Uuid], stewards: &[(Uuid, String, String)]) -> Result<(), ServiceError> {
    use steward_core::doc::{NewPairingCase, PairingClose};
    use steward_core::model::{PairingNeed, PairingOutcome};
    let now = now_millis();
    let day = 86_400_000i64;
    let cases = [
        (2, PairingNeed::Tuition, "孩子考上大学，学费有困难", Some((PairingOutcome::Subsidy, Some(6000)))),
        (7, PairingNeed::Employment, "下岗在家，想找一份保洁工作", Some((PairingOutcome::Job, None))),
        (12, PairingNeed::Medical, "老人慢性病，需要定期复查陪护", None),
    ];
    for (n, (i, need, description, outcome)) in cases.into_iter().enumerate() {
        let (steward, name, _) = &stewards[i % 2];
        let opened_at = now - (60 - 15 * n as i64) * day;
        let c = NewPairingCase {
            id: Uuid::new_v4(),
            helper: name.clone(),
            need,
            description: description.into(),
            opened_at,
            opened_by: *steward,
        };
        let h = households[i];
        s.edit(h, |_| Ok(()), |d| doc::open_pairing_case(d, &c))?;
        s.edit(
            h,
            |_| Ok(()),
            |d| {
                doc::add_pairing_action(
                    d,
                    Uuid::new_v4(),
                    c.id,
                    "上门了解情况，联系社区和相关部门",
                    *steward,
                    opened_at + day,
                )
            },
        )?;
        if let Some((outcome, amount_yuan)) = outcome {
            let close = PairingClose { outcome, amount_yuan, note: "已回访，问题解决".into() };
            s.edit(h, |_| Ok(()), |d| doc::close_pairing_case(d, c.id, &close, opened_at + 10 * day))?;
        }
    }
    Ok(())
}

/// The housing bureau's scoring rules for this quarter and the last; last quarter's scores of
/// 蜀汉美郡's property company by both stewards (this quarter's are theirs to give on the phone).
fn seed_scoring(s: &Service, stewards: &[(Uuid, String, String)], compound: Uuid) -> Result<(), ServiceError> {
    use steward_core::doc::{Criterion, CriterionScore, ScoringRules};
    use steward_core::model::IssueCategory::*;
    use steward_core::time::Quarter;
    let now = now_millis();
    let this = Quarter::of(s.zone().month_of(now));
    let last = Quarter::of(this.first_month().prev());
    let criteria: Vec<Criterion> = [
        ("环境卫生", 30, vec![SanitationDeadCorner]),
        ("绿化养护", 15, vec![]),
        ("安全秩序", 25, vec![SafetyHazard, EbikeParking, FlyingWireCharging, OccupiedPublicSpace]),
        ("设施维护", 15, vec![IllegalConstruction]),
        ("报修及问题处理", 15, vec![]),
    ]
    .into_iter()
    .map(|(name, weight, categories)| Criterion { id: Uuid::new_v4(), name: name.into(), weight, categories })
    .collect();
    for period in [last, this] {
        admin::publish_scoring_rules(s, &ScoringRules { period, criteria: criteria.clone() })?;
    }
    let rules = ScoringRules { period: last, criteria: criteria.clone() };
    let given: [[(u32, &str); 5]; 2] = [
        [(8, "楼道偶有垃圾未及时清运"), (10, ""), (6, "电瓶车乱停，飞线充电劝导不力"), (9, "健身器材维修慢"), (10, "")],
        [(9, "垃圾桶周边有异味"), (9, "草坪有枯黄"), (7, "夜间巡逻不够"), (10, ""), (8, "报修要等两三天")],
    ];
    for ((steward, _, _), scores) in stewards.iter().zip(given) {
        let at = this.range(&s.zone()).0 - 5 * 86_400_000;
        let d = doc::create_score(s.actor().clone(), *steward, compound, last, at).map_err(seed_err)?;
        let id = s.create_doc(&d)?.id;
        for (c, (points, comment)) in criteria.iter().zip(scores) {
            let score = CriterionScore { criterion_id: c.id, points, comment: comment.into() };
            s.edit(id, |_| Ok(()), |d| doc::set_score(d, &score, at))?;
        }
        s.edit(id, |_| Ok(()), |d| doc::submit_score(d, &rules, at))?;
    }
    Ok(())
}

/// Two residents' matters the property company passed on (物业反馈): a child's schooling, being
/// coordinated, and a medical one, done and verified.
fn seed_referrals(s: &Service, compound: Uuid, steward: Uuid, company: Uuid) -> Result<(), ServiceError> {
    use steward_core::doc::NewReferral;
    use steward_core::model::IssueCategory;
    let now = now_millis();
    let day = 86_400_000i64;
    let cases = [
        (IssueCategory::Schooling, "2栋1单元", "住户孩子随迁入学材料不全，家长多次来物业求助。", 6, false),
        (IssueCategory::MedicalCare, "4栋2单元", "独居老人需要定期去医院复查，无人陪同。", 20, true),
    ];
    for (category, place, description, days_ago, done) in cases {
        let r = NewReferral {
            id: Uuid::new_v4(),
            compound_id: compound,
            steward_id: steward,
            raised_by: company,
            raised_at: now - days_ago * day,
            category,
            place: place.into(),
            description: description.into(),
        };
        s.create_doc(&doc::create_referral(s.actor().clone(), &r).map_err(seed_err)?)?;
        let mut path = vec![(IssueStatus::Accepted, PartyRole::Supervisor, "社区已受理，正在协调。", Uuid::nil())];
        if done {
            path.push((IssueStatus::Resolved, PartyRole::Supervisor, "已联系社区医院家庭医生定期上门。", Uuid::nil()));
            path.push((IssueStatus::Verified, PartyRole::Steward, "已回访老人，家庭医生每月上门。", steward));
        }
        for (n, (status, role, comment, by)) in path.into_iter().enumerate() {
            let at = r.raised_at + (n as i64 + 1) * day;
            s.edit(r.id, |_| Ok(()), |d| doc::set_issue_status(d, Uuid::new_v4(), status, comment, by, role, at))?;
        }
    }
    Ok(())
}

/// 汉韵花园: one steward, 12 households, this month's plan, a few visits and an issue.
fn seed_second_compound(s: &Service, compound: Uuid) -> Result<(), ServiceError> {
    const HEADS: [&str; 12] = [
        "陈淑华",
        "邓光明",
        "曹桂香",
        "彭德胜",
        "曾丽娟",
        "吕振华",
        "苏秀梅",
        "蒋国栋",
        "蔡玉芳",
        "贾春来",
        "丁淑兰",
        "魏建设",
    ];
    let steward = admin::create_steward(s, compound, "陈淑华")?;
    let now = now_millis();
    let day = 86_400_000i64;
    let month = s.zone().month_of(now);
    let mut households = Vec::new();
    for (i, head) in HEADS.iter().enumerate() {
        let profile = HouseholdProfile {
            address: Address { building: format!("{}", 1 + i / 4), unit: "1".into(), room: format!("{}01", 1 + i % 4) },
            head_name: head.to_string(),
            member_count: 2 + (i as u32 % 3),
            phone: None,
            party_member: Some(i % 4 == 0),
            key_service: Some(if i % 5 == 0 { vec![KeyServiceReason::Disability] } else { vec![] }),
            notes: String::new(),
        };
        households.push(admin::create_household(s, compound, Some(steward.id), profile)?);
    }
    let plan = doc::create_plan(s.actor().clone(), steward.id, compound, month, now).map_err(seed_err)?;
    s.create_doc(&plan)?;
    s.edit(
        doc::plan_doc_id(steward.id, month),
        |_| Ok(()),
        |d| doc::plan_households(d, &households, &[], steward.id, now),
    )?;
    let month_start = s.zone().month_start(month);
    for (i, h) in households.iter().enumerate().take(5) {
        let v = NewVisit {
            id: Uuid::new_v4(),
            at: month_start + (now - month_start).max(day) * (i as i64 + 1) / 7,
            method: VisitMethod::DoorVisit,
            summary: SUMMARIES[(i + 2) % SUMMARIES.len()].into(),
            opinions: vec![],
            hardships: String::new(),
            answers: vec![],
            follow_up: false,
            by: steward.id,
        };
        s.edit(*h, |_| Ok(()), |d| doc::record_visit(d, &v))?;
    }
    let i = NewIssue {
        id: Uuid::new_v4(),
        compound_id: compound,
        reporter_id: steward.id,
        reported_at: now - 2 * day,
        category: IssueCategory::OccupiedPublicSpace,
        place: "2栋架空层".into(),
        description: "架空层被堆放杂物，居民无法使用。".into(),
        route: IssueRoute::CommunityCoordination,
    };
    s.create_doc(&doc::create_issue(s.actor().clone(), &i).map_err(seed_err)?)?;
    Ok(())
}

/// The words printed after seeding.
pub fn instructions(demo: &Demo, listen: &str) -> String {
    let mut out = String::new();
    out.push_str(
        "红色管家 demo data is ready: 蜀汉美郡 (Shuhan Meijun), 2 stewards, 30 households; 汉韵花园 (Hanyun Huayuan), \
         1 steward, 12 households.\n\n",
    );
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
    out.push_str(&format!("\nThe supervisors' console: http://{listen}/  (sign in as any of these)\n"));
    for (who, (user, password)) in SIGN_INS {
        out.push_str(&format!("  {user:<18} {password:<18} {who}\n"));
    }
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
