//! Reading ahead on a thread of its own, so that reading, decompressing and splitting the
//! input overlap with the component's evaluation instead of adding to it.
//!
//! The reader thread hands over its steps in parcels, in input order, through a channel
//! that contains at most [`PARCELS_IN_FLIGHT`] of them. Memory stays bounded: a parcel is sent
//! once it has a batch's worth of items or event bytes, so the reader is at most a few
//! batches ahead of the scan.

use std::io;
use std::mem;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::{self, JoinHandle};

use super::{DEFAULT_BATCH_EVENTS, batch_is_full};
use crate::input::{Payload, Step};

/// Parcels waiting in the channel. Two keep the reader busy while the scan evaluates one
/// batch, without letting a fast reader run far ahead of a slow component.
const PARCELS_IN_FLIGHT: usize = 2;

/// The steps of a reader thread, in the order the reader produced them.
pub struct ReadAhead {
    parcels: Receiver<Vec<Step>>,
    current: std::vec::IntoIter<Step>,
    reader: Option<JoinHandle<()>>,
}

/// Starts a thread that runs `steps` and returns them as an iterator, or the error of the
/// operating system that could not start the thread.
///
/// An [`Step::Idle`] or an input error is sent at once with the steps before it. So a scan
/// still reports what it has before the reader waits for slow input, and reports the
/// errors of input that never ends while that input goes on. A panic in the reader thread
/// is raised again in the thread that iterates, once it has taken every step sent before.
pub fn read_ahead<S>(steps: S) -> io::Result<ReadAhead>
where
    S: IntoIterator<Item = Step>,
    S::IntoIter: Send + 'static,
{
    let steps = steps.into_iter();
    let (sender, parcels) = mpsc::sync_channel(PARCELS_IN_FLIGHT);
    let reader = thread::Builder::new()
        .name("rule-host-reader".to_owned())
        .spawn(move || send_parcels(steps, &sender))?;
    Ok(ReadAhead {
        parcels,
        current: Vec::new().into_iter(),
        reader: Some(reader),
    })
}

/// Sends `steps` in parcels until they end or the receiving side is gone.
fn send_parcels(steps: impl Iterator<Item = Step>, sender: &SyncSender<Vec<Step>>) {
    let mut parcel = Vec::with_capacity(DEFAULT_BATCH_EVENTS);
    let mut event_bytes = 0;
    for step in steps {
        let urgent = match &step {
            Step::Idle => true,
            Step::Item(item) => match &item.payload {
                Payload::Event(text) => {
                    event_bytes += text.len();
                    false
                }
                Payload::Error(_) => true,
                Payload::Skipped(_) => false,
            },
        };
        parcel.push(step);

        if batch_is_full(parcel.len(), event_bytes) || urgent {
            let sent = mem::replace(&mut parcel, Vec::with_capacity(DEFAULT_BATCH_EVENTS));
            event_bytes = 0;
            if sender.send(sent).is_err() {
                return;
            }
        }
    }
    if !parcel.is_empty() {
        // A failed send means the scan has stopped, so the last steps are not needed.
        let _ = sender.send(parcel);
    }
}

impl Iterator for ReadAhead {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        loop {
            if let Some(step) = self.current.next() {
                return Some(step);
            }
            match self.parcels.recv() {
                Ok(parcel) => self.current = parcel.into_iter(),
                Err(mpsc::RecvError) => {
                    self.join_reader();
                    return None;
                }
            }
        }
    }
}

impl ReadAhead {
    /// Waits for the reader thread, which has dropped its sender, and raises its panic here
    /// so that a crashed reader cannot pass for the end of the input.
    fn join_reader(&mut self) {
        if let Some(reader) = self.reader.take()
            && let Err(panic) = reader.join()
        {
            std::panic::resume_unwind(panic);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::input::{InputError, InputErrorKind, InputItem, Origin};
    use crate::scan::DEFAULT_BATCH_BYTES;

    fn event(line: u64, bytes: usize) -> Step {
        Step::Item(InputItem {
            origin: Origin {
                path: Arc::from("test"),
                line,
                byte_offset: None,
                label: None,
            },
            payload: Payload::Event("x".repeat(bytes)),
        })
    }

    fn lines(steps: &[Step]) -> Vec<Option<u64>> {
        steps
            .iter()
            .map(|step| match step {
                Step::Item(item) => Some(item.origin.line),
                Step::Idle => None,
            })
            .collect()
    }

    #[test]
    fn steps_arrive_in_order() {
        let mut steps: Vec<Step> = (1..=1000).map(|line| event(line, 10)).collect();
        steps.insert(3, Step::Idle);
        steps.push(Step::Idle);
        let expected = lines(&steps);
        let received: Vec<Step> = read_ahead(steps).expect("reader thread started").collect();
        assert_eq!(lines(&received), expected);
    }

    #[test]
    fn idle_arrives_while_reader_waits() {
        let (more, waiting) = mpsc::channel::<Step>();
        more.send(event(1, 10)).unwrap();
        more.send(Step::Idle).unwrap();
        // The reader then waits for more input, as on a quiet pipe. The steps before the
        // idle step must arrive all the same. They are taken on a thread of their own, so
        // that a reader that keeps them back fails the test instead of hanging it.
        let (taken, first_two) = mpsc::channel();
        thread::spawn(move || {
            let mut steps = read_ahead(waiting).expect("reader thread started");
            let first: Vec<Step> = steps.by_ref().take(2).collect();
            let _ = taken.send(first);
            steps.count()
        });
        let first = first_two
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the steps before the idle step arrive while the reader waits");
        assert_eq!(lines(&first), [Some(1), None]);
        drop(more);
    }

    #[test]
    fn error_is_sent_at_once() {
        let error = Step::Item(InputItem {
            origin: Origin {
                path: Arc::from("test"),
                line: 2,
                byte_offset: None,
                label: None,
            },
            payload: Payload::Error(InputError::new(InputErrorKind::NulByte, "NUL")),
        });
        let steps = vec![event(1, 10), error, event(3, 10)];
        assert_eq!(parcel_sizes(steps), [2, 1]);
    }

    /// Returns the number of steps in each parcel `send_parcels` makes of `steps`.
    fn parcel_sizes(steps: Vec<Step>) -> Vec<usize> {
        let (sender, parcels) = mpsc::sync_channel(steps.len() + 1);
        send_parcels(steps.into_iter(), &sender);
        drop(sender);
        parcels.iter().map(|parcel| parcel.len()).collect()
    }

    #[test]
    fn parcel_fills_by_items_or_bytes() {
        let small = (1..=600).map(|line| event(line, 10)).collect();
        assert_eq!(parcel_sizes(small), [256, 256, 88]);

        let half_batch = DEFAULT_BATCH_BYTES / 2;
        let large = (1..=7).map(|line| event(line, half_batch)).collect();
        assert_eq!(parcel_sizes(large), [2, 2, 2, 1]);
    }

    #[test]
    #[should_panic(expected = "reader failed")]
    fn reader_panic_reaches_the_scan() {
        let steps = (1..=3).map(|line| {
            assert!(line < 3, "reader failed");
            event(line, 1)
        });
        for _ in read_ahead(steps).expect("reader thread started") {}
    }
}
