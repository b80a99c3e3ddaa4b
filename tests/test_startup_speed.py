"""What start-up and shut-down shortcuts must not change.

The shipped YAML files are read with libyaml (``TextLoader.read_shipped``): the nodes (lines)
and data must be those of the careful reader, which also refuses anchors and deep nesting.
The mock portal stops without uvicorn's fixed pauses: a request in flight is still answered.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.request
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from flows import choices
from flows._portal_map import _parse
from flows.safe_yaml import TextLoader

SHIPPED = [Path(choices.__file__).with_name(name) for name in ("choices.yaml", "portal_map.yaml")]


def _tree(node: yaml.Node | None) -> Any:
    """A node as plain data with its tag and line, to compare two readers' nodes."""
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.start_mark.line, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, node.start_mark.line, [_tree(item) for item in node.value])
    return (node.tag, node.start_mark.line, [(_tree(k), _tree(v)) for k, v in node.value])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_files_read_the_same_with_libyaml(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    careful_node, careful_data = TextLoader.read(text)  # refuses anchors, aliases and deep nesting
    fast_node, fast_data = TextLoader.read_shipped(text)
    assert fast_data == careful_data
    assert _tree(fast_node) == _tree(careful_node)


def test_the_shipped_map_keeps_its_lines() -> None:
    text = SHIPPED[1].read_text(encoding="utf-8")
    assert _parse(text, "map", shipped_file=True) == _parse(text, "map")


@pytest.mark.parametrize("text", ["a: No\nb: 010\nc: ~\nd: 1.5\ne: 2026-01-01\n", "- on\n- null\n- ''\n"])
def test_only_null_is_resolved_by_either_reader(text: str) -> None:
    assert TextLoader.read_shipped(text)[1] == TextLoader.read(text)[1]


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: b: c\n", "a: 'x\n", "- a\nb: c\n"])
def test_an_error_in_a_shipped_file_is_worded_by_the_careful_reader(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as careful:
        TextLoader.read(text)
    with pytest.raises(yaml.YAMLError) as fast:
        TextLoader.read_shipped(text)
    assert type(fast.value) is type(careful.value)
    assert str(fast.value) == str(careful.value)



def test_the_mock_stops_promptly_when_idle() -> None:
    from fixtures import MockConfig, MockPortalServer

    with MockPortalServer(MockConfig()) as portal:
        with urllib.request.urlopen(f"{portal.url}/__mock__/outbox", timeout=10) as response:
            assert response.status == 200
        started = time.perf_counter()
        portal.stop()
        assert time.perf_counter() - started < 0.1  # uvicorn's own shutdown pauses 0.1 s, whatever the load


def test_the_mock_answers_a_request_in_flight_before_it_stops() -> None:
    from fixtures import MockConfig, MockPortalServer

    answers: list[tuple[int, str]] = []
    with MockPortalServer(MockConfig(latency_ms=300)) as portal:
        sessions = portal.app.state.runtime.sessions

        def ask() -> None:
            connection = http.client.HTTPConnection(portal.url.removeprefix("http://"), timeout=10)
            connection.request("GET", "/en-US/")
            response = connection.getresponse()
            response.read()
            answers.append((response.status, response.getheader("location", "")))

        arrived = threading.Event()  # in flight: the mock made its session and is still answering
        create = sessions.create

        def create_and_tell() -> Any:
            session = create()
            arrived.set()
            return session

        sessions.create = create_and_tell
        client = threading.Thread(target=ask)
        client.start()
        assert arrived.wait(5), "the request never reached the mock"
        portal.stop()
        client.join(5)
    assert answers == [(302, "/b2c/en-US/signin?returnUrl=%2Fen-US%2F")]  # the portal's answer, not a cut connection


def _record(folder: Path) -> Any:
    from assistant.run_record import RunRecord

    return RunRecord(run_key="k", mode="dry-run", portal_url="http://127.0.0.1", locale="zh-CN", inputs=["d"],
                     report_dir=str(folder))


@pytest.fixture()
def fresh_report_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """report.py's environment built anew, with its template cache under tmp_path."""
    from assistant import report

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    report._environment.cache_clear()
    yield tmp_path / "cache" / "ustd-assistant" / "templates"
    report._environment.cache_clear()


def test_the_report_template_is_compiled_once_and_kept_private(fresh_report_environment: Path, tmp_path: Path) -> None:
    from assistant import report

    record = _record(tmp_path)
    first = report.write_html(record).read_text(encoding="utf-8")
    cached = list(fresh_report_environment.iterdir())
    assert len(cached) == 1 and (fresh_report_environment.stat().st_mode & 0o777) == 0o700
    report._environment.cache_clear()  # a new process: the template comes from the cache
    assert report.write_html(record).read_text(encoding="utf-8") == first


def test_a_cache_folder_that_is_not_ours_alone_is_not_used(fresh_report_environment: Path, tmp_path: Path) -> None:
    from assistant import report

    fresh_report_environment.mkdir(parents=True)
    fresh_report_environment.chmod(0o777 | 0o1000)  # sticky and shared: private_dir leaves it so
    assert report._environment().bytecode_cache is None
    assert "</html>" in report.write_html(_record(tmp_path)).read_text(encoding="utf-8")


def test_a_broken_cache_entry_is_compiled_anew(fresh_report_environment: Path, tmp_path: Path) -> None:
    from assistant import report

    record = _record(tmp_path)
    first = report.write_html(record).read_text(encoding="utf-8")
    for entry in fresh_report_environment.iterdir():
        entry.write_bytes(b"not a cache entry")
    report._environment.cache_clear()
    assert report.write_html(record).read_text(encoding="utf-8") == first


def test_node_keeps_its_compile_cache_in_ours_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    import os

    from assistant.cli.run import _node_compile_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for name in ("NODE_COMPILE_CACHE", "NODE_DISABLE_COMPILE_CACHE"):  # restored after the test, set or not
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    _node_compile_cache()
    assert os.environ["NODE_COMPILE_CACHE"] == str(tmp_path / "ustd-assistant" / "node-compile-cache")
    monkeypatch.setenv("NODE_COMPILE_CACHE", "/elsewhere")
    _node_compile_cache()
    assert os.environ["NODE_COMPILE_CACHE"] == "/elsewhere"
    monkeypatch.delenv("NODE_COMPILE_CACHE")
    monkeypatch.setenv("NODE_DISABLE_COMPILE_CACHE", "1")
    _node_compile_cache()
    assert "NODE_COMPILE_CACHE" not in os.environ
