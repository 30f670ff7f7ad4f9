//! The three clears (三清): how much of what a steward must know about their households is
//! actually known. Computed from the households, never typed in.

use serde::{Deserialize, Serialize};

use crate::doc::HouseholdRecord;

/// The three clears of one steward, as counts over their households.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreeClears {
    /// Households assigned.
    pub households: u32,
    /// Party-member status known (党员情况清).
    pub party_member_known: u32,
    /// Basic profile complete: head of household, member count and full address (基本情况清).
    pub basic_profile_complete: u32,
    /// Key-service status checked, target or not (重点管理服务对象清).
    pub key_service_known: u32,
}

impl ThreeClears {
    /// Counts the three clears over some households.
    pub fn of<'a>(households: impl IntoIterator<Item = &'a HouseholdRecord>) -> ThreeClears {
        let mut c = ThreeClears::default();
        for h in households {
            c.households += 1;
            c.party_member_known += u32::from(h.profile.party_member.is_some());
            c.basic_profile_complete += u32::from(basic_profile_complete(&h.profile));
            c.key_service_known += u32::from(h.profile.key_service.is_some());
        }
        c
    }

    /// Shares in percent (0–100), in the order party members, basic profile, key service.
    pub fn percentages(&self) -> [u32; 3] {
        let pct = |n: u32| (n * 100).checked_div(self.households).unwrap_or(0);
        [pct(self.party_member_known), pct(self.basic_profile_complete), pct(self.key_service_known)]
    }
}

/// Whether a household's basic profile is filled in.
pub fn basic_profile_complete(p: &crate::model::HouseholdProfile) -> bool {
    !p.head_name.trim().is_empty() && p.member_count > 0 && p.address.is_complete()
}
