import BackroomCore
import BackroomTelemetry
import Foundation

/// The cost of recording one request into the live telemetry, the part of
/// the request path it adds (the HTTP benchmark measures it end to end).
public struct TelemetryBenchmark {
    public var records: Int

    public init(records: Int = 1_000_000) {
        self.records = records
    }

    public func run(recordMetrics: (String, String, Int, Int64) -> Void) {
        let telemetry = Telemetry()
        let routes = (0..<12).map { "/api/v1/route\($0)/{id}" }
        let clock = SystemTimeSource()
        let started = DispatchTime.now().uptimeNanoseconds
        for index in 0..<records {
            let route = routes[index % routes.count]
            telemetry.record(RequestRecord(
                at: clock.now(), method: "GET", route: route, path: route, status: 200,
                latencyMicroseconds: UInt64(index % 5000), bytes: 300, user: nil, requestID: "0123456789abcdef"
            ))
            recordMetrics("GET", route, 200, Int64(index % 5_000_000))
        }
        let perRecord = Double(DispatchTime.now().uptimeNanoseconds - started) / Double(records)
        print(String(format: "telemetry + metrics per request: %.0f ns (%d records, 12 routes)", perRecord, records))
    }
}
