import BackroomCore
import BackroomServices
import BackroomTelemetry
import BackroomHTTP
import BackroomTestSupport
import BackroomLoad
import BackroomTestSupport
import Foundation
import Testing

@Suite("Load generator", .serialized)
struct LoadGeneratorTests {
    @Test("the report's counts add up to what the server recorded")
    func countsAddUp() async throws {
        let server = try LiveServer()
        for index in 0..<30 { try await server.test.product(String(format: "LG-%03d", index), stock: 500) }
        try await server.start()
        let plan = try LoadPlan(baseURL: server.url, shoppers: 4, duration: .seconds(60), maximumRequests: 400, badRequestShare: 0.1, seed: 7)
            .validated(allowRemote: false)
        let report = await LoadGenerator(plan: plan).run()
        await server.stop()
        let recorded = server.parts.telemetry.recentRequests()
        #expect(report.transportErrors == 0)
        #expect(report.requests == recorded.count)
        var byStatus: [Int: Int] = [:]
        for record in recorded { byStatus[record.status, default: 0] += 1 }
        #expect(report.statuses == byStatus)
        #expect(report.ordersPlaced == (try server.test.count("SELECT COUNT(*) FROM shop_order")))
        #expect(report.ordersPaid == (try server.test.count("SELECT COUNT(*) FROM shop_order WHERE status = 'paid'")))
        #expect(report.statuses.keys.contains(404) && report.statuses.keys.contains { $0 == 400 || $0 == 422 }, "bad requests on purpose: \(report.statuses)")
        #expect(try await server.test.shop.checkInvariants().isEmpty)
    }

    @Test("targets other than this machine are refused unless allowed", arguments: [
        ("http://example.com:8080", false, false), ("http://example.com:8080", true, true), ("http://127.0.0.1:1", false, true),
        ("http://localhost:8080", false, true), ("ftp://127.0.0.1", false, false), ("not a url", false, false),
    ])
    func targets(url: String, allowRemote: Bool, accepted: Bool) {
        let plan = LoadPlan(baseURL: url, shoppers: 1, duration: .seconds(1))
        #expect(((try? plan.validated(allowRemote: allowRemote)) != nil) == accepted)
    }

    @Test("plans are bounded", arguments: [(0, nil as Double?), (1001, nil), (1, 0), (1, -5)])
    func bounds(shoppers: Int, rate: Double?) {
        let plan = LoadPlan(baseURL: "http://127.0.0.1:8080", shoppers: shoppers, duration: .seconds(1), rate: rate)
        #expect(throws: BackroomError.self) { try plan.validated(allowRemote: false) }
    }
}
