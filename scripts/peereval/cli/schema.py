"""``peereval schema export DIR``: the JSON Schemas, for editors and other tools."""

from __future__ import annotations

import json
from pathlib import Path

import click

from peereval.load.schema import schema_files
from peereval.publish.files import write_text_atomic


@click.group()
def schema() -> None:
    """各类记录的 JSON Schema（draft 2020-12）。

    The JSON Schemas of the records (draft 2020-12).
    """


@schema.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="覆盖内容不同的 Schema 文件。")
def export(directory: Path, force: bool) -> int:
    """把全部 JSON Schema 写入 DIRECTORY（文件内容不同时，须加 --force 才覆盖）。

    Write every schema into DIRECTORY (refuses to overwrite a changed file without --force).
    """
    directory.mkdir(parents=True, exist_ok=True)
    texts = {name: json.dumps(body, ensure_ascii=False, indent=2) + "\n" for name, body in schema_files().items()}
    clashes = [
        name
        for name, text in texts.items()
        if (directory / name).exists() and (directory / name).read_text(encoding="utf-8") != text
    ]
    if clashes and not force:
        click.echo(f"以下文件已存在且内容不同，未写入（用 --force 覆盖）：{', '.join(sorted(clashes))}", err=True)
        return 1
    for name, text in sorted(texts.items()):
        write_text_atomic(directory / name, text)
    click.echo(f"已写入 {len(texts)} 个模式文件到 {directory}")
    return 0
