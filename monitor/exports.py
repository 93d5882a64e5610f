"""Files offered to the beleidsambtenaar: PDF, CSV, XLSX. (Renderers arrive with the monitor UI.)"""


def render(figures, format):
    raise NotImplementedError(format)
