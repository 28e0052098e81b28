//! The session's outgoing queue: sending never waits on the network, so the session keeps
//! reading while the server is slow to read (two peers both blocked on writes would hang).

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Sink;
use tokio_tungstenite::tungstenite::{self, Message};

/// Messages waiting for the wire, and whether a flush was asked for.
#[derive(Default)]
pub struct Outbox {
    queue: VecDeque<Message>,
    flush: bool,
}

impl Outbox {
    /// Queued messages (the session stops taking input above a limit).
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Whether there is anything for [`Outbox::drain`] to do.
    pub fn pending(&self) -> bool {
        self.flush || !self.queue.is_empty()
    }

    /// Queues a message and asks for a flush, without waiting (for synchronous callers).
    pub fn push(&mut self, message: Message) {
        self.queue.push_back(message);
        self.flush = true;
    }

    /// Moves queued messages into `wire` and flushes it. Cancel-safe: a message leaves the
    /// queue only once the wire has taken it.
    pub async fn drain<W>(&mut self, wire: &mut W) -> Result<(), tungstenite::Error>
    where
        W: Sink<Message, Error = tungstenite::Error> + Unpin,
    {
        std::future::poll_fn(|cx| {
            while !self.queue.is_empty() {
                std::task::ready!(Pin::new(&mut *wire).poll_ready(cx))?;
                if let Some(message) = self.queue.pop_front() {
                    Pin::new(&mut *wire).start_send(message)?;
                }
            }
            std::task::ready!(Pin::new(&mut *wire).poll_flush(cx))?;
            self.flush = false;
            Poll::Ready(Ok(()))
        })
        .await
    }
}

/// Feeding and sending complete at once; flushing asks the next drain to flush the wire.
impl Sink<Message> for Outbox {
    type Error = tungstenite::Error;

    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, message: Message) -> Result<(), Self::Error> {
        self.get_mut().queue.push_back(message);
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().flush = true;
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.poll_flush(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::SinkExt;

    /// A wire that takes `room` messages, then is not ready until given more room.
    struct Wire {
        taken: Vec<Message>,
        room: usize,
        flushed: usize,
    }

    impl Sink<Message> for Wire {
        type Error = tungstenite::Error;
        fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            if self.room > 0 {
                Poll::Ready(Ok(()))
            } else {
                Poll::Pending
            }
        }
        fn start_send(self: Pin<&mut Self>, m: Message) -> Result<(), Self::Error> {
            let me = self.get_mut();
            me.room -= 1;
            me.taken.push(m);
            Ok(())
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            self.get_mut().flushed += 1;
            Poll::Ready(Ok(()))
        }
        fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }
    }

    #[test]
    fn a_stalled_wire_keeps_what_it_has_not_taken() {
        use futures_util::FutureExt;
        let mut outbox = Outbox::default();
        let mut wire = Wire {
            taken: Vec::new(),
            room: 2,
            flushed: 0,
        };
        for i in 0..5 {
            assert!(
                outbox
                    .feed(Message::text(i.to_string()))
                    .now_or_never()
                    .is_some()
            );
        }
        assert!(outbox.flush().now_or_never().is_some());
        assert_eq!((outbox.len(), outbox.pending()), (5, true));
        // The wire takes two, then stalls: the drain waits and gives up nothing else.
        assert!(outbox.drain(&mut wire).now_or_never().is_none());
        assert_eq!((outbox.len(), wire.taken.len(), wire.flushed), (3, 2, 0));
        wire.room = 10;
        assert!(matches!(
            outbox.drain(&mut wire).now_or_never(),
            Some(Ok(()))
        ));
        let sent: Vec<String> = wire
            .taken
            .iter()
            .map(|m| m.to_text().unwrap().to_string())
            .collect();
        assert_eq!(sent, ["0", "1", "2", "3", "4"]);
        assert_eq!(
            (outbox.len(), outbox.pending(), wire.flushed),
            (0, false, 1)
        );
    }
}
