"""The committed migrations describe the models exactly, and run on SQLite as written."""

from __future__ import annotations

import pytest
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from domain.db import tortoise_config
from domain.settings import Settings


@pytest.fixture
async def models(tmp_path):
    config = tortoise_config(Settings(_env_file=None, var_dir=tmp_path))
    async with TortoiseContext() as ctx:
        await ctx.init(config=config, init_connections=False)
        yield ctx.apps, config


async def test_models_need_no_new_migration(models):
    """`okno makemigrations` would write nothing: every model change has its migration."""
    apps, config = models
    writers = await MigrationAutodetector(apps, config["apps"]).changes()
    assert [w.name for w in writers] == []


async def test_no_description_has_a_semicolon(models):
    """Tortoise's SQLite migrator splits scripts on ';', and a model's docstring becomes its
    table description: one ';' in a docstring breaks every SQLite database."""
    apps, _ = models
    described = [
        (m.__name__, text) for m in apps.get_models_iterable()
        for text in [m._meta.table_description,
                     *(f.description for f in m._meta.fields_map.values())]
        if text
    ]
    assert len(described) > 10  # the check reads real descriptions
    assert [name for name, text in described if ";" in text] == []
