//! One open connection: frames in and out, the input, keepalive, Ctrl-C, and the way out (a
//! close answered, the replies kept for `--wait` after the end of input). What lives across
//! reconnects (output, input, counts) is [`Shared`]; what lives for one connection is
//! [`Session`].

use super::interrupts::Interrupts;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{self, Message};

use super::frames::{close_end, close_message, send_data};
use super::outbox::Outbox;
use super::slash::{self, Slash};
use super::{End, Input, Options, Renderer, Ws};
use crate::Result;
use crate::quotas::MAX_MESSAGE;

/// Queued messages above which input waits (a bound on memory while the server is slow).
const OUTBOX_LIMIT: usize = 256;
/// How long we wait for the server to answer our close.
const CLOSE_ANSWER: Duration = Duration::from_secs(1);
/// After Ctrl-C, longer: the user can press it again to quit at once.
const CLOSE_ANSWER_INTERRUPTED: Duration = Duration::from_secs(5);
/// How long what was queued before the end (a close above all) may take to go out.
const LAST_WORDS: Duration = Duration::from_secs(1);

type Wire = futures_util::stream::SplitSink<Ws, Message>;
type Frames = futures_util::stream::Peekable<futures_util::stream::SplitStream<Ws>>;

/// What went wrong on the way without ending the session, for the exit code.
#[derive(Default)]
pub struct Faults {
    /// Input lines (or -x messages) that were not sent.
    pub unsent: u64,
}

/// What a run keeps across its connections.
pub struct Shared<'o> {
    pub options: &'o Options,
    pub renderer: Renderer,
    pub inputs: mpsc::Receiver<Vec<Input>>,
    pub interrupts: Interrupts,
    /// Messages received (for `--max-messages`).
    pub received: u64,
    pub faults: Faults,
}

/// Where the session is on its way out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Taking input and printing frames.
    Open,
    /// The input has ended: waiting for replies until none has come for `--wait`.
    Lingering,
    /// Our close is sent: waiting (briefly) for the server's.
    Closing,
}

/// One connection's state.
pub struct Session<'s, 'o> {
    shared: &'s mut Shared<'o>,
    wire: Wire,
    frames: Frames,
    /// Everything is sent through the outbox, drained by the loop as the wire takes it.
    sink: Outbox,
    phase: Phase,
    /// When the current phase ends by itself (no reply for `--wait`, no answer to our close).
    deadline: Option<Instant>,
    input_done: bool,
    ping_sent: Option<Instant>,
    /// The server's close frame, once it came.
    close_info: Option<(u16, String)>,
    /// The end decided by the input side, reported once the close is done.
    pending_end: Option<End>,
}

impl<'s, 'o> Session<'s, 'o> {
    pub fn new(shared: &'s mut Shared<'o>, ws: Ws) -> Session<'s, 'o> {
        let (wire, frames) = ws.split();
        Session {
            shared,
            wire,
            frames: frames.peekable(),
            sink: Outbox::default(),
            phase: Phase::Open,
            deadline: None,
            input_done: false,
            ping_sent: None,
            close_info: None,
            pending_end: None,
        }
    }

    /// Runs the connection until it ends.
    pub async fn run(mut self) -> Result<End> {
        let end = self.body().await;
        if !matches!(end, Ok(End::Interrupted)) {
            // What was queued before the end (a close above all) still goes out, briefly.
            let _ = tokio::time::timeout(LAST_WORDS, self.sink.drain(&mut self.wire)).await;
        }
        end
    }

    fn options(&self) -> &'o Options {
        self.shared.options
    }

    fn linger(&self) -> Duration {
        Duration::from_secs_f64(self.options().wait.max(0.0))
    }

    fn keep_open(&self) -> bool {
        self.options().wait < 0.0
    }

    async fn body(&mut self) -> Result<End> {
        let options = self.options();
        let max_frame = options.max_frame_size.max(1);
        for command in &options.execute {
            if command.len() > MAX_MESSAGE {
                self.shared.faults.unsent += 1;
                self.shared.renderer.error(&format!(
                    "not sent: a -x message of {} bytes is over API Gateway's {MAX_MESSAGE}-byte limit",
                    command.len()
                ));
                continue;
            }
            let bytes = command.clone().into_bytes();
            if let Err(e) = send_data(&mut self.sink, bytes, options.binary, max_frame).await {
                return Ok(End::Abnormal(crate::cause::error_chain(&e)));
            }
        }
        let _ = self.sink.flush().await;
        // -x (unless -w -1): the input is already over.
        if !options.execute.is_empty() && !self.keep_open() {
            self.input_done = true;
            self.phase = Phase::Lingering;
            self.deadline = Some(Instant::now() + self.linger());
        }
        let mut ping_timer = options
            .ping_interval
            .map(|i| tokio::time::interval_at(Instant::now() + i, i));
        // A person at a prompt: Ctrl-C reaches us as input, also while closing.
        let interactive = self.shared.renderer.printer.is_some();
        loop {
            let deadline = self.deadline;
            let sleep = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            let tick = async {
                match ping_timer.as_mut() {
                    Some(t) => t.tick().await,
                    None => std::future::pending().await,
                }
            };
            let take_input = !self.input_done
                && ((self.phase == Phase::Open && self.sink.len() < OUTBOX_LIMIT)
                    || (self.phase == Phase::Closing && interactive));
            let step = tokio::select! {
                _ = self.shared.interrupts.next() => self.on_interrupt(),
                frame = self.frames.next() => self.on_frame(frame).await,
                sent = self.sink.drain(&mut self.wire), if self.sink.pending() => self.on_sent(sent),
                batch = self.shared.inputs.recv(), if take_input => self.on_input(batch, max_frame).await,
                _ = sleep => self.on_deadline(),
                _ = tick, if self.phase != Phase::Closing => self.on_tick().await,
            };
            if let Some(end) = step {
                return Ok(end);
            }
            // Piped output is written when no further frame is ready, so a burst of messages
            // costs one write instead of one per message.
            if !self.shared.renderer.terminal && !frame_ready(&mut self.frames) {
                self.shared.renderer.flush();
            }
            if self.shared.renderer.has_failed() {
                return Ok(super::output_end(&mut self.shared.renderer));
            }
        }
    }

    /// Ctrl-C from the signal: the first closes, the second quits.
    fn on_interrupt(&mut self) -> Option<End> {
        if self.shared.interrupts.count > 1 {
            return Some(End::Interrupted);
        }
        if self.phase != Phase::Closing {
            self.close_on_interrupt();
        }
        None
    }

    async fn on_frame(
        &mut self,
        frame: Option<std::result::Result<Message, tungstenite::Error>>,
    ) -> Option<End> {
        let closing = self.phase == Phase::Closing;
        let renderer = &mut self.shared.renderer;
        let Some(frame) = frame else {
            renderer.flush();
            return Some(self.pending_end.take().unwrap_or(match &self.close_info {
                Some((code, reason)) => {
                    renderer.close(Some(*code), reason);
                    close_end(*code, reason, closing)
                }
                None if closing => {
                    renderer.close(None, "");
                    End::Done
                }
                None => {
                    renderer.close(None, "");
                    End::Abnormal("the connection dropped without a close frame".into())
                }
            }));
        };
        let max = self.shared.options.max_messages;
        let counted = max.is_some_and(|max| self.shared.received >= max);
        // Only replies keep a lingering session open; pings and pongs do not.
        let is_data = matches!(frame, Ok(Message::Text(_) | Message::Binary(_)));
        match frame {
            // Past --max-messages nothing more is printed.
            Ok(Message::Text(_) | Message::Binary(_)) if counted => {}
            Ok(Message::Text(text)) => {
                renderer.text(text.as_str());
                self.shared.received += 1;
            }
            Ok(Message::Binary(data)) => {
                renderer.binary(&data);
                self.shared.received += 1;
            }
            Ok(Message::Ping(data)) => renderer.ping_pong("ping", &data),
            Ok(Message::Pong(data)) => {
                self.ping_sent = None;
                renderer.ping_pong("pong", &data);
            }
            Ok(Message::Close(frame)) => {
                self.close_info = Some(frame.map_or((1005, String::new()), |f| {
                    (u16::from(f.code), f.reason.to_string())
                }));
                let _ = self.sink.flush().await;
            }
            Ok(Message::Frame(_)) => {}
            Err(e) => {
                renderer.flush();
                let why = crate::cause::error_chain(&e);
                if let Some((code, reason)) = &self.close_info {
                    // The close arrived; what follows it (a reset) does not change how it ended.
                    renderer.close(Some(*code), reason);
                    return Some(
                        self.pending_end
                            .take()
                            .unwrap_or_else(|| close_end(*code, reason, closing)),
                    );
                }
                if closing {
                    return Some(self.pending_end.take().unwrap_or(End::Done));
                }
                renderer.error(&why);
                return Some(End::Abnormal(why));
            }
        }
        if self.shared.renderer.has_failed() {
            return Some(super::output_end(&mut self.shared.renderer));
        }
        if self.phase == Phase::Lingering && !self.keep_open() && is_data {
            // A reply came: the session stays until the replies stop.
            self.deadline = Some(Instant::now() + self.linger());
        }
        let reached = max.is_some_and(|max| self.shared.received >= max);
        if reached && self.phase != Phase::Closing {
            self.shared.renderer.flush();
            self.start_close(CLOSE_ANSWER);
        }
        None
    }

    fn on_sent(&mut self, sent: std::result::Result<(), tungstenite::Error>) -> Option<End> {
        match sent {
            // After the server's close, a failed send is just the end of the connection.
            Err(e) if self.close_info.is_none() && self.phase != Phase::Closing => {
                Some(End::Abnormal(crate::cause::error_chain(&e)))
            }
            _ => None,
        }
    }

    async fn on_input(&mut self, batch: Option<Vec<Input>>, max_frame: usize) -> Option<End> {
        let batch = batch.unwrap_or_else(|| vec![Input::Eof]);
        if self.phase == Phase::Closing {
            // At the prompt while closing, only a second Ctrl-C counts.
            if batch.iter().any(|i| matches!(i, Input::Interrupt)) {
                return Some(End::Interrupted);
            }
            if batch
                .iter()
                .any(|i| matches!(i, Input::Eof | Input::Failed(_)))
            {
                self.input_done = true;
            }
            return None;
        }
        for input in batch {
            match input {
                Input::Text(line) => {
                    match self.send_line(line.into_bytes(), false, max_frame).await {
                        Some(End::Done) => {
                            // /close sent our close with the user's code.
                            self.phase = Phase::Closing;
                            self.deadline = Some(Instant::now() + CLOSE_ANSWER);
                            break;
                        }
                        Some(end) => return Some(end),
                        None => {}
                    }
                }
                Input::Bytes(bytes) => {
                    if let Some(end) = self.send_line(bytes, true, max_frame).await {
                        return Some(end);
                    }
                }
                Input::Refused { line, why } => {
                    self.shared.faults.unsent += 1;
                    self.shared
                        .renderer
                        .error(&format!("line {line} of the input {why}; not sent"));
                }
                Input::Failed(why) => {
                    self.shared.renderer.error(&why);
                    self.input_done = true;
                    self.pending_end = Some(End::InputFailed(why));
                    self.start_close(CLOSE_ANSWER);
                    break;
                }
                Input::Interrupt => {
                    // Ctrl-C at the prompt (the line editor takes it from the terminal): the
                    // close starts, and the prompt reads on for a second Ctrl-C.
                    self.shared.interrupts.count += 1;
                    self.close_on_interrupt();
                    self.shared.interrupts.resume_prompt();
                    break;
                }
                Input::Eof => {
                    self.input_done = true;
                    if !self.keep_open() {
                        self.phase = Phase::Lingering;
                        self.deadline = Some(Instant::now() + self.linger());
                    }
                    break;
                }
            }
        }
        if let Err(e) = self.sink.flush().await {
            return Some(End::Abnormal(crate::cause::error_chain(&e)));
        }
        None
    }

    fn on_deadline(&mut self) -> Option<End> {
        match self.phase {
            // No reply for --wait: close as wscat does, and give the server a moment.
            Phase::Lingering | Phase::Open => {
                self.start_close(CLOSE_ANSWER);
                None
            }
            Phase::Closing => {
                self.shared.renderer.flush();
                if self.close_info.is_none() {
                    self.shared.renderer.close(None, "");
                }
                Some(self.pending_end.take().unwrap_or(End::Done))
            }
        }
    }

    async fn on_tick(&mut self) -> Option<End> {
        let timeout = self.options().ping_timeout;
        if let Some(sent) = self.ping_sent
            && sent.elapsed() >= timeout
        {
            self.shared.renderer.error(&format!(
                "no pong within {}s: the connection is lost",
                timeout.as_secs_f64()
            ));
            return Some(End::Abnormal("ping timeout".into()));
        }
        if self
            .sink
            .send(Message::Ping(Vec::new().into()))
            .await
            .is_err()
        {
            return Some(End::Abnormal("ping failed".into()));
        }
        if self.ping_sent.is_none() {
            self.ping_sent = Some(Instant::now());
        }
        None
    }

    /// Queues our close (1000) and waits up to `wait` for the server's answer.
    fn start_close(&mut self, wait: Duration) {
        self.phase = Phase::Closing;
        self.deadline = Some(Instant::now() + wait);
        self.sink.push(close_message(1000, ""));
    }

    /// The first Ctrl-C: a close with 1000, and a longer wait for its answer.
    fn close_on_interrupt(&mut self) {
        self.shared
            .renderer
            .info("closing (Ctrl-C again quits at once)");
        self.start_close(CLOSE_ANSWER_INTERRUPTED);
    }

    /// Sends a typed or piped line, or runs a slash command; `Some(End::Done)` asks for our
    /// close (`/close`), any other `Some` ends the session.
    async fn send_line(&mut self, line: Vec<u8>, binary: bool, max_frame: usize) -> Option<End> {
        let options = self.options();
        let command = (options.slash && !binary)
            .then(|| slash::parse(&line))
            .flatten();
        if let Some(command) = command {
            let result = match command {
                Slash::Ping(data) => self.sink.feed(Message::Ping(data.into())).await,
                Slash::Pong(data) => self.sink.feed(Message::Pong(data.into())).await,
                Slash::Close(code, reason) => {
                    // Our close, with the user's code: whatever the server answers, we are done.
                    let _ = self.sink.feed(close_message(code, &reason)).await;
                    return Some(End::Done);
                }
                Slash::Unknown(other) => {
                    self.shared.renderer.error(&slash::unknown(&other));
                    return None;
                }
            };
            return result.err().map(|e| End::Abnormal(e.to_string()));
        }
        if line.len() > MAX_MESSAGE {
            self.shared.faults.unsent += 1;
            self.shared.renderer.error(&format!(
                "not sent: the message is {} bytes, over API Gateway's {MAX_MESSAGE}-byte limit",
                line.len()
            ));
            return None;
        }
        send_data(&mut self.sink, line, binary || options.binary, max_frame)
            .await
            .err()
            .map(|e| End::Abnormal(e.to_string()))
    }
}

/// Whether the next frame (or the end of the stream) can be had without waiting.
fn frame_ready<S: futures_util::Stream + Unpin>(
    stream: &mut futures_util::stream::Peekable<S>,
) -> bool {
    use futures_util::FutureExt;
    matches!(
        std::pin::Pin::new(stream).peek().now_or_never(),
        Some(Some(_))
    )
}
