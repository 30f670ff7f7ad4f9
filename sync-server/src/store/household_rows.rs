//! A commit's households in the read model (migrations 0005, 0006, 0010, 0011): each one's
//! summary row and its record rows (visits, must-visits, timely responses, pairing cases,
//! opinions), gathered over the commit and written at its end — the old record rows of every
//! household in it deleted, then each table's new rows — so that on PostgreSQL, whose cost is
//! per statement, each table's rows of a commit go in one statement.

use crate::args;
use crate::sql::{upsert_tail, Conn, Insert, Ty, Value};
use crate::storage::Result;

/// One table of the batch.
struct Table {
    name: &'static str,
    cols: &'static [(&'static str, Ty)],
    /// The column naming the household.
    household: usize,
    /// Whether a household's rows are all replaced (deleted first); else upserted by the key.
    replaced: bool,
    /// `ON CONFLICT …` and the key it is judged on (positions).
    tail: String,
    key: &'static [usize],
    rows: Vec<Vec<Value>>,
}

/// The tables, in the order [`HouseholdRows::add`] takes their rows.
pub(super) const SUMMARY: usize = 0;
pub(super) const VISITS: usize = 1;
pub(super) const MUST_VISITS: usize = 2;
pub(super) const TIMELY: usize = 3;
pub(super) const PAIRING: usize = 4;
pub(super) const OPINIONS: usize = 5;
const TABLES: usize = 6;

const SUMMARY_COLUMNS: &[(&str, Ty)] = &[
    ("doc_id", Ty::Text),
    ("compound_id", Ty::Text),
    ("steward_id", Ty::Text),
    ("head_name", Ty::Text),
    ("address", Ty::Text),
    ("address_key", Ty::Text),
    ("party_member", Ty::Int),
    ("key_service", Ty::Text),
    ("open_must_visits", Ty::Int),
    ("visits", Ty::Int),
    ("last_visit_at", Ty::Int),
    ("profile_complete", Ty::Int),
];
const VISIT_COLUMNS: &[(&str, Ty)] = &[
    ("visit_id", Ty::Text),
    ("household_id", Ty::Text),
    ("compound_id", Ty::Text),
    ("by_steward", Ty::Text),
    ("at", Ty::Int),
    ("recorded_at", Ty::Int),
    ("method", Ty::Text),
    ("summary", Ty::Text),
    ("opinions", Ty::Text),
    ("hardships", Ty::Text),
    ("follow_up", Ty::Int),
];
const MUST_VISIT_COLUMNS: &[(&str, Ty)] = &[
    ("id", Ty::Text),
    ("household_id", Ty::Text),
    ("compound_id", Ty::Text),
    ("trigger", Ty::Text),
    ("date", Ty::Int),
    ("answered", Ty::Int),
    ("answered_at", Ty::Int),
];
const TIMELY_COLUMNS: &[(&str, Ty)] = &[
    ("id", Ty::Text),
    ("household_id", Ty::Text),
    ("compound_id", Ty::Text),
    ("kind", Ty::Text),
    ("raised_at", Ty::Int),
    ("resolved_at", Ty::Int),
];
const PAIRING_COLUMNS: &[(&str, Ty)] = &[
    ("household_id", Ty::Text),
    ("id", Ty::Text),
    ("compound_id", Ty::Text),
    ("helper", Ty::Text),
    ("need", Ty::Text),
    ("description", Ty::Text),
    ("opened_at", Ty::Int),
    ("closed_at", Ty::Int),
    ("outcome", Ty::Text),
    ("amount_yuan", Ty::Int),
    ("actions", Ty::Int),
    ("last_action_at", Ty::Int),
];
const OPINION_COLUMNS: &[(&str, Ty)] = &[
    ("visit_id", Ty::Text),
    ("n", Ty::Int),
    ("household_id", Ty::Text),
    ("compound_id", Ty::Text),
    ("at", Ty::Int),
    ("category", Ty::Text),
];

/// Upserted by the first column (the household's or the record's id): a record's row already
/// there under another household is taken over.
fn by_first(name: &'static str, cols: &'static [(&'static str, Ty)], household: usize, replaced: bool) -> Table {
    let names: Vec<&str> = cols.iter().map(|(n, _)| *n).collect();
    Table { name, cols, household, replaced, tail: upsert_tail(&names, &names[..1]), key: &[0], rows: Vec::new() }
}

fn plain(name: &'static str, cols: &'static [(&'static str, Ty)], household: usize, tail: &str) -> Table {
    Table { name, cols, household, replaced: true, tail: tail.to_owned(), key: &[], rows: Vec::new() }
}

/// The rows of a commit's households, written by [`HouseholdRows::write`].
pub(super) struct HouseholdRows {
    households: Vec<String>,
    tables: [Table; TABLES],
}

impl HouseholdRows {
    pub(super) fn new() -> HouseholdRows {
        HouseholdRows {
            households: Vec::new(),
            tables: [
                by_first("household_index", SUMMARY_COLUMNS, 0, false),
                by_first("visit_index", VISIT_COLUMNS, 1, true),
                by_first("must_visit_index", MUST_VISIT_COLUMNS, 1, true),
                by_first("timely_index", TIMELY_COLUMNS, 1, true),
                plain("pairing_index", PAIRING_COLUMNS, 0, ""),
                plain("opinion_index", OPINION_COLUMNS, 2, "ON CONFLICT DO NOTHING"),
            ],
        }
    }

    /// How many households are waiting to be written.
    pub(super) fn len(&self) -> usize {
        self.households.len()
    }

    /// A household's rows, one list per table ([`SUMMARY`] …), replacing what it had (and
    /// what an earlier call in this batch gave it).
    pub(super) fn add(&mut self, household: &str, rows: [Vec<Vec<Value>>; TABLES]) {
        if self.households.iter().any(|h| h == household) {
            for t in &mut self.tables {
                let col = t.household;
                t.rows.retain(|r| !matches!(&r[col], Value::Text(h) if h == household));
            }
        } else {
            self.households.push(household.to_owned());
        }
        for (t, rows) in self.tables.iter_mut().zip(rows) {
            t.rows.extend(rows);
        }
    }

    /// Deletes the households' old record rows and writes the new ones, deferred; the batch is
    /// empty afterwards.
    pub(super) fn write(&mut self, tx: &mut dyn Conn) -> Result<()> {
        if self.households.is_empty() {
            return Ok(());
        }
        let households = std::mem::take(&mut self.households);
        // A delete a household and table, by the indexed household column: one statement
        // over the list (`= ANY`) cost PostgreSQL more than these, each planned once.
        for t in self.tables.iter().filter(|t| t.replaced) {
            let sql = format!("DELETE FROM {} WHERE household_id = ?1", t.name);
            for h in &households {
                tx.defer(&sql, args![h])?;
            }
        }
        for t in &mut self.tables {
            let rows = std::mem::take(&mut t.rows);
            tx.defer_rows(&Insert { table: t.name, cols: t.cols, tail: &t.tail, key: t.key }, rows)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{Dialect, Row};

    /// A connection that notes what is deferred.
    struct Recorder {
        dialect: Dialect,
        sent: Vec<(String, Vec<Value>)>,
    }

    impl Conn for Recorder {
        fn dialect(&self) -> Dialect {
            self.dialect
        }
        fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64> {
            self.sent.push((sql.to_owned(), args.to_vec()));
            Ok(0)
        }
        /// As the engines send them: one statement a table on PostgreSQL, a row at a time on
        /// SQLite.
        fn defer_rows(&mut self, insert: &Insert<'_>, rows: Vec<Vec<Value>>) -> Result<()> {
            match self.dialect {
                Dialect::Postgres if rows.is_empty() => Ok(()),
                Dialect::Postgres => {
                    let columns = insert.columns(rows)?;
                    self.defer(&insert.unnest(), &columns)
                }
                Dialect::Sqlite => rows.iter().try_for_each(|r| self.defer(&insert.one_row(), r)),
            }
        }
        fn query(&mut self, _: &str, _: &[Value]) -> Result<Vec<Row>> {
            Ok(Vec::new())
        }
        fn batch(&mut self, _: &str) -> Result<()> {
            Ok(())
        }
    }

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn visit(id: &str, household: &str) -> Vec<Value> {
        let mut row = vec![text(id), text(household), text("c")];
        row.extend((3..VISIT_COLUMNS.len()).map(|_| Value::Null));
        row
    }

    fn household(visits: Vec<Vec<Value>>) -> [Vec<Vec<Value>>; TABLES] {
        let mut rows: [Vec<Vec<Value>>; TABLES] = Default::default();
        rows[VISITS] = visits;
        rows
    }

    #[test]
    fn every_household_is_cleared_once_before_the_rows_and_a_household_given_twice_keeps_its_last_rows() {
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            let mut batch = HouseholdRows::new();
            batch.add("h1", household(vec![visit("v1", "h1"), visit("v2", "h1")]));
            batch.add("h2", household(vec![visit("v3", "h2")]));
            batch.add("h1", household(vec![visit("v4", "h1")]));
            assert_eq!(batch.len(), 2);
            let mut c = Recorder { dialect, sent: Vec::new() };
            batch.write(&mut c).unwrap();
            let deletes: Vec<&(String, Vec<Value>)> =
                c.sent.iter().filter(|(sql, _)| sql.starts_with("DELETE")).collect();
            let inserts: Vec<&(String, Vec<Value>)> =
                c.sent.iter().filter(|(sql, _)| sql.starts_with("INSERT")).collect();
            let last_delete = c.sent.iter().rposition(|(sql, _)| sql.starts_with("DELETE")).unwrap();
            let first_insert = c.sent.iter().position(|(sql, _)| sql.starts_with("INSERT")).unwrap();
            assert!(last_delete < first_insert, "{dialect:?}: cleared before any row is written");
            // Five record tables are replaced (the summary is upserted): one delete a household
            // and table.
            assert_eq!(deletes.len(), 5 * 2, "{dialect:?}");
            assert!(deletes.iter().all(|(_, a)| a == &vec![text("h1")] || a == &vec![text("h2")]));
            let visit_rows: Vec<Value> = match dialect {
                Dialect::Sqlite => inserts
                    .iter()
                    .filter(|(sql, _)| sql.contains("visit_index (visit_id"))
                    .map(|(_, a)| a[0].clone())
                    .collect(),
                Dialect::Postgres => {
                    assert_eq!(inserts.len(), 1, "only the visits have rows");
                    match &inserts[0].1[0] {
                        Value::List(_, ids) => ids.clone(),
                        other => panic!("{other:?}"),
                    }
                }
            };
            assert_eq!(visit_rows, vec![text("v3"), text("v4")], "{dialect:?}: h1's first rows are gone");
            assert_eq!(batch.len(), 0);
            let mut again = Recorder { dialect, sent: Vec::new() };
            batch.write(&mut again).unwrap();
            assert!(again.sent.is_empty(), "{dialect:?}: an empty batch sends nothing");
        }
    }
}
