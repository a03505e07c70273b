package dev.driftwatch.registry.auth;

/** A stored token, without its secret: id, name and role. */
public record AccessToken(long id, String name, String role, long createdAt) {
    public Role roleValue() {
        return Role.parse(role);
    }
}
