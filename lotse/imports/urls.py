from django.urls import path

from lotse.imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.overview, name="overview"),
    path("imports/<int:pk>/", views.detail, name="detail"),
    path("imports/<int:pk>/commit/", views.commit, name="commit"),
    path("imports/<int:pk>/discard/", views.discard, name="discard"),
    path("imports/<int:pk>/progress/", views.progress, name="progress"),
    path("imports/<int:pk>/restart/", views.restart, name="restart"),
    path("imports/export/", views.export, name="export"),
    path("imports/export/<int:pk>/", views.export_page, name="export_page"),
    path("imports/export/<int:pk>/status/", views.export_status, name="export_status"),
    path("imports/export/<int:pk>/file/", views.export_file, name="export_file"),
    path("imports/template.xlsx", views.template, name="template"),
    path("imports/example.xlsx", views.example, name="example"),
]
