"""The content generation (core/generation.py): one number, in the cache every process
shares, that kept pages and fragments are keyed on and a bump moves on; the list
generation beside it, which changes only with what the lists hold; and values slow to
make, made by one process at a time while the others wait for them."""

import threading
import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command

from core import generation


def test_content_generation_changes_when_bumped():
    first = generation.current()

    assert generation.current() == first
    assert generation.bump() != first
    assert generation.cache_key("x") != f"g:{first}:x"


def test_a_request_reads_each_generation_once_and_follows_its_own_bumps():
    with generation.per_request():
        first = generation.current()
        cache.incr(generation.KEY)  # another process's change, in the middle of this page
        assert generation.current() == first
        assert generation.bump() == generation.current() == first + 2
    assert generation.current() == first + 2


def test_a_comment_leaves_the_list_generation_alone():
    lists = generation.current(generation.LISTS_KEY)
    content = generation.bump(lists=False)

    assert generation.current(generation.LISTS_KEY) == lists
    generation.bump()
    assert generation.current(generation.LISTS_KEY) > lists
    assert generation.current() > content


@pytest.mark.django_db
def test_a_deploy_serves_nothing_the_code_before_it_kept():
    content, lists = generation.current(), generation.current(generation.LISTS_KEY)
    call_command("migrate", verbosity=0)

    assert generation.current() != content
    assert generation.current(generation.LISTS_KEY) != lists


def test_content_generation_survives_a_cache_flush_without_reuse():
    before = generation.bump()
    cache.clear()

    assert generation.current() > before


@pytest.mark.django_db
def test_the_generation_outlives_the_default_cache_timeout(post):
    generation.bump()  # a generation the post's save started: the bump increments it
    with mock.patch("time.time", return_value=time.time() + 3600):
        assert cache.get(generation.KEY) is not None


# A slow value is made by one process at a time ---------------------------------------------


def made_elsewhere(parts):
    """Another process has started making the value kept under `parts`."""
    key = generation.cache_key(*parts)
    cache.add(f"making:{key}", True, generation.MAKING_SECONDS)
    return key


@pytest.mark.django_db
def test_a_value_another_process_is_making_is_waited_for_not_made_again():
    generation.next_change()
    key = made_elsewhere(("footer",))
    finisher = threading.Timer(0.1, lambda: cache.set(key, "made elsewhere", 60))
    finisher.start()
    made_here = mock.Mock(return_value="made here")

    assert generation.kept(("footer",), made_here, 60) == "made elsewhere"
    assert not made_here.called
    finisher.join()


@pytest.mark.django_db
def test_a_process_that_dies_while_making_a_value_holds_the_others_up_only_briefly():
    generation.next_change()
    made_elsewhere(("footer",))
    with mock.patch.object(generation, "MAKING_SECONDS", 0.1):
        assert generation.kept(("footer",), lambda: "made here", 60) == "made here"
    assert generation.kept(("footer",), lambda: "made again", 60) == "made here"


@pytest.mark.django_db
def test_a_reader_that_stops_waiting_leaves_the_slow_makers_mark_alone():
    generation.next_change()
    key = made_elsewhere(("footer",))
    with mock.patch.object(generation, "MAKING_SECONDS", 0.1):
        generation.kept(("footer",), lambda: "made here", 60)
    cache.delete(key)  # gone again, while the slow maker is still at work
    with (
        mock.patch.object(generation, "MAKING_SECONDS", 0.1),
        mock.patch.object(generation.time, "sleep") as waited,
    ):
        generation.kept(("footer",), lambda: "made by a third", 60)
    assert waited.called


@pytest.mark.django_db
def test_a_value_that_failed_to_be_made_is_made_by_the_next_reader_without_waiting():
    def fails():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        generation.kept(("footer",), fails, 60)
    with mock.patch.object(generation.time, "sleep", side_effect=AssertionError("waited")):
        assert generation.kept(("footer",), lambda: "made", 60) == "made"
