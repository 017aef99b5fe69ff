//! The office keys on a shared office's PC, in the use cases (issue 14): `init --store`,
//! `join` and `store copy` keep them encrypted under this PC's key ([`crate::pc_vault`]),
//! signing in unwraps it, and a PC of an earlier version has its plaintext key files moved
//! in at the first sign-in.

use age::secrecy::SecretString;

use super::Office;
use crate::keys::{self, OfficeKeys};
use crate::pc_vault::{self, Found};
use crate::refusal::{PcKeysProblem, Refusal};
use crate::vault::DataKey;
use crate::{DataDir, Result};

/// After the server accepted the signed-in login and its `password` (None: the server asked
/// for none): this PC's key unwrapped for it, so that the office keys open as on a one-PC
/// office. A login without a wrap here gets no key: the office opens for what needs none,
/// and what needs the keys is refused ([`keys_ready`]). The plaintext key files of an
/// earlier version are moved into a PC vault for this login first ([`encrypt_plaintext`]).
pub(crate) fn on_sign_in(office: &mut Office, password: Option<&SecretString>) -> Result<()> {
    let Some(password) = password else {
        // Nothing to unwrap with, nor to wrap under: plaintext keys stay as they are.
        return Ok(());
    };
    if !keys::plaintext_key_files(&office.dir).is_empty() {
        return encrypt_plaintext(office, password);
    }
    // No wrap for this login, nothing to unwrap (and no Argon2id run spent on it: the server
    // checked the password already). A damaged PC vault does not stop the sign-in either:
    // what needs the keys says it is damaged ([`keys_ready`]).
    let unlocked = match pc_vault::has_wrap(&office.dir, &office.operator) {
        Ok(true) if keys::office_keys_encrypted(&office.dir) => {
            pc_vault::unlock(&office.dir, &office.operator, password)
        }
        Ok(_) => return Ok(()),
        Err(e) => Err(e),
    };
    match unlocked {
        Ok(Found::Key(key)) => office.data_key = Some(key),
        Ok(_) | Err(crate::Error::VaultCorrupt { .. }) => {}
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Move the plaintext key files of a PC set up by an earlier version into a PC vault for the
/// signed-in login (its password wraps a fresh PC key, saved first; each file is then written
/// encrypted and its plaintext overwritten and removed), and record it (`pc.keys_encrypted`).
/// A run a kill interrupted is finished: the PC key it saved is unwrapped with the
/// office keys still in clear, or with the login's password. The other logins that used the
/// plaintext keys on this PC join again ([`PcKeysProblem::NoKeys`] tells them). A folder that
/// also holds the one-PC office this PC had before a `store copy` by such a version keeps its
/// embedded store, but its key files are this PC's now: they open for the server's logins.
fn encrypt_plaintext(office: &mut Office, password: &SecretString) -> Result<()> {
    let dir = office.dir.clone();
    let login = office.operator.clone();
    let key = if keys::plaintext_key_files(&dir).len() == 2 {
        let plain = keys::load_plaintext_keys(&dir)?;
        pc_vault::key_for(&dir, &login, password, &plain)?
    } else {
        // One file is encrypted already: only a login with a wrap can finish.
        match pc_vault::unlock(&dir, &login, password)? {
            Found::Key(key) => key,
            _ => return Ok(()),
        }
    };
    let files = keys::reseal_key_files(&dir, None, &key)?;
    let public = keys::load_office_keys(&dir, Some(&key))?.public();
    office.data_key = Some(key);
    office.pc_keys_moved = true;
    let ev = office.event(
        "pc.keys_encrypted",
        serde_json::json!({
            "files": files,
            "signingFingerprint": public.signing_fingerprint,
        }),
    );
    office.store.append(ev)?;
    Ok(())
}

/// Can the office keys be opened on this office as signed in? Always on a one-PC office (its
/// own errors say why not); on a shared office's PC, only with this PC's key unwrapped (or
/// plaintext keys of an earlier version not moved yet): else the typed refusal telling the
/// login to `join`.
pub(crate) fn keys_ready(office: &Office) -> Result<()> {
    if !office.store.is_shared() || office.data_key.is_some() {
        return Ok(());
    }
    if keys::plaintext_key_files(&office.dir).len() == 2 {
        return Ok(());
    }
    let (login, url) = (office.operator.clone(), office.store.location());
    let problem = match pc_vault::has_wrap(&office.dir, &login)? {
        true => PcKeysProblem::OtherPassword { login, url },
        false => PcKeysProblem::NoKeys { login, url },
    };
    Err(Refusal::PcKeys(problem).into())
}

/// Install the office keys `keys` (from an `export-keys` file, already checked to be the
/// office's) on this PC for `login` under `password`, and return the PC key:
/// - on a PC with none, a new PC vault and the key files encrypted under its key;
/// - on a PC that keeps them already (in its PC vault, or in clear from an earlier version),
///   the login's wrap is added, once the file's keys are found to be the same as the PC's
///   ([`PcKeysProblem::KeysDiffer`] otherwise, nothing changed);
/// - a data folder holding a one-PC office's encrypted keys is refused
///   ([`crate::refusal::SharedProblem::KeysInFolder`]).
pub(crate) fn install(
    dir: &DataDir,
    login: &str,
    password: &SecretString,
    keys: &OfficeKeys,
    keys_file: &std::path::Path,
    created: &str,
) -> Result<DataKey> {
    let differ = || -> crate::Error {
        Refusal::PcKeys(PcKeysProblem::KeysDiffer {
            file: keys_file.display().to_string(),
            dir: dir.root().display().to_string(),
        })
        .into()
    };
    if keys::plaintext_key_files(dir).len() == 2 {
        if !keys::load_plaintext_keys(dir)?.same_as(keys) {
            return Err(differ());
        }
        let key = pc_vault::key_for(dir, login, password, keys)?;
        keys::reseal_key_files(dir, None, &key)?;
        return Ok(key);
    }
    if pc_vault::exists(dir) && keys::office_keys_exist(dir) {
        let key = pc_vault::unlock_with_keys(dir, keys)?.ok_or_else(differ)?;
        if !keys::load_office_keys(dir, Some(&key))?.same_as(keys) {
            return Err(differ());
        }
        pc_vault::add_login(dir, login, password, &key)?;
        // A move from plaintext a kill interrupted is finished.
        keys::reseal_key_files(dir, None, &key)?;
        return Ok(key);
    }
    if keys::office_keys_exist(dir) {
        return Err(
            Refusal::SharedStore(crate::refusal::SharedProblem::KeysInFolder {
                dir: dir.root().display().to_string(),
            })
            .into(),
        );
    }
    let key = pc_vault::create(dir, login, password, keys)?;
    keys::write_office_keys(dir, keys.identity(), keys.signing(), created, Some(&key))?;
    Ok(key)
}

/// After `store copy`: this PC goes on with the shared store, so its office keys (`keys`)
/// go into a PC vault for the server's `login`, encrypted, none left in clear. The PC key is
/// the one-PC office's data key `from` where it has one, so that the key files stay one set
/// that its vault opens too (going back to this PC's own data still packs); an office never
/// encrypted at rest gets a fresh PC key (its plaintext key files are then encrypted under it,
/// and only the server's logins open them).
pub(crate) fn adopt_after_copy(
    dir: &DataDir,
    login: &str,
    password: &SecretString,
    keys: &OfficeKeys,
    from: Option<&DataKey>,
) -> Result<()> {
    let key = from.cloned().unwrap_or_else(DataKey::generate);
    let key = pc_vault::create_with(dir, login, password, keys, key)?;
    keys::reseal_key_files(dir, from, &key)?;
    Ok(())
}

/// After an admin added `login` on a shared office: their wrap on this PC too (they may sign
/// in here and pack), when the admin has this PC's key unwrapped. On their own PC they
/// `join`.
pub(crate) fn wrap_for_new_login(
    office: &Office,
    login: &str,
    password: &SecretString,
) -> Result<()> {
    match (&office.data_key, office.store.is_shared()) {
        (Some(key), true) if pc_vault::exists(&office.dir) => {
            pc_vault::add_login(&office.dir, login, password, key)
        }
        _ => Ok(()),
    }
}

/// After an admin disabled `login` on a shared office: their wrap on this PC goes.
pub(crate) fn unwrap_for_disabled(office: &Office, login: &str) -> Result<()> {
    if !office.store.is_shared() {
        return Ok(());
    }
    pc_vault::remove_login(&office.dir, login)
}

/// The signed-in login changes its own password on the server (`new`), `current` checked
/// first by unwrapping this PC's key with it: recorded as `login.password_changed` in the same
/// transaction (an `operator.…` entry is an admin's), and this PC's wrap follows, so the keys
/// open with the new password here. On other PCs where the login joined, its wrap stays under
/// the old password: it runs `join` there again ([`PcKeysProblem::OtherPassword`] says so). A
/// login without the keys on this PC cannot have `current` checked here: it is refused, and
/// changes its password through [`super::change_login_password`], which signs in with it.
pub(crate) fn change_login_password(
    office: &mut Office,
    current: &SecretString,
    new: &SecretString,
) -> Result<()> {
    let login = office.operator.clone();
    let Some(key) = &office.data_key else {
        return Err(
            Refusal::Operator(crate::refusal::OperatorProblem::SignInOnConnect {
                location: office.store.location(),
            })
            .into(),
        );
    };
    match pc_vault::unlock(&office.dir, &login, current)? {
        Found::Key(k) if k.store_check() == key.store_check() => {}
        _ => return Err(crate::Error::SignInFailed(login)),
    }
    set_login_password(office, new)
}

/// Set the signed-in login's new password on the server (its current one was checked), and
/// this PC's wrap for it when this PC's key is unwrapped.
pub(crate) fn set_login_password(office: &mut Office, new: &SecretString) -> Result<()> {
    crate::passwords::check_new(new)?;
    let login = office.operator.clone();
    let verifier = office.store.password_verifier(new)?;
    let ev = office.event(
        "login.password_changed",
        serde_json::json!({ "name": login }),
    );
    office.store.set_password(&login, &verifier, ev)?;
    if let Some(key) = office.data_key.clone() {
        pc_vault::add_login(&office.dir, &login, new, &key)?;
    }
    Ok(())
}
