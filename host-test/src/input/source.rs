//! Input sources: files, standard input, and the directory walk that expands paths.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

#[cfg(unix)]
use super::idle::IdleNotice;
use super::item::{InputError, InputErrorKind};
use super::items::Items;
use super::options::ReaderOptions;

/// The name standard input has on the command line and in origins.
pub const STDIN_NAME: &str = "-";

/// One input to read: a file, standard input, or a path that cannot be read.
#[derive(Debug)]
pub struct Source {
    name: Arc<str>,
    kind: SourceKind,
}

#[derive(Debug)]
enum SourceKind {
    Stdin,
    File(PathBuf),
    /// A path the walk could not read; reading it yields this one error.
    Failed(InputError),
}

impl Source {
    /// Creates the source for standard input, named `-`.
    pub fn stdin() -> Self {
        Self {
            name: Arc::from(STDIN_NAME),
            kind: SourceKind::Stdin,
        }
    }

    /// Creates a source for a file, opened when it is read. Anything that can be opened and
    /// read is accepted, including a FIFO or `/dev/stdin`.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        Self {
            name: display_name(&path),
            kind: SourceKind::File(path),
        }
    }

    fn failed(path: &Path, error: InputError) -> Self {
        Self {
            name: display_name(path),
            kind: SourceKind::Failed(error),
        }
    }

    /// Returns the name origins carry: the path as given or found, or `-`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Opens the source and returns its items. A source that cannot be opened yields one
    /// error item, at line 0.
    pub fn items(self, options: &ReaderOptions) -> Items {
        match self.kind {
            SourceKind::Stdin => match open_stdin() {
                Ok(stdin) => Items::from_reader(self.name, stdin, options),
                Err(error) => Items::failed(self.name, options, 0, open_error(&error)),
            },
            SourceKind::File(path) => match File::open(&path) {
                Ok(file) => Items::from_reader(self.name, with_idle_notice(file), options),
                Err(error) => Items::failed(self.name, options, 0, open_error(&error)),
            },
            SourceKind::Failed(error) => Items::failed(self.name, options, 0, error),
        }
    }
}

/// Opens standard input as a file of its own descriptor. `io::Stdin` keeps a buffer of its
/// own, whose bytes a check of the descriptor for waiting data would miss.
#[cfg(unix)]
fn open_stdin() -> io::Result<Box<dyn Read + Send>> {
    use std::os::fd::AsFd;

    let descriptor = io::stdin().as_fd().try_clone_to_owned()?;
    Ok(with_idle_notice(File::from(descriptor)))
}

#[cfg(not(unix))]
fn open_stdin() -> io::Result<Box<dyn Read + Send>> {
    Ok(Box::new(io::stdin()))
}

/// Wraps a file so that reading it gives notice before it would wait for data.
#[cfg(unix)]
fn with_idle_notice(file: File) -> Box<dyn Read + Send> {
    Box::new(IdleNotice::new(file))
}

// NOTE: without poll(2), reading never gives notice, so a scan of slow input outside Unix
// reports alerts only when a batch fills or the input ends.
#[cfg(not(unix))]
fn with_idle_notice(file: File) -> Box<dyn Read + Send> {
    Box::new(file)
}

/// Expands command-line paths into sources, lazily and in order.
///
/// `-` is standard input, and no path at all means standard input alone. A directory is
/// walked recursively, following symbolic links, with the entries of each directory sorted
/// by file name. Every regular file in it is a source. A path that does not exist or cannot
/// be read, a broken symbolic link, and an entry of a directory that is not a regular file
/// (a FIFO, socket or device, which could block or never end) each become a source that
/// yields one error, and the walk goes on. A path named directly may be any readable file,
/// FIFOs included, as shells pass process substitutions that way.
pub fn walk<I>(paths: I) -> impl Iterator<Item = Source>
where
    I: IntoIterator,
    I::Item: Into<PathBuf>,
{
    let mut paths: Vec<PathBuf> = paths.into_iter().map(Into::into).collect();
    if paths.is_empty() {
        paths.push(PathBuf::from(STDIN_NAME));
    }
    paths.into_iter().flat_map(expand)
}

/// Expands one command-line path into its sources.
fn expand(path: PathBuf) -> Box<dyn Iterator<Item = Source> + Send> {
    if path.as_os_str() == STDIN_NAME {
        return Box::new(std::iter::once(Source::stdin()));
    }

    match fs::metadata(&path) {
        Ok(metadata) if metadata.is_dir() => Box::new(walk_directory(path)),
        Ok(_) => Box::new(std::iter::once(Source::file(path))),
        Err(error) => Box::new(std::iter::once(Source::failed(&path, open_error(&error)))),
    }
}

fn walk_directory(root: PathBuf) -> impl Iterator<Item = Source> {
    let entries = WalkDir::new(&root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    entries.filter_map(move |entry| match entry {
        Ok(entry) if entry.file_type().is_dir() => None,
        Ok(entry) if entry.file_type().is_file() => Some(Source::file(entry.into_path())),
        Ok(entry) => {
            let message = format!(
                "not a regular file ({}), so it was not read; name it directly to read it",
                special_file_kind(&entry.file_type())
            );
            let error = InputError::new(InputErrorKind::Unreadable, message);
            Some(Source::failed(entry.path(), error))
        }
        Err(error) => {
            let path = error.path().unwrap_or(&root).to_path_buf();
            let message = match error.io_error() {
                Some(io_error) => describe_open_error(io_error),
                None => format!("cannot read: {error}"),
            };
            let error = InputError::new(InputErrorKind::Unreadable, message);
            Some(Source::failed(&path, error))
        }
    })
}

#[cfg(unix)]
fn special_file_kind(file_type: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;

    if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_block_device() || file_type.is_char_device() {
        "a device"
    } else {
        "an unknown file type"
    }
}

#[cfg(not(unix))]
fn special_file_kind(_: &fs::FileType) -> &'static str {
    "an unknown file type"
}

fn open_error(error: &io::Error) -> InputError {
    InputError::new(InputErrorKind::Unreadable, describe_open_error(error))
}

fn describe_open_error(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => {
            format!("cannot read: {error}; check the path (a symbolic link may be broken)")
        }
        io::ErrorKind::PermissionDenied => {
            format!("cannot read: {error}; check the file's permissions")
        }
        _ => format!("cannot read: {error}"),
    }
}

fn display_name(path: &Path) -> Arc<str> {
    Arc::from(path.to_string_lossy().as_ref())
}
