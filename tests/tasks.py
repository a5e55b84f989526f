"""Tasks that only the tests queue, for a real `manage.py db_worker` to run."""

import time
from datetime import timedelta
from pathlib import Path

from core import queue


def _wait_for(path):
    while not Path(path).exists():
        time.sleep(0.05)


@queue.task(timeout=timedelta(minutes=10))
def wait_for(gate):
    """Note each start in `gate`.starts, then wait for `gate`: a long task, alive."""
    with open(f"{gate}.starts", "a") as starts:
        starts.write("started\n")
    _wait_for(gate)
