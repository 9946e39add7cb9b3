"""The load cache: used while the file is unchanged, never stale, safe with concurrent builders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from relcli import cache, rules, store
from tests.conftest import MINI
from tests.test_installed import command, env


@pytest.fixture(autouse=True)
def small_file_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the cache of small files; test_index.py covers large ones."""
    monkeypatch.setenv("RELCLI_INDEX", "never")


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.json"
    shutil.copy(MINI, path)
    return path


def test_second_load_comes_from_the_cache(data_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = store.load(data_file)
    assert cache.location(data_file, ".marshal").exists()
    monkeypatch.setattr(
        rules, "build", lambda document: (_ for _ in ()).throw(AssertionError("rebuilt"))
    )
    assert store.load(data_file).to_json() == first.to_json()


def _retitle(path: Path, old: str, new: str) -> None:
    assert len(old) == len(new)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_changed_content_with_same_size_and_mtime_is_reread(data_file: Path) -> None:
    store.load(data_file)
    before = data_file.stat()
    _retitle(data_file, "A year known only by its year", "A YEAR KNOWN ONLY BY ITS YEAR")
    os.utime(data_file, ns=(before.st_atime_ns, before.st_mtime_ns))  # hide the edit from mtime
    assert data_file.stat().st_size == before.st_size
    titles = [e.title for e in store.load(data_file).events]
    assert "A YEAR KNOWN ONLY BY ITS YEAR" in titles


def test_replaced_file_is_reread(data_file: Path, tmp_path: Path) -> None:
    store.load(data_file)
    replacement = tmp_path / "new.json"
    shutil.copy(data_file, replacement)
    _retitle(replacement, "A year known only by its year", "A year known only by its YEAR")
    os.replace(replacement, data_file)
    assert any(e.title.endswith("YEAR") for e in store.load(data_file).events)


def test_touched_file_is_reread_and_still_correct(
    data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = store.load(data_file).to_json()
    calls = []
    original = rules.build

    def counting(document: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(document)

    monkeypatch.setattr(rules, "build", counting)
    os.utime(data_file)
    assert store.load(data_file).to_json() == first
    assert calls == [1]


def test_deleted_file_is_an_error_even_with_a_cache(relcli, data_file: Path) -> None:  # type: ignore[no-untyped-def]
    assert relcli("--data", str(data_file), "treaties").code == 0
    data_file.unlink()
    result = relcli("--data", str(data_file), "treaties")
    assert (result.code, result.err.strip()) == (3, f"relcli: {data_file}: no such file")


def test_invalid_files_are_never_cached(relcli, data_file: Path) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(data_file.read_text(encoding="utf-8"))
    document["events"][0]["date"] = "2013-02-30"
    data_file.write_text(json.dumps(document), encoding="utf-8")
    assert relcli("--data", str(data_file), "timeline").code == 3
    assert not cache.location(data_file, ".marshal").exists()
    assert relcli("--data", str(data_file), "timeline").code == 3


def test_corrupt_or_foreign_cache_is_ignored(data_file: Path) -> None:
    expected = store.load(data_file).to_json()
    location = cache.location(data_file, ".marshal")
    for garbage in (b"", b"\x00garbage", b"\xe3" * 100):
        location.write_bytes(garbage)
        assert store.load(data_file).to_json() == expected


def test_unwritable_cache_directory_is_harmless(
    data_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("RELCLI_CACHE_DIR", str(blocker / "cache"))
    assert len(store.load(data_file).events) == 7
    assert len(store.load(data_file).events) == 7


def test_cache_can_be_turned_off(data_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELCLI_CACHE", "0")
    store.load(data_file)
    assert not cache.location(data_file, ".marshal").exists()


def test_concurrent_builders(data_file: Path, tmp_path: Path) -> None:
    """Eight processes start on a new file at once: all answer correctly, the cache is whole."""
    cache_dir = tmp_path / "shared-cache"
    procs = [
        subprocess.Popen(
            [*command(), "--data", str(data_file), "timeline", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env(RELCLI_CACHE_DIR=str(cache_dir)),
        )
        for _ in range(8)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outputs]
    assert len({out for out, _ in outputs}) == 1
    assert len(json.loads(outputs[0][0])) == 7
    files = sorted(p.name for p in cache_dir.iterdir())
    assert len(files) == 1 and not files[0].startswith(".")  # no temporary files left behind
    result = subprocess.run(
        [*command(), "--data", str(data_file), "timeline", "--json"],
        capture_output=True,
        env=env(RELCLI_CACHE_DIR=str(cache_dir)),
        timeout=60,
    )
    assert result.stdout == outputs[0][0]


def _entry(fingerprint: object, plain: dict[str, object], arrays: dict[str, bytes]) -> bytes:
    """A cache entry laid out as ``cache.packed`` lays it out, with arrays given as bytes."""
    import marshal
    import zlib

    table, offset = {}, 0
    for key, array in arrays.items():
        table[key] = (offset, len(array), zlib.crc32(array))
        offset += len(array)
    header = marshal.dumps((fingerprint, plain, table))
    sizes = zlib.crc32(header).to_bytes(4, "big") + len(header).to_bytes(4, "big")
    return b"".join([cache._MAGIC, sizes, header, *arrays.values()])


def test_a_damaged_part_of_the_cache_is_read_from_the_file(data_file: Path) -> None:
    """The cache keeps each record array marshalled until used; a damaged one is not trusted."""
    import marshal

    expected = store.load(data_file).to_json()
    location = cache.location(data_file, ".marshal")
    blob = location.read_bytes()
    assert blob.startswith(cache._MAGIC)
    fingerprint, document = cache.unpacked(blob, lambda: {})
    assert dict.__getitem__(document, "events") is not document["actors"]  # read when asked
    plain = {k: v for k, v in dict.items(document) if not isinstance(document[k], list)}
    arrays = {k: marshal.dumps(document[k]) for k in document if isinstance(document[k], list)}
    for damage in (b"\x00garbage", marshal.dumps({"not": "a list"}), b"[\xff\xff\xff\x7f"):
        location.write_bytes(_entry(fingerprint, plain, {**arrays, "events": damage}))
        assert store.load(data_file).to_json() == expected
    # Bytes garbled after the checksum was taken: the checksum catches them.
    good = _entry(
        fingerprint,
        plain,
        {k: v for k, v in arrays.items() if k != "events"} | {"events": arrays["events"]},
    )
    location.write_bytes(good[:-50] + bytes(50))
    assert store.load(data_file).to_json() == expected
