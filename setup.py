"""Packaging glue that pyproject.toml cannot express (all other settings live there).

The repository keeps MNIST-5k in ``data/`` and the notebooks in ``notebooks/``; a wheel carries
them inside the package as ``ganlens/_bundled/data`` and ``ganlens/_bundled/notebooks``, where
``ganlens.data.registry.shipped_path`` looks first. An editable install maps the same names back
to the checkout's folders.
"""

from setuptools import find_packages, setup

BUNDLED = {"ganlens._bundled.data": "data", "ganlens._bundled.notebooks": "notebooks"}

setup(packages=[*find_packages(include=["ganlens*"]), *BUNDLED], package_dir=BUNDLED)
