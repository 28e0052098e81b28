//! The echo server `bench/compare` measures WebSocket clients against: it echoes text and
//! binary messages and writes a burst of echoes at once, so that the client, not the server,
//! sets the pace. `echo_server` listens on 127.0.0.1 (port 0) and prints its port.

use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::net::TcpListener;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    println!("{}", listener.local_addr()?.port());
    loop {
        let (tcp, _) = listener.accept().await?;
        tokio::spawn(async move {
            let _ = tcp.set_nodelay(true);
            // One unsplit stream: a split sink would hold the last echo back while a close
            // read meanwhile is answered first.
            let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                return;
            };
            while let Some(Ok(first)) = ws.next().await {
                let mut next = Some(first);
                // Echo everything that has already arrived, then write it out in one go.
                while let Some(message) = next.take() {
                    if (message.is_text() || message.is_binary()) && ws.feed(message).await.is_err()
                    {
                        return;
                    }
                    if let Some(Some(Ok(more))) = ws.next().now_or_never() {
                        next = Some(more);
                    }
                }
                if ws.flush().await.is_err() {
                    return;
                }
            }
        });
    }
}
