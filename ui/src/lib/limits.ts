// What one text may hold, in characters: the same numbers as `steward_core::limits` (the phone's
// Rust side and the server refuse longer texts; `tests/tests/app_config.rs` checks they agree).
// The fields stop typing at the limit, so a steward never meets the refusal.
export const SHORT_TEXT = 100
export const LONG_TEXT = 2000
export const NOTES_TEXT = 4000
// How many attendees and decisions one joint meeting may hold (`steward_core::limits`).
export const MAX_ATTENDEES = 100
export const MAX_DECISIONS = 100
// The largest number a campaign's number field takes, either sign (`steward_core::doc::campaign::MAX_NUMBER`).
export const MAX_CAMPAIGN_NUMBER = 1_000_000_000
// How many members one team may hold, and names one activity may list (`steward_core::doc::team::MAX_MEMBERS`).
export const MAX_TEAM_MEMBERS = 200
// The most participants one activity counts (`steward_core::doc::team`).
export const MAX_PARTICIPANTS = 100_000
