"""``peereval init DIR``: an empty evaluation repository that passes ``peereval check``."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import click

from peereval.cli.codeowners import CODEOWNERS, codeowners_for
from peereval.load.repo import load_repository
from peereval.load.schema import schema_files
from peereval.problems import PeerevalError
from peereval.publish.files import PROJECT_ROOT, create_exclusive

# skeleton file → where it goes in the new repository
SKELETON = {
    "scheme.yaml": "scheme.yaml",
    "calendar.yaml": "calendar.yaml",
    "README.md": "README.md",
    "gitignore": ".gitignore",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "github/check.yml": ".github/workflows/check.yml",
    "github/publish.yml": ".github/workflows/publish.yml",
}
EMPTY_FOLDERS = ("experts", "cases", "scoresheets/indicators")
# The site's configuration and the templates of the site and the letters: the project's own, copied so that
# the bureau can adapt them in its repository (a repository's own copy wins, publish/files.own_or_project).
PRESENTATION = ("mkdocs.yml", "site_templates")


def presentation_files() -> dict[str, str]:
    """The project's mkdocs.yml and every file of its site_templates/, by path.

    :raises PeerevalError: when peereval was not installed from its source (``pip install -e .``).
    """
    if not (PROJECT_ROOT / "mkdocs.yml").is_file():
        raise PeerevalError(
            f"找不到 peereval 项目的 mkdocs.yml 与 site_templates/（{PROJECT_ROOT}）：请从源代码安装 peereval"
        )
    paths = [PROJECT_ROOT / "mkdocs.yml", *sorted((PROJECT_ROOT / "site_templates").rglob("*"))]
    return {p.relative_to(PROJECT_ROOT).as_posix(): p.read_text(encoding="utf-8") for p in paths if p.is_file()}


def skeleton_files() -> dict[str, str]:
    """Every file of a new repository, by its path there."""
    folder = resources.files("peereval") / "skeleton"
    files = {target: (folder / source).read_text(encoding="utf-8") for source, target in SKELETON.items()}
    for name, body in schema_files().items():
        files[f"schemas/{name}"] = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    for empty in EMPTY_FOLDERS:
        files[f"{empty}/.gitkeep"] = ""
    return files | presentation_files()


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> int:
    """在 DIRECTORY 中新建一个空的评估仓库（不覆盖任何已有文件）。

    Create an empty evaluation repository in DIRECTORY (never overwrites a file).
    """
    files = skeleton_files()
    existing = sorted(path for path in [*files, CODEOWNERS] if (directory / path).exists())
    if existing:
        click.echo(f"{directory} 中已有这些文件，未做任何修改：{', '.join(existing)}", err=True)
        return 1
    for path, text in sorted(files.items()):
        if not create_exclusive(directory / path, text):
            click.echo(f"{directory / path} 在写入过程中出现，已停止", err=True)
            return 1
    # Written from the new repository itself: signature enforcement asks for it from the first pull request.
    if not create_exclusive(directory / CODEOWNERS, codeowners_for(load_repository(directory).repository)):
        click.echo(f"{directory / CODEOWNERS} 在写入过程中出现，已停止", err=True)
        return 1
    click.echo(
        f"已在 {directory} 创建评估仓库；下一步：填写 scheme.yaml 中的领导小组与评估办成员（含 GitHub 用户名），"
        "再运行 peereval codeowners 与 peereval check"
    )
    return 0
