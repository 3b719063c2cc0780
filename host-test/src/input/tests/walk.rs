//! Expansion of command-line paths into sources.

use std::fs;
use std::path::Path;
use std::process::Command;

use super::*;
use crate::input::{Source, walk};

fn names(sources: &[Source]) -> Vec<String> {
    sources
        .iter()
        .map(|source| source.name().to_string())
        .collect()
}

fn all_items(sources: Vec<Source>) -> Vec<InputItem> {
    let options = ReaderOptions::default();
    sources
        .into_iter()
        .flat_map(|source| source.items(&options))
        .collect()
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn directories_are_walked_sorted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in [
        "b.json",
        "a.json",
        "sub/z.json",
        "sub/c.json",
        "B.json",
        "sub2/d.json",
    ] {
        write(&root.join(name), "{}\n");
    }

    let sources: Vec<Source> = walk([root.to_path_buf()]).collect();
    let root_name = root.display();
    let expected: Vec<String> = [
        "B.json",
        "a.json",
        "b.json",
        "sub/c.json",
        "sub/z.json",
        "sub2/d.json",
    ]
    .iter()
    .map(|name| format!("{root_name}/{name}"))
    .collect();
    assert_eq!(names(&sources), expected);
}

#[test]
fn paths_keep_command_line_order() {
    let dir = tempfile::tempdir().unwrap();
    let second = dir.path().join("2.json");
    let first = dir.path().join("1.json");
    write(&second, "{\"n\":2}\n");
    write(&first, "{\"n\":1}\n");

    let sources: Vec<Source> = walk([second.clone(), first.clone()]).collect();
    assert_eq!(
        names(&sources),
        [second.display().to_string(), first.display().to_string()]
    );
}

#[test]
fn missing_path_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    let present = dir.path().join("present.json");
    write(&present, "{\"n\":1}\n");

    let items = all_items(walk([missing.clone(), present.clone()]).collect());
    assert_eq!(items.len(), 2, "{items:#?}");
    assert_eq!(&*items[0].origin.path, missing.display().to_string());
    assert_eq!(items[0].origin.line, 0);
    let Payload::Error(error) = &items[0].payload else {
        panic!("{:?}", items[0])
    };
    assert_eq!(error.kind, InputErrorKind::Unreadable);
    assert!(
        error.message.contains("check the path"),
        "{}",
        error.message
    );
    assert_eq!(items[1].payload, Payload::Event("{\"n\":1}".to_string()));
}

/// A file that even root cannot read inside a directory: a broken symbolic link, and a FIFO,
/// which the walk reports instead of opening (opening a FIFO blocks until a writer appears).
#[test]
fn unreadable_entries_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("a.json"), "{\"n\":1}\n");
    std::os::unix::fs::symlink(root.join("nowhere.json"), root.join("b-broken.json")).unwrap();
    let fifo = root.join("c.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    write(&root.join("d.json"), "{\"n\":4}\n");

    let items = all_items(walk([root.to_path_buf()]).collect());
    let summary: Vec<(String, Option<InputErrorKind>)> = items
        .iter()
        .map(|item| {
            let name = Path::new(&*item.origin.path)
                .file_name()
                .unwrap()
                .to_string_lossy();
            let kind = match &item.payload {
                Payload::Error(error) => Some(error.kind),
                _ => None,
            };
            (name.into_owned(), kind)
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("a.json".to_string(), None),
            (
                "b-broken.json".to_string(),
                Some(InputErrorKind::Unreadable)
            ),
            ("c.fifo".to_string(), Some(InputErrorKind::Unreadable)),
            ("d.json".to_string(), None),
        ]
    );
    let fifo_message = only_error_message(&items[2..3]);
    assert!(
        fifo_message.contains("not a regular file (a FIFO)"),
        "{fifo_message}"
    );
}

#[test]
fn no_paths_means_stdin() {
    let sources: Vec<Source> = walk(Vec::<std::path::PathBuf>::new()).collect();
    assert_eq!(names(&sources), ["-"]);
}

#[test]
fn dash_means_stdin() {
    let sources: Vec<Source> = walk(["-"]).collect();
    assert_eq!(names(&sources), ["-"]);
}

#[test]
fn directory_named_as_file_is_error() {
    let dir = tempfile::tempdir().unwrap();
    let items = all_items(vec![Source::file(dir.path())]);
    assert_eq!(items.len(), 1, "{items:#?}");
    assert!(
        matches!(&items[0].payload, Payload::Error(error) if error.kind == InputErrorKind::Unreadable)
    );
}
