//! Load for `bench/load`: many authenticated WebSocket connections to `cwsauth local`, each
//! sending numbered messages and checking every echo, plus a steady rate of token requests.
//!
//! `load_local BASE TOKEN CLIENT_ID CLIENT_SECRET CONNECTIONS TOKENS_PER_SECOND SECONDS`
//! prints one JSON summary line; the exit code is 0 only if nothing was lost.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// Each connection sends one message per this interval (10 per second).
const SEND_EVERY: Duration = Duration::from_millis(100);
/// At most this many token requests in flight; beyond it a tick is counted as missed.
const MAX_IN_FLIGHT: u32 = 256;

#[derive(Default)]
struct Counts {
    sent: u64,
    echoed: u64,
    wrong: u64,
}

async fn connection(
    url: String,
    token: String,
    id: usize,
    until: Instant,
) -> Result<Counts, String> {
    let ws = cwsauth::connect::open(&cwsauth::connect::Options::new(url), Some(&token))
        .await
        .map_err(|e| format!("connection {id}: {e:?}"))?;
    let (mut sink, mut stream) = ws.split();
    let mut counts = Counts::default();
    // Spread the connections over the interval.
    let start = tokio::time::Instant::now() + SEND_EVERY * (id as u32 % 100) / 100;
    let mut tick = tokio::time::interval_at(start, SEND_EVERY);
    let grace = until + Duration::from_secs(10);
    loop {
        tokio::select! {
            _ = tick.tick(), if Instant::now() < until => {
                let body = format!("c{id}-{}", counts.sent);
                sink.send(Message::text(body)).await.map_err(|e| format!("connection {id}: {e}"))?;
                counts.sent += 1;
            }
            frame = stream.next() => {
                let Some(Ok(Message::Text(text))) = frame else {
                    return Err(format!("connection {id} ended early after {} echoes", counts.echoed));
                };
                let reply: Value = serde_json::from_str(text.as_str()).unwrap_or_default();
                // Echoes come back in order: the next one must carry the next number.
                if reply["body"] != json!(format!("c{id}-{}", counts.echoed)) {
                    counts.wrong += 1;
                }
                counts.echoed += 1;
            }
            _ = tokio::time::sleep_until(grace.into()) => break,
        }
        if Instant::now() >= until && counts.echoed >= counts.sent {
            break;
        }
    }
    let _ = sink.send(Message::Close(None)).await;
    Ok(counts)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, token, client, secret, conns, rate, seconds] = &args[..] else {
        eprintln!(
            "usage: load_local BASE TOKEN CLIENT_ID CLIENT_SECRET CONNECTIONS TOKENS_PER_SECOND SECONDS"
        );
        std::process::exit(2);
    };
    let conns: usize = conns.parse().expect("CONNECTIONS");
    let rate: u64 = rate.parse().expect("TOKENS_PER_SECOND");
    let seconds: u64 = seconds.parse().expect("SECONDS");
    cwsauth::tls::install_tls_provider();
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let ws_url = format!("{}/load", base.replacen("http://", "ws://", 1));

    let sessions: Vec<_> = (0..conns)
        .map(|id| tokio::spawn(connection(ws_url.clone(), token.clone(), id, until)))
        .collect();

    // Token requests at a fixed rate; each one is a client_credentials grant.
    let http = cwsauth::http::async_client().expect("an HTTP client");
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    // A permit per request in flight; taking them all back at the end waits for the last one.
    let in_flight = Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT as usize));
    let latencies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut missed = 0u64;
    let mut issued = 0u64;
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let token_url = format!("{base}/oauth2/token");
    while Instant::now() < until {
        tick.tick().await;
        let Ok(permit) = in_flight.clone().try_acquire_owned() else {
            missed += 1;
            continue;
        };
        issued += 1;
        let (http, url, client, secret) = (
            http.clone(),
            token_url.clone(),
            client.clone(),
            secret.clone(),
        );
        let (ok, failed, latencies) = (ok.clone(), failed.clone(), latencies.clone());
        tokio::spawn(async move {
            let t = Instant::now();
            let resp = http
                .post(url)
                .basic_auth(client, Some(secret))
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await;
            let good = match resp {
                Ok(r) if r.status() == 200 => r
                    .json::<Value>()
                    .await
                    .is_ok_and(|v| v["access_token"].is_string()),
                _ => false,
            };
            if good { &ok } else { &failed }.fetch_add(1, Ordering::Relaxed);
            latencies
                .lock()
                .unwrap()
                .push(t.elapsed().as_micros() as u64);
            drop(permit);
        });
    }
    let token_seconds = started.elapsed().as_secs_f64();
    let _all_done = in_flight.acquire_many(MAX_IN_FLIGHT).await;

    let (mut sent, mut echoed, mut wrong, mut errors) = (0, 0, 0, Vec::new());
    for session in sessions {
        match session.await {
            Ok(Ok(c)) => {
                sent += c.sent;
                echoed += c.echoed;
                wrong += c.wrong;
            }
            Ok(Err(e)) => errors.push(e),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    let (ok, failed) = (ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    let summary = json!({
        "connections": conns,
        "connection_errors": errors.len(),
        "first_error": errors.first(),
        "messages_sent": sent,
        "messages_echoed": echoed,
        "messages_out_of_order": wrong,
        "token_requests": issued,
        "token_ok": ok,
        "token_failed": failed,
        "token_ticks_missed": missed,
        "token_rate_achieved": (ok as f64 / token_seconds).round(),
        "token_latency_ms_p50": pct(0.50),
        "token_latency_ms_p99": pct(0.99),
    });
    println!("{summary}");
    let lost = !errors.is_empty() || sent != echoed || wrong > 0 || failed > 0;
    std::process::exit(if lost { 1 } else { 0 });
}
