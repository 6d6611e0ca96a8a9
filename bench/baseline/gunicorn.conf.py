# gunicorn -c bench/baseline/gunicorn.conf.py  (the services' settings: gthread, WEB_CONCURRENCY, WEB_THREADS)
from servicekit.gunicorn_conf import gunicorn_settings

globals().update(gunicorn_settings("bench.baseline", default_port=8190))
