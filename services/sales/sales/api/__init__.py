"""One blueprint per resource."""
from sales.api.price_list import blp as price_list
from sales.api.quotations import blp as quotations

blueprints = [price_list, quotations]
