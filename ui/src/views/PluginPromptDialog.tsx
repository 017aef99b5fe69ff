import { listen } from "@tauri-apps/api/event";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { PluginPrompt } from "../bindings/PluginPrompt";
import { t } from "../i18n";
import { NO_PROMPT, type PluginQuestion, answered, nextPrompt } from "../lib/pluginPrompt";

/**
 * A key on hardware (an age plugin: YubiKey, TPM…) speaking through the window while a bundle is
 * opened or a receipt made: its messages ("touch your key") and its questions. A PIN is typed
 * without echo; cancelling answers nothing, and the plugin then refuses (the core says so).
 */
export function PluginPromptDialog() {
  const [state, setState] = useState(NO_PROMPT);
  const [hidden, setHidden] = useState(false);
  useEffect(() => {
    const un = listen<PluginPrompt>("plugin-prompt", (e) => {
      setState((s) => nextPrompt(s, e.payload));
      if (e.payload.kind !== "done") setHidden(false);
    });
    return () => {
      un.then((f) => f());
    };
  }, []);
  const tx = t();
  if (hidden || (!state.question && state.messages.length === 0)) return null;
  const reply = (q: PluginQuestion, a: string | null) => {
    setState(answered);
    // A question already timed out has nobody waiting: nothing to do then.
    api.pluginAnswer(q.id, a).catch(() => undefined);
  };
  return (
    <div class="modal-backdrop">
      <div class="modal" role="dialog" aria-modal="true" aria-labelledby="plugin-title" data-testid="plugin-prompt">
        <header class="modal-head">
          <h2 id="plugin-title">{tx.ppTitle}</h2>
        </header>
        <div class="modal-body">
          {state.messages.map((m, i) => (
            <p key={i} data-testid="plugin-message">
              {m}
            </p>
          ))}
          {state.question && <Question key={state.question.id} q={state.question} onReply={reply} />}
        </div>
        {!state.question && (
          <footer class="modal-foot">
            <span class="muted">{tx.ppWorking}</span>
            <span class="spacer" />
            <button onClick={() => setHidden(true)} data-testid="plugin-hide">
              {tx.ppHide}
            </button>
          </footer>
        )}
      </div>
    </div>
  );
}

function Question({ q, onReply }: { q: PluginQuestion; onReply: (q: PluginQuestion, a: string | null) => void }) {
  const tx = t();
  const [value, setValue] = useState("");
  if (q.kind === "confirm") {
    return (
      <div class="stack">
        <p data-testid="plugin-question">{q.text}</p>
        <div class="row">
          <button class="primary" onClick={() => onReply(q, q.yes)} data-testid="plugin-yes">
            {q.yes}
          </button>
          <button onClick={() => onReply(q, q.no ?? tx.ppNo)} data-testid="plugin-no">
            {q.no ?? tx.ppNo}
          </button>
        </div>
      </div>
    );
  }
  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        onReply(q, value);
      }}
    >
      <label class="stack">
        <span data-testid="plugin-question">{q.text}</span>
        <input
          type={q.kind === "secret" ? "password" : "text"}
          autocomplete="off"
          autoFocus
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
          data-testid="plugin-answer"
        />
      </label>
      {q.kind === "secret" && <span class="muted">{tx.ppNoEcho}</span>}
      <div class="row">
        <button type="submit" class="primary" disabled={value === ""} data-testid="plugin-ok">
          {tx.ppOk}
        </button>
        <button type="button" onClick={() => onReply(q, null)} data-testid="plugin-cancel">
          {tx.ppCancel}
        </button>
      </div>
    </form>
  );
}
