//! What the functions receive, shaped as API Gateway shapes it: the `requestContext` of every
//! event, headers and query parameters as the client sent them, the authorizer's REQUEST
//! event, `$connect`, message and `$disconnect` events, and the built-in echo's stored item.

use serde_json::{Map, Value, json};

use super::head::Head;
use crate::local::ids::{API_ID, new_id, now_ms};

/// The parts of every event's `requestContext`.
pub struct Context {
    pub connection_id: String,
    pub stage: String,
    pub domain: String,
    pub connected_at: u64,
    pub identity: Value,
}

impl Context {
    /// The context of a connection that opens now.
    pub fn new(head: &Head, stage: &str) -> Context {
        let mut identity = json!({"sourceIp": head.peer.ip().to_string()});
        if let Some(agent) = head.header("user-agent") {
            identity["userAgent"] = json!(agent);
        }
        Context {
            connection_id: new_id(),
            stage: stage.to_string(),
            domain: head.header("host").unwrap_or("127.0.0.1").to_string(),
            connected_at: now_ms(),
            identity,
        }
    }

    pub fn request_context(&self, route: &str, event_type: &str) -> Map<String, Value> {
        let now = now_ms();
        let request_id = new_id();
        let mut ctx = Map::new();
        ctx.insert("routeKey".into(), json!(route));
        if event_type == "MESSAGE" {
            ctx.insert("messageId".into(), json!(new_id()));
        }
        ctx.insert("eventType".into(), json!(event_type));
        ctx.insert("extendedRequestId".into(), json!(request_id));
        ctx.insert("requestTime".into(), json!(request_time(now)));
        ctx.insert("messageDirection".into(), json!("IN"));
        ctx.insert("stage".into(), json!(self.stage));
        ctx.insert("connectedAt".into(), json!(self.connected_at));
        ctx.insert("requestTimeEpoch".into(), json!(now));
        ctx.insert("identity".into(), self.identity.clone());
        ctx.insert("requestId".into(), json!(request_id));
        ctx.insert("domainName".into(), json!(self.domain));
        ctx.insert("connectionId".into(), json!(self.connection_id));
        ctx.insert("apiId".into(), json!(API_ID));
        ctx
    }

    /// A route's `requestContext`, with the authorizer's context when there is one.
    pub fn with_authorizer(
        &self,
        route: &str,
        event_type: &str,
        authorizer: Option<&Map<String, Value>>,
    ) -> Map<String, Value> {
        let mut rc = self.request_context(route, event_type);
        if let Some(a) = authorizer {
            rc.insert("authorizer".into(), Value::Object(a.clone()));
        }
        rc
    }
}

/// `29/Nov/2023:08:04:03 +0000`.
fn request_time(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(i64::try_from(ms).unwrap_or(0))
        .map(|t| t.format("%d/%b/%Y:%H:%M:%S +0000").to_string())
        .unwrap_or_default()
}

/// `headers` and `multiValueHeaders` with names as sent, without the hop-by-hop ones the
/// `$connect` integration does not see; `redact` names a header whose value is hidden.
pub fn header_maps(
    head: &Head,
    for_authorizer: bool,
    redact: Option<&str>,
) -> (Map<String, Value>, Map<String, Value>) {
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    let skip = ["connection", "upgrade", "content-length"];
    for (name, value) in &head.headers {
        if !for_authorizer && skip.contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        let value = match redact {
            Some(r) if name.eq_ignore_ascii_case(r) => "(redacted)".to_string(),
            _ => value.clone(),
        };
        single.insert(name.clone(), json!(value));
        if let Some(list) = multi
            .entry(name.clone())
            .or_insert_with(|| json!([]))
            .as_array_mut()
        {
            list.push(json!(value));
        }
    }
    let mut add = |k: &str, v: String| {
        if !single.keys().any(|n| n.eq_ignore_ascii_case(k)) {
            single.insert(k.into(), json!(v));
            multi.insert(k.into(), json!([v]));
        }
    };
    add("X-Forwarded-For", head.peer.ip().to_string());
    add("X-Forwarded-Port", head.peer.port().to_string());
    add("X-Forwarded-Proto", "https".into());
    add("X-Amzn-Trace-Id", crate::local::ids::trace_root());
    (single, multi)
}

/// `queryStringParameters` and `multiValueQueryStringParameters`, present only with a query.
pub fn query_maps(head: &Head) -> Option<(Map<String, Value>, Map<String, Value>)> {
    let pairs = head.query();
    if pairs.is_empty() {
        return None;
    }
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    for (k, v) in pairs {
        // The single-value map keeps the last value, as API Gateway's does.
        single.insert(k.clone(), json!(v));
        if let Some(list) = multi.entry(k).or_insert_with(|| json!([])).as_array_mut() {
            list.push(json!(v));
        }
    }
    Some((single, multi))
}

/// Adds the query maps to an event, when the request had a query.
fn add_query(event: &mut Value, head: &Head) {
    if let Some((q, mq)) = query_maps(head) {
        event["queryStringParameters"] = json!(q);
        event["multiValueQueryStringParameters"] = json!(mq);
    }
}

/// A REQUEST authorizer's event.
pub fn authorizer_event(head: &Head, ctx: &Context, method_arn: &str) -> Value {
    let (headers, multi) = header_maps(head, true, None);
    let mut event = json!({
        "type": "REQUEST",
        "methodArn": method_arn,
        "headers": headers,
        "multiValueHeaders": multi,
        "stageVariables": {},
    });
    add_query(&mut event, head);
    event["requestContext"] = Value::Object(ctx.request_context("$connect", "CONNECT"));
    event
}

/// The `$connect` integration's event.
pub fn connect_event(head: &Head, ctx: &Context, authorizer: Option<&Map<String, Value>>) -> Value {
    let (headers, multi) = header_maps(head, false, None);
    let mut event = json!({"headers": headers, "multiValueHeaders": multi});
    add_query(&mut event, head);
    event["requestContext"] = Value::Object(ctx.with_authorizer("$connect", "CONNECT", authorizer));
    event["isBase64Encoded"] = json!(false);
    event
}

/// A message route's event, and its request id (for the frames API Gateway sends back).
pub fn message_event(
    ctx: &Context,
    route: &str,
    body: &str,
    authorizer: Option<&Map<String, Value>>,
) -> (Value, String) {
    let rc = ctx.with_authorizer(route, "MESSAGE", authorizer);
    let request_id = rc["requestId"].as_str().unwrap_or("").to_string();
    (
        json!({"requestContext": rc, "body": body, "isBase64Encoded": false}),
        request_id,
    )
}

/// The `$disconnect` integration's event.
pub fn disconnect_event(
    ctx: &Context,
    code: u16,
    reason: &str,
    authorizer: Option<&Map<String, Value>>,
) -> Value {
    let host = ctx.domain.clone();
    let mut rc = ctx.with_authorizer("$disconnect", "DISCONNECT", authorizer);
    rc.insert("disconnectStatusCode".into(), json!(code));
    rc.insert("disconnectReason".into(), json!(reason));
    json!({
        "headers": {"Host": host, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""},
        "multiValueHeaders": {"Host": [host], "x-api-key": [""], "X-Forwarded-For": [""], "x-restapi": [""]},
        "requestContext": rc,
        "isBase64Encoded": false,
    })
}

/// What the built-in echo stores at `$connect`: the connection as it was opened, never the
/// credential the identity source names.
pub fn stored_item(
    head: &Head,
    ctx: &Context,
    identity_source: &cwsauth_verify::authorizer::IdentitySource,
    authorizer: Option<&Map<String, Value>>,
) -> Value {
    use cwsauth_verify::authorizer::IdentitySource;
    let redact = match identity_source {
        IdentitySource::Header(n) => Some(n.as_str()),
        _ => None,
    };
    let (stored_headers, _) = header_maps(head, false, redact);
    let stored_query = query_maps(head).map(|(mut q, _)| {
        if let IdentitySource::Query(n) = identity_source
            && let Some(v) = q.get_mut(n)
        {
            *v = json!("(redacted)");
        }
        Value::Object(q)
    });
    json!({
        "connectionId": ctx.connection_id,
        "connectedAt": ctx.connected_at,
        "stage": ctx.stage,
        "headers": stored_headers,
        "queryStringParameters": stored_query,
        "authorizer": authorizer,
    })
}

/// The built-in echo's reply: the message, the stored connection, an event-shaped context.
pub fn echo_reply(
    ctx: &Context,
    body: String,
    base64: bool,
    item: &Value,
    authorizer: Option<&Map<String, Value>>,
) -> Value {
    let rc = ctx.with_authorizer("$default", "MESSAGE", authorizer);
    json!({"requestContext": rc, "body": body, "isBase64Encoded": base64, "item": item})
}
