"""Extension points: how a lower layer lets a higher one add to it without importing it.

The apps import only downward (bzt < meldpunt < casusregie < mdo < monitor < keten < avg, checked by import-linter,
docs/architecture.md). Where a lower app must ask or tell a higher one something, it declares a `Hook` and the
higher app registers its function in its AppConfig.ready(), before any request, job or command runs.
"""


class Hook:
    """A named list of functions that the apps above register and the declaring app calls in order."""

    def __init__(self, name: str):
        self.name = name
        self._functions = []

    def register(self, function):
        if function not in self._functions:  # ready() may run twice (tests, autoreload)
            self._functions.append(function)
        return function

    def __iter__(self):
        return iter(tuple(self._functions))

    def __repr__(self):
        return f"Hook({self.name!r}, {len(self._functions)} registered)"
