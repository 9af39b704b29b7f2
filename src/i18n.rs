//! Message catalogues (`locales/{ru,en}/*.ftl`), Russian first. Every user-facing text goes
//! through here: pages, API error messages, SMS, voice and email.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "ru",
        // Isolation marks would end up inside SMS texts and break the WebOTP line.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static RU: LanguageIdentifier = langid!("ru");
static EN: LanguageIdentifier = langid!("en");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Ru,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Ru => "ru",
            Locale::En => "en",
        }
    }

    /// A date as people say it: «25 ноября», "25 November".
    pub fn day_month(self, d: time::Date) -> String {
        self.day_month_of(d.day(), u8::from(d.month()))
    }

    fn day_month_of(self, day: u8, month: u8) -> String {
        const RU: [&str; 12] = [
            "января",
            "февраля",
            "марта",
            "апреля",
            "мая",
            "июня",
            "июля",
            "августа",
            "сентября",
            "октября",
            "ноября",
            "декабря",
        ];
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let m = usize::from(month.clamp(1, 12)) - 1;
        match self {
            Locale::Ru => format!("{day} {}", RU[m]),
            Locale::En => format!("{day} {}", EN[m]),
        }
    }

    /// A moment in the shop's zone, the one way pages and messages show time:
    /// «30 ноября 2026, 12:32», "30 November 2026, 12:32".
    pub fn when(self, ms: i64, zone: &jiff::tz::TimeZone) -> String {
        let t = local(ms, zone);
        format!(
            "{} {}, {:02}:{:02}",
            self.day_month_of(t.day() as u8, t.month() as u8),
            t.year(),
            t.hour(),
            t.minute()
        )
    }

    /// The day of a moment in the shop's zone: «30 ноября 2026».
    pub fn date(self, ms: i64, zone: &jiff::tz::TimeZone) -> String {
        let t = local(ms, zone);
        format!(
            "{} {}",
            self.day_month_of(t.day() as u8, t.month() as u8),
            t.year()
        )
    }

    /// «3 товара», "3 items": a count of goods with its noun.
    pub fn items(self, n: i64) -> String {
        self.ta("items", &[("n", n.to_string())])
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ru" => Some(Locale::Ru),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// First supported language of an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(l) = Locale::parse(primary)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map(|(_, l)| l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Locale::Ru => &RU,
            Locale::En => &EN,
        }
    }

    /// A message by key.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// A message by key with named arguments.
    pub fn ta(self, key: &str, args: &[(&'static str, String)]) -> String {
        self.try_ta(key, args)
            .unwrap_or_else(|| LOCALES.lookup_with_args(self.id(), key, &Self::arg_map(args)))
    }

    /// A message by key with named arguments, if the catalogue has it.
    pub fn try_ta(self, key: &str, args: &[(&'static str, String)]) -> Option<String> {
        LOCALES.try_lookup_with_args(self.id(), key, &Self::arg_map(args))
    }

    /// Arguments that are counts reach Fluent as numbers, so its plural selectors pick
    /// «1 попытка / 2 попытки / 5 попыток»; everything else (codes with leading zeros, names)
    /// stays text.
    fn arg_map(
        args: &[(&'static str, String)],
    ) -> HashMap<Cow<'static, str>, FluentValue<'static>> {
        const COUNTS: &[&str] = &["n", "left", "count", "hours", "minutes"];
        args.iter()
            .map(|(k, v)| {
                let value = match v.parse::<i64>() {
                    Ok(n) if COUNTS.contains(k) => FluentValue::from(n),
                    _ => FluentValue::from(v.clone()),
                };
                (Cow::Borrowed(*k), value)
            })
            .collect()
    }

    /// A wait in words with the right plural: «45 секунд», «2 минуты», «1 час» (rounded up to
    /// the unit; hours from 90 minutes on).
    pub fn wait(self, secs: i64) -> String {
        let secs = secs.max(1);
        let (unit, n) = if secs < 60 {
            ("s", secs)
        } else if secs < 90 * 60 {
            ("m", (secs + 59) / 60)
        } else {
            ("h", (secs + 1799) / 3600)
        };
        self.ta("wait", &[("unit", unit.to_owned()), ("n", n.to_string())])
    }

    pub fn has(self, key: &str) -> bool {
        LOCALES.try_lookup(self.id(), key).is_some()
    }
}

/// Civil time in `zone` of a Unix-millisecond moment (the epoch for one out of range).
fn local(ms: i64, zone: &jiff::tz::TimeZone) -> jiff::civil::DateTime {
    let at = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    zone.to_datetime(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_and_counts_take_russian_plurals() {
        let ru = Locale::Ru;
        assert_eq!(ru.wait(1), "1 секунду");
        assert_eq!(ru.wait(3), "3 секунды");
        assert_eq!(ru.wait(50), "50 секунд");
        assert_eq!(ru.wait(61), "2 минуты");
        assert_eq!(ru.wait(21 * 60), "21 минуту");
        assert_eq!(ru.wait(50 * 60), "50 минут");
        assert_eq!(ru.wait(3600), "60 минут");
        assert_eq!(ru.wait(2 * 3600), "2 часа");
        assert_eq!(ru.wait(5 * 3600), "5 часов");
        assert_eq!(Locale::En.wait(1), "1 second");
        assert_eq!(Locale::En.wait(7200), "2 hours");
        let left = |n: &str| ru.ta("error-invalid-code", &[("left", n.into())]);
        assert_eq!(left("1"), "Неверный код. Осталась 1 попытка.");
        assert_eq!(left("2"), "Неверный код. Осталось 2 попытки.");
        assert_eq!(left("4"), "Неверный код. Осталось 4 попытки.");
        assert_eq!(
            ru.ta("error-resend-too-soon", &[("wait", ru.wait(50))]),
            "Новый код можно получить через 50 секунд."
        );
    }

    #[test]
    fn dates_read_as_people_say_them() {
        let d = time::macros::date!(2026 - 11 - 25);
        assert_eq!(Locale::Ru.day_month(d), "25 ноября");
        assert_eq!(Locale::En.day_month(d), "25 November");
    }

    #[test]
    fn moments_read_in_the_shops_zone() {
        let msk = jiff::tz::TimeZone::get("Europe/Moscow").unwrap();
        // 2026-11-30 09:32 UTC is 12:32 in Moscow.
        let ms = 1_796_031_120_000;
        assert_eq!(Locale::Ru.when(ms, &msk), "30 ноября 2026, 12:32");
        assert_eq!(Locale::En.when(ms, &msk), "30 November 2026, 12:32");
        assert_eq!(Locale::Ru.date(ms, &msk), "30 ноября 2026");
        let vlat = jiff::tz::TimeZone::get("Asia/Vladivostok").unwrap();
        assert_eq!(Locale::Ru.when(ms, &vlat), "30 ноября 2026, 19:32");
    }

    #[test]
    fn goods_take_russian_plurals() {
        let ru = Locale::Ru;
        assert_eq!(ru.items(1), "1 товар");
        assert_eq!(ru.items(3), "3 товара");
        assert_eq!(ru.items(5), "5 товаров");
        assert_eq!(ru.items(21), "21 товар");
        assert_eq!(ru.items(12), "12 товаров");
        assert_eq!(Locale::En.items(1), "1 item");
        assert_eq!(Locale::En.items(3), "3 items");
    }

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(
            Locale::from_accept_language("en-US,en;q=0.9"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("de, en;q=0.5, ru;q=0.8"),
            Some(Locale::Ru)
        );
        assert_eq!(Locale::from_accept_language("de"), None);
    }

    #[test]
    fn both_languages_have_every_key() {
        // Absolute paths: figment's Jail (config tests) changes the working directory.
        let dir = env!("CARGO_MANIFEST_DIR");
        let ru = std::fs::read_to_string(format!("{dir}/locales/ru/main.ftl")).unwrap();
        let en = std::fs::read_to_string(format!("{dir}/locales/en/main.ftl")).unwrap();
        let keys = |s: &str| -> Vec<String> {
            s.lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
                .map(|l| l.split(" =").next().unwrap().to_owned())
                .collect()
        };
        let (r, e) = (keys(&ru), keys(&en));
        for k in &r {
            assert!(e.contains(k), "en lacks {k}");
        }
        for k in &e {
            assert!(r.contains(k), "ru lacks {k}");
        }
    }

    #[test]
    fn no_isolation_marks() {
        let s = Locale::Ru.ta(
            "sms-code-login",
            &[("code", "123456".into()), ("host", "shop.ru".into())],
        );
        assert!(!s.contains('\u{2068}'), "{s:?}");
        assert!(s.ends_with("@shop.ru #123456"), "{s:?}");
    }
}
