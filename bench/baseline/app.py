"""A bare Flask app: a JSON endpoint, and one INSERT + COMMIT on PostgreSQL (BENCH_DATABASE_URL)."""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, jsonify, request

metadata = sa.MetaData()
hits = sa.Table("bench_hits", metadata,
                sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
                sa.Column("note", sa.String(100), nullable=False),
                sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()))


def engine_for(url: str) -> sa.Engine:
    """The same driver and pool size the services use (psycopg 3, DB_POOL_SIZE)."""
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                            pool_size=int(os.environ.get("DB_POOL_SIZE", "5")), pool_pre_ping=True)


def create_app() -> Flask:
    """Built in each gunicorn worker after fork, like the services' apps."""
    app = Flask(__name__)
    engine = engine_for(os.environ["BENCH_DATABASE_URL"])

    @app.get("/json")
    def plain_json():
        return jsonify(status="ok", service="baseline")

    @app.post("/insert")
    def insert_row():
        note = str((request.get_json(silent=True) or {}).get("note", "bench"))[:100]
        with engine.begin() as conn:
            row_id = conn.execute(sa.insert(hits).values(note=note).returning(hits.c.id)).scalar_one()
        return jsonify(id=row_id, note=note), 201

    return app
