import Histogram

/// Latencies in microseconds, from 1 µs to a minute, to two significant
/// digits (HdrHistogram): percentiles without keeping every sample.
public struct LatencyDistribution: Sendable {
    private var histogram = Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .two)

    public init() {}

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
