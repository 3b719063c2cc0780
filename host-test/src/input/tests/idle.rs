//! Notice before a read that would wait: a pipe whose writer is still open.

use std::io::Write;

use super::*;
use crate::input::Step;
use crate::input::idle::IdleNotice;

const LINE: &str = r#"{"eventName":"DeleteFunction"}"#;

#[test]
fn open_pipe_gives_item_then_idle() {
    let (reader, mut writer) = io::pipe().expect("pipe");
    writer
        .write_all(format!("{LINE}\n").as_bytes())
        .expect("pipe write");
    let options = ReaderOptions::default();
    let mut steps = Items::from_reader("-", IdleNotice::new(reader), &options).steps();

    let Some(Step::Item(item)) = steps.next() else {
        panic!("the line's event did not come first");
    };
    assert_eq!(item.payload, Payload::Event(LINE.to_string()));
    assert_eq!(steps.next(), Some(Step::Idle));

    drop(writer);
    assert_eq!(steps.next(), None);
}

#[test]
fn idle_keeps_value_split_across_writes() {
    let (reader, mut writer) = io::pipe().expect("pipe");
    let (head, tail) = LINE.split_at(12);
    writer.write_all(head.as_bytes()).expect("pipe write");
    let options = ReaderOptions::default();
    let mut items = Items::from_reader("-", IdleNotice::new(reader), &options);

    assert_eq!(items.next_step(), Some(Step::Idle));
    writer
        .write_all(format!("{tail}\n").as_bytes())
        .expect("pipe write");
    drop(writer);
    let rest: Vec<InputItem> = items.collect();
    assert_eq!(rest.len(), 1, "{rest:?}");
    assert_eq!(rest[0].payload, Payload::Event(LINE.to_string()));
}
