#!/usr/bin/env python3
"""The fault cases of scripts/chaos (issue #7 section 3). Run by scripts/chaos, which starts
Postgres, a private dockerd and the engine image and passes them in the environment. Each case
prints one line: PASS|FAIL <case> <figures>, and is bounded in time."""
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

E = os.environ
BIN, WORK, IMAGE = E["BIN"], E["WORK_DIR"], E["ENGINE_IMAGE"]
DOCKER_SOCK, ADMIN = E["DOCKER_SOCK"], E["ADMIN_KEY"]
SHORT = E.get("CHAOS_SHORT") == "1"
RESULTS = []


def log(msg):
    print(f"chaos: {msg}", file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ------------------------------------------------------------------ HTTP
def call(method, url, body=None, key=None, timeout=10, content_type="application/json"):
    """Returns (status, parsed JSON or text); status 0 on a connection error or timeout."""
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if key != "":  # "": no key at all (Prometheus /metrics)
        req.add_header("X-Platform-Key" if key else "X-Admin-Key", key or ADMIN)
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    except Exception as e:  # refused, reset, timeout
        return 0, str(e)
    try:
        return status, json.loads(raw)
    except Exception:
        return status, raw.decode(errors="replace")


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        super().__init__("docker", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def docker(method, path, timeout=30):
    c = UnixHTTP(DOCKER_SOCK, timeout)
    try:
        c.request(method, "/v1.41" + path, headers={"Host": "docker"})
        r = c.getresponse()
        raw = r.read()
        try:
            return r.status, json.loads(raw) if raw else None
        except Exception:
            return r.status, raw.decode(errors="replace")
    finally:
        c.close()


def managed_containers():
    flt = urllib.request.quote(json.dumps({"label": ["bap.managed=true"]}))
    status, body = docker("GET", f"/containers/json?all=1&filters={flt}")
    return body if status == 200 else []


def wait_until(predicate, limit, every=0.25):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception:
            pass
        time.sleep(every)
    return False


# ------------------------------------------------------------------ server
class Server:
    def __init__(self, name, **env):
        self.name, self.env, self.port, self.proc = name, env, free_port(), None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, wait=True):
        env = dict(os.environ)
        env.update({
            "ORCH_DATABASE_URL": E["PG_URL"], "ORCH_MASTER_KEY": E["MASTER_KEY"], "ORCH_ADMIN_KEY": ADMIN,
            "ORCH_ENGINE_BACKEND": "docker", "ORCH_ENGINE_IMAGE": IMAGE, "ORCH_HOST": "127.0.0.1",
            "ORCH_HTTP_PORT": str(self.port), "ORCH_PUBLISH_HOST": "127.0.0.1", "ORCH_PORT_MIN": "20000",
            "ORCH_PORT_MAX": "24999", "ORCH_DATA_DIR": f"{WORK}/data-{self.name}", "ORCH_LOG_LEVEL": "warning",
            "DOCKER_HOST": f"unix://{DOCKER_SOCK}", "ORCH_RESTART_BACKOFF_BASE_S": "1", "ORCH_HEALTH_CHECK_INTERVAL_S": "2",
        })
        env.update({k: str(v) for k, v in self.env.items()})
        logf = open(f"{WORK}/{self.name}.log", "ab")
        self.proc = subprocess.Popen([f"{BIN}/bap-engine", "serve"], env=env, stdout=logf, stderr=logf, start_new_session=True)
        if wait and not wait_until(lambda: call("GET", self.url + "/health", timeout=1)[0] == 200, 20, 0.1):
            raise RuntimeError(f"server {self.name} did not come up (see {WORK}/{self.name}.log)")
        return self

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()

    def is_leader(self):
        status, text = call("GET", self.url + "/metrics", key="", timeout=3)
        return status == 200 and isinstance(text, str) and any(
            line.startswith("bap_controller_leader ") and float(line.split()[-1]) == 1.0 for line in text.splitlines())

    def apply(self, yaml):
        status, body = call("POST", self.url + "/v1/apply", yaml.encode(), content_type="application/yaml", timeout=60)
        if status != 200:
            raise RuntimeError(f"apply answered {status}: {body}")
        return body.get("platform_keys", {})

    def engines(self, product):
        out, offset = [], 0
        while True:
            status, body = call("GET", f"{self.url}/v1/products/{product}/engines?limit=1000&offset={offset}")
            if status != 200:
                raise RuntimeError(f"list answered {status}")
            out += body["engines"]
            offset += len(body["engines"])
            if not body["engines"] or offset >= body["total"]:
                return out

    def phases(self, product):
        counts = {}
        for e in self.engines(product):
            counts[e["status"]["phase"]] = counts.get(e["status"]["phase"], 0) + 1
        return counts


def product_yaml(slug, env=None, sleep_mode="stop"):
    doc = f"kind: Product\nslug: {slug}\ndisplay_name: {slug}\npolicy:\n  auto_provision: true\n  auto_wake: true\n  sleep_mode: {sleep_mode}\n"
    if env:
        doc += "  template:\n    env:\n" + "".join(f"      {k}: \"{v}\"\n" for k, v in env.items())
    return doc + "---\n"


def engine_set(slug, prefix, count, start=1):
    return f"kind: EngineSet\nproduct: {slug}\nprefix: {prefix}\ncount: {count}\nstart: {start}\nstate: awake\n---\n"


def report(ok, case, figures):
    line = f"{'PASS' if ok else 'FAIL'} {case}: {figures}"
    RESULTS.append(ok)
    print(line, flush=True)


def fleet_check(server, products):
    """(duplicates, orphans, engines without a container) over the managed containers."""
    ids = {}
    for p in products:
        for e in server.engines(p):
            ids[e["engine_id"]] = e
    per_engine = {}
    for c in managed_containers():
        eid = c["Labels"].get("bap.engine")
        per_engine[eid] = per_engine.get(eid, 0) + 1
    dups = sum(1 for n in per_engine.values() if n > 1)
    orphans = sum(1 for eid in per_engine if eid not in ids)
    missing = sum(1 for eid in ids if eid not in per_engine)
    return dups, orphans, missing


def remove_all_containers():
    for c in managed_containers():
        docker("DELETE", f"/containers/{c['Id']}?force=1&v=1")


# ------------------------------------------------------------------ databases
def fresh_database(name):
    subprocess.run([f"{E['PG_BIN']}/psql", "-q", "-h", "127.0.0.1", "-p", E["PG_PORT"], "-U", "postgres",
                    "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return f"postgres://postgres@127.0.0.1:{E['PG_PORT']}/{name}"


def pg_ctl(*args):
    return subprocess.run(["runuser", "-u", "postgres", "--", f"{E['PG_BIN']}/pg_ctl", "-D", E["PG_DATA"], *args],
                          cwd="/", capture_output=True, timeout=90).returncode == 0


def pg_start():
    opts = (f"-p {E['PG_PORT']} -k {WORK}/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=400 -c shared_buffers=256MB")
    return pg_ctl("-l", f"{WORK}/pg/postgres.log", "-w", "-t", "60", "-o", opts, "start")


# ------------------------------------------------------------------ cases
def case_kill9():
    """kill -9 the orchestrator at random moments while engines converge."""
    n, rounds = (20, 3) if SHORT else (100, 10)
    slug, url = "chaos-kill", fresh_database("chaos_kill")
    servers = [Server("kill9", ORCH_DATABASE_URL=url).start()]
    servers[0].apply(product_yaml(slug) + engine_set(slug, "k-", n))
    acked, stop = [], threading.Event()

    def writer():  # one new engine at a time through whichever server is up; 2xx = acknowledged
        i = 0
        while not stop.is_set() and len(acked) < n // 2:
            i += 1
            status, _ = call("PUT", f"{servers[-1].url}/v1/products/{slug}/engines/w-{i}", {"spec": {"state": "awake"}}, timeout=5)
            if 200 <= status < 300:
                acked.append(f"w-{i}")
            time.sleep(0.2)

    t = threading.Thread(target=writer)
    t.start()
    for _ in range(rounds):
        time.sleep(random.uniform(0.3, 3.0))
        servers[-1].kill9()
        time.sleep(random.uniform(0, 0.5))
        servers.append(Server("kill9", ORCH_DATABASE_URL=url).start())
    stop.set()
    t.join()
    last_kill = time.monotonic()
    want = n + len(acked)
    converged = wait_until(lambda: servers[-1].phases(slug).get("running", 0) == want, 180 if SHORT else 400, 1)
    took = time.monotonic() - last_kill
    present = {e["user_id"] for e in servers[-1].engines(slug)}
    lost = [u for u in acked if u not in present]
    dups, orphans, missing = fleet_check(servers[-1], [slug])
    ok = converged and not lost and dups == 0 and orphans == 0 and missing == 0
    report(ok, f"kill -9 x{rounds} while {n} engines converge",
           f"converged={converged} in {took:.1f}s after the last kill; acknowledged writes {len(acked)}, lost {len(lost)}; "
           f"duplicate containers {dups}, orphans {orphans}, engines without container {missing}")
    servers[-1].stop()
    remove_all_containers()


def docker_events(since, until, container_filter=None):
    flt = {"type": ["container"]}
    if container_filter:
        flt["label"] = [container_filter]
    status, body = docker("GET", f"/events?since={since:.3f}&until={until:.3f}&filters={urllib.request.quote(json.dumps(flt))}")
    if not isinstance(body, str):
        return [body] if body else []
    return [json.loads(line) for line in body.splitlines() if line.strip()]


def case_crashloop():
    """An engine that exits 0.3 s after boot: backoff, then failed; bounded docker calls."""
    attempts = 4
    url = fresh_database("chaos_crash")
    s = Server("crashloop", ORCH_DATABASE_URL=url, ORCH_RESTART_BACKOFF_BASE_S=1, ORCH_RESTART_BACKOFF_MAX_S=4,
               ORCH_RESTART_MAX_ATTEMPTS=attempts).start()
    t0 = time.time()
    s.apply(product_yaml("chaos-crash", env={"ENGINE_EXIT_AFTER_S": "0.3"}) + "kind: Engine\nproduct: chaos-crash\nuser: looper\nstate: awake\n---\n")

    def given_up():  # failed with no retry scheduled (phase failed between retries is not the end)
        status, body = call("GET", f"{s.url}/v1/products/chaos-crash/engines/looper")
        return status == 200 and body["status"]["phase"] == "failed" and not body["status"].get("next_retry_at")

    failed = wait_until(given_up, 120, 0.2)
    t_failed = time.time()
    time.sleep(10)  # nothing more may happen once failed
    events = docker_events(t0, time.time(), "bap.user=looper")
    starts = sorted(e["time"] + e.get("timeNano", 0) % 1e9 / 1e9 for e in events if e.get("status") == "start")
    late = [x for x in starts if x > t_failed + 0.5]
    calls = sum(1 for e in events if e.get("status") in ("create", "start", "kill", "destroy", "stop"))
    gaps = [round(b - a, 1) for a, b in zip(starts, starts[1:])]
    ok = failed and len(starts) <= attempts + 2 and not late
    report(ok, "crash-looping engine (ENGINE_EXIT_AFTER_S=0.3)",
           f"given up (failed, no retry)={failed} after {t_failed - t0:.1f}s; {len(starts)} starts (max attempts {attempts}), gaps between starts {gaps} s; "
           f"{calls} container create/start/stop/kill/destroy events in all, {len(late)} starts after failed")
    s.stop()
    remove_all_containers()


PG_ROUNDS = 0


def case_postgres_restart():
    """Postgres down under admit load: 503 with the envelope, no hang, back within 5 s."""
    global PG_ROUNDS
    PG_ROUNDS += 1  # `scripts/chaos postgres postgres …` repeats the case, each on its own database
    url = fresh_database(f"chaos_pg_{PG_ROUNDS}")
    s = Server(f"pgrestart-{PG_ROUNDS}", ORCH_DATABASE_URL=url).start()
    key = s.apply(product_yaml("chaos-pg") + "kind: Engine\nproduct: chaos-pg\nuser: pg-u\nstate: awake\n---\n")["chaos-pg"]
    wait_until(lambda: call("POST", f"{s.url}/engines/pg-u/admit", {"auto_wake": True}, key=key, timeout=60)[1].get("admitted"), 60, 1)
    samples, stop = [], threading.Event()

    def client():
        while not stop.is_set():
            t = time.monotonic()
            status, body = call("POST", f"{s.url}/engines/pg-u/admit", {"auto_wake": True}, key=key, timeout=10)
            code = body.get("error", {}).get("code") if isinstance(body, dict) else None
            samples.append((t, time.monotonic() - t, status, code))
            time.sleep(0.02)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(3)
    down_at = time.monotonic()
    pg_ctl("-m", "fast", "-w", "stop")
    time.sleep(5)
    up_started = time.monotonic()
    started = pg_start()
    up_at = time.monotonic()
    time.sleep(10)
    stop.set()
    for t in threads:
        t.join()
    # Every request in flight while Postgres was down (including those begun just before).
    during = [x for x in samples if x[0] < up_started and x[0] + x[1] > down_at + 0.5]
    after = sorted(x for x in samples if x[0] >= up_at and x[2] == 200)
    recovery = (after[0][0] + after[0][1] - up_at) if after else None
    # Each must answer promptly, with 503 and the envelope, or with 200 when it got its answer
    # before Postgres was gone (pg_ctl's fast stop takes a moment): a request parked until
    # Postgres returns is a hang.
    bad = [x for x in during if not ((x[2] == 503 and x[3]) or x[2] == 200) or x[1] > 3]
    hangs = [x for x in samples if x[2] == 0]
    fives = [x for x in samples if x[2] == 500]
    ok = started and during and not bad and not hangs and not fives and recovery is not None and recovery <= 5
    codes = sorted({f"{x[2]}/{x[3]}" for x in during})
    slowest = max((x[1] for x in during), default=0)
    rec = f"{recovery:.2f}s" if recovery is not None else "never"
    report(ok, "Postgres restart under admit load",
           f"{len(during)} requests in flight while down: {codes}, slowest {slowest:.2f}s, {len(bad)} not a prompt 503 envelope or 200; "
           f"{len(hangs)} hangs/connection errors, {len(fives)} 500s; first 200 {rec} after Postgres was back")
    s.stop()
    remove_all_containers()


def leader_of(servers):
    return [s for s in servers if s.proc.poll() is None and s.is_leader()]


def case_leader():
    """Two orchestrators on one database; kill -9 the leader: the other takes over within the lease."""
    ttl = 15  # ControllerConfiguration.leaseTTL default; retry every 2 s
    url = fresh_database("chaos_leader")
    a, b = Server("leader-a", ORCH_DATABASE_URL=url).start(), Server("leader-b", ORCH_DATABASE_URL=url).start()
    if not wait_until(lambda: len(leader_of([a, b])) == 1, 30, 0.2):
        report(False, "leader takeover", f"leaders seen: {len(leader_of([a, b]))} (wanted exactly one)")
        a.stop(), b.stop()
        return
    leader = leader_of([a, b])[0]
    other = b if leader is a else a
    other.apply(product_yaml("chaos-lead") + engine_set("chaos-lead", "l-", 5 if SHORT else 20))
    time.sleep(1)
    leader.kill9()
    t0 = time.monotonic()
    took_over = wait_until(other.is_leader, ttl + 10, 0.1)
    takeover = time.monotonic() - t0
    n = 5 if SHORT else 20
    converged = wait_until(lambda: other.phases("chaos-lead").get("running", 0) == n, 120, 1)
    dups, orphans, missing = fleet_check(other, ["chaos-lead"])
    ok = took_over and takeover <= ttl + 2 and converged and dups == 0 and orphans == 0
    report(ok, "two orchestrators, kill -9 the leader",
           f"takeover {takeover:.1f}s (lease {ttl}s); then {n} engines converged={converged}; duplicates {dups}, orphans {orphans}")
    other.stop()
    remove_all_containers()


def restart_dockerd():
    pid = int(open(f"{WORK}/dockerd.pid").read().strip())
    os.kill(pid, 15)
    for _ in range(150):
        try:
            os.kill(pid, 0)
            time.sleep(0.2)
        except ProcessLookupError:
            break
    subprocess.Popen(E["DOCKERD_CMD"], shell=True, start_new_session=True,
                     stdout=open(f"{WORK}/dockerd.log", "ab"), stderr=subprocess.STDOUT)
    return wait_until(lambda: docker("GET", "/_ping", timeout=2)[0] == 200, 60, 0.2)


def case_dockerd_restart():
    """Restart the (private) dockerd mid-convergence: converges afterwards without help."""
    n = 10 if SHORT else 50
    url = fresh_database("chaos_dockerd")
    s = Server("dockerd", ORCH_DATABASE_URL=url).start()
    s.apply(product_yaml("chaos-dock") + engine_set("chaos-dock", "d-", n))
    wait_until(lambda: len(managed_containers()) >= n // 2, 60, 0.2)
    back = restart_dockerd()
    t0 = time.monotonic()
    converged = wait_until(lambda: s.phases("chaos-dock").get("running", 0) == n, 300, 1)
    took = time.monotonic() - t0
    dups, orphans, missing = fleet_check(s, ["chaos-dock"])
    ok = back and converged and dups == 0 and orphans == 0 and missing == 0
    engines = s.engines("chaos-dock")
    phases = {}
    for e in engines:
        phases[e["status"]["phase"]] = phases.get(e["status"]["phase"], 0) + 1
    errors = sorted({(e["status"].get("last_error") or "")[:120] for e in engines if e["status"].get("last_error")})
    report(ok, f"dockerd restart while {n} engines converge",
           f"dockerd back={back}; converged={converged} {took:.1f}s after the restart; phases {phases}; errors {errors[:2]}; "
           f"duplicates {dups}, orphans {orphans}, missing {missing}")
    s.stop()
    remove_all_containers()


def case_readonly_root():
    """The process driver on a read-only data root: a clear error on the engine's status."""
    ro = f"{WORK}/ro-root"
    os.makedirs(ro, exist_ok=True)
    mounted = subprocess.run(f"mount --bind {ro} {ro} && mount -o remount,bind,ro {ro}", shell=True).returncode == 0
    if not mounted:
        report(False, "read-only data root (process driver)", "could not make a read-only bind mount")
        return
    try:
        url = fresh_database("chaos_ro")
        s = Server("readonly", ORCH_DATABASE_URL=url, ORCH_ENGINE_BACKEND="process", ORCH_DATA_DIR=ro,
                   ORCH_ENGINE_COMMAND=E["ENGINE_BIN"]).start()
        s.apply(product_yaml("chaos-ro") + "kind: Engine\nproduct: chaos-ro\nuser: ro-u\nstate: awake\n---\n")
        seen = {}

        def has_error():
            status, body = call("GET", f"{s.url}/v1/products/chaos-ro/engines/ro-u")
            if status != 200:
                return False
            st = body["status"]
            msgs = [st.get("last_error") or ""] + [c.get("message", "") for c in st.get("conditions", []) if c.get("status") == "True" and c["type"] == "Degraded"]
            seen["phase"], seen["message"] = st["phase"], " | ".join(m for m in msgs if m)
            return bool(seen["message"])

        t0 = time.monotonic()
        got = wait_until(has_error, 30, 0.2)
        text = seen.get("message", "")
        clear = any(w in text.lower() for w in ("read-only", "read only", "erofs", "permission", "data"))
        report(got and clear, "read-only data root (process driver)",
               f"after {time.monotonic() - t0:.1f}s phase={seen.get('phase')} message={text[:200]!r}")
        s.stop()
    finally:
        subprocess.run(f"umount {ro}", shell=True)


def case_breaker():
    """90 % of engines stop answering at once (their engine process SIGSTOPped from the host: the
    container still runs, the engine answers nothing): the fleet circuit breaker holds restarts, /status shows it,
    and once they answer again everything is Ready without a restart."""
    n = 20 if SHORT else 50
    frozen_n = n * 9 // 10
    url = fresh_database("chaos_breaker")
    s = Server("breaker", ORCH_DATABASE_URL=url, ORCH_HEALTH_CHECK_INTERVAL_S=1, ORCH_HEALTH_CHECK_TIMEOUT_S=1,
               ORCH_HEALTH_MAX_FAILURES=2).start()
    s.apply(product_yaml("chaos-brk") + engine_set("chaos-brk", "b-", n))
    up = wait_until(lambda: s.phases("chaos-brk").get("running", 0) == n, 180 if SHORT else 400, 1)
    # The engine's host pid: containers run with an init (docker-init is pid 1), so a signal
    # through the Docker API would stop the init, not the engine.
    def engine_pid(cid):
        status, top = docker("GET", f"/containers/{cid}/top?ps_args=-o%20pid,comm")
        rows = top.get("Processes") or [] if status == 200 and isinstance(top, dict) else []
        return next((int(r[0]) for r in rows if len(r) > 1 and r[1] == "engine"), None)

    frozen = [p for p in (engine_pid(c["Id"]) for c in managed_containers()[:frozen_n]) if p]
    t0 = time.time()
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)

    def breaker():
        status, body = call("GET", s.url + "/status")
        return body.get("restart_breaker", {}) if status == 200 and isinstance(body, dict) else {}

    opened = wait_until(lambda: breaker().get("open") is True, 30, 0.25)
    t_open = time.time() - t0
    shown = breaker()
    time.sleep(15)  # 15 liveness windows: every frozen engine would have been restarted several times
    t_thaw = time.time()
    for pid in frozen:
        os.kill(pid, signal.SIGCONT)
    closed = wait_until(lambda: breaker().get("open") is False, 30, 0.25)
    recovered = wait_until(lambda: sum(1 for e in s.engines("chaos-brk") if e["status"]["phase"] == "running"
                                       and any(c["type"] == "Ready" and c["status"] == "True" for c in e["status"].get("conditions", []))) == n, 60, 0.5)
    t_recovered = time.time() - t_thaw
    events = docker_events(t0, time.time())
    starts = sum(1 for e in events if e.get("status") == "start")
    _, audit = call("GET", f"{s.url}/v1/audit?action=auto_restart_start&limit=1000")
    restarts = len(audit.get("entries", [])) if isinstance(audit, dict) else -1
    ok = up and len(frozen) == frozen_n and opened and closed and recovered and starts <= n // 10 and 0 <= restarts <= n // 10
    report(ok, f"{len(frozen)} of {n} engines stop answering at once",
           f"breaker open after {t_open:.1f}s (status showed {shown}); held 15 s: {restarts} auto restarts, {starts} container starts; "
           f"closed={closed}, all {n} Ready again {t_recovered:.1f}s after they answered")
    s.stop()
    remove_all_containers()


CASES = {"kill9": case_kill9, "crashloop": case_crashloop, "postgres": case_postgres_restart,
         "leader": case_leader, "dockerd": case_dockerd_restart, "readonly": case_readonly_root,
         "breaker": case_breaker}

if __name__ == "__main__":
    wanted = sys.argv[1:] or list(CASES)
    for name in wanted:
        log(f"case {name}")
        try:
            CASES[name]()
        except Exception as exc:  # a case that cannot run is a failure with its reason
            report(False, name, f"error: {exc}")
            remove_all_containers()
    sys.exit(0 if all(RESULTS) else 1)
