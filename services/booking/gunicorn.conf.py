# gunicorn -c services/booking/gunicorn.conf.py  (the app is built in each worker, after fork)
from servicekit.gunicorn_conf import gunicorn_settings

globals().update(gunicorn_settings("booking", default_port=8101))
