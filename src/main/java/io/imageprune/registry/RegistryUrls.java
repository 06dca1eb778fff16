package io.imageprune.registry;

/** oc's {@code validateRegistryURL} for {@code --registry-url} (algorithm §1, rejected combination 3). */
public final class RegistryUrls {
    public static final String ERR_PATH = "no path after <host>[:<port>] is allowed";
    public static final String ERR_QUERY = "no query arguments are allowed after <host>[:<port>]";
    public static final String ERR_NO_HOST = "no host name specified";

    private RegistryUrls() {
    }

    /**
     * Accepts {@code [http|https://]host[:port][/]}; a value without a scheme is checked as if it had {@code https://}.
     *
     * @throws IllegalArgumentException with oc's message; the caller adds "invalid --registry-url flag: "
     */
    public static void validate(String registryUrl) {
        GoUrl url;
        if (registryUrl.contains("://")) {
            url = GoUrl.parse(registryUrl);
            if (!url.scheme().equals("http") && !url.scheme().equals("https")) {
                throw new IllegalArgumentException("unsupported scheme: " + url.scheme());
            }
        } else {
            url = GoUrl.parse("https://" + registryUrl);
        }
        if (!url.path().isEmpty() && !url.path().equals("/")) {
            throw new IllegalArgumentException(ERR_PATH);
        }
        if (!url.rawQuery().isEmpty()) {
            throw new IllegalArgumentException(ERR_QUERY);
        }
        if (url.host().isEmpty()) {
            throw new IllegalArgumentException(ERR_NO_HOST);
        }
    }
}
