# gunicorn -c services/notifications/gunicorn.conf.py  (the app is built in each worker, after fork)
from servicekit.gunicorn_conf import gunicorn_settings

globals().update(gunicorn_settings("notifications", default_port=8106))
