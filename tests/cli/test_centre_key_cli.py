"""``roleplay centre-key``: a new key kept safely, and a warning when a key file is not."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from roleplay.core.transcript import key_fingerprint

Run = Callable[..., subprocess.CompletedProcess[str]]

POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="POSIX file permissions")


def _key(path: Path) -> str:
    return path.read_text(encoding="ascii").strip()


@POSIX_ONLY
def test_a_new_key_is_random_private_and_not_printed(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "keys" / "centre.key"

    done = run("centre-key", "--out", str(out))

    assert done.returncode == 0, done.stderr
    key = _key(out)
    assert len(key) >= 40
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert key not in done.stdout + done.stderr
    assert key_fingerprint(key) in done.stdout
    assert f"ROLEPLAY_CENTRE_KEY_FILE={out}" in done.stdout
    again = tmp_path / "second.key"
    assert run("centre-key", "--out", str(again)).returncode == 0
    assert _key(again) != key


def test_the_key_is_printed_only_when_asked(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "centre.key"

    done = run("centre-key", "--out", str(out), "--show")

    assert done.returncode == 0, done.stderr
    assert _key(out) in done.stdout


def test_an_existing_key_is_never_replaced_without_force(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "centre.key"
    assert run("centre-key", "--out", str(out)).returncode == 0
    first = _key(out)

    refused = run("centre-key", "--out", str(out))

    assert refused.returncode == 1
    assert refused.stderr.startswith("error: ") and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _key(out) == first
    forced = run("centre-key", "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert _key(out) != first
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_the_default_place_is_the_settings_folder(
    roleplay_command: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = dict(cli_env, ROLEPLAY_CONFIG_DIR=str(tmp_path / "config"))

    done = subprocess.run(
        [*roleplay_command, "centre-key"], capture_output=True, text=True, env=env, timeout=60
    )

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "config" / "centre.key").is_file()


def test_a_made_key_signs_transcripts_where_it_is_set(
    roleplay_command: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    key_file = tmp_path / "centre.key"
    env = dict(cli_env, ROLEPLAY_CENTRE_KEY_FILE=str(key_file))
    make = [*roleplay_command, "centre-key", "--out", str(key_file)]
    assert subprocess.run(make, capture_output=True, env=env, timeout=60).returncode == 0
    replies = tmp_path / "replies.txt"
    replies.write_text("I'm so sorry your parcel is late.\n", encoding="utf-8")
    out = tmp_path / "attempt.json"
    play = [*roleplay_command, "run", "late-parcel", "--replies", str(replies)]
    play += ["--format", "json", "--out", str(out)]

    done = subprocess.run(play, capture_output=True, text=True, env=env, timeout=60)

    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["integrity_text"] == "signed with this centre's key (verified)"
    assert data["integrity"]["key_id"] == key_fingerprint(_key(key_file))


@POSIX_ONLY
def test_a_key_file_others_can_read_is_warned_about(
    roleplay_command: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    key_file = tmp_path / "centre.key"
    key_file.write_text("a-centre-secret-that-was-copied-carelessly\n", encoding="ascii")
    key_file.chmod(0o644)
    env = dict(cli_env, ROLEPLAY_CENTRE_KEY_FILE=str(key_file))
    replies = tmp_path / "replies.txt"
    replies.write_text("I'm so sorry your parcel is late.\n", encoding="utf-8")

    done = subprocess.run(
        [*roleplay_command, "run", "late-parcel", "--replies", str(replies)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    warning = done.stderr.splitlines()[0]
    assert warning.startswith("warning: the centre key file ")
    assert "can be read by every user" in warning and "chmod 600" in warning
