//! A large container read as a stream, generated on the fly so the test never holds it.

use super::*;

/// A reader that writes `{"Records":[...]}` with `count` records, one record at a time.
struct RecordsGenerator {
    count: u64,
    next: u64,
    pending: Vec<u8>,
    at: usize,
}

impl RecordsGenerator {
    fn new(count: u64) -> Self {
        Self {
            count,
            next: 0,
            pending: b"{\"Records\":[".to_vec(),
            at: 0,
        }
    }

    fn refill(&mut self) {
        self.pending.clear();
        self.at = 0;
        if self.next < self.count {
            let separator = if self.next == 0 { "" } else { "," };
            let record = format!(
                "{separator}{{\"eventName\":\"GetFunction\",\"n\":{},\"note\":\"}}{{ \\\"x\\\"\"}}",
                self.next
            );
            self.pending.extend_from_slice(record.as_bytes());
            self.next += 1;
        } else if self.next == self.count {
            self.pending.extend_from_slice(b"]}\n");
            self.next += 1;
        }
    }
}

impl Read for RecordsGenerator {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.pending.len() {
            self.refill();
        }
        let length = buf.len().min(self.pending.len() - self.at);
        buf[..length].copy_from_slice(&self.pending[self.at..self.at + length]);
        self.at += length;
        Ok(length)
    }
}

#[test]
fn large_records_stream_is_split() {
    let count = 200_000;
    let items = Items::from_reader(
        "big.json",
        RecordsGenerator::new(count),
        &ReaderOptions::default(),
    );

    let mut seen_count = 0;
    for item in items {
        let label = item.origin.label.expect("every item is a record");
        assert_eq!(label.index, seen_count, "records arrive in order");
        let Payload::Event(text) = item.payload else {
            panic!("record {seen_count} is {item:?}")
        };
        assert!(
            text.contains(&format!("\"n\":{seen_count},")),
            "record {seen_count}: {text}"
        );
        seen_count += 1;
    }
    assert_eq!(seen_count, count);
}
