import { useState } from "preact/hooks";
import { NewPassword, passwordsMatch } from "../components/NewPassword";
import { t } from "../i18n";

/**
 * The office's first operator, its admin: a name (Japanese welcome) and a password typed twice.
 * The core checks both (the name's characters and length, the password's length); the fields
 * are cleared when the form is sent.
 */
export function AdminForm({
  minChars,
  working,
  onCreate,
  onBack,
}: {
  minChars: number;
  working: boolean;
  onCreate: (name: string, password: string) => void;
  onBack: () => void;
}) {
  const tr = t();
  const [name, setName] = useState("");
  const [pw, setPw] = useState("");
  const [again, setAgain] = useState("");
  const submit = (e: Event) => {
    e.preventDefault();
    const p = pw;
    setPw("");
    setAgain("");
    onCreate(name.trim(), p);
  };
  return (
    <form class="form" onSubmit={submit} autocomplete="off" data-testid="admin-form">
      <h3 class="wide">{tr.adminTitle}</h3>
      <p class="wide muted">{tr.adminLead}</p>
      <label class="wide">
        {tr.sgnName}
        <input
          value={name}
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
          required
          data-testid="admin-name"
        />
      </label>
      <NewPassword value={pw} again={again} minChars={minChars} onValue={setPw} onAgain={setAgain} testid="admin" />
      <p class="wide muted">{tr.fsKeysBody}</p>
      <div class="actions">
        <button type="button" onClick={onBack}>
          {tr.back}
        </button>
        <button
          class="primary"
          type="submit"
          disabled={working || !name.trim() || !passwordsMatch(pw, again)}
          data-testid="create-keys"
        >
          {tr.adminCreate}
        </button>
      </div>
    </form>
  );
}
