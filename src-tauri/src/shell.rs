//! What makes the app behave like an installed desktop app: the version it shows, one window
//! per data folder (a second start hands its bundle to the first), the log file, the native
//! menu and the title in the chosen language.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};
use tauri::menu::{AboutMetadataBuilder, Menu, MenuBuilder, MenuEvent, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::{CmdResult, IpcError};
use crate::update::{self, Staged};

/// The version and the commit the app was built from (`0.1.0 (1a2b3c4)`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("HANDOVER_COMMIT"),
    ")"
);

/// The event the window receives when a bundle is waiting (a file opened from the file
/// manager, at start or by a second start); it then asks `bundle_requested` for the path.
pub const BUNDLE_EVENT: &str = "bundle-requested";
/// The event the window receives when the native menu asks for a screen (`settings`).
pub const NAVIGATE_EVENT: &str = "navigate";

/// The shell's state: the bundle waiting for the contractor view, and a verified update
/// waiting for the user's confirmation.
#[derive(Default)]
pub struct ShellState {
    /// A bundle path handed over at start or by a second start, not yet taken by the UI.
    pub pending_bundle: Mutex<Option<String>>,
    /// The update checked in Settings → 更新.
    pub staged_update: Mutex<Option<Staged>>,
}

/// The file a start was asked to open: the first argument that is not an option, relative to
/// the start's working folder; None when there is none or it is not a file.
pub fn bundle_arg(argv: &[String], cwd: &Path) -> Option<PathBuf> {
    let arg = argv.iter().skip(1).find(|a| !a.starts_with('-'))?;
    let path = cwd.join(arg);
    path.is_file().then_some(path)
}

/// The D-Bus name that makes the app single-instance, per data folder: a second start on the
/// same folder (the same store, which one window at a time should hold) hands over to the
/// first, while an app on another folder (`HANDOVER_DATA_DIR`, tests) runs beside it.
pub fn instance_id(identifier: &str, data_dir: &Path) -> String {
    let digest = Sha256::digest(data_dir.as_os_str().as_encoded_bytes());
    format!("{identifier}.d{}", hex16(&digest))
}

fn hex16(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Remember the bundle `argv` names (if any) for the contractor view, and tell the window.
pub fn request_bundle<R: Runtime>(app: &AppHandle<R>, argv: &[String], cwd: &Path) {
    let Some(path) = bundle_arg(argv, cwd) else {
        return;
    };
    // The path is not logged: a file name can name a customer.
    log::info!("a bundle file was handed to the app");
    let state = app.state::<ShellState>();
    if let Ok(mut pending) = state.pending_bundle.lock() {
        *pending = Some(path.display().to_string());
    }
    let _ = app.emit(BUNDLE_EVENT, ());
}

/// A second start: bring the window to the front and take over its bundle.
pub fn second_start<R: Runtime>(app: &AppHandle<R>, argv: Vec<String>, cwd: String) {
    log::info!("a second start was handed to this window");
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
    request_bundle(app, &argv, Path::new(&cwd));
}

/// The user's words for the menu and the title.
struct Words {
    app: &'static str,
    file: &'static str,
    settings: &'static str,
    quit: &'static str,
    edit: &'static str,
    cut: &'static str,
    copy: &'static str,
    paste: &'static str,
    select_all: &'static str,
    help: &'static str,
    log: &'static str,
    about: &'static str,
}

fn words(lang: &str) -> Words {
    if lang == "en" {
        Words {
            app: "Handover",
            file: "File",
            settings: "Settings…",
            quit: "Quit",
            edit: "Edit",
            cut: "Cut",
            copy: "Copy",
            paste: "Paste",
            select_all: "Select All",
            help: "Help",
            log: "Open the Log Folder",
            about: "About Handover",
        }
    } else {
        Words {
            app: "ハンドオーバー",
            file: "ファイル",
            settings: "設定…",
            quit: "終了",
            edit: "編集",
            cut: "切り取り",
            copy: "コピー",
            paste: "貼り付け",
            select_all: "すべて選択",
            help: "ヘルプ",
            log: "ログフォルダを開く",
            about: "ハンドオーバーについて",
        }
    }
}

/// The window title: the app's name in the language and the data folder in use.
pub fn title(lang: &str, data_dir: &Path) -> String {
    format!("{} — {}", words(lang).app, data_dir.display())
}

fn menu<R: Runtime>(app: &AppHandle<R>, lang: &str) -> tauri::Result<Menu<R>> {
    let w = words(lang);
    let about = AboutMetadataBuilder::new()
        .name(Some(w.app))
        .version(Some(VERSION))
        .comments(Some(if update::test_key() {
            "Handover — TEST BUILD (test release key)"
        } else {
            "Handover"
        }))
        .license(Some(env!("CARGO_PKG_LICENSE")))
        .build();
    let file = SubmenuBuilder::new(app, w.file)
        .text("settings", w.settings)
        .separator()
        .quit_with_text(w.quit)
        .build()?;
    let edit = SubmenuBuilder::new(app, w.edit)
        .cut_with_text(w.cut)
        .copy_with_text(w.copy)
        .paste_with_text(w.paste)
        .separator()
        .select_all_with_text(w.select_all)
        .build()?;
    let help = SubmenuBuilder::new(app, w.help)
        .text("log", w.log)
        .separator()
        .about_with_text(w.about, Some(about))
        .build()?;
    MenuBuilder::new(app).items(&[&file, &edit, &help]).build()
}

/// Put the menu and the title in `lang` (at start, and when the language changes).
pub fn apply_language<R: Runtime>(app: &AppHandle<R>, lang: &str, data_dir: &Path) {
    match menu(app, lang) {
        Ok(m) => {
            if let Err(e) = app.set_menu(m) {
                log::warn!("cannot set the menu: {e}");
            }
        }
        Err(e) => log::warn!("cannot build the menu: {e}"),
    }
    if let Some(w) = app.get_webview_window("main")
        && let Err(e) = w.set_title(&title(lang, data_dir))
    {
        log::warn!("cannot set the title: {e}");
    }
}

/// The native menu's own items (the predefined ones act by themselves).
pub fn on_menu<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    match event.id().as_ref() {
        "settings" => {
            let _ = app.emit(NAVIGATE_EVENT, "settings");
        }
        "log" => {
            if let Err(e) = open_log_folder(app) {
                log::warn!("cannot open the log folder: {}", e.message);
            }
        }
        _ => {}
    }
}

/// The log file's name (in the OS log folder: `~/.local/share/<identifier>/logs` on Linux).
pub const LOG_NAME: &str = "handover";

/// The log plugin: `handover.log` in the OS log folder, rotated at 1 MiB keeping 5 files,
/// plus standard error. The app logs its start, version, graphics workaround, second starts,
/// update checks and its own failures — never a customer, a path a user chose, or a command's
/// arguments; other crates only from warnings up.
pub fn log_plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_log::{RotationStrategy, Target, TargetKind, TimezoneStrategy};
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets([
            Target::new(TargetKind::LogDir {
                file_name: Some(LOG_NAME.into()),
            }),
            Target::new(TargetKind::Stderr),
        ])
        .level(log::LevelFilter::Warn)
        .level_for("handover_desktop_lib", log::LevelFilter::Info)
        .max_file_size(1024 * 1024)
        .rotation_strategy(RotationStrategy::KeepSome(5))
        .timezone_strategy(TimezoneStrategy::UseLocal)
        .build()
}

/// The folder the log file is in.
pub fn log_folder<R: Runtime>(app: &AppHandle<R>) -> CmdResult<PathBuf> {
    app.path()
        .app_log_dir()
        .map_err(|e| IpcError::new("io", format!("no log folder on this system: {e}")))
}

/// Show the log folder in the file manager (the log file selected when it exists).
pub fn open_log_folder<R: Runtime>(app: &AppHandle<R>) -> CmdResult<()> {
    let folder = log_folder(app)?;
    let file = folder.join(format!("{LOG_NAME}.log"));
    let result = if file.exists() {
        tauri_plugin_opener::reveal_item_in_dir(&file)
    } else {
        tauri_plugin_opener::open_path(&folder, None::<&str>)
    };
    result.map_err(|e| {
        IpcError::new(
            "io",
            format!("cannot show the log folder {}: {e}", folder.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_non_option_argument_that_is_a_file_is_the_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("HO-2026-000001.age");
        std::fs::write(&bundle, b"age").unwrap();
        let argv = |args: &[&str]| -> Vec<String> {
            std::iter::once("handover-desktop")
                .chain(args.iter().copied())
                .map(String::from)
                .collect()
        };
        assert_eq!(
            bundle_arg(&argv(&["HO-2026-000001.age"]), dir.path()),
            Some(bundle.clone())
        );
        assert_eq!(
            bundle_arg(&argv(&["--flag", bundle.to_str().unwrap()]), Path::new("/")),
            Some(bundle.clone())
        );
        assert_eq!(bundle_arg(&argv(&[]), dir.path()), None);
        assert_eq!(bundle_arg(&argv(&["missing.age"]), dir.path()), None);
        // A folder is not a bundle.
        assert_eq!(bundle_arg(&argv(&["."]), dir.path()), None);
    }

    #[test]
    fn one_instance_per_data_folder() {
        let a = instance_id(
            "jp.handover.desktop",
            Path::new("/home/a/.local/share/handover"),
        );
        let b = instance_id("jp.handover.desktop", Path::new("/tmp/other"));
        assert_ne!(a, b);
        assert_eq!(
            a,
            instance_id(
                "jp.handover.desktop",
                Path::new("/home/a/.local/share/handover")
            )
        );
        // A valid D-Bus name element: letters and digits, not starting with a digit.
        let last = a.rsplit('.').next().unwrap();
        assert!(last.starts_with('d') && last.len() == 17, "{a}");
        assert!(last.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
    }

    #[test]
    fn the_title_follows_the_language() {
        let dir = Path::new("/srv/office");
        assert_eq!(title("ja", dir), "ハンドオーバー — /srv/office");
        assert_eq!(title("en", dir), "Handover — /srv/office");
    }

    #[test]
    fn the_version_names_the_workspace_version_and_a_commit() {
        let (v, rest) = VERSION.split_once(" (").unwrap();
        assert_eq!(v, env!("CARGO_PKG_VERSION"));
        let commit = rest.strip_suffix(')').unwrap();
        assert!(!commit.is_empty() && !commit.contains(' '), "{VERSION}");
    }
}
