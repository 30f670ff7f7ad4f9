//! Admins' endpoints: the org tree, accounts, stewards and household imports (CSV or XLSX).
//! Every one is refused by role before anything is looked up.

use super::*;
use crate::admin::{self as ops, ImportError, ImportFormat};
use crate::storage::{Place, PlaceKind, Steward};

/// A signed-in admin.
async fn admin(state: &AppState, headers: &HeaderMap) -> ApiResult<User> {
    let u = user(state, headers).await?;
    if u.role != Role::Admin {
        return Err(ApiError::forbidden("only an admin manages places, accounts and imports"));
    }
    Ok(u)
}

/// A name of a place or a steward: 1 to 100 characters once trimmed.
fn name_field(field: &'static str, name: &str) -> ApiResult<String> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 100 {
        return Err(ApiError::field(field, format!("{field} must be 1 to 100 characters")));
    }
    Ok(n.to_string())
}

/// `POST /v1/places`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PlaceBody {
    /// `district`, `town`, `community`, `compound` or `building`.
    kind: String,
    name: String,
    /// The parent: a district has none; every other kind has the kind above it.
    #[serde(default)]
    parent_id: Option<Uuid>,
}

#[utoipa::path(
    post, path = "/v1/places", tag = "admin",
    summary = "Create a place in the org tree (admin)",
    description = "district > town > community > compound > building. A compound also gets its settings document \
(the four timelies' deadlines), which reaches its stewards by sync.",
    request_body(content = PlaceBody, example = json!({"kind": "compound", "name": "蜀汉美郡", "parent_id": "6f1c0a52-2b7e-4c1e-9d55-0b8f1c2a3d4e"})),
    responses(
        (status = 200, description = "The new place.", body = openapi::PlaceDoc),
        (status = 400, description = "`invalid_field`: `kind`, `name` or `parent_id` is wrong (`field` names it); \
`bad_request`: the body is not a place.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, response = openapi::AdminOnly),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn create_place(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<Place>> {
    admin(&state, &headers).await?;
    let b: PlaceBody = read_json(&state, &headers, body, SMALL_BODY_BYTES, "{kind, name, parent_id}").await?;
    let kind = PlaceKind::from_code(b.kind.trim())
        .ok_or_else(|| ApiError::field("kind", "kind must be district, town, community, compound or building"))?;
    let name = name_field("name", &b.name)?;
    let place = blocking(&state, move |s| {
        match (kind, b.parent_id) {
            (PlaceKind::District, None) => {}
            (PlaceKind::District, Some(_)) => return Err(ApiError::field("parent_id", "a district has no parent")),
            (_, None) => return Err(ApiError::field("parent_id", format!("a {} needs a parent", kind.as_code()))),
            (_, Some(p)) => {
                let parent = s.storage().place(p)?.ok_or_else(|| ApiError::field("parent_id", "no such place"))?;
                if parent.kind.child() != Some(kind) {
                    return Err(ApiError::field(
                        "parent_id",
                        format!(
                            "a {} belongs under a place one level up, not under a {}",
                            kind.as_code(),
                            parent.kind.as_code()
                        ),
                    ));
                }
            }
        }
        Ok(ops::create_place(s, kind, &name, b.parent_id)?)
    })
    .await?;
    Ok(Json(place))
}

/// `POST /v1/stewards`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct StewardBody {
    compound_id: Uuid,
    name: String,
}

#[utoipa::path(
    post, path = "/v1/stewards", tag = "admin",
    summary = "Create a steward in a compound (admin)",
    request_body(content = StewardBody, example = json!({"compound_id": "6f1c0a52-2b7e-4c1e-9d55-0b8f1c2a3d4e", "name": "李秀英"})),
    responses(
        (status = 200, description = "The new steward.", body = openapi::StewardDoc),
        (status = 400, description = "`invalid_field`: `name` or `compound_id` is wrong (`field` names it).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, response = openapi::AdminOnly),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn create_steward(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<Steward>> {
    admin(&state, &headers).await?;
    let b: StewardBody = read_json(&state, &headers, body, SMALL_BODY_BYTES, "{compound_id, name}").await?;
    let name = name_field("name", &b.name)?;
    let steward = blocking(&state, move |s| {
        let compound = s.storage().place(b.compound_id)?;
        if compound.is_none_or(|p| p.kind != PlaceKind::Compound) {
            return Err(ApiError::field("compound_id", "no such compound"));
        }
        Ok(ops::create_steward(s, b.compound_id, &name)?)
    })
    .await?;
    Ok(Json(steward))
}

#[utoipa::path(
    get, path = "/v1/users", tag = "admin",
    summary = "Every account (admin)",
    responses(
        (status = 200, description = "The accounts, by username.", body = Vec<openapi::UserDoc>),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, response = openapi::AdminOnly),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn users(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Json<Vec<User>>> {
    admin(&state, &headers).await?;
    Ok(Json(blocking(&state, |s| Ok(s.storage().users()?)).await?))
}

/// `POST /v1/users`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct UserBody {
    /// 3 to 64 characters: letters, digits, `.`, `_`, `-`.
    username: String,
    /// 10 to 200 characters.
    password: String,
    /// `admin`, `supervisor` or `property`.
    role: String,
    /// The place the account is responsible for; required except for admins. A property company's is a
    /// compound.
    #[serde(default)]
    place_id: Option<Uuid>,
}

#[utoipa::path(
    post, path = "/v1/users", tag = "admin",
    summary = "Create an account (admin)",
    request_body(content = UserBody, example = json!({"username": "yiyuan-office", "password": "a long passphrase", "role": "supervisor", "place_id": "6f1c0a52-2b7e-4c1e-9d55-0b8f1c2a3d4e"})),
    responses(
        (status = 200, description = "The new account.", body = openapi::UserDoc),
        (status = 400, description = "`invalid_field`: `username`, `password`, `role` or `place_id` is wrong (`field` \
names it).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, response = openapi::AdminOnly),
        (status = 409, description = "`conflict`: the username is taken.", body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn create_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<User>> {
    admin(&state, &headers).await?;
    let b: UserBody =
        read_json(&state, &headers, body, SMALL_BODY_BYTES, "{username, password, role, place_id}").await?;
    let username = b.username.trim().to_string();
    if !(3..=64).contains(&username.chars().count())
        || !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(ApiError::field("username", "username must be 3 to 64 letters, digits, '.', '_' or '-'"));
    }
    if !(10..=200).contains(&b.password.chars().count()) {
        return Err(ApiError::field("password", "password must be 10 to 200 characters"));
    }
    let role = Role::from_code(b.role.trim())
        .ok_or_else(|| ApiError::field("role", "role must be admin, supervisor or property"))?;
    let created = hashing(&state, move |s| {
        match (role, b.place_id) {
            (Role::Admin, Some(_)) => return Err(ApiError::field("place_id", "an admin has no place")),
            (Role::Admin, None) => {}
            (_, None) => {
                return Err(ApiError::field("place_id", format!("a {} account needs a place", role.as_code())))
            }
            (_, Some(p)) => {
                let place = s.storage().place(p)?.ok_or_else(|| ApiError::field("place_id", "no such place"))?;
                if role == Role::Property && place.kind != PlaceKind::Compound {
                    return Err(ApiError::field("place_id", "a property company's place is a compound"));
                }
            }
        }
        if s.storage().user_by_name(&username)?.is_some() {
            return Err(ApiError::new(StatusCode::CONFLICT, "conflict", "that username is taken"));
        }
        Ok(ops::create_user(s, &username, &b.password, role, b.place_id)?)
    })
    .await?;
    Ok(Json(created))
}

/// Answer of an import.
#[derive(Serialize, ToSchema)]
pub(super) struct ImportAnswer {
    /// How many households were created.
    imported: usize,
}

/// The largest import file (20,000 rows of CSV, or their XLSX).
pub const IMPORT_BODY_BYTES: usize = 8 * 1024 * 1024;

#[utoipa::path(
    post, path = "/v1/compounds/{id}/households/import", tag = "admin",
    summary = "Import a compound's households from CSV or XLSX (admin)",
    description = "The body is the file itself: `text/csv` (UTF-8) or the XLSX media type. Its first row is a header; \
the columns are, in order: building, unit, room, head_name, member_count, phone, party_member (是/否), key_service \
(reasons separated by | or 、, 无 for none), notes, steward (a steward's name or id in this compound). Every row is \
checked first: if any is wrong, nothing is imported and the answer names every wrong row and column; otherwise \
all are written in one commit.",
    params(("id" = Uuid, Path, description = "The compound.")),
    request_body(description = "The file.", content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 200, description = "Every row imported.", body = ImportAnswer),
        (status = 400, description = "`bad_request`: the id, the media type, or a file that cannot be read at all.",
            body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, response = openapi::AdminOnly),
        (status = 404, description = "`not_found`: no such compound.", body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`bad_rows`: nothing imported; `rows` lists every wrong row (`row`, `field`, `message`).",
            body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn import_households(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<ImportAnswer>> {
    admin(&state, &headers).await?;
    let compound = path_id("compound", &id)?;
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    let format = match mime.as_str() {
        "text/csv" | "application/csv" => ImportFormat::Csv,
        super::exports::XLSX => ImportFormat::Xlsx,
        _ => return Err(ApiError::bad_request(format!("send the file as text/csv or {}", super::exports::XLSX))),
    };
    let bytes = read_body(&state, &headers, body, IMPORT_BODY_BYTES).await?;
    let imported = blocking(&state, move |s| match ops::import_file(s, compound, &bytes, format) {
        Ok(ids) => Ok(ids.len()),
        Err(ImportError::Rows(rows)) => Err(ApiError {
            rows,
            ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_rows", "nothing was imported: fix the rows listed")
        }),
        Err(ImportError::File(m)) => Err(ApiError::bad_request(m)),
        Err(ImportError::Service(e)) => Err(e.into()),
    })
    .await?;
    tracing::info!(compound = %compound, imported, "households imported");
    Ok(Json(ImportAnswer { imported }))
}
