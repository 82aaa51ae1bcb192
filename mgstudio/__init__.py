"""mgstudio: a desktop studio for learning backpropagation with micrograd-style Values."""

#: the one version source: pyproject.toml reads it (``[tool.setuptools.dynamic]``), and
#: ``mgstudio --version`` prints it
__version__ = "0.1.0"
