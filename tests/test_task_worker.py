"""A worker killed mid-task: real `manage.py db_worker` processes on the test database."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.tasks import send_email

from . import tasks

ROOT = Path(__file__).resolve().parent.parent


def database_url():
    """The test database, for another process (pytest-django's test name is in NAME)."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    user, password = quote(database["USER"] or "", safe=""), quote(database["PASSWORD"] or "")
    return f"postgres://{user}:{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@pytest.fixture
def worker_env(settings, transactional_db, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ours = ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_BACKEND", "EMAIL_URL")
    return {
        **{name: value for name, value in os.environ.items() if name not in ours},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",
        "CACHE_DIR": str(tmp_path / "cache"),
    }


@pytest.fixture
def start_worker(worker_env, tmp_path):
    """start_worker(id, recovery_seconds, *options) starts `manage.py db_worker`."""
    started = []

    def start(worker_id, recovery_seconds, *options):
        log = tmp_path / f"{worker_id or len(started)}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
                 "--interval", "0.1", *(["--worker-id", worker_id] if worker_id else []),
                 *options],
                cwd=ROOT,
                env={**worker_env, "TASKS_RECOVERY_SECONDS": str(recovery_seconds)},
                stdout=output,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        process.log = log
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()


def wait_until(condition, worker):
    deadline = time.monotonic() + 60
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"The worker stopped:\n{worker.log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"Still waiting after a minute:\n{worker.log.read_text()}")
        time.sleep(0.05)


def stop(worker):
    worker.terminate()
    assert worker.wait(timeout=60) == 0, worker.log.read_text()
    return worker.log.read_text()


def status(result):
    return DBTaskResult.objects.get(pk=result.id).status


def subjects(folder):
    """The subject of each message the workers wrote to `folder`, in order."""
    found = []
    for path in sorted(folder.glob("*")):
        found += [line[9:] for line in path.read_text().splitlines() if line[:9] == "Subject: "]
    return found


def test_a_task_whose_worker_was_killed_runs_again_and_sends_each_message_once(
    start_worker, tmp_path
):
    gate = tmp_path / "gate"
    result = tasks.mail_twice.enqueue(str(gate))  # given a second
    first = start_worker("first", 3600)
    wait_until(lambda: Path(f"{gate}.waiting").exists(), first)  # the first message is sent

    first.send_signal(signal.SIGKILL)
    first.wait()
    assert status(result) == TaskResultStatus.RUNNING
    gate.touch()
    second = start_worker("second", 0.2)
    wait_until(lambda: status(result) == TaskResultStatus.SUCCESSFUL, second)
    log = stop(second)

    assert subjects(tmp_path / "mail") == ["First", "Second"]
    assert DBTaskResult.objects.get(pk=result.id).worker_ids == ["first", "second"]
    assert f"Task {result.id} (tests.tasks.mail_twice)" in log
    assert "it outlived its timeout of 0:00:01 on worker first" in log
    assert "queued to run again (attempt 2 of 3)" in log


def test_a_long_task_still_running_is_never_started_twice(start_worker, tmp_path):
    gate = tmp_path / "gate"
    long = tasks.wait_for.enqueue(str(gate))  # given ten minutes
    first = start_worker("first", 0.2)
    wait_until(lambda: Path(f"{gate}.starts").exists(), first)
    # Beside it, a task whose worker died ten minutes into it.
    lost = send_email.enqueue("Lost", "Its worker died.", ["reader@example.org"])
    DBTaskResult.objects.filter(pk=lost.id).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=["gone"],
        started_at=timezone.now() - timedelta(minutes=11),
    )

    # A second worker looks for lost tasks, runs what it finds, and stops.
    second = start_worker("second", 0.2, "--batch")
    assert second.wait(timeout=60) == 0, second.log.read_text()

    assert status(lost) == TaskResultStatus.SUCCESSFUL
    assert subjects(tmp_path / "mail") == ["Lost"]
    assert status(long) == TaskResultStatus.RUNNING
    gate.touch()
    wait_until(lambda: status(long) == TaskResultStatus.SUCCESSFUL, first)
    stop(first)
    assert Path(f"{gate}.starts").read_text() == "started\n"
    assert DBTaskResult.objects.get(pk=long.id).worker_ids == ["first"]


def test_a_worker_restarted_on_the_same_machine_runs_a_dead_workers_task_at_once(
    start_worker, tmp_path
):
    gate = tmp_path / "gate"
    result = tasks.wait_for.enqueue(str(gate))  # given ten minutes
    first = start_worker(None, 3600)
    wait_until(lambda: Path(f"{gate}.starts").exists(), first)
    first.send_signal(signal.SIGKILL)
    first.wait()
    gate.touch()

    second = start_worker(None, 3600)
    wait_until(lambda: status(result) == TaskResultStatus.SUCCESSFUL, second)
    log = stop(second)

    assert Path(f"{gate}.starts").read_text() == "started\nstarted\n"
    host = socket.gethostname()[:50]
    dead = f"{host}:{first.pid}"
    assert DBTaskResult.objects.get(pk=result.id).worker_ids == [dead, f"{host}:{second.pid}"]
    assert f"its worker {dead} is no longer running" in log
