"""The benchmark's cheapest pieces, run for real so its code cannot rot; the figures are not asserted
(targets are never timed tests), only that they are measured, reported and written."""
from __future__ import annotations

import json

import pytest

from bench import loadgen
from bench.__main__ import TARGETS, main
from bench.figures import Results, markdown


def test_quick_relay_run_prints_the_table_and_writes_the_figures(tmp_path, capsys):
    main(["--quick", "--only", "relay", "--out", str(tmp_path / "latest.json")])
    figures = json.loads((tmp_path / "latest.json").read_text())
    assert {"base.pika_one_by_one", "relay.events_per_s", "relay.ratio"} <= set(figures["figures"])
    relay = next(t for t in figures["targets"] if t["figure"] == "relay.ratio")
    assert relay["holds"] in (True, False) and relay["median"] > 0
    assert "| 5 relay | relay ÷ one-by-one confirms |" in capsys.readouterr().out


@pytest.mark.skipif(not loadgen.have_wrk(), reason="wrk is not installed (apt-get install -y wrk)")
def test_quick_baselines_run_both_load_tools_against_the_bare_app(tmp_path):
    results = main(["--quick", "--only", "baselines", "--seconds", "2", "--out", str(tmp_path / "latest.json")])
    for key in ("base.json.rps", "base.insert.rps", "base.insert_locust.rps"):
        assert results.figures[key].median > 0, key


def test_ratios_pair_runs_and_targets_are_marked_next_to_their_figures():
    results = Results()
    for top, bottom in ((30.0, 10.0), (50.0, 10.0), (20.0, 10.0)):
        results.add("5 relay", "relay.events_per_s", "relay", "events/s", top)
        results.add("1 baselines", "base.pika_one_by_one", "pika", "msg/s", bottom)
    ratio = results.ratio("5 relay", "relay.ratio", "relay ÷ one-by-one", "relay.events_per_s",
                          "base.pika_one_by_one")
    assert ratio.values == [3.0, 5.0, 2.0] and ratio.median == 3.0
    table = markdown(results, TARGETS)
    assert "| 5 relay | relay ÷ one-by-one | 3.00× | 2.00×–5.00× | × | 3 |" in table
    assert "| 5 relay | ≥ 3 × the one-by-one-confirm baseline | 3.00× | ✅ |" in table
    assert "| 6 workflows | ≥ 20 workflows/s with 8 families | not measured | – |" in table


def test_web_section_reads_server_timing_and_takes_its_pages_from_one_table():
    from bench import web
    from bench.__main__ import PIECES

    assert web.server_timing("api;dur=12.5, app;dur=3.1") == {"api": 12.5, "app": 3.1}
    assert web.server_timing("") == {}
    fill = {"monday": "2026-12-07", "next_monday": "2026-12-14", "client_id": "3f1c"}
    paths = [template.format(**fill) for _, templates in web.VIEWS.values() for template in templates]
    assert paths and all(path.startswith("/staff/") and "{" not in path for path in paths)
    measured = web.Load(views=[0.1, 0.2], seconds=2.0, samples=[
        web.Sample(0.1, 200, {"api": 8.0, "app": 2.0}), web.Sample(0.2, 500, {"api": 4.0, "app": 4.0})])
    assert (measured.per_second, measured.failed, measured.timing_p50("app")) == (1.0, {500: 1}, 3.0)
    assert "web" in PIECES
    [target] = [t for t in TARGETS if t.key == "web.app.p50"]
    assert (target.limit, target.lower) == (10, True)
