//! `routes.json`: reading a replay folder into ready-to-serve routes, and
//! finding the route that answers a request.
//!
//! Owns: the folder format of FORMAT.md (parsing, validation with errors that
//! name the file, date shift at load, payload pre-rendering) and route
//! matching. Must not: do network I/O; it runs once, before the server binds.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Component, Path, PathBuf};

use bytes::Bytes;
use hyper::StatusCode;
use hyper::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::Value;

use super::ReplayError;
use super::pages::{Paged, Style};
use super::shift::{Shifter, whole_weeks};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutesFile {
    #[serde(default)]
    anchor: Option<String>,
    routes: Vec<RouteSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteSpec {
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    method: Option<String>,
    path: String,
    #[serde(default)]
    query: BTreeMap<String, String>,
    file: String,
    #[serde(default)]
    pages: Option<PagesSpec>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PagesSpec {
    style: Style,
    #[serde(default)]
    items: Option<String>,
    #[serde(default)]
    page_size: Option<usize>,
}

/// A loaded folder: its routes and the shift applied to them.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) routes: Vec<Route>,
    pub(crate) shift: SignedDuration,
}

/// One route, ready to answer.
#[derive(Debug)]
pub(crate) struct Route {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) status: StatusCode,
    /// The content type first, then the headers of `routes.json`.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) payload: Payload,
}

#[derive(Debug)]
pub(crate) enum Payload {
    /// The whole file, shifted and rendered once.
    Whole(Bytes),
    /// A collection sliced per request.
    Paged(Paged),
}

impl Route {
    /// Whether this route answers `method path?params`: every listed query
    /// parameter is present and its value contains the listed text.
    fn matches(&self, method: &str, path: &str, params: &[(String, String)]) -> bool {
        self.method.eq_ignore_ascii_case(method)
            && self.path == path
            && self
                .query
                .iter()
                .all(|(key, want)| params.iter().any(|(k, v)| k == key && v.contains(want.as_str())))
    }
}

/// Routes by method and path, each list in file order: a lookup costs one
/// hash and the query checks of the routes of that one path.
#[derive(Debug, Default)]
pub(crate) struct RouteIndex {
    by_path: HashMap<(String, String), Vec<usize>>,
}

impl RouteIndex {
    /// Indexes `routes`.
    pub(crate) fn new(routes: &[Route]) -> RouteIndex {
        let mut by_path: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, r) in routes.iter().enumerate() {
            by_path
                .entry((r.method.to_ascii_uppercase(), r.path.clone()))
                .or_default()
                .push(i);
        }
        RouteIndex { by_path }
    }

    /// The index of the first route, in file order, that answers the request.
    pub(crate) fn find(
        &self,
        routes: &[Route],
        method: &str,
        path: &str,
        params: &[(String, String)],
    ) -> Option<usize> {
        self.by_path
            .get(&(method.to_ascii_uppercase(), path.to_string()))?
            .iter()
            .copied()
            .find(|&i| routes[i].matches(method, path, params))
    }
}

/// Reads `folder/routes.json` and every file it names, shifted to `now`.
pub(crate) fn load(folder: &Path, now: Option<Timestamp>) -> Result<Loaded, ReplayError> {
    let routes_path = folder.join("routes.json");
    let spec: RoutesFile = read_json(&routes_path)?;

    let shift = match (spec.anchor.as_deref(), now) {
        (Some(anchor), Some(now)) => {
            let anchor: Timestamp = anchor.parse().map_err(|e: jiff::Error| ReplayError::Anchor {
                path: routes_path.clone(),
                value: anchor.to_owned(),
                reason: e.to_string(),
            })?;
            whole_weeks(anchor, now)
        }
        _ => SignedDuration::ZERO,
    };
    let shifter = Shifter::new(shift);

    // Some routes share a file (query variants): read those once, and keep
    // only them in memory while loading.
    let mut uses: HashMap<(String, bool), usize> = HashMap::new();
    for route in &spec.routes {
        *uses.entry((route.file.clone(), is_slack(route))).or_default() += 1;
    }
    let mut cache: HashMap<(String, bool), Value> = HashMap::new();
    let mut routes = Vec::with_capacity(spec.routes.len());
    for (index, route) in spec.routes.into_iter().enumerate() {
        let bad = |reason: String| ReplayError::Route {
            path: routes_path.clone(),
            index,
            route: route.path.clone(),
            reason,
        };
        let file = safe_relative(&route.file)
            .map(|rel| folder.join(rel))
            .ok_or_else(|| {
                bad(format!(
                    "file {:?} must be a relative path inside the folder",
                    route.file
                ))
            })?;
        let method = route
            .method
            .clone()
            .unwrap_or_else(|| "GET".to_owned())
            .to_ascii_uppercase();
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(bad(format!("method {method:?} is not an HTTP method")));
        }
        let status = StatusCode::from_u16(route.status.unwrap_or(200))
            .map_err(|_| bad(format!("status {:?} is not an HTTP status", route.status)))?;
        let is_json = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let slack = is_slack(&route);

        let mut headers = Vec::with_capacity(route.headers.len() + 1);
        if !route
            .headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case("content-type"))
        {
            headers.push((CONTENT_TYPE, HeaderValue::from_static(content_type(&file))));
        }
        for (name, value) in &route.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| bad(format!("header name {name:?} is invalid")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| bad(format!("header {name} value {value:?} is invalid")))?;
            headers.push((name, value));
        }

        let payload = if is_json {
            let key = (route.file.clone(), slack);
            let value = match cache.get(&key) {
                Some(value) => value.clone(),
                None => {
                    let mut value: Value = read_json(&file)?;
                    shifter.shift_json(&mut value, slack);
                    if uses.get(&key).is_some_and(|n| *n > 1) {
                        cache.insert(key, value.clone());
                    }
                    value
                }
            };
            match &route.pages {
                Some(pages) => Payload::Paged(
                    paged(value, pages).map_err(|reason| bad(format!("{}: {reason}", file.display())))?,
                ),
                None => Payload::Whole(Bytes::from(value.to_string())),
            }
        } else {
            if route.pages.is_some() {
                return Err(bad(format!("pages need a .json file, not {:?}", route.file)));
            }
            Payload::Whole(Bytes::from(read(&file)?))
        };

        routes.push(Route {
            method,
            path: route.path,
            query: route
                .query
                .into_iter()
                .map(|(key, value)| {
                    let shifted = shifter.shift_keyed(Some(&key), &value, slack);
                    (key, shifted.unwrap_or(value))
                })
                .collect(),
            status,
            headers,
            payload,
        });
    }
    set_jql_time_zone(&mut routes);
    Ok(Loaded { routes, shift })
}

/// Jira reads JQL date literals in the account's time zone: the `timeZone`
/// of the folder's `/rest/api/{2,3}/myself` payload (UTC without one).
fn set_jql_time_zone(routes: &mut [Route]) {
    let zone = routes
        .iter()
        .filter(|r| r.path.starts_with("/rest/api/") && r.path.ends_with("/myself"))
        .find_map(|r| match &r.payload {
            Payload::Whole(body) => serde_json::from_slice::<Value>(body)
                .ok()?
                .get("timeZone")?
                .as_str()
                .and_then(|z| jiff::tz::TimeZone::get(z).ok()),
            Payload::Paged(_) => None,
        });
    if let Some(tz) = zone {
        for r in routes {
            if let Payload::Paged(p) = &mut r.payload {
                p.tz = tz.clone();
            }
        }
    }
}

/// Slack payloads carry epoch timestamps that the shift must know about.
fn is_slack(route: &RouteSpec) -> bool {
    route
        .provider
        .as_deref()
        .is_some_and(|p| p.eq_ignore_ascii_case("slack"))
}

/// Splits a whole collection into its envelope and pre-rendered items.
fn paged(value: Value, spec: &PagesSpec) -> Result<Paged, String> {
    let page_size = spec
        .page_size
        .unwrap_or_else(|| spec.style.default_page_size())
        .max(1);
    let render = |items: Vec<Value>| {
        items
            .iter()
            .map(|item| Bytes::from(item.to_string()))
            .collect::<Vec<_>>()
    };
    let stamps = |items: &[Value]| -> Vec<Option<Timestamp>> {
        let all: Vec<_> = items.iter().map(|i| super::query::stamp(spec.style, i)).collect();
        if all.iter().all(Option::is_none) {
            Vec::new()
        } else {
            all
        }
    };
    if spec.style.is_bare_array() {
        let Value::Array(items) = value else {
            return Err("github_link pages need a JSON array".into());
        };
        return Ok(Paged {
            style: spec.style,
            items_key: String::new(),
            page_size,
            envelope: serde_json::Map::new(),
            stamps: stamps(&items),
            items: render(items),
            had_is_last: false,
            tz: jiff::tz::TimeZone::UTC,
        });
    }
    let items_key = spec
        .items
        .clone()
        .ok_or("pages need \"items\": the key of the array")?;
    let Value::Object(mut envelope) = value else {
        return Err(format!(
            "pages need a JSON object with an array under {items_key:?}"
        ));
    };
    let Some(Value::Array(items)) = envelope.remove(&items_key) else {
        return Err(format!("no array under {items_key:?}"));
    };
    let had_is_last = envelope.contains_key("isLast");
    Ok(Paged {
        style: spec.style,
        items_key,
        page_size,
        envelope,
        stamps: stamps(&items),
        items: render(items),
        had_is_last,
        tz: jiff::tz::TimeZone::UTC,
    })
}

fn read(path: &Path) -> Result<Vec<u8>, ReplayError> {
    fs::read(path).map_err(|source| ReplayError::Read {
        path: path.to_owned(),
        source,
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ReplayError> {
    let bytes = read(path)?;
    serde_json::from_slice(&bytes).map_err(|source| ReplayError::Json {
        path: path.to_owned(),
        source,
    })
}

/// `file` as a path that stays inside the folder.
fn safe_relative(file: &str) -> Option<PathBuf> {
    let path = Path::new(file);
    let inside = !file.is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    inside.then(|| path.to_owned())
}

fn content_type(file: &Path) -> &'static str {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "json" => "application/json; charset=utf-8",
        "vtt" => "text/vtt",
        "txt" => "text/plain; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "xml" => "application/xml",
        "csv" => "text/csv",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(query: &[(&str, &str)]) -> Route {
        Route {
            method: "GET".into(),
            path: "/rest/api/3/search/jql".into(),
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            status: StatusCode::OK,
            headers: Vec::new(),
            payload: Payload::Whole(Bytes::new()),
        }
    }

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn query_values_match_by_substring_and_all_must_be_present() {
        let r = route(&[("jql", "project = ALP"), ("fields", "")]);
        let path = "/rest/api/3/search/jql";
        assert!(r.matches(
            "GET",
            path,
            &params(&[("jql", "project = ALP ORDER BY key"), ("fields", "*all")])
        ));
        assert!(r.matches("get", path, &params(&[("fields", "x"), ("jql", "project = ALP")])));
        assert!(!r.matches("GET", path, &params(&[("jql", "project = ALP")])));
        assert!(!r.matches("GET", path, &params(&[("jql", "project = BET"), ("fields", "")])));
        assert!(!r.matches("POST", path, &params(&[("jql", "project = ALP"), ("fields", "")])));
        assert!(!r.matches(
            "GET",
            "/rest/api/3/search",
            &params(&[("jql", "project = ALP"), ("fields", "")])
        ));
    }

    #[test]
    fn files_must_stay_inside_the_folder() {
        assert!(safe_relative("jira/search.json").is_some());
        assert!(safe_relative("./a.json").is_some());
        assert!(safe_relative("../a.json").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("").is_none());
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(
            content_type(Path::new("a/b.JSON")),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("t.vtt")), "text/vtt");
        assert_eq!(content_type(Path::new("blob")), "application/octet-stream");
    }
}
