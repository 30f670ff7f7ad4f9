//! The program's vocabulary: the closed lists a steward picks from, with their Chinese and
//! English labels, and the plain records that projections produce.
//!
//! Every enum here is stored in Automerge documents and sent over the wire by its `snake_case`
//! code (`as_code`), never by its label, so relabelling never breaks old data.

use serde::{Deserialize, Serialize};

/// Declares a closed list with a stable code, a zh-CN label and an English label per member.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            /// Every member, in the program's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable code stored in documents and sent over the wire.
            pub fn as_code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// Parses a stored code; `None` for a code this version does not know.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The zh-CN label, in the program's own words.
            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }

            /// The English label.
            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en,)+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::from_code(s).ok_or_else(|| crate::Error::UnknownCode {
                    list: stringify!($name),
                    code: s.to_string(),
                })
            }
        }
    };
}

vocabulary! {
    /// How a visit was made.
    VisitMethod {
        DoorVisit => "door_visit", "上门走访", "Door visit";
        IndividualTalk => "individual_talk", "个别访谈", "Individual talk";
        GroupDiscussion => "group_discussion", "座谈", "Group discussion";
    }
}

vocabulary! {
    /// The five "must-visit" triggers (五必访).
    MustVisitTrigger {
        MajorHoliday => "major_holiday", "重大节日期间", "Major holiday";
        IllnessOrDeath => "illness_or_death", "生病住院或亡故", "Illness, hospitalisation or death";
        DisasterOrAccident => "disaster_or_accident", "家庭受灾或发生意外", "Disaster or accident";
        Hardship => "hardship", "生活遇到困难", "Hardship in daily life";
        StrongEmotions => "strong_emotions", "有较大思想情绪或有意见", "Strong emotions or grievances";
    }
}

vocabulary! {
    /// The four "timely" responses (四及时), each with its own deadline.
    TimelyKind {
        FollowUpVisit => "follow_up_visit", "及时回访", "Follow-up visit";
        UrgentHelp => "urgent_help", "及时相帮", "Urgent help";
        Dispute => "dispute", "及时化解", "Mediate a dispute";
        MajorIncident => "major_incident", "第一时间到达现场并及时上报", "Major incident: on scene first";
    }
}

vocabulary! {
    /// Why a household is a key service target (重点管理服务对象).
    KeyServiceReason {
        ElderlyAlone => "elderly_alone", "独居老人", "Elderly living alone";
        Illness => "illness", "患病", "Illness";
        Disability => "disability", "残疾", "Disability";
        Hardship => "hardship", "生活困难", "Hardship";
        Other => "other", "其他", "Other";
    }
}

vocabulary! {
    /// What an opinion or suggestion is about, so the year's opinions can be counted by kind.
    OpinionCategory {
        PropertyService => "property_service", "物业服务", "Property service";
        Sanitation => "sanitation", "环境卫生", "Sanitation";
        Safety => "safety", "安全", "Safety";
        Facilities => "facilities", "设施维修", "Facilities and repairs";
        Neighbourhood => "neighbourhood", "邻里关系", "Neighbourhood";
        Livelihood => "livelihood", "民生保障", "Schooling, medical care, work";
        Other => "other", "其他", "Other";
    }
}

vocabulary! {
    /// What a steward's scan of the compound found.
    IssueCategory {
        SanitationDeadCorner => "sanitation_dead_corner", "卫生死角", "Sanitation dead corner";
        IllegalConstruction => "illegal_construction", "私搭乱建", "Illegal construction";
        SafetyHazard => "safety_hazard", "安全隐患", "Safety hazard";
        OccupiedPublicSpace => "occupied_public_space", "违规占用公共场所", "Occupied public space";
        EbikeParking => "ebike_parking", "电瓶车乱停乱放", "E-bike parking chaos";
        FlyingWireCharging => "flying_wire_charging", "飞线充电", "Flying-wire charging";
        Other => "other", "其他", "Other";
        // A resident's matter outside the property company's duty, which the company passes on
        // to the steward and the branch (双向沟通); the community coordinates it.
        Schooling => "schooling", "上学难", "Schooling";
        MedicalCare => "medical_care", "看病就医难", "Medical care";
        Employment => "employment", "就业困难", "Employment";
        LivingHardship => "living_hardship", "生活困难", "Hardship in daily life";
    }
}

impl IssueCategory {
    /// What a steward's scan of the compound finds (the phone's report form offers these).
    pub fn is_compound_scan(self) -> bool {
        use IssueCategory::*;
        !matches!(self, Schooling | MedicalCare | Employment | LivingHardship)
    }
}

vocabulary! {
    /// Where an issue came from: a steward's report, or a resident's matter the property
    /// company passed on (物业反馈).
    IssueOrigin {
        Steward => "steward", "红色管家上报", "Reported by a steward";
        PropertyCompany => "property_company", "物业反馈", "Passed on by the property company";
    }
}

vocabulary! {
    /// Who must act on an issue (双向沟通).
    IssueRoute {
        PropertyDuty => "property_duty", "物业职责范围内", "Within the property company's duty";
        CommunityCoordination => "community_coordination", "社区协调", "Community coordination";
    }
}

vocabulary! {
    /// Where an issue is on its way to done.
    IssueStatus {
        Reported => "reported", "已上报", "Reported";
        Accepted => "accepted", "已受理", "Accepted";
        InProgress => "in_progress", "处理中", "In progress";
        Resolved => "resolved", "已解决", "Resolved";
        Verified => "verified", "已核实", "Verified by the steward";
        Reopened => "reopened", "已重新打开", "Reopened";
    }
}

impl IssueStatus {
    /// Whether an issue may move from `self` to `to`.
    ///
    /// The steward verifies or reopens a resolved issue; the property company and supervisors
    /// move it forward. A reopened issue goes back into work.
    pub fn can_move_to(self, to: IssueStatus) -> bool {
        use IssueStatus::*;
        matches!(
            (self, to),
            (Reported, Accepted)
                | (Reported, InProgress)
                | (Reported, Resolved)
                | (Accepted, InProgress)
                | (Accepted, Resolved)
                | (InProgress, Resolved)
                | (Resolved, Verified)
                | (Resolved, Reopened)
                | (Reopened, Accepted)
                | (Reopened, InProgress)
                | (Reopened, Resolved)
        )
    }

    /// Whether a party in `role` may make the move from `self` to `to`: the move must be one
    /// of [`can_move_to`](Self::can_move_to), and the steward (who reported the issue) only
    /// verifies or reopens a resolved issue, while the property company and supervisors only
    /// move it forward (accept, progress, resolve). The server checks this for every status
    /// change, whoever wrote it.
    pub fn may_move(self, to: IssueStatus, role: PartyRole) -> bool {
        use IssueStatus::*;
        self.can_move_to(to)
            && match role {
                PartyRole::Steward => matches!(to, Verified | Reopened),
                PartyRole::PropertyCompany | PartyRole::Supervisor => matches!(to, Accepted | InProgress | Resolved),
            }
    }

    /// Whether the issue still needs someone to act.
    pub fn is_open(self) -> bool {
        !matches!(self, IssueStatus::Verified)
    }
}

vocabulary! {
    /// Who wrote an entry in an issue's timeline.
    PartyRole {
        Steward => "steward", "红色管家", "Steward";
        PropertyCompany => "property_company", "物业", "Property company";
        Supervisor => "supervisor", "社区/支部", "Supervisor";
    }
}

vocabulary! {
    /// What help a household paired with a helper needs (结对帮扶).
    PairingNeed {
        Tuition => "tuition", "助学", "Tuition";
        Employment => "employment", "就业", "Employment";
        Medical => "medical", "看病就医", "Medical care";
        Hardship => "hardship", "生活困难", "Hardship";
        Other => "other", "其他", "Other";
    }
}

vocabulary! {
    /// What a campaign (专项任务) is for.
    CampaignKind {
        Screening => "screening", "人员摸排", "Screening";
        Flood => "flood", "防汛救灾", "Flood or disaster check";
        Holiday => "holiday", "节日走访", "Holiday visits";
        CleanUp => "clean_up", "创卫创文", "City clean-up";
        Other => "other", "其他", "Other";
    }
}

vocabulary! {
    /// A team of the program (志愿服务队、文化宣传队).
    TeamKind {
        Volunteer => "volunteer", "志愿服务队", "Volunteer team";
        Culture => "culture", "文化宣传队", "Culture team";
    }
}

vocabulary! {
    /// What a team's activity was.
    ActivityKind {
        PolicyTalk => "policy_talk", "政策宣讲", "Policy talk";
        CleanUp => "clean_up", "环境清洁", "Clean-up";
        SafetyCheck => "safety_check", "安全巡查", "Safety check";
        Performance => "performance", "文艺演出", "Performance";
        Other => "other", "其他", "Other";
    }
}

vocabulary! {
    /// Who a team's member is.
    MemberRole {
        Steward => "steward", "红色管家", "Steward";
        Resident => "resident", "居民", "Resident";
    }
}

vocabulary! {
    /// What one field of a campaign's household form takes.
    FieldKind {
        YesNo => "yes_no", "是/否", "Yes / no";
        Choice => "choice", "单选", "Choice";
        Number => "number", "数字", "Number";
        Text => "text", "文字", "Text";
    }
}

vocabulary! {
    /// How a pairing case ended.
    PairingOutcome {
        Subsidy => "subsidy", "争取到补助资助", "Subsidy or grant secured";
        Job => "job", "实现就业", "Found work";
        Treatment => "treatment", "得到医疗帮扶", "Medical help secured";
        Relieved => "relieved", "困难得到缓解", "Hardship relieved";
        Unresolved => "unresolved", "未能解决", "Not resolved";
    }
}

vocabulary! {
    /// The parties of a compound's joint meeting (联席会议), and who is responsible for a
    /// decision it takes (商定事项).
    MeetingParty {
        Community => "community", "社区党组织", "Community party organisation";
        Branch => "branch", "小区党支部", "Compound party branch";
        PropertyCompany => "property_company", "物业服务企业", "Property company";
        OwnersCommittee => "owners_committee", "业主委员会", "Owners' committee";
        Steward => "steward", "红色管家", "Steward";
    }
}

vocabulary! {
    /// Where a joint meeting's decision is on its way to done (监督落实). Late is not a status:
    /// it is an open decision past its deadline.
    DecisionStatus {
        Open => "open", "落实中", "Being carried out";
        Done => "done", "已落实", "Done";
    }
}

impl DecisionStatus {
    /// Whether a party in `role` may move a decision from `self` to `to`: anyone following it
    /// marks it done; only the steward who follows it up, or a supervisor, reopens a done one
    /// (with a reason). Who may touch which decision at all (a property company: its own) is
    /// the server's check.
    pub fn may_move(self, to: DecisionStatus, role: PartyRole) -> bool {
        use DecisionStatus::*;
        match (self, to) {
            (Open, Done) => true,
            (Done, Open) => matches!(role, PartyRole::Steward | PartyRole::Supervisor),
            _ => false,
        }
    }
}

/// A household's address inside its compound.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Building (楼栋), for example "3".
    pub building: String,
    /// Unit (单元).
    pub unit: String,
    /// Room (室), for example "502".
    pub room: String,
}

impl Address {
    /// True when building, unit and room are all given.
    pub fn is_complete(&self) -> bool {
        !self.building.trim().is_empty() && !self.unit.trim().is_empty() && !self.room.trim().is_empty()
    }
}

/// The editable profile of a household: what a steward must know (居民家庭基本情况).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HouseholdProfile {
    pub address: Address,
    /// Head of household (户主).
    pub head_name: String,
    pub member_count: u32,
    pub phone: Option<String>,
    /// Party-member household; `None` until the steward has found out.
    pub party_member: Option<bool>,
    /// Key-service reasons; `None` until the steward has checked, `Some(empty)` for "none".
    pub key_service: Option<Vec<KeyServiceReason>>,
    pub notes: String,
}

impl HouseholdProfile {
    /// This profile with the edits a steward made to `base` (the profile as it was when they
    /// began editing) applied: a field is taken from `edited` only where it differs from `base`,
    /// so whatever reached this profile meanwhile (a supervisor's change, another phone's) is kept
    /// in the fields the steward did not touch.
    pub fn with_edits(&self, base: &HouseholdProfile, edited: &HouseholdProfile) -> HouseholdProfile {
        fn pick<T: PartialEq + Clone>(now: &T, base: &T, edited: &T) -> T {
            if edited != base {
                edited.clone()
            } else {
                now.clone()
            }
        }
        HouseholdProfile {
            address: Address {
                building: pick(&self.address.building, &base.address.building, &edited.address.building),
                unit: pick(&self.address.unit, &base.address.unit, &edited.address.unit),
                room: pick(&self.address.room, &base.address.room, &edited.address.room),
            },
            head_name: pick(&self.head_name, &base.head_name, &edited.head_name),
            member_count: pick(&self.member_count, &base.member_count, &edited.member_count),
            phone: pick(&self.phone, &base.phone, &edited.phone),
            party_member: pick(&self.party_member, &base.party_member, &edited.party_member),
            key_service: pick(&self.key_service, &base.key_service, &edited.key_service),
            notes: pick(&self.notes, &base.notes, &edited.notes),
        }
    }
}

/// One opinion or suggestion heard on a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opinion {
    pub category: OpinionCategory,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_edit_form_changes_only_the_fields_the_steward_touched() {
        let base = HouseholdProfile { head_name: "张桂兰".into(), member_count: 2, ..Default::default() };
        // Meanwhile a supervisor corrected the phone and the member count.
        let now = HouseholdProfile { phone: Some("13800000000".into()), member_count: 3, ..base.clone() };
        // The steward, on the old copy, set the party-member status only.
        let edited = HouseholdProfile { party_member: Some(true), ..base.clone() };
        let merged = now.with_edits(&base, &edited);
        assert_eq!(merged, HouseholdProfile { party_member: Some(true), ..now.clone() });
        // Touching a field the supervisor also changed: the steward's value wins, as the last edit.
        let edited = HouseholdProfile { member_count: 4, ..base.clone() };
        assert_eq!(now.with_edits(&base, &edited).member_count, 4);
    }
}
