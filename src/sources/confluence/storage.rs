//! Confluence storage format (XHTML with `ac:`/`ri:` elements) reduced to
//! plain text for analysis, and Jira issue keys found in it.
//!
//! A small tolerant scanner, not an XML parser: storage bodies are often not
//! well-formed (unclosed tags, bare `<` and `&`, HTML entities XML does not
//! know), and the goal is readable text, not a tree. Rules:
//! - block elements (`p`, `h1`..`h6`, `li`, `tr`, `br`, tasks, ...) break lines;
//!   list items start with `- `; table cells are separated by spaces;
//! - macro parameters, task ids and statuses, `style` and `script` are
//!   dropped, except the `key` parameter of the `jira` macro, which is kept
//!   as text and as an issue key;
//! - CDATA (code macros) is kept as text;
//! - `ac:link` without a link body shows the linked page title or file name;
//! - entities are decoded (XML's five, numeric ones, and common HTML names).
//!
//! Must not: fetch anything or keep markup.

/// A storage body reduced to text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorageText {
    /// Plain text, one line per block, no blank lines.
    pub text: String,
    /// Keys named by `jira` macros, in order of appearance.
    pub macro_keys: Vec<String>,
}

/// Elements whose content is not prose.
const SKIPPED: &[&str] = &[
    "ac:parameter",
    "ac:task-id",
    "ac:task-status",
    "ac:task-uuid",
    "ac:placeholder",
    "style",
    "script",
    "head",
];

/// Elements that start and end a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "tr",
    "table",
    "thead",
    "tbody",
    "br",
    "hr",
    "blockquote",
    "pre",
    "dl",
    "dt",
    "dd",
    "ac:task",
    "ac:task-list",
    "ac:layout",
    "ac:layout-section",
    "ac:layout-cell",
    "ac:rich-text-body",
    "ac:plain-text-body",
];

/// One parsed tag.
struct Tag<'a> {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: Vec<(String, &'a str)>,
    len: usize,
}

impl Tag<'_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
    }
}

/// Parses the tag at the start of `s` (which starts with `<`); `None` when it
/// is not a tag (`a < b`, `<3`) or never closes.
fn parse_tag(s: &str) -> Option<Tag<'_>> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'-' | b'_' | b'.'))
    {
        i += 1;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => {
                return Some(Tag {
                    name,
                    closing,
                    self_closing: false,
                    attrs,
                    len: i + 1,
                });
            }
            b'/' if bytes.get(i + 1) == Some(&b'>') => {
                return Some(Tag {
                    name,
                    closing,
                    self_closing: true,
                    attrs,
                    len: i + 2,
                });
            }
            b'<' => return None,
            _ => {}
        }
        let key_start = i;
        while bytes
            .get(i)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/' | b'<'))
        {
            i += 1;
        }
        if i == key_start {
            // A stray `/` or similar: step over it.
            i += 1;
            continue;
        }
        let key = s[key_start..i].to_ascii_lowercase();
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            attrs.push((key, ""));
            continue;
        }
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let value = match bytes.get(i)? {
            q @ (b'"' | b'\'') => {
                let end = s[i + 1..].find(*q as char)? + i + 1;
                let v = &s[i + 1..end];
                i = end + 1;
                v
            }
            _ => {
                let start = i;
                while bytes
                    .get(i)
                    .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                {
                    i += 1;
                }
                &s[start..i]
            }
        };
        attrs.push((key, value));
    }
}

/// Decodes the entity at the start of `s` (which starts with `&`):
/// (text, bytes consumed), or `None` to keep the `&` as it is.
fn entity(s: &str) -> Option<(String, usize)> {
    // Entity names are short: look for the `;` in the next few bytes only.
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = s.get(1..end)?;
    let text = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        char::from_u32(code)?.to_string()
    } else {
        let c = match name {
            "amp" => "&",
            "lt" => "<",
            "gt" => ">",
            "quot" => "\"",
            "apos" => "'",
            "nbsp" | "ensp" | "emsp" | "thinsp" => " ",
            "ndash" => "–",
            "mdash" => "—",
            "hellip" => "…",
            "lsquo" => "‘",
            "rsquo" => "’",
            "ldquo" => "“",
            "rdquo" => "”",
            "laquo" => "«",
            "raquo" => "»",
            "bull" => "•",
            "middot" => "·",
            "times" => "×",
            "deg" => "°",
            "euro" => "€",
            "pound" => "£",
            "copy" => "©",
            "reg" => "®",
            "trade" => "™",
            "rarr" => "→",
            "larr" => "←",
            "auml" => "ä",
            "ouml" => "ö",
            "uuml" => "ü",
            "Auml" => "Ä",
            "Ouml" => "Ö",
            "Uuml" => "Ü",
            "szlig" => "ß",
            "eacute" => "é",
            "egrave" => "è",
            "aacute" => "á",
            "agrave" => "à",
            "iacute" => "í",
            "oacute" => "ó",
            "uacute" => "ú",
            "ntilde" => "ñ",
            "ccedil" => "ç",
            _ => return None,
        };
        c.to_string()
    };
    Some((text, end + 1))
}

/// An `ac:link` being read.
struct Link {
    has_body: bool,
    title: Option<String>,
}

/// Reduces a storage-format body to text (see the module doc).
pub fn to_text(storage: &str) -> StorageText {
    let mut out = String::with_capacity(storage.len() / 2);
    let mut macro_keys = Vec::new();
    // Open elements whose content is dropped.
    let mut skipping: Vec<String> = Vec::new();
    // Names of the open structured macros, innermost last.
    let mut macros: Vec<String> = Vec::new();
    // The jira macro's `key` parameter being read.
    let mut key_param: Option<String> = None;
    let mut links: Vec<Link> = Vec::new();

    let mut i = 0;
    while i < storage.len() {
        let rest = &storage[i..];
        if let Some(body) = rest.strip_prefix("<!--") {
            i += body.find("-->").map_or(rest.len(), |p| p + 4 + 3);
            continue;
        }
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").unwrap_or(body.len());
            if skipping.is_empty() {
                out.push_str(&body[..end]);
            }
            i += 9 + (end + 3).min(body.len());
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i += rest.find('>').map_or(rest.len(), |p| p + 1);
            continue;
        }
        if rest.starts_with('<')
            && let Some(tag) = parse_tag(rest)
        {
            i += tag.len;
            let name = tag.name.as_str();
            if tag.closing {
                if let Some(pos) = skipping.iter().rposition(|s| s == name) {
                    skipping.truncate(pos);
                }
                match name {
                    "ac:parameter" => {
                        if let Some(key) = key_param.take() {
                            let key = key.trim().to_string();
                            if !key.is_empty() {
                                out.push(' ');
                                out.push_str(&key);
                                out.push(' ');
                                macro_keys.push(key);
                            }
                        }
                    }
                    "ac:structured-macro" | "ac:macro" => {
                        macros.pop();
                    }
                    "ac:link" => {
                        if let Some(link) = links.pop()
                            && !link.has_body
                            && let Some(t) = link.title
                            && skipping.is_empty()
                        {
                            out.push_str(&t);
                        }
                    }
                    _ => {}
                }
                if BLOCKS.contains(&name) {
                    out.push('\n');
                }
                continue;
            }
            // An opening or self-closing tag.
            if BLOCKS.contains(&name) {
                out.push('\n');
            }
            match name {
                "li" if skipping.is_empty() => out.push_str("- "),
                "td" | "th" => out.push(' '),
                "ac:structured-macro" | "ac:macro" if !tag.self_closing => {
                    macros.push(tag.attr("ac:name").unwrap_or_default().to_ascii_lowercase());
                }
                "ac:parameter" if !tag.self_closing => {
                    if macros.last().map(String::as_str) == Some("jira") && tag.attr("ac:name") == Some("key")
                    {
                        key_param = Some(String::new());
                    } else {
                        skipping.push(name.to_string());
                    }
                }
                "ac:link" if !tag.self_closing => links.push(Link {
                    has_body: false,
                    title: None,
                }),
                "ac:link-body" | "ac:plain-text-link-body" => {
                    if let Some(l) = links.last_mut() {
                        l.has_body = true;
                    }
                }
                "ri:page" | "ri:blog-post" | "ri:attachment" | "ri:space" | "ri:url" => {
                    if let Some(l) = links.last_mut() {
                        l.title = tag
                            .attr("ri:content-title")
                            .or_else(|| tag.attr("ri:filename"))
                            .or_else(|| tag.attr("ri:space-key"))
                            .or_else(|| tag.attr("ri:value"))
                            .map(decode_entities);
                    }
                }
                "time" => {
                    if let Some(d) = tag.attr("datetime")
                        && skipping.is_empty()
                    {
                        out.push_str(d);
                    }
                }
                _ if SKIPPED.contains(&name) && !tag.self_closing => skipping.push(name.to_string()),
                _ => {}
            }
            continue;
        }
        // Text (or a `<`/`&` that is not markup).
        let (text, used) = if rest.starts_with('&') {
            entity(rest).unwrap_or_else(|| ("&".to_string(), 1))
        } else {
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let next = rest[first..].find(['<', '&']).map_or(rest.len(), |p| p + first);
            (rest[..next].to_string(), next)
        };
        i += used;
        if let Some(k) = key_param.as_mut() {
            k.push_str(&text);
        } else if skipping.is_empty() {
            out.push_str(&text);
        }
    }
    StorageText {
        text: tidy(&out),
        macro_keys,
    }
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if rest.starts_with('&')
            && let Some((t, used)) = entity(rest)
        {
            out.push_str(&t);
            i += used;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Collapses whitespace inside lines and drops empty lines.
fn tidy(s: &str) -> String {
    s.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Prefixes that look like issue keys but are standards and encodings.
const NOT_PROJECTS: &[&str] = &[
    "UTF", "ISO", "SHA", "RFC", "CVE", "TLS", "SSL", "HTTP", "AES", "GMT", "UTC", "MD", "IPV", "COVID",
    "PEP", "WCAG", "ECMA", "ANSI", "IEEE", "OAUTH", "ES", "HS", "RS", "PS", "CP", "ASCII",
];

/// Jira issue keys (`ALP-12`) in `text`, in order of appearance, without
/// duplicates. With `projects`, only keys of those projects; without, any
/// key-shaped word except well-known standards (`UTF-8`, `ISO-8601`).
pub fn issue_keys(text: &str, projects: &[String]) -> Vec<String> {
    let b = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if !(boundary && b[i].is_ascii_uppercase()) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 1;
        while j < b.len() && (b[j].is_ascii_uppercase() || b[j].is_ascii_digit() || b[j] == b'_') {
            j += 1;
        }
        let project_end = j;
        if j - start < 2 || j - start > 10 || b.get(j) != Some(&b'-') {
            i = j;
            continue;
        }
        j += 1;
        let digits_start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let ends_clean = j == b.len() || !(b[j].is_ascii_alphanumeric() || b[j] == b'_');
        if j > digits_start && j - digits_start <= 9 && ends_clean && b[digits_start] != b'0' {
            let project = &text[start..project_end];
            let wanted = if projects.is_empty() {
                !NOT_PROJECTS.contains(&project)
            } else {
                projects.iter().any(|p| p == project)
            };
            let key = &text[start..j];
            if wanted && !out.iter().any(|k| k == key) {
                out.push(key.to_string());
            }
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_lists_entities_and_tasks() {
        let t = to_text(
            "<h1>Goals</h1><p>Fish &amp; chips&nbsp;&mdash; a&lt;b &#65;&#x42; &bogus; R&D</p>\
             <ul><li>one</li><li>two <strong>bold</strong></li></ul>\
             <ac:task-list><ac:task><ac:task-id>10</ac:task-id><ac:task-status>complete</ac:task-status>\
             <ac:task-body>Get ID</ac:task-body></ac:task></ac:task-list>",
        );
        assert_eq!(
            t.text,
            "Goals\nFish & chips — a<b AB &bogus; R&D\n- one\n- two bold\nGet ID"
        );
    }

    #[test]
    fn jira_macro_keys_code_and_links() {
        let t = to_text(
            "<p>Epic: <ac:structured-macro ac:name=\"jira\" ac:schema-version=\"1\">\
             <ac:parameter ac:name=\"server\">System Jira</ac:parameter>\
             <ac:parameter ac:name=\"key\">ALP-1</ac:parameter></ac:structured-macro></p>\
             <ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">sh</ac:parameter>\
             <ac:plain-text-body><![CDATA[git clone x]]></ac:plain-text-body></ac:structured-macro>\
             <p><ac:link><ri:page ri:content-title=\"Demo &amp; Day\" /></ac:link> and \
             <ac:link><ri:page ri:content-title=\"Hidden\" /><ac:link-body>shown</ac:link-body></ac:link></p>\
             <p>a < b > c <!-- note --> done",
        );
        assert_eq!(t.macro_keys, vec!["ALP-1"]);
        assert_eq!(
            t.text,
            "Epic: ALP-1\ngit clone x\nDemo & Day and shown\na < b > c done"
        );
        assert!(!t.text.contains("System Jira"));
    }

    #[test]
    fn broken_markup_never_panics() {
        for s in [
            "<",
            "<p",
            "<p attr=\"x",
            "&",
            "&#xFFFFFFFF;",
            "<![CDATA[x",
            "<!-- x",
            "</>",
            "<a b='c'",
            "é<é>é",
            "<p>ü</p",
            "<ac:parameter ac:name=\"key\">ALP-1",
        ] {
            let _ = to_text(s);
        }
        assert_eq!(to_text("<p>ok</b></i></p>").text, "ok");
    }

    #[test]
    fn keys_with_and_without_projects() {
        let text = "ALP-12 and (BET-3), UTF-8, ISO-8601, browse/ALP-7; xALP-9 ALP-12 ALP-0 ALP-5a";
        assert_eq!(issue_keys(text, &[]), vec!["ALP-12", "BET-3", "ALP-7"]);
        assert_eq!(issue_keys(text, &["BET".to_string()]), vec!["BET-3"]);
        assert!(issue_keys("", &[]).is_empty());
    }
}
