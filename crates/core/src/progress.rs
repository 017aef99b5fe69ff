//! How a long-running operation reports to whoever called it, and how it is cancelled.
//!
//! Modelled on ripgrep's `Sink`: the core calls a narrow trait and knows nothing about progress
//! bars or windows. The CLI draws a terminal bar, the desktop app emits events to its progress
//! bar, tests count calls or cancel half-way.

/// Whether to go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep going.
    Continue,
    /// Stop; the operation undoes what it did and returns [`crate::Error::Cancelled`].
    Cancel,
}

/// Receives progress of a long operation.
pub trait Progress {
    /// `done` units of `total` (bytes or rows; `None` when unknown) are finished.
    fn update(&mut self, done: u64, total: Option<u64>) -> Flow;
}

impl<F: FnMut(u64, Option<u64>) -> Flow> Progress for F {
    fn update(&mut self, done: u64, total: Option<u64>) -> Flow {
        self(done, total)
    }
}

/// Ignores progress and never cancels.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn update(&mut self, _: u64, _: Option<u64>) -> Flow {
        Flow::Continue
    }
}
