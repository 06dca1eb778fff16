package io.imageprune.config;

import io.imageprune.options.InvalidOptionException;
import io.imageprune.options.OptionValues;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * The configuration's booleans as the command line's and the REST API's: Go's ParseBool. SmallRye Config's own
 * converter reads {@code yes}, {@code on}, {@code Y} … as true and anything else as false, so
 * {@code IMAGEPRUNE_PRUNE_CONFIRM=nope} would silently mean "confirm=false" and {@code confirm=ja} too; here both
 * stop the start, and SmallRye names the key in the error.
 */
public class StrictBooleanConverter implements Converter<Boolean> {
    @Override
    public Boolean convert(String value) {
        try {
            return OptionValues.bool("", value);
        } catch (InvalidOptionException e) {
            throw new IllegalArgumentException(e.problem());
        }
    }
}
