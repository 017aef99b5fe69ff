//! Why the core refuses an input or an action (issue 11: no generic `invalid`).
//!
//! Each variant is one kind of refusal with its parameters; [`Refusal::code`] is its stable
//! code (a few related variants share one, and one headline in [`crate::messages`]), its
//! `Display` is the English detail and [`Refusal::ja`] the Japanese one. Reach it as
//! [`crate::Error::Refused`].

/// A field or a work type as a refusal names it: its id and its Japanese label (this module
/// imports nothing of the crate, so that every module can refuse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    /// The id (`card_number`, `repair`).
    pub id: &'static str,
    /// The Japanese label.
    pub ja: &'static str,
}

impl Named {
    fn label_ja(self) -> &'static str {
        self.ja
    }
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// A word that must be one of a fixed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    /// transfer, media or paper.
    Method,
    /// x25519, passphrase or none.
    Encryption,
    /// A work type of the policy.
    WorkType,
    /// received or destroyed.
    ReceiptKind,
    /// phone, counter, mail or web.
    Channel,
    /// auto, utf-8 or shift_jis.
    Encoding,
    /// ja or en.
    Lang,
    /// A field id.
    Field,
    /// A field id, contract_ended or ignore (a column mapping's target).
    ColumnTarget,
    /// staff, manager or admin.
    Role,
}

impl Vocabulary {
    /// `given` is not a word of this list: the error, with the words allowed.
    pub fn refuse(self, given: &str, choices: impl Into<String>) -> crate::Error {
        Refusal::UnknownValue {
            kind: self,
            given: given.to_string(),
            choices: choices.into(),
        }
        .into()
    }

    fn en(self) -> &'static str {
        match self {
            Vocabulary::Method => "handover method",
            Vocabulary::Encryption => "kind of encryption",
            Vocabulary::WorkType => "work type",
            Vocabulary::ReceiptKind => "receipt kind",
            Vocabulary::Channel => "channel",
            Vocabulary::Encoding => "file encoding",
            Vocabulary::Lang => "language",
            Vocabulary::Field => "field",
            Vocabulary::ColumnTarget => "field id",
            Vocabulary::Role => "role",
        }
    }

    fn ja(self) -> &'static str {
        match self {
            Vocabulary::Method => "引き渡し方法",
            Vocabulary::Encryption => "暗号化の種類",
            Vocabulary::WorkType => "工事種別",
            Vocabulary::ReceiptKind => "受領証の種類",
            Vocabulary::Channel => "連絡方法",
            Vocabulary::Encoding => "文字コード",
            Vocabulary::Lang => "言語",
            Vocabulary::Field => "項目",
            Vocabulary::ColumnTarget => "項目ID",
            Vocabulary::Role => "役割",
        }
    }
}

/// A date that must come after another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// A period's end before its start.
    Period,
    /// A contractor's agreement expiring before it was signed.
    Agreement,
    /// A handover closed before it was handed over.
    Closed,
    /// A customer told of an outcome before the request was decided.
    Notified,
    /// A leak noticed before the first handover it concerns.
    Aware,
    /// A return-or-destroy date before today.
    ReturnBy,
    /// A purge's day after today (it would delete what must be kept).
    PurgeAhead,
}

/// A setting of the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyProblem {
    /// A payment field in a minimal set.
    PaymentField {
        /// The work type.
        work: Named,
        /// The field.
        field: Named,
    },
    /// A minimal set without the customer id.
    NoCustomerId {
        /// The work type.
        work: Named,
    },
    /// A work type without a minimal set.
    NoMinimalSet {
        /// The work type.
        work: Named,
    },
    /// A work type given twice.
    WorkTypeTwice {
        /// The work type.
        work: Named,
    },
    /// A number under its least value.
    TooLow {
        /// The setting (`return_days`…).
        setting: &'static str,
        /// The least value.
        min: u32,
    },
    /// A number outside its range.
    OutOfRange {
        /// The setting.
        setting: &'static str,
        /// The least value.
        min: u32,
        /// The greatest value.
        max: u32,
        /// Why the range (English).
        why: &'static str,
    },
    /// A policy file that does not parse.
    Unreadable {
        /// The file.
        origin: String,
        /// The parser's reason.
        message: String,
    },
    /// A policy recorded in the ledger that cannot be read back.
    Recorded {
        /// The ledger entry.
        seq: u64,
        /// Why.
        message: String,
    },
}

/// What a bundle's content or a selection for one breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectionProblem {
    /// No customer selected.
    NoCustomers,
    /// None of the selected customers may be handed over.
    NoneEligible {
        /// How many were selected.
        selected: usize,
        /// How many were excluded.
        excluded: usize,
    },
    /// More customers than one bundle holds.
    TooManyCustomers {
        /// How many.
        selected: usize,
        /// The most.
        max: usize,
    },
    /// The manifest would be too large.
    ManifestTooLarge,
    /// A customer listed twice.
    CustomerTwice {
        /// The customer.
        id: String,
    },
    /// A customer number that cannot name a file in a bundle.
    BadCustomerId {
        /// The customer number.
        id: String,
    },
    /// A payment field selected.
    PaymentField {
        /// The field.
        field: Named,
    },
    /// The customer id left out.
    NoCustomerId,
    /// An extra field without its reason.
    ExtraWithoutReason {
        /// The field.
        field: Named,
        /// The work type.
        work: Named,
    },
    /// An extra field already in the minimal set.
    ExtraInMinimal {
        /// The field.
        field: Named,
        /// The work type.
        work: Named,
    },
    /// As many reasons as extra fields are needed.
    ReasonsCount,
    /// A passphrase given where none is taken, or none where one is needed.
    PassphraseMismatch,
    /// Only a paper handover has a sheet to preview.
    NotPaper,
}

/// Why a contractor cannot receive data now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractorProblem {
    /// No confidentiality agreement valid on the day.
    Agreement {
        /// The day.
        on: String,
        /// When it was signed.
        signed: String,
        /// When it expires.
        expires: String,
    },
    /// No enrolled key for an encrypted bundle.
    NoKey,
}

/// Why a request, a lost-data report or a record of a handover cannot change as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateProblem {
    /// A request decided already.
    RequestDecided {
        /// Its status.
        status: String,
    },
    /// A request not decided yet.
    RequestPending,
    /// A request withdrawn.
    RequestWithdrawn,
    /// A request rejected (withdrawing it changes nothing).
    RequestRejected,
    /// A request withdrawn already.
    RequestWithdrawnAlready {
        /// The day, when recorded (" on YYYY-MM-DD" in English).
        on: Option<String>,
    },
    /// A request notified already.
    RequestNotified {
        /// The day.
        on: String,
    },
    /// A request without its decision date.
    RequestNoDecisionDate,
    /// A handover closed already.
    HandoverClosed {
        /// The day.
        on: String,
    },
    /// A handover recorded already.
    HandoverRecorded,
    /// No open handover with this id.
    HandoverNotOpen,
    /// A handover that is not a printed sheet.
    HandoverNotPaper {
        /// Its method.
        method: String,
    },
}

/// Everything the core refuses, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// A word not in its list.
    UnknownValue {
        /// Which list.
        kind: Vocabulary,
        /// The word given.
        given: String,
        /// The words allowed.
        choices: String,
    },
    /// A date before another one it must follow.
    DateOrder {
        /// Which pair.
        rule: DateOrder,
        /// The date given.
        date: String,
        /// The date it must follow (or not pass).
        limit: String,
    },
    /// A date out of the calendar's range once computed.
    DateOutOfRange {
        /// The date or computation.
        date: String,
    },
    /// The policy breaks a rule.
    Policy(PolicyProblem),
    /// A change that changes nothing.
    NothingToChange {
        /// What (policy, contractor).
        what: &'static str,
    },
    /// A request's scope.
    Scope {
        /// Why.
        problem: ScopeProblem,
    },
    /// A rejection without a reason.
    ReasonRequired,
    /// A record (request, handover) in a state that does not allow this.
    State {
        /// The request or handover.
        id: String,
        /// Why.
        problem: StateProblem,
    },
    /// A selection or bundle content that cannot be packed.
    Selection(SelectionProblem),
    /// The contractor cannot receive data now.
    Contractor {
        /// The contractor's name.
        name: String,
        /// The contractor's id.
        id: String,
        /// Why.
        problem: ContractorProblem,
    },
    /// A contractor without a name.
    ContractorName,
    /// A recipient not among the contractor's keys.
    NotContractorKey {
        /// The recipient.
        recipient: String,
        /// The contractor.
        contractor: String,
    },
    /// A passphrase shorter than allowed.
    PassphraseTooShort {
        /// The fewest characters.
        min: usize,
    },
    /// A floor plan that cannot be used as asked.
    FloorPlan {
        /// The customer.
        customer: String,
        /// Why.
        problem: FloorPlanProblem,
    },
    /// A floor plan file that changed while it was imported.
    PlanChangedWhileImported {
        /// The file.
        file: String,
    },
    /// A printed sheet that is not the one recorded.
    SheetChanged {
        /// The file.
        path: String,
        /// The handover.
        id: String,
    },
    /// A folder was expected.
    NotAFolder {
        /// The path.
        path: String,
    },
    /// Another pack is writing the same file.
    OutputBusy {
        /// The partial file.
        path: String,
    },
    /// The lost-data report's question.
    LeakReport(LeakProblem),
    /// The office signing key the contractor trusts.
    Trust(TrustProblem),
    /// Key file and passphrase to open a bundle.
    KeyChoice {
        /// Both were given (else neither).
        both: bool,
    },
    /// Setting up or copying a shared office.
    SharedStore(SharedProblem),
    /// The office keys of a shared office's PC (its PC vault).
    PcKeys(PcKeysProblem),
    /// A column mapping of a register import.
    ColumnMap(MapProblem),
    /// The store changed while a purge was prepared.
    PurgeChanged {
        /// What is gone.
        what: String,
    },
    /// A SHA-256 in hex that is not one.
    BadHash {
        /// The text.
        given: String,
    },
    /// A manifest to sign that breaks the format.
    Manifest {
        /// The manifest field.
        field: &'static str,
        /// The value given.
        given: String,
    },
    /// A bundle's recipients.
    Recipients(RecipientProblem),
    /// The office's people (logins): adding, disabling, who acts.
    Operator(OperatorProblem),
    /// A stored password hash that cannot be read (a damaged store, never the user's input).
    StoredPasswordHash {
        /// The parser's reason.
        why: String,
    },
    /// Where an opened bundle's files would be written.
    Output(OutputProblem),
    /// A folder given by a relative path where a full one is needed.
    RelativePath {
        /// The path given.
        path: String,
    },
    /// The contractor's window has no bundle open.
    NoBundleOpen,
    /// A file of the open bundle that is not kept in memory to be shown.
    EntryNotHeld {
        /// The file's name in the bundle.
        entry: String,
    },
    /// Something the program itself got wrong (never the user's input).
    Internal {
        /// What.
        what: String,
    },
}

/// A bundle's recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientProblem {
    /// None.
    None,
    /// The office's own recipient missing (it could not audit what it sent).
    NoOffice,
    /// A key neither the office's nor the contractor's.
    Stranger {
        /// Its fingerprint.
        fingerprint: String,
    },
}

/// The office's people (logins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorProblem {
    /// A login of this name exists already.
    Exists {
        /// The name.
        name: String,
    },
    /// No login of this name.
    NoSuch {
        /// The name.
        name: String,
    },
    /// The login is disabled already.
    AlreadyDisabled {
        /// The name.
        name: String,
    },
    /// The signed-in person disabling their own login.
    DisableSelf {
        /// The name.
        name: String,
    },
    /// The office server refused to disable a login (unknown, or not one the admin may disable).
    NotDisablable {
        /// The name.
        name: String,
    },
    /// A store that keeps no logins.
    NotKept {
        /// The store.
        location: String,
    },
    /// A store that signs people in when it is connected to, not afterwards.
    SignInOnConnect {
        /// The store.
        location: String,
    },
    /// A typed operator name on a store where the signed-in person acts.
    TypedName {
        /// The store.
        location: String,
        /// Who is signed in.
        signed_in: String,
        /// The name typed.
        typed: String,
    },
    /// The CLI's `--operator` (or HANDOVER_OPERATOR) with a store where the login acts.
    OperatorOption {
        /// The store.
        location: String,
        /// The login signed in.
        user: String,
    },
}

/// Where an opened bundle's files would be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputProblem {
    /// The output folder is a symbolic link.
    FolderIsLink {
        /// The folder given.
        path: String,
        /// Where it points.
        to: String,
    },
    /// Inside the output folder, a link or a file where the opener makes a folder.
    NotAFolderInside {
        /// The link or file.
        path: String,
    },
}

/// A request's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeProblem {
    /// No field.
    Empty,
    /// Only the customer id.
    CustomerIdAlone,
    /// A payment field.
    Payment(Named),
    /// A field twice.
    Twice(Named),
}

/// A floor plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FloorPlanProblem {
    /// None in the register.
    None,
    /// Kept on the office server, so never written to a file here.
    OnServer,
    /// Kept encrypted at rest, so never handed to another program as a file (that would need
    /// a plaintext copy on disk).
    EncryptedAtRest,
    /// Selected, but its stored file not given.
    FileMissing,
    /// Not PDF, PNG or JPEG.
    Type {
        /// The extension.
        ext: String,
    },
    /// Its recorded SHA-256 is malformed.
    BadHash,
}

/// The lost-data report's question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeakProblem {
    /// The contractor received nothing.
    NothingToReport {
        /// The contractor.
        contractor: String,
        /// The period's first day, if given.
        from: Option<String>,
        /// The period's last day, if given.
        to: Option<String>,
    },
    /// Both handovers and a contractor.
    Both,
    /// Neither.
    Neither,
    /// A period with handovers.
    PeriodWithHandovers,
}

/// The office signing key the contractor trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustProblem {
    /// Nothing given.
    Empty,
    /// The file holds no key.
    EmptyFile {
        /// The file.
        path: String,
    },
    /// Not an Ed25519 public key (not hex, not 32 bytes, not a point).
    BadKey {
        /// The text.
        given: String,
    },
    /// A weak (small-order) key no office would have.
    WeakKey {
        /// The text.
        given: String,
    },
    /// The fingerprint confirmed is another key's.
    FingerprintMismatch {
        /// What was confirmed.
        confirmed: String,
        /// The key's.
        actual: String,
    },
    /// The key is not pinned.
    NotPinned {
        /// Its fingerprint.
        fingerprint: String,
    },
    /// The office's own signature does not verify with its key (never happens but checked).
    SignedWithOtherKey,
    /// A pin without a name for the office.
    NoLabel,
}

/// Setting up or copying a shared office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharedProblem {
    /// A password inside the URL.
    PasswordInUrl,
    /// The store is set by HANDOVER_STORE for this session, not by the settings.
    SetByEnv,
    /// A first admin made on the office server (its owner is the first admin).
    FirstAdminIsOwner,
    /// Not a store URL.
    BadUrl {
        /// Why.
        why: String,
    },
    /// Sign-in asked of the embedded store.
    EmbeddedSignIn,
    /// No login name.
    NoLogin,
    /// The data folder already holds office keys.
    KeysInFolder {
        /// The folder.
        dir: String,
    },
    /// join without a server.
    JoinNeedsServer,
    /// The keys file is another office's.
    OtherOfficeKeys {
        /// The keys file.
        file: String,
        /// Its signing key's fingerprint.
        fingerprint: String,
        /// The store.
        location: String,
    },
    /// store copy of an office already on a server.
    AlreadyShared,
    /// The copy does not verify as the original.
    CopyDiffers {
        /// The server.
        location: String,
        /// What the copy verifies to.
        copy: String,
        /// What the original verifies to.
        original: String,
    },
    /// The server's database encoding is not UTF-8.
    Encoding {
        /// The database.
        location: String,
        /// Its encoding.
        encoding: String,
    },
    /// The embedded store cannot be read for the copy.
    CopyUnreadable {
        /// The file.
        db: String,
        /// Why.
        why: String,
    },
    /// A value the server's column cannot take.
    CopyValue {
        /// The file.
        db: String,
        /// table.column.
        column: String,
        /// The server's type.
        ty: String,
    },
}

/// The office keys of a shared office's PC: kept encrypted under a PC key that each login
/// which set the PC up unwraps with its password ([`crate::pc_vault`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PcKeysProblem {
    /// This PC keeps no office keys for the signed-in login.
    NoKeys {
        /// The login.
        login: String,
        /// The store URL to join (no password).
        url: String,
    },
    /// The login's wrap on this PC was made under another of its passwords.
    OtherPassword {
        /// The login.
        login: String,
        /// The store URL to join (no password).
        url: String,
    },
    /// `join` on a PC that keeps other office keys than the file's.
    KeysDiffer {
        /// The keys file.
        file: String,
        /// This PC's data folder.
        dir: String,
    },
    /// The login signs in without any password, so there is none to keep the keys under.
    NoPassword {
        /// The login.
        login: String,
    },
}

impl PcKeysProblem {
    fn ja(&self) -> String {
        use PcKeysProblem as P;
        match self {
            P::NoKeys { login, url } => format!(
                "このパソコンには {login} の事務所の鍵がありません。`handover join {url} --keys FILE`（`office export-keys` で作ったファイル）を実行してください。以前の版で設定したパソコンの鍵は、最初にサインインしたログインだけで開けるよう暗号化されています"
            ),
            P::OtherPassword { login, url } => format!(
                "このパソコンの事務所の鍵は {login} の以前のパスワードで保護されています。`handover join {url} --keys FILE`（`office export-keys` で作ったファイル）をもう一度実行してください"
            ),
            P::KeysDiffer { file, dir } => format!(
                "{file} の鍵は、このパソコン（{dir}）にある事務所の鍵と違います。何も変更していません"
            ),
            P::NoPassword { login } => format!(
                "{login} はパスワードなしでサーバにサインインしています。このパソコンは事務所の鍵をパスワードでしか保護できないため、ログインにパスワードを設定してください（PGPASSWORD や ~/.pgpass でも構いません）"
            ),
        }
    }
}

impl std::fmt::Display for PcKeysProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use PcKeysProblem as P;
        match self {
            P::NoKeys { login, url } => write!(
                f,
                "this PC has no office keys for {login}: run `handover join {url} --keys FILE` \
                 (a file made by `office export-keys`); a PC set up by an earlier version keeps \
                 its keys, encrypted, for the login that signed in on it first"
            ),
            P::OtherPassword { login, url } => write!(
                f,
                "this PC keeps the office keys for {login} under an earlier password of that \
                 login: run `handover join {url} --keys FILE` again (a file made by `office \
                 export-keys`)"
            ),
            P::KeysDiffer { file, dir } => write!(
                f,
                "{file} holds other office keys than those this PC keeps in {dir}: nothing was \
                 changed"
            ),
            P::NoPassword { login } => write!(
                f,
                "{login} signs in to the server without a password, and this PC keeps the \
                 office keys only under one: give the login a password (PGPASSWORD or \
                 ~/.pgpass will do)"
            ),
        }
    }
}

/// A register import's column mapping (`HEADER=FIELD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapProblem {
    /// Not `HEADER=FIELD`.
    Form {
        /// The text.
        given: String,
    },
    /// No header before `=`.
    NoHeader {
        /// The text.
        given: String,
    },
    /// A payment column mapped to a field.
    Payment {
        /// The column.
        column: String,
        /// The payment field it holds.
        field: String,
        /// The field it was mapped to.
        to: Named,
    },
    /// No such column.
    NoColumn {
        /// The header given.
        header: String,
        /// The headers there are.
        headers: String,
    },
}

impl Refusal {
    /// The stable code (each has a headline in [`crate::messages`]).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::UnknownValue { .. } => "unknown_value",
            Refusal::DateOrder { .. } => "date_order",
            Refusal::DateOutOfRange { .. } => "date_out_of_range",
            Refusal::Policy(_) => "policy_invalid",
            Refusal::NothingToChange { .. } => "nothing_to_change",
            Refusal::Scope { .. } => "scope_invalid",
            Refusal::ReasonRequired => "reason_required",
            Refusal::State { .. } => "state_refused",
            Refusal::Selection(_) => "selection_invalid",
            Refusal::Contractor { .. } => "contractor_not_eligible",
            Refusal::ContractorName | Refusal::NotContractorKey { .. } => "contractor_invalid",
            Refusal::PassphraseTooShort { .. } => "passphrase_too_short",
            Refusal::FloorPlan { .. } | Refusal::PlanChangedWhileImported { .. } => {
                "floor_plan_unusable"
            }
            Refusal::SheetChanged { .. } => "sheet_changed",
            Refusal::NotAFolder { .. } => "not_a_folder",
            Refusal::OutputBusy { .. } => "output_busy",
            Refusal::LeakReport(LeakProblem::NothingToReport { .. }) => "nothing_to_report",
            Refusal::LeakReport(_) => "leak_report_question",
            Refusal::Trust(_) => "trust_refused",
            Refusal::KeyChoice { .. } => "key_choice",
            Refusal::SharedStore(_) => "shared_store_setup",
            Refusal::PcKeys(_) => "pc_keys",
            Refusal::ColumnMap(_) => "column_map",
            Refusal::PurgeChanged { .. } => "purge_changed",
            Refusal::BadHash { .. } => "bad_hash",
            Refusal::Manifest { .. } => "manifest_invalid",
            Refusal::Recipients(_) => "recipients_invalid",
            Refusal::Operator(_) => "operator_refused",
            Refusal::StoredPasswordHash { .. } => "password_hash_unreadable",
            Refusal::Output(_) => "output_folder",
            Refusal::RelativePath { .. } => "relative_path",
            Refusal::NoBundleOpen => "no_bundle_open",
            Refusal::EntryNotHeld { .. } => "entry_not_held",
            Refusal::Internal { .. } => "internal",
        }
    }

    /// Is this the user's input or action refused (as opposed to the program's own fault or a
    /// damaged store)?
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            Refusal::Internal { .. } | Refusal::StoredPasswordHash { .. }
        )
    }

    /// The detail in Japanese.
    pub fn ja(&self) -> String {
        use Refusal as R;
        match self {
            R::UnknownValue {
                kind,
                given,
                choices,
            } => format!(
                "「{given}」は{}ではありません（使えるもの: {choices}）",
                kind.ja()
            ),
            R::DateOrder { rule, date, limit } => date_order_ja(*rule, date, limit),
            R::DateOutOfRange { date } => format!("{date}: 扱える日付の範囲外です"),
            R::Policy(p) => p.ja(),
            R::NothingToChange { what } => format!("{what}: 変更する内容がありません"),
            R::Scope { problem } => problem.ja(),
            R::ReasonRequired => "却下には理由が必要です（お客様に理由を伝えるため）".into(),
            R::State { id, problem } => format!("{id}: {}", problem.ja()),
            R::Selection(p) => p.ja(),
            R::Contractor { name, id, problem } => match problem {
                ContractorProblem::Agreement {
                    on,
                    signed,
                    expires,
                } => format!(
                    "{name}（{id}）には {on} に有効な秘密保持契約がありません（締結 {signed}、期限 \
                     {expires}）。契約を更新してから引き渡してください"
                ),
                ContractorProblem::NoKey => format!(
                    "{name}（{id}）の公開鍵が登録されていません。電話で確認した鍵を登録するか、紙かパスフレーズで引き渡してください"
                ),
            },
            R::ContractorName => "委託業者名を入力してください".into(),
            R::NotContractorKey {
                recipient,
                contractor,
            } => format!("{recipient} は {contractor} の登録済みの鍵ではありません"),
            R::PassphraseTooShort { min } => {
                format!("パスフレーズは {min} 文字以上にしてください")
            }
            R::FloorPlan { customer, problem } => format!("顧客 {customer}: {}", problem.ja()),
            R::PlanChangedWhileImported { file } => {
                format!("間取り図 {file} は取り込み中に変更されました。もう一度取り込んでください")
            }
            R::SheetChanged { path, id } => format!(
                "{path} は {id} として記録された作業指示書ではありません（変更か差し替えがあります）"
            ),
            R::NotAFolder { path } => format!("{path} はフォルダではありません"),
            R::OutputBusy { path } => format!(
                "{path} は別の作成処理が書き込み中です（または確認できません）。終わるのを待つか、作成中でなければファイルを削除してください"
            ),
            R::LeakReport(p) => p.ja(),
            R::Trust(p) => p.ja(),
            R::KeyChoice { both: true } => {
                "鍵ファイルかパスフレーズのどちらか一方を指定してください（両方は指定できません）"
                    .into()
            }
            R::KeyChoice { both: false } => {
                "鍵ファイルを選ぶか、事務所から伝えられたパスフレーズを入力してください".into()
            }
            R::SharedStore(p) => p.ja(),
            R::PcKeys(p) => p.ja(),
            R::ColumnMap(p) => p.ja(),
            R::PurgeChanged { what } => format!(
                "{what} はすでにありません。削除の準備中にデータが変更されました。もう一度実行してください"
            ),
            R::BadHash { given } => format!("「{given}」は SHA-256 ではありません"),
            R::Manifest { field, given } => {
                format!("内容の一覧の {field} が正しくありません（{given}）")
            }
            R::Internal { what } => format!("内部の誤り: {what}"),
            other => other.ja_rest(),
        }
    }

    /// The Japanese detail of the refusals about recipients, logins, folders and the
    /// contractor's window.
    fn ja_rest(&self) -> String {
        use Refusal as R;
        match self {
            R::Recipients(RecipientProblem::None) => "宛先の鍵が1つもありません".into(),
            R::Recipients(RecipientProblem::NoOffice) => {
                "事務所自身の鍵が宛先にありません（送った内容を事務所が確認できなくなります）"
                    .into()
            }
            R::Recipients(RecipientProblem::Stranger { fingerprint }) => {
                format!("宛先 {fingerprint} は事務所の鍵でも、一覧にある委託業者の鍵でもありません")
            }
            R::Operator(p) => p.ja(),
            R::StoredPasswordHash { why } => {
                format!("保存されたパスワードの記録を読めません: {why}")
            }
            R::Output(p) => p.ja(),
            R::RelativePath { path } => format!(
                "「{path}」は完全なパスではありません。フォルダを選ぶか、ドライブ（またはルート）からのパスを入力してください"
            ),
            R::NoBundleOpen => "引渡しファイルが開かれていません".into(),
            R::EntryNotHeld { entry } => format!(
                "{entry} は画面に表示するために保持していません。引渡しファイルを書き出してから開いてください"
            ),
            // Worded by ja above.
            _ => String::new(),
        }
    }
}

fn date_order_ja(rule: DateOrder, date: &str, limit: &str) -> String {
    match rule {
        DateOrder::Period => format!("期間の終わり（{date}）が始まり（{limit}）より前です"),
        DateOrder::Agreement => {
            format!("契約の期限（{date}）が締結日（{limit}）より前です")
        }
        DateOrder::Closed => format!("{date} は引き渡した日（{limit}）より前です"),
        DateOrder::Notified => format!("{date} は判断した日（{limit}）より前です"),
        DateOrder::Aware => {
            format!("{date} は対象となる最初の引き渡し（{limit}）より前です")
        }
        DateOrder::ReturnBy => {
            format!("返却・廃棄期限 {date} はすでに過ぎています（今日 {limit}）")
        }
        DateOrder::PurgeAhead => format!(
            "{date} はまだ来ていない日付です（今日 {limit}）。保存期間より前に削除すると、まだ保存が必要なデータを消してしまいます"
        ),
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use Refusal as R;
        match self {
            R::UnknownValue {
                kind,
                given,
                choices,
            } => write!(f, "'{given}' is not a {}: use {choices}", kind.en()),
            R::DateOrder { rule, date, limit } => f.write_str(&date_order_en(*rule, date, limit)),
            R::DateOutOfRange { date } => write!(f, "{date} is out of the calendar's range"),
            R::Policy(p) => write!(f, "{p}"),
            R::NothingToChange { what } => write!(f, "{what}: nothing to change"),
            R::Scope { problem } => write!(f, "scope: {problem}"),
            R::ReasonRequired => {
                f.write_str("a rejection needs a reason: the customer must be told why (R6)")
            }
            R::State { id, problem } => write!(f, "{id} {problem}"),
            R::Selection(p) => write!(f, "{p}"),
            R::Contractor { name, id, problem } => match problem {
                ContractorProblem::Agreement {
                    on,
                    signed,
                    expires,
                } => write!(
                    f,
                    "{name} ({id}) has no confidentiality agreement valid on {on} (signed \
                     {signed}, expires {expires}): renew it before handing over any data"
                ),
                ContractorProblem::NoKey => write!(
                    f,
                    "{name} has no enrolled key: enroll the contractor's age key (checked by \
                     phone), or use paper or a passphrase bundle"
                ),
            },
            other => other.fmt_rest(f),
        }
    }
}

impl Refusal {
    /// The English detail of the refusals about keys, files, stores and reports.
    fn fmt_rest(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use Refusal as R;
        match self {
            R::ContractorName => f.write_str("a contractor needs a name"),
            R::NotContractorKey {
                recipient,
                contractor,
            } => write!(f, "{recipient} is not one of {contractor}'s keys"),
            R::PassphraseTooShort { min } => {
                write!(f, "the passphrase must be at least {min} characters long")
            }
            R::FloorPlan { customer, problem } => write!(f, "customer {customer}: {problem}"),
            R::PlanChangedWhileImported { file } => write!(
                f,
                "floor plan {file}: it changed while it was being imported: import again"
            ),
            R::SheetChanged { path, id } => write!(
                f,
                "{path} is not the sheet recorded for {id} (it was changed or replaced)"
            ),
            R::NotAFolder { path } => write!(f, "{path} is not a folder"),
            R::OutputBusy { path } => write!(
                f,
                "{path} is being written by another pack (or cannot be checked): wait for it \
                 to finish, or remove the file if no pack is running"
            ),
            R::LeakReport(p) => write!(f, "{p}"),
            R::Trust(p) => write!(f, "{p}"),
            R::KeyChoice { both: true } => {
                f.write_str("give either your key file or the bundle's passphrase, not both")
            }
            R::KeyChoice { both: false } => {
                f.write_str("choose your key file, or enter the passphrase the office told you")
            }
            R::SharedStore(p) => write!(f, "{p}"),
            R::PcKeys(p) => write!(f, "{p}"),
            R::ColumnMap(p) => write!(f, "{p}"),
            R::PurgeChanged { what } => write!(
                f,
                "{what} is already gone: the store changed while the purge was prepared; run \
                 it again"
            ),
            R::BadHash { given } => write!(f, "'{given}' is not a SHA-256"),
            R::Manifest { field, given } => {
                write!(f, "manifest {field}: '{given}' breaks the bundle format")
            }
            R::Recipients(RecipientProblem::None) => {
                f.write_str("a bundle needs at least one recipient")
            }
            R::Recipients(RecipientProblem::NoOffice) => f.write_str(
                "the office's own recipient must be among the recipients, so that the office \
                 can audit what it sent",
            ),
            R::Recipients(RecipientProblem::Stranger { fingerprint }) => write!(
                f,
                "recipient {fingerprint} is neither the office's nor one of the contractor's \
                 keys listed in the manifest"
            ),
            R::Operator(p) => write!(f, "{p}"),
            R::StoredPasswordHash { why } => write!(f, "stored password hash: {why}"),
            R::Output(p) => write!(f, "{p}"),
            R::RelativePath { path } => write!(
                f,
                "'{path}' is not a full path: choose the folder, or give its whole path"
            ),
            R::NoBundleOpen => f.write_str("no bundle is open"),
            R::EntryNotHeld { entry } => write!(
                f,
                "{entry} is not held in memory: export the bundle to see it"
            ),
            R::Internal { what } => write!(f, "internal error: {what}"),
            // Worded by Display above.
            _ => Ok(()),
        }
    }
}

fn date_order_en(rule: DateOrder, date: &str, limit: &str) -> String {
    match rule {
        DateOrder::Period => format!("the period ends ({date}) before it starts ({limit})"),
        DateOrder::Agreement => {
            format!("the agreement expires ({date}) before it was signed ({limit})")
        }
        DateOrder::Closed => format!("{date} is before it was handed over ({limit})"),
        DateOrder::Notified => format!("{date} is before it was decided ({limit})"),
        DateOrder::Aware => format!("{date} is before the first handover concerned ({limit})"),
        DateOrder::ReturnBy => format!("return-by {date} is in the past (today is {limit})"),
        DateOrder::PurgeAhead => format!(
            "{date} is in the future (today is {limit}): purging ahead of the retention period \
             would delete data that must still be kept"
        ),
    }
}

impl PolicyProblem {
    fn ja(&self) -> String {
        use PolicyProblem as P;
        match self {
            P::PaymentField { work, field } => format!(
                "工事種別 {}: {}（{field}）は支払い情報のため、引き渡せません",
                work.label_ja(),
                field.label_ja()
            ),
            P::NoCustomerId { work } => format!(
                "工事種別 {}: 最小項目に顧客番号（customer_id）が必要です",
                work.label_ja()
            ),
            P::NoMinimalSet { work } => {
                format!("工事種別 {} に最小項目がありません", work.label_ja())
            }
            P::WorkTypeTwice { work } => {
                format!("工事種別 {} が二度指定されています", work.label_ja())
            }
            P::TooLow { setting, min } => format!("{setting} は {min} 以上にしてください"),
            P::OutOfRange {
                setting, min, max, ..
            } => {
                format!("{setting} は {min} から {max} の範囲にしてください")
            }
            P::Unreadable { origin, message } => {
                format!("方針ファイル {origin} を読めません: {message}")
            }
            P::Recorded { seq, message } => {
                format!("台帳の記録 {seq} の方針を読めません: {message}")
            }
        }
    }
}

impl std::fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use PolicyProblem as P;
        match self {
            P::PaymentField { work, field } => write!(
                f,
                "policy work type {work}: {} ({field}) is payment data and can never be handed \
                 over",
                field.label_ja()
            ),
            P::NoCustomerId { work } => write!(
                f,
                "policy work type {work}: customer_id must be in every minimal set (the \
                 contractor needs to refer to the customer)"
            ),
            P::NoMinimalSet { work } => {
                write!(f, "policy: work type {work} has no minimal field set")
            }
            P::WorkTypeTwice { work } => write!(f, "policy: work type {work} is given twice"),
            P::TooLow { setting, min } => {
                write!(f, "policy {setting}: must be at least {min}")
            }
            P::OutOfRange {
                setting,
                min,
                max,
                why,
            } => write!(f, "policy {setting}: must be from {min} to {max} ({why})"),
            P::Unreadable { origin, message } => write!(f, "policy {origin}: {message}"),
            P::Recorded { seq, message } => {
                write!(f, "the policy recorded in ledger entry {seq}: {message}")
            }
        }
    }
}

impl OperatorProblem {
    fn ja(&self) -> String {
        use OperatorProblem as O;
        match self {
            O::Exists { name } => format!("ログイン名 {name} はすでにあります"),
            O::NoSuch { name } => format!("ログイン名 {name} の利用者はいません"),
            O::AlreadyDisabled { name } => format!("{name} はすでに無効です"),
            O::DisableSelf { name } => {
                format!("{name} はサインイン中です。この利用者を無効にするのは別の管理者です")
            }
            O::NotDisablable { name } => {
                format!("{name} は、あなたが無効にできるこの事務所の利用者ではありません")
            }
            O::NotKept { location } => format!("{location} には事務所の利用者を登録できません"),
            O::SignInOnConnect { location } => {
                format!("{location} には接続するときに、そのログインのパスワードでサインインします")
            }
            O::TypedName {
                location,
                signed_in,
                typed,
            } => format!(
                "{location} では、操作するのはサインインしている人（{signed_in}）です。入力された名前（{typed}）では操作できません。{typed} としてサインインしてください"
            ),
            O::OperatorOption { location, user } => format!(
                "--operator（HANDOVER_OPERATOR）はこのパソコンだけのデータの操作者の名前です。事務所サーバ {location} では、記録に残るのはサインインしたログイン（{user}）です。別の人として操作するには、その人としてサインインしてください（--store postgres://ログイン名@…）"
            ),
        }
    }
}

impl std::fmt::Display for OperatorProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use OperatorProblem as O;
        match self {
            O::Exists { name } => write!(f, "a login named {name} already exists"),
            O::NoSuch { name } => write!(f, "there is no operator named {name}"),
            O::AlreadyDisabled { name } => write!(f, "{name} is already disabled"),
            O::DisableSelf { name } => write!(
                f,
                "{name} is signed in: another admin disables this operator"
            ),
            O::NotDisablable { name } => write!(
                f,
                "{name} is not an operator of this office that you may disable"
            ),
            O::NotKept { location } => {
                write!(f, "{location} cannot keep the office's people")
            }
            O::SignInOnConnect { location } => write!(
                f,
                "{location} signs people in when it is connected to, with the login's password"
            ),
            O::TypedName {
                location,
                signed_in,
                typed,
            } => write!(
                f,
                "on {location} the operator is the signed-in person ({signed_in}), not a typed \
                 name: sign in as {typed}"
            ),
            O::OperatorOption { location, user } => write!(
                f,
                "--operator (HANDOVER_OPERATOR) names the operator of the embedded store only: \
                 on the shared store {location} every entry names the login that signed in \
                 ({user}), as the server records it; to act as someone else, sign in as them \
                 (--store postgres://LOGIN@…)"
            ),
        }
    }
}

impl OutputProblem {
    fn ja(&self) -> String {
        match self {
            OutputProblem::FolderIsLink { path, to } => format!(
                "{path} はシンボリックリンクです（リンク先 {to}）。平文の書き出し先がはっきりするよう、フォルダそのものを指定してください"
            ),
            OutputProblem::NotAFolderInside { path } => format!(
                "{path} はフォルダではなく、シンボリックリンクかファイルです。書き出し先の中のリンクを通して書き込むことはありません。削除するか、別のフォルダを選んでください"
            ),
        }
    }
}

impl std::fmt::Display for OutputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputProblem::FolderIsLink { path, to } => write!(
                f,
                "{path} is a symbolic link (to {to}): give the folder itself, so that it is \
                 clear where the plaintext goes"
            ),
            OutputProblem::NotAFolderInside { path } => write!(
                f,
                "{path} is a symbolic link or a file, not a folder: Handover never writes \
                 through a link inside the output folder; remove it or choose another folder"
            ),
        }
    }
}

impl ScopeProblem {
    fn ja(&self) -> String {
        match self {
            ScopeProblem::Empty => "対象の項目を選ぶか「すべて」を選んでください".into(),
            ScopeProblem::CustomerIdAlone => {
                "顧客番号だけを停止することはできません。提供そのものを止めるには「すべて」を選んでください"
                    .into()
            }
            ScopeProblem::Payment(f) => format!(
                "{}（{f}）は支払い情報で、保存も引き渡しもしないため停止するものがありません",
                f.label_ja()
            ),
            ScopeProblem::Twice(f) => format!("{}（{f}）が二度指定されています", f.label_ja()),
        }
    }
}

impl std::fmt::Display for ScopeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScopeProblem::Empty => f.write_str("give all or a list of fields"),
            ScopeProblem::CustomerIdAlone => f.write_str(
                "customer_id cannot be withheld on its own; use all to stop provision entirely",
            ),
            ScopeProblem::Payment(x) => write!(
                f,
                "{} ({x}) is payment data: it is never stored nor handed over, so there is \
                 nothing to withhold",
                x.label_ja()
            ),
            ScopeProblem::Twice(x) => write!(f, "{x} is listed twice"),
        }
    }
}

impl StateProblem {
    fn ja(&self) -> String {
        use StateProblem as S;
        match self {
            S::RequestDecided { status } => {
                format!("すでに判断済みです（{status}）。申し出の判断は一度だけです")
            }
            S::RequestPending => {
                "まだ判断されていません。先に判断してから、お客様への連絡を記録してください".into()
            }
            S::RequestWithdrawn => "お客様が取り下げたため、伝える結果がありません".into(),
            S::RequestRejected => "却下されているため、取り下げても何も変わりません".into(),
            S::RequestNotified { on } => format!("{on} にすでに連絡済みです"),
            S::RequestWithdrawnAlready { on } => match on {
                Some(d) => format!("{d} にすでに取り下げられています"),
                None => "すでに取り下げられています".into(),
            },
            S::RequestNoDecisionDate => "判断日がありません".into(),
            S::HandoverClosed { on } => format!("{on} にすでに完了しています"),
            S::HandoverRecorded => "すでに記録されています".into(),
            S::HandoverNotOpen => "完了していない引き渡しにこの番号はありません".into(),
            S::HandoverNotPaper { method } => {
                format!("紙の作業指示書ではありません（方法: {method}）")
            }
        }
    }
}

impl std::fmt::Display for StateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use StateProblem as S;
        match self {
            S::RequestDecided { status } => write!(
                f,
                "is already {status}: a request is decided once (a new request can be \
                 registered)"
            ),
            S::RequestPending => f.write_str(
                "is not decided yet: decide it first, then record that the customer was told \
                 the outcome",
            ),
            S::RequestWithdrawn => {
                f.write_str("was withdrawn by the customer: there is no outcome to tell")
            }
            S::RequestRejected => f.write_str(
                "was rejected: it excludes nothing, so withdrawing it would change nothing",
            ),
            S::RequestNotified { on } => write!(f, "was already notified on {on}"),
            S::RequestWithdrawnAlready { on } => match on {
                Some(d) => write!(f, "was already withdrawn on {d}"),
                None => f.write_str("was already withdrawn"),
            },
            S::RequestNoDecisionDate => {
                f.write_str("has no decision date: it cannot have been decided")
            }
            S::HandoverClosed { on } => write!(f, "was already closed on {on}"),
            S::HandoverRecorded => f.write_str("is already recorded"),
            S::HandoverNotOpen => f.write_str("is not an open handover"),
            S::HandoverNotPaper { method } => {
                write!(f, "is a {method} handover, not a printed sheet")
            }
        }
    }
}

impl SelectionProblem {
    fn ja(&self) -> String {
        use SelectionProblem as S;
        match self {
            S::NoCustomers => "顧客が選ばれていません".into(),
            S::NoneEligible { selected, excluded } => format!(
                "選んだ {selected} 件の顧客はどれも引き渡せません（{excluded} 件を除外）。作成するものがありません"
            ),
            S::TooManyCustomers { selected, max } => format!(
                "{selected} 件は1つのファイルには多すぎます（上限 {max} 件）。引き渡しを分けてください"
            ),
            S::ManifestTooLarge => {
                "内容の一覧が1つのファイルには大きすぎます。引き渡しを分けてください".into()
            }
            S::CustomerTwice { id } => format!("顧客 {id} が二度選ばれています"),
            S::BadCustomerId { id } => {
                format!("顧客番号「{id}」はファイルに使えません（英数字と - _ . のみ使えます）")
            }
            S::PaymentField { field } => format!(
                "{}（{field}）は支払い情報のため、引き渡せません",
                field.label_ja()
            ),
            S::NoCustomerId => "顧客番号（customer_id）は必ず含めます".into(),
            S::ExtraWithoutReason { field, work } => format!(
                "{}（{field}）は{}の最小項目にありません。委託先が必要とする理由を入力してください（記録されます）",
                field.label_ja(),
                work.label_ja()
            ),
            S::ExtraInMinimal { field, work } => format!(
                "{}（{field}）はすでに{}の最小項目です",
                field.label_ja(),
                work.label_ja()
            ),
            S::ReasonsCount => "追加の項目ごとに理由が必要です（理由は記録されます）".into(),
            S::PassphraseMismatch => {
                "パスフレーズはパスフレーズ方式の引き渡しにだけ、必ず指定します".into()
            }
            S::NotPaper => "作業指示書の下見は紙の引き渡しだけです".into(),
        }
    }
}

impl std::fmt::Display for SelectionProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use SelectionProblem as S;
        match self {
            S::NoCustomers => f.write_str("no customers selected"),
            S::NoneEligible { selected, excluded } => write!(
                f,
                "none of the {selected} selected customers can be handed over ({excluded} \
                 excluded): nothing to pack"
            ),
            S::TooManyCustomers { selected, max } => write!(
                f,
                "{selected} customers are too many for one bundle (at most {max}): split the \
                 handover"
            ),
            S::ManifestTooLarge => {
                f.write_str("the manifest would be too large for one bundle: split the handover")
            }
            S::CustomerTwice { id } => write!(f, "customer {id} appears twice"),
            S::BadCustomerId { id } => write!(
                f,
                "customer number '{id}' cannot be used in a bundle: only letters, digits, '-', \
                 '_' and '.' are allowed"
            ),
            S::PaymentField { field } => write!(
                f,
                "{} ({field}) is payment data: it is never stored and can never be handed over",
                field.label_ja()
            ),
            S::NoCustomerId => f.write_str("顧客番号 (customer_id) must always be included"),
            S::ExtraWithoutReason { field, work } => write!(
                f,
                "{} ({field}) is outside the minimal set for {work}: give the reason the \
                 contractor needs it (it is recorded)",
                field.label_ja()
            ),
            S::ExtraInMinimal { field, work } => {
                write!(f, "{field} is already in the minimal set for {work}")
            }
            S::ReasonsCount => {
                f.write_str("every extra field needs its own reason (the reason is recorded)")
            }
            S::PassphraseMismatch => f.write_str(
                "a passphrase bundle needs the passphrase (and only a passphrase bundle takes \
                 one)",
            ),
            S::NotPaper => f.write_str("only a paper handover has a sheet to preview"),
        }
    }
}

impl FloorPlanProblem {
    fn ja(&self) -> String {
        use FloorPlanProblem as P;
        match self {
            P::None => "顧客台帳に間取り図がありません".into(),
            P::OnServer => {
                "間取り図は事務所サーバにあり、アプリで表示します（このパソコンのファイルには書き出しません）"
                    .into()
            }
            P::EncryptedAtRest => {
                "間取り図はこのパソコンに暗号化して保存されているため、アプリで表示します（ほかのプログラムで開くための平文のファイルは作りません）"
                    .into()
            }
            P::FileMissing => "間取り図が選ばれていますが、保存されたファイルがありません".into(),
            P::Type { ext } => format!("「{ext}」は間取り図の形式ではありません"),
            P::BadHash => "記録された間取り図の SHA-256 が壊れています".into(),
        }
    }
}

impl std::fmt::Display for FloorPlanProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use FloorPlanProblem as P;
        match self {
            P::None => f.write_str("it has no floor plan in the register"),
            P::OnServer => f.write_str(
                "the floor plan is kept on the office server: it is shown in the app, never \
                 written to a file on this PC",
            ),
            P::EncryptedAtRest => f.write_str(
                "the floor plan is stored encrypted on this PC: it is shown in the app, never \
                 written out in clear for another program to open",
            ),
            P::FileMissing => {
                f.write_str("the floor plan is selected but its stored file was not given")
            }
            P::Type { ext } => write!(f, "'{ext}' is not a floor-plan type"),
            P::BadHash => f.write_str("the recorded SHA-256 of the floor plan is malformed"),
        }
    }
}

impl LeakProblem {
    fn ja(&self) -> String {
        match self {
            LeakProblem::NothingToReport {
                contractor,
                from,
                to,
            } => {
                let period = match (from, to) {
                    (None, None) => String::new(),
                    (f, t) => format!(
                        "（{}から{}まで）",
                        f.as_deref().unwrap_or("最初"),
                        t.as_deref().unwrap_or("今日")
                    ),
                };
                format!("{contractor} への引き渡しはありません{period}。報告するものがありません")
            }
            LeakProblem::Both => {
                "紛失した引き渡しか委託業者の、どちらか一方を指定してください".into()
            }
            LeakProblem::Neither => "紛失した引き渡しか委託業者を指定してください".into(),
            LeakProblem::PeriodWithHandovers => {
                "期間は委託業者と一緒に指定します（引き渡し番号とは指定できません）".into()
            }
        }
    }
}

impl std::fmt::Display for LeakProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LeakProblem::NothingToReport {
                contractor,
                from,
                to,
            } => {
                write!(f, "{contractor} received no handover")?;
                if from.is_some() || to.is_some() {
                    write!(
                        f,
                        " between {} and {}",
                        from.as_deref().unwrap_or("the start"),
                        to.as_deref().unwrap_or("today")
                    )?;
                }
                f.write_str(": nothing to report")
            }
            LeakProblem::Both => f.write_str("name the lost handovers or a contractor, not both"),
            LeakProblem::Neither => f.write_str("name the lost handovers or the contractor"),
            LeakProblem::PeriodWithHandovers => {
                f.write_str("a period goes with a contractor, not with handovers")
            }
        }
    }
}

impl TrustProblem {
    fn ja(&self) -> String {
        use TrustProblem as T;
        match self {
            T::Empty => {
                "事務所の署名鍵（ed25519:…）を貼り付けるか、そのファイルを選んでください".into()
            }
            T::EmptyFile { path } => format!("{path} に鍵がありません"),
            T::BadKey { given } => {
                format!("「{given}」は事務所の署名鍵ではありません（ed25519: に続く16進数64桁）")
            }
            T::WeakKey { given } => {
                format!("「{given}」は事務所が持つはずのない弱い鍵です。信頼しないでください")
            }
            T::FingerprintMismatch { confirmed, actual } => format!(
                "確認したフィンガープリント（{confirmed}）はこの鍵のもの（{actual}）と違います。鍵をもう一度確認してください"
            ),
            T::NotPinned { fingerprint } => format!(
                "この事務所の鍵（フィンガープリント {fingerprint}）はまだ登録されていません。事務所が読み上げたフィンガープリントと照合し、確認してから開いてください"
            ),
            T::SignedWithOtherKey => "事務所の署名鍵とは別の鍵で署名されました".into(),
            T::NoLabel => "ほかの事務所の鍵と区別できるよう、事務所名を入力してください".into(),
        }
    }
}

impl std::fmt::Display for TrustProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use TrustProblem as T;
        match self {
            T::Empty => {
                f.write_str("paste the office's signing key (ed25519:…) or choose its file")
            }
            T::EmptyFile { path } => write!(f, "{path} holds no key"),
            T::BadKey { given } => write!(
                f,
                "'{given}' is not an office signing key (ed25519: and 64 hex digits)"
            ),
            T::WeakKey { given } => write!(
                f,
                "'{given}' is a weak (small-order) Ed25519 key that no office would have: do \
                 not trust it"
            ),
            T::FingerprintMismatch { confirmed, actual } => write!(
                f,
                "the fingerprint confirmed ({confirmed}) is not this key's ({actual}): check the \
                 key again"
            ),
            T::NotPinned { fingerprint } => write!(
                f,
                "this office key (fingerprint {fingerprint}) is not pinned: compare its \
                 fingerprint with the one the office read out, and confirm it, before opening"
            ),
            T::SignedWithOtherKey => {
                f.write_str("it was signed with a key other than the office signing key")
            }
            T::NoLabel => {
                f.write_str("give the office a name, so you can tell its key from others")
            }
        }
    }
}

impl SharedProblem {
    fn ja(&self) -> String {
        use SharedProblem as S;
        match self {
            S::SetByEnv => "この起動では、接続先は環境変数 HANDOVER_STORE で決められています（設定では変えられません）".into(),
            S::FirstAdminIsOwner => "事務所サーバの最初の管理者はサーバの所有者です。ほかの人はその管理者が追加します".into(),
            S::PasswordInUrl => "URL にパスワードが含まれています。このパソコンの設定に平文で残るため、URL から外し（postgres://ログイン名@host/db）、サインインのときに入力してください".into(),
            S::BadUrl { why } => format!("事務所サーバの URL が正しくありません: {why}"),
            S::EmbeddedSignIn => "このパソコンだけのデータにはサインインがありません。先に事務所サーバに接続してください".into(),
            S::NoLogin => "ログイン名を入力してください".into(),
            S::KeysInFolder { dir } => format!(
                "{dir} にはすでに事務所の鍵があります。新しい共有事務所には別のデータフォルダが必要です"
            ),
            S::JoinNeedsServer => "参加するには事務所サーバの URL が必要です".into(),
            S::OtherOfficeKeys { file, fingerprint, location } => format!(
                "{file} は別の事務所の鍵です（署名鍵 {fingerprint}）。{location} の鍵ではありません。何もインストールしていません"
            ),
            S::AlreadyShared => "この事務所はすでに事務所サーバにあります（コピーはこのパソコンだけの事務所からサーバへ行います）".into(),
            S::CopyDiffers { location, copy, original } => format!(
                "{location} のコピーは {copy} と確認されましたが、この事務所は {original} です。使わないでください（データベースを作り直してください）"
            ),
            S::Encoding { location, encoding } => format!(
                "{location} の文字コードは {encoding} です。日本語を保存するため UTF-8 のデータベースが必要です"
            ),
            S::CopyUnreadable { db, why } => format!("{db} をコピーのために読めません: {why}"),
            S::CopyValue { db, column, ty } => format!(
                "{db}: {column} にサーバの {ty} 列に入らない値があります"
            ),
        }
    }
}

impl std::fmt::Display for SharedProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use SharedProblem as S;
        match self {
            S::SetByEnv => f.write_str("the store is set by HANDOVER_STORE for this session"),
            S::FirstAdminIsOwner => {
                f.write_str("the office server's owner is its first admin, who adds everyone else")
            }
            S::PasswordInUrl => f.write_str(
                "the URL contains a password, which would be kept in clear in this PC's \
                 settings: remove it (postgres://LOGIN@host/db) and type the password when \
                 signing in",
            ),
            S::BadUrl { why } => write!(f, "the store URL is not valid: {why}"),
            S::EmbeddedSignIn => f.write_str(
                "this PC's own store has no sign-in: connect to the office server first",
            ),
            S::NoLogin => f.write_str("enter your login name"),
            S::KeysInFolder { dir } => write!(
                f,
                "{dir} already holds office keys: a new shared office needs a data folder of \
                 its own"
            ),
            S::JoinNeedsServer => {
                f.write_str("join sets up a PC of a shared office: give the office's store URL")
            }
            S::OtherOfficeKeys {
                file,
                fingerprint,
                location,
            } => write!(
                f,
                "{file} holds the keys of another office (signing key {fingerprint}), not \
                 those of {location}: nothing was installed"
            ),
            S::AlreadyShared => f.write_str(
                "store copy copies a one-PC office (its embedded store) to a server; this \
                 office is already on one",
            ),
            S::CopyDiffers {
                location,
                copy,
                original,
            } => write!(
                f,
                "{location} holds the copy but verifies to {copy}, where this office has \
                 {original}: do not use it (drop and recreate the database)"
            ),
            S::Encoding { location, encoding } => write!(
                f,
                "{location} uses the {encoding} encoding; Handover stores Japanese text and \
                 needs a UTF8 database (CREATE DATABASE … ENCODING 'UTF8')"
            ),
            S::CopyUnreadable { db, why } => {
                write!(f, "store {db} cannot be read for the copy: {why}")
            }
            S::CopyValue { db, column, ty } => write!(
                f,
                "store {db}: {column} holds a value the server's {ty} column cannot take"
            ),
        }
    }
}

impl MapProblem {
    fn ja(&self) -> String {
        use MapProblem as M;
        match self {
            M::Form { given } => {
                format!("「{given}」は 見出し=項目ID（または 見出し=ignore）の形にしてください")
            }
            M::NoHeader { given } => format!("「{given}」の = の前に見出しがありません"),
            M::Payment { column, field, to } => format!(
                "列「{column}」は支払い情報（{field}）で保存しないため、{}（{to}）に割り当てられません。支払い情報でなければ、ファイルの列名を変えてください",
                to.label_ja()
            ),
            M::NoColumn { header, headers } => {
                format!("見出し「{header}」の列はありません。見出しは: {headers}")
            }
        }
    }
}

impl std::fmt::Display for MapProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use MapProblem as M;
        match self {
            M::Form { given } => {
                write!(
                    f,
                    "--map: '{given}' should be HEADER=FIELD (or HEADER=ignore)"
                )
            }
            M::NoHeader { given } => write!(f, "--map: '{given}' has no header before '='"),
            M::Payment { column, field, to } => write!(
                f,
                "--map: the column '{column}' holds payment data ({field}), which is never \
                 stored, so it cannot be mapped to {to}; if it is not payment data, rename the \
                 column in the file"
            ),
            M::NoColumn { header, headers } => write!(
                f,
                "--map: there is no column headed '{header}'; the headers are: {headers}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Lang;
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "tests" && n != "target") {
                    rust_files(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    /// Issue 11: no refusal with a generic code. The generic `Error::Invalid` is gone; this
    /// keeps it from coming back under its old spelling.
    #[test]
    fn no_generic_refusal_appears() {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
        let needle = concat!("Error::", "invalid(");
        let literal = concat!("Error::", "Invalid {");
        let mut files = Vec::new();
        for dir in ["crates", "src-tauri/src"] {
            rust_files(&root.join(dir), &mut files);
        }
        assert!(files.len() > 100, "{}", files.len());
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let rel = f
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let found = text.matches(needle).count() + text.matches(literal).count();
            assert_eq!(
                found, 0,
                "{rel} has {found} generic refusal(s): give each its own kind in \
                 crate::refusal, with a headline in messages.rs"
            );
        }
    }

    #[test]
    fn a_refusal_words_its_parameters_in_both_languages() {
        let cases = [
            Vocabulary::Method.refuse("fax", "transfer, media, paper"),
            Refusal::Policy(PolicyProblem::TooLow {
                setting: "return_days",
                min: 1,
            })
            .into(),
            Refusal::Scope {
                problem: ScopeProblem::Twice(Named {
                    id: "phone",
                    ja: "電話番号",
                }),
            }
            .into(),
            Refusal::Selection(SelectionProblem::TooManyCustomers {
                selected: 9000,
                max: 5000,
            })
            .into(),
            Refusal::Trust(TrustProblem::NotPinned {
                fingerprint: "SHA256:abc".into(),
            })
            .into(),
        ];
        let expected = [
            (
                "unknown_value",
                "fax",
                "「fax」は引き渡し方法ではありません",
            ),
            ("policy_invalid", "return_days", "return_days は 1 以上"),
            ("scope_invalid", "phone is listed twice", "二度指定"),
            ("selection_invalid", "9000 customers", "上限 5000 件"),
            (
                "trust_refused",
                "SHA256:abc",
                "フィンガープリント SHA256:abc",
            ),
        ];
        assert_words(&cases, &expected);
        let internal = crate::Error::from(Refusal::Internal { what: "x".into() });
        assert!(!internal.is_bad_input());
    }

    /// Each refusal: its code, its parameters in the English and the Japanese detail, a
    /// headline for its code, and the user's input (not the program) at fault.
    fn assert_words(cases: &[crate::Error], expected: &[(&str, &str, &str)]) {
        assert_eq!(cases.len(), expected.len());
        for (e, &(code, en, ja)) in cases.iter().zip(expected) {
            assert_eq!(e.code(), code);
            assert!(e.detail(Lang::En).contains(en), "{}", e.detail(Lang::En));
            assert!(e.detail(Lang::Ja).contains(ja), "{}", e.detail(Lang::Ja));
            assert!(e.is_bad_input(), "{code}");
            assert!(
                crate::messages::headline(code, Lang::Ja).is_some(),
                "{code}"
            );
        }
    }

    /// The refusals that were a generic `invalid` (logins, the output folder, the app's own
    /// settings and the contractor's window) have their code and words like the others.
    #[test]
    fn the_refusals_of_logins_folders_and_the_app_word_their_parameters() {
        let cases = [
            Vocabulary::Role.refuse("boss", "staff, manager, admin"),
            Refusal::Operator(OperatorProblem::TypedName {
                location: "db.example/office".into(),
                signed_in: "sato".into(),
                typed: "suzuki".into(),
            })
            .into(),
            Refusal::Output(OutputProblem::FolderIsLink {
                path: "/tmp/out".into(),
                to: "/elsewhere".into(),
            })
            .into(),
            Refusal::RelativePath {
                path: "data".into(),
            }
            .into(),
            Refusal::EntryNotHeld {
                entry: "floor_plans/C1.pdf".into(),
            }
            .into(),
            Refusal::SharedStore(SharedProblem::SetByEnv).into(),
            Refusal::PcKeys(PcKeysProblem::NoKeys {
                login: "suzuki".into(),
                url: "postgres://suzuki@db/office".into(),
            })
            .into(),
            Refusal::PcKeys(PcKeysProblem::KeysDiffer {
                file: "keys.age".into(),
                dir: "/pc".into(),
            })
            .into(),
        ];
        let expected = [
            ("unknown_value", "'boss' is not a role", "「boss」は役割"),
            (
                "operator_refused",
                "signed-in person (sato)",
                "サインインしている人（sato）",
            ),
            ("output_folder", "(to /elsewhere)", "リンク先 /elsewhere"),
            (
                "relative_path",
                "'data' is not a full path",
                "「data」は完全なパス",
            ),
            (
                "entry_not_held",
                "floor_plans/C1.pdf is not held",
                "floor_plans/C1.pdf は画面に表示",
            ),
            ("shared_store_setup", "HANDOVER_STORE", "HANDOVER_STORE"),
            (
                "pc_keys",
                "no office keys for suzuki: run `handover join postgres://suzuki@db/office --keys FILE`",
                "suzuki の事務所の鍵がありません。`handover join postgres://suzuki@db/office --keys FILE`",
            ),
            ("pc_keys", "keys.age holds other", "このパソコン（/pc）"),
        ];
        assert_words(&cases, &expected);
        // A damaged store is not the user's input.
        let damaged = crate::Error::from(Refusal::StoredPasswordHash { why: "x".into() });
        assert!(!damaged.is_bad_input());
        assert_eq!(damaged.code(), "password_hash_unreadable");
    }
}
