-- Declared input schemas of models: the ordered feature names that name positional values of
-- logged inference payloads, and the output that holds the prediction (null: the first).

CREATE TABLE model_input_schemas (
    name              text   PRIMARY KEY REFERENCES registered_models (name) ON DELETE CASCADE,
    feature_names     text   NOT NULL,
    prediction_output text,
    updated_at        bigint NOT NULL
);
