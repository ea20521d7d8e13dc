import ArgumentParser
import BackroomCore
import BackroomLoad
import Foundation

struct LoadgenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Simulated shoppers against a running API, with a live summary and a final report.",
        discussion: "Targets other than this machine are refused unless --allow-remote is given."
    )

    @Option(help: "The API's base URL.")
    var url = "http://127.0.0.1:8080"

    @Option(help: "Shoppers at once.")
    var users = 8

    @Option(help: "How long: 30s, 5m, 1h, or seconds.")
    var duration = "30s"

    @Option(help: "At most this many requests per second in total.")
    var rate: Double?

    @Option(help: "Stop after this many requests.")
    var requests: Int?

    @Option(help: "Share of deliberately bad requests (0–0.5).")
    var badShare = 0.05

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Allow a target that is not this machine.")
    var allowRemote = false

    func run() async throws {
        try await reportingErrors {
            guard let seconds = Self.parseDuration(duration), seconds > 0, seconds <= 24 * 3600 else {
                throw BackroomError.validation("duration", "Use a duration like 30s, 5m or 1h (up to 24h).")
            }
            if let requests, requests < 1 { throw BackroomError.validation("requests", "At least 1 request.") }
            let plan = try LoadPlan(
                baseURL: url, shoppers: users, duration: .milliseconds(Int64(seconds * 1000)), maximumRequests: requests,
                rate: rate, badRequestShare: badShare, seed: seed
            ).validated(allowRemote: allowRemote)
            let generator = LoadGenerator(plan: plan)
            let progress = ProgressLine()
            let started = Date()
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    var report = generator.progress
                    report.seconds = Date().timeIntervalSince(started)
                    progress.show(report.summaryLine)
                }
            }
            let report = await generator.run()
            ticker.cancel()
            progress.finish()
            print(report.text)
            if report.requests > 0 && report.transportErrors == report.requests {
                throw BackroomError(.unavailable, "No request was answered: is the server running at \(url)?")
            }
        }
    }

    static func parseDuration(_ text: String) -> Double? {
        let lower = text.lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            if let value = Double(lower.dropLast(suffix.count)) { return value * factor }
        }
        return Double(lower)
    }
}
