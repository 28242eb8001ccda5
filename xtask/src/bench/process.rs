//! A release `refactor-server` process under measurement: started on a free port, its peak
//! memory read from `/proc`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, bail};

/// A running server.
pub(super) struct Server {
    child: Child,
    /// e.g. `http://127.0.0.1:41234`.
    pub(super) base_url: String,
}

impl Server {
    /// The server's process id.
    pub(super) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(super) fn start(
        binary: &Path,
        data_dir: &str,
        database: Option<&str>,
        log_level: &str,
    ) -> anyhow::Result<Self> {
        Self::start_with(binary, data_dir, database, log_level, &[])
    }

    /// As [`Server::start`], with `extra` arguments to `serve`.
    pub(super) fn start_with(
        binary: &Path,
        data_dir: &str,
        database: Option<&str>,
        log_level: &str,
        extra: &[&str],
    ) -> anyhow::Result<Self> {
        let port = free_port()?;
        let bind = format!("127.0.0.1:{port}");
        // In the data dir, which the bench removes: under load at `info` it grows by gigabytes.
        let log_path = Path::new(data_dir).join(format!("server-{port}.log"));
        let log = std::fs::File::create(&log_path)
            .with_context(|| format!("failed to create {}", log_path.display()))?;
        let mut command = Command::new(binary);
        command.args([
            "serve",
            "--bind",
            &bind,
            "--data-dir",
            data_dir,
            "--log-level",
            log_level,
        ]);
        if let Some(database) = database {
            command.args(["--database", database]);
        }
        command.args(extra);
        let mut child = command
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .context("failed to start refactor-server")?;
        let base_url = format!("http://{bind}");
        for _ in 0..100 {
            if std::net::TcpStream::connect(&bind).is_ok() {
                return Ok(Self { child, base_url });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        let said = std::fs::read_to_string(&log_path).unwrap_or_default();
        bail!("refactor-server did not start listening on {bind}; it said:\n{said}")
    }

    pub(super) fn reset_peak_rss(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    pub(super) fn peak_rss_mib(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            })
            .map_or(f64::NAN, |kib| kib / 1024.0)
    }

    pub(super) fn stop(mut self) {
        // SIGTERM, so that the server stops as in production, through the shell's `kill`
        // (minimal systems may have no kill binary); SIGKILL when that cannot be sent, rather
        // than waiting forever on a server that was never told to stop.
        let terminated = Command::new("sh")
            .args(["-c", &format!("kill -TERM {}", self.child.id())])
            .status()
            .is_ok_and(|status| status.success());
        if !terminated {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
