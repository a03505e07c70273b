-- Registry service schema: models, versions, tags, aliases, reference profiles, access tokens.

CREATE TABLE registered_models (
    name                   text PRIMARY KEY,
    description            text   NOT NULL DEFAULT '',
    creation_timestamp     bigint NOT NULL,
    last_updated_timestamp bigint NOT NULL,
    -- next version number to hand out; versions are never reused after a delete
    next_version           integer NOT NULL DEFAULT 1
);

CREATE TABLE registered_model_tags (
    name  text NOT NULL REFERENCES registered_models (name) ON DELETE CASCADE,
    key   text NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (name, key)
);

CREATE TABLE model_versions (
    name                   text    NOT NULL REFERENCES registered_models (name) ON DELETE CASCADE,
    version                integer NOT NULL,
    creation_timestamp     bigint  NOT NULL,
    last_updated_timestamp bigint  NOT NULL,
    description            text    NOT NULL DEFAULT '',
    source                 text    NOT NULL DEFAULT '',
    run_id                 text    NOT NULL DEFAULT '',
    run_link               text    NOT NULL DEFAULT '',
    user_id                text    NOT NULL DEFAULT '',
    status                 text    NOT NULL DEFAULT 'READY',
    PRIMARY KEY (name, version)
);

CREATE TABLE model_version_tags (
    name    text    NOT NULL,
    version integer NOT NULL,
    key     text    NOT NULL,
    value   text    NOT NULL,
    PRIMARY KEY (name, version, key),
    FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON DELETE CASCADE
);

CREATE TABLE registered_model_aliases (
    name       text    NOT NULL,
    alias      text    NOT NULL,
    version    integer NOT NULL,
    updated_at bigint  NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON DELETE CASCADE
);

CREATE TABLE reference_profiles (
    name          text    NOT NULL,
    version       integer NOT NULL,
    profile_json  text    NOT NULL,
    feature_count integer NOT NULL,
    updated_at    bigint  NOT NULL,
    PRIMARY KEY (name, version),
    FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON DELETE CASCADE
);

CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    name         text   NOT NULL UNIQUE,
    role         text   NOT NULL CHECK (role IN ('reader', 'operator', 'approver', 'admin')),
    token_sha256 text   NOT NULL UNIQUE,
    created_at   bigint NOT NULL
);
