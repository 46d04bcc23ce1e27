package io.digitloc.core;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * When to stop training, and which epoch was the best: fed each epoch's validation figures in order,
 * it keeps the best value of an {@link EpochMetric} and stops once {@code patience} epochs in a row
 * have not improved on it by more than {@code minDelta} (as Keras' {@code EarlyStopping}: improved
 * means better than best + minDelta for a figure where higher is better, best - minDelta otherwise).
 * {@code patience} 0 turns stopping off; the best epoch is still tracked. Its whole state follows from
 * the history, so a resumed run {@link #replay}s history.json and carries on where it was.
 */
public final class EarlyStopping {

    /**
     * What one epoch means for the run.
     *
     * @param epoch        the epoch just observed
     * @param value        its metric value (NaN when a figure it needs was not recorded)
     * @param improved     this epoch is the new best
     * @param bestEpoch    the best epoch so far (this one when improved; 0 while none had a value)
     * @param bestValue    the best value so far
     * @param sinceBest    epochs observed since the best one (0 when improved)
     * @param stop         training should stop after this epoch
     * @param reason       a sentence for the log and metadata saying all of the above
     */
    public record Verdict(int epoch, double value, boolean improved, int bestEpoch, double bestValue, int sinceBest,
                          boolean stop, String reason) {
    }

    private final EpochMetric metric;
    private final int patience;
    private final double minDelta;
    private int lastEpoch;
    private int bestEpoch;
    private double best = Double.NaN;
    private Verdict last;

    /**
     * @param patience epochs without improvement before stopping; 0 = never stop
     * @param minDelta how much better than the best a value must be to count as an improvement (&ge; 0)
     */
    public EarlyStopping(EpochMetric metric, int patience, double minDelta) {
        this.metric = Objects.requireNonNull(metric, "metric");
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be 0 (off) or a number of epochs, not " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("min-delta must be a finite number >= 0, not " + minDelta);
        }
        this.patience = patience;
        this.minDelta = minDelta;
    }

    /** Feeds the epochs of a (resumed) run's history in order; returns this, ready for the next epoch. */
    public EarlyStopping replay(List<EpochRecord> history) {
        history.forEach(this::observe);
        return this;
    }

    /**
     * Judges the next epoch.
     *
     * @throws IllegalArgumentException when epochs do not come in increasing order (one fed twice)
     */
    public Verdict observe(EpochRecord r) {
        if (r.epoch() <= lastEpoch) {
            throw new IllegalArgumentException("epoch " + r.epoch() + " observed after epoch " + lastEpoch
                    + ": epochs must come once each, in order");
        }
        lastEpoch = r.epoch();
        double value = metric.of(r);
        double previous = best;
        int previousEpoch = bestEpoch;
        boolean improved = !Double.isNaN(value) && (bestEpoch == 0 || better(value, best));
        if (improved) {
            best = value;
            bestEpoch = r.epoch();
        }
        int sinceBest = r.epoch() - bestEpoch; // epochs count from 1: before any value, all of them
        boolean stop = enabled() && sinceBest >= patience;
        last = new Verdict(r.epoch(), value, improved, bestEpoch, best, sinceBest, stop,
                reason(r.epoch(), value, improved, previous, previousEpoch, sinceBest, stop));
        return last;
    }

    private boolean better(double value, double than) {
        return metric.higherIsBetter() ? value > than + minDelta : value < than - minDelta;
    }

    private String reason(int epoch, double value, boolean improved, double previous, int previousEpoch, int sinceBest,
                          boolean stop) {
        String name = metric.toString();
        if (stop) {
            return bestEpoch == 0
                    ? String.format(Locale.ROOT, "stop after epoch %d: %s had no value for %d epochs (patience %d)",
                    epoch, name, sinceBest, patience)
                    : String.format(Locale.ROOT, "stop after epoch %d: %s has not improved on %s (epoch %d) by more "
                            + "than %s for %d epochs (patience %d)", epoch, name, num(best), bestEpoch, num(minDelta),
                    sinceBest, patience);
        }
        if (improved) {
            return previousEpoch == 0
                    ? String.format(Locale.ROOT, "epoch %d: %s = %s, the best so far", epoch, name, num(value))
                    : String.format(Locale.ROOT, "epoch %d: %s = %s, the best so far (was %s at epoch %d)", epoch,
                    name, num(value), num(previous), previousEpoch);
        }
        String what = Double.isNaN(value) ? String.format(Locale.ROOT, "epoch %d: %s is not a number", epoch, name)
                : bestEpoch == 0 ? String.format(Locale.ROOT, "epoch %d: %s = %s", epoch, name, num(value))
                : String.format(Locale.ROOT, "epoch %d: %s = %s, no improvement on %s (epoch %d) by more than %s",
                epoch, name, num(value), num(best), bestEpoch, num(minDelta));
        return enabled() ? String.format(Locale.ROOT, "%s; %d of %d epochs of patience used", what, sinceBest, patience)
                : String.format(Locale.ROOT, "%s; %d epoch%s since the best", what, sinceBest, sinceBest == 1 ? "" : "s");
    }

    /** Six significant digits, no trailing zeros: 0.97, 0.000328, 0. */
    private static String num(double v) {
        return Double.isFinite(v) ? new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString()
                : String.valueOf(v);
    }

    /** Whether this policy may stop a run (patience &gt; 0). */
    public boolean enabled() {
        return patience > 0;
    }

    public EpochMetric metric() {
        return metric;
    }

    public int patience() {
        return patience;
    }

    public double minDelta() {
        return minDelta;
    }

    /** The best epoch so far; 0 before any epoch with a value. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best value so far; NaN before any epoch with a value. */
    public double bestValue() {
        return best;
    }

    /** The verdict on the last epoch observed, if any. */
    public Optional<Verdict> last() {
        return Optional.ofNullable(last);
    }

    /** Whether the last epoch observed said stop (true after a replay of a run that had decided to stop). */
    public boolean shouldStop() {
        return last != null && last.stop();
    }

    /**
     * One sentence for the end of a run (metadata, lineage, report), e.g. "stopped after epoch 12 of 40: ...;
     * best epoch 7" or "trained all 40 epochs; best epoch 38 (0.5*accuracy+0.5*iou-share = 0.9912)".
     */
    public String outcome(int plannedEpochs) {
        if (last == null) {
            return "no epoch trained";
        }
        String best = bestEpoch == 0 ? "no epoch had a value of " + metric
                : String.format(Locale.ROOT, "best epoch %d (%s = %s)", bestEpoch, metric, num(this.best));
        if (last.stop()) {
            return String.format(Locale.ROOT, "stopped early after epoch %d of %d: no improvement by more than %s "
                    + "for %d epochs (patience %d); %s", last.epoch(), plannedEpochs, num(minDelta), last.sinceBest(),
                    patience, best);
        }
        return String.format(Locale.ROOT, "trained %d of %d epochs; %s", last.epoch(), plannedEpochs, best);
    }
}
