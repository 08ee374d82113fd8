"""The one load/save of a settings row (engine/db/setting_rows.py): missing and empty rows,
a stored value that does not validate, a round trip, and a save that replaces the row."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, select

from engine.db.models import Setting
from engine.db.setting_rows import load_row, save_row


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = "shop"
    count: int = Field(3, ge=1)


def test_a_missing_row_gives_the_default(db):
    with db.session() as session:
        assert load_row(session, "sample", Sample, None) is None
        assert load_row(session, "sample", Sample, Sample()) == Sample()


@pytest.mark.parametrize("empty", [{}, None])
def test_an_empty_row_gives_the_default(db, empty):
    with db.session() as session:
        session.add(Setting(key="sample", value=empty))
    with db.session() as session:
        assert load_row(session, "sample", Sample, None) is None


def test_a_stored_value_that_does_not_validate_raises_naming_the_field(db):
    with db.session() as session:
        session.add(Setting(key="sample", value={"count": 0, "name": "x"}))
    with db.session() as session, pytest.raises(ValidationError, match="count"):
        load_row(session, "sample", Sample, Sample())
    with db.session() as session:
        session.get(Setting, "sample").value = {"colour": "red"}  # unknown field
    with db.session() as session, pytest.raises(ValidationError, match="colour"):
        load_row(session, "sample", Sample, None)


def test_round_trip_and_replace(db):
    with db.session() as session:
        save_row(session, "sample", Sample(name="Ana's shop", count=5))
    with db.session() as session:
        assert load_row(session, "sample", Sample, None) == Sample(name="Ana's shop", count=5)
        save_row(session, "sample", Sample(count=7))
    with db.session() as session:
        assert load_row(session, "sample", Sample, None) == Sample(count=7)
        assert session.scalar(select(func.count()).select_from(Setting)
                              .where(Setting.key == "sample")) == 1
        assert session.get(Setting, "sample").value == {"name": "shop", "count": 7}


def test_save_validates_before_writing(db):
    broken = Sample.model_construct(name="x", count=0)  # skipped validation
    with db.session() as session, pytest.raises(ValidationError):
        save_row(session, "sample", broken)
    with db.session() as session:
        assert session.get(Setting, "sample") is None
