package dev.driftwatch.registry.notify;

/**
 * A notification route: which alerts (by model, severity, alertname; null matches any) go to which
 * receiver ({@link Receivers}: {@code slack}, {@code pagerduty}, {@code webhook}). {@code url},
 * {@code routingKey} and {@code secret} are secrets: {@link #toString()} leaves them out, and the
 * API never returns them.
 */
public record Route(
        long id,
        String name,
        String receiver,
        String matchModel,
        String matchSeverity,
        String matchAlertname,
        String url,
        String routingKey,
        String secret,
        long repeatIntervalMs,
        boolean sendResolved) {
    /** Whether an alert with these labels goes to this route. */
    public boolean matches(String model, String severity, String alertname) {
        return (matchModel == null || matchModel.equals(model))
                && (matchSeverity == null || matchSeverity.equals(severity))
                && (matchAlertname == null || matchAlertname.equals(alertname));
    }

    /** This route with another URL (a receiver's default). */
    public Route withUrl(String newUrl) {
        return new Route(
                id,
                name,
                receiver,
                matchModel,
                matchSeverity,
                matchAlertname,
                newUrl,
                routingKey,
                secret,
                repeatIntervalMs,
                sendResolved);
    }

    /** The receiver's address with its secret parts cut: scheme and host only. */
    public String redactedUrl() {
        try {
            java.net.URI u = java.net.URI.create(url);
            return u.getScheme()
                    + "://"
                    + u.getHost()
                    + (u.getPort() > 0 ? ":" + u.getPort() : "")
                    + "/…";
        } catch (IllegalArgumentException e) {
            return "…";
        }
    }

    @Override
    public String toString() {
        return "Route[" + name + " -> " + receiver + " " + redactedUrl() + "]";
    }
}
