//! The native open/save/folder dialogs, for every view: the UI never calls the dialog plugin
//! directly, so that end-to-end tests can answer the dialogs.
//!
//! In debug builds only, when `HANDOVER_E2E_DIALOGS` names a queue file, the answers come from
//! that file instead of a window (see [`e2e`]). Release builds do not contain that code.

use serde::{Deserialize, Serialize};
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::error::{CmdResult, IpcError};

/// Which dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DialogKind {
    /// Choose an existing file.
    OpenFile,
    /// Choose where to write a new file.
    SaveFile,
    /// Choose a folder.
    PickFolder,
}

/// A file-type filter.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DialogFilter {
    /// Shown to the user.
    pub name: String,
    /// Extensions without the dot.
    pub extensions: Vec<String>,
}

/// A dialog as the UI asks for it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DialogRequest {
    /// Which dialog.
    pub kind: DialogKind,
    /// The window title.
    pub title: Option<String>,
    /// File-type filters.
    #[serde(default)]
    pub filters: Vec<DialogFilter>,
    /// Suggested file name (save dialogs).
    pub default_name: Option<String>,
}

/// Ask the user for a path; `null` when they cancel.
#[tauri::command(async)]
pub fn dialog(app: AppHandle, request: DialogRequest) -> CmdResult<Option<String>> {
    #[cfg(debug_assertions)]
    if let Some(answer) = e2e::answer(&request)? {
        return Ok(answer);
    }
    let mut d = app.dialog().file();
    if let Some(t) = &request.title {
        d = d.set_title(t);
    }
    for f in &request.filters {
        let ext: Vec<&str> = f.extensions.iter().map(String::as_str).collect();
        d = d.add_filter(&f.name, &ext);
    }
    if let Some(n) = &request.default_name {
        d = d.set_file_name(n);
    }
    let picked = match request.kind {
        DialogKind::OpenFile => d.blocking_pick_file(),
        DialogKind::SaveFile => d.blocking_save_file(),
        DialogKind::PickFolder => d.blocking_pick_folder(),
    };
    picked
        .map(|p| {
            p.into_path()
                .map(|p| p.display().to_string())
                .map_err(|e| IpcError::new("io", format!("the chosen path is not usable: {e}")))
        })
        .transpose()
}

/// Test-only dialog answers (debug builds).
///
/// `HANDOVER_E2E_DIALOGS=/path/answers.json` holds a JSON array of answers, consumed front to
/// back, one per dialog: `{"kind": "save_file", "path": "/tmp/x.age"}` (`path: null` is a
/// cancel). A dialog of another kind than the next answer, or with no answer left, is an error
/// shown in the window, so a test fails at once instead of hanging on a real dialog. Every
/// dialog asked for is appended to `<file>.asked.jsonl`.
#[cfg(debug_assertions)]
pub mod e2e {
    use std::io::Write;
    use std::sync::Mutex;

    use serde::{Deserialize, Serialize};

    use super::{DialogKind, DialogRequest};
    use crate::error::{CmdResult, IpcError};

    /// The environment variable naming the answers file.
    pub const ENV: &str = "HANDOVER_E2E_DIALOGS";

    static LOCK: Mutex<()> = Mutex::new(());

    /// One queued answer.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Answer {
        /// The dialog it answers.
        pub kind: DialogKind,
        /// The path chosen, or None for a cancel.
        pub path: Option<String>,
    }

    /// The next answer if the queue is in use (`Ok(None)`: not in use, open a real dialog).
    pub fn answer(request: &DialogRequest) -> CmdResult<Option<Option<String>>> {
        match std::env::var_os(ENV).filter(|v| !v.is_empty()) {
            Some(file) => answer_from(std::path::Path::new(&file), request).map(Some),
            None => Ok(None),
        }
    }

    /// Take the next answer from `file`.
    pub fn answer_from(
        file: &std::path::Path,
        request: &DialogRequest,
    ) -> CmdResult<Option<String>> {
        let _guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let fail = |msg: String| IpcError::new("e2e_dialog", msg);
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file.with_extension("asked.jsonl"))
            .map_err(|e| fail(format!("cannot log the dialog: {e}")))?;
        let _ = writeln!(
            log,
            "{}",
            serde_json::to_string(request).unwrap_or_default()
        );
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "[]".into(),
            Err(e) => return Err(fail(format!("cannot read {}: {e}", file.display()))),
        };
        let mut queue: Vec<Answer> = serde_json::from_str(&text)
            .map_err(|e| fail(format!("{} is not a list of answers: {e}", file.display())))?;
        if queue.is_empty() {
            return Err(fail(format!(
                "the app asked for a {:?} dialog ({}) but no answer is queued",
                request.kind,
                request.title.as_deref().unwrap_or("untitled")
            )));
        }
        let next = queue.remove(0);
        if next.kind != request.kind {
            return Err(fail(format!(
                "the app asked for a {:?} dialog but the next queued answer is for {:?}",
                request.kind, next.kind
            )));
        }
        let rest = serde_json::to_string(&queue).unwrap_or_else(|_| "[]".into());
        std::fs::write(file, rest)
            .map_err(|e| fail(format!("cannot write {}: {e}", file.display())))?;
        Ok(next.path)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn req(kind: DialogKind) -> DialogRequest {
            DialogRequest {
                kind,
                title: Some("t".into()),
                filters: vec![],
                default_name: None,
            }
        }

        #[test]
        fn answers_in_order_checks_the_kind_and_never_falls_through() {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("answers.json");
            std::fs::write(
                &file,
                r#"[{"kind":"open_file","path":"/a.xlsx"},{"kind":"save_file","path":null},
                    {"kind":"pick_folder","path":"/out"}]"#,
            )
            .unwrap();
            // (`set_var` is unsafe in edition 2024 and `unsafe_code` is forbidden: the test
            // reads the queue file directly; `answer` only adds the variable lookup.)
            let answer = |kind| answer_from(&file, &req(kind));
            assert_eq!(
                answer(DialogKind::OpenFile).unwrap(),
                Some("/a.xlsx".into())
            );
            assert_eq!(answer(DialogKind::SaveFile).unwrap(), None);
            let e = answer(DialogKind::SaveFile).unwrap_err();
            assert_eq!(e.code, "e2e_dialog");
            assert!(e.message.contains("PickFolder"), "{}", e.message);
            assert_eq!(answer(DialogKind::PickFolder).unwrap(), Some("/out".into()));
            let e = answer(DialogKind::OpenFile).unwrap_err();
            assert!(e.message.contains("no answer is queued"), "{}", e.message);
            let asked = std::fs::read_to_string(dir.path().join("answers.asked.jsonl")).unwrap();
            assert_eq!(asked.lines().count(), 5);
        }
    }
}
