//! Notice that reading would block, so that the scan can report what it holds first.
//!
//! [`IdleNotice`] sits directly on a file descriptor, under every buffer and decoder. Before
//! a read that would block (the descriptor has no data and no end of file), it returns
//! [`io::ErrorKind::WouldBlock`] once instead of reading. The layers above it pass that
//! error up unchanged and keep their state, so the reader of items can hand the scan an
//! [`Step::Idle`](super::Step::Idle) and read again. The next read waits for the data.
//!
//! A regular file never has to wait, so it never gives this notice, and batches of events
//! read from files are as large as before.

use std::io::{self, Read};
use std::os::fd::{AsRawFd, RawFd};

/// A reader that returns `WouldBlock` once before each read that would wait for data.
pub(crate) struct IdleNotice<R> {
    inner: R,
    /// Whether the last call returned the notice, so this call waits instead.
    noticed: bool,
}

impl<R: Read + AsRawFd> IdleNotice<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            noticed: false,
        }
    }
}

impl<R: Read + AsRawFd> Read for IdleNotice<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let fd = self.inner.as_raw_fd();
        if !buf.is_empty() && !poll_readable(fd, 0) {
            if !self.noticed {
                self.noticed = true;
                return Err(io::ErrorKind::WouldBlock.into());
            }
            // Waiting in poll rather than in read also serves a descriptor in non-blocking
            // mode, whose read would return `WouldBlock` itself and make callers spin.
            poll_readable(fd, -1);
        }
        self.noticed = false;
        self.inner.read(buf)
    }
}

/// Returns whether a read on `fd` would return without waiting: it has data, reached the end
/// of file, or failed. `timeout_ms` of -1 waits until then. A failed or interrupted poll
/// returns `false`, which at worst costs one more notice or one more poll.
fn poll_readable(fd: RawFd, timeout_ms: i32) -> bool {
    let mut descriptor = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: `descriptor` is one valid, initialised `pollfd` that outlives the call, and the
    // count passed is 1.
    let ready = unsafe { libc::poll(&mut descriptor, 1, timeout_ms) };
    ready > 0 && descriptor.revents != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn empty_pipe_gives_one_notice_then_data() {
        let (reader, mut writer) = io::pipe().expect("pipe");
        let mut notice = IdleNotice::new(reader);
        let mut buf = [0u8; 16];

        let first = notice.read(&mut buf).unwrap_err();
        assert_eq!(first.kind(), io::ErrorKind::WouldBlock);

        writer.write_all(b"abc").expect("pipe write");
        assert_eq!(notice.read(&mut buf).expect("read"), 3);
        assert_eq!(&buf[..3], b"abc");
    }

    #[test]
    fn pipe_with_data_gives_no_notice() {
        let (reader, mut writer) = io::pipe().expect("pipe");
        writer.write_all(b"xy").expect("pipe write");
        drop(writer);
        let mut notice = IdleNotice::new(reader);
        let mut buf = [0u8; 16];

        assert_eq!(notice.read(&mut buf).expect("read"), 2);
        assert_eq!(notice.read(&mut buf).expect("end of file"), 0);
    }

    #[test]
    fn regular_file_gives_no_notice() {
        let mut file = tempfile::tempfile().expect("temp file");
        file.write_all(b"{}\n").expect("file write");
        std::io::Seek::rewind(&mut file).expect("rewind");
        let mut notice = IdleNotice::new(file);
        let mut buf = [0u8; 16];

        assert_eq!(notice.read(&mut buf).expect("read"), 3);
        assert_eq!(notice.read(&mut buf).expect("end of file"), 0);
    }
}
