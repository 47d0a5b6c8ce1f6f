"""Calendar feeds a calendar program subscribes to without logging in: each feed is one
agency's deadlines behind a secret token in its URL (`/calendar/<token>.ics`). Only the
token's SHA-256 is kept, so a copy of the database does not give the URLs away; a feed can be
revoked. The table lives on the store's engine, created on first use."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa

metadata = sa.MetaData()

calendar_feeds = sa.Table(
    "calendar_feeds", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("agency", sa.Text, nullable=False),          # as typed; resolved when served
    sa.Column("role", sa.String(8), nullable=False),       # lead | support | any
    sa.Column("created_by", sa.String(100)),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("revoked_at", sa.DateTime),
)


# the unit (agency) a web user works for: "my unit's calendar" is a feed of that agency
calendar_user_units = sa.Table(
    "calendar_user_units", metadata,
    sa.Column("user_name", sa.String(100), primary_key=True),
    sa.Column("agency", sa.Text, nullable=False),
    sa.Column("set_at", sa.DateTime, nullable=False),
)


def set_unit(engine: sa.Engine, user: str, agency: str) -> None:
    ensure_table(engine)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with engine.begin() as conn:
        done = conn.execute(calendar_user_units.update().where(
            calendar_user_units.c.user_name == user).values(agency=agency, set_at=now))
        if done.rowcount == 0:
            conn.execute(calendar_user_units.insert().values(user_name=user, agency=agency,
                                                             set_at=now))


def unit_of(engine: sa.Engine, user: str) -> str | None:
    ensure_table(engine)
    with engine.connect() as conn:
        return conn.execute(sa.select(calendar_user_units.c.agency).where(
            calendar_user_units.c.user_name == user)).scalar()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def ensure_table(engine: sa.Engine) -> None:
    metadata.create_all(engine, checkfirst=True)


def create_feed(engine: sa.Engine, agency: str, *, role: str = "any",
                by: str | None = None) -> tuple[int, str]:
    """A new feed; returns (id, token). The token is shown once, never stored."""
    ensure_table(engine)
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        feed_id = conn.execute(calendar_feeds.insert().values(
            token_sha256=_hash(token), agency=agency, role=role, created_by=by,
            created_at=datetime.now(timezone.utc).replace(tzinfo=None))).inserted_primary_key[0]
    return feed_id, token


def feed_by_token(engine: sa.Engine, token: str) -> dict | None:
    ensure_table(engine)
    if not token or len(token) > 100:
        return None
    with engine.connect() as conn:
        row = conn.execute(sa.select(calendar_feeds).where(
            calendar_feeds.c.token_sha256 == _hash(token),
            calendar_feeds.c.revoked_at.is_(None))).first()
    return dict(row._mapping) if row else None


def list_feeds(engine: sa.Engine, by: str | None = None) -> list[dict]:
    ensure_table(engine)
    stmt = sa.select(calendar_feeds).where(calendar_feeds.c.revoked_at.is_(None))
    if by is not None:
        stmt = stmt.where(calendar_feeds.c.created_by == by)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt.order_by(calendar_feeds.c.id))]


def revoke_feed(engine: sa.Engine, feed_id: int, by: str | None = None) -> bool:
    """Revoke a feed (only its creator's, unless `by` is None)."""
    ensure_table(engine)
    cond = [calendar_feeds.c.id == feed_id, calendar_feeds.c.revoked_at.is_(None)]
    if by is not None:
        cond.append(calendar_feeds.c.created_by == by)
    with engine.begin() as conn:
        done = conn.execute(calendar_feeds.update().where(*cond).values(
            revoked_at=datetime.now(timezone.utc).replace(tzinfo=None)))
    return done.rowcount == 1
