//! What a person reads when something fails: one headline per error code, in Japanese and in
//! English, for the CLI and the app alike (issue 11).
//!
//! A failure reaches a person as its stable code ([`crate::Error::code`], or one of the app's
//! own codes below) with a sentence of detail. The headline says, in the person's language, what
//! happened and what to do; it never names a command or an option (the CLI adds its own hints),
//! so the app can show it as is. The app receives this table as `ui/src/bindings/messages.ts`
//! (written by this module's `export_messages` test, like the ts-rs bindings), so there is no
//! second copy to drift.

use crate::ops::PackWarning;
use crate::report::Lang;

/// The headline of one error code.
#[derive(Debug, Clone, Copy)]
pub struct Headline {
    /// The stable code.
    pub code: &'static str,
    /// 日本語.
    pub ja: &'static str,
    /// English.
    pub en: &'static str,
}

impl Headline {
    /// The headline in `lang`.
    pub fn text(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.ja,
            Lang::En => self.en,
        }
    }
}

const fn h(code: &'static str, ja: &'static str, en: &'static str) -> Headline {
    Headline { code, ja, en }
}

/// Every error code's headline: the core's errors first, then the app's own failures (the
/// desktop shell's: dialogs, opening a folder, updates).
pub const HEADLINES: &[Headline] = &[
    h(
        "io",
        "ファイルを読み書きできませんでした。",
        "A file could not be read or written.",
    ),
    h(
        "store",
        "データベースを使用できませんでした。",
        "The database could not be used.",
    ),
    h(
        "store_too_new",
        "このデータは新しいバージョンの Handover で作成されています。Handover を更新してください。",
        "This data was written by a newer Handover. Please update Handover.",
    ),
    h(
        "store_too_old",
        "事務所サーバのデータベースは古い版の Handover で作られています。データベースの管理者に更新を依頼してください。何も変更していません。",
        "The office database was made by an older Handover. Ask its administrator to upgrade it. Nothing was changed.",
    ),
    h(
        "store_denied",
        "事務所サーバがこの操作を拒否しました。あなたの役割では行えません。何も変更していません。",
        "The office server refused this: your role does not allow it. Nothing was changed.",
    ),
    h(
        "role_required",
        "あなたの役割ではこの操作は行えません。上長または管理者に依頼してください。何も変更していません。",
        "Your role does not allow this. Ask a manager or an administrator. Nothing was changed.",
    ),
    h(
        "sign_in_failed",
        "サインインできません。名前かパスワードが違います。",
        "Cannot sign in: the name or the password is wrong.",
    ),
    h(
        "operator_locked",
        "パスワードを続けて間違えたため、この担当者はしばらくサインインできません。表示の時刻まで待つか、管理者に連絡してください。",
        "Too many wrong passwords: this operator cannot sign in for a while. Wait until the time shown, or contact an administrator.",
    ),
    h(
        "sign_in_required",
        "サインインしてください（名前とパスワード）。",
        "Please sign in (name and password).",
    ),
    h(
        "no_admin",
        "この事務所にはまだ管理者がいません。先に管理者を作成してください。データと記録はそのまま残ります。",
        "This office has no administrator yet. Create one first; its data and records are kept.",
    ),
    h(
        "operator_name",
        "この名前は担当者名に使えません。空欄・制御文字・長すぎる名前は使えません。何も変更していません。",
        "This name cannot be an operator's name: it is empty, too long or holds control characters. Nothing was changed.",
    ),
    h(
        "password_too_short",
        "パスワードが短すぎます。もっと長いパスワードにしてください。何も変更していません。",
        "The password is too short. Choose a longer one. Nothing was changed.",
    ),
    h(
        "admin_exists",
        "この事務所にはすでに管理者がいます。サインインして、管理者が担当者を追加してください。何も変更していません。",
        "This office already has an administrator. Sign in; an administrator adds the other operators. Nothing was changed.",
    ),
    h(
        "locked",
        "しばらく操作がなかったため画面をロックしました。パスワードを入力して再開してください。",
        "The window was locked after a while without use. Enter your password to go on.",
    ),
    h(
        "store_unavailable",
        "事務所サーバに接続・サインインできません。ログイン名とパスワード、サーバが動いているかを確認してください。何も変更していません。",
        "Cannot reach or sign in to the office server. Check the login and password and that the server is running. Nothing was changed.",
    ),
    h(
        "store_not_empty",
        "このデータベースにはすでに事務所があります。触らずに中止しました。空のデータベースを使ってください。",
        "This database already holds an office. Nothing was touched: use an empty database.",
    ),
    h(
        "signed_out",
        "事務所サーバにサインインしてください。",
        "Sign in to the office server.",
    ),
    h(
        "store_no_office",
        "このデータベースにはまだ事務所がありません。データベースの管理者が先に作成してください。",
        "This database holds no office yet. Its administrator creates it first.",
    ),
    h(
        "changed_meanwhile",
        "準備の後に、別のパソコンで申し出や委託業者が変更されました。何も記録せず、作成したファイルは削除しました。もう一度準備してください。",
        "A request or the contractor changed on another PC after the preparation. Nothing was recorded and the bundle was deleted. Prepare again.",
    ),
    h(
        "approval_required",
        "この引き渡しには上長の承認が必要です（方針による）。承認を依頼し、承認後に作成してください。何も作成していません。",
        "This handover needs a manager's approval under the policy. Request approval and create it once approved. Nothing was written.",
    ),
    h(
        "approval_mismatch",
        "承認された内容と異なります。承認された内容のとおりに作成するか、改めて承認を依頼してください。何も作成していません。",
        "This differs from what was approved. Create exactly what was approved, or request a new approval. Nothing was written.",
    ),
    h(
        "approval_not_usable",
        "この承認は使用できません（承認待ち・却下・使用済み）。何も作成していません。",
        "This approval cannot be used (pending, rejected or already used). Nothing was written.",
    ),
    h(
        "approval_expired",
        "承認の有効期限が切れています。改めて承認を依頼してください。何も変更していません。",
        "The approval has expired. Request a new one. Nothing was changed.",
    ),
    h(
        "approval_own_request",
        "自分が依頼した承認は自分で判断できません。別の上長が判断します。何も変更していません。",
        "You cannot decide your own request: another manager decides it. Nothing was changed.",
    ),
    h(
        "approval_decided",
        "この承認依頼はすでに判断されています。何も変更していません。",
        "This request was already decided. Nothing was changed.",
    ),
    h(
        "approval_reason_required",
        "却下するには理由を入力してください。何も変更していません。",
        "Give a reason to reject. Nothing was changed.",
    ),
    h(
        "unknown_approval",
        "その承認番号の記録はありません。",
        "There is no approval with that number.",
    ),
    h(
        "no_data_dir",
        "データの保存場所が見つかりません。設定で保存場所を選んでください。",
        "No data folder was found. Choose one in the settings.",
    ),
    h(
        "keys_exist",
        "事務所の鍵はすでに存在します（上書きしません）。",
        "The office keys already exist (they are never overwritten).",
    ),
    h(
        "keys_missing",
        "事務所の鍵がありません。先に鍵を作成してください。",
        "The office keys are missing. Create them first.",
    ),
    h(
        "bad_key_file",
        "鍵ファイルを読み込めませんでした。",
        "The key file could not be read.",
    ),
    h(
        "file_exists",
        "同じ名前のファイルがすでにあります（上書きしません）。別の名前か場所を選んでください。",
        "A file of that name already exists (it is never overwritten). Choose another name or place.",
    ),
    h(
        "bad_recipient",
        "公開鍵の形式が正しくありません（age1 で始まる62文字、またはハードウェア鍵なら age1yubikey1… などプラグインが表示したもの）。",
        "That is not an age public key (age1…, 62 characters, or for a key on hardware \
         age1yubikey1… as its plugin printed it).",
    ),
    h(
        "bad_date",
        "日付の形式が正しくありません（YYYY-MM-DD）。",
        "That is not a date (YYYY-MM-DD).",
    ),
    h(
        "date_in_future",
        "まだ来ていない日付は指定できません。今日以前の日付を入力してください。",
        "That day has not come yet. Enter today or an earlier day.",
    ),
    h(
        "unknown_contractor",
        "その委託業者は登録されていません。",
        "No such contractor.",
    ),
    h(
        "unknown_certification",
        "認証の種類はプライバシーマーク（pmark）、ISMS（isms）、なし（none）のいずれかです。何も変更していません。",
        "The certification is P-mark (pmark), ISMS (isms) or none. Nothing was changed.",
    ),
    h(
        "unknown_clause",
        "契約条項の指定が正しくありません。何も変更していません。",
        "That is not one of the contract clauses. Nothing was changed.",
    ),
    h(
        "supervision_invalid",
        "委託先監督台帳の入力に誤りがあります。内容を確認してください。何も変更していません。",
        "The supervision record entry is not valid; check it. Nothing was changed.",
    ),
    h(
        "supervision_due",
        "この委託業者は年次点検の期限切れか認証の有効期限切れのため、事務所の方針により引き渡しできません。点検・認証の確認を記録してください。何も作成・記録していません。",
        "The office policy refuses handovers to this contractor: its yearly review is overdue or its certificate expired. Record the review or the renewed certificate. Nothing was written or recorded.",
    ),
    h(
        "unknown_handover",
        "その番号の引渡しはありません。引渡し番号を確認してください。",
        "There is no handover with that id. Check the handover id.",
    ),
    h(
        "unknown_request",
        "その番号の申し出はありません。申し出番号を確認してください。",
        "There is no request with that id. Check the request id.",
    ),
    h(
        "unknown_customer",
        "その顧客番号の顧客はいません。顧客番号を確認してください。",
        "There is no customer with that number. Check the customer number.",
    ),
    h(
        "bad_register",
        "台帳ファイルを読み込めませんでした。",
        "The register file could not be read.",
    ),
    h(
        "register_rejected",
        "問題のある行があるため、何も取り込んでいません。修正してから再度取り込んでください。",
        "Some rows have problems, so nothing was imported. Fix them and import again.",
    ),
    h(
        "cancelled",
        "中止しました。何も変更していません。",
        "Cancelled. Nothing was changed.",
    ),
    h(
        "ledger_broken",
        "記録が改ざんされているか破損しています。",
        "The ledger has been tampered with or is damaged.",
    ),
    h(
        "derived_mismatch",
        "記録から作られた表（引渡し・申し出・顧客別索引）が記録と一致しません。データベースが直接編集されています。",
        "A table built from the ledger (handovers, requests, per-customer index) disagrees with \
         it: the database was edited directly.",
    ),
    h(
        "encrypt",
        "暗号化できませんでした。何も書き出していません。",
        "The file could not be encrypted. Nothing was written.",
    ),
    h(
        "decrypt",
        "ファイルを復号できませんでした。何も書き出していません。",
        "The file could not be decrypted. Nothing was written.",
    ),
    h(
        "floor_plan_changed",
        "保存されている図面が取り込み後に変更されています。図面を取り込み直してください。",
        "The stored floor plan was changed after it was imported. Import the plan again.",
    ),
    h(
        "not_age_file",
        "引き渡しファイル（age 形式）ではありません。",
        "This is not a handover bundle (age file).",
    ),
    h(
        "wrong_key",
        "この鍵では開けません。自分の鍵ファイルを選んだか、事務所が登録済みの鍵を使ったか確認してください。",
        "This key does not open it. Check that you chose your own key file and that the office \
         used your enrolled key.",
    ),
    h(
        "wrong_passphrase",
        "パスフレーズが違います。",
        "Wrong passphrase.",
    ),
    h(
        "identity_passphrase_required",
        "この鍵ファイルはパスフレーズで保護されています。鍵ファイルのパスフレーズを入力してください。",
        "This key file is protected by a passphrase: enter the key file passphrase.",
    ),
    h(
        "bundle_damaged",
        "ファイルが壊れているか、途中で切れているか、改変されています。何も書き出していません。",
        "The file is damaged, truncated or altered. Nothing was written.",
    ),
    h(
        "bad_signature",
        "事務所の署名を確認できません。信頼する鍵と違う鍵で署名されたか、内容が改変されています。何も書き出していません。",
        "The office signature does not verify: it was signed with another key than the one you \
         trust, or altered. Nothing was written.",
    ),
    h(
        "bundle_version",
        "このファイルは新しい形式です。Handover を更新してください。",
        "This bundle has a newer format. Please update Handover.",
    ),
    h(
        "bundle_rejected",
        "このファイルの内容は Handover の引き渡しファイルとして正しくありません。何も書き出していません。",
        "The content of this file is not a valid Handover bundle. Nothing was written.",
    ),
    h(
        "bundle_too_large",
        "ファイルの内容が安全のための上限を超えています。何も書き出していません。",
        "The content exceeds the safety limits. Nothing was written.",
    ),
    h(
        "bundle_changed",
        "開いた後にファイルが変更されました。もう一度開いてください。",
        "The file changed after it was opened. Open it again.",
    ),
    h(
        "not_the_recipient",
        "このファイルはあなた宛てに作られたものではありません（別の鍵で暗号化し直されています）。事務所にあなた宛てのファイルを依頼してください。何も書き出していません。",
        "This file was not made for you (someone re-encrypted it to another key). Ask the office \
         for a bundle made for you. Nothing was written.",
    ),
    h(
        "past_return_date",
        "このファイルは返却・廃棄期限を過ぎています。",
        "This file is past its return-or-destroy date.",
    ),
    h(
        "receipt_too_large",
        "受領証としては大きすぎるファイルです。受領証ではありません。何も記録していません。",
        "This file is too large to be a receipt. Nothing was recorded.",
    ),
    h(
        "receipt_unreadable",
        "この事務所宛ての受領証として読めません。別の事務所宛てか、1文字でも改変されています。何も記録していません。",
        "This is not a receipt for this office, or it was altered. Nothing was recorded.",
    ),
    h(
        "receipt_format",
        "この受領証は新しい形式です。Handover を更新してください。何も記録していません。",
        "This receipt has a newer format. Please update Handover. Nothing was recorded.",
    ),
    h(
        "receipt_unknown_handover",
        "受領証の引渡し番号がこの事務所の記録にありません。何も記録していません。",
        "The receipt names a handover this office has no record of. Nothing was recorded.",
    ),
    h(
        "receipt_forged",
        "この受領証は引き渡しファイルを受け取った委託先が作ったものではありません（偽造か改変）。何も記録していません。",
        "This receipt was not made by whoever received the bundle (forged or altered). Nothing \
         was recorded.",
    ),
    h(
        "receipt_other_bundle",
        "この受領証は、記録にある引き渡しファイルとは別のファイルについてのものです。何も記録していません。",
        "This receipt is about another file than the bundle on record. Nothing was recorded.",
    ),
    h(
        "receipt_date",
        "受領証の日付が、引き渡した日から今日までの間にありません。何も記録していません。",
        "The receipt's date is not between the handover and today. Nothing was recorded.",
    ),
    h(
        "receipt_replayed",
        "この受領証はすでに取り込まれています。何も記録していません。",
        "This receipt was already imported. Nothing was recorded.",
    ),
    h(
        "receipt_closed",
        "この引き渡しはすでに返却・廃棄済みとして記録されています。何も記録していません。",
        "This handover is already recorded as returned or destroyed. Nothing was recorded.",
    ),
    // The core's refusals (crate::refusal), one headline per kind.
    h(
        "unknown_value",
        "指定された値は使えません。一覧にある値を選んでください。何も変更していません。",
        "That value is not one of those allowed. Choose one from the list. Nothing was changed.",
    ),
    h(
        "date_order",
        "日付の前後関係が正しくありません。日付を確認してください。何も変更していません。",
        "The dates are in the wrong order. Check them. Nothing was changed.",
    ),
    h(
        "date_out_of_range",
        "扱える範囲を超える日付です。日付を確認してください。",
        "That date is out of the range that can be handled. Check it.",
    ),
    h(
        "policy_invalid",
        "方針が規則に合っていません。設定を直してください。何も変更していません。",
        "The policy breaks a rule. Correct the setting. Nothing was changed.",
    ),
    h(
        "nothing_to_change",
        "変更する内容がありません。何も記録していません。",
        "There is nothing to change. Nothing was recorded.",
    ),
    h(
        "scope_invalid",
        "申し出の対象が正しくありません。停止する項目を選ぶか「すべて」を選んでください。何も記録していません。",
        "The request's scope is not valid. Choose the fields to stop, or all. Nothing was recorded.",
    ),
    h(
        "reason_required",
        "却下するには理由を入力してください。お客様に伝えます。何も記録していません。",
        "Give a reason to reject: the customer is told it. Nothing was recorded.",
    ),
    h(
        "state_refused",
        "現在の状態では、この操作はできません。何も変更していません。",
        "This cannot be done in the record's current state. Nothing was changed.",
    ),
    h(
        "selection_invalid",
        "選んだ内容では引き渡しを作成できません。選択を見直してください。何も作成していません。",
        "The handover cannot be made from this selection. Review it. Nothing was written.",
    ),
    h(
        "contractor_not_eligible",
        "この委託業者には今は引き渡せません。契約か鍵を整えてください。何も作成していません。",
        "This contractor cannot receive data now. Put its agreement or key in order. Nothing was written.",
    ),
    h(
        "contractor_invalid",
        "委託業者の入力内容に誤りがあります。何も変更していません。",
        "The contractor's details are not valid. Nothing was changed.",
    ),
    h(
        "passphrase_too_short",
        "パスフレーズが短すぎます。もっと長いパスフレーズにしてください。何も作成していません。",
        "The passphrase is too short. Choose a longer one. Nothing was written.",
    ),
    h(
        "floor_plan_unusable",
        "この間取り図はここでは使えません。",
        "This floor plan cannot be used here.",
    ),
    h(
        "sheet_changed",
        "このファイルは記録された作業指示書ではありません（変更か差し替え）。",
        "This file is not the recorded sheet (it was changed or replaced).",
    ),
    h(
        "not_a_folder",
        "フォルダを選んでください。",
        "Choose a folder.",
    ),
    h(
        "output_busy",
        "同じファイルを別の処理が作成中です。終わるのを待ってください。何も作成していません。",
        "Another pack is writing the same file. Wait for it to finish. Nothing was written.",
    ),
    h(
        "leak_report_question",
        "報告の対象を、紛失した引き渡しか委託業者のどちらか一方で指定してください。",
        "Name either the lost handovers or the contractor the report is about.",
    ),
    h(
        "nothing_to_report",
        "この条件に当たる引き渡しはありません。報告するものがありません。",
        "No handover matches this: there is nothing to report.",
    ),
    h(
        "trust_refused",
        "事務所の署名鍵を確認できません。鍵とフィンガープリントを事務所に確認してください。何も取り出していません。",
        "The office's signing key cannot be trusted yet. Check the key and its fingerprint with the office. Nothing was extracted.",
    ),
    h(
        "key_choice",
        "鍵ファイルかパスフレーズのどちらか一方を指定してください。",
        "Give either your key file or the passphrase, one of the two.",
    ),
    h(
        "shared_store_setup",
        "事務所サーバの設定を完了できません。内容を確認してください。何も変更していません。",
        "The office server cannot be set up as asked. Check the details. Nothing was changed.",
    ),
    h(
        "pc_keys",
        "このパソコンでは事務所の鍵を使えません。内容を確認してください。",
        "This PC cannot use the office keys as asked. Check the details.",
    ),
    h(
        "column_map",
        "列の割り当てが正しくありません。見出しと項目を確認してください。何も取り込んでいません。",
        "A column mapping is not valid. Check the header and the field. Nothing was imported.",
    ),
    h(
        "purge_changed",
        "準備の間にデータが変更されました。もう一度実行してください。何も削除していません。",
        "The data changed while the purge was prepared. Run it again. Nothing was deleted.",
    ),
    h(
        "manifest_invalid",
        "内容の一覧（マニフェスト）が形式に合っていません。何も作成していません。",
        "The manifest breaks the bundle format. Nothing was written.",
    ),
    h(
        "recipients_invalid",
        "宛先の鍵が正しくありません（事務所の鍵と委託業者の鍵だけが宛先になれます）。何も作成していません。",
        "The recipients are not valid (only the office's and the contractor's keys can be). Nothing was written.",
    ),
    h(
        "bad_hash",
        "SHA-256 の値が正しくありません。",
        "That is not a SHA-256 value.",
    ),
    h(
        "operator_refused",
        "利用者（ログイン）について、その操作はできません。何も変更していません。",
        "That cannot be done with the office's logins as asked. Nothing was changed.",
    ),
    h(
        "password_hash_unreadable",
        "保存されたパスワードの記録が壊れていて、確認できません。管理者に連絡してください。",
        "A stored password record is damaged and cannot be checked. Contact your administrator.",
    ),
    h(
        "output_folder",
        "書き出し先に、フォルダではなくリンクかファイルがあります。別のフォルダを選んでください。何も書き出していません。",
        "The output folder holds a link or a file where a folder goes. Choose another folder. Nothing was written.",
    ),
    h(
        "relative_path",
        "フォルダは完全なパスで指定してください。何も変更していません。",
        "Give the folder's full path. Nothing was changed.",
    ),
    h(
        "no_bundle_open",
        "引渡しファイルが開かれていません。先に引渡しファイルを開いてください。",
        "No bundle is open. Open the bundle first.",
    ),
    h(
        "entry_not_held",
        "このファイルは画面には表示できません。引渡しファイルを書き出してから開いてください。",
        "This file cannot be shown here. Export the bundle, then open it.",
    ),
    // The app's own failures.
    h(
        "internal",
        "内部エラーが発生しました。Handover を再起動してください。",
        "Something went wrong inside Handover. Restart it.",
    ),
    h(
        "e2e_dialog",
        "テスト用のダイアログ応答に誤りがあります。",
        "A test dialog answer is wrong.",
    ),
    h(
        "cannot_open",
        "このパソコンでは、フォルダやファイルを開くアプリを起動できませんでした。",
        "No program could be started to open the folder or file on this computer.",
    ),
    h(
        "update_unsigned",
        "署名ファイル（.sig）が見つからないため、この更新ファイルは使えません。.deb と .sig を同じ場所に置いてください。何もインストールしていません。",
        "The update file cannot be used: its signature (.sig) is missing. Put the .deb and its \
         .sig in the same place. Nothing was installed.",
    ),
    h(
        "update_bad_signature",
        "署名を確認できないため、この更新ファイルは使えません。Handover の配布元が作ったものではないか、作成後に改変されています。何もインストールしていません。",
        "The update file cannot be used: its signature does not verify. It was not made by \
         Handover's publisher, or it was altered. Nothing was installed.",
    ),
    h(
        "update_not_handover",
        "この署名済みファイルは Handover のパッケージではありません。何もインストールしていません。",
        "This signed file is not a Handover package. Nothing was installed.",
    ),
    h(
        "update_older",
        "この更新ファイルは、いま使っている版より古い版です。何もインストールしていません。",
        "This update is older than the version in use. Nothing was installed.",
    ),
    h(
        "update_no_dpkg",
        "このパソコンでは更新ファイルを扱えません（Debian / Ubuntu の dpkg が必要です）。",
        "Updates cannot be handled on this computer (Debian or Ubuntu's dpkg is needed).",
    ),
    h(
        "update_not_authorized",
        "管理者のパスワードが入力されなかったため、インストールしていません。",
        "The administrator's password was not given, so nothing was installed.",
    ),
    h(
        "update_install",
        "更新をインストールできませんでした。",
        "The update could not be installed.",
    ),
    h(
        "update_not_staged",
        "確認済みの更新ファイルがありません。先に更新ファイルを選んでください。何もインストールしていません。",
        "No verified update is waiting. Choose the update file first. Nothing was installed.",
    ),
    h(
        "receipt_by",
        "受領証を作る人の名前が必要です。",
        "The receipt needs the name of who makes it.",
    ),
    h(
        "receipt_kind",
        "受領証の種類が正しくありません。",
        "That is not a kind of receipt.",
    ),
    h(
        "receipt_bundle_too_old",
        "この引渡しファイルでは受領証を作れません（受領証の仕組みより前のものです）。",
        "No receipt can be made for this bundle (it predates receipts).",
    ),
    h(
        "receipt_secret",
        "この引渡しファイルの受領証用の情報が壊れているため、受領証を作れません。",
        "No receipt can be made: the bundle's receipt secret is damaged.",
    ),
    h(
        "extracted_not_a_folder",
        "指定した展開先がフォルダではありません。何も削除していません。",
        "The folder given as extracted is not a folder. Nothing was deleted.",
    ),
    h(
        "extracted_other_bundle",
        "指定したフォルダには別の引渡しファイルの中身があります。何も削除していません。",
        "That folder holds another bundle's files. Nothing was deleted.",
    ),
    h(
        "receipt_too_large_to_make",
        "受領証が大きすぎます。備考を短くしてください。",
        "The receipt would be too large: shorten the note.",
    ),
    h(
        "receipt_no_files",
        "取り込む受領証ファイルが指定されていません。",
        "No receipt file was given to import.",
    ),
    h(
        "plugin_missing",
        "ハードウェア鍵（YubiKey・TPM など）を使うための age プラグインがインストールされていません。何もしていません。",
        "The age plugin for this key on hardware (YubiKey, TPM…) is not installed. Nothing was \
         done.",
    ),
    h(
        "plugin_failed",
        "ハードウェア鍵の age プラグインが処理を断りました（PIN の誤り、鍵が挿さっていない、など）。",
        "The age plugin of the key on hardware refused (wrong PIN, key not inserted…).",
    ),
    // Encryption at rest (issue 14).
    h(
        "vault_missing",
        "この事務所のデータの鍵を開くファイル（vault.json）が見つかりません。バックアップから戻してください。何も変更していません。",
        "The file that unlocks this office's data key (vault.json) is missing. Restore it from a backup. Nothing was changed.",
    ),
    h(
        "vault_corrupt",
        "鍵を開くファイル（vault.json）が壊れています。バックアップから戻すか、回復キーを使ってください。何も変更していません。",
        "The file that unlocks the office's key (vault.json) is damaged. Restore it from a backup or use the recovery key. Nothing was changed.",
    ),
    h(
        "vault_mismatch",
        "鍵を開くファイル（vault.json）が別の事務所のものです。この事務所のデータは開けません。何も変更していません。",
        "The file that unlocks the key (vault.json) belongs to another office: it does not open this office's data. Nothing was changed.",
    ),
    h(
        "store_encrypted",
        "この事務所のデータは暗号化されています。サインインすると開けます。何も変更していません。",
        "This office's data is encrypted at rest: sign in to open it. Nothing was changed.",
    ),
    h(
        "store_key_wrong",
        "鍵がこの事務所のデータを開けません（別の事務所の鍵か、ファイルの破損）。何も変更していません。",
        "The key does not open this office's data (another office's key, or a damaged file). Nothing was changed.",
    ),
    h(
        "store_not_encrypted",
        "この事務所のデータはまだ暗号化されていません。作業の前に暗号化します（同意が必要です）。何も変更していません。",
        "This office's data is not encrypted yet. It is encrypted before any work, with your consent. Nothing was changed.",
    ),
    h(
        "no_vault",
        "この事務所のデータはまだ暗号化されていません。何も変更していません。",
        "This office's data is not encrypted at rest yet. Nothing was changed.",
    ),
    h(
        "recovery_key_typo",
        "回復キーの形が正しくありません（4文字ずつ9組）。打ち間違いがないか確かめてください。何も変更していません。",
        "This is not a recovery key as printed (9 groups of 4 characters). Check it for a typo. Nothing was changed.",
    ),
    h(
        "recovery_key_wrong",
        "この回復キーではこの事務所を開けません。何も変更していません。",
        "This recovery key does not unlock this office. Nothing was changed.",
    ),
    h(
        "key_store_unavailable",
        "このパソコンの鍵保管庫（OS のキーストア）を使えません。パスワードでサインインしてください。何も変更していません。",
        "This computer's key store (the OS key store) cannot be used. Sign in with your password. Nothing was changed.",
    ),
    h(
        "key_store_no_entry",
        "このパソコンの鍵保管庫には、この担当者で事務所を開くものがありません。パスワードでサインインしてください。",
        "This computer's key store holds nothing that opens the office for this operator. Sign in with your password.",
    ),
    h(
        "key_store_shared",
        "パスワードなしで開く設定は、1台のパソコンで使う事務所だけのものです。事務所サーバでは各ログインのパスワードで確認します。何も変更していません。",
        "Opening without typing is for a one-PC office: on the office server each login's password is checked. Nothing was changed.",
    ),
];

/// The headline of `code` in `lang`, if the code is known.
pub fn headline(code: &str, lang: Lang) -> Option<&'static str> {
    HEADLINES
        .iter()
        .find(|h| h.code == code)
        .map(|h| h.text(lang))
}

impl crate::Error {
    /// What happened and what to do, in `lang`: the headline of [`crate::Error::code`].
    pub fn headline(&self, lang: Lang) -> &'static str {
        // Every code has one (tested): the fallback is never reached.
        headline(self.code(), lang).unwrap_or(match lang {
            Lang::Ja => "エラーが発生しました。",
            Lang::En => "Something went wrong.",
        })
    }
}

impl crate::Error {
    /// The detail under the headline (which id, which version…), in `lang`. Typed errors are
    /// worded here with their parameters; the others give their English sentence (issue 11 is
    /// moving them here, code by code).
    pub fn detail(&self, lang: Lang) -> String {
        use crate::Error as E;
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            E::Refused(r) => r.ja(),
            E::DateInFuture { field, date } => format!("{field}: {date} はまだ来ていない日付です"),
            E::UnknownContractor(id) => format!("委託業者ID {id} は登録されていません"),
            E::SupervisionDue {
                contractor,
                review_due,
                certificate_expired,
            } => supervision_due_ja(
                contractor,
                review_due.as_ref(),
                certificate_expired.as_ref(),
            ),
            E::UnknownHandover(id) => format!("引渡し番号 {id} の記録はありません"),
            E::ReceiptRefused { file, reason } => {
                format!("{}: {}。何も記録していません", file.display(), reason.ja())
            }
            E::UnknownRequest(id) => format!("申し出番号 {id} の記録はありません"),
            E::UnknownCustomer(id) => format!("顧客番号 {id} の顧客はいません"),
            E::UnknownApproval(id) => format!("承認番号 {id} の記録はありません"),
            E::ApprovalRequired { rules } => format!(
                "承認が必要な理由: {}",
                crate::approvals::rules_text(rules, Lang::Ja)
            ),
            E::ApprovalExpired { id, at } => format!("{id} の有効期限は {at} でした"),
            E::ApprovalOwnRequest { id, operator } => {
                format!("{id} は {operator} が依頼したものです")
            }
            E::OperatorLocked { operator, until } => format!(
                "{operator} は {} までサインインできません",
                crate::dates::local_time_ja(until)
            ),
            E::PasswordTooShort { min, given } => {
                format!("パスワードは {min} 文字以上必要です（入力は {given} 文字）")
            }
            E::VaultMissing(dir) => format!(
                "{} のデータの鍵を開く vault.json がありません",
                dir.display()
            ),
            E::VaultCorrupt { path, what } => format!("{}: {what}", path.display()),
            E::VaultMismatch(dir) => {
                format!("{} の vault.json は別の事務所のものです", dir.display())
            }
            E::NoVault(dir) => format!("{} の事務所には vault.json がありません", dir.display()),
            E::KeyStoreUnavailable { reason } => format!("鍵保管庫の応答: {reason}"),
            E::KeyStoreNoEntry { operator } => {
                format!("{operator} の鍵はこのパソコンの鍵保管庫にありません")
            }
            E::AdminExists(location) => format!("{location} にはすでに担当者が登録されています"),
            E::OperatorName { name, .. } => format!(
                "「{name}」は担当者名に使えません（空欄・制御文字・見えない文字は使えず、{} 文字まで。事務所サーバではログイン名の規則に従います）",
                crate::operators::NAME_MAX_CHARS
            ),
            E::StoreTooOld {
                location,
                found,
                needed,
            } => format!(
                "{location} のデータベースの版は {found} で、この Handover が使う版 {needed} より古いです"
            ),
            E::StoreTooNew {
                location,
                found,
                supported,
            } => format!(
                "{location} のデータベースの版は {found} で、この Handover が扱える版 {supported} より新しいです"
            ),
            E::PluginMissing { program } => format!(
                "{program} が見つかりません（PATH 上にありません）。{program} をインストールしてください"
            ),
            E::PluginFailed { program, reason } => format!("{program}: {reason}"),
            E::ReceiptNotMade(r) => r.ja(),
            _ => self.to_string(),
        }
    }
}

/// What is overdue in a contractor's supervision, in Japanese.
fn supervision_due_ja(
    contractor: &str,
    review_due: Option<&impl std::fmt::Display>,
    certificate_expired: Option<&impl std::fmt::Display>,
) -> String {
    let mut parts = Vec::new();
    if let Some(d) = review_due {
        parts.push(format!("年次点検の期限 {d} を過ぎています"));
    }
    if let Some(d) = certificate_expired {
        parts.push(format!("認証の有効期限 {d} を過ぎています"));
    }
    format!("{contractor}: {}", parts.join("、"))
}

impl PackWarning {
    /// Every warning, for the app's table.
    pub const ALL: [PackWarning; 4] = [
        PackWarning::PassphraseSeparately,
        PackWarning::PaperIsTheHandover,
        PackWarning::ReviewOverdue,
        PackWarning::CertificationExpired,
    ];

    /// Its code (what the app receives).
    pub fn code(self) -> &'static str {
        match self {
            PackWarning::PassphraseSeparately => "passphrase_separately",
            PackWarning::PaperIsTheHandover => "paper_is_the_handover",
            PackWarning::ReviewOverdue => "review_overdue",
            PackWarning::CertificationExpired => "certification_expired",
        }
    }

    /// What the operator reads, in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (ja, en) = match self {
            PackWarning::PassphraseSeparately => (
                "パスフレーズは電話か対面で伝えてください。ファイルと同じメールやチャットで送ると、いわゆる PPAP と同じで暗号化の意味がありません。",
                "Tell the contractor the passphrase by phone or in person, never in the same \
                 e-mail or chat as the file: that would be PPAP all over again.",
            ),
            PackWarning::PaperIsTheHandover => (
                "印刷した作業指示書が引き渡しそのものです。期限までに返却または廃棄の報告を受けてください。",
                "The printed sheet is the handover itself: print it, hand it over, and ask for its \
                 return or destruction by the date.",
            ),
            PackWarning::ReviewOverdue => (
                "この委託業者の年次点検（取扱状況の確認）が期限を過ぎています。早めに点検を行い、委託先監督台帳に記録してください。",
                "This contractor's yearly review of how it handles the data is overdue: review it \
                 soon and record it in the supervision record.",
            ),
            PackWarning::CertificationExpired => (
                "この委託業者のプライバシーマーク／ISMS 認証は有効期限を過ぎています。更新後の認証を確認し、委託先監督台帳に記録してください。",
                "This contractor's P-mark or ISMS certificate has expired: check the renewed \
                 certificate and record it in the supervision record.",
            ),
        };
        match lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

impl crate::receipt::NotDeletedReason {
    /// Why the file was not deleted, in `lang` (the CLI's words; the app words the same codes
    /// in `ui/src/text`).
    pub fn text(&self, lang: Lang) -> String {
        use crate::receipt::NotDeletedReason as R;
        let (ja, en) = match self {
            R::NotFound => (
                "見つかりませんでした（すでに削除済みか、このフォルダには展開されていません）",
                "not found (deleted already, or never extracted there)",
            ),
            R::LinkedFolder => (
                "途中のフォルダが別の場所へのリンクのため、たどらずに残しました",
                "a folder on its way links elsewhere: not followed",
            ),
            R::NotPermitted => (
                "削除する権限がありません（読み取り専用など）",
                "not permitted (permissions, or a read-only disk)",
            ),
            R::IsAFolder => (
                "ファイルではなくフォルダになっています",
                "a folder stands where the file was",
            ),
            R::InUse => (
                "ほかのプログラムが使用中です",
                "another program has it open",
            ),
            R::Other { message } => {
                return match lang {
                    Lang::Ja => format!("削除できませんでした（システムの説明: {message}）"),
                    Lang::En => format!("could not be deleted ({message})"),
                };
            }
        };
        match lang {
            Lang::Ja => ja.into(),
            Lang::En => en.into(),
        }
    }
}

/// The language of a terminal's messages from its locale variables, as the C library reads
/// them: the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and not empty decides;
/// Japanese when it names `ja` (`ja_JP.UTF-8`, `ja`), English otherwise or when none is set.
pub fn locale_lang(var: impl Fn(&str) -> Option<String>) -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()));
    match locale {
        Some(l) if l == "ja" || l.starts_with("ja_") || l.starts_with("ja.") => Lang::Ja,
        _ => Lang::En,
    }
}

/// The table as the app's TypeScript module (`ui/src/bindings/messages.ts`).
pub fn headlines_ts() -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = String::from(
        "// Written by handover_core::messages (its export_messages test). Do not edit: change \
         crates/core/src/messages.rs.\n\n\
         import type { PackWarning } from \"./PackWarning\";\n\n\
         /** What a person reads when a command fails, per error code and language. */\n\
         export const HEADLINES: Record<\"ja\" | \"en\", Record<string, string>> = {\n",
    );
    for (lang, name) in [(Lang::Ja, "ja"), (Lang::En, "en")] {
        out.push_str(&format!("  {name}: {{\n"));
        for h in HEADLINES {
            out.push_str(&format!("    {}: {},\n", h.code, quote(h.text(lang))));
        }
        out.push_str("  },\n");
    }
    out.push_str("};\n\n");
    out.push_str(
        "/** What the operator must know once a pack is done, per warning and language. */\n\
         export const PACK_WARNINGS: Record<\"ja\" | \"en\", Record<PackWarning, string>> = {\n",
    );
    for (lang, name) in [(Lang::Ja, "ja"), (Lang::En, "en")] {
        out.push_str(&format!("  {name}: {{\n"));
        for w in PackWarning::ALL {
            out.push_str(&format!("    {}: {},\n", w.code(), quote(w.text(lang))));
        }
        out.push_str("  },\n");
    }
    out.push_str("};\n");
    out
}

impl crate::ReceiptNotMade {
    /// The detail in Japanese.
    pub fn ja(&self) -> String {
        use crate::ReceiptNotMade;
        match self {
            ReceiptNotMade::By => "受領証を作る人の名前を1行で入力してください".into(),
            ReceiptNotMade::Kind(s) => {
                format!("「{s}」は受領証の種類ではありません（received または destroyed）")
            }
            ReceiptNotMade::BundleTooOld { handover_id } => format!(
                "{handover_id} は受領証の仕組みより前に作られた引渡しファイルです。事務所へは別の方法で連絡してください"
            ),
            ReceiptNotMade::Secret => "引渡しファイルの受領証用の秘密値が壊れています".into(),
            ReceiptNotMade::NotAFolder(p) => format!("{} はフォルダではありません", p.display()),
            ReceiptNotMade::OtherBundle {
                folder,
                handover_id,
            } => format!(
                "{} には {handover_id} ではない別の引渡しファイルの中身があります。何も削除していません",
                folder.display()
            ),
            ReceiptNotMade::TooLarge { size, max } => format!(
                "受領証が {size} バイトになり、上限 {max} バイトを超えます。備考を短くしてください"
            ),
            ReceiptNotMade::NoFiles => "受領証ファイルを1つ以上指定してください".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::Path;

    fn repo() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
    }

    /// The codes a file hands to a person: `=> "code"` in the core's `Error::code`, and
    /// `IpcError::new("code"` in the desktop shell.
    fn codes_in(text: &str, before: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find(before) {
            rest = rest[at + before.len()..].trim_start();
            if let Some(code) = rest
                .strip_prefix('"')
                .and_then(|r| r.split_once('"'))
                .map(|(c, _)| c)
            {
                found.push(code.to_string());
            }
        }
        found
    }

    #[test]
    fn every_code_has_a_headline_in_both_languages_and_no_command() {
        let known: HashSet<&str> = HEADLINES.iter().map(|h| h.code).collect();
        assert_eq!(known.len(), HEADLINES.len(), "a code is listed twice");
        let error_rs = std::fs::read_to_string(repo().join("crates/core/src/error.rs")).unwrap();
        let refusal_rs =
            std::fs::read_to_string(repo().join("crates/core/src/refusal.rs")).unwrap();
        let refusal_codes = refusal_rs
            .split_once("pub fn code(&self)")
            .and_then(|(_, r)| r.split_once("pub fn is_bad_input"))
            .map(|(body, _)| body)
            .unwrap();
        let core = [codes_in(&error_rs, "=> "), codes_in(refusal_codes, "=> ")].concat();
        assert!(core.len() >= 37, "Error::code not found: {core:?}");
        let mut shell = Vec::new();
        for f in walk(&repo().join("src-tauri/src")) {
            shell.extend(codes_in(
                &std::fs::read_to_string(f).unwrap(),
                "IpcError::new(",
            ));
        }
        assert!(shell.contains(&"update_unsigned".to_string()), "{shell:?}");
        for code in core.iter().chain(&shell) {
            assert!(known.contains(code.as_str()), "no headline for {code}");
        }
        for h in HEADLINES {
            assert!(!h.ja.is_empty() && !h.en.is_empty(), "{}", h.code);
            assert!(
                h.ja.chars().any(|c| c > '\u{3000}'),
                "{}: the Japanese headline is not Japanese",
                h.code
            );
            for text in [h.ja, h.en] {
                assert!(
                    !text.contains('`') && !text.contains("--"),
                    "{}: a headline names a command, which the app cannot run: {text}",
                    h.code
                );
            }
        }
    }

    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn an_error_gives_its_headline_in_the_language_asked() {
        let e = crate::Error::KeysMissing("keys".into());
        assert_eq!(
            e.headline(Lang::Ja),
            "事務所の鍵がありません。先に鍵を作成してください。"
        );
        assert_eq!(
            e.headline(Lang::En),
            "The office keys are missing. Create them first."
        );
        assert_eq!(headline("no_such_code", Lang::En), None);
    }

    #[test]
    fn a_typed_error_words_its_detail_with_its_parameters_in_each_language() {
        let e = crate::Error::UnknownHandover("HO-2026-000009".into());
        assert_eq!(e.code(), "unknown_handover");
        assert_eq!(
            e.detail(Lang::Ja),
            "引渡し番号 HO-2026-000009 の記録はありません"
        );
        assert_eq!(e.detail(Lang::En), "no handover with id HO-2026-000009");
        let e = crate::Error::StoreTooOld {
            location: "db.example/office".into(),
            found: 1,
            needed: 2,
        };
        assert!(
            e.detail(Lang::Ja).contains("版は 1 で"),
            "{}",
            e.detail(Lang::Ja)
        );
        assert!(
            !e.to_string().contains('`'),
            "no command in a core message: {e}"
        );
        assert!(e.headline(Lang::Ja).contains("管理者に更新を依頼"));
        // A refusal: its own code, its parameters worded in each language.
        let e = crate::Error::from(crate::refusal::Refusal::DateOrder {
            rule: crate::refusal::DateOrder::Closed,
            date: "2026-11-01".into(),
            limit: "2026-11-20".into(),
        });
        assert_eq!(e.code(), "date_order");
        assert_eq!(
            e.detail(Lang::Ja),
            "2026-11-01 は引き渡した日（2026-11-20）より前です"
        );
        assert_eq!(
            e.detail(Lang::En),
            "2026-11-01 is before it was handed over (2026-11-20)"
        );
        assert!(e.is_bad_input());
    }

    #[test]
    fn the_locale_decides_as_the_c_library_does() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(locale_lang(env(&[("LANG", "ja_JP.UTF-8")])), Lang::Ja);
        assert_eq!(locale_lang(env(&[("LANG", "ja")])), Lang::Ja);
        assert_eq!(locale_lang(env(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(locale_lang(env(&[])), Lang::En);
        // LC_ALL over LC_MESSAGES over LANG; an empty one does not count.
        assert_eq!(
            locale_lang(env(&[("LC_ALL", "C"), ("LANG", "ja_JP.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            locale_lang(env(&[
                ("LC_MESSAGES", "ja_JP.UTF-8"),
                ("LANG", "en_US.UTF-8")
            ])),
            Lang::Ja
        );
        assert_eq!(
            locale_lang(env(&[("LC_ALL", ""), ("LANG", "ja_JP.eucJP")])),
            Lang::Ja
        );
        assert_eq!(locale_lang(env(&[("LANG", "jam_JM")])), Lang::En);
    }

    #[test]
    fn a_pack_warning_reaches_the_app_as_its_code_with_a_text_in_each_language() {
        for w in PackWarning::ALL {
            assert_eq!(
                serde_json::to_value(w).unwrap(),
                serde_json::json!(w.code())
            );
            assert!(w.text(Lang::Ja).chars().any(|c| c > '\u{3000}'));
            assert!(w.text(Lang::En).is_ascii(), "{}", w.text(Lang::En));
        }
        assert!(
            PackWarning::PassphraseSeparately
                .text(Lang::En)
                .contains("by phone")
        );
    }

    #[test]
    fn every_reason_a_file_was_not_deleted_reads_in_both_languages() {
        use crate::receipt::NotDeletedReason as R;
        let all = [
            R::NotFound,
            R::LinkedFolder,
            R::NotPermitted,
            R::IsAFolder,
            R::InUse,
            R::Other {
                message: "Input/output error (os error 5)".into(),
            },
        ];
        let mut seen = HashSet::new();
        for r in &all {
            let (ja, en) = (r.text(Lang::Ja), r.text(Lang::En));
            assert!(ja.chars().any(|c| c > '\u{3000}'), "{r:?}: {ja}");
            assert!(en.is_ascii() && !en.is_empty(), "{r:?}: {en}");
            assert!(
                seen.insert(ja) && seen.insert(en),
                "{r:?} reads like another"
            );
        }
        let other = &all[5];
        for lang in [Lang::Ja, Lang::En] {
            assert!(
                other.text(lang).contains("os error 5"),
                "{}",
                other.text(lang)
            );
        }
    }

    /// Writes the app's copy of the table (as the ts-rs `export_bindings` tests write the
    /// types), so the app never keeps a second one.
    #[test]
    fn export_messages() {
        let path = repo().join("ui/src/bindings/messages.ts");
        let ts = headlines_ts();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(ts.as_str()) {
            std::fs::write(&path, ts).unwrap();
        }
    }
}
