"""What the tests share: fixtures (app_fixtures), generators of random documents, code and
engine graphs (docgen, codegen, enginegen), and small helpers. ``tests/`` is on sys.path in
every pytest run (tests/conftest.py is the root conftest), so tests import ``helpers.…``."""
