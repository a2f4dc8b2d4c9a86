"""Time from running `roleplay` in a pseudo-terminal until the picker shows its scenarios.

It asserts nothing. It starts the real command seven times in a 120×40 pseudo-terminal,
each time with a fresh data and settings folder that remembers the learner "Zed Marker",
and prints how long it took until the text MARK appeared on the screen (by default a
scenario title: the list is drawn and takes keys; set MARK="Zed Marker" to wait for the
remembered name, which is when Start works).

    python benchmarks/startup.py
    MARK="Zed Marker" python benchmarks/startup.py
"""

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

CMD = sys.argv[1:] or ["/work/main/.venv/bin/roleplay"]
MARK = os.environ.get("MARK", "parcel that never came").encode()

CPU: list[float] = []


def once() -> float:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    tmp = tempfile.mkdtemp()
    env.update(
        ROLEPLAY_DATA_DIR=tmp, ROLEPLAY_CONFIG_DIR=tmp + "/c", ROLEPLAY_CACHE_DIR=tmp + "/cache"
    )
    os.makedirs(tmp + "/c")
    with open(tmp + "/c/settings.json", "w") as fh:
        fh.write('{"learner": "Zed Marker"}')
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(CMD[0], CMD, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    buf = b""
    took = float("nan")
    while time.perf_counter() - start < 15:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            buf += data
            if MARK in buf:
                took = time.perf_counter() - start
                stat = Path(f"/proc/{pid}/stat").read_text()
                fields = stat.rsplit(")", 1)[1].split()
                tick = os.sysconf("SC_CLK_TCK")
                CPU.append((int(fields[11]) + int(fields[12])) / tick)
                break
    os.kill(pid, signal.SIGTERM)
    try:
        while True:
            r, _, _ = select.select([fd], [], [], 0.2)
            if not r or not os.read(fd, 65536):
                break
    except OSError:
        pass
    os.waitpid(pid, 0)
    return took


times = [once() for _ in range(int(os.environ.get("RUNS", "7")))]
print("runs:", ", ".join(f"{t:.3f}" for t in times))
print(f"median {statistics.median(times):.3f} s, best {min(times):.3f} s, worst {max(times):.3f} s")
if CPU:
    print(
        f"CPU (user+sys) at that moment: median {statistics.median(CPU):.2f} s, "
        f"best {min(CPU):.2f} s, worst {max(CPU):.2f} s"
    )
