import Histogram

/// Latencies in microseconds, from 1 µs to a minute, to two significant
/// digits (HdrHistogram): percentiles without keeping every sample.
public struct LatencyDistribution: Sendable {
    private var histogram = Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .two)

    public init() {}

    /// A distribution rebuilt from `buckets` (another process's, read from
    /// its live stream).
    public init(buckets: [[UInt64]]) {
        for pair in buckets where pair.count == 2 && pair[1] > 0 {
            _ = histogram.record(min(max(pair[0], 1), 60_000_000), count: UInt32(clamping: pair[1]))
        }
    }

    /// The non-empty buckets as `[microseconds, count]` pairs: what another
    /// process needs to merge this distribution with others exactly (to
    /// the histogram's two digits), where averaging percentiles would not.
    public var buckets: [[UInt64]] {
        histogram.recordedValues().map { [$0.value, UInt64($0.count)] }
    }

    public mutating func record(microseconds: UInt64) {
        _ = histogram.record(min(max(microseconds, 1), 60_000_000))
    }

    public mutating func add(_ other: LatencyDistribution) {
        histogram.add(other.histogram)
    }

    public var count: UInt64 { histogram.totalCount }

    /// The latency at `percentile` (0–100), 0 when empty.
    public func percentile(_ percentile: Double) -> UInt64 {
        count == 0 ? 0 : histogram.valueAtPercentile(percentile)
    }

    public var maximum: UInt64 { count == 0 ? 0 : histogram.max }
}
