"""Checking the run's key-signed sign-offs: who signed each role, or why not.

The verdict is a function of the run alone: a signature is verified against the keys the run's own checklist names
(`allowed_signers:`, `revoked_keys:`, carried in its first line and so protected by the chain), never against a
reader's files, so two people on two machines always get the same answer. A reader's own allowed_signers file is
a second opinion, said beside the verdict ("your own allowed_signers does not know this key"); it changes nothing.

A signature covers what the event says of the sign-off (core/ssh_signatures.py, `payload`), with the run's id taken
from the run being checked, not from the event: a sign-off copied onto another run does not verify there. The chain
head it signed must be the link of its own line (the fold already sets aside one that is not: core/run.py,
`misplaced`), so a replayed or moved sign line never verifies. A key's validity is judged at the time the signature
carries.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from heypeter_tui.core.chain import Chain
from heypeter_tui.core.paths import write_private_file
from heypeter_tui.core.run import RunState, misplaced


@dataclass(frozen=True)
class RoleCheck:
    role: str
    name: str
    key_signed: bool
    ok: bool
    """Verified against the run's keys (or, where not key-signed, nothing to verify)."""
    said: str
    """One line: who signed and how, or why it does not verify."""
    fingerprint: str | None = None
    """The key's fingerprint as ssh-keygen verified it, or as the signature itself holds it: never the event's claim."""
    second: str = ""
    """What the reader's own allowed_signers file says of the key, where it was asked and disagrees: never a verdict."""


NO_KEYS = "the run's checklist names no allowed signers (allowed_signers:), so no key signature can verify"


def check_signoffs(state: RunState, chain: Chain, local: Path | None = None) -> list[RoleCheck]:
    """Each role's standing sign-off, in the checklist's order; roles not signed are left out. `local`: the reader's
    own allowed signers file, for a second opinion beside each key signature's verdict."""
    with tempfile.TemporaryDirectory(prefix="heypeter-signers-") as folder:
        allowed = None
        if state.checklist.allowed_signers:
            allowed = Path(folder, "allowed_signers")
            write_private_file(allowed, "".join(line + "\n" for line in state.checklist.allowed_signers).encode())
        return [_check(state, chain, role, allowed, local) for role in state.checklist.signoffs
                if role in state.signoffs]


def _check(state: RunState, chain: Chain, role: str, allowed: Path | None, local: Path | None) -> RoleCheck:
    from heypeter_tui.core import ssh_signatures as ssh

    signature = state.signoffs[role]
    event = state.events[signature.seq]
    text = event.get("ssh_signature")
    if not text:
        return RoleCheck(role, signature.name, False, True, "signed by name, not with a key")
    revoked = next((later for later in _signing_after(state, signature.seq)
                    if later.type == "signoff.revoke" and later.get("role") == role), None)
    if revoked is not None and not misplaced(event):  # the revoke undone since: a withdrawn signature stays so
        fingerprint = ssh.signature_fingerprint(text)
        return RoleCheck(role, signature.name, True, False, f"signed with {fingerprint or 'an unreadable key'}, "
                         f"revoked after (by {revoked.actor.operator}): a key signature once revoked counts only made "
                         "again, after the revoke", fingerprint)
    return _check_line(state, chain, signature.seq, allowed, local)


def line_checks(state: RunState, chain: Chain, local: Path | None = None) -> dict[int, RoleCheck]:
    """Every key-signed sign line's own verdict, by its position in the log (never by its id, which a writer
    chooses): whether that signature, where it stands, verifies against the run's keys. A later revoke is not part
    of it; the history and the timeline say the revoke beside it."""
    from heypeter_tui.core.item_log import item_log

    positions = [position for position in item_log(state).signing() if (event := state.events[position]).type ==
                 "signoff.sign" and event.get("ssh_signature") and event.get("role") in state.checklist.signoffs]
    if not positions:
        return {}
    with tempfile.TemporaryDirectory(prefix="heypeter-signers-") as folder:
        allowed = None
        if state.checklist.allowed_signers:
            allowed = Path(folder, "allowed_signers")
            write_private_file(allowed, "".join(line + "\n" for line in state.checklist.allowed_signers).encode())
        return {position: _check_line(state, chain, position, allowed, local) for position in positions}


def _check_line(state: RunState, chain: Chain, position: int, allowed: Path | None, local: Path | None) -> RoleCheck:
    """The key signature of the sign line at `position`: its place in the chain, then ssh-keygen's word."""
    from heypeter_tui.core import ssh_signatures as ssh

    event = state.events[position]
    role, name, text = str(event.get("role")), str(event.get("name") or ""), event.get("ssh_signature")
    fingerprint = ssh.signature_fingerprint(text)
    shown = fingerprint or "a key whose signature cannot be read"
    head = event.get("signed_head")
    if misplaced(event):  # the fold never lets one stand; kept here too, where the verdict is said
        return RoleCheck(role, name, True, False, f"signed with {shown} over another place in the chain "
                         "than its own line: replayed or moved", fingerprint)
    if head is not None and head not in chain.heads:
        return RoleCheck(role, name, True, False, f"signed with {shown} over a log this run never held "
                         "(chain head not found): made for another run, or copied", fingerprint)
    if allowed is None:
        return RoleCheck(role, name, True, False, f"signed with {shown}; not verified: {NO_KEYS}", fingerprint)
    body = ssh.payload(state.run_id, role, name, str(event.get("readiness") or ""), head, event.get("signed_at"))
    signers = state.checklist.signers_of(role)
    principals = list(signers.principals) if signers is not None and signers.principals else None
    verified = ssh.verify(body, text, allowed, principals, event.get("signed_at"), state.checklist.revoked_keys)
    second = ""
    if local is not None:
        own = ssh.verify(body, text, local, principals, event.get("signed_at"))
        if own.ok != verified.ok:
            second = ("your own allowed_signers does not know this key" if not own.ok
                      else f"your own allowed_signers would accept it ({own.reason})")
    return RoleCheck(role, name, True, verified.ok, verified.reason, verified.fingerprint or fingerprint, second)


def with_verified(state: RunState, chain: Chain, known: dict[tuple, bool]) -> RunState:
    """`state` knowing which roles' key signatures verify (`RunState.verified`, which the gate consults). `known`
    keeps each sign-off event's verdict, so each signature is checked once (ssh-keygen takes milliseconds)."""
    from dataclasses import replace

    # A verdict is kept by what was checked, the role and the whole event as written, and the keys that decide:
    # never by the event's id, which a writer chooses (two events may share one, and a verified signature must not
    # lend its verdict to another role's forgery).
    keys = (state.checklist.allowed_signers, state.checklist.revoked_keys, state.run_id)
    keyed = {role: (role, state.events[signature.seq].to_line(), keys, _revoked_after(state, role, signature.seq))
             for role, signature in state.signoffs.items() if state.events[signature.seq].get("ssh_signature")}
    if not keyed or not state.checklist.allowed_signers:
        return state if not state.verified else replace(state, verified=frozenset())
    if any(key not in known for key in keyed.values()):
        for check in check_signoffs(state, chain):
            if check.key_signed:
                known[keyed[check.role]] = check.ok
    verified = frozenset(role for role, key in keyed.items() if known.get(key))
    return state if verified == state.verified else replace(state, verified=verified)


def _revoked_after(state: RunState, role: str, seq: int) -> bool:
    return any(event.type == "signoff.revoke" and event.get("role") == role for event in _signing_after(state, seq))


def _signing_after(state: RunState, seq: int):
    """The signs and revokes after position `seq`, in log order (by the log's index: no walk)."""
    from heypeter_tui.core.item_log import item_log

    return (state.events[at] for at in item_log(state).signing() if at > seq)
