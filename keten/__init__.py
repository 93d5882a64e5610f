"""De keten: the whole chain of a melding, from intake through MDO and casus to the jaarmonitor.

The top layer (docs/architecture.md): what reads or writes across the apps below it and so belongs to none of
them: the start pages of every role, the procesmanager's dashboard, the access-log viewer's person search, the
import of historical meldingen (melding, casus and escalation in one run), the bewaartermijn (anonymises
meldpunt, casusregie and mdo rows together) and the demo data. Named for what it is: in Dutch care networks
"de keten" is the chain of organisations and steps one melding passes through. It has no models of its own.
"""
