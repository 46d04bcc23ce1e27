package io.digitloc.score;

import io.digitloc.core.ImageInput;
import io.digitloc.core.Located;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The columns a scored row gains, shared by the score job, the Spark ML model and the SQL function.
 * <pre>
 * digit          int           predicted digit (null when the row could not be scored)
 * probability    float         its probability
 * probabilities  array&lt;float&gt;  the 10 class probabilities (optional)
 * box_xmin..box_ymax  float    the box as fractions of the input's width and height
 * px_xmin..px_ymax    double   the box in the input's pixel coordinates
 * error          string        why the row could not be scored; null when it was
 * </pre>
 */
public final class ScoreColumns {
    public static final String DIGIT = "digit";
    public static final String PROBABILITY = "probability";
    public static final String PROBABILITIES = "probabilities";
    public static final String[] BOX = {"box_xmin", "box_ymin", "box_xmax", "box_ymax"};
    public static final String[] PIXEL_BOX = {"px_xmin", "px_ymin", "px_xmax", "px_ymax"};
    public static final String ERROR = "error";

    private ScoreColumns() {
    }

    /** The added fields, in order. */
    public static List<StructField> fields(boolean probabilities) {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField(DIGIT, DataTypes.IntegerType, true));
        f.add(DataTypes.createStructField(PROBABILITY, DataTypes.FloatType, true));
        if (probabilities) {
            f.add(DataTypes.createStructField(PROBABILITIES, DataTypes.createArrayType(DataTypes.FloatType, false), true));
        }
        for (String c : BOX) {
            f.add(DataTypes.createStructField(c, DataTypes.FloatType, true));
        }
        for (String c : PIXEL_BOX) {
            f.add(DataTypes.createStructField(c, DataTypes.DoubleType, true));
        }
        f.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
        return f;
    }

    /** The added fields as one struct (the Spark ML model's output column and the SQL function's result). */
    public static StructType struct(boolean probabilities) {
        return new StructType(fields(probabilities).toArray(new StructField[0]));
    }

    /** Fails when {@code input} has a column named {@code name} already. */
    public static void requireFree(StructType input, String name) {
        if (Arrays.asList(input.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("the input already has a column '" + name
                    + "', which scoring adds; rename or drop it first");
        }
    }

    /** {@code input} with the added fields; fails when a name is taken already. */
    public static StructType append(StructType input, boolean probabilities) {
        StructType out = input;
        for (StructField f : fields(probabilities)) {
            requireFree(input, f.name());
            out = out.add(f);
        }
        return out;
    }

    /** The added values of a scored row. */
    public static Object[] values(Located l, ImageInput.Fitted fitted, boolean probabilities) {
        List<Object> v = new ArrayList<>();
        v.add(l.digit());
        v.add(l.probability());
        if (probabilities) {
            Float[] p = new Float[l.probabilities().length];
            for (int i = 0; i < p.length; i++) {
                p[i] = l.probabilities()[i];
            }
            v.add(p);
        }
        double[] px = fitted.toInput(l.box());
        v.add((float) (px[0] / fitted.width()));
        v.add((float) (px[1] / fitted.height()));
        v.add((float) (px[2] / fitted.width()));
        v.add((float) (px[3] / fitted.height()));
        for (double d : px) {
            v.add(d);
        }
        v.add(null);
        return v.toArray();
    }

    /** The added values of a row that could not be scored: nulls and the reason. */
    public static Object[] error(String reason, boolean probabilities) {
        Object[] v = new Object[fields(probabilities).size()];
        v[v.length - 1] = reason;
        return v;
    }
}
