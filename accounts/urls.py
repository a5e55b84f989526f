from django.urls import path

from . import views

app_name = "profile"

urlpatterns = [
    path("", views.profile, name="edit"),
    path("activity/", views.activity, name="activity"),
    path("activity/<slug:provider>/", views.activity_action, name="activity_action"),
    path("export/", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
    path("avatar/<int:colour>/<str:initials>.svg", views.initials_avatar, name="initials_avatar"),
]
