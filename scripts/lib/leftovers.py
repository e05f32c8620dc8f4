#!/usr/bin/env python3
"""Finds the processes a scripts/bench or scripts/chaos run started and that are still alive.

    leftovers.py WORK_DIR [--kill] [--only-under SUBDIR]

A process belongs to the run when any of these holds (checked in /proc, so it needs root to
read other users' processes, which the scripts are):
  - its environment carries BAP_SCRIPT_RUN=WORK_DIR (bench_init exports it before starting
    anything, so servers, dockerd, its containerd and shims, Postgres, wrk, ... inherit it);
  - its command line, working directory, root or an open file names a path under WORK_DIR (a
    private dockerd's containerd-shim is started with `-address WORK_DIR/docker-exec/...`, and
    `runc init` holds the container's exec fifo under WORK_DIR/docker-exec, even once the
    directory is deleted);
  - one of its ancestors belongs to the run (container processes under a shim).
The checker itself and its ancestors (the script) are never reported.

Prints one line per process found ("PID COMMAND LINE"). With --kill, SIGKILLs them and waits up
to 5 s for them to go. Exit status: 0 nothing found, 1 something was found (killed or not).
--only-under narrows the path rule to WORK_DIR/SUBDIR and skips the environment rule (used to
reap a private dockerd's shims, which must not take the script's other children with them).
"""
import os
import signal
import sys
import time


def read(path, mode="rb"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return None


def processes():
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        stat = read(f"/proc/{pid}/stat")
        if stat is None:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        try:
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        except (ValueError, IndexError):
            continue
        if stat[stat.rindex(b")") + 2:].split()[0] == b"Z":
            state = "zombie"
        else:
            state = "alive"
        out[pid] = (ppid, state)
    return out


def links(pid):
    paths = []
    for what in ("cwd", "root", "exe"):
        try:
            paths.append(os.readlink(f"/proc/{pid}/{what}"))
        except OSError:
            pass
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                paths.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except OSError:
                pass
    except OSError:
        pass
    return paths


def cmdline(pid):
    raw = read(f"/proc/{pid}/cmdline") or b""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def find(work_dir, only_under=None):
    marker = f"BAP_SCRIPT_RUN={work_dir}".encode()
    prefix = os.path.join(work_dir, only_under) if only_under else work_dir
    procs = processes()
    excluded, pid = set(), os.getpid()
    while pid > 1 and pid in procs:  # the checker and the script that runs it
        excluded.add(pid)
        pid = procs[pid][0]
    own = set()
    for pid in procs:
        if pid in excluded:
            continue
        if only_under is None:
            env = read(f"/proc/{pid}/environ") or b""
            if marker in env.split(b"\0"):
                own.add(pid)
                continue
        if prefix in cmdline(pid) or any(p.startswith(prefix) for p in links(pid)):
            own.add(pid)
    changed = True
    while changed:  # descendants
        changed = False
        for pid, (ppid, _) in procs.items():
            if pid not in own and pid not in excluded and ppid in own:
                own.add(pid)
                changed = True
    return sorted(own), procs


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    work_dir = os.path.realpath(args[0])
    kill = "--kill" in args
    only_under = args[args.index("--only-under") + 1] if "--only-under" in args else None
    found, procs = find(work_dir, only_under)
    for pid in found:
        print(f"{pid} [{procs[pid][1]}] {cmdline(pid) or '(no command line)'}")
    if kill and found:
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(processes().get(p, (0, "zombie"))[1] != "zombie" for p in found):
            time.sleep(0.1)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
