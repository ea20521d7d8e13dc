import BackroomCore
import BackroomServices
import Foundation

/// How the console writes numbers and times.
enum Formatting {
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    static func grouped(_ value: Int64) -> String { grouped(Int(value)) }

    /// `today 14:02`, `yesterday 18:20`, `2026-03-02` (UTC, like the store).
    static func relative(_ timestamp: Timestamp, now: Timestamp) -> String {
        let time = CivilTime(timestamp)
        let today = CivilTime(now).dayNumber
        let clock = String(format: "%02d:%02d", time.hour, time.minute)
        switch today - time.dayNumber {
        case 0: return "today \(clock)"
        case 1: return "yesterday \(clock)"
        default: return String(format: "%04d-%02d-%02d", time.year, time.month, time.day)
        }
    }

    /// `14:02:11.204`
    static func clockTime(_ timestamp: Timestamp) -> String {
        let time = CivilTime(timestamp)
        return String(format: "%02d:%02d:%02d.%03d", time.hour, time.minute, time.second, time.millisecond)
    }

    /// `0.4 ms`, `14 ms`, `1.2 s`
    static func duration(microseconds: UInt64) -> String {
        let value = Double(microseconds)
        switch value {
        case ..<1_000: return String(format: "%.0f µs", value)
        case ..<10_000: return String(format: "%.1f ms", value / 1000)
        case ..<1_000_000: return String(format: "%.0f ms", value / 1000)
        default: return String(format: "%.1f s", value / 1_000_000)
        }
    }

    /// `612 B`, `4.1 KB`, `3.1 MB`
    static func bytes(_ value: Int64) -> String {
        let size = Double(value)
        switch size {
        case ..<1024: return "\(value) B"
        case ..<(1024 * 1024): return String(format: "%.1f KB", size / 1024)
        case ..<(1024 * 1024 * 1024): return String(format: "%.1f MB", size / 1024 / 1024)
        default: return String(format: "%.1f GB", size / 1024 / 1024 / 1024)
        }
    }

    static func rate(_ value: Double) -> String {
        value >= 10 ? grouped(Int(value.rounded())) : String(format: "%.1f", value)
    }

    static func percent(_ ratio: Double) -> String {
        String(format: "%.1f%%", ratio * 100)
    }
}

extension Formatting {
    /// `1 row`, `2 rows`, `1,204 rows`.
    static func count(_ value: Int64, _ noun: String, plural: String? = nil) -> String { count(Int(value), noun, plural: plural) }

    static func count(_ value: Int, _ noun: String, plural: String? = nil) -> String {
        "\(grouped(value)) \(value == 1 ? noun : (plural ?? noun + "s"))"
    }
}
