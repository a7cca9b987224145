"""Exports as jobs on a Redis queue, rendered by export workers on any host.

``sahel-dashboard serve --redis URL`` puts every export that needs a browser (PNG, SVG, PDF,
the brief pack, PowerPoint, briefing decks) on one queue in Redis instead of rendering it in
the web process; ``sahel-dashboard worker --redis URL`` (as many as needed, on any host) holds
the Chromium and renders them one at a time. The web processes stay light: a view costs a few
milliseconds and its cache stays per process.

**Queue: RQ**, not Celery. RQ is a small library on Redis alone (no broker abstraction, no
result backend to configure), its workers can run a job in the worker's own process
(``SimpleWorker``), so the browser started for the first job serves every later one, and what
we need from a queue is all there: job timeouts, time-to-live for queued jobs, results and
failures, a started-jobs registry whose abandoned entries are retried (``Retry``), and each
job's place in the queue (``LPOS``). Jobs are serialised as JSON, never pickle: whoever can
write to Redis cannot make a worker run code.

**Files live in Redis** (``sahel:export:file:<job id>``), with the job's time-to-live and a size
cap, not in a shared directory: every app host and every worker already reaches Redis, so no
network file system has to be mounted, kept writable and cleaned on each host, nothing is
written to any disk by the app or the worker (Chromium's own profile aside, in the worker's
temporary directory), and Redis expires files by itself. Exports are small (a PNG at 300 dpi
~1.5 MB, a pack ~2 MB); at most ``max_queued`` jobs wait, so Redis holds at most what the jobs
finished within ``RESULT_TTL_S`` produced.

**Guarantees.** The queue is bounded (``QueueFullError``: HTTP 429 with ``Retry-After``).
Queued jobs that no worker starts within ``QUEUED_TTL_S`` expire; finished jobs and their files
after ``RESULT_TTL_S``. A running job's worker beats every ``HEARTBEAT_S``; a worker that dies
(killed, host lost) stops beating, its entry in RQ's started-jobs registry expires after
``HEARTBEAT_TTL_S``, and the next sweep (every idle worker every ``SWEEP_S``; every app on each
status request, at most once a second) puts the job back on the queue (RQ's ``Retry``, up to
``RETRIES`` times): back in the queue within ``REQUEUE_BOUND_S`` of the worker's death
(``tests/test_export_queue.py`` kills a worker mid-job and measures it). A render that fails
(``ExportError``) is not retried: its reason is reported.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from dashboard.deck import DECK_TYPES
from dashboard.export import MEDIA_TYPES, ExportBusyError, ExportError

QUEUE_NAME = "sahel-export"
QUEUE_KEY = "sahel_export_queue"  # the app's ExportQueue in ``flask.current_app.extensions``
FILE_KEY = "sahel:export:file:{}"
ADMIT_LOCK = "sahel:export:admit"
JOB_FUNC = "dashboard.jobs.run_export"
MAX_QUEUED = 20  # jobs waiting for a worker (running ones not counted); more: 429
QUEUED_TTL_S = 900  # a job no worker has started within 15 minutes is dropped
RESULT_TTL_S = 900  # a finished or failed job, and its file, are kept 15 minutes
MAX_FILE_BYTES = 64 * 2**20  # a file larger than this is refused (a pack is a few MB)
JOB_TIMEOUT_S = 300  # one job at most (each render inside is bounded at 60 s)
RETRIES = 2  # a job whose worker dies is run again at most this many times
HEARTBEAT_S = 2  # a running job's worker says it is alive this often
HEARTBEAT_TTL_S = 10  # ... and is taken for dead this long after its last word
SWEEP_S = 4  # an idle worker sweeps the started-jobs registry this often ...
DEQUEUE_WAIT_S = 3  # ... between waits for a job of at most this long
WORKER_TTL_S = DEQUEUE_WAIT_S + 15  # an idle worker's key lives this long (RQ waits worker_ttl - 15 s per dequeue)
APP_SWEEP_S = 1.0  # an app sweeps at most this often (on status requests)
# From a worker's death to its job back on the queue: its registry entry expires at most
# HEARTBEAT_TTL_S after the death, and the next sweep comes within SWEEP_S + DEQUEUE_WAIT_S
# (an idle worker) or a second (an app asked for the job's status): 17 s, stated as 20.
REQUEUE_BOUND_S = HEARTBEAT_TTL_S + SWEEP_S + DEQUEUE_WAIT_S + 3
MAX_TMPDIR_CHARS = 60  # Chromium starts (its singleton socket fits) with a TMPDIR of 62 characters, not 70
SYNC_WAIT_S = 60.0  # GET /export/<fmt> with a queue waits this long for its job
JOB_SECONDS = 3  # a typical job (warm PNG 0.6 s, pack 4 s), to say when to come back
DECK_MEDIA = DECK_TYPES  # a briefing's deck: pptx, pdf
VIEW_MEDIA = {**MEDIA_TYPES, "pptx": DECK_MEDIA["pptx"]}  # png, svg, pdf, pack, and the view as a one-slide deck
VIEW_FORMATS = tuple(VIEW_MEDIA)
JOB_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

log = logging.getLogger(__name__)


class QueueFullError(ExportError):
    """Every place in the queue is taken: try again after ``retry_after`` seconds (HTTP 429)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QueueUnavailableError(ExportBusyError):
    """Redis did not answer: the export service is unavailable for now (HTTP 503)."""


def redacted(url: str) -> str:
    """A Redis URL without its password, to show in messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def data_version(data_dir: Path) -> str:
    """A fingerprint of everything an export is drawn from (tables, layers, briefings, markings):
    an app and a worker with different data must not meet silently.
    """
    digest = hashlib.sha256()
    files = [p for folder in ("tables", "geo", "briefings") for p in sorted((data_dir / folder).rglob("*")) if p.is_file()]
    files += [p for p in (data_dir / "markings.json",) if p.is_file()]
    for path in files:
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class JobSpec:
    """What to render: a view (its query) in a format, or a briefing's deck; checked by the app
    before it is queued, and again by the worker.
    """

    kind: str  # "view" or "deck"
    fmt: str
    filename: str
    media: str
    data_version: str
    query: str = ""
    briefing: str = ""
    lang: str = "en"

    def as_dict(self) -> dict[str, str]:
        """The job's argument (JSON)."""
        return asdict(self)


def _redis_errors() -> tuple[type[Exception], ...]:
    """What Redis raises when it cannot serve a request: unreachable, too slow, or refusing (a
    full Redis with ``maxmemory-policy noeviction`` refuses new keys: no job is dropped silently).
    """
    import redis

    return (redis.exceptions.RedisError,)


def redis_client(url: str) -> Any:
    """A Redis client for ``url``; it connects on first use (and again after Redis comes back)."""
    from redis import Redis

    return Redis.from_url(url, socket_connect_timeout=5, socket_timeout=15, health_check_interval=30)


def connect(url: str) -> Any:
    """A Redis client for ``url`` that has answered (raises ``QueueUnavailableError`` naming the
    URL, without its password, if Redis does not answer).
    """
    client = redis_client(url)
    try:
        client.ping()
    except (*_redis_errors(), ValueError) as exc:
        raise QueueUnavailableError(f"Redis at {redacted(url)} does not answer: {exc}") from exc
    return client


class ExportQueue:
    """The app's side of the queue: submit, status, file, wait (one per web process)."""

    def __init__(self, url: str, *, data_version: str, max_queued: int = MAX_QUEUED) -> None:
        from rq import Queue
        from rq.serializers import JSONSerializer

        self.url = url
        # Not checked here: a gunicorn worker started while Redis is away must still serve views
        # (``serve`` checked Redis once at start); exports answer 503 until it is back.
        self.redis = redis_client(url)
        self.queue = Queue(QUEUE_NAME, connection=self.redis, serializer=JSONSerializer)
        self.data_version = data_version
        self.max_queued = max_queued
        self._swept = 0.0
        self._sweep_lock = threading.Lock()

    # --- submitting ------------------------------------------------------------------------------

    def waiting(self) -> int:
        """Jobs waiting for a worker (ids of expired jobs left in the list are not counted)."""
        length = self.redis.llen(self.queue.key)
        if length < self.max_queued:
            return length
        ids = self.redis.lrange(self.queue.key, 0, -1)
        with self.redis.pipeline() as pipe:
            for job_id in ids:
                pipe.exists(self.queue.job_class.key_for(job_id.decode()))
            return sum(pipe.execute())

    def info(self) -> dict[str, int]:
        """How full the queue is: jobs waiting, the bound, workers registered."""
        from rq import Worker

        try:
            return {"waiting": self.waiting(), "max_queued": self.max_queued, "workers": Worker.count(queue=self.queue)}
        except _redis_errors() as exc:
            raise QueueUnavailableError(f"the export queue is unreachable; try again in a minute ({exc})") from exc

    def retry_after(self, waiting: int) -> int:
        """Seconds after which a place is likely free: the queue's work shared by the workers."""
        from rq import Worker

        workers = max(1, Worker.count(queue=self.queue))
        return max(5, min(120, math.ceil((waiting + 1) * JOB_SECONDS / workers)))

    def submit(self, spec: JobSpec) -> str:
        """Queue ``spec``; its job id. Raises ``QueueFullError`` when ``max_queued`` jobs wait,
        ``QueueUnavailableError`` when Redis does not answer.
        """
        from redis.exceptions import LockError
        from rq import Retry

        try:
            # One admission at a time across every app process: the bound holds exactly.
            with self.redis.lock(ADMIT_LOCK, timeout=5, blocking_timeout=5):
                waiting = self.waiting()
                if waiting >= self.max_queued:
                    raise QueueFullError(f"the export queue is full ({waiting} exports waiting); try again shortly",
                                         self.retry_after(waiting))
                job = self.queue.enqueue(
                    JOB_FUNC, spec.as_dict(), job_timeout=JOB_TIMEOUT_S, ttl=QUEUED_TTL_S, result_ttl=RESULT_TTL_S,
                    failure_ttl=RESULT_TTL_S, retry=Retry(max=RETRIES, enqueue_at_front=True),
                    description=f"{spec.fmt} {spec.filename}",
                    meta={"format": spec.fmt, "filename": spec.filename, "media": spec.media,
                          "submitted": time.time()})
        except LockError as exc:
            raise QueueFullError("the export queue is busy admitting others; try again shortly", 5) from exc
        except _redis_errors() as exc:
            raise QueueUnavailableError(f"the export queue is unreachable; try again in a minute ({exc})") from exc
        return job.id

    # --- following a job -------------------------------------------------------------------------

    def sweep(self) -> None:
        """Requeue the jobs of dead workers (RQ's started-jobs registry, expired entries), at most
        once a second per process and never while a worker sweeps (RQ's maintenance lock, held
        here for at most 5 s).
        """
        from rq.registry import StartedJobRegistry

        with self._sweep_lock:
            if time.monotonic() - self._swept < APP_SWEEP_S:
                return
            self._swept = time.monotonic()
        key = self.queue.registry_cleaning_key
        if self.redis.set(key, 1, nx=True, ex=5):
            try:
                StartedJobRegistry(queue=self.queue).cleanup()
            finally:
                self.redis.delete(key)

    def _job(self, job_id: str) -> Any:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job
        from rq.serializers import JSONSerializer

        if not JOB_ID.match(job_id):
            return None
        try:
            job = Job.fetch(job_id, connection=self.redis, serializer=JSONSerializer)
        except NoSuchJobError:
            return None
        return job if job.func_name == JOB_FUNC else None

    def status(self, job_id: str) -> dict[str, Any] | None:
        """The job's state for the client (``None``: no such job, or it has expired)."""
        try:
            self.sweep()
            job = self._job(job_id)
            if job is None:
                return None
            return self._describe(job)
        except _redis_errors() as exc:
            raise QueueUnavailableError(f"the export queue is unreachable; try again in a minute ({exc})") from exc

    def _describe(self, job: Any) -> dict[str, Any]:
        from rq.job import JobStatus

        meta = job.meta
        state = job.get_status(refresh=False)
        runs = int(meta.get("runs", 0))  # times a worker has started it (run_export counts)
        out: dict[str, Any] = {
            "id": job.id, "format": meta.get("format"), "filename": meta.get("filename"),
            "attempt": max(1, runs), "status_url": f"/export/jobs/{job.id}",
        }
        progress = meta.get("progress") or {}
        if state in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.CREATED):
            position = self.queue.get_job_position(job.id)
            out |= {"status": "queued", "position": position + 1 if position is not None else 1, "progress": 0.0,
                    "attempt": runs + 1}
        elif state == JobStatus.STARTED:
            done, total = int(progress.get("done", 0)), max(1, int(progress.get("total", 1)))
            out |= {"status": "running", "step": progress.get("step", "starting"),
                    "progress": round(0.1 + 0.85 * min(done, total) / total, 3), "pages_done": done, "pages": total}
        elif state == JobStatus.FINISHED:
            ttl = self.redis.ttl(FILE_KEY.format(job.id))
            if ttl is None or ttl < 0:
                out |= {"status": "failed", "reason": "the file has expired; export again"}
            else:
                result = job.return_value() or {}
                out |= {"status": "done", "progress": 1.0, "file": f"/export/jobs/{job.id}/file",
                        "bytes": result.get("bytes"), "expires_in": ttl}
        else:  # failed, stopped, canceled
            out |= {"status": "failed", "reason": self._reason(job)}
        return out

    @staticmethod
    def _reason(job: Any) -> str:
        if job.meta.get("error"):
            return str(job.meta["error"])
        result = job.latest_result()
        text = (result.exc_string or "") if result is not None else ""
        if "AbandonedJobError" in text:
            return f"the export worker stopped while rendering it, {RETRIES + 1} times; the export was given up"
        return "the export failed in the export worker (its log has the details); try again or choose another format"

    def file(self, job_id: str) -> tuple[bytes, str, str] | None:
        """(content, media type, file name) of a finished job, or ``None``."""
        try:
            job = self._job(job_id)
            if job is None:
                return None
            content = self.redis.get(FILE_KEY.format(job.id))
        except _redis_errors() as exc:
            raise QueueUnavailableError(f"the export queue is unreachable; try again in a minute ({exc})") from exc
        if content is None:
            return None
        return content, str(job.meta.get("media", "application/octet-stream")), str(job.meta.get("filename", "export"))

    def wait(self, job_id: str, timeout: float = SYNC_WAIT_S) -> dict[str, Any] | None:
        """Poll the job until it is done or failed, or ``timeout`` passes; its last status."""
        deadline = time.monotonic() + timeout
        delay = 0.1
        while True:
            status = self.status(job_id)
            if status is None or status["status"] in ("done", "failed") or time.monotonic() >= deadline:
                return status
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 1.5, 0.5)


# --- the worker's side ------------------------------------------------------------------------------

@dataclass
class _Worker:
    app: Any  # AppData
    version: str
    retry_at: float = 0.0  # after a failed rebuild for a new day, the time.monotonic() of the next try


_worker: _Worker | None = None


def _worker_state() -> _Worker:
    """The worker's data (loaded by ``work``; loaded here if RQ's own ``rq worker`` runs the job),
    standing at the UTC date: on a new day it is rebuilt from the same tables (dashboard/day.py).
    """
    global _worker  # noqa: PLW0603  (one data set per worker process, loaded once)
    if _worker is None:
        from dashboard.view import build_app_data
        from sahel_data.load import DEFAULT_DATA_DIR, load_catalog

        data_dir = Path(os.environ.get("SAHEL_DATA_DIR", DEFAULT_DATA_DIR))
        _worker = _Worker(build_app_data(load_catalog(data_dir)), data_version(data_dir))
    elif time.monotonic() >= _worker.retry_at:
        from dashboard.day import RETRY_AFTER_S, current

        try:
            app = current(_worker.app)  # jobs run one at a time: nothing else reads it meanwhile
        except Exception:  # as on the app hosts: the previous day's data, and a new try after a while
            logging.getLogger(__name__).exception("Rebuilding the worker's data for a new day failed; the previous "
                                                  "day's data is used for %.0f s before a new try.", RETRY_AFTER_S)
            _worker.retry_at = time.monotonic() + RETRY_AFTER_S
        else:
            if app is not _worker.app:
                _worker = _Worker(app, _worker.version)
    return _worker


def render_spec(app: Any, version: str, spec: dict[str, Any], progress: Any) -> bytes:
    """Render a job's spec with this worker's data (``ExportError`` with the reason if it cannot)."""
    from dashboard.deck import render_deck, render_view_pptx
    from dashboard.export import render_view
    from layers.view_state import QueryError, parse_query_strict

    if spec.get("data_version") != version:
        raise ExportError(f"this export worker has data version {version}, the app {spec.get('data_version')!r}: "
                          "deploy the same data directory to every app host and export worker")
    fmt = str(spec.get("fmt", ""))
    if spec.get("kind") == "deck":
        if fmt not in DECK_MEDIA:
            raise ExportError(f"unknown deck format {fmt[:10]!r}; expected {', '.join(DECK_MEDIA)}")
        return render_deck(app, str(spec.get("briefing", "")), str(spec.get("lang", "")), fmt, progress=progress)
    if fmt not in VIEW_FORMATS:
        raise ExportError(f"unknown format {fmt[:10]!r}; expected one of {', '.join(VIEW_FORMATS)}")
    try:
        state = parse_query_strict(str(spec.get("query", "")), app.options)
    except QueryError as exc:
        raise ExportError("; ".join(exc.problems)) from exc
    if fmt == "pptx":
        return render_view_pptx(app, state, progress=progress)
    return render_view(app, state, fmt, progress=progress)


def _capped(content: bytes) -> bytes:
    if len(content) > MAX_FILE_BYTES:
        raise ExportError(f"the file is {len(content) / 2**20:.0f} MB, more than the {MAX_FILE_BYTES // 2**20} MB "
                          "the export queue keeps; choose a smaller view or another format")
    return content


def run_export(spec: dict[str, Any]) -> dict[str, Any]:
    """The job: render ``spec``, keep the file in Redis for ``RESULT_TTL_S``; a render that cannot
    be done fails at once with its reason (no retry); a worker that dies is retried elsewhere.
    """
    from rq import get_current_job

    job = get_current_job()
    if job is None:
        raise RuntimeError("run_export runs as an RQ job")
    worker = _worker_state()
    job.meta["runs"] = int(job.meta.get("runs", 0)) + 1
    job.meta.pop("progress", None)  # a run after a dead worker's starts again from nothing
    job.save_meta()

    def progress(done: int, total: int, step: str) -> None:
        job.meta["progress"] = {"done": done, "total": total, "step": step}
        job.save_meta()

    try:
        content = _capped(render_spec(worker.app, worker.version, spec, progress))
    except ExportBusyError:
        raise  # a render that timed out: the browser was restarted; RQ retries while retries are left
    except ExportError as exc:
        job.meta["error"] = str(exc)
        job.save_meta()
        job.retries_left = 0  # the same spec fails the same way: report it, do not retry
        raise
    job.connection.set(FILE_KEY.format(job.id), content, ex=RESULT_TTL_S)
    progress(1, 1, "done")
    return {"bytes": len(content)}


def worker_class() -> type:
    """RQ's ``SimpleWorker`` (jobs run in the worker's process, so its browser serves every job),
    with a heartbeat thread: a running job's registry entry lives ``HEARTBEAT_TTL_S`` past the last
    beat, so a dead worker's job is found within seconds, not after its whole timeout.
    """
    from rq.worker import SimpleWorker, WorkerStatus

    class ExportWorker(SimpleWorker):
        def get_heartbeat_ttl(self, job: Any, working_time: float = 0.0) -> int:  # noqa: ARG002  (RQ's signature)
            return HEARTBEAT_TTL_S

        def execute_job(self, job: Any, queue: Any) -> None:
            execution = self.prepare_execution(job)
            stop = threading.Event()
            beat = threading.Thread(target=self._beat, args=(job, execution, stop), daemon=True, name="heartbeat")
            beat.start()
            try:
                self.perform_job(job, queue, execution)
            finally:
                stop.set()
                beat.join(timeout=HEARTBEAT_S * 2)
            self.set_state(WorkerStatus.IDLE)

        def _beat(self, job: Any, execution: Any, stop: threading.Event) -> None:
            give_up = time.monotonic() + JOB_TIMEOUT_S + 30  # a wedged job is RQ's timeout's to end
            while not stop.wait(HEARTBEAT_S) and time.monotonic() < give_up:
                try:
                    self.maintain_heartbeats(job, execution)
                except Exception:  # a missed beat is survivable: the next one comes in 2 s
                    self.log.warning("heartbeat for job %s failed", job.id, exc_info=True)

    return ExportWorker


def warm_renderer() -> None:
    """Start the worker's browser now, so the first export does not wait for it, and a worker
    whose browser cannot start takes no job (``ExportError``).
    """
    from dashboard.export import render_figure

    render_figure({"data": [], "layout": {}}, "svg", width=200, height=200)


def _quiet_sweeps(record: logging.LogRecord) -> bool:
    """Leave RQ's "cleaning registries" lines (every ``SWEEP_S``) out of the worker's log."""
    return "cleaning" not in str(record.msg)


def use_tmp_dir(tmp_dir: Path) -> None:
    """Send everything the browser writes under ``tmp_dir``: its temporary profile (``TMPDIR``), and
    what Chromium and GTK write under the home folder (crash reports in ``~/.config/chromium``, the
    dconf cache in ``~/.cache``): ``HOME``, ``XDG_CONFIG_HOME`` and ``XDG_CACHE_HOME`` point there.
    """
    places = {"TMPDIR": tmp_dir / "tmp", "HOME": tmp_dir / "home", "XDG_CONFIG_HOME": tmp_dir / "home" / ".config",
              "XDG_CACHE_HOME": tmp_dir / "home" / ".cache"}
    length = len(str(places["TMPDIR"].absolute()))
    if length > MAX_TMPDIR_CHARS:  # Chromium's sockets go in TMPDIR; a Unix socket path has at most 107 bytes
        raise ValueError(f"--tmp-dir {tmp_dir} is too long for Chromium ({length} characters with /tmp; at most "
                         f"{MAX_TMPDIR_CHARS}): its sockets would not fit; use a short path such as /run/sahel-export-worker-1")
    for variable, folder in places.items():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.environ[variable] = str(folder)
    tempfile.tempdir = str(places["TMPDIR"])


def work(url: str, data_dir: Path, *, name: str | None = None, burst: bool = False, max_jobs: int | None = None,
         tmp_dir: Path | None = None) -> int:
    """Run one export worker until SIGTERM (or, with ``burst``, until the queue is empty)."""
    global _worker  # noqa: PLW0603  (one data set per worker process, loaded once)
    from rq import Queue
    from rq.serializers import JSONSerializer

    from dashboard.export import stop_renderer
    from dashboard.view import build_app_data
    from sahel_data.load import load_catalog

    if tmp_dir is not None:
        use_tmp_dir(tmp_dir)
    connection = connect(url)
    _worker = _Worker(build_app_data(load_catalog(data_dir)), data_version(data_dir))
    warm_renderer()
    queue = Queue(QUEUE_NAME, connection=connection, serializer=JSONSerializer)
    worker = worker_class()([queue], connection=connection, serializer=JSONSerializer, name=name,
                            worker_ttl=WORKER_TTL_S, maintenance_interval=SWEEP_S, job_monitoring_interval=HEARTBEAT_S)
    logging.getLogger("rq.worker").addFilter(_quiet_sweeps)
    print(f"Export worker {worker.name} on {redacted(url)}, queue {QUEUE_NAME}, data version {_worker.version}", flush=True)
    try:
        worker.work(burst=burst, max_jobs=max_jobs, logging_level="INFO", with_scheduler=False)
    finally:
        stop_renderer()
    return 0
