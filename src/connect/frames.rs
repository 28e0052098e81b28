//! Frames on the wire: an outgoing message split into frames of at most `--max-frame-size`
//! bytes, close frames, and what a close code says about how the session ended.

use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::{self, Message};

use super::End;

/// Sends one outgoing message, split into frames of at most `max_frame` bytes.
pub async fn send_data<S>(
    sink: &mut S,
    data: Vec<u8>,
    binary: bool,
    max_frame: usize,
) -> Result<(), tungstenite::Error>
where
    S: futures_util::Sink<Message, Error = tungstenite::Error> + Unpin,
{
    use futures_util::SinkExt;
    if data.len() <= max_frame {
        let msg = if binary {
            Message::binary(data)
        } else {
            match String::from_utf8(data) {
                Ok(text) => Message::text(text),
                Err(e) => Message::binary(e.into_bytes()),
            }
        };
        return sink.feed(msg).await;
    }
    let kind = if binary { Data::Binary } else { Data::Text };
    let chunks: Vec<&[u8]> = data.chunks(max_frame.max(1)).collect();
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.into_iter().enumerate() {
        let opcode = if i == 0 {
            OpCode::Data(kind)
        } else {
            OpCode::Data(Data::Continue)
        };
        sink.feed(Message::Frame(Frame::message(
            chunk.to_vec(),
            opcode,
            i == last,
        )))
        .await?;
    }
    Ok(())
}

/// A close frame with `code` and `reason`.
pub fn close_message(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_string().into(),
    }))
}

/// Close codes that report a failure rather than answer a close (RFC 6455 §7.4.1).
pub fn is_error_close(code: u16) -> bool {
    matches!(
        code,
        1002 | 1003 | 1006 | 1007 | 1008 | 1009 | 1010 | 1011 | 1015
    )
}

/// How a close with `code` ends the session: an answer to our own close (`closing`) ends it
/// as done, unless the code is an error; 1000 and 1001 are normal; the rest are not.
pub fn close_end(code: u16, reason: &str, closing: bool) -> End {
    if closing && !is_error_close(code) {
        End::Done
    } else if code == 1000 || code == 1001 {
        End::Normal
    } else {
        End::Abnormal(format!("closed with {code}{}", reason_text(reason)))
    }
}

/// ` (reason)`, or nothing for an empty reason.
pub fn reason_text(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(" ({})", crate::sanitize::excerpt(reason, 100))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_end_the_session_as_rfc_6455_says() {
        assert!(matches!(close_end(1000, "", true), End::Done));
        assert!(matches!(close_end(1011, "", true), End::Abnormal(_)));
        assert!(matches!(close_end(1001, "Going away", false), End::Normal));
        match close_end(4000, "custom", false) {
            End::Abnormal(why) => assert_eq!(why, "closed with 4000 (custom)"),
            _ => panic!("4000 is not a normal close"),
        }
    }
}
