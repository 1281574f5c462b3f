"""leadpecker's tests; the harness they share is ``tests.harness``."""

import pytest

# The harness's asserts explain themselves when they fail, as a test's own do (registered
# before any test module imports it).
pytest.register_assert_rewrite("tests.harness")
