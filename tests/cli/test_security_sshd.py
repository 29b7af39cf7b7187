"""The README's sshd snippet, with a real sshd on the loopback (issue 12, finding 1): the
forced command runs whatever the client asks, `~/.ssh/rc` does not run (PermitUserRC no),
and port forwarding is refused. Needs root (a throwaway user, a daemon); skipped otherwise."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
TIMEOUT = 20  # seconds, for every ssh client run
FORCED_MARKER = "FRONTDESK-FORCED-COMMAND-RAN"


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "needs root: it adds a throwaway user and starts sshd"
    for tool in ("sshd", "ssh", "ssh-keygen", "useradd", "userdel"):
        if shutil.which(tool) is None and not Path("/usr/sbin", tool).exists():
            return f"{tool} is not installed (Debian: apt-get install openssh-server openssh-client)"
    return None


pytestmark = [pytest.mark.skipif(_missing() is not None, reason=_missing() or ""),
              pytest.mark.serial]  # a real sshd and a throwaway OS user


def _tool(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


def readme_snippet() -> list[str]:
    """The sshd configuration the README tells administrators to install."""
    text = README.read_text(encoding="utf-8")
    block = text.split("# /etc/ssh/sshd_config.d/frontdesk.conf\n", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, daemon: subprocess.Popen, log: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            raise AssertionError(f"sshd exited: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise AssertionError(f"sshd did not listen within {timeout} s: {log.read_text(errors='replace')[-2000:]}")


def _processes_of(user: str) -> list[int]:
    import pwd

    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
    return pids


def _end_sessions(user: str, timeout: float = 5) -> None:
    """Let the throwaway user's session processes end (sshd's per-connection children
    outlive the listener), then end the stragglers, by pid: userdel refuses a user in use."""
    import signal

    deadline = time.monotonic() + timeout
    while _processes_of(user) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in _processes_of(user):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def jail():
    """A throwaway clerk whose home they cannot write, and sshd with the README's snippet
    (ForceCommand pointed at a stand-in that prints a marker) on 127.0.0.1."""
    root = Path(tempfile.mkdtemp(prefix="fd-sshd-", dir="/tmp"))
    root.chmod(0o755)  # the clerk must reach the forced command and the authorised key
    user = f"fdclerk{uuid.uuid4().hex[:8]}"
    home = root / "home"
    out = root / "out"  # where a command that must not run would leave its trace
    daemon = None
    created = False
    try:
        for folder in (home, home / ".ssh"):
            folder.mkdir()
            folder.chmod(0o755)  # owned by root: the clerk cannot write their home or dotfiles
        out.mkdir()
        out.chmod(0o1777)
        subprocess.run([_tool("useradd"), "--no-create-home", "--home-dir", str(home), "--shell",
                        "/bin/sh", "--password", "*", user], check=True, timeout=TIMEOUT,
                       capture_output=True)
        created = True
        keygen = _tool("ssh-keygen")
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(root / "host_key")],
                       check=True, timeout=TIMEOUT)
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(root / "client_key")],
                       check=True, timeout=TIMEOUT)
        (home / ".ssh" / "authorized_keys").write_text(
            (root / "client_key.pub").read_text(encoding="utf-8"), encoding="utf-8")
        (home / ".ssh" / "authorized_keys").chmod(0o644)
        rc = home / ".ssh" / "rc"  # placed by root: with PermitUserRC yes sshd would run it
        rc.write_text(f"#!/bin/sh\ntouch {out}/rc-ran\necho RC-RAN\n", encoding="utf-8")
        rc.chmod(0o755)
        forced = root / "frontdesk-stand-in"
        forced.write_text(f'#!/bin/sh\necho {FORCED_MARKER}\necho "original=$SSH_ORIGINAL_COMMAND"\n',
                          encoding="utf-8")
        forced.chmod(0o755)

        snippet = readme_snippet()
        assert snippet[0] == "Match Group frontdesk"
        body = [re.sub(r"^ForceCommand .*", f"ForceCommand {forced}", line) for line in snippet[1:]]
        assert f"ForceCommand {forced}" in body
        port = _free_port()
        config = root / "sshd_config"
        config.write_text("\n".join([
            f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {root / 'host_key'}",
            f"PidFile {root / 'sshd.pid'}", "UsePAM no", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "PubkeyAuthentication yes", "StrictModes yes",
            f"AllowUsers {user}", "LoginGraceTime 15", "LogLevel VERBOSE",
            f"Match User {user}", *body,
        ]) + "\n", encoding="utf-8")
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
        sshd = _tool("sshd")
        check = subprocess.run([sshd, "-t", "-f", str(config)], capture_output=True, text=True,
                               timeout=TIMEOUT)
        assert check.returncode == 0, check.stderr
        log = root / "sshd.log"
        with open(log, "wb") as log_file:
            daemon = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stdout=log_file,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _wait_listening(port, daemon, log)
        yield {"root": root, "user": user, "port": port, "out": out, "config": config, "log": log,
               "sshd": sshd}
    finally:
        if daemon is not None:
            daemon.terminate()
            try:
                daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait(timeout=10)
        if created:
            _end_sessions(user)
            for force in ([], ["--force"]):
                done = subprocess.run([_tool("userdel"), *force, user], timeout=TIMEOUT,
                                      capture_output=True, check=False)
                if done.returncode == 0:
                    break
        shutil.rmtree(root, ignore_errors=True)


def ssh_args(jail: dict, *extra: str, log_level: str = "ERROR") -> list[str]:
    return [_tool("ssh"), "-F", "/dev/null", "-i", str(jail["root"] / "client_key"),
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10", "-o", f"LogLevel={log_level}",
            "-p", str(jail["port"]), *extra, f"{jail['user']}@127.0.0.1"]


def ssh(jail: dict, *extra: str, command: list[str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*ssh_args(jail, *extra), *(command or [])], capture_output=True,
                          text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL, check=False)


def test_the_readme_snippet_applies_to_the_clerk(jail):
    effective = subprocess.run(
        [jail["sshd"], "-T", "-f", str(jail["config"]), "-C",
         f"user={jail['user']},host=localhost,addr=127.0.0.1"],
        capture_output=True, text=True, timeout=TIMEOUT, check=True).stdout
    for line in ("permituserrc no", "disableforwarding yes", "permittty yes",
                 "allowtcpforwarding no", "x11forwarding no", "permittunnel no"):
        assert line in effective.splitlines(), line


def test_a_session_runs_the_forced_command(jail):
    done = ssh(jail, "-T")
    assert done.returncode == 0, done.stderr + jail["log"].read_text(errors="replace")[-2000:]
    assert FORCED_MARKER in done.stdout
    done = ssh(jail, "-tt")  # with a terminal, as the desk PCs connect (PermitTTY yes)
    assert FORCED_MARKER in done.stdout


def test_a_command_on_the_ssh_command_line_is_not_run(jail):
    out = jail["out"]
    done = ssh(jail, "-T", command=[f"touch {out}/cmd-ran; echo CMD-RAN"])
    assert FORCED_MARKER in done.stdout
    assert "CMD-RAN" not in done.stdout.splitlines()  # only quoted in the original= line
    assert f"original=touch {out}/cmd-ran; echo CMD-RAN" in done.stdout  # sshd kept it aside
    assert not (out / "cmd-ran").exists()


def test_ssh_rc_in_the_home_is_not_executed(jail):
    """OpenSSH already skips ~/.ssh/rc under a ForceCommand from sshd_config (session.c,
    do_rc_files); PermitUserRC no keeps it off should the command ever come from elsewhere
    (an authorized_keys command=). Either way: the rc file never runs."""
    done = ssh(jail, "-T")
    assert FORCED_MARKER in done.stdout
    assert "RC-RAN" not in done.stdout
    assert not (jail["out"] / "rc-ran").exists()


def test_stdio_forwarding_is_refused(jail):
    done = ssh(jail, "-W", f"127.0.0.1:{jail['port']}")
    assert done.returncode != 0
    assert "SSH-2.0" not in done.stdout  # the daemon's own banner never came through
    assert "stdio forwarding failed" in done.stderr, done.stderr


def test_local_port_forwarding_is_refused(jail):
    local = _free_port()
    client = subprocess.Popen(
        ssh_args(jail, "-N", "-o", "ExitOnForwardFailure=yes",
                 "-L", f"127.0.0.1:{local}:127.0.0.1:{jail['port']}", log_level="INFO"),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + TIMEOUT
        received = None
        while time.monotonic() < deadline and received is None:
            assert client.poll() is None, client.stderr.read() if client.stderr else ""
            try:
                with socket.create_connection(("127.0.0.1", local), 1) as conn:
                    conn.settimeout(5)
                    try:
                        received = conn.recv(64)
                    except (TimeoutError, ConnectionResetError):
                        received = b""
            except OSError:
                time.sleep(0.2)  # the client is not listening yet
        assert received is not None, "the ssh client never listened on the forwarded port"
        assert not received.startswith(b"SSH-2.0")  # nothing came from the far end
    finally:
        client.terminate()
        try:
            _out, err = client.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            client.kill()
            _out, err = client.communicate(timeout=10)
    assert "prohibited" in err or "open failed" in err, err
