package io.digitloc.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The per-epoch validation figure a run is judged by: one figure of the {@link EpochRecord}, or a
 * weighted sum of several that improve in the same direction, written {@code "accuracy"} or
 * {@code "0.5*accuracy + 0.5*iou-share"} (positive weights, {@code +} between terms, spaces ignored).
 */
public final class EpochMetric {

    /** The figures a metric may use, by their setting names. */
    public enum Figure {
        ACCURACY("accuracy", true, EpochRecord::valAccuracy),
        MEAN_IOU("mean-iou", true, EpochRecord::valMeanIou),
        IOU_SHARE("iou-share", true, EpochRecord::valIouShare),
        LOSS("loss", false, EpochRecord::valLoss),
        BOX_MSE("box-mse", false, EpochRecord::valBoxMse);

        private final String key;
        private final boolean higherIsBetter;
        private final ToDoubleFunction<EpochRecord> value;

        Figure(String key, boolean higherIsBetter, ToDoubleFunction<EpochRecord> value) {
            this.key = key;
            this.higherIsBetter = higherIsBetter;
            this.value = value;
        }

        public String key() {
            return key;
        }

        public boolean higherIsBetter() {
            return higherIsBetter;
        }

        static Figure of(String key) {
            for (Figure f : values()) {
                if (f.key.equals(key)) {
                    return f;
                }
            }
            return null;
        }
    }

    /** One weighted figure of the sum. */
    public record Term(double weight, Figure figure) {
    }

    private static final Pattern TERM = Pattern.compile("(?:(\\d+(?:\\.\\d*)?|\\.\\d+)\\*)?([a-z-]+)");

    private final List<Term> terms;
    private final boolean higherIsBetter;

    private EpochMetric(List<Term> terms) {
        this.terms = List.copyOf(terms);
        this.higherIsBetter = terms.get(0).figure().higherIsBetter();
    }

    /**
     * Reads a metric expression.
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown figure, a bad weight, a figure
     *                                  used twice, or figures that improve in opposite directions
     */
    public static EpochMetric parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("the metric is empty: expected one of " + names()
                    + " or a weighted sum such as 0.5*accuracy+0.5*iou-share");
        }
        String compact = expression.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
        List<Term> terms = new ArrayList<>();
        Set<Figure> seen = EnumSet.noneOf(Figure.class);
        for (String part : compact.split("\\+", -1)) {
            Matcher m = TERM.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + part + "' in metric '" + expression
                        + "' is not a figure or weight*figure (figures: " + names() + ")");
            }
            Figure figure = Figure.of(m.group(2));
            if (figure == null) {
                throw new IllegalArgumentException("unknown figure '" + m.group(2) + "' in metric '" + expression
                        + "': expected one of " + names());
            }
            double weight = m.group(1) == null ? 1 : Double.parseDouble(m.group(1));
            if (!(weight > 0)) {
                throw new IllegalArgumentException("the weight of " + figure.key() + " in metric '" + expression
                        + "' must be positive");
            }
            if (!seen.add(figure)) {
                throw new IllegalArgumentException(figure.key() + " appears twice in metric '" + expression + "'");
            }
            terms.add(new Term(weight, figure));
        }
        for (Term t : terms) {
            if (t.figure().higherIsBetter() != terms.get(0).figure().higherIsBetter()) {
                throw new IllegalArgumentException("metric '" + expression + "' adds figures where higher is better "
                        + "(accuracy, mean-iou, iou-share) to figures where lower is better (loss, box-mse); "
                        + "a sum must combine figures of one kind");
            }
        }
        return new EpochMetric(terms);
    }

    private static String names() {
        List<String> names = new ArrayList<>();
        for (Figure f : Figure.values()) {
            names.add(f.key());
        }
        return String.join(", ", names);
    }

    public List<Term> terms() {
        return terms;
    }

    /** True for accuracy, mean IoU and the IoU share; false for the loss and the box MSE. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The metric's value for one epoch (NaN when a figure it uses was not recorded). */
    public double of(EpochRecord r) {
        double sum = 0;
        for (Term t : terms) {
            sum += t.weight() * t.figure().value.applyAsDouble(r);
        }
        return sum;
    }

    /** The expression in its canonical form, e.g. {@code 0.5*accuracy+0.5*iou-share}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Term t : terms) {
            if (sb.length() > 0) {
                sb.append('+');
            }
            if (t.weight() != 1) {
                sb.append(new BigDecimal(Double.toString(t.weight())).stripTrailingZeros().toPlainString()).append('*');
            }
            sb.append(t.figure().key());
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EpochMetric m && m.terms.equals(terms);
    }

    @Override
    public int hashCode() {
        return terms.hashCode();
    }
}
