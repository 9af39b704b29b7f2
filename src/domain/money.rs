//! Money: integer kopecks, said the Russian way.

/// Money for people: «1 299,00 ₽» (non-breaking spaces).
pub fn rubles(kopecks: i64) -> String {
    let sign = if kopecks < 0 { "-" } else { "" };
    let k = kopecks.unsigned_abs();
    let whole = (k / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped},{:02}\u{a0}₽", k % 100)
}
