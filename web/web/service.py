"""What web tells the shared runners about itself (its migrate entry point; web consumes no events)."""
from servicekit.service import ServiceSpec

from web.app import create_app
from web.config import WebSettings

SPEC = ServiceSpec(name="web", package="web", settings_class=WebSettings, create_app=create_app)
