"""Policy validation: one bad file per failure mode, each with the message it must give."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medaid.errors import PolicyError
from medaid.policy import PolicyRegistry, default_policy_dir, load_policy_file

BAD = sorted((Path(__file__).parent / "bad").glob("*.toml"))


def _expected(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_policy_file_is_refused_with_its_place(path: Path) -> None:
    """The error names the file, the key path and the bad value."""
    with pytest.raises(PolicyError) as caught:
        load_policy_file(path)
    assert str(path) in str(caught.value)
    found = [f"{key}: {message}" if key else message for _file, key, message in caught.value.problems]
    assert any(_expected(path) in line for line in found), found


def test_every_problem_is_listed() -> None:
    """Several problems in one file are all reported, not only the first."""
    text = (default_policy_dir() / "shanghai" / "medical-assistance-2023.toml").read_text(encoding="utf-8")
    broken = text.replace("ratio = 0.90", "ratio = 9").replace("title_en =", "oops = 1\ntitle_en =")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "two.toml"
        target.write_text(broken, encoding="utf-8")
        with pytest.raises(PolicyError) as caught:
            load_policy_file(target)
    keys = [key for _file, key, _message in caught.value.problems]
    assert ["oops", "categories.dibao.inpatient.ratio"] == sorted(keys, key=lambda k: k != "oops")


def test_shipped_versions_cover_2018_07_onward_without_gap_or_overlap() -> None:
    """Every shipped file validates; medical-assistance versions run from 2018-07-01 with no gap, one open end."""
    registry = PolicyRegistry.from_directory(default_policy_dir())
    line = [p for p in registry if p.scheme == "medical_assistance"]
    assert line[0].effective_from <= __import__("datetime").date(2018, 7, 1)
    for before, after in zip(line, line[1:]):
        assert (after.effective_from - before.effective_to).days == 1
    assert [p.effective_to for p in line].count(None) == 1 and line[-1].effective_to is None


def _copy_policies(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(default_policy_dir(), target)
    return target


@pytest.mark.parametrize(
    "start, message",
    [
        ("2023-12-01", "medical-assistance-2024 starts 2023-12-01 but medical-assistance-2023 is still in force then"),
        (
            "2024-02-01",
            "gap: medical-assistance-2023 ends 2023-12-31 but medical-assistance-2024 starts only 2024-02-01",
        ),
    ],
    ids=["overlap", "gap"],
)
def test_overlapping_or_gapped_versions_are_refused(tmp_path: Path, start: str, message: str) -> None:
    """Two versions in force on one day, or a day with none, are refused naming the later file."""
    root = _copy_policies(tmp_path)
    path = root / "shanghai" / "medical-assistance-2024.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("effective_from = 2024-01-01", f"effective_from = {start}"),
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as caught:
        PolicyRegistry.from_directory(root)
    assert f"{path}: effective_from: {message}" == str(caught.value)


BAD_REFORMS = sorted((Path(__file__).parent / "bad-reforms").glob("*.toml"))


@pytest.mark.parametrize("path", BAD_REFORMS, ids=[p.stem for p in BAD_REFORMS])
def test_bad_reform_file_is_refused_with_its_place(path: Path) -> None:
    """A reform that takes a shipped id, moves its dates, or holds an out-of-bounds value is refused, naming the key."""
    from medaid.policy import default_registry

    with pytest.raises(PolicyError) as caught:
        default_registry().resolve(path)
    assert str(path) in str(caught.value)
    found = [f"{key}: {message}" if key else message for _file, key, message in caught.value.problems]
    assert any(_expected(path) in line for line in found), found


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e30"])
@pytest.mark.parametrize("key", ["cap", "ratio"])
def test_policy_validate_refuses_non_finite_and_huge_values_in_one_line(tmp_path: Path, key: str, value: str) -> None:
    """`medaid policy validate` on inf/nan/1e30 caps and ratios: one line naming the key, exit 2, no traceback."""
    from typer.testing import CliRunner

    from medaid.cli import app

    reform = tmp_path / "r.toml"
    reform.write_text(
        f'extends = "medical-assistance-2024"\n[categories.low_income.outpatient]\n{key} = {value}\n', encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["policy", "validate", str(reform)])
    assert 2 == result.exit_code and (result.exception is None or isinstance(result.exception, SystemExit)), (
        result.output
    )
    assert f"categories.low_income.outpatient.{key}: must" in result.output and "Traceback" not in result.output
