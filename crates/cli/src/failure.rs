//! How a failed command reads on the terminal: the headline of its error code in the terminal's
//! language (the core's catalogue, which the app shows too), the detail (which file, row,
//! limit…), the rows of a refused import, and a hint naming the command that helps, which only
//! the CLI gives.

use std::process::ExitCode;

use handover_core::Error;
use handover_core::messages;
use handover_core::report::Lang;

/// The terminal's language (`LC_ALL`, `LC_MESSAGES`, `LANG`).
pub(crate) fn lang() -> Lang {
    messages::locale_lang(|name| std::env::var(name).ok())
}

/// Print `err` on stderr and return the exit code its kind calls for.
pub(crate) fn report(err: &anyhow::Error) -> ExitCode {
    let lang = lang();
    let core = err.downcast_ref::<Error>();
    // A core error alone is worded in the terminal's language; a chain of causes is quoted.
    let detail = match core {
        Some(e) if err.chain().count() == 1 => e.detail(lang),
        _ => message(err),
    };
    let label = match lang {
        Lang::Ja => "エラー",
        Lang::En => "error",
    };
    match core {
        Some(e) => {
            let headline = e.headline(lang);
            errln!("{label}: {headline}");
            if detail != headline {
                errln!("  {detail}");
            }
        }
        None => errln!("{label}: {detail}"),
    }
    if let Some(Error::RegisterRejected {
        problems, count, ..
    }) = core
    {
        for p in problems {
            errln!("  {}", p.located(lang));
        }
        if problems.len() < *count {
            match lang {
                Lang::Ja => errln!("  …ほか {} 件", count - problems.len()),
                Lang::En => errln!("  … and {} more", count - problems.len()),
            }
        }
    }
    if let Some(hint) = core.and_then(|e| hint(e.code(), lang)) {
        match lang {
            Lang::Ja => errln!("ヒント: {hint}"),
            Lang::En => errln!("hint: {hint}"),
        }
    }
    ExitCode::from(match core {
        Some(e) if e.is_verification_failure() => 5,
        Some(e) if e.is_denied() => 4,
        Some(e) if e.is_bad_input() => 3,
        _ => 1,
    })
}

/// The command that helps, for the codes where there is one.
fn hint(code: &str, lang: Lang) -> Option<&'static str> {
    let (ja, en) = match code {
        "keys_missing" => (
            "先に `handover init --admin 名前` を実行してください",
            "run `handover init --admin NAME` first",
        ),
        "store_no_office" => (
            "データベースの所有者が先に `handover init --store URL` を実行します",
            "its owner runs `handover init --store URL` against it first",
        ),
        "no_data_dir" => (
            "--data-dir を指定するか HANDOVER_DATA_DIR を設定してください",
            "pass --data-dir or set HANDOVER_DATA_DIR",
        ),
        "sign_in_required" => (
            "`--operator 名前` を付け、パスワードは HANDOVER_PASSWORD・標準入力・入力欄のいずれかで渡してください",
            "add `--operator NAME`; the password comes from HANDOVER_PASSWORD, standard input or a prompt",
        ),
        "no_admin" => (
            "`handover init --admin 名前` または `handover operator add 名前 --role admin` で管理者を作成してください（データと記録はそのまま残ります）",
            "create the admin with `handover init --admin NAME` or `handover operator add NAME --role admin` (the data and history stay)",
        ),
        "admin_exists" => (
            "管理者が `handover operator add 名前 --role 役割` で担当者を追加します",
            "an admin adds people with `handover operator add NAME --role ROLE`",
        ),
        "store_too_old" => (
            "データベースの所有者が `handover store upgrade --store URL` を実行します",
            "the database's owner runs `handover store upgrade --store URL`",
        ),
        "approval_required" => (
            "同じ指定で `handover approval request …` を実行し、承認後に `pack --approval 承認番号` で作成してください",
            "run `handover approval request …` with the same selection, then `pack --approval ID` once it is approved",
        ),
        "approval_expired" | "approval_not_usable" | "approval_mismatch" => (
            "`handover approval show 承認番号` で承認された内容と状態を確認できます",
            "`handover approval show ID` shows what was approved and where it stands",
        ),
        "unknown_approval" => (
            "`handover approval list` で承認依頼の一覧を表示できます",
            "`handover approval list` lists the approval requests",
        ),
        "unknown_contractor" => (
            "`handover contractor list` で一覧を表示できます",
            "`handover contractor list` shows the roster",
        ),
        "unknown_handover" => (
            "`handover handovers` で引渡しの一覧を表示できます",
            "`handover handovers` lists the handovers",
        ),
        "unknown_request" => (
            "`handover request list` で申し出の一覧を表示できます",
            "`handover request list` lists the requests",
        ),
        "unknown_customer" => (
            "`handover customers` で顧客を検索できます",
            "`handover customers` searches the customers",
        ),
        _ => return None,
    };
    Some(match lang {
        Lang::Ja => ja,
        Lang::En => en,
    })
}

/// The error and its causes, `outer: inner`, leaving out a cause its parent already quotes
/// (core errors include their source's text in their own message).
fn message(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
    }
    out
}
