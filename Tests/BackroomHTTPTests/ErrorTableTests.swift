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

@Suite("HTTP errors")
struct ErrorTableTests {
    @Test("every error is problem+json with a stable code and no internals")
    func errorTable() async throws {
        let server = try await TestServer(configuration: ServerConfiguration(bodyLimit: 1024))
        try await server.test.product("MUG-1", stock: 5)
        let admin = server.headers(.operator, json: true)
        try await server.run { client in
            func check(_ uri: String, _ method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
                       status: HTTPResponse.Status, code: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
                let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
                #expect(response.status == status, "\(method) \(uri): \(response.text)", sourceLocation: sourceLocation)
                #expect(response.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
                let problem = try response.json()
                #expect(problem["code"] as? String == code, "\(response.text)", sourceLocation: sourceLocation)
                #expect(problem["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
                #expect(problem["requestId"] is String, sourceLocation: sourceLocation)
                #expect(!response.text.contains("SELECT") && !response.text.contains(".swift"), sourceLocation: sourceLocation)
                return problem
            }
            // Malformed JSON, wrong shape, wrong content type, too large.
            _ = try await check("/api/v1/admin/products", .post, headers: admin, body: ByteBuffer(string: "{nope"), status: .badRequest, code: "malformed_request")
            let missing = try await check("/api/v1/admin/products", .post, headers: admin, body: jsonBody(["sku": "A"]), status: .badRequest, code: "malformed_request")
            #expect(missing["field"] as? String == "name")
            _ = try await check("/api/v1/admin/products", .post, headers: server.headers(.operator), body: ByteBuffer(string: "{}"), status: .unsupportedMediaType, code: "unsupported_media_type")
            var plain = server.headers(.operator)
            plain[.contentType] = "text/plain"
            _ = try await check("/api/v1/admin/products", .post, headers: plain, body: ByteBuffer(string: "{}"), status: .unsupportedMediaType, code: "unsupported_media_type")
            let big = jsonBody(["sku": "BIG-1", "name": String(repeating: "x", count: 2000), "price": "1.00"])
            _ = try await check("/api/v1/admin/products", .post, headers: admin, body: big, status: .contentTooLarge, code: "payload_too_large")
            // Validation names the field.
            let invalid = try await check("/api/v1/admin/products", .post, headers: admin, body: jsonBody(["sku": "bad sku", "name": "X", "price": "1.00"]), status: .unprocessableContent, code: "validation_failed")
            #expect(invalid["field"] as? String == "sku")
            let price = try await check("/api/v1/admin/products", .post, headers: admin, body: jsonBody(["sku": "OK-1", "name": "X", "price": "12.345"]), status: .unprocessableContent, code: "validation_failed")
            #expect(price["field"] as? String == "price")
            // Routing.
            _ = try await check("/api/v1/nothing", .get, status: .notFound, code: "not_found")
            let response = try await client.execute(uri: "/api/v1/products/MUG-1", method: .delete)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET, HEAD")
            _ = try await check("/api/v1/carts", .get, status: .methodNotAllowed, code: "method_not_allowed")
            // Authentication and authorization.
            _ = try await check("/api/v1/admin/products", .get, status: .unauthorized, code: "unauthenticated")
            _ = try await check("/api/v1/products", .get, headers: [.authorization: "Bearer brt_nope"], status: .unauthorized, code: "unauthenticated")
            _ = try await check("/api/v1/products", .get, headers: [.authorization: "Basic abc"], status: .unauthorized, code: "unauthenticated")
            _ = try await check("/api/v1/admin/products", .get, headers: server.headers(.customer), status: .forbidden, code: "forbidden")
            _ = try await check("/api/v1/admin/products/MUG-1/stock/adjustments", .post, headers: server.headers(.viewer, json: true),
                                body: jsonBody(["delta": 1, "reason": "received"]), status: .forbidden, code: "forbidden")
            // Conflicts: duplicate, stale compare-and-set, stock.
            _ = try await check("/api/v1/admin/products", .post, headers: admin, body: jsonBody(["sku": "mug-1", "name": "X", "price": "1.00"]), status: .conflict, code: "conflict")
            let stale = try await check("/api/v1/admin/products/MUG-1/stock", .put, headers: admin, body: jsonBody(["count": 3, "expected": 4]), status: .conflict, code: "conflict")
            #expect(stale["currentCount"] as? Int == 5)
            let cart = try await client.execute(uri: "/api/v1/carts", method: .post).json()["id"] as! String
            let short = try await check("/api/v1/carts/\(cart)/lines/MUG-1", .put, headers: [.contentType: "application/json"],
                                        body: jsonBody(["quantity": 6]), status: .conflict, code: "insufficient_stock")
            let shortages = short["shortages"] as? [[String: Any]]
            #expect(shortages?.first?["available"] as? Int == 5)
            #expect(shortages?.first?["requested"] as? Int == 6)
            _ = try await check("/api/v1/carts/c_unknown/lines/MUG-1", .put, headers: [.contentType: "application/json"], body: jsonBody(["quantity": 1]), status: .notFound, code: "not_found")
            _ = try await check("/api/v1/products/NOPE", .get, status: .notFound, code: "not_found")
            _ = try await check("/api/v1/products?limit=0", .get, status: .unprocessableContent, code: "validation_failed")
            _ = try await check("/api/v1/products?cursor=garbage", .get, status: .unprocessableContent, code: "validation_failed")
            _ = try await check("/api/v1/products?sort=colour", .get, status: .unprocessableContent, code: "validation_failed")
        }
        #expect(try await server.test.item("MUG-1").stock == StockLevel(onHand: 5, held: 0, allocated: 0))
    }

    @Test("failed logins are limited per account and client with Retry-After, naming the limit")
    func loginRateLimit() async throws {
        let server = try await TestServer { $0.clientLimits.loginFailuresPerAccountAndClient = 3 }
        try await server.run { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                let response = try await client.execute(
                    uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                    body: jsonBody(["email": "customer@example.com", "password": "wrong horse"])
                )
                statuses.append(response.status)
                if response.status == .tooManyRequests {
                    #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                    #expect(try response.json()["code"] as? String == "rate_limited")
                    #expect(try response.json()["limit"] as? String == "login_failures_per_account_and_client")
                }
            }
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests, .tooManyRequests])
        }
    }
}
