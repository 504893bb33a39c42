//! The https-only promise, checked where URLs enter the program.
//!
//! Every provider base URL and every URL the HTTP client is about to call passes
//! [`check_base_url`]: `https://` is accepted; `http://` only when the host is a
//! loopback address (`127.0.0.0/8`, `::1`, `localhost`), which the replay server,
//! tests and local LLM servers use.

use std::net::IpAddr;

/// Why a URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// Not a URL at all.
    #[error(
        "{url:?} is not a valid URL ({reason}); write the whole URL with its scheme, e.g. \"https://{url}\""
    )]
    Malformed {
        /// The value given.
        url: String,
        /// Parser message.
        reason: String,
    },
    /// Plain http to a host that is not loopback.
    #[error(
        "refusing plain http:// to {host:?} ({url}): all traffic must use https:// (TLS 1.2 or newer); \
         http:// is allowed only for loopback hosts such as 127.0.0.1"
    )]
    PlainHttp {
        /// The value given.
        url: String,
        /// Its host.
        host: String,
    },
    /// Another scheme.
    #[error("unsupported scheme {scheme:?} in {url}: use https://")]
    Scheme {
        /// The value given.
        url: String,
        /// Its scheme.
        scheme: String,
    },
}

/// Checks that `url` may be called: https, or http on a loopback host.
///
/// # Errors
/// [`EndpointError`] saying why not.
pub fn check_base_url(url: &str) -> Result<url::Url, EndpointError> {
    let parsed = url::Url::parse(url).map_err(|e| EndpointError::Malformed {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback_url(&parsed) => Ok(parsed),
        "http" => Err(EndpointError::PlainHttp {
            url: url.to_string(),
            host: parsed.host_str().unwrap_or_default().to_string(),
        }),
        other => Err(EndpointError::Scheme {
            url: url.to_string(),
            scheme: other.to_string(),
        }),
    }
}

/// Whether the URL's host is a loopback address or `localhost`.
pub fn is_loopback_url(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_pass_plain_http_elsewhere_fails() {
        assert!(check_base_url("https://api.github.com").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080/v1").is_ok());
        assert!(check_base_url("http://127.3.4.5").is_ok());
        assert!(check_base_url("http://[::1]:11434").is_ok());
        assert!(check_base_url("http://localhost:11434/v1").is_ok());
        assert!(matches!(
            check_base_url("http://jira.example.com"),
            Err(EndpointError::PlainHttp { .. })
        ));
        // A name that merely starts like loopback is not loopback.
        assert!(check_base_url("http://127.0.0.1.example.com").is_err());
        assert!(check_base_url("http://10.0.0.1").is_err());
        assert!(matches!(
            check_base_url("ftp://x"),
            Err(EndpointError::Scheme { .. })
        ));
        assert!(matches!(
            check_base_url("nope"),
            Err(EndpointError::Malformed { .. })
        ));
    }
}
