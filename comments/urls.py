from django.urls import path

from . import mail_views, views

app_name = "comments"

urlpatterns = [
    path("post/<int:post_id>/", views.post_comment, name="post"),
    path("<int:pk>/", views.permalink, name="permalink"),
    # Where an old link's #comment-N is, for the discussion script: kind is post or page.
    path("on/<slug:kind>/<int:target_id>/<int:number>/", views.anchor, name="anchor"),
    path("<int:pk>/edit/", views.edit_comment, name="edit"),
    path("<int:pk>/delete/", views.delete_comment, name="delete"),
    path("<int:pk>/report/", views.report_comment, name="report"),
    # Links in e-mail: each carries a signed token.
    path("moderate/<str:token>/", mail_views.moderate, name="moderate"),
    path("follow/confirm/<str:token>/", mail_views.confirm_follow, name="confirm_follow"),
    path("unsubscribe/<str:token>/", mail_views.unsubscribe, name="unsubscribe"),
]
