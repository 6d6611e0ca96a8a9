"""/api/v1/price-list: what each service costs, per session and per package (public: families see prices)."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import ADMIN, PUBLIC, access, current_principal
from servicekit.db import request_session, unit_of_work
from servicekit.pagination import paginate

from sales import catalog
from sales.config import current_settings
from sales.schemas import PriceItemIn, PriceItemOut, PriceItemPatch, PriceListQuery

blp = Blueprint("price_list", __name__, description="The price list: single sessions and packages")


@blp.route("/price-list", methods=["GET"])
@access(PUBLIC)
@blp.arguments(PriceListQuery, location="query")
@blp.response(200, PriceItemOut(many=True))
def list_prices(args):
    stmt = catalog.query(current_principal(), args)
    return paginate(request_session(), stmt, args["limit"], args["cursor"])


@blp.route("/price-list", methods=["POST"])
@access(ADMIN)
@blp.arguments(PriceItemIn)
@blp.response(201, PriceItemOut)
def create_price(data):
    with unit_of_work() as session:
        return catalog.create(session, data, current_settings().currency)


@blp.route("/price-list/<uuid:item_id>", methods=["GET"])
@access(PUBLIC)
@blp.response(200, PriceItemOut)
def get_price(item_id):
    """One price item (a retired one only for administrators)."""
    return catalog.visible(request_session(), current_principal(), str(item_id))


@blp.route("/price-list/<uuid:item_id>", methods=["PATCH"])
@access(ADMIN)
@blp.arguments(PriceItemPatch)
@blp.response(200, PriceItemOut)
def update_price(changes, item_id):
    with unit_of_work() as session:
        return catalog.update(session, str(item_id), changes)
