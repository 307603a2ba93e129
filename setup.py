"""Build hook: every wheel and sdist carries the built frontend bundle.

The metadata lives in pyproject.toml; this file only adds the ``build_frontend`` command, which
builds ``tb_plugin/static/index.js`` (and copies its fonts) from ``frontend/`` with npm.

Why setuptools commands and not a hatchling hook: the project already builds with setuptools
(package data, entry point), and setuptools runs a ``build`` sub-command for wheels *and* for
editable installs (PEP 660), so one small command covers ``python -m build``, ``pip wheel .``,
``pip install git+...`` and ``pip install -e .``. ``sdist`` runs it first, so the sdist carries
the bundle and installing from it needs no Node.js.

The npm build is skipped when the bundle is newer than every frontend source (``make install``
builds it just before ``pip install -e``); with no bundle and no Node.js the build fails with a
message saying so, instead of shipping a package whose Evaluation tab would be blank.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from setuptools import Command, setup
from setuptools.command.build import build
from setuptools.command.sdist import sdist
from setuptools.errors import BaseError

ROOT = Path(__file__).resolve().parent
FRONTEND = ROOT / "frontend"
STATIC = ROOT / "tb_plugin" / "static"
#: What `npm run build` writes (the fonts are also committed; the build refreshes them).
BUNDLE = STATIC / "index.js"
FONTS = [STATIC / "fonts" / f"roboto-latin-{weight}-normal.woff2" for weight in (400, 500)]
#: Everything `npm run build` reads, besides node_modules.
FRONTEND_FILES = ["package.json", "package-lock.json", "tsconfig.json", "vite.config.ts"]
FRONTEND_DIRS = ["src", "scripts"]
#: package.json's "engines" (Vite 8 needs it).
NODE_MIN = (20, 19)


class FrontendBuildError(BaseError):
    """The frontend bundle is missing and cannot be built here."""


def frontend_sources() -> list[Path]:
    """The frontend's input files that exist in this tree (none in a tree without frontend/)."""
    found = [FRONTEND / name for name in FRONTEND_FILES if (FRONTEND / name).is_file()]
    for folder in FRONTEND_DIRS:
        found.extend(sorted(p for p in (FRONTEND / folder).rglob("*") if p.is_file()))
    return found


def bundle_is_current() -> bool:
    """The bundle and fonts exist and are at least as new as every frontend source."""
    outputs = [BUNDLE, *FONTS]
    if not all(path.is_file() for path in outputs):
        return False
    oldest_output = min(path.stat().st_mtime for path in outputs)
    return all(path.stat().st_mtime <= oldest_output for path in frontend_sources())


def node_problem() -> str | None:
    """Why Node.js cannot build the frontend here, or ``None`` when it can."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return "Node.js (node and npm) is not on PATH"
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    match = re.match(r"v(\d+)\.(\d+)", version)
    if match is None or tuple(map(int, match.groups())) < NODE_MIN:
        wanted = f"{NODE_MIN[0]}.{NODE_MIN[1]}"
        return f"Node.js {version or '(of unknown version)'} is older than the {wanted} Vite needs"
    return None


def run_npm(*args: str) -> None:
    command = [shutil.which("npm") or "npm", *args]
    print(f"tb-eval: running {' '.join(['npm', *args])} in {FRONTEND}", flush=True)
    result = subprocess.run(command, cwd=FRONTEND)
    if result.returncode != 0:
        raise FrontendBuildError(
            f"`npm {' '.join(args)}` failed (exit status {result.returncode}) in {FRONTEND}; "
            "see its output above. The Evaluation tab needs tb_plugin/static/index.js."
        )


class BuildFrontend(Command):
    """Build tb_plugin/static/index.js with npm unless it is already up to date."""

    description = "build the plugin's frontend bundle (tb_plugin/static/index.js) with npm"
    user_options: list = []
    editable_mode = False  # set by setuptools for `pip install -e`; the bundle is built in place

    def initialize_options(self) -> None:
        pass

    def finalize_options(self) -> None:
        pass

    def run(self) -> None:
        if bundle_is_current():
            print("tb-eval: tb_plugin/static/index.js is up to date with frontend/", flush=True)
            return
        has_sources = (FRONTEND / "package.json").is_file()
        problem = node_problem() if has_sources else "frontend/ is not in this source tree"
        if problem is None:
            if not (FRONTEND / "node_modules").is_dir():
                run_npm("ci", "--no-audit", "--no-fund")
            run_npm("run", "build")
            if not bundle_is_current():
                raise FrontendBuildError(
                    f"`npm run build` succeeded but did not write {BUNDLE.relative_to(ROOT)} "
                    "and its fonts; check frontend/vite.config.ts and frontend/scripts/."
                )
            return
        if BUNDLE.is_file():
            print(
                f"tb-eval: WARNING: {BUNDLE.relative_to(ROOT)} looks older than frontend/ and "
                f"cannot be rebuilt ({problem}); packaging the existing bundle.",
                flush=True,
            )
            return
        raise FrontendBuildError(
            "cannot build the tb-eval package: the Evaluation tab's frontend bundle "
            f"tb_plugin/static/index.js is missing and cannot be built, because {problem}. "
            f"Install Node.js >= {NODE_MIN[0]}.{NODE_MIN[1]} (with npm) and build again, or "
            "install a released wheel or sdist (`pip install tb-eval`), which carry the bundle. "
            "(Refusing to build a package whose Evaluation tab would be blank.)"
        )

    # The SubCommand protocol of setuptools' `build`: sources go into the sdist; the outputs
    # sit inside the tb_plugin package, so build_py ships them as package data.
    def get_source_files(self) -> list[str]:
        return [path.relative_to(ROOT).as_posix() for path in frontend_sources()]

    def get_outputs(self) -> list[str]:
        return []

    def get_output_mapping(self) -> dict[str, str]:
        return {}


class Build(build):
    """`build` that builds the frontend before build_py copies the package data."""

    sub_commands = [("build_frontend", None), *build.sub_commands]


class Sdist(sdist):
    """`sdist` that builds the frontend first, so the sdist carries the bundle."""

    def run(self) -> None:
        self.run_command("build_frontend")
        super().run()


setup(cmdclass={"build": Build, "build_frontend": BuildFrontend, "sdist": Sdist})
