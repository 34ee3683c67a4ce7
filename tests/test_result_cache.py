"""The query pool's answer cache: bounded in bytes and entries, keyed per checkpoint."""

from __future__ import annotations

from lcc_graph.store.base import QueryResult
from lcc_graph.store.result_cache import ResultCache


def answer(size: int) -> QueryResult:
    return QueryResult("solutions", b"x" * size)


def test_bounded_by_entries_oldest_out_first():
    cache = ResultCache(max_bytes=10**9, max_entries=3)
    for i in range(5):
        cache.put(("cp", i), answer(10))
    assert len(cache) == 3
    assert cache.get(("cp", 0)) is None and cache.get(("cp", 1)) is None
    assert cache.get(("cp", 4)).data == b"x" * 10
    assert (cache.hits, cache.misses) == (1, 2)


def test_bounded_by_bytes_counting_keys_and_entries():
    cache = ResultCache(max_bytes=3 * (100 + ResultCache.ENTRY_OVERHEAD + 20), max_entries=10**6)
    for i in range(10):
        cache.put(("cp", i), answer(100))
    # each entry costs its 100 bytes, its key and the allowance: three fit
    assert len(cache) == 3 and cache.size_bytes <= cache.max_bytes
    assert cache.get(("cp", 9)) is not None and cache.get(("cp", 6)) is None


def test_a_recent_read_is_kept_longer():
    cache = ResultCache(max_bytes=10**9, max_entries=2)
    cache.put(("cp", "a"), answer(1))
    cache.put(("cp", "b"), answer(1))
    assert cache.get(("cp", "a")) is not None  # a is now the most recent
    cache.put(("cp", "c"), answer(1))
    assert cache.get(("cp", "b")) is None and cache.get(("cp", "a")) is not None


def test_an_answer_over_the_entry_limit_is_not_kept():
    cache = ResultCache(max_bytes=10**9, max_entry_bytes=50)
    cache.put(("cp", 1), answer(51))
    cache.put(("cp", 2), answer(50))
    assert cache.get(("cp", 1)) is None and cache.get(("cp", 2)) is not None


def test_forget_except_keeps_the_current_checkpoint_only():
    cache = ResultCache()
    cache.put(("old", 1), answer(5))
    cache.put(("new", 1), answer(7))
    cache.forget_except("new")
    assert len(cache) == 1 and cache.get(("new", 1)).data == b"x" * 7
    assert cache.size_bytes == 7 + len(repr(("new", 1))) + ResultCache.ENTRY_OVERHEAD
