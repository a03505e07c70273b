-- Alert occurrences, notification routes and the delivery log.

CREATE TABLE alerts (
    id                bigserial PRIMARY KEY,
    fingerprint       text        NOT NULL,
    starts_at         timestamptz NOT NULL,
    status            text        NOT NULL CHECK (status IN ('firing', 'resolved')),
    alertname         text        NOT NULL,
    severity          text        NOT NULL DEFAULT '',
    model_name        text        NOT NULL DEFAULT '',
    model_version     text        NOT NULL DEFAULT '',
    labels            jsonb       NOT NULL,
    annotations       jsonb       NOT NULL,
    ends_at           timestamptz,
    value             double precision,
    threshold         double precision,
    generator_url     text        NOT NULL DEFAULT '',
    received_via      text        NOT NULL,
    first_received_at timestamptz NOT NULL,
    last_received_at  timestamptz NOT NULL,
    -- none (no route matched) | pending | delivered | failed
    delivery_state    text        NOT NULL DEFAULT 'none',
    UNIQUE (fingerprint, starts_at)
);
CREATE INDEX alerts_model_idx ON alerts (model_name, starts_at DESC);

CREATE TABLE notification_routes (
    id                 bigserial PRIMARY KEY,
    name               text    NOT NULL UNIQUE,
    receiver           text    NOT NULL CHECK (receiver IN ('slack', 'pagerduty', 'webhook')),
    match_model        text,
    match_severity     text,
    match_alertname    text,
    -- secrets: never logged, never returned by the API
    url                text    NOT NULL,
    routing_key        text,
    secret             text,
    repeat_interval_ms bigint  NOT NULL DEFAULT 3600000,
    send_resolved      boolean NOT NULL DEFAULT true,
    created_at         bigint  NOT NULL
);

CREATE TABLE deliveries (
    id              bigserial PRIMARY KEY,
    alert_id        bigint      NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    route_id        bigint      NOT NULL REFERENCES notification_routes (id) ON DELETE CASCADE,
    event           text        NOT NULL CHECK (event IN ('trigger', 'resolve')),
    -- pending | delivered | failed | suppressed (repeat interval)
    status          text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    last_status     integer,
    last_error      text,
    next_attempt_at timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (alert_id, route_id, event)
);
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
