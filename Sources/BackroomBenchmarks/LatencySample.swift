import Foundation

/// Durations of repeated operations, summarised.
public struct LatencySample: Sendable {
    public private(set) var nanoseconds: [UInt64] = []

    public init() {}

    public mutating func record(_ value: UInt64) { nanoseconds.append(value) }

    public mutating func merge(_ other: LatencySample) { nanoseconds += other.nanoseconds }

    public var count: Int { nanoseconds.count }

    public func percentile(_ p: Double) -> Double {
        guard !nanoseconds.isEmpty else { return 0 }
        let sorted = nanoseconds.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * p / 100).rounded(.up)) - 1)
        return Double(sorted[max(0, index)])
    }

    public var mean: Double {
        nanoseconds.isEmpty ? 0 : Double(nanoseconds.reduce(0, +)) / Double(nanoseconds.count)
    }

    /// Times `body` once and records it.
    public mutating func time<T>(_ body: () async throws -> T) async rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try await body()
        record(DispatchTime.now().uptimeNanoseconds - start)
        return result
    }
}

/// `1.2 µs`, `3.4 ms`
public func formatDuration(nanoseconds: Double) -> String {
    switch nanoseconds {
    case ..<1_000: String(format: "%.0f ns", nanoseconds)
    case ..<1_000_000: String(format: "%.1f µs", nanoseconds / 1_000)
    case ..<1_000_000_000: String(format: "%.2f ms", nanoseconds / 1_000_000)
    default: String(format: "%.2f s", nanoseconds / 1_000_000_000)
    }
}

/// A report line printer: plain text for the terminal, one fact per line.
public struct BenchmarkReport {
    public private(set) var lines: [String] = []

    public init(title: String) {
        lines.append("## \(title)")
    }

    public mutating func add(_ line: String) {
        lines.append(line)
        print(line)
    }
}
