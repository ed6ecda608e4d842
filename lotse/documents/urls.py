from django.urls import path

from lotse.documents import views

app_name = "documents"

urlpatterns = [
    path("fall/<int:pk>/neu/", views.document_upload, name="document_upload"),
    path("fall/<int:pk>/<int:document_pk>/datei/", views.document_download, name="document_download"),
    path("fall/<int:pk>/<int:document_pk>/entfernen/", views.document_delete, name="document_delete"),
]
