//! Zoom client (API v2) with server-to-server OAuth.
//!
//! Scopes: `user:read:user`, `user:read:email`, `meeting:read`,
//! `cloud_recording:read` (plus the report scope for participants).
//! - Token: `POST {oauth_url}/oauth/token?grant_type=account_credentials&account_id=..`
//!   with the app's client id and secret as basic auth.
//! - Users: `GET /users` (`next_page_token` pagination, `page_size` ≤ 300).
//! - Meetings: `GET /users/{id}/meetings?type=previous_meetings`; recurring
//!   meetings (types 3 and 8) expand to their instances with
//!   `GET /past_meetings/{id}/instances`; each instance is one [`Meeting`].
//! - Attendance: `GET /report/meetings/{uuid}/participants`; every join/leave
//!   pair is its own stretch, so re-joins stay apart (they are merged only when
//!   meeting load is computed).
//! - Details: `GET /past_meetings/{uuid}` (topic, start, end, host).
//! - Transcripts: `GET /users/{id}/recordings`, files of type `TRANSCRIPT`
//!   (WebVTT), fetched from their `download_url` with the same bearer token.
//!
//! UUIDs go into paths as Zoom requires: URL-encoded, and encoded twice when
//! they begin with `/` or contain `//`. Durations are normalised to minutes on
//! [`Meeting`] (Zoom gives minutes for meetings, seconds for participants).

use std::sync::Arc;

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::config::ZoomConfig;
use crate::model::{Attendance, Meeting, RecordMeta, Source, Transcript};
use crate::sources::http::{Auth, Body, HttpClient, HttpError};
use crate::sources::time::parse_provider_time;
use crate::sources::transcript::parse_vtt;

/// Server-to-server OAuth app credentials.
#[derive(Clone)]
pub struct ZoomCredentials {
    /// Account id.
    pub account_id: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: Arc<Zeroizing<String>>,
}

impl std::fmt::Debug for ZoomCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ZoomCredentials(..)")
    }
}

/// Why the Zoom client failed.
#[derive(Debug, thiserror::Error)]
pub enum ZoomError {
    /// HTTP failed.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The token endpoint answered without a token.
    #[error("zoom /oauth/token: no access_token in the answer")]
    NoToken,
    /// A transcript was not WebVTT.
    #[error(transparent)]
    Transcript(#[from] crate::sources::transcript::TranscriptError),
}

/// A Zoom user.
#[derive(Debug, Clone, Deserialize)]
pub struct ZoomUser {
    /// User id.
    pub id: String,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Display name.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A meeting as listed for a user.
#[derive(Debug, Clone, Deserialize)]
pub struct ListedMeeting {
    /// Meeting number.
    pub id: u64,
    /// UUID of the latest instance.
    #[serde(default)]
    pub uuid: Option<String>,
    /// 1 instant, 2 scheduled, 3 recurring without fixed time, 8 recurring.
    #[serde(rename = "type", default)]
    pub kind: u8,
    /// Topic.
    #[serde(default)]
    pub topic: String,
}

/// A `TRANSCRIPT` file as a cloud recording lists it, before download
/// (`GET /users/{userId}/recordings`: `recording_files[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptFile {
    /// Meeting instance UUID the recording belongs to.
    pub meeting_uuid: String,
    /// `recording_files[].id`.
    pub file_id: Option<String>,
    /// `recording_files[].file_size`, bytes.
    pub file_size: Option<u64>,
    /// `recording_files[].recording_end` as Zoom wrote it.
    pub recording_end: Option<String>,
}

impl TranscriptFile {
    /// A text that changes when the file does (`id|size|end`): stored with
    /// the transcript, so an unchanged file is not downloaded again.
    pub fn marker(&self) -> String {
        format!(
            "{}|{}|{}",
            self.file_id.as_deref().unwrap_or_default(),
            self.file_size.map(|n| n.to_string()).unwrap_or_default(),
            self.recording_end.as_deref().unwrap_or_default()
        )
    }
}

/// The Zoom client.
#[derive(Debug, Clone)]
pub struct ZoomClient {
    api: HttpClient,
    oauth: HttpClient,
    creds: ZoomCredentials,
    page_size: u32,
}

/// `uuid` encoded for a path segment, per Zoom's rule.
pub fn encode_uuid(uuid: &str) -> String {
    let once: String = url::form_urlencoded::byte_serialize(uuid.as_bytes()).collect();
    // form encoding writes spaces as '+'; UUIDs are base64 and have none.
    if uuid.starts_with('/') || uuid.contains("//") {
        url::form_urlencoded::byte_serialize(once.as_bytes()).collect()
    } else {
        once
    }
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

impl ZoomClient {
    /// A client for the configured account.
    ///
    /// # Errors
    /// [`HttpError::Policy`] when a base URL is not allowed.
    pub fn new(cfg: &ZoomConfig, creds: ZoomCredentials, budget: u32) -> Result<ZoomClient, HttpError> {
        Ok(ZoomClient {
            api: HttpClient::new(Source::Zoom, &cfg.base_url, Auth::None, budget)?,
            oauth: HttpClient::new(Source::Zoom, &cfg.oauth_url, Auth::None, 20)?,
            creds,
            page_size: 300,
        })
    }

    /// Items per page, 1 to 300 (Zoom's maximum and our default).
    pub fn with_page_size(mut self, n: u32) -> ZoomClient {
        self.page_size = n.clamp(1, 300);
        self
    }

    /// The API client (request counts, wait hook).
    pub fn http(&self) -> &HttpClient {
        &self.api
    }

    /// Replaces the API HTTP client (to attach a wait hook).
    pub fn with_http(mut self, http: HttpClient) -> ZoomClient {
        self.api = http;
        self
    }

    /// Requests made, token requests included.
    pub fn requests(&self) -> u32 {
        self.api.requests() + self.oauth.requests()
    }

    /// Fetches an access token and returns a client that uses it.
    ///
    /// # Errors
    /// [`ZoomError::Http`] (401 for wrong credentials), [`ZoomError::NoToken`].
    pub async fn authorize(mut self) -> Result<ZoomClient, ZoomError> {
        let basic = Auth::Basic {
            user: self.creds.client_id.clone(),
            token: self.creds.client_secret.clone(),
        };
        let q = [
            ("grant_type", "account_credentials".to_string()),
            ("account_id", self.creds.account_id.clone()),
        ];
        let f = self
            .oauth
            .post("/oauth/token", &q, Body::None, Some(&basic))
            .await?;
        let v: Value = f.json(Source::Zoom, "/oauth/token")?;
        let token = v
            .get("access_token")
            .and_then(Value::as_str)
            .ok_or(ZoomError::NoToken)?;
        self.api = self
            .api
            .with_auth(Auth::Bearer(Arc::new(Zeroizing::new(token.to_string()))));
        Ok(self)
    }

    async fn all_pages(
        &self,
        path: &str,
        items: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<Value>, HttpError> {
        let mut out = Vec::new();
        let mut token = String::new();
        loop {
            let mut q = query.to_vec();
            q.push(("page_size", self.page_size.to_string()));
            if !token.is_empty() {
                q.push(("next_page_token", token.clone()));
            }
            let v: Value = self.api.get_json(path, &q).await?;
            if let Some(a) = v.get(items).and_then(Value::as_array) {
                out.extend(a.iter().cloned());
            }
            token = s(&v, "next_page_token").unwrap_or_default();
            if token.is_empty() {
                return Ok(out);
            }
        }
    }

    /// Every user of the account.
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn users(&self) -> Result<Vec<ZoomUser>, HttpError> {
        Ok(self
            .all_pages("/users", "users", &[])
            .await?
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect())
    }

    /// Meetings a user hosted.
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn meetings(&self, user_id: &str) -> Result<Vec<ListedMeeting>, HttpError> {
        Ok(self
            .all_pages(
                &format!("/users/{user_id}/meetings"),
                "meetings",
                &[("type", "previous_meetings".into())],
            )
            .await?
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect())
    }

    /// Instance UUIDs of a meeting: every past instance of a recurring
    /// meeting, else the listed UUID.
    ///
    /// # Errors
    /// Any [`HttpError`].
    pub async fn instances(&self, m: &ListedMeeting) -> Result<Vec<String>, HttpError> {
        if matches!(m.kind, 3 | 8) {
            let v: Value = self
                .api
                .get_json(&format!("/past_meetings/{}/instances", m.id), &[])
                .await?;
            Ok(v.get("meetings")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|i| s(i, "uuid")).collect())
                .unwrap_or_default())
        } else {
            Ok(m.uuid.iter().cloned().collect())
        }
    }

    /// One past meeting instance with its attendance.
    ///
    /// # Errors
    /// Any [`HttpError`]; `Decode` when the details lack a start time.
    pub async fn meeting(&self, uuid: &str, site: &str) -> Result<Meeting, HttpError> {
        let enc = encode_uuid(uuid);
        let path = format!("/past_meetings/{enc}");
        let d: Value = self.api.get_json(&path, &[]).await?;
        let start = s(&d, "start_time")
            .as_deref()
            .and_then(parse_provider_time)
            .ok_or_else(|| HttpError::Decode {
                provider: Source::Zoom,
                endpoint: path.clone(),
                status: 200,
                message: "past meeting without a valid start_time".into(),
            })?;
        let end = s(&d, "end_time").as_deref().and_then(parse_provider_time);
        let minutes = d
            .get("duration")
            .and_then(Value::as_u64)
            .or_else(|| end.map(|e| (e.duration_since(start).as_secs().max(0) / 60) as u64))
            .unwrap_or(0);
        let participants = self
            .all_pages(
                &format!("/report/meetings/{enc}/participants"),
                "participants",
                &[],
            )
            .await?;
        let attendance = participants
            .iter()
            .filter_map(|p| {
                let join = s(p, "join_time").as_deref().and_then(parse_provider_time)?;
                let leave = s(p, "leave_time").as_deref().and_then(parse_provider_time)?;
                Some(Attendance {
                    name: s(p, "name").unwrap_or_default(),
                    email: s(p, "user_email").filter(|e| !e.is_empty()),
                    join,
                    leave,
                })
            })
            .collect();
        Ok(Meeting {
            meta: RecordMeta {
                site: site.to_string(),
                source: Source::Zoom,
                source_id: uuid.to_string(),
                event_time: end.unwrap_or(start),
                fetched_at: Timestamp::now(),
            },
            meeting_id: d
                .get("id")
                .map(|v| v.to_string().trim_matches('"').to_string())
                .unwrap_or_default(),
            topic: s(&d, "topic").unwrap_or_default(),
            host: s(&d, "user_email"),
            start,
            duration_minutes: u32::try_from(minutes).unwrap_or(u32::MAX),
            attendance,
        })
    }

    /// Transcripts of a user's cloud recordings in `[from, to]` (dates, `YYYY-MM-DD`).
    /// Each is returned with the instance UUID it belongs to and its start time.
    ///
    /// # Errors
    /// Any [`ZoomError`].
    pub async fn transcripts(
        &self,
        user_id: &str,
        from: &str,
        to: &str,
        site: &str,
    ) -> Result<Vec<Transcript>, ZoomError> {
        let all = self
            .transcripts_except(user_id, from, to, site, |_| false)
            .await?;
        Ok(all.into_iter().map(|(_, t)| t).collect())
    }

    /// Like [`ZoomClient::transcripts`], but a file for which `known` says
    /// true is not downloaded (one request for the listing, one per file
    /// fetched). Returns each transcript with the file it came from.
    ///
    /// # Errors
    /// Any [`ZoomError`].
    pub async fn transcripts_except(
        &self,
        user_id: &str,
        from: &str,
        to: &str,
        site: &str,
        known: impl Fn(&TranscriptFile) -> bool,
    ) -> Result<Vec<(TranscriptFile, Transcript)>, ZoomError> {
        let recs = self
            .all_pages(
                &format!("/users/{user_id}/recordings"),
                "meetings",
                &[("from", from.to_string()), ("to", to.to_string())],
            )
            .await?;
        let mut out = Vec::new();
        for r in &recs {
            let Some(uuid) = s(r, "uuid") else { continue };
            let start = s(r, "start_time").as_deref().and_then(parse_provider_time);
            let files = r
                .get("recording_files")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for f in files
                .iter()
                .filter(|f| s(f, "file_type").as_deref() == Some("TRANSCRIPT"))
            {
                let Some(url) = s(f, "download_url") else { continue };
                let file = TranscriptFile {
                    meeting_uuid: uuid.clone(),
                    file_id: s(f, "id"),
                    file_size: f.get("file_size").and_then(Value::as_u64),
                    recording_end: s(f, "recording_end"),
                };
                if known(&file) {
                    continue;
                }
                let target = self.api.resolve(&url)?;
                let (_, body) = self.api.get_bytes(target.as_str(), &[]).await?;
                let text = String::from_utf8_lossy(&body);
                let cues = parse_vtt(&text, &url)?;
                let transcript = Transcript {
                    meta: RecordMeta {
                        site: site.to_string(),
                        source: Source::Zoom,
                        source_id: uuid.clone(),
                        event_time: start.unwrap_or_else(Timestamp::now),
                        fetched_at: Timestamp::now(),
                    },
                    meeting_uuid: uuid.clone(),
                    cues,
                };
                out.push((file, transcript));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_encoded_as_zoom_requires() {
        assert_eq!(encode_uuid("abcDEF12=="), "abcDEF12%3D%3D");
        assert_eq!(encode_uuid("ab+c/d=="), "ab%2Bc%2Fd%3D%3D");
        // Begins with '/' or contains '//': encoded twice.
        assert_eq!(
            encode_uuid("/ajXp112QmuoKj4854875=="),
            "%252FajXp112QmuoKj4854875%253D%253D"
        );
        assert_eq!(encode_uuid("a//b"), "a%252F%252Fb");
    }
}
