package io.imageprune.cli;

import io.imageprune.options.InvalidOptionException;
import io.imageprune.options.OptionValues;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli's conversions replaced by the strict option parser, so that a flag means what the same REST parameter or
 * configuration key means (picocli alone reads {@code --all=TrUe} as true and refuses Go's {@code --all=1}).
 * picocli prefixes the problem with "Invalid value for option '--all'" and exits with status 2.
 */
final class OptionConverters {
    private OptionConverters() {
    }

    static final class Bool implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return OptionConverters.convert(() -> OptionValues.bool("", value));
        }
    }

    static final class Int implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return OptionConverters.convert(() -> OptionValues.integer("", value));
        }
    }

    static final class InvalidRefs implements ITypeConverter<io.imageprune.options.InvalidReferenceMode> {
        @Override
        public io.imageprune.options.InvalidReferenceMode convert(String value) {
            return OptionConverters.convert(() -> OptionValues.invalidRefs("", value));
        }
    }

    private static <T> T convert(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (InvalidOptionException e) {
            throw new TypeConversionException(e.problem());
        }
    }
}
