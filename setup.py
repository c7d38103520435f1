"""Packaging for ai-numbers: a reproducible data pipeline behind a news article on AI.

Install for development with ``pip install -e .[dev]`` (the Makefile does this into ``.venv``).
"""
from setuptools import find_namespace_packages, setup

setup(
    name="ai-numbers",
    version="0.1.0",
    description=(
        "Dagster pipeline that backs every number of an article on Chinese and Western AI "
        "with public data, snapshots, Great Expectations checks and Parquet tables."
    ),
    python_requires=">=3.11",
    # namespace packages too: assets/claims/templates (the report's Jinja template, no
    # __init__.py) is then a package of its own, not data setuptools warns it would drop
    packages=find_namespace_packages(include=["pipelines", "pipelines.*", "assets",
                                              "assets.*"], exclude=["*.__pycache__"]),
    package_data={
        "assets": ["registry/*.yaml", "reference/*.yaml", "*.yaml"],
        "assets.claims.templates": ["*.j2"],
    },
    include_package_data=True,
    install_requires=[
        "dagster==1.13.27",
        "dagster-postgres==0.29.27",
        "great-expectations==1.24.1",
        "pandas==3.1.1",
        "pyarrow==26.0.1",
        "requests==2.34.2",
        "urllib3==2.8.0",
        "pyyaml==6.0.4",
        "pycountry==26.2.16",
        "markdown-it-py==4.3.0",
        "lxml==6.1.3",
        "matplotlib==3.11.2",
        "frictionless==5.21.0",
        "tabulate==0.10.0",
        "jinja2==3.1.6",
        "click==8.5.1",
        "rich==15.0.0",
        "filelock==4.3.1",
        # AI_NUMBERS_DATA_DIR as a URL (s3://bucket/prefix or any fsspec protocol)
        "universal-pathlib==0.3.10",
        "fsspec==2026.9.0",
        "s3fs==2026.9.0",
    ],
    entry_points={"console_scripts": ["ai-numbers=pipelines.cli:main"]},
    extras_require={
        "dev": [
            "dagster-webserver==1.13.27",
            "pytest==9.2.0",
            "duckdb==2.0.1",
            "polars==2.1.0",
            "playwright==1.65.2",
            "moto[server]==5.2.5",  # the S3 server of the object-storage tests
        ],
        # the webserver of a deployment (deploy/Dockerfile); the daemon comes with dagster
        "deploy": ["dagster-webserver==1.13.27"],
    },
)
