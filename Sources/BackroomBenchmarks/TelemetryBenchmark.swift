import Foundation

/// The cost of recording one request (live telemetry and Prometheus
/// metrics), the part of the request path telemetry adds; the HTTP
/// benchmark measures it end to end.
public struct TelemetryBenchmark {
    /// One finished request: method, route, path, status, nanoseconds.
    public typealias Record = (String, String, String, Int, UInt64) -> Void

    public var records: Int

    public init(records: Int = 1_000_000) {
        self.records = records
    }

    public func run(record: Record) {
        let routes = (0..<12).map { "/api/v1/route\($0)/{id}" }
        let paths = (0..<12).map { "/api/v1/route\($0)/SKU-\($0)" }
        let started = DispatchTime.now().uptimeNanoseconds
        for index in 0..<records {
            record("GET", routes[index % routes.count], paths[index % paths.count], 200, UInt64(index % 5_000_000))
        }
        let perRecord = Double(DispatchTime.now().uptimeNanoseconds - started) / Double(records)
        print(String(format: "telemetry + metrics per request: %.0f ns (%d records, 12 routes)", perRecord, records))
    }
}
