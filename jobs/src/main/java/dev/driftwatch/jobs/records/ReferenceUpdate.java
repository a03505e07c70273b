package dev.driftwatch.jobs.records;

import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.profile.ReferenceProfile;

/**
 * A reference profile travelling through the job as its JSON (parsed once per operator, cached by
 * id). The id is model/version@created_at, so a re-published baseline is a new id.
 */
public class ReferenceUpdate implements java.io.Serializable {
    public String referenceId;
    public String modelKey;
    public String json;

    public ReferenceUpdate() {}

    public static ReferenceUpdate of(ReferenceProfile profile) {
        ReferenceUpdate u = new ReferenceUpdate();
        u.modelKey = PredictionEvent.modelKey(profile.modelName(), profile.modelVersion());
        u.referenceId = u.modelKey + "@" + profile.createdAt();
        u.json = profile.toJson();
        return u;
    }
}
