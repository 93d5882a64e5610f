"""The apps import only downward (pyproject.toml [tool.importlinter], docs/architecture.md), and what a lower app
needs from a higher one arrives through the hooks the higher app fills in its AppConfig.ready()."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from importlinter.cli import lint_imports

from bzt.auth.services import OBJECTRECHTEN, Objectrechten, objectrechten_registreren
from casusregie import hooks as casus_hooks
from casusregie import permissions, timeline
from mdo import selectors as mdo_selectors
from mdo import services as mdo_services
from meldpunt import hooks as meldpunt_hooks
from tests.test_settings import ROOT


def test_no_app_imports_a_layer_above_it(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_the_higher_apps_fill_the_hooks_of_the_lower_ones():
    # Lost, a hook would fail silently: a grant holder without 2FA, a submitted plan off the agenda.
    assert [o.houdt for o in OBJECTRECHTEN] == [permissions.houdt_casusrecht]
    assert [o.rolpermissie for o in OBJECTRECHTEN] == [permissions.CASUSWERK]
    receivers = [r() for _, r, *_ in casus_hooks.plan_ingediend.receivers]
    assert mdo_services.agendapunt_voor_plan in receivers
    assert list(timeline.BRONNEN) == [mdo_selectors.besluiten_in_tijdlijn]
    assert len(list(meldpunt_hooks.TOEGEWEZEN_MELDING_PAGINA)) == 1


def test_a_grant_whose_role_would_not_need_2fa_is_refused():
    with pytest.raises(ImproperlyConfigured):
        objectrechten_registreren(
            Objectrechten(rolpermissie="mdo.view_overleg", houdt=bool, mag_houden=bool, intrekken=print)
        )
    assert len(list(OBJECTRECHTEN)) == 1
