from django.apps import AppConfig


class WordPressConfig(AppConfig):
    name = "wordpress"
    verbose_name = "Move in from WordPress"
    # `/?p=12` and `/wp-content/uploads/…`, which blog.redirects asks here about.
    old_addresses = "wordpress.redirects.current_url"
