//! The demo's applications for the steward's post (选任), one at each step in 艺苑社区, so each
//! role's screen has something waiting: a new self-application, one for 蜀汉美郡's branch to
//! review, one with the departments' opinions half in, one under public notice, one whose
//! notice has ended (ready to appoint), and one refused. None is appointed, so the demo's
//! stewards stay as they are until someone appoints in the console.

use chrono::{Duration, NaiveDate};
use steward_core::time::now_millis;
use uuid::Uuid;

use crate::selection::{self, Action, Actor, Applicant, Department, Duty, Gender, PoliticalStatus, When};
use crate::service::{Service, ServiceError};
use crate::storage::User;

fn invalid(e: selection::Refused) -> ServiceError {
    ServiceError::Internal(format!("demo application is invalid: {e:?}"))
}

struct Seeder<'a> {
    s: &'a Service,
    today: NaiveDate,
    community: Uuid,
}

impl Seeder<'_> {
    fn day(&self, ago: i64) -> String {
        (self.today - Duration::days(ago)).to_string()
    }

    fn when(&self) -> When {
        When { today: self.today, at: now_millis() }
    }

    /// Enters an application in `compound` and takes `steps` on it, each by its duty's staff.
    fn application(
        &self,
        compound: Uuid,
        applicant: Applicant,
        applied_ago: i64,
        steps: &[(Action, &User)],
        entered_by: &User,
    ) -> Result<(), ServiceError> {
        let actor = |u: &User| Actor {
            id: u.id,
            name: u.username.clone(),
            duty: Some(if u.place_id == Some(compound) { Duty::Branch } else { Duty::Community }),
        };
        let mut a = selection::new_application(
            compound,
            self.community,
            &applicant,
            &self.day(applied_ago),
            &actor(entered_by),
            self.when(),
        )
        .map_err(invalid)?;
        self.s.storage().create_application(&a)?;
        for (step, by) in steps {
            let expected = a.version;
            selection::act(&mut a, step, &actor(by), self.when(), Uuid::nil()).map_err(invalid)?;
            self.s.storage().save_application(&a, expected, None)?;
        }
        Ok(())
    }
}

fn applicant(
    name: &str,
    gender: Gender,
    born: &str,
    address: &str,
    status: PoliticalStatus,
    occupation: &str,
) -> Applicant {
    Applicant {
        name: name.into(),
        gender,
        birth_date: born.into(),
        phone: "13800000000".into(),
        address: address.into(),
        political_status: status,
        occupation: occupation.into(),
        statement: "在小区居住多年，熟悉邻里情况，退休后时间充裕，愿意为居民服务，当好党和群众的连心桥。".into(),
    }
}

/// Seeds the applications. `branch` is 蜀汉美郡's secretary, `branch2` 汉韵花园's, `staff` the
/// community's.
#[allow(clippy::too_many_arguments)]
pub(super) fn seed(
    s: &Service,
    community: Uuid,
    compound: Uuid,
    second: Uuid,
    branch: &User,
    branch2: &User,
    staff: &User,
) -> Result<(), ServiceError> {
    let today = s.zone().local(now_millis()).map(|t| t.date()).ok_or_else(|| ServiceError::Internal("clock".into()))?;
    let d = Seeder { s, today, community };
    let recommend = || Action::Recommend {
        grid_worker: "刘芳".into(),
        opinion: "该同志热心公益，群众基础好，推荐为红色管家人选。".into(),
    };
    let branch_ok = || Action::BranchReview { opinion: "经支部委员会研究，同意推荐。".into() };
    let community_ok = || Action::CommunityReview {
        opinion: "经社区党组织审核，符合条件，同意报送联审。".into()
    };
    let department = |department: Department, ago: i64| Action::Department {
        department,
        date: d.day(ago),
        clear: true,
        note: String::new(),
    };
    let all_departments = |ago: i64| Department::ALL.map(|x| department(x, ago));
    let with = |actions: Vec<Action>, by: &[&User]| -> Vec<(Action, User)> {
        actions.into_iter().zip(by.iter().map(|u| (*u).clone())).collect()
    };
    let run = |compound: Uuid, who: Applicant, ago: i64, steps: Vec<(Action, User)>, by: &User| {
        let steps: Vec<(Action, &User)> = steps.iter().map(|(a, u)| (a.clone(), u)).collect();
        d.application(compound, who, ago, &steps, by)
    };

    // Just applied: waits for the grid worker.
    run(
        compound,
        applicant("黄淑芬", Gender::Female, "1968-03-12", "5栋1单元302", PoliticalStatus::Masses, "退休职工"),
        1,
        vec![],
        staff,
    )?;
    // Recommended: waits for 蜀汉美郡's branch.
    run(
        compound,
        applicant("陈晓燕", Gender::Female, "1972-05-01", "3栋2单元501", PoliticalStatus::PartyMember, "退休教师"),
        10,
        with(vec![recommend()], &[staff]),
        staff,
    )?;
    // Four departments of six have answered.
    let mut steps = with(vec![recommend(), branch_ok(), community_ok()], &[staff, branch2, staff]);
    steps.extend(all_departments(3).into_iter().take(4).map(|a| (a, staff.clone())));
    run(
        second,
        applicant(
            "赵建华",
            Gender::Male,
            "1965-09-20",
            "2栋3单元601",
            PoliticalStatus::PartyMember,
            "汉中市某国企退休干部",
        ),
        30,
        steps,
        branch2,
    )?;
    // Under public notice until four days from now.
    let mut steps = with(vec![recommend(), branch_ok(), community_ok()], &[staff, branch, staff]);
    steps.extend(all_departments(6).into_iter().map(|a| (a, staff.clone())));
    steps.push((
        Action::Notice {
            starts_on: d.day(2),
            ends_on: d.day(-4),
            contact: "艺苑社区党群服务中心，0916-2210000".into(),
        },
        staff.clone(),
    ));
    run(
        compound,
        applicant("孙丽", Gender::Female, "1979-11-08", "8栋2单元101", PoliticalStatus::LeagueMember, "个体经营"),
        40,
        steps,
        branch,
    )?;
    // The notice ended yesterday; an objection was checked and found unfounded: ready to appoint.
    let mut steps = with(vec![recommend(), branch_ok(), community_ok()], &[staff, branch, staff]);
    steps.extend(all_departments(12).into_iter().map(|a| (a, staff.clone())));
    steps.push((
        Action::Notice {
            starts_on: d.day(7), ends_on: d.day(1), contact: "艺苑社区党群服务中心，0916-2210000".into()
        },
        staff.clone(),
    ));
    steps.push((
        Action::Objection {
            received_on: d.day(4),
            text: "有居民反映其常年在外地带孙子。".into(),
            upheld: false,
            finding: "经核实，已于去年回小区常住，反映不实。".into(),
        },
        staff.clone(),
    ));
    run(
        compound,
        applicant("周明", Gender::Male, "1962-01-15", "1栋1单元202", PoliticalStatus::PartyMember, "退役军人"),
        50,
        steps,
        branch,
    )?;
    // Refused at the branch's first review.
    let steps = with(
        vec![recommend(), Action::Refuse { reason: "长期不在小区居住，难以保证每月走访时间。".into() }],
        &[staff, branch2],
    );
    run(
        second,
        applicant("吴刚", Gender::Male, "1985-07-30", "6栋2单元402", PoliticalStatus::Masses, "外卖骑手"),
        20,
        steps,
        branch2,
    )?;
    Ok(())
}
