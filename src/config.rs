//! Settings: built-in defaults < `kabinet.toml` (or `KABINET_CONFIG`) < `KABINET_*` environment.
//! Nested sections use a double underscore: `KABINET_SMTP__HOST`, `KABINET_LIMITS__IP_PER_HOUR`.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Listen address.
    pub addr: String,
    /// `sqlite://path` or `postgres://…`.
    pub database_url: String,
    /// Public base URL used in links; defaults to `http://<addr>`.
    pub base_url: Option<String>,
    /// Dev outbox: on by default when no SMS or email provider is configured.
    pub dev_outbox: Option<bool>,
    /// Peers whose `X-Forwarded-For` is believed.
    #[serde(deserialize_with = "cidr_list")]
    pub trusted_proxies: Vec<IpNet>,
    /// Server secret for code HMACs; when unset, one is generated and kept in the database.
    pub secret: Option<String>,
    /// Fill an empty database with demo data.
    pub demo: bool,
    /// How many pickup points and lockers the demo network has.
    pub demo_pickup_points: usize,
    /// Orders move along by themselves (paid → … → received, a step a minute) so a demo
    /// shows progress. `KABINET_DEMO_DELIVERY=1`.
    #[serde(deserialize_with = "flag")]
    pub demo_delivery: bool,
    /// `text` or `json` logs.
    pub log_format: String,
    pub db_max_connections: u32,
    /// Countries (ISO ids) whose mobile numbers may receive SMS and voice calls.
    pub allowed_countries: Vec<String>,
    pub smtp: Smtp,
    pub sms: Sms,
    pub limits: Limits,
    pub password: PasswordParams,
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
    pub ip_per_hour: i64,
    pub session_days: i64,
    pub session_idle_days: i64,
    pub fresh_sign_in_secs: i64,
    pub max_body_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/kabinet.db".into(),
            base_url: None,
            dev_outbox: None,
            trusted_proxies: Vec::new(),
            secret: None,
            demo: true,
            demo_pickup_points: 100_000,
            demo_delivery: false,
            log_format: "text".into(),
            db_max_connections: 16,
            allowed_countries: vec!["RU".into(), "BY".into(), "KZ".into()],
            smtp: Smtp::default(),
            sms: Sms::default(),
            limits: Limits::default(),
            password: PasswordParams::default(),
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
            session_days: 30,
            session_idle_days: 14,
            fresh_sign_in_secs: 15 * 60,
            max_body_bytes: 64 * 1024,
        }
    }
}

/// A switch as people write it in the environment: true/false, 1/0, yes/no, on/off.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Int(i64),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Bool(b) => Ok(b),
        Raw::Int(0) => Ok(false),
        Raw::Int(1) => Ok(true),
        Raw::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" | "" => Ok(false),
            other => Err(serde::de::Error::custom(format!("not a switch: {other}"))),
        },
        Raw::Int(n) => Err(serde::de::Error::custom(format!("not a switch: {n}"))),
    }
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
        Ok(())
    }

    pub fn base_url(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
            .trim_end_matches('/')
            .to_owned()
    }

    /// The dev outbox is on when asked for, or when no provider is configured at all.
    pub fn dev_outbox_on(&self) -> bool {
        self.dev_outbox
            .unwrap_or(self.smtp.host.is_none() && self.sms.url.is_none())
    }

    pub fn https(&self) -> bool {
        self.base_url().starts_with("https://")
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
            let c = Config::load().expect("config");
            assert!(c.demo_delivery);
            assert_eq!(c.trusted_proxies.len(), 2);
            assert_eq!(c.limits.ip_per_hour, 7);
            Ok(())
        });
    }

    #[test]
    fn refuses_long_code_ttl() {
        let mut c = Config::default();
        c.limits.code_ttl_secs = 601;
        assert!(c.validate().is_err());
    }
}
