"""`ustd profiles ...` through Typer, registered as the lead's CLI does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import keyring
import typer
from keyring_service import MemoryKeyring
from profile_helpers import DELEGATION, EXAMPLES, SINGLE, TODAY
from typer.testing import CliRunner

from assistant import secrets
from assistant.cli import profiles, secrets as secrets_cli
from flows.errors import ProfileInvalid, UstdError
from assistant.profile_files import load_group

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
T = ["--today", TODAY.isoformat()]


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(profiles.app, name="profiles")
    app.add_typer(secrets_cli.app, name="secrets")
    return app


def invoke(*args: str, input: str | None = None):  # noqa: A002
    return runner.invoke(_app(), list(args), input=input)


def test_validate_examples_exit_0() -> None:
    result = invoke("profiles", "validate", str(EXAMPLES), *T)
    assert result.exit_code == 0, result.output
    assert "delegation.yaml: valid" in result.output and "single.yaml: valid" in result.output
    assert "under 14" in result.output and "80 and over" in result.output


def test_validate_examples_today_without_option() -> None:
    """The examples stay valid for a while on the real date too (travel in 2028)."""
    assert invoke("profiles", "validate", str(DELEGATION), str(SINGLE)).exit_code == 0


def test_validate_bad_file_exit_1_with_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(DELEGATION.read_text(encoding="utf-8")
                   .replace("gender: Female", "gender: Femal", 1)
                   .replace("AA00EXM004", "AA00EXM01"), encoding="utf-8")
    result = invoke("profiles", "validate", str(bad), str(SINGLE), *T)
    err = result.exception
    assert isinstance(err, ProfileInvalid) and err.exit_code == 1
    text = str(err)
    assert f"{bad}:" in text and "dependents[0].gender" in text and "dependents[2].ds160_number" in text
    assert "2 error(s)" in text
    assert "single.yaml: valid" in result.output


def test_validate_a_spreadsheet(tmp_path: Path) -> None:
    from assistant.spreadsheet import write_template

    sheet = write_template(tmp_path / "d.xlsx", load_group(DELEGATION, today=TODAY))
    assert invoke("profiles", "validate", str(sheet), *T).exit_code == 0


def test_show_table_with_portal_values_and_secret_status(memory_keyring: MemoryKeyring) -> None:
    secrets.set_secret("he-mingyuan", "portal-password", "Pa55-word!x")
    result = runner.invoke(_app(), ["profiles", "show", str(DELEGATION), *T], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in ("5/14/1978", "3/17/2034", "China (+86) 13800000001", "Premium Delivery", "中文(中国)",
                     "Beijing - 1F, Bldg E", "(primary's)", "new: sign up first", "AA00EXM003"):
        assert expected in out, expected
    assert out.count("present") == 1 and out.count("MISSING") == 3
    assert "Pa55-word!x" not in out


def _shown_rows(name: str) -> dict[str, list[str]]:
    """The show table as rows: field -> one cell per applicant (no terminal wrapping)."""
    _, rows = profiles._rows(load_group(EXAMPLES / name, today=TODAY))
    return {row[0]: row[1:] for row in rows}


def test_show_the_class_fields_travel_history_and_premium_location() -> None:
    worker = _shown_rows("petition-worker.yaml")
    assert worker["Petition receipt number"] == ["EAC2490012345", ""]  # the H-4 spouse has none
    assert worker["Petitioner name"] == ["Example Analytics Inc.", ""]
    assert "SEVIS ID" not in worker
    assert worker["Document delivery"][0].startswith("Premium Location (fee): Shenzhen - CITIC Bank Shenzhen Branch")
    assert worker["Document delivery"][1].endswith("(primary's)")
    assert worker["Previous U.S. visa"][0] == "F-1, issued 7/18/2017, expiry 7/17/2022"
    students = _shown_rows("student-family.yaml")
    assert students["SEVIS ID"] == ["N0045678123", "N0045678124", "N0045678125"]
    assert students["Previous U.S. visa"] == ["B1/B2, issued 7/1/2019, expiry 6/30/2024", "none", "none"]
    assert students["Ever refused a U.S. visa"] == ["no", "no", "no"]
    assert "Petitioner name" not in students
    delegation = _shown_rows("delegation.yaml")  # All Others: no waiver questions, no rows for them
    assert "Previous U.S. visa" not in delegation and "SEVIS ID" not in delegation


def test_show_says_not_known_for_a_waiver_fact_left_empty() -> None:
    group = load_group(EXAMPLES / "student-family.yaml", today=TODAY)
    child = group.dependents[1].model_copy(update={"travel_history": None})
    _, rows = profiles._rows(group.model_copy(update={"dependents": [group.dependents[0], child]}))
    shown = {row[0]: row[1:] for row in rows}
    assert shown["Previous U.S. visa"][2] == "not known"
    assert shown["U.S. visa lost, stolen, cancelled or revoked"][2] == "not known"


def test_show_without_keyring_says_unavailable() -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        result = runner.invoke(_app(), ["profiles", "show", str(SINGLE), *T], env={"COLUMNS": "250"})
    finally:
        keyring.set_keyring(previous)
    assert result.exit_code == 0 and "keyring unavailable" in result.output


def test_schema_is_json_schema_for_groups(tmp_path: Path) -> None:
    result = invoke("profiles", "schema")
    schema = json.loads(result.output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"name", "post", "travel_date", "primary", "dependents"} <= set(schema["properties"])
    out = tmp_path / "s.json"
    assert invoke("profiles", "schema", "--out", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == schema


def test_template_then_import_then_validate(tmp_path: Path) -> None:
    sheet = tmp_path / "d.xlsx"
    assert invoke("profiles", "template", str(sheet), "--from", str(DELEGATION)).exit_code == 0
    assert isinstance(invoke("profiles", "template", str(sheet)).exception, UstdError)  # no overwrite
    out = tmp_path / "profiles" / "d.yaml"
    result = invoke("profiles", "import", str(sheet), "--out", str(out), *T)
    assert result.exit_code == 0, result.output
    assert invoke("profiles", "validate", str(out), *T).exit_code == 0
    assert load_group(out, today=TODAY) == load_group(DELEGATION, today=TODAY)


def test_empty_template_and_bad_import_writes_nothing(tmp_path: Path) -> None:
    sheet = tmp_path / "t.xlsx"
    assert invoke("profiles", "template", str(sheet)).exit_code == 0
    result = invoke("profiles", "import", str(sheet), "--out", str(tmp_path / "x.yaml"))
    assert isinstance(result.exception, ProfileInvalid)
    assert not (tmp_path / "x.yaml").exists()


def test_no_secret_in_any_file_the_tool_writes(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    values = ["Pa55-word!x", "Zhou Mei", "Dongsi Road", "Xiaobai"]
    invoke("secrets", "set", "he-mingyuan", input="\n".join(values) + "\n")
    secrets.load_account_secrets("he-mingyuan")
    sheet = tmp_path / "d.xlsx"
    invoke("profiles", "template", str(sheet), "--from", str(DELEGATION))
    invoke("profiles", "import", str(sheet), "--out", str(tmp_path / "out"), *T)
    invoke("profiles", "schema", "--out", str(tmp_path / "schema.json"))
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) == 3
    for path in written:
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            import zipfile

            data = b"".join(zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist())
        for value in values:
            assert value.encode() not in data, f"{value} in {path}"


def test_cli_modules_import_light() -> None:
    """`ustd --help` stays fast: registering the sub-apps imports no heavy library."""
    code = ("import sys, assistant.cli.profiles, assistant.cli.secrets\n"
            "heavy = [m for m in ('openpyxl', 'keyring', 'pydantic', 'yaml', 'loguru') if m in sys.modules]\n"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "", out.stdout + out.stderr
