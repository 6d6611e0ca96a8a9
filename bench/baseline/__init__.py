"""The baselines: a bare gunicorn + Flask app with the services' gunicorn settings."""
