"""Exports as jobs on a real Redis (issue 24): ``serve --redis``, ``sahel-dashboard worker``.

Debian's ``redis-server`` runs on a free loopback port with persistence off (``--save ''``,
``--appendonly no``; ``benchmarks/redis_local.py``); ``make test`` installs it when missing
(target ``redis``). Two ``serve --redis`` processes share it, as two app hosts would, and export
workers run as separate processes, killed with SIGKILL (the worker and its browser) where a
test says so. Each worker and app runs in an empty folder with an empty home folder; the tests
check that they stay empty: a worker writes only in its ``--tmp-dir``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.redis_local import LocalRedis, free_port, redis_server
from dashboard.jobs import HEARTBEAT_TTL_S, QUEUED_TTL_S, REQUEUE_BOUND_S, RESULT_TTL_S, RETRIES, data_version
from sahel_data.load import DEFAULT_DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
MAX_QUEUED = 6
BRIEFING = "eu-mali-2013-2023"

pytestmark = [
    pytest.mark.redis,
    pytest.mark.export,  # the workers render with kaleido and Debian's Chromium (and the export tests' 180 s limit)
    pytest.mark.skipif(redis_server() is None, reason="Debian's redis-server is not installed: `make redis` (part of "
                                                      "`make test`) installs it with apt-get; the queue is tested only "
                                                      "against a real Redis"),
]


# --- processes --------------------------------------------------------------------------------------

def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (the browser runs in a session of its own)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return out


def kill_tree(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _die_with_pytest() -> None:
    """In the child: SIGKILL it when the test process dies (prctl PR_SET_PDEATHSIG), so a test run
    stopped by its time limit leaves no server or worker behind.
    """
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


def http(method: str, url: str, timeout: float = 90, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {})  # noqa: S310  (the test's own loopback servers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class Sandbox:
    """An empty working folder and an empty home folder for one process; ``untouched()`` says
    whether they are still empty.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cwd, self.home = root / "cwd", root / "home"
        self.cwd.mkdir(parents=True)
        self.home.mkdir()

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
        return {**env, "HOME": str(self.home), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}

    def untouched(self) -> list[str]:
        return [str(p) for folder in (self.cwd, self.home) for p in folder.rglob("*")]


class App:
    """``sahel-dashboard serve --redis`` (gunicorn, one worker) on a free port."""

    def __init__(self, url: str, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = sandbox.root / "serve.log"
        env = {**sandbox.env(), "SAHEL_SECRET_KEY": secrets.token_hex(32)}
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(  # noqa: S603  (our own command line)
                [sys.executable, "-m", "dashboard.cli", "serve", "--workers", "1", "--port", str(self.port), "--redis", url,
                 "--max-queued", str(MAX_QUEUED), "--data-dir", str(DEFAULT_DATA_DIR)],
                cwd=sandbox.cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_pytest)  # noqa: PLW1509  (no threads run in the child before exec)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-2000:]
            with contextlib.suppress(OSError):
                if http("GET", self.base + "/", timeout=5)[0] == 200:
                    return
            time.sleep(0.3)
        pytest.fail(f"serve did not answer within 90 s: {self.log.read_text()[-2000:]}")

    def submit(self, query: str) -> tuple[int, dict, dict]:
        status, headers, body = http("POST", f"{self.base}/export/jobs?{query}")
        return status, headers, json.loads(body) if headers.get("Content-Type", "").startswith("application/json") else {
            "text": body.decode()}

    def status(self, job_id: str) -> dict:
        status, _, body = http("GET", f"{self.base}/export/jobs/{job_id}")
        assert status in (200, 404), (status, body)
        return json.loads(body)

    def wait(self, job_id: str, until: tuple[str, ...] = ("done", "failed"), seconds: float = 120) -> list[dict]:
        """Poll the job (every 0.2 s) until its status is in ``until``; every status seen."""
        seen = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            seen.append(self.status(job_id))
            if seen[-1]["status"] in until:
                return seen
            time.sleep(0.2)
        pytest.fail(f"job {job_id} still {seen[-1]} after {seconds:.0f} s")

    def stop(self) -> None:
        pids = descendants(self.proc.pid)
        self.proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=30)
        kill_tree(pids)


class Worker:
    """``sahel-dashboard worker --redis`` in a subprocess, writing only in its ``--tmp-dir``."""

    def __init__(self, url: str, sandbox: Sandbox, name: str, data_dir: Path = DEFAULT_DATA_DIR) -> None:
        self.url, self.name, self.sandbox = url, name, sandbox
        # Short: Chromium's sockets go in it (pytest's own temporary paths are too long for them).
        self.tmp = Path(tempfile.mkdtemp(prefix="sw-", dir="/tmp"))
        self.log = sandbox.root / "worker.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(  # noqa: S603  (our own command line)
                [sys.executable, "-m", "dashboard.cli", "worker", "--redis", url, "--name", name, "--tmp-dir", str(self.tmp),
                 "--data-dir", str(data_dir)],
                cwd=sandbox.cwd, env=sandbox.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_pytest)  # noqa: PLW1509  (no threads run in the child before exec)

    def wait_ready(self) -> None:
        from redis import Redis
        from rq import Worker as RqWorker

        client = Redis.from_url(self.url)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-2000:]
            if any(w.name == self.name for w in RqWorker.all(connection=client)):
                return
            time.sleep(0.2)
        pytest.fail(f"worker {self.name} did not start within 90 s: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL the worker and its browser, as a lost host or the OOM killer would."""
        kill_tree(descendants(self.proc.pid))
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            pids = descendants(self.proc.pid)
            self.proc.terminate()  # warm shutdown: the current job ends first
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=60)
            kill_tree(pids)
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with LocalRedis() as server:
        yield server.url


@pytest.fixture(autouse=True)
def empty_queue(redis_url: str) -> None:
    from redis import Redis

    Redis.from_url(redis_url).flushdb()


@pytest.fixture(scope="module")
def apps(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, App]]:
    """Two app processes (two hosts' worth) sharing one Redis."""
    started = [App(redis_url, Sandbox(tmp_path_factory.mktemp(f"app{i}"))) for i in (1, 2)]
    try:
        for app in started:
            app.wait_ready()
        yield started[0], started[1]
        for app in started:
            assert app.sandbox.untouched() == [], "an app process wrote outside its configured folders"
            assert "Traceback" not in app.log.read_text(), app.log.read_text()[-3000:]
    finally:
        for app in started:
            app.stop()


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    """The test's workers (``start_worker`` adds them), all stopped after the test."""
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def start_worker(started: list[Worker], url: str, tmp_path: Path, data_dir: Path = DEFAULT_DATA_DIR) -> Worker:
    name = f"w{len(started) + 1}-{secrets.token_hex(3)}"
    worker = Worker(url, Sandbox(tmp_path / name), name, data_dir)
    started.append(worker)
    worker.wait_ready()
    return worker


def png_dpi(png: bytes) -> int:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at = png.index(b"pHYs")
    return round(struct.unpack(">I", png[at + 4:at + 8])[0] * 0.0254)


# --- the tests --------------------------------------------------------------------------------------

def test_four_png_jobs_from_two_app_processes_complete_through_one_worker(apps, workers, redis_url, tmp_path):
    from redis import Redis

    first, second = apps
    worker = start_worker(workers, redis_url, tmp_path)
    before = data_version(DEFAULT_DATA_DIR)
    jobs = []
    for n, year in enumerate((2014, 2017, 2019, 2022)):
        app = first if n % 2 == 0 else second  # submitted to both hosts ...
        status, headers, body = app.submit(f"year={year}&region=ML-5&format=png")
        assert status == 202, body
        assert headers["Location"] == f"/export/jobs/{body['id']}" and body["status"] in ("queued", "running", "done")
        jobs.append((year, body["id"], second if app is first else first))
    for year, job_id, other in jobs:  # ... and followed on the other one
        seen = other.wait(job_id)
        done = seen[-1]
        assert done["status"] == "done", done
        assert done["filename"] == f"sahel-{year}-engagements-ml-5.png" and done["file"] == f"/export/jobs/{job_id}/file"
        assert all(0 <= s["progress"] <= 1 for s in seen)
        status, headers, png = http("GET", other.base + done["file"])
        assert status == 200 and headers["Content-Type"] == "image/png"
        assert headers["Content-Disposition"] == f'attachment; filename="{done["filename"]}"'
        assert png_dpi(png) == 300 and len(png) == done["bytes"]
    # Files and finished jobs expire.
    client = Redis.from_url(redis_url)
    for _, job_id, _ in jobs:
        assert 0 < client.ttl(f"sahel:export:file:{job_id}") <= RESULT_TTL_S
        assert 0 < client.ttl(f"rq:job:{job_id}") <= RESULT_TTL_S
    log = worker.log.read_text()
    assert sum(f"({job_id})" in line and "Job OK" in line for line in log.splitlines() for _, job_id, _ in jobs) == 4
    # Nothing written outside the configured folders: the worker's home and working folders are
    # empty (Chromium's profile, crash reports and caches went to --tmp-dir); the data is unchanged.
    assert worker.sandbox.untouched() == []
    assert data_version(DEFAULT_DATA_DIR) == before


def test_a_job_submitted_while_no_worker_runs_completes_once_one_starts(apps, workers, redis_url, tmp_path):
    from redis import Redis

    app = apps[0]
    status, _, body = app.submit("year=2019&format=svg")
    assert status == 202 and body["status"] == "queued" and body["position"] == 1, body
    time.sleep(2)
    still = app.status(body["id"])
    assert still["status"] == "queued" and still["position"] == 1
    assert 0 < Redis.from_url(redis_url).ttl(f"rq:job:{body['id']}") <= QUEUED_TTL_S  # unstarted jobs expire too
    start_worker(workers, redis_url, tmp_path)
    done = app.wait(body["id"])[-1]
    assert done["status"] == "done", done
    status, headers, svg = http("GET", app.base + done["file"])
    assert status == 200 and headers["Content-Type"].startswith("image/svg+xml") and svg.lstrip().startswith(b"<svg")


def test_a_full_queue_answers_429_with_retry_after_across_app_processes(apps):
    first, second = apps
    ids = []
    for n in range(MAX_QUEUED):  # no worker: they wait
        status, _, body = (first if n % 2 else second).submit(f"year={2013 + n}&format=pdf")
        assert status == 202, body
        ids.append(body["id"])
    assert [first.status(i)["position"] for i in ids] == list(range(1, MAX_QUEUED + 1))
    for app in apps:
        status, headers, body = app.submit("year=2019&format=png")
        assert status == 429, body
        assert 5 <= int(headers["Retry-After"]) <= 120
        assert "queue is full" in body["text"]
        # The synchronous address is bounded by the same queue: 429 at once, never a hang.
        start = time.monotonic()
        status, headers, _ = http("GET", app.base + "/export/png?year=2019")
        assert status == 429 and "Retry-After" in headers and time.monotonic() - start < 5


def test_a_worker_killed_mid_job_is_requeued_within_the_bound_and_completed(apps, workers, redis_url, tmp_path):
    from redis import Redis
    from rq.registry import FailedJobRegistry

    app = apps[0]
    doomed = start_worker(workers, redis_url, tmp_path)
    status, _, body = app.submit("year=2013-2023&format=pack")  # about 4 s of rendering
    assert status == 202
    running = app.wait(body["id"], until=("running", "done", "failed"))[-1]
    assert running["status"] == "running" and running["attempt"] == 1, running
    doomed.kill()
    killed_at = time.monotonic()
    later = app.submit("year=2019&format=svg")[2]["id"]  # submitted after the kill, before the requeue
    # No worker runs now. The job is not lost: its registry entry expires HEARTBEAT_TTL_S after
    # the last heartbeat and the app's next status request puts it back on the queue, in front.
    requeued = app.wait(body["id"], until=("queued", "failed"), seconds=REQUEUE_BOUND_S + 10)[-1]
    elapsed = time.monotonic() - killed_at
    assert requeued["status"] == "queued" and requeued["attempt"] == 2, requeued
    assert requeued["position"] == 1 and app.status(later)["position"] == 2
    print(f"requeued by the app {elapsed:.1f} s after the kill (bound {REQUEUE_BOUND_S} s)")
    assert HEARTBEAT_TTL_S - 3 <= elapsed <= REQUEUE_BOUND_S, elapsed
    start_worker(workers, redis_url, tmp_path)
    done = app.wait(body["id"])[-1]
    assert done["status"] == "done" and done["attempt"] == 2, done
    assert app.wait(later)[-1]["status"] == "done"
    status, headers, pdf = http("GET", app.base + done["file"])
    assert status == 200 and pdf.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
    from rq import Queue
    assert FailedJobRegistry(queue=Queue("sahel-export", connection=Redis.from_url(redis_url))).count == 0


def test_a_dead_workers_job_is_requeued_by_another_worker_with_no_client_asking(apps, workers, redis_url, tmp_path):
    from redis import Redis

    app = apps[0]
    one, two = start_worker(workers, redis_url, tmp_path), start_worker(workers, redis_url, tmp_path)
    client = Redis.from_url(redis_url)
    _, _, body = app.submit("year=2013-2023&format=pack")
    key = f"rq:job:{body['id']}"
    deadline = time.monotonic() + 60
    while client.hget(key, "status") != b"started" and time.monotonic() < deadline:
        time.sleep(0.05)
    taker = {one.name: one, two.name: two}[client.hget(key, "worker_name").decode()]
    taker.kill()
    killed_at = time.monotonic()
    # Nobody polls the app: the other worker's sweep alone must requeue the job (read Redis only).
    while client.hget(key, "retries_left") != str(RETRIES - 1).encode() and time.monotonic() - killed_at < 60:
        time.sleep(0.1)
    elapsed = time.monotonic() - killed_at
    print(f"requeued by the other worker {elapsed:.1f} s after the kill (bound {REQUEUE_BOUND_S} s)")
    assert HEARTBEAT_TTL_S - 3 <= elapsed <= REQUEUE_BOUND_S, elapsed
    done = app.wait(body["id"])[-1]
    assert done["status"] == "done" and done["attempt"] == 2, done
    survivor = two if taker is one else one
    assert f"({body['id']})" in survivor.log.read_text()


def test_a_failed_render_is_reported_with_its_reason_and_not_retried(apps, workers, redis_url, tmp_path, data_copy):
    # A worker deployed with other data than the app's: every job would render other figures.
    with (data_copy / "tables" / "COVERAGE.md").open("a", encoding="utf-8") as notes:
        notes.write("\nA later note.\n")
    start_worker(workers, redis_url, tmp_path, data_dir=data_copy)
    app = apps[0]
    _, _, body = app.submit("year=2019&format=png")
    failed = app.wait(body["id"])[-1]
    assert failed["status"] == "failed" and failed["attempt"] == 1, failed
    assert failed["reason"].startswith(f"this export worker has data version {data_version(data_copy)}, the app "
                                       f"'{data_version(DEFAULT_DATA_DIR)}'"), failed
    assert "deploy the same data directory" in failed["reason"]
    assert http("GET", app.base + f"/export/jobs/{body['id']}/file")[0] == 404
    status, _, text = http("GET", app.base + "/export/png?year=2019")  # the synchronous address says the same
    assert status == 500 and text.decode().startswith("Export failed: this export worker has data version")


def test_get_export_and_deck_addresses_wait_for_their_jobs(apps, workers, redis_url, tmp_path):
    app = apps[1]
    start_worker(workers, redis_url, tmp_path)
    status, headers, pdf = http("GET", app.base + "/export/pdf?year=2019&lang=fr")
    assert status == 200 and pdf.startswith(b"%PDF") and headers["Content-Disposition"].endswith('-fr.pdf"')
    status, headers, pptx = http("GET", app.base + f"/deck/{BRIEFING}.pptx?lang=en")
    assert status == 200 and pptx.startswith(b"PK") and headers["Content-Type"].endswith("presentationml.presentation")
    _, _, body = app.submit("year=2019&region=ML-5&format=pptx")  # a view as a one-slide deck
    done = app.wait(body["id"])[-1]
    assert done["status"] == "done" and done["filename"].endswith(".pptx")
    _, _, body = app.submit(f"briefing={BRIEFING}&lang=fr&format=pdf")
    seen = app.wait(body["id"])
    assert seen[-1]["status"] == "done" and seen[-1]["filename"] == f"sahel-deck-{BRIEFING}-fr.pdf"
    progress = [s["progress"] for s in seen if s["status"] != "queued"]
    assert progress == sorted(progress) and progress[-1] == 1.0  # slide by slide, never backwards


# --- the HTTP contract, in process ------------------------------------------------------------------

@pytest.fixture
def queued_app(dash_app, redis_url, monkeypatch):
    from dashboard.jobs import QUEUE_KEY, ExportQueue

    queue = ExportQueue(redis_url, data_version=data_version(DEFAULT_DATA_DIR), max_queued=2)
    monkeypatch.setitem(dash_app.server.extensions, QUEUE_KEY, queue)
    return dash_app.server.test_client()


def test_job_requests_are_checked_and_answered_plainly(queued_app):
    client = queued_app
    ok = client.post("/export/jobs?year=2019&region=ML-5&format=png")
    assert ok.status_code == 202 and ok.headers["Location"] == ok.json["status_url"]
    assert ok.json["status"] == "queued" and ok.json["position"] == 1 and ok.json["filename"] == "sahel-2019-engagements-ml-5.png"
    assert ok.headers["Cache-Control"] == "no-store"
    status = client.get(ok.headers["Location"])
    assert status.status_code == 200 and status.json["id"] == ok.json["id"]
    assert client.get(ok.headers["Location"] + "/file").status_code == 404  # not done yet
    deck = client.post(f"/export/jobs?briefing={BRIEFING}&lang=fr&format=pptx")
    assert deck.status_code == 202 and deck.json["filename"] == f"sahel-deck-{BRIEFING}-fr.pptx"
    full = client.post("/export/jobs?year=2020&format=svg")  # max_queued=2 here
    assert full.status_code == 429 and int(full.headers["Retry-After"]) >= 5
    refusals = {
        "/export/jobs?year=2019": "format given 0 times: expected one of png, svg, pdf, pack, pptx, once",
        "/export/jobs?year=2019&format=png&format=svg": "format given 2 times",
        "/export/jobs?year=2019&format=csv": "csv and xlsx need no queue",
        "/export/jobs?year=2019&regoin=ML-5&format=png": "unknown parameter 'regoin=ML-5'",
        "/export/jobs?briefing=nope&format=pptx": f"briefing=nope: expected one of {BRIEFING}",
        f"/export/jobs?briefing={BRIEFING}&format=svg": "a deck is pptx or pdf",
        f"/export/jobs?briefing={BRIEFING}&year=2019&format=pdf": "unknown parameter 'year'",
    }
    for url, words in refusals.items():
        response = client.post(url)
        assert response.status_code == 400 and words in response.get_data(as_text=True), (url, response.get_data(as_text=True))
    assert client.post("/export/jobs?year=2019&format=png", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    for bad in ("0f0e1d2c-0000-4000-8000-000000000000", "not-a-job", "x" * 300):
        response = client.get(f"/export/jobs/{bad}")
        assert response.status_code == 404 and response.json["status"] == "unknown"
        assert client.get(f"/export/jobs/{bad}/file").status_code == 404


def test_without_a_queue_jobs_are_not_found_and_exports_render_in_process(dash_app):
    client = dash_app.server.test_client()
    assert client.get("/export/jobs").json == {"queue": False}  # what the page's buttons ask first
    response = client.post("/export/jobs?year=2019&format=png")
    assert response.status_code == 404 and "GET /export/<format>" in response.get_data(as_text=True)
    assert client.get("/export/jobs/0f0e1d2c-0000-4000-8000-000000000000").status_code == 404


# --- the page's buttons, in a real browser ----------------------------------------------------------

@pytest.mark.browser
def test_the_export_buttons_follow_the_job_and_show_where_it_is(dash_duo, dash_app, queued_app, workers, tmp_path):
    from redis import Redis
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from dashboard import ids
    from dashboard.jobs import QUEUE_KEY, JobSpec

    queue = dash_app.server.extensions[QUEUE_KEY]  # queued_app's: at most 2 waiting
    redis_url = queue.url
    assert queued_app.get("/export/jobs").json == {"queue": True, "waiting": 0, "max_queued": 2, "workers": 0}
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/?year=2019&region=ML-5")
    dash_duo.wait_for_element(f"#{ids.export_link('png')}", timeout=30)

    def status() -> str:
        return dash_duo.driver.find_element(By.ID, ids.EXPORT_STATUS).text

    def wait_status(predicate, timeout: float = 60) -> str:
        WebDriverWait(dash_duo.driver, timeout).until(lambda _d: predicate(status()))
        return status()

    # A full queue: the line says when to come back (429 and its Retry-After).
    for year in (2014, 2015):
        queue.submit(JobSpec("view", "png", f"{year}.png", "image/png", queue.data_version, query=f"year={year}"))
    dash_duo.driver.find_element(By.ID, ids.export_link("svg")).click()
    text = wait_status(lambda s: s.startswith("Many exports"), timeout=20)
    assert text.startswith("Many exports are waiting. Try again in ") and text.endswith(" s.")
    Redis.from_url(redis_url).flushdb()
    # No worker yet: the job waits, and the line says where it is in the queue.
    button = dash_duo.driver.find_element(By.ID, ids.export_link("png"))
    button.click()
    assert wait_status(lambda s: "in line" in s, timeout=20).startswith("Preparing PNG: waiting, number 1 in line…")
    assert button.get_attribute("aria-busy") == "true"
    start_worker(workers, redis_url, tmp_path)  # a worker starts: the job is rendered and downloaded
    assert wait_status(lambda s: s.startswith("Downloaded"), timeout=90) == "Downloaded sahel-2019-engagements-ml-5.png"
    assert button.get_attribute("aria-busy") is None
    severe = [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE" and "429" not in e.get("message", "")]
    assert not severe, severe


def test_serve_and_worker_refuse_to_start_without_their_redis(monkeypatch, capsys):
    from dashboard.cli import main

    url = f"redis://:s3cret-pass@127.0.0.1:{free_port()}/0"  # nothing listens there
    monkeypatch.setenv("SAHEL_SECRET_KEY", secrets.token_hex(32))
    monkeypatch.delenv("SAHEL_REDIS_URL", raising=False)
    assert main(["serve", "--redis", url, "--port", str(free_port())]) == 1
    err = capsys.readouterr().err
    assert "Refusing to start: Redis at redis://:***@127.0.0.1:" in err and "does not answer" in err
    assert "s3cret" not in err
    assert main(["worker", "--redis", url]) == 1
    err = capsys.readouterr().err
    assert "does not answer" in err and "s3cret" not in err
    assert main(["worker"]) == 2
    assert "give --redis redis://HOST:PORT/DB or set SAHEL_REDIS_URL" in capsys.readouterr().err
    # Chromium's sockets live in --tmp-dir: a path too long for them is refused at once, not after a hung start.
    assert main(["worker", "--redis", url, "--tmp-dir", "/tmp/" + "x" * 60]) == 1
    assert "is too long for Chromium" in capsys.readouterr().err


def test_with_redis_away_exports_answer_503_and_views_still_work(dash_app, monkeypatch):
    from dashboard.jobs import QUEUE_KEY, ExportQueue

    away = ExportQueue(f"redis://127.0.0.1:{free_port()}/0", data_version=data_version(DEFAULT_DATA_DIR))
    monkeypatch.setitem(dash_app.server.extensions, QUEUE_KEY, away)
    client = dash_app.server.test_client()
    for response in (client.post("/export/jobs?year=2019&format=png"), client.get("/export/png?year=2019"),
                     client.get("/export/jobs/0f0e1d2c-0000-4000-8000-000000000000"), client.get("/export/jobs")):
        assert response.status_code == 503 and response.headers["Retry-After"] == "60", response.get_data(as_text=True)
        assert "export queue is unreachable" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200
    assert client.get("/export/csv?year=2019").status_code == 200  # tables need no queue
