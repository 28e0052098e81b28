//! A stack as deployed, unchanged: the reference architecture's template (an authorizer,
//! `$connect`, `$default`, `$disconnect` and one more route on a DynamoDB table whose name is
//! built with `Fn::Sub`, `@connections` at the endpoint built from the API and the stage) runs
//! with `--template` and `--aws-endpoint` alone: Node (AWS SDK v3) and Python (boto3)
//! functions, inline and folder code, on cwsauth's own runtimes, the table at ministack.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::common::*;

/// A copy of the stack fixture whose Node functions find the AWS SDK (as the managed runtime
/// bundles it) through a `node_modules` next to their code.
fn stack(node_modules: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stack");
    copy_dir(&from, dir.path());
    std::os::unix::fs::symlink(node_modules, dir.path().join("ondefault/node_modules")).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// PATH with the Python that has boto3 first (Lambda's Python runtime bundles it).
fn path_with(python: &Path) -> String {
    let bin: PathBuf = python.parent().unwrap().to_path_buf();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn connect(
    local: &Local,
    token: &str,
) -> tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>> {
    let mut req = ws_request(local, "/prod", None);
    req.headers_mut()
        .insert("Authorization", format!("Bearer {token}").parse().unwrap());
    tungstenite::connect(req).unwrap().0
}

fn reply(
    ws: &mut tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>,
) -> Value {
    loop {
        match ws.read().unwrap() {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn the_reference_stack_runs_with_its_template_and_an_aws_endpoint_alone() {
    let (Some(python), Some(node_modules)) = (
        tool("CWSAUTH_TEST_PYTHON_RIC"),
        tool("CWSAUTH_TEST_NODE_MODULES"),
    ) else {
        return;
    };
    let Some(ministack) = Ministack::start("dynamodb", false) else {
        return;
    };
    let dir = stack(&node_modules);
    let template = dir.path().join("template.json");
    let cli = Cli::new();
    let local = Local::start_env(
        cli,
        &[
            "--template",
            template.to_str().unwrap(),
            "--aws-endpoint",
            &ministack.base,
        ],
        &[("PATH", &path_with(&python))],
    );
    // Which command runs each function, said at start.
    let banner = local.banner.join("\n");
    for (name, runtime, code) in [
        ("ConnectFunction", "python3.12", "onconnect"),
        ("DefaultFunction", "nodejs20.x", "ondefault"),
        ("PythonFunction", "python3.12", "python_route"),
    ] {
        let line = local
            .banner
            .iter()
            .find(|l| l.contains(&format!(" {name} ({runtime}) runs `")))
            .unwrap_or_else(|| panic!("no line for {name}: {banner}"));
        assert!(
            line.contains(&format!("{}/{code}", dir.path().display())),
            "{line}"
        );
    }
    assert!(
        banner.contains(" AuthorizerFunction (nodejs20.x) runs `node "),
        "{banner}"
    );
    // The table, created at the endpoint from the template's key schema.
    local.wait_for_log("table cwsauth-local-connections-table created at ");

    // Refused without the authorizer's token; in with it.
    assert_eq!(
        refused(&local, "/prod", Some("wrong")),
        (401, r#"{"message":"Unauthorized"}"#.to_string())
    );
    let mut ws = connect(&local, "letmein");
    local.wait_for_log("[ConnectFunction] CONNECTED ");
    // $default: a Node ES module on the AWS SDK v3, answering through @connections at the
    // endpoint built from the API and the stage, and reading what $connect wrote.
    ws.send(Message::text(r#"{"text":"hi"}"#)).unwrap();
    let node = reply(&mut ws);
    assert_eq!(
        node,
        json!({
            "echo": "hi",
            "table": "cwsauth-local-connections-table",
            "endpoint": format!("https://127.0.0.1:{}/prod", local.port),
            "user": "alice",
            "connectedBy": "chat-connect",
            "connections": 1,
            "apiId": cwsauth::local::ids::API_ID,
            "stage": "prod",
        })
    );
    // A Python route on boto3, at the endpoint Fn::Sub builds from GetAtt ApiId.
    ws.send(Message::text(r#"{"action":"python","text":"hello"}"#))
        .unwrap();
    let py = reply(&mut ws);
    assert_eq!(py["python"], "hello", "{py}\n{}", local.log());
    assert_eq!(py["memory"], "256");
    assert!(
        py["function"]
            .as_str()
            .unwrap()
            .starts_with("cwsauth-local-PythonFunction-"),
        "a function without FunctionName runs under CloudFormation's generated name: {py}"
    );
    // $disconnect (inline Python) removes the connection: the next one sees only itself.
    ws.close(None).unwrap();
    while ws.read().is_ok() {}
    local.wait_for_log("[DisconnectFunction] DISCONNECTED ");
    let mut second = connect(&local, "letmein");
    second.send(Message::text(r#"{"text":"count"}"#)).unwrap();
    assert_eq!(reply(&mut second)["connections"], 1);
    local.stop();
}
