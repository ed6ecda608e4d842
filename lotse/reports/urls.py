from django.urls import path

from lotse.reports import views

app_name = "reports"

urlpatterns = [
    path("kennzahlen/", views.dashboard, name="dashboard"),
    path("kennzahlen/kennzahlen.xlsx", views.export_xlsx, name="xlsx"),
    path("kennzahlen/kennzahlen.csv", views.export_csv, name="csv"),
    path("kennzahlen/bericht.pdf", views.report_pdf, name="pdf"),
]
