//! Where messages go: email over SMTP (lettre), SMS and voice through an HTTP gateway of the
//! usual Russian kind (api key, recipient and text as form parameters). A channel with no
//! provider configured is served by the dev outbox alone (the tap already has the message).

use crate::config::{Sms, Smtp};
use crate::domain::identity::Channel;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

pub struct Transports {
    email: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    sms: Option<HttpGateway>,
}

struct HttpGateway {
    client: reqwest::Client,
    url: String,
    voice_url: Option<String>,
    api_key: String,
    post: bool,
    sender: Option<String>,
}

impl Transports {
    pub fn from_config(smtp: &Smtp, sms: &Sms) -> anyhow::Result<Self> {
        let email = match &smtp.host {
            None => None,
            Some(host) => {
                let mut b = match smtp.tls.as_str() {
                    "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                    "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
                    "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
                    other => anyhow::bail!("smtp.tls must be starttls, tls or none, not {other}"),
                }
                .port(smtp.port)
                .timeout(Some(Duration::from_secs(15)));
                if let (Some(u), Some(p)) = (&smtp.user, &smtp.password) {
                    b = b.credentials(Credentials::new(u.clone(), p.clone()));
                }
                let from: Mailbox = smtp.from.parse()?;
                Some((b.build(), from))
            }
        };
        let sms = match &sms.url {
            None => None,
            Some(url) => Some(HttpGateway {
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(15))
                    .build()?,
                url: url.clone(),
                voice_url: sms.voice_url.clone(),
                api_key: sms.api_key.clone().unwrap_or_default(),
                post: !sms.method.eq_ignore_ascii_case("GET"),
                sender: sms.sender.clone(),
            }),
        };
        Ok(Self { email, sms })
    }

    pub async fn send(
        &self,
        channel: Channel,
        to: &str,
        subject: &str,
        body: &str,
    ) -> anyhow::Result<()> {
        match channel {
            Channel::Email => match &self.email {
                Some((mailer, from)) => {
                    let msg = lettre::Message::builder()
                        .from(from.clone())
                        .to(ascii_address(to).parse()?)
                        .subject(subject)
                        .header(ContentType::TEXT_PLAIN)
                        .body(body.to_owned())?;
                    mailer.send(msg).await?;
                    Ok(())
                }
                None => Ok(()),
            },
            Channel::Sms | Channel::Voice => match &self.sms {
                Some(gw) => gw.send(channel, to, body).await,
                None => Ok(()),
            },
        }
    }
}

impl HttpGateway {
    async fn send(&self, channel: Channel, to: &str, text: &str) -> anyhow::Result<()> {
        let url = match channel {
            Channel::Voice => self.voice_url.as_deref().unwrap_or(&self.url),
            _ => &self.url,
        };
        let mut params: Vec<(&str, &str)> = vec![
            ("api_id", &self.api_key),
            ("to", to.trim_start_matches('+')),
            ("msg", text),
            ("json", "1"),
        ];
        if channel == Channel::Voice {
            params.push(("type", "voice"));
        }
        if let Some(s) = &self.sender {
            params.push(("from", s));
        }
        let req = if self.post {
            self.client.post(url).form(&params)
        } else {
            self.client.get(url).query(&params)
        };
        let res = req.send().await?;
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        anyhow::ensure!(
            status.is_success(),
            "gateway answered {status}: {}",
            truncate(&body)
        );
        // Gateways answer 200 with {"status":"ERROR",…} for refusals.
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&body)
            && let Some(s) = v.get("status").and_then(|s| s.as_str())
        {
            anyhow::ensure!(
                s.eq_ignore_ascii_case("ok"),
                "gateway refused: {}",
                truncate(&body)
            );
        }
        Ok(())
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(200).collect()
}

/// `x@пример.рф` → `x@xn--e1afmkfd.xn--p1ai`: the form every mail server takes.
fn ascii_address(to: &str) -> String {
    match to.rsplit_once('@') {
        Some((local, domain)) => match idna::domain_to_ascii(domain) {
            Ok(ascii) => format!("{local}@{ascii}"),
            Err(_) => to.to_owned(),
        },
        None => to.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mail_goes_to_the_ascii_form_of_a_russian_domain() {
        assert_eq!(
            super::ascii_address("иван@пример.рф"),
            "иван@xn--e1afmkfd.xn--p1ai"
        );
        assert_eq!(super::ascii_address("a@b.ru"), "a@b.ru");
    }
}
