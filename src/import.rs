//! Reading a shop's own data files for `kabinet catalog import` and `kabinet pickup-points
//! import`: a JSON array of objects or a CSV file with a header row (comma or semicolon), the
//! same field names either way. Every row is checked before anything is written; errors name
//! the row.

use serde::de::DeserializeOwned;
use std::path::Path;

/// A row that failed to parse or validate: 1-based row number (the CSV header is row 0) and why.
#[derive(Debug)]
pub struct RowError {
    pub row: usize,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}: {}", self.row, self.message)
    }
}

/// The error for a refused file: how many rows, and the first twenty reasons.
pub fn refused(errors: &[RowError]) -> anyhow::Error {
    let list: Vec<String> = errors.iter().take(20).map(|e| e.to_string()).collect();
    anyhow::anyhow!(
        "{} row(s) refused, nothing imported:\n{}",
        errors.len(),
        list.join("\n")
    )
}

/// Reads every row of `path` (JSON when it starts with `[`, else CSV).
pub fn read_rows<T: DeserializeOwned>(path: &Path) -> anyhow::Result<Vec<T>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    parse_rows(&text)
}

/// The rows of a file's text, or why they cannot be read as row errors (row 0: the whole file),
/// for callers that show errors by row (the staff console's upload).
pub fn rows_of<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, Vec<RowError>> {
    parse_rows(text).map_err(|e| {
        let message = e.to_string();
        let (row, message) = message
            .strip_prefix("row ")
            .and_then(|rest| rest.split_once(": "))
            .and_then(|(n, m)| Some((n.parse().ok()?, m.to_owned())))
            .unwrap_or((0, message));
        vec![RowError { row, message }]
    })
}

pub fn parse_rows<T: DeserializeOwned>(text: &str) -> anyhow::Result<Vec<T>> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('[') {
        let values: Vec<serde_json::Value> = serde_json::from_str(text)
            .map_err(|e| anyhow::anyhow!("not a JSON array of objects: {e}"))?;
        return values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value(v).map_err(|e| anyhow::anyhow!("row {}: {e}", i + 1))
            })
            .collect();
    }
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.deserialize().enumerate() {
        rows.push(record.map_err(|e: csv::Error| anyhow::anyhow!("row {}: {e}", i + 1))?);
    }
    Ok(rows)
}

/// Money in roubles as people write it ("1499", "1 499,90", "1499.9") → kopecks.
pub fn roubles_to_kopecks(s: &str) -> Option<i64> {
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let s = s.replace(',', ".");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let kop = format!("{frac:0<2}").parse::<i64>().ok()?;
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(kop)
}

/// Numbers in files may come quoted or not; CSV gives strings, JSON numbers.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum Num {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Num {
    pub fn as_text(&self) -> String {
        match self {
            Num::Int(i) => i.to_string(),
            Num::Float(f) => f.to_string(),
            Num::Text(s) => s.trim().to_owned(),
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Num::Int(i) => Some(*i as f64),
            Num::Float(f) => Some(*f),
            Num::Text(s) => s.trim().replace(',', ".").parse().ok(),
        }
        .filter(|f: &f64| f.is_finite())
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Num::Int(i) => Some(*i),
            Num::Float(f) if f.fract() == 0.0 && f.abs() < 9e15 => Some(*f as i64),
            Num::Float(_) => None,
            Num::Text(s) => s.trim().parse().ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Row {
        name: String,
        n: Num,
    }

    #[test]
    fn json_and_csv_read_the_same_rows() {
        let j: Vec<Row> =
            parse_rows(r#"[{"name": "а", "n": 5}, {"name": "б", "n": "6"}]"#).unwrap();
        let c: Vec<Row> = parse_rows("name;n\nа;5\nб; 6\n").unwrap();
        let d: Vec<Row> = parse_rows("\u{feff}name,n\nа,5\nб,6\n").unwrap();
        for rows in [j, c, d] {
            assert_eq!(rows.len(), 2);
            assert_eq!(rows[1].name, "б");
            assert_eq!(rows[1].n.as_i64(), Some(6));
        }
        let err = parse_rows::<Row>("name,n\nа,5\nб\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("row 2"), "{err}");
    }

    #[test]
    fn roubles_become_kopecks() {
        assert_eq!(roubles_to_kopecks("1499"), Some(149_900));
        assert_eq!(roubles_to_kopecks("1 499,90"), Some(149_990));
        assert_eq!(roubles_to_kopecks("1499.9"), Some(149_990));
        assert_eq!(roubles_to_kopecks("0.05"), Some(5));
        for bad in ["", "-5", "1.999", "12a", ".5", "1e3"] {
            assert_eq!(roubles_to_kopecks(bad), None, "{bad}");
        }
    }
}
