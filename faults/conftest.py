"""Fixtures of the fault tests (`make test-faults`): each part is started
for one test and stopped when it ends, passed or failed."""

import shutil
import tempfile
from pathlib import Path

import pytest

from .stack import PostgresCluster, RedisServer, Site


@pytest.fixture
def folder():
    path = Path(tempfile.mkdtemp(prefix="forum-faults-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def redis_server(folder):
    server = RedisServer(folder)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres(folder):
    cluster = PostgresCluster(folder / "pg")
    cluster.init()
    yield cluster
    if cluster.running():
        cluster.stop(check=False)


@pytest.fixture
def make_site(folder):
    sites = []

    def make(host="127.0.0.1", name="site", **env):
        site = Site(folder, env, host=host, name=name)
        sites.append(site)
        return site

    yield make
    for site in sites:
        site.stop()
