"""URL configuration. Every view is login-protected unless marked ``login_not_required``."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from lotse.core.views import auth, two_factor
from lotse.network.urls import public_urlpatterns

# Views reachable without signing in beyond login, password reset and the
# language switch: the public city map of the network and its actors' pages, and the page on which a volunteer
# interpreter answers a booking through the signed link of the mail.
PUBLIC_ALLOWLIST: list[str] = ["public:start", "public:map", "public:actor", "volunteers:interpreting_answer"]

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("password-reset/", auth.password_reset, name="password_reset"),
    path("password-reset/sent/", auth.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/done/", auth.password_reset_complete, name="password_reset_complete"),
    path("einladung/<uidb64>/<token>/", auth.invitation_accept, name="invitation_accept"),
    path("password-change/", auth.password_change, name="password_change"),
    path("password-change/done/", auth.password_change_done, name="password_change_done"),
    path("zwei-faktor/", two_factor.overview, name="second_factor"),
    path("zwei-faktor/pruefen/", two_factor.verify, name="second_factor_verify"),
    path("zwei-faktor/wiederherstellungscode/", two_factor.recover, name="second_factor_recover"),
    path("zwei-faktor/einrichten/", two_factor.set_up, name="second_factor_setup"),
    path("zwei-faktor/neue-codes/", two_factor.renew_codes, name="second_factor_renew_codes"),
    path("zwei-faktor/ausschalten/", two_factor.switch_off, name="second_factor_switch_off"),
    path("language/", login_not_required(set_language), name="set_language"),
    path("django-admin/", admin.site.urls),
    path("", include("lotse.core.urls")),
    path("", include("lotse.cases.urls")),
    path("", include("lotse.imports.urls")),
    path("", include("lotse.reports.urls")),
    path("", include("lotse.accommodation.urls")),
    path("netzwerk/", include("lotse.network.urls")),
    path("dokumente/", include("lotse.documents.urls")),
    path("", include("lotse.arrivals.urls")),
    path("", include("lotse.volunteers.urls")),
    path("", include("lotse.housing.urls")),
    path("stadtkarte/", include((public_urlpatterns, "public"))),
]

handler500 = "lotse.core.views.errors.server_error"
