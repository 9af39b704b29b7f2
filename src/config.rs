//! Settings: built-in defaults < `kabinet.toml` (or `KABINET_CONFIG`) < `KABINET_*` environment.
//! Nested sections use a double underscore: `KABINET_SMTP__HOST`, `KABINET_LIMITS__IP_PER_HOUR`.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `development` or `production` (`KABINET_ENV`). Unset: development on a loopback
    /// address; any other address refuses to start until it is set.
    pub env: Option<String>,
    /// Listen address.
    pub addr: String,
    /// `sqlite://path` or `postgres://…`.
    pub database_url: String,
    /// Public base URL used in links; defaults to `http://<addr>`.
    pub base_url: Option<String>,
    /// Dev outbox: in development on by default when no SMS or email provider is configured;
    /// never in production.
    #[serde(deserialize_with = "opt_flag")]
    pub dev_outbox: Option<bool>,
    /// Peers whose `X-Forwarded-For` is believed.
    #[serde(deserialize_with = "cidr_list")]
    pub trusted_proxies: Vec<IpNet>,
    /// Server secret (≥ 32 characters) from which the keys of code HMACs, captchas and the
    /// message queue are derived. Required in production; in development one is generated and
    /// kept in the database when unset.
    pub secret: Option<String>,
    /// Fill an empty database with demo data (default: yes in development, never in production).
    #[serde(deserialize_with = "opt_flag")]
    pub demo: Option<bool>,
    /// Channels codes may be sent by: `sms`, `voice`, `email`. In production each needs its
    /// transport (SMTP for email, the HTTP gateway for SMS and voice).
    #[serde(deserialize_with = "word_list")]
    pub channels: Vec<String>,
    /// How many pickup points and lockers the demo network has.
    pub demo_pickup_points: usize,
    /// Orders move along by themselves (paid → … → received, a step a minute) so a demo
    /// shows progress. `KABINET_DEMO_DELIVERY=1`.
    #[serde(deserialize_with = "flag")]
    pub demo_delivery: bool,
    /// Security-log entries older than this are deleted by the housekeeping job.
    pub security_log_days: i64,
    /// Guest carts untouched this long are deleted.
    pub guest_cart_days: i64,
    /// `text` or `json` logs.
    pub log_format: String,
    /// The shop's time zone (IANA name): every page and message shows times in it; the API
    /// stays UTC. `KABINET_TIME_ZONE`, default Europe/Moscow.
    pub time_zone: String,
    /// Where the shop's personal-data policy lives (a link on registration and first sign-in).
    pub privacy_policy_url: String,
    pub db_max_connections: u32,
    /// On SIGTERM the node answers `/readyz` with 503 and keeps serving this long, so the load
    /// balancer stops sending it requests before it stops listening; then it finishes what is
    /// in flight and exits. `KABINET_DRAIN_SECS`; default 5 in production, 0 in development.
    pub drain_secs: Option<u64>,
    /// How often the periodic job (sweeps, expiry, payment reconciliation, the demo courier)
    /// runs, on whichever node holds its lease; the lease lasts three periods.
    /// `KABINET_HOUSEKEEPING_SECS`, default 30.
    pub housekeeping_secs: u64,
    /// Where Prometheus scrapes `GET /metrics` (`KABINET_METRICS_ADDR`, e.g. `127.0.0.1:9187`);
    /// unset, the default, records and serves no metrics. A separate listener: keep it off the
    /// public network.
    pub metrics_addr: Option<String>,
    /// Countries (ISO ids) whose mobile numbers may receive SMS and voice calls.
    #[serde(deserialize_with = "word_list")]
    pub allowed_countries: Vec<String>,
    pub smtp: Smtp,
    pub sms: Sms,
    pub limits: Limits,
    pub password: PasswordParams,
    /// Cities the co-branded card («Карта Kabinet») is delivered to; an application from any
    /// other city is refused before anything is stored. `KABINET_COBRAND_CITIES`, comma-separated.
    #[serde(deserialize_with = "word_list")]
    pub cobrand_cities: Vec<String>,
    pub returns: Returns,
    /// How the shop is reached: shown to everyone on `/support` (`KABINET_SUPPORT__PHONE`, …).
    pub support: Support,
}

/// Returns and refunds («Возвраты»).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Returns {
    /// Days after an order was received during which its goods may be returned
    /// (`KABINET_RETURNS__WINDOW_DAYS`, default 30).
    pub window_days: i64,
    /// A request worth less than this (kopecks) is approved and refunded at once, without
    /// support (`KABINET_RETURNS__AUTO_APPROVE_BELOW`; 0, the default, turns the rule off).
    pub auto_approve_below: i64,
}

impl Default for Returns {
    fn default() -> Self {
        Self {
            window_days: 30,
            auto_approve_below: 0,
        }
    }
}

/// The shop's contacts on the support page (`[support]` in the config file).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Support {
    /// As shown, e.g. «8 800 555-35-35».
    pub phone: String,
    pub email: String,
    /// When the phone answers, e.g. «ежедневно с 8:00 до 22:00 (МСК)».
    pub hours: String,
    /// Messengers as «Name|https://link», comma-separated in the environment.
    #[serde(deserialize_with = "word_list")]
    pub messengers: Vec<String>,
}

impl Default for Support {
    fn default() -> Self {
        Self {
            phone: "8 800 555-35-35".into(),
            email: "support@kabinet.local".into(),
            hours: "ежедневно с 8:00 до 22:00 (МСК)".into(),
            messengers: vec!["Telegram|https://t.me/kabinet_support".into()],
        }
    }
}

/// Argon2id cost (SECURITY 15). Raising them re-hashes each password at its next sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for PasswordParams {
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Smtp {
    pub host: Option<String>,
    pub port: u16,
    /// `starttls`, `tls` or `none`.
    pub tls: String,
    pub user: Option<String>,
    pub password: Option<String>,
    pub from: String,
}

/// An HTTP SMS/voice gateway of the common Russian kind (api key + GET/POST form parameters).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sms {
    pub url: Option<String>,
    pub voice_url: Option<String>,
    pub api_key: Option<String>,
    /// `GET` or `POST`.
    pub method: String,
    pub sender: Option<String>,
}

/// Every number of SECURITY.md 1–10 and 18–20, configurable.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    pub code_ttl_secs: i64,
    pub code_max_attempts: i64,
    pub contact_failures_per_hour: i64,
    pub contact_lock_secs: i64,
    /// Resend waits after the 1st, 2nd, 3rd and later sends within an hour.
    pub resend_cooldowns_secs: Vec<i64>,
    pub sms_per_hour: i64,
    pub sms_per_day: i64,
    pub email_per_hour: i64,
    pub email_per_day: i64,
    pub voice_per_day: i64,
    pub voice_after_sms_secs: i64,
    /// Code requests an hour from one client address before a captcha is needed.
    pub ip_per_hour: i64,
    /// Failed password sign-ins an hour from one address before a captcha is needed.
    pub ip_password_failures_per_hour: i64,
    /// Recovery requests and support cases an hour from one address before a captcha.
    pub ip_requests_per_hour: i64,
    /// Far above a threshold (this many times it) the address gets 429 instead.
    pub hard_cap_factor: i64,
    /// Failed password sign-ins of one account before each further try needs a captcha;
    /// they fade an hour after the last failure.
    pub password_failures_before_captcha: i64,
    /// `contact_taken` answers per account a day (an enumeration oracle otherwise).
    pub contact_taken_per_day: i64,
    /// Failed gift-certificate activations (unknown, used, expired) per customer an hour; the
    /// next try answers 429 until the hour is over. Typos (a wrong check character) do not count.
    pub certificate_failures_per_hour: i64,
    /// New support requests per customer a day (UTC); the next answers 429 until the day ends.
    pub tickets_per_day: i64,
    pub session_days: i64,
    pub session_idle_days: i64,
    pub fresh_sign_in_secs: i64,
    pub max_body_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            env: None,
            addr: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/kabinet.db".into(),
            base_url: None,
            dev_outbox: None,
            trusted_proxies: Vec::new(),
            secret: None,
            demo: None,
            channels: vec!["sms".into(), "voice".into(), "email".into()],
            demo_pickup_points: 100_000,
            time_zone: "Europe/Moscow".into(),
            privacy_policy_url: "/privacy".into(),
            demo_delivery: false,
            security_log_days: 365,
            guest_cart_days: 30,
            log_format: "text".into(),
            db_max_connections: 16,
            drain_secs: None,
            housekeeping_secs: 30,
            metrics_addr: None,
            allowed_countries: vec!["RU".into(), "BY".into(), "KZ".into()],
            smtp: Smtp::default(),
            sms: Sms::default(),
            limits: Limits::default(),
            password: PasswordParams::default(),
            cobrand_cities: [
                "Москва",
                "Санкт-Петербург",
                "Новосибирск",
                "Екатеринбург",
                "Казань",
                "Нижний Новгород",
                "Челябинск",
                "Красноярск",
                "Самара",
                "Уфа",
                "Ростов-на-Дону",
                "Омск",
                "Краснодар",
                "Воронеж",
                "Пермь",
                "Волгоград",
            ]
            .map(String::from)
            .to_vec(),
            returns: Returns::default(),
            support: Support::default(),
        }
    }
}

impl Default for Smtp {
    fn default() -> Self {
        Self {
            host: None,
            port: 587,
            tls: "starttls".into(),
            user: None,
            password: None,
            from: "Kabinet <no-reply@kabinet.local>".into(),
        }
    }
}

impl Default for Sms {
    fn default() -> Self {
        Self {
            url: None,
            voice_url: None,
            api_key: None,
            method: "POST".into(),
            sender: None,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            code_ttl_secs: 300,
            code_max_attempts: 5,
            contact_failures_per_hour: 10,
            contact_lock_secs: 3600,
            resend_cooldowns_secs: vec![60, 120, 240],
            sms_per_hour: 5,
            sms_per_day: 10,
            email_per_hour: 5,
            email_per_day: 20,
            voice_per_day: 3,
            voice_after_sms_secs: 60,
            ip_per_hour: 20,
            ip_password_failures_per_hour: 20,
            ip_requests_per_hour: 5,
            hard_cap_factor: 10,
            password_failures_before_captcha: 5,
            contact_taken_per_day: 10,
            certificate_failures_per_hour: 10,
            tickets_per_day: 10,
            session_days: 30,
            session_idle_days: 14,
            fresh_sign_in_secs: 15 * 60,
            max_body_bytes: 64 * 1024,
        }
    }
}

/// A switch as people write it in the environment: true/false, 1/0, yes/no, on/off.
#[derive(Deserialize)]
#[serde(untagged)]
enum Switch {
    Bool(bool),
    Int(i64),
    Text(String),
}

impl Switch {
    fn value<E: serde::de::Error>(self) -> Result<bool, E> {
        match self {
            Switch::Bool(b) => Ok(b),
            Switch::Int(0) => Ok(false),
            Switch::Int(1) => Ok(true),
            Switch::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" | "" => Ok(false),
                other => Err(E::custom(format!("not a switch: {other}"))),
            },
            Switch::Int(n) => Err(E::custom(format!("not a switch: {n}"))),
        }
    }
}

fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Switch::deserialize(d)?.value()
}

fn opt_flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Option::<Switch>::deserialize(d)?
        .map(Switch::value)
        .transpose()
}

/// A list as the environment writes it (`sms,email`) or as TOML does (`["sms", "email"]`).
fn word_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        List(Vec<String>),
    }
    let items = match Raw::deserialize(d)? {
        Raw::Text(s) => s.split(',').map(str::to_owned).collect(),
        Raw::List(v) => v,
    };
    Ok(items
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect())
}

fn cidr_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<IpNet>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        List(Vec<String>),
    }
    let items = match Raw::deserialize(d)? {
        Raw::Text(s) => s.split(',').map(str::to_owned).collect(),
        Raw::List(v) => v,
    };
    items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| serde::de::Error::custom(format!("not a CIDR: {s}")))
        })
        .collect()
}

impl Config {
    /// Defaults, then the TOML file, then the environment.
    pub fn load() -> anyhow::Result<Self> {
        let file = std::env::var("KABINET_CONFIG").unwrap_or_else(|_| "kabinet.toml".into());
        // Other tools share the KABINET_ prefix (KABINET_TEST_POSTGRES_URL, …): the environment
        // only supplies keys this struct has. The TOML file stays strict.
        let known: Vec<String> = match serde_json::to_value(Config::default()) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let env = Env::prefixed("KABINET_").split("__").filter(move |key| {
            let top = key.as_str().split('.').next().unwrap_or("");
            known.iter().any(|k| k.eq_ignore_ascii_case(top))
        });
        let cfg: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(env)
            .extract()?;
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        let l = &self.limits;
        anyhow::ensure!(
            (1..=600).contains(&l.code_ttl_secs),
            "limits.code_ttl_secs must be 1..=600 (codes live at most 10 minutes)"
        );
        anyhow::ensure!(
            !l.resend_cooldowns_secs.is_empty(),
            "limits.resend_cooldowns_secs must not be empty"
        );
        anyhow::ensure!(
            l.session_days <= 30 && l.session_idle_days <= l.session_days,
            "sessions last at most 30 days and idle at most as long"
        );
        anyhow::ensure!(
            self.channels
                .iter()
                .all(|c| matches!(c.as_str(), "sms" | "voice" | "email")),
            "channels may be sms, voice and email"
        );
        anyhow::ensure!(
            (1..=3_600).contains(&self.housekeeping_secs),
            "housekeeping_secs must be 1..=3600"
        );
        if let Some(m) = &self.metrics_addr {
            anyhow::ensure!(
                m.parse::<std::net::SocketAddr>().is_ok(),
                "metrics_addr must be an IP address and port, e.g. 127.0.0.1:9187 (got {m:?})"
            );
            anyhow::ensure!(
                *m != self.addr || m.ends_with(":0"),
                "metrics_addr must differ from addr: metrics have a listener of their own"
            );
        }
        self.zone()?;
        Ok(())
    }

    /// The shop's time zone, from the bundled IANA database.
    pub fn zone(&self) -> anyhow::Result<jiff::tz::TimeZone> {
        jiff::tz::TimeZone::get(&self.time_zone).map_err(|_| {
            anyhow::anyhow!(
                "KABINET_TIME_ZONE={} is not a time zone name (e.g. Europe/Moscow, Asia/Yekaterinburg)",
                self.time_zone
            )
        })
    }

    pub fn base_url(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
            .trim_end_matches('/')
            .to_owned()
    }

    /// The dev outbox is on when asked for, or in development when no provider is configured
    /// at all. Never in production ([`Config::check_mode`] refuses to start if asked).
    pub fn dev_outbox_on(&self) -> bool {
        !self.production()
            && self
                .dev_outbox
                .unwrap_or(self.smtp.host.is_none() && self.sms.url.is_none())
    }

    /// Demo data: when asked for, or by default in development.
    pub fn demo_on(&self) -> bool {
        !self.production() && self.demo.unwrap_or(true)
    }

    /// How long a stopping node stays up, not ready, before it stops listening.
    pub fn drain(&self) -> std::time::Duration {
        let default = if self.production() { 5 } else { 0 };
        std::time::Duration::from_secs(self.drain_secs.unwrap_or(default))
    }

    pub fn production(&self) -> bool {
        self.env.as_deref() == Some("production")
    }

    pub fn offers(&self, channel: &str) -> bool {
        self.channels.iter().any(|c| c == channel)
    }

    /// PRODUCT §5 «Modes», SECURITY 34: production refuses dev-only setups; an address other
    /// than loopback needs the mode said out loud. One line naming the setting.
    pub fn check_mode(&self) -> anyhow::Result<()> {
        match self.env.as_deref() {
            Some("production") => {}
            Some("development") => return Ok(()),
            Some(other) => {
                anyhow::bail!("KABINET_ENV must be `development` or `production`, not `{other}`")
            }
            None => {
                let loopback = self
                    .addr
                    .parse::<std::net::SocketAddr>()
                    .map(|a| a.ip().is_loopback())
                    .unwrap_or_else(|_| self.addr.starts_with("localhost:"));
                anyhow::ensure!(
                    loopback,
                    "KABINET_ADDR {} is not a loopback address: set KABINET_ENV=production \
                     (or KABINET_ENV=development to serve a development setup on it)",
                    self.addr
                );
                return Ok(());
            }
        }
        anyhow::ensure!(
            self.dev_outbox != Some(true),
            "KABINET_DEV_OUTBOX is on, which production refuses: every code would be readable over HTTP"
        );
        anyhow::ensure!(
            self.demo != Some(true),
            "KABINET_DEMO is on, which production refuses: no demo data in a real shop"
        );
        anyhow::ensure!(
            self.secret
                .as_ref()
                .is_some_and(|s| s.chars().count() >= 32),
            "KABINET_SECRET must be set to at least 32 characters in production (it keys code hashes and must live outside the database)"
        );
        anyhow::ensure!(
            !self.offers("email") || self.smtp.host.is_some(),
            "KABINET_SMTP__HOST is required in production while email is offered (KABINET_CHANNELS)"
        );
        anyhow::ensure!(
            !(self.offers("sms") || self.offers("voice")) || self.sms.url.is_some(),
            "KABINET_SMS__URL is required in production while SMS or voice is offered (KABINET_CHANNELS)"
        );
        Ok(())
    }

    pub fn https(&self) -> bool {
        // Asked on every request: no String built (the default base URL is http).
        self.base_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::result_large_err)] // figment's own error type
    fn trusted_proxies_from_comma_text() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("KABINET_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1");
            jail.set_env("KABINET_LIMITS__IP_PER_HOUR", "7");
            jail.set_env("KABINET_TEST_POSTGRES_URL", "postgres://elsewhere");
            jail.set_env("KABINET_DEMO_DELIVERY", "1");
            jail.set_env("KABINET_DEV_OUTBOX", "1");
            jail.set_env("KABINET_DEMO", "Off");
            jail.set_env("KABINET_CHANNELS", "sms, email");
            let c = Config::load().expect("config");
            assert!(c.demo_delivery);
            assert_eq!(c.dev_outbox, Some(true));
            assert_eq!(c.demo, Some(false));
            assert_eq!(c.channels, ["sms", "email"]);
            assert_eq!(c.trusted_proxies.len(), 2);
            assert_eq!(c.limits.ip_per_hour, 7);
            Ok(())
        });
    }

    #[test]
    fn every_boolean_spelling_is_a_switch() {
        for (text, want) in [
            ("1", true),
            ("0", false),
            ("TRUE", true),
            ("false", false),
            ("Yes", true),
            ("no", false),
            ("ON", true),
            ("off", false),
        ] {
            let v: Switch = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(v.value::<serde_json::Error>().unwrap(), want, "{text}");
        }
        let bad: Switch = serde_json::from_value(serde_json::json!("maybe")).unwrap();
        assert!(bad.value::<serde_json::Error>().is_err());
    }

    fn production() -> Config {
        Config {
            env: Some("production".into()),
            addr: "0.0.0.0:8080".into(),
            secret: Some("x".repeat(32)),
            smtp: Smtp {
                host: Some("smtp.example".into()),
                ..Smtp::default()
            },
            sms: Sms {
                url: Some("https://sms.example/send".into()),
                ..Sms::default()
            },
            ..Config::default()
        }
    }

    fn refusal(c: &Config) -> String {
        c.check_mode().expect_err("refused").to_string()
    }

    #[test]
    fn production_refuses_dev_only_setups_naming_the_setting() {
        assert!(production().check_mode().is_ok());
        assert!(!production().dev_outbox_on() && !production().demo_on());
        let mut c = production();
        c.secret = None;
        assert!(refusal(&c).contains("KABINET_SECRET"));
        c.secret = Some("short".into());
        assert!(refusal(&c).contains("KABINET_SECRET"));
        let mut c = production();
        c.dev_outbox = Some(true);
        assert!(refusal(&c).contains("KABINET_DEV_OUTBOX"));
        let mut c = production();
        c.demo = Some(true);
        assert!(refusal(&c).contains("KABINET_DEMO"));
        let mut c = production();
        c.smtp.host = None;
        assert!(refusal(&c).contains("KABINET_SMTP__HOST"));
        c.channels = vec!["sms".into(), "voice".into()];
        assert!(c.check_mode().is_ok(), "no email offered, no SMTP needed");
        let mut c = production();
        c.sms.url = None;
        assert!(refusal(&c).contains("KABINET_SMS__URL"));
        let staging = Config {
            env: Some("staging".into()),
            ..production()
        };
        assert!(refusal(&staging).contains("KABINET_ENV"));
    }

    #[test]
    fn a_public_address_needs_the_mode_said() {
        let mut c = Config {
            addr: "0.0.0.0:8080".into(),
            ..Config::default()
        };
        assert!(refusal(&c).contains("KABINET_ENV"));
        c.addr = "[::1]:8080".into();
        assert!(c.check_mode().is_ok());
        c.addr = "127.0.0.1:0".into();
        assert!(c.check_mode().is_ok() && c.dev_outbox_on() && c.demo_on());
        c.addr = "10.0.0.5:80".into();
        c.env = Some("development".into());
        assert!(c.check_mode().is_ok());
    }

    #[test]
    fn refuses_long_code_ttl() {
        let mut c = Config::default();
        c.limits.code_ttl_secs = 601;
        assert!(c.validate().is_err());
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's own error type
    fn cobrand_cities_from_comma_text() {
        assert!(Config::default().cobrand_cities.len() >= 10);
        figment::Jail::expect_with(|jail| {
            jail.set_env("KABINET_COBRAND_CITIES", "Москва, Тверь ,Ростов-на-Дону");
            let c = Config::load().expect("config");
            assert_eq!(c.cobrand_cities, ["Москва", "Тверь", "Ростов-на-Дону"]);
            Ok(())
        });
    }
}
