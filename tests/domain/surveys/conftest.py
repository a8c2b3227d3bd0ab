"""Survey test data written through the real models and services."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.clients.models import Client, ClientKind
from domain.directory.models import Department


@pytest.fixture
async def person(settings) -> Client:
    return await Client.create(kind=ClientKind.PERSON, last_name="Смирнова", first_name="Анна")


@pytest.fixture
async def other_person(settings) -> Client:
    return await Client.create(kind=ClientKind.PERSON, last_name="Кузнецов", first_name="Олег")


@pytest.fixture
async def departments(settings) -> tuple[Department, Department]:
    return (await Department.create(name="Министерство здравоохранения"),
            await Department.create(name="Министерство транспорта"))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
