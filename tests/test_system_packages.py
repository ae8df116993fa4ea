"""`make run`/`make test` on a fresh machine: missing Debian packages are installed as root,
or named with the exact command otherwise, never left to fail obscurely later."""

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "system-packages.sh"


def _run_as_a_user(tmp_path, *packages):
    fake_id = tmp_path / "id"
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    return subprocess.run(
        ["sh", str(SCRIPT), *packages],
        env={"PATH": f"{tmp_path}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


def test_a_missing_package_is_named_with_the_command_to_install_it(tmp_path):
    result = _run_as_a_user(tmp_path, "python3-venv", "summit-no-such-package")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Missing system packages: summit-no-such-package",
        "Install them, then run make again:",
        "    sudo apt-get install -y summit-no-such-package",
    ]


def test_nothing_happens_when_everything_is_installed(tmp_path):
    result = _run_as_a_user(tmp_path, "python3-venv")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
