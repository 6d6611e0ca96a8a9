# gunicorn -c web/gunicorn.conf.py  (the app is built in each worker, after fork)
from servicekit.gunicorn_conf import gunicorn_settings

globals().update(gunicorn_settings("web", default_port=8090))
