//! Staff members for tests: added as `kabinet staff add` does, enrolled over the API with a
//! TOTP computed from the `otpauth://` URI (as an authenticator app would), signed in.

use super::TestApp;
use kabinet::clock::Clock;
use kabinet::staff::totp::Totp;
use reqwest::Method;
use serde_json::json;

pub const STAFF_PASSWORD: &str = "Staff-Pass-2026!";

/// An enrolled member: their email, a staff token and their authenticator.
pub struct Member {
    pub email: String,
    pub token: String,
    pub totp: Totp,
}

impl TestApp {
    /// The current code of an authenticator, at the app's clock.
    pub fn totp_now(&self, totp: &Totp) -> String {
        totp.code_at((self.clock.now_ms() / 1000) as u64)
    }

    /// Adds a member (the CLI's call), returns the enrolment token from the emailed link.
    pub async fn invite_staff(&self, email: &str, role: &str) -> String {
        let role = kabinet::staff::Role::parse(role).expect("a role");
        let link = kabinet::staff::add(&self.state, email, role, kabinet::i18n::Locale::Ru)
            .await
            .expect("member added");
        let mailed = self.last_link(email).await;
        assert_eq!(mailed, link, "the enrolment link is emailed too");
        link.rsplit('/').next().unwrap().to_owned()
    }

    /// Enrols a member with the API: password, then a code from the URI's secret.
    pub async fn enrol_staff(&self, token: &str) -> Totp {
        let r = self
            .api(
                Method::POST,
                &format!("/staff/enrol/{token}"),
                None,
                Some(json!({"password": STAFF_PASSWORD})),
            )
            .await
            .expect(200);
        let uri = r.json()["totp_uri"].as_str().unwrap().to_owned();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        let totp = Totp::from_uri(&uri).expect("a TOTP URI");
        let code = self.totp_now(&totp);
        self.api(
            Method::POST,
            &format!("/staff/enrol/{token}/confirm"),
            None,
            Some(json!({"totp": code})),
        )
        .await
        .expect(204);
        totp
    }

    /// Signs a member in (moving the clock a step on, so every sign-in has a fresh code).
    pub async fn staff_sign_in(&self, email: &str, totp: &Totp) -> String {
        self.advance(30);
        let code = self.totp_now(totp);
        let r = self
            .api(
                Method::POST,
                "/staff/sessions",
                None,
                Some(json!({"email": email, "password": STAFF_PASSWORD, "totp": code})),
            )
            .await
            .expect(200);
        r.json()["token"].as_str().unwrap().to_owned()
    }

    /// A new enrolled, signed-in member of `role`.
    pub async fn staff(&self, role: &str) -> Member {
        let email = super::new_email().replace("user", role);
        let token = self.invite_staff(&email, role).await;
        let totp = self.enrol_staff(&token).await;
        let token = self.staff_sign_in(&email, &totp).await;
        Member { email, token, totp }
    }
}
