//! A key on hardware asks the person through the window (issue 15): the core's
//! [`PluginPrompts`] as events to the window and answers sent back by a command.
//!
//! While a command decrypts with an age plugin identity (a YubiKey, a TPM…), the plugin may show
//! a message ("touch your key") or ask for its PIN. [`WindowPrompts`] sends each to the window
//! as a [`PluginPrompt`] event and, for a question, waits on the command's own thread for the
//! answer the window sends back with `plugin_prompt_answer` ([`PromptBoard::answer`]): the PIN,
//! or nothing when the person cancelled. Nobody answering within [`ANSWER_TIMEOUT`] counts as a
//! cancel, and the window is told to close the question. The rule (what a missing PIN means)
//! stays in the core and the plugin: this only carries words.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use age::secrecy::SecretString;
use handover_core::plugins::PluginPrompts;
use serde::Serialize;
use ts_rs::TS;

/// The event every [`PluginPrompt`] is sent as.
pub const PROMPT_EVENT: &str = "plugin-prompt";

/// How long a question waits for the person before it counts as cancelled.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(300);

/// What a plugin shows or asks, as the window receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum PluginPrompt {
    /// Something to read (e.g. "touch your key"); no answer.
    Message {
        /// The plugin's words.
        text: String,
    },
    /// A secret to type (a PIN): answered with it, or cancelled.
    Secret {
        /// The question's id (the answer names it).
        #[ts(type = "number")]
        id: u64,
        /// The plugin's words.
        text: String,
    },
    /// A text to type that is not secret.
    Public {
        /// The question's id.
        #[ts(type = "number")]
        id: u64,
        /// The plugin's words.
        text: String,
    },
    /// Yes or no: answered with the `yes` or the `no` label.
    Confirm {
        /// The question's id.
        #[ts(type = "number")]
        id: u64,
        /// The plugin's words.
        text: String,
        /// The label of yes.
        yes: String,
        /// The label of no, if the plugin gives one.
        no: Option<String>,
    },
    /// The question is over (answered elsewhere, or nobody answered in time): close it.
    Closed {
        /// The question's id.
        #[ts(type = "number")]
        id: u64,
    },
    /// The command that asked is done: clear its messages.
    Done,
}

/// The questions waiting for the window's answer.
#[derive(Default)]
pub struct PromptBoard {
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, Sender<Option<String>>>>,
}

impl PromptBoard {
    /// Hand the window's answer (`None`: cancelled) to the question `id`. False when no
    /// question `id` waits (answered already, or timed out).
    pub fn answer(&self, id: u64, answer: Option<String>) -> bool {
        let sender = match self.waiting.lock() {
            Ok(mut w) => w.remove(&id),
            Err(_) => None,
        };
        sender.is_some_and(|s| s.send(answer).is_ok())
    }

    /// Ask: `ask(id)` sends the question; then wait for its answer up to `timeout`.
    fn ask(
        &self,
        timeout: Duration,
        ask: impl FnOnce(u64),
        closed: impl FnOnce(u64),
    ) -> Option<String> {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (tx, rx) = channel();
        self.waiting.lock().ok()?.insert(id, tx);
        ask(id);
        let got = rx.recv_timeout(timeout);
        if got.is_err() {
            if let Ok(mut w) = self.waiting.lock() {
                w.remove(&id);
            }
            closed(id);
        }
        got.ok().flatten()
    }
}

/// The plugin's prompts for one command, sent with `send` (the window's event) and answered
/// through `board`.
pub struct WindowPrompts {
    send: Box<dyn Fn(PluginPrompt) + Send + Sync>,
    board: Arc<PromptBoard>,
    timeout: Duration,
}

impl WindowPrompts {
    /// Prompts sent with `send`, answered through `board`, waiting up to `timeout`.
    pub fn new(
        send: impl Fn(PluginPrompt) + Send + Sync + 'static,
        board: Arc<PromptBoard>,
        timeout: Duration,
    ) -> Self {
        WindowPrompts {
            send: Box::new(send),
            board,
            timeout,
        }
    }

    /// Prompts shown in the app's windows (every question waits [`ANSWER_TIMEOUT`]).
    pub fn to_window<R: tauri::Runtime>(
        app: tauri::AppHandle<R>,
        board: Arc<PromptBoard>,
    ) -> Arc<dyn PluginPrompts> {
        use tauri::Emitter;
        let send = move |p: PluginPrompt| {
            if let Err(e) = app.emit(PROMPT_EVENT, p) {
                log::warn!("cannot show the key's prompt: {e}");
            }
        };
        Arc::new(WindowPrompts::new(send, board, ANSWER_TIMEOUT))
    }

    fn question(&self, make: impl FnOnce(u64) -> PluginPrompt) -> Option<String> {
        self.board.ask(
            self.timeout,
            |id| (self.send)(make(id)),
            |id| (self.send)(PluginPrompt::Closed { id }),
        )
    }
}

impl Drop for WindowPrompts {
    fn drop(&mut self) {
        (self.send)(PluginPrompt::Done);
    }
}

impl PluginPrompts for WindowPrompts {
    fn message(&self, text: &str) {
        (self.send)(PluginPrompt::Message { text: text.into() });
    }

    fn confirm(&self, text: &str, yes: &str, no: Option<&str>) -> Option<bool> {
        let answer = self.question(|id| PluginPrompt::Confirm {
            id,
            text: text.into(),
            yes: yes.into(),
            no: no.map(Into::into),
        })?;
        Some(answer == yes)
    }

    fn public(&self, text: &str) -> Option<String> {
        self.question(|id| PluginPrompt::Public {
            id,
            text: text.into(),
        })
    }

    fn secret(&self, text: &str) -> Option<SecretString> {
        self.question(|id| PluginPrompt::Secret {
            id,
            text: text.into(),
        })
        .filter(|s| !s.is_empty())
        .map(SecretString::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::secrecy::ExposeSecret;

    /// Prompts whose window answers each question with `reply(prompt)` from another thread
    /// (as the window's command does), recording every prompt sent.
    fn answered_by(
        reply: impl Fn(&PluginPrompt) -> Option<Option<String>> + Send + Sync + 'static,
        timeout: Duration,
    ) -> (WindowPrompts, Arc<Mutex<Vec<PluginPrompt>>>) {
        let board = Arc::new(PromptBoard::default());
        let sent = Arc::new(Mutex::new(Vec::new()));
        let (b, s) = (board.clone(), sent.clone());
        let send = move |p: PluginPrompt| {
            s.lock().unwrap().push(p.clone());
            let id = match &p {
                PluginPrompt::Secret { id, .. }
                | PluginPrompt::Public { id, .. }
                | PluginPrompt::Confirm { id, .. } => *id,
                _ => return,
            };
            if let Some(answer) = reply(&p) {
                let b = b.clone();
                std::thread::spawn(move || assert!(b.answer(id, answer)));
            }
        };
        (WindowPrompts::new(send, board, timeout), sent)
    }

    #[test]
    fn a_pin_typed_in_the_window_reaches_the_plugin() {
        let (p, sent) = answered_by(|_| Some(Some("4321".into())), ANSWER_TIMEOUT);
        p.message("touch your key");
        let pin = p.secret("PIN for the key").expect("answered");
        assert_eq!(pin.expose_secret(), "4321");
        let sent = sent.lock().unwrap().clone();
        assert_eq!(
            sent[0],
            PluginPrompt::Message {
                text: "touch your key".into()
            }
        );
        assert!(matches!(&sent[1], PluginPrompt::Secret { text, .. } if text == "PIN for the key"));
    }

    #[test]
    fn cancel_and_an_empty_pin_are_no_answer() {
        let (p, _) = answered_by(|_| Some(None), ANSWER_TIMEOUT);
        assert!(p.secret("PIN").is_none());
        let (p, _) = answered_by(|_| Some(Some(String::new())), ANSWER_TIMEOUT);
        assert!(p.secret("PIN").is_none());
    }

    #[test]
    fn confirm_is_yes_only_for_the_yes_label_and_public_text_comes_back() {
        let (p, _) = answered_by(
            |q| match q {
                PluginPrompt::Confirm { yes, .. } => Some(Some(yes.clone())),
                _ => Some(Some("slot 1".into())),
            },
            ANSWER_TIMEOUT,
        );
        assert_eq!(p.confirm("Use it?", "Use", Some("Skip")), Some(true));
        assert_eq!(p.public("Which slot?").as_deref(), Some("slot 1"));
        let (p, _) = answered_by(|_| Some(Some("Skip".into())), ANSWER_TIMEOUT);
        assert_eq!(p.confirm("Use it?", "Use", Some("Skip")), Some(false));
    }

    #[test]
    fn nobody_answering_in_time_is_a_cancel_and_the_window_closes_the_question() {
        let (p, sent) = answered_by(|_| None, Duration::from_millis(50));
        assert!(p.secret("PIN").is_none());
        let id = match &sent.lock().unwrap()[0] {
            PluginPrompt::Secret { id, .. } => *id,
            other => panic!("{other:?}"),
        };
        assert_eq!(sent.lock().unwrap()[1], PluginPrompt::Closed { id });
        // A late answer finds nobody waiting.
        assert!(!p.board.answer(id, Some("4321".into())));
        drop(p);
        assert_eq!(sent.lock().unwrap().last(), Some(&PluginPrompt::Done));
    }

    #[test]
    fn an_answer_to_no_question_is_refused() {
        let board = PromptBoard::default();
        assert!(!board.answer(7, Some("4321".into())));
    }
}
