//! Alert output formats. The scan writes each alert document as one line of JSON; an
//! [`AlertWriter`] turns those lines into the format the operator asked for.

mod bulk;
mod fields;
mod table;

use std::io::{self, Write};

use crate::cli::OutputFormat;

pub use bulk::bulk_action;
pub use fields::{AlertRow, field_text};
pub use table::render_table;

/// Writes alert documents, given one per line, in an output format.
///
/// `ndjson` passes the lines through. `es-bulk` writes an action line before each
/// document. `pretty` keeps one short row per alert and writes the table in
/// [`AlertWriter::finish`], since the column widths depend on every row.
pub struct AlertWriter<W: Write> {
    inner: W,
    format: OutputFormat,
    index: Option<String>,
    /// Bytes of a line not yet ended by a newline.
    partial: Vec<u8>,
    rows: Vec<AlertRow>,
}

impl<W: Write> AlertWriter<W> {
    /// Writes to `inner` in `format`; `index` names the Elasticsearch index of `es-bulk`
    /// actions, and is ignored by the other formats.
    pub fn new(inner: W, format: OutputFormat, index: Option<String>) -> AlertWriter<W> {
        AlertWriter {
            inner,
            format,
            index,
            partial: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Writes what is still held back (the `pretty` table, a last line without a newline)
    /// and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.alert(&line)?;
        }
        if self.format == OutputFormat::Pretty {
            let rows = std::mem::take(&mut self.rows);
            self.inner.write_all(render_table(&rows).as_bytes())?;
        }
        self.inner.flush()
    }

    fn alert(&mut self, line: &[u8]) -> io::Result<()> {
        match self.format {
            OutputFormat::Ndjson => {
                self.inner.write_all(line)?;
                self.inner.write_all(b"\n")
            }
            OutputFormat::EsBulk => {
                let document = parse(line)?;
                let action = bulk_action(&document, self.index.as_deref())?;
                writeln!(self.inner, "{action}")?;
                self.inner.write_all(line)?;
                self.inner.write_all(b"\n")
            }
            OutputFormat::Pretty => {
                let document = parse(line)?;
                self.rows.push(AlertRow::from_document(&document));
                Ok(())
            }
        }
    }
}

impl<W: Write> Write for AlertWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(end) = memchr::memchr(b'\n', rest) {
            let line = if self.partial.is_empty() {
                self.alert(&rest[..end])?;
                &rest[end + 1..]
            } else {
                self.partial.extend_from_slice(&rest[..end]);
                let line = std::mem::take(&mut self.partial);
                self.alert(&line)?;
                &rest[end + 1..]
            };
            rest = line;
        }
        self.partial.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn parse(line: &[u8]) -> io::Result<serde_json::Value> {
    serde_json::from_slice(line).map_err(|error| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the component returned an alert that is not JSON ({error})"),
        )
    })
}

#[cfg(test)]
mod tests;
