"""Ships the top-level resources/ folder (the source of truth) inside the installed package as
``mgstudio/resources``. Everything else is in pyproject.toml; this file exists only because
``[tool.setuptools.packages.find]`` cannot map a sub-package onto a folder outside the package,
and listing every package by hand in pyproject.toml would silently drop the next one added."""

from setuptools import find_namespace_packages, find_packages, setup

# resources/icons -> mgstudio.resources.icons, ...: data-only folders, listed as (namespace)
# packages so that setuptools copies their files without warning about unlisted packages
DATA = ["mgstudio.resources"] + [
    f"mgstudio.resources.{name}" for name in find_namespace_packages(where="resources")
]

setup(
    packages=find_packages(include=["mgstudio", "mgstudio.*"]) + DATA,
    package_dir={"mgstudio.resources": "resources"},
    # every file of those folders; the README's screenshot is not part of the app
    package_data={name: ["*"] for name in DATA},
    exclude_package_data={"mgstudio.resources": ["screenshot.png"]},
)
