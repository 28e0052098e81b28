//! `cwsauth configure`: writing profiles, showing sources, discovery, and bad config files.

use serde_json::json;

use crate::common::*;

#[test]
fn configure_writes_and_show_names_sources() {
    let cli = Cli::new();
    cli.run(&[
        "configure",
        "--user-pool-id",
        POOL,
        "--client-id",
        CLIENT,
        "--domain",
        "myapp",
    ])
    .expect(0);
    cli.run(&[
        "configure",
        "--profile",
        "dev",
        "--user-pool-id",
        "eu-west-1_Dev",
        "--client-id",
        "c2",
        "--redirect-uri",
        "http://localhost:3000",
        "--redirect-uri",
        "http://localhost:3001",
    ])
    .expect(0);
    let text = std::fs::read_to_string(cli.home.path().join("config.toml")).unwrap();
    assert_eq!(
        text,
        format!(
            "[profiles.default]\nuser_pool_id = \"{POOL}\"\nclient_id = \"{CLIENT}\"\ndomain = \"myapp\"\n\n[profiles.dev]\nuser_pool_id = \"eu-west-1_Dev\"\nclient_id = \"c2\"\nredirect_uri = [\"http://localhost:3000\", \"http://localhost:3001\"]\n"
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cli.home.path().join("config.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let run = cli
        .cmd(&["configure", "--show", "--json", "--region", "ap-south-1"])
        .env("CWSAUTH_CLIENT_SECRET", "s3cr3t")
        .run()
        .0;
    assert_eq!(run.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert!(!String::from_utf8_lossy(&run.stdout).contains("s3cr3t"));
    assert_eq!(doc["profile"], "default");
    assert_eq!(doc["in_file"], true);
    let v = &doc["values"];
    assert_eq!(
        v["region"],
        json!({"value": "ap-south-1", "source": "flag"})
    );
    assert_eq!(v["user_pool_id"], json!({"value": POOL, "source": "file"}));
    assert_eq!(
        v["client_secret"],
        json!({"value": "(redacted)", "source": "env CWSAUTH_CLIENT_SECRET"})
    );
    assert_eq!(
        v["issuer"],
        json!({"value": format!("https://cognito-idp.ap-south-1.amazonaws.com/{POOL}"), "source": "derived from region and user_pool_id"})
    );
    assert_eq!(v["jwks_uri"]["source"], "derived from issuer");
    assert_eq!(
        v["redirect_uri"],
        json!({"value": "http://localhost:3000", "source": "default"})
    );
    assert_eq!(v["ws_url"], serde_json::Value::Null);

    let run = cli.run(&["configure", "--show", "--profile", "dev"]);
    run.expect(0);
    let out = run.stdout();
    assert!(
        out.starts_with(&format!(
            "profile dev ({})\n",
            cli.home.path().join("config.toml").display()
        )),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("  region ")
            && l.ends_with("derived from user_pool_id")
            && l.contains("eu-west-1")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("  redirect_uri ")
            && l.contains("http://localhost:3000 http://localhost:3001")
            && l.ends_with("file")),
        "{out}"
    );
}

#[test]
fn bad_config_files_name_file_line_and_key() {
    let cli = Cli::new();
    let path = cli.home.path().join("config.toml");
    cli.write_config("[profiles.default]\nclient_id = \"c\"\nregion = 42\n");
    let run = cli.run(&["verify", "x.y.z"]);
    run.expect(2);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: error: config file {}, line 3: region: must be a string\n",
            path.display()
        )
    );
    cli.write_config("[profiles.default]\nclient_idd = \"c\"\n");
    let run = cli.run(&["configure", "--show"]);
    run.expect(2);
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: error: config file {}, line 2: client_idd: unknown key; the keys are region, user_pool_id, client_id,",
            path.display()
        )),
        "{}",
        run.stderr()
    );
    cli.write_config("[profiles.default\n");
    let run = cli.run(&["configure", "--show"]);
    run.expect(2);
    assert!(
        run.stderr().starts_with(&format!(
            "cwsauth: error: config file {}, line 1: ",
            path.display()
        )),
        "{}",
        run.stderr()
    );
    assert_eq!(run.stderr().lines().count(), 1);
}

#[test]
fn unknown_profile_and_empty_configure() {
    let cli = Cli::new();
    let run = cli.run(&["configure", "--show", "--profile", "nope"]);
    run.expect(2);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: error: there is no profile nope in {}; create it with `cwsauth configure --profile nope`\n",
            cli.home.path().join("config.toml").display()
        )
    );
    let run = cli
        .cmd(&["configure", "--show"])
        .env("CWSAUTH_PROFILE", "nope")
        .run()
        .0;
    assert_eq!(run.status.code(), Some(2));
    // Off a terminal, with nothing to go on: every missing key at once, and the command.
    let run = cli.run(&["configure"]);
    run.expect(2);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: profile default is not set up: it lacks user_pool_id, client_id, domain; pass them (`cwsauth configure --user-pool-id … --client-id … --domain …`), or run it on a terminal to be asked\n"
    );
    let run = cli.run(&["configure", "--store", "cloud"]);
    run.expect(2);
    assert!(
        run.stderr()
            .starts_with("cwsauth: error: invalid value 'cloud' for '--store <keyring|file>'"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.stderr().lines().count(), 1);
    // A typo in --profile lists the profiles there are.
    cli.run(&["configure", "--profile", "local", "--client-id", "c"])
        .expect(0);
    let run = cli.run(&["status", "--profile", "lcoal"]);
    run.expect(2);
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: error: there is no profile lcoal in {}; profiles here: local; create it with `cwsauth configure --profile lcoal`\n",
            cli.home.path().join("config.toml").display()
        )
    );
    // And a plain command on the default profile that is not there says so.
    let run = cli.run(&["login", "--password", "--username", "u"]);
    run.expect(2);
    assert_eq!(
        run.stderr(),
        "cwsauth: error: there is no profile default (profiles here: local): pass --profile local, or create it with `cwsauth configure`\n"
    );
}

#[test]
fn discover_fills_endpoints() {
    let server = JwksServer::start(&[]);
    let issuer = server.base();
    server.serve(&json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "authorization_endpoint": "http://127.0.0.1:1/oauth2/authorize",
        "token_endpoint": "http://127.0.0.1:1/oauth2/token",
    }));
    let cli = Cli::new();
    cli.run(&[
        "configure",
        "--issuer",
        &issuer,
        "--client-id",
        CLIENT,
        "--discover",
    ])
    .expect(0);
    let run = cli.run(&["configure", "--show", "--json"]);
    let v = &run.json()["values"];
    assert_eq!(
        v["jwks_uri"],
        json!({"value": format!("{issuer}/.well-known/jwks.json"), "source": "file"})
    );
    assert_eq!(
        v["domain"],
        json!({"value": "http://127.0.0.1:1", "source": "file"})
    );
    assert_eq!(server.hits(), 1);

    // --discover makes a new profile, and the summary names each key once.
    let run = cli.run(&[
        "configure",
        "--profile",
        "staging",
        "--issuer",
        &issuer,
        "--discover",
    ]);
    run.expect(0);
    // The authorize endpoint is on another port than the issuer: said; an emulator's issuer
    // also names its JSON API (idp_endpoint), for --password and --srp logins.
    assert_eq!(
        run.stderr(),
        format!(
            "cwsauth: warning: the discovery document's authorization_endpoint http://127.0.0.1:1/oauth2/authorize is on another origin than the issuer {issuer}; check that you trust it\n\
             Wrote domain, idp_endpoint, issuer, jwks_uri to profile staging in {}\n",
            cli.home.path().join("config.toml").display()
        )
    );
    let run = cli.run(&["configure", "--show", "--json", "--profile", "staging"]);
    assert_eq!(
        run.json()["values"]["issuer"],
        json!({"value": issuer, "source": "file"})
    );
    assert_eq!(
        run.json()["values"]["idp_endpoint"],
        json!({"value": issuer.trim_end_matches("/us-east-1_TestPool1"), "source": "file"})
    );

    // A document that names a local file or a plain-http host for its keys is refused, and
    // nothing is written.
    for jwks in ["/tmp/planted.json", "http://jwks.example/keys"] {
        server.serve(&json!({"issuer": issuer, "jwks_uri": jwks}));
        let cli = Cli::new();
        let run = cli.run(&["configure", "--issuer", &issuer, "--discover"]);
        run.expect(3);
        assert!(
            run.stderr().starts_with(&format!(
                "cwsauth: error: discovery at {issuer}/.well-known/openid-configuration failed: the document's "
            )) && run.stderr().contains(jwks),
            "{}",
            run.stderr()
        );
        assert!(!cli.home.path().join("config.toml").exists());
    }

    // A document for another issuer is refused and nothing is written.
    let cli = Cli::new();
    let run = cli.run(&["configure", "--issuer", &format!("{issuer}x"), "--discover"]);
    run.expect(3);
    assert!(
        run.stderr().contains("failed: HTTP 200") || run.stderr().contains("is for issuer"),
        "{}",
        run.stderr()
    );
    assert!(!cli.home.path().join("config.toml").exists());
}

/// On a terminal with nothing to go on, `configure` asks, as `aws configure` does, and checks
/// each value as it is typed.
#[test]
fn configure_on_a_terminal_asks_and_checks_each_value() {
    let cli = Cli::new();
    let Some(tty) = Tmux::start(&format!(
        "CWSAUTH_HOME={} CWSAUTH_ISSUER=http://127.0.0.1:{}/us-east-1_AbC123 NO_COLOR=1 {} configure --profile dev",
        cli.home.path().display(),
        free_port(),
        env!("CARGO_BIN_EXE_cwsauth")
    )) else {
        return;
    };
    tty.wait_for("User pool id (e.g. us-east-1_AbCdEf123):");
    tty.send(&["-l", "not a pool"]);
    tty.send(&["Enter"]);
    tty.wait_for("cwsauth: warning: \"not a pool\" is not a user pool id");
    tty.send(&["-l", "us-east-1_AbC123"]);
    tty.send(&["Enter"]);
    tty.wait_for("App client id: ");
    tty.send(&["-l", "abc123def"]);
    tty.send(&["Enter"]);
    tty.wait_for("Hosted UI domain (prefix, full domain or https:// URL): ");
    tty.send(&["-l", "myapp"]);
    tty.send(&["Enter"]);
    tty.wait_for("WebSocket URL for connect (wss://…/stage; Enter to skip): ");
    tty.send(&["-l", "https://x"]);
    tty.send(&["Enter"]);
    tty.wait_for("cwsauth: warning: \"https://x\" is not a WebSocket URL");
    tty.send(&["-l", "wss://abc.example/prod"]);
    tty.send(&["Enter"]);
    tty.wait_for("Client secret (only for a client that has one; Enter for none): ");
    tty.send(&["Enter"]);
    tty.wait_for("Fill issuer, JWKS URL and domain by OIDC discovery now? [y/N]: ");
    // Discovery fails (the issuer is a closed port here): what was typed is kept.
    tty.send(&["-l", "y"]);
    tty.send(&["Enter"]);
    tty.wait_for("Wrote user_pool_id, client_id, domain, ws_url to profile dev in ");
    // The warning is wider than the window: join its wrapped lines.
    let screen = tty.screen().replace('\n', "");
    assert!(
        screen.contains(
            "/us-east-1_AbC123/.well-known/openid-configuration: connection refused; saving what you typed: run `cwsauth configure --profile dev --discover` when the pool can be reached"
        ),
        "{screen}"
    );
    let text = std::fs::read_to_string(cli.home.path().join("config.toml")).unwrap();
    assert_eq!(
        text,
        "[profiles.dev]\nuser_pool_id = \"us-east-1_AbC123\"\nclient_id = \"abc123def\"\ndomain = \"myapp\"\nws_url = \"wss://abc.example/prod\"\n"
    );
    // The bare prefix became Cognito's domain through the pool's region.
    let run = cli.run(&["configure", "--show", "--json", "--profile", "dev"]);
    assert_eq!(run.json()["values"]["region"]["value"], "us-east-1");
}
