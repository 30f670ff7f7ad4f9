//! The OpenAPI document at `GET /v1/openapi.json` is true to the server: it describes exactly the
//! routes the router serves (`steward_sync_server::api::ROUTES`, the one list `app()` is built
//! from), both ways; each route it describes answers on a real server, with a `401` exactly where
//! the document asks for a token; every reference in it resolves; and real answers carry exactly
//! the keys of the schemas given by hand for types without derives (`ErrorBody`, `Enrolment`,
//! `User`, `Steward`, projections).

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};
use steward_core::protocol::CONTENT_TYPE;
use steward_sync_server::admin;
use steward_sync_server::api::ROUTES;
use steward_tests::World;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The document as served, fetched with no token.
async fn document(w: &World) -> Value {
    let r = reqwest::get(format!("{}/v1/openapi.json", w.url)).await.unwrap();
    assert_eq!(r.status(), 200, "the OpenAPI document is served without a token");
    let ct = r.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().to_string();
    assert!(ct.starts_with("application/json"), "served as JSON, not {ct:?}");
    r.json().await.unwrap()
}

/// Every (method, path template) the document describes, with its operation.
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            if METHODS.contains(&method.as_str()) {
                ops.push((method.to_uppercase(), path.clone(), op));
            }
        }
    }
    ops
}

fn routed() -> BTreeSet<(String, String)> {
    ROUTES.iter().map(|(m, p)| (m.as_str().to_string(), p.to_string())).collect()
}

/// A path template with its parameters filled in: ids that exist nowhere, a valid month.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|seg| match seg {
            "{month}" => "2026-11".to_string(),
            s if s.starts_with('{') => "5f0c5a34-6e55-4b0e-9a53-2c2f3bde0c11".to_string(),
            s => s.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_openapi_document_describes_every_route_of_the_router_and_no_other() {
    let w = World::start().await;
    let doc = document(&w).await;
    let version = doc["openapi"].as_str().unwrap_or("");
    assert!(version.starts_with("3.1."), "an OpenAPI 3.1 document, not {version:?}");

    let documented: BTreeSet<(String, String)> = operations(&doc).into_iter().map(|(m, p, _)| (m, p)).collect();
    let routed = routed();
    assert_eq!(routed.len(), ROUTES.len(), "a route is listed twice in ROUTES");
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes the router serves that the OpenAPI document does not describe (put #[utoipa::path] on the \
         handler and list it in ApiDoc's paths, sync-server/src/api/openapi.rs): {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "routes the OpenAPI document describes that the router does not serve (ROUTES in \
         sync-server/src/api.rs): {unrouted:?}"
    );

    // On the real server, with no token: each route is there (axum's own 404 and 405 have no
    // `code`), and asks for a token exactly where the document says so.
    let http = reqwest::Client::new();
    for (method, path, op) in operations(&doc) {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let r = http.request(method.clone(), format!("{}{}", w.url, concrete(&path))).send().await.unwrap();
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        assert!(
            status != 405 && !(status == 404 && body["code"].is_null()),
            "{method} {path} is documented but not served: {status}"
        );
        let needs_token = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
        assert_eq!(
            status == 401 && body["code"] == "unauthorized",
            needs_token,
            "{method} {path}: the document says a token is {}needed, the server answered {status} {body}",
            if needs_token { "" } else { "not " }
        );
    }
}

/// Every `$ref` in `v`.
fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

fn resolve<'a>(doc: &'a Value, r: &str) -> &'a Value {
    let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("{r} is not a local reference"));
    doc.pointer(pointer).unwrap_or_else(|| panic!("{r} does not resolve"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_gives_its_answers_errors_as_error_bodies_and_the_sync_and_csv_media_types() {
    let w = World::start().await;
    let doc = document(&w).await;

    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        resolve(&doc, r);
    }

    let schemes = doc["components"]["securitySchemes"].as_object().expect("security schemes");
    for (name, scheme) in schemes {
        assert_eq!((scheme["type"].as_str(), scheme["scheme"].as_str()), (Some("http"), Some("bearer")), "{name}");
    }

    for (method, path, op) in operations(&doc) {
        let at = format!("{method} {path}");
        let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{at}: no responses"));
        assert!(responses.keys().any(|k| k == "200" || k == "201" || k == "204"), "{at}: no 200, 201 or 204");
        for requirement in op["security"].as_array().into_iter().flatten() {
            for name in requirement.as_object().unwrap().keys() {
                assert!(schemes.contains_key(name), "{at}: unknown security scheme {name}");
            }
            assert!(responses.contains_key("401"), "{at} takes a token but documents no 401");
        }
        for (status, response) in responses {
            let response = match response.get("$ref").and_then(Value::as_str) {
                Some(r) => resolve(&doc, r),
                None => response,
            };
            assert!(response["description"].as_str().is_some_and(|d| !d.is_empty()), "{at} {status}: no description");
            if status.as_str() >= "400" {
                let schema = &response["content"]["application/json"]["schema"];
                assert_eq!(schema["$ref"], "#/components/schemas/ErrorBody", "{at} {status}: not an ErrorBody");
            }
        }
        if path.starts_with("/v1/reports/") {
            let ok = &responses["200"]["content"];
            let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            assert!(
                ok.get("application/json").is_some() && ok.get("text/csv").is_some() && ok.get(xlsx).is_some(),
                "{at}: JSON, CSV and XLSX"
            );
            let format = op["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "format");
            let format = format.unwrap_or_else(|| panic!("{at}: no format parameter"));
            assert_eq!(
                resolve(&doc, format["schema"]["$ref"].as_str().unwrap())["enum"],
                json!(["json", "csv", "xlsx"])
            );
        }
    }

    let sync = &doc["paths"]["/v1/sync"]["post"];
    for content in [&sync["requestBody"]["content"], &sync["responses"]["200"]["content"]] {
        let types: Vec<&String> = content.as_object().unwrap().keys().collect();
        assert_eq!(types, [CONTENT_TYPE], "/v1/sync speaks CBOR only");
    }
}

/// Whether `v` is what `schema` describes, reading an object schema as closed (every key the
/// answer carries is documented) unless it says `additionalProperties: true`.
fn conforms(doc: &Value, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return conforms(doc, resolve(doc, r), v, at);
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        // The parts of an allOf together name the keys: check each part's types, then the keys.
        let mut keys = BTreeSet::new();
        let mut open = false;
        for part in all {
            let part = match part.get("$ref").and_then(Value::as_str) {
                Some(r) => resolve(doc, r),
                None => part,
            };
            open |= part.get("additionalProperties") == Some(&Value::Bool(true));
            keys.extend(part["properties"].as_object().into_iter().flat_map(|p| p.keys().cloned()));
            let mut part = part.clone();
            part["additionalProperties"] = Value::Bool(true);
            conforms(doc, &part, v, at)?;
        }
        let extra: Vec<_> = v.as_object().into_iter().flat_map(|o| o.keys()).filter(|k| !keys.contains(*k)).collect();
        return match open || extra.is_empty() {
            true => Ok(()),
            false => Err(format!("{at}: undocumented keys {extra:?}")),
        };
    }
    if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
        return match one.iter().any(|s| conforms(doc, s, v, at).is_ok()) {
            true => Ok(()),
            false => Err(format!("{at}: {v} matches none of {}", Value::Array(one.clone()))),
        };
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let is = |t: &str| match t {
            "null" => v.is_null(),
            "boolean" => v.is_boolean(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "string" => v.is_string(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => false,
        };
        if !types.iter().any(|t| is(t)) {
            return Err(format!("{at}: {v} is not {t}"));
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if !values.contains(v) {
            return Err(format!("{at}: {v} is not one of {}", Value::Array(values.clone())));
        }
    }
    if let (Some(items), Some(a)) = (schema.get("items"), v.as_array()) {
        for (i, x) in a.iter().enumerate() {
            conforms(doc, items, x, &format!("{at}[{i}]"))?;
        }
    }
    if let Some(o) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for key in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !o.contains_key(key.as_str().unwrap()) {
                return Err(format!("{at}: required key {key} is missing"));
            }
        }
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(s) => conforms(doc, s, x, &format!("{at}.{k}"))?,
                None if schema.get("additionalProperties") == Some(&Value::Bool(true)) => {}
                None if props.is_some() || schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    return Err(format!("{at}: undocumented key {k:?}"))
                }
                None => {}
            }
        }
    }
    Ok(())
}

/// The schema of the 200 answer of an operation, as JSON.
fn answer_schema<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    &doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
}

fn check(doc: &Value, method: &str, path: &str, v: &Value) {
    let schema = answer_schema(doc, method, path);
    assert!(!schema.is_null(), "{method} {path}: no JSON answer documented");
    if let Err(e) = conforms(doc, schema, v, &format!("{method} {path}")) {
        panic!("the real answer is not what the document says: {e}\nanswer: {v:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_answers_carry_exactly_the_keys_the_document_gives_them() {
    let w = World::start().await;
    let doc = document(&w).await;
    let http = reqwest::Client::new();

    // An error body, from a request with no token.
    let r = http.get(format!("{}/v1/me", w.url)).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let error: Value = r.json().await.unwrap();
    conforms(&doc, &json!({"$ref": "#/components/schemas/ErrorBody"}), &error, "401").unwrap();

    let compound = w.compound("蜀汉美郡");
    let steward = w.steward(compound, "王芳");
    let household = w.household(compound, Some(steward.id), 1);
    let supervisor = w.supervisor(compound, "openapi-supervisor").await;

    let login: Value = http
        .post(format!("{}/v1/login", w.url))
        .json(&json!({"username": "openapi-supervisor", "password": "password-123"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check(&doc, "post", "/v1/login", &login);

    let code = admin::issue_enrolment_code(&w.admin, steward.id, 1).unwrap();
    let enrolment: Value = http
        .post(format!("{}/v1/enrol", w.url))
        .json(&json!({"code": code, "device_name": "openapi test"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check(&doc, "post", "/v1/enrol", &enrolment);
    let device_token = enrolment["device_token"].as_str().unwrap();
    let me: Value =
        http.get(format!("{}/v1/me", w.url)).bearer_auth(device_token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["principal"], "device");
    check(&doc, "get", "/v1/me", &me);

    for path in ["/v1/me", "/v1/stewards", "/v1/pull"] {
        let (status, v) = supervisor.get(path).await;
        assert_eq!(status, 200, "{path}: {v}");
        check(&doc, "get", path, &v);
    }
    let (_, pulled) = supervisor.get("/v1/pull").await;
    assert!(!pulled["docs"].as_array().unwrap().is_empty(), "the pull carries the household");

    let (status, v) = supervisor.post(&format!("/v1/households/{household}/assign"), json!({"steward_id": null})).await;
    assert_eq!(status, 200, "{v}");
    check(&doc, "post", "/v1/households/{id}/assign", &v);
    let (status, v) =
        supervisor.post(&format!("/v1/compounds/{compound}/holiday-must-visits"), json!({"note": "春节"})).await;
    assert_eq!(status, 200, "{v}");
    check(&doc, "post", "/v1/compounds/{id}/holiday-must-visits", &v);
    let (status, v) =
        supervisor.send(Method::PUT, &format!("/v1/compounds/{compound}/deadlines"), json!({"urgent_help": 720})).await;
    assert_eq!(status, 200, "{v}");
    check(&doc, "put", "/v1/compounds/{id}/deadlines", &v);
}

/// The console's typed client is generated from `dashboard/openapi.json`: it must be the document
/// this server serves, or the console would be type-checked against an API that is not there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consoles_copy_of_the_document_is_the_served_one() {
    let w = World::start().await;
    let served = document(&w).await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dashboard/openapi.json");
    let copy: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("dashboard/openapi.json")).unwrap();
    assert!(
        copy == served,
        "dashboard/openapi.json is not the served document: run \
         `cargo run -p steward-sync-server -- openapi > dashboard/openapi.json`, then `npm --prefix dashboard run build`"
    );
}
