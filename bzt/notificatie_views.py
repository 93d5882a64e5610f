"""The person's own notifications: the list (read/unread), opening one, and the e-mail setting."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import notifications
from .forms import parse_int
from .models import User

PAGE_SIZE = 25
FILTERS = {"ongelezen": "Ongelezen", "alle": "Alle berichten"}


class InstellingenForm(forms.Form):
    notificatie_mail = forms.ChoiceField(
        label="E-mail bij nieuwe berichten",
        choices=User.NotificatieMail.choices,
        widget=forms.RadioSelect,
        help_text="De e-mail noemt alleen een casus- of meldingnummer, nooit een naam of inhoud.",
    )


@login_required
def notificaties(request):
    filter_ = request.GET.get("filter", "ongelezen")
    if filter_ not in FILTERS:
        filter_ = "ongelezen"
    lijst = notifications.ongelezen(request.user) if filter_ == "ongelezen" else notifications.voor(request.user)
    page = Paginator(lijst, PAGE_SIZE).get_page(parse_int(request.GET.get("pagina")) or 1)
    return render(request, "bzt/notificaties.html", {"page": page, "filter": filter_, "filters": FILTERS})


@login_required
def notificatie_openen(request, pk):
    """Mark as read and go to what it is about (only a path inside BZT)."""
    notificatie = get_object_or_404(notifications.voor(request.user), pk=pk)
    notifications.gelezen(door=request.user, notificatie=notificatie)
    if notificatie.link and url_has_allowed_host_and_scheme(notificatie.link, allowed_hosts=None):
        return redirect(notificatie.link)
    return redirect("notificaties")


@login_required
@require_POST
def alles_gelezen(request):
    aantal = notifications.alles_gelezen(door=request.user)
    messages.success(
        request, f"{aantal} berichten gemarkeerd als gelezen." if aantal else "Er waren geen ongelezen berichten."
    )
    return redirect("notificaties")


@login_required
def notificatie_instellingen(request):
    form = InstellingenForm(request.POST or None, initial={"notificatie_mail": request.user.notificatie_mail})
    if request.method == "POST" and form.is_valid():
        notifications.instelling_opslaan(door=request.user, notificatie_mail=form.cleaned_data["notificatie_mail"])
        messages.success(request, "Uw instelling voor e-mail is opgeslagen.")
        return redirect("notificaties")
    return render(request, "bzt/notificatie_instellingen.html", {"form": form, "heeft_email": bool(request.user.email)})
