"""One blueprint per resource."""
from tasks.api.projects import blp as projects
from tasks.api.tasks import blp as tasks
from tasks.api.timesheets import blp as timesheets

blueprints = [projects, tasks, timesheets]
