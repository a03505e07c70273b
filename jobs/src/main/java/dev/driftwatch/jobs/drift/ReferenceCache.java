package dev.driftwatch.jobs.drift;

import dev.driftwatch.core.profile.ReferenceProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsed reference profiles by reference id, with each profile's feature index, parsed once per
 * operator instance from the JSON that travels through the job.
 */
final class ReferenceCache {
    /** A parsed profile and its feature-name index. */
    record Entry(String referenceId, ReferenceProfile profile, Map<String, Integer> featureIndex) {}

    private final Map<String, Entry> byId = new HashMap<>();

    Entry get(String referenceId, String json) {
        Entry e = byId.get(referenceId);
        if (e == null) {
            ReferenceProfile profile = ReferenceProfile.fromJson(json);
            List<String> names = profile.featureNames();
            Map<String, Integer> index = new HashMap<>(names.size() * 2);
            for (int i = 0; i < names.size(); i++) {
                index.put(names.get(i), i);
            }
            e = new Entry(referenceId, profile, index);
            byId.put(referenceId, e);
        }
        return e;
    }

    void remove(String referenceId) {
        byId.remove(referenceId);
    }

    void retainOnly(java.util.Set<String> ids) {
        byId.keySet().retainAll(ids);
    }
}
