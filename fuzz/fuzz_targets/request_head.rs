//! Any bytes as the head of a request to the emulator's WebSocket port: parsed as its upgrade
//! path parses it, then made into the authorizer's and `$connect`'s events. Never a panic;
//! every header the client sent reaches the authorizer's event under its own name, with its
//! values in order, and the query likewise.
#![no_main]

use cwsauth::fuzzing::request_head;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some(head) = request_head(data) else { return };
    let event = &head.authorizer_event;
    for (name, _) in &head.headers {
        let sent: Vec<&str> = head
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        let got: Vec<&str> = event["multiValueHeaders"][name.as_str()]
            .as_array()
            .expect("each header in multiValueHeaders")
            .iter()
            .map(|v| v.as_str().expect("string values"))
            .collect();
        assert_eq!(got, sent, "header {name:?}");
        assert_eq!(event["headers"][name.as_str()], Value::from(*sent.last().unwrap()));
    }
    for (k, _) in &head.query {
        let sent = head.query.iter().filter(|(n, _)| n == k).count();
        let got = event["multiValueQueryStringParameters"][k.as_str()].as_array().map(Vec::len);
        assert_eq!(got, Some(sent), "query parameter {k:?}");
    }
    assert_eq!(event["requestContext"]["routeKey"], "$connect");
    assert_eq!(head.connect_event["requestContext"]["routeKey"], "$connect");
    if let Some(token) = &head.token {
        assert!(!token.is_empty());
    }
});
