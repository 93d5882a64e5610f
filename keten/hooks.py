"""Extension points of keten for the layer above it (avg): see bzt.hooks."""

from bzt.hooks import Hook

# function(user) -> dict: further context of the start page (keten.views.home), e.g. open AVG requests.
STARTPAGINA = Hook("startpagina")
