//! Two-way feedback (双向沟通), the property company's direction: a resident's matter outside its
//! duty (schooling, medical care, work, hardship) passed on to a steward and the compound's
//! branch. It becomes an issue of the steward's, routed to the community's coordination, with
//! the same timeline and statuses; the company comments on it, the community moves it, the
//! steward verifies it with the resident.

use super::*;
use steward_core::doc::NewReferral;
use steward_core::model::IssueCategory;

const NO_STEWARD: &str = "no such steward in your place";

/// The body of `POST /v1/issues`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ReferralBody {
    /// The steward it goes to (a steward of one of the company's compounds, `GET /v1/stewards`).
    steward_id: Uuid,
    /// `schooling`, `medical_care`, `employment`, `living_hardship` or `other`.
    #[schema(value_type = String)]
    category: IssueCategory,
    /// Where or whom it concerns, e.g. `3栋2单元`; at most 100 characters.
    place: String,
    /// What the resident needs; at most 2,000 characters.
    description: String,
}

/// The answer of `POST /v1/issues`.
#[derive(Serialize, ToSchema)]
pub(super) struct ReferralAnswer {
    id: Uuid,
}

#[utoipa::path(
    post, path = "/v1/issues", tag = "edits",
    summary = "Pass a resident's matter on to a steward and the branch (物业反馈)",
    description = "By a property company, for a matter outside its duty: it becomes an issue of the steward's, \
routed to the community's coordination (`route` = `community_coordination`, `origin` = `property_company`), which \
reaches the steward's phone by sync and the branch's and community's consoles at once. The company then reads it and \
comments on it; the community moves it; the steward verifies it.",
    request_body(content = ReferralBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "Passed on: the new issue's id.", body = ReferralAnswer),
        (status = 400, description = "`bad_request` or `invalid_field`: the body is not `{\"steward_id\", \"category\", \"place\", \"description\"}`, or the category is one of a compound scan's (`field` names it).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or an account that is not a property company's.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such steward in your place.", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: an empty place or description, or a text over its limit.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn pass_on(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<ReferralAnswer>> {
    let u = user(&state, &headers).await?;
    if u.role != Role::Property {
        return Err(ApiError::forbidden(
            "only a property company passes a resident's matter on; a steward reports on the phone",
        ));
    }
    let body: ReferralBody = read_json(
        &state,
        &headers,
        body,
        JSON_BODY_BYTES,
        r#"{"steward_id": "...", "category": "schooling", "place": "...", "description": "..."}"#,
    )
    .await?;
    if body.category.is_compound_scan() && body.category != IssueCategory::Other {
        return Err(ApiError::field(
            "category",
            "a matter passed on is a resident's: schooling, medical_care, employment, living_hardship or other",
        ));
    }
    let id = blocking(&state, move |s| {
        let steward = s.storage().steward(body.steward_id)?.ok_or_else(|| ServiceError::NotFound(NO_STEWARD.into()))?;
        if !s.reaches(&u, steward.compound_id)? {
            return Err(ServiceError::NotFound(NO_STEWARD.into()).into());
        }
        let r = NewReferral {
            id: Uuid::new_v4(),
            compound_id: steward.compound_id,
            steward_id: steward.id,
            raised_by: u.id,
            raised_at: now_millis(),
            category: body.category,
            place: body.place,
            description: body.description,
        };
        let d = doc::create_referral(s.actor().clone(), &r)
            .map_err(|e| ServiceError::Unprocessable { message: e.to_string(), docs: vec![] })?;
        s.create_doc(&d)?;
        Ok(r.id)
    })
    .await?;
    Ok(Json(ReferralAnswer { id }))
}
