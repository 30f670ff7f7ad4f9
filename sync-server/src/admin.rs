//! Administration: places, accounts, households, CSV import and enrolment codes. Used by the
//! `admin` command, the demo and tests.

use std::io::Read;

use steward_core::doc::{self, NewHousehold};
use steward_core::model::{Address, HouseholdProfile, KeyServiceReason};
use steward_core::time::now_millis;
use uuid::Uuid;

use crate::auth;
use crate::service::{Service, ServiceError};
use crate::storage::{Place, PlaceKind, Role, Steward, User};

/// Creates a place; a compound also gets its settings document (deadlines), which reaches the
/// compound's stewards by sync.
pub fn create_place(s: &Service, kind: PlaceKind, name: &str, parent: Option<Uuid>) -> Result<Place, ServiceError> {
    let place = s.storage().create_place(kind, name, parent)?;
    if kind == PlaceKind::Compound {
        let d = doc::create_compound(s.actor().clone(), place.id, name, now_millis())
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        s.create_doc(&d)?;
    }
    Ok(place)
}

/// Creates a steward account in a compound.
pub fn create_steward(s: &Service, compound: Uuid, name: &str) -> Result<Steward, ServiceError> {
    Ok(s.storage().create_steward(compound, name)?)
}

/// Creates a user account with a hashed password.
pub fn create_user(
    s: &Service,
    username: &str,
    password: &str,
    role: Role,
    place: Option<Uuid>,
) -> Result<User, ServiceError> {
    let hash = auth::hash_password(password).map_err(ServiceError::BadRequest)?;
    Ok(s.storage().create_user(username, &hash, role, place)?)
}

/// Creates a household document.
pub fn create_household(
    s: &Service,
    compound: Uuid,
    steward: Option<Uuid>,
    profile: HouseholdProfile,
) -> Result<Uuid, ServiceError> {
    let place = s.storage().place(compound)?.ok_or_else(|| ServiceError::NotFound(format!("compound {compound}")))?;
    if place.kind != PlaceKind::Compound {
        return Err(ServiceError::BadRequest("households belong to a compound (小区)".into()));
    }
    if let Some(st) = steward {
        let st = s.storage().steward(st)?.ok_or_else(|| ServiceError::NotFound(format!("steward {st}")))?;
        if st.compound_id != compound {
            return Err(ServiceError::BadRequest("the steward belongs to another compound".into()));
        }
    }
    let h = NewHousehold { id: Uuid::new_v4(), compound_id: compound, steward_id: steward, profile };
    let d = doc::create_household(s.actor().clone(), &h, now_millis())
        .map_err(|e| ServiceError::BadRequest(e.to_string()))?;
    s.create_doc(&d)?;
    Ok(h.id)
}

/// Issues a one-time enrolment code for a steward's device, valid for `days`.
pub fn issue_enrolment_code(s: &Service, steward: Uuid, days: u32) -> Result<String, ServiceError> {
    let code = auth::new_enrolment_code();
    let expires = now_millis() + i64::from(days.clamp(1, 90)) * 86_400_000;
    s.storage().create_enrolment(steward, &auth::secret_hash(&code), expires)?;
    Ok(code)
}

/// The columns of a household import file, in order. The first row is a header and is skipped.
pub const IMPORT_COLUMNS: &[&str] = &[
    "building",
    "unit",
    "room",
    "head_name",
    "member_count",
    "phone",
    "party_member",
    "key_service",
    "notes",
    "steward",
];

fn parse_bool(s: &str) -> Result<Option<bool>, String> {
    Ok(match s.trim() {
        "" => None,
        "是" | "yes" | "y" | "true" | "1" => Some(true),
        "否" | "no" | "n" | "false" | "0" => Some(false),
        other => return Err(format!("{other:?} is not yes/no (是/否)")),
    })
}

fn parse_reasons(s: &str) -> Result<Option<Vec<KeyServiceReason>>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if matches!(s, "无" | "none") {
        return Ok(Some(Vec::new()));
    }
    s.split(['|', '；', ';', '、'])
        .map(|r| {
            let r = r.trim();
            KeyServiceReason::ALL.iter().find(|k| k.as_code() == r || k.label_zh() == r).copied().ok_or_else(|| {
                format!("{r:?} is not a key-service reason (elderly_alone, illness, disability, hardship, other)")
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Refuses a file with a quoted field that never closes. The CSV reader would take everything
/// after the stray quote, line breaks and all, as one field and import one row where the file
/// had many; a field may span lines only when its closing quote comes. Quotes are read as the
/// reader reads them: a quote opens a field only at its start, and `""` inside is one quote.
fn check_quotes(text: &str) -> Result<(), String> {
    let mut line = 1;
    let mut opened_at = 0;
    let mut quoted = false;
    let mut field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        match c {
            '"' if field_start => {
                quoted = true;
                opened_at = line;
                field_start = false;
            }
            ',' | '\n' => field_start = true,
            '\r' => {}
            _ => field_start = false,
        }
    }
    if quoted {
        return Err(format!(
            "nothing was imported: the quote that opens a field on line {opened_at} never closes; \
             close it (a quote inside a field is written twice, \"\")"
        ));
    }
    Ok(())
}

/// A row of an uploaded file that cannot be taken, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct BadRow {
    /// The row's number in the file, counting the header as row 1 (as a spreadsheet shows it).
    pub row: usize,
    /// The column at fault (one of [`IMPORT_COLUMNS`]), or `""` for the row as a whole.
    pub field: String,
    pub message: String,
}

/// Why an import took nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file as a whole cannot be read.
    #[error("nothing was imported: {0}")]
    File(String),
    /// Some rows are wrong; every one is named.
    #[error("nothing was imported; fix these rows: {}", .0.iter().map(|r| format!("row {}: {}", r.row, r.message)).collect::<Vec<_>>().join("; "))]
    Rows(Vec<BadRow>),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<crate::storage::StorageError> for ImportError {
    fn from(e: crate::storage::StorageError) -> Self {
        ImportError::Service(e.into())
    }
}

/// What an import file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// UTF-8 text (a byte-order mark is allowed), comma-separated.
    Csv,
    /// An Excel workbook: its first sheet.
    Xlsx,
}

/// The most rows an import takes (a district's households fit).
pub const MAX_IMPORT_ROWS: usize = 20_000;
/// The most an uploaded workbook may inflate to (all its parts together), and the most parts it
/// may have: checked before the workbook is parsed, so a small file that unpacks to gigabytes is
/// refused at the cost of reading it once.
pub const MAX_XLSX_INFLATED: u64 = 64 * 1024 * 1024;
pub const MAX_XLSX_PARTS: usize = 200;

/// Refuses a workbook that unpacks to more than [`MAX_XLSX_INFLATED`] or has more than
/// [`MAX_XLSX_PARTS`] parts, measuring what each part really inflates to (not what it says).
fn check_inflation(bytes: &[u8]) -> Result<(), ImportError> {
    use std::io::Read as _;
    let not_xlsx = |e: zip::result::ZipError| ImportError::File(format!("the file is not an XLSX workbook: {e}"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(not_xlsx)?;
    if archive.len() > MAX_XLSX_PARTS {
        return Err(ImportError::File(format!("the workbook has more than {MAX_XLSX_PARTS} parts")));
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(not_xlsx)?;
        let room = MAX_XLSX_INFLATED - total;
        let n = std::io::copy(&mut part.take(room + 1), &mut std::io::sink())
            .map_err(|e| ImportError::File(format!("the workbook cannot be unpacked: {e}")))?;
        total += n;
        if total > MAX_XLSX_INFLATED {
            return Err(ImportError::File(format!(
                "the workbook unpacks to more than {} MiB; import at most {MAX_IMPORT_ROWS} rows at once",
                MAX_XLSX_INFLATED >> 20
            )));
        }
    }
    Ok(())
}

/// Imports households from CSV (UTF-8, header row, columns [`IMPORT_COLUMNS`]). Every row is
/// checked first; if any is wrong nothing is imported and the errors name the rows. A file
/// with an unclosed quote is refused whole, naming the line.
pub fn import_households(s: &Service, compound: Uuid, mut input: impl Read) -> Result<Vec<Uuid>, ServiceError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|e| ServiceError::BadRequest(format!("the file could not be read: {e}")))?;
    import_file(s, compound, &bytes, ImportFormat::Csv).map_err(|e| match e {
        ImportError::Service(e) => e,
        e => ServiceError::BadRequest(e.to_string()),
    })
}

/// Imports households from a CSV or XLSX file whose first row is a header and whose columns
/// are [`IMPORT_COLUMNS`], in that order. Every row is checked first; if any is wrong nothing is
/// imported and every wrong row is named with its column. The households are written in one
/// commit: all of them or none.
pub fn import_file(s: &Service, compound: Uuid, bytes: &[u8], format: ImportFormat) -> Result<Vec<Uuid>, ImportError> {
    let place = s.storage().place(compound)?.ok_or_else(|| ServiceError::NotFound(format!("compound {compound}")))?;
    if place.kind != PlaceKind::Compound {
        return Err(ServiceError::BadRequest("households belong to a compound (小区)".into()).into());
    }
    let records = match format {
        ImportFormat::Csv => csv_records(bytes)?,
        ImportFormat::Xlsx => xlsx_records(bytes)?,
    };
    if records.len() > MAX_IMPORT_ROWS {
        return Err(ImportError::File(format!(
            "the file has {} rows; import at most {MAX_IMPORT_ROWS} at once",
            records.len()
        )));
    }
    let stewards = s.storage().stewards(Some(&[compound]))?;
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (line, rec) in records {
        match check_row(&rec, &stewards) {
            Ok(r) => rows.push(r),
            Err((field, message)) => bad.push(BadRow { row: line, field: field.into(), message }),
        }
    }
    if !bad.is_empty() {
        return Err(ImportError::Rows(bad));
    }
    let now = now_millis();
    let mut ids = Vec::with_capacity(rows.len());
    let mut docs = Vec::with_capacity(rows.len());
    for (profile, steward) in rows {
        let h = NewHousehold { id: Uuid::new_v4(), compound_id: compound, steward_id: steward, profile };
        docs.push(
            doc::create_household(s.actor().clone(), &h, now).map_err(|e| ServiceError::BadRequest(e.to_string()))?,
        );
        ids.push(h.id);
    }
    s.create_docs(&docs)?;
    Ok(ids)
}

/// The rows of a CSV file after its header, each with its line number.
fn csv_records(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ImportError::File(format!("the file is not UTF-8 text (save it as \"CSV UTF-8\"): {e}")))?;
    let text = text.trim_start_matches('\u{feff}');
    check_quotes(text).map_err(|e| ImportError::File(e.trim_start_matches("nothing was imported: ").to_string()))?;
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = rec
            .map_err(|e| ImportError::Rows(vec![BadRow { row: line, field: String::new(), message: e.to_string() }]))?;
        out.push((line, rec.iter().map(|c| c.trim().to_string()).collect()));
    }
    Ok(out)
}

/// The rows of an XLSX file's first sheet after its header, each with its row number; blank
/// rows are skipped.
fn xlsx_records(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    use calamine::{Data, Reader, Xlsx};
    check_inflation(bytes)?;
    let mut book = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| ImportError::File(format!("the file is not an XLSX workbook: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError::File("the workbook has no sheet".into()))?
        .map_err(|e| ImportError::File(format!("the first sheet cannot be read: {e}")))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut out = Vec::new();
    for (i, row) in range.rows().enumerate().skip(1) {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => s.trim().to_string(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Int(n) => n.to_string(),
                Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
                other => other.to_string(),
            })
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        out.push((first_row as usize + i + 1, cells));
    }
    Ok(out)
}

/// Checks one row: the household's profile and steward, or the column at fault and why.
fn check_row(rec: &[String], stewards: &[Steward]) -> Result<(HouseholdProfile, Option<Uuid>), (&'static str, String)> {
    let get = |n: usize| rec.get(n).map(|s| s.trim().to_string()).unwrap_or_default();
    if get(0).is_empty() {
        return Err(("building", "building is empty".into()));
    }
    if get(2).is_empty() {
        return Err(("room", "room is empty".into()));
    }
    if get(3).is_empty() {
        return Err(("head_name", "head_name is empty".into()));
    }
    for (n, name) in IMPORT_COLUMNS.iter().enumerate() {
        if get(n).chars().count() > 500 {
            return Err((name, format!("{name} is longer than 500 characters")));
        }
    }
    let member_count = match get(4).as_str() {
        "" => 0,
        m => m
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= 99)
            .ok_or_else(|| ("member_count", format!("member_count {m:?} is not 0–99")))?,
    };
    let steward = match get(9).as_str() {
        "" => None,
        name => Some(
            stewards
                .iter()
                .find(|st| st.name == name || st.id.to_string() == name)
                .map(|st| st.id)
                .ok_or_else(|| ("steward", format!("no steward {name:?} in this compound")))?,
        ),
    };
    Ok((
        HouseholdProfile {
            address: Address { building: get(0), unit: get(1), room: get(2) },
            head_name: get(3),
            member_count,
            phone: Some(get(5)).filter(|p| !p.is_empty()),
            party_member: parse_bool(&get(6)).map_err(|e| ("party_member", e))?,
            key_service: parse_reasons(&get(7)).map_err(|e| ("key_service", e))?,
            notes: get(8),
        },
        steward,
    ))
}

/// Publishes a period's scoring rules (区住建局考评细则): kept per period, and written into every
/// compound's settings document, which carries them to the compound's phones.
pub fn publish_scoring_rules(s: &Service, rules: &doc::ScoringRules) -> Result<(), ServiceError> {
    rules.check().map_err(|e| ServiceError::Unprocessable { message: e.to_string(), docs: vec![] })?;
    let json = serde_json::to_string(rules).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let now = now_millis();
    s.storage().publish_rules(&rules.period.to_string(), &json, now)?;
    for p in s.storage().places()?.into_iter().filter(|p| p.kind == PlaceKind::Compound) {
        let compound = |m: &crate::storage::DocMeta| match m.kind {
            doc::DocKind::Compound => Ok(()),
            _ => Err(ServiceError::NotFound("no such compound".into())),
        };
        s.edit(p.id, compound, |d| doc::set_scoring_rules(d, rules, now))?;
    }
    Ok(())
}
