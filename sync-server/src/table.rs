//! A report or list as a table of typed cells, written as CSV (UTF-8 with BOM, for Excel) or as
//! XLSX (`rust_xlsxwriter`): numbers as numbers, times as dates in the program's zone, a frozen
//! header, widths that fit, Chinese headers. Texts typed by stewards or imported reach these
//! files, so a cell that a spreadsheet would take for a formula (`= + - @`) is made inert in both.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use steward_core::time::{Millis, ProgramZone};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A number as typed (a campaign's number field).
    Number(f64),
    /// 是 / 否.
    YesNo(bool),
    /// A local date and time; empty when `None`.
    Time(Option<Millis>),
    /// A local date.
    Date(Millis),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The cell as CSV shows it.
    fn csv(&self, zone: ProgramZone) -> String {
        match self {
            Cell::Text(s) => inert(s).into_owned(),
            Cell::Int(n) => n.to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::YesNo(b) => yes_no(*b).into(),
            Cell::Time(t) => t.map(|t| zone.format(t)).unwrap_or_default(),
            Cell::Date(t) => zone.local(*t).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        }
    }

    /// About how many character widths the cell takes (a CJK character counts two).
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) => s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum(),
            Cell::Int(n) => n.to_string().len(),
            Cell::Number(n) => n.to_string().len(),
            Cell::YesNo(_) => 2,
            Cell::Time(_) => 16,
            Cell::Date(_) => 10,
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

/// A cell that Excel and WPS would run as a formula: beginning with `=`, `+`, `-`, `@` (or a tab
/// or carriage return, which some spreadsheets skip before those).
pub fn looks_like_formula(cell: &str) -> bool {
    matches!(cell.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

/// A CSV cell shown as text, never run: such a cell gets a leading apostrophe, as OWASP's advice
/// on CSV injection has it.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_formula(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A titled table.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file's name, without extension.
    pub name: String,
    /// The sheet's name (at most 31 characters).
    pub sheet: String,
    /// Fixed texts, or labels a supervisor typed (a campaign's fields): made inert like cells.
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(name: impl Into<String>, sheet: impl Into<String>, headers: &[&str]) -> Table {
        Table {
            name: name.into(),
            sheet: sheet.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn csv(&self, zone: ProgramZone) -> Vec<u8> {
        let mut out = vec![0xEF, 0xBB, 0xBF];
        let mut w = csv::Writer::from_writer(&mut out);
        // Writing to memory cannot fail.
        let _ = w.write_record(self.headers.iter().map(|h| inert(h).into_owned()));
        for r in &self.rows {
            let _ = w.write_record(r.iter().map(|c| c.csv(zone)));
        }
        drop(w);
        out
    }

    pub fn xlsx(&self, zone: ProgramZone) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        // Rows go to a temporary file as they are written, not into memory: a district's ledger
        // is tens of thousands of rows.
        let sheet = book.add_worksheet_with_constant_memory()?;
        sheet.set_name(sheet_name(&self.sheet))?;
        fit_columns(sheet, &self.headers, &self.rows)?;
        let styles = Styles::new();
        for (c, h) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h.as_str(), &styles.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (r, row) in self.rows.iter().enumerate() {
            write_row(sheet, r as u32 + 1, row, zone, &styles)?;
        }
        if !self.rows.is_empty() && !self.headers.is_empty() {
            sheet.autofilter(0, 0, self.rows.len() as u32, self.headers.len() as u16 - 1)?;
        }
        book.save_to_buffer()
    }
}

/// A table as the paper handbook lays it out (遍访纪实台账): a title across the columns, a line
/// saying whose and which month, then the header and the rows; printed landscape on A4, one page
/// wide, the header repeated on every page.
pub fn handbook_xlsx(title: &str, subtitle: &str, t: &Table, zone: ProgramZone) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name(sheet_name(&t.sheet))?;
    fit_columns(sheet, &t.headers, &t.rows)?;
    let styles = Styles::new();
    let last = t.headers.len().max(1) as u16 - 1;
    sheet.merge_range(0, 0, 0, last, title, &styles.title)?;
    sheet.set_row_height(0, 28)?;
    sheet.merge_range(1, 0, 1, last, subtitle, &Format::new().set_font_size(11))?;
    for (c, h) in t.headers.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, h.as_str(), &styles.header)?;
    }
    sheet.set_freeze_panes(3, 0)?;
    for (r, row) in t.rows.iter().enumerate() {
        write_row(sheet, r as u32 + 3, row, zone, &styles)?;
    }
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(2, 2)?;
    book.save_to_buffer()
}

/// The formats a sheet uses.
pub struct Styles {
    pub header: Format,
    pub text: Format,
    pub quoted: Format,
    pub time: Format,
    pub date: Format,
    pub title: Format,
}

impl Styles {
    pub fn new() -> Styles {
        let base = Format::new().set_font_size(11).set_border(FormatBorder::Thin);
        Styles {
            header: base
                .clone()
                .set_bold()
                .set_background_color("#F2DCDB")
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            text: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            // Shown as text even when it begins like a formula, and kept text when edited.
            quoted: base.clone().set_text_wrap().set_align(FormatAlign::Top).set_quote_prefix(),
            time: base.clone().set_num_format("yyyy-mm-dd hh:mm").set_align(FormatAlign::Top),
            date: base.set_num_format("yyyy-mm-dd").set_align(FormatAlign::Top),
            title: Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center),
        }
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

/// Writes one row of typed cells.
pub fn write_row(sheet: &mut Worksheet, r: u32, row: &[Cell], zone: ProgramZone, s: &Styles) -> Result<(), XlsxError> {
    for (c, cell) in row.iter().enumerate() {
        let c = c as u16;
        match cell {
            Cell::Text(t) if looks_like_formula(t) => sheet.write_string_with_format(r, c, t, &s.quoted)?,
            Cell::Text(t) => sheet.write_string_with_format(r, c, t, &s.text)?,
            Cell::Int(n) => sheet.write_number_with_format(r, c, *n as f64, &s.text)?,
            Cell::Number(n) => sheet.write_number_with_format(r, c, *n, &s.text)?,
            Cell::YesNo(b) => sheet.write_string_with_format(r, c, yes_no(*b), &s.text)?,
            Cell::Time(None) => sheet.write_blank(r, c, &s.text)?,
            Cell::Time(Some(t)) => match zone.local(*t) {
                Some(d) => sheet.write_datetime_with_format(r, c, d, &s.time)?,
                None => sheet.write_blank(r, c, &s.text)?,
            },
            Cell::Date(t) => match zone.local(*t) {
                Some(d) => sheet.write_datetime_with_format(r, c, d.date(), &s.date)?,
                None => sheet.write_blank(r, c, &s.text)?,
            },
        };
    }
    Ok(())
}

/// Sets each column's width to fit its header and (most of) its cells, between 6 and 50.
pub fn fit_columns(sheet: &mut Worksheet, headers: &[String], rows: &[Vec<Cell>]) -> Result<(), XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        let header = Cell::text(h.as_str()).width();
        let widest = rows.iter().take(2000).filter_map(|r| r.get(c)).map(Cell::width).max().unwrap_or(0);
        let width = header.max(widest).clamp(6, 50) as f64 + 2.0;
        sheet.set_column_width(c as u16, width)?;
    }
    Ok(())
}

/// A sheet name Excel takes: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if clean.is_empty() {
        "Sheet1".into()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_csv_cells_get_an_apostrophe() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(inert(cell), format!("'{cell}"));
        }
        assert_eq!(inert("走访"), "走访");
        assert_eq!(inert(""), "");
    }

    #[test]
    fn sheet_names_are_what_excel_takes() {
        assert_eq!(sheet_name("a/b[c]"), "abc");
        assert_eq!(sheet_name(""), "Sheet1");
        assert_eq!(sheet_name(&"台".repeat(40)).chars().count(), 31);
    }
}
