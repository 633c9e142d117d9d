"""One host ``node`` process running runtime/ (the execution environment): started in its own
session so that a stop kills the handler's children too, its output kept for ``get_logs`` and
for invocations that end without reporting (a crash, a kill), and its exit reported once.

Its memory is watched as Lambda watches a sandbox's: the process's resident memory (VmRSS,
which counts the V8 heap and Buffers alike) is sampled every ``MEMORY_WATCH_SEC``; past the
function's MemorySize the process is killed, and ``out_of_memory`` says so (the invocation then
fails with ``Runtime.OutOfMemory``). ``max_memory_mb`` is its peak (Lambda's Max Memory Used)."""

import logging
import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

LOG = logging.getLogger(__name__)

OUTPUT_LINES_KEPT = 2000
# How often a runtime's resident memory is compared with its MemorySize.
MEMORY_WATCH_SEC = 0.1
# After SIGTERM, how long a runtime has to exit before SIGKILL.
TERM_GRACE_SEC = 1.0
KILL_WAIT_SEC = 5.0


class RuntimeProcess:
    def __init__(
        self,
        args: list[str],
        cwd: Path,
        env: dict[str, str],
        name: str,
        on_exit: Callable[["RuntimeProcess", int], None],
        memory_limit_mb: int | None = None,
    ):
        self._output: deque[str] = deque(maxlen=OUTPUT_LINES_KEPT)
        self.lines_seen = 0
        self._peak_kb = 0
        self.out_of_memory = False
        # Set once on_exit has returned: whoever saw the process go can wait for its count.
        self.exit_reported = threading.Event()
        self.popen = subprocess.Popen(
            args,
            cwd=str(cwd),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._pump, name=f"lambda-host-out-{name}", daemon=True).start()
        threading.Thread(
            target=self._report_exit,
            args=(on_exit,),
            name=f"lambda-host-wait-{name}",
            daemon=True,
        ).start()
        if memory_limit_mb is not None:
            threading.Thread(
                target=self._watch_memory,
                args=(memory_limit_mb,),
                name=f"lambda-host-memory-{name}",
                daemon=True,
            ).start()

    def _report_exit(self, on_exit: Callable[["RuntimeProcess", int], None]) -> None:
        try:
            on_exit(self, self.popen.wait())
        finally:
            self.exit_reported.set()

    def _memory_kb(self) -> dict[str, int] | None:
        """VmRSS (for the kill check) and VmHWM (the peak) of the live process, in kB; None
        once it is gone."""
        try:
            with open(f"/proc/{self.popen.pid}/status") as lines:
                fields = (line.split() for line in lines if line.startswith(("VmRSS:", "VmHWM:")))
                found = {f[0].rstrip(":"): int(f[1]) for f in fields}
        except (OSError, ValueError, IndexError):
            return None
        # The kernel's high-water mark is never below the current VmRSS.
        self._peak_kb = max(self._peak_kb, found.get("VmHWM", 0))
        return found

    @property
    def max_memory_mb(self) -> int:
        """The peak resident memory so far (the last one read, once the process is gone)."""
        if self.alive:
            self._memory_kb()
        return self._peak_kb // 1024

    def _watch_memory(self, limit_mb: int) -> None:
        while self.alive:
            found = self._memory_kb()
            if found is None:
                return  # the process is gone
            rss_kb = found.get("VmRSS", 0)
            if rss_kb > limit_mb * 1024:
                pid = self.popen.pid
                LOG.warning("host runtime pid %s used %s MB of its %s MB: killed", pid, rss_kb // 1024, limit_mb)
                self.out_of_memory = True
                self.kill(force=True)
                return
            time.sleep(MEMORY_WATCH_SEC)

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def _pump(self) -> None:
        stream = self.popen.stdout
        for raw in iter(stream.readline, b""):
            self._output.append(raw.decode("utf-8", "replace").rstrip("\n"))
            self.lines_seen += 1
        stream.close()

    def output(self) -> str:
        return "\n".join(self._output)

    def output_since(self, mark: int) -> str:
        count = self.lines_seen - mark
        if count <= 0:
            return ""
        return "\n".join(list(self._output)[-count:]) + "\n"

    def kill(self, force: bool = False) -> None:
        """SIGTERM (SIGKILL when forced, e.g. a blocked event loop) to the whole session."""
        if not self.alive:
            return
        pid = self.popen.pid
        try:
            os.killpg(pid, signal.SIGKILL if force else signal.SIGTERM)
            try:
                self.popen.wait(timeout=TERM_GRACE_SEC)
            except subprocess.TimeoutExpired:
                os.killpg(pid, signal.SIGKILL)
                self.popen.wait(timeout=KILL_WAIT_SEC)
        except ProcessLookupError:
            pass
        except (OSError, subprocess.TimeoutExpired) as e:
            LOG.warning("host runtime pid %s could not be stopped: %s", pid, e)
