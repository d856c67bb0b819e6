package dev.slmp.bench;

import java.util.Arrays;
import java.util.List;

/** Median, min–max and percentiles: the summaries the report gives. */
final class Stats {
  private Stats() {}

  /** A median with its range over the rounds. */
  record Summary(double median, double min, double max) {
    static final Summary NONE = new Summary(Double.NaN, Double.NaN, Double.NaN);

    boolean present() {
      return !Double.isNaN(median);
    }
  }

  static Summary summarize(List<Double> values) {
    double[] v =
        values.stream()
            .filter(d -> d != null && !Double.isNaN(d))
            .mapToDouble(Double::doubleValue)
            .toArray();
    if (v.length == 0) {
      return Summary.NONE;
    }
    Arrays.sort(v);
    return new Summary(median(v), v[0], v[v.length - 1]);
  }

  /** The median of sorted values: the middle one, or the mean of the two middle ones. */
  static double median(double[] sorted) {
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  /**
   * The nearest-rank percentile of sorted values: the smallest value such that at least {@code p} %
   * of the values are less than or equal to it. {@code -1} for no values.
   */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    if (p <= 0) {
      return sorted[0];
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1];
  }
}
