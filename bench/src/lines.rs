//! Reads a file of newline-delimited text one line at a time, without copying the lines.
//!
//! This loop is the floor of the benchmark: every contender that runs in this process reads
//! its input through it, and the floor contender does nothing else.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Bytes read from the file at a time. Lines longer than this grow the buffer.
const CHUNK: usize = 1 << 20;

/// Calls `each` with every line of the file at `path`, without its line ending, and returns
/// the number of lines. Blank lines are skipped, as NDJSON readers do.
///
/// # Errors
///
/// Fails when the file cannot be read or a line is not UTF-8.
pub fn for_each_line(path: &Path, mut each: impl FnMut(&str)) -> io::Result<u64> {
    let mut file = File::open(path)?;
    let mut buffer = vec![0u8; CHUNK];
    let mut filled = 0;
    let mut lines = 0;
    let mut line_number = 0u64;

    loop {
        if filled == buffer.len() {
            buffer.resize(buffer.len() * 2, 0);
        }
        let read = file.read(&mut buffer[filled..])?;
        let at_end = read == 0;
        filled += read;

        let mut start = 0;
        while let Some(offset) = memchr::memchr(b'\n', &buffer[start..filled]) {
            line_number += 1;
            lines += emit(&buffer[start..start + offset], line_number, &mut each)?;
            start += offset + 1;
        }
        if at_end {
            if start < filled {
                line_number += 1;
                lines += emit(&buffer[start..filled], line_number, &mut each)?;
            }
            return Ok(lines);
        }
        buffer.copy_within(start..filled, 0);
        filled -= start;
    }
}

fn emit(line: &[u8], line_number: u64, each: &mut impl FnMut(&str)) -> io::Result<u64> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Ok(0);
    }
    let text = std::str::from_utf8(line).map_err(|error| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("line {line_number} is not UTF-8: {error}"),
        )
    })?;
    each(text);
    Ok(1)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::for_each_line;

    fn lines_of(content: &[u8]) -> Vec<String> {
        let mut file = tempfile();
        file.1.write_all(content).unwrap();
        let mut lines = Vec::new();
        for_each_line(&file.0, |line| lines.push(line.to_owned())).unwrap();
        std::fs::remove_file(&file.0).unwrap();
        lines
    }

    fn tempfile() -> (std::path::PathBuf, std::fs::File) {
        let path = std::env::temp_dir().join(format!(
            "rule-bench-lines-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let file = std::fs::File::create(&path).unwrap();
        (path, file)
    }

    #[test]
    fn splits_lines_and_skips_blank_ones() {
        assert_eq!(lines_of(b"a\n\nb\r\nc"), ["a", "b", "c"]);
    }

    #[test]
    fn line_longer_than_chunk_kept_whole() {
        let long = "x".repeat(3 << 20);
        let content = format!("{long}\nshort\n");

        let lines = lines_of(content.as_bytes());

        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), long.len());
        assert_eq!(lines[1], "short");
    }
}
