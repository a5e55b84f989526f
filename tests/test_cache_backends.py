"""The file and Redis backends answer every cache call as Django's own do, and keep what
they keep in Django's form: each reads what the other wrote, so a site can switch either
way with its cache as it was."""

import uuid
from unittest import mock

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from core import cache as backends

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["file", "redis"])
def pair(request, tmp_path, monkeypatch):
    """Our backend and Django's, on the same folder or Redis keys, and what empties them."""
    if request.param == "file":
        monkeypatch.setattr(backends, "_next_cull", 0.0)
        options = {"OPTIONS": {"MAX_ENTRIES": 1000}}
        ours = backends.FileBackend(str(tmp_path), options)
        yield ours, FileBasedCache(str(tmp_path), options), ours.clear
        return
    pytest.importorskip("redis")
    from redis.exceptions import ConnectionError as NoRedis

    prefix = f"backend-test-{uuid.uuid4().hex}"
    ours = backends.RedisBackend(REDIS, {"KEY_PREFIX": prefix})

    def wipe():  # these keys only: the database may be another test's too
        if found := ours.client().keys(f"{prefix}:*"):
            ours.client().delete(*found)

    try:
        wipe()
    except NoRedis as error:
        pytest.skip(f"no Redis at {REDIS}: {error}")
    yield ours, DjangoRedisCache(REDIS, {"KEY_PREFIX": prefix}), wipe
    wipe()


def every_answer(cache):
    """What `cache` answers to one of every call, with every kind of value and timeout."""
    return [
        cache.get("absent", "default"),
        cache.set("text", "é <p>", 60),
        cache.get("text"),
        cache.add("text", "other"),
        cache.add("new", {"a": [1, 2]}),
        cache.get("new"),
        cache.has_key("new"),
        cache.has_key("absent"),
        cache.set("gone", "x", 0),
        cache.has_key("gone"),
        cache.set("forever", 7, None),
        cache.incr("forever", 3),
        cache.get("forever"),
        cache.touch("forever", 60),
        cache.touch("absent"),
        cache.get("forever"),
        cache.set("v", "one", version=2),
        cache.get("v"),
        cache.get("v", version=2),
        cache.set_many({"m1": 1, "m2": "two"}, 60),
        cache.get_many(["m1", "m2", "absent"]),
        cache.delete_many(["m1", "absent"]),
        cache.get_many(["m1", "m2"]),
        cache.delete("m2"),
        cache.delete("m2"),
        cache.add("zero", "x", 0),
        cache.get("zero"),
    ]


def test_every_call_answers_as_djangos_backend_does(pair):
    ours, theirs, wipe = pair
    mine = every_answer(ours)
    wipe()

    assert mine == every_answer(theirs)
    with pytest.raises(ValueError):
        ours.incr("absent")


def test_each_reads_what_the_other_kept(pair):
    ours, theirs, _ = pair
    ours.set("ours", {"kept": 1}, 60)
    theirs.set("theirs", [1, "two"], 60)
    theirs.set("number", 41, None)

    assert theirs.get("ours") == {"kept": 1}
    assert ours.get("theirs") == [1, "two"]
    assert ours.incr("number") == 42 and theirs.get("number") == 42


def test_a_value_past_its_time_is_gone(tmp_path, monkeypatch):
    monkeypatch.setattr(backends, "_next_cull", 0.0)
    cache = backends.FileBackend(str(tmp_path / "kept"), {})
    cache.set("page", "kept", 60)
    later = backends.unix_time() + 61

    with mock.patch.object(backends, "unix_time", return_value=later):
        assert cache.get("page") is None
    assert not list((tmp_path / "kept").iterdir())  # and its file deleted
