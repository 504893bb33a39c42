//! The replay server: a loopback HTTP/1.1 server that answers like GitHub,
//! Jira, Slack, Zoom and Confluence from a folder of recorded payloads.
//!
//! It serves a *replay folder* (`routes.json` plus wire-format files, see
//! `src/replay/FORMAT.md`, the contract) with each provider's pagination,
//! `ETag`/`If-None-Match`, and faults injected on request (rate limits,
//! server errors, delays, truncated and malformed bodies). The `demo`
//! command, the integration tests and the benches point the real provider
//! clients at it.
//!
//! Owns: loading a folder once (dates shifted by whole weeks to a clock `now`,
//! payloads rendered to bytes), routing, slicing pages, faults and the request
//! log.
//!
//! Must not: listen anywhere but `127.0.0.1` (it is a test and demo tool,
//! never a production endpoint), reach the network, write files, or know the
//! provider clients, the store or the UI. It never panics on bad input: a bad
//! folder is a [`ReplayError`] naming the file, a bad request an HTTP answer.
//!
//! ```no_run
//! # async fn demo() -> Result<(), async_cockpit::replay::ReplayError> {
//! use async_cockpit::replay::{Fault, FaultRule, ReplayOptions, ReplayServer};
//! let server = ReplayServer::start(
//!     std::path::Path::new("assets/demo"),
//!     ReplayOptions { now: Some(jiff::Timestamp::now()) },
//! )
//! .await?;
//! server.inject(FaultRule::once("/rest/api/3/search/jql", Fault::rate_limited(2)));
//! let base = server.base_url(); // point a provider client here
//! # let _ = base;
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod faults;
mod pages;
mod query;
mod routes;
mod serve;
mod shift;

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use jiff::{SignedDuration, Timestamp};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

pub use faults::{Fault, FaultRule};
pub use serve::RequestRecord;

use serve::State;

/// How long open connections get to finish their answer on shutdown.
const DRAIN_TIMEOUT: Duration = Duration::from_millis(500);

/// How a folder is served.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplayOptions {
    /// The clock to shift the payloads to; `None` serves them unshifted.
    pub now: Option<Timestamp>,
}

/// Why a replay folder could not be served.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("cannot read replay file {path:?}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid JSON in replay file {path:?}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "invalid anchor {value:?} in {path:?}: {reason} (expected an instant like \"2026-01-05T09:00:00Z\")"
    )]
    Anchor {
        path: PathBuf,
        value: String,
        reason: String,
    },
    #[error("invalid route #{index} (path {route:?}) in {path:?}: {reason}")]
    Route {
        path: PathBuf,
        index: usize,
        route: String,
        reason: String,
    },
    #[error("cannot listen on 127.0.0.1 for the replay server: {0}")]
    Bind(#[source] std::io::Error),
    #[error("the replay folder loader stopped unexpectedly: {0}")]
    Loader(String),
}

/// A running replay server. Dropping it stops the server, as does
/// [`ReplayServer::shutdown`], which also waits for it to finish.
#[derive(Debug)]
pub struct ReplayServer {
    addr: SocketAddr,
    shift: SignedDuration,
    state: Arc<State>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl ReplayServer {
    /// Loads `folder` (it must contain `routes.json`), binds `127.0.0.1:0`
    /// and serves it on the current tokio runtime.
    pub async fn start(folder: &Path, opts: ReplayOptions) -> Result<ReplayServer, ReplayError> {
        let folder = folder.to_owned();
        // Reading and rendering a folder is file I/O and CPU: keep it off the
        // async workers.
        let loaded = tokio::task::spawn_blocking(move || routes::load(&folder, opts.now))
            .await
            .map_err(|e| ReplayError::Loader(e.to_string()))??;

        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(ReplayError::Bind)?;
        let addr = listener.local_addr().map_err(ReplayError::Bind)?;
        let state = Arc::new(State::new(format!("http://{addr}"), loaded.routes));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&state), stopped));
        tracing::debug!(%addr, shift_secs = loaded.shift.as_secs(), "replay server started");
        Ok(ReplayServer {
            addr,
            shift: loaded.shift,
            state,
            stop,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.state.base_url.clone()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The whole-week shift applied to every date (zero without `now`).
    pub fn shift(&self) -> SignedDuration {
        self.shift
    }

    /// Queues a fault for the next matching requests (see [`FaultRule`]).
    pub fn inject(&self, rule: FaultRule) {
        self.state.faults.push(rule);
    }

    /// Every request answered so far, oldest first, faulted ones included.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state.records().clone()
    }

    /// How many requests had a path containing `path_contains`.
    pub fn request_count(&self, path_contains: &str) -> usize {
        self.state
            .records()
            .iter()
            .filter(|r| r.path.contains(path_contains))
            .count()
    }

    /// Stops accepting, lets open answers finish briefly, and waits until
    /// the server task has ended.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            // Aborting drops the listener and every connection task with it.
            task.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, mut stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            // A stop signal, or the server handle gone.
            _ = stopped.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&state), stopped.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait, retry.
                    tracing::debug!(error = %e, "replay server accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

async fn serve_connection(stream: TcpStream, state: Arc<State>, mut stopped: watch::Receiver<bool>) {
    let service = service_fn(move |req| {
        let state = Arc::clone(&state);
        async move { Ok::<_, Infallible>(state.handle(req).await) }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(e) = result {
                // Truncation faults end here on purpose; clients hang up too.
                tracing::trace!(error = %e, "replay connection ended");
            }
        }
        _ = stopped.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(DRAIN_TIMEOUT, connection).await;
        }
    }
}
