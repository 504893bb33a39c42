//! Atlassian Document Format (ADF, `{"version":1,"type":"doc",...}`) flattened
//! to plain text: paragraphs and headings on their own lines, list items
//! prefixed with "- ", code blocks kept as text (the LLM redaction gate, not
//! this function, decides what leaves the machine), mentions and emoji by
//! their text, hard breaks as newlines.

use serde_json::Value;

/// Plain text of an ADF document or node.
pub fn flatten(doc: &Value) -> String {
    let mut out = String::new();
    walk(doc, &mut out);
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    let mut text = lines.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim().to_string()
}

fn walk(node: &Value, out: &mut String) {
    let kind = node.get("type").and_then(Value::as_str).unwrap_or_default();
    match kind {
        "text" => {
            if let Some(t) = node.get("text").and_then(Value::as_str) {
                out.push_str(t);
            }
        }
        "hardBreak" => out.push('\n'),
        "mention" | "emoji" | "status" | "date" => {
            let attrs = node.get("attrs");
            let t = attrs
                .and_then(|a| {
                    a.get("text")
                        .or_else(|| a.get("shortName"))
                        .or_else(|| a.get("timestamp"))
                })
                .and_then(Value::as_str)
                .unwrap_or_default();
            out.push_str(t);
        }
        "inlineCard" | "blockCard" => {
            if let Some(url) = node
                .get("attrs")
                .and_then(|a| a.get("url"))
                .and_then(Value::as_str)
            {
                out.push_str(url);
            }
        }
        "listItem" => {
            out.push_str("- ");
            children(node, out);
            ensure_newline(out);
        }
        "paragraph" | "heading" | "codeBlock" | "blockquote" | "panel" | "rule" | "tableRow" => {
            // The first paragraph of a list item stays on the item's line.
            if !out.ends_with("- ") {
                ensure_newline(out);
            }
            children(node, out);
            out.push('\n');
        }
        "tableCell" | "tableHeader" => {
            children(node, out);
            out.push_str(" | ");
        }
        _ => children(node, out),
    }
}

fn children(node: &Value, out: &mut String) {
    if let Some(content) = node.get("content").and_then(Value::as_array) {
        for c in content {
            walk(c, out);
        }
    }
}

fn ensure_newline(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_and_mentions() {
        let doc = serde_json::json!({"version":1,"type":"doc","content":[
            {"type":"heading","attrs":{"level":1},"content":[{"type":"text","text":"Title"}]},
            {"type":"paragraph","content":[{"type":"text","text":"Hello "},{"type":"mention","attrs":{"id":"1","text":"@Ada"}}]},
            {"type":"bulletList","content":[
                {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]}]},
                {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"two"}]}]}]}
        ]});
        assert_eq!(flatten(&doc), "Title\nHello @Ada\n- one\n- two");
    }
}
