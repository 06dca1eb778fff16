package io.imageprune.options;

/**
 * A value an option parser refused. The message names the parameter, the value and what is expected, e.g.
 * {@code invalid value for all: "yes" is not a boolean (1, t, T, TRUE, true, True, 0, f, F, FALSE, false or False)}.
 */
public final class InvalidOptionException extends IllegalArgumentException {
    private final String parameter;
    private final String value;
    private final String problem;

    /**
     * @param parameter the parameter as its user wrote it: {@code --all}, {@code all},
     *                  {@code imageprune.plan.all}
     * @param problem   what is wrong with the value and what is expected instead
     */
    public InvalidOptionException(String parameter, String value, String problem) {
        super("invalid value for " + parameter + ": " + problem);
        this.parameter = parameter;
        this.value = value;
        this.problem = problem;
    }

    public String parameter() {
        return parameter;
    }

    public String value() {
        return value;
    }

    /** The message without the parameter, for callers that name it themselves (picocli's "Invalid value for option"). */
    public String problem() {
        return problem;
    }
}
