"""Long commands one at a time in a process."""

from __future__ import annotations

import pytest

from pds.cli.exclusive import one_at_a_time
from pds.errors import AlreadyRunning, Conflict


def test_a_second_of_a_kind_is_refused_until_the_first_ends() -> None:
    with one_at_a_time("import"):
        with (
            pytest.raises(AlreadyRunning, match="`pds import` is already running") as refused,
            one_at_a_time("import"),
        ):
            pass
        with one_at_a_time("export"):  # another kind runs beside it
            pass
    assert refused.value.exit_code == 18 and isinstance(refused.value, Conflict)
    with one_at_a_time("import"):  # free again
        pass
