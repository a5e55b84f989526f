"""The file cache looks for entries to cull now and then, not on every write."""

from unittest import mock

from core import cache as backends


def file_cache(tmp_path, monkeypatch, max_entries):
    monkeypatch.setattr(backends, "_next_cull", 0.0)
    return backends.FileBackend(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def kept_files(tmp_path):
    return len(list(tmp_path.glob("*.djcache")))


def test_writes_list_the_directory_once_in_a_while_not_each_time(tmp_path, monkeypatch):
    cache = file_cache(tmp_path, monkeypatch, max_entries=1000)
    with mock.patch.object(cache, "entries", wraps=cache.entries) as listed:
        for n in range(50):
            cache.set(f"fragment-{n}", "<p>kept</p>")
        cache.add("generation", 1)
        cache.incr("generation")
    assert listed.call_count == 1
    assert cache.get("fragment-49") == "<p>kept</p>" and cache.get("generation") == 2


def test_a_cache_past_its_limit_is_culled_at_the_next_look(tmp_path, monkeypatch):
    cache = file_cache(tmp_path, monkeypatch, max_entries=10)
    for n in range(30):
        cache.set(f"page-{n}", "kept")
    assert kept_files(tmp_path) == 30  # between looks it may grow

    later = backends.time.monotonic() + backends.CULL_SECONDS + 1
    with mock.patch.object(backends.time, "monotonic", return_value=later):
        cache.set("page-30", "kept")
    assert kept_files(tmp_path) < 30
