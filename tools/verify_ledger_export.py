#!/usr/bin/env python3
"""Verify a Handover ledger export (`handover ledger export FILE`) without Handover.

Python 3 standard library only: the chain is rebuilt with nothing but SHA-256, so an auditor
can check the office's ledger on any machine.

    python3 tools/verify_ledger_export.py ledger.jsonl

Exit 0 and "OK: …" when every entry verifies; exit 1 naming the first entry that does not
(edited, removed, inserted, reordered, or a payload removed without a purge recording it);
exit 2 when the file is not a ledger export at all.

The format (see README.md, "The ledger export"): a header line

    {"format": "handover-ledger-export", "version": 1, "hashText": "handover-ledger/v1",
     "purgeKind": "retention.purged", "exportedAt": ..., "head": {"seq": N, "hash": HEX} | null}

then one line per entry, in order:

    {"seq", "at", "kind", "actor", "payload": JSON text | null, "payloadHash", "prevHash", "hash"}

and for each entry

    payloadHash = SHA-256(payload as UTF-8)            (unless payload is null: redacted)
    hash = SHA-256("handover-ledger/v1\\n" seq "\\n" at "\\n" kind "\\n" actor "\\n"
                   payloadHash "\\n" prevHash "\\n")  (hex digests, lower case)
    prevHash = the previous entry's hash (64 zeros for the first), seq = previous seq + 1

A null payload is accepted only when a later purge entry (kind "retention.purged") lists its
seq in its payload's "redacted" list; a purge entry must keep its payload and list only earlier,
redacted entries that no other purge listed. The last entry must be the header's head.
"""

import hashlib
import json
import sys

FORMAT = "handover-ledger-export"
VERSION = 1
GENESIS = "0" * 64
FIELDS = ("seq", "at", "kind", "actor", "payload", "payloadHash", "prevHash", "hash")


class Broken(Exception):
    def __init__(self, seq, reason):
        super().__init__(f"entry {seq}: {reason}")
        self.seq = seq


class NotAnExport(Exception):
    pass


def is_hex_digest(s):
    return isinstance(s, str) and len(s) == 64 and all(c in "0123456789abcdef" for c in s)


def entry_hash(hash_text, e):
    text = "".join(
        part + "\n"
        for part in (hash_text, str(e["seq"]), e["at"], e["kind"], e["actor"],
                     e["payloadHash"], e["prevHash"])
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify(lines):
    """Verify an export given as an iterable of lines; returns a summary dict."""
    it = iter(lines)
    try:
        header = json.loads(next(it))
    except StopIteration:
        raise NotAnExport("the file is empty")
    except ValueError as err:
        raise NotAnExport(f"the first line is not JSON ({err})")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise NotAnExport(f"the first line does not say format {FORMAT!r}")
    if header.get("version") != VERSION:
        raise NotAnExport(f"format version {header.get('version')!r}; this script reads {VERSION}")
    hash_text = header.get("hashText")
    purge_kind = header.get("purgeKind")
    if not isinstance(hash_text, str) or not isinstance(purge_kind, str):
        raise NotAnExport("the header lacks hashText or purgeKind")

    prev_seq, prev_hash = 0, GENESIS
    unexplained = set()  # redacted entries no purge has listed yet
    explained = set()
    redacted = purges = 0
    for number, line in enumerate(it, start=2):
        if not line.strip():
            continue
        seq = prev_seq + 1
        try:
            e = json.loads(line)
        except ValueError:
            raise Broken(seq, f"line {number} is not JSON")
        if not isinstance(e, dict) or any(k not in e for k in FIELDS):
            raise Broken(seq, f"line {number} lacks one of {', '.join(FIELDS)}")
        if not isinstance(e["seq"], int) or isinstance(e["seq"], bool):
            raise Broken(seq, f"line {number} has no whole-number seq")
        if e["seq"] != seq:
            if e["seq"] > seq:
                raise Broken(e["seq"], f"entries {seq}..{e['seq'] - 1} are missing (deleted?)")
            raise Broken(e["seq"], f"out of order: expected entry {seq}")
        seq = e["seq"]
        if not all(isinstance(e[k], str) for k in ("at", "kind", "actor")):
            raise Broken(seq, "its date, kind or operator is not text")
        if e["prevHash"] != prev_hash:
            raise Broken(seq, "it does not link to the previous entry (removed, inserted or reordered)")
        if not (is_hex_digest(e["payloadHash"]) and is_hex_digest(e["hash"])):
            raise Broken(seq, "its hashes are not 64 lower-case hex digits")
        payload = e["payload"]
        if payload is None:
            if e["kind"] == purge_kind:
                raise Broken(seq, "the record of a purge was removed (a purge entry is never redacted)")
            unexplained.add(seq)
            redacted += 1
        else:
            if not isinstance(payload, str):
                raise Broken(seq, "its payload is neither text nor null")
            try:
                digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
            except UnicodeEncodeError:
                raise Broken(seq, "its details were edited (not valid UTF-8)")
            if digest != e["payloadHash"]:
                raise Broken(seq, "its details were edited (payload hash mismatch)")
        if entry_hash(hash_text, e) != e["hash"]:
            raise Broken(seq, "its date, kind, operator or hash were edited")
        if e["kind"] == purge_kind and payload is not None:
            try:
                listed = json.loads(payload)["redacted"]
                assert isinstance(listed, list)
                assert all(isinstance(s, int) and not isinstance(s, bool) for s in listed)
            except (ValueError, KeyError, TypeError, AssertionError):
                raise Broken(seq, "this purge entry has no readable list of redacted entries")
            for s in listed:
                if s >= seq:
                    raise Broken(seq, f"this purge lists entry {s}, which comes after it")
                if s in unexplained:
                    unexplained.remove(s)
                    explained.add(s)
                elif s in explained:
                    raise Broken(seq, f"this purge lists entry {s}, which an earlier purge already redacted")
                else:
                    raise Broken(seq, f"this purge lists entry {s} as redacted, but that entry still holds its details")
            purges += 1
        prev_seq, prev_hash = seq, e["hash"]

    if unexplained:
        raise Broken(min(unexplained), "its details were removed, but no purge records removing them")
    head = header.get("head")
    if head is None:
        if prev_seq != 0:
            raise Broken(1, "the header says the ledger is empty, but the file has entries")
    else:
        if not isinstance(head, dict) or head.get("seq") != prev_seq or head.get("hash") != prev_hash:
            got = prev_seq
            want = head.get("seq") if isinstance(head, dict) else None
            if isinstance(want, int) and got < want:
                raise Broken(got + 1, f"the last {want - got} entries are missing (the header's head says {want})")
            raise Broken(got, "the last entry is not the head named in the header")
    return {"entries": prev_seq, "redacted": redacted, "purges": purges, "head": prev_hash if prev_seq else None}


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[0])
        print(f"usage: {argv[0]} EXPORT.jsonl")
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            summary = verify(f)
    except NotAnExport as err:
        print(f"{argv[1]}: not a Handover ledger export: {err}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"{argv[1]}: not a Handover ledger export: not UTF-8 text", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"{argv[1]}: {err.strerror}", file=sys.stderr)
        return 2
    except Broken as err:
        print(f"BROKEN: the ledger export is damaged at {err}", file=sys.stderr)
        return 1
    extra = f" ({summary['redacted']} redacted by {summary['purges']} purge(s))" if summary["redacted"] else ""
    print(f"OK: {summary['entries']} entries verified{extra}")
    if summary["head"]:
        print(f"head: {summary['head']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
