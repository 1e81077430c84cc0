"""A past line of the log changed under an open dashboard: the header says the chain broke, and where."""

from __future__ import annotations

from heypeter_tui.ui.widgets.header import RunHeader
from tests.ui.conftest import poll

FIRST = "code-readiness/all-features-tested-and-approved"


async def test_a_changed_past_line_shows_chain_broken_in_the_header(make_app, state_dir) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("1", "l", "space", "space", "space")
        await pilot.pause()
        assert "CHAIN BROKEN" not in app.query_one(RunHeader).render().plain
        log = next((state_dir / "runs").glob("*.jsonl"))
        lines = log.read_bytes().splitlines(keepends=True)
        lines[1] = lines[1].replace(b'"done"', b'"pending"')  # line 2, the first tick, rewritten as if never done
        log.write_bytes(b"".join(lines))
        await poll(app, pilot)  # the log no longer holds the bytes it ended on: read again from the top
        await pilot.pause()
        assert "CHAIN BROKEN L3" in app.query_one(RunHeader).render().plain


async def test_the_sign_off_table_shows_a_key_signature_and_whether_it_verified(make_app, state_dir, tmp_path) -> None:
    import subprocess

    from heypeter_tui.cli import main
    from heypeter_tui.ui.widgets.tables import SignoffTable

    key = tmp_path / "qa"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    app = make_app()
    main(["--state-dir", str(state_dir), "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(key)])
    async with app.run_test(size=(160, 40)) as pilot:
        await poll(app, pilot)
        await pilot.press("s", "l")  # the sign-offs
        await pilot.pause()
        row = app.query_one(SignoffTable).get_row("QA Lead")
        # The built-in checklist names no keys: nothing can verify, for any reader, whatever their own files say.
        assert str(row[3]).startswith("unverifiable (no keys in checklist) key SHA256:")
        assert "Quinn" in str(row[1])


async def test_two_dashboards_with_different_local_signers_show_one_verdict(state_dir, tmp_path, clock) -> None:
    """The release engineer has no allowed_signers of their own; the QA lead's knows only their own key: the run's
    checklist names both keys, so both headers say GO and both tables say verified (issue 24, case 1)."""
    import json
    import subprocess

    from heypeter_tui.cli import main
    from heypeter_tui.context import Context
    from heypeter_tui.ui.app import HeyPeterApp
    from heypeter_tui.ui.widgets.header import RunHeader as Header
    from heypeter_tui.ui.widgets.tables import SignoffTable

    keys = {}
    for name in ("qa", "sec"):
        keys[name] = tmp_path / name
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys[name])], check=True)
    line = {name: f"{name}@x.example " + " ".join(key.with_suffix(".pub").read_text().split()[:2])
            for name, key in keys.items()}
    checklist = tmp_path / "c.yaml"
    checklist.write_text("schema: 1\nid: two\ntitle: Two\nsections:\n  - id: s\n    title: S\n    items:\n"
                         "      - id: i\n        text: I\nsignoffs:\n"
                         + "".join(f"  - role: {name}\n    principals: [{name}@x.example]\n"
                                   "    require_signature: true\n" for name in keys)
                         + "allowed_signers:\n" + "".join(f"  - {json.dumps(text)}\n" for text in line.values()))
    base = ["--state-dir", str(state_dir)]
    assert main([*base, "new", "Two", "--checklist", str(checklist)]) == 0
    assert main([*base, "mark", "s/i", "done"]) == 0
    for name, key in keys.items():
        assert main([*base, "sign", name, "--name", name.upper(), "--ssh-key", str(key)]) == 0
    (tmp_path / "qa-own").write_text(line["qa"] + "\n")
    configs = {"release": tmp_path / "release" / "config.yaml", "qa": tmp_path / "qa-cfg" / "config.yaml"}
    configs["qa"].parent.mkdir()
    configs["qa"].write_text(f"allowed_signers: {tmp_path / 'qa-own'}\n")
    seen = []
    for config in configs.values():
        context = Context(state_dir=state_dir, operator="alice", clock=clock, config_path=config)
        app = HeyPeterApp(context, context.current_session(None))
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.pause()
            header = app.query_one(Header).render().plain
            await pilot.press("s", "l")
            await pilot.pause()
            table = app.query_one(SignoffTable)
            seen.append((" GO " in header, [str(table.get_row(role)[3]).split(" key ")[0] for role in keys]))
    assert seen == [(True, ["verified", "verified"])] * 2


async def test_a_replayed_sign_line_leaves_the_revoke_and_its_reason_in_the_table(state_dir, tmp_path, clock) -> None:
    """A copy of a revoked key signature appended after the revoke counts nothing: the sign-off table still says
    revoked, by whom and why (it said "not signed", the reason gone: from the walkthrough)."""
    import json
    import subprocess

    from heypeter_tui.cli import main
    from heypeter_tui.context import Context
    from heypeter_tui.ui.app import HeyPeterApp
    from heypeter_tui.ui.widgets.tables import SignoffTable
    from tests.unit.test_chain_attacks import append_linked

    key = tmp_path / "qa"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    line = "qa@x.example " + " ".join(key.with_suffix(".pub").read_text().split()[:2])
    checklist = tmp_path / "c.yaml"
    checklist.write_text("schema: 1\nid: one\ntitle: One\nsections:\n  - id: s\n    title: S\n    items: [I]\n"
                         "signoffs:\n  - role: QA Lead\n    principals: [qa@x.example]\n    require_signature: true\n"
                         f"allowed_signers:\n  - {json.dumps(line)}\n")
    base = ["--state-dir", str(state_dir)]
    assert main([*base, "new", "One", "--checklist", str(checklist)]) == 0
    assert main([*base, "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(key)]) == 0
    log = next((state_dir / "runs").glob("*.jsonl"))
    signed = json.loads(log.read_bytes().splitlines()[-1])
    assert main([*base, "revoke", "QA Lead", "--reason", "wrong build"]) == 0
    append_linked(log, {k: v for k, v in dict(signed, id="r" * 32).items() if k != "prev"})
    context = Context(state_dir=state_dir, operator="alice", clock=clock, config_path=tmp_path / "cfg.yaml")
    app = HeyPeterApp(context, context.current_session(None))
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("s", "l")
        await pilot.pause()
        status = str(app.query_one(SignoffTable).get_row("QA Lead")[-1])
        assert "revoked" in status and "wrong build" in status
