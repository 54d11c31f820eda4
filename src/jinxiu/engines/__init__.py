"""Pure-Python engines: algorithms on plain data. No Django, no database, no web.

Every engine follows one shape (after PyVRP): an immutable ``ProblemData``, a
``solve(data, *, stop, seed, params) -> Result`` function, readers and writers for
the public formats, and a ``cli.main(argv) -> int`` that the ``jinxiu`` command
dispatches to (``jinxiu <engine> ...``).
"""
