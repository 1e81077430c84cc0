"""Checking the run's key-signed sign-offs against an allowed signers file: who signed each role, or why not.

A signature covers what the event says of the sign-off (core/ssh_signatures.py, `payload`), with the run's id taken
from the run being checked, not from the event: a sign-off copied onto another run does not verify there. The chain
head its signer saw must be one this run's chain went through, or it was signed for some other log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from heypeter_tui.core.chain import Chain
from heypeter_tui.core.run import RunState


@dataclass(frozen=True)
class RoleCheck:
    role: str
    name: str
    key_signed: bool
    ok: bool
    """Verified (or, where not key-signed, nothing to verify)."""
    said: str
    """One line: who signed and how, or why it does not verify."""


def check_signoffs(state: RunState, chain: Chain, allowed_signers: Path | None) -> list[RoleCheck]:
    """Each role's standing sign-off, in the checklist's order; roles not signed are left out."""
    from heypeter_tui.core import ssh_signatures as ssh

    checks: list[RoleCheck] = []
    for role in state.checklist.signoffs:
        signature = state.signoffs.get(role)
        if signature is None:
            continue
        event = state.events[signature.seq]
        if not event.get("ssh_signature"):
            checks.append(RoleCheck(role, signature.name, False, True, "signed by name, not with a key"))
            continue
        fingerprint = event.get("ssh_fingerprint")
        if allowed_signers is None:
            checks.append(RoleCheck(role, signature.name, True, False, f"signed with {fingerprint}; not checked: "
                                    "no allowed signers file (--allowed-signers, or allowed_signers in config.yaml)"))
            continue
        revoked = next((later for later in state.events[signature.seq + 1:]
                        if later.type == "signoff.revoke" and later.get("role") == role), None)
        if revoked is not None:  # undone since (or the sign-off appended again): a withdrawn signature stays withdrawn
            checks.append(RoleCheck(role, signature.name, True, False, f"signed with {fingerprint}, revoked after "
                                    f"(by {revoked.actor.operator}): a key signature once revoked counts only made "
                                    "again, after the revoke"))
            continue
        head = event.get("signed_head")
        if head is not None and head not in chain.heads:
            checks.append(RoleCheck(role, signature.name, True, False, f"signed with {fingerprint} over a log this "
                                    "run never held (chain head not found): made for another run, or copied"))
            continue
        body = ssh.payload(state.run_id, role, signature.name, signature.readiness, head, event.get("signed_at"))
        signers = state.checklist.signers_of(role)
        principals = list(signers.principals) if signers is not None and signers.principals else None
        verified = ssh.verify(body, event.get("ssh_signature"), allowed_signers, principals)
        checks.append(RoleCheck(role, signature.name, True, verified.ok, verified.reason))
    return checks


def with_verified(state: RunState, chain: Chain, allowed_signers: Path | None, known: dict[tuple, bool]) -> RunState:
    """`state` knowing which roles' key signatures verify (`RunState.verified`, which the gate consults). `known`
    keeps each sign-off event's verdict, so each signature is checked once (ssh-keygen takes milliseconds)."""
    from dataclasses import replace

    # A verdict is kept by what was checked, the role and the whole event as written, and whether a revoke of the
    # role came after it: never by the event's id, which a writer chooses (two events may share one, and a verified
    # signature must not lend its verdict to another role's forgery).
    keyed = {role: (role, state.events[signature.seq].to_line(), _revoked_after(state, role, signature.seq))
             for role, signature in state.signoffs.items() if state.events[signature.seq].get("ssh_signature")}
    if not keyed or allowed_signers is None:
        return state if not state.verified else replace(state, verified=frozenset())
    if any(key not in known for key in keyed.values()):
        for check in check_signoffs(state, chain, allowed_signers):
            if check.key_signed:
                known[keyed[check.role]] = check.ok
    verified = frozenset(role for role, key in keyed.items() if known.get(key))
    return state if verified == state.verified else replace(state, verified=verified)


def _revoked_after(state: RunState, role: str, seq: int) -> bool:
    return any(event.type == "signoff.revoke" and event.get("role") == role for event in state.events[seq + 1:])
