//! The client `bench/compare` measures local WebSocket APIs with (cwsauth local with the
//! developer's functions, serverless-offline): round trips one at a time on one connection,
//! then throughput with every connection in a closed loop. A reply that carries the
//! function's own time (`"d"`, microseconds) also gives the emulator's overhead.
//!
//! `ws_rtt URL CONNECTIONS SECONDS [HEADER: VALUE]…` prints one JSON object;
//! `ws_rtt URL 0 0` makes one round trip and exits 0 if it worked (a readiness probe);
//! `ws_rtt URL handshakes N` opens and closes N connections one after another (the cost of
//! `$connect` and its authorizer).

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Ws = tokio_tungstenite::WebSocketStream<TcpStream>;

const ROUND_TRIPS: usize = 300;
/// Longest wait for one reply before the run counts as failed.
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);

async fn open(url: &str, headers: &[(String, String)]) -> Result<Ws, String> {
    let mut request = url.into_client_request().map_err(|e| e.to_string())?;
    for (k, v) in headers {
        let name = http::HeaderName::from_bytes(k.as_bytes()).map_err(|e| e.to_string())?;
        request
            .headers_mut()
            .insert(name, v.parse().map_err(|_| "bad header value")?);
    }
    let host = request.uri().host().unwrap_or("127.0.0.1").to_string();
    let port = request.uri().port_u16().unwrap_or(80);
    let tcp = TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| e.to_string())?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    let (ws, _) = tokio_tungstenite::client_async(request, tcp)
        .await
        .map_err(|e| e.to_string())?;
    Ok(ws)
}

/// Sends message `i` and waits for its reply; the function's own time when it says.
async fn round_trip(ws: &mut Ws, i: u64) -> Result<Option<f64>, String> {
    ws.send(Message::text(json!({"action": "echo", "i": i}).to_string()))
        .await
        .map_err(|e| e.to_string())?;
    loop {
        let next = tokio::time::timeout(REPLY_TIMEOUT, ws.next())
            .await
            .map_err(|_| "no reply in 30 s")?;
        match next {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
                if v["i"].as_u64().is_some_and(|n| n != i) {
                    continue;
                }
                return Ok(v["d"].as_f64());
            }
            Some(Ok(_)) => continue,
            other => return Err(format!("connection ended: {other:?}")),
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: ws_rtt URL CONNECTIONS SECONDS [HEADER: VALUE]...");
        std::process::exit(2);
    }
    let (url, connections, seconds) = (
        &args[0],
        args[1].parse::<usize>().unwrap_or(10),
        args[2].parse::<u64>().unwrap_or(10),
    );
    let headers: Vec<(String, String)> = args[3..]
        .iter()
        .filter_map(|h| {
            h.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    if args[1] == "handshakes" {
        let mut times = Vec::new();
        for _ in 0..seconds {
            let started = Instant::now();
            match open(url, &headers).await {
                Ok(mut ws) => {
                    times.push(started.elapsed().as_secs_f64() * 1000.0);
                    let _ = ws.close(None).await;
                }
                Err(e) => {
                    println!("{}", json!({"error": e}));
                    std::process::exit(1);
                }
            }
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{}",
            json!({"handshake_median_ms": percentile(&times, 50.0), "handshake_p99_ms": percentile(&times, 99.0)})
        );
        return;
    }
    if connections == 0 {
        let probe = async { round_trip(&mut open(url, &headers).await?, 0).await };
        std::process::exit(i32::from(probe.await.is_err()));
    }
    let result = run(url, connections, seconds, &headers).await;
    match result {
        Ok(v) => println!("{v}"),
        Err(e) => {
            println!("{}", json!({"error": e}));
            std::process::exit(1);
        }
    }
}

async fn run(
    url: &str,
    connections: usize,
    seconds: u64,
    headers: &[(String, String)],
) -> Result<Value, String> {
    // Round trips, one at a time (after 20 to warm up).
    let mut ws = open(url, headers).await?;
    let mut rtts = Vec::new();
    let mut overheads = Vec::new();
    for i in 0..(ROUND_TRIPS + 20) as u64 {
        let started = Instant::now();
        let own = round_trip(&mut ws, i).await?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if i >= 20 {
            rtts.push(ms);
            if let Some(us) = own {
                overheads.push(ms - us / 1000.0);
            }
        }
    }
    let _ = ws.close(None).await;
    rtts.sort_by(f64::total_cmp);
    overheads.sort_by(f64::total_cmp);

    // Throughput: every connection sends its next message when its last reply came.
    let mut sockets = Vec::new();
    for _ in 0..connections {
        sockets.push(open(url, headers).await?);
    }
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(c, mut ws)| {
            tokio::spawn(async move {
                let mut done = 0u64;
                while Instant::now() < deadline {
                    round_trip(&mut ws, (c as u64) << 32 | done).await?;
                    done += 1;
                }
                let _ = ws.close(None).await;
                Ok::<u64, String>(done)
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.map_err(|e| e.to_string())??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(json!({
        "rtt_median_ms": percentile(&rtts, 50.0),
        "rtt_p99_ms": percentile(&rtts, 99.0),
        "overhead_median_ms": if overheads.is_empty() { Value::Null } else { json!(percentile(&overheads, 50.0)) },
        "overhead_p99_ms": if overheads.is_empty() { Value::Null } else { json!(percentile(&overheads, 99.0)) },
        "messages_per_s": total as f64 / elapsed,
        "connections": connections,
    }))
}
