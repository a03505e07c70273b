package dev.driftwatch.launcher;

import java.util.Objects;

/**
 * The token a trainer uses to call the registry: a Kubernetes Secret key (preferred on a cluster:
 * the value never leaves the Secret) or a literal value (the local backend). {@link #toString()}
 * never shows the value.
 *
 * <pre>{@code
 * RegistryToken onCluster = RegistryToken.fromSecret("driftwatch-trainer", "token");
 * RegistryToken local = RegistryToken.of(issuedSecret);
 * }</pre>
 */
public final class RegistryToken {
    private final String secretName;
    private final String secretKey;
    private final String value;

    private RegistryToken(String secretName, String secretKey, String value) {
        this.secretName = secretName;
        this.secretKey = secretKey;
        this.value = value;
    }

    /** A key of a Kubernetes Secret in the Job's namespace. */
    public static RegistryToken fromSecret(String secretName, String secretKey) {
        if (secretName == null
                || secretName.isBlank()
                || secretKey == null
                || secretKey.isBlank()) {
            throw new LaunchException("a registry token Secret needs a name and a key");
        }
        return new RegistryToken(secretName, secretKey, null);
    }

    /** A literal token, passed as an environment variable. */
    public static RegistryToken of(String value) {
        if (value == null || value.isEmpty()) {
            throw new LaunchException("the registry token must not be empty");
        }
        return new RegistryToken(null, null, value);
    }

    public boolean isSecretReference() {
        return secretName != null;
    }

    public String secretName() {
        return secretName;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The literal value; null for a Secret reference. Never log it. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegistryToken t
                && Objects.equals(secretName, t.secretName)
                && Objects.equals(secretKey, t.secretKey)
                && Objects.equals(value, t.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(secretName, secretKey, value);
    }

    @Override
    public String toString() {
        return isSecretReference()
                ? "RegistryToken[secret=" + secretName + "/" + secretKey + "]"
                : "RegistryToken[value=***]";
    }
}
