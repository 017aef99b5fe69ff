//! A lost office PC or medium in the leak report (issue 14, R11): whose data was on it, and
//! whether the encryption exemption applies.
//!
//! Under the 2022 rules a loss need not be reported when the data was under strong encryption
//! and its key was kept apart (高度な暗号化その他の個人の権利利益を保護するために必要な措置).
//! For a data folder of Handover that means: the store is encrypted (SQLCipher, AES-256), no
//! floor plan lies in it in clear, and nothing on the device opens them without a person: the
//! data key is wrapped only under operators' passwords (Argon2id) and the recovery key (paper
//! in the office safe), and no operator let the PC open it without typing (an OS key store
//! entry, [`crate::os_key_store`]: the key is then on the device). What is judged is what the
//! folder holds now: for a lost PC, run it on the restored backup of its folder, or on the PC
//! itself for an office on a shared server, whose PCs hold no register at all.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Lang;

/// What was found in the data folder of the lost device, and the conclusion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeviceLoss {
    /// The office keeps its data on a shared server: the PC held no register.
    pub shared_store: bool,
    /// The embedded store is encrypted.
    pub store_encrypted: bool,
    /// Floor plans kept in clear in the folder (0 when they are encrypted, or none).
    pub plans_in_clear: usize,
    /// The office's secret keys lie in clear in the folder.
    pub keys_in_clear: bool,
    /// A key that opens the data without a person (an OS key store entry) is on the device.
    pub key_on_device: bool,
    /// Does the encryption exemption apply to the data on the device?
    pub exempt: bool,
    /// The reasoning, in order.
    pub reasons: Vec<DeviceReason>,
}

/// One step of the reasoning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum DeviceReason {
    /// A shared office: the register is on the server, not on the PC.
    SharedStore,
    /// The store is encrypted with AES-256 (SQLCipher).
    StoreEncrypted,
    /// The store is a plain SQLite file: anyone with the device reads it.
    StorePlain,
    /// No floor plan lies in clear.
    PlansEncrypted,
    /// Floor plans lie in clear.
    PlansInClear {
        /// How many.
        #[ts(type = "number")]
        count: usize,
    },
    /// The data key opens only with an operator's password or the recovery key on paper.
    KeyKeptApart,
    /// The office's secret keys lie in clear: whoever has them can sign bundles as the office
    /// and open every bundle made for it.
    KeysInClear,
    /// A shared office's PC: the office's secret keys are encrypted under the PC's key, which
    /// opens only with the password of a login that set the PC up.
    PcKeysEncrypted,
    /// Operators let this PC open the office without typing: the OS key store of the PC's
    /// computer account holds what unwraps the data key, so the key is on the device.
    KeyInOsKeyStore {
        /// How many operators' entries.
        #[ts(type = "number")]
        count: usize,
    },
}

impl DeviceReason {
    /// The sentence a person reads.
    pub fn label(self, lang: Lang) -> String {
        use DeviceReason as R;
        match (self, lang) {
            (R::SharedStore, Lang::Ja) => "事務所サーバ（PostgreSQL）で運用しているため、PC に顧客台帳はありません。".into(),
            (R::SharedStore, Lang::En) => "The office works on its server (PostgreSQL): the PC held no register.".into(),
            (R::StoreEncrypted, Lang::Ja) => "顧客台帳と記録のデータベースは AES-256（SQLCipher）で暗号化されています。".into(),
            (R::StoreEncrypted, Lang::En) => "The database of the register and the records is encrypted with AES-256 (SQLCipher).".into(),
            (R::StorePlain, Lang::Ja) => "データベースが暗号化されていません。端末を持つ人は誰でも読めます。".into(),
            (R::StorePlain, Lang::En) => "The database is not encrypted: anyone holding the device can read it.".into(),
            (R::PlansEncrypted, Lang::Ja) => "住宅の図面は平文で保存されていません。".into(),
            (R::PlansEncrypted, Lang::En) => "No floor plan is kept in clear.".into(),
            (R::PlansInClear { count }, Lang::Ja) => format!("住宅の図面 {count} 件が暗号化されずに保存されています。"),
            (R::PlansInClear { count }, Lang::En) => format!("{count} floor plan(s) are kept in clear."),
            (R::KeyKeptApart, Lang::Ja) => "復号の鍵は担当者のパスワード（Argon2id）と金庫の回復キーでしか開けず、端末に鍵を開けるもの（OS の鍵保管庫の登録）はありません。".into(),
            (R::KeyKeptApart, Lang::En) => "The key opens only with an operator's password (Argon2id) or the recovery key in the safe; nothing on the device (no OS key store entry) opens it.".into(),
            (R::KeysInClear, Lang::Ja) => "事務所の秘密鍵が平文で保存されています。署名鍵と控えの鍵を作り直し、これまでの引き渡しファイルも開けるものとして扱ってください。".into(),
            (R::KeysInClear, Lang::En) => "The office's secret keys are kept in clear: make new ones, and treat every bundle made so far as openable.".into(),
            (R::PcKeysEncrypted, Lang::Ja) => "事務所の秘密鍵はこのパソコンの鍵で暗号化され、その鍵はこのパソコンを設定したログインのパスワード（Argon2id）でしか開けません。パスワードをパソコンに保存している場合（~/.pgpass、PGPASSWORD）は、それでも開けます。".into(),
            (R::PcKeysEncrypted, Lang::En) => "The office's secret keys are encrypted under this PC's key, which opens only with the password of a login that set the PC up (Argon2id); a password saved on the PC (~/.pgpass, PGPASSWORD) opens it too.".into(),
            (R::KeyInOsKeyStore { count }, Lang::Ja) => format!("担当者 {count} 人が、このパソコンではパスワードなしで開く設定にしています（OS の鍵保管庫）。パソコンとそのアカウントを持つ人は事務所のデータを開けるため、鍵は端末と別に保管されていません。"),
            (R::KeyInOsKeyStore { count }, Lang::En) => format!("{count} operator(s) let this PC open the office without typing (the OS key store): whoever has the PC and its computer account opens the data, so the key was not kept apart from the device."),
        }
    }
}

impl DeviceLoss {
    /// The conclusion from what was found.
    pub fn assess(
        shared_store: bool,
        store_encrypted: bool,
        plans_in_clear: usize,
        keys_in_clear: bool,
        key_store_entries: usize,
    ) -> DeviceLoss {
        let key_on_device = !shared_store && key_store_entries > 0;
        let mut reasons = Vec::new();
        if shared_store {
            reasons.push(DeviceReason::SharedStore);
        } else {
            reasons.push(match store_encrypted {
                true => DeviceReason::StoreEncrypted,
                false => DeviceReason::StorePlain,
            });
            reasons.push(match plans_in_clear {
                0 => DeviceReason::PlansEncrypted,
                count => DeviceReason::PlansInClear { count },
            });
            if key_on_device {
                reasons.push(DeviceReason::KeyInOsKeyStore {
                    count: key_store_entries,
                });
            } else if store_encrypted {
                reasons.push(DeviceReason::KeyKeptApart);
            }
        }
        if keys_in_clear {
            reasons.push(DeviceReason::KeysInClear);
        }
        let exempt = shared_store || (store_encrypted && plans_in_clear == 0 && !key_on_device);
        DeviceLoss {
            shared_store,
            store_encrypted,
            plans_in_clear,
            keys_in_clear,
            key_on_device,
            exempt,
            reasons,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exempt_only_when_everything_on_the_device_is_encrypted() {
        let ok = DeviceLoss::assess(false, true, 0, false, 0);
        assert!(ok.exempt);
        assert_eq!(
            ok.reasons,
            [
                DeviceReason::StoreEncrypted,
                DeviceReason::PlansEncrypted,
                DeviceReason::KeyKeptApart
            ]
        );
        assert!(!DeviceLoss::assess(false, false, 0, false, 0).exempt);
        let kept = DeviceLoss::assess(false, true, 0, false, 2);
        assert!(!kept.exempt && kept.key_on_device);
        assert_eq!(
            kept.reasons,
            [
                DeviceReason::StoreEncrypted,
                DeviceReason::PlansEncrypted,
                DeviceReason::KeyInOsKeyStore { count: 2 }
            ]
        );
        let plans = DeviceLoss::assess(false, true, 3, false, 0);
        assert!(!plans.exempt);
        assert!(
            plans
                .reasons
                .contains(&DeviceReason::PlansInClear { count: 3 })
        );
        let shared = DeviceLoss::assess(true, false, 0, true, 0);
        assert!(shared.exempt);
        assert_eq!(
            shared.reasons,
            [DeviceReason::SharedStore, DeviceReason::KeysInClear]
        );
        for r in shared
            .reasons
            .iter()
            .chain(&plans.reasons)
            .chain(&kept.reasons)
        {
            assert!(r.label(Lang::Ja).chars().any(|c| c > '\u{3000}'));
            assert!(!r.label(Lang::En).is_empty());
        }
    }
}
