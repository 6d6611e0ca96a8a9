"""One blueprint per resource."""
from sales.api.price_list import blp as price_list
from sales.api.quotations import blp as quotations
from sales.api.signatures import blp as signatures

blueprints = [price_list, quotations, signatures]
