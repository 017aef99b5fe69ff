import type { Encryption } from "../../bindings/Encryption";
import { t } from "../../i18n";

/** How the data is protected, as people read it: the kind comes from the core (Preparation,
 * PackResult), never worked out here from the method and the passphrase. */
export function encryptionLabel(e: Encryption, contractorKeys: number): string {
  const tx = t();
  switch (e) {
    case "x25519":
      return tx.encX25519(contractorKeys);
    case "passphrase":
      return tx.encPassphrase;
    case "none":
      return tx.encNone;
  }
}
