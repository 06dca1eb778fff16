package io.imageprune.projection;

import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Namespace;
import io.imageprune.model.NamespaceScope;
import io.imageprune.model.Referrer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every field of every projected model type survives {@code encode} and {@code decode}, in whichever schema version
 * {@code encode} picks, and in version 1 (JSON). The objects are made from the record components by reflection: one
 * object per value of one component (nested records likewise, one of their components at a time), all other
 * components plain. A component added to a model record and forgotten by a version, or by
 * {@code CompactProjection.carriesAllOf} (binary version 2 lacks some fields and must then not be chosen), fails here
 * without this test being touched.
 */
class ProjectionFieldsRoundTripTest {
    private static final ProjectionCodec CODEC = new ProjectionCodec();
    private static final List<Class<? extends Record>> PROJECTED = List.of(Image.class, ImageStream.class,
            Referrer.class, LimitRange.class, SyncMarker.class, Namespace.class, CustomReferrer.class);
    /** The types version 2 holds when they use only oc's fields: their plain objects must be written in it. */
    private static final Set<Class<?>> IN_VERSION_2 = Set.of(Image.class, ImageStream.class, Referrer.class,
            LimitRange.class, SyncMarker.class);

    @Test
    void everyComponentOfEveryProjectedTypeRoundTrips() throws Exception {
        int cases = 0;
        int binary = 0;
        for (Class<? extends Record> type : PROJECTED) {
            Object plain = plainOf(type);
            byte[] plainBytes = roundTrip(plain, type.getSimpleName() + " (plain)");
            if (IN_VERSION_2.contains(type)) {
                assertEquals(ProjectionCodec.VERSION, plainBytes[0], type + ": the plain object is in version 2, "
                        + "so that each component below is tried against that version too");
            }
            RecordComponent[] components = type.getRecordComponents();
            for (int c = 0; c < components.length; c++) {
                for (Object value : variants(components[c].getGenericType())) {
                    Object varied = with(type, c, value);
                    String what = type.getSimpleName() + "." + components[c].getName() + " = " + value;
                    assertNotEquals(plain, varied, what + " must differ from the plain object, or it tests nothing");
                    byte[] bytes = roundTrip(varied, what);
                    binary += bytes[0] == ProjectionCodec.VERSION ? 1 : 0;
                    cases++;
                }
            }
        }
        assertTrue(cases > 60, "cases tried: " + cases);
        assertTrue(binary > 0 && binary < cases, "version 2 in " + binary + " of " + cases + " cases");
    }

    /** Encodes with both versions and decodes; returns what {@code encode} wrote. */
    private static byte[] roundTrip(Object original, String what) {
        String key = ProjectionKeys.of(original);
        byte[] bytes = CODEC.encode(original);
        assertEquals(original, CODEC.decode(key, bytes), what + ", written in version " + version(bytes));
        assertEquals(original, CODEC.decode(key, CODEC.encodeJson(original)), what + ", written in version 1");
        return bytes;
    }

    private static int version(byte[] value) {
        return value[0] == ProjectionCodec.VERSION ? ProjectionCodec.VERSION : ProjectionCodec.JSON_VERSION;
    }

    // ------------------------------------------------------------------------------------------- values by type

    private static Object plainOf(Class<?> type) throws Exception {
        return with(type, -1, null);
    }

    /** A record of {@code type} with plain components, except component {@code c} (when >= 0) set to {@code value}. */
    private static Object with(Class<?> type, int c, Object value) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int k = 0; k < components.length; k++) {
            types[k] = components[k].getType();
            args[k] = k == c ? value : plain(components[k].getGenericType());
        }
        Constructor<?> canonical = type.getDeclaredConstructor(types);
        return canonical.newInstance(args);
    }

    /**
     * The plain value of a component: strings "p" (identity fields need one), zero, false; null for everything else
     * (the model's constructors make it the default: no time, empty lists, no annotations, an unknown scope) but an
     * enum, which is its first constant.
     */
    private static Object plain(Type type) {
        Class<?> raw = raw(type);
        if (raw == String.class) {
            return "p";
        } else if (raw == boolean.class) {
            return false;
        } else if (raw == long.class) {
            return 0L;
        } else if (raw == int.class) {
            return 0;
        } else if (raw.isEnum()) {
            return raw.getEnumConstants()[0];
        }
        return null;
    }

    /** Values of a component other than its plain one. */
    private static List<Object> variants(Type type) throws Exception {
        Class<?> raw = raw(type);
        if (raw == String.class) {
            return List.of("r-ünï");
        } else if (raw == boolean.class || raw == Boolean.class) {
            return List.of(true);
        } else if (raw == long.class || raw == Long.class) {
            return List.of(Long.MAX_VALUE, -7L);
        } else if (raw == int.class || raw == Integer.class) {
            return List.of(Integer.MAX_VALUE);
        } else if (raw == Instant.class) {
            return List.of(Instant.parse("2031-02-03T04:05:06.123456789Z"), Instant.parse("1969-07-20T20:17:40Z"));
        } else if (raw.isEnum()) {
            return List.of(Arrays.copyOfRange(raw.getEnumConstants(), 1, raw.getEnumConstants().length));
        } else if (raw == NamespaceScope.class) {
            return List.of(NamespaceScope.ALL, NamespaceScope.of("scope", List.of("ns-b", "ns-a")));
        } else if (raw == List.class) {
            List<Object> lists = new ArrayList<>();
            for (Object element : variants(argument(type, 0))) {
                lists.add(List.of(element));
            }
            return lists;
        } else if (raw == Map.class) {
            assertEquals(String.class, argument(type, 0), type.toString());
            Object count = variants(argument(type, 1)).get(0);
            return List.of(Map.of("Pod", count, "Image", count));
        } else if (raw.isRecord()) {
            List<Object> records = new ArrayList<>();
            RecordComponent[] components = raw.getRecordComponents();
            for (int c = 0; c < components.length; c++) {
                for (Object value : variants(components[c].getGenericType())) {
                    records.add(with(raw, c, value));
                }
            }
            return records;
        }
        throw new AssertionError("no values for a component of type " + type + ": teach this test the type");
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int n) {
        return ((ParameterizedType) type).getActualTypeArguments()[n];
    }
}
