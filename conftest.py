"""Root test configuration: notebooks run by nbval never touch the developer's var/sandbox.sqlite."""

import os
import tempfile


def pytest_configure(config):
    if not os.environ.get("SANDBOX_TEST_KEEP_DB"):
        folder = tempfile.mkdtemp(prefix="gfmis-nb-")
        os.environ["SANDBOX_DB"] = os.path.join(folder, "notebooks.sqlite")
