"""The demo site `make run` serves: `manage.py demo_content` and what it is made of."""
