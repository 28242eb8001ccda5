//! The server's log: one line per request (dropshot's `request completed`, with request id,
//! status and latency), written to stderr by a background thread.
//!
//! Records below the configured level are dropped before they are built and queued, so a
//! quieter level costs nothing per request (dropshot's own logger filters after queueing). The
//! writer formats plain text into a buffer that is flushed when full and at least every
//! [`FLUSH_INTERVAL`], so a busy server makes few system calls and a quiet one still shows each
//! line promptly; when the server stops and drops its logger, the queue is written out and the
//! buffer flushed, so the last requests' lines are not lost. If the writer falls behind,
//! records are dropped and the drop is reported in the log, never silently.

use std::io::{self, BufWriter, Stderr, Write};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use slog::{Drain, Level, Logger, o};

use crate::metrics::RequestMetricsDrain;
use slog_async::{Async, OverflowStrategy};
use slog_term::{FullFormat, PlainDecorator};

/// Log records the writer thread may fall behind by before dropping (and reporting) some.
const QUEUE: usize = 8 * 1024;

/// The longest a written line waits in the buffer.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(100);

/// A logger for dropshot at `level`; every record also goes to `metrics` (unfiltered, before
/// the queue).
pub fn server_logger(level: Level, metrics: RequestMetricsDrain) -> Logger {
    let format = FullFormat::new(PlainDecorator::new(FlushedStderr::spawn()))
        .build()
        .fuse();
    let queued = Async::new(format)
        .chan_size(QUEUE)
        .overflow_strategy(OverflowStrategy::DropAndReport)
        .thread_name("refactor-log".to_owned())
        .build()
        .fuse();
    Logger::root(
        slog::Duplicate::new(metrics, queued.filter_level(level).fuse()).fuse(),
        o!("name" => "refactor-server"),
    )
}

/// Buffered stderr that a background thread flushes every [`FLUSH_INTERVAL`], and that flushes
/// itself when dropped (the thread holds it weakly, then ends).
#[derive(Clone)]
struct FlushedStderr(Arc<Mutex<BufWriter<Stderr>>>);

impl FlushedStderr {
    fn spawn() -> Self {
        let writer = Self(Arc::new(Mutex::new(BufWriter::with_capacity(
            64 * 1024,
            io::stderr(),
        ))));
        let flusher: Weak<_> = Arc::downgrade(&writer.0);
        // If the thread cannot start, lines still go out whenever the buffer fills.
        let _ = std::thread::Builder::new()
            .name("refactor-log-flush".to_owned())
            .spawn(move || {
                loop {
                    std::thread::sleep(FLUSH_INTERVAL);
                    let Some(buffer) = flusher.upgrade() else {
                        return; // The logger is gone; dropping the buffer flushed it.
                    };
                    if let Ok(mut buffer) = buffer.lock() {
                        let _ = buffer.flush();
                    }
                }
            });
        writer
    }

    fn buffer(&self) -> io::Result<std::sync::MutexGuard<'_, BufWriter<Stderr>>> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("the log buffer's lock is poisoned"))
    }
}

impl Write for FlushedStderr {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer()?.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        // Flushing per record would cost a system call per request; the flusher thread does it.
        Ok(())
    }
}
