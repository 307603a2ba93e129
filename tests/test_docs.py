"""The documentation site: it builds with MkDocs in strict mode (a broken link, a missing page,
anchor or API reference fails), it names no path outside the repository and cites no document a
user cannot open, and every screenshot it shows is drawn by an end-to-end test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
IMAGES = DOCS / "images"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

#: Developer-only documents and machine paths that users of the package do not have.
FORBIDDEN = re.compile(
    r"/work/|/home/|/root/|/Users/|shared/docs|perf-anchors"
    r"|peers\.md|style\.md|frontend-choices|tensorboard-internals"
)
#: Markdown links and images: [text](target) and ![alt](target).
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+\.png)\)")
DOC_SHOT = re.compile(r"doc_shot\(\s*\w+\s*,\s*\"([a-z0-9-]+)\"")


def build(config: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )


def project_text_files() -> list[Path]:
    """Everything users read: docs, README, changelog, the packages' sources (docstrings and
    comments), the frontend's sources, examples and benchmarks."""
    files = [ROOT / "README.md", ROOT / "mkdocs.yml", ROOT / "pyproject.toml"]
    files += [p for p in [ROOT / "CHANGELOG.md"] if p.exists()]
    files += sorted(DOCS.rglob("*.md")) + sorted(DOCS.rglob("*.py"))
    for folder in ("tb_eval", "tb_plugin", "examples", "benchmarks"):
        files += sorted((ROOT / folder).rglob("*.py"))
    files += sorted((ROOT / "frontend" / "src").rglob("*.ts"))
    files += sorted((ROOT / "frontend" / "src").rglob("*.tsx"))
    files += sorted((ROOT / "frontend").glob("*.ts"))
    return files


def test_site_builds_in_strict_mode_with_the_api_reference(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = build(ROOT / "mkdocs.yml", site)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output, output
    # the API reference is generated from the docstrings
    logging = (site / "reference" / "logging" / "index.html").read_text(encoding="utf-8")
    for name in ("start_logging", "log_predictions", "log_table", "upload_file", "complete"):
        assert f'id="tb_eval.{name}"' in logging or f'id="tb_eval.Run.{name}"' in logging, name
    reading = (site / "reference" / "reading" / "index.html").read_text(encoding="utf-8")
    assert 'id="tb_eval.open_run"' in reading and 'id="tb_eval.StoredRun"' in reading
    evaluation = (site / "reference" / "evaluation" / "index.html").read_text(encoding="utf-8")
    assert 'id="tb_eval.evaluate"' in evaluation and 'id="tb_eval.Report"' in evaluation
    integrations = (site / "reference" / "integrations" / "index.html").read_text(encoding="utf-8")
    for name in ("SummaryWriter", "TbEvalCallback", "TbEvalLogger"):
        assert name in integrations, name
    # Sphinx roles in docstrings became links, none is left as text
    rendered = logging + reading + evaluation + integrations
    for role in (":func:", ":class:", ":meth:", ":mod:", ":attr:"):
        assert role not in rendered, role
    # every dashboard page is there with its picture
    for page in ("tables", "classification", "regression", "importance", "compare", "runs"):
        html = (site / "dashboards" / page / "index.html").read_text(encoding="utf-8")
        assert re.search(r'<img [^>]*src="\.\./\.\./images/[a-z0-9-]+\.png"', html), page
    for picture in IMAGES.glob("*.png"):
        assert (site / "images" / picture.name).read_bytes() == picture.read_bytes()


@pytest.mark.parametrize(
    "broken",
    [
        "See [a page that does not exist](no-such-page.md).",
        "See [a heading that does not exist](logger.md#no-such-heading).",
        "::: tb_eval.no_such_function",
    ],
    ids=["missing-page", "missing-anchor", "missing-reference"],
)
def test_strict_build_fails_on_a_broken_link_or_reference(tmp_path: Path, broken: str) -> None:
    """The same configuration over a copy of docs/ with one broken page fails."""
    copy = tmp_path / "docs"
    subprocess.run(["cp", "-r", str(DOCS), str(copy)], check=True)
    (copy / "index.md").write_text(
        (copy / "index.md").read_text(encoding="utf-8") + f"\n\n{broken}\n", encoding="utf-8"
    )
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: docs\n", f"docs_dir: {copy}\n")
    assert str(copy) in config
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0, result.stdout + result.stderr


def test_no_file_names_a_path_outside_the_repository_or_a_private_document() -> None:
    found = []
    for path in project_text_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if FORBIDDEN.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_markdown_links_stay_inside_the_repository_and_resolve() -> None:
    """README and docs link only to files that exist in the repository (docs pages only to
    docs/, which the strict build checks; README to anything in the checkout)."""
    bad = []
    for page in [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # a URL or an anchor on the same page
            resolved = (page.parent / target.split("#")[0]).resolve()
            inside = DOCS if page.parent.is_relative_to(DOCS) else ROOT
            if not resolved.is_relative_to(inside) or not resolved.exists():
                bad.append(f"{page.relative_to(ROOT)}: {target}")
    assert bad == []


def test_every_screenshot_is_drawn_by_an_end_to_end_test() -> None:
    """Each picture the docs show is written by a ``doc_shot`` call in tests/e2e/, so running
    the e2e tests redraws it; no picture is left over that no page shows."""
    drawn = set()
    for test in (ROOT / "tests" / "e2e").glob("*.py"):
        drawn |= set(DOC_SHOT.findall(test.read_text(encoding="utf-8")))
    shown = {}
    for page in DOCS.rglob("*.md"):
        for target in IMAGE.findall(page.read_text(encoding="utf-8")):
            picture = (page.parent / target).resolve()
            assert picture.parent == IMAGES.resolve(), f"{page}: {target} is not in docs/images"
            shown.setdefault(picture.stem, []).append(page.relative_to(DOCS).as_posix())
    assert set(shown) <= drawn, f"pictures no e2e test draws: {sorted(set(shown) - drawn)}"
    assert drawn <= set(shown), (
        f"pictures the e2e tests draw but no page shows: {drawn - set(shown)}"
    )
    on_disk = {p.stem for p in IMAGES.glob("*.png")}
    assert on_disk == drawn, (
        f"docs/images holds {sorted(on_disk)}, the e2e tests draw {sorted(drawn)}"
    )
    for picture in IMAGES.glob("*.png"):
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", picture
    for page in ("tables", "classification", "regression", "importance", "compare", "runs"):
        assert any(f"dashboards/{page}.md" in pages for pages in shown.values()), page


def test_readme_starts_with_exactly_the_two_set_up_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```[a-z]*\n(.*?)```", text, re.S)
    assert first_block is not None
    assert text.index("```") < text.index("\n## ")  # before any section
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert [c for c in commands if c] == ["make demo", "make test"]
