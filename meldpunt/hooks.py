"""Where the apps above meldpunt add to it (bzt.hooks): they register in their AppConfig.ready()."""

from bzt.hooks import Hook

# The melding page of a melding assigned to a casus: f(user, melding) -> dict added to the page's context
# (casusregie: the noodtoegang link when the user may not open the casus by right).
TOEGEWEZEN_MELDING_PAGINA = Hook("toegewezen melding")

# The melding page of a melding not yet assigned: f(user, melding) -> dict added to the page's context
# (casusregie: the open casus of the household and the button "bij de open casus voegen").
OPEN_MELDING_PAGINA = Hook("open melding")
