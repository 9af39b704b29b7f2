//! Delivery: email over a real SMTP server, SMS and voice through the HTTP gateway adapter
//! against a local server playing the provider, retries, and the dev outbox switch.

use crate::support::sms::SmsGateway;
use crate::support::smtp::SmtpServer;
use crate::support::*;

#[tokio::test]
async fn email_codes_go_out_over_smtp() {
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let app = spawn_app_with(|c| {
        c.dev_outbox = Some(false);
        c.smtp.host = Some("127.0.0.1".into());
        c.smtp.port = port;
        c.smtp.tls = "none".into();
        c.smtp.from = "Магазин <shop@example.ru>".into();
    })
    .await;
    let email = new_email();
    let r = app.request_code("email", &email).await.expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let mail = tokio::task::spawn_blocking(move || smtp.next())
        .await
        .unwrap();
    assert_eq!(mail.to, vec![email.clone()]);
    assert!(mail.data.contains("shop@example.ru"));
    let body = decoded_body(&mail.data);
    assert!(body.contains("Ваш код для входа"), "{body}");
    let code: String = body
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code in the letter")
        .to_owned();
    app.verify(&flow, &code).await.expect(200);
    // With the dev outbox off, its endpoint does not exist.
    assert_eq!(
        app.get(&format!("/dev/outbox?to={email}"), None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn sms_and_voice_go_through_the_http_gateway() {
    let mut gw = SmsGateway::start().await;
    let url = gw.url.clone();
    let app = spawn_app_with(|c| {
        c.dev_outbox = Some(false);
        c.sms.url = Some(format!("{url}/sms/send"));
        c.sms.voice_url = Some(format!("{url}/call/send"));
        c.sms.api_key = Some("KEY-123".into());
        c.sms.sender = Some("SHOP".into());
    })
    .await;
    let phone = new_phone();
    let r = app.request_code("sms", &phone).await.expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let p = gw.next().await;
    assert_eq!(p["api_id"], "KEY-123");
    assert_eq!(p["to"], phone.trim_start_matches('+'));
    assert_eq!(p["from"], "SHOP");
    let msg = &p["msg"];
    let code = msg.rsplit('#').next().unwrap().to_owned();
    assert!(msg.contains(&format!("@kabinet.test #{code}")), "{msg}");
    app.verify(&flow, &code).await.expect(200);

    app.advance(61);
    let other = new_phone();
    app.request_code("sms", &other).await.expect(202);
    gw.next().await;
    app.advance(60);
    app.request_code("voice", &other).await.expect(202);
    let call = gw.next().await;
    assert_eq!(call["type"], "voice");
    assert_eq!(call["to"], other.trim_start_matches('+'));
    // Landlines never reach the provider.
    app.request_code("sms", "+7 495 123-45-67")
        .await
        .expect(400);
    assert!(gw.nothing_received());
}

#[tokio::test]
async fn a_refused_send_is_retried() {
    let mut gw = SmsGateway::start().await;
    gw.answer_next(
        200,
        r#"{"status":"ERROR","status_code":220,"status_text":"busy"}"#,
    );
    let url = gw.url.clone();
    let app = spawn_app_with(|c| {
        c.dev_outbox = Some(false);
        c.sms.url = Some(format!("{url}/sms/send"));
    })
    .await;
    let mut events = app.state.notifier.subscribe();
    let phone = new_phone();
    app.request_code("sms", &phone).await.expect(202);
    let first = gw.next().await;
    let failed = events.recv().await.unwrap();
    assert!(
        failed.error.as_deref().unwrap_or("").contains("refused"),
        "{failed:?}"
    );
    // The retry is due after the backoff; move the clock past it.
    app.advance(3);
    let second = gw.next().await;
    assert_eq!(first["msg"], second["msg"]);
    let ok = events.recv().await.unwrap();
    assert!(ok.error.is_none());
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM outbox WHERE recipient = $1", &phone)
            .await,
        0
    );
}

/// The text of a single-part letter, whatever transfer encoding lettre chose.
pub fn decoded_body(data: &str) -> String {
    use base64::Engine;
    let (head, body) = data.split_once("\r\n\r\n").expect("headers and body");
    if head
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: base64")
    {
        let joined: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .expect("base64"),
        )
        .expect("utf-8")
    } else {
        body.replace("=\r\n", "")
    }
}
