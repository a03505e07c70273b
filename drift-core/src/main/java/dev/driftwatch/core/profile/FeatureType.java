package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;

/** The type of a feature: which profile, window and statistics apply to it. */
public enum FeatureType {
    NUMERIC("numeric"),
    CATEGORICAL("categorical");

    private final String configName;

    FeatureType(String configName) {
        this.configName = configName;
    }

    /** The name in profiles, reports and policy files: "numeric" or "categorical". */
    public String configName() {
        return configName;
    }

    /**
     * Parses {@link #configName()}.
     *
     * @throws DriftCoreException for any other name
     */
    public static FeatureType fromConfigName(String name) {
        for (FeatureType t : values()) {
            if (t.configName.equals(name)) {
                return t;
            }
        }
        throw new DriftCoreException(
                "feature type must be numeric or categorical, was '" + name + "'");
    }

    @Override
    public String toString() {
        return configName;
    }
}
