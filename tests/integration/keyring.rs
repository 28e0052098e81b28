//! The keyring store against a real Secret Service (gnome-keyring inside dbus-run-session, as
//! .ci/run starts it). Skipped on a machine without one, but never in CI.

use crate::common::*;

/// What the file store's folder holds.
fn on_disk(local: &Local) -> Vec<String> {
    std::fs::read_dir(local.cli.home.path().join("data/tokens"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn tokens_live_in_the_secret_service_one_entry_each() {
    let local = Local::start(&[]);
    let login = local.password_login("keyring", "--password", ("demo", "Demo-Passw0rd!"), &[]);
    let here = !(login.code() != 0 && login.stderr().contains("the OS keyring is not available"));
    if !present(
        here,
        &format!("a Secret Service ({})", login.stderr().trim()),
    ) {
        return;
    }
    login.expect(0);
    assert!(
        login.stderr().contains("tokens in the keyring store"),
        "{}",
        login.stderr()
    );
    // No token on disk: only the note of which store the login chose.
    assert_eq!(on_disk(&local), ["local.store"]);
    assert_eq!(
        std::fs::read_to_string(local.cli.home.path().join("data/tokens/local.store")).unwrap(),
        "keyring\n"
    );

    let status = local
        .cli
        .run(&["status", "--profile", "local", "--json"])
        .json();
    assert_eq!(
        (status["store"].as_str(), status["username"].as_str()),
        (Some("keyring"), Some("demo"))
    );
    let location = status["store_location"].as_str().unwrap().to_string();
    let token = local.cli.run(&["token", "--profile", "local"]);
    token.expect(0);
    local
        .cli
        .run(&["verify", "--profile", "local", token.stdout().trim()])
        .expect(0);

    // One Secret Service item per token (Windows refuses long secrets in one entry).
    let entries = location
        .trim_start_matches("keyring service cwsauth, entries ")
        .trim_end_matches("/*")
        .to_string();
    let search = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", "cwsauth"])
        .output();
    if let Ok(out) = search {
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        // The tokens of one generation, and the meta entry that points at it.
        for part in ["meta", "g1/access", "g1/id", "g1/refresh"] {
            assert!(
                text.contains(&format!("{entries}/{part}")),
                "no entry {entries}/{part} in {text}"
            );
        }
    }
    // A refresh goes through the keyring too, as a new generation; the old one is removed.
    local
        .cli
        .run(&["token", "--profile", "local", "--min-ttl", "99999"])
        .expect(0);
    if let Ok(out) = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", "cwsauth"])
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(text.contains(&format!("{entries}/g2/access")), "{text}");
        assert!(!text.contains(&format!("{entries}/g1/access")), "{text}");
    }
    // A meta entry that cannot be read: commands refuse it, a login replaces it.
    let user = format!("{entries}/meta");
    let mut child = std::process::Command::new("secret-tool")
        .args([
            "store", "--label", "cwsauth", "service", "cwsauth", "username", &user,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"{broken").unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    let run = local.cli.run(&["token", "--profile", "local"]);
    run.expect(2);
    assert!(
        run.stderr().contains("`cwsauth login` replaces it"),
        "{}",
        run.stderr()
    );
    let again = local.password_login("keyring", "--password", ("demo", "Demo-Passw0rd!"), &[]);
    again.expect(0);
    assert!(
        again.stderr().contains("this login replaces it"),
        "{}",
        again.stderr()
    );
    local.cli.run(&["token", "--profile", "local"]).expect(0);
    local.cli.run(&["logout", "--profile", "local"]).expect(0);
    local.cli.run(&["status", "--profile", "local"]).expect(1);
}

#[test]
fn identity_credentials_and_a_kept_totp_secret_live_in_the_keyring_too() {
    let local = Local::start(&[]);
    let login = |extra: &[&str]| {
        local.password_login("keyring", "--password", ("demo", "Demo-Passw0rd!"), extra)
    };
    let first = login(&[]);
    let here = !(first.code() != 0 && first.stderr().contains("the OS keyring is not available"));
    if !present(
        here,
        &format!("a Secret Service ({})", first.stderr().trim()),
    ) {
        return;
    }
    first.expect(0);
    // The identity pool's credentials are kept with the tokens, in the keyring.
    local
        .cli
        .run(&["credentials", "--profile", "local"])
        .expect(0);
    let again = local.cli.run(&["credentials", "--profile", "local"]);
    assert!(
        again.stdout().contains("kept:        yes"),
        "{}",
        again.stdout()
    );
    assert_eq!(on_disk(&local), ["local.store"], "no credentials on disk");
    // So is the TOTP secret of `mfa setup --keep-secret`, across a logout.
    local
        .cli
        .run(&["mfa", "setup", "--profile", "local", "--keep-secret"])
        .expect(0);
    local.cli.run(&["logout", "--profile", "local"]).expect(0);
    login(&[]).expect(0);
    assert_eq!(on_disk(&local), ["local.store"], "nothing secret on disk");
    let forget = local.cli.run(&["mfa", "forget", "--profile", "local"]);
    forget.expect(0);
    assert!(
        forget
            .stderr()
            .starts_with("Deleted the TOTP secret kept for profile local (keyring service cwsauth"),
        "{}",
        forget.stderr()
    );
}
