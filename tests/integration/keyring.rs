//! The keyring store against a real Secret Service (gnome-keyring inside dbus-run-session, as
//! .ci/run starts it). Skipped on a machine without one, but never in CI.

use crate::common::*;

#[test]
fn tokens_live_in_the_secret_service_one_entry_each() {
    let local = Local::start(&[]);
    let login = local.password_login("keyring", "--password", ("demo", "Demo-Passw0rd!"), &[]);
    if login.code() != 0 && login.stderr().contains("the OS keyring is not available") {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the keyring tests: {}",
            login.stderr()
        );
        eprintln!(
            "skipping: no Secret Service here ({})",
            login.stderr().trim()
        );
        return;
    }
    login.expect(0);
    assert!(
        login.stderr().contains("tokens in the keyring store"),
        "{}",
        login.stderr()
    );
    assert!(
        !local.cli.home.path().join("data/tokens").exists(),
        "nothing on disk"
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
        for part in ["meta", "access", "id", "refresh"] {
            assert!(
                text.contains(&format!("{entries}/{part}")),
                "no entry {entries}/{part} in {text}"
            );
        }
    }
    // A refresh goes through the keyring too.
    local
        .cli
        .run(&["token", "--profile", "local", "--min-ttl", "99999"])
        .expect(0);
    local.cli.run(&["logout", "--profile", "local"]).expect(0);
    local.cli.run(&["status", "--profile", "local"]).expect(1);
}
