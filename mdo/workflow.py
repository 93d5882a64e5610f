"""The states in which an MDO and its agenda items are still open for actions (bzt.workflow.OpenStates).
Every service of the MDO locks the meeting or item it acts on through these before it writes."""

from bzt.workflow import OpenStates

from .models import Overleg

OVERLEG = OpenStates("status", {Overleg.Status.GEPLAND}, "Dit MDO is al afgerond.")
AGENDAPUNT = OpenStates("besluit", {""}, "Over dit agendapunt is al besloten.", parent=("overleg", OVERLEG))
