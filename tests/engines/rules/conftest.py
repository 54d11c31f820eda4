"""Shared fixtures: the shipped rule sets and a few reference firms."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from jinxiu.engines.rules import load_shipped

ON = date(2026, 6, 30)  # assessment date used by most examples: 上年度 = 2025


@pytest.fixture(autouse=True)
def _media_root():
    """Engines need no Django: shadow the project-wide autouse fixture that needs settings."""


@pytest.fixture(scope="session")
def shipped():
    return load_shipped()


def clean_record() -> dict:
    """Eligibility shared by the 梯度培育 tiers, all met."""
    return {
        "is_sme": True,
        "abnormal_operation_listed": False,
        "serious_dishonesty_listed": False,
        "restricted_products": False,
        "major_incident_3y": False,
    }


def with_facts(base: dict, **changes) -> dict:
    """A deep copy of a facts dict with some facts replaced (None removes a fact)."""
    out = copy.deepcopy(base)
    for k, v in changes.items():
        if v is None:
            out["facts"].pop(k, None)
        else:
            out["facts"][k] = v
    return out


def by_year(**years) -> dict:
    return {"by_year": {k.lstrip("y"): v for k, v in years.items()}}
