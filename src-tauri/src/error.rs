//! What the UI receives when a command fails: a stable code, whose headline the UI takes from
//! the core's catalogue (`ui/src/bindings/messages.ts`), and the core's English sentence as
//! the detail. Never a Rust debug dump.

use serde::Serialize;
use ts_rs::TS;

/// A command's failure, as sent over IPC.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IpcError {
    /// Stable code (`bad_register`, `keys_missing`…; see `handover_core::Error::code`).
    pub code: String,
    /// The detail, in English; the UI leads with the code's headline from `messages`.
    pub message: String,
    /// The detail in Japanese, where the core words it (else absent: the English one).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message_ja: Option<String>,
    /// Per-row problems, for a refused import.
    pub problems: Vec<handover_core::register::RowProblem>,
    /// Until when a locked-out operator cannot sign in (ISO 8601, UTC), for the window to show
    /// in local time.
    pub locked_until: Option<String>,
}

impl From<handover_core::Error> for IpcError {
    fn from(e: handover_core::Error) -> Self {
        let problems = match &e {
            handover_core::Error::RegisterRejected { problems, .. } => problems.clone(),
            _ => Vec::new(),
        };
        let message = e.to_string();
        let ja = e.detail(handover_core::report::Lang::Ja);
        let locked_until = match &e {
            handover_core::Error::OperatorLocked { until, .. } => Some(until.to_string()),
            _ => None,
        };
        IpcError {
            code: e.code().to_string(),
            message_ja: (ja != message).then_some(ja),
            message,
            problems,
            locked_until,
        }
    }
}

impl IpcError {
    /// An error that does not come from the core.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        IpcError {
            code: code.into(),
            message: message.into(),
            message_ja: None,
            problems: Vec::new(),
            locked_until: None,
        }
    }
}

impl From<handover_core::refusal::Refusal> for IpcError {
    /// A refusal the shell makes itself, in the core's words (code, ja and en detail).
    fn from(r: handover_core::refusal::Refusal) -> Self {
        IpcError::from(handover_core::Error::from(r))
    }
}

/// Result of a command.
pub type CmdResult<T> = Result<T, IpcError>;
