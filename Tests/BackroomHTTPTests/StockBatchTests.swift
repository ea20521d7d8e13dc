import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `POST /api/v1/admin/stock/adjustments`: up to 1,000 items in one
/// transaction, each answered on its own, both error policies, retries.
@Suite("Bulk stock API")
struct StockBatchTests {
    static let path = "/api/v1/admin/stock/adjustments"

    func items(_ count: Int, bad: Set<Int> = []) -> [[String: Any]] {
        (0..<count).map { index in
            if bad.contains(index) { return ["sku": "NOPE-\(index)", "delta": 1, "reason": "received"] }
            return ["sku": String(format: "BULK-%04d", index % 50), "delta": 1, "reason": "received", "reference": "delivery 9"]
        }
    }

    func seed(_ server: TestServer) async throws {
        for index in 0..<50 { try await server.test.product(String(format: "BULK-%04d", index), stock: 100) }
    }

    func ledgerRows(_ server: TestServer) throws -> Int { try server.test.count("SELECT COUNT(*) FROM stock_movement") }

    @Test("1,000 good items: one request, one transaction, every ledger row written")
    func thousand() async throws {
        let server = try await TestServer()
        try await seed(server)
        let before = try ledgerRows(server)
        let transactions = server.test.store.committedTransactions
        let response = try await server.run { client in
            try await client.execute(uri: Self.path, method: .post, headers: server.headers(.operator, json: true), body: jsonBody(["items": items(1_000)]))
        }
        #expect(response.status == .ok)
        let json = try response.json()
        #expect(json["applied"] as? Int == 1_000 && json["refused"] as? Int == 0 && json["written"] as? Bool == true)
        #expect(try ledgerRows(server) == before + 1_000)
        #expect(server.test.store.committedTransactions == transactions + 1)
        #expect(try await server.test.item("BULK-0007").stock.onHand == 120)
        #expect(try await server.shop.checkInvariants().isEmpty)
    }

    @Test("mixed items under reject-all: 422, each item's reason, nothing written")
    func rejectAll() async throws {
        let server = try await TestServer()
        try await seed(server)
        let before = try ledgerRows(server)
        var mixed = items(10, bad: [3])
        mixed.append(["sku": "BULK-0001", "delta": -500, "reason": "correction"])
        mixed.append(["sku": "BULK-0002", "count": 90, "expected": 99])
        mixed.append(["sku": "BULK-0003", "delta": -2, "reason": "received"])
        mixed.append(["sku": "BULK-0004"])
        let payload = jsonBody(["items": mixed])
        let response = try await server.run { client in
            try await client.execute(uri: Self.path, method: .post, headers: server.headers(.operator, json: true), body: payload)
        }
        #expect(response.status == .unprocessableContent)
        let json = try response.json()
        let results = try #require(json["items"] as? [[String: Any]])
        let statuses = results.map { $0["status"] as? String ?? "?" }
        #expect(statuses == Array(repeating: "not_applied", count: 3) + ["refused"] + Array(repeating: "not_applied", count: 6) + ["refused", "refused", "refused", "refused"])
        let problems = results.compactMap { $0["problem"] as? [String: Any] }
        // Unknown SKU, below committed, a count that moved (the store's
        // rehearsal), then two items Core's rules refuse before the store.
        let codes = problems.compactMap { $0["code"] as? String }
        #expect(codes.count == 5 && codes[0] == "not_found" && codes[3] == "validation_failed" && codes[4] == "validation_failed", "\(problems)")
        #expect(codes[2] == "conflict", "\(problems)")
        #expect(json["written"] as? Bool == false)
        #expect(try ledgerRows(server) == before, "reject-all: nothing written")
    }

    @Test("mixed items under skip-bad-rows: the good ones written, the bad ones answered")
    func skipBadRows() async throws {
        let server = try await TestServer()
        try await seed(server)
        let before = try ledgerRows(server)
        let response = try await server.run { client in
            try await client.execute(uri: Self.path, method: .post, headers: server.headers(.operator, json: true),
                                     body: jsonBody(["onError": "skip-bad-rows", "items": items(20, bad: [0, 19])]))
        }
        #expect(response.status == .ok)
        let json = try response.json()
        #expect(json["applied"] as? Int == 18 && json["refused"] as? Int == 2)
        #expect(try ledgerRows(server) == before + 18)
    }

    @Test("a retry with the same Idempotency-Key gets the first reply and writes nothing; another body with it is 409")
    func idempotent() async throws {
        let server = try await TestServer()
        try await seed(server)
        var keyed = server.headers(.operator, json: true)
        keyed[HTTPField.Name("Idempotency-Key")!] = "delivery-2026-11-29"
        let headers = keyed
        let body = jsonBody(["items": items(5)])
        let otherBody = jsonBody(["items": items(6)])
        let (first, second, other) = try await server.run { client in
            let first = try await client.execute(uri: Self.path, method: .post, headers: headers, body: body)
            let second = try await client.execute(uri: Self.path, method: .post, headers: headers, body: body)
            let other = try await client.execute(uri: Self.path, method: .post, headers: headers, body: otherBody)
            return (first, second, other)
        }
        #expect(first.status == .ok && second.status == .ok)
        #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
        #expect(first.text == second.text)
        #expect(try await server.test.item("BULK-0001").stock.onHand == 101, "written once")
        #expect(other.status == .conflict)
    }

    @Test("limits and roles: more than 1,000 items, an empty list, a viewer")
    func limits() async throws {
        let server = try await TestServer()
        try await seed(server)
        let (tooMany, empty, viewer, badPolicy) = try await server.run { client in
            (
                try await client.execute(uri: Self.path, method: .post, headers: server.headers(.operator, json: true), body: jsonBody(["items": items(1_001)])),
                try await client.execute(uri: Self.path, method: .post, headers: server.headers(.operator, json: true), body: jsonBody(["items": []])),
                try await client.execute(uri: Self.path, method: .post, headers: server.headers(.viewer, json: true), body: jsonBody(["items": items(1)])),
                try await client.execute(uri: Self.path, method: .post, headers: server.headers(.operator, json: true),
                                         body: jsonBody(["onError": "maybe", "items": items(1)]))
            )
        }
        #expect(tooMany.status == .unprocessableContent && tooMany.text.contains("limit_exceeded"))
        #expect(empty.status == .unprocessableContent)
        #expect(viewer.status == .forbidden)
        #expect(badPolicy.status == .unprocessableContent && badPolicy.text.contains("onError"))
    }

    @Test("concurrent bulk corrections and checkouts never oversell")
    func concurrentWithCheckouts() async throws {
        let server = try await TestServer()
        try await server.test.product("HOT-1", stock: 40)
        let outcomes = try await server.run { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        let json: HTTPFields = [.contentType: "application/json"]
                        let cart = try await client.execute(uri: "/api/v1/carts", method: .post).json()["id"] as! String
                        let held = try await client.execute(uri: "/api/v1/carts/\(cart)/lines/HOT-1", method: .put, headers: json, body: jsonBody(["quantity": 2]))
                        guard held.status == .ok else { return held.status }
                        return try await client.execute(uri: "/api/v1/carts/\(cart)/checkout", method: .post, headers: json,
                                                        body: jsonBody(["email": "s\(index)@example.com", "shippingAddress": addressJSON])).status
                    }
                }
                for _ in 0..<10 {
                    group.addTask {
                        let items = (0..<20).map { _ in ["sku": "HOT-1", "delta": -1, "reason": "damaged"] as [String: Any] }
                        return try await client.execute(uri: Self.path, method: .post, headers: server.headers(.operator, json: true),
                                                        body: jsonBody(["onError": "skip-bad-rows", "items": items])).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
        }
        #expect(!outcomes.contains(.internalServerError))
        let stock = try await server.test.item("HOT-1").stock
        #expect(stock.onHand >= stock.allocated + stock.held, "never below what orders and carts hold: \(stock)")
        #expect(try await server.shop.checkInvariants().isEmpty)
    }
}
