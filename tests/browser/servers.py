"""The servers the browser tests drive: JupyterLab and Voila, each started
here on 127.0.0.1 with temporary Jupyter folders, and stopped by its PID."""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# JupyterLab user settings for the test server: every cell stays in the DOM (the
# default 'contentVisibility' windowing would hide off-screen cells from queries),
# and no news/update toast covers the notebook in screenshots.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_environment(base):
    """os.environ with every Jupyter folder moved under ``base`` and MPLBACKEND unset
    (with MPLBACKEND=Agg and no ``%matplotlib inline`` figures silently vanish)."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    folders = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTERLAB_SETTINGS_DIR": "settings",
        "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
        "IPYTHONDIR": "ipython",
    }
    for variable, name in folders.items():
        path = base / name
        path.mkdir(parents=True, exist_ok=True)
        env[variable] = str(path)
    return env


def clear_outputs(path):
    """Drop stored outputs and prompt numbers, so that everything on screen comes from this run."""
    notebook = json.loads(Path(path).read_text())
    notebook.get("metadata", {}).pop("widgets", None)
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    Path(path).write_text(json.dumps(notebook, indent=1))


class Server:
    """A server process started here, reachable at ``url``; stopped by its PID."""

    def __init__(self, name, command, env, cwd, log_path, ready_path, url, timeout=90):
        self.name, self.url, self.log_path = name, url, Path(log_path)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                self.stop()
                pytest.fail(f"{name} exited with code {self.process.returncode}:\n{self.log_tail()}", pytrace=False)
            try:
                with urllib.request.urlopen(url + ready_path, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"{name} did not answer within {timeout} s:\n{self.log_tail()}", pytrace=False)
            time.sleep(0.2)

    def log_tail(self, lines=40):
        self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)  # the server shuts its kernels down
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                # The session (process group) was created by this Popen: its id is our PID.
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


class LabServer(Server):
    """JupyterLab with a token; ``root`` is the served copy of the notebooks."""

    def __init__(self, base, notebooks):
        self.root = base / "notebooks"
        shutil.copytree(notebooks, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        for path in self.root.glob("*.ipynb"):
            clear_outputs(path)
        env = jupyter_environment(base / "jupyter")
        for relative, values in LAB_SETTINGS.items():
            path = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.token = secrets.token_hex(16)
        port = free_port()
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root}", f"--IdentityProvider.token={self.token}",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        super().__init__(
            "JupyterLab", command, env, self.root, base / "jupyterlab.log",
            f"/api/status?token={self.token}", f"http://127.0.0.1:{port}",
        )  # fmt: skip

    def notebook_url(self, name, workspace):
        """URL that opens ``name`` in a fresh workspace (no notebooks left open by earlier tests)."""
        return f"{self.url}/lab/workspaces/{workspace}/tree/{name}?token={self.token}"

    def api(self, method, path):
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernel_memory_mb(self):
        """Resident memory (MB) of each kernel process the server started (Linux /proc), or []."""
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.process.pid) and "VmRSS" in fields:
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sizes

    def shutdown_kernels(self):
        """Stop every kernel (a lesson's kernel can hold a few hundred MB)."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")
