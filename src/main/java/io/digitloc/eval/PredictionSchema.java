package io.digitloc.eval;

import io.digitloc.core.Prediction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Parquet schema of {@code predictions/}: one row per validation canvas.
 * <pre>
 * id, label, predicted (int), correct (boolean), score (float, top-1 probability),
 * probabilities (array&lt;float&gt;, 10), true_xmin..true_ymax, pred_xmin..pred_ymax (float, normalised),
 * iou (double), box_se (double, mean squared error of the 4 box values)
 * </pre>
 */
public final class PredictionSchema {
    public static final String[] TRUE_BOX = {"true_xmin", "true_ymin", "true_xmax", "true_ymax"};
    public static final String[] PRED_BOX = {"pred_xmin", "pred_ymin", "pred_xmax", "pred_ymax"};

    public static final StructType SCHEMA;

    static {
        StructType s = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("label", DataTypes.IntegerType, false)
                .add("predicted", DataTypes.IntegerType, false)
                .add("correct", DataTypes.BooleanType, false)
                .add("score", DataTypes.FloatType, false)
                .add("probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        for (String c : TRUE_BOX) {
            s = s.add(c, DataTypes.FloatType, false);
        }
        for (String c : PRED_BOX) {
            s = s.add(c, DataTypes.FloatType, false);
        }
        SCHEMA = s.add("iou", DataTypes.DoubleType, false).add("box_se", DataTypes.DoubleType, false);
    }

    private PredictionSchema() {
    }

    public static Row toRow(Prediction p) {
        Float[] probs = new Float[p.probabilities().length];
        for (int i = 0; i < probs.length; i++) {
            probs[i] = p.probabilities()[i];
        }
        float[] t = p.trueBox();
        float[] b = p.predBox();
        return RowFactory.create(p.id(), p.label(), p.predicted(), p.correct(), p.score(), probs,
                t[0], t[1], t[2], t[3], b[0], b[1], b[2], b[3], p.iou(), p.boxSquaredError());
    }

    public static Prediction fromRow(Row r) {
        java.util.List<Float> list = r.getList(r.fieldIndex("probabilities"));
        float[] probs = new float[list.size()];
        for (int i = 0; i < probs.length; i++) {
            probs[i] = list.get(i);
        }
        float[] t = new float[4];
        float[] b = new float[4];
        for (int k = 0; k < 4; k++) {
            t[k] = r.getFloat(r.fieldIndex(TRUE_BOX[k]));
            b[k] = r.getFloat(r.fieldIndex(PRED_BOX[k]));
        }
        return new Prediction(r.getLong(r.fieldIndex("id")), r.getInt(r.fieldIndex("label")),
                r.getInt(r.fieldIndex("predicted")), probs, t, b, r.getDouble(r.fieldIndex("iou")));
    }
}
