package dev.driftwatch.registry.auth;

import dev.driftwatch.registry.RegistryException;
import java.util.Locale;

/**
 * What a token may do; each role includes the ones before it: reader < operator < approver < admin.
 */
public enum Role {
    /** reads everything (models, versions, profiles, alerts, routes without secrets). */
    READER,
    /** also registers models and versions, sets tags and reference profiles, posts alerts. */
    OPERATOR,
    /** also moves and deletes aliases (promotion) and deletes models and versions. */
    APPROVER,
    /** also manages tokens and notification routes. */
    ADMIN;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String s) {
        for (Role r : values()) {
            if (r.wireName().equals(s)) {
                return r;
            }
        }
        throw RegistryException.invalid(
                "role must be one of reader, operator, approver, admin; was " + s);
    }
}
