"""Code versions follow the project source an asset is built from, and nothing else."""
from __future__ import annotations

import pytest

from pipelines import codeversion


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A small project tree (packages ``assets`` and ``pipelines``) as the code root."""
    files = {
        "assets/__init__.py": "",
        "assets/fruit/__init__.py": "",
        "assets/fruit/assets.py": "from assets.fruit import parse\nfrom pipelines.io import (\n"
                                  "    write,  # the writer\n)\nimport pandas as pd\n",
        "assets/fruit/parse.py": "def parse(b):\n    return b\n",
        "assets/fruit/kinds.yaml": "- apple\n",
        "assets/veg/__init__.py": "",
        "assets/veg/assets.py": "from pipelines.io import write\n",
        "pipelines/__init__.py": "",
        "pipelines/io.py": "def write(x):\n    return x\n",
        "pipelines/cli.py": "from pipelines.io import write\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.setattr(codeversion, "ROOT", tmp_path)
    _clear()
    yield tmp_path
    _clear()


def _clear():
    for fn in (codeversion.module_closure, codeversion._imports, codeversion._file_digest,
               codeversion._module_files, codeversion._data_files):
        fn.cache_clear()


def _rel(paths, root):
    return sorted(str(p.relative_to(root)) for p in paths)


def test_closure_is_the_imported_project_modules_and_their_data_files(project):
    assert _rel(codeversion.module_closure("assets.fruit.assets"), project) == [
        "assets/__init__.py", "assets/fruit/__init__.py", "assets/fruit/assets.py",
        "assets/fruit/kinds.yaml", "assets/fruit/parse.py",
        "pipelines/__init__.py", "pipelines/io.py"]


def _version_after(project, rel, text, module):
    (project / rel).write_text(text)
    _clear()
    return codeversion.code_version(module)


def test_version_changes_with_a_parser_a_data_file_or_shared_code_only(project):
    fruit, veg = (codeversion.code_version(m) for m in ("assets.fruit.assets",
                                                        "assets.veg.assets"))
    assert len(fruit) == 16 and fruit != veg
    # the CLI is imported by neither asset module: editing it changes nothing
    assert _version_after(project, "pipelines/cli.py", "# edited\n", "assets.fruit.assets") \
        == fruit
    # a parser of one family changes that family only
    new_fruit = _version_after(project, "assets/fruit/parse.py", "def parse(b):\n    return 1\n",
                               "assets.fruit.assets")
    assert new_fruit != fruit
    assert codeversion.code_version("assets.veg.assets") == veg
    # a data file beside the modules counts
    assert _version_after(project, "assets/fruit/kinds.yaml", "- pear\n",
                          "assets.fruit.assets") not in (fruit, new_fruit)
    # shared infrastructure changes both
    assert _version_after(project, "pipelines/io.py", "def write(x):\n    return None\n",
                          "assets.veg.assets") != veg


def test_extra_files_count_and_absent_ones_are_marked(project):
    suite = project / "suite.json"
    without = codeversion.code_version("assets.veg.assets", suite)
    suite.write_text("{}")
    codeversion._file_digest.cache_clear()  # digests are kept for the process's life
    assert codeversion.code_version("assets.veg.assets", suite) != without


def test_a_module_outside_the_project_is_refused(project):
    with pytest.raises(ValueError, match="'pandas' is not a module"):
        codeversion.code_version("pandas")
