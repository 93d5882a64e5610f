"""What casusregie tells the apps above it (bzt.hooks): they subscribe in their AppConfig.ready()."""

from django.dispatch import Signal

# Sent by services.plan_indienen inside its transaction, with door= and plan=, after the plan is ingediend:
# mdo puts the plan on the next MDO agenda. A receiver's error rolls the submission back.
plan_ingediend = Signal()
