//! `/api/docs`: the API reference, rendered on the server from this binary's own OpenAPI
//! document, so it cannot drift from the routes and needs no JavaScript to read. Operations are
//! grouped by tag, each one a `<details>` with its text, parameters, request body and answers;
//! `static/docs.js` only adds sending a request from the «Попробовать» form.

use super::layout::Page;
use crate::i18n::Locale;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde_json::Value;
use std::collections::HashSet;

#[derive(Template, WebTemplate)]
#[template(path = "docs.html")]
pub struct DocsPage {
    page: Page,
    tags: Vec<TagView>,
}

pub async fn page(State(state): State<AppState>, page: Page) -> DocsPage {
    let doc: Value = serde_json::from_str(&state.openapi_json).unwrap_or_default();
    let tags = reference(&doc, page.l);
    DocsPage { page, tags }
}

/// A piece of text: plain, or code (Markdown backticks in the document's descriptions).
pub struct Seg {
    pub code: bool,
    pub text: String,
}

pub struct TagView {
    pub name: String,
    pub title: String,
    pub ops: Vec<OpView>,
}

pub struct OpView {
    /// The operation id: anchors and element ids.
    pub id: String,
    pub method: String,
    pub method_lc: String,
    /// The full path, `/api/v1/…`.
    pub path: String,
    /// The first sentence of the summary.
    pub title: Vec<Seg>,
    /// The rest of the summary and the description, by paragraph.
    pub text: Vec<Vec<Seg>>,
    /// `required`, `optional` or empty.
    pub auth: &'static str,
    pub params: Vec<ParamView>,
    pub body: Option<SchemaView>,
    /// A JSON body with the required fields, for the form.
    pub body_example: String,
    pub responses: Vec<RespView>,
    /// Lines of the body field.
    pub body_rows: usize,
}

pub struct ParamView {
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    /// The same, in the page's language.
    pub location_label: String,
    pub required: bool,
    pub ty: String,
    pub description: Vec<Seg>,
}

pub struct SchemaView {
    pub ty: String,
    pub fields: Vec<FieldView>,
}

pub struct FieldView {
    /// Nesting, 0–3 (a CSS class: inline styles are refused by the CSP).
    pub depth: usize,
    pub name: String,
    pub ty: String,
    pub required: bool,
    pub description: Vec<Seg>,
}

pub struct RespView {
    pub status: String,
    pub ok: bool,
    pub description: Vec<Seg>,
    pub schema: Option<SchemaView>,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
const MAX_DEPTH: usize = 3;

/// The reference: tags in the document's order, then any tag it does not declare.
pub fn reference(doc: &Value, l: Locale) -> Vec<TagView> {
    let mut tags: Vec<TagView> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .map(|name| tag(name, l))
        .collect();
    let mut ops: Vec<(String, OpView)> = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let tag = op["tags"][0].as_str().unwrap_or("other").to_owned();
                ops.push((tag, operation(doc, path, method, op, l)));
            }
        }
    }
    for (name, op) in ops {
        if !tags.iter().any(|t| t.name == name) {
            tags.push(tag(&name, l));
        }
        if let Some(t) = tags.iter_mut().find(|t| t.name == name) {
            t.ops.push(op);
        }
    }
    tags.retain(|t| !t.ops.is_empty());
    tags
}

fn tag(name: &str, l: Locale) -> TagView {
    let key = format!("docs-tag-{name}");
    TagView {
        name: name.to_owned(),
        title: if l.has(&key) {
            l.t(&key)
        } else {
            name.to_owned()
        },
        ops: Vec::new(),
    }
}

fn operation(doc: &Value, path: &str, method: &str, op: &Value, l: Locale) -> OpView {
    let summary = op["summary"].as_str().unwrap_or("");
    let (title, rest) = first_sentence(summary);
    let mut text: Vec<Vec<Seg>> = paragraphs(rest);
    text.extend(paragraphs(op["description"].as_str().unwrap_or("")));
    let security = op["security"].as_array();
    let auth = match security {
        None => "",
        Some(s)
            if s.iter()
                .any(|r| r.as_object().is_some_and(|o| o.is_empty())) =>
        {
            "optional"
        }
        Some(s) if s.is_empty() => "",
        Some(_) => "required",
    };
    let params: Vec<ParamView> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let p = resolve(doc, p);
            let location = p["in"].as_str().unwrap_or("").to_owned();
            let key = format!("docs-in-{location}");
            ParamView {
                name: p["name"].as_str().unwrap_or("").to_owned(),
                location_label: if l.has(&key) {
                    l.t(&key)
                } else {
                    location.clone()
                },
                location,
                required: p["required"].as_bool().unwrap_or(false),
                ty: type_label(&p["schema"]),
                description: segments(p["description"].as_str().unwrap_or("")),
            }
        })
        .collect();
    let body_schema = &op["requestBody"]["content"]["application/json"]["schema"];
    let (body, body_example) = if body_schema.is_null() {
        (None, String::new())
    } else {
        (
            Some(schema_view(doc, body_schema)),
            serde_json::to_string_pretty(&example(doc, body_schema, 0)).unwrap_or_default(),
        )
    };
    let responses = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, r)| {
            let r = resolve(doc, r);
            let ok = status.starts_with('2');
            let schema = &r["content"]["application/json"]["schema"];
            RespView {
                status: status.clone(),
                ok,
                description: segments(r["description"].as_str().unwrap_or("")),
                // Error answers all share one shape, told once at the top of the page.
                schema: (!schema.is_null()).then(|| {
                    if ok {
                        schema_view(doc, schema)
                    } else {
                        SchemaView {
                            ty: type_label(schema),
                            fields: Vec::new(),
                        }
                    }
                }),
            }
        })
        .collect();
    let body_rows = (body_example.lines().count() + 1).clamp(3, 14);
    OpView {
        id: op["operationId"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{method}{}", path.replace(['/', '{', '}'], "-"))),
        method: method.to_uppercase(),
        method_lc: method.to_owned(),
        path: format!("/api/v1{path}"),
        title: segments(title),
        text,
        auth,
        params,
        body,
        body_example,
        responses,
        body_rows,
    }
}

/// The summary's first sentence, and the rest.
fn first_sentence(s: &str) -> (&str, &str) {
    let s = s.trim();
    let end = s
        .char_indices()
        .find(|&(i, c)| c == '.' && s[i + 1..].starts_with(char::is_whitespace))
        .map(|(i, _)| i + 1);
    match end {
        Some(i) => (&s[..i], s[i..].trim_start()),
        None => (s, ""),
    }
}

/// Paragraphs (blank-line separated); lines inside one are joined.
fn paragraphs(s: &str) -> Vec<Vec<Seg>> {
    s.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|p| segments(&p))
        .collect()
}

/// Text split at backticks: every other piece is code.
pub fn segments(s: &str) -> Vec<Seg> {
    s.split('`')
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| Seg {
            code: i % 2 == 1,
            text: t.to_owned(),
        })
        .collect()
}

/// A `$ref` to a component, followed (once; components here do not chain references).
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str() {
        Some(r) => r
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(doc, |node, key| &node[key]))
            .unwrap_or(v),
        None => v,
    }
}

fn ref_name(v: &Value) -> Option<&str> {
    v["$ref"].as_str().and_then(|r| r.rsplit('/').next())
}

/// A short type: `Order`, `string | null`, `Product[]`, `integer`.
pub fn type_label(v: &Value) -> String {
    if let Some(name) = ref_name(v) {
        return name.to_owned();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = v[key].as_array() {
            return variants
                .iter()
                .map(type_label)
                .collect::<Vec<_>>()
                .join(" | ");
        }
    }
    if let Some(values) = v["enum"].as_array() {
        return values
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(" | ");
    }
    let one = |t: &str| -> String {
        match t {
            "array" => format!("{}[]", type_label(&v["items"])),
            "string" => match v["format"].as_str() {
                Some(f) => format!("string ({f})"),
                None => "string".into(),
            },
            t => t.to_owned(),
        }
    };
    match &v["type"] {
        Value::String(t) => one(t),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(one)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "any".into(),
    }
}

fn schema_view(doc: &Value, v: &Value) -> SchemaView {
    let mut fields = Vec::new();
    let mut seen = HashSet::new();
    push_fields(doc, v, 0, &mut fields, &mut seen);
    SchemaView {
        ty: type_label(v),
        fields,
    }
}

/// The object a schema stands for, through references, nullable unions and arrays.
fn object_of<'a>(doc: &'a Value, v: &'a Value, seen: &mut HashSet<String>) -> Option<&'a Value> {
    if let Some(name) = ref_name(v)
        && !seen.insert(name.to_owned())
    {
        return None;
    }
    let v = resolve(doc, v);
    if v["properties"].is_object() {
        return Some(v);
    }
    if v["type"] == "array"
        || v["type"]
            .as_array()
            .is_some_and(|t| t.contains(&"array".into()))
    {
        return object_of(doc, &v["items"], seen);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = v[key].as_array() {
            return variants.iter().find_map(|x| object_of(doc, x, seen));
        }
    }
    None
}

fn push_fields(
    doc: &Value,
    v: &Value,
    depth: usize,
    out: &mut Vec<FieldView>,
    seen: &mut HashSet<String>,
) {
    let Some(obj) = object_of(doc, v, seen) else {
        return;
    };
    let required: Vec<&str> = obj["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut props: Vec<(&String, &Value)> = obj["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .collect();
    // Required fields first, each group in the document's order.
    props.sort_by_key(|(name, _)| !required.contains(&name.as_str()));
    for (name, prop) in props {
        let description = prop["description"]
            .as_str()
            .or_else(|| {
                prop["oneOf"]
                    .as_array()
                    .and_then(|vs| vs.iter().find_map(|x| x["description"].as_str()))
            })
            .unwrap_or("");
        out.push(FieldView {
            depth,
            name: name.clone(),
            ty: type_label(prop),
            required: required.contains(&name.as_str()),
            description: segments(&description.split_whitespace().collect::<Vec<_>>().join(" ")),
        });
        if depth < MAX_DEPTH {
            // A branch's own references may repeat elsewhere: only a cycle stops the descent.
            let mut branch = seen.clone();
            push_fields(doc, prop, depth + 1, out, &mut branch);
        }
    }
}

/// A body with every required field, empty values of its type.
fn example(doc: &Value, v: &Value, depth: usize) -> Value {
    let v = resolve(doc, v);
    if depth > MAX_DEPTH + 1 {
        return Value::Null;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = v[key].as_array() {
            return variants
                .iter()
                .find(|x| x["type"] != "null")
                .map(|x| example(doc, x, depth))
                .unwrap_or(Value::Null);
        }
    }
    if let Some(first) = v["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    let ty = match &v["type"] {
        Value::String(t) => t.as_str(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if v["properties"].is_object() => "object",
        _ => "string",
    };
    match ty {
        "object" => {
            let required: Vec<&str> = v["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut out = serde_json::Map::new();
            for (name, prop) in v["properties"].as_object().into_iter().flatten() {
                if required.contains(&name.as_str()) {
                    out.insert(name.clone(), example(doc, prop, depth + 1));
                }
            }
            Value::Object(out)
        }
        "array" => Value::Array(Vec::new()),
        "integer" | "number" => Value::from(0),
        "boolean" => Value::Bool(false),
        "null" => Value::Null,
        _ => Value::String(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn joined(segs: &[Seg]) -> String {
        segs.iter()
            .map(|s| {
                if s.code {
                    format!("<{}>", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn backticks_become_code_segments() {
        assert_eq!(
            joined(&segments("send `Authorization: Bearer <token>` or `x`.")),
            "send <Authorization: Bearer <token>> or <x>."
        );
        assert!(segments("").is_empty());
    }

    #[test]
    fn the_first_sentence_is_the_title() {
        assert_eq!(
            first_sentence("Checkout: an order. 201 when paid;\n202 else."),
            ("Checkout: an order.", "201 when paid;\n202 else.")
        );
        assert_eq!(first_sentence("No full stop"), ("No full stop", ""));
        assert_eq!(
            first_sentence("Version 1.5 works."),
            ("Version 1.5 works.", "")
        );
    }

    #[test]
    fn types_fields_and_examples_follow_references() {
        let doc = json!({"components": {"schemas": {
            "Line": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"}, "note": {"type": ["string", "null"]}}},
            "Body": {"type": "object", "required": ["lines", "n"], "properties": {
                "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
                "n": {"type": "integer", "description": "A `count`."},
                "more": {"oneOf": [{"$ref": "#/components/schemas/Line"}, {"type": "null"}]}}}
        }}});
        let body = json!({"$ref": "#/components/schemas/Body"});
        let view = schema_view(&doc, &body);
        assert_eq!(view.ty, "Body");
        let rows: Vec<_> = view
            .fields
            .iter()
            .map(|f| {
                format!(
                    "{}{}:{}{}",
                    ".".repeat(f.depth),
                    f.name,
                    f.ty,
                    if f.required { "!" } else { "" }
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                "lines:Line[]!",
                ".id:string!",
                ".note:string | null",
                "n:integer!",
                "more:Line | null",
                ".id:string!",
                ".note:string | null"
            ]
        );
        assert_eq!(example(&doc, &body, 0), json!({"lines": [], "n": 0}));
    }
}
