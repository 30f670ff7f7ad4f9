//! The HTTP API described as an OpenAPI 3.1 document, generated with `utoipa` from the
//! `#[utoipa::path]` attribute on each handler and the `ToSchema` derives on their bodies, and
//! served at `GET /v1/openapi.json` (no authentication).
//!
//! Kept true by `tests/tests/openapi.rs`: it fetches the served document from a real server and
//! compares its (method, path template) pairs with [`super::ROUTES`], the one list the router is
//! built from, both ways; it also checks real answers against the schemas given here by hand.
//!
//! Types of `steward-core` and of `storage.rs` carry no utoipa derives (the core crate knows no
//! HTTP framework): they are described here by mirrors (`ErrorDoc` as `ErrorBody`, …) or, for
//! the projections and the reports, as objects with a description pointing at
//! `docs/documents.md`. The closed lists (issue statuses, must-visit triggers, timely kinds) are
//! generated from the core's own `ALL` lists, so they cannot fall behind.

use std::borrow::Cow;
use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use steward_core::doc::DocKind;
use steward_core::model::{IssueStatus, MustVisitTrigger, TimelyKind};
use utoipa::openapi::schema::{
    AdditionalProperties, AllOfBuilder, ArrayBuilder, KnownFormat, Object, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoParams, Modify, OpenApi, PartialSchema, ToResponse, ToSchema};
use uuid::Uuid;

use super::admin::{self, ImportAnswer, PlaceBody, StewardBody, UserBody};
use super::audit;
use super::campaigns::{self, CampaignBody, CampaignSummary, FieldBody, StartedAnswer, TemporaryAnswer, TemporaryBody};
use super::device::{self, EnrolBody};
use super::edits::{
    self, AssignBody, CommentBody, DeadlinesBody, HolidayAnswer, HolidayBody, MustVisitBody, PlanBody, StatusBody,
};
use super::evaluation::{self, EvaluationBody};
use super::exports;
use super::figures;
use super::households;
use super::live;
use super::meetings::{self, FollowUpBody};
use super::pairing;
use super::reads::{self, PullAnswer};
use super::referrals::{self, ReferralAnswer, ReferralBody};
use super::scoring::{self, CriterionBody, RulesBody};
use super::selection::{self, ApplicationBody, StepBody};
use super::session::{self, LoginAnswer, LoginBody, MeAnswer, PasswordBody};
use super::stewards::{self, CodeAnswer, CodeBody};
use super::teams::{self, ActivityBody, MemberBody, TeamBody};
use crate::admin::BadRow;

/// The security scheme of a steward's device token (from `POST /v1/enrol`).
pub(super) const DEVICE_TOKEN: &str = "device_token";
/// The security scheme of a supervisor's, property company's or admin's sign-in token (from
/// `POST /v1/login`).
pub(super) const SESSION_TOKEN: &str = "session_token";

/// The OpenAPI document of the server's HTTP API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Red Steward sync server",
        description = "The HTTP API of the Red Steward (红色管家) sync server: stewards' devices enrol and \
sync (`POST /v1/sync`, CBOR, described in docs/sync-protocol.md); supervisors, property companies and \
admins sign in, read the merged read model and the reports (JSON, or CSV for Excel), and edit issues, \
must-visits, assignments, deadlines and plans, which reach the phones by sync.\n\n\
Every error answer is a JSON `ErrorBody` `{code, message, docs}`: `code` is stable, `message` says what to \
do. Limits, attempt limits and the rules behind each refusal: docs/reliability.md.",
    ),
    paths(
        super::healthz,
        serve,
        device::enrol,
        session::login,
        session::logout,
        device::sync,
        session::me,
        session::change_password,
        stewards::places,
        reads::stewards,
        stewards::devices,
        reads::pull,
        live::events,
        households::households,
        audit::household,
        reads::issue,
        reads::plan,
        reads::compound,
        audit::access_log,
        exports::report_visits,
        exports::report_visit_trend,
        exports::report_ledger,
        exports::report_must_visits,
        exports::report_timely,
        exports::report_issues,
        exports::report_three_clears,
        meetings::report_meetings,
        pairing::report_pairing,
        figures::report_figures,
        scoring::report_scores,
        scoring::rules,
        scoring::publish_rules,
        meetings::report_decisions,
        campaigns::report_campaign,
        evaluation::report_evaluation,
        evaluation::set_evaluation,
        teams::report_teams,
        teams::create_team,
        teams::add_member,
        teams::record_activity,
        campaigns::campaigns_list,
        campaigns::start_campaign,
        campaigns::temporary_steward,
        campaigns::close_campaign,
        selection::summary,
        selection::applications,
        selection::create_application,
        selection::application,
        selection::take_step,
        selection::notice,
        meetings::meeting,
        meetings::decision_follow_up,
        referrals::pass_on,
        edits::issue_status,
        edits::issue_comment,
        edits::raise_must_visit,
        edits::assign_household,
        edits::holiday_must_visits,
        edits::set_deadlines,
        edits::set_plan,
        stewards::revoke_device,
        stewards::enrolment_code,
        admin::create_place,
        admin::create_steward,
        admin::users,
        admin::create_user,
        admin::import_households,
    ),
    components(
        schemas(
            ErrorDoc, EnrolmentDoc, UserDoc, StewardDoc, AccessEntryDoc, Projection, PulledDocument, EnrolBody, LoginBody,
            LoginAnswer, PasswordBody, MeAnswer, PullAnswer, StatusBody, CommentBody, MustVisitBody, HolidayBody,
            HolidayAnswer, AssignBody, DeadlinesBody, PlanBody, ReportFormat, PlaceDoc, DeviceDoc, HouseholdRowDoc,
            HouseholdPageDoc, CodeBody, CodeAnswer, PlaceBody, StewardBody, UserBody, ImportAnswer, BadRow,
            FollowUpBody, ReferralBody, ReferralAnswer, RulesBody, CriterionBody, CampaignBody, FieldBody,
            CampaignSummary, StartedAnswer, TemporaryBody, TemporaryAnswer, EvaluationBody,
            TeamBody, MemberBody, ActivityBody, ApplicationBody, StepBody,
        ),
        responses(Unauthorized, BodyTimeout, PayloadTooLarge, ShuttingDown, Internal, PlaceNotFound, AdminOnly, BadId),
    ),
    modifiers(&Tokens),
    tags(
        (name = "health", description = "Whether the server is up."),
        (name = "meta", description = "This document."),
        (name = "device", description = "A steward's device: enrolment and sync (docs/sync-protocol.md)."),
        (name = "session", description = "Signing in, and who the caller is."),
        (name = "reads", description = "The merged read model, through the one role-aware read path."),
        (name = "reports", description = "Reports, as JSON or as CSV for Excel (UTF-8 with BOM, bilingual headers, local times)."),
        (name = "edits", description = "Supervisors' and property companies' edits, each an Automerge change by the server's actor."),
        (name = "selection", description = "Selecting a steward (选任流程): applications and their steps, for the staff of the steps."),
        (name = "admin", description = "Admins only: the org tree, accounts, stewards, household imports."),
    ),
)]
pub struct ApiDoc;

/// The document as served.
pub fn document() -> &'static str {
    DOCUMENT.as_str()
}

/// The document as served: built once.
static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document is plain JSON"));

#[utoipa::path(
    get, path = "/v1/openapi.json", tag = "meta", operation_id = "openapi",
    summary = "This OpenAPI 3.1 document",
    description = "Generated from the handlers; no authentication.",
    responses(
        (status = 200, description = "The OpenAPI document of this API.", body = Object, content_type = "application/json"),
    )
)]
pub(super) async fn serve() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}

/// Both tokens are bearer tokens: `Authorization: Bearer <token>`.
struct Tokens;

impl Modify for Tokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(description)).build(),
            )
        };
        components.add_security_scheme(
            DEVICE_TOKEN,
            bearer(
                "A steward's device token, from `POST /v1/enrol`: `Authorization: Bearer <device_token>`. Valid \
until the device is revoked.",
            ),
        );
        components.add_security_scheme(
            SESSION_TOKEN,
            bearer(
                "A sign-in token of a supervisor, property company or admin, from `POST /v1/login`: \
`Authorization: Bearer <token>`, or in a browser the `rs_session` cookie that `POST /v1/login` with \
`cookie: true` sets (HttpOnly, SameSite=Strict). Valid for 12 hours (`expires_at`), until `POST /v1/logout`, \
or until the account's password changes.",
            ),
        );
    }
}

// -- mirrors of types without derives ------------------------------------------------------------

/// The body of every error answer (`steward_core::protocol::ErrorBody`).
#[derive(ToSchema)]
#[schema(as = ErrorBody)]
#[allow(dead_code)]
pub(super) struct ErrorDoc {
    /// A stable machine code, e.g. `bad_request`, `unauthorized`, `not_found`, `forbidden_document`.
    code: String,
    /// What went wrong and what to do, in words.
    message: String,
    /// The documents the error is about, where it is about documents; absent otherwise.
    #[schema(required = false)]
    docs: Vec<Uuid>,
    /// For `invalid_field`: the request field (query parameter or body key) at fault, for a form to point at.
    #[schema(required = false)]
    field: Option<String>,
    /// For `bad_rows` (an import): every row of the file that is wrong; absent otherwise.
    #[schema(required = false)]
    rows: Vec<BadRow>,
}

/// Who an enrolled device now is (`steward_core::protocol::Enrolment`).
#[derive(ToSchema)]
#[schema(as = Enrolment)]
#[allow(dead_code)]
pub(super) struct EnrolmentDoc {
    /// The bearer token for every later request; shown once, stored only hashed on the server.
    device_token: String,
    device_id: Uuid,
    steward_id: Uuid,
    steward_name: String,
    compound_id: Uuid,
    compound_name: String,
    /// The program's time zone (e.g. `Asia/Shanghai`): months and deadlines are counted in it.
    #[schema(required = false)]
    time_zone: Option<String>,
}

/// A user account (`storage::User`).
#[derive(ToSchema)]
#[schema(as = User)]
#[allow(dead_code)]
pub(super) struct UserDoc {
    id: Uuid,
    username: String,
    #[schema(schema_with = role)]
    role: String,
    /// The place the account is responsible for; `null` for admins.
    place_id: Option<Uuid>,
}

/// One reading of household records (`GET /v1/access-log`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(super) struct AccessEntryDoc {
    seq: i64,
    /// Milliseconds since the Unix epoch.
    at: i64,
    user_id: Uuid,
    username: String,
    /// `household`, `pull`, or `report:<name>:<format>`.
    action: String,
    households: Vec<Uuid>,
}

/// A steward account, tied to one compound (`storage::Steward`).
#[derive(ToSchema)]
#[schema(as = Steward)]
#[allow(dead_code)]
pub(super) struct StewardDoc {
    id: Uuid,
    compound_id: Uuid,
    name: String,
    /// A temporary steward's (临时红色管家) campaign; absent for a regular steward.
    campaign_id: Option<Uuid>,
    /// When a temporary steward's access ends, milliseconds since the Unix epoch.
    active_until: Option<i64>,
}

/// A place in the org tree (`storage::Place`).
#[derive(ToSchema)]
#[schema(as = Place)]
#[allow(dead_code)]
pub(super) struct PlaceDoc {
    id: Uuid,
    #[schema(schema_with = place_kind)]
    kind: String,
    name: String,
    /// The place above; `null` for a district.
    parent_id: Option<Uuid>,
}

fn place_kind() -> Object {
    use crate::storage::PlaceKind;
    codes(
        [PlaceKind::District, PlaceKind::Town, PlaceKind::Community, PlaceKind::Compound, PlaceKind::Building]
            .map(PlaceKind::as_code),
        "district > town > community > compound > building.",
    )
}

/// A steward's enrolled phone (`storage::Device`, with its steward's name).
#[derive(ToSchema)]
#[schema(as = Device)]
#[allow(dead_code)]
pub(super) struct DeviceDoc {
    id: Uuid,
    steward_id: Uuid,
    steward: String,
    compound_id: Uuid,
    /// What the phone called itself when it enrolled.
    name: String,
    /// Milliseconds since the Unix epoch.
    enrolled_at: i64,
    /// When it last synced (to within 5 minutes: the server writes it at most that often per device); `null`
    /// before its first sync.
    last_sync_at: Option<i64>,
    /// When it was revoked; `null` while it may sync.
    revoked_at: Option<i64>,
}

/// A household as the list shows it (`read_model::HouseholdSummary`, with names).
#[derive(ToSchema)]
#[schema(as = HouseholdRow)]
#[allow(dead_code)]
pub(super) struct HouseholdRowDoc {
    id: Uuid,
    compound_id: Uuid,
    compound: String,
    steward_id: Option<Uuid>,
    steward: Option<String>,
    head_name: String,
    /// `5栋1单元202室`.
    address: String,
    /// `null` while the steward has not found out.
    party_member: Option<bool>,
    /// Key-service reason codes; `null` while unknown, empty for "none".
    key_service: Option<Vec<String>>,
    open_must_visits: u32,
    visits: u32,
    /// Milliseconds since the Unix epoch; `null` before the first visit.
    last_visit_at: Option<i64>,
}

/// A page of the household list.
#[derive(ToSchema)]
#[schema(as = HouseholdPage)]
#[allow(dead_code)]
pub(super) struct HouseholdPageDoc {
    /// How many households match in all.
    total: u64,
    page: u64,
    per_page: u64,
    rows: Vec<HouseholdRowDoc>,
}

/// What every report takes besides its own parameters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(super) struct ReportParams {
    /// `json` (the default); `csv`: UTF-8 with BOM, bilingual headers, local times, for Excel; `xlsx`: typed cells,
    /// dates as dates, a frozen header, Chinese headers.
    format: Option<ReportFormat>,
    /// Only the compounds at or below this place (it must be within the caller's; else `404`).
    place: Option<Uuid>,
    /// Only this steward's households, plans and reported issues.
    steward_id: Option<Uuid>,
}

/// What a user account may do (`storage::Role`, by its code).
fn role() -> Object {
    use crate::storage::Role;
    // Exhaustive, so a new role does not compile until it is listed here.
    let listed = |r: Role| match r {
        Role::Admin | Role::Supervisor | Role::Property => r,
    };
    codes(
        [Role::Admin, Role::Supervisor, Role::Property].map(listed).map(Role::as_code),
        "`admin`: everything, everywhere; `supervisor`: reads and steers the places below its place; \
`property`: a property company, which moves and comments on the issues within its duty.",
    )
}

/// `MeAnswer::principal`.
pub(super) fn principal_kind() -> Object {
    codes(["device", "user"], "`device` for a device token, `user` for a sign-in token.")
}

// -- the closed lists, from the core's own lists --------------------------------------------------

fn codes(codes: impl IntoIterator<Item = &'static str>, description: &str) -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes)).description(Some(description)).build()
}

pub(super) fn issue_status() -> Object {
    codes(
        IssueStatus::ALL.iter().map(|s| s.as_code()),
        "Where the issue moves to; the moves allowed per role are in docs/documents.md, section 9.",
    )
}

pub(super) fn must_visit_trigger() -> Object {
    codes(MustVisitTrigger::ALL.iter().map(|t| t.as_code()), "Why the household must be visited (五必访).")
}

fn doc_kind() -> Object {
    // Exhaustive, so a new kind does not compile until it is listed here.
    let listed = |k: DocKind| match k {
        DocKind::Household
        | DocKind::Issue
        | DocKind::Plan
        | DocKind::Compound
        | DocKind::Meeting
        | DocKind::Score
        | DocKind::Campaign
        | DocKind::Evaluation
        | DocKind::Team => k,
    };
    codes(
        [
            DocKind::Household,
            DocKind::Issue,
            DocKind::Plan,
            DocKind::Compound,
            DocKind::Meeting,
            DocKind::Score,
            DocKind::Campaign,
        ]
        .map(listed)
        .map(DocKind::as_code),
        "The document's kind.",
    )
}

fn uuid() -> Object {
    ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))).build()
}

/// The body of `PUT /v1/compounds/{id}/deadlines`: a map from timely kind to minutes.
impl PartialSchema for DeadlinesBody {
    fn schema() -> RefOr<Schema> {
        let minutes = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(0))
            .description(Some("Minutes from when the need arose to the deadline."))
            .build();
        TimelyKind::ALL
            .iter()
            .fold(ObjectBuilder::new(), |o, k| o.property(k.as_code(), minutes.clone()))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some(
                "Minutes per kind of timely response (四及时), e.g. `{\"urgent_help\": 720}`. Kinds left out keep \
their deadline; an unknown kind is a 400.",
            ))
            .into()
    }
}

impl ToSchema for DeadlinesBody {
    fn name() -> Cow<'static, str> {
        "DeadlinesBody".into()
    }
}

// -- answers described, not derived ---------------------------------------------------------------

/// Declares a schema given by hand: its name in the document is the type's.
macro_rules! by_hand {
    ($($ty:ident => $schema:expr;)+) => {$(
        pub(super) struct $ty;
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                $schema.into()
            }
        }
        impl ToSchema for $ty {}
    )+};
}

fn rows(description: &str) -> ArrayBuilder {
    ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::Object)).description(Some(description))
}

by_hand! {
    Projection => ObjectBuilder::new()
        .property("kind", doc_kind())
        .property("id", uuid())
        .required("kind")
        .required("id")
        .additional_properties(Some(AdditionalProperties::FreeForm(true)))
        .description(Some(
            "A document's projection: its records as plain JSON, tagged by `kind` (`household`, `issue`, `plan`, \
`compound`, `meeting`). Each kind is described field by field in docs/documents.md (sections 3 to 6 and 13); times are \
milliseconds since the Unix epoch.",
        ));
    PulledDocument => AllOfBuilder::new()
        .item(Ref::from_schema_name("Projection"))
        .item(
            ObjectBuilder::new()
                .property(
                    "seq",
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                        .description(Some("The read model's sequence number of this version.")),
                )
                .required("seq")
                .additional_properties(Some(AdditionalProperties::FreeForm(true))),
        )
        .description(Some("A projection (docs/documents.md) with the sequence number it was stored under."));
    VisitsReport => rows(
        "One row per steward for the month, planned vs done: `steward_id`, `steward`, `month` (YYYY-MM), \
`planned`, `planned_visited`, `visits`, `households_visited`, `plan_out_of_range` (outside the program's \
10–20 households).",
    );
    VisitLedgerReport => rows(
        "The month's visits (遍访纪实台账), one row each: `visit_id`, `at`, `steward`, `address`, `head_name`, \
`method`, `summary`, `opinions`, `hardships`, `follow_up`, `recorded_at`, `server_seen_at` (times in \
milliseconds since the Unix epoch; `server_seen_at` may be null). With `per_page` the answer is an object \
`{total, page, per_page, rows}` holding one page of these rows.",
    );
    MustVisitsReport => rows(
        "Open must-visits, longest waiting first: `id`, `household_id`, `address`, `head_name`, `steward`, \
`trigger`, `trigger_zh`, `date`, `age_days`, `server_seen_at`. With `per_page` the answer is an object \
`{total, page, per_page, rows}` holding one page of these rows.",
    );
    TimelyReport => ObjectBuilder::new()
        .property(
            "summary",
            ObjectBuilder::new().description(Some("Counts by outcome: `on_time`, `late`, `open`, `overdue`.")),
        )
        .property(
            "rows",
            rows(
                "One row per timely response: `id`, `household_id`, `address`, `steward`, `kind`, `kind_zh`, \
`raised_at`, `deadline`, `resolved_at`, `timeliness` (`on_time`, `late`, `open`, `overdue`), \
`server_seen_at`.",
            ),
        )
        .property("total", ObjectBuilder::new().schema_type(Type::Integer).description(Some("How many rows match in all (`rows` holds a page of them with `per_page`).")))
        .required("summary")
        .required("rows")
        .description(Some("Timely responses (四及时) judged against their compound's deadlines."));
    IssuesReport => ObjectBuilder::new()
        .property("counts", rows("Issues counted by `status`, `route` and `origin`: `status`, `route`, `origin`, `count`."))
        .property(
            "issues",
            rows(
                "One row per issue: `id`, `compound_id`, `reporter`, `reported_at`, `category`, `category_zh`, \
`place`, `description`, `route`, `status`, `comments`, `last_update_at`, `origin` (`steward`, or \
`property_company`: passed on by the property company).",
            ),
        )
        .property("total", ObjectBuilder::new().schema_type(Type::Integer).description(Some("How many issues match in all (`issues` holds a page of them with `per_page`, none with `counts_only`).")))
        .required("counts")
        .required("issues")
        .description(Some("Issues by status and route, and each issue."));
    MeetingsReport => ObjectBuilder::new()
        .property("quarter", ObjectBuilder::new().schema_type(Type::String).description(Some("The quarter, YYYY-Qn.")))
        .property("from", ObjectBuilder::new().schema_type(Type::Integer).description(Some("Its first instant, in milliseconds since the Unix epoch.")))
        .property("to", ObjectBuilder::new().schema_type(Type::Integer).description(Some("The instant after its last.")))
        .property(
            "compounds",
            rows(
                "One row per compound of the place, by name: `compound_id`, `compound`, `meetings`, \
`last_held_at`, `decisions`, `open` (not late), `done`, `late`, `no_meeting` (no joint meeting this quarter).",
            ),
        )
        .property(
            "meetings",
            rows(
                "One row per meeting held in the quarter, newest first: `id`, `compound_id`, `compound`, `convener_id`, \
`convener`, `held_at`, `place`, `topics`, `attendees`, `parties` (codes), `decisions`, `open` (not late), `done`, `late`.",
            ),
        )
        .required("quarter")
        .required("compounds")
        .required("meetings")
        .description(Some("A quarter's joint meetings (联席会议) per compound."));
    RulesDoc => ObjectBuilder::new()
        .property("period", ObjectBuilder::new().schema_type(Type::String).description(Some("YYYY-Qn.")))
        .property(
            "criteria",
            rows("In the bureau's order: `id`, `name`, `weight` (percent), `categories` (issue category codes)."),
        )
        .required("period")
        .required("criteria")
        .description(Some("A period's scoring rules (考评细则)."));
    ScoresReport => ObjectBuilder::new()
        .property("quarter", ObjectBuilder::new().schema_type(Type::String).description(Some("YYYY-Qn.")))
        .property("rules", ObjectBuilder::new().description(Some("The quarter's rules (`RulesDoc`).")))
        .property(
            "compounds",
            rows(
                "Ranked first, then by name: `compound_id`, `compound`, `scorers`, `total` (0–100, or null), `rank`, \
`criteria` (`criterion_id`, `name`, `weight`, `average` 0–10, `marked_down`, `issues`), `comments` (`criterion_id`, \
`points`, `comment`; no names), `trend` (`quarter`, `total`; four quarters, oldest first).",
            ),
        )
        .required("quarter")
        .required("rules")
        .required("compounds")
        .description(Some("The stewards' scores of the property companies for a quarter."));
    FiguresReport => ObjectBuilder::new()
        .property("from", ObjectBuilder::new().schema_type(Type::String).description(Some("First month, YYYY-MM.")))
        .property("to", ObjectBuilder::new().schema_type(Type::String).description(Some("Last month, YYYY-MM.")))
        .property(
            "figures",
            rows(
                "One per headline figure, in the article's order: `key` (`visits`, `opinions`, `meetings`, \
`compound_problems_solved`, `referrals`, `pairing`, `teams`), `label_zh`, `label_en`, `value`, `unit_zh`, `breakdown` \
(`key`, `label_zh`, `value`).",
            ),
        )
        .required("from")
        .required("to")
        .required("figures")
        .description(Some("The program's headline figures for a period."));
    TeamsReport => ObjectBuilder::new()
        .property("from", ObjectBuilder::new().schema_type(Type::String).description(Some("First month, YYYY-MM.")))
        .property("to", ObjectBuilder::new().schema_type(Type::String).description(Some("Last month, YYYY-MM.")))
        .property(
            "teams",
            rows("By compound and name: `id`, `name`, `kind`, `kind_zh`, `compound_id`, `compound`, `steward_id`, `steward` \
(who leads it), `members`, `steward_members`, `resident_members`, `activities` and `participants` (in the period)."),
        )
        .property("total", ObjectBuilder::new().schema_type(Type::Integer).description(Some("Activities in the period.")))
        .property("participants", ObjectBuilder::new().schema_type(Type::Integer).description(Some("Their participants, summed.")))
        .property(
            "activities",
            rows("Newest first: `id`, `team_id`, `team`, `compound_id`, `compound`, `steward_id`, `kind`, `kind_zh`, `title`, \
`held_at`, `place`, `participants`, `role` (`steward` or `supervisor`)."),
        )
        .required("from")
        .required("to")
        .required("teams")
        .required("total")
        .required("participants")
        .required("activities")
        .description(Some("Volunteer and culture teams (志愿服务队、文化宣传队) and their activities."));
    EvaluationReport => ObjectBuilder::new()
        .property("half", ObjectBuilder::new().schema_type(Type::String).description(Some("YYYY-Hn.")))
        .property("norm", ObjectBuilder::new().schema_type(Type::Integer).description(Some("Households a month the program asks for at least (10).")))
        .property(
            "stewards",
            rows(
                "One per steward, by compound and name: `steward_id`, `steward`, `compound_id`, `compound`, `households`, \
`visits`, `households_visited`, `monthly_visited` (six counts), `months_meeting_norm`, `must_visits`, `must_visits_answered`, \
`must_visit_days` (mean, or null), `timely`, `timely_on_time`, `party_member_known`, `basic_profile_complete`, \
`key_service_known`, `issues_reported`, `issues_verified`, `meetings_held`, `decisions`, `decisions_followed`, `score` \
(0–100 or null), `comment`, `evaluated_at`.",
            ),
        )
        .required("half")
        .required("norm")
        .required("stewards")
        .description(Some("The half-year steward evaluation (每半年考核评价)."));
    CampaignReport => ObjectBuilder::new()
        .property("campaign", ObjectBuilder::new().description(Some("The campaign (`CampaignSummary`), counted within the report's place.")))
        .property("households", ObjectBuilder::new().schema_type(Type::Integer).description(Some("Households with a task.")))
        .property("answered", ObjectBuilder::new().schema_type(Type::Integer).description(Some("Of those, answered.")))
        .property("compounds", rows("Per compound, by name: `id`, `name`, `households`, `answered`."))
        .property(
            "stewards",
            rows("Per steward answering for tasks now (regular first, then temporary): `id`, `name`, `temporary` (only when true), `households`, `answered`."),
        )
        .property(
            "rows",
            rows(
                "One per household, by compound and address: `household_id`, `compound_id`, `compound`, `address`, `name`, \
`steward_id`, `steward` (who answers for it now), `answered_at`, `answered_by`, `answers` (by field id: true/false, a number or a text).",
            ),
        )
        .required("campaign")
        .required("households")
        .required("answered")
        .required("compounds")
        .required("stewards")
        .required("rows")
        .description(Some("A campaign's progress (专项任务进度)."));
    PairingReport => ObjectBuilder::new()
        .property(
            "counts",
            rows(
                "One row per need, every need listed: `need`, `need_zh`, `open`, `closed`, `outcomes` (closed cases per \
outcome code), `amount_yuan` (secured).",
            ),
        )
        .property(
            "cases",
            rows(
                "One row per case, newest first: `id`, `household_id`, `compound_id`, `address`, `head_name`, `steward`, \
`helper`, `need`, `need_zh`, `description`, `opened_at`, `closed_at`, `outcome`, `outcome_zh`, `amount_yuan`, `actions`, \
`last_action_at`.",
            ),
        )
        .property("total", ObjectBuilder::new().schema_type(Type::Integer).description(Some("How many cases match in all (`cases` holds a page of them with `per_page`).")))
        .required("counts")
        .required("cases")
        .required("total")
        .description(Some("Pairing assistance (结对帮扶) cases by need and outcome."));
    DecisionsReport => ObjectBuilder::new()
        .property("counts", rows("Per responsible party: `party`, `party_zh`, `open` (not late), `done`, `late`."))
        .property(
            "decisions",
            rows(
                "One row per decision, by meeting newest first: `id`, `meeting_id`, `compound_id`, `compound`, \
`convener_id`, `convener`, `held_at`, `text`, `party`, `party_zh`, `deadline`, `status` (`open`, `done`), `late`, \
`done_at`, `follow_ups`, `last_follow_up`, `last_follow_up_at`.",
            ),
        )
        .property("total", ObjectBuilder::new().schema_type(Type::Integer).description(Some("How many decisions match in all (`decisions` holds a page of them with `per_page`).")))
        .required("counts")
        .required("decisions")
        .required("total")
        .description(Some("The joint meetings' decisions (商定事项) by responsible party."));
    TrendReport => rows(
        "One row per month, oldest first: `month` (YYYY-MM), `visits`, `households_visited`.",
    );
    ThreeClearsReport => rows(
        "The three clears (三清) per steward: `steward_id`, `steward`, `households`, `party_member_known`, \
`basic_profile_complete`, `key_service_known`, `percent` (three shares in percent: party members, basic \
profile, key service).",
    );
}

/// `format` of a report or list: `json` (the default), `csv` or `xlsx`.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(super) enum ReportFormat {
    Json,
    Csv,
    Xlsx,
}

// -- answers every endpoint may give ----------------------------------------------------------------

/// Declares a reusable error answer: its status description, with an `ErrorBody`.
macro_rules! error_responses {
    ($($ty:ident => $description:literal;)+) => {$(
        pub(super) struct $ty;
        impl<'s> ToResponse<'s> for $ty {
            fn response() -> (&'s str, RefOr<Response>) {
                (
                    stringify!($ty),
                    ResponseBuilder::new()
                        .description($description)
                        .content(
                            "application/json",
                            ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                        )
                        .build()
                        .into(),
                )
            }
        }
    )+};
}

error_responses! {
    Unauthorized => "`unauthorized`: no token, or one the server does not know (expired, revoked): sign in again, \
or enrol the device again.";
    BodyTimeout => "`body_timeout`: the body did not arrive within the body time-out (60 s by default); send it again.";
    PayloadTooLarge => "`payload_too_large`: the body is over this endpoint's limit, refused from `Content-Length` \
before a byte is read.";
    ShuttingDown => "`shutting_down`: the server is stopping; retry with backoff.";
    Internal => "`internal`: a server fault, logged; retry with backoff.";
    PlaceNotFound => "`not_found`: `place` (or `steward_id`) is not within the caller's place: the same answer whether \
it exists elsewhere or not.";
    AdminOnly => "`forbidden`: only an admin may do this (or a device token).";
    BadId => "`bad_request`: the id in the path is not a uuid.";
}
