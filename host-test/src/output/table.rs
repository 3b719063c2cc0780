//! The `pretty` table.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use super::AlertRow;

/// Columns are separated by this many spaces.
const GAP: usize = 2;

/// Renders `rows` under a header line, each column as wide as its widest cell. The last
/// column, the reason, is not padded. An empty list renders as the header alone, so that
/// a scan without alerts still shows what it would have listed.
pub fn render_table(rows: &[AlertRow]) -> String {
    let mut widths = AlertRow::HEADERS.map(UnicodeWidthStr::width);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row.cells()) {
            *width = (*width).max(cell.width());
        }
    }

    let mut text = String::new();
    write_line(&mut text, &AlertRow::HEADERS, &widths);
    for row in rows {
        write_line(&mut text, &row.cells(), &widths);
    }
    text
}

fn write_line(text: &mut String, cells: &[&str; 7], widths: &[usize; 7]) {
    let last = cells.len() - 1;
    for (column, cell) in cells.iter().enumerate() {
        text.push_str(cell);
        if column < last {
            let padding = widths[column] - cell.width() + GAP;
            let _ = write!(text, "{:padding$}", "");
        }
    }
    text.push('\n');
}
